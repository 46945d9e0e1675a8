//! `cargo xtask` works on the workspace it runs in, found at run time: two
//! checkouts that share one target folder (so one xtask binary) each
//! generate their own files, and neither touches the other's.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn corpus_base() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/bad-schemas/_base")
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            fs::copy(&path, &target).unwrap();
        }
    }
}

/// A checkout: a Cargo workspace holding the corpus's base contract set.
fn checkout() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&corpus_base(), dir.path());
    fs::write(dir.path().join("Cargo.toml"), "[workspace]\nresolver = \"3\"\nmembers = []\n").unwrap();
    dir
}

/// The one xtask binary, run in `cwd` with no `--root`.
fn xtask_in(cwd: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_xtask")).current_dir(cwd).args(args).output().unwrap()
}

fn generated_files(root: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![root.join("generated")];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).into_iter().flatten() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path.strip_prefix(root).unwrap().to_path_buf());
            }
        }
    }
    files.sort();
    files
}

#[test]
fn two_checkouts_sharing_one_binary_each_generate_their_own_files() {
    let (first, second) = (checkout(), checkout());
    assert!(xtask_in(first.path(), &["gen"]).status.success());
    // From a folder inside the second checkout: its root is found above.
    let inside = second.path().join("schemas/orders");
    assert!(xtask_in(&inside, &["gen"]).status.success());
    let first_files = generated_files(first.path());
    assert!(first_files.iter().any(|f| f.ends_with("orders/placed/v1.rs")), "{first_files:?}");
    assert_eq!(first_files, generated_files(second.path()));

    // A new event in the second checkout only.
    let new_event = fs::read_to_string(second.path().join("schemas/orders/placed.v1.schema.json")).unwrap().replace("Order placed", "Order shipped");
    fs::write(second.path().join("schemas/orders/shipped.v1.schema.json"), new_event).unwrap();
    let stale = xtask_in(second.path(), &["gen", "--check"]);
    assert!(!stale.status.success(), "the second checkout's new schema is seen");
    assert!(xtask_in(first.path(), &["gen", "--check"]).status.success(), "the first checkout is up to date");
    assert!(xtask_in(second.path(), &["gen"]).status.success());
    assert!(generated_files(second.path()).iter().any(|f| f.ends_with("orders/shipped/v1.rs")));
    assert_eq!(generated_files(first.path()), first_files, "the first checkout is untouched");
}

#[test]
fn outside_any_workspace_gen_says_there_is_no_contract_set() {
    let dir = tempfile::tempdir().unwrap();
    let output = xtask_in(dir.path(), &["gen"]);
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("no contract set found") && stderr.contains("cargo xtask init"), "{stderr}");
}
