//! The runtime of generated event crates: what every crate generated from a
//! contract set depends on, as prost's generated code depends on `prost`.
//!
//! A generated crate holds the set's types and tables, and implements this
//! crate's traits with them: [`EventSet`] for its `Event` enum,
//! [`EventPayload`] for each payload type, [`Header`] for its envelope
//! header (or [`SubjectRouted`] where there is no envelope). Everything a
//! producer or consumer calls is provided here, once, so a fix to decoding,
//! encoding or validation is a release of this crate, not a regeneration:
//!
//! * [`envelope`]: [`Envelope`], the header and its event, decoded,
//!   validated and encoded;
//! * [`event_set`]: the traits of the generated enum and payloads, and the
//!   registry row [`EventInfo`];
//! * [`layout`]: where an envelope keeps type, version and payload;
//! * [`decode`]: one-pass envelope decoding (type and version are read
//!   first, the payload is decoded straight into its typed variant);
//! * [`encode`]: encoding that fills type and version from the payload's
//!   type, into a buffer sized from the last message;
//! * [`subject`]: NATS subjects of envelope-less events;
//! * [`record`]: envelopes as Kafka records (topic, partition key, headers,
//!   value), CloudEvents' Kafka binding included;
//! * [`validation`]: what the types cannot express, checked at run time;
//! * [`DecodeError`]: the typed error a consumer dead-letters;
//! * [`formats`]: lossless `uuid` and `date-time` types, so a decoded event
//!   re-encodes to the same JSON value it came from;
//! * [`IdempotencyStore`] and [`DeadLetter`]: the consumer patterns the
//!   contract sets require (idempotent handling, dead letters in the error
//!   contract).

#[cfg(feature = "cloudevents")]
pub mod cloudevents;
pub mod dead_letter;
pub mod decode;
pub mod double_option;
pub mod encode;
pub mod envelope;
mod byte_set;
mod error;
pub mod event_set;
pub mod formats;
pub mod idempotency;
pub mod integer;
pub mod layout;
pub mod number;
pub mod optional;
pub mod pattern;
mod prescan;
pub mod record;
pub mod subject;
pub mod upcast;
mod uri;
pub mod validation;

pub use dead_letter::{DeadLetter, ErrorBody};
/// `build()` for the builder of a generated payload `$payload` (builder
/// `$builder`, bon state module `$state`): builds it and runs its schema's
/// checks, returning every violation at once. The bound sits on the method,
/// so a member left unset is named in the compile error.
#[doc(hidden)]
#[macro_export]
macro_rules! payload_build {
    ($payload:ident, $builder:ident, $state:ident) => {
        impl<S: $state::State> $builder<S> {
            /// Builds the payload and runs its schema's checks: every
            /// violation at once, with its pointer and rule
            /// (`build_unchecked()` skips them).
            pub fn build(self) -> ::std::result::Result<$payload, $crate::ValidationError>
            where
                S: $state::IsComplete,
            {
                let payload = self.build_unchecked();
                $crate::EventPayload::validate(&payload).map(|()| payload)
            }
        }
    };
}

/// The builder derive of generated structs (`Type::builder()`), so a
/// generated crate needs no dependency of its own on it.
#[doc(hidden)]
pub use bon;
pub use envelope::{CloudEventHeader, Envelope, Header};
pub use error::DecodeError;
pub use event_set::{EventInfo, EventPayload, EventSet, Routed};
pub use idempotency::{IdempotencyStore, InMemoryIdempotencyStore};
pub use layout::{EnvelopeLayout, VersionFormat};
pub use number::Number;
pub use record::Record;
pub use subject::SubjectRouted;
pub use validation::{SchemaValidator, ValidationError, Violation};

/// The traits whose methods generated types are used through: `use
/// <generated crate>::prelude::*;` (each generated crate re-exports this).
pub mod prelude {
    pub use crate::event_set::{EventPayload, EventSet};
    pub use crate::subject::SubjectRouted;
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
