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

/// The valid instances of one construct, decoded.
fn decoded(event_type: &str) -> Vec<Event> {
    let info = EVENTS.iter().find(|e| e.event_type == event_type).expect("the construct is in the fixture");
    let schema: Value = serde_json::from_str(info.schema).unwrap();
    let subject = schema["x-subject"].as_str().unwrap();
    instances(&schema, "examples").iter().map(|instance| Event::from_subject_and_slice(subject, &serde_json::to_vec(instance).unwrap()).unwrap()).collect()
}

#[test]
fn personal_data_never_prints_at_any_depth_nor_in_a_union_variant() {
    let events = decoded("legal.personal_data_everywhere");
    assert_eq!(events.len(), 3);
    for event in &events {
        let printed = format!("{event:?}");
        assert!(!printed.contains("SECRET"), "{printed}");
        assert!(printed.contains("[redacted]"), "{printed}");
    }
}

#[test]
fn redacted_clears_the_personal_data_of_a_union_variant() {
    use legal_schemas_events::types::PersonalDataEverywhereV1Payment as Payment;
    let Event::LegalPersonalDataEverywhereV1(payload) = &decoded("legal.personal_data_everywhere")[2] else { panic!("the construct's event") };
    let payment = payload.payment.clone().expect("the third instance pays by card");
    let Payment::Variant1 { card_number, holder } = payment.redacted() else { panic!("the card variant stays the card variant") };
    assert_eq!(card_number, "[redacted]");
    assert_eq!(holder, None);
    // The original is untouched.
    let Payment::Variant1 { card_number, .. } = payment else { unreachable!() };
    assert_eq!(card_number, "SECRET-card-number");
}

#[test]
fn properties_named_like_builder_methods_get_setters_of_their_own() {
    use legal_schemas_events::BuilderMethodNamesV1;
    let payload = BuilderMethodNamesV1::builder().build_field("b").build_unchecked_field(2).maybe_size("m").size_field(3).build().unwrap();
    assert_eq!(serde_json::to_value(&payload).unwrap(), serde_json::json!({"build": "b", "build_unchecked": 2, "maybe_size": "m", "size": 3}));
}

#[test]
fn redacted_puts_a_blank_value_in_place_of_required_personal_data_of_any_kind() {
    let Event::LegalPersonalDataRequiredV1(payload) = &decoded("legal.personal_data_required")[0] else { panic!("the construct's event") };
    let printed = format!("{payload:?}");
    assert!(!printed.contains("SECRET") && !printed.contains("Gold") && !printed.contains("41") && !printed.contains("4321") && !printed.contains("4111"), "{printed}");
    let redacted = payload.redacted();
    assert_eq!(
        serde_json::to_value(&redacted).unwrap(),
        serde_json::json!({"name": "[redacted]", "age": 0, "verified": false, "aliases": [], "notes": {}, "badge": {"tier": "gold", "label": "l"}, "contact": {"pin": 4321}, "card": {"number": 4111, "holder": "h"}})
    );
    // Unions alike (`redacted()` clears a type's own personal data): a
    // variant holding a personal integer, and a required personal integer
    // of an object branch, are blanked to 0.
    let contact = payload.contact.as_ref().expect("the instance has a contact");
    assert_eq!(serde_json::to_value(contact.redacted()).unwrap(), serde_json::json!({"pin": 0}));
    let card = payload.card.as_ref().expect("the instance has a card");
    assert_eq!(serde_json::to_value(card.redacted()).unwrap(), serde_json::json!({"number": 0, "holder": "h"}));
    // The shared badge holds a required enum, which has no blank value: its
    // `Debug` hides the tier, and redacting is up to the struct holding it.
    assert!(!format!("{:?}", payload.badge).contains("Gold"));
}
