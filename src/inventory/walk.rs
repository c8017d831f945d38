//! The walk over the exchanges of 特定個人情報 that draws the inventory's
//! movements, sender groups and records. Nothing it draws mixes two items:
//! a group is of one payload, a meeting's data goes on as the same item,
//! and movements are listed by (system, item). So the items are dealt into
//! [`Parts`], each part walked on its own (on every core for a large
//! design), and [`merge`] puts the parts together as one walk over every
//! exchange in order would have drawn them: groups numbered in the order
//! of the exchange that first names each, records in the design's order.
//! How the items are dealt changes how fast, never what is drawn.

use super::meetings::Arrival;
use super::senders::Groups;
use super::{Basis, Counterpart, KeyIndex, Movement, Moves, MovesBy, Record, TABLE_FLOOR};
use super::{GroupId, SenderGroup, TABLE_PER_EXCHANGE};
use crate::graph::FlowGraph;
use crate::model::ActorTable;
use crate::model::*;
use rayon::prelude::*;
use std::collections::BTreeSet;

/// Edges read per task when the parts' arrivals are drawn: enough to
/// outweigh handing the task to a thread.
pub(super) const ARRIVALS_PER_CHUNK: usize = 64 * 1024;

/// The items of 特定個人情報 dealt into parts, and each part's exchanges.
pub(super) struct Parts {
    /// Each item's part (`u32::MAX`: not walked, not 特定個人情報).
    of_item: Vec<u32>,
    /// Each part's exchanges of 特定個人情報, in order (indexes into the
    /// graph's exchanges).
    exchanges: Vec<Vec<u32>>,
}

impl Parts {
    /// Deals the items `walked` picks into at most `count` parts of about
    /// as many exchanges each: the items with the most exchanges first,
    /// each to the part with the fewest so far. With the parts, each
    /// part's transfers into a carrier, once for each payload of one of
    /// its items they carry, in the graph's order (given apart: each part
    /// frees its own once it has found its meetings). The edges are read
    /// in chunks of at least `edges_per_chunk` ([`ARRIVALS_PER_CHUNK`]).
    pub fn deal(
        design: &Design,
        graph: &FlowGraph,
        actors: &ActorTable,
        walked: &[bool],
        count: usize,
        edges_per_chunk: usize,
    ) -> (Parts, Vec<Vec<Arrival>>) {
        let mut load = vec![0usize; walked.len()];
        for ex in &graph.exchanges {
            if let Some(n) = load.get_mut(ex.payload.0.index()) {
                *n += 1;
            }
        }
        let mut items: Vec<usize> = (0..walked.len())
            .filter(|&d| walked[d] && load[d] > 0)
            .collect();
        items.sort_by_key(|&d| (std::cmp::Reverse(load[d]), d));
        let count = count.clamp(1, items.len().max(1));
        let mut loads = vec![0usize; count];
        let mut of_item = vec![u32::MAX; walked.len()];
        for d in items {
            let (k, _) = loads
                .iter()
                .enumerate()
                .min_by_key(|&(k, l)| (*l, k))
                .unwrap_or((0, &0));
            loads[k] += load[d];
            of_item[d] = k as u32;
        }
        let mut exchanges: Vec<Vec<u32>> = loads.iter().map(|&l| Vec::with_capacity(l)).collect();
        for (i, ex) in graph.exchanges.iter().enumerate() {
            if let (Some(&k), Ok(i)) = (of_item.get(ex.payload.0.index()), u32::try_from(i))
                && let Some(list) = exchanges.get_mut(k as usize)
            {
                list.push(i);
            }
        }
        // The edge and its flow are read here, in the graph's order, once:
        // read again by each part, at random, they were most of finding
        // its meetings. In chunks of edges on every core, each chunk's
        // arrivals joined part by part in the chunks' order: on one core,
        // at 1M `carriers`, this loop was a serial 43-50 ms.
        let edges = graph.graph.raw_edges();
        let chunk = edges
            .len()
            .div_ceil(rayon::current_num_threads() * 4)
            .max(edges_per_chunk.max(1));
        let parts = loads.len();
        let arrive = |(c, edges): (usize, &[petgraph::graph::Edge<crate::graph::Transfer>])| {
            let mut arrivals: Vec<Vec<Arrival>> = vec![Vec::new(); parts];
            for (k, e) in edges.iter().enumerate() {
                let to = graph.graph[e.target()];
                if !actors.is(to, RoleKind::Carrier) {
                    continue;
                }
                let (from, hop) = (graph.graph[e.source()], e.weight);
                let transfer = petgraph::graph::EdgeIndex::new(c * chunk + k);
                for payload in hop.payloads(design) {
                    if let Some(&k) = of_item.get(payload.0.index())
                        && let Some(list) = arrivals.get_mut(k as usize)
                    {
                        list.push(Arrival {
                            transfer,
                            from,
                            to,
                            hop,
                            payload,
                        });
                    }
                }
            }
            arrivals
        };
        let chunks: Vec<Vec<Vec<Arrival>>> = match edges.len() > chunk {
            true => edges.par_chunks(chunk).enumerate().map(arrive).collect(),
            false => edges.chunks(chunk).enumerate().map(arrive).collect(),
        };
        // Each part's lists, in the chunks' order, then joined.
        let mut columns: Vec<Vec<Vec<Arrival>>> = (0..parts).map(|_| Vec::new()).collect();
        for lists in chunks {
            for (column, list) in columns.iter_mut().zip(lists) {
                column.push(list);
            }
        }
        let arrivals: Vec<Vec<Arrival>> = columns
            .into_par_iter()
            .map(|lists| match <[_; 1]>::try_from(lists) {
                Ok([one]) => one,
                Err(lists) => lists.concat(),
            })
            .collect();
        (Parts { of_item, exchanges }, arrivals)
    }

    /// Is `item` walked in part `k`?
    fn holds(&self, k: usize, item: DataId) -> bool {
        self.of_item.get(item.index()).copied() == Some(k as u32)
    }
}

/// What the walk over one part draws. Group ids are the part's own.
pub(super) struct Walked {
    /// Each (system, item)'s moves, in the order first met.
    moves: Vec<((ActorId, DataId), Moves)>,
    /// Does a movement name a group? (Else the moves need no renumbering.)
    names_groups: bool,
    /// The carriers its exchanges and groups pass.
    carriers: BTreeSet<ActorId>,
    /// The part's groups in its own id order, `onward` left empty.
    groups: Vec<SenderGroup>,
    /// The exchange at which each of them was given its id.
    numbered_at: Vec<u32>,
    /// The records, each with its exchange.
    records: Vec<(u32, Record)>,
}

/// What the walk over each part reads.
pub(super) struct Walk<'a> {
    /// The design drawn from.
    pub design: &'a Design,
    /// Its graph.
    pub graph: &'a FlowGraph,
    /// The verdict `check` gives each exchange (by exchange).
    pub verdicts: &'a [Option<Basis>],
    /// Does `check` report MN402 on the exchange (by exchange)? A
    /// transfer's movements carry it as their basis.
    pub beyond_purpose: &'a [bool],
    /// Each actor's role and role kind.
    pub actors: &'a ActorTable,
    /// The items dealt into parts.
    pub parts: &'a Parts,
}

impl Walk<'_> {
    /// Walks the exchanges of part `k`.
    pub fn part(&self, k: usize, arrivals: Vec<Arrival>) -> Walked {
        let (design, graph) = (self.design, self.graph);
        let is_self = |a: ActorId| self.actors.is(a, RoleKind::SelfOrg);
        let is_carrier = |a: &ActorId| self.actors.is(*a, RoleKind::Carrier);
        let is_contractor = |a: ActorId| self.actors.is(a, RoleKind::Contractor);
        let walked = |d: DataId| self.parts.holds(k, d);
        let exchanges = self.parts.exchanges.get(k).map_or(&[][..], Vec::as_slice);

        // Per (system, item): what arrives and what leaves. Listed in a
        // vector found through a table (or a hash) of the keys while
        // drawn, sorted once at the end.
        let cells = exchanges
            .len()
            .saturating_mul(TABLE_PER_EXCHANGE)
            .max(TABLE_FLOOR);
        // About one (system, item) an exchange: most systems receive an
        // item from one system and pass it on to one.
        let expected = exchanges.len();
        let mut moves = MovesBy::new(
            KeyIndex::new(
                design.actors.len(),
                is_self,
                design.data.len(),
                walked,
                cells,
                expected,
            ),
            expected,
        );
        let mut carriers = CarriersMet::new(design.actors.len());
        let mut groups = Groups::new(design, graph, self.actors, &arrivals);
        drop(arrivals);
        // Groups whose senders' routes are counted (carriers): once each.
        // By the group's index (dense: groups are numbered as found), not
        // hashed: one look-up per exchange.
        let mut routed: Vec<bool> = Vec::new();
        let mut records = Vec::new();
        let mut names_groups = false;
        for &i in exchanges {
            let Some(ex) = graph.exchanges.get(i as usize) else {
                continue;
            };
            let item = ex.payload.0;
            let b = self.verdicts.get(i as usize).cloned().flatten();
            // What the movements say: the verdict, or MN402 on a transfer
            // (no verdict: the records take only `b`).
            let shown = match (&b, self.beyond_purpose.get(i as usize)) {
                (None, Some(true)) => Some(Basis::Refused(crate::code::Code::MN402)),
                _ => b.clone(),
            };
            let flow = graph.transfer(ex.last()).flow;
            let joined = groups.of(i, ex);
            carriers.extend(joined.after.iter().copied().filter(is_carrier));
            if let Some(g) = joined.group {
                if routed.len() <= g {
                    routed.resize(g + 1, false);
                }
                if let Some(seen) = routed.get_mut(g)
                    && !std::mem::replace(seen, true)
                {
                    for s in groups.senders(g) {
                        carriers.extend(s.route.iter().copied().filter(is_carrier));
                    }
                }
            }
            // One sender: the movements name it, with its whole route (a
            // direct exchange's sender has none before `after`).
            let single = match joined.group {
                None => Some((ex.sender, Box::from(joined.after.as_slice()))),
                Some(g) => groups.sole(g).map(|one| {
                    let mut route = one.route.clone();
                    route.extend(joined.after.iter().copied());
                    (one.actor, route.into_boxed_slice())
                }),
            };
            let m = |counterpart, route| Movement {
                counterpart,
                purpose: ex.payload.1,
                route,
                flow,
                basis: shown.clone(),
            };
            match (&single, joined.group) {
                (Some((sender, route)), _) => {
                    // A contractor on the way handles the item too.
                    let via_contractor = route.iter().any(|a| is_contractor(*a));
                    if is_self(ex.receiver) {
                        let received = m(Counterpart::Actor(*sender), route.clone());
                        let named = via_contractor || is_contractor(*sender);
                        moves.at((ex.receiver, item)).receive(received, named);
                    }
                    if is_self(*sender) {
                        let passed = m(Counterpart::Actor(ex.receiver), route.clone());
                        let named = via_contractor || is_contractor(ex.receiver);
                        moves.at((*sender, item)).pass_on(passed, named);
                    }
                }
                // A group of several (a direct exchange has one sender).
                (None, Some(g)) => {
                    let id = groups.id(g);
                    if is_self(ex.receiver) {
                        let after = Box::from(joined.after.as_slice());
                        let received = m(Counterpart::Group(id), after);
                        moves.at((ex.receiver, item)).receive(received, true);
                        names_groups = true;
                    }
                }
                (None, None) => {}
            }
            // A provision through a carrier: both ends keep a record.
            let through_carrier = joined.stitched || joined.after.iter().any(is_carrier);
            if let (Some(basis), Some(purpose), true) = (&b, ex.payload.1, through_carrier) {
                let senders = match joined.group {
                    Some(g) => groups.id(g),
                    None => groups.direct_id(ex.sender, ex.payload, flow),
                };
                let record = Record {
                    senders,
                    receiver: ex.receiver,
                    item,
                    purpose,
                    route: joined.after,
                    basis: basis.clone(),
                    flow,
                };
                records.push((i, record));
            }
            // Each sender of a group of several, on its group's first use,
            // passes the item on to the group's receivers (and those of the
            // groups that include it): one movement per sender and group
            // it enters, not per receiver nor per group downstream.
            for f in groups.take_fresh() {
                let id = groups.id(f);
                for s in groups.senders(f).iter().filter(|s| is_self(s.actor)) {
                    let passed = Movement {
                        counterpart: Counterpart::Group(id),
                        purpose: ex.payload.1,
                        route: Box::from(s.route.as_slice()),
                        flow: s.flow,
                        basis: None,
                    };
                    moves.at((s.actor, item)).pass_on(passed, true);
                    names_groups = true;
                }
            }
        }
        let (groups, numbered_at) = groups.finish(exchanges);
        // Carriers the groups meet at and pass on the way to each other.
        for g in &groups {
            carriers.extend(g.carrier.filter(is_carrier));
            for j in &g.joins {
                carriers.extend(j.route.iter().copied().filter(is_carrier));
            }
            for s in &g.senders {
                carriers.extend(s.route.iter().copied().filter(is_carrier));
            }
        }
        Walked {
            moves: moves.into_list(),
            names_groups,
            carriers: carriers.into_set(),
            groups,
            numbered_at,
            records,
        }
    }
}

/// The carriers a part's exchanges and groups pass, each marked by actor
/// as it is met and listed once: met once or more per exchange, and a
/// `BTreeSet` walked down its tree each time (at 1M `carriers`, its
/// inserts grew 26× from 100k where the walk grew 16×).
struct CarriersMet {
    seen: Vec<bool>,
    list: Vec<ActorId>,
}

impl CarriersMet {
    /// None met yet, of a design of `actors` actors.
    fn new(actors: usize) -> CarriersMet {
        CarriersMet {
            seen: vec![false; actors],
            list: Vec::new(),
        }
    }

    /// Marks every carrier of `met`.
    fn extend(&mut self, met: impl IntoIterator<Item = ActorId>) {
        for a in met {
            if self.seen.len() <= a.index() {
                self.seen.resize(a.index() + 1, false);
            }
            if let Some(seen) = self.seen.get_mut(a.index())
                && !std::mem::replace(seen, true)
            {
                self.list.push(a);
            }
        }
    }

    /// The carriers met, in order.
    fn into_set(self) -> BTreeSet<ActorId> {
        self.list.into_iter().collect()
    }
}

/// The parts' walks put together, as one walk over every exchange draws it.
pub(super) struct Merged {
    /// Each part's (system, item)s with their moves, in the order the
    /// part met them (no two parts share an item).
    pub moves: Vec<Vec<((ActorId, DataId), Moves)>>,
    /// Every carrier passed.
    pub carriers: BTreeSet<ActorId>,
    /// The groups, numbered in the order of the exchange that first named
    /// each (a part numbers its groups at its exchanges in that order).
    pub groups: Vec<SenderGroup>,
    /// The records, in the order of their exchanges.
    pub records: Vec<Record>,
}

/// Puts the parts' walks together (the sorts on every core when `parallel`).
pub(super) fn merge(walks: Vec<Walked>, parallel: bool) -> Merged {
    // Each group's place: by the exchange that numbered it, then by its
    // part's order (one exchange numbers groups of one part only).
    let mut order: Vec<(u32, u32, u32)> = Vec::new();
    for (k, w) in walks.iter().enumerate() {
        for (local, &at) in w.numbered_at.iter().enumerate() {
            order.push((at, k as u32, local as u32));
        }
    }
    if walks.len() > 1 {
        order.par_sort_unstable();
    }
    let mut global: Vec<Vec<u32>> = walks.iter().map(|w| vec![0; w.groups.len()]).collect();
    for (g, &(_, k, local)) in order.iter().enumerate() {
        if let Some(slot) = global
            .get_mut(k as usize)
            .and_then(|ids| ids.get_mut(local as usize))
        {
            *slot = g as u32;
        }
    }
    let renumber = |k: usize, id: GroupId| {
        GroupId(
            global
                .get(k)
                .and_then(|ids| ids.get(id.index()))
                .copied()
                .unwrap_or(id.0),
        )
    };

    let mut carriers = BTreeSet::new();
    let mut moves = Vec::with_capacity(walks.len());
    // Each part's records, in the order of their exchanges: merged below
    // into one list, never copied into another first.
    let mut parted_records = Vec::with_capacity(walks.len());
    let mut parted: Vec<std::vec::IntoIter<SenderGroup>> = Vec::with_capacity(walks.len());
    for (k, w) in walks.into_iter().enumerate() {
        let Walked {
            moves: mut m,
            names_groups,
            carriers: c,
            groups,
            numbered_at: _,
            records: r,
        } = w;
        let renumber_moves = |(_, moves): &mut ((ActorId, DataId), Moves)| {
            for mv in moves.received.iter_mut().chain(moves.passed_on.iter_mut()) {
                if let Counterpart::Group(id) = &mut mv.counterpart {
                    *id = renumber(k, *id);
                }
            }
        };
        match (names_groups, parallel) {
            (false, _) => {}
            (true, true) => m.par_iter_mut().for_each(renumber_moves),
            (true, false) => m.iter_mut().for_each(renumber_moves),
        }
        moves.push(m);
        carriers.extend(c);
        parted_records.push(r);
        let mut groups = groups;
        for j in groups.iter_mut().flat_map(|g| g.joins.iter_mut()) {
            j.group = renumber(k, j.group);
        }
        parted.push(groups.into_iter());
    }
    // A part's groups come in its own order in the whole's.
    let mut groups: Vec<SenderGroup> = order
        .iter()
        .filter_map(|&(_, k, _)| parted.get_mut(k as usize).and_then(Iterator::next))
        .collect();
    // The groups that include each group, in id order.
    for i in 0..groups.len() {
        for j in 0..groups[i].joins.len() {
            let up = groups[i].joins[j].group.index();
            if let Some(g) = groups.get_mut(up) {
                g.onward.push(GroupId(i as u32));
            }
        }
    }
    let records = merge_records(parted_records, renumber);
    Merged {
        moves,
        carriers,
        groups,
        records,
    }
}

/// The parts' records, each part's in the order of its exchanges, as one
/// list in the order of theirs (one record per exchange at most), each
/// record's senders renumbered by `renumber` (given its part). Merged a
/// record at a time from the parts' heads: joined, then sorted, then
/// copied without their exchanges, they were three lists of a million
/// flows' records in fresh memory.
fn merge_records(
    parts: Vec<Vec<(u32, Record)>>,
    renumber: impl Fn(usize, GroupId) -> GroupId,
) -> Vec<Record> {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    let mut records = Vec::with_capacity(parts.iter().map(Vec::len).sum());
    let mut lists: Vec<_> = parts
        .into_iter()
        .map(|p| p.into_iter().peekable())
        .collect();
    // Each part's next exchange, the earliest on top.
    let mut next: BinaryHeap<_> = (lists.iter_mut().enumerate())
        .filter_map(|(k, list)| list.peek().map(|&(at, _)| Reverse((at, k))))
        .collect();
    while let Some(Reverse((_, k))) = next.pop() {
        let Some(list) = lists.get_mut(k) else {
            continue;
        };
        if let Some((_, mut record)) = list.next() {
            record.senders = renumber(k, record.senders);
            records.push(record);
        }
        if let Some(&(at, _)) = list.peek() {
            next.push(Reverse((at, k)));
        }
    }
    records
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_merged_in_the_order_of_their_exchanges_and_renumbered() {
        let record = |flow: u32| Record {
            senders: GroupId(flow),
            receiver: ActorId::new(0),
            item: DataId::new(0),
            purpose: PurposeId::new(0),
            route: vec![ActorId::new(flow)],
            basis: Basis::Rule(RuleId::new(0)),
            flow: FlowId::new(flow),
        };
        let part = |ats: &[u32]| ats.iter().map(|&at| (at, record(at))).collect::<Vec<_>>();
        let parts = vec![
            part(&[1, 4, 5, 9]),
            part(&[]),
            part(&[0, 2]),
            part(&[3, 6, 7, 8]),
        ];
        // Each part's senders moved on by a thousand times its number.
        let merged = merge_records(parts, |k, g| GroupId(g.0 + 1000 * k as u32));
        let flows: Vec<u32> = merged.iter().map(|r| r.flow.index() as u32).collect();
        assert_eq!(flows, (0..10).collect::<Vec<_>>());
        let senders: Vec<u32> = merged.iter().map(|r| r.senders.0).collect();
        assert_eq!(senders, [2000, 1, 2002, 3003, 4, 5, 3006, 3007, 3008, 9]);
        assert!(merge_records(Vec::new(), |_, g| g).is_empty());
    }

    #[test]
    fn carriers_met_are_each_listed_once_in_order() {
        let a = ActorId::new;
        let mut met = CarriersMet::new(4);
        met.extend([a(3), a(1), a(3)]);
        met.extend([a(1), a(0)]);
        // An actor past the design's count is still listed, not dropped.
        met.extend([a(9), a(9)]);
        assert_eq!(met.list, [a(3), a(1), a(0), a(9)]);
        let set: Vec<ActorId> = met.into_set().into_iter().collect();
        assert_eq!(set, [a(0), a(1), a(3), a(9)]);
    }
}
