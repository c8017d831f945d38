//! Where each finding is shown (its primary span), without its words.
//!
//! Suppressions and the cap per code read only a finding's code and
//! place, and a large design has many more findings than are shown:
//! placing one costs a few lookups, wording one a few dozen strings. Each
//! wording function takes its primary span from here, so a finding is
//! shown where it was placed; a finding that cannot be worded (the names
//! it needs did not resolve) has no place either.

use super::Words;
use crate::checks::{Finding, Miss, MyNumberRefusal, ProvisionRefusal, Trail};
use crate::graph::Dangling;
use crate::model::*;
use crate::span::Span;

impl Words<'_> {
    /// The primary span `f` is shown at, or None when it is not worded.
    pub(super) fn place(&self, f: &Finding) -> Option<Span> {
        match f {
            Finding::NoPurpose { flow } => Some(no_purpose(self, *flow)),
            Finding::MyNumber { trail, refusal, .. } => exchange(self, trail, refusal),
            Finding::Provision { trail, refusal } => provision(self, trail, refusal),
            Finding::Unregistered { trail, .. } | Finding::OnwardTransfer { trail, .. } => {
                contractor(self, trail)
            }
            Finding::MissingClauses { actor, .. } => missing_clauses(self, *actor),
            Finding::Dangling { hop, .. } => Some(dangling(self, *hop)),
            Finding::Drift { trail, .. } => Some(drift(self, trail)),
        }
    }
}

/// MN201: the flow's payload.
pub(super) fn no_purpose(w: &Words, flow: FlowId) -> Span {
    w.design.flow(flow).payload_span()
}

/// MN101–MN105: the part of the last hop's flow that is wrong.
pub(super) fn exchange(w: &Words, trail: &Trail, refusal: &MyNumberRefusal) -> Option<Span> {
    let span = exchange_on_its_last_hop(w, trail, refusal)?;
    Some(party_on_the_way(w, trail).unwrap_or(span))
}

/// Where the party on the way is named, for an exchange that ends there
/// (`Ctx::party_on_the_way`): its last hop goes on to another receiver.
fn party_on_the_way(w: &Words, trail: &Trail) -> Option<Span> {
    if w.graph.ends(trail.last).1 == trail.receiver {
        return None;
    }
    let flow = w.flow_of(trail.last);
    flow.via
        .iter()
        .find(|v| v.id == Some(trail.receiver))
        .map(|v| v.span)
}

fn exchange_on_its_last_hop(w: &Words, trail: &Trail, refusal: &MyNumberRefusal) -> Option<Span> {
    w.rb?;
    let last = trail.last;
    match refusal {
        MyNumberRefusal::NoBasis => Some(w.item_span(last, trail.item)),
        MyNumberRefusal::WrongParties(_) => {
            // Worded with both parties' roles.
            w.role_of(trail.sender)?;
            w.role_of(trail.receiver)?;
            // The counterpart is the party that is not the society: the
            // sender when the society receives on a direct flow.
            let society_receives = w.design.kind_of(trail.receiver) == Some(RoleKind::SelfOrg);
            Some(if society_receives && trail.earlier.is_empty() {
                w.sender_span(last)
            } else {
                w.receiver_span(last)
            })
        }
        MyNumberRefusal::NearestMiss { first, .. } => match first {
            Miss::Direction => Some(w.flow_of(last).arrow()),
            Miss::Purpose => {
                // Worded with every purpose allowed between the two roles
                // for the item's category.
                w.role_of(trail.sender)?;
                w.role_of(trail.receiver)?;
                w.design.item(trail.item).category.id?;
                Some(w.purpose_span(last, trail.purpose))
            }
            Miss::Channel => Some(w.flow_of(last).via_span()),
        },
    }
}

/// MN202/MN203: the purpose, the `via` list or the receiver.
pub(super) fn provision(w: &Words, trail: &Trail, refusal: &ProvisionRefusal) -> Option<Span> {
    let span = provision_on_its_last_hop(w, trail, refusal)?;
    Some(party_on_the_way(w, trail).unwrap_or(span))
}

fn provision_on_its_last_hop(w: &Words, trail: &Trail, refusal: &ProvisionRefusal) -> Option<Span> {
    w.rb?;
    let last = trail.last;
    match refusal {
        ProvisionRefusal::InternalOnly | ProvisionRefusal::NotFromSender => {
            Some(w.purpose_span(last, trail.purpose))
        }
        // The item is what the rules do not name.
        ProvisionRefusal::OtherData(_) => Some(w.item_span(last, trail.item)),
        ProvisionRefusal::WrongChannel(_) => Some(w.flow_of(last).via_span()),
        // Worded with the first rule that allows other receivers.
        ProvisionRefusal::OtherReceivers(rules) => rules.first().map(|_| w.receiver_span(last)),
    }
}

/// MN301/MN302: the receiving contractor.
pub(super) fn contractor(w: &Words, trail: &Trail) -> Option<Span> {
    w.rb?;
    Some(party_on_the_way(w, trail).unwrap_or_else(|| w.receiver_span(trail.last)))
}

/// MN303: the contractor's name where it is declared.
pub(super) fn missing_clauses(w: &Words, actor: ActorId) -> Option<Span> {
    w.rb?;
    Some(w.design.actor(actor).name_span)
}

/// MN401: the carrier's end of the hop.
pub(super) fn dangling(w: &Words, d: Dangling) -> Span {
    match d {
        Dangling::GoesNowhere(t, _) => w.receiver_span(t),
        Dangling::ComesFromNowhere(t, _) => w.sender_span(t),
    }
}

/// MN402: the purpose it is passed on for.
pub(super) fn drift(w: &Words, trail: &Trail) -> Span {
    w.purpose_span(trail.last, trail.purpose)
}
