//! MN402 目的外利用: 特定個人情報 obtained for some purposes, passed on
//! inside the society (self → self, any number of hops) for another.
//!
//! Each internal exchange is judged against what its sender holds
//! lawfully ([`super::Holdings`], one walk over the graph), so the result
//! does not depend on file order and the work is linear.

use super::finding::Finding;
use super::{Ctx, Holdings};
use crate::graph::Exchange;
use crate::model::*;
use rayon::prelude::*;

/// The item and purpose of an exchange MN402 judges: 特定個人情報 passed
/// with a purpose from one of the society's systems to another.
fn judged(ctx: &Ctx, ex: &Exchange) -> Option<(DataId, PurposeId)> {
    let self_actor = |a: ActorId| ctx.kind(a) == Some(RoleKind::SelfOrg);
    let (item, Some(q)) = ex.payload else {
        return None;
    };
    (ctx.design.is_mynumber(item) && self_actor(ex.sender) && self_actor(ex.receiver))
        .then_some((item, q))
}

/// The item of an exchange MN402 reports, given what each system holds,
/// with the purposes its sender holds the item for (lawfully, or all when
/// it holds it lawfully for none): the one judgement of the check and of
/// the inventory.
// Inlined into the check's loop, as it was before the inventory shared
// it: called, it cost `check` of 1M `mixed` 0.4 % more instructions.
#[inline(always)]
fn beyond_purpose(
    ctx: &Ctx,
    holdings: &Holdings,
    ex: &Exchange,
) -> Option<(DataId, Vec<PurposeId>)> {
    let (item, q) = judged(ctx, ex)?;
    // The society's own data: no purpose to drift from.
    let held = holdings.held(ex.sender, item).filter(|h| !h.is_empty())?;
    if held.lawful(q).is_some() {
        return None;
    }
    // A system that holds the item lawfully for nothing received it
    // only by another's use beyond purpose, reported there: passing it
    // on for a purpose it came for continues that use. One that holds
    // it lawfully uses it beyond purpose itself, whatever else came
    // back to it (round a cycle of systems, say).
    let lawful: Vec<PurposeId> = held.lawful_purposes().collect();
    if lawful.is_empty() && held.contains(q) {
        return None;
    }
    let held: Vec<PurposeId> = match lawful.is_empty() {
        true => held.purposes().collect(),
        false => lawful,
    };
    Some((item, held))
}

/// The exchanges MN402 reports, as indices into `graph.exchanges`, in
/// order, given what each system `holdings` (the inventory marks them);
/// on every core when `par`.
pub(crate) fn beyond_purpose_among(ctx: &Ctx, holdings: &Holdings, par: bool) -> Vec<usize> {
    let judged = |(i, ex): (usize, &Exchange)| beyond_purpose(ctx, holdings, ex).map(|_| i);
    match par {
        true => ctx
            .graph
            .exchanges
            .par_iter()
            .enumerate()
            .filter_map(judged)
            .collect(),
        false => ctx
            .graph
            .exchanges
            .iter()
            .enumerate()
            .filter_map(judged)
            .collect(),
    }
}

/// Does MN402 judge any exchange (and so read the holdings)?
pub(crate) fn reads_holdings(ctx: &Ctx) -> bool {
    ctx.graph
        .exchanges
        .iter()
        .any(|ex| judged(ctx, ex).is_some())
}

/// MN402 on every internal exchange, in their order; on every core when
/// `par` (each exchange is judged on its own).
pub(crate) fn check(ctx: &Ctx, par: bool) -> Vec<Finding> {
    let judge = |ex: &Exchange| -> Option<Finding> {
        let (item, held) = beyond_purpose(ctx, ctx.holdings(), ex)?;
        let first = held.first().copied();
        let trail = ctx.trail(ex)?;
        let witness = ctx.witness(ex.sender, item, first);
        Some(Finding::Drift {
            trail,
            held,
            witness,
        })
    };
    if par {
        ctx.graph.exchanges.par_iter().filter_map(judge).collect()
    } else {
        ctx.graph.exchanges.iter().filter_map(judge).collect()
    }
}
