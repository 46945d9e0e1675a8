//! Passes over the enums and newtypes typify writes (structs and the fields
//! of struct variants are written from the type model, `model.rs` and
//! `emit.rs`): formats at the lossless types, patterns in Unicode mode, the
//! `JsonSchema` derive, integer reading of newtypes.

use syn::visit_mut::VisitMut;

use super::attrs::serde_flags;

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
