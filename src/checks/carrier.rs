//! MN401: carrier hops with nowhere to go, or coming from nowhere (found
//! while stitching the graph).

use super::Ctx;
use super::finding::Finding;
use crate::graph::{Dangling, FlowGraph, TransferId};
use crate::model::{ActorId, DataId, PurposeId};
use rustc_hash::FxHashMap;

/// Per carrier and item, the dangling hops of one side (with their
/// purposes) that the pairing keeps.
type Kept = FxHashMap<(ActorId, DataId), Vec<(TransferId, PurposeId)>>;

/// A dangling hop as the pairing reads it: does it enter its carrier,
/// which carrier and item, the hop, and its purpose.
struct Side {
    enters: bool,
    at: (ActorId, DataId),
    hop: (TransferId, PurposeId),
}

impl Side {
    /// The side of a dangling hop that names a purpose (one that names
    /// none is MN201's, and pairs with nothing).
    fn of(graph: &FlowGraph, d: Dangling) -> Option<Side> {
        let (t, (item, purpose), enters) = match d {
            Dangling::GoesNowhere(t, p) => (t, p, true),
            Dangling::ComesFromNowhere(t, p) => (t, p, false),
        };
        let (from, to) = graph.ends(t);
        let carrier = if enters { to } else { from };
        Some(Side {
            enters,
            at: (carrier, item),
            hop: (t, purpose?),
        })
    }
}

pub(crate) fn check(ctx: &Ctx) -> Vec<Finding> {
    let dangling = &ctx.graph.dangling;
    // Only the hops stitching left unmatched are paired, never the
    // flows: a carrier's arrival that goes nowhere and its departure that
    // comes from nowhere, of one item for two purposes, are one exchange
    // written with two purposes (the wording says so). Each side keeps,
    // per carrier and item, its first two hops of different purposes:
    // enough to find one of a purpose other than any hop's own.
    let mut sides: [Kept; 2] = Default::default();
    for s in dangling.iter().filter_map(|d| Side::of(ctx.graph, *d)) {
        let seen = sides[usize::from(s.enters)].entry(s.at).or_default();
        if seen.len() < 2 && seen.iter().all(|&(_, q)| q != s.hop.1) {
            seen.push(s.hop);
        }
    }
    (dangling.iter())
        .map(|&hop| {
            let other = Side::of(ctx.graph, hop).and_then(|s| {
                let across = sides[usize::from(!s.enters)].get(&s.at)?;
                across.iter().copied().find(|&(_, q)| q != s.hop.1)
            });
            Finding::Dangling { hop, other }
        })
        .collect()
}
