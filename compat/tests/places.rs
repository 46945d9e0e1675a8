//! Where changes are reported: in the schema that holds what changed (a
//! `$ref`ed object, not the property that refers to it), at a pointer the
//! new schema has, or would have for what was removed.

use event_contracts_compat::{Direction, Policy, diff};
use serde_json::{Value, json};

fn customer(properties: Value, additional: Value) -> Value {
    json!({
        "type": "object",
        "properties": {"customer": {"$ref": "#/$defs/Customer"}},
        "$defs": {"Customer": {"type": "object", "properties": properties, "additionalProperties": additional}}
    })
}

fn pointers(old: &Value, new: &Value) -> Vec<String> {
    diff(old, new, Direction::Full, Policy::Strict)
        .changes
        .into_iter()
        .map(|change| change.pointer)
        .collect()
}

#[test]
fn a_property_removed_from_a_referenced_object_is_reported_in_that_object() {
    let old = customer(json!({"id": {"type": "string"}, "tier": {"type": "string"}}), json!(false));
    let new = customer(json!({"id": {"type": "string"}}), json!(false));
    assert_eq!(pointers(&old, &new), ["#/$defs/Customer/properties/tier"]);
    assert_eq!(pointers(&new, &old), ["#/$defs/Customer/properties/tier"]);
}

#[test]
fn a_referenced_object_closed_is_reported_at_its_additional_properties() {
    let properties = json!({"id": {"type": "string"}});
    let open = customer(properties.clone(), json!(true));
    let closed = customer(properties, json!(false));
    assert_eq!(pointers(&open, &closed), ["#/$defs/Customer/additionalProperties"]);
}
