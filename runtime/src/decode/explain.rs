//! The cold path: a decode failed, so decode again with the path tracked to
//! say where, and turn what went wrong into a [`DecodeError`].

use std::borrow::Cow;

use serde::Deserialize;

use super::state::{Failure, State};
use super::visit::decode;
use crate::event_set::EventSet;
use crate::layout::EnvelopeLayout;
use crate::DecodeError;

/// The cold path: the fast decode failed, so decode again with path tracking
/// to say where, and turn what went wrong into a [`DecodeError`].
pub(super) fn explain_failure<'de, H, E>(
    layout: &EnvelopeLayout,
    bytes: &'de [u8],
    state: State<'de, E>,
    error: serde_json::Error,
) -> DecodeError
where
    H: Deserialize<'de>,
    E: EventSet,
{
    match state.failure {
        Some(Failure::UnknownType(event_type)) => {
            return DecodeError::UnknownType { event_type };
        }
        Some(Failure::UnknownVersion(event_type, version)) => {
            let known = E::known_versions(&event_type).to_vec();
            return DecodeError::UnknownVersion {
                event_type,
                version,
                known,
            };
        }
        _ => {}
    }

    // A payload before its type is kept as raw text, which a message that
    // is not UTF-8 cannot give. The type and version, found ahead on a
    // lossy reading of the message, let it decode in place instead, so an
    // invalid byte in it is placed within it.
    let lossy = std::str::from_utf8(bytes).is_err().then(|| String::from_utf8_lossy(bytes));
    let presumed = lossy.as_deref().and_then(|text| crate::prescan::type_and_version(layout, text)).filter(|(event_type, _)| {
        !event_type.contains(char::REPLACEMENT_CHARACTER) && !E::known_versions(event_type).is_empty()
    });
    let (mut tracked_state, mut track, mut tracked) = decode_tracked::<H, E>(layout, bytes, presumed);
    if matches!(tracked_state.failure, Some(Failure::PrescanMismatch)) {
        // The parser met another type or version than the guess: explain
        // as without it.
        (tracked_state, track, tracked) = decode_tracked::<H, E>(layout, bytes, None);
    }
    let mut pointer = json_pointer(&track.path());
    let mut message = match tracked {
        Err(tracked_error) => strip_position(&tracked_error.to_string()),
        Ok(_) => strip_position(&error.to_string()),
    };
    let raw_payload = tracked_state.raw_payload;

    match tracked_state.failure.or(state.failure) {
        Some(Failure::Payload {
            event_type,
            version,
            raw_prefix,
        }) => {
            if let (true, Some(raw)) = (raw_prefix, raw_payload) {
                // The payload came before type and version and was decoded
                // from its own slice: track the path inside it separately.
                let mut track = serde_path_to_error::Track::new();
                let mut de = serde_json::Deserializer::from_str(raw.get());
                let decoded = E::decode_payload(
                    &event_type,
                    version,
                    serde_path_to_error::Deserializer::new(&mut de, &mut track),
                    &mut None,
                );
                pointer = format!("/{}{}", layout.payload_key, json_pointer(&track.path()));
                if let Err(inner) = decoded {
                    message = strip_position(&inner.to_string());
                }
            }
            DecodeError::Payload {
                event_type,
                version: version as u32,
                pointer,
                message,
            }
        }
        Some(Failure::MissingField(path)) => DecodeError::Envelope {
            pointer: EnvelopeLayout::pointer(&path[..path.len() - 1]),
            message: format!("missing field `{}`", path[path.len() - 1]),
        },
        _ => DecodeError::Envelope { pointer, message },
    }
}

/// Decodes `bytes` again with the path tracked, taking `presumed` as the
/// type and version found ahead.
pub(super) fn decode_tracked<'de, H, E>(
    layout: &EnvelopeLayout,
    bytes: &'de [u8],
    presumed: Option<(&str, Option<u64>)>,
) -> (State<'de, E>, serde_path_to_error::Track, Result<H, serde_json::Error>)
where
    H: Deserialize<'de>,
    E: EventSet,
{
    let mut state = State::<E>::new(layout);
    if let Some((event_type, version)) = presumed {
        state.presume(Cow::Owned(event_type.to_owned()), version);
    }
    let mut track = serde_path_to_error::Track::new();
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let tracked = decode::<H, E, _, _, _>(&mut state, serde_path_to_error::Deserializer::new(&mut de, &mut track));
    (state, track, tracked)
}

/// serde_json appends " at line L column C"; the pointer says where already.
pub(super) fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}

pub(super) fn json_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        pointer.push('/');
        match segment {
            Segment::Seq { index } => pointer.push_str(&index.to_string()),
            Segment::Map { key } => pointer.push_str(&crate::validation::escape_pointer_token(key)),
            Segment::Enum { variant } => pointer.push_str(variant),
            Segment::Unknown => pointer.push('?'),
        }
    }
    pointer
}
