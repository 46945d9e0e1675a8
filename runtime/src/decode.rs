//! One-pass envelope decoding.
//!
//! An envelope is a JSON object that carries an event type, a version and a
//! payload at fixed places (its [`EnvelopeLayout`]), beside metadata fields of
//! its own (the generated header type `H`). Decoding walks the object once:
//! the type and version keys are taken out of the stream as they pass, the
//! header type sees every other key, and the payload key is decoded straight
//! into the variant of the generated event enum `E` that (type, version)
//! names. Where the payload comes before the type and version, it is kept as a
//! borrowed slice of the input (no allocation, no tree) and decoded once they
//! are known. Nothing is ever buffered into `serde_json::Value`. Where type
//! and version sit in a nested object (KFM's `meta`), the generated code
//! supplies a wire type for that object ([`NestedHeader`]) so it decodes
//! whole, type and version as plain fields, rather than key by key. Where
//! they sit at the root beside the header's fields, the generated wire type
//! is the whole root object ([`FlatHeader`]).
//!
//! The modules: [`state`] keeps what one decode has met; `visit` walks the
//! root object and hands keys to the header or the state; [`nested`] and
//! [`flat`] are the generated wire types' paths; `explain` says why a
//! message failed (the cold path); [`fast`] is the same over simd-json.

use serde::Deserialize;
use serde::de;

use crate::event_set::EventSet;
use crate::layout::EnvelopeLayout;
use crate::prescan::Lookahead;
use crate::DecodeError;

use explain::{explain_failure, json_pointer, strip_position};
use state::State;
use visit::decode;

mod explain;
pub mod objects_only;
#[cfg(feature = "fast-json")]
pub mod fast;
pub mod flat;
pub mod nested;
mod state;
mod visit;

pub use flat::{FlatHeader, PayloadMark, TypeMark, VersionMark, from_slice_flat, try_from_slice_flat};
pub use nested::{NestedHeader, from_slice_nested, try_from_slice_nested};
pub use state::Carried;

/// Decodes an envelope from bytes: header, then the event.
pub fn from_slice<'de, H, E>(
    layout: &EnvelopeLayout,
    bytes: &'de [u8],
) -> Result<(H, E), DecodeError>
where
    H: Deserialize<'de>,
    E: EventSet,
{
    match utf8(bytes) {
        Ok(text) => decode_text(layout, text, true),
        Err(error) => Err(explain_failure::<H, E>(layout, bytes, State::new(layout), error)),
    }
}

/// [`from_slice`] once the message is known to be text, scanning ahead for
/// type and version when the payload comes first (`scan_ahead`) or reading
/// them only as the parser meets them. A message that fails after a scan
/// ahead is decoded again without it, so errors are decided as without the
/// scan.
fn decode_text<'de, H, E>(layout: &EnvelopeLayout, text: &'de str, scan_ahead: bool) -> Result<(H, E), DecodeError>
where
    H: Deserialize<'de>,
    E: EventSet,
{
    let bytes = text.as_bytes();
    let mut state = State::new(layout);
    if scan_ahead {
        state.lookahead = Lookahead::Text(text);
    }
    let mut de = serde_json::Deserializer::from_str(text);
    match decode::<H, E, _, _, _>(&mut state, &mut de).and_then(|header| de.end().map(|()| header)) {
        Ok(header) => Ok((header, state.event.take().expect("a decoded envelope has its event"))),
        Err(_) if state.prescanned => decode_text(layout, text, false),
        Err(error) => Err(explain_failure::<H, E>(layout, bytes, state, error)),
    }
}

/// The message as text, checked as UTF-8 once.
///
/// serde_json's `from_slice` checks each string it decodes on its own, and
/// those checks were the largest single cost of decoding a small message;
/// over `&str` it checks nothing again. JSON text is UTF-8 (RFC 8259), so a
/// message that is not is refused, also where the invalid bytes sit in a
/// value no field reads (which `from_slice` skips unchecked).
///
/// The check is simdutf8's (SIMD, chosen for the CPU at run time): on a
/// small message it costs less than half of the standard library's
/// (about 180 instructions for 800 bytes, against 430). Only when it
/// fails does the standard library's check run, to say where.
pub(crate) fn utf8(bytes: &[u8]) -> Result<&str, serde_json::Error> {
    if let Ok(text) = simdutf8::basic::from_utf8(bytes) {
        return Ok(text);
    }
    std::str::from_utf8(bytes).map_err(|invalid| {
        let valid = &bytes[..invalid.valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = valid.len() - valid.iter().rposition(|&b| b == b'\n').map_or(0, |newline| newline + 1) + 1;
        de::Error::custom(format_args!(
            "the message is not UTF-8 (an invalid byte on line {line}, column {column}); JSON text must be UTF-8"
        ))
    })
}

/// Decodes a payload that travels without an envelope (routed by subject or
/// topic): the caller already knows its type and version.
pub fn payload_from_slice<E: EventSet>(event_type: &str, version: u32, bytes: &[u8]) -> Result<E, DecodeError> {
    let fast = utf8(bytes).and_then(|text| {
        let mut de = serde_json::Deserializer::from_str(text);
        // Left `None` when the pair is unknown.
        let mut event = None;
        E::decode_payload(event_type, u64::from(version), &mut de, &mut event)?;
        de.end()?;
        Ok(event)
    });
    match fast {
        Ok(Some(event)) => Ok(event),
        Ok(None) if E::known_versions(event_type).is_empty() => Err(DecodeError::UnknownType {
            event_type: event_type.to_owned(),
        }),
        Ok(None) => Err(DecodeError::UnknownVersion {
            event_type: event_type.to_owned(),
            version: u64::from(version),
            known: E::known_versions(event_type).to_vec(),
        }),
        Err(error) => {
            let mut track = serde_path_to_error::Track::new();
            let mut de = serde_json::Deserializer::from_slice(bytes);
            let tracked = E::decode_payload(
                event_type,
                u64::from(version),
                serde_path_to_error::Deserializer::new(&mut de, &mut track),
                &mut None,
            )
            .and_then(|_| de.end().map_err(de::Error::custom));
            let message = match tracked {
                Err(tracked_error) => strip_position(&tracked_error.to_string()),
                Ok(()) => strip_position(&error.to_string()),
            };
            Err(DecodeError::Payload {
                event_type: event_type.to_owned(),
                version,
                pointer: json_pointer(&track.path()),
                message,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::utf8;

    #[test]
    fn text_that_is_not_utf8_is_located_by_line_and_column() {
        assert_eq!(utf8("{\"a\": \"zürich\"}".as_bytes()).unwrap(), "{\"a\": \"zürich\"}");
        let error = utf8(b"{\n  \"a\": \"\xc3(\"\n}").unwrap_err();
        assert_eq!(error.to_string(), "the message is not UTF-8 (an invalid byte on line 2, column 9); JSON text must be UTF-8");
    }
}
