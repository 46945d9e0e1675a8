//! Activity Builder: a job status change built, wrapped and encoded.

use activity_builder_events::types::{EnvelopeHeader, JobStatus, JobStatusChangedV2};
use activity_builder_events::{Envelope, EventPayload};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let changed = JobStatusChangedV2::builder()
        .attempt_number(std::num::NonZeroU64::MIN)
        .status(JobStatus::Processing)
        .previous_status(JobStatus::Queued)
        .progress_percent(40)
        .updated_by("scheduler")
        .build()?;
    let header = EnvelopeHeader::builder().job_id(uuid::Uuid::new_v4()).timestamp(chrono::Utc::now()).user_id("user-7").build();
    let bytes = Envelope::new(header, changed).to_vec()?;
    assert!(!bytes.is_empty() && !JobStatusChangedV2::TOPIC.is_empty());
    Ok(())
}
