//! Rulebook syntax to [`Rulebook`].

use super::suggest::Likeness;
use super::{
    CommaParts, DeclaredIn, Kind, NamesOther, Suggestions, Undefined, duplicate, push_misplaced,
    rulebook_kind_of,
};
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::model::tree::{self, Linker};
use crate::model::*;
use crate::span::{FileId, Span};
use crate::syntax::ast::{self, Ident, RoleFlag, Stmt};
use crate::tally::Tally;
use crate::text;
use crate::text::{JaQuoted, Text};

/// Reports an MN010 for `name`, undefined in `rb` as a `wanted`, with
/// its "did you mean" `answer`, noting when the rulebook declares the name
/// as another kind. Every declaration is read before any name is looked
/// up, so the note is exact, and so is each kind's index of names for "did
/// you mean", made at its first misspelling. `list`: the name stands in a
/// list, where a name with `、` in it may be meant as several
/// ([`CommaParts`]).
fn push_undefined(
    rb: &Rulebook,
    diags: &mut Tally,
    (wanted, list): (Kind, bool),
    name: &Ident,
    answer: Option<(&str, &Likeness)>,
) {
    let other = rulebook_kind_of(rb, wanted, &name.text)
        .map(|is| NamesOther::Kind(is, DeclaredIn::ThisRulebook));
    let declared = |part: &str| match wanted {
        Kind::Role => rb.role_named(part).is_some(),
        Kind::Category => rb.category_named(part).is_some(),
        Kind::Purpose => rb.purpose_named(part).is_some(),
        Kind::Clause => rb.clause_named(part).is_some(),
        Kind::Actor | Kind::Data => false,
    };
    let u = Undefined {
        kind: wanted,
        name,
        answer,
        other,
        commas: CommaParts::of(&name.text, list, declared),
        in_rulebook: true,
    };
    u.push(diags, |d| d);
}

struct Builder<'a> {
    rb: Rulebook,
    diags: &'a mut Tally,
    /// "Did you mean" for the names a rule or a parent misspells, through
    /// an index of each kind's names with a budget, as a design's are: a
    /// rulebook of 20 000 categories and 20 000 rules naming others took
    /// two minutes when each was compared with every name.
    suggestions: Suggestions,
}

impl Builder<'_> {
    /// `list`: the name stands in a list.
    fn role(&mut self, name: &Ident, list: bool) -> Option<RoleId> {
        let id = self.rb.role_named(&name.text);
        if id.is_none() {
            let roles = &self.rb.roles;
            let answer = (self.suggestions).answer(Kind::Role, name, || {
                roles.iter().map(|r| r.name.as_str()).collect()
            });
            push_undefined(&self.rb, self.diags, (Kind::Role, list), name, answer);
        }
        id
    }

    /// `list`: the name stands in a list.
    fn category(&mut self, name: &Ident, list: bool) -> Option<CategoryId> {
        let id = self.rb.category_named(&name.text);
        if id.is_none() {
            let categories = &self.rb.categories;
            let answer = (self.suggestions).answer(Kind::Category, name, || {
                categories.iter().map(|c| c.name.as_str()).collect()
            });
            push_undefined(&self.rb, self.diags, (Kind::Category, list), name, answer);
        }
        id
    }

    /// `list`: the name stands in a list.
    fn purpose(&mut self, name: &Ident, list: bool) -> Option<PurposeId> {
        let id = self.rb.purpose_named(&name.text);
        if id.is_none() {
            let purposes = &self.rb.purposes;
            let answer = (self.suggestions).answer(Kind::Purpose, name, || {
                purposes.iter().map(|p| p.name.as_str()).collect()
            });
            push_undefined(&self.rb, self.diags, (Kind::Purpose, list), name, answer);
        }
        id
    }

    /// Resolves every name of a list; None if any fails (each reported).
    fn all<I>(
        &mut self,
        names: &[Ident],
        f: impl Fn(&mut Self, &Ident, bool) -> Option<I>,
    ) -> Option<Vec<I>> {
        let ids: Vec<Option<I>> = names.iter().map(|n| f(self, n, true)).collect();
        ids.into_iter().collect()
    }

    fn allow(&mut self, section: SectionId, a: &ast::AllowStmt) {
        let p = &a.pattern;
        let from = self.role(&p.from, false);
        let to = self.role(&p.to, false);
        let categories = self.all(&p.payload, Self::category);
        let purposes = self.all(&p.purposes, Self::purpose);
        let via = self.all(p.via_names(), Self::role);
        let (Some(from), Some(to), Some(categories), Some(purposes), Some(via)) =
            (from, to, categories, purposes, via)
        else {
            return;
        };
        if self.rb.section(section).mynumber {
            for (c, name) in categories.iter().zip(&p.payload) {
                if !self.rb.category(*c).mynumber {
                    self.diags.push(
                        Diagnostic::new(
                            Code::MN018,
                            name.span,
                            text!("`{}` is not a mynumber category, but this is a mynumber section", name.text;
                                  "{}は mynumber のカテゴリではありませんが、このセクションは mynumber です", JaQuoted(&name.text)),
                        )
                        .with_primary_label(Text::new("ordinary personal information", "通常の個人情報"))
                        .with_help(Text::new(
                            "rules of a mynumber section permit 特定個人情報 only; move the rule or mark the category `mynumber`",
                            "mynumber のセクションの規則は特定個人情報だけを許可します。規則を移すか、カテゴリに `mynumber` を付けてください",
                        )),
                    );
                }
            }
        }
        let mut push = |from, to| {
            self.rb.rules.push(Rule {
                section,
                from,
                to,
                categories: categories.clone(),
                purposes: purposes.clone(),
                via: via.clone(),
                span: a.span,
            })
        };
        push(from, to);
        if p.arrow.both_ways {
            push(to, from);
        }
    }
}

/// MN019: a declaration whose parent is itself or one of its descendants.
fn cycle(kind: Kind, name: &Ident, parent: &Ident) -> Diagnostic {
    let k = kind.text();
    Diagnostic::new(
        Code::MN019,
        parent.span,
        text!("{} `{}` would be its own ancestor", k.en, name.text; "{}{}が自分自身の祖先になります", k.ja, JaQuoted(&name.text)),
    )
    .with_primary_label(text!("`{}` is `{}` or below it", parent.text, name.text; "{}は{}自身かその下にあります", JaQuoted(&parent.text), JaQuoted(&name.text)))
    .with_help(Text::new(
        "a tree has no cycles: give one of them a parent outside the loop, or none",
        "木構造に循環は作れません。どちらかの親をこの輪の外にするか、親をなくしてください",
    ))
}

/// Resolves a rulebook file. Findings go to `diags`; the rulebook is
/// returned even when some statements failed (those are left out).
pub fn resolve_rulebook(file: FileId, ast: &ast::File, diags: &mut Vec<Diagnostic>) -> Rulebook {
    Tally::within(diags, |t| resolve_rulebook_tallied(file, ast, t))
}

/// [`resolve_rulebook`], its findings kept in full as `diags` keeps them
/// ([`Tally`]).
pub fn resolve_rulebook_tallied(file: FileId, ast: &ast::File, diags: &mut Tally) -> Rulebook {
    let mut b = Builder {
        rb: Rulebook {
            file,
            ..Rulebook::default()
        },
        diags,
        suggestions: Suggestions::default(),
    };
    let mut header_seen: Option<Span> = None;
    let mut section_ids: crate::model::NameTable<SectionId> = Default::default();
    // Each role's own flag; a role without one takes its parent's kind.
    let mut own_kind: Vec<Option<RoleKind>> = Vec::new();
    // The declaration each purpose came from (for its parent).
    let mut purpose_decls: Vec<&ast::PurposeDecl> = Vec::new();
    let mut role_decls: Vec<&ast::RoleDecl> = Vec::new();

    // Declarations first, so rules may refer to anything declared anywhere.
    for stmt in &ast.stmts {
        match stmt {
            Stmt::Rulebook(h) => {
                if let Some(first) = header_seen {
                    b.diags.push(
                        Diagnostic::new(
                            Code::MN015,
                            h.span,
                            Text::new("a second `rulebook` header", "二つ目の `rulebook` 見出し"),
                        )
                        .with_primary_label(Text::new("the rulebook is already named", "ルールブックはすでに名付けられています"))
                        .with_label(first, Text::new("the rulebook's header", "ルールブックの見出し"))
                        .with_help(Text::new(
                            "a rulebook has one `rulebook` header: remove this one, or split the file in two",
                            "`rulebook` の見出しは一つだけです。これを削除するか、ファイルを二つに分けてください",
                        )),
                    );
                } else {
                    header_seen = Some(h.span);
                    b.rb.name = h.name.text.to_string();
                    b.rb.title = h.title.as_ref().map(|t| t.text.to_string());
                    b.rb.revised = h.revised.as_ref().map(|t| t.text.to_string());
                }
            }
            Stmt::Role(r) => {
                let id = RoleId::new(b.rb.roles.len() as u32);
                if let Err(first) = b.rb.role_names.insert(&r.name.text, id) {
                    let d = duplicate(
                        Kind::Role,
                        &r.name,
                        b.rb.role(first).span,
                        &b.rb.role(first).name,
                    );
                    b.diags.push(d);
                    continue;
                }
                let kind = r.flag.map(|f| match f.0 {
                    RoleFlag::SelfOrg => RoleKind::SelfOrg,
                    RoleFlag::Carrier => RoleKind::Carrier,
                    RoleFlag::Subject => RoleKind::Subject,
                    RoleFlag::Contractor => RoleKind::Contractor,
                });
                own_kind.push(kind);
                role_decls.push(r);
                b.rb.roles.push(Role {
                    name: r.name.text.to_string(),
                    label: r.label.as_ref().map(|l| l.text.to_string()),
                    kind: kind.unwrap_or(RoleKind::Party),
                    parent: None,
                    span: r.name.span,
                });
            }
            Stmt::Category(c) => {
                let id = CategoryId::new(b.rb.categories.len() as u32);
                if let Err(first) = b.rb.category_names.insert(&c.name.text, id) {
                    let d = duplicate(
                        Kind::Category,
                        &c.name,
                        b.rb.category(first).span,
                        &b.rb.category(first).name,
                    );
                    b.diags.push(d);
                    continue;
                }
                b.rb.categories.push(Category {
                    name: c.name.text.to_string(),
                    label: c.label.as_ref().map(|l| l.text.to_string()),
                    parent: None,
                    mynumber: c.mynumber.is_some(),
                    span: c.name.span,
                });
            }
            Stmt::Section(s) => {
                let sid = SectionId::new(b.rb.sections.len() as u32);
                if let Err(first) = section_ids.insert(&s.id.text, sid) {
                    b.diags.push(
                        Diagnostic::new(
                            Code::MN016,
                            s.id.span,
                            text!("section {} appears twice", s.id.text; "セクション {} が二度あります", s.id.text),
                        )
                        .with_primary_label(Text::new("the same section id again", "同じ番号のセクションがもう一度"))
                        .with_label(b.rb.section(first).span, Text::new("first here", "最初はここ"))
                        .with_help(Text::new(
                            "a section of the notice is written once: merge the two blocks, or correct the id",
                            "公表文の各セクションは一度だけ書きます。二つのブロックをまとめるか、セクションの番号を直してください",
                        )),
                    );
                }
                b.rb.sections.push(Section {
                    id: s.id.text.to_string(),
                    title: s.title.as_ref().map(|t| t.text.to_string()),
                    mynumber: s.mynumber.is_some(),
                    basis: s.basis.as_ref().map(|t| t.text.to_string()),
                    basis_span: s.basis.as_ref().map(|t| t.span),
                    span: s.id.span,
                });
                for p in &s.purposes {
                    let id = PurposeId::new(b.rb.purposes.len() as u32);
                    if let Err(first) = b.rb.purpose_names.insert(&p.name.text, id) {
                        let d = duplicate(
                            Kind::Purpose,
                            &p.name,
                            b.rb.purpose(first).span,
                            &b.rb.purpose(first).name,
                        );
                        b.diags.push(d);
                        continue;
                    }
                    purpose_decls.push(p);
                    b.rb.purposes.push(Purpose {
                        name: p.name.text.to_string(),
                        label: p.label.as_ref().map(|l| l.text.to_string()),
                        section: sid,
                        parent: None,
                        span: p.name.span,
                    });
                }
            }
            Stmt::Clause(c) => {
                let id = ClauseId::new(b.rb.clauses.len() as u32);
                if let Err(first) = b.rb.clause_names.insert(&c.name.text, id) {
                    let d = duplicate(
                        Kind::Clause,
                        &c.name,
                        b.rb.clause(first).span,
                        &b.rb.clause(first).name,
                    );
                    b.diags.push(d);
                    continue;
                }
                b.rb.clauses.push(Clause {
                    name: c.name.text.to_string(),
                    label: c.label.as_ref().map(|l| l.text.to_string()),
                    span: c.name.span,
                });
            }
            Stmt::Use(u) => push_misplaced(b.diags, "use", u.span, true),
            Stmt::Actor(a) => push_misplaced(b.diags, "actor", a.span, true),
            Stmt::Data(d) => push_misplaced(b.diags, "data", d.span, true),
            Stmt::Flow(f) => push_misplaced(b.diags, "flow", f.span, true),
            Stmt::Contractor(_) => {}
        }
    }

    // Parents (declared anywhere; a cycle is reported and broken), linked
    // without walking the trees (`tree::Linker`).
    let mut linker = Linker::new(b.rb.categories.len());
    for stmt in &ast.stmts {
        let Stmt::Category(c) = stmt else { continue };
        let Some(id) = b.rb.category_named(&c.name.text) else {
            continue;
        };
        if b.rb.category(id).span != c.name.span {
            continue; // a duplicate, already reported
        }
        if let Some(parent) = &c.parent
            && let Some(pid) = b.category(parent, false)
        {
            if linker.link(id.index(), pid.index()) {
                b.rb.categories[id.index()].parent = Some(pid);
            } else {
                b.diags.push(cycle(Kind::Category, &c.name, parent));
            }
        }
    }
    // A category under a `mynumber` one is `mynumber` too.
    let categories = &b.rb.categories;
    let inherited = tree::down(
        categories.len(),
        |i| categories[i].parent.map(|p| p.index()),
        |i, above: Option<&bool>| categories[i].mynumber || above.copied().unwrap_or(false),
    );
    for (c, mynumber) in b.rb.categories.iter_mut().zip(inherited) {
        c.mynumber = mynumber;
    }
    let mut linker = Linker::new(b.rb.roles.len());
    for (i, r) in role_decls.iter().enumerate() {
        if let Some(parent) = &r.parent
            && let Some(pid) = b.role(parent, false)
        {
            if linker.link(i, pid.index()) {
                b.rb.roles[i].parent = Some(pid);
            } else {
                b.diags.push(cycle(Kind::Role, &r.name, parent));
            }
        }
    }
    let mut linker = Linker::new(b.rb.purposes.len());
    for (i, p) in purpose_decls.iter().enumerate() {
        if let Some(parent) = &p.parent
            && let Some(pid) = b.purpose(parent, false)
        {
            if linker.link(i, pid.index()) {
                b.rb.purposes[i].parent = Some(pid);
            } else {
                b.diags.push(cycle(Kind::Purpose, &p.name, parent));
            }
        }
    }

    // The register: rows add up per legal name (or role).
    for stmt in &ast.stmts {
        let Stmt::Contractor(c) = stmt else { continue };
        let purposes: Vec<PurposeId> = c
            .purposes
            .iter()
            .filter_map(|p| b.purpose(p, true))
            .collect();
        let entry = match &c.registrant {
            ast::Registrant::Name(n) => b.rb.contractor_named(&n.text).ok_or(n),
            ast::Registrant::Role(r) => {
                let Some(role) = b.role(r, false) else {
                    continue;
                };
                if let Some(k) = own_kind[role.index()].filter(|k| *k != RoleKind::Contractor) {
                    b.diags.push(wrong_kind_role(r, k));
                    continue;
                }
                own_kind[role.index()] = Some(RoleKind::Contractor);
                b.rb.role_contractors.get(&role).copied().ok_or(r)
            }
        };
        let id = match entry {
            Ok(id) => id,
            Err(name) => {
                let id = ContractorId::new(b.rb.contractors.len() as u32);
                let role = match &c.registrant {
                    ast::Registrant::Name(_) => {
                        let _ = b.rb.contractor_names.insert(&name.text, id);
                        None
                    }
                    ast::Registrant::Role(r) => {
                        let role = b.rb.role_named(&r.text);
                        if let Some(role) = role {
                            b.rb.role_contractors.insert(role, id);
                        }
                        role
                    }
                };
                b.rb.contractors.push(Contractor {
                    legal_name: name.text.to_string(),
                    role,
                    purposes: Vec::new(),
                    span: c.span,
                    rows: Vec::new(),
                });
                id
            }
        };
        let entry = &mut b.rb.contractors[id.index()];
        for p in &purposes {
            if !entry.purposes.contains(p) {
                entry.purposes.push(*p);
            }
        }
        entry.rows.push(ContractorRow {
            purposes,
            span: c.span,
        });
    }
    // A role without a flag of its own takes its nearest ancestor's.
    let roles = &b.rb.roles;
    let kinds = tree::down(
        roles.len(),
        |i| roles[i].parent.map(|p| p.index()),
        |i, above: Option<&Option<RoleKind>>| {
            own_kind
                .get(i)
                .copied()
                .flatten()
                .or(above.copied().flatten())
        },
    );
    for (r, kind) in b.rb.roles.iter_mut().zip(kinds) {
        r.kind = kind.unwrap_or(RoleKind::Party);
    }

    // Rules.
    let mut sid = 0;
    for stmt in &ast.stmts {
        if let Stmt::Section(s) = stmt {
            let section = SectionId::new(sid);
            sid += 1;
            for a in &s.allows {
                b.allow(section, a);
            }
        }
    }
    b.rb.index_rules();
    b.rb.index_register();
    b.rb
}

/// MN018: `contractor role` naming a role whose flag says it is something
/// else (the society, a carrier or the person).
fn wrong_kind_role(r: &Ident, kind: RoleKind) -> Diagnostic {
    let (en, ja) = match kind {
        RoleKind::SelfOrg => ("the society itself (`self`)", "組合自身 (`self`)"),
        RoleKind::Carrier => ("a carrier (`carrier`)", "経路 (`carrier`)"),
        _ => ("the person (`subject`)", "本人 (`subject`)"),
    };
    Diagnostic::new(
        Code::MN018,
        r.span,
        text!("role `{}` is {en}, so it cannot be a registered contractor", r.text; "役割{}は{ja}なので、委託先として登録できません", JaQuoted(&r.text)),
    )
    .with_primary_label(Text::new("not a contractor role", "委託先の役割ではありません"))
    .with_help(Text::new(
        "register a role without a flag, or one marked `contractor`",
        "フラグのない役割か、`contractor` の付いた役割を登録してください",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    fn load(src: &str) -> (Rulebook, Vec<Diagnostic>) {
        let p = parse(FileId(0), src);
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
        let mut d = Vec::new();
        let rb = resolve_rulebook(FileId(0), &p.file, &mut d);
        (rb, d)
    }

    const SMALL: &str = "rulebook t\nrole 組合 self\nrole 他機関\nrole NW carrier\n\
        category 個人情報\ncategory 特定 mynumber\ncategory 課税 in 特定\n\
        section \"7\" mynumber { purpose 認定\n allow 他機関 -> 組合 : 特定 for 認定 via NW }\n\
        section \"2\" { purpose 内部 }\n";

    #[test]
    fn loads_and_indexes() {
        let (rb, d) = load(SMALL);
        assert!(d.is_empty(), "{d:?}");
        let kazei = rb.category_named("課税").unwrap();
        assert!(rb.category(kazei).mynumber, "inherits mynumber");
        assert_eq!(rb.mynumber_rules_covering(kazei).len(), 1);
        let naibu = rb.purpose_named("内部").unwrap();
        assert!(rb.ordinary_rules_for(naibu).is_empty());
    }

    #[test]
    fn reports_undefined_and_duplicates() {
        let (_, d) = load("rulebook t\nrole A\nrole A\nsection \"1\" { allow A -> B : C }\n");
        let codes: Vec<_> = d.iter().map(|d| d.code).collect();
        assert_eq!(codes, [Code::MN011, Code::MN010, Code::MN010]);
    }

    #[test]
    fn a_name_of_another_kind_is_said_and_a_two_kanji_typo_respelled() {
        let (_, d) = load(
            "rulebook t\nrole 当組合 self\nrole 他者\ncategory 記録\n\
             section \"A\" {\n  purpose 管理\n  allow 当組合 -> 他社 : 管理 for 記録\n}\n",
        );
        let said: Vec<(Code, String, Vec<String>, bool)> = d
            .iter()
            .map(|d| {
                let notes = d.notes.iter().map(|n| n.en.clone()).collect();
                let help = d.help.as_ref().map(|h| h.en.clone()).unwrap_or_default();
                (d.code, help, notes, d.fixes.is_empty())
            })
            .collect();
        assert_eq!(
            said,
            [
                (
                    Code::MN010,
                    "did you mean `他者`? (in a rulebook the name decides what a rule allows, so `--fix` leaves it to `--unsafe-fixes`)".into(),
                    vec![],
                    false
                ),
                (
                    Code::MN010,
                    String::new(),
                    vec!["`管理` is a purpose of this rulebook, not a category".into()],
                    true
                ),
                (
                    Code::MN010,
                    String::new(),
                    vec!["`記録` is a category of this rulebook, not a purpose".into()],
                    true
                ),
            ]
        );
    }

    #[test]
    fn category_cycle_is_reported() {
        let (_, d) = load("rulebook t\ncategory A in B\ncategory B in A\n");
        let codes: Vec<_> = d.iter().map(|d| d.code).collect();
        assert_eq!(codes, [Code::MN019]);
    }

    #[test]
    fn role_and_purpose_cycles_are_reported_and_broken() {
        let (rb, d) = load(
            "rulebook t\nrole A in B\nrole B in A\nsection \"1\" { purpose P in Q\n purpose Q in P }\n",
        );
        let codes: Vec<_> = d.iter().map(|d| d.code).collect();
        assert_eq!(codes, [Code::MN019, Code::MN019]);
        let a = rb.role_named("A").unwrap();
        assert!(rb.role_ancestors(a).count() <= 2);
    }

    const TREES: &str = "rulebook t\nrole 組合 self\nrole 他機関\nrole 他保険者 in 他機関\n\
        role 委託先 contractor\nrole 健診機関\nrole 小児健診機関 in 健診機関\n\
        category 個人情報\n\
        section \"3\" { purpose 健診等委託\n purpose 健診 in 健診等委託\n purpose 指導 in 健診等委託\n\
          purpose 特定指導 in 指導\n\
          allow 組合 -> 他機関 : 個人情報 for 健診等委託\n\
          allow 組合 -> 委託先 : 個人情報 for 健診等委託\n\
          allow 組合 -> 健診機関 : 個人情報 for 健診 }\n\
        contractor \"A社\" for 指導\n\
        contractor \"Ａ社\" for 健診\n\
        contractor \"B社\" for 健診等委託\n\
        contractor role 健診機関 for 健診\n";

    #[test]
    fn trees_of_roles_and_purposes() {
        let (rb, d) = load(TREES);
        assert!(d.is_empty(), "{d:?}");
        let role = |n| rb.role_named(n).unwrap();
        let purpose = |n| rb.purpose_named(n).unwrap();
        assert!(rb.role_covers(role("他機関"), role("他保険者")));
        assert!(!rb.role_covers(role("他保険者"), role("他機関")));
        // A sub-role takes its parent's kind; `contractor role` makes a
        // plain role a contractor role.
        assert_eq!(rb.role(role("他保険者")).kind, RoleKind::Party);
        assert_eq!(rb.role(role("健診機関")).kind, RoleKind::Contractor);
        assert_eq!(rb.role(role("小児健診機関")).kind, RoleKind::Contractor);
        assert!(rb.purpose_covers(purpose("健診等委託"), purpose("特定指導")));
        let to_insurer = rb
            .rules
            .iter()
            .position(|r| r.to == role("他機関"))
            .unwrap();
        let to_insurer = RuleId::new(to_insurer as u32);
        assert!(rb.rule_matches_roles(to_insurer, role("組合"), role("他保険者")));
        assert!(!rb.rule_matches_roles(to_insurer, role("他保険者"), role("組合")));
        assert!(rb.rule_allows_purpose(to_insurer, purpose("特定指導")));
        assert_eq!(rb.ordinary_rules_for(purpose("特定指導")).len(), 2);
        assert_eq!(rb.ordinary_rules_for(purpose("健診")).len(), 3);
    }

    #[test]
    fn the_register_adds_rows_up_and_follows_the_purpose_tree() {
        let (rb, _) = load(TREES);
        let role = |n| rb.role_named(n).unwrap();
        let purpose = |n| rb.purpose_named(n).unwrap();
        let itaku = role("委託先");
        // Two rows of one legal name (spelled two ways) add up to one entry.
        let a = rb.contractor_named("A社").unwrap();
        assert_eq!(rb.contractor(a).rows.len(), 2);
        assert_eq!(rb.contractors.len(), 3);
        // A row names the purpose, an ancestor or a descendant.
        assert!(rb.registered("A社", itaku, purpose("指導")));
        assert!(rb.registered("A社", itaku, purpose("特定指導")));
        assert!(rb.registered("A社", itaku, purpose("健診等委託")));
        assert!(rb.registered("B社", itaku, purpose("特定指導")));
        assert!(!rb.registered("C社", itaku, purpose("健診等委託")));
        let b_only: Vec<&str> = rb
            .contractors_for(purpose("特定指導"))
            .map(|c| c.legal_name.as_str())
            .collect();
        assert_eq!(b_only, ["A社", "B社"]);
        let all: Vec<&str> = rb
            .contractors_for(purpose("健診等委託"))
            .map(|c| c.legal_name.as_str())
            .collect();
        assert_eq!(all, ["A社", "B社", "健診機関"]);
        // `contractor role`: any actor of the role or a sub-role, any name.
        assert!(rb.registered("どこかの医院", role("小児健診機関"), purpose("健診")));
        assert!(!rb.registered("どこかの医院", role("健診機関"), purpose("指導")));
        assert!(!rb.registered("どこかの医院", itaku, purpose("健診")));
    }

    #[test]
    fn rulebook_semantics_have_their_own_codes() {
        let (_, d) = load(
            "rulebook t\nrulebook u\nrole 組合 self\nrole 他機関\ncategory 個人情報\n\
             section \"7\" mynumber { purpose P\n allow 他機関 -> 組合 : 個人情報 for P }\n\
             section \"7\" { purpose Q }\ncontractor role 組合 for P\n",
        );
        let codes: Vec<_> = d.iter().map(|d| d.code).collect();
        assert_eq!(codes, [Code::MN015, Code::MN016, Code::MN018, Code::MN018]);
    }
}
