//! Renderers: diagnostics (data) to text for people and machines. Only this
//! layer knows about terminals and output formats.

pub mod chunked;
pub mod concise;
pub mod coverage;
pub mod dot;
pub mod github;
pub mod gitlab;
pub mod human;
pub mod inventory_json;
pub mod inventory_md;
pub mod json;
pub mod json_pretty;
pub mod junit;
pub mod line_hash;
pub mod mermaid;
pub mod pieces;
pub mod run;
pub mod sarif;

use crate::code::Severity;
use crate::diagnostic::Diagnostic;
use crate::source::SourceMap;
use crate::span::{FileId, Span};
use crate::text::Lang;

/// The word before a finding's help, in every format that marks it:
/// `help`, 「対処」.
pub fn help_word(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "help",
        Lang::Ja => "対処",
    }
}

/// The word before a finding's note, in every format that marks one:
/// `note`, 「注記」.
pub fn note_word(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "note",
        Lang::Ja => "注記",
    }
}

/// A severity as text for people shows it: `error`, `warning`; 「エラー」,
/// 「警告」 (machine fields keep [`Severity::as_str`]).
pub fn severity_word(severity: Severity, lang: Lang) -> &'static str {
    match (severity, lang) {
        (_, Lang::En) => severity.as_str(),
        (Severity::Error, Lang::Ja) => "エラー",
        (Severity::Warning, Lang::Ja) => "警告",
    }
}

/// The text of a renderer that writes as it draws (`write`), drawn into
/// memory: for a caller that wants a `String`. Writing to memory fails
/// only where serializing does; `failed` gives the text then.
pub fn written(
    write: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>,
    failed: impl FnOnce(std::io::Error) -> String,
) -> String {
    let mut out = Vec::new();
    match write(&mut out) {
        // Every renderer writes UTF-8.
        Ok(()) => String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        Err(e) => failed(e),
    }
}

/// What a renderer needs: the files, the findings in output order, and
/// which files were checked.
pub struct Report<'a> {
    /// Every file a span may point into.
    pub sources: &'a SourceMap,
    /// The findings, sorted.
    pub diagnostics: &'a [Diagnostic],
    /// Number of files checked.
    pub files: usize,
    /// The files that were checked, in the order checked (rulebooks a
    /// design merely uses are not among them). JUnit lists each one, clean
    /// or not.
    pub checked: &'a [FileId],
    /// Output language.
    pub lang: Lang,
}

impl Report<'_> {
    /// Number of errors found, counting those a summary stands for
    /// ([`Diagnostic::findings`]), not only those shown.
    pub fn errors(&self) -> usize {
        self.found(Severity::Error)
    }

    /// Number of warnings found, counted as [`Report::errors`].
    pub fn warnings(&self) -> usize {
        self.found(Severity::Warning)
    }

    fn found(&self, severity: Severity) -> usize {
        crate::diagnostic::count(self.diagnostics, severity)
    }

    /// A span clipped to the end of its first line, so a label never spans
    /// a line break.
    pub fn clip(&self, span: Span) -> Span {
        let f = self.sources.get(span.file);
        let line = f.line_index(span.start as usize);
        let end = f.line_range(line).end.max(span.start as usize);
        Span {
            end: (span.end as usize).min(end) as u32,
            ..span
        }
    }

    /// 1-based (line, column, end line, end column) of a span; columns in
    /// Unicode scalar values, the end exclusive.
    pub fn position(&self, span: Span) -> Position {
        let f = self.sources.get(span.file);
        let (line, column) = f.line_col(span.start as usize);
        let (end_line, end_column) = f.line_col(span.end as usize);
        Position {
            line,
            column,
            end_line,
            end_column,
        }
    }

    /// The display name of a span's file.
    pub fn file_name(&self, span: Span) -> &str {
        &self.sources.get(span.file).name
    }
}

/// A span as lines and columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    /// 1-based first line.
    pub line: usize,
    /// 1-based first column.
    pub column: usize,
    /// 1-based last line.
    pub end_line: usize,
    /// 1-based column one past the end.
    pub end_column: usize,
}

pub use crate::session::BUILTIN_PREFIX;
pub use run::Execution;
