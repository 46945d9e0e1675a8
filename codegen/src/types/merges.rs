//! The definitions typify must not be given typed: merging their `allOf`
//! would not end (a member refers back) or would not fit in memory (a
//! large union merged with more). They are handed over as any JSON, and
//! validation enforces their schemas.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::refs;

/// Past this many branches, a union merged (`allOf`) with another member is
/// left to validation: typify merges each branch with each other branch's
/// negation, and its memory grew past 14 GB in 45 s on a union of 79.
const MERGED_UNION_BRANCHES: usize = 16;

/// The definitions with an `allOf` one of whose members refers, directly
/// or through other definitions, back to the definition.
pub(super) fn cyclic_merges(bundle: &refs::Bundle) -> BTreeSet<String> {
    let refs_in = |schema: &Value| {
        let mut out = BTreeSet::new();
        crate::walk::for_each_object(schema, |map, _| {
            if let Some(name) = map.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/$defs/")) {
                out.insert(name.to_owned());
            }
        });
        out
    };
    let edges: BTreeMap<&String, BTreeSet<String>> = bundle.definitions.iter().map(|(name, schema)| (name, refs_in(schema))).collect();
    let reaches = |from: &str, to: &str| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_owned()];
        while let Some(next) = stack.pop() {
            if next == to {
                return true;
            }
            if seen.insert(next.clone()) {
                stack.extend(edges.get(&next).into_iter().flatten().cloned());
            }
        }
        false
    };
    bundle
        .definitions
        .iter()
        .filter(|(name, schema)| {
            let mut merged = BTreeSet::new();
            crate::walk::for_each_object(schema, |map, _| {
                if let Some(Value::Array(members)) = map.get("allOf") {
                    for member in members {
                        merged.extend(refs_in(member));
                    }
                }
            });
            merged.iter().any(|member| reaches(member, name))
        })
        .map(|(name, _)| name.clone())
        .collect()
}

/// The definitions with an `allOf` that merges a union of more than
/// [`MERGED_UNION_BRANCHES`] branches (through `$ref`s and nested unions)
/// with another member, with that union's branch count.
pub(super) fn costly_merges(bundle: &refs::Bundle) -> Vec<(String, usize)> {
    // The branches a union stands for, nested unions counted through;
    // bounded, so a recursive union is counted once.
    let branches = |schema: &Value| {
        let mut count = 0;
        let mut stack = vec![(refs::follow(&bundle.definitions, schema), 0)];
        while let Some((node, depth)) = stack.pop() {
            let members: Vec<&Value> = ["oneOf", "anyOf"].iter().filter_map(|k| node.get(*k).and_then(Value::as_array)).flatten().collect();
            if members.is_empty() || depth > 4 {
                count += 1;
            } else {
                stack.extend(members.into_iter().map(|m| (refs::follow(&bundle.definitions, m), depth + 1)));
            }
            if count > 10 * MERGED_UNION_BRANCHES {
                break;
            }
        }
        count
    };
    let mut costly = Vec::new();
    for (name, schema) in &bundle.definitions {
        let mut widest = 0;
        crate::walk::for_each_object(schema, |map, _| {
            if let Some(Value::Array(members)) = map.get("allOf")
                && members.len() > 1
            {
                widest = widest.max(members.iter().map(&branches).max().unwrap_or(0));
            }
        });
        if widest > MERGED_UNION_BRANCHES {
            costly.push((name.clone(), widest));
        }
    }
    costly
}


#[cfg(test)]
mod tests {
    use super::*;

    fn bundle(definitions: Value) -> refs::Bundle {
        let definitions: BTreeMap<String, Value> = serde_json::from_value(definitions).unwrap();
        let origins = definitions.keys().map(|name| (name.clone(), ("a.json".to_owned(), String::new()))).collect();
        refs::Bundle { definitions, origins }
    }

    fn union(branches: usize) -> Value {
        Value::Array((0..branches).map(|i| serde_json::json!({"type": "object", "required": [format!("kind{i}")]})).collect())
    }

    #[test]
    fn a_large_union_merged_with_more_is_costly_and_a_small_one_is_not() {
        let set = bundle(serde_json::json!({
            "Sinks": {"oneOf": union(12)},
            "MoreSinks": {"anyOf": [{"$ref": "#/$defs/Sinks"}, {"oneOf": union(8)}]},
            "Outer": {"allOf": [{"type": "object", "properties": {"inputs": {"type": "array"}}}, {"$ref": "#/$defs/MoreSinks"}]},
            "Small": {"allOf": [{"type": "object"}, {"oneOf": union(3)}]},
            "Alone": {"allOf": [{"oneOf": union(40)}]},
            "Unmerged": {"oneOf": union(40)}
        }));
        assert_eq!(costly_merges(&set), vec![("Outer".to_owned(), 20)]);
    }
}
