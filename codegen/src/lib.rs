//! The generator of event-contract crates: a contract set (versioned JSON
//! Schemas and an `events.toml`) in, a Rust crate of typed events out.
//!
//! One builder is the front door, as in prost-build:
//!
//! ```no_run
//! use event_contracts_codegen::Generator;
//!
//! let report = Generator::from_config("schemas/events.toml").check(true).run()?;
//! assert!(report.is_up_to_date(), "run `cargo xtask gen`");
//! # Ok::<(), event_contracts_codegen::Error>(())
//! ```
//!
//! Beside it: [`contract_sets`] (the sets a workspace declares),
//! [`compat`] (the compatibility checker and gate), and [`init`] (a new
//! contract set scaffolded into a workspace). The `event-contracts-xtask`
//! crate puts all of them behind `cargo xtask`.
//!
//! Inside, the pipeline reads one way: `discover` finds and reads the
//! schema files, `model` checks them into a contract set (with `refs`
//! bundling references across files), `types` turns its definitions into
//! Rust types with typify, `envelope`, `registry`, `checks` and `upcast` add
//! the per-set code, `output` lays out the crate's files, and `write`
//! formats them and puts them in place (or, in check mode, reports drift).

mod catalog;
mod checks;
mod config;
mod diagnostics;
mod dialect;
mod discover;
mod documents;
mod envelope;
mod examples;
mod gate;
pub mod init;
mod locate;
mod merge;
mod model;
mod naming;
mod output;
mod pointer;
mod refs;
mod registry;
mod switch;
mod types;
mod upcast;
mod walk;
mod workspace;
mod write;

use std::path::{Path, PathBuf};

pub use config::{RUNTIME_VERSION, Runtime};
pub use diagnostics::{Diagnostic, Error};
pub use workspace::{contract_sets, workspace_root};
pub use write::{GeneratedFile, MANIFEST, Mode, Report};

/// The compatibility checker (two schemas: which readers a change breaks)
/// and the gate (every schema of a contract set against an earlier tree).
pub mod compat {
    pub use crate::gate::{Finding, FindingKind, LocatedChange, SetReport, check as gate};
    pub use event_contracts_compat::*;
}

/// Generates the crate of one contract set, or checks that it is up to
/// date.
#[derive(Debug, Clone)]
pub struct Generator {
    config: PathBuf,
    root: Option<PathBuf>,
    mode: Mode,
}

/// A contract set's event catalog, as Markdown and as a standalone HTML page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Catalog {
    /// The contract set's name (`name` in its config).
    pub name: String,
    /// `CATALOG.md`.
    pub markdown: String,
    /// `catalog.html`.
    pub html: String,
}

impl Generator {
    /// The contract set configured by `config` (its `events.toml`): a path
    /// relative to the workspace root, or absolute. The workspace root is
    /// the folder of the `Cargo.toml` with `[workspace]` above the current
    /// folder, unless [`Generator::root`] says otherwise.
    pub fn from_config(config: impl AsRef<Path>) -> Self {
        Generator { config: config.as_ref().to_path_buf(), root: None, mode: Mode::Write }
    }

    /// The workspace the set belongs to: paths in diagnostics and in the
    /// generated crate are relative to it.
    pub fn root(mut self, root: impl AsRef<Path>) -> Self {
        self.root = Some(root.as_ref().to_path_buf());
        self
    }

    /// Check mode: write nothing, report every file that differs.
    pub fn check(mut self, check: bool) -> Self {
        if check {
            self.mode = Mode::Check;
        } else if self.mode == Mode::Check {
            self.mode = Mode::Write;
        }
        self
    }

    /// Replace files in the output folder that were edited by hand or that
    /// generation does not produce (refused otherwise).
    pub fn force(mut self, force: bool) -> Self {
        if force {
            self.mode = Mode::Force;
        } else if self.mode == Mode::Force {
            self.mode = Mode::Write;
        }
        self
    }

    /// Generates and writes (or checks) the crate. When neither the schemas,
    /// the config nor the generator changed since the last run and the
    /// output is as that run left it, nothing is generated at all.
    pub fn run(&self) -> Result<Report, Error> {
        let (root, config) = self.locate()?;
        let inputs = write::inputs_fingerprint(&root, &config)?;
        if let Some(output_dir) = configured_output(&root, &config)
            && write::is_fresh(&root, &output_dir, &inputs)
        {
            return Ok(Report::default());
        }
        let (set, files, warnings) = generate(&root, &config)?;
        let mut report = write::apply(&root, &set.output_dir, &files, self.mode, &inputs)?;
        report.warnings = warnings;
        Ok(report)
    }

    /// Every file of the generated crate, in memory (paths relative to the
    /// workspace root); nothing is written.
    pub fn generate(&self) -> Result<Vec<GeneratedFile>, Error> {
        let (root, config) = self.locate()?;
        generate(&root, &config).map(|(_, files, _)| files)
    }

    /// The set's event catalog.
    pub fn catalog(&self) -> Result<Catalog, Error> {
        let (root, config) = self.locate()?;
        let set = model::ContractSet::load(&root, &config)?;
        let entries = catalog::entries(&set);
        Ok(Catalog { markdown: catalog::markdown(&set, &entries), html: catalog::html(&set, &entries), name: set.name })
    }

    /// The workspace root and the config relative to it.
    fn locate(&self) -> Result<(PathBuf, PathBuf), Error> {
        let root = match &self.root {
            Some(root) => root.clone(),
            None => {
                let here = std::env::current_dir().map_err(|source| Error::Io { path: PathBuf::from("."), source })?;
                workspace_root(&here).unwrap_or(here)
            }
        };
        let config = match self.config.strip_prefix(&root) {
            Ok(relative) if self.config.is_absolute() => relative.to_path_buf(),
            _ => self.config.clone(),
        };
        Ok((root, config))
    }
}

/// Generates the crate of the contract set configured by `config_path`
/// (relative to `repo_root`), in memory, with what was generated looser
/// than its schema says.
fn generate(repo_root: &Path, config_path: &Path) -> Result<(model::ContractSet, Vec<GeneratedFile>, Vec<Diagnostic>), Error> {
    let set = model::ContractSet::load(repo_root, config_path)?;
    // Checking the examples compiles a validator per event: done beside
    // generation, on another core; its errors come first, as if run first.
    let (examples, generated) = std::thread::scope(|scope| {
        let examples = scope.spawn(|| examples::check(&set));
        let generated = types::generate(&set).and_then(|mut types| {
            // Definitions typify named alike with an inline type were renamed.
            let renamed = types.renamed.take().map(|bundle| model::ContractSet { bundle, ..set.clone() });
            let warnings = std::mem::take(&mut types.warnings);
            let files = output::files(renamed.as_ref().unwrap_or(&set), types)?;
            Ok((files, warnings))
        });
        (examples.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)), generated)
    });
    examples?;
    let (files, warnings) = generated?;
    let warnings = set.warnings.iter().cloned().chain(warnings).collect();
    Ok((set, files, warnings))
}

/// The output folder a config names, read without checking anything else.
fn configured_output(repo_root: &Path, config_path: &Path) -> Option<PathBuf> {
    let text = std::fs::read_to_string(repo_root.join(config_path)).ok()?;
    let config = config::Config::parse(config_path, &text).ok()?;
    let config_dir = config_path.parent().unwrap_or(Path::new(""));
    Some(model::normalize(&config_dir.join(config.output)))
}
