//! What one decode has met so far: the type, the version, the event or the
//! raw payload waiting for them, and why it failed.

use std::borrow::Cow;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::event_set::{EventSet, Routed};
use crate::layout::{EnvelopeLayout, VersionFormat, split_type_suffix};
use crate::prescan::Lookahead;

/// The type and version a nested object carried, each `None` where the
/// layout keeps it elsewhere.
pub type Carried<'de> = (Option<Cow<'de, str>>, Option<u64>);

/// What becomes of the nested parent object (e.g. `meta`) during a decode.
pub(super) trait ParentSlot<'de>: Default {
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
pub(super) struct NoParent;

impl<'de> ParentSlot<'de> for NoParent {
    const WIRE: bool = false;
    const SOLE: bool = false;
    fn take<A: MapAccess<'de>>(&mut self, _: &mut A) -> Result<Carried<'de>, A::Error> {
        unreachable!("the parent key goes to the header when not decoded whole")
    }
}


pub(super) enum Failure {
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
pub(super) trait RawPayload<'de>: Deserialize<'de> {
    fn route_into<E: EventSet, P>(&self, state: &mut State<'de, E, Self, P>) -> Result<(), String>
    where
        Self: Sized;
}

impl<'de> RawPayload<'de> for &'de RawValue {
    fn route_into<E: EventSet, P>(&self, state: &mut State<'de, E, Self, P>) -> Result<(), String> {
        let mut payload = serde_json::Deserializer::from_str(self.get());
        state.route(&mut payload, true).map_err(|e| e.to_string())
    }
}

pub(super) struct State<'de, E, R = &'de RawValue, P = NoParent> {
    pub(super) layout: EnvelopeLayout,
    pub(super) event_type: Option<Cow<'de, str>>,
    pub(super) version: Option<u64>,
    pub(super) event: Option<E>,
    pub(super) raw_payload: Option<R>,
    pub(super) failure: Option<Failure>,
    /// How to find the type and version when the payload comes first
    /// (see `prescan`).
    pub(super) lookahead: Lookahead<'de>,
    /// Type and version came from the scan; the parser must meet the same.
    pub(super) prescanned: bool,
    /// The parser met the type's key, or the version's (at most once each,
    /// as serde's derived structs refuse a key met twice).
    pub(super) type_met: bool,
    pub(super) version_met: bool,
    /// Where a generated wire type puts the nested parent it decoded.
    pub(super) parent: P,
}

impl<'de, E: EventSet, R, P: ParentSlot<'de>> State<'de, E, R, P> {
    pub(super) fn new(layout: &EnvelopeLayout) -> Self {
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

impl<'de, E: EventSet, R: RawPayload<'de>, P: ParentSlot<'de>> State<'de, E, R, P> {
    /// Reads the payload's value: into its variant when type and version
    /// are known (met already, or found by the scan ahead), else kept raw
    /// until they are.
    pub(super) fn read_payload<A: MapAccess<'de>>(&mut self, map: &mut A) -> Result<(), A::Error> {
        map.next_value_seed(PayloadSeed { state: self })
    }

    /// [`State::read_payload`] given the payload's value.
    pub(super) fn read_payload_value<D: Deserializer<'de>>(&mut self, payload: D) -> Result<(), D::Error> {
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
    pub(super) fn read_wire_parent<A: MapAccess<'de>>(&mut self, map: &mut A) -> Result<(), A::Error> {
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
pub(super) fn duplicate(path: &[&str]) -> String {
    format!("duplicate field `{}`", path.last().copied().unwrap_or_default())
}

impl<'de, E: EventSet, R, P> State<'de, E, R, P> {
    /// Takes the event type (with its version, when the version is a
    /// suffix of the type) as read at the type's place.
    pub(super) fn take_type(&mut self, event_type: Cow<'de, str>) -> Result<(), String> {
        if std::mem::replace(&mut self.type_met, true) {
            return Err(duplicate(self.layout.type_path));
        }
        self.set_type(event_type)
    }

    /// Sets the event type, met by the parser or found by the scan ahead.
    pub(super) fn set_type(&mut self, event_type: Cow<'de, str>) -> Result<(), String> {
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

    pub(super) fn take_version(&mut self, version: u64) -> Result<(), String> {
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
    pub(super) fn scan_ahead(&mut self) {
        let lookahead = std::mem::take(&mut self.lookahead);
        if self.event_type.is_some() || self.version.is_some() {
            return;
        }
        let Some((event_type, version)) = lookahead.type_and_version(&self.layout) else { return };
        self.presume(Cow::Borrowed(event_type), version);
    }

    /// Takes a type and version found ahead of the parser, which must then
    /// meet the same.
    pub(super) fn presume(&mut self, event_type: Cow<'de, str>, version: Option<u64>) {
        // Nothing is taken when the type is refused (no version suffix).
        if self.set_type(event_type).is_err() {
            return;
        }
        if let Some(version) = version {
            self.version = Some(version);
        }
        self.prescanned = true;
    }

    pub(super) fn route<'p, D: Deserializer<'p>>(&mut self, payload: D, raw_prefix: bool) -> Result<(), D::Error> {
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

/// The payload's value, read into the state ([`State::read_payload_value`]).
pub(super) struct PayloadSeed<'s, 'de, E, R, P> {
    pub(super) state: &'s mut State<'de, E, R, P>,
}

impl<'de, E: EventSet, R: RawPayload<'de>, P: ParentSlot<'de>> DeserializeSeed<'de> for PayloadSeed<'_, 'de, E, R, P> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        self.state.read_payload_value(deserializer)
    }
}
