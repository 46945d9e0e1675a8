//! `unknown-properties = "drop"` (tests/fixtures/dropped-properties): a
//! payload decodes and re-encodes to the same JSON value when it holds only
//! declared properties; undeclared properties of open objects are accepted
//! and left out on re-encoding, and declared data around them is kept; at a
//! closed object they are refused, as with `keep`.

use dropped_properties_events::Envelope;
use serde_json::{Value, json};

fn message(payload: Value) -> Value {
    json!({"id": "0b7d1c1e-5d0a-4f7e-9a53-2f7c9f1d2e11", "type": "orders.placed", "version": 1, "data": payload})
}

fn example() -> Value {
    let schema: Value = serde_json::from_str(include_str!("../fixtures/dropped-properties/schemas/orders/placed.v1.schema.json")).unwrap();
    schema["examples"][0].clone()
}

fn round_trip(message: &Value) -> Result<Value, event_contracts::DecodeError> {
    let envelope = Envelope::from_slice(&serde_json::to_vec(message).unwrap())?;
    Ok(serde_json::from_slice(&envelope.to_vec().unwrap()).unwrap())
}

#[test]
fn declared_data_round_trips_unchanged() {
    let original = message(example());
    assert_eq!(round_trip(&original).unwrap(), original);
}

#[test]
fn undeclared_properties_of_open_objects_are_dropped_and_the_rest_kept() {
    let original = message(example());
    let mut extended = original.clone();
    extended["data"]["channel"] = json!("web");
    extended["data"]["customer"]["tier"] = json!({"level": 3});
    extended["data"]["lines"][1]["gift"] = json!(true);
    assert_eq!(round_trip(&extended).unwrap(), original, "exactly the undeclared properties are gone");
}

#[test]
fn undeclared_properties_of_closed_objects_are_refused() {
    let mut extended = message(example());
    extended["data"]["totals"]["currency"] = json!("EUR");
    let error = round_trip(&extended).unwrap_err();
    assert!(error.to_string().contains("currency"), "{error}");
}
