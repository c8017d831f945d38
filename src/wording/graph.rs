//! Wording of the graph checks: MN401 (carrier hops with nowhere to go)
//! and MN402 (目的外利用 inside the society).

use super::Words;
use crate::checks::{Trail, Witness};
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Fact};
use crate::graph::Dangling;
use crate::model::*;
use crate::text;

/// MN401.
pub(super) fn dangling(w: &Words, d: Dangling) -> Option<Diagnostic> {
    let (t, (item, purpose), enters) = match d {
        Dangling::GoesNowhere(t, p) => (t, p, true),
        Dangling::ComesFromNowhere(t, p) => (t, p, false),
    };
    let (from, to) = w.graph.ends(t);
    let primary = super::place::dangling(w, d);
    let item_name = w.item_name(item);
    let p = purpose
        .map(|p| w.purpose_name(p))
        .unwrap_or_else(|| "-".into());
    let facts = vec![
        Fact::text("item", item_name),
        Fact::text("purpose", p.clone()),
        Fact::text("carrier", w.actor_name(if enters { to } else { from })),
    ];
    Some(if enters {
        let c = w.actor_name(to);
        Diagnostic::new(
            Code::MN401,
            primary,
            text!("`{item_name}` enters carrier {c} for `{p}` and no flow carries it on";
                  "「{item_name}」は「{p}」のために中継の{c}に入りますが、先へ運ぶフローがありません"),
        )
        .with_primary_label(text!("goes nowhere from here"; "ここから先がありません"))
        .with_help(text!("add a flow from {c} to the receiver carrying `{item_name}` for `{p}`, or write the exchange as one flow with `via {c}`";
                         "{c}から受け手へ「{item_name}」を「{p}」のために運ぶフローを追加するか、`via {c}` を使って一つのフローとして書いてください"))
        .with_facts(facts)
    } else {
        let c = w.actor_name(from);
        Diagnostic::new(
            Code::MN401,
            primary,
            text!("`{item_name}` leaves carrier {c} for `{p}` but no flow brought it there";
                  "「{item_name}」は「{p}」のために中継の{c}から出ますが、そこへ運んだフローがありません"),
        )
        .with_primary_label(text!("comes from nowhere"; "出どころがありません"))
        .with_note(text!("a carrier holds nothing for its own use: what leaves it must have entered it, as the same item for the same purpose";
                         "中継は自らのためにデータを保持しません。出ていくデータは、同じ項目・同じ利用目的で入ってきたものでなければなりません"))
        .with_help(text!("add the flow that brings `{item_name}` into {c} for `{p}`"; "{c}へ「{item_name}」を「{p}」のために運ぶフローを追加してください"))
        .with_facts(facts)
    })
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
    let q = w.purpose_name(trail.purpose);
    let names: Vec<String> = held.iter().map(|p| w.purpose_name(*p)).collect();
    let l = crate::text::list(&names);
    // In Japanese each purpose is quoted, as `q` is.
    let quoted: Vec<String> = names.iter().map(|n| format!("「{n}」")).collect();
    let l = crate::text::Text::new(l.en, crate::text::list(&quoted).ja);
    let (from, to) = (w.actor_name(trail.sender), w.actor_name(trail.receiver));
    let d = Diagnostic::new(
        Code::MN402,
        super::place::drift(w, trail),
        text!("特定個人情報 (My Number data) `{item}` was obtained for {} and is passed from {from} to {to} for `{q}` (目的外利用)", l.en;
              "特定個人情報「{item}」は{}のために取得したものですが、{from}から{to}へ「{q}」のために渡されています (目的外利用)", l.ja),
    )
    .with_primary_label(text!("not a purpose it was obtained for"; "取得した目的ではありません"))
    .with_note(text!(
        "特定個人情報 may be used only for the affairs it was obtained for (番号法第9条; 個人情報保護法第18条 as applied by 番号法第30条第2項), and no file of it may be made beyond what those affairs need (番号法第29条); moving it between {society}'s own systems is use, and stays within that purpose";
        "特定個人情報は取得した事務の範囲内でのみ利用でき (番号法第9条、番号法第30条第2項により読み替えて適用される個人情報保護法第18条)、その事務に必要な範囲を超えてファイルを作成することはできません (番号法第29条)。{society}内のシステム間の移動は利用であり、その目的の範囲にとどまります"
    ))
    .with_help(text!("use it here only for {}, or obtain it anew under a rule that allows `{q}`", l.en;
                     "ここでは{}のためにのみ利用するか、「{q}」を認める規則に基づいて改めて取得してください", l.ja))
    .with_facts(w.trail_facts(trail))
    .with_facts(Fact::list(("held_purposes", "held_purposes_total"), names));
    let d = w.witness_labels(d, witness);
    Some(w.hop_labels(d, trail))
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
