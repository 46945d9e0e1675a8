//! The envelope of a contract set: a generated header type (the envelope's
//! own fields) and the set's `Event`, with the type, version and payload at
//! the places the set's layout says.
//!
//! A generated crate implements [`Header`] for its header type (the layout,
//! its one-pass decoder, the header's checks, the governance fields) and
//! names `Envelope<EnvelopeHeader>` its `Envelope`; decoding, validation and
//! encoding are this module's.

use std::fmt::{self, Debug};

use serde::{Serialize, Serializer};

use crate::event_set::EventSet;
use crate::layout::EnvelopeLayout;
use crate::validation::{ValidationError, Violation};
use crate::DecodeError;

/// The envelope's own fields of a contract set (its generated
/// `EnvelopeHeader`: the envelope minus type, version and payload), with
/// what the set's config says of them.
pub trait Header: Sized + Serialize + Debug + Clone + PartialEq {
    /// The set's `Event` enum.
    type Event: EventSet;

    /// Where the envelope keeps type, version and payload.
    const LAYOUT: EnvelopeLayout;

    /// Decodes a message in one pass, without validating what the types
    /// cannot express: the generated code picks the decoder its layout
    /// allows ([`crate::decode::nested`], [`crate::decode::flat`] or the
    /// generic one) and the JSON parser of its `fast-json` feature.
    fn decode(bytes: &[u8]) -> Result<(Self, Self::Event), DecodeError>;

    /// Every violation of the header's schema (the envelope schema's rules
    /// for these fields).
    fn violations(&self) -> Vec<Violation>;

    /// Fills the header's classification field (the set's
    /// `governance.classification`) from an event's `x-classification`.
    /// Where the set names no such field, nothing.
    fn classify(&mut self, classification: &'static str) {
        let _ = classification;
    }

    /// The key that identifies a message for de-duplication: the set's
    /// `governance.idempotency-key` fields joined by `:`. Where the set
    /// names none, the whole message is its identity (its JSON text).
    fn idempotency_key(&self, event: &Self::Event) -> String {
        let mut out = Vec::new();
        let mut serializer = serde_json::Serializer::new(&mut out);
        crate::encode::serialize_envelope(&Self::LAYOUT, self, event, &mut serializer).expect("generated types always serialize");
        String::from_utf8(out).expect("serde_json writes UTF-8")
    }

    /// The key that decides a message's partition on a log-based broker:
    /// the value at the set's `governance.partition-key` pointer, so events
    /// of one key are read in the order they were produced. Where the set
    /// names none, no key (the broker spreads messages as it likes).
    fn partition_key(&self, event: &Self::Event) -> Option<String> {
        let _ = event;
        None
    }
}

/// An event in its envelope. Type and version are not fields: they are read
/// from `event`, so an envelope cannot be mislabelled.
pub struct Envelope<H: Header> {
    /// The envelope's own fields.
    pub header: H,
    /// The event, which decides type and version.
    pub event: H::Event,
}

impl<H: Header> Envelope<H> {
    /// Wraps any payload of the contract set; the header's classification
    /// (where the set names one) comes from the event's schema.
    pub fn new(mut header: H, event: impl Into<H::Event>) -> Self {
        let event = event.into();
        if let Some(classification) = event.classification() {
            header.classify(classification);
        }
        Envelope { header, event }
    }

    /// The key that identifies this message for de-duplication (see
    /// [`Header::idempotency_key`]).
    pub fn idempotency_key(&self) -> String {
        self.header.idempotency_key(&self.event)
    }

    /// The partition key of this message (see [`Header::partition_key`]).
    pub fn partition_key(&self) -> Option<String> {
        self.header.partition_key(&self.event)
    }

    /// Where this message is published: the event's `x-topic`, or its type.
    pub fn topic(&self) -> &'static str {
        self.event.topic()
    }

    /// Decodes an envelope in one pass over `bytes` (the payload is decoded
    /// straight into the variant its type and version name), then validates
    /// it, so a consumer never sees an event that breaks its schema.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, DecodeError> {
        // Checked as decoded, then moved once into the envelope: every move
        // of an envelope is a copy of its largest event.
        let (header, event) = H::decode(bytes)?;
        if event.info().decoded_is_exact {
            Self::check(&header, &event)?;
        } else {
            Self::check_received(&header, &event, bytes)?;
        }
        Ok(Envelope { header, event })
    }

    /// Decodes without validating what the types cannot express.
    pub fn from_slice_unchecked(bytes: &[u8]) -> Result<Self, DecodeError> {
        let (header, event) = H::decode(bytes)?;
        Ok(Envelope { header, event })
    }

    /// Decodes an envelope from text; see [`Envelope::from_slice`].
    pub fn from_json(text: &str) -> Result<Self, DecodeError> {
        Self::from_slice(text.as_bytes())
    }

    /// Checks the header and the payload against every rule of their
    /// schemas, returning every violation.
    pub fn validate(&self) -> Result<(), ValidationError> {
        Self::check(&self.header, &self.event)
    }

    fn check(header: &H, event: &H::Event) -> Result<(), ValidationError> {
        let mut violations = header.violations();
        violations.extend(event.violations(H::LAYOUT.payload_pointer));
        ValidationError::check(event.event_type(), event.version(), violations)
    }

    /// Validates against the message as received: the header as decoded,
    /// the payload as JSON (for events whose decoded value is not exact;
    /// see [`crate::EventInfo::decoded_is_exact`]).
    fn check_received(header: &H, event: &H::Event, bytes: &[u8]) -> Result<(), ValidationError> {
        let Ok(json) = serde_json::from_slice::<serde_json::Value>(bytes) else { return Self::check(header, event) };
        let mut violations = header.violations();
        let pointer = H::LAYOUT.payload_pointer;
        let payload = json.pointer(pointer).unwrap_or(&serde_json::Value::Null);
        violations.extend(event.json_violations(payload, pointer));
        ValidationError::check(event.event_type(), event.version(), violations)
    }

    /// Validates and encodes the envelope, type and version taken from the
    /// event: an envelope that breaks its schema is refused.
    pub fn to_vec(&self) -> Result<Vec<u8>, ValidationError> {
        self.validate()?;
        Ok(self.to_vec_unchecked())
    }

    /// Encodes without validating.
    pub fn to_vec_unchecked(&self) -> Vec<u8> {
        crate::encode::to_vec(self).expect("generated types always serialize")
    }

    /// Validates and encodes the envelope as text.
    pub fn to_json(&self) -> Result<String, ValidationError> {
        self.validate()?;
        Ok(serde_json::to_string(self).expect("generated types always serialize"))
    }
}

impl<H: Header> Serialize for Envelope<H> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        crate::encode::serialize_envelope(&H::LAYOUT, &self.header, &self.event, serializer)
    }
}

impl<H: Header> Debug for Envelope<H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Envelope").field("header", &self.header).field("event", &self.event).finish()
    }
}

impl<H: Header> Clone for Envelope<H> {
    fn clone(&self) -> Self {
        Envelope { header: self.header.clone(), event: self.event.clone() }
    }
}

impl<H: Header> PartialEq for Envelope<H> {
    fn eq(&self, other: &Self) -> bool {
        self.header == other.header && self.event == other.event
    }
}

/// A header that carries CloudEvents attributes (the set's `[cloudevents]`).
pub trait CloudEventHeader: Header {
    /// The CloudEvents `id`.
    fn cloudevent_id(&self) -> String;
    /// The CloudEvents `source`.
    fn cloudevent_source(&self) -> String;
    /// The CloudEvents `time` (RFC 3339), where the set names one.
    fn cloudevent_time(&self) -> Option<String>;
}

/// CloudEvents 1.0: `id`, `source` and `time` from the header, `type` as
/// `<event type>.v<N>`, the payload as JSON `data`, and the rest of the
/// header in the `envelopeheader` extension.
#[cfg(feature = "cloudevents")]
impl<H: CloudEventHeader + serde::de::DeserializeOwned> Envelope<H> {
    /// The CloudEvent of this envelope.
    pub fn to_cloudevent(&self) -> crate::cloudevents::CloudEvent {
        let time = self.header.cloudevent_time().and_then(|time| crate::formats::DateTime::parse(&time).ok()).map(|time| time.value());
        crate::cloudevents::to_cloudevent(&self.header, &self.event, self.header.cloudevent_id(), self.header.cloudevent_source(), time)
    }

    /// The envelope a CloudEvent made by [`Envelope::to_cloudevent`] carries.
    pub fn from_cloudevent(cloudevent: &crate::cloudevents::CloudEvent) -> Result<Self, DecodeError> {
        let (header, event) = crate::cloudevents::from_cloudevent(cloudevent)?;
        Ok(Envelope { header, event })
    }
}
