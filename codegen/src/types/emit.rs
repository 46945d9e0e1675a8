//! The Rust of the generated structs, written from the type model: the
//! struct with its serde, schemars and builder attributes, the `Debug` and
//! `redacted()` of one holding personal data, a payload's checked
//! `build()`, and `From<&str>` for the string newtypes builders take by
//! `impl Into`; the fields of enums' struct variants alike (`enums.rs`
//! writes the rest of an enum).

use proc_macro2::TokenStream;
use quote::quote;

use super::model::{Blank, Field, Presence, Struct};

/// The struct item.
pub(super) fn struct_item(item: &Struct, string_newtypes: &std::collections::BTreeSet<String>) -> syn::ItemStruct {
    let name = &item.name;
    let docs = &item.docs;
    let pii = item.fields.iter().any(|f| f.pii);
    // typify's derives, in its order; `Debug` is written out where personal
    // data must not print.
    let debug = (!pii).then(|| quote!(Debug,));
    let default = item.every_property_optional.then(|| quote!(Default,));
    let closed = item.closed.then(|| quote!(#[serde(deny_unknown_fields)]));
    let all_optional = item.fields.iter().all(Field::is_option);
    let derive_default = (all_optional && !item.every_property_optional).then(|| quote!(#[derive(Default)]));
    let fields = item.fields.iter().map(|f| field(f, true));
    let unknown = item.unknown_properties.as_ref().map(|ident| unknown_properties_field(ident, true));
    let builder = builder_options(item, string_newtypes);
    syn::parse_quote! {
        #(#[doc = #docs])*
        #[derive(::schemars::JsonSchema, ::serde::Deserialize, ::serde::Serialize, Clone, #debug #default PartialEq, ::event_contracts::bon::Builder)]
        #closed
        #derive_default
        #[builder(#builder)]
        pub struct #name {
            #(#fields,)*
            #unknown
        }
    }
}

/// One attribute of a field: serde's (its items, each with its key) or
/// schemars'.
enum Attribute {
    Serde(Vec<(&'static str, TokenStream)>),
    Schemars(TokenStream),
}

/// The serde and schemars attributes of a field, in the order the types
/// have always written them: typify's first (its rename, a required
/// `null`), then how absent and `null` are told apart, then renames made
/// after typify (ASCII, distinct names).
fn attributes(field: &Field) -> Vec<Attribute> {
    let typify_rename = field.json_name.as_ref().filter(|json| **json != field.typify_name);
    let rename = |json: &String| Attribute::Serde(vec![("rename", quote!(rename = #json))]);
    let skip_none = ("skip_serializing_if", quote!(skip_serializing_if = "::std::option::Option::is_none"));
    let mut attributes = Vec::new();
    match field.presence {
        Presence::Required => {
            attributes.extend(typify_rename.map(rename));
            if field.integer {
                attributes.push(Attribute::Serde(vec![("deserialize_with", quote!(deserialize_with = "::event_contracts::integer::deserialize"))]));
            }
        }
        Presence::RequiredNullable => {
            let rename = typify_rename.map(|json| ("rename", quote!(rename = #json)));
            attributes.push(Attribute::Serde(rename.into_iter().chain([("deserialize_with", quote!(deserialize_with = "::std::option::Option::deserialize"))]).collect()));
        }
        Presence::Optional | Presence::OptionalNullable => {
            attributes.extend(optional(field.presence == Presence::OptionalNullable, &field.value));
            attributes.extend(typify_rename.map(rename));
        }
        Presence::Flattened { optional } => {
            let flatten = ("flatten", quote!(flatten));
            attributes.push(Attribute::Serde(if optional { vec![flatten, skip_none] } else { vec![flatten] }));
            if field.integer {
                let read = if optional { quote!(deserialize_with = "::event_contracts::integer::option::deserialize") } else { quote!(deserialize_with = "::event_contracts::integer::deserialize") };
                attributes.push(Attribute::Serde(vec![("deserialize_with", read)]));
            }
        }
    }
    if let (Some(json), None) = (&field.json_name, typify_rename)
        && *json != field.ident.to_string().trim_start_matches("r#")
    {
        attributes.push(rename(json));
    }
    attributes
}

/// The attributes of a field that may be absent (`Option<T>`, skipped when
/// `None`): present means a value of its type, `null` is not "absent";
/// where `null` is a value too (`Option<Option<T>>`, `value` is `T`), the
/// two are told apart.
fn optional(nullable: bool, value: &super::type_ref::TypeRef) -> Vec<Attribute> {
    let (default, skip_none) = (("default", quote!(default)), ("skip_serializing_if", quote!(skip_serializing_if = "::std::option::Option::is_none")));
    if !nullable {
        return vec![Attribute::Serde(vec![default, skip_none, ("deserialize_with", quote!(deserialize_with = "::event_contracts::optional::present"))])];
    }
    // schemars reads serde's `with` as a type; say what the JSON is.
    let schema_type = quote!(::std::option::Option<#value>).to_string();
    vec![Attribute::Serde(vec![default, skip_none, ("with", quote!(with = "::event_contracts::double_option"))]), Attribute::Schemars(quote!(with = #schema_type))]
}

impl quote::ToTokens for Attribute {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        tokens.extend(match self {
            Attribute::Serde(items) => {
                let items = items.iter().map(|(_, item)| item);
                quote!(#[serde(#(#items),*)])
            }
            Attribute::Schemars(items) => quote!(#[schemars(#items)]),
        });
    }
}

/// A field of a struct (`pub`) or of a struct variant: docs, serde and
/// schemars attributes, the builder's setter name.
fn field(field: &Field, public: bool) -> TokenStream {
    let ident = &field.ident;
    let ty = field.ty();
    let docs = field.docs.as_ref().map(|d| quote!(#[doc = #d]));
    let attributes = attributes(field);
    let setter = field.setter.as_ref().map(|setter| quote!(#[builder(name = #setter)]));
    let vis = public.then(|| quote!(pub));
    quote! {
        #docs
        #(#attributes)*
        #setter
        #vis #ident: #ty
    }
}

/// The fields of a union's struct variant, as a struct's are (without
/// `pub` and builder options), and the map of undeclared properties.
pub(super) fn variant_fields(fields: &[Field], unknown_properties: Option<&syn::Ident>) -> syn::FieldsNamed {
    let fields = fields.iter().map(|f| field(f, false));
    let unknown = unknown_properties.map(|ident| unknown_properties_field(ident, false));
    syn::parse_quote!({ #(#fields,)* #unknown })
}

/// The map of undeclared properties of a struct (`pub`, no builder
/// setter) or of a struct variant.
fn unknown_properties_field(ident: &syn::Ident, public: bool) -> TokenStream {
    let (vis, skip) = if public { (Some(quote!(pub)), Some(quote!(#[builder(skip)]))) } else { (None, None) };
    quote! {
        /// Properties the schema does not declare, kept as they came and written back on encode.
        #[serde(flatten)]
        #skip
        #vis #ident: ::serde_json::Map<::std::string::String, ::serde_json::Value>
    }
}

/// A field as a type that only decodes declares it: the same name, type
/// and decoding attributes (without `skip_serializing_if`).
pub(super) fn decoding_field(field: &Field) -> TokenStream {
    let ident = &field.ident;
    let ty = field.ty();
    let attributes = attributes(field).into_iter().filter_map(|attribute| match attribute {
        Attribute::Serde(items) => {
            let kept: Vec<TokenStream> = items.into_iter().filter(|(key, _)| *key != "skip_serializing_if").map(|(_, item)| item).collect();
            (!kept.is_empty()).then(|| quote!(#[serde(#(#kept),*)]))
        }
        Attribute::Schemars(_) => None,
    });
    quote!(#(#attributes)* #ident: #ty)
}

/// bon's options: the runtime's crate, a payload's checked `build()`, and
/// `impl Into` for the types this struct's fields hold (the attribute stays
/// as short as the struct needs).
fn builder_options(item: &Struct, string_newtypes: &std::collections::BTreeSet<String>) -> TokenStream {
    let held: std::collections::BTreeSet<String> = item.fields.iter().filter_map(Field::held_type).collect();
    let conversions = [
        ("String", quote!(::std::string::String)),
        ("Uuid", quote!(::event_contracts::formats::Uuid)),
        ("DateTime", quote!(::event_contracts::formats::DateTime)),
        ("Number", quote!(::event_contracts::Number)),
    ]
    .into_iter()
    .filter(|(name, _)| held.contains(*name))
    .map(|(_, path)| quote!(on(#path, into)))
    .chain(held.iter().filter(|name| string_newtypes.contains(*name)).map(|name| {
        let ident = syn::Ident::new(name, proc_macro2::Span::call_site());
        quote!(on(#ident, into))
    }));
    let finish = item.payload.then(|| quote!(, finish_fn = build_unchecked));
    quote!(crate = ::event_contracts::bon #finish #(, #conversions)*)
}

/// A payload's checked `build()`: runs the schema's checks and returns
/// every violation at once (`build_unchecked()` does not).
pub(super) fn checked_build(item: &Struct) -> Option<syn::Item> {
    if !item.payload {
        return None;
    }
    let ident = &item.name;
    let builder = quote::format_ident!("{}Builder", ident);
    let state = quote::format_ident!("{}", crate::naming::module_name(&format!("{ident}Builder")));
    Some(syn::parse_quote!(::event_contracts::payload_build!(#ident, #builder, #state);))
}

/// `x-pii` fields never reach logs: a struct holding one gets a `Debug`
/// that prints `[redacted]` for them (nested types redact themselves), and
/// a `redacted()` copy with them cleared (`None`; for a required field
/// `"[redacted]"` in a string, its type's default in a number, flag, list
/// or map; a struct with required personal data of any other type has no
/// `redacted()`, see [`super::model::TypeModel::unredactable`]). Beside
/// personal data, what the schema does not declare may be personal too:
/// redacted with it.
pub(super) fn redaction(item: &Struct) -> Vec<syn::Item> {
    if !item.fields.iter().any(|f| f.pii) {
        return Vec::new();
    }
    let name = &item.name;
    let name_text = name.to_string();
    let label = |ident: &syn::Ident| ident.to_string().trim_start_matches("r#").to_owned();
    let debug_fields = item.fields.iter().map(|field| {
        let (ident, label) = (&field.ident, label(&field.ident));
        if field.pii { quote!(.field(#label, &::event_contracts::Redacted)) } else { quote!(.field(#label, &self.#ident)) }
    });
    let unknown_debug = item.unknown_properties.as_ref().map(|ident| {
        let label = label(ident);
        quote!(.field(#label, &::event_contracts::Redacted))
    });
    let clears = item.fields.iter().filter(|f| f.pii).map(|field| {
        let ident = &field.ident;
        clear(if field.is_option() { None } else { Some(field.blank) }, &quote!(copy.#ident))
    });
    let unknown_clear = item.unknown_properties.as_ref().map(|ident| quote!(copy.#ident.clear();));
    let debug = syn::parse_quote! {
        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#name_text) #(#debug_fields)* #unknown_debug .finish()
            }
        }
    };
    if item.fields.iter().any(Field::keeps_personal_data) {
        return vec![debug];
    }
    vec![debug, redacted(name, quote!(#(#clears)* #unknown_clear))]
}

/// `redacted()`: a clone of the value with personal data cleared by `clears`
/// (statements on `copy`).
pub(super) fn redacted(name: &syn::Ident, clears: TokenStream) -> syn::Item {
    syn::parse_quote! {
        impl #name {
            /// A copy without its personal data (`x-pii` fields), safe to log.
            pub fn redacted(&self) -> Self {
                let mut copy = self.clone();
                #clears
                copy
            }
        }
    }
}

/// The statement that clears personal data at `place`: `None` for an
/// optional field (`blank` none), else the blank value of its type.
pub(super) fn clear(blank: Option<Blank>, place: &TokenStream) -> TokenStream {
    match blank {
        None => quote!(#place = ::std::option::Option::None;),
        Some(Blank::Text) => quote!(#place = ::std::convert::From::from(::event_contracts::REDACTED);),
        Some(Blank::Default | Blank::None) => quote!(#place = ::std::default::Default::default();),
    }
}

/// `From<&str>` for each newtype of a string (`StacItemId(String)`): shared
/// string types are made from `&str` too, so a builder takes them by
/// `impl Into`.
pub(super) fn string_conversions(string_newtypes: &std::collections::BTreeSet<String>) -> Vec<syn::Item> {
    string_newtypes
        .iter()
        .map(|name| {
            let ident = syn::Ident::new(name, proc_macro2::Span::call_site());
            syn::parse_quote! {
                impl ::std::convert::From<&str> for #ident {
                    fn from(value: &str) -> Self {
                        Self(value.to_owned())
                    }
                }
            }
        })
        .collect()
}
