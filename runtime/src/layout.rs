//! Where an envelope keeps the event type, version and payload, and how
//! the version is written: the layout the decoder and the encoder follow.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

/// Where an envelope keeps the event type, version and payload.
///
/// Paths are object keys from the root. The type and version are at depth 1
/// or 2 (and, at depth 2, under the same parent); the payload is at depth 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnvelopeLayout {
    /// Path to the event type string, e.g. `["meta", "type"]`.
    pub type_path: &'static [&'static str],
    /// Path to the integer version, e.g. `["meta", "version"]`; empty when
    /// the version is a suffix of the type.
    pub version_path: &'static [&'static str],
    /// How the version is written.
    pub version_format: VersionFormat,
    /// Key of the payload, e.g. `"data"`.
    pub payload_key: &'static str,
    /// JSON pointer of the payload, e.g. `"/data"`: where its violations
    /// are reported.
    pub payload_pointer: &'static str,
}

/// How an envelope writes the version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionFormat {
    /// An integer field: `"version": 2`.
    Integer,
    /// A suffix of the type: `"type": "workflow.instance.started.v2"`.
    TypeSuffix,
}

/// Splits `workflow.instance.started.v2` into `("workflow.instance.started", 2)`.
pub fn split_type_suffix(wire_type: &str) -> Option<(&str, u64)> {
    // Bytes from the end: the digits, then `.v` (`rsplit_once(".v")` sets
    // up a substring searcher on every call, a third of a small envelope's
    // dispatch).
    let bytes = wire_type.as_bytes();
    let digits = bytes.iter().rev().take_while(|b| b.is_ascii_digit()).count();
    let version_start = bytes.len() - digits;
    let base_end = version_start.checked_sub(2)?;
    if digits == 0 || &bytes[base_end..version_start] != b".v" || bytes[version_start] == b'0' {
        return None;
    }
    Some((&wire_type[..base_end], crate::integer::decimal(&bytes[version_start..])?))
}

/// Reads an envelope's integer version as JSON Schema reads an integer:
/// `2`, or `2.0` (a number whose fraction is zero); both are valid against
/// `"type": "integer"`. Generated wire types name it in `deserialize_with`.
pub fn deserialize_version<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    // Any, not u64: simd-json's u64 refuses a float before a visitor sees it.
    deserializer.deserialize_any(VersionVisitor)
}

/// The value read at an envelope's version, through [`deserialize_version`].
pub(crate) struct WireVersion(pub(crate) u64);

impl<'de> Deserialize<'de> for WireVersion {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_version(deserializer).map(WireVersion)
    }
}

struct VersionVisitor;

impl Visitor<'_> for VersionVisitor {
    type Value = u64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a non-negative integer")
    }

    fn visit_u64<E: de::Error>(self, version: u64) -> Result<u64, E> {
        Ok(version)
    }

    fn visit_i64<E: de::Error>(self, version: i64) -> Result<u64, E> {
        u64::try_from(version).map_err(|_| E::invalid_value(de::Unexpected::Signed(version), &self))
    }

    fn visit_f64<E: de::Error>(self, version: f64) -> Result<u64, E> {
        integral_version(version).ok_or_else(|| E::invalid_value(de::Unexpected::Float(version), &self))
    }
}

/// The version a float denotes, where it is an integer as payloads' integer
/// fields read one ([`crate::integer`]) and not negative.
pub(crate) fn integral_version(version: f64) -> Option<u64> {
    crate::integer::exact_integer(version).and_then(|version| u64::try_from(version).ok())
}

impl EnvelopeLayout {
    /// The key of the nested object that holds type and version, if any.
    pub(crate) fn nested_parent(&self) -> Option<&'static str> {
        match self.type_path {
            [parent, _] => Some(parent),
            _ => None,
        }
    }

    /// The keys to look for at each level, worked out once per object read
    /// key by key (not on the wire-type paths, which never look them up);
    /// `wire_parent` when the nested parent is decoded whole by a generated
    /// wire type ([`NestedHeader`]) rather than key by key.
    pub(crate) fn keys(&self, wire_parent: bool) -> Keys {
        let split = |path: &'static [&'static str]| match path {
            [only] => (Some(*only), None),
            [_, leaf] => (None, Some(*leaf)),
            _ => (None, None),
        };
        let (root_type, nested_type) = split(self.type_path);
        let (root_version, nested_version) = split(self.version_path);
        Keys { root_type, root_version, nested_type, nested_version, payload: self.payload_key, parent: self.nested_parent(), wire_parent }
    }

    pub(crate) fn pointer(path: &[&str]) -> String {
        path.iter().map(|segment| format!("/{segment}")).collect()
    }
}

/// The keys of an [`EnvelopeLayout`] by level: every key of a message is
/// looked up here, so this is a few comparisons, not a walk of the paths.
#[derive(Clone, Copy)]
pub(crate) struct Keys {
    root_type: Option<&'static str>,
    root_version: Option<&'static str>,
    nested_type: Option<&'static str>,
    nested_version: Option<&'static str>,
    payload: &'static str,
    parent: Option<&'static str>,
    wire_parent: bool,
}

impl Keys {
    pub(crate) fn role(&self, level: Level, key: &str) -> Role {
        let is = |wanted: Option<&'static str>| wanted.is_some_and(|wanted| wanted == key);
        match level {
            Level::Root if key == self.payload => Role::Payload,
            Level::Root if is(self.root_type) => Role::Type,
            Level::Root if is(self.root_version) => Role::Version,
            Level::Root if is(self.parent) => if self.wire_parent { Role::WireParent } else { Role::NestedParent },
            Level::Nested if is(self.nested_type) => Role::Type,
            Level::Nested if is(self.nested_version) => Role::Version,
            _ => Role::Other,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Level {
    Root,
    Nested,
}

#[derive(Clone, Copy)]
pub(crate) enum Role {
    Type,
    Version,
    Payload,
    NestedParent,
    /// The nested parent, decoded whole by its generated wire type.
    WireParent,
    Other,
}

#[cfg(test)]
mod tests {
    use super::split_type_suffix;

    #[test]
    fn type_suffixes_split_only_on_a_real_version() {
        assert_eq!(split_type_suffix("workflow.instance.started.v2"), Some(("workflow.instance.started", 2)));
        assert_eq!(split_type_suffix("a.v10"), Some(("a", 10)));
        assert_eq!(split_type_suffix("a.v0"), None);
        assert_eq!(split_type_suffix("a.vx"), None);
        assert_eq!(split_type_suffix("a.version"), None);
        assert_eq!(split_type_suffix("a.v18446744073709551615"), Some(("a", u64::MAX)));
        assert_eq!(split_type_suffix("a.v18446744073709551616"), None);
        // Against the plain reading (the part after the last `.v`, digits
        // without a leading zero) over every string of up to six bytes
        // from a small alphabet.
        fn plain(wire_type: &str) -> Option<(&str, u64)> {
            let (base, version) = wire_type.rsplit_once(".v")?;
            let digits_only = !version.is_empty() && version.bytes().all(|b| b.is_ascii_digit()) && !version.starts_with('0');
            if !digits_only {
                return None;
            }
            Some((base, version.parse().ok()?))
        }
        let mut texts = vec![String::new()];
        for _ in 0..6 {
            texts = texts.iter().flat_map(|t| ["a", ".", "v", "0", "1"].map(|c| format!("{t}{c}"))).collect();
            for text in &texts {
                assert_eq!(split_type_suffix(text), plain(text), "{text:?}");
            }
        }
        assert_eq!(split_type_suffix("plain"), None);
    }
}

