//! Validation compiled from the schema into Rust: `src/checks.rs` of the
//! generated crate.
//!
//! For an event whose decoded value is exact (see
//! [`crate::types::decoded_value_is_exact`]), what the types do not enforce
//! is a short list: numeric bounds and `multipleOf`, array sizes and
//! uniqueness, and string lengths and patterns on plain `String`s (typify's
//! constrained newtypes and enums enforce theirs). Those become direct
//! checks on the typed value: no `serde_json::Value`, no validator, and no
//! allocation unless a check fails (pointers are built then). Any
//! other rule anywhere in an event's schema (an asserted `format` without a
//! type, a non-string `enum`, ...) leaves the whole event to the `jsonschema`
//! validator, so the two never disagree.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use crate::config::FormatMapping;
use crate::model::ContractSet;
use crate::types::{TypeRef, Types};

/// Keywords that annotate only; they need no check.
const ANNOTATIONS: &[&str] = &[
    "title", "description", "examples", "default", "deprecated", "readOnly", "writeOnly", "$comment", "$schema", "$id", "$anchor",
    "$defs", "definitions", "contentMediaType", "contentEncoding", "contentSchema",
];

/// The generated checks, and the payload types they cover.
pub struct Checks {
    /// `impl` blocks with a `check_into` method per covered struct.
    pub tokens: TokenStream,
    /// Payload types validated by generated checks (the others by the
    /// `jsonschema` validator), with whether they have any rule to check
    /// (a `check_into` method).
    pub covered: BTreeMap<String, bool>,
}

/// Generates checks for every event they can cover.
pub fn generate(set: &ContractSet, types: &Types) -> Checks {
    // The newtypes and enums enforce their own rules when built.
    let newtypes_and_enums = types.newtype_names().chain(types.enum_names()).collect();
    let mut generator = Generator {
        set,
        types,
        newtypes_and_enums,
        done: BTreeMap::new(),
        attempt: BTreeMap::new(),
        fresh: 0,
        patterns: BTreeSet::new(),
        formats: BTreeSet::new(),
    };
    let mut covered = BTreeMap::new();
    for event in &set.events {
        let standalone = crate::refs::standalone(&set.bundle, &event.payload_type);
        if !crate::types::decoded_value_is_exact(&standalone) {
            continue;
        }
        let Some(schema) = set.bundle.definitions.get(&event.payload_type) else { continue };
        if generator.attempt(|g| g.struct_checks(&event.payload_type, schema)) {
            let has_rules = matches!(generator.done.get(&event.payload_type), Some(State::Emitted(_)));
            covered.insert(event.payload_type.clone(), has_rules);
        }
    }
    // The envelope's header, when there is one.
    let header = crate::model::HEADER_TYPE;
    if set.envelope.is_some()
        && let Some(schema) = set.bundle.definitions.get(header)
        && crate::types::decoded_value_is_exact(&crate::refs::standalone(&set.bundle, header))
        && generator.attempt(|g| g.struct_checks(header, schema))
    {
        let has_rules = matches!(generator.done.get(header), Some(State::Emitted(_)));
        covered.insert(header.to_owned(), has_rules);
    }
    let tables = shared_tables(&generator.patterns, &generator.formats);
    let tokens = generator.done.into_values().filter_map(|state| match state {
        State::Emitted(tokens) => Some(tokens),
        _ => None,
    });
    Checks { tokens: quote!(#tables #(#tokens)*), covered }
}

/// The patterns and formats the checks use, one compiled rule each however
/// many fields share it, each named after its content ([`pattern_static`],
/// [`format_static`]): an edit to one schema adds or removes its own
/// entries and renames none of the others.
fn shared_tables(patterns: &BTreeSet<String>, formats: &BTreeSet<String>) -> TokenStream {
    let patterns = patterns.iter().map(|pattern| {
        let name = pattern_static(pattern);
        let doc = format!("The pattern {pattern:?}, compiled on first use.");
        quote! {
            #[doc = #doc]
            static #name: ::std::sync::LazyLock<::event_contracts::validation::Pattern> =
                ::std::sync::LazyLock::new(|| ::event_contracts::validation::Pattern::new(#pattern).expect("checked at generation"));
        }
    });
    let formats = formats.iter().map(|format| {
        let name = format_static(format);
        let doc = format!("The asserted format {format:?}.");
        quote! {
            #[doc = #doc]
            static #name: ::event_contracts::validation::FormatCheck = ::event_contracts::validation::FormatCheck::new(#format);
        }
    });
    quote!(#(#patterns)* #(#formats)*)
}

/// `PATTERN_<hash>`: the name of a pattern's compiled form, from its text.
fn pattern_static(pattern: &str) -> Ident {
    format_ident!("PATTERN_{}", short_hash(pattern))
}

/// `FORMAT_<hash>`: the name of a format's check, from its name (format
/// names may hold any character, so they are not spelt into the ident).
fn format_static(format: &str) -> Ident {
    format_ident!("FORMAT_{}", short_hash(format))
}

/// The first 12 hex digits of the text's SHA-256: distinct for any two
/// texts a contract set will hold (a clash is 1 in 2^48 per pair).
fn short_hash(text: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(text.as_bytes()).iter().take(6).map(|b| format!("{b:02X}")).collect()
}

/// Where a struct's checks stand.
#[derive(Clone)]
enum State {
    /// Being generated; `true` once a field refers back to it.
    InProgress(bool),
    /// Nothing to check: no `check_into`, and no call.
    Empty,
    /// Its `impl` block.
    Emitted(TokenStream),
}

/// A value in generated code: a place (`self.size`) or a reference
/// binding (`v3`); each is written the way clippy wants it.
#[derive(Clone)]
struct Val {
    tokens: TokenStream,
    is_ref: bool,
}

impl Val {
    fn place(tokens: TokenStream) -> Val {
        Val { tokens, is_ref: false }
    }

    fn reference(tokens: TokenStream) -> Val {
        Val { tokens, is_ref: true }
    }

    /// A reference to the value.
    fn r(&self) -> TokenStream {
        let tokens = &self.tokens;
        if self.is_ref { quote!(#tokens) } else { quote!(&#tokens) }
    }

    /// The value as a method receiver (auto-referenced).
    fn m(&self) -> TokenStream {
        self.tokens.clone()
    }
}

/// A rule the generated checks do not cover.
struct Unsupported;

struct Generator<'a> {
    set: &'a ContractSet,
    types: &'a Types,
    newtypes_and_enums: BTreeSet<String>,
    /// Struct name -> what its checks came to.
    done: BTreeMap<String, State>,
    /// The same for the structs of the attempt under way: kept apart so a
    /// failed attempt is dropped without copying `done` for each one.
    attempt: BTreeMap<String, State>,
    /// Counter for fresh binding names.
    fresh: usize,
    /// The patterns and formats checked, each a static of its own.
    patterns: BTreeSet<String>,
    formats: BTreeSet<String>,
}

impl<'a> Generator<'a> {
    /// Runs `checks`; keeps what it generated if it succeeds, drops it all
    /// if any rule on the way is unsupported.
    fn attempt(&mut self, checks: impl FnOnce(&mut Self) -> Result<(), Unsupported>) -> bool {
        let (fresh, patterns, formats) = (self.fresh, self.patterns.clone(), self.formats.clone());
        let succeeded = checks(self).is_ok();
        let attempt = std::mem::take(&mut self.attempt);
        if succeeded {
            self.done.extend(attempt);
        } else {
            (self.fresh, self.patterns, self.formats) = (fresh, patterns, formats);
        }
        succeeded
    }

    fn state(&self, name: &str) -> Option<&State> {
        self.attempt.get(name).or_else(|| self.done.get(name))
    }

    fn set_state(&mut self, name: &str, state: State) {
        self.attempt.insert(name.to_owned(), state);
    }

    fn fresh(&mut self, stem: &str) -> Ident {
        self.fresh += 1;
        format_ident!("{stem}{}", self.fresh)
    }

    /// `impl Name { fn check_into(..) }` for the struct `name` of `schema`.
    fn struct_checks(&mut self, name: &str, schema: &Value) -> Result<(), Unsupported> {
        if self.state(name).is_some() {
            return Ok(());
        }
        // Bindings are numbered within each `check_into`, so an edit to one
        // type renumbers no other type's.
        let outer = std::mem::take(&mut self.fresh);
        let checks = self.struct_checks_numbered(name, schema);
        self.fresh = outer;
        checks
    }

    fn struct_checks_numbered(&mut self, name: &str, schema: &Value) -> Result<(), Unsupported> {
        let fields = self.types.struct_fields(name).ok_or(Unsupported)?;
        let map = schema.as_object().ok_or(Unsupported)?;
        self.set_state(name, State::InProgress(false));
        for key in map.keys() {
            let handled = ANNOTATIONS.contains(&key.as_str())
                || key.starts_with("x-")
                || matches!(key.as_str(), "type" | "properties" | "required" | "additionalProperties");
            if !handled {
                return Err(Unsupported);
            }
        }
        let empty = serde_json::Map::new();
        let properties = map.get("properties").and_then(Value::as_object).unwrap_or(&empty);
        let mut body = Vec::new();
        for (ident, json_name, ty) in fields {
            // A field flattened in (or the map of undeclared properties)
            // holds no one property.
            let json_name = json_name.ok_or(Unsupported)?;
            let Some(property) = properties.get(&json_name) else { return Err(Unsupported) };
            let value = Val::place(quote!(self.#ident));
            let checks = self.value_checks(property, &ty, value, quote!(&::event_contracts::validation::At::Member(at, #json_name)))?;
            body.push(checks);
        }
        let recursive = matches!(self.state(name), Some(State::InProgress(true)));
        if body.iter().all(TokenStream::is_empty) && !recursive {
            self.set_state(name, State::Empty);
            return Ok(());
        }
        let ty = Ident::new(name, Span::call_site());
        let tokens = quote! {
            impl crate::types::#ty {
                /// Checks the rules of the schema its type does not enforce.
                // unused_variables: `at` is read only by the checks that
                // fail, and a type may have none at its own level;
                // collapsible_if: one `if` per rule reads better than
                // collapsed conditions; only_used_in_recursion: a recursive
                // type passes `at` down to itself.
                #[allow(unused_variables, clippy::collapsible_if, clippy::only_used_in_recursion)]
                pub(crate) fn check_into(&self, at: &::event_contracts::validation::At<'_>, out: &mut ::std::vec::Vec<::event_contracts::Violation>) {
                    #(#body)*
                }
            }
        };
        self.set_state(name, State::Emitted(tokens));
        Ok(())
    }

    /// Checks of `value` (an expression of type `&ty`) against `schema`;
    /// `pointer` is an expression of its JSON pointer (built only when a
    /// check fails, or when descending).
    fn value_checks(&mut self, schema: &Value, ty: &TypeRef, value: Val, pointer: TokenStream) -> Result<TokenStream, Unsupported> {
        if let Value::Bool(true) = schema {
            return Ok(quote!());
        }
        let map = schema.as_object().ok_or(Unsupported)?;
        // Optional and nullable layers: check what is there.
        if let Some(inner) = ty.option_inner() {
            let v = self.fresh("v");
            let checks = self.value_checks(schema, inner, Val::reference(quote!(#v)), pointer)?;
            let option = value.r();
            return Ok(if checks.is_empty() { quote!() } else { quote!(if let ::std::option::Option::Some(#v) = #option { #checks }) });
        }
        if let Some(inner) = ty.box_inner() {
            let boxed = value.r();
            return self.value_checks(schema, inner, Val::reference(quote!(::std::ops::Deref::deref(#boxed))), pointer);
        }
        if let Some(Value::String(reference)) = map.get("$ref") {
            let only_ref = map.keys().all(|k| k == "$ref" || ANNOTATIONS.contains(&k.as_str()) || k.starts_with("x-"));
            let target = reference.strip_prefix("#/$defs/").ok_or(Unsupported)?;
            if !only_ref || ty.name().as_deref() != Some(target) {
                return Err(Unsupported);
            }
            let definition = self.set.bundle.definitions.get(target).ok_or(Unsupported)?;
            return self.named_checks(target, definition, value, pointer);
        }
        if let Some(branches) = map.get("oneOf").or_else(|| map.get("anyOf")) {
            let alone = map.keys().all(|k| {
                matches!(k.as_str(), "oneOf" | "anyOf") || ANNOTATIONS.contains(&k.as_str()) || k.starts_with("x-") || (k == "type" && map[k] == "object")
            });
            if !alone || (map.contains_key("oneOf") && map.contains_key("anyOf")) || !crate::types::exclusive_object_branches(branches) {
                return Err(Unsupported);
            }
            let name = ty.name().ok_or(Unsupported)?;
            let keyword = if map.contains_key("oneOf") { "oneOf" } else { "anyOf" };
            return self.variant_checks(&name, keyword, branches.as_array().ok_or(Unsupported)?, value, pointer);
        }
        let mut checks = Vec::new();
        let mut rest = Vec::new();
        // NaN and infinity are no JSON numbers (written as `null`): refused
        // where a number is what the schema asks for, before any bound.
        let is_number = ty.name().as_deref() == Some("Number");
        if is_number {
            let v = value.r();
            checks.push(quote!(::event_contracts::validation::check_finite(#v, #pointer, out);));
        }
        for (key, rule) in map {
            if ANNOTATIONS.contains(&key.as_str()) || key.starts_with("x-") || key == "type" {
                continue;
            }
            match key.as_str() {
                "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" | "multipleOf" => {
                    checks.push(number_check(key, rule, ty, &value, &pointer)?);
                }
                "minLength" | "maxLength" | "pattern" => checks.push(self.string_check(key, rule, ty, &value, &pointer)?),
                "format" => checks.push(self.format_check(rule, ty, &value, &pointer)?),
                "enum" | "const" => {
                    // A string enum is a Rust enum (or newtype) that enforces it.
                    let name = ty.name().ok_or(Unsupported)?;
                    if !self.newtypes_and_enums.contains(&name) {
                        return Err(Unsupported);
                    }
                }
                "minItems" | "maxItems" | "uniqueItems" | "items" => rest.push(key.as_str()),
                "properties" | "required" | "additionalProperties" => rest.push(key.as_str()),
                _ => return Err(Unsupported),
            }
        }
        if rest.iter().any(|k| matches!(*k, "properties" | "required" | "additionalProperties")) {
            // Without declared members, an object is a map of its `additionalProperties`.
            let members = map.contains_key("properties") || map.contains_key("required");
            let map_of = map.get("additionalProperties").filter(|_| !members);
            let free_form = !members && map_of.is_none_or(|a| a == &Value::Bool(true));
            match (ty.name(), ty.map_values(), map_of) {
                (Some(name), _, _) => checks.push(self.named_checks(&name, schema, value.clone(), pointer.clone())?),
                // Any object (`serde_json::Map`): nothing to check.
                (None, _, _) if free_form => {}
                (None, Some(value_ty), Some(values)) => checks.push(self.map_checks(values, value_ty, &value, &pointer)?),
                (None, _, _) => return Err(Unsupported),
            }
        }
        if rest.iter().any(|k| matches!(*k, "minItems" | "maxItems" | "uniqueItems" | "items")) {
            checks.push(self.array_checks(map, ty, &value, &pointer)?);
        }
        Ok(quote!(#(#checks)*))
    }

    /// A value of the untagged enum typify makes of a `oneOf` of objects
    /// (see [`crate::types::exclusive_object_branches`]): the variant that
    /// decoded is the branch that holds, and its fields are checked
    /// against that branch's properties; what they find wrong makes the
    /// value valid under no branch, one violation of `keyword` at the
    /// value, as the validator reports it.
    fn variant_checks(&mut self, name: &str, keyword: &str, branches: &[Value], value: Val, pointer: TokenStream) -> Result<TokenStream, Unsupported> {
        let union = self.types.union(name).ok_or(Unsupported)?;
        // Untagged and closed, with a variant per branch holding that
        // branch's properties: else a value could decode into a variant its
        // branch refuses.
        if !union.closed || union.externally_tagged || union.variants.len() != branches.len() {
            return Err(Unsupported);
        }
        let ty = Ident::new(name, Span::call_site());
        let mut arms = Vec::new();
        let mut any_checks = false;
        for ((variant, fields), branch) in union.variants.iter().zip(branches) {
            let fields = fields.as_ref().ok_or(Unsupported)?;
            let properties = branch.get("properties").and_then(Value::as_object).ok_or(Unsupported)?;
            if fields.len() != properties.len() {
                return Err(Unsupported);
            }
            let (mut bindings, mut body) = (Vec::new(), Vec::new());
            for (ident, json_name, field_ty) in fields {
                let json_name = json_name.as_ref().ok_or(Unsupported)?;
                let property = properties.get(json_name).ok_or(Unsupported)?;
                let binding = self.fresh("v");
                let checks = self.value_checks(property, field_ty, Val::reference(quote!(#binding)), quote!(&::event_contracts::validation::At::Member(#pointer, #json_name)))?;
                if !checks.is_empty() {
                    bindings.push(quote!(#ident: #binding));
                    body.push(checks);
                }
            }
            any_checks |= !body.is_empty();
            arms.push(quote!(crate::types::#ty::#variant { #(#bindings,)* .. } => { #(#body)* }));
        }
        if !any_checks {
            return Ok(quote!());
        }
        let scrutinee = value.r();
        Ok(quote! {
            {
                let mut branch = ::std::vec::Vec::new();
                {
                    let out = &mut branch;
                    match #scrutinee { #(#arms)* }
                }
                ::event_contracts::validation::no_branch_holds(#pointer, #keyword, branch, out);
            }
        })
    }

    /// A value of a named generated type: a struct checks itself; enums
    /// and constrained newtypes enforce their rules when built.
    fn named_checks(&mut self, name: &str, schema: &Value, value: Val, pointer: TokenStream) -> Result<TokenStream, Unsupported> {
        if self.types.has_struct(name) {
            // Structs in progress belong to the attempt under way.
            if let Some(State::InProgress(recursive)) = self.attempt.get_mut(name) {
                *recursive = true;
            }
            self.struct_checks(name, schema)?;
            return Ok(match self.state(name) {
                Some(State::Empty) => quote!(),
                _ => {
                    let receiver = value.m();
                    quote!(#receiver.check_into(#pointer, out);)
                }
            });
        }
        if let Some(inner) = self.types.newtype_inner(name) {
            // A newtype (`pub struct TenantId(pub Uuid)`): check inside.
            let receiver = value.m();
            return self.value_checks(schema, &inner, Val::place(quote!(#receiver.0)), pointer);
        }
        if self.newtypes_and_enums.contains(name) {
            let map = schema.as_object().ok_or(Unsupported)?;
            let enforced = map.keys().all(|k| {
                ANNOTATIONS.contains(&k.as_str())
                    || k.starts_with("x-")
                    || matches!(k.as_str(), "type" | "enum" | "const" | "pattern" | "minLength" | "maxLength")
            });
            let is_string = map.get("type").and_then(Value::as_str).is_none_or(|t| t == "string");
            return if enforced && is_string { Ok(quote!()) } else { Err(Unsupported) };
        }
        Err(Unsupported)
    }

    fn array_checks(&mut self, map: &serde_json::Map<String, Value>, ty: &TypeRef, value: &Val, pointer: &TokenStream) -> Result<TokenStream, Unsupported> {
        let array = value.m();
        // typify's `[T; N]` for `minItems` = `maxItems` = N: the length is the type's.
        let item_ty = ty.items().ok_or(Unsupported)?;
        let mut checks = Vec::new();
        if let Some(min) = map.get("minItems").and_then(Value::as_u64) {
            let min = min as usize;
            let message = format!("has fewer than {min} items");
            let too_short = if min == 1 { quote!(#array.is_empty()) } else { quote!(#array.len() < #min) };
            checks.push(quote!(if #too_short { out.push(::event_contracts::validation::violation(#pointer, "minItems", #message)); }));
        }
        if let Some(max) = map.get("maxItems").and_then(Value::as_u64) {
            let max = max as usize;
            let message = format!("has more than {max} items");
            checks.push(quote!(if #array.len() > #max { out.push(::event_contracts::validation::violation(#pointer, "maxItems", #message)); }));
        }
        if map.get("uniqueItems") == Some(&Value::Bool(true)) {
            // Rust equality is JSON equality for strings and integers only.
            let hashable = item_ty.name().is_some_and(|n| n == "String" || INTEGERS.contains(&n.as_str()) || self.is_string_like(&n));
            if !hashable {
                return Err(Unsupported);
            }
            checks.push(quote!(if !::event_contracts::validation::all_unique(#array.iter()) {
                out.push(::event_contracts::validation::violation(#pointer, "uniqueItems", "has non-unique elements"));
            }));
        }
        if let Some(items) = map.get("items") {
            let item = self.fresh("item");
            let index = self.fresh("index");
            let inner = self.value_checks(items, item_ty, Val::reference(quote!(#item)), quote!(&::event_contracts::validation::At::Index(#pointer, #index)))?;
            if !inner.is_empty() {
                checks.push(quote!(for (#index, #item) in #array.iter().enumerate() { #inner }));
            }
        }
        Ok(quote!(#(#checks)*))
    }

    /// Checks of every value of a map (`BTreeMap<String, T>`) against the
    /// schema of its `additionalProperties`.
    fn map_checks(&mut self, values: &Value, value_ty: &TypeRef, value: &Val, pointer: &TokenStream) -> Result<TokenStream, Unsupported> {
        let map = value.m();
        let key = self.fresh("key");
        let item = self.fresh("item");
        let inner = self.value_checks(values, value_ty, Val::reference(quote!(#item)), quote!(&::event_contracts::validation::At::Member(#pointer, #key)))?;
        Ok(if inner.is_empty() { quote!() } else { quote!(for (#key, #item) in #map.iter() { #inner }) })
    }

    /// An enum of strings or a newtype around a string: Rust equality is
    /// JSON equality.
    fn is_string_like(&self, name: &str) -> bool {
        match self.types.newtype_inner(name) {
            Some(inner) => inner.name().as_deref() == Some("String"),
            None => self.newtypes_and_enums.contains(name),
        }
    }

    /// A format the type asserts needs nothing, nor one that only
    /// annotates; an asserted format on a plain string is checked by the
    /// validator's own format rule, compiled once.
    fn format_check(&mut self, rule: &Value, ty: &TypeRef, value: &Val, pointer: &TokenStream) -> Result<TokenStream, Unsupported> {
        let typed = match rule.as_str() {
            Some("uuid") => self.set.formats.uuid == FormatMapping::Typed,
            Some("date-time") => self.set.formats.date_time == FormatMapping::Typed,
            _ => false,
        };
        let lossless_type = ty.name().is_some_and(|n| n == "Uuid" || n == "DateTime");
        if (typed && lossless_type) || !self.set.formats.assert {
            return Ok(quote!());
        }
        let (Some(format), true) = (rule.as_str(), ty.name().is_some_and(|n| n == "String")) else {
            return Err(Unsupported);
        };
        let text = value.r();
        let message = format!("is not a {format:?}");
        self.formats.insert(format.to_owned());
        let check = format_static(format);
        Ok(quote!(if !#check.is_valid(#text) { out.push(::event_contracts::validation::violation(#pointer, "format", #message)); }))
    }

    fn string_check(&mut self, key: &str, rule: &Value, ty: &TypeRef, value: &Val, pointer: &TokenStream) -> Result<TokenStream, Unsupported> {
        let text = value.r();
        let name = ty.name().ok_or(Unsupported)?;
        if self.newtypes_and_enums.contains(&name) {
            return Ok(quote!()); // typify's constrained newtype checks it when built
        }
        if name != "String" {
            return Err(Unsupported);
        }
        Ok(match key {
            "minLength" => {
                let min = rule.as_u64().ok_or(Unsupported)? as usize;
                let message = format!("is shorter than {min} characters");
                quote!(if ::event_contracts::validation::shorter_than(#text, #min) { out.push(::event_contracts::validation::violation(#pointer, "minLength", #message)); })
            }
            "maxLength" => {
                let max = rule.as_u64().ok_or(Unsupported)? as usize;
                let message = format!("is longer than {max} characters");
                quote!(if ::event_contracts::validation::longer_than(#text, #max) { out.push(::event_contracts::validation::violation(#pointer, "maxLength", #message)); })
            }
            _ => {
                let pattern = rule.as_str().ok_or(Unsupported)?;
                event_contracts::validation::Pattern::new(pattern).map_err(|_| Unsupported)?;
                let message = format!("does not match {pattern:?}");
                self.patterns.insert(pattern.to_owned());
                let compiled = pattern_static(pattern);
                quote!(if !#compiled.is_match(#text) { out.push(::event_contracts::validation::violation(#pointer, "pattern", #message)); })
            }
        })
    }
}

const INTEGERS: &[&str] = &["i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64"];

fn number_check(key: &str, rule: &Value, ty: &TypeRef, value: &Val, pointer: &TokenStream) -> Result<TokenStream, Unsupported> {
    let name = ty.name().ok_or(Unsupported)?;
    let value = value.r();
    let as_number = if name == "Number" || INTEGERS.contains(&name.trim_start_matches("NonZero").to_ascii_lowercase().as_str()) {
        quote!(&::event_contracts::validation::AsJsonNumber::as_json_number(#value))
    } else {
        return Err(Unsupported);
    };
    let bound = rule.as_f64().ok_or(Unsupported)?;
    let (test, message) = match key {
        "minimum" => (quote!(::event_contracts::validation::below(#as_number, #bound)), format!("is less than the minimum of {rule}")),
        "maximum" => (quote!(::event_contracts::validation::above(#as_number, #bound)), format!("is greater than the maximum of {rule}")),
        "exclusiveMinimum" => (quote!(!::event_contracts::validation::above(#as_number, #bound)), format!("is less than or equal to the minimum of {rule}")),
        "exclusiveMaximum" => (quote!(!::event_contracts::validation::below(#as_number, #bound)), format!("is greater than or equal to the maximum of {rule}")),
        _ => {
            // Exact only for integer divisors; fractions are the validator's.
            let divisor = rule.as_u64().filter(|d| *d > 0).ok_or(Unsupported)?;
            (quote!(!::event_contracts::validation::multiple_of(#as_number, #divisor)), format!("is not a multiple of {rule}"))
        }
    };
    // A non-finite number is refused as no number at all (`type`), not by its bounds.
    let test = if name == "Number" { quote!(::event_contracts::Number::is_finite(#value) && #test) } else { test };
    Ok(quote!(if #test { out.push(::event_contracts::validation::violation(#pointer, #key, #message)); }))
}
