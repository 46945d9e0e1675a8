//! A search for wrong verdicts: random schemas, random edits from every
//! change kind the gate reasons about, and random instances. A verdict of
//! "compatible" is wrong when an instance is valid under the schema its
//! writer used and invalid under its reader's (old -> new for backward,
//! new -> old for forward), as the jsonschema validator decides; proptest
//! then shrinks the case to a minimal pair. Every witness the gate shows
//! for a breaking verdict is checked the same way.
//!
//! `cargo test -p event-contracts-compat --test search` runs a fixed number
//! of cases from a fixed seed; `cargo xtask compat fuzz --cases N` runs more
//! from a fresh one.

use event_contracts_compat::{Direction, Policy, diff};
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, RngSeed, TestRunner};
use serde_json::{Map, Value, json};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Property names: three the schemas declare, one they never do.
const NAMES: [&str; 4] = ["a", "b", "c", "d"];

/// A property's schema: every type and keyword the gate decides on.
fn property() -> impl Strategy<Value = Value> {
    let bound = || proptest::option::of(-3i64..8);
    let integer = (bound(), bound(), proptest::option::of(2i64..4), proptest::option::of(prop::collection::btree_set(-2i64..6, 1..4))).prop_map(|(min, max, multiple, values)| {
        let mut schema = json!({"type": "integer"});
        if let Some(min) = min {
            schema["minimum"] = min.into();
        }
        if let Some(max) = max {
            schema["maximum"] = max.into();
        }
        if let Some(multiple) = multiple {
            schema["multipleOf"] = multiple.into();
        }
        if let Some(values) = values {
            schema["enum"] = values.into_iter().collect::<Vec<_>>().into();
        }
        schema
    });
    let number = (bound(), proptest::option::of(0i64..8), any::<bool>()).prop_map(|(min, max, exclusive)| {
        let mut schema = json!({"type": "number"});
        if let Some(min) = min {
            schema[if exclusive { "exclusiveMinimum" } else { "minimum" }] = min.into();
        }
        if let Some(max) = max {
            schema["maximum"] = (max as f64 + 0.5).into();
        }
        schema
    });
    let string = (proptest::option::of(0u64..3), proptest::option::of(1u64..5), proptest::option::of(prop::sample::subsequence(vec!["", "a", "ab", "abc", "b"], 1..4)), any::<bool>()).prop_map(
        |(min, max, values, pattern)| {
            let mut schema = json!({"type": "string"});
            if let Some(min) = min {
                schema["minLength"] = min.into();
            }
            if let Some(max) = max {
                schema["maxLength"] = max.into();
            }
            if let Some(values) = values {
                schema["enum"] = values.into();
            }
            if pattern {
                schema["pattern"] = "^a".into();
            }
            schema
        },
    );
    let array = (proptest::option::of(0u64..3), proptest::option::of(1u64..4), any::<bool>(), proptest::option::of(0i64..4)).prop_map(|(min, max, unique, item_max)| {
        let mut schema = json!({"type": "array", "items": {"type": "integer"}});
        if let Some(min) = min {
            schema["minItems"] = min.into();
        }
        if let Some(max) = max {
            schema["maxItems"] = max.into();
        }
        if unique {
            schema["uniqueItems"] = true.into();
        }
        if let Some(item_max) = item_max {
            schema["items"]["maximum"] = item_max.into();
        }
        schema
    });
    let other = prop::sample::select(vec![
        json!({"type": "boolean"}),
        json!({"type": "null"}),
        json!({"type": ["integer", "null"]}),
        json!({"type": ["integer", "string"]}),
        json!({"type": ["number", "string"]}),
        json!({"const": 1}),
        json!({"const": "a"}),
        json!({"enum": [1, "a", null]}),
        json!({"oneOf": [{"type": "integer"}, {"type": "string"}]}),
        json!({"anyOf": [{"type": "integer", "maximum": 2}, {"type": "integer", "minimum": 4}]}),
        json!({"not": {"type": "string"}}),
        json!({}),
        // Kinds the gate once judged wrong: integers beyond 2^53, integral
        // singletons, guaranteed `contains`, names, closed counts.
        json!({"const": 9_007_199_254_740_993_u64}),
        json!({"enum": [9_007_199_254_740_992_u64, 9_007_199_254_740_993_u64]}),
        json!({"type": "number", "const": 2}),
        json!({"type": "integer", "minimum": 2, "maximum": 2}),
        json!({"type": "array", "prefixItems": [{"const": 1}], "minItems": 1}),
        json!({"type": "array", "contains": {"const": 1}}),
        json!({"type": "object", "propertyNames": {"maxLength": 1}}),
        json!({"type": "object", "properties": {"x": {}}, "additionalProperties": false, "maxProperties": 1}),
        json!({"type": "object", "properties": {"x": {}}, "additionalProperties": false, "minProperties": 2}),
    ]);
    prop_oneof![integer, number, string, array, other]
}

/// An object schema over the first three names.
fn schema() -> impl Strategy<Value = Value> {
    (prop::collection::vec(proptest::option::of(property()), 3), prop::collection::vec(any::<bool>(), 3), any::<bool>()).prop_map(|(properties, required, closed)| {
        let mut declared = Map::new();
        let mut names = Vec::new();
        for ((name, property), required) in NAMES.iter().zip(properties).zip(required) {
            if let Some(property) = property {
                declared.insert((*name).to_owned(), property);
                if required {
                    names.push(*name);
                }
            }
        }
        let mut schema = json!({"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "properties": declared});
        if !names.is_empty() {
            schema["required"] = names.into();
        }
        if closed {
            schema["additionalProperties"] = false.into();
        }
        schema
    })
}

/// One edit of a schema.
#[derive(Clone, Debug)]
enum Edit {
    /// A property's schema replaced by another.
    Replace(usize, Value),
    /// One keyword of a property's schema set to a value.
    SetKeyword(usize, &'static str, Value),
    /// One keyword of a property's schema removed.
    RemoveKeyword(usize, &'static str),
    /// A property declared (or declared again) or removed.
    Declare(usize, Option<Value>),
    /// A property made required or optional.
    ToggleRequired(usize),
    /// `additionalProperties: false` added or removed.
    ToggleClosed,
}

const KEYWORDS: [&str; 15] = [
    "minimum", "maximum", "exclusiveMinimum", "multipleOf", "enum", "const", "minLength", "maxLength", "minItems", "maxItems", "uniqueItems", "type", "minProperties", "maxProperties", "contains",
];

fn keyword_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        (-3i64..8).prop_map(Value::from),
        (1u64..4).prop_map(Value::from),
        Just(json!(true)),
        Just(json!("integer")),
        Just(json!("number")),
        Just(json!(["integer", "null"])),
        prop::collection::btree_set(-2i64..6, 1..4).prop_map(|values| values.into_iter().collect::<Vec<_>>().into()),
        Just(json!(["a", "ab"])),
        Just(json!({"const": 1})),
        Just(json!(9_007_199_254_740_993_u64)),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    let name = || 0usize..4;
    prop_oneof![
        (name(), property()).prop_map(|(name, property)| Edit::Replace(name, property)),
        (name(), prop::sample::select(KEYWORDS.to_vec()), keyword_value()).prop_map(|(name, keyword, value)| Edit::SetKeyword(name, keyword, value)),
        (name(), prop::sample::select(KEYWORDS.to_vec())).prop_map(|(name, keyword)| Edit::RemoveKeyword(name, keyword)),
        (name(), proptest::option::of(property())).prop_map(|(name, property)| Edit::Declare(name, property)),
        name().prop_map(Edit::ToggleRequired),
        Just(Edit::ToggleClosed),
    ]
}

fn apply(schema: &Value, edits: &[Edit]) -> Value {
    let mut schema = schema.clone();
    for edit in edits {
        let properties = schema["properties"].as_object_mut().expect("properties");
        match edit {
            Edit::Replace(name, property) => {
                if properties.contains_key(NAMES[*name]) {
                    properties.insert(NAMES[*name].to_owned(), property.clone());
                }
            }
            Edit::SetKeyword(name, keyword, value) => {
                if let Some(Value::Object(property)) = properties.get_mut(NAMES[*name]) {
                    property.insert((*keyword).to_owned(), value.clone());
                }
            }
            Edit::RemoveKeyword(name, keyword) => {
                if let Some(Value::Object(property)) = properties.get_mut(NAMES[*name]) {
                    property.remove(*keyword);
                }
            }
            Edit::Declare(name, Some(property)) => {
                properties.insert(NAMES[*name].to_owned(), property.clone());
            }
            Edit::Declare(name, None) => {
                properties.remove(NAMES[*name]);
            }
            Edit::ToggleRequired(name) => {
                let mut required: Vec<Value> = schema.get("required").and_then(Value::as_array).cloned().unwrap_or_default();
                let name = Value::from(NAMES[*name]);
                if required.contains(&name) {
                    required.retain(|n| *n != name);
                } else {
                    required.push(name);
                }
                if required.is_empty() {
                    schema.as_object_mut().expect("an object").remove("required");
                } else {
                    schema["required"] = required.into();
                }
            }
            Edit::ToggleClosed => {
                let object = schema.as_object_mut().expect("an object");
                if object.remove("additionalProperties").is_none() {
                    object.insert("additionalProperties".to_owned(), false.into());
                }
            }
        }
    }
    schema
}

/// Values a property may take: around every bound the generated schemas use.
fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        (-4i64..10).prop_map(Value::from),
        prop::sample::select(vec![-2.5, 0.5, 1.0, 2.5, 3.0, 7.5]).prop_map(Value::from),
        prop::sample::select(vec!["", "a", "b", "ab", "ba", "abc", "abcd", "abcde"]).prop_map(Value::from),
        any::<bool>().prop_map(Value::from),
        Just(Value::Null),
        prop::collection::vec(-1i64..6, 0..6).prop_map(Value::from),
        prop::sample::select(vec![json!({}), json!({"x": 1}), json!({"ab": 1}), json!({"x": 1, "y": 2})]),
        prop::sample::select(vec![9_007_199_254_740_992_u64, 9_007_199_254_740_993_u64]).prop_map(Value::from),
    ]
}

fn instance() -> impl Strategy<Value = Value> {
    prop::collection::vec(proptest::option::of(value()), 4).prop_map(|values| {
        let mut object = Map::new();
        for (name, value) in NAMES.iter().zip(values) {
            if let Some(value) = value {
                object.insert((*name).to_owned(), value);
            }
        }
        Value::Object(object)
    })
}

/// The first instance valid under `writer` and invalid under `reader`.
fn witness<'a>(writer: &Value, reader: &Value, instances: &'a [Value]) -> Option<&'a Value> {
    let (Ok(writer), Ok(reader)) = (jsonschema::validator_for(writer), jsonschema::validator_for(reader)) else {
        return None;
    };
    instances.iter().find(|instance| writer.is_valid(instance) && !reader.is_valid(instance))
}

/// Verdicts asked, and how many said compatible for a schema that changed.
static VERDICTS: AtomicUsize = AtomicUsize::new(0);
static COMPATIBLE_CHANGES: AtomicUsize = AtomicUsize::new(0);
/// Breaking verdicts, and how many of them the random instances bear out.
static BREAKING: AtomicUsize = AtomicUsize::new(0);
static BREAKING_WITNESSED: AtomicUsize = AtomicUsize::new(0);
/// Breaking verdicts the gate showed a witness for, and those it showed
/// none for although a random instance was one.
static GATE_WITNESSED: AtomicUsize = AtomicUsize::new(0);
static WITNESS_MISSED: AtomicUsize = AtomicUsize::new(0);

/// Fails when a "compatible" verdict has a witness against it.
fn check(old: &Value, edits: &[Edit], instances: &[Value]) -> Result<(), TestCaseError> {
    let new = apply(old, edits);
    for (direction, writer, reader) in [(Direction::Backward, old, &new), (Direction::Forward, &new, old)] {
        let verdict = diff(old, &new, direction, Policy::Strict);
        VERDICTS.fetch_add(1, Ordering::Relaxed);
        if verdict.compatible && *old != new {
            COMPATIBLE_CHANGES.fetch_add(1, Ordering::Relaxed);
        }
        let found = witness(writer, reader, instances);
        if !verdict.compatible {
            BREAKING.fetch_add(1, Ordering::Relaxed);
            BREAKING_WITNESSED.fetch_add(usize::from(found.is_some()), Ordering::Relaxed);
            GATE_WITNESSED.fetch_add(usize::from(!verdict.witnesses.is_empty()), Ordering::Relaxed);
        }
        // The gate's own witness must show what it says.
        for shown in &verdict.witnesses {
            if witness(writer, reader, std::slice::from_ref(&shown.instance)).is_none() {
                return Err(TestCaseError::fail(format!(
                    "{direction:?} witness {} is not valid under the writer's schema and refused by the reader's\nold: {old}\nnew: {new}",
                    shown.instance
                )));
            }
        }
        if found.is_some() && verdict.witnesses.is_empty() && !verdict.compatible {
            WITNESS_MISSED.fetch_add(1, Ordering::Relaxed);
        }
        if verdict.compatible
            && let Some(witness) = found
        {
            return Err(TestCaseError::fail(format!(
                "{direction:?} called compatible, but {witness} is valid under the writer's schema and not under the reader's\nold: {old}\nnew: {new}\nchanges: {:?}",
                verdict.changes
            )));
        }
    }
    Ok(())
}

/// Runs `cases` cases; a fixed seed unless `COMPAT_FUZZ_SEED` names one.
fn search(cases: u32) {
    let seed = std::env::var("COMPAT_FUZZ_SEED").ok().and_then(|seed| seed.parse().ok()).unwrap_or(0x5eed_c0de_u64);
    let config = Config { cases, rng_seed: RngSeed::Fixed(seed), failure_persistence: Some(Box::new(FileFailurePersistence::Off)), ..Config::default() };
    let mut runner = TestRunner::new(config);
    let strategy = (schema(), prop::collection::vec(edit(), 1..4), prop::collection::vec(instance(), 48));
    let result = runner.run(&strategy, |(old, edits, instances)| check(&old, &edits, &instances));
    eprintln!(
        "compat search: {cases} cases from seed {seed}, {} verdicts asked (shrinking included), {} of them compatible for a changed schema; {} breaking, {} of those borne out by a random instance, {} shown by the gate's own witness ({} with a random instance but no witness of the gate's)",
        VERDICTS.load(Ordering::Relaxed),
        COMPATIBLE_CHANGES.load(Ordering::Relaxed),
        BREAKING.load(Ordering::Relaxed),
        BREAKING_WITNESSED.load(Ordering::Relaxed),
        GATE_WITNESSED.load(Ordering::Relaxed),
        WITNESS_MISSED.load(Ordering::Relaxed)
    );
    if let Err(error) = result {
        panic!("{error}");
    }
}

#[test]
fn no_compatible_verdict_has_a_witness_against_it() {
    let cases = std::env::var("COMPAT_FUZZ_CASES").ok().and_then(|cases| cases.parse().ok()).unwrap_or(512);
    search(cases);
}
