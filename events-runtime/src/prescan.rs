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

/// The whole message, as the scan ahead is given it.
#[derive(Clone, Copy)]
pub(crate) enum Message<'de> {
    /// Checked as UTF-8 already: a string found in it is borrowed as is.
    Text(&'de str),
    /// Not checked here (simd-json checks its own copy): a string found in
    /// it is checked on its own.
    Bytes(&'de [u8]),
}

impl<'de> Message<'de> {
    fn bytes(self) -> &'de [u8] {
        match self {
            Message::Text(text) => text.as_bytes(),
            Message::Bytes(bytes) => bytes,
        }
    }

    /// The text of `range`, which lies between two ASCII delimiters.
    fn text(self, range: std::ops::Range<usize>) -> Option<&'de str> {
        match self {
            // The bounds sit next to ASCII bytes, so on character
            // boundaries: nothing is checked again.
            Message::Text(text) => text.get(range),
            Message::Bytes(bytes) => std::str::from_utf8(&bytes[range]).ok(),
        }
    }
}

/// The type string and, where the layout has a version field, the version,
/// as guessed from `message`; `None` when there is no plain guess.
pub(crate) fn type_and_version<'de>(layout: &EnvelopeLayout, message: Message<'de>) -> Option<(&'de str, Option<u64>)> {
    let bytes = message.bytes();
    let type_key = layout.type_path.last()?.as_bytes();
    let version_key = layout.version_path.last().map(|key| key.as_bytes());
    // One walk back over the colons finds the last of both keys: the
    // metadata after a payload is short, and a member has one colon where
    // it has up to four quotes.
    let (mut type_at, mut version_at) = (None, None);
    for colon in memchr::memrchr_iter(b':', bytes) {
        let Some(name) = trim_end_whitespace(&bytes[..colon]).strip_suffix(b"\"") else { continue };
        // The opening quote, where it would sit, rules out most names
        // before their bytes are compared.
        let is_key = |key: &[u8]| {
            name.len() > key.len() && name[name.len() - key.len() - 1] == b'"' && name.ends_with(key)
        };
        if type_at.is_none() && is_key(type_key) {
            type_at = Some(colon + 1);
        } else if version_at.is_none() && version_key.is_some_and(is_key) {
            version_at = Some(colon + 1);
        }
        if type_at.is_some() && (version_at.is_some() || version_key.is_none()) {
            break;
        }
    }
    let event_type = plain_string(message, type_at?)?;
    let version = match version_key {
        Some(_) => Some(integer(skip_whitespace(&bytes[version_at?..]))?),
        None => None,
    };
    Some((event_type, version))
}

fn trim_end_whitespace(bytes: &[u8]) -> &[u8] {
    let end = bytes.iter().rposition(|b| !matches!(b, b' ' | b'\n' | b'\r' | b'\t')).map_or(0, |last| last + 1);
    &bytes[..end]
}

fn skip_whitespace(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|b| !matches!(b, b' ' | b'\n' | b'\r' | b'\t')).unwrap_or(bytes.len());
    &bytes[start..]
}

/// A string without escapes at the start of the value from `at`, borrowed.
fn plain_string(message: Message<'_>, at: usize) -> Option<&str> {
    let bytes = message.bytes();
    let start = at + bytes[at..].iter().position(|b| !matches!(b, b' ' | b'\n' | b'\r' | b'\t'))?;
    if bytes[start] != b'"' {
        return None;
    }
    let end = start + 1 + memchr::memchr2(b'"', b'\\', &bytes[start + 1..])?;
    if bytes[end] == b'\\' {
        return None;
    }
    message.text(start + 1..end)
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

    /// The guess from the bytes, asserted to be the guess from the same
    /// message as text.
    fn both<'a>(layout: &EnvelopeLayout, bytes: &'a [u8]) -> Option<(&'a str, Option<u64>)> {
        let guess = type_and_version(layout, Message::Bytes(bytes));
        if let Ok(text) = std::str::from_utf8(bytes) {
            assert_eq!(type_and_version(layout, Message::Text(text)), guess, "{text}");
        }
        guess
    }

    #[test]
    fn finds_type_and_version_after_the_payload() {
        let bytes = br#"{"data": {"a": "x\"}{", "b": [1, {"c": [true, null]}], "meta": {"type": "no"}},
            "meta": {"id": "1", "type": "kfm.ingestion.new", "nested": {"version": 9}, "version": 2}}"#;
        assert_eq!(both(&NESTED, bytes), Some(("kfm.ingestion.new", Some(2))));
        let flat = br#"{"data": [1, 2.5e3, "]"], "id": 7, "type": "orders.placed.v3"}"#;
        assert_eq!(both(&FLAT, flat), Some(("orders.placed.v3", None)));
        let largest = br#"{"data": {}, "meta" : { "type" : "a" , "version"	:
            18446744073709551615 }}"#;
        assert_eq!(both(&NESTED, largest), Some(("a", Some(u64::MAX))));
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
            assert_eq!(both(&NESTED, bytes), None, "{}", String::from_utf8_lossy(bytes));
        }
    }
}
