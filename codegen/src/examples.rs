//! Checks that need the whole contract set: every event schema must compile
//! with the documents its `$ref`s reach, every `examples` entry must validate
//! against it (as the generated crate validates), and every `pattern` must compile with the regex engine the generated
//! code uses, so a bad pattern is a generation error rather than a panic on
//! the first decode.

use serde_json::Value;

use crate::diagnostics::{Diagnostics, Error};
use crate::model::ContractSet;
use crate::refs;

/// Runs both checks over the contract set.
pub fn check(set: &ContractSet) -> Result<(), Error> {
    let mut problems = Diagnostics::default();
    check_patterns(set, &mut problems);
    problems.finish()?;
    let mut problems = Diagnostics::default();
    let documents = std::sync::Arc::new(set.documents.clone());
    for event in &set.events {
        let uri = crate::documents::file_uri(&event.file);
        let lookup = {
            let documents = documents.clone();
            move |wanted: &str| documents.validation_document(wanted)
        };
        let Some(root) = documents.validation_document(&uri) else { continue };
        // Built as the generated crate builds it, with formats asserted: an
        // example must also decode into the typed formats (uuid, date-time).
        let validator = match event_contracts::validation::compile(Some(&uri), &root, lookup, true) {
            Ok(validator) => validator,
            Err(e) if e.contains("no schema document") => {
                let missing = e.split('\'').nth(1).unwrap_or_default();
                let (at, reference) = find_ref(&set.files.files[&event.file].value, missing);
                problems.push(
                    refs::located(&set.files, &event.file, &at, "ref-unresolved", format!("`$ref` {reference:?} reaches no document of the contract set (`{missing}`)"))
                        .help("refer to files of the schemas folder by relative path, or serve URLs from a local folder with `[remotes]` in events.toml"),
                );
                continue;
            }
            Err(e) => {
                problems.push(refs::located(&set.files, &event.file, "", "meta-schema", format!("the schema does not compile: {e}")));
                continue;
            }
        };
        for (index, example) in event.examples.iter().enumerate() {
            for error in validator.iter_errors(example) {
                let at = error.instance_path().to_string();
                problems.push(
                    refs::located(&set.files, &event.file, &format!("/examples/{index}{at}"), "example-invalid",
                        format!("example {index} does not validate against its schema at `{at}`: {error}"))
                        .help("fix the example, or the schema if the example is right"),
                );
            }
        }
    }
    problems.finish()
}

/// The `$ref` (its object's pointer and text) that names the document
/// `missing`, or the root when none does literally.
fn find_ref(document: &Value, missing: &str) -> (String, String) {
    let mut found = None;
    crate::walk::for_each_object(document, |map, rel| {
        if let Some(Value::String(reference)) = map.get("$ref") {
            let path = reference.split('#').next().unwrap_or_default();
            if found.is_none() && !path.is_empty() && missing.ends_with(path) {
                found = Some((rel.to_owned(), reference.clone()));
            }
        }
    });
    found.unwrap_or_else(|| (String::new(), missing.to_owned()))
}

fn check_patterns(set: &ContractSet, problems: &mut Diagnostics) {
    for (name, schema) in &set.bundle.definitions {
        let (file, base) = &set.bundle.origins[name];
        crate::walk::for_each_object(schema, |map, rel| {
            if let Some(Value::String(pattern)) = map.get("pattern")
                && let Err(e) = regress::Regex::new(pattern) {
                    problems.push(
                        refs::located(&set.files, file, &format!("{base}{rel}/pattern"), "pattern-invalid",
                            format!("`pattern` {pattern:?} is not a valid ECMA-262 regular expression: {e}"))
                            .help("fix the regular expression (JSON Schema patterns use ECMA-262 syntax)"),
                    );
                }
        });
    }
}
