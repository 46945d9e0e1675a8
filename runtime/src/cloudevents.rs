//! Envelopes as CloudEvents 1.0 events (feature `cloudevents`).
//!
//! The mapping: `id`, `source` and `time` from the envelope fields the
//! contract set's config names; `type` is the event type with its version,
//! `<type>.v<N>`; `data` is the payload as JSON (`application/json`); the
//! rest of the envelope header travels in the `envelopeheader` extension as
//! JSON text, so that converting back gives the same envelope.

use cloudevents::event::{Data, ExtensionValue};
use cloudevents::{AttributesReader, EventBuilder, EventBuilderV10};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::DecodeError;
use crate::decode::payload_from_slice;
use crate::event_set::EventSet;
use crate::layout::split_type_suffix;

pub use cloudevents::Event as CloudEvent;

/// The extension that carries the envelope header.
pub const HEADER_EXTENSION: &str = "envelopeheader";

/// Builds the CloudEvent of an envelope.
pub fn to_cloudevent<H: Serialize, E: EventSet>(
    header: &H,
    event: &E,
    id: String,
    source: String,
    time: Option<chrono::DateTime<chrono::FixedOffset>>,
) -> CloudEvent {
    let header = serde_json::to_string(header).expect("generated headers always serialize");
    let data = serde_json::to_value(event).expect("generated payloads always serialize");
    let mut builder = EventBuilderV10::new()
        .id(id)
        .source(source)
        .ty(format!("{}.v{}", event.event_type(), event.version()))
        .extension(HEADER_EXTENSION, header)
        .data("application/json", data);
    if let Some(time) = time {
        builder = builder.time(time.with_timezone(&chrono::Utc));
    }
    builder.build().expect("id, source and type are always set")
}

fn malformed(message: impl Into<String>) -> DecodeError {
    DecodeError::Envelope {
        pointer: String::new(),
        message: message.into(),
    }
}

/// Reads an envelope's header and event back from a CloudEvent.
pub fn from_cloudevent<H: DeserializeOwned, E: EventSet>(cloudevent: &CloudEvent) -> Result<(H, E), DecodeError> {
    let Some((event_type, version)) = split_type_suffix(cloudevent.ty()) else {
        return Err(malformed(format!("CloudEvent type {:?} has no `.v<N>` version suffix", cloudevent.ty())));
    };
    let header = match cloudevent.extension(HEADER_EXTENSION) {
        Some(ExtensionValue::String(text)) => serde_json::from_str(text)
            .map_err(|e| malformed(format!("extension `{HEADER_EXTENSION}` is not a valid envelope header: {e}")))?,
        _ => return Err(malformed(format!("CloudEvent has no `{HEADER_EXTENSION}` extension"))),
    };
    let bytes = match cloudevent.data() {
        Some(Data::Json(value)) => serde_json::to_vec(value).expect("a JSON value always serializes"),
        Some(Data::Binary(bytes)) => bytes.clone(),
        Some(Data::String(text)) => text.clone().into_bytes(),
        None => return Err(malformed("CloudEvent has no data")),
    };
    let version = u32::try_from(version).map_err(|_| malformed("version out of range"))?;
    let event = payload_from_slice::<E>(event_type, version, &bytes)?;
    Ok((header, event))
}
