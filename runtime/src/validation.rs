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

impl ValidationError {
    /// `Ok` where there are no violations, else the error of
    /// `(event_type, version)` with them.
    pub fn check(event_type: &str, version: u32, violations: Vec<Violation>) -> Result<(), ValidationError> {
        if violations.is_empty() {
            Ok(())
        } else {
            Err(ValidationError { event_type: event_type.to_owned(), version, violations })
        }
    }
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

/// The schema documents of a contract set by URI (`json-schema:///<path
/// in the schemas folder>`, and remote documents under their own URLs), as
/// generated crates embed them.
pub type Documents = &'static [(&'static str, &'static str)];

/// A schema, compiled on first use.
pub struct SchemaValidator {
    source: Source,
    assert_formats: bool,
    compiled: OnceLock<jsonschema::Validator>,
}

enum Source {
    /// A self-contained schema text.
    Text(&'static str),
    /// A document of a contract set, whose `$ref`s resolve among `documents`
    /// as JSON Schema says (`$id`, anchors, dynamic references included).
    Document { uri: &'static str, documents: Documents },
}

impl SchemaValidator {
    /// A validator for a self-contained schema text; `assert_formats` makes
    /// `format` a rule rather than an annotation.
    pub const fn new(schema: &'static str, assert_formats: bool) -> Self {
        SchemaValidator {
            source: Source::Text(schema),
            assert_formats,
            compiled: OnceLock::new(),
        }
    }

    /// A validator for the document at `uri` among `documents`.
    pub const fn document(uri: &'static str, documents: Documents, assert_formats: bool) -> Self {
        SchemaValidator {
            source: Source::Document { uri, documents },
            assert_formats,
            compiled: OnceLock::new(),
        }
    }

    fn compiled(&self) -> &jsonschema::Validator {
        self.compiled.get_or_init(|| {
            let checked = "checked at generation time: valid JSON, a schema that compiles";
            match self.source {
                Source::Text(text) => {
                    let schema: Value = serde_json::from_str(text).expect(checked);
                    compile(None, &schema, |_| None, self.assert_formats).expect(checked)
                }
                Source::Document { uri, documents } => {
                    let lookup = move |wanted: &str| {
                        documents.iter().find(|(u, _)| *u == wanted).and_then(|(_, text)| serde_json::from_str(text).ok())
                    };
                    let root = lookup(uri).expect(checked);
                    compile(Some(uri), &root, lookup, self.assert_formats).expect(checked)
                }
            }
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

/// Compiles `schema` (found at `uri`, when it has one) with its `$ref`s
/// resolved by `lookup` (a document's URI without fragment -> the document):
/// the one way both the generator (checking examples) and generated crates
/// build validators.
pub fn compile(
    uri: Option<&str>,
    schema: &Value,
    lookup: impl Fn(&str) -> Option<Value> + Send + Sync + 'static,
    assert_formats: bool,
) -> Result<jsonschema::Validator, String> {
    let mut options = jsonschema::options().should_validate_formats(assert_formats).with_retriever(Lookup(lookup));
    if let Some(uri) = uri {
        options = options.with_base_uri(uri);
    }
    options.build(schema).map_err(|e| e.to_string())
}

/// Retrieves `$ref`ed documents from memory: never the network.
struct Lookup<F>(F);

impl<F: Fn(&str) -> Option<Value> + Send + Sync> jsonschema::Retrieve for Lookup<F> {
    fn retrieve(&self, uri: &jsonschema::Uri<String>) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let wanted = uri.as_str().split('#').next().unwrap_or_default();
        (self.0)(wanted).ok_or_else(|| format!("no schema document `{wanted}` in the contract set").into())
    }
}

/// An asserted `format` checked by generated code: the validator's own
/// rule for it, compiled on first use, so both agree; for `uri`, a plain
/// URI is recognised before the validator is asked.
pub struct FormatCheck {
    format: &'static str,
    plainly_valid: Option<fn(&str) -> bool>,
    compiled: OnceLock<jsonschema::Validator>,
}

impl FormatCheck {
    pub const fn new(format: &'static str) -> Self {
        let plainly_valid: Option<fn(&str) -> bool> = match format.as_bytes() {
            b"uri" => Some(crate::uri::plainly_valid),
            _ => None,
        };
        FormatCheck { format, plainly_valid, compiled: OnceLock::new() }
    }

    /// Whether `text` is in the format.
    pub fn is_valid(&self, text: &str) -> bool {
        self.plainly_valid.is_some_and(|plainly_valid| plainly_valid(text)) || self.is_valid_in_full(text)
    }

    /// Whether `text` is in the format, by the validator's rule alone.
    pub(crate) fn is_valid_in_full(&self, text: &str) -> bool {
        let validator = self.compiled.get_or_init(|| {
            let schema = serde_json::json!({"format": self.format});
            compile(None, &schema, |_| None, true).expect("a format rule compiles")
        });
        // The validator takes a JSON value: one string per thread, refilled,
        // so a check allocates nothing once the string has grown.
        thread_local! {
            static SCRATCH: std::cell::RefCell<Value> = const { std::cell::RefCell::new(Value::Null) };
        }
        SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
            Ok(mut value) => {
                match &mut *value {
                    Value::String(buffer) => {
                        buffer.clear();
                        buffer.push_str(text);
                    }
                    other => *other = Value::String(text.to_owned()),
                }
                validator.is_valid(&value)
            }
            Err(_) => validator.is_valid(&Value::String(text.to_owned())),
        })
    }
}

/// Where a value checked by generated code sits: a JSON pointer, written
/// out only when a check fails, so passing checks allocate nothing.
#[derive(Clone, Copy, Debug)]
pub enum At<'a> {
    /// The value the checks started from, at this pointer.
    Root(&'a str),
    /// Member `name` (unescaped) of the object at the parent.
    Member(&'a At<'a>, &'a str),
    /// Item `index` of the array at the parent.
    Index(&'a At<'a>, usize),
}

impl At<'_> {
    /// The JSON pointer.
    pub fn pointer(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            At::Root(prefix) => out.push_str(prefix),
            At::Member(parent, name) => {
                parent.write(out);
                out.push('/');
                out.push_str(&escape_pointer_token(name));
            }
            At::Index(parent, index) => {
                parent.write(out);
                out.push('/');
                out.push_str(&index.to_string());
            }
        }
    }
}

/// One token of a JSON pointer: `~` and `/` escaped (RFC 6901).
pub(crate) fn escape_pointer_token(token: &str) -> String {
    jsonptr::Token::new(token).encoded().to_owned()
}

pub use crate::pattern::Pattern;

/// Whether `text` has fewer than `min` characters (JSON Schema counts
/// code points); counts them only when the byte length cannot decide.
pub fn shorter_than(text: &str, min: usize) -> bool {
    // A character takes 1 to 4 bytes.
    text.len() < min || (text.len() < min.saturating_mul(4) && text.chars().count() < min)
}

/// Whether `text` has more than `max` characters; see [`shorter_than`].
pub fn longer_than(text: &str, max: usize) -> bool {
    text.len() > max && (text.len() > max.saturating_mul(4) || text.chars().count() > max)
}

/// A violation found by generated checks.
pub fn violation(at: &At<'_>, keyword: &str, message: &str) -> Violation {
    Violation { pointer: at.pointer(), keyword: keyword.to_owned(), message: message.to_owned() }
}

/// For generated checks of a `oneOf`/`anyOf` of objects told apart by
/// their members: `branch` holds what the branch the value's members
/// select found wrong; the value then satisfies no branch, which is one
/// violation of `keyword` at `at`, as the validator reports it.
pub fn no_branch_holds(at: &At<'_>, keyword: &str, branch: Vec<Violation>, out: &mut Vec<Violation>) {
    if let Some(first) = branch.first() {
        let message = format!("is valid under no branch of `{keyword}`: the branch its members select fails at {}: {}", first.pointer, first.message);
        out.push(violation(at, keyword, &message));
    }
}

/// A `number` JSON cannot hold (NaN, infinity; written `null`): a `type`
/// violation, for generated checks.
pub fn check_finite(number: &crate::Number, at: &At<'_>, out: &mut Vec<Violation>) {
    if !number.is_finite() {
        out.push(violation(at, "type", "is not a JSON number (NaN or infinite)"));
    }
}

/// The JSON number of an integer field, for generated checks.
pub trait AsJsonNumber {
    /// The value as a JSON number.
    fn as_json_number(&self) -> serde_json::Number;
}

macro_rules! as_json_number {
    ($($t:ty),*) => {$(
        impl AsJsonNumber for $t {
            fn as_json_number(&self) -> serde_json::Number {
                serde_json::Number::from(*self)
            }
        }
    )*};
    (nonzero $($t:ty),*) => {$(
        impl AsJsonNumber for $t {
            fn as_json_number(&self) -> serde_json::Number {
                serde_json::Number::from(self.get())
            }
        }
    )*};
}
as_json_number!(i8, i16, i32, i64, u8, u16, u32, u64);
as_json_number!(nonzero std::num::NonZeroU8, std::num::NonZeroU16, std::num::NonZeroU32, std::num::NonZeroU64,
    std::num::NonZeroI8, std::num::NonZeroI16, std::num::NonZeroI32, std::num::NonZeroI64);

/// `number < bound`, exact for integers.
pub fn below(number: &serde_json::Number, bound: f64) -> bool {
    compare(number, bound).is_lt()
}

/// `number > bound`, exact for integers.
pub fn above(number: &serde_json::Number, bound: f64) -> bool {
    compare(number, bound).is_gt()
}

fn compare(number: &serde_json::Number, bound: f64) -> std::cmp::Ordering {
    let integral_bound = bound.fract() == 0.0 && bound.abs() < 9.2e18;
    match (number.as_i64(), number.as_u64()) {
        (Some(i), _) if integral_bound => i128::from(i).cmp(&(bound as i128)),
        (_, Some(u)) if integral_bound => i128::from(u).cmp(&(bound as i128)),
        _ => number.as_f64().unwrap_or(f64::NAN).partial_cmp(&bound).unwrap_or(std::cmp::Ordering::Equal),
    }
}

/// Whether `number` is a multiple of the integer `divisor`.
pub fn multiple_of(number: &serde_json::Number, divisor: u64) -> bool {
    match (number.as_i64(), number.as_u64()) {
        (Some(i), _) => i128::from(i) % i128::from(divisor) == 0,
        (_, Some(u)) => u % divisor == 0,
        _ => number.as_f64().is_some_and(|f| (f % divisor as f64) == 0.0),
    }
}

/// Whether no two items are equal (`uniqueItems`). The generated checks
/// call it for strings, integers and string enums only, whose JSON text is
/// equal exactly when they are: beyond a few items, the texts go into a
/// hash set, so that a long array from a sender costs linear time, not the
/// square of its length.
pub fn all_unique<'a, T: PartialEq + Serialize + 'a>(items: impl Iterator<Item = &'a T>) -> bool {
    let items: Vec<&T> = items.collect();
    let pairwise = |items: &[&T]| items.iter().enumerate().all(|(i, a)| items[i + 1..].iter().all(|b| a != b));
    if items.len() <= PAIRWISE_UP_TO {
        return pairwise(&items);
    }
    let mut seen = std::collections::HashSet::with_capacity(items.len());
    for item in &items {
        let Ok(text) = serde_json::to_string(item) else { return pairwise(&items) };
        if !seen.insert(text) {
            return false;
        }
    }
    true
}

/// Up to this many items, comparing every pair is cheaper than hashing.
const PAIRWISE_UP_TO: usize = 16;

/// Serializes a generated value for validation.
pub fn to_value<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("generated types always serialize")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_items_answer_alike_for_short_and_long_arrays() {
        let distinct: Vec<String> = (0..5000).map(|i| format!("tag-{i}")).collect();
        assert!(all_unique(distinct.iter()));
        assert!(all_unique(distinct[..PAIRWISE_UP_TO].iter()));
        for (short, long) in [(3, 40), (PAIRWISE_UP_TO, 5000)] {
            let mut repeated = distinct[..long].to_vec();
            repeated.push(distinct[long / 2].clone());
            assert!(!all_unique(repeated.iter()), "{long} items, one repeated");
            let mut repeated = distinct[..short].to_vec();
            repeated.push(distinct[0].clone());
            assert!(!all_unique(repeated.iter()), "{short} items, one repeated");
        }
        // Escapes and integers: equal JSON text exactly when equal values.
        let mut quoted: Vec<String> = ["a\"b", "a\\\"b", "a\\b", "a\u{e9}", "a\\u00e9", "a\n"].map(str::to_owned).to_vec();
        quoted.extend(distinct[..PAIRWISE_UP_TO].iter().cloned());
        assert!(all_unique(quoted.iter()));
        quoted.push("a\u{e9}".to_owned());
        assert!(!all_unique(quoted.iter()));
        let numbers: Vec<i64> = (-20..20).collect();
        assert!(all_unique(numbers.iter()));
        assert!(!all_unique(numbers.iter().chain([&-20])));
    }

    #[test]
    fn lengths_count_characters_not_bytes() {
        // "é" is 2 bytes, "𝄞" 4: byte lengths alone would answer wrongly.
        assert!(!shorter_than("éé", 2));
        assert!(shorter_than("é", 2));
        assert!(!longer_than("éé", 2));
        assert!(longer_than("𝄞𝄞𝄞", 2));
        assert!(!longer_than("𝄞𝄞", 2));
        assert!(shorter_than("", 1));
        assert!(!shorter_than("abcd", 1));
        assert!(longer_than("abcdefghi", 2));
        assert!(!longer_than("", 0));
        assert!(shorter_than("x", usize::MAX));
    }

    #[test]
    fn a_pointer_is_written_from_its_parts_with_escapes() {
        let root = At::Root("/data");
        let records = At::Member(&root, "records");
        let item = At::Index(&records, 3);
        let odd = At::Member(&item, "a/b~c");
        assert_eq!(odd.pointer(), "/data/records/3/a~1b~0c");
        assert_eq!(At::Root("").pointer(), "");
    }
}
