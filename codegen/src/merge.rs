//! `allOf` of object schemas written as one object schema, where that
//! changes no value's validity.
//!
//! Real contracts extend a shared object with `allOf: [{"$ref": shared},
//! {extra properties}]`. Read as one object (properties and `required`
//! united, a property declared twice holding both sets of rules), the
//! schema has the same values, and the generated checks can then answer
//! for the decoded value exactly instead of validating the JSON again.
//! Where the members cannot be united without changing the values (a
//! keyword only an object's own schema can carry, two different values of
//! one keyword, a closed member that forbids another member's property),
//! the `allOf` stays as written.

use serde_json::{Map, Value};

use crate::refs::Bundle;

/// Keywords that only describe: the first member's wins.
const ANNOTATIONS: &[&str] = &["title", "description", "examples", "default", "deprecated", "readOnly", "writeOnly", "$comment"];

/// Keywords of a property's schema that two members may both carry, united
/// as both constraints (equal values, or one member's alone).
const PROPERTY_RULES: &[&str] = &[
    "type", "pattern", "format", "minLength", "maxLength", "minimum", "maximum", "multipleOf", "enum", "const", "minItems", "maxItems", "uniqueItems",
];

/// How deep `$ref`s to members that are themselves `allOf`s are followed.
const DEPTH: usize = 8;

/// Rewrites every mergeable `allOf` of the bundle's definitions.
pub fn merge_all_of(bundle: &mut Bundle) {
    let names: Vec<String> = bundle.definitions.keys().cloned().collect();
    for name in names {
        let mut schema = bundle.definitions[&name].clone();
        let mut places = Vec::new();
        crate::walk::for_each_object(&schema, |map, at| {
            if map.contains_key("allOf") {
                places.push(at.to_owned());
            }
        });
        // Inner ones first: an outer member may be an inner merge's result.
        places.sort_by_key(|at| std::cmp::Reverse(at.matches('/').count()));
        let mut changed = false;
        for at in places {
            let Some(node) = schema.pointer(&at) else { continue };
            if let Some(merged) = merged(bundle, node, DEPTH) {
                *schema.pointer_mut(&at).expect("found above") = merged;
                changed = true;
            }
        }
        if changed {
            bundle.definitions.insert(name, schema);
        }
    }
}

/// The one object schema `node`'s `allOf` (and its own keywords) makes, or
/// `None` where uniting would change which values are valid.
fn merged(bundle: &Bundle, node: &Value, depth: usize) -> Option<Value> {
    let node = node.as_object()?;
    let mut own = node.clone();
    let members = own.remove("allOf")?;
    let mut all: Vec<Map<String, Value>> = vec![own];
    for member in members.as_array()? {
        all.push(resolve(bundle, member, depth)?);
    }
    let mut out = Map::new();
    let mut properties = Map::new();
    let mut required: Vec<Value> = Vec::new();
    let mut closed: Vec<Vec<String>> = Vec::new();
    for (index, member) in all.iter().enumerate() {
        for (key, value) in member {
            match key.as_str() {
                "type" if value != "object" => return None,
                "type" => {
                    out.insert("type".to_owned(), value.clone());
                }
                "properties" => {
                    for (name, schema) in value.as_object()? {
                        let united = match properties.get(name) {
                            Some(earlier) => unite(earlier, schema)?,
                            None => schema.clone(),
                        };
                        properties.insert(name.clone(), united);
                    }
                }
                "required" => {
                    for name in value.as_array()? {
                        if !required.contains(name) {
                            required.push(name.clone());
                        }
                    }
                }
                "additionalProperties" if *value == Value::Bool(false) => {
                    let declared = member.get("properties").and_then(Value::as_object).map(|p| p.keys().cloned().collect()).unwrap_or_default();
                    closed.push(declared);
                }
                "additionalProperties" if *value == Value::Bool(true) => {}
                // The node's own place in the document stays its own.
                "$schema" | "$id" | "$anchor" | "$defs" | "definitions" if index == 0 => {
                    out.insert(key.clone(), value.clone());
                }
                // A shared file's root keeps its dialect and name where it is.
                "$schema" | "$id" => {}
                key if ANNOTATIONS.contains(&key) || key.starts_with("x-") => {
                    out.entry(key.to_owned()).or_insert_with(|| value.clone());
                }
                _ => return None,
            }
        }
    }
    // Without a member that says `type: object`, the rules of the others
    // let every non-object through, which one object type cannot.
    if !out.contains_key("type") {
        return None;
    }
    // A closed member forbids what it does not declare: every property of
    // the union must be one of its own.
    if closed.iter().any(|declared| properties.keys().any(|name| !declared.contains(name))) {
        return None;
    }
    out.insert("properties".to_owned(), Value::Object(properties));
    if !required.is_empty() {
        out.insert("required".to_owned(), Value::Array(required));
    }
    if !closed.is_empty() {
        out.insert("additionalProperties".to_owned(), false.into());
    }
    Some(Value::Object(out))
}

/// A member as an object schema: inline, or the definition its `$ref`
/// names (itself merged where it is an `allOf`).
fn resolve(bundle: &Bundle, member: &Value, depth: usize) -> Option<Map<String, Value>> {
    let map = member.as_object()?;
    let Some(reference) = map.get("$ref") else {
        return Some(map.clone());
    };
    // A `$ref` with rules beside it is two schemas on one value: left alone.
    if map.keys().any(|key| key != "$ref" && !ANNOTATIONS.contains(&key.as_str()) && !key.starts_with("x-")) || depth == 0 {
        return None;
    }
    let target = bundle.definitions.get(reference.as_str()?.strip_prefix("#/$defs/")?)?;
    if target.get("allOf").is_some() {
        return merged(bundle, target, depth - 1)?.as_object().cloned();
    }
    target.as_object().cloned()
}

/// One property's schema holding both `a`'s and `b`'s rules, where each
/// keyword is one both may carry and no keyword has two values.
fn unite(a: &Value, b: &Value) -> Option<Value> {
    if a == b {
        return Some(a.clone());
    }
    let (a, b) = (a.as_object()?, b.as_object()?);
    let mut out = a.clone();
    for (key, value) in b {
        let annotation = ANNOTATIONS.contains(&key.as_str()) || key.starts_with("x-");
        if !annotation && !PROPERTY_RULES.contains(&key.as_str()) {
            return None;
        }
        match out.get(key) {
            Some(existing) if annotation || existing == value => {}
            Some(_) => return None,
            None => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    if out.keys().any(|key| !ANNOTATIONS.contains(&key.as_str()) && !key.starts_with("x-") && !PROPERTY_RULES.contains(&key.as_str())) {
        return None;
    }
    Some(Value::Object(out))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn bundle_with(name: &str, schema: Value) -> Bundle {
        let mut bundle = Bundle::default();
        bundle.definitions.insert("Shared".to_owned(), json!({"type": "object", "required": ["id"], "properties": {"id": {"type": "string", "minLength": 1}}}));
        bundle.definitions.insert(name.to_owned(), schema);
        bundle
    }

    #[test]
    fn an_extension_of_a_shared_object_becomes_one_object() {
        let mut bundle = bundle_with(
            "Event",
            json!({"type": "object", "properties": {"entity": {"description": "The entity.", "allOf": [
                {"$ref": "#/$defs/Shared"},
                {"type": "object", "additionalProperties": false, "required": ["version"], "properties": {"id": {"type": "string", "pattern": "^e"}, "version": {"type": "integer", "minimum": 1}}}
            ]}}}),
        );
        merge_all_of(&mut bundle);
        assert_eq!(
            bundle.definitions["Event"]["properties"]["entity"],
            json!({"description": "The entity.", "type": "object", "additionalProperties": false, "required": ["id", "version"], "properties": {
                "id": {"type": "string", "minLength": 1, "pattern": "^e"},
                "version": {"type": "integer", "minimum": 1}
            }})
        );
    }

    #[test]
    fn members_that_cannot_be_united_stay_an_all_of() {
        for members in [
            // Two values of one keyword.
            json!([{"$ref": "#/$defs/Shared"}, {"properties": {"id": {"minLength": 2}}}]),
            // A closed member that forbids another member's property.
            json!([{"$ref": "#/$defs/Shared"}, {"additionalProperties": false, "properties": {"other": {}}}]),
            // A keyword only an object's own schema can carry.
            json!([{"$ref": "#/$defs/Shared"}, {"minProperties": 2}]),
            // Not objects.
            json!([{"type": "string"}, {"minLength": 1}]),
            // No member says the value is an object: non-objects pass.
            json!([{"properties": {"a": {}}}, {}]),
            json!([{}]),
            // A `$ref` with rules beside it.
            json!([{"$ref": "#/$defs/Shared", "required": ["x"]}]),
        ] {
            let schema = json!({"allOf": members});
            let mut bundle = bundle_with("Event", schema.clone());
            merge_all_of(&mut bundle);
            assert_eq!(bundle.definitions["Event"], schema);
        }
    }
}
