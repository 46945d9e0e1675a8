// Through the builder too, a required field left out does not compile:
// `build()` exists only once `checksum` is set.
use events_generated::types::AssetKind;
use events_generated::NewImageAvailableV2;

fn main() {
    let _ = NewImageAvailableV2::builder()
        .asset_kind(AssetKind::SatelliteImage)
        .asset_refs(vec!["stac:item:ks:landsat:2026-01-04".into()])
        .build();
}
