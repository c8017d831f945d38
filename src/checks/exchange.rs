//! MN101–MN105: every 特定個人情報 item of every end-to-end exchange against
//! the `allow` rules of mynumber sections, with the nearest miss.

use super::Ctx;
use super::witness::Provenance;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::graph::Exchange;
use crate::model::*;
use crate::text;
use crate::text::{Text, list};
use std::collections::HashMap;

/// What the rulebook says of one exchange of 特定個人情報.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MyNumberVerdict {
    /// A rule allows it.
    Allowed(RuleId),
    /// MN101: no mynumber rule covers the category.
    NoBasis,
    /// MN105: rules cover the category only between other roles.
    WrongParties(Vec<RuleId>),
    /// MN102/MN103/MN104: the nearest rule, and the first thing it differs in.
    NearestMiss(Code, RuleId),
}

/// Checks an exchange of a `category` item from role `from` to role `to`
/// for `purpose`, passing the roles `passed`, against the mynumber rules.
pub fn evaluate_exchange(
    rb: &Rulebook,
    from: RoleId,
    to: RoleId,
    category: CategoryId,
    purpose: PurposeId,
    passed: &[RoleId],
) -> MyNumberVerdict {
    let covering = rb.mynumber_rules_covering(category);
    if covering.is_empty() {
        return MyNumberVerdict::NoBasis;
    }
    let mut nearest: Option<(usize, Code, RuleId)> = None;
    for &id in &covering {
        let same_way = rb.rule_matches_roles(id, from, to);
        let other_way = rb.rule_matches_roles(id, to, from);
        if !same_way && !other_way {
            continue;
        }
        let differs = [
            (!same_way, Code::MN102),
            (!rb.rule_allows_purpose(id, purpose), Code::MN103),
            (!rb.rule_channel_passed(id, passed), Code::MN104),
        ];
        let count = differs.iter().filter(|d| d.0).count();
        match differs.iter().find(|d| d.0) {
            None => return MyNumberVerdict::Allowed(id),
            Some(&(_, code)) => {
                if nearest.is_none_or(|(n, _, _)| count < n) {
                    nearest = Some((count, code, id));
                }
            }
        }
    }
    match nearest {
        Some((_, code, id)) => MyNumberVerdict::NearestMiss(code, id),
        None => MyNumberVerdict::WrongParties(covering),
    }
}

type VerdictKey = (RoleId, RoleId, CategoryId, PurposeId, Vec<RoleId>);

/// The exchanges of 特定個人情報 that are provision (not internal use),
/// with their verdicts. Exchanges that differ only in actors share a verdict.
pub(crate) fn verdicts(ctx: &Ctx) -> Vec<(usize, MyNumberVerdict)> {
    let mut cache: HashMap<VerdictKey, MyNumberVerdict> = HashMap::new();
    let mut out = Vec::new();
    for (i, ex) in ctx.graph.exchanges.iter().enumerate() {
        let (item, purpose) = ex.payload;
        let Some(purpose) = purpose else { continue };
        if !ctx.design.is_mynumber(item) {
            continue;
        }
        let (Some(from), Some(to), Some(category)) = (
            ctx.role_of(ex.sender),
            ctx.role_of(ex.receiver),
            ctx.design.item(item).category.id,
        ) else {
            continue;
        };
        if ctx.rb.role(from).kind == RoleKind::SelfOrg && ctx.rb.role(to).kind == RoleKind::SelfOrg
        {
            continue; // internal use: MN402's business
        }
        let key = (from, to, category, purpose, ex.passed.clone());
        let v = cache
            .entry(key)
            .or_insert_with(|| evaluate_exchange(ctx.rb, from, to, category, purpose, &ex.passed))
            .clone();
        out.push((i, v));
    }
    out
}

pub(crate) fn check(ctx: &Ctx, provenance: &Provenance) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, verdict) in verdicts(ctx) {
        let ex = &ctx.graph.exchanges[i];
        let Some(mut d) = diagnose(ctx, ex, &verdict) else {
            continue;
        };
        for (span, msg) in provenance.labels(ctx, ex.sender, ex.payload.0) {
            d = d.with_label(span, msg);
        }
        for (span, msg) in ctx.hop_labels(ex) {
            d = d.with_label(span, msg);
        }
        if ex.senders > 1 {
            d = d.with_note(text!("{} senders send this the same way; the first is shown", ex.senders;
                                  "同じ経路の送り手が {} あります。最初のものを示しています", ex.senders));
        }
        out.push(d);
    }
    out
}

fn diagnose(ctx: &Ctx, ex: &Exchange, verdict: &MyNumberVerdict) -> Option<Diagnostic> {
    let rb = ctx.rb;
    let (item, purpose) = ex.payload;
    let purpose = purpose?;
    let last = ex.last();
    let item_name = ctx.item_name(item);
    let category = ctx.design.item(item).category.id?;
    let cat = &rb.category(category).name;
    let (from, to) = (ctx.role_of(ex.sender)?, ctx.role_of(ex.receiver)?);
    let (sender, receiver) = (
        ctx.actor_with_role(ex.sender),
        ctx.actor_with_role(ex.receiver),
    );
    let p = ctx.purpose_name(purpose);
    let d = match verdict {
        MyNumberVerdict::Allowed(_) => return None,
        MyNumberVerdict::NoBasis => Diagnostic::new(
            Code::MN101,
            ctx.item_span(last, item),
            text!("no legal basis to provide My Number data `{item_name}` ({cat}) from {sender} to {receiver}";
                  "特定個人情報「{item_name}」({cat}) を{sender}から{receiver}へ提供する法的根拠がありません"),
        )
        .with_primary_label(text!("no mynumber rule covers `{cat}`"; "「{cat}」を対象とする mynumber の規則はありません"))
        .with_note(Text::new(
            "番号法 Article 19 forbids providing 特定個人情報 except in the cases it lists; the rulebook's mynumber sections encode those the notice relies on",
            "番号法第19条は、列挙された場合を除き特定個人情報の提供を禁じています。ルールブックの mynumber セクションが、通知が拠るその場合を定めています",
        ))
        .with_help(text!(
            "do not send the My Number with this data: use a category without My Number, or remove the flow";
            "このデータに個人番号を含めないでください。個人番号を含まないカテゴリにするか、流れを削除してください"
        )),
        MyNumberVerdict::WrongParties(rules) => {
            let mut pairs: Vec<String> = rules
                .iter()
                .map(|r| format!("{} → {}", ctx.role_name(rb.rule(*r).from), ctx.role_name(rb.rule(*r).to)))
                .collect();
            pairs.dedup();
            pairs.sort();
            pairs.dedup();
            let allowed = list(&pairs);
            let (fr, tr) = (ctx.role_name(from), ctx.role_name(to));
            // The counterpart is the party that is not the society: the
            // sender when the society receives on a direct flow.
            let counterpart = if rb.role(to).kind == RoleKind::SelfOrg && ex.path.len() == 1 {
                ctx.sender_span(last)
            } else {
                ctx.receiver_span(last)
            };
            let mut d = Diagnostic::new(
                Code::MN105,
                counterpart,
                text!("no rule allows My Number data `{item_name}` ({cat}) between {fr} and {tr}";
                      "{fr}と{tr}の間で特定個人情報「{item_name}」({cat}) の提供を認める規則はありません"),
            )
            .with_primary_label(text!("{receiver} may not receive `{cat}` from {sender}"; "{receiver}は{sender}から「{cat}」を受け取れません"))
            .with_note(text!("rules cover `{cat}` only between: {}", allowed.en; "「{cat}」を対象とする規則は次の間だけです: {}", allowed.ja))
            .with_help(text!("exchange this data only between {}", allowed.en; "このデータは {} の間でのみ提供できます", allowed.ja));
            if ex.path.len() > 1 {
                d = d.with_label(ctx.sender_span(ex.path[0]), text!("sender: {sender}"; "送り手: {sender}"));
            }
            if let Some(&first) = rules.first() {
                let (section, basis) = rb.rule_ref(first);
                d = d
                    .with_label(rb.rule(first).span, Text::new("a rule for this category", "このカテゴリの規則"))
                    .with_note(ctx.section_note(first))
                    .with_rule(section, basis);
            }
            return Some(d);
        }
        MyNumberVerdict::NearestMiss(code, rule) => {
            let r = rb.rule(*rule);
            let (rf, rt) = (ctx.role_name(r.from), ctx.role_name(r.to));
            let (section, basis) = rb.rule_ref(*rule);
            let d = match code {
                Code::MN102 => Diagnostic::new(
                    *code,
                    ctx.flow_of(last).arrow,
                    text!("My Number data `{item_name}` ({cat}) may go only from {rf} to {rt}, not from {sender} to {receiver}";
                          "特定個人情報「{item_name}」({cat}) は{rf}から{rt}へのみ提供できます。{sender}から{receiver}へは提供できません"),
                )
                .with_primary_label(Text::new("wrong direction", "方向が逆です"))
                .with_help(text!("only `{rf} -> {rt}` is allowed: reverse the flow, or remove it";
                                 "認められるのは `{rf} -> {rt}` だけです。流れを逆にするか、削除してください")),
                Code::MN103 => {
                    // Every purpose some rule allows for this category between
                    // these roles this way, not only the nearest rule's.
                    let mut allowed: Vec<String> = rb
                        .mynumber_rules_covering(category)
                        .into_iter()
                        .filter(|id| rb.rule_matches_roles(*id, from, to))
                        .map(|id| rb.rule(id))
                        .flat_map(|x| x.purposes.iter().map(|p| ctx.purpose_name(*p).to_string()))
                        .collect();
                    let mut seen = std::collections::HashSet::new();
                    allowed.retain(|p| seen.insert(p.clone()));
                    let allowed = list(&allowed);
                    Diagnostic::new(
                        *code,
                        ctx.purpose_span(last, purpose),
                        text!("My Number data `{item_name}` ({cat}) may not be provided from {sender} to {receiver} for `{p}`";
                              "特定個人情報「{item_name}」({cat}) を「{p}」のために{sender}から{receiver}へ提供することはできません"),
                    )
                    .with_primary_label(text!("`{p}` is not a purpose of the rule"; "「{p}」は規則の利用目的にありません"))
                    .with_help(text!("between these roles the rules allow this data only for: {}", allowed.en; "この役割の間で規則が認める利用目的は次のとおりです: {}", allowed.ja))
                }
                _ => {
                    let missing: Vec<String> = r
                        .via
                        .iter()
                        .filter(|v| !ex.passed.contains(v))
                        .map(|v| ctx.role_name(*v).to_string())
                        .collect();
                    let missing = list(&missing);
                    Diagnostic::new(
                        *code,
                        ctx.flow_of(last).via_span(),
                        text!("My Number data `{item_name}` ({cat}) must pass through {} on its way from {sender} to {receiver}", missing.en;
                              "特定個人情報「{item_name}」({cat}) は{sender}から{receiver}へ {} を経由して提供する必要があります", missing.ja),
                    )
                    .with_primary_label(text!("not via {}", missing.en; "{} を経由していません", missing.ja))
                    .with_help(text!("route it `via` an actor whose role is {}", missing.en; "役割が {} のアクターを `via` で経由させてください", missing.ja))
                }
            };
            d.with_label(r.span, text!("nearest rule ({section})"; "最も近い規則 ({section}項)"))
                .with_note(ctx.section_note(*rule))
                .with_rule(section, basis)
        }
    };
    Some(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::FileId;
    use crate::syntax::parse;

    fn rb() -> Rulebook {
        let src = "rulebook t\nrole 組合 self\nrole 他機関\nrole 本人 subject\nrole NW carrier\n\
            category 特定 mynumber\ncategory 課税 in 特定\ncategory 資格 in 特定\ncategory 普通\n\
            section \"7(1)\" mynumber { purpose 認定\n purpose 判定\n allow 他機関 -> 組合 : 課税 for 認定 via NW }\n\
            section \"7(2)\" mynumber { purpose 照会\n allow 組合 -> 他機関 : 資格 for 照会 via NW }\n";
        let p = parse(FileId(0), src);
        let mut d = Vec::new();
        let rb = crate::resolve::resolve_rulebook(FileId(0), &p.file, &mut d);
        assert!(d.is_empty());
        rb
    }

    #[test]
    fn nearest_miss_names_the_first_difference() {
        let rb = rb();
        let r = |n| rb.role_named(n).unwrap();
        let c = |n| rb.category_named(n).unwrap();
        let p = |n| rb.purpose_named(n).unwrap();
        let nw = vec![r("NW")];
        let eval = |f, t, cat, purp, passed: &[RoleId]| {
            evaluate_exchange(&rb, r(f), r(t), c(cat), p(purp), passed)
        };
        assert!(matches!(
            eval("他機関", "組合", "課税", "認定", &nw),
            MyNumberVerdict::Allowed(_)
        ));
        assert!(matches!(
            eval("組合", "他機関", "課税", "認定", &nw),
            MyNumberVerdict::NearestMiss(Code::MN102, _)
        ));
        assert!(matches!(
            eval("他機関", "組合", "課税", "判定", &nw),
            MyNumberVerdict::NearestMiss(Code::MN103, _)
        ));
        assert!(matches!(
            eval("他機関", "組合", "課税", "認定", &[]),
            MyNumberVerdict::NearestMiss(Code::MN104, _)
        ));
        assert!(matches!(
            eval("本人", "組合", "課税", "認定", &nw),
            MyNumberVerdict::WrongParties(_)
        ));
        assert_eq!(
            evaluate_exchange(&rb, r("他機関"), r("組合"), c("普通"), p("認定"), &nw),
            MyNumberVerdict::NoBasis
        );
    }
}
