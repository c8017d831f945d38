//! Stitching: transfers that end or start at a carrier joined into
//! end-to-end exchanges (see the module above for what an exchange is).

use super::{
    Dangling, Exchange, FlowGraph, Payload, RouteId, Transfer, TransferId, UnresolvedEnds, payloads,
};
use crate::model::*;
use crate::ranges;
use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::BTreeMap;
use std::hash::BuildHasher;
use std::ops::Range;

type Group = (RoleId, Vec<RoleId>);

#[derive(Clone, Debug)]
struct Arrival {
    sender: ActorId,
    /// The route so far (None at the sender itself).
    route: Option<RouteId>,
    senders: usize,
}

/// Upstream groups arriving at a carrier for a payload, in the order of
/// their groups. Most (carrier, payload)s see one group or a few: a list
/// kept sorted holds them in one small allocation, where a `BTreeMap`'s
/// first node takes about 600 bytes, first touched once per (carrier,
/// payload) of a design of many carrier hops. A list grown past
/// [`Arrivals::LONG`] becomes a map, so that a carrier where many groups
/// meet is never sorted by shifting a long list.
#[derive(Clone, Debug)]
enum Arrivals {
    Short(Vec<(Group, Arrival)>),
    Long(BTreeMap<Group, Arrival>),
}

impl Arrivals {
    /// Groups a sorted list holds before it becomes a map.
    const LONG: usize = 64;

    fn new() -> Arrivals {
        Arrivals::Short(Vec::new())
    }

    fn len(&self) -> usize {
        match self {
            Arrivals::Short(list) => list.len(),
            Arrivals::Long(map) => map.len(),
        }
    }

    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn get_mut(&mut self, group: &Group) -> Option<&mut Arrival> {
        match self {
            Arrivals::Short(list) => {
                let i = list.binary_search_by(|(g, _)| g.cmp(group)).ok()?;
                list.get_mut(i).map(|(_, a)| a)
            }
            Arrivals::Long(map) => map.get_mut(group),
        }
    }

    /// Adds (or replaces) the arrival of `group`.
    fn insert(&mut self, group: Group, arrival: Arrival) {
        match self {
            Arrivals::Short(list) => match list.binary_search_by(|(g, _)| g.cmp(&group)) {
                Ok(i) => {
                    if let Some(there) = list.get_mut(i) {
                        there.1 = arrival;
                    }
                }
                Err(i) if list.len() < Arrivals::LONG => list.insert(i, (group, arrival)),
                Err(_) => {
                    let mut map: BTreeMap<Group, Arrival> =
                        std::mem::take(list).into_iter().collect();
                    map.insert(group, arrival);
                    *self = Arrivals::Long(map);
                }
            },
            Arrivals::Long(map) => {
                map.insert(group, arrival);
            }
        }
    }

    /// Every group with its arrival, in the order of the groups.
    fn iter(&self) -> impl Iterator<Item = (&Group, &Arrival)> {
        let (short, long) = match self {
            Arrivals::Short(list) => (Some(list.iter().map(|(g, a)| (g, a))), None),
            Arrivals::Long(map) => (None, Some(map.iter())),
        };
        short
            .into_iter()
            .flatten()
            .chain(long.into_iter().flatten())
    }
}

enum Memo {
    InProgress,
    Done(Arrivals),
}

/// Is node `n` a carrier? `carriers` says it for every node, read once
/// per design from the actors' roles.
fn is_carrier(carriers: &[bool], n: NodeIndex) -> bool {
    carriers.get(n.index()).copied().unwrap_or(false)
}

/// The role of `a`: only resolved flows become transfers, so every actor
/// of one has a role.
fn role(design: &Design, a: ActorId) -> RoleId {
    design.actor(a).role.id.unwrap_or(RoleId::new(0))
}

struct Stitcher<'a> {
    design: &'a Design,
    graph: &'a DiGraph<ActorId, Transfer>,
    carriers: &'a [bool],
    into_carrier: &'a FxHashMap<(NodeIndex, Payload), Vec<TransferId>>,
    unresolved: &'a UnresolvedEnds,
    memo: FxHashMap<(NodeIndex, Payload), Memo>,
    /// Carriers whose upstream includes an unresolved end.
    uncertain: FxHashSet<(NodeIndex, Payload)>,
    routes: Vec<(TransferId, Option<RouteId>)>,
}

impl<'a> Stitcher<'a> {
    fn actor(&self, n: NodeIndex) -> ActorId {
        self.graph[n]
    }

    fn role(&self, a: ActorId) -> RoleId {
        role(self.design, a)
    }

    fn is_carrier(&self, n: NodeIndex) -> bool {
        is_carrier(self.carriers, n)
    }

    /// Transfers into carrier `c` for `p` (borrowed from the table, not
    /// from the stitcher, which goes on changing while they are read).
    fn incoming(&self, c: NodeIndex, p: Payload) -> &'a [TransferId] {
        self.into_carrier.get(&(c, p)).map_or(&[], Vec::as_slice)
    }

    /// Makes sure the arrivals at carrier `c` for `payload` are computed:
    /// a depth-first walk upstream through carriers, with an explicit stack
    /// so that a long chain of carriers cannot overflow the call stack. A
    /// carrier cycle contributes nothing (its entry is in progress).
    fn compute(&mut self, c: NodeIndex, p: Payload) {
        if self.memo.contains_key(&(c, p)) {
            return;
        }
        self.memo.insert((c, p), Memo::InProgress);
        let mut stack: Vec<(NodeIndex, usize)> = vec![(c, 0)];
        while let Some(&(node, next)) = stack.last() {
            if let Some(&t) = self.incoming(node, p).get(next) {
                if let Some(top) = stack.last_mut() {
                    top.1 += 1;
                }
                let Some((up, _)) = self.graph.edge_endpoints(t) else {
                    continue;
                };
                if self.is_carrier(up) && !self.memo.contains_key(&(up, p)) {
                    self.memo.insert((up, p), Memo::InProgress);
                    stack.push((up, 0));
                }
                continue;
            }
            stack.pop();
            let done = self.arrivals_from_upstream(node, p);
            self.memo.insert((node, p), Memo::Done(done));
        }
    }

    /// The arrivals at carrier `c`, once every carrier upstream is done.
    /// The groups upstream are read where they are kept, not copied, and
    /// one list of roles is reused from group to group: a design of many
    /// carrier hops computes this for every (carrier, payload).
    fn arrivals_from_upstream(&mut self, c: NodeIndex, p: Payload) -> Arrivals {
        let c_actor = self.actor(c);
        if self.unresolved.contains(&(c_actor, p)) {
            self.uncertain.insert((c, p));
        }
        let c_role = self.role(c_actor);
        let mut out = Arrivals::new();
        let incoming = self.incoming(c, p);
        let mut extra: Vec<RoleId> = Vec::new();
        let mut passed: Vec<RoleId> = Vec::new();
        for &t in incoming {
            let Some((up, _)) = self.graph.edge_endpoints(t) else {
                continue;
            };
            extra.clear();
            extra.extend(self.graph[t].via(self.design).map(|a| self.role(a)));
            extra.push(c_role);
            if self.is_carrier(up) {
                if self.uncertain.contains(&(up, p)) {
                    self.uncertain.insert((c, p));
                }
                if let Some(Memo::Done(upstream)) = self.memo.get(&(up, p)) {
                    for ((sender_role, before), arrival) in upstream.iter() {
                        let group = (*sender_role, before.as_slice());
                        join_arrival(
                            &mut out,
                            &mut self.routes,
                            t,
                            group,
                            &extra,
                            arrival,
                            &mut passed,
                        );
                    }
                }
            } else {
                let sender = self.actor(up);
                let role = self.role(sender);
                let arrival = Arrival {
                    sender,
                    route: None,
                    senders: 1,
                };
                join_arrival(
                    &mut out,
                    &mut self.routes,
                    t,
                    (role, &[]),
                    &extra,
                    &arrival,
                    &mut passed,
                );
            }
        }
        out
    }
}

/// Adds to `out` a group arriving through transfer `t`: its sender's role
/// and the roles it passed `before`, with `extra` (the transfer's via and
/// the carrier), as a set. A group already there counts its senders; a new
/// one gets its route, `t` after the arrival's. `passed` is a list the
/// caller keeps to reuse (its contents are not read).
fn join_arrival(
    out: &mut Arrivals,
    routes: &mut Vec<(TransferId, Option<RouteId>)>,
    t: TransferId,
    (sender_role, before): (RoleId, &[RoleId]),
    extra: &[RoleId],
    arrival: &Arrival,
    passed: &mut Vec<RoleId>,
) {
    passed.clear();
    passed.extend_from_slice(before);
    passed.extend_from_slice(extra);
    passed.sort();
    passed.dedup();
    let key = (sender_role, std::mem::take(passed));
    match out.get_mut(&key) {
        Some(there) => {
            there.senders += arrival.senders;
            *passed = key.1;
        }
        None => {
            routes.push((t, arrival.route));
            let route = RouteId::new(routes.len() - 1);
            out.insert(
                key,
                Arrival {
                    sender: arrival.sender,
                    route,
                    senders: arrival.senders,
                },
            );
        }
    }
}

/// Transfers per chunk when stitching: enough for a chunk to outweigh
/// handing it to a thread, few enough that both cores get many.
pub(super) const EDGES_PER_CHUNK: usize = 16 * 1024;

/// What a chunk of transfers does at carriers, in transfer order, each
/// list cut by shard ([`shard_of`] the payload).
struct CarrierEnds {
    /// Transfers into a carrier, by payload.
    into: Vec<Vec<(TransferId, NodeIndex, Payload)>>,
    /// Carriers that data leaves, by payload.
    out: Vec<Vec<(NodeIndex, Payload)>>,
    /// Of those, the ones left for a receiver that is not a carrier: where
    /// exchanges end, so where stitching starts its walks.
    out_to_receiver: Vec<Vec<(NodeIndex, Payload)>>,
}

impl CarrierEnds {
    fn of(
        design: &Design,
        graph: &DiGraph<ActorId, Transfer>,
        carriers: &[bool],
        edges: Range<usize>,
        shards: usize,
    ) -> CarrierEnds {
        let mut ends = CarrierEnds {
            into: vec![Vec::new(); shards],
            out: vec![Vec::new(); shards],
            out_to_receiver: vec![Vec::new(); shards],
        };
        let raw = graph.raw_edges().get(edges.clone()).unwrap_or(&[]);
        for (i, e) in edges.zip(raw) {
            let (from, to) = (e.source(), e.target());
            if !is_carrier(carriers, from) && !is_carrier(carriers, to) {
                continue;
            }
            for p in payloads(design.flow(e.weight.flow)) {
                let k = shard_of(p, shards);
                if is_carrier(carriers, to)
                    && let Some(into) = ends.into.get_mut(k)
                {
                    into.push((EdgeIndex::new(i), to, p));
                }
                if is_carrier(carriers, from) {
                    if let Some(out) = ends.out.get_mut(k) {
                        out.push((from, p));
                    }
                    if !is_carrier(carriers, to)
                        && let Some(leaving) = ends.out_to_receiver.get_mut(k)
                    {
                        leaving.push((from, p));
                    }
                }
            }
        }
        ends
    }
}

/// Writes each transfer's exchanges once the carriers' arrivals are known:
/// it only reads, so chunks of transfers are written on every core.
struct ExchangeWriter<'a> {
    design: &'a Design,
    graph: &'a DiGraph<ActorId, Transfer>,
    carriers: &'a [bool],
    unresolved: &'a UnresolvedEnds,
    shards: &'a [Shard],
}

impl ExchangeWriter<'_> {
    fn is_carrier(&self, n: NodeIndex) -> bool {
        is_carrier(self.carriers, n)
    }

    /// The shard that holds `p`'s tables.
    fn shard(&self, p: Payload) -> Option<&Shard> {
        self.shards.get(shard_of(p, self.shards.len()))
    }

    fn arrivals(&self, c: NodeIndex, p: Payload) -> Option<&Arrivals> {
        match self.shard(p)?.memo.get(&(c, p)) {
            Some(Memo::Done(a)) => Some(a),
            _ => None,
        }
    }

    fn role(&self, a: ActorId) -> RoleId {
        role(self.design, a)
    }

    /// What fills the list before [`ExchangeWriter::write`] does.
    fn stand_in() -> Exchange {
        Exchange {
            sender: ActorId::new(0),
            receiver: ActorId::new(0),
            payload: (DataId::new(0), None),
            passed: Box::default(),
            last: EdgeIndex::new(0),
            route: None,
            senders: 0,
        }
    }

    /// How many exchanges the transfers `edges` end.
    fn count(&self, edges: Range<usize>) -> usize {
        let raw = self.graph.raw_edges().get(edges).unwrap_or(&[]);
        raw.iter()
            .map(|e| {
                let (from, to) = (e.source(), e.target());
                if self.is_carrier(to) {
                    return 0;
                }
                let payloads = payloads(self.design.flow(e.weight.flow));
                if self.is_carrier(from) {
                    payloads
                        .map(|p| self.arrivals(from, p).map_or(0, Arrivals::len))
                        .sum()
                } else {
                    payloads.count()
                }
            })
            .sum()
    }

    /// Writes the exchanges the transfers `edges` end into `out` (as many
    /// as [`ExchangeWriter::count`] gave), and returns the carrier hops
    /// among them with nowhere to go.
    fn write(&self, edges: Range<usize>, out: &mut [Exchange]) -> Vec<Dangling> {
        let mut dangling = Vec::new();
        let mut slots = out.iter_mut();
        let mut put = |ex: Exchange| {
            if let Some(slot) = slots.next() {
                *slot = ex;
            }
        };
        let raw = self.graph.raw_edges().get(edges.clone()).unwrap_or(&[]);
        for (i, e) in edges.zip(raw) {
            let (t, from, to) = (EdgeIndex::new(i), e.source(), e.target());
            let via: Vec<RoleId> = e.weight.via(self.design).map(|a| self.role(a)).collect();
            for p in payloads(self.design.flow(e.weight.flow)) {
                let shard = self.shard(p);
                if self.is_carrier(to) {
                    if !shard.is_some_and(|s| s.out_of_carrier.contains(&(to, p)))
                        && !self.unresolved.contains(&(self.graph[to], p))
                    {
                        dangling.push(Dangling::GoesNowhere(t, p));
                    }
                    continue;
                }
                if self.is_carrier(from) {
                    let groups = self.arrivals(from, p);
                    if groups.is_none_or(Arrivals::is_empty)
                        && !shard.is_some_and(|s| s.uncertain.contains(&(from, p)))
                    {
                        dangling.push(Dangling::ComesFromNowhere(t, p));
                    }
                    let first_route = shard.map_or(0, |s| s.first_route);
                    for ((_, passed), arrival) in groups.into_iter().flat_map(Arrivals::iter) {
                        let mut passed = passed.clone();
                        passed.extend(via.iter().copied());
                        passed.sort();
                        passed.dedup();
                        put(Exchange {
                            sender: arrival.sender,
                            receiver: self.graph[to],
                            payload: p,
                            passed: passed.into_boxed_slice(),
                            last: t,
                            route: arrival.route.and_then(|r| r.after(first_route)),
                            senders: arrival.senders,
                        });
                    }
                } else {
                    let mut passed = via.clone();
                    passed.sort();
                    passed.dedup();
                    put(Exchange {
                        sender: self.graph[from],
                        receiver: self.graph[to],
                        payload: p,
                        passed: passed.into_boxed_slice(),
                        last: t,
                        route: None,
                        senders: 1,
                    });
                }
            }
        }
        dangling
    }
}

/// Shards of stitching's tables on a design of more than one chunk of
/// transfers. A chain of carriers carries one payload, so the payloads of
/// different shards never meet: each shard is stitched on its own, on any
/// core, and its tables stay small enough to keep in the cache. A fixed
/// number, not one per thread, so that the tables are the same on every
/// machine.
const SHARDS: usize = 16;

/// How many shards a graph of `transfers` transfers, cut `per_chunk` at a
/// time, is stitched in: one for a design of one chunk.
pub(super) fn shards_for(transfers: usize, per_chunk: usize) -> usize {
    if transfers > per_chunk { SHARDS } else { 1 }
}

/// Which of `shards` shards holds payload `p`'s tables (0 when there are
/// none or one).
pub(super) fn shard_of(p: Payload, shards: usize) -> usize {
    if shards <= 1 {
        return 0;
    }
    // Fx mixes its high bits best; the tables' own hashing takes the low.
    let hash = rustc_hash::FxBuildHasher.hash_one(p);
    ((hash >> 32) as usize) % shards
}

/// One shard's tables: the payloads [`shard_of`] gives it, stitched
/// apart from every other shard's.
struct Shard {
    /// Transfers into each carrier, by payload, in transfer order.
    into_carrier: FxHashMap<(NodeIndex, Payload), Vec<TransferId>>,
    /// Carriers that data leaves, by payload.
    out_of_carrier: FxHashSet<(NodeIndex, Payload)>,
    /// Each carrier's arrivals, by payload.
    memo: FxHashMap<(NodeIndex, Payload), Memo>,
    /// Carriers whose upstream includes an unresolved end.
    uncertain: FxHashSet<(NodeIndex, Payload)>,
    /// The routes it made, their ids counted from 0.
    routes: Vec<(TransferId, Option<RouteId>)>,
    /// Where its routes start in the graph's list of routes.
    first_route: usize,
}

impl Shard {
    /// Shard `k`'s tables, from every chunk's carrier ends (in transfer
    /// order), and its carriers' arrivals, walked in that order.
    fn stitch(
        design: &Design,
        graph: &DiGraph<ActorId, Transfer>,
        carriers: &[bool],
        unresolved: &UnresolvedEnds,
        touching: &[CarrierEnds],
        k: usize,
    ) -> Shard {
        let mut into_carrier: FxHashMap<(NodeIndex, Payload), Vec<TransferId>> =
            FxHashMap::default();
        let mut out_of_carrier = FxHashSet::default();
        for ends in touching {
            for &(t, c, p) in ends.into.get(k).into_iter().flatten() {
                into_carrier.entry((c, p)).or_default().push(t);
            }
            out_of_carrier.extend(ends.out.get(k).into_iter().flatten().copied());
        }
        let mut st = Stitcher {
            design,
            graph,
            carriers,
            into_carrier: &into_carrier,
            unresolved,
            memo: FxHashMap::default(),
            uncertain: FxHashSet::default(),
            routes: Vec::new(),
        };
        for ends in touching {
            for &(c, p) in ends.out_to_receiver.get(k).into_iter().flatten() {
                st.compute(c, p);
            }
        }
        let Stitcher {
            memo,
            uncertain,
            routes,
            ..
        } = st;
        Shard {
            into_carrier,
            out_of_carrier,
            memo,
            uncertain,
            routes,
            first_route: 0,
        }
    }
}

impl FlowGraph {
    /// [`FlowGraph::from_graph`] with `per_chunk` transfers per chunk and
    /// its tables in `shards` shards (any sizes give the same graph: the
    /// tests compare them).
    #[doc(hidden)]
    pub fn from_graph_in_chunks(
        design: &Design,
        graph: DiGraph<ActorId, Transfer>,
        unresolved: &UnresolvedEnds,
        per_chunk: usize,
        shards: usize,
    ) -> FlowGraph {
        let mut fg = FlowGraph {
            graph,
            exchanges: Vec::new(),
            dangling: Vec::new(),
            routes: Vec::new(),
            into_carrier: Vec::new(),
        };
        if design.rulebook.is_none() {
            return fg;
        }
        let shards = shards.max(1);
        let carriers: Vec<bool> = fg
            .graph
            .node_weights()
            .map(|&a| design.kind_of(a) == Some(RoleKind::Carrier))
            .collect();
        let chunks = ranges::cut(fg.graph.edge_count(), per_chunk);
        let touching = ranges::each(&chunks, |r| {
            CarrierEnds::of(design, &fg.graph, &carriers, r, shards)
        });
        let stitch_shard =
            |k: usize| Shard::stitch(design, &fg.graph, &carriers, unresolved, &touching, k);
        let mut parts: Vec<Shard> = if shards > 1 {
            (0..shards)
                .into_par_iter()
                .with_max_len(1)
                .map(stitch_shard)
                .collect()
        } else {
            (0..shards).map(stitch_shard).collect()
        };
        drop(touching);
        // One list of routes: each shard's after the shards before it, its
        // ids (and those its exchanges hold) moved up by as many.
        let mut routes = Vec::with_capacity(parts.iter().map(|s| s.routes.len()).sum());
        for part in &mut parts {
            part.first_route = routes.len();
            let first = part.first_route;
            routes.extend(
                std::mem::take(&mut part.routes)
                    .into_iter()
                    .map(|(t, before)| (t, before.and_then(|r| r.after(first)))),
            );
        }
        let writer = ExchangeWriter {
            design,
            graph: &fg.graph,
            carriers: &carriers,
            unresolved,
            shards: &parts,
        };
        let counts = ranges::each(&chunks, |r| writer.count(r));
        let total: usize = counts.iter().sum();
        let mut exchanges = Vec::with_capacity(total);
        let stand_in = ExchangeWriter::stand_in();
        if chunks.len() > 1 {
            // The list's first touch is shared by the cores too.
            exchanges.par_extend(rayon::iter::repeat_n(stand_in, total));
        } else {
            exchanges.extend(std::iter::repeat_n(stand_in, total));
        }
        let mut slices = Vec::with_capacity(chunks.len());
        let mut rest = exchanges.as_mut_slice();
        for &n in &counts {
            let (head, tail) = std::mem::take(&mut rest).split_at_mut(n);
            slices.push(head);
            rest = tail;
        }
        let write = |(r, out): (&Range<usize>, &mut [Exchange])| writer.write(r.clone(), out);
        let dangling: Vec<Vec<Dangling>> = if chunks.len() > 1 {
            chunks
                .par_iter()
                .zip(slices)
                .with_max_len(1)
                .map(write)
                .collect()
        } else {
            chunks.iter().zip(slices).map(write).collect()
        };
        fg.dangling = dangling.into_iter().flatten().collect();
        fg.routes = routes;
        fg.exchanges = exchanges;
        // The rest of each shard's tables are freed on every core: on a
        // design of many carrier hops (1M `carriers`), the lists of
        // arrivals made on the pool's threads took 25 ms to free on this
        // one, 5–6 ms on two.
        let mut rest = Vec::with_capacity(parts.len());
        fg.into_carrier = (parts.into_iter())
            .map(|s| {
                rest.push((s.memo, s.out_of_carrier, s.uncertain));
                s.into_carrier
            })
            .collect();
        if rest.len() > 1 {
            rest.into_par_iter().with_max_len(1).for_each(drop);
        }
        fg
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arrival(senders: usize) -> Arrival {
        Arrival {
            sender: ActorId::new(0),
            route: None,
            senders,
        }
    }

    /// Groups in a scrambled order, more of them than a short list holds.
    fn groups() -> Vec<Group> {
        (0..3 * Arrivals::LONG as u32)
            .map(|i| {
                let k = (i * 37) % (3 * Arrivals::LONG as u32);
                (RoleId::new(k % 5), vec![RoleId::new(k / 5)])
            })
            .collect()
    }

    #[test]
    fn arrivals_are_found_and_listed_in_group_order_short_and_long() {
        let mut arrivals = Arrivals::new();
        let mut map: BTreeMap<Group, Arrival> = BTreeMap::new();
        for (n, g) in groups().into_iter().enumerate() {
            assert!(arrivals.get_mut(&g).is_none());
            arrivals.insert(g.clone(), arrival(n));
            map.insert(g.clone(), arrival(n));
            if let Some(a) = arrivals.get_mut(&g) {
                a.senders += 1;
            }
            if let Some(a) = map.get_mut(&g) {
                a.senders += 1;
            }
            let listed: Vec<(&Group, usize)> =
                arrivals.iter().map(|(g, a)| (g, a.senders)).collect();
            let want: Vec<(&Group, usize)> = map.iter().map(|(g, a)| (g, a.senders)).collect();
            assert_eq!(listed, want);
            assert_eq!(arrivals.len(), map.len());
            let long = matches!(arrivals, Arrivals::Long(_));
            assert_eq!(long, map.len() > Arrivals::LONG, "{} groups", map.len());
        }
        // A group added again replaces its arrival.
        let first = groups().remove(0);
        arrivals.insert(first.clone(), arrival(99));
        assert_eq!(arrivals.get_mut(&first).map(|a| a.senders), Some(99));
        assert_eq!(arrivals.len(), map.len());
    }
}
