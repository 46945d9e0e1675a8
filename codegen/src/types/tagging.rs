//! How typify tags the values of an enum it makes of a union (serde's enum
//! representations), and the name each variant has in JSON, read from the
//! union's branches as typify reads them (its `enums.rs`): typify's API
//! says neither.
//!
//! typify tries the representations in order: external (every branch a
//! string value or an object of one required property, see `facts.rs`),
//! adjacent, internal, and untagged where none fits.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

/// How the values of an enum say their variant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Tagging {
    /// `"<variant>"`, or `{"<variant>": value}`.
    External,
    /// `{"<tag>": "<variant>", ...the variant's fields}`.
    Internal { tag: String },
    /// `{"<tag>": "<variant>", "<content>": value}`.
    Adjacent { tag: String, content: String },
    /// By their shape alone.
    Untagged,
}

/// The keywords typify reads into each part of a schema (schemars 0.8's
/// `SchemaObject`); any other key is an extension it ignores.
const PARTS: &[(&str, &[&str])] = &[
    ("type", &["type"]),
    ("format", &["format"]),
    ("enum", &["enum"]),
    ("const", &["const"]),
    ("subschemas", &["allOf", "anyOf", "oneOf", "not", "if", "then", "else"]),
    ("number", &["multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum"]),
    ("string", &["maxLength", "minLength", "pattern"]),
    ("array", &["items", "additionalItems", "maxItems", "minItems", "uniqueItems", "contains"]),
    ("object", &["maxProperties", "minProperties", "required", "properties", "patternProperties", "additionalProperties", "propertyNames"]),
    ("reference", &["$ref"]),
];

/// The parts of schemars' schema object that `map` has.
fn parts(map: &serde_json::Map<String, Value>) -> BTreeSet<&'static str> {
    PARTS.iter().filter(|(_, keys)| keys.iter().any(|key| map.contains_key(*key))).map(|(part, _)| *part).collect()
}

/// An object schema as typify tags by (its `get_object`): an object (by
/// `type`, or by object keywords alone) with no other rules, closed or
/// open, and no bounds or patterns on its properties.
fn object(schema: &Value) -> Option<&serde_json::Map<String, Value>> {
    let map = schema.as_object()?;
    let parts = parts(map);
    let typed = map.get("type").is_some_and(|t| t == "object");
    let allowed: &[&str] = if typed { &["type", "number", "string", "array", "object"] } else { &["object"] };
    let plain = parts.contains("object") && parts.iter().all(|part| allowed.contains(part)) && (typed || !parts.contains("type"));
    let open_or_closed = map.get("additionalProperties").is_none_or(|a| a == &Value::Bool(false));
    let unbounded = ["maxProperties", "minProperties", "propertyNames"].iter().all(|key| !map.contains_key(*key))
        && map.get("patternProperties").is_none_or(|p| p.as_object().is_some_and(serde_json::Map::is_empty));
    (plain && open_or_closed && unbounded).then_some(map)
}

/// The one string a schema allows, where it is a plain constant (typify's
/// `constant_string_value`): `enum` of one string or `const`, typed as a
/// string or untyped, with nothing else.
fn constant(schema: &Value) -> Option<&str> {
    let map = schema.as_object()?;
    let parts = parts(map);
    let typed = map.get("type").is_some_and(|t| t == "string");
    let value = match (map.get("enum"), map.get("const")) {
        (Some(Value::Array(values)), None) if values.len() == 1 => &values[0],
        (None, Some(value)) => value,
        _ => return None,
    };
    let own = if map.contains_key("enum") { "enum" } else { "const" };
    let plain = parts.iter().all(|part| *part == own || (typed && *part == "type"));
    plain.then(|| value.as_str()).flatten()
}

/// The properties and required names of an object schema.
fn members(map: &serde_json::Map<String, Value>) -> (BTreeMap<&str, &Value>, BTreeSet<&str>) {
    let properties = map.get("properties").and_then(Value::as_object).map(|p| p.iter().map(|(k, v)| (k.as_str(), v)).collect()).unwrap_or_default();
    let required = map.get("required").and_then(Value::as_array).map(|r| r.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
    (properties, required)
}

/// How typify tags an enum made of `branches` (as typify reads them, the
/// object around the union merged in) when it does not tag it externally,
/// with the name of each variant in JSON (the tag's value; none untagged).
pub(super) fn tagging(branches: &[&Value]) -> (Tagging, Vec<Option<String>>) {
    if !branches.is_empty()
        && let Some(objects) = branches.iter().map(|b| object(b)).collect::<Option<Vec<_>>>()
        && let Some(found) = adjacent(&objects).or_else(|| internal(&objects))
    {
        return found;
    }
    (Tagging::Untagged, vec![None; branches.len()])
}

/// Adjacent tagging: every branch requires all its properties, one of them
/// a constant all branches have (the tag), and the branches hold two
/// properties in all (the tag and the content).
fn adjacent(objects: &[&serde_json::Map<String, Value>]) -> Option<(Tagging, Vec<Option<String>>)> {
    let mut constants: Option<BTreeSet<&str>> = None;
    let mut all = BTreeSet::new();
    for map in objects {
        let (properties, required) = members(map);
        if properties.len() != required.len() {
            return None;
        }
        let own: BTreeSet<&str> = properties.iter().filter(|(_, s)| constant(s).is_some()).map(|(name, _)| *name).collect();
        constants = Some(match constants {
            None => own,
            Some(before) => before.intersection(&own).copied().collect(),
        });
        all.extend(properties.keys().copied());
    }
    let constants = constants?;
    if constants.len() != 1 || all.len() != 2 {
        return None;
    }
    let tag = constants.into_iter().next()?;
    let content = all.into_iter().find(|name| *name != tag)?;
    let names = objects.iter().map(|map| members(map).0.get(tag).and_then(|s| constant(s)).map(str::to_owned)).collect();
    Some((Tagging::Adjacent { tag: tag.to_owned(), content: content.to_owned() }, names))
}

/// Internal tagging: a required property every branch gives a constant
/// value, each branch another (the first such property by name).
fn internal(objects: &[&serde_json::Map<String, Value>]) -> Option<(Tagging, Vec<Option<String>>)> {
    let per_branch: Vec<BTreeMap<&str, &str>> = objects
        .iter()
        .map(|map| {
            let (properties, required) = members(map);
            properties.into_iter().filter(|(name, _)| required.contains(name)).filter_map(|(name, s)| Some((name, constant(s)?))).collect()
        })
        .collect();
    let mut candidates: BTreeMap<&str, BTreeSet<&str>> = per_branch.first()?.iter().map(|(name, value)| (*name, BTreeSet::from([*value]))).collect();
    for branch in &per_branch[1..] {
        candidates.retain(|name, values| match branch.get(name) {
            Some(value) if !values.contains(value) => {
                values.insert(value);
                true
            }
            _ => false,
        });
    }
    let tag = *candidates.keys().next()?;
    let names = per_branch.iter().map(|branch| branch.get(tag).map(|v| (*v).to_owned())).collect();
    Some((Tagging::Internal { tag: tag.to_owned() }, names))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn of(branches: &[Value]) -> (Tagging, Vec<Option<String>>) {
        tagging(&branches.iter().collect::<Vec<_>>())
    }

    #[test]
    fn objects_sharing_a_required_constant_are_tagged_internally_by_it() {
        let branches = [
            json!({"type": "object", "properties": {"kind": {"const": "circle"}, "r": {"type": "number"}}, "required": ["kind"]}),
            json!({"properties": {"kind": {"type": "string", "enum": ["square"]}, "side": {"type": "number"}}, "required": ["kind", "side"]}),
        ];
        assert_eq!(of(&branches), (Tagging::Internal { tag: "kind".into() }, vec![Some("circle".into()), Some("square".into())]));
    }

    #[test]
    fn objects_of_a_tag_and_one_content_property_are_tagged_adjacently() {
        let branches = [
            json!({"type": "object", "properties": {"t": {"const": "a"}, "c": {"type": "string"}}, "required": ["t", "c"]}),
            json!({"type": "object", "properties": {"t": {"const": "b"}, "c": {"type": "integer"}}, "required": ["t", "c"]}),
        ];
        assert_eq!(of(&branches).0, Tagging::Adjacent { tag: "t".into(), content: "c".into() });
    }

    #[test]
    fn a_reference_a_shared_constant_or_an_optional_tag_leaves_a_union_untagged() {
        let circle = json!({"type": "object", "properties": {"kind": {"const": "circle"}}, "required": ["kind"]});
        let reference = json!({"$ref": "#/definitions/Square"});
        let same = circle.clone();
        let optional = json!({"type": "object", "properties": {"kind": {"const": "square"}, "x": {}}});
        for other in [reference, same, optional] {
            assert_eq!(of(&[circle.clone(), other.clone()]).0, Tagging::Untagged, "{other}");
        }
    }
}
