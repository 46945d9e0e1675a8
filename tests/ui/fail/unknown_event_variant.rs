// There is no v3 of new_image_available: the variant does not exist.
use events_generated::Event;

fn version_of(event: &Event) -> u32 {
    match event {
        Event::IngestionNewImageAvailableV3(_) => 3,
        _ => 0,
    }
}

fn main() {}
