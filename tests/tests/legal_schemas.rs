//! Legal schemas of constructs real-world schemas use
//! (`tests/fixtures/legal-schemas/`, one event each): every valid instance
//! (`examples`) decodes into its type, passes validation and re-encodes to
//! an equal JSON value, numbers compared by value as JSON Schema compares
//! them; every invalid one (`x-invalid-examples`) is refused.

use event_contracts::prelude::*;
use legal_schemas_events::Event;
use legal_schemas_events::registry::EVENTS;
use serde_json::Value;

mod support;

fn instances(schema: &Value, key: &str) -> Vec<Value> {
    schema[key].as_array().cloned().unwrap_or_default()
}

#[test]
fn every_construct_takes_its_valid_instances_and_refuses_its_invalid_ones() {
    assert!(EVENTS.len() >= 2, "the fixture has its constructs");
    let mut wrong = Vec::new();
    for info in EVENTS {
        let schema: Value = serde_json::from_str(info.schema).unwrap();
        let subject = schema["x-subject"].as_str().expect("every construct names its subject");
        let (valid, invalid) = (instances(&schema, "examples"), instances(&schema, "x-invalid-examples"));
        assert!(!valid.is_empty() && !invalid.is_empty(), "{}: valid and invalid instances", info.event_type);
        for instance in valid {
            let bytes = serde_json::to_vec(&instance).unwrap();
            match Event::from_subject_and_slice(subject, &bytes) {
                Err(e) => wrong.push(format!("{}: {instance} is refused: {e}", info.event_type)),
                Ok(event) => {
                    let reencoded: Value = serde_json::from_slice(&event.to_vec().unwrap()).unwrap();
                    if !support::same_value(&reencoded, &instance) {
                        wrong.push(format!("{}: {instance} re-encodes as {reencoded}", info.event_type));
                    }
                }
            }
        }
        for instance in invalid {
            let bytes = serde_json::to_vec(&instance).unwrap();
            if Event::from_subject_and_slice(subject, &bytes).is_ok() {
                wrong.push(format!("{}: {instance} is accepted", info.event_type));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
