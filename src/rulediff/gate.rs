//! The safe-change gate: per section and pair of roles, does the new
//! rulebook allow the same, less, more, or some of each?
//!
//! Every rule is expanded, through [`atomic_permissions`] alone, into the
//! concrete permissions it grants: one per (pair of roles, category,
//! purpose) it covers, each with the set of roles the exchange must pass.
//! The set is finite (a rulebook names finitely many roles, categories and
//! purposes), so the comparison is exact and needs no solver. A permission
//! with channel set V allows every exchange passing V and, besides, only
//! carriers and the pair's own two roles, so for one (pair, category,
//! purpose) the old rulebook allows something the new one does not exactly
//! when some old V has no new V' ⊆ V whose rulebook would let the exchange
//! pass V's other roles, and the other way round. The smallest newly
//! allowed exchange passes exactly V'. (A role that is a carrier in one
//! rulebook and not in the other is compared by each side's own kinds.)
//!
//! What a pair allows is compared with the union of what the other
//! rulebook allows between the same two roles in every section of the same
//! kind: a verdict reads whether a rule's section is `mynumber` (MN101–MN105
//! judge 特定個人情報 by the mynumber sections' rules, MN202/MN203 ordinary
//! data by the others'), never its id. A renumbered section is therefore
//! the same, its permissions listed as moved. A rule of an ordinary section
//! for 特定個人情報 allows nothing, so a section made `mynumber`, or a
//! category no longer `mynumber`, allows what its rules name anew.
//! Everything else that bears on verdicts is judged by [`effects`].

use super::effects::{self, Effect, Why};
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
    /// Why it allows more or less beyond its `allow` lines: a change of
    /// its section's or a category's `mynumber` flag (empty when the same).
    pub because: Vec<Why>,
    /// What only the new rulebook allows, folded into rule-shaped lines;
    /// each line's channel is the smallest the new rulebook accepts.
    pub newly_allowed: Vec<Grant>,
    /// What only the old rulebook allowed, folded the same way.
    pub no_longer_allowed: Vec<Grant>,
    /// What this pair allows anew that the old rulebook allowed in another
    /// section of the same kind (renumbered, or moved): not allowed anew.
    pub moved: Vec<Moved>,
    /// One smallest flow per line of `newly_allowed`, in the same order.
    pub witnesses: Vec<Witness>,
    /// The pair's rules changed, but they decide no verdict under either
    /// rulebook: an ordinary section's permissions for a sender that is
    /// not the society (`self`). `check` judges ordinary data the society
    /// receives by its purpose alone (LANGUAGE.md §3.4), so such a rule
    /// (kenpo 8(2)) records the notice and allows nothing more or less.
    pub decides_no_verdict: bool,
}

/// Permissions of a pair that the old rulebook granted in other sections.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Moved {
    /// The permissions, as the new rulebook's pair grants them.
    pub grant: Grant,
    /// The old rulebook's sections that granted them.
    pub before: Vec<String>,
}

/// The gate's verdict on a rulebook change: every section and pair of
/// roles that either rulebook has a rule for, in document order, and every
/// other change that bears on what is allowed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Gate {
    /// Per section and pair of roles.
    pub pairs: Vec<PairBreadth>,
    /// Changes other than `allow` rules that widen or narrow what is
    /// allowed (role kinds, `mynumber` categories, the register, clauses).
    pub others: Vec<Effect>,
}

impl Gate {
    /// Does the new rulebook allow anything the old one did not?
    pub fn broadens(&self) -> bool {
        self.pairs.iter().any(|p| p.breadth.broadens())
            || self.others.iter().any(|e| e.breadth.broadens())
    }

    /// How many pairs and other changes allow more (broader or both).
    pub fn broadening(&self) -> (usize, usize) {
        let pairs = self.pairs.iter().filter(|p| p.breadth.broadens()).count();
        let others = self.others.iter().filter(|e| e.breadth.broadens()).count();
        (pairs, others)
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

/// The most concrete permissions the gate expands, both rulebooks
/// together. The notice's rulebook grants 428; a rulebook whose
/// rules each name the top of deep trees grants their product (2 000
/// rules crossing two chains of 2 000 nested roles and purposes: over a
/// billion), which no comparison one by one can hold: past this, the gate
/// refuses and says why rather than run for minutes out of memory.
pub const MAX_PERMISSIONS: usize = 10_000_000;

/// What a rule covers in each tree, each in index order: its sender's
/// roles, its receiver's, its categories and its purposes (a rule with no
/// `for` allows every declared purpose). The only place the gate expands
/// rules: coverage is the rulebook's, read from its trees' spans.
struct Covered {
    from: Vec<RoleId>,
    to: Vec<RoleId>,
    categories: Vec<CategoryId>,
    purposes: Vec<PurposeId>,
}

impl Covered {
    fn of(rb: &Rulebook, rule: RuleId) -> Covered {
        let r = rb.rule(rule);
        Covered {
            from: below(rb, Tree::Roles, &[r.from]),
            to: below(rb, Tree::Roles, &[r.to]),
            categories: below(rb, Tree::Categories, &r.categories),
            purposes: match r.purposes.is_empty() {
                true => (0..rb.purposes.len() as u32).map(PurposeId::new).collect(),
                false => below(rb, Tree::Purposes, &r.purposes),
            },
        }
    }
}

/// The ids at or below any of `tops` in `tree`, in index order.
fn below<I: Copy + From<u32> + Into<usize>>(rb: &Rulebook, tree: Tree, tops: &[I]) -> Vec<I> {
    let tops: Vec<usize> = tops.iter().map(|&t| t.into()).collect();
    rb.below(tree, &tops).into_iter().map(I::from).collect()
}

/// How many ids are at or below any of `tops` in `tree`.
fn count_below<I: Copy + Into<usize>>(rb: &Rulebook, tree: Tree, tops: &[I]) -> usize {
    let tops: Vec<usize> = tops.iter().map(|&t| t.into()).collect();
    rb.count_below(tree, &tops)
}

/// How many concrete permissions a rulebook grants (see
/// [`atomic_permissions`]), counted without expanding them.
pub fn permission_count(rb: &Rulebook) -> usize {
    (rb.rules.iter()).fold(0usize, |sum, r| {
        let purposes = match r.purposes.is_empty() {
            true => rb.purposes.len(),
            false => count_below(rb, Tree::Purposes, &r.purposes),
        };
        let each = [
            count_below(rb, Tree::Roles, &[r.from]),
            count_below(rb, Tree::Roles, &[r.to]),
            count_below(rb, Tree::Categories, &r.categories),
            purposes,
        ];
        sum.saturating_add(each.iter().fold(1usize, |n, k| n.saturating_mul(*k)))
    })
}

/// Every concrete permission of a rulebook, rule by rule: one per
/// (sender's role, receiver's role, category, purpose) each rule covers.
pub fn atomic_permissions(rb: &Rulebook) -> Vec<Atomic> {
    let mut out = Vec::new();
    for i in 0..rb.rules.len() {
        let rule = RuleId::new(i as u32);
        let c = Covered::of(rb, rule);
        for &from in &c.from {
            for &to in &c.to {
                for &category in &c.categories {
                    for &purpose in &c.purposes {
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
/// (category, purpose), by the ranks of their keys (see [`Ranks`]).
type Point = (u32, u32);
/// A channel set: the keys of the roles an exchange must pass.
type Channel = BTreeSet<String>;

/// The category and purpose keys of both rulebooks, each list sorted: a
/// point compared by ranks sorts as by its keys, and is not two strings
/// made for each of millions of permissions.
struct Ranks {
    categories: Vec<String>,
    purposes: Vec<String>,
}

impl Ranks {
    fn of(rulebooks: [&Rulebook; 2]) -> Ranks {
        let sorted = |mut keys: Vec<String>| {
            keys.sort_unstable();
            keys.dedup();
            keys
        };
        Ranks {
            categories: sorted(
                rulebooks
                    .iter()
                    .flat_map(|rb| rb.categories.iter().map(|c| key(&c.name)))
                    .collect(),
            ),
            purposes: sorted(
                rulebooks
                    .iter()
                    .flat_map(|rb| rb.purposes.iter().map(|p| key(&p.name)))
                    .collect(),
            ),
        }
    }

    fn rank(keys: &[String], k: &str) -> u32 {
        keys.partition_point(|x| x.as_str() < k) as u32
    }

    fn category(&self, rank: u32) -> String {
        self.categories
            .get(rank as usize)
            .cloned()
            .unwrap_or_default()
    }

    fn purpose(&self, rank: u32) -> String {
        self.purposes
            .get(rank as usize)
            .cloned()
            .unwrap_or_default()
    }
}

/// A rulebook's permissions by key: per pair, per point, the channel sets
/// that allow it, with each pair's display names and whether its section
/// governs 特定個人情報; and the same permissions per pair of roles alone,
/// whatever section grants them ([`Keyed::union`]).
struct Keyed {
    order: Vec<PairKey>,
    pairs: HashMap<PairKey, Pair>,
    union: HashMap<UnionKey, BTreeMap<Point, Vec<(Channel, String)>>>,
}

/// One section and pair of roles of [`Keyed`].
struct Pair {
    names: PairNames,
    /// Is the section a `mynumber` one? Its rules then judge
    /// 特定個人情報 (MN101–MN105), an ordinary section's everything else
    /// (MN202/MN203): the two never allow the same exchange.
    mynumber: bool,
    points: BTreeMap<Point, Vec<Channel>>,
    /// Does the pair decide no verdict: an ordinary section's, from a
    /// role that is not the society's? Its permissions are then kept in
    /// `unjudged` only, to tell whether its rules changed.
    inert: bool,
    unjudged: BTreeSet<(Point, Channel)>,
}

/// (mynumber, from, to), by key: what a verdict reads of a permission's
/// section is whether it is a `mynumber` one, never its id, so a
/// permission renumbered or moved between sections of the same kind
/// allows what it did.
type UnionKey = (bool, String, String);

/// How a pair is written: section id, sender and receiver role names.
type PairNames = (String, String, String);

/// The permissions of [`atomic_permissions`], rule by rule, kept by key.
/// A permission of an ordinary section for a category of 特定個人情報 is
/// left out: such data is judged by the `mynumber` sections' rules alone
/// (MN101), so it allows nothing. So is one of an ordinary section whose
/// sender is not the society: an ordinary rule judges only the society's
/// provision (MN202/MN203, `checks::evaluate_provision`), and what it
/// receives needs only a purpose. Their pairs are still listed.
fn keyed(rb: &Rulebook, ranks: &Ranks) -> Keyed {
    let category_rank: Vec<u32> = (rb.categories.iter())
        .map(|c| Ranks::rank(&ranks.categories, &key(&c.name)))
        .collect();
    let purpose_rank: Vec<u32> = (rb.purposes.iter())
        .map(|p| Ranks::rank(&ranks.purposes, &key(&p.name)))
        .collect();
    let role_key: Vec<String> = rb.roles.iter().map(|r| key(&r.name)).collect();
    let mut order = Vec::new();
    let mut pairs: HashMap<PairKey, Pair> = HashMap::new();
    let mut union: HashMap<UnionKey, BTreeMap<Point, Vec<(Channel, String)>>> = HashMap::new();
    for i in 0..rb.rules.len() {
        let rule = RuleId::new(i as u32);
        let r = rb.rule(rule);
        let covered = Covered::of(rb, rule);
        let s = rb.section(r.section);
        let section = &s.id;
        let section_key = key(section);
        let mynumber = s.mynumber;
        let categories: Vec<CategoryId> = (covered.categories.iter())
            .filter(|c| mynumber || !rb.category(**c).mynumber)
            .copied()
            .collect();
        let channel: Channel = r.via.iter().map(|v| role_key[v.index()].clone()).collect();
        for &from in &covered.from {
            for &to in &covered.to {
                let (fk, tk) = (&role_key[from.index()], &role_key[to.index()]);
                let inert = !mynumber && rb.role(from).kind != RoleKind::SelfOrg;
                let pk = (section_key.clone(), fk.clone(), tk.clone());
                let entry = pairs.entry(pk.clone()).or_insert_with(|| {
                    order.push(pk);
                    Pair {
                        names: (
                            section.clone(),
                            rb.role(from).name.clone(),
                            rb.role(to).name.clone(),
                        ),
                        mynumber,
                        points: BTreeMap::new(),
                        inert,
                        unjudged: BTreeSet::new(),
                    }
                });
                if categories.is_empty() {
                    continue;
                }
                if inert {
                    for &category in &categories {
                        for &purpose in &covered.purposes {
                            let point = (
                                category_rank[category.index()],
                                purpose_rank[purpose.index()],
                            );
                            entry.unjudged.insert((point, channel.clone()));
                        }
                    }
                    continue;
                }
                let all = union.entry((mynumber, fk.clone(), tk.clone())).or_default();
                for &category in &categories {
                    for &purpose in &covered.purposes {
                        let point = (
                            category_rank[category.index()],
                            purpose_rank[purpose.index()],
                        );
                        let sets = entry.points.entry(point).or_default();
                        if !sets.contains(&channel) {
                            sets.push(channel.clone());
                        }
                        let sets = all.entry(point).or_default();
                        if !sets.iter().any(|(c, s)| *c == channel && s == section) {
                            sets.push((channel.clone(), section.clone()));
                        }
                    }
                }
            }
        }
    }
    Keyed {
        order,
        pairs,
        union,
    }
}

/// The keys of a rulebook's carrier roles.
fn carriers(rb: &Rulebook) -> BTreeSet<String> {
    (rb.roles.iter())
        .filter(|r| r.kind == RoleKind::Carrier)
        .map(|r| key(&r.name))
        .collect()
}

/// A permission to fold: its channel and tag, category and purpose keys.
type TaggedAtom<T> = ((Channel, T), String, Option<String>, ());

/// Folds points and channels into rule-shaped grants of one pair; each
/// line keeps its tag (what the moved lines say they came from).
fn grants<T: Ord + Clone>(
    rb: &Rulebook,
    names: &Names,
    pair: &PairNames,
    atoms: Vec<TaggedAtom<T>>,
) -> Vec<(Grant, Vec<String>, Vec<String>, T)> {
    let all_purposes = rb.purposes.len();
    fold(atoms, names)
        .into_iter()
        .map(|l| {
            let purposes = names.purposes(&l.purposes);
            let shown = shown_categories(rb, &l.categories);
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
                via: names.via(&l.key.0),
            };
            (grant, l.categories, purposes, l.key.1)
        })
        .collect()
}

/// The categories of a line worth writing. A category is implied by an
/// ancestor on the same line whose whole subtree is on the line: `allow …
/// : P` reads as P and everything below it, so only then may P stand for
/// them. Counted over the category tree's spans, so that a line of n
/// nested categories takes n log n steps, not a walk of every category
/// for every ancestor of every one (20 000: 6.2 s).
fn shown_categories(rb: &Rulebook, line: &[String]) -> Vec<String> {
    let Some(nesting) = rb.nesting(Tree::Categories) else {
        return shown_by_walking(rb, line);
    };
    let spans: Option<Vec<(u32, u32)>> = (line.iter().filter_map(|c| rb.category_named(c)))
        .map(|c| nesting.span(c.index()))
        .collect();
    let Some(mut spans) = spans else {
        return shown_by_walking(rb, line);
    };
    spans.sort_unstable();
    spans.dedup();
    // Whole: every category at or below it is on the line, as many as
    // its span holds. Tops: the whole ones no whole one is above.
    let on_line_within = |(start, end): (u32, u32)| {
        spans.partition_point(|&(s, _)| s < end) - spans.partition_point(|&(s, _)| s < start)
    };
    let mut tops: Vec<(u32, u32)> = Vec::new();
    for &span in &spans {
        let inside = tops.last().is_some_and(|top| span.0 < top.1);
        if !inside && on_line_within(span) == (span.1 - span.0) as usize {
            tops.push(span);
        }
    }
    (line.iter())
        .filter(|c| {
            let Some(span) = rb.category_named(c).and_then(|c| nesting.span(c.index())) else {
                return true;
            };
            let at = tops.partition_point(|&(s, _)| s <= span.0);
            // Hidden below a whole ancestor other than itself.
            !(at > 0
                && tops
                    .get(at - 1)
                    .is_some_and(|&top| top.1 > span.0 && top != span))
        })
        .cloned()
        .collect()
}

/// [`shown_categories`] by walking the tree, for a rulebook whose trees
/// have no spans.
fn shown_by_walking(rb: &Rulebook, line: &[String]) -> Vec<String> {
    let on_line: BTreeSet<CategoryId> = line.iter().filter_map(|c| rb.category_named(c)).collect();
    let complete = |a: CategoryId| {
        (0..rb.categories.len() as u32)
            .map(CategoryId::new)
            .filter(|c| rb.covers(a, *c))
            .all(|c| on_line.contains(&c))
    };
    (line.iter())
        .filter(|c| {
            let Some(id) = rb.category_named(c) else {
                return true;
            };
            !rb.ancestors(id)
                .skip(1)
                .any(|a| on_line.contains(&a) && complete(a))
        })
        .cloned()
        .collect()
}

/// Does channel set `o` allow the smallest exchange through `v`: does
/// it pass every role of `o`, and only roles `o`'s rulebook lets it pass
/// (in `o`, or `passable` there)?
fn allows(o: &Channel, v: &Channel, passable: &impl Fn(&str) -> bool) -> bool {
    o.is_subset(v) && v.iter().all(|r| o.contains(r) || passable(r))
}

/// Compares two rulebooks' permissions per section and pair of roles,
/// and judges every other change that bears on a verdict ([`effects`]).
/// What a pair allows is compared with what the other rulebook allows
/// between the same roles in any section of the same kind, so a
/// permission renumbered or moved to another section is listed as moved,
/// not as allowed anew. `use_target` is how a witness design names the
/// new rulebook. The witnesses are built, not yet run: see
/// [`witness::confirm`]. Refused, with why, when the two grant more than
/// [`MAX_PERMISSIONS`] concrete permissions between them.
pub fn compare(
    old: &Rulebook,
    new: &Rulebook,
    use_target: &str,
) -> Result<Gate, crate::text::Text> {
    let granted = permission_count(old).saturating_add(permission_count(new));
    if granted > MAX_PERMISSIONS {
        return Err(crate::text!(
            "the two rulebooks grant {granted} concrete permissions between them (one per pair of roles, category and purpose their rules cover), more than the {MAX_PERMISSIONS} the safe-change gate compares one by one: a rule naming the tops of deep trees grants their product; compare smaller rulebooks, or name narrower roles, categories and purposes";
            "二つのルールブックが認める個別の許可 (規則が含む役割の組・カテゴリ・利用目的の組み合わせごとに一つ) は合わせて {granted} 件で、安全な変更の判定が一つずつ比べる上限 {MAX_PERMISSIONS} 件を超えています。深い木の頂点を名指す規則は、その積の数だけ許可を認めます。小さなルールブックどうしで比べるか、より狭い役割・カテゴリ・利用目的を名指してください"
        ));
    }
    let ranks = Ranks::of([old, new]);
    let (o, n) = (keyed(old, &ranks), keyed(new, &ranks));
    let (old_names, new_names) = (Names::of(old), Names::of(new));
    let (old_carriers, new_carriers) = (carriers(old), carriers(new));
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
    let flags = Flags::of(old, new);

    let no_points = BTreeMap::new();
    let no_unjudged = BTreeSet::new();
    let mut pairs = Vec::new();
    for pk in keys {
        let (op, np) = (o.pairs.get(pk), n.pairs.get(pk));
        let names = np.or(op).map(|p| p.names.clone()).unwrap_or_default();
        // Roles an exchange of this pair may pass under a rulebook
        // whatever its rule's channel (`Rulebook::rule_channel_passed`).
        let in_pair = |r: &str| r == pk.1 || r == pk.2;
        let old_passable = |r: &str| old_carriers.contains(r) || in_pair(r);
        let new_passable = |r: &str| new_carriers.contains(r) || in_pair(r);
        let mut gained = Vec::new();
        let mut moved = Vec::new();
        let mut lost = Vec::new();
        let atom = |v: &Channel, tag, point: &Point| {
            let (c, p) = (ranks.category(point.0), ranks.purpose(point.1));
            ((v.clone(), tag), c, Some(p), ())
        };
        if let Some(np) = np {
            let before = (o.union)
                .get(&(np.mynumber, pk.1.clone(), pk.2.clone()))
                .unwrap_or(&no_points);
            let same_pair = op.filter(|op| op.mynumber == np.mynumber);
            for (point, nv) in &np.points {
                let others = before.get(point).map_or(&[][..], Vec::as_slice);
                let here =
                    (same_pair.and_then(|op| op.points.get(point))).map_or(&[][..], Vec::as_slice);
                for v in nv {
                    let by: BTreeSet<&String> = (others.iter())
                        .filter(|(c, _)| allows(c, v, &old_passable))
                        .map(|(_, s)| s)
                        .collect();
                    if by.is_empty() {
                        gained.push(atom(v, Vec::new(), point));
                    } else if !here.iter().any(|c| allows(c, v, &old_passable)) {
                        let by: Vec<String> = by.into_iter().cloned().collect();
                        moved.push(atom(v, by, point));
                    }
                }
            }
        }
        if let Some(op) = op {
            let after = (n.union)
                .get(&(op.mynumber, pk.1.clone(), pk.2.clone()))
                .unwrap_or(&no_points);
            for (point, ov) in &op.points {
                let others = after.get(point).map_or(&[][..], Vec::as_slice);
                for v in ov {
                    if !others.iter().any(|(c, _)| allows(c, v, &new_passable)) {
                        lost.push(atom(v, Vec::new(), point));
                    }
                }
            }
        }
        // Inert on both sides (or absent from one) and written otherwise.
        let decides_no_verdict = op.is_none_or(|p| p.inert)
            && np.is_none_or(|p| p.inert)
            && op.map_or(&no_unjudged, |p| &p.unjudged) != np.map_or(&no_unjudged, |p| &p.unjudged);
        let breadth = match (gained.is_empty(), lost.is_empty()) {
            (true, true) => Breadth::Same,
            (true, false) => Breadth::Narrower,
            (false, true) => Breadth::Broader,
            (false, false) => Breadth::Both,
        };
        let because = flags.because(&pk.0, gained.iter().chain(&lost).map(|a| &a.1));
        let newly = grants(new, &new_names, &names, gained);
        let no_longer_allowed = grants(old, &old_names, &names, lost)
            .into_iter()
            .map(|(g, ..)| g)
            .collect();
        let moved = grants(new, &new_names, &names, moved)
            .into_iter()
            .map(|(grant, _, _, before)| Moved { grant, before })
            .collect();
        // A mynumber permission for a category the old rulebook counts as
        // ordinary data is shown by an item marked 特定個人情報: one of
        // that category is not judged as such by the old rulebook.
        let mynumber_pair = np.is_some_and(|p| p.mynumber);
        let witnesses = newly
            .iter()
            .map(|(g, categories, purposes, _)| {
                let marked = mynumber_pair
                    && (g.categories.first().or(categories.first()))
                        .is_some_and(|c| !flags.was_mynumber(old, c));
                let extra = witness::Extra {
                    marked,
                    ..witness::Extra::default()
                };
                witness::build_with(new, use_target, g, categories, purposes, extra)
            })
            .collect();
        pairs.push(PairBreadth {
            section: names.0,
            from: names.1,
            to: names.2,
            breadth,
            because: match breadth {
                Breadth::Same => Vec::new(),
                _ => because,
            },
            newly_allowed: newly.into_iter().map(|(g, ..)| g).collect(),
            no_longer_allowed,
            moved,
            witnesses,
            decides_no_verdict,
        });
    }
    let others = effects::judge(old, new, use_target);
    Ok(Gate { pairs, others })
}

/// The `mynumber` flags of sections and categories that differ between
/// two rulebooks, by key, with the new rulebook's names and flags: why a
/// pair allows what it did not, though no `allow` changed.
struct Flags {
    sections: HashMap<String, (String, bool)>,
    categories: HashMap<String, (String, bool)>,
}

impl Flags {
    fn of(old: &Rulebook, new: &Rulebook) -> Flags {
        fn changed<'a>(
            old: impl Iterator<Item = (&'a String, bool)>,
            new: impl Iterator<Item = (&'a String, bool)>,
        ) -> HashMap<String, (String, bool)> {
            let before: HashMap<String, bool> = old.map(|(n, f)| (key(n), f)).collect();
            new.filter(|(n, f)| before.get(&key(n)).is_some_and(|b| b != f))
                .map(|(n, f)| (key(n), (n.clone(), f)))
                .collect()
        }
        Flags {
            sections: changed(
                old.sections.iter().map(|s| (&s.id, s.mynumber)),
                new.sections.iter().map(|s| (&s.id, s.mynumber)),
            ),
            categories: changed(
                old.categories.iter().map(|c| (&c.name, c.mynumber)),
                new.categories.iter().map(|c| (&c.name, c.mynumber)),
            ),
        }
    }

    /// Is the category named `name` 特定個人情報 in the old rulebook?
    fn was_mynumber(&self, old: &Rulebook, name: &str) -> bool {
        old.category_named(name)
            .is_some_and(|c| old.category(c).mynumber)
    }

    /// Why a pair of section `section` gains or loses the permissions for
    /// `categories` (keys) beyond its `allow` lines: its section's flag,
    /// the flags of those categories. In order, each once.
    fn because<'a>(&self, section: &str, categories: impl Iterator<Item = &'a String>) -> Vec<Why> {
        let mut out = Vec::new();
        if let Some((name, now)) = self.sections.get(section) {
            out.push(Why::SectionMynumber {
                section: name.clone(),
                now: *now,
            });
        }
        let mut seen: BTreeSet<&String> = BTreeSet::new();
        for c in categories {
            if let Some((name, now)) = self.categories.get(c)
                && seen.insert(c)
            {
                out.push(Why::CategoryMynumber {
                    category: name.clone(),
                    now: *now,
                });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::resolve_rulebook;
    use crate::span::FileId;
    use crate::syntax::parse;

    #[test]
    fn categories_hidden_by_a_whole_ancestor_are_those_the_walk_hides() {
        let mut hidden = 0;
        for seed in 0..300u64 {
            let mut next = crate::test_rulebooks::dice(seed, 7);
            let mut src = String::from("rulebook t\nrole A self\nrole B\n");
            for i in 0..10 {
                src.push_str(&format!("category C{i}"));
                if i > 0 && next(4) > 0 {
                    src.push_str(&format!(" in C{}", next(i)));
                }
                src.push('\n');
            }
            src.push_str("section \"1\" { purpose P\n allow A -> B : C0 }\n");
            let rb = load(0, &src);
            let mut line: Vec<String> = (0..10)
                .filter(|_| next(3) > 0)
                .map(|i| format!("C{i}"))
                .collect();
            line.push("未定義".into());
            let shown = shown_categories(&rb, &line);
            assert_eq!(
                shown,
                shown_by_walking(&rb, &line),
                "seed {seed}\n{src}{line:?}"
            );
            hidden += line.len() - shown.len();
        }
        // Some lines hide categories, not all of them.
        assert!((100..2000).contains(&hidden), "{hidden}");
    }

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
            .expect("within the limit")
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
            .expect("within the limit")
            .pairs
            .into_iter()
            .find(|p| p.section == section)
            .expect("the pair")
    }

    /// An ordinary section whose rules let the society receive and give.
    const ORDINARY: &str = "rulebook t\nrole 組合 self\nrole 他機関\n\
        category 健診\ncategory 資格\n\
        section \"8\" { purpose 特定健診\n\
          allow 他機関 -> 組合 : 健診 for 特定健診\n\
          allow 組合 -> 他機関 : 資格 for 特定健診 }\n";

    #[test]
    fn an_ordinary_rule_the_society_does_not_send_by_decides_no_verdict() {
        // Ordinary data the society receives needs only a purpose: the
        // inbound rule allows nothing more or less, removed or widened.
        let without = ORDINARY.replace("allow 他機関 -> 組合 : 健診 for 特定健診\n", "");
        let wider = ORDINARY.replace("組合 : 健診 for", "組合 : 健診, 資格 for");
        for new in [&without, &wider] {
            let p = pair(ORDINARY, new, "8");
            assert_eq!((p.from.as_str(), p.breadth), ("他機関", Breadth::Same));
            assert!(p.decides_no_verdict, "{new}");
            let back = pair(new, ORDINARY, "8");
            assert!(back.decides_no_verdict && back.breadth == Breadth::Same);
        }
        assert!(!pair(ORDINARY, ORDINARY, "8").decides_no_verdict);
        // The society's own provision is judged.
        let no_out = ORDINARY.replace("allow 組合 -> 他機関 : 資格 for 特定健診 ", "");
        assert_eq!(
            verdicts(ORDINARY, &no_out),
            ["8 他機関 -> 組合 same", "8 組合 -> 他機関 narrower"]
        );
        // Made `self`, the sender's rule decides verdicts: allowed anew.
        let made_self = ORDINARY.replace("role 他機関\n", "role 他機関 self\n");
        assert_eq!(
            verdicts(ORDINARY, &made_self),
            ["8 他機関 -> 組合 broader", "8 組合 -> 他機関 same"]
        );
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
    fn a_party_named_as_the_channel_is_passable_only_where_a_rule_names_it() {
        // 窓口 is no carrier: an exchange passing it is allowed only by a
        // rule that routes through it, so naming it allows something new
        // (passing it) as well as requiring it (narrower).
        let with_party = BASE.replace("role 中間 carrier\n", "role 中間 carrier\nrole 窓口\n");
        let through = with_party.replace("for 認定 via NW", "for 認定 via NW, 窓口");
        let p = pair(&with_party, &through, "7(1)");
        assert_eq!(p.breadth, Breadth::Both);
        assert_eq!(
            p.newly_allowed[0].to_allow(),
            "allow 他機関 -> 組合 : 課税, 住民票 for 認定 via NW, 窓口"
        );
        // A carrier added to the channel only requires it.
        let carrier = with_party.replace("for 認定 via NW", "for 認定 via NW, 中間");
        assert_eq!(
            pair(&with_party, &carrier, "7(1)").breadth,
            Breadth::Narrower
        );
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
        assert_eq!(permission_count(&rb), n);
    }

    #[test]
    fn permissions_are_counted_as_many_as_are_expanded_on_trees() {
        // Roles, categories and purposes in trees; rules naming several
        // nested ones at once (counted once each), and none.
        let rb = load(
            0,
            "rulebook t\nrole 組合 self\nrole 他機関\nrole 市町村 in 他機関\nrole 区 in 市町村\n\
             role NW carrier\ncategory 個人\ncategory 税 in 個人\ncategory 住民 in 個人\n\
             category 所得 in 税\nsection \"1\" { purpose 給付\n purpose 高額 in 給付\n purpose 認定\n\
             allow 他機関 -> 組合 : 個人, 税 for 給付, 高額\n\
             allow 組合 -> 市町村 : 税, 住民 via NW\n\
             allow 区 <-> 組合 : 所得 for 認定, 高額 }\n",
        );
        let expanded = atomic_permissions(&rb);
        // 3 senders × 4 categories × 2 purposes; 2 receivers × 3 × 3;
        // both ways, 1 × 1 × 2.
        assert_eq!(expanded.len(), 24 + 18 + 2 + 2);
        assert_eq!(permission_count(&rb), expanded.len());
    }

    #[test]
    fn a_change_granting_more_than_the_gate_compares_is_refused() {
        // Each n(n + 1)(n + 2)/6, n = 310 (see `crossed`).
        let src = crate::test_rulebooks::crossed(310);
        let old = load(0, &src);
        assert_eq!(permission_count(&old), 5_013_320);
        let new = load(1, &src.replace("\n}\n", "\n  allow R0 -> 組合 : C\n}\n"));
        let Err(why) = compare(&old, &new, "new.myna") else {
            panic!("refused")
        };
        // Twice that, and the new rule's 310 senders × 310 purposes.
        assert!(
            why.en.contains("grant 10122740 concrete permissions"),
            "{}",
            why.en
        );
        assert!(why.ja.contains("10122740 件"), "{}", why.ja);
    }
}
