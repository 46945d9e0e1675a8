//! Checks that need the whole bundled schema: every `examples` entry must
//! validate against its own schema (formats asserted, as the generated types
//! do), and every `pattern` must compile with the regex engine the generated
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
    for event in &set.events {
        let schema = refs::standalone(&set.bundle, &event.payload_type);
        let validator = match jsonschema::options().should_validate_formats(true).build(&schema) {
            Ok(validator) => validator,
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

fn check_patterns(set: &ContractSet, problems: &mut Diagnostics) {
    for (name, schema) in &set.bundle.definitions {
        let (file, base) = &set.bundle.origins[name];
        refs::for_each_object(schema, |map, rel| {
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
