//! `cargo xtask init [DIR]`: a contract set scaffolded into this workspace.
//!
//! The generated crate must depend on the same runtime the workspace's
//! generator was built with, so the runtime's source (a folder, a git
//! repository or a registry version) is read from Cargo's own resolution of
//! this workspace (`cargo metadata`), and written into the new set's
//! `[runtime]` table.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use event_contracts_codegen::init::{self, Options};
use event_contracts_codegen::{Generator, RUNTIME_VERSION, Runtime};

use crate::render::{self, MessageFormat};

pub(crate) fn init(root: &Path, dir: &Path) -> ExitCode {
    let (runtime, xtask_dependency) = resolved_sources(root);
    let options = Options { schemas: dir.to_path_buf(), runtime, xtask_dependency };
    let plan = match init::plan(root, &options) {
        Ok(plan) => plan,
        Err(error) => {
            render::error(root, &error, MessageFormat::Human);
            return ExitCode::FAILURE;
        }
    };
    let conflicts = plan.conflicts(root);
    if !conflicts.is_empty() {
        for file in &conflicts {
            eprintln!("error: {} exists; `init` replaces nothing", file.path.display());
        }
        eprintln!("\nWhat `init` would have written:");
        for file in &plan.create {
            eprintln!("\n--- {}\n{}", file.path.display(), String::from_utf8_lossy(&file.contents));
        }
        eprintln!("help: move the existing files away, or choose another folder: `cargo xtask init <dir>`");
        return ExitCode::FAILURE;
    }
    if let Err(error) = init::apply(root, &plan) {
        render::error(root, &error, MessageFormat::Human);
        return ExitCode::FAILURE;
    }
    for file in &plan.create {
        eprintln!("created {}", file.path.display());
    }
    for file in &plan.edit {
        eprintln!("edited {}", file.path.display());
    }
    // The workspace names the generated crate now: it must exist before
    // Cargo can load the workspace again.
    match Generator::from_config(&plan.config).root(root).run() {
        Ok(report) => eprintln!("{}: wrote {} file(s)", plan.config.display(), report.changed.len()),
        Err(error) => {
            render::error(root, &error, MessageFormat::Human);
            return ExitCode::FAILURE;
        }
    }
    eprintln!(
        "\nNext: add events under {}/<domain>/<event>.v<N>.schema.json, run `cargo xtask gen`, and depend on the generated crate from your services.",
        plan.config.parent().unwrap_or(Path::new("")).display()
    );
    ExitCode::SUCCESS
}

/// Where this workspace resolves the runtime and the command-line crate
/// from: the `[runtime]` of the new set, and the dependency an `xtask`
/// crate written by `init` gets. Without `cargo metadata`'s answer, the
/// versions released with this generator.
fn resolved_sources(root: &Path) -> (Runtime, String) {
    let default = (Runtime::default(), format!("{{ version = \"{RUNTIME_VERSION}\" }}"));
    let metadata = match cargo_metadata::MetadataCommand::new().current_dir(root).exec() {
        Ok(metadata) => metadata,
        Err(error) => {
            eprintln!("note: `cargo metadata` failed ({error}); the runtime dependency defaults to version {RUNTIME_VERSION}");
            return default;
        }
    };
    let find = |name: &str| metadata.packages.iter().find(|p| p.name.as_str() == name);
    let runtime = find("event-contracts").map_or(default.0, |package| source_of(root, package));
    let xtask = find(env!("CARGO_PKG_NAME")).map_or(default.1, |package| inline_table(&source_of(root, package)));
    (runtime, xtask)
}

/// A package's source as a dependency on it: its folder (relative to `root`
/// where inside it), its git repository and commit, or its version.
fn source_of(root: &Path, package: &cargo_metadata::Package) -> Runtime {
    let version = package.version.to_string();
    match package.source.as_ref().map(|s| s.repr.as_str()) {
        None => {
            let folder = package.manifest_path.parent().map(|p| p.as_std_path().to_path_buf()).unwrap_or_default();
            // Relative, so the workspace's committed files name no folder of this machine.
            let folder = pathdiff::diff_paths(&folder, root).unwrap_or(folder);
            Runtime { path: Some(folder), ..Runtime::default() }
        }
        Some(git) if git.starts_with("git+") => {
            // `git+<url>?<ref>#<commit>`: the commit pins it.
            let url = git.trim_start_matches("git+").split(['?', '#']).next().unwrap_or_default().to_owned();
            let commit = git.rsplit_once('#').map(|(_, commit)| commit.to_owned());
            Runtime { git: Some(url), rev: commit, ..Runtime::default() }
        }
        Some(_) => Runtime { version: Some(version), ..Runtime::default() },
    }
}

/// A [`Runtime`]-shaped source as a Cargo inline table.
fn inline_table(source: &Runtime) -> String {
    let entries: Vec<String> = [
        ("path", source.path.as_ref().map(|p| PathBuf::from("..").join(p).to_string_lossy().into_owned())),
        ("git", source.git.clone()),
        ("rev", source.rev.clone()),
        ("version", source.version.clone()),
    ]
    .into_iter()
    .filter_map(|(key, value)| value.map(|value| format!("{key} = {value:?}")))
    .collect();
    format!("{{ {} }}", entries.join(", "))
}
