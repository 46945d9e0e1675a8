// v2 replaced `asset_ref` with `asset_refs`: code written for v1 breaks loudly.
use events_generated::NewImageAvailableV2;

fn first_ref(payload: &NewImageAvailableV2) -> String {
    payload.asset_ref.to_string()
}

fn main() {}
