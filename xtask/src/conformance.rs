//! `cargo xtask conformance`: the generator against the official JSON Schema
//! test suite.
//!
//! Every test group's schema becomes one event of a contract set generated
//! by the real pipeline. Groups the generator rejects count as
//! unsupported (and as failed in the totals); the accepted ones are compiled
//! into one crate, and a small runner decodes every test's data into the
//! generated type and validates it, exactly as a consumer's
//! `from_slice` would. A test agrees when "decoded and valid" equals the
//! suite's `valid` flag.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

/// The drafts the suite is run for, with the folder and dialect URI of each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Draft {
    #[value(name = "2020-12")]
    Draft2020_12,
    #[value(name = "2019-09")]
    Draft2019_09,
    #[value(name = "7")]
    Draft7,
    #[value(name = "6")]
    Draft6,
    #[value(name = "4")]
    Draft4,
}

impl Draft {
    pub const ALL: [Draft; 5] = [Draft::Draft2020_12, Draft::Draft2019_09, Draft::Draft7, Draft::Draft6, Draft::Draft4];

    fn folder(self) -> &'static str {
        match self {
            Draft::Draft2020_12 => "draft2020-12",
            Draft::Draft2019_09 => "draft2019-09",
            Draft::Draft7 => "draft7",
            Draft::Draft6 => "draft6",
            Draft::Draft4 => "draft4",
        }
    }

    fn dialect(self) -> &'static str {
        match self {
            Draft::Draft2020_12 => "https://json-schema.org/draft/2020-12/schema",
            Draft::Draft2019_09 => "https://json-schema.org/draft/2019-09/schema",
            Draft::Draft7 => "http://json-schema.org/draft-07/schema#",
            Draft::Draft6 => "http://json-schema.org/draft-06/schema#",
            Draft::Draft4 => "http://json-schema.org/draft-04/schema#",
        }
    }
}

/// One test group of the suite.
struct Group {
    /// The keyword file it comes from, e.g. `minLength`.
    keyword: String,
    description: String,
    /// Its event type in the generated contract set.
    event_type: String,
    schema: Value,
    tests: Vec<Case>,
    /// Why the generator rejected it, when it did.
    rejected: Option<String>,
}

struct Case {
    description: String,
    data: Value,
    valid: bool,
}

/// Per keyword file: the counts of the table.
#[derive(Default)]
struct Tally {
    cases: usize,
    agree: usize,
    disagree: usize,
    unsupported: usize,
}

/// Runs the suite for each draft; true when every accepted group agrees.
pub fn run(root: &Path, suite: &Path, drafts: &[Draft]) -> Result<bool, String> {
    let tests_dir = if suite.join("tests").is_dir() { suite.join("tests") } else { suite.to_path_buf() };
    let mut all_agree = true;
    let mut summary = String::new();
    for &draft in drafts {
        let mut groups = read_groups(&tests_dir.join(draft.folder()), draft)?;
        let work = root.join("target/conformance").join(draft.folder());
        classify(root, &work, suite, draft, &mut groups)?;
        let outcomes = decode_and_validate(root, &work, suite, draft, &groups)?;
        let (table, passed, failed, accepted_disagree) = report(&groups, &outcomes);
        println!("## {}\n\n{table}", draft.folder());
        let total = passed + failed;
        let share = if total == 0 { 0.0 } else { 100.0 * passed as f64 / total as f64 };
        let _ = writeln!(summary, "{}: {passed} of {total} tests agree ({share:.1}%), {accepted_disagree} disagreement(s) on accepted groups", draft.folder());
        all_agree &= accepted_disagree == 0;
    }
    print!("{summary}");
    Ok(all_agree)
}

fn read_groups(dir: &Path, draft: Draft) -> Result<Vec<Group>, String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e} (expected the suite's tests/{} folder)", dir.display(), draft.folder()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let mut groups = Vec::new();
    for file in files {
        let keyword = file.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_owned();
        let text = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let parsed: Vec<Value> = serde_json::from_str(&text).map_err(|e| format!("{}: not a suite file: {e}", file.display()))?;
        for (index, group) in parsed.into_iter().enumerate() {
            let domain = snake(&keyword);
            let tests = group["tests"]
                .as_array()
                .map(|tests| {
                    tests
                        .iter()
                        .map(|t| Case {
                            description: t["description"].as_str().unwrap_or_default().to_owned(),
                            data: t["data"].clone(),
                            valid: t["valid"].as_bool().unwrap_or(false),
                        })
                        .collect()
                })
                .unwrap_or_default();
            groups.push(Group {
                keyword: keyword.clone(),
                description: group["description"].as_str().unwrap_or_default().to_owned(),
                event_type: format!("{domain}.{domain}_g{index}"),
                schema: group["schema"].clone(),
                tests,
                rejected: None,
            });
        }
    }
    Ok(groups)
}

/// `additionalProperties` -> `additional_properties`, `if-then-else` -> `if_then_else`.
fn snake(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
        } else {
            out.push('_');
        }
    }
    out
}

/// The schema file of a group, as a contract author would write it: the
/// suite's schema with the draft's dialect and a subject to route by.
fn schema_file(group: &Group, draft: Draft) -> Result<Value, String> {
    let mut map = match &group.schema {
        Value::Object(map) => map.clone(),
        // A schema file must be an object to carry its subject; `allOf`
        // around a boolean schema means the same.
        Value::Bool(_) => serde_json::Map::from_iter([("allOf".to_owned(), json!([group.schema]))]),
        other => return Err(format!("{other} is not a schema")),
    };
    map.entry("$schema").or_insert_with(|| json!(draft.dialect()));
    map.insert("x-subject".to_owned(), json!(format!("conformance.{}", group.event_type)));
    Ok(Value::Object(map))
}

fn group_path(group: &Group) -> String {
    let (domain, event) = group.event_type.split_once('.').expect("event types are domain.event");
    format!("schemas/{domain}/{event}.v1.schema.json")
}

/// The contract set's config; `{remotes}` is the suite's `remotes/` folder.
const CONFIG: &str = r#"name = "conformance"
output = "../events"
crate-name = "conformance-events"

[naming]
event-type = "{domain}.{event}"

[routing]
by = "subject"

[formats]
uuid = "string"
date-time = "string"

[remotes]
"http://localhost:1234/" = "{remotes}"

[runtime]
path = "{runtime}"
"#;

/// Writes a contract set of `groups` (those with a schema file) into `work`.
fn write_set(root: &Path, work: &Path, suite: &Path, draft: Draft, groups: &[&Group]) -> Result<(), String> {
    let io = |e: std::io::Error| format!("{}: {e}", work.display());
    if work.join("schemas").exists() {
        std::fs::remove_dir_all(work.join("schemas")).map_err(io)?;
    }
    std::fs::create_dir_all(work.join("schemas")).map_err(io)?;
    let remotes = suite.join("remotes");
    let remotes = std::path::absolute(&remotes).unwrap_or(remotes);
    let runtime = std::path::absolute(root.join("runtime")).map_err(io)?;
    let config = CONFIG.replace("{remotes}", &remotes.to_string_lossy()).replace("{runtime}", &runtime.to_string_lossy());
    std::fs::write(work.join("schemas/events.toml"), config).map_err(io)?;
    for group in groups {
        let schema = schema_file(group, draft)?;
        let path = work.join(group_path(group));
        std::fs::create_dir_all(path.parent().expect("a group file has a folder")).map_err(io)?;
        std::fs::write(&path, serde_json::to_string_pretty(&schema).expect("JSON")).map_err(io)?;
    }
    Ok(())
}

/// Generates each group alone; a rejected group keeps the generator's reason.
fn classify(root: &Path, work: &Path, suite: &Path, draft: Draft, groups: &mut [Group]) -> Result<(), String> {
    let config = Path::new("schemas/events.toml");
    for group in groups.iter_mut() {
        if let Err(reason) = schema_file(group, draft) {
            group.rejected = Some(reason);
            continue;
        }
        write_set(root, work, suite, draft, &[&*group])?;
        if let Err(error) = event_contracts_codegen::Generator::from_config(config).root(work).generate() {
            group.rejected = Some(first_reason(&error));
        }
    }
    Ok(())
}

fn first_reason(error: &event_contracts_codegen::Error) -> String {
    match error {
        event_contracts_codegen::Error::Invalid(diagnostics) => diagnostics
            .iter()
            .map(|d| format!("{} ({})", d.message, d.pointer))
            .next()
            .unwrap_or_else(|| error.to_string()),
        other => other.to_string(),
    }
}

/// Generates the accepted groups as one crate, builds the runner and runs
/// every test through it: one outcome per test of each accepted group.
fn decode_and_validate(root: &Path, work: &Path, suite: &Path, draft: Draft, groups: &[Group]) -> Result<BTreeMap<String, Vec<Outcome>>, String> {
    let accepted: Vec<&Group> = groups.iter().filter(|g| g.rejected.is_none()).collect();
    if accepted.is_empty() {
        return Ok(BTreeMap::new());
    }
    write_set(root, work, suite, draft, &accepted)?;
    event_contracts_codegen::Generator::from_config("schemas/events.toml").root(work).force(true).run()
        .map_err(|e| format!("the accepted groups did not generate together: {}", first_reason(&e)))?;
    write_runner(work, &root.join("runtime"))?;

    let cases: Vec<Value> = accepted
        .iter()
        .flat_map(|g| g.tests.iter().map(|t| json!([g.event_type, serde_json::to_string(&t.data).expect("JSON")])))
        .collect();
    let input = work.join("cases.json");
    std::fs::write(&input, serde_json::to_vec(&cases).expect("JSON")).map_err(|e| format!("{}: {e}", input.display()))?;

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    eprintln!("building the runner over {} generated event types", accepted.len());
    let output = Command::new(cargo)
        .current_dir(work.join("runner"))
        .env("CARGO_TARGET_DIR", root.join("target"))
        .args(["run", "--quiet", "--release", "--"])
        .arg(&input)
        .output()
        .map_err(|e| format!("could not run cargo: {e}"))?;
    if !output.status.success() {
        return Err(format!("the runner failed:\n{}", String::from_utf8_lossy(&output.stderr)));
    }
    let verdicts: Vec<Outcome> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(Outcome::parse)
        .collect();
    if verdicts.len() != cases.len() {
        return Err(format!("the runner answered {} of {} tests", verdicts.len(), cases.len()));
    }
    let mut verdicts = verdicts.into_iter();
    let mut outcomes = BTreeMap::new();
    for group in accepted {
        outcomes.insert(group.event_type.clone(), verdicts.by_ref().take(group.tests.len()).collect());
    }
    Ok(outcomes)
}

/// What the generated crate made of one test's data.
enum Outcome {
    Valid,
    /// Typed decoding refused it.
    DecodeError(String),
    /// Decoded, but validation refused it.
    Invalid(String),
    Panic,
}

impl Outcome {
    fn parse(line: &str) -> Outcome {
        let (kind, detail) = line.split_once('\t').unwrap_or((line, ""));
        let detail = detail.to_owned();
        match kind {
            "valid" => Outcome::Valid,
            "decode" => Outcome::DecodeError(detail),
            "invalid" => Outcome::Invalid(detail),
            _ => Outcome::Panic,
        }
    }

    fn accepted(&self) -> bool {
        matches!(self, Outcome::Valid)
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Outcome::Valid => f.write_str("decoded and valid"),
            Outcome::DecodeError(error) => write!(f, "refused by typed decoding: {error}"),
            Outcome::Invalid(error) => write!(f, "refused by validation: {error}"),
            Outcome::Panic => f.write_str("a panic"),
        }
    }
}

const RUNNER_MAIN: &str = r#"//! Decodes and validates each test's data with the generated crate.
use std::io::Write;

use conformance_events::prelude::*;

fn main() {
    let path = std::env::args().nth(1).expect("usage: runner <cases.json>");
    let cases: Vec<(String, String)> = serde_json::from_slice(&std::fs::read(path).expect("cases")).expect("cases");
    std::panic::set_hook(Box::new(|_| {}));
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for (event_type, data) in cases {
        let verdict = std::panic::catch_unwind(|| {
            // What a consumer calls: decode by subject, then validate.
            match conformance_events::Event::from_subject_and_slice(&format!("conformance.{event_type}"), data.as_bytes()) {
                Ok(_) => "valid".to_owned(),
                Err(event_contracts::DecodeError::Invalid { violations, .. }) => format!("invalid\t{}", event_contracts::validation::summary(&violations)),
                Err(error) => format!("decode\t{error}"),
            }
        })
        .unwrap_or_else(|_| "panic\t".to_owned());
        writeln!(out, "{}", verdict.replace('\n', " ")).expect("stdout");
    }
}
"#;

fn write_runner(work: &Path, runtime: &Path) -> Result<(), String> {
    let dir = work.join("runner");
    let io = |e: std::io::Error| format!("{}: {e}", dir.display());
    std::fs::create_dir_all(dir.join("src")).map_err(io)?;
    let runtime = std::path::absolute(runtime).map_err(io)?;
    let manifest = r#"[package]
name = "conformance-runner"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
conformance-events = { path = "../events" }
event-contracts = { path = "{runtime}" }
serde_json = "1"

[workspace]
members = ["."]
"#
    .replace("{runtime}", &runtime.to_string_lossy());
    std::fs::write(dir.join("Cargo.toml"), manifest).map_err(io)?;
    std::fs::write(dir.join("src/main.rs"), RUNNER_MAIN).map_err(io)?;
    Ok(())
}

/// The table per keyword file, the totals line, and the number of
/// disagreements on accepted groups.
fn report(groups: &[Group], outcomes: &BTreeMap<String, Vec<Outcome>>) -> (String, usize, usize, usize) {
    let mut tallies: BTreeMap<&str, Tally> = BTreeMap::new();
    let mut details = String::new();
    let mut rejected = String::new();
    for group in groups {
        let tally = tallies.entry(&group.keyword).or_default();
        tally.cases += group.tests.len();
        match (&group.rejected, outcomes.get(&group.event_type)) {
            (Some(reason), _) => {
                tally.unsupported += group.tests.len();
                let _ = writeln!(rejected, "- {} / {}: {reason}", group.keyword, group.description);
            }
            (None, Some(results)) => {
                for (test, outcome) in group.tests.iter().zip(results) {
                    if outcome.accepted() == test.valid {
                        tally.agree += 1;
                    } else {
                        tally.disagree += 1;
                        let _ = writeln!(
                            details,
                            "- {} / {} / {}: expected {}, got {}",
                            group.keyword,
                            group.description,
                            test.description,
                            if test.valid { "valid" } else { "invalid" },
                            outcome
                        );
                    }
                }
            }
            (None, None) => tally.unsupported += group.tests.len(),
        }
    }
    let mut table = String::from("| keyword file | cases | agree | disagree | unsupported at gen |\n|---|---:|---:|---:|---:|\n");
    let mut totals = Tally::default();
    for (keyword, tally) in &tallies {
        let _ = writeln!(table, "| {keyword} | {} | {} | {} | {} |", tally.cases, tally.agree, tally.disagree, tally.unsupported);
        totals.cases += tally.cases;
        totals.agree += tally.agree;
        totals.disagree += tally.disagree;
        totals.unsupported += tally.unsupported;
    }
    let _ = writeln!(table, "| **all** | {} | {} | {} | {} |", totals.cases, totals.agree, totals.disagree, totals.unsupported);
    if !rejected.is_empty() {
        let _ = write!(table, "\nRejected at generation (counted as failed):\n{rejected}");
    }
    if !details.is_empty() {
        let _ = write!(table, "\nDisagreements on accepted groups:\n{details}");
    }
    let passed = totals.agree;
    let failed = totals.disagree + totals.unsupported;
    let _ = writeln!(table, "\n{passed} passed, {failed} failed");
    (table, passed, failed, totals.disagree)
}
