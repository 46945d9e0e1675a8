//! Conversions builders lean on: shared string types (`StacItemId(String)`)
//! are made from `&str` too, so a struct's builder takes them by
//! `impl Into` (see `emit.rs`).

/// `From<&str>` for each newtype of a string.
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
