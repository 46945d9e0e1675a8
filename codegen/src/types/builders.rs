//! Typed builders of generated structs (bon's derive) and the checked
//! `build()` of payloads.

use super::attrs::{derives, is_path};
use super::passes::option_inner;
use crate::model::ContractSet;

/// Every struct with named fields gets a typed builder (bon's: a required
/// field left out is a compile error, optional ones may be left out,
/// strings take `impl Into<String>`, formats their Rust types). A payload's
/// `build()` runs the schema's checks and returns every violation at once
/// (`build_unchecked()` does not); a struct whose every field is optional
/// is `Default` too.
pub(super) fn derive_builders(file: &mut syn::File, set: &ContractSet, unknown: &std::collections::BTreeMap<String, syn::Ident>) {
    let payloads: std::collections::BTreeSet<&str> = set.events.iter().map(|e| e.payload_type.as_str()).collect();
    let mut impls: Vec<syn::Item> = Vec::new();
    // Shared string types (`StacItemId(String)`) are made from `&str` too,
    // and builders take them by `impl Into`.
    let string_newtypes: std::collections::BTreeSet<String> = file
        .items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(item) => match &item.fields {
                syn::Fields::Unnamed(fields) if fields.unnamed.len() == 1 && is_path(&fields.unnamed[0].ty, &["std", "string", "String"]) => {
                    Some(item.ident.to_string())
                }
                _ => None,
            },
            _ => None,
        })
        .collect();
    for name in &string_newtypes {
        let ident = syn::Ident::new(name, proc_macro2::Span::call_site());
        impls.push(syn::parse_quote! {
            impl ::std::convert::From<&str> for #ident {
                fn from(value: &str) -> Self {
                    Self(value.to_owned())
                }
            }
        });
    }
    for item in &mut file.items {
        let syn::Item::Struct(item) = item else { continue };
        let syn::Fields::Named(fields) = &mut item.fields else { continue };
        let name = item.ident.to_string();
        if let Some(map) = unknown.get(&name) {
            for field in fields.named.iter_mut().filter(|f| f.ident.as_ref() == Some(map)) {
                field.attrs.push(syn::parse_quote!(#[builder(skip)]));
            }
        }
        distinct_setter_names(fields, unknown.get(&name));
        let all_optional = fields.named.iter().all(|f| option_inner(&f.ty).is_some() || unknown.get(&name) == f.ident.as_ref());
        let derives_default = derives(&item.attrs).iter().any(|path| path.is_ident("Default"));
        if all_optional && !derives_default {
            item.attrs.push(syn::parse_quote!(#[derive(Default)]));
        }
        // Into-conversions only for the types this struct's fields hold:
        // the attribute stays as short as the struct needs.
        let held: std::collections::BTreeSet<String> = fields
            .named
            .iter()
            .filter_map(|f| match option_inner(&f.ty).unwrap_or(&f.ty) {
                syn::Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
                _ => None,
            })
            .collect();
        let conversions: Vec<proc_macro2::TokenStream> = [
            ("String", quote::quote!(::std::string::String)),
            ("Uuid", quote::quote!(::event_contracts::formats::Uuid)),
            ("DateTime", quote::quote!(::event_contracts::formats::DateTime)),
            ("Number", quote::quote!(::event_contracts::Number)),
        ]
        .into_iter()
        .filter(|(name, _)| held.contains(*name))
        .map(|(_, path)| quote::quote!(on(#path, into)))
        .chain(held.iter().filter(|name| string_newtypes.contains(*name)).map(|name| {
            let ident = syn::Ident::new(name, proc_macro2::Span::call_site());
            quote::quote!(on(#ident, into))
        }))
        .collect();
        for attr in item.attrs.iter_mut().filter(|a| a.path().is_ident("derive")).take(1) {
            let derives: syn::punctuated::Punctuated<syn::Path, syn::Token![,]> =
                attr.parse_args_with(syn::punctuated::Punctuated::parse_terminated).expect("a derive list");
            let derives = derives.into_iter();
            *attr = syn::parse_quote!(#[derive(#(#derives,)* ::event_contracts::bon::Builder)]);
        }
        if payloads.contains(name.as_str()) {
            item.attrs.push(syn::parse_quote!(#[builder(crate = ::event_contracts::bon, finish_fn = build_unchecked #(, #conversions)*)]));
            let ident = &item.ident;
            let builder = quote::format_ident!("{}Builder", ident);
            let state = quote::format_ident!("{}", crate::naming::module_name(&format!("{ident}Builder")));
            impls.push(syn::parse_quote!(::event_contracts::payload_build!(#ident, #builder, #state);));
        } else {
            item.attrs.push(syn::parse_quote!(#[builder(crate = ::event_contracts::bon #(, #conversions)*)]));
        }
    }
    file.items.extend(impls);
}

/// The builder's own methods (`build`, and a payload's `build_unchecked`).
const BUILDER_METHODS: &[&str] = &["build", "build_unchecked"];

/// bon names a field's setters after it (`x`, and `maybe_x` where it is
/// optional): a property called `build`, or `maybe_x` beside an optional
/// `x`, would give two methods one name. In field order, a field one of
/// whose setters is taken has them named `<field>_field` (numbered where
/// that is taken too).
fn distinct_setter_names(fields: &mut syn::FieldsNamed, skipped: Option<&syn::Ident>) {
    let setters = |name: &str, optional: bool| if optional { vec![name.to_owned(), format!("maybe_{name}")] } else { vec![name.to_owned()] };
    let mut taken: std::collections::BTreeSet<String> = BUILDER_METHODS.iter().map(|m| (*m).to_owned()).collect();
    for field in fields.named.iter_mut().filter(|f| f.ident.as_ref() != skipped) {
        let name = field.ident.as_ref().map(|i| i.to_string().trim_start_matches("r#").to_owned()).unwrap_or_default();
        let optional = option_inner(&field.ty).is_some();
        let free = |candidate: &str, taken: &std::collections::BTreeSet<String>| setters(candidate, optional).iter().all(|s| !taken.contains(s));
        if !free(&name, &taken) {
            let new_name = (1..).map(|n| if n == 1 { format!("{name}_field") } else { format!("{name}_field{n}") }).find(|n| free(n, &taken)).expect("a free name");
            let ident = syn::Ident::new(&new_name, proc_macro2::Span::call_site());
            field.attrs.push(syn::parse_quote!(#[builder(name = #ident)]));
            taken.extend(setters(&new_name, optional));
        } else {
            taken.extend(setters(&name, optional));
        }
    }
}
