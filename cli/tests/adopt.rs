//! The adopting team's day, outside this repository: the README's "Use it
//! in your repository" steps, run exactly as written in a new workspace
//! beside a checkout of this repository; then the contract author's day in
//! it: more events and versions, the drift gate, compile-time contracts in
//! a service, the compatibility gate, and a second checkout sharing the
//! same target folder.
//!
//! Builds a fresh workspace with cargo (its dependencies come from
//! crates.io), in `target/adopter`, which later runs reuse.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("cli/ is in the repository").to_path_buf()
}

/// One step of the README's section.
#[derive(Debug)]
enum Step {
    /// Write this file (relative to the workspace).
    File(PathBuf, String),
    /// Run this command in the workspace.
    Command(Vec<String>),
}

/// The steps of the README's "Use it in your repository": every fenced
/// block introduced by a line `` `path`: `` is a file to write, every `sh`
/// block a list of commands (a `#` starts a comment).
fn readme_steps() -> Vec<Step> {
    let readme = fs::read_to_string(repo_root().join("README.md")).expect("README.md");
    let start = readme.find("\n## Use it in your repository\n").expect("the README has the adopter's section");
    let section = &readme[start + 1..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |end| end + 3)];
    let mut steps = Vec::new();
    let mut lines = section.lines().peekable();
    let mut file: Option<PathBuf> = None;
    while let Some(line) = lines.next() {
        if let Some(path) = line.strip_prefix('`').and_then(|l| l.strip_suffix("`:")) {
            file = Some(PathBuf::from(path));
        } else if line.starts_with("```") {
            let body: Vec<&str> = lines.by_ref().take_while(|l| !l.starts_with("```")).collect();
            match (file.take(), line) {
                (Some(path), _) => steps.push(Step::File(path, body.join("\n") + "\n")),
                (None, "```sh") => {
                    for command in body {
                        let command = command.split(" #").next().unwrap_or_default().trim();
                        if !command.is_empty() {
                            steps.push(Step::Command(command.split_whitespace().map(str::to_owned).collect()));
                        }
                    }
                }
                (None, _) => {}
            }
        } else if !line.trim().is_empty() && !line.ends_with(':') {
            file = None;
        }
    }
    steps
}

/// A place for the adopter's workspace: `shop/` beside `event-contracts/`,
/// a link to this repository.
struct Scene {
    _dir: tempfile::TempDir,
    base: PathBuf,
    target: PathBuf,
}

impl Scene {
    fn new() -> Scene {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let base = dir.path().to_path_buf();
        std::os::unix::fs::symlink(repo_root(), base.join("event-contracts")).expect("a link to this repository");
        fs::create_dir_all(base.join("shop")).unwrap();
        Scene { _dir: dir, base, target: repo_root().join("target/adopter") }
    }

    fn shop(&self) -> PathBuf {
        self.base.join("shop")
    }

    /// Runs `cargo` in `dir` with the shared target folder.
    fn cargo(&self, dir: &Path, args: &[&str]) -> Output {
        Command::new(env!("CARGO"))
            .current_dir(dir)
            .args(args)
            .env("CARGO_TARGET_DIR", &self.target)
            .env("CARGO_TERM_COLOR", "never")
            .output()
            .expect("cargo runs")
    }

    fn cargo_ok(&self, dir: &Path, args: &[&str]) -> String {
        let output = self.cargo(dir, args);
        assert!(output.status.success(), "`cargo {}` failed:\n{}", args.join(" "), String::from_utf8_lossy(&output.stderr));
        String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr)
    }
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=shop", "-c", "user.email=shop@example.com"])
        .args(args)
        .output()
        .expect("git runs")
        .status;
    assert!(status.success(), "git {args:?}");
}

fn non_empty_lines(path: &Path) -> usize {
    fs::read_to_string(path).unwrap().lines().filter(|l| !l.trim().is_empty()).count()
}

fn schema(path: &Path) -> serde_json::Value {
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

fn write_schema(path: &Path, value: &serde_json::Value) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, serde_json::to_string_pretty(value).unwrap() + "\n").unwrap();
}

#[test]
fn an_adopter_follows_the_readme_then_lives_the_contract_authors_day() {
    let scene = Scene::new();
    let shop = scene.shop();
    git(&shop, &["init", "-q", "-b", "main"]);

    // The README, as written.
    let steps = readme_steps();
    assert!(steps.iter().any(|s| matches!(s, Step::Command(c) if c.join(" ").ends_with("init"))), "{steps:?}");
    let mut last_run = String::new();
    for step in &steps {
        match step {
            Step::File(path, text) => {
                fs::create_dir_all(shop.join(path).parent().unwrap()).unwrap();
                fs::write(shop.join(path), text).unwrap();
            }
            Step::Command(command) => {
                assert_eq!(command[0], "cargo", "the README's commands are cargo commands: {command:?}");
                let args: Vec<&str> = command[1..].iter().map(String::as_str).collect();
                last_run = scene.cargo_ok(&shop, &args);
            }
        }
    }
    assert!(last_run.contains("Blue mug x3 on example.item_created"), "the service ran: {last_run}");

    // What the adopter wrote by hand, and what `init` wrote for them.
    let by_hand = non_empty_lines(&shop.join("xtask/Cargo.toml")) + non_empty_lines(&shop.join("xtask/src/main.rs"));
    let config_lines = fs::read_to_string(shop.join("schemas/events.toml")).unwrap().lines().count();
    println!("lines written by hand: {by_hand} (xtask/Cargo.toml and xtask/src/main.rs); events.toml from init: {config_lines}");
    assert!(by_hand <= 10, "{by_hand} lines by hand");
    let generated_manifest = fs::read_to_string(shop.join("events/Cargo.toml")).unwrap();
    assert!(generated_manifest.contains(r#"event-contracts = { path = "../../event-contracts/runtime" }"#), "{generated_manifest}");
    git(&shop, &["add", "-A"]);
    git(&shop, &["commit", "-q", "-m", "contracts"]);

    // Two events, one with two versions.
    let v1_path = shop.join("schemas/example/item_created.v1.schema.json");
    let mut v2 = schema(&v1_path);
    v2["properties"]["sku"] = serde_json::json!({"type": "string", "pattern": "^[A-Z]{3}-[0-9]{4}$", "description": "Stock keeping unit."});
    v2["required"].as_array_mut().unwrap().push("sku".into());
    v2["examples"][0]["sku"] = "MUG-0001".into();
    write_schema(&shop.join("schemas/example/item_created.v2.schema.json"), &v2);
    write_schema(
        &shop.join("schemas/example/item_deleted.v1.schema.json"),
        &serde_json::json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "Item deleted", "type": "object", "additionalProperties": false,
            "required": ["item_id"],
            "properties": {"item_id": {"type": "string", "format": "uuid"}},
            "examples": [{"item_id": "4f6c1a2b-9d3e-4c5f-8a7b-1e2d3c4b5a69"}]
        }),
    );
    let stale = scene.cargo(&shop, &["xtask", "gen", "--check"]);
    assert!(!stale.status.success(), "new schemas make the generated crate stale");
    scene.cargo_ok(&shop, &["xtask", "gen"]);
    scene.cargo_ok(&shop, &["xtask", "gen", "--check"]);

    // The README's service matched the one event there was: the new ones
    // are a compile error until it handles them.
    let unhandled = scene.cargo(&shop, &["build", "-p", "orders"]);
    let stderr = String::from_utf8_lossy(&unhandled.stderr);
    assert!(!unhandled.status.success() && stderr.contains("E0004") && stderr.contains("ExampleItemDeletedV1"), "{stderr}");
    let main = fs::read_to_string(shop.join("orders/src/main.rs")).unwrap();
    let handled = main.replace(
        "    }\n    Ok(())\n}\n",
        "        Event::ExampleItemCreatedV2(item) => println!(\"{} ({})\", item.name.as_str(), item.sku.as_str()),\n        Event::ExampleItemDeletedV1(item) => println!(\"deleted {}\", item.item_id),\n    }\n    Ok(())\n}\n",
    );
    assert_ne!(handled, main, "the README's service ends its match where the test adds arms");
    fs::write(shop.join("orders/src/main.rs"), handled).unwrap();
    let ran = scene.cargo_ok(&shop, &["run", "-q", "-p", "orders"]);
    assert!(ran.contains("Blue mug x3"), "{ran}");

    // A missing required field is a compile error in the service, by the
    // builder as by a struct literal.
    fs::create_dir_all(shop.join("orders/src/bin")).unwrap();
    fs::write(
        shop.join("orders/src/bin/missing_field.rs"),
        "fn main() {\n    let _ = shop_events::ItemDeletedV1 {};\n    let _ = shop_events::ItemDeletedV1::builder().build();\n}\n",
    )
    .unwrap();
    let missing = scene.cargo(&shop, &["build", "-p", "orders", "--bin", "missing_field"]);
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert!(!missing.status.success() && stderr.contains("E0063") && stderr.contains("missing field `item_id`"), "{stderr}");
    assert!(stderr.contains("E0277") && stderr.contains("members::item_id>` was not set"), "{stderr}");
    fs::remove_dir_all(shop.join("orders/src/bin")).unwrap();

    // A breaking edit to a committed schema fails the gate, naming the file.
    git(&shop, &["add", "-A"]);
    git(&shop, &["commit", "-q", "-m", "more events"]);
    let mut v1 = schema(&v1_path);
    v1["required"].as_array_mut().unwrap().push("note".into());
    write_schema(&v1_path, &v1);
    let gate = scene.cargo(&shop, &["xtask", "compat"]);
    let report = String::from_utf8_lossy(&gate.stdout);
    assert_eq!(gate.status.code(), Some(1), "{report}{}", String::from_utf8_lossy(&gate.stderr));
    assert!(report.contains("schemas/example/item_created.v1.schema.json") && report.contains("`note` is now required"), "{report}");
    git(&shop, &["checkout", "-q", "--", "."]);

    // A second checkout sharing the target folder (so the same xtask
    // binary) generates its own files only.
    let second = scene.base.join("shop-copy");
    copy_dir(&shop, &second);
    let mut archived = schema(&shop.join("schemas/example/item_deleted.v1.schema.json"));
    archived["title"] = "Item archived".into();
    write_schema(&second.join("schemas/example/item_archived.v1.schema.json"), &archived);
    scene.cargo_ok(&second, &["xtask", "gen"]);
    assert!(second.join("events/src/example/item_archived/v1.rs").is_file());
    assert!(!shop.join("events/src/example/item_archived").exists(), "the first checkout is untouched");
    scene.cargo_ok(&shop, &["xtask", "gen", "--check"]);
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
