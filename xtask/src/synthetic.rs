//! Synthetic contract sets of a realistic shape for the generation
//! benchmark: events spread over domains, 5-15 fields each of every kind
//! (strings with patterns, enums, uuids, date-times, numbers, arrays, nested
//! objects), sharing one common schema file with a part for every four
//! events, the way real sets share their building blocks; and a large
//! shape of 40 fields per event with objects nested four deep, unions,
//! arrays of objects, maps and open objects, for what generated code
//! costs the compiler at scale.

use std::fs;
use std::path::Path;

use serde_json::{Value, json};

/// How large each synthetic event is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Shape {
    /// 5-15 fields of every kind, one object level: most real events.
    Realistic,
    /// 40 fields, objects nested four deep, unions, arrays of objects,
    /// maps and open objects.
    Large,
}

/// Writes a contract set of `events` events of `shape` under
/// `root/schemas/`, with a KFM-like envelope (type and version in `meta`),
/// whose crate depends on the runtime crate in the folder `runtime`.
pub fn write_set(root: &Path, events: usize, shape: Shape, runtime: &Path) -> std::io::Result<()> {
    let schemas = root.join("schemas");
    fs::create_dir_all(schemas.join("_shared"))?;
    let runtime = toml::Value::String(runtime.to_string_lossy().into_owned());
    fs::write(
        schemas.join("events.toml"),
        format!("name = \"synthetic\"\noutput = \"../generated\"\ncrate-name = \"synthetic-events\"\n\n[naming]\nevent-type = \"synthetic.{{domain}}.{{event}}\"\n\n[envelope]\nschema = \"_shared/envelope.schema.json\"\ntype = \"/meta/type\"\nversion = \"/meta/version\"\npayload = \"/data\"\n\n[runtime]\npath = {runtime}\n"),
    )?;
    let envelope = json!({
        "type": "object", "additionalProperties": false, "required": ["meta", "data"],
        "properties": {
            "meta": {"type": "object", "additionalProperties": false, "required": ["id", "type", "version", "at"],
                "properties": {"id": {"type": "string", "format": "uuid"}, "type": {"type": "string"},
                    "version": {"type": "integer", "minimum": 1}, "at": {"type": "string", "format": "date-time"}}},
            "data": {"type": "object"}
        }
    });
    write_json(&schemas.join("_shared/envelope.schema.json"), &envelope)?;
    write_events(&schemas, events, 20, shape)
}

/// Writes the decode benchmark's contract set into `schemas`: `events`
/// event types over ten domains with a flat envelope whose `type` carries
/// the version (`bench.orders.event_3.v1`) beside the payload, the layout
/// serde's internally tagged enums can also express, plus
/// `bulk/records_imported.v1`, a batch of nested records for the large
/// payload.
pub fn write_decode_set(schemas: &Path, events: usize) -> std::io::Result<()> {
    fs::create_dir_all(schemas.join("_shared"))?;
    fs::write(
        schemas.join("events.toml"),
        "# The decode benchmark's contract set, written by `synthetic::write_decode_set`\n# in xtask (see README.md, Benchmarks).\nname = \"bench\"\n# Generated where builds go, by `cargo xtask bench`, not checked in.\noutput = \"../../../target/bench/events\"\ncrate-name = \"bench-events\"\n\n[naming]\nevent-type = \"bench.{domain}.{event}\"\n\n[envelope]\nschema = \"_shared/envelope.schema.json\"\ntype = \"/type\"\nversion-format = \"type-suffix\"\npayload = \"/data\"\n\n[formats]\nuuid = \"typed\"\ndate-time = \"typed\"\n\n# The runtime crate the generated crate depends on: this repository's own.\n[runtime]\npath = \"../../../runtime\"\n",
    )?;
    let envelope = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "description": "The benchmark's envelope: type with version suffix, identity, time and source beside the payload.",
        "type": "object", "additionalProperties": false, "required": ["type", "id", "time", "source", "data"],
        "properties": {
            "type": {"type": "string", "pattern": "^bench\\.[a-z_0-9]+\\.[a-z_0-9]+\\.v[1-9][0-9]*$", "description": "Event type and version."},
            "id": {"type": "string", "format": "uuid", "description": "Unique id of the message."},
            "time": {"type": "string", "format": "date-time", "description": "When the event happened."},
            "source": {"type": "string", "minLength": 1, "maxLength": 100, "description": "The producing service."},
            "data": {"type": "object", "description": "The payload."}
        }
    });
    write_json(&schemas.join("_shared/envelope.schema.json"), &envelope)?;
    write_events(schemas, events, 10, Shape::Realistic)?;

    let record = json!({
        "type": "object", "additionalProperties": false,
        "required": ["id", "sku", "name", "quantity", "price", "tags", "address"],
        "properties": {
            "id": {"type": "string", "format": "uuid", "description": "Record id."},
            "sku": {"type": "string", "pattern": "^[A-Z]{3}-[0-9]{4}$", "description": "Stock keeping unit."},
            "name": {"type": "string", "minLength": 1, "maxLength": 80, "description": "Display name."},
            "quantity": {"type": "integer", "minimum": 0, "description": "Units."},
            "price": {"type": "number", "minimum": 0, "description": "Unit price."},
            "tags": {"type": "array", "maxItems": 10, "items": {"type": "string", "maxLength": 20}, "description": "Labels."},
            "address": {"type": "object", "additionalProperties": false, "required": ["street", "city", "postcode", "country"],
                "description": "Where the record is kept.",
                "properties": {
                    "street": {"type": "string", "maxLength": 100, "description": "Street."},
                    "city": {"type": "string", "maxLength": 60, "description": "City."},
                    "postcode": {"type": "string", "pattern": "^[0-9]{5}$", "description": "Postcode."},
                    "country": {"type": "string", "enum": ["DE", "FR", "US", "JP"], "description": "Country."}
                }}
        }
    });
    let bulk = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Records imported",
        "description": "A batch of imported records: the benchmark's large payload.",
        "type": "object", "additionalProperties": false, "required": ["batch_id", "records"],
        "properties": {
            "batch_id": {"type": "string", "format": "uuid", "description": "The batch."},
            "records": {"type": "array", "maxItems": 1000, "items": {"$ref": "#/$defs/record"}, "description": "The records."}
        },
        "$defs": {"record": record},
        "examples": [{"batch_id": "b6c57f3c-3cfe-4c05-9d4e-7e61b24f6f0e", "records": [{"id": "b6c57f3c-3cfe-4c05-9d4e-000000000000", "sku": "ABC-0000", "name": "Record number 0 of the imported batch", "quantity": 0, "price": 12.5, "tags": ["imported", "bulk"], "address": {"street": "1 Long Street", "city": "Springfield", "postcode": "12345", "country": "DE"}}]}]
    });
    fs::create_dir_all(schemas.join("bulk"))?;
    write_json(&schemas.join("bulk/records_imported.v1.schema.json"), &bulk)?;
    // The same batch with open objects (no `additionalProperties: false`,
    // as most real schemas are): what keeping undeclared properties costs.
    let mut open = bulk;
    open["title"] = json!("Records imported, open");
    open["description"] = json!("The large payload with open objects: undeclared properties are kept.");
    for object in ["", "/$defs/record", "/$defs/record/properties/address"] {
        open.pointer_mut(object).and_then(Value::as_object_mut).expect("an object schema").remove("additionalProperties");
    }
    write_json(&schemas.join("bulk/records_open.v1.schema.json"), &open)
}

/// A shared file with a part for every four events, and `events` event
/// schemas spread over `domains` domains.
fn write_events(schemas: &Path, events: usize, domains: usize, shape: Shape) -> std::io::Result<()> {
    let shared_parts = (events / 4).max(1);
    let mut defs = serde_json::Map::new();
    for part in 0..shared_parts {
        defs.insert(format!("part_{part}"), json!({
            "description": format!("Shared part {part}."),
            "type": "object", "additionalProperties": false, "required": ["code", "amount"],
            "properties": {
                "code": {"type": "string", "pattern": "^[A-Z]{3}$", "description": "A code."},
                "amount": {"type": "number", "minimum": 0, "description": "An amount."},
                "note": {"type": "string", "maxLength": 200, "description": "A note."}
            }
        }));
    }
    write_json(&schemas.join("_shared/common.schema.json"), &json!({"$defs": defs}))?;

    for index in 0..events {
        let domain = format!("domain_{}", index % domains);
        let (schema, example) = event_schema(index, shared_parts, shape);
        let mut schema = schema;
        schema["examples"] = json!([example.clone(), example]);
        let dir = schemas.join(&domain);
        fs::create_dir_all(&dir)?;
        write_json(&dir.join(format!("event_{index}.v1.schema.json")), &schema)?;
    }
    Ok(())
}

/// A closed object nested `depth` levels below this one, with a payload.
fn nested(depth: usize) -> (Value, Value) {
    let mut properties = json!({
        "name": {"type": "string", "maxLength": 50},
        "count": {"type": "integer", "minimum": 0},
        "kind": {"type": "string", "enum": ["leaf", "branch", "root"]}
    });
    let mut value = json!({"name": format!("level {depth}"), "count": depth, "kind": "branch"});
    if depth > 0 {
        let (child, child_value) = nested(depth - 1);
        properties["child"] = child;
        value["child"] = child_value;
    }
    (json!({"type": "object", "additionalProperties": false, "required": ["name", "kind"], "properties": properties}), value)
}

fn write_json(path: &Path, value: &Value) -> std::io::Result<()> {
    fs::write(path, format!("{}\n", serde_json::to_string_pretty(value).expect("plain JSON")))
}

/// An event schema of `shape` and a payload that satisfies it.
fn event_schema(index: usize, shared_parts: usize, shape: Shape) -> (Value, Value) {
    let (fields, kinds) = match shape {
        Shape::Realistic => (5 + index % 11, 8),
        Shape::Large => (40, 14),
    };
    let mut properties = serde_json::Map::new();
    let mut example = serde_json::Map::new();
    let mut required = Vec::new();
    for field in 0..fields {
        let name = format!("field_{field}");
        let (schema, value) = match field % kinds {
            0 => (json!({"type": "string", "format": "uuid"}), json!("b6c57f3c-3cfe-4c05-9d4e-7e61b24f6f0e")),
            1 => (json!({"type": "string", "format": "date-time"}), json!("2026-01-04T18:22:19Z")),
            2 => (json!({"type": "string", "enum": ["alpha", "beta", "gamma"]}), json!("beta")),
            3 => (json!({"type": "integer", "minimum": 0}), json!(42)),
            4 => (json!({"type": "array", "items": {"type": "string", "maxLength": 40}}), json!(["a", "b"])),
            5 => (json!({"$ref": format!("../_shared/common.schema.json#/$defs/part_{}", (index + field) % shared_parts)}), json!({"code": "ABC", "amount": 1.5})),
            6 => (json!({"type": "object", "additionalProperties": false, "required": ["label"],
                    "properties": {"label": {"type": "string"}, "weight": {"type": "number"}}}), json!({"label": "x", "weight": 0.5})),
            7 => (json!({"type": "boolean"}), json!(true)),
            8 => nested(4),
            9 => (
                json!({"oneOf": [
                    {"type": "object", "additionalProperties": false, "required": ["card_number"],
                        "properties": {"card_number": {"type": "string", "pattern": "^[0-9]{16}$"}, "holder": {"type": "string"}}},
                    {"type": "object", "additionalProperties": false, "required": ["iban"],
                        "properties": {"iban": {"type": "string", "pattern": "^[A-Z]{2}[0-9]{20}$"}, "bic": {"type": "string", "maxLength": 11}}}
                ]}),
                json!({"iban": "DE12345678901234567890"}),
            ),
            10 => (json!({"anyOf": [{"type": "string", "maxLength": 20}, {"type": "integer"}, {"type": "null"}]}), json!("seven")),
            11 => (
                json!({"type": "array", "maxItems": 50, "items": {"type": "object", "additionalProperties": false, "required": ["sku", "quantity"],
                    "properties": {"sku": {"type": "string", "pattern": "^[A-Z]{3}-[0-9]{4}$"}, "quantity": {"type": "integer", "minimum": 1},
                        "tags": {"type": "array", "items": {"type": "string"}}}}}),
                json!([{"sku": "ABC-0001", "quantity": 2, "tags": ["x"]}]),
            ),
            12 => (json!({"type": "object", "additionalProperties": {"type": "string", "maxLength": 30}}), json!({"colour": "blue"})),
            _ => (
                json!({"type": "object", "required": ["source"],
                    "properties": {"source": {"type": "string"}, "attempt": {"type": "integer", "minimum": 0}, "at": {"type": "string", "format": "date-time"}}}),
                json!({"source": "import", "attempt": 1, "extra": true}),
            ),
        };
        let mut schema = schema;
        if schema.get("$ref").is_none() {
            schema["description"] = json!(format!("Field {field} of event {index}."));
        }
        properties.insert(name.clone(), schema);
        example.insert(name.clone(), value);
        if field % 3 != 2 {
            required.push(name);
        }
    }
    let schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": format!("Event {index}"),
        "description": format!("Synthetic event {index} for the generation benchmark."),
        "type": "object", "additionalProperties": false,
        "required": required, "properties": properties
    });
    (schema, Value::Object(example))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_shapes_generate_with_examples_their_schemas_accept() {
        let runtime = std::path::absolute("../runtime").expect("a path");
        for shape in [Shape::Realistic, Shape::Large] {
            let dir = tempfile::tempdir().expect("a temporary folder");
            write_set(dir.path(), 3, shape, &runtime).expect("written");
            // Generation validates every `examples` entry against its schema.
            event_contracts_codegen::Generator::from_config("schemas/events.toml")
                .root(dir.path())
                .run()
                .unwrap_or_else(|error| panic!("{shape:?}: {error}: {:?}", error.diagnostics()));
            let schema: Value = serde_json::from_str(&fs::read_to_string(dir.path().join("schemas/domain_0/event_0.v1.schema.json")).expect("written"))
                .expect("JSON");
            let fields = schema["properties"].as_object().expect("properties").len();
            assert_eq!(fields, if shape == Shape::Large { 40 } else { 5 }, "{shape:?}");
        }
    }
}
