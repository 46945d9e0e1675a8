//! Relays lose nothing: every example of every event, with a property its
//! schema does not declare added at one object after another. Where the
//! schema allows it there (the `jsonschema` validator over the JSON says
//! so), the payload decodes into its type and re-encodes with the property
//! in place; where it does not, decoding refuses it.

use event_contracts::prelude::*;
use event_contracts::EventInfo;
use serde_json::{Value, json};

mod support;

/// The pointers of every object in `value`, the root first.
fn objects(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            out.push(at.clone());
            for (key, child) in map {
                objects(child, format!("{at}/{}", key.replace('~', "~0").replace('/', "~1")), out);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                objects(child, format!("{at}/{index}"), out);
            }
        }
        _ => {}
    }
}

/// What a newer producer might have added.
fn added() -> Value {
    json!({"kept": [1, "two", null, {"deep": 2.5}]})
}

/// (kept, refused) counts for one generated crate; panics on the first
/// payload that loses the property or is refused although valid.
macro_rules! check_set {
    ($krate:ident) => {{
        use $krate::Event;
        let (mut kept, mut refused) = (0usize, 0usize);
        let events: &[EventInfo] = $krate::registry::EVENTS;
        for info in events {
            let schema: Value = serde_json::from_str(info.schema).unwrap();
            for example in schema["examples"].as_array().into_iter().flatten() {
                let probe = event_contracts::decode::payload_from_slice::<Event>(info.event_type, info.version, &serde_json::to_vec(example).unwrap())
                    .unwrap_or_else(|e| panic!("{} v{}: the example itself: {e}", info.event_type, info.version));
                let mut places = Vec::new();
                objects(example, String::new(), &mut places);
                for place in places {
                    let mut extended = example.clone();
                    let object = extended.pointer_mut(&place).and_then(Value::as_object_mut).expect("found by the walk");
                    if object.contains_key("relay_added") {
                        continue;
                    }
                    object.insert("relay_added".to_owned(), added());
                    let allowed = probe.json_violations(&extended, "").is_empty();
                    let bytes = serde_json::to_vec(&extended).unwrap();
                    let decoded = event_contracts::decode::payload_from_slice::<Event>(info.event_type, info.version, &bytes)
                        .ok()
                        .filter(|event| event.validate().is_ok());
                    match (allowed, decoded) {
                        (true, Some(event)) => {
                            let reencoded = serde_json::to_value(&event).unwrap();
                            assert!(support::same_value(&reencoded, &extended), "{} v{} at `{place}`: {extended}\nre-encodes as {reencoded}", info.event_type, info.version);
                            kept += 1;
                        }
                        (true, None) => panic!("{} v{} at `{place}`: the schema allows {extended}, decoding refuses it", info.event_type, info.version),
                        (false, Some(_)) => panic!("{} v{} at `{place}`: the schema refuses {extended}, decoding takes it", info.event_type, info.version),
                        (false, None) => refused += 1,
                    }
                }
            }
        }
        (kept, refused)
    }};
}

#[test]
fn undeclared_properties_survive_decode_and_encode_wherever_the_schema_allows_them() {
    let mut kept = 0;
    for (name, (k, refused)) in [
        ("kfm", check_set!(events_generated)),
        ("activity-builder", check_set!(activity_builder_events)),
        ("salestalk", check_set!(salestalk_events)),
        ("agent-platform", check_set!(agent_platform_events)),
        ("platform-events", check_set!(platform_events)),
        ("relative-ids", check_set!(relative_ids_events)),
        ("legal-schemas", check_set!(legal_schemas_events)),
    ] {
        assert!(k + refused > 0, "{name}: nothing was tried");
        kept += k;
    }
    // The open objects of the seeds and the legal constructs were reached.
    assert!(kept >= 20, "only {kept} payloads kept an added property");
}
