//! The inventory a society needs for its 特定個人情報保護評価 (PIA, 番号法
//! 第28条) and its access records, drawn from a design: which of its systems
//! hold 特定個人情報, for which purposes, from whom and through which
//! channel it arrives, to whom it goes, which contractors handle it (and
//! what they pass on: 再委託), and every exchange through a carrier, each
//! of which leaves a 情報提供等の記録 at both ends (番号法第23条).
//!
//! Senders whose data meets at a carrier and goes on together are one
//! [`SenderGroup`], listed once; a group whose data goes on to another
//! carrier is included by the group there, not repeated. Records and
//! movements name the group, so the inventory grows with the design
//! (senders + receivers + hops between carriers), never with the number of
//! (sender, receiver) pairs nor of routes, which [`Inventory::pairs`] still
//! yields one by one.
//!
//! Data only: `render::inventory_md`, `render::inventory_json` and the
//! report's section write it; [`Inventory::held`] and its siblings
//! flatten it into the rows of their tables once for all of them. The
//! engine knows role kinds (`self`, `carrier`, `contractor`), never a
//! rulebook's names.
//!
//! Every verdict it lists is the one the checks give (MN1xx, MN301, MN302,
//! MN303, MN402), drawn from the same judgements, never worked out anew.

mod closure;
mod meetings;
mod rows;
mod senders;
mod walk;

pub use rows::{EntrustedRow, HeldRow, PassedOn, PassedRow};
pub use senders::{GroupId, Join, Sender, SenderGroup, route_of};

use crate::checks::{
    CheckOptions, Computed, Holdings, Miss, MyNumberRefusal, MyNumberVerdict, mynumber_verdicts,
};
use crate::code::Code;
use crate::graph::{Exchange, FlowGraph};
use crate::model::*;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use smallvec::SmallVec;
use std::collections::BTreeSet;
use walk::{Parts, Walk};

/// The other end of a movement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Counterpart {
    /// One actor.
    Actor(ActorId),
    /// A group of senders that meet at a carrier: in `received`, every
    /// sender of the group; in `passed_on` (the system is one of its
    /// senders), every receiver of the group.
    Group(GroupId),
}

/// How an item moves between a system and another actor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Movement {
    /// The other end: the sender of what a system receives, the receiver
    /// of what it passes on; a group when many senders meet at a carrier.
    pub counterpart: Counterpart,
    /// The purpose it moves for (None: the flow names none).
    pub purpose: Option<PurposeId>,
    /// The actors it passes between the two ends, in order of travel. For
    /// a group in `received`: those after the group's carrier (each
    /// sender's route to it is in the group); in `passed_on`: the system's
    /// route to the group's carrier. A boxed slice, exactly its length (most
    /// are empty: no allocation): a large design has millions of movements.
    pub route: Box<[ActorId]>,
    /// The flow of the hop that reaches the receiver (for a group in
    /// `passed_on`: the system's hop into the carrier).
    pub flow: FlowId,
    /// For a provision (the counterpart is outside the society): the rule
    /// that allows it, or the finding (None for a group in `passed_on`:
    /// each of its exchanges has its own, in the records).
    pub basis: Option<Basis>,
}

/// A holding's movements one way. Most holdings receive an item from one
/// actor and pass it on to one: that movement is kept in place, in the
/// holding, and only a second one is put elsewhere (growing by doubling).
/// A national design has millions of movements; kept apart, each was one
/// more allocation while walking, and one more cache miss when drawn.
pub type Movements = SmallVec<[Movement; 1]>;

/// One 特定個人情報 item one system holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Holding {
    /// The item.
    pub item: DataId,
    /// The purposes it is held for (those it was received for, as MN402's
    /// holdings compute them), or, when no flow brings it (the society's own
    /// record), those it is sent for.
    pub purposes: Vec<PurposeId>,
    /// Of `purposes`, those the item cannot be traced for, transfer by
    /// transfer, to a party outside the society: this system has it for
    /// them only through a use beyond purpose upstream (MN402 reports it
    /// where it happens). In order, each once.
    pub untraced: Vec<PurposeId>,
    /// No flow brings it to this system: the society makes it here.
    pub own: bool,
    /// How it arrives, in the order of the design.
    pub received: Movements,
    /// Where it goes, in the order of the design.
    pub passed_on: Movements,
    /// Contractors that receive it from this system or send it here, or
    /// that an exchange of it passes on its way, each with the purposes
    /// they handle it for.
    pub contractors: Vec<(ActorId, Vec<PurposeId>)>,
    /// For each of `contractors`, in the same order: how it comes to
    /// handle the item, and what `check` says of that.
    pub entrusting: Vec<Entrusting>,
}

/// How one contractor of [`Holding::contractors`] comes to handle the item.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Entrusting {
    /// What the rulebook says of each exchange that hands the item to the
    /// contractor (or passes it on the way), each once, in the order of
    /// the design: the rule that allows it, or the finding `check`
    /// reports (MN301 when the contractor is not registered for the
    /// purpose). Empty when no exchange of it is judged: the contractor
    /// only sends the item to the system, or receives it in a group's
    /// exchanges (each has its own, in the records).
    pub bases: Vec<Basis>,
    /// The contractor gets the item only on the route of an exchange
    /// between two others (named in `via`), never as its receiver.
    pub only_on_route: bool,
    /// `check` reports MN303 at the contractor: its contract misses
    /// required clauses.
    pub missing_clauses: bool,
}

/// An exchange of 特定個人情報 a contractor passes on to another
/// contractor (再委託, 番号法第10条) or to a party: the exchanges MN302
/// judges.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PassedOnByContractor {
    /// The contractor that sends it.
    pub contractor: ActorId,
    /// The last non-carrier receiver.
    pub receiver: ActorId,
    /// Is the receiver a contractor (re-entrusting) rather than a party?
    pub reentrusting: bool,
    /// The item.
    pub item: DataId,
    /// The purpose.
    pub purpose: PurposeId,
    /// The actors passed between the two ends, in order of travel.
    pub route: Vec<ActorId>,
    /// What `check` reports (MN302), or None: the receiver is a contractor
    /// registered for the purpose, with its own contract with the society.
    pub finding: Option<Code>,
    /// The flow of the hop that reaches the receiver.
    pub flow: FlowId,
}

/// A system of the society that holds 特定個人情報.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct System {
    /// The actor (its role is of kind `self`).
    pub actor: ActorId,
    /// What it holds, in the order the design declares the items.
    pub holdings: Vec<Holding>,
}

/// What arrives at a system and what leaves it, for one item.
#[derive(Default)]
struct Moves {
    received: Movements,
    passed_on: Movements,
    /// Does a movement name a contractor, or a group (whose senders or
    /// receivers may be)? Set as the movements are drawn, so that a
    /// holding that names none is listed without reading its movements
    /// again (at a million flows, each read was a cache miss).
    may_name_contractors: bool,
}

impl Moves {
    /// Adds a movement that arrives.
    fn receive(&mut self, m: Movement, names_contractor: bool) {
        self.may_name_contractors |= names_contractor;
        self.received.push(m);
    }

    /// Adds a movement that leaves.
    fn pass_on(&mut self, m: Movement, names_contractor: bool) {
        self.may_name_contractors |= names_contractor;
        self.passed_on.push(m);
    }
}

/// The moves of each (system, item), in the order first met, with an
/// index to find them.
#[derive(Default)]
struct MovesBy {
    index: KeyIndex,
    list: Vec<((ActorId, DataId), Moves)>,
}

/// Where each (system, item)'s moves are in the list: a table of every
/// system by every item of 特定個人情報 when that is no larger than a few
/// words per exchange (4 bytes a pair, read without hashing: a million
/// pairs' hash map is 50 MB at its last growth), a hash map otherwise and
/// for any pair outside the table.
#[derive(Default)]
struct KeyIndex {
    /// Each actor's row (`u32::MAX`: not in the table).
    rows: Vec<u32>,
    /// Each item's column (`u32::MAX`: not in the table).
    cols: Vec<u32>,
    width: usize,
    /// Position in the list + 1, row by row (0: not met yet).
    table: Vec<u32>,
    hashed: FxHashMap<(ActorId, DataId), u32>,
}

/// Table cells allowed per exchange (and at least [`TABLE_FLOOR`]).
const TABLE_PER_EXCHANGE: usize = 4;
const TABLE_FLOOR: usize = 1 << 12;

impl KeyIndex {
    /// A table of the actors and items `row` and `col` pick when it has
    /// at most `cells` cells; only a hash map otherwise, with room for
    /// `expected` keys (grown and rehashed step by step, it was a tenth
    /// of the inventory's walk at a million flows).
    fn new(
        actors: usize,
        row: impl Fn(ActorId) -> bool,
        items: usize,
        col: impl Fn(DataId) -> bool,
        cells: usize,
        expected: usize,
    ) -> KeyIndex {
        let number = |n: usize, pick: &dyn Fn(usize) -> bool| {
            let mut next = 0u32;
            let v: Vec<u32> = (0..n)
                .map(|i| match pick(i) {
                    true => {
                        next += 1;
                        next - 1
                    }
                    false => u32::MAX,
                })
                .collect();
            (v, next as usize)
        };
        let (rows, height) = number(actors, &|i| row(ActorId::new(i as u32)));
        let (cols, width) = number(items, &|i| col(DataId::new(i as u32)));
        match height.checked_mul(width) {
            Some(n) if n <= cells => KeyIndex {
                rows,
                cols,
                width,
                table: vec![0; n],
                hashed: FxHashMap::default(),
            },
            _ => KeyIndex {
                hashed: FxHashMap::with_capacity_and_hasher(expected, Default::default()),
                ..KeyIndex::default()
            },
        }
    }

    /// The slot of `key`: in the table when it has one there.
    fn slot(&mut self, (actor, item): (ActorId, DataId)) -> &mut u32 {
        let r = self.rows.get(actor.index()).copied().unwrap_or(u32::MAX);
        let c = self.cols.get(item.index()).copied().unwrap_or(u32::MAX);
        if r != u32::MAX && c != u32::MAX {
            let at = r as usize * self.width + c as usize;
            if let Some(cell) = self.table.get_mut(at) {
                return cell;
            }
        }
        self.hashed.entry((actor, item)).or_insert(0)
    }
}

impl MovesBy {
    /// Moves indexed as [`KeyIndex::new`] says, with room for `expected`
    /// keys: the list is not copied as it grows (room not yet written to
    /// takes no memory).
    fn new(index: KeyIndex, expected: usize) -> MovesBy {
        MovesBy {
            index,
            list: Vec::with_capacity(expected),
        }
    }

    /// The moves of `key`, made empty at its first use.
    fn at(&mut self, key: (ActorId, DataId)) -> &mut Moves {
        let slot = self.index.slot(key);
        if *slot == 0 {
            self.list.push((key, Moves::default()));
            *slot = self.list.len() as u32;
        }
        let i = *slot as usize - 1;
        &mut self.list[i].1
    }

    /// The list, in the order first met (the index is freed).
    fn into_list(self) -> Vec<((ActorId, DataId), Moves)> {
        self.list
    }
}

/// Every (system, item) of `parts` in order of system (of `actors`), each
/// system's in the parts' order: a counting sort, linear in the pairs.
fn by_system(
    parts: &mut [Vec<((ActorId, DataId), Moves)>],
    actors: usize,
) -> Vec<&mut ((ActorId, DataId), Moves)> {
    let system = |((actor, _), _): &((ActorId, DataId), Moves)| actor.index().min(actors);
    let mut at = vec![0usize; actors + 2];
    for entry in parts.iter().flatten() {
        at[system(entry) + 1] += 1;
    }
    for a in 0..=actors {
        at[a + 1] += at[a];
    }
    let mut placed: Vec<Option<&mut ((ActorId, DataId), Moves)>> = std::iter::repeat_with(|| None)
        .take(at[actors + 1])
        .collect();
    for entry in parts.iter_mut().flatten() {
        let a = system(entry);
        placed[at[a]] = Some(entry);
        at[a] += 1;
    }
    placed.into_iter().flatten().collect()
}

/// The codes of the findings the inventory lists beside the exchanges
/// they judge, whatever a config's filters hide from `check`.
pub const LISTED_FINDINGS: &[Code] = &[
    Code::MN101,
    Code::MN102,
    Code::MN103,
    Code::MN104,
    Code::MN105,
    Code::MN301,
    Code::MN302,
    Code::MN303,
    Code::MN402,
];

/// What the rulebook says of an exchange recorded at both ends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Basis {
    /// The rule that allows it.
    Rule(RuleId),
    /// No rule allows it: the finding `check` reports.
    Refused(Code),
}

/// An exchange of 特定個人情報 through a carrier: every sender of its
/// group with its receiver is a provision that both ends keep a
/// 情報提供等の記録 of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// The senders: a group of [`Inventory::groups`].
    pub senders: GroupId,
    /// The last non-carrier receiver.
    pub receiver: ActorId,
    /// The item.
    pub item: DataId,
    /// The purpose.
    pub purpose: PurposeId,
    /// The actors passed after the group's carrier, in order of travel
    /// (each sender's route up to it is in the group).
    pub route: Vec<ActorId>,
    /// The rule that allows it, or the finding.
    pub basis: Basis,
    /// The flow of the hop that reaches the receiver.
    pub flow: FlowId,
}

/// The inventory of one design.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Inventory {
    /// Systems that hold 特定個人情報, in the order the design declares them.
    pub systems: Vec<System>,
    /// The sender groups that records and movements name, in the order of
    /// their first exchange in the design.
    pub groups: Vec<SenderGroup>,
    /// Exchanges through a carrier, in the order of the design.
    pub records: Vec<Record>,
    /// The carriers that 特定個人情報 passes, in the order the design
    /// declares them: they hold nothing for their own use.
    pub carriers: Vec<ActorId>,
    /// What contractors pass on to other contractors or to parties, in
    /// the order of the design.
    pub passed_on_by_contractors: Vec<PassedOnByContractor>,
}

/// Exchanges from which the inventory's independent parts are drawn side
/// by side: below this, waking a second thread costs more than it saves.
const PARALLEL_EXCHANGES: usize = 10_000;

/// Parts of the items walked per thread of the pool.
const PARTS_PER_THREAD: usize = 4;

/// The actors an exchange's representative sender passes, in order of
/// travel (see [`Inventory::groups`] for every sender of a grouped exchange).
pub fn route(design: &Design, graph: &FlowGraph, ex: &Exchange) -> Vec<ActorId> {
    route_of(design, graph, &graph.route(ex))
}

fn basis(v: &MyNumberVerdict) -> Basis {
    match v {
        MyNumberVerdict::Allowed(r) => Basis::Rule(*r),
        MyNumberVerdict::Refused(r) => Basis::Refused(match r {
            MyNumberRefusal::NoBasis => Code::MN101,
            MyNumberRefusal::WrongParties(_) => Code::MN105,
            MyNumberRefusal::NearestMiss { first, .. } => match first {
                Miss::Direction => Code::MN102,
                Miss::Purpose => Code::MN103,
                Miss::Channel => Code::MN104,
            },
        }),
    }
}

impl Inventory {
    /// A sender group.
    pub fn group(&self, id: GroupId) -> &SenderGroup {
        &self.groups[id.index()]
    }

    /// Every (sender, receiver) pair of every record, with the sender's
    /// whole route: what each end keeps a record of. This expands the
    /// groups ([`Inventory::senders_of`]), so it yields senders × receivers
    /// items at a shared carrier; the renderers never call it.
    pub fn pairs(&self) -> impl Iterator<Item = (ActorId, &Record, Vec<ActorId>)> {
        self.records.iter().flat_map(move |r| {
            self.senders_of(r.senders)
                .into_iter()
                .map(move |(actor, mut route)| {
                    route.extend(r.route.iter().copied());
                    (actor, r, route)
                })
        })
    }

    /// Draws the inventory from a design whose rulebook loaded (an empty
    /// one otherwise).
    pub fn compute(design: &Design, graph: &FlowGraph) -> Inventory {
        Self::compute_on_cores_from(design, graph, PARALLEL_EXCHANGES)
    }

    /// [`Inventory::compute`], with its parts on every core from
    /// `parallel_from` exchanges or (system, item) pairs on (the tests
    /// compare 0 with `usize::MAX`: the inventory is the same).
    #[doc(hidden)]
    pub fn compute_on_cores_from(
        design: &Design,
        graph: &FlowGraph,
        parallel_from: usize,
    ) -> Inventory {
        match Drawn::draw(design, graph, None, parallel_from, None) {
            Some(drawn) => drawn.finish(parallel_from),
            None => Inventory::default(),
        }
    }

    /// [`Inventory::compute`] on every core, its items walked in at most
    /// `parts` parts (the tests compare counts: the inventory is the same).
    #[doc(hidden)]
    pub fn compute_in_parts(design: &Design, graph: &FlowGraph, parts: usize) -> Inventory {
        match Drawn::draw(design, graph, None, 0, Some(parts)) {
            Some(drawn) => drawn.finish(0),
            None => Inventory::default(),
        }
    }

    /// [`Inventory::compute`], taking what the checks `computed` (a
    /// session's [`crate::session::Session::keep_computed`]) rather than
    /// working it out again.
    pub fn compute_with(
        design: &Design,
        graph: &FlowGraph,
        computed: Option<Computed>,
    ) -> Inventory {
        match Drawn::draw(design, graph, computed, PARALLEL_EXCHANGES, None) {
            Some(drawn) => drawn.finish(PARALLEL_EXCHANGES),
            None => Inventory::default(),
        }
    }

    /// [`Inventory::compute`], freeing the graph as soon as it is drawn
    /// from, before the holdings are listed: on a large design the graph
    /// is a sixth of the memory, and listing the holdings is the peak.
    /// What the checks `computed` (a session's [`crate::session::Session::keep_computed`])
    /// is taken rather than worked out again.
    pub fn compute_freeing(
        design: &Design,
        graph: FlowGraph,
        computed: Option<Computed>,
    ) -> Inventory {
        let drawn = Drawn::draw(design, &graph, computed, PARALLEL_EXCHANGES, None);
        drop(graph);
        match drawn {
            Some(drawn) => drawn.finish(PARALLEL_EXCHANGES),
            None => Inventory::default(),
        }
    }
}

/// What the walk over the graph's exchanges gives: all the inventory needs
/// from the graph, so the graph can be freed before the holdings are listed.
struct Drawn {
    /// MN402's holdings: the purposes each system holds each item for.
    holdings: Holdings,
    /// Each actor's role and role kind.
    actors: ActorTable,
    /// Each part's (system, item)s with their moves, as the part met them.
    moves: Vec<Vec<((ActorId, DataId), Moves)>>,
    carriers: BTreeSet<ActorId>,
    groups: Vec<SenderGroup>,
    records: Vec<Record>,
    /// By actor: does `check` report MN303 at it?
    clauses_missing: Vec<bool>,
    passed_on_by_contractors: Vec<PassedOnByContractor>,
}

impl Drawn {
    /// Walks the exchanges (None when the design's rulebook did not load),
    /// with the verdicts and holdings the checks `computed`, if given, in
    /// `parts` parts if given (else one, or several a thread from
    /// `parallel_from` exchanges on).
    fn draw(
        design: &Design,
        graph: &FlowGraph,
        computed: Option<Computed>,
        parallel_from: usize,
        parts: Option<usize>,
    ) -> Option<Drawn> {
        design.rulebook.as_ref()?;
        let (mynumber, holdings, options) = computed.map_or((None, None, None), |c| {
            (Some(c.mynumber), c.holdings, Some(c.options))
        });
        let options = options.unwrap_or_else(CheckOptions::default).delegation;
        // The verdict `check` gives each provision of 特定個人情報.
        // By exchange, so that the walk over the exchanges reads it in
        // order (a hash map of a million entries is a cache miss each).
        // The purposes each system holds each item for (MN402's holdings)
        // are drawn meanwhile on the other core.
        // An entrustment a rule allows is still refused when `check`
        // reports MN301 on it: the inventory shows the finding, as
        // `check` does, not the rule.
        let by_exchange = || {
            let mut verdicts: Vec<Option<Basis>> = vec![None; graph.exchanges.len()];
            let judged = mynumber.unwrap_or_else(|| mynumber_verdicts(design, graph));
            let delegated = crate::checks::delegation_of_mynumber(design, graph, &judged, options);
            for (i, v) in judged {
                if let Some(slot) = verdicts.get_mut(i) {
                    *slot = Some(basis(&v));
                }
            }
            for &i in &delegated.unregistered {
                if let Some(slot) = verdicts.get_mut(i) {
                    *slot = Some(Basis::Refused(Code::MN301));
                }
            }
            (verdicts, delegated)
        };
        let held = || holdings.unwrap_or_else(|| Holdings::compute(design, graph));
        let ((verdicts, delegated), holdings) = if graph.exchanges.len() >= parallel_from {
            rayon::join(by_exchange, held)
        } else {
            (by_exchange(), held())
        };
        // The transfers between the society's systems that MN402 reports.
        let mut beyond_purpose = vec![false; graph.exchanges.len()];
        let par = graph.exchanges.len() >= parallel_from;
        for i in crate::checks::beyond_purpose(design, graph, &holdings, par) {
            if let Some(b) = beyond_purpose.get_mut(i) {
                *b = true;
            }
        }
        let mut clauses_missing = vec![false; design.actors.len()];
        for a in &delegated.clauses_missing {
            if let Some(m) = clauses_missing.get_mut(a.index()) {
                *m = true;
            }
        }
        let passed_on_by_contractors = (delegated.passed_on.iter())
            .filter_map(|&(i, passed)| {
                let ex = graph.exchanges.get(i)?;
                Some(PassedOnByContractor {
                    contractor: ex.sender,
                    receiver: ex.receiver,
                    reentrusting: passed.reentrusting,
                    item: ex.payload.0,
                    purpose: ex.payload.1?,
                    route: route(design, graph, ex),
                    finding: passed.refused.map(|_| Code::MN302),
                    flow: graph.transfer(ex.last()).flow,
                })
            })
            .collect();
        let actors = ActorTable::of(design);
        // The items of 特定個人情報 are walked in parts that share nothing,
        // on every core when the design is large (several parts a thread,
        // so that one item with many exchanges leaves the others work).
        let parallel = graph.exchanges.len() >= parallel_from;
        let count = match (parallel, parts) {
            (_, Some(n)) => n,
            (true, None) => rayon::current_num_threads() * PARTS_PER_THREAD,
            (false, None) => 1,
        };
        // Dealt into given parts (the tests and the fuzzer compare counts),
        // the edges are also read in chunks of a few, so that joining the
        // chunks' arrivals is compared with one walk too.
        let per_chunk = match parts {
            Some(_) => 3,
            None => walk::ARRIVALS_PER_CHUNK,
        };
        let (parts, arrivals) = Parts::deal(
            design,
            graph,
            &actors,
            &design.mynumber_items(),
            count,
            per_chunk,
        );
        let walk = Walk {
            design,
            graph,
            verdicts: &verdicts,
            beyond_purpose: &beyond_purpose,
            actors: &actors,
            parts: &parts,
        };
        let walks: Vec<_> = match parallel {
            true => arrivals
                .into_par_iter()
                .enumerate()
                .with_max_len(1)
                .map(|(k, into)| walk.part(k, into))
                .collect(),
            false => (arrivals.into_iter().enumerate())
                .map(|(k, into)| walk.part(k, into))
                .collect(),
        };
        let walk::Merged {
            moves,
            carriers,
            groups,
            records,
        } = walk::merge(walks, parallel);
        Some(Drawn {
            holdings,
            actors,
            moves,
            carriers,
            groups,
            records,
            clauses_missing,
            passed_on_by_contractors,
        })
    }

    /// Lists each system's holdings.
    fn finish(self, parallel_from: usize) -> Inventory {
        let Drawn {
            holdings,
            actors,
            moves,
            carriers,
            groups,
            records,
            clauses_missing,
            passed_on_by_contractors,
        } = self;
        let kind = |a: ActorId| actors.kind(a);
        let is_contractor = |a: &ActorId| actors.is(*a, RoleKind::Contractor);
        // Contractors among each group's senders and receivers, those of
        // the groups it includes and of those that include it: expanded
        // only for the groups that have any (rarely: contractors do not
        // send through carriers).
        let inventory = Inventory {
            groups,
            ..Inventory::default()
        };
        let groups = &inventory.groups;
        let sending = closure::spread(
            groups,
            |g| g.senders.iter().any(|s| is_contractor(&s.actor)),
            closure::Toward::Onward,
        );
        let receiving = closure::spread(
            groups,
            |g| g.receivers.iter().any(is_contractor),
            closure::Toward::Included,
        );
        let group_contractors: Vec<(Vec<ActorId>, Vec<ActorId>)> = (0..groups.len())
            .map(|i| {
                let id = GroupId(i as u32);
                let senders = match sending[i] {
                    true => inventory
                        .senders_of(id)
                        .into_iter()
                        .map(|(a, _)| a)
                        .filter(is_contractor)
                        .collect(),
                    false => Vec::new(),
                };
                let receivers = match receiving[i] {
                    true => inventory
                        .receivers_of(id)
                        .into_iter()
                        .filter(is_contractor)
                        .collect(),
                    false => Vec::new(),
                };
                (senders, receivers)
            })
            .collect();
        // Each (system, item) is drawn on its own, on both cores when the
        // design is large.
        let holding = |((actor, item), moves): ((ActorId, DataId), Moves)| {
            let Moves {
                received,
                passed_on,
                may_name_contractors,
            } = moves;
            let own = received.is_empty();
            // In order, each once: a list sorted in place rather than a
            // tree per holding (a million of them on a national design).
            let held = holdings.held(actor, item).filter(|_| !own);
            let mut purposes: Vec<PurposeId> = match held {
                Some(held) => held.purposes().collect(),
                None => passed_on.iter().filter_map(|m| m.purpose).collect(),
            };
            purposes.sort_unstable();
            purposes.dedup();
            let untraced: Vec<PurposeId> = match held {
                Some(held) => (purposes.iter().copied())
                    .filter(|p| held.lawful(*p).is_none())
                    .collect(),
                None => Vec::new(),
            };
            let mut contractors: Vec<(ActorId, Vec<PurposeId>)> = Vec::new();
            let mut entrusting: Vec<Entrusting> = Vec::new();
            let mut index: FxHashMap<ActorId, usize> = FxHashMap::default();
            let mut listed: FxHashSet<(ActorId, PurposeId)> = FxHashSet::default();
            let ends = received
                .iter()
                .map(|m| (m, true))
                .chain(passed_on.iter().map(|m| (m, false)))
                // When none can name one, the movements are not read.
                .filter(|_| may_name_contractors);
            for (m, is_received) in ends {
                let actors: &[ActorId] = match &m.counterpart {
                    Counterpart::Actor(a) => std::slice::from_ref(a),
                    Counterpart::Group(g) => {
                        let (senders, receivers) = &group_contractors[g.index()];
                        if is_received { senders } else { receivers }
                    }
                };
                // A contractor the item passes on the way handles it too
                // (`check` judges the exchange: MN104 unless a rule's
                // `via` names its role).
                let named = actors.iter().map(|&a| (a, false));
                let on_route = m.route.iter().map(|&a| (a, true));
                for (a, via) in named.chain(on_route) {
                    if kind(a) != Some(RoleKind::Contractor) {
                        continue;
                    }
                    let i = *index.entry(a).or_insert_with(|| {
                        contractors.push((a, Vec::new()));
                        entrusting.push(Entrusting {
                            bases: Vec::new(),
                            only_on_route: true,
                            missing_clauses: clauses_missing.get(a.index()) == Some(&true),
                        });
                        contractors.len() - 1
                    });
                    if let Some(p) = m.purpose
                        && listed.insert((a, p))
                    {
                        contractors[i].1.push(p);
                    }
                    let e = &mut entrusting[i];
                    e.only_on_route &= via;
                    if let Some(b) = &m.basis
                        && !e.bases.contains(b)
                    {
                        e.bases.push(b.clone());
                    }
                }
            }
            let holding = Holding {
                item,
                purposes,
                untraced,
                own,
                received,
                passed_on,
                contractors,
                entrusting,
            };
            (actor, holding)
        };
        // Each system's holdings are one run of the (system, item)s put in
        // order of system (a counting sort of references, not of the moves:
        // the parts' lists are neither joined nor sorted), each run sorted
        // by item and drawn into a list of exactly its size.
        let mut moves = moves;
        let mut by_system = by_system(&mut moves, actors.len());
        let system = |run: &mut [&mut ((ActorId, DataId), Moves)]| {
            run.sort_unstable_by_key(|((_, item), _)| *item);
            System {
                actor: run
                    .first()
                    .map_or(ActorId::new(0), |((actor, _), _)| *actor),
                holdings: run
                    .iter_mut()
                    .map(|(key, m)| holding((*key, std::mem::take(m))).1)
                    .collect(),
            }
        };
        let same_system = |a: &&mut ((ActorId, DataId), Moves),
                           b: &&mut ((ActorId, DataId), Moves)| {
            a.0.0 == b.0.0
        };
        let systems: Vec<System> = if by_system.len() >= parallel_from {
            by_system
                .par_chunk_by_mut(same_system)
                .map(system)
                .collect()
        } else {
            by_system.chunk_by_mut(same_system).map(system).collect()
        };
        drop(by_system);
        drop(moves);

        Inventory {
            systems,
            groups: inventory.groups,
            records,
            carriers: carriers.into_iter().collect(),
            passed_on_by_contractors,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn movement(flow: u32) -> Movement {
        Movement {
            counterpart: Counterpart::Actor(ActorId::new(flow)),
            purpose: None,
            route: Box::from([ActorId::new(flow), ActorId::new(flow + 1)].as_slice()),
            flow: FlowId::new(flow),
            basis: None,
        }
    }

    #[test]
    fn moves_grow_from_exactly_one_in_place_and_keep_their_order() {
        let mut v = Movements::new();
        v.push(movement(0));
        assert!(!v.spilled(), "one movement: kept in place");
        assert_eq!(v.capacity(), 1);
        v.push(movement(1));
        assert_eq!(v.capacity(), 2, "then room for two, not four");
        v.push(movement(2));
        assert_eq!(v.capacity(), 4);
        for i in 3..100 {
            v.push(movement(i));
        }
        // Doubling: at most twice the length, so pushing stays linear.
        assert!(v.capacity() < 200, "{}", v.capacity());
        let flows: Vec<u32> = v.iter().map(|m| m.flow.get()).collect();
        assert_eq!(flows, (0..100).collect::<Vec<_>>());
        assert_eq!(&*v[7].route, &[ActorId::new(7), ActorId::new(8)]);
    }

    /// A (system, item).
    type Key = (ActorId, DataId);

    /// Actors 1 and 2 of 4 and items 0 and 3 of 5 in a table of at most
    /// `cells` cells.
    fn index(cells: usize) -> KeyIndex {
        KeyIndex::new(
            4,
            |a| a.get() == 1 || a.get() == 2,
            5,
            |d| d.get() % 3 == 0,
            cells,
            cells,
        )
    }

    #[test]
    fn moves_by_key_are_listed_as_first_met_with_their_own_moves_in_a_table_or_hashed() {
        assert_eq!(index(4).table.len(), 4, "2 actors by 2 items");
        assert!(index(3).table.is_empty(), "too large: hashed");
        let (a, b) = (
            (ActorId::new(2), DataId::new(0)),
            (ActorId::new(1), DataId::new(3)),
        );
        // (3, 1): outside the table, hashed beside it.
        let c = (ActorId::new(3), DataId::new(1));
        for cells in [0, 3, 4, 100] {
            let mut by = MovesBy::new(index(cells), cells);
            by.at(a).receive(movement(0), false);
            by.at(c).receive(movement(5), false);
            by.at(b).pass_on(movement(1), true);
            by.at(a).receive(movement(2), false);
            by.at(c).pass_on(movement(6), false);
            let listed: Vec<(Key, Vec<u32>, Vec<u32>, bool)> = by
                .into_list()
                .into_iter()
                .map(|(k, m)| {
                    let flows = |v: Movements| v.iter().map(|m| m.flow.get()).collect();
                    (
                        k,
                        flows(m.received),
                        flows(m.passed_on),
                        m.may_name_contractors,
                    )
                })
                .collect();
            // Only b's movement named a contractor.
            let want = [
                (a, vec![0, 2], vec![], false),
                (c, vec![5], vec![6], false),
                (b, vec![], vec![1], true),
            ];
            assert_eq!(listed, want, "{cells} cells");
        }
    }
}
