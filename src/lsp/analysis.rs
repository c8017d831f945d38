//! One open document, analysed: the whole pipeline is re-run on each
//! change (`Session::check_text`). Hover, definition, references and
//! rename find the names in the design's statements (by their spans),
//! without an index of their own.

use super::position::{Encoding, LineIndex};
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::graph::FlowGraph;
use crate::model::*;
use crate::rulebook_shelf::RulebookShelf;
use crate::session::{Checked, Session};
use crate::span::{FileId, Span};
use crate::text::{Lang, Text};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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

/// How the language of what the server says is chosen, as `check` chooses
/// its own: `--lang`, else the config's `lang`, else the locale. Each
/// document has its config, hence its language ([`Document::lang`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Languages {
    /// `--lang`, when the server was started with it: the language of
    /// everything it says, whatever a document's config names.
    pub given: Option<Lang>,
    /// The locale's language (`LC_ALL`, `LC_MESSAGES`, `LANG`): a
    /// document's when neither `--lang` nor its config names one.
    pub locale: Lang,
}

impl Languages {
    /// The language of a document under `config` (None: none found, or
    /// one not followed).
    pub fn under(self, config: Option<&Config>) -> Lang {
        (self.given)
            .or_else(|| config.and_then(Config::language))
            .unwrap_or(self.locale)
    }

    /// The server's own language, for what is about no document (a
    /// request before `initialize`, one that names no open document, why
    /// the session ended): `--lang`, else the locale's.
    pub fn server(self) -> Lang {
        self.under(None)
    }

    /// The language of the document at `path` not analysed (too large):
    /// its config is looked for only when `--lang` does not decide, as
    /// for an analysis in the workspace folders `roots` (the innermost that
    /// holds it, as if `check` were run there).
    pub fn for_file(self, path: &Path, roots: &[PathBuf]) -> Lang {
        match self.given {
            Some(lang) => lang,
            None => self.under(config_for(path, roots).ok().flatten().as_ref()),
        }
    }
}

/// What the server's analyses of its documents share.
#[derive(Clone, Copy)]
pub struct Around<'a> {
    /// The rulebooks loaded by the analyses before: one whose file is
    /// unchanged is taken from here, not parsed again.
    pub rulebooks: &'a Arc<RulebookShelf>,
    /// The texts of the rulebooks open in the editor, by canonical path:
    /// read as edited, saved or not.
    pub open_rulebooks: &'a Arc<HashMap<PathBuf, String>>,
    /// The client's workspace folders: a design's `use` may name a
    /// rulebook anywhere inside them, as inside its own folder tree and
    /// the folder the server started in ([`Session::roots`]).
    pub roots: &'a [PathBuf],
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
    /// Whether the design's actors, data items and flows (in that order)
    /// each stand in the order written in the document, so that the
    /// statement at a position is found by a binary search (else by
    /// reading them all).
    in_order: [bool; 3],
    /// Positions.
    pub lines: LineIndex,
    /// Why the `mynaflow.toml` found for the document was not followed.
    pub config_problem: Option<Text>,
    /// The language of everything said about it (its findings, hover,
    /// completion, code actions, a rename's refusal): `--lang`, else its
    /// config's `lang`, else the locale ([`Languages::under`]).
    pub lang: Lang,
    /// Did the client's text start with a BOM? It is not analysed (as
    /// `check` skips it), but the client's positions and edits count it.
    bom: bool,
    /// A rulebook's names, indexed at the first request that needs them
    /// (not at every keystroke: the editor asks for few of them).
    rulebook_names: std::sync::OnceLock<super::rulebook::Index>,
}

/// The byte order mark a client may send at the start of a text (Vim
/// with `'bomb'` set sends the buffer as it is).
const BOM: char = '\u{feff}';

/// `text` without a leading BOM, and whether it had one. The BOM is taken
/// out in place (a few bytes moved, no copy of the text made).
fn without_bom(mut text: String) -> (String, bool) {
    let bom = text.starts_with(BOM);
    if bom {
        text.drain(..BOM.len_utf8());
    }
    (text, bom)
}

/// `text` with the BOM put back if it had one.
fn with_bom(mut text: String, bom: bool) -> String {
    if bom {
        text.insert(0, BOM);
    }
    text
}

impl Document {
    /// Runs the pipeline over `text`, the contents of the file at `path`,
    /// under the `mynaflow.toml` that `check` would follow for that file
    /// (its rulebook, `require-clauses`, `select`/`ignore`,
    /// `per-file-ignores` and `max-per-code`). A config that cannot be
    /// followed is left out, and [`Document::config_problem`] says why.
    /// Its language is its config's `lang`, else English (a server started
    /// without `--lang` in an English locale: `Languages::default()`).
    pub fn analyse(path: &Path, text: String, encoding: Encoding) -> Document {
        let (text, bom) = without_bom(text);
        let (mut session, config) = session_for(path, &[]);
        let checked = session.check_text(&path.display().to_string(), text, path.parent());
        let langs = Languages::default();
        Document::checked(session, checked, config, path, (encoding, bom), langs)
    }

    /// [`Document::analyse`], stopped once `stop` says so (the server
    /// stops analysing a text that a later one the client has sent
    /// replaces; when it is asked: [`Session::check_text_unless`]): `Err`
    /// then, with the text. Its rulebook is taken from `rulebooks` when
    /// an analysis before has loaded the same text, and shelved there
    /// when not. Its language is chosen as [`Document::analyse`]'s.
    pub fn analyse_unless(
        path: &Path,
        text: String,
        encoding: Encoding,
        rulebooks: &Arc<RulebookShelf>,
        stop: &(dyn Fn() -> bool + Sync),
    ) -> Result<Document, String> {
        let open = Arc::default();
        let langs = Languages::default();
        let around = Around {
            rulebooks,
            open_rulebooks: &open,
            roots: &[],
        };
        Document::analyse_reading(path, text, encoding, around, langs, stop)
    }

    /// [`Document::analyse_unless`] as the server analyses: a rulebook
    /// file open in the editor read from the editor's text, and a design's
    /// `use` reaching the workspace folders too ([`Around`]), the
    /// document's language chosen as `langs` says.
    pub fn analyse_reading(
        path: &Path,
        text: String,
        encoding: Encoding,
        around: Around<'_>,
        langs: Languages,
        stop: &(dyn Fn() -> bool + Sync),
    ) -> Result<Document, String> {
        let (text, bom) = without_bom(text);
        let (mut session, config) = session_for(path, around.roots);
        session.share_rulebooks(around.rulebooks.clone());
        session.read_rulebooks_from(around.open_rulebooks.clone());
        // Besides the folder the server started in: an editor may start
        // it anywhere (Neovim from the home folder), and the project is
        // the folders it opened.
        session.roots.extend_from_slice(around.roots);
        let shown = path.display().to_string();
        let checked = session.check_text_unless(&shown, text, path.parent(), stop);
        // The rulebooks are loaded: the texts are the server's to keep,
        // not every analysis's until it is replaced.
        session.read_rulebooks_from(Arc::default());
        match checked {
            Ok(checked) => Ok(Document::checked(
                session,
                checked,
                config,
                path,
                (encoding, bom),
                langs,
            )),
            Err(file) => Err(with_bom(session.sources.take_text(file), bom)),
        }
    }

    /// The document `session` checked under `config` (the config found,
    /// or why it is not followed), its positions counted in `encoding`
    /// after a BOM if the client's text had one, its language the one
    /// `langs` gives under that config.
    fn checked(
        mut session: Session,
        checked: Checked,
        (config, config_problem): (Option<Config>, Option<Text>),
        path: &Path,
        (encoding, bom): (Encoding, bool),
        langs: Languages,
    ) -> Document {
        // The session keeps the one copy of the text (`Document::text`).
        let lines = LineIndex::of(session.sources.get(checked.file), encoding).after_bom(bom);
        let start = std::time::Instant::now();
        let mut diagnostics = session.sorted_diagnostics();
        session.timings.add("sort", start.elapsed());
        if let Some(c) = &config {
            let reports = c.reports_in(path);
            diagnostics.retain(|d| reports(d.code));
        }
        let design = checked.analysis.map(|a| (a.design, a.graph));
        let in_order = design
            .as_ref()
            .map_or([true; 3], |(d, _)| statements_in_order(d, checked.file));
        Document {
            lang: langs.under(config.as_ref()),
            config_problem,
            session,
            file: checked.file,
            design,
            diagnostics,
            in_order,
            lines,
            bom,
            rulebook_names: std::sync::OnceLock::new(),
        }
    }

    /// Its text as the client has it (a BOM it sent put back), taken out
    /// as the document is freed (the client's next edit is made on it).
    pub fn into_text(mut self) -> String {
        with_bom(self.session.sources.take_text(self.file), self.bom)
    }

    /// Its text (as the session checked it: without a BOM the client sent).
    pub fn text(&self) -> &str {
        &self.session.sources.get(self.file).text
    }

    /// Is it a rulebook (its analysis made no design: a text the editor
    /// sends is always text, so nothing else makes none)?
    pub fn is_rulebook(&self) -> bool {
        self.design.is_none()
    }

    /// A rulebook's names and statements (None for a design).
    pub fn rulebook_names(&self) -> Option<&super::rulebook::Index> {
        if !self.is_rulebook() {
            return None;
        }
        let index = || super::rulebook::Index::of(self.file, self.text());
        Some(self.rulebook_names.get_or_init(index))
    }

    /// The rulebook files its analysis asked for, loaded or not, by
    /// canonical path: when one changes, the document is checked again.
    pub fn rulebook_files(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = (self.session.rulebook_sources())
            .filter_map(|s| match s {
                crate::session::RulebookSource::File(p) => Some(canonical(p)),
                crate::session::RulebookSource::Builtin(_) => None,
            })
            .collect();
        files.sort();
        files.dedup();
        files
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
    /// Only the statements around the offset are read: no index of the
    /// design's names is kept (at a million flows, six million names,
    /// 144 MB, and 33-40 ms of every analysis).
    pub fn at(&self, offset: usize) -> Option<Occurrence> {
        let (d, _) = self.design.as_ref()?;
        let offset = u32::try_from(offset).ok()?;
        let mut near = Vec::new();
        let mut keep = |span: Span, target: Target, declaration: bool| {
            if span.file == self.file {
                near.push(Occurrence {
                    span,
                    target,
                    declaration,
                });
            }
        };
        let [actors, data, flows] = self.in_order;
        for i in around(&d.actors, actors, offset, |a| a.span) {
            actor_names(d, i, &mut keep);
        }
        for i in around(&d.data, data, offset, |x| x.span) {
            data_names(d, i, &mut keep);
        }
        for i in around(&d.flows, flows, offset, |f| f.span) {
            flow_names(d, i, &mut keep);
        }
        near.sort_by_key(|o| (o.span.start, o.span.end));
        let i = near.partition_point(|o| o.span.start <= offset);
        near[..i]
            .iter()
            .rev()
            .take(2)
            .find(|o| o.span.start <= offset && offset <= o.span.end)
            .copied()
    }

    /// Every occurrence of a target in the design, by position.
    pub fn occurrences(&self, target: Target) -> Vec<Occurrence> {
        match self.design.as_ref() {
            Some((d, _)) => names_where(d, self.file, |t| t == target),
            None => Vec::new(),
        }
    }
}

/// `path` as the session compares rulebook files: canonical where it
/// exists; else, absolute with `.` and `..` resolved as written, its
/// nearest folder that exists canonical. A design's `use "../rules.myna"`
/// whose rulebook is missing is then recorded as the path the client
/// names when the file comes back (kept with its `..`, it never matched,
/// and the design kept "not found" until it was edited).
pub fn canonical(path: &Path) -> PathBuf {
    if let Ok(canonical) = std::fs::canonicalize(path) {
        return canonical;
    }
    let lexical =
        lexically_normal(&std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()));
    // The missing components, innermost first, under the nearest folder
    // that exists.
    let mut missing = Vec::new();
    let mut at = lexical.as_path();
    while let (Some(parent), Some(name)) = (at.parent(), at.file_name()) {
        missing.push(name);
        if let Ok(mut found) = std::fs::canonicalize(parent) {
            found.extend(missing.iter().rev());
            return found;
        }
        at = parent;
    }
    lexical
}

/// `path` with each `.` left out and each `..` taking away the name
/// before it (none at the root), without asking the file system.
fn lexically_normal(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if matches!(out.components().next_back(), Some(Component::Normal(_))) {
                    out.pop();
                } else if !out.has_root() {
                    out.push(c);
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// The `mynaflow.toml` that `check` would follow for the file at `path`
/// when run from the workspace folder among `roots` that holds it (the
/// innermost): a config's own `rules` may then name a rulebook anywhere
/// in that folder, as `check` run there allows. A file in no workspace
/// folder has its config held to the config's own folder.
pub(super) fn config_for(path: &Path, roots: &[PathBuf]) -> Result<Option<Config>, Text> {
    let project = (roots.iter())
        .filter(|r| path.starts_with(r))
        .max_by_key(|r| r.components().count());
    Config::discover(path, project.map(PathBuf::as_path)).map_err(Text::from)
}

/// A session under the `mynaflow.toml` that `check` would follow for the
/// file at `path` ([`config_for`], in the workspace folders `roots`), and
/// that config (None, and why, if it cannot be followed).
fn session_for(path: &Path, roots: &[PathBuf]) -> (Session, (Option<Config>, Option<Text>)) {
    let config = match config_for(path, roots) {
        Ok(c) => (c, None),
        Err(why) => (None, Some(why)),
    };
    let mut session = Config::session(config.0.as_ref(), None);
    // As `check` shows them: an editor's list holds every finding of a
    // design with `max-per-code = 0`, a hundred of a code by default (a
    // million-flow design has tens of thousands, sent at every edit).
    if let Some(n) = config.0.as_ref().and_then(|c| c.max_per_code) {
        session.max_per_code = crate::session::per_code_cap(n);
    }
    (session, config)
}

/// Whether the actors, the data items and the flows of `d` are each all
/// written in `file`, in the order written (else they are all read).
fn statements_in_order(d: &Design, file: FileId) -> [bool; 3] {
    fn in_order<T>(list: &[T], file: FileId, span: impl Fn(&T) -> Span) -> bool {
        list.iter().all(|x| span(x).file == file) && list.is_sorted_by_key(|x| span(x).start)
    }
    [
        in_order(&d.actors, file, |a| a.span),
        in_order(&d.data, file, |x| x.span),
        in_order(&d.flows, file, |f| f.span),
    ]
}

/// The indexes of the statements of `list` whose span holds `offset` (its
/// end too): found by a binary search when the list is `in_order`, at
/// most one then; else every statement is looked at.
fn around<T>(
    list: &[T],
    in_order: bool,
    offset: u32,
    span: impl Fn(&T) -> Span,
) -> impl Iterator<Item = usize> {
    let holds = move |s: Span| s.start <= offset && offset <= s.end;
    let range = if in_order {
        let i = list.partition_point(|x| span(x).start <= offset);
        i.saturating_sub(1)..i
    } else {
        0..list.len()
    };
    range.filter(move |&i| list.get(i).is_some_and(|x| holds(span(x))))
}

/// The names written in `file` whose targets are `wanted`, by position.
fn names_where(d: &Design, file: FileId, wanted: impl Fn(Target) -> bool) -> Vec<Occurrence> {
    let mut out = Vec::new();
    every_name(d, &mut |span: Span, target, declaration| {
        if span.file == file && wanted(target) {
            out.push(Occurrence {
                span,
                target,
                declaration,
            });
        }
    });
    out.sort_by_key(|o| (o.span.start, o.span.end));
    out
}

/// Every name written in the design's statements: its actors', its data
/// items', its flows'.
fn every_name(d: &Design, keep: &mut impl FnMut(Span, Target, bool)) {
    for i in 0..d.actors.len() {
        actor_names(d, i, keep);
    }
    for i in 0..d.data.len() {
        data_names(d, i, keep);
    }
    for i in 0..d.flows.len() {
        flow_names(d, i, keep);
    }
}

/// The names written in actor `i`'s declaration.
fn actor_names(d: &Design, i: usize, keep: &mut impl FnMut(Span, Target, bool)) {
    let Some(a) = d.actors.get(i) else { return };
    keep(a.name_span, Target::Actor(ActorId::new(i as u32)), true);
    if let Some(r) = a.role.id {
        keep(a.role.span, Target::Role(r), false);
    }
    for c in a.clauses.iter().flatten() {
        if let Some(id) = c.id {
            keep(c.span, Target::Clause(id), false);
        }
    }
}

/// The names written in data item `i`'s declaration.
fn data_names(d: &Design, i: usize, keep: &mut impl FnMut(Span, Target, bool)) {
    let Some(item) = d.data.get(i) else { return };
    keep(item.name_span, Target::Data(DataId::new(i as u32)), true);
    if let Some(c) = item.category.id {
        keep(item.category.span, Target::Category(c), false);
    }
}

/// The names written in flow `i`, and its arrow.
fn flow_names(d: &Design, i: usize, keep: &mut impl FnMut(Span, Target, bool)) {
    let Some(f) = d.flows.get(i) else { return };
    let actor = |r: &Ref<ActorId>| r.id.map(|id| (r.span, Target::Actor(id)));
    if let Some((span, target)) = actor(&f.from) {
        keep(span, target, false);
    }
    keep(f.arrow(), Target::Arrow(FlowId::new(i as u32)), false);
    if let Some((span, target)) = actor(&f.to) {
        keep(span, target, false);
    }
    for r in &f.items {
        if let Some(id) = r.id {
            keep(r.span, Target::Data(id), false);
        }
    }
    for r in &f.purposes {
        if let Some(id) = r.id {
            keep(r.span, Target::Purpose(id), false);
        }
    }
    for (span, target) in f.via.iter().filter_map(actor) {
        keep(span, target, false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A missing file's path, however spelt, is the path it will have
    /// once it exists: the client's notification names it so.
    #[test]
    fn a_missing_path_is_canonical_with_its_dots_resolved() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        let file = dir.path().join("rules.myna");
        let spellings = [
            dir.path().join("sub/../rules.myna"),
            dir.path().join("./sub/./../rules.myna"),
            dir.path().join("gone/../sub/../rules.myna"),
            file.clone(),
        ];
        let missing: Vec<PathBuf> = spellings.iter().map(|p| canonical(p)).collect();
        std::fs::write(&file, "").unwrap();
        let there = canonical(&file);
        for (spelt, key) in spellings.iter().zip(&missing) {
            assert_eq!(key, &there, "{}", spelt.display());
        }
        assert_eq!(lexically_normal(Path::new("/../a/./b/..")), Path::new("/a"));
    }

    /// A design's `use` reaches a rulebook inside the workspace folders
    /// the server is given ([`Around::roots`]), and one outside them and
    /// the folder the tests run in stays "not found" (MN013).
    #[test]
    fn a_design_uses_a_rulebook_inside_the_roots_only() {
        let d = tempfile::tempdir().expect("tempdir");
        let (project, outside) = (d.path().join("project"), d.path().join("outside"));
        for folder in [project.join("sub"), outside.clone()] {
            std::fs::create_dir_all(folder).expect("mkdir");
        }
        let rules = include_str!("../../examples/second-society/rules.myna");
        std::fs::write(project.join("rules.myna"), rules).expect("write");
        std::fs::write(outside.join("rules.myna"), rules).expect("write");
        let design = |target: &str| {
            format!(
                "use \"{target}\"\nactor 資格システム : 当組合\nactor 健康管理システム : 当組合\n\
                 data 資格 : 資格記録\nflow 資格システム -> 健康管理システム : 資格 for 資格管理\n"
            )
        };
        let codes = |target: &str, roots: &[PathBuf]| -> Vec<String> {
            let (shelf, open) = (Arc::new(RulebookShelf::new()), Arc::default());
            let around = Around {
                rulebooks: &shelf,
                open_rulebooks: &open,
                roots,
            };
            let path = project.join("sub/design.myna");
            let (enc, langs) = (Encoding::Utf16, Languages::default());
            let doc =
                Document::analyse_reading(&path, design(target), enc, around, langs, &|| false)
                    .expect("not stopped");
            doc.diagnostics
                .iter()
                .map(|d| d.code.as_str().to_string())
                .collect()
        };
        let roots = [project.clone()];
        assert_eq!(codes("../rules.myna", &roots), Vec::<String>::new());
        assert_eq!(codes("../rules.myna", &[]), ["MN013"]);
        assert_eq!(codes("../../outside/rules.myna", &roots), ["MN013"]);
    }

    /// Every name of the design, by position: what `at` finds among.
    fn all_names(doc: &Document) -> Vec<Occurrence> {
        let (d, _) = doc.design.as_ref().unwrap();
        names_where(d, doc.file, |_| true)
    }

    /// The name at every offset of the test design, and every name's
    /// occurrences, are what an index of all its names gives, whether
    /// the statements are searched or read in turn.
    #[test]
    fn the_name_at_each_offset_is_the_one_an_index_of_all_names_gives() {
        let text = include_str!("../../tests/fixtures/lsp/design.myna");
        let mut doc = Document::analyse(Path::new("design.myna"), text.into(), Encoding::Utf16);
        assert_eq!(doc.in_order, [true; 3]);
        let names = all_names(&doc);
        assert!(names.len() > 20, "{}", names.len());
        for searched in [true, false] {
            doc.in_order = [searched; 3];
            for offset in 0..=text.len() + 1 {
                let o = offset as u32;
                let i = names.partition_point(|n| n.span.start <= o);
                let want = names[..i]
                    .iter()
                    .rev()
                    .take(2)
                    .find(|n| n.span.start <= o && o <= n.span.end);
                let got = doc.at(offset);
                assert_eq!(
                    got.map(|g| (g.span, g.target, g.declaration)),
                    want.map(|w| (w.span, w.target, w.declaration)),
                    "offset {offset}, statements searched: {searched}"
                );
            }
        }
        for n in &names {
            let want: Vec<Span> = names
                .iter()
                .filter(|m| m.target == n.target)
                .map(|m| m.span)
                .collect();
            let got: Vec<Span> = doc.occurrences(n.target).iter().map(|m| m.span).collect();
            assert_eq!(got, want, "{:?}", n.target);
        }
    }
}
