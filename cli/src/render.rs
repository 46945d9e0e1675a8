//! Problems as people and tools read them: rustc-style text with the source
//! line and a caret, or one JSON object per problem.

use std::path::Path;

use event_contracts_codegen::{Diagnostic, Error};

/// How to print problems.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum MessageFormat {
    /// rustc-style text on stderr.
    Human,
    /// One JSON object per problem on stdout, for editors.
    Json,
}

/// Prints an error of the generator; its diagnostics' files are relative to `root`.
pub(crate) fn error(root: &Path, error: &Error, format: MessageFormat) {
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
