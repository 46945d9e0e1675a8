//! Envelopes to CloudEvents 1.0 and back: type, source, id, time and data
//! mapped, nothing lost.

use cloudevents::AttributesReader;
use cloudevents::event::Data;
use serde_json::Value;

#[test]
fn a_kfm_envelope_round_trips_through_a_cloudevent() {
    let schema: Value = serde_json::from_str(include_str!("../../schemas/_shared/event-envelope.schema.json")).unwrap();
    let seed = serde_json::to_vec(&schema["examples"][0]).unwrap();
    let envelope = events_generated::Envelope::from_slice(&seed).unwrap();

    let cloudevent = envelope.to_cloudevent();
    assert_eq!(cloudevent.id(), "b6c57f3c-3cfe-4c05-9d4e-7e61b24f6f0e");
    assert_eq!(cloudevent.source().to_string(), "ingestion-service");
    assert_eq!(cloudevent.ty(), "kfm.ingestion.new_image_available.v1");
    assert_eq!(cloudevent.time().unwrap().to_rfc3339(), "2026-01-04T18:22:19+00:00");
    assert_eq!(cloudevent.data(), Some(&Data::Json(schema["examples"][0]["data"].clone())));

    let back = events_generated::Envelope::from_cloudevent(&cloudevent).unwrap();
    assert_eq!(back, envelope);
    assert_eq!(back.to_vec().unwrap(), envelope.to_vec().unwrap());
}

#[test]
fn a_platform_envelope_round_trips_and_bad_cloudevents_are_typed_errors() {
    let schema: Value = serde_json::from_str(include_str!("../../examples/platform-events/schemas/_shared/envelope.schema.json")).unwrap();
    let example = serde_json::to_vec(&schema["examples"][0]).unwrap();
    let envelope = platform_events::Envelope::from_slice(&example).unwrap();
    let cloudevent = envelope.to_cloudevent();
    assert_eq!(cloudevent.ty(), schema["examples"][0]["type"].as_str().unwrap(), "the wire type already carries the version");
    assert_eq!(platform_events::Envelope::from_cloudevent(&cloudevent).unwrap(), envelope);

    let mut unknown = cloudevent.clone();
    cloudevents::event::AttributesWriter::set_type(&mut unknown, "workflow.instance.vanished.v1");
    let error = platform_events::Envelope::from_cloudevent(&unknown).unwrap_err();
    assert_eq!(error.code(), "unknown_event_type");
}
