//! A header whose type and version sit in a nested object (KFM's `meta`):
//! the generated wire type decodes that object whole, type and version as
//! plain fields, so none of its keys is looked at twice.

use serde::de::{self, Deserializer, MapAccess};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::state::{Carried, ParentSlot, RawPayload, State};
use super::visit::decode;
use super::{from_slice, utf8};
use crate::event_set::EventSet;
use crate::layout::EnvelopeLayout;
use crate::prescan::Lookahead;
use crate::DecodeError;

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

/// [`from_slice`] for a header with a nested type and version: the same
/// one pass, with the nested object decoded by its generated wire type. Any
/// message that path does not decode goes to [`from_slice`], which decides
/// and explains exactly as for any other header.
pub fn from_slice_nested<'de, H, E>(layout: &EnvelopeLayout, bytes: &'de [u8]) -> Result<(H, E), DecodeError>
where
    H: NestedHeader<'de>,
    E: EventSet,
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
    E: EventSet,
{
    let text = utf8(bytes).ok()?;
    let mut de = serde_json::Deserializer::from_str(text);
    let decoded = decode_nested::<H, E, &RawValue, _>(layout, Lookahead::Text(text), &mut de)?;
    de.end().ok()?;
    Some(decoded)
}

/// One pass with the nested object decoded by `H`'s wire type, over any
/// JSON backend; `None` for anything it does not decode.
pub(super) fn decode_nested<'de, H, E, R, D>(layout: &EnvelopeLayout, lookahead: Lookahead<'de>, deserializer: D) -> Option<(H, E)>
where
    H: NestedHeader<'de>,
    E: EventSet,
    R: RawPayload<'de>,
    D: Deserializer<'de>,
{
    let mut state = State::<E, R, WireParent<'de, H>>::new(layout);
    state.lookahead = lookahead;
    let rest = decode::<H::Rest, E, _, _, _>(&mut state, deserializer).ok()?;
    Some((H::assemble(rest, state.parent.0.take()?), state.event?))
}

/// The parent, decoded whole by `H`'s wire type.
pub(super) struct WireParent<'de, H: NestedHeader<'de>>(Option<H::Parent>);

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
        let (parent, carried) = H::split(map.next_value_seed(super::objects_only::seed::<H::Wire>())?);
        self.0 = Some(parent);
        Ok(carried)
    }
}
