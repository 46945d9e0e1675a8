//! Semantic compatibility of two JSON Schemas.
//!
//! The question is about instances, not syntax: is every instance valid
//! under one schema also valid under the other? [`diff`] answers it in
//! both directions (old ⊆ new: readers on the new schema still read old
//! data, "backward"; new ⊆ old: readers on the old schema read new data,
//! "forward") and reports each difference as a [`Change`] that says who
//! it breaks and how to fix it.
//!
//! The crate reads one way: `schema` flattens a schema node into a
//! conjunction of constraints (following `$ref`s, merging `allOf`s),
//! `subschema` decides inclusion between two flattened nodes, this file
//! turns the two directions' findings into changes.

mod number;
mod schema;
mod subschema;
mod witness;

pub use witness::Witness;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// Which readers must keep working.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Readers on the new schema read data written with the old one:
    /// every instance valid under old must be valid under new.
    Backward,
    /// Readers on the old schema read data written with the new one.
    Forward,
    /// Both.
    Full,
}

/// How to read an open content model (`additionalProperties` absent or
/// `true`) on the writer's side.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Policy {
    /// As JSON Schema does: the writer may have sent any undeclared
    /// property, so declaring one later (with a schema that does not accept
    /// everything) is breaking.
    Strict,
    /// The writer only ever sent the properties it declared.
    Lenient,
}

/// How `format` is read where the dialect makes it an annotation (2019-09
/// and later; up to draft 7 it restricts values in any case).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Formats {
    /// As the dialect says: a change of format changes no value set.
    #[default]
    Annotations,
    /// The set's validation asserts formats (`formats.assert = true`): a
    /// change of format is a change of the values accepted.
    Asserted,
}

/// Whose reading breaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Breaks {
    /// Readers on the old schema reject data written with the new one.
    OldReaders,
    /// Readers on the new schema reject data written with the old one.
    NewReaders,
    /// Both.
    Both,
}

impl fmt::Display for Breaks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Breaks::OldReaders => "breaks old readers",
            Breaks::NewReaders => "breaks new readers",
            Breaks::Both => "breaks old and new readers",
        })
    }
}

macro_rules! kinds {
    ($($variant:ident => $name:literal,)*) => {
        /// What changed, read from the old schema to the new one.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum ChangeKind { $($variant,)* }

        impl ChangeKind {
            /// The stable kebab-case name, e.g. `max-length-decreased`.
            pub fn as_str(self) -> &'static str {
                match self { $(ChangeKind::$variant => $name,)* }
            }
        }
    };
}

kinds! {
    TypeNarrowed => "type-narrowed",
    TypeExtended => "type-extended",
    TypeChanged => "type-changed",
    EnumAdded => "enum-added",
    EnumRemoved => "enum-removed",
    EnumNarrowed => "enum-narrowed",
    EnumExtended => "enum-extended",
    EnumChanged => "enum-changed",
    MinimumAdded => "minimum-added",
    MinimumRemoved => "minimum-removed",
    MinimumIncreased => "minimum-increased",
    MinimumDecreased => "minimum-decreased",
    MaximumAdded => "maximum-added",
    MaximumRemoved => "maximum-removed",
    MaximumIncreased => "maximum-increased",
    MaximumDecreased => "maximum-decreased",
    MultipleOfAdded => "multiple-of-added",
    MultipleOfRemoved => "multiple-of-removed",
    MultipleOfNarrowed => "multiple-of-narrowed",
    MultipleOfWidened => "multiple-of-widened",
    MultipleOfChanged => "multiple-of-changed",
    MinLengthAdded => "min-length-added",
    MinLengthRemoved => "min-length-removed",
    MinLengthIncreased => "min-length-increased",
    MinLengthDecreased => "min-length-decreased",
    MaxLengthAdded => "max-length-added",
    MaxLengthRemoved => "max-length-removed",
    MaxLengthIncreased => "max-length-increased",
    MaxLengthDecreased => "max-length-decreased",
    PatternAdded => "pattern-added",
    PatternRemoved => "pattern-removed",
    PatternChanged => "pattern-changed",
    FormatAdded => "format-added",
    FormatRemoved => "format-removed",
    FormatChanged => "format-changed",
    MinItemsAdded => "min-items-added",
    MinItemsRemoved => "min-items-removed",
    MinItemsIncreased => "min-items-increased",
    MinItemsDecreased => "min-items-decreased",
    MaxItemsAdded => "max-items-added",
    MaxItemsRemoved => "max-items-removed",
    MaxItemsIncreased => "max-items-increased",
    MaxItemsDecreased => "max-items-decreased",
    UniqueItemsAdded => "unique-items-added",
    UniqueItemsRemoved => "unique-items-removed",
    ItemAdded => "item-added",
    ItemRemoved => "item-removed",
    AdditionalItemsNarrowed => "additional-items-narrowed",
    AdditionalItemsExtended => "additional-items-extended",
    AdditionalItemsChanged => "additional-items-changed",
    ContainsAdded => "contains-added",
    ContainsRemoved => "contains-removed",
    RequiredAdded => "required-added",
    RequiredRemoved => "required-removed",
    PropertyAdded => "property-added",
    PropertyRemoved => "property-removed",
    AdditionalPropertiesNarrowed => "additional-properties-narrowed",
    AdditionalPropertiesExtended => "additional-properties-extended",
    AdditionalPropertiesChanged => "additional-properties-changed",
    PatternPropertiesNarrowed => "pattern-properties-narrowed",
    PatternPropertiesExtended => "pattern-properties-extended",
    PatternPropertiesChanged => "pattern-properties-changed",
    MinPropertiesAdded => "min-properties-added",
    MinPropertiesRemoved => "min-properties-removed",
    MinPropertiesIncreased => "min-properties-increased",
    MinPropertiesDecreased => "min-properties-decreased",
    MaxPropertiesAdded => "max-properties-added",
    MaxPropertiesRemoved => "max-properties-removed",
    MaxPropertiesIncreased => "max-properties-increased",
    MaxPropertiesDecreased => "max-properties-decreased",
    DependencyAdded => "dependency-added",
    DependencyRemoved => "dependency-removed",
    DependentSchemaAdded => "dependent-schema-added",
    DependentSchemaRemoved => "dependent-schema-removed",
    PropertyNamesNarrowed => "property-names-narrowed",
    PropertyNamesExtended => "property-names-extended",
    PropertyNamesChanged => "property-names-changed",
    SumTypeNarrowed => "sum-type-narrowed",
    SumTypeExtended => "sum-type-extended",
    SumTypeChanged => "sum-type-changed",
    NotChanged => "not-changed",
    Unsupported => "unsupported",
    TitleChanged => "title-changed",
    DescriptionChanged => "description-changed",
    DefaultChanged => "default-changed",
    ExamplesChanged => "examples-changed",
    CommentChanged => "comment-changed",
    IdChanged => "id-changed",
    AnnotationChanged => "annotation-changed",
}

impl fmt::Display for ChangeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for ChangeKind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// A narrowing found in one direction and a widening found in the other,
/// at the same place, are one change.
const OPPOSITES: &[(ChangeKind, ChangeKind, ChangeKind)] = {
    use ChangeKind::*;
    &[
        (TypeNarrowed, TypeExtended, TypeChanged),
        (EnumNarrowed, EnumExtended, EnumChanged),
        (MultipleOfNarrowed, MultipleOfWidened, MultipleOfChanged),
        (
            AdditionalItemsNarrowed,
            AdditionalItemsExtended,
            AdditionalItemsChanged,
        ),
        (
            AdditionalPropertiesNarrowed,
            AdditionalPropertiesExtended,
            AdditionalPropertiesChanged,
        ),
        (
            PatternPropertiesNarrowed,
            PatternPropertiesExtended,
            PatternPropertiesChanged,
        ),
        (
            PropertyNamesNarrowed,
            PropertyNamesExtended,
            PropertyNamesChanged,
        ),
        (SumTypeNarrowed, SumTypeExtended, SumTypeChanged),
    ]
};

/// One difference between the schemas.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Change {
    /// A JSON pointer (URI fragment form, `#` is the root) into the new
    /// schema; where the new schema has nothing there (a removed keyword),
    /// the place it would be.
    pub pointer: String,
    pub kind: ChangeKind,
    /// `None`: compatible in the checked direction.
    pub breaks: Option<Breaks>,
    pub message: String,
    /// What to do about it; empty for compatible changes.
    pub fix: String,
}

/// The outcome of [`diff`].
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Diff {
    pub changes: Vec<Change>,
    pub compatible: bool,
    /// For each direction found breaking, an instance that shows it,
    /// where one can be built.
    pub witnesses: Vec<Witness>,
}

/// Stands for the next version's file name in fixes until
/// [`Diff::name_next_version`] fills it in.
pub const NEXT_VERSION: &str = "<name>.v<N+1>.schema.json";

impl Diff {
    /// Puts the real next-version file name into the fixes.
    pub fn name_next_version(&mut self, file: &str) {
        for change in &mut self.changes {
            change.fix = change.fix.replace(NEXT_VERSION, file);
        }
    }
}

/// `orders/placed.v2.schema.json` -> `placed.v3.schema.json`.
pub fn next_version_file(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    let stem = name.strip_suffix(".schema.json")?;
    let (base, version) = stem.rsplit_once(".v")?;
    let n: u64 = version.parse().ok()?;
    Some(format!("{base}.v{}.schema.json", n + 1))
}

/// A reason one schema does not include the other, found by the checker.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Issue {
    pub kind: ChangeKind,
    pub pointer: String,
    pub message: String,
    /// Annotation differences are reported but never break.
    pub annotation: bool,
}

/// Stack for the checker's thread: enough for its depth limit in a debug build.
const CHECK_STACK: usize = 512 * 1024 * 1024;

/// Compares two schemas. Never fails: what cannot be compared (malformed
/// keywords, unresolvable or dynamic references) is reported as an
/// `unsupported` change that breaks, the conservative answer.
pub fn diff(old: &Value, new: &Value, direction: Direction, policy: Policy) -> Diff {
    diff_with_formats(old, new, direction, policy, Formats::Annotations)
}

/// [`diff`], with `format` read as the set's validation reads it.
pub fn diff_with_formats(old: &Value, new: &Value, direction: Direction, policy: Policy, formats: Formats) -> Diff {
    let lenient = policy == Policy::Lenient;
    let check = || {
        let backward = subschema::Checker::new(old, new, formats).check(schema::Side::Old, lenient);
        let forward = subschema::Checker::new(old, new, formats).check(schema::Side::New, lenient);
        (backward, forward)
    };
    // The checker recurses with the schemas' nesting (bounded by its depth
    // limit); a thread of its own with a large stack keeps deep schemas
    // from overflowing the caller's.
    let (backward, forward) = std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("compat-diff".into())
            .stack_size(CHECK_STACK)
            .spawn_scoped(scope, check)
            .ok()
            .and_then(|handle| handle.join().ok())
    })
    .unwrap_or_else(check);

    // (pointer, kind) -> (message, found backward, found forward, annotation)
    let mut found: BTreeMap<(String, ChangeKind), (String, bool, bool, bool)> = BTreeMap::new();
    for (issues, is_backward) in [(backward, true), (forward, false)] {
        for issue in issues {
            let entry = found.entry((issue.pointer, issue.kind)).or_insert((
                issue.message,
                false,
                false,
                issue.annotation,
            ));
            if is_backward {
                entry.1 = true;
            } else {
                entry.2 = true;
            }
        }
    }
    for &(narrow, widen, changed) in OPPOSITES {
        let pointers: Vec<String> = found
            .keys()
            .filter(|(p, k)| *k == narrow && found.contains_key(&(p.clone(), widen)))
            .map(|(p, _)| p.clone())
            .collect();
        for pointer in pointers {
            let a = found.remove(&(pointer.clone(), narrow)).unwrap_or_default();
            let b = found.remove(&(pointer.clone(), widen)).unwrap_or_default();
            found.insert(
                (pointer, changed),
                (format!("{}; {}", a.0, b.0), a.1 || b.1, a.2 || b.2, false),
            );
        }
    }

    let checks_backward = matches!(direction, Direction::Backward | Direction::Full);
    let checks_forward = matches!(direction, Direction::Forward | Direction::Full);
    let changes: Vec<Change> = found
        .into_iter()
        .map(
            |((pointer, kind), (message, backward, forward, annotation))| {
                let new_readers = backward && checks_backward && !annotation;
                let old_readers = forward && checks_forward && !annotation;
                let breaks = match (old_readers, new_readers) {
                    (true, true) => Some(Breaks::Both),
                    (true, false) => Some(Breaks::OldReaders),
                    (false, true) => Some(Breaks::NewReaders),
                    (false, false) => None,
                };
                Change {
                    pointer: format!("#{pointer}"),
                    kind,
                    breaks,
                    fix: fix(kind, breaks),
                    message,
                }
            },
        )
        .collect();
    let compatible = changes.iter().all(|c| c.breaks.is_none());
    let breaks = |who: Breaks| changes.iter().any(|c| c.breaks == Some(who) || c.breaks == Some(Breaks::Both));
    let mut witnesses = Vec::new();
    if breaks(Breaks::NewReaders) {
        witnesses.extend(witness::find(old, new, formats, lenient, Breaks::NewReaders));
    }
    if breaks(Breaks::OldReaders) {
        witnesses.extend(witness::find(new, old, formats, lenient, Breaks::OldReaders));
    }
    Diff {
        changes,
        compatible,
        witnesses,
    }
}

fn fix(kind: ChangeKind, breaks: Option<Breaks>) -> String {
    let bump = format!("or bump the version: add {NEXT_VERSION}");
    match (kind, breaks) {
        (_, None) => String::new(),
        (ChangeKind::Unsupported, _) => {
            format!("simplify the schema so it can be compared, check the change by hand, {bump}")
        }
        (ChangeKind::RequiredAdded, Some(Breaks::NewReaders)) => {
            format!(
                "make the field optional (a `default` does not help: validation does not fill it in), {bump}"
            )
        }
        (ChangeKind::PropertyAdded, Some(Breaks::NewReaders)) => format!(
            "old data may already carry this name with any value (the old content model was open): accept anything old data could hold, \
             check with --policy lenient if writers only ever sent declared properties, {bump}"
        ),
        (_, Some(Breaks::NewReaders)) => format!("keep the old constraint, {bump}"),
        (_, Some(Breaks::OldReaders)) => format!(
            "old readers reject what the new schema allows: keep the old constraint, {bump}"
        ),
        (_, Some(Breaks::Both)) => format!("revert the change, {bump}"),
    }
}

/// Why a schema file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum CompatError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}:{line}:{column}: not valid JSON: {message}", path.display())]
    Json {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{}: {message}", path.display())]
    Invalid { path: PathBuf, message: String },
}

/// Reads a schema file: JSON whose top level is an object or a boolean.
pub fn read_schema(path: &Path) -> Result<Value, CompatError> {
    let text = std::fs::read_to_string(path).map_err(|source| CompatError::Io {
        path: path.to_owned(),
        source,
    })?;
    parse_schema(path, &text)
}

/// Parses a schema text (see [`read_schema`]); `path` names it in errors.
pub fn parse_schema(path: &Path, text: &str) -> Result<Value, CompatError> {
    let value: Value = serde_json::from_str(text).map_err(|e| CompatError::Json {
        path: path.to_owned(),
        line: e.line(),
        column: e.column(),
        message: strip_position(&e.to_string()),
    })?;
    if !(value.is_object() || value.is_boolean()) {
        return Err(CompatError::Invalid {
            path: path.to_owned(),
            message: "not a JSON Schema: the top level must be an object or a boolean".into(),
        });
    }
    Ok(value)
}

/// serde_json appends " at line L column C", which the error shows already.
fn strip_position(message: &str) -> String {
    message
        .rsplit_once(" at line ")
        .map_or(message, |(m, _)| m)
        .to_owned()
}
