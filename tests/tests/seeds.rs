//! The four other seed systems: each contract set's examples decode to the
//! right variant and round-trip, the seeds' own JSON examples decode as
//! written, and each set's routing (envelope field, type suffix, subject)
//! works both ways.

mod support;

use event_contracts::prelude::*;
use serde_json::{Value, json};

macro_rules! envelope_round_trip {
    ($name:ident, $krate:ident, $envelope_schema:literal) => {
        #[test]
        fn $name() {
            use $krate::{Envelope, LAYOUT, registry::EVENTS};
            support::every_example_round_trips(EVENTS, include_str!($envelope_schema), &LAYOUT, |bytes| {
                Envelope::from_slice(bytes).map(|envelope| support::Decoded {
                    event_type: envelope.event.event_type(),
                    version: envelope.event.version(),
                    reencoded: serde_json::from_slice(&envelope.to_vec().unwrap()).unwrap(),
                    payload: serde_json::to_value(&envelope.event).unwrap(),
                })
            });
        }
    };
}

envelope_round_trip!(activity_builder_examples_round_trip, activity_builder_events, "../../examples/activity-builder/schemas/_shared/envelope.schema.json");
envelope_round_trip!(salestalk_examples_round_trip, salestalk_events, "../../examples/salestalk/schemas/_shared/envelope.schema.json");
envelope_round_trip!(platform_examples_round_trip, platform_events, "../../examples/platform-events/schemas/_shared/envelope.schema.json");

fn first_example(schema: &str) -> Value {
    support::examples_of(schema).remove(0)
}

#[test]
fn activity_builder_routes_by_top_level_event_type_and_version() {
    use activity_builder_events::{DecodeError, Envelope, Event};
    let envelope = first_example(include_str!("../../examples/activity-builder/schemas/_shared/envelope.schema.json"));
    let decoded = Envelope::from_slice(&serde_json::to_vec(&envelope).unwrap()).unwrap();
    assert_eq!(decoded.event.wire_type(), envelope["eventType"]);
    assert_eq!(serde_json::to_value(&decoded).unwrap(), envelope);

    let mut status = json!({
        "eventType": "JOB_STATUS_CHANGED", "version": 1,
        "jobId": "b6c57f3c-3cfe-4c05-9d4e-7e61b24f6f0e", "userId": "user-1",
        "timestamp": "2026-01-04T18:22:19Z",
        "payload": first_example(include_str!("../../examples/activity-builder/schemas/status/job_status_changed.v1.schema.json"))
    });
    let event = Envelope::from_slice(&serde_json::to_vec(&status).unwrap()).unwrap().event;
    assert!(matches!(event, Event::StatusJobStatusChangedV1(_)), "{event:?}");

    status["version"] = json!(2);
    let error = Envelope::from_slice(&serde_json::to_vec(&status).unwrap()).unwrap_err();
    assert!(matches!(error, DecodeError::Payload { version: 2, .. }), "a v1 payload is not a v2 payload: {error:?}");
    status["version"] = json!(7);
    let error = Envelope::from_slice(&serde_json::to_vec(&status).unwrap()).unwrap_err();
    assert_eq!(error, DecodeError::UnknownVersion { event_type: "JOB_STATUS_CHANGED".into(), version: 7, known: vec![1, 2] });
}

#[test]
fn salestalk_reads_the_version_from_the_type_suffix() {
    use salestalk_events::{DecodeError, Envelope, Event};
    let envelope = first_example(include_str!("../../examples/salestalk/schemas/_shared/envelope.schema.json"));
    let decoded = Envelope::from_slice(&serde_json::to_vec(&envelope).unwrap()).unwrap();
    assert!(envelope["eventType"].as_str().unwrap().ends_with(&format!(".v{}", decoded.event.version())));
    assert_eq!(serde_json::to_value(&decoded).unwrap(), envelope);

    let mut v2 = envelope.clone();
    v2["eventType"] = json!("classification.performed.v2");
    v2["data"] = first_example(include_str!("../../examples/salestalk/schemas/classification/performed.v2.schema.json"));
    let event = Envelope::from_slice(&serde_json::to_vec(&v2).unwrap()).unwrap().event;
    assert!(matches!(event, Event::ClassificationPerformedV2(_)), "{event:?}");
    assert_eq!(event.wire_type(), "classification.performed.v2");

    for (wire_type, expected) in [
        ("classification.performed.v9", "unknown_event_version"),
        ("classification.audited.v1", "unknown_event_type"),
        ("classification.performed", "malformed_envelope"),
    ] {
        let mut message = envelope.clone();
        message["eventType"] = json!(wire_type);
        let error: DecodeError = Envelope::from_slice(&serde_json::to_vec(&message).unwrap()).unwrap_err();
        assert_eq!(error.code(), expected, "{wire_type}: {error:?}");
    }
}

#[test]
fn platform_events_route_by_suffix_and_carry_the_error_contract() {
    use platform_events::types::DeadLetterError;
    use platform_events::{Envelope, Event};
    let envelope = first_example(include_str!("../../examples/platform-events/schemas/_shared/envelope.schema.json"));
    let decoded = Envelope::from_slice(&serde_json::to_vec(&envelope).unwrap()).unwrap();
    assert!(matches!(decoded.event, Event::WorkflowInstanceStartedV1(_)), "{:?}", decoded.event);
    assert_eq!(serde_json::to_value(&decoded).unwrap(), envelope);

    // The seed's error contract, verbatim, is a generated type.
    let seed_error = json!({"error": {"code": "VALIDATION_FAILED", "message": "Missing field x", "details": {"field": "x"}}});
    let error: DeadLetterError = serde_json::from_value(seed_error.clone()).unwrap();
    assert_eq!(error.error.code.as_str(), "VALIDATION_FAILED");
    assert_eq!(serde_json::to_value(&error).unwrap(), seed_error);
    assert!(error.violations().is_empty());
    let lowercase: DeadLetterError = serde_json::from_value(json!({"error": {"code": "x", "message": "m", "details": {}}})).unwrap();
    let violations = lowercase.violations();
    assert_eq!((violations.len(), violations[0].pointer.as_str(), violations[0].keyword.as_str()), (1, "/error/code", "pattern"), "{violations:?}");
}

/// The subject an example is published on.
fn subject_for(schema: &str, example: &Value) -> String {
    let schema: Value = serde_json::from_str(schema).unwrap();
    event_contracts::subject::fill_subject(schema["x-subject"].as_str().unwrap(), example).unwrap()
}

#[test]
fn agent_platform_dispatches_by_subject_without_an_envelope() {
    use agent_platform_events::{Event, registry::EVENTS};
    let mut checked = 0;
    for info in EVENTS {
        for example in support::examples_of(info.schema) {
            let subject = subject_for(info.schema, &example);
            let bytes = serde_json::to_vec(&example).unwrap();
            let event = Event::from_subject_and_slice(&subject, &bytes)
                .unwrap_or_else(|e| panic!("{subject}: {e}"));
            assert_eq!((event.event_type(), event.version()), (info.event_type, info.version));
            assert_eq!(event.subject(), subject, "the event knows the subject it is published on");
            assert_eq!(serde_json::from_slice::<Value>(&event.to_vec().unwrap()).unwrap(), example);
            checked += 1;
        }
    }
    assert!(checked >= 2 * EVENTS.len());
}

#[test]
fn agent_platform_seed_examples_decode_as_written() {
    use agent_platform_events::types::MeteredV1EventType;
    use agent_platform_events::{DecodeError, Event};
    let usage = json!({
        "event_id": "550e8400-e29b-41d4-a716-446655440000",
        "timestamp": "2024-01-15T10:30:00Z",
        "service_name": "model-gateway",
        "user_id": "123e4567-e89b-12d3-a456-426614174000",
        "tenant_id": "789e0123-e89b-12d3-a456-426614174000",
        "event_type": "model_inference",
        "resource_type": "tokens",
        "quantity": 150,
        "unit": "tokens",
        "metadata": {"model_name": "gpt-4", "response_time_ms": 1250},
        "cost": {"amount": 0.0003, "currency": "USD", "rate": 0.000002}
    });
    let bytes = serde_json::to_vec(&usage).unwrap();
    match Event::from_subject_and_slice("usage.metered.model_inference", &bytes).unwrap() {
        Event::UsageMeteredV1(event) => assert_eq!(event.event_type, MeteredV1EventType::ModelInference),
        other => panic!("wrong variant: {other:?}"),
    }
    let error = Event::from_subject_and_slice("billing.invoice.sent", &bytes).unwrap_err();
    assert_eq!(error, DecodeError::UnknownSubject { subject: "billing.invoice.sent".into() });
    let error = Event::from_subject_and_slice("orchestrator.step.completed", &bytes).unwrap_err();
    assert!(matches!(error, DecodeError::Payload { ref event_type, .. } if event_type == "orchestrator.step"), "{error:?}");
}

/// Moves `key` of an object to the front (the payload first, say).
fn key_first(message: &Value, key: &str) -> String {
    let object = message.as_object().expect("an object");
    let rest: Vec<String> = object.iter().filter(|(k, _)| *k != key).map(|(k, v)| format!("{}:{v}", Value::from(k.as_str()))).collect();
    format!("{{{}:{},{}}}", Value::from(key), object[key], rest.join(","))
}

/// The flat layouts (type, version and payload beside the header's fields)
/// decode through a generated wire type (`FlatHeader`) that agrees with the
/// generic key-by-key decode on every message it takes; what it does not
/// take goes to the generic decode, which decides and explains.
macro_rules! flat_wire_agrees {
    ($name:ident, $krate:ident, $envelope_schema:literal, $type_key:literal, $payload_key:literal, $optional:expr) => {
        #[test]
        fn $name() {
            use event_contracts::decode::{from_slice, try_from_slice_flat};
            use $krate::{Envelope, Event, LAYOUT, types::EnvelopeHeader};
            let message = first_example(include_str!($envelope_schema));
            let wire_type = message[$type_key].as_str().expect("a type").to_owned();
            let escaped = message.to_string().replacen(&format!("\"{wire_type}\""), &format!("\"{}\"", wire_type.replacen('.', "\\u002e", 1).replacen('_', "\\u005f", 1)), 1);
            let mut taken = vec![message.to_string(), key_first(&message, $payload_key), escaped];
            let optional: Option<&str> = $optional;
            if let Some(optional) = optional {
                let mut without_optional = message.clone();
                without_optional.as_object_mut().unwrap().remove(optional);
                taken.push(without_optional.to_string());
            }
            for text in &taken {
                let wire = try_from_slice_flat::<EnvelopeHeader, Event>(&LAYOUT, text.as_bytes()).unwrap_or_else(|| panic!("the wire path takes {text}"));
                let generic = from_slice::<EnvelopeHeader, Event>(&LAYOUT, text.as_bytes()).expect("valid");
                assert_eq!(wire, generic, "{text}");
                let generated = Envelope::from_slice_unchecked(text.as_bytes()).expect("valid");
                assert_eq!((generated.header, generated.event), generic, "{text}");
            }

            let object = message.to_string();
            let mut refused = vec![
                // A repeated key: serde's derived visitor refuses it, and
                // so does the generic decode.
                object.replacen('{', &format!("{{\"{}\":\"x.v1\",", $type_key), 1),
                object.replacen('{', &format!("{{\"{}\":{{}},", $payload_key), 1),
                object.replacen('{', "{\"colour\":\"red\",", 1),
                object.replacen(&format!("\"{}\"", $type_key), "\"kind\"", 1),
                object.replacen(&format!("\"{}\"", $payload_key), "\"body\"", 1),
                object.replacen(&wire_type, "nothing.we.know.v1", 1),
                "[1, 2]".to_owned(),
                object[..object.len() - 1].to_owned(),
            ];
            if let Some(optional) = optional {
                refused.push(object.replacen('{', &format!("{{\"{optional}\":null,"), 1));
                // An optional string field is absent or a string: `null` is neither.
                let mut null_optional = message.clone();
                null_optional[optional] = Value::Null;
                refused.push(null_optional.to_string());
            }
            for text in &refused {
                assert!(try_from_slice_flat::<EnvelopeHeader, Event>(&LAYOUT, text.as_bytes()).is_none(), "the wire path refuses {text}");
                let generic = from_slice::<EnvelopeHeader, Event>(&LAYOUT, text.as_bytes());
                let generated = Envelope::from_slice_unchecked(text.as_bytes()).map(|e| (e.header, e.event));
                assert_eq!(generated, generic, "{text}");
            }
            // The fast backend takes the same wire path.
            for text in &taken {
                let fast = event_contracts::decode::fast::from_slice_flat::<EnvelopeHeader, Event>(&LAYOUT, text.as_bytes());
                assert_eq!(fast, from_slice(&LAYOUT, text.as_bytes()), "{text}");
            }
        }
    };
}

flat_wire_agrees!(
    salestalk_flat_wire_agrees_with_the_generic_decode,
    salestalk_events,
    "../../examples/salestalk/schemas/_shared/envelope.schema.json",
    "eventType",
    "data",
    Some("userId")
);
flat_wire_agrees!(
    platform_flat_wire_agrees_with_the_generic_decode,
    platform_events,
    "../../examples/platform-events/schemas/_shared/envelope.schema.json",
    "type",
    "payload",
    None
);
flat_wire_agrees!(
    activity_builder_flat_wire_agrees_with_the_generic_decode,
    activity_builder_events,
    "../../examples/activity-builder/schemas/_shared/envelope.schema.json",
    "eventType",
    "payload",
    None
);
