//! Resolving `$ref`s across the files of a contract set.
//!
//! typify resolves only local `#/$defs/<name>` references and merges
//! same-named types silently, so the contract set is bundled here first:
//! every schema that is referenced (a whole shared file, a `$defs` entry, an
//! event's root) becomes one named definition, and every `$ref` is rewritten
//! to point at that definition by name. A shared schema referenced by many
//! events is therefore one definition, and one Rust type.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use serde_json::Value;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::discover::{FileKind, SchemaFiles};
use crate::documents::{Documents, Place};
use crate::naming;
use crate::walk::for_each_object;

/// A schema location: file (relative to the schemas folder) and pointer.
pub type Target = (String, String);

/// Named definitions with `$ref`s rewritten to `#/$defs/<name>`.
#[derive(Debug, Clone, Default)]
pub struct Bundle {
    /// Definition name (the Rust type name) -> schema.
    pub definitions: BTreeMap<String, Value>,
    /// Where each definition came from.
    pub origins: BTreeMap<String, Target>,
}

/// Builds definitions for `roots` (target, chosen name) and everything they
/// reference, transitively.
pub fn bundle(files: &SchemaFiles, documents: &Documents, roots: &[(Target, String)]) -> Bundle {
    let mut names: BTreeMap<Target, String> = BTreeMap::new();
    let mut taken: BTreeMap<String, Target> = BTreeMap::new();
    let mut queue = VecDeque::new();
    for (target, name) in roots {
        names.insert(target.clone(), name.clone());
        taken.insert(name.clone(), target.clone());
        queue.push_back(target.clone());
    }

    let mut bundle = Bundle::default();
    let mut done = BTreeSet::new();
    while let Some(target) = queue.pop_front() {
        if !done.insert(target.clone()) {
            continue;
        }
        let (file, pointer) = &target;
        let Some(schema) = files.files.get(file).and_then(|f| f.value.pointer(pointer)) else {
            continue; // reported where the reference was found
        };
        let mut schema = in_current_form(schema, &files.files[file].value, pointer.is_empty());
        if let Value::Object(map) = &mut schema {
            map.remove("$defs");
            map.remove("definitions");
        }
        let mut refs = Vec::new();
        rewrite_refs(&schema, pointer, &mut refs);
        for (at, reference, slot) in refs {
            let resolved = match documents.resolve(file, &at).map(|(_, place)| place) {
                Some(Ok(Place::File { path, pointer })) => (path.clone(), pointer.clone()),
                Some(Ok(Place::Remote { .. })) => {
                    // A `[remotes]` document: left to validation, which
                    // resolves it as JSON Schema does; the type does not
                    // follow it (it is wider, never narrower).
                    let holder = slot.strip_suffix("/$ref").unwrap_or_default();
                    if let Some(Value::Object(map)) = schema.pointer_mut(holder) {
                        map.remove("$ref");
                        map.insert(OPAQUE_REF.to_owned(), Value::String(reference));
                    }
                    continue;
                }
                // Reported with every other reference that leads nowhere
                // ([`unresolved_references`]).
                Some(Err(_)) | None => continue,
            };
            let name = match names.get(&resolved) {
                Some(name) => name.clone(),
                None => {
                    let name = name_for(files, &resolved, &taken);
                    names.insert(resolved.clone(), name.clone());
                    taken.insert(name.clone(), resolved.clone());
                    name
                }
            };
            *pointer_mut(&mut schema, &slot) = Value::String(format!("#/$defs/{name}"));
            queue.push_back(resolved);
        }
        let name = names[&target].clone();
        bundle.origins.insert(name.clone(), target.clone());
        bundle.definitions.insert(name, schema);
    }
    bundle
}

/// Where the bundle keeps a `$ref` it does not follow: one into a
/// `[remotes]` document.
pub const OPAQUE_REF: &str = "x-opaque-ref";

/// Collects every `$ref` below `value`: (pointer in the file, the reference,
/// pointer of the `$ref` string relative to `value`).
fn rewrite_refs(value: &Value, base: &str, out: &mut Vec<(String, String, String)>) {
    for_each_object(value, |map, rel| {
        if let Some(Value::String(reference)) = map.get("$ref") {
            out.push((format!("{base}{rel}"), reference.clone(), format!("{rel}/$ref")));
        }
    });
    out.sort();
}

fn pointer_mut<'v>(value: &'v mut Value, pointer: &str) -> &'v mut Value {
    value.pointer_mut(pointer).expect("pointer found by the walk")
}

/// A diagnostic for every `$ref` of the set's files that leads nowhere, at
/// the `$ref`.
pub fn unresolved_references(files: &SchemaFiles, documents: &Documents, problems: &mut Diagnostics) {
    for (file, at, reference, unresolved) in documents.unresolved() {
        problems.push(
            located(files, file, &format!("{at}/$ref"), "ref-unresolved", format!("`$ref` {reference:?} leads nowhere: it resolves to `{}`, and {}", unresolved.uri, unresolved.reason))
                .help(unresolved_help(documents, unresolved)),
        );
    }
}

/// The definition a schema's `$ref` names in the bundle (`#/$defs/<name>`).
pub fn definition_name(schema: &Value) -> Option<&str> {
    schema.get("$ref").and_then(Value::as_str).and_then(|reference| reference.strip_prefix("#/$defs/"))
}

/// The schema a chain of `$ref`s to definitions ends at; a cycle of
/// references stops after 32 steps.
pub fn follow<'a>(definitions: &'a BTreeMap<String, Value>, mut schema: &'a Value) -> &'a Value {
    for _ in 0..32 {
        match definition_name(schema).and_then(|name| definitions.get(name)) {
            Some(target) => schema = target,
            None => break,
        }
    }
    schema
}

/// Every `$id` that two files of the set give: a reference to it could
/// mean either schema, so neither is taken.
pub fn duplicate_ids(files: &SchemaFiles, documents: &Documents, problems: &mut Diagnostics) {
    for duplicate in documents.duplicate_ids() {
        let (Place::File { path: first, pointer: first_at }, Place::File { path, pointer }) = (&duplicate.first, &duplicate.second) else { continue };
        let first_at = if first_at.is_empty() { String::new() } else { format!(" at `{first_at}`") };
        // `$id`, or draft-04's `id`.
        let at = ["$id", "id"].iter().map(|key| format!("{pointer}/{key}")).find(|at| files.files[path].value.pointer(at).is_some()).unwrap_or_else(|| pointer.clone());
        problems.push(
            located(files, path, &at, "id-duplicate", format!("`$id` names `{}`, as `{first}`{first_at} does: a reference to it could mean either", duplicate.uri))
                .help("give each schema an `$id` of its own (or none: a file is also known by its path)"),
        );
    }
}

/// What to do about a `$ref` that leads nowhere: the documents the set
/// has, by the URIs a reference may name.
fn unresolved_help(documents: &Documents, unresolved: &crate::documents::Unresolved) -> String {
    if let Some(definitions) = &unresolved.definitions {
        return match definitions.as_slice() {
            [] => "check the pointer: the document has no `$defs`".to_owned(),
            some => format!("check the pointer; the document has {}", some.iter().map(|d| format!("`#{d}`")).collect::<Vec<_>>().join(", ")),
        };
    }
    let known = documents.known();
    let wanted = unresolved.uri.split('#').next().unwrap_or_default();
    let closest = known.iter().map(|uri| (strsim::levenshtein(uri, wanted), *uri)).min();
    if let Some((distance, uri)) = closest
        && distance <= (wanted.len() / 12).max(2)
    {
        return format!("did you mean `{uri}`? (the reference resolves against the base URI in force where it is written: the file's path, or its `$id`)");
    }
    let shown: Vec<&str> = known.iter().take(8).copied().collect();
    let more = known.len().saturating_sub(shown.len());
    let mut help = format!(
        "refer to a file of the schemas folder by relative path or by its `$id`, or serve URLs from a local folder with `[remotes]` in events.toml; the set knows {}",
        shown.iter().map(|uri| format!("`{uri}`")).collect::<Vec<_>>().join(", ")
    );
    if more > 0 {
        help.push_str(&format!(" and {more} more"));
    }
    help
}

/// The Rust name of a referenced schema that is not a root.
fn name_for(files: &SchemaFiles, target: &Target, taken: &BTreeMap<String, Target>) -> String {
    let (file, pointer) = target;
    let stem = file.rsplit('/').next().unwrap_or(file).trim_end_matches(".schema.json");
    let owner = match &files.files[file].kind {
        FileKind::Event { event, version, .. } => naming::payload_type(event, *version),
        FileKind::Shared => naming::type_name(stem),
    };
    let leaf = pointer
        .strip_prefix("/$defs/")
        .or_else(|| pointer.strip_prefix("/definitions/"))
        .filter(|rest| !rest.contains('/'));
    let mut candidates = Vec::new();
    match (&files.files[file].kind, leaf, pointer.is_empty()) {
        (_, _, true) => candidates.push(owner.clone()),
        (FileKind::Shared, Some(def), _) => {
            candidates.push(naming::type_name(def));
            candidates.push(format!("{owner}{}", naming::type_name(def)));
        }
        (_, Some(def), _) => candidates.push(format!("{owner}{}", naming::type_name(def))),
        (_, None, _) => candidates.push(format!("{owner}{}", naming::type_name(&pointer.replace('/', "_")))),
    }
    for candidate in &candidates {
        match taken.get(candidate) {
            None => return candidate.clone(),
            Some(existing) if existing == target => return candidate.clone(),
            Some(_) => {}
        }
    }
    // Legal names that meet after Rust naming (`S3` and `s3`,
    // `Security_Group` and `SecurityGroup`): the next free numbered name,
    // in the order references are met, so it is the same on every run.
    let last = &candidates[candidates.len() - 1];
    (2..).map(|n| format!("{last}{n}")).find(|name| !taken.contains_key(name)).expect("a free name")
}

/// A schema of `document` in the shape every later step reads: a draft-4
/// schema's `id` and boolean exclusive bounds as draft 6 writes them (and
/// a document root says draft 6, which reads `$ref` as draft 4 does).
fn in_current_form(schema: &Value, document: &Value, is_root: bool) -> Value {
    let dialect = crate::dialect::Dialect::of_or_default(document);
    if dialect != crate::dialect::Dialect::Draft4 {
        return schema.clone();
    }
    let mut schema = schema.clone();
    let mut slots = Vec::new();
    for_each_object(&schema, |_, rel| slots.push(rel.to_owned()));
    for slot in slots {
        if let Some(Value::Object(map)) = schema.pointer_mut(&slot) {
            *map = dialect.as_current(map);
        }
    }
    if is_root && let Value::Object(map) = &mut schema {
        map.insert("$schema".to_owned(), Value::String("http://json-schema.org/draft-06/schema#".to_owned()));
    }
    schema
}

/// Renames a definition of the bundle, and every reference to it.
pub fn rename_definition(bundle: &mut Bundle, from: &str, to: &str) {
    if let Some(schema) = bundle.definitions.remove(from) {
        bundle.definitions.insert(to.to_owned(), schema);
    }
    if let Some(origin) = bundle.origins.remove(from) {
        bundle.origins.insert(to.to_owned(), origin);
    }
    let (old, new) = (format!("#/$defs/{from}"), format!("#/$defs/{to}"));
    for schema in bundle.definitions.values_mut() {
        let mut slots = Vec::new();
        for_each_object(schema, |map, rel| {
            if map.get("$ref").and_then(Value::as_str) == Some(old.as_str()) {
                slots.push(format!("{rel}/$ref"));
            }
        });
        for slot in slots {
            *pointer_mut(schema, &slot) = Value::String(new.clone());
        }
    }
}

/// A diagnostic about `file` (relative to the schemas folder) at `pointer`,
/// with its line and column.
pub fn located(files: &SchemaFiles, file: &str, pointer: &str, code: &'static str, message: String) -> Diagnostic {
    let schema_file = &files.files[file];
    Diagnostic::new(&schema_file.repo_path, pointer, code, message).locate(&schema_file.text)
}

/// The self-contained JSON Schema of one bundled definition: it and every
/// definition it reaches, under `$defs`.
pub fn standalone(bundle: &Bundle, name: &str) -> Value {
    let mut reached = std::collections::BTreeMap::new();
    let mut stack = vec![name.to_owned()];
    while let Some(next) = stack.pop() {
        if reached.contains_key(&next) {
            continue;
        }
        let Some(schema) = bundle.definitions.get(&next) else { continue };
        for_each_object(schema, |map, _| {
            if let Some(target) = map.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/$defs/")) {
                stack.push(target.to_owned());
            }
        });
        reached.insert(next, schema.clone());
    }
    // The root's dialect decides the reading (draft 7 ignores the siblings
    // of a `$ref`, 2020-12 applies them).
    let dialect = bundle
        .definitions
        .get(name)
        .and_then(|root| root.get("$schema"))
        .and_then(Value::as_str)
        .unwrap_or("https://json-schema.org/draft/2020-12/schema");
    serde_json::json!({
        "$schema": dialect,
        "$defs": reached,
        "$ref": format!("#/$defs/{name}"),
    })
}
