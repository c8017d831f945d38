//! MN604: a purpose of a provision section that nobody may carry out: no
//! `allow` names it, or every rule naming it goes to contractors and the
//! register names none for it.

use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::model::{PurposeId, RoleKind, Rulebook, SectionId};
use crate::text;
use std::collections::HashSet;

pub(crate) fn check(rb: &Rulebook) -> Vec<Diagnostic> {
    let provision: HashSet<SectionId> = rb.rules.iter().map(|r| r.section).collect();
    // Rules by each purpose they name; a rule names few purposes, and a
    // purpose's rules are found through its ancestors (O(depth)).
    let mut by_purpose: std::collections::HashMap<PurposeId, Vec<usize>> = Default::default();
    for (i, r) in rb.rules.iter().enumerate() {
        for p in &r.purposes {
            by_purpose.entry(*p).or_default().push(i);
        }
    }
    let mut out = Vec::new();
    for (i, p) in rb.purposes.iter().enumerate() {
        if !provision.contains(&p.section) {
            continue; // a purpose of internal use
        }
        let id = PurposeId(i as u32);
        let rules: Vec<usize> = rb
            .purpose_ancestors(id)
            .flat_map(|a| by_purpose.get(&a).into_iter().flatten().copied())
            .collect();
        let name = &p.name;
        let d = if rules.is_empty() {
            Diagnostic::new(
                Code::MN604,
                p.span,
                text!("no rule lets anyone carry out `{name}`: no `allow` names it"; "「{name}」を実施できる相手がいません。この目的を挙げる `allow` がありません"),
            )
            .with_primary_label(text!("declared in a section of provision, but never allowed"; "提供の項で宣言されていますが、許可されていません"))
            .with_help(text!("add the `allow` the notice's bullet implies (who receives the data for `{name}`), or move the purpose to a section of internal use";
                             "通知の記載が示す `allow` (「{name}」のために誰が受け取るか) を追加するか、利用目的を内部利用の項に移してください"))
        } else {
            let to_contractors = rules
                .iter()
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
            d.with_note(text!("a flow to a contractor for `{name}` is reported (MN301) whoever the contractor is"; "「{name}」のための委託先への流れは、委託先が誰であっても報告されます (MN301)"))
                .with_help(text!("register the contractor that does this work (`contractor \"LEGAL NAME\" for {name}`), or, if the rulebook follows a notice that lists none, leave it and have the notice's register completed";
                                 "この業務の委託先を登録してください (`contractor \"名称\" for {name}`)。通知の一覧に載っていないためなら、ルールブックはそのままにし、通知の委託先一覧を補ってもらってください"))
        };
        out.push(d);
    }
    out
}
