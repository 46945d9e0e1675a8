//! Dead-letter entries: what a consumer publishes when a message cannot be
//! decoded or validated, in the error contract of the platform event system
//! (`{"error": {"code", "message", "details"}}`), with the raw message, its
//! headers and the number of attempts.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::DecodeError;

/// A message that could not be processed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeadLetter {
    /// Why, in the error contract.
    pub error: ErrorBody,
    /// The message as received (lossy UTF-8 if it was not text).
    pub payload: String,
    /// The transport headers it came with.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// How many times processing was attempted.
    pub attempts: u32,
}

/// `{"code", "message", "details"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// A stable SCREAMING_SNAKE code, e.g. `VALIDATION_FAILED`.
    pub code: String,
    /// What went wrong, for people.
    pub message: String,
    /// Where and what: event type, version, JSON pointer, subject.
    pub details: Map<String, Value>,
}

impl DeadLetter {
    /// A dead letter for a message that failed to decode.
    pub fn from_decode_error(error: &DecodeError, raw: &[u8], headers: BTreeMap<String, String>, attempts: u32) -> Self {
        DeadLetter {
            error: ErrorBody::from(error),
            payload: String::from_utf8_lossy(raw).into_owned(),
            headers,
            attempts,
        }
    }
}

impl From<&DecodeError> for ErrorBody {
    fn from(error: &DecodeError) -> Self {
        let mut details = Map::new();
        let mut put = |key: &str, value: Value| {
            details.insert(key.to_owned(), value);
        };
        let code = match error {
            DecodeError::Envelope { pointer, .. } => {
                put("pointer", pointer.as_str().into());
                "MALFORMED_ENVELOPE"
            }
            DecodeError::UnknownType { event_type } => {
                put("event_type", event_type.as_str().into());
                "UNKNOWN_EVENT_TYPE"
            }
            DecodeError::UnknownVersion { event_type, version, known } => {
                put("event_type", event_type.as_str().into());
                put("version", (*version).into());
                put("known_versions", known.clone().into());
                "UNKNOWN_EVENT_VERSION"
            }
            DecodeError::UnknownSubject { subject } => {
                put("subject", subject.as_str().into());
                "UNKNOWN_SUBJECT"
            }
            DecodeError::Invalid { event_type, version, violations } => {
                put("event_type", event_type.as_str().into());
                put("version", (*version).into());
                if let Some(first) = violations.first() {
                    put("pointer", first.pointer.as_str().into());
                    put("keyword", first.keyword.as_str().into());
                }
                put("violations", serde_json::to_value(violations).unwrap_or_default());
                "VALIDATION_FAILED"
            }
            DecodeError::Payload { event_type, version, pointer, .. } => {
                put("event_type", event_type.as_str().into());
                put("version", (*version).into());
                put("pointer", pointer.as_str().into());
                "VALIDATION_FAILED"
            }
        };
        ErrorBody {
            code: code.to_owned(),
            message: error.to_string(),
            details,
        }
    }
}
