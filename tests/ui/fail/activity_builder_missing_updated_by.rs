// v2 requires `updated_by`: building it without one does not compile.
use activity_builder_events::types::{JobStatus, JobStatusChangedV2};

fn main() {
    let _ = JobStatusChangedV2 {
        attempt_number: std::num::NonZeroU64::new(1).unwrap(),
        error: None,
        previous_status: None,
        progress_percent: None,
        status: JobStatus::Queued,
    };
}
