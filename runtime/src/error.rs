use thiserror::Error;

/// Why bytes did not decode into an event.
///
/// Every variant names what a dead-letter entry needs: the event type and
/// version where they were read, the JSON pointer of the offending value, and
/// the rule it broke.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DecodeError {
    /// The bytes are not a JSON document of the envelope's shape.
    #[error("malformed envelope at `{pointer}`: {message}")]
    Envelope {
        /// JSON pointer of the offending value (`""` for the whole document).
        pointer: String,
        /// What is wrong.
        message: String,
    },
    /// No schema in the contract set has this event type.
    #[error("unknown event type `{event_type}`")]
    UnknownType {
        /// The type read from the envelope.
        event_type: String,
    },
    /// The event type is known, but not in this version.
    #[error("unknown version {version} of event type `{event_type}` (known: {known:?})")]
    UnknownVersion {
        /// The type read from the envelope.
        event_type: String,
        /// The version read from the envelope.
        version: u64,
        /// The versions this crate knows for that type.
        known: Vec<u32>,
    },
    /// No event of the contract set is published on this subject.
    #[error("no event is routed by subject `{subject}`")]
    UnknownSubject {
        /// The subject the message came on.
        subject: String,
    },
    /// The message decoded, but breaks a rule its types cannot express
    /// (pattern, bounds, format, ...): every violation, with its pointer.
    #[error("`{event_type}` v{version} breaks its schema: {}", crate::validation::summary(violations))]
    Invalid {
        /// The event type.
        event_type: String,
        /// The version.
        version: u32,
        /// Every violation.
        violations: Vec<crate::Violation>,
    },
    /// The payload does not match the schema of its (type, version).
    #[error("payload of `{event_type}` v{version} is invalid at `{pointer}`: {message}")]
    Payload {
        /// The event type.
        event_type: String,
        /// The version.
        version: u32,
        /// JSON pointer of the offending value, from the document root.
        pointer: String,
        /// The rule it broke, as serde reports it.
        message: String,
    },
}

impl From<crate::ValidationError> for DecodeError {
    fn from(error: crate::ValidationError) -> Self {
        DecodeError::Invalid {
            event_type: error.event_type,
            version: error.version,
            violations: error.violations,
        }
    }
}

impl DecodeError {
    /// A short, stable code for this kind of error, fit for a dead-letter entry.
    pub fn code(&self) -> &'static str {
        match self {
            DecodeError::Envelope { .. } => "malformed_envelope",
            DecodeError::UnknownType { .. } => "unknown_event_type",
            DecodeError::UnknownVersion { .. } => "unknown_event_version",
            DecodeError::UnknownSubject { .. } => "unknown_subject",
            DecodeError::Payload { .. } => "invalid_payload",
            DecodeError::Invalid { .. } => "schema_violation",
        }
    }

    /// JSON pointer of the offending value, where there is one.
    pub fn pointer(&self) -> Option<&str> {
        match self {
            DecodeError::Envelope { pointer, .. } | DecodeError::Payload { pointer, .. } => {
                Some(pointer)
            }
            DecodeError::Invalid { violations, .. } => violations.first().map(|v| v.pointer.as_str()),
            _ => None,
        }
    }
}
