//! The flow graph: actors as nodes, each direction of a flow as a transfer
//! whose legs (through its `via` actors) are edges. Transfers that end or
//! start at a carrier are stitched into end-to-end exchanges.
//!
//! Stitching is done per (data item, purpose) and grouped by what a check
//! can see — sender role and the roles passed — so a carrier with many
//! senders and many receivers costs senders + receivers, not their product.

use crate::model::*;
use petgraph::graph::{DiGraph, NodeIndex};
use std::collections::{BTreeMap, HashMap, HashSet};

/// One direction of a flow statement (`<->` gives two).
#[derive(Clone, Debug)]
pub struct Transfer {
    /// The statement.
    pub flow: FlowId,
    /// True for the `<-` direction of a `<->` flow.
    pub reversed: bool,
    /// Sender.
    pub from: ActorId,
    /// Receiver.
    pub to: ActorId,
    /// Actors passed, in order of travel.
    pub via: Vec<ActorId>,
}

/// Index into [`FlowGraph::transfers`].
pub type TransferId = usize;

/// An edge: one leg of a transfer.
#[derive(Clone, Copy, Debug)]
pub struct Leg {
    /// The transfer.
    pub transfer: TransferId,
    /// Position of the leg in the transfer (0 = from the sender).
    pub index: usize,
}

/// What a stitched chain carries: one data item for one purpose (None when
/// the flow names no purpose).
pub type Payload = (DataId, Option<PurposeId>);

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
    /// Roles of every actor passed on the way (carriers and `via`), sorted.
    pub passed: Vec<RoleId>,
    /// Transfers in the order the data travelled; the last reaches the
    /// receiver and is where findings are reported.
    pub path: Vec<TransferId>,
    /// How many senders the group stands for.
    pub senders: usize,
}

impl Exchange {
    /// The transfer that reaches the receiver.
    pub fn last(&self) -> TransferId {
        self.path[self.path.len() - 1]
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

/// The graph of one design.
#[derive(Debug)]
pub struct FlowGraph {
    /// Nodes are actors; edges are legs.
    pub graph: DiGraph<ActorId, Leg>,
    /// Node of each actor.
    pub nodes: Vec<NodeIndex>,
    /// Every transfer of every resolved flow, in source order.
    pub transfers: Vec<Transfer>,
    /// End-to-end exchanges, in order of their final transfer.
    pub exchanges: Vec<Exchange>,
    /// Carrier hops with nowhere to go.
    pub dangling: Vec<Dangling>,
}

type Group = (RoleId, Vec<RoleId>);

#[derive(Clone, Debug)]
struct Arrival {
    sender: ActorId,
    path: Vec<TransferId>,
    senders: usize,
}

/// Upstream groups arriving at a carrier for a payload.
type Arrivals = BTreeMap<Group, Arrival>;

struct Stitcher<'a> {
    design: &'a Design,
    transfers: &'a [Transfer],
    /// Transfers into each (carrier, payload).
    into_carrier: HashMap<(ActorId, Payload), Vec<TransferId>>,
    memo: HashMap<(ActorId, Payload), Option<Arrivals>>,
    /// Carrier ends of flows left out for unresolved names.
    unknown_ends: HashSet<(ActorId, Payload)>,
    /// Carriers whose upstream includes such an end: what they lack may
    /// be in a flow we could not read.
    uncertain: HashSet<(ActorId, Payload)>,
}

impl Stitcher<'_> {
    fn role(&self, a: ActorId) -> RoleId {
        // Only resolved flows become transfers, so every actor has a role.
        self.design.actor(a).role.id.unwrap_or(RoleId(0))
    }

    fn is_carrier(&self, a: ActorId) -> bool {
        self.design.kind_of(a) == Some(RoleKind::Carrier)
    }

    fn via_roles<'b>(&'b self, t: &'b Transfer) -> impl Iterator<Item = RoleId> + 'b {
        t.via.iter().map(move |&a| self.role(a))
    }

    /// Groups of senders whose data reaches carrier `c` with `payload`.
    /// A carrier cycle contributes nothing (its memo entry is in progress).
    fn arrivals(&mut self, c: ActorId, payload: Payload) -> Arrivals {
        if let Some(done) = self.memo.get(&(c, payload)) {
            return done.clone().unwrap_or_default();
        }
        self.memo.insert((c, payload), None);
        if self.unknown_ends.contains(&(c, payload)) {
            self.uncertain.insert((c, payload));
        }
        let mut out = Arrivals::new();
        let incoming = self
            .into_carrier
            .get(&(c, payload))
            .cloned()
            .unwrap_or_default();
        let c_role = self.role(c);
        for t in incoming {
            let tr = &self.transfers[t];
            let mut extra: Vec<RoleId> = self.via_roles(tr).collect();
            extra.push(c_role);
            let upstream = if self.is_carrier(tr.from) {
                let up = self.arrivals(tr.from, payload);
                if self.uncertain.contains(&(tr.from, payload)) {
                    self.uncertain.insert((c, payload));
                }
                up
            } else {
                let mut one = Arrivals::new();
                one.insert(
                    (self.role(tr.from), Vec::new()),
                    Arrival {
                        sender: tr.from,
                        path: Vec::new(),
                        senders: 1,
                    },
                );
                one
            };
            for ((sender_role, passed), arrival) in upstream {
                let mut passed = passed;
                passed.extend(extra.iter().copied());
                passed.sort();
                passed.dedup();
                let mut path = arrival.path.clone();
                path.push(t);
                out.entry((sender_role, passed))
                    .and_modify(|a| a.senders += arrival.senders)
                    .or_insert(Arrival {
                        sender: arrival.sender,
                        path,
                        senders: arrival.senders,
                    });
            }
        }
        self.memo.insert((c, payload), Some(out.clone()));
        out
    }
}

/// The payloads a flow carries: each item for each purpose.
pub fn payloads(f: &Flow) -> Vec<Payload> {
    let purposes: Vec<Option<PurposeId>> = if f.purposes.is_empty() {
        vec![None]
    } else {
        f.purposes.iter().map(|p| p.id).collect()
    };
    f.items
        .iter()
        .filter_map(|i| i.id)
        .flat_map(|i| purposes.iter().map(move |p| (i, *p)))
        .collect()
}

impl FlowGraph {
    /// Builds the graph of a design. Flows with unresolved names are left
    /// out (their names were reported).
    pub fn build(design: &Design) -> FlowGraph {
        let mut graph = DiGraph::with_capacity(design.actors.len(), design.flows.len());
        let nodes: Vec<NodeIndex> = (0..design.actors.len())
            .map(|i| graph.add_node(ActorId(i as u32)))
            .collect();
        let mut transfers = Vec::with_capacity(design.flows.len());
        // Carrier ends of flows left out for unresolved names: they may be
        // what a carrier hop connects to, so no MN401 is guessed there.
        let mut unknown_ends: HashSet<(ActorId, Payload)> = HashSet::new();
        for (i, f) in design.flows.iter().enumerate() {
            let id = FlowId(i as u32);
            if !design.flow_is_resolved(id) {
                for end in [f.from.id, f.to.id].into_iter().flatten() {
                    for p in payloads(f) {
                        unknown_ends.insert((end, p));
                    }
                }
                continue;
            }
            let (Some(from), Some(to)) = (f.from.id, f.to.id) else {
                continue;
            };
            let via: Vec<ActorId> = f.via.iter().filter_map(|v| v.id).collect();
            transfers.push(Transfer {
                flow: id,
                reversed: false,
                from,
                to,
                via: via.clone(),
            });
            if f.both_ways {
                transfers.push(Transfer {
                    flow: id,
                    reversed: true,
                    from: to,
                    to: from,
                    via: via.into_iter().rev().collect(),
                });
            }
        }
        for (t, tr) in transfers.iter().enumerate() {
            let stops: Vec<ActorId> = std::iter::once(tr.from)
                .chain(tr.via.iter().copied())
                .chain(std::iter::once(tr.to))
                .collect();
            for (index, pair) in stops.windows(2).enumerate() {
                graph.add_edge(
                    nodes[pair[0].index()],
                    nodes[pair[1].index()],
                    Leg { transfer: t, index },
                );
            }
        }
        if design.rulebook.is_none() {
            return FlowGraph {
                graph,
                nodes,
                transfers,
                exchanges: Vec::new(),
                dangling: Vec::new(),
            };
        };

        let is_carrier = |a: ActorId| design.kind_of(a) == Some(RoleKind::Carrier);
        // Both passes below need each flow's payloads: work them out once.
        let flow_payloads: Vec<Vec<Payload>> = design.flows.iter().map(payloads).collect();
        let mut into_carrier: HashMap<(ActorId, Payload), Vec<TransferId>> = HashMap::new();
        let mut out_of_carrier: HashMap<(ActorId, Payload), Vec<TransferId>> = HashMap::new();
        for (t, tr) in transfers.iter().enumerate() {
            for &p in &flow_payloads[tr.flow.index()] {
                if is_carrier(tr.to) {
                    into_carrier.entry((tr.to, p)).or_default().push(t);
                }
                if is_carrier(tr.from) {
                    out_of_carrier.entry((tr.from, p)).or_default().push(t);
                }
            }
        }
        let mut st = Stitcher {
            design,
            transfers: &transfers,
            into_carrier,
            memo: HashMap::new(),
            unknown_ends,
            uncertain: HashSet::new(),
        };
        let mut exchanges = Vec::new();
        let mut dangling = Vec::new();
        for (t, tr) in transfers.iter().enumerate() {
            for &p in &flow_payloads[tr.flow.index()] {
                if is_carrier(tr.to)
                    && !out_of_carrier.contains_key(&(tr.to, p))
                    && !st.unknown_ends.contains(&(tr.to, p))
                {
                    dangling.push(Dangling::GoesNowhere(t, p));
                }
                if is_carrier(tr.to) {
                    continue;
                }
                let mut passed: Vec<RoleId> = st.via_roles(tr).collect();
                if is_carrier(tr.from) {
                    let groups = st.arrivals(tr.from, p);
                    if groups.is_empty() && !st.uncertain.contains(&(tr.from, p)) {
                        dangling.push(Dangling::ComesFromNowhere(t, p));
                    }
                    for ((_, upstream_passed), arrival) in groups {
                        let mut all = upstream_passed;
                        all.extend(passed.iter().copied());
                        all.sort();
                        all.dedup();
                        let mut path = arrival.path;
                        path.push(t);
                        exchanges.push(Exchange {
                            sender: arrival.sender,
                            receiver: tr.to,
                            payload: p,
                            passed: all,
                            path,
                            senders: arrival.senders,
                        });
                    }
                } else {
                    passed.sort();
                    passed.dedup();
                    exchanges.push(Exchange {
                        sender: tr.from,
                        receiver: tr.to,
                        payload: p,
                        passed,
                        path: vec![t],
                        senders: 1,
                    });
                }
            }
        }
        FlowGraph {
            graph,
            nodes,
            transfers,
            exchanges,
            dangling,
        }
    }

    /// A transfer.
    pub fn transfer(&self, id: TransferId) -> &Transfer {
        &self.transfers[id]
    }
}
