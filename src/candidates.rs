//! A file's diagnostics while suppressions and the cap per code decide
//! which are shown. The checks' findings wait as their code and place
//! ([`Placed`], 24 bytes) rather than as diagnostics (over 300): a design
//! of a million flows can have hundreds of thousands of findings, of which
//! a hundred per code are shown, and each diagnostic made, moved and
//! sorted before the cap was memory touched for nothing.

use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::span::Span;
use crate::tally::Hollow;
use crate::text;
use crate::text::Text;
use rustc_hash::FxHashMap;
use std::collections::HashSet;

/// Findings of one code in one file shown before the rest are summed up
/// in one finding, unless the run says otherwise (`check
/// --max-per-code`): a design with thousands of one mistake reads best as
/// the first hundred and a count, and its output stays in proportion.
pub const MAX_PER_CODE: usize = 100;

/// A check's finding as its code and place, with its index among the
/// check's typed findings (what wording it takes, if it is shown).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Placed {
    /// Its code.
    pub code: Code,
    /// Where it is shown.
    pub primary: Span,
    /// Its index among the findings it was placed from.
    pub finding: usize,
}

impl Placed {
    /// The diagnostic it stands for until it is worded: code and place,
    /// no words yet.
    fn pending(self) -> Diagnostic {
        Diagnostic {
            pending: Some(self.finding),
            ..Diagnostic::new(self.code, self.primary, Text::default())
        }
    }
}

/// A file's diagnostics in the order they were made: those before the
/// checks' findings (syntax, the rulebook, resolution), the findings, and
/// those after (the suppressions' own).
#[derive(Debug, Default)]
pub struct Candidates {
    /// Made before the checks ran, kept in full.
    pub before: Vec<Diagnostic>,
    /// Made before the checks ran, kept as their places only
    /// ([`crate::tally`]): each code's made after the first few in full.
    pub hollow: Vec<Hollow>,
    /// The checks' findings, in the checks' order.
    pub placed: Vec<Placed>,
    /// Made after them.
    pub after: Vec<Diagnostic>,
}

impl Candidates {
    /// How many there are.
    pub fn len(&self) -> usize {
        self.before.len() + self.hollow.len() + self.placed.len() + self.after.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The code and place of the `i`-th, in order (those made before
    /// the checks, in full then hollow, the checks', those after).
    pub fn key(&self, i: usize) -> Option<(Code, Span)> {
        let (before, hollow, placed) = (self.before.len(), self.hollow.len(), self.placed.len());
        if i < before {
            self.before.get(i).map(|d| (d.code, d.primary))
        } else if i < before + hollow {
            self.hollow.get(i - before).map(|h| (h.code, h.primary))
        } else if i < before + hollow + placed {
            (self.placed.get(i - before - hollow)).map(|p| (p.code, p.primary))
        } else {
            (self.after.get(i - before - hollow - placed)).map(|d| (d.code, d.primary))
        }
    }

    /// Keeps those `keep` says to keep (asked of each in order).
    pub fn retain(&mut self, mut keep: impl FnMut(Code, Span) -> bool) {
        self.before.retain(|d| keep(d.code, d.primary));
        self.hollow.retain(|h| keep(h.code, h.primary));
        self.placed.retain(|p| keep(p.code, p.primary));
        self.after.retain(|d| keep(d.code, d.primary));
    }

    /// Each one's code and place only, in the order of
    /// [`Candidates::key`]: what comparing two runs' findings (or a
    /// file's findings with its annotations) needs, without making a
    /// diagnostic of each.
    pub fn places(&self) -> Vec<(Code, Span)> {
        let place = |d: &Diagnostic| (d.code, d.primary);
        let mut out = Vec::with_capacity(self.len());
        out.extend(self.before.iter().map(place));
        out.extend(self.hollow.iter().map(|h| (h.code, h.primary)));
        out.extend(self.placed.iter().map(|p| (p.code, p.primary)));
        out.extend(self.after.iter().map(place));
        out
    }

    /// Every one, in order, the findings still to be worded: on every
    /// core when there are many (with every finding kept, a million-flow
    /// design has tens of thousands, each a diagnostic of 300 bytes made
    /// in fresh memory, and made in turn they left a core idle for 20 ms).
    pub fn into_all(self) -> Vec<Diagnostic> {
        use rayon::prelude::*;
        let mut out = self.before;
        out.reserve(self.placed.len() + self.after.len());
        if self.placed.len() >= crate::diagnostic::PARALLEL_DIAGNOSTICS {
            out.par_extend(self.placed.into_par_iter().map(Placed::pending));
        } else {
            out.extend(self.placed.into_iter().map(Placed::pending));
        }
        out.extend(self.after);
        out
    }

    /// The first `max` of each code in source order (at least one), then
    /// one summary per code that had more, counting the rest; in order as
    /// they were when no code had more than that, else sorted by place
    /// (as one stable sort of them all would: on the same place, in the
    /// order they were made). Only what is kept becomes a diagnostic.
    pub fn into_capped(self, max: usize) -> Vec<Diagnostic> {
        self.into_capped_apart(max, &mut Vec::new())
    }

    /// [`Candidates::into_capped`], the diagnostics past the cap moved
    /// into `apart` rather than freed (findings still to be worded are
    /// not diagnostics yet, and are not among them). A hollow one the cap
    /// would show is left out: see [`Candidates::into_shown`].
    pub fn into_capped_apart(self, max: usize, apart: &mut Vec<Diagnostic>) -> Vec<Diagnostic> {
        self.capped(max, apart).0
    }

    /// [`Candidates::into_capped_apart`], or None when the cap would show
    /// a finding kept hollow (see [`Candidates::into_shown`]).
    pub fn into_shown_apart(
        self,
        max: usize,
        apart: &mut Vec<Diagnostic>,
    ) -> Option<Vec<Diagnostic>> {
        let (shown, front) = self.capped(max, apart);
        front.is_none().then_some(shown)
    }

    /// [`Candidates::into_capped`], or, when the cap would show a finding
    /// kept hollow, the code and place of every finding made before the
    /// checks that it would show: the file must then be analysed again
    /// keeping exactly those in full ([`crate::tally::Keep::Only`]).
    pub fn into_shown(self, max: usize) -> Result<Vec<Diagnostic>, HashSet<(Code, Span)>> {
        let (shown, front) = self.capped(max, &mut Vec::new());
        match front {
            None => Ok(shown),
            Some(front) => Err(front),
        }
    }

    /// The cap; and when it would show one kept hollow, the code and place
    /// of every one made before the checks that it would show.
    fn capped(
        self,
        max: usize,
        apart: &mut Vec<Diagnostic>,
    ) -> (Vec<Diagnostic>, Option<HashSet<(Code, Span)>>) {
        // The summary stands at the first finding not shown, so one is
        // always shown before it.
        let max = max.max(1);
        // Counted once per finding: a design with a finding on every line
        // has a million (std's hasher took a fiftieth of its run).
        let mut counts: FxHashMap<Code, usize> = FxHashMap::default();
        for d in self.before.iter().chain(&self.after) {
            *counts.entry(d.code).or_default() += d.findings();
        }
        for h in &self.hollow {
            *counts.entry(h.code).or_default() += h.findings();
        }
        for p in &self.placed {
            *counts.entry(p.code).or_default() += 1;
        }
        if counts.values().all(|&n| n <= max) {
            // A tally keeps at least `max` of a code in full: none is
            // hollow then, and every one is shown.
            let front = (!self.hollow.is_empty()).then(|| {
                let hollow = self.hollow.iter().map(|h| (h.code, h.primary));
                (self.before.iter().map(|d| (d.code, d.primary)))
                    .chain(hollow)
                    .collect()
            });
            return (self.into_all(), front);
        }
        // Each one's place, then which list and where in it: unique, so
        // an unstable sort gives the stable order. Only each code's first
        // `max + 1` are sorted (what is shown, and where the summary
        // stands), found by selection: sorting every one was n log n, a
        // twentieth of the run of a design with a finding on every line.
        let mut by_code: Vec<Vec<Key>> = Vec::new();
        let mut add = |code: Code, k: Key| {
            let c = code as usize;
            if by_code.len() <= c {
                by_code.resize_with(Code::ALL.len().max(c + 1), Vec::new);
            }
            if let Some(keys) = by_code.get_mut(c) {
                keys.push(k);
            }
        };
        (self.before.iter().enumerate()).for_each(|(i, d)| add(d.code, key(d.primary, 0, i)));
        (self.placed.iter().enumerate()).for_each(|(i, p)| add(p.code, key(p.primary, 1, i)));
        (self.after.iter().enumerate()).for_each(|(i, d)| add(d.code, key(d.primary, 2, i)));
        (self.hollow.iter().enumerate()).for_each(|(i, h)| add(h.code, key(h.primary, 3, i)));
        // Past the cap, the diagnostics made before and after the checks
        // go apart, in the order of their places.
        let mut past: Vec<Key> = Vec::new();
        let mut order: Vec<Key> = Vec::new();
        for mut keys in by_code {
            if keys.len() > max + 1 {
                keys.select_nth_unstable(max + 1);
                past.extend(keys.drain(max + 1..).filter(|k| k.2 != 1 && k.2 != 3));
            }
            order.append(&mut keys);
        }
        order.sort_unstable();
        // What is shown of those made before the checks, and whether one
        // of them is hollow.
        let mut front = HashSet::new();
        let mut hollow_shown = false;
        let mut lists = [
            self.before.into_iter().map(Some).collect::<Vec<_>>(),
            Vec::new(),
            self.after.into_iter().map(Some).collect::<Vec<_>>(),
        ];
        let mut seen: FxHashMap<Code, usize> = FxHashMap::default();
        let mut shown = Vec::new();
        let mut summaries = Vec::new();
        for k in order {
            let (_, _, list, i) = k;
            let place = match list {
                1 => self.placed.get(i).map(|p| (p.code, p.primary)),
                3 => self.hollow.get(i).map(|h| (h.code, h.primary)),
                _ => (lists.get(list as usize).and_then(|l| l.get(i)))
                    .and_then(Option::as_ref)
                    .map(|d| (d.code, d.primary)),
            };
            let Some((code, primary)) = place else {
                continue;
            };
            let n = seen.entry(code).or_default();
            *n += 1;
            if *n == max + 1 {
                let total = counts.get(&code).copied().unwrap_or(0);
                summaries.push(summary(code, primary, total - max));
            }
            if *n > max {
                past.push(k);
                continue;
            }
            // A diagnostic of the lists before and after the checks'.
            let made =
                (lists.get_mut(list as usize).and_then(|l| l.get_mut(i))).and_then(Option::take);
            match (list, made) {
                (1, _) => shown.extend(self.placed.get(i).map(|p| p.pending())),
                (3, _) => {
                    front.insert((code, primary));
                    hollow_shown = true;
                }
                (_, Some(d)) => {
                    if list == 0 {
                        front.insert((code, primary));
                    }
                    shown.push(d);
                }
                (_, None) => {}
            }
        }
        past.sort_unstable();
        for (_, _, list, i) in past {
            let made =
                (lists.get_mut(list as usize).and_then(|l| l.get_mut(i))).and_then(Option::take);
            apart.extend(made.filter(|d| d.pending.is_none()));
        }
        shown.extend(summaries);
        (shown, hollow_shown.then_some(front))
    }
}

/// Where a candidate sorts: by place, then by the list it is in (0
/// before the checks, 1 placed, 2 after, 3 hollow) and its index there.
type Key = (u32, u32, u8, usize);

/// A candidate's [`Key`].
fn key(primary: Span, list: u8, i: usize) -> Key {
    (primary.start, primary.end, list, i)
}

/// The summary shown at the first of the `rest` findings of `code` that
/// are not shown; it stands for them all, itself among them.
fn summary(code: Code, at: Span, rest: usize) -> Diagnostic {
    let name = code.as_str();
    let mut summary = Diagnostic::new(
        code,
        at,
        text!("{rest} more {name} finding(s) in this file, from here on, are not shown"; "この位置以降、このファイルの {name} の {rest} 件は表示しません"),
    )
    .with_help(Text::new(
        "fix the findings shown and run again, or list them all with `mynaflow check --max-per-code 0`",
        "表示された指摘を直してから、もう一度実行してください。`mynaflow check --max-per-code 0` ですべて表示します",
    ));
    summary.more = rest - 1;
    summary
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::Severity;
    use crate::span::FileId;
    use std::collections::HashMap;

    fn span(start: u32) -> Span {
        Span {
            file: FileId(0),
            start,
            end: start + 1,
        }
    }

    fn at(code: Code, start: u32) -> Diagnostic {
        Diagnostic::new(code, span(start), Text::new("x", "x"))
    }

    fn placed(code: Code, start: u32, finding: usize) -> Placed {
        Placed {
            code,
            primary: span(start),
            finding,
        }
    }

    /// What the cap gave when every finding was a diagnostic in one list:
    /// counted, sorted by place (stably), the first hundred of each code
    /// kept, summaries last.
    fn capped_as_one_list(mut diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
        let mut counts: HashMap<Code, usize> = HashMap::new();
        for d in &diags {
            *counts.entry(d.code).or_default() += d.findings();
        }
        if counts.values().all(|&n| n <= MAX_PER_CODE) {
            return diags;
        }
        diags.sort_by_key(|d| (d.primary.start, d.primary.end));
        let mut seen: HashMap<Code, usize> = HashMap::new();
        let mut summaries = Vec::new();
        diags.retain(|d| {
            let n = seen.entry(d.code).or_default();
            *n += 1;
            if *n == MAX_PER_CODE + 1 {
                let total = counts.get(&d.code).copied().unwrap_or(0);
                summaries.push(summary(d.code, d.primary, total - MAX_PER_CODE));
            }
            *n <= MAX_PER_CODE
        });
        diags.extend(summaries);
        diags
    }

    /// Diagnostics before, findings placed, diagnostics after: many on the
    /// same places, in all three lists, so that ties decide the order.
    fn mixed(findings: u32) -> Candidates {
        let codes = [Code::MN101, Code::MN102, Code::MN402];
        Candidates {
            hollow: Vec::new(),
            before: (0..150)
                .map(|i| at(codes[i as usize % 3], (i * 7) % 90))
                .collect(),
            placed: (0..findings)
                .map(|i| placed(codes[i as usize % 2], (i * 13) % 90, i as usize))
                .collect(),
            after: (0..40)
                .map(|i| at(codes[i as usize % 3], (i * 11) % 90))
                .collect(),
        }
    }

    #[test]
    fn the_cap_of_three_lists_is_the_cap_of_their_concatenation() {
        for findings in [0, 30, 120, 400] {
            let shown = |c: Candidates| -> Vec<String> {
                c.into_capped(MAX_PER_CODE)
                    .iter()
                    .map(|d| format!("{:?} {:?} {:?} {}", d.code, d.primary, d.pending, d.more))
                    .collect()
            };
            let one_list = capped_as_one_list(mixed(findings).into_all());
            let want: Vec<String> = one_list
                .iter()
                .map(|d| format!("{:?} {:?} {:?} {}", d.code, d.primary, d.pending, d.more))
                .collect();
            assert_eq!(shown(mixed(findings)), want, "{findings} findings");
        }
        // The findings kept are those of the first places, in order.
        let kept = mixed(400).into_capped(MAX_PER_CODE);
        let pending: Vec<usize> = kept.iter().filter_map(|d| d.pending).collect();
        assert!(pending.len() >= MAX_PER_CODE, "{}", pending.len());
    }

    /// Candidates in all four lists, many on the same places, each
    /// diagnostic worded with its list and index.
    fn crowded() -> Candidates {
        let codes = [Code::MN101, Code::MN102, Code::MN402];
        let named = |code, start, name: String| {
            Diagnostic::new(code, span(start), Text::new(name.clone(), name))
        };
        Candidates {
            before: (0..150)
                .map(|i| named(codes[i as usize % 3], (i * 7) % 90, format!("b{i}")))
                .collect(),
            hollow: (0..120)
                .map(|i| Hollow::new(codes[i as usize % 3], span((i * 5) % 90)))
                .collect(),
            placed: (0..200)
                .map(|i| placed(codes[i as usize % 2], (i * 13) % 90, i as usize))
                .collect(),
            after: (0..40)
                .map(|i| named(codes[i as usize % 3], (i * 11) % 90, format!("a{i}")))
                .collect(),
        }
    }

    #[test]
    fn the_cap_shows_and_sets_apart_what_one_sort_of_them_all_would() {
        // Every code has more than any of these caps.
        for max in [1, 2, 5, 30, 100] {
            let c = crowded();
            // Every one, sorted by place, then list (before, placed,
            // after, hollow) and index; walked in that order.
            let mut all: Vec<(Key, Code, String)> = Vec::new();
            let word = |d: &Diagnostic| d.message.get(crate::text::Lang::En).to_string();
            all.extend(
                (c.before.iter().enumerate()).map(|(i, d)| (key(d.primary, 0, i), d.code, word(d))),
            );
            all.extend(
                (c.placed.iter().enumerate())
                    .map(|(i, p)| (key(p.primary, 1, i), p.code, format!("p{}", p.finding))),
            );
            all.extend(
                (c.after.iter().enumerate()).map(|(i, d)| (key(d.primary, 2, i), d.code, word(d))),
            );
            all.extend(
                (c.hollow.iter().enumerate())
                    .map(|(i, h)| (key(h.primary, 3, i), h.code, format!("h{i}"))),
            );
            all.sort_by_key(|(k, _, _)| *k);
            let mut seen: HashMap<Code, usize> = HashMap::new();
            let (mut want_shown, mut want_apart, mut summaries) = (vec![], vec![], vec![]);
            for ((start, _, list, _), code, name) in all {
                let n = seen.entry(code).or_default();
                *n += 1;
                if *n == max + 1 {
                    summaries.push(format!("{code:?} {start} summary"));
                }
                match (*n > max, list) {
                    (true, 0 | 2) => want_apart.push(name),
                    (true, _) | (false, 3) => {}
                    (false, _) => want_shown.push(format!("{code:?} {start} {name}")),
                }
            }
            want_shown.extend(summaries);
            let mut apart = Vec::new();
            let shown: Vec<String> = (c.into_capped_apart(max, &mut apart).iter())
                .map(|d| match d.pending {
                    Some(f) => format!("{:?} {} p{f}", d.code, d.primary.start),
                    None if word(d).contains("not shown") => {
                        format!("{:?} {} summary", d.code, d.primary.start)
                    }
                    None => format!("{:?} {} {}", d.code, d.primary.start, word(d)),
                })
                .collect();
            assert_eq!(shown, want_shown, "max {max}");
            let apart: Vec<String> = apart.iter().map(word).collect();
            assert_eq!(apart, want_apart, "max {max}");
        }
    }

    #[test]
    fn the_places_are_those_of_every_one_in_order() {
        for findings in [0, 30, 400] {
            let all: Vec<(Code, Span)> = (mixed(findings).into_all().iter())
                .map(|d| (d.code, d.primary))
                .collect();
            assert_eq!(mixed(findings).places(), all, "{findings} findings");
        }
    }

    #[test]
    fn under_the_cap_every_one_is_kept_in_the_order_made() {
        let c = Candidates {
            hollow: Vec::new(),
            before: vec![at(Code::MN010, 50)],
            placed: vec![placed(Code::MN101, 10, 3), placed(Code::MN102, 5, 7)],
            after: vec![at(Code::MN503, 0)],
        };
        let all: Vec<(Code, Option<usize>)> = c
            .into_capped(MAX_PER_CODE)
            .iter()
            .map(|d| (d.code, d.pending))
            .collect();
        assert_eq!(
            all,
            [
                (Code::MN010, None),
                (Code::MN101, Some(3)),
                (Code::MN102, Some(7)),
                (Code::MN503, None)
            ]
        );
    }

    #[test]
    fn the_cap_shows_a_hundred_per_code_and_totals_count_them_all() {
        let mut c = Candidates {
            placed: (0..250)
                .map(|i| placed(Code::MN101, i, i as usize))
                .collect(),
            ..Candidates::default()
        };
        c.placed
            .extend((0..30).map(|i| placed(Code::MN102, 1000 + i, 250 + i as usize)));
        // A summary from an earlier stage, standing for 500 findings.
        let mut flood: Vec<Diagnostic> = (0..=MAX_PER_CODE as u32)
            .map(|i| at(Code::MN004, 2000 + i))
            .collect();
        if let Some(last) = flood.last_mut() {
            last.more = 500 - MAX_PER_CODE - 1;
        }
        c.before = flood;
        let diags = c.into_capped(MAX_PER_CODE);
        let shown = |c| diags.iter().filter(|d| d.code == c).count();
        assert_eq!(shown(Code::MN101), MAX_PER_CODE + 1);
        assert_eq!(shown(Code::MN102), 30);
        assert_eq!(shown(Code::MN004), MAX_PER_CODE + 1);
        let total = |c| -> usize {
            diags
                .iter()
                .filter(|d| d.code == c)
                .map(Diagnostic::findings)
                .sum()
        };
        assert_eq!(total(Code::MN101), 250);
        assert_eq!(total(Code::MN102), 30);
        assert_eq!(total(Code::MN004), 500);
        assert_eq!(
            crate::diagnostic::count(&diags, Severity::Error),
            250 + 30 + 500
        );
        let summary = diags
            .iter()
            .find(|d| d.code == Code::MN101 && d.more > 0)
            .map(|d| d.message.get(crate::text::Lang::En).to_string());
        assert_eq!(
            summary.as_deref(),
            Some("150 more MN101 finding(s) in this file, from here on, are not shown")
        );
    }

    #[test]
    fn a_smaller_cap_shows_fewer_and_counts_the_rest_and_none_is_one() {
        let c = || Candidates {
            placed: (0..30)
                .map(|i| placed(Code::MN101, i, i as usize))
                .collect(),
            ..Candidates::default()
        };
        for (max, shown) in [(5, 5), (1, 1), (0, 1), (30, 30), (31, 30)] {
            let diags = c().into_capped(max);
            let findings: Vec<usize> = diags.iter().filter_map(|d| d.pending).collect();
            assert_eq!(findings, (0..shown).collect::<Vec<_>>(), "max {max}");
            let total: usize = diags.iter().map(Diagnostic::findings).sum();
            assert_eq!(total, 30, "max {max}");
            let summaries: Vec<usize> = diags
                .iter()
                .filter(|d| d.pending.is_none())
                .map(|d| d.more + 1)
                .collect();
            let want: Vec<usize> = (shown < 30).then_some(30 - shown).into_iter().collect();
            assert_eq!(summaries, want, "max {max}");
        }
    }

    #[test]
    fn a_placed_finding_is_a_small_fraction_of_a_diagnostic() {
        assert_eq!(size_of::<Placed>(), 24);
        assert!(size_of::<Diagnostic>() >= 10 * size_of::<Placed>());
    }

    #[test]
    fn a_hollow_finding_the_cap_would_show_asks_for_those_shown_in_full() {
        let hollow = |start| Hollow::new(Code::MN002, span(start));
        // 150 MN002: the 100 in full at 50..150, 50 hollow at 0..50 (the
        // cap shows the first hundred by place: fifty of each).
        let c = || Candidates {
            before: (50..150).map(|i| at(Code::MN002, i)).collect(),
            hollow: (0..50).map(hollow).collect(),
            placed: vec![placed(Code::MN101, 3, 0)],
            after: Vec::new(),
        };
        let Err(front) = c().into_shown(MAX_PER_CODE) else {
            panic!("a hollow one is shown");
        };
        let mut starts: Vec<u32> = front.iter().map(|(_, at)| at.start).collect();
        starts.sort();
        assert_eq!(
            starts,
            (0..100).collect::<Vec<_>>(),
            "those before the checks shown"
        );
        // The hollow ones past the cap: the diagnostics shown, and one
        // summary counting the other fifty.
        let c = Candidates {
            before: (0..100).map(|i| at(Code::MN002, i)).collect(),
            hollow: (100..150).map(hollow).collect(),
            ..c()
        };
        let shown = c.into_shown(MAX_PER_CODE).expect("none hollow shown");
        let summed: usize = (shown.iter())
            .filter(|d| d.code == Code::MN002)
            .map(Diagnostic::findings)
            .sum();
        assert_eq!((shown.len(), summed), (102, 150));
    }

    #[test]
    fn keys_and_retain_see_the_three_lists_in_order() {
        let mut c = Candidates {
            hollow: Vec::new(),
            before: vec![at(Code::MN010, 1)],
            placed: vec![placed(Code::MN101, 2, 0), placed(Code::MN102, 3, 1)],
            after: vec![at(Code::MN503, 4)],
        };
        let keys: Vec<Option<Code>> = (0..5).map(|i| c.key(i).map(|(code, _)| code)).collect();
        assert_eq!(
            keys,
            [
                Some(Code::MN010),
                Some(Code::MN101),
                Some(Code::MN102),
                Some(Code::MN503),
                None
            ]
        );
        let mut asked = Vec::new();
        c.retain(|code, at| {
            asked.push(at.start);
            code != Code::MN101
        });
        assert_eq!(asked, [1, 2, 3, 4]);
        assert_eq!(c.len(), 3);
        assert_eq!(c.placed, [placed(Code::MN102, 3, 1)]);
    }
}
