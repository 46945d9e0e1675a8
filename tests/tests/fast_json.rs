//! The simd-json path (`fast-json`) decodes exactly what the serde_json path
//! decodes, and fails with the same errors: it falls back to serde_json to
//! explain a failure. The one difference: the sign of the number `-0`.

mod support;

use event_contracts::prelude::*;
use events_generated::types::EnvelopeHeader;
use events_generated::{Event, LAYOUT};
use event_contracts::decode as envelope;
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

type Decoded = Result<(EnvelopeHeader, Event), event_contracts::DecodeError>;

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
    use agent_platform_events::Event as Agent;
    let info = Agent::find("usage.metered", 1).expect("in the set");
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

/// `realtime.push` (agent platform; no envelope) with `value` as its
/// free-form payload's `x`.
fn push_text(value: &str) -> String {
    let info = agent_platform_events::Event::find("realtime.push", 1).expect("in the set");
    let mut example = support::examples_of(info.schema).remove(0);
    example["payload"] = json!({"x": "VALUE"});
    example.to_string().replace("\"VALUE\"", value)
}

type Push = Result<agent_platform_events::Event, event_contracts::DecodeError>;

/// A `realtime.push` message decoded on both paths.
fn both_push(text: &str) -> (Push, Push) {
    (envelope::payload_from_slice("realtime.push", 1, text.as_bytes()), envelope::fast::payload_from_slice("realtime.push", 1, text.as_bytes()))
}

/// serde_json refuses a document nested 128 levels deep; simd-json would
/// take 1,024. Told serde_json's limit, the fast path refuses (and leaves
/// to serde_json) what serde_json refuses, at every depth around it.
#[test]
fn both_paths_refuse_the_same_nesting_depth() {
    let (mut decoded, mut refused) = (0, 0);
    for depth in 100..=140 {
        let text = push_text(&format!("{}{}", "[".repeat(depth), "]".repeat(depth)));
        let (plain, fast) = both_push(&text);
        assert_eq!(plain, fast, "{depth} nested arrays");
        if plain.is_ok() { decoded += 1 } else { refused += 1 }
        let alone = envelope::fast::try_payload_from_slice::<agent_platform_events::Event>("realtime.push", 1, text.as_bytes());
        assert_eq!(alone.is_some(), plain.is_ok(), "simd-json alone at {depth} nested arrays");
    }
    // The limit lies inside the range, so both sides of it were compared.
    assert!(decoded > 0 && refused > 0, "{decoded} decoded, {refused} refused");
}

/// simd-json reads the number `-0` as the integer 0, serde_json as the
/// float -0.0: the one difference between the paths (README.md, "fast-json").
/// Both decode it, to the same number.
#[test]
fn negative_zero_decodes_to_zero_on_both_paths() {
    use agent_platform_events::Event;
    let (plain, fast) = both_push(&push_text("-0"));
    let x = |event: Event| match event {
        Event::RealtimePushV1(push) => push.payload["x"].as_f64(),
        other => panic!("decoded as {other:?}"),
    };
    let (plain, fast) = (x(plain.expect("serde_json decodes -0")), x(fast.expect("simd-json decodes -0")));
    assert_eq!(plain, Some(0.0));
    assert_eq!(fast, plain);
}
