//! Rulebook syntax to [`Rulebook`].

use super::{Kind, duplicate, misplaced, undefined};
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::model::*;
use crate::span::{FileId, Span};
use crate::syntax::ast::{self, Ident, RoleFlag, Stmt};
use crate::text;
use crate::text::Text;

struct Builder<'a> {
    rb: Rulebook,
    diags: &'a mut Vec<Diagnostic>,
}

impl Builder<'_> {
    fn role(&mut self, name: &Ident) -> Option<RoleId> {
        let id = self.rb.role_named(&name.text);
        if id.is_none() {
            let d = undefined(
                Kind::Role,
                name,
                self.rb.roles.iter().map(|r| r.name.as_str()),
            );
            self.diags.push(d);
        }
        id
    }

    fn category(&mut self, name: &Ident) -> Option<CategoryId> {
        let id = self.rb.category_named(&name.text);
        if id.is_none() {
            let d = undefined(
                Kind::Category,
                name,
                self.rb.categories.iter().map(|c| c.name.as_str()),
            );
            self.diags.push(d);
        }
        id
    }

    fn purpose(&mut self, name: &Ident) -> Option<PurposeId> {
        let id = self.rb.purpose_named(&name.text);
        if id.is_none() {
            let d = undefined(
                Kind::Purpose,
                name,
                self.rb.purposes.iter().map(|p| p.name.as_str()),
            );
            self.diags.push(d);
        }
        id
    }

    /// Resolves every name of a list; None if any fails (each reported).
    fn all<I>(
        &mut self,
        names: &[Ident],
        f: impl Fn(&mut Self, &Ident) -> Option<I>,
    ) -> Option<Vec<I>> {
        let ids: Vec<Option<I>> = names.iter().map(|n| f(self, n)).collect();
        ids.into_iter().collect()
    }

    fn allow(&mut self, section: SectionId, a: &ast::AllowStmt) {
        let p = &a.pattern;
        let from = self.role(&p.from);
        let to = self.role(&p.to);
        let categories = self.all(&p.payload, Self::category);
        let purposes = self.all(&p.purposes, Self::purpose);
        let via = self.all(&p.via, Self::role);
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
                            Code::MN001,
                            name.span,
                            text!("`{}` is not a mynumber category, but this is a mynumber section", name.text;
                                  "「{}」は mynumber のカテゴリではありませんが、このセクションは mynumber です", name.text),
                        )
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

/// Resolves a rulebook file. Findings go to `diags`; the rulebook is
/// returned even when some statements failed (those are left out).
pub fn resolve_rulebook(file: FileId, ast: &ast::File, diags: &mut Vec<Diagnostic>) -> Rulebook {
    let mut b = Builder {
        rb: Rulebook {
            file,
            ..Rulebook::default()
        },
        diags,
    };
    let mut header_seen: Option<Span> = None;
    let mut section_ids: crate::model::NameTable<SectionId> = Default::default();

    // Declarations first, so rules may refer to anything declared anywhere.
    for stmt in &ast.stmts {
        match stmt {
            Stmt::Rulebook(h) => {
                if let Some(first) = header_seen {
                    b.diags.push(
                        duplicate(Kind::Section, &h.name, first).with_help(Text::new(
                            "a rulebook has one `rulebook` header",
                            "`rulebook` の見出しは一つだけです",
                        )),
                    );
                } else {
                    header_seen = Some(h.name.span);
                    b.rb.name = h.name.text.clone();
                    b.rb.title = h.title.as_ref().map(|t| t.text.clone());
                    b.rb.revised = h.revised.as_ref().map(|t| t.text.clone());
                }
            }
            Stmt::Role(r) => {
                let id = RoleId(b.rb.roles.len() as u32);
                if let Err(first) = b.rb.role_names.insert(&r.name.text, id) {
                    let d = duplicate(Kind::Role, &r.name, b.rb.role(first).span);
                    b.diags.push(d);
                    continue;
                }
                let kind = match r.flag.map(|f| f.0) {
                    None => RoleKind::Party,
                    Some(RoleFlag::SelfOrg) => RoleKind::SelfOrg,
                    Some(RoleFlag::Carrier) => RoleKind::Carrier,
                    Some(RoleFlag::Subject) => RoleKind::Subject,
                    Some(RoleFlag::Contractor) => RoleKind::Contractor,
                };
                b.rb.roles.push(Role {
                    name: r.name.text.clone(),
                    label: r.label.as_ref().map(|l| l.text.clone()),
                    kind,
                    span: r.name.span,
                });
            }
            Stmt::Category(c) => {
                let id = CategoryId(b.rb.categories.len() as u32);
                if let Err(first) = b.rb.category_names.insert(&c.name.text, id) {
                    let d = duplicate(Kind::Category, &c.name, b.rb.category(first).span);
                    b.diags.push(d);
                    continue;
                }
                b.rb.categories.push(Category {
                    name: c.name.text.clone(),
                    label: c.label.as_ref().map(|l| l.text.clone()),
                    parent: None,
                    mynumber: c.mynumber.is_some(),
                    span: c.name.span,
                });
            }
            Stmt::Section(s) => {
                let sid = SectionId(b.rb.sections.len() as u32);
                if let Err(first) = section_ids.insert(&s.id.text, sid) {
                    let d = duplicate(Kind::Section, &s.id, b.rb.section(first).span);
                    b.diags.push(d);
                }
                b.rb.sections.push(Section {
                    id: s.id.text.clone(),
                    title: s.title.as_ref().map(|t| t.text.clone()),
                    mynumber: s.mynumber.is_some(),
                    basis: s.basis.as_ref().map(|t| t.text.clone()),
                    span: s.id.span,
                });
                for p in &s.purposes {
                    let id = PurposeId(b.rb.purposes.len() as u32);
                    if let Err(first) = b.rb.purpose_names.insert(&p.name.text, id) {
                        let d = duplicate(Kind::Purpose, &p.name, b.rb.purpose(first).span);
                        b.diags.push(d);
                        continue;
                    }
                    b.rb.purposes.push(Purpose {
                        name: p.name.text.clone(),
                        label: p.label.as_ref().map(|l| l.text.clone()),
                        section: sid,
                        span: p.name.span,
                    });
                }
            }
            Stmt::Clause(c) => {
                let id = ClauseId(b.rb.clauses.len() as u32);
                if let Err(first) = b.rb.clause_names.insert(&c.name.text, id) {
                    let d = duplicate(Kind::Clause, &c.name, b.rb.clause(first).span);
                    b.diags.push(d);
                    continue;
                }
                b.rb.clauses.push(Clause {
                    name: c.name.text.clone(),
                    label: c.label.as_ref().map(|l| l.text.clone()),
                    span: c.name.span,
                });
            }
            Stmt::Use(u) => b.diags.push(misplaced("use", u.span, true)),
            Stmt::Actor(a) => b.diags.push(misplaced("actor", a.span, true)),
            Stmt::Data(d) => b.diags.push(misplaced("data", d.span, true)),
            Stmt::Flow(f) => b.diags.push(misplaced("flow", f.span, true)),
            Stmt::Contractor(_) => {}
        }
    }

    // Category parents, then inherited mynumber-ness (parents may be
    // declared later; a cycle is reported and broken).
    let mut ci = 0;
    for stmt in &ast.stmts {
        let Stmt::Category(c) = stmt else { continue };
        let Some(id) = b.rb.category_named(&c.name.text) else {
            continue;
        };
        if b.rb.category(id).span != c.name.span {
            continue; // a duplicate, already reported
        }
        ci += 1;
        if let Some(parent) = &c.parent
            && let Some(pid) = b.category(parent)
        {
            if b.rb.ancestors(pid).take(ci + 1).any(|a| a == id) {
                b.diags.push(Diagnostic::new(
                    Code::MN001,
                    parent.span,
                    text!("category `{}` would be its own ancestor", c.name.text; "カテゴリ「{}」が自分自身の祖先になります", c.name.text),
                ));
            } else {
                b.rb.categories[id.index()].parent = Some(pid);
            }
        }
    }
    for i in 0..b.rb.categories.len() {
        let inherited =
            b.rb.ancestors(CategoryId(i as u32))
                .any(|a| b.rb.category(a).mynumber);
        b.rb.categories[i].mynumber = inherited;
    }

    // Rules and the register.
    let mut sid = 0;
    for stmt in &ast.stmts {
        match stmt {
            Stmt::Section(s) => {
                let section = SectionId(sid);
                sid += 1;
                for a in &s.allows {
                    b.allow(section, a);
                }
            }
            Stmt::Contractor(c) => {
                let id = ContractorId(b.rb.contractors.len() as u32);
                if let Err(first) = b.rb.contractor_names.insert(&c.legal_name.text, id) {
                    let d = duplicate(Kind::Contractor, &c.legal_name, b.rb.contractor(first).span)
                        .with_help(Text::new(
                            "list every purpose of a contractor in one `contractor` statement",
                            "一つの事業者の委託業務は一つの `contractor` 文にまとめてください",
                        ));
                    b.diags.push(d);
                    continue;
                }
                let purposes = c.purposes.iter().filter_map(|p| b.purpose(p)).collect();
                b.rb.contractors.push(Contractor {
                    legal_name: c.legal_name.text.clone(),
                    purposes,
                    span: c.legal_name.span,
                });
            }
            _ => {}
        }
    }
    b.rb.index_rules();
    b.rb
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
    fn category_cycle_is_reported() {
        let (_, d) = load("rulebook t\ncategory A in B\ncategory B in A\n");
        assert_eq!(d.len(), 1);
    }
}
