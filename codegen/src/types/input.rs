//! What typify is given: each definition as a Rust type can read it. Rules
//! no type expresses go to validation, and unions and `$ref`s are read as
//! the schema's dialect says. `x-pii` stays in the prepared definitions for
//! `facts`, which takes it out of typify's copy.

use serde_json::{Map, Value};

use crate::config::FormatMapping;
use crate::diagnostics::{Diagnostics, Error};
use crate::model::ContractSet;
use crate::refs;

/// Keywords that only narrow what is valid and that no Rust type can say
/// (negation, conditions, rules over property names or array contents).
/// typify does not see them, so the type is wider than the schema, never
/// narrower; validation enforces them.
pub(super) const VALIDATION_ONLY: &[&str] = &[
    "not",
    "if",
    "then",
    "else",
    "dependentSchemas",
    "dependentRequired",
    "dependencies",
    "propertyNames",
    "patternProperties",
    "unevaluatedProperties",
    "unevaluatedItems",
    "contains",
    "minContains",
    "maxContains",
    "prefixItems",
    "additionalItems",
    // Dynamic references resolve by the path validation took: no static type.
    "$dynamicRef",
    "$recursiveRef",
];

/// Keywords that only annotate: removed before typify sees the schema.
pub(super) const ANNOTATIONS: &[&str] = &["$schema", "$id", "$comment", "examples", "deprecated", "readOnly", "writeOnly"];

/// The definitions as typify should see them; `loose` ones as any JSON.
pub(super) fn typify_input(set: &ContractSet, bundle: &refs::Bundle, loose: &std::collections::BTreeSet<String>) -> Result<Input, Error> {
    let mut problems = Diagnostics::default();
    let mut definitions = Vec::new();
    let mut prepared_definitions = std::collections::BTreeMap::new();
    for (name, schema) in &bundle.definitions {
        let (file, base) = &bundle.origins[name];
        let prepared = if loose.contains(name) {
            let description = schema.get("description").and_then(Value::as_str).map(|d| ("description".to_owned(), Value::from(crate::model::doc_text(d))));
            Value::Object(description.into_iter().collect())
        } else {
            let legacy = set.files.files.get(file).is_some_and(|f| crate::dialect::Dialect::of_or_default(&f.value).ref_hides_siblings());
            prepare(schema, &Reading { formats: &set.formats, legacy, definitions: &bundle.definitions }, true)
        };
        match serde_json::from_value::<schemars08::schema::Schema>(super::facts::without_facts(&prepared)) {
            Ok(schema) => definitions.push((name.clone(), schema)),
            Err(e) => problems.push(refs::located(&set.files, file, base, "unsupported", format!("typify cannot read this schema: {e}"))),
        }
        prepared_definitions.insert(name.clone(), prepared);
    }
    problems.finish()?;
    Ok(Input { definitions, prepared: prepared_definitions })
}

/// What typify is given, and the same definitions with the facts of their
/// properties still in them (see `facts`).
pub(super) struct Input {
    pub definitions: Vec<(String, schemars08::schema::Schema)>,
    pub prepared: std::collections::BTreeMap<String, Value>,
}

/// The schema as typify should see it.
/// How a definition's schemas are read: the set's formats, and whether its
/// document's dialect ignores a `$ref`'s siblings (draft 7 and before).
pub(super) struct Reading<'a> {
    formats: &'a crate::config::Formats,
    legacy: bool,
    /// The bundle's definitions, to see what a `$ref` branch holds.
    definitions: &'a std::collections::BTreeMap<String, Value>,
}

pub(super) fn prepare(schema: &Value, reading: &Reading<'_>, is_root: bool) -> Value {
    let formats = reading.formats;
    let Value::Object(map) = schema else {
        return schema.clone();
    };
    let map = &ref_with_siblings(&typed_view(map, reading), reading.legacy);
    let mut out = Map::new();
    let has_ref = map.contains_key("$ref");
    for (key, value) in map {
        // `x-pii` stays for the facts of fields (see `facts`), which take
        // it out before typify sees the schema.
        if ANNOTATIONS.contains(&key.as_str()) || (key.starts_with("x-") && key != super::facts::PII) {
            continue;
        }
        // typify names types after nested titles and merges equal names
        // silently; names come from the bundle instead.
        if key == "title" && !is_root {
            continue;
        }
        // Beside a `$ref`, other keywords would make typify merge schemas;
        // annotations there say nothing about the type.
        if has_ref && key != "$ref" && matches!(key.as_str(), "description" | "title" | "default") {
            continue;
        }
        // `default` only annotates; absent stays absent (see
        // `normalize_optional_fields`).
        if key == "default" {
            continue;
        }
        // typify's checks for non-string enum values compare `f64`s, which
        // numbers are not here; the values are asserted by validation.
        if (key == "enum" || key == "const") && !only_strings_or_null(value) {
            continue;
        }
        // Strings where the type allows none: no value is valid, which
        // validation says; typify would make a newtype that checks them.
        let admits_strings = match map.get("type") {
            Some(Value::String(name)) => name == "string",
            Some(Value::Array(names)) => names.iter().any(|name| name == "string"),
            _ => true,
        };
        if (key == "enum" || key == "const") && !admits_strings && value.as_array().is_none_or(|values| values.iter().any(Value::is_string)) && !value.is_null() {
            continue;
        }
        if key == "format" {
            let mapping = match value.as_str() {
                Some("uuid") => formats.uuid,
                Some("date-time") => formats.date_time,
                _ => FormatMapping::String,
            };
            if mapping == FormatMapping::String {
                continue;
            }
        }
        let value = match key.as_str() {
            "enum" | "const" | "default" => value.clone(),
            // Docs are made of these.
            "description" | "title" if value.is_string() => Value::from(crate::model::doc_text(value.as_str().unwrap_or_default())),
            "properties" | "$defs" | "definitions" => Value::Object(
                value
                    .as_object()
                    .map(|props| props.iter().map(|(k, v)| (k.clone(), prepare(v, reading, false))).collect())
                    .unwrap_or_default(),
            ),
            _ => match value {
                Value::Array(items) => Value::Array(items.iter().map(|v| prepare(v, reading, false)).collect()),
                Value::Object(_) => prepare(value, reading, false),
                other => other.clone(),
            },
        };
        out.insert(key.clone(), value);
    }
    if !is_root && !map.contains_key("description")
        && let Some(title) = map.get("title") {
            let title = title.as_str().map_or_else(|| title.clone(), |t| Value::from(crate::model::doc_text(t)));
            out.insert("description".to_owned(), title);
        }
    Value::Object(out)
}

/// A `$ref` beside other rules, as its dialect reads it: in draft 7 and
/// before the siblings are ignored, so the type follows the `$ref` alone;
/// from 2019-09 both apply, so the type is the `allOf` of the two (typify
/// merges it: a `$ref` to a base object beside more `properties` keeps
/// every field). Annotations beside a `$ref` say nothing about the type.
pub(super) fn ref_with_siblings(map: &Map<String, Value>, legacy: bool) -> Map<String, Value> {
    let Some(reference) = map.get("$ref") else { return map.clone() };
    let annotation = |key: &str| ANNOTATIONS.contains(&key) || key.starts_with("x-") || matches!(key, "title" | "description" | "default" | "$ref" | "$defs" | "definitions");
    let rules: Map<String, Value> = map.iter().filter(|(key, _)| !annotation(key)).map(|(k, v)| (k.clone(), v.clone())).collect();
    let mut out: Map<String, Value> = map.iter().filter(|(key, _)| annotation(key) && key.as_str() != "$ref").map(|(k, v)| (k.clone(), v.clone())).collect();
    if legacy || rules.is_empty() {
        out.insert("$ref".to_owned(), reference.clone());
    } else {
        out.insert("allOf".to_owned(), Value::Array(vec![serde_json::json!({"$ref": reference}), Value::Object(rules)]));
    }
    out
}

/// What of a schema its Rust type follows: the keywords of
/// [`VALIDATION_ONLY`] go (with what they would make typify read wrongly),
/// and a schema that does not say its type becomes `serde_json::Value`:
/// JSON Schema applies `properties` only to objects, `pattern` only to
/// strings and so on, so a value of any type may be valid there.
pub(super) fn typed_view(map: &Map<String, Value>, reading: &Reading<'_>) -> Map<String, Value> {
    let mut map = map.clone();
    // A union whose every branch holds values of one primitive type (a
    // known string or a pattern, an enum `$ref`, `0` or at least 60000),
    // `null` aside, takes any value of that type (or `null`): typify would
    // make a struct of optional subtypes no such value decodes into.
    for key in ["anyOf", "oneOf"] {
        let Some(branches) = map.get(key).and_then(Value::as_array) else { continue };
        let (nulls, others): (Vec<Value>, Vec<Value>) = branches.iter().cloned().partition(only_null);
        if others.is_empty() {
            continue;
        }
        if let Some(primitive) = Primitive::of_all(&others, reading.definitions, 0) {
            map.remove(key);
            let name = Value::from(primitive.name());
            map.insert("type".to_owned(), if nulls.is_empty() { name } else { Value::Array(vec![name, Value::from("null")]) });
        }
    }
    // An `anyOf` of objects is a struct of each branch flattened in, as an
    // option: a branch that fails takes the properties it declares with it
    // (serde's flattening consumes them), so where two branches give one
    // property different schemas, a value of the later branch would lose
    // it. The object is any JSON there; validation enforces the union.
    if map.get("anyOf").and_then(Value::as_array).is_some_and(|branches| branches_disagree_on_a_property(branches, reading.definitions)) {
        map.remove("anyOf");
    }
    let widens_properties = map.contains_key("patternProperties");
    // 2020-12 `items` is the rest after `prefixItems`; draft-7 array `items` is a tuple.
    let items_is_partial = map.contains_key("prefixItems") || map.get("items").is_some_and(Value::is_array);
    map.retain(|key, _| !VALIDATION_ONLY.contains(&key.as_str()));
    // String lengths and patterns are checked by validation (generated
    // checks, see `checks`), not by a newtype per constrained string: the
    // field stays a `String`, and the crate stays lean.
    map.remove("minLength");
    map.remove("maxLength");
    map.remove("pattern");
    // Beside a union, typify merges every sibling into each branch; counts
    // of properties and items say nothing of the type, and merged into a
    // branch that refers back to this schema they never end (a stack
    // overflow in typify). Validation checks them.
    if map.contains_key("anyOf") || map.contains_key("oneOf") {
        for count in ["minProperties", "maxProperties", "minItems", "maxItems", "uniqueItems"] {
            map.remove(count);
        }
    }
    if widens_properties {
        map.remove("additionalProperties");
    }
    if items_is_partial {
        map.remove("items");
    }
    // A branch that does not say its type can match a value of any type:
    // `anyOf`/`oneOf` over it is no type; in `allOf` it only narrows.
    for key in ["anyOf", "oneOf"] {
        if map.get(key).and_then(Value::as_array).is_some_and(|branches| branches.iter().any(|b| !says_its_type(b))) {
            map.remove(key);
        }
    }
    if let Some(Value::Array(branches)) = map.get_mut("allOf") {
        branches.retain(says_its_type);
        if branches.is_empty() {
            map.remove("allOf");
        }
    }
    // typify names enum variants after the values; values that differ only
    // in symbols would make one name (`"foo\nbar"`, `"foobar"`).
    if map.get("enum").and_then(Value::as_array).is_some_and(|values| variant_names_collide(values)) {
        map.remove("enum");
    }
    if !says_its_type(&Value::Object(map.clone())) {
        map.retain(|key, _| key == "description" || key == "title" || key.starts_with("x-"));
    }
    map
}

pub(super) fn variant_names_collide(values: &[Value]) -> bool {
    let mut seen = std::collections::BTreeSet::new();
    values
        .iter()
        .filter_map(Value::as_str)
        .any(|v| !seen.insert(v.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_ascii_lowercase()))
}

/// Whether a schema names the JSON type of its values, so that typify's
/// reading of it cannot refuse a value of another type the schema allows.
pub(super) fn says_its_type(schema: &Value) -> bool {
    let Value::Object(map) = schema else { return false };
    map.contains_key("type")
        || map.contains_key("$ref")
        || map.get("enum").is_some_and(only_strings_or_null)
        || map.get("const").is_some_and(only_strings_or_null)
        || ["allOf", "anyOf", "oneOf"].iter().any(|k| map.get(*k).and_then(Value::as_array).is_some_and(|b| !b.is_empty() && b.iter().all(says_its_type)))
}

/// A primitive JSON type, as `type` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Primitive {
    String,
    Integer,
    Number,
    Boolean,
}

impl Primitive {
    fn name(self) -> &'static str {
        match self {
            Primitive::String => "string",
            Primitive::Integer => "integer",
            Primitive::Number => "number",
            Primitive::Boolean => "boolean",
        }
    }

    fn named(name: &str) -> Option<Primitive> {
        match name {
            "string" => Some(Primitive::String),
            "integer" => Some(Primitive::Integer),
            "number" => Some(Primitive::Number),
            "boolean" => Some(Primitive::Boolean),
            _ => None,
        }
    }

    /// The type of a JSON value, where it is primitive (`1.0` is an integer,
    /// as JSON Schema reads it).
    fn of_value(value: &Value) -> Option<Primitive> {
        match value {
            Value::String(_) => Some(Primitive::String),
            Value::Bool(_) => Some(Primitive::Boolean),
            Value::Number(n) if n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0) => Some(Primitive::Integer),
            Value::Number(_) => Some(Primitive::Number),
            _ => None,
        }
    }

    /// The one type both hold: integers are numbers.
    fn join(self, other: Primitive) -> Option<Primitive> {
        match (self, other) {
            (a, b) if a == b => Some(a),
            (Primitive::Integer, Primitive::Number) | (Primitive::Number, Primitive::Integer) => Some(Primitive::Number),
            _ => None,
        }
    }

    /// The one type all of `types` hold; none where any is none, or there
    /// are none.
    fn join_all(mut types: impl Iterator<Item = Option<Primitive>>) -> Option<Primitive> {
        let first = types.next()??;
        types.try_fold(first, |joined, next| joined.join(next?))
    }

    /// The one primitive type of every value of every schema of `schemas`.
    fn of_all(schemas: &[Value], definitions: &std::collections::BTreeMap<String, Value>, depth: usize) -> Option<Primitive> {
        Primitive::join_all(schemas.iter().map(|schema| Primitive::of(schema, definitions, depth)))
    }

    /// The one primitive type every value `schema` accepts has: it says its
    /// `type`, lists only values of it, or refers to or unites such schemas.
    fn of(schema: &Value, definitions: &std::collections::BTreeMap<String, Value>, depth: usize) -> Option<Primitive> {
        let map = schema.as_object()?;
        if depth > 16 {
            return None;
        }
        match map.get("type") {
            Some(Value::String(name)) => return Primitive::named(name),
            Some(Value::Array(names)) => return Primitive::join_all(names.iter().map(|n| n.as_str().and_then(Primitive::named))),
            Some(_) => return None,
            None => {}
        }
        if let Some(values) = map.get("enum") {
            return Primitive::join_all(values.as_array()?.iter().map(Primitive::of_value));
        }
        if let Some(value) = map.get("const") {
            return Primitive::of_value(value);
        }
        if let Some(target) = refs::definition_name(schema).and_then(|name| definitions.get(name)) {
            return Primitive::of(target, definitions, depth + 1);
        }
        ["anyOf", "oneOf"].iter().find_map(|k| map.get(*k).and_then(Value::as_array).filter(|b| !b.is_empty())).and_then(|branches| Primitive::of_all(branches, definitions, depth + 1))
    }
}

/// Whether two of `branches` (through a `$ref` to a definition) declare
/// one property with schemas that differ in more than annotations.
fn branches_disagree_on_a_property(branches: &[Value], definitions: &std::collections::BTreeMap<String, Value>) -> bool {
    let rules = |schema: &Value| -> Value {
        match schema {
            Value::Object(map) => Value::Object(map.iter().filter(|(key, _)| !crate::walk::is_annotation(key)).map(|(k, v)| (k.clone(), v.clone())).collect()),
            other => other.clone(),
        }
    };
    let mut seen: std::collections::BTreeMap<&str, Value> = std::collections::BTreeMap::new();
    for branch in branches {
        let branch = refs::definition_name(branch).and_then(|name| definitions.get(name)).unwrap_or(branch);
        for (name, schema) in branch.get("properties").and_then(Value::as_object).into_iter().flatten() {
            let schema = rules(schema);
            if seen.get(name.as_str()).is_some_and(|other| *other != schema) {
                return true;
            }
            seen.insert(name, schema);
        }
    }
    false
}

/// Whether `null` is the only value of a schema (`type: null`, or an
/// `enum`/`const` of `null`).
fn only_null(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("null") || schema.get("const") == Some(&Value::Null) || schema.get("enum").and_then(Value::as_array).is_some_and(|values| values.iter().all(Value::is_null) && !values.is_empty())
}

pub(super) fn only_strings_or_null(value: &Value) -> bool {
    let plain = |v: &Value| v.is_string() || v.is_null();
    match value {
        Value::Array(values) => values.iter().all(plain),
        other => plain(other),
    }
}

