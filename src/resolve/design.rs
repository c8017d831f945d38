//! Design syntax to [`Design`].

use super::rebind::RulebookNames;
use super::sections::SectionNotes;
use super::slots::{self, Slots};
use super::{
    CommaParts, DeclaredIn, Kind, NamesOther, Suggestions, Undefined, check_spelling, duplicate,
    push_misplaced, rulebook_kind_of,
};
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::model::*;
use crate::span::FileId;
use crate::syntax::ast::{self, Ident, Name, Stmt};
use crate::tally::Tally;
use crate::text;
use crate::text::Text;
use rayon::prelude::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

/// Reports MN010 for `name`, undefined as an actor or item (`kind`) of
/// the design: "did you mean" among the names of its kind declared so far
/// (`names`), noting when it is one of the other kind (`other`), with
/// `note` saying how to declare one. Never a name of the rulebook: a role
/// is often named like the actor declared with it (`actor 事業主 :
/// 事業主`). `commas`: its parts, when it has `、` in it.
fn push_undefined_here<'n>(
    (suggestions, diags): (&mut Suggestions, &mut Tally),
    (kind, name, other): (Kind, &Ident, Option<Kind>),
    (names, commas): (impl FnOnce() -> Vec<&'n str>, Option<CommaParts>),
    note: Text,
) {
    let u = Undefined {
        kind,
        name,
        answer: suggestions.answer(kind, name, names),
        other: other.map(|is| NamesOther::Kind(is, DeclaredIn::ThisDesign)),
        commas,
        in_rulebook: false,
    };
    u.push(diags, |d| d.with_note(note));
}

/// What else a name of `rb` undefined as a `wanted` (a role, category,
/// purpose or clause) names: another of the rulebook's kinds
/// ([`rulebook_kind_of`]), or for a purpose a section. Never a name of the
/// design: a role is often named like the actor declared with it (`actor
/// 事業主 : 事業主`), and a design bound to another rulebook
/// ([`super::rebind`]) keeps its actors' and items' findings.
fn rulebook_other<'r>(
    rb: &'r Rulebook,
    wanted: Kind,
    name: &str,
    section_notes: &'r mut SectionNotes,
) -> Option<NamesOther<'r>> {
    if let Some(is) = rulebook_kind_of(rb, wanted, name) {
        return Some(NamesOther::Kind(is, DeclaredIn::Rulebook(&rb.name)));
    }
    match wanted {
        Kind::Purpose => section_notes.note(rb, name).map(NamesOther::Section),
        _ => None,
    }
}

/// Binds a design's names, reporting what it cannot find.
pub(super) struct Resolver<'a> {
    design: Design,
    actor_names: NameTable<ActorId>,
    data_names: NameTable<DataId>,
    actor_used: Vec<bool>,
    data_used: Vec<bool>,
    suggestions: Suggestions,
    diags: &'a mut Tally,
    /// The rulebook names as written, and which findings their lookups
    /// made, when the design is to be bound to another rulebook later
    /// ([`super::rebind`]).
    written: Option<RulebookNames>,
    /// The notes for purposes named like sections.
    section_notes: SectionNotes,
}

impl<'a> Resolver<'a> {
    /// A resolver of `design`'s rulebook names only (against
    /// `design.rulebook`): its own names are bound already.
    pub(super) fn of_rulebook_names(design: Design, diags: &'a mut Tally) -> Self {
        Resolver::new(design, diags, None)
    }

    /// A resolver of `design`, with nothing declared yet; keeping the
    /// rulebook names as written in `written` when it is given.
    fn new(design: Design, diags: &'a mut Tally, written: Option<RulebookNames>) -> Self {
        Resolver {
            design,
            actor_names: NameTable::default(),
            data_names: NameTable::default(),
            actor_used: Vec::new(),
            data_used: Vec::new(),
            suggestions: Suggestions::default(),
            diags,
            written,
            section_notes: Default::default(),
        }
    }

    /// The design being resolved.
    pub(super) fn design(&mut self) -> &mut Design {
        &mut self.design
    }

    /// The design, once resolved.
    pub(super) fn into_design(self) -> Design {
        self.design
    }
}

impl Resolver<'_> {
    /// `list`: the name stands in a list (after `via`).
    fn actor(&mut self, name: &Ident, list: bool) -> Ref<ActorId> {
        let found = self.actor_names.lookup(&name.text);
        let id = found.map(|(a, _)| a);
        match found {
            Some((a, exact)) => {
                self.actor_used[a.index()] = true;
                if !exact {
                    let decl = self.design.actor(a);
                    check_spelling(name, &decl.name, decl.name_span, self.diags);
                }
            }
            None => {
                let other = self.data_names.get(&name.text).map(|_| Kind::Data);
                let actors = &self.design.actors;
                let table = &self.actor_names;
                let commas = CommaParts::of(&name.text, list, |p| table.lookup(p).is_some());
                push_undefined_here(
                    (&mut self.suggestions, self.diags),
                    (Kind::Actor, name, other),
                    (|| actors.iter().map(|a| a.name.as_str()).collect(), commas),
                    Text::new(
                        "declare it first: actor NAME : ROLE",
                        "先に宣言してください: actor 名前 : 役割",
                    ),
                );
            }
        }
        Ref {
            id,
            span: name.span,
        }
    }

    fn data(&mut self, name: &Ident) -> Ref<DataId> {
        let found = self.data_names.lookup(&name.text);
        let id = found.map(|(d, _)| d);
        match found {
            Some((d, exact)) => {
                self.data_used[d.index()] = true;
                if !exact {
                    let decl = self.design.item(d);
                    check_spelling(name, &decl.name, decl.name_span, self.diags);
                }
            }
            None => {
                let other = self.actor_names.get(&name.text).map(|_| Kind::Actor);
                let data = &self.design.data;
                // Items are named in a flow's list only.
                let table = &self.data_names;
                let commas = CommaParts::of(&name.text, true, |p| table.lookup(p).is_some());
                push_undefined_here(
                    (&mut self.suggestions, self.diags),
                    (Kind::Data, name, other),
                    (|| data.iter().map(|d| d.name.as_str()).collect(), commas),
                    Text::new(
                        "declare it first: data NAME : CATEGORY",
                        "先に宣言してください: data 名前 : カテゴリ",
                    ),
                );
            }
        }
        Ref {
            id,
            span: name.span,
        }
    }

    /// Looks a rulebook name up; MN010 if missing, MN014 if spelled
    /// differently. Without a rulebook nothing is reported (MN013 was).
    fn rulebook_name<I: Copy>(
        &mut self,
        kind: Kind,
        name: &Ident,
        lookup: impl Fn(&Rulebook, &str) -> Option<I>,
        decl: impl Fn(&Rulebook, I) -> (&str, crate::span::Span),
        all: impl Fn(&Rulebook) -> Vec<String>,
    ) -> Ref<I> {
        let Some(rb) = self.design.rulebook.clone() else {
            return Ref {
                id: None,
                span: name.span,
            };
        };
        let id = lookup(&rb, &name.text);
        let before = self.diags.len();
        match id {
            Some(i) => {
                let (declared, at) = decl(&rb, i);
                check_spelling(name, declared, at, self.diags);
            }
            None => {
                let answer = self.suggestions.answer(kind, name, || all(&rb));
                let other = rulebook_other(&rb, kind, &name.text, &mut self.section_notes);
                // A design names purposes (after `for`) and clauses (in a
                // `clauses` block) in lists, a role or a category alone.
                let list = matches!(kind, Kind::Purpose | Kind::Clause);
                let commas = CommaParts::of(&name.text, list, |p| lookup(&rb, p).is_some());
                let u = Undefined {
                    kind,
                    name,
                    answer,
                    other,
                    commas,
                    in_rulebook: false,
                };
                u.push(self.diags, |d| {
                    d.with_note(text!(
                        "names of roles, categories, purposes and clauses come from the rulebook `{}`", rb.name;
                        "役割・カテゴリ・利用目的・契約事項の名前はルールブック「{}」で定義されます", rb.name
                    ))
                });
            }
        }
        if let Some(w) = &mut self.written {
            w.found.extend(before..self.diags.len());
        }
        Ref {
            id,
            span: name.span,
        }
    }

    pub(super) fn role(&mut self, name: &Ident) -> Ref<RoleId> {
        self.rulebook_name(
            Kind::Role,
            name,
            |rb, n| rb.role_named(n),
            |rb, i| (rb.role(i).name.as_str(), rb.role(i).span),
            |rb| rb.roles.iter().map(|r| r.name.clone()).collect(),
        )
    }

    pub(super) fn category(&mut self, name: &Ident) -> Ref<CategoryId> {
        self.rulebook_name(
            Kind::Category,
            name,
            |rb, n| rb.category_named(n),
            |rb, i| (rb.category(i).name.as_str(), rb.category(i).span),
            |rb| rb.categories.iter().map(|c| c.name.clone()).collect(),
        )
    }

    pub(super) fn purpose(&mut self, name: &Ident) -> Ref<PurposeId> {
        // The common case, a purpose spelled as declared, without the
        // general path's bookkeeping (one per flow).
        if let Some((id, true)) = self
            .design
            .rulebook
            .as_deref()
            .and_then(|rb| rb.purpose_lookup(&name.text))
        {
            return Ref {
                id: Some(id),
                span: name.span,
            };
        }
        self.rulebook_name(
            Kind::Purpose,
            name,
            |rb, n| rb.purpose_named(n),
            |rb, i| (rb.purpose(i).name.as_str(), rb.purpose(i).span),
            |rb| rb.purposes.iter().map(|p| p.name.clone()).collect(),
        )
    }

    /// Searches ahead, on every core, the "did you mean" of every name of
    /// `flows` that [`Resolver::flow`] will find undefined, in the order
    /// it will ask ([`flow_of`]'s: sender, receiver, items, purposes,
    /// `via`).
    fn search_ahead<'f>(&mut self, flows: impl Iterator<Item = &'f ast::FlowStmt>) {
        let rb = self.design.rulebook.as_deref();
        let mut wanted: Vec<(Kind, &ast::Name)> = Vec::new();
        for f in flows {
            let p = &f.pattern;
            let actor = |n: &'f Ident| {
                (self.actor_names.lookup(&n.text).is_none()).then_some((Kind::Actor, &n.text))
            };
            wanted.extend([&p.from, &p.to].into_iter().filter_map(actor));
            wanted.extend(p.payload.iter().filter_map(|n| {
                (self.data_names.lookup(&n.text).is_none()).then_some((Kind::Data, &n.text))
            }));
            if let Some(rb) = rb {
                wanted.extend(p.purposes.iter().filter_map(|n| {
                    (rb.purpose_named(&n.text).is_none()).then_some((Kind::Purpose, &n.text))
                }));
            }
            wanted.extend(p.via_names().iter().filter_map(actor));
        }
        let (actors, data) = (&self.design.actors, &self.design.data);
        self.suggestions.search_ahead(&wanted, |kind| match kind {
            Kind::Actor => actors.iter().map(|a| a.name.clone()).collect(),
            Kind::Data => data.iter().map(|d| d.name.clone()).collect(),
            Kind::Purpose => rb.map_or_else(Vec::new, |rb| {
                rb.purposes.iter().map(|p| p.name.clone()).collect()
            }),
            _ => Vec::new(),
        });
    }

    /// A flow statement, through the lookups that report what they miss.
    fn flow(&mut self, f: &ast::FlowStmt) -> Flow {
        // The resolver's lookups always answer, so the flow is always built.
        flow_of(f, self).unwrap_or_else(|| stand_in(f.span))
    }

    pub(super) fn clause(&mut self, name: &Ident) -> Ref<ClauseId> {
        self.rulebook_name(
            Kind::Clause,
            name,
            |rb, n| rb.clause_named(n),
            |rb, i| (rb.clause(i).name.as_str(), rb.clause(i).span),
            |rb| rb.clauses.iter().map(|c| c.name.clone()).collect(),
        )
    }
}

/// Resolves a design against its rulebook (None when it could not be
/// loaded: then only actor and data names are checked). It takes the tree
/// and frees each flow statement once resolved: a large design's tree and
/// model are then never both whole in memory.
pub fn resolve_design(
    file: FileId,
    ast: ast::File,
    rulebook: Option<Arc<Rulebook>>,
    diags: &mut Vec<Diagnostic>,
) -> Design {
    match resolve_design_unless(file, ast, rulebook, diags, &|| false) {
        Some(design) => design,
        // Never asked to stop, it never does.
        None => unreachable!("resolution stopped unasked"),
    }
}

/// [`resolve_design`], given up once `stop` says so (None): a large
/// design asks before each part of its flows is resolved (a part is
/// about five thousand flows), so the language server need not finish
/// resolving a text a later edit has replaced. What was resolved so far
/// is freed; `diags` may hold some of the design's findings.
pub fn resolve_design_unless(
    file: FileId,
    ast: ast::File,
    rulebook: Option<Arc<Rulebook>>,
    diags: &mut Vec<Diagnostic>,
    stop: &(dyn Fn() -> bool + Sync),
) -> Option<Design> {
    Tally::within(diags, |t| {
        resolve_design_tallied(file, ast, rulebook, t, stop)
    })
}

/// [`resolve_design_unless`], its findings kept in full as `diags` keeps
/// them ([`Tally`]).
pub fn resolve_design_tallied(
    file: FileId,
    ast: ast::File,
    rulebook: Option<Arc<Rulebook>>,
    diags: &mut Tally,
    stop: &(dyn Fn() -> bool + Sync),
) -> Option<Design> {
    let parallel = in_parallel(&ast.stmts);
    resolve_design_on(file, ast.stmts, rulebook, diags, parallel, None, stop).map(|(d, _)| d)
}

/// [`resolve_design`], also keeping what binding the design to another
/// rulebook needs ([`super::rebind_design`]): for checking one design
/// against several rulebooks (`rules diff --impact`) without parsing or
/// resolving its own names again. Its findings are kept in full as
/// `diags` keeps them: which were about rulebook names is told by the
/// order made ([`RulebookNames::without_rulebook_findings`]).
pub fn resolve_design_rebindable(
    file: FileId,
    ast: ast::File,
    rulebook: Option<Arc<Rulebook>>,
    diags: &mut Tally,
) -> (Design, RulebookNames) {
    let parallel = in_parallel(&ast.stmts);
    let written = Some(RulebookNames::default());
    let never = &|| false;
    let resolved = resolve_design_on(file, ast.stmts, rulebook, diags, parallel, written, never);
    match resolved {
        Some((design, written)) => (design, written.unwrap_or_default()),
        None => unreachable!("resolution stopped unasked"),
    }
}

/// Are a design's flows resolved on every core?
fn in_parallel(stmts: &crate::syntax::stmts::Stmts) -> bool {
    stmts.parts().len() > 1 && stmts.len() >= PARALLEL_STATEMENTS
}

/// [`resolve_design`], its flows on every core when `parallel`; the
/// rulebook names as written are kept in `written` when it is given.
/// None when `stop` said so before a part of the flows.
fn resolve_design_on(
    file: FileId,
    stmts: crate::syntax::stmts::Stmts,
    rulebook: Option<Arc<Rulebook>>,
    diags: &mut Tally,
    parallel: bool,
    written: Option<RulebookNames>,
    stop: &(dyn Fn() -> bool + Sync),
) -> Option<(Design, Option<RulebookNames>)> {
    let design = Design {
        file,
        rulebook,
        actors: Vec::new(),
        data: Vec::new(),
        flows: Vec::new(),
    };
    let mut r = Resolver::new(design, diags, written);

    // Declarations first: a flow may name an actor declared below it. On a
    // large design the parts are searched for them on every core (nearly
    // every statement is a flow), then declared in order.
    let declarations: Vec<&Stmt> =
        stmts.filter_map(|s| (!matches!(s, Stmt::Flow(_) | Stmt::Use(_))).then_some(s));
    // Each part's count of flows sizes its list of resolved flows.
    let count = |p: &Vec<Stmt>| p.iter().filter(|s| matches!(s, Stmt::Flow(_))).count();
    let counts: Vec<usize> = if parallel {
        stmts.parts().par_iter().map(count).collect()
    } else {
        stmts.parts().iter().map(count).collect()
    };
    // The distinct spellings the parse numbered (counted once a thread
    // of a parse in parts), when it did: no more names than that can be
    // declared.
    let spellings = stmts.numbered().map(|n| n.iter().sum());
    r.declare(declarations, spellings, parallel);

    // Flows whose every name is spelled exactly as declared (nearly all of
    // them) need nothing but lookups: on a large design, parsed in parts,
    // the parts are resolved on every core, each into its own stretch of
    // the list and freed once resolved. The other flows go through the
    // resolver in order, so findings and "did you mean" answers come out
    // as in one pass.
    let memory = stmts.numbered().map(Memory::new);
    let (actors_seen, data_seen, flows) =
        r.flows(stmts.into_parts(), &counts, parallel, memory.as_ref(), stop)?;
    r.design.flows = flows;
    // The resolver marked what it found; the exact lookups marked each
    // name at its first sight on a thread.
    for (used, seen) in r.actor_used.iter_mut().zip(&actors_seen) {
        *used |= seen.load(Ordering::Relaxed);
    }
    for (used, seen) in r.data_used.iter_mut().zip(&data_seen) {
        *used |= seen.load(Ordering::Relaxed);
    }

    for (i, used) in r.actor_used.iter().enumerate() {
        if !used {
            let a = &r.design.actors[i];
            r.diags.push_made(Code::MN012, a.name_span, || {
                Diagnostic::new(
                    Code::MN012,
                    a.name_span,
                    text!("actor `{}` is declared but no flow uses it", a.name; "アクター{}は宣言されていますが、どのフローにも使われていません", crate::text::ja_quoted(&a.name)),
                )
                .with_help(Text::new(
                    "remove the declaration, or add the flows it takes part in",
                    "宣言を削除するか、そのアクターが関わるフローを追加してください",
                ))
            });
        }
    }
    for (i, used) in r.data_used.iter().enumerate() {
        if !used {
            let d = &r.design.data[i];
            r.diags.push_made(Code::MN012, d.name_span, || {
                Diagnostic::new(
                    Code::MN012,
                    d.name_span,
                    text!("data item `{}` is declared but no flow carries it", d.name; "データ項目{}は宣言されていますが、どのフローにも含まれていません", crate::text::ja_quoted(&d.name)),
                )
                .with_help(Text::new(
                    "remove the declaration, or add the flows that carry it",
                    "宣言を削除するか、そのデータを運ぶフローを追加してください",
                ))
            });
        }
    }
    Some((r.design, r.written))
}

impl Resolver<'_> {
    /// Declares the actors and data items of `declarations`, in order
    /// (the first of two with one name is the declaration, the second
    /// MN011), and reports the statements a design may not hold. With
    /// `parallel`, the actors' records are made first on every core.
    /// `spellings`, when known, is at least the number of distinct names.
    fn declare(&mut self, declarations: Vec<&Stmt>, spellings: Option<usize>, parallel: bool) {
        // Every name is entered first, in order: the first of two with one
        // name is the declaration, and only declarations are given room
        // and made records of (a file declaring one actor half a million
        // times reserved room for half a million, 176 MB, and made each
        // one's record on every core).
        let count = |kind: fn(&Stmt) -> bool| declarations.iter().filter(|s| kind(s)).count();
        let actors = count(|s| matches!(s, Stmt::Actor(_)));
        let items = count(|s| matches!(s, Stmt::Data(_)));
        // Room for every declaration at once (the tables grew a dozen
        // times): for as many as the parse numbered distinct spellings,
        // else up to a national design's tens of thousands of systems.
        let room = spellings.unwrap_or(RESERVED_NAMES);
        self.actor_names = NameTable::with_capacity(actors.min(room));
        self.data_names = NameTable::with_capacity(items.min(room));
        let (mut new_actors, mut new_items) = (0u32, 0u32);
        // For each declaration, Err(the first's number) when its name was
        // declared before.
        let entered: Vec<Result<(), u32>> = (declarations.iter())
            .map(|stmt| match stmt {
                Stmt::Actor(a) => {
                    let id = ActorId::new(new_actors);
                    let entered = self.actor_names.insert(&a.name.text, id);
                    new_actors += u32::from(entered.is_ok());
                    entered.map_err(|first| first.index() as u32)
                }
                Stmt::Data(d) => {
                    let id = DataId::new(new_items);
                    let entered = self.data_names.insert(&d.name.text, id);
                    new_items += u32::from(entered.is_ok());
                    entered.map_err(|first| first.index() as u32)
                }
                _ => Ok(()),
            })
            .collect();
        self.design.actors.reserve(new_actors as usize);
        self.design.data.reserve(new_items as usize);
        let declared = (declarations.iter().zip(&entered)).filter_map(|(s, e)| match (s, e) {
            (Stmt::Actor(a), Ok(())) => Some(a),
            _ => None,
        });
        let mut made: std::vec::IntoIter<Option<Actor>> = match self.design.rulebook.as_deref() {
            Some(rb) if parallel && new_actors as usize >= PARALLEL_ACTORS => {
                let declared: Vec<&ast::ActorDecl> = declared.collect();
                declared.par_iter().map(|a| exact_actor(rb, a)).collect()
            }
            _ => Vec::new(),
        }
        .into_iter();
        for (stmt, entered) in declarations.into_iter().zip(entered) {
            match stmt {
                Stmt::Actor(a) => {
                    if let Err(first) = entered {
                        let first = self.design.actor(ActorId::new(first));
                        let (span, name) = (first.name_span, first.name.as_str());
                        self.diags.push_made(Code::MN011, a.name.span, || {
                            duplicate(Kind::Actor, &a.name, span, name)
                        });
                        continue;
                    }
                    let actor = match made.next().flatten() {
                        Some(actor) => actor,
                        None => self.actor_record(a),
                    };
                    self.design.actors.push(actor);
                    self.actor_used.push(false);
                    if let Some(w) = &mut self.written {
                        w.roles.push((a.role.clone(), a.clauses.clone()));
                    }
                }
                Stmt::Data(d) => {
                    if let Err(first) = entered {
                        let first = self.design.item(DataId::new(first));
                        let (span, name) = (first.name_span, first.name.as_str());
                        self.diags.push_made(Code::MN011, d.name.span, || {
                            duplicate(Kind::Data, &d.name, span, name)
                        });
                        continue;
                    }
                    let category = self.category(&d.category);
                    self.design.data.push(DataItem {
                        name: d.name.text.to_string(),
                        name_span: d.name.span,
                        category,
                        marked_mynumber: d.mynumber.is_some(),
                        span: d.span,
                    });
                    self.data_used.push(false);
                    if let Some(w) = &mut self.written {
                        w.categories.push(d.category.clone());
                    }
                }
                Stmt::Rulebook(h) => push_misplaced(self.diags, "rulebook", h.span, false),
                Stmt::Role(x) => push_misplaced(self.diags, "role", x.span, false),
                Stmt::Category(x) => push_misplaced(self.diags, "category", x.span, false),
                Stmt::Section(x) => push_misplaced(self.diags, "section", x.span, false),
                Stmt::Contractor(x) => push_misplaced(self.diags, "contractor", x.span, false),
                Stmt::Clause(x) => push_misplaced(self.diags, "clause", x.span, false),
                Stmt::Use(_) | Stmt::Flow(_) => {}
            }
        }
    }

    /// An actor's record, its role and clauses through the lookups that
    /// report what they miss.
    fn actor_record(&mut self, a: &ast::ActorDecl) -> Actor {
        let role = self.role(&a.role);
        let clauses = a
            .clauses
            .as_ref()
            .map(|cs| cs.iter().map(|c| self.clause(c)).collect());
        actor_of(a, role, clauses)
    }

    /// Resolves the flows of `parts` (`counts[k]` flows in part `k`), in
    /// order; also returns which actors and items the exact lookups met.
    /// `memory`: room for what their names resolve to, by number, when
    /// one parse numbered them all ([`crate::syntax::stmts::Stmts::numbered`]).
    /// None when `stop` said so before a part.
    fn flows(
        &mut self,
        parts: Vec<Vec<Stmt>>,
        counts: &[usize],
        parallel: bool,
        memory: Option<&Memory>,
        stop: &(dyn Fn() -> bool + Sync),
    ) -> Option<(Vec<AtomicBool>, Vec<AtomicBool>, Vec<Flow>)> {
        let actors_seen: Vec<AtomicBool> = self
            .actor_used
            .iter()
            .map(|_| AtomicBool::new(false))
            .collect();
        let data_seen: Vec<AtomicBool> = self
            .data_used
            .iter()
            .map(|_| AtomicBool::new(false))
            .collect();
        let exact = Exact {
            actors: &self.actor_names,
            data: &self.data_names,
            rb: self.design.rulebook.as_deref(),
            actors_seen: &actors_seen,
            data_seen: &data_seen,
            memory,
            unbound_purposes_kept: self.written.is_some() && self.design.rulebook.is_none(),
        };
        let (mut flows, others) =
            slots::fill_in_place(parts, counts, parallel, stop, |part, out| {
                exact.fill(part, out)
            })?;
        if parallel {
            self.search_ahead(others.iter().flatten().map(|(_, f)| f));
        }
        for (i, f) in others.into_iter().flatten() {
            if let Some(w) = &mut self.written {
                w.purposes.push((i, f.pattern.purposes.to_vec()));
            }
            if let Some(slot) = flows.get_mut(i) {
                *slot = self.flow(&f);
            }
        }
        Some((actors_seen, data_seen, flows))
    }
}

/// An actor's record when its role and every clause are spelled exactly
/// as the rulebook declares them, so that looking them up has nothing to
/// report (else None: [`Resolver::actor_record`] makes it, in order).
fn exact_actor(rb: &Rulebook, a: &ast::ActorDecl) -> Option<Actor> {
    fn exact<I>(found: Option<(I, bool)>, span: crate::span::Span) -> Option<Ref<I>> {
        match found {
            Some((id, true)) => Some(Ref { id: Some(id), span }),
            _ => None,
        }
    }
    let role = exact(rb.role_names.lookup(&a.role.text), a.role.span)?;
    let clauses = match &a.clauses {
        Some(cs) => Some(
            cs.iter()
                .map(|c| exact(rb.clause_names.lookup(&c.text), c.span))
                .collect::<Option<Vec<_>>>()?,
        ),
        None => None,
    };
    Some(actor_of(a, role, clauses))
}

/// The record of the actor `a` declares, with its role and clauses.
fn actor_of(a: &ast::ActorDecl, role: Ref<RoleId>, clauses: Option<Vec<Ref<ClauseId>>>) -> Actor {
    Actor {
        name: a.name.text.to_string(),
        name_span: a.name.span,
        role,
        label: a.label.as_ref().map(|l| (l.text.to_string(), l.span)),
        clauses,
        span: a.span,
    }
}

/// Actors from which a design's records are made on every core (fewer
/// take a few milliseconds at most on one).
const PARALLEL_ACTORS: usize = 4096;

/// Names of one kind a design's tables have room for before the first is
/// entered, at most, when the parse did not count its spellings: a
/// national design's systems, not every declaration of a file that
/// declares one name again and again.
const RESERVED_NAMES: usize = 1 << 16;

/// A part's flow statements that the exact lookups left for the
/// resolver, each with its number in the file.
type Left = Vec<(usize, ast::FlowStmt)>;

/// What is left in a part where a flow statement was taken out for the
/// resolver: a statement with no names and nothing on the heap.
fn taken(span: crate::span::Span) -> ast::FlowStmt {
    let nobody = Ident {
        text: Name::default(),
        span,
        sym: ast::Sym::NONE,
    };
    ast::FlowStmt {
        pattern: ast::Pattern {
            from: nobody.clone(),
            arrow: ast::Arrow {
                both_ways: false,
                span,
            },
            to: nobody,
            payload: Few::new(),
            purposes: Few::new(),
            via: None,
            basis: None,
        },
        span,
    }
}

/// Designs with fewer statements resolve their flows on one thread (a
/// design parsed in one part always does).
pub(super) const PARALLEL_STATEMENTS: usize = 20_000;

/// The lookups that need no findings: names spelled exactly as declared.
struct Exact<'a> {
    actors: &'a NameTable<ActorId>,
    data: &'a NameTable<DataId>,
    rb: Option<&'a Rulebook>,
    /// Actors and items found (MN012 is for those never found), marked by
    /// [`remembered`] when a name is first met.
    actors_seen: &'a [AtomicBool],
    data_seen: &'a [AtomicBool],
    /// What the names resolved to, by number, when one parse numbered
    /// them all (a name's number is then its spelling:
    /// [`crate::syntax::stmts::Stmts::numbered`]); else each name is
    /// looked up by its text.
    memory: Option<&'a Memory>,
    /// Without a rulebook, send a flow that names purposes to the
    /// resolver, which keeps their spelling for another rulebook
    /// ([`RulebookNames`]); with one, an exact purpose is its spelling.
    unbound_purposes_kept: bool,
}

impl Exact<'_> {
    /// Pushes the flows of `part` onto `out`, one per flow statement in
    /// order (the first being flow number `out.start()` of the file); a flow
    /// with a name that needs the resolver is a stand-in there, and its
    /// statement is returned with its number. The part is freed here.
    ///
    /// The statements are read where they lie: moving each out of the
    /// part (168 bytes) before reading it was an eighth of resolving.
    fn fill(&self, mut part: Vec<Stmt>, out: &mut Slots<'_, Flow>) -> Left {
        let mut names = self;
        let mut others = Vec::new();
        let first = out.start();
        let flows = part.iter_mut().filter_map(|s| match s {
            Stmt::Flow(f) => Some(f),
            _ => None,
        });
        for (k, f) in flows.enumerate() {
            match flow_of(f, &mut names) {
                Some(flow) => out.push(flow),
                None => {
                    out.push(stand_in(f.span));
                    others.push((first + k, std::mem::replace(f, taken(f.span))));
                }
            }
        }
        drop(part);
        others
    }
}

/// What the exact lookups found, by the name's number ([`ast::Sym`]),
/// shared by every thread: a name met again is found with one read of a
/// small vector, without hashing its text or comparing it with the
/// tables' (on a design with many actors, those cache misses were the
/// largest cost of resolving), and each spelling is looked up once in
/// all, not once a thread.
struct Memory {
    actors: Remembers,
    data: Remembers,
    purposes: Remembers,
}

impl Memory {
    /// Room for `spellings[s]` numbers in each space `s`.
    fn new(spellings: &[usize]) -> Memory {
        Memory {
            actors: Remembers::new(spellings),
            data: Remembers::new(spellings),
            purposes: Remembers::new(spellings),
        }
    }
}

/// One kind of name's exact lookups: for each [`ast::Sym`] space, what
/// each number resolved to ([`NOT_MET`], [`NOT_EXACT`], or the id plus
/// two). Two threads that meet a name first at once both look it up and
/// write the same answer.
struct Remembers(Vec<Vec<AtomicU32>>);

/// A number not met yet.
const NOT_MET: u32 = 0;
/// A number met, its name not spelled exactly as declared.
const NOT_EXACT: u32 = 1;

impl Remembers {
    fn new(spellings: &[usize]) -> Remembers {
        Remembers(
            spellings
                .iter()
                .map(|&n| (0..n).map(|_| AtomicU32::new(NOT_MET)).collect())
                .collect(),
        )
    }

    /// What `n` resolved to: from memory when `n` was met before, else
    /// from `lookup` (then remembered). A name with no number, or one past
    /// the numbering, is looked up each time.
    fn get<I: SlotId>(&self, n: &Ident, lookup: impl FnOnce(&str) -> Option<I>) -> Option<I> {
        let slot = n.sym.parts().and_then(|(s, i)| self.0.get(s)?.get(i));
        let Some(slot) = slot else {
            return lookup(&n.text);
        };
        match slot.load(Ordering::Relaxed) {
            NOT_MET => {}
            NOT_EXACT => return None,
            k => return Some(I::from_u32(k - 2)),
        }
        let id = lookup(&n.text);
        // An id too large to hold is looked up again at each use.
        let answer = match id {
            None => Some(NOT_EXACT),
            Some(i) => i.to_u32().checked_add(2),
        };
        if let Some(k) = answer {
            slot.store(k, Ordering::Relaxed);
        }
        id
    }
}

/// An id a [`Remembers`] slot holds as a number.
trait SlotId: Copy {
    fn to_u32(self) -> u32;
    fn from_u32(i: u32) -> Self;
}

macro_rules! slot_ids {
    ($($t:ty),*) => {$(
        impl SlotId for $t {
            fn to_u32(self) -> u32 {
                self.get()
            }
            fn from_u32(i: u32) -> Self {
                <$t>::new(i)
            }
        }
    )*};
}
slot_ids!(ActorId, DataId, PurposeId);

/// A name's exact lookup, remembered in `memory` when there is one;
/// `found` is told of each name found (once, but for two threads that
/// meet it first at once, when remembered).
fn remembered<I: SlotId>(
    memory: Option<&Remembers>,
    n: &Ident,
    lookup: impl FnOnce(&str) -> Option<(I, bool)>,
    found: impl FnOnce(I),
) -> Option<Ref<I>> {
    let exact = |text: &str| {
        let exact = match lookup(text) {
            Some((id, true)) => Some(id),
            _ => None,
        };
        if let Some(id) = exact {
            found(id);
        }
        exact
    };
    let id = match memory {
        Some(m) => m.get(n, exact),
        None => exact(&n.text),
    }?;
    Some(Ref {
        id: Some(id),
        span: n.span,
    })
}

/// Marks entry `i` of `used`.
fn mark(used: &[AtomicBool], i: usize) {
    if let Some(u) = used.get(i) {
        u.store(true, Ordering::Relaxed);
    }
}

/// [`Exact`]'s lookups, through its [`Memory`] when it has one.
impl FlowNames for &Exact<'_> {
    fn actor(&mut self, n: &Ident) -> Option<Ref<ActorId>> {
        let (actors, used) = (self.actors, self.actors_seen);
        remembered(
            self.memory.map(|m| &m.actors),
            n,
            |t| actors.lookup(t),
            |a| mark(used, a.index()),
        )
    }
    fn item(&mut self, n: &Ident) -> Option<Ref<DataId>> {
        let (data, used) = (self.data, self.data_seen);
        remembered(
            self.memory.map(|m| &m.data),
            n,
            |t| data.lookup(t),
            |d| mark(used, d.index()),
        )
    }
    fn purpose(&mut self, n: &Ident) -> Option<Ref<PurposeId>> {
        match self.rb {
            Some(rb) => remembered(
                self.memory.map(|m| &m.purposes),
                n,
                |t| rb.purpose_lookup(t),
                |_| {},
            ),
            None if self.unbound_purposes_kept => None,
            // Without a rulebook a purpose is unresolved and nothing is
            // said (MN013 was), as in `Resolver::rulebook_name`.
            None => Some(Ref {
                id: None,
                span: n.span,
            }),
        }
    }
}

/// How a flow's names are looked up: by the resolver, which reports what
/// it misses and always answers, or by [`Exact`]'s tables through its [`Memory`], which answers only for
/// names spelled as declared. One [`flow_of`] builds the flow for both,
/// so the two paths cannot drift apart.
trait FlowNames {
    fn actor(&mut self, n: &Ident) -> Option<Ref<ActorId>>;
    /// An actor named after `via`, in a list.
    fn via(&mut self, n: &Ident) -> Option<Ref<ActorId>> {
        self.actor(n)
    }
    fn item(&mut self, n: &Ident) -> Option<Ref<DataId>>;
    fn purpose(&mut self, n: &Ident) -> Option<Ref<PurposeId>>;
}

impl FlowNames for Resolver<'_> {
    fn actor(&mut self, n: &Ident) -> Option<Ref<ActorId>> {
        Some(Resolver::actor(self, n, false))
    }
    fn via(&mut self, n: &Ident) -> Option<Ref<ActorId>> {
        Some(Resolver::actor(self, n, true))
    }
    fn item(&mut self, n: &Ident) -> Option<Ref<DataId>> {
        Some(self.data(n))
    }
    fn purpose(&mut self, n: &Ident) -> Option<Ref<PurposeId>> {
        Some(Resolver::purpose(self, n))
    }
}

/// A flow statement's flow, or None when `names` cannot answer for one
/// of its names.
fn flow_of(f: &ast::FlowStmt, names: &mut impl FlowNames) -> Option<Flow> {
    let p = &f.pattern;
    Some(Flow {
        from: names.actor(&p.from)?,
        to: names.actor(&p.to)?,
        arrow_start: p.arrow.span.start,
        arrow_len: u8::try_from(p.arrow.span.end.saturating_sub(p.arrow.span.start))
            .unwrap_or(u8::MAX),
        both_ways: p.arrow.both_ways,
        items: each(&p.payload, |n| names.item(n))?,
        purposes: each(&p.purposes, |n| names.purpose(n))?,
        via: each_exactly(p.via_names(), |n| names.via(n))?,
        via_start: p.via_kw().map_or(p.from.span.start, |k| k.start),
        basis: p.basis.as_ref().map(|b| b.text),
        span: f.span,
    })
}

/// `f` of every name, or None at the first that gives None. A loop of
/// pushes: `collect::<Option<SmallVec>>` goes through generic `extend`
/// code, three times per flow.
fn each<T, U>(list: &[T], mut f: impl FnMut(&T) -> Option<U>) -> Option<Few<U>> {
    let mut out = Few::with_capacity(list.len());
    for x in list {
        out.push(f(x)?);
    }
    Some(out)
}

/// [`each`] into a boxed slice, made at its size (`each` sizes its list
/// for every name, so the box is never shrunk): collected through
/// `Option`, the list had no size to start from, and grew, then shrank, a
/// reallocation for each flow with a `via`.
fn each_exactly<T, U>(list: &[T], f: impl FnMut(&T) -> Option<U>) -> Option<Box<[U]>> {
    each(list, f).map(|few| few.into_vec().into_boxed_slice())
}

/// A flow that holds the place of one the resolver fills in.
fn stand_in(span: crate::span::Span) -> Flow {
    let nothing = Ref { id: None, span };
    Flow {
        from: nothing,
        to: nothing,
        arrow_start: span.start,
        arrow_len: 0,
        both_ways: false,
        items: Few::new(),
        purposes: Few::new(),
        via: Box::default(),
        via_start: span.start,
        basis: None,
        span,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::Span;
    use crate::syntax::tokens::Copies;

    /// The built-in rulebook.
    fn kenpo() -> Option<Arc<Rulebook>> {
        crate::session::Session::new(crate::session::RulebookSource::Builtin("kenpo".into()))
            .load_rulebook(&crate::session::RulebookSource::Builtin("kenpo".into()))
            .ok()
    }

    /// Resolves `src` against the built-in rulebook, on one thread or
    /// many, keeping what binding it to another rulebook needs or not,
    /// its names copied as `copies` says.
    fn resolved(
        src: &str,
        parallel: bool,
        rebindable: bool,
        copies: Copies,
    ) -> (String, Vec<Diagnostic>) {
        let rb = kenpo();
        let mut diags = Tally::default();
        // Cut in small parts, as a large file is parsed.
        let tree = crate::syntax::split::parse_in_parts_sized(FileId(1), src, 500, copies).file;
        assert!(tree.stmts.parts().len() > 10, "parsed in parts");
        let written = rebindable.then(RulebookNames::default);
        let (d, written) = resolve_design_on(
            FileId(1),
            tree.stmts,
            rb,
            &mut diags,
            parallel,
            written,
            &|| false,
        )
        .expect("never stopped");
        assert_eq!(written.is_some(), rebindable);
        (
            format!("{:?}", (&d.actors, &d.data, &d.flows)),
            diags.into_parts().0,
        )
    }

    /// A design of many parts stops before the part at which `stop` first
    /// says yes, on one thread or many, and is resolved whole when it
    /// never does.
    #[test]
    fn resolution_stops_before_a_part_when_asked() {
        use std::sync::atomic::AtomicUsize;
        let mut src = String::from("actor a : 組合\nactor b : 組合\ndata x : 基本4情報\n");
        src.push_str(&"flow a -> b : x for 被扶養者認定\n".repeat(PARALLEL_STATEMENTS));
        let parts =
            crate::syntax::split::parse_in_parts_sized(FileId(1), &src, 500, Copies::Shared)
                .file
                .stmts
                .parts()
                .len();
        assert!(parts > 10, "parsed in parts");
        for parallel in [false, true] {
            for at in [1, 2, parts / 2, parts, parts + 1] {
                let tree = crate::syntax::split::parse_in_parts_sized(
                    FileId(1),
                    &src,
                    500,
                    Copies::Shared,
                )
                .file;
                let asked = AtomicUsize::new(0);
                let stop = || asked.fetch_add(1, Ordering::SeqCst) + 1 == at;
                let mut diags = Tally::default();
                let got = resolve_design_on(
                    FileId(1),
                    tree.stmts,
                    kenpo(),
                    &mut diags,
                    parallel,
                    None,
                    &stop,
                );
                match got {
                    Some((d, _)) => {
                        assert!(at > parts, "not stopped at question {at} of {parts}");
                        assert_eq!(d.flows.len(), PARALLEL_STATEMENTS);
                        assert!(d.flows.iter().all(|f| f.from.id.is_some()));
                    }
                    None => assert!(at <= parts, "stopped at question {at} of {parts}"),
                }
                assert!(asked.into_inner() <= parts, "asked once a part at most");
            }
        }
    }

    /// Enough actors that their records are made on every core: exact
    /// roles and clauses, respellings (MN014), undefined roles and
    /// clauses (MN010) and duplicates (MN011) give the records and the
    /// findings, in order, of one thread.
    #[test]
    fn actors_are_declared_alike_on_one_thread_and_many() {
        let mut src = String::new();
        for i in 0..PARALLEL_ACTORS + 300 {
            src.push_str(&match i % 7 {
                0 => {
                    format!("actor 委託{i} : 委託先 \"法人{i}\" {{\n  clauses 守秘義務, 返還\n}}\n")
                }
                1 => format!("actor 委託{i} : 委託先 {{\n  clauses 守秘義務, 存在しない条項\n}}\n"),
                2 => format!("actor 委託{i} : 中間ｻｰﾊﾞｰ {{\n  clauses 守秘義務\n}}\n"),
                3 => format!("actor システム{i} : ｵﾝﾗｲﾝ資格確認等ｼｽﾃﾑ\n"),
                4 => format!("actor システム{i} : 存在しない役割\n"),
                // Declared again by the next (MN011 there).
                5 => format!("actor システム{} : 組合\n", i + 1),
                _ => format!("actor システム{i} : 組合\n"),
            });
        }
        src.push_str("data x : 基本4情報\n");
        src.push_str(
            &"flow システム6 -> システム13 : x for 被扶養者認定\n".repeat(PARALLEL_STATEMENTS),
        );
        let (one, one_diags) = resolved(&src, false, false, Copies::Shared);
        let (many, many_diags) = resolved(&src, true, false, Copies::Shared);
        assert_eq!(one, many);
        assert_eq!(format!("{one_diags:?}"), format!("{many_diags:?}"));
        let count = |code| one_diags.iter().filter(|d| d.code == code).count();
        let sevenths = (PARALLEL_ACTORS + 300).div_ceil(7);
        assert!(
            count(Code::MN014) >= 2 * sevenths - 2,
            "{}",
            count(Code::MN014)
        );
        assert!(
            count(Code::MN010) >= 2 * sevenths - 2,
            "{}",
            count(Code::MN010)
        );
        assert!(count(Code::MN011) >= sevenths - 2, "{}", count(Code::MN011));
        assert_eq!(count(Code::MN001), 0, "{one_diags:?}");
    }

    #[test]
    fn a_name_declared_again_and_again_is_one_declaration() {
        // Each later one is MN011, pointing at the first; the records
        // made on every core are those of the declarations alone.
        let n = 2 * PARALLEL_ACTORS;
        let mut src = "actor A : 組合\nactor B : 他機関\ndata x : 課税・非課税情報\n".repeat(n);
        src.push_str("flow A -> B : x for 被扶養者認定\n");
        for parallel in [false, true] {
            let (model, diags) = resolved(&src, parallel, false, Copies::Shared);
            // Two actors and an item: each has a `name_span`.
            assert_eq!(model.matches("name_span").count(), 3, "{}", &model[..300]);
            assert_eq!(diags.len(), 3 * (n - 1), "{:?}", diags.first());
            assert!(diags.iter().all(|d| d.code == Code::MN011));
            let firsts: std::collections::HashSet<u32> = (diags.iter())
                .map(|d| d.labels.first().map_or(u32::MAX, |l| l.span.start))
                .collect();
            assert_eq!(firsts.len(), 3, "{firsts:?}");
            assert!(firsts.iter().all(|&at| at < 50), "{firsts:?}");
        }
    }

    #[test]
    fn flows_resolve_alike_on_one_thread_and_many() {
        // Exact names, a respelling (MN014), undefined names (MN010, with
        // "did you mean"), an undefined purpose, and unused declarations.
        let mut src = String::from(
            "actor 基幹システム : 組合\nactor 市町村 : 他機関\nactor 未使用 : 組合\n\
             data 課税情報 : 課税・非課税情報\ndata 氏名 : 基本4情報\n\
             actor 給付システム : 組合\ndata 住所 : 基本4情報\n\
             flow 給付システム -> 基幹システム : 住所 for 被扶養者認定\n\
             flow 後方システム -> 基幹システム : 住所 for 被扶養者認定\n",
        );
        for i in 0..300 {
            // Declarations in later parts too: one a flow above names, and
            // duplicates (reported in the order written).
            match i {
                100 => src.push_str("actor 後方システム : 組合\n"),
                200 => src.push_str("actor 基幹システム : 組合\ndata 住所 : 基本4情報\n"),
                _ => {}
            }
            src.push_str(match i % 5 {
                0 => "flow 市町村 -> 基幹システム : 課税情報 for 被扶養者認定 via 情報提供NWS\n",
                1 => "flow 市町村 -> 基幹ｼｽﾃﾑ : 課税情報 for 被扶養者認定\n",
                2 => "flow 市町材 -> 基幹システム : 課税情報, 氏名 for 被扶養者認定\n",
                3 => "flow 基幹システム -> 市町村 : 氏名 for 存在しない目的 basis \"x\"\n",
                _ => "flow 基幹システム <-> 市町村 : 課税情報\n",
            });
        }
        let (one, one_diags) = resolved(&src, false, false, Copies::Shared);
        let (many, many_diags) = resolved(&src, true, false, Copies::Shared);
        // Parsed whole, in one part: each part's flows land at their
        // numbers in the file.
        let whole = crate::syntax::parser::parse(FileId(1), &src).file;
        let (d, _) = resolve_design_on(
            FileId(1),
            whole.stmts,
            kenpo(),
            &mut Tally::default(),
            false,
            None,
            &|| false,
        )
        .expect("never stopped");
        assert_eq!(one, format!("{:?}", (&d.actors, &d.data, &d.flows)));
        // Resolving while keeping what binding to another rulebook needs
        // (`rules diff --impact`), or a tree whose names last, gives the
        // same.
        for parallel in [false, true] {
            for (rebindable, copies) in [(true, Copies::Shared), (false, Copies::Lasting)] {
                let (other, other_diags) = resolved(&src, parallel, rebindable, copies);
                assert_eq!(one, other);
                assert_eq!(format!("{one_diags:?}"), format!("{other_diags:?}"));
            }
        }
        assert_eq!(one, many);
        let codes = |d: &[Diagnostic]| d.iter().map(|x| format!("{:?}", x)).collect::<Vec<_>>();
        assert_eq!(codes(&one_diags), codes(&many_diags));
        assert!(one_diags.iter().any(|d| d.code == Code::MN014));
        assert!(one_diags.iter().any(|d| d.code == Code::MN010));
        let duplicates = one_diags.iter().filter(|d| d.code == Code::MN011).count();
        assert_eq!(duplicates, 2, "{one_diags:?}");
        assert!(
            !one_diags
                .iter()
                .any(|d| d.message.en.contains("後方システム")),
            "an actor declared in a later part resolves"
        );
        // Only the actor no flow names is unused: names found by the exact
        // lookups alone (給付システム, 住所) count as used.
        let unused: Vec<_> = one_diags
            .iter()
            .filter(|d| d.code == Code::MN012)
            .map(|d| d.message.en.clone())
            .collect();
        assert_eq!(
            unused,
            ["actor `未使用` is declared but no flow uses it"],
            "{unused:?}"
        );
    }

    impl SlotId for u32 {
        fn to_u32(self) -> u32 {
            self
        }
        fn from_u32(i: u32) -> u32 {
            i
        }
    }

    #[test]
    fn a_number_is_taken_for_the_name_only_when_one_parse_numbered_them() {
        use crate::syntax::tokens::Names;
        let ident = |names: &Names, text: &str| {
            let (text, sym) = names.get(text);
            Ident {
                text,
                span: Span::new(FileId(1), 0, 0),
                sym,
            }
        };
        // Two parses number their first spellings alike.
        let (one, two) = (Names::default(), Names::default());
        let (a, b) = (ident(&one, "基幹システム"), ident(&two, "市町村"));
        assert_eq!(a.sym, b.sym);
        let lookups = std::cell::Cell::new(0);
        let lookup = |memory: Option<&Remembers>, n: &Ident| {
            let exact = |t: &str| {
                lookups.set(lookups.get() + 1);
                Some((t.chars().count() as u32, true))
            };
            remembered(memory, n, exact, |_| {}).and_then(|r| r.id)
        };
        // Names of two parses: looked up each time, never confused.
        assert_eq!(lookup(None, &a), Some(6));
        assert_eq!(lookup(None, &b), Some(3), "same number");
        assert_eq!(lookup(None, &a), Some(6));
        assert_eq!(lookups.get(), 3);
        // One parse's names: remembered by number.
        let c = ident(&one, "市町村");
        let memory = Remembers::new(&[one.numbered()]);
        assert_eq!(lookup(Some(&memory), &a), Some(6));
        assert_eq!(lookup(Some(&memory), &a.clone()), Some(6), "remembered");
        assert_eq!(lookup(Some(&memory), &c), Some(3));
        assert_eq!(lookup(Some(&memory), &ident(&one, "市町村")), Some(3));
        assert_eq!(lookups.get(), 5);
        // A name not spelled as declared is remembered as such.
        let mut misses = 0;
        let memory = Remembers::new(&[one.numbered()]);
        for _ in 0..3 {
            let miss = |_: &str| {
                misses += 1;
                Some((7u32, false))
            };
            assert_eq!(remembered(Some(&memory), &a, miss, |_| {}), None);
        }
        assert_eq!(misses, 1);
        // A name without a number, or past the numbering, is looked up
        // each time.
        let d = Ident {
            sym: crate::syntax::ast::Sym::NONE,
            ..a.clone()
        };
        let e = ident(&one, "後から読んだ名前");
        assert_eq!(lookup(Some(&memory), &d), Some(6));
        assert_eq!(lookup(Some(&memory), &d), Some(6));
        assert_eq!(lookup(Some(&memory), &e), Some(8));
        assert_eq!(lookup(Some(&memory), &e), Some(8));
        assert_eq!(lookups.get(), 9);
    }

    #[test]
    fn statements_gathered_from_two_parses_resolve_by_their_text() {
        // Each parse numbers its first name 0: `基幹` in one, `市町村` in
        // the other. Gathered into one list, no number may stand for a name.
        let decls = crate::syntax::parse(
            FileId(1),
            "use \"kenpo\"\nactor 基幹 : 組合\nactor 市町村 : 他機関\ndata 番号 : 個人番号\n",
        );
        let first = crate::syntax::parse(FileId(1), "flow 基幹 -> 市町村 : 番号 for 資格確認\n");
        let second = crate::syntax::parse(FileId(1), "flow 市町村 -> 基幹 : 番号 for 資格確認\n");
        assert!(
            first.file.stmts.numbered().is_some(),
            "one parse numbers its names"
        );
        let stmts: Vec<Stmt> = [decls, first, second]
            .into_iter()
            .flat_map(|p| p.file.stmts.into_parts().into_iter().flatten())
            .collect();
        let stmts = crate::syntax::stmts::Stmts::from(stmts);
        assert!(
            stmts.numbered().is_none(),
            "gathered: not one parse's numbers"
        );
        let file = ast::File {
            stmts,
            comments: Vec::new(),
        };
        let mut diags = Vec::new();
        let design = resolve_design(FileId(1), file, kenpo(), &mut diags);
        let ends: Vec<(String, String)> = design
            .flows
            .iter()
            .map(|f| {
                let name = |r: &Ref<ActorId>| r.id.map(|a| design.actor(a).name.clone());
                (
                    name(&f.from).unwrap_or_default(),
                    name(&f.to).unwrap_or_default(),
                )
            })
            .collect();
        assert_eq!(
            ends,
            [
                ("基幹".to_string(), "市町村".to_string()),
                ("市町村".to_string(), "基幹".to_string())
            ]
        );
    }
}
