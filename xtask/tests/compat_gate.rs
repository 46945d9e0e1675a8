//! The compatibility gate in a temporary git repository: a breaking edit to
//! a released version fails with the place of the change, the same change
//! as a new version passes, and so does a compatible edit.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::{Value, json};

fn git(repo: &Path, args: &[&str]) {
    let status = Command::new("git")
        .current_dir(repo)
        .args(["-c", "user.name=gate", "-c", "user.email=gate@example.com", "-c", "commit.gpgsign=false"])
        .args(args)
        .output()
        .expect("git runs");
    assert!(status.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&status.stderr));
}

fn write(repo: &Path, path: &str, value: &Value) {
    let path = repo.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, serde_json::to_string_pretty(value).unwrap() + "\n").unwrap();
}

fn order_placed(required: &[&str], extra_property: Option<(&str, Value)>) -> Value {
    let mut schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Order placed",
        "type": "object",
        "additionalProperties": false,
        "required": required,
        "properties": {
            "order_id": {"type": "string"},
            "amount": {"type": "number", "minimum": 0}
        }
    });
    if let Some((name, property)) = extra_property {
        schema["properties"][name] = property;
    }
    schema
}

/// A repository whose `main` holds one released event, `orders/placed.v1`,
/// with a feature branch checked out.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    std::fs::create_dir_all(repo.join("schemas")).unwrap();
    std::fs::write(
        repo.join("schemas/events.toml"),
        "name = \"shop\"\noutput = \"../generated\"\ncrate-name = \"shop-events\"\n\n[naming]\nevent-type = \"shop.{domain}.{event}\"\n\n[envelope]\nschema = \"_shared/envelope.schema.json\"\ntype = \"/type\"\nversion = \"/version\"\npayload = \"/data\"\n",
    )
    .unwrap();
    write(
        repo,
        "schemas/_shared/envelope.schema.json",
        &json!({"type": "object", "additionalProperties": false, "required": ["type", "version", "data"],
            "properties": {"type": {"type": "string"}, "version": {"type": "integer"}, "data": {"type": "object"}}}),
    );
    write(repo, "schemas/orders/placed.v1.schema.json", &order_placed(&["order_id"], None));
    git(repo, &["init", "-q", "-b", "main"]);
    git(repo, &["add", "."]);
    git(repo, &["commit", "-q", "-m", "release v1"]);
    git(repo, &["checkout", "-q", "-b", "feature"]);
    dir
}

fn gate(repo: &Path) -> (Output, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask")).args(["--root"]).arg(repo).arg("compat").output().expect("xtask runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    (output, stdout)
}

#[test]
fn a_breaking_edit_to_a_released_version_fails_with_its_place() {
    let dir = repository();
    let repo = dir.path();
    write(repo, "schemas/orders/placed.v1.schema.json", &order_placed(&["order_id", "amount"], None));
    git(repo, &["commit", "-q", "-am", "require amount"]);
    let (output, stdout) = gate(repo);
    assert_eq!(output.status.code(), Some(1), "{stdout}{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("error: breaking change to shop.orders.placed v1"), "{stdout}");
    assert!(stdout.contains("schemas/orders/placed.v1.schema.json:"), "the file and line:col: {stdout}");
    assert!(stdout.contains("/required/1"), "the pointer: {stdout}");
    assert!(stdout.contains("required-added"), "the kind: {stdout}");
    assert!(stdout.contains("placed.v2.schema.json"), "the fix names the next version: {stdout}");
    assert!(stdout.contains("= witness: {\"order_id\":"), "an old value the new schema refuses: {stdout}");

    // The same facts as one JSON document.
    let output = Command::new(env!("CARGO_BIN_EXE_xtask")).args(["--root"]).arg(repo).args(["compat", "--format", "json"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&output.stdout).expect("one JSON document");
    assert_eq!(report["breaking"], 1, "{report}");
    let finding = &report["sets"][0]["findings"][0];
    assert_eq!((finding["event_type"].as_str(), finding["kind"].as_str(), finding["breaking"].as_bool()), (Some("shop.orders.placed"), Some("edited"), Some(true)), "{finding}");
    let witness = &finding["witnesses"][0];
    assert_eq!(witness["breaks"], "new-readers", "{finding}");
    assert!(witness["instance"].get("order_id").is_some() && witness["instance"].get("amount").is_none(), "an old order without the amount: {witness}");
    let change = &finding["changes"][0];
    assert_eq!(change["file"], "schemas/orders/placed.v1.schema.json", "{change}");
    assert_eq!(change["pointer"], "/required/1", "{change}");
    assert_eq!(change["kind"], "required-added", "{change}");
    assert!(change["position"]["line"].as_u64().is_some_and(|line| line > 1), "{change}");
    let text = std::fs::read_to_string(repo.join("schemas/orders/placed.v1.schema.json")).unwrap();
    let line = text.lines().nth(change["position"]["line"].as_u64().unwrap() as usize - 1).unwrap();
    assert!(line.contains("\"amount\""), "line:col is where the pointer is: {line}");
}

#[test]
fn the_same_change_as_a_new_version_passes_and_is_reported() {
    let dir = repository();
    let repo = dir.path();
    write(repo, "schemas/orders/placed.v2.schema.json", &order_placed(&["order_id", "amount"], None));
    git(repo, &["add", "."]);
    git(repo, &["commit", "-q", "-m", "v2 requires amount"]);
    let (output, stdout) = gate(repo);
    assert_eq!(output.status.code(), Some(0), "{stdout}{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("note: new version shop.orders.placed v2"), "{stdout}");
    assert!(stdout.contains("required-added"), "its differences from v1 are listed: {stdout}");
}

#[test]
fn a_compatible_edit_passes_and_removing_a_version_fails() {
    let dir = repository();
    let repo = dir.path();
    // A new optional field of a closed object: old data never had it.
    write(repo, "schemas/orders/placed.v1.schema.json", &order_placed(&["order_id"], Some(("note", json!({"type": "string"})))));
    git(repo, &["commit", "-q", "-am", "optional note"]);
    let (output, stdout) = gate(repo);
    assert_eq!(output.status.code(), Some(0), "{stdout}{}", String::from_utf8_lossy(&output.stderr));

    // Against an explicit revision and after the file is gone.
    std::fs::remove_file(repo.join("schemas/orders/placed.v1.schema.json")).unwrap();
    write(repo, "schemas/orders/cancelled.v1.schema.json", &order_placed(&["order_id"], None));
    let output = Command::new(env!("CARGO_BIN_EXE_xtask")).args(["--root"]).arg(repo).args(["compat", "--against", "main"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("shop.orders.placed v1") && stdout.contains("was removed"), "{stdout}");
}

#[test]
fn a_property_removed_from_a_shared_object_is_placed_where_it_was_in_the_base_revision() {
    let dir = repository();
    let repo = dir.path();
    let customer = |properties: Value| json!({"type": "object", "additionalProperties": false, "properties": properties});
    git(repo, &["checkout", "-q", "main"]);
    write(repo, "schemas/_shared/customer.schema.json", &customer(json!({"id": {"type": "string"}, "tier": {"type": "string"}})));
    write(repo, "schemas/orders/placed.v1.schema.json", &order_placed(&["order_id"], Some(("customer", json!({"$ref": "../_shared/customer.schema.json"})))));
    git(repo, &["add", "."]);
    git(repo, &["commit", "-q", "-m", "orders carry their customer"]);
    let base_text = std::fs::read_to_string(repo.join("schemas/_shared/customer.schema.json")).unwrap();
    git(repo, &["checkout", "-q", "-b", "drop-tier"]);
    write(repo, "schemas/_shared/customer.schema.json", &customer(json!({"id": {"type": "string"}})));
    git(repo, &["commit", "-q", "-am", "drop the tier"]);

    let output = Command::new(env!("CARGO_BIN_EXE_xtask")).args(["--root"]).arg(repo).args(["compat", "--format", "json"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stdout));
    let report: Value = serde_json::from_slice(&output.stdout).expect("one JSON document");
    let change = &report["sets"][0]["findings"][0]["changes"][0];
    assert_eq!(change["kind"], "property-removed", "{change}");
    assert_eq!(change["file"], "schemas/_shared/customer.schema.json", "the shared file, not the event's: {change}");
    assert_eq!(change["pointer"], "/properties/tier", "{change}");
    assert_eq!(change["revision"], "base", "the new file has no such place: {change}");
    let line = base_text.lines().nth(change["position"]["line"].as_u64().unwrap() as usize - 1).unwrap();
    assert!(line.contains("\"tier\""), "line:col is where it was: {line}");

    let (_, stdout) = gate(repo);
    assert!(stdout.contains("schemas/_shared/customer.schema.json:") && stdout.contains("in the base revision"), "{stdout}");
}
