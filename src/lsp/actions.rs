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
            let title = if safe {
                format!("{} ({})", f.message.get(lang), d.code.as_str())
            } else {
                let unsafe_ = Text::new(
                    "unsafe: changes what the design says",
                    "要確認: 設計の意味が変わります",
                );
                format!(
                    "{} ({}, {})",
                    f.message.get(lang),
                    d.code.as_str(),
                    unsafe_.get(lang)
                )
            };
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title,
                kind: Some(CodeActionKind::QUICKFIX),
                is_preferred: Some(safe && i == 0),
                edit: Some(edit(edits)),
                ..CodeAction::default()
            }));
        }
        if matches!(d.code, Code::MN501 | Code::MN502 | Code::MN503) {
            continue;
        }
        // `# mynaflow: allow MNxxx reason="…"` on a line of its own above
        // the finding's line, indented like it.
        let at = d.primary.start as usize;
        let line_start = text[..at.min(text.len())].rfind('\n').map_or(0, |i| i + 1);
        let indent: String = text[line_start..]
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect();
        let comment = format!(
            "{indent}# mynaflow: allow {} reason=\"{}\"\n",
            d.code.as_str(),
            Text::new("…", "…").get(lang)
        );
        let title = Text::new(
            format!("suppress {} with a reason", d.code.as_str()),
            format!("{} を理由付きで抑止する", d.code.as_str()),
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
    let new = crate::fmt::format(doc.text()).ok()?;
    if new == doc.text() {
        return Some(Vec::new());
    }
    Some(vec![TextEdit::new(
        doc.lines.range(doc.text(), 0, doc.text().len()),
        new,
    )])
}
