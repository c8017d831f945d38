//! MN301–MN303: delegation. The society may entrust data only to
//! contractors registered for the purpose; a contractor may pass it on only
//! to a party with its own direct standing; contracts carry the required
//! clauses. Ordinary personal data and, where a `mynumber` rule lets the
//! society entrust it, 特定個人情報 alike.
//!
//! MN301 and MN302 are findings on the offending flow, one per flow and
//! purpose, so that a suppression, a baseline entry or a pull-request
//! annotation covers that flow and no other.

use super::Ctx;
use super::exchange::MyNumberVerdict;
use super::finding::{Finding, Onward};
use super::provision::ProvisionVerdict;
use crate::graph::TransferId;
use crate::model::*;
use rustc_hash::{FxHashMap, FxHashSet};

/// Options of the delegation checks (from `mynaflow.toml`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DelegationOptions {
    /// `require-clauses = true`: a contractor declared without a `clauses`
    /// block is reported too (MN303 at its declaration).
    pub require_clauses: bool,
}

/// Is this actor registered in the contractor register for `purpose`?
pub(crate) fn registered(ctx: &Ctx, actor: ActorId, purpose: PurposeId) -> bool {
    ctx.role_of(actor).is_some_and(|role| {
        ctx.rb
            .registered(ctx.design.actor(actor).legal_name(), role, purpose)
    })
}

/// MN301, MN302 and MN303, in that order; the three side by side when
/// `par` (they read the same context and write nothing).
pub(crate) fn check(
    ctx: &Ctx,
    mynumber: &[(usize, MyNumberVerdict)],
    provisions: &[(usize, ProvisionVerdict)],
    options: DelegationOptions,
    par: bool,
) -> Vec<Finding> {
    let (mut out, (onward, clauses)) = super::both(
        par,
        || unregistered(ctx, mynumber, provisions),
        || super::both(par, || onward(ctx), || missing_clauses(ctx, options)),
    );
    out.extend(onward);
    out.extend(clauses);
    out
}

/// [`registered`], each (actor, purpose) asked once: a design's exchanges
/// name a few contractors and purposes many times over, and each answer
/// looks the contractor's legal name up in the register.
#[derive(Default)]
struct Registrations {
    known: FxHashMap<(ActorId, PurposeId), bool>,
}

impl Registrations {
    fn registered(&mut self, ctx: &Ctx, actor: ActorId, purpose: PurposeId) -> bool {
        *self
            .known
            .entry((actor, purpose))
            .or_insert_with(|| registered(ctx, actor, purpose))
    }
}

/// MN301: an allowed provision whose receiver is a contractor not
/// registered for its purpose. One finding per (flow, receiver, purpose).
fn unregistered(
    ctx: &Ctx,
    mynumber: &[(usize, MyNumberVerdict)],
    provisions: &[(usize, ProvisionVerdict)],
) -> Vec<Finding> {
    let allowed = mynumber
        .iter()
        .filter_map(|(i, v)| match v {
            MyNumberVerdict::Allowed(r) => Some((*i, Some(*r), true)),
            MyNumberVerdict::Refused(_) => None,
        })
        .chain(provisions.iter().filter_map(|(i, v)| match v {
            ProvisionVerdict::Allowed(r) => Some((*i, Some(*r), false)),
            ProvisionVerdict::Refused(_) => None,
        }));
    let mut seen: FxHashSet<(TransferId, ActorId, PurposeId)> = FxHashSet::default();
    let mut registrations = Registrations::default();
    let mut out = Vec::new();
    for (i, rule, is_mynumber) in allowed {
        let ex = &ctx.graph.exchanges[i];
        let (_, Some(purpose)) = ex.payload else {
            continue;
        };
        if ctx.kind(ex.receiver) != Some(RoleKind::Contractor)
            || registrations.registered(ctx, ex.receiver, purpose)
            || !seen.insert((ex.last(), ex.receiver, purpose))
        {
            continue;
        }
        let Some(trail) = ctx.trail(ex) else { continue };
        out.push(Finding::Unregistered {
            trail,
            rule,
            mynumber: is_mynumber,
        });
    }
    out
}

/// MN302: a contractor passes data to a party other than the society or
/// a subject, and that party is not itself registered for the purpose.
fn onward(ctx: &Ctx) -> Vec<Finding> {
    let mut seen: FxHashSet<(TransferId, ActorId, PurposeId)> = FxHashSet::default();
    let mut registrations = Registrations::default();
    let mut out = Vec::new();
    for ex in &ctx.graph.exchanges {
        let (item, Some(purpose)) = ex.payload else {
            continue;
        };
        if ctx.kind(ex.sender) != Some(RoleKind::Contractor) {
            continue;
        }
        let kind = match ctx.kind(ex.receiver) {
            None | Some(RoleKind::SelfOrg | RoleKind::Subject | RoleKind::Carrier) => continue,
            Some(RoleKind::Contractor) if registrations.registered(ctx, ex.receiver, purpose) => {
                continue;
            }
            Some(RoleKind::Contractor) => Onward::Reentrusting,
            Some(RoleKind::Party) => Onward::Provision,
        };
        if !seen.insert((ex.last(), ex.receiver, purpose)) {
            continue;
        }
        let Some(trail) = ctx.trail(ex) else { continue };
        out.push(Finding::OnwardTransfer {
            trail,
            kind,
            mynumber: ctx.design.is_mynumber(item),
        });
    }
    out
}

/// MN303: contractors whose declared `clauses` block misses required ones
/// (and, with `require-clauses`, contractors declared without one).
fn missing_clauses(ctx: &Ctx, options: DelegationOptions) -> Vec<Finding> {
    let rb = ctx.rb;
    if rb.clauses.is_empty() {
        return Vec::new();
    }
    // Contractors that receive 特定個人情報: their notes cite 番号法. A
    // table by actor (a set took a million insertions on a large design).
    let mynumber_items = ctx.design.mynumber_items();
    let mut with_mynumber = vec![false; ctx.design.actors.len()];
    for ex in &ctx.graph.exchanges {
        if mynumber_items.get(ex.payload.0.index()) == Some(&true)
            && let Some(w) = with_mynumber.get_mut(ex.receiver.index())
        {
            *w = true;
        }
    }
    let mut out = Vec::new();
    for (i, a) in ctx.design.actors.iter().enumerate() {
        let actor = ActorId::new(i as u32);
        if ctx.kind(actor) != Some(RoleKind::Contractor) {
            continue;
        }
        let declared: Vec<ClauseId> = match &a.clauses {
            None if !options.require_clauses => continue,
            None => Vec::new(),
            // An unresolved clause name was reported; don't guess what it meant.
            Some(cs) if cs.iter().any(|c| c.id.is_none()) => continue,
            Some(cs) => cs.iter().filter_map(|c| c.id).collect(),
        };
        let missing: Vec<ClauseId> = (0..rb.clauses.len())
            .map(|i| ClauseId::new(i as u32))
            .filter(|c| !declared.contains(c))
            .collect();
        if missing.is_empty() {
            continue;
        }
        out.push(Finding::MissingClauses {
            actor,
            missing,
            declared: a.clauses.is_some(),
            mynumber: with_mynumber.get(i) == Some(&true),
        });
    }
    out
}
