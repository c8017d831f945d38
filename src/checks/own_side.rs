//! Who on the way of an exchange stands on one end's own side, and where
//! on the way: the one statement the verdicts (`Ctx::passed_judged`) and
//! the wording that explains them share.

use crate::graph::{FlowGraph, TransferId};
use crate::model::*;

/// The end of an exchange an actor on its way stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum End {
    /// The sender's side: the data has not yet left its sender.
    Sender,
    /// The receiver's side: the data has already reached its receiver.
    Receiver,
}

/// The end whose own side the actor `a`, on the way of an
/// exchange between `ends` (its sender and receiver) for `purpose`, stands
/// on, if any: a system of the society when an end is the society; a
/// party of an end's role and the same legal person (its label, the legal
/// name, compared as the register compares them); on an exchange the
/// society sends, a contractor registered for the purpose, which handles
/// the data for the society. Another organisation of an end's role is a
/// third party, and the person and the carriers stand on no side.
pub(crate) fn own_side_of(
    design: &Design,
    rb: &Rulebook,
    a: ActorId,
    (sender, receiver): (ActorId, ActorId),
    purpose: Option<PurposeId>,
) -> Option<End> {
    let role = design.actor(a).role.id?;
    let kind_of = |end: ActorId| design.kind_of(end);
    // Of an end's own role first: the legal names are normalised only
    // then (an exchange of 4(3) passes オンライン資格確認等システム, of
    // neither end's role, at every flow).
    let of_role = |end: ActorId| design.actor(end).role.id == Some(role);
    match rb.role(role).kind {
        RoleKind::SelfOrg => match (kind_of(sender), kind_of(receiver)) {
            (Some(RoleKind::SelfOrg), _) => Some(End::Sender),
            (_, Some(RoleKind::SelfOrg)) => Some(End::Receiver),
            _ => None,
        },
        RoleKind::Party => {
            let same = |end: ActorId| of_role(end) && same_legal_person(design, a, end);
            match (same(sender), same(receiver)) {
                (true, _) => Some(End::Sender),
                (_, true) => Some(End::Receiver),
                _ => None,
            }
        }
        RoleKind::Contractor => {
            let registered =
                purpose.is_some_and(|p| rb.registered(design.actor(a).legal_name(), role, p));
            (kind_of(sender) == Some(RoleKind::SelfOrg) && registered).then_some(End::Sender)
        }
        _ => None,
    }
}

/// Does the actor `a` of a party's or a contractor's role `role` stand on
/// one end's own side ([`own_side_of`]), so that the rules do not judge it
/// as a party passed?
pub(crate) fn on_own_side(
    design: &Design,
    rb: &Rulebook,
    (a, role): (ActorId, RoleId),
    ends: (ActorId, ActorId),
    purpose: PurposeId,
) -> bool {
    design.actor(a).role.id == Some(role)
        && own_side_of(design, rb, a, ends, Some(purpose)).is_some()
}

/// Are `a` and `b` one legal person: the same actor, or two whose labels
/// (their legal names) compare equal as the register compares them? A
/// municipality's 統合宛名システム and its tax office are.
pub(crate) fn same_legal_person(design: &Design, a: ActorId, b: ActorId) -> bool {
    let key = |x: ActorId| crate::names::key(design.actor(x).legal_name());
    a == b || key(a) == key(b)
}

/// The actors an exchange whose route is `route` passes, in the order the
/// data travels: each hop's `via` actors, and the carrier each later hop
/// leaves from; each with the transfer that passes it.
pub(crate) fn way(
    design: &Design,
    graph: &FlowGraph,
    route: &[TransferId],
) -> Vec<(TransferId, ActorId)> {
    let mut out = Vec::new();
    for (i, &t) in route.iter().enumerate() {
        if i > 0 {
            out.push((t, graph.ends(t).0));
        }
        out.extend(graph.transfer(t).via(design).map(|a| (t, a)));
    }
    out
}

/// Where on an exchange's way (the positions of [`way`]) the ends' own
/// sides stand: the last actor of the sender's side and the first of the
/// receiver's. Only what stands between them is on the way from one end
/// to the other. Written flow by flow, a carrier passed before the
/// sender's own system carries the data inside the sender, and the leg
/// from that system on is an exchange of its own: `基幹 -> 協会けんぽ via
/// 情報提供NWS, 適用` leaves 適用 without the network.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Turns {
    /// The position of the last actor of the sender's own side.
    pub sender_last: Option<usize>,
    /// The position of the first actor of the receiver's own side.
    pub receiver_first: Option<usize>,
}

impl Turns {
    /// The turns of a way whose actors stand on the sides `sides`.
    pub(crate) fn of(sides: &[Option<End>]) -> Turns {
        Turns {
            sender_last: sides.iter().rposition(|s| *s == Some(End::Sender)),
            receiver_first: sides.iter().position(|s| *s == Some(End::Receiver)),
        }
    }

    /// Is the position `i` between the two ends' own sides?
    pub(crate) fn between(&self, i: usize) -> bool {
        self.sender_last.is_none_or(|l| i > l) && self.receiver_first.is_none_or(|f| i < f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_stands_between_the_ends_own_sides_is_between() {
        let (s, r) = (Some(End::Sender), Some(End::Receiver));
        let t = Turns::of(&[None, s, None, r, None]);
        assert_eq!(t.sender_last, Some(1));
        assert_eq!(t.receiver_first, Some(3));
        let between: Vec<usize> = (0..5).filter(|&i| t.between(i)).collect();
        assert_eq!(between, vec![2]);
        // No own side on the way: everything is between.
        assert!((0..3).all(|i| Turns::of(&[None, None, None]).between(i)));
        // The receiver's side before the sender's: nothing is.
        let t = Turns::of(&[r, None, s]);
        assert!((0..3).all(|i| !t.between(i)));
    }
}
