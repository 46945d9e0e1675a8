//! Integer fields that read JSON numbers the way JSON Schema does: `1.0`
//! is an integer (a number with a zero fractional part), which serde's
//! integer types refuse on their own.

use serde::de::{Deserialize, Deserializer, Error};
use serde_json::Number;

/// Reads an integer, accepting a float with no fractional part.
pub fn deserialize<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    let number = Number::deserialize(deserializer)?;
    T::deserialize(integral(number)).map_err(D::Error::custom)
}

/// Serializes as the integer type does (this module is used with `with`).
pub fn serialize<S, T>(value: &T, serializer: S) -> Result<S::Ok, S::Error>
where
    S: serde::Serializer,
    T: serde::Serialize,
{
    value.serialize(serializer)
}

/// `1.0` -> `1`; anything else as it is.
fn integral(number: Number) -> Number {
    match number.as_f64().filter(|_| number.is_f64()).and_then(exact_integer) {
        Some(integer) => Number::from(integer),
        None => number,
    }
}

/// The value of ASCII decimal digits (no sign, no fraction); `None` when a
/// byte is not a digit or the value overflows a `u64`. The one reader of
/// digits in text: versions in type names and ahead of the parser, and the
/// parts of date-times.
pub(crate) fn decimal(digits: &[u8]) -> Option<u64> {
    digits.iter().try_fold(0u64, |value, &byte| {
        let digit = byte.wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        value.checked_mul(10)?.checked_add(u64::from(digit))
    })
}

/// The integer a float denotes when its fraction is zero, below 2^53 in
/// magnitude (where every integer has an exact float): what JSON Schema
/// counts as an integer written as a float.
pub(crate) fn exact_integer(f: f64) -> Option<i64> {
    (f.fract() == 0.0 && f.abs() < 9.007_199_254_740_992e15).then_some(f as i64)
}

/// The same for optional integers.
pub mod option {
    use super::*;

    /// Reads an optional integer (`null` is `None`), accepting `1.0`.
    pub fn deserialize<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
    where
        D: Deserializer<'de>,
        T: Deserialize<'de>,
    {
        match Option::<Number>::deserialize(deserializer)? {
            Some(number) => T::deserialize(integral(number)).map(Some).map_err(D::Error::custom),
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Count {
        #[serde(deserialize_with = "super::deserialize")]
        n: u32,
        #[serde(default, deserialize_with = "super::option::deserialize")]
        m: Option<i64>,
    }

    #[test]
    fn zero_fraction_floats_are_integers() {
        let c: Count = serde_json::from_str(r#"{"n": 1.0, "m": -2.0}"#).unwrap();
        assert_eq!(c, Count { n: 1, m: Some(-2) });
        assert!(serde_json::from_str::<Count>(r#"{"n": 1.5}"#).is_err());
        assert!(serde_json::from_str::<Count>(r#"{"n": -1}"#).is_err());
        assert!(serde_json::from_str::<Count>(r#"{"n": "1"}"#).is_err());
        let c: Count = serde_json::from_str(r#"{"n": 7}"#).unwrap();
        assert_eq!(c.m, None);
    }
}
