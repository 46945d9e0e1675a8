//! `cargo xtask` for a workspace of event contracts.
//!
//! An adopting workspace's `xtask/src/main.rs` is one call:
//!
//! ```no_run
//! fn main() -> std::process::ExitCode {
//!     event_contracts_xtask::main()
//! }
//! ```
//!
//! and gets `gen`, `gen --check`, `gen --config`, `compat`, `compat diff`,
//! `docs` and `init`, with the messages and exit codes documented in the
//! event-contracts README. The workspace worked on is the one the command
//! runs in (found at run time, never compiled in), or `--root`.
//!
//! A workspace with commands of its own adds them to [`command`] (clap's
//! `augment_subcommands`) and hands whatever is not its own to [`run`].

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{ArgMatches, CommandFactory, FromArgMatches, Parser, Subcommand};

mod compat;
mod generate;
mod init;
mod render;

pub use render::MessageFormat;

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Contract-first event types: generate, check, and more.")]
struct Cli {
    /// The workspace to work on (default: the one the command runs in).
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
    /// Schema compatibility: with no subcommand, the gate (every schema against
    /// an earlier revision; exit 1 on a breaking change); `compat diff <old>
    /// <new>` compares two files.
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
        /// `json`: one JSON document with every finding and change (file,
        /// pointer, line and column, kind, who breaks, message, fix).
        #[arg(long, value_enum, default_value_t = compat::FormatArg::Text)]
        format: compat::FormatArg,
    },
    /// Scaffold a contract set into this workspace: its config, an envelope,
    /// one example event, the xtask crate and alias where missing, and the
    /// generated crate as a workspace member. Replaces nothing.
    Init {
        /// The new set's schemas folder, relative to the workspace root.
        #[arg(default_value = "schemas")]
        dir: PathBuf,
    },
}

/// The command line, for a workspace's xtask to add commands of its own to.
pub fn command() -> clap::Command {
    Cli::command().bin_name("cargo xtask")
}

/// Parses the process's arguments and runs the command.
pub fn main() -> ExitCode {
    run(&command().get_matches())
}

/// The workspace a command works on: `--root`, or the Cargo workspace that
/// holds the current folder.
pub fn root(matches: &ArgMatches) -> PathBuf {
    if let Some(root) = matches.get_one::<PathBuf>("root") {
        return root.clone();
    }
    let here = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    event_contracts_codegen::workspace_root(&here).unwrap_or(here)
}

/// Runs one of this crate's commands, parsed by [`command`] (possibly
/// augmented with other commands, which must be taken out before).
pub fn run(matches: &ArgMatches) -> ExitCode {
    let cli = match Cli::from_arg_matches(matches) {
        Ok(cli) => cli,
        Err(error) => error.exit(),
    };
    let root = root(matches);
    match cli.command {
        Command::Gen { check, config, force, message_format } => generate::generate(&root, check, force, config, message_format),
        Command::Docs { out } => generate::docs(&root, &out),
        Command::Compat { cmd: Some(cmd), .. } => compat::run(cmd),
        Command::Compat { cmd: None, against, against_dir, format } => compat::gate(&root, against.as_deref(), against_dir.as_deref(), format),
        Command::Init { dir } => init::init(&root, &dir),
    }
}
