//! Facts of schema properties that typify's types cannot carry (personal
//! data, `null` kept apart from absent), placed on the fields typify made
//! of those properties.
//!
//! typify's type space says which types it made and, for each struct, the
//! Rust name and type of every field, but not the schema a type came from.
//! Walking the type space beside the schemas typify was given pairs each
//! type with its schema and each field with the property it holds: a
//! field's Rust name is typify's name for the property (see
//! [`typify_field_name`]).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use typify_impl::{Type, TypeDetails, TypeEnumVariant, TypeSpace};

use super::input::allows_null;

/// The extension that marks a property as personal data.
pub(super) const PII: &str = "x-pii";

/// What the schema says of one property beyond its type.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct FieldFacts {
    /// `x-pii: true`: redacted from `Debug` and `redacted()`.
    pub pii: bool,
    /// Optional, and `null` is one of its values: `null` and absent are two
    /// values (`Option<Option<T>>`).
    pub nullable_optional: bool,
}

/// A field of a generated type: the type's name, the variant for a field
/// of an enum's struct variant, and its position among the fields as
/// typify wrote them.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct FieldPlace {
    pub type_name: String,
    pub variant: Option<usize>,
    pub index: usize,
}

/// The facts of every field that has any.
#[derive(Debug, Default)]
pub(super) struct Facts {
    fields: BTreeMap<FieldPlace, FieldFacts>,
}

impl Facts {
    /// The facts of field `index` of struct `type_name`.
    pub fn of_struct_field(&self, type_name: &str, index: usize) -> FieldFacts {
        self.of(FieldPlace { type_name: type_name.to_owned(), variant: None, index })
    }

    /// The facts of field `index` of variant `variant` of enum `type_name`.
    pub fn of_variant_field(&self, type_name: &str, variant: usize, index: usize) -> FieldFacts {
        self.of(FieldPlace { type_name: type_name.to_owned(), variant: Some(variant), index })
    }

    fn of(&self, place: FieldPlace) -> FieldFacts {
        self.fields.get(&place).copied().unwrap_or_default()
    }
}

/// The facts of the fields of every type in `space`, whose definitions
/// typify was given as `definitions` (with [`PII`] still in them).
pub(super) fn gather(space: &TypeSpace, definitions: &BTreeMap<String, Value>) -> Facts {
    let walk = Walk { space, definitions };
    let mut facts = Facts::default();
    let mut seen = BTreeSet::new();
    let mut stack: Vec<(Type<'_>, &Value)> = space.iter_types().filter_map(|ty| definitions.get(&ty.name()).map(|schema| (ty, schema))).collect();
    // Named types first as their definitions, so an inline path to a
    // shared type never decides its schema.
    stack.reverse();
    while let Some((ty, schema)) = stack.pop() {
        let schema = walk.resolve(schema);
        match ty.details() {
            TypeDetails::Struct(details) => {
                if !seen.insert(ty.name()) {
                    continue;
                }
                let fields: Vec<(String, typify_impl::TypeId)> = details.properties().map(|(name, id)| (name.to_owned(), id)).collect();
                for (index, (property, field_schema, field_facts)) in walk.pair(schema, &fields) {
                    if field_facts != FieldFacts::default() {
                        facts.fields.insert(FieldPlace { type_name: ty.name(), variant: None, index }, field_facts);
                    }
                    stack.extend(walk.child(&fields[index].1, field_schema.unwrap_or(property)));
                }
            }
            TypeDetails::Enum(details) => {
                if !seen.insert(ty.name()) {
                    continue;
                }
                let variants: Vec<TypeEnumVariant<'_>> = details.variants().map(|(_, variant)| variant).collect();
                let branches = walk.branches(schema, variants.len());
                for (variant, (details, branch)) in variants.into_iter().zip(branches).enumerate() {
                    match details {
                        TypeEnumVariant::Struct(fields) => {
                            let fields: Vec<(String, typify_impl::TypeId)> = fields.into_iter().map(|(name, id)| (name.to_owned(), id)).collect();
                            for (index, (property, field_schema, field_facts)) in walk.pair(branch, &fields) {
                                if field_facts != FieldFacts::default() {
                                    facts.fields.insert(FieldPlace { type_name: ty.name(), variant: Some(variant), index }, field_facts);
                                }
                                stack.extend(walk.child(&fields[index].1, field_schema.unwrap_or(property)));
                            }
                        }
                        TypeEnumVariant::Tuple(ids) if ids.len() == 1 => stack.extend(walk.child(&ids[0], branch)),
                        _ => {}
                    }
                }
            }
            TypeDetails::Newtype(details) if seen.insert(ty.name()) => stack.extend(walk.child(&details.inner(), schema)),
            TypeDetails::Option(inner) | TypeDetails::Box(inner) => stack.extend(walk.child(&inner, walk.without_null(schema))),
            TypeDetails::Vec(inner) | TypeDetails::Set(inner) => {
                if let Some(items) = schema.get("items").filter(|items| items.is_object()) {
                    stack.extend(walk.child(&inner, items));
                }
            }
            TypeDetails::Map(_, value) => {
                if let Some(values) = schema.get("additionalProperties").filter(|values| values.is_object()) {
                    stack.extend(walk.child(&value, values));
                }
            }
            _ => {}
        }
    }
    facts
}

struct Walk<'a> {
    space: &'a TypeSpace,
    definitions: &'a BTreeMap<String, Value>,
}

/// A field paired with its property: the property's schema, the schema its
/// field's type follows where that is another (an `anyOf` member typify
/// flattened in), and the property's facts.
type Paired<'v> = (usize, (&'v Value, Option<&'v Value>, FieldFacts));

impl<'a> Walk<'a> {
    /// The type `id` with the schema it was made from.
    fn child<'v>(&self, id: &typify_impl::TypeId, schema: &'v Value) -> Option<(Type<'a>, &'v Value)>
    where
        'a: 'v,
    {
        self.space.get_type(id).ok().map(|ty| (ty, schema))
    }

    /// The schema a `$ref` (or an `allOf` of one member) stands for.
    fn resolve<'v>(&self, mut schema: &'v Value) -> &'v Value
    where
        'a: 'v,
    {
        for _ in 0..64 {
            if let Some(target) = crate::refs::definition_name(schema).and_then(|name| self.definitions.get(name)) {
                schema = target;
            } else if let Some([only]) = schema.get("allOf").and_then(Value::as_array).map(Vec::as_slice).filter(|_| !schema.get("properties").is_some_and(Value::is_object)) {
                schema = only;
            } else {
                break;
            }
        }
        schema
    }

    /// The schema without its `null`: the one other branch of an
    /// `anyOf`/`oneOf` with `null`, or the schema itself.
    fn without_null<'v>(&self, schema: &'v Value) -> &'v Value
    where
        'a: 'v,
    {
        for key in ["anyOf", "oneOf"] {
            if let Some(branches) = schema.get(key).and_then(Value::as_array) {
                let others: Vec<&Value> = branches.iter().filter(|b| !is_null(b)).collect();
                if let [only] = others.as_slice()
                    && others.len() < branches.len()
                {
                    return self.resolve(only);
                }
            }
        }
        schema
    }

    /// The branches of the union an enum of `count` variants was made of.
    fn branches<'v>(&self, schema: &'v Value, count: usize) -> Vec<&'v Value>
    where
        'a: 'v,
    {
        for key in ["oneOf", "anyOf"] {
            if let Some(branches) = schema.get(key).and_then(Value::as_array) {
                let resolved: Vec<&Value> = branches.iter().map(|b| self.resolve(b)).collect();
                if resolved.len() == count {
                    return resolved;
                }
                let not_null: Vec<&Value> = resolved.into_iter().filter(|b| !is_null(b)).collect();
                if not_null.len() == count {
                    return not_null;
                }
            }
        }
        Vec::new()
    }

    /// The properties of an object schema, its `allOf` members' merged in.
    fn properties<'v>(&self, schema: &'v Value) -> BTreeMap<&'v str, Property<'v>>
    where
        'a: 'v,
    {
        let mut out: BTreeMap<&str, Property<'v>> = BTreeMap::new();
        let mut stack = vec![self.resolve(schema)];
        let mut visited = 0;
        while let Some(schema) = stack.pop() {
            visited += 1;
            if visited > 256 {
                break;
            }
            let required: Vec<&str> = schema.get("required").and_then(Value::as_array).map(|r| r.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
            if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
                for (name, property) in properties {
                    out.entry(name.as_str()).or_default().schemas.push(property);
                }
            }
            for name in required {
                out.entry(name).or_default().required = true;
            }
            if let Some(members) = schema.get("allOf").and_then(Value::as_array) {
                stack.extend(members.iter().map(|m| self.resolve(m)));
            }
        }
        out
    }

    /// Each field of `fields` (typify's names and types, in its order) that
    /// holds a property of `schema`, with the property.
    fn pair<'v>(&self, schema: &'v Value, fields: &[(String, typify_impl::TypeId)]) -> Vec<Paired<'v>>
    where
        'a: 'v,
    {
        let properties = self.properties(schema);
        // Rust name -> the properties typify gave it, in its order.
        let mut by_rust: BTreeMap<String, Vec<&Property<'v>>> = BTreeMap::new();
        for (name, property) in &properties {
            by_rust.entry(typify_field_name(name)).or_default().push(property);
        }
        for holders in by_rust.values_mut() {
            holders.reverse();
        }
        let mut paired = Vec::new();
        for (index, (rust, _)) in fields.iter().enumerate() {
            if let Some(Property { schemas, required }) = by_rust.get_mut(rust).and_then(Vec::pop) {
                let Some(first) = schemas.first() else { continue };
                let facts = FieldFacts {
                    pii: schemas.iter().any(|s| s.get(PII) == Some(&Value::Bool(true))),
                    nullable_optional: !*required && schemas.iter().all(|s| allows_null(s)),
                };
                paired.push((index, (*first, None, facts)));
            } else if rust == "extra"
                && let Some(values) = schema.get("additionalProperties").filter(|v| v.is_object())
            {
                paired.push((index, (schema, Some(values), FieldFacts::default())));
            } else if let Some(n) = rust.strip_prefix("subtype_").and_then(|n| n.parse::<usize>().ok())
                && let Some(branch) = schema.get("anyOf").and_then(Value::as_array).and_then(|b| b.get(n))
            {
                // A member of an `anyOf` of objects, flattened in: its own struct.
                paired.push((index, (self.resolve(branch), None, FieldFacts::default())));
            }
        }
        paired
    }
}

/// One property of an object schema: its schema in each `allOf` member
/// that declares it, and whether any member requires it.
#[derive(Default)]
struct Property<'v> {
    schemas: Vec<&'v Value>,
    required: bool,
}

fn is_null(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("null")
}

/// The field name typify gives a JSON property: snake case of the name with
/// what cannot be in an identifier made a word break, `x` before a name
/// that cannot start one, `_` after a keyword.
pub(super) fn typify_field_name(property: &str) -> String {
    use heck::ToSnakeCase;
    let name = match property {
        "+1" => "plus1".to_owned(),
        "-1" => "minus1".to_owned(),
        _ => property.replace('\'', "").replace(|c: char| !unicode_ident::is_xid_continue(c), "-").to_snake_case(),
    };
    let name = match name.chars().next() {
        None => "x".to_owned(),
        Some(c) if unicode_ident::is_xid_start(c) => name,
        Some(_) => format!("x{name}"),
    };
    if typify_impl::accept_as_ident(&name) { name } else { format!("{name}_") }
}

/// Drops [`PII`] from a schema and every schema below it: typify is given
/// the schema without it (its facts travel in [`Facts`]).
pub(super) fn without_facts(schema: &Value) -> Value {
    let mut schema = schema.clone();
    let mut stack = vec![&mut schema];
    while let Some(node) = stack.pop() {
        match node {
            Value::Object(map) => {
                map.remove(PII);
                for (key, child) in map.iter_mut() {
                    if crate::walk::is_data_keyword(key) {
                        continue;
                    }
                    // A map of names to schemas: its keys are names, not keywords.
                    if crate::walk::SCHEMA_MAPS.contains(&key.as_str()) && child.is_object() {
                        stack.extend(child.as_object_mut().into_iter().flat_map(|named| named.values_mut()));
                    } else {
                        stack.push(child);
                    }
                }
            }
            Value::Array(items) => stack.extend(items.iter_mut()),
            _ => {}
        }
    }
    schema
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Map;

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

    #[test]
    fn pii_is_dropped_from_every_schema_but_not_from_data() {
        let schema = serde_json::json!({
            "properties": {"email": {"type": "string", "x-pii": true}, "x-pii": {"type": "boolean", "x-pii": true}},
            "examples": [{"x-pii": true}]
        });
        let expected = serde_json::json!({
            "properties": {"email": {"type": "string"}, "x-pii": {"type": "boolean"}},
            "examples": [{"x-pii": true}]
        });
        assert_eq!(without_facts(&schema), expected);
    }
}
