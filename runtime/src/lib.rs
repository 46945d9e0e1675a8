//! Support code shared by every generated event crate.
//!
//! Generated crates hold the types; this crate holds the machinery they all
//! need and that would be wasteful to emit once per contract set:
//!
//! * [`layout`]: where an envelope keeps type, version and payload;
//! * [`dispatch`]: what a generated event enum does for the decoder;
//! * [`decode`]: one-pass envelope decoding (type and version are read
//!   first, the payload is decoded straight into its typed variant);
//! * [`encode`]: encoding that fills type and version from the payload's
//!   type, into a buffer sized from the last message;
//! * [`subject`]: NATS subjects of envelope-less events;
//! * [`DecodeError`]: the typed error a consumer dead-letters;
//! * [`formats`]: lossless `uuid` and `date-time` types, so a decoded event
//!   re-encodes to the same JSON value it came from;
//! * [`EventPayload`] and [`EventInfo`]: what every payload type and the
//!   registry know about an event;
//! * [`IdempotencyStore`] and [`DeadLetter`]: the consumer patterns the
//!   contract sets require (idempotent handling, dead letters in the error
//!   contract).

#[cfg(feature = "cloudevents")]
pub mod cloudevents;
pub mod dead_letter;
pub mod double_option;
pub mod encode;
pub mod decode;
pub mod dispatch;
mod error;
pub mod formats;
pub mod idempotency;
pub mod integer;
pub mod layout;
mod prescan;
pub mod subject;
pub mod upcast;
pub mod validation;

pub use dispatch::{Dispatch, Routed};
pub use layout::{EnvelopeLayout, VersionFormat};
pub use dead_letter::{DeadLetter, ErrorBody};
pub use error::DecodeError;
pub use idempotency::{IdempotencyStore, InMemoryIdempotencyStore};
pub use validation::{SchemaValidator, ValidationError, Violation};

/// What every generated payload type knows about the event it carries.
///
/// The constants come from the schema file: its path gives the version, its
/// `x-event-type` (or the naming rule) the type, its `x-topic` the topic.
pub trait EventPayload: serde::Serialize + serde::de::DeserializeOwned {
    /// The event type, as written in the envelope.
    const TYPE: &'static str;
    /// The major version of the schema, from the file name.
    const VERSION: u32;
    /// Where the event is published: `x-topic`, or the event type by default.
    const TOPIC: &'static str;
    /// The schema document this type was generated from, verbatim.
    const SCHEMA: &'static str;
}

/// What a redacted field shows instead of its value.
pub const REDACTED: &str = "[redacted]";

/// Stands in for a personal-data field in `Debug` output.
pub struct Redacted;

impl std::fmt::Debug for Redacted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(REDACTED)
    }
}

/// One row of a generated crate's registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventInfo {
    /// The event type, as written in the envelope.
    pub event_type: &'static str,
    /// The major version.
    pub version: u32,
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
}
