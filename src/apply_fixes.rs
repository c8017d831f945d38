//! Applying fixes to a file's text without ever corrupting it: a fix is
//! applied whole or not at all, a fix whose edits overlap one already taken
//! is left for the next round, and an edit outside the text or off a
//! character boundary makes its fix unusable. `check --fix` re-checks
//! after each round (every finding kept, none capped) and repeats until
//! nothing more applies (at most [`MAX_ROUNDS`] times).

use crate::diagnostic::Diagnostic;
use crate::fix::{Applicability, Edit, Fix};
use crate::span::FileId;
use std::collections::BTreeMap;

/// How many apply-and-recheck rounds `check --fix` runs at most: fixes
/// can uncover or unblock others, but never loop forever.
pub const MAX_ROUNDS: usize = 10;

/// The result of one round over one file.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Applied {
    /// The new text (equal to the old when nothing applied).
    pub text: String,
    /// How many fixes were applied.
    pub applied: usize,
    /// How many were left out because they overlap an applied one.
    pub deferred: usize,
}

/// Which fixes a run may apply: safe ones, or unsafe ones too.
pub fn allowed(fix: &Fix, unsafe_too: bool) -> bool {
    fix.applicability == Applicability::Safe || unsafe_too
}

/// The first fix of each diagnostic in `file` that `unsafe_too` allows.
pub fn fixes_for<'a>(
    diags: impl IntoIterator<Item = &'a Diagnostic>,
    file: FileId,
    unsafe_too: bool,
) -> Vec<&'a Fix> {
    diags
        .into_iter()
        .filter(|d| d.primary.file == file)
        .filter_map(|d| d.fixes.iter().find(|f| allowed(f, unsafe_too)))
        .filter(|f| f.edits.iter().all(|e| e.span.file == file))
        .collect()
}

/// Applies the non-overlapping ones of `fixes` to `text`, taking them in
/// order of their first edit; the others are counted as deferred.
pub fn apply(text: &str, fixes: &[&Fix]) -> Applied {
    let mut order: Vec<&Fix> = fixes
        .iter()
        .copied()
        .filter(|f| !f.edits.is_empty() && f.edits.iter().all(|e| fits(text, e)))
        .collect();
    order.sort_by(|a, b| a.edits.cmp(&b.edits));
    order.dedup_by(|a, b| a.edits == b.edits);
    let mut taken: Vec<&Edit> = Vec::new();
    let (mut applied, mut deferred) = (0, 0);
    // Overlap is tested against a sorted index of the taken ranges, so a
    // file with many fixes costs n log n, not n².
    let mut index: BTreeMap<(u32, u32), ()> = BTreeMap::new();
    for fix in order {
        let clash = fix.edits.iter().any(|e| overlaps(&index, e));
        if clash {
            deferred += 1;
            continue;
        }
        for e in &fix.edits {
            index.insert((e.span.start, e.span.end), ());
            taken.push(e);
        }
        applied += 1;
    }
    taken.sort();
    let mut out = String::with_capacity(text.len());
    let mut last = 0usize;
    for e in taken {
        let (start, end) = (e.span.start as usize, e.span.end as usize);
        out.push_str(&text[last..start]);
        out.push_str(&e.content);
        last = end;
    }
    out.push_str(&text[last..]);
    Applied {
        text: out,
        applied,
        deferred,
    }
}

/// Is the edit inside the text and on character boundaries?
fn fits(text: &str, e: &Edit) -> bool {
    let (s, t) = (e.span.start as usize, e.span.end as usize);
    s <= t && t <= text.len() && text.is_char_boundary(s) && text.is_char_boundary(t)
}

/// Does `e` overlap a taken range? Two edits starting at one point clash
/// too (the order of two insertions would be a guess). Taken ranges never
/// overlap, so their ends grow with their starts and the scan back from
/// `e`'s end stops at the first range that ends before `e` starts.
fn overlaps(index: &BTreeMap<(u32, u32), ()>, e: &Edit) -> bool {
    let (s, t) = (e.span.start, e.span.end);
    index
        .range(..=(t, u32::MAX))
        .rev()
        .take_while(|((_, b), _)| *b >= s)
        .any(|(&(a, b), _)| (a < t && s < b) || a == s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::Span;
    use crate::text::Text;

    fn fix(edits: &[(usize, usize, &str)]) -> Fix {
        Fix::safe(
            Text::same("f"),
            edits
                .iter()
                .map(|&(s, e, c)| Edit {
                    span: Span::new(FileId(0), s, e),
                    content: c.to_string(),
                })
                .collect(),
        )
    }

    #[test]
    fn applies_disjoint_and_defers_overlapping() {
        let a = fix(&[(0, 1, "X")]);
        let b = fix(&[(0, 2, "YY")]);
        let c = fix(&[(3, 3, "!")]);
        let r = apply("abcd", &[&a, &b, &c]);
        assert_eq!(r.text, "Xbc!d");
        assert_eq!((r.applied, r.deferred), (2, 1));
    }

    #[test]
    fn never_cuts_a_character() {
        let bad = fix(&[(1, 2, "x")]);
        let r = apply("日本", &[&bad]);
        assert_eq!(r.text, "日本");
        assert_eq!(r.applied, 0);
        let out_of_range = fix(&[(5, 90, "x")]);
        assert_eq!(apply("ab", &[&out_of_range]).applied, 0);
    }

    #[test]
    fn a_deletion_next_to_an_insertion_is_fine() {
        let a = fix(&[(0, 2, "")]);
        let b = fix(&[(2, 2, "+")]);
        assert_eq!(apply("abcd", &[&a, &b]).text, "+cd");
    }

    #[test]
    fn two_insertions_at_one_point_clash() {
        let a = fix(&[(1, 1, "x")]);
        let b = fix(&[(1, 1, "y")]);
        let r = apply("ab", &[&a, &b]);
        assert_eq!((r.applied, r.deferred), (1, 1));
    }
}
