//! Code actions (the findings' fixes, and "suppress with a reason") and
//! formatting.

use super::analysis::Document;
use crate::code::Code;
use crate::fix::Applicability;
use crate::text::{Lang, Text};
use lsp_types::{CodeAction, CodeActionKind, CodeActionOrCommand, TextEdit, Url, WorkspaceEdit};
use std::collections::HashMap;

/// The actions for the findings that touch bytes `start..end`.
pub fn code_actions(
    doc: &Document,
    uri: &Url,
    start: usize,
    end: usize,
    lang: Lang,
) -> Vec<CodeActionOrCommand> {
    let text = doc.text();
    let mut out = Vec::new();
    let edit = |edits: Vec<TextEdit>| {
        let mut changes = HashMap::new();
        changes.insert(uri.clone(), edits);
        WorkspaceEdit::new(changes)
    };
    for d in doc.diagnostics.iter().filter(|d| {
        d.primary.file == doc.file
            && (d.primary.start as usize) <= end
            && start <= (d.primary.end as usize)
    }) {
        for (i, f) in d.fixes.iter().enumerate() {
            if f.edits.iter().any(|e| e.span.file != doc.file) {
                continue;
            }
            let edits = f
                .edits
                .iter()
                .map(|e| {
                    TextEdit::new(
                        doc.lines
                            .range(text, e.span.start as usize, e.span.end as usize),
                        e.content.clone(),
                    )
                })
                .collect();
            let safe = f.applicability == Applicability::Safe;
            let title = match f.applicability.caution() {
                None => format!("{} ({})", f.message.get(lang), d.code.as_str()),
                Some(caution) => format!(
                    "{} ({}, {})",
                    f.message.get(lang),
                    d.code.as_str(),
                    caution.get(lang)
                ),
            };
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title,
                kind: Some(CodeActionKind::QUICKFIX),
                is_preferred: Some(safe && i == 0),
                edit: Some(edit(edits)),
                ..CodeAction::default()
            }));
        }
        // No suppression silences these: one offered would be MN501.
        if matches!(d.code, Code::MN501 | Code::MN502 | Code::MN503)
            || crate::suppress::UNSUPPRESSIBLE.contains(&d.code)
        {
            continue;
        }
        // `# mynaflow: allow MNxxx reason="TODO: ..."` on a line of its own
        // above the finding's line, indented like it and ended as it is.
        // The reason is a placeholder the user must replace: as written,
        // the suppression is MN501 and silences nothing (one click must
        // not silence a finding with no decision recorded).
        let at = d.primary.start as usize;
        let before = text.get(..at).unwrap_or(text);
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let indent: String = text
            .get(line_start..)
            .unwrap_or_default()
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect();
        let comment = format!(
            "{indent}# mynaflow: allow {} reason=\"{}\"{}",
            d.code.as_str(),
            crate::suppress::placeholder_reason(lang),
            crate::fix::line_ending(text, line_start)
        );
        let title = Text::new(
            format!("suppress {} with a reason", d.code.as_str()),
            format!("{} を理由付きで抑制する", d.code.as_str()),
        );
        out.push(CodeActionOrCommand::CodeAction(CodeAction {
            title: title.get(lang).to_string(),
            kind: Some(CodeActionKind::QUICKFIX),
            edit: Some(edit(vec![TextEdit::new(
                doc.lines.range(text, line_start, line_start),
                comment,
            )])),
            ..CodeAction::default()
        }));
    }
    out
}

/// The formatting of the whole document as one edit; None when it is
/// already formatted or cannot be (syntax errors).
pub fn format(doc: &Document) -> Option<Vec<TextEdit>> {
    let src = doc.text();
    let formatted = crate::fmt::format_with_anchors(src).ok()?;
    let edits = changes(src, &formatted.text, &formatted.anchors);
    Some(
        edits
            .into_iter()
            .map(|(at, new)| TextEdit::new(doc.lines.range(src, at.start, at.end), new))
            .collect(),
    )
}

/// The changes that make `old` into `new`, its formatting: the two texts
/// are cut at the starts of the lines where a statement starts in each
/// (`anchors`, pairs of byte offsets, which may point into a line's
/// indentation on one side; pairs that do not run forward in both are
/// passed over), each
/// stretch that differs is one change, trimmed of the bytes it shares
/// with its replacement at both ends. A text formatted already needs none;
/// an edit or two, a few small ones (a million-flow design was sent back
/// whole, 112 MB, at every format).
fn changes(
    old: &str,
    new: &str,
    anchors: &[(usize, usize)],
) -> Vec<(std::ops::Range<usize>, String)> {
    if old == new {
        return Vec::new();
    }
    let line_start = |text: &str, at: usize| {
        let before = text.as_bytes().get(..at).unwrap_or_default();
        memchr::memrchr(b'\n', before).map_or(0, |n| n + 1)
    };
    let mut cuts = Vec::with_capacity(anchors.len() + 2);
    cuts.push((0, 0));
    for &(x, y) in anchors {
        let (x, y) = (line_start(old, x), line_start(new, y));
        let last = cuts[cuts.len() - 1];
        if x >= last.0
            && y >= last.1
            && (x, y) != last
            && old.is_char_boundary(x)
            && new.is_char_boundary(y)
        {
            cuts.push((x, y));
        }
    }
    cuts.push((old.len(), new.len()));
    let mut out = Vec::new();
    for w in cuts.windows(2) {
        let ((x0, y0), (x1, y1)) = (w[0], w[1]);
        let (Some(a), Some(b)) = (old.get(x0..x1), new.get(y0..y1)) else {
            continue;
        };
        if a == b {
            continue;
        }
        let (head, tail) = shared_ends(a, b);
        if let Some(replacement) = b.get(head..b.len() - tail) {
            out.push((x0 + head..x1 - tail, replacement.to_string()));
        }
    }
    out
}

/// How many bytes `a` and `b` share at their start, and then at their
/// end, each a whole number of characters.
fn shared_ends(a: &str, b: &str) -> (usize, usize) {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    let mut head = x.iter().zip(y).take_while(|(p, q)| p == q).count();
    while !(a.is_char_boundary(head) && b.is_char_boundary(head)) {
        head -= 1;
    }
    let most = x.len().min(y.len()) - head;
    let mut tail = (x.iter().rev().zip(y.iter().rev()))
        .take(most)
        .take_while(|(p, q)| p == q)
        .count();
    while !(a.is_char_boundary(x.len() - tail) && b.is_char_boundary(y.len() - tail)) {
        tail -= 1;
    }
    (head, tail)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `old` with `changes` made (in order, none overlapping).
    fn applied(old: &str, changes: &[(std::ops::Range<usize>, String)]) -> String {
        let mut out = String::new();
        let mut at = 0;
        for (range, new) in changes {
            assert!(range.start >= at, "in order, not overlapping");
            out.push_str(&old[at..range.start]);
            out.push_str(new);
            at = range.end;
        }
        out.push_str(&old[at..]);
        out
    }

    fn designs() -> Vec<String> {
        let mut texts = Vec::new();
        for dir in ["examples", "tests/cases", "tests/fixtures/lsp"] {
            let mut paths: Vec<_> = std::fs::read_dir(dir)
                .unwrap()
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "myna"))
                .collect();
            paths.sort();
            texts.extend(paths.iter().filter_map(|p| std::fs::read_to_string(p).ok()));
        }
        texts
    }

    #[test]
    fn the_changes_make_the_text_its_formatting_and_touch_only_what_differs() {
        let mut formatted_some = 0;
        for text in designs() {
            let Ok(f) = crate::fmt::format_with_anchors(&text) else {
                continue;
            };
            let made = changes(&text, &f.text, &f.anchors);
            assert_eq!(applied(&text, &made), f.text);
            // No change is more than it must be: none keeps a shared end.
            for (range, new) in &made {
                let old = &text[range.clone()];
                assert!(!(old.is_empty() && new.is_empty()));
                assert!(
                    old.chars().next() != new.chars().next() || old.is_empty() || new.is_empty()
                );
            }
            // Formatted, it needs none.
            let again = crate::fmt::format_with_anchors(&f.text).unwrap();
            assert!(changes(&f.text, &again.text, &again.anchors).is_empty());
            // Its anchors cut it where it is cut as formatted (one side may
            // point into a block item's indentation): a line added at the
            // end is the one change.
            let longer = format!("{}# 追記\n", again.text);
            let one = changes(&f.text, &longer, &again.anchors);
            assert_eq!(one, [(f.text.len()..f.text.len(), "# 追記\n".to_string())]);
            formatted_some += usize::from(!made.is_empty());
        }
        assert!(formatted_some > 5, "{formatted_some} designs changed");
    }

    #[test]
    fn one_statement_out_of_line_is_one_small_change_and_wrong_anchors_are_passed_over() {
        let text = "actor A : 組合\nactor B : 組合\ndata x : 氏名\nflow A -> B : x for y\nflow A  ->  B : x for y\n";
        let f = crate::fmt::format_with_anchors(text).unwrap();
        let made = changes(text, &f.text, &f.anchors);
        assert_eq!(applied(text, &made), f.text);
        let changed: usize = made.iter().map(|(r, n)| r.len() + n.len()).sum();
        assert!(changed <= 6, "{made:?}");
        // Anchors out of order, past the ends or inside a character: the
        // changes are still right.
        let bad = [(5, 5), (2, 2), (999, 3), (8, 1000), (7, 7)];
        assert_eq!(applied(text, &changes(text, &f.text, &bad)), f.text);
        assert_eq!(applied(text, &changes(text, &f.text, &[])), f.text);
    }
}
