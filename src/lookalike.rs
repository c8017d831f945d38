//! File names that read as a design's but are not taken as one. A folder
//! walk takes a name that ends in `.myna`, in any case
//! ([`crate::input::is_design_name`]); `a.myna ` (a trailing space),
//! `d.myｎa` (a full-width letter), `x.myna` with a zero-width space or a
//! variation selector after it do not end so, and a pull request could
//! add its design under such a name: a reviewer reads `.myna` in the diff
//! while the gate never reads the file. The walk lists them
//! ([`crate::input::Walked::lookalikes`]) and the run says each as a
//! warning ([`crate::withheld::Withheld::lookalikes`]).
//!
//! A name reads as a design's when, as a reader sees it, it ends in
//! `.myna`: the invisible characters taken out (those
//! [`crate::escape::needs_escape`] escapes, and the variation selectors),
//! NFKC, lower case, white space at the end taken off. A backup
//! (`a.myna~`, `a.myna.bak`) reads as what it is, and is not one. Letters
//! of another script that only look Latin (a Cyrillic `а`) are not NFKC's
//! to fold, and are not caught.

use crate::escape::{is_variation_selector, needs_escape, visible};
use crate::input::is_design_name;
use unicode_normalization::UnicodeNormalization;

/// Does the entry named `name` read as a design's though the walk does
/// not take it as one? Cheap for the names of nearly every file: printable
/// ASCII that does not end in a space reads as it is written, and
/// [`is_design_name`] already took `.myna` in any case, so only a name
/// with another byte, or a space at its end, is normalised.
pub fn looks_like_design(name: &str) -> bool {
    if is_design_name(name) {
        return false;
    }
    let b = name.as_bytes();
    if b.iter().all(|c| (b' '..=b'~').contains(c)) && b.last() != Some(&b' ') {
        return false;
    }
    reads_as_design(name)
}

/// Does `s`, as a reader sees it, end in `.myna`?
fn reads_as_design(s: &str) -> bool {
    let read: String = (s.chars().filter(|&c| !invisible(c)))
        .nfkc()
        .filter(|&c| !invisible(c))
        .flat_map(char::to_lowercase)
        .collect();
    read.trim_end().ends_with(".myna")
}

/// Is `c` drawn as nothing: a character [`needs_escape`] escapes, or a
/// variation selector? The one list of them, [`crate::escape`]'s.
fn invisible(c: char) -> bool {
    needs_escape(c) || is_variation_selector(c)
}

/// How a run shows `name`, a name (or path) that [`looks_like_design`]:
/// as [`visible`] shows it, and, from where the part that reads as
/// `.myna` starts, every character but printable ASCII escaped as
/// `\u{ff4e}`, a space and a variation selector too (which [`visible`]
/// leaves), so that a reader sees why the walk did not take it.
pub fn shown(name: &str) -> String {
    // The shortest end of the name that reads as `.myna`: a few
    // characters from the end, looked for only for such a name.
    let start = (name.char_indices().rev().map(|(i, _)| i))
        .find(|&i| name.get(i..).is_some_and(reads_as_design))
        .unwrap_or(name.len());
    let (head, tail) = name.split_at(start);
    let mut out = visible(head).into_owned();
    for c in tail.chars() {
        match c {
            '!'..='~' => out.push(c),
            _ => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The audit's look-alikes read as designs; what the walk takes,
    /// backups and other files do not.
    #[test]
    fn names_that_only_look_like_a_designs_are_told_apart() {
        for name in [
            "a.myna ",
            "d.myｎa",
            "x.myna\u{200b}",
            "y.myna\u{fe0f}",
            "Ｍ．ＭＹＮＡ",
            "健保.myna\u{3000}",
            "e.my\u{200b}na",
            ".myna\t",
        ] {
            assert!(looks_like_design(name), "{name:?}");
        }
        for name in [
            "a.myna",
            "z.MYNA",
            ".myna",
            "notes.txt",
            "a.myna.bak",
            "a.myna~",
            "a.myna.orig",
            "mynaflow.toml",
            "a myna",
            "健保.txt",
            "a.myn",
        ] {
            assert!(!looks_like_design(name), "{name:?}");
        }
    }

    /// The part that reads as `.myna` is shown with what is not plain
    /// ASCII escaped; the rest as every name is shown.
    #[test]
    fn a_lookalike_is_shown_with_what_differs_escaped() {
        assert_eq!(shown("a.myna "), "a.myna\\u{20}");
        assert_eq!(shown("d.myｎa"), "d.my\\u{ff4e}a");
        assert_eq!(shown("x.myna\u{200b}"), "x.myna\\u{200b}");
        assert_eq!(shown("y.myna\u{fe0f}"), "y.myna\\u{fe0f}");
        assert_eq!(
            shown("設計/健保 案.myna\u{3000}"),
            "設計/健保 案.myna\\u{3000}"
        );
        assert_eq!(shown("a\u{202e}b.myna "), "a\\u{202e}b.myna\\u{20}");
        assert_eq!(
            shown("Ｍ．ＭＹＮＡ"),
            "Ｍ\\u{ff0e}\\u{ff2d}\\u{ff39}\\u{ff2e}\\u{ff21}"
        );
    }
}
