//! `Uuid`: a hyphenated JSON Schema `uuid` that re-encodes in the case it
//! was written in.

use std::fmt;
use std::ops::Deref;

use serde::{Serialize, Serializer};

/// Which of the 32 hex digits of a hyphenated UUID are upper case, one bit
/// per digit.
fn upper_digits(bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .filter(|byte| **byte != b'-')
        .enumerate()
        .filter(|(_, byte)| byte.is_ascii_uppercase())
        .fold(0, |mask, (digit, _)| mask | 1 << digit)
}

/// A JSON Schema `uuid` (hyphenated, any case), kept with its original text
/// when that is not the canonical lower-case form.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Uuid {
    value: ::uuid::Uuid,
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
        let value = ::uuid::Uuid::try_parse(text).map_err(UuidError::Invalid)?;
        // Most UUIDs are written in lower case: a check that the compiler
        // vectorises finds that, and only mixed or upper case is walked.
        let any_upper = bytes.iter().fold(false, |any, byte| any | byte.is_ascii_uppercase());
        let upper_mask = if any_upper { upper_digits(bytes) } else { 0 };
        Ok(Uuid { value, upper_mask })
    }

    /// The parsed value.
    pub fn value(&self) -> ::uuid::Uuid {
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

impl Uuid {
    /// A new random (version 4) UUID, for a producer's event id.
    pub fn new_v4() -> Uuid {
        Uuid::from(::uuid::Uuid::new_v4())
    }
}

impl From<::uuid::Uuid> for Uuid {
    fn from(value: ::uuid::Uuid) -> Self {
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
    Invalid(::uuid::Error),
}

impl std::str::FromStr for Uuid {
    type Err = UuidError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::parse(s)
    }
}

impl Deref for Uuid {
    type Target = ::uuid::Uuid;
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The plain reading: hyphens checked here, digits by the `uuid` crate,
    /// the case of every digit recorded whether or not any is upper case.
    fn reference(text: &str) -> Result<Uuid, UuidError> {
        let bytes = text.as_bytes();
        if bytes.len() != 36 || [8, 13, 18, 23].iter().any(|&at| bytes[at] != b'-') {
            return Err(UuidError::NotHyphenated);
        }
        let value = ::uuid::Uuid::try_parse(text).map_err(UuidError::Invalid)?;
        let upper_mask = bytes
            .iter()
            .filter(|b| **b != b'-')
            .enumerate()
            .filter(|(_, b)| b.is_ascii_uppercase())
            .fold(0, |mask, (digit, _)| mask | 1 << digit);
        Ok(Uuid { value, upper_mask })
    }

    #[test]
    fn parse_agrees_with_the_plain_reading_on_every_single_change() {
        let base = "b6C57f3c-3CFE-4c05-9d4E-7e61b24f6F0e";
        let mut cases = vec![base.to_owned(), base.to_uppercase(), base.to_lowercase(), String::new(), format!("{{{base}}}")];
        for at in 0..base.len() {
            for replacement in ["0", "9", "a", "f", "A", "F", "g", "G", "z", "-", " ", "{", "é", ""] {
                cases.push(format!("{}{replacement}{}", &base[..at], &base[at + 1..]));
            }
            // A two-byte character in place of two digits keeps the length.
            if at + 2 <= base.len() {
                cases.push(format!("{}é{}", &base[..at], &base[at + 2..]));
            }
        }
        for text in &cases {
            let (ours, theirs) = (Uuid::parse(text), reference(text));
            assert_eq!(ours.is_ok(), theirs.is_ok(), "{text:?}: {ours:?} against {theirs:?}");
            match (ours, theirs) {
                (Ok(ours), Ok(theirs)) => {
                    assert_eq!((ours.value, ours.upper_mask), (theirs.value, theirs.upper_mask), "{text:?}");
                    assert_eq!(ours.to_string(), *text, "re-encodes as written");
                }
                (Err(ours), Err(theirs)) => assert_eq!(ours, theirs, "{text:?}"),
                _ => unreachable!("compared above"),
            }
        }
    }
}
