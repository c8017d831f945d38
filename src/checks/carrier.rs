//! MN401: carrier hops with nowhere to go, or coming from nowhere.

use super::Ctx;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::graph::Dangling;
use crate::text;

pub(crate) fn check(ctx: &Ctx) -> Vec<Diagnostic> {
    ctx.graph
        .dangling
        .iter()
        .map(|d| {
            let (t, (item, purpose), enters) = match *d {
                Dangling::GoesNowhere(t, p) => (t, p, true),
                Dangling::ComesFromNowhere(t, p) => (t, p, false),
            };
            let tr = ctx.transfer(t);
            let item = ctx.item_name(item);
            let p = purpose.map(|p| ctx.purpose_name(p).to_string()).unwrap_or_else(|| "-".into());
            if enters {
                let c = ctx.actor_name(tr.to);
                Diagnostic::new(
                    Code::MN401,
                    ctx.receiver_span(t),
                    text!("`{item}` enters carrier {c} for `{p}` and no flow carries it on";
                          "「{item}」は「{p}」のために中継の{c}に入りますが、先へ運ぶフローがありません"),
                )
                .with_primary_label(text!("goes nowhere from here"; "ここから先がありません"))
                .with_help(text!("add a flow from {c} to the receiver carrying `{item}` for `{p}`, or write the exchange as one flow with `via {c}`";
                                 "{c}から受け手へ「{item}」を「{p}」のために運ぶフローを追加するか、`via {c}` を使って一つのフローとして書いてください"))
            } else {
                let c = ctx.actor_name(tr.from);
                Diagnostic::new(
                    Code::MN401,
                    ctx.sender_span(t),
                    text!("`{item}` leaves carrier {c} for `{p}` but no flow brought it there";
                          "「{item}」は「{p}」のために中継の{c}から出ますが、そこへ運んだフローがありません"),
                )
                .with_primary_label(text!("comes from nowhere"; "出どころがありません"))
                .with_note(text!("a carrier holds nothing for its own use: what leaves it must have entered it, as the same item for the same purpose";
                                 "中継は自らのためにデータを保持しません。出ていくデータは、同じ項目・同じ利用目的で入ってきたものでなければなりません"))
                .with_help(text!("add the flow that brings `{item}` into {c} for `{p}`"; "{c}へ「{item}」を「{p}」のために運ぶフローを追加してください"))
            }
        })
        .collect()
}
