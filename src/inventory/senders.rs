//! The sender groups of the inventory. The graph groups the senders whose
//! data reaches a carrier with the same sender role and the same roles
//! passed into one exchange, because a check cannot tell them apart; each
//! of them keeps its own record, so the inventory names them, but once per
//! group, not once per receiver: a carrier with many senders and many
//! receivers costs senders + receivers, not their product.

use crate::graph::{Exchange, FlowGraph, Payload, TransferId};
use crate::model::*;
use rustc_hash::{FxHashMap, FxHashSet};

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

/// One sender of a group, and how its data reaches the group's carrier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sender {
    /// The sender (not a carrier).
    pub actor: ActorId,
    /// The actors its data passes up to the carrier where the group's
    /// senders meet, that carrier last; empty for a direct exchange (its
    /// `via` actors are the exchange's route).
    pub route: Vec<ActorId>,
    /// The flow of its first hop.
    pub flow: FlowId,
}

/// Senders of one item for one purpose whose data meets at a carrier and
/// goes on together (for a direct exchange, its one sender). Every sender
/// of the group and every receiver of an exchange the group sends in are a
/// (sender, receiver) pair, and each end of each pair keeps a record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SenderGroup {
    /// The item.
    pub item: DataId,
    /// The purpose (None: the flows name none).
    pub purpose: Option<PurposeId>,
    /// Every sender, in the order the walk upstream meets them (transfers
    /// into a carrier in source order), each once.
    pub senders: Vec<Sender>,
    /// Every receiver of an exchange the group sends in, in the design's
    /// order, each once.
    pub receivers: Vec<ActorId>,
}

/// Index into [`super::Inventory::groups`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GroupId(pub u32);

impl GroupId {
    /// Its index.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// What a check sees of a group that meets at a carrier: the senders'
/// role and the roles passed on the way, the carrier's own included (sorted).
type Key = (Option<RoleId>, Vec<RoleId>);

/// A state of the walk upstream: a carrier reached with the roles passed
/// between it and the start, and the transfer it leaves by towards the
/// start (a parent pointer, so a route is built only for a sender found).
struct Node {
    carrier: ActorId,
    passed: Vec<RoleId>,
    down: Option<(TransferId, usize)>,
}

/// A group as found, before it is given an id.
struct Found {
    item: DataId,
    purpose: Option<PurposeId>,
    senders: Vec<Sender>,
    receivers: Vec<ActorId>,
    id: Option<GroupId>,
}

/// Finds the sender group of each exchange, walking upstream of each
/// (carrier, payload) once for all the exchanges that leave it.
pub(super) struct Groups<'a> {
    design: &'a Design,
    graph: &'a FlowGraph,
    /// Per (carrier, payload): the groups that meet there, by key.
    walked: FxHashMap<(ActorId, Payload), FxHashMap<Key, usize>>,
    /// Direct exchanges: one group per (sender, payload).
    direct: FxHashMap<(ActorId, Payload), usize>,
    found: Vec<Found>,
    receivers: FxHashSet<(usize, ActorId)>,
    /// Found groups given an id, in id order.
    order: Vec<usize>,
}

/// What [`Groups::of`] tells of one exchange.
pub(super) struct Joined {
    /// Index of its group (see [`Groups::senders`], [`Groups::id`]).
    pub group: usize,
    /// The actors passed after the group's carrier (for a direct exchange,
    /// its whole route).
    pub after: Vec<ActorId>,
    /// Does the data pass a carrier between the two hops? (Stitched.)
    pub stitched: bool,
}

impl<'a> Groups<'a> {
    pub fn new(design: &'a Design, graph: &'a FlowGraph) -> Self {
        Groups {
            design,
            graph,
            walked: FxHashMap::default(),
            direct: FxHashMap::default(),
            found: Vec::new(),
            receivers: FxHashSet::default(),
            order: Vec::new(),
        }
    }

    fn role(&self, a: ActorId) -> Option<RoleId> {
        self.design.actor(a).role.id
    }

    fn is_carrier(&self, a: ActorId) -> bool {
        self.design.kind_of(a) == Some(RoleKind::Carrier)
    }

    /// The group of an exchange, its receiver noted.
    pub fn of(&mut self, ex: &Exchange) -> Joined {
        let hops = self.graph.route(ex);
        let last = ex.last();
        let (group, after, stitched) = match hops.split_last() {
            Some((_, upstream)) if !upstream.is_empty() => {
                let (carrier, _) = self.graph.ends(last);
                let mut route = route_of(self.graph, upstream);
                route.push(carrier);
                let mut passed: Vec<RoleId> = route.iter().filter_map(|a| self.role(*a)).collect();
                passed.sort();
                passed.dedup();
                let key = (self.role(ex.sender), passed);
                let group = match self.lookup(carrier, ex.payload, &key) {
                    Some(g) => g,
                    // Not reachable by the walk (a carrier cycle): the
                    // exchange's representative alone.
                    None => self.push(
                        ex.payload,
                        vec![Sender {
                            actor: ex.sender,
                            route,
                            flow: self.graph.transfer(hops[0]).flow,
                        }],
                    ),
                };
                (group, self.graph.transfer(last).via.clone(), true)
            }
            _ => {
                let flow = self.graph.transfer(last).flow;
                let group = match self.direct.get(&(ex.sender, ex.payload)) {
                    Some(&g) => g,
                    None => {
                        let g = self.push(
                            ex.payload,
                            vec![Sender {
                                actor: ex.sender,
                                route: Vec::new(),
                                flow,
                            }],
                        );
                        self.direct.insert((ex.sender, ex.payload), g);
                        g
                    }
                };
                (group, route_of(self.graph, &hops), false)
            }
        };
        if self.receivers.insert((group, ex.receiver)) {
            self.found[group].receivers.push(ex.receiver);
        }
        Joined {
            group,
            after,
            stitched,
        }
    }

    fn push(&mut self, payload: Payload, senders: Vec<Sender>) -> usize {
        self.found.push(Found {
            item: payload.0,
            purpose: payload.1,
            senders,
            receivers: Vec::new(),
            id: None,
        });
        self.found.len() - 1
    }

    /// The senders of a group.
    pub fn senders(&self, group: usize) -> &[Sender] {
        &self.found[group].senders
    }

    /// The group's public id, given on first use (so ids follow the
    /// design's order of exchanges).
    pub fn id(&mut self, group: usize) -> GroupId {
        if let Some(id) = self.found[group].id {
            return id;
        }
        let id = GroupId(self.order.len() as u32);
        self.found[group].id = Some(id);
        self.order.push(group);
        id
    }

    /// The groups given an id, in id order.
    pub fn finish(mut self) -> Vec<SenderGroup> {
        let order = std::mem::take(&mut self.order);
        order
            .into_iter()
            .map(|g| {
                let f = &mut self.found[g];
                SenderGroup {
                    item: f.item,
                    purpose: f.purpose,
                    senders: std::mem::take(&mut f.senders),
                    receivers: std::mem::take(&mut f.receivers),
                }
            })
            .collect()
    }

    /// The group of `key` among those that meet at `carrier` for
    /// `payload`, walked once: a depth-first walk upstream through carriers
    /// that visits each (carrier, roles passed so far) once, so it costs
    /// the size of the carrier's upstream, not the number of its paths.
    fn lookup(&mut self, carrier: ActorId, payload: Payload, key: &Key) -> Option<usize> {
        if let Some(groups) = self.walked.get(&(carrier, payload)) {
            return groups.get(key).copied();
        }
        let groups = self.walk_upstream(carrier, payload);
        let g = groups.get(key).copied();
        self.walked.insert((carrier, payload), groups);
        g
    }

    fn walk_upstream(&mut self, carrier: ActorId, payload: Payload) -> FxHashMap<Key, usize> {
        let graph = self.graph;
        let via_roles = |t: TransferId| graph.transfer(t).via.iter().filter_map(|a| self.role(*a));
        let mut nodes = vec![Node {
            carrier,
            passed: self.role(carrier).into_iter().collect(),
            down: None,
        }];
        let mut stack = vec![0];
        let mut seen: FxHashSet<(ActorId, Vec<RoleId>)> = FxHashSet::default();
        let mut groups: FxHashMap<Key, usize> = FxHashMap::default();
        let mut members: FxHashSet<(usize, ActorId)> = FxHashSet::default();
        let mut found: Vec<(Key, Sender)> = Vec::new();
        while let Some(n) = stack.pop() {
            let at = nodes[n].carrier;
            if !seen.insert((at, nodes[n].passed.clone())) {
                continue;
            }
            let mut upstream = Vec::new();
            for &t in graph.into_carrier(at, payload) {
                let (from, _) = graph.ends(t);
                let mut passed = nodes[n].passed.clone();
                passed.extend(via_roles(t));
                if self.is_carrier(from) {
                    passed.extend(self.role(from));
                    passed.sort();
                    passed.dedup();
                    upstream.push(Node {
                        carrier: from,
                        passed,
                        down: Some((t, n)),
                    });
                } else {
                    passed.sort();
                    passed.dedup();
                    found.push((
                        (self.role(from), passed),
                        Sender {
                            actor: from,
                            route: route_from(graph, &nodes, t, n),
                            flow: graph.transfer(t).flow,
                        },
                    ));
                }
            }
            // Reversed, so that the walk meets upstream carriers in source order.
            for node in upstream.into_iter().rev() {
                nodes.push(node);
                stack.push(nodes.len() - 1);
            }
        }
        for (key, sender) in found {
            let g = match groups.get(&key) {
                Some(&g) => g,
                None => {
                    let g = self.push(payload, Vec::new());
                    groups.insert(key, g);
                    g
                }
            };
            // Each sender once per group: the first route the walk meets.
            if members.insert((g, sender.actor)) {
                self.found[g].senders.push(sender);
            }
        }
        groups
    }
}

/// The route from the sender of `t` up to the walk's start: `t`'s `via`
/// actors, the carrier it enters, and so on down the parent pointers.
fn route_from(graph: &FlowGraph, nodes: &[Node], t: TransferId, n: usize) -> Vec<ActorId> {
    let mut route: Vec<ActorId> = graph.transfer(t).via.clone();
    let mut at = Some(n);
    while let Some(i) = at {
        let node = &nodes[i];
        route.push(node.carrier);
        at = node.down.map(|(down, next)| {
            route.extend(graph.transfer(down).via.iter().copied());
            next
        });
    }
    route
}
