//! Text from a design or a rulebook made safe for the Markdown of hover
//! and completion. A client renders that Markdown (VS Code loads `https`
//! images in a hover), so a label, a title or a basis written as a link,
//! an image or an HTML tag would otherwise reach a reviewer as one; and a
//! name with a backtick would end its code span early.

use crate::escape::visible;

/// `s` as plain text in Markdown ([`crate::escape::markdown_text`]).
pub(super) fn plain(s: &str) -> String {
    crate::escape::markdown_text(s)
}

/// `s` as a code span: shown escaped where invisible, between fences one
/// backtick longer than its longest run of backticks (CommonMark), with a
/// space inside each fence when it starts or ends with a backtick or a
/// space (the renderer strips one such space on each side). Nothing in a
/// code span is read as Markdown or HTML.
pub(super) fn code(s: &str) -> String {
    let shown = visible(s);
    let (mut longest, mut run) = (0, 0);
    for c in shown.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if shown.starts_with(['`', ' ']) || shown.ends_with(['`', ' ']) {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{shown}{pad}{fence}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_holds_no_link_image_or_tag() {
        assert_eq!(
            plain("[x](https://evil.example/a)"),
            r"\[x\]\(https\:\/\/evil\.example\/a\)"
        );
        assert_eq!(
            plain("![i](u) <img src=x> &amp;"),
            r"\!\[i\]\(u\) &lt;img src\=x&gt; &amp;amp\;"
        );
        assert_eq!(plain("**太字** # 見出し \\"), r"\*\*太字\*\* \# 見出し \\");
        assert_eq!(plain("第9条 「利用目的」"), "第9条 「利用目的」");
        assert_eq!(plain("a\u{202e}b\u{1b}"), r"a\\u\{202e\}b\\u\{1b\}");
    }

    #[test]
    fn a_code_span_is_never_ended_by_the_name_inside() {
        assert_eq!(code("区役所"), "`区役所`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("p``q`"), "``` p``q` ```");
        assert_eq!(code("`"), "`` ` ``");
        assert_eq!(code("<b>[x](y)"), "`<b>[x](y)`");
        assert_eq!(code("a\u{202e}b"), r"`a\u{202e}b`");
    }
}
