//! The flow graph, and the engine every graph check runs on.
//!
//! A petgraph [`DiGraph`] whose nodes are actors and whose edges are
//! *transfers*: one direction of a flow statement, carrying that flow's
//! payloads, passing its `via` actors on the way. Nothing else holds the
//! flows: stitching (`graph/stitch.rs`), what each system holds
//! ([`crate::checks::Holdings`]), witness paths and MN401 all walk this
//! graph, and the indexes kept beside it are indexes *into* it.
//!
//! Stitching joins transfers that end or start at a carrier into end-to-end
//! exchanges, per (data item, purpose), grouped by what a check can see —
//! sender role and the roles passed — so a carrier with many senders and
//! many receivers costs senders + receivers, not their product. Routes are
//! kept as parent pointers, so a long chain of carriers costs its length
//! once, not once per exchange that crosses it.

use crate::model::*;
use petgraph::Direction::Incoming;
use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef;
use rustc_hash::FxHashSet;
use std::num::NonZeroU32;

mod payload;
mod stitch;

pub use payload::payloads;

/// An edge of the graph: one direction of a flow statement (`<->` gives
/// two). Its sender and receiver are the edge's endpoints.
///
/// Eight bytes: what it passes is read from its flow, not copied into it
/// (a design has about as many transfers as flows, and a list in each
/// made a graph edge 48 bytes rather than 24).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Transfer {
    /// The statement.
    pub flow: FlowId,
    /// True for the `<-` direction of a `<->` flow.
    pub reversed: bool,
    /// Does its flow pass anyone (`via`)? Most do not, and need not be
    /// read to say so.
    passes: bool,
    /// May its flow name an item or a purpose twice ([`payloads`])? Then
    /// its payloads are made from its lists without the repeats.
    repeats: bool,
}

impl Transfer {
    /// A transfer of flow `id`, `f` (in its `<-` direction when
    /// `reversed`).
    pub fn of(id: FlowId, f: &Flow, reversed: bool) -> Transfer {
        Transfer {
            flow: id,
            reversed,
            passes: !f.via.is_empty(),
            repeats: payload::repeats_a_name(f),
        }
    }

    /// The payloads it carries ([`payloads`] of its flow).
    pub fn payloads<'d>(&self, design: &'d Design) -> impl Iterator<Item = Payload> + use<'d> {
        payload::carried(design.flow(self.flow), self.repeats)
    }

    /// Actors passed, in order of travel: the flow's `via`, backwards
    /// for the `<-` direction of a `<->` flow. (A transfer is only made
    /// of a flow whose every name resolved.)
    pub fn via<'d>(&self, design: &'d Design) -> impl Iterator<Item = ActorId> + use<'d> {
        let via: &[Ref<ActorId>] = match self.passes {
            true => design.flows.get(self.flow.index()).map_or(&[], |f| &f.via),
            false => &[],
        };
        let (n, reversed) = (via.len(), self.reversed);
        (0..n).filter_map(move |i| via.get(if reversed { n - 1 - i } else { i })?.id)
    }
}

/// Flows read per task when the graph is made: enough to outweigh handing
/// the task to a thread, few enough that both cores get many.
const FLOWS_PER_CHUNK: usize = 64 * 1024;

/// A transfer: an edge of [`FlowGraph::graph`].
pub type TransferId = EdgeIndex;

/// What a stitched chain carries: one data item for one purpose (None when
/// the flow names no purpose).
pub type Payload = (DataId, Option<PurposeId>);

/// Index into `FlowGraph::routes`: the last hop of a route, whose parent
/// is the route before it. Held as the index plus one, so that an
/// exchange's or a route's `Option` of it is four bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RouteId(NonZeroU32);

impl RouteId {
    /// The id of route `index` (None past what a `u32` holds: the input
    /// is bounded far below).
    fn new(index: usize) -> Option<RouteId> {
        let n = u32::try_from(index.checked_add(1)?).ok()?;
        NonZeroU32::new(n).map(RouteId)
    }

    fn index(self) -> usize {
        (self.0.get() - 1) as usize
    }

    /// This id of a list that starts at `first` in a longer one: its id
    /// there (None past what a `u32` holds).
    fn after(self, first: usize) -> Option<RouteId> {
        RouteId::new(self.index().checked_add(first)?)
    }
}

/// An end-to-end exchange (or a group of them that a check cannot tell
/// apart: same final hop, same sender role, same roles passed).
#[derive(Clone, Debug)]
pub struct Exchange {
    /// The first non-carrier sender (a representative of the group).
    pub sender: ActorId,
    /// The last non-carrier receiver.
    pub receiver: ActorId,
    /// The item and purpose.
    pub payload: Payload,
    /// Roles of every actor passed on the way (carriers and `via`), sorted
    /// (boxed: an exchange is kept per flow's payload, and most pass no one).
    pub passed: Box<[RoleId]>,
    /// The transfer that reaches the receiver: where findings are reported.
    pub last: TransferId,
    /// The route before the last transfer, as a parent-pointer chain
    /// (None when the last transfer is the whole route).
    route: Option<RouteId>,
    /// How many senders the group stands for.
    pub senders: usize,
}

impl Exchange {
    /// The transfer that reaches the receiver.
    pub fn last(&self) -> TransferId {
        self.last
    }

    /// Is it more than one transfer (stitched through carriers)?
    pub fn is_stitched(&self) -> bool {
        self.route.is_some()
    }

    /// The route before the last transfer (None when the last transfer
    /// is the whole route). Exchanges that share it share every hop but
    /// the last ([`FlowGraph::hops_back`] walks it).
    pub fn upstream(&self) -> Option<RouteId> {
        self.route
    }
}

/// A transfer into a carrier that goes nowhere, or out of one it never entered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dangling {
    /// Data enters the carrier and no transfer carries it on.
    GoesNowhere(TransferId, Payload),
    /// Data leaves the carrier and no transfer brought it there.
    ComesFromNowhere(TransferId, Payload),
}

/// Carrier ends of flows left out for unresolved names, by payload: what a
/// carrier hop connects to may be in a flow that could not be read, so no
/// MN401 is guessed there.
pub type UnresolvedEnds = FxHashSet<(ActorId, Payload)>;

/// The flows left out of a graph for unresolved names
/// ([`FlowGraph::transfers_of`]).
#[derive(Clone, Debug, Default)]
pub struct LeftOut {
    /// Their carrier ends, by payload.
    pub ends: UnresolvedEnds,
    /// The flows, in order.
    pub flows: Vec<FlowId>,
}

/// The graph of one design, and what stitching found in it.
#[derive(Debug)]
pub struct FlowGraph {
    /// Nodes are actors (node `i` is actor `i`); edges are transfers, in
    /// the order of their flows ([`FlowGraph::transfers_of`]).
    pub graph: DiGraph<ActorId, Transfer>,
    /// End-to-end exchanges, in order of their final transfer.
    pub exchanges: Vec<Exchange>,
    /// Carrier hops with nowhere to go.
    pub dangling: Vec<Dangling>,
    /// Routes: (hop, the route before it).
    routes: Vec<(TransferId, Option<RouteId>)>,
    /// Transfers into each carrier, by payload: an index into `graph`, in
    /// the shards stitching cut its tables in (by payload).
    into_carrier: Vec<stitch::IntoCarrier>,
    /// The flows left out for unresolved names, in order: the checks skip
    /// them ([`FlowGraph::left_out`]).
    left_out: Vec<FlowId>,
}

impl FlowGraph {
    /// Builds the graph of a design and stitches it. Flows with unresolved
    /// names are left out (their names were reported).
    pub fn build(design: &Design) -> FlowGraph {
        let (graph, left_out) = Self::transfers_of(design);
        Self::from_graph(design, graph, &left_out)
    }

    /// The flows left out of the graph for unresolved names, in order
    /// (those [`Design::flow_is_resolved`] says are not), found as the
    /// graph was made: asked of every flow again, a million flows were
    /// read twice more by `rules diff --impact`.
    pub fn left_out(&self) -> &[FlowId] {
        &self.left_out
    }

    /// The petgraph of a design's resolved flows, and the flows left out
    /// (with their carrier ends).
    ///
    /// The flows (128 bytes each) are read on every core, a chunk at a
    /// time, into lists of edges (16 bytes each); the graph is then made
    /// from those lists in order, so it is the same on any number of
    /// cores. Made from the flows themselves, one core read 128 bytes a
    /// flow twice (once to count the edges) while the other waited.
    pub fn transfers_of(design: &Design) -> (DiGraph<ActorId, Transfer>, LeftOut) {
        let resolved = design.resolved_flows();
        let chunks = crate::ranges::cut(design.flows.len(), FLOWS_PER_CHUNK);
        let parts = crate::ranges::each(&chunks, |r| {
            // At most two edges a flow (one each way): a list sized for
            // one grew, and was copied, in each chunk with a `<->` flow.
            let mut edges: Vec<(NodeIndex, NodeIndex, Transfer)> = Vec::with_capacity(2 * r.len());
            // A set, not a list: a flow names each end once per payload,
            // and its payloads are its items times its purposes.
            let mut left_out = LeftOut::default();
            let flows = design.flows.get(r.clone()).unwrap_or(&[]);
            for (i, f) in r.zip(flows) {
                let id = FlowId::new(i as u32);
                debug_assert_eq!(resolved(f), design.flow_is_resolved(id));
                if !resolved(f) {
                    for end in [f.from.id, f.to.id].into_iter().flatten() {
                        left_out.ends.extend(payloads(f).map(|p| (end, p)));
                    }
                    left_out.flows.push(id);
                    continue;
                }
                let (Some(from), Some(to)) = (f.from.id, f.to.id) else {
                    continue;
                };
                let (from, to) = (NodeIndex::new(from.index()), NodeIndex::new(to.index()));
                edges.push((from, to, Transfer::of(id, f, false)));
                if f.both_ways {
                    edges.push((to, from, Transfer::of(id, f, true)));
                }
            }
            (edges, left_out)
        });
        // Reserved exactly, so the edge list (the graph's largest part) is
        // never copied to grow.
        let edges = parts.iter().map(|(e, _)| e.len()).sum();
        let mut graph = DiGraph::with_capacity(design.actors.len(), edges);
        for i in 0..design.actors.len() {
            graph.add_node(ActorId::new(i as u32));
        }
        let mut all = LeftOut::default();
        for (edges, left_out) in parts {
            for (from, to, t) in edges {
                graph.add_edge(from, to, t);
            }
            all.ends.extend(left_out.ends);
            all.flows.extend(left_out.flows);
        }
        (graph, all)
    }

    /// Stitches a graph of transfers (normally [`FlowGraph::transfers_of`]
    /// the design) into exchanges. Everything the checks judge comes from
    /// the graph given here.
    ///
    /// Three passes: the transfers that touch a carrier are found (on every
    /// core, by chunks of transfers); the carriers' arrivals are computed
    /// (in shards by payload, side by side: each shard one walk, in
    /// transfer order); then each transfer's exchanges are
    /// written (on every core, each chunk into its own slice of the list,
    /// so the order is the transfers' whatever the number of threads).
    pub fn from_graph(
        design: &Design,
        graph: DiGraph<ActorId, Transfer>,
        left_out: &LeftOut,
    ) -> FlowGraph {
        let per_chunk = stitch::EDGES_PER_CHUNK;
        let shards = stitch::shards_for(graph.edge_count(), per_chunk);
        Self::from_graph_in_chunks(design, graph, left_out, per_chunk, shards)
    }

    /// The transfers of flow `f` (one, or two for a flow both ways; none
    /// for a flow left out), found by a binary search: the edges are in
    /// the order of their flows.
    pub fn transfers_of_flow(&self, f: FlowId) -> impl Iterator<Item = TransferId> + '_ {
        let edges = self.graph.raw_edges();
        let first = edges.partition_point(|e| e.weight.flow < f);
        (first..edges.len())
            .take_while(move |&i| edges.get(i).is_some_and(|e| e.weight.flow == f))
            .map(TransferId::new)
    }

    /// The indexes of the exchanges whose last transfer is `t`, found by
    /// a binary search: the exchanges are in the order of their last
    /// transfers.
    pub fn exchanges_ending(&self, t: TransferId) -> std::ops::Range<usize> {
        let first = self.exchanges.partition_point(|ex| ex.last < t);
        let end = self.exchanges.partition_point(|ex| ex.last <= t);
        first..end
    }

    /// The indexes of the exchanges that pass through flow `f`, in order.
    /// A flow into a carrier is a hop on the way of the exchanges beyond
    /// it, found by walking each route's parent pointers (no route is
    /// collected); any other flow's transfers are the last hops of its
    /// exchanges, found by binary searches (hover asks it of one flow: at
    /// a million flows, the walk was 4-6 ms).
    pub fn exchanges_through(&self, design: &Design, f: FlowId) -> Vec<usize> {
        if self.feeds_a_carrier(design, f) {
            return self.exchanges_walked_through(f);
        }
        self.transfers_of_flow(f)
            .flat_map(|t| self.exchanges_ending(t))
            .collect()
    }

    /// Does flow `f` bring data into a carrier (in either of its ways)?
    fn feeds_a_carrier(&self, design: &Design, f: FlowId) -> bool {
        self.transfers_of_flow(f)
            .any(|t| design.kind_of(self.ends(t).1) == Some(RoleKind::Carrier))
    }

    /// [`FlowGraph::exchanges_through`] by walking every route.
    fn exchanges_walked_through(&self, f: FlowId) -> Vec<usize> {
        (self.exchanges.iter().enumerate())
            .filter(|(_, ex)| self.hops_back(ex).any(|tr| self.transfer(tr).flow == f))
            .map(|(i, _)| i)
            .collect()
    }

    /// A transfer.
    pub fn transfer(&self, id: TransferId) -> &Transfer {
        &self.graph[id]
    }

    /// The node of an actor.
    pub fn node(&self, a: ActorId) -> NodeIndex {
        NodeIndex::new(a.index())
    }

    /// Sender and receiver of a transfer.
    pub fn ends(&self, id: TransferId) -> (ActorId, ActorId) {
        match self.graph.edge_endpoints(id) {
            Some((a, b)) => (self.graph[a], self.graph[b]),
            None => (ActorId::new(0), ActorId::new(0)),
        }
    }

    /// The transfers of an exchange, in the order the data travelled.
    pub fn route(&self, ex: &Exchange) -> Vec<TransferId> {
        let mut out: Vec<TransferId> = self.hops_back(ex).collect();
        out.reverse();
        out
    }

    /// The transfers of an exchange from the last back to the first,
    /// walked without collecting them.
    pub fn hops_back<'a>(&'a self, ex: &Exchange) -> impl Iterator<Item = TransferId> + 'a {
        let mut at = ex.route;
        std::iter::once(ex.last).chain(std::iter::from_fn(move || {
            let &(hop, before) = self.routes.get(at?.index())?;
            at = before;
            Some(hop)
        }))
    }

    /// Transfers that bring `payload` into carrier `c`, in source order.
    pub fn into_carrier(&self, c: ActorId, payload: Payload) -> &[TransferId] {
        let shard = stitch::shard_of(payload, self.into_carrier.len());
        self.into_carrier
            .get(shard)
            .map_or(&[], |table| table.get(self.node(c), payload))
    }

    /// Transfers into an actor, in source order (petgraph lists them newest
    /// first).
    pub fn incoming(&self, a: ActorId) -> Vec<TransferId> {
        let mut v: Vec<TransferId> = self
            .graph
            .edges_directed(self.node(a), Incoming)
            .map(|e| e.id())
            .collect();
        v.sort();
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_route_id_keeps_its_index_in_four_bytes_with_its_none() {
        for i in [0, 1, 7, u32::MAX as usize - 1] {
            assert_eq!(RouteId::new(i).map(RouteId::index), Some(i));
        }
        assert_eq!(RouteId::new(u32::MAX as usize), None);
        assert_eq!(size_of::<Option<RouteId>>(), 4);
    }

    /// The exchanges through each flow, found by binary searches where
    /// the flow goes into no carrier, are those a walk of every route
    /// finds, on the examples and the cases with carriers, flows both
    /// ways and flows left out.
    #[test]
    fn the_exchanges_through_a_flow_are_those_every_routes_walk_finds() {
        let mut files: Vec<std::path::PathBuf> = ["examples", "tests/cases"]
            .iter()
            .flat_map(|dir| std::fs::read_dir(dir).unwrap())
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "myna"))
            .collect();
        files.sort();
        let (mut searched, mut walked) = (0, 0);
        for path in &files {
            let builtin = crate::session::RulebookSource::Builtin("kenpo".into());
            let mut s = crate::session::Session::new(builtin);
            let text = std::fs::read_to_string(path).unwrap_or_default();
            let Some(a) = s.check_text("t.myna", text, path.parent()).analysis else {
                continue;
            };
            let (d, g) = (&a.design, &a.graph);
            for i in 0..d.flows.len() {
                let f = FlowId::new(i as u32);
                assert_eq!(
                    g.exchanges_through(d, f),
                    g.exchanges_walked_through(f),
                    "{} flow {i}",
                    path.display()
                );
                *if g.feeds_a_carrier(d, f) {
                    &mut walked
                } else {
                    &mut searched
                } += 1;
            }
        }
        // Both ways were taken, many times.
        assert!(
            searched > 50 && walked > 5,
            "{searched} searched, {walked} walked"
        );
    }
}
