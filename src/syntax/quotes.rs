//! Quotes a Japanese input method types where a string goes: `「…」`,
//! `『…』`, the full-width `＂…＂` (U+FF02) and the typographic `“…”`. A
//! string is written in ASCII double quotes only (LANGUAGE.md §2); these
//! are name characters, so `actor 人事 : 事業主 「人事部」` reads a name
//! where the next statement goes (MN001). The finding says how a string is
//! written, and where a label may stand, its fix writes the quoted text
//! in `"…"`.

use super::token::{Token, TokenKind};
use crate::fix::{Edit, Fix};
use crate::span::Span;
use crate::text;
use crate::text::Text;

/// The closing quote of the look-alike opening quote `open`, if it is
/// one.
fn closing(open: char) -> Option<char> {
    match open {
        '「' => Some('」'),
        '『' => Some('』'),
        '\u{FF02}' => Some('\u{FF02}'),
        '\u{201C}' => Some('\u{201D}'),
        _ => None,
    }
}

/// Does `word`, a name where something else was wanted, open with a
/// look-alike quote? The quote, as written.
pub(super) fn opens_with_lookalike(word: &str) -> Option<char> {
    let open = word.chars().next()?;
    closing(open).map(|_| open)
}

/// The help of an MN001 at a word that opens with the look-alike quote
/// `open`.
pub(super) fn help(open: char) -> Text {
    let close = closing(open).unwrap_or(open);
    text!(
        "`{open}…{close}` is not a string: a string (a label, a basis, a name with spaces) is written in ASCII double quotes, `\"…\"`";
        "`{open}…{close}` は文字列になりません。文字列 (ラベル、根拠、空白を含む名前) は半角の二重引用符 `\"…\"` で囲みます"
    )
}

/// The fix that writes the quoted text at `start` of `src` (a look-alike
/// opening quote) in ASCII double quotes, `file` the file of `src`: when
/// its closing quote is on the same line and the text between reads back
/// as itself in a string (no `"`, `\`, `#` or control character, and
/// not empty). Safe, as the full-width keywords' fix is: what stands
/// there is an error already, the text is kept as written, and it reads
/// as a label where the caller knows one may stand.
pub(super) fn as_string(src: &str, span: Span) -> Option<Fix> {
    let start = span.start as usize;
    let rest = src.get(start..)?;
    let open = rest.chars().next()?;
    let close = closing(open)?;
    let after = rest.get(open.len_utf8()..)?;
    let inner_len = after.find([close, '\n', '\r'])?;
    let inner = after.get(..inner_len)?;
    let closes = after.get(inner_len..)?.starts_with(close);
    let plain = !inner.trim().is_empty()
        && !inner.contains(|c: char| {
            matches!(c, '"' | '\\' | '#') || c.is_control() || closing(c).is_some()
        });
    if !closes || !plain {
        return None;
    }
    let end = start + open.len_utf8() + inner_len + close.len_utf8();
    Some(Fix::safe(
        text!("write `\"{inner}\"`"; "`\"{inner}\"` と書く"),
        vec![Edit {
            span: Span {
                file: span.file,
                start: span.start,
                end: u32::try_from(end).ok()?,
            },
            content: format!("\"{inner}\""),
        }],
    ))
}

/// When the name at `pos` of `toks` follows another name with only a
/// no-break space between them (`人事<U+00A0>部`, as text pasted from a
/// word processor or a web page has it), a note that names the space: it
/// separates the two as a space does, and looks like none.
pub(super) fn no_break_space_before(toks: &[Token], pos: usize, src: &str) -> Option<Text> {
    let found = toks.get(pos).filter(|t| t.kind == TokenKind::Name)?;
    let before = toks.get(pos.checked_sub(1)?)?;
    if before.kind != TokenKind::Name {
        return None;
    }
    let between = src.get(before.span.end as usize..found.span.start as usize)?;
    let mut chars = between.chars();
    let (c, None) = (chars.next()?, chars.next()) else {
        return None;
    };
    let (en, ja) = match c {
        '\u{A0}' => ("a no-break space", "改行しない空白"),
        '\u{202F}' => ("a narrow no-break space", "幅の狭い改行しない空白"),
        '\u{2007}' => ("a figure space", "数字幅の空白"),
        _ => return None,
    };
    let (a, b) = (before.text(src), found.text(src));
    let point = format!("U+{:04X}", c as u32);
    Some(text!(
        "between `{a}` and `{b}` is {en} ({point}), which separates them as a space does: remove it, or write a name with a space in quotes";
        "`{a}` と `{b}` の間に{ja} ({point}) があり、空白として名前を区切っています。取り除くか、空白を含む名前は `\"…\"` で囲んでください"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::FileId;

    fn fixed(src: &str, at: &str) -> Option<String> {
        let start = src.find(at)?;
        let span = Span::new(FileId(0), start, start + at.len());
        let fix = as_string(src, span)?;
        let e = &fix.edits[0];
        let mut out = src.to_string();
        out.replace_range(e.span.start as usize..e.span.end as usize, &e.content);
        Some(out)
    }

    #[test]
    fn each_lookalike_pair_is_written_in_ascii_quotes() {
        for (src, at) in [
            (
                "actor 人事 : 事業主 「株式会社〇〇 人事部」\n",
                "「株式会社〇〇",
            ),
            ("actor 人事 : 事業主 『人事部』\n", "『人事部』"),
            (
                "actor 人事 : 事業主 ＂住所地の市町村＂\n",
                "＂住所地の市町村＂",
            ),
            ("actor 人事 : 事業主 “人事部”\n", "“人事部”"),
        ] {
            let out = fixed(src, at).expect(src);
            assert!(out.starts_with("actor 人事 : 事業主 \""), "{out}");
            assert!(out.ends_with("\"\n"), "{out}");
        }
    }

    #[test]
    fn no_fix_when_the_text_would_not_read_back_as_written() {
        for (src, at) in [
            ("actor 人事 : 事業主 「人事部\n」", "「人事部"),
            ("actor 人事 : 事業主 「人\"事」", "「人"),
            ("actor 人事 : 事業主 「人事 # 部」", "「人事"),
            ("actor 人事 : 事業主 「」", "「」"),
            ("actor 人事 : 事業主 「人「事」」", "「人"),
        ] {
            assert_eq!(fixed(src, at), None, "{src}");
        }
        assert_eq!(opens_with_lookalike("「人事"), Some('「'));
        assert_eq!(opens_with_lookalike("人事」"), None);
    }
}
