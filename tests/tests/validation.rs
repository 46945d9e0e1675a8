//! Run-time validation of what the types cannot express: every violation
//! comes back with its JSON pointer and keyword; encoding refuses an invalid
//! event and decoding rejects one, unless asked not to check.

use event_contracts::prelude::*;
use events_generated::{DecodeError, Envelope, registry::EVENTS};
use serde_json::{Value, json};

fn notice_envelope(generalization: Value) -> Value {
    let schema: Value = serde_json::from_str(include_str!("../../schemas/_shared/event-envelope.schema.json")).unwrap();
    let mut envelope = schema["examples"][0].clone();
    envelope["meta"]["type"] = json!("kfm.ui.focus_mode_redaction_notice_shown");
    envelope["meta"]["classification"]["tier"] = json!("restricted");
    let info = EVENTS.iter().find(|e| e.event_type == "kfm.ui.focus_mode_redaction_notice_shown").unwrap();
    let mut data = serde_json::from_str::<Value>(info.schema).unwrap()["examples"][0].clone();
    data["generalization"] = generalization;
    envelope["data"] = data;
    envelope
}

#[test]
fn decode_rejects_what_the_types_let_through_with_pointer_and_keyword() {
    // `resolution` is 0..=15: the Rust type is an integer, the bound is checked here.
    let message = serde_json::to_vec(&notice_envelope(json!({"method": "h3_cell", "resolution": 99}))).unwrap();
    let error = Envelope::from_slice(&message).unwrap_err();
    let DecodeError::Invalid { event_type, version, violations } = &error else {
        panic!("expected a schema violation, got {error:?}");
    };
    assert_eq!((event_type.as_str(), *version), ("kfm.ui.focus_mode_redaction_notice_shown", 1));
    assert_eq!(violations.len(), 1, "{violations:?}");
    assert_eq!(violations[0].pointer, "/data/generalization/resolution");
    assert_eq!(violations[0].keyword, "maximum");
    assert_eq!(error.code(), "schema_violation");
    assert_eq!(error.pointer(), Some("/data/generalization/resolution"));

    // The explicit unchecked path still decodes it.
    assert!(Envelope::from_slice_unchecked(&message).is_ok());
}

#[test]
fn every_violation_is_reported_not_just_the_first() {
    let info = EVENTS.iter().find(|e| e.event_type == "kfm.catalog.stac_item_published").unwrap();
    let mut data = serde_json::from_str::<Value>(info.schema).unwrap()["examples"][0].clone();
    data["assets"] = json!([
        {"key": "a", "href": "not a uri"},
        {"key": "b", "href": "https://example.org/ok.tif"},
        {"key": "c", "href": "also not"}
    ]);
    let mut message = notice_envelope(json!({"method": "omit"}));
    message["meta"]["type"] = json!(info.event_type);
    message["meta"]["classification"]["tier"] = json!("public");
    message["data"] = data;
    let error = Envelope::from_slice(&serde_json::to_vec(&message).unwrap()).unwrap_err();
    let DecodeError::Invalid { violations, .. } = &error else { panic!("{error:?}") };
    let found: Vec<(&str, &str)> = violations.iter().map(|v| (v.pointer.as_str(), v.keyword.as_str())).collect();
    assert_eq!(found, vec![("/data/assets/0/href", "format"), ("/data/assets/2/href", "format")]);
}

#[test]
fn encoding_refuses_an_invalid_event() {
    let valid = serde_json::to_vec(&notice_envelope(json!({"method": "h3_cell", "resolution": 6}))).unwrap();
    let mut envelope = Envelope::from_slice(&valid).unwrap();
    assert!(envelope.to_vec().is_ok());

    if let events_generated::Event::UiFocusModeRedactionNoticeShownV1(p) = &mut envelope.event {
        p.generalization.as_mut().unwrap().resolution = Some(16);
    }
    let error = envelope.to_vec().unwrap_err();
    assert_eq!(error.violations[0].pointer, "/data/generalization/resolution");
    assert_eq!(error.violations[0].keyword, "maximum");
    assert!(error.to_string().contains("1 violation(s), first at `/data/generalization/resolution` (maximum)"), "{error}");
    // Whoever really wants to publish it must say so.
    assert!(!envelope.to_vec_unchecked().is_empty());
}

#[test]
fn payloads_validate_on_their_own() {
    for info in EVENTS {
        let schema: Value = serde_json::from_str(info.schema).unwrap();
        for example in schema["examples"].as_array().unwrap() {
            let mut message = notice_envelope(json!({"method": "omit"}));
            message["meta"]["type"] = json!(info.event_type);
            message["meta"]["version"] = json!(info.version);
            message["data"] = example.clone();
            let envelope = Envelope::from_slice(&serde_json::to_vec(&message).unwrap()).unwrap();
            envelope.event.validate().unwrap();
        }
    }
}

#[test]
fn building_a_payload_refuses_it_with_every_violation_at_once() {
    use events_generated::NewImageAvailableV2;
    use events_generated::types::{AssetKind, NewImageAvailableV2Checksum, NewImageAvailableV2ChecksumAlgorithm};
    let checksum = |value: &str| NewImageAvailableV2Checksum::builder().algorithm(NewImageAvailableV2ChecksumAlgorithm::Sha256).value(value).build();
    let refused = NewImageAvailableV2::builder()
        .asset_kind(AssetKind::SatelliteImage)
        .asset_refs(Vec::new())
        .checksum(checksum("not hex"))
        .hint("x".repeat(501))
        .build()
        .expect_err("three rules are broken");
    let mut found: Vec<(&str, &str)> = refused.violations.iter().map(|v| (v.pointer.as_str(), v.keyword.as_str())).collect();
    found.sort();
    assert_eq!(found, [("/asset_refs", "minItems"), ("/checksum/value", "pattern"), ("/hint", "maxLength")]);

    let built = NewImageAvailableV2::builder()
        .asset_kind(AssetKind::SatelliteImage)
        .asset_refs(vec!["stac:item:ks:landsat:2026-01-04".into()])
        .checksum(checksum(&"0".repeat(64)))
        .build()
        .expect("valid");
    assert_eq!((built.hint, built.bbox), (None, None), "optional fields left out are absent");
}

#[test]
fn numbers_are_f64_in_use_written_as_read_and_nan_is_refused() {
    use agent_platform_events::types::{MeteredV1, MeteredV1EventType, TenantId};
    let metered = |quantity: f64| {
        MeteredV1::builder()
            .event_id(event_contracts::formats::Uuid::new_v4())
            .event_type(MeteredV1EventType::ModelInference)
            .quantity(quantity)
            .resource_type("tokens")
            .service_name("inference-gateway")
            .tenant_id(TenantId(event_contracts::formats::Uuid::new_v4()))
            .timestamp(event_contracts::formats::DateTime::now())
            .build()
    };
    let built = metered(1200.0).expect("valid");
    assert_eq!(built.quantity.get() / 2.0, 600.0);
    let refused = metered(f64::NAN).expect_err("NaN is no JSON number");
    assert!(refused.violations.iter().any(|v| v.pointer == "/quantity" && v.keyword == "type"), "{refused:?}");

    // Decoded numbers keep their spelling: `20` is not re-encoded `20.0`.
    let info = agent_platform_events::registry::EVENTS.iter().find(|e| e.event_type == "usage.metered").unwrap();
    let mut example: Value = serde_json::from_str::<Value>(info.schema).unwrap()["examples"][0].clone();
    for spelling in ["20", "20.0", "20.5"] {
        example["quantity"] = serde_json::from_str(spelling).unwrap();
        let bytes = serde_json::to_vec(&example).unwrap();
        let event = event_contracts::decode::payload_from_slice::<agent_platform_events::Event>(info.event_type, info.version, &bytes).unwrap();
        let again: Value = serde_json::to_value(&event).unwrap();
        assert_eq!(again["quantity"].to_string(), spelling);
    }
}

#[test]
fn null_is_not_taken_for_an_absent_optional_field() {
    // `generalization` is optional and an object: `null` breaks the schema,
    // and must not decode as if the field were absent.
    let message = serde_json::to_vec(&notice_envelope(Value::Null)).unwrap();
    let error = Envelope::from_slice(&message).unwrap_err();
    assert!(error.to_string().contains("null"), "{error}");
    assert!(Envelope::from_slice_unchecked(&message).is_err(), "the types refuse it too");
    // Absent, it decodes and re-encodes without the field.
    let mut absent = notice_envelope(Value::Null);
    absent["data"].as_object_mut().unwrap().remove("generalization");
    let decoded = Envelope::from_slice(&serde_json::to_vec(&absent).unwrap()).unwrap();
    let encoded: Value = serde_json::from_slice(&decoded.to_vec().unwrap()).unwrap();
    assert_eq!(encoded, absent);
}

/// `notify.email.requested`'s recipient is a `oneOf` of two closed objects
/// told apart by their required members: the variant that decodes is the
/// branch that holds, so the generated checks cover the event (no JSON
/// value is built to validate it) and answer as the schema does.
#[test]
fn a_one_of_of_closed_objects_is_checked_on_the_variant_that_decoded() {
    use platform_events::{registry::EVENTS, types::EmailRequestedV1};
    let info = EVENTS.iter().find(|e| e.event_type == "notify.email.requested").unwrap();
    assert!(info.decoded_is_exact, "the event's checks are generated");
    // The schema's own validator (the jsonschema crate, its references loaded).
    let valid = |value: &Value| EmailRequestedV1::json_violations(value, "").is_empty();
    let payload = |recipient: Value| json!({"recipient": recipient, "template_id": "report-ready"});
    let decode = |value: &Value| -> Result<EmailRequestedV1, String> {
        let payload: EmailRequestedV1 = serde_json::from_value(value.clone()).map_err(|e| e.to_string())?;
        payload.validate().map_err(|e| e.to_string())?;
        Ok(payload)
    };
    // Valid under either branch: decoded, re-encoded unchanged.
    for recipient in [json!({"email": "jane@example.com", "name": "Jane"}), json!({"user_id": "d2368cac-343a-44cd-8eed-6af4b7b70b50"})] {
        let value = payload(recipient);
        assert!(valid(&value));
        let event = decode(&value).unwrap_or_else(|e| panic!("{value}: {e}"));
        assert_eq!(serde_json::to_value(&event).unwrap(), value);
    }
    // A rule inside a branch: no branch holds, reported as the validator
    // does (`oneOf` at the recipient), naming the rule that failed.
    let short_name = payload(json!({"email": "jane@example.com", "name": ""}));
    assert!(!valid(&short_name));
    let error = decode(&short_name).unwrap_err();
    assert!(error.contains("/recipient") && error.contains("oneOf") && error.contains("/recipient/name"), "{error}");
    // Both branches' members, neither's, or a null name: no branch holds.
    for recipient in [
        json!({"email": "jane@example.com", "user_id": "d2368cac-343a-44cd-8eed-6af4b7b70b50"}),
        json!({"name": "Jane"}),
        json!({"email": "jane@example.com", "name": null}),
    ] {
        let value = payload(recipient);
        assert!(!valid(&value), "{value}");
        assert!(decode(&value).is_err(), "{value} is refused");
    }
}
