//! Design syntax to [`Design`].

use super::{Kind, Suggestions, check_spelling, duplicate, misplaced};
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::model::*;
use crate::span::FileId;
use crate::syntax::ast::{self, Ident, Stmt};
use crate::text;
use crate::text::Text;
use std::sync::Arc;

struct Resolver<'a> {
    design: Design,
    actor_names: NameTable<ActorId>,
    data_names: NameTable<DataId>,
    actor_used: Vec<bool>,
    data_used: Vec<bool>,
    suggestions: Suggestions,
    diags: &'a mut Vec<Diagnostic>,
}

impl Resolver<'_> {
    fn actor(&mut self, name: &Ident) -> Ref<ActorId> {
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
                let actors = &self.design.actors;
                let d = self.suggestions.undefined(Kind::Actor, name, || {
                    actors.iter().map(|a| a.name.as_str()).collect()
                });
                self.diags.push(d.with_note(Text::new(
                    "declare it first: actor NAME : ROLE",
                    "先に宣言してください: actor 名前 : 役割",
                )));
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
                let data = &self.design.data;
                let d = self.suggestions.undefined(Kind::Data, name, || {
                    data.iter().map(|d| d.name.as_str()).collect()
                });
                self.diags.push(d.with_note(Text::new(
                    "declare it first: data NAME : CATEGORY",
                    "先に宣言してください: data 名前 : カテゴリ",
                )));
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
        match id {
            Some(i) => {
                let (declared, at) = decl(&rb, i);
                check_spelling(name, declared, at, self.diags);
            }
            None => {
                let d = self.suggestions.undefined(kind, name, || all(&rb)).with_note(text!(
                    "names of roles, categories, purposes and clauses come from the rulebook `{}`", rb.name;
                    "役割・カテゴリ・利用目的・契約事項の名前はルールブック「{}」で定義されます", rb.name
                ));
                self.diags.push(d);
            }
        }
        Ref {
            id,
            span: name.span,
        }
    }

    fn role(&mut self, name: &Ident) -> Ref<RoleId> {
        self.rulebook_name(
            Kind::Role,
            name,
            |rb, n| rb.role_named(n),
            |rb, i| (rb.role(i).name.as_str(), rb.role(i).span),
            |rb| rb.roles.iter().map(|r| r.name.clone()).collect(),
        )
    }

    fn category(&mut self, name: &Ident) -> Ref<CategoryId> {
        self.rulebook_name(
            Kind::Category,
            name,
            |rb, n| rb.category_named(n),
            |rb, i| (rb.category(i).name.as_str(), rb.category(i).span),
            |rb| rb.categories.iter().map(|c| c.name.clone()).collect(),
        )
    }

    fn purpose(&mut self, name: &Ident) -> Ref<PurposeId> {
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

    fn clause(&mut self, name: &Ident) -> Ref<ClauseId> {
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
    let mut r = Resolver {
        design: Design {
            file,
            rulebook,
            actors: Vec::new(),
            data: Vec::new(),
            flows: Vec::new(),
        },
        actor_names: NameTable::default(),
        data_names: NameTable::default(),
        actor_used: Vec::new(),
        data_used: Vec::new(),
        suggestions: Suggestions::default(),
        diags,
    };

    // Declarations first: a flow may name an actor declared below it.
    for stmt in &ast.stmts {
        match stmt {
            Stmt::Actor(a) => {
                let id = ActorId(r.design.actors.len() as u32);
                if let Err(first) = r.actor_names.insert(&a.name.text, id) {
                    let d = duplicate(Kind::Actor, &a.name, r.design.actor(first).name_span);
                    r.diags.push(d);
                    continue;
                }
                let role = r.role(&a.role);
                let clauses = a
                    .clauses
                    .as_ref()
                    .map(|cs| cs.iter().map(|c| r.clause(c)).collect());
                r.design.actors.push(Actor {
                    name: a.name.text.clone(),
                    name_span: a.name.span,
                    role,
                    label: a.label.as_ref().map(|l| (l.text.clone(), l.span)),
                    clauses,
                    span: a.span,
                });
                r.actor_used.push(false);
            }
            Stmt::Data(d) => {
                let id = DataId(r.design.data.len() as u32);
                if let Err(first) = r.data_names.insert(&d.name.text, id) {
                    let diag = duplicate(Kind::Data, &d.name, r.design.item(first).name_span);
                    r.diags.push(diag);
                    continue;
                }
                let category = r.category(&d.category);
                r.design.data.push(DataItem {
                    name: d.name.text.clone(),
                    name_span: d.name.span,
                    category,
                    marked_mynumber: d.mynumber.is_some(),
                    span: d.span,
                });
                r.data_used.push(false);
            }
            Stmt::Rulebook(h) => r.diags.push(misplaced("rulebook", h.span, false)),
            Stmt::Role(x) => r.diags.push(misplaced("role", x.span, false)),
            Stmt::Category(x) => r.diags.push(misplaced("category", x.span, false)),
            Stmt::Section(x) => r.diags.push(misplaced("section", x.span, false)),
            Stmt::Contractor(x) => r.diags.push(misplaced("contractor", x.span, false)),
            Stmt::Clause(x) => r.diags.push(misplaced("clause", x.span, false)),
            Stmt::Use(_) | Stmt::Flow(_) => {}
        }
    }

    for stmt in ast.stmts {
        let Stmt::Flow(f) = stmt else { continue };
        let p = f.pattern;
        let from = r.actor(&p.from);
        let to = r.actor(&p.to);
        let items = p.payload.iter().map(|n| r.data(n)).collect();
        let purposes = p.purposes.iter().map(|n| r.purpose(n)).collect();
        let via = p.via.iter().map(|n| r.actor(n)).collect();
        r.design.flows.push(Flow {
            from,
            to,
            arrow: p.arrow.span,
            both_ways: p.arrow.both_ways,
            items,
            purposes,
            for_kw: p.for_kw,
            via,
            via_kw: p.via_kw,
            basis: p.basis.map(|b| b.text),
            span: f.span,
        });
    }

    for (i, used) in r.actor_used.iter().enumerate() {
        if !used {
            let a = &r.design.actors[i];
            r.diags.push(
                Diagnostic::new(
                    Code::MN012,
                    a.name_span,
                    text!("actor `{}` is declared but no flow uses it", a.name; "アクター「{}」は宣言されていますが、どのフローにも使われていません", a.name),
                )
                .with_help(Text::new(
                    "remove the declaration, or add the flows it takes part in",
                    "宣言を削除するか、そのアクターが関わるフローを追加してください",
                )),
            );
        }
    }
    for (i, used) in r.data_used.iter().enumerate() {
        if !used {
            let d = &r.design.data[i];
            r.diags.push(
                Diagnostic::new(
                    Code::MN012,
                    d.name_span,
                    text!("data item `{}` is declared but no flow carries it", d.name; "データ項目「{}」は宣言されていますが、どのフローにも含まれていません", d.name),
                )
                .with_help(Text::new(
                    "remove the declaration, or add the flows that carry it",
                    "宣言を削除するか、そのデータを運ぶフローを追加してください",
                )),
            );
        }
    }
    r.design
}
