//! The bad-schema corpus (`tests/bad-schemas/`): each case is a small
//! contract set, laid over `_base/`, run through `cargo xtask gen`. The
//! rendered diagnostics are snapshots (`expected.txt`, expect-test's, so
//! `UPDATE_EXPECT=1` refreshes them); the exit status, the JSON rendering
//! and "nothing was written" are asserted for every case.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/bad-schemas")
}

fn copy_over(from: &Path, to: &Path) {
    for entry in fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            fs::create_dir_all(&target).unwrap();
            copy_over(&path, &target);
        } else if path.file_name().unwrap() != "expected.txt" {
            fs::copy(&path, &target).unwrap();
        }
    }
}

/// A scratch repository: `_base/` with the case's files laid over it.
fn scratch(case: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_over(&corpus().join("_base"), dir.path());
    if !case.is_empty() {
        copy_over(&corpus().join(case), dir.path());
    }
    dir
}

fn xtask(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("--root")
        .arg(root)
        .args(args)
        .output()
        .unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

#[test]
fn every_corpus_case_matches_its_snapshot() {
    let mut cases: Vec<String> = fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name != "_base")
        .collect();
    cases.sort();
    assert!(cases.len() >= 35, "the corpus has {} cases", cases.len());

    for case in &cases {
        let repo = scratch(case);
        let output = xtask(repo.path(), &["gen"]);
        let rendered = stderr(&output);
        let should_pass = case.ends_with("-ok");
        assert_eq!(output.status.success(), should_pass, "{case}: unexpected exit status\n{rendered}");

        if should_pass {
            let again = xtask(repo.path(), &["gen", "--check"]);
            assert!(again.status.success(), "{case}: not up to date after gen\n{}", stderr(&again));
        } else {
            assert!(!repo.path().join("generated").exists(), "{case}: a failed run wrote output");
            assert!(rendered.contains("error["), "{case}: no diagnostic\n{rendered}");
            assert!(rendered.contains("= help:"), "{case}: no fix suggested\n{rendered}");
            let json = xtask(repo.path(), &["gen", "--message-format", "json"]);
            let lines = String::from_utf8(json.stdout).unwrap();
            assert!(!lines.trim().is_empty(), "{case}: no JSON diagnostics");
            for line in lines.lines() {
                let value: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{case}: {e}: {line}"));
                for key in ["file", "pointer", "position", "code", "message", "help"] {
                    assert!(value.get(key).is_some(), "{case}: `{key}` missing in {line}");
                }
                assert!(value["file"].as_str().is_some_and(|f| f.starts_with("schemas/")), "{case}: {line}");
            }
        }

        // `UPDATE_EXPECT=1 cargo test` rewrites the snapshot in place.
        expect_test::expect_file![corpus().join(case).join("expected.txt")].assert_eq(&rendered);
    }
}

#[test]
fn a_ten_megabyte_schema_is_refused_before_parsing() {
    let repo = scratch("");
    let padding = "x".repeat(10 * 1024 * 1024);
    let schema = format!("{{\"type\": \"object\", \"description\": \"{padding}\"}}");
    fs::write(repo.path().join("schemas/orders/huge.v1.schema.json"), schema).unwrap();
    let output = xtask(repo.path(), &["gen"]);
    assert!(!output.status.success());
    let rendered = stderr(&output);
    assert!(rendered.contains("error[file-too-large]"), "{rendered}");
    assert!(rendered.contains("schemas/orders/huge.v1.schema.json"), "{rendered}");
}

#[test]
fn nesting_five_hundred_deep_is_a_clear_error_not_a_stack_overflow() {
    let repo = scratch("");
    let mut schema = String::from("{\"type\": \"object\"}");
    for _ in 0..500 {
        schema = format!("{{\"type\": \"object\", \"properties\": {{\"a\": {schema}}}}}");
    }
    fs::write(repo.path().join("schemas/orders/deep.v1.schema.json"), schema).unwrap();
    let output = xtask(repo.path(), &["gen"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let rendered = stderr(&output);
    assert!(rendered.contains("error[not-json]") && rendered.contains("recursion limit"), "{rendered}");
    assert!(rendered.contains("schemas/orders/deep.v1.schema.json:1:"), "{rendered}");
}

fn generated_files(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![root.join("generated")];
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            stack.extend(fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        } else {
            files.push((path.clone(), fs::read(&path).unwrap()));
        }
    }
    files.sort();
    files
}

/// Changes a schema so that the next run has something to write.
fn edit_schema(root: &Path) {
    let path = root.join("schemas/orders/placed.v1.schema.json");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, text.replace("An order was placed.", "An order was placed (edited).")).unwrap();
}

#[test]
fn hand_edited_output_is_refused_unless_forced() {
    let repo = scratch("");
    assert!(xtask(repo.path(), &["gen"]).status.success());
    let lib = repo.path().join("generated/src/lib.rs");
    let edited = format!("{}\n// my local tweak\n", fs::read_to_string(&lib).unwrap());
    fs::write(&lib, &edited).unwrap();
    fs::write(repo.path().join("generated/NOTES.md"), "mine").unwrap();
    edit_schema(repo.path());

    let before = generated_files(repo.path());
    let output = xtask(repo.path(), &["gen"]);
    assert!(!output.status.success());
    let rendered = stderr(&output);
    assert!(rendered.contains("error[output-hand-edited]") && rendered.contains("generated/src/lib.rs"), "{rendered}");
    assert!(rendered.contains("error[output-foreign-file]") && rendered.contains("generated/NOTES.md"), "{rendered}");
    assert_eq!(before, generated_files(repo.path()), "refused runs change nothing");

    assert!(xtask(repo.path(), &["gen", "--force"]).status.success());
    assert!(!fs::read_to_string(&lib).unwrap().contains("my local tweak"));
    assert!(!repo.path().join("generated/NOTES.md").exists());
}

#[test]
fn a_failure_before_the_swap_leaves_the_old_crate_byte_identical() {
    let repo = scratch("");
    assert!(xtask(repo.path(), &["gen"]).status.success());
    edit_schema(repo.path());
    let before = generated_files(repo.path());
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["--root", repo.path().to_str().unwrap(), "gen"])
        .env("EVENTS_CODEGEN_FAILPOINT", "fail-before-swap")
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert_eq!(before, generated_files(repo.path()));
    assert!(!repo.path().join(".generated.new").exists(), "staging is cleaned up");
}

#[test]
fn a_kill_midway_leaves_the_old_crate_intact_and_the_next_run_recovers() {
    let repo = scratch("");
    assert!(xtask(repo.path(), &["gen"]).status.success());
    edit_schema(repo.path());
    let before = generated_files(repo.path());
    let mut child = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["--root", repo.path().to_str().unwrap(), "gen"])
        .env("EVENTS_CODEGEN_FAILPOINT", "pause-before-swap")
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the new crate is staged, then kill the run.
    let staging = repo.path().join(".generated.new");
    for _ in 0..600 {
        if staging.join(codegen_manifest()).exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(staging.exists(), "the run never staged its output");
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(before, generated_files(repo.path()), "a killed run leaves the old crate as it was");

    assert!(xtask(repo.path(), &["gen"]).status.success());
    assert!(xtask(repo.path(), &["gen", "--check"]).status.success());
    assert!(!staging.exists());
}

fn codegen_manifest() -> &'static str {
    event_contracts_codegen::MANIFEST
}
