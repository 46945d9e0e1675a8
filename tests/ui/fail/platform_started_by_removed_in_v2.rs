// workflow.instance.started v2 replaced `started_by` with `initiator`.
use platform_events::types::InstanceStartedV2;

fn who(event: &InstanceStartedV2) -> String {
    event.started_by.to_string()
}

fn main() {}
