//! GitHub code scanning's `primaryLocationLineHash`, computed as
//! `github/codeql-action` computes it on upload (`fingerprints.ts`), so a
//! log carries the value GitHub would have computed itself and alerts keep
//! their identity when lines move.
//!
//! The algorithm, reproduced step for step: the file is read as UTF-16 code
//! units; spaces and tabs are skipped; CR, LF and CRLF all become one LF;
//! an end-of-file marker (65535) follows the text, then zeros. The hash of
//! a line is a polynomial hash (base 37, wrapping 64-bit arithmetic) of the
//! `BLOCK` code units that start at the line's first kept unit, written
//! as lowercase hexadecimal without leading zeros, followed by `:n` where
//! `n` counts how often that hash has occurred so far in the file. Lines
//! are numbered as the hasher numbers them (a lone CR ends a line).
//!
//! The window is a ring buffer and the hash is rolled, so the cost is
//! linear in the file's length; a large file is hashed in pieces on every
//! core (see `hash_lines_in_pieces`), and the hashes are kept as numbers
//! until a finding's line asks for its text.

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::ops::Range;

/// How many code units a line's hash covers.
const BLOCK: usize = 100;
/// The base of the polynomial.
const MOD: u64 = 37;
/// Stands for the end of the file.
const EOF: u16 = 65535;

/// The hash of every line of a text, kept as numbers: a SARIF log needs
/// the hashes of the few lines with findings, but each hash's count of
/// earlier occurrences depends on every line before it. The counts are
/// taken for the lines asked for only ([`LineHashes::of_lines`]): counting
/// every hash of a million-line design was a serial pass through a hash
/// map of a million entries, 40 % of a SARIF log's time.
pub struct LineHashes {
    /// Line `i + 1`'s hash, a list for each piece of the text hashed on
    /// its own, in order.
    pieces: Vec<Vec<u64>>,
}

impl LineHashes {
    /// The hash of every line of `text`, in order. There is always one
    /// more line than the text has line breaks (an empty text has one
    /// line).
    pub fn of(text: &str) -> LineHashes {
        LineHashes {
            pieces: hash_lines_in_pieces(text, PIECE_BYTES),
        }
    }

    /// The hash of line `line` (counted from 1) as the upload action
    /// writes it, `hash:n` ([`LineHashes::of_lines`] for many lines: each
    /// call reads the hashes up to the line).
    pub fn get(&self, line: usize) -> Option<String> {
        self.of_lines(&[line]).remove(&line)
    }

    /// The hash of each of `lines` (counted from 1, in any order, repeats
    /// allowed) as the upload action writes it, `hash:n`, where `n`
    /// counts the lines up to it with the same hash; a line past the
    /// text has none. One pass over the hashes up to the last line
    /// asked, counting only the hashes of the lines asked.
    pub fn of_lines(&self, lines: &[usize]) -> FxHashMap<usize, String> {
        let mut asked: Vec<usize> = lines.iter().copied().filter(|&l| l > 0).collect();
        asked.sort_unstable();
        asked.dedup();
        let all = || self.pieces.iter().flatten().copied().enumerate();
        // The hash of each line asked: the hashes to count.
        let mut wanted: Vec<(usize, u64)> = Vec::with_capacity(asked.len());
        let mut hashes = all();
        for &line in &asked {
            match hashes.find(|&(i, _)| i + 1 == line) {
                Some((_, hash)) => wanted.push((line, hash)),
                None => break,
            }
        }
        let mut counts: FxHashMap<u64, u32> = wanted.iter().map(|&(_, h)| (h, 0)).collect();
        let mut out = FxHashMap::default();
        let mut next = wanted.iter().peekable();
        for (i, hash) in all() {
            let Some(&&(line, asked_hash)) = next.peek() else {
                break;
            };
            if let Some(n) = counts.get_mut(&hash) {
                *n += 1;
            }
            if i + 1 == line {
                let n = counts.get(&asked_hash).copied().unwrap_or(0);
                out.insert(line, format!("{asked_hash:x}:{n}"));
                next.next();
            }
        }
        out
    }
}

/// Text one task hashes: a million-line design is hashed on every core.
const PIECE_BYTES: usize = 1 << 20;

/// Every line's hash, in order, `text` cut into pieces of about
/// `piece_bytes` after line feeds. A line's hash covers the [`BLOCK`] kept
/// units from its start, whatever came before (the rolled hash is exact
/// in wrapping arithmetic), so each piece is hashed on its own, on every
/// core, reading on past its end until its last line's block is complete.
fn hash_lines_in_pieces(text: &str, piece_bytes: usize) -> Vec<Vec<u64>> {
    let pieces = pieces(text, piece_bytes);
    if pieces.len() > 1 {
        pieces
            .par_iter()
            .map(|r| hash_piece(text, r.clone()))
            .collect()
    } else {
        pieces.iter().map(|r| hash_piece(text, r.clone())).collect()
    }
}

/// `text` cut into ranges of about `piece_bytes`, each but the last
/// ending just after a line feed (where a line starts afresh: no CR
/// pending, the next kept unit starts a line). Never empty.
fn pieces(text: &str, piece_bytes: usize) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start: usize = 0;
    loop {
        let end = start
            .checked_add(piece_bytes.max(1))
            .filter(|&at| at < text.len())
            .and_then(|at| memchr::memchr(b'\n', &text.as_bytes()[at..]).map(|i| at + i + 1))
            .unwrap_or(text.len());
        out.push(start..end);
        if end >= text.len() {
            return out;
        }
        start = end;
    }
}

/// The hashes of the lines whose first kept unit is in `range` of `text`
/// (and of the end-of-file line, when `range` reaches the end), in order.
fn hash_piece(text: &str, range: Range<usize>) -> Vec<u64> {
    let rest = text.get(range.start..).unwrap_or_default();
    let end = range.end - range.start;
    let mut h = Hasher::new();
    let bytes = rest.as_bytes();
    let mut units = [0u16; 2];
    let mut at = 0;
    while let Some(&b) = bytes.get(at) {
        if at >= end && h.pending == 0 {
            return h.out;
        }
        // ASCII is one code unit: most of a design's spaces, line breaks
        // and punctuation are, and need no decoding.
        if b.is_ascii() {
            h.push(u16::from(b), at < end);
            at += 1;
            continue;
        }
        // A three-byte character (kana, kanji, full-width forms: most of a
        // Japanese design's text) is one code unit, decoded here rather
        // than through `char`.
        if b & 0xF0 == 0xE0
            && let Some(&[b1, b2]) = bytes.get(at + 1..at + 3)
        {
            let unit =
                (u16::from(b & 0x0F) << 12) | (u16::from(b1 & 0x3F) << 6) | u16::from(b2 & 0x3F);
            h.push(unit, at < end);
            at += 3;
            continue;
        }
        // `at` follows a whole character: `get` cannot miss.
        let Some(c) = rest.get(at..).and_then(|r| r.chars().next()) else {
            break;
        };
        for &unit in c.encode_utf16(&mut units).iter() {
            h.push(unit, at < end);
        }
        at += c.len_utf8();
    }
    h.push(EOF, range.end == text.len());
    h.finish()
}

/// The upload action's rolling hash over a window of [`BLOCK`] code units.
struct Hasher {
    /// `MOD` to the power `BLOCK`: the weight of the unit leaving.
    first_mod: u64,
    window: [u16; BLOCK],
    /// Does a line start at this window position?
    starts: [bool; BLOCK],
    /// Lines started and not yet hashed.
    pending: usize,
    hash: u64,
    index: usize,
    line_start: bool,
    prev_cr: bool,
    out: Vec<u64>,
}

impl Hasher {
    fn new() -> Hasher {
        Hasher {
            first_mod: (0..BLOCK).fold(1u64, |m, _| m.wrapping_mul(MOD)),
            window: [0; BLOCK],
            starts: [false; BLOCK],
            pending: 0,
            hash: 0,
            index: 0,
            line_start: true,
            prev_cr: false,
            out: Vec::new(),
        }
    }

    /// Takes in one code unit of the file; `may_start` says whether a line
    /// may start at it.
    fn push(&mut self, unit: u16, may_start: bool) {
        if unit == b' ' as u16 || unit == b'\t' as u16 || (self.prev_cr && unit == b'\n' as u16) {
            self.prev_cr = false;
            return;
        }
        self.prev_cr = unit == b'\r' as u16;
        let current = if self.prev_cr { b'\n' as u16 } else { unit };
        self.emit_due();
        if self.line_start && may_start {
            self.line_start = false;
            self.starts[self.index] = true;
            self.pending += 1;
        }
        if current == b'\n' as u16 {
            self.line_start = true;
        }
        self.roll(current);
    }

    /// The line that started [`BLOCK`] units ago has its hash now.
    fn emit_due(&mut self) {
        if self.starts[self.index] {
            self.starts[self.index] = false;
            self.pending -= 1;
            self.out.push(self.hash);
        }
    }

    fn roll(&mut self, current: u16) {
        let begin = self.window[self.index];
        self.window[self.index] = current;
        self.hash = MOD
            .wrapping_mul(self.hash)
            .wrapping_add(u64::from(current))
            .wrapping_sub(self.first_mod.wrapping_mul(u64::from(begin)));
        // Not `% BLOCK`: a division for every unit of the file.
        self.index += 1;
        if self.index == BLOCK {
            self.index = 0;
        }
    }

    /// After the end of the file: zeros until every line has its hash.
    fn finish(mut self) -> Vec<u64> {
        for _ in 0..BLOCK {
            self.emit_due();
            self.roll(0);
        }
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// How many lines `h` holds.
    fn lines_of(h: &LineHashes) -> usize {
        h.pieces.iter().map(Vec::len).sum()
    }

    /// Every line's `hash:n`, each line asked for.
    fn line_hashes(text: &str) -> Vec<String> {
        let h = LineHashes::of(text);
        let lines: Vec<usize> = (1..=lines_of(&h)).collect();
        let got = h.of_lines(&lines);
        assert_eq!(got.len(), lines.len());
        lines.iter().filter_map(|l| got.get(l).cloned()).collect()
    }

    // The expected values are those of codeql-action's own tests
    // (src/fingerprints.test.ts).
    #[test]
    fn matches_the_upload_action() {
        assert_eq!(line_hashes(""), ["c129715d7a2bc9a3:1"]);
        assert_eq!(
            line_hashes(" a\nb\n  \t\tc\n d"),
            [
                "271789c17abda88f:1",
                "54703d4cd895b18:1",
                "180aee12dab6264:1",
                "a23a3dc5e078b07b:1"
            ]
        );
        assert_eq!(
            line_hashes(" hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End"),
            [
                "8b7cf3e952e7aeb2:1",
                "b1ae1287ec4718d9:1",
                "bff680108adb0fcc:1",
                "c6805c5e1288b612:1",
                "b86d3392aea1be30:1",
                "e6ceba753e1a442:1",
            ]
        );
        let expected = [
            "e9496ae3ebfced30:1",
            "fb7c023a8b9ccb3f:1",
            "ce8ba1a563dcdaca:1",
            "e20e36e16fcb0cc8:1",
            "b3edc88f2938467e:1",
            "c8e28b0b4002a3a0:1",
            "c129715d7a2bc9a3:1",
        ];
        for text in [
            " hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n",
            " hello; \t\nworld!!!\r\r\r  \t\tGreetings\r End\r",
            " hello; \t\r\nworld!!!\r\n\r\n\r\n  \t\tGreetings\r\n End\r\n",
            " hello; \t\nworld!!!\r\n\n\r  \t\tGreetings\r End\r\n",
        ] {
            assert_eq!(line_hashes(text), expected, "{text:?}");
        }
        assert_eq!(
            line_hashes(&"Lorem ipsum dolor sit amet.\n".repeat(10)),
            [
                "a7f2ff13bc495cf2:1",
                "a7f2ff13bc495cf2:2",
                "a7f2ff13bc495cf2:3",
                "a7f2ff13bc495cf2:4",
                "a7f2ff13bc495cf2:5",
                "a7f2ff13bc495cf2:6",
                "a7f2ff1481e87703:1",
                "a9cf91f7bbf1862b:1",
                "55ec222b86bcae53:1",
                "cc97dc7b1d7d8f7b:1",
                "c129715d7a2bc9a3:1"
            ]
        );
    }

    /// The hashes as the upload action reads the file: its UTF-16 code
    /// units in one stream, every line starting where it does.
    fn hashed_as_utf16(text: &str) -> Vec<u64> {
        let mut h = Hasher::new();
        for unit in text.encode_utf16() {
            h.push(unit, true);
        }
        h.push(EOF, true);
        h.finish()
    }

    #[test]
    fn pieces_hash_as_the_whole_text_does() {
        let texts = [
            String::new(),
            "\n".repeat(7),
            "actor 組合 : 組合\r\n\u{1F600}x\rflow\n".repeat(40),
            " hello; \t\nworld!!!\r\n\n\r  \t\tGreetings\r End\r\n".repeat(30),
            format!("{}\n{}\r\n\r\n", "a".repeat(250), "  ".repeat(120)),
            "Lorem ipsum dolor sit amet.\n".repeat(25) + "end",
            "組合 -> 😀 : 氏名\u{3000}\t\r\n".repeat(60) + "é\u{301}\u{10ffff}",
        ];
        let flat = |pieces: Vec<Vec<u64>>| pieces.concat();
        for text in &texts {
            let whole = flat(hash_lines_in_pieces(text, usize::MAX));
            assert_eq!(whole, hashed_as_utf16(text), "{text:?}");
            assert_eq!(
                whole.len(),
                text.matches('\n').count() - text.matches("\r\n").count()
                    + text.matches('\r').count()
                    + 1,
                "{text:?}"
            );
            for piece in [1, 2, 3, 5, 17, 64, 99, 100, 101, 333] {
                assert_eq!(
                    flat(hash_lines_in_pieces(text, piece)),
                    whole,
                    "{piece} {text:?}"
                );
            }
        }
    }

    /// Some lines asked (in any order, repeated, past the end) get what
    /// asking every line gives them.
    #[test]
    fn lines_asked_alone_are_counted_as_among_all() {
        let text = "Lorem ipsum dolor sit amet.\n".repeat(10) + &"flow a -> b : c\n".repeat(300);
        let h = LineHashes::of(&text);
        let every: Vec<usize> = (1..=lines_of(&h)).collect();
        let all = h.of_lines(&every);
        for asked in [
            vec![],
            vec![1],
            vec![5, 3, 5, 12],
            vec![311, 2, 150, 0, 10_000],
            vec![lines_of(&h)],
            (1..=lines_of(&h)).rev().step_by(7).collect(),
        ] {
            let got = h.of_lines(&asked);
            let want: FxHashMap<usize, String> = (asked.iter())
                .filter_map(|l| Some((*l, all.get(l)?.clone())))
                .collect();
            assert_eq!(got, want, "{asked:?}");
        }
        // A repeated line counts its earlier occurrences.
        assert_eq!(all[&6], "a7f2ff13bc495cf2:6");
    }

    /// Texts drawn from the units the hash treats apart (spaces, tabs,
    /// each line break, ASCII, two-, three- and four-byte characters),
    /// cut into pieces of any size, hash as the upload action reads them.
    #[test]
    fn any_text_in_any_pieces_hashes_as_the_action_reads_it() {
        const UNITS: [&str; 10] = [
            " ", "\t", "\r", "\n", "\r\n", "a", "あ", "😀", "é", "\u{3000}",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..400 {
            let len = (next() % 700) as usize;
            let text: String = (0..len).map(|_| UNITS[(next() % 10) as usize]).collect();
            let piece = 1 + (next() % 300) as usize;
            assert_eq!(
                hash_lines_in_pieces(&text, piece).concat(),
                hashed_as_utf16(&text),
                "{piece} {text:?}"
            );
        }
    }

    #[test]
    fn one_hash_per_line_whatever_the_text() {
        let text = "actor 組合 : 組合\r\n\u{1F600}x\rflow\n".repeat(50);
        assert_eq!(line_hashes(&text).len(), 50 * 3 + 1);
    }
}
