//! Wording of MN101–MN105: an exchange of 特定個人情報 that no `mynumber`
//! rule allows.

use super::listed::{ListKey, Listed};
use super::route::Route;
use super::{Words, unique};
use crate::checks::{Miss, MyNumberRefusal, Trail, Witness};
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Fact, FactValue};
use crate::fix::{Edit, Fix};
use crate::model::*;
use crate::span::Span;
use crate::syntax::lexer::write_name;
use crate::text;
use crate::text::JaQuoted;
use crate::text::Text;
use std::sync::Arc;

pub(super) fn word(
    w: &Words,
    trail: &Trail,
    refusal: &MyNumberRefusal,
    witness: &Witness,
) -> Option<Diagnostic> {
    let rb = w.rb?;
    let primary = super::place::exchange(w, trail, refusal)?;
    let item = w.item_name(trail.item);
    let q_item = JaQuoted(item);
    let cat = w.category_name(trail.item);
    let q_cat = JaQuoted(&cat);
    let (sender, receiver) = (
        w.actor_with_role(trail.sender),
        w.actor_with_role(trail.receiver),
    );
    let p = w.purpose_name(trail.purpose);
    let q_p = JaQuoted(&p);
    let mut facts = w.trail_facts(trail);
    facts.extend(on_the_way_facts(w, trail));
    let d = match refusal {
        // What may make it lawful is for `basis` to say: the narrower
        // category the rules cover, or an item of 第19条 they do not encode.
        MyNumberRefusal::NoBasis => super::basis::no_basis(w, trail, facts, Diagnostic::new(
            Code::MN101,
            primary,
            text!("no legal basis to provide 特定個人情報 (My Number data) `{item}` ({cat}) from {sender} to {receiver}";
                  "特定個人情報{q_item}({cat}) を{sender}から{receiver}へ提供する法的根拠がありません"),
        )
        .with_primary_label(text!("no mynumber rule covers `{cat}`"; "{q_cat}を対象とする特定個人情報 (mynumber) の規則はありません"))
        .with_note(text!(
            "番号法第19条 forbids providing 特定個人情報 except in the cases it lists, and consent alone is never one; the rulebook's mynumber sections encode the cases its notice relies on, and none covers `{cat}`";
            "番号法第19条は、各号に列挙された場合を除き特定個人情報の提供を禁じています (本人の同意だけでは根拠になりません)。ルールブックの特定個人情報 (mynumber) のセクションは、公表文が根拠とする提供の場合を定めたものですが、{q_cat}を対象とするものはありません"
        ))),
        MyNumberRefusal::WrongParties(rules) => {
            // Worded once per list of rules, which its refusals share.
            let pairs = w.listed(ListKey::Pairs(ListKey::of_rules(rules)), || {
                let mut pairs: Vec<String> = (rules.iter())
                    .map(|r| {
                        let r = rb.rule(*r);
                        format!("{} → {}", rb.role(r.from).name, rb.role(r.to).name)
                    })
                    .collect();
                pairs.sort();
                pairs.dedup();
                pairs
            });
            let allowed = pairs.text();
            let (Some(fr), Some(tr)) = (w.role_of(trail.sender), w.role_of(trail.receiver)) else {
                return None;
            };
            let (fr, tr) = (w.role_name(fr), w.role_name(tr));
            let mut d = Diagnostic::new(
                Code::MN105,
                primary,
                text!("no rule allows 特定個人情報 (My Number data) `{item}` ({cat}) between {fr} and {tr}";
                      "{fr}と{tr}の間で特定個人情報{q_item}({cat}) の提供を認める規則はありません"),
            )
            .with_primary_label(text!("{receiver} may not receive `{cat}` from {sender}"; "{receiver}は{sender}から{q_cat}を受け取れません"))
            .with_note(text!("rules cover `{cat}` only between: {}", allowed.en; "{q_cat}を対象とする規則は次の間だけです: {}", allowed.ja))
            .with_help(text!("exchange this data only between {}", allowed.en; "このデータは {} の間でのみ提供できます", allowed.ja))
            .with_facts(facts)
            .with_facts(pairs.facts(("allowed_pairs", "allowed_pairs_total")));
            if let Some(first) = trail.earlier.first() {
                d = d.with_label(w.sender_span(first.transfer), text!("sender: {sender}"; "送り手: {sender}"));
            }
            if let Some(&first) = rules.first() {
                d = d.with_label(rb.rule(first).span, Text::new("a rule for this category", "このカテゴリの規則"));
                d = w.with_rule(d, first);
            }
            // Between the society and the person, or from another party to
            // the society, the exchange may rest on an item of 第19条 the
            // rulebook does not encode: the rules' pairs are not the only way.
            super::basis::elsewhere(w, trail, d, &allowed)
        }
        MyNumberRefusal::NearestMiss {
            rule,
            first,
            differs,
        } => {
            let r = rb.rule(*rule);
            let (rf, rt) = (rb.role(r.from).name.clone(), rb.role(r.to).name.clone());
            let mut d = match first {
                Miss::Direction => {
                    let d = Diagnostic::new(
                        Code::MN102,
                        primary,
                        text!("特定個人情報 (My Number data) `{item}` ({cat}) may go only from {rf} to {rt}, not from {sender} to {receiver}";
                              "特定個人情報{q_item}({cat}) は{rf}から{rt}へのみ提供できます。{sender}から{receiver}へは提供できません"),
                    )
                    .with_primary_label(Text::new("wrong direction", "方向が逆です"));
                    let allowed = super::reversal::Allowed::of(w, trail, *rule, differs);
                    let only = allowed.words();
                    let d = if passes_on(witness) {
                        // Reversed, the flow would have the receiver
                        // provide what the sender obtained from a third
                        // party: a lawful-looking design of another
                        // exchange, not this one mended.
                        let s = w.actor_name(trail.sender);
                        d.with_help(text!("{}, and {s} re-provides `{item}` it obtained (the numbered flows show how), which the rule does not allow: remove the flow", only.en;
                                          "{}。{s}は取得した{q_item}を再び提供していますが (取得までの経路は、(1) から番号を付けて示したフローのとおりです)、規則はこれを認めていません。フローを削除してください", only.ja))
                    } else if let Some(end) = handed_on_the_way(w, trail) {
                        // Between two systems of the society the data is
                        // handed to a party on the way: turned round, the
                        // flow still hands it from the society to that
                        // party, so the exchange is refused the same way.
                        let (s, end, society) = (w.actor_name(trail.sender), w.actor_name(end), w.society());
                        let (party, named) = (w.actor_with_role(trail.receiver), w.actor_name(trail.receiver));
                        d.with_help(text!("{}, and the flow hands `{item}` to {party} on its way from {s} to {end}; turned round, it would still go from {society} to {named}: write the exchange with {named} as a flow of its own, or remove the flow", only.en;
                                          "{}。このフローは{s}から{end}への途中で{q_item}を{party}に渡しています。向きを逆にしても、{society}から{named}へ渡ることに変わりはありません。{named}とのやり取りを別のフローとして書くか、フローを削除してください", only.ja))
                    } else if differs.len() > 1 {
                        // Reversed, a flow the rule differs from in more
                        // than its direction is still refused (MN103 or
                        // MN104): the help names all the rule asks for, and
                        // no fix is offered that would not make it lawful.
                        d.with_help(text!("{}: turned round alone, the flow would still be refused; redraw it as the rule allows, or remove it", only.en;
                                          "{}。向きを逆にするだけでは認められません。規則が認めるとおりにフローを書き直すか、削除してください", only.ja))
                    } else if carries_more(w, trail) {
                        // Turned round, the flow would refuse the other
                        // items or purposes it carries, whose fixes would
                        // turn it back: --fix flipped it for ten rounds.
                        d.with_help(text!("{}, and the flow carries more than `{item}` for `{p}`: turned round, it would refuse the rest; write `{item}` for `{p}` as a flow of its own the other way round, or remove it from this flow", only.en;
                                          "{}。このフローは{q_p}のための{q_item}のほかにも運んでいるので、向きを逆にすると残りが認められなくなります。{q_p}のための{q_item}を逆向きの別のフローとして書くか、このフローから削除してください", only.ja))
                    } else {
                        let d = d.with_help(text!("{}: reverse the flow, or remove it", only.en;
                                                  "{}。フローを逆にするか、削除してください", only.ja));
                        match reverse_fix(w, trail) {
                            Some(f) => d.with_fix(f),
                            None => d,
                        }
                    };
                    d.with_facts(allowed.facts())
                }
                Miss::Purpose => {
                    let allowed = allowed_purposes(w, trail)?;
                    let shown = allowed.text();
                    // The way differs too: the help names it, or a flow
                    // given the purpose would fail again as MN104.
                    let route = match differs.contains(&Miss::Channel) {
                        true => Route::of(w, trail, *rule),
                        false => Route::default(),
                    };
                    let mut d = Diagnostic::new(
                        Code::MN103,
                        primary,
                        text!("特定個人情報 (My Number data) `{item}` ({cat}) may not be provided from {sender} to {receiver} for `{p}`";
                              "特定個人情報{q_item}({cat}) を{q_p}のために{sender}から{receiver}へ提供することはできません"),
                    )
                    .with_primary_label(text!("`{p}` is not a purpose of the rule"; "{q_p}は規則の利用目的にありません"))
                    .with_help(purpose_help(&shown, &route))
                    .with_facts(allowed.facts(("allowed_purposes", "allowed_purposes_total")))
                    .with_facts(route.facts());
                    if let Some(fix) = purpose_fix(w, trail, *rule, differs, &allowed) {
                        d = d.with_fix(fix);
                    }
                    d
                }
                Miss::Channel => {
                    let missing = rb.channel_missing(*rule, &trail.passed);
                    let strays = rb.channel_strays(*rule, &trail.passed);
                    let (stray_names, l_strays) = super::channel::listed(w, trail, &strays);
                    if missing.is_empty() {
                        let d = Diagnostic::new(
                            Code::MN104,
                            primary,
                            text!("特定個人情報 (My Number data) `{item}` ({cat}) may not pass through {} on its way from {sender} to {receiver}", l_strays.en;
                                  "特定個人情報{q_item}({cat}) は、{sender}から{receiver}へ、{}を経由して提供することはできません", l_strays.ja),
                        );
                        super::channel::strayed(d, rb, r, &l_strays)
                            .with_facts(Fact::list(("stray_channel", "stray_channel_total"), stray_names))
                    } else {
                        let names: Vec<String> = missing.iter().map(|v| rb.role(*v).name.clone()).collect();
                        let l = crate::text::quoted_list(&names);
                        let d = Diagnostic::new(
                            Code::MN104,
                            primary,
                            text!("特定個人情報 (My Number data) `{item}` ({cat}) must pass through {} on its way from {sender} to {receiver}", l.en;
                                  "特定個人情報{q_item}({cat}) は、{sender}から{receiver}へ、{}を経由して提供する必要があります", l.ja),
                        )
                        .with_primary_label(text!("not via {}", l.en; "{}を経由していません", l.ja))
                        .with_help(text!("route it `via` an actor whose role is {}", l.en; "役割が{}のアクターを `via` で経由させてください", l.ja))
                        .with_facts(Fact::list(("missing_channel", "missing_channel_total"), names));
                        let d = super::channel::with_strays(d, stray_names, &l_strays);
                        let d = super::channel::with_turn(w, d, trail, &missing);
                        match carrier_fix(w, trail, *rule, &missing, &strays) {
                            Some(f) => d.with_fix(f),
                            None => d,
                        }
                    }
                }
            };
            let others: Vec<&str> = differs.iter().skip(1).map(|m| m.as_str()).collect();
            if !others.is_empty() {
                let also: Vec<Text> = differs.iter().skip(1).map(|m| miss_text(*m)).collect();
                let en: Vec<&str> = also.iter().map(|t| t.en.as_str()).collect();
                let ja: Vec<&str> = also.iter().map(|t| t.ja.as_str()).collect();
                d = d.with_note(text!("the nearest rule also differs in {}", en.join(", "); "最も近い規則とは{}も異なります", ja.join("、")));
            }
            let section = w.rule_section(*rule).map(|s| s.id.clone()).unwrap_or_default();
            d = d
                .with_label(r.span, text!("nearest rule ({section})"; "最も近い規則 ({section})"))
                .with_facts(facts)
                .with_facts(w.rule_facts("nearest_rule", *rule))
                .with_facts(Fact::list(("differs", "differs_total"),
                    differs.iter().map(|m| m.as_str().to_string()).collect(),
                ));
            w.with_rule(d, *rule)
        }
    };
    let d = w.witness_labels(d, witness);
    let d = w.hop_labels(d, trail);
    let d = w.senders_note(d, trail);
    Some(d)
}

fn miss_text(m: Miss) -> Text {
    match m {
        Miss::Direction => Text::new("direction", "方向"),
        Miss::Purpose => Text::new("purpose", "利用目的"),
        Miss::Channel => Text::new("channel", "経路"),
    }
}

/// The fix of a refused exchange's finding alone, as [`word`] gives it,
/// without its words (`check --fix` words a finding only if it is shown).
pub(super) fn fix(
    w: &Words,
    trail: &Trail,
    refusal: &MyNumberRefusal,
    witness: &Witness,
) -> Option<Fix> {
    let rb = w.rb?;
    // A finding that is not placed is not worded, and offers nothing.
    super::place::exchange(w, trail, refusal)?;
    let MyNumberRefusal::NearestMiss {
        rule,
        first,
        differs,
    } = refusal
    else {
        return None;
    };
    match first {
        // Reversed, it would still be refused for what else differs.
        Miss::Direction if differs.len() > 1 || passes_on(witness) => None,
        Miss::Direction => reverse_fix(w, trail),
        Miss::Purpose => purpose_fix(w, trail, *rule, differs, &*allowed_purposes(w, trail)?),
        Miss::Channel => carrier_fix(
            w,
            trail,
            *rule,
            &rb.channel_missing(*rule, &trail.passed),
            &rb.channel_strays(*rule, &trail.passed),
        ),
    }
}

/// Every purpose some rule allows for the trail's category between its
/// roles this way, not only the nearest rule's (MN103). None when the
/// roles or the category are not known. Made once per (roles, category)
/// and shared by the findings that show it.
fn allowed_purposes(w: &Words, trail: &Trail) -> Option<Arc<Listed>> {
    let rb = w.rb?;
    let from = w.role_of(trail.sender)?;
    let to = w.role_of(trail.receiver)?;
    let category = w.design.item(trail.item).category.id?;
    Some(w.listed(ListKey::Purposes(from, to, category), || {
        unique(
            rb.mynumber_rules_covering(category)
                .into_iter()
                .map(|id| rb.rule(id))
                .filter(|x| rb.role_covers(x.from, from) && rb.role_covers(x.to, to))
                .flat_map(|x| x.purposes.iter().map(|p| rb.purpose(*p).name.clone())),
        )
    }))
}

/// Did the sender obtain the item from upstream (MN102: it passes on
/// what it got, so reversing the flow would not mend it)?
fn passes_on(witness: &Witness) -> bool {
    !witness.hops.is_empty()
}

/// MN103's help: the purposes `shown`, and what the nearest rule asks
/// of the way when that differs too (`route`).
fn purpose_help(shown: &Text, route: &Route) -> Text {
    let purposes = text!("between these roles the rules allow this data only for: {}", shown.en;
                         "この役割の間で規則が認める利用目的は次のとおりです: {}", shown.ja);
    let way = match (route.missing_listed(), route.strays_listed()) {
        (None, None) => return purposes,
        (Some(m), None) => text!("the nearest rule routes it via {}", m.en;
                                 "最も近い規則は{}を経由することを求めています", m.ja),
        (None, Some(s)) => text!("the nearest rule does not route it through {}", s.en;
                                 "最も近い規則は{}を経由することを認めていません", s.ja),
        (Some(m), Some(s)) => {
            text!("the nearest rule routes it via {}, not through {}", m.en, s.en;
                  "最も近い規則は{}を経由することを求め、{}を経由することは認めていません", m.ja, s.ja)
        }
    };
    Text {
        en: format!("{}; {}", purposes.en, way.en),
        ja: format!("{}。また、{}", purposes.ja, way.ja),
    }
}

/// Is the trail's exchange the only one its flow's edit would change?
/// One hop (the purpose and the arrow of the earlier hops are written on
/// other flows), one way (a `<->` flow is two exchanges), one item (each
/// is an exchange of its own), and ending at the flow's receiver (not at
/// a party named in its `via`). A fix that edits the flow of any other
/// refuses, or moves, the exchanges it does not mend.
fn alone_on_its_flow(w: &Words, trail: &Trail) -> bool {
    let flow = w.flow_of(trail.last);
    trail.earlier.is_empty()
        && !flow.both_ways
        && flow.items.len() == 1
        && handed_on_the_way(w, trail).is_none()
}

/// Does the trail's flow carry other items or purposes than the trail's?
/// Turned round, they would go the other way too.
fn carries_more(w: &Words, trail: &Trail) -> bool {
    let flow = w.flow_of(trail.last);
    flow.items.len() > 1 || flow.purposes.len() > 1
}

/// MN103: use the one purpose the rules allow, and, when the nearest rule
/// `rule` differs in channel too, route it as MN104's fix would
/// ([`carrier_edit`]): after the fix the flow passes. On a flow already
/// for that purpose too, drop the refused one instead ([`drop_purpose`]).
/// None when the one edit is not the whole fix: more than one purpose
/// allowed, a way MN104 could not mend, or a flow that carries other
/// exchanges ([`alone_on_its_flow`]; other purposes too, each refused or
/// the fix would name the allowed one twice).
fn purpose_fix(
    w: &Words,
    trail: &Trail,
    rule: RuleId,
    differs: &[Miss],
    allowed: &Listed,
) -> Option<Fix> {
    let rb = w.rb?;
    let only = allowed.only()?;
    if !alone_on_its_flow(w, trail) {
        return None;
    }
    let flow = w.flow_of(trail.last);
    let named = rb.purpose_named(only);
    if flow
        .purposes
        .iter()
        .any(|r| r.id.is_some() && r.id == named)
    {
        return drop_purpose(w, trail);
    }
    if carries_more(w, trail) {
        return None;
    }
    let written = write_name(only);
    let q_written = JaQuoted(&written);
    let purpose = Edit {
        span: w.purpose_span(trail.last, trail.purpose),
        content: written.clone(),
    };
    if !differs.contains(&Miss::Channel) {
        return Some(Fix::unsafe_(
            text!("use the purpose the rule allows: `{written}`"; "規則が認める利用目的{q_written}にする"),
            vec![purpose],
        ));
    }
    let (name, carrier) = carrier_edit(
        w,
        trail,
        rule,
        &rb.channel_missing(rule, &trail.passed),
        &rb.channel_strays(rule, &trail.passed),
    )?;
    // ` via X` goes right after the last purpose: one edit, as editors
    // take no two that touch.
    let edits =
        match carrier.span.start == purpose.span.end && carrier.span.end == carrier.span.start {
            true => vec![Edit {
                span: purpose.span,
                content: format!("{}{}", purpose.content, carrier.content),
            }],
            false => vec![purpose, carrier],
        };
    Some(Fix::unsafe_(
        text!("use the purpose the rule allows, `{written}`, and route it via {name}";
              "規則が認める利用目的{q_written}にし、{name} を経由させる"),
        edits,
    ))
}

/// MN103 on a flow that also names the purpose the rule allows: drop the
/// refused purpose, with the comma after it (before it, the last): two
/// refused side by side are dropped by edits that do not overlap. None
/// when a comment stands between it and its neighbour (it would go with
/// the comma).
fn drop_purpose(w: &Words, trail: &Trail) -> Option<Fix> {
    let flow = w.flow_of(trail.last);
    let span = w.purpose_span(trail.last, trail.purpose);
    let i = flow.purposes.iter().position(|r| r.span == span)?;
    let cut = match flow.purposes.get(i + 1) {
        Some(next) => Span {
            end: next.span.start,
            ..span
        },
        None => Span {
            start: flow.purposes.get(i.checked_sub(1)?)?.span.end,
            ..span
        },
    };
    if w.src.get(cut.range())?.contains('#') {
        return None;
    }
    let p = write_name(&w.purpose_name(trail.purpose));
    let q_p = JaQuoted(&p);
    Some(Fix::unsafe_(
        text!("drop the purpose the rule does not allow: `{p}`"; "規則が認めていない利用目的{q_p}を外す"),
        vec![Edit {
            span: cut,
            content: String::new(),
        }],
    ))
}

/// The actor the flow goes on to, when the exchange ends before it at a
/// party on the way (`Ctx::party_on_the_way`: a flow between two systems
/// of the society through another party).
fn handed_on_the_way(w: &Words, trail: &Trail) -> Option<ActorId> {
    let end = w.graph.ends(trail.last).1;
    (end != trail.receiver).then_some(end)
}

/// The facts of an exchange judged as ending at a party its flow passes
/// on the way (MN1xx, MN202/MN203, MN301, MN302): the `receiver` fact is
/// that party, so these say the flow itself goes on, and to whom. None
/// for an exchange that ends where its last flow does.
pub(super) fn on_the_way_facts(w: &Words, trail: &Trail) -> Vec<Fact> {
    let Some(end) = handed_on_the_way(w, trail) else {
        return Vec::new();
    };
    let role = w.role_of(end).map(|r| w.role_name(r)).unwrap_or_default();
    vec![
        Fact {
            key: "on_the_way",
            value: FactValue::Flag(true),
        },
        Fact::text("flow_receiver", w.actor_name(end)),
        Fact::text("flow_receiver_role", role),
    ]
}

/// MN102: reverse the arrow of a one-hop, one-way flow by swapping its
/// ends. Not when the exchange ends at a party on the way: reversed, the
/// flow would hand the data to it from the society all the same.
fn reverse_fix(w: &Words, trail: &Trail) -> Option<Fix> {
    let flow = w.flow_of(trail.last);
    if !alone_on_its_flow(w, trail) || carries_more(w, trail) {
        return None;
    }
    let (from, to) = (flow.from.id?, flow.to.id?);
    let (a, b) = (write_name(w.actor_name(from)), write_name(w.actor_name(to)));
    let mut edits = vec![
        Edit {
            span: flow.from.span,
            content: b,
        },
        Edit {
            span: flow.to.span,
            content: a,
        },
    ];
    // The data travels the other way, so it passes the `via` actors in
    // the reverse order.
    let via: Vec<ActorId> = flow.via.iter().map(|v| v.id).collect::<Option<_>>()?;
    for (r, actor) in flow.via.iter().zip(via.iter().rev()) {
        edits.push(Edit {
            span: r.span,
            content: write_name(w.actor_name(*actor)),
        });
    }
    Some(Fix::unsafe_(
        Text::new("reverse the flow", "フローの向きを逆にする"),
        edits,
    ))
}

/// MN104: route the flow `via` the design's first actor of the one
/// missing role, when there is exactly one and nothing passed is out of
/// the rule's way (adding a carrier would not take a party off the way).
/// `via` lists actors in the order the data passes them (LANGUAGE.md
/// §2.1), so the carrier goes where the data meets it ([`meets_after`]).
/// Only on a flow that is the one exchange, as MN103's fix: a carrier
/// added to any other reroutes the items, purposes or return way it also
/// carries, which the fix does not mend.
fn carrier_fix(
    w: &Words,
    trail: &Trail,
    rule: RuleId,
    missing: &[RoleId],
    strays: &[RoleId],
) -> Option<Fix> {
    if !alone_on_its_flow(w, trail) || carries_more(w, trail) {
        return None;
    }
    if let Some(fix) = own_sides_in_turn(w, trail, missing) {
        return Some(fix);
    }
    let (name, edit) = carrier_edit(w, trail, rule, missing, strays)?;
    Some(Fix::unsafe_(
        text!("route it via {name}"; "{name} を経由させる"),
        vec![edit],
    ))
}

/// MN104 where the carrier the rule requires is on the flow's `via`, but
/// passed only out of turn (before the sender's own system or after the
/// receiver's, [`crate::checks::Turns`]): `via` listed again with the
/// sender's own systems first and the receiver's last, the others in the
/// order written, as the help says. Adding the carrier a second time, as
/// [`carrier_edit`] would, mends the route too, but the data then leaves
/// the society and comes back (`via 情報提供NWS, 適用, 情報提供NWS`), which
/// no one meant. None on the `<-` way of a `<->` flow, when the list holds
/// anything but names and commas (a comment would go with the rewrite),
/// or when nothing is out of turn.
fn own_sides_in_turn(w: &Words, trail: &Trail, missing: &[RoleId]) -> Option<Fix> {
    use crate::checks::End;
    let ([role], Some(rb)) = (missing, w.rb) else {
        return None;
    };
    let flow = w.flow_of(trail.last);
    if w.graph.transfer(trail.last).reversed
        || !(flow.via.iter()).any(|v| v.id.and_then(|a| w.role_of(a)) == Some(*role))
    {
        return None;
    }
    let ends = (trail.sender, trail.receiver);
    let purpose = Some(trail.purpose);
    let sides: Vec<Option<End>> = (flow.via.iter())
        .map(|v| crate::checks::own_side_of(w.design, rb, v.id?, ends, purpose))
        .collect();
    let n = sides.len();
    let sides = &sides;
    let in_turn = |side: Option<End>| (0..n).filter(move |&i| sides[i] == side);
    let order: Vec<usize> = (in_turn(Some(End::Sender)))
        .chain(in_turn(None))
        .chain(in_turn(Some(End::Receiver)))
        .collect();
    if order.iter().copied().eq(0..n) {
        return None;
    }
    let written = |i: usize| {
        let span = flow.via.get(i)?.span;
        w.src.get(span.start as usize..span.end as usize)
    };
    let apart = (flow.via.windows(2)).all(|pair| {
        let between = w
            .src
            .get(pair[0].span.end as usize..pair[1].span.start as usize);
        between.is_some_and(|b| b.trim() == ",")
    });
    let (first, last) = (flow.via.first()?.span, flow.via.last()?.span);
    if !apart {
        return None;
    }
    let names: Vec<&str> = order.iter().map(|&i| written(i)).collect::<Option<_>>()?;
    let content = names.join(", ");
    Some(Fix::unsafe_(
        text!("list the ends' own systems in their turn: `via {content}`";
              "送り手・受け手の側のシステムを順に並べる: `via {content}`"),
        vec![Edit {
            span: first.to(last),
            content,
        }],
    ))
}

/// [`carrier_fix`]'s edit, and the name of the carrier it adds, as it is
/// written (quoted when it must be).
fn carrier_edit(
    w: &Words,
    trail: &Trail,
    rule: RuleId,
    missing: &[RoleId],
    strays: &[RoleId],
) -> Option<(String, Edit)> {
    let ([role], []) = (missing, strays) else {
        return None;
    };
    let carrier = w.design.actor(w.first_actor_of(*role)?);
    let flow = w.flow_of(trail.last);
    let name = write_name(&carrier.name);
    let n = flow.via.len();
    // The `<-` direction of a `<->` flow passes its `via` backwards.
    let reversed = w.graph.transfer(trail.last).reversed;
    let travelled = |i: usize| flow.via.get(if reversed { n - 1 - i } else { i });
    // Between the ends' own sides (the checks' `Turns`): after the last
    // of the sender's own systems on this hop, before the first of the
    // receiver's, or the carrier would not be on the exchange's way.
    let side = |i: usize| {
        let ends = (trail.sender, trail.receiver);
        crate::checks::own_side_of(
            w.design,
            w.rb?,
            travelled(i)?.id?,
            ends,
            Some(trail.purpose),
        )
    };
    let sides: Vec<Option<crate::checks::End>> = (0..n).map(side).collect();
    let turns = crate::checks::Turns::of(&sides);
    let floor = turns.sender_last.map_or(0, |l| l + 1);
    let ceiling = turns.receiver_first.unwrap_or(n);
    let before = (floor..ceiling)
        .find(|&i| travelled(i).is_some_and(|v| meets_after(w, trail, rule, *role, v.id)))
        .unwrap_or(ceiling.max(floor));
    let written = if reversed { n - before } else { before };
    let edit = match (flow.via.get(written), flow.via.last()) {
        (Some(v), _) => Edit {
            span: Span {
                end: v.span.start,
                ..v.span
            },
            content: format!("{name}, "),
        },
        (None, Some(v)) => Edit {
            span: v.span.at_end(),
            content: format!(", {name}"),
        },
        (None, None) => Edit {
            span: flow.purposes_span().at_end(),
            content: format!(" via {name}"),
        },
    };
    Some((name, edit))
}

/// Does the data pass `actor`, already on its way, after the carrier of
/// role `missing` the rule requires? A role the rule's `via` names is
/// passed in the rule's order. One it does not name is the society's own
/// way to the channel the rule requires (the channel is between the
/// society and the other party): passed after the channel when the data
/// comes in to the society, before it when the data goes out.
fn meets_after(
    w: &Words,
    trail: &Trail,
    rule: RuleId,
    missing: RoleId,
    actor: Option<ActorId>,
) -> bool {
    let (Some(rb), Some(role)) = (w.rb, actor.and_then(|a| w.role_of(a))) else {
        return false;
    };
    let via = &rb.rule(rule).via;
    let at = |r: RoleId| via.iter().position(|v| rb.role_covers(*v, r));
    match (at(role), at(missing)) {
        (Some(j), Some(m)) => j > m,
        (Some(_), None) => false,
        (None, _) => {
            let own = |a: ActorId| w.design.kind_of(a) == Some(RoleKind::SelfOrg);
            own(trail.receiver) && !own(trail.sender)
        }
    }
}
