// `classification.audited` is not an event of the contract set.
use salestalk_events::Event;

fn is_audit(event: &Event) -> bool {
    matches!(event, Event::ClassificationAuditedV1(_))
}

fn main() {}
