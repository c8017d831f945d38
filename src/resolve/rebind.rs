//! A resolved design bound again to another rulebook. Its own names (the
//! actors and data items of its flows) stay bound; only the names a
//! rulebook declares (roles, categories, clauses, purposes) are looked up
//! again. `rules diff --impact` checks one corpus against two rulebooks:
//! resolving a million flows' actors and items a second time, from a
//! tree held for it, was a fifth of its time, and the tree held a third
//! of its memory.

use super::design::Resolver;
use crate::model::*;
use crate::syntax::ast::{Ident, Name, Sym};
use crate::tally::Tally;
use std::sync::Arc;

/// What binding a resolved design to another rulebook needs that its
/// model does not keep: the rulebook names as written, wherever they may
/// be spelled otherwise than the first rulebook declares them, and which
/// findings were about them. Made by [`super::resolve_design_rebindable`].
#[derive(Default)]
pub struct RulebookNames {
    /// Each actor's role and clauses, by actor number.
    pub(super) roles: Vec<(Ident, Option<Vec<Ident>>)>,
    /// Each data item's category, by item number.
    pub(super) categories: Vec<Ident>,
    /// The purposes of each flow that went through the resolver (one of
    /// its names not spelled as declared), by flow number, in order. Every
    /// other flow's purposes are spelled as the first rulebook declares
    /// them.
    pub(super) purposes: Vec<(usize, Vec<Ident>)>,
    /// Where the findings about rulebook names are among those the
    /// resolver was given and made, in order.
    pub(super) found: Vec<usize>,
}

impl RulebookNames {
    /// `findings` (those the resolver was given and those it made) without
    /// the ones about rulebook names: what a check of the design against
    /// any rulebook starts from. None when `findings` keeps some in full
    /// and some not ([`Tally::without_made`]): which were made when is
    /// then not known.
    pub fn without_rulebook_findings(&self, findings: &Tally) -> Option<Tally> {
        findings.without_made(&self.found)
    }
}

/// `design`, resolved against one rulebook, bound to `rulebook` instead:
/// the model [`super::resolve_design`] of its tree against `rulebook`
/// gives, without the tree. The findings about rulebook names are added to
/// `diags`; those about the design's own names are the first resolve's
/// ([`RulebookNames::without_rulebook_findings`]). Each finding's code and
/// place are a fresh resolve's; its "did you mean" may differ once the
/// file's search budget is spent, as it is spent here on rulebook names
/// alone.
pub fn rebind_design(
    mut design: Design,
    rulebook: Option<Arc<Rulebook>>,
    names: &RulebookNames,
    diags: &mut Tally,
) -> Rebound {
    let before = GraphInputs::of(&design);
    let first = std::mem::replace(&mut design.rulebook, rulebook);
    let mut r = Resolver::of_rulebook_names(design, diags);
    declarations(&mut r, names);
    let same_purposes = flows(&mut r, first.as_deref(), names);
    let design = r.into_design();
    let same_graph = same_purposes && GraphInputs::of(&design) == before;
    Rebound { design, same_graph }
}

/// A design bound to another rulebook by [`rebind_design`].
pub struct Rebound {
    /// The design, bound to the other rulebook.
    pub design: Design,
    /// Is its graph ([`crate::graph::FlowGraph::build`]) the one it had?
    /// True when every flow names the purposes it named, every actor has
    /// the role it had (and the role its kind), and every item's category
    /// is bound or not as it was: the graph and its stitching read nothing
    /// else of a rulebook, so the first
    /// graph serves (at a million flows, making it again was a tenth of
    /// `rules diff --impact`).
    pub same_graph: bool,
}

/// What the graph of a design reads of its rulebook besides the flows'
/// purposes: whether there is one, each actor's role and whether that role
/// is a carrier, and whether each item's category is bound (a flow with
/// an unbound name is left out of the graph).
#[derive(PartialEq, Eq)]
struct GraphInputs {
    rulebook: bool,
    actors: Vec<(Option<RoleId>, Option<RoleKind>)>,
    items: Vec<bool>,
}

impl GraphInputs {
    fn of(design: &Design) -> GraphInputs {
        GraphInputs {
            rulebook: design.rulebook.is_some(),
            actors: (0..design.actors.len())
                .map(|i| ActorId::new(i as u32))
                .map(|a| (design.actor(a).role.id, design.kind_of(a)))
                .collect(),
            items: design
                .data
                .iter()
                .map(|d| d.category.id.is_some())
                .collect(),
        }
    }
}

/// An actor or a data item, by number.
#[derive(Clone, Copy)]
enum Declared {
    Actor(usize),
    Item(usize),
}

/// Binds each actor's role and clauses and each item's category again, in
/// the order they are declared: the order a resolve reports them in.
fn declarations(r: &mut Resolver<'_>, names: &RulebookNames) {
    let d = r.design();
    let mut order: Vec<(u32, Declared)> = (d.actors.iter().enumerate())
        .map(|(i, a)| (a.span.start, Declared::Actor(i)))
        .chain((d.data.iter().enumerate()).map(|(i, x)| (x.span.start, Declared::Item(i))))
        .collect();
    order.sort_unstable_by_key(|&(at, _)| at);
    for (_, declared) in order {
        match declared {
            Declared::Actor(i) => {
                let Some((role, clauses)) = names.roles.get(i) else {
                    continue;
                };
                let role = r.role(role);
                let clauses =
                    (clauses.as_ref()).map(|cs| cs.iter().map(|c| r.clause(c)).collect::<Vec<_>>());
                if let Some(a) = r.design().actors.get_mut(i) {
                    a.role = role;
                    a.clauses = clauses;
                }
            }
            Declared::Item(i) => {
                let Some(category) = names.categories.get(i) else {
                    continue;
                };
                let category = r.category(category);
                if let Some(x) = r.design().data.get_mut(i) {
                    x.category = category;
                }
            }
        }
    }
}

/// Binds each flow's purposes again: through a table from the first
/// rulebook's purposes to this one's when spelled as this one declares
/// them (nearly always), through the resolver, which reports, when not.
/// Says whether every flow's purposes are bound to the numbers they were.
fn flows(r: &mut Resolver<'_>, first: Option<&Rulebook>, names: &RulebookNames) -> bool {
    let now = r.design().rulebook.clone();
    // Each of the first rulebook's purposes: its name, as the flows bound
    // to it spell it, and what that spelling is in this rulebook.
    let table: Vec<(Name, Option<PurposeId>)> = first.map_or_else(Vec::new, |rb| {
        (rb.purposes.iter())
            .map(|p| {
                let exact = (now.as_deref())
                    .and_then(|now| now.purpose_lookup(&p.name))
                    .and_then(|(id, exact)| exact.then_some(id));
                (Name::from(p.name.as_str()), exact)
            })
            .collect()
    });
    let mut flows = std::mem::take(&mut r.design().flows);
    let mut written = names.purposes.iter().peekable();
    let mut same = true;
    for (i, f) in flows.iter_mut().enumerate() {
        if let Some((_, purposes)) = written.next_if(|(k, _)| *k == i) {
            let now: Few<Ref<PurposeId>> = purposes.iter().map(|p| r.purpose(p)).collect();
            same &= (now.iter().map(|p| p.id)).eq(f.purposes.iter().map(|p| p.id));
            f.purposes = now;
            continue;
        }
        for p in f.purposes.iter_mut() {
            // Not bound in the first: only without a rulebook, and then
            // the flow's purposes were written down above.
            let Some((name, now)) = p.id.and_then(|id| table.get(id.index())) else {
                continue;
            };
            let now = match now {
                Some(id) => Ref {
                    id: Some(*id),
                    span: p.span,
                },
                None => r.purpose(&Ident {
                    text: *name,
                    span: p.span,
                    sym: Sym::NONE,
                }),
            };
            same &= now.id == p.id;
            *p = now;
        }
    }
    r.design().flows = flows;
    same
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Diagnostic;
    use crate::resolve::{resolve_design, resolve_design_rebindable, resolve_rulebook};
    use crate::span::FileId;
    use crate::syntax::tokens::Copies;
    use crate::tally::Keep;

    const KENPO: &str = include_str!("../../rules/kenpo.myna");

    fn load(src: &str) -> Arc<Rulebook> {
        let p = crate::syntax::parse(FileId(0), src);
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
        let mut d = Vec::new();
        let rb = resolve_rulebook(FileId(0), &p.file, &mut d);
        assert!(d.is_empty(), "{d:?}");
        Arc::new(rb)
    }

    /// The built-in rulebook, and copies of it with names renamed (MN010
    /// where a design uses them) or respelled (MN014): a role, a
    /// category, a clause and purposes.
    fn rulebooks() -> Vec<Option<Arc<Rulebook>>> {
        let variants = [
            vec![("事業主", "事業者"), ("被扶養者認定", "被扶養者の認定")],
            vec![("中間サーバー", "中間ｻｰﾊﾞｰ"), ("返還", "返還等")],
            vec![
                ("課税・非課税情報", "課税･非課税情報"),
                ("健診等委託", "健診等の委託"),
            ],
            vec![("資格情報", "資格の情報"), ("委託先", "委託事業者")],
        ];
        let mut all = vec![None, Some(load(KENPO))];
        for v in variants {
            let text = v
                .iter()
                .fold(KENPO.to_string(), |t, (a, b)| t.replace(a, b));
            assert_ne!(text, KENPO);
            all.push(Some(load(&text)));
        }
        all
    }

    /// The model and the findings (sorted by place and code, whole) that
    /// resolving `src` against `second` gives, freshly or bound again
    /// after resolving against `first`.
    fn fresh_and_rebound(
        src: &str,
        first: &Option<Arc<Rulebook>>,
        second: &Option<Arc<Rulebook>>,
    ) -> [(String, String); 2] {
        let tree =
            || crate::syntax::split::parse_in_parts_sized(FileId(1), src, 500, Copies::Shared).file;
        let shown = |d: &Design, mut diags: Vec<Diagnostic>| {
            diags.sort_by_key(|d| (d.primary.start, d.primary.end, d.code));
            (
                format!("{:?}", (&d.actors, &d.data, &d.flows)),
                format!("{diags:#?}"),
            )
        };
        let mut fresh = Vec::new();
        let design = resolve_design(FileId(1), tree(), second.clone(), &mut fresh);
        let fresh = shown(&design, fresh);
        let mut diags = Tally::new(Keep::All);
        let (design, names) =
            resolve_design_rebindable(FileId(1), tree(), first.clone(), &mut diags);
        let Some(mut again) = names.without_rulebook_findings(&diags) else {
            panic!("a tally keeping all is in the order made");
        };
        let design = rebind_design(design, second.clone(), &names, &mut again).design;
        [fresh, shown(&design, again.into_parts().0)]
    }

    /// Designs that use every kind of rulebook name, spelled as declared,
    /// respelled and undefined, with undefined and respelled actors and
    /// items beside them.
    fn designs() -> Vec<String> {
        let mut all: Vec<String> = [
            include_str!("../../examples/kenpo-society.myna"),
            include_str!("../../examples/vendor-proposal.myna"),
            include_str!("../../tests/cases/spelling-variants.myna"),
            include_str!("../../tests/cases/undefined-names.myna"),
            include_str!("../../tests/cases/role-typo-no-cascade.myna"),
            include_str!("../../tests/cases/fullwidth-legal-names.myna"),
            include_str!("../../tests/cases/names-of-another-kind.myna"),
        ]
        .map(String::from)
        .to_vec();
        // Large enough to be resolved on every core, in parts.
        let mut big = String::from(
            "actor 基幹システム : 組合\nactor 市町村 : 他機関\nactor 中間 : 中間サーバー\n\
             actor 委託 : 委託先 \"法人\" {\n  clauses 守秘義務, 返還\n}\n\
             data 課税情報 : 課税・非課税情報\ndata 氏名 : 資格情報\n",
        );
        for i in 0..super::super::design::PARALLEL_STATEMENTS + 50 {
            big.push_str(match i % 6 {
                0 => "flow 市町村 -> 基幹システム : 課税情報 for 被扶養者認定 via 中間\n",
                1 => "flow 市町村 -> 基幹ｼｽﾃﾑ : 課税情報 for 被扶養者認定\n",
                2 => "flow 市町材 -> 基幹システム : 氏名 for 被扶養者認定, 存在しない目的\n",
                3 => "flow 基幹システム -> 委託 : 氏名 for 健診等委託\n",
                4 => "flow 基幹システム -> 市町村 : 氏名 for 被扶養者認定 basis \"x\"\n",
                _ => "flow 基幹システム <-> 市町村 : 課税情報\n",
            });
        }
        all.push(big);
        all
    }

    #[test]
    fn a_design_bound_again_is_the_design_resolved_afresh() {
        let rulebooks = rulebooks();
        let designs = designs();
        for (k, src) in designs.iter().enumerate() {
            for (i, first) in rulebooks.iter().enumerate() {
                for (j, second) in rulebooks.iter().enumerate() {
                    // The large design from and to the built-in rulebook
                    // only (every pair takes seconds unoptimised).
                    if k + 1 == designs.len() && i != 1 && j != 1 {
                        continue;
                    }
                    let [fresh, rebound] = fresh_and_rebound(src, first, second);
                    assert!(
                        fresh == rebound,
                        "design {k}, {} then {}:\n{}\n{}",
                        first.as_ref().map_or("none", |r| r.name.as_str()),
                        second.as_ref().map_or("none", |r| r.name.as_str()),
                        fresh.1,
                        rebound.1
                    );
                }
            }
        }
    }

    #[test]
    fn the_first_graph_is_kept_only_when_it_is_the_graph_bound_again() {
        use crate::graph::FlowGraph;
        let mut rulebooks = rulebooks();
        // Rules taken away, every name kept: the benchmark's second rulebook.
        let narrowed: String = (KENPO.lines())
            .filter(|l| {
                !(l.trim_start().starts_with("allow ") && l.trim_end().ends_with("健診等委託"))
            })
            .map(|l| format!("{l}\n"))
            .collect();
        assert_ne!(narrowed.len(), KENPO.len());
        rulebooks.push(Some(load(&narrowed)));
        let designs = designs();
        let (mut kept, mut made) = (Vec::new(), 0);
        for (k, src) in designs.iter().enumerate() {
            for (i, first) in rulebooks.iter().enumerate() {
                for (j, second) in rulebooks.iter().enumerate() {
                    if k + 1 == designs.len() && i != 1 && j != 1 {
                        continue;
                    }
                    let tree = crate::syntax::split::parse_in_parts_sized(
                        FileId(1),
                        src,
                        500,
                        Copies::Shared,
                    )
                    .file;
                    let mut diags = Tally::new(Keep::All);
                    let (design, names) =
                        resolve_design_rebindable(FileId(1), tree, first.clone(), &mut diags);
                    let graph = FlowGraph::build(&design);
                    let rebound = rebind_design(design, second.clone(), &names, &mut diags);
                    if rebound.same_graph {
                        let again = FlowGraph::build(&rebound.design);
                        assert_eq!(
                            format!("{graph:?}"),
                            format!("{again:?}"),
                            "design {k}, rulebooks {i} then {j}"
                        );
                        kept.push((k, i, j));
                    } else {
                        made += 1;
                    }
                }
            }
        }
        // Kept for the same rulebook and for one with rules taken away;
        // made again where a rulebook renames a role or a purpose.
        let last = rulebooks.len() - 1;
        for k in 0..designs.len() {
            assert!(kept.contains(&(k, 1, 1)), "design {k}: {kept:?}");
            assert!(kept.contains(&(k, 1, last)), "design {k}: {kept:?}");
        }
        assert!(made > designs.len(), "{made}");
    }

    #[test]
    fn renamed_and_respelled_names_are_reported_when_bound_again() {
        let rulebooks = rulebooks();
        // The large design, last.
        let designs = designs();
        let src = designs.last().unwrap();
        let [_, (_, diags)] = fresh_and_rebound(src, &rulebooks[1], &rulebooks[2]);
        // 事業主 is not used; 被扶養者の認定 replaces 被扶養者認定.
        assert!(diags.contains("MN010"), "{diags}");
        let [_, (_, diags)] = fresh_and_rebound(src, &rulebooks[1], &rulebooks[3]);
        assert!(diags.contains("MN014"), "{diags}");
    }
}
