// classification.performed v2 replaced `confidence` with `scores`.
use salestalk_events::types::PerformedV2;

fn confidence(event: &PerformedV2) -> f64 {
    event.confidence.as_f64().unwrap()
}

fn main() {}
