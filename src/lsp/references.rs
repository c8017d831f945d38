//! `textDocument/references`: every place a name is written. An actor or
//! a data item is written in its design only; a rulebook's name (a role,
//! category, purpose or clause) in the rulebook and in every design that
//! uses it. Its references are where a rename of it in the rulebook would
//! edit: the rulebook, the open designs that use it, and the designs of the
//! workspace folders that are not open (searched as a rename searches
//! them); asked from a design or from the rulebook, the answer is the same.

use super::analysis::{Document, Target};
use super::rulebook::{At, Index, Kind};
use super::{Server, file_path, navigate};
use crate::span::{FileId, Span};
use lsp_types::{Location, Url};
use std::path::Path;

impl Server<'_> {
    /// The references of the name at byte `at` of document `uri`
    /// (`doc`), its declaration among them when `with_declaration`; None
    /// when no name is there. Sorted by document and place, each once.
    pub(super) fn references(
        &self,
        uri: &Url,
        doc: &Document,
        at: usize,
        with_declaration: bool,
    ) -> Option<Vec<Location>> {
        let wanted = |declaration: bool| with_declaration || !declaration;
        let mut found = Vec::new();
        let named = match doc.rulebook_names() {
            Some(index) => {
                let At::Name(n) = index.at(at)? else {
                    return None;
                };
                let spans = (index.references(n)).filter(|x| wanted(x.declaration));
                found.extend(spans.filter_map(|x| self.location(doc, uri, x.span)));
                let key = file_path(uri).map(|p| super::analysis::canonical(&p));
                key.map(|key| (key, n.kind, n.key.clone()))
            }
            None => {
                let o = doc.at(at)?;
                let spans =
                    (doc.occurrences(o.target).into_iter()).filter(|x| wanted(x.declaration));
                found.extend(spans.filter_map(|x| self.location(doc, uri, x.span)));
                let (kind, key, declared) = rulebook_name(doc, o.target)?;
                // The rulebook's own, from the text this design was checked
                // against (the editor's, when the rulebook is open there).
                let text = &doc.session.sources.get(declared).text;
                let index = Index::of(declared, text);
                let in_rulebook = (index.declarations())
                    .find(|d| d.kind == kind && d.key == key)
                    .map(|n| index.references(n).filter(|x| wanted(x.declaration)));
                for x in in_rulebook.into_iter().flatten() {
                    found.extend(self.location(doc, uri, x.span));
                }
                let path = doc.session.sources.get(declared).path();
                path.map(|p| (super::analysis::canonical(p), kind, key))
            }
        };
        if let Some((rulebook, kind, key)) = named {
            self.uses_elsewhere(uri, &rulebook, (kind, &key), doc.lang, &mut found);
        }
        found.sort_by(|a, b| {
            let place = |l: &Location| (l.range.start.line, l.range.start.character);
            (a.uri.as_str(), place(a)).cmp(&(b.uri.as_str(), place(b)))
        });
        found.dedup();
        Some(found)
    }

    /// Adds to `found` where the designs other than `asked` write the
    /// name `named` of the rulebook file `rulebook`: the open ones, then
    /// those of the workspace folders that are not open.
    fn uses_elsewhere(
        &self,
        asked: &Url,
        rulebook: &Path,
        named: (Kind, &str),
        lang: crate::text::Lang,
        found: &mut Vec<Location>,
    ) {
        let mut add = |uri: &Url, design: &Document| {
            let spans = navigate::uses_of_rulebook_name(design, rulebook, named);
            found.extend(
                spans
                    .into_iter()
                    .filter_map(|s| self.location(design, uri, s)),
            );
        };
        for (uri, design) in &self.docs {
            if uri != asked && !design.is_rulebook() {
                add(uri, design);
            }
        }
        self.each_design_not_open(lang, |uri, design| add(&uri, design));
    }
}

/// The kind, key and declaring file of the rulebook's name `target`
/// names in design `doc`; None for an actor, a data item or an arrow.
fn rulebook_name(doc: &Document, target: Target) -> Option<(Kind, String, FileId)> {
    let rb = doc.rulebook()?;
    let (kind, name, span): (Kind, &str, Span) = match target {
        Target::Role(id) => (Kind::Role, &rb.role(id).name, rb.role(id).span),
        Target::Category(id) => (Kind::Category, &rb.category(id).name, rb.category(id).span),
        Target::Purpose(id) => (Kind::Purpose, &rb.purpose(id).name, rb.purpose(id).span),
        Target::Clause(id) => (Kind::Clause, &rb.clause(id).name, rb.clause(id).span),
        Target::Actor(_) | Target::Data(_) | Target::Arrow(_) => return None,
    };
    Some((kind, crate::names::key(name), span.file))
}
