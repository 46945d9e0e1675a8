//! Finding the event type and version of an envelope ahead of the parser
//! when the payload comes before them (`{"data": {..}, "meta": {"type": ..}}`).
//!
//! Without this, such a payload is kept as raw JSON, then parsed a second
//! time once the type and version are known. Instead, a guess: on
//! serde_json's path, the last `"type"` and `"version"` keys of the
//! message's text (the leaf names of the layout's paths), found by a SIMD
//! search for colons from the end, where the metadata that follows a
//! payload sits; on simd-json's path, the members along the layout's paths
//! in the tape it has built. Only plain values are read (no escapes in the
//! text, an integer version, also one written `2.0`); anything else
//! answers `None` and the decoder takes the raw path. The guess
//! decides nothing alone: the decoder checks it against every type and
//! version key it then meets, and decodes again without it when they differ
//! or anything fails (see `envelope`).

use crate::layout::EnvelopeLayout;
use crate::integer::decimal;

/// The type string and, where the layout has a version field, the version,
/// as guessed from the message's `text`; `None` when there is no plain
/// guess. The type is borrowed from the text, checked as UTF-8 already.
pub(crate) fn type_and_version<'de>(layout: &EnvelopeLayout, text: &'de str) -> Option<(&'de str, Option<u64>)> {
    let bytes = text.as_bytes();
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
        let is_key = |key: &[u8]| name.len() > key.len() && name[name.len() - key.len() - 1] == b'"' && name.ends_with(key);
        if type_at.is_none() && is_key(type_key) {
            type_at = Some(colon + 1);
        } else if version_at.is_none() && version_key.is_some_and(is_key) {
            version_at = Some(colon + 1);
        }
        if type_at.is_some() && (version_at.is_some() || version_key.is_none()) {
            break;
        }
    }
    let event_type = plain_string(text, type_at?)?;
    let version = match version_key {
        Some(_) => Some(integer(skip_whitespace(&bytes[version_at?..]))?),
        None => None,
    };
    Some((event_type, version))
}

/// What a decode knows ahead of the payload about where its type and
/// version are: the message's text to scan when the payload comes first,
/// or what was already read off a parsed tape (simd-json's).
#[derive(Clone, Copy, Default)]
pub(crate) enum Lookahead<'de> {
    /// Never scan: type and version are read only as the parser meets them.
    #[default]
    Nothing,
    /// The whole message, checked as UTF-8, scanned with
    /// [`type_and_version`] if needed.
    Text(&'de str),
    /// Already looked up: type and version, or `None` where not plainly there.
    #[cfg(feature = "fast-json")]
    Found(Option<(&'de str, Option<u64>)>),
}

impl<'de> Lookahead<'de> {
    /// Type and version, guessed or looked up as this lookahead allows.
    pub(crate) fn type_and_version(self, layout: &EnvelopeLayout) -> Option<(&'de str, Option<u64>)> {
        match self {
            Lookahead::Nothing => None,
            Lookahead::Text(text) => type_and_version(layout, text),
            #[cfg(feature = "fast-json")]
            Lookahead::Found(found) => found,
        }
    }
}

/// Type and version looked up in simd-json's tape of a message (a tape
/// skips a value of any size in one step), for a message whose first key
/// is not where the type sits; otherwise the parser meets the type first
/// and nothing needs finding ([`Lookahead::Nothing`]). Like the scan of the
/// bytes, a guess the decoder checks.
#[cfg(feature = "fast-json")]
pub(crate) fn on_tape<'de>(layout: &EnvelopeLayout, nodes: &[simd_json::Node<'de>]) -> Lookahead<'de> {
    use simd_json::Node;
    if matches!(nodes.get(1), Some(Node::String(first)) if layout.type_path.first() == Some(first)) {
        return Lookahead::Nothing;
    }
    Lookahead::Found(tape_type_and_version(layout, nodes))
}

/// Type and version along the layout's paths, found in one walk over the
/// members of the object that holds them (the root, or the parent both
/// paths share); the first member of each name counts.
#[cfg(feature = "fast-json")]
fn tape_type_and_version<'de>(layout: &EnvelopeLayout, nodes: &[simd_json::Node<'de>]) -> Option<(&'de str, Option<u64>)> {
    use crate::layout::integral_version;
    use simd_json::{Node, StaticNode};
    let holder = match layout.nested_parent() {
        Some(parent) => TapeMembers::of(nodes, 0)?.find(|(key, _)| *key == parent)?.1,
        None => 0,
    };
    let type_key = *layout.type_path.last()?;
    let version_key = layout.version_path.last().copied();
    let (mut event_type, mut version) = (None, None);
    for (key, value) in TapeMembers::of(nodes, holder)? {
        if key == type_key && event_type.is_none() {
            event_type = Some(value);
        } else if Some(key) == version_key && version.is_none() {
            version = Some(value);
        }
        if event_type.is_some() && (version.is_some() || version_key.is_none()) {
            break;
        }
    }
    let Node::String(event_type) = nodes[event_type?] else { return None };
    let version = match version.map(|at| nodes[at]) {
        None if version_key.is_none() => None,
        Some(Node::Static(StaticNode::U64(version))) => Some(version),
        Some(Node::Static(StaticNode::I64(version))) if version >= 0 => Some(version as u64),
        Some(Node::Static(StaticNode::F64(version))) => Some(integral_version(version)?),
        _ => return None,
    };
    Some((event_type, version))
}

/// The members of the object at `at` on a tape: each key with where its
/// value sits. Ends early where the tape is not as an object's would be.
#[cfg(feature = "fast-json")]
struct TapeMembers<'n, 'de> {
    nodes: &'n [simd_json::Node<'de>],
    at: usize,
    left: usize,
}

#[cfg(feature = "fast-json")]
impl<'n, 'de> TapeMembers<'n, 'de> {
    fn of(nodes: &'n [simd_json::Node<'de>], at: usize) -> Option<Self> {
        match nodes.get(at)? {
            &simd_json::Node::Object { len, .. } => Some(TapeMembers { nodes, at: at + 1, left: len }),
            _ => None,
        }
    }
}

#[cfg(feature = "fast-json")]
impl<'de> Iterator for TapeMembers<'_, 'de> {
    type Item = (&'de str, usize);

    fn next(&mut self) -> Option<Self::Item> {
        use simd_json::Node;
        if self.left == 0 {
            return None;
        }
        let &Node::String(key) = self.nodes.get(self.at)? else { return None };
        let value = self.at + 1;
        // Nodes the value takes on the tape, its own included.
        let width = match self.nodes.get(value)? {
            Node::Object { count, .. } | Node::Array { count, .. } => count + 1,
            _ => 1,
        };
        self.left -= 1;
        self.at = value + width;
        Some((key, value))
    }
}

fn trim_end_whitespace(bytes: &[u8]) -> &[u8] {
    let end = bytes.iter().rposition(|b| !matches!(b, b' ' | b'\n' | b'\r' | b'\t')).map_or(0, |last| last + 1);
    &bytes[..end]
}

fn skip_whitespace(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|b| !matches!(b, b' ' | b'\n' | b'\r' | b'\t')).unwrap_or(bytes.len());
    &bytes[start..]
}

/// A string without escapes at the start of the value from `at`, borrowed
/// from `text`: its bounds sit next to ASCII quotes, so on character
/// boundaries, and nothing is checked again.
fn plain_string(text: &str, at: usize) -> Option<&str> {
    let bytes = text.as_bytes();
    let start = bytes.len() - skip_whitespace(&bytes[at..]).len();
    if bytes.get(start) != Some(&b'"') {
        return None;
    }
    let end = start + 1 + memchr::memchr2(b'"', b'\\', &bytes[start + 1..])?;
    if bytes[end] == b'\\' {
        return None;
    }
    text.get(start + 1..end)
}

/// A non-negative integer at the start of `bytes`, as JSON Schema reads
/// one: `2`, or `2.0` (a fraction of zeros); an exponent or another
/// fraction is left to the parser.
fn integer(bytes: &[u8]) -> Option<u64> {
    let len = bytes.iter().position(|b| !b.is_ascii_digit()).unwrap_or(bytes.len());
    let (digits, mut rest) = bytes.split_at(len);
    if digits.is_empty() || (digits.len() > 1 && digits[0] == b'0') {
        return None;
    }
    if let [b'.', fraction @ ..] = rest {
        let zeros = fraction.iter().take_while(|&&b| b == b'0').count();
        if zeros == 0 {
            return None;
        }
        rest = &fraction[zeros..];
    }
    if matches!(rest.first(), Some(b'.' | b'e' | b'E' | b'0'..=b'9')) {
        return None;
    }
    decimal(digits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::VersionFormat;

    const NESTED: EnvelopeLayout = EnvelopeLayout {
        type_path: &["meta", "type"],
        version_path: &["meta", "version"],
        version_format: VersionFormat::Integer,
        payload_key: "data",
        payload_pointer: "/data",
    };
    const FLAT: EnvelopeLayout = EnvelopeLayout {
        type_path: &["type"],
        version_path: &[],
        version_format: VersionFormat::TypeSuffix,
        payload_key: "data",
        payload_pointer: "/data",
    };

    #[test]
    fn finds_type_and_version_after_the_payload() {
        let text = r#"{"data": {"a": "x\"}{", "b": [1, {"c": [true, null]}], "meta": {"type": "no"}},
            "meta": {"id": "1", "type": "kfm.ingestion.new", "nested": {"version": 9}, "version": 2}}"#;
        assert_eq!(type_and_version(&NESTED, text), Some(("kfm.ingestion.new", Some(2))));
        let flat = r#"{"data": [1, 2.5e3, "]"], "id": 7, "type": "orders.placed.v3"}"#;
        assert_eq!(type_and_version(&FLAT, flat), Some(("orders.placed.v3", None)));
        let largest = r#"{"data": {}, "meta" : { "type" : "a" , "version"	:
            18446744073709551615 }}"#;
        assert_eq!(type_and_version(&NESTED, largest), Some(("a", Some(u64::MAX))));
        // An integer to JSON Schema, as the decoder reads it.
        for version in ["2.0", "2.000 "] {
            let zero_fraction = format!(r#"{{"data": {{}}, "meta": {{"type": "a", "version": {version}}}}}"#);
            assert_eq!(type_and_version(&NESTED, &zero_fraction), Some(("a", Some(2))), "{zero_fraction}");
        }
        // Text around and inside the type need not be ASCII.
        let wide = r#"{"data": {"ü": "ß\"∑"}, "meta": {"typé": 1, "type": "kfm.ingéstion.✓", "version": 3}}"#;
        assert_eq!(type_and_version(&NESTED, wide), Some(("kfm.ingéstion.✓", Some(3))));
    }

    #[cfg(feature = "fast-json")]
    fn on_tape_of<'a>(layout: &EnvelopeLayout, text: &'a mut [u8]) -> Option<(&'a str, Option<u64>)> {
        let tape = simd_json::to_tape(text).expect("valid JSON");
        match on_tape(layout, &tape.0) {
            Lookahead::Found(found) => found,
            Lookahead::Nothing => panic!("nothing looked up"),
            Lookahead::Text(_) => unreachable!(),
        }
    }

    #[cfg(feature = "fast-json")]
    #[test]
    fn looks_up_type_and_version_on_the_tape_along_the_layout_paths() {
        // The payload's own `meta`, `type` and `version` keys are skipped
        // with it, and the type comes unescaped.
        let mut nested = br#"{"data": {"meta": {"type": "no", "version": 7}, "type": "no", "b": [1, {"c": []}], "e": {}},
            "id": 1, "meta": {"id": "1", "nested": {"version": 9}, "type": "kfm.ingestion.\u006eew", "version": 2}}"#.to_vec();
        assert_eq!(on_tape_of(&NESTED, &mut nested), Some(("kfm.ingestion.new", Some(2))));
        let mut flat = br#"{"data": [1, 2.5e3, "]"], "id": 7, "type": "orders.placed.v3"}"#.to_vec();
        assert_eq!(on_tape_of(&FLAT, &mut flat), Some(("orders.placed.v3", None)));
        let mut largest = br#"{"data": {}, "meta": {"type": "a", "version": 18446744073709551615}}"#.to_vec();
        assert_eq!(on_tape_of(&NESTED, &mut largest), Some(("a", Some(u64::MAX))));
        // An integer to JSON Schema, as the decoder reads it.
        let mut zero_fraction = br#"{"data": {}, "meta": {"type": "a", "version": 2.0}}"#.to_vec();
        assert_eq!(on_tape_of(&NESTED, &mut zero_fraction), Some(("a", Some(2))));
    }

    #[cfg(feature = "fast-json")]
    #[test]
    fn on_the_tape_a_type_met_first_needs_no_lookup_and_anything_unusual_is_left_to_the_decoder() {
        let mut meta_first = br#"{"meta": {"type": "a", "version": 1}, "data": {}}"#.to_vec();
        let tape = simd_json::to_tape(&mut meta_first).expect("valid JSON");
        assert!(matches!(on_tape(&NESTED, &tape.0), Lookahead::Nothing));
        for text in [
            &br#"{"data": {}, "meta": {"type": "a", "version": 1.5}}"#[..],
            br#"{"data": {}, "meta": {"type": "a", "version": "1"}}"#,
            br#"{"data": {}, "meta": {"type": "a", "version": -1}}"#,
            br#"{"data": {}, "meta": {"type": "a"}}"#,
            br#"{"data": {}, "meta": {"type": 1, "version": 1}}"#,
            br#"{"data": {}, "meta": {}, "type": "a", "version": 1}"#,
            br#"{"data": {}, "meta": "x"}"#,
            br#"{"data": {"meta": {"type": "a", "version": 1}}}"#,
            br#"[{"meta": {"type": "a", "version": 1}}]"#,
            br#"{}"#,
        ] {
            assert_eq!(on_tape_of(&NESTED, &mut text.to_vec()), None, "{}", String::from_utf8_lossy(text));
        }
    }

    #[test]
    fn anything_unusual_is_left_to_the_decoder() {
        for text in [
            r#"{"data": {}, "meta": {"type": "a\u0062", "version": 1}}"#,
            r#"{"data": {}, "meta": {"type": "a", "version": 1.5}}"#,
            r#"{"data": {}, "meta": {"type": "a", "version": 1.05}}"#,
            r#"{"data": {}, "meta": {"type": "a", "version": 1.}}"#,
            r#"{"data": {}, "meta": {"type": "a", "version": 1.0e0}}"#,
            r#"{"data": {}, "meta": {"type": "a", "version": 1e0}}"#,
            r#"{"data": {}, "meta": {"type": "a", "version": "1"}}"#,
            r#"{"data": {}, "meta": {"type": "a", "version": 01}}"#,
            r#"{"data": {}, "meta": {"type": "a", "version": 18446744073709551616}}"#,
            r#"{"data": {}, "meta": {"type": "a"}}"#,
            r#"{"data": {}, "meta": "x"}"#,
            r#"{"data": {"unterminated": "#,
            r#"[1, 2]"#,
            r#""#,
            r#"{}"#,
        ] {
            assert_eq!(type_and_version(&NESTED, text), None, "{text}");
        }
    }
}
