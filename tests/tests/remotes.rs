//! `[remotes]` documents travel with the generated crate only where the
//! set's schemas reach them: a folder of remotes may hold a whole schema
//! store, of which a set uses a few documents.

use std::fs;

use event_contracts_codegen::Generator;

const CONFIG: &str = r#"
name = "demo"
output = "../generated"
crate-name = "demo-events"
[naming]
event-type = "demo.{domain}.{event}"
[routing]
by = "subject"
[remotes]
"https://schemas.example.com/" = "../remote-schemas"
"#;

const EVENT: &str = r#"{
  "x-subject": "demo.things.happened",
  "type": "object",
  "required": ["name"],
  "properties": {"name": {"$ref": "https://schemas.example.com/name.json"}}
}"#;

#[test]
fn only_the_remote_documents_the_set_reaches_are_embedded() {
    let dir = tempfile::tempdir().unwrap();
    let schemas = dir.path().join("schemas");
    fs::create_dir_all(schemas.join("things")).unwrap();
    fs::write(schemas.join("events.toml"), CONFIG).unwrap();
    fs::write(schemas.join("things/happened.v1.schema.json"), EVENT).unwrap();
    let remotes = dir.path().join("remote-schemas");
    fs::create_dir_all(remotes.join("nested")).unwrap();
    // Reached from the event; it reaches `nested/text.json` by a relative
    // reference, which reaches `common.json` under a nested `$id`.
    fs::write(remotes.join("name.json"), r#"{"$schema": "http://json-schema.org/draft-07/schema#", "allOf": [{"$ref": "nested/text.json"}], "minLength": 1}"#).unwrap();
    fs::write(remotes.join("nested/text.json"), r#"{"type": "string", "not": {"$id": "https://schemas.example.com/", "$ref": "common.json#/definitions/blank"}}"#).unwrap();
    fs::write(remotes.join("common.json"), r#"{"definitions": {"blank": {"const": ""}}}"#).unwrap();
    // Reached from nothing of the set.
    fs::write(remotes.join("unused.json"), r#"{"$ref": "common.json"}"#).unwrap();
    fs::write(remotes.join("nested/also-unused.json"), r#"{"type": "integer"}"#).unwrap();

    Generator::from_config("schemas/events.toml").root(dir.path()).run().unwrap();

    let embedded = dir.path().join("generated/remotes/0");
    for reached in ["name.json", "nested/text.json", "common.json"] {
        assert!(embedded.join(reached).is_file(), "{reached} is embedded");
    }
    for unreached in ["unused.json", "nested/also-unused.json"] {
        assert!(!embedded.join(unreached).exists(), "{unreached} is not embedded");
    }
    let registry = fs::read_to_string(dir.path().join("generated/src/registry.rs")).unwrap();
    assert!(registry.contains("\"https://schemas.example.com/common.json\""), "{registry}");
    assert!(!registry.contains("unused"), "{registry}");
}
