//! `mynaflow test --update`: rewrite a file's `# expect:` annotations so
//! they say what is reported, as snapshot tools do. Everything else in the
//! file stays byte for byte.
//!
//! Old annotations go: an own-line one with its line, an end-of-line one
//! with the space before it. A comment written after an annotation's codes
//! (`# expect: MN104 # why`) is the author's and stays: after the new
//! codes, or alone where the annotation was. Each line with findings then gets
//! `# expect: CODES` at its end, or, when the line already ends in another
//! comment or in a string left open (which would take the annotation in),
//! on a line of its own just above it (with the same indentation). A
//! finding on a line that holds no code (a comment or a blank line) cannot
//! be annotated; it is returned as an error.

use crate::code::Code;
use crate::expect::Finding;
use crate::source::SourceFile;
use crate::text::Text;
use std::collections::BTreeMap;

/// The file's text with its annotations rewritten to `found`, or the
/// findings that cannot be annotated.
pub fn rewrite(file: &SourceFile, found: &[Finding]) -> Result<String, Vec<Text>> {
    let text = &file.text;
    let mut sorted = found.to_vec();
    sorted.sort();
    if crate::expect::expectations(file).is_ok_and(|e| e == sorted) {
        // Already right: the file is left exactly as it is.
        return Ok(text.clone());
    }
    // Per line: an `# expect:` comment, and whether another comment ends
    // the line.
    let mut expect_at: BTreeMap<usize, Old> = BTreeMap::new();
    let mut other_comment: BTreeMap<usize, ()> = BTreeMap::new();
    for c in &crate::expect::comments(text) {
        let start = c.span.start as usize;
        let line = file.line_index(start);
        if let Some((list, note)) = crate::expect::annotation(&c.text) {
            let mut codes: Vec<String> = list
                .split(',')
                .map(|c| c.trim().to_ascii_uppercase())
                .filter(|c| !c.is_empty())
                .collect();
            codes.sort();
            let old = Old {
                at: start,
                list: codes.join(", "),
                note: note.map(|n| n.trim_end().to_string()),
            };
            expect_at.insert(line, old);
        } else {
            other_comment.insert(line, ());
        }
    }
    let mut wanted: BTreeMap<usize, Vec<Code>> = BTreeMap::new();
    for &(line, code) in found {
        wanted.entry(line.saturating_sub(1)).or_default().push(code);
    }
    let mut out = String::with_capacity(text.len() + 64 * wanted.len());
    let mut errors = Vec::new();
    for line in 0..file.line_count() {
        let range = file.line_range(line);
        let next = if line + 1 < file.line_count() {
            file.line_range(line + 1).start
        } else {
            text.len()
        };
        let eol = &text[range.end..next];
        let mut body = &text[range.clone()];
        // The line as it stays without its annotation (its code, and a
        // note written after the annotation).
        let mut kept = std::borrow::Cow::Borrowed(body);
        let mut old = None;
        if let Some(o) = expect_at.get(&line) {
            let before = &text[range.start..o.at];
            match (before.trim().is_empty(), &o.note) {
                // An own-line annotation: the whole line goes...
                (true, None) => continue,
                // ... but for its note, which stays where it was.
                (true, Some(note)) => {
                    out.push_str(before);
                    out.push_str(note);
                    out.push_str(eol);
                    continue;
                }
                (false, None) => kept = before.trim_end().into(),
                (false, Some(note)) => kept = format!("{before}{note}").into(),
            }
            body = before.trim_end();
            old = Some(o);
        }
        if let Some(codes) = wanted.get(&line) {
            let mut codes = codes.clone();
            codes.sort();
            let list = codes
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            let code_line = !body.trim().is_empty()
                && !body.trim_start().starts_with('#')
                && !body.trim_start().starts_with('＃');
            if !code_line {
                let n = line + 1;
                errors.push(crate::text!(
                    "line {n}: {list} reported on a line without code, which `# expect:` cannot name";
                    "{n} 行目: コードのない行に {list} が報告されており、`# expect:` では書けません"
                ));
            } else if old.is_some_and(|o| o.list == list) {
                // The same codes: the line stays as it was written.
                out.push_str(&text[range]);
                out.push_str(eol);
                continue;
            } else if other_comment.contains_key(&line) || !read_after(body) {
                let indent: String = body.chars().take_while(|c| c.is_whitespace()).collect();
                let nl = if eol.is_empty() { "\n" } else { eol };
                out.push_str(&format!("{indent}# expect: {list}{nl}"));
            } else {
                out.push_str(body);
                out.push_str(&format!("   # expect: {list}"));
                if let Some(note) = old.and_then(|o| o.note.as_ref()) {
                    out.push(' ');
                    out.push_str(note);
                }
                out.push_str(eol);
                continue;
            }
        }
        out.push_str(&kept);
        out.push_str(eol);
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// An `# expect:` comment as written: where it starts, its codes sorted
/// (`MN102, MN103`), and the comment after them, from its `#`.
struct Old {
    at: usize,
    list: String,
    note: Option<String>,
}

/// Is a comment written after `body` (a line's code) read as one? Not
/// after a string left open, which runs to the end of its line: the
/// annotation would be the string's text, and the next `mynaflow test`
/// would not see it. The lexer starts every line afresh, so the line is
/// looked at alone.
fn read_after(body: &str) -> bool {
    let line = format!("{body}   # expect: MN001");
    let at = body.len() + 3;
    crate::expect::comments(&line)
        .iter()
        .any(|c| c.span.start as usize == at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expect::expectations;

    /// Rewrites `text` to what is `found`, which must give `want`; what
    /// it writes must read back as `back` (lines shift when an own-line
    /// annotation goes or comes), and rewriting it again changes nothing.
    fn round_trip(text: &str, found: &[(usize, Code)], want: &str, back: &[(usize, Code)]) {
        let new = rewrite(&SourceFile::new("t", text), found).unwrap();
        assert_eq!(new, want);
        let read = expectations(&SourceFile::new("t", new.as_str())).unwrap();
        assert_eq!(read, back);
        let again = rewrite(&SourceFile::new("t", new.as_str()), back).unwrap();
        assert_eq!(again, new);
    }

    #[test]
    fn rewrites_to_what_is_found() {
        round_trip(
            "actor A : x\n# expect: MN102\nflow A -> B : X\nflow B -> A : X   # expect: MN103\r\nflow C -> D : Y # a note\n",
            &[
                (1, Code::MN012),
                (4, Code::MN103),
                (5, Code::MN201),
                (5, Code::MN101),
            ],
            "actor A : x   # expect: MN012\nflow A -> B : X\nflow B -> A : X   # expect: MN103\r\n# expect: MN101, MN201\nflow C -> D : Y # a note\n",
            &[
                (1, Code::MN012),
                (3, Code::MN103),
                (5, Code::MN101),
                (5, Code::MN201),
            ],
        );
    }

    #[test]
    fn a_line_ending_in_an_open_string_is_annotated_above_it() {
        // At its end, the annotation would be the string's text.
        round_trip(
            "actor A : 組合 \"abc\nactor B : 組合 \"x # y\n  actor C : 組合\n",
            &[
                (1, Code::MN002),
                (1, Code::MN012),
                (2, Code::MN002),
                (3, Code::MN012),
            ],
            "# expect: MN002, MN012\nactor A : 組合 \"abc\n# expect: MN002\nactor B : 組合 \"x # y\n  actor C : 組合   # expect: MN012\n",
            &[
                (2, Code::MN002),
                (2, Code::MN012),
                (4, Code::MN002),
                (5, Code::MN012),
            ],
        );
    }

    #[test]
    fn a_note_after_the_codes_is_kept() {
        // Rewritten at the end of its line, dropped with its codes, and
        // left alone where an own-line annotation goes.
        round_trip(
            "flow A -> B : X # expect: MN104 # trailing\nflow C -> D : Y   # expect: MN103 ＃ 全角\r\n  # expect: MN102 # why\nflow E -> F : Z\n",
            &[(1, Code::MN101), (4, Code::MN102)],
            "flow A -> B : X   # expect: MN101 # trailing\nflow C -> D : Y   ＃ 全角\r\n  # why\nflow E -> F : Z   # expect: MN102\n",
            &[(1, Code::MN101), (4, Code::MN102)],
        );
        // The same codes: the line is left as written, note and all.
        let same = "flow A -> B : X # expect: MN104 # trailing\nflow C -> D : Y\n";
        let f = SourceFile::new("t", same);
        assert_eq!(
            rewrite(&f, &[(1, Code::MN104), (2, Code::MN101)]).unwrap(),
            "flow A -> B : X # expect: MN104 # trailing\nflow C -> D : Y   # expect: MN101\n"
        );
        assert_eq!(rewrite(&f, &[(1, Code::MN104)]).unwrap(), same);
    }

    #[test]
    fn a_finding_on_a_comment_line_cannot_be_annotated() {
        let f = SourceFile::new("t", "# mynaflow: allow MN999\nflow A -> B : X\n");
        assert!(rewrite(&f, &[(1, Code::MN501)]).is_err());
        assert_eq!(rewrite(&f, &[]).unwrap(), f.text);
    }
}
