//! Walking a schema: which values below a schema object are schemas, found
//! without recursion (deep schemas must not overflow the stack).

use serde_json::Value;

use crate::pointer::escape;

/// Whether `key` only annotates a schema (a title, docs, examples, an
/// `x-` extension): it says nothing of which values are valid.
pub fn is_annotation(key: &str) -> bool {
    matches!(key, "$schema" | "$id" | "$comment" | "title" | "description" | "default" | "examples" | "deprecated" | "readOnly" | "writeOnly")
        || key.starts_with("x-")
}

/// Keywords whose values are data, not schemas: never look for `$ref` there.
const DATA_KEYWORDS: &[&str] = &["enum", "const", "default", "examples", "example"];

/// Calls `visit` with every schema object below `value` (itself included)
/// and its pointer relative to `value`: it walks into keywords that hold
/// schemas, and through the maps of `properties`, `$defs` and the like,
/// whose keys are names (a property may be called `default` or `enum`),
/// to the schemas they map to. Iterative: deep schemas must not overflow
/// the stack.
pub fn for_each_object(value: &Value, mut visit: impl FnMut(&serde_json::Map<String, Value>, &str)) {
    let mut stack = vec![(value, String::new())];
    while let Some((node, rel)) = stack.pop() {
        match node {
            Value::Object(map) => {
                visit(map, &rel);
                for (child, at) in schema_children(map, &rel) {
                    stack.push((child, at));
                }
            }
            Value::Array(items) => {
                for (index, child) in items.iter().enumerate() {
                    stack.push((child, format!("{rel}/{index}")));
                }
            }
            _ => {}
        }
    }
}

/// The values below a schema object that are schemas or arrays of schemas,
/// with their pointers: keywords that hold data (`enum`, `examples`, ...,
/// `x-` extensions) are not looked into; the values of name maps
/// (`properties`, `$defs`, ...) are schemas whatever their names.
pub fn schema_children<'v>(map: &'v serde_json::Map<String, Value>, at: &str) -> Vec<(&'v Value, String)> {
    let mut children = Vec::new();
    for (key, child) in map {
        if is_data_keyword(key) {
            continue;
        }
        let child_at = format!("{at}/{}", escape(key));
        match child {
            Value::Object(named) if SCHEMA_MAPS.contains(&key.as_str()) => {
                children.extend(named.iter().map(|(name, schema)| (schema, format!("{child_at}/{}", escape(name)))));
            }
            Value::Object(_) | Value::Array(_) => children.push((child, child_at)),
            _ => {}
        }
    }
    children
}

/// Keywords whose value maps names to schemas.
pub const SCHEMA_MAPS: &[&str] = &["properties", "patternProperties", "$defs", "definitions", "dependentSchemas", "dependencies"];

/// Calls `visit` with every schema object below `schema` (itself
/// included), as [`for_each_object`] walks them.
pub fn for_each_schema(schema: &Value, mut visit: impl FnMut(&serde_json::Map<String, Value>)) {
    for_each_object(schema, |map, _| visit(map));
}

/// Whether a keyword's value is data, not a schema (`enum`, `examples`,
/// an `x-` extension, ...).
pub fn is_data_keyword(key: &str) -> bool {
    DATA_KEYWORDS.contains(&key) || key.starts_with("x-")
}
