//! Facts of schema properties that typify's types cannot carry (personal
//! data, `null` kept apart from absent), placed on the fields typify made
//! of those properties.
//!
//! typify's type space says which types it made and, for each struct, the
//! Rust name and type of every field, but not the schema a type came from.
//! Walking the type space beside the schemas typify was given (read as
//! typify reads them, `reading.rs`) pairs each type with its schema and
//! each field with the property it holds.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use typify_impl::{Type, TypeDetails, TypeEnumVariant, TypeSpace};

pub(super) use super::reading::{FieldFacts, FieldOrigin, PII};
use super::names::{Case, typify_name};
use super::reading::{Union, Walk, enumeration, enumeration_in, names_variant};
pub(super) use super::tagging::Tagging;


/// A field of a generated type: the type's name, the variant for a field
/// of an enum's struct variant, and its position among the fields as
/// typify wrote them.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct FieldPlace {
    pub type_name: String,
    pub variant: Option<usize>,
    pub index: usize,
}

/// What the schema says of a struct typify made (or of an enum's struct
/// variant) beyond its fields' types: its description, whether it is
/// closed, and where each field came from, by the field's position.
#[derive(Debug, Default)]
pub(super) struct StructOrigin {
    pub description: Option<String>,
    pub closed: bool,
    pub fields: BTreeMap<usize, FieldOrigin>,
}

/// The facts of every field that has any, and where each struct and
/// struct variant came from.
#[derive(Debug, Default)]
pub(super) struct Facts {
    fields: BTreeMap<FieldPlace, FieldFacts>,
    structs: BTreeMap<String, StructOrigin>,
    /// By enum name and variant position.
    variants: BTreeMap<(String, usize), StructOrigin>,
    /// The variants holding one value that is personal data (the property
    /// of an externally tagged variant), by enum name and position.
    personal_variants: BTreeSet<(String, usize)>,
    enums: BTreeMap<String, EnumOrigin>,
    /// Each newtype's description, by name.
    newtypes: BTreeMap<String, Option<String>>,
    /// The names typify gave schemas of different shapes (the later ones
    /// took the first one's type), each with the places of the later
    /// schemas in the definitions it was given, where found.
    pub shared_names: BTreeMap<String, Vec<(String, String)>>,
}

/// What the schema says of an enum typify made beyond its variants: its
/// description, how its values are tagged, and each variant's name in JSON
/// (where it is not the variant's own).
#[derive(Debug)]
pub(super) struct EnumOrigin {
    pub description: Option<String>,
    pub tagging: Tagging,
    pub json_names: Vec<Option<String>>,
    /// Whether a tagged union refuses undeclared properties, where its
    /// branches say so: internally tagged, where any branch is closed (as
    /// typify reads them); adjacently tagged, where every branch is (the
    /// tag and the content are all a value holds).
    pub closed: Option<bool>,
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

    /// Where struct `type_name` came from, if the walk reached it.
    pub fn of_struct(&self, type_name: &str) -> Option<&StructOrigin> {
        self.structs.get(type_name)
    }

    /// The description of newtype `type_name`, if the walk reached it.
    pub fn newtype_description(&self, type_name: &str) -> Option<&str> {
        self.newtypes.get(type_name)?.as_deref()
    }

    /// Where enum `type_name` came from, if the walk reached it.
    pub fn of_enum(&self, type_name: &str) -> Option<&EnumOrigin> {
        self.enums.get(type_name)
    }

    /// Whether the value variant `variant` of enum `type_name` holds is
    /// personal data (`x-pii`).
    pub fn variant_is_personal(&self, type_name: &str, variant: usize) -> bool {
        self.personal_variants.contains(&(type_name.to_owned(), variant))
    }

    /// Where struct variant `variant` of enum `type_name` came from, if the
    /// walk reached it.
    pub fn of_variant(&self, type_name: &str, variant: usize) -> Option<&StructOrigin> {
        self.variants.get(&(type_name.to_owned(), variant))
    }
}

/// The facts of the fields of every type in `space`, whose definitions
/// typify was given as `definitions` (with [`PII`] still in them).
pub(super) fn gather(space: &TypeSpace, definitions: &BTreeMap<String, Value>) -> Facts {
    // typify re-cases a definition's name into its type's (`V1S3Uploader`
    // becomes `V1s3Uploader`).
    let roots: BTreeMap<String, &Value> = definitions.iter().map(|(name, schema)| (typify_name(name, Case::Pascal), schema)).collect();
    let merges = typed_arena::Arena::new();
    let walk = Walk { space, definitions, roots: &roots, merges: &merges };
    let mut facts = Facts::default();
    // The shape of the schema each named type was first made of (a named
    // type is walked once, from there): typify gives a second schema of
    // the same name the first one's type.
    let mut shapes: BTreeMap<String, Value> = BTreeMap::new();
    let mut stack: Vec<(Type<'_>, &Value)> = space.iter_types().filter_map(|ty| roots.get(&ty.name()).map(|schema| (ty, *schema))).collect();
    // Named types first as their definitions, so an inline path to a
    // shared type never decides its schema.
    stack.reverse();
    while let Some((ty, schema)) = stack.pop() {
        // A type's children are walked in typify's order (a shared type
        // takes its description from the first place typify made it).
        let children = stack.len();
        let raw = schema;
        let schema = walk.resolve(schema);
        if matches!(ty.details(), TypeDetails::Struct(_) | TypeDetails::Enum(_) | TypeDetails::Newtype(_)) {
            let shape = walk.shape(schema);
            match shapes.get(&ty.name()) {
                Some(first) => {
                    if *first != shape {
                        facts.shared_names.entry(ty.name()).or_default().extend(place_of(definitions, raw));
                    }
                    continue;
                }
                None => drop(shapes.insert(ty.name(), shape)),
            }
        }
        match ty.details() {
            TypeDetails::Struct(details) => {
                let fields: Vec<(String, typify_impl::TypeId)> = details.properties().map(|(name, id)| (name.to_owned(), id)).collect();
                let mut origin = StructOrigin { description: walk.description(schema), closed: walk.closed(schema), fields: BTreeMap::new() };
                for (index, field) in walk.pair(schema, &fields) {
                    if field.facts != FieldFacts::default() {
                        facts.fields.insert(FieldPlace { type_name: ty.name(), variant: None, index }, field.facts);
                    }
                    stack.extend(walk.child(&fields[index].1, field.type_schema.unwrap_or(field.schema)));
                    origin.fields.insert(index, field.origin());
                }
                facts.structs.insert(ty.name(), origin);
            }
            TypeDetails::Enum(details) => {
                let variants: Vec<TypeEnumVariant<'_>> = details.variants().map(|(_, variant)| variant).collect();
                let Union { branches, around: parent, tagging, json_names } = walk.union(schema, variants.len());
                let aligned = walk.align(&variants, &branches, parent);
                let mut origin = EnumOrigin {
                    description: walk.description_of(raw, schema),
                    json_names: aligned.iter().map(|index| index.and_then(|i| json_names[i].clone())).collect(),
                    tagging,
                    closed: None,
                };
                origin.closed = match origin.tagging {
                    Tagging::Internal { .. } => Some(branches.iter().any(|b| walk.closed(b))),
                    Tagging::Adjacent { .. } => Some(!branches.is_empty() && branches.iter().all(|b| walk.closed(b))),
                    _ => None,
                };
                // An enumeration of strings: a variant per value.
                if branches.is_empty() && variants.iter().all(|v| matches!(v, TypeEnumVariant::Simple)) {
                    // The values every member allows, in the first's order.
                    let mut lists = walk.merged(schema).into_iter().filter_map(enumeration);
                    let mut values = lists.next().unwrap_or_default();
                    for list in lists {
                        values.retain(|value| list.contains(value));
                    }
                    if values.len() == variants.len() {
                        origin.tagging = Tagging::External;
                        origin.json_names = values.into_iter().map(|value| Some(value.to_owned())).collect();
                    }
                }
                for (variant, (details, branch)) in variants.into_iter().zip(aligned).enumerate() {
                    let Some(branch) = branch.map(|index| branches[index]) else { continue };
                    match details {
                        TypeEnumVariant::Struct(fields) => {
                            let fields: Vec<(String, typify_impl::TypeId)> = fields.into_iter().map(|(name, id)| (name.to_owned(), id)).collect();
                            // typify merges the object around the union into each branch.
                            let closed = walk.closed(branch) || parent.is_some_and(|p| walk.closed(p));
                            let mut origin = StructOrigin { description: None, closed, fields: BTreeMap::new() };
                            for (index, field) in walk.pair_variant(branch, parent, &fields) {
                                if field.facts != FieldFacts::default() {
                                    facts.fields.insert(FieldPlace { type_name: ty.name(), variant: Some(variant), index }, field.facts);
                                }
                                stack.extend(walk.child(&fields[index].1, field.type_schema.unwrap_or(field.schema)));
                                origin.fields.insert(index, field.origin());
                            }
                            facts.variants.insert((ty.name(), variant), origin);
                        }
                        TypeEnumVariant::Tuple(ids) if ids.len() == 1 => {
                            if branch.get(PII) == Some(&Value::Bool(true)) {
                                facts.personal_variants.insert((ty.name(), variant));
                            }
                            stack.extend(walk.child(&ids[0], branch));
                        }
                        _ => {}
                    }
                }
                // Names typify did not name the variants after are another
                // schema's: none rather than wrong ones.
                let idents: Vec<&str> = details.variants().map(|(name, _)| name).collect();
                if origin.json_names.iter().zip(&idents).all(|(json, ident)| json.as_deref().is_none_or(|json| names_variant(json, ident))) {
                    facts.enums.insert(ty.name(), origin);
                }
            }
            TypeDetails::Newtype(details) => {
                // A newtype is the schema itself under its name: its own description.
                facts.newtypes.insert(ty.name(), raw.get("description").and_then(Value::as_str).map(str::to_owned));
                stack.extend(walk.child(&details.inner(), schema));
            }
            TypeDetails::Option(inner) | TypeDetails::Box(inner) => {
                // The schema as it was given where `null` is not a branch of
                // it: the type inside reads its description there.
                let without_null = walk.without_null(schema);
                stack.extend(walk.child(&inner, if std::ptr::eq(without_null, schema) { raw } else { without_null }));
            }
            TypeDetails::Vec(inner) | TypeDetails::Set(inner) | TypeDetails::Array(inner, _) => {
                if let Some(items) = schema.get("items").filter(|items| items.is_object()) {
                    stack.extend(walk.child(&inner, items));
                }
            }
            TypeDetails::Map(_, value) => {
                // The values of `additionalProperties`, the object's own or an `allOf` member's.
                if let Some(values) = walk.merged(schema).into_iter().find_map(|member| member.get("additionalProperties").filter(|values| values.is_object())) {
                    stack.extend(walk.child(&value, values));
                }
            }
            _ => {}
        }
        stack[children..].reverse();
    }
    enumerations_not_reached(space, definitions, &mut facts);
    facts
}

/// The enumerations of strings the walk did not reach, or reached where
/// they are not said (a type typify made of schemas merged where the walk
/// follows one): each is the first
/// enumeration in the definitions whose values typify names as it named
/// the variants, in order.
fn enumerations_not_reached(space: &TypeSpace, definitions: &BTreeMap<String, Value>, facts: &mut Facts) {
    // Each enumeration's values, and its description.
    let mut lists: Vec<(Vec<String>, Option<String>)> = Vec::new();
    for schema in definitions.values() {
        crate::walk::for_each_schema(schema, |map| {
            let description = map.get("description").and_then(Value::as_str).map(str::to_owned);
            lists.extend(enumeration_in(map).map(|values| (values.into_iter().map(str::to_owned).collect(), description)));
        });
    }
    for ty in space.iter_types() {
        let TypeDetails::Enum(details) = ty.details() else { continue };
        // Reached, with the names of its values.
        if facts.enums.get(&ty.name()).is_some_and(|origin| origin.json_names.iter().any(Option::is_some)) {
            continue;
        }
        let idents: Vec<&str> = details.variants().map(|(name, _)| name).collect();
        if idents.is_empty() || details.variants().any(|(_, v)| !matches!(v, TypeEnumVariant::Simple)) {
            continue;
        }
        let named_as = |values: &Vec<String>| values.len() == idents.len() && values.iter().zip(&idents).all(|(value, ident)| names_variant(value, ident));
        let mut found = lists.iter().filter(|(values, _)| named_as(values));
        if let Some((values, description)) = found.next() {
            let json_names = values.iter().map(|value| Some(value.clone())).collect();
            // Where other enumerations of the same values say another
            // description, any may be the one: none is taken.
            let description = if found.all(|(_, other)| other == description) { description.clone() } else { None };
            facts.enums.insert(ty.name(), EnumOrigin { description, tagging: Tagging::External, json_names, closed: None });
        }
    }
}

/// Where `target` (a schema inside one of `definitions`) stands: the
/// definition's name and the JSON pointer in it.
fn place_of(definitions: &BTreeMap<String, Value>, target: &Value) -> Option<(String, String)> {
    let target = target.as_object()?;
    definitions.iter().find_map(|(name, schema)| {
        let mut found = None;
        crate::walk::for_each_object(schema, |map, at| {
            if std::ptr::eq(map, target) {
                found = Some((name.clone(), at.to_owned()));
            }
        });
        found
    })
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
