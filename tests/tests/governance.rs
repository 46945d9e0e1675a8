//! Governance from the schemas: personal data never reaches `Debug`, the
//! envelope's classification comes from the event's schema, consumers
//! de-duplicate by idempotency key, and failures become dead letters in the
//! seed 004 error contract.

use event_contracts::prelude::*;
use std::collections::BTreeMap;

use events_generated::types::{ClassificationTier, EnvelopeHeader, FocusModeRedactionNoticeShownV1};
use events_generated::{DeadLetter, Envelope, Event, IdempotencyStore, InMemoryIdempotencyStore, registry::EVENTS};
use serde_json::{Value, json};

const ENVELOPE_SCHEMA: &str = include_str!("../../schemas/_shared/event-envelope.schema.json");
const SECRET: &str = "user:pseud:4f1c9a7e";

fn header() -> EnvelopeHeader {
    let envelope: Value = serde_json::from_str(ENVELOPE_SCHEMA).unwrap();
    let mut meta = envelope["examples"][0]["meta"].clone();
    let meta = meta.as_object_mut().unwrap();
    meta.remove("type");
    meta.remove("version");
    serde_json::from_value(json!({"meta": meta})).unwrap()
}

fn notice() -> FocusModeRedactionNoticeShownV1 {
    let info = EVENTS.iter().find(|e| e.event_type == "kfm.ui.focus_mode_redaction_notice_shown").unwrap();
    let schema: Value = serde_json::from_str(info.schema).unwrap();
    let example = schema["examples"][0].clone();
    assert_eq!(example["user_ref"], SECRET, "the example carries the personal data this test hides");
    serde_json::from_value(example).unwrap()
}

#[test]
fn personal_data_never_appears_in_debug_output() {
    let payload = notice();
    let envelope = Envelope::new(header(), payload.clone());
    for printed in [
        format!("{payload:?}"),
        format!("{payload:#?}"),
        format!("{:?}", envelope.event),
        format!("{envelope:?}"),
    ] {
        assert!(!printed.contains(SECRET), "PII leaked: {printed}");
        assert!(printed.contains("[redacted]"), "{printed}");
        assert!(printed.contains("archaeology_sites_generalized"), "other fields still print: {printed}");
    }
    // The value is still there for the code that needs it, and on the wire.
    assert_eq!(payload.user_ref.as_deref(), Some(SECRET));
    assert!(String::from_utf8(envelope.to_vec().unwrap()).unwrap().contains(SECRET));

    let safe = payload.redacted();
    assert_eq!(safe.user_ref, None);
    assert!(!serde_json::to_string(&safe).unwrap().contains(SECRET));
    assert_eq!(safe.layer_id, payload.layer_id);
}

#[test]
fn the_envelope_classification_comes_from_the_schema() {
    let public = header();
    assert_eq!(public.meta.classification.tier, ClassificationTier::Public);
    // x-classification: restricted on the redaction notice.
    let envelope = Envelope::new(public.clone(), notice());
    assert_eq!(envelope.header.meta.classification.tier, ClassificationTier::Restricted);
    assert_eq!(envelope.event.classification(), Some("restricted"));
    // Events without x-classification keep what the producer set.
    let seed: Value = serde_json::from_str::<Value>(ENVELOPE_SCHEMA).unwrap()["examples"][0].clone();
    let decoded = Envelope::from_slice(&serde_json::to_vec(&seed).unwrap()).unwrap();
    let rebuilt = Envelope::new(public, decoded.event);
    assert_eq!(rebuilt.header.meta.classification.tier, ClassificationTier::Public);
}

#[test]
fn a_consumer_processes_a_duplicate_once() {
    let seed: Value = serde_json::from_str::<Value>(ENVELOPE_SCHEMA).unwrap()["examples"][0].clone();
    let mut other = seed.clone();
    other["meta"]["event_id"] = json!("05f14f78-b5f4-40c4-b781-8e6c37b49b6a");
    let deliveries = [&seed, &seed, &other, &seed, &other].map(|m| serde_json::to_vec(m).unwrap());

    let store = InMemoryIdempotencyStore::new();
    let mut side_effects = Vec::new();
    for bytes in &deliveries {
        let envelope = Envelope::from_slice(bytes).unwrap();
        let key = envelope.idempotency_key();
        if store.first_time(&key)
            && let Event::IngestionNewImageAvailableV1(e) = &envelope.event {
                side_effects.push((key, e.asset_ref.to_string()));
            }
    }
    assert_eq!(side_effects.len(), 2, "{side_effects:?}");
    assert_eq!(side_effects[0].0, "b6c57f3c-3cfe-4c05-9d4e-7e61b24f6f0e");
    assert!(store.seen("05f14f78-b5f4-40c4-b781-8e6c37b49b6a"));
}

#[test]
fn envelope_less_events_have_keys_from_their_own_id_fields() {
    let usage = json!({
        "event_id": "550e8400-e29b-41d4-a716-446655440000", "timestamp": "2024-01-15T10:30:00Z",
        "service_name": "model-gateway", "tenant_id": "789e0123-e89b-12d3-a456-426614174000",
        "event_type": "api_call", "resource_type": "requests", "quantity": 1
    });
    let event = agent_platform_events::Event::from_subject_and_slice("usage.metered.api_call", &serde_json::to_vec(&usage).unwrap()).unwrap();
    assert_eq!(event.idempotency_key(), "usage.metered:550e8400-e29b-41d4-a716-446655440000");
}

#[test]
fn decode_failures_become_dead_letters_in_the_error_contract() {
    let bad = br#"{"meta": {"event_id": "b6c57f3c-3cfe-4c05-9d4e-7e61b24f6f0e", "type": "kfm.ingestion.new_image_available", "version": 1, "occurred_at": "2026-01-04T18:22:19Z", "producer": "x", "classification": {"tier": "public", "redaction_required": false}}, "data": {"asset_kind": "dem", "asset_ref": 7}}"#;
    let error = Envelope::from_slice(bad).unwrap_err();
    let headers = BTreeMap::from([("trace_id".to_owned(), "t-1".to_owned())]);
    let letter = DeadLetter::from_decode_error(&error, bad, headers, 3);
    assert_eq!(letter.error.code, "VALIDATION_FAILED");
    assert_eq!(letter.error.details["pointer"], "/data/asset_ref");
    assert_eq!(letter.error.details["event_type"], "kfm.ingestion.new_image_available");
    assert_eq!(letter.attempts, 3);
    assert_eq!(letter.payload.as_bytes(), bad);

    // The `error` part is exactly seed 004's contract, as generated from its schema.
    let entry = serde_json::to_value(&letter).unwrap();
    let contract: platform_events::types::DeadLetterError =
        serde_json::from_value(json!({"error": entry["error"]})).expect("the dead letter follows the error contract");
    assert_eq!(contract.error.code.as_str(), "VALIDATION_FAILED");
    let back: DeadLetter = serde_json::from_value(entry).unwrap();
    assert_eq!(back, letter);

    let renamed = String::from_utf8(bad.to_vec()).unwrap().replace("new_image_available", "gone_away");
    let unknown = Envelope::from_slice(renamed.as_bytes()).unwrap_err();
    assert_eq!(DeadLetter::from_decode_error(&unknown, b"", BTreeMap::new(), 1).error.code, "UNKNOWN_EVENT_TYPE");
}
