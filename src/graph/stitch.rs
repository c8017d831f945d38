//! Stitching: transfers that end or start at a carrier joined into
//! end-to-end exchanges (see the module above for what an exchange is).

use super::{
    Dangling, Exchange, FlowGraph, LeftOut, Payload, RouteId, Transfer, TransferId, UnresolvedEnds,
};
use crate::model::*;
use crate::ranges;
use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use smallvec::SmallVec;
use std::collections::BTreeMap;
use std::hash::BuildHasher;
use std::ops::Range;

/// The roles a group passed, sorted: held in place up to six (a route
/// through carriers passes two or three), so that finding a group makes
/// no allocation.
type Passed = SmallVec<[RoleId; 6]>;

/// What a check can tell of the data arriving at a stop: the sender's
/// role and the roles passed.
type Group = (RoleId, Passed);

#[derive(Clone, Copy, Debug)]
struct Arrival {
    sender: ActorId,
    /// The route so far (None at the sender itself).
    route: Option<RouteId>,
    senders: usize,
}

/// Upstream groups arriving at a stop, in the order of their groups,
/// while the stop's arrivals are joined (one list reused from stop to
/// stop; what a stop ends with is laid in its shard's [`GroupAt`] list).
/// Most stops see one group or a few: a list kept sorted holds them,
/// where a `BTreeMap`'s first node takes about 600 bytes. A list grown
/// past [`Arrivals::LONG`] becomes a map, so that a carrier where many
/// groups meet is never sorted by shifting a long list.
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

    /// Empties it for the next stop, keeping a short list's room.
    fn clear(&mut self) {
        match self {
            Arrivals::Short(list) => list.clear(),
            Arrivals::Long(_) => *self = Arrivals::new(),
        }
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

/// Where a carrier's walk for one payload stands.
#[derive(Clone, Copy, Debug)]
enum Memo {
    /// Not reached yet.
    Unseen,
    /// On the walk's stack (a carrier cycle meets it again).
    InProgress,
    /// Its arrivals, once every carrier upstream is done: a range of its
    /// shard's [`GroupAt`] list.
    Done { start: u32, len: u32 },
}

/// A group arriving at a stop, as its shard keeps it once the stop is
/// done: every stop's groups in one list, their roles passed in another,
/// so that a design of many carrier hops makes no allocation per stop
/// nor per group, and the writer reads them without chasing pointers.
#[derive(Clone, Copy, Debug)]
struct GroupAt {
    /// The sender's role.
    role: RoleId,
    /// Where its roles passed start in the shard's list of them, and how
    /// many.
    passed: (u32, u32),
    arrival: Arrival,
}

/// The groups of a stop and the roles they passed, as [`Memo::Done`]
/// and [`GroupAt::passed`] point into them.
#[derive(Default)]
struct Arrived {
    groups: Vec<GroupAt>,
    passed: Vec<RoleId>,
}

impl Arrived {
    /// The groups of a stop whose walk is `memo` (none before it is done).
    fn of(&self, memo: Option<&Memo>) -> &[GroupAt] {
        match memo {
            Some(&Memo::Done { start, len }) => {
                let start = start as usize;
                self.groups.get(start..start + len as usize).unwrap_or(&[])
            }
            _ => &[],
        }
    }

    /// The roles group `g` passed.
    fn passed(&self, g: &GroupAt) -> &[RoleId] {
        let (start, len) = (g.passed.0 as usize, g.passed.1 as usize);
        self.passed.get(start..start + len).unwrap_or(&[])
    }

    /// Lays the groups joined for a stop after the others, and says where.
    fn lay(&mut self, joined: &Arrivals) -> Memo {
        let start = self.groups.len();
        for ((role, passed), arrival) in joined.iter() {
            let at = self.passed.len();
            self.passed.extend_from_slice(passed);
            self.groups.push(GroupAt {
                role: *role,
                passed: (index32(at), index32(passed.len())),
                arrival: *arrival,
            });
        }
        Memo::Done {
            start: index32(start),
            len: index32(self.groups.len() - start),
        }
    }
}

/// An index of stitching's lists as four bytes (saturating, never
/// wrapping). They never grow that long: a flow's payloads are its items
/// times its purposes, so the file's size does not bound its carrier
/// hops, but 2^32 of them (or of stops, or of groups) would take over
/// 100 GiB of memory before they were counted.
fn index32(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// Is node `n` a carrier? `carriers` says it for every node, read once
/// per design from the actors' roles.
fn is_carrier(carriers: &[bool], n: NodeIndex) -> bool {
    carriers.get(n.index()).copied().unwrap_or(false)
}

/// Each node's role, read once per design: stitching asks it of every
/// sender, carrier and actor passed, and an actor's declaration (128
/// bytes, read at random) cost a cache miss each time. Only resolved
/// flows become transfers, so every actor of one has a role.
fn roles(design: &Design, graph: &DiGraph<ActorId, Transfer>) -> Vec<RoleId> {
    (graph.node_weights())
        .map(|&a| design.actor(a).role.id.unwrap_or(RoleId::new(0)))
        .collect()
}

/// The role of actor `a` (node `a`), from [`roles`].
fn role(roles: &[RoleId], a: ActorId) -> RoleId {
    roles.get(a.index()).copied().unwrap_or(RoleId::new(0))
}

/// A stop: one carrier for one payload, numbered densely within its shard
/// in the order the shard's transfers first reach it. Every table of
/// stitching but one is a list indexed by it, so that a (carrier,
/// payload) is looked up by hash once per transfer that touches it, not
/// once per table read (about eight reads for a hop between carriers).
type StopId = u32;

/// A transfer's end that is no stop: its actor is no carrier.
const NO_STOP: StopId = StopId::MAX;

/// One payload of one transfer with a carrier at either end (or both).
/// What the walk reads of the transfer is kept beside it, so that the
/// graph's edges are not read again at random.
#[derive(Clone, Copy, Debug)]
struct CarrierHop {
    t: TransferId,
    p: Payload,
    /// The sender's node.
    from: NodeIndex,
    /// Is the sender a carrier?
    from_carrier: bool,
    /// Does the transfer pass anyone (`via`)?
    passes: bool,
    /// The receiver's node, when it is a carrier.
    to: Option<NodeIndex>,
}

/// What the walk reads of a transfer into a stop.
#[derive(Clone, Copy, Debug)]
struct IntoHop {
    /// The stop it leaves (NO_STOP for a sender that is no carrier).
    from: StopId,
    /// The sender's node.
    sender: NodeIndex,
    /// Does the transfer pass anyone (`via`)?
    passes: bool,
}

/// The transfers into each stop, in transfer order: one list cut at
/// `start`, so that a design of many carrier hops makes three lists, not
/// one per (carrier, payload).
struct IntoStops {
    /// Where stop `s`'s transfers start; stop `s + 1`'s start ends them.
    start: Vec<u32>,
    /// The transfers.
    transfers: Vec<TransferId>,
    /// What the walk reads of each, beside it.
    hops: Vec<IntoHop>,
}

impl IntoStops {
    /// The list of transfers into `stops` stops, from (stop, transfer,
    /// what the walk reads of it) in transfer order: a counting sort,
    /// which keeps each stop's transfers in that order.
    fn of(stops: usize, into: &[(StopId, TransferId, IntoHop)]) -> IntoStops {
        let mut start = vec![0u32; stops + 1];
        for &(s, _, _) in into {
            if let Some(n) = start.get_mut(s as usize + 1) {
                *n += 1;
            }
        }
        for i in 1..start.len() {
            start[i] += start[i - 1];
        }
        let mut at: Vec<u32> = start.clone();
        let mut transfers = vec![EdgeIndex::end(); into.len()];
        let unread = IntoHop {
            from: NO_STOP,
            sender: NodeIndex::end(),
            passes: false,
        };
        let mut hops = vec![unread; into.len()];
        for &(s, t, hop) in into {
            let Some(slot) = at.get_mut(s as usize) else {
                continue;
            };
            let i = *slot as usize;
            *slot += 1;
            if let (Some(tt), Some(hh)) = (transfers.get_mut(i), hops.get_mut(i)) {
                (*tt, *hh) = (t, hop);
            }
        }
        IntoStops {
            start,
            transfers,
            hops,
        }
    }

    /// The range of stop `s`'s transfers in the lists.
    fn range(&self, s: StopId) -> Range<usize> {
        stop_range(&self.start, s)
    }
}

/// Stop `s`'s range of a list cut at `start` (empty for a stop past the
/// last).
fn stop_range(start: &[u32], s: StopId) -> Range<usize> {
    let s = s as usize;
    match (start.get(s), start.get(s + 1)) {
        (Some(&a), Some(&b)) => a as usize..b as usize,
        _ => 0..0,
    }
}

struct Stitcher<'a> {
    design: &'a Design,
    graph: &'a DiGraph<ActorId, Transfer>,
    roles: &'a [RoleId],
    unresolved: &'a UnresolvedEnds,
    /// Each stop's carrier and payload.
    keys: &'a [(NodeIndex, Payload)],
    into: &'a IntoStops,
    memo: Vec<Memo>,
    /// The groups of every stop done.
    arrived: Arrived,
    /// The groups of the stop being done, joined.
    joining: Arrivals,
    /// Stops whose upstream includes an unresolved end.
    uncertain: Vec<bool>,
    routes: Vec<(TransferId, Option<RouteId>)>,
}

impl Stitcher<'_> {
    fn role(&self, a: ActorId) -> RoleId {
        role(self.roles, a)
    }

    fn is_unseen(&self, s: StopId) -> bool {
        matches!(self.memo.get(s as usize), Some(Memo::Unseen))
    }

    fn set(&mut self, s: StopId, memo: Memo) {
        if let Some(m) = self.memo.get_mut(s as usize) {
            *m = memo;
        }
    }

    fn is_uncertain(&self, s: StopId) -> bool {
        self.uncertain.get(s as usize).copied().unwrap_or(false)
    }

    fn set_uncertain(&mut self, s: StopId) {
        if let Some(u) = self.uncertain.get_mut(s as usize) {
            *u = true;
        }
    }

    /// Makes sure the arrivals at stop `s` are computed: a depth-first
    /// walk upstream through carriers, with an explicit stack so that a
    /// long chain of carriers cannot overflow the call stack. A carrier
    /// cycle contributes nothing (its entry is in progress).
    fn compute(&mut self, s: StopId) {
        if !self.is_unseen(s) {
            return;
        }
        self.set(s, Memo::InProgress);
        let mut stack: Vec<(StopId, usize)> = vec![(s, 0)];
        while let Some(&(stop, next)) = stack.last() {
            let range = self.into.range(stop);
            if next < range.len() {
                if let Some(top) = stack.last_mut() {
                    top.1 += 1;
                }
                let up = self.into.hops.get(range.start + next).map(|h| h.from);
                if let Some(up) = up.filter(|&up| self.is_unseen(up)) {
                    self.set(up, Memo::InProgress);
                    stack.push((up, 0));
                }
                continue;
            }
            stack.pop();
            self.join_from_upstream(stop);
            let done = self.arrived.lay(&self.joining);
            self.set(stop, done);
        }
    }

    /// Joins the arrivals at stop `s` (in `joining`), once every carrier
    /// upstream is done. The groups upstream are read where they are
    /// kept, not copied, and one list of roles is reused from group to
    /// group: a design of many carrier hops does this for every stop.
    fn join_from_upstream(&mut self, s: StopId) {
        self.joining.clear();
        let Some(&(c, p)) = self.keys.get(s as usize) else {
            return;
        };
        let c_actor = self.graph[c];
        if self.unresolved.contains(&(c_actor, p)) {
            self.set_uncertain(s);
        }
        let c_role = self.role(c_actor);
        let range = self.into.range(s);
        let mut extra: Vec<RoleId> = Vec::new();
        let mut passed: Vec<RoleId> = Vec::new();
        for i in range {
            let (Some(&t), Some(&hop)) = (self.into.transfers.get(i), self.into.hops.get(i)) else {
                continue;
            };
            let up = hop.from;
            extra.clear();
            if hop.passes {
                extra.extend(self.graph[t].via(self.design).map(|a| self.role(a)));
            }
            extra.push(c_role);
            if up != NO_STOP {
                if self.is_uncertain(up) {
                    self.set_uncertain(s);
                }
                let arrived = &self.arrived;
                for g in arrived.of(self.memo.get(up as usize)) {
                    let group = (g.role, arrived.passed(g));
                    join_arrival(
                        &mut self.joining,
                        &mut self.routes,
                        t,
                        group,
                        &extra,
                        &g.arrival,
                        &mut passed,
                    );
                }
            } else {
                let sender = self.graph[hop.sender];
                let role = self.role(sender);
                let arrival = Arrival {
                    sender,
                    route: None,
                    senders: 1,
                };
                join_arrival(
                    &mut self.joining,
                    &mut self.routes,
                    t,
                    (role, &[]),
                    &extra,
                    &arrival,
                    &mut passed,
                );
            }
        }
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
    let key = (sender_role, Passed::from_slice(passed));
    match out.get_mut(&key) {
        Some(there) => {
            there.senders += arrival.senders;
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

/// What a chunk of transfers does at carriers: its carrier hops in
/// transfer order (and each transfer's payloads in order), one list per
/// shard ([`shard_of`] the payload).
struct CarrierEnds {
    hops: Vec<Vec<CarrierHop>>,
    /// The exchanges its transfers between two actors that are not
    /// carriers end: one per payload (counted here, where the flow is
    /// read anyway, so that counting a chunk's exchanges never reads the
    /// flows again).
    direct: usize,
}

impl CarrierEnds {
    fn of(
        design: &Design,
        graph: &DiGraph<ActorId, Transfer>,
        carriers: &[bool],
        edges: Range<usize>,
        shards: usize,
    ) -> CarrierEnds {
        let mut hops = vec![Vec::new(); shards];
        let mut direct = 0;
        let raw = graph.raw_edges().get(edges.clone()).unwrap_or(&[]);
        for (i, e) in edges.zip(raw) {
            let from = e.source();
            let from_carrier = is_carrier(carriers, from);
            let to = Some(e.target()).filter(|&n| is_carrier(carriers, n));
            if !from_carrier && to.is_none() {
                direct += e.weight.payloads(design).count();
                continue;
            }
            let (t, passes) = (EdgeIndex::new(i), e.weight.passes);
            for p in e.weight.payloads(design) {
                if let Some(list) = hops.get_mut(shard_of(p, shards)) {
                    list.push(CarrierHop {
                        t,
                        p,
                        from,
                        from_carrier,
                        passes,
                        to,
                    });
                }
            }
        }
        CarrierEnds { hops, direct }
    }
}

/// Writes each transfer's exchanges once the carriers' arrivals are known:
/// it only reads, so chunks of transfers are written on every core.
struct ExchangeWriter<'a> {
    design: &'a Design,
    graph: &'a DiGraph<ActorId, Transfer>,
    carriers: &'a [bool],
    roles: &'a [RoleId],
    unresolved: &'a UnresolvedEnds,
    shards: &'a [Shard],
}

/// A chunk's carrier hops read back in the order [`CarrierEnds::of`]
/// found them: each shard's stops for them, one after the other, so that
/// the writer finds a hop's stops without looking its carriers up.
struct HopStops<'a> {
    shards: Vec<std::slice::Iter<'a, (StopId, StopId)>>,
}

impl<'a> HopStops<'a> {
    fn of(shards: &'a [Shard], chunk: usize) -> HopStops<'a> {
        let shards = shards
            .iter()
            .map(|s| s.hop_stops.get(chunk).map_or(&[][..], Vec::as_slice).iter())
            .collect();
        HopStops { shards }
    }

    /// The stops (where the hop leaves, where it arrives) of the next
    /// carrier hop of shard `k`.
    fn next(&mut self, k: usize) -> (StopId, StopId) {
        self.shards
            .get_mut(k)
            .and_then(Iterator::next)
            .copied()
            .unwrap_or((NO_STOP, NO_STOP))
    }
}

impl ExchangeWriter<'_> {
    fn is_carrier(&self, n: NodeIndex) -> bool {
        is_carrier(self.carriers, n)
    }

    fn role(&self, a: ActorId) -> RoleId {
        role(self.roles, a)
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

    /// How many exchanges chunk `chunk` ends, `direct` of them between
    /// actors that are not carriers: those, and one per group arriving
    /// at each stop its transfers leave for a receiver that is not a
    /// carrier (read from the shards' hops, not from the flows).
    fn count(&self, chunk: usize, direct: usize) -> usize {
        let delivered: usize = (self.shards.iter())
            .map(|shard| {
                let hops = shard.hop_stops.get(chunk).map_or(&[][..], Vec::as_slice);
                (hops.iter())
                    .filter(|&&(_, to)| to == NO_STOP)
                    .map(|&(from, _)| shard.arrivals(from).len())
                    .sum::<usize>()
            })
            .sum();
        direct + delivered
    }

    /// Writes the exchanges the transfers `edges`, chunk `chunk`, end
    /// into `out` (as many as [`ExchangeWriter::count`] gave), and returns
    /// the carrier hops among them with nowhere to go.
    fn write(&self, chunk: usize, edges: Range<usize>, out: &mut [Exchange]) -> Vec<Dangling> {
        let mut dangling = Vec::new();
        let mut stops = HopStops::of(self.shards, chunk);
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
            let hop = self.is_carrier(from) || self.is_carrier(to);
            for p in e.weight.payloads(self.design) {
                // The shard is found only for a carrier hop (most
                // transfers are not).
                let (from_stop, to_stop, shard) = if hop {
                    let k = shard_of(p, self.shards.len());
                    let (from_stop, to_stop) = stops.next(k);
                    (from_stop, to_stop, self.shards.get(k))
                } else {
                    (NO_STOP, NO_STOP, None)
                };
                if to_stop != NO_STOP {
                    let leaves = shard.and_then(|s| s.leaves.get(to_stop as usize));
                    if !leaves.copied().unwrap_or(false)
                        && !self.unresolved.contains(&(self.graph[to], p))
                    {
                        dangling.push(Dangling::GoesNowhere(t, p));
                    }
                    continue;
                }
                if from_stop != NO_STOP {
                    let groups = shard.map_or(&[][..], |s| s.arrivals(from_stop));
                    let uncertain = shard.and_then(|s| s.uncertain.get(from_stop as usize));
                    if groups.is_empty() && !uncertain.copied().unwrap_or(false) {
                        dangling.push(Dangling::ComesFromNowhere(t, p));
                    }
                    let first_route = shard.map_or(0, |s| s.first_route);
                    for g in groups {
                        let arrival = &g.arrival;
                        let before = shard.map_or(&[][..], |s| s.arrived.passed(g));
                        let mut passed = Vec::with_capacity(before.len() + via.len());
                        passed.extend_from_slice(before);
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

/// The transfers into each carrier, by payload, kept after stitching for
/// the checks that walk back through carriers ([`FlowGraph::into_carrier`]):
/// one shard's stops and the transfers into each.
#[derive(Debug, Default)]
pub(super) struct IntoCarrier {
    stops: FxHashMap<(NodeIndex, Payload), StopId>,
    start: Vec<u32>,
    transfers: Vec<TransferId>,
}

impl IntoCarrier {
    /// Transfers that bring `p` into carrier `c`, in transfer order.
    pub(super) fn get(&self, c: NodeIndex, p: Payload) -> &[TransferId] {
        let Some(&s) = self.stops.get(&(c, p)) else {
            return &[];
        };
        self.transfers
            .get(stop_range(&self.start, s))
            .unwrap_or(&[])
    }
}

/// One shard's tables: the payloads [`shard_of`] gives it, stitched
/// apart from every other shard's, each a list by stop.
struct Shard {
    /// The stops, numbered.
    stops: FxHashMap<(NodeIndex, Payload), StopId>,
    /// The transfers into each stop.
    into: IntoStops,
    /// Does data leave the stop (a transfer out of that carrier for that
    /// payload)?
    leaves: Vec<bool>,
    /// Where each stop's walk ended: its range of `arrived`.
    memo: Vec<Memo>,
    /// Every stop's groups.
    arrived: Arrived,
    /// Stops whose upstream includes an unresolved end.
    uncertain: Vec<bool>,
    /// Each chunk's carrier hops of this shard, in [`CarrierEnds::of`]'s
    /// order: the stop each leaves and the stop each reaches.
    hop_stops: Vec<Vec<(StopId, StopId)>>,
    /// The routes it made, their ids counted from 0.
    routes: Vec<(TransferId, Option<RouteId>)>,
    /// Where its routes start in the graph's list of routes.
    first_route: usize,
}

impl Shard {
    /// The groups arriving at stop `s` (none before its walk is done).
    fn arrivals(&self, s: StopId) -> &[GroupAt] {
        self.arrived.of(self.memo.get(s as usize))
    }

    /// Shard `k`'s stops, numbered from every chunk's carrier hops (in
    /// transfer order), and their arrivals, walked from the stops that
    /// exchanges end at, in that order.
    fn stitch(
        design: &Design,
        graph: &DiGraph<ActorId, Transfer>,
        roles: &[RoleId],
        unresolved: &UnresolvedEnds,
        touching: &[CarrierEnds],
        k: usize,
    ) -> Shard {
        let mut stops: FxHashMap<(NodeIndex, Payload), StopId> = FxHashMap::default();
        let mut keys: Vec<(NodeIndex, Payload)> = Vec::new();
        let mut stop = |c: NodeIndex, p: Payload| -> StopId {
            *stops.entry((c, p)).or_insert_with(|| {
                keys.push((c, p));
                index32(keys.len() - 1)
            })
        };
        let mut into: Vec<(StopId, TransferId, IntoHop)> = Vec::new();
        let mut leaving: Vec<StopId> = Vec::new();
        let mut ends: Vec<StopId> = Vec::new();
        let mut hop_stops = Vec::with_capacity(touching.len());
        for chunk in touching {
            let hops = chunk.hops.get(k).map_or(&[][..], Vec::as_slice);
            let mut pairs = Vec::with_capacity(hops.len());
            for hop in hops {
                let from = match hop.from_carrier {
                    true => stop(hop.from, hop.p),
                    false => NO_STOP,
                };
                let to = hop.to.map_or(NO_STOP, |c| stop(c, hop.p));
                if from != NO_STOP {
                    leaving.push(from);
                }
                let walked = IntoHop {
                    from,
                    sender: hop.from,
                    passes: hop.passes,
                };
                match to {
                    NO_STOP => ends.push(from),
                    _ => into.push((to, hop.t, walked)),
                }
                pairs.push((from, to));
            }
            hop_stops.push(pairs);
        }
        let n = keys.len();
        let mut leaves = vec![false; n];
        for s in leaving {
            if let Some(l) = leaves.get_mut(s as usize) {
                *l = true;
            }
        }
        let into = IntoStops::of(n, &into);
        let mut st = Stitcher {
            design,
            graph,
            roles,
            unresolved,
            keys: &keys,
            into: &into,
            memo: vec![Memo::Unseen; n],
            arrived: Arrived::default(),
            joining: Arrivals::new(),
            uncertain: vec![false; n],
            routes: Vec::new(),
        };
        for s in ends {
            st.compute(s);
        }
        let Stitcher {
            memo,
            arrived,
            uncertain,
            routes,
            ..
        } = st;
        Shard {
            stops,
            into,
            leaves,
            memo,
            arrived,
            uncertain,
            hop_stops,
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
        left_out: &LeftOut,
        per_chunk: usize,
        shards: usize,
    ) -> FlowGraph {
        let unresolved = &left_out.ends;
        let mut fg = FlowGraph {
            graph,
            exchanges: Vec::new(),
            dangling: Vec::new(),
            routes: Vec::new(),
            into_carrier: Vec::new(),
            left_out: left_out.flows.clone(),
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
        let roles = roles(design, &fg.graph);
        let chunks = ranges::cut(fg.graph.edge_count(), per_chunk);
        let touching = ranges::each(&chunks, |r| {
            CarrierEnds::of(design, &fg.graph, &carriers, r, shards)
        });
        let stitch_shard =
            |k: usize| Shard::stitch(design, &fg.graph, &roles, unresolved, &touching, k);
        let mut parts: Vec<Shard> = if shards > 1 {
            (0..shards)
                .into_par_iter()
                .with_max_len(1)
                .map(stitch_shard)
                .collect()
        } else {
            (0..shards).map(stitch_shard).collect()
        };
        let direct: Vec<usize> = touching.iter().map(|c| c.direct).collect();
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
            roles: &roles,
            unresolved,
            shards: &parts,
        };
        let numbered: Vec<(usize, Range<usize>)> = chunks.iter().cloned().enumerate().collect();
        let counts: Vec<usize> = if chunks.len() > 1 {
            (direct.par_iter().enumerate())
                .with_max_len(1)
                .map(|(j, &direct)| writer.count(j, direct))
                .collect()
        } else {
            (direct.iter().enumerate())
                .map(|(j, &direct)| writer.count(j, direct))
                .collect()
        };
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
        let write = |((j, r), out): (&(usize, Range<usize>), &mut [Exchange])| {
            writer.write(*j, r.clone(), out)
        };
        let dangling: Vec<Vec<Dangling>> = if chunks.len() > 1 {
            (numbered.par_iter())
                .zip(slices)
                .with_max_len(1)
                .map(write)
                .collect()
        } else {
            numbered.iter().zip(slices).map(write).collect()
        };
        fg.dangling = dangling.into_iter().flatten().collect();
        fg.routes = routes;
        fg.exchanges = exchanges;
        // Only the transfers into each stop are kept; the rest of each
        // shard's tables are a few long lists (no list per stop or per
        // group), freed here.
        fg.into_carrier = (parts.into_iter())
            .map(|s| IntoCarrier {
                stops: s.stops,
                start: s.into.start,
                transfers: s.into.transfers,
            })
            .collect();
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
                (
                    RoleId::new(k % 5),
                    Passed::from_slice(&[RoleId::new(k / 5)]),
                )
            })
            .collect()
    }

    #[test]
    fn the_transfers_into_each_stop_keep_their_order_and_where_they_left() {
        let t = EdgeIndex::new;
        // What the walk reads of a transfer: the stop it leaves, and its
        // sender's node numbered after the transfer, to tell them apart.
        let hop = |from: StopId, i: usize| IntoHop {
            from,
            sender: NodeIndex::new(100 + i),
            passes: i.is_multiple_of(2),
        };
        // (stop, transfer, what is read), in transfer order; stop 2
        // receives nothing, stop 3 twice from stops.
        let into = [
            (1, t(0), hop(NO_STOP, 0)),
            (0, t(1), hop(1, 1)),
            (3, t(2), hop(0, 2)),
            (1, t(3), hop(NO_STOP, 3)),
            (0, t(4), hop(NO_STOP, 4)),
            (3, t(5), hop(1, 5)),
            (1, t(6), hop(3, 6)),
        ];
        let lists = IntoStops::of(4, &into);
        let at = |s: StopId| {
            let r = lists.range(s);
            let ts: Vec<usize> = lists.transfers[r.clone()]
                .iter()
                .map(|t| t.index())
                .collect();
            for (t, h) in ts.iter().zip(&lists.hops[r.clone()]) {
                assert_eq!((h.sender.index(), h.passes), (100 + t, t.is_multiple_of(2)));
            }
            let from: Vec<StopId> = lists.hops[r].iter().map(|h| h.from).collect();
            (ts, from)
        };
        assert_eq!(at(0), (vec![1, 4], vec![1, NO_STOP]));
        assert_eq!(at(1), (vec![0, 3, 6], vec![NO_STOP, NO_STOP, 3]));
        assert_eq!(at(2), (vec![], vec![]));
        assert_eq!(at(3), (vec![2, 5], vec![0, 1]));
        // A stop past the last has no transfers, and none is lost.
        assert_eq!(lists.range(4), 0..0);
        assert_eq!(lists.range(NO_STOP), 0..0);
        assert_eq!(lists.transfers.len(), into.len());
    }

    #[test]
    fn each_stops_groups_are_laid_in_one_list_and_read_back_in_group_order() {
        let r = RoleId::new;
        let mut joining = Arrivals::new();
        let mut arrived = Arrived::default();
        // Three groups joined out of order, then two for a second stop.
        joining.insert((r(2), Passed::from_slice(&[r(7), r(8)])), arrival(1));
        joining.insert((r(1), Passed::new()), arrival(2));
        joining.insert((r(1), Passed::from_slice(&[r(9)])), arrival(3));
        let first = arrived.lay(&joining);
        joining.clear();
        joining.insert((r(3), Passed::from_slice(&[r(4), r(5), r(6)])), arrival(4));
        joining.insert((r(0), Passed::from_slice(&[r(4)])), arrival(5));
        let second = arrived.lay(&joining);
        let read = |memo: Memo| -> Vec<(RoleId, Vec<RoleId>, usize)> {
            (arrived.of(Some(&memo)).iter())
                .map(|g| (g.role, arrived.passed(g).to_vec(), g.arrival.senders))
                .collect()
        };
        assert_eq!(
            read(first),
            [
                (r(1), vec![], 2),
                (r(1), vec![r(9)], 3),
                (r(2), vec![r(7), r(8)], 1)
            ]
        );
        assert_eq!(
            read(second),
            [(r(0), vec![r(4)], 5), (r(3), vec![r(4), r(5), r(6)], 4)]
        );
        // A stop not done has no groups.
        assert!(read(Memo::Unseen).is_empty());
        assert!(read(Memo::InProgress).is_empty());
        assert!(arrived.of(None).is_empty());
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
            assert_eq!(arrivals.iter().count(), map.len());
            let long = matches!(arrivals, Arrivals::Long(_));
            assert_eq!(long, map.len() > Arrivals::LONG, "{} groups", map.len());
        }
        // A group added again replaces its arrival.
        let first = groups().remove(0);
        arrivals.insert(first.clone(), arrival(99));
        assert_eq!(arrivals.get_mut(&first).map(|a| a.senders), Some(99));
        assert_eq!(arrivals.iter().count(), map.len());
    }
}
