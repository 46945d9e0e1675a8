//! The validation compiled into Rust agrees with the `jsonschema` validator.
//!
//! For every event of every contract set, each example is mutated leaf by
//! leaf (numbers to bounds and beyond, arrays emptied and duplicated,
//! strings emptied and stretched, any leaf `null`); whatever still decodes is validated
//! both ways, by `Event::violations` (generated checks where they cover the
//! event) and by `Event::json_violations` (the validator over the same JSON),
//! and the two must name the same (pointer, keyword) pairs.

use event_contracts::prelude::*;
use std::collections::BTreeSet;

use event_contracts::{EventInfo, Violation};
use serde_json::{Value, json};

/// Every variant of `value` with one leaf changed.
fn mutations(value: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    let mut pointers = Vec::new();
    leaves(value, String::new(), &mut pointers);
    for pointer in pointers {
        let leaf = value.pointer(&pointer).expect("found by the walk").clone();
        let replacements: Vec<Value> = match &leaf {
            Value::Number(_) => [json!(-1), json!(0), json!(1), json!(15), json!(16), json!(1_000_000), json!(2.5), json!(1.0)].into(),
            Value::String(s) => vec![json!(""), json!("x"), json!(s.repeat(40)), json!(format!("{s}!"))],
            Value::Array(items) => {
                let mut doubled = items.clone();
                doubled.extend(items.iter().cloned());
                vec![json!([]), Value::Array(doubled), Value::Array(items.iter().take(1).cloned().collect())]
            }
            _ => Vec::new(),
        };
        // `null` everywhere too: an optional field may not take it for absent.
        let replacements = replacements.into_iter().chain([Value::Null]);
        for replacement in replacements {
            let mut mutated = value.clone();
            *mutated.pointer_mut(&pointer).expect("found by the walk") = replacement;
            out.push(mutated);
        }
    }
    out
}

fn leaves(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                leaves(child, format!("{at}/{}", key.replace('~', "~0").replace('/', "~1")), out);
            }
        }
        Value::Array(items) => {
            out.push(at.clone());
            for (index, child) in items.iter().enumerate() {
                leaves(child, format!("{at}/{index}"), out);
            }
        }
        _ => out.push(at),
    }
}

fn found(violations: &[Violation]) -> BTreeSet<(String, String)> {
    violations.iter().map(|v| (v.pointer.clone(), v.keyword.clone())).collect()
}

/// Runs the comparison for one contract set; returns how many mutated
/// payloads were compared on generated checks.
macro_rules! compare_set {
    ($krate:ident) => {{
        use $krate::Event;
        let mut compared = 0usize;
        let events: &[EventInfo] = $krate::registry::EVENTS;
        for info in events {
            let schema: Value = serde_json::from_str(info.schema).unwrap();
            for example in schema["examples"].as_array().into_iter().flatten() {
                for mutated in mutations(example) {
                    let bytes = serde_json::to_vec(&mutated).unwrap();
                    let Ok(event) = event_contracts::decode::payload_from_slice::<Event>(info.event_type, info.version, &bytes) else {
                        continue; // the types refused it: nothing left to validate
                    };
                    if !event.info().decoded_is_exact {
                        continue;
                    }
                    let generated = found(&event.violations(""));
                    let validator = found(&event.json_violations(&mutated, ""));
                    assert_eq!(generated, validator, "{} v{}: {mutated}", info.event_type, info.version);
                    compared += 1;
                }
            }
        }
        compared
    }};
}

#[test]
fn generated_checks_agree_with_the_validator() {
    let compared = compare_set!(events_generated)
        + compare_set!(activity_builder_events)
        + compare_set!(salestalk_events)
        + compare_set!(agent_platform_events)
        + compare_set!(platform_events);
    // The comparison must have had something to compare.
    assert!(compared > 500, "only {compared} payloads compared");
}

#[test]
fn a_violation_found_by_generated_checks_names_pointer_and_keyword() {
    // salestalk's metrics: `metric_names` has `minItems` and `uniqueItems`.
    let info = salestalk_events::registry::EVENTS.iter().find(|e| e.event_type.contains("metrics")).unwrap();
    let schema: Value = serde_json::from_str(info.schema).unwrap();
    let mut payload = schema["examples"][0].clone();
    let Some(names) = payload.pointer("/metric_names").cloned() else { panic!("the example has metric_names: {payload}") };
    payload["metric_names"] = json!([names[0], names[0]]);
    let bytes = serde_json::to_vec(&payload).unwrap();
    let event = event_contracts::decode::payload_from_slice::<salestalk_events::Event>(info.event_type, info.version, &bytes).unwrap();
    let violations = event.violations("/payload");
    assert_eq!(found(&violations), BTreeSet::from([("/payload/metric_names".to_owned(), "uniqueItems".to_owned())]));
}
