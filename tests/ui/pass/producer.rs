//! A producer: builds a typed payload and its header with the generated
//! builders (required fields are compile errors when left out, optional
//! ones are left out), wraps them, publishes the bytes. Type, version and
//! topic all come from the payload's type; `build()` refuses a payload
//! that breaks a rule of its schema, with every violation at once.

use events_generated::types::{AssetKind, Classification, ClassificationTier, EnvelopeHeader, EventMeta, NewImageAvailableV2Checksum, NewImageAvailableV2ChecksumAlgorithm};
use events_generated::formats::{DateTime, Uuid};
use events_generated::{Envelope, EventPayload, NewImageAvailableV2};

fn publish(topic: &str, bytes: &[u8]) {
    assert!(!topic.is_empty() && !bytes.is_empty());
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let payload = NewImageAvailableV2::builder()
        .asset_kind(AssetKind::SatelliteImage)
        .asset_refs(vec!["stac:item:ks:landsat:2026-01-04".into()])
        .checksum(NewImageAvailableV2Checksum::builder().algorithm(NewImageAvailableV2ChecksumAlgorithm::Sha256).value("0".repeat(64)).build())
        .hint("NDVI pipeline can subscribe")
        .build()?;
    let meta = EventMeta::builder()
        .event_id(Uuid::new_v4())
        .occurred_at(DateTime::now())
        .producer("ingestion-service")
        .classification(Classification::builder().tier(ClassificationTier::Public).redaction_required(false).build())
        .build();
    let envelope = Envelope::new(EnvelopeHeader::builder().meta(meta).build(), payload);
    publish(NewImageAvailableV2::TOPIC, &envelope.to_vec()?);
    Ok(())
}
