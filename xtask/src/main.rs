//! `cargo xtask` of this repository: the product's commands, as any
//! adopting workspace gets them from `event_contracts_xtask` (`gen`,
//! `compat`, `docs`, `init`), plus the commands only this repository has:
//! `test`, `bench`, `conformance` and `compat suite`.

use std::path::PathBuf;
use std::process::ExitCode;

mod bench;
mod compat_suite;
mod conformance;
mod crate_check;
mod setup;
mod synthetic;

use clap::{FromArgMatches, Subcommand};

// The commands of this repository alone (no doc comment: it would become the
// command line's description).
#[derive(Subcommand)]
enum RepoCommand {
    /// Measure decoding and encoding against serde, a validator and SIMD parsers,
    /// then generation on synthetic contract sets (100, 300, 1000 events).
    Bench {
        /// Brief decode rounds; 100 and 300 events only, no `cargo check`: a smoke run for CI.
        #[arg(long)]
        quick: bool,
        /// Also generate and `cargo check` a set of 300 large events (40
        /// fields, objects nested four deep, unions): what generated code
        /// costs the compiler at scale. Takes minutes and many GB.
        #[arg(long, conflicts_with = "quick")]
        large: bool,
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
        /// One draft only (default: every draft the generator reads).
        #[arg(long, value_enum)]
        draft: Option<conformance::Draft>,
    },
    /// Install what the tests need (a headless browser, NATS, a Kafka-protocol
    /// broker and librdkafka's build tools) when missing; nothing else.
    Setup,
    /// Install what the tests need (as `setup`) and run them all.
    Test {
        /// Passed on to `cargo test`.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

// `cargo xtask compat suite <dir>` and `compat fuzz` (no doc comment, as above).
#[derive(Subcommand)]
enum SuiteCommand {
    /// Run Confluent Schema Registry's JSON Schema diff cases in a folder.
    Suite { dir: PathBuf },
    /// Search for wrong verdicts: random schema pairs from a fresh seed,
    /// each "compatible" verdict checked against a validator on random
    /// instances (`cargo xtask test` runs 512 cases from a fixed seed).
    Fuzz {
        /// How many schema pairs to try.
        #[arg(long, default_value_t = 10_000)]
        cases: u32,
    },
}

fn main() -> ExitCode {
    let cli = RepoCommand::augment_subcommands(event_contracts_xtask::command()).mut_subcommand("compat", SuiteCommand::augment_subcommands);
    let matches = cli.get_matches();
    let root = event_contracts_xtask::root(&matches);
    if let Some(("compat", compat)) = matches.subcommand() {
        match SuiteCommand::from_arg_matches(compat) {
            Ok(SuiteCommand::Suite { dir }) => return compat_suite::run(&dir),
            Ok(SuiteCommand::Fuzz { cases }) => return compat_fuzz(&root, cases),
            Err(_) => {}
        }
    }
    match RepoCommand::from_arg_matches(&matches) {
        Ok(command) => run(&root, command),
        Err(_) => event_contracts_xtask::run(&matches),
    }
}

fn run(root: &std::path::Path, command: RepoCommand) -> ExitCode {
    match command {
        RepoCommand::Test { args } => test(root, &args),
        RepoCommand::Setup => match setup::run() {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("error: {error}");
                ExitCode::FAILURE
            }
        },
        RepoCommand::Conformance { suite, draft } => {
            let drafts = draft.map_or_else(|| conformance::Draft::ALL.to_vec(), |draft| vec![draft]);
            match conformance::run(root, &suite, &drafts) {
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
        RepoCommand::Bench { write_decode_set: true, .. } => {
            let schemas = root.join("benches/decode/schemas");
            let _ = std::fs::remove_dir_all(&schemas);
            if let Err(error) = synthetic::write_decode_set(&schemas, 50) {
                eprintln!("error: {}: {error}", schemas.display());
                return ExitCode::FAILURE;
            }
            match bench::generate_decode_set(root) {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => {
                    eprintln!("error: {error}");
                    ExitCode::FAILURE
                }
            }
        }
        RepoCommand::Bench { write_sets: Some(dir), .. } => match bench::write_sets(root, &dir) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("error: {error}");
                ExitCode::FAILURE
            }
        },
        RepoCommand::Bench { quick, large, .. } => match bench::run(root, quick, large) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("error: {error}");
                ExitCode::FAILURE
            }
        },
    }
}

/// Installs what the tests need when it is missing, then runs them all.
fn test(root: &std::path::Path, args: &[String]) -> ExitCode {
    if let Err(error) = setup::run() {
        eprintln!("error: {error}; install it and run `cargo test --workspace`");
        return ExitCode::FAILURE;
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

/// Runs the compatibility gate's search for wrong verdicts with `cases`
/// cases from a seed of this moment (printed, to run a finding again with
/// `COMPAT_FUZZ_SEED`).
fn compat_fuzz(root: &std::path::Path, cases: u32) -> ExitCode {
    let seed = std::env::var("COMPAT_FUZZ_SEED").unwrap_or_else(|_| {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        (now.as_nanos() as u64).to_string()
    });
    let status = std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .current_dir(root)
        .args(["test", "--release", "-p", "event-contracts-compat", "--test", "search", "--", "--nocapture"])
        .env("COMPAT_FUZZ_CASES", cases.to_string())
        .env("COMPAT_FUZZ_SEED", &seed)
        .status();
    match status {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        _ => {
            eprintln!("error: the search found a wrong verdict (seed {seed}; rerun with COMPAT_FUZZ_SEED={seed})");
            ExitCode::FAILURE
        }
    }
}
