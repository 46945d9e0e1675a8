//! Lossless types for the string formats a schema can ask for.
//!
//! `uuid::Uuid` and `chrono::DateTime` normalise what they parse (`.000Z`
//! becomes `Z`, upper-case hex becomes lower-case), so a consumer that decodes
//! and re-publishes an event would change it. These wrappers parse strictly
//! (RFC 3339 `date-time`, hyphenated `uuid`), give the parsed value through
//! `Deref`, and re-encode the exact text they were decoded from.

use std::fmt;

use serde::de::{self, Visitor};

mod date_time;
mod uuid;

pub use self::date_time::DateTime;
pub use self::uuid::{Uuid, UuidError};

/// A format type's reading from a JSON string (through its `FromStr`) and
/// its JSON Schema: a string of that format, inlined where it is used.
macro_rules! string_format {
    ($type:ident, format = $format:literal, expecting = $expecting:literal) => {
        impl<'de> serde::Deserialize<'de> for $type {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_str(ParseVisitor::<$type>::new($expecting))
            }
        }

        impl schemars::JsonSchema for $type {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($type).into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({ "type": "string", "format": $format })
            }
            fn inline_schema() -> bool {
                true
            }
        }
    };
}

string_format!(DateTime, format = "date-time", expecting = "an RFC 3339 date-time");
string_format!(Uuid, format = "uuid", expecting = "a hyphenated UUID");

/// Parses a JSON string with `FromStr`, reporting failures as serde errors.
pub(crate) struct ParseVisitor<T> {
    expecting: &'static str,
    marker: std::marker::PhantomData<T>,
}

impl<T> ParseVisitor<T> {
    pub(crate) fn new(expecting: &'static str) -> Self {
        ParseVisitor {
            expecting,
            marker: std::marker::PhantomData,
        }
    }
}

impl<T> Visitor<'_> for ParseVisitor<T>
where
    T: std::str::FromStr,
    T::Err: fmt::Display,
{
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expecting)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        v.parse()
            .map_err(|e| E::custom(format_args!("{v:?} is not {}: {e}", self.expecting)))
    }
}
