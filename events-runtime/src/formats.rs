//! Lossless types for the string formats a schema can ask for.
//!
//! `uuid::Uuid` and `chrono::DateTime` normalise what they parse (`.000Z`
//! becomes `Z`, upper-case hex becomes lower-case), so a consumer that decodes
//! and re-publishes an event would change it. These wrappers parse strictly
//! (RFC 3339 `date-time`, hyphenated `uuid`), give the parsed value through
//! `Deref`, and re-encode the exact text they were decoded from.

use std::borrow::Cow;
use std::fmt;
use std::ops::Deref;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// A JSON Schema `date-time` (RFC 3339), kept with its original text.
#[derive(Clone)]
pub struct DateTime {
    value: chrono::DateTime<chrono::FixedOffset>,
    text: Box<str>,
}

impl DateTime {
    /// Parses RFC 3339 text, keeping it as written.
    pub fn parse(text: &str) -> Result<Self, chrono::ParseError> {
        let value = chrono::DateTime::parse_from_rfc3339(text)?;
        Ok(DateTime {
            value,
            text: text.into(),
        })
    }

    /// The text this value encodes to.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The instant, with the offset it was written with.
    pub fn value(&self) -> chrono::DateTime<chrono::FixedOffset> {
        self.value
    }
}

impl<Tz: chrono::TimeZone> From<chrono::DateTime<Tz>> for DateTime {
    fn from(value: chrono::DateTime<Tz>) -> Self {
        let value = value.fixed_offset();
        let text = value
            .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
            .into_boxed_str();
        DateTime { value, text }
    }
}

impl std::str::FromStr for DateTime {
    type Err = chrono::ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DateTime::parse(s)
    }
}

impl Deref for DateTime {
    type Target = chrono::DateTime<chrono::FixedOffset>;
    fn deref(&self) -> &Self::Target {
        &self.value
    }
}

/// Equal when they denote the same instant with the same offset; how the
/// text spells it (`Z` or `+00:00`, trailing zeros) does not matter.
impl PartialEq for DateTime {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value && self.value.offset() == other.value.offset()
    }
}
impl Eq for DateTime {}

impl fmt::Debug for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.text, f)
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for DateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for DateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(ParseVisitor::<DateTime>::new("an RFC 3339 date-time"))
    }
}

impl schemars::JsonSchema for DateTime {
    fn schema_name() -> Cow<'static, str> {
        "DateTime".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "format": "date-time" })
    }
    fn inline_schema() -> bool {
        true
    }
}

/// A JSON Schema `uuid` (hyphenated, any case), kept with its original text
/// when that is not the canonical lower-case form.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Uuid {
    value: uuid::Uuid,
    /// Which hex digits were written in upper case (one bit per digit), so
    /// the original spelling survives without an allocation.
    upper_mask: u32,
}

impl Uuid {
    /// Parses the hyphenated form `8-4-4-4-12` only, as JSON Schema's `uuid`
    /// format requires (the `uuid` crate also accepts braced, URN and simple
    /// forms, which the format does not).
    pub fn parse(text: &str) -> Result<Self, UuidError> {
        let bytes = text.as_bytes();
        let hyphens_ok = bytes.len() == 36
            && bytes[8] == b'-'
            && bytes[13] == b'-'
            && bytes[18] == b'-'
            && bytes[23] == b'-';
        if !hyphens_ok {
            return Err(UuidError::NotHyphenated);
        }
        let value = uuid::Uuid::try_parse(text).map_err(UuidError::Invalid)?;
        let mut upper_mask = 0u32;
        for (digit, byte) in bytes.iter().filter(|b| **b != b'-').enumerate() {
            if byte.is_ascii_uppercase() {
                upper_mask |= 1 << digit;
            }
        }
        Ok(Uuid { value, upper_mask })
    }

    /// The parsed value.
    pub fn value(&self) -> uuid::Uuid {
        self.value
    }

    fn write_text(&self, out: &mut [u8; 36]) {
        self.value.hyphenated().encode_lower(out);
        let mut digit = 0;
        for byte in out.iter_mut() {
            if *byte == b'-' {
                continue;
            }
            if self.upper_mask & (1 << digit) != 0 {
                byte.make_ascii_uppercase();
            }
            digit += 1;
        }
    }
}

impl From<uuid::Uuid> for Uuid {
    fn from(value: uuid::Uuid) -> Self {
        Uuid {
            value,
            upper_mask: 0,
        }
    }
}

/// Why a string is not a JSON Schema `uuid`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UuidError {
    /// Not of the form `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`.
    #[error("expected the hyphenated form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx")]
    NotHyphenated,
    /// Hyphens in place, but not hex digits.
    #[error(transparent)]
    Invalid(uuid::Error),
}

impl std::str::FromStr for Uuid {
    type Err = UuidError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::parse(s)
    }
}

impl Deref for Uuid {
    type Target = uuid::Uuid;
    fn deref(&self) -> &Self::Target {
        &self.value
    }
}

impl fmt::Debug for Uuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{self}\"")
    }
}

impl fmt::Display for Uuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = [0u8; 36];
        self.write_text(&mut out);
        f.write_str(std::str::from_utf8(&out).expect("hex digits and hyphens are ASCII"))
    }
}

impl Serialize for Uuid {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = [0u8; 36];
        self.write_text(&mut out);
        serializer.serialize_str(std::str::from_utf8(&out).expect("hex digits and hyphens are ASCII"))
    }
}

impl<'de> Deserialize<'de> for Uuid {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(ParseVisitor::<Uuid>::new("a hyphenated UUID"))
    }
}

impl schemars::JsonSchema for Uuid {
    fn schema_name() -> Cow<'static, str> {
        "Uuid".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "format": "uuid" })
    }
    fn inline_schema() -> bool {
        true
    }
}

/// Parses a JSON string with `FromStr`, reporting failures as serde errors.
struct ParseVisitor<T> {
    expecting: &'static str,
    marker: std::marker::PhantomData<T>,
}

impl<T> ParseVisitor<T> {
    fn new(expecting: &'static str) -> Self {
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
