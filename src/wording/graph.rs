//! Wording of the graph checks: MN401 (carrier hops with nowhere to go)
//! and MN402 (目的外利用 inside the society).

use super::Words;
use crate::checks::{Trail, Witness};
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Fact};
use crate::graph::{Dangling, TransferId};
use crate::model::*;
use crate::text;
use crate::text::JaQuoted;
use crate::text::Text;

/// MN401. `other`: the dangling hop at the carrier's other side that
/// carries the same item for another purpose, if there is one.
pub(super) fn dangling(
    w: &Words,
    d: Dangling,
    other: Option<(TransferId, PurposeId)>,
) -> Option<Diagnostic> {
    let (t, (item, purpose), enters) = match d {
        Dangling::GoesNowhere(t, p) => (t, p, true),
        Dangling::ComesFromNowhere(t, p) => (t, p, false),
    };
    let (from, to) = w.graph.ends(t);
    let primary = super::place::dangling(w, d);
    let item_name = w.item_name(item);
    let q_item_name = JaQuoted(item_name);
    let p = purpose
        .map(|p| w.purpose_name(p))
        .unwrap_or_else(|| "-".into());
    let q_p = JaQuoted(&p);
    let facts = vec![
        Fact::text("item", item_name),
        Fact::text("purpose", p.clone()),
        Fact::text("carrier", w.actor_name(if enters { to } else { from })),
    ];
    let c = w.actor_name(if enters { to } else { from });
    let d = if enters {
        Diagnostic::new(
            Code::MN401,
            primary,
            text!("`{item_name}` enters carrier {c} for `{p}` and no flow carries it on";
                  "{q_item_name}は{q_p}のために中継の{c}に入りますが、先へ運ぶフローがありません"),
        )
        .with_primary_label(text!("goes nowhere from here"; "ここから先がありません"))
    } else {
        Diagnostic::new(
            Code::MN401,
            primary,
            text!("`{item_name}` leaves carrier {c} for `{p}` but no flow brought it there";
                  "{q_item_name}は{q_p}のために中継の{c}から出ますが、そこへ運んだフローがありません"),
        )
        .with_primary_label(text!("comes from nowhere"; "出どころがありません"))
        .with_note(text!("a carrier holds nothing for its own use: what leaves it must have entered it, as the same item for the same purpose";
                         "中継は自らのためにデータを保持しません。出ていくデータは、同じ項目・同じ利用目的で入ってきたものでなければなりません"))
    };
    let d = match other {
        // One exchange written with two purposes: the help must not send
        // the item into the carrier, or on from it, for the purpose of the
        // wrong hop (the rules may allow it for none but the first).
        Some((o, q_id)) => {
            let q = w.purpose_name(q_id);
            let q_q = JaQuoted(&q);
            let (q_p_in, q_p_out) = if enters { (q_p, q_q) } else { (q_q, q_p) };
            let (p_in, p_out) = if enters { (&p, &q) } else { (&q, &p) };
            let label = if enters {
                text!("`{item_name}` leaves {c} here for `{q}`"; "ここで{q_item_name}が{q_q}のために{c}から出ます")
            } else {
                text!("`{item_name}` enters {c} here for `{q}`"; "ここで{q_item_name}が{q_q}のために{c}に入ります")
            };
            d.with_label(w.purpose_span(o, q_id), label)
                .with_note(text!("the hop out of {c} carries `{item_name}` for `{p_out}`, the hop in for `{p_in}`: an exchange through carriers keeps one purpose";
                                 "{c}から出る区間は{q_item_name}を{q_p_out}のために、{c}に入る区間は{q_p_in}のために運んでいます。中継を通る提供の利用目的は一つです"))
                .with_help(purpose_help(w, item, c, (purpose, other.map(|x| x.1)), enters))
                .with_facts(facts)
                .with_facts(vec![Fact::text("other_purpose", q.clone())])
        }
        None if enters => d
            .with_help(text!("add a flow from {c} to the receiver carrying `{item_name}` for `{p}`, or write the exchange as one flow with `via {c}`";
                             "{c}から受け手へ{q_item_name}を{q_p}のために運ぶフローを追加するか、`via {c}` を使って一つのフローとして書いてください"))
            .with_facts(facts),
        None => d
            .with_help(text!("add the flow that brings `{item_name}` into {c} for `{p}`"; "{c}へ{q_item_name}を{q_p}のために運ぶフローを追加してください"))
            .with_facts(facts),
    };
    Some(d)
}

/// MN401's help for a carrier's hops in and out that differ only in
/// purpose: the one purpose to give both, as far as the rules tell
/// (`purposes`: this hop's and the other's).
fn purpose_help(
    w: &Words,
    item: DataId,
    c: &str,
    purposes: (Option<PurposeId>, Option<PurposeId>),
    enters: bool,
) -> Text {
    let (Some(this), Some(other)) = purposes else {
        return Text::default();
    };
    let (p_in, p_out) = if enters { (this, other) } else { (other, this) };
    let (in_ok, out_ok) = (
        some_rule_allows(w, item, p_in),
        some_rule_allows(w, item, p_out),
    );
    let name = w.item_name(item);
    let q_name = JaQuoted(name);
    let cat = w.category_name(item);
    let q_cat = JaQuoted(&cat);
    let (p_in, p_out) = (w.purpose_name(p_in), w.purpose_name(p_out));
    let (q_p_in, q_p_out) = (JaQuoted(&p_in), JaQuoted(&p_out));
    match (in_ok, out_ok) {
        (true, true) => {
            text!("carry `{name}` out of {c} for `{p_in}`, the purpose it came in for; an exchange for `{p_out}` needs a rule that allows it between its parties (written as one flow with `via`, the exchange is judged for its purpose)";
                              "{c}から出る区間も、入ってきたときの利用目的{q_p_in}で{q_name}を運んでください。{q_p_out}のための提供には、その当事者の間でそれを認める規則が必要です (`via` を使って一つのフローとして書くと、提供全体がその利用目的で判定されます)")
        }
        (true, false) => {
            text!("carry `{name}` out of {c} for `{p_in}`, the purpose it came in for: no rule allows `{cat}` for `{p_out}`";
                               "{c}から出る区間も、入ってきたときの利用目的{q_p_in}で{q_name}を運んでください。{q_cat}を{q_p_out}のために認める規則はありません")
        }
        (false, true) => {
            text!("bring `{name}` into {c} for `{p_out}`, the purpose it leaves for: no rule allows `{cat}` for `{p_in}` (written as one flow with `via`, the exchange is judged for its purpose)";
                               "{c}に入る区間も、出ていくときの利用目的{q_p_out}で{q_name}を運んでください。{q_cat}を{q_p_in}のために認める規則はありません (`via` を使って一つのフローとして書くと、提供全体がその利用目的で判定されます)")
        }
        (false, false) => {
            text!("no rule allows `{cat}` for `{p_in}` or `{p_out}`: give the hops in and out of {c} one purpose a rule allows for it, or remove them";
                                "{q_cat}を{q_p_in}や{q_p_out}のために認める規則はありません。{c}に入る区間と出る区間を、規則が認める一つの利用目的にそろえるか、削除してください")
        }
    }
}

/// Does some rule, between any roles, allow the item's category for
/// `purpose` (a `mynumber` rule for 特定個人情報, another for ordinary
/// data)?
fn some_rule_allows(w: &Words, item: DataId, purpose: PurposeId) -> bool {
    let (Some(rb), Some(cat)) = (w.rb, w.design.item(item).category.id) else {
        return false;
    };
    if w.design.is_mynumber(item) {
        (rb.mynumber_rules_covering(cat).into_iter()).any(|r| rb.rule_allows_purpose(r, purpose))
    } else {
        (rb.ordinary_rules_for(purpose).into_iter()).any(|r| {
            let r = rb.rule(r);
            r.categories.is_empty() || r.categories.iter().any(|x| rb.covers(*x, cat))
        })
    }
}

/// MN402.
pub(super) fn drift(
    w: &Words,
    trail: &Trail,
    held: &[PurposeId],
    witness: &Witness,
) -> Option<Diagnostic> {
    let society = w.society();
    let item = w.item_name(trail.item);
    let q_item = JaQuoted(item);
    let q = w.purpose_name(trail.purpose);
    let q_q = JaQuoted(&q);
    let names: Vec<String> = held.iter().map(|p| w.purpose_name(*p)).collect();
    // In Japanese each purpose is quoted, as `q` is.
    let l = crate::text::quoted_list(&names);
    let (from, to) = (w.actor_name(trail.sender), w.actor_name(trail.receiver));
    let d = Diagnostic::new(
        Code::MN402,
        super::place::drift(w, trail),
        text!("特定個人情報 (My Number data) `{item}` was obtained for {} and is passed from {from} to {to} for `{q}` (目的外利用)", l.en;
              "特定個人情報{q_item}は{}のために取得したものですが、{from}から{to}へ{q_q}のために渡されています (目的外利用)", l.ja),
    )
    .with_primary_label(text!("not a purpose it was obtained for"; "取得した目的ではありません"))
    .with_note(text!(
        "特定個人情報 may be used only for the affairs it was obtained for (番号法第9条; 個人情報保護法第18条 as applied by 番号法第30条第2項), and no file of it may be made beyond what those affairs need (番号法第29条); moving it between {society}'s own systems is use, and stays within that purpose";
        "特定個人情報は取得した事務の範囲内でのみ利用でき (番号法第9条、番号法第30条第2項により読み替えて適用される個人情報保護法第18条)、その事務に必要な範囲を超えてファイルを作成することはできません (番号法第29条)。{society}内のシステム間の移動は利用であり、その目的の範囲にとどまります"
    ))
    .with_help(if may_obtain_for(w, trail) {
        text!("use it here only for {}, or obtain it anew under a rule that allows `{q}`", l.en;
              "ここでは{}のためにのみ利用するか、{q_q}を認める規則に基づいて改めて取得してください", l.ja)
    } else {
        let cat = w.category_name(trail.item);
        let q_cat = JaQuoted(&cat);
        let role = w.role_of(trail.receiver).map(|r| w.role_name(r)).unwrap_or_default();
        text!("use it here only for {}: no rule allows `{cat}` to reach {role} for `{q}`", l.en;
              "ここでは{}のためにのみ利用してください。{q_cat}を{q_q}のために{role}が受け取ることを認める規則はありません", l.ja)
    })
    .with_facts(w.trail_facts(trail))
    .with_facts(Fact::list(("held_purposes", "held_purposes_total"), names));
    let d = w.witness_labels(d, witness);
    Some(w.hop_labels(d, trail))
}

/// Does some rule let the item's category reach the receiver's role for
/// the purpose it is passed on for? Only then can it be obtained anew for
/// that purpose (MN402's second way out).
fn may_obtain_for(w: &Words, trail: &Trail) -> bool {
    let (Some(rb), Some(to), Some(category)) = (
        w.rb,
        w.role_of(trail.receiver),
        w.design.item(trail.item).category.id,
    ) else {
        return false;
    };
    (rb.mynumber_rules_covering(category).into_iter())
        .any(|r| rb.role_covers(rb.rule(r).to, to) && rb.rule_allows_purpose(r, trail.purpose))
}

#[cfg(test)]
mod tests {
    #[test]
    fn no_message_hard_codes_a_rulebook_name() {
        // The wording names the society by the rulebook's `self` role; a
        // literal role name of the built-in rulebook would leak it into
        // every other society's findings.
        for src in [
            include_str!("mod.rs"),
            include_str!("exchange.rs"),
            include_str!("purpose.rs"),
            include_str!("delegation.rs"),
            include_str!("graph.rs"),
            include_str!("basis.rs"),
            include_str!("mynumber_purpose.rs"),
            include_str!("channel.rs"),
            include_str!("reversal.rs"),
            include_str!("place.rs"),
            include_str!("run.rs"),
        ] {
            let code: String = src
                .split("#[cfg(test)]")
                .next()
                .unwrap_or_default()
                .to_string();
            for word in ["組合", "他機関", "項」", "}項", "通知"] {
                assert!(!code.contains(word), "`{word}` in the wording");
            }
        }
    }
}
