//! Schemas in, Rust files out.
//!
//! The pipeline reads one way: [`discover`] finds and reads the schema files,
//! [`model`] checks them into a [`model::ContractSet`] (with [`refs`]
//! bundling references across files), [`types`] turns its definitions into
//! Rust types with typify, [`envelope`] and [`registry`] add the dispatch
//! enum, the envelope and the event table, [`output`] lays out the crate's
//! files, and [`write`] formats them and puts them in place (or, in check
//! mode, reports drift).

pub mod catalog;
pub mod checks;
pub mod gate;
pub mod config;
pub mod diagnostics;
pub mod discover;
pub mod envelope;
pub mod examples;
mod locate;
pub mod model;
pub mod naming;
pub mod output;
pub mod refs;
pub mod registry;
mod switch;
pub mod types;
pub mod upcast;
pub mod write;

use std::path::Path;

pub use diagnostics::{Diagnostic, Error};
pub use write::{GeneratedFile, Mode, Report};

/// Generates the crate of the contract set configured by `config_path`
/// (relative to `repo_root`), in memory.
pub fn generate(repo_root: &Path, config_path: &Path) -> Result<(model::ContractSet, Vec<GeneratedFile>), Error> {
    let set = model::ContractSet::load(repo_root, config_path)?;
    // Checking the examples compiles a validator per event: done beside
    // generation, on another core; its errors come first, as if run first.
    let (examples, files) = std::thread::scope(|scope| {
        let examples = scope.spawn(|| examples::check(&set));
        let files = types::generate(&set).and_then(|types| output::files(&set, types));
        (examples.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)), files)
    });
    examples?;
    let files = files?;
    Ok((set, files))
}

/// Generates and writes (or checks) the crate of one contract set. When
/// neither the schemas, the config nor the generator changed since the last
/// run and the output is as that run left it, nothing is generated at all.
pub fn run(repo_root: &Path, config_path: &Path, mode: Mode) -> Result<Report, Error> {
    let inputs = write::inputs_fingerprint(repo_root, config_path)?;
    if let Some(output_dir) = configured_output(repo_root, config_path)
        && write::is_fresh(repo_root, &output_dir, &inputs) {
            return Ok(Report::default());
        }
    let (set, files) = generate(repo_root, config_path)?;
    write::apply(repo_root, &set.output_dir, &files, mode, &inputs)
}

/// The output folder a config names, read without checking anything else.
fn configured_output(repo_root: &Path, config_path: &Path) -> Option<std::path::PathBuf> {
    let text = std::fs::read_to_string(repo_root.join(config_path)).ok()?;
    let config = config::Config::parse(config_path, &text).ok()?;
    let config_dir = config_path.parent().unwrap_or(Path::new(""));
    Some(model::normalize(&config_dir.join(config.output)))
}
