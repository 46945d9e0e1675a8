// The envelope's metadata requires a correlation id.
use salestalk_events::types::EnvelopeHeaderMetadata;

fn main() {
    let _ = EnvelopeHeaderMetadata { causation_id: None, trace_id: None };
}
