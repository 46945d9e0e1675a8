//! The generated catalogs list every event; the HTML one is loaded in a real
//! headless browser (Debian's chromium, installed by `cargo xtask test`),
//! which must render a section for every event version.

use std::path::{Path, PathBuf};
use std::process::Command;

use event_contracts::EventInfo;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn anchor(info: &EventInfo) -> String {
    let slug: String = info.event_type.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    format!("event-{slug}-v{}", info.version)
}

const SETS: &[(&str, &[EventInfo])] = &[
    ("events-generated", events_generated::registry::EVENTS),
    ("examples/activity-builder/events", activity_builder_events::registry::EVENTS),
    ("examples/salestalk/events", salestalk_events::registry::EVENTS),
    ("examples/agent-platform/events", agent_platform_events::registry::EVENTS),
    ("examples/platform-events/events", platform_events::registry::EVENTS),
];

#[test]
fn markdown_catalogs_list_every_event_with_its_facts() {
    for (dir, events) in SETS {
        let markdown = std::fs::read_to_string(repo_root().join(dir).join("CATALOG.md")).unwrap();
        for info in *events {
            let section = format!("## `{}` v{}", info.event_type, info.version);
            assert!(markdown.contains(&section), "{dir}: no section {section}");
            assert!(markdown.contains(&format!("(#{})", anchor(info))), "{dir}: {} is not in the table", info.event_type);
            if let Some(producer) = info.producer {
                assert!(markdown.contains(producer), "{dir}: producer {producer} missing");
            }
        }
    }
    let kfm = std::fs::read_to_string(repo_root().join("events-generated/CATALOG.md")).unwrap();
    assert!(kfm.contains("- removed `asset_ref`"), "v2's changes from v1 are listed");
    assert!(kfm.contains("| `user_ref` | string | no |"), "fields are listed");
    assert!(kfm.contains("| restricted |"), "classification is listed");
}

fn chromium() -> PathBuf {
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        for dir in std::env::var("PATH").unwrap_or_default().split(':') {
            let candidate = Path::new(dir).join(name);
            if candidate.is_file() {
                return candidate;
            }
        }
    }
    panic!("no headless browser found: install Debian's `chromium` (`cargo xtask test` does)");
}

#[test]
fn html_catalogs_render_every_event_in_a_headless_browser() {
    let browser = chromium();
    for (dir, events) in SETS {
        let page = repo_root().join(dir).join("catalog.html");
        let profile = tempfile::tempdir().unwrap();
        let output = Command::new(&browser)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("--dump-dom")
            .arg(format!("file://{}", page.display()))
            .output()
            .unwrap();
        let dom = String::from_utf8_lossy(&output.stdout);
        assert!(
            dom.contains(&format!("data-rendered=\"{}\"", events.len())),
            "{dir}: the page did not render its {} events\n{}",
            events.len(),
            String::from_utf8_lossy(&output.stderr)
        );
        for info in *events {
            assert!(dom.contains(&format!("<section id=\"{}\"", anchor(info))), "{dir}: no rendered section for {} v{}", info.event_type, info.version);
        }
    }
}

#[test]
fn a_definition_that_holds_itself_is_named_inside_itself_not_described_forever() {
    let markdown = std::fs::read_to_string(repo_root().join("tests/fixtures/legal-schemas/events/CATALOG.md")).unwrap();
    let row = markdown.lines().find(|line| line.starts_with("| `content` | RecursiveContentTreeV1ContentValue")).expect("the recursive field's row");
    assert!(row.contains("RecursiveContentTreeV1List (array of RecursiveContentTreeV1ContentValue)"), "{row}");
}
