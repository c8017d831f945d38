//! Diagnostics as data: what a check found, where, and which rule. Renderers
//! (see [`crate::render`]) turn them into text, JSON, SARIF and the rest.

use crate::code::{Code, Severity};
use crate::fix::Fix;
use crate::span::Span;
use crate::text::Text;

/// A secondary location with its own message: the rule in the rulebook, an
/// upstream hop of a witness path, the first of two definitions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What it shows.
    pub message: Text,
}

/// The rule a diagnostic is about: its notice section and legal basis.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleRef {
    /// The section id, e.g. `7(1)`.
    pub section: String,
    /// The legal basis the section cites, if any.
    pub basis: Option<String>,
}

/// A typed fact behind a finding, for machine formats (JSON, SARIF):
/// names in the design's and rulebook's own words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FactValue {
    /// A name or a short text.
    Text(String),
    /// Several names.
    List(Vec<String>),
    /// Yes or no.
    Flag(bool),
    /// A count.
    Count(u64),
}

/// One named fact.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fact {
    /// Its key, `snake_case`, stable across versions.
    pub key: &'static str,
    /// Its value.
    pub value: FactValue,
}

/// Names a list fact holds at most. The lists are as long as a rulebook
/// (its purposes, roles, register) or a route, and every finding shown
/// carries its own: uncut, a 1 MB register and a hundred findings made
/// 60 MB of JSON from a 60 KB design.
pub const MAX_FACT_NAMES: usize = 100;

impl Fact {
    /// A text fact.
    pub fn text(key: &'static str, value: impl Into<String>) -> Fact {
        Fact {
            key,
            value: FactValue::Text(value.into()),
        }
    }

    /// A list fact under `key`, and, when it is cut at
    /// [`MAX_FACT_NAMES`], the count of the whole list under `total`.
    pub fn list((key, total): (&'static str, &'static str), mut value: Vec<String>) -> Vec<Fact> {
        let all = value.len();
        value.truncate(MAX_FACT_NAMES);
        let mut facts = vec![Fact {
            key,
            value: FactValue::List(value),
        }];
        if all > MAX_FACT_NAMES {
            facts.push(Fact {
                key: total,
                value: FactValue::Count(all as u64),
            });
        }
        facts
    }
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The stable code.
    pub code: Code,
    /// Error or warning (normally the code's own severity).
    pub severity: Severity,
    /// One sentence: what is wrong.
    pub message: Text,
    /// The part of the source that is wrong.
    pub primary: Span,
    /// A short text under the primary caret.
    pub primary_label: Option<Text>,
    /// Secondary locations, in the order they should be read.
    pub labels: Vec<Label>,
    /// Facts: the section and basis, what the rule says.
    pub notes: Vec<Text>,
    /// What to change.
    pub help: Option<Text>,
    /// The rule involved, if any.
    pub rule: Option<RuleRef>,
    /// Ways to fix it, best first.
    pub fixes: Vec<Fix>,
    /// The typed facts behind it (which flow, item, roles, rule, why).
    pub facts: Vec<Fact>,
    /// How many further findings of its code this one stands for, when a
    /// stage counted them instead of making each (0 for most).
    pub more: usize,
    /// Until it is worded: the index of the check's typed finding it stands
    /// for. A session keeps only the code and place of each finding while
    /// suppressions and the cap per code decide which are shown, then
    /// words those (a million-flow design can have 200 000 findings, of
    /// which a hundred per code are shown).
    pub(crate) pending: Option<usize>,
}

impl Diagnostic {
    /// A diagnostic with the code's severity and nothing but a message.
    pub fn new(code: Code, primary: Span, message: Text) -> Self {
        Diagnostic {
            code,
            severity: code.severity(),
            message,
            primary,
            primary_label: None,
            labels: Vec::new(),
            notes: Vec::new(),
            help: None,
            rule: None,
            fixes: Vec::new(),
            facts: Vec::new(),
            more: 0,
            pending: None,
        }
    }

    /// Sets the text under the primary caret.
    pub fn with_primary_label(mut self, message: Text) -> Self {
        self.primary_label = Some(message);
        self
    }

    /// Adds a secondary label.
    pub fn with_label(mut self, span: Span, message: Text) -> Self {
        self.labels.push(Label { span, message });
        self
    }

    /// Adds a note.
    pub fn with_note(mut self, note: Text) -> Self {
        self.notes.push(note);
        self
    }

    /// Sets the help text.
    pub fn with_help(mut self, help: Text) -> Self {
        self.help = Some(help);
        self
    }

    /// Sets the rule reference.
    pub fn with_rule(mut self, section: impl Into<String>, basis: Option<String>) -> Self {
        self.rule = Some(RuleRef {
            section: section.into(),
            basis,
        });
        self
    }

    /// Adds a fix.
    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fixes.push(fix);
        self
    }

    /// Adds each of `fixes` (none, for an `Option` that is `None`).
    pub fn with_fixes(mut self, fixes: impl IntoIterator<Item = Fix>) -> Self {
        self.fixes.extend(fixes);
        self
    }

    /// Adds the typed facts.
    pub fn with_facts(mut self, facts: Vec<Fact>) -> Self {
        self.facts.extend(facts);
        self
    }

    /// How many findings this one counts for in totals: itself and the
    /// [`Diagnostic::more`] it sums up.
    pub fn findings(&self) -> usize {
        1 + self.more
    }

    /// Is this an error?
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Fewer diagnostics or findings than this are placed, made, worded or
/// given notes on one thread: below it, handing them to the thread pool
/// costs more than it saves; past it (every finding shown, `check
/// --max-per-code 0`, or `--fix`), a large design has tens of thousands.
pub const PARALLEL_DIAGNOSTICS: usize = 2_000;

/// How many findings of `severity` `diags` hold, each counting those it
/// stands for ([`Diagnostic::findings`]): the totals every output shows.
pub fn count(diags: &[Diagnostic], severity: Severity) -> usize {
    diags
        .iter()
        .filter(|d| d.severity == severity)
        .map(Diagnostic::findings)
        .sum()
}

/// The output order of diagnostics within a file, so every renderer
/// prints the same thing for the same input: by file, place, code and
/// message ([`crate::session::Session::sorted_diagnostics`] puts files in
/// the order of their names).
pub fn order(a: &Diagnostic, b: &Diagnostic) -> std::cmp::Ordering {
    (
        a.primary.file,
        a.primary.start,
        a.primary.end,
        a.code,
        &a.message.en,
    )
        .cmp(&(
            b.primary.file,
            b.primary.start,
            b.primary.end,
            b.code,
            &b.message.en,
        ))
}
