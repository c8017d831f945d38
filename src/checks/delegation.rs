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
use crate::graph::{Exchange, TransferId};
use crate::model::*;
use rustc_hash::{FxHashMap, FxHashSet};

/// Options of the delegation checks (from `mynaflow.toml`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DelegationOptions {
    /// `require-clauses = true`: a contractor declared without a `clauses`
    /// block is reported too (MN303 at its declaration).
    pub require_clauses: bool,
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

/// MN301 and MN302 alone: the findings on exchanges that a rule may allow
/// and delegation still makes unlawful (coverage credits no rule with
/// them). MN303 is a contractor's, on its declaration, not an exchange's.
pub(crate) fn on_exchanges(
    ctx: &Ctx,
    mynumber: &[(usize, MyNumberVerdict)],
    provisions: &[(usize, ProvisionVerdict)],
) -> Vec<Finding> {
    let mut out = unregistered(ctx, mynumber, provisions);
    out.extend(onward(ctx));
    out
}

/// Whether actors are registered in the contractor register for a
/// purpose ([`Rulebook::registered`]). The answer depends on the register
/// entry the actor's legal name finds, its role and the purpose, so each
/// is worked out once per such triple, and each actor's legal name looked
/// up once. (Kept per actor and purpose, the answers of a national design's
/// tens of thousands of contractors' branches were a table of hundreds of
/// thousands, missed in the cache at nearly every exchange.)
struct Registrations {
    /// Each actor's entry by its legal name, once looked up (the outer
    /// None: not yet).
    by_name: Vec<Option<Option<ContractorId>>>,
    known: FxHashMap<(Option<ContractorId>, RoleId, PurposeId), bool>,
}

impl Registrations {
    fn new(ctx: &Ctx) -> Registrations {
        Registrations {
            by_name: vec![None; ctx.design.actors.len()],
            known: FxHashMap::default(),
        }
    }

    /// Is `actor` registered for `purpose`? (Not when its role is unknown.)
    fn registered(&mut self, ctx: &Ctx, actor: ActorId, purpose: PurposeId) -> bool {
        let Some(role) = ctx.role_of(actor) else {
            return false;
        };
        let look_up = || {
            ctx.rb
                .contractor_named(ctx.design.actor(actor).legal_name())
        };
        let by_name = match self.by_name.get_mut(actor.index()) {
            Some(known) => *known.get_or_insert_with(look_up),
            None => look_up(),
        };
        *self
            .known
            .entry((by_name, role, purpose))
            .or_insert_with(|| ctx.rb.registered_as(by_name, role, purpose))
    }
}

/// A contractor MN301 reports on an exchange: the transfer that passes it
/// on its way, or None for the exchange's receiver.
type Unregistered = (Option<TransferId>, ActorId);

/// The contractors MN301 reports on an exchange a rule allows, with its
/// purpose: each contractor it passes on its way (in `via`) that is not
/// registered for the purpose, with the transfer that passes it, then its
/// receiver (no transfer: the exchange's last) when that is a contractor
/// not registered. A contractor on the way handles the data as the
/// receiver does: written as hops, the data would be entrusted to it.
fn unregistered_at(
    ctx: &Ctx,
    registrations: &mut Registrations,
    ex: &Exchange,
) -> Option<(PurposeId, Vec<Unregistered>)> {
    let (_, Some(purpose)) = ex.payload else {
        return None;
    };
    let mut out: Vec<Unregistered> = Vec::new();
    for (t, a) in ctx.contractors_on_the_way(ex) {
        if !registrations.registered(ctx, a, purpose) {
            out.push((Some(t), a));
        }
    }
    if ctx.kind(ex.receiver) == Some(RoleKind::Contractor)
        && !registrations.registered(ctx, ex.receiver, purpose)
    {
        out.push((None, ex.receiver));
    }
    (!out.is_empty()).then_some((purpose, out))
}

/// What MN302 says of an exchange a contractor sends on to another
/// contractor or to a party (None for any other exchange).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PassedOn {
    /// Is the receiver a contractor (再委託) rather than a party?
    pub reentrusting: bool,
    /// What MN302 reports (None: the receiver is a contractor registered
    /// for the purpose, with its own contract with the society).
    pub refused: Option<Onward>,
}

/// [`PassedOn`] of one exchange.
fn onward_at(ctx: &Ctx, registrations: &mut Registrations, ex: &Exchange) -> Option<PassedOn> {
    let (_, Some(purpose)) = ex.payload else {
        return None;
    };
    if ctx.kind(ex.sender) != Some(RoleKind::Contractor) {
        return None;
    }
    let (reentrusting, refused) = match ctx.kind(ex.receiver)? {
        RoleKind::SelfOrg | RoleKind::Subject | RoleKind::Carrier => return None,
        RoleKind::Contractor if registrations.registered(ctx, ex.receiver, purpose) => (true, None),
        RoleKind::Contractor => (true, Some(Onward::Reentrusting)),
        RoleKind::Party => (false, Some(Onward::Provision)),
    };
    Some(PassedOn {
        reentrusting,
        refused,
    })
}

/// What delegation says of the exchanges of 特定個人情報, as the checks
/// judge them, for the inventory: the exchanges MN301 reports (among
/// those `mynumber` allows), and every exchange a contractor passes on to
/// another contractor or to a party with what MN302 says of it; each by
/// its index into `graph.exchanges`, in order. Unlike the findings (one
/// per flow, receiver and purpose), every exchange is given.
pub(crate) fn of_mynumber(
    ctx: &Ctx,
    mynumber: &[(usize, MyNumberVerdict)],
) -> (Vec<usize>, Vec<(usize, PassedOn)>) {
    let mut registrations = Registrations::new(ctx);
    let unregistered = (mynumber.iter())
        .filter(|(_, v)| matches!(v, MyNumberVerdict::Allowed(_)))
        .filter(|(i, _)| {
            (ctx.graph.exchanges.get(*i))
                .is_some_and(|ex| unregistered_at(ctx, &mut registrations, ex).is_some())
        })
        .map(|(i, _)| *i)
        .collect();
    let passed_on = (ctx.graph.exchanges.iter().enumerate())
        .filter(|(_, ex)| ctx.design.is_mynumber(ex.payload.0))
        .filter_map(|(i, ex)| Some((i, onward_at(ctx, &mut registrations, ex)?)))
        .collect();
    (unregistered, passed_on)
}

/// The contractors MN303 reports (their contracts miss required clauses),
/// in the design's order.
pub(crate) fn missing_clauses_of(ctx: &Ctx, options: DelegationOptions) -> Vec<ActorId> {
    (missing_clauses(ctx, options).into_iter())
        .filter_map(|f| match f {
            Finding::MissingClauses { actor, .. } => Some(actor),
            _ => None,
        })
        .collect()
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
    let mut registrations = Registrations::new(ctx);
    let mut out = Vec::new();
    for (i, rule, is_mynumber) in allowed {
        let ex = &ctx.graph.exchanges[i];
        let Some((purpose, contractors)) = unregistered_at(ctx, &mut registrations, ex) else {
            continue;
        };
        for (at, contractor) in contractors {
            if !seen.insert((at.unwrap_or(ex.last()), contractor, purpose)) {
                continue;
            }
            let trail = match at {
                Some(at) => ctx.trail_to(ex, at, contractor),
                None => ctx.trail(ex),
            };
            let Some(trail) = trail else { continue };
            out.push(Finding::Unregistered {
                trail,
                rule,
                mynumber: is_mynumber,
            });
        }
    }
    out
}

/// MN302: a contractor passes data to a party other than the society or
/// a subject, and that party is not itself registered for the purpose.
fn onward(ctx: &Ctx) -> Vec<Finding> {
    let mut seen: FxHashSet<(TransferId, ActorId, PurposeId)> = FxHashSet::default();
    let mut registrations = Registrations::new(ctx);
    let mut out = Vec::new();
    // The exchanges contractors send, for the parties on their way below.
    let mut sent_by_contractors = Vec::new();
    for ex in &ctx.graph.exchanges {
        let (item, Some(purpose)) = ex.payload else {
            continue;
        };
        if ctx.kind(ex.sender) != Some(RoleKind::Contractor) {
            continue;
        }
        sent_by_contractors.push(ex);
        let Some(PassedOn {
            refused: Some(kind),
            ..
        }) = onward_at(ctx, &mut registrations, ex)
        else {
            continue;
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
    for ex in sent_by_contractors {
        let (item, Some(purpose)) = ex.payload else {
            continue;
        };
        for (at, actor, kind) in onward_on_the_way(ctx, &mut registrations, ex, purpose) {
            if !seen.insert((at, actor, purpose)) {
                continue;
            }
            let Some(trail) = ctx.trail_to(ex, at, actor) else {
                continue;
            };
            out.push(Finding::OnwardTransfer {
                trail,
                kind,
                mynumber: ctx.design.is_mynumber(item),
            });
        }
    }
    out
}

/// What MN302 says of the actors an exchange a contractor sends passes on its
/// way (in `via`): each handles the data as a receiver would, so a party
/// there is given it (unless it is the receiver's own office: the same
/// legal person), and a contractor there is re-entrusted with it unless
/// registered for the purpose. Written as hops, the contractor would
/// send the data to each. With the transfer that passes each.
fn onward_on_the_way(
    ctx: &Ctx,
    registrations: &mut Registrations,
    ex: &Exchange,
    purpose: PurposeId,
) -> Vec<(TransferId, ActorId, Onward)> {
    let passed = ctx.on_the_way(ex, |k| matches!(k, RoleKind::Party | RoleKind::Contractor));
    let mut out = Vec::new();
    for (t, a) in passed {
        let refused = match ctx.kind(a) {
            Some(RoleKind::Contractor) if !registrations.registered(ctx, a, purpose) => {
                Onward::Reentrusting
            }
            Some(RoleKind::Party) if !super::same_legal_person(ctx.design, a, ex.receiver) => {
                Onward::Provision
            }
            _ => continue,
        };
        out.push((t, a, refused));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::{RulebookSource, Session};

    /// Asked once per register entry, role and purpose, the answers are
    /// the register's for every actor and purpose: branches sharing a
    /// legal name, a legal name given by label or by name, an entry by
    /// role, an actor of no known role.
    #[test]
    fn registrations_answer_as_the_register_does() {
        let src = "actor 支店1 : 委託先 \"株式会社大和総研\"\n\
                   actor 支店2 : 委託先 \"株式会社大和総研\"\n\
                   actor 支店3 : 委託先 \"株式会社ケーシップ\"\n\
                   actor 株式会社ケーシップ : 委託先\n\
                   actor 未登録 : 委託先 \"どこかの会社\"\n\
                   actor 健診 : 健診機関 \"どこかの医院\"\n\
                   actor 健診2 : 健診機関\n\
                   actor 基幹 : 組合\n\
                   actor 謎 : 存在しない役割\n\
                   data x : 資格情報\n\
                   flow 基幹 -> 支店1 : x for 資格データ処理委託\n";
        let mut s = Session::new(RulebookSource::Builtin("kenpo".into()));
        let analysis = s
            .check_text("t.myna", src.to_string(), None)
            .analysis
            .expect("a design");
        let ctx = Ctx::new(&analysis.design, &analysis.graph).expect("a rulebook");
        let mut registrations = Registrations::new(&ctx);
        let mut yes = 0;
        // Twice over: the second round is answered from memory.
        for _ in 0..2 {
            for (a, actor) in analysis.design.actors.iter().enumerate() {
                let a = ActorId::new(a as u32);
                for p in 0..ctx.rb.purposes.len() {
                    let p = PurposeId::new(p as u32);
                    let expected = actor
                        .role
                        .id
                        .is_some_and(|r| ctx.rb.registered(actor.legal_name(), r, p));
                    assert_eq!(
                        registrations.registered(&ctx, a, p),
                        expected,
                        "{} for {}",
                        actor.name,
                        ctx.rb.purpose(p).name
                    );
                    yes += usize::from(expected);
                }
            }
        }
        assert!(yes >= 2 * 5, "{yes} registrations");
    }
}
