//! Applying fixes to a file's text without ever corrupting it: a fix is
//! applied whole or not at all, a fix whose edits overlap one already taken
//! is left for the next round, and an edit outside the text or off a
//! character boundary makes its fix unusable. `check --fix` re-checks
//! after each round (every finding kept, none capped) and repeats until
//! nothing more applies (at most [`MAX_ROUNDS`] times).

use crate::diagnostic::Diagnostic;
use crate::fix::{Applicability, Edit, Fix};
use crate::span::FileId;
use crate::tally::Hollow;
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
    /// The edits made, in the order of the old text: what maps a place in
    /// the old text to the new (`check --fix --diff` aligns the two).
    pub taken: Vec<Taken>,
}

/// One edit made: the bytes of the old text it replaced, and how many
/// bytes of the new text replace them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Taken {
    /// The bytes replaced, in the old text.
    pub old: std::ops::Range<usize>,
    /// The length of what replaces them.
    pub new_len: usize,
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
    let found = diags
        .into_iter()
        .map(|d| (d.primary.file, d.fixes.as_slice()));
    first_allowed(found, file, unsafe_too)
}

/// [`fixes_for`] of findings kept as their places, with their fixes
/// (`check --fix`: [`crate::tally::Keep::FixesAndFirst`]).
pub fn fixes_of_places<'a>(
    places: impl IntoIterator<Item = &'a Hollow>,
    file: FileId,
    unsafe_too: bool,
) -> Vec<&'a Fix> {
    let found = places.into_iter().map(|h| (h.primary.file, h.fixes()));
    first_allowed(found, file, unsafe_too)
}

/// The first fix `unsafe_too` allows of each finding in `file`, given
/// as its file and its fixes, whose edits are all in `file`.
fn first_allowed<'a>(
    found: impl Iterator<Item = (FileId, &'a [Fix])>,
    file: FileId,
    unsafe_too: bool,
) -> Vec<&'a Fix> {
    found
        .filter(|&(at, _)| at == file)
        .filter_map(|(_, fixes)| fixes.iter().find(|f| allowed(f, unsafe_too)))
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
    match edited(text, &taken, PART_BYTES) {
        Some(out) => Applied {
            text: out,
            applied,
            deferred,
            taken: (taken.iter())
                .map(|e| Taken {
                    old: e.span.start as usize..e.span.end as usize,
                    new_len: e.content.len(),
                })
                .collect(),
        },
        // Not reached: every piece is a whole character's worth of text
        // or an edit's own text. Were it reached, nothing is applied
        // rather than a text made that is not the design's.
        None => Applied {
            text: text.to_string(),
            applied: 0,
            deferred: deferred + applied,
            taken: Vec::new(),
        },
    }
}

/// About how many bytes of the old text each part of a new text is
/// built from.
const PART_BYTES: usize = 4 << 20;

/// `text` with `taken` (sorted, none overlapping, each on character
/// boundaries) made, built in parts of about `part` bytes of `text` on
/// every core: a large design's new text was written on one core (at 1M
/// `contractors`, 133 MB with 26 000 fixes in 131 ms). None if the
/// pieces did not make UTF-8.
fn edited(text: &str, taken: &[&Edit], part: usize) -> Option<String> {
    use rayon::prelude::*;
    let parts = parts(text.len(), taken, part);
    let mut out = vec![0u8; parts.iter().map(|p| p.len).sum()];
    let mut slots = Vec::with_capacity(parts.len());
    let mut rest = out.as_mut_slice();
    for p in &parts {
        let (slot, after) = rest.split_at_mut_checked(p.len)?;
        slots.push(slot);
        rest = after;
    }
    let text = text.as_bytes();
    let filled = (slots.into_par_iter().zip(&parts)).all(|(slot, p)| {
        fill(
            slot,
            text,
            taken.get(p.edits.clone()).unwrap_or_default(),
            p,
        )
        .is_some()
    });
    if !filled {
        return None;
    }
    crate::source::utf8_owned(out).ok()
}

/// Writes part `p` of the new text into `slot`, exactly filling it: the
/// old text between its edits, and their own text. None if a stretch is
/// not in the text, or the slot is not its length.
fn fill(slot: &mut [u8], text: &[u8], edits: &[&Edit], p: &Part) -> Option<()> {
    let mut at = 0;
    let mut put = |bytes: &[u8]| -> Option<()> {
        slot.get_mut(at..at + bytes.len())?.copy_from_slice(bytes);
        at += bytes.len();
        Some(())
    };
    let mut last = p.from;
    for e in edits {
        let (start, end) = (e.span.start as usize, e.span.end as usize);
        put(text.get(last..start)?)?;
        put(e.content.as_bytes())?;
        last = end;
    }
    put(text.get(last..p.to)?)?;
    (at == slot.len()).then_some(())
}

/// A stretch of the old text and the edits inside it, and the length of
/// what they become.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Part {
    from: usize,
    to: usize,
    edits: std::ops::Range<usize>,
    len: usize,
}

/// `text_len` bytes cut every `part` bytes or so, never inside an edit
/// (a cut inside one moves to its end); an insertion at a cut starts the
/// part after it.
fn parts(text_len: usize, taken: &[&Edit], part: usize) -> Vec<Part> {
    let mut cuts = vec![(0, 0)];
    let mut target = part.max(1);
    while target < text_len {
        let i = taken.partition_point(|e| (e.span.start as usize) < target);
        let at = match i.checked_sub(1).and_then(|j| taken.get(j)) {
            Some(e) if e.span.end as usize > target => e.span.end as usize,
            _ => target,
        };
        if at < text_len && cuts.last().is_some_and(|&(last, _)| at > last) {
            cuts.push((at, i));
        }
        target = at.max(target) + part.max(1);
    }
    cuts.push((text_len, taken.len()));
    (cuts.windows(2))
        .map(|w| {
            let ((from, first), (to, end)) = (w[0], w[1]);
            let edits = taken.get(first..end).unwrap_or_default();
            let removed: usize = edits.iter().map(|e| e.span.range().len()).sum();
            let added: usize = edits.iter().map(|e| e.content.len()).sum();
            Part {
                from,
                to,
                edits: first..end,
                len: (to - from) - removed + added,
            }
        })
        .collect()
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

    /// Built in parts of any size, a new text is the one built whole,
    /// whatever stretch of the text a cut meets: an edit, an insertion at
    /// the cut, a character of several bytes.
    #[test]
    fn a_text_built_in_parts_is_the_text_built_whole() {
        let text = "組合 -> 基幹 : 氏名 for 資格\n".repeat(40);
        let whole = |taken: &[&Edit]| {
            let mut out = String::new();
            let mut last = 0;
            for e in taken {
                out.push_str(&text[last..e.span.start as usize]);
                out.push_str(&e.content);
                last = e.span.end as usize;
            }
            out + &text[last..]
        };
        let fixes = [
            fix(&[(0, 6, "X")]),
            fix(&[(7, 7, "+")]),
            fix(&[(10, 16, "")]),
            fix(&[(100, 302, "長い置き換え")]),
            fix(&[(303, 303, "i")]),
            fix(&[(304, 321, "")]),
            fix(&[(text.len(), text.len(), "end\n")]),
        ];
        let mut taken: Vec<&Edit> = fixes.iter().flat_map(|f| &f.edits).collect();
        taken.sort();
        assert!(taken.iter().all(|e| fits(&text, e)));
        for part in [1, 2, 3, 5, 7, 16, 100, 301, 4096] {
            let cut = parts(text.len(), &taken, part);
            assert_eq!((cut[0].from, cut[cut.len() - 1].to), (0, text.len()));
            assert!(
                cut.windows(2)
                    .all(|w| w[0].to == w[1].from && w[0].edits.end == w[1].edits.start)
            );
            assert_eq!(
                edited(&text, &taken, part).as_deref(),
                Some(whole(&taken).as_str()),
                "{part}"
            );
        }
        // Cut inside a character, with no edit there: still the same text.
        assert_eq!(edited(&text, &[], 1).as_deref(), Some(text.as_str()));
        assert_eq!(edited("", &[], 4).as_deref(), Some(""));
    }

    #[test]
    fn two_insertions_at_one_point_clash() {
        let a = fix(&[(1, 1, "x")]);
        let b = fix(&[(1, 1, "y")]);
        let r = apply("ab", &[&a, &b]);
        assert_eq!((r.applied, r.deferred), (1, 1));
    }
}
