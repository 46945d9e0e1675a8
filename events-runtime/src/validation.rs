//! Run-time validation of what types cannot express: `pattern`, bounds,
//! lengths, formats, `uniqueItems`, `const`, `multipleOf` and the rest.
//!
//! Each event type's schema is bundled at generation time into one
//! self-contained document and compiled once, on first use, by the
//! `jsonschema` crate. `format` only annotates unless the contract set asks
//! for assertions (`[formats] assert = true`); the formats it maps to types
//! (uuid, date-time) are asserted by those types when decoding.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One broken rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    /// JSON pointer of the offending value, from the message root.
    pub pointer: String,
    /// The keyword it breaks, e.g. `pattern`.
    pub keyword: String,
    /// What is wrong.
    pub message: String,
}

/// Every violation of an event's schema.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{event_type}` v{version} breaks its schema: {}", summary(violations))]
pub struct ValidationError {
    /// The event type.
    pub event_type: String,
    /// The version.
    pub version: u32,
    /// Every violation, in document order.
    pub violations: Vec<Violation>,
}

/// `n violation(s), first at `/x` (keyword): message`.
pub fn summary(violations: &[Violation]) -> String {
    match violations.first() {
        Some(first) => format!(
            "{} violation(s), first at `{}` ({}): {}",
            violations.len(),
            first.pointer,
            first.keyword,
            first.message
        ),
        None => "no violations".to_owned(),
    }
}

/// A bundled schema, compiled on first use.
pub struct SchemaValidator {
    schema: &'static str,
    assert_formats: bool,
    compiled: OnceLock<jsonschema::Validator>,
}

impl SchemaValidator {
    /// A validator for the bundled schema text; `assert_formats` makes
    /// `format` a rule rather than an annotation.
    pub const fn new(schema: &'static str, assert_formats: bool) -> Self {
        SchemaValidator {
            schema,
            assert_formats,
            compiled: OnceLock::new(),
        }
    }

    fn compiled(&self) -> &jsonschema::Validator {
        self.compiled.get_or_init(|| {
            let schema: Value = serde_json::from_str(self.schema).expect("bundled at generation time: valid JSON");
            jsonschema::options()
                .should_validate_formats(self.assert_formats)
                .build(&schema)
                .expect("bundled at generation time: a valid schema")
        })
    }

    /// Every violation of `instance`, with pointers prefixed by `prefix`
    /// (where the instance sits in the message).
    pub fn violations(&self, instance: &Value, prefix: &str) -> Vec<Violation> {
        self.compiled()
            .iter_errors(instance)
            .map(|error| Violation {
                pointer: format!("{prefix}{}", error.instance_path()),
                keyword: error.kind().keyword().to_owned(),
                message: error.to_string(),
            })
            .collect()
    }

    /// Whether `instance` is valid.
    pub fn is_valid(&self, instance: &Value) -> bool {
        self.compiled().is_valid(instance)
    }
}

/// Serializes a generated value for validation.
pub fn to_value<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("generated types always serialize")
}
