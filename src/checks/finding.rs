//! Typed findings: what a check found, as facts about the model and the
//! graph (which flow, which item, which rule, which roles, the nearest miss
//! and why), never as text. The wording layer ([`crate::wording`]) turns
//! each into a diagnostic in English and Japanese, in the rulebook's names.

use super::exchange::{Miss, MyNumberRefusal};
use super::provision::ProvisionRefusal;
use crate::code::Code;
use crate::graph::{Dangling, TransferId};
use crate::model::*;

/// One transfer of a path, and what it carried.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hop {
    /// The transfer (an edge of the graph).
    pub transfer: TransferId,
    /// Its sender.
    pub from: ActorId,
    /// Its receiver.
    pub to: ActorId,
    /// The item.
    pub item: DataId,
    /// The purpose it travelled for.
    pub purpose: Option<PurposeId>,
}

/// How the item of a finding reached its sender: the transfers of its
/// path, upstream first, the [`WITNESS_HOPS`] nearest the sender at most.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Witness {
    /// The transfers, upstream first.
    pub hops: Vec<Hop>,
    /// Does the path go further upstream than `hops`?
    pub longer: bool,
}

/// The most hops of a witness path a finding holds: the nearest its
/// sender. Every finding on a long internal chain has a path back along
/// it; whole, a chain of n hops with a finding at each held n²/2 hops,
/// and each shown one a label per hop. Longer than any path a person
/// follows hop by hop; the flows further up are found from the first
/// shown.
pub const WITNESS_HOPS: usize = 32;

/// An end-to-end exchange as judged: who sent what to whom, for what, and
/// by which route.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trail {
    /// The first non-carrier sender.
    pub sender: ActorId,
    /// The last non-carrier receiver.
    pub receiver: ActorId,
    /// The item.
    pub item: DataId,
    /// The purpose.
    pub purpose: PurposeId,
    /// Roles of the actors passed on the way, sorted.
    pub passed: Vec<RoleId>,
    /// The transfer that reaches the receiver: where the finding is shown.
    pub last: TransferId,
    /// The transfers before it, in the order travelled (through carriers).
    pub earlier: Vec<Hop>,
    /// How many senders send this the same way (the first is shown).
    pub senders: usize,
}

/// Whom a contractor passes data on to (MN302).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Onward {
    /// Another contractor not registered for the purpose: 再委託 without a
    /// direct contract with the society.
    Reentrusting,
    /// A party that is not a contractor: provision the contract forbids.
    Provision,
}

/// What a check found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Finding {
    /// MN201: a flow of personal data names no purpose.
    NoPurpose {
        /// The flow.
        flow: FlowId,
    },
    /// MN101–MN105: an exchange of 特定個人情報 no `mynumber` rule allows.
    MyNumber {
        /// The exchange.
        trail: Trail,
        /// Why no rule allows it.
        refusal: MyNumberRefusal,
        /// How the item reached the sender.
        witness: Witness,
    },
    /// MN202/MN203: a provision of ordinary personal data no rule allows.
    Provision {
        /// The exchange.
        trail: Trail,
        /// Why no rule allows it.
        refusal: ProvisionRefusal,
    },
    /// MN301: entrusting to a contractor not registered for the purpose.
    Unregistered {
        /// The exchange (its receiver is the contractor).
        trail: Trail,
        /// The rule that lets the society entrust the item, if one does.
        rule: Option<RuleId>,
        /// Is the item 特定個人情報?
        mynumber: bool,
    },
    /// MN302: a contractor passes data on to a party without standing.
    OnwardTransfer {
        /// The exchange (its sender is the contractor).
        trail: Trail,
        /// Re-entrusting or provision.
        kind: Onward,
        /// Is the item 特定個人情報?
        mynumber: bool,
    },
    /// MN303: a contractor's contract misses required clauses.
    MissingClauses {
        /// The contractor.
        actor: ActorId,
        /// The clauses missing, in rulebook order.
        missing: Vec<ClauseId>,
        /// Did the design declare a `clauses` block at all?
        declared: bool,
        /// Does the contractor receive 特定個人情報?
        mynumber: bool,
    },
    /// MN401: a carrier hop with nowhere to go, or from nowhere.
    Dangling {
        /// The hop.
        hop: Dangling,
        /// A hop at the other side of the same carrier, itself dangling,
        /// that carries the same item for another purpose: the departure
        /// of a hop that goes nowhere, the arrival of one that comes from
        /// nowhere. The two would be one exchange but for the purpose.
        other: Option<(TransferId, PurposeId)>,
    },
    /// MN402: 特定個人情報 passed on inside the society for a purpose it
    /// was not obtained for.
    Drift {
        /// The internal exchange.
        trail: Trail,
        /// The purposes the sender holds the item for.
        held: Vec<PurposeId>,
        /// How the item reached the sender, for the first of them.
        witness: Witness,
    },
}

impl Finding {
    /// The exchange it was found on, if it was found on one.
    pub fn trail(&self) -> Option<&Trail> {
        match self {
            Finding::MyNumber { trail, .. }
            | Finding::Provision { trail, .. }
            | Finding::Unregistered { trail, .. }
            | Finding::OnwardTransfer { trail, .. }
            | Finding::Drift { trail, .. } => Some(trail),
            Finding::NoPurpose { .. }
            | Finding::MissingClauses { .. }
            | Finding::Dangling { .. } => None,
        }
    }

    /// The code the finding is reported under.
    pub fn code(&self) -> Code {
        match self {
            Finding::NoPurpose { .. } => Code::MN201,
            Finding::MyNumber { refusal, .. } => match refusal {
                MyNumberRefusal::NoBasis => Code::MN101,
                MyNumberRefusal::NearestMiss { first, .. } => match first {
                    Miss::Direction => Code::MN102,
                    Miss::Purpose => Code::MN103,
                    Miss::Channel => Code::MN104,
                },
                MyNumberRefusal::WrongParties(_) => Code::MN105,
            },
            Finding::Provision { refusal, .. } => match refusal {
                ProvisionRefusal::InternalOnly
                | ProvisionRefusal::OtherData(_)
                | ProvisionRefusal::NotFromSender
                | ProvisionRefusal::WrongChannel(_) => Code::MN202,
                ProvisionRefusal::OtherReceivers(_) => Code::MN203,
            },
            Finding::Unregistered { .. } => Code::MN301,
            Finding::OnwardTransfer { .. } => Code::MN302,
            Finding::MissingClauses { .. } => Code::MN303,
            Finding::Dangling { .. } => Code::MN401,
            Finding::Drift { .. } => Code::MN402,
        }
    }
}
