//! Inline schemas typify would name after the schema that holds them, or
//! did name as another, get definitions of their own, so every type name
//! is unique by construction.
//!
//! typify names an inline type after its parent and the property
//! (`{parent}_{property}` in Pascal case); a property whose name has no
//! letter or digit (`?`, `$`) adds nothing, and the type takes its parent's
//! name. Likewise the object of a nullable definition (`oneOf: [{..}, null]`)
//! is named as the definition. Two types of one name do not compile.

use heck::ToSnakeCase;
use serde_json::Value;

use crate::refs::Bundle;

/// Moves each such inline schema into a definition of its own
/// (`<Parent>Property`, `<Parent>Value`, numbered where taken) and refers
/// to it there; true if any moved.
pub(super) fn hoist_parent_named(bundle: &mut Bundle) -> bool {
    let mut moved = false;
    let names: Vec<String> = bundle.definitions.keys().cloned().collect();
    for name in names {
        let mut found: Vec<(String, &'static str)> = Vec::new();
        let schema = &bundle.definitions[&name];
        if let Some(branch) = nullable_branch(schema) {
            found.push((branch, "Value"));
        }
        crate::walk::for_each_object(schema, |map, at| {
            let Some(properties) = map.get("properties").and_then(Value::as_object) else { return };
            for (property, subschema) in properties {
                if property.to_snake_case().is_empty() && makes_named_type(subschema) {
                    found.push((format!("{at}/properties/{}", crate::pointer::escape(property)), "Property"));
                }
            }
        });
        // Deepest first (a moved schema takes what is below it along), then
        // by pointer: the names do not hang on the order of the walk.
        found.sort_by(|(a, _), (b, _)| b.matches('/').count().cmp(&a.matches('/').count()).then_with(|| a.cmp(b)));
        for (at, suffix) in found {
            let new_name = (1..).map(|n| if n == 1 { format!("{name}{suffix}") } else { format!("{name}{suffix}{n}") }).find(|candidate| !bundle.definitions.contains_key(candidate)).expect("a free name");
            moved |= move_to_definition(bundle, &name, &at, new_name);
        }
    }
    moved
}

/// Moves each schema typify gave a name already taken (`shared`: by type
/// name, the places of the later schemas, by definition and pointer) into
/// a definition of its own (`<Name>2`, numbered further where taken), so
/// its type is its own; true if any moved.
pub(super) fn give_own_names(bundle: &mut Bundle, shared: &std::collections::BTreeMap<String, Vec<(String, String)>>) -> bool {
    let mut moved = false;
    for (type_name, places) in shared {
        let mut places = places.clone();
        places.sort();
        places.dedup();
        for (definition, at) in places {
            let is_ref = bundle.definitions.get(&definition).and_then(|schema| schema.pointer(&at)).is_some_and(|slot| slot.get("$ref").is_some());
            if at.is_empty() || is_ref {
                continue;
            }
            let new_name = (2..).map(|n| format!("{type_name}{n}")).find(|candidate| !bundle.definitions.contains_key(candidate)).expect("a free name");
            moved |= move_to_definition(bundle, &definition, &at, new_name);
        }
    }
    moved
}

/// Moves the schema at `at` in definition `definition` into a definition
/// `new_name` (from the same file) and refers to it there; false where
/// there is no schema at `at`.
fn move_to_definition(bundle: &mut Bundle, definition: &str, at: &str, new_name: String) -> bool {
    let Some(slot) = bundle.definitions.get_mut(definition).and_then(|schema| schema.pointer_mut(at)) else { return false };
    let inner = std::mem::replace(slot, serde_json::json!({ "$ref": format!("#/$defs/{new_name}") }));
    let origin = bundle.origins[definition].clone();
    bundle.definitions.insert(new_name.clone(), inner);
    bundle.origins.insert(new_name, origin);
    true
}

/// The pointer of the one branch besides `null` of a definition that is a
/// union of an inline named type and `null`.
fn nullable_branch(schema: &Value) -> Option<String> {
    ["oneOf", "anyOf"].into_iter().find_map(|key| {
        let branches = schema.get(key)?.as_array()?;
        let is_null = |b: &Value| b.get("type").and_then(Value::as_str) == Some("null");
        let others: Vec<usize> = (0..branches.len()).filter(|i| !is_null(&branches[*i])).collect();
        match others.as_slice() {
            [only] if branches.len() == 2 && makes_named_type(&branches[*only]) => Some(format!("/{key}/{only}")),
            _ => None,
        }
    })
}

/// Whether typify makes a named type (a struct or an enum) of an inline
/// schema: an object, a union, string values to choose from.
fn makes_named_type(schema: &Value) -> bool {
    let Value::Object(map) = schema else { return false };
    if map.contains_key("$ref") {
        return false;
    }
    let types: Vec<&str> = match map.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    types.contains(&"object")
        || types.iter().filter(|t| **t != "null").count() > 1
        || ["properties", "additionalProperties", "enum", "oneOf", "anyOf", "allOf"].iter().any(|key| map.contains_key(*key))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundle(definitions: Value) -> Bundle {
        let definitions: std::collections::BTreeMap<String, Value> = serde_json::from_value(definitions).unwrap();
        let origins = definitions.keys().map(|name| (name.clone(), ("a.json".to_owned(), String::new()))).collect();
        Bundle { definitions, origins }
    }

    #[test]
    fn a_union_under_a_property_without_letters_gets_a_definition() {
        let mut set = bundle(serde_json::json!({
            "Root": {"type": "object", "properties": {
                "?": {"anyOf": [{"type": "string"}, {"type": "object"}]},
                "/": {"type": "string"},
                "a": {"type": "object", "properties": {"$": {"enum": ["x", "y"]}}}
            }}
        }));
        assert!(hoist_parent_named(&mut set));
        // The deepest first, then in the order of their pointers.
        assert_eq!(set.definitions["Root"]["properties"]["a"]["properties"]["$"]["$ref"], "#/$defs/RootProperty");
        assert_eq!(set.definitions["RootProperty"], serde_json::json!({"enum": ["x", "y"]}));
        assert_eq!(set.definitions["Root"]["properties"]["?"], serde_json::json!({"$ref": "#/$defs/RootProperty2"}));
        assert_eq!(set.definitions["Root"]["properties"]["/"], serde_json::json!({"type": "string"}));
    }

    #[test]
    fn the_object_of_a_nullable_definition_gets_a_definition() {
        let mut set = bundle(serde_json::json!({
            "Config": {"description": "d", "oneOf": [{"type": "object", "properties": {"a": {"type": "string"}}}, {"type": "null"}]},
            "Name": {"oneOf": [{"type": "string"}, {"type": "null"}]}
        }));
        assert!(hoist_parent_named(&mut set));
        assert_eq!(set.definitions["Config"]["oneOf"][0], serde_json::json!({"$ref": "#/$defs/ConfigValue"}));
        assert_eq!(set.definitions["ConfigValue"]["properties"]["a"], serde_json::json!({"type": "string"}));
        assert_eq!(set.definitions["Name"]["oneOf"][0], serde_json::json!({"type": "string"}));
    }
}
