//! The Rust of the generated newtypes, written from the type model: the
//! transparent struct around its inner type, `Deref` and `From` both ways,
//! and `Display`/`FromStr` where the inner type has them; and the module of
//! the error those conversions return.

use quote::quote;

use super::model::{IntegerRead, Newtype};

/// The newtype item, then its impls.
pub(super) fn newtype_items(item: &Newtype) -> Vec<syn::Item> {
    let name = &item.name;
    let docs = &item.docs;
    let inner = &item.inner;
    let mut derives = std::collections::BTreeSet::from(["::schemars::JsonSchema", "::serde::Deserialize", "::serde::Serialize", "Clone", "Debug", "PartialEq"]);
    if item.string {
        derives.extend(["PartialOrd", "Ord", "Eq", "Hash"]);
    }
    let derives = derives.into_iter().map(|path| syn::parse_str::<syn::Path>(path).expect("a derive path"));
    // JSON Schema's integer is a number with no fraction: `1.0` is `1`.
    let read = item.integer.map(|read| match read {
        IntegerRead::Value => quote!(#[serde(deserialize_with = "::event_contracts::integer::deserialize")]),
        IntegerRead::Option => quote!(#[serde(deserialize_with = "::event_contracts::integer::option::deserialize")]),
    });
    let mut items: Vec<syn::Item> = vec![
        syn::parse_quote! {
            #(#[doc = #docs])*
            #[derive(#(#derives),*)]
            #[serde(transparent)]
            pub struct #name(#read pub #inner);
        },
        syn::parse_quote! {
            impl ::std::ops::Deref for #name {
                type Target = #inner;
                fn deref(&self) -> &#inner {
                    &self.0
                }
            }
        },
        syn::parse_quote! {
            impl ::std::convert::From<#name> for #inner {
                fn from(value: #name) -> Self {
                    value.0
                }
            }
        },
        syn::parse_quote! {
            impl ::std::convert::From<#inner> for #name {
                fn from(value: #inner) -> Self {
                    Self(value)
                }
            }
        },
    ];
    if item.display {
        items.push(syn::parse_quote! {
            impl ::std::fmt::Display for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    self.0.fmt(f)
                }
            }
        });
    }
    if item.string {
        items.push(syn::parse_quote! {
            impl ::std::str::FromStr for #name {
                type Err = ::std::convert::Infallible;
                fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                    Ok(Self(value.to_string()))
                }
            }
        });
    }
    if item.from_str {
        let error = quote!(<#inner as ::std::str::FromStr>::Err);
        items.extend::<[syn::Item; 3]>([
            syn::parse_quote! {
                impl ::std::str::FromStr for #name {
                    type Err = #error;
                    fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                        Ok(Self(value.parse()?))
                    }
                }
            },
            syn::parse_quote! {
                impl ::std::convert::TryFrom<&str> for #name {
                    type Error = #error;
                    fn try_from(value: &str) -> ::std::result::Result<Self, Self::Error> {
                        value.parse()
                    }
                }
            },
            syn::parse_quote! {
                impl ::std::convert::TryFrom<String> for #name {
                    type Error = #error;
                    fn try_from(value: String) -> ::std::result::Result<Self, Self::Error> {
                        value.parse()
                    }
                }
            },
        ]);
    }
    items
}

/// The error `FromStr` of an enum returns (`self::error::ConversionError`).
pub(super) fn error_module() -> syn::Item {
    syn::parse_quote! {
        /// Error types.
        pub mod error {
            /// Error from a `TryFrom` or `FromStr` implementation.
            pub struct ConversionError(::std::borrow::Cow<'static, str>);
            impl ::std::error::Error for ConversionError {}
            impl ::std::fmt::Display for ConversionError {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> Result<(), ::std::fmt::Error> {
                    ::std::fmt::Display::fmt(&self.0, f)
                }
            }
            impl ::std::fmt::Debug for ConversionError {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> Result<(), ::std::fmt::Error> {
                    ::std::fmt::Debug::fmt(&self.0, f)
                }
            }
            impl From<&'static str> for ConversionError {
                fn from(value: &'static str) -> Self {
                    Self(value.into())
                }
            }
            impl From<String> for ConversionError {
                fn from(value: String) -> Self {
                    Self(value.into())
                }
            }
        }
    }
}
