//! Platform events: a workflow instance started, its partition key in the header.

use platform_events::types::{EnvelopeHeader, EnvelopeHeaderMetadata, InstanceStartedV2, InstanceStartedV2Initiator, InstanceStartedV2InitiatorKind};
use platform_events::{Envelope, EventPayload};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let started = InstanceStartedV2::builder()
        .instance_id(uuid::Uuid::new_v4())
        .workflow_id("wf-onboarding")
        .workflow_version(std::num::NonZeroU64::MIN)
        .initiator(InstanceStartedV2Initiator::builder().id("user-7").kind(InstanceStartedV2InitiatorKind::User).build())
        .build()?;
    let header = EnvelopeHeader::builder()
        .id(uuid::Uuid::new_v4())
        .correlation_id(uuid::Uuid::new_v4())
        .occurred_at(chrono::Utc::now())
        .source("workflow-engine")
        .trace_id("4bf92f3577b34da6a3ce929d0e0e4736")
        .metadata(EnvelopeHeaderMetadata::builder().partition_key("wf-onboarding").build())
        .build();
    let bytes = Envelope::new(header, started).to_vec()?;
    assert!(!bytes.is_empty() && !InstanceStartedV2::TOPIC.is_empty());
    Ok(())
}
