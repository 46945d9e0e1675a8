//! Runs Confluent Schema Registry's JSON Schema diff cases (files of
//! `{description, original_schema, update_schema, changes, compatible,
//! compatible_lenient?}`) against [`diff`], and tallies agreement by
//! Confluent's change kind.
//!
//! Where Confluent's expected answer contradicts JSON Schema's semantics,
//! the case is listed in [`DEVIATIONS`] with the reason; such a case passes
//! only when our verdict is the opposite of Confluent's.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::Value;
use std::process::ExitCode;

use event_contracts_compat::{CompatError, Direction, Policy, diff};

/// A case whose expected verdict contradicts JSON Schema.
pub struct Deviation {
    pub file: &'static str,
    pub description: &'static str,
    pub reason: &'static str,
}

/// Keep this short: every entry is a claim that Confluent is wrong.
pub const DEVIATIONS: &[Deviation] = &[
    Deviation {
        file: "diff-schema-examples.json",
        description: "Detect required array to be changed",
        reason: "`required: [\"bar\"]` rejects every old object without `bar` (such as `{\"foo\": \"x\"}`), declared or not, so old data no longer validates",
    },
    Deviation {
        file: "diff-schema-examples-2020-12.json",
        description: "Detect required array to be changed",
        reason: "`required: [\"bar\"]` rejects every old object without `bar` (such as `{\"foo\": \"x\"}`), declared or not, so old data no longer validates",
    },
    Deviation {
        file: "diff-schema-examples.json",
        description: "Detect removed boolean additional items",
        reason: "without an array-form `items`, `additionalItems` is ignored (drafts 4 to 2019-09), so both schemas accept everything",
    },
    Deviation {
        file: "diff-schema-examples.json",
        description: "Detect changes to additional items schema",
        reason: "without an array-form `items`, `additionalItems` is ignored (drafts 4 to 2019-09), so both schemas accept everything",
    },
];

/// One row of the table: Confluent's change kind and our tally.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KindRow {
    pub kind: String,
    pub cases: usize,
    pub agree: usize,
    pub disagree: usize,
    pub deviation: usize,
}

/// A documented deviation that held (our verdict is the opposite of Confluent's).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppliedDeviation {
    pub file: String,
    pub description: String,
    pub reason: String,
}

/// A verdict that differs from Confluent's without a documented reason
/// (or a documented deviation that no longer holds).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Disagreement {
    pub file: String,
    pub description: String,
    pub policy: Policy,
    pub expected: bool,
    pub got: bool,
    pub note: &'static str,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SuiteReport {
    pub rows: Vec<KindRow>,
    pub deviations: Vec<AppliedDeviation>,
    pub disagreements: Vec<Disagreement>,
    pub passed: usize,
    pub failed: usize,
}

/// Runs every case file in `dir`. A file holding an array is a list of
/// cases; a file holding one schema (`recursive-schema.json`) is compared
/// with itself, which must be compatible (and terminate).
/// `cargo xtask compat suite <dir>`: the report, ending in the line
/// `N passed, M failed`; exit 1 on any failure, 2 when the folder cannot be
/// read.
pub fn run(dir: &Path) -> ExitCode {
    match run_suite(dir) {
        Ok(report) => {
            println!("{report}");
            if report.failed == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) }
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

pub fn run_suite(dir: &Path) -> Result<SuiteReport, CompatError> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|source| CompatError::Io {
            path: dir.to_owned(),
            source,
        })?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let mut report = SuiteReport::default();
    let mut rows: BTreeMap<String, KindRow> = BTreeMap::new();
    for path in files {
        let text = std::fs::read_to_string(&path).map_err(|source| CompatError::Io {
            path: path.clone(),
            source,
        })?;
        let value: Value =
            serde_json::from_str(&strip_trailing_commas(&text)).map_err(|e| CompatError::Json {
                path: path.clone(),
                line: e.line(),
                column: e.column(),
                message: e.to_string(),
            })?;
        let file = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match value {
            Value::Array(cases) => {
                for (i, case) in cases.iter().enumerate() {
                    let case = Case::read(case).ok_or_else(|| CompatError::Invalid {
                        path: path.clone(),
                        message: format!("case {i} lacks description, original_schema, update_schema or compatible"),
                    })?;
                    run_case(&mut report, &mut rows, &file, &case);
                }
            }
            schema => {
                let case = Case {
                    description: "compared with itself".into(),
                    original: schema.clone(),
                    update: schema,
                    kind: "NO_CHANGE".into(),
                    compatible: true,
                    compatible_lenient: None,
                    direction: Direction::Full,
                };
                run_case(&mut report, &mut rows, &file, &case);
            }
        }
    }
    report.rows = rows.into_values().collect();
    Ok(report)
}

struct Case {
    description: String,
    original: Value,
    update: Value,
    kind: String,
    compatible: bool,
    compatible_lenient: Option<bool>,
    direction: Direction,
}

impl Case {
    fn read(case: &Value) -> Option<Case> {
        let kind = match case
            .get("changes")
            .and_then(Value::as_array)
            .and_then(|c| c.first())
        {
            Some(first) => first.as_str()?.split(' ').next()?.to_owned(),
            None => "NO_CHANGE".to_owned(),
        };
        Some(Case {
            description: case.get("description")?.as_str()?.to_owned(),
            original: case.get("original_schema")?.clone(),
            update: case.get("update_schema")?.clone(),
            kind,
            compatible: case.get("compatible")?.as_bool()?,
            compatible_lenient: case.get("compatible_lenient").and_then(Value::as_bool),
            direction: Direction::Backward,
        })
    }
}

fn run_case(
    report: &mut SuiteReport,
    rows: &mut BTreeMap<String, KindRow>,
    file: &str,
    case: &Case,
) {
    let mut verdicts = vec![(Policy::Strict, case.compatible)];
    if let Some(lenient) = case.compatible_lenient {
        verdicts.push((Policy::Lenient, lenient));
    }
    let got: Vec<(Policy, bool, bool)> = verdicts
        .into_iter()
        .map(|(policy, expected)| {
            (
                policy,
                expected,
                diff(&case.original, &case.update, case.direction, policy).compatible,
            )
        })
        .collect();
    let deviation = DEVIATIONS
        .iter()
        .find(|d| d.file == file && d.description == case.description);
    let row = rows.entry(case.kind.clone()).or_insert_with(|| KindRow {
        kind: case.kind.clone(),
        ..KindRow::default()
    });
    row.cases += 1;
    let all_agree = got.iter().all(|(_, expected, ours)| expected == ours);
    let all_opposite = got.iter().all(|(_, expected, ours)| expected != ours);
    let passed = match deviation {
        Some(d) if all_opposite => {
            row.deviation += 1;
            report.deviations.push(AppliedDeviation {
                file: file.to_owned(),
                description: case.description.clone(),
                reason: d.reason.to_owned(),
            });
            true
        }
        Some(_) => {
            for &(policy, expected, ours) in &got {
                report.disagreements.push(Disagreement {
                    file: file.to_owned(),
                    description: case.description.clone(),
                    policy,
                    expected,
                    got: ours,
                    note: "documented deviation no longer holds",
                });
            }
            false
        }
        None if all_agree => {
            row.agree += 1;
            true
        }
        None => {
            for &(policy, expected, ours) in got.iter().filter(|(_, e, o)| e != o) {
                report.disagreements.push(Disagreement {
                    file: file.to_owned(),
                    description: case.description.clone(),
                    policy,
                    expected,
                    got: ours,
                    note: "",
                });
            }
            false
        }
    };
    if passed {
        report.passed += 1;
    } else {
        row.disagree += 1;
        report.failed += 1;
    }
}

/// The Java parser Confluent uses accepts trailing commas; serde_json does
/// not. Drops each comma that only whitespace separates from a closing
/// bracket or brace, outside strings.
pub fn strip_trailing_commas(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    for (i, &c) in chars.iter().enumerate() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        if c == '"' {
            in_string = true;
        } else if c == ','
            && matches!(
                chars[i + 1..].iter().find(|c| !c.is_whitespace()),
                Some(']' | '}')
            )
        {
            continue;
        }
        out.push(c);
    }
    out
}

fn verdict(compatible: bool) -> &'static str {
    if compatible { "compatible" } else { "breaking" }
}

impl fmt::Display for SuiteReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = self
            .rows
            .iter()
            .map(|r| r.kind.len())
            .max()
            .unwrap_or(4)
            .max(5);
        writeln!(
            f,
            "{:width$}  {:>5}  {:>5}  {:>8}  {:>9}",
            "kind", "cases", "agree", "disagree", "deviation"
        )?;
        let mut total = KindRow {
            kind: "total".into(),
            ..KindRow::default()
        };
        for row in &self.rows {
            writeln!(
                f,
                "{:width$}  {:>5}  {:>5}  {:>8}  {:>9}",
                row.kind, row.cases, row.agree, row.disagree, row.deviation
            )?;
            total.cases += row.cases;
            total.agree += row.agree;
            total.disagree += row.disagree;
            total.deviation += row.deviation;
        }
        writeln!(
            f,
            "{:width$}  {:>5}  {:>5}  {:>8}  {:>9}",
            total.kind, total.cases, total.agree, total.disagree, total.deviation
        )?;
        writeln!(f)?;
        writeln!(
            f,
            "deviations applied ({}): Confluent's verdict contradicts JSON Schema, ours is the opposite",
            self.deviations.len()
        )?;
        for d in &self.deviations {
            writeln!(f, "  {}: {:?}: {}", d.file, d.description, d.reason)?;
        }
        writeln!(f)?;
        writeln!(f, "disagreements ({}):", self.disagreements.len())?;
        for d in &self.disagreements {
            let policy = if d.policy == Policy::Strict {
                "strict"
            } else {
                "lenient"
            };
            let note = if d.note.is_empty() {
                String::new()
            } else {
                format!(" ({})", d.note)
            };
            writeln!(
                f,
                "  {}: {:?} [{policy}]: expected {}, got {}{note}",
                d.file,
                d.description,
                verdict(d.expected),
                verdict(d.got)
            )?;
        }
        writeln!(f)?;
        write!(f, "{} passed, {} failed", self.passed, self.failed)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    #[test]
    fn trailing_commas_are_stripped_outside_strings() {
        let text = "{\"a\": [1, 2, ], \"b\": \"x, ]\", \"c\": {\"d\": 1,\n},}";
        let value: Value = serde_json::from_str(&strip_trailing_commas(text)).expect("parses");
        assert_eq!(value, json!({"a": [1, 2], "b": "x, ]", "c": {"d": 1}}));
    }

    #[test]
    fn suite_runs_a_case_file_and_a_self_comparison() {
        let dir = std::env::temp_dir().join(format!("compat-suite-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let cases = r#"[
          {"description": "max length decreased", "original_schema": {"type": "string", "maxLength": 12},
           "update_schema": {"type": "string", "maxLength": 10}, "changes": ["MAX_LENGTH_DECREASED #/maxLength"], "compatible": false},
          {"description": "open model", "original_schema": {"properties": {}},
           "update_schema": {"properties": {"a": {"type": "string"}}}, "changes": ["OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL #/properties/a"],
           "compatible": false, "compatible_lenient": true},
          {"description": "wrong on purpose", "original_schema": {}, "update_schema": {"type": "string"}, "changes": [], "compatible": true,},
        ]"#;
        std::fs::write(dir.join("cases.json"), cases).expect("write");
        std::fs::write(
            dir.join("self.json"),
            json!({
                "$ref": "#/$defs/node",
                "$defs": {"node": {
                    "type": "object",
                    "properties": {"value": {"type": "integer"}, "children": {"type": "array", "items": {"$ref": "#/$defs/node"}}},
                    "required": ["value"]
                }}
            })
            .to_string(),
        )
        .expect("write");
        let report = run_suite(&dir).expect("suite runs");
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!((report.passed, report.failed), (3, 1), "{report}");
        assert_eq!(report.disagreements.len(), 1);
        assert_eq!(report.disagreements[0].description, "wrong on purpose");
        assert!(report.to_string().ends_with("3 passed, 1 failed"));
        let no_change = report
            .rows
            .iter()
            .find(|r| r.kind == "NO_CHANGE")
            .expect("a NO_CHANGE row");
        assert_eq!(
            (no_change.cases, no_change.agree, no_change.disagree),
            (2, 1, 1)
        );
    }
}
