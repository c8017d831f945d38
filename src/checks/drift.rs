//! MN402 目的外利用: 特定個人情報 obtained for some purposes, passed on
//! inside the society (self → self, any number of hops) for another.
//!
//! A worklist over (actor, item) computes the purposes each item is held
//! for; each internal exchange is then judged against what its sender
//! holds. Linear in exchanges × purposes; no path enumeration.

use super::Ctx;
use super::witness::arrival_labels;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::model::*;
use crate::text;
use crate::text::{Text, list};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Purposes an item is held for at an actor, each with the exchange that
/// first brought it for that purpose.
type Held = BTreeMap<PurposeId, usize>;

pub(crate) fn check(ctx: &Ctx) -> Vec<Diagnostic> {
    let self_actor = |a: ActorId| ctx.kind(a) == Some(RoleKind::SelfOrg);
    let mut held: HashMap<(ActorId, DataId), Held> = HashMap::new();
    let mut internal_from: HashMap<(ActorId, DataId), Vec<usize>> = HashMap::new();
    let mut work: Vec<(ActorId, DataId)> = Vec::new();

    for (i, ex) in ctx.graph.exchanges.iter().enumerate() {
        let (item, Some(purpose)) = ex.payload else {
            continue;
        };
        if !ctx.design.is_mynumber(item) || !self_actor(ex.receiver) {
            continue;
        }
        if self_actor(ex.sender) {
            internal_from.entry((ex.sender, item)).or_default().push(i);
            work.push((ex.sender, item));
        } else {
            held.entry((ex.receiver, item))
                .or_default()
                .entry(purpose)
                .or_insert(i);
            work.push((ex.receiver, item));
        }
    }

    // Fixed point: every internal exchange passes its purpose on.
    let mut queued: HashSet<(ActorId, DataId)> = work.iter().copied().collect();
    while let Some(key) = work.pop() {
        queued.remove(&key);
        let (_, item) = key;
        for &e in internal_from.get(&key).map(Vec::as_slice).unwrap_or(&[]) {
            let ex = &ctx.graph.exchanges[e];
            let Some(p) = ex.payload.1 else { continue };
            let h = held.entry((ex.receiver, item)).or_default();
            if let std::collections::btree_map::Entry::Vacant(v) = h.entry(p) {
                v.insert(e);
                if queued.insert((ex.receiver, item)) {
                    work.push((ex.receiver, item));
                }
            }
        }
    }

    let mut out = Vec::new();
    let mut keys: Vec<_> = internal_from.keys().copied().collect();
    keys.sort();
    for key in keys {
        let (sender, item) = key;
        let Some(h) = held.get(&key).filter(|h| !h.is_empty()) else {
            continue;
        };
        for &e in &internal_from[&key] {
            let ex = &ctx.graph.exchanges[e];
            let Some(q) = ex.payload.1 else { continue };
            if h.contains_key(&q) {
                continue;
            }
            out.push(diagnose(ctx, &held, e, sender, item, q));
        }
    }
    out
}

/// The chain of exchanges that brought `item` to `actor` for `purpose`.
fn chain(
    ctx: &Ctx,
    held: &HashMap<(ActorId, DataId), Held>,
    actor: ActorId,
    item: DataId,
    purpose: PurposeId,
) -> Vec<usize> {
    let mut out = Vec::new();
    let mut at = actor;
    let mut seen = HashSet::new();
    while let Some(&e) = held.get(&(at, item)).and_then(|h| h.get(&purpose)) {
        if !seen.insert(e) {
            break;
        }
        out.push(e);
        at = ctx.graph.exchanges[e].sender;
    }
    out.reverse();
    out
}

fn diagnose(
    ctx: &Ctx,
    held: &HashMap<(ActorId, DataId), Held>,
    e: usize,
    sender: ActorId,
    item: DataId,
    q: PurposeId,
) -> Diagnostic {
    let ex = &ctx.graph.exchanges[e];
    let h = &held[&(sender, item)];
    let item_name = ctx.item_name(item);
    let qn = ctx.purpose_name(q);
    let names: Vec<String> = h.keys().map(|p| ctx.purpose_name(*p).to_string()).collect();
    let held_list = list(&names);
    let (from, to) = (ctx.actor_name(sender), ctx.actor_name(ex.receiver));
    let mut d = Diagnostic::new(
        Code::MN402,
        ctx.purpose_span(ex.last(), q),
        text!("My Number data `{item_name}` was obtained for {} and is passed from {from} to {to} for `{qn}` (目的外利用)", held_list.en;
              "特定個人情報「{item_name}」は {} のために取得したものですが、{from}から{to}へ「{qn}」のために渡されています (目的外利用)", held_list.ja),
    )
    .with_primary_label(text!("not a purpose it was obtained for"; "取得した目的ではありません"));
    // The witness: how the item reached the sender, for the first purpose it holds it for.
    if let Some(&p) = h.keys().next() {
        for (span, message) in arrival_labels(ctx, &chain(ctx, held, sender, item, p), item) {
            d = d.with_label(span, message);
        }
    }
    d.with_note(Text::new(
        "特定個人情報 may be used only for the affairs it was obtained for (番号法 Articles 9 and 29); moving it between the society's own systems is use, and stays within that purpose",
        "特定個人情報は取得した事務の範囲内でのみ利用できます (番号法第9条・第29条)。組合内のシステム間の移動は利用であり、その目的の範囲にとどまります",
    ))
    .with_help(text!("use it here only for {}, or obtain it anew under a rule that allows `{qn}`", held_list.en;
                     "ここでは {} のためにのみ利用するか、「{qn}」を認める規則に基づいて改めて取得してください", held_list.ja))
}
