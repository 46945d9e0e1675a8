//! The schemas as typify reads them: what a `$ref` stands for, an
//! object's properties with its `allOf` members' (and the object around a
//! union's), a union's branches and how typify tags it, and the property
//! each field typify made holds (a field's Rust name is typify's name for
//! the property, see [`typify_field_name`]). `facts.rs` walks typify's
//! types with it.

use std::collections::BTreeMap;

use serde_json::Value;
use typify_impl::{Type, TypeEnumVariant, TypeSpace};

use super::names::{Case, typify_field_name, typify_name};
use super::tagging::{self, Tagging};

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

/// The property a field holds: its JSON name (`None` for a field typify
/// flattens in: an `anyOf` member or the map of `additionalProperties`),
/// whether it is required, and its description.
#[derive(Debug, Default)]
pub(super) struct FieldOrigin {
    pub json_name: Option<String>,
    pub required: bool,
    pub description: Option<String>,
}

pub(super) struct Walk<'a> {
    pub(super) space: &'a TypeSpace,
    pub(super) definitions: &'a BTreeMap<String, Value>,
    /// The definitions by the names of the types typify made of them.
    pub(super) roots: &'a BTreeMap<String, &'a Value>,
    /// Schemas the walk makes: the objects typify merges into one type.
    pub(super) merges: &'a typed_arena::Arena<Value>,
}

/// The union an enum was made of: its branches (one per variant, or where
/// typify dropped some, all of them: see [`Walk::align`]), the object
/// typify merged into each branch (the schema around the union, where it
/// says more than the union), and whether typify tags it externally.
pub(super) struct Union<'v> {
    pub(super) branches: Vec<&'v Value>,
    pub(super) around: Option<&'v Value>,
    pub(super) tagging: Tagging,
    /// Each branch's variant's name in JSON, where it has one.
    pub(super) json_names: Vec<Option<String>>,
}

/// A field paired with its property: the property's name (`None` for a
/// field typify flattens in), its schema, the schema its field's type
/// follows where that is another (the values of `additionalProperties`),
/// and the property's facts.
pub(super) struct Paired<'v> {
    pub(super) json_name: Option<&'v str>,
    pub(super) schema: &'v Value,
    pub(super) type_schema: Option<&'v Value>,
    pub(super) required: bool,
    pub(super) facts: FieldFacts,
}

impl Paired<'_> {
    pub(super) fn origin(&self) -> FieldOrigin {
        FieldOrigin {
            json_name: self.json_name.map(str::to_owned),
            required: self.required,
            description: self.schema.get("description").and_then(Value::as_str).map(str::to_owned),
        }
    }
}

impl<'a> Walk<'a> {
    /// The type `id` with the schema it was made from; none for a type made
    /// of a definition, which the walk starts from with its own schema (the
    /// schema at hand may be a reference the walk cannot follow).
    pub(super) fn child<'v>(&self, id: &typify_impl::TypeId, schema: &'v Value) -> Option<(Type<'a>, &'v Value)>
    where
        'a: 'v,
    {
        self.space.get_type(id).ok().filter(|ty| !self.roots.contains_key(&ty.name())).map(|ty| (ty, schema))
    }

    /// The schema a `$ref` (or an `allOf`, `anyOf` or `oneOf` of one member) stands for.
    pub(super) fn resolve<'v>(&self, mut schema: &'v Value) -> &'v Value
    where
        'a: 'v,
    {
        for _ in 0..64 {
            if let Some(target) = crate::refs::definition_name(schema).and_then(|name| self.definitions.get(name)) {
                schema = target;
            } else if let Some([only]) = ["allOf", "anyOf", "oneOf"]
                .iter()
                .find_map(|key| schema.get(*key).and_then(Value::as_array))
                .map(Vec::as_slice)
                .filter(|_| !schema.get("properties").is_some_and(Value::is_object))
            {
                schema = only;
            } else {
                break;
            }
        }
        schema
    }

    /// The schema without its `null`: the one other branch of an
    /// `anyOf`/`oneOf` with `null`, or the schema itself.
    pub(super) fn without_null<'v>(&self, schema: &'v Value) -> &'v Value
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

    /// The union an enum of `count` variants was made of (see [`Union`]).
    pub(super) fn union<'v>(&self, schema: &'v Value, count: usize) -> Union<'v>
    where
        'a: 'v,
    {
        if let Some(slots) = external_variants(schema).filter(|slots| slots.len() == count) {
            let (json_names, slots): (Vec<_>, Vec<_>) = slots.into_iter().map(|(name, slot)| (Some(name), self.resolve(slot))).unzip();
            return Union { branches: slots, around: None, tagging: Tagging::External, json_names };
        }
        // The schema's own union, or one an `allOf` member brings: typify
        // merges the other members into each of its branches.
        let own = (schema, schema.get("properties").is_some().then_some(schema));
        let unions: Vec<(&'v Value, Option<&'v Value>)> = std::iter::once(own)
            .chain(self.merged(schema).into_iter().skip(1).map(|member| (member, Some(schema))))
            .filter(|(member, _)| ["oneOf", "anyOf"].iter().any(|key| member.get(*key).is_some_and(Value::is_array)))
            .collect();
        if let Some((member, branches, around)) = unions.iter().find_map(|(member, around)| Some((*member, self.union_branches(member, count)?, *around))) {
            return self.tagged(member, branches, around);
        }
        // A `type` of several names: a variant per type, each read from the
        // whole schema (an object's properties, an array's items).
        if schema.get("type").is_some_and(Value::is_array) {
            return Union { branches: vec![schema; count], around: None, tagging: Tagging::Untagged, json_names: vec![None; count] };
        }
        // typify dropped branches it found no value for: every branch, for
        // the variants to be aligned with (see [`Walk::align`]).
        let Some((member, around)) = unions.first() else { return Union { branches: Vec::new(), around: None, tagging: Tagging::Untagged, json_names: Vec::new() } };
        let branches = ["oneOf", "anyOf"].iter().find_map(|key| member.get(*key).and_then(Value::as_array)).into_iter().flatten();
        self.tagged(member, branches.map(|b| self.resolve(b)).filter(|b| !is_null(b)).collect(), *around)
    }

    /// The union of `branches` (of `member`'s `oneOf` or `anyOf`), tagged
    /// as typify tags it: reading the branches as given.
    pub(super) fn tagged<'v>(&self, member: &'v Value, branches: Vec<&'v Value>, around: Option<&'v Value>) -> Union<'v>
    where
        'a: 'v,
    {
        let (tagging, json_names) = match around {
            // typify merges each branch with the object around as an
            // `allOf` of both: no branch is a plain object to tag by.
            Some(_) => (Tagging::Untagged, vec![None; branches.len()]),
            None => {
                let given: Vec<&Value> = ["oneOf", "anyOf"].iter().find_map(|key| member.get(*key).and_then(Value::as_array)).into_iter().flatten().collect();
                let (tagging, names) = tagging::tagging(&given);
                // Tagged only where typify kept every branch.
                if given.len() == branches.len() { (tagging, names) } else { (Tagging::Untagged, vec![None; branches.len()]) }
            }
        };
        Union { branches, around, tagging, json_names }
    }

    /// The branch each variant was made of, by position: the branches in order where
    /// there is one per variant, else (typify dropped some) each variant's
    /// the next branch it fits, a struct variant one whose properties hold
    /// all its fields.
    pub(super) fn align<'v>(&self, variants: &[TypeEnumVariant<'_>], branches: &[&'v Value], parent: Option<&'v Value>) -> Vec<Option<usize>>
    where
        'a: 'v,
    {
        if branches.len() == variants.len() {
            return (0..branches.len()).map(Some).collect();
        }
        let mut next = 0;
        variants
            .iter()
            .map(|variant| {
                let fits = |branch: &&'v Value| match variant {
                    TypeEnumVariant::Struct(fields) => {
                        let fields: Vec<(String, typify_impl::TypeId)> = fields.iter().map(|(name, id)| ((*name).to_owned(), id.clone())).collect();
                        self.pair_variant(branch, parent, &fields).len() == fields.len()
                    }
                    _ => true,
                };
                let found = branches.iter().skip(next).position(fits)?;
                next += found + 1;
                Some(next - 1)
            })
            .collect()
    }

    /// The `oneOf` or `anyOf` branches of `schema`, where `count` of them
    /// are left once those typify drops are: `null` (an `Option` holds
    /// it), and branches of another type than the schema's own (merged
    /// with it, they hold no value).
    pub(super) fn union_branches<'v>(&self, schema: &'v Value, count: usize) -> Option<Vec<&'v Value>>
    where
        'a: 'v,
    {
        let own_type = schema.get("type").and_then(Value::as_str);
        let of_own_type = |branch: &Value| match (own_type, branch.get("type")) {
            (Some(own), Some(Value::String(theirs))) => own == theirs || (own == "number" && theirs == "integer"),
            (Some(own), Some(Value::Array(theirs))) => theirs.iter().any(|t| t == own),
            _ => true,
        };
        for key in ["oneOf", "anyOf"] {
            let Some(branches) = schema.get(key).and_then(Value::as_array) else { continue };
            let resolved: Vec<&Value> = branches.iter().map(|b| self.resolve(b)).collect();
            if resolved.len() == count {
                return Some(resolved);
            }
            let not_null: Vec<&Value> = resolved.into_iter().filter(|b| !is_null(b)).collect();
            if not_null.len() == count {
                return Some(not_null);
            }
            let typed: Vec<&Value> = not_null.into_iter().filter(|b| of_own_type(b)).collect();
            if typed.len() == count {
                return Some(typed);
            }
        }
        None
    }

    /// The `anyOf` typify flattens into a struct: the schema's own, or one
    /// an `allOf` member brings.
    pub(super) fn merged_any_of<'v>(&self, schema: &'v Value) -> Option<&'v Vec<Value>>
    where
        'a: 'v,
    {
        let schema = self.resolve(schema);
        schema.get("anyOf").and_then(Value::as_array).or_else(|| {
            schema.get("allOf").and_then(Value::as_array)?.iter().find_map(|member| self.resolve(member).get("anyOf").and_then(Value::as_array))
        })
    }

    /// The description typify documents an enum or newtype with, made of
    /// `raw` (`schema` resolved): typify merges the members of an `allOf`
    /// with the rules beside them, keeping only the description beside them.
    pub(super) fn description_of(&self, raw: &Value, schema: &Value) -> Option<String> {
        if merges_all_of(raw) { raw.get("description").and_then(Value::as_str).map(str::to_owned) } else { self.description(schema) }
    }

    /// What tells two schemas' types apart: their properties (`allOf`
    /// members' and union branches' merged in), types and values.
    pub(super) fn shape(&self, schema: &Value) -> Value {
        let members = self.merged(schema);
        let keyword = |key: &str| members.iter().find_map(|m| m.get(key)).cloned().unwrap_or(Value::Null);
        let properties: Vec<&str> = self.properties(schema).into_keys().collect();
        serde_json::json!({ "type": keyword("type"), "enum": keyword("enum"), "const": keyword("const"), "properties": properties })
    }

    /// The description typify documents a struct of `schema` with.
    pub(super) fn description(&self, schema: &Value) -> Option<String> {
        self.resolve(schema).get("description").and_then(Value::as_str).map(str::to_owned)
    }

    /// Whether an object schema, or any `allOf` member merged into it, says
    /// `additionalProperties: false`: typify's struct then refuses
    /// undeclared properties.
    pub(super) fn closed(&self, schema: &Value) -> bool {
        self.merged(schema).iter().any(|member| member.get("additionalProperties") == Some(&Value::Bool(false)))
    }

    /// An object schema and every `allOf` member typify merges into it,
    /// through `$ref`s (at most 256: a cycle of members ends).
    pub(super) fn merged<'v>(&self, schema: &'v Value) -> Vec<&'v Value>
    where
        'a: 'v,
    {
        let mut merged = Vec::new();
        let mut stack = vec![self.resolve(schema)];
        while let Some(schema) = stack.pop() {
            if merged.len() == 256 {
                break;
            }
            merged.push(schema);
            if let Some(members) = schema.get("allOf").and_then(Value::as_array) {
                stack.extend(members.iter().map(|m| self.resolve(m)));
            }
        }
        merged
    }

    /// The properties of an object schema, its `allOf` members' merged in.
    pub(super) fn properties<'v>(&self, schema: &'v Value) -> BTreeMap<&'v str, Property<'v>>
    where
        'a: 'v,
    {
        self.properties_with(schema, true)
    }

    /// The properties of an object schema, its `allOf` members' merged in,
    /// and where `with_unions`, those of the branches of its `anyOf` or
    /// `oneOf` (the object around a union has its own without them).
    pub(super) fn properties_with<'v>(&self, schema: &'v Value, with_unions: bool) -> BTreeMap<&'v str, Property<'v>>
    where
        'a: 'v,
    {
        let mut out: BTreeMap<&str, Property<'v>> = BTreeMap::new();
        for schema in self.merged(schema) {
            let required: Vec<&str> = schema.get("required").and_then(Value::as_array).map(|r| r.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
            if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
                for (name, property) in properties {
                    out.entry(name.as_str()).or_default().schemas.push(property);
                }
            }
            for name in required {
                out.entry(name).or_default().required = true;
            }
            // typify merges an `anyOf`/`oneOf` of objects it cannot tell
            // apart into one struct of every branch's properties.
            for key in ["anyOf", "oneOf"].into_iter().filter(|_| with_unions) {
                for branch in schema.get(key).and_then(Value::as_array).into_iter().flatten() {
                    let branch = self.resolve(branch);
                    for (name, property) in branch.get("properties").and_then(Value::as_object).into_iter().flatten() {
                        out.entry(name.as_str()).or_default().schemas.push(property);
                    }
                }
            }
        }
        out
    }

    /// Each field of `fields` (typify's names and types, in its order) that
    /// holds a property of `schema`, with the property.
    pub(super) fn pair<'v>(&self, schema: &'v Value, fields: &[(String, typify_impl::TypeId)]) -> Vec<(usize, Paired<'v>)>
    where
        'a: 'v,
    {
        self.pair_variant(schema, None, fields)
    }

    /// Each field of `fields` that holds a property of `schema` or, where a
    /// union's branch was merged with the object around the union, of
    /// `parent`, with the property.
    pub(super) fn pair_variant<'v>(&self, schema: &'v Value, parent: Option<&'v Value>, fields: &[(String, typify_impl::TypeId)]) -> Vec<(usize, Paired<'v>)>
    where
        'a: 'v,
    {
        let mut properties = self.properties(schema);
        // Each property's schemas in this branch and the object around it
        // itself, without the other branches' (which the walk's reading of
        // the object around takes in).
        let mut own: BTreeMap<&str, Vec<&Value>> = properties.iter().map(|(name, p)| (*name, p.schemas.clone())).collect();
        for (name, property) in parent.map(|p| self.properties_with(p, false)).unwrap_or_default() {
            own.entry(name).or_default().extend(property.schemas);
        }
        for (name, property) in parent.map(|p| self.properties(p)).unwrap_or_default() {
            let merged = properties.entry(name).or_default();
            merged.schemas.extend(property.schemas);
            merged.required |= property.required;
        }
        // Rust name -> the properties typify gave it, in its order.
        let mut by_rust: BTreeMap<String, Vec<(&'v str, &Property<'v>)>> = BTreeMap::new();
        for (name, property) in &properties {
            by_rust.entry(typify_field_name(name)).or_default().push((*name, property));
        }
        for holders in by_rust.values_mut() {
            holders.reverse();
        }
        let mut paired = Vec::new();
        for (index, (rust, _)) in fields.iter().enumerate() {
            if let Some((json_name, Property { schemas, required })) = by_rust.get_mut(rust).and_then(Vec::pop) {
                // The schema its type was made of: the first that says the
                // most (a branch may name a property the object around it
                // defines; two `allOf` members may define one, one of them
                // narrowing a few of its properties).
                // A required property the schema does not define is any JSON.
                let first = schemas.iter().rev().max_by_key(|s| says(s)).copied().unwrap_or(&ANY);
                // Objects declared in two places are one type of both.
                let objects: Vec<&Value> = schemas.iter().map(|s| self.resolve(s)).filter(|s| s.get("properties").is_some_and(Value::is_object)).collect();
                let type_schema = (objects.len() > 1).then(|| {
                    let mut merged = serde_json::json!({ "allOf": objects });
                    if let Some(description) = first.get("description") {
                        merged["description"] = description.clone();
                    }
                    &*self.merges.alloc(merged)
                });
                // Enumerations narrowing a property declared in several
                // places: typify's type holds the values all of them allow
                // (see `enumeration`).
                let type_schema = type_schema.or_else(|| {
                    let narrowing = own.get(json_name).unwrap_or(schemas);
                    let enumerating: Vec<&Value> = narrowing.iter().copied().filter(|s| enumeration(self.resolve(s)).is_some()).collect();
                    let lists: Vec<Option<Vec<&str>>> = enumerating.iter().map(|s| enumeration(self.resolve(s))).collect();
                    match enumerating.as_slice() {
                        [] => None,
                        // One enumeration, said alike wherever it is said.
                        _ if enumerating.iter().any(|s| std::ptr::eq(*s, first)) && lists.windows(2).all(|pair| pair[0] == pair[1]) => None,
                        // Merged, the type keeps no description.
                        _ => Some(&*self.merges.alloc(serde_json::json!({ "allOf": narrowing }))),
                    }
                });
                let facts = FieldFacts {
                    pii: schemas.iter().any(|s| s.get(PII) == Some(&Value::Bool(true))),
                    nullable_optional: !*required && schemas.iter().all(|s| allows_null(s)),
                };
                paired.push((index, Paired { json_name: Some(json_name), schema: first, type_schema, required: *required, facts }));
            } else if rust == "extra"
                && self.merged(schema).iter().any(|member| member.get("additionalProperties").is_some_and(Value::is_object))
            {
                paired.push((index, Paired { json_name: None, schema, type_schema: None, required: true, facts: FieldFacts::default() }));
            } else if let Some(n) = rust.strip_prefix("subtype_").and_then(|n| n.parse::<usize>().ok())
                && let Some(branch) = self.merged_any_of(schema).and_then(|b| b.get(n))
            {
                // A member of an `anyOf` of objects, flattened in: its own struct.
                paired.push((index, Paired { json_name: None, schema: self.resolve(branch), type_schema: None, required: false, facts: FieldFacts::default() }));
            }
        }
        paired
    }
}

/// The schemas of the variants of an externally tagged enum made of
/// `schema`'s `oneOf`, one per variant with its name in JSON: typify makes
/// one when every branch
/// is a plain string enumeration or constant (a variant per value, without
/// data; the branch itself is given) or an object of exactly one, required,
/// property (the variant's data is the property's schema).
pub(super) fn external_variants(schema: &Value) -> Option<Vec<(String, &Value)>> {
    // An `anyOf` typify takes for a `oneOf` (its branches exclude each
    // other), where no object around it is merged into each.
    let any_of = schema.get("anyOf").filter(|_| !schema.as_object().is_some_and(|map| map.contains_key("properties")));
    let branches = schema.get("oneOf").or(any_of)?.as_array()?;
    let mut slots = Vec::new();
    for branch in branches {
        let map = branch.as_object()?;
        // Annotations do not keep a branch from being plain for typify.
        let plain = |allowed: &[&str]| map.keys().all(|key| allowed.contains(&key.as_str()) || crate::walk::is_annotation(key));
        let typed_as = |name: &str| map.get("type").is_none_or(|t| t == name);
        if let Some(values) = map.get("enum").and_then(Value::as_array) {
            if !(typed_as("string") && values.iter().all(Value::is_string) && plain(&["enum", "type"])) {
                return None;
            }
            slots.extend(values.iter().filter_map(Value::as_str).map(|value| (value.to_owned(), branch)));
        } else if let Some(value) = map.get("const").and_then(Value::as_str)
            && typed_as("string")
            && plain(&["const", "type"])
        {
            slots.push((value.to_owned(), branch));
        } else {
            let properties = map.get("properties")?.as_object()?;
            let required = map.get("required")?.as_array()?;
            let closed_or_open = map.get("additionalProperties").is_none_or(|a| a == &Value::Bool(false));
            if !(typed_as("object") && properties.len() == 1 && required.len() == 1 && closed_or_open && plain(&["properties", "required", "additionalProperties", "type"])) {
                return None;
            }
            let (name, property) = properties.iter().next()?;
            slots.push((name.clone(), property));
        }
    }
    Some(slots)
}

/// Whether `null` is one of a schema's values (`type`, `enum`, `const`, or
/// a branch of its union).
pub(super) fn allows_null(schema: &Value) -> bool {
    let has_null = |v: Option<&Value>| match v {
        Some(Value::String(t)) => t == "null",
        Some(Value::Array(items)) => items.iter().any(|i| i == "null"),
        _ => false,
    };
    has_null(schema.get("type"))
        || schema.get("enum").and_then(Value::as_array).is_some_and(|e| e.contains(&Value::Null))
        || schema.get("const") == Some(&Value::Null)
        || ["anyOf", "oneOf"]
            .iter()
            .any(|k| schema.get(*k).and_then(Value::as_array).is_some_and(|subs| subs.iter().any(allows_null)))
}

/// How much a schema says of a type: its keywords other than
/// annotations, and its properties.
pub(super) fn says(schema: &Value) -> usize {
    let Some(map) = schema.as_object() else { return 0 };
    let properties = map.get("properties").and_then(Value::as_object).map_or(0, serde_json::Map::len);
    map.keys().filter(|key| !crate::walk::is_annotation(key)).count() + properties
}

/// The schema of any JSON.
pub(super) static ANY: Value = Value::Bool(true);

/// One property of an object schema: its schema in each `allOf` member
/// that declares it, and whether any member requires it.
#[derive(Default)]
pub(super) struct Property<'v> {
    pub(super) schemas: Vec<&'v Value>,
    pub(super) required: bool,
}

/// Whether typify names a variant `ident` after JSON name `json`: as it
/// names types, or (where that names two alike) with what cannot be in a
/// name and `_` made `X`.
pub(super) fn names_variant(json: &str, ident: &str) -> bool {
    typify_name(json, Case::Pascal) == ident || typify_name(&json.replace(|c: char| c == '_' || !unicode_ident::is_xid_continue(c), "X"), Case::Pascal) == ident
}

/// Whether typify merges a schema's `allOf` members with the rules beside
/// them.
pub(super) fn merges_all_of(schema: &Value) -> bool {
    let Some(map) = schema.as_object() else { return false };
    map.get("allOf").and_then(Value::as_array).is_some_and(|members| members.len() > 1 || map.keys().any(|key| key != "allOf" && !crate::walk::is_annotation(key)))
}

/// The strings an enumeration allows (`enum`, `const`), `null` aside.
pub(super) fn enumeration(schema: &Value) -> Option<Vec<&str>> {
    enumeration_in(schema.as_object()?)
}

pub(super) fn enumeration_in(schema: &serde_json::Map<String, Value>) -> Option<Vec<&str>> {
    match (schema.get("enum"), schema.get("const")) {
        (Some(Value::Array(values)), _) => Some(values.iter().filter_map(Value::as_str).collect()),
        (None, Some(Value::String(value))) => Some(vec![value.as_str()]),
        _ => None,
    }
}

pub(super) fn is_null(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("null")
}
