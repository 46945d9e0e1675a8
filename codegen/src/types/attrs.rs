//! What the attributes typify writes say, read as syntax (serde's keys,
//! type paths), never as text.

/// The serde keys of a field's or a type's `#[serde(..)]` attributes.
#[derive(Default)]
pub(super) struct SerdeFlags {
    pub default: bool,
    pub flatten: bool,
    /// `skip_serializing_if = "..Option::is_none"`.
    pub skips_none: bool,
    pub rename: Option<String>,
    /// `with`, `deserialize_with` or `serialize_with`.
    pub with: bool,
    pub deny_unknown_fields: bool,
    pub untagged: bool,
    pub tag: Option<String>,
    pub content: Option<String>,
}

pub(super) fn serde_flags(attrs: &[syn::Attribute]) -> SerdeFlags {
    let mut flags = SerdeFlags::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            let key = meta.path.get_ident().map(ToString::to_string).unwrap_or_default();
            let value = if meta.input.peek(syn::Token![=]) {
                match meta.value()?.parse::<syn::Expr>()? {
                    syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) => Some(s.value()),
                    _ => None,
                }
            } else {
                None
            };
            match key.as_str() {
                "default" => flags.default = true,
                "flatten" => flags.flatten = true,
                "rename" => flags.rename = value,
                "skip_serializing_if" => flags.skips_none = value.is_some_and(|v| v.replace(' ', "").ends_with("Option::is_none")),
                "with" | "deserialize_with" | "serialize_with" => flags.with = true,
                "deny_unknown_fields" => flags.deny_unknown_fields = true,
                "untagged" => flags.untagged = true,
                "tag" => flags.tag = value,
                "content" => flags.content = value,
                _ => {}
            }
            Ok(())
        });
    }
    flags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_keys_are_read_from_the_attribute_not_its_text() {
        let attrs: Vec<syn::Attribute> = vec![
            syn::parse_quote!(#[serde(untagged, deny_unknown_fields)]),
            syn::parse_quote!(#[doc = "deny_unknown_fields with untagged"]),
            syn::parse_quote!(#[serde(rename = "with", deserialize_with = "x::y")]),
        ];
        let flags = serde_flags(&attrs);
        assert!(flags.untagged && flags.deny_unknown_fields && flags.with);
        assert_eq!(flags.rename.as_deref(), Some("with"));
        let renamed: Vec<syn::Attribute> = vec![syn::parse_quote!(#[serde(rename = "deny_unknown_fields")])];
        let flags = serde_flags(&renamed);
        assert!(!flags.deny_unknown_fields && !flags.with);
    }
}
