//! "Did you mean": the nearest declared name to a misspelling, by Jaro
//! similarity near enough ([`crate::names::near_enough`]: above 0.7, as
//! [`crate::names::did_you_mean`]), or with none
//! that near the one name it abbreviates ([`crate::names::abbreviates`]),
//! found through
//! an index so that many distinct misspellings do not cost misspellings ×
//! names Jaro comparisons.
//!
//! Jaro similarity is `(m/a + m/b + (m−t)/m) / 3` for `m` matching
//! characters of strings of `a` and `b` characters. `m` is at most the
//! number of characters the two have in common (as multisets), `c`, so
//! `(c/a + c/b + 1) / 3` bounds it from above. A character index gives `c`
//! for every name sharing a character with the misspelling, and Jaro runs
//! only where the bound is near enough: the answer is the one a full scan
//! gives. A budget on the work (index entries visited and Jaro comparisons)
//! keeps even adversarial inputs (every name sharing characters with every
//! misspelling) bounded: past it, no more suggestions are made.

use crate::names::key;
use rustc_hash::FxHashMap;

/// Work allowed over one file before suggestions stop, in index entries
/// visited (a Jaro comparison counts as [`JARO_COST`] of them): about a
/// second at most.
const BUDGET: usize = 20_000_000;

/// What one Jaro comparison costs against [`BUDGET`] at least.
const JARO_COST: usize = 50;

/// What a Jaro comparison of names of `a` and `b` characters costs
/// against [`BUDGET`]: for each character of the first, Jaro scans a
/// window of the second as wide as the longer name, `a · max(a, b)` steps,
/// charged an eighth of that (a step is cheaper than an index entry
/// visited), and never less than [`JARO_COST`]: a name of up to about 20
/// characters costs what it did. Charged flat, one comparison of two
/// names of 100 000 characters was 10¹⁰ steps for 50 (a misspelt long
/// name took minutes: the scale audit's D1).
fn jaro_cost(a: usize, b: usize) -> usize {
    JARO_COST.max(a.saturating_mul(a.max(b)) / 8)
}

/// How many of the other names spelled near a misspelling its "did you
/// mean" names, after the nearest.
pub(crate) const ALSO_CLOSE: usize = 2;

/// How a suggested name is like the name written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Likeness {
    /// The only name spelled near it ([`crate::names::near_enough`]): respelling it is
    /// a safe fix, with nothing to choose between.
    OnlyNear,
    /// The nearest of several names spelled near it; the others.
    Nearest(AlsoClose),
    /// None spelled near it; the one name it abbreviates
    /// ([`crate::names::abbreviates`]): a guess, never a fix.
    Abbreviates,
    /// Not looked for: the file's budget of work was spent before this
    /// search could finish (the name answered is empty). Said, so that a
    /// misspelling without a suggestion on a large design is not taken
    /// for one with no close name (the scale audit's D8).
    Unsearched,
}

/// The names spelled near a misspelling besides the nearest, which make a
/// respelling no safe fix: said, so that the reader sees what to choose
/// between.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct AlsoClose {
    /// The nearest of them, at most [`ALSO_CLOSE`]: the nearer first, and
    /// of two as near the one indexed first (declared first), as the
    /// nearest is chosen.
    pub(crate) names: Vec<String>,
    /// How many there are, those named with the rest.
    pub(crate) count: usize,
}

/// The names of one kind, indexed by character.
pub(crate) struct NameIndex {
    names: Vec<String>,
    /// Each name's key as characters: Jaro walks the second string once
    /// for each character of the first, and over a `str` each walk
    /// decoded its UTF-8 again (two fifths of a design with many
    /// misspellings went to that).
    keys: Vec<Vec<char>>,
    /// Character → (name, how many times it occurs in the name's key).
    postings: FxHashMap<char, Vec<(u32, u32)>>,
}

impl NameIndex {
    /// Indexes `names` (in their order, which breaks ties).
    pub(crate) fn new<S: AsRef<str>>(names: &[S]) -> NameIndex {
        let mut postings: FxHashMap<char, Vec<(u32, u32)>> = FxHashMap::default();
        let mut keys = Vec::with_capacity(names.len());
        for (i, n) in names.iter().enumerate() {
            let k = key(n.as_ref());
            for (c, count) in bag(&k) {
                postings.entry(c).or_default().push((i as u32, count));
            }
            keys.push(k.chars().collect());
        }
        NameIndex {
            names: names.iter().map(|n| n.as_ref().to_string()).collect(),
            keys,
            postings,
        }
    }

    /// The nearest name to `wanted`, if one is near enough (or the one it
    /// abbreviates), and how it is like it; `budget` is what is left of
    /// the index work allowed, and is spent. A search that goes over it
    /// answers [`Likeness::Unsearched`] (with an empty name), and leaves
    /// nothing for the next.
    pub(crate) fn nearest(&self, wanted: &str, budget: &mut usize) -> Option<(&str, Likeness)> {
        match self.search(wanted, *budget) {
            Searched::Within { cost, found } => {
                *budget -= cost;
                found.map(|(i, like)| (self.name(i), like))
            }
            Searched::Over => {
                *budget = 0;
                Some(("", Likeness::Unsearched))
            }
        }
    }

    /// Name `i` of the index.
    pub(crate) fn name(&self, i: usize) -> &str {
        self.names.get(i).map_or("", String::as_str)
    }

    /// What [`NameIndex::nearest`] finds for `wanted` with `cap` left to
    /// spend, without spending it: its cost when that is at most `cap`
    /// (the search then finds what it would with any more), or that it
    /// goes over (having done at most about `cap` of work). A search
    /// spends each posting list and then its Jaro comparisons, checking
    /// the budget before each: it completes exactly when its whole cost
    /// is within the budget.
    pub(crate) fn search(&self, wanted: &str, cap: usize) -> Searched {
        let wanted = key(wanted);
        let wanted_chars: Vec<char> = wanted.chars().collect();
        let a = wanted_chars.len();
        if a == 0 {
            return Searched::Within {
                cost: 0,
                found: None,
            };
        }
        let mut spent = 0usize;
        let hopeful = COMMON.with_borrow_mut(|common| {
            let Common { counts, met } = common;
            if counts.len() < self.keys.len() {
                counts.resize(self.keys.len(), 0);
            }
            let mut over = false;
            for (c, count) in bag(&wanted) {
                let Some(list) = self.postings.get(&c) else {
                    continue;
                };
                if cap - spent < list.len() {
                    over = true;
                    break;
                }
                spent += list.len();
                for &(i, n) in list {
                    if let Some(k) = counts.get_mut(i as usize) {
                        // Every count in a list is at least 1: a zero
                        // is a name not met yet.
                        if *k == 0 {
                            met.push(i);
                        }
                        *k += n.min(count);
                    }
                }
            }
            let mut hopeful: Vec<u32> = Vec::new();
            // Names holding every character of the misspelling, and
            // longer: those it may abbreviate.
            let mut longer: Vec<u32> = Vec::new();
            for &i in met.iter() {
                let c = std::mem::take(&mut counts[i as usize]);
                let b = self.keys[i as usize].len();
                if c as usize == a && b > a {
                    longer.push(i);
                }
                let (c, b) = (f64::from(c), b as f64);
                let bound = (c / a as f64 + c / b + 1.0) / 3.0;
                if !over && crate::names::near_enough(bound, a, b as usize) {
                    hopeful.push(i);
                }
            }
            met.clear();
            (!over).then_some((hopeful, longer))
        });
        let Some((mut hopeful, mut longer)) = hopeful else {
            return Searched::Over;
        };
        hopeful.sort_unstable();
        let cost = (hopeful.iter())
            .map(|&i| jaro_cost(a, self.keys[i as usize].len()))
            .fold(0usize, usize::saturating_add);
        if cap - spent < cost {
            return Searched::Over;
        }
        spent += cost;
        // The nearest names, nearer first and, as near, in index order
        // (each goes after those as near): the suggestion and the others
        // it names. Kept as they are scored, in place, so naming them
        // costs no comparison and no allocation more.
        let mut nearest: [Option<(f64, usize)>; ALSO_CLOSE + 1] = [None; ALSO_CLOSE + 1];
        let mut near = 0;
        for i in hopeful {
            let i = i as usize;
            // `strsim::jaro` on the same characters, so the same score.
            let score = strsim::generic_jaro(&wanted_chars, &self.keys[i]);
            if crate::names::near_enough(score, a, self.keys[i].len()) {
                near += 1;
                let after = |n: &Option<(f64, usize)>| n.is_none_or(|(s, _)| s < score);
                let at = nearest.iter().position(after);
                if let Some(tail) = at.and_then(|at| nearest.get_mut(at..)) {
                    // The last falls out, and comes round to be replaced.
                    tail.rotate_right(1);
                    if let Some(first) = tail.first_mut() {
                        *first = Some((score, i));
                    }
                }
            }
        }
        if let [Some((_, i)), others @ ..] = nearest {
            let like = match near {
                1 => Likeness::OnlyNear,
                _ => Likeness::Nearest(AlsoClose {
                    names: (others.iter().flatten())
                        .map(|&(_, j)| self.name(j).to_string())
                        .collect(),
                    count: near - 1,
                }),
            };
            return Searched::Within {
                cost: spent,
                found: Some((i, like)),
            };
        }
        // None near: the one name it abbreviates, as
        // [`crate::names::abbreviates`] finds it (each test costs a Jaro
        // comparison).
        longer.sort_unstable();
        // Each test walks the longer name once.
        let cost = (longer.iter())
            .map(|&i| JARO_COST.max(self.keys[i as usize].len()))
            .fold(0usize, usize::saturating_add);
        if cap - spent < cost {
            return Searched::Over;
        }
        spent += cost;
        let mut shortened = longer
            .iter()
            .map(|&i| i as usize)
            .filter(|&i| crate::names::abbreviates(&wanted_chars, &self.keys[i]));
        let found = match (shortened.next(), shortened.next()) {
            (Some(i), None) => Some((i, Likeness::Abbreviates)),
            _ => None,
        };
        Searched::Within { cost: spent, found }
    }
}

/// Characters in common with the misspelling being searched, by name: a
/// count per name of the index, all zero between searches, and the names
/// met (counted in a hash map, a search through thousands of names that
/// share characters grew the map again and again).
#[derive(Default)]
struct Common {
    counts: Vec<u32>,
    met: Vec<u32>,
}

thread_local! {
    /// Each thread's [`Common`], kept from search to search.
    static COMMON: std::cell::RefCell<Common> = std::cell::RefCell::default();
}

/// What a search found, before its cost is spent ([`NameIndex::search`]).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Searched {
    /// It cost `cost`, and found the name numbered `found.0`, if any,
    /// like the name written as `found.1` says.
    Within {
        cost: usize,
        found: Option<(usize, Likeness)>,
    },
    /// It would cost more than it was allowed.
    Over,
}

/// The distinct characters of `s` with their counts, in first-seen order.
fn bag(s: &str) -> Vec<(char, u32)> {
    let mut out: Vec<(char, u32)> = Vec::new();
    let mut at: FxHashMap<char, usize> = FxHashMap::default();
    for c in s.chars() {
        match at.get(&c) {
            Some(&i) => out[i].1 += 1,
            None => {
                at.insert(c, out.len());
                out.push((c, 1));
            }
        }
    }
    out
}

/// The starting budget for one run.
pub(crate) fn budget() -> usize {
    BUDGET
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::did_you_mean;

    #[test]
    fn agrees_with_a_full_scan() {
        let names = [
            "被扶養者認定",
            "保険給付",
            "被保険者資格取得",
            "市町村",
            "組合",
            "情報提供NWS",
            "abc",
            "abd",
            "xyz",
            "株式会社 J M D C",
            "課税・非課税情報",
            "住民票関係情報",
            "資格情報",
            "資格関連情報",
            "他者",
        ];
        let index = NameIndex::new(&names);
        let tries = [
            "被扶養認定",
            "全然違う",
            "保険給",
            "市町",
            "組",
            "情報提供NW",
            "abx",
            "bac",
            "zyx",
            "株式会社JMDC",
            "a",
            "",
            "課税情報",
            "住民情報",
            "資格",
            "資格関係",
            "被保険",
            "ab",
            "他社",
            "組織",
            "社他",
        ];
        for t in tries {
            let mut budget = budget();
            assert_eq!(
                index.nearest(t, &mut budget),
                super::super::suggest(t, &names),
                "{t}"
            );
        }
        // The abbreviations among them: suggested, never as the only
        // close name (no fix).
        let mut budget = budget();
        assert_eq!(
            index.nearest("課税情報", &mut budget),
            Some(("課税・非課税情報", Likeness::Abbreviates))
        );
        assert_eq!(did_you_mean("課税情報", names), None);
    }

    #[test]
    fn jaro_on_characters_scores_as_jaro_on_text() {
        let words = [
            "被扶養者認定",
            "被扶養認定",
            "保険給付",
            "株式会社JMDC",
            "株式会社 J M D C",
            "abc",
            "bac",
            "ｱｲｳ",
            "アイウ😀",
            "",
        ];
        for a in words {
            for b in words {
                let (x, y): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
                let by_chars = strsim::generic_jaro(&x, &y);
                assert_eq!(by_chars.to_bits(), strsim::jaro(a, b).to_bits(), "{a} {b}");
            }
        }
    }

    /// Of several close names, the nearest is suggested and the next
    /// two are named, nearer first and, as near, in the order declared,
    /// with how many there are; as a full scan finds them.
    #[test]
    fn the_other_close_names_nearest_first_then_in_order() {
        let names = ["abcy", "abcdx", "xyz", "abcw", "abcz", "abcd"];
        let index = NameIndex::new(&names);
        let like = |t: &str| {
            let mut budget = budget();
            let found = index.nearest(t, &mut budget);
            assert_eq!(found, super::super::suggest(t, &names), "{t}");
            found
        };
        // `abcd` (0.93); then `abcdx` (0.87), then three as near (0.78)
        // in their order.
        assert_eq!(
            like("abcdd"),
            Some((
                "abcd",
                Likeness::Nearest(AlsoClose {
                    names: vec!["abcdx".into(), "abcy".into()],
                    count: 4,
                })
            ))
        );
        // Four as near: the first declared suggested, the next two named.
        assert_eq!(
            like("abc"),
            Some((
                "abcy",
                Likeness::Nearest(AlsoClose {
                    names: vec!["abcw".into(), "abcz".into()],
                    count: 4,
                })
            ))
        );
        // Two close: the other named, and counted.
        let two = NameIndex::new(&["保険料徴収", "保険料還付", "被扶養者認定"]);
        let mut budget = budget();
        assert_eq!(
            two.nearest("保険料徴集", &mut budget),
            Some((
                "保険料徴収",
                Likeness::Nearest(AlsoClose {
                    names: vec!["保険料還付".into()],
                    count: 1,
                })
            ))
        );
    }

    /// A comparison is charged what Jaro costs: two long names, one
    /// character apart, cost their lengths' product, so a misspelt name of
    /// a megabyte goes over the budget at once instead of taking minutes
    /// (the scale audit's D1); short names cost what they did.
    #[test]
    fn a_long_misspelling_is_charged_what_its_comparison_costs() {
        assert_eq!(jaro_cost(12, 20), JARO_COST);
        let long: String = "資格".repeat(10_000);
        let typo = format!("{}X{}", &long[..3 * 9_999], &long[3 * 10_000..]);
        let index = NameIndex::new(&[long.as_str()]);
        match index.search(&typo, usize::MAX) {
            Searched::Within { cost, found } => {
                assert!(cost >= 20_000 * 20_000 / 8, "{cost}");
                assert_eq!(found.map(|(i, _)| i), Some(0));
            }
            Searched::Over => panic!("no cap"),
        }
        assert_eq!(index.search(&typo, budget()), Searched::Over);
    }

    /// With the budget spent, nothing is suggested, and the answer says
    /// the search did not run (not that no name is close).
    #[test]
    fn an_exhausted_budget_suggests_nothing() {
        let index = NameIndex::new(&["abc"]);
        let mut budget = 0;
        assert_eq!(
            index.nearest("abd", &mut budget),
            Some(("", Likeness::Unsearched))
        );
        // A misspelling sharing no character with any name costs nothing.
        assert_eq!(index.nearest("xyz", &mut budget), None);
    }
}
