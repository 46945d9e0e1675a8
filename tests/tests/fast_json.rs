//! The simd-json path (`fast-json`) decodes exactly what the serde_json path
//! decodes, and fails with the same errors: it falls back to serde_json to
//! explain a failure.

use events_generated::types::EnvelopeHeader;
use events_generated::{Event, LAYOUT};
use events_runtime::envelope;
use serde_json::{Value, json};

fn message(data_first: bool, version: u64, data: &Value) -> String {
    let meta = json!({
        "event_id": "b6c57f3c-3cfe-4c05-9d4e-7e61b24f6f0e",
        "type": "kfm.ingestion.new_image_available",
        "version": version,
        "occurred_at": "2026-01-04T18:22:19.000Z",
        "producer": "ingestion-service",
        "classification": {"tier": "public", "redaction_required": false}
    });
    if data_first {
        format!(r#"{{"data":{data},"meta":{meta}}}"#)
    } else {
        format!(r#"{{"meta":{meta},"data":{data}}}"#)
    }
}

type Decoded = Result<(EnvelopeHeader, Event), events_runtime::DecodeError>;

/// The serde_json path and the simd-json path on the same bytes.
fn both(bytes: &[u8]) -> (Decoded, Decoded) {
    (envelope::from_slice(&LAYOUT, bytes), envelope::fast::from_slice(&LAYOUT, bytes))
}

#[test]
fn both_paths_decode_the_same_events_in_either_key_order() {
    let data = json!({"asset_kind": "satellite_image", "asset_ref": "stac:item:ks:landsat:2026-01-04", "hint": "caf\u{e9} \"quoted\""});
    for data_first in [false, true] {
        let text = message(data_first, 1, &data);
        let (plain, fast) = both(text.as_bytes());
        let (plain, fast) = (plain.expect("decodes"), fast.expect("decodes"));
        assert_eq!(plain, fast, "data first: {data_first}");
        assert_eq!(fast.1.version(), 1);
        // Decoded by simd-json itself, not by the fallback.
        let alone: Option<(EnvelopeHeader, Event)> = envelope::fast::try_from_slice(&LAYOUT, text.as_bytes());
        assert_eq!(alone.as_ref(), Some(&plain), "data first: {data_first}");
    }
}

#[test]
fn both_paths_fail_alike() {
    let cases = [
        message(false, 3, &json!({"asset_kind": "dem"})),
        message(true, 1, &json!({"asset_kind": "dem"})),
        message(false, 1, &json!({"asset_kind": "not-a-kind", "asset_ref": "x"})),
        r#"{"meta": {}}"#.to_owned(),
        "[1, 2]".to_owned(),
    ];
    for case in &cases {
        let (plain, fast) = both(case.as_bytes());
        assert!(plain.is_err(), "{case}");
        assert_eq!(plain, fast, "{case}");
    }
}

#[test]
fn no_prefix_of_a_message_panics_or_differs() {
    let text = message(true, 1, &json!({"asset_kind": "satellite_image", "asset_ref": "stac:item:ks:landsat:2026-01-04"}));
    let bytes = text.as_bytes();
    for end in 0..bytes.len() {
        let (plain, fast) = both(&bytes[..end]);
        assert!(plain.is_err() && fast.is_err(), "prefix of {end} bytes decoded");
        assert_eq!(plain, fast, "prefix of {end} bytes");
    }
    let mut flipped = bytes.to_vec();
    for index in (0..flipped.len()).step_by(7) {
        flipped[index] ^= 0x80;
        let (plain, fast) = both(&flipped);
        assert_eq!(plain.is_ok(), fast.is_ok(), "byte {index} flipped");
        flipped[index] ^= 0x80;
    }
}

#[test]
fn a_payload_without_envelope_decodes_alike_on_both_paths() {
    use agent_platform_events::{Event as Agent, registry};
    let info = registry::find("usage.metered", 1).expect("in the set");
    let schema: Value = serde_json::from_str(info.schema).expect("embedded schema");
    let example = schema["examples"][0].to_string();
    let plain: Agent = envelope::payload_from_slice("usage.metered", 1, example.as_bytes()).expect("decodes");
    let alone: Option<Agent> = envelope::fast::try_payload_from_slice("usage.metered", 1, example.as_bytes());
    assert_eq!(alone, Some(plain.clone()), "decoded by simd-json itself");
    let broken = &example.as_bytes()[..example.len() - 1];
    assert_eq!(
        envelope::fast::payload_from_slice::<Agent>("usage.metered", 1, broken),
        envelope::payload_from_slice::<Agent>("usage.metered", 1, broken)
    );
}
