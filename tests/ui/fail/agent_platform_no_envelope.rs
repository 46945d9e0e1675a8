// The agent platform routes by subject: there is no envelope type to wrap events in.
use agent_platform_events::Envelope;

fn main() {}
