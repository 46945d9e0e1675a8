//! Subjects of envelope-less events (NATS wildcards): which pattern a
//! subject matches, and a subject filled from a payload's fields; and
//! [`SubjectRouted`], what the `Event` enum of such a set does.

use crate::event_set::EventSet;
use crate::validation::ValidationError;
use crate::DecodeError;

/// Fills a subject template (`usage.metered.{event_type}`) from a payload's
/// JSON: `None` when a `{field}` is missing or not a string.
pub fn fill_subject(template: &str, payload: &serde_json::Value) -> Option<String> {
    let tokens: Option<Vec<&str>> = template
        .split('.')
        .map(|token| match token.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
            Some(field) => payload.get(field).and_then(serde_json::Value::as_str),
            None => Some(token),
        })
        .collect();
    tokens.map(|tokens| tokens.join("."))
}

/// Whether a NATS subject matches a subject pattern: `*` matches one token,
/// a final `>` one or more.
pub fn subject_matches(pattern: &str, subject: &str) -> bool {
    // Decoding tries every pattern in turn: most differ from the subject in
    // a literal byte before any wildcard, and are settled there, without
    // searching the pattern or splitting either.
    let (pattern_bytes, subject_bytes) = (pattern.as_bytes(), subject.as_bytes());
    let common = pattern_bytes.iter().zip(subject_bytes).take_while(|(p, s)| p == s).count();
    let wildcard = |byte: &u8| matches!(byte, b'*' | b'>');
    if !pattern_bytes[..common].iter().any(wildcard) {
        match pattern_bytes.get(common) {
            None => return common == subject_bytes.len(),
            Some(byte) if !wildcard(byte) => return false,
            Some(_) => {}
        }
    }
    // Token by token over the bytes (`str::split` costs more than the
    // decode of a small payload's envelope-less dispatch can afford).
    let (mut pattern_rest, mut subject_rest) = (Some(pattern_bytes), Some(subject_bytes));
    while let Some(pattern_tokens) = pattern_rest {
        let Some(subject_tokens) = subject_rest else { return false };
        let (pattern_token, pattern_after) = first_token(pattern_tokens);
        let (subject_token, subject_after) = first_token(subject_tokens);
        match pattern_token {
            b">" => return !subject_token.is_empty(),
            b"*" if !subject_token.is_empty() => {}
            literal if literal == subject_token => {}
            _ => return false,
        }
        (pattern_rest, subject_rest) = (pattern_after, subject_after);
    }
    subject_rest.is_none()
}

/// The first `.`-separated token and what follows its dot, if there is one.
fn first_token(tokens: &[u8]) -> (&[u8], Option<&[u8]>) {
    match tokens.iter().position(|&byte| byte == b'.') {
        Some(dot) => (&tokens[..dot], Some(&tokens[dot + 1..])),
        None => (tokens, None),
    }
}

/// The `Event` enum of a contract set routed by subject (no envelope): each
/// event version has a subject pattern, and its subject is filled from
/// payload fields.
pub trait SubjectRouted: EventSet {
    /// The subject pattern of each event version (NATS wildcards), with its
    /// type and version, in the order they are tried.
    fn subjects() -> &'static [(&'static str, &'static str, u32)];

    /// Whether the generated crate decodes through simd-json (its
    /// `fast-json` feature).
    const FAST_JSON: bool = false;

    /// The subject to publish this event on, filled from its fields.
    fn subject(&self) -> String;

    /// The key that identifies this message for de-duplication: the event
    /// type and the first of the set's id fields the payload has (or the
    /// whole payload, where it has none).
    fn idempotency_key(&self) -> String;

    /// Decodes a message by the subject it came on: the subject picks the
    /// event version, the bytes are its payload, which is validated against
    /// its schema too (see [`SubjectRouted::from_subject_and_slice_unchecked`]
    /// to skip that).
    fn from_subject_and_slice(subject: &str, bytes: &[u8]) -> Result<Self, DecodeError> {
        let event = Self::from_subject_and_slice_unchecked(subject, bytes)?;
        event.validate_received(bytes)?;
        Ok(event)
    }

    /// Decodes by subject without validating what the types cannot express.
    fn from_subject_and_slice_unchecked(subject: &str, bytes: &[u8]) -> Result<Self, DecodeError> {
        let Some((_, event_type, version)) = Self::subjects().iter().find(|(pattern, _, _)| subject_matches(pattern, subject)) else {
            return Err(DecodeError::UnknownSubject { subject: subject.to_owned() });
        };
        #[cfg(feature = "fast-json")]
        if Self::FAST_JSON {
            return crate::decode::fast::payload_from_slice(event_type, *version, bytes);
        }
        crate::decode::payload_from_slice(event_type, *version, bytes)
    }

    /// Validates and encodes the payload (there is no envelope): an event
    /// that breaks its schema is refused.
    fn to_vec(&self) -> Result<Vec<u8>, ValidationError> {
        self.validate()?;
        Ok(self.to_vec_unchecked())
    }

    /// Encodes the payload without validating it.
    fn to_vec_unchecked(&self) -> Vec<u8> {
        crate::encode::to_vec(self).expect("generated types always serialize")
    }
}

#[cfg(test)]
mod tests {
    use super::{fill_subject, subject_matches};

    #[test]
    /// Against NATS matching written plainly with `str::split`, over every
    /// pattern and subject of up to three tokens from a small alphabet.
    fn subject_matching_agrees_with_splitting_on_dots() {
        fn plain(pattern: &str, subject: &str) -> bool {
            let mut subject_tokens = subject.split('.');
            for pattern_token in pattern.split('.') {
                match (pattern_token, subject_tokens.next()) {
                    (">", Some(token)) => return !token.is_empty(),
                    ("*", Some(token)) if !token.is_empty() => {}
                    (literal, Some(token)) if literal == token => {}
                    _ => return false,
                }
            }
            subject_tokens.next().is_none()
        }
        let tokens = ["a", "b", "ab", "", "*", ">"];
        let mut texts = Vec::new();
        let mut sequences: Vec<Vec<&str>> = vec![Vec::new()];
        for _ in 1..=3 {
            sequences = sequences.iter().flat_map(|s| tokens.iter().map(move |t| [s.as_slice(), &[*t]].concat())).collect();
            texts.extend(sequences.iter().map(|s| s.join(".")));
        }
        for pattern in &texts {
            for subject in &texts {
                assert_eq!(subject_matches(pattern, subject), plain(pattern, subject), "{pattern:?} against {subject:?}");
            }
        }
    }

    #[test]
    fn subjects_match_nats_wildcards() {
        assert!(subject_matches("usage.metered.*", "usage.metered.api_call"));
        assert!(!subject_matches("usage.metered.*", "usage.metered"));
        assert!(!subject_matches("usage.metered.*", "usage.metered.a.b"));
        assert!(subject_matches("ingest.>", "ingest.document.processed"));
        assert!(!subject_matches("ingest.>", "ingest"));
        assert!(subject_matches("alerts.quota_exceeded", "alerts.quota_exceeded"));
        assert!(!subject_matches("alerts.quota_exceeded", "alerts.quota"));
        assert!(subject_matches("orders.*.placed", "orders.eu.placed"));
        assert!(!subject_matches("orders.*.placed", "orders.eu.shipped"));
        assert!(!subject_matches("orders.*.placed", "orders..placed"));
        assert!(!subject_matches("usage.metered.*", "usage.meteredx.api_call"));
        // A subject token that is itself `*` or `>`, before the place where
        // pattern and subject first differ.
        assert!(subject_matches("orders.*.placed", "orders.*x.placed"));
        assert!(subject_matches("orders.*", "orders.*"));
        assert!(!subject_matches("orders.>", "orders"));
        assert!(!subject_matches("orders", "orders.eu"));
        assert!(!subject_matches("orders.eu", "orders"));
    }

    #[test]
    fn subject_templates_fill_from_payload_fields() {
        let payload = serde_json::json!({"event_type": "api_call", "n": 1});
        assert_eq!(fill_subject("usage.metered.{event_type}", &payload).as_deref(), Some("usage.metered.api_call"));
        assert_eq!(fill_subject("alerts.down", &payload).as_deref(), Some("alerts.down"));
        assert_eq!(fill_subject("x.{n}", &payload), None);
        assert_eq!(fill_subject("x.{missing}", &payload), None);
    }
}
