//! Serde glue for optional fields that may not be `null`.
//!
//! `Option<T>` reads `null` as `None`, the same as an absent field: a
//! payload with `"hint": null`, where the schema says `hint` is a string,
//! would decode, pass the generated checks and re-encode without the
//! field. With [`present`], a field that is there must be a `T`; only a
//! `T` that itself takes `null` takes it. Optional fields that may be
//! `null` use [`crate::double_option`] instead. Use with
//! `#[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "...")]`.

use serde::{Deserialize, Deserializer};

/// Only called when the field is present: its value must be a `T`.
pub fn present<'de, T, D>(deserializer: D) -> Result<Option<T>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    T::deserialize(deserializer).map(Some)
}
