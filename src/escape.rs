//! Visible escaping of characters that must never reach an output as they
//! are: C0/C1 controls, DEL, bidirectional controls and invisible format
//! characters. A design may contain them (MN004 reports them), and a
//! terminal, a CI log or a reviewer's screen would otherwise obey them
//! (move the cursor, start a workflow command after a lone CR, reorder text).
//!
//! Every renderer passes text that came from input through [`visible`]
//! before writing it. The escaped form is `\u{1b}`-style, so a reader can see
//! what MN004 points at.
//!
//! The same functions break a GitHub Actions runner's legacy command form,
//! which it looks for anywhere in a line: the `[` of `##[` (`##[add-mask]`,
//! `##[stop-commands]`) is shown as `\u{5b}` ([`legacy_command_at`]).

use std::borrow::Cow;

/// Must `c` be shown escaped? Tab stays as it is; CR and LF are escaped
/// too, because a single output line must stay a single line.
pub fn needs_escape(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}'
        | '\u{a}'..='\u{1f}'
        | '\u{7f}'..='\u{9f}'
        // bidi embeddings, overrides and isolates
        | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}'
        // zero-width and direction marks, word joiner and friends
        | '\u{200b}'..='\u{200f}'
        | '\u{2028}' | '\u{2029}'
        | '\u{2060}'..='\u{2064}'
        | '\u{feff}'
        | '\u{ad}'
        | '\u{061c}'
        | '\u{180e}'
        | '\u{fff9}'..='\u{fffb}'
        // the other default-ignorable code points that are not variation
        // selectors: invisible, and able to make two names look alike
        | '\u{034f}'
        | '\u{115f}'..='\u{1160}'
        | '\u{17b4}'..='\u{17b5}'
        | '\u{2065}'..='\u{206f}'
        | '\u{ffa0}'
        | '\u{fff0}'..='\u{fff8}'
        // not default-ignorable, but drawn as a blank that is no white
        // space (it neither ends a name nor is removed from its key), so a
        // name with one looks like the name without it
        | '\u{2800}'
        // tags, and the unassigned rest of their block and of the
        // variation selectors' supplement (whose selectors stay: an
        // ideographic variation sequence is how a name writes 葛󠄀)
        | '\u{e0000}'..='\u{e00ff}'
        | '\u{e01f0}'..='\u{e0fff}'
    )
}

/// Is `c` a variation selector: VS1–VS16 (U+FE00–U+FE0F, VS16 asking
/// for an emoji's colour form), the ideographic variation selectors
/// (U+E0100–U+E01EF, `葛` + U+E0100 for the 葛 of a register of names),
/// or a Mongolian free variation selector (U+180B–U+180D, U+180F)?
/// Invisible and default-ignorable like the characters
/// [`needs_escape`] takes, but not escaped: each changes how the
/// character before it is drawn, and a name may need it. So two names
/// that differ only by one look the same: they are one name
/// ([`crate::names::key`] leaves the selectors out), and a message that
/// quotes both spellings says which code points differ.
pub fn is_variation_selector(c: char) -> bool {
    matches!(c,
        '\u{fe00}'..='\u{fe0f}' | '\u{e0100}'..='\u{e01ef}' | '\u{180b}'..='\u{180d}' | '\u{180f}')
}

/// Can a character that starts with byte `b` be a control character or
/// one that [`needs_escape`]? Every such character is ASCII below 0x20 or
/// DEL, or starts with one of seven lead bytes (U+0080–U+00AD: 0xC2;
/// U+034F: 0xCD; U+061C: 0xD8; U+115F–U+180E: 0xE1; U+200B–U+2800: 0xE2;
/// U+FEFF and U+FFA0–U+FFFB: 0xEF; U+E0000–U+E0FFF: 0xF3). Lead bytes are
/// never continuation bytes, so a byte this accepts always starts a
/// character.
/// Written without a branch: a test the compiler runs on many bytes at
/// once ([`unusual_starts`]).
pub(crate) const fn may_be_unusual(b: u8) -> bool {
    (b < 0x20)
        | (b == 0x7f)
        | (b == 0xc2)
        | (b == 0xcd)
        | (b == 0xd8)
        | (b == 0xe1)
        | (b == 0xe2)
        | (b == 0xef)
        | (b == 0xf3)
}

/// [`may_be_unusual`] but for a line feed (the one such byte on every
/// line of a file), and a `[`, which may end a legacy command's `##[`
/// (rare in a design, where `#`, of every comment, is not).
const fn may_be_unusual_in_a_line(b: u8) -> bool {
    (may_be_unusual(b) & (b != b'\n')) | (b == b'[')
}

/// [`may_be_unusual`] or a `[`: the bytes [`visible`] stops at.
const fn may_be_escaped(b: u8) -> bool {
    may_be_unusual(b) | (b == b'[')
}

/// Is the byte at `i` of `s` the `[` of `##[`, the start of a GitHub
/// Actions runner's legacy command (`##[stop-commands]token`), which the
/// runner looks for anywhere in a line of the log? That `[` is shown
/// escaped, `\u{5b}`, wherever input reaches an output: the two `#` stay,
/// and an escape never ends with `#`, so no escaped text holds `##[`.
pub fn legacy_command_at(s: &[u8], i: usize) -> bool {
    s.get(i) == Some(&b'[') && i >= 2 && s.get(i - 2..i) == Some(b"##".as_slice())
}

/// `s` with the `[` of every `##[` shown as `\u{5b}` (see
/// [`legacy_command_at`]), for text built without [`visible`] (a comment
/// of a graph, whose other escapes are its own).
pub fn no_legacy_command(s: &str) -> Cow<'_, str> {
    match s.contains("##[") {
        true => Cow::Owned(s.replace("##[", "##\\u{5b}")),
        false => Cow::Borrowed(s),
    }
}

/// The offsets of the bytes of `b` that [`may_be_unusual`] accepts, line
/// feeds left out, found a span, then a block, at a time: a whole file is
/// shown escaped only when something in it needs escaping, and asking
/// every byte in turn took 150–200 ms, serially, for a file of a million
/// flows (one line feed and a few such bytes per line).
fn unusual_starts(b: &[u8]) -> impl Iterator<Item = usize> + '_ {
    /// Bytes tested at once; a span that holds such a byte is looked at in
    /// blocks of [`BLOCK`], and a block that holds one byte by byte.
    const SPAN: usize = 4096;
    const BLOCK: usize = 64;
    let any = |bytes: &[u8]| {
        bytes
            .iter()
            .fold(false, |found, &x| found | may_be_unusual_in_a_line(x))
    };
    (b.chunks(SPAN).enumerate())
        .filter(move |(_, span)| any(span))
        .flat_map(move |(s, span)| {
            (span.chunks(BLOCK).enumerate())
                .filter(move |(_, block)| any(block))
                .flat_map(move |(k, block)| {
                    (block.iter().enumerate())
                        .filter(|&(_, &x)| may_be_unusual_in_a_line(x))
                        .map(move |(i, _)| s * SPAN + k * BLOCK + i)
                })
        })
}

/// JSON text (a document, or a value in it) with the `[` of every `##[`
/// written as JSON's own escape, `\u005b`: a reader of the document gets
/// the text back exactly, and the line in a CI log holds no `##[`. Any
/// `#` of a JSON document is inside a string, where the escape is valid.
pub fn json_no_legacy_command(json: String) -> String {
    match json.contains("##[") {
        true => json.replace("##[", "##\\u005b"),
        false => json,
    }
}

/// [`json_no_legacy_command`] of the JSON written to `out` from `from` on
/// (a string serde_json just wrote). A `[` is rare in a string, so the
/// usual case only looks.
pub fn json_no_legacy_command_from(out: &mut Vec<u8>, from: usize) {
    let Some(written) = out.get(from..) else {
        return;
    };
    if !written.contains(&b'[') || !written.windows(3).any(|w| w == b"##[") {
        return;
    }
    let tail = out.split_off(from);
    let mut k = 0;
    while k < tail.len() {
        out.push(tail[k]);
        if legacy_command_at(&tail, k + 1) {
            out.extend_from_slice(b"\\u005b");
            k += 1;
        }
        k += 1;
    }
}

/// The bytes at which [`rewrite_into`] stops to look at a character: a
/// renderer's special ASCII bytes, every byte that may start a control
/// character or one that [`needs_escape`], and `[` (of a legacy command's
/// `##[`).
/// A table, so that the scan between them is one load per byte.
pub struct Stops {
    table: [bool; 256],
    /// What the `[` of `##[` is written as: `\u{5b}`, or that as the
    /// renderer's own syntax writes a backslash.
    legacy: &'static [u8],
}

impl Stops {
    /// Stops at the ASCII bytes of `special` (a byte of 0x80 or more is a
    /// compile error where this is a constant: it could fall inside a
    /// character).
    pub const fn new(special: &[u8]) -> Stops {
        let mut table = [false; 256];
        let mut b = 0;
        while b < 256 {
            table[b] = may_be_escaped(b as u8);
            b += 1;
        }
        let mut i = 0;
        while i < special.len() {
            assert!(special[i] < 0x80, "special bytes are ASCII");
            table[special[i] as usize] = true;
            i += 1;
        }
        Stops {
            table,
            legacy: b"\\u{5b}",
        }
    }

    /// These stops, the `[` of `##[` written `legacy` (for a syntax in
    /// which a backslash must itself be escaped).
    pub const fn legacy_as(self, legacy: &'static [u8]) -> Stops {
        Stops { legacy, ..self }
    }

    /// The offset of the first byte of `bytes` to stop at.
    fn find(&self, bytes: &[u8]) -> Option<usize> {
        bytes.iter().position(|&b| self.table[usize::from(b)])
    }
}

/// Appends `s` to `out`, rewriting some characters: each character that
/// starts with one of the [`Stops`] (a special ASCII byte, or a byte that
/// may start a control character or one that [`needs_escape`]) goes
/// through `rewrite` (which
/// appends what it stands for, itself when nothing changes); the runs
/// between them are copied whole. A `[` that `out` already ends with `##`
/// before is written `\u{5b}` instead, or what [`Stops::legacy_as`] says
/// (what came before counts: the runner reads the line as written). The renderers' quoting walks the bytes
/// of every name and label this way instead of decoding each character:
/// almost every character of a design is copied as it is.
pub fn rewrite_into(
    out: &mut Vec<u8>,
    s: &str,
    stops: &Stops,
    mut rewrite: impl FnMut(char, &mut Vec<u8>),
) {
    let mut rest = s;
    // `stops` holds only ASCII bytes and lead bytes, so each stop starts a
    // character and the text splits there.
    while let Some(i) = stops.find(rest.as_bytes()) {
        let Some((run, from)) = rest.split_at_checked(i) else {
            break;
        };
        out.extend_from_slice(run.as_bytes());
        let mut chars = from.chars();
        let Some(c) = chars.next() else {
            break;
        };
        match c == '[' && out.ends_with(b"##") {
            true => out.extend_from_slice(stops.legacy),
            false => rewrite(c, out),
        }
        rest = chars.as_str();
    }
    out.extend_from_slice(rest.as_bytes());
}

/// Appends `c` to `out` as UTF-8.
pub fn push_char(out: &mut Vec<u8>, c: char) {
    out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
}

/// `s` with every character that [`needs_escape`], and the `[` of every
/// `##[` ([`legacy_command_at`]), written as `\u{XX}`. Borrowed (no
/// allocation) when nothing needs escaping, which is the usual case.
pub fn visible(s: &str) -> Cow<'_, str> {
    let Some(first) = first_to_escape(s) else {
        return Cow::Borrowed(s);
    };
    let mut out = String::with_capacity(s.len() + 8);
    out.push_str(s.get(..first).unwrap_or_default());
    let tail = s.get(first..).unwrap_or_default();
    for (i, c) in tail.char_indices() {
        if needs_escape(c) || legacy_command_at(s.as_bytes(), first + i) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Where the first character of `s` that [`needs_escape`] starts. Bytes
/// first: a design's text almost never has a byte that could start such a
/// character, and a byte scan is several times faster than decoding every
/// character; only the characters such bytes start are decoded (a
/// message's dash or arrow starts with one of them, and its Japanese
/// around it is not decoded for it).
fn first_to_escape(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut at = 0;
    loop {
        at += first_unusual(b.get(at..)?)?;
        // A byte `may_be_escaped` accepts always starts a character.
        let c = s.get(at..)?.chars().next()?;
        if needs_escape(c) || legacy_command_at(b, at) {
            return Some(at);
        }
        at += c.len_utf8();
    }
}

/// The offset of the first byte of `b` that [`may_be_escaped`] accepts,
/// found a block at a time: every message, label, note and help of every
/// finding is scanned so, by the session and again by the renderer, and
/// asked byte by byte the scan was 7 % of a run that printed 93 564
/// findings (four kilobytes of text each, in both languages).
fn first_unusual(b: &[u8]) -> Option<usize> {
    /// Bytes tested at once, without a branch (the compiler tests them
    /// together).
    const BLOCK: usize = 32;
    let mut blocks = b.chunks_exact(BLOCK);
    let mut base = 0;
    for block in &mut blocks {
        if block
            .iter()
            .fold(false, |found, &x| found | may_be_escaped(x))
        {
            return block
                .iter()
                .position(|&x| may_be_escaped(x))
                .map(|i| base + i);
        }
        base += BLOCK;
    }
    let rest = blocks.remainder();
    rest.iter()
        .position(|&x| may_be_escaped(x))
        .map(|i| base + i)
}

/// [`visible`] of an owned string: the string itself when nothing needs
/// escaping, so the usual case copies nothing.
pub fn visible_owned(s: String) -> String {
    match visible(&s) {
        Cow::Owned(v) => v,
        Cow::Borrowed(_) => s,
    }
}

/// Like [`visible`] (`##[` included), but keeps line ends (`\n`, and `\r` directly before
/// `\n`): for multi-line text such as a source excerpt. A lone CR is still
/// escaped, since it would let a line overwrite what came before it.
pub fn visible_lines(s: &str) -> Cow<'_, str> {
    let lone_cr = |i: usize| s.as_bytes().get(i + 1) != Some(&b'\n');
    let escaped = |i: usize, c: char| {
        (c != '\n' && needs_escape(c) && (c != '\r' || lone_cr(i)))
            || legacy_command_at(s.as_bytes(), i)
    };
    if !s.char_indices().any(|(i, c)| escaped(i, c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for (i, c) in s.char_indices() {
        match escaped(i, c) {
            true => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            false => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// [`visible_lines`] for a message written on lines of the tool's own (an
/// error that stops the tool, with an excerpt under it): and no line of
/// it starts, after white space, with `::`, which a GitHub Actions runner
/// reads as a workflow command (`::add-mask::`, `::stop-commands::`).
/// Such a line can only have come from input the message quotes (every
/// quoted value should already be [`visible`]); its first `:` is shown
/// escaped, `\u{3a}`.
pub fn message_lines(s: &str) -> Cow<'_, str> {
    let lines = visible_lines(s);
    let command = |line: &str| line.trim_start().starts_with("::");
    if !lines.split('\n').any(command) {
        return lines;
    }
    let mut out = String::with_capacity(lines.len() + 8);
    for line in lines.split_inclusive('\n') {
        match command(line) {
            true => {
                let indent = line.len() - line.trim_start().len();
                let (ws, rest) = line.split_at(indent);
                out.push_str(ws);
                out.push_str("\\u{3a}");
                out.push_str(rest.get(1..).unwrap_or_default());
            }
            false => out.push_str(line),
        }
    }
    Cow::Owned(out)
}

/// A file's name as outputs show it, made safe to start a line with: a
/// relative name whose first character is `:` is shown as `./:…`, the same
/// file, since a line that starts with `::` (after white space) is a
/// workflow command to a GitHub Actions runner, and several formats start
/// a line with a file's name (`concise`, the notes of JUnit). Other names
/// are returned as they are (an absolute path starts with `/`, or with a
/// drive letter on Windows).
pub fn safe_name(name: &str) -> Cow<'_, str> {
    match name.starts_with(':') {
        true => Cow::Owned(format!("./{name}")),
        false => Cow::Borrowed(name),
    }
}

/// Escapes a text in place in both languages.
pub fn text(t: &mut crate::text::Text) {
    for s in [&mut t.en, &mut t.ja] {
        if let Cow::Owned(v) = visible(s) {
            *s = v;
        }
    }
}

/// Escapes every text of a diagnostic that a renderer may print: its
/// message, labels, notes, help and rule reference. Names and excerpts of
/// the input reach messages, so this runs on every finding before output.
pub fn diagnostic(d: &mut crate::diagnostic::Diagnostic) {
    text(&mut d.message);
    if let Some(t) = &mut d.primary_label {
        text(t);
    }
    for l in &mut d.labels {
        text(&mut l.message);
    }
    for n in &mut d.notes {
        text(n);
    }
    if let Some(h) = &mut d.help {
        text(h);
    }
    if let Some(r) = &mut d.rule {
        if let Cow::Owned(v) = visible(&r.section) {
            r.section = v;
        }
        if let Some(b) = &mut r.basis
            && let Cow::Owned(v) = visible(b)
        {
            *b = v;
        }
    }
}

/// The character of `s` at byte `i` and `i`, when [`EscapedSource::of`]
/// escapes it: one that [`needs_escape`], but a line feed, and a carriage
/// return before one, which stay line breaks; and the `[` of `##[` (a
/// comment of a design may hold one).
fn escaped_at(s: &str, i: usize) -> Option<(usize, char)> {
    let c = s.get(i..)?.chars().next()?;
    let lone_cr = s.as_bytes().get(i + 1) != Some(&b'\n');
    let shown = (c != '\n' && (c != '\r' || lone_cr) && needs_escape(c))
        || legacy_command_at(s.as_bytes(), i);
    shown.then_some((i, c))
}

/// A source text with its escapes applied as [`visible_lines`] does, and
/// the map from the original's byte offsets to the copy's, so carets drawn
/// under the copy still point at what they pointed at.
#[derive(Debug, Clone)]
pub struct EscapedSource {
    /// The escaped text.
    pub text: String,
    /// For each escaped character: the original offset just past it and
    /// the total growth up to there. Sorted by offset.
    shifts: Vec<(usize, usize)>,
}

impl EscapedSource {
    /// `s` escaped, recording where the text grew (linear in `s`), or
    /// `None` when nothing in `s` needs escaping (the usual case: no copy
    /// is made). Only characters that
    /// start with a byte `may_be_unusual` accepts are decoded; the runs
    /// between them are copied whole.
    pub fn of(s: &str) -> Option<EscapedSource> {
        if !EscapedSource::would_change(s) {
            return None;
        }
        let escaped = unusual_starts(s.as_bytes()).filter_map(|i| escaped_at(s, i));
        let mut text = String::with_capacity(s.len() + 16);
        let mut shifts = Vec::new();
        let mut from = 0;
        for (i, c) in escaped {
            // `from` and `i` are character boundaries: `get` cannot miss.
            text.push_str(s.get(from..i).unwrap_or_default());
            text.push_str(&format!("\\u{{{:x}}}", c as u32));
            let end = i + c.len_utf8();
            shifts.push((end, text.len() - end));
            from = end;
        }
        text.push_str(s.get(from..).unwrap_or_default());
        Some(EscapedSource { text, shifts })
    }

    /// Would [`EscapedSource::of`] escape anything in `s`? Looked for on
    /// every core when `s` is large (a design of a million flows is 130
    /// MB to look through, where nothing needs escaping): such a byte is
    /// never inside a character, so the text can be cut anywhere. A
    /// carriage return at the very end of `s` counts as a lone one.
    pub fn would_change(s: &str) -> bool {
        const PIECE: usize = 1 << 20;
        if s.len() > PIECE {
            use rayon::prelude::*;
            (s.as_bytes().par_chunks(PIECE).enumerate()).any(|(k, piece)| {
                unusual_starts(piece).any(|i| escaped_at(s, k * PIECE + i).is_some())
            })
        } else {
            unusual_starts(s.as_bytes()).any(|i| escaped_at(s, i).is_some())
        }
    }

    /// The offset in [`EscapedSource::text`] of the original's `offset`
    /// (a character boundary).
    pub fn map(&self, offset: usize) -> usize {
        let n = self.shifts.partition_point(|&(end, _)| end <= offset);
        offset + n.checked_sub(1).map_or(0, |i| self.shifts[i].1)
    }

    /// The original offset of the copy's `offset` (the inverse of
    /// [`EscapedSource::map`]; an offset inside an escape maps to the
    /// escaped character's end).
    pub fn unmap(&self, offset: usize) -> usize {
        let n = self
            .shifts
            .partition_point(|&(end, grew)| end + grew <= offset);
        match n.checked_sub(1) {
            Some(i) => offset - self.shifts[i].1,
            None => offset,
        }
    }
}

/// A file name quoted for a POSIX shell, for a command the output
/// suggests (pass it through [`visible`] too before writing it).
pub fn shell_quoted(name: &str) -> String {
    match shlex::try_quote(name) {
        Ok(q) => q.into_owned(),
        // A name with a NUL cannot be a path; quote it plainly.
        Err(_) => format!("'{}'", name.replace('\'', "'\\''")),
    }
}

/// `s` as plain text in Markdown (GitHub's job summary, an editor's
/// hover): shown escaped where invisible ([`visible`]), every ASCII
/// punctuation character backslashed (Markdown allows a backslash before
/// any of them and shows the character alone: emphasis, links, images,
/// code spans, headings, `|` that would end a table cell, the backslash
/// itself; it also breaks the links a renderer makes of bare addresses,
/// which need their `:`, `.` or `@`), and `&`, `<`, `>` written as HTML
/// entities, so no tag or entity of the input is read.
pub fn markdown_text(s: &str) -> String {
    let shown = visible(s);
    let mut out = String::with_capacity(shown.len() + shown.len() / 4);
    for c in shown.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c if c.is_ascii_punctuation() => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The slow form [`rewrite_into`] must equal: every character through
    /// `rewrite` when it is special, unusual or a control character.
    fn rewritten_char_by_char(s: &str) -> Vec<u8> {
        let mut out = Vec::new();
        for c in s.chars() {
            if c == '"' || c == '#' || needs_escape(c) || c.is_control() {
                out.extend_from_slice(format!("<{:x}>", c as u32).as_bytes());
            } else {
                push_char(&mut out, c);
            }
        }
        out
    }

    fn rewritten(s: &str) -> Vec<u8> {
        let mut out = Vec::new();
        rewrite_into(&mut out, s, &Stops::new(b"\"#"), |c, out| {
            if c == '"' || c == '#' || needs_escape(c) || c.is_control() {
                out.extend_from_slice(format!("<{:x}>", c as u32).as_bytes());
            } else {
                push_char(out, c);
            }
        });
        out
    }

    #[test]
    fn every_unusual_character_starts_with_a_byte_that_may_be_unusual() {
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            let first = c.encode_utf8(&mut [0; 4]).as_bytes()[0];
            if needs_escape(c) || c.is_control() {
                assert!(may_be_unusual(first), "{:x}", c as u32);
            }
            // A byte that may be unusual starts a character: never a
            // continuation byte.
            for &b in c.encode_utf8(&mut [0; 4]).as_bytes().iter().skip(1) {
                assert!(!may_be_unusual(b), "{:x}", c as u32);
            }
        }
    }

    #[test]
    fn rewriting_by_runs_equals_rewriting_every_character() {
        // Every scalar value, alone and between plain and unusual text.
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            for s in [
                c.to_string(),
                format!("a{c}組合"),
                format!("\u{200b}{c}\u{85}"),
            ] {
                assert_eq!(rewritten(&s), rewritten_char_by_char(&s), "{:x}", c as u32);
            }
        }
        for s in [
            "",
            "plain",
            "健康保険組合",
            "a\"b#c",
            "a[b]c[",
            "\n\t\r",
            "e\u{301}\u{feff}😀\u{fffb}",
        ] {
            assert_eq!(rewritten(s), rewritten_char_by_char(s), "{s:?}");
        }
    }

    /// [`visible`] decodes only the characters its byte scan stops at: it
    /// escapes what escaping every character would.
    #[test]
    fn visible_escapes_as_every_character_looked_at_would() {
        let by_char = |s: &str| -> String {
            s.chars()
                .map(|c| match needs_escape(c) {
                    true => format!("\\u{{{:x}}}", c as u32),
                    false => c.to_string(),
                })
                .collect()
        };
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            for s in [
                c.to_string(),
                format!("特定個人情報 — {c}→組合"),
                format!("{c}\u{2014}x\u{200b}"),
            ] {
                assert_eq!(visible(&s), by_char(&s), "{:x}", c as u32);
            }
        }
    }

    /// The byte scan finds a character to escape at every place in a
    /// block and across blocks, after characters it stops at and passes.
    #[test]
    fn visible_finds_what_to_escape_wherever_it_stands() {
        for at in 0..100 {
            for c in ['\u{1b}', '\u{85}', '\u{202e}', '\u{feff}', '\n'] {
                for fill in ["a", "課", "—"] {
                    let s = format!("{}{c}{}", fill.repeat(at), fill.repeat(40));
                    let want = format!(
                        "{}\\u{{{:x}}}{}",
                        fill.repeat(at),
                        c as u32,
                        fill.repeat(40)
                    );
                    assert_eq!(visible(&s), want, "{at} {:x} {fill}", c as u32);
                }
            }
            let plain = "課—x".repeat(at);
            assert!(matches!(visible(&plain), Cow::Borrowed(_)), "{at}");
        }
    }

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(visible("課税情報 -> 組合"), Cow::Borrowed(_)));
        assert!(matches!(visible("a\tb"), Cow::Borrowed(_)));
    }

    #[test]
    fn controls_and_bidi_are_shown() {
        assert_eq!(visible("a\u{1b}[31mb"), "a\\u{1b}[31mb");
        assert_eq!(visible("x\r::error::y"), "x\\u{d}::error::y");
        assert_eq!(visible("\u{202e}abc"), "\\u{202e}abc");
        assert_eq!(
            visible("\u{85}\u{7f}\u{b}\u{c}"),
            "\\u{85}\\u{7f}\\u{b}\\u{c}"
        );
        assert_eq!(visible("a\u{200b}b"), "a\\u{200b}b");
        // Blanks that look like nothing, and a variation selector, which
        // stays: it draws 葛󠄀, and a message says when it makes two names
        // look alike.
        assert_eq!(visible("報\u{2800}"), "報\\u{2800}");
        assert_eq!(visible("報\u{3164}\u{ffa0}"), "報\u{3164}\\u{ffa0}");
        assert_eq!(visible("葛\u{e0100}"), "葛\u{e0100}");
    }

    /// A runner reads `##[` anywhere in a line as a legacy command: its
    /// `[` is shown escaped by every primitive, and only after `##`.
    #[test]
    fn no_primitive_lets_a_legacy_command_through() {
        let forged = "x ##[stop-commands]t ##[error]y #[a] [b] ###[c";
        let want = "x ##\\u{5b}stop-commands]t ##\\u{5b}error]y #[a] [b] ###\\u{5b}c";
        assert_eq!(visible(forged), want);
        assert_eq!(visible_lines(&format!("{forged}\n")), format!("{want}\n"));
        assert_eq!(message_lines(forged), want);
        assert_eq!(no_legacy_command(forged), want);
        assert!(matches!(visible("#[a] [b] #"), Cow::Borrowed(_)));
        assert!(matches!(visible_lines("a[0]\n# c\n"), Cow::Borrowed(_)));
        // At every place in and across the byte scan's blocks.
        for at in 0..70 {
            let s = format!("{}##[e]{}", "組".repeat(at), "a".repeat(40));
            assert!(!visible(&s).contains("##["), "{at}");
            assert!(!visible_lines(&s).contains("##["), "{at}");
        }
        // Quoting by runs: also when the `##` was written before.
        let mut out = b"label ##".to_vec();
        rewrite_into(
            &mut out,
            "[error]x ##[add-mask]y",
            &Stops::new(b"\""),
            |c, out| push_char(out, c),
        );
        assert_eq!(
            String::from_utf8_lossy(&out),
            "label ##\\u{5b}error]x ##\\u{5b}add-mask]y"
        );
    }

    /// JSON keeps the exact text, `[` written `\u005b`.
    #[test]
    fn json_reads_back_what_a_legacy_command_escape_hides() {
        let label = "##[stop-commands]x \"##[error]y\" [z] #[w]";
        let json = json_no_legacy_command(serde_json::to_string(label).unwrap());
        assert!(!json.contains("##["), "{json}");
        assert_eq!(serde_json::from_str::<String>(&json).unwrap(), label);
        let mut out = b"{\"a\": ".to_vec();
        let from = out.len();
        serde_json::to_writer(&mut out, label).unwrap();
        json_no_legacy_command_from(&mut out, from);
        assert_eq!(out.get(from..).unwrap(), json.as_bytes());
    }

    /// A syntax that escapes a backslash writes the `[` its own way.
    #[test]
    fn stops_write_the_legacy_escape_as_told() {
        let mut out = Vec::new();
        let stops = Stops::new(b"\"").legacy_as(b"<5b>");
        rewrite_into(&mut out, "a##[b", &stops, |c, out| push_char(out, c));
        assert_eq!(out, b"a##<5b>b");
    }

    /// Carets still point where they pointed when a comment's `##[` is
    /// shown escaped.
    #[test]
    fn escaped_source_maps_offsets_past_a_legacy_command() {
        let src = "actor a : 組合 \"x\" # ##[stop-commands]t\nflow ##[e]\n";
        let e = EscapedSource::of(src).expect("something to escape");
        assert_eq!(e.text, visible_lines(src));
        assert!(!e.text.contains("##["));
        for (i, c) in src.char_indices() {
            let at = e.map(i);
            if legacy_command_at(src.as_bytes(), i) {
                assert!(e.text[at..].starts_with("\\u{5b}"), "{i}");
            } else {
                assert_eq!(e.text[at..].chars().next(), Some(c), "{i}");
            }
            assert_eq!(e.unmap(at), i);
        }
        assert_eq!(e.map(src.len()), e.text.len());
        assert!(EscapedSource::of("# [x] #[y]\n").is_none());
    }

    #[test]
    fn message_lines_never_start_a_workflow_command() {
        assert_eq!(message_lines("a\nb\n"), "a\nb\n");
        assert_eq!(
            message_lines("x = \"en\n::stop-commands::pwn\n  \t::error::y\"\nz"),
            "x = \"en\n\\u{3a}:stop-commands::pwn\n  \t\\u{3a}:error::y\"\nz"
        );
        assert_eq!(message_lines("::a"), "\\u{3a}:a");
        assert_eq!(message_lines("a::b"), "a::b");
    }

    #[test]
    fn names_that_start_with_a_colon_start_with_dot_slash() {
        assert_eq!(safe_name("::add-mask::x.myna"), "./::add-mask::x.myna");
        assert_eq!(safe_name(":x.myna"), "./:x.myna");
        assert!(matches!(safe_name("a::b.myna"), Cow::Borrowed(_)));
        assert!(matches!(safe_name("/abs/::x.myna"), Cow::Borrowed(_)));
    }

    #[test]
    fn lines_keep_their_ends_but_not_a_lone_cr() {
        assert_eq!(visible_lines("a\r\nb\n"), "a\r\nb\n");
        assert_eq!(visible_lines("a\rb\n"), "a\\u{d}b\n");
        assert_eq!(visible_lines("a\u{1b}]0;x\u{7}\n"), "a\\u{1b}]0;x\\u{7}\n");
    }

    #[test]
    fn escaped_source_maps_offsets_past_each_escape() {
        let src = "a\u{1b}b\rc\r\nd\u{202e}e";
        let e = EscapedSource::of(src).expect("something to escape");
        assert_eq!(e.text, visible_lines(src));
        for (i, c) in src.char_indices() {
            let at = e.map(i);
            let shown = e.text[at..].chars().next().unwrap();
            if c != '\n' && needs_escape(c) && !(c == '\r' && src[i..].starts_with("\r\n")) {
                assert!(e.text[at..].starts_with("\\u{"), "{i}");
            } else {
                assert_eq!(shown, c, "{i}");
            }
        }
        assert_eq!(e.map(src.len()), e.text.len());
        for (i, _) in src.char_indices() {
            assert_eq!(e.unmap(e.map(i)), i);
        }
        assert!(EscapedSource::of("plain\n").is_none());
        assert!(EscapedSource::of("plain\r\n日本語\u{3000}").is_none());
    }

    #[test]
    fn escaped_source_equals_escaping_every_character() {
        // The text as it was first escaped: character by character.
        let by_char = |s: &str| {
            let mut text = String::new();
            for (i, c) in s.char_indices() {
                let crlf = c == '\r' && s[i..].starts_with("\r\n");
                if c == '\n' || crlf || !needs_escape(c) {
                    text.push(c);
                } else {
                    text.push_str(&format!("\\u{{{:x}}}", c as u32));
                }
            }
            text
        };
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            for s in [format!("組{c}\n"), format!("{c}\r\n{c}\r")] {
                let text = EscapedSource::of(&s).map_or_else(|| s.clone(), |e| e.text);
                assert_eq!(text, by_char(&s), "{:x}", c as u32);
                assert_eq!(EscapedSource::of(&s).is_some(), by_char(&s) != s);
            }
        }
        // A text looked through on every core (past 1 MiB), with one
        // character to escape in its first, a middle or its last piece, or
        // none; pieces and blocks are cut inside characters.
        let line = "flow 組合 -> 市町村 : 課税情報 for 被扶養者認定 → 情報提供NWS\r\n";
        let long = line.repeat((3 << 20) / line.len());
        for at in [None, Some(7), Some(long.len() / 2), Some(long.len() - 3)] {
            let mut s = long.clone();
            if let Some(at) = at {
                let at = (0..=at).rev().find(|&i| s.is_char_boundary(i)).unwrap_or(0);
                s.insert(at, '\u{202e}');
            }
            let text = EscapedSource::of(&s).map_or_else(|| s.clone(), |e| e.text);
            assert_eq!(text, by_char(&s), "{at:?}");
            assert_eq!(EscapedSource::of(&s).is_some(), at.is_some(), "{at:?}");
        }
    }

    /// The bytes found a span and a block at a time are every byte that
    /// may start a character to escape, but line feeds.
    #[test]
    fn unusual_starts_are_found_whatever_the_blocks() {
        let mut bytes: Vec<u8> = (0..=255u8).cycle().take(3 * 4096 + 77).collect();
        bytes.extend(std::iter::repeat_n(b'a', 5000));
        bytes.extend([b'\n', 0x1b, b'x', 0xef]);
        for start in [0, 1, 63, 64, 4095, 4097] {
            let b = &bytes[start..];
            let want: Vec<usize> = (b.iter().enumerate())
                .filter(|&(_, &x)| (may_be_unusual(x) && x != b'\n') || x == b'[')
                .map(|(i, _)| i)
                .collect();
            assert_eq!(unusual_starts(b).collect::<Vec<_>>(), want, "{start}");
        }
    }
}
