//! Wording of MN201–MN203: purposes of use of ordinary personal information.

use super::listed::ListKey;
use super::{Words, unique};
use crate::checks::{ProvisionRefusal, Trail};
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Fact};
use crate::model::*;
use crate::text;
use crate::text::{JaQuoted, Text};
use petgraph::Direction::Outgoing;
use petgraph::visit::EdgeRef;
use rustc_hash::FxHashMap;
use std::sync::{Arc, Mutex};

/// MN201: a flow names no purpose.
pub(super) fn no_purpose(w: &Words, flow: FlowId) -> Diagnostic {
    Diagnostic::new(
        Code::MN201,
        super::place::no_purpose(w, flow),
        Text::new("this flow of personal data names no purpose", "この個人情報のフローには利用目的がありません"),
    )
    .with_primary_label(Text::new("carried for what purpose?", "何のためのフローですか？"))
    .with_note(Text::new(
        "personal data may be handled only for the purposes of use the society has published (個人情報保護法第17条・第18条)",
        "個人情報は、公表した利用目的の範囲内でのみ取り扱うことができます (個人情報保護法第17条・第18条)",
    ))
    .with_help(Text::new(
        "add `for PURPOSE` with a purpose of the rulebook (`mynaflow rules list` shows them)",
        "ルールブックの利用目的を `for 利用目的` で指定してください (`mynaflow rules list` で一覧できます)",
    ))
}

/// What would make a provision lawful: the purposes that allow giving this
/// item to this receiver's role, or, if none, that no purpose does.
/// `consent`: whether the person's consent may be suggested: not for a
/// purpose declared in a `mynumber` section or one its rules provide for,
/// whose provision 番号法第19条 governs.
fn provision_help(w: &Words, rb: &Rulebook, trail: &Trail, consent: bool) -> (Text, Vec<String>) {
    let (Some(from), Some(to), Some(category)) = (
        w.role_of(trail.sender),
        w.role_of(trail.receiver),
        w.design.item(trail.item).category.id,
    ) else {
        return (Text::default(), Vec::new());
    };
    let purposes: Vec<String> = unique(
        rb.rules
            .iter()
            .filter(|r| !rb.section(r.section).mynumber)
            .filter(|r| rb.role_covers(r.from, from) && rb.role_covers(r.to, to))
            .filter(|r| r.categories.iter().any(|c| rb.covers(*c, category)))
            .flat_map(|r| r.purposes.iter().map(|p| rb.purpose(*p).name.clone())),
    );
    let to_name = w.role_name(to);
    // Handed to a contractor, the data is entrusted, not provided: the
    // help says what the headline says ([`handed_to_contractor`]).
    let handing = match handed_to_contractor(w, trail) {
        true => text!("handing this data to {to_name}"; "{to_name}に渡すこと"),
        false => text!("providing this data to {to_name}"; "{to_name}への提供"),
    };
    let help = if purposes.is_empty() && !consent {
        let society = w.society();
        text!("no purpose of use allows {}: keep it inside {society}", handing.en;
              "{}を認める利用目的はありません。内部にとどめてください", handing.ja)
    } else if purposes.is_empty() {
        let society = w.society();
        text!("no purpose of use allows {}: keep it inside {society}, or obtain the person's consent and record it with a suppression (`# mynaflow: allow MN202 reason=\"…\"`)", handing.en;
              "{}を認める利用目的はありません。内部にとどめるか、本人の同意を得たうえで、その旨を抑制コメント (`# mynaflow: allow MN202 reason=\"…\"`) に記録してください", handing.ja)
    } else {
        let l = crate::text::list(&purposes);
        text!("purposes that allow {}: {}", handing.en, l.en; "{}を認める利用目的: {}", handing.ja, l.ja)
    };
    (help, purposes)
}

/// MN203's rule that routes through a receiver's role, by the list of
/// rules (its address, as [`ListKey::of_rules`]) and the role: found once
/// for the findings that share both. Each finding scanned its list, and
/// with the cap off N findings sharing an N-long list scanned N² rules.
#[derive(Default)]
pub(super) struct Routed(Mutex<FxHashMap<(usize, RoleId), Option<RuleId>>>);

/// The first of `rules` (MN203's, for this purpose and item) that routes
/// the data through the receiver's role: the receiver is then the rule's
/// channel, not a party the purpose stops at (kenpo 4(3): the society to
/// 審査支払機関 via オンライン資格確認等システム).
fn routed_through_receiver(
    w: &Words,
    rb: &Rulebook,
    trail: &Trail,
    rules: &Arc<[RuleId]>,
) -> Option<RuleId> {
    let to = w.role_of(trail.receiver)?;
    w.routed.first((ListKey::of_rules(rules), to), || {
        (rules.iter().copied()).find(|r| rb.rule(*r).via.iter().any(|v| rb.role_covers(*v, to)))
    })
}

impl Routed {
    /// The rule of `key`, from `scan` at its first use.
    fn first(&self, key: (usize, RoleId), scan: impl FnOnce() -> Option<RuleId>) -> Option<RuleId> {
        // A poisoned lock only means another finding's wording panicked:
        // what it holds is still whole.
        let known = self
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
            .copied();
        if let Some(rule) = known {
            return rule;
        }
        // Scanned outside the lock: findings worded on other cores wait
        // for no list but their own.
        let rule = scan();
        *(self.0.lock().unwrap_or_else(|e| e.into_inner()))
            .entry(key)
            .or_insert(rule)
    }
}

/// MN203's help when the receiver is on the rule's way: write the flow to
/// the rule's receiver `via` this actor. Written as two flows, the hop
/// onward is not joined to this one: only carriers are passed through
/// (LANGUAGE.md §2.1), and a role the rule routes through need not be one.
fn onward_via_help(w: &Words, rb: &Rulebook, trail: &Trail, rule: RuleId) -> Text {
    let r = rb.rule(rule);
    let target = w.role_name(r.to);
    let target_ja = JaQuoted(&target);
    let through = w.actor_name(trail.receiver);
    let through_role = w
        .role_of(trail.receiver)
        .map(|x| w.role_name(x))
        .unwrap_or_default();
    let p = w.purpose_name(trail.purpose);
    let p_ja = JaQuoted(&p);
    // A flow to write, when this one went straight from its sender and
    // the design has an actor of the rule's receiver role: the one the
    // design's own hop onward goes to, if it has one, else the first.
    let straight = trail.earlier.is_empty() && trail.passed.is_empty();
    let to_actor = straight
        .then(|| onward_hop_to(w, rb, trail, r.to).or_else(|| w.first_actor_of(r.to)))
        .flatten();
    let example = match to_actor {
        Some(a) => {
            let (from, to, item) = (
                w.actor_name(trail.sender),
                w.actor_name(a),
                w.item_name(trail.item),
            );
            let f = format!("flow {from} -> {to} : {item} for {p} via {through}");
            text!(" (`{f}`)"; " (`{f}`)")
        }
        _ => Text::default(),
    };
    text!("the rule for `{p}` provides it to {target} through {through_role}: write the flow to an actor whose role is {target}, `via` {through}{}; a hop onward from {through} written as a flow of its own is not joined to this one, for {through_role} is no carrier", example.en;
          "{p_ja}の規則は、{through_role}を経由して{target}へ提供するものです。役割が{target_ja}のアクターへのフローとし、{through}を `via` で経由させてください{}。{through}から先の区間を別のフローとして書いても、{through_role}は経路 (carrier) ではないため、このフローとはつながりません", example.ja)
}

/// The receiver of the design's first flow (in source order) that takes
/// the trail's item on from its receiver to an actor of `role`: the hop
/// onward the design already writes as a flow of its own. Only the
/// receiver's outgoing transfers are read.
fn onward_hop_to(w: &Words, rb: &Rulebook, trail: &Trail, role: RoleId) -> Option<ActorId> {
    let g = w.graph;
    (g.graph.edges_directed(g.node(trail.receiver), Outgoing))
        .filter(|e| {
            let to = g.ends(e.id()).1;
            (w.role_of(to)).is_some_and(|r| rb.role_covers(role, r))
                && (w.flow_of(e.id()).items.iter()).any(|d| d.id == Some(trail.item))
        })
        .map(|e| e.id())
        .min()
        .map(|t| g.ends(t).1)
}

/// Is the data handed to a contractor? Entrusting is not provision
/// (個人情報保護法第27条第5項第1号), so the message says the data is
/// handed over and leaves the verdict (目的外提供) to the purpose.
fn handed_to_contractor(w: &Words, trail: &Trail) -> bool {
    w.design.kind_of(trail.receiver) == Some(RoleKind::Contractor)
}

/// MN202/MN203: a provision no rule allows.
pub(super) fn provision(
    w: &Words,
    trail: &Trail,
    refusal: &ProvisionRefusal,
) -> Option<Diagnostic> {
    let rb = w.rb?;
    let primary = super::place::provision(w, trail, refusal)?;
    let item = w.item_name(trail.item);
    let item_ja = JaQuoted(item);
    let p = w.purpose_name(trail.purpose);
    let p_ja = JaQuoted(&p);
    let receiver = w.actor_with_role(trail.receiver);
    let purpose = rb.purpose(trail.purpose);
    let declared_in = rb.section(purpose.section).id.clone();
    let mut facts = w.trail_facts(trail);
    facts.extend(super::exchange::on_the_way_facts(w, trail));
    let d = match refusal {
        ProvisionRefusal::InternalOnly | ProvisionRefusal::NotFromSender => {
            let society = w.society();
            let mynumber = super::mynumber_purpose::rules_from(w, trail);
            let of_mynumber_section = rb.section(purpose.section).mynumber;
            let (help, allowed) =
                provision_help(w, rb, trail, mynumber.is_empty() && !of_mynumber_section);
            let d = Diagnostic::new(
                Code::MN202,
                primary,
                match handed_to_contractor(w, trail) {
                    true => text!("`{item}` is handed to {receiver} for `{p}`, which the purposes of use do not allow (目的外提供)";
                                  "{item_ja}を{p_ja}のために{receiver}に渡していますが、利用目的が認めていません (目的外提供)"),
                    false => text!("`{item}` is provided to {receiver} for `{p}`, which the purposes of use do not allow (目的外提供)";
                                   "{item_ja}を{p_ja}のために{receiver}へ提供していますが、利用目的が認めていません (目的外提供)"),
                },
            )
            .with_primary_label(match handed_to_contractor(w, trail) {
                true => Text::new("not a purpose this data may be handed over for", "このデータを渡せる目的ではありません"),
                false => Text::new("not a purpose of provision", "提供の目的ではありません"),
            });
            let d = if *refusal == ProvisionRefusal::InternalOnly && !mynumber.is_empty() {
                // The purpose is one of providing 特定個人情報: this item
                // is either of it and mis-declared, or not that exchange.
                // Consent is never a ground under 番号法第19条.
                let (notes, help, cats) =
                    super::mynumber_purpose::words(w, trail, &mynumber, &allowed);
                notes
                    .into_iter()
                    .fold(d, Diagnostic::with_note)
                    .with_help(help)
                    .with_facts(Fact::list(
                        ("allowed_categories", "allowed_categories_total"),
                        cats,
                    ))
            } else {
                // Handed to a contractor, the data is entrusted, not
                // provided: the notes say so, as the headline does.
                let handed = handed_to_contractor(w, trail);
                let why = if *refusal == ProvisionRefusal::NotFromSender {
                    match handed {
                        true => {
                            text!("no rule allows {society} to hand data over for `{p}`"; "{p_ja}のために{society}がデータを渡すことを認める規則はありません")
                        }
                        false => {
                            text!("no rule allows {society} to provide data for `{p}`"; "{p_ja}のために{society}が提供することを認める規則はありません")
                        }
                    }
                } else if of_mynumber_section {
                    match handed {
                        true => {
                            text!("`{p}` (section {declared_in}) is a purpose of a mynumber section, and none of its rules lets {society} hand data over for it";
                                      "{p_ja}(セクション {declared_in}) は特定個人情報 (mynumber) のセクションの利用目的で、{society}がこの目的でデータを渡すことを認める規則はありません")
                        }
                        false => {
                            text!("`{p}` (section {declared_in}) is a purpose of a mynumber section, and none of its rules lets {society} provide data for it";
                                       "{p_ja}(セクション {declared_in}) は特定個人情報 (mynumber) のセクションの利用目的で、{society}がこの目的で提供することを認める規則はありません")
                        }
                    }
                } else {
                    match handed {
                        true => {
                            text!("`{p}` (section {declared_in}) is a purpose of internal use only: no rule allows handing data over for it";
                                      "{p_ja}(セクション {declared_in}) は内部での利用目的で、この目的でデータを渡すことを認める規則はありません")
                        }
                        false => {
                            text!("`{p}` (section {declared_in}) is a purpose of internal use only: no rule allows providing data for it";
                                       "{p_ja}(セクション {declared_in}) は内部での利用目的で、この目的での提供を認める規則はありません")
                        }
                    }
                };
                d.with_note(why)
                    .with_note(Text::new(
                        "handling personal data beyond the published purposes of use needs the person's prior consent (個人情報保護法第18条第1項), and so does providing it to a third party (第27条第1項), save where the law makes an exception",
                        "公表した利用目的の達成に必要な範囲を超えて個人情報を取り扱うには、あらかじめ本人の同意が必要です (個人情報保護法第18条第1項)。第三者への提供も、法令の定める例外を除き、本人の同意が必要です (第27条第1項)",
                    ))
                    .with_help(help)
            };
            d.with_label(
                purpose.span,
                text!("`{p}` is declared here"; "{p_ja}の宣言"),
            )
            .with_rule(
                declared_in.clone(),
                rb.section(purpose.section).basis.clone(),
            )
            .with_facts(facts)
            .with_facts(Fact::list(
                ("allowed_purposes", "allowed_purposes_total"),
                allowed,
            ))
        }
        ProvisionRefusal::OtherData(rules) => {
            let first = *rules.first()?;
            let cat = w.category_name(trail.item);
            let cat_ja = JaQuoted(&cat);
            let named = unique(rules.iter().flat_map(|r| {
                rb.rule(*r)
                    .categories
                    .iter()
                    .map(|c| rb.category(*c).name.clone())
            }));
            let l = crate::text::list(&named);
            let d = Diagnostic::new(
                Code::MN202,
                primary,
                match handed_to_contractor(w, trail) {
                    true => text!("`{item}` ({cat}) is handed to {receiver} for `{p}`, which allows providing other data only (目的外提供)";
                                  "{item_ja}({cat}) を{p_ja}のために{receiver}に渡していますが、この目的で提供できるのは別のデータだけです (目的外提供)"),
                    false => text!("`{item}` ({cat}) is provided to {receiver} for `{p}`, which allows providing other data only (目的外提供)";
                                   "{item_ja}({cat}) を{p_ja}のために{receiver}へ提供していますが、この目的で提供できるのは別のデータだけです (目的外提供)"),
                },
            )
            .with_primary_label(text!("`{cat}` is not data of the rule"; "{cat_ja}は規則の対象データではありません"))
            .with_note(match handed_to_contractor(w, trail) {
                true => text!("the rules allow handing over data for `{p}` only of: {}", l.en;
                              "{p_ja}のために渡せるデータは次のとおりです: {}", l.ja),
                false => text!("the rules allow providing data for `{p}` only of: {}", l.en;
                               "{p_ja}のために提供できるデータは次のとおりです: {}", l.ja),
            })
            .with_label(rb.rule(first).span, Text::new("the rule", "規則"))
            .with_help(match handed_to_contractor(w, trail) {
                true => text!("send only {} for `{p}`, or name the purpose this data is handed over for", l.en;
                              "{p_ja}のためには {} だけを送るか、このデータを渡す目的を指定してください", l.ja),
                false => text!("send only {} for `{p}`, or name the purpose this data is provided for", l.en;
                               "{p_ja}のためには {} だけを送るか、このデータを提供する目的を指定してください", l.ja),
            })
            .with_facts(facts)
            .with_facts(w.rule_facts("rule", first))
            .with_facts(Fact::list(("allowed_categories", "allowed_categories_total"), named));
            w.with_rule(d, first)
        }
        ProvisionRefusal::WrongChannel(rule) => {
            let r = rb.rule(*rule);
            let strays = rb.channel_strays(*rule, &trail.passed);
            let (stray_names, strays) = super::channel::listed(w, trail, &strays);
            let d = if rb.channel_missing(*rule, &trail.passed).is_empty() {
                let d = Diagnostic::new(
                    Code::MN202,
                    primary,
                    text!("`{item}` may not be provided to {receiver} for `{p}` through {}", strays.en;
                          "{item_ja}を{p_ja}のために{}を経由して{receiver}へ提供することはできません", strays.ja),
                );
                super::channel::strayed(d, rb, r, &strays)
                    .with_label(r.span, Text::new("the rule", "規則"))
                    .with_facts(facts)
                    .with_facts(w.rule_facts("rule", *rule))
                    .with_facts(Fact::list(
                        ("stray_channel", "stray_channel_total"),
                        stray_names,
                    ))
            } else {
                let via: Vec<String> = r.via.iter().map(|v| rb.role(*v).name.clone()).collect();
                let l = crate::text::quoted_list(&via);
                let d = Diagnostic::new(
                    Code::MN202,
                    primary,
                    text!("`{item}` may be provided to {receiver} for `{p}` only via {}", l.en;
                          "{item_ja}を{p_ja}のために{receiver}へ提供できるのは{}を経由する場合だけです", l.ja),
                )
                .with_primary_label(text!("not via {}", l.en; "{}を経由していません", l.ja))
                .with_label(r.span, Text::new("the rule", "規則"))
                .with_help(text!("route it `via` an actor whose role is {}", l.en; "役割が{}のアクターを `via` で経由させてください", l.ja))
                .with_facts(facts)
                .with_facts(w.rule_facts("rule", *rule))
                .with_facts(Fact::list(("missing_channel", "missing_channel_total"), via));
                let d = super::channel::with_strays(d, stray_names, &strays);
                super::channel::with_turn(w, d, trail, &rb.channel_missing(*rule, &trail.passed))
            };
            w.with_rule(d, *rule)
        }
        ProvisionRefusal::OtherReceivers(rules) => {
            // Worded once per list of rules, which its refusals share.
            let roles = w.listed(ListKey::Receivers(ListKey::of_rules(rules)), || {
                let mut roles: Vec<String> = (rules.iter())
                    .map(|r| rb.role(rb.rule(*r).to).name.clone())
                    .collect();
                roles.sort();
                roles.dedup();
                roles
            });
            let l = roles.quoted_text();
            let first = *rules.first()?;
            let d = Diagnostic::new(
                Code::MN203,
                primary,
                text!("`{p}` allows providing `{item}` to {}, not to {receiver}", l.en;
                      "{p_ja}で{item_ja}を提供できるのは{}で、{receiver}ではありません", l.ja),
            )
            .with_primary_label(Text::new("not a recipient the purpose allows", "利用目的が認める提供先ではありません"))
            .with_label(rb.rule(first).span, Text::new("the rule for this purpose", "この利用目的の規則"))
            .with_help(match routed_through_receiver(w, rb, trail, rules) {
                Some(rule) => onward_via_help(w, rb, trail, rule),
                None => text!("send it to an actor whose role is {}, or use a purpose that allows this recipient", l.en;
                              "役割が{}のアクターへ送るか、この提供先を認める利用目的にしてください", l.ja),
            })
            .with_facts(facts)
            .with_facts(w.rule_facts("rule", first))
            .with_facts(roles.facts(("allowed_receivers", "allowed_receivers_total")));
            w.with_rule(d, first)
        }
    };
    Some(w.hop_labels(d, trail))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_is_scanned_once_per_receivers_role() {
        let routed = Routed::default();
        let scans = std::cell::Cell::new(0);
        let (a, b) = (RoleId::new(1), RoleId::new(2));
        for i in 0..1000 {
            let key = (0x1000, if i % 2 == 0 { a } else { b });
            let rule = routed.first(key, || {
                scans.set(scans.get() + 1);
                (key.1 == a).then_some(RuleId::new(7))
            });
            assert_eq!(rule, (key.1 == a).then_some(RuleId::new(7)));
        }
        assert_eq!(scans.get(), 2, "once per (list, role), not per finding");
    }
}
