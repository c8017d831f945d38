//! Go to definition, find references, rename, document symbols.

use super::analysis::{Document, Target};
use crate::model::FlowId;
use crate::span::Span;
use crate::syntax::lexer::write_name;
use lsp_types::{DocumentSymbol, SymbolKind, TextEdit};

/// Where a target is declared: in the design, or in the rulebook.
pub fn definition(doc: &Document, target: Target) -> Option<Span> {
    let d = doc.design()?;
    let rb = d.rulebook.as_deref();
    Some(match target {
        Target::Actor(id) => d.actor(id).name_span,
        Target::Data(id) => d.item(id).name_span,
        Target::Role(id) => rb?.role(id).span,
        Target::Category(id) => rb?.category(id).span,
        Target::Purpose(id) => rb?.purpose(id).span,
        Target::Clause(id) => rb?.clause(id).span,
        Target::Arrow(flow) => d.flow(flow).span,
    })
}

/// The edits that rename an actor or a data item everywhere in the
/// design; None for other targets (the rulebook's names are not the
/// design's to change) or an empty name.
pub fn rename(doc: &Document, target: Target, new_name: &str) -> Option<Vec<(Span, String)>> {
    if !matches!(target, Target::Actor(_) | Target::Data(_)) || new_name.trim().is_empty() {
        return None;
    }
    let written = write_name(new_name.trim());
    Some(
        doc.occurrences(target)
            .into_iter()
            .map(|o| (o.span, written.clone()))
            .collect(),
    )
}

/// Actors, data items and flows as document symbols.
#[allow(deprecated)] // `DocumentSymbol::deprecated` must still be given.
pub fn symbols(doc: &Document) -> Vec<DocumentSymbol> {
    let Some(d) = doc.design() else {
        return Vec::new();
    };
    let text = doc.text();
    let sym =
        |name: String, kind: SymbolKind, whole: Span, name_span: Span, detail: Option<String>| {
            DocumentSymbol {
                name: if name.is_empty() {
                    "?".to_string()
                } else {
                    name
                },
                detail,
                kind,
                tags: None,
                deprecated: None,
                range: doc
                    .lines
                    .range(text, whole.start as usize, whole.end as usize),
                selection_range: doc.lines.range(
                    text,
                    name_span.start as usize,
                    name_span.end as usize,
                ),
                children: None,
            }
        };
    let rb = d.rulebook.as_deref();
    let mut out = Vec::new();
    for a in &d.actors {
        let role = rb.zip(a.role.id).map(|(rb, r)| rb.role(r).name.clone());
        out.push(sym(
            a.name.clone(),
            SymbolKind::OBJECT,
            a.span,
            a.name_span,
            role,
        ));
    }
    for i in &d.data {
        let cat = rb
            .zip(i.category.id)
            .map(|(rb, c)| rb.category(c).name.clone());
        out.push(sym(
            i.name.clone(),
            SymbolKind::FIELD,
            i.span,
            i.name_span,
            cat,
        ));
    }
    for (n, f) in d.flows.iter().enumerate() {
        let _ = FlowId::new(n as u32);
        out.push(sym(
            f.text(text),
            SymbolKind::EVENT,
            f.span,
            f.arrow(),
            None,
        ));
    }
    out.sort_by_key(|s| (s.range.start.line, s.range.start.character));
    out
}

/// Text edits from spans in the document.
pub fn edits(doc: &Document, spans: &[(Span, String)]) -> Vec<TextEdit> {
    spans
        .iter()
        .map(|(s, content)| {
            TextEdit::new(
                doc.lines
                    .range(doc.text(), s.start as usize, s.end as usize),
                content.clone(),
            )
        })
        .collect()
}
