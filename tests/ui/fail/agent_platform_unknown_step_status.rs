// Orchestrator steps are started, completed or failed: nothing else has a subject.
use agent_platform_events::types::StepV1Status;

fn main() {
    let _ = StepV1Status::Paused;
}
