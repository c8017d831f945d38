//! One open document, analysed: the whole pipeline is re-run on each
//! change (`Session::check_text`), and the names in the design are indexed
//! by position for hover, definition, references and rename.

use super::position::{Encoding, LineIndex};
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::graph::FlowGraph;
use crate::model::*;
use crate::session::Session;
use crate::span::{FileId, Span};
use crate::text::Text;
use std::path::Path;

/// What a name in the design stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// An actor of the design.
    Actor(ActorId),
    /// A data item of the design.
    Data(DataId),
    /// A role of the rulebook.
    Role(RoleId),
    /// A category of the rulebook.
    Category(CategoryId),
    /// A purpose of the rulebook.
    Purpose(PurposeId),
    /// A clause of the rulebook.
    Clause(ClauseId),
    /// The arrow of a flow.
    Arrow(FlowId),
}

/// A name written in the design, and whether it is the declaration.
#[derive(Clone, Copy, Debug)]
pub struct Occurrence {
    /// Where it is written.
    pub span: Span,
    /// What it names.
    pub target: Target,
    /// Is this the declaration (of an actor or data item)?
    pub declaration: bool,
}

/// An analysed document.
pub struct Document {
    /// The session that checked it (its sources hold the rulebook too).
    pub session: Session,
    /// The document in the session.
    pub file: FileId,
    /// The resolved design and graph, when it is a design.
    pub design: Option<(Design, FlowGraph)>,
    /// Every finding, sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// Names by position (sorted by start).
    pub names: Vec<Occurrence>,
    /// Positions.
    pub lines: LineIndex,
    /// Why the `mynaflow.toml` found for the document was not followed.
    pub config_problem: Option<Text>,
}

impl Document {
    /// Runs the pipeline over `text`, the contents of the file at `path`,
    /// under the `mynaflow.toml` that `check` would follow for that file
    /// (its rulebook, `require-clauses`, `select`/`ignore` and
    /// `per-file-ignores`). A config that cannot be followed is left out,
    /// and [`Document::config_problem`] says why.
    pub fn analyse(path: &Path, text: String, encoding: Encoding) -> Document {
        let (config, config_problem) = match Config::discover(path, None) {
            Ok(c) => (c, None),
            Err(why) => (None, Some(why)),
        };
        let mut session = Config::session(config.as_ref(), None);
        let shown = path.display().to_string();
        // The session keeps the one copy of the text (`Document::text`).
        let checked = session.check_text(&shown, text, path.parent());
        let lines = LineIndex::of(session.sources.get(checked.file), encoding);
        let start = std::time::Instant::now();
        let mut diagnostics = session.sorted_diagnostics();
        session.timings.add("sort", start.elapsed());
        if let Some(c) = &config {
            diagnostics.retain(|d| c.reports(d.code, path));
        }
        let design = checked.analysis.map(|a| (a.design, a.graph));
        let names = session.timings.time("name index", || {
            design
                .as_ref()
                .map(|(d, _)| index(d, checked.file))
                .unwrap_or_default()
        });
        Document {
            config_problem,
            session,
            file: checked.file,
            design,
            diagnostics,
            names,
            lines,
        }
    }

    /// Its text, taken out as the document is freed (the client's next
    /// edit is made on it).
    pub fn into_text(mut self) -> String {
        self.session.sources.take_text(self.file)
    }

    /// Its text (as the session checked it).
    pub fn text(&self) -> &str {
        &self.session.sources.get(self.file).text
    }

    /// The resolved design, if any.
    pub fn design(&self) -> Option<&Design> {
        self.design.as_ref().map(|(d, _)| d)
    }

    /// The rulebook, if it loaded.
    pub fn rulebook(&self) -> Option<&Rulebook> {
        self.design()?.rulebook.as_deref()
    }

    /// The name at a byte offset (a cursor just after a name counts).
    pub fn at(&self, offset: usize) -> Option<Occurrence> {
        let offset = offset as u32;
        let i = self.names.partition_point(|o| o.span.start <= offset);
        self.names[..i]
            .iter()
            .rev()
            .take(2)
            .find(|o| o.span.start <= offset && offset <= o.span.end)
            .copied()
    }

    /// Every occurrence of a target in the design.
    pub fn occurrences(&self, target: Target) -> impl Iterator<Item = &Occurrence> {
        self.names.iter().filter(move |o| o.target == target)
    }
}

/// The names of a design, by position.
fn index(d: &Design, file: FileId) -> Vec<Occurrence> {
    let mut out = Vec::new();
    let mut push = |span: Span, target: Target, declaration: bool| {
        if span.file == file {
            out.push(Occurrence {
                span,
                target,
                declaration,
            });
        }
    };
    for (i, a) in d.actors.iter().enumerate() {
        push(a.name_span, Target::Actor(ActorId::new(i as u32)), true);
        if let Some(r) = a.role.id {
            push(a.role.span, Target::Role(r), false);
        }
        for c in a.clauses.iter().flatten() {
            if let Some(id) = c.id {
                push(c.span, Target::Clause(id), false);
            }
        }
    }
    for (i, item) in d.data.iter().enumerate() {
        push(item.name_span, Target::Data(DataId::new(i as u32)), true);
        if let Some(c) = item.category.id {
            push(item.category.span, Target::Category(c), false);
        }
    }
    // A flow's names are pushed in the order they are written, so the
    // flows are one sorted run and the sort below merges a few runs (the
    // declarations, the flows) instead of sorting millions of names.
    for (i, f) in d.flows.iter().enumerate() {
        let actor = |r: &Ref<ActorId>| r.id.map(|id| (r.span, Target::Actor(id)));
        if let Some((span, target)) = actor(&f.from) {
            push(span, target, false);
        }
        push(f.arrow(), Target::Arrow(FlowId::new(i as u32)), false);
        if let Some((span, target)) = actor(&f.to) {
            push(span, target, false);
        }
        for r in &f.items {
            if let Some(id) = r.id {
                push(r.span, Target::Data(id), false);
            }
        }
        for r in &f.purposes {
            if let Some(id) = r.id {
                push(r.span, Target::Purpose(id), false);
            }
        }
        for (span, target) in f.via.iter().filter_map(actor) {
            push(span, target, false);
        }
    }
    out.sort_by_key(|o| (o.span.start, o.span.end));
    out
}
