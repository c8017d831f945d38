//! What `check --fix --diff` prints: each file's text before its fixes
//! and after them, as a unified diff, nothing written.
//!
//! The rounds of `--fix` apply each round's fixes to the text the last
//! round made, so the diff of the first text and the last has no single
//! list of edits. The start of every line of the first text is followed
//! through each round's edits instead ([`Aligned::follow`]): a line no
//! edit touched is then a place in both texts, which
//! [`crate::fmt::diff`] takes as an anchor. A general line diff of a
//! large design would be quadratic in the lines between two changes far
//! apart; with the anchors, the diff is linear in the file.

use crate::apply_fixes::Taken;
use crate::fmt::diff::{Limits, write_unified};

/// Lines of context around each change: as `fmt --check` prints them.
const CONTEXT: usize = 2;

/// Places of the first text paired with where they are now: the start of
/// every line that the edits so far left in place.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Aligned {
    pairs: Vec<(usize, usize)>,
}

impl Aligned {
    /// Every line start of `text`, each a place in it and in itself.
    pub fn lines_of(text: &str) -> Aligned {
        let starts =
            std::iter::once(0).chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        Aligned {
            pairs: starts.filter(|&i| i < text.len()).map(|i| (i, i)).collect(),
        }
    }

    /// Follows the places through one round's edits, `taken` (in the
    /// order of the text, none overlapping, as
    /// [`crate::apply_fixes::apply`] gives them): a place an edit replaced
    /// is dropped; one at or after an edit's end moves by what the edits
    /// before it added or removed (a line an edit inserts text before
    /// starts after that text).
    pub fn follow(&mut self, taken: &[Taken]) {
        let mut edits = taken.iter().peekable();
        let mut shift: isize = 0;
        self.pairs.retain_mut(|(_, now)| {
            while let Some(e) = edits.next_if(|e| e.old.end <= *now) {
                shift += e.new_len as isize - e.old.len() as isize;
            }
            if edits.peek().is_some_and(|e| e.old.start <= *now) {
                return false;
            }
            match now.checked_add_signed(shift) {
                Some(moved) => {
                    *now = moved;
                    true
                }
                None => false,
            }
        });
    }

    /// The places, as pairs of byte offsets (in the first text, in the
    /// text now).
    pub fn pairs(&self) -> &[(usize, usize)] {
        &self.pairs
    }
}

/// Writes to `out` the unified diff from `before` to `after` headed with
/// `name` (already made printable), aligned at `aligned`'s places; nothing
/// when the texts are equal.
pub fn write(
    out: &mut impl std::fmt::Write,
    name: &str,
    before: &str,
    after: &str,
    aligned: &Aligned,
) -> std::fmt::Result {
    write_unified(
        out,
        Limits::DEFAULT,
        name,
        before,
        after,
        aligned.pairs(),
        CONTEXT,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apply_fixes::Taken;

    fn taken(start: usize, end: usize, new_len: usize) -> Taken {
        Taken {
            old: start..end,
            new_len,
        }
    }

    #[test]
    fn every_line_start_is_a_place() {
        let a = Aligned::lines_of("a\nbb\n\nc");
        assert_eq!(a.pairs(), &[(0, 0), (2, 2), (5, 5), (6, 6)]);
        // No place past the end of a text ending in a newline.
        assert_eq!(Aligned::lines_of("a\n").pairs(), &[(0, 0)]);
        assert!(Aligned::lines_of("").pairs().is_empty());
    }

    #[test]
    fn places_follow_edits_and_replaced_ones_drop() {
        // "aa\nbb\ncc\ndd\n": line starts 0, 3, 6, 9.
        let mut a = Aligned::lines_of("aa\nbb\ncc\ndd\n");
        // "bb" -> "b" (3..5, 1 byte), then a line inserted before "dd".
        a.follow(&[taken(3, 5, 1), taken(9, 9, 4)]);
        // The line "bb" began at the replaced byte 3: dropped. "cc" moves
        // back one; "dd" moves past the inserted line.
        assert_eq!(a.pairs(), &[(0, 0), (6, 5), (9, 12)]);
        // A second round edits the text the first made: "cc" (now at 5)
        // removed whole.
        a.follow(&[taken(5, 8, 0)]);
        assert_eq!(a.pairs(), &[(0, 0), (9, 9)]);
    }

    #[test]
    fn the_diff_of_fixed_text_shows_only_the_change() {
        let before = "actor A\nactor B\nflow A -> B : x for p\n";
        let after = "actor A\nactor B\nflow B -> A : x for p\n";
        let mut a = Aligned::lines_of(before);
        a.follow(&[taken(21, 27, 6)]);
        let mut out = String::new();
        write(&mut out, "d.myna", before, after, &a).unwrap();
        assert!(out.starts_with("--- d.myna\n+++ d.myna\n"), "{out}");
        assert!(out.contains("-flow A -> B : x for p\n+flow B -> A : x for p\n"));
        let mut same = String::new();
        write(
            &mut same,
            "d.myna",
            before,
            before,
            &Aligned::lines_of(before),
        )
        .unwrap();
        assert!(same.is_empty());
    }
}
