//! What each of the society's systems holds: for every `self` actor and
//! every 特定個人情報 item it receives, the purposes it holds the item for,
//! each with the transfer that first brought it for that purpose.
//!
//! Computed by walking the petgraph: a system holds an item for the purposes
//! of the transfers into it that carry the item, whoever sends them (an
//! outside party through the network, another system of the society, a
//! carrier's last hop). One pass over the edges in order and one sort of
//! what they bring (no map of maps): near-linear, and read front to back. MN402 judges what a system
//! passes on against what it holds; `inventory` lists it; witness paths
//! follow it upstream.

use crate::graph::{FlowGraph, TransferId};
use crate::model::*;
use rayon::prelude::*;
use rustc_hash::FxHashSet;

/// Transfers read by one task of [`Holdings::compute_on_cores`].
const EDGES_PER_CHUNK: usize = 16 * 1024;

/// The purposes an item is held for, in purpose order, each with the
/// transfer that first (in source order) brought it for that purpose.
#[derive(Clone, Copy, Debug)]
pub struct Held<'a>(&'a [(PurposeId, TransferId)]);

impl<'a> Held<'a> {
    /// Is it held for nothing?
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// Is it held for `p`?
    pub fn contains(&self, p: PurposeId) -> bool {
        self.get(p).is_some()
    }
    /// The transfer that first brought it for `p`.
    pub fn get(&self, p: PurposeId) -> Option<TransferId> {
        let i = self.0.binary_search_by_key(&p, |&(q, _)| q).ok()?;
        Some(self.0[i].1)
    }
    /// The purposes, in order.
    pub fn purposes(&self) -> impl Iterator<Item = PurposeId> + 'a {
        self.0.iter().map(|&(p, _)| p)
    }
    /// The purpose whose first transfer came first, and that transfer.
    pub fn first_arrival(&self) -> Option<(PurposeId, TransferId)> {
        self.0.iter().min_by_key(|&&(_, t)| t).copied()
    }
}

/// What every system of the society holds.
///
/// Found by actor number, then by item among the system's own few: no
/// hash map (built on one core, a million (system, item)s' map took a
/// tenth of a second at a cache miss a key).
#[derive(Debug, Default)]
pub struct Holdings {
    /// Where each actor's (system, item)s start in `items`, by actor
    /// number; one more entry ends the last actor's.
    by_actor: Vec<u32>,
    /// Each (system, item)'s item and where its purposes start in `held`,
    /// by system, then item; each ends where the next starts.
    items: Vec<(DataId, u32)>,
    /// (purpose, first transfer), grouped by (system, item), each group
    /// sorted by purpose.
    held: Vec<(PurposeId, TransferId)>,
}

impl Holdings {
    /// Reads every transfer into a `self` actor of the graph.
    pub fn compute(design: &Design, fg: &FlowGraph) -> Holdings {
        Self::compute_on(design, fg, false)
    }

    /// [`Holdings::compute`] on every core: the transfers are read by
    /// chunks and what they bring is sorted in parallel (the same
    /// holdings). It starts parallel work, so it must not run where a
    /// check may wait for the holdings ([`super::Ctx::holdings`]).
    pub fn compute_on_cores(design: &Design, fg: &FlowGraph) -> Holdings {
        Self::compute_on(design, fg, true)
    }

    fn compute_on(design: &Design, fg: &FlowGraph, par: bool) -> Holdings {
        let is_self: Vec<bool> = (0..design.actors.len())
            .map(|a| design.kind_of(ActorId::new(a as u32)) == Some(RoleKind::SelfOrg))
            .collect();
        let mynumber = design.mynumber_items();
        // Every edge (in the order of the flows), collected flat and
        // sorted once: on a large design the flows are read front to back,
        // and no map of maps is built. The order they are collected in
        // does not matter: the sort orders them by every field.
        let edges = fg.graph.raw_edges();
        let arrive = |first: usize, chunk: &[petgraph::graph::Edge<crate::graph::Transfer>]| {
            let mut out = Vec::new();
            for (k, e) in chunk.iter().enumerate() {
                let actor = fg.graph[e.target()];
                if !is_self[actor.index()] {
                    continue;
                }
                for (item, purpose) in e.weight.payloads(design) {
                    let Some(purpose) = purpose else { continue };
                    if mynumber[item.index()] {
                        out.push((actor, item, purpose, TransferId::new(first + k)));
                    }
                }
            }
            out
        };
        let mut arrivals: Vec<(ActorId, DataId, PurposeId, TransferId)> = if par {
            let mut all = Vec::new();
            all.par_extend(
                edges
                    .par_chunks(EDGES_PER_CHUNK)
                    .with_max_len(1)
                    .enumerate()
                    .flat_map_iter(|(c, chunk)| arrive(c * EDGES_PER_CHUNK, chunk)),
            );
            all.par_sort_unstable();
            all
        } else {
            let mut all = arrive(0, edges);
            all.sort_unstable();
            all
        };
        // The first of each (system, item, purpose) is its first transfer.
        arrivals.dedup_by_key(|&mut (a, d, p, _)| (a, d, p));
        Holdings::of_arrivals(design.actors.len(), &arrivals)
    }

    /// The holdings of `actors` actors from their `arrivals`, sorted and
    /// one per (system, item, purpose).
    fn of_arrivals(
        actors: usize,
        arrivals: &[(ActorId, DataId, PurposeId, TransferId)],
    ) -> Holdings {
        let groups = arrivals.chunk_by(|x, y| (x.0, x.1) == (y.0, y.1)).count();
        let mut by_actor = vec![0u32; actors + 1];
        let mut items = Vec::with_capacity(groups);
        let mut held = Vec::with_capacity(arrivals.len());
        for group in arrivals.chunk_by(|x, y| (x.0, x.1) == (y.0, y.1)) {
            if let Some(&(a, d, _, _)) = group.first()
                && let Some(count) = by_actor.get_mut(a.index() + 1)
            {
                *count += 1;
                items.push((d, held.len() as u32));
                held.extend(group.iter().map(|&(_, _, p, t)| (p, t)));
            }
        }
        for a in 1..by_actor.len() {
            by_actor[a] += by_actor[a - 1];
        }
        Holdings {
            by_actor,
            items,
            held,
        }
    }

    /// The (system, item)s of `actor` (their items and where their
    /// purposes start), and the number of the first among all.
    fn of_actor(&self, actor: ActorId) -> (&[(DataId, u32)], usize) {
        let a = actor.index();
        match (self.by_actor.get(a), self.by_actor.get(a + 1)) {
            (Some(&from), Some(&to)) => (
                self.items.get(from as usize..to as usize).unwrap_or(&[]),
                from as usize,
            ),
            _ => (&[], 0),
        }
    }

    /// Where the purposes of the `k`th (system, item) of all end.
    fn end_of(&self, k: usize) -> usize {
        self.items
            .get(k + 1)
            .map_or(self.held.len(), |&(_, start)| start as usize)
    }

    /// The purposes `actor` holds `item` for (None if it never receives it).
    pub fn held(&self, actor: ActorId, item: DataId) -> Option<Held<'_>> {
        let (mine, first) = self.of_actor(actor);
        let i = mine.binary_search_by_key(&item, |&(d, _)| d).ok()?;
        let start = mine[i].1 as usize;
        let end = self.end_of(first + i);
        self.held.get(start..end).map(Held)
    }

    /// Every (system, item) with what it is held for, sorted by actor and item.
    pub fn all(&self) -> Vec<(ActorId, DataId, Held<'_>)> {
        // Each entry's actor is its run's, its purposes up to the next
        // entry's: nothing is looked up again.
        let runs = self.by_actor.windows(2).enumerate();
        runs.flat_map(|(a, run)| (run[0] as usize..run[1] as usize).map(move |k| (a, k)))
            .filter_map(|(a, k)| {
                let &(d, start) = self.items.get(k)?;
                let held = self.held.get(start as usize..self.end_of(k))?;
                Some((ActorId::new(a as u32), d, Held(held)))
            })
            .collect()
    }

    /// The witness path: the transfers by which `item` reached `actor`,
    /// upstream first, each with the purpose it carried the item for. It
    /// follows `purpose` (or, when None or not held there, the first
    /// arrival) back through the society's systems and through carriers,
    /// and ends with the transfer from the first outside party: an outside
    /// party's data is its own, and what reached it elsewhere in the
    /// design is not how this flow got it.
    ///
    /// At most `most` transfers, the nearest `actor`; the flag says the
    /// path goes further upstream than that. Every finding on a long
    /// internal chain walks back along it: unbounded, a chain of n hops
    /// with a finding at every hop took n²/2 steps (a 7 MB design of
    /// 100 000 hops needed more than 24 GiB).
    pub fn witness(
        &self,
        design: &Design,
        fg: &FlowGraph,
        actor: ActorId,
        item: DataId,
        purpose: Option<PurposeId>,
        most: usize,
    ) -> (Vec<(TransferId, PurposeId)>, bool) {
        let mut chain = Vec::new();
        let mut seen = FxHashSet::default();
        let mut at = actor;
        let mut purpose = purpose;
        let mut longer = false;
        loop {
            let step = match design.kind_of(at) {
                Some(RoleKind::SelfOrg) => self.held(at, item).and_then(|h| {
                    purpose
                        .and_then(|p| h.get(p).map(|e| (p, e)))
                        .or_else(|| h.first_arrival())
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
            if chain.len() == most {
                longer = true;
                break;
            }
            chain.push((e, p));
            purpose = Some(p);
            at = fg.ends(e).0;
        }
        chain.reverse();
        (chain, longer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_system_item_is_found_among_its_systems_own_and_ends_where_the_next_starts() {
        let (a, d, p, t) = (ActorId::new, DataId::new, PurposeId::new, TransferId::new);
        // Actor 0 holds nothing; actor 1 items 2 and 5; actor 3 item 2
        // (the last, ending at the end); an arrival of actor 9 (beyond
        // the 4 actors) is left out.
        let arrivals = [
            (a(1), d(2), p(0), t(7)),
            (a(1), d(2), p(3), t(1)),
            (a(1), d(5), p(1), t(4)),
            (a(3), d(2), p(2), t(0)),
            (a(3), d(2), p(4), t(9)),
            (a(9), d(1), p(0), t(2)),
        ];
        let h = Holdings::of_arrivals(4, &arrivals);
        let held = |x: u32, y: u32| {
            h.held(a(x), d(y)).map(|h| {
                h.0.iter()
                    .map(|&(p, t)| (p.get(), t.index()))
                    .collect::<Vec<_>>()
            })
        };
        assert_eq!(held(1, 2), Some(vec![(0, 7), (3, 1)]));
        assert_eq!(held(1, 5), Some(vec![(1, 4)]));
        assert_eq!(held(3, 2), Some(vec![(2, 0), (4, 9)]));
        for (x, y) in [(0, 2), (1, 3), (2, 5), (3, 5), (9, 1), (40, 2)] {
            assert_eq!(held(x, y), None, "({x}, {y})");
        }
        let all: Vec<(u32, u32, usize)> = h
            .all()
            .into_iter()
            .map(|(x, y, held)| (x.get(), y.get(), held.0.len()))
            .collect();
        assert_eq!(all, [(1, 2, 2), (1, 5, 1), (3, 2, 2)]);
        assert!(Holdings::default().held(a(0), d(0)).is_none());
        assert!(Holdings::default().all().is_empty());
    }
}
