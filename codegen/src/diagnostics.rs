//! What went wrong, where, and what to do about it.
//!
//! Every problem the generator finds in a contract set becomes a
//! [`Diagnostic`]: the file (relative to the repository), the JSON pointer,
//! the line and column where known, what is wrong and how to fix it. The
//! library collects them all and returns them sorted; the CLI renders them.

use std::fmt;
use std::path::{Path, PathBuf};

/// One problem in the contract set. Sorted by file, then position.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Diagnostic {
    /// The file, relative to the repository root.
    pub file: PathBuf,
    /// 1-based line and column of the pointed-to value, where known.
    #[serde(serialize_with = "serialize_position")]
    pub position: Option<(usize, usize)>,
    /// JSON pointer into the file (`""` for the whole document).
    pub pointer: String,
    /// A stable code for the kind of problem, e.g. `ref-unresolved`.
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic about `file` at `pointer`.
    pub fn new(file: &Path, pointer: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.to_path_buf(),
            pointer: pointer.into(),
            position: None,
            code,
            message: message.into(),
            help: None,
        }
    }

    /// Adds what to do.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds the line and column, found from the file's text.
    pub fn locate(mut self, text: &str) -> Self {
        self.position = crate::locate::position_of(text, &self.pointer);
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error[{}]: {}\n  --> {}", self.code, self.message, self.file.display())?;
        if let Some((line, column)) = self.position {
            write!(f, ":{line}:{column}")?;
        }
        if !self.pointer.is_empty() {
            write!(f, " at `{}`", self.pointer)?;
        }
        if let Some(help) = &self.help {
            write!(f, "\n  = help: {help}")?;
        }
        Ok(())
    }
}

/// Why generation did not produce output.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The contract set has problems; all of them, sorted.
    #[error("{} problem(s) in the contract set", .0.len())]
    Invalid(Vec<Diagnostic>),
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

impl Error {
    /// One diagnostic as an error.
    pub fn one(diagnostic: Diagnostic) -> Self {
        Error::Invalid(vec![diagnostic])
    }

    /// The diagnostics, if this error is about the contract set.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Error::Invalid(diagnostics) => diagnostics,
            Error::Io { .. } => &[],
        }
    }
}

/// Collects diagnostics so that one run reports every problem, not the first.
#[derive(Debug, Default)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    /// Records a problem.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    /// Ok if nothing was recorded, else every problem, sorted.
    pub fn finish(mut self) -> Result<(), Error> {
        if self.0.is_empty() {
            Ok(())
        } else {
            self.0.sort();
            self.0.dedup();
            Err(Error::Invalid(self.0))
        }
    }
}

/// `{"line": L, "column": C}` or `null`.
fn serialize_position<S: serde::Serializer>(position: &Option<(usize, usize)>, serializer: S) -> Result<S::Ok, S::Error> {
    use serde::Serialize;
    #[derive(Serialize)]
    struct Position {
        line: usize,
        column: usize,
    }
    position.map(|(line, column)| Position { line, column }).serialize(serializer)
}
