//! Payload and header types: typify reads the bundled definitions, the
//! type model (`model.rs`) says what each struct, enum and newtype typify
//! made is, and the Rust is written from the model alone (`emit.rs`,
//! `enums.rs`, `newtypes.rs`); typify's own Rust is not used.
//!
//! Before typify sees a schema, it sees only what a Rust type can say (see
//! `input.rs`): rules no type expresses are left to validation, and the
//! type is wider than the schema, never narrower. Formats are the lossless
//! types of `event-contracts` (and JSON numbers `event_contracts::Number`,
//! an f64 in use that keeps `20` apart from `20.0`), and optional fields
//! that allow `null` are `Option<Option<T>>`, so `null` and absent stay
//! distinct.

use std::panic::{AssertUnwindSafe, catch_unwind};

use serde_json::Value;
use typify_impl::{TypeSpace, TypeSpaceSettings};

use crate::diagnostics::{Diagnostic, Error};
use crate::model::ContractSet;
use crate::refs;

#[cfg(test)]
mod attrs;
mod emit;
mod enums;
mod facts;
mod hoist;
mod input;
mod merges;
mod model;
mod names;
mod newtypes;
mod reading;
mod shape;
mod tagging;
mod type_ref;

use input::typify_input;
pub use type_ref::TypeRef;

/// The keywords whose rules the decoded value answers exactly as the JSON
/// it came from does. Where a schema uses anything else (`oneOf`,
/// `patternProperties`, `maxProperties`, ...), the type may drop or pick
/// what those rules look at, so decoding validates the JSON instead.
const EXACT_KEYWORDS: &[&str] = &[
    "type", "properties", "required", "additionalProperties", "items", "enum", "const", "format", "pattern",
    "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
    "minItems", "maxItems", "uniqueItems", "$ref", "$defs", "definitions", "title", "description", "examples",
    "default", "deprecated", "readOnly", "writeOnly", "$comment", "$schema", "$id", "$anchor", "contentMediaType",
    "contentEncoding", "contentSchema",
];

/// Whether the branches of a `oneOf` or `anyOf` are objects no value can
/// satisfy two of: each closed (`additionalProperties: false`) and
/// requiring a property that no other branch declares. Then `oneOf` is
/// `anyOf`, and the untagged enum typify makes of them decodes a value
/// into the one variant whose branch holds, refusing undeclared members.
pub fn exclusive_object_branches(branches: &Value) -> bool {
    let Some(branches) = branches.as_array().filter(|b| b.len() > 1) else { return false };
    // Each branch: its declared names and the names it requires.
    let mut closed = Vec::new();
    for branch in branches {
        let Some(map) = branch.as_object() else { return false };
        let object = map.get("type").and_then(Value::as_str) == Some("object") && map.get("additionalProperties") == Some(&Value::Bool(false));
        let (Some(properties), Some(required)) = (map.get("properties").and_then(Value::as_object), map.get("required").and_then(Value::as_array)) else { return false };
        if !object || map.contains_key("$ref") {
            return false;
        }
        closed.push((properties, required.iter().filter_map(Value::as_str).collect::<Vec<&str>>()));
    }
    closed.iter().enumerate().all(|(i, (_, required))| {
        required.iter().any(|name| closed.iter().enumerate().all(|(j, (properties, _))| i == j || !properties.contains_key(*name)))
    })
}

/// Whether validating a decoded value of this (bundled) schema's type is
/// the same as validating the JSON it was decoded from.
pub fn decoded_value_is_exact(schema: &Value) -> bool {
    let mut exact = true;
    crate::walk::for_each_schema(schema, |map| {
        for (key, value) in map {
            let known = EXACT_KEYWORDS.contains(&key.as_str())
                || (key.starts_with("x-") && key != refs::OPAQUE_REF)
                || (matches!(key.as_str(), "oneOf" | "anyOf") && exclusive_object_branches(value));
            // `items: [..]` (draft 7 tuples) and `false` subschemas are not kept either.
            let odd_value = (key == "items" && value.is_array())
                // A map (`BTreeMap<String, T>`) is kept whole; beside
                // `properties` it becomes a flattened field, which is not.
                || (key == "additionalProperties" && value.is_object() && map.contains_key("properties"))
                || (matches!(key.as_str(), "properties" | "$defs" | "definitions")
                    && value.as_object().is_some_and(|m| m.values().any(Value::is_boolean)))
                || (key == "items" && value.is_boolean());
            if !known || odd_value {
                exact = false;
            }
        }
        // A `$ref` beside other rules: two schemas apply to one value (2020-12),
        // which the type, following one, cannot answer for.
        if map.contains_key("$ref")
            && map.keys().any(|key| !matches!(key.as_str(), "$ref" | "title" | "description" | "examples" | "default" | "deprecated" | "readOnly" | "writeOnly" | "$comment" | "$schema" | "$id" | "$defs" | "definitions") && !key.starts_with("x-"))
        {
            exact = false;
        }
        let declared = map.get("properties").and_then(Value::as_object);
        let required = map.get("required").and_then(Value::as_array);
        if let Some(required) = required
            && required.iter().any(|name| !name.as_str().is_some_and(|n| declared.is_some_and(|d| d.contains_key(n)))) {
                exact = false;
            }
    });
    exact
}

/// The types of a contract set: one syntax tree, the model of its types
/// (which other generated code asks about fields), the bundle the names in
/// it come from (definitions renamed where typify named another type the
/// same), and what was generated looser than the schema says.
pub struct Types {
    pub file: syn::File,
    model: model::TypeModel,
    /// The set's bundle with the renamed definitions, where any was renamed.
    pub renamed: Option<refs::Bundle>,
    pub warnings: Vec<Diagnostic>,
}

/// How many times a set is handed to typify before its names are given up
/// on: each round renames the definitions one more inline type met.
const ROUNDS: usize = 8;

/// Generates every type of the contract set as one syntax tree.
///
/// A definition typify cannot take (it panics or refuses) is generated as
/// `serde_json::Value`, validation enforcing its schema, with a warning; a
/// definition whose name typify also gave to an inline type is renamed
/// (`<Name>Def`) and the set handed over again.
pub fn generate(set: &ContractSet) -> Result<Types, Error> {
    let (typified, renamed, warnings) = typify_set(set)?;
    let (file, model) = finish(typified, set);
    let mut warnings = warnings;
    for (type_name, fields) in model.unredactable() {
        let message = format!("`{type_name}` has required personal data (`x-pii`) with no blank value ({}): it gets no `redacted()`, and its `Debug` still prints `[redacted]`", fields.join(", "));
        // At the definition the type is, else at the config.
        let origin = set.bundle.origins.iter().find(|(name, _)| type_name == names::typify_name(name, names::Case::Pascal));
        let warning = match origin {
            Some((_, (file, base))) => refs::located(&set.files, file, base, "pii-kept", message),
            None => Diagnostic::new(&set.config_path, "", "pii-kept", message),
        };
        warnings.push(warning.help("make the property optional, or a string, for `redacted()` to clear it"));
    }
    // What the generator could not pair with a schema, said at the config.
    let at_config = |code: &'static str, message: String, help: &str| Diagnostic::new(&set.config_path, "", code, message).help(help);
    let report = "report this with the schema attached; until then, check that the generated type decodes your data";
    for (type_name, fields) in &model.unpaired {
        let fields = fields.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", ");
        warnings.push(at_config("unpaired-field", format!("the generator did not find the schema of `{type_name}`'s fields {fields}: each is taken to hold the JSON property of its own name, which may be wrong"), report));
    }
    for type_name in model.shared_names.keys() {
        let message = format!("typify gave two schemas of different shapes the name `{type_name}`: the later one takes the first one's type, which may refuse its values or drop its properties");
        warnings.push(at_config("type-name-shared", message, "give one of the two schemas a definition of its own (or a `title`), so its type gets another name"));
    }
    for type_name in &model.unreached {
        warnings.push(at_config("unpaired-field", format!("the generator did not find the schema of union `{type_name}`: its values are taken to be untagged, which may be wrong"), report));
    }
    Ok(Types { file, model, renamed, warnings })
}

/// What typify made of a set: the model of its types, and (for the tests
/// that compare the model with it) typify's own Rust.
struct Typified {
    model: model::TypeModel,
    #[cfg(test)]
    file: syn::File,
}

/// typify's types of the set, handed over again with definitions renamed
/// or left loose until it takes them all; with the bundle where any was
/// renamed, and the warnings for the loose ones.
fn typify_set(set: &ContractSet) -> Result<(Typified, Option<refs::Bundle>, Vec<Diagnostic>), Error> {
    let mut bundle = set.bundle.clone();
    let mut renamed = hoist::hoist_parent_named(&mut bundle);
    let mut warnings = Vec::new();
    // typify merges the members of an `allOf` into one type; where a member
    // leads back to the schema being merged, it never ends (a stack
    // overflow, which no catch can stop): those are not handed over typed.
    let mut loose = merges::cyclic_merges(&bundle);
    for name in &loose {
        let (file, base) = &bundle.origins[name];
        warnings.push(
            refs::located(&set.files, file, base, "typify-loose", "this schema merges (`allOf`) a schema that refers back to it: its type is `serde_json::Value`, and validation enforces the schema".to_owned())
                .help("the events that use it decode any JSON here and refuse what the schema refuses"),
        );
    }
    for (name, branches) in merges::costly_merges(&bundle) {
        if loose.contains(&name) {
            continue;
        }
        let (file, base) = &bundle.origins[&name];
        warnings.push(
            refs::located(&set.files, file, base, "typify-loose", format!("this schema merges (`allOf`) a union of {branches} branches with more: typify would merge each branch with every other (its memory grows past any machine's), so its type is `serde_json::Value`, and validation enforces the schema"))
                .help("the events that use it decode any JSON here and refuse what the schema refuses; move the union out of the `allOf` to get a typed field"),
        );
        loose.insert(name);
    }
    let roots: std::collections::BTreeSet<&str> = set.events.iter().map(|e| e.payload_type.as_str()).chain(set.extra_types.iter().map(String::as_str)).chain([crate::model::HEADER_TYPE]).collect();
    let mut renamed_names = std::collections::BTreeSet::new();
    for _ in 0..ROUNDS {
        let input = typify_input(set, &bundle, &loose)?;
        let definitions = input.definitions;
        let typified = match typify(&definitions, &input.prepared) {
            Ok(typed) => typed,
            Err(reason) => {
                let failing = failing_definitions(&definitions);
                if failing.is_empty() || failing.iter().all(|name| loose.contains(name)) {
                    return Err(typify_failure(set, reason));
                }
                for name in failing {
                    let (file, base) = &bundle.origins[&name];
                    warnings.push(
                        refs::located(&set.files, file, base, "typify-loose", format!("typify cannot take this schema ({reason}): its type is `serde_json::Value`, and validation enforces the schema"))
                            .help("the events that use it decode any JSON here and refuse what the schema refuses; simplify the construct to get a typed field"),
                    );
                    loose.insert(name);
                }
                continue;
            }
        };
        let renames: Vec<String> = duplicate_type_names(&typified.model.names()).into_iter().filter(|name| bundle.definitions.contains_key(name) && !roots.contains(name.as_str())).collect();
        // A schema typify gave another's name (and type) gets a definition
        // of its own, and the set is handed over again.
        if hoist::give_own_names(&mut bundle, &typified.model.shared_names) {
            renamed = true;
            continue;
        }
        if renames.is_empty() {
            return Ok((typified, renamed.then_some(bundle), warnings));
        }
        for name in renames {
            // Renamed once and named twice again: typify names a type inside
            // this schema after the schema itself (the object of a nullable
            // definition, the type of a property named `?`), whatever it is
            // called. Such a schema is handed over as any JSON.
            if renamed_names.contains(&name) && !loose.contains(&name) {
                let (file, base) = &bundle.origins[&name];
                warnings.push(
                    refs::located(&set.files, file, base, "typify-loose", "typify names a type inside this schema after the schema itself: its type is `serde_json::Value`, and validation enforces the schema".to_owned())
                        .help("the events that use it decode any JSON here and refuse what the schema refuses; give the inner object a definition of its own to get a typed field"),
                );
                loose.insert(name);
                continue;
            }
            let new_name = (1..).map(|n| if n == 1 { format!("{name}Def") } else { format!("{name}Def{n}") }).find(|candidate| !bundle.definitions.contains_key(candidate)).expect("a free name");
            refs::rename_definition(&mut bundle, &name, &new_name);
            renamed = true;
            if loose.remove(&name) {
                loose.insert(new_name.clone());
            }
            renamed_names.insert(new_name);
        }
    }
    Err(typify_failure(set, format!("typify kept naming inline types like definitions after {ROUNDS} rounds of renaming")))
}


/// typify's types for `definitions`, with the facts of their fields found
/// in `prepared` (the same definitions, facts kept) and the model of its
/// types, or why typify could not make them (a panic caught).
fn typify(definitions: &[(String, schemars08::schema::Schema)], prepared: &std::collections::BTreeMap<String, Value>) -> Result<Typified, String> {
    let mut settings = TypeSpaceSettings::default();
    settings
        .with_derive("PartialEq".to_owned())
        .with_derive("::schemars::JsonSchema".to_owned())
        .with_struct_builder(false)
        .with_map_type("::std::collections::BTreeMap");
    let mut space = TypeSpace::new(&settings);
    let panic_reason = |panic: Box<dyn std::any::Any + Send>| {
        panic.downcast_ref::<String>().cloned().or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned())).unwrap_or_default()
    };
    match catch_unwind(AssertUnwindSafe(|| space.add_ref_types(definitions.to_vec()))) {
        Ok(Ok(())) => {}
        Ok(Err(e)) => return Err(format!("typify rejected the contract set: {e}")),
        Err(panic) => return Err(format!("typify could not handle the contract set ({})", panic_reason(panic))),
    }
    // typify's Rust is not used (the model's is written instead), but where
    // typify cannot write it, the model would be of types it half made.
    let stream = catch_unwind(AssertUnwindSafe(|| space.to_stream())).map_err(|panic| format!("typify could not emit the types ({})", panic_reason(panic)))?;
    #[cfg(test)]
    let file = syn::parse2(stream).map_err(|e| format!("typify emitted invalid Rust: {e}"))?;
    #[cfg(not(test))]
    drop(stream);
    let facts = facts::gather(&space, prepared);
    let model = model::build(&space, &facts);
    Ok(Typified {
        model,
        #[cfg(test)]
        file,
    })
}

/// The definitions typify cannot take on their own: each handed over with
/// every other definition as any JSON (so references still resolve).
fn failing_definitions(definitions: &[(String, schemars08::schema::Schema)]) -> Vec<String> {
    let any: schemars08::schema::Schema = serde_json::from_value(serde_json::json!({})).expect("the empty schema");
    definitions
        .iter()
        .filter(|(name, _)| {
            let alone: Vec<_> = definitions.iter().map(|(other, schema)| (other.clone(), if other == name { schema.clone() } else { any.clone() })).collect();
            typify(&alone, &std::collections::BTreeMap::new()).is_err()
        })
        .map(|(name, _)| name.clone())
        .collect()
}

/// Type names typify gave twice (a definition and an inline type named
/// alike): the crate would not compile.
fn duplicate_type_names(names: &[String]) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    let twice: std::collections::BTreeSet<&String> = names.iter().filter(|name| !seen.insert(*name)).collect();
    twice.into_iter().cloned().collect()
}

/// The set's types, written from the type model, in typify's order (by
/// name): structs, enums and newtypes, the error their conversions return,
/// then the impls the model adds.
fn finish(typified: Typified, set: &ContractSet) -> (syn::File, model::TypeModel) {
    let mut types = typified.model;
    types.shape(set);
    let mut names = types.names();
    names.sort();
    let mut items = Vec::new();
    // Impls after the types, in the order of the types they belong to.
    let mut impls = Vec::new();
    let mut builds = Vec::new();
    for name in &names {
        if let Some(modelled) = types.get(name) {
            items.push(syn::Item::Struct(emit::struct_item(modelled, &types.string_newtypes)));
            impls.extend(emit::redaction(modelled));
            builds.extend(emit::checked_build(modelled));
        } else if let Some(modelled) = types.get_enum(name) {
            items.extend(enums::enum_items(modelled));
            impls.extend(enums::union_redaction(modelled));
        } else if let Some(modelled) = types.get_newtype(name) {
            items.extend(newtypes::newtype_items(modelled));
        }
    }
    items.push(newtypes::error_module());
    items.extend(impls);
    items.extend(emit::string_conversions(&types.string_newtypes));
    items.extend(builds);
    let mut file: syn::File = syn::parse_quote!();
    file.items = items;
    (file, types)
}

fn typify_failure(set: &ContractSet, message: String) -> Error {
    Error::one(
        Diagnostic::new(&set.config_path, "", "typify", message)
            .help("simplify the schema construct named above, or report it with the schema attached"),
    )
}

/// Fields as other generated code asks of them: each one's name, the JSON
/// property it holds (`None` for one flattened in) and its type.
pub type FieldList = Vec<(syn::Ident, Option<String>, TypeRef)>;

/// A union as checks read its values: whether it refuses undeclared
/// properties, whether its values are tagged by their variant's name (an
/// object of one property), and each variant's name with its fields (name,
/// JSON property where it holds one, type), `None` for a variant holding
/// no fields.
pub struct UnionVariants {
    pub closed: bool,
    pub externally_tagged: bool,
    pub variants: Vec<(syn::Ident, Option<FieldList>)>,
}

/// A struct as a type that only decodes it declares it (the wire types of
/// envelopes): whether it is closed, whether any field is flattened in
/// (undeclared properties kept included), and its fields.
pub struct WireStruct {
    pub closed: bool,
    pub flattens: bool,
    /// Each field's name, and the field as a decoding type declares it.
    pub fields: Vec<(syn::Ident, proc_macro2::TokenStream)>,
}

impl Types {
    /// The Rust field of struct `type_name` that holds JSON property `json_name`.
    pub fn field_ident(&self, type_name: &str, json_name: &str) -> Option<syn::Ident> {
        Some(self.field(type_name, json_name)?.ident.clone())
    }

    /// The Rust fields along JSON object keys `path` from struct `root`,
    /// each step but the last a required field holding a struct.
    pub fn field_path(&self, root: &str, path: &[&str]) -> Option<Vec<syn::Ident>> {
        let mut current = root.to_owned();
        let mut idents = Vec::new();
        for key in path {
            let field = self.field(&current, key)?;
            idents.push(field.ident.clone());
            current = self.struct_held(field).unwrap_or_default();
        }
        Some(idents)
    }

    /// The struct that the required field of `type_name` holding JSON
    /// property `json_name` holds, by name.
    pub fn field_struct(&self, type_name: &str, json_name: &str) -> Option<String> {
        self.struct_held(self.field(type_name, json_name)?)
    }

    /// Struct `name` as a decoding type declares it, leaving out the field
    /// holding JSON property `skip`.
    pub fn wire_struct(&self, name: &str, skip: Option<&str>) -> Option<WireStruct> {
        let item = self.model.get(name)?;
        Some(WireStruct {
            closed: item.closed,
            flattens: item.unknown_properties.is_some() || item.fields.iter().any(|f| f.json_name.is_none()),
            fields: item.fields.iter().filter(|f| skip.is_none() || f.json_name.as_deref() != skip).map(|f| (f.ident.clone(), emit::decoding_field(f))).collect(),
        })
    }

    /// Union `name` as checks read it.
    pub fn union(&self, name: &str) -> Option<UnionVariants> {
        let item = self.model.get_enum(name)?;
        let variants = item
            .variants
            .iter()
            .map(|variant| {
                let fields = match &variant.data {
                    model::VariantData::Struct { fields, .. } => Some(fields.iter().map(|f| (f.ident.clone(), f.json_name.clone(), f.ty())).collect()),
                    _ => None,
                };
                (variant.ident.clone(), fields)
            })
            .collect();
        Some(UnionVariants { closed: item.closed, externally_tagged: item.tagging == facts::Tagging::External, variants })
    }

    /// The type newtype `name` holds (`pub struct TenantId(pub Uuid)`).
    pub fn newtype_inner(&self, name: &str) -> Option<TypeRef> {
        Some(self.model.get_newtype(name)?.inner.clone())
    }

    /// The names of the newtypes of the model.
    pub fn newtype_names(&self) -> impl Iterator<Item = String> {
        self.model.newtypes.iter().map(|n| n.name.to_string())
    }

    /// The named types a value of type `root` holds, through any depth,
    /// `root` among them.
    pub fn reachable(&self, root: &str) -> std::collections::BTreeSet<String> {
        let mut seen = std::collections::BTreeSet::new();
        let mut stack = vec![root.to_owned()];
        while let Some(name) = stack.pop() {
            if seen.insert(name.clone()) {
                stack.extend(self.model.uses.get(&name).into_iter().flatten().cloned());
            }
        }
        seen
    }

    /// The names of the enums of the model.
    pub fn enum_names(&self) -> impl Iterator<Item = String> {
        self.model.enums.iter().map(|e| e.name.to_string())
    }

    /// Whether `name` is a struct of the model.
    pub fn has_struct(&self, name: &str) -> bool {
        self.model.get(name).is_some()
    }

    /// The fields of struct `name`: each one's name, the JSON property it
    /// holds (`None` for one flattened in, the map of undeclared properties
    /// last) and its type.
    pub fn struct_fields(&self, name: &str) -> Option<FieldList> {
        let item = self.model.get(name)?;
        let declared = item.fields.iter().map(|f| (f.ident.clone(), f.json_name.clone(), f.ty()));
        let json_object = TypeRef::Map(Box::new(TypeRef::String), Box::new(TypeRef::Builtin("::serde_json::Value".to_owned())));
        let unknown = item.unknown_properties.iter().map(|ident| (ident.clone(), None, json_object.clone()));
        Some(declared.chain(unknown).collect())
    }

    fn field(&self, type_name: &str, json_name: &str) -> Option<&model::Field> {
        self.model.get(type_name)?.fields.iter().find(|f| f.json_name.as_deref() == Some(json_name))
    }

    /// The struct a required field holds, by name.
    fn struct_held(&self, field: &model::Field) -> Option<String> {
        let TypeRef::Named(name) = &field.value else { return None };
        (field.presence == model::Presence::Required && self.model.get(name).is_some()).then(|| name.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use attrs::serde_flags;

    /// Where the type model and the struct or enum typify writes of one
    /// type disagree on what typify's API does not say: the JSON property
    /// each field holds, which fields are flattened in, whether a struct
    /// variant's field is optional, whether the type is closed; an enum's
    /// tagging, docs, and each variant's name in JSON and tuple shape; a
    /// newtype's docs.
    fn disagreements(typified: &Typified) -> Vec<String> {
        let mut found = Vec::new();
        let compare = |found: &mut Vec<String>, place: String, fields: &syn::FieldsNamed, modelled: &[model::Field], variant: bool| {
            if fields.named.len() != modelled.len() {
                found.push(format!("{place}: typify writes {} fields, the model {}", fields.named.len(), modelled.len()));
            }
            for (field, modelled) in fields.named.iter().zip(modelled) {
                let flags = serde_flags(&field.attrs);
                let json = (!flags.flatten).then(|| flags.rename.clone().unwrap_or_else(|| modelled.typify_name.clone()));
                if json != modelled.json_name {
                    found.push(format!("{place}.{}: typify holds {json:?}, the model {:?}", modelled.typify_name, modelled.json_name));
                }
                let optional = !flags.flatten && (flags.default || flags.skips_none);
                if variant && optional != matches!(modelled.presence, model::Presence::Optional | model::Presence::OptionalNullable) {
                    found.push(format!("{place}.{}: optional is {optional} in typify's, {:?} in the model", modelled.typify_name, modelled.presence));
                }
            }
        };
        for item in &typified.file.items {
            match item {
                syn::Item::Struct(item) if matches!(item.fields, syn::Fields::Unnamed(_)) => {
                    let Some(model) = typified.model.get_newtype(&item.ident.to_string()) else {
                        found.push(format!("{}: not in the model", item.ident));
                        continue;
                    };
                    if docs_of(&item.attrs) != model.docs {
                        found.push(format!("{}: typify documents it {:?}, the model {:?}", item.ident, docs_of(&item.attrs), model.docs));
                    }
                }
                syn::Item::Struct(item) => {
                    let syn::Fields::Named(fields) = &item.fields else { continue };
                    let Some(model) = typified.model.get(&item.ident.to_string()) else {
                        found.push(format!("{}: not in the model", item.ident));
                        continue;
                    };
                    if serde_flags(&item.attrs).deny_unknown_fields != model.closed {
                        found.push(format!("{}: closed is {}", item.ident, model.closed));
                    }
                    compare(&mut found, item.ident.to_string(), fields, &model.fields, false);
                }
                syn::Item::Enum(item) => {
                    let Some(model) = typified.model.get_enum(&item.ident.to_string()) else {
                        found.push(format!("{}: not in the model", item.ident));
                        continue;
                    };
                    let flags = serde_flags(&item.attrs);
                    // typify closes an adjacently tagged union by its content's
                    // schema; the model by its branches (see `EnumOrigin::closed`).
                    let adjacent = flags.content.is_some();
                    if flags.deny_unknown_fields != model.closed && !adjacent {
                        found.push(format!("{}: closed is {}", item.ident, model.closed));
                    }
                    let tagging = match (flags.untagged, flags.tag, flags.content) {
                        (true, _, _) => facts::Tagging::Untagged,
                        (false, Some(tag), Some(content)) => facts::Tagging::Adjacent { tag, content },
                        (false, Some(tag), None) => facts::Tagging::Internal { tag },
                        (false, None, _) => facts::Tagging::External,
                    };
                    if tagging != model.tagging {
                        found.push(format!("{}: typify tags it {tagging:?}, the model {:?}", item.ident, model.tagging));
                    }
                    let docs = docs_of(&item.attrs);
                    if docs != [model.docs.clone()] {
                        found.push(format!("{}: typify documents it {docs:?}, the model {:?}", item.ident, model.docs));
                    }
                    for (variant, modelled) in item.variants.iter().zip(&model.variants) {
                        let place = format!("{}::{}", item.ident, variant.ident);
                        let json = serde_flags(&variant.attrs).rename.unwrap_or_else(|| variant.ident.to_string());
                        if json != modelled.json_name.clone().unwrap_or_else(|| modelled.ident.to_string()) {
                            found.push(format!("{place}: typify names it {json:?} in JSON, the model {:?}", modelled.json_name));
                        }
                        match (&variant.fields, &modelled.data) {
                            (syn::Fields::Named(fields), model::VariantData::Struct { fields: modelled, .. }) => compare(&mut found, place, fields, modelled, true),
                            (syn::Fields::Unnamed(fields), model::VariantData::Tuple { types, .. }) => {
                                // typify writes `V((T,))` for a tuple of one; it is never given one.
                                let one = matches!(fields.unnamed.iter().collect::<Vec<_>>()[..], [only] if matches!(&only.ty, syn::Type::Tuple(t) if t.elems.len() == 1));
                                if fields.unnamed.len() != types.len() || one {
                                    found.push(format!("{place}: typify holds {} values (a tuple of one: {one}), the model {}", fields.unnamed.len(), types.len()));
                                }
                            }
                            (syn::Fields::Unit, model::VariantData::Unit) => {}
                            _ => found.push(format!("{place}: another kind of variant in the model")),
                        }
                    }
                }
                _ => {}
            }
        }
        found
    }

    /// The doc lines of an item.
    fn docs_of(attrs: &[syn::Attribute]) -> Vec<String> {
        attrs
            .iter()
            .filter_map(|a| match &a.meta {
                syn::Meta::NameValue(syn::MetaNameValue { path, value: syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(doc), .. }), .. }) if path.is_ident("doc") => Some(doc.value()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn the_type_model_agrees_with_the_types_typify_writes_in_every_set() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the workspace");
        let sets = crate::workspace::contract_sets(root).expect("the workspace's sets");
        assert!(sets.len() >= 8, "{sets:?}");
        let mut enums = 0;
        for config in sets {
            let set = ContractSet::load(root, &config).expect("a set that loads");
            let (typified, _, _) = typify_set(&set).expect("typify takes the set");
            assert!(!typified.model.structs.is_empty(), "{}", config.display());
            enums += typified.model.enums.iter().filter(|e| e.fields().next().is_some()).count();
            assert_eq!(disagreements(&typified), Vec::<String>::new(), "{}", config.display());
        }
        assert!(enums >= 3, "the sets hold {enums} unions with struct variants");
    }
}
