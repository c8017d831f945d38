//! The sender groups of the inventory. The graph joins the senders whose
//! data reaches a carrier with the same sender role and the same roles
//! passed into one exchange, because a check cannot tell them apart; each
//! of them keeps its own record, so the inventory names them, but once:
//! a group lists the senders that enter its carrier and the groups whose
//! data is carried on into it (see [`super::meetings`]), never a sender
//! once per carrier it reaches nor once per receiver. A carrier with many
//! senders and many receivers costs senders + receivers, a chain of
//! carriers its hops.

use super::meetings::{Arrival, Meetings, Passed, Resolved};
use crate::graph::{Exchange, FlowGraph, Payload, RouteId, TransferId};
use crate::model::ActorTable;
use crate::model::*;
use rustc_hash::FxHashMap;

/// The actors passed by a chain of transfers, in order of travel: each
/// hop's `via` actors, then the carrier it ends at.
pub fn route_of(design: &Design, graph: &FlowGraph, hops: &[TransferId]) -> Vec<ActorId> {
    let mut out = Vec::new();
    for (i, &t) in hops.iter().enumerate() {
        out.extend(graph.transfer(t).via(design));
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

/// A group included in another: its data is carried on into the other's
/// carrier, so each of its senders (and of the groups it includes) is a
/// sender of the other too.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Join {
    /// The group included.
    pub group: GroupId,
    /// The actors passed from that group's carrier to this one's, this
    /// one's carrier last.
    pub route: Vec<ActorId>,
    /// The flow of the hop into this group's carrier.
    pub flow: FlowId,
}

/// Senders of one item for one purpose whose data meets at a carrier and
/// goes on together (for a direct exchange, its one sender). Its senders
/// are those listed and, recursively, those of the groups it includes
/// ([`super::Inventory::senders_of`]); its receivers, those listed and
/// those of the groups that include it ([`super::Inventory::receivers_of`]).
/// Each such sender with each such receiver is a provision, and each end
/// of it keeps a record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SenderGroup {
    /// The item.
    pub item: DataId,
    /// The purpose (None: the flows name none).
    pub purpose: Option<PurposeId>,
    /// The carrier where the senders meet (None for a direct exchange).
    pub carrier: Option<ActorId>,
    /// The senders whose data enters the carrier from outside any other
    /// group, in the order of their hops into it, each once.
    pub senders: Vec<Sender>,
    /// The groups whose data is carried on into the carrier, in the order
    /// of their hops into it, each once.
    pub joins: Vec<Join>,
    /// Every receiver of an exchange that names the group, in the design's
    /// order, each once.
    pub receivers: Vec<ActorId>,
    /// The groups that include this one (whose receivers are this one's
    /// too), in the order of [`super::Inventory::groups`].
    pub onward: Vec<GroupId>,
}

impl SenderGroup {
    /// Its one sender, when it has exactly one and includes no group.
    pub fn sole(&self) -> Option<&Sender> {
        match (self.senders.as_slice(), self.joins.is_empty()) {
            ([one], true) => Some(one),
            _ => None,
        }
    }
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

/// A group as found, before it is given an id.
struct Found {
    item: DataId,
    purpose: Option<PurposeId>,
    carrier: Option<ActorId>,
    senders: Vec<Sender>,
    /// Included meetings, with the route and flow into this carrier.
    joins: Vec<(usize, Vec<ActorId>, FlowId)>,
    receivers: Vec<ActorId>,
    /// A meeting of several senders (not one sender standing alone): its
    /// senders pass the item on to the group's receivers.
    listed: bool,
    id: Option<GroupId>,
}

/// Finds the sender group of each exchange.
pub(super) struct Groups<'a> {
    design: &'a Design,
    /// Each actor's role and role kind.
    actors: &'a ActorTable,
    graph: &'a FlowGraph,
    meetings: Meetings<'a>,
    /// The meeting each route before an exchange's last hop reaches, by
    /// route, payload and sender's role: found once, though every
    /// receiver of a carrier's deliveries has an exchange of that route.
    upstream: FxHashMap<(RouteId, Payload, Option<RoleId>), Option<usize>>,
    /// Meetings of several senders, by meeting.
    listed: FxHashMap<usize, usize>,
    /// Meetings of one sender, by the meeting an exchange leaves.
    alone: FxHashMap<usize, usize>,
    /// Direct exchanges: one group per (sender, payload), found only
    /// for those a record names (see [`Groups::direct_id`]).
    direct: FxHashMap<(ActorId, Payload), usize>,
    found: Vec<Found>,
    /// Found groups given an id, in id order.
    order: Vec<usize>,
    /// The exchange being walked (see [`Groups::of`]).
    now: u32,
    /// The exchange at which each group was given its id, in id order.
    numbered_at: Vec<u32>,
    /// Groups of several senders given an id since [`Groups::take_fresh`].
    fresh: Vec<usize>,
}

/// What [`Groups::of`] tells of one exchange.
pub(super) struct Joined {
    /// Index of its group (see [`Groups::senders`], [`Groups::id`]); None
    /// for a direct exchange, whose one sender is the exchange's sender
    /// with no route before `after` (its group is found only when a
    /// record names it: [`Groups::direct_id`]).
    pub group: Option<usize>,
    /// The actors passed after the group's carrier (for a direct exchange,
    /// its whole route).
    pub after: Vec<ActorId>,
    /// Does the data pass a carrier between the two hops? (Stitched.)
    pub stitched: bool,
}

impl<'a> Groups<'a> {
    /// Groups of the exchanges of the payloads that `arrivals`
    /// carries into carriers (see [`Meetings::find`]).
    pub fn new(
        design: &'a Design,
        graph: &'a FlowGraph,
        actors: &'a ActorTable,
        arrivals: &[Arrival],
    ) -> Self {
        Groups {
            design,
            actors,
            graph,
            meetings: Meetings::find(design, graph, actors, arrivals),
            upstream: FxHashMap::default(),
            listed: FxHashMap::default(),
            alone: FxHashMap::default(),
            direct: FxHashMap::default(),
            found: Vec::new(),
            order: Vec::new(),
            now: 0,
            numbered_at: Vec::new(),
            fresh: Vec::new(),
        }
    }

    fn role(&self, a: ActorId) -> Option<RoleId> {
        self.actors.role(a)
    }

    /// The group of exchange number `at`, its receiver noted.
    pub fn of(&mut self, at: u32, ex: &Exchange) -> Joined {
        self.now = at;
        let last = ex.last();
        // A direct exchange (one hop) is its own sender's: nothing is
        // found or kept for it here. A national design has a million of
        // them, and a group each, with its lists, was most of the walk.
        let Some(up) = ex.upstream() else {
            return self.direct(last);
        };
        let (carrier, _) = self.graph.ends(last);
        let mut after = Vec::new();
        let meeting = self.meeting_of(up, carrier, ex);
        let group = match meeting.map(|s| (s, self.meetings.resolve(s))) {
            Some((s, Resolved::Sole { actor, flow, path })) => match self.alone.get(&s) {
                Some(&g) => g,
                None => {
                    let sender = Sender {
                        actor,
                        route: self.meetings.route(Some(path)),
                        flow,
                    };
                    let g = self.push(ex.payload, Some(carrier), vec![sender]);
                    self.alone.insert(s, g);
                    g
                }
            },
            Some((_, Resolved::Group { meeting, path })) => {
                after = self.meetings.route(path);
                self.meeting(meeting)
            }
            // Not found (not expected: the walk forward meets every
            // meeting): the exchange's representative alone.
            None => {
                let hops = self.graph.route(ex);
                let upstream = hops.split_last().map_or(&[][..], |(_, up)| up);
                let mut route = route_of(self.design, self.graph, upstream);
                route.push(carrier);
                let flow = self
                    .graph
                    .transfer(hops.first().copied().unwrap_or(last))
                    .flow;
                let sender = Sender {
                    actor: ex.sender,
                    route,
                    flow,
                };
                self.push(ex.payload, Some(carrier), vec![sender])
            }
        };
        after.extend(self.graph.transfer(last).via(self.design));
        // Each receiver once, kept at its first exchange: the repeats are
        // dropped at the end (a hash set of every (group, receiver) pair
        // missed the cache at nearly every exchange of a large design).
        let receivers = &mut self.found[group].receivers;
        if receivers.last() != Some(&ex.receiver) {
            receivers.push(ex.receiver);
        }
        Joined {
            group: Some(group),
            after,
            stitched: true,
        }
    }

    /// The meeting at `carrier` that exchange `ex`'s route before its
    /// last hop (`up`) reaches, looked up once per route, payload and
    /// sender's role.
    fn meeting_of(&mut self, up: RouteId, carrier: ActorId, ex: &Exchange) -> Option<usize> {
        let sender_role = self.role(ex.sender);
        let key = (up, ex.payload, sender_role);
        if let Some(&m) = self.upstream.get(&key) {
            return m;
        }
        // The roles of every actor the route passes and of every carrier
        // it enters, as a set: what `Meetings::find` keys a meeting by.
        let hops: Vec<TransferId> = self.graph.hops_back(ex).skip(1).collect();
        let mut passed: Passed = hops
            .iter()
            .flat_map(|&t| self.graph.transfer(t).via(self.design))
            .chain(hops.iter().map(|&t| self.graph.ends(t).1))
            .filter_map(|a| self.role(a))
            .collect();
        passed.sort();
        passed.dedup();
        let m = self
            .meetings
            .lookup(carrier, ex.payload, sender_role, passed);
        self.upstream.insert(key, m);
        m
    }

    /// What a direct exchange, one transfer `last`, tells: no group, and
    /// the transfer's `via` actors as its route.
    fn direct(&self, last: TransferId) -> Joined {
        Joined {
            group: None,
            after: self.graph.transfer(last).via(self.design).collect(),
            stitched: false,
        }
    }

    /// The public id of the group of the direct exchanges of `payload`
    /// from `sender`, found on first use. Its sender's flow and its
    /// receivers are those of every such exchange of the walk, which
    /// [`Groups::finish`] reads again (a group is found at an exchange
    /// that a record names, not necessarily its first).
    pub fn direct_id(&mut self, sender: ActorId, payload: Payload, flow: FlowId) -> GroupId {
        let g = match self.direct.get(&(sender, payload)) {
            Some(&g) => g,
            None => {
                let one = Sender {
                    actor: sender,
                    route: Vec::new(),
                    flow,
                };
                let g = self.push(payload, None, vec![one]);
                self.direct.insert((sender, payload), g);
                g
            }
        };
        self.id(g)
    }

    /// Gives each direct group found the flow of its first exchange
    /// among `exchanges` (the walk's, in order) and every receiver of
    /// them, in that order.
    fn complete_direct(&mut self, exchanges: &[u32]) {
        if self.direct.is_empty() {
            return;
        }
        let mut first = vec![true; self.found.len()];
        for &i in exchanges {
            let Some(ex) = self.graph.exchanges.get(i as usize) else {
                continue;
            };
            if ex.is_stitched() {
                continue;
            }
            let Some(&g) = self.direct.get(&(ex.sender, ex.payload)) else {
                continue;
            };
            let (Some(f), Some(fresh)) = (self.found.get_mut(g), first.get_mut(g)) else {
                continue;
            };
            if std::mem::replace(fresh, false)
                && let Some(one) = f.senders.first_mut()
            {
                one.flow = self.graph.transfer(ex.last()).flow;
            }
            if f.receivers.last() != Some(&ex.receiver) {
                f.receivers.push(ex.receiver);
            }
        }
    }

    fn push(&mut self, payload: Payload, carrier: Option<ActorId>, senders: Vec<Sender>) -> usize {
        self.found.push(Found {
            item: payload.0,
            purpose: payload.1,
            carrier,
            senders,
            joins: Vec::new(),
            receivers: Vec::new(),
            listed: false,
            id: None,
        });
        self.found.len() - 1
    }

    /// The group of a meeting of several senders (resolved), found once.
    fn meeting(&mut self, s: usize) -> usize {
        if let Some(&g) = self.listed.get(&s) {
            return g;
        }
        let m = &self.meetings;
        let content = m.content(s);
        let senders = content
            .senders
            .iter()
            .map(|&(actor, flow, step)| Sender {
                actor,
                route: m.route(Some(step)),
                flow,
            })
            .collect();
        let joins = content
            .joins
            .iter()
            .filter_map(|&(u, step)| Some((u, m.route(Some(step)), m.flow(step)?)))
            .collect();
        let g = self.push(m.payload(s), Some(m.carrier(s)), senders);
        self.found[g].joins = joins;
        self.found[g].listed = true;
        self.listed.insert(s, g);
        g
    }

    /// The senders a group lists (not those of the groups it includes).
    pub fn senders(&self, group: usize) -> &[Sender] {
        &self.found[group].senders
    }

    /// The group's one sender, when it stands alone: the exchanges it
    /// sends in name that sender, not the group.
    pub fn sole(&self, group: usize) -> Option<&Sender> {
        let f = &self.found[group];
        match (f.senders.as_slice(), f.listed) {
            ([one], false) => Some(one),
            _ => None,
        }
    }

    /// The group's public id, given on first use (so ids follow the
    /// design's order of exchanges), with the groups it includes, depth
    /// first, on the first use of a group of several senders.
    pub fn id(&mut self, group: usize) -> GroupId {
        if let Some(id) = self.found[group].id {
            return id;
        }
        let id = self.number(group);
        let mut stack = vec![group];
        while let Some(f) = stack.pop() {
            let included: Vec<usize> = self.found[f].joins.iter().map(|j| j.0).collect();
            for u in included.into_iter().rev() {
                let j = self.meeting(u);
                if self.found[j].id.is_none() {
                    self.number(j);
                    stack.push(j);
                }
            }
        }
        id
    }

    fn number(&mut self, group: usize) -> GroupId {
        let id = GroupId(self.order.len() as u32);
        self.found[group].id = Some(id);
        self.order.push(group);
        self.numbered_at.push(self.now);
        if self.found[group].listed {
            self.fresh.push(group);
        }
        id
    }

    /// The groups of several senders given an id since the last call.
    pub fn take_fresh(&mut self) -> Vec<usize> {
        std::mem::take(&mut self.fresh)
    }

    /// The groups given an id, in id order (their `onward` left empty),
    /// with the exchange at which each was given it; `exchanges` are
    /// those walked, in order.
    pub fn finish(mut self, exchanges: &[u32]) -> (Vec<SenderGroup>, Vec<u32>) {
        self.complete_direct(exchanges);
        let order = std::mem::take(&mut self.order);
        let mut out: Vec<SenderGroup> = Vec::with_capacity(order.len());
        // The group (plus one) that last kept each actor as a receiver.
        let mut kept_by: Vec<u32> = vec![0; self.actors.len()];
        for &g in &order {
            let joins: Vec<Join> = std::mem::take(&mut self.found[g].joins)
                .into_iter()
                .filter_map(|(u, route, flow)| {
                    let group = self.found[*self.listed.get(&u)?].id?;
                    Some(Join { group, route, flow })
                })
                .collect();
            let f = &mut self.found[g];
            let stamp = u32::try_from(g + 1).unwrap_or(u32::MAX);
            let mut receivers = std::mem::take(&mut f.receivers);
            receivers.retain(|a| match kept_by.get_mut(a.index()) {
                Some(k) if *k == stamp => false,
                Some(k) => {
                    *k = stamp;
                    true
                }
                None => true,
            });
            out.push(SenderGroup {
                item: f.item,
                purpose: f.purpose,
                carrier: f.carrier,
                senders: std::mem::take(&mut f.senders),
                joins,
                receivers,
                onward: Vec::new(),
            });
        }
        (out, self.numbered_at)
    }
}
