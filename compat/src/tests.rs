//! Unit tests: schemas built here, judged by the rules of JSON Schema
//! (is every instance of the old schema an instance of the new one, and
//! the other way round?). Nothing here reads files outside the test.

use serde_json::{Value, json};

use super::*;

/// (backward compatible, forward compatible) under the strict policy.
fn both(old: Value, new: Value) -> (bool, bool) {
    (
        diff(&old, &new, Direction::Backward, Policy::Strict).compatible,
        diff(&old, &new, Direction::Forward, Policy::Strict).compatible,
    )
}

/// A narrowing: new readers break on old data, old readers read new data.
fn narrowing(old: Value, new: Value) {
    assert_eq!(
        both(old.clone(), new.clone()),
        (false, true),
        "expected a narrowing: {old} -> {new}"
    );
}

/// A widening: the opposite.
fn widening(old: Value, new: Value) {
    assert_eq!(
        both(old.clone(), new.clone()),
        (true, false),
        "expected a widening: {old} -> {new}"
    );
}

fn equivalent(old: Value, new: Value) {
    assert_eq!(
        both(old.clone(), new.clone()),
        (true, true),
        "expected equivalent schemas: {old} -> {new}"
    );
}

fn incomparable(old: Value, new: Value) {
    assert_eq!(
        both(old.clone(), new.clone()),
        (false, false),
        "expected a change breaking both ways: {old} -> {new}"
    );
}

fn kinds(
    old: Value,
    new: Value,
    direction: Direction,
) -> Vec<(String, ChangeKind, Option<Breaks>)> {
    diff(&old, &new, direction, Policy::Strict)
        .changes
        .into_iter()
        .map(|c| (c.pointer, c.kind, c.breaks))
        .collect()
}

fn has_kind(old: Value, new: Value, kind: ChangeKind) -> bool {
    kinds(old, new, Direction::Full)
        .iter()
        .any(|(_, k, _)| *k == kind)
}

#[test]
fn types_narrow_widen_and_integer_is_a_number() {
    narrowing(json!({"type": "number"}), json!({"type": "integer"}));
    widening(json!({"type": "integer"}), json!({"type": "number"}));
    widening(
        json!({"type": ["object"]}),
        json!({"type": ["object", "array"]}),
    );
    narrowing(
        json!({"type": ["string", "null"]}),
        json!({"type": "string"}),
    );
    incomparable(json!({"type": "object"}), json!({"type": "array"}));
    equivalent(
        json!({"type": ["integer", "number"]}),
        json!({"type": "number"}),
    );
    assert!(has_kind(
        json!({"type": "string"}),
        json!({"type": "number"}),
        ChangeKind::TypeChanged
    ));
}

#[test]
fn empty_true_and_false() {
    equivalent(json!({}), json!(true));
    widening(json!({"type": "string"}), json!({}));
    widening(json!(false), json!({"type": "string"}));
    narrowing(json!(true), json!(false));
    equivalent(json!({"properties": {}}), json!({}));
    // Contradictions accept nothing, like `false`.
    equivalent(
        json!({"allOf": [{"type": "string"}, {"type": "number"}]}),
        json!(false),
    );
}

#[test]
fn enums_and_consts() {
    narrowing(json!({"enum": ["a", "b"]}), json!({"enum": ["a"]}));
    widening(json!({"enum": ["a"]}), json!({"enum": ["a", "b"]}));
    incomparable(json!({"const": "red"}), json!({"const": "blue"}));
    equivalent(json!({"const": 1}), json!({"enum": [1.0]}));
    widening(
        json!({"type": "string", "enum": ["red"]}),
        json!({"type": "string"}),
    );
    narrowing(
        json!({"type": "string"}),
        json!({"type": "string", "enum": ["red"]}),
    );
    // An enum checks each value against everything else the reader says.
    assert!(
        !both(
            json!({"enum": ["abc", "abcdef"]}),
            json!({"type": "string", "maxLength": 4})
        )
        .0
    );
    widening(
        json!({"enum": ["abc"]}),
        json!({"type": "string", "maxLength": 4}),
    );
    // Finite types are covered by a full enum.
    equivalent(json!({"type": "boolean"}), json!({"enum": [true, false]}));
    assert!(has_kind(
        json!({"enum": ["a", "b"]}),
        json!({"enum": ["a", "c"]}),
        ChangeKind::EnumChanged
    ));
}

#[test]
fn numeric_bounds() {
    narrowing(
        json!({"type": "number", "minimum": 10}),
        json!({"type": "number", "minimum": 11}),
    );
    widening(
        json!({"type": "number", "minimum": 11}),
        json!({"type": "number", "minimum": 10}),
    );
    widening(
        json!({"type": "number", "maximum": 10}),
        json!({"type": "number", "maximum": 11}),
    );
    narrowing(
        json!({"type": "number", "maximum": 11}),
        json!({"type": "number", "maximum": 10}),
    );
    widening(
        json!({"type": "number", "maximum": 10}),
        json!({"type": "number"}),
    );
    narrowing(
        json!({"type": "number"}),
        json!({"type": "number", "minimum": 0}),
    );
    // Exclusive bounds, 2019+ (numbers) and draft 4 (booleans).
    narrowing(json!({"minimum": 0}), json!({"exclusiveMinimum": 0}));
    widening(json!({"exclusiveMaximum": 5}), json!({"maximum": 5}));
    narrowing(
        json!({"$schema": "http://json-schema.org/draft-04/schema#", "maximum": 5}),
        json!({"$schema": "http://json-schema.org/draft-04/schema#", "maximum": 5, "exclusiveMaximum": true}),
    );
    equivalent(
        json!({"exclusiveMinimum": 3}),
        json!({"minimum": 3, "exclusiveMinimum": 3}),
    );
    // Bounds only constrain numbers: a string-only schema is unaffected.
    equivalent(
        json!({"type": "string"}),
        json!({"type": "string", "minimum": 3}),
    );
    let changes = kinds(
        json!({"type": "number", "maximum": 11}),
        json!({"type": "number", "maximum": 10}),
        Direction::Backward,
    );
    assert_eq!(
        changes,
        vec![(
            "#/maximum".to_owned(),
            ChangeKind::MaximumDecreased,
            Some(Breaks::NewReaders)
        )]
    );
}

#[test]
fn multiple_of() {
    // New must divide old for backward compatibility.
    widening(
        json!({"type": "number", "multipleOf": 10}),
        json!({"type": "number", "multipleOf": 2}),
    );
    narrowing(
        json!({"type": "number", "multipleOf": 2}),
        json!({"type": "number", "multipleOf": 10}),
    );
    incomparable(
        json!({"type": "number", "multipleOf": 10}),
        json!({"type": "number", "multipleOf": 4}),
    );
    widening(
        json!({"type": "number", "multipleOf": 10}),
        json!({"type": "number"}),
    );
    // Every integer is a multiple of 0.5.
    widening(
        json!({"type": "integer"}),
        json!({"type": "number", "multipleOf": 0.5}),
    );
    widening(json!({"multipleOf": 0.3}), json!({"multipleOf": 0.1}));
    assert!(has_kind(
        json!({"multipleOf": 10}),
        json!({"multipleOf": 4}),
        ChangeKind::MultipleOfChanged
    ));
}

#[test]
fn string_lengths_patterns_and_formats() {
    narrowing(
        json!({"type": "string", "minLength": 10}),
        json!({"type": "string", "minLength": 11}),
    );
    widening(
        json!({"type": "string", "minLength": 11}),
        json!({"type": "string", "minLength": 10}),
    );
    widening(
        json!({"type": "string", "maxLength": 10}),
        json!({"type": "string", "maxLength": 12}),
    );
    narrowing(
        json!({"type": "string", "maxLength": 12}),
        json!({"type": "string", "maxLength": 10}),
    );
    widening(
        json!({"type": "string", "pattern": "^a"}),
        json!({"type": "string"}),
    );
    incomparable(
        json!({"type": "string", "pattern": "^a"}),
        json!({"type": "string", "pattern": "^b"}),
    );
    equivalent(
        json!({"type": "string", "pattern": "^a"}),
        json!({"type": "string", "pattern": "^a"}),
    );
    // format is an annotation in 2020-12 ...
    let modern = diff(
        &json!({"type": "string"}),
        &json!({"type": "string", "format": "uuid"}),
        Direction::Full,
        Policy::Strict,
    );
    assert!(modern.compatible);
    assert!(
        modern
            .changes
            .iter()
            .any(|c| c.kind == ChangeKind::AnnotationChanged && c.breaks.is_none())
    );
    // ... and may assert in draft 7: adding one is conservatively breaking.
    let d7 = |f: Option<&str>| match f {
        Some(f) => {
            json!({"$schema": "http://json-schema.org/draft-07/schema#", "type": "string", "format": f})
        }
        None => json!({"$schema": "http://json-schema.org/draft-07/schema#", "type": "string"}),
    };
    narrowing(d7(None), d7(Some("uuid")));
}

#[test]
fn arrays_items_and_counts() {
    narrowing(
        json!({"type": "array"}),
        json!({"type": "array", "items": {"type": "string"}}),
    );
    widening(
        json!({"type": "array", "items": {"type": "string"}}),
        json!({"type": "array"}),
    );
    incomparable(
        json!({"type": "array", "items": {"type": "string"}}),
        json!({"type": "array", "items": {"type": "number"}}),
    );
    narrowing(
        json!({"type": "array", "maxItems": 2}),
        json!({"type": "array", "maxItems": 1}),
    );
    narrowing(
        json!({"type": "array", "minItems": 1}),
        json!({"type": "array", "minItems": 2}),
    );
    widening(
        json!({"type": "array", "minItems": 1}),
        json!({"type": "array"}),
    );
    widening(
        json!({"type": "array", "uniqueItems": true}),
        json!({"type": "array"}),
    );
    narrowing(
        json!({"type": "array"}),
        json!({"type": "array", "uniqueItems": true}),
    );
    // At most one item is always unique.
    equivalent(
        json!({"type": "array", "maxItems": 1}),
        json!({"type": "array", "maxItems": 1, "uniqueItems": true}),
    );
}

#[test]
fn tuples_old_and_new_style() {
    // Draft 7: array `items` with `additionalItems`.
    let tuple = |items: Value, additional: Value| json!({"type": "array", "items": items, "additionalItems": additional});
    widening(
        tuple(
            json!([{"type": "string"}, {"type": "number"}]),
            json!(false),
        ),
        tuple(
            json!([{"type": "string"}, {"type": "number"}, {"type": "boolean"}]),
            json!(true),
        ),
    );
    equivalent(
        tuple(
            json!([{"type": "string"}, {"type": "number"}]),
            json!({"type": "string"}),
        ),
        tuple(
            json!([{"type": "string"}, {"type": "number"}, {"type": "string"}]),
            json!({"type": "string"}),
        ),
    );
    incomparable(
        tuple(
            json!([{"type": "string"}, {"type": "number"}]),
            json!({"type": "string"}),
        ),
        tuple(
            json!([{"type": "string"}, {"type": "number"}, {"type": "number"}]),
            json!({"type": "string"}),
        ),
    );
    // Without an array `items`, `additionalItems` is ignored.
    equivalent(
        json!({"additionalItems": true}),
        json!({"additionalItems": false}),
    );
    // 2020-12: `prefixItems` and `items` for the rest.
    let prefix =
        |items: Value, rest: Value| json!({"type": "array", "prefixItems": items, "items": rest});
    narrowing(
        prefix(json!([{"type": "number"}]), json!(true)),
        prefix(json!([{"type": "number"}]), json!(false)),
    );
    widening(
        prefix(json!([{"type": "string"}]), json!({"type": "number"})),
        prefix(json!([{"type": "string"}, {"type": "number"}]), json!(true)),
    );
    narrowing(json!({"items": true}), json!({"items": false}));
    // unevaluatedItems acts as the rest when nothing else evaluates it.
    narrowing(
        json!({"prefixItems": [{"type": "string"}]}),
        json!({"prefixItems": [{"type": "string"}], "unevaluatedItems": false}),
    );
    // contains / minContains.
    narrowing(
        json!({"type": "array", "contains": {"type": "number"}}),
        json!({"type": "array", "contains": {"type": "number"}, "minContains": 2}),
    );
    widening(
        json!({"type": "array", "contains": {"type": "integer"}}),
        json!({"type": "array", "contains": {"type": "number"}}),
    );
}

#[test]
fn required_and_defaults() {
    narrowing(
        json!({"properties": {"foo": {"type": "string"}}}),
        json!({"properties": {"foo": {"type": "string"}}, "required": ["foo"]}),
    );
    widening(
        json!({"properties": {"foo": {"type": "string"}}, "required": ["foo"]}),
        json!({"properties": {"foo": {"type": "string"}}}),
    );
    // A default does not make old data valid: validation never fills it in.
    narrowing(
        json!({"properties": {"foo": {"type": "string"}}, "additionalProperties": {"type": "string"}}),
        json!({"properties": {"foo": {"type": "string"}, "bar": {"type": "string", "default": "x"}}, "required": ["bar"], "additionalProperties": {"type": "string"}}),
    );
    // Requiring an undeclared name still rejects old objects without it.
    incomparable(
        json!({"properties": {"foo": {"type": "string"}}, "required": ["foo"]}),
        json!({"properties": {"foo": {"type": "string"}}, "required": ["bar"]}),
    );
    let changes = kinds(json!({}), json!({"required": ["id"]}), Direction::Backward);
    assert_eq!(
        changes,
        vec![(
            "#/required/0".to_owned(),
            ChangeKind::RequiredAdded,
            Some(Breaks::NewReaders)
        )]
    );
    let fix = &diff(
        &json!({}),
        &json!({"required": ["id"]}),
        Direction::Backward,
        Policy::Strict,
    )
    .changes[0]
        .fix;
    assert!(
        fix.contains("make the field optional") && fix.contains(NEXT_VERSION),
        "{fix}"
    );
}

#[test]
fn open_content_models_strict_and_lenient() {
    let old = json!({"properties": {"foo": {"type": "string"}}});
    let new = json!({"properties": {"foo": {"type": "string"}, "bar": {"type": "number"}}});
    // Strict: old data may already carry `bar` as a string.
    assert!(!diff(&old, &new, Direction::Backward, Policy::Strict).compatible);
    assert!(diff(&old, &new, Direction::Backward, Policy::Lenient).compatible);
    assert!(has_kind(
        old.clone(),
        new.clone(),
        ChangeKind::PropertyAdded
    ));
    // Forward: old readers accept anything under the new name.
    assert!(diff(&old, &new, Direction::Forward, Policy::Strict).compatible);
    // Closing an open model.
    narrowing(
        json!({"additionalProperties": true}),
        json!({"additionalProperties": false}),
    );
    assert!(
        diff(
            &json!({"additionalProperties": true}),
            &json!({"additionalProperties": false}),
            Direction::Backward,
            Policy::Lenient
        )
        .compatible
    );
    // A property whose schema accepts everything is no narrowing.
    equivalent(
        json!({"additionalProperties": true}),
        json!({"additionalProperties": true, "properties": {"foo": true}}),
    );
    // Lenient does not excuse a changed declared property.
    assert!(
        !diff(
            &json!({"properties": {"a": {"type": "string"}}}),
            &json!({"properties": {"a": {"type": "number"}}}),
            Direction::Backward,
            Policy::Lenient
        )
        .compatible
    );
}

#[test]
fn closed_and_partially_open_content_models() {
    widening(
        json!({"properties": {"foo": {"type": "string"}}, "additionalProperties": false}),
        json!({"properties": {"foo": {"type": "string"}, "bar": {"type": "number"}}, "additionalProperties": false}),
    );
    equivalent(
        json!({"additionalProperties": false}),
        json!({"additionalProperties": false, "properties": {"foo": false}}),
    );
    // A removed property must fit what now covers it.
    widening(
        json!({"properties": {"foo": {"type": "string"}, "bar": {"type": "string"}}, "additionalProperties": false}),
        json!({"properties": {"foo": {"type": "string"}}, "additionalProperties": {"type": "string"}}),
    );
    assert!(
        !both(
            json!({"properties": {"bar": {"type": "number"}}, "additionalProperties": false}),
            json!({"additionalProperties": {"type": "string"}}),
        )
        .0
    );
    narrowing(
        json!({"additionalProperties": {"type": ["string", "number"]}}),
        json!({"additionalProperties": {"type": "string"}}),
    );
    incomparable(
        json!({"additionalProperties": {"type": "string"}}),
        json!({"additionalProperties": {"type": "number"}}),
    );
    // patternProperties apply to declared names too.
    let patterns = json!({"^S_": {"type": "string"}, "^I_": {"type": "integer"}});
    equivalent(
        json!({"additionalProperties": false, "patternProperties": patterns}),
        json!({"additionalProperties": false, "patternProperties": patterns, "properties": {"I_1": {"type": "number"}}}),
    );
    narrowing(
        json!({"additionalProperties": false, "patternProperties": {"^I_": {"type": "number"}}}),
        json!({"additionalProperties": false, "patternProperties": {"^I_": {"type": "integer"}}}),
    );
    // unevaluatedProperties acts like additionalProperties here.
    widening(
        json!({"properties": {"foo": {"type": "string"}}, "unevaluatedProperties": false}),
        json!({"properties": {"foo": {"type": "string"}, "bar": {"type": "number"}}, "unevaluatedProperties": false}),
    );
    // ... and sees properties declared through allOf.
    equivalent(
        json!({"allOf": [{"properties": {"a": {"type": "string"}}}], "unevaluatedProperties": false}),
        json!({"properties": {"a": {"type": "string"}}, "additionalProperties": false}),
    );
}

#[test]
fn property_counts_and_dependencies() {
    narrowing(json!({"maxProperties": 2}), json!({"maxProperties": 1}));
    widening(json!({"maxProperties": 1}), json!({}));
    narrowing(json!({"minProperties": 1}), json!({"minProperties": 2}));
    widening(json!({"minProperties": 2}), json!({"minProperties": 1}));
    narrowing(json!({}), json!({"dependentRequired": {"a": ["b"]}}));
    incomparable(
        json!({"dependencies": {"foo": ["bar"]}}),
        json!({"dependencies": {"bar": ["foo"]}}),
    );
    // Already implied: `b` is always required.
    equivalent(
        json!({"required": ["b"]}),
        json!({"required": ["b"], "dependentRequired": {"a": ["b"]}}),
    );
    widening(
        json!({"dependentSchemas": {"foo": {"required": ["bar"]}}}),
        json!({}),
    );
    narrowing(
        json!({}),
        json!({"dependencies": {"foo": {"required": ["bar"]}}}),
    );
    narrowing(
        json!({"dependentSchemas": {"foo": {"minProperties": 1}}}),
        json!({"dependentSchemas": {"foo": {"minProperties": 2}}}),
    );
}

#[test]
fn annotations_never_break() {
    for keyword in ["title", "description", "$comment", "$id"] {
        let d = diff(
            &json!({keyword: "a"}),
            &json!({keyword: "b"}),
            Direction::Full,
            Policy::Strict,
        );
        assert!(d.compatible, "{keyword}");
        assert_eq!(d.changes.len(), 1, "{keyword}: {:?}", d.changes);
        assert!(d.changes[0].breaks.is_none());
    }
    let d = diff(
        &json!({"type": "string", "default": "a", "examples": ["x"]}),
        &json!({"type": "string", "default": "b"}),
        Direction::Full,
        Policy::Strict,
    );
    assert!(d.compatible);
    assert!(
        d.changes
            .iter()
            .any(|c| c.kind == ChangeKind::DefaultChanged)
    );
    assert!(
        d.changes
            .iter()
            .any(|c| c.kind == ChangeKind::ExamplesChanged)
    );
}

#[test]
fn refs_chains_and_definitions() {
    equivalent(
        json!({"type": "string"}),
        json!({"$ref": "#/definitions/s", "definitions": {"s": {"type": "string"}}}),
    );
    equivalent(
        json!({"$ref": "#/$defs/a", "$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/c"}, "c": {"type": "integer"}}}),
        json!({"type": "integer"}),
    );
    incomparable(
        json!({"type": "array", "items": {"$ref": "#/definitions/r"}, "definitions": {"r": {"type": "string"}}}),
        json!({"type": "array", "items": {"$ref": "#/definitions/r"}, "definitions": {"r": {"type": "number"}}}),
    );
    // Anchors and escaped pointers.
    equivalent(
        json!({"$ref": "#name", "$defs": {"x": {"$anchor": "name", "type": "string"}}}),
        json!({"type": "string"}),
    );
    equivalent(
        json!({"$ref": "#/$defs/a~1b", "$defs": {"a/b": {"type": "string"}}}),
        json!({"type": "string"}),
    );
    // Up to draft 7, siblings of $ref are ignored.
    equivalent(
        json!({"$schema": "http://json-schema.org/draft-07/schema#", "$ref": "#/definitions/s", "maxLength": 1, "definitions": {"s": {"type": "string"}}}),
        json!({"type": "string"}),
    );
    // From 2019-09 they apply.
    narrowing(
        json!({"type": "string"}),
        json!({"$ref": "#/$defs/s", "maxLength": 1, "$defs": {"s": {"type": "string"}}}),
    );
}

fn tree(leaf: Value) -> Value {
    json!({
        "$ref": "#/$defs/node",
        "$defs": {"node": {
            "type": "object",
            "properties": {"value": leaf, "children": {"type": "array", "items": {"$ref": "#/$defs/node"}}},
            "required": ["value"]
        }}
    })
}

#[test]
fn recursion_terminates_and_still_sees_changes() {
    equivalent(
        tree(json!({"type": "integer"})),
        tree(json!({"type": "integer"})),
    );
    widening(
        tree(json!({"type": "integer"})),
        tree(json!({"type": "number"})),
    );
    narrowing(
        tree(json!({"type": "string"})),
        tree(json!({"type": "string", "maxLength": 3})),
    );
    // Self-reference straight through a combinator, and a ref cycle that
    // consumes nothing: must terminate, no panic.
    let list = json!({"anyOf": [{"type": "null"}, {"type": "object", "properties": {"next": {"$ref": "#"}}}]});
    equivalent(list.clone(), list);
    let cycle = json!({"$ref": "#/$defs/a", "$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}}});
    let _ = diff(&cycle, &cycle, Direction::Full, Policy::Strict);
    let _ = diff(&cycle, &json!({}), Direction::Full, Policy::Strict);
}

#[test]
fn all_of_one_of_any_of() {
    widening(
        json!({"type": "string"}),
        json!({"oneOf": [{"type": "number"}, {"type": "string"}]}),
    );
    widening(
        json!({"oneOf": [{"type": "string"}]}),
        json!({"anyOf": [{"type": "number"}, {"type": "string"}]}),
    );
    narrowing(
        json!({"oneOf": [{"type": "number"}, {"type": "string"}]}),
        json!({"oneOf": [{"type": "string"}]}),
    );
    incomparable(
        json!({"oneOf": [{"type": "string"}]}),
        json!({"oneOf": [{"type": "number"}]}),
    );
    equivalent(
        json!({"oneOf": [{"type": "string"}]}),
        json!({"allOf": [{"type": "string"}]}),
    );
    equivalent(
        json!({"allOf": [{"type": "string"}, {"maxLength": 5}]}),
        json!({"allOf": [{"maxLength": 5}, {"type": "string"}]}),
    );
    narrowing(
        json!({"allOf": [{"type": "string"}]}),
        json!({"allOf": [{"enum": ["a"]}, {"type": "string"}]}),
    );
    // A writer of several types against a reader's union, type by type.
    widening(
        json!({"type": ["string", "number"]}),
        json!({"anyOf": [{"type": "string"}, {"type": "number"}, {"type": "null"}]}),
    );
    // oneOf needs exactly one match: integers match both branches here.
    assert!(
        !both(
            json!({"type": "integer"}),
            json!({"oneOf": [{"type": "number"}, {"type": "integer"}]})
        )
        .0
    );
    // Discriminated branches are disjoint.
    let branch = |kind: &str, field: &str| json!({"type": "object", "properties": {"kind": {"const": kind}, field: {"type": "string"}}, "required": ["kind"]});
    widening(
        branch("a", "x"),
        json!({"oneOf": [branch("a", "x"), branch("b", "y")]}),
    );
    assert!(has_kind(
        json!({"oneOf": [{"type": "string"}]}),
        json!({"oneOf": [{"type": "number"}]}),
        ChangeKind::SumTypeChanged
    ));
    // Branches told apart by their lengths are disjoint: the union is
    // itself, and one branch of it is within it.
    let one = json!({"type": "array", "items": [{"type": "string"}], "minItems": 1, "maxItems": 1});
    let two = json!({"type": "array", "items": [{"type": "string"}, {"type": "integer"}], "minItems": 2, "maxItems": 2});
    let pair = json!({"oneOf": [one.clone(), two]});
    equivalent(pair.clone(), pair.clone());
    widening(one, pair);
}

#[test]
fn negation() {
    widening(
        json!({"not": {"type": "number"}}),
        json!({"not": {"type": "integer"}}),
    );
    narrowing(
        json!({"not": {"type": "integer"}}),
        json!({"not": {"type": "number"}}),
    );
    narrowing(json!({}), json!({"not": {"type": "null"}}));
    equivalent(
        json!({"type": "string"}),
        json!({"type": "string", "not": {"type": "number"}}),
    );
    narrowing(
        json!({"type": "string"}),
        json!({"type": "string", "not": {"const": "b"}}),
    );
    widening(json!({"enum": ["a"]}), json!({"not": {"const": "b"}}));
}

#[test]
fn full_direction_reports_both_sides() {
    let d = diff(
        &json!({"type": "string", "maxLength": 12, "pattern": "^a"}),
        &json!({"type": "string", "maxLength": 10, "pattern": "^b"}),
        Direction::Full,
        Policy::Strict,
    );
    assert!(!d.compatible);
    let find = |k: ChangeKind| {
        d.changes
            .iter()
            .find(|c| c.kind == k)
            .map(|c| (c.pointer.as_str(), c.breaks))
    };
    assert_eq!(
        find(ChangeKind::MaxLengthDecreased),
        Some(("#/maxLength", Some(Breaks::NewReaders)))
    );
    assert_eq!(
        find(ChangeKind::PatternChanged),
        Some(("#/pattern", Some(Breaks::Both)))
    );
    // Forward only: the narrowing is fine, the pattern is not.
    let d = diff(
        &json!({"maxLength": 12}),
        &json!({"maxLength": 10}),
        Direction::Forward,
        Policy::Strict,
    );
    assert!(d.compatible);
    assert_eq!(d.changes.len(), 1);
    assert_eq!(d.changes[0].breaks, None);
    assert_eq!(d.changes[0].fix, "");
}

#[test]
fn malformed_schemas_give_changes_not_panics() {
    let weird = [
        json!({"type": 5}),
        json!({"type": "strang"}),
        json!({"minimum": "x"}),
        json!({"maxLength": -1}),
        json!({"multipleOf": 0}),
        json!({"$ref": "#/nope"}),
        json!({"$ref": "http://example.com/other.json"}),
        json!({"$ref": 7}),
        json!({"items": 3, "prefixItems": "x"}),
        json!({"properties": [], "required": "a", "patternProperties": {"(": {"type": "string"}}}),
        json!({"allOf": {}, "anyOf": 1, "oneOf": [], "not": 2}),
        json!({"enum": 3, "dependencies": {"a": 3}}),
        json!({"pattern": "(", "type": "string"}),
        json!({"$dynamicRef": "#meta"}),
        json!({"if": {"type": "string"}, "then": {"minLength": 1}}),
        json!([1, 2]),
        json!(null),
        json!("string"),
    ];
    for a in &weird {
        for b in &weird {
            for direction in [Direction::Backward, Direction::Forward, Direction::Full] {
                let _ = diff(a, b, direction, Policy::Strict);
                let _ = diff(a, &json!({"type": "string"}), direction, Policy::Lenient);
            }
        }
    }
    // What cannot be compared is breaking, not silently compatible.
    let d = diff(
        &json!({}),
        &json!({"$ref": "#/nope"}),
        Direction::Backward,
        Policy::Strict,
    );
    assert!(!d.compatible);
    assert!(d.changes.iter().any(|c| c.kind == ChangeKind::Unsupported));
    // The same opaque thing on both sides compares equal.
    let same = json!({"if": {"type": "string"}, "then": {"minLength": 1}});
    assert!(diff(&same, &same, Direction::Full, Policy::Strict).compatible);
}

#[test]
fn deep_nesting_does_not_overflow() {
    let mut schema = json!({"type": "string"});
    for _ in 0..200 {
        schema = json!({"type": "object", "properties": {"a": schema}});
    }
    assert!(diff(&schema, &schema, Direction::Full, Policy::Strict).compatible);
}

#[test]
fn next_version_and_reading() {
    assert_eq!(
        next_version_file(Path::new("schemas/orders/placed.v2.schema.json")).as_deref(),
        Some("placed.v3.schema.json")
    );
    assert_eq!(next_version_file(Path::new("placed.schema.json")), None);
    let mut d = diff(
        &json!({}),
        &json!({"required": ["a"]}),
        Direction::Backward,
        Policy::Strict,
    );
    d.name_next_version("placed.v3.schema.json");
    assert!(d.changes[0].fix.contains("placed.v3.schema.json"));
    match parse_schema(Path::new("x.json"), "{\n  \"a\": 1,\n}") {
        Err(CompatError::Json {
            line: 3, column: 1, ..
        }) => {}
        other => panic!("expected a JSON error at 3:1, got {other:?}"),
    }
    assert!(matches!(
        parse_schema(Path::new("x.json"), "[1]"),
        Err(CompatError::Invalid { .. })
    ));
}

#[test]
fn a_removed_bound_reads_removed_and_an_added_one_added() {
    let message = |old: Value, new: Value| {
        diff(&old, &new, Direction::Backward, Policy::Strict).changes.into_iter().map(|c| c.message).collect::<Vec<_>>()
    };
    let three = json!({"type": "array", "maxItems": 3});
    let open = json!({"type": "array"});
    assert_eq!(message(three.clone(), open.clone()), ["`maxItems` 3 removed"]);
    assert_eq!(message(open, three), ["`maxItems` 3 added"]);
    let bounded = json!({"type": "integer", "minimum": 1});
    let unbounded = json!({"type": "integer"});
    assert_eq!(message(bounded.clone(), unbounded.clone()), ["lower bound 1 removed"]);
    assert_eq!(message(unbounded, bounded), ["lower bound 1 added"]);
}

#[test]
fn integers_beyond_two_to_the_53_are_compared_exactly() {
    // One f64 holds both 2^53 and 2^53 + 1: compared as f64 they were one value.
    incomparable(json!({"enum": [9007199254740993_u64]}), json!({"enum": [9007199254740992_u64]}));
    incomparable(json!({"const": 9007199254740993_u64}), json!({"const": 9007199254740992_u64}));
    equivalent(json!({"enum": [20]}), json!({"enum": [20.0]}));
}

#[test]
fn a_name_no_longer_required_is_reported_where_the_new_schema_has_a_place() {
    let pointers = |old: Value, new: Value| kinds(old, new, Direction::Forward).into_iter().map(|(pointer, _, _)| pointer).collect::<Vec<_>>();
    let old = json!({"type": "object", "properties": {"a": {}, "b": {}}, "required": ["a", "b"]});
    assert_eq!(pointers(old.clone(), json!({"type": "object", "properties": {"a": {}, "b": {}}, "required": ["a"]})), ["#/required"]);
    assert_eq!(pointers(old, json!({"type": "object", "properties": {"a": {}, "b": {}}})), ["#"]);
}

#[test]
fn an_asserted_format_changes_the_values_accepted() {
    let asserted = |old: Value, new: Value| {
        (
            diff_with_formats(&old, &new, Direction::Backward, Policy::Strict, Formats::Asserted).compatible,
            diff_with_formats(&old, &new, Direction::Forward, Policy::Strict, Formats::Asserted).compatible,
        )
    };
    let uuid = json!({"type": "string", "format": "uuid"});
    let email = json!({"type": "string", "format": "email"});
    assert_eq!(asserted(uuid.clone(), email.clone()), (false, false), "uuid -> email breaks both ways");
    assert_eq!(both(uuid, email), (true, true), "annotations in 2020-12 by default");
    // Known inclusions: every URI is a URI reference.
    let uri = json!({"type": "string", "format": "uri"});
    let reference = json!({"type": "string", "format": "uri-reference"});
    assert_eq!(asserted(uri, reference), (true, false));
}
