//! MN401: carrier hops with nowhere to go, or coming from nowhere (found
//! while stitching the graph).

use super::Ctx;
use super::finding::Finding;

pub(crate) fn check(ctx: &Ctx) -> Vec<Finding> {
    ctx.graph
        .dangling
        .iter()
        .copied()
        .map(Finding::Dangling)
        .collect()
}
