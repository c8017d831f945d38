//! The safe-change gate: per section and pair of roles, does the new
//! rulebook allow the same, less, more, or some of each?
//!
//! Every rule is expanded, through [`atomic_permissions`] alone, into the
//! concrete permissions it grants: one per (pair of roles, category,
//! purpose) it covers, each with the set of roles the exchange must pass.
//! The set is finite (a rulebook names finitely many roles, categories and
//! purposes), so the comparison is exact and needs no solver. A permission
//! with channel set V allows every exchange passing a superset of V, so for
//! one (pair, category, purpose) the old rulebook allows something the new
//! one does not exactly when some old V has no new V' ⊆ V, and the other way
//! round. The smallest newly allowed exchange passes exactly V'.

use super::witness::{self, Witness};
use super::{Grant, Names, Order, fold};
use crate::model::*;
use crate::names::key;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// How the new rulebook's permissions for one section and pair of roles
/// compare with the old one's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Breadth {
    /// Exactly the same exchanges.
    Same,
    /// Only fewer exchanges.
    Narrower,
    /// Only more exchanges.
    Broader,
    /// Some fewer and some more.
    Both,
}

impl Breadth {
    /// `same`, `narrower`, `broader` or `both`, as in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Breadth::Same => "same",
            Breadth::Narrower => "narrower",
            Breadth::Broader => "broader",
            Breadth::Both => "both",
        }
    }

    /// Does the new rulebook allow anything the old one did not?
    pub fn broadens(self) -> bool {
        matches!(self, Breadth::Broader | Breadth::Both)
    }
}

/// The verdict on one section and pair of roles.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PairBreadth {
    /// The section id.
    pub section: String,
    /// Sender role.
    pub from: String,
    /// Receiver role.
    pub to: String,
    /// Same, narrower, broader or both.
    pub breadth: Breadth,
    /// What only the new rulebook allows, folded into rule-shaped lines;
    /// each line's channel is the smallest the new rulebook accepts.
    pub newly_allowed: Vec<Grant>,
    /// What only the old rulebook allowed, folded the same way.
    pub no_longer_allowed: Vec<Grant>,
    /// One smallest flow per line of `newly_allowed`, in the same order.
    pub witnesses: Vec<Witness>,
}

/// The gate's verdict on a rulebook change: every section and pair of
/// roles that either rulebook has a rule for, in document order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Gate {
    /// Per section and pair of roles.
    pub pairs: Vec<PairBreadth>,
}

impl Gate {
    /// Does the new rulebook allow anything the old one did not?
    pub fn broadens(&self) -> bool {
        self.pairs.iter().any(|p| p.breadth.broadens())
    }

    /// How many pairs have this breadth.
    pub fn count(&self, b: Breadth) -> usize {
        self.pairs.iter().filter(|p| p.breadth == b).count()
    }
}

/// One concrete permission a rule grants: an exchange of `category` from
/// `from` to `to` for `purpose`, passing at least the rule's `via` roles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Atomic {
    /// The rule (its section and `via` give the rest).
    pub rule: RuleId,
    /// Sender role.
    pub from: RoleId,
    /// Receiver role.
    pub to: RoleId,
    /// Category.
    pub category: CategoryId,
    /// Purpose.
    pub purpose: PurposeId,
}

/// The roles a rule naming `rule_role` covers (itself, and its sub-roles
/// once roles form a tree), as the rulebook decides.
fn roles_covered(rb: &Rulebook, rule_role: RoleId) -> Vec<RoleId> {
    (0..rb.roles.len() as u32)
        .map(RoleId::new)
        .filter(|r| rb.role_covers(rule_role, *r))
        .collect()
}

/// Every concrete permission of a rulebook, rule by rule. The only place
/// the gate expands rules: coverage of categories, purposes (a rule with no
/// `for` allows every declared purpose) and roles is the rulebook's.
pub fn atomic_permissions(rb: &Rulebook) -> Vec<Atomic> {
    let mut out = Vec::new();
    for (i, r) in rb.rules.iter().enumerate() {
        let rule = RuleId::new(i as u32);
        let categories: Vec<CategoryId> = (0..rb.categories.len() as u32)
            .map(CategoryId::new)
            .filter(|c| r.categories.iter().any(|rc| rb.covers(*rc, *c)))
            .collect();
        let purposes: Vec<PurposeId> = (0..rb.purposes.len() as u32)
            .map(PurposeId::new)
            .filter(|p| rb.rule_allows_purpose(rule, *p))
            .collect();
        for from in roles_covered(rb, r.from) {
            for to in roles_covered(rb, r.to) {
                for &category in &categories {
                    for &purpose in &purposes {
                        out.push(Atomic {
                            rule,
                            from,
                            to,
                            category,
                            purpose,
                        });
                    }
                }
            }
        }
    }
    out
}

/// (section, from, to), by key.
type PairKey = (String, String, String);
/// (category, purpose), by key.
type Point = (String, String);
/// A channel set: the keys of the roles an exchange must pass.
type Channel = BTreeSet<String>;

/// A rulebook's permissions by key: per pair, per point, the channel sets
/// that allow it, with each pair's display names.
struct Keyed {
    order: Vec<PairKey>,
    pairs: HashMap<PairKey, (PairNames, BTreeMap<Point, Vec<Channel>>)>,
}

/// How a pair is written: section id, sender and receiver role names.
type PairNames = (String, String, String);

fn keyed(rb: &Rulebook) -> Keyed {
    let mut order = Vec::new();
    let mut pairs: HashMap<PairKey, (PairNames, BTreeMap<Point, Vec<Channel>>)> = HashMap::new();
    for a in atomic_permissions(rb) {
        let r = rb.rule(a.rule);
        let section = &rb.section(r.section).id;
        let (from, to) = (&rb.role(a.from).name, &rb.role(a.to).name);
        let pk = (key(section), key(from), key(to));
        let entry = pairs.entry(pk.clone()).or_insert_with(|| {
            order.push(pk);
            ((section.clone(), from.clone(), to.clone()), BTreeMap::new())
        });
        let point = (
            key(&rb.category(a.category).name),
            key(&rb.purpose(a.purpose).name),
        );
        let channel: Channel = r.via.iter().map(|v| key(&rb.role(*v).name)).collect();
        let sets = entry.1.entry(point).or_default();
        if !sets.contains(&channel) {
            sets.push(channel);
        }
    }
    Keyed { order, pairs }
}

/// The channel sets of `these` that no set of `others` is contained in:
/// the smallest exchanges `these` allow and `others` do not.
fn uncovered<'a>(these: &'a [Channel], others: &[Channel]) -> Vec<&'a Channel> {
    these
        .iter()
        .filter(|v| !others.iter().any(|o| o.is_subset(v)))
        .collect()
}

/// Folds points and channels into rule-shaped grants of one pair.
fn grants(
    rb: &Rulebook,
    names: &Names,
    pair: &PairNames,
    atoms: Vec<(Channel, String, Option<String>, ())>,
) -> Vec<(Grant, Vec<String>, Vec<String>)> {
    let all_purposes = rb.purposes.len();
    fold(atoms, names)
        .into_iter()
        .map(|l| {
            let purposes = names.purposes(&l.purposes);
            // A category is implied by an ancestor on the same line whose
            // whole subtree is on the line: `allow … : P` reads as P and
            // everything below it, so only then may P stand for them.
            let on_line: BTreeSet<CategoryId> = l
                .categories
                .iter()
                .filter_map(|c| rb.category_named(c))
                .collect();
            let complete = |a: CategoryId| {
                (0..rb.categories.len() as u32)
                    .map(CategoryId::new)
                    .filter(|c| rb.covers(a, *c))
                    .all(|c| on_line.contains(&c))
            };
            let shown: Vec<String> = l
                .categories
                .iter()
                .filter(|c| {
                    let Some(id) = rb.category_named(c) else {
                        return true;
                    };
                    !rb.ancestors(id)
                        .skip(1)
                        .any(|a| on_line.contains(&a) && complete(a))
                })
                .cloned()
                .collect();
            let grant = Grant {
                section: pair.0.clone(),
                from: pair.1.clone(),
                to: pair.2.clone(),
                categories: shown,
                // Every declared purpose reads as a rule without `for`.
                purposes: if all_purposes > 1 && purposes.len() == all_purposes {
                    Vec::new()
                } else {
                    purposes.clone()
                },
                via: names.via(&l.key),
            };
            (grant, l.categories, purposes)
        })
        .collect()
}

/// Compares two rulebooks' permissions per section and pair of roles.
/// `use_target` is how a witness design names the new rulebook. The
/// witnesses are built, not yet run: see [`witness::confirm`].
pub fn compare(old: &Rulebook, new: &Rulebook, use_target: &str) -> Gate {
    let (o, n) = (keyed(old), keyed(new));
    let (old_names, new_names) = (Names::of(old), Names::of(new));
    let joined = |k: &PairKey| format!("{}\u{0}{}\u{0}{}", k.0, k.1, k.2);
    let sections = Order::new(
        &old.sections.iter().map(|s| key(&s.id)).collect::<Vec<_>>(),
        &new.sections.iter().map(|s| key(&s.id)).collect::<Vec<_>>(),
    );
    let pair_order = Order::new(
        &o.order.iter().map(joined).collect::<Vec<_>>(),
        &n.order.iter().map(joined).collect::<Vec<_>>(),
    );
    let mut keys: Vec<&PairKey> = n.order.iter().collect();
    keys.extend(o.order.iter().filter(|k| !n.pairs.contains_key(*k)));
    keys.sort_by_key(|k| (sections.of(&k.0), pair_order.of(&joined(k))));

    let empty = BTreeMap::new();
    let mut pairs = Vec::new();
    for pk in keys {
        let (old_points, new_points) = (
            o.pairs.get(pk).map_or(&empty, |p| &p.1),
            n.pairs.get(pk).map_or(&empty, |p| &p.1),
        );
        let names = n
            .pairs
            .get(pk)
            .or_else(|| o.pairs.get(pk))
            .map(|p| p.0.clone())
            .unwrap_or_default();
        let mut gained = Vec::new();
        let mut lost = Vec::new();
        let points: BTreeSet<&Point> = old_points.keys().chain(new_points.keys()).collect();
        for point in points {
            let ov = old_points.get(point).map_or(&[][..], Vec::as_slice);
            let nv = new_points.get(point).map_or(&[][..], Vec::as_slice);
            for v in uncovered(nv, ov) {
                gained.push((v.clone(), point.0.clone(), Some(point.1.clone()), ()));
            }
            for v in uncovered(ov, nv) {
                lost.push((v.clone(), point.0.clone(), Some(point.1.clone()), ()));
            }
        }
        let breadth = match (gained.is_empty(), lost.is_empty()) {
            (true, true) => Breadth::Same,
            (true, false) => Breadth::Narrower,
            (false, true) => Breadth::Broader,
            (false, false) => Breadth::Both,
        };
        let newly = grants(new, &new_names, &names, gained);
        let no_longer_allowed = grants(old, &old_names, &names, lost)
            .into_iter()
            .map(|(g, _, _)| g)
            .collect();
        let witnesses = newly
            .iter()
            .map(|(g, categories, purposes)| {
                witness::build(new, use_target, g, categories, purposes)
            })
            .collect();
        pairs.push(PairBreadth {
            section: names.0,
            from: names.1,
            to: names.2,
            breadth,
            newly_allowed: newly.into_iter().map(|(g, _, _)| g).collect(),
            no_longer_allowed,
            witnesses,
        });
    }
    Gate { pairs }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::resolve_rulebook;
    use crate::span::FileId;
    use crate::syntax::parse;

    fn load(file: u32, src: &str) -> Rulebook {
        let p = parse(FileId(file), src);
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
        let mut d = Vec::new();
        let rb = resolve_rulebook(FileId(file), &p.file, &mut d);
        assert!(d.is_empty(), "{d:?}");
        rb
    }

    const BASE: &str = "rulebook t\n\
        role 組合 self\nrole 他機関\nrole NW carrier\nrole 中間 carrier\n\
        category 特定 mynumber\ncategory 課税 in 特定\ncategory 住民票 in 特定\n\
        section \"2(1)\" { purpose 認定\n purpose 給付 }\n\
        section \"7(1)\" mynumber {\n\
          allow 他機関 -> 組合 : 課税, 住民票 for 認定 via NW\n}\n\
        section \"7(2)\" mynumber {\n\
          allow 組合 -> 他機関 : 課税 for 給付 via NW\n}\n";

    /// `7(1) 他機関 -> 組合 narrower` per pair.
    fn verdicts(old: &str, new: &str) -> Vec<String> {
        compare(&load(0, old), &load(1, new), "new.myna")
            .pairs
            .iter()
            .map(|p| {
                format!(
                    "{} {} -> {} {}",
                    p.section,
                    p.from,
                    p.to,
                    p.breadth.as_str()
                )
            })
            .collect()
    }

    fn pair(old: &str, new: &str, section: &str) -> PairBreadth {
        compare(&load(0, old), &load(1, new), "new.myna")
            .pairs
            .into_iter()
            .find(|p| p.section == section)
            .expect("the pair")
    }

    #[test]
    fn the_same_rulebook_is_the_same_everywhere() {
        assert_eq!(
            verdicts(BASE, BASE),
            ["7(1) 他機関 -> 組合 same", "7(2) 組合 -> 他機関 same"]
        );
    }

    #[test]
    fn a_rule_split_in_two_allows_the_same() {
        let new = BASE.replace(
            "allow 他機関 -> 組合 : 課税, 住民票 for 認定 via NW",
            "allow 他機関 -> 組合 : 住民票 for 認定 via NW\nallow 他機関 -> 組合 : 課税 for 認定 via NW",
        );
        assert_eq!(verdicts(BASE, &new)[0], "7(1) 他機関 -> 組合 same");
    }

    #[test]
    fn a_parent_category_covers_its_children_and_itself() {
        // Naming the parent allows both children (as before) and the
        // parent category itself (new).
        let new = BASE.replace("課税, 住民票 for 認定", "特定 for 認定");
        let p = pair(BASE, &new, "7(1)");
        assert_eq!(p.breadth, Breadth::Broader);
        assert_eq!(
            p.newly_allowed
                .iter()
                .map(Grant::to_allow)
                .collect::<Vec<_>>(),
            ["allow 他機関 -> 組合 : 特定 for 認定 via NW"]
        );
        // And back: narrower by the same one category.
        assert_eq!(pair(&new, BASE, "7(1)").breadth, Breadth::Narrower);
    }

    #[test]
    fn a_parent_stands_for_its_children_only_when_all_are_new() {
        // 課税 was allowed for 給付 without a channel already; naming the
        // parent adds 特定 and 住民票 but not 課税, so the line lists them.
        let old = BASE.replace(
            "section \"7(2)\" mynumber {\n",
            "section \"7(2)\" mynumber {\nallow 組合 -> 他機関 : 課税 for 給付\n",
        );
        let new = old.replace(
            "allow 組合 -> 他機関 : 課税 for 給付\n",
            "allow 組合 -> 他機関 : 特定 for 給付\n",
        );
        let p = pair(&old, &new, "7(2)");
        assert_eq!(
            p.newly_allowed
                .iter()
                .map(Grant::to_allow)
                .collect::<Vec<_>>(),
            ["allow 組合 -> 他機関 : 特定, 住民票 for 給付"]
        );
    }

    #[test]
    fn more_channels_required_is_narrower_fewer_is_broader() {
        let stricter = BASE.replace("for 認定 via NW", "for 認定 via NW, 中間");
        let p = pair(BASE, &stricter, "7(1)");
        assert_eq!(p.breadth, Breadth::Narrower);
        assert_eq!(
            p.no_longer_allowed[0].to_allow(),
            "allow 他機関 -> 組合 : 課税, 住民票 for 認定 via NW"
        );
        let looser = BASE.replace("for 認定 via NW", "for 認定");
        let p = pair(BASE, &looser, "7(1)");
        assert_eq!(p.breadth, Breadth::Broader);
        // The smallest newly allowed exchange passes no channel at all.
        assert_eq!(
            p.newly_allowed[0].to_allow(),
            "allow 他機関 -> 組合 : 課税, 住民票 for 認定"
        );
        // A second rule with a larger channel set adds nothing.
        let implied = BASE.replace(
            "section \"7(2)\" mynumber {\n",
            "section \"7(2)\" mynumber {\nallow 組合 -> 他機関 : 課税 for 給付 via NW, 中間\n",
        );
        assert_eq!(pair(BASE, &implied, "7(2)").breadth, Breadth::Same);
    }

    #[test]
    fn a_rule_for_any_purpose_allows_every_declared_purpose() {
        let any = BASE.replace("課税 for 給付 via NW", "課税 via NW");
        let p = pair(BASE, &any, "7(2)");
        assert_eq!(p.breadth, Breadth::Broader);
        assert_eq!(
            p.newly_allowed[0].to_allow(),
            "allow 組合 -> 他機関 : 課税 for 認定 via NW"
        );
        // Declaring another purpose widens a rule for any purpose.
        let more = any.replace("purpose 給付 }", "purpose 給付\n purpose 還付 }");
        assert_eq!(pair(&any, &more, "7(2)").breadth, Breadth::Broader);
    }

    #[test]
    fn less_and_more_at_once_is_both_and_pairs_come_and_go() {
        let new = BASE
            .replace("課税, 住民票 for 認定", "課税 for 認定, 給付")
            .replace("allow 組合 -> 他機関 : 課税 for 給付 via NW", "");
        assert_eq!(
            verdicts(BASE, &new),
            ["7(1) 他機関 -> 組合 both", "7(2) 組合 -> 他機関 narrower"]
        );
    }

    #[test]
    fn the_witness_is_a_complete_design_through_the_smallest_channel() {
        let new = BASE.replace("課税, 住民票 for 認定", "課税, 住民票 for 認定, 給付");
        let p = pair(BASE, &new, "7(1)");
        assert_eq!(p.witnesses.len(), 1);
        assert_eq!(
            p.witnesses[0].design,
            "use \"new.myna\"\n\nactor 他機関 : 他機関\nactor 組合 : 組合\nactor NW : NW\n\
             data 課税 : 課税\n\nflow 他機関 -> 組合 : 課税 for 給付 via NW\n"
        );
        assert!(!p.witnesses[0].checked, "built, not yet run");
    }

    #[test]
    fn atomic_permissions_expand_categories_and_purposes() {
        let rb = load(0, &BASE.replace("課税 for 給付 via NW", "特定 via NW"));
        let n = atomic_permissions(&rb).len();
        // 7(1): 2 categories × 1 purpose; 7(2): 3 categories × 2 purposes.
        assert_eq!(n, 2 + 6);
    }
}
