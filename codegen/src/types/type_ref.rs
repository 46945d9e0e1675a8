//! The Rust type of a value in the generated code, as data: what a field,
//! a variant or a newtype holds. Emitters write it (`ToTokens`); checks and
//! envelopes ask it what it is (an option of what, a list of what, which
//! named type) instead of reading its syntax.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use typify_impl::{TypeDetails, TypeId, TypeSpace};

/// A Rust type of the generated code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeRef {
    /// A generated struct, enum or newtype.
    Named(String),
    String,
    /// A JSON number: `event_contracts::Number` (an `f64` would turn `20`
    /// into `20.0` on re-encoding).
    Number,
    /// The lossless format types of `event-contracts`.
    Uuid,
    DateTime,
    Unit,
    /// A type of Rust or a crate as typify names it (`i64`, `bool`,
    /// `::serde_json::Value`, `::std::num::NonZeroU64`).
    Builtin(String),
    Option(Box<TypeRef>),
    Box(Box<TypeRef>),
    /// A list (a JSON array, unique or not).
    Vec(Box<TypeRef>),
    /// A map of keys to values (`serde_json::Map` where it maps strings to
    /// any JSON).
    Map(Box<TypeRef>, Box<TypeRef>),
    Tuple(Vec<TypeRef>),
    Array(Box<TypeRef>, usize),
}

/// typify's name for any JSON.
const JSON: &str = "::serde_json::Value";

impl TypeRef {
    /// The type of typify's type `id`, formats at the lossless types.
    pub(super) fn of(space: &TypeSpace, id: &TypeId) -> TypeRef {
        let Ok(ty) = space.get_type(id) else { return TypeRef::Builtin(JSON.to_owned()) };
        let of = |id: &TypeId| Box::new(TypeRef::of(space, id));
        match ty.details() {
            // typify folds an option of an option into one.
            TypeDetails::Option(inner) if space.get_type(&inner).is_ok_and(|t| matches!(t.details(), TypeDetails::Option(_))) => TypeRef::of(space, &inner),
            TypeDetails::Option(inner) => TypeRef::Option(of(&inner)),
            TypeDetails::Box(inner) => TypeRef::Box(of(&inner)),
            TypeDetails::Vec(inner) | TypeDetails::Set(inner) => TypeRef::Vec(of(&inner)),
            TypeDetails::Map(key, value) => TypeRef::Map(of(&key), of(&value)),
            TypeDetails::Tuple(items) => TypeRef::Tuple(items.map(|item| TypeRef::of(space, &item)).collect()),
            TypeDetails::Array(item, length) => TypeRef::Array(of(&item), length),
            TypeDetails::Builtin(name) if name.starts_with("::uuid::Uuid") => TypeRef::Uuid,
            TypeDetails::Builtin(name) if name.starts_with("::chrono::DateTime") => TypeRef::DateTime,
            TypeDetails::Builtin("f64") => TypeRef::Number,
            TypeDetails::Builtin(name) => TypeRef::Builtin(name.to_owned()),
            TypeDetails::String => TypeRef::String,
            TypeDetails::Unit => TypeRef::Unit,
            TypeDetails::Struct(_) | TypeDetails::Enum(_) | TypeDetails::Newtype(_) => TypeRef::Named(ty.name()),
        }
    }

    /// The name of a type that takes no type arguments: a named type's
    /// own, or its path's last segment (`String`, `Number`, `i64`, `Value`).
    pub fn name(&self) -> Option<String> {
        match self {
            TypeRef::Option(_) | TypeRef::Box(_) | TypeRef::Vec(_) | TypeRef::Map(..) => None,
            _ => self.last_segment(),
        }
    }

    /// The last segment of its path: a named type's own name, `String`,
    /// `i64`, `Vec`, `Option`, `BTreeMap`, `Map` (a JSON object); none for
    /// tuples, arrays and `()`.
    pub fn last_segment(&self) -> Option<String> {
        Some(match self {
            TypeRef::Named(name) => name.clone(),
            TypeRef::String => "String".to_owned(),
            TypeRef::Number => "Number".to_owned(),
            TypeRef::Uuid => "Uuid".to_owned(),
            TypeRef::DateTime => "DateTime".to_owned(),
            TypeRef::Builtin(path) => path.rsplit("::").next().unwrap_or(path).to_owned(),
            TypeRef::Option(_) => "Option".to_owned(),
            TypeRef::Box(_) => "Box".to_owned(),
            TypeRef::Vec(_) => "Vec".to_owned(),
            TypeRef::Map(..) if self.is_json_object() => "Map".to_owned(),
            TypeRef::Map(..) => "BTreeMap".to_owned(),
            TypeRef::Tuple(_) | TypeRef::Array(..) | TypeRef::Unit => return None,
        })
    }

    /// What an `Option` holds.
    pub fn option_inner(&self) -> Option<&TypeRef> {
        match self {
            TypeRef::Option(inner) => Some(inner),
            _ => None,
        }
    }

    /// What a `Box` holds.
    pub fn box_inner(&self) -> Option<&TypeRef> {
        match self {
            TypeRef::Box(inner) => Some(inner),
            _ => None,
        }
    }

    /// What a list or a fixed-size array holds.
    pub fn items(&self) -> Option<&TypeRef> {
        match self {
            TypeRef::Vec(item) | TypeRef::Array(item, _) => Some(item),
            _ => None,
        }
    }

    /// The values of a map with string keys (not a JSON object's).
    pub fn map_values(&self) -> Option<&TypeRef> {
        match self {
            TypeRef::Map(key, value) if **key == TypeRef::String && !self.is_json_object() => Some(value),
            _ => None,
        }
    }

    /// A map of strings to any JSON: `serde_json::Map`.
    fn is_json_object(&self) -> bool {
        matches!(self, TypeRef::Map(key, value) if **key == TypeRef::String && matches!(&**value, TypeRef::Builtin(path) if path == JSON))
    }
}

impl ToTokens for TypeRef {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        tokens.extend(match self {
            TypeRef::Named(name) => {
                let ident = syn::Ident::new(name, proc_macro2::Span::call_site());
                quote!(#ident)
            }
            TypeRef::String => quote!(::std::string::String),
            TypeRef::Number => quote!(::event_contracts::Number),
            TypeRef::Uuid => quote!(::event_contracts::formats::Uuid),
            TypeRef::DateTime => quote!(::event_contracts::formats::DateTime),
            TypeRef::Unit => quote!(()),
            TypeRef::Builtin(path) => path.parse().unwrap_or_else(|_| quote!(::serde_json::Value)),
            TypeRef::Option(inner) => quote!(::std::option::Option<#inner>),
            TypeRef::Box(inner) => quote!(::std::boxed::Box<#inner>),
            TypeRef::Vec(inner) => quote!(::std::vec::Vec<#inner>),
            TypeRef::Map(..) if self.is_json_object() => quote!(::serde_json::Map<::std::string::String, ::serde_json::Value>),
            TypeRef::Map(key, value) => quote!(::std::collections::BTreeMap<#key, #value>),
            TypeRef::Tuple(items) => quote!((#(#items,)*)),
            TypeRef::Array(item, length) => quote!([#item; #length]),
        });
    }
}
