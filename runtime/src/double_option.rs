//! Serde glue for optional fields that may also be `null`.
//!
//! JSON tells "absent" from "null"; `Option<T>` does not. A field that is both
//! optional and nullable is generated as `Option<Option<T>>`: `None` is
//! absent, `Some(None)` is an explicit `null`, so a decoded payload re-encodes
//! to the JSON it came from. Use with
//! `#[serde(default, skip_serializing_if = "Option::is_none", with = "...")]`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Serializes `Some(None)` as `null` and `Some(Some(v))` as `v`.
/// (`None` is skipped by `skip_serializing_if` before this is called.)
pub fn serialize<T, S>(value: &Option<Option<T>>, serializer: S) -> Result<S::Ok, S::Error>
where
    T: Serialize,
    S: Serializer,
{
    match value {
        Some(inner) => inner.serialize(serializer),
        None => serializer.serialize_none(),
    }
}

/// Only called when the field is present: `null` becomes `Some(None)`.
pub fn deserialize<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}
