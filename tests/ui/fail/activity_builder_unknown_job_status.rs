// Job status is queued/processing/completed/failed: `Cancelled` is not a status.
use activity_builder_events::types::JobStatus;

fn main() {
    let _ = JobStatus::Cancelled;
}
