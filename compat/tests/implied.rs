//! The kinds of change the gate once judged wrong, each in both
//! directions, written from the rules of JSON Schema: a constraint that the
//! rest of the schema already implies changes no instance's validity, and
//! one that it does not imply does.

use event_contracts_compat::{Direction, Policy, diff};
use serde_json::{Value, json};

/// (backward compatible, forward compatible) under the strict policy.
fn verdicts(old: &Value, new: &Value) -> (bool, bool) {
    (
        diff(old, new, Direction::Backward, Policy::Strict).compatible,
        diff(old, new, Direction::Forward, Policy::Strict).compatible,
    )
}

#[track_caller]
fn equivalent(a: Value, b: Value) {
    assert_eq!(verdicts(&a, &b), (true, true), "{a} -> {b} changes no instance");
    assert_eq!(verdicts(&b, &a), (true, true), "{b} -> {a} changes no instance");
}

/// `wide` accepts every instance of `narrow` and more.
#[track_caller]
fn wider(narrow: Value, wide: Value) {
    assert_eq!(verdicts(&narrow, &wide), (true, false), "{narrow} -> {wide} widens");
    assert_eq!(verdicts(&wide, &narrow), (false, true), "{wide} -> {narrow} narrows");
}

#[track_caller]
fn incomparable(a: Value, b: Value) {
    assert_eq!(verdicts(&a, &b), (false, false), "{a} -> {b} breaks both ways");
    assert_eq!(verdicts(&b, &a), (false, false), "{b} -> {a} breaks both ways");
}

#[test]
fn integers_are_compared_exactly_in_enums_consts_bounds_and_multiples() {
    let big = 9_007_199_254_740_993_u64; // 2^53 + 1: the f64 nearest is 2^53
    incomparable(json!({"enum": [big]}), json!({"enum": [big - 1]}));
    incomparable(json!({"const": big}), json!({"const": big - 1}));
    wider(
        json!({"type": "integer", "maximum": big - 1}),
        json!({"type": "integer", "maximum": big}),
    );
    wider(
        json!({"type": "integer", "minimum": big}),
        json!({"type": "integer", "minimum": big - 1}),
    );
    wider(
        json!({"type": "integer", "multipleOf": 6}),
        json!({"type": "integer", "multipleOf": 3}),
    );
    equivalent(json!({"enum": [big, 1]}), json!({"enum": [1, big]}));
}

#[test]
fn a_union_split_across_one_of_branches_is_read_by_the_types_it_admits() {
    equivalent(
        json!({"type": ["array", "object"]}),
        json!({"oneOf": [{"type": "array"}, {"type": "object"}]}),
    );
    wider(
        json!({"oneOf": [{"type": "array"}, {"type": "object"}]}),
        json!({"oneOf": [{"type": "array"}, {"type": "object"}, {"type": "string"}]}),
    );
    wider(
        json!({"oneOf": [{"type": "array"}, {"type": "object"}]}),
        json!({"type": ["array", "object", "null"]}),
    );
}

#[test]
fn a_closed_object_whose_counts_its_properties_cannot_meet_accepts_no_object() {
    let closed = |bounds: Value| {
        let mut schema = json!({"type": "object", "properties": {"a": {}}, "additionalProperties": false});
        schema.as_object_mut().unwrap().extend(bounds.as_object().unwrap().clone());
        schema
    };
    // One declared property: two or three are never there.
    equivalent(closed(json!({"minProperties": 2})), closed(json!({"minProperties": 3})));
    equivalent(closed(json!({"minProperties": 2})), json!(false));
    // At most one property is already all it can have.
    equivalent(closed(json!({"maxProperties": 1})), closed(json!({})));
    wider(closed(json!({"minProperties": 2})), closed(json!({"minProperties": 1})));
    wider(closed(json!({"maxProperties": 0})), closed(json!({"maxProperties": 1})));
}

#[test]
fn numeric_bounds_an_enum_implies_change_nothing() {
    equivalent(
        json!({"enum": [1, 2, 3]}),
        json!({"enum": [1, 2, 3], "minimum": 1, "maximum": 3}),
    );
    equivalent(
        json!({"type": "integer", "enum": [10, 20]}),
        json!({"type": "integer", "enum": [10, 20], "multipleOf": 10}),
    );
    wider(
        json!({"enum": [1, 2, 3], "maximum": 2}),
        json!({"enum": [1, 2, 3]}),
    );
}

#[test]
fn contains_met_by_a_guaranteed_prefix_item_changes_nothing() {
    let tuple = |extra: Value| {
        let mut schema = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "array",
            "prefixItems": [{"type": "string"}],
            "minItems": 1
        });
        schema.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        schema
    };
    equivalent(tuple(json!({})), tuple(json!({"contains": {"type": "string"}})));
    // Without `minItems` the empty array has no first item to count on.
    let open = |extra: Value| {
        let mut schema = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "array",
            "prefixItems": [{"type": "string"}]
        });
        schema.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        schema
    };
    wider(open(json!({"contains": {"type": "string"}})), open(json!({})));
    // A prefix item of another type does not meet it.
    wider(
        tuple(json!({"contains": {"type": "number"}})),
        tuple(json!({})),
    );
}

#[test]
fn a_number_held_to_one_integral_value_is_an_integer() {
    equivalent(json!({"type": "number", "const": 3}), json!({"type": "integer", "const": 3}));
    equivalent(
        json!({"type": "number", "minimum": 3, "maximum": 3}),
        json!({"type": "integer", "minimum": 3, "maximum": 3}),
    );
    wider(
        json!({"type": "integer", "minimum": 3, "maximum": 4}),
        json!({"type": "number", "minimum": 3, "maximum": 4}),
    );
}

#[test]
fn a_property_its_names_exclude_is_never_there_to_change() {
    let object = |a: Value| {
        json!({
            "type": "object",
            "properties": {"a": a, "b": {"type": "string"}},
            "propertyNames": {"pattern": "^b"}
        })
    };
    equivalent(object(json!({"type": "string"})), object(json!({"type": "number"})));
    equivalent(object(json!({})), object(json!(false)));
    // A property the names allow still counts.
    let allowed = |b: Value| json!({"type": "object", "properties": {"b": b}, "propertyNames": {"pattern": "^b"}});
    wider(allowed(json!({"type": "string"})), allowed(json!({})));
}
