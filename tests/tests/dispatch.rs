//! Typed decode errors: unknown type, unknown version, invalid payloads and
//! malformed envelopes each come back as their own kind, with a path.

use event_contracts::prelude::*;
use events_generated::{DecodeError, Envelope};
use serde_json::{Value, json};

fn meta(event_type: &str, version: u64) -> Value {
    json!({
        "event_id": "b6c57f3c-3cfe-4c05-9d4e-7e61b24f6f0e",
        "type": event_type,
        "version": version,
        "occurred_at": "2026-01-04T18:22:19.000Z",
        "producer": "ingestion-service",
        "classification": {"tier": "public", "redaction_required": false}
    })
}

fn decode(meta: Value, data: Value) -> Result<Envelope, DecodeError> {
    Envelope::from_json(&json!({"meta": meta, "data": data}).to_string())
}

fn valid_data() -> Value {
    json!({"asset_kind": "satellite_image", "asset_ref": "stac:item:ks:landsat:2026-01-04"})
}

#[test]
fn unknown_type_is_its_own_error() {
    let error = decode(meta("kfm.ingestion.no_such_event", 1), valid_data()).unwrap_err();
    assert_eq!(error, DecodeError::UnknownType { event_type: "kfm.ingestion.no_such_event".into() });
    assert_eq!(error.code(), "unknown_event_type");
}

#[test]
fn unknown_version_names_the_known_ones() {
    let error = decode(meta("kfm.ingestion.new_image_available", 3), valid_data()).unwrap_err();
    assert_eq!(
        error,
        DecodeError::UnknownVersion {
            event_type: "kfm.ingestion.new_image_available".into(),
            version: 3,
            known: vec![1, 2],
        }
    );
}

#[test]
fn missing_required_field_names_the_payload_and_the_field() {
    let error = decode(meta("kfm.ingestion.new_image_available", 1), json!({"asset_kind": "dem"})).unwrap_err();
    let DecodeError::Payload { event_type, version, pointer, message } = &error else {
        panic!("wrong kind: {error:?}");
    };
    assert_eq!((event_type.as_str(), *version), ("kfm.ingestion.new_image_available", 1));
    assert_eq!(pointer, "/data");
    assert!(message.contains("missing field `asset_ref`"), "{message}");
}

#[test]
fn wrong_value_deep_in_the_payload_has_its_pointer() {
    // v2 payload with a bad checksum algorithm, written data-first so the
    // payload is decoded after the metadata from its own slice.
    let data = json!({
        "asset_kind": "dem",
        "asset_refs": ["stac:item:a"],
        "checksum": {"algorithm": "md5", "value": "00"}
    });
    let text = format!("{{\"data\":{data},\"meta\":{}}}", meta("kfm.ingestion.new_image_available", 2));
    let error = Envelope::from_json(&text).unwrap_err();
    let DecodeError::Payload { pointer, message, .. } = &error else {
        panic!("wrong kind: {error:?}");
    };
    assert_eq!(pointer, "/data/checksum/algorithm");
    assert!(message.contains("unknown variant `md5`"), "{message}");
}

#[test]
fn v1_payload_under_the_v2_label_is_rejected() {
    let error = decode(meta("kfm.ingestion.new_image_available", 2), valid_data()).unwrap_err();
    assert!(matches!(error, DecodeError::Payload { version: 2, .. }), "{error:?}");
}

#[test]
fn malformed_envelopes_are_envelope_errors() {
    let missing_type = {
        let mut m = meta("x", 1);
        m.as_object_mut().unwrap().remove("type");
        decode(m, valid_data()).unwrap_err()
    };
    assert_eq!(
        missing_type,
        DecodeError::Envelope { pointer: "/meta".into(), message: "missing field `type`".into() }
    );
    let bad_meta = {
        let mut m = meta("kfm.ingestion.new_image_available", 1);
        m["classification"]["tier"] = json!("top-secret");
        decode(m, valid_data()).unwrap_err()
    };
    assert!(matches!(&bad_meta, DecodeError::Envelope { pointer, .. } if pointer == "/meta/classification/tier"), "{bad_meta:?}");
    for text in ["", "[]", "{", "null", "{\"meta\": 1, \"data\": {}}"] {
        let error = Envelope::from_json(text).unwrap_err();
        assert_eq!(error.code(), "malformed_envelope", "{text:?}: {error:?}");
    }
}

/// `text` with its first `from` replaced by raw bytes `to`.
fn with_bytes(text: &str, from: &str, to: &[u8]) -> Vec<u8> {
    let at = text.find(from).expect("present");
    [&text.as_bytes()[..at], to, &text.as_bytes()[at + from.len()..]].concat()
}

/// The message is checked as UTF-8 once, whole, then decoded as text: an
/// invalid byte is still refused at the pointer of the string it sits in.
#[test]
fn a_message_that_is_not_utf8_is_refused_where_it_is() {
    let (meta, data) = (meta("kfm.ingestion.new_image_available", 1), valid_data());
    let meta_first = format!("{{\"meta\":{meta},\"data\":{data}}}");
    let data_first = format!("{{\"data\":{data},\"meta\":{meta}}}");
    for text in [&meta_first, &data_first] {
        let accented = Envelope::from_slice(text.replace("ingestion-service", "ingestion-zürich").as_bytes()).unwrap();
        assert_eq!(accented.header.meta.producer, "ingestion-zürich");
        let in_producer = Envelope::from_slice(&with_bytes(text, "ingestion-service", b"ingestion-\xff")).unwrap_err();
        assert_eq!(
            in_producer,
            DecodeError::Envelope { pointer: "/meta/producer".into(), message: "invalid unicode code point".into() },
            "{text}"
        );
    }
    let in_payload = Envelope::from_slice(&with_bytes(&meta_first, "landsat", b"land\xe2\x82sat")).unwrap_err();
    assert!(
        matches!(&in_payload, DecodeError::Payload { pointer, message, .. } if pointer == "/data/asset_ref" && message == "invalid unicode code point"),
        "{in_payload:?}"
    );
    // Also where the payload comes before its type.
    let in_payload_first = Envelope::from_slice(&with_bytes(&data_first, "landsat", b"land\xe2\x82sat")).unwrap_err();
    assert!(
        matches!(&in_payload_first, DecodeError::Payload { pointer, message, .. } if pointer == "/data/asset_ref" && message == "invalid unicode code point"),
        "{in_payload_first:?}"
    );
    // Where the type itself is not text, nothing is found ahead: the
    // payload is refused whole, and the type is not guessed.
    let mut both = with_bytes(&data_first, "landsat", b"land\xe2\x82sat");
    let in_type = both.windows(9).position(|window| window == b"new_image").expect("the type is there");
    both[in_type + 4] = 0xff;
    assert_eq!(
        Envelope::from_slice(&both).unwrap_err(),
        DecodeError::Envelope { pointer: "/data".into(), message: "invalid unicode code point".into() }
    );
    // A later `type` key of another known type misleads the guess; the
    // parser meets the real one first, and the error is as without a guess.
    let mut trailing = valid_data();
    trailing["zz"] = json!({"type": "kfm.catalog.stac_item_published", "version": 1});
    let misleading = format!("{{\"meta\":{meta},\"data\":{trailing}}}");
    let misled = Envelope::from_slice(&with_bytes(&misleading, "landsat", b"land\xe2\x82sat")).unwrap_err();
    assert!(
        matches!(&misled, DecodeError::Payload { pointer, message, .. } if pointer == "/data/asset_ref" && message == "invalid unicode code point"),
        "{misled:?}"
    );
}

#[test]
fn encoding_takes_type_and_version_from_the_payload() {
    let text = json!({"meta": meta("kfm.ingestion.new_image_available", 1), "data": valid_data()}).to_string();
    let envelope = Envelope::from_json(&text).unwrap();
    let v2: events_generated::NewImageAvailableV2 = serde_json::from_value(json!({
        "asset_kind": "dem",
        "asset_refs": ["stac:item:a"],
        "checksum": {"algorithm": "sha256", "value": "0".repeat(64)}
    }))
    .unwrap();
    let relabelled = Envelope::new(envelope.header.clone(), v2);
    let encoded: Value = serde_json::from_slice(&relabelled.to_vec().unwrap()).unwrap();
    assert_eq!(encoded["meta"]["type"], "kfm.ingestion.new_image_available");
    assert_eq!(encoded["meta"]["version"], 2);
    assert_eq!(encoded["data"]["asset_refs"][0], "stac:item:a");
}

#[test]
fn the_payload_may_come_first_and_a_repeated_type_or_version_is_refused() {
    let data = json!({
        "asset_kind": "dem",
        "asset_refs": ["stac:item:a"],
        "checksum": {"algorithm": "sha256", "value": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}
    });
    let meta_first = format!("{{\"meta\":{},\"data\":{data}}}", meta("kfm.ingestion.new_image_available", 2));
    let data_first = format!("{{\"data\":{data},\"meta\":{}}}", meta("kfm.ingestion.new_image_available", 2));
    let decoded = Envelope::from_json(&meta_first).expect("valid");
    assert_eq!(Envelope::from_json(&data_first).expect("valid data first"), decoded);

    // A repeated key is refused, in both orders, though a scan ahead for
    // the type and version meets the first one and the parser the last
    // (tests/tests/duplicate_keys.rs holds every layout to this).
    for (repeated, key) in [
        (r#""type":"kfm.ingestion.no_such_event","#, "type"),
        (r#""version":7,"#, "version"),
    ] {
        let meta_text = meta("kfm.ingestion.new_image_available", 2).to_string().replacen('{', &format!("{{{repeated}"), 1);
        for text in [format!("{{\"meta\":{meta_text},\"data\":{data}}}"), format!("{{\"data\":{data},\"meta\":{meta_text}}}")] {
            match Envelope::from_json(&text) {
                Err(DecodeError::Envelope { pointer, message }) => {
                    assert_eq!((pointer.as_str(), message), ("/meta", format!("duplicate field `{key}`")), "{text}");
                }
                other => panic!("{text}\ndecoded as {other:?}"),
            }
        }
    }
}

/// KFM keeps type and version in `meta`: the generated wire type decodes
/// `meta` whole (`NestedHeader`), and agrees with the generic key-by-key
/// decode on every message; what the wire path does not take (a repeated
/// key) goes to the generic decode, which decides.
#[test]
fn the_nested_header_decodes_whole_and_agrees_with_the_generic_decode() {
    use events_generated::{Event, LAYOUT, types::EnvelopeHeader};
    use event_contracts::decode::{from_slice, try_from_slice_nested};
    let data = valid_data();
    let mut with_optionals = meta("kfm.ingestion.new_image_available", 1);
    with_optionals["correlation_id"] = json!("ingest-1");
    with_optionals["trace_id"] = json!("trace-1");
    let escaped_type = meta("kfm.ingestion.new_image_available", 1).to_string().replace("new_image", "new\\u005fimage");
    let taken = [
        json!({"meta": meta("kfm.ingestion.new_image_available", 1), "data": data}).to_string(),
        json!({"data": data, "meta": meta("kfm.ingestion.new_image_available", 1)}).to_string(),
        json!({"meta": with_optionals, "data": data}).to_string(),
        format!("{{\"meta\":{escaped_type},\"data\":{data}}}"),
    ];
    for text in &taken {
        let wire = try_from_slice_nested::<EnvelopeHeader, Event>(&LAYOUT, text.as_bytes()).unwrap_or_else(|| panic!("the wire path takes {text}"));
        let generic = from_slice::<EnvelopeHeader, Event>(&LAYOUT, text.as_bytes()).expect("valid");
        assert_eq!(wire, generic, "{text}");
        assert_eq!(Envelope::from_slice_unchecked(text.as_bytes()).expect("valid"), Envelope { header: generic.0, event: generic.1 });
    }
    assert_eq!(taken.iter().map(|t| Envelope::from_json(t).unwrap().header.meta.correlation_id).filter(Option::is_some).count(), 1);

    let repeated = meta("kfm.ingestion.new_image_available", 1).to_string().replacen('{', r#"{"version":7,"#, 1);
    let unknown_key = meta("kfm.ingestion.new_image_available", 1).to_string().replacen('{', r#"{"colour":"red","#, 1);
    let missing_meta = json!({"data": data}).to_string();
    let twice = format!("{{\"meta\":{0},\"meta\":{0},\"data\":{data}}}", meta("kfm.ingestion.new_image_available", 1));
    // The root holds only `meta` and `data` on the direct path.
    let unknown_root_key = format!("{{\"meta\":{},\"data\":{data},\"colour\":\"red\"}}", meta("kfm.ingestion.new_image_available", 1));
    let data_twice = format!("{{\"meta\":{},\"data\":{data},\"data\":{data}}}", meta("kfm.ingestion.new_image_available", 1));
    for (text, generic_decodes) in [
        (format!("{{\"meta\":{repeated},\"data\":{data}}}"), false),
        (format!("{{\"meta\":{unknown_key},\"data\":{data}}}"), false),
        (missing_meta, false),
        (twice, false),
        (unknown_root_key, false),
        // Refused by both (tests/tests/duplicate_keys.rs).
        (data_twice, false),
    ] {
        assert!(try_from_slice_nested::<EnvelopeHeader, Event>(&LAYOUT, text.as_bytes()).is_none(), "the wire path refuses {text}");
        let generic = from_slice::<EnvelopeHeader, Event>(&LAYOUT, text.as_bytes());
        assert_eq!(generic.is_ok(), generic_decodes, "{text}");
        let generated = Envelope::from_slice_unchecked(text.as_bytes());
        assert_eq!(generated.map(|e| (e.header, e.event)).map_err(|e| e.to_string()), generic.map_err(|e| e.to_string()), "{text}");
    }
}

/// Every (type, version) of a set routes its schema's example to its own
/// variant, and every string one byte away from a type of the set (each
/// printable ASCII byte at each position, one byte shorter or longer) is an
/// unknown type, its payload consumed, with no known versions. The
/// generated dispatch finds a type by its length and a
/// few of its bytes before comparing it whole; this fails if any byte goes
/// uncompared or any type is missed.
fn dispatch_finds_exactly_the_known_types<E: event_contracts::EventSet>(events: &[event_contracts::EventInfo]) {
    use event_contracts::Routed;
    let known = |event_type: &str| events.iter().any(|info| info.event_type == event_type);
    let route = |event_type: &str, version: u32, payload: &str| {
        let mut event = None;
        let routed = E::decode_payload(event_type, u64::from(version), &mut serde_json::Deserializer::from_str(payload), &mut event);
        (routed, event)
    };
    for info in events {
        let schema: Value = serde_json::from_str(info.schema).unwrap();
        let example = schema["examples"][0].to_string();
        let (routed, event) = route(info.event_type, info.version, &example);
        assert!(matches!(routed, Ok(Routed::Known)), "{} v{} is routed", info.event_type, info.version);
        let event = event.expect("a routed payload is written");
        assert_eq!((event.event_type(), event.version()), (info.event_type, info.version));
        assert!(E::known_versions(info.event_type).contains(&info.version), "{} v{} is known", info.event_type, info.version);

        let original = info.event_type.as_bytes();
        let mut near_misses: Vec<Vec<u8>> = vec![original[..original.len() - 1].to_vec(), [original, b"x"].concat()];
        for at in 0..original.len() {
            for byte in (0x20u8..0x7f).filter(|&b| b != original[at]) {
                let mut changed = original.to_vec();
                changed[at] = byte;
                near_misses.push(changed);
            }
        }
        for miss in near_misses {
            let miss = String::from_utf8(miss).unwrap();
            if known(&miss) {
                continue;
            }
            let (routed, event) = route(&miss, info.version, r#"{"any": [1, "thing"]}"#);
            assert!(matches!(routed, Ok(Routed::Unknown)) && event.is_none(), "{miss:?} is not a type of the set");
            assert!(E::known_versions(&miss).is_empty(), "{miss:?} has no versions");
        }
    }
}

#[test]
fn dispatch_finds_exactly_the_known_types_of_every_set() {
    dispatch_finds_exactly_the_known_types::<events_generated::Event>(events_generated::registry::EVENTS);
    dispatch_finds_exactly_the_known_types::<salestalk_events::Event>(salestalk_events::registry::EVENTS);
    dispatch_finds_exactly_the_known_types::<activity_builder_events::Event>(activity_builder_events::registry::EVENTS);
    dispatch_finds_exactly_the_known_types::<agent_platform_events::Event>(agent_platform_events::registry::EVENTS);
    dispatch_finds_exactly_the_known_types::<platform_events::Event>(platform_events::registry::EVENTS);
}

/// JSON Schema counts `2.0` as the integer 2 (a number whose fraction is
/// zero), so an envelope whose version is written so is valid: it decodes
/// as version 2 in either key order, on both paths, nested (KFM) or at the
/// top (Activity Builder). `2.5` and `-2` are no version.
#[test]
fn a_version_written_with_a_zero_fraction_is_that_integer() {
    use events_generated::types::EnvelopeHeader;
    use events_generated::{Event, LAYOUT};
    use event_contracts::decode::{self as envelope, fast};
    let data = json!({"asset_kind": "dem", "asset_refs": ["stac:item:a"], "checksum": {"algorithm": "sha256", "value": "0".repeat(64)}});
    let mut written = meta("kfm.ingestion.new_image_available", 2);
    let expected = Envelope::from_json(&json!({"meta": written, "data": data}).to_string()).expect("valid");
    for version in [json!(2.0), json!(2.5), json!(-2)] {
        written["version"] = version.clone();
        let decodes = version == json!(2.0);
        for text in [json!({"meta": written, "data": data}).to_string(), format!(r#"{{"data":{data},"meta":{written}}}"#)] {
            let decoded = Envelope::from_json(&text);
            if decodes {
                assert_eq!(decoded.as_ref(), Ok(&expected), "{text}");
            } else {
                assert!(matches!(&decoded, Err(DecodeError::Envelope { pointer, .. }) if pointer == "/meta/version"), "{text}: {decoded:?}");
            }
            let bytes = text.as_bytes();
            let plain = envelope::from_slice_nested::<EnvelopeHeader, Event>(&LAYOUT, bytes);
            assert_eq!(plain.as_ref().map(|(_, event)| event.version()).ok(), decodes.then_some(2), "{text}");
            assert_eq!(fast::from_slice_nested::<EnvelopeHeader, Event>(&LAYOUT, bytes), plain, "{text}");
            let generic = envelope::from_slice::<EnvelopeHeader, Event>(&LAYOUT, bytes);
            assert_eq!(generic, plain, "{text}");
            assert_eq!(fast::from_slice::<EnvelopeHeader, Event>(&LAYOUT, bytes), generic, "{text}");
            // Decoded where it was read, not by a fallback: through the
            // generated wire type, and by simd-json alone.
            assert_eq!(envelope::try_from_slice_nested::<EnvelopeHeader, Event>(&LAYOUT, bytes).is_some(), decodes, "{text}");
            assert_eq!(fast::try_from_slice::<EnvelopeHeader, Event>(&LAYOUT, bytes).is_some(), decodes, "{text}");
        }
    }

    use activity_builder_events::Envelope as Job;
    let schema: Value = serde_json::from_str(include_str!("../../examples/activity-builder/schemas/_shared/envelope.schema.json")).unwrap();
    let mut message = schema["examples"][0].clone();
    let expected = Job::from_slice(&serde_json::to_vec(&message).unwrap()).expect("valid");
    message["version"] = json!(f64::from(expected.event.version()));
    let text = message.to_string();
    assert!(text.contains(".0,") || text.contains(".0}"), "{text}");
    assert_eq!(Job::from_json(&text), Ok(expected));
    let header_path = envelope::try_from_slice_flat::<activity_builder_events::types::EnvelopeHeader, activity_builder_events::Event>(
        &activity_builder_events::LAYOUT,
        text.as_bytes(),
    );
    assert!(header_path.is_some(), "decoded through the header's wire type: {text}");
}

/// serde's derived structs also read a JSON array, field by field; JSON
/// Schema's `"type": "object"` refuses one. The payload, and the header's
/// nested object, given as arrays in field order are refused on both
/// decoders, where serde alone would take them.
#[test]
fn objects_given_as_arrays_are_refused() {
    let meta = serde_json::json!({
        "event_id": "b6c57f3c-3cfe-4c05-9d4e-7e61b24f6f0e", "type": "kfm.graph.sync_completed", "version": 1,
        "occurred_at": "2026-01-04T18:22:19.000Z", "producer": "graph", "classification": {"tier": "public", "redaction_required": false}
    });
    let data = serde_json::json!({"run": {"pipeline_id": "p", "run_id": "05f14f78-b5f4-40c4-b781-8e6c37b49b6a"}, "nodes_upserted": 1, "edges_upserted": 2, "duration_ms": 3, "status": "succeeded", "finished_at": "2026-01-04T18:22:19.000Z"});
    let good = serde_json::json!({"meta": meta, "data": data});
    assert!(Envelope::from_slice(good.to_string().as_bytes()).is_ok());
    // `classification` in field order: what serde's derive would take.
    assert!(serde_json::from_str::<events_generated::types::Classification>(r#"[false, "public"]"#).is_ok(), "serde alone reads an array");
    let mut nested_array = good.clone();
    nested_array["meta"]["classification"] = serde_json::json!([false, "public"]);
    let mut meta_array = good.clone();
    // The wire form of `meta` in field order (`envelope::wire::EventMetaWire`).
    meta_array["meta"] = serde_json::json!([meta["classification"], null, meta["event_id"], meta["occurred_at"], meta["producer"], null, null, meta["type"], meta["version"]]);
    let mut data_array = good.clone();
    // SyncCompletedV1's fields in order: duration_ms, edges_upserted,
    // error_message, finished_at, nodes_upserted, run, status, warnings
    // (an optional field present in an array holds a value, not `null`).
    data_array["data"] = serde_json::json!([3, 2, "none", data["finished_at"], 1, data["run"], "succeeded", []]);
    assert!(serde_json::from_value::<events_generated::SyncCompletedV1>(data_array["data"].clone()).is_ok(), "serde alone reads the payload as an array");
    for (what, message) in [("a nested header object", nested_array), ("the header's parent object", meta_array), ("the payload", data_array)] {
        let bytes = message.to_string();
        assert!(Envelope::from_slice(bytes.as_bytes()).is_err(), "{what} as an array is taken: {bytes}");
        assert!(event_contracts::decode::fast::from_slice_nested::<events_generated::types::EnvelopeHeader, events_generated::Event>(&events_generated::LAYOUT, bytes.as_bytes()).is_err(), "{what} as an array is taken by simd-json");
    }
}
