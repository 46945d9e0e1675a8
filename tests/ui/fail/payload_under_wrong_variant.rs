// A run_started payload cannot be labelled as new_image_available.
use events_generated::{Envelope, Event, RunStartedV1};
use events_generated::types::EnvelopeHeader;

fn relabel(header: EnvelopeHeader, payload: RunStartedV1) -> Envelope {
    Envelope { header, event: Event::IngestionNewImageAvailableV1(payload) }
}

fn main() {}
