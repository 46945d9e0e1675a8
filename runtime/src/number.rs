//! JSON Schema's `number` as a Rust number.
//!
//! A plain `f64` would re-encode `20` as `20.0` and integers beyond 2^53
//! rounded; `serde_json::Number` keeps the value as written but has no
//! arithmetic. [`Number`] is both: made from and read as an `f64`, kept as
//! it came.

use std::cmp::Ordering;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A JSON Schema `number`: used as an `f64` ([`Number::get`], `From<f64>`,
/// comparisons with `f64`), and written back as it was read, so a decoded
/// event re-encodes to the same JSON (`20` stays `20`, `20.0` stays `20.0`,
/// `12345678901234567890` keeps every digit).
///
/// JSON has no NaN or infinity: a `Number` made from one is written as
/// `null` (as `serde_json` writes such an `f64`), and validation refuses it
/// (`type`), so `to_vec()` never publishes it.
#[derive(Clone, Debug, PartialEq)]
pub struct Number(Repr);

#[derive(Clone, Debug, PartialEq)]
enum Repr {
    Json(serde_json::Number),
    NonFinite(f64),
}

impl Number {
    /// The value as an `f64` (the nearest one, for integers beyond 2^53).
    pub fn get(&self) -> f64 {
        match &self.0 {
            Repr::Json(number) => number.as_f64().unwrap_or(f64::NAN),
            Repr::NonFinite(value) => *value,
        }
    }

    /// Whether the value is a JSON number (not NaN or infinite).
    pub fn is_finite(&self) -> bool {
        matches!(self.0, Repr::Json(_))
    }

    /// The JSON number as written, where the value is one.
    pub fn as_json(&self) -> Option<&serde_json::Number> {
        match &self.0 {
            Repr::Json(number) => Some(number),
            Repr::NonFinite(_) => None,
        }
    }
}

impl From<f64> for Number {
    fn from(value: f64) -> Self {
        Number(serde_json::Number::from_f64(value).map_or(Repr::NonFinite(value), Repr::Json))
    }
}

impl From<f32> for Number {
    fn from(value: f32) -> Self {
        Number::from(f64::from(value))
    }
}

macro_rules! from_integer {
    ($($t:ty),*) => {$(
        impl From<$t> for Number {
            fn from(value: $t) -> Self {
                Number(Repr::Json(serde_json::Number::from(value)))
            }
        }
    )*};
}
from_integer!(i8, i16, i32, i64, u8, u16, u32, u64);

impl From<serde_json::Number> for Number {
    fn from(value: serde_json::Number) -> Self {
        Number(Repr::Json(value))
    }
}

impl PartialEq<f64> for Number {
    fn eq(&self, other: &f64) -> bool {
        self.get() == *other
    }
}

impl PartialOrd<f64> for Number {
    fn partial_cmp(&self, other: &f64) -> Option<Ordering> {
        self.get().partial_cmp(other)
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Json(number) => number.fmt(f),
            Repr::NonFinite(value) => value.fmt(f),
        }
    }
}

/// Reads a JSON number (`"20"`, `"2.5e3"`), as typify's newtypes of
/// numbers parse their values.
impl std::str::FromStr for Number {
    type Err = serde_json::Error;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        text.parse::<serde_json::Number>().map(Number::from)
    }
}

impl Serialize for Number {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            Repr::Json(number) => number.serialize(serializer),
            Repr::NonFinite(_) => serializer.serialize_unit(),
        }
    }
}

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        serde_json::Number::deserialize(deserializer).map(Number::from)
    }
}

impl schemars::JsonSchema for Number {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Number".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "number" })
    }
    fn inline_schema() -> bool {
        true
    }
}

impl crate::validation::AsJsonNumber for Number {
    /// The number as written; 0 for a non-finite value, which generated
    /// checks refuse (`type`) before any bound is compared.
    fn as_json_number(&self) -> serde_json::Number {
        self.as_json().cloned().unwrap_or_else(|| serde_json::Number::from(0))
    }
}

#[cfg(test)]
mod tests {
    use super::Number;

    #[test]
    fn a_number_is_written_back_as_it_was_read_and_used_as_an_f64() {
        for text in ["20", "20.0", "-0.5", "12345678901234567890", "1e-7"] {
            let number: Number = serde_json::from_str(text).unwrap();
            let again = serde_json::to_string(&number).unwrap();
            assert_eq!(serde_json::from_str::<serde_json::Value>(&again).unwrap(), serde_json::from_str::<serde_json::Value>(text).unwrap(), "{text}");
        }
        let twenty: Number = serde_json::from_str("20").unwrap();
        assert_eq!(serde_json::to_string(&twenty).unwrap(), "20");
        assert!(twenty == 20.0 && twenty > 19.5 && twenty.get() * 2.0 == 40.0);
        assert_eq!(serde_json::to_string(&Number::from(2.5)).unwrap(), "2.5");
        assert_eq!(serde_json::to_string(&Number::from(7_u32)).unwrap(), "7");
        assert_eq!("2.5".parse::<Number>().unwrap(), 2.5);
        assert!("two".parse::<Number>().is_err());
    }

    #[test]
    fn nan_is_no_json_number() {
        let nan = Number::from(f64::NAN);
        assert!(!nan.is_finite() && nan.as_json().is_none() && nan.get().is_nan());
        assert_eq!(serde_json::to_string(&nan).unwrap(), "null");
        assert!(Number::from(f64::INFINITY).get().is_infinite());
    }
}
