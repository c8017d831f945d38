//! Witness paths: how an item reached the actor that passes it on, hop by
//! hop, as secondary labels in the order the data travelled.

use super::Ctx;
use crate::model::*;

use crate::span::Span;
use crate::text::Text;
use std::collections::HashMap;

/// For each (actor, item), the first exchange (in source order) that
/// delivered the item to the actor.
pub struct Provenance {
    first_arrival: HashMap<(ActorId, DataId), usize>,
}

impl Provenance {
    /// Indexes the exchanges of a design.
    pub fn build(ctx: &Ctx) -> Provenance {
        let mut first_arrival = HashMap::new();
        for (i, ex) in ctx.graph.exchanges.iter().enumerate() {
            first_arrival
                .entry((ex.receiver, ex.payload.0))
                .or_insert(i);
        }
        Provenance { first_arrival }
    }

    /// Labels for the path by which `item` reached `actor`, upstream first.
    /// Only the society's own systems are traced: an outside party's data
    /// is its own, and what reached it elsewhere in the design is not how
    /// this flow got it. The walk stops at the first outside sender.
    pub fn labels(&self, ctx: &Ctx, actor: ActorId, item: DataId) -> Vec<(Span, Text)> {
        let mut chain = Vec::new();
        let mut at = actor;
        let mut seen = std::collections::HashSet::new();
        while ctx.kind(at) == Some(RoleKind::SelfOrg)
            && let Some(&e) = self.first_arrival.get(&(at, item))
        {
            if !seen.insert(e) {
                break;
            }
            chain.push(e);
            at = ctx.graph.exchanges[e].sender;
        }
        chain.reverse();
        arrival_labels(ctx, &chain, item)
    }
}

/// Labels for a chain of exchanges, in order.
pub fn arrival_labels(ctx: &Ctx, chain: &[usize], item: DataId) -> Vec<(Span, Text)> {
    let name = ctx.item_name(item);
    let mut out = Vec::new();
    for (step, &e) in chain.iter().enumerate() {
        let ex = &ctx.graph.exchanges[e];
        let (from, to) = (ctx.actor_name(ex.sender), ctx.actor_name(ex.receiver));
        let purpose = ex
            .payload
            .1
            .map(|p| ctx.purpose_name(p).to_string())
            .unwrap_or_default();
        let n = step + 1;
        let msg = crate::text!("({n}) `{name}` reaches {to} from {from} for `{purpose}`";
                               "({n}) 「{name}」が{from}から{to}へ「{purpose}」のために渡る");
        out.push((ctx.flow_of(ex.last()).span, msg));
    }
    out
}
