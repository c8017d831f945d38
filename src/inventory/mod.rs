//! The inventory a society needs for its 特定個人情報保護評価 (PIA, 番号法
//! 第28条) and its access records, drawn from a design: which of its systems
//! hold 特定個人情報, for which purposes, from whom and through which
//! channel it arrives, to whom it goes, which contractors handle it, and
//! every exchange through a carrier, each of which leaves a 情報提供等の記録
//! at both ends (番号法第23条).
//!
//! Data only: `render::inventory_md`, `render::inventory_json` and the
//! report's section write it; [`Inventory::held`] and its siblings
//! flatten it into the rows of their tables once for all of them. The engine knows role kinds (`self`, `carrier`, `contractor`), never a
//! rulebook's names.

mod rows;
mod senders;

pub use rows::{EntrustedRow, HeldRow, PassedOn, PassedRow};
pub use senders::{route_of, senders};

use crate::checks::{Holdings, Miss, MyNumberRefusal, MyNumberVerdict, mynumber_verdicts};
use crate::code::Code;
use crate::graph::{Exchange, FlowGraph};
use crate::model::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// How an item moves between a system and another actor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Movement {
    /// The other end: the sender of what a system receives, the receiver
    /// of what it passes on.
    pub counterpart: ActorId,
    /// The purpose it moves for (None: the flow names none).
    pub purpose: Option<PurposeId>,
    /// The actors it passes between the two ends, in order of travel.
    pub route: Vec<ActorId>,
    /// The flow of the hop that reaches the receiver.
    pub flow: FlowId,
    /// For a provision (the counterpart is outside the society): the rule
    /// that allows it, or the finding.
    pub basis: Option<Basis>,
}

/// One 特定個人情報 item one system holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Holding {
    /// The item.
    pub item: DataId,
    /// The purposes it is held for (those it was received for, as MN402's
    /// holdings compute them), or, when no flow brings it (the society's own
    /// record), those it is sent for.
    pub purposes: Vec<PurposeId>,
    /// No flow brings it to this system: the society makes it here.
    pub own: bool,
    /// How it arrives, in the order of the design.
    pub received: Vec<Movement>,
    /// Where it goes, in the order of the design.
    pub passed_on: Vec<Movement>,
    /// Contractors that receive it from this system or send it here, each
    /// with the purposes they handle it for.
    pub contractors: Vec<(ActorId, Vec<PurposeId>)>,
}

/// A system of the society that holds 特定個人情報.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct System {
    /// The actor (its role is of kind `self`).
    pub actor: ActorId,
    /// What it holds, in the order the design declares the items.
    pub holdings: Vec<Holding>,
}

/// What the rulebook says of an exchange recorded at both ends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Basis {
    /// The rule that allows it.
    Rule(RuleId),
    /// No rule allows it: the finding `check` reports.
    Refused(Code),
}

/// An exchange of 特定個人情報 through a carrier: the provision that both
/// the sender and the receiver keep a 情報提供等の記録 of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// The first non-carrier sender.
    pub sender: ActorId,
    /// The last non-carrier receiver.
    pub receiver: ActorId,
    /// The item.
    pub item: DataId,
    /// The purpose.
    pub purpose: PurposeId,
    /// The actors passed, in order of travel.
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
    /// Exchanges through a carrier, in the order of the design.
    pub records: Vec<Record>,
    /// The carriers that 特定個人情報 passes, in the order the design
    /// declares them: they hold nothing for their own use.
    pub carriers: Vec<ActorId>,
}

/// The actors an exchange's representative sender passes, in order of
/// travel (see [`senders`] for every sender of a grouped exchange).
pub fn route(graph: &FlowGraph, ex: &Exchange) -> Vec<ActorId> {
    route_of(graph, &graph.route(ex))
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
    /// Draws the inventory from a design whose rulebook loaded (an empty
    /// one otherwise).
    pub fn compute(design: &Design, graph: &FlowGraph) -> Inventory {
        if design.rulebook.is_none() {
            return Inventory::default();
        }
        // The verdict `check` gives each provision of 特定個人情報.
        let verdicts: HashMap<usize, Basis> = mynumber_verdicts(design, graph)
            .iter()
            .map(|(i, v)| (*i, basis(v)))
            .collect();
        let kind = |a: ActorId| design.kind_of(a);
        let is_self = |a: ActorId| kind(a) == Some(RoleKind::SelfOrg);

        // Per (system, item): what arrives and what leaves.
        type Moves = (Vec<Movement>, Vec<Movement>);
        let mut moves: BTreeMap<(ActorId, DataId), Moves> = BTreeMap::new();
        let mut carriers: BTreeSet<ActorId> = BTreeSet::new();
        // Each sender of each exchange (the graph groups senders a check
        // cannot tell apart; each keeps its own record).
        let mut records = Vec::new();
        for (i, ex) in graph.exchanges.iter().enumerate() {
            let item = ex.payload.0;
            if !design.is_mynumber(item) {
                continue;
            }
            let b = verdicts.get(&i).cloned();
            let flow = graph.transfer(ex.last()).flow;
            for (sender, route) in senders(design, graph, ex) {
                let m = |counterpart| Movement {
                    counterpart,
                    purpose: ex.payload.1,
                    route: route.clone(),
                    flow,
                    basis: b.clone(),
                };
                if is_self(ex.receiver) {
                    moves
                        .entry((ex.receiver, item))
                        .or_default()
                        .0
                        .push(m(sender));
                }
                if is_self(sender) {
                    moves
                        .entry((sender, item))
                        .or_default()
                        .1
                        .push(m(ex.receiver));
                }
                let on_route: Vec<ActorId> = route
                    .iter()
                    .copied()
                    .filter(|a| kind(*a) == Some(RoleKind::Carrier))
                    .collect();
                // A provision through a carrier: both ends keep a record.
                if let (Some(basis), Some(purpose), false) = (&b, ex.payload.1, on_route.is_empty())
                {
                    records.push(Record {
                        sender,
                        receiver: ex.receiver,
                        item,
                        purpose,
                        route: route.clone(),
                        basis: basis.clone(),
                        flow,
                    });
                }
                carriers.extend(on_route);
            }
        }

        // The purposes each system holds each item for: MN402's holdings.
        let holdings = Holdings::compute(design, graph);
        let mut by_actor: BTreeMap<ActorId, Vec<Holding>> = BTreeMap::new();
        for ((actor, item), (received, passed_on)) in moves {
            let own = received.is_empty();
            let purposes: BTreeSet<PurposeId> = match holdings.held(actor, item) {
                Some(held) if !own => held.purposes().collect(),
                _ => passed_on.iter().filter_map(|m| m.purpose).collect(),
            };
            let mut contractors: Vec<(ActorId, Vec<PurposeId>)> = Vec::new();
            for m in received.iter().chain(&passed_on) {
                if kind(m.counterpart) != Some(RoleKind::Contractor) {
                    continue;
                }
                let i = match contractors.iter().position(|(a, _)| *a == m.counterpart) {
                    Some(i) => i,
                    None => {
                        contractors.push((m.counterpart, Vec::new()));
                        contractors.len() - 1
                    }
                };
                if let Some(p) = m.purpose
                    && !contractors[i].1.contains(&p)
                {
                    contractors[i].1.push(p);
                }
            }
            by_actor.entry(actor).or_default().push(Holding {
                item,
                purposes: purposes.into_iter().collect(),
                own,
                received,
                passed_on,
                contractors,
            });
        }
        let systems = by_actor
            .into_iter()
            .map(|(actor, holdings)| System { actor, holdings })
            .collect();

        Inventory {
            systems,
            records,
            carriers: carriers.into_iter().collect(),
        }
    }
}
