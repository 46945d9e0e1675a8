//! `cargo xtask compat` (the gate: every schema against an earlier tree)
//! and `cargo xtask compat diff` (two files): reads files, asks the
//! compatibility checker, prints.

use std::path::Path;
use std::process::ExitCode;

use clap::{Subcommand, ValueEnum};
use event_contracts_codegen::compat::{self, Direction, Policy};

#[derive(Subcommand)]
pub(crate) enum CompatCmd {
    /// Compare two schema files: is data written with one readable with the other?
    Diff {
        old: std::path::PathBuf,
        new: std::path::PathBuf,
        /// backward: new readers read old data; forward: old readers read new data; full: both.
        #[arg(long, value_enum, default_value_t = ModeArg::Backward)]
        mode: ModeArg,
        /// strict: an open content model may already carry any property; lenient: writers only sent declared ones.
        #[arg(long, value_enum, default_value_t = PolicyArg::Strict)]
        policy: PolicyArg,
        #[arg(long, value_enum, default_value_t = FormatArg::Text)]
        format: FormatArg,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ModeArg {
    Backward,
    Forward,
    Full,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum PolicyArg {
    Strict,
    Lenient,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum FormatArg {
    Text,
    Json,
}

pub(crate) fn run(cmd: CompatCmd) -> ExitCode {
    match cmd {
        CompatCmd::Diff {
            old,
            new,
            mode,
            policy,
            format,
        } => diff(&old, &new, mode, policy, format),
    }
}

fn diff(old: &Path, new: &Path, mode: ModeArg, policy: PolicyArg, format: FormatArg) -> ExitCode {
    let (old_schema, new_schema) = match (compat::read_schema(old), compat::read_schema(new)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let direction = match mode {
        ModeArg::Backward => Direction::Backward,
        ModeArg::Forward => Direction::Forward,
        ModeArg::Full => Direction::Full,
    };
    let policy = match policy {
        PolicyArg::Strict => Policy::Strict,
        PolicyArg::Lenient => Policy::Lenient,
    };
    let mut result = compat::diff(&old_schema, &new_schema, direction, policy);
    if let Some(next) = compat::next_version_file(new) {
        result.name_next_version(&next);
    }
    match format {
        FormatArg::Json => match serde_json::to_string_pretty(&result) {
            Ok(json) => println!("{json}"),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        },
        FormatArg::Text => {
            for change in &result.changes {
                let breaks = change
                    .breaks
                    .map_or_else(|| "compatible".to_owned(), |b| b.to_string());
                println!(
                    "{}  {}  {}: {}",
                    change.pointer, change.kind, breaks, change.message
                );
                if !change.fix.is_empty() {
                    println!("    fix: {}", change.fix);
                }
            }
            for witness in &result.witnesses {
                println!("{}", witness_text(witness));
            }
            let verdict = if result.compatible {
                "compatible"
            } else {
                "breaking"
            };
            println!(
                "{verdict} ({} change(s), {}, {})",
                result.changes.len(),
                mode_name(mode),
                policy_name(policy)
            );
        }
    }
    if result.compatible {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// `witness: {"a": 1}` is valid under the old schema, refused by the new
/// one at `/a`: its reason.
fn witness_text(witness: &compat::Witness) -> String {
    let (valid, refused) = match witness.breaks {
        compat::Breaks::OldReaders => ("new", "old"),
        _ => ("old", "new"),
    };
    let at = if witness.refused_at.is_empty() { "/" } else { &witness.refused_at };
    format!("witness: {} is valid under the {valid} schema and refused by the {refused} one at {at}: {}", witness.instance, witness.reason)
}

fn mode_name(mode: ModeArg) -> &'static str {
    match mode {
        ModeArg::Backward => "backward",
        ModeArg::Forward => "forward",
        ModeArg::Full => "full",
    }
}

fn policy_name(policy: Policy) -> &'static str {
    match policy {
        Policy::Strict => "strict",
        Policy::Lenient => "lenient",
    }
}

/// `cargo xtask compat`: every contract set of `root` against an earlier
/// tree: `against_dir`, or the revision `against`, or by default the
/// merge-base with `main` (the commit before HEAD when on `main`).
pub(crate) fn gate(root: &Path, against: Option<&str>, against_dir: Option<&Path>, format: FormatArg) -> ExitCode {
    let exported;
    let (old_root, label) = match (against_dir, against) {
        (Some(dir), _) => (dir.to_path_buf(), dir.display().to_string()),
        (None, revision) => {
            let revision = match revision.map(str::to_owned).map_or_else(|| default_revision(root), Ok) {
                Ok(revision) => revision,
                Err(e) => {
                    eprintln!("error: {e}\n  = help: pass `--against <rev>` or `--against-dir <path>`");
                    return ExitCode::from(2);
                }
            };
            exported = match export(root, &revision) {
                Ok(dir) => dir,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(2);
                }
            };
            (exported.path().to_path_buf(), format!("revision {revision}"))
        }
    };
    let mut checked = 0;
    let mut breaking = 0;
    let mut sets = Vec::new();
    let configs = match event_contracts_codegen::contract_sets(root) {
        Ok(configs) => configs,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    for config in configs {
        let report = match compat::gate(&old_root, root, &config) {
            Ok(report) => report,
            Err(error) => {
                eprintln!("error: {}: {error}", config.display());
                for diagnostic in error.diagnostics() {
                    eprintln!("{diagnostic}");
                }
                return ExitCode::from(2);
            }
        };
        checked += report.findings.len();
        breaking += report.findings.iter().filter(|finding| finding.breaking).count();
        match format {
            FormatArg::Json => sets.push(set_json(&report)),
            FormatArg::Text => {
                if let Some(note) = &report.note {
                    println!("{}: {note}", config.display());
                }
                report.findings.iter().for_each(print_finding);
            }
        }
    }
    match format {
        FormatArg::Json => {
            let document = serde_json::json!({"against": label, "checked": checked, "breaking": breaking, "sets": sets});
            println!("{}", serde_json::to_string_pretty(&document).expect("JSON values always serialize"));
        }
        FormatArg::Text => println!("compat against {label}: {checked} schema(s) checked, {breaking} breaking"),
    }
    if breaking == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) }
}

/// A set's report as JSON: the same facts the text prints, positions as
/// `{"line", "column"}` (or `null`) as in the diagnostics' JSON.
fn set_json(report: &compat::SetReport) -> serde_json::Value {
    use compat::FindingKind;
    let findings: Vec<serde_json::Value> = report
        .findings
        .iter()
        .map(|finding| {
            let (kind, mode, against) = match &finding.kind {
                FindingKind::Edited { mode } => ("edited", Some(mode.as_str()), None),
                FindingKind::Envelope { mode } => ("envelope", Some(mode.as_str()), None),
                FindingKind::NewVersion { against } => ("new-version", None, Some(against.clone())),
                FindingKind::NewEvent => ("new-event", None, None),
                FindingKind::Removed => ("removed", None, None),
            };
            let changes: Vec<serde_json::Value> = finding
                .changes
                .iter()
                .map(|located| {
                    serde_json::json!({
                        "file": located.file,
                        "pointer": located.pointer,
                        "position": located.position.map(|(line, column)| serde_json::json!({"line": line, "column": column})),
                        "revision": if located.in_base { "base" } else { "new" },
                        "kind": located.change.kind.as_str(),
                        "breaks": located.change.breaks.map(|breaks| breaks.to_string()),
                        "message": located.change.message,
                        "fix": located.change.fix,
                    })
                })
                .collect();
            serde_json::json!({
                "file": finding.file,
                "event_type": finding.event_type,
                "version": finding.version,
                "kind": kind,
                "mode": mode,
                "against": against,
                "breaking": finding.breaking,
                "changes": changes,
                "witnesses": finding.witnesses,
            })
        })
        .collect();
    serde_json::json!({"config": report.config, "note": report.note, "findings": findings})
}

fn print_finding(finding: &compat::Finding) {
    use compat::FindingKind;
    let what = format!("{} v{} ({})", finding.event_type, finding.version, finding.file.display());
    match &finding.kind {
        FindingKind::Edited { .. } | FindingKind::Envelope { .. } if finding.changes.is_empty() => return,
        FindingKind::Edited { mode } | FindingKind::Envelope { mode } => {
            let verdict = if finding.breaking { "error: breaking change" } else { "note: compatible change" };
            println!("{verdict} to {what} under {}", mode.as_str());
        }
        FindingKind::NewVersion { against } => {
            let versions: Vec<String> = against.iter().map(|v| format!("v{v}")).collect();
            println!("note: new version {what}; its differences from {}:", versions.join(", "));
        }
        FindingKind::NewEvent => {
            println!("note: new event {what}");
            return;
        }
        FindingKind::Removed => {
            println!("error: {what} was removed: its consumers can no longer decode it");
            println!("  = help: keep the file (mark it `\"deprecated\": true`) until no producer sends this version");
            return;
        }
    }
    for located in &finding.changes {
        let at = located.position.map_or(String::new(), |(line, column)| format!(":{line}:{column}"));
        let change = &located.change;
        let revision = if located.in_base { " (removed: in the base revision)" } else { "" };
        println!("  --> {}{at} {}{revision}", located.file.display(), if located.pointer.is_empty() { "/" } else { &located.pointer });
        let who = change.breaks.map_or_else(|| "compatible".to_owned(), |b| b.to_string());
        println!("   = {}: {} ({who})", change.kind, change.message);
        if finding.breaking && change.breaks.is_some() && !change.fix.is_empty() {
            println!("   = help: {}", change.fix);
        }
    }
    for witness in &finding.witnesses {
        println!("   = {}", witness_text(witness));
    }
}

/// The merge-base of HEAD with `main`; on `main` itself, HEAD's parent
/// (or HEAD, where there is no parent to see).
fn default_revision(root: &Path) -> Result<String, String> {
    let head = git(root, &["rev-parse", "HEAD"])?;
    let base = git(root, &["merge-base", "HEAD", "main"]).unwrap_or_else(|_| head.clone());
    if base != head {
        return Ok(base);
    }
    match git(root, &["rev-parse", "--verify", "--quiet", "HEAD~1"]) {
        Ok(parent) => Ok(parent),
        Err(_) => {
            // A first commit, or a shallow clone: the working tree against HEAD.
            println!("note: HEAD has no parent here (a first commit or a shallow clone): comparing the working tree with HEAD");
            Ok(head)
        }
    }
}

fn git(root: &Path, args: &[&str]) -> Result<String, String> {
    let output = std::process::Command::new("git").current_dir(root).args(args).output().map_err(|e| format!("git: {e}"))?;
    if !output.status.success() {
        return Err(format!("git {}: {}", args.join(" "), String::from_utf8_lossy(&output.stderr).trim()));
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// The tree of `revision`, in a temporary folder: `git archive`, since
/// the gate runs where git is (a git library would double the command
/// crate's build time).
fn export(root: &Path, revision: &str) -> Result<tempfile::TempDir, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let archive = std::process::Command::new("git")
        .current_dir(root)
        .args(["archive", "--format=tar", revision])
        .output()
        .map_err(|e| format!("git archive: {e}"))?;
    if !archive.status.success() {
        return Err(format!("git archive {revision}: {}", String::from_utf8_lossy(&archive.stderr).trim()));
    }
    // Unpacked in-process (tar refuses entries that would leave `dir`).
    tar::Archive::new(archive.stdout.as_slice()).unpack(dir.path()).map_err(|e| format!("could not unpack revision {revision}: {e}"))?;
    Ok(dir)
}
