//! One pass for an envelope whose type, version and payload sit at the root
//! beside the header's own fields (a flat layout), without the interception
//! the generic decode puts in front of every key.
//!
//! The generated code gives such a header a wire type: the header's fields
//! with their serde attributes, plus a mark where the type, the version and
//! the payload go ([`TypeMark`], [`VersionMark`], [`PayloadMark`]). serde's
//! derived visitor then reads every key itself, as it reads the header alone,
//! and each mark, as it is decoded, hands its value to the decode's state:
//! the type and version are taken, the payload is decoded straight into its
//! variant (or kept raw until the type is known). Any message this path does
//! not decode goes to the generic path, which decides and explains, so this
//! path only ever answers what that one would.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::state::{RawPayload, State};
use super::visit::Key;
use super::{from_slice, utf8};
use crate::event_set::EventSet;
use crate::layout::{EnvelopeLayout, deserialize_version};
use crate::DecodeError;
use crate::prescan::Lookahead;

/// A header of a flat layout, implemented by the generated code.
pub trait FlatHeader<'de>: Deserialize<'de> {
    /// The root object as it travels: the header's fields and the marks.
    type Wire: Deserialize<'de>;
    /// The header, from the root object's wire form.
    fn from_wire(wire: Self::Wire) -> Self;
}

/// The names the marks ask for; only this module's deserializer answers them.
const TYPE: &str = "$event_contracts::envelope::TypeMark";
const VERSION: &str = "$event_contracts::envelope::VersionMark";
const PAYLOAD: &str = "$event_contracts::envelope::PayloadMark";

macro_rules! marks {
    ($($(#[$doc:meta])* $mark:ident = $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct $mark;

        impl<'de> Deserialize<'de> for $mark {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_newtype_struct($name, MarkVisitor).map(|()| $mark)
            }
        }
    )*};
}

marks! {
    /// Where a flat wire type has the event type: decoding it takes the type.
    TypeMark = TYPE;
    /// Where a flat wire type has the version: decoding it takes the version.
    VersionMark = VERSION;
    /// Where a flat wire type has the payload: decoding it decodes the event.
    PayloadMark = PAYLOAD;
}

/// Accepts what [`Marked`] answers a mark with; any other deserializer
/// offers a newtype struct, which is refused.
struct MarkVisitor;

impl<'de> Visitor<'de> for MarkVisitor {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the envelope's type, version or payload, read by event_contracts's decode")
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

/// Decodes an envelope of a flat layout in one pass through the header's
/// wire type; any message that path does not decode goes to [`from_slice`],
/// which decides and explains exactly as for any other header.
///
/// Inlined, with the generic decode out of line, so the event goes from the
/// decode's state straight into the caller's result: it is as large as the
/// set's largest payload, and every move of it shows.
#[inline]
pub fn from_slice_flat<'de, H, E>(layout: &EnvelopeLayout, bytes: &'de [u8]) -> Result<(H, E), DecodeError>
where
    H: FlatHeader<'de>,
    E: EventSet,
{
    let mut state = State::new(layout);
    if let Some(header) = serde_json_header::<H, E>(&mut state, bytes)
        // Moved out, not taken: the state is not written again, so the
        // event can be copied straight to the caller's result.
        && let Some(event) = state.event
    {
        return Ok((header, event));
    }
    generic(layout, bytes)
}

/// [`from_slice`], kept out of line from [`from_slice_flat`].
#[inline(never)]
#[cold]
fn generic<'de, H, E>(layout: &EnvelopeLayout, bytes: &'de [u8]) -> Result<(H, E), DecodeError>
where
    H: Deserialize<'de>,
    E: EventSet,
{
    from_slice(layout, bytes)
}

/// The wire-type path of [`from_slice_flat`] alone: `None` for anything it
/// does not decode, without saying why.
pub fn try_from_slice_flat<'de, H, E>(layout: &EnvelopeLayout, bytes: &'de [u8]) -> Option<(H, E)>
where
    H: FlatHeader<'de>,
    E: EventSet,
{
    let mut state = State::new(layout);
    let header = serde_json_header::<H, E>(&mut state, bytes)?;
    Some((header, state.event?))
}

/// The header, over serde_json, with the event left in `state`.
#[inline(never)]
fn serde_json_header<'de, H, E>(state: &mut State<'de, E>, bytes: &'de [u8]) -> Option<H>
where
    H: FlatHeader<'de>,
    E: EventSet,
{
    let text = utf8(bytes).ok()?;
    let mut de = serde_json::Deserializer::from_str(text);
    let header = decode_flat::<H, E, &RawValue, _>(state, Lookahead::Text(text), &mut de)?;
    de.end().ok()?;
    Some(header)
}

/// One pass through `H`'s wire type over any JSON backend, the event left
/// in `state`; `None` for anything it does not decode.
pub(super) fn decode_flat<'de, H, E, R, D>(state: &mut State<'de, E, R>, lookahead: Lookahead<'de>, deserializer: D) -> Option<H>
where
    H: FlatHeader<'de>,
    E: EventSet,
    R: RawPayload<'de>,
    D: Deserializer<'de>,
{
    state.lookahead = lookahead;
    let wire = H::Wire::deserialize(Marked { inner: deserializer, state: &mut *state }).ok()?;
    if state.event.is_none() {
        // The payload came before the type and the scan ahead did not find it.
        let raw = state.raw_payload.take()?;
        raw.route_into(state).ok()?;
    }
    Some(H::from_wire(wire))
}

/// The root object: its map access gives each value to [`MarkedValue`].
struct Marked<'s, 'de, D, E, R> {
    inner: D,
    state: &'s mut State<'de, E, R>,
}

impl<'de, D: Deserializer<'de>, E: EventSet, R: RawPayload<'de>> Deserializer<'de> for Marked<'_, 'de, D, E, R> {
    type Error = D::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_map(MarkedVisitor { visitor, state: self.state })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

struct MarkedVisitor<'s, 'de, V, E, R> {
    visitor: V,
    state: &'s mut State<'de, E, R>,
}

impl<'de, V: Visitor<'de>, E: EventSet, R: RawPayload<'de>> Visitor<'de> for MarkedVisitor<'_, 'de, V, E, R> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.visitor.expecting(f)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.visitor.visit_map(MarkedMap { map, state: self.state })
    }
}

/// Keys pass untouched; each value is read through [`MarkedValue`].
struct MarkedMap<'s, 'de, A, E, R> {
    map: A,
    state: &'s mut State<'de, E, R>,
}

impl<'de, A: MapAccess<'de>, E: EventSet, R: RawPayload<'de>> MapAccess<'de> for MarkedMap<'_, 'de, A, E, R> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        self.map.next_key_seed(seed)
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        self.map.next_value_seed(super::objects_only::WrapSeed(MarkedSeed { seed, state: &mut *self.state }))
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
    }
}

struct MarkedSeed<'s, 'de, S, E, R> {
    seed: S,
    state: &'s mut State<'de, E, R>,
}

impl<'de, S: DeserializeSeed<'de>, E: EventSet, R: RawPayload<'de>> DeserializeSeed<'de> for MarkedSeed<'_, 'de, S, E, R> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        self.seed.deserialize(MarkedValue { inner: deserializer, state: self.state })
    }
}

/// A root value: answers the marks from the state and hands every other
/// request to the JSON backend as it is.
struct MarkedValue<'s, 'de, D, E, R> {
    inner: D,
    state: &'s mut State<'de, E, R>,
}

macro_rules! forward {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {$(
        fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, D::Error> {
            self.inner.$method($($arg,)* visitor)
        }
    )*};
}

impl<'de, D: Deserializer<'de>, E: EventSet, R: RawPayload<'de>> Deserializer<'de> for MarkedValue<'_, 'de, D, E, R> {
    type Error = D::Error;

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, name: &'static str, visitor: V) -> Result<V::Value, D::Error> {
        match name {
            TYPE => {
                let Key(event_type) = Key::deserialize(self.inner)?;
                self.state.take_type(event_type).map_err(de::Error::custom)?;
            }
            VERSION => {
                let version = deserialize_version(self.inner)?;
                self.state.take_version(version).map_err(de::Error::custom)?;
            }
            PAYLOAD => self.state.read_payload_value(self.inner)?,
            _ => return self.inner.deserialize_newtype_struct(name, visitor),
        }
        visitor.visit_unit()
    }

    forward! {
        deserialize_any();
        deserialize_bool();
        deserialize_i8();
        deserialize_i16();
        deserialize_i32();
        deserialize_i64();
        deserialize_i128();
        deserialize_u8();
        deserialize_u16();
        deserialize_u32();
        deserialize_u64();
        deserialize_u128();
        deserialize_f32();
        deserialize_f64();
        deserialize_char();
        deserialize_str();
        deserialize_string();
        deserialize_bytes();
        deserialize_byte_buf();
        deserialize_option();
        deserialize_unit();
        deserialize_unit_struct(name: &'static str);
        deserialize_seq();
        deserialize_tuple(len: usize);
        deserialize_tuple_struct(name: &'static str, len: usize);
        deserialize_map();
        deserialize_struct(name: &'static str, fields: &'static [&'static str]);
        deserialize_enum(name: &'static str, variants: &'static [&'static str]);
        deserialize_identifier();
        deserialize_ignored_any();
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}
