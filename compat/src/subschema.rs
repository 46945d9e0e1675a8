//! Schema inclusion: is every instance of the left schema an instance of
//! the right one? Each answer "no" comes with the reasons, as [`Issue`]s.
//!
//! The left side is the writer (old for backward, new for forward), the
//! right side the reader. The check is sound but incomplete: when it cannot
//! prove inclusion it reports a reason, so an unprovable change reads as
//! breaking. Recursion through `$ref`s is coinductive: a pair of subschemas
//! already being compared higher up is assumed included, which is what
//! makes two copies of a recursive schema compare equal, and terminate.

use std::collections::{BTreeSet, HashSet};

use serde_json::Value;

use crate::number::Num;

use super::schema::{
    ANNOTATIONS, Doc, Flat, Group, Side, Sub, json_eq, pattern_matches, patterns_disjoint, push,
    ty, type_of,
};
use super::{ChangeKind as K, Issue};

/// Work limit: a schema pair needing more steps is reported unsupported
/// rather than hanging the caller.
const BUDGET: usize = 200_000;
/// Nesting limit for comparisons that do not pass through a subschema
/// pointer (combinator branches, negations, instance checks).
const MAX_DEPTH: usize = 256;

type Key = (Side, Vec<String>, bool);

pub(crate) struct Checker<'a> {
    old: Doc<'a>,
    new: Doc<'a>,
    /// Pairs being compared further up: assumed included (coinduction).
    in_progress: HashSet<(Key, Key, bool)>,
    steps: usize,
    depth: usize,
}

impl<'a> Checker<'a> {
    pub fn new(old: &'a Value, new: &'a Value, formats: crate::Formats) -> Checker<'a> {
        Checker {
            old: Doc::new(Side::Old, old, formats),
            new: Doc::new(Side::New, new, formats),
            in_progress: HashSet::new(),
            steps: 0,
            depth: 0,
        }
    }

    /// Is the `writer`'s whole schema included in the other one?
    pub fn check(&mut self, writer: Side, lenient: bool) -> Vec<Issue> {
        let reader = if writer == Side::Old {
            Side::New
        } else {
            Side::Old
        };
        let issues = self.sub(
            &Sub::at(writer, String::new()),
            &Sub::at(reader, String::new()),
            lenient,
        );
        dedup(issues)
    }

    fn doc(&self, side: Side) -> &Doc<'a> {
        if side == Side::Old {
            &self.old
        } else {
            &self.new
        }
    }

    fn flat(&self, sub: &Sub) -> Flat {
        self.doc(sub.side).flatten(sub)
    }

    fn exhausted(&mut self) -> bool {
        self.steps += 1;
        self.steps > BUDGET || self.depth > MAX_DEPTH
    }

    fn too_complex(at: &str) -> Issue {
        Issue {
            kind: K::Unsupported,
            pointer: at.to_owned(),
            message:
                "the schemas are too large or too deeply nested to compare; treated as breaking"
                    .into(),
            annotation: false,
        }
    }

    /// Reasons `l` ⊄ `r`, for two subschemas.
    fn sub(&mut self, l: &Sub, r: &Sub, lenient: bool) -> Vec<Issue> {
        if l.never {
            return Vec::new();
        }
        if self.exhausted() {
            return vec![Self::too_complex(new_pointer(l, r))];
        }
        let key = (l.key(), r.key(), lenient);
        if !self.in_progress.insert(key.clone()) {
            return Vec::new();
        }
        let lf = self.flat(l);
        let rf = self.flat(r);
        let mut out = self.annotations(l, r);
        self.depth += 1;
        out.extend(self.flat_subset(&lf, &rf, lenient));
        self.depth -= 1;
        self.in_progress.remove(&key);
        out
    }

    /// Without reasons: just whether `l` ⊆ `r` is provable (strict).
    fn includes(&mut self, l: &Sub, r: &Sub) -> bool {
        !breaking(&self.sub(l, r, false))
    }

    fn includes_flat(&mut self, l: &Flat, r: &Flat) -> bool {
        self.depth += 1;
        let ok = !breaking(&self.flat_subset(l, r, false));
        self.depth -= 1;
        ok
    }

    /// Differences in annotations between the two nodes themselves.
    fn annotations(&self, l: &Sub, r: &Sub) -> Vec<Issue> {
        let (Some(lp), Some(rp)) = (l.pointer(), r.pointer()) else {
            return Vec::new();
        };
        let (Some(lv), Some(rv)) = (self.doc(l.side).get(lp), self.doc(r.side).get(rp)) else {
            return Vec::new();
        };
        let (new_at, new_doc) = if r.side == Side::New {
            (rp, self.doc(r.side))
        } else {
            (lp, self.doc(l.side))
        };
        let mut out = Vec::new();
        let mut keywords: Vec<&str> = ANNOTATIONS.to_vec();
        if !new_doc.asserts_formats {
            keywords.push("format");
        }
        for keyword in keywords {
            let (a, b) = (lv.get(keyword), rv.get(keyword));
            let same = match (a, b) {
                (Some(a), Some(b)) => json_eq(a, b),
                (None, None) => true,
                _ => false,
            };
            if same {
                continue;
            }
            let kind = match keyword {
                "title" => K::TitleChanged,
                "description" => K::DescriptionChanged,
                "default" => K::DefaultChanged,
                "examples" => K::ExamplesChanged,
                "$comment" => K::CommentChanged,
                "$id" | "id" => K::IdChanged,
                _ => K::AnnotationChanged,
            };
            out.push(Issue {
                kind,
                pointer: push(new_at, keyword),
                message: format!("`{keyword}` changed (an annotation: validation ignores it)"),
                annotation: true,
            });
        }
        out
    }

    /// Reasons `l` ⊄ `r`, for two flattened nodes.
    fn flat_subset(&mut self, l: &Flat, r: &Flat, lenient: bool) -> Vec<Issue> {
        if l.never {
            return Vec::new();
        }
        if self.exhausted() {
            return vec![Self::too_complex(&new_flat(l, r).at)];
        }
        // A disjunction on the writer's side: every branch must fit.
        if let Some((one_of, index)) = first_group(l) {
            let mut rest = l.clone();
            let group = if one_of {
                rest.one_of.remove(index)
            } else {
                rest.any_of.remove(index)
            };
            let mut out = Vec::new();
            for branch in &group.branches {
                let mut narrowed = rest.clone();
                narrowed.conj(self.flat(branch));
                narrowed.finish();
                self.depth += 1;
                out.extend(self.flat_subset(&narrowed, r, lenient));
                self.depth -= 1;
            }
            return out;
        }
        if r.is_anything() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for opaque in &r.opaque {
            if !l
                .opaque
                .iter()
                .any(|o| o.what == opaque.what && json_eq(&o.value, &opaque.value))
            {
                out.push(issue(
                    K::Unsupported,
                    if r.side == Side::New {
                        opaque.at.clone()
                    } else {
                        new_flat(l, r).at.clone()
                    },
                    format!(
                        "cannot compare {} ({}); treated as breaking",
                        opaque.what, opaque.value
                    ),
                ));
            }
        }
        if l.enums.is_some() {
            // Finitely many instances: check each one (exact).
            out.extend(self.enum_values(l, r));
            return out;
        }
        let lost = l.types & !r.types;
        if lost != 0 {
            out.push(issue(
                kind(l, K::TypeNarrowed, K::TypeExtended),
                new_flat(l, r).at.clone(),
                format!(
                    "{} {} (was {}, now {})",
                    ty::names(lost),
                    verb(l),
                    ty::names(old_flat(l, r).types),
                    ty::names(new_flat(l, r).types)
                ),
            ));
        }
        if let Some((values, at)) = &r.enums {
            out.push(self.enum_added(l, r, values, at));
        }
        let common = l.types & r.types;
        if common & ty::NUM != 0 {
            out.extend(self.numbers(l, r));
        }
        if common & ty::STR != 0 {
            out.extend(strings(l, r));
        }
        if common & ty::ARR != 0 {
            out.extend(self.arrays(l, r, lenient));
        }
        if common & ty::OBJ != 0 {
            out.extend(self.objects(l, r, lenient));
        }
        for not in &r.not {
            let forbidden = self.flat(not);
            if !self.disjoint(l, &forbidden) {
                out.push(issue(
                    K::NotChanged,
                    new_flat(l, r).at.clone(),
                    "the `not` schema now rejects instances the other schema accepts".into(),
                ));
            }
        }
        for (group, exclusive) in r
            .any_of
            .iter()
            .map(|g| (g, false))
            .chain(r.one_of.iter().map(|g| (g, true)))
        {
            match self.covered(l, group, exclusive, lenient) {
                Ok(annotations) => out.extend(annotations),
                Err(why) => out.push(issue(
                    kind(l, K::SumTypeNarrowed, K::SumTypeExtended),
                    new_flat(l, r).at.clone(),
                    why,
                )),
            }
        }
        out
    }

    /// `l` ⊆ anyOf/oneOf(`group`): some branch includes `l` (and, for oneOf,
    /// no other branch overlaps it). Tried on the whole of `l`, then type by
    /// type. Ok carries the matching branches' annotation changes.
    fn covered(
        &mut self,
        l: &Flat,
        group: &Group,
        exclusive: bool,
        lenient: bool,
    ) -> Result<Vec<Issue>, String> {
        let keyword = if exclusive { "oneOf" } else { "anyOf" };
        if let Some(found) = self.branch_for(l, group, exclusive, lenient) {
            return Ok(found);
        }
        let bits: Vec<u8> = (0..7)
            .map(|i| 1u8 << i)
            .filter(|b| l.types & b != 0)
            .collect();
        if bits.len() > 1 {
            let mut all = Vec::new();
            for bit in bits {
                let slice = l.only(bit);
                if slice.never {
                    continue;
                }
                match self.branch_for(&slice, group, exclusive, lenient) {
                    Some(found) => all.extend(found),
                    None => {
                        return Err(format!(
                            "no `{keyword}` branch accepts every {} instance",
                            ty::names(bit)
                        ));
                    }
                }
            }
            return Ok(all);
        }
        Err(if exclusive {
            "no `oneOf` branch accepts every instance on its own (or the branches overlap)".into()
        } else {
            "no `anyOf` branch accepts every instance".into()
        })
    }

    fn branch_for(
        &mut self,
        l: &Flat,
        group: &Group,
        exclusive: bool,
        lenient: bool,
    ) -> Option<Vec<Issue>> {
        for (i, branch) in group.branches.iter().enumerate() {
            let rf = self.flat(branch);
            self.depth += 1;
            let found = self.flat_subset(l, &rf, lenient);
            self.depth -= 1;
            if breaking(&found) {
                continue;
            }
            let alone = !exclusive
                || group
                    .branches
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != i)
                    .all(|(_, other)| {
                        let of = self.flat(other);
                        self.disjoint(l, &of)
                    });
            if alone {
                return Some(found);
            }
        }
        None
    }

    /// True when no instance can be valid under both (a proof, so `false`
    /// means "maybe").
    fn disjoint(&mut self, a: &Flat, b: &Flat) -> bool {
        if a.never || b.never || a.types & b.types == 0 {
            return true;
        }
        if self.exhausted() {
            return false;
        }
        self.depth += 1;
        let result = self.disjoint_inner(a, b) || self.disjoint_inner(b, a);
        self.depth -= 1;
        result
    }

    fn disjoint_inner(&mut self, a: &Flat, b: &Flat) -> bool {
        if let Some((values, _)) = &a.enums
            && values.iter().all(|v| self.validate(v, b) == Some(false))
        {
            return true;
        }
        // a ⊆ not(x) and b ⊆ x.
        for x in &a.not {
            let xf = self.flat(x);
            if self.includes_flat(b, &xf) {
                return true;
            }
        }
        for group in b.any_of.iter().chain(&b.one_of) {
            let branches: Vec<Flat> = group.branches.iter().map(|s| self.flat(s)).collect();
            if branches.iter().all(|branch| self.disjoint(a, branch)) {
                return true;
            }
        }
        let common = a.types & b.types;
        if common == ty::OBJ {
            // A property both must have, with values no instance satisfies
            // both ways: the usual discriminator.
            let names: BTreeSet<&String> = a.required.keys().collect();
            for name in names {
                let (x, y) = (self.flat(&a.property(name)), self.flat(&b.property(name)));
                if self.disjoint(&x, &y) {
                    return true;
                }
            }
        }
        if common & !ty::NUM == 0
            && let (Some(hi), Some(lo)) = (&a.upper, &b.lower)
            && (hi.value < lo.value || (hi.value == lo.value && (hi.exclusive || lo.exclusive)))
        {
            return true;
        }
        if common == ty::STR
            && let (Some(hi), Some(lo)) = (&a.max_length, &b.min_length)
            && hi.value < lo.value
        {
            return true;
        }
        // Arrays of lengths that do not meet (tuples of 1 and of 2 items).
        if common == ty::ARR
            && let (Some(hi), Some(lo)) = (&a.max_items, &b.min_items)
            && hi.value < lo.value
        {
            return true;
        }
        false
    }

    /// Each enum value of `l` against the whole of `r`.
    fn enum_values(&mut self, l: &Flat, r: &Flat) -> Vec<Issue> {
        let Some((values, _)) = &l.enums else {
            return Vec::new();
        };
        let mut rejected = Vec::new();
        let mut unknown = Vec::new();
        for value in values {
            match self.validate(value, r) {
                Some(true) => {}
                Some(false) => rejected.push(value.to_string()),
                None => unknown.push(value.to_string()),
            }
        }
        let mut out = Vec::new();
        let nf = new_flat(l, r);
        let at = nf
            .enums
            .as_ref()
            .map_or_else(|| push(&nf.at, "enum"), |(_, at)| at.clone());
        if !rejected.is_empty() {
            out.push(issue(
                kind(l, K::EnumNarrowed, K::EnumExtended),
                at.clone(),
                format!("{} {}", rejected.join(", "), verb(l)),
            ));
        }
        if !unknown.is_empty() {
            out.push(issue(
                K::Unsupported,
                at,
                format!(
                    "cannot tell whether {} is still accepted; treated as breaking",
                    unknown.join(", ")
                ),
            ));
        }
        out
    }

    /// `r` has an enum, `l` none: only a finite `l` can fit.
    fn enum_added(&mut self, l: &Flat, r: &Flat, values: &[Value], at: &str) -> Issue {
        let at = if r.side == Side::New {
            at.to_owned()
        } else {
            push(&new_flat(l, r).at, "enum")
        };
        let finite: Option<Vec<Value>> = match l.types {
            t if t == ty::NULL => Some(vec![Value::Null]),
            t if t == ty::BOOL => Some(vec![Value::Bool(true), Value::Bool(false)]),
            t if t == ty::NULL | ty::BOOL => {
                Some(vec![Value::Null, Value::Bool(true), Value::Bool(false)])
            }
            _ => None,
        };
        if let Some(all) = finite
            && all.iter().all(|v| values.iter().any(|w| json_eq(v, w)))
        {
            return issue(K::EnumAdded, at, String::new()).annotated();
        }
        issue(
            kind(l, K::EnumAdded, K::EnumRemoved),
            at,
            now(
                l,
                "values are now limited to an enum",
                "values are no longer limited to an enum",
            )
            .into(),
        )
    }

    fn numbers(&mut self, l: &Flat, r: &Flat) -> Vec<Issue> {
        let mut out = Vec::new();
        if let Some(rb) = &r.lower {
            let at = kw_pointer(
                l,
                r,
                l.lower.as_ref().map(|b| &b.at),
                Some(&rb.at),
                "minimum",
            );
            match &l.lower {
                None => out.push(issue(
                    kind(l, K::MinimumAdded, K::MinimumRemoved),
                    at,
                    format!("lower bound {} {}", rb.value, added_or_removed(l)),
                )),
                Some(lb)
                    if lb.value < rb.value
                        || (lb.value == rb.value && rb.exclusive && !lb.exclusive) =>
                {
                    out.push(issue(
                        kind(l, K::MinimumIncreased, K::MinimumDecreased),
                        at,
                        format!(
                            "lower bound {} -> {}",
                            bound_text(old_bound(l, r, &l.lower, &r.lower)),
                            bound_text(new_bound(l, r, &l.lower, &r.lower))
                        ),
                    ))
                }
                Some(_) => {}
            }
        }
        if let Some(rb) = &r.upper {
            let at = kw_pointer(
                l,
                r,
                l.upper.as_ref().map(|b| &b.at),
                Some(&rb.at),
                "maximum",
            );
            match &l.upper {
                None => out.push(issue(
                    kind(l, K::MaximumAdded, K::MaximumRemoved),
                    at,
                    format!("upper bound {} {}", rb.value, added_or_removed(l)),
                )),
                Some(lb)
                    if lb.value > rb.value
                        || (lb.value == rb.value && rb.exclusive && !lb.exclusive) =>
                {
                    out.push(issue(
                        kind(l, K::MaximumDecreased, K::MaximumIncreased),
                        at,
                        format!(
                            "upper bound {} -> {}",
                            bound_text(old_bound(l, r, &l.upper, &r.upper)),
                            bound_text(new_bound(l, r, &l.upper, &r.upper))
                        ),
                    ))
                }
                Some(_) => {}
            }
        }
        for (m, m_at) in &r.multiple_of {
            // Integers are multiples of 1, hence of any m that divides 1.
            if l.multiple_of.iter().any(|(k, _)| k.is_multiple_of(*m))
                || (l.types & ty::FRAC == 0 && Num::Int(1).is_multiple_of(*m))
            {
                continue;
            }
            let at = kw_pointer(
                l,
                r,
                l.multiple_of.first().map(|(_, a)| a),
                Some(m_at),
                "multipleOf",
            );
            if l.multiple_of.is_empty() {
                out.push(issue(
                    kind(l, K::MultipleOfAdded, K::MultipleOfRemoved),
                    at,
                    format!(
                        "{} multiples of {m}",
                        now(l, "values must now be", "values no longer need to be")
                    ),
                ));
            } else {
                let had: Vec<String> = l.multiple_of.iter().map(|(k, _)| k.to_string()).collect();
                out.push(issue(
                    kind(l, K::MultipleOfNarrowed, K::MultipleOfWidened),
                    at,
                    format!(
                        "multiples of {} are not all multiples of {m}",
                        had.join(", ")
                    ),
                ));
            }
        }
        out
    }

    fn arrays(&mut self, l: &Flat, r: &Flat, lenient: bool) -> Vec<Issue> {
        let mut out = counts(
            l,
            r,
            &l.min_items,
            &r.min_items,
            &l.max_items,
            &r.max_items,
            "minItems",
            "maxItems",
            COUNT_KINDS_ITEMS,
        );
        if let Some(at) = &r.unique_items
            && l.unique_items.is_none()
            && l.max_items.as_ref().is_none_or(|b| b.value > 1)
        {
            let at = if r.side == Side::New {
                at.clone()
            } else {
                push(&new_flat(l, r).at, "uniqueItems")
            };
            out.push(issue(
                kind(l, K::UniqueItemsAdded, K::UniqueItemsRemoved),
                at,
                now(
                    l,
                    "items must now be unique",
                    "items no longer need to be unique",
                )
                .into(),
            ));
        }
        let n = l.prefix_len().max(r.prefix_len());
        for i in 0..=n {
            if l.max_items.as_ref().is_some_and(|b| b.value <= i as u64) {
                break;
            }
            let (lv, rv) = (l.item(i), r.item(i));
            if self.flat(&lv).never {
                break; // no writer array reaches this index
            }
            let found = self.sub(&lv, &rv, lenient);
            if !breaking(&found) {
                out.extend(found);
                continue;
            }
            let (l_pos, r_pos) = (i < l.prefix_len(), i < r.prefix_len());
            let nf = new_flat(l, r);
            let new_model = nf.arrays.first();
            if i < n && l_pos && r_pos {
                out.extend(found);
            } else if i < n {
                let keyword = new_model.map_or("items", |m| m.prefix_keyword);
                let at = push(&push(&nf.at, keyword), &i.to_string());
                let k = if r_pos {
                    kind(l, K::ItemAdded, K::ItemRemoved)
                } else {
                    kind(l, K::ItemRemoved, K::ItemAdded)
                };
                out.push(issue(k, at, format!("item {i}: {}", first_message(&found))));
            } else if l.arrays.iter().any(|m| m.rest.is_some())
                && r.arrays.iter().any(|m| m.rest.is_some())
                && n == 0
            {
                out.extend(found);
            } else {
                let keyword = new_model.map_or("items", |m| m.rest_keyword);
                let at = push(&nf.at, keyword);
                out.push(issue(
                    kind(l, K::AdditionalItemsNarrowed, K::AdditionalItemsExtended),
                    at,
                    format!("items after position {n}: {}", first_message(&found)),
                ));
            }
        }
        for c in &r.contains {
            if c.min == 0 && c.max.is_none() {
                continue;
            }
            if !self.contains_holds(l, c) {
                let at = if r.side == Side::New {
                    c.at.clone()
                } else {
                    push(&new_flat(l, r).at, "contains")
                };
                out.push(issue(
                    kind(l, K::ContainsAdded, K::ContainsRemoved),
                    at,
                    format!(
                        "arrays {} contain {} to {} matching items",
                        now(l, "must now", "no longer need to"),
                        c.min,
                        c.max.map_or("any".into(), |m| m.to_string())
                    ),
                ));
            }
        }
        out
    }

    fn contains_holds(&mut self, l: &Flat, c: &super::schema::Contains) -> bool {
        let min_ok = c.min == 0
            || l.contains
                .clone()
                .iter()
                .any(|d| d.min >= c.min && self.includes(&d.schema, &c.schema))
            || self.guaranteed_matches(l, &c.schema) >= c.min;
        let max_ok = match c.max {
            None => true,
            Some(max) => {
                l.max_items.as_ref().is_some_and(|b| b.value <= max)
                    || l.contains.clone().iter().any(|d| {
                        d.max.is_some_and(|m| m <= max) && self.includes(&c.schema, &d.schema)
                    })
            }
        };
        min_ok && max_ok
    }

    /// How many items every array of `l` has that `schema` accepts: the
    /// positions below `minItems` whose item schema it includes.
    fn guaranteed_matches(&mut self, l: &Flat, schema: &Sub) -> u64 {
        let present = l.min_items.as_ref().map_or(0, |b| b.value);
        let prefix = l.prefix_len() as u64;
        let mut count = 0;
        for i in 0..present.min(prefix) {
            if self.includes(&l.item(i as usize), schema) {
                count += 1;
            }
        }
        if present > prefix && self.includes(&l.item(prefix as usize), schema) {
            count += present - prefix;
        }
        count
    }

    fn objects(&mut self, l: &Flat, r: &Flat, lenient: bool) -> Vec<Issue> {
        let mut out = counts(
            l,
            r,
            &l.min_props,
            &r.min_props,
            &l.max_props,
            &r.max_props,
            "minProperties",
            "maxProperties",
            COUNT_KINDS_PROPS,
        );
        // Lenient: an open writer only ever sent the names it declared.
        let closed_writer = lenient && l.open_content(|s| self.flat(s).is_anything());
        let writer_value = |name: &str| {
            if closed_writer && !l.declared(name) {
                Sub::nothing(l.side)
            } else {
                l.property(name)
            }
        };
        let nf = new_flat(l, r).clone();

        let mut names: BTreeSet<String> = BTreeSet::new();
        for model in l.objects.iter().chain(&r.objects) {
            names.extend(model.properties.keys().cloned());
        }
        names.extend(l.required.keys().cloned());
        names.extend(r.required.keys().cloned());
        for (name, (deps, _)) in &r.dep_required {
            names.insert(name.clone());
            names.extend(deps.iter().cloned());
        }
        names.extend(r.dep_schemas.iter().map(|(n, _)| n.clone()));

        // Names the writer's `propertyNames` refuse never carry a value.
        let refused: BTreeSet<&String> = names
            .iter()
            .filter(|name| {
                l.property_names.iter().any(|schema| {
                    let schema = self.flat(schema);
                    self.validate(&Value::String((*name).clone()), &schema) == Some(false)
                })
            })
            .collect();
        for name in &names {
            let lv = writer_value(name);
            if refused.contains(name) || self.flat(&lv).never {
                continue;
            }
            let rv = r.property(name);
            let found = self.sub(&lv, &rv, lenient);
            if !breaking(&found) {
                out.extend(found);
                continue;
            }
            let l_decl = l.objects.iter().any(|m| m.properties.contains_key(name));
            let r_decl = r.objects.iter().any(|m| m.properties.contains_key(name));
            let at = property_pointer(&nf, name);
            if l_decl == r_decl {
                out.extend(found);
            } else if r_decl {
                let why = if l.side == Side::Old {
                    "declared now; old data may carry it with values the new schema rejects"
                } else {
                    "no longer declared; new data may carry it with values the old schema rejects"
                };
                out.push(issue(
                    kind(l, K::PropertyAdded, K::PropertyRemoved),
                    at,
                    format!("`{name}`: {why} ({})", first_message(&found)),
                ));
            } else {
                out.push(issue(
                    kind(l, K::PropertyRemoved, K::PropertyAdded),
                    at,
                    format!(
                        "`{name}`: {} ({})",
                        now(
                            l,
                            "no longer declared, and the new content model rejects its old values",
                            "declared now, and the old content model rejects its values"
                        ),
                        first_message(&found)
                    ),
                ));
            }
        }

        for (name, at) in &r.required {
            if !l.requires(name) {
                // A name no longer required has no place of its own in the
                // new schema: its `required` array, or the object itself.
                let at = if r.side == Side::New {
                    at.clone()
                } else {
                    nf.required
                        .values()
                        .next()
                        .and_then(|kept| kept.rsplit_once('/'))
                        .map_or_else(|| nf.at.clone(), |(array, _)| array.to_owned())
                };
                out.push(issue(
                    kind(l, K::RequiredAdded, K::RequiredRemoved),
                    at,
                    format!(
                        "`{name}` is {}",
                        now(l, "now required", "no longer required")
                    ),
                ));
            }
        }
        for (name, (deps, at)) in &r.dep_required {
            if self.flat(&writer_value(name)).never {
                continue;
            }
            for dep in deps {
                let holds = l.requires(dep)
                    || l.dep_required
                        .get(name)
                        .is_some_and(|(d, _)| d.contains(dep));
                if !holds {
                    let at = if r.side == Side::New {
                        at.clone()
                    } else {
                        push(&push(&nf.at, "dependentRequired"), name)
                    };
                    out.push(issue(
                        kind(l, K::DependencyAdded, K::DependencyRemoved),
                        at,
                        format!(
                            "`{dep}` is {} when `{name}` is present",
                            now(l, "now required", "no longer required")
                        ),
                    ));
                }
            }
        }
        for (name, schema) in &r.dep_schemas {
            if self.flat(&writer_value(name)).never || self.flat(schema).is_anything() {
                continue;
            }
            let mine = l
                .dep_schemas
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, s)| s.clone());
            match mine {
                Some(theirs) => out.extend(self.sub(&theirs, schema, lenient)),
                None => {
                    let at = schema
                        .pointer()
                        .filter(|_| r.side == Side::New)
                        .map_or_else(
                            || push(&push(&nf.at, "dependentSchemas"), name),
                            str::to_owned,
                        );
                    out.push(issue(
                        kind(l, K::DependentSchemaAdded, K::DependentSchemaRemoved),
                        at,
                        format!(
                            "a schema {} when `{name}` is present",
                            now(l, "now applies", "no longer applies")
                        ),
                    ));
                }
            }
        }
        for names_schema in &r.property_names {
            let theirs = l.property_names.clone();
            if theirs.iter().any(|q| self.includes(q, names_schema)) {
                continue;
            }
            let closed = !closed_writer
                && l.objects.iter().all(|m| m.patterns.is_empty())
                && self.flat(&l.additional()).never;
            let declared: Vec<String> = l
                .objects
                .iter()
                .flat_map(|m| m.properties.keys().cloned())
                .collect();
            let nf2 = self.flat(names_schema);
            if (closed || closed_writer)
                && declared
                    .iter()
                    .all(|n| self.validate(&Value::String(n.clone()), &nf2) == Some(true))
            {
                continue;
            }
            out.push(issue(
                kind(l, K::PropertyNamesNarrowed, K::PropertyNamesExtended),
                nf.property_names
                    .first()
                    .and_then(Sub::pointer)
                    .map_or_else(|| push(object_at(&nf), "propertyNames"), str::to_owned),
                now(
                    l,
                    "property names are now restricted",
                    "property names are no longer restricted",
                )
                .into(),
            ));
        }

        // Names declared nowhere: the writer's additional schema against
        // whatever the reader applies to them.
        let l_add = if closed_writer {
            Sub::nothing(l.side)
        } else {
            l.additional()
        };
        if !self.flat(&l_add).never {
            let l_patterns: BTreeSet<&String> = l
                .objects
                .iter()
                .flat_map(|m| m.patterns.iter().map(|(p, _)| p))
                .collect();
            let mut targets = vec![r.additional()];
            for model in &r.objects {
                for (p, s) in &model.patterns {
                    if !l_patterns.contains(p) {
                        targets.push(s.clone());
                    }
                }
            }
            for target in targets {
                let found = self.sub(&l_add, &target, lenient);
                if breaking(&found) {
                    out.push(issue(
                        kind(
                            l,
                            K::AdditionalPropertiesNarrowed,
                            K::AdditionalPropertiesExtended,
                        ),
                        nf.objects
                            .iter()
                            .find_map(|m| m.additional.as_ref().and_then(Sub::pointer).map(str::to_owned))
                            .unwrap_or_else(|| push(object_at(&nf), "additionalProperties")),
                        format!("undeclared properties: {}", first_message(&found)),
                    ));
                    break;
                }
            }
        }
        // Names matched by a writer pattern.
        for model in &l.objects {
            for (pattern, schema) in &model.patterns {
                if self.flat(schema).never {
                    continue;
                }
                let mut target = Sub::anything(r.side);
                let mut evaluated = false;
                for rm in &r.objects {
                    let mut matched = false;
                    for (p, s) in &rm.patterns {
                        if p == pattern || !patterns_disjoint(p, pattern) {
                            target = target.and(s);
                            matched |= p == pattern;
                        }
                    }
                    evaluated |= matched;
                    if !matched && let Some(add) = &rm.additional {
                        target = target.and(add);
                        evaluated = true;
                    }
                }
                if !evaluated && let Some(u) = &r.unevaluated_props {
                    target = target.and(u);
                }
                let found = self.sub(schema, &target, lenient);
                if breaking(&found) {
                    out.push(issue(
                        kind(
                            l,
                            K::PatternPropertiesNarrowed,
                            K::PatternPropertiesExtended,
                        ),
                        push(&push(object_at(&nf), "patternProperties"), pattern),
                        format!("properties matching `{pattern}`: {}", first_message(&found)),
                    ));
                }
            }
        }
        out
    }

    /// Whether `value` is valid under `schema`; `None` when that depends
    /// on something the model does not evaluate (a `format`, an opaque
    /// keyword, an unreadable pattern).
    fn validate(&mut self, value: &Value, schema: &Flat) -> Option<bool> {
        if schema.never {
            return Some(false);
        }
        if self.exhausted() {
            return None;
        }
        self.depth += 1;
        let result = self.validate_inner(value, schema);
        self.depth -= 1;
        result
    }

    fn validate_sub(&mut self, value: &Value, sub: &Sub) -> Option<bool> {
        let flat = self.flat(sub);
        self.validate(value, &flat)
    }

    fn validate_inner(&mut self, value: &Value, s: &Flat) -> Option<bool> {
        let mut known = true;
        let mut check = |result: Option<bool>| -> Result<(), ()> {
            match result {
                Some(false) => Err(()),
                Some(true) => Ok(()),
                None => {
                    known = false;
                    Ok(())
                }
            }
        };
        let outcome: Result<(), ()> = (|| {
            check(if s.opaque.is_empty() {
                Some(true)
            } else {
                None
            })?;
            check(Some(type_of(value) & s.types != 0))?;
            if let Some((values, _)) = &s.enums {
                check(Some(values.iter().any(|v| json_eq(v, value))))?;
            }
            match value {
                Value::Number(n) => {
                    let x = Num::of(n).unwrap_or(Num::Int(0));
                    if let Some(b) = &s.lower {
                        check(Some(x > b.value || (x == b.value && !b.exclusive)))?;
                    }
                    if let Some(b) = &s.upper {
                        check(Some(x < b.value || (x == b.value && !b.exclusive)))?;
                    }
                    for (m, _) in &s.multiple_of {
                        check(Some(x.is_multiple_of(*m)))?;
                    }
                }
                Value::String(text) => {
                    let length = text.chars().count() as u64;
                    if let Some(b) = &s.min_length {
                        check(Some(length >= b.value))?;
                    }
                    if let Some(b) = &s.max_length {
                        check(Some(length <= b.value))?;
                    }
                    for (p, _) in &s.patterns {
                        check(pattern_matches(p, text))?;
                    }
                    if !s.formats.is_empty() {
                        check(None)?;
                    }
                }
                Value::Array(items) => {
                    let len = items.len() as u64;
                    if let Some(b) = &s.min_items {
                        check(Some(len >= b.value))?;
                    }
                    if let Some(b) = &s.max_items {
                        check(Some(len <= b.value))?;
                    }
                    if s.unique_items.is_some() {
                        let unique = items
                            .iter()
                            .enumerate()
                            .all(|(i, a)| items[i + 1..].iter().all(|b| !json_eq(a, b)));
                        check(Some(unique))?;
                    }
                    for (i, item) in items.iter().enumerate() {
                        check(self.validate_sub(item, &s.item(i)))?;
                    }
                    for c in &s.contains {
                        let mut matching = 0u64;
                        for item in items {
                            match self.validate_sub(item, &c.schema) {
                                Some(true) => matching += 1,
                                Some(false) => {}
                                None => check(None)?,
                            }
                        }
                        check(Some(
                            matching >= c.min && c.max.is_none_or(|m| matching <= m),
                        ))?;
                    }
                }
                Value::Object(map) => {
                    let len = map.len() as u64;
                    if let Some(b) = &s.min_props {
                        check(Some(len >= b.value))?;
                    }
                    if let Some(b) = &s.max_props {
                        check(Some(len <= b.value))?;
                    }
                    for name in s.required.keys() {
                        check(Some(map.contains_key(name)))?;
                    }
                    for (name, v) in map {
                        check(self.validate_sub(v, &s.property(name)))?;
                        for names in &s.property_names {
                            check(self.validate_sub(&Value::String(name.clone()), names))?;
                        }
                    }
                    for (name, (deps, _)) in &s.dep_required {
                        if map.contains_key(name) {
                            check(Some(deps.iter().all(|d| map.contains_key(d))))?;
                        }
                    }
                    for (name, schema) in &s.dep_schemas {
                        if map.contains_key(name) {
                            check(self.validate_sub(value, schema))?;
                        }
                    }
                }
                _ => {}
            }
            for (group, exclusive) in s
                .any_of
                .iter()
                .map(|g| (g, false))
                .chain(s.one_of.iter().map(|g| (g, true)))
            {
                let results: Vec<Option<bool>> = group
                    .branches
                    .iter()
                    .map(|b| self.validate_sub(value, b))
                    .collect();
                let yes = results.iter().filter(|r| **r == Some(true)).count();
                let maybe = results.iter().filter(|r| r.is_none()).count();
                let result = if exclusive {
                    if yes > 1 {
                        Some(false)
                    } else if maybe > 0 {
                        None
                    } else {
                        Some(yes == 1)
                    }
                } else if yes > 0 {
                    Some(true)
                } else if maybe > 0 {
                    None
                } else {
                    Some(false)
                };
                check(result)?;
            }
            for not in &s.not {
                check(self.validate_sub(value, not).map(|b| !b))?;
            }
            Ok(())
        })();
        match outcome {
            Err(()) => Some(false),
            Ok(()) if known => Some(true),
            Ok(()) => None,
        }
    }
}

/// Kinds for (added, removed, increased, decreased) of a minimum and a maximum count.
struct CountKinds {
    min: [K; 4],
    max: [K; 4],
}

const COUNT_KINDS_ITEMS: CountKinds = CountKinds {
    min: [
        K::MinItemsAdded,
        K::MinItemsRemoved,
        K::MinItemsIncreased,
        K::MinItemsDecreased,
    ],
    max: [
        K::MaxItemsAdded,
        K::MaxItemsRemoved,
        K::MaxItemsIncreased,
        K::MaxItemsDecreased,
    ],
};
const COUNT_KINDS_PROPS: CountKinds = CountKinds {
    min: [
        K::MinPropertiesAdded,
        K::MinPropertiesRemoved,
        K::MinPropertiesIncreased,
        K::MinPropertiesDecreased,
    ],
    max: [
        K::MaxPropertiesAdded,
        K::MaxPropertiesRemoved,
        K::MaxPropertiesIncreased,
        K::MaxPropertiesDecreased,
    ],
};
const COUNT_KINDS_LENGTH: CountKinds = CountKinds {
    min: [
        K::MinLengthAdded,
        K::MinLengthRemoved,
        K::MinLengthIncreased,
        K::MinLengthDecreased,
    ],
    max: [
        K::MaxLengthAdded,
        K::MaxLengthRemoved,
        K::MaxLengthIncreased,
        K::MaxLengthDecreased,
    ],
};

type CountBound = Option<super::schema::Bound<u64>>;

/// A minimum and a maximum count (length, items, properties): the reader's
/// range must contain the writer's.
#[allow(clippy::too_many_arguments)]
fn counts(
    l: &Flat,
    r: &Flat,
    l_min: &CountBound,
    r_min: &CountBound,
    l_max: &CountBound,
    r_max: &CountBound,
    min_kw: &str,
    max_kw: &str,
    kinds: CountKinds,
) -> Vec<Issue> {
    let mut out = Vec::new();
    let [added, removed, increased, decreased] = kinds.min;
    if let Some(rb) = r_min
        && rb.value > 0
    {
        let at = kw_pointer(l, r, l_min.as_ref().map(|b| &b.at), Some(&rb.at), min_kw);
        match l_min {
            None => out.push(issue(
                kind(l, added, removed),
                at,
                format!("`{min_kw}` {} {}", rb.value, added_or_removed(l)),
            )),
            Some(lb) if lb.value < rb.value => {
                let (old, new) = if l.side == Side::Old {
                    (lb.value, rb.value)
                } else {
                    (rb.value, lb.value)
                };
                out.push(issue(
                    kind(l, increased, decreased),
                    at,
                    format!("`{min_kw}` {old} -> {new}"),
                ));
            }
            Some(_) => {}
        }
    }
    let [added, removed, increased, decreased] = kinds.max;
    if let Some(rb) = r_max {
        let at = kw_pointer(l, r, l_max.as_ref().map(|b| &b.at), Some(&rb.at), max_kw);
        match l_max {
            None => out.push(issue(
                kind(l, added, removed),
                at,
                format!("`{max_kw}` {} {}", rb.value, added_or_removed(l)),
            )),
            Some(lb) if lb.value > rb.value => {
                let (old, new) = if l.side == Side::Old {
                    (lb.value, rb.value)
                } else {
                    (rb.value, lb.value)
                };
                out.push(issue(
                    kind(l, decreased, increased),
                    at,
                    format!("`{max_kw}` {old} -> {new}"),
                ));
            }
            Some(_) => {}
        }
    }
    out
}

fn strings(l: &Flat, r: &Flat) -> Vec<Issue> {
    let mut out = counts(
        l,
        r,
        &l.min_length,
        &r.min_length,
        &l.max_length,
        &r.max_length,
        "minLength",
        "maxLength",
        COUNT_KINDS_LENGTH,
    );
    for (keyword, lp, rp, [added, removed, changed]) in [
        (
            "pattern",
            &l.patterns,
            &r.patterns,
            [K::PatternAdded, K::PatternRemoved, K::PatternChanged],
        ),
        (
            "format",
            &l.formats,
            &r.formats,
            [K::FormatAdded, K::FormatRemoved, K::FormatChanged],
        ),
    ] {
        for (p, at) in rp {
            // Regular-expression inclusion is not decided: only the same
            // pattern is known to accept the same strings. Formats include
            // one another where their RFCs say so.
            if lp.iter().any(|(q, _)| q == p || (keyword == "format" && format_within(q, p))) {
                continue;
            }
            let at = kw_pointer(l, r, lp.first().map(|(_, a)| a), Some(at), keyword);
            let k = if lp.is_empty() {
                kind(l, added, removed)
            } else {
                changed
            };
            out.push(issue(
                k,
                at,
                format!(
                    "strings {} match `{keyword}` {p:?}",
                    now(l, "must now", "no longer need to")
                ),
            ));
        }
    }
    out
}

/// Whether every string valid for format `narrow` is valid for `wide`:
/// an ASCII form is a valid internationalised one, a URI a valid reference.
fn format_within(narrow: &str, wide: &str) -> bool {
    const WITHIN: &[(&str, &str)] = &[
        ("uri", "uri-reference"),
        ("uri", "iri"),
        ("uri", "iri-reference"),
        ("uri-reference", "iri-reference"),
        ("iri", "iri-reference"),
        ("hostname", "idn-hostname"),
        ("email", "idn-email"),
    ];
    WITHIN.contains(&(narrow, wide))
}

fn issue(kind: K, pointer: String, message: String) -> Issue {
    Issue {
        kind,
        pointer,
        message,
        annotation: false,
    }
}

impl Issue {
    fn annotated(mut self) -> Issue {
        self.annotation = true;
        self
    }
}

fn breaking(issues: &[Issue]) -> bool {
    issues.iter().any(|i| !i.annotation)
}

fn first_message(issues: &[Issue]) -> String {
    issues
        .iter()
        .find(|i| !i.annotation)
        .map_or_else(String::new, |i| {
            format!("{} at #{}: {}", i.kind, i.pointer, i.message)
        })
}

/// The first phrase when the writer is the old schema, else the second.
fn now(l: &Flat, old_writer: &'static str, new_writer: &'static str) -> &'static str {
    if l.side == Side::Old {
        old_writer
    } else {
        new_writer
    }
}

/// What a reason found with `l` as the writer means, read from old to new.
fn verb(l: &Flat) -> &'static str {
    if l.side == Side::Old {
        "no longer accepted"
    } else {
        "newly accepted (old readers reject it)"
    }
}

/// The narrowing kind when the writer is the old schema (the new one
/// accepts less), the widening kind when it is the new one.
fn kind(l: &Flat, narrow: K, widen: K) -> K {
    if l.side == Side::Old { narrow } else { widen }
}

/// How a rule that only one side has reads: `l` is the side without it,
/// so the rule was added when that is the old schema, removed otherwise.
fn added_or_removed(l: &Flat) -> &'static str {
    if l.side == Side::Old { "added" } else { "removed" }
}

fn new_flat<'f>(l: &'f Flat, r: &'f Flat) -> &'f Flat {
    if r.side == Side::New { r } else { l }
}

fn old_flat<'f>(l: &'f Flat, r: &'f Flat) -> &'f Flat {
    if r.side == Side::New { l } else { r }
}

fn new_pointer<'s>(l: &'s Sub, r: &'s Sub) -> &'s str {
    let new = if r.side == Side::New { r } else { l };
    new.pointer().unwrap_or("")
}

/// Where a keyword is (or would be) in the new schema.
fn kw_pointer(
    l: &Flat,
    r: &Flat,
    l_at: Option<&String>,
    r_at: Option<&String>,
    keyword: &str,
) -> String {
    let (flat, at) = if r.side == Side::New {
        (r, r_at)
    } else {
        (l, l_at)
    };
    at.cloned().unwrap_or_else(|| push(&flat.at, keyword))
}

/// The object schema of `flat` that a report names: the first that
/// declares properties, else the first there is (a `$ref`ed shared object,
/// not the place that refers to it), else the node itself.
fn object_at(flat: &Flat) -> &str {
    flat.objects
        .iter()
        .find(|m| !m.properties.is_empty())
        .or(flat.objects.first())
        .map_or(&flat.at, |m| &m.at)
}

/// Where property `name` is, or would be, in `flat`'s schema.
fn property_pointer(flat: &Flat, name: &str) -> String {
    let declaring = flat.objects.iter().find(|m| m.properties.contains_key(name));
    push(&push(declaring.map_or_else(|| object_at(flat), |m| &m.at), "properties"), name)
}

fn old_bound<'b>(
    l: &Flat,
    r: &Flat,
    lb: &'b Option<super::schema::Bound<Num>>,
    rb: &'b Option<super::schema::Bound<Num>>,
) -> &'b Option<super::schema::Bound<Num>> {
    if old_flat(l, r).side == l.side {
        lb
    } else {
        rb
    }
}

fn new_bound<'b>(
    l: &Flat,
    r: &Flat,
    lb: &'b Option<super::schema::Bound<Num>>,
    rb: &'b Option<super::schema::Bound<Num>>,
) -> &'b Option<super::schema::Bound<Num>> {
    if new_flat(l, r).side == l.side {
        lb
    } else {
        rb
    }
}

fn bound_text(b: &Option<super::schema::Bound<Num>>) -> String {
    match b {
        None => "none".into(),
        Some(b) if b.exclusive => format!("{} (exclusive)", b.value),
        Some(b) => b.value.to_string(),
    }
}

/// The first `oneOf` or `anyOf` group of a node: (is oneOf, index).
fn first_group(f: &Flat) -> Option<(bool, usize)> {
    if !f.any_of.is_empty() {
        Some((false, 0))
    } else if !f.one_of.is_empty() {
        Some((true, 0))
    } else {
        None
    }
}

fn dedup(issues: Vec<Issue>) -> Vec<Issue> {
    let mut seen = HashSet::new();
    issues
        .into_iter()
        .filter(|i| seen.insert((i.pointer.clone(), i.kind)))
        .collect()
}
