//! `cargo xtask`: the project's command line. Thin: it parses arguments,
//! calls `codegen`, and renders what comes back.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod bench;
mod compat;
mod compat_suite;
mod conformance;
mod synthetic;

use clap::{Parser, Subcommand, ValueEnum};
use event_contracts_codegen::{Diagnostic, Error, Mode};

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
    /// Write the event catalog (Markdown and HTML) of every contract set.
    Docs {
        /// Where to write `<set>.md` and `<set>.html`.
        #[arg(long, default_value = "target/catalog")]
        out: PathBuf,
    },
    /// Measure decoding and encoding against serde, a validator and SIMD parsers,
    /// then generation on synthetic contract sets (100, 300, 1000 events).
    Bench {
        /// Brief decode rounds; 100 and 300 events only, no `cargo check`: a smoke run for CI.
        #[arg(long)]
        quick: bool,
        /// Rewrite the decode benchmark's synthetic contract set
        /// (`benches/decode/schemas/`) instead of measuring.
        #[arg(long, hide = true)]
        write_decode_set: bool,
        /// Only write the synthetic generation sets (`DIR/<events>/`) and
        /// generate them, for inspecting the output; measures nothing.
        #[arg(long, hide = true, value_name = "DIR")]
        write_sets: Option<PathBuf>,
    },
    /// Run the official JSON Schema test suite through generated types:
    /// typed decode + validation against each test's `valid` flag.
    Conformance {
        /// The JSON-Schema-Test-Suite checkout (or its `tests/` folder).
        #[arg(long)]
        suite: PathBuf,
        /// One draft only (default: both).
        #[arg(long, value_enum)]
        draft: Option<DraftArg>,
    },
    /// Schema compatibility: with no subcommand, the gate (every schema against
    /// an earlier revision; exit 1 on a breaking change); `compat diff <old>
    /// <new>`; `compat suite <dir>`.
    Compat {
        #[command(subcommand)]
        cmd: Option<compat::CompatCmd>,
        /// The git revision to compare with (default: the merge-base with
        /// `main`, or HEAD's parent on `main`).
        #[arg(long)]
        against: Option<String>,
        /// A snapshot of the repository (its config and schema folders) to
        /// compare with instead of a revision.
        #[arg(long, conflicts_with = "against")]
        against_dir: Option<PathBuf>,
    },
    /// Install what the tests need (a headless browser, a NATS server) and run them all.
    Test {
        /// Passed on to `cargo test`.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DraftArg {
    #[value(name = "2020-12")]
    Draft2020_12,
    #[value(name = "7")]
    Draft7,
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
        Command::Docs { out } => docs(&root, &out),
        Command::Test { args } => test(&root, &args),
        Command::Compat { cmd: Some(cmd), .. } => compat::run(cmd),
        Command::Compat { cmd: None, against, against_dir } => compat::gate(&root, against.as_deref(), against_dir.as_deref()),
        Command::Conformance { suite, draft } => {
            let drafts = match draft {
                Some(DraftArg::Draft2020_12) => vec![conformance::Draft::Draft2020_12],
                Some(DraftArg::Draft7) => vec![conformance::Draft::Draft7],
                None => vec![conformance::Draft::Draft2020_12, conformance::Draft::Draft7],
            };
            match conformance::run(&root, &suite, &drafts) {
                Ok(true) => ExitCode::SUCCESS,
                Ok(false) => {
                    eprintln!("error: typed decode + validation disagrees with the suite on a group the generator accepts");
                    ExitCode::FAILURE
                }
                Err(error) => {
                    eprintln!("error: {error}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Bench { write_decode_set: true, .. } => {
            let schemas = root.join("benches/decode/schemas");
            let _ = std::fs::remove_dir_all(&schemas);
            match synthetic::write_decode_set(&schemas, 50) {
                Ok(()) => generate(&root, Mode::Write, Some("benches/decode/schemas/events.toml".into()), MessageFormat::Human),
                Err(error) => {
                    eprintln!("error: {}: {error}", schemas.display());
                    ExitCode::FAILURE
                }
            }
        }
        Command::Bench { write_sets: Some(dir), .. } => match bench::write_sets(&root, &dir) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("error: {error}");
                ExitCode::FAILURE
            }
        },
        Command::Bench { quick, .. } => match bench::run(&root, quick) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("error: {error}");
                ExitCode::FAILURE
            }
        },
    }
}

fn docs(root: &Path, out: &Path) -> ExitCode {
    let out = root.join(out);
    for config in event_contracts_codegen::discover::config_files(root) {
        let (set, files) = match event_contracts_codegen::generate(root, &config) {
            Ok(generated) => generated,
            Err(error) => {
                render(root, &error, MessageFormat::Human);
                return ExitCode::FAILURE;
            }
        };
        for (name, extension) in [("CATALOG.md", "md"), ("catalog.html", "html")] {
            let file = files.iter().find(|f| f.path == set.output_dir.join(name)).expect("every set has a catalog");
            let target = out.join(format!("{}.{extension}", set.name));
            if let Err(e) = std::fs::create_dir_all(&out).and_then(|()| std::fs::write(&target, &file.contents)) {
                eprintln!("error: {}: {e}", target.display());
                return ExitCode::FAILURE;
            }
            eprintln!("wrote {}", target.display());
        }
    }
    ExitCode::SUCCESS
}

/// What the tests need beyond Rust, as (Debian package, programs that
/// provide it): a headless browser for the HTML catalog, and a NATS server
/// with JetStream for the end-to-end pipeline.
const TEST_PACKAGES: &[(&str, &[&str])] = &[
    ("chromium", &["chromium", "chromium-browser"]),
    ("nats-server", &["nats-server", "/usr/sbin/nats-server"]),
];

/// Installs what the tests need when it is missing, then runs them all.
fn test(root: &Path, args: &[String]) -> ExitCode {
    let has = |program: &str| std::process::Command::new("sh").args(["-c", &format!("command -v {program}")]).output().is_ok_and(|o| o.status.success());
    let missing: Vec<&str> = TEST_PACKAGES
        .iter()
        .filter(|(_, programs)| !programs.iter().any(|p| has(p)))
        .map(|(package, _)| *package)
        .collect();
    if !missing.is_empty() {
        eprintln!("installing {} (needed by the tests)", missing.join(", "));
        let command = format!("apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq {}", missing.join(" "));
        let installed = std::process::Command::new("sh").args(["-c", &command]).status().is_ok_and(|s| s.success());
        if !installed {
            eprintln!("error: could not install {} with apt-get; install them and run `cargo test --workspace`", missing.join(", "));
            return ExitCode::FAILURE;
        }
    }
    let status = std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .current_dir(root)
        .args(["test", "--workspace"])
        .args(args)
        .status();
    match status {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        _ => ExitCode::FAILURE,
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
        None => event_contracts_codegen::discover::config_files(root),
    };
    if configs.is_empty() {
        eprintln!("error: no contract set found (looked for schemas/events.toml, examples/*/schemas/events.toml and benches/*/schemas/events.toml)");
        return ExitCode::FAILURE;
    }
    let mut failed = false;
    for config in configs {
        match event_contracts_codegen::run(root, &config, mode) {
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
