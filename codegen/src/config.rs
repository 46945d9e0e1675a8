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
    /// How event types are named.
    pub naming: Naming,
    /// Where type, version and payload live.
    pub envelope: EnvelopeConfig,
    /// How `format`s map to Rust types.
    #[serde(default)]
    pub formats: Formats,
    /// Whether an event may skip versions (v1, v3 without v2). Off by
    /// default: a gap is usually a file that was forgotten or misnamed.
    #[serde(default)]
    pub allow_version_gaps: bool,
}

/// How event types are formed from the file path.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Naming {
    /// Template for the event type: `{domain}` and `{event}` are replaced by
    /// the folder and file names, e.g. `kfm.{domain}.{event}`.
    pub event_type: String,
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
    /// JSON pointer of the integer version, e.g. `/meta/version`.
    #[serde(rename = "version")]
    pub version_pointer: String,
    /// JSON pointer of the payload, e.g. `/data`.
    #[serde(rename = "payload")]
    pub payload_pointer: String,
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
}

impl Default for Formats {
    fn default() -> Self {
        Formats {
            uuid: FormatMapping::Typed,
            date_time: FormatMapping::Typed,
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
        config.check(file)?;
        Ok(config)
    }

    fn check(&self, file: &Path) -> Result<(), Error> {
        let mut problems = crate::diagnostics::Diagnostics::default();
        for (key, pointer) in [
            ("envelope.type", &self.envelope.type_pointer),
            ("envelope.version", &self.envelope.version_pointer),
            ("envelope.payload", &self.envelope.payload_pointer),
        ] {
            if !pointer.starts_with('/') {
                problems.push(
                    Diagnostic::new(file, "", "config-invalid", format!("`{key}` = {pointer:?} is not a JSON pointer"))
                        .help("write it like \"/meta/type\""),
                );
            }
        }
        if !self.naming.event_type.contains("{event}") {
            problems.push(
                Diagnostic::new(file, "", "config-invalid", "`naming.event-type` must contain `{event}`")
                    .help("e.g. \"kfm.{domain}.{event}\""),
            );
        }
        problems.finish()
    }

    /// The event type for a schema at `<domain>/<event>.v<N>.schema.json`.
    pub fn event_type(&self, domain: &str, event: &str) -> String {
        self.naming
            .event_type
            .replace("{domain}", domain)
            .replace("{event}", event)
    }
}
