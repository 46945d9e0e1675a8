//! The Cargo workspace a contract set lives in: where its root is, and which
//! contract sets it declares.
//!
//! A workspace lists its sets in its root `Cargo.toml`:
//!
//! ```toml
//! [workspace.metadata.event-contracts]
//! contract-sets = ["schemas/events.toml", "billing/schemas/events.toml"]
//! ```
//!
//! Without that list, its one set is `schemas/events.toml` where that file
//! exists.

use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Error};

/// The key under `[workspace.metadata]` that holds this generator's settings.
pub(crate) const METADATA_KEY: &str = "event-contracts";

/// The set a workspace has when its `Cargo.toml` lists none.
pub(crate) const DEFAULT_SET: &str = "schemas/events.toml";

/// The root of the Cargo workspace that holds `start`: the nearest folder at
/// or above it whose `Cargo.toml` has a `[workspace]` table, else the
/// nearest folder with a `Cargo.toml`; `None` when there is neither.
///
/// Found at run time from where the command runs, never from a path
/// compiled into a binary, so two checkouts that share one target folder
/// each work on their own files.
pub fn workspace_root(start: &Path) -> Option<PathBuf> {
    let mut nearest_package = None;
    for dir in start.ancestors() {
        let manifest = dir.join("Cargo.toml");
        let Ok(text) = std::fs::read_to_string(&manifest) else { continue };
        if text.parse::<toml::Table>().is_ok_and(|table| table.contains_key("workspace")) {
            return Some(dir.to_path_buf());
        }
        nearest_package.get_or_insert_with(|| dir.to_path_buf());
    }
    nearest_package
}

/// The config files of every contract set the workspace at `root` declares
/// (`[workspace.metadata.event-contracts] contract-sets`), relative to it;
/// by default `schemas/events.toml`, where it exists.
pub fn contract_sets(root: &Path) -> Result<Vec<PathBuf>, Error> {
    let manifest = Path::new("Cargo.toml");
    let listed = match std::fs::read_to_string(root.join(manifest)) {
        Ok(text) => listed_sets(manifest, &text)?,
        Err(_) => None,
    };
    Ok(match listed {
        Some(sets) => sets,
        None if root.join(DEFAULT_SET).is_file() => vec![PathBuf::from(DEFAULT_SET)],
        None => Vec::new(),
    })
}

/// The `contract-sets` list of a workspace manifest, if it has one.
fn listed_sets(manifest: &Path, text: &str) -> Result<Option<Vec<PathBuf>>, Error> {
    let invalid = |message: String| {
        Error::one(
            Diagnostic::new(manifest, format!("/workspace/metadata/{METADATA_KEY}/contract-sets"), "workspace-invalid", message)
                .help(format!("write `[workspace.metadata.{METADATA_KEY}] contract-sets = [\"{DEFAULT_SET}\"]`")),
        )
    };
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| invalid(format!("`Cargo.toml` is not valid TOML: {}", e.message())))?;
    let Some(sets) = table
        .get("workspace")
        .and_then(|w| w.get("metadata"))
        .and_then(|m| m.get(METADATA_KEY))
        .and_then(|e| e.get("contract-sets"))
    else {
        return Ok(None);
    };
    let Some(sets) = sets.as_array() else {
        return Err(invalid("`contract-sets` is not a list of paths".to_owned()));
    };
    sets.iter()
        .map(|set| set.as_str().map(PathBuf::from).ok_or_else(|| invalid(format!("`contract-sets` holds {set}, not a path"))))
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::{contract_sets, listed_sets, workspace_root};

    #[test]
    fn the_root_is_the_nearest_workspace_above_and_sets_come_from_its_manifest() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("services/orders/src")).unwrap();
        std::fs::write(root.join("Cargo.toml"), "[workspace]\nmembers = [\"services/orders\"]\n").unwrap();
        std::fs::write(root.join("services/orders/Cargo.toml"), "[package]\nname = \"orders\"\n").unwrap();
        assert_eq!(workspace_root(&root.join("services/orders/src")).as_deref(), Some(root));
        assert_eq!(contract_sets(root).unwrap(), Vec::<PathBuf>::new(), "no list and no schemas/events.toml");
        std::fs::create_dir_all(root.join("schemas")).unwrap();
        std::fs::write(root.join("schemas/events.toml"), "").unwrap();
        assert_eq!(contract_sets(root).unwrap(), vec![PathBuf::from("schemas/events.toml")]);

        let listed = "[workspace]\n[workspace.metadata.event-contracts]\ncontract-sets = [\"a/events.toml\", \"b/events.toml\"]\n";
        assert_eq!(listed_sets(Path::new("Cargo.toml"), listed).unwrap(), Some(vec![PathBuf::from("a/events.toml"), PathBuf::from("b/events.toml")]));
        let wrong = "[workspace.metadata.event-contracts]\ncontract-sets = [1]\n";
        let error = listed_sets(Path::new("Cargo.toml"), wrong).unwrap_err();
        assert_eq!(error.diagnostics()[0].pointer, "/workspace/metadata/event-contracts/contract-sets");
    }
}
