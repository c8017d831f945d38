//! What each of the society's systems holds: for every `self` actor and
//! every 特定個人情報 item it receives, the purposes it holds the item for,
//! each with the transfer that first brought it for that purpose.
//!
//! Computed by walking the petgraph: a system holds an item for the purposes
//! of the transfers into it that carry the item, whoever sends them (an
//! outside party through the network, another system of the society, a
//! carrier's last hop). One pass over each system's incoming edges, so the
//! whole computation is linear in the graph. MN402 judges what a system
//! passes on against what it holds; `inventory` lists it; witness paths
//! follow it upstream.

use crate::graph::{FlowGraph, TransferId, payloads};
use crate::model::*;
use petgraph::visit::EdgeRef;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::BTreeMap;

/// Purposes an item is held for, each with the transfer that first (in
/// source order) brought it for that purpose.
pub type Held = BTreeMap<PurposeId, TransferId>;

/// What every system of the society holds.
#[derive(Debug, Default)]
pub struct Holdings {
    held: FxHashMap<(ActorId, DataId), Held>,
}

impl Holdings {
    /// Walks the incoming edges of every `self` actor of the graph.
    pub fn compute(design: &Design, fg: &FlowGraph) -> Holdings {
        let is_self: Vec<bool> = (0..design.actors.len())
            .map(|a| design.kind_of(ActorId(a as u32)) == Some(RoleKind::SelfOrg))
            .collect();
        let mynumber: Vec<bool> = (0..design.data.len())
            .map(|d| design.is_mynumber(DataId(d as u32)))
            .collect();
        let mut held: FxHashMap<(ActorId, DataId), Held> = FxHashMap::default();
        // Every edge in order (the order of the flows) rather than each
        // system's incoming list: on a large design the flows are then read
        // front to back instead of at random.
        for e in fg.graph.edge_references() {
            let actor = fg.graph[e.target()];
            if !is_self[actor.index()] {
                continue;
            }
            for (item, purpose) in payloads(design.flow(e.weight().flow)) {
                let Some(purpose) = purpose else { continue };
                if !mynumber[item.index()] {
                    continue;
                }
                // Edges come in id order: the first one kept is the first.
                held.entry((actor, item))
                    .or_default()
                    .entry(purpose)
                    .or_insert(e.id());
            }
        }
        Holdings { held }
    }

    /// The purposes `actor` holds `item` for (None if it never receives it).
    pub fn held(&self, actor: ActorId, item: DataId) -> Option<&Held> {
        self.held.get(&(actor, item))
    }

    /// Every (system, item) with what it is held for, sorted by actor and item.
    pub fn all(&self) -> Vec<(ActorId, DataId, &Held)> {
        let mut v: Vec<_> = self.held.iter().map(|(&(a, d), h)| (a, d, h)).collect();
        v.sort_by_key(|(a, d, _)| (*a, *d));
        v
    }

    /// The witness path: the transfers by which `item` reached `actor`,
    /// upstream first, each with the purpose it carried the item for. It follows `purpose` (or, when None or not held
    /// there, the first arrival) back through the society's systems and
    /// through carriers, and ends with the transfer from the first outside
    /// party: an outside party's data is its own, and what reached it
    /// elsewhere in the design is not how this flow got it.
    pub fn witness(
        &self,
        design: &Design,
        fg: &FlowGraph,
        actor: ActorId,
        item: DataId,
        purpose: Option<PurposeId>,
    ) -> Vec<(TransferId, PurposeId)> {
        let mut chain = Vec::new();
        let mut seen = FxHashSet::default();
        let mut at = actor;
        let mut purpose = purpose;
        loop {
            let step = match design.kind_of(at) {
                Some(RoleKind::SelfOrg) => self.held(at, item).and_then(|h| {
                    purpose
                        .and_then(|p| h.get(&p).map(|e| (p, *e)))
                        .or_else(|| h.iter().min_by_key(|(_, e)| **e).map(|(p, e)| (*p, *e)))
                }),
                Some(RoleKind::Carrier) => purpose.and_then(|p| {
                    fg.into_carrier(at, (item, Some(p)))
                        .first()
                        .map(|e| (p, *e))
                }),
                _ => None,
            };
            let Some((p, e)) = step else { break };
            if !seen.insert(e) {
                break;
            }
            chain.push((e, p));
            purpose = Some(p);
            at = fg.ends(e).0;
        }
        chain.reverse();
        chain
    }
}
