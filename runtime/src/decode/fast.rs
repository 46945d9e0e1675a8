//! The fast path over simd-json, a SIMD JSON parser (cargo feature
//! `fast-json`): the same one-pass decode over simd-json's tape, with
//! serde_json kept for the cold path, so a failure is explained exactly as
//! [`super::from_slice`] explains it. simd-json was measured against sonic-rs on
//! the benchmark's inputs and kept (BENCHMARKS.md).

use std::cell::RefCell;

use serde::de::DeserializeOwned;

use serde::de::{self, Deserialize, Deserializer};

use super::flat::{self, FlatHeader};
use super::nested::{NestedHeader, decode_nested};
use super::state::{RawPayload, State};
use super::visit::decode;
use crate::event_set::EventSet;
use crate::layout::EnvelopeLayout;
use crate::prescan::Lookahead;
use crate::DecodeError;

/// No raw payload on this path: a payload before type and version that
/// the scan ahead cannot place sends the message to the serde_json path.
struct NoRawPayload;

impl<'de> Deserialize<'de> for NoRawPayload {
    fn deserialize<D: Deserializer<'de>>(_: D) -> Result<Self, D::Error> {
        Err(de::Error::custom("a raw payload is left to the serde_json path"))
    }
}

impl<'de> RawPayload<'de> for NoRawPayload {
    fn route_into<E: EventSet, P>(&self, _: &mut State<'de, E, Self, P>) -> Result<(), String> {
        Err("a raw payload is left to the serde_json path".to_owned())
    }
}

/// This thread's scratch space: simd-json parses in place, so it parses
/// a padded copy of the message; its working buffers and its tape are
/// kept between messages so that decoding allocates none of them.
struct Scratch {
    copy: Vec<u8>,
    buffers: simd_json::Buffers,
    /// Empty between messages (hence `'static`).
    tape: simd_json::Tape<'static>,
}

const CACHE_LINE: usize = 64;

/// serde_json refuses a 128th level of nested arrays and objects;
/// simd-json, told the same limit, leaves such a message to it.
const MAX_DEPTH: usize = 127;

/// A copy larger than this (a message of about a megabyte) is not kept
/// after its message: a rare large message would otherwise leave every
/// thread that met one holding its copy, buffers and tape for good.
const KEEP_AT_MOST: usize = 1 << 20;

impl Scratch {
    fn new() -> Self {
        Scratch {
            copy: Vec::new(),
            buffers: simd_json::Buffers::with_max_depth(0, MAX_DEPTH),
            tape: simd_json::Tape(Vec::new()),
        }
    }
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::new());
}

/// Runs `parse` over simd-json's tape of `bytes`, built in this thread's
/// scratch space. For an envelope (`layout`), `parse` is also given the
/// type and version looked up on the tape, for when the payload comes
/// first: the tape skips the payload in one step, where a scan of the
/// bytes would walk it.
fn with_tape<T>(
    bytes: &[u8],
    layout: Option<&EnvelopeLayout>,
    parse: impl for<'t> FnOnce(Lookahead<'t>, &mut simd_json::Deserializer<'t>) -> Option<T>,
) -> Option<T> {
    SCRATCH.with(|scratch| {
        let mut scratch = scratch.try_borrow_mut().ok()?;
        let parsed = parse_in(&mut scratch, bytes, layout, parse);
        if scratch.copy.capacity() > KEEP_AT_MOST {
            *scratch = Scratch::new();
        }
        parsed
    })
}

/// [`with_tape`] in the given scratch space.
fn parse_in<T>(
    scratch: &mut Scratch,
    bytes: &[u8],
    layout: Option<&EnvelopeLayout>,
    parse: impl for<'t> FnOnce(Lookahead<'t>, &mut simd_json::Deserializer<'t>) -> Option<T>,
) -> Option<T> {
    let Scratch { copy, buffers, tape } = scratch;
    // The copy starts on a cache line, as simd-json's own copy would,
    // so no vector load straddles two lines; the padding after it
    // lets simd-json read past the end without a copy of its own.
    copy.clear();
    copy.reserve(CACHE_LINE + bytes.len() + simd_json::INPUT_PADDING);
    // `align_offset` may answer `usize::MAX` (its contract); capped,
    // the start stays inside what was reserved, aligned or not.
    let start = copy.as_ptr().align_offset(CACHE_LINE).min(CACHE_LINE);
    copy.resize(start, b' ');
    copy.extend_from_slice(bytes);
    copy.resize(start + bytes.len() + simd_json::INPUT_PADDING, b' ');
    let mut filled = std::mem::replace(tape, simd_json::Tape(Vec::new())).reset();
    simd_json::fill_tape_padded(&mut copy[start..], bytes.len(), buffers, &mut filled).ok()?;
    let lookahead = layout.map_or(Lookahead::Nothing, |layout| crate::prescan::on_tape(layout, &filled.0));
    let mut de = simd_json::Deserializer::from_tape(filled);
    let parsed = parse(lookahead, &mut de);
    *tape = de.into_tape().reset();
    parsed
}

/// [`super::from_slice`], parsed by simd-json.
pub fn from_slice<H, E>(layout: &EnvelopeLayout, bytes: &[u8]) -> Result<(H, E), DecodeError>
where
    H: DeserializeOwned,
    E: EventSet,
{
    match try_from_slice(layout, bytes) {
        Some(decoded) => Ok(decoded),
        None => super::from_slice(layout, bytes),
    }
}

/// simd-json alone: `None` for anything it does not decode (invalid
/// input, or a leading payload the scan ahead cannot place), without
/// saying why; [`from_slice`] then asks serde_json.
pub fn try_from_slice<H, E>(layout: &EnvelopeLayout, bytes: &[u8]) -> Option<(H, E)>
where
    H: DeserializeOwned,
    E: EventSet,
{
    with_tape(bytes, Some(layout), |lookahead, de| {
        let mut state = State::<E, NoRawPayload>::new(layout);
        state.lookahead = lookahead;
        let header = decode::<H, E, _, _, _>(&mut state, de).ok()?;
        Some((header, state.event?))
    })
}

/// [`super::from_slice_nested`], parsed by simd-json.
pub fn from_slice_nested<H, E>(layout: &EnvelopeLayout, bytes: &[u8]) -> Result<(H, E), DecodeError>
where
    H: for<'de> NestedHeader<'de> + DeserializeOwned,
    E: EventSet,
{
    let decoded = with_tape(bytes, Some(layout), |lookahead, de| decode_nested::<H, E, NoRawPayload, _>(layout, lookahead, de));
    match decoded {
        Some(decoded) => Ok(decoded),
        None => super::from_slice_nested(layout, bytes),
    }
}

/// [`super::from_slice_flat`], parsed by simd-json.
pub fn from_slice_flat<H, E>(layout: &EnvelopeLayout, bytes: &[u8]) -> Result<(H, E), DecodeError>
where
    H: for<'de> FlatHeader<'de> + DeserializeOwned,
    E: EventSet,
{
    let decoded = with_tape(bytes, Some(layout), |lookahead, de| {
        let mut state = State::<E, NoRawPayload>::new(layout);
        let header = flat::decode_flat::<H, E, NoRawPayload, _>(&mut state, lookahead, de)?;
        Some((header, state.event?))
    });
    match decoded {
        Some(decoded) => Ok(decoded),
        None => super::from_slice_flat(layout, bytes),
    }
}

/// [`super::payload_from_slice`], parsed by simd-json.
pub fn payload_from_slice<E: EventSet>(event_type: &str, version: u32, bytes: &[u8]) -> Result<E, DecodeError> {
    match try_payload_from_slice(event_type, version, bytes) {
        Some(event) => Ok(event),
        None => super::payload_from_slice(event_type, version, bytes),
    }
}

/// simd-json alone; see [`try_from_slice`].
pub fn try_payload_from_slice<E: EventSet>(event_type: &str, version: u32, bytes: &[u8]) -> Option<E> {
    with_tape(bytes, None, |_, de| {
        let mut event = None;
        E::decode_payload(event_type, u64::from(version), de, &mut event).ok()?;
        event
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept() -> usize {
        SCRATCH.with(|scratch| scratch.borrow().copy.capacity())
    }

    #[test]
    fn a_thread_keeps_its_buffers_but_not_those_of_a_large_message() {
        let small = br#"{"a": [1, 2, 3]}"#;
        assert_eq!(with_tape(small, None, |_, _| Some(())), Some(()));
        let after_small = kept();
        assert!(after_small >= small.len(), "kept {after_small} bytes");
        assert_eq!(with_tape(small, None, |_, _| Some(())), Some(()));
        assert_eq!(kept(), after_small, "the same buffers serve the next message");

        let large = format!("[{}0]", "0,".repeat(KEEP_AT_MOST));
        assert_eq!(with_tape(large.as_bytes(), None, |_, _| Some(())), Some(()));
        assert!(kept() <= KEEP_AT_MOST, "kept {} bytes after a {}-byte message", kept(), large.len());
        // Nor when the large message is refused.
        assert_eq!(with_tape(&large.as_bytes()[1..], None, |_, _| Some(())), None);
        assert!(kept() <= KEEP_AT_MOST, "kept {} bytes after a refused message", kept());
    }
}
