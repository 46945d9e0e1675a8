//! The Rust of the generated enums, written from the type model: the enum
//! with its serde tagging and variants (struct variants' fields as
//! `emit.rs` writes a struct's), its text conversions and `From` the types
//! its variants hold, and the `Debug` and `redacted()` of one holding
//! personal data.

use proc_macro2::TokenStream;
use quote::quote;

use super::emit::{clear, redacted, variant_fields};
use super::facts::Tagging;
use super::model::{Enum, Field, Text, Variant, VariantData};

/// The derives of an enum, in typify's order: every variant a unit adds
/// ordering and hashing; `Debug` is written out where personal data must
/// not print.
fn derives(item: &Enum) -> Vec<syn::Path> {
    let mut derives = std::collections::BTreeSet::from(["::schemars::JsonSchema", "::serde::Deserialize", "::serde::Serialize", "Clone", "PartialEq"]);
    if !item.has_personal_data() {
        derives.insert("Debug");
    }
    if item.variants.iter().all(|v| matches!(v.data, VariantData::Unit)) {
        derives.extend(["Copy", "PartialOrd", "Ord", "Eq", "Hash"]);
    }
    derives.into_iter().map(|path| syn::parse_str(path).expect("a derive path")).collect()
}

/// The enum item, then its text conversions and `From` impls.
pub(super) fn enum_items(item: &Enum) -> Vec<syn::Item> {
    let name = &item.name;
    let docs = &item.docs;
    let derives = derives(item);
    let mut serde = match &item.tagging {
        Tagging::External => Vec::new(),
        Tagging::Internal { tag } => vec![quote!(tag = #tag)],
        Tagging::Adjacent { tag, content } => vec![quote!(tag = #tag), quote!(content = #content)],
        Tagging::Untagged => vec![quote!(untagged)],
    };
    if item.closed {
        serde.push(quote!(deny_unknown_fields));
    }
    let serde = (!serde.is_empty()).then(|| quote!(#[serde(#(#serde),*)]));
    let variants = item.variants.iter().map(variant);
    let mut items: Vec<syn::Item> = vec![syn::parse_quote! {
        #[doc = #docs]
        #[derive(#(#derives),*)]
        #serde
        pub enum #name {
            #(#variants)*
        }
    }];
    items.extend(text_conversions(item));
    items.extend(item.variants.iter().filter_map(|v| from_held(name, v)));
    items
}

/// The name of a variant in JSON: its own where the schema gives none.
fn json_name(variant: &Variant) -> String {
    variant.json_name.clone().unwrap_or_else(|| variant.ident.to_string())
}

fn variant(variant: &Variant) -> TokenStream {
    let ident = &variant.ident;
    let docs = variant.docs.as_ref().map(|d| quote!(#[doc = #d]));
    let json = json_name(variant);
    let rename = (*ident != json).then(|| quote!(#[serde(rename = #json)]));
    let data = match &variant.data {
        VariantData::Unit => quote!(),
        VariantData::Tuple { types, .. } => quote!((#(#types),*)),
        VariantData::Struct { fields, unknown_properties } => {
            let fields = variant_fields(fields, unknown_properties.as_ref());
            quote!(#fields)
        }
    };
    quote! {
        #docs
        #rename
        #ident #data,
    }
}

/// `Display` and `FromStr`: by each variant's name in JSON where every
/// variant is a unit; by the value a variant holds where the enum is
/// untagged and each variant's type has them.
fn text_conversions(item: &Enum) -> Vec<syn::Item> {
    let name = &item.name;
    let idents: Vec<&syn::Ident> = item.variants.iter().map(|v| &v.ident).collect();
    let (display, from_str) = match item.text {
        Text::None => return Vec::new(),
        Text::Names => {
            let names: Vec<String> = item.variants.iter().map(json_name).collect();
            let display = quote!(match *self { #(Self::#idents => f.write_str(#names),)* });
            let from_str = quote!(match value { #(#names => Ok(Self::#idents),)* _ => Err("invalid value".into()), });
            (Some(display), Some(from_str))
        }
        Text::Held { from_str, display } => (
            display.then(|| quote!(match self { #(Self::#idents(x) => x.fmt(f),)* })),
            from_str.then(|| quote!(#(if let Ok(v) = value.parse() { Ok(Self::#idents(v)) } else)* { Err("string conversion failed for all variants".into()) })),
        ),
    };
    let display = display.map(|body| -> syn::Item {
        syn::parse_quote! {
            impl ::std::fmt::Display for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    #body
                }
            }
        }
    });
    let from_str = from_str.map(|body| -> syn::Item {
        syn::parse_quote! {
            impl ::std::str::FromStr for #name {
                type Err = self::error::ConversionError;
                fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
                    #body
                }
            }
        }
    });
    display.into_iter().chain(from_str).collect()
}

/// `From` the value (or tuple of values) a variant holds, where no other
/// variant holds the same.
fn from_held(name: &syn::Ident, variant: &Variant) -> Option<syn::Item> {
    let VariantData::Tuple { types, from: true, .. } = &variant.data else { return None };
    let ident = &variant.ident;
    if let [only] = types.as_slice() {
        return Some(syn::parse_quote! {
            impl ::std::convert::From<#only> for #name {
                fn from(value: #only) -> Self {
                    Self::#ident(value)
                }
            }
        });
    }
    let tuple = quote!((#(#types),*));
    let positions = (0..types.len()).map(syn::Index::from);
    Some(syn::parse_quote! {
        impl ::std::convert::From<#tuple> for #name {
            fn from(value: #tuple) -> Self {
                Self::#ident(#(value.#positions,)*)
            }
        }
    })
}

/// `x-pii` fields of a union never reach logs either: an enum whose struct
/// variants hold personal data gets a `Debug` that prints `[redacted]` for
/// them (and for what the schema does not declare), and a `redacted()` copy
/// with them cleared, each matching every variant, as structs do (see
/// [`redaction`]); none where a variant holds required personal data with
/// no blank value.
pub(super) fn union_redaction(item: &Enum) -> Vec<syn::Item> {
    if !item.has_personal_data() {
        return Vec::new();
    }
    let name = &item.name;
    let label = |ident: &syn::Ident| ident.to_string().trim_start_matches("r#").to_owned();
    let mut debug_arms = Vec::new();
    let mut clear_arms = Vec::new();
    for variant in &item.variants {
        let ident = &variant.ident;
        let variant_label = ident.to_string();
        match &variant.data {
            VariantData::Struct { fields, unknown_properties } => {
                // Personal data is not bound: it is never read.
                let bindings = fields.iter().map(|field| {
                    let binding = &field.ident;
                    if field.pii { quote!(#binding: _) } else { quote!(#binding) }
                });
                let unknown_binding = unknown_properties.as_ref().map(|binding| quote!(#binding: _));
                let shown = fields.iter().map(|field| {
                    let (binding, field_label) = (&field.ident, label(&field.ident));
                    if field.pii { quote!(.field(#field_label, &::event_contracts::Redacted)) } else { quote!(.field(#field_label, #binding)) }
                });
                let unknown_shown = unknown_properties.as_ref().map(|binding| {
                    let field_label = label(binding);
                    quote!(.field(#field_label, &::event_contracts::Redacted))
                });
                debug_arms.push(quote!(Self::#ident { #(#bindings,)* #unknown_binding } => f.debug_struct(#variant_label) #(#shown)* #unknown_shown .finish()));
                let cleared: Vec<&Field> = fields.iter().filter(|f| f.pii).collect();
                if !cleared.is_empty() {
                    let bound = cleared.iter().map(|f| &f.ident).chain(unknown_properties);
                    let clears = cleared.iter().map(|field| {
                        let binding = &field.ident;
                        clear(if field.is_option() { None } else { Some(field.blank) }, &quote!(*#binding))
                    });
                    let unknown_clear = unknown_properties.as_ref().map(|binding| quote!(#binding.clear();));
                    clear_arms.push(quote!(Self::#ident { #(#bound,)* .. } => { #(#clears)* #unknown_clear }));
                }
            }
            VariantData::Tuple { pii: true, blank, .. } => {
                debug_arms.push(quote!(Self::#ident(_) => f.debug_tuple(#variant_label).field(&::event_contracts::Redacted).finish()));
                let clear = clear(Some(*blank), &quote!(*value));
                clear_arms.push(quote!(Self::#ident(value) => { #clear }));
            }
            VariantData::Tuple { types, .. } => {
                let bindings: Vec<syn::Ident> = (0..types.len()).map(|i| quote::format_ident!("field_{i}")).collect();
                debug_arms.push(quote!(Self::#ident(#(#bindings),*) => f.debug_tuple(#variant_label) #(.field(#bindings))* .finish()));
            }
            VariantData::Unit => debug_arms.push(quote!(Self::#ident => f.write_str(#variant_label))),
        }
    }
    let debug = syn::parse_quote! {
        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self {
                    #(#debug_arms,)*
                }
            }
        }
    };
    if !item.kept_personal_data().is_empty() {
        return vec![debug];
    }
    let rest = (clear_arms.len() < item.variants.len()).then(|| quote!(_ => {}));
    let lint = (clear_arms.len() == 1 && rest.is_some()).then(|| quote!(#[allow(clippy::single_match, reason = "one variant holds personal data")]));
    let clears = quote! {
        #lint
        match &mut copy {
            #(#clear_arms)*
            #rest
        }
    };
    vec![debug, redacted(name, clears)]
}
