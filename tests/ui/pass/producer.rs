//! A producer: builds a typed payload, wraps it, publishes the bytes.
//! Type, version and topic all come from the payload's type.

use events_generated::types::{AssetKind, Classification, ClassificationTier, EnvelopeHeader, EventMeta, NewImageAvailableV2Checksum, NewImageAvailableV2ChecksumAlgorithm};
use events_generated::{Envelope, EventPayload, NewImageAvailableV2};

fn publish(topic: &str, bytes: &[u8]) {
    assert!(!topic.is_empty() && !bytes.is_empty());
}

fn main() {
    let payload = NewImageAvailableV2 {
        asset_kind: AssetKind::SatelliteImage,
        asset_refs: vec!["stac:item:ks:landsat:2026-01-04".parse().unwrap()],
        checksum: NewImageAvailableV2Checksum {
            algorithm: NewImageAvailableV2ChecksumAlgorithm::Sha256,
            value: "0".repeat(64).parse().unwrap(),
        },
        bbox: None,
        captured_at: None,
        hint: Some("NDVI pipeline can subscribe".parse().unwrap()),
        source_uri: None,
    };
    let header = EnvelopeHeader {
        meta: EventMeta {
            event_id: uuid::Uuid::nil().into(),
            occurred_at: chrono::Utc::now().into(),
            producer: "ingestion-service".parse().unwrap(),
            correlation_id: None,
            trace_id: None,
            classification: Classification { tier: ClassificationTier::Public, redaction_required: false },
            provenance: None,
        },
    };
    let envelope = Envelope::new(header, payload);
    match envelope.to_vec() {
        Ok(bytes) => publish(NewImageAvailableV2::TOPIC, &bytes),
        Err(invalid) => eprintln!("not published: {invalid}"),
    }
}
