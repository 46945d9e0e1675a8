//! The API between a generated crate and the runtime, on the event side:
//! [`EventSet`] for the generated `Event` enum, [`EventPayload`] for each
//! payload type, [`EventInfo`] for the rows of the registry. Generated code
//! implements the required items (its tables and the per-variant calls);
//! everything a consumer or a producer calls is a provided method here, so
//! a fix to it is a runtime release, not a regeneration.

use std::fmt::Debug;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::validation::{ValidationError, Violation};

/// One row of a generated crate's registry: what the contract set says of
/// one (type, version).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventInfo {
    /// The event type, as written in the envelope.
    pub event_type: &'static str,
    /// The major version.
    pub version: u32,
    /// The type as written on the wire: the event type, with `.v<N>` when
    /// the version is a suffix of the type.
    pub wire_type: &'static str,
    /// Where the event is published.
    pub topic: &'static str,
    /// The name of the generated payload type.
    pub rust_type: &'static str,
    /// The schema file, relative to the contract set's `schemas/` folder.
    pub schema_path: &'static str,
    /// The schema document, verbatim.
    pub schema: &'static str,
    /// `x-producer`, when the schema names one.
    pub producer: Option<&'static str>,
    /// `x-consumers`, when the schema names them.
    pub consumers: &'static [&'static str],
    /// Whether the schema is marked `deprecated`.
    pub deprecated: bool,
    /// `x-classification`: the data sensitivity the schema declares.
    pub classification: Option<&'static str>,
    /// Whether validating the decoded payload answers as validating the
    /// JSON it came from would: not where the schema has rules (`oneOf`,
    /// `patternProperties`, ...) over what the type drops or picks.
    pub decoded_is_exact: bool,
}

/// What every generated payload type knows about the event it carries.
///
/// The constants come from the schema file: its path gives the version, its
/// `x-event-type` (or the naming rule) the type, its `x-topic` the topic.
pub trait EventPayload: Serialize + DeserializeOwned {
    /// The event type, as written in the envelope.
    const TYPE: &'static str;
    /// The major version of the schema, from the file name.
    const VERSION: u32;
    /// Where the event is published: `x-topic`, or the event type by default.
    const TOPIC: &'static str;
    /// The schema document this type was generated from, verbatim.
    const SCHEMA: &'static str;

    /// Every violation of the rules of the schema that the type cannot
    /// express (patterns, bounds, lengths, formats, ...), with pointers
    /// prefixed by `prefix` (where the payload sits in the message).
    fn violations(&self, prefix: &str) -> Vec<Violation>;

    /// Every violation of `json`, a payload of this event as received.
    fn json_violations(json: &Value, prefix: &str) -> Vec<Violation>;

    /// Checks the rules of the schema that the type cannot express,
    /// returning every violation.
    fn validate(&self) -> Result<(), ValidationError> {
        ValidationError::check(Self::TYPE, Self::VERSION, self.violations(""))
    }
}

/// The `Event` enum of a generated crate: one variant per (type, version)
/// of the contract set, decoded straight from a payload given its type and
/// version.
pub trait EventSet: Sized + Serialize + Debug + Clone + PartialEq {
    /// The registry: every (type, version) of the set, in variant order.
    fn registry() -> &'static [EventInfo];

    /// The index of this value's variant, in [`EventSet::registry`].
    fn index(&self) -> usize;

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

    /// Every violation of the payload's schema, with pointers prefixed by
    /// `prefix`; see [`EventPayload::violations`].
    fn violations(&self, prefix: &str) -> Vec<Violation>;

    /// Every violation of `json`, this event's payload as received; see
    /// [`EventPayload::json_violations`].
    fn json_violations(&self, json: &Value, prefix: &str) -> Vec<Violation>;

    /// The registry row of this value's (type, version).
    fn info(&self) -> &'static EventInfo {
        &Self::registry()[self.index()]
    }

    /// The event type, as written in the envelope.
    fn event_type(&self) -> &'static str {
        self.info().event_type
    }

    /// The major version.
    fn version(&self) -> u32 {
        self.info().version
    }

    /// Where this event is published.
    fn topic(&self) -> &'static str {
        self.info().topic
    }

    /// The type as written on the wire.
    fn wire_type(&self) -> &'static str {
        self.info().wire_type
    }

    /// The data sensitivity the schema declares (`x-classification`).
    fn classification(&self) -> Option<&'static str> {
        self.info().classification
    }

    /// The registry row of one (type, version).
    fn find(event_type: &str, version: u32) -> Option<&'static EventInfo> {
        Self::registry().iter().find(|e| e.event_type == event_type && e.version == version)
    }

    /// The versions known for an event type; empty when the type is unknown.
    fn known_versions(event_type: &str) -> Vec<u32> {
        Self::registry().iter().filter(|e| e.event_type == event_type).map(|e| e.version).collect()
    }

    /// Checks the payload against every rule of its schema.
    fn validate(&self) -> Result<(), ValidationError> {
        ValidationError::check(self.event_type(), self.version(), self.violations(""))
    }

    /// Validates a decoded event against the payload bytes it came from:
    /// the decoded value where that is exact, the JSON otherwise.
    fn validate_received(&self, payload: &[u8]) -> Result<(), ValidationError> {
        if self.info().decoded_is_exact {
            return self.validate();
        }
        match serde_json::from_slice::<Value>(payload) {
            Ok(json) => ValidationError::check(self.event_type(), self.version(), self.json_violations(&json, "")),
            Err(_) => self.validate(),
        }
    }
}

/// The outcome of [`EventSet::decode_payload`].
pub enum Routed {
    /// The pair is known and the payload decoded.
    Known,
    /// No variant has this (type, version).
    Unknown,
}

impl Routed {
    /// A known pair's arm of [`EventSet::decode_payload`]: decodes the
    /// payload as `variant`'s type and writes it into `event`.
    #[inline(always)]
    pub fn decode<'de, T, E, D>(payload: D, event: &mut Option<E>, variant: impl FnOnce(T) -> E) -> Result<Routed, D::Error>
    where
        T: Deserialize<'de>,
        D: Deserializer<'de>,
    {
        // A struct reads a JSON object only, as `"type": "object"` says.
        *event = Some(variant(T::deserialize(crate::decode::objects_only::ObjectsOnly(payload))?));
        Ok(Routed::Known)
    }
}
