//! One-pass envelope decoding and type-driven envelope encoding.
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
//! Encoding is the reverse: type and version are written from the payload's
//! own type, so a producer cannot mislabel an event.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::ser::{self, Impossible, SerializeStruct, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::DecodeError;
use crate::prescan::Lookahead;

mod flat;

pub use flat::{FlatHeader, PayloadMark, TypeMark, VersionMark, from_slice_flat, try_from_slice_flat};

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
struct WireVersion(u64);

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
    fn keys(&self, wire_parent: bool) -> Keys {
        let split = |path: &'static [&'static str]| match path {
            [only] => (Some(*only), None),
            [_, leaf] => (None, Some(*leaf)),
            _ => (None, None),
        };
        let (root_type, nested_type) = split(self.type_path);
        let (root_version, nested_version) = split(self.version_path);
        Keys { root_type, root_version, nested_type, nested_version, payload: self.payload_key, parent: self.nested_parent(), wire_parent }
    }

    fn pointer(path: &[&str]) -> String {
        path.iter().map(|segment| format!("/{segment}")).collect()
    }
}

/// The keys of an [`EnvelopeLayout`] by level: every key of a message is
/// looked up here, so this is a few comparisons, not a walk of the paths.
#[derive(Clone, Copy)]
struct Keys {
    root_type: Option<&'static str>,
    root_version: Option<&'static str>,
    nested_type: Option<&'static str>,
    nested_version: Option<&'static str>,
    payload: &'static str,
    parent: Option<&'static str>,
    wire_parent: bool,
}

impl Keys {
    fn role(&self, level: Level, key: &str) -> Role {
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
enum Level {
    Root,
    Nested,
}

#[derive(Clone, Copy)]
enum Role {
    Type,
    Version,
    Payload,
    NestedParent,
    /// The nested parent, decoded whole by its generated wire type.
    WireParent,
    Other,
}

/// What a generated event enum does for the envelope: decode a payload given
/// its (type, version), and say which type and version a value has.
pub trait Dispatch: Sized + Serialize {
    /// Decodes the payload of `(event_type, version)` into its variant,
    /// written to `event` (where the caller keeps it: the event is as large
    /// as the set's largest payload, so it is not passed back by value).
    ///
    /// Must consume the payload even when the pair is unknown (decode it as
    /// `serde::de::IgnoredAny`) and answer [`Routed::Unknown`].
    fn decode_payload<'de, D: Deserializer<'de>>(
        event_type: &str,
        version: u64,
        payload: D,
        event: &mut Option<Self>,
    ) -> Result<Routed, D::Error>;

    /// The versions known for an event type; empty when the type is unknown.
    fn known_versions(event_type: &str) -> &'static [u32];

    /// The event type of this value.
    fn event_type(&self) -> &'static str;

    /// The version of this value.
    fn version(&self) -> u32;

    /// The type as written on the wire: the event type, with `.v<N>` when
    /// the version is a suffix of the type.
    fn wire_type(&self) -> &'static str;
}

/// The outcome of [`Dispatch::decode_payload`].
pub enum Routed {
    /// The pair is known and the payload decoded.
    Known,
    /// No variant has this (type, version).
    Unknown,
}

impl Routed {
    /// A known pair's arm of [`Dispatch::decode_payload`]: decodes the
    /// payload as `variant`'s type and writes it into `event`.
    #[inline(always)]
    pub fn decode<'de, T, E, D>(payload: D, event: &mut Option<E>, variant: impl FnOnce(T) -> E) -> Result<Routed, D::Error>
    where
        T: Deserialize<'de>,
        D: Deserializer<'de>,
    {
        *event = Some(variant(T::deserialize(payload)?));
        Ok(Routed::Known)
    }
}

/// A header whose type and version sit in a nested object (KFM's `meta`),
/// implemented by the generated code. Its wire type decodes that object
/// whole, type and version included as plain fields, so none of its keys
/// is looked at twice; the header's other root fields decode as `Rest`.
pub trait NestedHeader<'de>: Deserialize<'de> {
    /// The nested object as it travels: its fields, type and version.
    type Wire: Deserialize<'de>;
    /// The header's root fields other than the nested object.
    type Rest: Deserialize<'de>;
    /// The nested object as the header keeps it (without type and version).
    type Parent;
    /// The header holds nothing but the nested object (KFM's `{meta}`): the
    /// root then has only that object and the payload, read directly rather
    /// than through the interception that serves the header's own keys.
    const SOLE_PARENT: bool = false;
    /// Splits the wire object into the header's part and the type and
    /// version it carried.
    fn split(wire: Self::Wire) -> (Self::Parent, Carried<'de>);
    /// Puts the header together.
    fn assemble(rest: Self::Rest, parent: Self::Parent) -> Self;
}

/// The type and version a nested object carried, each `None` where the
/// layout keeps it elsewhere.
pub type Carried<'de> = (Option<Cow<'de, str>>, Option<u64>);

/// [`from_slice`] for a header with a nested type and version: the same
/// one pass, with the nested object decoded by its generated wire type. Any
/// message that path does not decode goes to [`from_slice`], which decides
/// and explains exactly as for any other header.
pub fn from_slice_nested<'de, H, E>(layout: &EnvelopeLayout, bytes: &'de [u8]) -> Result<(H, E), DecodeError>
where
    H: NestedHeader<'de>,
    E: Dispatch,
{
    match try_from_slice_nested(layout, bytes) {
        Some(decoded) => Ok(decoded),
        None => from_slice(layout, bytes),
    }
}

/// The wire-type path of [`from_slice_nested`] alone: `None` for anything
/// it does not decode (invalid input, a repeated nested object, a type or
/// version other than the scan ahead found), without saying why.
pub fn try_from_slice_nested<'de, H, E>(layout: &EnvelopeLayout, bytes: &'de [u8]) -> Option<(H, E)>
where
    H: NestedHeader<'de>,
    E: Dispatch,
{
    let text = utf8(bytes).ok()?;
    let mut de = serde_json::Deserializer::from_str(text);
    let decoded = decode_nested::<H, E, &RawValue, _>(layout, Lookahead::Text(text), &mut de)?;
    de.end().ok()?;
    Some(decoded)
}

/// One pass with the nested object decoded by `H`'s wire type, over any
/// JSON backend; `None` for anything it does not decode.
fn decode_nested<'de, H, E, R, D>(layout: &EnvelopeLayout, lookahead: Lookahead<'de>, deserializer: D) -> Option<(H, E)>
where
    H: NestedHeader<'de>,
    E: Dispatch,
    R: RawPayload<'de>,
    D: Deserializer<'de>,
{
    let mut state = State::<E, R, WireParent<'de, H>>::new(layout);
    state.lookahead = lookahead;
    let rest = decode::<H::Rest, E, _, _, _>(&mut state, deserializer).ok()?;
    Some((H::assemble(rest, state.parent.0.take()?), state.event?))
}

/// What becomes of the nested parent object (e.g. `meta`) during a decode.
trait ParentSlot<'de>: Default {
    /// Whether the parent is decoded whole here (else the header's own
    /// visitor gets it, with type and version taken out key by key).
    const WIRE: bool;
    /// The parent is the header's only field (see [`NestedHeader::SOLE_PARENT`]).
    const SOLE: bool;
    /// Decodes the parent's value, keeps its header part and returns the
    /// type and version it carried.
    fn take<A: MapAccess<'de>>(&mut self, map: &mut A) -> Result<Carried<'de>, A::Error>;
}

/// The header decodes the parent itself.
#[derive(Default)]
struct NoParent;

impl<'de> ParentSlot<'de> for NoParent {
    const WIRE: bool = false;
    const SOLE: bool = false;
    fn take<A: MapAccess<'de>>(&mut self, _: &mut A) -> Result<Carried<'de>, A::Error> {
        unreachable!("the parent key goes to the header when not decoded whole")
    }
}

/// The parent, decoded whole by `H`'s wire type.
struct WireParent<'de, H: NestedHeader<'de>>(Option<H::Parent>);

impl<'de, H: NestedHeader<'de>> Default for WireParent<'de, H> {
    fn default() -> Self {
        WireParent(None)
    }
}

impl<'de, H: NestedHeader<'de>> ParentSlot<'de> for WireParent<'de, H> {
    const WIRE: bool = true;
    const SOLE: bool = H::SOLE_PARENT;
    fn take<A: MapAccess<'de>>(&mut self, map: &mut A) -> Result<Carried<'de>, A::Error> {
        if self.0.is_some() {
            return Err(de::Error::custom("the nested header object appears twice"));
        }
        let (parent, carried) = H::split(map.next_value::<H::Wire>()?);
        self.0 = Some(parent);
        Ok(carried)
    }
}

/// Decodes an envelope from bytes: header, then the event.
pub fn from_slice<'de, H, E>(
    layout: &EnvelopeLayout,
    bytes: &'de [u8],
) -> Result<(H, E), DecodeError>
where
    H: Deserialize<'de>,
    E: Dispatch,
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
    E: Dispatch,
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
fn utf8(bytes: &[u8]) -> Result<&str, serde_json::Error> {
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
pub fn payload_from_slice<E: Dispatch>(event_type: &str, version: u32, bytes: &[u8]) -> Result<E, DecodeError> {
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

/// The fast path over simd-json, a SIMD JSON parser (cargo feature
/// `fast-json`): the same one-pass decode over simd-json's tape, with
/// serde_json kept for the cold path, so a failure is explained exactly as
/// [`from_slice`] explains it. simd-json was measured against sonic-rs on
/// the benchmark's inputs and kept (BENCHMARKS.md).
#[cfg(feature = "fast-json")]
pub mod fast {
    use std::cell::RefCell;

    use serde::de::DeserializeOwned;

    use super::*;

    /// No raw payload on this path: a payload before type and version that
    /// the scan ahead cannot place sends the message to the serde_json path.
    struct NoRawPayload;

    impl<'de> Deserialize<'de> for NoRawPayload {
        fn deserialize<D: Deserializer<'de>>(_: D) -> Result<Self, D::Error> {
            Err(de::Error::custom("a raw payload is left to the serde_json path"))
        }
    }

    impl<'de> RawPayload<'de> for NoRawPayload {
        fn route_into<E: Dispatch, P>(&self, _: &mut State<'de, E, Self, P>) -> Result<(), String> {
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
        E: Dispatch,
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
        E: Dispatch,
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
        E: Dispatch,
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
        E: Dispatch,
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
    pub fn payload_from_slice<E: Dispatch>(event_type: &str, version: u32, bytes: &[u8]) -> Result<E, DecodeError> {
        match try_payload_from_slice(event_type, version, bytes) {
            Some(event) => Ok(event),
            None => super::payload_from_slice(event_type, version, bytes),
        }
    }

    /// simd-json alone; see [`try_from_slice`].
    pub fn try_payload_from_slice<E: Dispatch>(event_type: &str, version: u32, bytes: &[u8]) -> Option<E> {
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
}

/// Fills a subject template (`usage.metered.{event_type}`) from a payload's
/// JSON: `None` when a `{field}` is missing or not a string.
pub fn fill_subject(template: &str, payload: &serde_json::Value) -> Option<String> {
    let tokens: Option<Vec<&str>> = template
        .split('.')
        .map(|token| match token.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
            Some(field) => payload.get(field).and_then(serde_json::Value::as_str),
            None => Some(token),
        })
        .collect();
    tokens.map(|tokens| tokens.join("."))
}

/// Whether a NATS subject matches a subject pattern: `*` matches one token,
/// a final `>` one or more.
pub fn subject_matches(pattern: &str, subject: &str) -> bool {
    // Decoding tries every pattern in turn: most differ from the subject in
    // a literal byte before any wildcard, and are settled there, without
    // searching the pattern or splitting either.
    let (pattern_bytes, subject_bytes) = (pattern.as_bytes(), subject.as_bytes());
    let common = pattern_bytes.iter().zip(subject_bytes).take_while(|(p, s)| p == s).count();
    let wildcard = |byte: &u8| matches!(byte, b'*' | b'>');
    if !pattern_bytes[..common].iter().any(wildcard) {
        match pattern_bytes.get(common) {
            None => return common == subject_bytes.len(),
            Some(byte) if !wildcard(byte) => return false,
            Some(_) => {}
        }
    }
    // Token by token over the bytes (`str::split` costs more than the
    // decode of a small payload's envelope-less dispatch can afford).
    let (mut pattern_rest, mut subject_rest) = (Some(pattern_bytes), Some(subject_bytes));
    while let Some(pattern_tokens) = pattern_rest {
        let Some(subject_tokens) = subject_rest else { return false };
        let (pattern_token, pattern_after) = first_token(pattern_tokens);
        let (subject_token, subject_after) = first_token(subject_tokens);
        match pattern_token {
            b">" => return !subject_token.is_empty(),
            b"*" if !subject_token.is_empty() => {}
            literal if literal == subject_token => {}
            _ => return false,
        }
        (pattern_rest, subject_rest) = (pattern_after, subject_after);
    }
    subject_rest.is_none()
}

/// The first `.`-separated token and what follows its dot, if there is one.
fn first_token(tokens: &[u8]) -> (&[u8], Option<&[u8]>) {
    match tokens.iter().position(|&byte| byte == b'.') {
        Some(dot) => (&tokens[..dot], Some(&tokens[dot + 1..])),
        None => (tokens, None),
    }
}

/// The cold path: the fast decode failed, so decode again with path tracking
/// to say where, and turn what went wrong into a [`DecodeError`].
fn explain_failure<'de, H, E>(
    layout: &EnvelopeLayout,
    bytes: &'de [u8],
    state: State<'de, E>,
    error: serde_json::Error,
) -> DecodeError
where
    H: Deserialize<'de>,
    E: Dispatch,
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
fn decode_tracked<'de, H, E>(
    layout: &EnvelopeLayout,
    bytes: &'de [u8],
    presumed: Option<(&str, Option<u64>)>,
) -> (State<'de, E>, serde_path_to_error::Track, Result<H, serde_json::Error>)
where
    H: Deserialize<'de>,
    E: Dispatch,
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
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}

fn json_pointer(path: &serde_path_to_error::Path) -> String {
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

enum Failure {
    UnknownType(String),
    UnknownVersion(String, u64),
    Payload {
        event_type: String,
        version: u64,
        raw_prefix: bool,
    },
    MissingField(&'static [&'static str]),
    /// The parser met a type or version other than the scan ahead found.
    PrescanMismatch,
}

/// A payload kept undecoded because it came before the type and version:
/// each JSON backend borrows it from the input its own way, and decodes it
/// once they are known.
trait RawPayload<'de>: Deserialize<'de> {
    fn route_into<E: Dispatch, P>(&self, state: &mut State<'de, E, Self, P>) -> Result<(), String>
    where
        Self: Sized;
}

impl<'de> RawPayload<'de> for &'de RawValue {
    fn route_into<E: Dispatch, P>(&self, state: &mut State<'de, E, Self, P>) -> Result<(), String> {
        let mut payload = serde_json::Deserializer::from_str(self.get());
        state.route(&mut payload, true).map_err(|e| e.to_string())
    }
}

struct State<'de, E, R = &'de RawValue, P = NoParent> {
    layout: EnvelopeLayout,
    event_type: Option<Cow<'de, str>>,
    version: Option<u64>,
    event: Option<E>,
    raw_payload: Option<R>,
    failure: Option<Failure>,
    /// How to find the type and version when the payload comes first
    /// (see `prescan`).
    lookahead: Lookahead<'de>,
    /// Type and version came from the scan; the parser must meet the same.
    prescanned: bool,
    /// The parser met the type's key, or the version's (at most once each,
    /// as serde's derived structs refuse a key met twice).
    type_met: bool,
    version_met: bool,
    /// Where a generated wire type puts the nested parent it decoded.
    parent: P,
}

impl<'de, E: Dispatch, R, P: ParentSlot<'de>> State<'de, E, R, P> {
    fn new(layout: &EnvelopeLayout) -> Self {
        State {
            layout: *layout,
            event_type: None,
            version: None,
            event: None,
            raw_payload: None,
            failure: None,
            lookahead: Lookahead::Nothing,
            prescanned: false,
            type_met: false,
            version_met: false,
            parent: P::default(),
        }
    }
}

impl<'de, E: Dispatch, R: RawPayload<'de>, P: ParentSlot<'de>> State<'de, E, R, P> {
    /// Reads the payload's value: into its variant when type and version
    /// are known (met already, or found by the scan ahead), else kept raw
    /// until they are.
    fn read_payload<A: MapAccess<'de>>(&mut self, map: &mut A) -> Result<(), A::Error> {
        map.next_value_seed(PayloadSeed { state: self })
    }

    /// [`State::read_payload`] given the payload's value.
    fn read_payload_value<D: Deserializer<'de>>(&mut self, payload: D) -> Result<(), D::Error> {
        // As serde's derived structs refuse a key met twice: the event must
        // not depend on which of two payloads a reader keeps.
        if self.event.is_some() || self.raw_payload.is_some() {
            return Err(de::Error::duplicate_field(self.layout.payload_key));
        }
        self.scan_ahead();
        if self.event_type.is_some() && self.version.is_some() {
            self.route(payload, false)
        } else {
            self.raw_payload = Some(R::deserialize(payload)?);
            Ok(())
        }
    }

    /// Reads the nested parent's value whole through its wire type and
    /// takes the type and version it carried.
    fn read_wire_parent<A: MapAccess<'de>>(&mut self, map: &mut A) -> Result<(), A::Error> {
        let (event_type, version) = self.parent.take(map)?;
        if let Some(event_type) = event_type {
            self.take_type(event_type).map_err(de::Error::custom)?;
        }
        if let Some(version) = version {
            self.take_version(version).map_err(de::Error::custom)?;
        }
        Ok(())
    }
}

/// serde's message for a key met twice, for the last key of `path`.
fn duplicate(path: &[&str]) -> String {
    format!("duplicate field `{}`", path.last().copied().unwrap_or_default())
}

impl<'de, E: Dispatch, R, P> State<'de, E, R, P> {
    /// Takes the event type (with its version, when the version is a
    /// suffix of the type) as read at the type's place.
    fn take_type(&mut self, event_type: Cow<'de, str>) -> Result<(), String> {
        if std::mem::replace(&mut self.type_met, true) {
            return Err(duplicate(self.layout.type_path));
        }
        self.set_type(event_type)
    }

    /// Sets the event type, met by the parser or found by the scan ahead.
    fn set_type(&mut self, event_type: Cow<'de, str>) -> Result<(), String> {
        let (event_type, suffix_version) = if self.layout.version_format == VersionFormat::TypeSuffix {
            let Some((base, version)) = split_type_suffix(&event_type) else {
                return Err(format!("event type {event_type:?} does not end in a version suffix like `.v1`"));
            };
            let base_len = base.len();
            let base = match event_type {
                Cow::Borrowed(text) => Cow::Borrowed(&text[..base_len]),
                Cow::Owned(mut text) => {
                    text.truncate(base_len);
                    Cow::Owned(text)
                }
            };
            (base, Some(version))
        } else {
            (event_type, None)
        };
        if self.prescanned && (self.event_type.as_deref() != Some(&*event_type) || suffix_version.is_some_and(|v| self.version != Some(v))) {
            self.failure = Some(Failure::PrescanMismatch);
            return Err("the type differs from the one scanned ahead".to_owned());
        }
        self.event_type = Some(event_type);
        if suffix_version.is_some() {
            self.version = suffix_version;
        }
        Ok(())
    }

    fn take_version(&mut self, version: u64) -> Result<(), String> {
        if std::mem::replace(&mut self.version_met, true) {
            return Err(duplicate(self.layout.version_path));
        }
        if self.prescanned && self.version != Some(version) {
            self.failure = Some(Failure::PrescanMismatch);
            return Err("the version differs from the one scanned ahead".to_owned());
        }
        self.version = Some(version);
        Ok(())
    }

    /// At the payload: when it comes before type and version, finds them by
    /// scanning ahead, so the payload is decoded as it is met.
    fn scan_ahead(&mut self) {
        let lookahead = std::mem::take(&mut self.lookahead);
        if self.event_type.is_some() || self.version.is_some() {
            return;
        }
        let Some((event_type, version)) = lookahead.type_and_version(&self.layout) else { return };
        self.presume(Cow::Borrowed(event_type), version);
    }

    /// Takes a type and version found ahead of the parser, which must then
    /// meet the same.
    fn presume(&mut self, event_type: Cow<'de, str>, version: Option<u64>) {
        // Nothing is taken when the type is refused (no version suffix).
        if self.set_type(event_type).is_err() {
            return;
        }
        if let Some(version) = version {
            self.version = Some(version);
        }
        self.prescanned = true;
    }

    fn route<'p, D: Deserializer<'p>>(&mut self, payload: D, raw_prefix: bool) -> Result<(), D::Error> {
        let (Some(event_type), Some(version)) = (self.event_type.as_deref(), self.version) else {
            unreachable!("route is called once type and version are known")
        };
        match E::decode_payload(event_type, version, payload, &mut self.event) {
            Ok(Routed::Known) => Ok(()),
            Ok(Routed::Unknown) => {
                let event_type = event_type.to_owned();
                let failure = if E::known_versions(&event_type).is_empty() {
                    Failure::UnknownType(event_type)
                } else {
                    Failure::UnknownVersion(event_type, version)
                };
                self.failure = Some(failure);
                Err(de::Error::custom("unknown event"))
            }
            Err(error) => {
                self.failure = Some(Failure::Payload {
                    event_type: event_type.to_owned(),
                    version,
                    raw_prefix,
                });
                Err(error)
            }
        }
    }
}

/// Decodes the header and returns it; the event is left in `state.event`,
/// where the caller takes it, so the event (as large as the set's largest
/// payload) is not moved through every layer of the parser on its way out.
fn decode<'de, H, E, R, P, D>(state: &mut State<'de, E, R, P>, deserializer: D) -> Result<H, D::Error>
where
    H: Deserialize<'de>,
    E: Dispatch,
    R: RawPayload<'de>,
    P: ParentSlot<'de>,
    D: Deserializer<'de>,
{
    deserializer.deserialize_map(RootVisitor {
        state,
        header: PhantomData,
    })
}

struct RootVisitor<'s, 'de, H, E, R, P> {
    state: &'s mut State<'de, E, R, P>,
    header: PhantomData<H>,
}

impl<'de, H, E, R, P> Visitor<'de> for RootVisitor<'_, 'de, H, E, R, P>
where
    H: Deserialize<'de>,
    E: Dispatch,
    R: RawPayload<'de>,
    P: ParentSlot<'de>,
{
    type Value = H;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an event envelope object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<H, A::Error> {
        let state = self.state;
        let header = if P::SOLE {
            read_sole_parent(state, map)?;
            // The header's part besides the parent: no fields.
            H::deserialize(de::value::MapDeserializer::<_, A::Error>::new(std::iter::empty::<((), ())>()))?
        } else {
            H::deserialize(de::value::MapAccessDeserializer::new(Intercept {
                map,
                keys: state.layout.keys(P::WIRE),
                state: &mut *state,
                level: Level::Root,
                nested_next: false,
            }))?
        };
        let layout = state.layout;
        if state.event_type.is_none() {
            state.failure = Some(Failure::MissingField(layout.type_path));
            return Err(de::Error::missing_field(layout.type_path[layout.type_path.len() - 1]));
        }
        if state.version.is_none() && !layout.version_path.is_empty() {
            state.failure = Some(Failure::MissingField(layout.version_path));
            return Err(de::Error::missing_field(
                layout.version_path[layout.version_path.len() - 1],
            ));
        }
        if state.event.is_none() {
            let Some(raw) = state.raw_payload.take() else {
                return Err(de::Error::missing_field(layout.payload_key));
            };
            let routed = raw.route_into(state);
            state.raw_payload = Some(raw);
            routed.map_err(de::Error::custom)?;
        }
        Ok(header)
    }
}

/// The root of an envelope whose header is only the nested parent: that
/// object (decoded whole) and the payload. Any other key, or the payload
/// twice, is an error here, left to the generic decode to decide and explain.
fn read_sole_parent<'de, A, E, R, P>(state: &mut State<'de, E, R, P>, mut map: A) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
    E: Dispatch,
    R: RawPayload<'de>,
    P: ParentSlot<'de>,
{
    let (parent, payload) = (state.layout.nested_parent(), state.layout.payload_key);
    while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
        if parent == Some(&*key) {
            state.read_wire_parent(&mut map)?;
        } else if key == payload && state.event.is_none() && state.raw_payload.is_none() {
            state.read_payload(&mut map)?;
        } else {
            return Err(de::Error::custom(format_args!("`{key}` is not read on the sole-parent path")));
        }
    }
    Ok(())
}

/// A map access that takes the type, version and payload keys out of the
/// stream and hands every other key to the header's own visitor.
struct Intercept<'s, 'de, A, E, R, P> {
    map: A,
    keys: Keys,
    state: &'s mut State<'de, E, R, P>,
    level: Level,
    nested_next: bool,
}

impl<'de, A, E, R, P> MapAccess<'de> for Intercept<'_, 'de, A, E, R, P>
where
    A: MapAccess<'de>,
    E: Dispatch,
    R: RawPayload<'de>,
    P: ParentSlot<'de>,
{
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        let mut seed = seed;
        loop {
            let keyed = self.map.next_key_seed(RoleSeed { keys: self.keys, level: self.level, seed })?;
            let role = match keyed {
                None => return Ok(None),
                Some(Keyed::Header(key)) => return Ok(Some(key)),
                Some(Keyed::NestedParent(key)) => {
                    self.nested_next = true;
                    return Ok(Some(key));
                }
                Some(Keyed::Ours(role, unused)) => {
                    seed = unused;
                    role
                }
            };
            match role {
                Role::Type => {
                    let Key(event_type) = self.map.next_value::<Key<'de>>()?;
                    self.state.take_type(event_type).map_err(de::Error::custom)?;
                }
                Role::Version => {
                    let WireVersion(version) = self.map.next_value()?;
                    self.state.take_version(version).map_err(de::Error::custom)?;
                }
                Role::Payload => self.state.read_payload(&mut self.map)?,
                Role::WireParent => self.state.read_wire_parent(&mut self.map)?,
                Role::NestedParent | Role::Other => unreachable!("handed to the header above"),
            }
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        if std::mem::take(&mut self.nested_next) {
            self.map.next_value_seed(NestedSeed {
                seed,
                state: &mut *self.state,
            })
        } else {
            self.map.next_value_seed(seed)
        }
    }
}

struct PayloadSeed<'s, 'de, E, R, P> {
    state: &'s mut State<'de, E, R, P>,
}

impl<'de, E: Dispatch, R: RawPayload<'de>, P: ParentSlot<'de>> DeserializeSeed<'de> for PayloadSeed<'_, 'de, E, R, P> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        self.state.read_payload_value(deserializer)
    }
}

/// Wraps the value of the nested parent key (e.g. `meta`) so that its own map
/// access is intercepted too.
struct NestedSeed<'s, 'de, S, E, R, P> {
    seed: S,
    state: &'s mut State<'de, E, R, P>,
}

impl<'de, S: DeserializeSeed<'de>, E: Dispatch, R: RawPayload<'de>, P: ParentSlot<'de>> DeserializeSeed<'de> for NestedSeed<'_, 'de, S, E, R, P> {
    type Value = S::Value;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        self.seed.deserialize(NestedDeserializer {
            inner: deserializer,
            state: self.state,
        })
    }
}

struct NestedDeserializer<'s, 'de, D, E, R, P> {
    inner: D,
    state: &'s mut State<'de, E, R, P>,
}

impl<'de, D: Deserializer<'de>, E: Dispatch, R: RawPayload<'de>, P: ParentSlot<'de>> Deserializer<'de> for NestedDeserializer<'_, 'de, D, E, R, P> {
    type Error = D::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_map(NestedVisitor {
            visitor,
            state: self.state,
        })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

struct NestedVisitor<'s, 'de, V, E, R, P> {
    visitor: V,
    state: &'s mut State<'de, E, R, P>,
}

impl<'de, V: Visitor<'de>, E: Dispatch, R: RawPayload<'de>, P: ParentSlot<'de>> Visitor<'de> for NestedVisitor<'_, 'de, V, E, R, P> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.visitor.expecting(f)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.visitor.visit_map(Intercept {
            map,
            keys: self.state.layout.keys(P::WIRE),
            state: self.state,
            level: Level::Nested,
            nested_next: false,
        })
    }
}

/// An object key or string value, borrowed from the input where it has no
/// escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// Reads a key and sorts it in one step: the header's keys go straight to
/// the header's own key seed (no copy, no second look), ours come back
/// with the seed unused.
struct RoleSeed<K> {
    keys: Keys,
    level: Level,
    seed: K,
}

enum Keyed<K, V> {
    /// A key of the header, as its seed made it.
    Header(V),
    /// The header's key that holds the nested type and version.
    NestedParent(V),
    /// Type, version or payload, with the seed for the next key.
    Ours(Role, K),
}

impl<'de, K: DeserializeSeed<'de>> DeserializeSeed<'de> for RoleSeed<K> {
    type Value = Keyed<K, K::Value>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<K> RoleSeed<K> {
    fn sort<'de, E: de::Error>(self, key: &str, header_key: impl FnOnce(K) -> Result<K::Value, E>) -> Result<Keyed<K, K::Value>, E>
    where
        K: DeserializeSeed<'de>,
    {
        match self.keys.role(self.level, key) {
            Role::Other => header_key(self.seed).map(Keyed::Header),
            Role::NestedParent => header_key(self.seed).map(Keyed::NestedParent),
            role => Ok(Keyed::Ours(role, self.seed)),
        }
    }
}

impl<'de, K: DeserializeSeed<'de>> Visitor<'de> for RoleSeed<K> {
    type Value = Keyed<K, K::Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<Self::Value, E> {
        self.sort(key, |seed| seed.deserialize(de::value::BorrowedStrDeserializer::new(key)))
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        self.sort(key, |seed| seed.deserialize(de::value::StrDeserializer::new(key)))
    }
}

/// Encodes an envelope: the header's fields, with the type, version and
/// payload written where the layout says, taken from the event itself.
pub fn serialize<H, E, S>(
    layout: &EnvelopeLayout,
    header: &H,
    event: &E,
    serializer: S,
) -> Result<S::Ok, S::Error>
where
    H: Serialize,
    E: Dispatch,
    S: Serializer,
{
    header.serialize(Inject {
        inner: serializer,
        extras: Extras {
            layout,
            event,
            level: Level::Root,
        },
    })
}

struct Extras<'a, E> {
    layout: &'a EnvelopeLayout,
    event: &'a E,
    level: Level,
}

impl<E> Clone for Extras<'_, E> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<E> Copy for Extras<'_, E> {}

impl<E: Dispatch> Extras<'_, E> {
    #[inline]
    fn count(&self) -> usize {
        let at_level = |path: &[&str]| match (self.level, path.len()) {
            (Level::Root, 1) | (Level::Nested, 2) => 1,
            _ => 0,
        };
        at_level(self.layout.type_path)
            + at_level(self.layout.version_path)
            + usize::from(self.level == Level::Root)
    }

    #[inline]
    fn write<S: SerializeStruct>(&self, out: &mut S) -> Result<(), S::Error> {
        let leaf = |path: &'static [&'static str]| match (self.level, path) {
            (Level::Root, [only]) => Some(*only),
            (Level::Nested, [_, leaf]) => Some(*leaf),
            _ => None,
        };
        if let Some(key) = leaf(self.layout.type_path) {
            out.serialize_field(key, self.event.wire_type())?;
        }
        if let Some(key) = leaf(self.layout.version_path) {
            out.serialize_field(key, &self.event.version())?;
        }
        if self.level == Level::Root {
            out.serialize_field(self.layout.payload_key, self.event)?;
        }
        Ok(())
    }
}

/// A serializer that accepts one struct and adds the envelope's fields to it.
struct Inject<'a, S, E> {
    inner: S,
    extras: Extras<'a, E>,
}

/// A value whose struct gets the nested envelope fields added.
struct InjectValue<'a, T: ?Sized, E> {
    value: &'a T,
    extras: Extras<'a, E>,
}

impl<T: ?Sized + Serialize, E: Dispatch> Serialize for InjectValue<'_, T, E> {
    #[inline]
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(Inject {
            inner: serializer,
            extras: self.extras,
        })
    }
}

struct InjectStruct<'a, S, E> {
    inner: S,
    extras: Extras<'a, E>,
}

impl<S: SerializeStruct, E: Dispatch> SerializeStruct for InjectStruct<'_, S, E> {
    type Ok = S::Ok;
    type Error = S::Error;

    #[inline]
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), S::Error> {
        if self.extras.level == Level::Root && self.extras.layout.nested_parent() == Some(key) {
            let extras = Extras {
                level: Level::Nested,
                ..self.extras
            };
            self.inner.serialize_field(key, &InjectValue { value, extras })
        } else {
            self.inner.serialize_field(key, value)
        }
    }

    fn skip_field(&mut self, key: &'static str) -> Result<(), S::Error> {
        self.inner.skip_field(key)
    }

    #[inline]
    fn end(mut self) -> Result<S::Ok, S::Error> {
        self.extras.write(&mut self.inner)?;
        self.inner.end()
    }
}

macro_rules! not_an_object {
    ($($method:ident($($arg:ty),*);)*) => {
        $(fn $method(self, $(_: $arg),*) -> Result<S::Ok, S::Error> {
            Err(ser::Error::custom("an envelope header must serialize as a struct"))
        })*
    };
}

impl<'a, S: Serializer, E: Dispatch> Serializer for Inject<'a, S, E> {
    type Ok = S::Ok;
    type Error = S::Error;
    type SerializeSeq = Impossible<S::Ok, S::Error>;
    type SerializeTuple = Impossible<S::Ok, S::Error>;
    type SerializeTupleStruct = Impossible<S::Ok, S::Error>;
    type SerializeTupleVariant = Impossible<S::Ok, S::Error>;
    type SerializeMap = Impossible<S::Ok, S::Error>;
    type SerializeStruct = InjectStruct<'a, S::SerializeStruct, E>;
    type SerializeStructVariant = Impossible<S::Ok, S::Error>;

    #[inline]
    fn serialize_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStruct, S::Error> {
        let inner = self
            .inner
            .serialize_struct(name, len + self.extras.count())?;
        Ok(InjectStruct {
            inner,
            extras: self.extras,
        })
    }

    not_an_object! {
        serialize_bool(bool); serialize_i8(i8); serialize_i16(i16); serialize_i32(i32);
        serialize_i64(i64); serialize_u8(u8); serialize_u16(u16); serialize_u32(u32);
        serialize_u64(u64); serialize_f32(f32); serialize_f64(f64); serialize_char(char);
        serialize_str(&str); serialize_bytes(&[u8]); serialize_none(); serialize_unit();
        serialize_unit_struct(&'static str);
        serialize_unit_variant(&'static str, u32, &'static str);
    }

    fn serialize_some<T: ?Sized + Serialize>(self, _: &T) -> Result<S::Ok, S::Error> {
        Err(ser::Error::custom("an envelope header must serialize as a struct"))
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<S::Ok, S::Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<S::Ok, S::Error> {
        Err(ser::Error::custom("an envelope header must serialize as a struct"))
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, S::Error> {
        Err(ser::Error::custom("an envelope header must serialize as a struct"))
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, S::Error> {
        Err(ser::Error::custom("an envelope header must serialize as a struct"))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, S::Error> {
        Err(ser::Error::custom("an envelope header must serialize as a struct"))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, S::Error> {
        Err(ser::Error::custom("an envelope header must serialize as a struct"))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, S::Error> {
        Err(ser::Error::custom(
            "an envelope header must serialize as a struct (flattened fields are not supported)",
        ))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, S::Error> {
        Err(ser::Error::custom("an envelope header must serialize as a struct"))
    }
}

#[cfg(test)]
mod tests {
    use super::{split_type_suffix, subject_matches, utf8};

    #[test]
    fn text_that_is_not_utf8_is_located_by_line_and_column() {
        assert_eq!(utf8("{\"a\": \"zürich\"}".as_bytes()).unwrap(), "{\"a\": \"zürich\"}");
        let error = utf8(b"{\n  \"a\": \"\xc3(\"\n}").unwrap_err();
        assert_eq!(error.to_string(), "the message is not UTF-8 (an invalid byte on line 2, column 9); JSON text must be UTF-8");
    }

    #[test]
    /// Against NATS matching written plainly with `str::split`, over every
    /// pattern and subject of up to three tokens from a small alphabet.
    fn subject_matching_agrees_with_splitting_on_dots() {
        fn plain(pattern: &str, subject: &str) -> bool {
            let mut subject_tokens = subject.split('.');
            for pattern_token in pattern.split('.') {
                match (pattern_token, subject_tokens.next()) {
                    (">", Some(token)) => return !token.is_empty(),
                    ("*", Some(token)) if !token.is_empty() => {}
                    (literal, Some(token)) if literal == token => {}
                    _ => return false,
                }
            }
            subject_tokens.next().is_none()
        }
        let tokens = ["a", "b", "ab", "", "*", ">"];
        let mut texts = Vec::new();
        let mut sequences: Vec<Vec<&str>> = vec![Vec::new()];
        for _ in 1..=3 {
            sequences = sequences.iter().flat_map(|s| tokens.iter().map(move |t| [s.as_slice(), &[*t]].concat())).collect();
            texts.extend(sequences.iter().map(|s| s.join(".")));
        }
        for pattern in &texts {
            for subject in &texts {
                assert_eq!(subject_matches(pattern, subject), plain(pattern, subject), "{pattern:?} against {subject:?}");
            }
        }
    }

    #[test]
    fn subjects_match_nats_wildcards() {
        assert!(subject_matches("usage.metered.*", "usage.metered.api_call"));
        assert!(!subject_matches("usage.metered.*", "usage.metered"));
        assert!(!subject_matches("usage.metered.*", "usage.metered.a.b"));
        assert!(subject_matches("ingest.>", "ingest.document.processed"));
        assert!(!subject_matches("ingest.>", "ingest"));
        assert!(subject_matches("alerts.quota_exceeded", "alerts.quota_exceeded"));
        assert!(!subject_matches("alerts.quota_exceeded", "alerts.quota"));
        assert!(subject_matches("orders.*.placed", "orders.eu.placed"));
        assert!(!subject_matches("orders.*.placed", "orders.eu.shipped"));
        assert!(!subject_matches("orders.*.placed", "orders..placed"));
        assert!(!subject_matches("usage.metered.*", "usage.meteredx.api_call"));
        // A subject token that is itself `*` or `>`, before the place where
        // pattern and subject first differ.
        assert!(subject_matches("orders.*.placed", "orders.*x.placed"));
        assert!(subject_matches("orders.*", "orders.*"));
        assert!(!subject_matches("orders.>", "orders"));
        assert!(!subject_matches("orders", "orders.eu"));
        assert!(!subject_matches("orders.eu", "orders"));
    }

    #[test]
    fn subject_templates_fill_from_payload_fields() {
        let payload = serde_json::json!({"event_type": "api_call", "n": 1});
        assert_eq!(super::fill_subject("usage.metered.{event_type}", &payload).as_deref(), Some("usage.metered.api_call"));
        assert_eq!(super::fill_subject("alerts.down", &payload).as_deref(), Some("alerts.down"));
        assert_eq!(super::fill_subject("x.{n}", &payload), None);
        assert_eq!(super::fill_subject("x.{missing}", &payload), None);
    }

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
