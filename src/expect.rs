//! `# expect:` annotations: what a design must report, code and line.
//! `# expect: MN102` at the end of a line expects that code on that line;
//! on a line of its own it applies to the next line that is not blank and
//! not only a comment. Several codes are separated by commas. A `#` after
//! the codes starts another comment, which is not part of the annotation
//! (`# expect: MN104 # why`): a comment runs to the end of its line.

use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::source::SourceFile;
use crate::span::{FileId, Span};
use crate::syntax::lexer::lex_lines;
use crate::syntax::token::Comment;
use crate::text::Text;
use std::collections::BTreeMap;

/// One expected or reported (line, code).
pub type Finding = (usize, Code);

/// Expectations of a file, or why its annotations could not be read (one
/// line each, in both languages).
pub fn expectations(file: &SourceFile) -> Result<Vec<Finding>, Vec<Text>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut next_code = NextCode::default();
    for c in annotations(&file.text) {
        let Some((list, _)) = annotation(&c.text) else {
            continue;
        };
        let start = c.span.start as usize;
        let line = file.line_index(start);
        let before = &file.text[file.line_range(line).start..start];
        let target = if before.trim().is_empty() {
            next_code.after(file, line)
        } else {
            Some(line)
        };
        let Some(target) = target else {
            let n = line + 1;
            errors.push(crate::text!(
                "line {n}: `# expect:` with no line after it";
                "{n} 行目: `# expect:` の後に対象の行がありません"
            ));
            continue;
        };
        for code in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            match Code::parse(code) {
                Some(c) => out.push((target + 1, c)),
                None => {
                    let n = line + 1;
                    errors.push(crate::text!(
                        "line {n}: unknown code `{code}` in `# expect:`";
                        "{n} 行目: `# expect:` の「{code}」というコードはありません"
                    ));
                }
            }
        }
    }
    if errors.is_empty() {
        out.sort();
        Ok(out)
    } else {
        Err(errors)
    }
}

/// The codes of a comment's text (after its `#`) that is an `# expect:`
/// annotation, and the comment written after them, from its `#` (None if
/// there is none); None when the comment is not an annotation. The codes
/// end at the next `#` or `＃`: a note after an annotation is a comment of
/// its own, not a code.
pub fn annotation(text: &str) -> Option<(&str, Option<&str>)> {
    let body = text.trim_start_matches('#').trim();
    let list = body.strip_prefix("expect:")?;
    Some(match list.find(['#', '＃']) {
        Some(at) => (&list[..at], Some(&list[at..])),
        None => (list, None),
    })
}

/// The comments of `text` that may be annotations (their text starts with
/// `expect:`), in order.
fn annotations(text: &str) -> Vec<Comment> {
    let mut found = comments(text);
    found.retain(|c| annotation(&c.text).is_some());
    found
}

/// The comments of `text`, in order. Only the lines with a `#` or `＃` are
/// lexed, each alone (the lexer starts every line afresh, so these are the
/// comments lexing the whole text gives): a large design is not lexed
/// again beside its checked model (its tokens were half a gigabyte at a
/// million flows), and most of its lines are only looked at by memchr.
pub fn comments(text: &str) -> Vec<Comment> {
    const FULL_WIDTH_HASH: &[u8] = "＃".as_bytes();
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    // `from` is where the search goes on; `line` the start of its line.
    let (mut from, mut line) = (0, 0);
    while let Some(hit) = memchr::memchr2(b'#', FULL_WIDTH_HASH[0], &bytes[from..]) {
        let hit = from + hit;
        if let Some(nl) = memchr::memrchr(b'\n', &bytes[from..hit]) {
            line = from + nl + 1;
        }
        if bytes[hit] != b'#' && !bytes[hit..].starts_with(FULL_WIDTH_HASH) {
            // Another character from U+F000 on (such as `：`).
            from = hit + 1;
            continue;
        }
        let end = memchr::memchr(b'\n', &bytes[hit..]).map_or(text.len(), |n| hit + n + 1);
        found.extend(lex_lines(FileId(0), text, line..end).comments);
        (from, line) = (end, end);
    }
    found
}

/// The first code line after a line, for own-line annotations. Annotations
/// come in line order, so each scan starts past the line the last one
/// found (or at a line before it, whose answer is the same): every line
/// is scanned at most once, however many annotations share a target.
#[derive(Default)]
struct NextCode {
    /// The last scan: lines in `from..found` are not code, `found` is
    /// (None: no code line from `from` to the end).
    last: Option<(usize, Option<usize>)>,
}

impl NextCode {
    /// The first code line after `line`.
    fn after(&mut self, file: &SourceFile, line: usize) -> Option<usize> {
        let from = line + 1;
        if let Some((start, found)) = self.last
            && start <= from
            && found.is_none_or(|f| from <= f)
        {
            return found;
        }
        let found = (from..file.line_count()).find(|&l| is_code_line(file, l));
        self.last = Some((from, found));
        found
    }
}

/// Is line `l` neither blank nor only a comment?
fn is_code_line(file: &SourceFile, l: usize) -> bool {
    is_code(&file.text[file.line_range(l)])
}

/// Is a line's text neither blank nor only a comment (an own-line
/// annotation applies to the first line after it that is)? `fmt` asks
/// the same when it checks that it kept each annotation's line.
pub(crate) fn is_code(line: &str) -> bool {
    let t = line.trim();
    !t.is_empty() && !t.starts_with('#') && !t.starts_with('＃')
}

/// What a file reported, as (line, code), sorted.
pub fn reported(file: &SourceFile, id: FileId, diagnostics: &[Diagnostic]) -> Vec<Finding> {
    let mut out: Vec<Finding> = reported_by(file, id, diagnostics)
        .into_iter()
        .map(|(f, _)| f)
        .collect();
    out.sort();
    out
}

/// What a file reported, as (line, code), sorted, from the code and
/// place of each finding (a session's [`crate::session::Session::found`]):
/// every finding, where its diagnostics show a hundred a code.
pub fn reported_at(file: &SourceFile, id: FileId, places: &[(Code, Span)]) -> Vec<Finding> {
    let mut out: Vec<Finding> = places
        .iter()
        .filter(|(_, p)| p.file == id)
        .map(|&(code, p)| (file.line_index(p.start as usize) + 1, code))
        .collect();
    out.sort();
    out
}

/// Each finding of the file with the first diagnostic that reported it
/// (its message is shown when it was not expected), sorted by finding.
pub fn reported_by<'a>(
    file: &SourceFile,
    id: FileId,
    diagnostics: &'a [Diagnostic],
) -> Vec<(Finding, &'a Diagnostic)> {
    // Line of a byte offset: a binary search, not a column count.
    let mut out: Vec<(Finding, &Diagnostic)> = diagnostics
        .iter()
        .filter(|d| d.primary.file == id)
        .map(|d| ((file.line_index(d.primary.start as usize) + 1, d.code), d))
        .collect();
    // Stable: among equal findings the first reported stays first.
    out.sort_by_key(|(f, _)| *f);
    out
}

/// The difference between expected and reported findings.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Mismatch {
    /// Expected but not reported.
    pub missing: Vec<Finding>,
    /// Reported but not expected.
    pub unexpected: Vec<Finding>,
}

impl Mismatch {
    /// Nothing differs.
    pub fn is_empty(&self) -> bool {
        self.missing.is_empty() && self.unexpected.is_empty()
    }
}

/// Compares two multisets of findings.
pub fn compare(expected: &[Finding], reported: &[Finding]) -> Mismatch {
    let mut count: BTreeMap<Finding, i64> = BTreeMap::new();
    for f in expected {
        *count.entry(*f).or_default() += 1;
    }
    for f in reported {
        *count.entry(*f).or_default() -= 1;
    }
    let mut m = Mismatch::default();
    for (f, n) in count {
        for _ in 0..n.max(0) {
            m.missing.push(f);
        }
        for _ in 0..(-n).max(0) {
            m.unexpected.push(f);
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn end_of_line_and_own_line_annotations() {
        let f = SourceFile::new(
            "t",
            "flow A -> B : X   # expect: MN102\n# expect: MN103, mn201\n\n# another comment\nflow C -> D : Y\n",
        );
        assert_eq!(
            expectations(&f).unwrap(),
            vec![(1, Code::MN102), (5, Code::MN103), (5, Code::MN201)]
        );
    }

    #[test]
    fn lines_with_a_hash_give_the_comments_of_one_pass() {
        let texts = [
            "# expect: MN101\nflow A -> B : \"# no\" # expect: MN102\n\n＃ expect: MN103\n# other\nflow C -> D : Y # expect:MN104",
            "flow A：B -> C : \"＃ no\", Ｘ ＃expect: MN101\r\n\"#\" # expect: MN102 # expect: MN103\n\u{ff1a}\u{ff03}",
            "",
            "no comment\n",
            "\"unclosed # expect: MN101\n# expect: MN102",
        ];
        // Each comment as its place and text, which compare.
        let read = |comments: Vec<Comment>| -> Vec<_> {
            comments.into_iter().map(|c| (c.span, c.text)).collect()
        };
        for (text, n) in texts.into_iter().zip([4, 2, 0, 0, 1]) {
            let whole = read(crate::syntax::lexer::lex(FileId(0), text).comments);
            assert_eq!(read(comments(text)), whole, "{text:?}");
            let expect: Vec<_> = whole
                .into_iter()
                .filter(|(_, t)| t.trim().starts_with("expect:"))
                .collect();
            let annotated = read(annotations(text));
            assert_eq!(annotated, expect, "{text:?}");
            assert_eq!(annotated.len(), n, "{text:?}");
        }
    }

    #[test]
    fn runs_of_own_line_annotations_share_their_target() {
        let f = SourceFile::new(
            "t",
            "# expect: MN101\n\n# expect: MN102\n# x\nflow A -> B : X # expect: MN103\n# expect: MN104\nflow C -> D : Y\n",
        );
        assert_eq!(
            expectations(&f).unwrap(),
            vec![
                (5, Code::MN101),
                (5, Code::MN102),
                (5, Code::MN103),
                (7, Code::MN104)
            ]
        );
        let dangling = SourceFile::new("t", "flow A -> B : X\n# expect: MN101\n\n# x\n");
        assert_eq!(
            expectations(&dangling).unwrap_err(),
            vec![Text::new(
                "line 2: `# expect:` with no line after it",
                "2 行目: `# expect:` の後に対象の行がありません"
            )]
        );
    }

    #[test]
    fn a_comment_after_the_codes_is_not_a_code() {
        let f = SourceFile::new(
            "t",
            "flow A -> B : X # expect: MN104 # trailing\n# expect: MN102, MN103 ＃ why\nflow C -> D : Y\nflow E -> F : Z # expect: MN101 # expect: MN999\n",
        );
        assert_eq!(
            expectations(&f).unwrap(),
            vec![
                (1, Code::MN104),
                (3, Code::MN102),
                (3, Code::MN103),
                (4, Code::MN101)
            ]
        );
        assert_eq!(
            annotation(" expect: MN104 # trailing"),
            Some((" MN104 ", Some("# trailing")))
        );
        assert_eq!(annotation(" expect: MN104"), Some((" MN104", None)));
        assert_eq!(annotation(" a note # expect: MN104"), None);
    }

    #[test]
    fn unknown_codes_are_errors() {
        let f = SourceFile::new("t", "flow A -> B : X # expect: MN999\n");
        assert!(expectations(&f).is_err());
    }

    #[test]
    fn comparison_is_a_multiset_difference() {
        let m = compare(
            &[(1, Code::MN102), (1, Code::MN102)],
            &[(1, Code::MN102), (2, Code::MN103)],
        );
        assert_eq!(m.missing, vec![(1, Code::MN102)]);
        assert_eq!(m.unexpected, vec![(2, Code::MN103)]);
        assert!(compare(&[(1, Code::MN001)], &[(1, Code::MN001)]).is_empty());
    }
}
