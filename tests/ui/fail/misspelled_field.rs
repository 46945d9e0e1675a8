// A typo in a field name is a compile error, not a silently dropped field.
use events_generated::types::AssetKind;
use events_generated::NewImageAvailableV1;

fn main() {
    let _ = NewImageAvailableV1 {
        asset_kind: AssetKind::Dem,
        asset_rfe: "stac:item:x".parse().unwrap(),
        bbox: None,
        captured_at: None,
        hint: None,
        source_uri: None,
    };
}
