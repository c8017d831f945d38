//! MN201–MN203: purposes of use of personal information. A flow needs a
//! purpose; the society's provision to another party needs an `allow` of
//! an ordinary section for that purpose between those roles.

use super::finding::Finding;
use super::judged::Judged;
use super::provision::{ProvisionVerdict, evaluate_provision_in};
use super::rule_lists::RuleLists;
use super::{Ctx, Judgeable};
use crate::model::*;

/// MN201: flows that name no purpose. Needs no rulebook. A flow none of
/// whose items is declared is left to their MN010: what it carries is not
/// known (one typo, one finding).
pub(crate) fn missing_purposes(design: &Design) -> Vec<Finding> {
    design
        .flows
        .iter()
        .enumerate()
        .filter(|(_, f)| f.purposes.is_empty() && f.items.iter().any(|d| d.id.is_some()))
        .map(|(i, _)| Finding::NoPurpose {
            flow: FlowId::new(i as u32),
        })
        .collect()
}

/// Provisions of ordinary data by the society, with their verdicts
/// (provisions that differ only in actors share one).
pub(crate) fn provisions(ctx: &Ctx) -> Vec<(usize, ProvisionVerdict)> {
    provisions_among(ctx, 0..ctx.graph.exchanges.len())
}

/// [`provisions`] of the exchanges `among` (indices into
/// `graph.exchanges`, in order).
pub(crate) fn provisions_among(
    ctx: &Ctx,
    among: impl IntoIterator<Item = usize>,
) -> Vec<(usize, ProvisionVerdict)> {
    let mut judged = Judged::new();
    let mut lists = RuleLists::new(ctx.rb);
    let among = among.into_iter();
    // Room for a verdict on each exchange asked about (at most one each).
    let mut out = Vec::with_capacity(among.size_hint().0);
    let judgeable = ctx.judgeable(among, false);
    for Judgeable {
        index: i,
        exchange: ex,
        from,
        to,
        category,
        purpose,
    } in judgeable
    {
        let (fk, tk) = (ctx.rb.role(from).kind, ctx.rb.role(to).kind);
        if fk != RoleKind::SelfOrg {
            continue; // not the society's provision
        }
        // Internal use and provision to the person, unless handed to a
        // party on the way: then provision to that party.
        let (to, passed) = match tk {
            RoleKind::SelfOrg | RoleKind::Subject => match ctx.party_on_the_way(ex) {
                Some((at, actor, party)) => (party, ctx.passed_to(ex, at, actor)),
                None => continue,
            },
            _ => ctx.judged_way(ex, to),
        };
        let verdict = judged.get((from, to, category, purpose), &passed, || {
            evaluate_provision_in(&mut lists, from, to, category, purpose, &passed)
        });
        out.push((i, verdict));
    }
    out
}

/// MN202/MN203 findings, from the verdicts.
pub(crate) fn check(ctx: &Ctx, verdicts: &[(usize, ProvisionVerdict)]) -> Vec<Finding> {
    verdicts
        .iter()
        .filter_map(|(i, verdict)| {
            let ProvisionVerdict::Refused(refusal) = verdict else {
                return None;
            };
            let ex = &ctx.graph.exchanges[*i];
            let internal = matches!(
                ctx.kind(ex.receiver),
                Some(RoleKind::SelfOrg | RoleKind::Subject)
            );
            let trail = ctx.trail_judged(ex, internal)?;
            Some(Finding::Provision {
                trail,
                refusal: refusal.clone(),
            })
        })
        .collect()
}
