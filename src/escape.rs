//! Visible escaping of characters that must never reach an output as they
//! are: C0/C1 controls, DEL, bidirectional controls and invisible format
//! characters. A design may contain them (MN004 reports them), and a
//! terminal, a CI log or a reviewer's screen would otherwise obey them
//! (move the cursor, start a workflow command after a lone CR, reorder text).
//!
//! Every renderer passes text that came from input through [`visible`]
//! before writing it. The escaped form is `\u{1b}`-style, so a reader can see
//! what MN004 points at.

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
        | '\u{061c}'
        | '\u{180e}'
        | '\u{fff9}'..='\u{fffb}'
    )
}

/// `s` with every character that [`needs_escape`] written as `\u{XX}`.
/// Borrowed (no allocation) when nothing needs escaping, which is the
/// usual case.
pub fn visible(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if needs_escape(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Like [`visible`], but keeps line ends (`\n`, and `\r` directly before
/// `\n`): for multi-line text such as a source excerpt. A lone CR is still
/// escaped, since it would let a line overwrite what came before it.
pub fn visible_lines(s: &str) -> Cow<'_, str> {
    let lone_cr = |i: usize| s.as_bytes().get(i + 1) != Some(&b'\n');
    let bad = s
        .char_indices()
        .any(|(i, c)| c != '\n' && needs_escape(c) && (c != '\r' || lone_cr(i)));
    if !bad {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for (i, c) in s.char_indices() {
        if c == '\n' || (c == '\r' && !lone_cr(i)) || !needs_escape(c) {
            out.push(c);
        } else {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }

    #[test]
    fn lines_keep_their_ends_but_not_a_lone_cr() {
        assert_eq!(visible_lines("a\r\nb\n"), "a\r\nb\n");
        assert_eq!(visible_lines("a\rb\n"), "a\\u{d}b\n");
        assert_eq!(visible_lines("a\u{1b}]0;x\u{7}\n"), "a\\u{1b}]0;x\\u{7}\n");
    }
}
