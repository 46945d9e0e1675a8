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
use crate::naming;

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

/// Keywords whose values are data, not schemas: never look for `$ref` there.
const DATA_KEYWORDS: &[&str] = &["enum", "const", "default", "examples", "example"];

/// Builds definitions for `roots` (target, chosen name) and everything they
/// reference, transitively.
pub fn bundle(files: &SchemaFiles, roots: &[(Target, String)], problems: &mut Diagnostics) -> Bundle {
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
        let mut schema = schema.clone();
        if let Value::Object(map) = &mut schema {
            map.remove("$defs");
            map.remove("definitions");
        }
        let mut refs = Vec::new();
        rewrite_refs(&schema, pointer, &mut refs);
        for (at, reference, slot) in refs {
            if is_opaque(&files.files[file].value, &reference, &at) {
                // Left to validation, which resolves it as JSON Schema does;
                // the type does not follow it (it is wider, never narrower).
                let holder = slot.strip_suffix("/$ref").unwrap_or_default();
                if let Some(Value::Object(map)) = schema.pointer_mut(holder) {
                    map.remove("$ref");
                    map.insert(OPAQUE_REF.to_owned(), Value::String(reference));
                }
                continue;
            }
            let Some(resolved) = resolve(files, file, &reference, &at, problems) else {
                continue;
            };
            let name = match names.get(&resolved) {
                Some(name) => name.clone(),
                None => match name_for(files, &resolved, &taken) {
                    Ok(name) => {
                        names.insert(resolved.clone(), name.clone());
                        taken.insert(name.clone(), resolved.clone());
                        name
                    }
                    Err(message) => {
                        problems.push(located(files, file, &at, "name-collision", message)
                            .help("rename one of the `$defs` entries so that their Rust names differ"));
                        continue;
                    }
                },
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

/// Where the bundle keeps a `$ref` it does not follow (see [`is_opaque`]).
pub const OPAQUE_REF: &str = "x-opaque-ref";

/// A `$ref` whose target is not a file of the set by path and pointer: a
/// URL or URN, an anchor (`#name`), or any reference whose base is an
/// `$id` rather than the file. Validation resolves these (among the set's
/// files and `[remotes]`); the bundle does not.
fn is_opaque(document: &Value, reference: &str, at: &str) -> bool {
    let (path_part, fragment) = reference.split_once('#').unwrap_or((reference, ""));
    let has_scheme = path_part.split('/').next().is_some_and(|first| first.contains(':'));
    if has_scheme || path_part.starts_with('/') || (!fragment.is_empty() && !fragment.starts_with('/')) {
        return true;
    }
    if !path_part.is_empty() && document.get("$id").is_some() {
        return true;
    }
    // Below the root, an `$id` on the way (the `$ref`'s own object included)
    // starts a new base.
    let mut node = document;
    for token in at.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        let next = match node {
            Value::Object(map) => map.get(&token),
            Value::Array(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        };
        let Some(next) = next else { return false };
        node = next;
        if node.get("$id").is_some() {
            return true;
        }
    }
    false
}

/// Calls `visit` with every object (schema) below `value` and its pointer
/// relative to `value`, skipping keywords whose values are data. Iterative:
/// deep schemas must not overflow the stack.
pub fn for_each_object(value: &Value, mut visit: impl FnMut(&serde_json::Map<String, Value>, &str)) {
    let mut stack = vec![(value, String::new())];
    while let Some((node, rel)) = stack.pop() {
        match node {
            Value::Object(map) => {
                visit(map, &rel);
                for (key, child) in map {
                    if DATA_KEYWORDS.contains(&key.as_str()) || key.starts_with("x-") {
                        continue;
                    }
                    stack.push((child, format!("{rel}/{}", escape(key))));
                }
            }
            Value::Array(items) => {
                for (index, child) in items.iter().enumerate() {
                    stack.push((child, format!("{rel}/{index}")));
                }
            }
            _ => {}
        }
    }
}

/// Keywords whose value maps names to schemas.
const SCHEMA_MAPS: &[&str] = &["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"];

/// Calls `visit` with every schema object below `schema` (itself
/// included): unlike [`for_each_object`], the maps of `properties`, `$defs`
/// and the like are not schemas, only their values are.
pub fn for_each_schema(schema: &Value, mut visit: impl FnMut(&serde_json::Map<String, Value>)) {
    let mut stack = vec![schema];
    while let Some(node) = stack.pop() {
        let Value::Object(map) = node else { continue };
        visit(map);
        for (key, child) in map {
            if DATA_KEYWORDS.contains(&key.as_str()) || key.starts_with("x-") {
                continue;
            }
            match child {
                Value::Object(children) if SCHEMA_MAPS.contains(&key.as_str()) => stack.extend(children.values()),
                Value::Object(_) => stack.push(child),
                Value::Array(items) => stack.extend(items.iter()),
                _ => {}
            }
        }
    }
}

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

/// Escapes one JSON pointer token.
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

fn pointer_mut<'v>(value: &'v mut Value, pointer: &str) -> &'v mut Value {
    value.pointer_mut(pointer).expect("pointer found by the walk")
}

/// Where a `$ref` written in `file` at `at` points to.
fn resolve(files: &SchemaFiles, file: &str, reference: &str, at: &str, problems: &mut Diagnostics) -> Option<Target> {
    let (path_part, fragment) = reference.split_once('#').unwrap_or((reference, ""));
    if path_part.contains("://") || path_part.starts_with('/') {
        problems.push(located(files, file, at, "ref-unresolved", format!("`$ref` {reference:?} is not a relative path inside the schemas folder"))
            .help("refer to shared schemas by relative path, e.g. \"../_shared/types.schema.json#/$defs/name\""));
        return None;
    }
    let target_file = if path_part.is_empty() {
        file.to_owned()
    } else {
        match join(file, path_part) {
            Some(path) => path,
            None => {
                problems.push(located(files, file, at, "ref-unresolved", format!("`$ref` {reference:?} leaves the schemas folder"))
                    .help("keep shared schemas under the schemas folder, e.g. in `_shared/`"));
                return None;
            }
        }
    };
    let Some(target) = files.files.get(&target_file) else {
        problems.push(located(files, file, at, "ref-unresolved", format!("`$ref` {reference:?}: no schema file `{target_file}`"))
            .help("check the file name, or add the file under the schemas folder"));
        return None;
    };
    if !fragment.is_empty() && !fragment.starts_with('/') {
        problems.push(located(files, file, at, "ref-unresolved", format!("`$ref` {reference:?}: anchors (`#name`) are not supported"))
            .help("refer by JSON pointer, e.g. \"#/$defs/name\""));
        return None;
    }
    let pointer = percent_decode(fragment);
    if target.value.pointer(&pointer).is_none() {
        problems.push(located(files, file, at, "ref-unresolved", format!("`$ref` {reference:?}: `{target_file}` has nothing at `{pointer}`"))
            .help("check the pointer; definitions live under `#/$defs/<name>`"));
        return None;
    }
    Some((target_file, pointer))
}

fn percent_decode(fragment: &str) -> String {
    let bytes = fragment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len()
            && let Ok(byte) = u8::from_str_radix(&fragment[i + 1..i + 3], 16) {
                out.push(byte);
                i += 3;
                continue;
            }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `dir/a.json` + `../b.json` -> `b.json`; `None` when it leaves the root.
fn join(file: &str, relative: &str) -> Option<String> {
    let mut parts: Vec<&str> = file.split('/').collect();
    parts.pop();
    for segment in relative.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

/// The Rust name of a referenced schema that is not a root.
fn name_for(files: &SchemaFiles, target: &Target, taken: &BTreeMap<String, Target>) -> Result<String, String> {
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
            None => return Ok(candidate.clone()),
            Some(existing) if existing == target => return Ok(candidate.clone()),
            Some(_) => {}
        }
    }
    let other = &taken[&candidates[candidates.len() - 1]];
    Err(format!(
        "`{file}#{pointer}` and `{}#{}` would both become the Rust type `{}`",
        other.0,
        other.1,
        candidates[candidates.len() - 1]
    ))
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
