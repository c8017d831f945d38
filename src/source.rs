//! Source files: reading bytes, decoding them, and mapping byte offsets to
//! lines and columns (columns count Unicode scalar values).

use crate::span::{FileId, Span};
use std::ops::Range;
use std::sync::Arc;

/// One source text, with the byte offsets where its lines start.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The name shown in diagnostics: a path, or `<builtin>/kenpo.myna`.
    pub name: String,
    /// The path the file was read from, as the system spells it (the name
    /// is escaped, and lossy where the path is not UTF-8): what a SARIF
    /// URI is made of. None for a text with no file (a built-in rulebook,
    /// standard input, an editor's buffer).
    path: Option<std::path::PathBuf>,
    /// The decoded text (UTF-8, BOM removed).
    pub text: String,
    line_starts: Vec<usize>,
    /// Number of characters before each [`CHECKPOINT`]-byte block, so a
    /// column costs at most one block's scan however long the line.
    char_checkpoints: Vec<usize>,
}

/// Bytes between two character-count checkpoints.
const CHECKPOINT: usize = 1024;

/// Bytes per piece when a large text is indexed on every core.
const INDEX_PIECE: usize = 1 << 20;

/// Where the lines of `text` start, and the character count before each
/// [`CHECKPOINT`]-byte block. A large text is indexed a piece at a time on
/// every core (pieces are whole blocks, so no block is split).
fn index(text: &[u8]) -> (Vec<usize>, Vec<usize>) {
    use rayon::prelude::*;
    let pieces = text.len().div_ceil(INDEX_PIECE);
    let count_pieces = |(i, piece): (usize, &[u8])| {
        let at = i * INDEX_PIECE;
        let lines: Vec<usize> = memchr::memchr_iter(b'\n', piece)
            .map(|n| at + n + 1)
            .collect();
        let chars: Vec<usize> = piece.chunks(CHECKPOINT).map(bytecount::num_chars).collect();
        (lines, chars)
    };
    let counted: Vec<(Vec<usize>, Vec<usize>)> = if pieces > 1 {
        text.par_chunks(INDEX_PIECE)
            .enumerate()
            .map(count_pieces)
            .collect()
    } else {
        text.chunks(INDEX_PIECE)
            .enumerate()
            .map(count_pieces)
            .collect()
    };
    let mut line_starts = Vec::with_capacity(1 + counted.iter().map(|c| c.0.len()).sum::<usize>());
    line_starts.push(0);
    let mut char_checkpoints = Vec::with_capacity(1 + text.len().div_ceil(CHECKPOINT));
    char_checkpoints.push(0);
    let mut before = 0;
    for (lines, chars) in counted {
        line_starts.extend(lines);
        for n in chars {
            before += n;
            char_checkpoints.push(before);
        }
    }
    (line_starts, char_checkpoints)
}

impl SourceFile {
    /// A file from its display name and text. The name is kept escaped
    /// ([`crate::escape::visible`]): every output shows it, and a file
    /// name may hold any character but `/`; one that starts with `:` is
    /// kept as `./:…` ([`crate::escape::safe_name`]).
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let name = crate::escape::visible_owned(name.into());
        // Formats start lines with it: never with `::`.
        let name = match crate::escape::safe_name(&name) {
            std::borrow::Cow::Owned(safe) => safe,
            std::borrow::Cow::Borrowed(_) => name,
        };
        let (line_starts, char_checkpoints) = index(text.as_bytes());
        SourceFile {
            name,
            path: None,
            text,
            line_starts,
            char_checkpoints,
        }
    }

    /// The file, known to have been read from `path`.
    pub fn read_from(mut self, path: &std::path::Path) -> Self {
        self.path = Some(path.to_path_buf());
        self
    }

    /// The path the file was read from, if it was read from one.
    pub fn path(&self) -> Option<&std::path::Path> {
        self.path.as_deref()
    }

    /// The 0-based line of each of `offsets`: read by stepping forward
    /// from the previous one's line while the offsets come in order and
    /// close together (a flow's line for every flow of a design is then
    /// one pass over the lines, not a search each), by a search for one
    /// that goes back or far ahead.
    pub fn line_indexes(&self, offsets: impl Iterator<Item = usize>) -> Vec<usize> {
        /// Lines stepped over before a search is cheaper.
        const STEPS: usize = 8;
        let mut line = 0;
        offsets
            .map(|byte| {
                let near = self.line_starts.get(line).is_some_and(|&s| s <= byte)
                    && self.line_starts.get(line + STEPS).is_none_or(|&s| s > byte);
                if near {
                    while self.line_starts.get(line + 1).is_some_and(|&s| s <= byte) {
                        line += 1;
                    }
                } else {
                    line = self.line_index(byte);
                }
                line
            })
            .collect()
    }

    /// 0-based line of a byte offset.
    pub fn line_index(&self, byte: usize) -> usize {
        match self.line_starts.binary_search(&byte) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// Byte range of 0-based line `line`, without its line terminator.
    pub fn line_range(&self, line: usize) -> Range<usize> {
        let start = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        let mut end = self
            .line_starts
            .get(line + 1)
            .copied()
            .unwrap_or(self.text.len());
        let bytes = self.text.as_bytes();
        while end > start && matches!(bytes[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        start..end
    }

    /// The byte offset where each line starts (the first is 0).
    pub fn line_starts(&self) -> &[usize] {
        &self.line_starts
    }

    /// Number of lines.
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// 1-based line and column (in Unicode scalar values) of a byte offset.
    pub fn line_col(&self, byte: usize) -> (usize, usize) {
        let byte = byte.min(self.text.len());
        let line = self.line_index(byte);
        let start = self.line_starts[line];
        let col = self.chars_before(byte) - self.chars_before(start);
        (line + 1, col + 1)
    }

    /// Number of characters in `text[..byte]`.
    fn chars_before(&self, byte: usize) -> usize {
        let block = byte / CHECKPOINT;
        let from = block * CHECKPOINT;
        self.char_checkpoints[block] + bytecount::num_chars(&self.text.as_bytes()[from..byte])
    }
}

/// All files of one run. Spans name files by [`FileId`].
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    /// Shared, so that a file's text can be written out while the map
    /// goes on ([`SourceMap::shared`]); a text replaced is a new file.
    files: Vec<Arc<SourceFile>>,
}

impl SourceMap {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file and returns its id.
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(Arc::new(file));
        FileId((self.files.len() - 1) as u32)
    }

    /// Adds a file another map holds, shared (its text is not copied),
    /// and returns its id here.
    pub fn add_shared(&mut self, file: Arc<SourceFile>) -> FileId {
        self.files.push(file);
        FileId((self.files.len() - 1) as u32)
    }

    /// The id the next file added takes.
    pub fn next_id(&self) -> FileId {
        FileId(self.files.len() as u32)
    }

    /// The file with this id.
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// The file with this id, shared: it stays as it is for whoever
    /// holds it, whatever the map becomes (`check --fix` writes a fixed
    /// text while the session checks it again).
    pub fn shared(&self, id: FileId) -> Option<Arc<SourceFile>> {
        self.files.get(id.0 as usize).cloned()
    }

    /// Takes the text of the file with this id out of the map, leaving it
    /// empty (the language server edits a document's last text in place).
    pub fn take_text(&mut self, id: FileId) -> String {
        self.files
            .get_mut(id.0 as usize)
            .map(|f| std::mem::take(&mut Arc::make_mut(f).text))
            .unwrap_or_default()
    }

    /// Gives the file with this id a new text, its name kept, its lines
    /// indexed again (`check --fix` checks a file's fixed text under its
    /// id): spans into the old text no longer hold.
    pub fn replace_text(&mut self, id: FileId, text: String) {
        if let Some(f) = self.files.get_mut(id.0 as usize) {
            let (line_starts, char_checkpoints) = index(text.as_bytes());
            // A new file, not the old one changed: whoever shares the old
            // one keeps its text.
            *f = Arc::new(SourceFile {
                name: f.name.clone(),
                path: f.path.clone(),
                text,
                line_starts,
                char_checkpoints,
            });
        }
    }

    /// The text a span covers.
    pub fn slice(&self, span: Span) -> &str {
        self.get(span.file).text.get(span.range()).unwrap_or("")
    }

    /// Every file, in the order added.
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), &**f))
    }
}

impl SourceMap {
    fn file(&self, id: FileId) -> Result<&SourceFile, codespan_reporting::files::Error> {
        self.files
            .get(id.0 as usize)
            .map(|f| &**f)
            .ok_or(codespan_reporting::files::Error::FileMissing)
    }
}

impl<'a> codespan_reporting::files::Files<'a> for SourceMap {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, codespan_reporting::files::Error> {
        self.file(id).map(|f| f.name.as_str())
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, codespan_reporting::files::Error> {
        self.file(id).map(|f| f.text.as_str())
    }

    fn line_index(
        &'a self,
        id: FileId,
        byte: usize,
    ) -> Result<usize, codespan_reporting::files::Error> {
        let f = self.file(id)?;
        Ok(f.line_index(byte))
    }

    fn column_number(
        &'a self,
        id: FileId,
        _line: usize,
        byte: usize,
    ) -> Result<usize, codespan_reporting::files::Error> {
        let f = self.file(id)?;
        Ok(f.line_col(byte).1)
    }

    fn line_range(
        &'a self,
        id: FileId,
        line: usize,
    ) -> Result<Range<usize>, codespan_reporting::files::Error> {
        let f = self.file(id)?;
        if line >= f.line_starts.len() {
            return Err(codespan_reporting::files::Error::LineTooLarge {
                given: line,
                max: f.line_starts.len() - 1,
            });
        }
        let start = f.line_starts[line];
        let end = f.line_starts.get(line + 1).copied().unwrap_or(f.text.len());
        Ok(start..end)
    }
}

/// What decoding a file's bytes gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decoded {
    /// Valid UTF-8 (a leading BOM removed).
    Utf8(String),
    /// Not UTF-8. `shift_jis` holds the text if the bytes decode cleanly as
    /// Shift_JIS/CP932, so a diagnostic can say so (and `mynaflow test` can
    /// still read the file's annotations).
    NotUtf8 {
        /// Byte offset of the first invalid sequence.
        bad_offset: usize,
        /// The CP932 reading, when there is one without errors.
        shift_jis: Option<String>,
    },
}

/// [`decode`] of bytes it may keep: UTF-8 without a BOM (nearly every
/// file) becomes the text without a copy ([`utf8_owned`]).
pub fn decode_owned(bytes: Vec<u8>) -> Decoded {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        return decode(&bytes);
    }
    match utf8_owned(bytes) {
        Ok(text) => Decoded::Utf8(text),
        Err(bytes) => decode(&bytes),
    }
}

/// `bytes` as a `String` when they are UTF-8 (a BOM is kept), else the
/// bytes back. Checked on every core.
pub fn utf8_owned(bytes: Vec<u8>) -> Result<String, Vec<u8>> {
    utf8_owned_on(bytes, Cores::Every)
}

/// Which cores [`utf8_owned_on`] checks a large text on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cores {
    /// Every core, in parts (rayon's pool).
    Every,
    /// The calling thread only: a thread that must not wait for the pool
    /// (the language server's reader, while an analysis fills it).
    This,
}

/// [`utf8_owned`], checked on `cores`.
#[allow(unsafe_code)]
pub fn utf8_owned_on(bytes: Vec<u8>, cores: Cores) -> Result<String, Vec<u8>> {
    if bytes.len() < SIMD_BYTES {
        return String::from_utf8(bytes).map_err(std::string::FromUtf8Error::into_bytes);
    }
    // std's check reads a character at a time where the text is not ASCII
    // (a tenth of `check`'s work on a large Japanese design); simdutf8's
    // reads 32 bytes at a time, here in parts on every core.
    let utf8 = match cores {
        Cores::Every => is_utf8_in_parts(&bytes, UTF8_PART_BYTES),
        Cores::This => simdutf8::basic::from_utf8(&bytes).is_ok(),
    };
    if !utf8 {
        return Err(bytes);
    }
    // SAFETY: simdutf8 (in parts or whole) has just found every byte of
    // `bytes` to be UTF-8 (simdutf8's check, whose `&str` rests on the same
    // guarantee), and nothing has changed them since. Before, the checked
    // text was copied into a `String` std made: on a 110 MB design, 110 MB
    // of fresh pages for the kernel to zero, most of `read+decode`.
    Ok(unsafe { String::from_utf8_unchecked(bytes) })
}

/// Files this large are checked by simdutf8 (in parts of
/// [`UTF8_PART_BYTES`] on every core); smaller ones by std.
const SIMD_BYTES: usize = 64 << 10;

/// About how many bytes each part of a large file's UTF-8 check reads.
const UTF8_PART_BYTES: usize = 4 << 20;

/// Is `bytes` UTF-8? Checked in parts of about `part` bytes on every core,
/// each cut moved on to the next byte that is not a continuation byte
/// (`0b10xx_xxxx`): a cut there splits no character of a UTF-8 text, so
/// the parts are all UTF-8 exactly when the whole is.
fn is_utf8_in_parts(bytes: &[u8], part: usize) -> bool {
    use rayon::prelude::*;
    let mut cuts = vec![0];
    let mut at = part.max(1);
    while at < bytes.len() {
        while bytes.get(at).is_some_and(|b| b & 0xC0 == 0x80) {
            at += 1;
        }
        cuts.push(at.min(bytes.len()));
        at += part.max(1);
    }
    cuts.push(bytes.len());
    cuts.par_windows(2).all(|w| {
        bytes
            .get(w[0]..w[1])
            .is_some_and(|p| simdutf8::basic::from_utf8(p).is_ok())
    })
}

/// Decodes a file's bytes: UTF-8 with an optional BOM, else reports where it
/// failed and whether it reads as Shift_JIS.
pub fn decode(bytes: &[u8]) -> Decoded {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(body) {
        Ok(s) => Decoded::Utf8(s.to_owned()),
        Err(e) => {
            let (text, _, had_errors) = encoding_rs::SHIFT_JIS.decode(bytes);
            Decoded::NotUtf8 {
                bad_offset: e.valid_up_to() + (bytes.len() - body.len()),
                shift_jis: (!had_errors).then(|| text.into_owned()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_replaced_is_indexed_as_a_new_file_of_that_text_would_be() {
        let mut map = SourceMap::new();
        let id = map.add(SourceFile::new("a.myna", "x\ny\n"));
        let old = map.shared(id).expect("the file added");
        let text = "組合\n\n基幹 : 組合\r\n".repeat(300);
        map.replace_text(id, text.clone());
        // Whoever shared the old file keeps it as it was.
        assert_eq!(
            (old.text.as_str(), old.line_starts()),
            ("x\ny\n", &[0, 2, 4][..])
        );
        assert!(map.shared(FileId(9)).is_none());
        let fresh = SourceFile::new("a.myna", text.clone());
        let replaced = map.get(id);
        assert_eq!(replaced.name, "a.myna");
        assert_eq!(replaced.text, text);
        assert_eq!(replaced.line_starts(), fresh.line_starts());
        for at in [0, 7, 1000, text.len() - 1] {
            assert_eq!(replaced.line_col(at), fresh.line_col(at), "{at}");
        }
        // An id the map does not hold changes nothing.
        map.replace_text(FileId(9), String::new());
        assert_eq!(map.iter().count(), 1);
    }

    #[test]
    fn lines_read_walking_forward_are_the_lines_searched() {
        let f = SourceFile::new("t".to_string(), "a\n\nbc\r\n組合\nx".to_string());
        let ordered: Vec<usize> = (0..=f.text.len() + 2).collect();
        let shuffled = [5, 0, 9, 9, 3, 14, 1, 7, 2, 100, 0, 13, 4, 4];
        let long = SourceFile::new("l".to_string(), "ab\n\n組合\r\n".repeat(100));
        let len = long.text.len();
        let jumps: Vec<usize> = (0..len)
            .step_by(37)
            .chain((0..len).rev().step_by(101))
            .collect();
        assert_eq!(
            long.line_indexes(jumps.iter().copied()),
            jumps
                .iter()
                .map(|&b| long.line_index(b))
                .collect::<Vec<_>>()
        );
        for offsets in [&ordered[..], &shuffled[..]] {
            let walked = f.line_indexes(offsets.iter().copied());
            let searched: Vec<usize> = offsets.iter().map(|&b| f.line_index(b)).collect();
            assert_eq!(walked, searched, "{offsets:?}");
        }
    }

    #[test]
    fn columns_count_scalar_values() {
        let f = SourceFile::new("a", "flow 市町村 -> 組合\r\nx");
        assert_eq!(f.line_col(5), (1, 6));
        let arrow = f.text.find("->").unwrap();
        assert_eq!(f.line_col(arrow), (1, 10));
        assert_eq!(f.line_col(f.text.len() - 1), (2, 1));
        assert_eq!(&f.text[f.line_range(0)], "flow 市町村 -> 組合");
    }

    #[test]
    fn a_large_text_is_indexed_as_in_one_pass() {
        // Three pieces and more, with multi-byte characters and line ends
        // on and around every piece's edge.
        let line = "flow 市町村 -> 組合 : 個人番号\n";
        let mut text = line.repeat(3 * INDEX_PIECE / line.len());
        text.push_str("最後の行");
        let (lines, chars) = index(text.as_bytes());
        let one_pass: Vec<usize> = codespan_reporting::files::line_starts(&text).collect();
        assert_eq!(lines, one_pass);
        let blocks = text.len().div_ceil(CHECKPOINT);
        assert_eq!(chars.len(), blocks + 1);
        let mut before = 0;
        for (i, block) in text.as_bytes().chunks(CHECKPOINT).enumerate() {
            assert_eq!(chars[i], before, "block {i}");
            // Counted here byte by byte: the first byte of each character.
            before += block.iter().filter(|&&b| (b as i8) >= -0x40).count();
        }
        assert_eq!(chars[blocks], text.chars().count());
        let f = SourceFile::new("a", text.clone());
        let last = text.rfind('最').unwrap();
        assert_eq!(f.line_col(last), (one_pass.len(), 1));
        assert_eq!(f.line_col(text.len()), (one_pass.len(), 5));
    }

    #[test]
    fn every_position_has_the_line_and_column_counted_by_hand() {
        // Lines short and longer than a checkpoint block, of one-, two-,
        // three- and four-byte characters.
        let mut text = String::new();
        for i in 0..40 {
            let piece = ["a", "é", "市町村", "😀", "ｱ"][i % 5];
            text.push_str(&piece.repeat(i * 37 % 700));
            text.push('\n');
        }
        let f = SourceFile::new("a", text.clone());
        let (mut line, mut col) = (1, 1);
        for (at, c) in text.char_indices() {
            assert_eq!(f.line_col(at), (line, col), "byte {at}");
            if c == '\n' {
                (line, col) = (line + 1, 1);
            } else {
                col += 1;
            }
        }
        assert_eq!(f.line_col(text.len()), (line, col));
    }

    #[test]
    fn a_large_file_checked_by_simdutf8_decodes_as_std_reads_it() {
        // Japanese text at each of three alignments; ASCII; an emoji
        // among ASCII; each just past the size simdutf8 checks, and one
        // just under it.
        let mut cases: Vec<Vec<u8>> = Vec::new();
        for pad in 0..3 {
            let mut t = "a".repeat(pad);
            while t.len() < SIMD_BYTES + 16 {
                t.push_str("特定個人情報 -> 組合\n");
            }
            cases.push(t.into_bytes());
        }
        cases.push("x".repeat(SIMD_BYTES).into_bytes());
        cases.push("x".repeat(SIMD_BYTES - 1).into_bytes());
        let mut emoji = "y".repeat(SIMD_BYTES / 2 - 2);
        emoji.push('🙂');
        emoji.push_str(&"z".repeat(SIMD_BYTES / 2 + 7));
        cases.push(emoji.into_bytes());
        // Not UTF-8: a bad byte near each end and in the middle, a
        // character cut short, a run of continuation bytes, an overlong
        // form, a surrogate, and a BOM before a large text.
        let good = cases[0].clone();
        let mid = good.len() / 2;
        for at in [10, mid, mid + 1, good.len() - 2] {
            let mut bad = good.clone();
            bad[at] = 0xFF;
            cases.push(bad);
        }
        for inserted in [
            &[0xE7, 0x89][..],
            &[0x80; 9],
            &[0xC0, 0xAF],
            &[0xED, 0xA0, 0x80],
        ] {
            let mut bad = good.clone();
            bad.splice(mid..mid, inserted.iter().copied());
            cases.push(bad);
        }
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(&good);
        cases.push(bom);
        for bytes in cases {
            let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
            let std_reading = match std::str::from_utf8(body) {
                Ok(t) => Decoded::Utf8(t.to_owned()),
                Err(_) => decode(&bytes),
            };
            assert_eq!(decode_owned(bytes.clone()), std_reading);
            assert_eq!(decode(&bytes), std_reading);
            let std_owned = String::from_utf8(bytes.clone()).map_err(|e| e.into_bytes());
            assert_eq!(
                utf8_owned(bytes.clone()),
                std_owned,
                "as std reads it, the BOM kept"
            );
            assert_eq!(utf8_owned_on(bytes.clone(), Cores::This), std_owned);
        }
    }

    #[test]
    fn utf8_checked_in_parts_is_utf8_as_std_reads_it() {
        // Short texts cut into parts of every small size, so that cuts
        // fall inside characters of two, three and four bytes, on bad
        // bytes and in runs of continuation bytes.
        let text = "actor 組合 : 組合 # ｶﾅ é 🙂\nflow 市町村 -> 組合 : 住民票\n";
        let mut cases: Vec<Vec<u8>> = vec![Vec::new(), text.as_bytes().to_vec()];
        for at in 0..text.len() {
            for byte in [0x80, 0xBF, 0xC0, 0xE7, 0xED, 0xF0, 0xF5, 0xFF] {
                let mut bad = text.as_bytes().to_vec();
                bad[at] = byte;
                cases.push(bad);
            }
            let mut cut = text.as_bytes().to_vec();
            cut.truncate(at);
            cases.push(cut);
        }
        cases.push(vec![0x80; 12]);
        cases.push([&b"ab"[..], &[0xF0, 0x9F, 0x99], &[0x80; 5]].concat());
        let mut mismatches = Vec::new();
        for bytes in &cases {
            let std_says = std::str::from_utf8(bytes).is_ok();
            for part in 1..=bytes.len() + 1 {
                if is_utf8_in_parts(bytes, part) != std_says {
                    mismatches.push((bytes.clone(), part));
                }
            }
        }
        assert!(mismatches.is_empty(), "{:?}", mismatches.first());
        assert!(
            cases.iter().any(|b| std::str::from_utf8(b).is_ok())
                && cases.iter().any(|b| std::str::from_utf8(b).is_err())
        );
    }

    #[test]
    fn decodes_utf8_with_bom() {
        assert_eq!(decode(b"\xEF\xBB\xBFflow"), Decoded::Utf8("flow".into()));
    }

    #[test]
    fn recognises_shift_jis() {
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("actor 組合 : 組合");
        match decode(&sjis) {
            Decoded::NotUtf8 {
                bad_offset,
                shift_jis,
            } => {
                assert_eq!(bad_offset, 6);
                assert_eq!(shift_jis.as_deref(), Some("actor 組合 : 組合"));
            }
            other => panic!("expected NotUtf8, got {other:?}"),
        }
    }

    #[test]
    fn garbage_is_not_shift_jis() {
        match decode(b"\xff\xff\xfe") {
            Decoded::NotUtf8 { shift_jis, .. } => assert_eq!(shift_jis, None),
            other => panic!("expected NotUtf8, got {other:?}"),
        }
    }
}
