//! A document's text kept as the client edits it: the client sends each
//! edit's range and new text (incremental sync), not the whole text at
//! every keystroke. A million-flow design is 110 MB: sent whole, each
//! keystroke cost the server's reader most of a second before its
//! analysis began.

use super::position::{Encoding, line_ends, offset_in_line};
use lsp_types::{Position, TextDocumentContentChangeEvent};

/// `text` after `changes`, applied in order, each to the text the one
/// before it left (as the protocol says). A change without a range is a
/// whole new text. Positions past a line's end or the text's end are
/// taken as those ends, and a range given backwards as its start. With no
/// text to edit (a document the client never opened), edits are dropped
/// until a whole text comes.
pub fn edited(
    mut text: Option<String>,
    changes: Vec<TextDocumentContentChangeEvent>,
    encoding: Encoding,
) -> Option<String> {
    for change in changes {
        match (change.range, &mut text) {
            (None, _) => text = Some(change.text),
            (Some(range), Some(text)) => {
                let start = offset_of(text, range.start, encoding);
                let end = offset_of(text, range.end, encoding).max(start);
                text.replace_range(start..end, &change.text);
            }
            (Some(_), None) => {}
        }
    }
    text
}

/// The byte offset of a position, found without an index of the lines
/// (an edit changes them): the line's start by counting line ends as the
/// protocol does (a lone CR among them, [`line_ends`]).
fn offset_of(text: &str, pos: Position, encoding: Encoding) -> usize {
    let bytes = text.as_bytes();
    let start = match (pos.line as usize).checked_sub(1) {
        None => 0,
        Some(before) => match line_ends(bytes).nth(before) {
            Some(newline) => newline + 1,
            None => return text.len(),
        },
    };
    let end = line_ends(bytes.get(start..).unwrap_or_default())
        .next()
        .map_or(text.len(), |n| start + n + 1);
    offset_in_line(text, start, end, pos.character, encoding)
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp_types::Range;

    fn change(
        range: Option<((u32, u32), (u32, u32))>,
        text: &str,
    ) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: range.map(|((l0, c0), (l1, c1))| {
                Range::new(Position::new(l0, c0), Position::new(l1, c1))
            }),
            range_length: None,
            text: text.to_string(),
        }
    }

    /// `text` after `changes`.
    fn apply(
        text: &str,
        changes: Vec<TextDocumentContentChangeEvent>,
        encoding: Encoding,
    ) -> String {
        edited(Some(text.to_string()), changes, encoding).unwrap_or_default()
    }

    #[test]
    fn edits_apply_in_order_each_to_the_text_the_last_left() {
        let text = "actor 𠮷野 : 組合\nflow 𠮷野 -> B : X for Y\n";
        // UTF-16: 𠮷 is two units. Rename 𠮷野 in the flow, then insert a
        // line before it (whose positions are now those of the renamed text).
        let changes = vec![
            change(Some(((1, 5), (1, 8))), "適用"),
            change(Some(((1, 0), (1, 0))), "# 注\n"),
        ];
        assert_eq!(
            apply(text, changes, Encoding::Utf16),
            "actor 𠮷野 : 組合\n# 注\nflow 適用 -> B : X for Y\n"
        );
        // The same rename in bytes: 𠮷 is four, 野 three.
        let changes = vec![change(Some(((1, 5), (1, 12))), "適用")];
        assert_eq!(
            apply(text, changes, Encoding::Utf8),
            "actor 𠮷野 : 組合\nflow 適用 -> B : X for Y\n"
        );
        // A whole text, then an edit to it.
        let changes = vec![change(None, "ab\ncd"), change(Some(((1, 1), (1, 2))), "X")];
        assert_eq!(apply(text, changes, Encoding::Utf16), "ab\ncX");
    }

    /// A lone CR ends a line for the client (the protocol says so), as
    /// the positions the server sends count it.
    #[test]
    fn a_lone_cr_ends_a_line_of_the_positions_edited() {
        let changes = vec![change(Some(((1, 1), (1, 2))), "!")];
        assert_eq!(
            apply("ab\rcd\r\nef", changes, Encoding::Utf16),
            "ab\rc!\r\nef"
        );
        let changes = vec![change(Some(((2, 0), (2, 0))), "!")];
        assert_eq!(
            apply("ab\rcd\r\nef", changes, Encoding::Utf16),
            "ab\rcd\r\n!ef"
        );
    }

    #[test]
    fn edits_without_a_text_wait_for_a_whole_one() {
        let edit = || change(Some(((0, 0), (0, 0))), "!");
        assert_eq!(edited(None, vec![edit()], Encoding::Utf16), None);
        let changes = vec![edit(), change(None, "ab"), edit()];
        assert_eq!(
            edited(None, changes, Encoding::Utf16).as_deref(),
            Some("!ab")
        );
    }

    /// Any positions, in either encoding, on text with astral, full-width
    /// and CR LF: an edit never splits a character or panics, and the text
    /// keeps what was before the edit's start and after its end.
    #[test]
    fn edits_at_any_positions_keep_the_text_whole() {
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |below: u32| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((seed >> 33) as u32) % below
        };
        let pieces = ["a", "𠮷", "：", "\r\n", "\n", "野", " ", "\r"];
        for round in 0..2000 {
            let encoding = if round % 2 == 0 {
                Encoding::Utf16
            } else {
                Encoding::Utf8
            };
            let mut text = String::new();
            for _ in 0..next(12) {
                text.push_str(pieces[next(pieces.len() as u32) as usize]);
            }
            let mut at = || Position::new(next(5), next(7));
            let (start, end) = (at(), at());
            let range = Range::new(start, end);
            let inserted = pieces[next(pieces.len() as u32) as usize];
            let change = TextDocumentContentChangeEvent {
                range: Some(range),
                range_length: None,
                text: inserted.to_string(),
            };
            let out = edited(Some(text.clone()), vec![change], encoding).unwrap_or_default();
            let from = offset_of(&text, start, encoding);
            let to = offset_of(&text, end, encoding).max(from);
            assert!(text.is_char_boundary(from) && text.is_char_boundary(to));
            assert_eq!(
                out,
                format!("{}{inserted}{}", &text[..from], &text[to..]),
                "{text:?} {range:?}"
            );
        }
    }

    #[test]
    fn positions_past_the_ends_are_the_ends() {
        let text = "ab\r\ncd";
        // Past the line's end: before its CR LF. Past the last line: the end.
        let changes = vec![change(Some(((0, 9), (0, 9))), "!")];
        assert_eq!(apply(text, changes, Encoding::Utf16), "ab!\r\ncd");
        let changes = vec![change(Some(((7, 0), (9, 3))), "!")];
        assert_eq!(apply(text, changes, Encoding::Utf16), "ab\r\ncd!");
        // A range backwards inserts at its start; inside a character (the
        // second unit of 𠮷) is before it.
        let changes = vec![change(Some(((1, 1), (0, 0))), "!")];
        assert_eq!(apply(text, changes, Encoding::Utf16), "ab\r\nc!d");
        let changes = vec![change(Some(((0, 1), (0, 1))), "!")];
        assert_eq!(apply("𠮷", changes, Encoding::Utf16), "!𠮷");
    }
}
