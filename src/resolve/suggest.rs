//! "Did you mean": the nearest declared name to a misspelling, by Jaro
//! similarity above 0.7 (as [`crate::names::did_you_mean`]), found through
//! an index so that many distinct misspellings do not cost misspellings ×
//! names Jaro comparisons.
//!
//! Jaro similarity is `(m/a + m/b + (m−t)/m) / 3` for `m` matching
//! characters of strings of `a` and `b` characters. `m` is at most the
//! number of characters the two have in common (as multisets), `c`, so
//! `(c/a + c/b + 1) / 3` bounds it from above. A character index gives `c`
//! for every name sharing a character with the misspelling, and Jaro runs
//! only where the bound passes 0.7: the answer is the one a full scan
//! gives. A budget on the work (index entries visited and Jaro comparisons)
//! keeps even adversarial inputs (every name sharing characters with every
//! misspelling) bounded: past it, no more suggestions are made.

use crate::names::key;
use rustc_hash::FxHashMap;

/// Work allowed over one file before suggestions stop, in index entries
/// visited (a Jaro comparison counts as [`JARO_COST`] of them): about a
/// second at most.
const BUDGET: usize = 20_000_000;

/// What one Jaro comparison costs against [`BUDGET`].
const JARO_COST: usize = 50;

/// The threshold above which a name is suggested.
const THRESHOLD: f64 = 0.7;

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

    /// The nearest name to `wanted`, if one is near enough, and whether it
    /// is the only one near enough (then a fix may respell it safely);
    /// `budget` is what is left of the index work allowed, and is spent.
    pub(crate) fn nearest(&self, wanted: &str, budget: &mut usize) -> Option<(&str, bool)> {
        let wanted = key(wanted);
        let wanted_chars: Vec<char> = wanted.chars().collect();
        let a = wanted_chars.len();
        if a == 0 {
            return None;
        }
        let mut common: FxHashMap<u32, u32> = FxHashMap::default();
        for (c, count) in bag(&wanted) {
            let Some(list) = self.postings.get(&c) else {
                continue;
            };
            if *budget < list.len() {
                *budget = 0;
                return None;
            }
            *budget -= list.len();
            for &(i, n) in list {
                *common.entry(i).or_default() += n.min(count);
            }
        }
        let mut hopeful: Vec<u32> = common
            .into_iter()
            .filter(|&(i, c)| {
                let (c, b) = (f64::from(c), self.keys[i as usize].len() as f64);
                (c / a as f64 + c / b + 1.0) / 3.0 > THRESHOLD
            })
            .map(|(i, _)| i)
            .collect();
        hopeful.sort_unstable();
        let cost = hopeful.len().saturating_mul(JARO_COST);
        if *budget < cost {
            *budget = 0;
            return None;
        }
        *budget -= cost;
        let mut best: Option<(f64, usize)> = None;
        let mut near = 0;
        for i in hopeful {
            let i = i as usize;
            // `strsim::jaro` on the same characters, so the same score.
            let score = strsim::generic_jaro(&wanted_chars, &self.keys[i]);
            if score > THRESHOLD {
                near += 1;
                if best.is_none_or(|(b, _)| score > b) {
                    best = Some((score, i));
                }
            }
        }
        best.map(|(_, i)| (self.names[i].as_str(), near == 1))
    }
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
        ];
        for t in tries {
            let mut budget = budget();
            assert_eq!(
                index.nearest(t, &mut budget).map(|(n, _)| n),
                did_you_mean(t, names),
                "{t}"
            );
        }
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

    #[test]
    fn an_exhausted_budget_suggests_nothing() {
        let index = NameIndex::new(&["abc"]);
        let mut budget = 0;
        assert_eq!(index.nearest("abd", &mut budget), None);
    }
}
