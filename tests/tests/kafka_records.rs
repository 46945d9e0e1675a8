//! Envelopes as Kafka records, in all three forms (the envelope's JSON,
//! CloudEvents' binary mode, CloudEvents' structured mode): the topic is the
//! event's `x-topic`, the key its partition key, and each form decodes back
//! to the same envelope; an invalid envelope is refused on the way out and
//! on the way in.

use event_contracts::Record;
use serde_json::Value;

fn example() -> (Value, platform_events::Envelope) {
    let schema: Value = serde_json::from_str(include_str!("../../examples/platform-events/schemas/_shared/envelope.schema.json")).unwrap();
    let example = schema["examples"][0].clone();
    let envelope = platform_events::Envelope::from_slice(&serde_json::to_vec(&example).unwrap()).unwrap();
    (example, envelope)
}

fn header<'a>(record: &'a Record, name: &str) -> Option<&'a str> {
    record.headers.iter().find(|(n, _)| n == name).map(|(_, v)| std::str::from_utf8(v).unwrap())
}

fn decode(record: &Record) -> Result<platform_events::Envelope, event_contracts::DecodeError> {
    platform_events::Envelope::from_record(record.headers.iter().map(|(n, v)| (n.as_str(), v.as_slice())), &record.value)
}

#[test]
fn the_envelope_record_goes_to_the_event_topic_keyed_by_the_partition_key() {
    let (example, envelope) = example();
    let record = envelope.to_record().unwrap();
    assert_eq!(record.topic, "workflow.instance.started.v1");
    assert_eq!(record.key.as_deref(), Some("entity-123"));
    assert_eq!(envelope.partition_key().as_deref(), example["metadata"]["partition_key"].as_str());
    assert!(record.headers.is_empty());
    assert_eq!(serde_json::from_slice::<Value>(&record.value).unwrap(), example);
    assert_eq!(decode(&record).unwrap(), envelope);
}

#[test]
fn binary_mode_carries_attributes_in_ce_headers_and_the_payload_as_the_value() {
    let (example, envelope) = example();
    let record = envelope.to_record_binary().unwrap();
    assert_eq!(record.topic, "workflow.instance.started.v1");
    assert_eq!(record.key.as_deref(), Some("entity-123"));
    assert_eq!(header(&record, "ce_specversion"), Some("1.0"));
    assert_eq!(header(&record, "ce_id"), example["id"].as_str());
    assert_eq!(header(&record, "ce_type"), Some("workflow.instance.started.v1"));
    assert_eq!(header(&record, "ce_source"), Some("service-name"));
    assert_eq!(header(&record, "content-type"), Some("application/json"));
    assert!(header(&record, "ce_envelopeheader").is_some(), "the rest of the header travels as an extension");
    assert_eq!(serde_json::from_slice::<Value>(&record.value).unwrap(), example["payload"]);
    assert_eq!(decode(&record).unwrap(), envelope);
}

#[test]
fn structured_mode_carries_the_whole_cloudevent_as_json() {
    let (example, envelope) = example();
    let record = envelope.to_record_structured().unwrap();
    assert_eq!(record.key.as_deref(), Some("entity-123"));
    assert_eq!(header(&record, "content-type"), Some("application/cloudevents+json"));
    let value: Value = serde_json::from_slice(&record.value).unwrap();
    assert_eq!(value["specversion"], "1.0");
    assert_eq!(value["data"], example["payload"]);
    assert_eq!(decode(&record).unwrap(), envelope);
}

#[test]
fn an_invalid_envelope_is_refused_in_every_form_both_ways() {
    let (_, mut envelope) = example();
    let valid = envelope.to_record_binary().unwrap();
    envelope.header.source = String::new(); // minLength 1
    assert!(envelope.to_record().is_err());
    assert!(envelope.to_record_binary().is_err());
    assert!(envelope.to_record_structured().is_err());

    // A producer that bypasses the contract: the consumer refuses it.
    let mut record = valid.clone();
    for (name, value) in &mut record.headers {
        if name == "ce_envelopeheader" {
            let mut header: Value = serde_json::from_slice(value).unwrap();
            header["source"] = "".into();
            *value = serde_json::to_vec(&header).unwrap();
        }
    }
    let error = decode(&record).unwrap_err();
    assert_eq!(error.code(), "schema_violation", "{error}");
    assert!(error.to_string().contains("`/source` (minLength)"), "{error}");

    let mut record = valid;
    record.value = br#"{"instance_id": 7}"#.to_vec();
    assert!(decode(&record).is_err());
    record.headers.retain(|(name, _)| name != "ce_type");
    let error = decode(&record).unwrap_err();
    assert!(error.to_string().contains("binary mode"), "{error}");
}
