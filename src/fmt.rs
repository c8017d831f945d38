//! `mynaflow fmt`: rewrites full-width look-alikes of syntax characters
//! (MN003) as their ASCII forms. Nothing else is touched: strings,
//! comments, names and layout stay as written.

use crate::code::Code;
use crate::span::FileId;
use crate::syntax::lexer::{full_width_syntax, lex};

/// The text with every full-width syntax character the lexer reads as ASCII
/// (outside strings and comments) rewritten; None when nothing changes.
pub fn format(src: &str) -> Option<String> {
    let lexed = lex(FileId(0), src);
    let mut spans: Vec<_> = lexed
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::MN003)
        .map(|d| d.primary)
        .collect();
    if spans.is_empty() {
        return None;
    }
    spans.sort();
    let mut out = String::with_capacity(src.len());
    let mut last = 0;
    for s in spans {
        let (start, end) = (s.start as usize, s.end as usize);
        let Some(ascii) = src
            .get(start..end)
            .and_then(|t| t.chars().next())
            .and_then(full_width_syntax)
        else {
            continue;
        };
        out.push_str(&src[last..start]);
        out.push(ascii);
        last = end;
    }
    out.push_str(&src[last..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites_only_syntax() {
        let src =
            "flow A -> B：X，Y　for P ＃ コメント：そのまま\nactor C : R \"ラベル：そのまま\"\n";
        assert_eq!(
            format(src).as_deref(),
            Some("flow A -> B:X,Y for P # コメント：そのまま\nactor C : R \"ラベル：そのまま\"\n")
        );
        assert_eq!(format("flow A -> B : X\n"), None);
    }
}
