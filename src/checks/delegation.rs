//! MN301–MN303: delegation. The society may entrust data only to
//! contractors registered for the purpose; a contractor may pass it on only
//! to a party with its own direct standing; contracts carry the required
//! clauses.

use super::Ctx;
use super::provision::ProvisionVerdict;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::model::*;
use crate::span::Span;
use crate::text;
use crate::text::{Text, list};
use std::collections::BTreeMap;

/// Is this actor registered in the contractor register for `purpose`?
fn registered(ctx: &Ctx, actor: ActorId, purpose: PurposeId) -> bool {
    ctx.role_of(actor).is_some_and(|role| {
        ctx.rb
            .registered(ctx.design.actor(actor).legal_name(), role, purpose)
    })
}

pub(crate) fn check(ctx: &Ctx) -> Vec<Diagnostic> {
    let mut out = unregistered(ctx);
    out.extend(re_entrusting(ctx));
    out.extend(missing_clauses(ctx));
    out
}

/// MN301, one per (contractor, purpose), with a label on each flow.
fn unregistered(ctx: &Ctx) -> Vec<Diagnostic> {
    let rb = ctx.rb;
    let mut found: BTreeMap<(ActorId, PurposeId), Vec<Span>> = BTreeMap::new();
    for (i, verdict) in super::purpose::provisions(ctx) {
        let ex = &ctx.graph.exchanges[i];
        let (_, Some(purpose)) = ex.payload else {
            continue;
        };
        if !matches!(verdict, ProvisionVerdict::Allowed(_))
            || ctx.kind(ex.receiver) != Some(RoleKind::Contractor)
        {
            continue;
        }
        if !registered(ctx, ex.receiver, purpose) {
            let spans = found.entry((ex.receiver, purpose)).or_default();
            let span = ctx.flow_of(ex.last()).span;
            if !spans.contains(&span) {
                spans.push(span);
            }
        }
    }
    found
        .into_iter()
        .map(|((actor, purpose), flows)| {
            let a = ctx.design.actor(actor);
            let legal = a.legal_name();
            let p = ctx.purpose_name(purpose);
            let for_purpose: Vec<String> = rb.contractors_for(purpose).map(|c| c.legal_name.clone()).collect();
            let mut d = Diagnostic::new(
                Code::MN301,
                a.legal_name_span(),
                text!("`{legal}` is not a registered contractor for `{p}`"; "「{legal}」は「{p}」の委託先として公表されていません"),
            )
            .with_primary_label(Text::new("legal name not in the contractor register for this purpose", "この委託業務の委託先一覧にない名称"));
            for f in flows {
                d = d.with_label(f, text!("data entrusted for `{p}` here"; "ここで「{p}」のために委託しています"));
            }
            match rb.contractor_named(legal) {
                Some(c) => {
                    let c = rb.contractor(c);
                    let its: Vec<String> = c.purposes.iter().map(|p| ctx.purpose_name(*p).to_string()).collect();
                    let its = list(&its);
                    d = d
                        .with_label(c.span, text!("registered here for {}", its.en; "ここで {} の委託先として登録", its.ja))
                        .with_note(text!("`{legal}` is registered for: {}", its.en; "「{legal}」の委託業務: {}", its.ja));
                }
                None => {
                    d = d.with_note(text!("`{legal}` is not in the contractor register at all (names compare after NFKC and removal of spaces)";
                                          "「{legal}」は委託先一覧にありません (名称は NFKC 正規化と空白の除去の後で比較されます)"));
                }
            }
            let help = if for_purpose.is_empty() {
                text!("the register names no contractor for `{p}`: register one in the notice before entrusting";
                      "「{p}」の委託先は公表されていません。委託する前に委託先を公表してください")
            } else {
                let l = list(&for_purpose);
                text!("contractors registered for `{p}`: {}", l.en; "「{p}」の委託先: {}", l.ja)
            };
            d.with_note(Text::new(
                "the notice's contractor register publishes who handles the data for each entrusted task; entrusting to anyone else is provision beyond the published purposes",
                "通知の委託先一覧は委託業務ごとの委託先を公表しています。それ以外の事業者への委託は公表した範囲を超える提供です",
            ))
            .with_help(help)
        })
        .collect()
}

/// MN302: a contractor passes data to a party without its own standing.
fn re_entrusting(ctx: &Ctx) -> Vec<Diagnostic> {
    let rb = ctx.rb;
    let mut out = Vec::new();
    for ex in &ctx.graph.exchanges {
        let (item, Some(purpose)) = ex.payload else {
            continue;
        };
        if ctx.design.is_mynumber(item) || ctx.kind(ex.sender) != Some(RoleKind::Contractor) {
            continue;
        }
        let (Some(to_role), Some(category)) =
            (ctx.role_of(ex.receiver), ctx.design.item(item).category.id)
        else {
            continue;
        };
        let standing = match rb.role(to_role).kind {
            RoleKind::SelfOrg | RoleKind::Subject | RoleKind::Carrier => true,
            RoleKind::Contractor => registered(ctx, ex.receiver, purpose),
            RoleKind::Party => rb.roles_of_kind(RoleKind::SelfOrg).any(|s| {
                matches!(
                    super::provision::evaluate_provision(
                        rb, s, to_role, category, purpose, &ex.passed
                    ),
                    ProvisionVerdict::Allowed(_)
                )
            }),
        };
        if standing {
            continue;
        }
        let p = ctx.purpose_name(purpose);
        let (sender, receiver) = (
            ctx.actor_with_role(ex.sender),
            ctx.actor_with_role(ex.receiver),
        );
        let item_name = ctx.item_name(item);
        let mut d = Diagnostic::new(
            Code::MN302,
            ctx.receiver_span(ex.last()),
            text!("contractor {sender} passes `{item_name}` on to {receiver}, which has no direct contract with the society for `{p}` (再委託)";
                  "委託先の{sender}が「{item_name}」を{receiver}へ渡していますが、{receiver}は「{p}」について組合と直接の契約関係がありません (再委託)"),
        )
        .with_primary_label(Text::new("re-entrusted to a party without a direct contract", "直接の契約関係のない相手への再委託"))
        .with_note(Text::new(
            "a contractor may re-entrust only with the original entruster's permission (番号法 Article 10); a party that handles the data needs its own standing with the society: a registered contract, or a rule that lets the society provide to it",
            "委託先は最初の委託者の許諾を得た場合に限り再委託できます (番号法第10条)。データを扱う相手には、組合との直接の関係 (公表された委託契約、または組合からの提供を認める規則) が必要です",
        ))
        .with_help(text!("have the society entrust `{p}` to {receiver} directly (and register it), or keep the work with {sender}";
                         "組合から{receiver}へ「{p}」を直接委託し (委託先として公表し)、または作業を{sender}の中にとどめてください"));
        for (span, msg) in ctx.hop_labels(ex) {
            d = d.with_label(span, msg);
        }
        out.push(d);
    }
    out
}

/// MN303: contractor actors whose clauses miss required ones.
fn missing_clauses(ctx: &Ctx) -> Vec<Diagnostic> {
    let rb = ctx.rb;
    if rb.clauses.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for a in &ctx.design.actors {
        let Some(role) = a.role.id else { continue };
        if rb.role(role).kind != RoleKind::Contractor {
            continue;
        }
        let declared: Vec<ClauseId> = a.clauses.iter().flatten().filter_map(|c| c.id).collect();
        if a.clauses
            .as_ref()
            .is_some_and(|cs| cs.iter().any(|c| c.id.is_none()))
        {
            continue; // an unresolved clause name was reported; don't guess what it meant
        }
        let missing: Vec<String> = (0..rb.clauses.len())
            .map(|i| ClauseId(i as u32))
            .filter(|c| !declared.contains(c))
            .map(|c| rb.clause(c).name.clone())
            .collect();
        if missing.is_empty() {
            continue;
        }
        let l = list(&missing);
        let span = a.name_span;
        out.push(
            Diagnostic::new(
                Code::MN303,
                span,
                text!("the contract with {} lacks required clauses: {}", a.name, l.en; "{}との委託契約に必要な事項が不足しています: {}", a.name, l.ja),
            )
            .with_primary_label(text!("{} of {} clauses missing", missing.len(), rb.clauses.len(); "{} 項目中 {} 項目が不足", rb.clauses.len(), missing.len()))
            .with_note(Text::new(
                "the entruster must supervise its contractors (番号法 Article 11); the rulebook's `clause` statements list the terms every contract must contain",
                "委託者は委託先を監督しなければなりません (番号法第11条)。ルールブックの `clause` が委託契約に含めるべき事項を定めています",
            ))
            .with_help(text!("declare them: {} {{ clauses {} }}", a.name, missing.join(", "); "次のように宣言してください: {} {{ clauses {} }}", a.name, missing.join(", "))),
        );
    }
    out
}
