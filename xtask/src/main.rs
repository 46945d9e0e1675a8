//! `cargo xtask`: the project's command line. Thin: it parses arguments,
//! calls `codegen`, and renders what comes back.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use codegen::{Diagnostic, Error, Mode};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Contract-first event types: generate, check, and more.")]
struct Cli {
    /// The repository to work on (default: this workspace).
    #[arg(long, global = true)]
    root: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate the event crate of every contract set (or one, with --config).
    Gen {
        /// Write nothing; fail if any generated file is out of date.
        #[arg(long)]
        check: bool,
        /// One contract set's config file, e.g. `schemas/events.toml`.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Replace hand-edited or foreign files in the output folder.
        #[arg(long, conflicts_with = "check")]
        force: bool,
        /// How to print problems.
        #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
        message_format: MessageFormat,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum MessageFormat {
    Human,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = cli.root.unwrap_or_else(project_root);
    match cli.command {
        Command::Gen {
            check,
            config,
            force,
            message_format,
        } => {
            let mode = match (check, force) {
                (true, _) => Mode::Check,
                (false, true) => Mode::Force,
                (false, false) => Mode::Write,
            };
            generate(&root, mode, config, message_format)
        }
    }
}

/// The workspace root: xtask lives one level below it.
fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is inside the workspace")
        .to_path_buf()
}

fn generate(root: &Path, mode: Mode, config: Option<PathBuf>, format: MessageFormat) -> ExitCode {
    let configs = match config {
        Some(config) => vec![config],
        None => codegen::discover::config_files(root),
    };
    if configs.is_empty() {
        eprintln!("error: no contract set found (looked for schemas/events.toml and examples/*/schemas/events.toml)");
        return ExitCode::FAILURE;
    }
    let mut failed = false;
    for config in configs {
        match codegen::run(root, &config, mode) {
            Ok(report) if report.is_up_to_date() => {
                eprintln!("{}: up to date", config.display());
            }
            Ok(report) if mode == Mode::Check => {
                failed = true;
                for path in &report.changed {
                    eprintln!("error: stale generated file: {}", path.display());
                }
                for path in &report.extra {
                    eprintln!("error: file not produced by generation: {}", path.display());
                }
                eprintln!("help: run `cargo xtask gen` and commit the result");
            }
            Ok(report) => {
                eprintln!(
                    "{}: wrote {} changed file(s), removed {} stale file(s)",
                    config.display(),
                    report.changed.len(),
                    report.extra.len()
                );
            }
            Err(error) => {
                failed = true;
                render(root, &error, format);
            }
        }
    }
    if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

fn render(root: &Path, error: &Error, format: MessageFormat) {
    match error {
        Error::Invalid(diagnostics) => {
            for diagnostic in diagnostics {
                match format {
                    MessageFormat::Human => eprintln!("{}\n", human(root, diagnostic)),
                    MessageFormat::Json => println!("{}", json(diagnostic)),
                }
            }
            if format == MessageFormat::Human {
                eprintln!("error: {error}; nothing was written");
            }
        }
        Error::Io { .. } => eprintln!("error: {error}"),
    }
}

/// rustc-style: the message, the location, the source line with a caret.
fn human(root: &Path, d: &Diagnostic) -> String {
    let mut out = d.to_string();
    let Some((line, column)) = d.position else { return out };
    let source_line = std::fs::read_to_string(root.join(&d.file))
        .ok()
        .and_then(|text| text.lines().nth(line.saturating_sub(1)).map(str::to_owned));
    if let Some(text) = source_line {
        let gutter = " ".repeat(line.to_string().len());
        let caret = format!("{}^", " ".repeat(column.saturating_sub(1)));
        let at = out.find("\n  = help:").unwrap_or(out.len());
        out.insert_str(at, &format!("\n{gutter} |\n{line} | {text}\n{gutter} | {caret}"));
    }
    out
}

/// One JSON object per diagnostic, for editors and tools.
fn json(d: &Diagnostic) -> String {
    serde_json::to_string(d).expect("a diagnostic is plain data")
}
