//! Bad contract sets get a diagnostic naming the file, the JSON pointer, the
//! line and column, what is wrong and what to do, and nothing is written.

use std::fs;
use std::path::Path;

use event_contracts_codegen::{Diagnostic, Error, Generator};

mod support;

const CONFIG: &str = r#"
name = "demo"
output = "../generated"
crate-name = "demo-events"
[naming]
event-type = "demo.{domain}.{event}"
[envelope]
schema = "_shared/envelope.schema.json"
type = "/type"
version = "/version"
payload = "/payload"
"#;

const ENVELOPE: &str = r#"{
  "type": "object",
  "additionalProperties": false,
  "required": ["id", "type", "version", "payload"],
  "properties": {
    "id": {"type": "string"},
    "type": {"type": "string"},
    "version": {"type": "integer"},
    "payload": {"type": "object"}
  }
}
"#;

const GOOD_EVENT: &str = r#"{
  "title": "Thing happened",
  "type": "object",
  "additionalProperties": false,
  "required": ["name"],
  "properties": {"name": {"type": "string"}},
  "examples": [{"name": "a"}, {"name": "b"}]
}
"#;

/// A contract set in a scratch folder: the envelope, plus `files`.
fn contract_set(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let schemas = dir.path().join("schemas");
    fs::create_dir_all(schemas.join("_shared")).unwrap();
    fs::write(schemas.join("events.toml"), CONFIG).unwrap();
    fs::write(schemas.join("_shared/envelope.schema.json"), ENVELOPE).unwrap();
    for (path, bytes) in files {
        let path = schemas.join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }
    dir
}

fn diagnostics(files: &[(&str, &[u8])]) -> Vec<Diagnostic> {
    let dir = contract_set(files);
    match Generator::from_config("schemas/events.toml").root(dir.path()).run() {
        Err(Error::Invalid(diagnostics)) => {
            assert!(!dir.path().join("generated").exists(), "a failed run must write nothing");
            diagnostics
        }
        other => panic!("expected diagnostics, got {other:?}"),
    }
}

fn only(files: &[(&str, &[u8])]) -> Diagnostic {
    let mut all = diagnostics(files);
    assert_eq!(all.len(), 1, "{all:#?}");
    all.remove(0)
}

#[test]
fn a_good_set_generates() {
    let dir = contract_set(&[("things/happened.v1.schema.json", GOOD_EVENT.as_bytes())]);
    Generator::from_config("schemas/events.toml").root(dir.path()).run().unwrap();
    assert!(dir.path().join("generated/src/things/happened/v1.rs").is_file());
}

#[test]
fn not_json_points_at_line_and_column() {
    let d = only(&[("things/happened.v1.schema.json", b"{\n  \"type\": \"object\",\n  oops\n}")]);
    assert_eq!(d.code, "not-json");
    assert_eq!(d.file, Path::new("schemas/things/happened.v1.schema.json"));
    assert_eq!(d.position, Some((3, 3)));
    assert!(d.message.contains("not valid JSON"), "{d}");
}

#[test]
fn byte_order_mark_empty_file_and_invalid_utf8_are_named() {
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(GOOD_EVENT.as_bytes());
    let all = diagnostics(&[
        ("a/bom.v1.schema.json", &bom),
        ("a/empty.v1.schema.json", b"  \n"),
        ("a/latin.v1.schema.json", b"{\"title\": \"caf\xE9\"}"),
        ("a/array.v1.schema.json", b"[1, 2]"),
    ]);
    let messages: Vec<String> = all.iter().map(|d| format!("{}: {}", d.file.display(), d.message)).collect();
    assert_eq!(all.len(), 4, "{messages:#?}");
    assert!(messages[0].contains("array.v1") && messages[0].contains("must hold a JSON object"));
    assert!(messages[1].contains("bom.v1") && messages[1].contains("byte order mark"));
    assert!(messages[2].contains("empty.v1") && messages[2].contains("empty"));
    assert!(messages[3].contains("latin.v1") && messages[3].contains("not valid UTF-8"));
}

#[test]
fn file_names_that_break_the_convention_say_how_to_rename() {
    let all = diagnostics(&[
        ("things/happened.schema.json", GOOD_EVENT.as_bytes()),
        ("things/happened.v0.schema.json", GOOD_EVENT.as_bytes()),
        ("things/happened.vX.schema.json", GOOD_EVENT.as_bytes()),
        ("things/Happened.v1.schema.json", GOOD_EVENT.as_bytes()),
    ]);
    assert_eq!(all.len(), 4, "{all:#?}");
    assert!(all.iter().all(|d| d.code == "file-name"));
    let no_version = all.iter().find(|d| d.file.ends_with("happened.schema.json")).unwrap();
    assert_eq!(no_version.help.as_deref(), Some("rename to `happened.v1.schema.json`"));
    let upper = all.iter().find(|d| d.file.ends_with("Happened.v1.schema.json")).unwrap();
    assert!(upper.help.as_deref().unwrap().contains("`happened`"), "{upper}");
}

#[test]
fn meta_schema_violations_point_at_the_keyword() {
    let schema = br##"{
  "type": "object",
  "properties": {"name": {"type": "strin"}}
}"##;
    let d = only(&[("things/happened.v1.schema.json", schema)]);
    assert_eq!(d.code, "meta-schema");
    assert_eq!(d.pointer, "/properties/name/type");
    assert_eq!(d.position, Some((3, 35)));
}

#[test]
fn unresolvable_refs_are_reported_where_they_are_written() {
    let schema = br##"{
  "type": "object",
  "properties": {
    "a": {"$ref": "../_shared/missing.schema.json"},
    "b": {"$ref": "#/$defs/nope"}
  }
}"##;
    let all = diagnostics(&[("things/happened.v1.schema.json", schema)]);
    assert_eq!(all.len(), 2, "{all:#?}");
    assert!(all.iter().all(|d| d.code == "ref-unresolved"));
    assert_eq!(all[0].pointer, "/properties/a/$ref");
    assert!(all[0].message.contains("no document of the set is `json-schema:///_shared/missing.schema.json`"), "{}", all[0].message);
    assert_eq!(all[1].pointer, "/properties/b/$ref");
    assert_eq!(all[1].position, Some((5, 19)));
}

#[test]
fn unresolvable_references_are_refused() {
    let schema = br##"{
  "type": "object",
  "properties": {"name": {"$ref": "https://schemas.example.com/name.json"}}
}"##;
    let d = only(&[("things/happened.v1.schema.json", schema)]);
    assert_eq!(d.code, "ref-unresolved");
    assert!(d.message.contains("https://schemas.example.com/name.json"), "{d}");
    assert!(d.help.as_deref().unwrap_or_default().contains("[remotes]"), "{d}");
}

/// Rules no Rust type can say are left to validation: the set generates,
/// and the property keeps the type its `type` names.
#[test]
fn validation_only_keywords_generate() {
    let schema = br##"{
  "type": "object",
  "properties": {
    "name": {"type": "string", "not": {"const": "x"}},
    "tags": {"type": "array", "contains": {"const": "a"}},
    "size": {"type": "integer"}
  },
  "patternProperties": {"^x-": {"type": "string"}},
  "additionalProperties": false,
  "if": {"required": ["size"]},
  "then": {"properties": {"size": {"minimum": 1}}}
}"##;
    let dir = contract_set(&[("things/happened.v1.schema.json", schema)]);
    Generator::from_config("schemas/events.toml").root(dir.path()).run().unwrap();
    let types = fs::read_to_string(dir.path().join("generated/src/types.rs")).unwrap();
    assert!(types.contains("pub name: ::std::option::Option<::std::string::String>"), "{types}");
    // `patternProperties` admits more than `properties`: the type must not refuse unknown fields.
    let happened = types.find("pub struct HappenedV1").unwrap();
    let attributes = &types[types[..happened].rfind("}\n").unwrap_or(0)..happened];
    assert!(!attributes.contains("deny_unknown_fields"), "{attributes}");
    let registry = fs::read_to_string(dir.path().join("generated/src/registry.rs")).unwrap();
    assert!(registry.contains("decoded_is_exact: false"), "{registry}");
}

#[test]
fn examples_must_validate_against_their_schema() {
    let schema = br##"{
  "type": "object",
  "required": ["name"],
  "properties": {"name": {"type": "string"}},
  "examples": [{"name": "ok"}, {"name": 7}]
}"##;
    let d = only(&[("things/happened.v1.schema.json", schema)]);
    assert_eq!(d.code, "example-invalid");
    assert_eq!(d.pointer, "/examples/1/name");
}

#[test]
fn event_type_must_agree_with_the_path() {
    let schema = GOOD_EVENT.replace("\"title\"", "\"x-event-type\": \"demo.other.thing\",\n  \"title\"");
    let d = only(&[("things/happened.v1.schema.json", schema.as_bytes())]);
    assert_eq!(d.code, "event-type-mismatch");
    assert!(d.help.as_deref().unwrap().contains("\"demo.things.happened\""));
}

#[test]
fn invalid_patterns_are_generation_errors() {
    let schema = br##"{"type": "object", "properties": {"name": {"type": "string", "pattern": "(unclosed"}}}"##;
    let d = only(&[("things/happened.v1.schema.json", schema)]);
    assert!(matches!(d.code, "pattern-invalid" | "meta-schema"), "{d}");
    assert!(d.pointer.ends_with("/pattern"), "{d}");
}

#[test]
fn config_with_an_unknown_key_is_refused() {
    let dir = contract_set(&[("things/happened.v1.schema.json", GOOD_EVENT.as_bytes())]);
    fs::write(dir.path().join("schemas/events.toml"), format!("{CONFIG}\nsurprise = 1\n")).unwrap();
    let error = Generator::from_config("schemas/events.toml").root(dir.path()).run().unwrap_err();
    let d = &error.diagnostics()[0];
    assert_eq!(d.code, "config-invalid");
    assert!(d.message.contains("surprise"), "{d}");
}

/// Type and version in a `meta` object written in place (not a `$ref`):
/// they leave the header's type like any other, and `meta` decodes whole
/// through its wire type with them as plain fields.
#[test]
fn an_inline_nested_header_loses_its_type_and_version() {
    let dir = contract_set(&[("things/happened.v1.schema.json", GOOD_EVENT.as_bytes())]);
    let schemas = dir.path().join("schemas");
    let config = CONFIG.replace(r#"type = "/type""#, r#"type = "/meta/type""#).replace(r#"version = "/version""#, r#"version = "/meta/version""#);
    fs::write(schemas.join("events.toml"), config).unwrap();
    let envelope = r#"{
  "type": "object",
  "additionalProperties": false,
  "required": ["meta", "payload"],
  "properties": {
    "meta": {
      "type": "object",
      "additionalProperties": false,
      "required": ["id", "type", "version"],
      "properties": {"id": {"type": "string"}, "type": {"type": "string"}, "version": {"type": "integer"}}
    },
    "payload": {"type": "object"}
  }
}"#;
    fs::write(schemas.join("_shared/envelope.schema.json"), envelope).unwrap();
    Generator::from_config("schemas/events.toml").root(dir.path()).run().unwrap();
    let types = fs::read_to_string(dir.path().join("generated/src/types.rs")).unwrap();
    let meta = &types[types.find("pub struct EnvelopeHeaderMeta ").expect("the inline meta's type")..];
    let meta = &meta[..meta.find("\n}").unwrap()];
    assert!(meta.contains("pub id:") && !meta.contains("type") && !meta.contains("version"), "{meta}");
    let envelope_rs = fs::read_to_string(dir.path().join("generated/src/envelope.rs")).unwrap();
    assert_eq!(envelope_rs.matches(r#"rename = "type""#).count(), 1, "{envelope_rs}");
    assert!(envelope_rs.contains("from_slice_nested"), "{envelope_rs}");
}

/// Two files that give one `$id`: a reference to it could mean either, so
/// the second is named, at its `$id`, with the first.
#[test]
fn two_files_with_one_id_are_named_at_the_second_id() {
    let first = br#"{
  "$id": "https://schemas.example.com/thing.json",
  "type": "object",
  "properties": {"name": {"type": "string"}}
}"#;
    let second = br#"{
  "type": "object",
  "$id": "https://schemas.example.com/thing.json",
  "properties": {"size": {"type": "integer"}}
}"#;
    let d = only(&[("things/happened.v1.schema.json", first), ("things/moved.v1.schema.json", second)]);
    assert_eq!(d.code, "id-duplicate");
    assert_eq!(d.file, Path::new("schemas/things/moved.v1.schema.json"));
    assert_eq!(d.pointer, "/$id");
    assert_eq!(d.position, Some((3, 10)));
    assert!(d.message.contains("https://schemas.example.com/thing.json") && d.message.contains("things/happened.v1.schema.json"), "{d}");
}

/// A required personal property with no blank value (an enum) leaves its
/// struct without `redacted()`: a warning at the definition says so, and
/// the crate still compiles (the legal-schemas fixture holds the case).
#[test]
fn required_personal_data_without_a_blank_value_is_a_warning_at_its_definition() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/legal-schemas/schemas");
    let dir = tempfile::tempdir().unwrap();
    support::copy_dir(&fixture, &dir.path().join("schemas"));
    let report = Generator::from_config("schemas/events.toml").root(dir.path()).run().unwrap();
    let kept: Vec<_> = report.warnings.iter().filter(|d| d.code == "pii-kept").collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(kept[0].file, Path::new("schemas/legal/personal_data_required.v1.schema.json"));
    assert_eq!(kept[0].pointer, "/$defs/badge");
    assert_eq!(kept[0].position, Some((9, 14)));
    assert!(kept[0].message.contains("PersonalDataRequiredV1Badge") && kept[0].message.contains("tier"), "{}", kept[0]);
}

/// typify names an inline type after where it stands; a definition's inner
/// type can get the same name (the values of a root `metrics` map and of a
/// `metrics` definition's map), and typify gave the second schema the first
/// one's type. The second gets a definition of its own, and no warning is
/// left (the legal-schemas fixture decodes both kinds of value).
#[test]
fn two_schemas_typify_names_alike_each_get_a_type_of_their_own() {
    let event = br##"{
  "title": "Thing happened",
  "type": "object",
  "properties": {
    "metrics": {"type": "object", "additionalProperties": {"type": ["string", "number"]}},
    "probe": {"type": "object", "properties": {"metrics": {"$ref": "#/definitions/metrics"}}}
  },
  "definitions": {
    "metrics": {"type": "object", "additionalProperties": {"type": "object", "properties": {"unit": {"type": "string"}}}}
  },
  "examples": [{"metrics": {"a": 1, "b": "x"}}, {"probe": {"metrics": {"cpu": {"unit": "C"}}}}]
}
"##;
    let dir = contract_set(&[("things/happened.v1.schema.json", event)]);
    let report = Generator::from_config("schemas/events.toml").root(dir.path()).run().unwrap();
    assert!(report.warnings.iter().all(|d| d.code != "type-name-shared"), "{:?}", report.warnings);
    let types = fs::read_to_string(dir.path().join("generated/src/types.rs")).unwrap();
    assert!(types.contains("pub struct HappenedV1MetricsValue2 {") && types.contains("pub enum HappenedV1MetricsValue {"), "the two values' types");
}
