//! MN604: a purpose of provision that nobody may carry out: every rule
//! naming it (or a purpose above it) gives the data to contractors, and the
//! register names none for it (nor for a purpose above or below it).

use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::model::{PurposeId, RoleKind, Rulebook};
use crate::text;

pub(crate) fn check(rb: &Rulebook) -> Vec<Diagnostic> {
    // Rules by each purpose they name; a rule names few purposes, and a
    // purpose's rules are found through its ancestors (O(depth)).
    let mut by_purpose: std::collections::HashMap<PurposeId, Vec<usize>> = Default::default();
    // A rule naming no purpose allows every purpose.
    let mut any_purpose = Vec::new();
    for (i, r) in rb.rules.iter().enumerate() {
        if r.purposes.is_empty() {
            any_purpose.push(i);
        }
        for p in &r.purposes {
            by_purpose.entry(*p).or_default().push(i);
        }
    }
    let mut out = Vec::new();
    for (i, p) in rb.purposes.iter().enumerate() {
        let id = PurposeId::new(i as u32);
        let rules: Vec<usize> = rb
            .purpose_ancestors(id)
            .flat_map(|a| by_purpose.get(&a).into_iter().flatten().copied())
            .collect();
        let name = &p.name;
        // A purpose no rule names may be one of internal use in a mixed
        // section: only purposes rules do name are judged.
        let to_contractors = !rules.is_empty()
            && rules
                .iter()
                .chain(&any_purpose)
                .all(|r| rb.role(rb.rules[*r].to).kind == RoleKind::Contractor);
        if !to_contractors || rb.contractors_for(id).next().is_some() {
            continue;
        }
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
            .with_note(text!("a flow to a contractor for `{name}` is reported (MN301) whoever the contractor is"; "「{name}」のための委託先への流れは、委託先が誰であっても報告されます (MN301)"))
            .with_help(text!("register the contractor that does this work (`contractor \"LEGAL NAME\" for {name}`), or, if the rulebook follows a notice that lists none, leave it and have the notice's register completed";
                             "この業務の委託先を登録してください (`contractor \"名称\" for {name}`)。通知の一覧に載っていないためなら、ルールブックはそのままにし、通知の委託先一覧を補ってもらってください"));
        out.push(d);
    }
    out
}
