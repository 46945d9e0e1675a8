//! `cargo xtask compat ...`: reads files, calls `codegen::compat`, prints.

use std::path::Path;
use std::process::ExitCode;

use clap::{Subcommand, ValueEnum};
use codegen::compat::{self, Direction, Policy};

#[derive(Subcommand)]
pub enum CompatCmd {
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
    /// Run Confluent Schema Registry's JSON Schema diff cases in a folder.
    Suite { dir: std::path::PathBuf },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModeArg {
    Backward,
    Forward,
    Full,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PolicyArg {
    Strict,
    Lenient,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Text,
    Json,
}

pub fn run(cmd: CompatCmd) -> ExitCode {
    match cmd {
        CompatCmd::Diff {
            old,
            new,
            mode,
            policy,
            format,
        } => diff(&old, &new, mode, policy, format),
        CompatCmd::Suite { dir } => suite(&dir),
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

fn suite(dir: &Path) -> ExitCode {
    match compat::run_suite(dir) {
        Ok(report) => {
            println!("{report}");
            if report.failed == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
