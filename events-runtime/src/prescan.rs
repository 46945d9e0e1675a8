//! Finding the event type and version in an envelope's bytes when the
//! payload comes before them (`{"data": {..}, "meta": {"type": ..}}`).
//!
//! Without this, such a payload is kept as raw JSON, then parsed a second
//! time once the type and version are known. Instead, a guess: the last
//! `"type"` and `"version"` keys of the message (the leaf names of the
//! layout's paths), found by a SIMD search for colons from the end, where
//! the metadata that follows a payload sits. Only plain values are read (no
//! escapes, an integer version); anything else answers `None` and the
//! decoder takes the raw path. The guess decides nothing alone: the decoder
//! checks it against every type and version key it then meets, and decodes
//! again without it when they differ or anything fails (see `envelope`).

use crate::envelope::{EnvelopeLayout, decimal};

/// The type string and, where the layout has a version field, the version,
/// as guessed from `bytes`; `None` when there is no plain guess.
pub(crate) fn type_and_version<'de>(layout: &EnvelopeLayout, bytes: &'de [u8]) -> Option<(&'de str, Option<u64>)> {
    let event_type = plain_string(after_last_key(bytes, layout.type_path.last()?)?)?;
    let version = match layout.version_path.last() {
        Some(leaf) => Some(integer(after_last_key(bytes, leaf)?)?),
        None => None,
    };
    Some((event_type, version))
}

/// What follows the last `"key":` in `bytes`, from the value's first byte.
fn after_last_key<'de>(bytes: &'de [u8], key: &str) -> Option<&'de [u8]> {
    let key = key.as_bytes();
    // Colons from the end: the metadata after a payload is short, and a
    // member has one colon where it has up to four quotes.
    memchr::memrchr_iter(b':', bytes).find_map(|colon| {
        let name = trim_end_whitespace(&bytes[..colon]).strip_suffix(b"\"")?.strip_suffix(key)?;
        name.ends_with(b"\"").then(|| skip_whitespace(&bytes[colon + 1..]))
    })
}

fn trim_end_whitespace(bytes: &[u8]) -> &[u8] {
    let end = bytes.iter().rposition(|b| !matches!(b, b' ' | b'\n' | b'\r' | b'\t')).map_or(0, |last| last + 1);
    &bytes[..end]
}

fn skip_whitespace(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|b| !matches!(b, b' ' | b'\n' | b'\r' | b'\t')).unwrap_or(bytes.len());
    &bytes[start..]
}

/// A string without escapes at the start of `bytes`, borrowed.
fn plain_string(bytes: &[u8]) -> Option<&str> {
    let rest = bytes.strip_prefix(b"\"")?;
    let end = memchr::memchr2(b'"', b'\\', rest)?;
    if rest[end] == b'\\' {
        return None;
    }
    std::str::from_utf8(&rest[..end]).ok()
}

/// A non-negative integer without fraction or exponent at the start of
/// `bytes`.
fn integer(bytes: &[u8]) -> Option<u64> {
    let len = bytes.iter().position(|b| !b.is_ascii_digit()).unwrap_or(bytes.len());
    let digits = &bytes[..len];
    if digits.is_empty() || (digits.len() > 1 && digits[0] == b'0') || matches!(bytes.get(len), Some(b'.' | b'e' | b'E')) {
        return None;
    }
    decimal(digits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envelope::VersionFormat;

    const NESTED: EnvelopeLayout = EnvelopeLayout {
        type_path: &["meta", "type"],
        version_path: &["meta", "version"],
        version_format: VersionFormat::Integer,
        payload_key: "data",
    };
    const FLAT: EnvelopeLayout = EnvelopeLayout {
        type_path: &["type"],
        version_path: &[],
        version_format: VersionFormat::TypeSuffix,
        payload_key: "data",
    };

    #[test]
    fn finds_type_and_version_after_the_payload() {
        let bytes = br#"{"data": {"a": "x\"}{", "b": [1, {"c": [true, null]}], "meta": {"type": "no"}},
            "meta": {"id": "1", "type": "kfm.ingestion.new", "nested": {"version": 9}, "version": 2}}"#;
        assert_eq!(type_and_version(&NESTED, bytes), Some(("kfm.ingestion.new", Some(2))));
        let flat = br#"{"data": [1, 2.5e3, "]"], "id": 7, "type": "orders.placed.v3"}"#;
        assert_eq!(type_and_version(&FLAT, flat), Some(("orders.placed.v3", None)));
        let largest = br#"{"data": {}, "meta" : { "type" : "a" , "version"	:
            18446744073709551615 }}"#;
        assert_eq!(type_and_version(&NESTED, largest), Some(("a", Some(u64::MAX))));
    }

    #[test]
    fn anything_unusual_is_left_to_the_decoder() {
        for bytes in [
            &br#"{"data": {}, "meta": {"type": "a\u0062", "version": 1}}"#[..],
            br#"{"data": {}, "meta": {"type": "a", "version": 1.0}}"#,
            br#"{"data": {}, "meta": {"type": "a", "version": "1"}}"#,
            br#"{"data": {}, "meta": {"type": "a", "version": 01}}"#,
            br#"{"data": {}, "meta": {"type": "a", "version": 18446744073709551616}}"#,
            br#"{"data": {}, "meta": {"type": "a"}}"#,
            br#"{"data": {}, "meta": "x"}"#,
            br#"{"data": {"unterminated": "#,
            br#"[1, 2]"#,
            br#""#,
            br#"{}"#,
        ] {
            assert_eq!(type_and_version(&NESTED, bytes), None, "{}", String::from_utf8_lossy(bytes));
        }
    }
}
