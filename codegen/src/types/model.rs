//! The type model of the generated types: every struct, enum and newtype
//! typify made, as data (fields with the JSON property each holds, the
//! Rust type of a present value, whether it may be absent or `null`, and
//! what the schema says of it beyond its type; enums' tagging and variant
//! names; newtypes' inner types), built from typify's type space and the
//! facts of the schemas typify was given. `shape.rs` shapes it as the
//! set's types are; `emit.rs`, `enums.rs` and `newtypes.rs` write the Rust.
//!
//! typify's API says each struct's fields, their Rust names, types and
//! whether they are required, each enum's variants with their fields'
//! names and types, and each newtype's inner type; it does not say which
//! JSON property a field holds, which fields it flattens in, whether a
//! variant's field is required, how an enum is tagged, or whether a type
//! is closed: those come from the schema, paired with the types by
//! `facts.rs`.

use std::collections::{BTreeMap, BTreeSet};

use typify_impl::{TypeDetails, TypeEnumVariant, TypeId, TypeSpace, TypeSpaceImpl};

use super::facts::{Facts, Tagging};
use super::type_ref::TypeRef;

/// A struct of the generated types.
pub(super) struct Struct {
    pub name: syn::Ident,
    /// Doc lines: typify's (the schema's `description`, or the name), and
    /// above them, for a payload, the event it carries.
    pub docs: Vec<String>,
    /// Undeclared properties are refused (`additionalProperties: false`).
    pub closed: bool,
    pub fields: Vec<Field>,
    /// The field that keeps undeclared properties, where the struct is open.
    pub unknown_properties: Option<syn::Ident>,
    /// An event's payload: its builder's `build()` checks the schema.
    pub payload: bool,
    /// No property is required: typify derives `Default`.
    pub every_property_optional: bool,
}

/// A field of a generated struct.
pub(super) struct Field {
    pub ident: syn::Ident,
    /// The JSON property it holds; `None` for a field flattened in.
    pub json_name: Option<String>,
    /// The name typify gave the field: where it is not the JSON name, typify
    /// renamed it in the attribute it writes first.
    pub typify_name: String,
    pub docs: Option<String>,
    /// The type of a present value.
    pub value: TypeRef,
    pub presence: Presence,
    /// The value is an integer, read as JSON Schema reads one (`1.0` is `1`).
    pub integer: bool,
    /// `x-pii`: redacted from `Debug` and `redacted()`.
    pub pii: bool,
    /// What `redacted()` puts in the place of a present value.
    pub blank: Blank,
    /// The builder's setter name, where the field's own name is taken.
    pub setter: Option<syn::Ident>,
}

/// The value that stands for a redacted one of a type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Blank {
    /// `"[redacted]"`: a string, or a newtype of one.
    Text,
    /// The type's `Default` (`0`, `false`, empty, `null`).
    Default,
    /// None the type has: an enum, a struct, a number or format type.
    None,
}

/// An enum of the generated types (a union, or an enumeration of strings):
/// its variants, how its values say their variant, and whether its struct
/// variants refuse undeclared properties.
pub(super) struct Enum {
    pub name: syn::Ident,
    /// typify's doc: the schema's description, or the name.
    pub docs: String,
    pub closed: bool,
    pub tagging: Tagging,
    pub variants: Vec<Variant>,
    pub text: Text,
}

/// How an enum converts from and to text (`FromStr`, `Display`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Text {
    None,
    /// Every variant a unit: its name in JSON.
    Names,
    /// Untagged: the text of the value its variant holds, where each
    /// variant's type has one.
    Held { from_str: bool, display: bool },
}

/// A variant of an enum, with the data it holds.
pub(super) struct Variant {
    pub ident: syn::Ident,
    /// Its name in JSON (the value of a string enumeration, the property
    /// of an externally tagged value, the tag's value), where it has one.
    pub json_name: Option<String>,
    pub docs: Option<String>,
    pub data: VariantData,
}

/// What a variant holds.
pub(super) enum VariantData {
    Unit,
    /// Values of these types, by position (typify is never given a tuple:
    /// `items` arrays go to validation, see `input.rs`; so one value is
    /// `V(T)`, never `V((T,))`);
    /// where it is one, whether it is personal data and what stands for it
    /// redacted; whether the enum is made `From` them (no other variant
    /// holds the same).
    Tuple { types: Vec<TypeRef>, from: bool, pii: bool, blank: Blank },
    /// Fields, as a struct's are, and the map of undeclared properties where
    /// the enum is open.
    Struct { fields: Vec<Field>, unknown_properties: Option<syn::Ident> },
}

impl Enum {
    /// Whether any variant holds personal data.
    pub fn has_personal_data(&self) -> bool {
        self.fields().any(|f| f.pii) || self.variants.iter().any(|v| matches!(v.data, VariantData::Tuple { pii: true, .. }))
    }

    /// The personal data `redacted()` cannot blank, by JSON name (a
    /// variant's value, by the variant's name).
    pub fn kept_personal_data(&self) -> Vec<String> {
        let fields = self.fields().filter(|f| f.keeps_personal_data()).map(json_name);
        let values = self.variants.iter().filter(|v| matches!(v.data, VariantData::Tuple { pii: true, blank: Blank::None, .. })).map(|v| v.ident.to_string());
        fields.chain(values).collect()
    }

    /// The fields of every struct variant.
    pub fn fields(&self) -> impl Iterator<Item = &Field> {
        self.variants.iter().flat_map(|v| match &v.data {
            VariantData::Struct { fields, .. } => fields.as_slice(),
            _ => &[],
        })
    }
}

/// A newtype of the generated types (`pub struct TenantId(pub Uuid)`): a
/// definition that is another type under its own name.
pub(super) struct Newtype {
    pub name: syn::Ident,
    /// typify's doc: the schema's description, or the name.
    pub docs: Vec<String>,
    pub inner: TypeRef,
    /// It holds a `String`: ordered, hashed, and made of any text.
    pub string: bool,
    /// It holds an integer (or an `Option` of one), read as JSON Schema
    /// reads one (`1.0` is `1`).
    pub integer: Option<IntegerRead>,
    /// The inner type has `Display`, `FromStr`.
    pub display: bool,
    pub from_str: bool,
}

/// How an integer inside a newtype is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum IntegerRead {
    Value,
    Option,
}

/// How a field's value may be missing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Presence {
    /// Always present, never `null`.
    Required,
    /// Always present, maybe `null` (`Option<T>`).
    RequiredNullable,
    /// Maybe absent, never `null` when present (`Option<T>`).
    Optional,
    /// Maybe absent, maybe `null`: two values (`Option<Option<T>>`).
    OptionalNullable,
    /// The members of another type merged into this object (an `anyOf`
    /// member, `Option<T>`, or the map of `additionalProperties`).
    Flattened { optional: bool },
}

impl Field {
    /// The field's Rust type.
    pub fn ty(&self) -> TypeRef {
        let value = self.value.clone();
        match self.presence {
            Presence::Required | Presence::Flattened { optional: false } => value,
            Presence::RequiredNullable | Presence::Optional | Presence::Flattened { optional: true } => TypeRef::Option(Box::new(value)),
            Presence::OptionalNullable => TypeRef::Option(Box::new(TypeRef::Option(Box::new(value)))),
        }
    }

    /// Personal data `redacted()` cannot blank: required, with no blank value.
    pub fn keeps_personal_data(&self) -> bool {
        self.pii && !self.is_option() && self.blank == Blank::None
    }

    /// Whether the field may be left out of a builder (its type is an `Option`).
    pub fn is_option(&self) -> bool {
        !matches!(self.presence, Presence::Required | Presence::Flattened { optional: false })
    }

    /// The name of the type a builder's setter takes by `impl Into`, where
    /// it takes one: the last segment of the value's path, unless `null` is
    /// a value too.
    pub fn held_type(&self) -> Option<String> {
        if self.presence == Presence::OptionalNullable {
            return None;
        }
        self.value.last_segment()
    }
}

/// The structs of a type space, in typify's order, named and shaped as the
/// set's types are.
pub(super) struct TypeModel {
    pub structs: Vec<Struct>,
    /// Each struct's position in `structs`, by name.
    by_name: BTreeMap<String, usize>,
    pub enums: Vec<Enum>,
    enums_by_name: BTreeMap<String, usize>,
    /// The fields no property of the schemas was found for, by type: their
    /// JSON names are taken to be their Rust names.
    pub unpaired: BTreeMap<String, Vec<String>>,
    /// The unions no schema was found for: taken to be untagged.
    pub unreached: Vec<String>,
    /// The names typify gave schemas of different shapes, with the places
    /// of the later schemas (see `Facts`).
    pub shared_names: BTreeMap<String, Vec<(String, String)>>,
    pub newtypes: Vec<Newtype>,
    newtypes_by_name: BTreeMap<String, usize>,
    /// Newtypes of a string (`StacItemId(String)`): made from `&str` too, and
    /// builders take them by `impl Into`.
    pub string_newtypes: BTreeSet<String>,
    /// The named types each named type holds, by name.
    pub uses: BTreeMap<String, BTreeSet<String>>,
}

/// Builds the model of every struct and enum in `space`.
pub(super) fn build(space: &TypeSpace, facts: &Facts) -> TypeModel {
    let mut structs = Vec::new();
    let mut enums = Vec::new();
    let mut unpaired = BTreeMap::new();
    let mut unreached = Vec::new();
    let mut string_newtypes = BTreeSet::new();
    let mut newtypes = Vec::new();
    let mut uses = BTreeMap::new();
    for ty in space.iter_types() {
        let name = ty.name();
        uses.insert(name.clone(), held_names(space, &ty));
        match ty.details() {
            TypeDetails::Struct(details) => {
                let origin = facts.of_struct(&name);
                let properties: Vec<_> = details.properties_info().collect();
                let fields = properties
                    .iter()
                    .enumerate()
                    .map(|(index, property)| {
                        let json_name = match origin.and_then(|o| o.fields.get(&index)) {
                            Some(field) => field.json_name.clone(),
                            // Not paired: typify's name is the property's.
                            None => {
                                unpaired.entry(name.clone()).or_insert_with(Vec::new).push(property.name.to_owned());
                                Some(property.name.to_owned())
                            }
                        };
                        let held = Held { name: property.name, type_id: &property.type_id, required: property.required, docs: property.description };
                        field(space, held, json_name, facts.of_struct_field(&name, index))
                    })
                    .collect();
                // typify's doc: the description, else the name.
                let docs = vec![origin.and_then(|o| o.description.clone()).unwrap_or_else(|| format!("`{name}`"))];
                structs.push(Struct {
                    docs,
                    closed: origin.is_some_and(|o| o.closed),
                    fields,
                    unknown_properties: None,
                    payload: false,
                    every_property_optional: properties.iter().all(|p| !p.required),
                    name: syn::Ident::new(&name, proc_macro2::Span::call_site()),
                });
            }
            TypeDetails::Enum(details) => enums.push(union(space, facts, &ty, &details, &mut unpaired, &mut unreached)),
            TypeDetails::Newtype(details) => {
                if wraps_a_string(space, &details) {
                    string_newtypes.insert(name.clone());
                }
                newtypes.push(newtype(space, facts, &name, &details));
            }
            _ => {}
        }
    }
    let by_name = structs.iter().enumerate().map(|(index, s)| (s.name.to_string(), index)).collect();
    let enums_by_name = enums.iter().enumerate().map(|(index, e)| (e.name.to_string(), index)).collect();
    let newtypes_by_name = newtypes.iter().enumerate().map(|(index, n)| (n.name.to_string(), index)).collect();
    TypeModel { structs, by_name, enums, enums_by_name, newtypes, newtypes_by_name, string_newtypes, uses, unpaired, unreached, shared_names: facts.shared_names.clone() }
}

/// The model of newtype `name`.
fn newtype(space: &TypeSpace, facts: &Facts, name: &str, details: &typify_impl::TypeNewtype<'_>) -> Newtype {
    let inner_id = details.inner();
    let inner = space.get_type(&inner_id);
    let has = |what: TypeSpaceImpl| inner.as_ref().is_ok_and(|t| t.has_impl(what));
    let string = wraps_a_string(space, details);
    let option_inner = inner.as_ref().ok().and_then(|t| match t.details() {
        TypeDetails::Option(held) => Some(held),
        _ => None,
    });
    let integer = if is_integer(space, &inner_id) {
        Some(IntegerRead::Value)
    } else {
        option_inner.filter(|held| is_integer(space, held)).map(|_| IntegerRead::Option)
    };
    Newtype {
        name: syn::Ident::new(name, proc_macro2::Span::call_site()),
        docs: vec![facts.newtype_description(name).map_or_else(|| format!("`{name}`"), str::to_owned)],
        inner: TypeRef::of(space, &inner_id),
        string,
        integer,
        display: has(TypeSpaceImpl::Display),
        from_str: !string && has(TypeSpaceImpl::FromStr),
    }
}

/// The named types (structs, enums, newtypes) type `ty` holds: its fields',
/// its variants' and its inner type's, through options, lists and maps.
fn held_names(space: &TypeSpace, ty: &typify_impl::Type<'_>) -> BTreeSet<String> {
    let mut ids: Vec<TypeId> = match ty.details() {
        TypeDetails::Struct(details) => details.properties().map(|(_, id)| id).collect(),
        TypeDetails::Enum(details) => details
            .variants()
            .flat_map(|(_, variant)| match variant {
                TypeEnumVariant::Simple => Vec::new(),
                TypeEnumVariant::Tuple(ids) => ids,
                TypeEnumVariant::Struct(fields) => fields.into_iter().map(|(_, id)| id).collect(),
            })
            .collect(),
        TypeDetails::Newtype(details) => vec![details.inner()],
        _ => Vec::new(),
    };
    let mut names = BTreeSet::new();
    let mut seen = BTreeSet::new();
    while let Some(id) = ids.pop() {
        if !seen.insert(id.clone()) {
            continue;
        }
        let Ok(held) = space.get_type(&id) else { continue };
        match held.details() {
            TypeDetails::Struct(_) | TypeDetails::Enum(_) | TypeDetails::Newtype(_) => drop(names.insert(held.name())),
            TypeDetails::Option(inner) | TypeDetails::Box(inner) | TypeDetails::Vec(inner) | TypeDetails::Set(inner) | TypeDetails::Array(inner, _) => ids.push(inner),
            TypeDetails::Map(key, value) => ids.extend([key, value]),
            TypeDetails::Tuple(items) => ids.extend(items),
            _ => {}
        }
    }
    names
}

/// The model of enum `ty`: its variants, with the fields of struct
/// variants as struct fields are (a property typify declares optional is
/// optional, the paired property says whether it is required).
fn union(space: &TypeSpace, facts: &Facts, ty: &typify_impl::Type<'_>, details: &typify_impl::TypeEnum<'_>, unpaired: &mut BTreeMap<String, Vec<String>>, unreached: &mut Vec<String>) -> Enum {
    let name = ty.name();
    let origin = facts.of_enum(&name);
    if origin.is_none() {
        unreached.push(name.clone());
    }
    let infos: Vec<_> = details.variants_info().collect();
    // typify makes the enum `From` the types of each variant no other holds,
    // a `String` aside.
    let mut holders: BTreeMap<Vec<TypeId>, usize> = BTreeMap::new();
    for info in &infos {
        if let TypeEnumVariant::Tuple(ids) = &info.details {
            *holders.entry(ids.clone()).or_default() += 1;
        }
    }
    let mut closed = false;
    let variants = infos
        .into_iter()
        .enumerate()
        .map(|(index, info)| {
            let ident = syn::Ident::new(info.name, proc_macro2::Span::call_site());
            let data = match info.details {
                TypeEnumVariant::Simple => VariantData::Unit,
                TypeEnumVariant::Tuple(ids) => {
                    let string = matches!(ids.as_slice(), [only] if space.get_type(only).is_ok_and(|t| matches!(t.details(), TypeDetails::String)));
                    let blank = match ids.as_slice() {
                        [only] => blank(space, only),
                        _ => Blank::None,
                    };
                    VariantData::Tuple {
                        types: ids.iter().map(|id| TypeRef::of(space, id)).collect(),
                        from: holders[&ids] == 1 && !string,
                        pii: facts.variant_is_personal(&name, index),
                        blank,
                    }
                }
                TypeEnumVariant::Struct(properties) => {
                    let origin = facts.of_variant(&name, index);
                    closed |= origin.is_some_and(|o| o.closed);
                    let fields = properties
                        .iter()
                        .enumerate()
                        .map(|(position, (property, type_id))| {
                            let paired = origin.and_then(|o| o.fields.get(&position));
                            if paired.is_none() {
                                unpaired.entry(name.clone()).or_default().push(format!("{}.{property}", info.name));
                            }
                            // Not paired: the property typify named so, required where its type is no `Option`.
                            let json_name = paired.map_or_else(|| Some((*property).to_owned()), |p| p.json_name.clone());
                            let required = paired.map_or_else(|| !is_option(space, type_id), |p| p.required);
                            let docs = paired.and_then(|p| p.description.as_deref());
                            let held = Held { name: property, type_id, required, docs };
                            field(space, held, json_name, facts.of_variant_field(&name, index, position))
                        })
                        .collect();
                    VariantData::Struct { fields, unknown_properties: None }
                }
            };
            let json_name = origin.and_then(|o| o.json_names.get(index).cloned().flatten());
            Variant { ident, json_name, docs: info.description.map(str::to_owned), data }
        })
        .collect::<Vec<_>>();
    let all_units = !variants.is_empty() && variants.iter().all(|v| matches!(v.data, VariantData::Unit));
    // Units with text are an enumeration of strings (an untagged enum has
    // at most one unit, and no text).
    let names = all_units && ty.has_impl(TypeSpaceImpl::Display);
    // No variant: typify's enum of no value (a schema nothing satisfies).
    let tagging = if variants.is_empty() { Tagging::External } else { origin.map_or(if names { Tagging::External } else { Tagging::Untagged }, |o| o.tagging.clone()) };
    closed |= variants.is_empty();
    if let Some(tagged) = origin.and_then(|o| o.closed) {
        closed = tagged;
    }
    let text = if names {
        Text::Names
    } else if ty.has_impl(TypeSpaceImpl::FromStr) || ty.has_impl(TypeSpaceImpl::Display) {
        Text::Held { from_str: ty.has_impl(TypeSpaceImpl::FromStr), display: ty.has_impl(TypeSpaceImpl::Display) }
    } else {
        Text::None
    };
    Enum {
        docs: origin.and_then(|o| o.description.clone()).unwrap_or_else(|| format!("`{name}`")),
        name: syn::Ident::new(&name, proc_macro2::Span::call_site()),
        closed,
        tagging,
        variants,
        text,
    }
}

fn is_option(space: &TypeSpace, id: &TypeId) -> bool {
    space.get_type(id).is_ok_and(|ty| matches!(ty.details(), TypeDetails::Option(_)))
}

/// A property as typify holds it in a struct or a struct variant.
struct Held<'a> {
    /// typify's field name.
    name: &'a str,
    type_id: &'a TypeId,
    required: bool,
    docs: Option<&'a str>,
}

/// The field typify made of property `held`.
fn field(space: &TypeSpace, held: Held<'_>, json_name: Option<String>, facts: super::facts::FieldFacts) -> Field {
    // typify folds an option of an option into one: the innermost is the value.
    let mut option_inner = None;
    let mut id = held.type_id.clone();
    while let Some(inner) = space.get_type(&id).ok().and_then(|ty| match ty.details() {
        TypeDetails::Option(inner) => Some(inner),
        _ => None,
    }) {
        option_inner = Some(inner.clone());
        id = inner;
    }
    let presence = match (&json_name, held.required, option_inner.is_some()) {
        (None, _, optional) => Presence::Flattened { optional },
        (Some(_), true, true) => Presence::RequiredNullable,
        (Some(_), true, false) => Presence::Required,
        (Some(_), false, _) if facts.nullable_optional => Presence::OptionalNullable,
        (Some(_), false, _) => Presence::Optional,
    };
    let value_id = option_inner.as_ref().unwrap_or(held.type_id);
    Field {
        ident: syn::Ident::new(held.name, proc_macro2::Span::call_site()),
        json_name,
        typify_name: held.name.to_owned(),
        docs: held.docs.map(str::to_owned),
        value: TypeRef::of(space, value_id),
        integer: is_integer(space, value_id),
        presence,
        pii: facts.pii,
        blank: blank(space, value_id),
        setter: None,
    }
}

/// What stands for a redacted value of type `id`.
fn blank(space: &TypeSpace, id: &TypeId) -> Blank {
    let Ok(ty) = space.get_type(id) else { return Blank::None };
    match ty.details() {
        TypeDetails::String => Blank::Text,
        TypeDetails::Newtype(newtype) if wraps_a_string(space, &newtype) => Blank::Text,
        TypeDetails::Vec(_) | TypeDetails::Set(_) | TypeDetails::Map(..) | TypeDetails::Unit => Blank::Default,
        TypeDetails::Builtin("bool" | "::serde_json::Value") => Blank::Default,
        TypeDetails::Builtin(_) if is_integer(space, id) => Blank::Default,
        _ => Blank::None,
    }
}

/// Whether a newtype holds a `String` (`StacItemId(String)`).
fn wraps_a_string(space: &TypeSpace, newtype: &typify_impl::TypeNewtype<'_>) -> bool {
    space.get_type(&newtype.inner()).is_ok_and(|inner| matches!(inner.details(), TypeDetails::String))
}

/// Integer types typify gives a JSON Schema `integer`.
pub(super) const INTEGERS: &[&str] = &[
    "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "NonZeroU8", "NonZeroU16", "NonZeroU32", "NonZeroU64", "NonZeroI8",
    "NonZeroI16", "NonZeroI32", "NonZeroI64",
];

fn is_integer(space: &TypeSpace, id: &TypeId) -> bool {
    space.get_type(id).is_ok_and(|ty| matches!(ty.details(), TypeDetails::Builtin(name) if INTEGERS.contains(&name.rsplit("::").next().unwrap_or(name))))
}

impl TypeModel {
    /// The structs and enums holding required personal data that has no
    /// blank value (see [`Blank`]), each by name with those fields' JSON
    /// names: they get no `redacted()`.
    pub fn unredactable(&self) -> Vec<(String, Vec<String>)> {
        let structs = self.structs.iter().map(|item| (item.name.to_string(), item.fields.iter().filter(|f| f.keeps_personal_data()).map(json_name).collect::<Vec<_>>()));
        let enums = self.enums.iter().map(|item| (item.name.to_string(), item.kept_personal_data()));
        structs.chain(enums).filter(|(_, fields)| !fields.is_empty()).collect()
    }

    /// The struct named `name`.
    pub fn get(&self, name: &str) -> Option<&Struct> {
        self.by_name.get(name).map(|&index| &self.structs[index])
    }

    /// The enum named `name`.
    pub fn get_enum(&self, name: &str) -> Option<&Enum> {
        self.enums_by_name.get(name).map(|&index| &self.enums[index])
    }

    /// The name of every type of the model (a name typify gave twice, twice).
    pub fn names(&self) -> Vec<String> {
        let structs = self.structs.iter().map(|s| s.name.to_string());
        let enums = self.enums.iter().map(|e| e.name.to_string());
        structs.chain(enums).chain(self.newtypes.iter().map(|n| n.name.to_string())).collect()
    }

    /// The newtype named `name`.
    pub fn get_newtype(&self, name: &str) -> Option<&Newtype> {
        self.newtypes_by_name.get(name).map(|&index| &self.newtypes[index])
    }
}

/// The JSON property a field holds, or (flattened in) its Rust name.
pub(super) fn json_name(field: &Field) -> String {
    field.json_name.clone().unwrap_or_else(|| field.ident.to_string().trim_start_matches("r#").to_owned())
}
