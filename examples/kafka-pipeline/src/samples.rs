//! Streams of valid platform events, each with its own message id, cycling
//! through every example of every event type, keyed by 64 entities.

use platform_events::Envelope;
use platform_events::registry::EVENTS;
use serde_json::{Value, json};

/// `count` distinct valid envelopes: every example payload of every event
/// type in turn, in the envelope schema's first example with a fresh `id`,
/// the event's type and one of 64 partition keys.
pub fn mixed_envelopes(count: usize) -> Vec<Envelope> {
    let envelope_schema: Value = serde_json::from_str(include_str!(
        "../../platform-events/schemas/_shared/envelope.schema.json"
    ))
    .expect("the envelope schema is JSON");
    let template = &envelope_schema["examples"][0];
    let mut payloads = Vec::new();
    for info in EVENTS {
        let schema: Value = serde_json::from_str(info.schema).expect("event schemas are JSON");
        for example in schema["examples"].as_array().into_iter().flatten() {
            payloads.push((info.wire_type, example.clone()));
        }
    }
    (0..count)
        .map(|index| {
            let (wire_type, payload) = &payloads[index % payloads.len()];
            let mut message = template.clone();
            message["id"] = json!(format!(
                "{:08x}-0000-4000-8000-{:012x}",
                index as u32, index
            ));
            message["type"] = json!(wire_type);
            message["payload"] = payload.clone();
            message["metadata"]["partition_key"] = json!(format!("entity-{}", index % 64));
            Envelope::from_slice(&serde_json::to_vec(&message).expect("JSON"))
                .expect("examples are valid")
        })
        .collect()
}
