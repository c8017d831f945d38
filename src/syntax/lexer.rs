//! The lexer: source text to tokens, in one pass, reading a byte at a time
//! where the text is ASCII. It never fails: what it cannot read it reports (MN002, MN003,
//! MN004, and MN001 for an unknown escape in a string) and steps over.

use super::token::{Comment, Keyword, Token, TokenKind};
use super::tokens::ListedName;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::fix::{Edit, Fix};
use crate::span::{FileId, Span};
use crate::tally::{Hollow, Keep, Tally};
use crate::text;
use crate::text::Text;

/// The lexer's result.
#[derive(Debug, Default)]
pub struct Lexed {
    /// Tokens, ending with one [`TokenKind::Eof`].
    pub tokens: Vec<Token>,
    /// Comments, in order.
    pub comments: Vec<Comment>,
    /// MN001 (escapes), MN002, MN003 and MN004 findings, those kept in full.
    pub diagnostics: Vec<Diagnostic>,
    /// The others, as their places ([`crate::tally::Keep`]).
    pub hollow: Vec<Hollow>,
    /// How many forbidden characters (MN004) were seen, reported or not.
    pub forbidden: usize,
    /// Each name token, listed as it was read for a parse that reads its
    /// names ahead ([`lex_lines_listing_into`]); empty otherwise.
    pub names: Vec<ListedName>,
}

/// A character that makes a design read differently from what it says:
/// bidirectional controls, zero-width and other invisible format
/// characters (every default-ignorable code point but the variation
/// selectors), blanks that are no white space (U+2800 BRAILLE PATTERN
/// BLANK), the line and paragraph separators (an editor starts a new
/// line there, the language does not: a comment would hide what follows),
/// C0/C1 controls other than tab, CR and LF. A CR is one too unless an
/// LF follows it, which this cannot see: the lexer reports a lone CR
/// where it reads one.
pub fn is_forbidden(c: char) -> bool {
    match c {
        '\t' | '\r' | '\n' => false,
        '\0'..='\u{7f}' => c.is_control(),
        // Kana and the CJK ideographs, most of a Japanese design's
        // characters: only the Hangul filler among them.
        '\u{3040}'..='\u{9fff}' => c == '\u{3164}',
        _ => crate::escape::needs_escape(c) || invisible_beyond_the_escapes(c) || c.is_control(),
    }
}

/// Invisible characters that are forbidden but shown as they are: their
/// lead bytes (0xE3, 0xF0) start every kana and every emoji, so the
/// renderers' byte prefilter does not look for them; each is an error
/// (MN004) wherever it is written.
fn invisible_beyond_the_escapes(c: char) -> bool {
    matches!(c, '\u{3164}' | '\u{1BCA0}'..='\u{1BCA3}' | '\u{1D173}'..='\u{1D17A}')
}

/// Could this text hold a forbidden character? A byte-level test that is
/// never wrong in the "no" direction: a forbidden character is a control
/// character or one that [`crate::escape::needs_escape`], whose first byte
/// the renderers' prefilter looks for ([`crate::escape::may_be_unusual`]),
/// or one of [`invisible_beyond_the_escapes`], found by its first two
/// bytes (0xE3 0x85, 0xF0 0x9B, 0xF0 0x9D: no kana, ideograph or emoji).
fn may_hold_forbidden(text: &str) -> bool {
    let b = text.as_bytes();
    // Both tests without a branch a byte (`|`, `&`, a fold), so that the
    // compiler runs them on many bytes at once: every string and comment
    // of a design is asked.
    b.iter().copied().any(crate::escape::may_be_unusual)
        || b.iter()
            .zip(b.iter().skip(1))
            .fold(false, |seen, (&x, &y)| {
                seen | ((x == 0xE3) & (y == 0x85)) | ((x == 0xF0) & ((y == 0x9B) | (y == 0x9D)))
            })
}

/// The ASCII syntax character a full-width look-alike stands for.
pub fn full_width_syntax(c: char) -> Option<char> {
    match c {
        '：' => Some(':'),
        '，' => Some(','),
        '｛' => Some('{'),
        '｝' => Some('}'),
        '＃' => Some('#'),
        '\u{3000}' => Some(' '),
        _ => None,
    }
}

/// The keyword or the syntax that a word typed in full-width spells
/// (`ｆｏｒ` → `for`, `ａｃｔｏｒ` → `actor`, `－＞` → `->`): an input
/// method left in full-width mode types them so, and the lexer reads such
/// a word as a name. The word is made of full-width forms of ASCII
/// (U+FF01–U+FF5E) and ASCII, at least one of them full-width, and is
/// read by NFKC, as names are compared: no table of look-alikes to keep.
/// None for any other word. The other syntax is never in a word: the
/// lexer reads full-width `：` `，` `｛` `｝` `＃` as syntax
/// ([`full_width_syntax`]), and `(` and `)` are never valid, so none is
/// offered for `（` `）`.
pub fn typed_in_full_width(word: &str) -> Option<&'static str> {
    use unicode_normalization::UnicodeNormalization;
    // Every full-width form starts with 0xEF; most words, Japanese or
    // ASCII, hold no such byte and are not decoded. Nor is one longer
    // than the longest keyword typed in full-width (three bytes a
    // letter): error recovery asks every word it passes.
    let longest = Keyword::ALL.iter().map(|k| k.as_str().len()).max();
    if !word.as_bytes().contains(&0xEF) || word.len() > 3 * longest.unwrap_or(0) {
        return None;
    }
    let full_width = |c: char| ('\u{ff01}'..='\u{ff5e}').contains(&c);
    if !word.chars().any(full_width) || !word.chars().all(|c| c.is_ascii() || full_width(c)) {
        return None;
    }
    let ascii: String = word.nfkc().collect();
    if let Some(k) = Keyword::from_word(&ascii) {
        return Some(k.as_str());
    }
    ["->", "<->"].into_iter().find(|s| *s == ascii)
}

/// How `name` is written so that it reads back as itself: bare when it
/// can be, else quoted (with `"` and `\\` escaped). Fixes and the
/// formatter write names this way.
pub fn write_name(name: &str) -> String {
    let bare = !name.is_empty()
        && bare_name_len(name) == name.len()
        && name.chars().all(|c| !is_forbidden(c) && !c.is_control())
        && Keyword::from_word(name).is_none();
    if bare {
        return name.to_string();
    }
    let mut out = String::with_capacity(name.len() + 2);
    out.push('"');
    for c in name.chars() {
        if matches!(c, '"' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// Characters that end a bare name.
#[cfg(test)]
fn ends_name(rest: &str) -> bool {
    let mut chars = rest.chars();
    let Some(c) = chars.next() else { return true };
    c.is_whitespace()
        || matches!(c, '#' | ':' | ',' | '{' | '}' | '(' | ')' | '"' | '→')
        || full_width_syntax(c).is_some()
        || rest.starts_with("->")
        || rest.starts_with("<->")
}

/// Length in bytes of the bare name `i` starts with: everything up to
/// white space, syntax or an arrow (what `ends_name` says, read a byte at
/// a time where the text is ASCII).
fn bare_name_len(i: &str) -> usize {
    bare_name(i).0
}

/// [`bare_name_len`], and whether the name may hold a forbidden
/// character: false only when every character of it was read on a fast
/// path that no forbidden character takes (printable ASCII, CJK
/// ideographs, kana), so the lexer need not scan the name again.
// Inlined into the lexer's loop, as is `push_checked`: called, each cost
// a frame (registers saved and restored) for every name of a design;
// inlined, `check` of 1M `mixed` runs 2.2 % fewer instructions.
#[inline(always)]
fn bare_name(i: &str) -> (usize, bool) {
    let b = i.as_bytes();
    let mut end = 0;
    let mut unusual = false;
    loop {
        end = plain_run_end(b, end);
        let Some(&byte) = b.get(end) else {
            break;
        };
        // A byte the plain run stopped at: one character read the long
        // way, then the plain run goes on.
        match byte {
            b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C => break,
            b'#' | b':' | b',' | b'{' | b'}' | b'(' | b')' | b'"' => break,
            b'-' if b.get(end + 1) == Some(&b'>') => break,
            b'<' if b[end..].starts_with(b"<->") => break,
            c if c < 0x80 => {
                unusual |= c < 0x20 || c == 0x7F;
                end += 1;
            }
            // Ideographs and kana never stop the plain run; the
            // ideographic space and punctuation (U+3000–U+303F) and the
            // rest, here.
            _ => {
                let Some(c) = i.get(end..).and_then(|rest| rest.chars().next()) else {
                    break;
                };
                if c.is_whitespace() || c == '→' || full_width_syntax(c).is_some() {
                    break;
                }
                unusual = true;
                end += c.len_utf8();
            }
        }
    }
    (end, unusual)
}

/// Does the byte `x`, followed by `next`, stop a plain run of a bare
/// name? It does not for ASCII from `0` to `z` other than `:`, `;` and
/// `<` (one byte of the name), for a byte that continues a character
/// (the run only passes lead bytes it does not stop at), for the lead
/// byte of a CJK ideograph (0xE4–0xE9), nor for 0xE3 leading hiragana or
/// katakana (its next byte 0x81–0x83). Everything else stops it: the
/// syntax and white space that end a name, and characters read the long
/// way (some ASCII punctuation among them, which is then read on).
/// Decided from these two bytes alone, so that eight bytes are tested at
/// once ([`plain_run_stops`]).
fn stops_plain_run(x: u8, next: u8) -> bool {
    let ascii = x < 0x30 || (0x3A..=0x3C).contains(&x) || (0x7B..0x80).contains(&x);
    let kana = x == 0xE3 && (0x81..=0x83).contains(&next);
    let lead = x >= 0xC0 && !(0xE4..=0xE9).contains(&x) && !kana;
    ascii || lead
}

/// The high bit of every byte of a word.
const HIGH: u64 = 0x8080_8080_8080_8080;

/// `c` in every byte of a word.
const fn every_byte(c: u8) -> u64 {
    c as u64 * 0x0101_0101_0101_0101
}

/// The high bit of each byte of `low` (bytes under 0x80) whose value is
/// at least `c` (1 to 0x80): no byte carries into the next.
fn at_least(low: u64, c: u8) -> u64 {
    (low + every_byte(0x80 - c)) & HIGH
}

/// [`stops_plain_run`] of the eight bytes of `x` (little-endian), each
/// followed by the same byte of `next`: the high bit of each byte that
/// stops the run.
fn plain_run_stops(x: u64, next: u64) -> u64 {
    let (high, low) = (x & HIGH, x & !HIGH);
    let ascii = !high
        & (!at_least(low, 0x30)
            | (at_least(low, 0x3A) & !at_least(low, 0x3D))
            | at_least(low, 0x7B));
    // Bit 6 moved up to bit 7 of the same byte: 0xC0 and above.
    let lead = high & (x << 1);
    let ideograph = at_least(low, 0x64) & !at_least(low, 0x6A);
    let e3 = at_least(low, 0x63) & !at_least(low, 0x64);
    let next_low = next & !HIGH;
    let kana = next & at_least(next_low, 0x01) & !at_least(next_low, 0x04);
    (ascii | (lead & !(ideograph | (e3 & kana)))) & HIGH
}

/// Where the plain run of a bare name from `at` (a character boundary)
/// stops: the first byte [`stops_plain_run`] says stops it, which is a
/// character boundary too (a byte that continues a character never
/// stops it), or the end. Sixteen bytes at a time where the processor has
/// SSE2 (every x86-64), then eight: read a byte at a time, each step
/// waited for the last (the byte, then its class, then how far to go),
/// and that wait was most of lexing a name.
fn plain_run_end(b: &[u8], at: usize) -> usize {
    #[cfg(target_arch = "x86_64")]
    let at = match sixteen_at_a_time::plain_run_end(b, at) {
        Ok(stop) => return stop,
        Err(at) => at,
    };
    eight_at_a_time(b, at)
}

/// [`plain_run_end`] eight bytes at a time, then one.
fn eight_at_a_time(b: &[u8], mut at: usize) -> usize {
    while let Some(block) = b.get(at..at + 9) {
        let (Some((&x, _)), Some(&next)) =
            (block.split_first_chunk::<8>(), block.last_chunk::<8>())
        else {
            break;
        };
        let stops = plain_run_stops(u64::from_le_bytes(x), u64::from_le_bytes(next));
        if stops != 0 {
            return at + (stops.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    while let Some(&x) = b.get(at) {
        if stops_plain_run(x, b.get(at + 1).copied().unwrap_or(0)) {
            return at;
        }
        at += 1;
    }
    at
}

/// [`plain_run_stops`] sixteen bytes at a time, with SSE2 (part of every
/// x86-64 processor, so no test of the processor is needed). A name of
/// the society's systems is 20 to 30 bytes: read eight at a time, the
/// test of a word was a tenth of all the instructions of `check`.
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod sixteen_at_a_time {
    use std::arch::x86_64::{
        __m128i, _mm_and_si128, _mm_andnot_si128, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_max_epu8,
        _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8, _mm_sub_epi8,
    };

    /// `c` in every byte.
    #[target_feature(enable = "sse2")]
    fn splat(c: u8) -> __m128i {
        _mm_set1_epi8(c as i8)
    }

    /// All ones in each byte of `x` from `lo` to `hi` (unsigned).
    #[target_feature(enable = "sse2")]
    fn within(x: __m128i, lo: u8, hi: u8) -> __m128i {
        let from_lo = _mm_sub_epi8(x, splat(lo));
        _mm_cmpeq_epi8(_mm_min_epu8(from_lo, splat(hi.wrapping_sub(lo))), from_lo)
    }

    /// One bit for each of the first sixteen bytes of `block`, each
    /// followed by the next byte, set where [`super::stops_plain_run`] is
    /// true.
    #[target_feature(enable = "sse2")]
    fn stops_in(block: &[u8; 17]) -> u32 {
        let p = block.as_ptr();
        // SAFETY: both loads read sixteen bytes within `block`'s
        // seventeen (from its first byte and from its second), unaligned
        // as `_mm_loadu_si128` allows.
        let (x, next) = unsafe {
            (
                _mm_loadu_si128(p.cast::<__m128i>()),
                _mm_loadu_si128(p.add(1).cast::<__m128i>()),
            )
        };
        let ascii = _mm_or_si128(
            _mm_cmpeq_epi8(_mm_min_epu8(x, splat(0x2F)), x),
            _mm_or_si128(within(x, 0x3A, 0x3C), within(x, 0x7B, 0x7F)),
        );
        let lead = _mm_cmpeq_epi8(_mm_max_epu8(x, splat(0xC0)), x);
        let ideograph = within(x, 0xE4, 0xE9);
        let kana = _mm_and_si128(_mm_cmpeq_epi8(x, splat(0xE3)), within(next, 0x81, 0x83));
        let stop = _mm_or_si128(ascii, _mm_andnot_si128(_mm_or_si128(ideograph, kana), lead));
        _mm_movemask_epi8(stop) as u32
    }

    /// [`stops_in`], called where SSE2 is known to be.
    pub(super) fn stops(block: &[u8; 17]) -> u32 {
        // SAFETY: SSE2 is part of every x86-64 processor (the code is
        // built only for x86-64), which is all `stops_in` needs.
        unsafe { stops_in(block) }
    }

    /// Where the plain run from `at` stops, if it stops before the last
    /// sixteen bytes; otherwise where to go on eight at a time.
    pub(super) fn plain_run_end(b: &[u8], mut at: usize) -> Result<usize, usize> {
        while let Some(block) = b.get(at..at + 17).and_then(|s| s.first_chunk::<17>()) {
            let stops = stops(block);
            if stops != 0 {
                return Ok(at + stops.trailing_zeros() as usize);
            }
            at += 16;
        }
        Err(at)
    }
}

/// Does `b` start with a character that can only begin a bare name and
/// that [`bare_name`] reads on its fast path: an ASCII letter, digit or
/// `_`, a CJK ideograph, hiragana or katakana?
fn starts_plain_name(b: &[u8]) -> bool {
    match b.first() {
        Some(b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'_' | 0xE4..=0xE9) => true,
        Some(0xE3) => matches!(b.get(1), Some(0x81..=0x83)),
        _ => false,
    }
}

/// A rejected character as MN004 names it: `U+202E RIGHT-TO-LEFT
/// OVERRIDE`, `U+0007 control character`; in Japanese its kind first,
/// then the code point and the name a reader can look up (Unicode's, or
/// the abbreviation of a C0 control): 「双方向制御文字 U+202E
/// (RIGHT-TO-LEFT OVERRIDE)」, 「制御文字 U+0007 (BEL)」.
fn describe_char(c: char) -> Text {
    let code = format!("U+{:04X}", c as u32);
    let name = unicode_name(c);
    let en = match name {
        Some(n) => format!("{code} {n}"),
        None if c.is_control() => format!("{code} control character"),
        None => format!("{code} invisible character"),
    };
    let kind = match c {
        '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}'
        | '\u{200E}'
        | '\u{200F}'
        | '\u{061C}' => "双方向制御文字",
        _ if c.is_control() => "制御文字",
        _ => "不可視文字",
    };
    let name = name.or_else(|| control_abbreviation(c));
    let ja = match name {
        Some(n) => format!("{kind} {code} ({n})"),
        None => format!("{kind} {code}"),
    };
    Text::new(en, ja)
}

/// The abbreviation of a C0 control or DEL (`BEL`, `ESC`), as character
/// tables name them.
fn control_abbreviation(c: char) -> Option<&'static str> {
    const C0: [&str; 32] = [
        "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF", "VT", "FF", "CR",
        "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB",
        "ESC", "FS", "GS", "RS", "US",
    ];
    match c {
        '\u{7F}' => Some("DEL"),
        _ => C0.get(c as usize).copied(),
    }
}

/// The Unicode name of the invisible characters MN004 names by name.
fn unicode_name(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{202A}' => "LEFT-TO-RIGHT EMBEDDING",
        '\u{202B}' => "RIGHT-TO-LEFT EMBEDDING",
        '\u{202C}' => "POP DIRECTIONAL FORMATTING",
        '\u{202D}' => "LEFT-TO-RIGHT OVERRIDE",
        '\u{202E}' => "RIGHT-TO-LEFT OVERRIDE",
        '\u{2066}' => "LEFT-TO-RIGHT ISOLATE",
        '\u{2067}' => "RIGHT-TO-LEFT ISOLATE",
        '\u{2068}' => "FIRST STRONG ISOLATE",
        '\u{2069}' => "POP DIRECTIONAL ISOLATE",
        '\u{200B}' => "ZERO WIDTH SPACE",
        '\u{200C}' => "ZERO WIDTH NON-JOINER",
        '\u{200D}' => "ZERO WIDTH JOINER",
        '\u{200E}' => "LEFT-TO-RIGHT MARK",
        '\u{200F}' => "RIGHT-TO-LEFT MARK",
        '\u{FEFF}' => "ZERO WIDTH NO-BREAK SPACE",
        '\u{2060}' => "WORD JOINER",
        '\u{00AD}' => "SOFT HYPHEN",
        '\u{2800}' => "BRAILLE PATTERN BLANK",
        '\u{3164}' => "HANGUL FILLER",
        '\u{FFA0}' => "HALFWIDTH HANGUL FILLER",
        '\u{115F}' => "HANGUL CHOSEONG FILLER",
        '\u{1160}' => "HANGUL JUNGSEONG FILLER",
        _ => return None,
    })
}

/// Recognises the fixed punctuation tokens: the token's kind and length.
fn punctuation(i: &str) -> Option<(TokenKind, usize)> {
    let b = i.as_bytes();
    Some(match *b.first()? {
        b'<' if b.starts_with(b"<->") => (TokenKind::BothArrow, 3),
        b'-' if b.get(1) == Some(&b'>') => (TokenKind::Arrow, 2),
        b':' => (TokenKind::Colon, 1),
        b',' => (TokenKind::Comma, 1),
        b'{' => (TokenKind::LBrace, 1),
        b'}' => (TokenKind::RBrace, 1),
        b'(' | b')' => (TokenKind::Paren, 1),
        0xE2 if i.starts_with('→') => (TokenKind::Arrow, '→'.len_utf8()),
        _ => return None,
    })
}

struct Lexer<'a> {
    src: &'a str,
    file: FileId,
    out: Lexed,
    /// The findings, while it reads.
    found: Tally,
    /// MN004 findings made, and where the first one not made is: a file
    /// of a million control bytes gets [`MAX_FORBIDDEN`] findings and one
    /// that stands for the rest, not a million.
    forbidden_seen: usize,
    first_unreported: usize,
    /// Does it list each name token in [`Lexed::names`]?
    listing: bool,
}

/// MN004 findings made in one file before the rest are counted only.
pub const MAX_FORBIDDEN: usize = crate::session::MAX_PER_CODE;

impl<'a> Lexer<'a> {
    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    fn offset(&self, rest: &str) -> usize {
        self.src.len() - rest.len()
    }

    fn forbidden(&mut self, at: usize, c: char) {
        self.forbidden_in(at, c, None);
    }

    /// [`Lexer::forbidden`], with a note for a character in a name
    /// (`read`): how the name is written and how it is read.
    fn forbidden_in(&mut self, at: usize, c: char, read: Option<&Text>) {
        self.forbidden_seen += 1;
        if self.forbidden_seen > MAX_FORBIDDEN {
            if self.forbidden_seen == MAX_FORBIDDEN + 1 {
                self.first_unreported = at;
            }
            return;
        }
        if c == '\r' {
            self.found.push(lone_cr(self.span(at, at + 1)));
            return;
        }
        let what = describe_char(c);
        let mut d = Diagnostic::new(
            Code::MN004,
            self.span(at, at + c.len_utf8()),
            text!("invisible or control character {}", what.en; "{} があります", what.ja),
        )
        .with_primary_label(what)
        .with_help(text!(
            "delete it: such characters make a design read differently from what it says";
            "削除してください。このような文字があると、設計が書かれているとおりに読めなくなります"
        ));
        if let Some(read) = read {
            d = d.with_note(read.clone());
        }
        self.found.push(d);
    }

    fn full_width(&mut self, at: usize, c: char, ascii: char) {
        let span = self.span(at, at + c.len_utf8());
        self.found.push_made_with_fix(
            Code::MN003,
            span,
            || full_width_read_as_ascii(span, c, ascii),
            || as_ascii(span, ascii, Text::default()),
        );
    }

    /// Pushes a token whose value is `raw` with forbidden characters removed
    /// (each reported). `unusual` says whether `raw` may hold one: a bare
    /// name's reading already knows, so the name is not scanned again.
    // Inlined into the loop, as `bare_name` is (see there).
    #[inline(always)]
    fn push_checked(&mut self, kind: TokenKind, start: usize, raw: &str, unusual: bool) {
        // The value is kept only when it differs from what is written.
        let cleaned = if unusual {
            let cleaned: String = raw.chars().filter(|c| !is_forbidden(*c)).collect();
            // A name is shown without the character in every other
            // message: its finding shows it as written (the character
            // escaped when output) and as read, so that the two can be
            // told apart (an emoji joined by U+200D reads as its parts).
            let read = (kind == TokenKind::Name && cleaned.len() != raw.len()).then(|| {
                text!(
                    "the name `{raw}` is read without it, as `{cleaned}`";
                    "名前「{raw}」は、この文字を除いた「{cleaned}」として読まれます"
                )
            });
            for (i, c) in raw.char_indices() {
                if is_forbidden(c) {
                    self.forbidden_in(start + i, c, read.as_ref());
                }
            }
            (cleaned.len() != raw.len()).then_some(cleaned)
        } else {
            None
        };
        let value = cleaned.as_deref().unwrap_or(raw);
        let kind = match kind {
            TokenKind::Name => {
                Keyword::from_word(value).map_or(TokenKind::Name, TokenKind::Keyword)
            }
            k => k,
        };
        if self.listing && kind == TokenKind::Name {
            let written = cleaned.is_none().then(|| start..start + raw.len());
            let listed = ListedName::new(self.out.tokens.len(), value, written);
            self.out.names.extend(listed);
        }
        let span = self.span(start, start + raw.len());
        self.out.tokens.push(Token::new(kind, span, cleaned));
    }

    /// A comment from `#` (already consumed at `start`) to the end of line:
    /// the next LF, or the CR of a CRLF. A lone CR does not end it (the
    /// lines that suppressions, expectations and positions count end at
    /// LF only): it is MN004, and the comment reads on past it.
    fn comment(&mut self, start: usize, rest: &'a str) -> &'a str {
        let line = memchr::memchr(b'\n', rest.as_bytes()).unwrap_or(rest.len());
        let len = match rest.as_bytes()[..line].last() {
            Some(b'\r') if line < rest.len() => line - 1,
            _ => line,
        };
        let body = &rest[..len];
        let body_start = self.offset(rest);
        if may_hold_forbidden(body) {
            for (i, c) in body.char_indices() {
                if is_forbidden(c) || c == '\r' {
                    self.forbidden(body_start + i, c);
                }
            }
        }
        self.out.comments.push(Comment {
            span: self.span(start, body_start + len),
            text: body.to_string(),
        });
        &rest[len..]
    }

    /// A string from `"` (already consumed at `start`); ends at the closing
    /// quote or, unterminated, at the end of the line (MN002).
    fn string(&mut self, start: usize, rest: &'a str) -> &'a str {
        // Fast path: closed on this line, no escapes, nothing to drop: the
        // value is the source text itself.
        if let Some(close) = rest.find(['"', '\\', '\n', '\r'])
            && rest.as_bytes()[close] == b'"'
            && !may_hold_forbidden(&rest[..close])
        {
            let end = self.offset(rest) + close + 1;
            self.out
                .tokens
                .push(Token::new(TokenKind::Str, self.span(start, end), None));
            return &rest[close + 1..];
        }
        let mut value = String::new();
        let mut chars = rest.char_indices();
        let body_start = self.offset(rest);
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    let end = body_start + i + 1;
                    self.out.tokens.push(Token::new(
                        TokenKind::Str,
                        self.span(start, end),
                        Some(value),
                    ));
                    return &rest[i + 1..];
                }
                '\\' => match chars.clone().next() {
                    Some((_, e @ ('"' | '\\'))) => {
                        value.push(e);
                        chars.next();
                    }
                    next => {
                        // The backslash is kept, as it always was: the
                        // fix (`\\`) then means what the string meant.
                        if let Some((_, e)) = next.filter(|(_, e)| !matches!(e, '\n' | '\r')) {
                            self.unknown_escape(body_start + i, e);
                        }
                        value.push('\\');
                    }
                },
                '\n' => {
                    return self.unterminated_string(start, body_start + i, value, &rest[i..]);
                }
                // The CR of a CRLF ends the line; a lone CR does not
                // (MN004, dropped from the value, as other controls are).
                '\r' if rest.as_bytes().get(i + 1) == Some(&b'\n') => {
                    return self.unterminated_string(start, body_start + i, value, &rest[i..]);
                }
                '\r' => self.forbidden(body_start + i, c),
                c if is_forbidden(c) => self.forbidden(body_start + i, c),
                c => value.push(c),
            }
        }
        self.unterminated_string(start, self.src.len(), value, "")
    }

    /// MN001 at the backslash at `at`, followed by `next`: only `\"`
    /// and `\\` are escapes, so that two spellings of a string never
    /// read as one name (`"a\nb"` and `"a\\nb"` were both `a\nb`).
    fn unknown_escape(&mut self, at: usize, next: char) {
        let span = self.span(at, at + 1 + next.len_utf8());
        let backslash = self.span(at, at + 1);
        self.found.push_made_with_fix(
            Code::MN001,
            span,
            || unknown_escape(span, next).with_fix(backslash_doubled(backslash)),
            || backslash_doubled(backslash),
        );
    }

    fn unterminated_string(
        &mut self,
        start: usize,
        end: usize,
        value: String,
        rest: &'a str,
    ) -> &'a str {
        let span = self.span(start, end);
        self.found
            .push_made(Code::MN002, span, || unterminated(span));
        self.out
            .tokens
            .push(Token::new(TokenKind::Str, span, Some(value)));
        rest
    }

    /// Lexes from byte `start` of `src` (a line start) to its end; `eof`
    /// adds the final [`TokenKind::Eof`].
    fn run(mut self, start: usize, eof: bool) -> Lexed {
        let mut rest = &self.src[start..];
        // Most designs hold no CR at all: one scan of the text, not a test
        // of each blank byte (1M `mixed`: 1.4 % of `check`'s instructions).
        let any_cr = memchr::memchr(b'\r', rest.as_bytes()).is_some();
        loop {
            // A run of ASCII white space (a line's indentation and the
            // spaces between tokens, its line break) is skipped by its
            // bytes: none of them is forbidden or full-width, and each
            // would otherwise be decoded and tested as a character.
            let blank = rest
                .bytes()
                .take_while(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
                .count();
            // A CR ends a line only before an LF; alone, it is MN004 (an
            // editor breaks the line there, the language does not). Looked
            // for only in a text that holds a CR.
            if any_cr {
                let skipped = &rest.as_bytes()[..blank];
                let at = self.offset(rest);
                for i in memchr::memchr_iter(b'\r', skipped) {
                    if rest.as_bytes().get(i + 1) != Some(&b'\n') {
                        self.forbidden(at + i, '\r');
                    }
                }
            }
            rest = &rest[blank..];
            // Most tokens are names that start with a letter, a digit or a
            // CJK ideograph or kana: none of those is full-width syntax,
            // forbidden, white space or punctuation, so such a name is read
            // without decoding and testing its first character.
            if starts_plain_name(rest.as_bytes()) {
                let at = self.offset(rest);
                let (len, unusual) = bare_name(rest);
                self.push_checked(TokenKind::Name, at, &rest[..len], unusual);
                rest = &rest[len..];
                continue;
            }
            // The ASCII syntax between names (`->`, `:`, `,`, braces) is
            // read by its bytes too: the tests below, on the decoded
            // character, are all false for it (it is neither full-width,
            // forbidden, white space, `#` nor `"`), and a third of a flow's
            // tokens are such.
            if rest
                .as_bytes()
                .first()
                .is_some_and(u8::is_ascii_punctuation)
                && let Some((kind, len)) = punctuation(rest)
            {
                let at = self.offset(rest);
                self.out
                    .tokens
                    .push(Token::new(kind, self.span(at, at + len), None));
                rest = &rest[len..];
                continue;
            }
            let Some(c) = rest.chars().next() else {
                break;
            };
            let at = self.offset(rest);
            let after = &rest[c.len_utf8()..];
            if let Some(ascii) = full_width_syntax(c) {
                self.full_width(at, c, ascii);
                match ascii {
                    ' ' => {}
                    '#' => {
                        rest = self.comment(at, after);
                        continue;
                    }
                    _ => {
                        let kind = match ascii {
                            ':' => TokenKind::Colon,
                            ',' => TokenKind::Comma,
                            '{' => TokenKind::LBrace,
                            _ => TokenKind::RBrace,
                        };
                        let span = self.span(at, at + c.len_utf8());
                        self.out
                            .tokens
                            .push(Token::new(kind, span, Some(ascii.to_string())));
                    }
                }
                rest = after;
            } else if is_forbidden(c) {
                // Before white space: VT, FF and NEL are white space to
                // Unicode but MN004 to the language (LANGUAGE.md §2).
                self.forbidden(at, c);
                rest = after;
            } else if c.is_whitespace() {
                rest = after;
            } else if c == '#' {
                rest = self.comment(at, after);
            } else if c == '"' {
                rest = self.string(at, after);
            } else if let Some((kind, len)) = punctuation(rest) {
                self.out
                    .tokens
                    .push(Token::new(kind, self.span(at, at + len), None));
                rest = &rest[len..];
            } else if let (len @ 1.., unusual) = bare_name(rest) {
                self.push_checked(TokenKind::Name, at, &rest[..len], unusual);
                rest = &rest[len..];
            } else {
                // Unreachable in practice: every character is one of the above.
                rest = after;
            }
        }
        let end = self.src.len();
        if eof {
            self.out
                .tokens
                .push(Token::new(TokenKind::Eof, self.span(end, end), None));
        }
        self.out.forbidden = self.forbidden_seen;
        if let Some(rest) = self.forbidden_seen.checked_sub(MAX_FORBIDDEN + 1) {
            let at = self.first_unreported;
            let c = self.src[at..].chars().next().map_or(1, char::len_utf8);
            let mut d = Diagnostic::new(
                Code::MN004,
                self.span(at, at + c),
                crate::text::Text::new(
                    "more invisible or control characters",
                    "さらに不可視文字または制御文字があります",
                ),
            );
            // Stands for every one not reported, itself included.
            d.more = rest;
            self.found.push(d);
        }
        (self.out.diagnostics, self.out.hollow) = self.found.into_parts();
        self.out
    }
}

/// MN004 at `span`: a CR that no LF follows. Editors and terminals
/// break the line there (a terminal returns to its start and overwrites
/// it), the language does not: what follows it on the line is read as
/// part of the same line, a comment's text included.
fn lone_cr(span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::MN004,
        span,
        text!("carriage return U+000D (CR) not followed by a line feed"; "改行 (LF) が続かない復帰文字 U+000D (CR) があります"),
    )
    .with_primary_label(Text::new(
        "a lone CR: not a line end",
        "単独の CR: 行末ではありません",
    ))
    .with_help(text!(
        "delete it, or end the line with LF or CRLF: an editor shows a new line here, but the design does not start one, so a comment before it reads on past it";
        "削除するか、LF または CRLF で改行してください。エディタではここで改行されて見えますが、設計では改行にならないため、手前のコメントはその先まで続きます"
    ))
}

/// MN003 at `span`: the full-width `c` read as `ascii`.
fn full_width_read_as_ascii(span: Span, c: char, ascii: char) -> Diagnostic {
    // How each language names the character read and the one meant.
    let (shown, shown_ja, ascii_shown, ascii_ja) = match ascii {
        ' ' => (
            "ideographic space U+3000".to_string(),
            "全角スペース (U+3000)".to_string(),
            "a space".to_string(),
            "半角スペース".to_string(),
        ),
        _ => (
            format!("`{c}`"),
            format!("全角の `{c}`"),
            format!("`{ascii}`"),
            format!("半角の `{ascii}`"),
        ),
    };
    Diagnostic::new(
        Code::MN003,
        span,
        Text::new(
            format!("full-width {shown} read as {ascii_shown}"),
            crate::text::ja_join(&[&shown_ja, "を", &ascii_ja, "として読みました"]),
        ),
    )
    .with_help(Text::new(
        format!("write {ascii_shown} (`mynaflow fmt` rewrites it)"),
        crate::text::ja_join(&[
            &ascii_ja,
            "で書いてください (`mynaflow fmt` で書き換えられます)",
        ]),
    ))
    .with_fix(as_ascii(
        span,
        ascii,
        Text::new(
            format!("write {ascii_shown}"),
            crate::text::ja_join(&[&ascii_ja, "に書き換える"]),
        ),
    ))
}

/// MN003's fix: the full-width character at `span` written as `ascii`.
fn as_ascii(span: Span, ascii: char, message: Text) -> Fix {
    Fix::safe(
        message,
        vec![Edit {
            span,
            content: ascii.to_string(),
        }],
    )
}

/// MN001 at `span`: `\` and a character that it does not escape.
fn unknown_escape(span: Span, next: char) -> Diagnostic {
    let shown = crate::escape::visible(&next.to_string()).into_owned();
    Diagnostic::new(
        Code::MN001,
        span,
        text!("unknown escape `\\{shown}` in a string"; "文字列の中に不明なエスケープ `\\{shown}` があります"),
    )
    .with_primary_label(text!(
        "only `\\\"` and `\\\\` are escapes";
        "エスケープは `\\\"` と `\\\\` だけです"
    ))
    .with_help(text!(
        "write a backslash as `\\\\`: `\\\\{shown}`";
        "バックスラッシュは `\\\\` と書いてください: `\\\\{shown}`"
    ))
}

/// The safe fix of an unknown escape: the backslash at `backslash`
/// written as `\\`, which reads as the backslash the string keeps now.
fn backslash_doubled(backslash: Span) -> Fix {
    Fix::safe(
        text!("write the backslash as `\\\\`"; "バックスラッシュを `\\\\` と書く"),
        vec![Edit {
            span: backslash,
            content: "\\\\".to_string(),
        }],
    )
}

/// MN002 at `span`: a string with no closing quote.
fn unterminated(span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::MN002,
        span,
        text!("unterminated string"; "文字列が閉じられていません"),
    )
    .with_primary_label(text!("this string has no closing `\"`"; "閉じる `\"` がありません"))
    .with_help(text!("add `\"` before the end of the line"; "行末までに `\"` を追加してください"))
}

/// Splits `src` into tokens and comments.
pub fn lex(file: FileId, src: &str) -> Lexed {
    lex_keeping(file, src, Keep::All)
}

/// [`lex`], its findings kept in full as `keep` says.
pub fn lex_keeping(file: FileId, src: &str, keep: Keep) -> Lexed {
    Lexer {
        src,
        file,
        out: Lexed::default(),
        found: Tally::new(keep),
        forbidden_seen: 0,
        first_unreported: 0,
        listing: false,
    }
    .run(0, true)
}

/// Lexes the lines `src[lines]` (from a line start to a line start or the
/// end), with spans in `src`, and no final Eof. Every token and comment
/// ends by the end of its line, so the lexer starts every line afresh and
/// these are exactly the tokens and comments [`lex`] gives there. MN004
/// is capped per call: a caller joining the lines of a file with
/// [`Lexed::forbidden`] > 0 must lex the file whole instead.
pub fn lex_lines(file: FileId, src: &str, lines: std::ops::Range<usize>) -> Lexed {
    lex_lines_into(file, src, lines, Vec::new())
}

/// [`lex_lines`] into `tokens` (cleared first): a thread lexing part after
/// part reuses one buffer instead of growing a new one each time.
pub fn lex_lines_into(
    file: FileId,
    src: &str,
    lines: std::ops::Range<usize>,
    tokens: Vec<Token>,
) -> Lexed {
    lex_lines_keeping_into(file, src, lines, tokens, Keep::All)
}

/// [`lex_lines_into`], its findings kept in full as `keep` says.
pub fn lex_lines_keeping_into(
    file: FileId,
    src: &str,
    lines: std::ops::Range<usize>,
    tokens: Vec<Token>,
    keep: Keep,
) -> Lexed {
    lex_range(file, src, lines, (tokens, Vec::new()), keep, false)
}

/// [`lex_lines_keeping_into`], listing each name token in
/// [`Lexed::names`] as it is read, for a parse that reads a part's names
/// ahead ([`super::tokens::Names::read_ahead`]). `reused` are a token and
/// a name list a thread reuses from part to part (each cleared first).
pub fn lex_lines_listing_into(
    file: FileId,
    src: &str,
    lines: std::ops::Range<usize>,
    reused: (Vec<Token>, Vec<ListedName>),
    keep: Keep,
) -> Lexed {
    lex_range(file, src, lines, reused, keep, true)
}

/// Lexes the lines `src[lines]` into the lists `reused` (cleared first),
/// listing the names when `listing`.
fn lex_range(
    file: FileId,
    src: &str,
    lines: std::ops::Range<usize>,
    reused: (Vec<Token>, Vec<ListedName>),
    keep: Keep,
    listing: bool,
) -> Lexed {
    let (mut tokens, mut names) = reused;
    tokens.clear();
    names.clear();
    Lexer {
        src: &src[..lines.end],
        file,
        out: Lexed {
            tokens,
            names,
            ..Lexed::default()
        },
        found: Tally::new(keep),
        forbidden_seen: 0,
        first_unreported: 0,
        listing,
    }
    .run(lines.start, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<TokenKind> {
        lex(FileId(0), src).tokens.iter().map(|t| t.kind).collect()
    }

    fn texts(src: &str) -> Vec<String> {
        lex(FileId(0), src)
            .tokens
            .iter()
            .map(|t| t.text(src).to_string())
            .collect()
    }

    #[test]
    fn japanese_names_and_arrows() {
        use TokenKind::*;
        assert_eq!(
            kinds("flow 市町村 -> 組合 : 課税・非課税情報 for 被扶養者認定"),
            vec![
                Keyword(super::Keyword::Flow),
                Name,
                Arrow,
                Name,
                Colon,
                Name,
                Keyword(super::Keyword::For),
                Name,
                Eof
            ]
        );
        assert_eq!(texts("A→B")[..3], ["A", "→", "B"]);
        assert_eq!(kinds("A<->B")[..3], [Name, BothArrow, Name]);
        assert_eq!(texts("2024-12-04 a-b")[..2], ["2024-12-04", "a-b"]);
        // Each ASCII syntax token at the start of a token, read by its
        // bytes; a `-` or `<` that starts no arrow, `#` and `"` are read
        // the long way, as before.
        assert_eq!(
            kinds("{x}:,(y)->z<->w -v <u #c"),
            [
                LBrace, Name, RBrace, Colon, Comma, Paren, Name, Paren, Arrow, Name, BothArrow,
                Name, Name, Name, Eof
            ]
        );
        assert_eq!(texts("-v <u \"s\"")[..3], ["-v", "<u", "s"]);
    }

    #[test]
    fn strings_with_spaces_and_escapes() {
        let src = r#"actor X : 委託先 "株式会社 J M D C" "a\"b""#;
        let l = lex(FileId(0), src);
        assert_eq!(l.tokens[4].text(src), "株式会社 J M D C");
        assert_eq!(l.tokens[5].text(src), "a\"b");
        assert!(l.diagnostics.is_empty());
    }

    #[test]
    fn an_unknown_escape_is_reported_and_its_fix_doubles_the_backslash() {
        let src = r#"actor "a\nb" : Y "ok \" \\ fine""#;
        let l = lex(FileId(0), src);
        let codes: Vec<_> = l.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, [Code::MN001]);
        let d = &l.diagnostics[0];
        assert_eq!(
            &src[d.primary.start as usize..d.primary.end as usize],
            r"\n"
        );
        let fix = d.fixes.first().expect("a fix");
        assert_eq!(fix.applicability, crate::fix::Applicability::Safe);
        assert_eq!(fix.edits[0].content, r"\\");
        // The value keeps the backslash, as the fix writes it.
        assert_eq!(l.tokens[1].text(src), r"a\nb");
        // A backslash at the end of the line: the string is unterminated,
        // which MN002 says; no escape is reported.
        let l = lex(FileId(0), "actor \"abc\\\nflow");
        let codes: Vec<_> = l.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, [Code::MN002]);
    }

    #[test]
    fn unterminated_string_stops_at_line_end() {
        let l = lex(FileId(0), "actor X : Y \"label\nflow");
        assert_eq!(l.diagnostics.len(), 1);
        assert_eq!(l.diagnostics[0].code, Code::MN002);
        assert_eq!(l.tokens.last().map(|t| t.kind), Some(TokenKind::Eof));
        assert_eq!(l.tokens[5].kind, TokenKind::Keyword(Keyword::Flow));
    }

    #[test]
    fn kana_and_kanji_are_read_as_names_up_to_full_width_space() {
        assert_eq!(
            bare_name_len("ポリファーマシー対象者139 for"),
            "ポリファーマシー対象者139".len()
        );
        assert_eq!(bare_name_len("ひらがな\u{3000}x"), "ひらがな".len());
        assert_eq!(bare_name_len("カナ、x"), "カナ、x".len());
        assert_eq!(bare_name_len("ゝヿ：x"), "ゝヿ".len());
        assert_eq!(bare_name_len("ア→イ"), "ア".len());
    }

    #[test]
    fn words_typed_in_full_width_spell_keywords_and_arrows() {
        for (word, meant) in [
            ("ｆｏｒ", "for"),
            ("ｖｉａ", "via"),
            ("ａｃｔｏｒ", "actor"),
            ("ｆｌｏｗ", "flow"),
            ("fｏr", "for"),
            ("－＞", "->"),
            ("＜－＞", "<->"),
            ("-＞", "->"),
        ] {
            assert_eq!(typed_in_full_width(word), Some(meant), "{word}");
        }
        // ASCII already, a name, another kind of compatibility form, or
        // not a keyword in any width.
        for word in [
            "for",
            "->",
            "ＦＯＲ",
            "ⓕⓞⓡ",
            "ｆｏｒｍ",
            "給付ｆｏｒ",
            "（",
            "",
        ] {
            assert_eq!(typed_in_full_width(word), None, "{word}");
        }
        // Each is lexed as a name, which the parser then finds fault with.
        let src = "ｆｏｒ －＞";
        let l = lex(FileId(0), src);
        assert_eq!(texts(src)[..2], ["ｆｏｒ", "－＞"]);
        assert!(l.tokens[..2].iter().all(|t| t.kind == TokenKind::Name));
    }

    #[test]
    fn full_width_syntax_is_read_as_ascii_with_a_warning() {
        let l = lex(FileId(0), "flow A -> B：X，Y　for P ＃ comment");
        let codes: Vec<_> = l.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, [Code::MN003; 4]);
        let k: Vec<_> = l.tokens.iter().map(|t| t.kind).collect();
        assert_eq!(k[4], TokenKind::Colon);
        assert_eq!(k[6], TokenKind::Comma);
        assert_eq!(l.comments.len(), 1);
    }

    #[test]
    fn invisible_characters_are_reported_and_dropped_from_names() {
        let src = "data 課税\u{200B}情報 : X # \u{202E}evil\n";
        let l = lex(FileId(0), src);
        assert_eq!(l.diagnostics.len(), 2);
        assert!(l.diagnostics.iter().all(|d| d.code == Code::MN004));
        assert_eq!(l.tokens[1].text(src), "課税情報");
        let ctrl = lex(FileId(0), "a\u{1}b");
        assert_eq!(ctrl.diagnostics[0].code, Code::MN004);
    }

    #[test]
    fn a_flood_of_control_characters_makes_few_findings() {
        let src = "\u{1}".repeat(1000);
        let l = lex(FileId(0), &src);
        assert_eq!(l.diagnostics.len(), MAX_FORBIDDEN + 1);
        let last = l.diagnostics.last().unwrap();
        assert_eq!(last.more, 1000 - MAX_FORBIDDEN - 1);
        assert_eq!(last.primary.start as usize, MAX_FORBIDDEN);
    }

    #[test]
    fn vt_ff_and_nel_between_tokens_are_mn004() {
        for c in ['\u{b}', '\u{c}', '\u{85}'] {
            let src = format!("actor a{c}: b");
            let l = lex(FileId(0), &src);
            assert_eq!(l.diagnostics.len(), 1, "U+{:04X}", c as u32);
            assert_eq!(l.diagnostics[0].code, Code::MN004);
        }
    }

    #[test]
    fn invisible_characters_and_line_separators_are_mn004_in_names_strings_and_comments() {
        for c in [
            '\u{2028}',
            '\u{2029}',
            '\u{034F}',
            '\u{115F}',
            '\u{3164}',
            '\u{FFA0}',
            '\u{E0001}',
            '\u{E0020}',
            '\u{1D173}',
            '\u{1BCA0}',
            '\u{206A}',
            '\u{180E}',
            '\u{FFF9}',
            '\u{17B4}',
            '\u{2800}',
        ] {
            for src in [
                format!("actor 基幹{c} : 組合"),
                format!("actor 基幹 : 組合 \"基幹{c}システム\""),
                format!("# 確認済み{c}flow a -> b : c\n"),
            ] {
                let l = lex(FileId(0), &src);
                let codes: Vec<Code> = l.diagnostics.iter().map(|d| d.code).collect();
                assert_eq!(codes, [Code::MN004], "U+{:04X} in {src:?}", c as u32);
            }
        }
        // Variation selectors write a glyph's variant (葛󠄀, ☎️): allowed.
        for c in ['\u{FE0F}', '\u{E0100}', '\u{E01EF}'] {
            let l = lex(FileId(0), &format!("actor 葛{c} : 組合 \"葛{c}\" # 葛{c}"));
            assert!(l.diagnostics.is_empty(), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn the_byte_prefilter_never_misses_a_forbidden_character() {
        for c in (0..=0x10FFFFu32)
            .filter_map(char::from_u32)
            .filter(|c| is_forbidden(*c))
        {
            assert!(
                may_hold_forbidden(c.encode_utf8(&mut [0; 4])),
                "U+{:04X}",
                c as u32
            );
        }
    }

    /// Where a bare name at the start of `s` ends, a character at a time
    /// by [`ends_name`]: what [`bare_name_len`] must find.
    fn name_end_by_ends_name(s: &str) -> usize {
        let mut end = 0;
        while end < s.len() && !ends_name(&s[end..]) {
            end += s[end..].chars().next().map_or(1, char::len_utf8);
        }
        end
    }

    #[test]
    fn bare_names_end_where_ends_name_says() {
        let samples = [
            "市町村->組合",
            "a<->b",
            "a-b->c",
            "課税・非課税情報，X",
            "名前\u{3000}次",
            "x→y",
            "abc\u{85}def",
            "R I Z A P",
            "2024-12-04 x",
            "a#b",
            "a\"b",
            "ＡＢ：",
            "a<b",
        ];
        for s in samples {
            assert_eq!(bare_name_len(s), name_end_by_ends_name(s), "{s:?}");
        }
    }

    /// Does `stops` (whether each byte of a block of `N` bytes but the
    /// last stops a plain run, its `bit(j)`th bit for byte `j`) say what
    /// [`stops_plain_run`] says, for every byte followed by every byte, in
    /// every place of the block, among bytes that do not stop it and
    /// among bytes that do?
    fn stops_as_one_at_a_time<const N: usize>(
        stops: impl Fn(&[u8; N]) -> u64,
        bit: fn(usize) -> usize,
    ) {
        for fill in [b'a', 0x80, 0xE5, b' ', 0xE3] {
            for x in 0..=255u8 {
                for next in 0..=255u8 {
                    for k in 0..N - 1 {
                        let mut block = [fill; N];
                        block[k] = x;
                        block[k + 1] = next;
                        let stops = stops(&block);
                        for (j, pair) in block.windows(2).enumerate() {
                            let one = stops_plain_run(pair[0], pair[1]);
                            assert_eq!(stops >> bit(j) & 1 == 1, one, "{block:x?} byte {j}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn eight_bytes_at_once_stop_a_plain_run_where_one_at_a_time_does() {
        stops_as_one_at_a_time::<9>(
            |word| {
                let x = u64::from_le_bytes(word[..8].try_into().expect("8"));
                let next = u64::from_le_bytes(word[1..].try_into().expect("8"));
                plain_run_stops(x, next)
            },
            |j| 8 * j + 7,
        );
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn sixteen_bytes_at_once_stop_a_plain_run_where_one_at_a_time_does() {
        stops_as_one_at_a_time::<17>(|block| u64::from(sixteen_at_a_time::stops(block)), |j| j);
    }

    #[test]
    fn long_bare_names_end_where_ends_name_says() {
        // Every character after names long enough to be read eight bytes
        // at a time, ending in every place of a word.
        let heads: Vec<String> = (0..16)
            .map(|n| format!("{}{}", "基幹システム".repeat(1 + n % 3), "x".repeat(n)))
            .collect();
        for head in &heads {
            assert_eq!(name_end_by_ends_name(&format!("{head} ")), head.len());
        }
        // No head ends a name, and `ends_name` only reads forward: where
        // the name ends is found once per character, after the head.
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let tail = format!("{c}b c");
            let after_head = name_end_by_ends_name(&tail);
            for head in &heads {
                let s = format!("{head}{tail}");
                assert_eq!(bare_name_len(&s), head.len() + after_head, "{s:?}");
            }
        }
        // And everything this module's samples end at, after a long name.
        for tail in [
            "->x", "<->x", "-x ", "<x ", ":x", "　x", "→x", "，x", "\u{85}x", "！x",
        ] {
            for head in &heads {
                let s = format!("{head}{tail}");
                assert_eq!(bare_name_len(&s), name_end_by_ends_name(&s), "{s:?}");
            }
        }
    }

    #[test]
    fn every_character_ends_a_bare_name_or_not_as_ends_name_says() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            for s in [format!("a{c}b c"), format!("{c}b c"), format!("ア{c}")] {
                assert_eq!(bare_name_len(&s), name_end_by_ends_name(&s), "{s:?}");
            }
        }
    }

    #[test]
    fn a_token_read_as_a_plain_name_is_one_by_every_other_test() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let s = format!("{c}->x");
            if starts_plain_name(s.as_bytes()) {
                assert!(full_width_syntax(c).is_none(), "{c:?}");
                assert!(!is_forbidden(c) && !c.is_whitespace(), "{c:?}");
                assert!(!matches!(c, '#' | '"'), "{c:?}");
                assert!(punctuation(&s).is_none(), "{c:?}");
                assert!(bare_name(&s).0 > 0, "{c:?}");
            }
        }
    }

    #[test]
    fn a_bare_name_read_as_usual_holds_no_forbidden_character() {
        let mut names: Vec<String> = [
            "給付システム",
            "ア・イ",
            "abc_1-2",
            "ひらがなカタカナ漢字",
            "x\u{1}y",
            "a\u{7f}",
            "課税\u{200B}情報",
            "ａｂ",
            "é",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        names.extend(
            (0x20..=0x10FFFFu32)
                .filter_map(char::from_u32)
                .map(|c| format!("名{c}x")),
        );
        for s in &names {
            let (len, unusual) = bare_name(s);
            if !unusual {
                assert!(!may_hold_forbidden(&s[..len]), "{s:?}");
            }
        }
    }

    #[test]
    fn crlf_and_tabs_are_white_space() {
        assert_eq!(texts("flow\tA\r\n->\r\nB")[..4], ["flow", "A", "->", "B"]);
    }

    /// A CR that no LF follows ends no line: not a comment (which reads
    /// on to the LF, as the lines suppressions count do), not a string,
    /// not white space between tokens. Each is MN004, at the CR.
    #[test]
    fn a_lone_cr_is_mn004_and_ends_no_comment_or_string() {
        let src = "flow A -> B : X # mynaflow: allow MN202 reason=\"x\"\rflow A -> C : X\n";
        let l = lex(FileId(0), src);
        let at = src.find('\r').unwrap();
        assert_eq!(l.diagnostics.len(), 1, "{:?}", l.diagnostics);
        assert_eq!(l.diagnostics[0].code, Code::MN004);
        assert_eq!(l.diagnostics[0].primary.start as usize, at);
        assert_eq!(l.diagnostics[0].primary.end as usize, at + 1);
        assert!(l.diagnostics[0].message.en.contains("U+000D"));
        // The comment runs to the LF, the second flow inside it.
        assert_eq!(l.comments.len(), 1);
        assert!(l.comments[0].text.ends_with("\rflow A -> C : X"));
        assert_eq!(kinds(src).len(), 7);
        // Between tokens, in a string, at the end of the text.
        for (src, at) in [
            ("flow A\r-> B", 6),
            ("actor A : b \"x\ry\"\n", 14),
            ("actor A : b\r", 11),
            ("# c\r", 3),
            ("# c\r\r\n", 3),
        ] {
            let l = lex(FileId(0), src);
            let found: Vec<(Code, u32)> = l
                .diagnostics
                .iter()
                .map(|d| (d.code, d.primary.start))
                .collect();
            assert_eq!(found, [(Code::MN004, at)], "{src:?}");
            assert_eq!(l.forbidden, 1, "{src:?}");
        }
        // The string reads on past the lone CR, which it drops.
        let src = "actor A : b \"x\ry\"\n";
        assert_eq!(lex(FileId(0), src).tokens[4].text(src), "xy");
    }

    #[test]
    fn crlf_ends_comments_and_strings_as_lf_does() {
        for src in ["# c\r\nflow", "\"x\r\nflow", "a\r\n\r\nflow # c\r\n"] {
            let l = lex(FileId(0), src);
            assert_eq!(l.forbidden, 0, "{src:?}");
            assert!(!l.comments.iter().any(|c| c.text.contains('\r')), "{src:?}");
            assert!(
                l.tokens
                    .iter()
                    .any(|t| t.kind == TokenKind::Keyword(Keyword::Flow)),
                "{src:?}"
            );
        }
        assert_eq!(lex(FileId(0), "# c\r\n").comments[0].text, " c");
    }

    #[test]
    fn comments_are_kept() {
        let l = lex(FileId(0), "flow A -> B : X # expect: MN102\n");
        assert_eq!(l.comments[0].text, " expect: MN102");
    }
}
