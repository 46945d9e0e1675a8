//! The type model shaped as the set's types are: field names made ASCII
//! and distinct, the map of undeclared properties where objects are open,
//! builder setters that do not meet, and payloads' docs naming their
//! event.

use std::collections::{BTreeMap, BTreeSet};

use super::facts::Tagging;
use super::model::{Field, Presence, Struct, Text, TypeModel, VariantData, json_name};
use crate::config::UnknownProperties;
use crate::model::ContractSet;

impl TypeModel {
    /// Shapes the structs as the set's types are: ASCII and distinct field
    /// names, the map of undeclared properties, distinct setter names and
    /// the docs of payloads.
    pub(super) fn shape(&mut self, set: &ContractSet) {
        let variant_fields = self.enums.iter_mut().flat_map(|e| &mut e.variants).filter_map(|v| match &mut v.data {
            VariantData::Struct { fields, .. } => Some(fields),
            _ => None,
        });
        for fields in self.structs.iter_mut().map(|s| &mut s.fields).chain(variant_fields) {
            ascii_field_names(fields);
            distinct_field_names(fields);
        }
        if set.unknown_properties == UnknownProperties::Keep {
            self.keep_unknown_properties();
        }
        for item in &mut self.structs {
            distinct_setter_names(item);
            document_payload(item, set);
        }
        for item in &mut self.newtypes {
            // A payload that is a newtype (a union, a `$ref`) opens its docs alike.
            if let Some(line) = payload_doc(set, &item.name.to_string()) {
                item.docs.splice(0..0, [line, String::new()]);
            }
        }
    }

    /// Open objects keep what their schema does not declare: every struct
    /// that is not closed gets a map that decoding fills with the undeclared
    /// properties and encoding writes back. Not a struct flattened into
    /// another (a member of an `anyOf` of objects: it takes only its own
    /// keys, the container keeps the rest), nor one that has the map of
    /// `additionalProperties` already.
    fn keep_unknown_properties(&mut self) {
        let flattened: BTreeSet<String> = self
            .structs
            .iter()
            .flat_map(|s| &s.fields)
            .filter(|f| matches!(f.presence, Presence::Flattened { .. }))
            .filter_map(Field::held_type)
            .collect();
        for item in &mut self.structs {
            // A flattened map takes every undeclared property already.
            if item.closed || item.fields.iter().any(is_flattened_map) || flattened.contains(&item.name.to_string()) {
                continue;
            }
            let taken: BTreeSet<String> = item.fields.iter().map(|f| f.ident.to_string()).collect();
            item.unknown_properties = Some(unknown_properties_ident(&taken));
        }
        // The struct variants of an open union alike: a property only one
        // branch declares is kept by the others.
        for item in self.enums.iter_mut().filter(|e| !e.closed) {
            let internal = matches!(item.tagging, Tagging::Internal { .. });
            for variant in &mut item.variants {
                // A value of a variant that holds only its tag is an object
                // all the same: it keeps what it does not declare too (and
                // is no longer text alone).
                if internal && matches!(variant.data, VariantData::Unit) {
                    variant.data = VariantData::Struct { fields: Vec::new(), unknown_properties: None };
                    item.text = Text::None;
                }
                let VariantData::Struct { fields, unknown_properties } = &mut variant.data else { continue };
                if !fields.iter().any(is_flattened_map) {
                    let taken: BTreeSet<String> = fields.iter().map(|f| f.ident.to_string()).collect();
                    *unknown_properties = Some(unknown_properties_ident(&taken));
                }
            }
        }
    }
}

/// The name of the map of undeclared properties beside fields named
/// `taken`: `unknown_properties`, numbered where that is taken.
fn unknown_properties_ident(taken: &BTreeSet<String>) -> syn::Ident {
    let name = (1..).map(|n| if n == 1 { "unknown_properties".to_owned() } else { format!("unknown_properties_{n}") }).find(|n| !taken.contains(n)).expect("a free name");
    syn::Ident::new(&name, proc_macro2::Span::call_site())
}

/// A map flattened in: it takes every undeclared property.
fn is_flattened_map(field: &Field) -> bool {
    matches!(field.presence, Presence::Flattened { .. }) && field.held_type().is_some_and(|t| t.ends_with("Map"))
}

/// Non-ASCII property names become ASCII fields renamed to the JSON name.
fn ascii_field_names(fields: &mut [Field]) {
    for field in fields {
        let name = field.ident.to_string();
        if !name.is_ascii() {
            field.ident = syn::parse_str(&crate::naming::ascii_field_name(&name)).expect("sanitised field name");
        }
    }
}

/// Two JSON properties that become one Rust field name (`asset-ref` and
/// `asset_ref`, `#` and `@`, `self` and `Self`) get distinct field names:
/// the property whose JSON name is the field name keeps it (else the first
/// by JSON name), the others take the next free `<name>_2`, `<name>_3`, ...
/// in the order of their JSON names. A schema the user does not own cannot
/// be renamed, so this is never an error.
fn distinct_field_names(fields: &mut [Field]) {
    let mut by_name: BTreeMap<String, Vec<(String, usize)>> = BTreeMap::new();
    for (index, field) in fields.iter().enumerate() {
        by_name.entry(field.ident.to_string()).or_default().push((json_name(field), index));
    }
    let mut taken: BTreeSet<String> = by_name.keys().cloned().collect();
    for (rust, mut holders) in by_name {
        if holders.len() < 2 {
            continue;
        }
        let bare = rust.trim_start_matches("r#").to_owned();
        holders.sort_by_key(|(json, _)| (json != &bare, json.clone()));
        for (_, index) in holders.into_iter().skip(1) {
            let name = (2..).map(|n| format!("{bare}_{n}")).find(|name| !taken.contains(name)).expect("a free name");
            taken.insert(name.clone());
            fields[index].ident = syn::parse_str(&crate::naming::module_name(&name)).expect("sanitised field name");
        }
    }
}

/// The builder's own methods (`build`, and a payload's `build_unchecked`).
const BUILDER_METHODS: &[&str] = &["build", "build_unchecked"];

/// bon names a field's setters after it (`x`, and `maybe_x` where it is
/// optional): a property called `build`, or `maybe_x` beside an optional
/// `x`, would give two methods one name. In field order, a field one of
/// whose setters is taken has them named `<field>_field` (numbered where
/// that is taken too).
fn distinct_setter_names(item: &mut Struct) {
    let setters = |name: &str, optional: bool| if optional { vec![name.to_owned(), format!("maybe_{name}")] } else { vec![name.to_owned()] };
    let mut taken: BTreeSet<String> = BUILDER_METHODS.iter().map(|m| (*m).to_owned()).collect();
    for field in &mut item.fields {
        let name = field.ident.to_string().trim_start_matches("r#").to_owned();
        let optional = field.is_option();
        let free = |candidate: &str, taken: &BTreeSet<String>| setters(candidate, optional).iter().all(|s| !taken.contains(s));
        if free(&name, &taken) {
            taken.extend(setters(&name, optional));
        } else {
            let new_name = (1..).map(|n| if n == 1 { format!("{name}_field") } else { format!("{name}_field{n}") }).find(|n| free(n, &taken)).expect("a free name");
            taken.extend(setters(&new_name, optional));
            field.setter = Some(syn::Ident::new(&new_name, proc_macro2::Span::call_site()));
        }
    }
}

/// Payload types open with the schema's title and the event they carry.
fn document_payload(item: &mut Struct, set: &ContractSet) {
    let Some(line) = payload_doc(set, &item.name.to_string()) else { return };
    item.payload = true;
    let blank = (!item.docs.is_empty()).then(String::new);
    item.docs.splice(0..0, std::iter::once(line).chain(blank));
}

/// The line a payload type's docs open with: the schema's title and the
/// event it carries (`None` for a type that is no payload).
fn payload_doc(set: &ContractSet, type_name: &str) -> Option<String> {
    let event = set.events.iter().find(|e| e.payload_type == type_name)?;
    Some(format!("{} (`{}` version {}).", event.title.as_deref().unwrap_or(&event.event), event.event_type, event.version))
}
