//! Passes over the enums and newtypes typify writes (structs are written
//! from the type model, `model.rs` and `emit.rs`): formats at the lossless
//! types, patterns in Unicode mode, and in a union's struct variants
//! optional-and-nullable fields as `Option<Option<T>>`, kept unknown
//! properties and PII redaction.

use syn::visit_mut::VisitMut;

use super::attrs::serde_flags;
use super::facts::Facts;

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

/// A newtype of an integer reads `1.0` as `1`, as JSON Schema's `integer`
/// does (struct fields say so from the type model).
pub(super) fn integers_of_newtypes(file: &mut syn::File) {
    let is_integer = |ty: &syn::Type| matches!(ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| super::model::INTEGERS.contains(&s.ident.to_string().as_str())));
    for item in &mut file.items {
        let syn::Item::Struct(item) = item else { continue };
        let syn::Fields::Unnamed(fields) = &mut item.fields else { continue };
        for field in fields.unnamed.iter_mut() {
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



/// The fields of a union's struct variants (a `oneOf` of objects), as the
/// type model's struct fields are: every optional property is `Option<T>`
/// skipped when `None` that refuses a `null` its type refuses (and
/// `Option<Option<T>>` when it also allows `null`), so that decoding and
/// re-encoding gives back the same JSON and a `null` is never taken for
/// absent: typify would otherwise write `[]` for a property that was
/// absent, and drop one that was an empty array.
pub(super) fn normalize_optional_fields_of_unions(file: &mut syn::File, facts: &Facts) {
    for item in &mut file.items {
        let syn::Item::Enum(item) = item else { continue };
        let name = item.ident.to_string();
        let fields = item
            .variants
            .iter_mut()
            .enumerate()
            .flat_map(|(variant, v)| v.fields.iter_mut().enumerate().map(move |(index, field)| (variant, index, field)))
            .filter(|(_, _, field)| field.ident.is_some());
        for (variant, index, field) in fields {
            let field_facts = facts.of_variant_field(&name, variant, index);
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
            field.ty = if field_facts.nullable_optional {
                syn::parse_quote!(::std::option::Option<::std::option::Option<#inner>>)
            } else {
                syn::parse_quote!(::std::option::Option<#inner>)
            };
            field.attrs.extend(super::emit::optional_attributes(field_facts.nullable_optional, &inner));
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

/// The object branches of a union of open objects keep what their schema
/// does not declare, as open structs do (see the type model): a property
/// only one branch declares is kept by the others.
pub(super) fn keep_unknown_properties_of_unions(file: &mut syn::File) {
    let has_map = |fields: &syn::FieldsNamed| {
        fields.named.iter().any(|f| serde_flags(&f.attrs).flatten && matches!(&f.ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident.to_string().ends_with("Map"))))
    };
    for item in &mut file.items {
        let syn::Item::Enum(item) = item else { continue };
        if serde_flags(&item.attrs).deny_unknown_fields {
            continue;
        }
        for variant in &mut item.variants {
            if let syn::Fields::Named(fields) = &mut variant.fields
                && !has_map(fields)
            {
                add_unknown_properties(fields);
            }
        }
    }
}

/// Adds the flattened map of undeclared properties to `fields`.
fn add_unknown_properties(fields: &mut syn::FieldsNamed) {
    let taken: std::collections::BTreeSet<String> = fields.named.iter().filter_map(|f| f.ident.as_ref().map(ToString::to_string)).collect();
    let ident = super::model::unknown_properties_ident(&taken);
    fields.named.push(syn::parse_quote! {
        /// Properties the schema does not declare, kept as they came and written back on encode.
        #[serde(flatten)]
        #ident: ::serde_json::Map<::std::string::String, ::serde_json::Value>
    });
}

/// The JSON property a generated field holds: its serde rename, or its name.
pub(crate) fn json_name_of(field: &syn::Field) -> String {
    serde_flags(&field.attrs)
        .rename
        .unwrap_or_else(|| field.ident.as_ref().map(|i| i.to_string().trim_start_matches("r#").to_owned()).unwrap_or_default())
}

/// `x-pii` fields never reach logs: an enum whose struct variants hold
/// personal data (a `oneOf` of objects) gets a `Debug` that prints
/// `[redacted]` for them and a `redacted()` copy with them cleared, each
/// matching every variant, as structs do (see `emit.rs`). Returns the impls.
pub(super) fn redact_pii_of_unions(item: &mut syn::ItemEnum, facts: &Facts) -> Vec<syn::Item> {
    let mut impls = Vec::new();
    let name_text = item.ident.to_string();
    let is_pii = |variant: usize, index: usize| facts.of_variant_field(&name_text, variant, index).pii;
    if !item.variants.iter().enumerate().any(|(v, variant)| (0..variant.fields.len()).any(|i| is_pii(v, i))) {
        return impls;
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
                        let blank = option_inner(&field.ty).is_none().then_some(super::model::Blank::Text);
                        super::emit::clear(blank, &quote::quote!(*#binding))
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
    impls
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
