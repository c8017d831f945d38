//! MN402 目的外利用: 特定個人情報 obtained for some purposes, passed on
//! inside the society (self → self, any number of hops) for another.
//!
//! Each internal exchange is judged against what its sender holds
//! ([`super::Holdings`], one walk over the graph), so the result does not
//! depend on file order and the work is linear.

use super::Ctx;
use super::finding::Finding;
use crate::model::*;

pub(crate) fn check(ctx: &Ctx) -> Vec<Finding> {
    let self_actor = |a: ActorId| ctx.kind(a) == Some(RoleKind::SelfOrg);
    let mut out = Vec::new();
    for ex in &ctx.graph.exchanges {
        let (item, Some(q)) = ex.payload else {
            continue;
        };
        if !ctx.design.is_mynumber(item) || !self_actor(ex.sender) || !self_actor(ex.receiver) {
            continue;
        }
        let Some(held) = ctx
            .holdings()
            .held(ex.sender, item)
            .filter(|h| !h.is_empty())
        else {
            continue; // the society's own data: no purpose to drift from
        };
        if held.contains(q) {
            continue;
        }
        let held: Vec<PurposeId> = held.purposes().collect();
        let first = held.first().copied();
        let Some(trail) = ctx.trail(ex) else { continue };
        let witness = ctx.witness(ex.sender, item, first);
        out.push(Finding::Drift {
            trail,
            held,
            witness,
        });
    }
    out
}
