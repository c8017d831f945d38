//! Every sender a stitched exchange stands for. The graph groups the
//! senders whose data reaches a carrier with the same sender role and the
//! same roles passed into one exchange, because a check cannot tell them
//! apart; an inventory lists each, since each keeps its own record.

use crate::graph::{Exchange, FlowGraph, TransferId};
use crate::model::*;
use std::collections::{BTreeSet, HashSet};

/// The actors passed by a chain of transfers, in order of travel: each
/// hop's `via` actors, then the carrier it ends at.
pub fn route_of(graph: &FlowGraph, hops: &[TransferId]) -> Vec<ActorId> {
    let mut out = Vec::new();
    for (i, &t) in hops.iter().enumerate() {
        out.extend(graph.transfer(t).via.iter().copied());
        if i + 1 < hops.len() {
            out.push(graph.ends(t).1);
        }
    }
    out
}

/// Each sender of `ex` with the actors its data passes, in the order the
/// walk upstream meets them (transfers into a carrier in source order).
/// The walk visits each (carrier, roles passed so far) once, so it costs
/// the size of the exchange's upstream, not the number of its paths.
pub fn senders(design: &Design, graph: &FlowGraph, ex: &Exchange) -> Vec<(ActorId, Vec<ActorId>)> {
    if ex.senders <= 1 {
        return vec![(ex.sender, route_of(graph, &graph.route(ex)))];
    }
    let role = |a: ActorId| design.actor(a).role.id;
    let is_carrier = |a: ActorId| design.kind_of(a) == Some(RoleKind::Carrier);
    let via_roles = |t: TransferId| -> Vec<RoleId> {
        graph
            .transfer(t)
            .via
            .iter()
            .filter_map(|a| role(*a))
            .collect()
    };
    let last = ex.last();
    let (first_carrier, _) = graph.ends(last);
    let mut passed: BTreeSet<RoleId> = via_roles(last).into_iter().collect();
    passed.extend(role(first_carrier));
    let mut stack = vec![(first_carrier, vec![last], passed)];
    let mut seen: HashSet<(ActorId, Vec<RoleId>)> = HashSet::new();
    let mut out: Vec<(ActorId, Vec<ActorId>)> = Vec::new();
    let sender_role = role(ex.sender);
    while let Some((carrier, hops, passed)) = stack.pop() {
        if !seen.insert((carrier, passed.iter().copied().collect())) {
            continue;
        }
        let mut upstream = Vec::new();
        for &t in graph.into_carrier(carrier, ex.payload) {
            let (from, _) = graph.ends(t);
            let mut p = passed.clone();
            p.extend(via_roles(t));
            let mut h = Vec::with_capacity(hops.len() + 1);
            h.push(t);
            h.extend(hops.iter().copied());
            if is_carrier(from) {
                p.extend(role(from));
                upstream.push((from, h, p));
            } else if role(from) == sender_role
                && p.iter().copied().eq(ex.passed.iter().copied())
                && !out.iter().any(|(s, _)| *s == from)
            {
                out.push((from, route_of(graph, &h)));
            }
        }
        // Reversed, so that the walk meets upstream carriers in source order.
        stack.extend(upstream.into_iter().rev());
    }
    if out.is_empty() {
        // Not reachable by the walk (a carrier cycle): the representative.
        out.push((ex.sender, route_of(graph, &graph.route(ex))));
    }
    out
}
