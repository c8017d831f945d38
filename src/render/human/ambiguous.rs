//! East Asian ambiguous-width characters (Unicode EAW "A": `①`, `△`, `※`,
//! `○`, `→`, `×`) under a terminal that draws them two columns wide.
//!
//! Most terminals draw them one column wide, as codespan counts them; a
//! terminal set to "ambiguous = wide" (Windows Terminal with a CJK font,
//! iTerm2's "Treat ambiguous-width characters as double width", mlterm,
//! PuTTY's CJK setting, VTE's `cjk-ambiguous-width`) draws them two, and
//! the carets after one would stand a column short. Nothing a program can
//! read says which (the locale does not: `LANG=ja_JP.UTF-8` is as common
//! under terminals that draw them narrow, which is why go-runewidth users
//! such as tcell stopped following it), so the user says it:
//! `MYNAFLOW_AMBIGUOUS_WIDTH=wide`, as Vim's `ambiwidth=double` or
//! WezTerm's `treat_east_asian_ambiguous_width_as_wide` do.
//!
//! Under it, each such character of a file drawn is followed, in the text
//! codespan is given, by pads (`PAD`) that codespan counts one column each
//! (`char::width_cjk` less `char::width` of them: unicode-width counts an
//! ambiguous letter, Greek `α` or Cyrillic `д`, one column even so, and so
//! does this), and which the writer
//! drops (`stand_ins::Restorer`): the carets under and after it
//! count the columns the terminal draws. The pads move the offsets after
//! them, so spans are moved through `Padded::map` and the columns the
//! header shows moved back through `Padded::unmap` (they stay counted in
//! characters, as every other format counts them). A character that
//! begins an emoji sequence (a VS15, a VS16 or a skin-tone modifier after
//! it) is left as the stand-ins count it: how a terminal that
//! draws ambiguous characters wide draws such a sequence is its own.

use super::stand_ins::{VS15_STAND_IN, VS16_STAND_IN};
use unicode_width::UnicodeWidthChar;

/// The environment variable that says how the terminal draws an
/// ambiguous-width character: `wide` (two columns) or `narrow` (one, the
/// default, as any other value).
pub const VARIABLE: &str = "MYNAFLOW_AMBIGUOUS_WIDTH";

/// How many columns the terminal draws an East Asian ambiguous-width
/// character in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AmbiguousWidth {
    /// One column, as most terminals draw them (and codespan counts).
    #[default]
    Narrow,
    /// Two columns (`MYNAFLOW_AMBIGUOUS_WIDTH=wide`).
    Wide,
}

impl AmbiguousWidth {
    /// The width [`VARIABLE`] asks for: `wide` (in any case) is
    /// [`AmbiguousWidth::Wide`], anything else or nothing narrow.
    pub fn from_env() -> AmbiguousWidth {
        AmbiguousWidth::of(std::env::var(VARIABLE).ok().as_deref())
    }

    /// The width a value of [`VARIABLE`] asks for.
    pub fn of(value: Option<&str>) -> AmbiguousWidth {
        match value.map(str::trim) {
            Some(v) if v.eq_ignore_ascii_case("wide") => AmbiguousWidth::Wide,
            _ => AmbiguousWidth::Narrow,
        }
    }
}

/// What codespan is given after an ambiguous-width character for each
/// column a wide terminal adds: a character it counts one column wide,
/// and one [`crate::escape::needs_escape`] (written in a design, it is
/// escaped before pads are put in, so every one the writer sees is a pad).
pub(super) const PAD: char = '\u{fffb}';

/// The columns a wide terminal draws `c` in beyond those codespan counts.
fn added(c: char) -> usize {
    c.width_cjk()
        .unwrap_or(0)
        .saturating_sub(c.width().unwrap_or(0))
}

/// Does `next` (the character after a base) make the two an emoji
/// sequence, which [`super::stand_ins`] counts?
fn extends(next: Option<char>) -> bool {
    matches!(
        next,
        Some('\u{fe0e}' | '\u{fe0f}' | '\u{1f3fb}'..='\u{1f3ff}' | VS15_STAND_IN | VS16_STAND_IN)
    )
}

/// The ambiguous-width characters of `text` a wide terminal draws wider
/// than codespan counts them: offset just past each, and the columns it adds.
fn widened(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut chars = text.char_indices().peekable();
    std::iter::from_fn(move || {
        while let Some((at, c)) = chars.next() {
            let n = added(c);
            if n > 0 && !extends(chars.peek().map(|&(_, c)| c)) {
                return Some((at + c.len_utf8(), n));
            }
        }
        None
    })
}

/// Does `text` hold a character a wide terminal draws wider than codespan
/// counts it?
pub(super) fn any(text: &str) -> bool {
    // ASCII is never ambiguous: a line of it is passed over by the byte.
    !text.is_ascii() && widened(text).next().is_some()
}

/// A text with [`PAD`]s after its ambiguous-width characters, and where
/// they moved each offset.
#[derive(Debug)]
pub(super) struct Padded {
    /// The text given to codespan.
    pub(super) text: String,
    /// For each padded character: the offset just past it (in the text
    /// before) and the bytes added up to there, pads included. Sorted.
    shifts: Vec<(usize, usize)>,
}

impl Padded {
    /// `text` padded, or None when nothing in it is (linear in `text`).
    pub(super) fn of(text: &str) -> Option<Padded> {
        let mut found = widened(text).peekable();
        found.peek()?;
        let mut out = String::with_capacity(text.len() + 64);
        let mut shifts = Vec::new();
        let mut from = 0;
        for (end, n) in found {
            out.push_str(text.get(from..end).unwrap_or_default());
            out.extend(std::iter::repeat_n(PAD, n));
            shifts.push((end, out.len() - end));
            from = end;
        }
        out.push_str(text.get(from..).unwrap_or_default());
        Some(Padded { text: out, shifts })
    }

    /// The offset in [`Padded::text`] of `offset` (a character boundary
    /// of the text before): past the pads of a character that ends there,
    /// so a span that ends with the character takes its pads, and one that
    /// starts after it does not.
    pub(super) fn map(&self, offset: usize) -> usize {
        let n = self.shifts.partition_point(|&(end, _)| end <= offset);
        offset + n.checked_sub(1).map_or(0, |i| self.shifts[i].1)
    }

    /// The offset in the text before of `offset` in [`Padded::text`] (an
    /// offset among a character's pads is the character's end).
    pub(super) fn unmap(&self, offset: usize) -> usize {
        let n = self
            .shifts
            .partition_point(|&(end, grew)| end + grew <= offset);
        let before = offset - n.checked_sub(1).map_or(0, |i| self.shifts[i].1);
        // Past the end of the next padded character: among its pads.
        match self.shifts.get(n) {
            Some(&(end, _)) => before.min(end),
            None => before,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The value of the variable: `wide` in any case, else narrow.
    #[test]
    fn wide_only_when_asked() {
        assert_eq!(AmbiguousWidth::of(Some("wide")), AmbiguousWidth::Wide);
        assert_eq!(AmbiguousWidth::of(Some(" WIDE ")), AmbiguousWidth::Wide);
        for v in [None, Some(""), Some("narrow"), Some("2"), Some("wdie")] {
            assert_eq!(AmbiguousWidth::of(v), AmbiguousWidth::Narrow, "{v:?}");
        }
    }

    /// The pad is counted one column both ways, escaped wherever a design
    /// holds one, and no ambiguous character itself.
    #[test]
    fn the_pad_counts_one_column_and_is_escaped() {
        assert_eq!(PAD.width(), Some(1));
        assert_eq!(PAD.width_cjk(), Some(1));
        assert!(crate::escape::needs_escape(PAD));
        assert!(super::super::stand_ins::may_stand_in(
            PAD.to_string().as_bytes()[0]
        ));
    }

    /// ① (three bytes) and × (two) are padded, one pad each; ASCII, kana,
    /// kanji and full-width letters are not (codespan already counts them
    /// as drawn), nor an ambiguous letter (α: `width_cjk` counts it one
    /// column); an emoji sequence's base is left to the stand-ins.
    #[test]
    fn ambiguous_characters_are_padded_once() {
        let text = "①a×b α 漢ＡかＢ ☎\u{fe0f} ※";
        let p = Padded::of(text).expect("padded");
        let pad = PAD.to_string();
        assert_eq!(
            p.text,
            format!("①{pad}a×{pad}b α 漢ＡかＢ ☎\u{fe0f} ※{pad}")
        );
        assert!(Padded::of("abc 漢字 かな ＡＢ").is_none());
        assert!(!any("abc 漢字"));
        assert!(any("※"));
    }

    /// A span over an ambiguous character takes its pads; one after it
    /// starts past them; every boundary maps back to itself, and an offset
    /// among pads to the character's end.
    #[test]
    fn offsets_move_past_the_pads_and_back() {
        let text = "x①y①①z";
        let p = Padded::of(text).expect("padded");
        let pad = PAD.len_utf8();
        for (i, _) in text.char_indices().chain([(text.len(), ' ')]) {
            let m = p.map(i);
            assert_eq!(p.unmap(m), i, "{i}");
            assert!(p.text.is_char_boundary(m));
        }
        // x (0..1) stays; ① (1..4) ends past its pad; y starts there.
        assert_eq!((p.map(0), p.map(1), p.map(4)), (0, 1, 4 + pad));
        assert_eq!(&p.text[p.map(4)..p.map(5)], "y");
        assert_eq!(&p.text[p.map(1)..p.map(4)], format!("①{PAD}"));
        assert_eq!(p.unmap(4 + 1), 4);
    }
}
