//! Streams of valid agent-platform events, each with its own id, cycling
//! through every example of every event type.

use agent_platform_events::Event;
use agent_platform_events::prelude::*;
use agent_platform_events::registry::EVENTS;
use serde_json::{Value, json};

/// Fields that carry a payload's id, in the config's order.
const ID_FIELDS: &[&str] = &["event_id", "step_id", "message_id", "alert_id", "document_id"];

fn subject_for(schema: &Value, payload: &Value) -> String {
    event_contracts::subject::fill_subject(schema["x-subject"].as_str().unwrap(), payload).expect("subject fields are required strings")
}

/// `count` distinct valid events, cycling through every example of every
/// event type, each with its own id.
pub fn mixed_events(count: usize) -> Vec<Event> {
    let mut templates = Vec::new();
    for info in EVENTS {
        let schema: Value = serde_json::from_str(info.schema).unwrap();
        for example in schema["examples"].as_array().unwrap() {
            templates.push((schema.clone(), example.clone()));
        }
    }
    (0..count)
        .map(|index| {
            let (schema, example) = &templates[index % templates.len()];
            let mut payload = example.clone();
            let field = ID_FIELDS.iter().find(|f| payload.get(**f).is_some()).expect("every event has an id field");
            payload[*field] = json!(format!("{:08x}-0000-4000-8000-{:012x}", index as u32, index));
            let subject = subject_for(schema, &payload);
            Event::from_subject_and_slice(&subject, &serde_json::to_vec(&payload).unwrap()).unwrap()
        })
        .collect()
}

/// An order-independent checksum of a set of keys.
pub fn checksum<'a>(keys: impl IntoIterator<Item = &'a String>) -> u64 {
    keys.into_iter()
        .map(|key| key.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, b| (hash ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)))
        .fold(0u64, u64::wrapping_add)
}
