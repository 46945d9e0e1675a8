//! Passes over typify's syntax tree: formats at the lossless types,
//! optional-and-nullable fields as `Option<Option<T>>`, integers read as
//! JSON Schema reads them, distinct field names, kept unknown properties,
//! PII redaction, and the docs of payload types.

use syn::visit_mut::VisitMut;

use super::attrs::serde_flags;
use super::facts::Facts;
use crate::model::ContractSet;

/// typify gives every string enum `TryFrom<&str>`, `TryFrom<&String>` and
/// `TryFrom<String>` beside `FromStr`: `.parse()` says the same, so the
/// three go (a set of hundreds of events has hundreds of enums).
pub(super) fn drop_string_conversions_of_enums(file: &mut syn::File) {
    let enums: std::collections::BTreeSet<String> = file
        .items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Enum(e) => Some(e.ident.to_string()),
            _ => None,
        })
        .collect();
    file.items.retain(|item| {
        let syn::Item::Impl(item) = item else { return true };
        let Some((path, _)) = &item.trait_ else { return true };
        let Some(last) = path.segments.last() else { return true };
        let syn::Type::Path(self_ty) = &*item.self_ty else { return true };
        let is_enum = self_ty.path.segments.last().is_some_and(|s| enums.contains(&s.ident.to_string()));
        !(is_enum && super::attrs::is_try_from_text(last))
    });
}

/// typify writes `JsonSchema` by hand for constrained newtypes, against
/// schemars 0.8; the generated crate uses schemars 1, so those impls are
/// replaced by the derive.
pub(super) fn derive_json_schema_everywhere(file: &mut syn::File) {
    let mut hand_written = Vec::new();
    file.items.retain(|item| {
        let syn::Item::Impl(item) = item else { return true };
        let is_json_schema = item.trait_.as_ref().is_some_and(|(path, _)| path.segments.last().is_some_and(|s| s.ident == "JsonSchema"));
        if is_json_schema && let syn::Type::Path(ty) = &*item.self_ty && let Some(last) = ty.path.segments.last() {
            hand_written.push(last.ident.to_string());
            return false;
        }
        true
    });
    for item in &mut file.items {
        let (ident, attrs) = match item {
            syn::Item::Struct(s) => (&s.ident, &mut s.attrs),
            syn::Item::Enum(e) => (&e.ident, &mut e.attrs),
            _ => continue,
        };
        if hand_written.contains(&ident.to_string()) {
            attrs.push(syn::parse_quote!(#[derive(::schemars::JsonSchema)]));
        }
    }
}

/// JSON Schema patterns are ECMA-262 regular expressions in Unicode mode
/// (`\\p{Letter}` is a property class); typify compiles them without the
/// `u` flag. Patterns that are not valid in Unicode mode keep typify's
/// reading.
pub(super) struct UnicodePatterns;

impl VisitMut for UnicodePatterns {
    fn visit_expr_call_mut(&mut self, call: &mut syn::ExprCall) {
        syn::visit_mut::visit_expr_call_mut(self, call);
        let syn::Expr::Path(func) = &*call.func else { return };
        let path: Vec<String> = func.path.segments.iter().map(|s| s.ident.to_string()).collect();
        if path != ["regress", "Regex", "new"] || call.args.len() != 1 {
            return;
        }
        let Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(pattern), .. })) = call.args.first() else { return };
        if regress::Regex::with_flags(&pattern.value(), "u").is_ok() {
            let pattern = pattern.clone();
            *call = syn::parse_quote!(::regress::Regex::with_flags(#pattern, "u"));
        }
    }
}

/// Integer fields read `1.0` as `1`, as JSON Schema's `integer` does.
pub(super) fn integers_as_json_schema_reads_them(file: &mut syn::File) {
    const INTEGERS: &[&str] = &[
        "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "NonZeroU8", "NonZeroU16", "NonZeroU32", "NonZeroU64",
        "NonZeroI8", "NonZeroI16", "NonZeroI32", "NonZeroI64",
    ];
    let is_integer = |ty: &syn::Type| matches!(ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| INTEGERS.contains(&s.ident.to_string().as_str())));
    for item in &mut file.items {
        let syn::Item::Struct(item) = item else { continue };
        for field in item.fields.iter_mut() {
            if serde_flags(&field.attrs).with {
                continue;
            }
            if is_integer(&field.ty) {
                field.attrs.push(syn::parse_quote!(#[serde(deserialize_with = "::event_contracts::integer::deserialize")]));
            } else if option_inner(&field.ty).is_some_and(is_integer) {
                field.attrs.push(syn::parse_quote!(#[serde(deserialize_with = "::event_contracts::integer::option::deserialize")]));
            }
        }
    }
}

/// Points `uuid` and `date-time` at the lossless types.
pub(super) struct FormatTypes;

impl VisitMut for FormatTypes {
    fn visit_type_mut(&mut self, ty: &mut syn::Type) {
        if let syn::Type::Path(path) = ty {
            let segments: Vec<String> = path.path.segments.iter().map(|s| s.ident.to_string()).collect();
            let replacement = match segments.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
                ["uuid", "Uuid"] => Some(syn::parse_quote!(::event_contracts::formats::Uuid)),
                ["chrono", "DateTime"] => Some(syn::parse_quote!(::event_contracts::formats::DateTime)),
                // A bare f64 would turn `20` into `20.0` on re-encoding.
                ["f64"] => Some(syn::parse_quote!(::event_contracts::Number)),
                _ => None,
            };
            if let Some(replacement) = replacement {
                *ty = replacement;
                return;
            }
        }
        syn::visit_mut::visit_type_mut(self, ty);
    }
}

/// typify documents each type with its whole JSON schema; the schema is kept
/// once per event (`SCHEMA`) instead, so the generated code stays lean.
pub(super) struct DropSchemaDocs;

impl VisitMut for DropSchemaDocs {
    fn visit_attributes_mut(&mut self, attrs: &mut Vec<syn::Attribute>) {
        let mut in_schema_block = false;
        attrs.retain(|attr| {
            let Some(text) = doc_text(attr) else { return true };
            if text.contains("<details><summary>JSON schema</summary>") {
                in_schema_block = true;
            }
            let keep = !in_schema_block;
            if text.contains("</details>") {
                in_schema_block = false;
            }
            keep
        });
        // Trailing empty doc lines left behind.
        while attrs.last().and_then(doc_text).is_some_and(|t| t.trim().is_empty()) {
            attrs.pop();
        }
    }
    fn visit_item_struct_mut(&mut self, item: &mut syn::ItemStruct) {
        self.visit_attributes_mut(&mut item.attrs);
        syn::visit_mut::visit_item_struct_mut(self, item);
    }
    fn visit_item_enum_mut(&mut self, item: &mut syn::ItemEnum) {
        self.visit_attributes_mut(&mut item.attrs);
        syn::visit_mut::visit_item_enum_mut(self, item);
    }
}

pub(super) fn doc_text(attr: &syn::Attribute) -> Option<String> {
    if !attr.path().is_ident("doc") {
        return None;
    }
    match &attr.meta {
        syn::Meta::NameValue(nv) => match &nv.value {
            syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) => Some(s.value()),
            _ => None,
        },
        _ => None,
    }
}


/// Every optional property becomes `Option<T>` that is skipped when `None`
/// and refuses a `null` its type refuses (and `Option<Option<T>>` when it
/// also allows `null`), so that decoding and re-encoding gives back the
/// same JSON and a `null` is never taken for absent: typify would otherwise write
/// `[]` or a schema `default` for a property that was absent, and drop one
/// that was an empty array.
pub(super) fn normalize_optional_fields(file: &mut syn::File, facts: &Facts) {
    for item in &mut file.items {
        // Each field with the facts of the property it holds.
        let fields: Vec<(&mut syn::Field, super::facts::FieldFacts)> = match item {
            syn::Item::Struct(item) => {
                let name = item.ident.to_string();
                item.fields.iter_mut().enumerate().map(|(index, field)| (field, facts.of_struct_field(&name, index))).collect()
            }
            // The struct variants of a `oneOf` of objects, alike.
            syn::Item::Enum(item) => {
                let name = item.ident.to_string();
                item.variants
                    .iter_mut()
                    .enumerate()
                    .flat_map(|(variant, v)| v.fields.iter_mut().enumerate().map(move |(index, field)| (variant, index, field)))
                    .filter(|(_, _, field)| field.ident.is_some())
                    .map(|(variant, index, field)| (field, facts.of_variant_field(&name, variant, index)))
                    .collect()
            }
            _ => continue,
        };
        for (field, field_facts) in fields {
            let serde = serde_flags(&field.attrs);
            if !(serde.default || serde.skips_none) || serde.flatten {
                continue;
            }
            let inner = if serde.skips_none {
                option_inner(&field.ty).cloned().unwrap_or_else(|| field.ty.clone())
            } else {
                field.ty.clone()
            };
            field.attrs.retain(|a| !a.path().is_ident("serde"));
            if field_facts.nullable_optional {
                field.ty = syn::parse_quote!(::std::option::Option<::std::option::Option<#inner>>);
                field.attrs.push(syn::parse_quote!(#[serde(
                    default,
                    skip_serializing_if = "::std::option::Option::is_none",
                    with = "::event_contracts::double_option"
                )]));
                // schemars reads serde's `with` as a type; say what the JSON is.
                let schema_type = quote::quote!(::std::option::Option<#inner>).to_string();
                field.attrs.push(syn::parse_quote!(#[schemars(with = #schema_type)]));
            } else {
                // Present means a value of its type: `null` is not "absent".
                field.ty = syn::parse_quote!(::std::option::Option<#inner>);
                field.attrs.push(syn::parse_quote!(#[serde(
                    default,
                    skip_serializing_if = "::std::option::Option::is_none",
                    deserialize_with = "::event_contracts::optional::present"
                )]));
            }
            if let Some(rename) = serde.rename {
                field.attrs.push(syn::parse_quote!(#[serde(rename = #rename)]));
            }
        }
    }
}

pub(super) fn option_inner(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else { return None };
    match args.args.first()? {
        syn::GenericArgument::Type(inner) => Some(inner),
        _ => None,
    }
}

/// Payload types open with the schema's title and the event they carry,
/// above typify's description.
pub(super) fn document_payloads(file: &mut syn::File, set: &ContractSet) {
    for item in &mut file.items {
        let syn::Item::Struct(item) = item else { continue };
        let name = item.ident.to_string();
        let Some(event) = set.events.iter().find(|e| e.payload_type == name) else { continue };
        let mut lines = vec![format!(
            "{} (`{}` version {}).",
            event.title.as_deref().unwrap_or(&event.event),
            event.event_type,
            event.version
        )];
        if item.attrs.iter().any(|a| doc_text(a).is_some()) {
            lines.push(String::new());
        }
        let docs: Vec<syn::Attribute> = lines.iter().map(|line| syn::parse_quote!(#[doc = #line])).collect();
        item.attrs.splice(0..0, docs);
    }
}

/// Non-ASCII property names become ASCII fields renamed to the JSON name.
pub(super) fn ascii_field_names(file: &mut syn::File) {
    for item in &mut file.items {
        let syn::Item::Struct(item) = item else { continue };
        for field in item.fields.iter_mut() {
            let Some(ident) = &field.ident else { continue };
            let name = ident.to_string();
            if name.is_ascii() {
                continue;
            }
            let json_name = serde_flags(&field.attrs).rename.unwrap_or_else(|| name.clone());
            let ascii = crate::naming::ascii_field_name(&name);
            field.ident = Some(syn::parse_str(&ascii).expect("sanitised field name"));
            if serde_flags(&field.attrs).rename.is_none() {
                field.attrs.push(syn::parse_quote!(#[serde(rename = #json_name)]));
            }
        }
    }
}

/// Two JSON properties that become one Rust field name (`asset-ref` and
/// `asset_ref`, `#` and `@`, `self` and `Self`) get distinct field names:
/// the property whose JSON name is the field name keeps it (else the first
/// by JSON name), the others take the next free `<name>_2`, `<name>_3`, ...
/// in the order of their JSON names, and every renamed field says its JSON
/// name (`#[serde(rename)]`). A schema the user does not own cannot be
/// renamed, so this is never an error.
pub(super) fn distinct_field_names(file: &mut syn::File) {
    for item in &mut file.items {
        let syn::Item::Struct(item) = item else { continue };
        let syn::Fields::Named(fields) = &mut item.fields else { continue };
        let mut by_name: std::collections::BTreeMap<String, Vec<(String, usize)>> = std::collections::BTreeMap::new();
        for (index, field) in fields.named.iter().enumerate() {
            let Some(ident) = &field.ident else { continue };
            by_name.entry(ident.to_string()).or_default().push((json_name_of(field), index));
        }
        let mut taken: std::collections::BTreeSet<String> = by_name.keys().cloned().collect();
        for (rust, mut holders) in by_name {
            if holders.len() < 2 {
                continue;
            }
            let bare = rust.trim_start_matches("r#").to_owned();
            holders.sort_by_key(|(json, _)| (json != &bare, json.clone()));
            for (json, index) in holders.into_iter().skip(1) {
                let name = (2..).map(|n| format!("{bare}_{n}")).find(|name| !taken.contains(name)).expect("a free name");
                taken.insert(name.clone());
                let field = &mut fields.named[index];
                field.ident = Some(syn::parse_str(&crate::naming::module_name(&name)).expect("sanitised field name"));
                if serde_flags(&field.attrs).rename.is_none() {
                    field.attrs.push(syn::parse_quote!(#[serde(rename = #json)]));
                }
            }
        }
    }
}

/// Open objects keep what their schema does not declare: every struct
/// without `deny_unknown_fields` gets a flattened map that decoding fills
/// with the undeclared properties and encoding writes back. Not for a
/// struct typify flattens into another (a member of an `anyOf` of
/// objects: it takes only its own keys, the container keeps the rest), nor
/// one that has a map for `additionalProperties` already. Returns each
/// struct's map field.
pub(super) fn keep_unknown_properties(file: &mut syn::File) -> std::collections::BTreeMap<String, syn::Ident> {
    let type_name = |ty: &syn::Type| {
        let ty = option_inner(ty).unwrap_or(ty);
        match ty {
            syn::Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        }
    };
    let flattened: std::collections::BTreeSet<String> = file
        .items
        .iter()
        .filter_map(|item| if let syn::Item::Struct(item) = item { Some(item) } else { None })
        .flat_map(|item| item.fields.iter())
        .filter(|field| serde_flags(&field.attrs).flatten)
        .filter_map(|field| type_name(&field.ty))
        .collect();
    let has_map = |fields: &syn::FieldsNamed| fields.named.iter().any(|f| serde_flags(&f.attrs).flatten && type_name(&f.ty).is_some_and(|t| t.ends_with("Map")));
    let mut kept = std::collections::BTreeMap::new();
    for item in &mut file.items {
        match item {
            syn::Item::Struct(item) => {
                let closed = serde_flags(&item.attrs).deny_unknown_fields;
                let syn::Fields::Named(fields) = &mut item.fields else { continue };
                if closed || has_map(fields) || flattened.contains(&item.ident.to_string()) {
                    continue;
                }
                kept.insert(item.ident.to_string(), add_unknown_properties(fields, true));
            }
            // The object branches of a union of open objects, alike: a
            // property only one branch declares is kept by the others.
            syn::Item::Enum(item) if !serde_flags(&item.attrs).deny_unknown_fields => {
                for variant in &mut item.variants {
                    if let syn::Fields::Named(fields) = &mut variant.fields
                        && !has_map(fields)
                    {
                        add_unknown_properties(fields, false);
                    }
                }
            }
            _ => {}
        }
    }
    kept
}

/// Adds the flattened map of undeclared properties to `fields`.
fn add_unknown_properties(fields: &mut syn::FieldsNamed, public: bool) -> syn::Ident {
    let taken: std::collections::BTreeSet<String> = fields.named.iter().filter_map(|f| f.ident.as_ref().map(ToString::to_string)).collect();
    let name = (1..).map(|n| if n == 1 { "unknown_properties".to_owned() } else { format!("unknown_properties_{n}") }).find(|n| !taken.contains(n)).expect("a free name");
    let ident = syn::Ident::new(&name, proc_macro2::Span::call_site());
    let visibility: syn::Visibility = if public { syn::parse_quote!(pub) } else { syn::Visibility::Inherited };
    fields.named.push(syn::parse_quote! {
        /// Properties the schema does not declare, kept as they came and written back on encode.
        #[serde(flatten)]
        #visibility #ident: ::serde_json::Map<::std::string::String, ::serde_json::Value>
    });
    ident
}

/// The JSON property a generated field holds: its serde rename, or its name.
pub(crate) fn json_name_of(field: &syn::Field) -> String {
    serde_flags(&field.attrs)
        .rename
        .unwrap_or_else(|| field.ident.as_ref().map(|i| i.to_string().trim_start_matches("r#").to_owned()).unwrap_or_default())
}

/// `x-pii` fields never reach logs: structs and enums holding one get a
/// `Debug` that prints `[redacted]` for them (nested types redact
/// themselves), and a `redacted()` copy with them cleared (`None`, or
/// `"[redacted]"` for a required string).
pub(super) fn redact_pii(file: &mut syn::File, unknown: &std::collections::BTreeMap<String, syn::Ident>, facts: &Facts) {
    let mut impls = Vec::new();
    for item in &mut file.items {
        match item {
            syn::Item::Struct(item) => redact_struct(item, unknown, facts, &mut impls),
            syn::Item::Enum(item) => redact_enum(item, facts, &mut impls),
            _ => {}
        }
    }
    file.items.extend(impls);
}

fn redact_struct(item: &mut syn::ItemStruct, unknown: &std::collections::BTreeMap<String, syn::Ident>, facts: &Facts, impls: &mut Vec<syn::Item>) {
    let name_text = item.ident.to_string();
    let syn::Fields::Named(fields) = &item.fields else { return };
    let pii: Vec<&syn::Ident> = fields.named.iter().enumerate().filter(|(index, _)| facts.of_struct_field(&name_text, *index).pii).filter_map(|(_, f)| f.ident.as_ref()).collect();
    if pii.is_empty() {
        return;
    }
    // Beside personal data, what the schema does not declare may be
    // personal too: redacted with it.
    let unknown = unknown.get(&name_text);
    let name = &item.ident;
    let debug_fields = fields.named.iter().map(|field| {
        let ident = field.ident.as_ref().expect("named field");
        let label = ident.to_string().trim_start_matches("r#").to_owned();
        if pii.contains(&ident) || unknown == Some(ident) {
            quote::quote!(.field(#label, &::event_contracts::Redacted))
        } else {
            quote::quote!(.field(#label, &self.#ident))
        }
    });
    let clears = fields.named.iter().filter(|f| f.ident.as_ref().is_some_and(|i| pii.contains(&i) || unknown == Some(i))).map(|field| {
        let ident = field.ident.as_ref().expect("named field");
        if unknown == Some(ident) { quote::quote!(copy.#ident.clear();) } else { clear(field, &quote::quote!(copy.#ident)) }
    });
    impls.push(syn::parse_quote! {
        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#name_text) #(#debug_fields)* .finish()
            }
        }
    });
    impls.push(syn::parse_quote! {
        impl #name {
            /// A copy without its personal data (`x-pii` fields), safe to log.
            pub fn redacted(&self) -> Self {
                let mut copy = self.clone();
                #(#clears)*
                copy
            }
        }
    });
    drop_debug_derive(&mut item.attrs);
}

/// An enum whose struct variants hold personal data (a `oneOf` of
/// objects): its `Debug` and `redacted()` match each variant.
fn redact_enum(item: &mut syn::ItemEnum, facts: &Facts, impls: &mut Vec<syn::Item>) {
    let name_text = item.ident.to_string();
    let is_pii = |variant: usize, index: usize| facts.of_variant_field(&name_text, variant, index).pii;
    if !item.variants.iter().enumerate().any(|(v, variant)| (0..variant.fields.len()).any(|i| is_pii(v, i))) {
        return;
    }
    let name = &item.ident;
    let mut debug_arms = Vec::new();
    let mut clear_arms = Vec::new();
    for (v, variant) in item.variants.iter().enumerate() {
        let ident = &variant.ident;
        let label = ident.to_string();
        match &variant.fields {
            syn::Fields::Named(fields) => {
                // Personal data is not bound: it is never read.
                let bindings = fields.named.iter().enumerate().map(|(i, field)| {
                    let binding = field.ident.as_ref().expect("named field");
                    if is_pii(v, i) { quote::quote!(#binding: _) } else { quote::quote!(#binding) }
                });
                let shown = fields.named.iter().enumerate().map(|(i, field)| {
                    let binding = field.ident.as_ref().expect("named field");
                    let field_label = binding.to_string().trim_start_matches("r#").to_owned();
                    if is_pii(v, i) { quote::quote!(.field(#field_label, &::event_contracts::Redacted)) } else { quote::quote!(.field(#field_label, #binding)) }
                });
                debug_arms.push(quote::quote!(Self::#ident { #(#bindings),* } => f.debug_struct(#label) #(#shown)* .finish()));
                let cleared: Vec<&syn::Field> = fields.named.iter().enumerate().filter(|(i, _)| is_pii(v, *i)).map(|(_, f)| f).collect();
                if !cleared.is_empty() {
                    let bound = cleared.iter().filter_map(|f| f.ident.as_ref());
                    let clears = cleared.iter().map(|field| {
                        let binding = field.ident.as_ref().expect("named field");
                        clear(field, &quote::quote!(*#binding))
                    });
                    clear_arms.push(quote::quote!(Self::#ident { #(#bound,)* .. } => { #(#clears)* }));
                }
            }
            syn::Fields::Unnamed(fields) => {
                let bindings: Vec<syn::Ident> = (0..fields.unnamed.len()).map(|i| quote::format_ident!("field_{i}")).collect();
                debug_arms.push(quote::quote!(Self::#ident(#(#bindings),*) => f.debug_tuple(#label) #(.field(#bindings))* .finish()));
            }
            syn::Fields::Unit => debug_arms.push(quote::quote!(Self::#ident => f.write_str(#label))),
        }
    }
    impls.push(syn::parse_quote! {
        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self {
                    #(#debug_arms,)*
                }
            }
        }
    });
    let rest = (clear_arms.len() < item.variants.len()).then(|| quote::quote!(_ => {}));
    let lint = (clear_arms.len() == 1 && rest.is_some()).then(|| quote::quote!(#[allow(clippy::single_match, reason = "one variant holds personal data")]));
    impls.push(syn::parse_quote! {
        impl #name {
            /// A copy without its personal data (`x-pii` fields), safe to log.
            pub fn redacted(&self) -> Self {
                let mut copy = self.clone();
                #lint
                match &mut copy {
                    #(#clear_arms)*
                    #rest
                }
                copy
            }
        }
    });
    drop_debug_derive(&mut item.attrs);
}

/// The statement that clears personal data at `place`: `None`, or
/// `"[redacted]"` for a required string.
fn clear(field: &syn::Field, place: &proc_macro2::TokenStream) -> proc_macro2::TokenStream {
    if option_inner(&field.ty).is_some() {
        quote::quote!(#place = ::std::option::Option::None;)
    } else {
        quote::quote!(#place = ::std::convert::From::from(::event_contracts::REDACTED);)
    }
}

/// A type whose `Debug` is written out loses the derived one.
fn drop_debug_derive(attrs: &mut [syn::Attribute]) {
    for attr in attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
        let derives: syn::punctuated::Punctuated<syn::Path, syn::Token![,]> =
            attr.parse_args_with(syn::punctuated::Punctuated::parse_terminated).expect("a derive list");
        let kept = derives.into_iter().filter(|p| !p.is_ident("Debug"));
        *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
    }
}
