//! The contract model: what a contract set says, checked and typed, before
//! any code is generated from it.
//!
//! Files -> [`ContractSet`]: each event version with its type, topic,
//! names and examples; the envelope layout; and the bundle of named schema
//! definitions the Rust types are generated from.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::config::{Config, Formats};
use crate::diagnostics::{Diagnostic, Diagnostics, Error};
use crate::discover::{FileKind, SchemaFiles};
use crate::documents::{Documents, RemoteDocument};
use crate::naming;
use crate::refs::{self, Bundle, Target};

/// Name of the generated type for the envelope's own fields.
pub const HEADER_TYPE: &str = "EnvelopeHeader";

/// The values of `type`.
const TYPES: &[&str] = &["array", "boolean", "integer", "null", "number", "object", "string"];

/// A checked contract set, ready to generate from.
#[derive(Debug, Clone)]
pub struct ContractSet {
    /// Short name, from the config.
    pub name: String,
    /// The generated crate's package name.
    pub crate_name: String,
    /// The generated crate's folder, relative to the repository.
    pub output_dir: PathBuf,
    /// The config file, relative to the repository.
    pub config_path: PathBuf,
    /// Its text, so that a problem found later points at the key.
    pub config_text: String,
    /// Format mapping.
    pub formats: Formats,
    /// What was read looser than written (a misspelt dialect URI).
    pub warnings: Vec<Diagnostic>,
    /// Whether open objects keep the properties they do not declare.
    pub unknown_properties: crate::config::UnknownProperties,
    /// The schema files as read.
    pub files: SchemaFiles,
    /// Every event version, sorted by (type, version).
    pub events: Vec<EventContract>,
    /// Where the envelope keeps type, version and payload; `None` when
    /// events are routed by subject, with no envelope.
    pub envelope: Option<EnvelopeSpec>,
    /// Names of the extra types the config asks for (`extra-types`).
    pub extra_types: Vec<String>,
    /// Classification and idempotency pointers.
    pub governance: crate::config::Governance,
    /// CloudEvents attribute pointers, when conversion is wanted.
    pub cloudevents: Option<crate::config::CloudEventsConfig>,
    /// Named definitions the types are generated from.
    pub bundle: Bundle,
    /// Documents `$ref`s reach by URL (`[remotes]`), sorted by URI.
    pub remotes: Vec<RemoteDocument>,
    /// Every schema document by URI, as `$ref`s name them.
    pub documents: Documents,
    /// What the compatibility gate requires of edits.
    pub compatibility: crate::config::Compatibility,
    /// The generated crate's dependency on the runtime crate, with a
    /// relative `path` made relative to the repository.
    pub runtime: crate::config::Runtime,
}

/// One version of one event.
#[derive(Debug, Clone)]
pub struct EventContract {
    /// The domain folder.
    pub domain: String,
    /// The event name from the file name.
    pub event: String,
    /// The major version from the file name.
    pub version: u32,
    /// The event type.
    pub event_type: String,
    /// The type as written on the wire: `event_type`, or `event_type.v<N>`
    /// when the version is a suffix of the type.
    pub wire_type: String,
    /// `x-subject`: the subject template of an envelope-less event, where
    /// `{field}` stands for a top-level payload field.
    pub subject: Option<String>,
    /// `x-topic`, or the event type.
    pub topic: String,
    /// The payload's Rust type name, e.g. `NewImageAvailableV2`.
    pub payload_type: String,
    /// The `Event` variant, e.g. `IngestionNewImageAvailableV2`.
    pub variant: String,
    /// Module path of the payload, e.g. `["ingestion", "new_image_available", "v2"]`.
    pub module: Vec<String>,
    /// The schema file, relative to the schemas folder.
    pub file: String,
    /// `title`.
    pub title: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `x-producer`.
    pub producer: Option<String>,
    /// `x-consumers`.
    pub consumers: Vec<String>,
    /// `deprecated`.
    pub deprecated: bool,
    /// `x-classification`: the data sensitivity of the event.
    pub classification: Option<String>,
    /// `examples`: golden payloads.
    pub examples: Vec<Value>,
    /// `x-compatibility`: this event's compatibility mode, overriding the set's.
    pub compatibility: Option<String>,
}

/// Where the envelope keeps the event type, version and payload.
#[derive(Debug, Clone)]
pub struct EnvelopeSpec {
    /// The envelope schema, relative to the schemas folder.
    pub file: String,
    /// Object keys to the type string.
    pub type_path: Vec<String>,
    /// Object keys to the integer version (empty for a type suffix).
    pub version_path: Vec<String>,
    /// How the version is written.
    pub version_format: crate::config::VersionFormat,
    /// The payload's key.
    pub payload_key: String,
}

impl ContractSet {
    /// Builds and checks the model of the contract set configured by
    /// `config_path` (relative to `repo_root`).
    pub fn load(repo_root: &Path, config_path: &Path) -> Result<ContractSet, Error> {
        let config_text = std::fs::read_to_string(repo_root.join(config_path)).map_err(|source| Error::Io {
            path: config_path.to_path_buf(),
            source,
        })?;
        let config = Config::parse(config_path, &config_text)?;
        let config_dir = config_path.parent().unwrap_or(Path::new(""));
        let mut problems = Diagnostics::default();
        let files = crate::discover::discover(repo_root, config_dir, &mut problems)?;
        let remotes = load_remotes(repo_root, config_path, &config_text, &config, &mut problems);
        build(config, config_path, &config_text, files, remotes, problems)
    }
}

/// Every check that can run on what was read runs, so one run reports
/// every problem; generation proper starts only when there are none.
fn build(
    config: Config,
    config_path: &Path,
    config_text: &str,
    files: SchemaFiles,
    mut remotes: Vec<RemoteDocument>,
    mut problems: Diagnostics,
) -> Result<ContractSet, Error> {
    let mut warnings = Vec::new();
    for file in files.files.values() {
        check_dialect(file, &mut problems, &mut warnings);
    }
    let mut events = Vec::new();
    for file in files.files.values() {
        if let FileKind::Event { domain, event, version } = &file.kind {
            events.push(event_contract(&config, &files, &file.path, domain, event, *version, &mut problems));
        }
    }
    events.sort_by(|a, b| (&a.event_type, a.version).cmp(&(&b.event_type, b.version)));
    check_unique_names(&files, &events, &mut problems);
    check_versions(&config, &files, &events, &mut problems);

    check_routing(&config, &files, &events, &mut problems);
    check_classification(&config, &files, &events, &mut problems);

    let envelope = config.envelope.as_ref().and_then(|envelope| {
        let envelope_file = path_key(&envelope.schema);
        envelope_spec(envelope, config_path, config_text, &files, &envelope_file, &mut problems)
    });
    let mut extra_types = Vec::new();
    for extra in &config.extra_types {
        let file = path_key(extra);
        if files.files.contains_key(&file) {
            // Named after the title where there is one: `error.schema.json`
            // titled "Dead letter error" is `DeadLetterError`.
            let stem = file.rsplit('/').next().unwrap_or(&file).trim_end_matches(".schema.json");
            let title = files.files[&file].value.get("title").and_then(Value::as_str);
            let name = naming::type_name(title.unwrap_or(stem));
            extra_types.push(((file, String::new()), name));
        } else {
            problems.push(crate::config::config_problem(
                config_path,
                config_text,
                &["extra-types"],
                format!("`extra-types`: no schema file `{file}` in the schemas folder"),
                "list files relative to the schemas folder, e.g. \"_shared/error.schema.json\"",
            ));
        }
    }

    let mut roots: Vec<(Target, String)> = events
        .iter()
        .map(|e| ((e.file.clone(), String::new()), e.payload_type.clone()))
        .collect();
    if let Some(envelope) = &envelope {
        roots.push(((envelope.file.clone(), String::new()), HEADER_TYPE.to_owned()));
    }
    roots.extend(extra_types.iter().cloned());
    let mut documents = Documents::index(&files, &remotes);
    let reached = documents.reachable_remotes();
    if reached.len() < remotes.len() {
        remotes.retain(|remote| reached.contains(&remote.uri));
        documents = Documents::index(&files, &remotes);
    }
    refs::duplicate_ids(&files, &documents, &mut problems);
    refs::unresolved_references(&files, &documents, &mut problems);
    let mut bundle = refs::bundle(&files, &documents, &roots);
    problems.finish()?;
    check_finite(&files, &bundle)?;
    crate::merge::merge_all_of(&mut bundle);
    if let Some(envelope) = &envelope {
        strip_envelope_fields(&mut bundle, envelope);
    }

    let config_dir = config_path.parent().unwrap_or(Path::new(""));
    Ok(ContractSet {
        name: config.name.clone(),
        crate_name: config.crate_name.clone(),
        output_dir: normalize(&config_dir.join(&config.output)),
        config_path: config_path.to_path_buf(),
        config_text: config_text.to_owned(),
        formats: config.formats.clone(),
        files,
        events,
        envelope,
        extra_types: extra_types.into_iter().map(|(_, name)| name).collect(),
        governance: config.governance.clone(),
        cloudevents: config.cloudevents.clone(),
        compatibility: config.compatibility,
        unknown_properties: config.unknown_properties,
        warnings,
        runtime: crate::config::Runtime {
            path: config.runtime.path.as_ref().map(|path| normalize(&config_dir.join(path))),
            ..config.runtime.clone()
        },
        bundle,
        remotes,
        documents,
    })
}

/// Reads every `.json` file below each `[remotes]` folder.
fn load_remotes(repo_root: &Path, config_path: &Path, config_text: &str, config: &Config, problems: &mut Diagnostics) -> Vec<RemoteDocument> {
    let problem = |prefix: &str, message: String, help: &str| crate::config::config_problem(config_path, config_text, &["remotes", prefix], message, help);
    let config_dir = config_path.parent().unwrap_or(Path::new(""));
    let mut remotes = Vec::new();
    for (index, (prefix, folder)) in config.remotes.iter().enumerate() {
        let root = repo_root.join(config_dir).join(folder);
        let mut stack = vec![root.clone()];
        let mut found = Vec::new();
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                problems.push(problem(
                    prefix,
                    format!("`remotes`: cannot read the folder `{}` for {prefix:?}", dir.display()),
                    "point the URL prefix at a folder of schema documents, relative to the config file",
                ));
                break;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "json") {
                    found.push(path);
                }
            }
        }
        found.sort();
        for path in found {
            let relative = path.strip_prefix(&root).unwrap_or(&path).to_string_lossy().replace('\\', "/");
            match std::fs::read_to_string(&path) {
                Ok(text) => remotes.push(RemoteDocument {
                    uri: format!("{prefix}{relative}"),
                    copy: format!("remotes/{index}/{relative}"),
                    text,
                }),
                Err(e) => problems.push(problem(prefix, format!("`remotes`: {}: {e}", path.display()), "make the file readable, or move it out of the folder")),
            }
        }
    }
    remotes.sort_by(|a, b| a.uri.cmp(&b.uri));
    remotes
}

/// `a/b/../c` -> `a/c`, without touching the file system.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::ParentDir if out.file_name().is_some() => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

fn check_dialect(file: &crate::discover::SchemaFile, problems: &mut Diagnostics, warnings: &mut Vec<Diagnostic>) {
    let dialect = match crate::dialect::Dialect::of(&file.value) {
        Ok(dialect) => dialect,
        // Published schemas misspell the URI (`json-schema-org`, `https`
        // for draft 7); what they mean is plain, and validators read them.
        Err(named) if let Some((meant, dialect)) = crate::dialect::Dialect::nearest(&named) => {
            warnings.push(
                Diagnostic::new(&file.repo_path, "/$schema", "dialect-misspelt", format!("{named:?} is no dialect URI; read as \"{meant}\""))
                    .help(format!("write \"{meant}\""))
                    .locate(&file.text),
            );
            dialect
        }
        Err(named) => {
            problems.push(
                Diagnostic::new(&file.repo_path, "/$schema", "dialect", format!("unsupported dialect {named:?}"))
                    .help(format!("use {}", crate::dialect::Dialect::names()))
                    .locate(&file.text),
            );
            return;
        }
    };
    let value = &file.value;
    let validator = dialect.meta_validator();
    for error in validator.iter_errors(value) {
        let pointer = error.instance_path().to_string();
        let found = value.pointer(&pointer);
        let (message, help) = match (pointer.rsplit('/').next(), found) {
            (Some("type"), Some(found)) => (
                format!("{found} is not a JSON Schema type"),
                format!("use one of {} (or an array of them)", TYPES.join(", ")),
            ),
            _ => (
                format!("not a valid JSON Schema: {error}"),
                "fix the keyword so that the schema follows the JSON Schema meta-schema".to_owned(),
            ),
        };
        problems.push(Diagnostic::new(&file.repo_path, pointer, "meta-schema", message).help(help).locate(&file.text));
    }
}

fn event_contract(
    config: &Config,
    files: &SchemaFiles,
    file: &str,
    domain: &str,
    event: &str,
    version: u32,
    problems: &mut Diagnostics,
) -> EventContract {
    let value = &files.files[file].value;
    let text = |key: &str| value.get(key).and_then(Value::as_str).map(doc_text);
    let event_type = config.event_type(domain, event);
    if let Some(declared) = value.get("x-event-type")
        && declared.as_str() != Some(event_type.as_str()) {
            problems.push(
                refs::located(files, file, "/x-event-type", "event-type-mismatch",
                    format!("`x-event-type` is {declared} but the path and the naming rule `{}` make it {event_type:?}", config.naming.event_type))
                    .help(format!("set `x-event-type` to {event_type:?}, or move the file to match the type")),
            );
        }
    if let Some(pattern) = config.naming.pattern.as_deref().and_then(|p| regress::Regex::new(p).ok())
        && pattern.find(&event_type).is_none() {
            problems.push(
                refs::located(files, file, "", "event-type-naming",
                    format!("event type {event_type:?} does not follow the naming rule `{}`", config.naming.pattern.as_deref().unwrap_or_default()))
                    .help("rename the file (or the domain folder) so that the type the naming rule makes matches the pattern"),
            );
        }
    let suffix = config.envelope.as_ref().is_some_and(|e| e.version_format == crate::config::VersionFormat::TypeSuffix);
    let wire_type = if suffix { format!("{event_type}.v{version}") } else { event_type.clone() };
    EventContract {
        domain: domain.to_owned(),
        event: event.to_owned(),
        version,
        topic: text("x-topic").or_else(|| text("x-subject")).unwrap_or_else(|| wire_type.clone()),
        subject: text("x-subject"),
        wire_type,
        event_type,
        payload_type: naming::payload_type(event, version),
        variant: naming::variant(domain, event, version),
        module: vec![naming::module_name(domain), naming::module_name(event), format!("v{version}")],
        file: file.to_owned(),
        title: text("title"),
        description: text("description"),
        producer: text("x-producer"),
        consumers: value
            .get("x-consumers")
            .and_then(Value::as_array)
            .map(|list| list.iter().filter_map(Value::as_str).map(str::to_owned).collect())
            .unwrap_or_default(),
        deprecated: value.get("deprecated").and_then(Value::as_bool).unwrap_or(false),
        classification: text("x-classification"),
        examples: value.get("examples").and_then(Value::as_array).cloned().unwrap_or_default(),
        compatibility: text("x-compatibility"),
    }
}

fn check_unique_names(files: &SchemaFiles, events: &[EventContract], problems: &mut Diagnostics) {
    let mut seen: BTreeMap<&str, &EventContract> = BTreeMap::new();
    for event in events {
        for name in [&event.payload_type, &event.variant] {
            if let Some(other) = seen.get(name.as_str())
                && other.file != event.file {
                    problems.push(
                        refs::located(files, &event.file, "", "name-collision",
                            format!("`{}` and `{}` both become the Rust name `{name}`", other.file, event.file))
                            .help("rename one of the events so that their names differ after case conversion"),
                    );
                }
            seen.insert(name, event);
        }
    }
}

/// Every `x-classification` must be a value the envelope's classification
/// field accepts, so that filling it in can never fail.
fn check_classification(config: &Config, files: &SchemaFiles, events: &[EventContract], problems: &mut Diagnostics) {
    let (Some(pointer), Some(envelope)) = (&config.governance.classification, &config.envelope) else {
        return;
    };
    let path: Vec<String> = pointer.trim_start_matches('/').split('/').map(str::to_owned).collect();
    let allowed = property_schema(files, &path_key(&envelope.schema), &path)
        .and_then(|schema| schema.get("enum"))
        .and_then(Value::as_array)
        .map(|values| values.iter().filter_map(Value::as_str).map(str::to_owned).collect::<Vec<_>>());
    for event in events {
        let (Some(value), Some(allowed)) = (&event.classification, &allowed) else { continue };
        if !allowed.contains(value) {
            problems.push(
                refs::located(files, &event.file, "/x-classification", "classification-invalid",
                    format!("`x-classification` {value:?} is not one of the envelope's values at `{pointer}`: {}", allowed.join(", ")))
                    .help("use one of the values the envelope schema allows"),
            );
        }
    }
}

/// A path as a key of [`SchemaFiles::files`] (`/`-separated).
fn path_key(path: &Path) -> String {
    path.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// Subject-routed events each name their subject, whose `{field}`s are
/// required string fields of the payload, and no two share a subject.
fn check_routing(config: &Config, files: &SchemaFiles, events: &[EventContract], problems: &mut Diagnostics) {
    let by_subject = config.routing.by == crate::config::RouteBy::Subject;
    let mut seen: BTreeMap<String, &EventContract> = BTreeMap::new();
    for event in events {
        let schema = &files.files[&event.file].value;
        let Some(subject) = &event.subject else {
            if by_subject {
                problems.push(
                    refs::located(files, &event.file, "", "subject-missing", "the contract set routes by subject, but this event has no `x-subject`".to_owned())
                        .help("add e.g. \"x-subject\": \"usage.metered.{event_type}\" (a `{field}` is filled from the payload)"),
                );
            }
            continue;
        };
        if !by_subject {
            continue;
        }
        let required: Vec<&str> = schema.get("required").and_then(Value::as_array).map(|r| r.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
        for field in subject_fields(subject) {
            let property = schema.pointer(&format!("/properties/{}", crate::pointer::escape(field)));
            let is_string = property.is_some_and(|p| p.get("type") == Some(&Value::from("string")) || p.get("enum").is_some());
            if !required.contains(&field) || !is_string {
                problems.push(
                    refs::located(files, &event.file, "/x-subject", "subject-field",
                        format!("`x-subject` uses `{{{field}}}`, which is not a required string property of the payload"))
                        .help(format!("declare `{field}` as a required string (or string enum) property, or write the subject without it")),
                );
            }
        }
        let pattern = subject_pattern(subject);
        if let Some(other) = seen.insert(pattern.clone(), event) {
            problems.push(
                refs::located(files, &event.file, "/x-subject", "subject-duplicate",
                    format!("`{}` and `{}` are both routed by subject `{pattern}`", other.file, event.file))
                    .help("give each event version its own subject (e.g. put the version in it)"),
            );
        }
    }
}

/// The `{field}` names of a subject template.
pub fn subject_fields(template: &str) -> Vec<&str> {
    template.split('.').filter_map(|t| t.strip_prefix('{').and_then(|t| t.strip_suffix('}'))).collect()
}

/// The NATS pattern of a subject template: each `{field}` is a `*`.
pub fn subject_pattern(template: &str) -> String {
    template
        .split('.')
        .map(|t| if t.starts_with('{') && t.ends_with('}') { "*" } else { t })
        .collect::<Vec<_>>()
        .join(".")
}

/// Two files claiming one (type, version), and versions that skip a number.
fn check_versions(config: &Config, files: &SchemaFiles, events: &[EventContract], problems: &mut Diagnostics) {
    for pair in events.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        if a.event_type != b.event_type {
            continue;
        }
        if a.version == b.version {
            problems.push(
                refs::located(files, &b.file, "", "duplicate-event",
                    format!("`{}` and `{}` both define `{}` v{}", a.file, b.file, a.event_type, a.version))
                    .help("remove one, or change the naming rule so that each file has its own event type"),
            );
        } else if b.version != a.version + 1 && !config.allow_version_gaps {
            problems.push(
                refs::located(files, &b.file, "", "version-gap",
                    format!("`{}` jumps from v{} to v{}", a.event_type, a.version, b.version))
                    .help(format!("add `{}.v{}.schema.json`, rename this file, or set `allow-version-gaps = true`", a.event, a.version + 1)),
            );
        }
    }
    let mut first_versions = BTreeMap::new();
    for event in events {
        first_versions.entry(&event.event_type).or_insert(event);
    }
    for event in first_versions.values() {
        if event.version != 1 && !config.allow_version_gaps {
            problems.push(
                refs::located(files, &event.file, "", "version-gap",
                    format!("`{}` starts at v{}, not v1", event.event_type, event.version))
                    .help("versions start at 1; set `allow-version-gaps = true` if earlier versions were retired"),
            );
        }
    }
}

/// A definition that must contain itself (through `$ref` aliases, `allOf`
/// and required properties) has no finite JSON value and no finite Rust
/// type. Recursion through optional properties, arrays or alternatives is
/// fine: it becomes `Option<Box<T>>` or `Vec<T>`.
fn check_finite(files: &SchemaFiles, bundle: &Bundle) -> Result<(), Error> {
    let mut edges: BTreeMap<&str, Vec<(String, String)>> = BTreeMap::new();
    for (name, schema) in &bundle.definitions {
        let mut out = Vec::new();
        mandatory_refs(schema, String::new(), &mut out);
        edges.insert(name, out);
    }
    let mut problems = Diagnostics::default();
    // Depth-first search for a cycle, iteratively.
    let mut state: BTreeMap<&str, u8> = BTreeMap::new(); // 1 = on stack, 2 = done
    for start in edges.keys() {
        if state.contains_key(start) {
            continue;
        }
        let mut stack: Vec<(&str, usize)> = vec![(start, 0)];
        state.insert(start, 1);
        while let Some((node, index)) = stack.pop() {
            let next = edges.get(node).and_then(|e| e.get(index));
            let Some((target, pointer)) = next else {
                state.insert(node, 2);
                continue;
            };
            stack.push((node, index + 1));
            let target = target.as_str();
            match state.get(target) {
                Some(1) => {
                    let (file, base) = &bundle.origins[node];
                    let message = if node == target {
                        format!("`{node}` must contain itself: no finite JSON value satisfies it")
                    } else {
                        format!("`{node}` must contain `{target}`, which must contain `{node}` again: no finite JSON value satisfies it")
                    };
                    problems.push(
                        refs::located(files, file, &format!("{base}{pointer}"), "ref-cycle", message)
                            .help("make the recursive property optional, or put it in an array"),
                    );
                }
                Some(_) => {}
                None => {
                    if let Some((key, _)) = edges.get_key_value(target) {
                        state.insert(key, 1);
                        stack.push((key, 0));
                    }
                }
            }
        }
    }
    problems.finish()
}

/// `$ref`s a value of `schema` must always contain, with their pointers.
fn mandatory_refs(schema: &Value, at: String, out: &mut Vec<(String, String)>) {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str)
        && let Some(name) = reference.strip_prefix("#/$defs/") {
            out.push((name.to_owned(), at.clone()));
        }
    if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
        for (index, sub) in all.iter().enumerate() {
            mandatory_refs(sub, format!("{at}/allOf/{index}"), out);
        }
    }
    let required = schema.get("required").and_then(Value::as_array);
    let properties = schema.get("properties").and_then(Value::as_object);
    if let (Some(required), Some(properties)) = (required, properties) {
        for name in required.iter().filter_map(Value::as_str) {
            if let Some(property) = properties.get(name) {
                mandatory_refs(property, format!("{at}/properties/{}", crate::pointer::escape(name)), out);
            }
        }
    }
}

fn envelope_spec(
    config: &crate::config::EnvelopeConfig,
    config_path: &Path,
    config_text: &str,
    files: &SchemaFiles,
    envelope_file: &str,
    problems: &mut Diagnostics,
) -> Option<EnvelopeSpec> {
    let config_problem = |key: &[&str], message: String, help: &str| crate::config::config_problem(config_path, config_text, key, message, help);
    if !files.files.contains_key(envelope_file) {
        problems.push(config_problem(
            &["envelope", "schema"],
            format!("`envelope.schema`: no schema file `{envelope_file}` in the schemas folder"),
            "point it at the envelope schema, e.g. \"_shared/event-envelope.schema.json\"",
        ));
        return None;
    }
    let split = |pointer: &str| -> Vec<String> { crate::pointer::tokens(pointer) };
    let type_path = split(&config.type_pointer);
    let version_path = config.version_pointer.as_deref().map(split).unwrap_or_default();
    let payload_path = split(&config.payload_pointer);

    let shape_ok = match (type_path.as_slice(), version_path.as_slice()) {
        ([_], [] | [_]) | ([_, _], []) => true,
        ([a, _], [b, _]) => a == b,
        _ => false,
    } && payload_path.len() == 1;
    if !shape_ok {
        problems.push(config_problem(
            &["envelope"],
            "envelope pointers: type and version must be at depth 1 or 2 under one parent, and the payload at depth 1".to_owned(),
            "e.g. type = \"/meta/type\", version = \"/meta/version\", payload = \"/data\"",
        ));
        return None;
    }
    for (key, path) in [("type", &type_path), ("version", &version_path), ("payload", &payload_path)] {
        if !path.is_empty() && property_schema(files, envelope_file, path).is_none() {
            problems.push(config_problem(
                &["envelope", key],
                format!("`envelope.{key}` = \"/{}\" is not a property of `{envelope_file}`", path.join("/")),
                "point it at a property declared by the envelope schema (through `properties`, following `$ref`s)",
            ));
        }
    }
    Some(EnvelopeSpec {
        file: envelope_file.to_owned(),
        type_path,
        version_path,
        version_format: config.version_format,
        payload_key: payload_path[0].clone(),
    })
}

/// The schema of the property at `path` (object keys), following `$ref`s to
/// whole files.
fn property_schema<'f>(files: &'f SchemaFiles, file: &str, path: &[String]) -> Option<&'f Value> {
    let mut file = file.to_owned();
    let mut schema = &files.files.get(&file)?.value;
    for key in path {
        while let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            let (target, pointer) = reference.split_once('#').unwrap_or((reference, ""));
            if !target.is_empty() {
                let dir = file.rsplit_once('/').map_or("", |(dir, _)| dir);
                file = if dir.is_empty() { target.to_owned() } else { format!("{dir}/{target}") };
            }
            schema = files.files.get(&file)?.value.pointer(pointer)?;
        }
        schema = schema.get("properties")?.get(key)?;
    }
    Some(schema)
}

/// The header type is the envelope minus what the payload's type supplies:
/// type, version and payload are removed from the bundled definitions.
fn strip_envelope_fields(bundle: &mut Bundle, envelope: &EnvelopeSpec) {
    remove_property(bundle, HEADER_TYPE, std::slice::from_ref(&envelope.payload_key));
    remove_property(bundle, HEADER_TYPE, &envelope.type_path);
    remove_property(bundle, HEADER_TYPE, &envelope.version_path);
}

fn remove_property(bundle: &mut Bundle, definition: &str, path: &[String]) {
    let Some(schema) = bundle.definitions.get_mut(definition) else { return };
    if let Some((name, rest)) = remove_inline(schema, path) {
        remove_property(bundle, &name, rest);
    }
}

/// Removes the property at `path` from `schema`, through inline object
/// schemas (an envelope's `meta` written in place); where a `$ref` carries
/// the path on, returns its definition and the rest of the path.
fn remove_inline<'p>(schema: &mut Value, path: &'p [String]) -> Option<(String, &'p [String])> {
    let (first, rest) = path.split_first()?;
    if rest.is_empty() {
        if let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) {
            properties.remove(first);
        }
        if let Some(required) = schema.get_mut("required").and_then(Value::as_array_mut) {
            required.retain(|r| r.as_str() != Some(first));
        }
        return None;
    }
    let child = schema.get_mut("properties")?.get_mut(first)?;
    match child.get("$ref").and_then(Value::as_str) {
        Some(reference) => Some((reference.strip_prefix("#/$defs/")?.to_owned(), rest)),
        None => remove_inline(child, rest),
    }
}

/// Schema text as generated docs hold it: a carriage return in a doc
/// comment does not compile (`bare CR not allowed`), so every line break
/// is `\n`.
pub fn doc_text(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\r', "\n")
}
