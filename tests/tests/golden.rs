//! Golden payloads: every `examples` entry of every schema decodes into its
//! type, dispatches to its variant, and re-encodes to the same JSON value.

use event_contracts::prelude::*;
use events_generated::registry::EVENTS;
use events_generated::types::AssetKind;
use events_generated::{Envelope, Event};
use serde_json::{Value, json};

mod support;

const ENVELOPE_SCHEMA: &str = include_str!("../../schemas/_shared/event-envelope.schema.json");

/// The envelope schema's first example: a real `meta` to wrap payloads in.
fn sample_meta(event_type: &str, version: u32) -> Value {
    let envelope: Value = serde_json::from_str(ENVELOPE_SCHEMA).unwrap();
    let mut meta = envelope["examples"][0]["meta"].clone();
    meta["type"] = json!(event_type);
    meta["version"] = json!(version);
    meta
}

/// `{"meta": .., "data": ..}` written with meta first, as producers write it.
fn meta_first(meta: &Value, data: &Value) -> String {
    format!("{{\"meta\":{meta},\"data\":{data}}}")
}

#[test]
fn every_example_round_trips_through_its_variant() {
    support::every_example_round_trips(EVENTS, ENVELOPE_SCHEMA, &events_generated::LAYOUT, |bytes| {
        Envelope::from_slice(bytes).map(|envelope| support::Decoded {
            event_type: envelope.event.event_type(),
            version: envelope.event.version(),
            reencoded: serde_json::from_slice(&envelope.to_vec().unwrap()).unwrap(),
            payload: serde_json::to_value(&envelope.event).unwrap(),
        })
    });
}

#[test]
fn seed_envelope_decodes_to_the_v1_variant() {
    let envelope_schema: Value = serde_json::from_str(ENVELOPE_SCHEMA).unwrap();
    let seed = serde_json::to_vec(&envelope_schema["examples"][0]).unwrap();
    let envelope = Envelope::from_slice(&seed).unwrap();
    match &envelope.event {
        Event::IngestionNewImageAvailableV1(payload) => {
            assert_eq!(payload.asset_kind, AssetKind::SatelliteImage);
            assert_eq!(payload.asset_ref.as_str(), "stac:item:ks:landsat:2026-01-04");
        }
        other => panic!("decoded to the wrong variant: {other:?}"),
    }
    assert_eq!(envelope.header.meta.producer.as_str(), "ingestion-service");
    assert_eq!(
        envelope.header.meta.event_id.to_string(),
        "b6c57f3c-3cfe-4c05-9d4e-7e61b24f6f0e"
    );
}

#[test]
fn absent_and_null_stay_distinct() {
    let meta = sample_meta("kfm.graph.sync_completed", 1);
    let base = json!({
        "run": {"pipeline_id": "graph-sync", "run_id": "05f14f78-b5f4-40c4-b781-8e6c37b49b6a"},
        "nodes_upserted": 1, "edges_upserted": 2, "duration_ms": 3,
        "status": "succeeded", "finished_at": "2026-01-04T18:22:19.000Z"
    });
    let mut with_null = base.clone();
    with_null["error_message"] = Value::Null;
    let mut with_empty = base.clone();
    with_empty["warnings"] = json!([]);
    for payload in [base, with_null, with_empty] {
        let envelope = Envelope::from_json(&meta_first(&meta, &payload)).unwrap();
        assert_eq!(serde_json::to_value(&envelope.event).unwrap(), payload);
    }
}

#[test]
fn non_canonical_formats_survive_re_encoding() {
    let mut meta = sample_meta("kfm.ingestion.new_image_available", 1);
    meta["event_id"] = json!("B6C57F3C-3CFE-4C05-9D4E-7E61B24F6F0E");
    meta["occurred_at"] = json!("2026-01-04T18:22:19.000+00:00");
    let data = json!({"asset_kind": "dem", "asset_ref": "stac:item:x"});
    let text = meta_first(&meta, &data);
    let envelope = Envelope::from_json(&text).unwrap();
    let reencoded: Value = serde_json::from_slice(&envelope.to_vec().unwrap()).unwrap();
    assert_eq!(reencoded, serde_json::from_str::<Value>(&text).unwrap());
}
