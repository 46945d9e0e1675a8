//! The compatibility gate: every event schema of a contract set compared
//! with its state in an earlier tree (a git revision or a snapshot folder).
//!
//! A version file that existed before may only change compatibly under its
//! mode (the set's `[compatibility]`, or the schema's `x-compatibility`); a
//! new version file is compared with the versions before it, for the
//! record; a removed version breaks its consumers. Schemas are compared
//! bundled (every `$ref` across files resolved), and each change is
//! reported at its place in the file that holds it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use event_contracts_compat::{Change, Diff, Direction, Formats, Policy, Witness, diff_with_formats};
use crate::config::CompatibilityMode;
use crate::diagnostics::Error;
use crate::model::{ContractSet, EventContract, HEADER_TYPE};
use crate::refs;

/// What the gate found for one contract set.
#[derive(Debug)]
pub struct SetReport {
    /// The config file, relative to the repository.
    pub config: PathBuf,
    pub findings: Vec<Finding>,
    /// Why nothing was compared, when the earlier tree has no such set.
    pub note: Option<String>,
}

impl SetReport {
    /// Whether any finding fails the gate.
    pub fn is_breaking(&self) -> bool {
        self.findings.iter().any(|f| f.breaking)
    }
}

/// One schema compared (or added, or removed).
#[derive(Debug)]
pub struct Finding {
    /// The schema file, relative to the repository.
    pub file: PathBuf,
    pub event_type: String,
    pub version: u32,
    pub kind: FindingKind,
    /// The changes, each at its place in the file that holds it.
    pub changes: Vec<LocatedChange>,
    /// Whether this fails the gate.
    pub breaking: bool,
    /// Instances that show the break, where they could be built.
    pub witnesses: Vec<Witness>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FindingKind {
    /// The file existed before and was edited (or not): checked under `mode`.
    Edited { mode: CompatibilityMode },
    /// A new version: compared with `against` (earlier versions), for the record.
    NewVersion { against: Vec<u32> },
    /// A new event type.
    NewEvent,
    /// A version file that existed before is gone.
    Removed,
    /// The envelope's own fields.
    Envelope { mode: CompatibilityMode },
}

/// A change of [`Diff`], placed in a schema file.
#[derive(Debug, Clone)]
pub struct LocatedChange {
    /// The file that holds the changed schema (a shared file, where the
    /// change is in a part the event references), relative to the repository.
    pub file: PathBuf,
    /// JSON pointer in that file.
    pub pointer: String,
    /// 1-based line and column, where known: in the new file, or in the
    /// base revision's where `in_base`.
    pub position: Option<(usize, usize)>,
    /// What changed is only in the base revision (a removal): `file`,
    /// `pointer` and `position` are in its text.
    pub in_base: bool,
    pub change: Change,
}

/// Compares the contract set configured by `config` in `new_root` with the
/// same set in `old_root`.
pub fn check(old_root: &Path, new_root: &Path, config: &Path) -> Result<SetReport, Error> {
    let new = ContractSet::load(new_root, config)?;
    let mut report = SetReport { config: config.to_path_buf(), findings: Vec::new(), note: None };
    if !old_root.join(config).is_file() {
        report.note = Some("new contract set: nothing to compare with".to_owned());
        return Ok(report);
    }
    let old = match ContractSet::load(old_root, config) {
        Ok(old) => old,
        Err(error) => {
            report.note = Some(format!("the earlier contract set does not load ({error}): nothing to compare with"));
            return Ok(report);
        }
    };
    let schemas_dir = config.parent().unwrap_or(Path::new("")).to_path_buf();
    let old_events: BTreeMap<(&str, u32), &EventContract> = old.events.iter().map(|e| ((e.event_type.as_str(), e.version), e)).collect();

    for event in &new.events {
        let mode = event_mode(&new, event)?;
        let file = schemas_dir.join(&event.file);
        let new_schema = refs::standalone(&new.bundle, &event.payload_type);
        if let Some(before) = old_events.get(&(event.event_type.as_str(), event.version)) {
            let old_schema = refs::standalone(&old.bundle, &before.payload_type);
            let Some(direction) = direction(mode) else {
                report.findings.push(finding(&file, event, FindingKind::Edited { mode }, Vec::new(), false));
                continue;
            };
            let mut outcome = compare(&new, &old_schema, &new_schema, direction);
            // The next version is the one after the latest, not after this file's.
            let latest = new.events.iter().filter(|e| e.event_type == event.event_type).map(|e| e.version).max().unwrap_or(event.version);
            outcome.name_next_version(&format!("{}.v{}.schema.json", event.event, latest + 1));
            let breaking = !outcome.compatible;
            let witnesses = std::mem::take(&mut outcome.witnesses);
            let changes = locate(&new, Some((&old, &before.payload_type)), &schemas_dir, &event.payload_type, outcome);
            report.findings.push(Finding { witnesses, ..finding(&file, event, FindingKind::Edited { mode }, changes, breaking) });
        } else {
            let earlier: Vec<&EventContract> = new
                .events
                .iter()
                .filter(|e| e.event_type == event.event_type && e.version < event.version)
                .collect();
            let Some(previous) = earlier.last() else {
                report.findings.push(finding(&file, event, FindingKind::NewEvent, Vec::new(), false));
                continue;
            };
            // Transitive modes compare with every earlier version.
            let against: Vec<&EventContract> = if mode.is_transitive() { earlier.clone() } else { vec![previous] };
            let mut changes = Vec::new();
            for other in &against {
                let old_schema = refs::standalone(&new.bundle, &other.payload_type);
                let outcome = compare(&new, &old_schema, &new_schema, direction(mode).unwrap_or(Direction::Full));
                changes.extend(locate(&new, Some((&new, &other.payload_type)), &schemas_dir, &event.payload_type, outcome));
            }
            let kind = FindingKind::NewVersion { against: against.iter().map(|e| e.version).collect() };
            report.findings.push(finding(&file, event, kind, changes, false));
        }
    }

    let new_keys: std::collections::BTreeSet<(&str, u32)> = new.events.iter().map(|e| (e.event_type.as_str(), e.version)).collect();
    for ((event_type, version), before) in &old_events {
        if !new_keys.contains(&(*event_type, *version)) {
            report.findings.push(finding(&schemas_dir.join(&before.file), before, FindingKind::Removed, Vec::new(), true));
        }
    }

    if let (Some(old_envelope), Some(new_envelope)) = (&old.envelope, &new.envelope) {
        let mode = new.compatibility.mode;
        if let Some(direction) = direction(mode) {
            let mut outcome = compare(&new, &refs::standalone(&old.bundle, HEADER_TYPE), &refs::standalone(&new.bundle, HEADER_TYPE), direction);
            let breaking = !outcome.compatible;
            let witnesses = std::mem::take(&mut outcome.witnesses);
            let changes = locate(&new, Some((&old, HEADER_TYPE)), &schemas_dir, HEADER_TYPE, outcome);
            report.findings.push(Finding {
                file: schemas_dir.join(&new_envelope.file),
                event_type: format!("envelope ({})", old_envelope.file),
                version: 0,
                kind: FindingKind::Envelope { mode },
                changes,
                breaking,
                witnesses,
            });
        }
    }
    Ok(report)
}

fn finding(file: &Path, event: &EventContract, kind: FindingKind, changes: Vec<LocatedChange>, breaking: bool) -> Finding {
    Finding { file: file.to_path_buf(), event_type: event.event_type.clone(), version: event.version, kind, changes, breaking, witnesses: Vec::new() }
}

/// The event's `x-compatibility`, or its set's mode.
fn event_mode(set: &ContractSet, event: &EventContract) -> Result<CompatibilityMode, Error> {
    match &event.compatibility {
        None => Ok(set.compatibility.mode),
        Some(text) => CompatibilityMode::parse(text).ok_or_else(|| {
            Error::one(
                refs::located(&set.files, &event.file, "/x-compatibility", "compatibility-invalid", format!("unknown compatibility mode `{text}`"))
                    .help("use one of backward, forward, full, backward-transitive, forward-transitive, full-transitive, none"),
            )
        }),
    }
}

fn direction(mode: CompatibilityMode) -> Option<Direction> {
    use CompatibilityMode::*;
    match mode {
        Backward | BackwardTransitive => Some(Direction::Backward),
        Forward | ForwardTransitive => Some(Direction::Forward),
        Full | FullTransitive => Some(Direction::Full),
        None => Option::None,
    }
}

/// Two schemas compared under the set's rules: its policy for open content
/// models, and `format` asserted where its validation asserts formats.
fn compare(set: &ContractSet, old: &serde_json::Value, new: &serde_json::Value, direction: Direction) -> Diff {
    let policy = match set.compatibility.policy {
        crate::config::CompatibilityPolicy::Strict => Policy::Strict,
        crate::config::CompatibilityPolicy::Lenient => Policy::Lenient,
    };
    let formats = if set.formats.assert { Formats::Asserted } else { Formats::Annotations };
    diff_with_formats(old, new, direction, policy, formats)
}

/// Places each change of `outcome` (pointers into the bundled schema of
/// `root`) in the file that holds it: `#/$defs/<Name>/rest` is `rest` below
/// where `<Name>` came from. What the new file no longer has (a removed
/// property) is placed in the `base` revision's text, where it was, when
/// that set and its root are given.
fn locate(set: &ContractSet, base: Option<(&ContractSet, &str)>, schemas_dir: &Path, root: &str, outcome: Diff) -> Vec<LocatedChange> {
    let place = |set: &ContractSet, root: &str, inner: &str| {
        let (name, rest) = match inner.strip_prefix("/$defs/") {
            Some(tail) => tail.split_once('/').map_or((tail, String::new()), |(n, r)| (n, format!("/{r}"))),
            Option::None => (root, inner.to_owned()),
        };
        let name = crate::pointer::unescape(name);
        let (file, pointer) = match set.bundle.origins.get(&name) {
            Some((file, base)) => (file.clone(), format!("{base}{rest}")),
            Option::None => (set.bundle.origins.get(root).map(|(f, _)| f.clone()).unwrap_or_default(), rest),
        };
        let position = set.files.files.get(&file).and_then(|f| crate::locate::position_of(&f.text, &pointer));
        (file, pointer, position)
    };
    outcome
        .changes
        .into_iter()
        .map(|change| {
            let inner = change.pointer.trim_start_matches('#');
            let (file, pointer, position) = place(set, root, inner);
            if position.is_none()
                && let Some((base_set, base_root)) = base
                && let (base_file, base_pointer, Some(base_position)) = place(base_set, base_root, inner)
            {
                return LocatedChange { file: schemas_dir.join(&base_file), pointer: base_pointer, position: Some(base_position), in_base: true, change };
            }
            LocatedChange { file: schemas_dir.join(&file), pointer, position, in_base: false, change }
        })
        .collect()
}
