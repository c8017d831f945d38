//! MN201–MN203: purposes of use of personal information. A flow needs a
//! purpose; the society's provision to another party needs an `allow` of
//! an ordinary section for that purpose between those roles.

use super::Ctx;
use super::provision::{ProvisionVerdict, evaluate_provision};
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::model::*;
use crate::text;
use crate::text::{Text, list};

/// MN201: flows that name no purpose. Needs no rulebook.
pub(crate) fn missing_purposes(design: &Design) -> Vec<Diagnostic> {
    design
        .flows
        .iter()
        .filter(|f| f.purposes.is_empty() && !f.items.is_empty())
        .map(|f| {
            Diagnostic::new(
                Code::MN201,
                f.payload_span(),
                Text::new("this flow of personal data names no purpose", "この個人情報の流れには利用目的がありません"),
            )
            .with_primary_label(Text::new("carried for what purpose?", "何のための流れですか?"))
            .with_note(Text::new(
                "personal data may be handled only for the purposes of use the society has published (個人情報保護法 Articles 17 and 18)",
                "個人情報は、公表した利用目的の範囲内でのみ取り扱うことができます (個人情報保護法第17条・第18条)",
            ))
            .with_help(Text::new(
                "add `for PURPOSE` with a purpose of the rulebook (`mynaflow rules list` shows them)",
                "ルールブックの利用目的を `for 利用目的` で指定してください (`mynaflow rules list` で一覧できます)",
            ))
        })
        .collect()
}

/// Provisions of ordinary data by the society, with their verdicts.
pub(crate) fn provisions(ctx: &Ctx) -> Vec<(usize, ProvisionVerdict)> {
    let mut out = Vec::new();
    for (i, ex) in ctx.graph.exchanges.iter().enumerate() {
        let (item, Some(purpose)) = ex.payload else {
            continue;
        };
        if ctx.design.is_mynumber(item) {
            continue;
        }
        let (Some(from), Some(to), Some(category)) = (
            ctx.role_of(ex.sender),
            ctx.role_of(ex.receiver),
            ctx.design.item(item).category.id,
        ) else {
            continue;
        };
        let (fk, tk) = (ctx.rb.role(from).kind, ctx.rb.role(to).kind);
        if fk != RoleKind::SelfOrg || matches!(tk, RoleKind::SelfOrg | RoleKind::Subject) {
            continue; // internal use, provision to the person, or not the society's provision
        }
        out.push((
            i,
            evaluate_provision(ctx.rb, from, to, category, purpose, &ex.passed),
        ));
    }
    out
}

/// What would make a provision lawful: the purposes that allow giving this
/// item to this receiver's role, or, if none, that no purpose does.
fn provision_help(ctx: &Ctx, ex: &crate::graph::Exchange, item: DataId) -> Text {
    let rb = ctx.rb;
    let (Some(from), Some(to), Some(category)) = (
        ctx.role_of(ex.sender),
        ctx.role_of(ex.receiver),
        ctx.design.item(item).category.id,
    ) else {
        return Text::default();
    };
    let mut purposes: Vec<String> = rb
        .rules
        .iter()
        .filter(|r| {
            !rb.section(r.section).mynumber
                && rb.role_covers(r.from, from)
                && rb.role_covers(r.to, to)
        })
        .filter(|r| r.categories.iter().any(|c| rb.covers(*c, category)))
        .flat_map(|r| r.purposes.iter().map(|p| ctx.purpose_name(*p).to_string()))
        .collect();
    let mut seen = std::collections::HashSet::new();
    purposes.retain(|p| seen.insert(p.clone()));
    let to_name = ctx.role_name(to);
    if purposes.is_empty() {
        text!("no purpose of use allows providing this data to {to_name}: keep it inside the society, or obtain the person's consent and record it with a suppression";
              "{to_name}への提供を認める利用目的はありません。組合内にとどめるか、本人の同意を得て抑止コメントに記録してください")
    } else {
        let l = list(&purposes);
        text!("purposes that allow providing this data to {to_name}: {}", l.en; "{to_name}への提供を認める利用目的: {}", l.ja)
    }
}

pub(crate) fn check(ctx: &Ctx) -> Vec<Diagnostic> {
    let rb = ctx.rb;
    let mut out = Vec::new();
    for (i, verdict) in provisions(ctx) {
        let ex = &ctx.graph.exchanges[i];
        let (item, Some(purpose)) = ex.payload else {
            continue;
        };
        let last = ex.last();
        let item_name = ctx.item_name(item);
        let p = ctx.purpose_name(purpose);
        let receiver = ctx.actor_with_role(ex.receiver);
        let declared_in = rb.section(rb.purpose(purpose).section).id.clone();
        let mut d = match &verdict {
            ProvisionVerdict::Allowed(_) => continue,
            ProvisionVerdict::InternalOnly | ProvisionVerdict::NotFromSender => {
                let why = if verdict == ProvisionVerdict::InternalOnly {
                    text!("`{p}` (section {declared_in}) is a purpose of internal use only: no rule allows providing data for it";
                          "「{p}」({declared_in}項) は組合内部での利用目的で、この目的での提供を認める規則はありません")
                } else {
                    text!("no rule allows the society to provide data for `{p}`"; "「{p}」のために組合が提供することを認める規則はありません")
                };
                Diagnostic::new(
                    Code::MN202,
                    ctx.purpose_span(last, purpose),
                    text!("`{item_name}` is provided to {receiver} for `{p}`, which the purposes of use do not allow (目的外提供)";
                          "「{item_name}」を「{p}」のために{receiver}へ提供していますが、利用目的が認めていません (目的外提供)"),
                )
                .with_primary_label(Text::new("not a purpose of provision", "提供の目的ではありません"))
                .with_note(why)
                .with_note(Text::new(
                    "providing personal data to a third party beyond the published purposes needs the person's consent (個人情報保護法 Article 27)",
                    "公表した利用目的を超える第三者提供には本人の同意が必要です (個人情報保護法第27条)",
                ))
                .with_label(rb.purpose(purpose).span, text!("`{p}` is declared here"; "「{p}」の宣言"))
                .with_help(provision_help(ctx, ex, item))
                .with_rule(declared_in.clone(), rb.section(rb.purpose(purpose).section).basis.clone())
            }
            ProvisionVerdict::WrongChannel(rule) => {
                let r = rb.rule(*rule);
                let via: Vec<String> = r
                    .via
                    .iter()
                    .map(|v| ctx.role_name(*v).to_string())
                    .collect();
                let via = list(&via);
                Diagnostic::new(
                    Code::MN202,
                    ctx.flow_of(last).via_span(),
                    text!("`{item_name}` may be provided to {receiver} for `{p}` only via {}", via.en;
                          "「{item_name}」を「{p}」のために{receiver}へ提供できるのは {} を経由する場合だけです", via.ja),
                )
                .with_primary_label(text!("not via {}", via.en; "{} を経由していません", via.ja))
                .with_label(r.span, Text::new("the rule", "規則"))
                .with_note(ctx.section_note(*rule))
                .with_help(text!("route it `via` an actor whose role is {}", via.en; "役割が {} のアクターを `via` で経由させてください", via.ja))
                .with_rule(rb.rule_ref(*rule).0, rb.rule_ref(*rule).1)
            }
            ProvisionVerdict::OtherReceivers(rules) => {
                let mut roles: Vec<String> = rules
                    .iter()
                    .map(|r| ctx.role_name(rb.rule(*r).to).to_string())
                    .collect();
                roles.sort();
                roles.dedup();
                let roles = list(&roles);
                let first = rules[0];
                Diagnostic::new(
                    Code::MN203,
                    ctx.receiver_span(last),
                    text!("`{p}` allows providing `{item_name}` to {}, not to {receiver}", roles.en;
                          "「{p}」で「{item_name}」を提供できるのは {} で、{receiver}ではありません", roles.ja),
                )
                .with_primary_label(Text::new("not a recipient the purpose allows", "利用目的が認める提供先ではありません"))
                .with_label(rb.rule(first).span, Text::new("the rule for this purpose", "この利用目的の規則"))
                .with_note(ctx.section_note(first))
                .with_help(text!("send it to an actor whose role is {}, or use a purpose that allows this recipient", roles.en;
                                 "役割が {} のアクターへ送るか、この提供先を認める利用目的にしてください", roles.ja))
                .with_rule(rb.rule_ref(first).0, rb.rule_ref(first).1)
            }
        };
        for (span, msg) in ctx.hop_labels(ex) {
            d = d.with_label(span, msg);
        }
        out.push(d);
    }
    out
}
