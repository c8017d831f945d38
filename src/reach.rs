//! Reach: every actor a data item can get to through the flows, and by
//! which path. "Which outside parties can the 課税情報 we receive end up
//! at?" is the question a reviewer asks first.
//!
//! The walk is over the legs (sender, each `via` actor, receiver) of the
//! [`FlowGraph`]'s transfers whose flow carries the item, so it passes
//! carriers, `via` actors and the society's own systems like any other
//! actor. It starts at the item's origins (actors that send it and receive
//! it from no one; in a cycle with no way in, its first actor) and is a
//! breadth-first search (petgraph's [`Bfs`]), so each path is a shortest
//! one. Linear in the size of the graph.

use crate::graph::FlowGraph;
use crate::model::*;
use petgraph::Direction;
use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
use petgraph::visit::{Bfs, EdgeRef, VisitMap};

/// One actor the item reaches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reached {
    /// The actor.
    pub actor: ActorId,
    /// The actor the item comes from on the way here and the flow that
    /// brings it (a `via` flow appears once per leg); None for an origin.
    pub from: Option<(ActorId, FlowId)>,
    /// Hops from the origin.
    pub hops: usize,
}

/// Where an item can go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reach {
    /// The item.
    pub item: DataId,
    /// Actors the item starts at, in actor order.
    pub origins: Vec<ActorId>,
    /// Every actor the item gets to (origins first, then in order of
    /// distance), with its path.
    pub reached: Vec<Reached>,
    /// Flows that carry the item, in source order.
    pub flows: Vec<FlowId>,
}

impl Reach {
    /// Is the actor an origin or reached?
    pub fn touches(&self, a: ActorId) -> bool {
        self.reached.iter().any(|r| r.actor == a)
    }

    /// The path to a reached actor: `(flow, actor it reaches)` per hop,
    /// from the origin on. Empty for an origin or an actor not reached.
    pub fn path(&self, a: ActorId) -> Vec<(FlowId, ActorId)> {
        let at: std::collections::HashMap<ActorId, &Reached> =
            self.reached.iter().map(|r| (r.actor, r)).collect();
        let mut out = Vec::new();
        let mut cur = at.get(&a).copied();
        while let Some(r) = cur {
            let Some((prev, flow)) = r.from else { break };
            out.push((flow, r.actor));
            // Hops strictly decrease, so this ends.
            cur = at.get(&prev).copied().filter(|p| p.hops < r.hops);
        }
        out.reverse();
        out
    }
}

/// The legs of the transfers that carry `item`: a graph on the same
/// nodes (node `i` is actor `i`) with one edge per leg (sender, each `via`
/// actor, receiver), weighted by the flow.
fn legs(design: &Design, graph: &FlowGraph, item: DataId) -> DiGraph<ActorId, FlowId> {
    let g = &graph.graph;
    let mut out: DiGraph<ActorId, FlowId> = DiGraph::with_capacity(g.node_count(), 0);
    for n in g.node_indices() {
        out.add_node(g[n]);
    }
    for e in g.edge_references() {
        let t = e.weight();
        if !design.flow(t.flow).items.iter().any(|i| i.id == Some(item)) {
            continue;
        }
        let stops: Vec<NodeIndex> = std::iter::once(e.source())
            .chain(t.via(design).map(|a| graph.node(a)))
            .chain(std::iter::once(e.target()))
            .collect();
        for pair in stops.windows(2) {
            out.add_edge(pair[0], pair[1], t.flow);
        }
    }
    out
}

/// Where `item` can go in the design.
pub fn reach(design: &Design, graph: &FlowGraph, item: DataId) -> Reach {
    let carries = |f: FlowId| design.flow(f).items.iter().any(|i| i.id == Some(item));
    let g = &legs(design, graph, item);
    let has = |n: NodeIndex, dir: Direction| g.edges_directed(n, dir).next().is_some();
    let nodes: Vec<NodeIndex> = g.node_indices().collect();
    let mut origins: Vec<NodeIndex> = nodes
        .iter()
        .copied()
        .filter(|&n| has(n, Direction::Outgoing) && !has(n, Direction::Incoming))
        .collect();
    // Parent edge of each node in the breadth-first tree.
    let mut parent: Vec<Option<EdgeIndex>> = vec![None; g.node_count()];
    let mut order: Vec<NodeIndex> = Vec::new();
    let mut bfs = Bfs::new(g, NodeIndex::new(0));
    bfs.stack.clear();
    bfs.discovered.clear();
    let mut seeds = origins.clone();
    let mut next_node = 0;
    loop {
        for s in seeds.drain(..) {
            if bfs.discovered.visit(s) {
                bfs.stack.push_back(s);
            }
        }
        while let Some(n) = bfs.next(g) {
            order.push(n);
            for e in g.edges_directed(n, Direction::Outgoing) {
                let t = e.target();
                if parent[t.index()].is_none() && t != n {
                    parent[t.index()] = Some(e.id());
                }
            }
        }
        // A cycle with no way in: start at its first actor.
        while let Some(&n) = nodes.get(next_node) {
            next_node += 1;
            if !bfs.discovered.is_visited(&n) && has(n, Direction::Outgoing) {
                origins.push(n);
                seeds.push(n);
                break;
            }
        }
        if seeds.is_empty() {
            break;
        }
    }
    let mut is_origin = vec![false; g.node_count()];
    for n in &origins {
        is_origin[n.index()] = true;
    }
    let mut hops = vec![0usize; g.node_count()];
    let mut reached = Vec::with_capacity(order.len());
    for &n in &order {
        let from = match parent[n.index()] {
            Some(e) if !is_origin[n.index()] => g.edge_endpoints(e).map(|(from, _)| {
                hops[n.index()] = hops[from.index()] + 1;
                (g[from], g[e])
            }),
            _ => None,
        };
        reached.push(Reached {
            actor: g[n],
            from,
            hops: hops[n.index()],
        });
    }
    // Origins first, in actor order; the rest by distance, then actor.
    reached.sort_by_key(|r| (r.hops, r.actor));
    let mut origin_ids: Vec<ActorId> = origins.iter().map(|&n| g[n]).collect();
    origin_ids.sort();
    let flows = (0..design.flows.len())
        .map(|i| FlowId::new(i as u32))
        .filter(|&f| carries(f) && design.flow_is_resolved(f))
        .collect();
    Reach {
        item,
        origins: origin_ids,
        reached,
        flows,
    }
}
