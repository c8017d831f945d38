//! `mynaflow rules diff`: what a rulebook change allows or forbids, and which
//! flows of a corpus of designs change verdict.
//!
//! Two rulebooks are compared by meaning, never by position: every
//! declaration is matched by its name's key ([`crate::names::key`]: NFKC, white
//! space removed), sections by their id. An `allow` has no name, and one
//! section often holds several rules between the same two roles (7(1) has
//! five 他機関 -> 組合 rules), so allowances are compared as **atomic
//! permissions**: each rule is expanded into one
//! (section, from, to, category, purpose, via-set) per category and purpose
//! it names, and the two sets of atoms are diffed. A rule split in two, two
//! rules merged, or names reordered therefore give no change; a purpose
//! dropped from a rule gives exactly the atoms it permitted. For output the
//! atoms are folded back into `allow` lines, grouped by section and pair of
//! roles, so every line reads as the rule it adds or removes.
//!
//! [`impact`] checks a corpus against both rulebooks and lists the flows
//! whose findings differ. [`gate`] states, per section and pair of roles,
//! whether the new rulebook allows the same, less, more or some of each,
//! with the smallest flow for everything newly allowed ([`witness`]), and
//! [`effects`] what every other change that bears on a verdict does (role
//! kinds, `mynumber` categories, the register, clauses).

pub mod effects;
pub mod gate;
pub mod witness;

use crate::code::Code;
use crate::model::*;
use crate::names::key;
use crate::session::{Checked, RulebookSource, Session, collect_files};
use crate::source::SourceFile;
use crate::span::{FileId, Span};
use crate::syntax::token::Keyword;
use crate::syntax::tokens::Copies;
use crate::timings::Timings;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

/// What kind of declaration a change is about. The order is the order of
/// the groups in the output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// The `rulebook` header.
    Rulebook,
    /// A `role`.
    Role,
    /// A `category`.
    Category,
    /// A `section` header.
    Section,
    /// A `purpose`.
    Purpose,
    /// Permissions of `allow` rules.
    Allow,
    /// A row of the contractor register.
    Contractor,
    /// A required `clause`.
    Clause,
}

impl Kind {
    /// Every kind, in output order.
    pub const ALL: [Kind; 8] = [
        Kind::Rulebook,
        Kind::Role,
        Kind::Category,
        Kind::Section,
        Kind::Purpose,
        Kind::Allow,
        Kind::Contractor,
        Kind::Clause,
    ];

    /// `role`, `allow`, … as in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Rulebook => "rulebook",
            Kind::Role => "role",
            Kind::Category => "category",
            Kind::Section => "section",
            Kind::Purpose => "purpose",
            Kind::Allow => "allow",
            Kind::Contractor => "contractor",
            Kind::Clause => "clause",
        }
    }
}

/// Added, removed, or changed in one aspect.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    /// Only in the old rulebook.
    Removed,
    /// Only in the new rulebook.
    Added,
    /// In both, with one aspect different.
    Changed,
}

impl Op {
    /// `removed`, `added` or `changed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Removed => "removed",
            Op::Added => "added",
            Op::Changed => "changed",
        }
    }

    /// The marker of a line of human output: `-`, `+` or `~`.
    pub fn marker(self) -> char {
        match self {
            Op::Removed => '-',
            Op::Added => '+',
            Op::Changed => '~',
        }
    }
}

/// The aspect of a declaration that changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Aspect {
    /// The rulebook's name.
    Name,
    /// A rulebook's or section's title.
    Title,
    /// The rulebook's revision date.
    Revised,
    /// A role's flag (`self`, `carrier`, `subject`, `contractor`, or none).
    Flag,
    /// A role's, category's or purpose's parent (`in PARENT`).
    Parent,
    /// Whether a category or section is 特定個人情報 (`mynumber`).
    Mynumber,
    /// A section's legal basis.
    Basis,
    /// A purpose's or clause's label (the notice's wording).
    Label,
    /// The section that declares a purpose.
    Section,
    /// The purposes a contractor is registered for.
    Purposes,
    /// The roles a permission must pass through.
    Via,
}

impl Aspect {
    /// `flag`, `parent`, … as in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Aspect::Name => "name",
            Aspect::Title => "title",
            Aspect::Revised => "revised",
            Aspect::Flag => "flag",
            Aspect::Parent => "parent",
            Aspect::Mynumber => "mynumber",
            Aspect::Basis => "basis",
            Aspect::Label => "label",
            Aspect::Section => "section",
            Aspect::Purposes => "purposes",
            Aspect::Via => "via",
        }
    }
}

/// A permission of `allow` rules, folded back into the shape of a rule:
/// every category with every purpose, through every `via` role.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Grant {
    /// The section id.
    pub section: String,
    /// Sender role.
    pub from: String,
    /// Receiver role.
    pub to: String,
    /// Categories.
    pub categories: Vec<String>,
    /// Purposes; empty means any declared purpose.
    pub purposes: Vec<String>,
    /// Roles the exchange must pass through.
    pub via: Vec<String>,
}

impl Grant {
    /// The grant as an `allow` statement.
    pub fn to_allow(&self) -> String {
        let mut s = format!(
            "allow {} -> {} : {}",
            shown(&self.from),
            shown(&self.to),
            shown_list(&self.categories)
        );
        if !self.purposes.is_empty() {
            s.push_str(" for ");
            s.push_str(&shown_list(&self.purposes));
        }
        if !self.via.is_empty() {
            s.push_str(" via ");
            s.push_str(&shown_list(&self.via));
        }
        s
    }
}

/// The value of one side of a change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Value {
    /// A text: a label, title, date, flag, parent or section id; for an
    /// added or removed declaration, the declaration as the rulebook
    /// language writes it.
    Text(String),
    /// A yes/no aspect (`mynumber`).
    Flag(bool),
    /// A list of names (a contractor's purposes, a permission's via roles).
    Names(Vec<String>),
    /// A permission.
    Grant(Grant),
}

/// One difference between two rulebooks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// What kind of declaration.
    pub kind: Kind,
    /// Added, removed or changed.
    pub op: Op,
    /// For a change, the aspect that differs.
    pub aspect: Option<Aspect>,
    /// What the change is about, by name: the role, category, purpose or
    /// clause name, the section id, the contractor's legal name, the
    /// rulebook's name, or `7(1) 他機関 -> 組合` for a permission.
    pub subject: String,
    /// The section a purpose or permission belongs to (in the new rulebook
    /// when it is there).
    pub section: Option<String>,
    /// The old side (None when added, or when the aspect was absent).
    pub old: Option<Value>,
    /// The new side (None when removed, or when the aspect is absent).
    pub new: Option<Value>,
    /// The declaration in the old rulebook.
    pub old_span: Option<Span>,
    /// The declaration in the new rulebook.
    pub new_span: Option<Span>,
}

/// What changed from one rulebook to another, in output order: by kind,
/// then in the order of the documents (the new one's, with what was
/// removed placed after what preceded it in the old one).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RuleDiff {
    /// The changes.
    pub changes: Vec<Change>,
}

impl RuleDiff {
    /// No change at all?
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// How many changes have this op.
    pub fn count(&self, op: Op) -> usize {
        self.changes.iter().filter(|c| c.op == op).count()
    }
}

/// A name as the rulebook language writes it: bare when it can be, else
/// quoted.
pub fn shown(name: &str) -> String {
    let bare = !name.is_empty()
        && Keyword::from_word(name).is_none()
        && !name.contains("->")
        && !name
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "#:,{}()\"→".contains(c));
    if bare { name.to_string() } else { quoted(name) }
}

fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn shown_list(names: &[String]) -> String {
    names
        .iter()
        .map(|n| shown(n))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Where each key stands in the merged order of two documents: the new
/// document's order, with keys only in the old one placed right after the
/// nearest key that precedes them in the old document and is kept.
struct Order(HashMap<String, Pos>);

/// A position in a merged order (see [`Order`]).
type Pos = (i64, u8, usize);

impl Order {
    fn new(old: &[String], new: &[String]) -> Order {
        let mut map = HashMap::new();
        for (i, k) in new.iter().enumerate() {
            map.entry(k.clone()).or_insert((i as i64, 0, 0));
        }
        let mut anchor = -1i64;
        for (i, k) in old.iter().enumerate() {
            match map.get(k) {
                Some(&(pos, 0, _)) => anchor = pos,
                Some(_) => {}
                None => {
                    map.insert(k.clone(), (anchor, 1, i));
                }
            }
        }
        Order(map)
    }

    fn of(&self, k: &str) -> Pos {
        self.0.get(k).copied().unwrap_or((i64::MAX, 0, 0))
    }
}

fn role_flag(kind: RoleKind) -> &'static str {
    match kind {
        RoleKind::Party => "",
        RoleKind::SelfOrg => "self",
        RoleKind::Carrier => "carrier",
        RoleKind::Subject => "subject",
        RoleKind::Contractor => "contractor",
    }
}

fn with_label(mut s: String, label: &Option<String>) -> String {
    if let Some(l) = label {
        s.push(' ');
        s.push_str(&quoted(l));
    }
    s
}

fn role_decl(rb: &Rulebook, r: &Role) -> String {
    let mut s = format!("role {}", shown(&r.name));
    let flag = role_flag(r.kind);
    if !flag.is_empty() {
        s.push(' ');
        s.push_str(flag);
    }
    if let Some(p) = r.parent {
        s.push_str(" in ");
        s.push_str(&shown(&rb.role(p).name));
    }
    with_label(s, &r.label)
}

fn category_decl(rb: &Rulebook, c: &Category) -> String {
    let mut s = format!("category {}", shown(&c.name));
    if c.mynumber {
        s.push_str(" mynumber");
    }
    if let Some(p) = c.parent {
        s.push_str(" in ");
        s.push_str(&shown(&rb.category(p).name));
    }
    with_label(s, &c.label)
}

fn section_decl(s: &Section) -> String {
    let mut out = with_label(format!("section {}", quoted(&s.id)), &s.title);
    if s.mynumber {
        out.push_str(" mynumber");
    }
    if let Some(b) = &s.basis {
        out.push_str(" basis ");
        out.push_str(&quoted(b));
    }
    out
}

fn purpose_decl(rb: &Rulebook, p: &Purpose) -> String {
    let mut s = format!("purpose {}", shown(&p.name));
    if let Some(parent) = p.parent {
        s.push_str(" in ");
        s.push_str(&shown(&rb.purpose(parent).name));
    }
    with_label(s, &p.label)
}

fn contractor_purposes(rb: &Rulebook, c: &Contractor) -> Vec<String> {
    c.purposes
        .iter()
        .map(|p| rb.purpose(*p).name.clone())
        .collect()
}

fn contractor_decl(rb: &Rulebook, c: &Contractor) -> String {
    // A `contractor role` entry is named by its role, not a legal name.
    let who = match c.role {
        Some(_) => format!("role {}", shown(&c.legal_name)),
        None => quoted(&c.legal_name),
    };
    format!(
        "contractor {who} for {}",
        shown_list(&contractor_purposes(rb, c))
    )
}

fn clause_decl(c: &Clause) -> String {
    with_label(format!("clause {}", shown(&c.name)), &c.label)
}

fn text(s: &Option<String>) -> Option<Value> {
    s.clone().map(Value::Text)
}

/// Collects the changes of one kind with their sort keys: an outer
/// position (the section, for purposes) and the declaration's own.
struct Out {
    kind: Kind,
    items: Vec<((Pos, Pos), Change)>,
}

const START: Pos = (0, 0, 0);

impl Out {
    fn new(kind: Kind) -> Out {
        Out {
            kind,
            items: Vec::new(),
        }
    }

    fn push(&mut self, at: Pos, op: Op, subject: &str, sides: Sides) {
        self.items.push((
            (START, at),
            Change {
                kind: self.kind,
                op,
                aspect: sides.aspect,
                subject: subject.to_string(),
                section: None,
                old: sides.old,
                new: sides.new,
                old_span: sides.old_span,
                new_span: sides.new_span,
            },
        ));
    }

    fn added(&mut self, at: Pos, subject: &str, new: Value, span: Span) {
        let sides = Sides {
            new: Some(new),
            new_span: Some(span),
            ..Sides::default()
        };
        self.push(at, Op::Added, subject, sides);
    }

    fn removed(&mut self, at: Pos, subject: &str, old: Value, span: Span) {
        let sides = Sides {
            old: Some(old),
            old_span: Some(span),
            ..Sides::default()
        };
        self.push(at, Op::Removed, subject, sides);
    }

    /// Records a change of `aspect` if the two sides differ.
    fn changed(
        &mut self,
        at: Pos,
        aspect: Aspect,
        subject: &str,
        (old, new): (Option<Value>, Option<Value>),
        (old_span, new_span): (Span, Span),
    ) {
        if old != new {
            let sides = Sides {
                aspect: Some(aspect),
                old,
                new,
                old_span: Some(old_span),
                new_span: Some(new_span),
            };
            self.push(at, Op::Changed, subject, sides);
        }
    }

    /// The changes in document order; for one declaration, removed before
    /// added before changed, changes in aspect order.
    fn finish(mut self, into: &mut Vec<Change>) {
        self.items
            .sort_by(|(a, x), (b, y)| (a, x.op, x.aspect).cmp(&(b, y.op, y.aspect)));
        into.extend(self.items.into_iter().map(|(_, c)| c));
    }
}

/// The two sides of a change.
#[derive(Default)]
struct Sides {
    aspect: Option<Aspect>,
    old: Option<Value>,
    new: Option<Value>,
    old_span: Option<Span>,
    new_span: Option<Span>,
}

/// How [`diff_named`] reads one kind of declaration.
struct Decls<'a, T> {
    name: &'a dyn Fn(&T) -> &str,
    span: &'a dyn Fn(&T) -> Span,
    old_decl: &'a dyn Fn(&T) -> Value,
    new_decl: &'a dyn Fn(&T) -> Value,
}

/// Diffs declarations of one kind matched by key. `each` records the
/// changed aspects of a declaration present in both.
fn diff_named<T>(
    out: &mut Out,
    old: &[T],
    new: &[T],
    d: Decls<'_, T>,
    mut each: impl FnMut(&mut Out, Pos, &T, &T),
) {
    let old_keys: Vec<String> = old.iter().map(|x| key((d.name)(x))).collect();
    let new_keys: Vec<String> = new.iter().map(|x| key((d.name)(x))).collect();
    let order = Order::new(&old_keys, &new_keys);
    // The first declaration of a key wins (a duplicate is an error the
    // rulebook could not be loaded with anyway).
    let old_by: HashMap<&str, &T> = old_keys.iter().map(String::as_str).zip(old).rev().collect();
    let new_by: HashMap<&str, &T> = new_keys.iter().map(String::as_str).zip(new).rev().collect();
    for (k, o) in old_keys.iter().zip(old) {
        if !new_by.contains_key(k.as_str()) {
            out.removed(order.of(k), (d.name)(o), (d.old_decl)(o), (d.span)(o));
        }
    }
    for (k, n) in new_keys.iter().zip(new) {
        match old_by.get(k.as_str()) {
            None => out.added(order.of(k), (d.name)(n), (d.new_decl)(n), (d.span)(n)),
            Some(o) => each(out, order.of(k), o, n),
        }
    }
}

/// One atomic permission: a category for a purpose (None: any declared
/// purpose) through a set of via roles, all by key.
type Atom = (String, Option<String>, BTreeSet<String>);

/// (section, from, to), by key.
type GroupKey = (String, String, String);

/// The atoms of one (section, from, to), with the rule each came from.
#[derive(Default)]
struct Group {
    section: String,
    from: String,
    to: String,
    atoms: BTreeMap<Atom, Span>,
}

/// Every rule of a rulebook as atoms, grouped; the groups in rule order.
fn atoms(rb: &Rulebook) -> (Vec<GroupKey>, HashMap<GroupKey, Group>) {
    let mut order = Vec::new();
    let mut groups: HashMap<GroupKey, Group> = HashMap::new();
    for r in &rb.rules {
        let s = rb.section(r.section);
        let (from, to) = (rb.role(r.from), rb.role(r.to));
        let gk = (key(&s.id), key(&from.name), key(&to.name));
        let g = groups.entry(gk.clone()).or_insert_with(|| {
            order.push(gk);
            Group {
                section: s.id.clone(),
                from: from.name.clone(),
                to: to.name.clone(),
                atoms: BTreeMap::new(),
            }
        });
        let via: BTreeSet<String> = r.via.iter().map(|v| key(&rb.role(*v).name)).collect();
        let purposes: Vec<Option<String>> = if r.purposes.is_empty() {
            vec![None]
        } else {
            r.purposes
                .iter()
                .map(|p| Some(key(&rb.purpose(*p).name)))
                .collect()
        };
        for c in &r.categories {
            for p in &purposes {
                g.atoms
                    .entry((key(&rb.category(*c).name), p.clone(), via.clone()))
                    .or_insert(r.span);
            }
        }
    }
    (order, groups)
}

/// Display names and declaration order of a rulebook's categories,
/// purposes and roles, by key.
struct Names {
    categories: HashMap<String, (usize, String)>,
    purposes: HashMap<String, (usize, String)>,
    roles: HashMap<String, (usize, String)>,
}

impl Names {
    fn of(rb: &Rulebook) -> Names {
        fn index<'a>(names: impl Iterator<Item = &'a String>) -> HashMap<String, (usize, String)> {
            let mut map = HashMap::new();
            for (i, n) in names.enumerate() {
                map.entry(key(n)).or_insert((i, n.clone()));
            }
            map
        }
        Names {
            categories: index(rb.categories.iter().map(|c| &c.name)),
            purposes: index(rb.purposes.iter().map(|p| &p.name)),
            roles: index(rb.roles.iter().map(|r| &r.name)),
        }
    }

    /// Names of keys, in declaration order.
    fn sorted<'a>(
        map: &HashMap<String, (usize, String)>,
        keys: impl Iterator<Item = &'a String>,
    ) -> Vec<String> {
        let mut v: Vec<&(usize, String)> = keys.filter_map(|k| map.get(k)).collect();
        v.sort();
        v.dedup();
        v.into_iter().map(|(_, n)| n.clone()).collect()
    }

    fn via(&self, keys: &BTreeSet<String>) -> Vec<String> {
        Names::sorted(&self.roles, keys.iter())
    }

    fn purposes(&self, keys: &[Option<String>]) -> Vec<String> {
        Names::sorted(&self.purposes, keys.iter().flatten())
    }

    fn category(&self, k: &str) -> (usize, String) {
        self.categories
            .get(k)
            .cloned()
            .unwrap_or((usize::MAX, k.to_string()))
    }
}

/// A rule-shaped line folded from atoms: its line key (the via set, or the
/// old and new via sets), categories (names), purposes (keys; empty for
/// any purpose) and where it comes from.
struct Line<L, S> {
    key: L,
    categories: Vec<String>,
    purposes: Vec<Option<String>>,
    at: S,
}

/// Folds atoms back into rule-shaped lines: categories with the same
/// purposes and the same line key share a line. A category allowed for any
/// purpose and also for named ones gets two lines. Lines come in the order
/// of their first category, and carry that category's `at`.
fn fold<L: Ord + Clone, S: Copy>(
    atoms: impl IntoIterator<Item = (L, String, Option<String>, S)>,
    names: &Names,
) -> Vec<Line<L, S>> {
    // (line key, category) → (purposes, where the first atom came from)
    type ByCategory<L, S> = BTreeMap<(L, String), (BTreeSet<Option<String>>, S)>;
    let mut by_cat: ByCategory<L, S> = BTreeMap::new();
    for (l, c, p, at) in atoms {
        by_cat
            .entry((l, c))
            .or_insert_with(|| (BTreeSet::new(), at))
            .0
            .insert(p);
    }
    type Cats<S> = Vec<((usize, String), S)>;
    let mut lines: BTreeMap<(L, Vec<Option<String>>), Cats<S>> = BTreeMap::new();
    for ((l, c), (ps, at)) in by_cat {
        let cat = names.category(&c);
        if ps.contains(&None) {
            lines
                .entry((l.clone(), Vec::new()))
                .or_default()
                .push((cat.clone(), at));
        }
        let named: Vec<Option<String>> = ps.into_iter().filter(Option::is_some).collect();
        if !named.is_empty() {
            lines.entry((l, named)).or_default().push((cat, at));
        }
    }
    let mut out: Vec<(usize, Line<L, S>)> = lines
        .into_iter()
        .filter_map(|((l, purposes), mut cats)| {
            cats.sort_by(|a, b| a.0.cmp(&b.0));
            let ((first, _), at) = cats.first()?.clone();
            Some((
                first,
                Line {
                    key: l,
                    categories: cats.into_iter().map(|((_, n), _)| n).collect(),
                    purposes,
                    at,
                },
            ))
        })
        .collect();
    out.sort_by(|(a, x), (b, y)| {
        (a, &x.categories, &x.purposes, &x.key).cmp(&(b, &y.categories, &y.purposes, &y.key))
    });
    out.into_iter().map(|(_, l)| l).collect()
}

fn diff_allows(old: &Rulebook, new: &Rulebook, sections: &Order, into: &mut Vec<Change>) {
    let (old_order, mut old_groups) = atoms(old);
    let (new_order, mut new_groups) = atoms(new);
    let (old_names, new_names) = (Names::of(old), Names::of(new));
    let joined = |k: &GroupKey| format!("{}\u{0}{}\u{0}{}", k.0, k.1, k.2);
    let pairs = Order::new(
        &old_order.iter().map(joined).collect::<Vec<_>>(),
        &new_order.iter().map(joined).collect::<Vec<_>>(),
    );
    let mut keys: Vec<GroupKey> = new_order.clone();
    keys.extend(
        old_order
            .iter()
            .filter(|k| !new_groups.contains_key(*k))
            .cloned(),
    );
    keys.sort_by_key(|k| (sections.of(&k.0), pairs.of(&joined(k))));

    for gk in keys {
        let o = old_groups.remove(&gk).unwrap_or_default();
        let n = new_groups.remove(&gk).unwrap_or_default();
        // Names as the new rulebook writes them, when it has the group.
        let head = if n.atoms.is_empty() { &o } else { &n };
        let (section, from, to) = (head.section.clone(), head.from.clone(), head.to.clone());
        let grant = |names: &Names, categories: Vec<String>, purposes: &[Option<String>], via| {
            Value::Grant(Grant {
                section: section.clone(),
                from: from.clone(),
                to: to.clone(),
                categories,
                purposes: names.purposes(purposes),
                via,
            })
        };

        let removed: Vec<(&Atom, Span)> = o
            .atoms
            .iter()
            .filter(|(a, _)| !n.atoms.contains_key(*a))
            .map(|(a, s)| (a, *s))
            .collect();
        let added: Vec<(&Atom, Span)> = n
            .atoms
            .iter()
            .filter(|(a, _)| !o.atoms.contains_key(*a))
            .map(|(a, s)| (a, *s))
            .collect();
        // A (category, purpose) whose only difference is its via set is a
        // change of channel, not a removal and an addition.
        type Vias<'a> = BTreeMap<(&'a str, &'a Option<String>), Vec<(&'a BTreeSet<String>, Span)>>;
        let mut old_vias: Vias = BTreeMap::new();
        for ((c, p, v), s) in &removed {
            old_vias.entry((c.as_str(), p)).or_default().push((v, *s));
        }
        let mut new_vias: Vias = BTreeMap::new();
        for ((c, p, v), s) in &added {
            new_vias.entry((c.as_str(), p)).or_default().push((v, *s));
        }
        type Rechannel = (
            (BTreeSet<String>, BTreeSet<String>),
            String,
            Option<String>,
            (Span, Span),
        );
        let mut rechanneled: Vec<Rechannel> = Vec::new();
        for (cp, ov) in &old_vias {
            if let ([(ov, os)], Some([(nv, ns)])) =
                (ov.as_slice(), new_vias.get(cp).map(Vec::as_slice))
            {
                rechanneled.push((
                    ((*ov).clone(), (*nv).clone()),
                    cp.0.to_string(),
                    cp.1.clone(),
                    (*os, *ns),
                ));
            }
        }
        let moved: BTreeSet<(&str, &Option<String>)> = rechanneled
            .iter()
            .map(|(_, c, p, _)| (c.as_str(), p))
            .collect();
        let plain =
            |list: &[(&Atom, Span)]| -> Vec<(BTreeSet<String>, String, Option<String>, Span)> {
                list.iter()
                    .filter(|((c, p, _), _)| !moved.contains(&(c.as_str(), p)))
                    .map(|((c, p, v), s)| (v.clone(), c.clone(), p.clone(), *s))
                    .collect()
            };

        let mut push = |op, old_v, new_v, old_span, new_span| {
            into.push(Change {
                kind: Kind::Allow,
                op,
                aspect: (op == Op::Changed).then_some(Aspect::Via),
                subject: format!("{section} {from} -> {to}"),
                section: Some(section.clone()),
                old: old_v,
                new: new_v,
                old_span,
                new_span,
            })
        };
        for l in fold(plain(&removed), &old_names) {
            let g = grant(&old_names, l.categories, &l.purposes, old_names.via(&l.key));
            push(Op::Removed, Some(g), None, Some(l.at), None);
        }
        for l in fold(plain(&added), &new_names) {
            let g = grant(&new_names, l.categories, &l.purposes, new_names.via(&l.key));
            push(Op::Added, None, Some(g), None, Some(l.at));
        }
        for l in fold(rechanneled, &new_names) {
            let (ov, nv) = &l.key;
            let g_old = grant(
                &new_names,
                l.categories.clone(),
                &l.purposes,
                old_names.via(ov),
            );
            let g_new = grant(&new_names, l.categories, &l.purposes, new_names.via(nv));
            push(
                Op::Changed,
                Some(g_old),
                Some(g_new),
                Some(l.at.0),
                Some(l.at.1),
            );
        }
    }
}

fn keys_of<'a>(names: impl Iterator<Item = &'a str>) -> Vec<String> {
    names.map(key).collect()
}

/// Compares two rulebooks by meaning (see the module documentation).
pub fn diff(old: &Rulebook, new: &Rulebook) -> RuleDiff {
    let mut changes = Vec::new();

    // The header. Its spans are the rulebooks' first bytes.
    let mut out = Out::new(Kind::Rulebook);
    let spans = (Span::new(old.file, 0, 0), Span::new(new.file, 0, 0));
    let name = new.name.as_str();
    if key(&old.name) != key(&new.name) {
        let sides = (
            Some(Value::Text(old.name.clone())),
            Some(Value::Text(new.name.clone())),
        );
        out.changed(START, Aspect::Name, name, sides, spans);
    }
    let sides = (text(&old.title), text(&new.title));
    out.changed(START, Aspect::Title, name, sides, spans);
    let sides = (text(&old.revised), text(&new.revised));
    out.changed(START, Aspect::Revised, name, sides, spans);
    out.finish(&mut changes);

    let mut out = Out::new(Kind::Role);
    let d = Decls {
        name: &|r: &Role| &r.name,
        span: &|r: &Role| r.span,
        old_decl: &|r| Value::Text(role_decl(old, r)),
        new_decl: &|r| Value::Text(role_decl(new, r)),
    };
    diff_named(&mut out, &old.roles, &new.roles, d, |out, at, o, n| {
        let flag = |r: &Role| Some(Value::Text(role_flag(r.kind).to_string()));
        out.changed(
            at,
            Aspect::Flag,
            &n.name,
            (flag(o), flag(n)),
            (o.span, n.span),
        );
        // A role moved in the tree covers other roles' rules: listed as a
        // category's parent is.
        let parent = |rb: &Rulebook, r: &Role| r.parent.map(|p| rb.role(p).name.clone());
        let (po, pn) = (parent(old, o), parent(new, n));
        if po.as_deref().map(key) != pn.as_deref().map(key) {
            let sides = (po.map(Value::Text), pn.map(Value::Text));
            out.changed(at, Aspect::Parent, &n.name, sides, (o.span, n.span));
        }
    });
    out.finish(&mut changes);

    let mut out = Out::new(Kind::Category);
    let d = Decls {
        name: &|c: &Category| &c.name,
        span: &|c: &Category| c.span,
        old_decl: &|c| Value::Text(category_decl(old, c)),
        new_decl: &|c| Value::Text(category_decl(new, c)),
    };
    diff_named(
        &mut out,
        &old.categories,
        &new.categories,
        d,
        |out, at, o, n| {
            let spans = (o.span, n.span);
            let parent =
                |rb: &Rulebook, c: &Category| c.parent.map(|p| rb.category(p).name.clone());
            let (po, pn) = (parent(old, o), parent(new, n));
            if po.as_deref().map(key) != pn.as_deref().map(key) {
                let sides = (po.map(Value::Text), pn.map(Value::Text));
                out.changed(at, Aspect::Parent, &n.name, sides, spans);
            }
            let sides = (Some(Value::Flag(o.mynumber)), Some(Value::Flag(n.mynumber)));
            out.changed(at, Aspect::Mynumber, &n.name, sides, spans);
        },
    );
    out.finish(&mut changes);

    let mut out = Out::new(Kind::Section);
    let decl = |s: &Section| Value::Text(section_decl(s));
    let d = Decls {
        name: &|s: &Section| &s.id,
        span: &|s: &Section| s.span,
        old_decl: &decl,
        new_decl: &decl,
    };
    diff_named(
        &mut out,
        &old.sections,
        &new.sections,
        d,
        |out, at, o, n| {
            let spans = (o.span, n.span);
            out.changed(
                at,
                Aspect::Title,
                &n.id,
                (text(&o.title), text(&n.title)),
                spans,
            );
            let sides = (Some(Value::Flag(o.mynumber)), Some(Value::Flag(n.mynumber)));
            out.changed(at, Aspect::Mynumber, &n.id, sides, spans);
            out.changed(
                at,
                Aspect::Basis,
                &n.id,
                (text(&o.basis), text(&n.basis)),
                spans,
            );
        },
    );
    out.finish(&mut changes);
    let sections = Order::new(
        &keys_of(old.sections.iter().map(|s| s.id.as_str())),
        &keys_of(new.sections.iter().map(|s| s.id.as_str())),
    );

    // Purposes: grouped by their section, in document order within it.
    let mut out = Out::new(Kind::Purpose);
    let d = Decls {
        name: &|p: &Purpose| &p.name,
        span: &|p: &Purpose| p.span,
        old_decl: &|p| Value::Text(purpose_decl(old, p)),
        new_decl: &|p| Value::Text(purpose_decl(new, p)),
    };
    diff_named(
        &mut out,
        &old.purposes,
        &new.purposes,
        d,
        |out, at, o, n| {
            let spans = (o.span, n.span);
            out.changed(
                at,
                Aspect::Label,
                &n.name,
                (text(&o.label), text(&n.label)),
                spans,
            );
            let (so, sn) = (&old.section(o.section).id, &new.section(n.section).id);
            if key(so) != key(sn) {
                let sides = (Some(Value::Text(so.clone())), Some(Value::Text(sn.clone())));
                out.changed(at, Aspect::Section, &n.name, sides, spans);
            }
            let parent = |rb: &Rulebook, p: &Purpose| p.parent.map(|x| rb.purpose(x).name.clone());
            let (po, pn) = (parent(old, o), parent(new, n));
            if po.as_deref().map(key) != pn.as_deref().map(key) {
                let sides = (po.map(Value::Text), pn.map(Value::Text));
                out.changed(at, Aspect::Parent, &n.name, sides, spans);
            }
        },
    );
    for ((outer, _), c) in &mut out.items {
        let rb = if c.op == Op::Removed { old } else { new };
        let s = rb
            .purpose_named(&c.subject)
            .map(|p| rb.section(rb.purpose(p).section).id.clone())
            .unwrap_or_default();
        *outer = sections.of(&key(&s));
        c.section = Some(s);
    }
    out.finish(&mut changes);

    diff_allows(old, new, &sections, &mut changes);

    let mut out = Out::new(Kind::Contractor);
    let d = Decls {
        name: &|c: &Contractor| &c.legal_name,
        span: &|c: &Contractor| c.span,
        old_decl: &|c| Value::Text(contractor_decl(old, c)),
        new_decl: &|c| Value::Text(contractor_decl(new, c)),
    };
    diff_named(
        &mut out,
        &old.contractors,
        &new.contractors,
        d,
        |out, at, o, n| {
            let (po, pn) = (contractor_purposes(old, o), contractor_purposes(new, n));
            let set = |v: &[String]| v.iter().map(|p| key(p)).collect::<BTreeSet<_>>();
            if set(&po) != set(&pn) {
                let sides = (Some(Value::Names(po)), Some(Value::Names(pn)));
                out.changed(at, Aspect::Purposes, &n.legal_name, sides, (o.span, n.span));
            }
        },
    );
    out.finish(&mut changes);

    let mut out = Out::new(Kind::Clause);
    let decl = |c: &Clause| Value::Text(clause_decl(c));
    let d = Decls {
        name: &|c: &Clause| &c.name,
        span: &|c: &Clause| c.span,
        old_decl: &decl,
        new_decl: &decl,
    };
    diff_named(&mut out, &old.clauses, &new.clauses, d, |out, at, o, n| {
        let sides = (text(&o.label), text(&n.label));
        out.changed(at, Aspect::Label, &n.name, sides, (o.span, n.span));
    });
    out.finish(&mut changes);

    RuleDiff { changes }
}

/// A flow's findings in a [`Verdict`]: (line, code).
pub type Findings = smallvec::SmallVec<[(usize, Code); 1]>;

/// What one run said about a flow.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Verdict {
    /// Did every name of the flow resolve, so that the checks ran? A flow
    /// whose data item's category the rulebook no longer has is not
    /// checked (its declaration carries the MN010): without this, it would
    /// read as passing.
    pub checked: bool,
    /// The findings whose primary span lies in the flow: (line, code),
    /// sorted, repeats kept. Nearly always one, kept in place: a narrowed
    /// rule can change the verdicts of hundreds of thousands of flows, and
    /// a list of its own for each was a tenth of comparing them.
    pub findings: Findings,
}

impl Verdict {
    /// Checked and nothing found.
    pub fn is_ok(&self) -> bool {
        self.checked && self.findings.is_empty()
    }
}

/// A flow whose verdict differs between the two rulebooks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlowImpact {
    /// The design's path, as given (escaped), shared by its flows.
    pub file: Arc<str>,
    /// The flow statement's first line (1-based).
    pub line: usize,
    /// The flow statement, white space collapsed, control and
    /// bidirectional characters escaped.
    pub flow: String,
    /// Against the old rulebook.
    pub before: Verdict,
    /// Against the new rulebook.
    pub after: Verdict,
}

/// A line outside any flow (a declaration) whose findings differ
/// between the two rulebooks: MN010 for a name the new rulebook lacks,
/// MN303 for a clause it now requires, …
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeclarationImpact {
    /// The design's path, as given (escaped).
    pub file: Arc<str>,
    /// The line (1-based).
    pub line: usize,
    /// The line's text, white space collapsed, escaped.
    pub text: String,
    /// Its findings against the old rulebook, sorted (repeats kept).
    pub before: Vec<Code>,
    /// Against the new rulebook.
    pub after: Vec<Code>,
}

/// Lines of declarations whose findings differ that an impact lists, at
/// most; the rest are counted ([`Impact::declarations_changed`]).
pub const MAX_DECLARATIONS: usize = 100;

/// The flows of a corpus whose verdict a rulebook change changes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Impact {
    /// Designs checked (rulebooks among the paths are not designs).
    pub designs: usize,
    /// Flows checked.
    pub flows: usize,
    /// The flows whose verdict changed, by file and position.
    pub changed: Vec<FlowImpact>,
    /// Findings outside flows (on declarations: MN010 for a name the new
    /// rulebook lacks, MN303 for a new required clause…) reported by one
    /// run and not the other.
    pub other_findings_changed: usize,
    /// The lines of those findings, by file and line, the first
    /// [`MAX_DECLARATIONS`] of them.
    pub declarations: Vec<DeclarationImpact>,
    /// How many lines they are on, listed or not.
    pub declarations_changed: usize,
}

/// One design's findings outside flows in one run: (line, code) → how
/// many times; the design's name; the text of those lines.
type OutsideFlows = (
    BTreeMap<(usize, Code), usize>,
    Arc<str>,
    HashMap<usize, String>,
);

/// What the first run found: per design (by its place among the paths),
/// the verdicts that are not [`clean`], by flow number.
#[derive(Default)]
struct Before {
    files: Vec<Vec<(usize, Verdict)>>,
    /// Per design, (line, code) → how many times, for findings outside
    /// flows; and the design's name and text of those lines.
    other: Vec<OutsideFlows>,
    designs: usize,
    flows: usize,
}

/// One run's verdicts on one design, handed to the caller while its
/// session still holds the design (so the line and text of a flow are
/// looked up only for the few flows that change).
struct Visit<'a> {
    /// The design's place among the paths.
    at: usize,
    source: &'a SourceFile,
    design: &'a Design,
    /// The verdicts that are not [`clean`] (a few flows of a design), by
    /// flow number in the order of `design.flows`.
    verdicts: Vec<(usize, Verdict)>,
    /// (line, code) → how many times, for findings outside flows.
    other: BTreeMap<(usize, Code), usize>,
}

/// From now on, checks every design against `rules`, whatever its `use`
/// line names, and keeps the findings of the next run only.
fn against(s: &mut Session, rules: &RulebookSource) -> Result<(), String> {
    s.force_rules(rules.clone());
    s.load_rulebook(rules)
        .map_err(|e| format!("cannot load the rulebook {}: {e:?}", rules.display()))?;
    s.diagnostics.clear();
    s.found.clear();
    Ok(())
}

/// Hands the verdicts of each design `checked` holds (one run's, its
/// findings in `s`) to `visit`, and gives back what was checked. An `Err`
/// is a file that could not be read.
fn compare(
    s: &mut Session,
    checked: Vec<Result<Checked, String>>,
    mut visit: impl FnMut(Visit),
) -> Result<Vec<Checked>, String> {
    let checked = checked.into_iter().collect::<Result<Vec<_>, _>>()?;
    let start = std::time::Instant::now();
    // The code and place of each finding of each file, found in one pass
    // over all of them (the analyses' are codes and places already).
    let mut by_file: HashMap<FileId, Vec<(Code, Span)>> = HashMap::new();
    let found = (s.diagnostics.iter().map(|d| (d.code, d.primary))).chain(s.found.iter().copied());
    for (code, at) in found {
        by_file.entry(at.file).or_default().push((code, at));
    }
    for (at, c) in checked.iter().enumerate() {
        let Some(analysis) = &c.analysis else {
            continue;
        };
        let source = s.sources.get(c.file);
        let design = &analysis.design;
        let mut places = by_file.remove(&c.file).unwrap_or_default();
        let (mut found, outside) = if places.len() < 2 * PLACES_PER_TASK {
            places.sort_unstable_by_key(|&(code, at)| (at.start, code));
            in_flows(source, design, &places)
        } else {
            // A narrowed rule can give a design hundreds of thousands of
            // findings: stretches of them are placed on every core.
            places.par_sort_unstable_by_key(|&(code, at)| (at.start, code));
            let stretches: Vec<_> = places
                .par_chunks(PLACES_PER_TASK)
                .map(|stretch| in_flows(source, design, stretch))
                .collect();
            let mut found = Vec::with_capacity(places.len());
            let mut outside = Vec::new();
            for (f, o) in stretches {
                found.extend(f);
                outside.extend(o);
            }
            (found, outside)
        };
        let mut other = BTreeMap::new();
        for place in outside {
            *other.entry(place).or_default() += 1;
        }
        found.sort_unstable();
        // The flows the checks skipped, as the graph left them out.
        let unchecked = analysis.graph.left_out().iter().map(|f| f.index());
        let verdicts = not_clean(found, unchecked);
        visit(Visit {
            at,
            source,
            design,
            verdicts,
            other,
        });
    }
    drop(by_file);
    s.timings.add("compare", start.elapsed());
    Ok(checked)
}

/// Findings one task of [`compare`] places, at least.
const PLACES_PER_TASK: usize = 32 * 1024;

/// Where findings lie ([`in_flows`]): (flow, line, code) of each inside a
/// flow, (line, code) of each outside (lines 1-based).
type Lying = (Vec<(usize, usize, Code)>, Vec<(usize, Code)>);

/// Where each of `places` (sorted by place) lies in `design`. Their lines
/// are found in one pass over the line table, and each one's flow from
/// the previous one's, forward.
fn in_flows(source: &SourceFile, design: &Design, places: &[(Code, Span)]) -> Lying {
    let lines = source.line_indexes(places.iter().map(|(_, at)| at.start as usize));
    let mut found = Vec::with_capacity(places.len());
    let mut outside = Vec::new();
    // How many flows start at or before the place: the flow whose
    // statement holds it is the last of those, if it reaches it.
    let mut upto = 0;
    for (&(code, at), line) in places.iter().zip(lines) {
        upto = starting_by(&design.flows, upto, at.start, |f| f.span.start);
        let flow = upto.checked_sub(1).filter(|&i| {
            let f = &design.flows[i];
            at.start < f.span.end.max(f.span.start + 1)
        });
        match flow {
            Some(i) => found.push((i, line + 1, code)),
            None => outside.push((line + 1, code)),
        }
    }
    (found, outside)
}

/// How many of `items` (in order of `start`) start at or before `at`,
/// knowing that the first `from` do: walked forward from there a few
/// items, then searched in growing steps, so that places in order cost a
/// walk near each, not a search of the whole list each.
fn starting_by<T>(items: &[T], from: usize, at: u32, start: impl Fn(&T) -> u32) -> usize {
    let starts_by = |i: usize| items.get(i).is_some_and(|x| start(x) <= at);
    // The next place is nearly always a few flows on: read in order, the
    // flows (128 bytes each) come in as the cache fetches ahead, where
    // the growing steps' reads each missed it (two thirds of comparing
    // the findings of 1M `contractors`).
    let walked = from.saturating_add(WALK_BEFORE_SEARCH);
    let mut from = from;
    while from < walked {
        if !starts_by(from) {
            return from;
        }
        from += 1;
    }
    let mut step = 1;
    while starts_by(from + step - 1) {
        step *= 2;
    }
    // Those before `from + step / 2` start by `at`; `from + step - 1`
    // does not, or is past the end.
    let low = from + step / 2;
    let high = (from + step).min(items.len());
    low + (items.get(low..high).unwrap_or_default()).partition_point(|x| start(x) <= at)
}

/// How many items [`starting_by`] reads in order before it searches.
const WALK_BEFORE_SEARCH: usize = 8;

/// A flow checked, with nothing found: the verdict of nearly every flow,
/// left out of the lists of verdicts.
fn clean() -> Verdict {
    Verdict {
        checked: true,
        findings: Findings::new(),
    }
}

/// The verdicts that are not [`clean`], by flow number: from each finding
/// inside a flow (flow, line, code), sorted, and the flows not checked,
/// in order.
fn not_clean(
    found: Vec<(usize, usize, Code)>,
    unchecked: impl Iterator<Item = usize>,
) -> Vec<(usize, Verdict)> {
    let mut out = Vec::new();
    let mut found = found.into_iter().peekable();
    let mut unchecked = unchecked.peekable();
    loop {
        let next = match (found.peek(), unchecked.peek()) {
            (Some(&(i, _, _)), Some(&u)) => i.min(u),
            (Some(&(i, _, _)), None) => i,
            (None, Some(&u)) => u,
            (None, None) => break,
        };
        let checked = unchecked.next_if_eq(&next).is_none();
        let mut findings = Findings::new();
        while let Some((_, line, code)) = found.next_if(|&(i, _, _)| i == next) {
            findings.push((line, code));
        }
        out.push((next, Verdict { checked, findings }));
    }
    out
}

/// The flows whose verdicts differ, from two runs' [`not_clean`] lists:
/// (flow, before, after), by flow number. Long lists are cut at the same
/// flows into stretches compared on every core (a narrowed rule changed
/// the verdicts of a fifth of a national corpus's flows, and one core
/// took a tenth of comparing them).
fn differing(
    mut before: Vec<(usize, Verdict)>,
    mut after: Vec<(usize, Verdict)>,
) -> Vec<(usize, Verdict, Verdict)> {
    if before.len() + after.len() < 2 * VERDICTS_PER_TASK {
        return differing_in(&mut before, &mut after);
    }
    // Each stretch starts at a flow of the longer list (its flows are in
    // order, each once), the other list cut before the same flow.
    let longer = if after.len() >= before.len() {
        &after
    } else {
        &before
    };
    let cuts: Vec<usize> = (longer.iter().step_by(VERDICTS_PER_TASK).skip(1))
        .map(|(i, _)| *i)
        .collect();
    let mut stretches = Vec::with_capacity(cuts.len() + 1);
    let (mut b, mut a) = (before.as_mut_slice(), after.as_mut_slice());
    for cut in cuts {
        let (b_head, b_tail) = b.split_at_mut(b.partition_point(|(i, _)| *i < cut));
        let (a_head, a_tail) = a.split_at_mut(a.partition_point(|(i, _)| *i < cut));
        stretches.push((b_head, a_head));
        (b, a) = (b_tail, a_tail);
    }
    stretches.push((b, a));
    let found: Vec<_> = stretches
        .into_par_iter()
        .with_max_len(1)
        .map(|(b, a)| differing_in(b, a))
        .collect();
    let mut out = Vec::with_capacity(found.iter().map(Vec::len).sum());
    for f in found {
        out.extend(f);
    }
    out
}

/// Verdicts one task of [`differing`] compares, at least.
const VERDICTS_PER_TASK: usize = 32 * 1024;

/// [`differing`] of one stretch of each list (their verdicts are taken).
fn differing_in(
    before: &mut [(usize, Verdict)],
    after: &mut [(usize, Verdict)],
) -> Vec<(usize, Verdict, Verdict)> {
    let mut out = Vec::new();
    let mut before = before.iter_mut().peekable();
    let mut after = after.iter_mut().peekable();
    loop {
        let next = match (before.peek(), after.peek()) {
            (Some((i, _)), Some((j, _))) => *i.min(j),
            (Some((i, _)), None) => *i,
            (None, Some((j, _))) => *j,
            (None, None) => break,
        };
        let b = before
            .next_if(|(i, _)| *i == next)
            .map_or_else(clean, |(_, v)| std::mem::take(v));
        let a = after
            .next_if(|(j, _)| *j == next)
            .map_or_else(clean, |(_, v)| std::mem::take(v));
        if a != b {
            out.push((next, b, a));
        }
    }
    out
}

/// The text of each of `lines` (1-based) of a design, white space
/// collapsed and escaped, for the declarations an impact lists.
fn line_texts(source: &SourceFile, lines: impl Iterator<Item = usize>) -> HashMap<usize, String> {
    lines
        .map(|l| {
            let range = source.line_range(l.saturating_sub(1));
            let text = source.text.get(range).unwrap_or_default();
            let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
            (l, crate::escape::visible_owned(collapsed))
        })
        .collect()
}

/// Compares one design's findings outside flows between the two runs:
/// adds each line whose findings differ to `into`, and gives how many
/// findings differ.
fn declarations_differing(
    file: &Arc<str>,
    texts: &HashMap<usize, String>,
    before: BTreeMap<(usize, Code), usize>,
    after: BTreeMap<(usize, Code), usize>,
    into: &mut Vec<DeclarationImpact>,
) -> usize {
    // Per line, the codes of each run, repeats kept, in code order.
    let mut lines: BTreeMap<usize, (Vec<Code>, Vec<Code>)> = BTreeMap::new();
    for ((line, code), n) in before {
        lines
            .entry(line)
            .or_default()
            .0
            .extend(std::iter::repeat_n(code, n));
    }
    for ((line, code), n) in after {
        lines
            .entry(line)
            .or_default()
            .1
            .extend(std::iter::repeat_n(code, n));
    }
    let mut differ = 0;
    for (line, (before, after)) in lines {
        if before == after {
            continue;
        }
        let count = |codes: &[Code], c: Code| codes.iter().filter(|x| **x == c).count();
        let codes: BTreeSet<Code> = before.iter().chain(&after).copied().collect();
        differ += (codes.iter())
            .map(|c| count(&before, *c).abs_diff(count(&after, *c)))
            .sum::<usize>();
        into.push(DeclarationImpact {
            file: Arc::clone(file),
            line,
            text: texts.get(&line).cloned().unwrap_or_default(),
            before,
            after,
        });
    }
    differ
}

/// Changed flows below which their entries are made on one thread.
const PARALLEL_IMPACTS: usize = 4 * 1024;

/// Checks every design under `paths` against `old` and against `new`,
/// whatever rulebook its `use` line names, and lists the flows whose
/// findings differ (matched by file, line and code). Rulebooks found among
/// the paths are skipped. An `Err` is a file or rulebook that could not be
/// read or loaded.
///
/// The first run keeps the verdicts that are not clean (checked, nothing
/// found); the second compares as it goes, so only the flows that change
/// are written out in full.
pub fn impact(
    old: &RulebookSource,
    new: &RulebookSource,
    paths: &[PathBuf],
) -> Result<Impact, String> {
    impact_timed(old, new, paths, Copies::Shared, &mut Timings::default())
}

/// [`impact`], the copies of the corpus's names living as `copies` says
/// ([`Session::name_copies`]: lasting for a command whose run ends with
/// the process), adding the time of each stage (those of both runs
/// summed) and of the comparison to `timings`.
pub fn impact_timed(
    old: &RulebookSource,
    new: &RulebookSource,
    paths: &[PathBuf],
    copies: Copies,
    timings: &mut Timings,
) -> Result<Impact, String> {
    let files = collect_files(paths)?;
    // The corpus is read and parsed once; each design is then resolved
    // and checked against each rulebook in turn.
    let mut s = Session::forced(old.clone());
    s.name_copies = copies;
    // Every finding, compared by code and line: a flow past a code's
    // hundredth finding counts as much as the first.
    s.for_comparison = true;
    s.load_rulebook(old)
        .map_err(|e| format!("cannot load the rulebook {}: {e:?}", old.display()))?;
    let corpus = s.read_paths(&files);
    let mut before = Before::default();
    against(&mut s, old)?;
    let (checked, again) = s.check_read_for_again(corpus);
    let first = compare(&mut s, checked, |v| {
        before.designs += 1;
        before.flows += v.design.flows.len();
        if before.files.len() <= v.at {
            before.files.resize_with(v.at + 1, Vec::new);
        }
        before.files[v.at] = v.verdicts;
        if !v.other.is_empty() {
            if before.other.len() <= v.at {
                before.other.resize_with(v.at + 1, Default::default);
            }
            let texts = line_texts(v.source, v.other.keys().map(|(l, _)| *l));
            before.other[v.at] = (v.other, Arc::from(v.source.name.as_str()), texts);
        }
    })?;
    let mut changed: Vec<(u32, FlowImpact)> = Vec::new();
    let mut other_findings_changed = 0;
    let mut declarations: Vec<DeclarationImpact> = Vec::new();
    let mut other = std::mem::take(&mut before.other);
    // The second run binds the first's models to the new rulebook.
    against(&mut s, new)?;
    let checked = s.check_again(first.into_iter().map(Ok).collect(), again)?;
    let second = compare(&mut s, checked, |v| {
        // The same tree checked again: its flows have the same numbers.
        let old_flows = (before.files.get_mut(v.at))
            .map(std::mem::take)
            .unwrap_or_default();
        let mut differ = differing(old_flows, v.verdicts);
        // (Every verdict is of a flow of this design; kept safe anyway.)
        differ.retain(|(i, ..)| *i < v.design.flows.len());
        // In the order of the flows: their lines in one pass (a pass per
        // stretch, on every core, when many flows changed).
        let lines_of = |changed: &[(usize, Verdict, Verdict)]| {
            let starts = changed.iter();
            v.source
                .line_indexes(starts.map(|(i, ..)| v.design.flows[*i].span.start as usize))
        };
        let lines: Vec<usize> = if differ.len() < PARALLEL_IMPACTS {
            lines_of(&differ)
        } else {
            differ
                .par_chunks(PARALLEL_IMPACTS)
                .flat_map_iter(lines_of)
                .collect()
        };
        let file: Arc<str> = Arc::from(v.source.name.as_str());
        let impact = |((i, b, a), line): ((usize, Verdict, Verdict), usize)| {
            let f = &v.design.flows[i];
            let flow = FlowImpact {
                file: Arc::clone(&file),
                line: line + 1,
                flow: crate::escape::visible_owned(f.text(&v.source.text)),
                before: b,
                after: a,
            };
            (f.span.start, flow)
        };
        // Each flow's text is collapsed and escaped on every core when a
        // rulebook change moves many (a narrowed permission changed a fifth
        // of a generated national corpus's flows), written in place.
        changed.reserve(differ.len());
        if differ.len() < PARALLEL_IMPACTS {
            changed.extend(differ.into_iter().zip(lines).map(impact));
        } else {
            changed.par_extend(
                (differ.into_par_iter().zip(lines))
                    .with_min_len(PARALLEL_IMPACTS)
                    .map(impact),
            );
        }
        let (was, _, was_texts) = other.get_mut(v.at).map(std::mem::take).unwrap_or_default();
        let file: Arc<str> = Arc::from(v.source.name.as_str());
        let mut texts = line_texts(v.source, v.other.keys().map(|(l, _)| *l));
        texts.extend(was_texts);
        other_findings_changed +=
            declarations_differing(&file, &texts, was, v.other, &mut declarations);
    })?;
    // The models are freed on the pool while the caller goes on to write
    // the report: piece by piece, a million flows' take tens of ms.
    rayon::spawn(move || drop(second));
    // Designs the second run did not analyse: their findings are gone.
    for (was, file, texts) in other {
        other_findings_changed +=
            declarations_differing(&file, &texts, was, BTreeMap::new(), &mut declarations);
    }
    // By file name, then by place in the file.
    changed.sort_by(|(x, a), (y, b)| (&a.file, x).cmp(&(&b.file, y)));
    declarations.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    let declarations_changed = declarations.len();
    declarations.truncate(MAX_DECLARATIONS);
    timings.merge(&s.timings);
    Ok(Impact {
        designs: before.designs,
        flows: before.flows,
        changed: changed.into_iter().map(|(_, f)| f).collect(),
        other_findings_changed,
        declarations,
        declarations_changed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(checked: bool, findings: &[(usize, Code)]) -> Verdict {
        Verdict {
            checked,
            findings: findings.iter().copied().collect(),
        }
    }

    #[test]
    fn the_flows_left_unchecked_are_those_the_graph_left_out() {
        let mut src = String::from(
            "use \"kenpo\"\nactor A : 組合\nactor B : 他機関\ndata x : 課税・非課税情報\n",
        );
        let mut want = Vec::new();
        // Enough flows for the graph to read them in several chunks.
        for i in 0..150_000 {
            let (flow, skipped) = match i % 7 {
                0 => ("flow A -> Z : x for 被扶養者認定\n", true),
                3 => ("flow A -> B : y for 被扶養者認定\n", true),
                _ => ("flow A -> B : x for 被扶養者認定\n", false),
            };
            src.push_str(flow);
            if skipped {
                want.push(i);
            }
        }
        let mut s =
            crate::session::Session::new(crate::session::RulebookSource::Builtin("kenpo".into()));
        let checked = s.check_text("big.myna", src, None);
        let analysis = checked.analysis.expect("analysed");
        let design = &analysis.design;
        assert_eq!(design.flows.len(), 150_000);
        let left_out: Vec<usize> = (analysis.graph.left_out().iter())
            .map(|f| f.index())
            .collect();
        assert_eq!(left_out, want);
        let asked: Vec<usize> = (0..design.flows.len())
            .filter(|&i| !design.flow_is_resolved(FlowId::new(i as u32)))
            .collect();
        assert_eq!(asked, want);
    }

    #[test]
    fn flows_starting_by_a_place_are_counted_as_a_search_would() {
        let few: Vec<u32> = [0, 3, 3, 7, 10, 10, 10, 15, 40, 41, 90, 200].to_vec();
        // Long enough that the walk in order gives way to the search:
        // runs of equal starts, gaps of every size.
        let many: Vec<u32> = (0..120u32).map(|i| i * i / 7 + i / 3).collect();
        for starts in [few, many] {
            for from in 0..starts.len() {
                for at in 0..2200 {
                    let want = starts.partition_point(|&s| s <= at);
                    if want < from {
                        continue;
                    }
                    assert_eq!(starting_by(&starts, from, at, |&s| s), want, "{from} {at}");
                }
            }
        }
        assert_eq!(starting_by(&[] as &[u32], 0, 5, |&s| s), 0);
    }

    #[test]
    fn only_the_verdicts_that_are_not_clean_are_kept_and_compared() {
        let found = vec![
            (2, 5, Code::MN102),
            (2, 5, Code::MN103),
            (7, 9, Code::MN201),
            (9, 11, Code::MN102),
        ];
        let got = not_clean(found, [0, 7].into_iter());
        assert_eq!(
            got,
            [
                (0, v(false, &[])),
                (2, v(true, &[(5, Code::MN102), (5, Code::MN103)])),
                (7, v(false, &[(9, Code::MN201)])),
                (9, v(true, &[(11, Code::MN102)])),
            ]
        );
        assert!(not_clean(Vec::new(), std::iter::empty()).is_empty());
        // Flow 0 unchanged, 2 loses a finding, 7 is clean after, 9 is
        // clean before, 4 gains one; a flow in neither list is clean in both.
        let after = vec![
            (0, v(false, &[])),
            (2, v(true, &[(5, Code::MN102)])),
            (4, v(true, &[(6, Code::MN103)])),
            (9, v(true, &[(11, Code::MN102)])),
        ];
        let before = got;
        let d = differing(before.clone(), after);
        let changed: Vec<usize> = d.iter().map(|(i, _, _)| *i).collect();
        assert_eq!(changed, [2, 4, 7]);
        assert_eq!(d[1].1, clean());
        assert_eq!(d[2].2, clean());
        assert!(differing(before.clone(), before).is_empty());
    }

    /// Findings placed in stretches are placed as in one pass, wherever
    /// a stretch starts: before the first flow, inside a flow whose other
    /// findings the previous stretch placed, or on a line between flows.
    #[test]
    fn findings_placed_in_stretches_are_placed_as_in_one_pass() {
        let mut src = String::from("use \"kenpo\"\nactor A : 組合\nactor B : 他機関\n");
        src.push_str("data x : 課税・非課税情報\n");
        for i in 0..300 {
            src.push_str("flow A -> B : x for 被扶養者認定\n");
            if i % 50 == 0 {
                src.push_str("# between\n");
            }
        }
        let mut s =
            crate::session::Session::new(crate::session::RulebookSource::Builtin("kenpo".into()));
        let checked = s.check_text("places.myna", src, None);
        let analysis = checked.analysis.expect("analysed");
        let design = &analysis.design;
        let source = s.sources.get(checked.file);
        // Two findings in each flow (its sender and its purpose), and one
        // on each declaration and each comment line.
        let mut places = Vec::new();
        for f in &design.flows {
            places.push((Code::MN102, f.span));
            places.push((Code::MN202, f.purposes_span()));
        }
        for (i, _) in source
            .text
            .match_indices("actor ")
            .chain(source.text.match_indices("# "))
        {
            let at = Span::new(checked.file, i, i + 1);
            places.push((Code::MN303, at));
        }
        places.sort_unstable_by_key(|&(code, at)| (at.start, code));
        let whole = in_flows(source, design, &places);
        assert_eq!(whole.0.len(), 600);
        assert_eq!(whole.1.len(), 2 + 6);
        for size in [1, 2, 3, 7, 64, 599] {
            let (mut found, mut outside) = (Vec::new(), Vec::new());
            for stretch in places.chunks(size) {
                let (f, o) = in_flows(source, design, stretch);
                found.extend(f);
                outside.extend(o);
            }
            assert_eq!((found, outside), whole, "stretches of {size}");
        }
    }

    /// Lists long enough to be cut into stretches compare as one pass
    /// does: every flow whose verdict changed, once, in order, whichever
    /// list is longer and wherever the cuts fall.
    #[test]
    fn long_lists_compared_in_stretches_give_what_one_pass_gives() {
        let n = 5 * VERDICTS_PER_TASK;
        let finding = |i: usize| v(true, &[(i + 1, Code::MN202)]);
        // Before: every third flow; after: every other one, and flow 6k+1
        // checked no more; the two agree on flows 6k.
        let before: Vec<_> = (0..n).step_by(3).map(|i| (i, finding(i))).collect();
        let mut after: Vec<_> = (0..n).step_by(2).map(|i| (i, finding(i))).collect();
        after.extend((1..n).step_by(6).map(|i| (i, v(false, &[]))));
        after.sort_by_key(|(i, _)| *i);
        let want = differing_in(&mut before.clone(), &mut after.clone());
        assert!(want.len() > 2 * VERDICTS_PER_TASK, "{}", want.len());
        assert!(want.iter().all(|(i, _, _)| i % 6 != 0));
        assert_eq!(differing(before.clone(), after.clone()), want);
        // The other way round: the longer list is the first.
        let swapped: Vec<_> = want
            .iter()
            .map(|(i, b, a)| (*i, a.clone(), b.clone()))
            .collect();
        assert_eq!(differing(after, before), swapped);
    }
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

    fn diff_of(old: &str, new: &str) -> RuleDiff {
        diff(&load(0, old), &load(1, new))
    }

    /// A change in one line: `allow removed 7(1) 他機関 -> 組合 [..]`.
    fn brief(c: &Change) -> String {
        let v = |v: &Option<Value>| match v {
            None => "-".to_string(),
            Some(Value::Grant(g)) => g.to_allow(),
            Some(v) => format!("{v:?}"),
        };
        format!(
            "{} {}{} {} | {} | {}",
            c.kind.as_str(),
            c.op.as_str(),
            c.aspect
                .map_or(String::new(), |a| format!(" {}", a.as_str())),
            c.subject,
            v(&c.old),
            v(&c.new)
        )
    }

    fn briefs(d: &RuleDiff) -> Vec<String> {
        d.changes.iter().map(brief).collect()
    }

    const BASE: &str = "rulebook t \"T\" revised 2024-12-04\n\
        role 組合 self\nrole 他機関\nrole NW carrier\nrole 中間 carrier\n\
        category 特定 mynumber\ncategory 課税 in 特定\ncategory 住民票 in 特定\ncategory 口座 in 特定\n\
        category 個人情報\n\
        section \"2(1)\" { purpose 認定 \"被扶養者の認定\"\n purpose 給付 }\n\
        section \"7(1)\" \"他機関から\" mynumber basis \"第19条第7号\" {\n\
          purpose 還付 \"保険料の還付\"\n\
          allow 他機関 -> 組合 : 課税, 住民票 for 認定 via NW\n\
          allow 他機関 -> 組合 : 口座 for 給付, 還付 via NW\n}\n\
        contractor \"株式会社 J M D C\" for 給付\n\
        clause 守秘義務 \"① 守秘義務\"\n";

    #[test]
    fn a_rulebook_equals_itself() {
        assert!(diff_of(BASE, BASE).is_empty());
    }

    #[test]
    fn a_purpose_dropped_from_a_rule_is_one_removed_permission() {
        let new = BASE.replace("口座 for 給付, 還付", "口座 for 給付");
        let d = diff_of(BASE, &new);
        assert_eq!(
            briefs(&d),
            ["allow removed 7(1) 他機関 -> 組合 | allow 他機関 -> 組合 : 口座 for 還付 via NW | -"]
        );
        let c = &d.changes[0];
        assert_eq!(c.section.as_deref(), Some("7(1)"));
        assert_eq!(c.old_span.map(|s| s.file), Some(FileId(0)));
        assert_eq!(c.new_span, None);
    }

    #[test]
    fn split_merged_reordered_and_respelled_rules_are_no_change() {
        // Split the two-category rule, merge nothing else, reorder
        // declarations, spell names in full width: the same permissions.
        let new = "rulebook t \"T\" revised 2024-12-04\n\
            role 他機関\nrole 組合 self\nrole 中間 carrier\nrole ＮＷ carrier\n\
            category 個人情報\ncategory 特定 mynumber\ncategory 口座 in 特定\ncategory 住民票 in 特定\ncategory 課税 in 特定\n\
            section \"7(1)\" \"他機関から\" mynumber basis \"第19条第7号\" {\n\
              purpose 還付 \"保険料の還付\"\n\
              allow 他機関 -> 組合 : 口座 for 還付, 給付 via NW\n\
              allow 他機関 -> 組合 : 住民票 for 認定 via NW\n\
              allow 他機関 -> 組合 : 課税 for 認定 via ＮＷ\n}\n\
            section \"2(1)\" { purpose 給付\n purpose 認定 \"被扶養者の認定\" }\n\
            clause 守秘義務 \"① 守秘義務\"\n\
            contractor \"株式会社ＪＭＤＣ\" for 給付\n";
        let d = diff_of(BASE, new);
        assert!(d.is_empty(), "{:#?}", briefs(&d));
    }

    #[test]
    fn merged_rules_read_as_one_line() {
        // Two categories gain the same purposes: one line, not four atoms.
        let new = BASE.replace(
            "allow 他機関 -> 組合 : 口座 for 給付, 還付 via NW",
            "allow 他機関 -> 組合 : 口座, 課税, 住民票 for 給付, 還付 via NW",
        );
        assert_eq!(
            briefs(&diff_of(BASE, &new)),
            [
                "allow added 7(1) 他機関 -> 組合 | - | allow 他機関 -> 組合 : 課税, 住民票 for 給付, 還付 via NW"
            ]
        );
    }

    #[test]
    fn a_changed_channel_is_one_change() {
        let new = BASE.replace(
            "口座 for 給付, 還付 via NW",
            "口座 for 給付, 還付 via 中間, NW",
        );
        assert_eq!(
            briefs(&diff_of(BASE, &new)),
            [
                "allow changed via 7(1) 他機関 -> 組合 | allow 他機関 -> 組合 : 口座 for 給付, 還付 via NW \
              | allow 他機関 -> 組合 : 口座 for 給付, 還付 via NW, 中間"
            ]
        );
    }

    #[test]
    fn a_rule_for_any_purpose_reads_without_for() {
        let new = BASE.replace(
            "purpose 還付",
            "allow 組合 -> 他機関 : 住民票\npurpose 還付",
        );
        assert_eq!(
            briefs(&diff_of(BASE, &new)),
            ["allow added 7(1) 組合 -> 他機関 | - | allow 組合 -> 他機関 : 住民票"]
        );
    }

    #[test]
    fn declarations_changed_in_each_aspect() {
        let new = BASE
            .replace("revised 2024-12-04", "revised 2025-04-01")
            .replace("role NW carrier", "role NW")
            .replace("category 口座 in 特定", "category 口座 in 個人情報")
            .replace(
                "\"他機関から\" mynumber basis \"第19条第7号\"",
                "\"他機関から\" mynumber basis \"第19条第8号\"",
            )
            .replace(
                "purpose 還付 \"保険料の還付\"",
                "purpose 還付 \"任意継続の保険料の還付\"",
            )
            .replace(" purpose 給付 }", " }\nsection \"1(1)\" { purpose 給付 }")
            .replace("for 給付\n", "for 給付, 認定\n")
            .replace("\"① 守秘義務\"", "\"① 秘密保持\"");
        // 口座 leaves the mynumber tree: its rule is now an ordinary
        // category in a mynumber section, which the loader refuses, so
        // the rule goes with it.
        let new = new.replace("allow 他機関 -> 組合 : 口座 for 給付, 還付 via NW\n", "");
        assert_eq!(
            briefs(&diff_of(BASE, &new)),
            [
                "rulebook changed revised t | Text(\"2024-12-04\") | Text(\"2025-04-01\")",
                "role changed flag NW | Text(\"carrier\") | Text(\"\")",
                "category changed parent 口座 | Text(\"特定\") | Text(\"個人情報\")",
                "category changed mynumber 口座 | Flag(true) | Flag(false)",
                "section added 1(1) | - | Text(\"section \\\"1(1)\\\"\")",
                "section changed basis 7(1) | Text(\"第19条第7号\") | Text(\"第19条第8号\")",
                "purpose changed section 給付 | Text(\"2(1)\") | Text(\"1(1)\")",
                "purpose changed label 還付 | Text(\"保険料の還付\") | Text(\"任意継続の保険料の還付\")",
                "allow removed 7(1) 他機関 -> 組合 | allow 他機関 -> 組合 : 口座 for 給付, 還付 via NW | -",
                "contractor changed purposes 株式会社 J M D C | Names([\"給付\"]) | Names([\"給付\", \"認定\"])",
                "clause changed label 守秘義務 | Text(\"① 守秘義務\") | Text(\"① 秘密保持\")",
            ]
        );
    }

    #[test]
    fn removed_declarations_stay_where_they_stood() {
        let old = "rulebook t\nrole A\nrole B\nrole C\nrole E\n";
        let new = "rulebook t\nrole D\nrole A\nrole C\nrole F\n";
        assert_eq!(
            briefs(&diff_of(old, new)),
            [
                "role added D | - | Text(\"role D\")",
                "role removed B | Text(\"role B\") | -",
                "role removed E | Text(\"role E\") | -",
                "role added F | - | Text(\"role F\")",
            ]
        );
    }

    #[test]
    fn names_are_quoted_only_when_they_must_be() {
        assert_eq!(shown("課税・非課税情報"), "課税・非課税情報");
        assert_eq!(shown("株式会社 J M D C"), "\"株式会社 J M D C\"");
        assert_eq!(shown("for"), "\"for\"");
        assert_eq!(shown("a\"b"), "\"a\\\"b\"");
        assert_eq!(shown("7(1)"), "\"7(1)\"");
    }
}
