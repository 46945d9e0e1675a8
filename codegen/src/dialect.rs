//! The JSON Schema dialects a contract set may be written in, and what
//! differs between them where the generator reads schemas: the keyword that
//! sets a base URI (`id` in draft 4, `$id` after), whether a `$ref`'s
//! siblings count (not before 2019-09), draft 4's boolean
//! `exclusiveMinimum`/`exclusiveMaximum`, and each meta-schema.

use std::sync::LazyLock;

use serde_json::{Map, Value};

/// A dialect, as a schema's `$schema` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Dialect {
    Draft4,
    Draft6,
    Draft7,
    Draft2019_09,
    Draft2020_12,
}

/// The URIs each dialect is named by (with and without the empty fragment).
const URIS: &[(&str, Dialect)] = &[
    ("http://json-schema.org/draft-04/schema#", Dialect::Draft4),
    ("http://json-schema.org/draft-04/schema", Dialect::Draft4),
    ("http://json-schema.org/draft-06/schema#", Dialect::Draft6),
    ("http://json-schema.org/draft-06/schema", Dialect::Draft6),
    ("http://json-schema.org/draft-07/schema#", Dialect::Draft7),
    ("http://json-schema.org/draft-07/schema", Dialect::Draft7),
    ("https://json-schema.org/draft/2019-09/schema", Dialect::Draft2019_09),
    ("https://json-schema.org/draft/2019-09/schema#", Dialect::Draft2019_09),
    ("https://json-schema.org/draft/2020-12/schema", Dialect::Draft2020_12),
    ("https://json-schema.org/draft/2020-12/schema#", Dialect::Draft2020_12),
];

impl Dialect {
    /// The dialect of a document: its `$schema` (2020-12 where it names
    /// none); `Err` with what it names where that is no dialect read here.
    pub fn of(document: &Value) -> Result<Dialect, String> {
        match document.get("$schema") {
            None => Ok(Dialect::Draft2020_12),
            Some(Value::String(uri)) => URIS.iter().find(|(known, _)| known == uri).map(|(_, dialect)| *dialect).ok_or_else(|| uri.clone()),
            Some(other) => Err(other.to_string()),
        }
    }

    /// The dialect of a document as it is read: a misspelt URI as the one
    /// it means, 2020-12 where it names none or one not read here (both
    /// reported by the model's own check).
    pub fn of_or_default(document: &Value) -> Dialect {
        Dialect::of(document).unwrap_or_else(|named| Dialect::nearest(&named).map_or(Dialect::Draft2020_12, |(_, dialect)| dialect))
    }

    /// The names the dialects are written by, for a message.
    pub fn names() -> &'static str {
        "\"https://json-schema.org/draft/2020-12/schema\", \"https://json-schema.org/draft/2019-09/schema\", \"http://json-schema.org/draft-07/schema#\" (or draft-06, draft-04)"
    }

    /// The dialect URI a misspelt one means (`https` for `http`, `-org` for
    /// `.org`), with its dialect: the nearest that names the same draft, as
    /// draft 3 is a dialect of its own and not a misspelt draft 4.
    pub fn nearest(named: &str) -> Option<(&'static str, Dialect)> {
        let draft = |uri: &str| uri.split(['/', '#']).find(|part| part.starts_with("draft-") || part.starts_with("20")).map(str::to_owned);
        let named_draft = draft(named)?;
        URIS.iter()
            .filter(|(uri, _)| draft(uri).as_deref() == Some(named_draft.as_str()))
            .map(|(uri, dialect)| (strsim::levenshtein(uri, named), *uri, *dialect))
            .filter(|(distance, _, _)| *distance <= 9)
            .min()
            .map(|(_, uri, dialect)| (uri, dialect))
    }

    /// Whether a `$ref`'s siblings are ignored, its `$id` included (draft 7
    /// and before).
    pub fn ref_hides_siblings(self) -> bool {
        self <= Dialect::Draft7
    }

    /// The keyword that sets a schema's base URI.
    pub fn id_keyword(self) -> &'static str {
        if self == Dialect::Draft4 { "id" } else { "$id" }
    }

    /// A schema map of this dialect in the shape later dialects (and
    /// typify) read: draft 4's `id` as `$id`, and its boolean
    /// `exclusiveMinimum`/`exclusiveMaximum` beside `minimum`/`maximum`
    /// as the numeric bounds they mean.
    pub fn as_current(self, map: &Map<String, Value>) -> Map<String, Value> {
        let mut map = map.clone();
        if self != Dialect::Draft4 {
            return map;
        }
        if let Some(id) = map.remove("id").filter(Value::is_string) {
            map.insert("$id".to_owned(), id);
        }
        for (exclusive, bound) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
            match map.get(exclusive) {
                Some(Value::Bool(true)) => {
                    map.remove(exclusive);
                    if let Some(value) = map.remove(bound) {
                        map.insert(exclusive.to_owned(), value);
                    }
                }
                Some(Value::Bool(false)) => {
                    map.remove(exclusive);
                }
                _ => {}
            }
        }
        map
    }

    /// Validates a schema document against this dialect's meta-schema, with
    /// `format` an annotation, as JSON Schema reads it by default (whether a
    /// `pattern` compiles is checked by the engine the generated code uses).
    pub fn meta_validator(self) -> &'static jsonschema::Validator {
        static VALIDATORS: LazyLock<Vec<(Dialect, jsonschema::Validator)>> = LazyLock::new(|| {
            let meta = [
                (Dialect::Draft4, &*referencing::meta::DRAFT4),
                (Dialect::Draft6, &*referencing::meta::DRAFT6),
                (Dialect::Draft7, &*referencing::meta::DRAFT7),
                (Dialect::Draft2019_09, &*referencing::meta::DRAFT201909),
                (Dialect::Draft2020_12, &*referencing::meta::DRAFT202012),
            ];
            meta.into_iter()
                .map(|(dialect, schema)| {
                    let validator = jsonschema::options().should_validate_formats(false).build(schema).expect("the meta-schemas compile");
                    (dialect, validator)
                })
                .collect()
        });
        &VALIDATORS.iter().find(|(dialect, _)| *dialect == self).expect("every dialect has its meta-schema").1
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::Dialect;

    #[test]
    fn each_dialect_is_read_with_its_own_rules() {
        assert_eq!(Dialect::of(&json!({})), Ok(Dialect::Draft2020_12));
        assert_eq!(Dialect::of(&json!({"$schema": "http://json-schema.org/draft-04/schema#"})), Ok(Dialect::Draft4));
        assert_eq!(Dialect::of(&json!({"$schema": "https://json-schema.org/draft/2019-09/schema"})), Ok(Dialect::Draft2019_09));
        assert!(Dialect::of(&json!({"$schema": "http://json-schema-org/draft-07/schema#"})).is_err());
        assert!(Dialect::Draft7.ref_hides_siblings() && !Dialect::Draft2019_09.ref_hides_siblings());
        let draft4 = json!({"id": "x.json", "minimum": 1, "exclusiveMinimum": true, "maximum": 9, "exclusiveMaximum": false});
        let current = Dialect::Draft4.as_current(draft4.as_object().unwrap());
        assert_eq!(serde_json::Value::Object(current), json!({"$id": "x.json", "exclusiveMinimum": 1, "maximum": 9}));
        // Formats annotate: a pattern the meta-schema's `regex` format would refuse is a valid schema.
        assert!(Dialect::Draft7.meta_validator().is_valid(&json!({"pattern": "^\\${{x}}$"})));
        assert!(!Dialect::Draft7.meta_validator().is_valid(&json!({"type": "strin"})));
    }

    #[test]
    fn a_misspelt_dialect_is_answered_with_the_one_it_means() {
        assert_eq!(Dialect::nearest("http://json-schema-org/draft-07/schema#"), Some(("http://json-schema.org/draft-07/schema#", Dialect::Draft7)));
        assert_eq!(Dialect::nearest("https://json-schema.org/draft-04/schema"), Some(("http://json-schema.org/draft-04/schema", Dialect::Draft4)));
        assert_eq!(Dialect::nearest("http://json-schema.org/draft/2020-12/schema"), Some(("https://json-schema.org/draft/2020-12/schema", Dialect::Draft2020_12)));
        assert_eq!(Dialect::nearest("http://json-schema.org/draft-03/schema#"), None);
        assert_eq!(Dialect::nearest("http://json-schema.org/schema#"), None);
    }
}
