//! Wording shared by MN104 and MN202 when an exchange passes a party the
//! rule does not route through ([`Rulebook::channel_strays`]).

use super::Words;
use crate::checks::Trail;
use crate::diagnostic::{Diagnostic, Fact};
use crate::model::*;
use crate::text;
use crate::text::Text;

/// Why a party on the way makes the exchange another one (`strays`: the
/// roles, listed).
fn stray_note(strays: &Text) -> Text {
    text!(
        "a party on the way receives the data itself: written flow by flow, the exchange would end at {} and be judged as one with it; between the two parties there may stand only carriers, the roles the rule routes through, and each party's own side: the society's systems, the person, another office of the same legal person (the same label) and a contractor registered for the purpose (another organisation of the same role is a third party)", strays.en;
        "経路上の当事者はデータを自ら受け取ります。フローごとに書けば提供は{}で終わり、その当事者との提供として判定されます。両当事者の間に置けるのは、経路 (carrier) の役割、規則が経由を定める役割、そして当事者自身の側のもの (自らのシステム、本人、同じ法人の別の部署やシステム (ラベルが同じもの)、その利用目的で登録された委託先) だけです (同じ役割でも別の組織は第三者です)", strays.ja
    )
}

/// `d`, a finding about the parties `strays` on the way of an exchange
/// under rule `r` that the rule does not route through: the label, note
/// and help that say so.
pub(super) fn strayed(d: Diagnostic, rb: &Rulebook, r: &Rule, strays: &Text) -> Diagnostic {
    d.with_primary_label(text!("passes through {}", strays.en; "{}を経由しています", strays.ja))
        .with_note(stray_note(strays))
        .with_help(stray_help(rb, r, strays))
}

/// What to do about the parties `strays` on the way of an exchange under
/// rule `r`.
fn stray_help(rb: &Rulebook, r: &Rule, strays: &Text) -> Text {
    if r.via.is_empty() {
        return text!(
            "send it through carriers only, or write the flows to and from {} as flows of their own", strays.en;
            "経路 (carrier) だけを経由させるか、{}との間のフローを別に書いてください", strays.ja
        );
    }
    let via: Vec<String> = r.via.iter().map(|v| rb.role(*v).name.clone()).collect();
    let via = crate::text::list(&via);
    text!(
        "send it only via {} and carriers, or write the flows to and from {} as flows of their own", via.en, strays.en;
        "{}と経路 (carrier) だけを経由させるか、{}との間のフローを別に書いてください", via.ja, strays.ja
    )
}

/// `d`, a finding about a channel the exchange did not pass, told also of
/// the parties on the way the rule does not route through: their roles
/// `names` and how they are `shown` ([`listed`]).
pub(super) fn with_strays(d: Diagnostic, names: Vec<String>, shown: &Text) -> Diagnostic {
    if names.is_empty() {
        return d;
    }
    d.with_note(text!(
        "it also passes through {}, which the rule does not route through", shown.en;
        "規則が経由を定めていない{}も経由しています", shown.ja
    ))
    .with_facts(Fact::list(("stray_channel", "stray_channel_total"), names))
}

/// The roles `strays` by name (for facts), and as the message lists them:
/// every actor of each on the trail's way that is not on one end's own
/// side (the checks' `Ctx::passed_judged`: the same legal person as the
/// sender or the receiver, or a contractor the society entrusts for the
/// purpose), with its role, so that one edit removes every one named.
pub(super) fn listed(w: &Words, trail: &Trail, strays: &[RoleId]) -> (Vec<String>, Text) {
    let Some(rb) = w.rb else {
        return (Vec::new(), Text::default());
    };
    let names: Vec<String> = strays.iter().map(|v| rb.role(*v).name.clone()).collect();
    let mut on_the_way: Vec<ActorId> = Vec::new();
    for t in (trail.earlier.iter().map(|h| h.transfer)).chain(std::iter::once(trail.last)) {
        for a in w.graph.transfer(t).via(w.design) {
            if a != trail.receiver && !on_the_way.contains(&a) {
                on_the_way.push(a);
            }
        }
    }
    let own_side = |a: ActorId, role: RoleId| {
        crate::checks::on_own_side(
            w.design,
            rb,
            (a, role),
            (trail.sender, trail.receiver),
            trail.purpose,
        )
    };
    // An actor is shown with its role (`人事 (事業主)`); a role alone is
    // set off in 「」 in Japanese, as a bare name before a particle is.
    let (mut shown, mut shown_ja): (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
    for (role, name) in strays.iter().zip(&names) {
        let before = shown.len();
        for &a in &on_the_way {
            if w.role_of(a) == Some(*role) && !own_side(a, *role) {
                shown.push(w.actor_with_role(a));
                shown_ja.push(w.actor_with_role(a));
            }
        }
        if shown.len() == before {
            shown.push(name.clone());
            shown_ja.push(crate::text::ja_quoted(name));
        }
    }
    let listed = Text {
        en: crate::text::list(&shown).en,
        ja: crate::text::list(&shown_ja).ja,
    };
    (names, listed)
}

/// Why the exchange on `trail` does not pass a role of `missing` that the
/// design's `via` lists all the same: every actor of that role stands
/// before the sender's own side or after the receiver's (the checks'
/// [`crate::checks::Turns`]), so that, written flow by flow, the leg
/// from that own system on (or to it) is an exchange of its own. The
/// note and the help that say so, and the own actor, by name.
pub(super) fn out_of_turn(
    w: &Words,
    trail: &Trail,
    missing: &[RoleId],
) -> Option<(Text, Text, String)> {
    let rb = w.rb?;
    let route: Vec<_> = (trail.earlier.iter().map(|h| h.transfer))
        .chain(std::iter::once(trail.last))
        .collect();
    let mut way: Vec<ActorId> = (crate::checks::way(w.design, w.graph, &route).into_iter())
        .map(|(_, a)| a)
        .collect();
    // Ended at a party on its flow's way, the exchange's way ends there.
    if let Some(end) = way.iter().position(|&a| a == trail.receiver) {
        way.truncate(end);
    }
    let sides: Vec<Option<crate::checks::End>> = (way.iter())
        .map(|&a| {
            let ends = (trail.sender, trail.receiver);
            crate::checks::own_side_of(w.design, rb, a, ends, Some(trail.purpose))
        })
        .collect();
    let turns = crate::checks::Turns::of(&sides);
    let (i, carrier) = (way.iter().enumerate())
        .find(|&(i, &a)| !turns.between(i) && w.role_of(a).is_some_and(|r| missing.contains(&r)))?;
    let (carrier, channel) = (
        w.actor_name(*carrier).to_string(),
        w.role_of(*carrier)
            .map(|r| w.role_name(r))
            .unwrap_or_default(),
    );
    let (sender, receiver) = (
        w.actor_with_role(trail.sender),
        w.actor_with_role(trail.receiver),
    );
    match (turns.sender_last, turns.receiver_first) {
        (Some(l), _) if i < l => {
            let own = w.actor_name(*way.get(l)?).to_string();
            Some((
                text!("{carrier} is passed only before {own}, which stands on the side of {sender}: from {own} the data goes on to {receiver} without passing {channel}; written flow by flow, the flow from {own} is an exchange of its own";
                      "{carrier}を経由するのは{own}より前だけです。{own}は{sender}の側にあるため、データは{channel}を経由せずに{own}から{receiver}へ渡ります。フローごとに書けば、{own}からのフローが一つの提供になります"),
                text!("list {own} before {carrier} in `via` (the sender's own side comes first), or route the data from {own} on via {channel} too";
                      "`via` で{own}を{carrier}より前に書く (送り手の側のものが先です) か、{own}から先も{channel}を経由させてください"),
                own,
            ))
        }
        (_, Some(f)) if i > f => {
            let own = w.actor_name(*way.get(f)?).to_string();
            Some((
                text!("{carrier} is passed only after {own}, which stands on the side of {receiver}: the data reaches {own} from {sender} without passing {channel}; written flow by flow, the flow to {own} is an exchange of its own";
                      "{carrier}を経由するのは{own}より後だけです。{own}は{receiver}の側にあるため、データは{channel}を経由せずに{sender}から{own}に届きます。フローごとに書けば、{own}へのフローが一つの提供になります"),
                text!("list {own} after {carrier} in `via` (the receiver's own side comes last), or route the data to {own} via {channel} too";
                      "`via` で{own}を{carrier}より後に書く (受け手の側のものが後です) か、{own}までも{channel}を経由させてください"),
                own,
            ))
        }
        _ => None,
    }
}

/// `d`, a finding about a channel `missing` on the way of `trail`, told
/// why when the design's `via` lists it on the wrong side of an end's own
/// system ([`out_of_turn`]): the note, the help and the own actor as a
/// fact (`out_of_turn`).
pub(super) fn with_turn(w: &Words, d: Diagnostic, trail: &Trail, missing: &[RoleId]) -> Diagnostic {
    match out_of_turn(w, trail, missing) {
        Some((note, help, own)) => d
            .with_note(note)
            .with_help(help)
            .with_facts(vec![Fact::text("out_of_turn", own)]),
        None => d,
    }
}

/// `d`, a refusal judged at a party `trail` ends at, told why when that
/// party stands out of turn on its flow's way (the checks'
/// `Ctx::party_out_of_turn`): before the sender's own system, or after
/// the receiver's, so that the data reaches it off the way between the
/// flow's two ends. The note, the help that replaces the one about the
/// party, and the own actor as a fact (`out_of_turn`).
pub(super) fn with_party_out_of_turn(w: &Words, d: Diagnostic, trail: &Trail) -> Diagnostic {
    let Some(rb) = w.rb else {
        return d;
    };
    let end = w.graph.ends(trail.last).1;
    let own = |a: ActorId| w.design.kind_of(a) == Some(RoleKind::SelfOrg);
    // An internal flow through a party is provision to it, said as such.
    if end == trail.receiver || (own(trail.sender) && own(end)) {
        return d;
    }
    let via: Vec<ActorId> = w.graph.transfer(trail.last).via(w.design).collect();
    let Some(at) = via.iter().position(|&a| a == trail.receiver) else {
        return d;
    };
    let side = |a: ActorId| {
        crate::checks::own_side_of(w.design, rb, a, (trail.sender, end), Some(trail.purpose))
    };
    let after = via.get(at + 1..).unwrap_or_default();
    let before = via.get(..at).unwrap_or_default();
    let (party, sender, flow_end) = (
        w.actor_name(trail.receiver).to_string(),
        w.actor_with_role(trail.sender),
        w.actor_with_role(end),
    );
    let (note, help, own) = if let Some(&o) =
        (after.iter()).find(|&&a| side(a) == Some(crate::checks::End::Sender))
    {
        let own = w.actor_name(o).to_string();
        (
            text!("{party} is passed before {own}, which stands on the side of {sender}: the data reaches {party} off the way to {flow_end} and comes back; written flow by flow, the flow to {party} is an exchange of its own, judged here";
                  "{party}を経由するのは{own}より前です。{own}は{sender}の側にあるため、データは{flow_end}への経路から外れて{party}に渡り、戻ってきます。フローごとに書けば、{party}へのフローが一つの提供になり、ここではそれを判定しています"),
            text!("list {own} before {party} in `via` (the sender's own side comes first)";
                  "`via` で{own}を{party}より前に書いてください (送り手の側のものが先です)"),
            own,
        )
    } else if let Some(&o) =
        (before.iter()).find(|&&a| side(a) == Some(crate::checks::End::Receiver))
    {
        let own = w.actor_name(o).to_string();
        (
            text!("{party} is passed after {own}, which stands on the side of {flow_end}: the data has reached {flow_end}'s side before {party}; written flow by flow, the flow to {party} is an exchange of its own, judged here";
                  "{party}を経由するのは{own}より後です。{own}は{flow_end}の側にあるため、データは{party}より前に{flow_end}の側に届いています。フローごとに書けば、{party}へのフローが一つの提供になり、ここではそれを判定しています"),
            text!("list {own} after {party} in `via` (the receiver's own side comes last)";
                  "`via` で{own}を{party}より後に書いてください (受け手の側のものが後です)"),
            own,
        )
    } else {
        return d;
    };
    // Moved into turn, a party some rule routes through is on the way; a
    // third party would still be one, and the finding's own help stands.
    let routed = w.role_of(trail.receiver).is_some_and(|role| {
        (rb.rules.iter()).any(|r| r.via.iter().any(|v| rb.role_covers(*v, role)))
    });
    let d = d
        .with_note(note)
        .with_facts(vec![Fact::text("out_of_turn", own)]);
    match routed {
        true => d.with_help(help),
        false => d,
    }
}
