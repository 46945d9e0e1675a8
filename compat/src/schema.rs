//! The normalised model the checker compares: one schema node, with its
//! `$ref`s followed and its `allOf`s merged, flattened into a [`Flat`] (a
//! conjunction of keyword constraints). Subschemas stay unflattened as
//! [`Sub`]s (pointers into the document) so that recursive schemas are
//! only unfolded as far as a comparison walks.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde_json::{Map, Value};

use crate::number::Num;

/// Which document a pointer points into.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Side {
    Old,
    New,
}

/// Type bits. `number` is `INT | FRAC` so that `integer` ⊆ `number` is
/// plain set inclusion.
pub(crate) mod ty {
    pub const NULL: u8 = 1;
    pub const BOOL: u8 = 2;
    pub const OBJ: u8 = 4;
    pub const ARR: u8 = 8;
    pub const STR: u8 = 16;
    pub const INT: u8 = 32;
    pub const FRAC: u8 = 64;
    pub const NUM: u8 = INT | FRAC;
    pub const ALL: u8 = 127;

    pub fn from_name(name: &str) -> Option<u8> {
        Some(match name {
            "null" => NULL,
            "boolean" => BOOL,
            "object" => OBJ,
            "array" => ARR,
            "string" => STR,
            "integer" => INT,
            "number" => NUM,
            _ => return None,
        })
    }

    /// Names for messages: `number` when both number bits are set.
    pub fn names(bits: u8) -> String {
        let mut out = Vec::new();
        for (bit, name) in [
            (NULL, "null"),
            (BOOL, "boolean"),
            (OBJ, "object"),
            (ARR, "array"),
            (STR, "string"),
        ] {
            if bits & bit != 0 {
                out.push(name);
            }
        }
        match bits & NUM {
            NUM => out.push("number"),
            INT => out.push("integer"),
            FRAC => out.push("non-integer number"),
            _ => {}
        }
        if out.is_empty() {
            "nothing".to_owned()
        } else {
            out.join(", ")
        }
    }
}

/// The type bit of one JSON value.
pub(crate) fn type_of(value: &Value) -> u8 {
    match value {
        Value::Null => ty::NULL,
        Value::Bool(_) => ty::BOOL,
        Value::Object(_) => ty::OBJ,
        Value::Array(_) => ty::ARR,
        Value::String(_) => ty::STR,
        Value::Number(n) => {
            if n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0) {
                ty::INT
            } else {
                ty::FRAC
            }
        }
    }
}

/// Numbers by mathematical value, exactly (see [`Num`]).
fn numbers_eq(x: &serde_json::Number, y: &serde_json::Number) -> bool {
    match (Num::of(x), Num::of(y)) {
        (Some(a), Some(b)) => a == b,
        _ => x.as_f64() == y.as_f64(),
    }
}

/// JSON equality as JSON Schema defines it: `1` equals `1.0`.
pub(crate) fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => numbers_eq(x, y),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_eq(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

/// Appends one reference token to a JSON pointer, escaped.
pub(crate) fn push(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", jsonptr::Token::new(token).encoded())
}

/// A subschema: the conjunction of the schemas at `locs` in one document.
/// No locations means "anything"; `never` means "nothing" (a `false`, or a
/// property the writer never sends under the lenient policy).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Sub {
    pub side: Side,
    pub locs: Vec<String>,
    pub never: bool,
}

impl Sub {
    pub fn at(side: Side, pointer: String) -> Sub {
        Sub {
            side,
            locs: vec![pointer],
            never: false,
        }
    }

    pub fn anything(side: Side) -> Sub {
        Sub {
            side,
            locs: Vec::new(),
            never: false,
        }
    }

    pub fn nothing(side: Side) -> Sub {
        Sub {
            side,
            locs: Vec::new(),
            never: true,
        }
    }

    /// Both at once.
    pub fn and(&self, other: &Sub) -> Sub {
        let mut locs = self.locs.clone();
        for loc in &other.locs {
            if !locs.contains(loc) {
                locs.push(loc.clone());
            }
        }
        Sub {
            side: self.side,
            locs,
            never: self.never || other.never,
        }
    }

    /// The location a report names: the first one.
    pub fn pointer(&self) -> Option<&str> {
        self.locs.first().map(String::as_str)
    }

    /// An order-independent identity, for the recursion guard.
    pub fn key(&self) -> (Side, Vec<String>, bool) {
        let mut locs = self.locs.clone();
        locs.sort();
        locs.dedup();
        (self.side, locs, self.never)
    }
}

/// A bound on a number, a length or a count, with where it was declared.
#[derive(Clone, Debug)]
pub(crate) struct Bound<T> {
    pub value: T,
    pub exclusive: bool,
    pub at: String,
}

/// One object content model: a node's `properties`, `patternProperties`
/// and `additionalProperties`, which only make sense together (what
/// "additional" means depends on the node's own declared names).
#[derive(Clone, Debug)]
pub(crate) struct ObjectModel {
    /// The schema that declares it (the target of a `$ref`, not the
    /// place that refers to it).
    pub at: String,
    pub properties: BTreeMap<String, Sub>,
    pub patterns: Vec<(String, Sub)>,
    /// `None`: absent (everything allowed).
    pub additional: Option<Sub>,
}

/// One array model: the positional schemas and the schema for the rest.
#[derive(Clone, Debug)]
pub(crate) struct ArrayModel {
    pub prefix: Vec<Sub>,
    /// `None`: absent (everything allowed).
    pub rest: Option<Sub>,
    /// The keyword the rest came from (`items`, `additionalItems`), for pointers.
    pub rest_keyword: &'static str,
    pub prefix_keyword: &'static str,
}

#[derive(Clone, Debug)]
pub(crate) struct Contains {
    pub schema: Sub,
    pub min: u64,
    pub max: Option<u64>,
    pub at: String,
}

/// A disjunction (`anyOf` or `oneOf`) of subschemas.
#[derive(Clone, Debug)]
pub(crate) struct Group {
    pub branches: Vec<Sub>,
}

/// Something the checker cannot reason about (a dynamic reference, an
/// unresolvable `$ref`, `if`/`then`/`else`, a malformed keyword). It only
/// compares equal to the very same thing on the other side.
#[derive(Clone, Debug)]
pub(crate) struct Opaque {
    pub what: String,
    pub value: Value,
    pub at: String,
}

/// A schema node flattened into one conjunction of constraints.
#[derive(Clone, Debug)]
pub(crate) struct Flat {
    pub side: Side,
    /// The node's pointer, for reports.
    pub at: String,
    pub never: bool,
    pub types: u8,
    pub enums: Option<(Vec<Value>, String)>,
    pub lower: Option<Bound<Num>>,
    pub upper: Option<Bound<Num>>,
    pub multiple_of: Vec<(Num, String)>,
    pub min_length: Option<Bound<u64>>,
    pub max_length: Option<Bound<u64>>,
    pub patterns: Vec<(String, String)>,
    /// Only asserted under drafts 4 to 7; an annotation from 2019-09 on.
    pub formats: Vec<(String, String)>,
    pub min_items: Option<Bound<u64>>,
    pub max_items: Option<Bound<u64>>,
    pub unique_items: Option<String>,
    pub arrays: Vec<ArrayModel>,
    pub unevaluated_items: Option<Sub>,
    pub contains: Vec<Contains>,
    pub min_props: Option<Bound<u64>>,
    pub max_props: Option<Bound<u64>>,
    pub required: BTreeMap<String, String>,
    pub objects: Vec<ObjectModel>,
    pub unevaluated_props: Option<Sub>,
    pub dep_required: BTreeMap<String, (BTreeSet<String>, String)>,
    pub dep_schemas: Vec<(String, Sub)>,
    pub property_names: Vec<Sub>,
    pub any_of: Vec<Group>,
    pub one_of: Vec<Group>,
    pub not: Vec<Sub>,
    pub opaque: Vec<Opaque>,
}

impl Flat {
    pub fn anything(side: Side, at: String) -> Flat {
        Flat {
            side,
            at,
            never: false,
            types: ty::ALL,
            enums: None,
            lower: None,
            upper: None,
            multiple_of: Vec::new(),
            min_length: None,
            max_length: None,
            patterns: Vec::new(),
            formats: Vec::new(),
            min_items: None,
            max_items: None,
            unique_items: None,
            arrays: Vec::new(),
            unevaluated_items: None,
            contains: Vec::new(),
            min_props: None,
            max_props: None,
            required: BTreeMap::new(),
            objects: Vec::new(),
            unevaluated_props: None,
            dep_required: BTreeMap::new(),
            dep_schemas: Vec::new(),
            property_names: Vec::new(),
            any_of: Vec::new(),
            one_of: Vec::new(),
            not: Vec::new(),
            opaque: Vec::new(),
        }
    }

    /// True when the node asserts nothing at all (`{}`, `true`, or only
    /// annotations).
    pub fn is_anything(&self) -> bool {
        !self.never
            && self.types == ty::ALL
            && self.enums.is_none()
            && self.lower.is_none()
            && self.upper.is_none()
            && self.multiple_of.is_empty()
            && self.min_length.is_none()
            && self.max_length.is_none()
            && self.patterns.is_empty()
            && self.formats.is_empty()
            && self.min_items.is_none()
            && self.max_items.is_none()
            && self.unique_items.is_none()
            && self
                .arrays
                .iter()
                .all(|a| a.prefix.is_empty() && a.rest.is_none())
            && self.unevaluated_items.is_none()
            && self.contains.iter().all(|c| c.min == 0 && c.max.is_none())
            && self.min_props.is_none()
            && self.max_props.is_none()
            && self.required.is_empty()
            && self
                .objects
                .iter()
                .all(|o| o.properties.is_empty() && o.patterns.is_empty() && o.additional.is_none())
            && self.unevaluated_props.is_none()
            && self.dep_required.is_empty()
            && self.dep_schemas.is_empty()
            && self.property_names.is_empty()
            && self.any_of.is_empty()
            && self.one_of.is_empty()
            && self.not.is_empty()
            && self.opaque.is_empty()
    }

    /// Adds every constraint of `other` (same document): the result accepts
    /// what both accept.
    pub fn conj(&mut self, other: Flat) {
        self.never |= other.never;
        self.types &= other.types;
        self.enums = match (self.enums.take(), other.enums) {
            (None, e) | (e, None) => e,
            (Some((a, at)), Some((b, _))) => Some((
                a.into_iter()
                    .filter(|v| b.iter().any(|w| json_eq(v, w)))
                    .collect(),
                at,
            )),
        };
        self.lower = tighter(self.lower.take(), other.lower, |a, b| a > b);
        self.upper = tighter(self.upper.take(), other.upper, |a, b| a < b);
        self.multiple_of.extend(other.multiple_of);
        self.min_length = tighter(self.min_length.take(), other.min_length, |a, b| a > b);
        self.max_length = tighter(self.max_length.take(), other.max_length, |a, b| a < b);
        self.patterns.extend(other.patterns);
        self.formats.extend(other.formats);
        self.min_items = tighter(self.min_items.take(), other.min_items, |a, b| a > b);
        self.max_items = tighter(self.max_items.take(), other.max_items, |a, b| a < b);
        self.unique_items = self.unique_items.take().or(other.unique_items);
        self.arrays.extend(other.arrays);
        self.unevaluated_items = and_opt(self.unevaluated_items.take(), other.unevaluated_items);
        self.contains.extend(other.contains);
        self.min_props = tighter(self.min_props.take(), other.min_props, |a, b| a > b);
        self.max_props = tighter(self.max_props.take(), other.max_props, |a, b| a < b);
        for (name, at) in other.required {
            self.required.entry(name).or_insert(at);
        }
        self.objects.extend(other.objects);
        self.unevaluated_props = and_opt(self.unevaluated_props.take(), other.unevaluated_props);
        for (name, (deps, at)) in other.dep_required {
            self.dep_required
                .entry(name)
                .or_insert_with(|| (BTreeSet::new(), at))
                .0
                .extend(deps);
        }
        self.dep_schemas.extend(other.dep_schemas);
        self.property_names.extend(other.property_names);
        self.any_of.extend(other.any_of);
        self.one_of.extend(other.one_of);
        self.not.extend(other.not);
        self.opaque.extend(other.opaque);
    }

    /// Restricts to the instances of the types in `bits`.
    pub fn only(&self, bits: u8) -> Flat {
        let mut out = self.clone();
        out.types &= bits;
        out.finish();
        out
    }

    /// Derives what follows from the merged constraints: an enum limits
    /// the types, contradictory bounds empty a type, no type left is
    /// "nothing".
    pub fn finish(&mut self) {
        if let Some((values, _)) = &mut self.enums {
            let types = self.types;
            values.retain(|v| type_of(v) & types != 0);
            self.types &= values.iter().fold(0, |acc, v| acc | type_of(v));
        }
        if let (Some(lo), Some(hi)) = (&self.lower, &self.upper)
            && (lo.value > hi.value || (lo.value == hi.value && (lo.exclusive || hi.exclusive)))
        {
            self.types &= !ty::NUM;
        }
        // A number held to one integral value, or to multiples of an
        // integer, is an integer.
        let integral_point = matches!(
            (&self.lower, &self.upper),
            (Some(lo), Some(hi)) if !lo.exclusive && !hi.exclusive && lo.value == hi.value && lo.value.is_integral()
        );
        if integral_point || self.multiple_of.iter().any(|(m, _)| m.is_integral()) {
            self.types &= !ty::FRAC;
        }
        if let (Some(lo), Some(hi)) = (&self.min_length, &self.max_length)
            && lo.value > hi.value
        {
            self.types &= !ty::STR;
        }
        if let (Some(lo), Some(hi)) = (&self.min_items, &self.max_items)
            && lo.value > hi.value
        {
            self.types &= !ty::ARR;
        }
        if let (Some(lo), Some(hi)) = (&self.min_props, &self.max_props)
            && lo.value > hi.value
        {
            self.types &= !ty::OBJ;
        }
        if self.never {
            self.types = 0;
        }
        if self.types == 0 {
            self.never = true;
        }
    }

    /// Every name this node declares, in any of its content models.
    pub fn declared(&self, name: &str) -> bool {
        self.objects.iter().any(|m| {
            m.properties.contains_key(name)
                || m.patterns
                    .iter()
                    .any(|(p, _)| pattern_matches(p, name) != Some(false))
        })
    }

    /// True when no content model constrains undeclared names (every
    /// `additionalProperties` absent or `true`, no `unevaluatedProperties`).
    pub fn open_content(&self, is_anything: impl Fn(&Sub) -> bool) -> bool {
        self.objects
            .iter()
            .all(|m| m.additional.as_ref().is_none_or(&is_anything))
            && self.unevaluated_props.as_ref().is_none_or(&is_anything)
    }

    /// The schema a property `name` must satisfy: every content model's
    /// say on it, together.
    pub fn property(&self, name: &str) -> Sub {
        let mut out = Sub::anything(self.side);
        let mut evaluated = false;
        for model in &self.objects {
            // `properties` and every matching `patternProperties` apply
            // together; `additionalProperties` only when neither does.
            let mut matched = false;
            if let Some(schema) = model.properties.get(name) {
                out = out.and(schema);
                matched = true;
            }
            for (pattern, schema) in &model.patterns {
                // An unreadable pattern might match: assume it does (it
                // then constrains, the conservative reading for a reader).
                if pattern_matches(pattern, name) != Some(false) {
                    out = out.and(schema);
                    matched = true;
                }
            }
            evaluated |= matched;
            if !matched && let Some(additional) = &model.additional {
                out = out.and(additional);
                evaluated = true;
            }
        }
        if !evaluated && let Some(unevaluated) = &self.unevaluated_props {
            out = out.and(unevaluated);
        }
        out
    }

    /// The schema for a name matched by none of the patterns and declared
    /// nowhere.
    pub fn additional(&self) -> Sub {
        let mut out = Sub::anything(self.side);
        let mut evaluated = false;
        for model in &self.objects {
            if let Some(additional) = &model.additional {
                out = out.and(additional);
                evaluated = true;
            }
        }
        if !evaluated && let Some(unevaluated) = &self.unevaluated_props {
            out = out.and(unevaluated);
        }
        out
    }

    /// The schema the item at `index` must satisfy.
    pub fn item(&self, index: usize) -> Sub {
        let mut out = Sub::anything(self.side);
        let mut evaluated = false;
        for model in &self.arrays {
            if let Some(schema) = model.prefix.get(index) {
                out = out.and(schema);
                evaluated = true;
            } else if let Some(rest) = &model.rest {
                out = out.and(rest);
                evaluated = true;
            }
        }
        if !evaluated && let Some(unevaluated) = &self.unevaluated_items {
            out = out.and(unevaluated);
        }
        out
    }

    /// The longest positional list among the array models.
    pub fn prefix_len(&self) -> usize {
        self.arrays
            .iter()
            .map(|a| a.prefix.len())
            .max()
            .unwrap_or(0)
    }

    /// Whether an object instance always carries `name`.
    pub fn requires(&self, name: &str) -> bool {
        if self.required.contains_key(name) {
            return true;
        }
        // dependentRequired chains from a required name.
        let mut seen = BTreeSet::new();
        let mut todo: Vec<&str> = self.required.keys().map(String::as_str).collect();
        while let Some(n) = todo.pop() {
            if !seen.insert(n.to_owned()) {
                continue;
            }
            if let Some((deps, _)) = self.dep_required.get(n) {
                if deps.contains(name) {
                    return true;
                }
                todo.extend(deps.iter().map(String::as_str));
            }
        }
        false
    }
}

fn tighter<T: Copy + PartialEq>(
    a: Option<Bound<T>>,
    b: Option<Bound<T>>,
    stricter: impl Fn(T, T) -> bool,
) -> Option<Bound<T>> {
    match (a, b) {
        (None, x) | (x, None) => x,
        (Some(a), Some(b)) => {
            if stricter(b.value, a.value) || (b.value == a.value && b.exclusive && !a.exclusive) {
                Some(b)
            } else {
                Some(a)
            }
        }
    }
}

fn and_opt(a: Option<Sub>, b: Option<Sub>) -> Option<Sub> {
    match (a, b) {
        (None, x) | (x, None) => x,
        (Some(a), Some(b)) => Some(a.and(&b)),
    }
}

/// Whether an ECMA-262 `pattern` matches `text` anywhere; `None` when the
/// pattern does not compile.
pub(crate) fn pattern_matches(pattern: &str, text: &str) -> Option<bool> {
    let regex = regress::Regex::with_flags(pattern, "u")
        .or_else(|_| regress::Regex::new(pattern))
        .ok()?;
    Some(regex.find(text).is_some())
}

/// True when no name can match both patterns: both anchored at the start
/// with literal prefixes neither of which extends the other.
pub(crate) fn patterns_disjoint(a: &str, b: &str) -> bool {
    match (literal_prefix(a), literal_prefix(b)) {
        (Some(x), Some(y)) => !x.starts_with(&y) && !y.starts_with(&x),
        _ => false,
    }
}

fn literal_prefix(pattern: &str) -> Option<String> {
    let rest = pattern.strip_prefix('^')?;
    let prefix: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | ':' | ' '))
        .collect();
    // A quantifier right after the prefix would make its last char optional.
    let next = rest[prefix.len()..].chars().next();
    let prefix = if matches!(next, Some('?' | '*' | '{')) {
        let mut p = prefix;
        p.pop();
        p
    } else {
        prefix
    };
    (!prefix.is_empty()).then_some(prefix)
}

/// Which JSON Schema rules a document follows, where drafts differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Draft {
    /// Drafts 4, 6 and 7: `$ref` siblings are ignored, `format` may assert.
    Legacy,
    /// 2019-09, 2020-12, or unspecified.
    Modern,
}

/// One schema document.
pub(crate) struct Doc<'a> {
    pub side: Side,
    pub root: &'a Value,
    pub draft: Draft,
    /// Whether `format` restricts values here: up to draft 7, or where the
    /// set's validation asserts formats.
    pub asserts_formats: bool,
}

impl<'a> Doc<'a> {
    pub fn new(side: Side, root: &'a Value, formats: crate::Formats) -> Doc<'a> {
        let draft = match root.get("$schema").and_then(Value::as_str) {
            Some(s)
                if ["draft-03", "draft-04", "draft-06", "draft-07"]
                    .iter()
                    .any(|d| s.contains(d)) =>
            {
                Draft::Legacy
            }
            _ => Draft::Modern,
        };
        let asserts_formats = draft == Draft::Legacy || formats == crate::Formats::Asserted;
        Doc { side, root, draft, asserts_formats }
    }

    pub fn get(&self, pointer: &str) -> Option<&'a Value> {
        self.root.pointer(pointer)
    }

    /// Flattens a subschema: follows `$ref`s, merges `allOf`s.
    pub fn flatten(&self, sub: &Sub) -> Flat {
        let mut flat = Flat::anything(self.side, sub.pointer().unwrap_or("").to_owned());
        flat.never = sub.never;
        for loc in &sub.locs {
            let mut visiting = HashSet::new();
            self.merge(&mut flat, loc, &mut visiting);
        }
        flat.finish();
        self.bound_by_closed_content(&mut flat);
        flat
    }

    /// A closed object (`additionalProperties: false`, no patterns) has
    /// at most its declared properties: a `maxProperties` at or above
    /// their number says nothing, and a `minProperties` above it leaves
    /// no object at all.
    fn bound_by_closed_content(&self, flat: &mut Flat) {
        let is_false = |sub: &Sub| {
            sub.never
                || sub
                    .locs
                    .iter()
                    .any(|loc| self.get(loc) == Some(&Value::Bool(false)))
        };
        let Some(most) = flat
            .objects
            .iter()
            .filter(|model| model.patterns.is_empty() && model.additional.as_ref().is_some_and(is_false))
            .map(|model| model.properties.values().filter(|sub| !is_false(sub)).count() as u64)
            .min()
        else {
            return;
        };
        if flat.max_props.as_ref().is_some_and(|b| b.value >= most) {
            flat.max_props = None;
        }
        if flat.min_props.as_ref().is_some_and(|b| b.value > most) {
            flat.types &= !ty::OBJ;
            if flat.types == 0 {
                flat.never = true;
            }
        }
    }

    fn merge(&self, flat: &mut Flat, at: &str, visiting: &mut HashSet<String>) {
        if !visiting.insert(at.to_owned()) {
            // A reference cycle that consumes no instance: validation of it
            // would not terminate; nothing sensible can be said.
            flat.opaque.push(Opaque {
                what: "a $ref cycle".into(),
                value: Value::String(at.into()),
                at: at.into(),
            });
            return;
        }
        match self.get(at) {
            Some(Value::Bool(true)) => {}
            Some(Value::Bool(false)) => flat.never = true,
            Some(Value::Object(map)) => self.merge_object(flat, at, map, visiting),
            Some(other) => flat.opaque.push(Opaque {
                what: "a value that is not a schema".into(),
                value: other.clone(),
                at: at.into(),
            }),
            None => flat.opaque.push(Opaque {
                what: "a missing schema".into(),
                value: Value::String(at.into()),
                at: at.into(),
            }),
        }
        visiting.remove(at);
    }

    fn merge_object(
        &self,
        flat: &mut Flat,
        at: &str,
        map: &Map<String, Value>,
        visiting: &mut HashSet<String>,
    ) {
        if let Some(reference) = map.get("$ref") {
            match reference.as_str().and_then(|r| self.resolve(r)) {
                Some(target) => self.merge(flat, &target, visiting),
                None => flat.opaque.push(Opaque {
                    what: "an unresolvable $ref".into(),
                    value: reference.clone(),
                    at: push(at, "$ref"),
                }),
            }
            // Up to draft 7 a `$ref` replaces its siblings.
            if self.draft == Draft::Legacy {
                return;
            }
        }
        let mut own = Flat::anything(self.side, at.to_owned());
        let kw = |k: &str| push(at, k);
        for (key, value) in map {
            match key.as_str() {
                "type" => {
                    let names: Vec<&Value> = match value {
                        Value::Array(items) => items.iter().collect(),
                        one => vec![one],
                    };
                    let bits = names.iter().try_fold(0u8, |acc, n| {
                        n.as_str().and_then(ty::from_name).map(|b| acc | b)
                    });
                    match bits {
                        Some(bits) => own.types &= bits,
                        // An unknown type name: leave the types alone, and
                        // let the opaque entry make comparisons conservative.
                        None => own.opaque.push(malformed(&kw(key), value)),
                    }
                }
                "enum" => match value {
                    Value::Array(values) => own.conj_enum(values.clone(), kw(key)),
                    _ => own.opaque.push(malformed(&kw(key), value)),
                },
                "const" => own.conj_enum(vec![value.clone()], kw(key)),
                "minimum" | "exclusiveMinimum" | "maximum" | "exclusiveMaximum" => {
                    if value.is_boolean() {
                        continue; // draft 4's modifier, read with its bound below
                    }
                    let Some(number) = value.as_number().and_then(Num::of) else {
                        own.opaque.push(malformed(&kw(key), value));
                        continue;
                    };
                    let draft4 = |modifier: &str| {
                        map.get(modifier).and_then(Value::as_bool).unwrap_or(false)
                    };
                    let (lower, exclusive) = match key.as_str() {
                        "minimum" => (true, draft4("exclusiveMinimum")),
                        "maximum" => (false, draft4("exclusiveMaximum")),
                        "exclusiveMinimum" => (true, true),
                        _ => (false, true),
                    };
                    let bound = Some(Bound {
                        value: number,
                        exclusive,
                        at: kw(key),
                    });
                    if lower {
                        own.lower = tighter(own.lower.take(), bound, |a, b| a > b);
                    } else {
                        own.upper = tighter(own.upper.take(), bound, |a, b| a < b);
                    }
                }
                "multipleOf" => match value.as_number().and_then(Num::of) {
                    Some(m) if m > Num::Int(0) => own.multiple_of.push((m, kw(key))),
                    _ => own.opaque.push(malformed(&kw(key), value)),
                },
                "minLength" => own.min_length = count(&mut own.opaque, &kw(key), value),
                "maxLength" => own.max_length = count(&mut own.opaque, &kw(key), value),
                "minItems" => own.min_items = count(&mut own.opaque, &kw(key), value),
                "maxItems" => own.max_items = count(&mut own.opaque, &kw(key), value),
                "minProperties" => own.min_props = count(&mut own.opaque, &kw(key), value),
                "maxProperties" => own.max_props = count(&mut own.opaque, &kw(key), value),
                "pattern" => match value.as_str() {
                    Some(p) => own.patterns.push((p.to_owned(), kw(key))),
                    None => own.opaque.push(malformed(&kw(key), value)),
                },
                "format" if self.asserts_formats => {
                    if let Some(f) = value.as_str() {
                        own.formats.push((f.to_owned(), kw(key)));
                    }
                }
                "uniqueItems" if value.as_bool() == Some(true) => own.unique_items = Some(kw(key)),
                "required" => match value.as_array() {
                    Some(names) => {
                        for (i, name) in names.iter().enumerate() {
                            match name.as_str() {
                                Some(n) => {
                                    own.required
                                        .entry(n.to_owned())
                                        .or_insert_with(|| push(&kw(key), &i.to_string()));
                                }
                                None => own.opaque.push(malformed(&kw(key), value)),
                            }
                        }
                    }
                    // Draft 3's boolean `required` is not supported.
                    None => own.opaque.push(malformed(&kw(key), value)),
                },
                "allOf" => match value.as_array() {
                    Some(items) => {
                        for i in 0..items.len() {
                            self.merge(&mut own, &push(&kw(key), &i.to_string()), visiting);
                        }
                    }
                    None => own.opaque.push(malformed(&kw(key), value)),
                },
                "anyOf" | "oneOf" => match value.as_array() {
                    Some(items) => {
                        let group = Group {
                            branches: (0..items.len())
                                .map(|i| Sub::at(self.side, push(&kw(key), &i.to_string())))
                                .collect(),
                        };
                        if key == "anyOf" {
                            own.any_of.push(group)
                        } else {
                            own.one_of.push(group)
                        }
                    }
                    None => own.opaque.push(malformed(&kw(key), value)),
                },
                "not" => own.not.push(Sub::at(self.side, kw(key))),
                "dependencies" | "dependentRequired" | "dependentSchemas" => {
                    match value.as_object() {
                        Some(deps) => {
                            for (name, dep) in deps {
                                let dep_at = push(&kw(key), name);
                                match dep {
                                    Value::Array(names) if key != "dependentSchemas" => {
                                        let names: BTreeSet<String> = names
                                            .iter()
                                            .filter_map(|n| n.as_str().map(str::to_owned))
                                            .collect();
                                        own.dep_required
                                            .entry(name.clone())
                                            .or_insert_with(|| (BTreeSet::new(), dep_at))
                                            .0
                                            .extend(names);
                                    }
                                    Value::Object(_) | Value::Bool(_)
                                        if key != "dependentRequired" =>
                                    {
                                        own.dep_schemas
                                            .push((name.clone(), Sub::at(self.side, dep_at)));
                                    }
                                    _ => own.opaque.push(malformed(&dep_at, dep)),
                                }
                            }
                        }
                        None => own.opaque.push(malformed(&kw(key), value)),
                    }
                }
                "propertyNames" => own.property_names.push(Sub::at(self.side, kw(key))),
                "unevaluatedProperties" => {
                    own.unevaluated_props = Some(Sub::at(self.side, kw(key)))
                }
                "unevaluatedItems" => own.unevaluated_items = Some(Sub::at(self.side, kw(key))),
                "contains" => {
                    let number = |k: &str| map.get(k).and_then(Value::as_u64);
                    own.contains.push(Contains {
                        schema: Sub::at(self.side, kw(key)),
                        min: number("minContains").unwrap_or(1),
                        max: number("maxContains"),
                        at: kw(key),
                    });
                }
                "if" => {
                    let mut triple = Map::new();
                    for k in ["if", "then", "else"] {
                        if let Some(v) = map.get(k) {
                            triple.insert(k.to_owned(), v.clone());
                        }
                    }
                    // `if` alone asserts nothing.
                    if triple.len() > 1 {
                        own.opaque.push(Opaque {
                            what: "if/then/else".into(),
                            value: Value::Object(triple),
                            at: kw(key),
                        });
                    }
                }
                "$dynamicRef" | "$recursiveRef" => {
                    own.opaque.push(Opaque {
                        what: format!("a {key}"),
                        value: value.clone(),
                        at: kw(key),
                    });
                }
                // properties, items and friends are read together below;
                // everything else is an annotation or unknown (which JSON
                // Schema also ignores).
                _ => {}
            }
        }
        self.object_model(&mut own, at, map);
        self.array_model(&mut own, at, map);
        flat.conj(own);
    }

    fn object_model(&self, own: &mut Flat, at: &str, map: &Map<String, Value>) {
        let has = |k: &str| map.contains_key(k);
        if !(has("properties") || has("patternProperties") || has("additionalProperties")) {
            return;
        }
        let mut model = ObjectModel {
            at: at.to_owned(),
            properties: BTreeMap::new(),
            patterns: Vec::new(),
            additional: None,
        };
        if let Some(props) = map.get("properties") {
            match props.as_object() {
                Some(props) => {
                    for name in props.keys() {
                        model.properties.insert(
                            name.clone(),
                            Sub::at(self.side, push(&push(at, "properties"), name)),
                        );
                    }
                }
                None => own.opaque.push(malformed(&push(at, "properties"), props)),
            }
        }
        if let Some(patterns) = map.get("patternProperties") {
            match patterns.as_object() {
                Some(patterns) => {
                    for pattern in patterns.keys() {
                        model.patterns.push((
                            pattern.clone(),
                            Sub::at(self.side, push(&push(at, "patternProperties"), pattern)),
                        ));
                    }
                }
                None => own
                    .opaque
                    .push(malformed(&push(at, "patternProperties"), patterns)),
            }
        }
        if has("additionalProperties") {
            model.additional = Some(Sub::at(self.side, push(at, "additionalProperties")));
        }
        own.objects.push(model);
    }

    fn array_model(&self, own: &mut Flat, at: &str, map: &Map<String, Value>) {
        let list = |k: &str| -> Option<Vec<Sub>> {
            let items = map.get(k)?.as_array()?;
            Some(
                (0..items.len())
                    .map(|i| Sub::at(self.side, push(&push(at, k), &i.to_string())))
                    .collect(),
            )
        };
        let schema = |k: &str| {
            map.get(k)
                .filter(|v| v.is_object() || v.is_boolean())
                .map(|_| Sub::at(self.side, push(at, k)))
        };
        let model = if let Some(prefix) = list("prefixItems") {
            // 2020-12: `items` is the rest after `prefixItems`.
            Some(ArrayModel {
                prefix,
                rest: schema("items"),
                rest_keyword: "items",
                prefix_keyword: "prefixItems",
            })
        } else if let Some(prefix) = list("items") {
            // Up to 2019-09: an array `items` is positional and
            // `additionalItems` the rest; otherwise `additionalItems` is ignored.
            Some(ArrayModel {
                prefix,
                rest: schema("additionalItems"),
                rest_keyword: "additionalItems",
                prefix_keyword: "items",
            })
        } else {
            schema("items").map(|rest| ArrayModel {
                prefix: Vec::new(),
                rest: Some(rest),
                rest_keyword: "items",
                prefix_keyword: "items",
            })
        };
        if let Some(model) = model {
            own.arrays.push(model);
        }
    }

    /// A `$ref` to a pointer in this document: `#`, `#/json/pointer`,
    /// `#anchor`, or the document's own `$id` with either.
    pub fn resolve(&self, reference: &str) -> Option<String> {
        let fragment = match reference.find('#') {
            Some(hash) => {
                let base = &reference[..hash];
                if !base.is_empty() && !self.is_own_id(base) {
                    return self.find_id(reference);
                }
                &reference[hash + 1..]
            }
            None if reference.is_empty() || self.is_own_id(reference) => "",
            None => return self.find_id(reference),
        };
        if fragment.is_empty() {
            return Some(String::new());
        }
        if fragment.starts_with('/') {
            let pointer = percent_encoding::percent_decode_str(fragment).decode_utf8_lossy().into_owned();
            return self.get(&pointer).is_some().then_some(pointer);
        }
        find_anchor(self.root, "", fragment)
    }

    fn is_own_id(&self, base: &str) -> bool {
        ["$id", "id"].iter().any(|k| {
            self.root
                .get(*k)
                .and_then(Value::as_str)
                .is_some_and(|id| id.trim_end_matches('#') == base)
        })
    }

    /// A subschema whose `$id` is exactly `reference`.
    fn find_id(&self, reference: &str) -> Option<String> {
        fn walk(value: &Value, at: &str, target: &str) -> Option<String> {
            match value {
                Value::Object(map) => {
                    if map.get("$id").and_then(Value::as_str) == Some(target) {
                        return Some(at.to_owned());
                    }
                    map.iter().find_map(|(k, v)| walk(v, &push(at, k), target))
                }
                Value::Array(items) => items
                    .iter()
                    .enumerate()
                    .find_map(|(i, v)| walk(v, &push(at, &i.to_string()), target)),
                _ => None,
            }
        }
        walk(self.root, "", reference)
    }
}

impl Flat {
    fn conj_enum(&mut self, values: Vec<Value>, at: String) {
        self.enums = match self.enums.take() {
            None => Some((values, at)),
            Some((old, at)) => Some((
                old.into_iter()
                    .filter(|v| values.iter().any(|w| json_eq(v, w)))
                    .collect(),
                at,
            )),
        };
    }
}

fn find_anchor(value: &Value, at: &str, anchor: &str) -> Option<String> {
    match value {
        Value::Object(map) => {
            let named = map.get("$anchor").and_then(Value::as_str) == Some(anchor)
                || ["$id", "id"]
                    .iter()
                    .any(|k| map.get(*k).and_then(Value::as_str) == Some(&format!("#{anchor}")));
            if named {
                return Some(at.to_owned());
            }
            map.iter()
                .find_map(|(k, v)| find_anchor(v, &push(at, k), anchor))
        }
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| find_anchor(v, &push(at, &i.to_string()), anchor)),
        _ => None,
    }
}

fn malformed(at: &str, value: &Value) -> Opaque {
    Opaque {
        what: "a malformed keyword".into(),
        value: value.clone(),
        at: at.to_owned(),
    }
}

fn count(opaque: &mut Vec<Opaque>, at: &str, value: &Value) -> Option<Bound<u64>> {
    match value.as_u64().or_else(|| {
        value
            .as_f64()
            .filter(|f| *f >= 0.0 && f.fract() == 0.0)
            .map(|f| f as u64)
    }) {
        Some(n) => Some(Bound {
            value: n,
            exclusive: false,
            at: at.to_owned(),
        }),
        None => {
            opaque.push(malformed(at, value));
            None
        }
    }
}

/// Annotation keywords, compared only to report them.
pub(crate) const ANNOTATIONS: &[&str] = &[
    "title",
    "description",
    "default",
    "examples",
    "$comment",
    "$id",
    "id",
    "deprecated",
    "readOnly",
    "writeOnly",
    "contentMediaType",
    "contentEncoding",
];
