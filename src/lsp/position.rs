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
        LineIndex {
            starts: file.line_starts().to_vec(),
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
        let before = text.get(start..offset).unwrap_or("");
        let character = match self.encoding {
            Encoding::Utf8 => before.len(),
            Encoding::Utf16 => before.encode_utf16().count(),
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
        offset_in_line(text, start, end, character, self.encoding)
    }

    /// The range of a byte span.
    pub fn range(&self, text: &str, start: usize, end: usize) -> Range {
        Range::new(self.position(text, start), self.position(text, end))
    }
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
