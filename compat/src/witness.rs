//! Witnesses of breaking verdicts: a value the writer's schema accepts and
//! the reader's refuses, the most useful thing a user can see next to
//! "breaking". Candidates are built from the writer's schema (its
//! constants, enums, defaults and examples, values at and just beyond each
//! bound, well-formed values of common formats, objects with and without
//! each property, one node varied at a time) and judged by the jsonschema
//! validator; the shortest one that shows the break is kept. The checker's
//! verdict stands without one: where no candidate shows it (a `pattern`
//! no candidate matches, say), there is no witness.

use serde_json::{Map, Number, Value, json};

use crate::number::Num;
use crate::schema::{Doc, Side};
use crate::{Breaks, Formats};

/// An instance that shows a change breaks its readers.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Witness {
    /// [`Breaks::NewReaders`]: valid under the old schema and refused by
    /// the new one; [`Breaks::OldReaders`]: the other way round.
    pub breaks: Breaks,
    pub instance: Value,
    /// Where in the instance the reader's schema refuses it (a JSON
    /// pointer, empty for the whole value).
    pub refused_at: String,
    /// The reader's validation error there.
    pub reason: String,
}

/// How deep candidates are built; below it, one plain value per type.
const MAX_DEPTH: usize = 8;
/// Candidates kept per schema node.
const PER_NODE: usize = 200;
/// Values of each property or item tried against the rest held still.
const PER_CHILD: usize = 24;

/// The shortest candidate valid under `writer` and invalid under `reader`,
/// with where and why the reader refuses it. `lenient`: the writer sends
/// only the properties it declares, so no candidate carries another.
pub(crate) fn find(writer: &Value, reader: &Value, formats: Formats, lenient: bool, breaks: Breaks) -> Option<Witness> {
    let build = |schema: &Value| {
        let mut options = jsonschema::options();
        if formats == Formats::Asserted {
            options = options.should_validate_formats(true);
        }
        options.build(schema).ok()
    };
    let (writer_validator, reader_validator) = (build(writer)?, build(reader)?);
    let doc = Doc::new(Side::Old, writer, formats);
    // Names the reader declares may come from an open writer with any value.
    let mut names = vec!["undeclared".to_owned()];
    declared_names(reader, &mut names);
    let candidates = Candidates { doc: &doc, lenient, names }.of("", 0);
    let instance = candidates
        .into_iter()
        .filter(|candidate| writer_validator.is_valid(candidate) && !reader_validator.is_valid(candidate))
        .min_by_key(|candidate| candidate.to_string().len())?;
    let error = reader_validator.iter_errors(&instance).next()?;
    let (refused_at, reason) = (error.instance_path().to_string(), error.to_string());
    Some(Witness { breaks, instance, refused_at, reason })
}

struct Candidates<'d, 'a> {
    doc: &'d Doc<'a>,
    lenient: bool,
    /// Names to try as properties the writer does not declare.
    names: Vec<String>,
}

/// Every property name `schema` declares anywhere, at most 16 in all.
fn declared_names(schema: &Value, names: &mut Vec<String>) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::Object(properties)) = map.get("properties") {
                for name in properties.keys() {
                    if names.len() < 16 && !names.contains(name) {
                        names.push(name.clone());
                    }
                }
            }
            map.values().for_each(|value| declared_names(value, names));
        }
        Value::Array(items) => items.iter().for_each(|item| declared_names(item, names)),
        _ => {}
    }
}

impl Candidates<'_, '_> {
    /// Candidates for the schema at `at`, the likeliest valid one first.
    fn of(&self, at: &str, depth: usize) -> Vec<Value> {
        let mut out = Vec::new();
        match self.doc.get(at) {
            Some(Value::Bool(false)) => {}
            Some(Value::Object(map)) if depth < MAX_DEPTH => self.of_map(at, map, depth, &mut out),
            Some(Value::Object(map)) => out.extend(types(map).iter().map(|t| plain(t))),
            _ => out.extend([json!("x"), json!(0), Value::Null, json!({}), json!([])]),
        }
        let mut unique: Vec<Value> = Vec::new();
        for value in out {
            if unique.len() < PER_NODE && !unique.contains(&value) {
                unique.push(value);
            }
        }
        unique
    }

    fn of_map(&self, at: &str, map: &Map<String, Value>, depth: usize, out: &mut Vec<Value>) {
        // The values the schema names itself come first: most are valid.
        out.extend(map.get("const").cloned());
        out.extend(map.get("enum").and_then(Value::as_array).into_iter().flatten().cloned());
        out.extend(map.get("default").cloned());
        out.extend(map.get("examples").and_then(Value::as_array).into_iter().flatten().cloned());
        if let Some(target) = map.get("$ref").and_then(Value::as_str).and_then(|r| self.doc.resolve(r)) {
            out.extend(self.of(&target, depth + 1));
        }
        if let Some(members) = map.get("allOf").and_then(Value::as_array) {
            let members: Vec<Vec<Value>> =
                (0..members.len()).map(|i| self.of(&format!("{at}/allOf/{i}"), depth + 1)).collect();
            // Objects of every member at once, then each member's variations
            // over that.
            let mut merged = Map::new();
            for first in members.iter().filter_map(|m| m.first()).filter_map(Value::as_object) {
                merged.extend(first.clone());
            }
            if !merged.is_empty() {
                out.push(Value::Object(merged.clone()));
                for variation in members.iter().flatten().filter_map(Value::as_object) {
                    let mut value = merged.clone();
                    value.extend(variation.clone());
                    out.push(Value::Object(value));
                }
            }
            out.extend(members.into_iter().flatten());
        }
        for group in ["anyOf", "oneOf"] {
            if let Some(branches) = map.get(group).and_then(Value::as_array) {
                for i in 0..branches.len() {
                    out.extend(self.of(&format!("{at}/{group}/{i}"), depth + 1));
                }
            }
        }
        let named = types(map);
        let untyped = !map.contains_key("type");
        for t in named.iter().copied().chain(if untyped { ALL_TYPES } else { &[] }.iter().copied()) {
            match t {
                "object" => self.objects(at, map, depth, out),
                "array" => self.arrays(at, map, depth, out),
                "string" => strings(map, out),
                "integer" | "number" => numbers(map, t == "integer", out),
                "boolean" => out.extend([json!(true), json!(false)]),
                _ => out.push(Value::Null),
            }
        }
    }

    fn objects(&self, at: &str, map: &Map<String, Value>, depth: usize, out: &mut Vec<Value>) {
        let declared: Vec<&String> = map.get("properties").and_then(Value::as_object).map(|p| p.keys().collect()).unwrap_or_default();
        let required: Vec<&str> = map.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
        let values: std::collections::BTreeMap<&str, Vec<Value>> = declared
            .iter()
            .map(|name| (name.as_str(), self.of(&crate::schema::push(&format!("{at}/properties"), name), depth + 1)))
            .collect();
        let mut base = Map::new();
        for name in &required {
            let first = values.get(name).map_or(Some(json!("x")), |v| v.first().cloned());
            if let Some(first) = first {
                base.insert((*name).to_owned(), first);
            }
        }
        out.push(Value::Object(base.clone()));
        let mut full = base.clone();
        for name in &declared {
            let candidates = &values[name.as_str()];
            if let Some(first) = candidates.first() {
                full.entry((*name).clone()).or_insert_with(|| first.clone());
            }
            for value in candidates.iter().take(PER_CHILD) {
                let mut varied = base.clone();
                varied.insert((*name).clone(), value.clone());
                out.push(Value::Object(varied));
            }
        }
        out.push(Value::Object(full));
        for name in &required {
            let mut without = base.clone();
            without.remove(*name);
            out.push(Value::Object(without));
        }
        if !self.lenient {
            for name in self.names.iter().filter(|name| !declared.contains(name)) {
                for extra in [json!("x"), json!(5), json!(true), json!({}), json!([])] {
                    let mut with = base.clone();
                    with.insert(name.clone(), extra);
                    out.push(Value::Object(with));
                }
            }
        }
    }

    fn arrays(&self, at: &str, map: &Map<String, Value>, depth: usize, out: &mut Vec<Value>) {
        let prefix_keyword = if map.get("prefixItems").is_some_and(Value::is_array) { "prefixItems" } else { "items" };
        let prefix: Vec<Vec<Value>> = match map.get(prefix_keyword).and_then(Value::as_array) {
            Some(items) => (0..items.len()).map(|i| self.of(&format!("{at}/{prefix_keyword}/{i}"), depth + 1)).collect(),
            None => Vec::new(),
        };
        let rest_keyword = if prefix.is_empty() || prefix_keyword == "prefixItems" { "items" } else { "additionalItems" };
        let rest = match map.get(rest_keyword) {
            Some(Value::Object(_) | Value::Bool(true)) => self.of(&format!("{at}/{rest_keyword}"), depth + 1),
            Some(_) => Vec::new(),
            None => vec![json!("x"), json!(0)],
        };
        let item = |i: usize| prefix.get(i).unwrap_or(&rest).first().cloned();
        let count = |key: &str| map.get(key).and_then(Value::as_u64).map(|n| n.min(8) as usize);
        let (min, max) = (count("minItems").unwrap_or(0), count("maxItems"));
        let filled = |n: usize| -> Option<Value> { (0..n).map(item).collect::<Option<Vec<Value>>>().map(Value::from) };
        // Different values past the prefix, for `uniqueItems`.
        let distinct = |n: usize| -> Option<Value> {
            (0..n)
                .map(|i| match prefix.get(i) {
                    Some(candidates) => candidates.first().cloned(),
                    None if rest.is_empty() => None,
                    None => Some(rest[(i - prefix.len()) % rest.len()].clone()),
                })
                .collect::<Option<Vec<Value>>>()
                .map(Value::from)
        };
        let length = min.max(prefix.len());
        let unique = map.get("uniqueItems") == Some(&Value::Bool(true));
        let base = if unique { distinct(length) } else { filled(length) }.unwrap_or_else(|| json!([]));
        out.push(base.clone());
        out.extend(if unique { filled(length) } else { distinct(length) });
        out.push(json!([]));
        out.extend(filled(min.saturating_sub(1)));
        out.extend(max.and_then(|max| filled(max + 1)));
        let items = base.as_array().cloned().unwrap_or_default();
        for (i, candidates) in prefix.iter().chain(std::iter::once(&rest)).enumerate() {
            for value in candidates.iter().take(PER_CHILD) {
                let mut varied = items.clone();
                if i < varied.len() {
                    varied[i] = value.clone();
                } else {
                    varied.push(value.clone());
                }
                out.push(Value::from(varied));
            }
        }
        if let Some(first) = item(0) {
            out.push(json!([first.clone(), first]));
        }
    }
}

/// Without `type`, a schema admits every type: those its keywords imply
/// are tried first, then the rest.
const ALL_TYPES: &[&str] = &["string", "integer", "number", "boolean", "null", "object", "array"];

/// The types a schema node admits, as named or as its keywords imply.
fn types(map: &Map<String, Value>) -> Vec<&str> {
    match map.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).collect(),
        _ => {
            let has = |keys: &[&str]| keys.iter().any(|k| map.contains_key(*k));
            let mut implied = Vec::new();
            if has(&["properties", "required", "additionalProperties", "patternProperties", "minProperties", "maxProperties", "propertyNames"]) {
                implied.push("object");
            }
            if has(&["items", "prefixItems", "minItems", "maxItems", "contains", "uniqueItems"]) {
                implied.push("array");
            }
            if has(&["minLength", "maxLength", "pattern", "format"]) {
                implied.push("string");
            }
            if has(&["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"]) {
                implied.push("number");
            }
            if implied.is_empty() && !has(&["const", "enum", "$ref", "allOf", "anyOf", "oneOf"]) {
                implied.extend(["string", "integer", "object"]);
            }
            implied
        }
    }
}

fn plain(t: &str) -> Value {
    match t {
        "object" => json!({}),
        "array" => json!([]),
        "string" => json!("x"),
        "integer" | "number" => json!(0),
        "boolean" => json!(true),
        _ => Value::Null,
    }
}

/// Well-formed values of the formats events use most, tried on every
/// string: a format change shows as one of them refused.
const FORMATTED: &[&str] = &[
    "a@example.com",
    "0b5c6d38-3b2e-4c8a-9f1e-5a8f5e7e2a10",
    "2024-01-02T03:04:05Z",
    "2024-01-02",
    "03:04:05Z",
    "https://example.com/a",
    "example.com",
    "192.0.2.1",
    "2001:db8::1",
    "P1D",
];

fn strings(map: &Map<String, Value>, out: &mut Vec<Value>) {
    let length = |key: &str| map.get(key).and_then(Value::as_u64).map(|n| n.min(64) as usize);
    let (min, max) = (length("minLength"), length("maxLength"));
    let text = |n: usize| Value::from("x".repeat(n));
    // A pattern's literal start, padded to the least length.
    if let Some(start) = map.get("pattern").and_then(Value::as_str).and_then(literal_start) {
        let padding = min.unwrap_or(0).saturating_sub(start.chars().count());
        out.push(Value::from(format!("{start}{}", "x".repeat(padding))));
    }
    let format = map.get("format").and_then(Value::as_str);
    let formatted = FORMATTED.iter().map(|s| Value::from(*s));
    match format {
        Some(_) => out.extend(formatted.clone()),
        None => out.push(text(min.unwrap_or(1).max(1).min(max.unwrap_or(usize::MAX)))),
    }
    out.extend([text(0), text(1)]);
    out.extend(min.map(|n| text(n.saturating_sub(1))));
    out.extend(min.map(text));
    out.extend(max.map(text));
    out.extend(max.map(|n| text(n + 1)));
    if format.is_none() {
        out.extend(formatted);
    }
}

/// `abc` of `^abc[0-9]+`: what every match begins with, if anything.
fn literal_start(pattern: &str) -> Option<String> {
    let literal: String = pattern.strip_prefix('^')?.chars().take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | ' ' | ':')).collect();
    (!literal.is_empty()).then_some(literal)
}

fn numbers(map: &Map<String, Value>, integer: bool, out: &mut Vec<Value>) {
    let bound = |key: &str| map.get(key).and_then(Value::as_number).cloned();
    let mut points: Vec<Number> = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"]
        .iter()
        .filter_map(|key| bound(key))
        .collect();
    points.extend([0, 1, -1].map(Number::from));
    let mut values = Vec::new();
    for point in &points {
        match point.as_i128() {
            Some(n) => values.extend([n - 1, n, n + 1, 2 * n].into_iter().filter_map(integral)),
            None => {
                if let Some(f) = point.as_f64() {
                    values.extend([f, f.floor(), f.ceil()].into_iter().filter_map(Number::from_f64));
                }
            }
        }
    }
    if !integer {
        for point in &points {
            if let Some(f) = point.as_f64() {
                values.extend([f - 0.5, f + 0.5].into_iter().filter_map(Number::from_f64));
            }
        }
    }
    // Beyond 2^53, where `f64` rounding hides a difference.
    values.extend([9_007_199_254_740_993_i128, -9_007_199_254_740_993].into_iter().filter_map(integral));
    // The first value the bounds and the multiple accept goes first.
    // Compared exactly, as the checker compares them.
    let exact = |key: &str| bound(key).as_ref().and_then(Num::of);
    let fits = |n: &Number| {
        let Some(x) = Num::of(n) else { return false };
        let at_least = |key: &str, strict: bool| exact(key).is_none_or(|b| if strict { x > b } else { x >= b });
        let at_most = |key: &str, strict: bool| exact(key).is_none_or(|b| if strict { x < b } else { x <= b });
        let multiple = exact("multipleOf").is_none_or(|m| x.is_multiple_of(m));
        at_least("minimum", false) && at_most("maximum", false) && at_least("exclusiveMinimum", true) && at_most("exclusiveMaximum", true) && multiple
    };
    if let Some(position) = values.iter().position(fits) {
        let first = values.remove(position);
        values.insert(0, first);
    }
    out.extend(values.into_iter().map(Value::Number));
}

fn integral(n: i128) -> Option<Number> {
    i64::try_from(n).map(Number::from).ok().or_else(|| u64::try_from(n).map(Number::from).ok())
}
