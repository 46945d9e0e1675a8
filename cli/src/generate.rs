//! `cargo xtask gen` and `cargo xtask docs`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use event_contracts_codegen::{Generator, Mode, contract_sets};

use crate::render::{self, MessageFormat};

/// Generates (or checks) every contract set of the workspace, or the one
/// `config` names.
pub(crate) fn generate(root: &Path, check: bool, force: bool, config: Option<PathBuf>, format: MessageFormat) -> ExitCode {
    let configs = match config.map_or_else(|| contract_sets(root), |config| Ok(vec![config])) {
        Ok(configs) => configs,
        Err(error) => {
            render::error(root, &error, format);
            return ExitCode::FAILURE;
        }
    };
    if configs.is_empty() {
        eprintln!(
            "error: no contract set found in {} (looked for schemas/events.toml and `[workspace.metadata.event-contracts] contract-sets` in Cargo.toml)\nhelp: `cargo xtask init` scaffolds one",
            root.display()
        );
        return ExitCode::FAILURE;
    }
    let mode = match (check, force) {
        (true, _) => Mode::Check,
        (false, true) => Mode::Force,
        (false, false) => Mode::Write,
    };
    let mut failed = false;
    for config in configs {
        let result = Generator::from_config(&config).root(root).check(check).force(force).run();
        if let Ok(report) = &result {
            render::warnings(root, &report.warnings, format);
        }
        match result {
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
                eprintln!("{}: wrote {} changed file(s), removed {} stale file(s)", config.display(), report.changed.len(), report.extra.len());
            }
            Err(error) => {
                failed = true;
                render::error(root, &error, format);
            }
        }
    }
    if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

/// Writes `<set>.md` and `<set>.html` of every contract set into `out`.
pub(crate) fn docs(root: &Path, out: &Path) -> ExitCode {
    let out = root.join(out);
    let configs = match contract_sets(root) {
        Ok(configs) => configs,
        Err(error) => {
            render::error(root, &error, MessageFormat::Human);
            return ExitCode::FAILURE;
        }
    };
    for config in configs {
        let catalog = match Generator::from_config(&config).root(root).catalog() {
            Ok(catalog) => catalog,
            Err(error) => {
                render::error(root, &error, MessageFormat::Human);
                return ExitCode::FAILURE;
            }
        };
        for (text, extension) in [(&catalog.markdown, "md"), (&catalog.html, "html")] {
            let target = out.join(format!("{}.{extension}", catalog.name));
            if let Err(e) = std::fs::create_dir_all(&out).and_then(|()| std::fs::write(&target, text)) {
                eprintln!("error: {}: {e}", target.display());
                return ExitCode::FAILURE;
            }
            eprintln!("wrote {}", target.display());
        }
    }
    ExitCode::SUCCESS
}
