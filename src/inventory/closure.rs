//! What a group stands for through the groups it includes and those that
//! include it: its senders (and their whole routes) and its receivers.
//! Expanding them costs the groups and senders reached, so the renderers
//! never do it for every group; [`spread`] answers a yes-or-no question for
//! every group at once, in one pass over the inclusions.

use super::{GroupId, Inventory, SenderGroup};
use crate::model::ActorId;
use rustc_hash::FxHashSet;

/// Which way a property of a group's listed actors spreads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Toward {
    /// A sender of a group is a sender of every group that includes it.
    Onward,
    /// A receiver of a group is a receiver of every group it includes.
    Included,
}

/// For every group: is `seed` true of it or of a group it reaches going
/// `toward`'s way? Each group and inclusion is visited once.
pub(super) fn spread(
    groups: &[SenderGroup],
    seed: impl Fn(&SenderGroup) -> bool,
    toward: Toward,
) -> Vec<bool> {
    let mut marked: Vec<bool> = groups.iter().map(seed).collect();
    let mut stack: Vec<usize> = (0..groups.len()).filter(|&i| marked[i]).collect();
    while let Some(i) = stack.pop() {
        let next: Box<dyn Iterator<Item = GroupId>> = match toward {
            Toward::Onward => Box::new(groups[i].onward.iter().copied()),
            Toward::Included => Box::new(groups[i].joins.iter().map(|j| j.group)),
        };
        for g in next {
            if let Some(m) = marked.get_mut(g.index())
                && !*m
            {
                *m = true;
                stack.push(g.index());
            }
        }
    }
    marked
}

impl Inventory {
    /// Every sender of a group, those of the groups it includes too, each
    /// once (the first route met, depth first in the order listed), with
    /// its whole route to the group's carrier.
    pub fn senders_of(&self, g: GroupId) -> Vec<(ActorId, Vec<ActorId>)> {
        let mut out = Vec::new();
        let mut actors: FxHashSet<ActorId> = FxHashSet::default();
        let mut seen: FxHashSet<GroupId> = FxHashSet::default();
        // (group, the route from its carrier to `g`'s).
        let mut stack: Vec<(GroupId, Vec<ActorId>)> = vec![(g, Vec::new())];
        seen.insert(g);
        while let Some((at, after)) = stack.pop() {
            let group = self.group(at);
            for s in &group.senders {
                if actors.insert(s.actor) {
                    let mut route = s.route.clone();
                    route.extend(after.iter().copied());
                    out.push((s.actor, route));
                }
            }
            for j in group.joins.iter().rev() {
                if seen.insert(j.group) {
                    let mut route = j.route.clone();
                    route.extend(after.iter().copied());
                    stack.push((j.group, route));
                }
            }
        }
        out
    }

    /// Every receiver of a group, those of the groups that include it
    /// too, each once.
    pub fn receivers_of(&self, g: GroupId) -> Vec<ActorId> {
        let mut out = Vec::new();
        let mut actors: FxHashSet<ActorId> = FxHashSet::default();
        let mut seen: FxHashSet<GroupId> = FxHashSet::default();
        let mut stack = vec![g];
        seen.insert(g);
        while let Some(at) = stack.pop() {
            let group = self.group(at);
            out.extend(
                group
                    .receivers
                    .iter()
                    .copied()
                    .filter(|a| actors.insert(*a)),
            );
            for &o in group.onward.iter().rev() {
                if seen.insert(o) {
                    stack.push(o);
                }
            }
        }
        out
    }

    /// The first sender a group stands for (a group's senders share a
    /// role, so it tells theirs).
    pub fn first_sender(&self, g: GroupId) -> Option<ActorId> {
        let mut at = g;
        // Down the first inclusion: at most one step per group.
        for _ in 0..=self.groups.len() {
            let group = self.group(at);
            if let Some(s) = group.senders.first() {
                return Some(s.actor);
            }
            at = group.joins.first()?.group;
        }
        None
    }
}
