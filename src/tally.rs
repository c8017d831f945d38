//! A stage's diagnostics as it makes them: each code's first few in full,
//! the rest as their code and place only ([`Hollow`], 24 bytes, where a
//! diagnostic with its words is over a kilobyte).
//!
//! A check shows a hundred findings of a code per file and counts the
//! rest. A file the parser or the resolver finds fault with on every line
//! (a CSV saved as `.myna`, a design converted with the wrong encoding,
//! one written to be slow) has a finding per dozen bytes: worded, 11 MB
//! of unterminated strings took 1.4 GB. The checks' own findings wait as
//! their place already ([`crate::candidates::Placed`]); the parse's and
//! the resolver's are made in full only while the cap may show them.
//!
//! Which of them the cap shows is decided only after suppressions and a
//! baseline took theirs out. When it shows one kept hollow, the file is
//! analysed again keeping in full exactly what the first pass showed
//! ([`Keep::Only`]): the output is the one a run keeping all would give.

use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::fix::Fix;
use crate::span::Span;
use std::collections::{BinaryHeap, HashSet};
use std::sync::Arc;

/// Which diagnostics a stage makes in full.
#[derive(Clone, Debug, Default)]
pub enum Keep {
    /// Every one: what every use but a check with a cap per code and a
    /// comparison needs (the editor, `--fix`, a file checked again).
    #[default]
    All,
    /// The first `n` made of each code.
    First(usize),
    /// Those of these codes at these places.
    Only(Arc<HashSet<(Code, Span)>>),
    /// None: every one as its code and place, whatever its severity, for
    /// a comparison of two runs, which reads nothing else (`rules diff
    /// --impact`: 11 MB of unterminated strings, every one worded in both
    /// runs, took 5.6–5.8 s and 2 GB).
    Places,
    /// The first `n` made of each code, as [`Keep::First`]; each of the
    /// others kept as its place with its fixes, made without words: for
    /// `check --fix`, whose rounds read every fix and whose report shows
    /// a hundred a code (11 MB of unterminated strings and duplicate
    /// actors, every one worded, took 3.4 s and 1.37 GB with nothing to
    /// fix; a million-flow design with a full-width colon on each flow,
    /// 6.4 s and 2.3 GB).
    FixesAndFirst(usize),
}

impl Keep {
    /// What a run showing `max` findings of each code per file keeps:
    /// twice that, so that suppressions and a baseline may take out as
    /// many again before a second pass is needed.
    pub fn for_cap(max: usize) -> Keep {
        Keep::First(max.max(1).saturating_mul(2))
    }

    /// What a file is analysed again keeping, after a pass that kept what
    /// `self` says and whose cap would show `shown` (the code and place
    /// of each finding made before the checks that it shows), when one of
    /// them was kept hollow: exactly those, then all. None when no pass
    /// is needed.
    pub fn again(&self, shown: Option<HashSet<(Code, Span)>>) -> Option<Keep> {
        match (shown, self) {
            (Some(shown), Keep::First(_)) => Some(Keep::Only(Arc::new(shown))),
            (Some(_), Keep::Only(_)) => Some(Keep::All),
            _ => None,
        }
    }
}

/// A finding kept as its code and place: all that suppressions, a
/// baseline and the cap per code read; and, for `check --fix`
/// ([`Keep::FixesAndFirst`]), its fixes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hollow {
    /// Its code.
    pub code: Code,
    /// Where it is.
    pub primary: Span,
    /// What few places have, behind one pointer: a dense design has a
    /// place a dozen bytes, and two more words a place made 11 MB of
    /// unterminated strings 28 MB larger.
    rest: Option<Box<Rest>>,
}

/// What few places have ([`Hollow`]).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Rest {
    /// How many further findings it stands for ([`Diagnostic::more`]).
    more: usize,
    /// Its fixes, kept for `check --fix` (their messages need not be
    /// made: a finding shown is made again, in full).
    fixes: Vec<Fix>,
}

impl Hollow {
    /// A finding of `code` at `primary`, standing for itself alone, with
    /// no fix kept.
    pub fn new(code: Code, primary: Span) -> Hollow {
        Hollow::with(code, primary, 0, Vec::new())
    }

    fn with(code: Code, primary: Span, more: usize, fixes: Vec<Fix>) -> Hollow {
        let rest = (more > 0 || !fixes.is_empty()).then(|| Box::new(Rest { more, fixes }));
        Hollow {
            code,
            primary,
            rest,
        }
    }

    /// `d` as its place, and its fixes when `with_fixes`.
    fn of(d: Diagnostic, with_fixes: bool) -> Hollow {
        let fixes = if with_fixes { d.fixes } else { Vec::new() };
        Hollow::with(d.code, d.primary, d.more, fixes)
    }

    /// Its fixes (none unless kept for `check --fix`).
    pub fn fixes(&self) -> &[Fix] {
        self.rest.as_deref().map_or(&[], |r| r.fixes.as_slice())
    }

    /// How many findings it stands for, itself included.
    pub fn findings(&self) -> usize {
        1 + self.rest.as_deref().map_or(0, |r| r.more)
    }
}

/// A stage's diagnostics: those kept in full, in the order made, and the
/// others as their places, in the order made.
#[derive(Clone, Debug, Default)]
pub struct Tally {
    /// Those kept in full; `None` where one was put aside for one nearer
    /// the start of the text.
    full: Vec<Option<Diagnostic>>,
    hollow: Vec<Hollow>,
    keep: Keep,
    /// For [`Keep::First`], each code's kept in full, as a heap of their
    /// places and where each is in `full` (the furthest on top).
    kept: Vec<BinaryHeap<(u32, u32, usize)>>,
    /// How many of `full` were put aside.
    aside: usize,
}

impl Tally {
    /// An empty tally keeping what `keep` says.
    pub fn new(keep: Keep) -> Tally {
        Tally {
            keep,
            ..Tally::default()
        }
    }

    /// `full` and `hollow` as made by a stage that kept what `keep` says;
    /// what is pushed next is kept as if it had been made after them.
    pub fn from_parts(keep: Keep, full: Vec<Diagnostic>, hollow: Vec<Hollow>) -> Tally {
        let mut t = Tally {
            keep,
            hollow,
            ..Tally::default()
        };
        t.full.reserve(full.len());
        for d in full {
            t.push(d);
        }
        t
    }

    /// What it keeps.
    pub fn keep(&self) -> &Keep {
        &self.keep
    }

    /// Would a finding of `code` at `primary` be kept in full if made
    /// now (at the end of `full`)? For [`Keep::First`], each code's `n`
    /// nearest the start of the text are kept, whatever the order they
    /// are made in: one further on than all of them is not; one before
    /// the furthest puts that one aside, as its place.
    fn takes(&mut self, code: Code, primary: Span) -> bool {
        let n = match &self.keep {
            Keep::All => return true,
            Keep::Only(at) => return at.contains(&(code, primary)),
            Keep::Places => return false,
            Keep::First(n) | Keep::FixesAndFirst(n) => *n,
        };
        let with_fixes = self.keeps_fixes();
        let i = code as usize;
        if self.kept.len() <= i {
            self.kept
                .resize_with(Code::ALL.len().max(i + 1), BinaryHeap::new);
        }
        let Some(heap) = self.kept.get_mut(i) else {
            return true;
        };
        let place = (primary.start, primary.end);
        if heap.len() >= n {
            match heap.peek() {
                Some(&(start, end, _)) if place < (start, end) => {}
                _ => return false,
            }
            let aside = heap
                .pop()
                .and_then(|(_, _, at)| self.full.get_mut(at)?.take());
            if let Some(d) = aside {
                self.aside += 1;
                self.hollow.push(Hollow::of(d, with_fixes));
            }
        }
        heap.push((primary.start, primary.end, self.full.len()));
        true
    }

    /// Adds `d`: in full when it is kept, else its place. A diagnostic
    /// whose severity is not its code's, or that stands for a finding
    /// still to be worded, is kept in full unless only places are (a
    /// hollow one is read back with its code's severity).
    pub fn push(&mut self, d: Diagnostic) {
        let plain = d.severity == d.code.severity() && d.pending.is_none();
        let places = matches!(self.keep, Keep::Places);
        if (!plain && !places) || self.takes(d.code, d.primary) {
            self.full.push(Some(d));
        } else {
            let with_fixes = self.keeps_fixes();
            self.hollow.push(Hollow::of(d, with_fixes));
        }
    }

    /// Adds the diagnostic `make` gives, made only when it is kept in
    /// full (a finding past the cap costs no words).
    pub fn push_made(&mut self, code: Code, primary: Span, make: impl FnOnce() -> Diagnostic) {
        self.push_made_else(code, primary, make, Vec::new);
    }

    /// Adds the diagnostic `make` gives, which carries the fix `fix`
    /// gives: made only when it is kept in full, as [`Tally::push_made`]
    /// does; else its place, with the fix when fixes are kept
    /// ([`Keep::FixesAndFirst`]: a fix alone costs no words).
    pub fn push_made_with_fix(
        &mut self,
        code: Code,
        primary: Span,
        make: impl FnOnce() -> Diagnostic,
        fix: impl FnOnce() -> Fix,
    ) {
        let keeps_fixes = self.keeps_fixes();
        let fixes = || match keeps_fixes {
            true => vec![fix()],
            false => Vec::new(),
        };
        self.push_made_else(code, primary, make, fixes);
    }

    /// The diagnostic `make` gives when it is kept in full, else its
    /// place with the fixes `fixes` gives.
    fn push_made_else(
        &mut self,
        code: Code,
        primary: Span,
        make: impl FnOnce() -> Diagnostic,
        fixes: impl FnOnce() -> Vec<Fix>,
    ) {
        if self.takes(code, primary) {
            let d = make();
            debug_assert!(d.code == code && d.primary == primary, "{d:?}");
            self.full.push(Some(d));
        } else {
            self.hollow.push(Hollow::with(code, primary, 0, fixes()));
        }
    }

    /// Are fixes kept with places?
    fn keeps_fixes(&self) -> bool {
        matches!(self.keep, Keep::FixesAndFirst(_))
    }

    /// Adds each of `ds`, in order.
    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        for d in ds {
            self.push(d);
        }
    }

    /// Those kept in full, in the order made.
    pub fn full(&self) -> impl Iterator<Item = &Diagnostic> {
        self.full.iter().flatten()
    }

    /// Those kept as their place, in the order made.
    pub fn hollow(&self) -> &[Hollow] {
        &self.hollow
    }

    /// How many were made, in full or not (a diagnostic that stands for
    /// several counts once).
    pub fn len(&self) -> usize {
        self.full.len() - self.aside + self.hollow.len()
    }

    /// Whether none was made.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Runs `f` on a tally that keeps every diagnostic, starting with
    /// `diags`'s, which then holds them all: for the callers that keep
    /// every finding in a list.
    pub fn within<T>(diags: &mut Vec<Diagnostic>, f: impl FnOnce(&mut Tally) -> T) -> T {
        let mut t = Tally::from_parts(Keep::All, std::mem::take(diags), Vec::new());
        let out = f(&mut t);
        *diags = t.into_parts().0;
        out
    }

    /// This tally without the findings made `made`-th (counted from 0 in
    /// the order made, ascending), for a tally that keeps every finding
    /// made in one list in that order: one keeping all (after the places
    /// it was made with, [`Tally::from_parts`]) or only places. None for
    /// any other, whose two lists are not in the order made.
    pub fn without_made(&self, made: &[usize]) -> Option<Tally> {
        let mut skip = made.iter().copied().peekable();
        let mut kept = |i: usize| skip.next_if_eq(&i).is_none();
        let mut t = Tally::new(self.keep.clone());
        // Neither ever puts one aside; keeping only places, none is in full.
        if !matches!(self.keep, Keep::All | Keep::Places) || self.aside > 0 {
            return None;
        }
        let before = self.hollow.len();
        t.hollow = (self.hollow.iter().enumerate())
            .filter(|&(i, _)| kept(i))
            .map(|(_, h)| h.clone())
            .collect();
        t.full = (self.full.iter().enumerate())
            .filter(|&(i, _)| kept(before + i))
            .map(|(_, d)| d.clone())
            .collect();
        Some(t)
    }

    /// The two lists.
    pub fn into_parts(self) -> (Vec<Diagnostic>, Vec<Hollow>) {
        (self.full.into_iter().flatten().collect(), self.hollow)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::FileId;
    use crate::text::Text;

    fn span(start: usize) -> Span {
        Span::new(FileId(0), start, start + 1)
    }

    fn at(code: Code, start: usize) -> Diagnostic {
        Diagnostic::new(code, span(start), Text::new("x", "x"))
    }

    fn starts(t: &Tally, code: Code) -> Vec<u32> {
        let mut v: Vec<u32> = (t.full())
            .filter(|d| d.code == code)
            .map(|d| d.primary.start)
            .collect();
        v.sort();
        v
    }

    #[test]
    fn keeps_each_codes_first_few_in_full_and_the_rest_as_places() {
        let mut t = Tally::new(Keep::First(2));
        for i in 0..5 {
            t.push(at(Code::MN002, i));
            t.push_made(Code::MN011, span(i), || at(Code::MN011, i));
        }
        assert_eq!(starts(&t, Code::MN002), [0, 1]);
        assert_eq!(starts(&t, Code::MN011), [0, 1]);
        assert_eq!(t.hollow().len(), 6);
        assert_eq!(t.len(), 10);
        assert!(t.hollow().iter().all(|h| h.primary.start >= 2));
    }

    #[test]
    fn keeps_those_nearest_the_start_whatever_the_order_they_are_made_in() {
        let mut t = Tally::new(Keep::First(3));
        for i in [50, 40, 10, 60, 0, 30, 20, 70] {
            t.push_made(Code::MN010, span(i), || at(Code::MN010, i));
        }
        assert_eq!(starts(&t, Code::MN010), [0, 10, 20]);
        let mut hollow: Vec<u32> = t.hollow().iter().map(|h| h.primary.start).collect();
        hollow.sort();
        assert_eq!(hollow, [30, 40, 50, 60, 70]);
        assert_eq!(t.len(), 8);
        // The order made, of those kept.
        let (full, _) = t.into_parts();
        let made: Vec<u32> = full.iter().map(|d| d.primary.start).collect();
        assert_eq!(made, [10, 0, 20]);
    }

    #[test]
    fn keeps_all_or_only_what_it_is_told() {
        let mut all = Tally::new(Keep::All);
        all.extend((0..300).map(|i| at(Code::MN001, i)));
        assert_eq!((all.full().count(), all.hollow().len()), (300, 0));
        let only: HashSet<(Code, Span)> = [(Code::MN001, span(7))].into_iter().collect();
        let mut t = Tally::new(Keep::Only(Arc::new(only)));
        t.extend((0..300).map(|i| at(Code::MN001, i)));
        assert_eq!(starts(&t, Code::MN001), [7]);
        assert_eq!(t.hollow().len(), 299);
    }

    #[test]
    fn from_parts_keeps_what_was_kept_before() {
        let before = (0..2).map(|i| at(Code::MN003, i)).collect();
        let mut t = Tally::from_parts(Keep::First(3), before, Vec::new());
        t.extend((10..14).map(|i| at(Code::MN003, i)));
        assert_eq!(
            starts(&t, Code::MN003),
            [0, 1, 10],
            "two before, one of the later"
        );
        assert_eq!(t.hollow().len(), 3);
    }

    #[test]
    fn a_pass_again_keeps_what_was_shown_then_all() {
        let shown: HashSet<(Code, Span)> = [(Code::MN002, span(3))].into_iter().collect();
        let Some(Keep::Only(at)) = Keep::First(200).again(Some(shown.clone())) else {
            panic!("the second pass keeps those shown");
        };
        assert_eq!(*at, shown);
        let only = Keep::Only(Arc::new(shown.clone()));
        assert!(matches!(only.again(Some(shown.clone())), Some(Keep::All)));
        assert!(Keep::All.again(Some(shown)).is_none());
        assert!(Keep::First(200).again(None).is_none());
    }

    #[test]
    fn within_keeps_every_one_in_the_list() {
        let mut diags = vec![at(Code::MN001, 5)];
        let n = Tally::within(&mut diags, |t| {
            t.extend((0..500).map(|i| at(Code::MN001, i)));
            t.len()
        });
        assert_eq!((n, diags.len()), (501, 501));
    }

    #[test]
    fn places_keeps_every_one_as_its_place_whatever_its_severity() {
        let mut warned = at(Code::MN002, 0);
        warned.severity = crate::code::Severity::Warning;
        let mut t = Tally::from_parts(Keep::Places, vec![warned], Vec::new());
        t.push(at(Code::MN002, 1));
        t.push_made(Code::MN011, span(2), || panic!("a place is not worded"));
        let starts: Vec<u32> = t.hollow().iter().map(|h| h.primary.start).collect();
        assert_eq!((t.full().count(), starts), (0, vec![0, 1, 2]));
    }

    #[test]
    fn without_made_leaves_out_those_made_then_from_one_list_in_order() {
        let starts = |t: &Tally| -> (Vec<u32>, Vec<u32>) {
            (
                t.full().map(|d| d.primary.start).collect(),
                t.hollow().iter().map(|h| h.primary.start).collect(),
            )
        };
        let given = vec![Hollow::of(at(Code::MN002, 0), false)];
        let mut all = Tally::from_parts(Keep::All, Vec::new(), given);
        all.extend((1..6).map(|i| at(Code::MN010, i)));
        let left = all.without_made(&[0, 2, 5]).map(|t| starts(&t));
        assert_eq!(left, Some((vec![1, 3, 4], vec![])));
        let mut places = Tally::new(Keep::Places);
        places.extend((0..6).map(|i| at(Code::MN010, i)));
        let left = places.without_made(&[1, 4]).map(|t| starts(&t));
        assert_eq!(left, Some((vec![], vec![0, 2, 3, 5])));
        // Kept in full as made, then put aside: no longer in one order.
        let mut first = Tally::new(Keep::First(1));
        first.extend([5, 0].map(|i| at(Code::MN010, i)));
        assert!(first.without_made(&[0]).is_none());
    }

    #[test]
    fn fixes_and_first_keeps_each_codes_first_few_and_the_others_places_with_their_fixes() {
        let fix = |i: usize, message: &str| {
            crate::fix::Fix::safe(
                Text::new(message, message),
                vec![crate::fix::Edit {
                    span: span(i),
                    content: String::new(),
                }],
            )
        };
        let fixed = |code: Code, i: usize| at(code, i).with_fix(fix(i, "worded"));
        let mut t = Tally::new(Keep::FixesAndFirst(2));
        // Made from the end of the text back: those kept in full first
        // are put aside, with their fixes, for those nearer the start.
        for i in (0..6).rev() {
            t.push(fixed(Code::MN010, 100 + i));
            t.push(at(Code::MN010, i));
            t.push_made(Code::MN002, span(300 + i), || at(Code::MN002, 300 + i));
        }
        // Made in order: past the first two, only the fix is made.
        for i in 0..6 {
            t.push_made_with_fix(
                Code::MN003,
                span(200 + i),
                || fixed(Code::MN003, 200 + i),
                || fix(200 + i, ""),
            );
        }
        assert_eq!(starts(&t, Code::MN010), [0, 1]);
        assert_eq!(starts(&t, Code::MN003), [200, 201]);
        assert_eq!(starts(&t, Code::MN002), [300, 301]);
        assert_eq!((t.hollow().len(), t.len()), (18, 24));
        // Each place keeps its fixes, the fix of one never made without
        // words; a place with none has none.
        for h in t.hollow() {
            let start = h.primary.start as usize;
            let edits: Vec<usize> = (h.fixes().iter())
                .flat_map(|f| f.edits.iter().map(|e| e.span.start as usize))
                .collect();
            match (h.code, start) {
                (Code::MN010, 100..) | (Code::MN003, _) => assert_eq!(edits, [start]),
                _ => assert!(edits.is_empty(), "{h:?}"),
            }
        }
        let alone = |h: &Hollow| h.fixes().iter().all(|f| f.message.en.is_empty());
        for h in t.hollow().iter().filter(|h| !h.fixes().is_empty()) {
            assert_eq!(alone(h), h.code == Code::MN003, "{h:?}");
        }
        // Elsewhere, a place keeps no fix.
        let mut first = Tally::new(Keep::First(1));
        for i in 0..3 {
            first.push(fixed(Code::MN010, i));
            first.push_made_with_fix(
                Code::MN003,
                span(i),
                || fixed(Code::MN003, i),
                || panic!("no fix is made alone"),
            );
        }
        assert_eq!(
            (starts(&first, Code::MN003), first.hollow().len()),
            (vec![0], 4)
        );
        assert!(first.hollow().iter().all(|h| h.fixes().is_empty()));
    }

    #[test]
    fn a_diagnostic_with_another_severity_or_still_to_be_worded_stays_whole() {
        let mut t = Tally::new(Keep::First(0));
        let mut warned = at(Code::MN002, 0);
        warned.severity = match warned.severity {
            crate::code::Severity::Error => crate::code::Severity::Warning,
            crate::code::Severity::Warning => crate::code::Severity::Error,
        };
        t.push(warned);
        t.push(at(Code::MN002, 1));
        assert_eq!((t.full().count(), t.hollow().len()), (1, 1));
    }
}
