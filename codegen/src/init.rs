//! `cargo xtask init`: a new contract set scaffolded into an existing Cargo
//! workspace.
//!
//! [`plan`] says what would be written: the set's `events.toml` (every key
//! there, explained), an envelope schema, one example event with an example
//! payload, and, where they are missing, the `xtask` crate and the
//! `.cargo/config.toml` alias; and the edits to the workspace's
//! `Cargo.toml` (the generated crate as a member, the set in the list of
//! contract sets). [`apply`] writes them, refusing to replace any file that
//! exists. Generating the crate is the caller's next step
//! ([`crate::Generator`]): until it exists, Cargo cannot load a workspace
//! that names it.

use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Error};
use crate::workspace::{DEFAULT_SET, METADATA_KEY};
use crate::write::GeneratedFile;

/// What to scaffold.
#[derive(Debug, Clone)]
pub struct Options {
    /// The schemas folder of the new set, relative to the workspace root
    /// (`schemas` by default).
    pub schemas: PathBuf,
    /// Where the generated crate's runtime dependency comes from (the
    /// `[runtime]` table written into `events.toml`).
    pub runtime: crate::Runtime,
    /// The dependency an `xtask` crate written by `init` has on the command
    /// line crate, as a TOML inline table (e.g. `{ version = "0.1" }`).
    pub xtask_dependency: String,
}

/// What [`apply`] will write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The contract set's config, relative to the workspace root.
    pub config: PathBuf,
    /// New files, relative to the workspace root; none may exist.
    pub create: Vec<GeneratedFile>,
    /// Existing files edited, with their new text (the workspace's
    /// `Cargo.toml`, an existing `.cargo/config.toml`).
    pub edit: Vec<GeneratedFile>,
}

impl Plan {
    /// The files to create that exist already.
    pub fn conflicts(&self, root: &Path) -> Vec<&GeneratedFile> {
        self.create.iter().filter(|file| root.join(&file.path).exists()).collect()
    }
}

/// The name of the generated crate's folder, beside the schemas folder.
const GENERATED_FOLDER: &str = "events";

/// Works out what scaffolding a contract set into the workspace at `root`
/// writes. Reads the workspace's manifest; writes nothing.
pub fn plan(root: &Path, options: &Options) -> Result<Plan, Error> {
    let manifest_path = Path::new("Cargo.toml");
    let manifest = std::fs::read_to_string(root.join(manifest_path)).map_err(|source| Error::Io { path: manifest_path.to_path_buf(), source })?;
    let mut document: toml_edit::DocumentMut = manifest.parse().map_err(|e: toml_edit::TomlError| {
        Error::one(Diagnostic::new(manifest_path, "", "workspace-invalid", format!("`Cargo.toml` is not valid TOML: {}", e.message())).help("fix the manifest, then run `cargo xtask init` again"))
    })?;

    let schemas = crate::model::normalize(&options.schemas);
    let config = schemas.join("events.toml");
    let generated = schemas.parent().unwrap_or(Path::new("")).join(GENERATED_FOLDER);
    let workspace_name = root.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let crate_name = format!("{}-events", crate::naming::package_name(&workspace_name));

    let mut create = vec![
        GeneratedFile::text(config.clone(), events_toml(&crate_name, &options.runtime, &config)),
        GeneratedFile::text(schemas.join("_shared/envelope.schema.json"), ENVELOPE_SCHEMA.to_owned()),
        GeneratedFile::text(schemas.join("example/item_created.v1.schema.json"), EXAMPLE_EVENT.to_owned()),
    ];
    let mut edit = Vec::new();

    let mut members = vec![path_text(&generated)];
    if !root.join("xtask/Cargo.toml").exists() {
        create.push(GeneratedFile::text(PathBuf::from("xtask/Cargo.toml"), xtask_manifest(&options.xtask_dependency)));
        create.push(GeneratedFile::text(PathBuf::from("xtask/src/main.rs"), XTASK_MAIN.to_owned()));
        members.push("xtask".to_owned());
    }
    let cargo_config = Path::new(".cargo/config.toml");
    match std::fs::read_to_string(root.join(cargo_config)) {
        Err(_) => create.push(GeneratedFile::text(cargo_config.to_path_buf(), CARGO_CONFIG.to_owned())),
        Ok(text) => {
            if let Some(edited) = with_alias(cargo_config, &text)? {
                edit.push(GeneratedFile::text(cargo_config.to_path_buf(), edited));
            }
        }
    }

    add_members(&mut document, &members);
    if config != Path::new(DEFAULT_SET) || listed(&document) {
        let mut sets = vec![path_text(&config)];
        if !listed(&document) && root.join(DEFAULT_SET).is_file() {
            sets.insert(0, DEFAULT_SET.to_owned());
        }
        add_sets(&mut document, &sets);
    }
    let edited = document.to_string();
    if edited != manifest {
        edit.push(GeneratedFile::text(manifest_path.to_path_buf(), edited));
    }
    Ok(Plan { config, create, edit })
}

/// Writes a plan: every new file, then every edit. Nothing is written when
/// any new file exists already.
pub fn apply(root: &Path, plan: &Plan) -> Result<(), Error> {
    if let Some(existing) = plan.conflicts(root).first() {
        return Err(Error::one(
            Diagnostic::new(&existing.path, "", "init-exists", "the file exists; `init` replaces nothing")
                .help("move it away, or add the contract set by hand (see README.md, \"Use it in your repository\")"),
        ));
    }
    crate::write::create_files(root, &plan.create)?;
    crate::write::replace_files(root, &plan.edit)
}

fn path_text(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// Whether the manifest lists its contract sets.
fn listed(document: &toml_edit::DocumentMut) -> bool {
    document.get("workspace").and_then(|w| w.get("metadata")).and_then(|m| m.get(METADATA_KEY)).and_then(|e| e.get("contract-sets")).is_some()
}

/// Adds `members` to `[workspace] members` (creating the table where the
/// manifest is a single package), each once.
fn add_members(document: &mut toml_edit::DocumentMut, members: &[String]) {
    let workspace = document.entry("workspace").or_insert_with(toml_edit::table).as_table_like_mut().expect("`workspace` is a table");
    let list = workspace.entry("members").or_insert(toml_edit::value(toml_edit::Array::new()));
    if let Some(list) = list.as_array_mut() {
        for member in members {
            if !list.iter().any(|m| m.as_str() == Some(member)) {
                list.push(member.as_str());
            }
        }
    }
}

/// Adds `sets` to `[workspace.metadata.event-contracts] contract-sets`, each once.
fn add_sets(document: &mut toml_edit::DocumentMut, sets: &[String]) {
    let workspace = document.entry("workspace").or_insert_with(toml_edit::table);
    let metadata = workspace.as_table_like_mut().expect("`workspace` is a table").entry("metadata").or_insert_with(toml_edit::table);
    if let Some(metadata) = metadata.as_table_mut() {
        metadata.set_implicit(true);
    }
    let ours = metadata.as_table_like_mut().expect("`metadata` is a table").entry(METADATA_KEY).or_insert_with(toml_edit::table);
    let list = ours.as_table_like_mut().expect("a table").entry("contract-sets").or_insert(toml_edit::value(toml_edit::Array::new()));
    if let Some(list) = list.as_array_mut() {
        for set in sets {
            if !list.iter().any(|s| s.as_str() == Some(set)) {
                list.push(set.as_str());
            }
        }
    }
}

/// `.cargo/config.toml` with the `xtask` alias added, or `None` where it has one.
fn with_alias(path: &Path, text: &str) -> Result<Option<String>, Error> {
    let mut document: toml_edit::DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
        Error::one(Diagnostic::new(path, "", "workspace-invalid", format!("not valid TOML: {}", e.message())).help("fix it, then run `cargo xtask init` again"))
    })?;
    let alias = document.entry("alias").or_insert_with(toml_edit::table);
    let Some(alias) = alias.as_table_like_mut() else {
        return Err(Error::one(Diagnostic::new(path, "/alias", "workspace-invalid", "`alias` is not a table").help("make it a table: `[alias]`")));
    };
    if alias.contains_key("xtask") {
        return Ok(None);
    }
    alias.insert("xtask", toml_edit::value(XTASK_ALIAS));
    Ok(Some(document.to_string()))
}

/// The alias that makes `cargo xtask` run the workspace's `xtask` crate.
const XTASK_ALIAS: &str = "run --quiet --package xtask --";

const CARGO_CONFIG: &str = "[alias]\n# `cargo xtask gen`, `cargo xtask compat`, ...: the workspace's xtask crate.\nxtask = \"run --quiet --package xtask --\"\n";

const XTASK_MAIN: &str = "fn main() -> std::process::ExitCode {\n    event_contracts_xtask::main()\n}\n";

fn xtask_manifest(dependency: &str) -> String {
    format!("[package]\nname = \"xtask\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\nevent-contracts-xtask = {dependency}\n")
}

/// The config, every key present or shown commented with its default.
fn events_toml(crate_name: &str, runtime: &crate::Runtime, config: &Path) -> String {
    let runtime = runtime_table(runtime, config);
    format!(
        r#"# A contract set: one JSON Schema per event version, at
# <domain>/<event>.v<N>.schema.json in this folder, shared parts in _shared/.
# `cargo xtask gen` turns it into the crate `{crate_name}`; see the config
# reference in the event-contracts README.

# Short name of the contract set, used in docs.
name = "events"
# The generated crate's folder (relative to this file) and package name.
output = "../{GENERATED_FOLDER}"
crate-name = "{crate_name}"
# Shared schemas that get a Rust type though no event refers to them.
# extra-types = ["_shared/error.schema.json"]
# Whether an event may skip versions (v1, then v3).
# allow-version-gaps = false

[naming]
# The event type of <domain>/<event>.v<N>.schema.json: `{{domain}}`,
# `{{event}}`, `{{event:dots}}` (item_created -> item.created), `{{event:upper}}`.
event-type = "{{domain}}.{{event}}"
# A regular expression every event type must match.
# pattern = "^[a-z]+\\.[a-z_]+$"

# How messages find their event type: `envelope` (a field of the envelope
# around the payload) or `subject` (no envelope: each schema names its
# NATS subject in `x-subject`, and there is no [envelope] section).
[routing]
by = "envelope"

# Where the envelope keeps the type, the version and the payload (JSON
# pointers into the envelope schema).
[envelope]
schema = "_shared/envelope.schema.json"
type = "/type"
version = "/version"
# `integer` (the version field above) or `type-suffix` (`item.created.v2`,
# no version field).
version-format = "integer"
payload = "/data"

[formats]
# `typed`: lossless Rust types that assert the format; `string`: a String.
uuid = "typed"
date-time = "typed"
# Whether validation asserts every other `format` (email, uri, ...) too.
assert = false

[governance]
# The envelope field `Envelope::new` fills from an event's `x-classification`.
# classification = "/classification"
# The fields that make a message's idempotency key.
idempotency-key = ["/id"]

# CloudEvents 1.0 conversion (the generated crate's `cloudevents` feature).
[cloudevents]
id = "/id"
source = "/source"
time = "/occurred_at"

# What `cargo xtask compat` requires of an edited version file: backward,
# forward, full, their -transitive forms, or none; `strict` reads an open
# object as JSON Schema does (old data may carry any undeclared property).
[compatibility]
mode = "backward"
policy = "strict"

# Schema documents that `$ref`s reach by URL, served from local folders.
# [remotes]
# "https://schemas.example.com/" = "../vendor/schemas"

# Where the generated crate's dependency on the runtime crate comes from:
# `path` (relative to this file), `git` (with `branch`, `tag` or `rev`), or
# `version` (the default: the runtime released with the generator).
{runtime}"#
    )
}

/// The `[runtime]` table, a `path` relative to the config's folder.
fn runtime_table(runtime: &crate::Runtime, config: &Path) -> String {
    let mut lines = vec!["[runtime]".to_owned()];
    let quoted = |text: &str| toml_edit::Value::from(text).to_string().trim().to_owned();
    if let Some(path) = &runtime.path {
        let from = config.parent().unwrap_or(Path::new(""));
        let relative = if path.is_absolute() { path.clone() } else { pathdiff::diff_paths(path, from).unwrap_or_else(|| path.clone()) };
        lines.push(format!("path = {}", quoted(&path_text(&relative))));
    }
    for (key, value) in [("git", &runtime.git), ("branch", &runtime.branch), ("tag", &runtime.tag), ("rev", &runtime.rev), ("version", &runtime.version)] {
        if let Some(value) = value {
            lines.push(format!("{key} = {}", quoted(value)));
        }
    }
    if lines.len() == 1 {
        lines.push(format!("version = {}", quoted(crate::RUNTIME_VERSION)));
    }
    lines.join("\n") + "\n"
}

const ENVELOPE_SCHEMA: &str = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "Event envelope",
  "description": "Every event travels in this envelope: its identity, type, version, time and source beside the payload.",
  "type": "object",
  "additionalProperties": false,
  "required": ["id", "type", "version", "occurred_at", "source", "data"],
  "properties": {
    "id": {"type": "string", "format": "uuid", "description": "Unique id of the message: its idempotency key."},
    "type": {"type": "string", "description": "The event type, e.g. `example.item_created`."},
    "version": {"type": "integer", "minimum": 1, "description": "The major version of the event's schema."},
    "occurred_at": {"type": "string", "format": "date-time", "description": "When the event happened."},
    "source": {"type": "string", "minLength": 1, "description": "The producing service."},
    "data": {"type": "object", "description": "The payload, valid against the schema of its type and version."}
  },
  "examples": [
    {
      "id": "0b7d1c1e-5d0a-4f7e-9a53-2f7c9f1d2e11",
      "type": "example.item_created",
      "version": 1,
      "occurred_at": "2026-01-01T12:00:00Z",
      "source": "inventory-service",
      "data": {"item_id": "4f6c1a2b-9d3e-4c5f-8a7b-1e2d3c4b5a69", "name": "Blue mug", "quantity": 3}
    }
  ]
}
"#;

const EXAMPLE_EVENT: &str = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "Item created",
  "description": "An item was added to the inventory. Replace this example with your first event: the file name says its domain (the folder), its name and its major version.",
  "type": "object",
  "additionalProperties": false,
  "required": ["item_id", "name", "quantity"],
  "properties": {
    "item_id": {"type": "string", "format": "uuid", "description": "The item."},
    "name": {"type": "string", "minLength": 1, "maxLength": 200, "description": "What the item is called."},
    "quantity": {"type": "integer", "minimum": 0, "description": "How many are in stock."},
    "note": {"type": "string", "description": "Free text from whoever added it."}
  },
  "x-producer": "inventory-service",
  "examples": [
    {"item_id": "4f6c1a2b-9d3e-4c5f-8a7b-1e2d3c4b5a69", "name": "Blue mug", "quantity": 3}
  ]
}
"#;

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::{Options, apply, plan};

    fn options() -> Options {
        Options { schemas: PathBuf::from("schemas"), runtime: crate::Runtime { path: Some(PathBuf::from("vendor/rt")), ..Default::default() }, xtask_dependency: "{ path = \"../gen\" }".to_owned() }
    }

    #[test]
    fn init_plans_the_set_the_xtask_and_the_workspace_edits_and_replaces_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("Cargo.toml"), "# my services\n[workspace]\nresolver = \"3\"\nmembers = [\"orders\"]\n").unwrap();
        let planned = plan(root, &options()).unwrap();
        let paths: Vec<&Path> = planned.create.iter().map(|f| f.path.as_path()).collect();
        assert_eq!(
            paths,
            ["schemas/events.toml", "schemas/_shared/envelope.schema.json", "schemas/example/item_created.v1.schema.json", "xtask/Cargo.toml", "xtask/src/main.rs", ".cargo/config.toml"].map(Path::new)
        );
        let config = String::from_utf8(planned.create[0].contents.clone()).unwrap();
        assert!(config.contains("\n[runtime]\npath = \"../vendor/rt\"\n"), "{config}");
        let config: toml::Table = config.parse().expect("the config is valid TOML");
        assert_eq!(config["output"].as_str(), Some("../events"));
        let manifest = String::from_utf8(planned.edit[0].contents.clone()).unwrap();
        assert!(manifest.starts_with("# my services\n"), "comments survive: {manifest}");
        assert!(manifest.contains(r#"members = ["orders", "events", "xtask"]"#), "{manifest}");
        assert!(!manifest.contains("contract-sets"), "the default set needs no list: {manifest}");

        apply(root, &planned).unwrap();
        assert!(root.join("schemas/example/item_created.v1.schema.json").is_file());
        let again = plan(root, &options()).unwrap();
        assert_eq!(again.conflicts(root).len(), 3, "the set's files exist now; xtask and the alias are not planned again");
        let error = apply(root, &again).unwrap_err();
        assert_eq!(error.diagnostics()[0].code, "init-exists");
    }

    #[test]
    fn a_second_set_elsewhere_is_listed_beside_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("Cargo.toml"), "[workspace]\nmembers = []\n").unwrap();
        std::fs::create_dir_all(root.join("schemas")).unwrap();
        std::fs::write(root.join("schemas/events.toml"), "").unwrap();
        std::fs::create_dir_all(root.join(".cargo")).unwrap();
        std::fs::write(root.join(".cargo/config.toml"), "[build]\njobs = 2\n").unwrap();
        let planned = plan(root, &Options { schemas: PathBuf::from("billing/schemas"), ..options() }).unwrap();
        let edits: Vec<(&Path, String)> = planned.edit.iter().map(|f| (f.path.as_path(), String::from_utf8(f.contents.clone()).unwrap())).collect();
        assert_eq!(edits[0].0, Path::new(".cargo/config.toml"));
        assert!(edits[0].1.contains("jobs = 2") && edits[0].1.contains("xtask = \"run --quiet --package xtask --\""), "{}", edits[0].1);
        assert!(edits[1].1.contains(r#"contract-sets = ["schemas/events.toml", "billing/schemas/events.toml"]"#), "{}", edits[1].1);
        assert!(edits[1].1.contains(r#""billing/events""#), "{}", edits[1].1);
    }
}
