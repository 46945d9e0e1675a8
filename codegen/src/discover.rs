//! Finding the schema files of a contract set and reading them.
//!
//! The path is part of the contract: `<domain>/<event>.v<N>.schema.json`
//! gives the domain, the event name and the major version; files under
//! `_shared/` are building blocks referenced by events. This is the only
//! module that reads schema files.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::diagnostics::{Diagnostic, Diagnostics, Error};

/// Schema files larger than this are refused before parsing, so memory
/// stays bounded whatever is committed. Event contracts are kilobytes.
pub const MAX_SCHEMA_BYTES: u64 = 4 * 1024 * 1024;

/// Folder of shared building blocks inside the schemas folder.
pub const SHARED_DIR: &str = "_shared";

/// Every schema file of a contract set, keyed by path relative to the
/// schemas folder (with `/` separators, so keys sort the same everywhere).
#[derive(Debug, Clone)]
pub struct SchemaFiles {
    /// The files, sorted by path.
    pub files: BTreeMap<String, SchemaFile>,
}

/// One schema document.
#[derive(Debug, Clone)]
pub struct SchemaFile {
    /// Path relative to the schemas folder, `/`-separated.
    pub path: String,
    /// Path relative to the repository, for diagnostics.
    pub repo_path: PathBuf,
    /// The text as read.
    pub text: String,
    /// The parsed document.
    pub value: Value,
    /// What the path says the file is.
    pub kind: FileKind,
}

/// What the path says a schema file is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileKind {
    /// A building block under `_shared/`.
    Shared,
    /// An event version: `<domain>/<event>.v<N>.schema.json`.
    Event {
        /// The folder name.
        domain: String,
        /// The file name before `.v<N>`.
        event: String,
        /// The major version.
        version: u32,
    },
}

/// Reads every `*.schema.json` below `repo_root/schemas_dir`. Files that
/// break the naming convention or do not parse are reported in `problems`
/// and left out, so later checks still run on the rest.
pub fn discover(repo_root: &Path, schemas_dir: &Path, problems: &mut Diagnostics) -> Result<SchemaFiles, Error> {
    let mut paths = Vec::new();
    collect(&repo_root.join(schemas_dir), &mut paths)?;
    paths.sort();

    let mut files = BTreeMap::new();
    for full in paths {
        let rel = full
            .strip_prefix(repo_root.join(schemas_dir))
            .expect("collected below the schemas folder");
        let path = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let repo_path = schemas_dir.join(rel);
        let size = fs::metadata(&full).map(|m| m.len()).unwrap_or(0);
        if size > MAX_SCHEMA_BYTES {
            problems.push(
                Diagnostic::new(&repo_path, "", "file-too-large", format!("the file is {:.1} MiB; schema files over {} MiB are refused", size as f64 / 1048576.0, MAX_SCHEMA_BYTES / 1048576))
                    .help("split the schema into shared parts under `_shared/` referenced with `$ref`"),
            );
            continue;
        }
        let bytes = fs::read(&full).map_err(|source| Error::Io {
            path: repo_path.clone(),
            source,
        })?;
        let kind = match classify(&path) {
            Ok(kind) => kind,
            Err((message, help)) => {
                problems.push(Diagnostic::new(&repo_path, "", "file-name", message).help(help));
                continue;
            }
        };
        match parse(&repo_path, bytes) {
            Ok((text, value)) => {
                files.insert(
                    path.clone(),
                    SchemaFile {
                        path,
                        repo_path,
                        text,
                        value,
                        kind,
                    },
                );
            }
            Err(diagnostic) => problems.push(diagnostic),
        }
    }
    Ok(SchemaFiles {
        files,
    })
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), Error> {
    let entries = fs::read_dir(dir).map_err(|source| Error::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    for entry in entries {
        let entry = entry.map_err(|source| Error::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else if path.to_string_lossy().ends_with(".schema.json") {
            out.push(path);
        }
    }
    Ok(())
}

/// What a path says a file is, or why the path breaks the convention.
pub fn classify(path: &str) -> Result<FileKind, (String, String)> {
    let parts: Vec<&str> = path.split('/').collect();
    if parts.first() == Some(&SHARED_DIR) {
        return Ok(FileKind::Shared);
    }
    let file_name = parts.last().copied().unwrap_or_default();
    let stem = file_name.trim_end_matches(".schema.json");
    let [domain, _] = parts.as_slice() else {
        return Err((
            format!("`{path}` is not at `<domain>/<event>.v<N>.schema.json`"),
            format!("move it to a domain folder, e.g. `events/{file_name}`, or under `{SHARED_DIR}/` if it is a shared building block"),
        ));
    };
    let Some((event, version)) = stem.rsplit_once(".v") else {
        return Err((
            format!("`{file_name}` has no version"),
            format!("rename to `{stem}.v1.schema.json`"),
        ));
    };
    let version = match version.parse::<u32>() {
        Ok(v) if v >= 1 && !version.starts_with('0') => v,
        _ => {
            return Err((
                format!("`{file_name}`: version `v{version}` is not a whole number from 1"),
                format!("rename to `{event}.v1.schema.json` (versions start at 1, no leading zeros)"),
            ));
        }
    };
    for (what, name) in [("domain", *domain), ("event name", event)] {
        if !is_snake_case(name) {
            return Err((
                format!("{what} `{name}` in `{path}` is not lower snake_case"),
                format!(
                    "rename to `{}` (lower-case ASCII letters, digits and `_`, starting with a letter)",
                    heck::AsSnakeCase(name)
                ),
            ));
        }
    }
    Ok(FileKind::Event {
        domain: domain.to_string(),
        event: event.to_owned(),
        version,
    })
}

fn is_snake_case(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Decodes a schema file's bytes into text and a JSON object.
// One diagnostic per bad file, collected by value: the error path is cold.
#[allow(clippy::result_large_err)]
fn parse(file: &Path, bytes: Vec<u8>) -> Result<(String, Value), Diagnostic> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        return Err(Diagnostic::new(file, "", "not-json", "the file starts with a UTF-8 byte order mark")
            .help("save the file as UTF-8 without a BOM (JSON forbids it: RFC 8259 section 8.1)"));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
        let mut d = Diagnostic::new(file, "", "not-json", format!("the file is not valid UTF-8 (byte {offset})"))
            .help("save the file as UTF-8");
        d.position = Some(crate::locate::line_col(&text, offset));
        d
    })?;
    if text.trim().is_empty() {
        return Err(Diagnostic::new(file, "", "not-json", "the file is empty")
            .help("write a JSON Schema object, e.g. {\"type\": \"object\"}"));
    }
    let value: Value = serde_json::from_str(&text).map_err(|e| {
        let mut d = Diagnostic::new(file, "", "not-json", format!("not valid JSON: {}", strip_position(&e.to_string())))
            .help("fix the JSON syntax at the position shown");
        d.position = Some((e.line(), e.column()));
        d
    })?;
    if !value.is_object() {
        return Err(Diagnostic::new(file, "", "not-json", "a schema file must hold a JSON object")
            .help("wrap the schema in an object, e.g. {\"type\": \"object\", ...}")
            .locate(&text));
    }
    Ok((text, value))
}

fn strip_position(message: &str) -> &str {
    message.rfind(" at line ").map_or(message, |at| &message[..at])
}
