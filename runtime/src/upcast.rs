//! Support for generated upcasts (`From<vN> for vN+1`).

use serde::Serialize;
use serde::de::DeserializeOwned;

/// Carries a value of one version over to the next through its JSON. The
/// generator only emits this where the compatibility checker proved that
/// every value of the older version is a value of the newer one.
///
/// # Panics
///
/// Only if `value` breaks its own schema in a way its type allows (a value
/// built by hand and never validated) and the newer type rejects that.
pub fn through_json<T: Serialize, U: DeserializeOwned>(value: T) -> U {
    let json = serde_json::to_value(value).expect("generated types always serialize");
    match serde_json::from_value(json) {
        Ok(upcast) => upcast,
        Err(error) => panic!("an older version did not carry over ({error}): validate values before upcasting"),
    }
}
