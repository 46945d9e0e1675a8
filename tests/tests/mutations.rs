//! Decoding never panics, whatever the bytes, and the simd-json path
//! (`fast-json`) answers exactly what the serde_json path answers: the same
//! event or the same error. Checked on every envelope layout of the
//! repository (nested type and version, top-level type and version, version
//! as a type suffix, no envelope) with the payload first and last, over
//! every prefix of a valid message and every byte of it replaced, removed
//! or doubled.

#[macro_use]
mod support;

use std::fmt::Debug;

use event_contracts::decode::{self as envelope, fast};
use event_contracts::{DecodeError, EnvelopeLayout, EventInfo};
use serde_json::Value;

/// Bytes put in place of each byte (besides its neighbours): JSON's
/// structural bytes, an escape, a digit, a space, and bytes that are not
/// UTF-8 on their own.
const REPLACEMENTS: &[u8] = b"\"{}[]:,\\0 \x80\xff";

/// Every mutation of `valid`, each given to `check`.
fn mutations(valid: &[u8], mut check: impl FnMut(&[u8])) {
    for end in 0..valid.len() {
        check(&valid[..end]);
    }
    let mut changed = Vec::with_capacity(valid.len() + 1);
    for at in 0..valid.len() {
        // The neighbours of a byte turn a key, a type or a version into
        // another, unknown or not.
        let neighbours = [valid[at].wrapping_sub(1), valid[at].wrapping_add(1)];
        for &byte in REPLACEMENTS.iter().chain(&neighbours).filter(|&&byte| byte != valid[at]) {
            changed.clear();
            changed.extend_from_slice(valid);
            changed[at] = byte;
            check(&changed);
        }
        changed.clear();
        changed.extend_from_slice(&valid[..at]);
        changed.extend_from_slice(&valid[at + 1..]);
        check(&changed);
        changed.clear();
        changed.extend_from_slice(&valid[..=at]);
        changed.extend_from_slice(&valid[at..]);
        check(&changed);
    }
}

/// Runs both paths on every mutation of `valid` and compares them; returns
/// how many mutations decoded (so a caller can tell the paths were not
/// merely failing alike).
fn both_paths_agree<T: PartialEq + Debug>(valid: &str, plain: impl Fn(&[u8]) -> Result<T, DecodeError>, fast: impl Fn(&[u8]) -> Result<T, DecodeError>) -> usize {
    assert!(plain(valid.as_bytes()).is_ok(), "the message to mutate decodes: {valid}");
    let mut decoded = 0;
    mutations(valid.as_bytes(), |bytes| {
        let expected = plain(bytes);
        assert_eq!(fast(bytes), expected, "the two paths differ on {}", String::from_utf8_lossy(bytes));
        decoded += usize::from(expected.is_ok());
    });
    decoded
}

/// `base` (an envelope) around the first example of `info`, with the
/// payload first or last.
fn message(base: &Value, layout: &EnvelopeLayout, info: &EventInfo, payload_first: bool) -> String {
    let payload = support::examples_of(info.schema).remove(0);
    support::wrap(base, layout, info, &payload, payload_first)
}

/// One test per generated crate whose messages carry an envelope; `$decoder`
/// names the runtime's decoder for the layout (through the header's
/// generated wire type), on both paths. On serde_json's path it must also
/// answer what the generic decoder answers, which reads the header key by
/// key. The generated `Envelope::from_slice` (decode, then validate) runs on
/// every mutation too, for panics only.
macro_rules! mutated_envelopes {
    ($name:ident, $krate:ident, $decoder:ident, $base:expr) => {
        #[test]
        fn $name() {
            use $krate::types::EnvelopeHeader;
            use $krate::{Envelope, Event, LAYOUT, registry::EVENTS};
            for payload_first in [false, true] {
                let text = message(&$base, &LAYOUT, &EVENTS[EVENTS.len() / 2], payload_first);
                let decoded = both_paths_agree(
                    &text,
                    |bytes| {
                        let through_wire = envelope::$decoder::<EnvelopeHeader, Event>(&LAYOUT, bytes);
                        let generic = envelope::from_slice::<EnvelopeHeader, Event>(&LAYOUT, bytes);
                        assert_eq!(through_wire, generic, "wire and generic decoders differ on {}", String::from_utf8_lossy(bytes));
                        through_wire
                    },
                    |bytes| fast::$decoder::<EnvelopeHeader, Event>(&LAYOUT, bytes),
                );
                // Some mutations still decode (a space doubled, a digit
                // changed): the paths were compared on events, not only on
                // errors.
                assert!(decoded > text.len() / 4, "{decoded} of the mutations decoded");
                mutations(text.as_bytes(), |bytes| {
                    let _ = Envelope::from_slice(bytes);
                });
            }
        }
    };
}

for_each_envelope_layout!(mutated_envelopes);
/// Without an envelope: the subject names type and version, the bytes are
/// the payload alone.
#[test]
fn agent_platform_payload_routed_by_subject() {
    use agent_platform_events::{Event, registry::EVENTS};
    let info = &EVENTS[0];
    let text = support::examples_of(info.schema).remove(0).to_string();
    let decoded = both_paths_agree(
        &text,
        |bytes| envelope::payload_from_slice::<Event>(info.event_type, info.version, bytes),
        |bytes| fast::payload_from_slice::<Event>(info.event_type, info.version, bytes),
    );
    assert!(decoded > text.len() / 4, "{decoded} of the mutations decoded");
}

