//! The syntax and name errors a filter hid: a run-level fact. A filter
//! (`select`, `ignore`, `per-file-ignores`) chooses which checks' findings
//! are seen, not whether a design was checked: a syntax or name error
//! ([`Code::stops_checks`]) it hides stopped the checks of its statement,
//! so the run fails on it (exit status 1) though no finding shown says so.
//! Every format says why, each in its own place for "the run failed for
//! this reason"; [`crate::wording::run`] words it.

use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::span::Span;
use std::collections::BTreeMap;

/// The hidden findings of one code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hidden {
    /// How many, counting those a summary stands for
    /// ([`Diagnostic::findings`]).
    pub count: usize,
    /// The first one's primary span (by file, then position).
    pub first: Span,
}

/// The syntax and name errors a filter hid, by code: never empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HiddenStops {
    codes: BTreeMap<Code, Hidden>,
}

impl HiddenStops {
    /// The fact of `hidden`, the findings a filter kept out of the report
    /// that stop checks; none when there are none. Codes that do not stop
    /// checks are passed over, so a caller may hand every hidden finding.
    pub fn of<'a>(hidden: impl IntoIterator<Item = &'a Diagnostic>) -> Option<HiddenStops> {
        let mut codes: BTreeMap<Code, Hidden> = BTreeMap::new();
        for d in hidden.into_iter().filter(|d| d.code.stops_checks()) {
            let at = d.primary;
            let h = codes.entry(d.code).or_insert(Hidden {
                count: 0,
                first: at,
            });
            h.count += d.findings();
            if (at.file, at.start) < (h.first.file, h.first.start) {
                h.first = at;
            }
        }
        (!codes.is_empty()).then_some(HiddenStops { codes })
    }

    /// How many findings were hidden, of every code.
    pub fn count(&self) -> usize {
        self.codes.values().map(|h| h.count).sum()
    }

    /// Each code hidden, in code order, with its count and first place.
    pub fn codes(&self) -> &BTreeMap<Code, Hidden> {
        &self.codes
    }

    /// The first hidden finding of all (by file, then position; the
    /// lower code where two start at one place): its code and span.
    pub fn first(&self) -> (Code, Span) {
        let mut first: Option<(Code, Span)> = None;
        for (&code, h) in &self.codes {
            let earlier =
                first.is_none_or(|(_, f)| (h.first.file, h.first.start) < (f.file, f.start));
            if earlier {
                first = Some((code, h.first));
            }
        }
        // `of` makes no empty fact; a default keeps this total.
        first.unwrap_or((Code::MN001, Span::default()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::FileId;
    use crate::text::Text;

    fn d(code: Code, file: u32, at: usize) -> Diagnostic {
        Diagnostic::new(code, Span::new(FileId(file), at, at + 1), Text::same("x"))
    }

    #[test]
    fn counts_each_code_and_finds_the_first() {
        let mut summary = d(Code::MN010, 0, 3);
        summary.more = 4;
        let hidden = [
            d(Code::MN010, 1, 0),
            summary,
            d(Code::MN001, 0, 9),
            // Not a stop: passed over.
            d(Code::MN012, 0, 0),
            d(Code::MN102, 0, 0),
        ];
        let h = HiddenStops::of(&hidden).expect("some");
        assert_eq!(h.count(), 7);
        let codes: Vec<(Code, usize, Span)> = (h.codes().iter())
            .map(|(c, h)| (*c, h.count, h.first))
            .collect();
        assert_eq!(
            codes,
            [
                (Code::MN001, 1, Span::new(FileId(0), 9, 10)),
                (Code::MN010, 6, Span::new(FileId(0), 3, 4)),
            ]
        );
        assert_eq!(h.first(), (Code::MN010, Span::new(FileId(0), 3, 4)));
        assert_eq!(HiddenStops::of(&hidden[3..]), None);
        assert_eq!(HiddenStops::of(&[]), None);
    }
}
