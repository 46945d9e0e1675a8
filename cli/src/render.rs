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
                    MessageFormat::Human => eprintln!("{}\n", human(root, diagnostic, annotate_snippets::Level::ERROR)),
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

/// Prints what was generated looser than the schema says.
pub(crate) fn warnings(root: &Path, warnings: &[Diagnostic], format: MessageFormat) {
    for warning in warnings {
        match format {
            MessageFormat::Human => eprintln!("{}\n", human(root, warning, annotate_snippets::Level::WARNING)),
            MessageFormat::Json => {
                let mut value = serde_json::to_value(warning).expect("a diagnostic is plain data");
                value["severity"] = "warning".into();
                println!("{value}");
            }
        }
    }
}

/// rustc-style, by annotate-snippets: the message and its code, the file
/// with the source line and the place marked (labelled with the pointer),
/// and what to do.
fn human(root: &Path, d: &Diagnostic, level: annotate_snippets::Level<'_>) -> String {
    use annotate_snippets::{AnnotationKind, Level, Origin, Renderer, Snippet};
    let file = d.file.display().to_string();
    let source = std::fs::read_to_string(root.join(&d.file)).ok();
    let at = (!d.pointer.is_empty()).then(|| format!("at `{}`", d.pointer));
    let title = level.primary_title(&d.message).id(d.code);
    let placed = match (&source, d.position) {
        (Some(text), Some((line, column))) => offset_of(text, line, column).map(|offset| {
            let end = text[offset..].chars().next().map_or(offset, |c| offset + c.len_utf8());
            let annotation = AnnotationKind::Primary.span(offset..end.max(offset)).label(at.clone());
            Snippet::source(text.as_str()).path(file.as_str()).annotation(annotation)
        }),
        _ => None,
    };
    let group = match placed {
        Some(snippet) => title.element(snippet),
        None => {
            let origin = match &at {
                Some(at) => format!("{file} {at}"),
                None => file.clone(),
            };
            title.element(Origin::path(origin))
        }
    };
    let group = match &d.help {
        Some(help) => group.element(Level::HELP.message(help)),
        None => group,
    };
    Renderer::plain().render(&[group])
}

/// The byte offset of a 1-based line and column (in characters).
fn offset_of(text: &str, line: usize, column: usize) -> Option<usize> {
    let start: usize = text.split_inclusive('\n').take(line.checked_sub(1)?).map(str::len).sum();
    let rest = text.get(start..)?;
    let within = rest.char_indices().nth(column.checked_sub(1)?).map_or(rest.len(), |(at, _)| at);
    Some(start + within)
}

/// One JSON object per diagnostic, for editors and tools.
fn json(d: &Diagnostic) -> String {
    serde_json::to_string(d).expect("a diagnostic is plain data")
}
