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
