//! The event catalog of a contract set, generated so it never drifts from
//! the schemas: the table the seeds keep by hand (type, version, topic,
//! producer, consumers, classification, deprecated), then a section per
//! event with its fields, an example and what changed since the previous
//! version. Written as Markdown and as a self-contained HTML page.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::model::{ContractSet, EventContract};

/// One field of an event's payload, as the catalog shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Field {
    /// The JSON name.
    pub name: String,
    /// The type in words, e.g. `array of StacItemId`.
    pub ty: String,
    /// Whether it is required.
    pub required: bool,
    /// Its description.
    pub description: String,
    /// Its constraints in words, e.g. `pattern ^a`, `1..=15`.
    pub constraints: Vec<String>,
    /// `x-pii`.
    pub pii: bool,
}

/// One event version, as the catalog shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// Anchor of its section.
    pub anchor: String,
    pub event_type: String,
    pub wire_type: String,
    pub version: u32,
    pub title: String,
    pub description: String,
    pub topic: String,
    pub producer: String,
    pub consumers: Vec<String>,
    pub classification: String,
    pub deprecated: bool,
    pub rust_type: String,
    pub schema_path: String,
    pub fields: Vec<Field>,
    /// The first example, pretty-printed.
    pub example: String,
    /// Field-level changes from the previous version, if there is one.
    pub changes: Vec<String>,
}

/// The catalog entries of a contract set, in registry order.
pub fn entries(set: &ContractSet) -> Vec<Entry> {
    let mut previous: BTreeMap<&str, Vec<Field>> = BTreeMap::new();
    let mut out = Vec::new();
    for event in &set.events {
        let fields = fields(set, event);
        let changes = previous.get(event.event_type.as_str()).map(|old| diff(old, &fields)).unwrap_or_default();
        previous.insert(&event.event_type, fields.clone());
        out.push(Entry {
            anchor: anchor(event),
            event_type: event.event_type.clone(),
            wire_type: event.wire_type.clone(),
            version: event.version,
            title: event.title.clone().unwrap_or_else(|| event.event.clone()),
            description: event.description.clone().unwrap_or_default(),
            topic: event.topic.clone(),
            producer: event.producer.clone().unwrap_or_default(),
            consumers: event.consumers.clone(),
            classification: event.classification.clone().unwrap_or_default(),
            deprecated: event.deprecated,
            rust_type: event.payload_type.clone(),
            schema_path: event.file.clone(),
            fields,
            example: event.examples.first().map(|e| serde_json::to_string_pretty(e).unwrap_or_default()).unwrap_or_default(),
            changes,
        });
    }
    out
}

fn anchor(event: &EventContract) -> String {
    let slug: String = event.event_type.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    format!("event-{slug}-v{}", event.version)
}

/// Follows `#/$defs/<name>` references through the bundle.
fn resolve<'a>(set: &'a ContractSet, schema: &'a Value) -> (&'a Value, Option<&'a str>) {
    let mut schema = schema;
    let mut name = None;
    for _ in 0..32 {
        let Some(target) = crate::refs::definition_name(schema) else { break };
        let Some(definition) = set.bundle.definitions.get(target) else { break };
        name = Some(target);
        schema = definition;
    }
    (schema, name)
}

fn fields(set: &ContractSet, event: &EventContract) -> Vec<Field> {
    let Some(root) = set.bundle.definitions.get(&event.payload_type) else { return Vec::new() };
    let required: Vec<&str> = root.get("required").and_then(Value::as_array).map(|r| r.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
    let Some(properties) = root.get("properties").and_then(Value::as_object) else { return Vec::new() };
    properties
        .iter()
        .map(|(name, property)| {
            let (resolved, _) = resolve(set, property);
            let description = property.get("description").or_else(|| resolved.get("description")).and_then(Value::as_str).unwrap_or_default();
            Field {
                name: name.clone(),
                ty: describe(set, property, &mut Vec::new()),
                required: required.contains(&name.as_str()),
                description: description.to_owned(),
                constraints: constraints(resolved),
                pii: property.get("x-pii") == Some(&Value::Bool(true)),
            }
        })
        .collect()
}

/// A schema's type in words. `within` holds the definitions being
/// described further out: a definition met again inside itself (a tree,
/// a recursive union) is named, not described again.
fn describe<'a>(set: &'a ContractSet, schema: &'a Value, within: &mut Vec<&'a str>) -> String {
    let (schema, name) = resolve(set, schema);
    if let Some(name) = name {
        if within.contains(&name) {
            return name.to_owned();
        }
        within.push(name);
    }
    let base = if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let values: Vec<String> = values.iter().map(|v| v.to_string()).collect();
        format!("enum {}", values.join(" | "))
    } else if let Some(value) = schema.get("const") {
        format!("const {value}")
    } else {
        let types = match schema.get("type") {
            Some(Value::String(t)) => vec![t.clone()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
            _ => Vec::new(),
        };
        let words: Vec<String> = types
            .iter()
            .map(|t| match t.as_str() {
                "array" => match schema.get("items") {
                    Some(items) => format!("array of {}", describe(set, items, within)),
                    None => "array".to_owned(),
                },
                "string" => match schema.get("format").and_then(Value::as_str) {
                    Some(format) => format!("string ({format})"),
                    None => "string".to_owned(),
                },
                other => other.to_owned(),
            })
            .collect();
        if words.is_empty() {
            ["oneOf", "anyOf", "allOf"]
                .iter()
                .find_map(|k| schema.get(*k).and_then(Value::as_array).map(|subs| {
                    let parts: Vec<String> = subs.iter().map(|s| describe(set, s, within)).collect();
                    format!("{} of ({})", k, parts.join(", "))
                }))
                .unwrap_or_else(|| "any".to_owned())
        } else {
            words.join(" or ")
        }
    };
    match name {
        Some(name) => {
            within.pop();
            format!("{name} ({base})")
        }
        None => base,
    }
}

fn constraints(schema: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for (keyword, word) in [
        ("pattern", "pattern"),
        ("minLength", "min length"),
        ("maxLength", "max length"),
        ("minimum", ">="),
        ("maximum", "<="),
        ("exclusiveMinimum", ">"),
        ("exclusiveMaximum", "<"),
        ("multipleOf", "multiple of"),
        ("minItems", "min items"),
        ("maxItems", "max items"),
        ("uniqueItems", "unique items"),
        ("default", "default"),
    ] {
        if let Some(value) = schema.get(keyword) {
            let value = match value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            out.push(format!("{word} {value}"));
        }
    }
    out
}

/// What changed between two versions, field by field.
pub fn diff(old: &[Field], new: &[Field]) -> Vec<String> {
    let mut changes = Vec::new();
    for field in old {
        if !new.iter().any(|f| f.name == field.name) {
            changes.push(format!("removed `{}`", field.name));
        }
    }
    for field in new {
        match old.iter().find(|f| f.name == field.name) {
            None => changes.push(format!("added `{}` ({}, {})", field.name, field.ty, if field.required { "required" } else { "optional" })),
            Some(before) => {
                if before.ty != field.ty {
                    changes.push(format!("`{}`: type {} -> {}", field.name, before.ty, field.ty));
                }
                if before.required != field.required {
                    changes.push(format!("`{}`: {}", field.name, if field.required { "now required" } else { "now optional" }));
                }
                if before.constraints != field.constraints {
                    changes.push(format!("`{}`: constraints [{}] -> [{}]", field.name, before.constraints.join(", "), field.constraints.join(", ")));
                }
            }
        }
    }
    changes
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// The Markdown catalog.
pub fn markdown(set: &ContractSet, entries: &[Entry]) -> String {
    let mut out = format!(
        "<!-- @generated by `cargo xtask gen` from {}; do not edit. -->\n\n# Event catalog: {}\n\n",
        set.config_path.display(),
        set.name
    );
    out.push_str("| type | version | topic | producer | consumers | classification | deprecated |\n|---|---|---|---|---|---|---|\n");
    for e in entries {
        out.push_str(&format!(
            "| [`{}`](#{}) | {} | `{}` | {} | {} | {} | {} |\n",
            e.wire_type,
            e.anchor,
            e.version,
            e.topic,
            cell(&e.producer),
            cell(&e.consumers.join(", ")),
            cell(&e.classification),
            if e.deprecated { "yes" } else { "" }
        ));
    }
    for e in entries {
        out.push_str(&format!("\n<a id=\"{}\"></a>\n## `{}` v{}: {}\n\n", e.anchor, e.event_type, e.version, e.title));
        if !e.description.is_empty() {
            out.push_str(&format!("{}\n\n", e.description));
        }
        out.push_str(&format!("Topic `{}` · Rust type `{}` · schema `{}`\n\n", e.topic, e.rust_type, e.schema_path));
        out.push_str("| field | type | required | description | constraints | PII |\n|---|---|---|---|---|---|\n");
        for f in &e.fields {
            out.push_str(&format!(
                "| `{}` | {} | {} | {} | {} | {} |\n",
                f.name,
                cell(&f.ty),
                if f.required { "yes" } else { "no" },
                cell(&f.description),
                cell(&f.constraints.join("; ")),
                if f.pii { "yes" } else { "" }
            ));
        }
        if !e.example.is_empty() {
            out.push_str(&format!("\nExample:\n\n```json\n{}\n```\n", e.example));
        }
        if !e.changes.is_empty() {
            out.push_str(&format!("\nChanges from v{}:\n\n", e.version - 1));
            for change in &e.changes {
                out.push_str(&format!("- {change}\n"));
            }
        }
    }
    out
}

/// The HTML catalog: one self-contained page (no network), rendered in the
/// browser from the embedded data, with each event's version history and
/// field-level differences between versions.
pub fn html(set: &ContractSet, entries: &[Entry]) -> String {
    // The page lives in catalog.html; its slots are filled escaped for
    // where they sit (text, a comment, a JSON script block).
    const PAGE: &str = include_str!("catalog.html");
    let data = serde_json::to_string(entries).expect("plain data").replace("</", "<\\/");
    let config = set.config_path.display().to_string().replace("--", "- -");
    PAGE.replace("{{config}}", &config).replace("{{name}}", &html_escape::encode_text(&set.name)).replace("{{data}}", &data)
}
