//! A key of the envelope met twice (the type, the version, the payload) is
//! refused, as serde's derived structs refuse a field met twice: what a
//! message means must not depend on which of two values a reader keeps.
//! Checked on every envelope layout of the repository, with the payload
//! first and last, on serde_json's path and on simd-json's alike.

#[macro_use]
mod support;

use std::fmt::Debug;

use event_contracts::decode::{self as envelope, fast};
use event_contracts::{DecodeError, EnvelopeLayout, EventInfo};
use serde_json::Value;

/// `text` with the first `"key":value` (serde_json's compact spelling)
/// written twice.
fn repeated(text: &str, key: &str, value: &str) -> String {
    let pair = format!("\"{key}\":{value}");
    assert!(text.contains(&pair), "{pair} in {text}");
    text.replacen(&pair, &format!("{pair},{pair}"), 1)
}

/// The messages with one envelope key repeated, each with that key.
fn with_a_key_repeated(base: &Value, layout: &EnvelopeLayout, info: &EventInfo, payload_first: bool) -> Vec<(String, &'static str)> {
    let payload = support::examples_of(info.schema).remove(0);
    let text = support::wrap(base, layout, info, &payload, payload_first);
    let last = |path: &'static [&'static str]| path[path.len() - 1];
    let mut messages = vec![
        (repeated(&text, layout.payload_key, &payload.to_string()), layout.payload_key),
        (repeated(&text, last(layout.type_path), &format!("{:?}", support::wire_type(layout, info))), last(layout.type_path)),
    ];
    if !layout.version_path.is_empty() {
        messages.push((repeated(&text, last(layout.version_path), &info.version.to_string()), last(layout.version_path)));
    }
    messages
}

fn assert_refused(decoded: Result<impl Debug, DecodeError>, key: &str, text: &str) {
    match decoded {
        Err(DecodeError::Envelope { message, .. }) => assert_eq!(message, format!("duplicate field `{key}`"), "{text}"),
        other => panic!("{text}\ndecoded as {other:?}"),
    }
}

type Decoded<H, E> = Result<(H, E), DecodeError>;

/// Each message of [`with_a_key_repeated`], for the set's middle event with
/// the payload first and last, is refused alike by the layout's decoder on
/// both paths and by the generic decoder, and by the generated
/// `Envelope::from_slice` (decode, then validate).
fn refused_on_every_path<H: PartialEq + Debug, E: PartialEq + Debug, V: Debug>(
    base: &Value,
    layout: &EnvelopeLayout,
    events: &[EventInfo],
    plain: impl Fn(&[u8]) -> Decoded<H, E>,
    fast: impl Fn(&[u8]) -> Decoded<H, E>,
    generic: impl Fn(&[u8]) -> Decoded<H, E>,
    validated: impl Fn(&[u8]) -> Result<V, DecodeError>,
) {
    let info = &events[events.len() / 2];
    for payload_first in [false, true] {
        let valid = support::wrap(base, layout, info, &support::examples_of(info.schema).remove(0), payload_first);
        assert!(validated(valid.as_bytes()).is_ok(), "the message before a key is repeated decodes: {valid}");
        for (text, key) in with_a_key_repeated(base, layout, info, payload_first) {
            let bytes = text.as_bytes();
            let refused = plain(bytes);
            assert_eq!(fast(bytes), refused, "{text}");
            assert_eq!(generic(bytes), refused, "{text}");
            assert_refused(refused, key, &text);
            assert_refused(validated(bytes), key, &text);
        }
    }
}

macro_rules! duplicate_keys_refused {
    ($name:ident, $krate:ident, $decoder:ident, $base:expr) => {
        #[test]
        fn $name() {
            use $krate::{Envelope, Event, LAYOUT, registry::EVENTS, types::EnvelopeHeader};
            refused_on_every_path(
                &$base,
                &LAYOUT,
                EVENTS,
                |bytes| envelope::$decoder::<EnvelopeHeader, Event>(&LAYOUT, bytes),
                |bytes| fast::$decoder::<EnvelopeHeader, Event>(&LAYOUT, bytes),
                |bytes| envelope::from_slice::<EnvelopeHeader, Event>(&LAYOUT, bytes),
                Envelope::from_slice,
            );
        }
    };
}

for_each_envelope_layout!(duplicate_keys_refused);
