//! What each of the society's systems holds: for every `self` actor and
//! every 特定個人情報 item it receives, the purposes it holds the item for,
//! each with the transfer that first brought it for that purpose.
//!
//! Computed by walking the petgraph: a system holds an item for the purposes
//! of the transfers into it that carry the item, whoever sends them (an
//! outside party through the network, another system of the society, a
//! carrier's last hop). One pass over the edges in order, and what they
//! bring put in order by stable counting passes (no map of maps, no
//! sort): linear, and read front to back.
//!
//! It holds it *lawfully* for a purpose when the item can be traced for that
//! purpose, transfer by transfer through the society's systems and the
//! carriers, to a party outside the society: a purpose it reached a system
//! for only by a use beyond purpose is held, not lawfully held. Without the
//! difference, `基幹 <-> 給付 : 課税情報 for 保険給付` (課税情報 obtained
//! for 被扶養者認定 only) passed: each system received the item for
//! 保険給付 from the other. Found by a walk from the outside parties'
//! transfers along those that carry the same item for the same purpose,
//! each read once.
//!
//! MN402 judges what a system passes on against what it holds lawfully;
//! `inventory` lists what it holds; witness paths follow it upstream.

use crate::graph::{FlowGraph, TransferId};
use crate::grouped::{Pass, grouped, in_order_of};
use crate::model::*;
use rayon::prelude::*;
use rustc_hash::FxHashSet;

/// Transfers read by one task of [`Holdings::compute_on_cores`].
const EDGES_PER_CHUNK: usize = 16 * 1024;

/// The purposes an item is held for, in purpose order, each with the
/// transfer that first (in source order) brought it for that purpose, and
/// the first that brought it lawfully, if one did.
#[derive(Clone, Copy, Debug)]
pub struct Held<'a>(&'a [Entry]);

/// One purpose a system holds an item for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Entry {
    purpose: PurposeId,
    /// The first transfer to bring it for the purpose.
    first: TransferId,
    /// The first to bring it lawfully for the purpose (see the module).
    lawful: Option<TransferId>,
}

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
        self.entry(p).map(|e| e.first)
    }
    /// The transfer that first brought it lawfully for `p`, if one did:
    /// one that can be traced for `p` to a party outside the society.
    pub fn lawful(&self, p: PurposeId) -> Option<TransferId> {
        self.entry(p).and_then(|e| e.lawful)
    }
    /// The purposes, in order.
    pub fn purposes(&self) -> impl Iterator<Item = PurposeId> + 'a {
        self.0.iter().map(|e| e.purpose)
    }
    /// The purposes it is held for lawfully, in order.
    pub fn lawful_purposes(&self) -> impl Iterator<Item = PurposeId> + 'a {
        self.0
            .iter()
            .filter(|e| e.lawful.is_some())
            .map(|e| e.purpose)
    }
    /// The purpose whose first transfer came first, and that transfer.
    pub fn first_arrival(&self) -> Option<(PurposeId, TransferId)> {
        (self.0.iter().min_by_key(|e| e.first)).map(|e| (e.purpose, e.first))
    }

    fn entry(&self, p: PurposeId) -> Option<&'a Entry> {
        let i = self.0.binary_search_by_key(&p, |e| e.purpose).ok()?;
        self.0.get(i)
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
    /// What each is held for, grouped by (system, item), each group
    /// sorted by purpose.
    held: Vec<Entry>,
}

/// A transfer that brings an item for a purpose into a system of the
/// society or a carrier: (receiver, item, purpose, transfer, sender).
type Arrival = (ActorId, DataId, PurposeId, TransferId, ActorId);

/// What an actor is, to the walk that finds what is held lawfully.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Standing {
    /// One of the society's systems: what it holds is looked at.
    Society,
    /// A carrier: what it passes on is lawful as it came in.
    Carrier,
    /// Anyone else: what it sends, it sends lawfully (its own data).
    Outside,
}

/// Is actor `a` outside the society, to the walk: neither one of its
/// systems nor a carrier (an actor beyond `standing` is outside)?
fn outside_in(standing: &[Standing]) -> impl Fn(ActorId) -> bool + Copy + Sync + '_ {
    move |a| {
        standing
            .get(a.index())
            .is_none_or(|s| *s == Standing::Outside)
    }
}

/// Is actor `a` one of the society's systems?
fn society_in(standing: &[Standing]) -> impl Fn(ActorId) -> bool + Copy + Sync + '_ {
    move |a| standing.get(a.index()) == Some(&Standing::Society)
}

impl Holdings {
    /// Reads every transfer into a `self` actor of the graph.
    pub fn compute(design: &Design, fg: &FlowGraph) -> Holdings {
        Self::compute_on(design, fg, false)
    }

    /// [`Holdings::compute`] on every core: the transfers are read by
    /// chunks and what they bring is put in order in parallel (the same
    /// holdings). It starts parallel work, so it must not run where a
    /// check may wait for the holdings ([`super::Ctx::holdings`]).
    pub fn compute_on_cores(design: &Design, fg: &FlowGraph) -> Holdings {
        Self::compute_on(design, fg, true)
    }

    fn compute_on(design: &Design, fg: &FlowGraph, par: bool) -> Holdings {
        let standing: Vec<Standing> = (0..design.actors.len())
            .map(|a| match design.kind_of(ActorId::new(a as u32)) {
                Some(RoleKind::SelfOrg) => Standing::Society,
                Some(RoleKind::Carrier) => Standing::Carrier,
                _ => Standing::Outside,
            })
            .collect();
        let mynumber = design.mynumber_items();
        // Every edge into a system or a carrier, collected flat in the
        // order of the transfers, then put in order: on a large design
        // the flows are read front to back, and no map of maps is built.
        let edges = fg.graph.raw_edges();
        let outside = outside_in(&standing);
        let arrive = |first: usize, chunk: &[petgraph::graph::Edge<crate::graph::Transfer>]| {
            // Room for an arrival an edge (most carry one payload).
            let mut out = Vec::with_capacity(chunk.len());
            for (k, e) in chunk.iter().enumerate() {
                let actor = fg.graph[e.target()];
                if outside(actor) {
                    continue;
                }
                let sender = fg.graph[e.source()];
                for (item, purpose) in e.weight.payloads(design) {
                    let Some(purpose) = purpose else { continue };
                    if mynumber[item.index()] {
                        out.push((actor, item, purpose, TransferId::new(first + k), sender));
                    }
                }
            }
            out
        };
        let arrivals: Vec<Arrival> = if par {
            // In the order of the chunks: an indexed iterator's extend
            // keeps it.
            let mut all = Vec::new();
            all.par_extend(
                edges
                    .par_chunks(EDGES_PER_CHUNK)
                    .with_max_len(1)
                    .enumerate()
                    .flat_map_iter(|(c, chunk)| arrive(c * EDGES_PER_CHUNK, chunk)),
            );
            all
        } else {
            arrive(0, edges)
        };
        let arrivals = in_order(arrivals, par);
        held_of(&arrivals, &standing, design.actors.len(), par)
    }

    /// The holdings of `actors` actors from `rows`, sorted and one per
    /// (system, item, purpose): the first transfer, and the first lawful
    /// one; room is made for `hint` of them. Read as they come: at a
    /// million, a list of them first was 24 MB of fresh pages.
    fn of_arrivals(actors: usize, rows: impl IntoIterator<Item = Row>, hint: usize) -> Holdings {
        let mut by_actor = vec![0u32; actors + 1];
        let mut items: Vec<(DataId, u32)> = Vec::with_capacity(hint);
        let mut held = Vec::with_capacity(hint);
        let mut last = None;
        for (a, d, purpose, first, lawful) in rows {
            if a.index() >= actors {
                continue;
            }
            if last != Some((a, d)) {
                last = Some((a, d));
                by_actor[a.index() + 1] += 1;
                items.push((d, held.len() as u32));
            }
            held.push(Entry {
                purpose,
                first,
                lawful,
            });
        }
        Holdings::of_lists(by_actor, items, held)
    }

    /// The holdings of the (system, item)s `items` and their purposes
    /// `held`, from each actor's count of (system, item)s at `a + 1` of
    /// `by_actor`.
    fn of_lists(mut by_actor: Vec<u32>, items: Vec<(DataId, u32)>, held: Vec<Entry>) -> Holdings {
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
        run_of(&self.by_actor, &self.items, actor)
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
                // The lawful way in, where there is one.
                Some(RoleKind::SelfOrg) => self.held(at, item).and_then(|h| {
                    purpose
                        .and_then(|p| h.lawful(p).or_else(|| h.get(p)).map(|e| (p, e)))
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

/// Actor `a`'s run of `list`, grouped by actor with `by_actor` (where
/// each actor's run starts; one more entry ends the last), and where it
/// starts in `list`: empty for an actor beyond.
fn run_of<'a, T>(by_actor: &[u32], list: &'a [T], a: ActorId) -> (&'a [T], usize) {
    let a = a.index();
    match (by_actor.get(a), by_actor.get(a + 1)) {
        (Some(&from), Some(&to)) => (
            list.get(from as usize..to as usize).unwrap_or(&[]),
            from as usize,
        ),
        _ => (&[], 0),
    }
}

/// One (system, item, purpose) held: its first transfer, and its first
/// lawful one.
type Row = (ActorId, DataId, PurposeId, TransferId, Option<TransferId>);

/// `arrivals`, which come in the order of their transfers, in the order
/// a sort of them gives (receiver, item, purpose, transfer; the sender is
/// the transfer's): three stable counting passes ([`in_order_of`]), by
/// purpose, then item, then receiver, each linear in the arrivals and the
/// numbers of purposes, items and actors, where the sort of them all it
/// replaces was n log n. On every core when `par` and they are many.
fn in_order(arrivals: Vec<Arrival>, par: bool) -> Vec<Arrival> {
    debug_assert!(arrivals.windows(2).all(|w| w[0].3 <= w[1].3));
    let tasks = match par && arrivals.len() >= PARALLEL_ARRIVALS {
        true => rayon::current_num_threads(),
        false => 1,
    };
    let fill = (
        ActorId::new(0),
        DataId::new(0),
        PurposeId::new(0),
        TransferId::new(0),
        ActorId::new(0),
    );
    let keys =
        |key: &dyn Fn(&Arrival) -> usize| arrivals.iter().map(key).max().map_or(0, |k| k + 1);
    let purpose = |x: &Arrival| x.2.index();
    let item = |x: &Arrival| x.1.index();
    let receiver = |x: &Arrival| x.0.index();
    let passes: [Pass<'_, Arrival>; 3] = [
        (keys(&purpose), &purpose),
        (keys(&item), &item),
        (keys(&receiver), &receiver),
    ];
    in_order_of(arrivals, &passes, tasks, fill)
}

/// What the society's systems hold (of `actors` actors), from every
/// arrival into a system or a carrier (sorted): each (system, item,
/// purpose) with its first transfer and its first lawful one (a carrier
/// holds nothing).
/// On every core when `par`.
fn held_of(arrivals: &[Arrival], standing: &[Standing], actors: usize, par: bool) -> Holdings {
    let (outside, society) = (outside_in(standing), society_in(standing));
    let tasks = match par && arrivals.len() >= PARALLEL_ARRIVALS {
        true => rayon::current_num_threads(),
        false => 1,
    };
    let (keys, state, firsts) = states_of(arrivals, tasks);
    let states = States::of(keys);
    let reached = lawfully_reached(arrivals, &states, &state, outside, par);
    drop(state);
    if tasks > 1 {
        let of_states = OfStates {
            arrivals,
            states: &states,
            firsts: &firsts,
            reached: &reached,
        };
        return of_states.holdings(actors, outside, society, tasks);
    }
    let rows = first_of_each(arrivals, &states, &reached, outside, society);
    Holdings::of_arrivals(actors, rows, arrivals.len())
}

/// What [`held_of`] knows of each state once the walk is done, to make
/// the holdings from on every core.
struct OfStates<'a> {
    arrivals: &'a [Arrival],
    states: &'a States,
    /// Where each state's arrivals start ([`states_of`]).
    firsts: &'a [u32],
    /// Is each state reached lawfully?
    reached: &'a [bool],
}

impl OfStates<'_> {
    /// [`Holdings::of_arrivals`] of [`first_of_each`]'s rows, in `tasks`
    /// stretches of the states side by side: each counts the states it
    /// keeps and the (system, item)s they begin, then writes its own
    /// stretch of both lists (on one core, a million states' rows, and
    /// the fresh pages they are written into, left the other core idle).
    fn holdings(
        &self,
        actors: usize,
        outside: impl Fn(ActorId) -> bool + Sync,
        keep: impl Fn(ActorId) -> bool + Sync,
        tasks: usize,
    ) -> Holdings {
        let keys = &self.states.keys;
        let kept = |s: usize| {
            keys.get(s)
                .is_some_and(|k| k.0.index() < actors && keep(k.0))
        };
        // Does state `s` begin a (system, item)? Its system's states are
        // kept or not together, so the state before is its (system, item)'s
        // when it is kept.
        let begins = |s: usize| {
            kept(s)
                && match (s.checked_sub(1).and_then(|b| keys.get(b)), keys.get(s)) {
                    (Some(b), Some(k)) => (b.0, b.1) != (k.0, k.1),
                    _ => true,
                }
        };
        let stretch = keys.len().div_ceil(tasks.max(1)).max(1);
        let ranges: Vec<std::ops::Range<usize>> = (0..keys.len())
            .step_by(stretch)
            .map(|from| from..(from + stretch).min(keys.len()))
            .collect();
        let counts: Vec<(usize, usize)> = (ranges.par_iter())
            .map(|r| {
                (
                    r.clone().filter(|&s| kept(s)).count(),
                    r.clone().filter(|&s| begins(s)).count(),
                )
            })
            .collect();
        let no_entry = Entry {
            purpose: PurposeId::new(0),
            first: TransferId::new(0),
            lawful: None,
        };
        let mut held = vec![no_entry; counts.iter().map(|c| c.0).sum()];
        let mut items = vec![(DataId::new(0), 0u32); counts.iter().map(|c| c.1).sum()];
        let mut jobs = Vec::with_capacity(ranges.len());
        let (mut rest_held, mut rest_items, mut held_before) =
            (held.as_mut_slice(), items.as_mut_slice(), 0);
        for (r, &(h, i)) in ranges.into_iter().zip(&counts) {
            let (my_held, tail_held) = rest_held.split_at_mut(h);
            let (my_items, tail_items) = rest_items.split_at_mut(i);
            jobs.push((r, my_held, my_items, held_before));
            (rest_held, rest_items) = (tail_held, tail_items);
            held_before += h;
        }
        let lawfully_sent = sent_lawfully(&outside, self.states, self.reached);
        jobs.into_par_iter()
            .for_each(|(r, my_held, my_items, held_before)| {
                let (mut h, mut i) = (0, 0);
                for s in r {
                    if !kept(s) {
                        continue;
                    }
                    let Some(group) = self.group(s) else { continue };
                    let reached = self.reached.get(s).copied().unwrap_or(false);
                    let Some((&(_, d, purpose, ..), first, lawful)) =
                        first_and_lawful(group, reached, &lawfully_sent)
                    else {
                        continue;
                    };
                    if begins(s) {
                        if let Some(slot) = my_items.get_mut(i) {
                            *slot = (d, (held_before + h) as u32);
                        }
                        i += 1;
                    }
                    if let Some(slot) = my_held.get_mut(h) {
                        *slot = Entry {
                            purpose,
                            first,
                            lawful,
                        };
                    }
                    h += 1;
                }
            });
        let mut by_actor = vec![0u32; actors + 1];
        for (s, k) in keys.iter().enumerate() {
            if begins(s) {
                by_actor[k.0.index() + 1] += 1;
            }
        }
        Holdings::of_lists(by_actor, items, held)
    }

    /// The arrivals of state `s`.
    fn group(&self, s: usize) -> Option<&[Arrival]> {
        let from = *self.firsts.get(s)? as usize;
        let to = self
            .firsts
            .get(s + 1)
            .map_or(self.arrivals.len(), |&t| t as usize);
        self.arrivals.get(from..to)
    }
}

/// The (receiver, item, purpose)s of `arrivals` (sorted), each a state:
/// their keys in order, each arrival's state, and where each state's
/// arrivals start. In `tasks` stretches of the arrivals side by side when
/// more than one: each counts the states that start in it, then writes
/// its own stretch of the three lists (a million arrivals on one core
/// left the other idle).
fn states_of(arrivals: &[Arrival], tasks: usize) -> (Vec<StateKey>, Vec<u32>, Vec<u32>) {
    let key = |x: &Arrival| (x.0, x.1, x.2);
    // Does arrival `i` start a state (its key is not the one before's)?
    let starts = |i: usize| match (
        i.checked_sub(1).and_then(|j| arrivals.get(j)),
        arrivals.get(i),
    ) {
        (Some(before), Some(x)) => key(before) != key(x),
        (None, Some(_)) => true,
        (_, None) => false,
    };
    let stretch = arrivals.len().div_ceil(tasks.max(1)).max(1);
    let counts: Vec<usize> = if tasks > 1 {
        (arrivals.par_chunks(stretch).enumerate())
            .map(|(t, c)| {
                (t * stretch..t * stretch + c.len())
                    .filter(|&i| starts(i))
                    .count()
            })
            .collect()
    } else {
        vec![(0..arrivals.len()).filter(|&i| starts(i)).count()]
    };
    let none = (ActorId::new(0), DataId::new(0), PurposeId::new(0));
    let total = counts.iter().sum();
    let mut keys: Vec<StateKey> = vec![none; total];
    let mut firsts: Vec<u32> = vec![0; total];
    let mut state: Vec<u32> = vec![0; arrivals.len()];
    // Each stretch's keys and firsts, and the number of the state before
    // its first.
    let mut jobs = Vec::with_capacity(counts.len());
    let (mut rest, mut rest_firsts, mut before) = (keys.as_mut_slice(), firsts.as_mut_slice(), 0);
    for (&n, st) in counts.iter().zip(state.chunks_mut(stretch)) {
        let (mine, tail) = rest.split_at_mut(n);
        let (my_firsts, tail_firsts) = rest_firsts.split_at_mut(n);
        jobs.push((jobs.len(), (mine, my_firsts), st, before));
        (rest, rest_firsts) = (tail, tail_firsts);
        before += n;
    }
    type Job<'a> = (
        usize,
        (&'a mut [StateKey], &'a mut [u32]),
        &'a mut [u32],
        usize,
    );
    let write = |(t, (mine, my_firsts), st, before): Job<'_>| {
        // The number of states begun so far, the first stretch's first
        // arrival's included.
        let (mut begun, mut k) = (before, 0);
        for (j, s) in st.iter_mut().enumerate() {
            let i = t * stretch + j;
            if starts(i) {
                if let (Some(slot), Some(first), Some(x)) =
                    (mine.get_mut(k), my_firsts.get_mut(k), arrivals.get(i))
                {
                    *slot = key(x);
                    *first = i as u32;
                }
                k += 1;
                begun += 1;
            }
            *s = begun.saturating_sub(1) as u32;
        }
    };
    if tasks > 1 {
        jobs.into_par_iter().for_each(write);
    } else {
        jobs.into_iter().for_each(write);
    }
    (keys, state, firsts)
}

/// A state: (receiver, item, purpose).
type StateKey = (ActorId, DataId, PurposeId);

/// The states ([`states_of`]'s keys, sorted) and where each actor's run
/// of them starts, so that a sender's state for an item and a purpose is
/// found among its own few. It replaces sorting what is sent by sender to
/// merge it with the states: three sorts of a million entries were half
/// of the holdings' time on long chains and wide fans, and a search of
/// all the states for each (twenty cache misses) was slower still.
struct States {
    /// Every (receiver, item, purpose) that an arrival brings, sorted.
    keys: Vec<(ActorId, DataId, PurposeId)>,
    /// Where the states of actor `a` start in `keys`; entry `a + 1` ends
    /// them.
    by_actor: Vec<u32>,
}

impl States {
    fn of(keys: Vec<(ActorId, DataId, PurposeId)>) -> States {
        let actors = keys.last().map_or(0, |k| k.0.index() + 1);
        let mut by_actor = vec![0u32; actors + 1];
        for k in &keys {
            by_actor[k.0.index() + 1] += 1;
        }
        for a in 1..by_actor.len() {
            by_actor[a] += by_actor[a - 1];
        }
        States { keys, by_actor }
    }

    fn len(&self) -> usize {
        self.keys.len()
    }

    /// The states of actor `a` (a run of `keys`), and where they start.
    fn of_actor(&self, a: ActorId) -> (&[(ActorId, DataId, PurposeId)], usize) {
        run_of(&self.by_actor, &self.keys, a)
    }

    /// The state of `key`, if anyone is in it.
    fn find(&self, key: (ActorId, DataId, PurposeId)) -> Option<usize> {
        let (run, first) = self.of_actor(key.0);
        let i = run.binary_search(&key).ok()?;
        Some(first + i)
    }
}

/// Which states (`keys`, `state` from [`states_of`]) are reached
/// lawfully: by an arrival from a party outside the society, or from a
/// system or carrier in a state so reached, sending the same item for the
/// same purpose.
///
/// Each arrival from the society or a carrier becomes a step (its
/// transfer, the state it leaves, the state it reaches:
/// [`steps_by_sender`], on every core when `par`); then the steps are
/// swept in the order of the flows, as a design is written
/// upstream first, until a sweep reaches nothing new: each sweep reads
/// the steps front to back and a byte per state. A walk from state to
/// state read a state's steps at random, two seconds at a million flows.
/// Past [`SWEEPS`] sweeps (a design written downstream first), the walk
/// finishes from what the sweeps reached, linear whatever the order.
fn lawfully_reached(
    arrivals: &[Arrival],
    states: &States,
    state: &[u32],
    outside: impl Fn(ActorId) -> bool + Sync,
    par: bool,
) -> Vec<bool> {
    let mut reached = vec![false; states.len()];
    // The outside's arrivals reach their states at once.
    for (&(.., from), &r) in arrivals.iter().zip(state) {
        if outside(from) {
            reached[r as usize] = true;
        }
    }
    // Each step: (transfer, state left, state reached). A sender that
    // never received the item for the purpose has no state: its steps
    // are never lawful.
    let tasks = match par && arrivals.len() >= PARALLEL_ARRIVALS {
        true => rayon::current_num_threads(),
        false => 1,
    };
    let steps = steps_by_sender(arrivals, state, states, &outside, tasks);
    let steps = in_transfer_order(steps, tasks);
    for sweep in 0.. {
        let mut changed = false;
        for &(_, from, to) in &steps {
            if reached[from as usize] && !reached[to as usize] {
                reached[to as usize] = true;
                changed = true;
            }
        }
        if !changed {
            return reached;
        }
        if sweep + 1 == SWEEPS {
            break;
        }
    }
    // The walk: each reached state's steps, by the state they leave.
    let item = |i: usize| steps.get(i).map(|x| (x.1 as usize, *x));
    let leaving = grouped(steps.len(), states.len(), item, tasks, no_step());
    let mut queue: Vec<usize> = (0..states.len()).filter(|&s| reached[s]).collect();
    while let Some(s) = queue.pop() {
        for &(_, _, r) in leaving.of(s) {
            if !reached[r as usize] {
                reached[r as usize] = true;
                queue.push(r as usize);
            }
        }
    }
    reached
}

/// The steps of [`lawfully_reached`]: for each arrival sent by one of the
/// society's systems or a carrier, (its transfer, the sender's state for
/// its item and purpose, the state it reaches), when the sender has that
/// state. Grouped by sender with one counting pass, then each sender's
/// arrivals are looked up among its own states while those are in the
/// cache: looked up in arrival order, nearly every lookup missed the cache
/// at its sender's states (on long internal chains no faster than the
/// sort by sender it replaces, a sort of a million entries). In `tasks` ranges of senders
/// with about as many arrivals each, side by side when more than one:
/// each task reads every arrival and places only its own senders'.
fn steps_by_sender(
    arrivals: &[Arrival],
    state: &[u32],
    states: &States,
    outside: &(impl Fn(ActorId) -> bool + Sync),
    tasks: usize,
) -> Vec<Step> {
    // Only an actor with states can make a step.
    let senders = states.by_actor.len().saturating_sub(1);
    let sent = grouped(
        arrivals.len(),
        senders,
        |i| {
            let &(_, d, p, t, from) = arrivals.get(i)?;
            let r = *state.get(i)?;
            (!outside(from)).then_some((from.index(), (d, p, t, r)))
        },
        tasks,
        (DataId::new(0), PurposeId::new(0), TransferId::new(0), 0),
    );
    let of_sender = |f: usize| {
        let (run, first) = states.of_actor(ActorId::new(f as u32));
        sent.of(f).iter().filter_map(move |&(d, p, t, r)| {
            let i = run.binary_search_by(|k| (k.1, k.2).cmp(&(d, p))).ok()?;
            Some((t, (first + i) as u32, r))
        })
    };
    if tasks > 1 {
        let mut steps = Vec::with_capacity(sent.items.len());
        steps.par_extend(
            (0..senders)
                .into_par_iter()
                .with_min_len(1024)
                .flat_map_iter(of_sender),
        );
        steps
    } else {
        (0..senders).flat_map(of_sender).collect()
    }
}

/// `steps` in the order of their transfers (the flows'), those of one
/// transfer in the order they came: grouped by the transfer's number
/// sixteen bits at a time, low bits first (one stable counting pass per
/// sixteen bits, two for up to four billion transfers), linear where the
/// sort it replaces was n log n. (Grouped by the whole number at once,
/// a million transfers' counts, it was slower than that sort.) Which of
/// one transfer's steps comes first does not change what the sweeps
/// reach.
fn in_transfer_order(steps: Vec<Step>, tasks: usize) -> Vec<Step> {
    const DIGIT: usize = 1 << 16;
    let top = steps.iter().map(|s| s.0.index()).max().unwrap_or(0);
    let (low, high) = (
        |s: &Step| s.0.index() % DIGIT,
        |s: &Step| s.0.index() / DIGIT,
    );
    // Only as many counts as the transfers take: a small design's in one
    // pass. A transfer's number is a u32, so two digits hold it.
    let passes: &[Pass<'_, Step>] = match top < DIGIT {
        true => &[(top + 1, &low)],
        false => &[(DIGIT, &low), (top / DIGIT + 1, &high)],
    };
    in_order_of(steps, passes, tasks, no_step())
}

/// Sweeps of [`lawfully_reached`] before it walks instead.
const SWEEPS: usize = 8;

/// A step of [`lawfully_reached`]: (transfer, state left, state reached).
type Step = (TransferId, u32, u32);

/// What a list of steps holds before it is written.
fn no_step() -> Step {
    (TransferId::end(), 0, 0)
}

/// Arrivals put in order, and their steps found, on every core from
/// this many.
const PARALLEL_ARRIVALS: usize = 64 * 1024;

/// For each state of a system of the society (`keep`), its first arrival
/// and its first lawful one: in a state reached lawfully with one
/// arrival, that arrival (the walk reached it by it); with several, the
/// first (a group is in the order of its transfers) from outside or from
/// a sender in a state reached lawfully, found among the sender's own
/// states.
fn first_of_each<'a>(
    arrivals: &'a [Arrival],
    states: &'a States,
    reached: &'a [bool],
    outside: impl Fn(ActorId) -> bool + 'a,
    keep: impl Fn(ActorId) -> bool + 'a,
) -> impl Iterator<Item = Row> + 'a {
    let groups = arrivals.chunk_by(|x, y| (x.0, x.1, x.2) == (y.0, y.1, y.2));
    let lawfully_sent = sent_lawfully(outside, states, reached);
    groups.zip(reached).filter_map(move |(group, &reached)| {
        if !keep(group.first()?.0) {
            return None;
        }
        let (&(a, d, p, ..), first, lawful) = first_and_lawful(group, reached, &lawfully_sent)?;
        Some((a, d, p, first, lawful))
    })
}

/// Is an arrival sent lawfully: from outside, or from a sender in a state
/// reached lawfully (found among the sender's own states)?
fn sent_lawfully<'a>(
    outside: impl Fn(ActorId) -> bool + 'a,
    states: &'a States,
    reached: &'a [bool],
) -> impl Fn(&Arrival) -> bool + 'a {
    move |&(_, d, p, _, from): &Arrival| {
        outside(from) || states.find((from, d, p)).is_some_and(|s| reached[s])
    }
}

/// A state's group of arrivals (in the order of their transfers): its
/// first arrival, its first transfer and, when the state is reached
/// lawfully, its first lawful one: with one arrival, that arrival (the
/// walk reached it by it); with several, the first `lawfully_sent`.
fn first_and_lawful<'g>(
    group: &'g [Arrival],
    reached: bool,
    lawfully_sent: &impl Fn(&Arrival) -> bool,
) -> Option<(&'g Arrival, TransferId, Option<TransferId>)> {
    let head = group.first()?;
    let first = head.3;
    let lawful = match group {
        _ if !reached => None,
        [_] => Some(first),
        _ => group.iter().find(|x| lawfully_sent(x)).map(|x| x.3),
    };
    Some((head, first, lawful))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Arrivals `(receiver, sender, purpose)` of item 0 (transfer k the
    /// k-th), and the first lawful transfer of each (receiver, purpose)
    /// of the society's systems as the holdings find it.
    fn lawful_of(
        standing: &[Standing],
        list: &[(u32, u32, u32)],
    ) -> Vec<(u32, u32, Option<usize>)> {
        let (a, d, p, t) = (ActorId::new, DataId::new, PurposeId::new, TransferId::new);
        let mut arrivals: Vec<Arrival> = (list.iter().enumerate())
            .map(|(k, &(to, from, q))| (a(to), d(0), p(q), t(k), a(from)))
            .collect();
        arrivals.sort_unstable();
        let h = held_of(&arrivals, standing, standing.len(), false);
        (h.all().into_iter())
            .flat_map(|(to, _, held)| {
                (held.0.iter())
                    .map(move |e| (to.get(), e.purpose.get(), e.lawful.map(|t| t.index())))
            })
            .collect()
    }

    /// Every (system, item, purpose) of `h` with its first transfer and
    /// its first lawful one.
    fn rows_of(h: &Holdings) -> Vec<(u32, u32, u32, usize, Option<usize>)> {
        (h.all().into_iter())
            .flat_map(|(a, d, held)| {
                (held.0.iter()).map(move |e| {
                    let lawful = e.lawful.map(|t| t.index());
                    (a.get(), d.get(), e.purpose.get(), e.first.index(), lawful)
                })
            })
            .collect()
    }

    /// [`rows_of`] the holdings of `arrivals` worked out the plain way:
    /// the states reached lawfully by going over every arrival until
    /// nothing changes, and each state's first transfer and first lawful
    /// one by looking at all of its arrivals.
    fn plainly_held(
        arrivals: &[Arrival],
        standing: &[Standing],
    ) -> Vec<(u32, u32, u32, usize, Option<usize>)> {
        use std::collections::{BTreeMap, BTreeSet};
        let outside = outside_in(standing);
        let mut reached: BTreeSet<(ActorId, DataId, PurposeId)> = (arrivals.iter())
            .filter(|x| outside(x.4))
            .map(|x| (x.0, x.1, x.2))
            .collect();
        loop {
            let before = reached.len();
            for x in arrivals {
                if !outside(x.4) && reached.contains(&(x.4, x.1, x.2)) {
                    reached.insert((x.0, x.1, x.2));
                }
            }
            if reached.len() == before {
                break;
            }
        }
        let mut rows: BTreeMap<(u32, u32, u32), (usize, Option<usize>)> = BTreeMap::new();
        for x in arrivals {
            if standing.get(x.0.index()) != Some(&Standing::Society) {
                continue;
            }
            let t = x.3.index();
            let lawful = (outside(x.4) || reached.contains(&(x.4, x.1, x.2))).then_some(t);
            let row = rows
                .entry((x.0.get(), x.1.get(), x.2.get()))
                .or_insert((t, None));
            row.0 = row.0.min(t);
            row.1 = match (row.1, lawful) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
        (rows.into_iter())
            .map(|((a, d, p), (first, lawful))| (a, d, p, first, lawful))
            .collect()
    }

    /// Random arrivals (sorted, as [`Holdings::compute`] gives them) into
    /// the systems and carriers among random actors, the same for the
    /// same seed; a transfer may bring several items, and a state may be
    /// reached again and again.
    fn random_arrivals(seed: u64, most: usize) -> (Vec<Standing>, Vec<Arrival>) {
        let mut roll = crate::test_rulebooks::dice(seed, 0x5eed);
        let actors = 2 + roll(40);
        let standing: Vec<Standing> = (0..actors)
            .map(|_| match roll(4) {
                0 => Standing::Outside,
                1 => Standing::Carrier,
                _ => Standing::Society,
            })
            .collect();
        let inside: Vec<u32> = (0..actors as u32)
            .filter(|&a| standing[a as usize] != Standing::Outside)
            .collect();
        let (items, purposes) = (1 + roll(4), 1 + roll(4));
        let mut arrivals = Vec::new();
        for t in 0..roll(most + 1) {
            let Some(&to) = inside.get(roll(inside.len())) else {
                break;
            };
            let from = roll(actors) as u32;
            for _ in 0..1 + roll(2) {
                let (item, purpose) = (roll(items) as u32, roll(purposes) as u32);
                arrivals.push((
                    ActorId::new(to),
                    DataId::new(item),
                    PurposeId::new(purpose),
                    TransferId::new(t),
                    ActorId::new(from),
                ));
            }
        }
        arrivals.sort_unstable();
        (standing, arrivals)
    }

    #[test]
    fn what_is_held_lawfully_is_what_going_over_every_arrival_until_nothing_changes_finds() {
        let mut lawful = 0;
        for seed in 0..400 {
            let (standing, arrivals) = random_arrivals(seed, 300);
            let plain = plainly_held(&arrivals, &standing);
            lawful += plain.iter().filter(|r| r.4.is_some()).count();
            for par in [false, true] {
                let h = held_of(&arrivals, &standing, standing.len(), par);
                assert_eq!(rows_of(&h), plain, "seed {seed}, par {par}");
            }
        }
        // The random designs reach some states lawfully, not all.
        assert!(lawful > 1000, "{lawful}");
    }

    #[test]
    fn arrivals_in_the_order_of_their_transfers_are_put_in_the_order_a_sort_gives() {
        for seed in 0..300 {
            let (_, sorted) = random_arrivals(seed, 300);
            let mut by_transfer = sorted.clone();
            by_transfer.sort_by_key(|x| x.3);
            assert_eq!(in_order(by_transfer.clone(), false), sorted, "seed {seed}");
            assert_eq!(in_order(by_transfer, true), sorted, "seed {seed}");
        }
        // Past the count that puts them in order on every core: a
        // thousand actors, ten items, thirty purposes, a few arrivals a
        // transfer.
        let mut roll = crate::test_rulebooks::dice(7, 0x5eed);
        let mut by_transfer = Vec::new();
        for t in 0..PARALLEL_ARRIVALS {
            for _ in 0..1 + roll(3) {
                by_transfer.push((
                    ActorId::new(roll(1000) as u32),
                    DataId::new(roll(10) as u32),
                    PurposeId::new(roll(30) as u32),
                    TransferId::new(t),
                    ActorId::new(roll(1000) as u32),
                ));
            }
        }
        let mut sorted = by_transfer.clone();
        sorted.sort_unstable();
        assert_eq!(in_order(by_transfer, true), sorted);
    }

    #[test]
    fn steps_are_put_in_the_order_of_their_transfers_as_they_came() {
        let mut roll = crate::test_rulebooks::dice(3, 0x5eed);
        for (round, top) in [0, 1, 100, (1 << 16) - 1, 1 << 16, 5 << 16, 1 << 20]
            .into_iter()
            .enumerate()
        {
            let steps: Vec<Step> = (0..1 + roll(3000))
                .map(|k| (TransferId::new(roll(top + 1)), k as u32, roll(9) as u32))
                .chain([(TransferId::new(top), u32::MAX, 0)])
                .collect();
            let mut expected = steps.clone();
            expected.sort_by_key(|s| s.0);
            for tasks in [1, 2, 7] {
                let got = in_transfer_order(steps.clone(), tasks);
                assert_eq!(got, expected, "round {round}, {tasks} tasks");
            }
        }
    }

    #[test]
    fn states_are_the_same_in_one_stretch_of_arrivals_or_several() {
        for seed in 0..200 {
            let (_, arrivals) = random_arrivals(seed, 300);
            // Each new (receiver, item, purpose) a state, in order.
            let mut keys: Vec<StateKey> = Vec::new();
            let mut state = Vec::new();
            for x in &arrivals {
                if keys.last() != Some(&(x.0, x.1, x.2)) {
                    keys.push((x.0, x.1, x.2));
                }
                state.push((keys.len() - 1) as u32);
            }
            let firsts: Vec<u32> = (0..state.len())
                .filter(|&i| i == 0 || state[i] != state[i - 1])
                .map(|i| i as u32)
                .collect();
            for tasks in [1, 2, 3, 7, 1000] {
                let got = states_of(&arrivals, tasks);
                let expected = (keys.clone(), state.clone(), firsts.clone());
                assert_eq!(got, expected, "seed {seed}, {tasks} tasks");
            }
        }
    }

    #[test]
    fn holdings_made_in_stretches_of_the_states_are_those_made_in_one() {
        for seed in 0..300 {
            let (standing, arrivals) = random_arrivals(seed, 300);
            let (outside, society) = (outside_in(&standing), society_in(&standing));
            let (keys, state, firsts) = states_of(&arrivals, 1);
            let states = States::of(keys);
            let reached = lawfully_reached(&arrivals, &states, &state, outside, false);
            // Fewer actors than the arrivals name, sometimes: those beyond
            // hold nothing.
            let actors = standing.len() - usize::from(seed % 3 == 0);
            let rows = first_of_each(&arrivals, &states, &reached, outside, society);
            let one = Holdings::of_arrivals(actors, rows, arrivals.len());
            let of_states = OfStates {
                arrivals: &arrivals,
                states: &states,
                firsts: &firsts,
                reached: &reached,
            };
            for tasks in [1, 2, 3, 7, 1000] {
                let many = of_states.holdings(actors, outside, society, tasks);
                let what = format!("seed {seed}, {tasks} tasks");
                assert_eq!(many.by_actor, one.by_actor, "{what}");
                assert_eq!(many.items, one.items, "{what}");
                assert_eq!(many.held, one.held, "{what}");
            }
        }
    }

    #[test]
    fn steps_are_the_same_in_one_range_of_senders_or_several() {
        for seed in 0..200 {
            let (standing, arrivals) = random_arrivals(seed, 300);
            let outside = outside_in(&standing);
            let (keys, state, _) = states_of(&arrivals, 1);
            let states = States::of(keys);
            // Each arrival from inside whose sender is in the state it
            // sends from, found by searching every state.
            let mut plain: Vec<(TransferId, u32, u32)> = (arrivals.iter().zip(&state))
                .filter(|(x, _)| !outside(x.4))
                .filter_map(|(x, &r)| {
                    let left = states.keys.iter().position(|k| *k == (x.4, x.1, x.2))?;
                    Some((x.3, left as u32, r))
                })
                .collect();
            plain.sort_unstable();
            for tasks in [1, 2, 3, 7, 100] {
                let mut steps = steps_by_sender(&arrivals, &state, &states, &outside, tasks);
                steps.sort_unstable();
                assert_eq!(steps, plain, "seed {seed}, {tasks} tasks");
            }
        }
    }

    #[test]
    fn holdings_past_the_parallel_threshold_are_those_of_one_thread() {
        let (standing, arrivals) = random_arrivals(7, 2 * PARALLEL_ARRIVALS);
        assert!(arrivals.len() > PARALLEL_ARRIVALS);
        let one = rows_of(&held_of(&arrivals, &standing, standing.len(), false));
        let every = rows_of(&held_of(&arrivals, &standing, standing.len(), true));
        assert!(one.iter().any(|r| r.4.is_some()));
        assert_eq!(one, every);
    }

    #[test]
    fn a_purpose_is_held_lawfully_only_when_it_traces_back_outside() {
        use Standing::{Carrier, Outside, Society};
        // 0 outside, 1 a carrier, 2 to 5 the society's systems.
        let standing = [Outside, Carrier, Society, Society, Society, Society];
        let got = lawful_of(
            &standing,
            &[
                // Outside → carrier → 2 for purpose 0: lawful all the way.
                (1, 0, 0),
                (2, 1, 0),
                // 2 passes it on for 0 (lawful) and for 1 (not: a drift).
                (3, 2, 0),
                (4, 2, 1),
                // 4 sends it back to 2 for 1: what came round a cycle is
                // not lawful, however often it goes round.
                (2, 4, 1),
                (4, 2, 1),
                // 3 and 5 pass it to each other for 2, which no one
                // outside sent: never lawful.
                (5, 3, 2),
                (3, 5, 2),
                // A carrier that passes on what a system sent it for 1.
                (1, 4, 1),
                (5, 1, 1),
            ],
        );
        // (system, purpose, first lawful transfer): 2 and 3 hold it
        // lawfully for 0 only, by transfers 1 and 2; nothing else is.
        assert_eq!(
            got,
            [
                (2, 0, Some(1)),
                (2, 1, None),
                (3, 0, Some(2)),
                (3, 2, None),
                (4, 1, None),
                (5, 1, None),
                (5, 2, None),
            ]
        );
    }

    #[test]
    fn the_first_lawful_transfer_is_kept_beside_the_first() {
        use Standing::{Outside, Society};
        // 1 receives the item for 0 first from 2, which got it from 3, which
        // got it from no one; then from outside.
        let standing = [Outside, Society, Society, Society];
        let got = lawful_of(&standing, &[(1, 2, 0), (2, 3, 0), (1, 0, 0)]);
        assert_eq!(got, [(1, 0, Some(2)), (2, 0, None)]);
        // Round a cycle: 2 got it from 1 for 0, and 1 holds it lawfully
        // for 0, so what 2 sends back for 0 is lawful too.
        let got = lawful_of(&standing, &[(1, 2, 0), (2, 1, 0), (1, 0, 0)]);
        assert_eq!(got, [(1, 0, Some(0)), (2, 0, Some(1))]);
        // Without the outside's, nothing is lawful.
        let got = lawful_of(&standing, &[(1, 2, 0), (2, 1, 0)]);
        assert_eq!(got, [(1, 0, None), (2, 0, None)]);
    }

    #[test]
    fn a_chain_written_downstream_first_is_walked_to_its_end() {
        use Standing::{Outside, Society};
        // Outside → 1 → 2 → ... → 30, the hops written in either order:
        // downstream first, each sweep reaches one more system, and the
        // walk after the last sweep reaches the rest.
        let standing: Vec<Standing> = (0..=30)
            .map(|a| if a == 0 { Outside } else { Society })
            .collect();
        let forward: Vec<(u32, u32, u32)> = (1..=30).map(|a| (a, a - 1, 0)).collect();
        let backward: Vec<(u32, u32, u32)> = forward.iter().rev().copied().collect();
        for list in [forward, backward] {
            let got = lawful_of(&standing, &list);
            assert_eq!(got.len(), 30);
            assert!(got.iter().all(|x| x.2.is_some()), "{got:?}");
        }
    }

    #[test]
    fn each_system_item_is_found_among_its_systems_own_and_ends_where_the_next_starts() {
        let (a, d, p, t) = (ActorId::new, DataId::new, PurposeId::new, TransferId::new);
        // Actor 0 holds nothing; actor 1 items 2 and 5; actor 3 item 2
        // (the last, ending at the end); an arrival of actor 9 (beyond
        // the 4 actors) is left out.
        let arrivals = [
            (a(1), d(2), p(0), t(7), None),
            (a(1), d(2), p(3), t(1), Some(t(1))),
            (a(1), d(5), p(1), t(4), None),
            (a(3), d(2), p(2), t(0), None),
            (a(3), d(2), p(4), t(9), None),
            (a(9), d(1), p(0), t(2), None),
        ];
        let h = Holdings::of_arrivals(4, arrivals, arrivals.len());
        let held = |x: u32, y: u32| {
            h.held(a(x), d(y)).map(|h| {
                h.0.iter()
                    .map(|e| (e.purpose.get(), e.first.index()))
                    .collect::<Vec<_>>()
            })
        };
        let lawful = h
            .held(a(1), d(2))
            .map(|h| h.lawful_purposes().collect::<Vec<_>>());
        assert_eq!(lawful, Some(vec![p(3)]));
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
