//! The one reading of `$ref` in the generator: the schema documents of a
//! contract set by URI, and where a reference leads.
//!
//! JSON Schema resolves a `$ref` against the base URI in force where it is
//! written, and finds the result among the documents it knows by URI: by
//! the URI they were read from, and by the `$id`s they declare. The set's
//! files are read from `json-schema:///<path in the schemas folder>`; the
//! documents of `[remotes]` from their URLs. A document's root `$id`
//! names it: an absolute one as written, a relative one
//! (`"common/user.schema.json"`, as ajv users write them) relative to the
//! set's root, so the ids of a set form one namespace whatever folder the
//! files sit in; an `$id` inside a document resolves against its parent's
//! base, as JSON Schema says. `$anchor`s (and draft-07's `"$id": "#name"`)
//! name the schema they sit on.
//!
//! The bundler follows references through [`Documents::resolve`], and the
//! validator of the generated crate reads the same documents by the same
//! URIs ([`Documents::for_validation`]): relative `$id`s are written out
//! absolute there, so the validator's base URIs are the ones used here.

use std::collections::BTreeMap;

use serde_json::Value;
use url::Url;

use crate::discover::SchemaFiles;

/// A schema document served from a local folder in place of its URL.
#[derive(Debug, Clone)]
pub struct RemoteDocument {
    /// Its URL.
    pub uri: String,
    /// Where the generated crate keeps a copy, relative to its root.
    pub copy: String,
    /// Its text, verbatim.
    pub text: String,
}

/// The characters a JSON pointer keeps percent-encoded in a URI fragment.
const FRAGMENT: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS.add(b' ').add(b'"').add(b'<').add(b'>').add(b'`').add(b'#').add(b'%').add(b'{').add(b'}');

/// The meta-schemas of the dialects the generator reads, which a schema may
/// refer to (to validate a schema held in a payload): the validator has
/// them built in; the types take such a value as it comes.
const META_SCHEMAS: &[&str] = &[
    "https://json-schema.org/draft/2020-12/schema",
    "https://json-schema.org/draft/2019-09/schema",
    "http://json-schema.org/draft-07/schema",
    "http://json-schema.org/draft-06/schema",
    "http://json-schema.org/draft-04/schema",
];

/// The URI the set's root folder is read from; its files hang below it.
pub const SET_ROOT: &str = "json-schema:///";

/// The URI a schema file of the set (path relative to the schemas folder)
/// is read from.
pub fn file_uri(path: &str) -> String {
    format!("{SET_ROOT}{path}")
}

/// Where a URI leads: a schema inside a file of the set, or a remote
/// document.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Place {
    /// The schema at `pointer` in the set's file `path`.
    File { path: String, pointer: String },
    /// The schema at `pointer` in the `[remotes]` document of this URI.
    Remote { uri: String, pointer: String },
}

/// A reference that leads nowhere: the URI it resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unresolved {
    /// The absolute URI, fragment included.
    pub uri: String,
    /// Why nothing is there.
    pub reason: String,
    /// Where the document was found but not the schema in it: the pointers
    /// of the definitions it has (`#/$defs/<name>`), to choose from.
    pub definitions: Option<Vec<String>>,
}

/// The documents of a contract set by URI.
#[derive(Debug, Clone, Default)]
pub struct Documents {
    /// URI without fragment -> the schema resource it names.
    resources: BTreeMap<String, Place>,
    /// (base URI, anchor name) -> the schema that declares it.
    anchors: BTreeMap<(String, String), Place>,
    /// The parsed documents: set files by path, remotes by URI.
    files: BTreeMap<String, Value>,
    remotes: BTreeMap<String, Value>,
    /// The set's files as the validator reads them, where that differs
    /// from their text: every `$id` absolute, and every `$ref` that only
    /// the second reading resolves written out absolute.
    for_validator: BTreeMap<String, Value>,
    /// Where each `$ref` of the set's files leads: (file, pointer of the
    /// object that holds it) -> the reference and its place, or why none.
    references: BTreeMap<(String, String), (String, Result<Place, Unresolved>)>,
    /// `$id`s that two files of the set both give.
    duplicate_ids: Vec<DuplicateId>,
}

/// One URI that two files of the set give as an `$id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateId {
    pub uri: String,
    /// The schema that took the URI first (files in path order).
    pub first: Place,
    /// The schema that gives it again.
    pub second: Place,
}

impl Documents {
    /// Indexes every schema file of the set and every remote document.
    pub fn index(files: &SchemaFiles, remotes: &[RemoteDocument]) -> Documents {
        let mut documents = Documents::default();
        for (path, file) in &files.files {
            documents.files.insert(path.clone(), file.value.clone());
            let uri = file_uri(path);
            documents.resources.insert(uri.clone(), Place::File { path: path.clone(), pointer: String::new() });
            let root_base = root_base(&uri, &file.value);
            let mut rewritten = file.value.clone();
            let mut changed = documents.walk(&file.value, &root_base, &|pointer| Place::File { path: path.clone(), pointer }, &mut rewritten);
            // A misspelt dialect URI is read as the one it means (a warning
            // of the model's); the validator is given that one.
            if let Some(meant) = file.value.get("$schema").and_then(Value::as_str).filter(|_| crate::dialect::Dialect::of(&file.value).is_err()).and_then(crate::dialect::Dialect::nearest).map(|(uri, _)| uri) {
                rewritten["$schema"] = Value::from(meant);
                changed = true;
            }
            if changed {
                documents.for_validator.insert(path.clone(), rewritten);
            }
        }
        for remote in remotes {
            let Ok(value) = serde_json::from_str::<Value>(&remote.text) else { continue };
            documents.resources.insert(remote.uri.clone(), Place::Remote { uri: remote.uri.clone(), pointer: String::new() });
            // Served at its URL without the extension too: URLs often name
            // a schema that way (`https://host/schema-name`).
            if let Some(bare) = remote.uri.strip_suffix(".json") {
                documents.resources.entry(bare.to_owned()).or_insert(Place::Remote { uri: remote.uri.clone(), pointer: String::new() });
            }
            let base = root_base(&remote.uri, &value);
            let mut unused = value.clone();
            documents.walk(&value, &base, &|pointer| Place::Remote { uri: remote.uri.clone(), pointer }, &mut unused);
            documents.remotes.insert(remote.uri.clone(), value);
        }
        documents.resolve_every_reference();
        documents
    }

    /// Resolves every `$ref` of the set's files once. In the validator's
    /// copy of a file, a reference that only the second reading resolves
    /// names its place by absolute URI, so the validator finds the same
    /// schema.
    fn resolve_every_reference(&mut self) {
        let mut found = Vec::new();
        for (path, document) in &self.files {
            crate::walk::for_each_object(document, |map, pointer| {
                if let Some(Value::String(reference)) = map.get("$ref") {
                    found.push((path.clone(), pointer.to_owned(), reference.clone()));
                }
            });
        }
        for (path, pointer, reference) in found {
            let (resolved, second_reading) = self.resolve_reading(&path, &pointer, &reference);
            if let (Ok(place), true) = (&resolved, second_reading) {
                let absolute = self.absolute_uri(place);
                let copy = self.for_validator.entry(path.clone()).or_insert_with(|| self.files[&path].clone());
                if let Some(Value::Object(holder)) = copy.pointer_mut(&pointer) {
                    holder.insert("$ref".to_owned(), Value::String(absolute));
                }
            }
            self.references.insert((path, pointer), (reference, resolved));
        }
    }

    /// The absolute URI of a place: its document's base URI (its root
    /// `$id`, the URI a validator knows it by) and a JSON pointer.
    fn absolute_uri(&self, place: &Place) -> String {
        let (document, pointer) = match place {
            Place::File { path, pointer } => (without_fragment(&root_base(&file_uri(path), &self.files[path])), pointer),
            Place::Remote { uri, pointer } => (uri.clone(), pointer),
        };
        let fragment = percent_encoding::utf8_percent_encode(pointer, FRAGMENT).to_string();
        format!("{document}#{fragment}")
    }

    /// Registers the `$id`s and `$anchor`s below `root` (whose base is
    /// `base`); writes every relative `$id` of `rewritten` out absolute and
    /// says whether there was any.
    fn walk(&mut self, root: &Value, base: &Url, place: &dyn Fn(String) -> Place, rewritten: &mut Value) -> bool {
        let mut changed = false;
        let dialect = crate::dialect::Dialect::of_or_default(root);
        let legacy = dialect.ref_hides_siblings();
        let mut stack = vec![(root, String::new(), base.clone())];
        while let Some((node, pointer, mut base)) = stack.pop() {
            let Value::Object(map) = node else { continue };
            let id = map.get(dialect.id_keyword()).and_then(Value::as_str).filter(|_| !(legacy && !pointer.is_empty() && map.contains_key("$ref")));
            if let Some(id) = id {
                match id.strip_prefix('#') {
                    // draft-07: `"$id": "#name"` is an anchor.
                    Some(anchor) if !anchor.is_empty() && !anchor.starts_with('/') => {
                        self.anchors.insert((without_fragment(&base), anchor.to_owned()), place(pointer.clone()));
                    }
                    _ => {
                        let resolved = if pointer.is_empty() { Some(base.clone()) } else { base.join(id).ok() };
                        if let Some(resolved) = resolved {
                            let uri = without_fragment(&resolved);
                            let here = place(pointer.clone());
                            match self.resources.get(&uri) {
                                None => {
                                    self.resources.insert(uri.clone(), here);
                                }
                                // Two files of the set that name one URI: a
                                // reference to it could mean either.
                                Some(first @ Place::File { path, .. }) if matches!(&here, Place::File { path: other, .. } if other != path) => {
                                    self.duplicate_ids.push(DuplicateId { uri: uri.clone(), first: first.clone(), second: here });
                                }
                                Some(_) => {}
                            }
                            if uri != id {
                                if let Some(Value::Object(target)) = rewritten.pointer_mut(&pointer) {
                                    target.insert(dialect.id_keyword().to_owned(), Value::String(uri));
                                }
                                changed = true;
                            }
                            base = resolved;
                        }
                    }
                }
            }
            // A `$dynamicAnchor` is also a plain anchor for `$ref`.
            for keyword in ["$anchor", "$dynamicAnchor"] {
                if let Some(anchor) = map.get(keyword).and_then(Value::as_str) {
                    self.anchors.insert((without_fragment(&base), anchor.to_owned()), place(pointer.clone()));
                }
            }
            for (child, at) in crate::walk::schema_children(map, &pointer) {
                match child {
                    Value::Object(_) => stack.push((child, at, base.clone())),
                    Value::Array(items) => {
                        for (index, item) in items.iter().enumerate() {
                            stack.push((item, format!("{at}/{index}"), base.clone()));
                        }
                    }
                    _ => {}
                }
            }
        }
        changed
    }

    /// The base URI in force at `pointer` in the set's file `path`: its
    /// root's, changed by every `$id` on the way down (the object's own
    /// included).
    pub fn base_at(&self, path: &str, pointer: &str) -> Option<Url> {
        let document = self.files.get(path)?;
        let dialect = crate::dialect::Dialect::of_or_default(document);
        let legacy = dialect.ref_hides_siblings();
        let mut base = root_base(&file_uri(path), document);
        let mut node = document;
        for token in pointer.split('/').skip(1) {
            let token = crate::pointer::unescape(token);
            node = match node {
                Value::Object(map) => map.get(&token)?,
                Value::Array(items) => items.get(token.parse::<usize>().ok()?)?,
                _ => return None,
            };
            let hidden = legacy && node.get("$ref").is_some();
            if let Some(id) = node.get(dialect.id_keyword()).and_then(Value::as_str).filter(|id| !id.starts_with('#') && !hidden) {
                base = base.join(id).ok()?;
            }
        }
        Some(base)
    }

    /// Where the `$ref` of the object at `pointer` in the set's file `path`
    /// leads (every reference is resolved when the set is indexed).
    ///
    /// JSON Schema's reading first; where it finds nothing, a relative
    /// reference is also tried against the file's own location and against
    /// the set's root, as tools that key documents by their `$id`s read
    /// them (ajv).
    pub fn resolve(&self, path: &str, pointer: &str) -> Option<&(String, Result<Place, Unresolved>)> {
        self.references.get(&(path.to_owned(), pointer.to_owned()))
    }

    /// Every `$id` that two files of the set give.
    pub fn duplicate_ids(&self) -> &[DuplicateId] {
        &self.duplicate_ids
    }

    /// Every reference that leads nowhere: (file, pointer of its object,
    /// the reference, why).
    pub fn unresolved(&self) -> impl Iterator<Item = (&str, &str, &str, &Unresolved)> {
        self.references.iter().filter_map(|((path, pointer), (reference, resolved))| Some((path.as_str(), pointer.as_str(), reference.as_str(), resolved.as_ref().err()?)))
    }

    /// [`Documents::resolve`]'s answer, and whether the second reading gave it.
    fn resolve_reading(&self, path: &str, pointer: &str, reference: &str) -> (Result<Place, Unresolved>, bool) {
        let not_a_schema = || Unresolved { uri: reference.to_owned(), reason: "its place in the file is not a schema".to_owned(), definitions: None };
        let Some(base) = self.base_at(path, pointer) else { return (Err(not_a_schema()), false) };
        let target = match base.join(reference) {
            Ok(target) => target,
            Err(e) => return (Err(Unresolved { uri: reference.to_owned(), reason: format!("not a URI reference: {e}"), definitions: None }), false),
        };
        let first = self.find(&target);
        if first.is_ok() || is_absolute(reference) || reference.starts_with('#') {
            return (first, false);
        }
        let file_base = Url::parse(&file_uri(path)).expect("file URIs parse");
        let root = Url::parse(SET_ROOT).expect("the set's root parses");
        for other in [file_base, root] {
            if let Ok(place) = other.join(reference).map_err(|_| ()).and_then(|second| self.find(&second).map_err(|_| ())) {
                return (Ok(place), true);
            }
        }
        (first, false)
    }

    /// The schema `uri` (absolute, with its fragment) names.
    fn find(&self, uri: &Url) -> Result<Place, Unresolved> {
        let document = without_fragment(uri);
        // The dialects' meta-schemas: every validator has them built in.
        if META_SCHEMAS.contains(&document.as_str()) {
            return Ok(Place::Remote { uri: document, pointer: uri.fragment().unwrap_or_default().to_owned() });
        }
        let fragment = uri.fragment().unwrap_or_default();
        let decoded = percent_encoding::percent_decode_str(fragment).decode_utf8_lossy().into_owned();
        let unresolved = |reason: String| Unresolved { uri: uri.to_string(), reason, definitions: None };
        let place = if decoded.is_empty() || decoded.starts_with('/') {
            let resource = self.resources.get(&document).ok_or_else(|| unresolved(format!("no document of the set is `{document}`")))?;
            match resource {
                Place::File { path, pointer } => Place::File { path: path.clone(), pointer: format!("{pointer}{decoded}") },
                Place::Remote { uri, pointer } => Place::Remote { uri: uri.clone(), pointer: format!("{pointer}{decoded}") },
            }
        } else {
            self.anchors
                .get(&(document.clone(), decoded.clone()))
                .cloned()
                .ok_or_else(|| unresolved(format!("no schema of `{document}` has the anchor `{decoded}`")))?
        };
        let (root, pointer) = match &place {
            Place::File { path, pointer } => (self.files.get(path), pointer),
            Place::Remote { uri, pointer } => (self.remotes.get(uri), pointer),
        };
        match root {
            Some(root) if root.pointer(pointer).is_some() => Ok(place),
            _ => Err(Unresolved { definitions: Some(root.map(definitions_of).unwrap_or_default()), ..unresolved(format!("`{document}` has nothing at `{decoded}`")) }),
        }
    }

    /// Every URI the validator of the generated crate may ask for, with the
    /// document it gets: each file by its path URI and by its root `$id`,
    /// each remote by its URL (an `$id` inside a document names a part of
    /// it, which the validator finds by reading the document itself).
    pub fn for_validation(&self) -> BTreeMap<String, Place> {
        self.resources
            .iter()
            .filter(|(_, place)| matches!(place, Place::File { pointer, .. } | Place::Remote { pointer, .. } if pointer.is_empty()))
            .map(|(uri, place)| (uri.clone(), place.clone()))
            .collect()
    }

    /// The text the validator reads for a file of the set, where it differs
    /// from the file's: every `$id` absolute, and every `$ref` that only the
    /// second reading resolves written out absolute.
    pub fn validation_text(&self, path: &str) -> Option<String> {
        self.for_validator.get(path).map(|value| serde_json::to_string_pretty(value).expect("plain JSON") + "\n")
    }

    /// The document a validator of the set reads at `uri`, parsed.
    pub fn validation_document(&self, uri: &str) -> Option<Value> {
        match self.for_validation().get(uri)? {
            Place::File { path, .. } => self.for_validator.get(path).or_else(|| self.files.get(path)).cloned(),
            Place::Remote { uri, .. } => self.remotes.get(uri).cloned(),
        }
    }

    /// The `[remotes]` documents the set's files reach by `$ref`, directly
    /// or through other remote documents: the only ones the generated
    /// crate needs (a folder of remotes may hold a whole schema store).
    pub fn reachable_remotes(&self) -> std::collections::BTreeSet<String> {
        let remote = |place: &Place| match place {
            Place::Remote { uri, .. } if self.remotes.contains_key(uri) => Some(uri.clone()),
            _ => None,
        };
        let mut reached = std::collections::BTreeSet::new();
        let mut queue: Vec<String> = self.references.values().filter_map(|(_, resolved)| resolved.as_ref().ok().and_then(remote)).collect();
        while let Some(uri) = queue.pop() {
            if !reached.insert(uri.clone()) {
                continue;
            }
            let document = &self.remotes[&uri];
            for target in references_in(document, root_base(&uri, document)) {
                queue.extend(self.find(&target).ok().as_ref().and_then(remote));
            }
        }
        reached
    }

    /// The URIs of the set's documents, for a message about a reference
    /// that leads nowhere.
    pub fn known(&self) -> Vec<&str> {
        self.resources.keys().map(String::as_str).collect()
    }
}

/// Every `$ref` below `document` made absolute against the base URI in
/// force where it stands (`base` at the root, changed by each `$id`).
fn references_in(document: &Value, base: Url) -> Vec<Url> {
    let dialect = crate::dialect::Dialect::of_or_default(document);
    let legacy = dialect.ref_hides_siblings();
    let mut found = Vec::new();
    let mut stack = vec![(document, base)];
    while let Some((node, mut base)) = stack.pop() {
        let Value::Object(map) = node else { continue };
        let reference = map.get("$ref").and_then(Value::as_str);
        // In draft 7 and before, a `$ref` hides its siblings, `$id` too.
        let id_applies = !(legacy && reference.is_some());
        if let Some(id) = map.get(dialect.id_keyword()).and_then(Value::as_str).filter(|id| id_applies && !id.starts_with('#'))
            && let Ok(joined) = base.join(id)
        {
            base = joined;
        }
        found.extend(reference.and_then(|reference| base.join(reference).ok()));
        for (child, _) in crate::walk::schema_children(map, "") {
            match child {
                Value::Array(items) => stack.extend(items.iter().map(|item| (item, base.clone()))),
                other => stack.push((other, base.clone())),
            }
        }
    }
    found
}

/// The base URI of a document read from `uri`: its root `$id` where it has
/// one (a relative one against the set's root), else `uri`.
fn root_base(uri: &str, document: &Value) -> Url {
    let read_from = Url::parse(uri).unwrap_or_else(|_| Url::parse(SET_ROOT).expect("the set's root parses"));
    let dialect = crate::dialect::Dialect::of_or_default(document);
    let hidden = dialect.ref_hides_siblings() && document.get("$ref").is_some();
    match document.get(dialect.id_keyword()).and_then(Value::as_str).filter(|id| !id.starts_with('#') && !hidden) {
        Some(id) if is_absolute(id) => Url::parse(id).unwrap_or(read_from),
        Some(id) => Url::parse(SET_ROOT).expect("the set's root parses").join(id).unwrap_or(read_from),
        None => read_from,
    }
}

/// The pointers of a document's definitions (`/$defs/<name>`,
/// `/definitions/<name>`).
fn definitions_of(document: &Value) -> Vec<String> {
    ["$defs", "definitions"]
        .iter()
        .filter_map(|key| Some((key, document.get(*key)?.as_object()?)))
        .flat_map(|(key, defs)| defs.keys().map(move |name| format!("/{key}/{}", crate::pointer::escape(name))))
        .collect()
}

/// Whether a reference has a scheme of its own (`https:`, `urn:`).
fn is_absolute(reference: &str) -> bool {
    Url::parse(reference).is_ok()
}

fn without_fragment(uri: &Url) -> String {
    let mut uri = uri.clone();
    uri.set_fragment(None);
    uri.to_string()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{Documents, Place};

    fn set(files: &[(&str, serde_json::Value)]) -> Documents {
        let files = crate::discover::SchemaFiles {
            files: files
                .iter()
                .map(|(path, value)| {
                    let file = crate::discover::SchemaFile {
                        path: (*path).to_owned(),
                        repo_path: format!("schemas/{path}").into(),
                        text: value.to_string(),
                        value: value.clone(),
                        kind: crate::discover::FileKind::Shared,
                    };
                    ((*path).to_owned(), file)
                })
                .collect(),
        };
        Documents::index(&files, &[])
    }

    fn file(path: &str, pointer: &str) -> Place {
        Place::File { path: path.to_owned(), pointer: pointer.to_owned() }
    }

    fn resolve(documents: &Documents, path: &str, pointer: &str) -> Result<Place, super::Unresolved> {
        documents.resolve(path, pointer).expect("a $ref there").1.clone()
    }

    #[test]
    fn references_resolve_by_path_by_relative_ids_and_by_anchors() {
        let documents = set(&[
            ("_shared/user.schema.json", json!({"$id": "common/user.schema.json", "properties": {"address": {"$ref": "address.schema.json"}, "zip": {"$ref": "address.schema.json#zip"}, "zip2": {"$ref": "address.schema.json#/$defs/zip"}}})),
            ("_shared/address.schema.json", json!({"$id": "common/address.schema.json", "$defs": {"zip": {"$anchor": "zip", "type": "string"}}})),
            ("users/created.v1.schema.json", json!({"$id": "events/user_created.json", "properties": {"user": {"$ref": "../common/user.schema.json"}}})),
            ("users/deleted.v1.schema.json", json!({"properties": {"user": {"$ref": "../_shared/user.schema.json"}, "gone": {"$ref": "../_shared/nope.json"}}})),
        ]);
        // By `$id`, between shared files and from an event.
        assert_eq!(resolve(&documents, "_shared/user.schema.json", "/properties/address"), Ok(file("_shared/address.schema.json", "")));
        assert_eq!(resolve(&documents, "users/created.v1.schema.json", "/properties/user"), Ok(file("_shared/user.schema.json", "")));
        // By path, and by anchor.
        assert_eq!(resolve(&documents, "users/deleted.v1.schema.json", "/properties/user"), Ok(file("_shared/user.schema.json", "")));
        assert_eq!(resolve(&documents, "_shared/user.schema.json", "/properties/zip"), Ok(file("_shared/address.schema.json", "/$defs/zip")));
        assert_eq!(resolve(&documents, "_shared/user.schema.json", "/properties/zip2"), Ok(file("_shared/address.schema.json", "/$defs/zip")));
        // The validator gets the same documents, ids written out absolute.
        let user = documents.validation_document("json-schema:///common/user.schema.json").unwrap();
        assert_eq!(user["$id"], "json-schema:///common/user.schema.json");
        // Nothing there: the URI tried, and why.
        let missing = resolve(&documents, "users/deleted.v1.schema.json", "/properties/gone").unwrap_err();
        assert_eq!(missing.uri, "json-schema:///_shared/nope.json");
        assert!(missing.reason.contains("no document of the set"), "{missing:?}");
        assert_eq!(documents.unresolved().count(), 1);
    }

    #[test]
    fn a_reference_keyed_by_id_from_a_file_without_one_is_read_as_ajv_reads_it() {
        let documents = set(&[
            ("_shared/user.schema.json", json!({"$id": "common/user.schema.json", "type": "object"})),
            ("users/created.v1.schema.json", json!({"properties": {"user": {"$ref": "common/user.schema.json"}}})),
        ]);
        assert_eq!(resolve(&documents, "users/created.v1.schema.json", "/properties/user"), Ok(file("_shared/user.schema.json", "")));
        // The validator's copy names it by its absolute URI.
        let copy = documents.validation_document("json-schema:///users/created.v1.schema.json").unwrap();
        assert_eq!(copy["properties"]["user"]["$ref"], "json-schema:///common/user.schema.json#");
    }
}
