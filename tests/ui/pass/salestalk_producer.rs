//! SalesTalk: a tenant provisioned, with the envelope's metadata.

use salestalk_events::types::{EnvelopeHeader, EnvelopeHeaderMetadata, ProvisionedV1, ProvisionedV1Plan, ProvisionedV1PlanTier};
use salestalk_events::{Envelope, EventPayload};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let provisioned = ProvisionedV1::builder()
        .admin_email("admin@example.com")
        .plan(ProvisionedV1Plan::builder().tier(ProvisionedV1PlanTier::Growth).seats(std::num::NonZeroU64::new(25).ok_or("no seats")?).build())
        .region("eu-west-1")
        .tenant_name("Acme")
        .build()?;
    let header = EnvelopeHeader::builder()
        .event_id(uuid::Uuid::new_v4())
        .event_version("1.0")
        .timestamp(chrono::Utc::now())
        .source("tenant-service")
        .tenant_id("tenant-42")
        .metadata(EnvelopeHeaderMetadata::builder().correlation_id(uuid::Uuid::new_v4()).build())
        .build();
    let bytes = Envelope::new(header, provisioned).to_vec()?;
    assert!(!bytes.is_empty() && !ProvisionedV1::TOPIC.is_empty());
    Ok(())
}
