// `asset_ref` is required by new_image_available.v1: leaving it out does not compile.
use events_generated::types::AssetKind;
use events_generated::NewImageAvailableV1;

fn main() {
    let _ = NewImageAvailableV1 {
        asset_kind: AssetKind::Dem,
        bbox: None,
        captured_at: None,
        hint: None,
        source_uri: None,
    };
}
