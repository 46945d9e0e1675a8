// A v1 payload cannot travel as the v2 variant.
use platform_events::Event;
use platform_events::types::InstanceStartedV1;

fn upgrade(payload: InstanceStartedV1) -> Event {
    Event::WorkflowInstanceStartedV2(payload)
}

fn main() {}
