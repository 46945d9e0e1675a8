//! The names typify gives: a type's name made of a definition's, a
//! field's made of a property's. The facts walk finds typify's types and
//! fields by them.

/// The field name typify gives a JSON property.
pub(super) fn typify_field_name(property: &str) -> String {
    typify_name(property, Case::Snake)
}

/// How typify cases a name.
#[derive(Clone, Copy)]
pub(super) enum Case {
    /// Types.
    Pascal,
    /// Fields.
    Snake,
}

/// The name typify makes of `raw`: the case of the name with what cannot
/// be in an identifier made a word break, `x` before a name that cannot
/// start one, `_` after a keyword.
pub(super) fn typify_name(raw: &str, case: Case) -> String {
    use heck::{ToPascalCase, ToSnakeCase};
    let to_case = |text: &str| match case {
        Case::Pascal => text.to_pascal_case(),
        Case::Snake => text.to_snake_case(),
    };
    let name = match raw {
        "+1" => "plus1".to_owned(),
        "-1" => "minus1".to_owned(),
        _ => to_case(&raw.replace('\'', "").replace(|c: char| !unicode_ident::is_xid_continue(c), "-")),
    };
    let name = match name.chars().next() {
        None => to_case("x"),
        Some(c) if unicode_ident::is_xid_start(c) => name,
        Some(_) => format!("{}{name}", to_case("x")),
    };
    if typify_impl::accept_as_ident(&name) { name } else { format!("{name}_") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Map, Value};
    use typify_impl::{TypeDetails, TypeSpace};

    /// typify's own field names for `properties`, from its type space.
    fn typify_names(properties: &[&str]) -> Vec<String> {
        let schema: Map<String, Value> = properties.iter().map(|name| ((*name).to_owned(), serde_json::json!({"type": "string"}))).collect();
        let schema: schemars08::schema::Schema = serde_json::from_value(serde_json::json!({"type": "object", "properties": schema})).unwrap();
        let mut space = TypeSpace::new(&typify_impl::TypeSpaceSettings::default());
        space.add_ref_types(vec![("Probe".to_owned(), schema)]).unwrap();
        let probe = space.iter_types().find(|ty| ty.name() == "Probe").unwrap();
        let TypeDetails::Struct(details) = probe.details() else { panic!("a struct") };
        details.properties().map(|(name, _)| name.to_owned()).collect()
    }

    #[test]
    fn field_names_are_the_ones_typify_gives() {
        let properties = [
            "plain", "camelCase", "PascalCase", "kebab-case", "dotted.name", "with space", "#", "/", "@type", "$ref", "_under", "9lives",
            "+1", "-1", "self", "Self", "type", "fn", "gen", "it's", "ünïcödé", "日本", "a--b", "HTTPServer", "x", "", "_", "__", "a_b",
        ];
        let mut ours: Vec<String> = properties.iter().map(|p| typify_field_name(p)).collect();
        ours.sort();
        let mut theirs = typify_names(&properties);
        theirs.sort();
        assert_eq!(ours, theirs);
    }
}
