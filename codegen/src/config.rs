//! The contract-set config file (`schemas/events.toml`).
//!
//! It says what JSON Schema cannot: how event types are named, where the
//! envelope keeps type, version and payload, how formats map to Rust types,
//! and where the generated crate goes. Unknown keys are errors, so a typo
//! never silently falls back to a default.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostics::{Diagnostic, Error};

/// A parsed config file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Short name of the contract set, used in docs.
    pub name: String,
    /// The generated crate's directory, relative to the config file.
    pub output: PathBuf,
    /// The generated crate's package name.
    pub crate_name: String,
    /// Extra shared schemas to generate types for, though no event refers
    /// to them (e.g. a dead-letter error contract), relative to the schemas
    /// folder.
    #[serde(default)]
    pub extra_types: Vec<PathBuf>,
    /// How event types are named.
    pub naming: Naming,
    /// How messages are routed: by an envelope field (the default) or by
    /// subject, with no envelope.
    #[serde(default)]
    pub routing: Routing,
    /// Where type, version and payload live; required when routing is by
    /// envelope.
    pub envelope: Option<EnvelopeConfig>,
    /// How `format`s map to Rust types.
    #[serde(default)]
    pub formats: Formats,
    /// Classification and idempotency.
    #[serde(default)]
    pub governance: Governance,
    /// Where the CloudEvents attributes come from; conversion is generated
    /// (behind the crate feature `cloudevents`) only when this is set.
    pub cloudevents: Option<CloudEventsConfig>,
    /// Whether an event may skip versions (v1, v3 without v2). Off by
    /// default: a gap is usually a file that was forgotten or misnamed.
    #[serde(default)]
    pub allow_version_gaps: bool,
    /// Schema documents that `$ref`s reach by URL, served from local
    /// folders: URL prefix -> folder (relative to this file), e.g.
    /// `"https://schemas.example.com/" = "../vendor/schemas"`. Never the
    /// network.
    #[serde(default)]
    pub remotes: std::collections::BTreeMap<String, PathBuf>,
    /// What `cargo xtask compat` requires of an edited version file.
    #[serde(default)]
    pub compatibility: Compatibility,
    /// Where the generated crate's dependency on the runtime crate
    /// (`event-contracts`) comes from.
    #[serde(default)]
    pub runtime: Runtime,
    /// What decoding does with the properties an open object's schema does
    /// not declare.
    #[serde(default)]
    pub unknown_properties: UnknownProperties,
}

/// Properties an open object (no `additionalProperties: false`) does not
/// declare, as a struct of the generated crate holds them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum UnknownProperties {
    /// Kept in the struct's `unknown_properties` map and written back on
    /// encode: a relay, an enricher or a replay loses nothing a newer
    /// producer added.
    #[default]
    Keep,
    /// Dropped on decode (smaller structs; what the schema declares only).
    Drop,
}

/// The generated crate's dependency on the runtime crate, as Cargo takes
/// it: a folder, a git repository, or a version from crates.io. With none
/// of them, the version of the runtime released with this generator.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Runtime {
    /// The runtime crate's folder, relative to the config file (or absolute).
    pub path: Option<PathBuf>,
    /// A version requirement, e.g. `"0.1"`; with `path` or `git`, the
    /// version a published generated crate would ask for.
    pub version: Option<String>,
    /// A git repository holding the runtime crate.
    pub git: Option<String>,
    /// With `git`: a branch.
    pub branch: Option<String>,
    /// With `git`: a tag.
    pub tag: Option<String>,
    /// With `git`: a commit.
    pub rev: Option<String>,
}

/// The runtime version this generator emits code for: the default of `[runtime]`.
pub const RUNTIME_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The compatibility gate's rules for a contract set.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Compatibility {
    /// Default mode of every event (a schema's `x-compatibility` overrides it).
    #[serde(default)]
    pub mode: CompatibilityMode,
    /// How open content models are read.
    #[serde(default)]
    pub policy: CompatibilityPolicy,
}

/// Which readers an edit must keep working.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CompatibilityMode {
    /// Readers on the new schema read data written with the old one.
    #[default]
    Backward,
    BackwardTransitive,
    /// Readers on the old schema read data written with the new one.
    Forward,
    ForwardTransitive,
    /// Both.
    Full,
    FullTransitive,
    /// No check.
    None,
}

impl CompatibilityMode {
    /// Parses `backward`, `full-transitive`, ... (as in `x-compatibility`).
    pub fn parse(text: &str) -> Option<Self> {
        serde_json::from_value(serde_json::Value::String(text.to_ascii_lowercase().replace('_', "-"))).ok()
    }

    /// Whether a new version is compared with every earlier one.
    pub fn is_transitive(self) -> bool {
        matches!(self, Self::BackwardTransitive | Self::ForwardTransitive | Self::FullTransitive)
    }

    /// The mode's name as written in configs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Backward => "backward",
            Self::BackwardTransitive => "backward-transitive",
            Self::Forward => "forward",
            Self::ForwardTransitive => "forward-transitive",
            Self::Full => "full",
            Self::FullTransitive => "full-transitive",
            Self::None => "none",
        }
    }
}

/// How open content models (`additionalProperties` absent or `true`) are read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CompatibilityPolicy {
    /// As JSON Schema says: old data may carry any undeclared property.
    #[default]
    Strict,
    /// Writers only ever sent the properties they declared.
    Lenient,
}

/// How event types are formed from the file path.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Naming {
    /// Template for the event type: `{domain}` and `{event}` are replaced by
    /// the folder and file names, e.g. `kfm.{domain}.{event}`; `{event:dots}`
    /// writes `instance_started` as `instance.started` and `{event:upper}`
    /// as `INSTANCE_STARTED` (the same filters work on `{domain}`).
    pub event_type: String,
    /// A regular expression every event type must match.
    pub pattern: Option<String>,
}

/// Where governance facts live in a message.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Governance {
    /// JSON pointer of the envelope field that `Envelope::new` fills from
    /// the event's `x-classification`, e.g. `/meta/classification/tier`.
    pub classification: Option<String>,
    /// JSON pointers whose values, joined by `:`, make the idempotency key,
    /// e.g. `["/meta/event_id"]`. With subject routing they point into the
    /// payload and each event uses the first one it has.
    #[serde(default)]
    pub idempotency_key: Vec<String>,
    /// JSON pointer of the envelope field whose value keys a message on a
    /// log-based broker (Kafka's record key, which picks the partition),
    /// e.g. `/metadata/partition_key`.
    pub partition_key: Option<String>,
}

/// JSON pointers of the envelope fields CloudEvents attributes come from.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CloudEventsConfig {
    /// `id`, e.g. `/meta/event_id`.
    pub id: String,
    /// `source`, e.g. `/meta/producer`.
    pub source: String,
    /// `time`, e.g. `/meta/occurred_at`.
    pub time: Option<String>,
}

/// How messages find their event type.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Routing {
    /// `envelope` or `subject`.
    #[serde(default)]
    pub by: RouteBy,
}

/// The routing kinds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RouteBy {
    /// Type and version are fields of an envelope around the payload.
    #[default]
    Envelope,
    /// No envelope: each event schema names its subject (`x-subject`).
    Subject,
}

/// Where the envelope keeps the event type, version and payload.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct EnvelopeConfig {
    /// The envelope schema, relative to the schemas folder.
    pub schema: PathBuf,
    /// JSON pointer of the event type string, e.g. `/meta/type`.
    #[serde(rename = "type")]
    pub type_pointer: String,
    /// JSON pointer of the integer version, e.g. `/meta/version`; absent
    /// when the version is a suffix of the type.
    #[serde(rename = "version")]
    pub version_pointer: Option<String>,
    /// `integer` (a version field) or `type-suffix` (`type.v2`).
    #[serde(default)]
    pub version_format: VersionFormat,
    /// JSON pointer of the payload, e.g. `/data`.
    #[serde(rename = "payload")]
    pub payload_pointer: String,
}

/// How the envelope writes the version.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum VersionFormat {
    /// An integer field at `envelope.version`.
    #[default]
    Integer,
    /// `.v<N>` at the end of the type string.
    TypeSuffix,
}

/// Which string formats become typed values.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Formats {
    /// `uuid`: `typed` (a lossless UUID type) or `string`.
    #[serde(default)]
    pub uuid: FormatMapping,
    /// `date-time`: `typed` (a lossless RFC 3339 type) or `string`.
    #[serde(default)]
    pub date_time: FormatMapping,
    /// Whether validation asserts every other `format` too (`email`, `uri`,
    /// ...), as AJV with ajv-formats does. JSON Schema's default is `false`:
    /// a format only annotates.
    #[serde(default)]
    pub assert: bool,
}

impl Default for Formats {
    fn default() -> Self {
        Formats {
            uuid: FormatMapping::Typed,
            date_time: FormatMapping::Typed,
            assert: false,
        }
    }
}

/// Whether a format is asserted by the type or left as a plain string.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FormatMapping {
    /// A Rust type that only holds valid values (the format is asserted).
    #[default]
    Typed,
    /// A `String` (the format stays an annotation).
    String,
}

impl Config {
    /// Parses the config text; `file` is its path relative to the repository.
    pub fn parse(file: &Path, text: &str) -> Result<Config, Error> {
        let config: Config = toml::from_str(text).map_err(|e| {
            let mut diagnostic = Diagnostic::new(file, "", "config-invalid", e.message().to_owned())
                .help("see the config reference in README.md");
            if let Some(span) = e.span() {
                diagnostic.position = Some(crate::locate::line_col(text, span.start));
            }
            Error::one(diagnostic)
        })?;
        config.check(file, text)?;
        Ok(config)
    }

    fn check(&self, file: &Path, text: &str) -> Result<(), Error> {
        let mut problems = crate::diagnostics::Diagnostics::default();
        let problem = |key: &[&str], message: String, help: &str| config_problem(file, text, key, message, help);
        match (&self.envelope, self.routing.by) {
            (None, RouteBy::Envelope) => problems.push(problem(
                &["routing"],
                "no `[envelope]` section: routing by envelope needs one".to_owned(),
                "add `[envelope]` with schema, type, version and payload, or set `routing.by = \"subject\"`",
            )),
            (Some(_), RouteBy::Subject) => problems.push(problem(
                &["envelope"],
                "`[envelope]` is set but routing is by subject".to_owned(),
                "remove `[envelope]`, or route by envelope",
            )),
            (Some(envelope), RouteBy::Envelope) => match (envelope.version_format, &envelope.version_pointer) {
                (VersionFormat::Integer, None) => problems.push(problem(
                    &["envelope"],
                    "`envelope.version` is missing".to_owned(),
                    "point it at the integer version, or set `version-format = \"type-suffix\"`",
                )),
                (VersionFormat::TypeSuffix, Some(_)) => problems.push(problem(
                    &["envelope", "version"],
                    "`envelope.version` is set but the version is a suffix of the type".to_owned(),
                    "remove `version`, or set `version-format = \"integer\"`",
                )),
                _ => {}
            },
            (None, RouteBy::Subject) => {}
        }
        if let Some(pattern) = &self.naming.pattern
            && let Err(e) = regress::Regex::new(pattern) {
                problems.push(problem(&["naming", "pattern"], format!("`naming.pattern` is not a valid regular expression: {e}"), "fix the pattern"));
            }
        let envelope = self.envelope.as_ref();
        let pointers = [
            ("envelope.type", envelope.map(|e| &e.type_pointer)),
            ("envelope.version", envelope.and_then(|e| e.version_pointer.as_ref())),
            ("envelope.payload", envelope.map(|e| &e.payload_pointer)),
        ];
        for (key, pointer) in pointers {
            let Some(pointer) = pointer else { continue };
            if !pointer.starts_with('/') {
                let path: Vec<&str> = key.split('.').collect();
                problems.push(problem(&path, format!("`{key}` = {pointer:?} is not a JSON pointer"), "write it like \"/meta/type\""));
            }
        }
        let runtime = &self.runtime;
        if runtime.path.is_some() && runtime.git.is_some() {
            problems.push(problem(
                &["runtime", "git"],
                "`runtime.path` and `runtime.git` are both set".to_owned(),
                "keep one: a folder, or a git repository",
            ));
        }
        let git_refs = [&runtime.branch, &runtime.tag, &runtime.rev].iter().filter(|r| r.is_some()).count();
        if git_refs > 0 && runtime.git.is_none() {
            problems.push(problem(&["runtime"], "`runtime.branch`, `tag` or `rev` is set without `runtime.git`".to_owned(), "add `git`, or remove them"));
        } else if git_refs > 1 {
            problems.push(problem(&["runtime"], "more than one of `runtime.branch`, `tag` and `rev` is set".to_owned(), "keep one"));
        }
        if !self.naming.event_type.contains("{event") {
            problems.push(problem(&["naming", "event-type"], "`naming.event-type` must contain `{event}`".to_owned(), "e.g. \"kfm.{domain}.{event}\""));
        }
        problems.finish()
    }

    /// The event type for a schema at `<domain>/<event>.v<N>.schema.json`.
    pub fn event_type(&self, domain: &str, event: &str) -> String {
        let mut out = self.naming.event_type.clone();
        for (name, value) in [("domain", domain), ("event", event)] {
            out = out
                .replace(&format!("{{{name}:dots}}"), &value.replace('_', "."))
                .replace(&format!("{{{name}:upper}}"), &heck::AsShoutySnakeCase(value).to_string())
                .replace(&format!("{{{name}}}"), value);
        }
        out
    }
}

/// A problem with the key at `path` of the config (`["envelope", "schema"]`,
/// or a table: `["envelope"]`): its pointer and, where the key is written,
/// its line and column.
pub(crate) fn config_problem(file: &Path, text: &str, path: &[&str], message: String, help: &str) -> Diagnostic {
    let pointer: String = path.iter().map(|key| format!("/{}", crate::pointer::escape(key))).collect();
    let mut diagnostic = Diagnostic::new(file, pointer, "config-invalid", message).help(help);
    diagnostic.position = key_position(text, path);
    diagnostic
}

/// The 1-based line and column where the key at `path` is written (for a
/// table, its name in the header), from the parser's spans.
fn key_position(text: &str, path: &[&str]) -> Option<(usize, usize)> {
    let document = toml_edit::Document::parse(text).ok()?;
    let (last, parents) = path.split_last()?;
    let mut table: &dyn toml_edit::TableLike = document.as_table();
    for key in parents {
        table = table.get(key)?.as_table_like()?;
    }
    let (key, _) = table.get_key_value(last)?;
    Some(crate::locate::line_col(text, key.span()?.start))
}
