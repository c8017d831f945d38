//! MN101–MN105: every 特定個人情報 item of every end-to-end exchange against
//! the `allow` rules of mynumber sections, with the nearest miss.

use super::finding::Finding;
use super::judged::Judged;
use super::rule_lists::RuleLists;
use super::{Ctx, Judgeable};
use crate::model::*;
use std::sync::Arc;

/// One way an exchange can differ from a rule between the same two roles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Miss {
    /// The rule allows it only the other way round (MN102).
    Direction,
    /// Not for this purpose (MN103).
    Purpose,
    /// Not through this channel: a `via` role of the rule was not passed (MN104).
    Channel,
}

impl Miss {
    /// `direction`, `purpose` or `channel`, as in machine output.
    pub fn as_str(self) -> &'static str {
        match self {
            Miss::Direction => "direction",
            Miss::Purpose => "purpose",
            Miss::Channel => "channel",
        }
    }
}

/// Why no `mynumber` rule allows an exchange of 特定個人情報.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MyNumberRefusal {
    /// MN101: no mynumber rule covers the category.
    NoBasis,
    /// MN105: rules cover the category only between other roles: every
    /// rule covering it, one list shared by the refusals that name it.
    WrongParties(Arc<[RuleId]>),
    /// MN102/MN103/MN104: the nearest rule (fewest differences), the first
    /// thing it differs in, and every difference.
    NearestMiss {
        /// The nearest rule.
        rule: RuleId,
        /// The first difference, in the order direction, purpose, channel.
        first: Miss,
        /// All the differences, in that order.
        differs: Vec<Miss>,
    },
}

/// What the rulebook says of one exchange of 特定個人情報.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MyNumberVerdict {
    /// A rule allows it.
    Allowed(RuleId),
    /// None does, and why.
    Refused(MyNumberRefusal),
}

/// Checks an exchange of a `category` item from role `from` to role `to`
/// for `purpose`, passing the roles `passed`, against the mynumber rules.
pub fn evaluate_exchange(
    rb: &Rulebook,
    from: RoleId,
    to: RoleId,
    category: CategoryId,
    purpose: PurposeId,
    passed: &[RoleId],
) -> MyNumberVerdict {
    evaluate_exchange_in(
        &mut RuleLists::for_one(rb),
        from,
        to,
        category,
        purpose,
        passed,
    )
}

/// [`evaluate_exchange`] with the rule lists of the judging so far.
pub(crate) fn evaluate_exchange_in(
    lists: &mut RuleLists,
    from: RoleId,
    to: RoleId,
    category: CategoryId,
    purpose: PurposeId,
    passed: &[RoleId],
) -> MyNumberVerdict {
    let rb = lists.rb();
    let covering = lists.covering(category);
    if covering.is_empty() {
        return MyNumberVerdict::Refused(MyNumberRefusal::NoBasis);
    }
    // The rule that allows it is the first that differs in nothing: found
    // among the few to this receiver or for this purpose when there are
    // many rules for the category.
    let fits = |id: RuleId| {
        rb.rule(id)
            .categories
            .iter()
            .any(|c| rb.covers(*c, category))
            && rb.rule_matches_roles(id, from, to)
            && rb.rule_allows_purpose(id, purpose)
            && rb.rule_channel_passed(id, passed)
    };
    if let Some(id) = lists.first_fitting(true, to, purpose, Some(covering.len()), fits) {
        return MyNumberVerdict::Allowed(id);
    }
    lists.weighed += covering.len() as u64;
    let mut nearest: Option<(RuleId, Vec<Miss>)> = None;
    for &id in covering.iter() {
        let same_way = rb.rule_matches_roles(id, from, to);
        let other_way = rb.rule_matches_roles(id, to, from);
        if !same_way && !other_way {
            continue;
        }
        let differs: Vec<Miss> = [
            (!same_way, Miss::Direction),
            (!rb.rule_allows_purpose(id, purpose), Miss::Purpose),
            (!rb.rule_channel_passed(id, passed), Miss::Channel),
        ]
        .into_iter()
        .filter_map(|(d, m)| d.then_some(m))
        .collect();
        if differs.is_empty() {
            return MyNumberVerdict::Allowed(id);
        }
        if nearest
            .as_ref()
            .is_none_or(|(_, n)| differs.len() < n.len())
        {
            nearest = Some((id, differs));
        }
    }
    MyNumberVerdict::Refused(match nearest {
        Some((rule, differs)) => MyNumberRefusal::NearestMiss {
            rule,
            first: differs[0],
            differs,
        },
        None => MyNumberRefusal::WrongParties(covering),
    })
}

/// The exchanges of 特定個人情報 that are provision by the society or to it
/// (not internal use, and not a contractor passing data on: MN302 judges
/// that), with their verdicts. Exchanges that differ only in actors share a
/// verdict.
pub(crate) fn verdicts(ctx: &Ctx) -> Vec<(usize, MyNumberVerdict)> {
    verdicts_among(ctx, 0..ctx.graph.exchanges.len())
}

/// [`verdicts`] of the exchanges `among` (indices into `graph.exchanges`,
/// in order): what hover shows for one flow, without judging the rest.
pub(crate) fn verdicts_among(
    ctx: &Ctx,
    among: impl IntoIterator<Item = usize>,
) -> Vec<(usize, MyNumberVerdict)> {
    let mut judged = Judged::new();
    let mut lists = RuleLists::new(ctx.rb);
    let among = among.into_iter();
    // Room for a verdict on each exchange asked about (at most one each).
    let mut out = Vec::with_capacity(among.size_hint().0);
    let judgeable = ctx.judgeable(among, true);
    for Judgeable {
        index: i,
        exchange: ex,
        from,
        to,
        category,
        purpose,
    } in judgeable
    {
        let (fk, tk) = (ctx.rb.role(from).kind, ctx.rb.role(to).kind);
        if fk == RoleKind::Contractor {
            continue;
        }
        // Internal use, unless it is handed to a party on the way: then it
        // is judged as provision to that party.
        let (to, passed) = match (fk, tk) {
            (RoleKind::SelfOrg, RoleKind::SelfOrg) => match ctx.party_on_the_way(ex) {
                Some((at, actor, party)) => (party, ctx.passed_to(ex, at, actor)),
                None => continue,
            },
            _ => ctx.judged_way(ex, to),
        };
        let v = judged.get((from, to, category, purpose), &passed, || {
            evaluate_exchange_in(&mut lists, from, to, category, purpose, &passed)
        });
        out.push((i, v));
    }
    out
}

/// MN101–MN105 findings, from the verdicts.
pub(crate) fn check(ctx: &Ctx, verdicts: &[(usize, MyNumberVerdict)]) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, verdict) in verdicts {
        let MyNumberVerdict::Refused(refusal) = verdict else {
            continue;
        };
        let ex = &ctx.graph.exchanges[*i];
        let internal = ctx.kind(ex.sender) == Some(RoleKind::SelfOrg)
            && ctx.kind(ex.receiver) == Some(RoleKind::SelfOrg);
        let Some(trail) = ctx.trail_judged(ex, internal) else {
            continue;
        };
        let witness = ctx.witness(ex.sender, trail.item, Some(trail.purpose));
        out.push(Finding::MyNumber {
            trail,
            refusal: refusal.clone(),
            witness,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::FileId;
    use crate::syntax::parse;

    fn rb() -> Rulebook {
        let src = "rulebook t\nrole 組合 self\nrole 他機関\nrole 本人 subject\nrole NW carrier\n\
            category 特定 mynumber\ncategory 課税 in 特定\ncategory 資格 in 特定\ncategory 普通\n\
            section \"7(1)\" mynumber { purpose 認定\n purpose 判定\n allow 他機関 -> 組合 : 課税 for 認定 via NW }\n\
            section \"7(2)\" mynumber { purpose 照会\n allow 組合 -> 他機関 : 資格 for 照会 via NW }\n";
        let p = parse(FileId(0), src);
        let mut d = Vec::new();
        let rb = crate::resolve::resolve_rulebook(FileId(0), &p.file, &mut d);
        assert!(d.is_empty());
        rb
    }

    fn first_miss(v: MyNumberVerdict) -> Option<Miss> {
        match v {
            MyNumberVerdict::Refused(MyNumberRefusal::NearestMiss { first, .. }) => Some(first),
            _ => None,
        }
    }

    #[test]
    fn a_party_on_the_way_is_a_channel_miss_unless_the_rule_allows_it_there() {
        let src = "rulebook t\nrole 組合 self\nrole 他機関\nrole 市 in 他機関\nrole 委託先 contractor\n\
            role NW carrier\nrole 中間 carrier\nrole 窓口\ncategory 特定 mynumber\ncategory 課税 in 特定\n\
            section \"7(1)\" mynumber { purpose 認定\n allow 他機関 -> 組合 : 課税 for 認定 via NW }\n\
            section \"x\" mynumber { purpose 照会\n allow 組合 -> 他機関 : 課税 for 照会 via 窓口 }\n";
        let p = parse(FileId(0), src);
        let mut d = Vec::new();
        let rb = crate::resolve::resolve_rulebook(FileId(0), &p.file, &mut d);
        assert!(d.is_empty());
        let r = |n| rb.role_named(n).unwrap();
        let c = rb.category_named("課税").unwrap();
        let (p1, p2) = (
            rb.purpose_named("認定").unwrap(),
            rb.purpose_named("照会").unwrap(),
        );
        let inbound =
            |passed: &[RoleId]| evaluate_exchange(&rb, r("他機関"), r("組合"), c, p1, passed);
        // Carriers and the society's own systems may stand on the way.
        for passed in [
            vec![r("NW")],
            vec![r("NW"), r("中間")],
            vec![r("組合"), r("NW")],
        ] {
            assert!(
                matches!(inbound(&passed), MyNumberVerdict::Allowed(_)),
                "{passed:?}"
            );
        }
        // A contractor or another party on the way is not the rule's way,
        // nor another organisation of the sender's role: 他機関 is many
        // organisations, and one between the sender and the society is a
        // third party.
        for stray in ["委託先", "窓口", "市", "他機関"] {
            let passed = [r("NW"), r(stray)];
            assert_eq!(first_miss(inbound(&passed)), Some(Miss::Channel), "{stray}");
            assert_eq!(rb.channel_strays(RuleId::new(0), &passed), vec![r(stray)]);
            assert!(rb.channel_missing(RuleId::new(0), &passed).is_empty());
        }
        // Where a rule routes through the party, it may be passed.
        let outbound = evaluate_exchange(&rb, r("組合"), r("他機関"), c, p2, &[r("窓口")]);
        assert!(matches!(outbound, MyNumberVerdict::Allowed(_)));
    }

    #[test]
    fn nearest_miss_names_the_first_difference() {
        let rb = rb();
        let r = |n| rb.role_named(n).unwrap();
        let c = |n| rb.category_named(n).unwrap();
        let p = |n| rb.purpose_named(n).unwrap();
        let nw = vec![r("NW")];
        let eval = |f, t, cat, purp, passed: &[RoleId]| {
            evaluate_exchange(&rb, r(f), r(t), c(cat), p(purp), passed)
        };
        assert!(matches!(
            eval("他機関", "組合", "課税", "認定", &nw),
            MyNumberVerdict::Allowed(_)
        ));
        assert_eq!(
            first_miss(eval("組合", "他機関", "課税", "認定", &nw)),
            Some(Miss::Direction)
        );
        assert_eq!(
            first_miss(eval("他機関", "組合", "課税", "判定", &nw)),
            Some(Miss::Purpose)
        );
        assert_eq!(
            first_miss(eval("他機関", "組合", "課税", "認定", &[])),
            Some(Miss::Channel)
        );
        assert!(matches!(
            eval("本人", "組合", "課税", "認定", &nw),
            MyNumberVerdict::Refused(MyNumberRefusal::WrongParties(_))
        ));
        assert_eq!(
            evaluate_exchange(&rb, r("他機関"), r("組合"), c("普通"), p("認定"), &nw),
            MyNumberVerdict::Refused(MyNumberRefusal::NoBasis)
        );
    }

    #[test]
    fn every_difference_is_kept_in_order() {
        let rb = rb();
        let r = |n| rb.role_named(n).unwrap();
        let v = evaluate_exchange(
            &rb,
            r("組合"),
            r("他機関"),
            rb.category_named("課税").unwrap(),
            rb.purpose_named("判定").unwrap(),
            &[],
        );
        let MyNumberVerdict::Refused(MyNumberRefusal::NearestMiss { differs, .. }) = v else {
            panic!("{v:?}");
        };
        assert_eq!(differs, vec![Miss::Direction, Miss::Purpose, Miss::Channel]);
    }
}
