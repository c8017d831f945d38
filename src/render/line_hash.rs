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
//! Each line's hash is taken from the hashes of the prefixes of the units
//! (`Stream`) rather than from a window rolled over them, so the cost is
//! linear in the file's length, a multiplication a unit; a large file is
//! hashed in pieces on every core (see `hash_lines_in_pieces`), and the
//! hashes are kept as numbers until a finding's line asks for its text.
//! The tests hold it to the rolled window, step for step as the action
//! computes it.

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::collections::VecDeque;
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
/// (and of the end-of-file line, when `range` reaches the end), in order:
/// the range's own lines, then the text after it until the last of them
/// has its [`BLOCK`] units.
fn hash_piece(text: &str, range: Range<usize>) -> Vec<u64> {
    let rest = text.get(range.start..).unwrap_or_default();
    let end = range.end - range.start;
    let mut s = Stream::new();
    let mut lines = Lines::default();
    let mut at = 0;
    while at < end {
        at = s.read(rest, at, true, &mut lines);
    }
    while at < rest.len() {
        if lines.waiting.is_empty() {
            return lines.out;
        }
        at = s.read(rest, at, false, &mut lines);
    }
    s.push(EOF, range.end == text.len(), &mut lines);
    // After the end of the file: zeros until every line has its hash
    // (a line waits for at most `BLOCK` units, and the loop is bounded
    // whatever the stream's state).
    for _ in 0..BLOCK {
        if lines.waiting.is_empty() {
            break;
        }
        s.keep(0, &mut lines);
    }
    lines.out
}

/// `MOD` to the power `BLOCK`, in wrapping arithmetic.
const MOD_TO_BLOCK: u64 = MOD.wrapping_pow(BLOCK as u32);

/// The upload action's hash of each line, from a hash of every prefix of
/// the kept units rather than a window rolled over them: the hash of the
/// [`BLOCK`] units from `s` is `P(s + BLOCK) - MOD^BLOCK * P(s)` in
/// wrapping arithmetic, where `P(n)` is the polynomial hash of the first
/// `n` units. A unit costs one multiplication and an addition, kept in
/// registers (the rolled window, and a call a unit, were nearly all of a
/// SARIF log's time at a million flows); the lines ([`Lines`]) are
/// touched once where each starts and once where it ends.
struct Stream {
    /// `P(kept)`.
    prefix: u64,
    /// Units kept so far.
    kept: usize,
    /// When the first line waiting in [`Lines`] is due (`usize::MAX`:
    /// none waits).
    next_due: usize,
    /// Does the next kept unit start a line?
    line_start: bool,
    /// Was the last unit a carriage return (a line feed after it is
    /// skipped)?
    prev_cr: bool,
}

/// The lines a [`Stream`] has started and those it has hashed.
#[derive(Default)]
struct Lines {
    /// The lines started whose [`BLOCK`] units are not all kept yet: the
    /// count of units at which each is due, and `P` where it started.
    waiting: VecDeque<(usize, u64)>,
    /// Each hashed line's hash, in order.
    out: Vec<u64>,
}

impl Lines {
    /// A line starts where `P` is `prefix` and is due at `due`; the next
    /// due after that.
    fn start(&mut self, due: usize, prefix: u64, next_due: usize) -> usize {
        self.waiting.push_back((due, prefix));
        next_due.min(due)
    }

    /// The first waiting line has its [`BLOCK`] units, `P` now being
    /// `prefix`: its hash is out. The next due after it.
    fn emit(&mut self, prefix: u64) -> usize {
        if let Some((_, start)) = self.waiting.pop_front() {
            (self.out).push(prefix.wrapping_sub(MOD_TO_BLOCK.wrapping_mul(start)));
        }
        self.waiting.front().map_or(usize::MAX, |&(due, _)| due)
    }
}

impl Stream {
    fn new() -> Stream {
        Stream {
            prefix: 0,
            kept: 0,
            next_due: usize::MAX,
            line_start: true,
            prev_cr: false,
        }
    }

    /// Takes in the character at byte `at` of `text` (a character
    /// boundary); where the next one is. `may_start` says whether a line
    /// may start at it.
    #[inline(always)]
    fn read(&mut self, text: &str, at: usize, may_start: bool, lines: &mut Lines) -> usize {
        let bytes = text.as_bytes();
        let Some(&b) = bytes.get(at) else {
            return bytes.len();
        };
        // Printable ASCII, and a three-byte character (kana, kanji,
        // full-width forms), are one code unit that is neither skipped
        // nor a line break, and starts a line only after one: most of a
        // Japanese design's text, decoded here rather than through `char`.
        if b.is_ascii() {
            if (b'!'..=b'~').contains(&b) && !self.line_start {
                self.prev_cr = false;
                self.keep(u16::from(b), lines);
            } else {
                self.push(u16::from(b), may_start, lines);
            }
            return at + 1;
        }
        if b & 0xF0 == 0xE0
            && let Some(&[b1, b2]) = bytes.get(at + 1..at + 3)
        {
            let unit =
                (u16::from(b & 0x0F) << 12) | (u16::from(b1 & 0x3F) << 6) | u16::from(b2 & 0x3F);
            if self.line_start {
                self.push(unit, may_start, lines);
            } else {
                self.prev_cr = false;
                self.keep(unit, lines);
            }
            return at + 3;
        }
        // `at` follows a whole character: `get` cannot miss.
        let Some(c) = text.get(at..).and_then(|r| r.chars().next()) else {
            return bytes.len();
        };
        for &unit in c.encode_utf16(&mut [0u16; 2]).iter() {
            self.push(unit, may_start, lines);
        }
        at + c.len_utf8()
    }

    /// Takes in one code unit of the file; `may_start` says whether a line
    /// may start at it.
    #[inline(always)]
    fn push(&mut self, unit: u16, may_start: bool, lines: &mut Lines) {
        if unit == b' ' as u16 || unit == b'\t' as u16 || (self.prev_cr && unit == b'\n' as u16) {
            self.prev_cr = false;
            return;
        }
        self.prev_cr = unit == b'\r' as u16;
        let current = if self.prev_cr { b'\n' as u16 } else { unit };
        if self.line_start && may_start {
            self.line_start = false;
            self.next_due = lines.start(self.kept + BLOCK, self.prefix, self.next_due);
        }
        if current == b'\n' as u16 {
            self.line_start = true;
        }
        self.keep(current, lines);
    }

    /// Keeps `unit`: one [`Stream::push`] does not skip and whose line,
    /// if it starts one, is waiting already.
    #[inline(always)]
    fn keep(&mut self, unit: u16, lines: &mut Lines) {
        self.prefix = self.prefix.wrapping_mul(MOD).wrapping_add(u64::from(unit));
        self.kept += 1;
        if self.kept == self.next_due {
            self.next_due = lines.emit(self.prefix);
        }
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

    /// The hashes as the upload action computes them, step for step
    /// (`fingerprints.ts`): its UTF-16 code units in one stream, every
    /// line starting where it does, a window of [`BLOCK`] units rolled
    /// over them. What [`Stream`] computes another way.
    fn hashed_as_utf16(text: &str) -> Vec<u64> {
        let first_mod = (0..BLOCK).fold(1u64, |m, _| m.wrapping_mul(MOD));
        let mut window = [0u16; BLOCK];
        let mut starts = [false; BLOCK];
        let (mut hash, mut index, mut line_start, mut prev_cr) = (0u64, 0, true, false);
        let mut out = Vec::new();
        let mut roll = |current: u16, line_start: bool, out: &mut Vec<u64>| {
            if starts[index] {
                out.push(hash);
            }
            starts[index] = line_start;
            let begin = window[index];
            window[index] = current;
            hash = MOD
                .wrapping_mul(hash)
                .wrapping_add(u64::from(current))
                .wrapping_sub(first_mod.wrapping_mul(u64::from(begin)));
            index = (index + 1) % BLOCK;
        };
        for unit in text.encode_utf16().chain([EOF]) {
            if unit == b' ' as u16 || unit == b'\t' as u16 || (prev_cr && unit == b'\n' as u16) {
                prev_cr = false;
                continue;
            }
            prev_cr = unit == b'\r' as u16;
            let current = if prev_cr { b'\n' as u16 } else { unit };
            roll(current, line_start, &mut out);
            line_start = current == b'\n' as u16;
        }
        for _ in 0..BLOCK {
            roll(0, false, &mut out);
        }
        out
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
        const UNITS: [&str; 14] = [
            " ", "\t", "\r", "\n", "\r\n", "a", "あ", "😀", "é", "\u{3000}", "!", "~", "\u{7f}",
            "\u{b}",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..2000 {
            let len = (next() % 700) as usize;
            let text: String = (0..len).map(|_| UNITS[(next() % 14) as usize]).collect();
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
