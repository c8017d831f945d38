//! The rows of the inventory's tables, built once for every renderer that
//! lays them out (the Markdown inventory, the HTML report): flat views of
//! the [`Inventory`], in its order (systems as the design declares them,
//! then their items, then the design's order of flows).

use super::closure::{Toward, spread};
use super::{Counterpart, Entrusting, Holding, Inventory, Movement};
use crate::model::{ActorId, DataId, Design, PurposeId, RoleKind};

/// One item one system holds.
#[derive(Clone, Copy, Debug)]
pub struct HeldRow<'a> {
    /// The system.
    pub system: ActorId,
    /// What it holds, and how the item comes and goes.
    pub holding: &'a Holding,
}

/// One contractor handling an item of a system.
#[derive(Clone, Copy, Debug)]
pub struct EntrustedRow<'a> {
    /// The system whose item it is.
    pub system: ActorId,
    /// The item.
    pub holding: &'a Holding,
    /// The contractor.
    pub contractor: ActorId,
    /// The purposes the contractor handles it for.
    pub purposes: &'a [PurposeId],
    /// How it comes to handle the item, and what `check` says of that.
    pub entrusting: &'a Entrusting,
}

/// One item a system passes on to an actor that is not a contractor
/// (entrusting is listed apart).
#[derive(Clone, Copy, Debug)]
pub struct PassedRow<'a> {
    /// The system it leaves.
    pub system: ActorId,
    /// The item.
    pub item: DataId,
    /// Where it goes, for what and by which route.
    pub movement: &'a Movement,
}

/// What systems pass on, told apart as the assessment form does.
#[derive(Clone, Debug, Default)]
pub struct PassedOn<'a> {
    /// Provisions: to an actor outside the society.
    pub provided: Vec<PassedRow<'a>>,
    /// Transfers: to another system of the society.
    pub transferred: Vec<PassedRow<'a>>,
}

impl Inventory {
    /// Every item every system holds.
    pub fn held(&self) -> impl Iterator<Item = HeldRow<'_>> {
        self.systems.iter().flat_map(|s| {
            s.holdings.iter().map(move |holding| HeldRow {
                system: s.actor,
                holding,
            })
        })
    }

    /// Every contractor of every item held.
    pub fn entrusted(&self) -> impl Iterator<Item = EntrustedRow<'_>> {
        self.held().flat_map(|r| {
            (r.holding.contractors.iter())
                .zip(&r.holding.entrusting)
                .map(move |((contractor, purposes), entrusting)| EntrustedRow {
                    system: r.system,
                    holding: r.holding,
                    contractor: *contractor,
                    purposes,
                    entrusting,
                })
        })
    }

    /// What the systems pass on other than to contractors: provisions
    /// and transfers. A movement to a group's receivers (those of the
    /// groups that include it too) is a provision when one of them is
    /// outside the society, a transfer when one is a system of it (both,
    /// when both).
    pub fn passed_on<'a>(&'a self, design: &Design) -> PassedOn<'a> {
        // Per group: any receiver outside, any receiver a system, among
        // its receivers and those of the groups that include it; once.
        let outside = |a: &ActorId| {
            !matches!(
                design.kind_of(*a),
                Some(RoleKind::Contractor | RoleKind::SelfOrg)
            )
        };
        let inside = |a: &ActorId| design.kind_of(*a) == Some(RoleKind::SelfOrg);
        let out_of = spread(
            &self.groups,
            |g| g.receivers.iter().any(outside),
            Toward::Included,
        );
        let into = spread(
            &self.groups,
            |g| g.receivers.iter().any(inside),
            Toward::Included,
        );
        let kinds: Vec<(bool, bool)> = out_of.into_iter().zip(into).collect();
        let mut out = PassedOn::default();
        for r in self.held() {
            for movement in &r.holding.passed_on {
                let row = PassedRow {
                    system: r.system,
                    item: r.holding.item,
                    movement,
                };
                let (provided, transferred) = match movement.counterpart {
                    Counterpart::Actor(a) => match design.kind_of(a) {
                        Some(RoleKind::Contractor) => (false, false),
                        Some(RoleKind::SelfOrg) => (false, true),
                        _ => (true, false),
                    },
                    Counterpart::Group(g) => kinds[g.index()],
                };
                if provided {
                    out.provided.push(row);
                }
                if transferred {
                    out.transferred.push(row);
                }
            }
        }
        out
    }
}
