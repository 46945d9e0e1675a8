// `asset_kind` is a string enum, not a free string.
use events_generated::NewImageAvailableV1;

fn main() {
    let _ = NewImageAvailableV1 {
        asset_kind: "satellite_image",
        asset_ref: "stac:item:x".parse().unwrap(),
        bbox: None,
        captured_at: None,
        hint: None,
        source_uri: None,
    };
}
