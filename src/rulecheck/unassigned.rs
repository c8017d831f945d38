//! MN604: a purpose of provision that nobody may carry out: every rule
//! naming it (or a purpose above it) gives the data to contractors, and the
//! register names none for it (nor for a purpose above or below it).

use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::model::{PurposeId, RoleKind, Rulebook};
use crate::text;

pub(crate) fn check(rb: &Rulebook) -> Vec<Diagnostic> {
    // Rules by each purpose they name; a purpose's rules are those of it
    // and its ancestors, found through the nearest ancestor that a rule
    // names (every purpose's worked out once, parents first: walking up
    // from each purpose took n²/2 steps on a chain of n).
    let n = rb.purposes.len();
    let mut by_purpose: Vec<Vec<usize>> = vec![Vec::new(); n];
    // A rule naming no purpose allows every purpose.
    let mut any_purpose = Vec::new();
    for (i, r) in rb.rules.iter().enumerate() {
        if r.purposes.is_empty() {
            any_purpose.push(i);
        }
        for p in &r.purposes {
            if let Some(list) = by_purpose.get_mut(p.index()) {
                list.push(i);
            }
        }
    }
    let parent = |i: usize| rb.purposes[i].parent.map(|p| p.index());
    let to_contractor = |r: &usize| rb.role(rb.rules[*r].to).kind == RoleKind::Contractor;
    // (the nearest purpose at or above that a rule names, do all rules at
    // or above give it to contractors, is a contractor registered at or
    // above).
    let up = crate::model::tree::down(n, parent, |i, above: Option<&Up>| {
        let above = above.copied().unwrap_or_default();
        let own = &by_purpose[i];
        Up {
            nearest: if own.is_empty() {
                above.nearest
            } else {
                Some(i)
            },
            all_to_contractors: above.all_to_contractors && own.iter().all(to_contractor),
            registered: above.registered
                || rb
                    .register_by_purpose
                    .contains_key(&PurposeId::new(i as u32)),
        }
    });
    let mut out = Vec::new();
    for (i, p) in rb.purposes.iter().enumerate() {
        let id = PurposeId::new(i as u32);
        let at = up[i];
        let name = &p.name;
        // A purpose no rule names may be one of internal use in a mixed
        // section: only purposes rules do name are judged.
        let to_contractors =
            at.nearest.is_some() && at.all_to_contractors && any_purpose.iter().all(to_contractor);
        let registered = at.registered || rb.registered_at_or_below(id);
        if !to_contractors || registered {
            continue;
        }
        // Its rules, nearest first: each purpose a rule names, up the tree.
        let rules: Vec<usize> = crate::model::tree::marked_above(i, |x| up[x].nearest, parent)
            .flat_map(|x| by_purpose[x].iter().copied())
            .collect();
        let mut d = Diagnostic::new(
            Code::MN604,
            p.span,
            text!("no contractor is registered for `{name}`, and the rules give it only to contractors"; "「{name}」の委託先が登録されていませんが、規則はこの目的のデータを委託先にしか渡しません"),
        )
        .with_primary_label(text!("nobody may carry this out"; "実施できる相手がいません"));
        for r in &rules {
            d = d.with_label(
                rb.rules[*r].span,
                text!("only to contractors"; "委託先へのみ"),
            );
        }
        let d = d
            .with_note(text!("a flow to a contractor for `{name}` is reported (MN301) whoever the contractor is"; "「{name}」のための委託先へのフローは、委託先が誰であっても報告されます (MN301)"))
            .with_help(text!("register the contractor that does this work (`contractor \"LEGAL NAME\" for {name}`), or, if the rulebook follows a notice that lists none, leave it and have the notice's register completed";
                             "この業務の委託先を登録してください (`contractor \"名称\" for {name}`)。ルールブックが従う公表文の委託先一覧に載っていないためなら、ルールブックはそのままにし、公表文の委託先一覧を補ってもらってください"));
        out.push(d);
    }
    out
}

/// What a purpose inherits from the purposes above it, for MN604.
#[derive(Clone, Copy)]
struct Up {
    nearest: Option<usize>,
    all_to_contractors: bool,
    registered: bool,
}

impl Default for Up {
    /// Above a root: no rule, so nothing given to anyone else, nothing
    /// registered.
    fn default() -> Up {
        Up {
            nearest: None,
            all_to_contractors: true,
            registered: false,
        }
    }
}
