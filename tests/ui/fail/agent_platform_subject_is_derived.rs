// The subject comes from the event; it cannot be passed in.
use agent_platform_events::Event;
use agent_platform_events::prelude::*;

fn publish(event: &Event) -> String {
    event.subject("usage.metered.api_call")
}

fn main() {}
