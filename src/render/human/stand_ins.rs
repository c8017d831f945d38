//! What codespan is given for the characters of an emoji sequence it would
//! count in other columns than a terminal draws, and how the writer turns
//! them back.
//!
//! codespan counts the columns under a line one character at a time
//! (`UnicodeWidthChar`); a terminal draws an emoji sequence as one picture,
//! as `UnicodeWidthStr` counts it (but for a VS16 before a skin-tone
//! modifier, which it counts as a picture of its own: [`drawn`]). They
//! differ where a character changes how the one before it is drawn:
//!
//! | sequence | codespan | terminal |
//! |---|---|---|
//! | `☎️` U+260E VS16 (U+FE0F), `1️⃣` 1 VS16 U+20E3 | 1 | 2 |
//! | `👍🏽` U+1F44D U+1F3FD (a skin-tone modifier) | 4 | 2 |
//! | `☝🏻` U+261D U+1F3FB (a base drawn one column alone) | 3 | 2 |
//! | `☝️🏻` U+261D VS16 U+1F3FB, `👍️🏽` U+1F44D VS16 U+1F3FD | 3, 4 | 2 |
//! | `⌚︎` U+231A VS15 (U+FE0E), `👍︎` U+1F44D VS15 | 2 | 1 |
//!
//! (`☎︎` U+260E VS15 is one column both ways, a flag, two regional
//! indicators, two; a ZWJ sequence is escaped, MN004, so its emoji are
//! drawn one by one, as codespan counts them.) The carets after such a
//! sequence would stand a column or two off. So the characters of the
//! sequence whose own count is not what they add are given to codespan as
//! stand-ins counted as they should be, each in as many bytes as the
//! character it stands for (no offset moves): a VS16, or a modifier after
//! a wide emoji or one a VS16 made wide; where that cannot be (a VS15
//! takes a column away, and no stand-in of four bytes counts one column),
//! the base, counted zero, and the character after it, counted the
//! columns of both. The writer
//! ([`Restorer`]) writes the characters back:
//!
//! - VS16 counted one column: U+FFF9 ([`VS16_STAND_IN`]);
//! - VS15 counted one column: U+FFFA ([`VS15_STAND_IN`]);
//! - a character of U+1F000–U+1FFFF counted zero: the tag or unassigned
//!   code point at the same offset from U+E0000 (`👍` U+1F44D: U+E044D);
//! - a character of U+2000–U+2FFF counted zero: three control characters,
//!   the hex digits of its offset from U+2000 (codespan counts a control
//!   character zero columns).
//!
//! Every stand-in is a character [`crate::escape::needs_escape`]: one written
//! in a design is escaped before stand-ins are put in, and one in a message
//! never gets to the writer unescaped, so every one the writer sees is a
//! stand-in.

use crate::escape::needs_escape;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// What codespan is given for a VS16 that makes the character before it
/// two columns wide: a character it counts one column wide.
pub(super) const VS16_STAND_IN: char = '\u{fff9}';

/// What codespan is given for a VS15 after a base given as a stand-in
/// counted zero: a character it counts one column wide, the sequence's.
pub(super) const VS15_STAND_IN: char = '\u{fffa}';

/// The first of the characters that stand for U+1F000–U+1FFFF counted
/// zero: tags and unassigned code points, default-ignorable (zero
/// columns) and escaped, bar the ideographic variation selectors
/// (U+E0100–U+E01EF), which stand for nothing.
const HIDDEN: u32 = 0xe0000;

/// The first of the characters [`HIDDEN`] stands for.
const HIDDEN_FOR: u32 = 0x1f000;

/// The first of the characters that three control characters stand for.
const DIGITS_FOR: u32 = 0x2000;

/// A sequence of more characters than this (a base and its selectors and
/// modifiers) is left as codespan counts it: each of its beginnings is
/// measured, so a long run would cost the square of its length.
const MAX_SEQUENCE: usize = 8;

/// Does `c` change how the character before it is drawn, in a way
/// codespan does not count: a VS15, a VS16 or a skin-tone modifier?
fn is_extender(c: char) -> bool {
    matches!(c, '\u{fe0e}' | '\u{fe0f}' | '\u{1f3fb}'..='\u{1f3ff}')
}

/// A character codespan is given in place of another, in as many bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum StandIn {
    /// One character.
    Char(char),
    /// Three control characters (for a character of U+2000–U+2FFF).
    Digits([u8; 3]),
}

impl StandIn {
    /// The stand-in that codespan counts `columns` wide for `c`, if there
    /// is one.
    fn of(c: char, columns: usize) -> Option<StandIn> {
        match (c, columns) {
            ('\u{fe0f}', 1) => Some(StandIn::Char(VS16_STAND_IN)),
            ('\u{fe0e}', 1) => Some(StandIn::Char(VS15_STAND_IN)),
            (_, 0) => match u32::from(c) {
                cp @ HIDDEN_FOR..=0x1ffff => char::from_u32(cp - HIDDEN_FOR + HIDDEN)
                    .filter(|&h| needs_escape(h))
                    .map(StandIn::Char),
                cp @ DIGITS_FOR..=0x2fff => {
                    let v = cp - DIGITS_FOR;
                    Some(StandIn::Digits(
                        [v >> 8, (v >> 4) & 0xf, v & 0xf].map(digit),
                    ))
                }
                _ => None,
            },
            _ => None,
        }
    }

    /// Appends the stand-in to `out`.
    fn push_to(self, out: &mut String) {
        match self {
            StandIn::Char(c) => out.push(c),
            StandIn::Digits(d) => d.into_iter().for_each(|b| out.push(char::from(b))),
        }
    }
}

/// The control character written for the hex digit `v` (below 16):
/// U+0001–U+0008, then U+000E–U+0015, leaving out tab, the line breaks
/// and escape.
fn digit(v: u32) -> u8 {
    // `v` is below 16, so the sum is below 0x16.
    let v = (v & 0xf) as u8;
    if v < 8 { 0x01 + v } else { 0x0e + (v - 8) }
}

/// The hex digit a control character of [`digit`] stands for.
fn digit_value(b: u8) -> Option<u32> {
    match b {
        0x01..=0x08 => Some(u32::from(b - 0x01)),
        0x0e..=0x15 => Some(u32::from(b - 0x0e) + 8),
        _ => None,
    }
}

/// The VS15s, VS16s and skin-tone modifiers of `text`, with their offsets,
/// in order. Each is found by its first bytes (two searches, each a pass
/// over the text), which start with a lead byte: always at a character.
fn extenders(text: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    // U+FE00–U+FE3F, and U+1F3C0–U+1F3FF.
    let bytes = text.as_bytes();
    let mut selectors = memchr::memmem::find_iter(bytes, b"\xef\xb8").peekable();
    let mut modifiers = memchr::memmem::find_iter(bytes, b"\xf0\x9f\x8f").peekable();
    std::iter::from_fn(
        move || match (selectors.peek().copied(), modifiers.peek().copied()) {
            (Some(s), Some(m)) if s < m => selectors.next(),
            (Some(_), None) => selectors.next(),
            _ => modifiers.next(),
        },
    )
    .filter_map(|at| {
        let c = text.get(at..)?.chars().next()?;
        is_extender(c).then_some((at, c))
    })
}

/// The stand-ins that make codespan count each sequence of `text` (a
/// character, then the VS15s, VS16s and modifiers after it) in the
/// columns a terminal draws it: the offset of each character to stand in
/// for, and its stand-in, in order. Only the sequences' characters are
/// decoded and measured.
pub(super) fn stand_ins(text: &str) -> impl Iterator<Item = (usize, StandIn)> + '_ {
    let mut found = extenders(text).peekable();
    // Each run of extenders, one after another, with the character before.
    let runs = std::iter::from_fn(move || {
        let (first, c) = found.next()?;
        let mut end = first + c.len_utf8();
        let mut count = 1;
        while let Some(&(at, c)) = found.peek()
            && at == end
        {
            end += c.len_utf8();
            count += 1;
            found.next();
        }
        Some((first, end, count))
    });
    runs.flat_map(move |(first, end, count)| {
        let base = text.get(..first).and_then(|s| s.chars().next_back());
        let planned = base
            // A line break, a tab or a stand-in's own kind is no base.
            .filter(|&b| !b.is_control() && !needs_escape(b) && count < MAX_SEQUENCE)
            .and_then(|b| {
                let from = first - b.len_utf8();
                let sequence = text.get(from..end)?;
                Some(plan(sequence)?.into_iter().map(move |(i, s)| (from + i, s)))
            });
        planned.into_iter().flatten()
    })
}

/// The stand-ins (offset in `sequence`, stand-in) that make codespan
/// count `sequence` (a base, then extenders) as a terminal draws it
/// ([`drawn`]), or None when it already does or no stand-ins can.
///
/// Each character should count the columns it adds as the terminal draws
/// the sequence (the width of the sequence up to it, less the width up to
/// the one before). Where one cannot (a VS15 takes a column away; a
/// modifier adds one column after `☝`, and no stand-in of four bytes counts
/// one), the base counts zero and the character after it what both add.
fn plan(sequence: &str) -> Option<Vec<(usize, StandIn)>> {
    let counted = |c: char| c.width().unwrap_or(0);
    if sequence.chars().map(counted).sum::<usize>() == drawn(sequence) {
        return None;
    }
    let mut adds = Vec::new();
    let mut before = 0;
    for (i, c) in sequence.char_indices() {
        let upto = drawn(sequence.get(..i + c.len_utf8())?);
        adds.push((i, c, upto as isize - before as isize));
        before = upto;
    }
    let mut base_yields = adds.clone();
    if let [(_, _, base), (_, _, next), ..] = base_yields.as_mut_slice() {
        *next += std::mem::take(base);
    }
    [adds, base_yields].into_iter().find_map(|columns| {
        (columns.into_iter())
            .filter(|&(_, c, n)| counted(c) as isize != n)
            .map(|(i, c, n)| Some((i, StandIn::of(c, usize::try_from(n).ok()?)?)))
            .collect::<Option<Vec<_>>>()
    })
}

/// The columns a terminal draws `sequence` (a base, then extenders) in:
/// as `UnicodeWidthStr` counts it, with a VS16 left out where a skin-tone
/// modifier follows that the base takes. unicode-width counts a modifier
/// after a VS16 as a picture of its own (`☝️🏻` four columns), where a
/// terminal that draws `☝🏻` as one picture draws `☝️🏻` as the same one.
/// A base takes a modifier when unicode-width counts the two as one
/// picture, two columns: `☎🏻` is three, so `☎️🏻` is left as it counts it.
fn drawn(sequence: &str) -> usize {
    let takes = |b: char, m: char| {
        !is_extender(b)
            && matches!(m, '\u{1f3fb}'..='\u{1f3ff}')
            && [b, m].iter().collect::<String>().width() == 2
    };
    let mut kept = String::with_capacity(sequence.len());
    let mut chars = sequence.chars().peekable();
    let mut before = None;
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        if !(c == '\u{fe0f}' && before.zip(next).is_some_and(|(b, m)| takes(b, m))) {
            kept.push(c);
        }
        before = Some(c);
    }
    kept.width()
}

/// `text` with the [`stand_ins`] it needs, or None when it needs none.
pub(super) fn with_stand_ins(text: &str) -> Option<String> {
    let mut planned = stand_ins(text).peekable();
    planned.peek()?;
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for (at, s) in planned {
        out.push_str(text.get(from..at).unwrap_or_default());
        s.push_to(&mut out);
        from = at
            + text
                .get(at..)
                .and_then(|r| r.chars().next())
                .map_or(0, char::len_utf8);
    }
    out.push_str(text.get(from..).unwrap_or_default());
    Some(out)
}

/// Could a byte that `b` starts be a stand-in (or a digit of one)?
pub(super) fn may_stand_in(b: u8) -> bool {
    // U+FFF9 and U+FFFA start with 0xEF, U+E0000–U+E0FFF with 0xF3.
    b == 0xef || b == 0xf3 || digit_value(b).is_some()
}

/// Turns stand-ins back into the characters they stand for, given the
/// characters codespan writes one after another (a code of three control
/// characters is held until its last).
#[derive(Default)]
pub(super) struct Restorer {
    /// The hex digits of a code read so far, and how many.
    digits: u32,
    count: u8,
}

impl Restorer {
    /// Is a code of control characters begun and not ended?
    pub(super) fn pending(&self) -> bool {
        self.count > 0
    }

    /// What to write for `c`: the character it stands for, itself when it
    /// is no stand-in, none while a code is not ended or for a pad
    /// ([`super::ambiguous::PAD`]).
    pub(super) fn restore(&mut self, c: char) -> Option<char> {
        if let Some(d) = u8::try_from(c).ok().and_then(digit_value) {
            self.digits = self.digits << 4 | d;
            self.count += 1;
            if self.count < 3 {
                return None;
            }
            let cp = DIGITS_FOR + std::mem::take(self).digits;
            return char::from_u32(cp);
        }
        // A code cut short (none is) is dropped, never written.
        *self = Restorer::default();
        Some(match c {
            // A pad after an ambiguous-width character is counted, not drawn.
            super::ambiguous::PAD => return None,
            VS16_STAND_IN => '\u{fe0f}',
            VS15_STAND_IN => '\u{fe0e}',
            '\u{e0000}'..='\u{e0fff}' if needs_escape(c) => {
                char::from_u32(u32::from(c) - HIDDEN + HIDDEN_FOR).unwrap_or(c)
            }
            c => c,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sequences of the module's table, others like them, and some
    /// that codespan already counts right.
    const SEQUENCES: [&str; 21] = [
        "☎\u{fe0f}",
        "1\u{fe0f}\u{20e3}",
        "\u{1f44d}\u{1f3fd}",
        "\u{270b}\u{1f3fd}",
        "\u{261d}\u{1f3fb}",
        "\u{1f575}\u{1f3fb}",
        "\u{231a}\u{fe0e}",
        "\u{1f44d}\u{fe0e}",
        "\u{1f44d}\u{1f3fd}\u{fe0f}",
        "\u{1f44d}\u{fe0e}\u{1f3fd}",
        "\u{261d}\u{fe0f}\u{1f3fb}",
        "\u{270c}\u{fe0f}\u{1f3fc}",
        "\u{1f575}\u{fe0f}\u{1f3fb}",
        "\u{1f44d}\u{fe0f}\u{1f3fd}",
        "\u{270b}\u{fe0f}\u{1f3fd}",
        "☎\u{fe0f}\u{1f3fb}",
        "☎\u{fe0e}",
        "\u{1f1ef}\u{1f1f5}",
        "a\u{1f3fd}",
        "\u{231a}\u{fe0f}",
        "葛\u{e0100}",
    ];

    /// codespan's count of `s`: each character alone.
    fn counted(s: &str) -> usize {
        s.chars().map(|c| c.width().unwrap_or(0)).sum()
    }

    /// Every stand-in takes the bytes of the character it stands for, is
    /// counted the columns it was made for, is escaped wherever a design
    /// or a message holds it, and is written back as that character.
    #[test]
    fn each_stand_in_is_as_long_counted_as_asked_escaped_and_restored() {
        let cases = [
            ('\u{fe0f}', 1),
            ('\u{fe0e}', 1),
            ('\u{1f3fb}', 0),
            ('\u{1f44d}', 0),
        ];
        let bmp = ('\u{2000}'..='\u{2fff}').map(|c| (c, 0));
        let plane = ('\u{1f000}'..='\u{1ffff}').map(|c| (c, 0));
        let mut made = 0;
        for (c, columns) in cases.into_iter().chain(bmp).chain(plane) {
            let Some(s) = StandIn::of(c, columns) else {
                // Only those whose code point would be a selector.
                assert!(('\u{1f100}'..='\u{1f1ef}').contains(&c), "{c:?}");
                continue;
            };
            let mut text = String::new();
            s.push_to(&mut text);
            assert_eq!(text.len(), c.len_utf8(), "{c:?}");
            assert_eq!(counted(&text), columns, "{c:?}");
            assert!(text.chars().all(needs_escape), "{c:?}");
            assert!(text.bytes().next().is_some_and(may_stand_in), "{c:?}");
            let mut r = Restorer::default();
            let back: String = text.chars().filter_map(|t| r.restore(t)).collect();
            assert_eq!(back, c.to_string());
            assert!(!r.pending());
            made += 1;
        }
        assert_eq!(made, 4 + 0x1000 + 0x1000 - 0xf0);
        assert_eq!(StandIn::of('a', 0), None);
        assert_eq!(StandIn::of('\u{fe0f}', 2), None);
        assert_eq!(StandIn::of('\u{1f3fb}', 1), None);
    }

    /// With its stand-ins, every sequence is counted as a terminal draws
    /// it ([`drawn`]), between letters and after a line break; a sequence
    /// already counted right gets none; and the text is written back as
    /// it was.
    #[test]
    fn sequences_are_counted_as_drawn_and_written_back() {
        for seq in SEQUENCES {
            let text = format!("a{seq}窓\n{seq}\t{seq}{seq}");
            let shown = with_stand_ins(&text);
            assert_eq!(
                shown.is_some(),
                counted(seq) != drawn(seq),
                "{seq:?}: {shown:?}"
            );
            let shown = shown.unwrap_or_else(|| text.clone());
            assert_eq!(shown.len(), text.len());
            for (line, written) in shown.split(['\n', '\t']).zip(text.split(['\n', '\t'])) {
                assert_eq!(counted(line), drawn(written), "{seq:?} {line:?}");
            }
            let mut r = Restorer::default();
            let back: String = shown.chars().filter_map(|c| r.restore(c)).collect();
            assert_eq!(back, text);
        }
    }

    /// Which characters stand in: the VS16 of `☎️`, the modifier after a
    /// wide emoji; for `☝🏻` the base; for `⌚︎` the base and the VS15; for
    /// `☝️🏻` the VS16 and the modifier; for `👍️🏽` the modifier.
    #[test]
    fn the_characters_that_stand_in() {
        let planned = |s: &str| stand_ins(s).collect::<Vec<_>>();
        assert_eq!(
            planned("☎\u{fe0f}窓口"),
            [(3, StandIn::Char(VS16_STAND_IN))]
        );
        assert_eq!(
            planned("x\u{1f44d}\u{1f3fd}"),
            [(5, StandIn::Char('\u{e03fd}'))]
        );
        assert_eq!(
            planned("\u{261d}\u{1f3fb}"),
            [(0, StandIn::Digits([0x07, 0x02, 0x13]))]
        );
        assert_eq!(
            planned("\u{231a}\u{fe0e}"),
            [
                (0, StandIn::Digits([0x04, 0x02, 0x10])),
                (3, StandIn::Char(VS15_STAND_IN))
            ]
        );
        assert_eq!(
            planned("\u{261d}\u{fe0f}\u{1f3fb}"),
            [
                (3, StandIn::Char(VS16_STAND_IN)),
                (6, StandIn::Char('\u{e03fb}'))
            ]
        );
        assert_eq!(
            planned("x\u{1f44d}\u{fe0f}\u{1f3fd}"),
            [(8, StandIn::Char('\u{e03fd}'))]
        );
        assert_eq!(planned("📦\u{fe0f} a\u{fe0f} \u{fe0f}\n\u{1f3fb}"), []);
        // Too long a run is left as it is.
        assert_eq!(
            planned(&format!("☎{}", "\u{fe0f}".repeat(MAX_SEQUENCE))),
            []
        );
    }

    /// A VS16 between a base and a skin-tone modifier it takes adds no
    /// column: the sequence is two columns, as the base and the modifier
    /// are, whether the base is drawn one column alone or two. Where the
    /// base takes no modifier, or the VS16 follows no base, it counts as
    /// unicode-width counts it.
    #[test]
    fn a_vs16_before_a_modifier_the_base_takes_adds_no_column() {
        for seq in [
            "\u{261d}\u{fe0f}\u{1f3fb}",
            "\u{270c}\u{fe0f}\u{1f3fc}",
            "\u{1f575}\u{fe0f}\u{1f3fb}",
            "\u{1f44d}\u{fe0f}\u{1f3fd}",
            "\u{270b}\u{fe0f}\u{1f3fd}",
        ] {
            assert_eq!(seq.width(), 4, "{seq:?}");
            assert_eq!(drawn(seq), 2, "{seq:?}");
        }
        for seq in [
            "☎\u{fe0f}\u{1f3fb}",
            "a\u{fe0f}\u{1f3fb}",
            "\u{261d}\u{fe0f}",
            "\u{261d}\u{1f3fb}",
            "\u{1f44d}\u{1f3fd}\u{fe0f}",
            "\u{261d}\u{fe0f}\u{fe0f}\u{1f3fb}",
            "\u{1f3fb}\u{fe0f}\u{1f3fb}",
            "\u{261d}\u{fe0e}\u{1f3fb}",
        ] {
            assert_eq!(drawn(seq), seq.width(), "{seq:?}");
        }
    }
}
