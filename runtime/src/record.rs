//! Envelopes as records of a log-based broker (Kafka, and brokers that speak
//! its protocol): a topic, a key that picks the partition, headers and a
//! value. There is no broker client here: a producer copies a [`Record`]'s
//! fields into its client's record type; a consumer decodes a received
//! value with [`Envelope::from_slice`], or, with the `cloudevents` feature,
//! hands its headers and value to `Envelope::from_record`, which reads all
//! three forms.
//!
//! Three forms, all validated on the way out and on the way in:
//!
//! * the envelope: the value is the envelope's JSON, as the contract set
//!   defines it ([`Envelope::to_record`]);
//! * CloudEvents' Kafka binding in binary mode (feature `cloudevents`): the
//!   attributes in `ce_` headers, `content-type` for `datacontenttype`, the
//!   payload as the value ([`Envelope::to_record_binary`]);
//! * CloudEvents' Kafka binding in structured mode (feature `cloudevents`):
//!   the whole CloudEvent as JSON, `content-type:
//!   application/cloudevents+json` ([`Envelope::to_record_structured`]).
//!
//! In every form the key is the set's partition key
//! (`governance.partition-key`), so a consumer reads events of one key in
//! the order they were produced.

use crate::envelope::{Envelope, Header};
use crate::event_set::EventSet;
use crate::validation::ValidationError;

/// A record to produce: where it goes, its key, its headers, its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The event's topic: its schema's `x-topic`, or its type.
    pub topic: &'static str,
    /// The partition key, where the set names one.
    pub key: Option<String>,
    /// Headers, in order (a name may repeat, as Kafka allows).
    pub headers: Vec<(String, Vec<u8>)>,
    /// The record's value.
    pub value: Vec<u8>,
}

/// The header of CloudEvents' Kafka binding that marks binary mode.
pub const SPEC_VERSION_HEADER: &str = "ce_specversion";
/// The content type of structured mode.
pub const STRUCTURED_CONTENT_TYPE: &str = "application/cloudevents+json";

impl<H: Header> Envelope<H> {
    /// Validates the envelope and makes its record: the envelope's JSON as
    /// the value, no headers (add transport headers, such as a trace id,
    /// to `headers`).
    pub fn to_record(&self) -> Result<Record, ValidationError> {
        Ok(Record {
            topic: self.event.topic(),
            key: self.partition_key(),
            headers: Vec::new(),
            value: self.to_vec()?,
        })
    }
}

#[cfg(feature = "cloudevents")]
mod cloudevents_binding {
    use cloudevents::message::{BinaryDeserializer, BinarySerializer, Error, MessageAttributeValue, StructuredDeserializer, StructuredSerializer};
    use cloudevents::event::SpecVersion;

    use super::{Record, SPEC_VERSION_HEADER, STRUCTURED_CONTENT_TYPE};
    use crate::cloudevents::CloudEvent;
    use crate::envelope::{CloudEventHeader, Envelope};
    use crate::event_set::EventSet;
    use crate::validation::ValidationError;
    use crate::DecodeError;

    const CONTENT_TYPE: &str = "content-type";

    /// The headers and value the binding writes; the SDK walks the event.
    #[derive(Default)]
    struct Binding {
        headers: Vec<(String, Vec<u8>)>,
        value: Vec<u8>,
    }

    fn header_name(attribute: &str) -> String {
        if attribute == "datacontenttype" { CONTENT_TYPE.to_owned() } else { format!("ce_{attribute}") }
    }

    impl BinarySerializer<Binding> for Binding {
        fn set_spec_version(mut self, version: SpecVersion) -> cloudevents::message::Result<Self> {
            self.headers.push((SPEC_VERSION_HEADER.to_owned(), version.to_string().into_bytes()));
            Ok(self)
        }

        fn set_attribute(mut self, name: &str, value: MessageAttributeValue) -> cloudevents::message::Result<Self> {
            self.headers.push((header_name(name), value.to_string().into_bytes()));
            Ok(self)
        }

        fn set_extension(self, name: &str, value: MessageAttributeValue) -> cloudevents::message::Result<Self> {
            self.set_attribute(name, value)
        }

        fn end_with_data(mut self, bytes: Vec<u8>) -> cloudevents::message::Result<Binding> {
            self.value = bytes;
            Ok(self)
        }

        fn end(self) -> cloudevents::message::Result<Binding> {
            Ok(self)
        }
    }

    impl StructuredSerializer<Binding> for Binding {
        fn set_structured_event(mut self, bytes: Vec<u8>) -> cloudevents::message::Result<Binding> {
            self.headers.push((CONTENT_TYPE.to_owned(), STRUCTURED_CONTENT_TYPE.as_bytes().to_vec()));
            self.value = bytes;
            Ok(self)
        }
    }

    /// A received record in binary mode, read back attribute by attribute.
    struct Received<'a> {
        headers: Vec<(&'a str, &'a [u8])>,
        value: &'a [u8],
    }

    fn text(bytes: &[u8]) -> cloudevents::message::Result<String> {
        String::from_utf8(bytes.to_vec()).map_err(|e| Error::Other { source: Box::new(e) })
    }

    impl BinaryDeserializer for Received<'_> {
        fn deserialize_binary<R: Sized, V: BinarySerializer<R>>(self, mut visitor: V) -> cloudevents::message::Result<R> {
            let version = self.headers.iter().find(|(name, _)| *name == SPEC_VERSION_HEADER).map(|(_, value)| *value).ok_or(Error::WrongEncoding {})?;
            let version = SpecVersion::try_from(text(version)?.as_str())?;
            let attributes = version.attribute_names();
            visitor = visitor.set_spec_version(version)?;
            for (name, value) in &self.headers {
                let attribute = if *name == CONTENT_TYPE {
                    "datacontenttype"
                } else if let Some(attribute) = name.strip_prefix("ce_").filter(|_| *name != SPEC_VERSION_HEADER) {
                    attribute
                } else {
                    continue;
                };
                let value = MessageAttributeValue::String(text(value)?);
                visitor = if attributes.contains(&attribute) { visitor.set_attribute(attribute, value)? } else { visitor.set_extension(attribute, value)? };
            }
            visitor.end_with_data(self.value.to_vec())
        }
    }

    fn malformed(message: String) -> DecodeError {
        DecodeError::Envelope { pointer: String::new(), message }
    }

    impl<H: CloudEventHeader + serde::de::DeserializeOwned> Envelope<H> {
        /// Validates the envelope and makes its record in CloudEvents' Kafka
        /// binding, binary mode: `ce_` headers, the payload as the value.
        pub fn to_record_binary(&self) -> Result<Record, ValidationError> {
            self.validate()?;
            let binding = self.to_cloudevent().deserialize_binary(Binding::default()).expect("a CloudEvent always serializes");
            Ok(Record { topic: self.event.topic(), key: self.partition_key(), headers: binding.headers, value: binding.value })
        }

        /// Validates the envelope and makes its record in CloudEvents' Kafka
        /// binding, structured mode: the CloudEvent as JSON.
        pub fn to_record_structured(&self) -> Result<Record, ValidationError> {
            self.validate()?;
            let binding = self.to_cloudevent().deserialize_structured(Binding::default()).expect("a CloudEvent always serializes");
            Ok(Record { topic: self.event.topic(), key: self.partition_key(), headers: binding.headers, value: binding.value })
        }

        /// Decodes and validates a received record in any of the three
        /// forms: binary mode (a `ce_specversion` header), structured mode
        /// (`content-type: application/cloudevents+json`), or else the
        /// envelope's JSON.
        pub fn from_record<'a>(headers: impl IntoIterator<Item = (&'a str, &'a [u8])>, value: &'a [u8]) -> Result<Self, DecodeError> {
            let headers: Vec<(&str, &[u8])> = headers.into_iter().collect();
            let cloudevent: CloudEvent = if headers.iter().any(|(name, _)| *name == SPEC_VERSION_HEADER) {
                BinaryDeserializer::into_event(Received { headers, value })
                    .map_err(|e| malformed(format!("not a CloudEvent in Kafka binary mode: {e}")))?
            } else if headers.iter().any(|(name, content_type)| name.eq_ignore_ascii_case(CONTENT_TYPE) && content_type.starts_with(STRUCTURED_CONTENT_TYPE.as_bytes())) {
                serde_json::from_slice(value).map_err(|e| malformed(format!("not a CloudEvent in structured mode: {e}")))?
            } else {
                return Self::from_slice(value);
            };
            let envelope = Self::from_cloudevent(&cloudevent)?;
            envelope.validate()?;
            Ok(envelope)
        }
    }

}
