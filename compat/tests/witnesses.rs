//! A breaking verdict shows an instance that breaks: valid under the
//! writer's schema, refused by the reader's, as the jsonschema validator
//! judges them.

use event_contracts_compat::{Breaks, Direction, Formats, Policy, diff, diff_with_formats};
use serde_json::{Value, json};

fn valid(schema: &Value, instance: &Value) -> bool {
    jsonschema::validator_for(schema).unwrap().is_valid(instance)
}

/// The one witness of a backward check, checked against both schemas.
#[track_caller]
fn old_value_refused(old: Value, new: Value) -> Value {
    let outcome = diff(&old, &new, Direction::Backward, Policy::Strict);
    assert!(!outcome.compatible, "{old} -> {new} breaks new readers");
    let [witness] = outcome.witnesses.as_slice() else { panic!("one witness: {:?}", outcome.witnesses) };
    assert_eq!(witness.breaks, Breaks::NewReaders);
    assert!(valid(&old, &witness.instance) && !valid(&new, &witness.instance), "{witness:?}");
    witness.instance.clone()
}

fn object(properties: Value, required: &[&str]) -> Value {
    json!({"type": "object", "properties": properties, "required": required})
}

#[test]
fn a_newly_required_property_is_shown_missing_from_an_old_value() {
    let properties = json!({"id": {"type": "string"}, "note": {"type": "string"}});
    let instance = old_value_refused(object(properties.clone(), &["id"]), object(properties, &["id", "note"]));
    assert!(instance.get("id").is_some() && instance.get("note").is_none(), "{instance}");
}

#[test]
fn a_lowered_maximum_is_shown_by_a_value_above_it() {
    let instance = old_value_refused(
        object(json!({"n": {"type": "integer", "maximum": 10}}), &["n"]),
        object(json!({"n": {"type": "integer", "maximum": 5}}), &["n"]),
    );
    let n = instance["n"].as_i64().unwrap();
    assert!(n > 5 && n <= 10, "{instance}");
}

#[test]
fn a_narrowed_enum_and_a_narrowed_type_are_shown_by_what_they_dropped() {
    assert_eq!(old_value_refused(json!({"enum": ["a", "b", "c"]}), json!({"enum": ["a", "b"]})), json!("c"));
    let instance = old_value_refused(json!({"type": ["string", "null"]}), json!({"type": "string"}));
    assert_eq!(instance, Value::Null);
    let instance = old_value_refused(
        json!({"type": "array", "items": {"type": "number"}}),
        json!({"type": "array", "items": {"type": "integer"}}),
    );
    assert!(instance.as_array().unwrap().iter().any(|n| n.as_f64().unwrap().fract() != 0.0), "{instance}");
}

#[test]
fn an_asserted_format_change_is_shown_by_a_value_of_the_old_format() {
    let uuid = json!({"type": "string", "format": "uuid"});
    let email = json!({"type": "string", "format": "email"});
    let outcome = diff_with_formats(&uuid, &email, Direction::Full, Policy::Strict, Formats::Asserted);
    let breaks: Vec<Breaks> = outcome.witnesses.iter().map(|w| w.breaks).collect();
    assert_eq!(breaks, [Breaks::NewReaders, Breaks::OldReaders]);
    let valid_formatted = |schema: &Value, instance: &Value| {
        jsonschema::options().should_validate_formats(true).build(schema).unwrap().is_valid(instance)
    };
    let [old_value, new_value] = [&outcome.witnesses[0].instance, &outcome.witnesses[1].instance];
    assert!(valid_formatted(&uuid, old_value) && !valid_formatted(&email, old_value), "{old_value}");
    assert!(valid_formatted(&email, new_value) && !valid_formatted(&uuid, new_value), "{new_value}");
}

#[test]
fn a_closed_object_in_a_shared_definition_is_shown_with_the_property_it_now_refuses() {
    let shared = |properties: Value| {
        json!({
            "type": "object",
            "properties": {"customer": {"$ref": "#/$defs/Customer"}},
            "required": ["customer"],
            "$defs": {"Customer": {"type": "object", "properties": properties, "additionalProperties": false}}
        })
    };
    let instance = old_value_refused(
        shared(json!({"id": {"type": "string"}, "tier": {"type": "string"}})),
        shared(json!({"id": {"type": "string"}})),
    );
    assert!(instance["customer"].get("tier").is_some(), "{instance}");
}

#[test]
fn compatible_changes_have_no_witness_and_lenient_ones_carry_no_undeclared_name() {
    let outcome = diff(&json!({"type": "integer"}), &json!({"type": "number"}), Direction::Backward, Policy::Strict);
    assert!(outcome.compatible && outcome.witnesses.is_empty(), "{outcome:?}");
    // Closing an object: strict shows an undeclared property, lenient
    // writers never sent one, so it passes with nothing to show.
    let open = object(json!({"id": {"type": "string"}}), &["id"]);
    let mut closed = open.clone();
    closed["additionalProperties"] = json!(false);
    assert!(old_value_refused(open.clone(), closed.clone()).get("undeclared").is_some());
    let lenient = diff(&open, &closed, Direction::Backward, Policy::Lenient);
    assert!(lenient.compatible && lenient.witnesses.is_empty(), "{lenient:?}");
}
