//! What a generated event enum does for the decoder: decode a payload given
//! its (type, version), and say which type and version a value has.

use serde::{Deserialize, Deserializer, Serialize};

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
