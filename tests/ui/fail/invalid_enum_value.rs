// `hyperspectral` is not one of the asset kinds the schema allows.
use events_generated::types::AssetKind;

fn main() {
    let _ = AssetKind::Hyperspectral;
}
