//! Fixes as data (LANGUAGE.md §3.7), after ruff's model: a fix is a set of
//! text edits with an applicability. A **safe** fix keeps the design's
//! meaning (full-width to ASCII, a respelling); an **unsafe** fix changes its
//! legal meaning and needs a person to confirm it (reversing an arrow).
//! `check --fix` applies the safe ones, `--unsafe-fixes` the others too; the
//! language server offers both as code actions; JSON and SARIF carry them.

use crate::span::Span;
use crate::text::Text;

/// Whether a fix may be applied without a person's review.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Applicability {
    /// The meaning of the design is unchanged.
    Safe,
    /// The fix changes what the design says; a person must confirm it.
    Unsafe,
}

impl Applicability {
    /// `safe` or `unsafe`, as in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }

    /// What a fix's title adds where the reader may apply it with one
    /// click (an editor's code action, a SARIF viewer's fix): nothing for
    /// a safe fix; for an unsafe one, that it changes what the design
    /// says.
    pub fn caution(self) -> Option<Text> {
        match self {
            Applicability::Safe => None,
            Applicability::Unsafe => Some(Text::new(
                "unsafe: changes what the design says",
                "要確認: 設計の意味が変わります",
            )),
        }
    }
}

/// Replace the text of `span` with `content` (an insertion when the span is
/// empty, a deletion when `content` is).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Edit {
    /// The bytes replaced, in one file.
    pub span: Span,
    /// What replaces them.
    pub content: String,
}

/// One way to fix a finding: what it does, and its edits (non-overlapping,
/// all in the same file, applied together or not at all).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// What the fix does, e.g. "reverse the arrow".
    pub message: Text,
    /// Safe or unsafe.
    pub applicability: Applicability,
    /// The edits, sorted by position.
    pub edits: Vec<Edit>,
}

impl Fix {
    /// A fix from its edits (sorted here, so renderers and appliers can
    /// rely on the order).
    pub fn new(message: Text, applicability: Applicability, mut edits: Vec<Edit>) -> Fix {
        edits.sort();
        Fix {
            message,
            applicability,
            edits,
        }
    }

    /// A safe fix.
    pub fn safe(message: Text, edits: Vec<Edit>) -> Fix {
        Fix::new(message, Applicability::Safe, edits)
    }

    /// An unsafe fix.
    pub fn unsafe_(message: Text, edits: Vec<Edit>) -> Fix {
        Fix::new(message, Applicability::Unsafe, edits)
    }
}

/// The line ending of the line that starts at byte `line_start` of
/// `text`: CR LF or LF as it is written there; for a last line with none,
/// the document's first; LF in a document of one line.
pub fn line_ending(text: &str, line_start: usize) -> &'static str {
    let rest = text.get(line_start..).unwrap_or_default();
    let newline = memchr::memchr(b'\n', rest.as_bytes())
        .map(|i| line_start + i)
        .or_else(|| memchr::memchr(b'\n', text.as_bytes()));
    match newline {
        Some(i) if i > 0 && text.as_bytes().get(i - 1) == Some(&b'\r') => "\r\n",
        _ => "\n",
    }
}

/// The unit a line of `text` is indented by inside a block: a tab when
/// its first indented line starts with one, else two spaces (as `fmt`
/// writes it). Read once per file ([`crate::wording`] keeps it).
pub fn indent_unit(text: &str) -> &'static str {
    let bytes = text.as_bytes();
    for i in memchr::memchr_iter(b'\n', bytes) {
        let line = bytes.get(i + 1..).unwrap_or_default();
        let ws = line
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t'))
            .count();
        // A blank line says nothing of how the file indents.
        if ws > 0 && !matches!(line.get(ws), None | Some(b'\r' | b'\n')) {
            return if line[0] == b'\t' { "\t" } else { "  " };
        }
    }
    "  "
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_inserted_line_ends_as_the_document_s_lines_do() {
        let crlf = "a\r\nb\r\nc";
        assert_eq!(line_ending(crlf, 0), "\r\n");
        assert_eq!(line_ending(crlf, 3), "\r\n");
        // The last line has none: the document's.
        assert_eq!(line_ending(crlf, 6), "\r\n");
        assert_eq!(line_ending("a\nb", 2), "\n");
        assert_eq!(line_ending("one line", 0), "\n");
        assert_eq!(line_ending("", 0), "\n");
        // Past the end: as a last line.
        assert_eq!(line_ending(crlf, 99), "\r\n");
    }

    #[test]
    fn a_block_is_indented_as_the_file_is() {
        assert_eq!(indent_unit("actor A : B {\n\tclauses x\n}\n"), "\t");
        assert_eq!(indent_unit("actor A : B {\r\n    clauses x\r\n}\r\n"), "  ");
        // Blank lines with white space are passed over.
        assert_eq!(indent_unit("a\n  \n\tb\n"), "\t");
        assert_eq!(indent_unit("a\n \t\r\nb\n"), "  ");
        assert_eq!(indent_unit(""), "  ");
    }
}
