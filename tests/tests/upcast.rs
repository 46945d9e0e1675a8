//! Upcasting: a consumer handles every event at its latest version. Steps
//! the compatibility checker proves are generated `From`s; the others are
//! the consumer's `Upcaster` methods.

use event_contracts::prelude::*;
use platform_events::cache::entry_invalidated::{v1::EntryInvalidatedV1, v2::EntryInvalidatedV2};
use platform_events::workflow::instance_started::{v1::InstanceStartedV1, v2::InstanceStartedV2};
use platform_events::{Event, Latest, Upcaster};
use serde_json::{Value, json};

/// The consumer's own step: v2 replaced `started_by: "kind:id"` by a
/// structured `initiator`.
struct Upcasts;

impl Upcaster for Upcasts {
    fn workflow_instance_started_v1_to_v2(&self, v1: InstanceStartedV1) -> InstanceStartedV2 {
        let (kind, id) = v1.started_by.split_once(':').map_or(("system".to_owned(), v1.started_by.clone()), |(k, i)| (k.to_owned(), i.to_owned()));
        let mut json = serde_json::to_value(&v1).unwrap();
        let fields = json.as_object_mut().unwrap();
        fields.remove("started_by");
        fields.insert("initiator".to_owned(), json!({"kind": kind, "id": id}));
        serde_json::from_value(json).expect("a v2 payload")
    }
}

fn example<T: serde::de::DeserializeOwned>(schema: &str, index: usize) -> T {
    let schema: Value = serde_json::from_str(schema).unwrap();
    serde_json::from_value(schema["examples"][index].clone()).unwrap()
}

fn schema_of(event_type: &str, version: u32) -> &'static str {
    platform_events::Event::find(event_type, version).unwrap().schema
}

#[test]
fn a_proven_step_is_a_generated_from() {
    fn is_from<A, B: From<A>>() {}
    is_from::<EntryInvalidatedV1, EntryInvalidatedV2>();

    for index in 0..2 {
        let v1: EntryInvalidatedV1 = example(schema_of("cache.entry.invalidated", 1), index);
        let v2 = EntryInvalidatedV2::from(v1.clone());
        let (before, after) = (serde_json::to_value(&v1).unwrap(), serde_json::to_value(&v2).unwrap());
        assert_eq!(before, after, "every v1 field carries over, nothing is added");
        assert_eq!(v2.requested_by, None);
        assert_eq!(Event::CacheEntryInvalidatedV1(v1).upcast(&Upcasts), Latest::CacheEntryInvalidated(v2));
    }
}

#[test]
fn an_unproven_step_is_the_consumers_and_upcast_applies_it() {
    let v1: InstanceStartedV1 = example(schema_of("workflow.instance.started", 1), 0);
    let Latest::WorkflowInstanceStarted(v2) = Event::WorkflowInstanceStartedV1(v1.clone()).upcast(&Upcasts) else {
        panic!("a workflow.instance.started event stays one");
    };
    assert_eq!(v2.instance_id, v1.instance_id);
    assert_eq!(serde_json::to_value(&v2.initiator).unwrap(), json!({"kind": "user", "id": "5f3c2a"}));
    assert!(v2.validate().is_ok(), "the hand-written step makes a valid v2: {:?}", v2.validate());
}

#[test]
fn the_latest_version_upcasts_to_itself() {
    let v2: InstanceStartedV2 = example(schema_of("workflow.instance.started", 2), 0);
    assert_eq!(Event::WorkflowInstanceStartedV2(v2.clone()).upcast(&Upcasts), Latest::WorkflowInstanceStarted(v2));
}
