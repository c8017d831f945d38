//! LSP positions: a line and a character offset counted in UTF-16 code
//! units (the protocol's default) or in bytes (UTF-8, when the client
//! offers it through `positionEncoding`). A full-width character is one
//! UTF-16 unit and three bytes; an astral one (𠮷) two units and four bytes.

use lsp_types::{Position, Range};

/// How the client counts characters on a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-16 code units (the default).
    Utf16,
    /// Bytes.
    Utf8,
}

/// Line starts of a text, for converting offsets and positions.
#[derive(Clone, Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
    encoding: Encoding,
    /// Checkpoints on long lines, in UTF-16: each position on such a line
    /// is counted from the checkpoint before it, not from the line's
    /// start (10 000 flows on one line took 10 s to outline when each
    /// was counted from the start).
    long_lines: Vec<Checkpoints>,
    /// Did the client's text start with a BOM that the text indexed does
    /// not hold? The editor counts it as the first character of line 0
    /// (`check` skips it, and so does the analysis: LANGUAGE.md §2).
    bom: bool,
}

impl LineIndex {
    /// The index of `text`.
    pub fn new(text: &str, encoding: Encoding) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(line_ends(text.as_bytes()).map(|i| i + 1));
        LineIndex {
            long_lines: checkpoints(text, &starts, encoding),
            starts,
            encoding,
            bom: false,
        }
    }

    /// The index of a source file, from the line starts it already has
    /// (found on every core when it was read), unless it holds a lone CR,
    /// which ends a line for the editor but not for the file's index.
    pub fn of(file: &crate::source::SourceFile, encoding: Encoding) -> LineIndex {
        if has_lone_cr(file.text.as_bytes()) {
            return LineIndex::new(&file.text, encoding);
        }
        let starts = file.line_starts().to_vec();
        LineIndex {
            long_lines: checkpoints(&file.text, &starts, encoding),
            starts,
            encoding,
            bom: false,
        }
    }

    /// The index of a text that the client sent after a BOM (when `bom`):
    /// the positions on its first line count the BOM before them.
    pub fn after_bom(mut self, bom: bool) -> LineIndex {
        self.bom = bom;
        self
    }

    /// The units the BOM takes on line `line` in the client's count.
    fn shift(&self, line: usize) -> u32 {
        match (self.bom && line == 0, self.encoding) {
            (false, _) => 0,
            (true, Encoding::Utf16) => 1,
            (true, Encoding::Utf8) => 3,
        }
    }

    /// The position of a byte offset (clamped to the text).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = floor_char(text, offset.min(text.len()));
        let line = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let start = self.starts.get(line).copied().unwrap_or(0);
        let character = match self.encoding {
            Encoding::Utf8 => offset.saturating_sub(start),
            Encoding::Utf16 => {
                let (from, units) = self
                    .checkpoints(line)
                    .and_then(|c| {
                        let k = c.marks.partition_point(|&(byte, _)| byte <= offset);
                        c.marks.get(k.checked_sub(1)?).copied()
                    })
                    .unwrap_or((start, 0));
                units + text.get(from..offset).unwrap_or("").encode_utf16().count()
            }
        };
        Position::new(line as u32, character as u32 + self.shift(line))
    }

    /// The byte offset of a position (clamped to its line; a position inside
    /// a character is moved to its start).
    pub fn offset(&self, text: &str, pos: Position) -> usize {
        let Some(&start) = self.starts.get(pos.line as usize) else {
            return text.len();
        };
        let end = self
            .starts
            .get(pos.line as usize + 1)
            .copied()
            .unwrap_or(text.len());
        // A position inside the BOM is the text's start.
        let character = pos.character.saturating_sub(self.shift(pos.line as usize));
        let (from, units) = self
            .checkpoints(pos.line as usize)
            .and_then(|c| {
                let want = character as usize;
                let k = c.marks.partition_point(|&(_, units)| units <= want);
                c.marks.get(k.checked_sub(1)?).copied()
            })
            .unwrap_or((start, 0));
        offset_in_line(text, from, end, character - units as u32, self.encoding)
    }

    /// The checkpoints of line `line`, if it is a long one.
    fn checkpoints(&self, line: usize) -> Option<&Checkpoints> {
        let k = self
            .long_lines
            .binary_search_by_key(&line, |c| c.line)
            .ok()?;
        self.long_lines.get(k)
    }

    /// The range of a byte span.
    pub fn range(&self, text: &str, start: usize, end: usize) -> Range {
        Range::new(self.position(text, start), self.position(text, end))
    }
}

/// Lines of this many bytes and more get checkpoints, this many bytes
/// apart: a position on them is counted over at most this many bytes.
const STRIDE: usize = 1024;

/// Where, on one long line, the UTF-16 count stands at points about
/// [`STRIDE`] bytes apart.
#[derive(Clone, Debug)]
struct Checkpoints {
    /// The line's number.
    line: usize,
    /// Byte offsets (at character boundaries, the line's start first) and
    /// the UTF-16 units on the line before each; both increase.
    marks: Vec<(usize, usize)>,
}

/// The checkpoints of each long line of `text` (lines starting at
/// `starts`), in UTF-16; none in UTF-8, where a byte offset is the count.
/// One pass over the long lines; a text of short lines pays a look at
/// each line's length.
fn checkpoints(text: &str, starts: &[usize], encoding: Encoding) -> Vec<Checkpoints> {
    if encoding == Encoding::Utf8 {
        return Vec::new();
    }
    let ends = starts.iter().skip(1).copied().chain([text.len()]);
    let mut long_lines = Vec::new();
    for (line, (start, end)) in starts.iter().copied().zip(ends).enumerate() {
        if end.saturating_sub(start) < 2 * STRIDE {
            continue;
        }
        let mut marks = vec![(start, 0)];
        let (mut at, mut units) = (start, 0);
        while at + STRIDE < end {
            let next = floor_char(text, at + STRIDE);
            units += text.get(at..next).unwrap_or("").encode_utf16().count();
            marks.push((next, units));
            at = next;
        }
        long_lines.push(Checkpoints { line, marks });
    }
    long_lines
}

/// The byte offset of character `character` (counted in `encoding`) of
/// the line `text[start..end]` (its line ending included or not):
/// clamped to the line's end before its line ending; a position inside a
/// character is moved to its start.
pub(super) fn offset_in_line(
    text: &str,
    start: usize,
    end: usize,
    character: u32,
    encoding: Encoding,
) -> usize {
    let line = text.get(start..end).unwrap_or("");
    let line = line.strip_suffix('\n').unwrap_or(line);
    let line = line.strip_suffix('\r').unwrap_or(line);
    let want = character as usize;
    let mut units = 0;
    for (i, c) in line.char_indices() {
        if units >= want {
            return start + i;
        }
        units += match encoding {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
        };
        if units > want {
            return start + i;
        }
    }
    start + line.len()
}

/// Where the lines of `bytes` end as the protocol counts them: at each
/// LF, and at each CR that no LF follows (LSP: "\n", "\r\n" and "\r" end
/// lines). To the language a lone CR ends no line (it is MN004), but the
/// editor breaks the line there, and positions are the editor's.
pub(super) fn line_ends(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    memchr::memchr2_iter(b'\n', b'\r', bytes)
        .filter(move |&i| bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n'))
}

/// Does `bytes` hold a CR that no LF follows?
fn has_lone_cr(bytes: &[u8]) -> bool {
    memchr::memchr_iter(b'\r', bytes).any(|i| bytes.get(i + 1) != Some(&b'\n'))
}

fn floor_char(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_source_files_line_starts_are_the_index_of_its_text() {
        for text in ["", "a", "a\n", "\n\nb\r\nc", "𠮷\n：\n\n"] {
            let file = crate::source::SourceFile::new("t.myna", text);
            let of = LineIndex::of(&file, Encoding::Utf16);
            assert_eq!(
                of.starts,
                LineIndex::new(text, Encoding::Utf16).starts,
                "{text:?}"
            );
        }
    }

    /// The editor breaks a line at a lone CR (the protocol says it
    /// ends one): a finding after it is on the next line for the editor.
    #[test]
    fn a_lone_cr_ends_a_line_for_the_editor() {
        let text = "# c\rflow x\r\ny";
        for index in [
            LineIndex::new(text, Encoding::Utf16),
            LineIndex::of(
                &crate::source::SourceFile::new("t.myna", text),
                Encoding::Utf16,
            ),
        ] {
            assert_eq!(index.starts, [0, 4, 12]);
            assert_eq!(index.position(text, 5), Position::new(1, 1));
            assert_eq!(index.position(text, 12), Position::new(2, 0));
            assert_eq!(index.offset(text, Position::new(1, 99)), 10);
        }
    }

    #[test]
    fn a_bom_before_the_text_counts_on_its_first_line_only() {
        let text = "a𠮷\nb\n";
        for (encoding, units) in [(Encoding::Utf16, 1), (Encoding::Utf8, 3)] {
            let ix = LineIndex::new(text, encoding).after_bom(true);
            assert_eq!(ix.position(text, 0), Position::new(0, units));
            assert_eq!(ix.offset(text, Position::new(0, units)), 0);
            assert_eq!(ix.offset(text, Position::new(0, units + 1)), 1);
            // Inside the BOM, or before it: the start.
            assert_eq!(ix.offset(text, Position::new(0, 0)), 0);
            // The next line is as without it.
            assert_eq!(ix.position(text, 6), Position::new(1, 0));
            assert_eq!(ix.offset(text, Position::new(1, 1)), 7);
        }
    }

    /// On a long line, counted from its checkpoints, every position and
    /// offset is what counting from the line's start gives.
    #[test]
    fn positions_on_a_long_line_are_counted_as_from_its_start() {
        let line: String = (0..3000)
            .map(|k| ["a", "𠮷", "：", "é", " -> "][k % 5])
            .collect();
        let text = format!("first\n{line}\r\n{line}\nlast");
        for encoding in [Encoding::Utf16, Encoding::Utf8] {
            let file = crate::source::SourceFile::new("t.myna", &text);
            for ix in [
                LineIndex::new(&text, encoding),
                LineIndex::of(&file, encoding),
            ] {
                if encoding == Encoding::Utf16 {
                    assert_eq!(ix.long_lines.len(), 2);
                }
                for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
                    let line = ix.starts.partition_point(|&s| s <= offset) - 1;
                    let before = &text[ix.starts[line]..offset];
                    let units = match encoding {
                        Encoding::Utf16 => before.encode_utf16().count(),
                        Encoding::Utf8 => before.len(),
                    };
                    let pos = Position::new(line as u32, units as u32);
                    assert_eq!(ix.position(&text, offset), pos, "{offset}");
                    if !before.ends_with('\r') {
                        assert_eq!(ix.offset(&text, pos), offset, "{pos:?}");
                    }
                }
                // Inside a surrogate pair (after a checkpoint too): its
                // start.
                if encoding == Encoding::Utf16 {
                    for (byte, _) in line.match_indices('𠮷') {
                        let units = line[..byte].encode_utf16().count() as u32;
                        assert_eq!(ix.offset(&text, Position::new(1, units + 1)), 6 + byte);
                    }
                }
                // Past the end of the line: its end.
                assert_eq!(ix.offset(&text, Position::new(1, u32::MAX)), 6 + line.len());
            }
        }
    }

    #[test]
    fn utf16_counts_astral_characters_twice() {
        let text = "a\n𠮷：X\n";
        let ix = LineIndex::new(text, Encoding::Utf16);
        let colon = text.find('：').unwrap();
        assert_eq!(ix.position(text, colon), Position::new(1, 2));
        assert_eq!(ix.offset(text, Position::new(1, 2)), colon);
        assert_eq!(ix.offset(text, Position::new(1, 3)), colon + 3);
        // Inside the surrogate pair: the start of the character.
        assert_eq!(ix.offset(text, Position::new(1, 1)), 2);
        let ix8 = LineIndex::new(text, Encoding::Utf8);
        assert_eq!(ix8.position(text, colon), Position::new(1, 4));
        assert_eq!(ix8.offset(text, Position::new(1, 4)), colon);
        assert_eq!(ix.offset(text, Position::new(9, 0)), text.len());
    }
}
