//! Changes other than `allow` rules that widen or narrow what is allowed:
//! the kind of a role (`self`, `carrier`, `subject`, `contractor`), whether
//! a category is 特定個人情報, the contractor register, the required
//! clauses. The checks read each of them (which exchanges are judged at
//! all, which rules judge them, who may be passed on the way, MN301–MN303),
//! so a change to any can turn a finding into `ok` with no `allow` line
//! changed. Where the exact set of exchanges is out of reach, the verdict
//! errs towards "allows more": the gate must not pass a widening.
//!
//! A change of a section's `mynumber` flag is not here: its rules' pairs
//! show exactly what it allows anew ([`super::gate`]), with the flag as
//! the reason.

use super::Grant;
use super::gate::Breadth;
use super::witness::{self, Extra, Witness};
use crate::model::*;
use crate::names::key;
use serde::{Serialize, Serializer};
use std::collections::{BTreeSet, HashMap, HashSet};

/// Why a change widens or narrows what is allowed. Worded by the command
/// (en/ja); the names are the new rulebook's (the old one's when removed).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Why {
    /// A section is now (or no longer) `mynumber`: its rules allow
    /// 特定個人情報 under 番号法, or ordinary data only.
    SectionMynumber {
        /// The section id.
        section: String,
        /// Is it `mynumber` in the new rulebook?
        now: bool,
    },
    /// A category is now (or no longer) 特定個人情報.
    CategoryMynumber {
        /// The category.
        category: String,
        /// Is it `mynumber` in the new rulebook?
        now: bool,
    },
    /// A role's kind changed.
    RoleKind {
        /// The role.
        role: String,
        /// Its kind in the old rulebook.
        #[serde(serialize_with = "kind_name")]
        old: RoleKind,
        /// Its kind in the new rulebook.
        #[serde(serialize_with = "kind_name")]
        new: RoleKind,
    },
    /// The purposes a register entry is registered for changed (rows
    /// added, removed or changed, or the purpose or role tree moved).
    Register {
        /// The legal name, or for `contractor role` entries the role.
        entry: String,
        /// Registered by role (every actor of the role and its sub-roles)?
        by_role: bool,
        /// Purposes it is registered for now and was not.
        gained: Vec<String>,
        /// Purposes it was registered for and is not now.
        lost: Vec<String>,
    },
    /// A required clause was removed (or added).
    Clause {
        /// The clause.
        clause: String,
        /// Is it required in the new rulebook?
        now: bool,
    },
}

fn kind_name<S: Serializer>(k: &RoleKind, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(k.as_str())
}

/// One change other than `allow` rules and what it does to what is
/// allowed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Effect {
    /// Broader, narrower or both (never the same: such changes are not
    /// listed).
    pub breadth: Breadth,
    /// The change and why it bears on verdicts.
    pub why: Why,
    /// A smallest flow that the new rulebook accepts and the old one
    /// rejects, when one of the candidates is ([`witness::confirm`]).
    pub witness: Option<Witness>,
    /// The designs tried for a witness, built and not yet run.
    #[serde(skip)]
    pub candidates: Vec<Witness>,
}

/// Candidate witnesses tried per change, at most: a few designs checked
/// against both rulebooks, not one per rule of a large rulebook.
const CANDIDATES: usize = 12;

/// Every change other than `allow` rules that bears on what is allowed, in
/// the order roles, categories, register, clauses (each in the new
/// rulebook's order, removed ones after).
pub fn judge(old: &Rulebook, new: &Rulebook, use_target: &str) -> Vec<Effect> {
    let mut out = Vec::new();
    let old_roles: HashMap<String, RoleKind> =
        (old.roles.iter()).map(|r| (key(&r.name), r.kind)).collect();
    for (i, r) in new.roles.iter().enumerate() {
        let Some(&was) = old_roles.get(&key(&r.name)) else {
            continue;
        };
        if was == r.kind {
            continue;
        }
        let breadth = kind_breadth(was, r.kind);
        let candidates = match breadth.broadens() {
            true => role_candidates(new, RoleId::new(i as u32), use_target),
            false => Vec::new(),
        };
        out.push(effect(
            breadth,
            Why::RoleKind {
                role: r.name.clone(),
                old: was,
                new: r.kind,
            },
            candidates,
        ));
    }
    let old_categories: HashMap<String, bool> = (old.categories.iter())
        .map(|c| (key(&c.name), c.mynumber))
        .collect();
    for (i, c) in new.categories.iter().enumerate() {
        match old_categories.get(&key(&c.name)) {
            Some(&was) if was != c.mynumber => {}
            _ => continue,
        }
        // No longer 特定個人情報: provision by another party to the society,
        // by a contractor, and internal use beyond purpose (MN402) are no
        // longer judged, whatever the rules say. Now 特定個人情報: judged
        // by the mynumber rules, where an ordinary rule allowed it.
        let (breadth, candidates) = match c.mynumber {
            false => (
                Breadth::Broader,
                category_candidates(new, CategoryId::new(i as u32), use_target),
            ),
            true => (Breadth::Narrower, Vec::new()),
        };
        let why = Why::CategoryMynumber {
            category: c.name.clone(),
            now: c.mynumber,
        };
        out.push(effect(breadth, why, candidates));
    }
    register(old, new, use_target, &mut out);
    clauses(old, new, &mut out);
    out
}

fn effect(breadth: Breadth, why: Why, candidates: Vec<Witness>) -> Effect {
    Effect {
        breadth,
        why,
        witness: None,
        candidates,
    }
}

/// What a change of a role's kind does. Every kind has exchanges it lets
/// through that another judges, and the other way round, except that a
/// `subject` is an ordinary party the society may give its own data to:
/// provision to it is internal use (MN202), it is no party on the way,
/// and a contractor passing data to it passes nothing on (MN302).
fn kind_breadth(old: RoleKind, new: RoleKind) -> Breadth {
    match (old, new) {
        (RoleKind::Party, RoleKind::Subject) => Breadth::Broader,
        (RoleKind::Subject, RoleKind::Party) => Breadth::Narrower,
        _ => Breadth::Both,
    }
}

/// The first category of each kind that rule-less witnesses carry:
/// 特定個人情報 and ordinary data.
fn first_categories(rb: &Rulebook) -> Vec<CategoryId> {
    let mut out = Vec::new();
    for flag in [true, false] {
        if let Some(i) = rb.categories.iter().position(|c| c.mynumber == flag) {
            out.push(CategoryId::new(i as u32));
        }
    }
    out
}

/// A candidate witness: one flow of `category` from `from` to `to` for
/// `purpose` through `via`.
struct Shape {
    from: RoleId,
    to: RoleId,
    category: CategoryId,
    purpose: PurposeId,
    via: Vec<RoleId>,
    extra: Extra,
}

fn built(rb: &Rulebook, use_target: &str, s: Shape) -> Witness {
    let grant = Grant {
        section: String::new(),
        from: rb.role(s.from).name.clone(),
        to: rb.role(s.to).name.clone(),
        categories: vec![rb.category(s.category).name.clone()],
        purposes: vec![rb.purpose(s.purpose).name.clone()],
        via: s.via.iter().map(|v| rb.role(*v).name.clone()).collect(),
    };
    let (categories, purposes) = (grant.categories.clone(), grant.purposes.clone());
    witness::build_with(rb, use_target, &grant, &categories, &purposes, s.extra)
}

/// The rules of `rb` whose permissions are alive (a rule of an ordinary
/// section for 特定個人情報 only allows nothing), each with its first
/// category that is, and its first purpose (any declared one when it
/// names none).
fn living_rules(rb: &Rulebook) -> impl Iterator<Item = (RuleId, CategoryId, PurposeId)> + '_ {
    (0..rb.rules.len()).filter_map(move |i| {
        let id = RuleId::new(i as u32);
        let r = rb.rule(id);
        let mynumber = rb.section(r.section).mynumber;
        let category = (r.categories.iter()).find(|c| mynumber || !rb.category(**c).mynumber)?;
        let purpose = match r.purposes.first() {
            Some(p) => *p,
            None if rb.purposes.is_empty() => return None,
            None => PurposeId::new(0),
        };
        Some((id, *category, purpose))
    })
}

/// Flows that a role's new kind may let through: each rule's smallest
/// exchange passing the role on the way, each rule's exchange with the
/// role as its sender or receiver, and an exchange between the role and
/// each of the society's systems with no rule at all.
fn role_candidates(rb: &Rulebook, role: RoleId, use_target: &str) -> Vec<Witness> {
    let mut shapes = Vec::new();
    for (id, category, purpose) in living_rules(rb) {
        let r = rb.rule(id);
        if !rb.role_covers(r.from, role) && !rb.role_covers(r.to, role) {
            let mut via = r.via.clone();
            via.push(role);
            shapes.push((r.from, r.to, category, purpose, via));
        }
        if rb.role_covers(r.to, role) && r.to != role {
            shapes.push((r.from, role, category, purpose, r.via.clone()));
        }
        if rb.role_covers(r.from, role) && r.from != role {
            shapes.push((role, r.to, category, purpose, r.via.clone()));
        }
    }
    let selves: Vec<RoleId> = (rb.roles_of_kind(RoleKind::SelfOrg))
        .filter(|s| *s != role)
        .collect();
    if let Some(purpose) = (!rb.purposes.is_empty()).then(|| PurposeId::new(0)) {
        for s in selves.iter().take(2) {
            for c in first_categories(rb) {
                shapes.push((*s, role, c, purpose, Vec::new()));
                shapes.push((role, *s, c, purpose, Vec::new()));
            }
        }
    }
    // The first few of each sort, then the rest.
    interleave(shapes)
        .into_iter()
        .take(CANDIDATES)
        .map(|(from, to, category, purpose, via)| {
            let shape = Shape {
                from,
                to,
                category,
                purpose,
                via,
                extra: Extra::default(),
            };
            built(rb, use_target, shape)
        })
        .collect()
}

/// Candidate shapes with repeats removed, in their order.
fn interleave<T: PartialEq>(shapes: Vec<T>) -> Vec<T> {
    let mut out: Vec<T> = Vec::new();
    for s in shapes {
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

/// Flows of a category no longer 特定個人情報 that the mynumber rules
/// judged and the ordinary ones do not: from another party to each of the
/// society's systems.
fn category_candidates(rb: &Rulebook, category: CategoryId, use_target: &str) -> Vec<Witness> {
    if rb.purposes.is_empty() {
        return Vec::new();
    }
    let selves: Vec<RoleId> = rb.roles_of_kind(RoleKind::SelfOrg).take(2).collect();
    let senders = (rb.roles_of_kind(RoleKind::Party)).chain(rb.roles_of_kind(RoleKind::Contractor));
    let mut out = Vec::new();
    for from in senders.take(CANDIDATES / 2) {
        for &to in &selves {
            let shape = Shape {
                from,
                to,
                category,
                purpose: PurposeId::new(0),
                via: Vec::new(),
                extra: Extra::default(),
            };
            out.push(built(rb, use_target, shape));
        }
    }
    out.truncate(CANDIDATES);
    out
}

/// A legal name no entry of either register has, for the actor of a
/// witness that must be registered by its role alone.
fn unregistered_name(old: &Rulebook, new: &Rulebook) -> String {
    let mut name = "未登録の委託先".to_string();
    let mut i = 2;
    while old.contractor_named(&name).is_some() || new.contractor_named(&name).is_some() {
        name = format!("未登録の委託先{i}");
        i += 1;
    }
    name
}

/// Purposes put into expanded register sets so far in this process: what
/// a test holds to the size of the change, not entries × purposes.
static EXPANDED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// How many purposes [`judge`] has listed, over every register entry it
/// had to expand, since the process started (a count for tests).
pub fn expanded_purposes() -> usize {
    EXPANDED.load(std::sync::atomic::Ordering::Relaxed)
}

/// A rulebook's register, read for comparing: each entry by key, and the
/// purpose tree to expand an entry's rows into every purpose it is
/// registered for, only for the entries whose rows or tree changed.
///
/// Expanding every entry (the purposes above and below each row's, as
/// [`Rulebook::entry_registered`] reads them) was entries × purposes
/// copied strings: on a purpose tree with a contractor at every level,
/// gigabytes (the scale audit's D9).
struct Register<'a> {
    rb: &'a Rulebook,
    /// Legal name's key → (name as written, entry).
    by_name: HashMap<String, (String, ContractorId)>,
    /// Each purpose's key, by id.
    keys: Vec<String>,
    /// Each purpose's sub-purposes, by id.
    children: Vec<Vec<PurposeId>>,
}

impl<'a> Register<'a> {
    fn of(rb: &'a Rulebook) -> Register<'a> {
        let keys: Vec<String> = rb.purposes.iter().map(|p| key(&p.name)).collect();
        let mut children = vec![Vec::new(); rb.purposes.len()];
        for (i, p) in rb.purposes.iter().enumerate() {
            if let Some(c) = p.parent.and_then(|q| children.get_mut(q.index())) {
                c.push(PurposeId::new(i as u32));
            }
        }
        let mut by_name = HashMap::new();
        for (i, c) in rb.contractors.iter().enumerate() {
            if c.role.is_none() {
                let id = ContractorId::new(i as u32);
                by_name.insert(key(&c.legal_name), (c.legal_name.clone(), id));
            }
        }
        Register {
            rb,
            by_name,
            keys,
            children,
        }
    }

    /// The keys of the purposes an entry's rows name.
    fn named(&self, id: ContractorId) -> BTreeSet<&str> {
        (self.rb.contractors.get(id.index()).into_iter())
            .flat_map(|c| &c.purposes)
            .filter_map(|p| self.keys.get(p.index()).map(String::as_str))
            .collect()
    }

    /// Every purpose (by key) the entries are registered for: each row's
    /// purpose, those above it and those below it. Costs what it finds
    /// (each subtree walked once), not the rulebook's purposes.
    fn expanded(&self, entries: impl Iterator<Item = ContractorId>) -> BTreeSet<String> {
        // In the set; and the purposes whose subtree was taken.
        let (mut seen, mut below) = (HashSet::new(), HashSet::new());
        let mut stack: Vec<PurposeId> = Vec::new();
        for id in entries {
            for &p in self
                .rb
                .contractors
                .get(id.index())
                .into_iter()
                .flat_map(|c| &c.purposes)
            {
                // Above: stop at one already in, whose own ancestors are.
                for a in self.rb.purpose_ancestors(p).skip(1) {
                    if !seen.insert(a.index()) {
                        break;
                    }
                }
                stack.push(p);
                while let Some(q) = stack.pop() {
                    if !below.insert(q.index()) {
                        continue;
                    }
                    seen.insert(q.index());
                    stack.extend(self.children.get(q.index()).into_iter().flatten().copied());
                }
            }
        }
        EXPANDED.fetch_add(seen.len(), std::sync::atomic::Ordering::Relaxed);
        (seen.into_iter())
            .filter_map(|i| self.keys.get(i).cloned())
            .collect()
    }

    /// The purpose tree by key: each purpose's parent; None when two
    /// purposes share a key (then nothing is taken as unchanged).
    fn tree(&self) -> Option<HashMap<&str, Option<&str>>> {
        let mut out = HashMap::with_capacity(self.keys.len());
        for (k, p) in self.keys.iter().zip(&self.rb.purposes) {
            let parent = p
                .parent
                .and_then(|q| self.keys.get(q.index()))
                .map(String::as_str);
            if out.insert(k.as_str(), parent).is_some() {
                return None;
            }
        }
        Some(out)
    }

    /// The role tree by key, with each role's own `contractor role` entry
    /// (the purposes its rows name); None when two roles share a key.
    #[allow(clippy::type_complexity)]
    fn roles(&self) -> Option<HashMap<String, (Option<String>, Option<BTreeSet<&str>>)>> {
        let rb = self.rb;
        let mut out = HashMap::with_capacity(rb.roles.len());
        for (i, r) in rb.roles.iter().enumerate() {
            let id = RoleId::new(i as u32);
            let parent = r.parent.map(|p| key(&rb.role(p).name));
            let entry = rb.role_contractors.get(&id).map(|c| self.named(*c));
            if out.insert(key(&r.name), (parent, entry)).is_some() {
                return None;
            }
        }
        Some(out)
    }
}

/// The purposes (by key) gained and lost from `before` to `after`.
fn gained_lost(before: &BTreeSet<String>, after: &BTreeSet<String>) -> (Vec<String>, Vec<String>) {
    (
        after.difference(before).cloned().collect(),
        before.difference(after).cloned().collect(),
    )
}

/// The register's changes: per legal name, and per role when either has
/// an entry by role (a sub-role only where it differs from its parent).
/// An entry whose rows name the same purposes in two rulebooks with the
/// same purpose tree is registered for the same purposes: it is not
/// expanded.
fn register(old: &Rulebook, new: &Rulebook, use_target: &str, out: &mut Vec<Effect>) {
    let by_role = old.contractors.iter().any(|c| c.role.is_some())
        || new.contractors.iter().any(|c| c.role.is_some());
    let (before, after) = (Register::of(old), Register::of(new));
    let same_tree = before.tree().is_some_and(|t| after.tree() == Some(t));
    // A purpose's place in its rulebook and name, by key, built once: lists
    // are in the rulebook's order.
    let places = |rb: &Rulebook| -> HashMap<String, (usize, String)> {
        let mut m = HashMap::with_capacity(rb.purposes.len());
        for (i, p) in rb.purposes.iter().enumerate() {
            m.entry(key(&p.name)).or_insert_with(|| (i, p.name.clone()));
        }
        m
    };
    let (old_places, new_places) = (places(old), places(new));
    let purpose_name = |rb: &Rulebook, k: &str| {
        let m = if std::ptr::eq(rb, new) {
            &new_places
        } else {
            &old_places
        };
        m.get(k)
            .cloned()
            .unwrap_or_else(|| (usize::MAX, k.to_string()))
    };
    let delta = |o: Option<ContractorId>, n: Option<ContractorId>| {
        if let (Some(o), Some(n)) = (o, n)
            && same_tree
            && before.named(o) == after.named(n)
        {
            return (Vec::new(), Vec::new());
        }
        let (os, ns) = (
            before.expanded(o.into_iter()),
            after.expanded(n.into_iter()),
        );
        gained_lost(&os, &ns)
    };
    // Legal names: the new register's order, then those only in the old.
    let mut names: Vec<(String, String)> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for rb in [new, old] {
        for c in rb.contractors.iter().filter(|c| c.role.is_none()) {
            let k = key(&c.legal_name);
            if seen.insert(k.clone()) {
                names.push((k, c.legal_name.clone()));
            }
        }
    }
    for (k, name) in names {
        let (o, n) = (before.by_name.get(&k), after.by_name.get(&k));
        let (gained, lost) = delta(o.map(|x| x.1), n.map(|x| x.1));
        let shape = |p: &str| {
            let purpose = new.purpose_named(p)?;
            Some((purpose, Extra::labelled(name.clone())))
        };
        let candidates = gained.iter().filter_map(|p| shape(p));
        let candidates = entrusting(new, use_target, None, candidates);
        push_register(
            out,
            (old, new),
            (name, false),
            (gained, lost),
            candidates,
            &purpose_name,
        );
    }
    if !by_role {
        return;
    }
    let unregistered = unregistered_name(old, new);
    let mut deltas: HashMap<String, (Vec<String>, Vec<String>)> = HashMap::new();
    let mut roles: Vec<(String, String)> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for rb in [new, old] {
        for r in &rb.roles {
            let k = key(&r.name);
            if seen.insert(k.clone()) {
                roles.push((k, r.name.clone()));
            }
        }
    }
    // The same role tree with the same entries by role, over the same
    // purpose tree: every role is registered for what it was.
    let same_roles = same_tree && before.roles().is_some_and(|r| after.roles() == Some(r));
    if same_roles {
        return;
    }
    // A role is registered by its own entry and its ancestors'.
    let role_ids = |rb: &Rulebook| -> HashMap<String, RoleId> {
        (rb.roles.iter().enumerate())
            .map(|(i, r)| (key(&r.name), RoleId::new(i as u32)))
            .collect()
    };
    let (old_ids, new_ids) = (role_ids(old), role_ids(new));
    let role_set = |reg: &Register, ids: &HashMap<String, RoleId>, k: &str| match ids.get(k) {
        Some(r) => reg.expanded(reg.rb.role_entries(*r)),
        None => BTreeSet::new(),
    };
    for (k, _) in &roles {
        let d = gained_lost(
            &role_set(&before, &old_ids, k),
            &role_set(&after, &new_ids, k),
        );
        deltas.insert(k.clone(), d);
    }
    for (k, name) in roles {
        let Some((gained, lost)) = deltas.get(&k).cloned() else {
            continue;
        };
        // A sub-role whose change is its parent's, inherited: said once.
        let parent = (new.role_named(&name))
            .and_then(|r| new.role(r).parent)
            .map(|p| key(&new.role(p).name));
        if parent.is_some_and(|p| deltas.get(&p) == Some(&(gained.clone(), lost.clone()))) {
            continue;
        }
        let role = new.role_named(&name);
        let candidates = gained.iter().filter_map(|p| {
            let purpose = new.purpose_named(p)?;
            Some((purpose, Extra::labelled(unregistered.clone())))
        });
        let candidates = entrusting(new, use_target, role, candidates);
        push_register(
            out,
            (old, new),
            (name, true),
            (gained, lost),
            candidates,
            &purpose_name,
        );
    }
}

fn push_register(
    out: &mut Vec<Effect>,
    (old, new): (&Rulebook, &Rulebook),
    (entry, by_role): (String, bool),
    (gained, lost): (Vec<String>, Vec<String>),
    candidates: Vec<Witness>,
    purpose_name: &dyn Fn(&Rulebook, &str) -> (usize, String),
) {
    let names = |rb: &Rulebook, keys: &[String]| {
        let mut named: Vec<(usize, String)> = keys.iter().map(|k| purpose_name(rb, k)).collect();
        named.sort();
        named.into_iter().map(|(_, n)| n).collect()
    };
    let breadth = match (gained.is_empty(), lost.is_empty()) {
        (true, true) => return,
        (true, false) => Breadth::Narrower,
        (false, true) => Breadth::Broader,
        (false, false) => Breadth::Both,
    };
    let why = Why::Register {
        entry,
        by_role,
        gained: names(new, &gained),
        lost: names(old, &lost),
    };
    out.push(effect(breadth, why, candidates));
}

/// Flows by which the society entrusts data for each given purpose to a
/// contractor (of `role`, when given), under a rule of `rb` that allows
/// it: the receiver's actor as `extra` says.
fn entrusting(
    rb: &Rulebook,
    use_target: &str,
    role: Option<RoleId>,
    wanted: impl Iterator<Item = (PurposeId, Extra)>,
) -> Vec<Witness> {
    let mut out = Vec::new();
    for (purpose, extra) in wanted {
        let found = living_rules(rb).find_map(|(id, category, _)| {
            let r = rb.rule(id);
            if !rb.rule_allows_purpose(id, purpose) || rb.role(r.from).kind != RoleKind::SelfOrg {
                return None;
            }
            let to = match role {
                Some(role) if rb.role_covers(r.to, role) => role,
                Some(_) => return None,
                None if rb.role(r.to).kind == RoleKind::Contractor => r.to,
                None => return None,
            };
            Some((r.from, to, category, r.via.clone()))
        });
        if let Some((from, to, category, via)) = found {
            let shape = Shape {
                from,
                to,
                category,
                purpose,
                via,
                extra,
            };
            out.push(built(rb, use_target, shape));
        }
        if out.len() >= CANDIDATES {
            break;
        }
    }
    out
}

/// Required clauses removed (broader: a contract without them passes
/// MN303) and added (narrower).
fn clauses(old: &Rulebook, new: &Rulebook, out: &mut Vec<Effect>) {
    let keys =
        |rb: &Rulebook| -> BTreeSet<String> { rb.clauses.iter().map(|c| key(&c.name)).collect() };
    let (before, after) = (keys(old), keys(new));
    for c in &new.clauses {
        if !before.contains(&key(&c.name)) {
            let why = Why::Clause {
                clause: c.name.clone(),
                now: true,
            };
            out.push(effect(Breadth::Narrower, why, Vec::new()));
        }
    }
    // No witness: MN303 is a warning, and a witness shows an error gone.
    for c in &old.clauses {
        if after.contains(&key(&c.name)) {
            continue;
        }
        let why = Why::Clause {
            clause: c.name.clone(),
            now: false,
        };
        out.push(effect(Breadth::Broader, why, Vec::new()));
    }
}
