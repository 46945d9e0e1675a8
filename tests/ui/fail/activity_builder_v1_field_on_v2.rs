// v2 of JOB_STATUS_CHANGED renamed `attempt` to `attempt_number`.
use activity_builder_events::types::JobStatusChangedV2;

fn attempts(event: &JobStatusChangedV2) -> u64 {
    event.attempt.get()
}

fn main() {}
