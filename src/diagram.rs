//! A picture of a design as data: nodes (actors), edges (one per leg of a
//! flow, `via` actors as intermediate hops) and the cluster of the
//! society's own systems. Built once from the design and its findings; the
//! DOT and Mermaid renderers only format it.

use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::model::*;
use crate::names;
use crate::source::SourceFile;
use crate::span::Span;
use crate::text::Text;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use smallvec::SmallVec;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// What kind of party a node is, for its shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeKind {
    /// One of the society's systems (`self` role).
    SelfOrg,
    /// A pass-through channel (`carrier` role).
    Carrier,
    /// Another organisation.
    Party,
    /// A contractor.
    Contractor,
    /// The data subject.
    Subject,
    /// An actor whose role did not resolve, or a name no actor declares.
    Unknown,
}

/// Columns of a picture, left to right.
pub const COLUMNS: usize = 5;

impl NodeKind {
    /// The column a node of this kind is drawn in: outside parties |
    /// carriers | the society's systems | contractors | the person. Unknown
    /// actors stand with the outside parties.
    pub fn column(self) -> usize {
        match self {
            NodeKind::Party | NodeKind::Unknown => 0,
            NodeKind::Carrier => 1,
            NodeKind::SelfOrg => 2,
            NodeKind::Contractor => 3,
            NodeKind::Subject => 4,
        }
    }

    /// A stable lowercase name (CSS classes, JSON).
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::SelfOrg => "self",
            NodeKind::Carrier => "carrier",
            NodeKind::Party => "party",
            NodeKind::Contractor => "contractor",
            NodeKind::Subject => "subject",
            NodeKind::Unknown => "unknown",
        }
    }

    fn of(kind: Option<RoleKind>) -> NodeKind {
        match kind {
            Some(RoleKind::SelfOrg) => NodeKind::SelfOrg,
            Some(RoleKind::Carrier) => NodeKind::Carrier,
            Some(RoleKind::Party) => NodeKind::Party,
            Some(RoleKind::Contractor) => NodeKind::Contractor,
            Some(RoleKind::Subject) => NodeKind::Subject,
            None => NodeKind::Unknown,
        }
    }
}

/// An actor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    /// A key unique in the diagram: the actor's name (DOT uses it as the
    /// node's id).
    pub key: String,
    /// The actor's name.
    pub name: String,
    /// Its role's name, when known.
    pub role: Option<String>,
    /// Its label (a system's description, a contractor's legal name).
    pub label: Option<String>,
    /// Its kind.
    pub kind: NodeKind,
    /// The actor (None for a name no actor declares).
    pub actor: Option<ActorId>,
    /// Drawn grey: outside the part of the picture in focus (`--reach`).
    pub dimmed: bool,
}

/// One leg of a flow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edge {
    /// Sender (index into [`Diagram::nodes`]).
    pub from: usize,
    /// Receiver.
    pub to: usize,
    /// A `<->` flow: drawn with arrows at both ends.
    pub both_ways: bool,
    /// `item, item / purpose`, shortened.
    pub label: String,
    /// Does the flow carry 特定個人情報?
    pub mynumber: bool,
    /// Codes of the errors reported on the flow statement, sorted.
    pub codes: Vec<Code>,
    /// The flow statement.
    pub flow: FlowId,
    /// Drawn grey: outside the part of the picture in focus (`--reach`).
    pub dimmed: bool,
}

impl Edge {
    /// Is the flow reported as an error?
    pub fn violating(&self) -> bool {
        !self.codes.is_empty()
    }
}

/// A group of nodes drawn together.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cluster {
    /// Its title.
    pub title: Text,
    /// Its nodes, in order.
    pub nodes: Vec<usize>,
}

/// The picture of one design.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagram {
    /// The design's file name.
    pub file: String,
    /// Actors: the society's systems first, then the others, each in
    /// declaration order; names no actor declares last, by name.
    pub nodes: Vec<Node>,
    /// Legs of flows, in source order.
    pub edges: Vec<Edge>,
    /// The society's systems (at most one cluster).
    pub clusters: Vec<Cluster>,
}

/// What to draw. Each filter keeps the flows that pass it, and the actors
/// they touch.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Only flows carrying 特定個人情報.
    pub only_mynumber: bool,
    /// Only flows carrying this data item (compared by [`names::key`]).
    pub item: Option<String>,
    /// Only flows for a purpose of this section (its id, e.g. `7(1)`):
    /// one it declares, or one a rule of it allows (7(1) allows
    /// 被扶養者認定, declared in 2(1)).
    pub section: Option<String>,
    /// Only these flows (in source order), when set: the part of a large
    /// design a page can show (`report`).
    pub flows: Option<Vec<FlowId>>,
    /// The language of the edges' labels, whose lists of items, purposes
    /// and codes are set apart as its sentences' are (`、` in Japanese).
    pub lang: crate::text::Lang,
}

/// The sections each purpose of `rb` is for (by purpose number; each
/// list sorted, each section once): the section that declares it, and
/// every section a rule of which allows it or a purpose above it (7(1)
/// allows 被扶養者認定, declared in 2(1)). What `graph --section` keeps
/// and the report's Section filter shows: one definition for both.
pub fn purpose_sections(rb: &Rulebook) -> Vec<Vec<SectionId>> {
    purpose_sections_among(rb, |_| true)
}

/// [`purpose_sections`] for the sections `among` takes only: the others'
/// rules are not walked (`graph --section` asks for one section).
fn purpose_sections_among(rb: &Rulebook, among: impl Fn(&Section) -> bool) -> Vec<Vec<SectionId>> {
    let taken: Vec<bool> = rb.sections.iter().map(among).collect();
    let is_taken = |s: SectionId| taken.get(s.index()).copied().unwrap_or(false);
    let mut out: Vec<Vec<SectionId>> = (rb.purposes.iter())
        .map(|p| {
            if is_taken(p.section) {
                vec![p.section]
            } else {
                Vec::new()
            }
        })
        .collect();
    // The purposes each section's rules name, so that each section's tree
    // is walked once, not once per rule.
    let mut allowed: Vec<Vec<usize>> = vec![Vec::new(); rb.sections.len()];
    for r in rb.rules.iter().filter(|r| is_taken(r.section)) {
        if let Some(a) = allowed.get_mut(r.section.index()) {
            a.extend(r.purposes.iter().map(|p| p.index()));
        }
    }
    for (s, tops) in allowed.iter().enumerate() {
        if tops.is_empty() {
            continue;
        }
        for d in rb.below(Tree::Purposes, tops) {
            if let Some(of) = out.get_mut(d as usize) {
                of.push(SectionId::new(s as u32));
            }
        }
    }
    for of in &mut out {
        of.sort_unstable();
        of.dedup();
    }
    out
}

impl Options {
    /// Does the flow pass every filter?
    pub fn keeps(&self, design: &Design, flow: &Flow) -> bool {
        self.keeps_for(design, flow, self.section_purposes(design).as_deref())
    }

    /// The purposes of [`Options::section`], by number: those it declares
    /// and those its rules allow. None without a section filter or a
    /// rulebook.
    fn section_purposes(&self, design: &Design) -> Option<Vec<bool>> {
        let (want, rb) = (self.section.as_deref()?, design.rulebook.as_deref()?);
        let of = purpose_sections_among(rb, |s| s.id == want)
            .iter()
            .map(|sections| !sections.is_empty())
            .collect();
        Some(of)
    }

    /// [`Options::keeps`], the section's purposes found once
    /// ([`Options::section_purposes`]).
    fn keeps_for(&self, design: &Design, flow: &Flow, section_purposes: Option<&[bool]>) -> bool {
        let mynumber = || {
            flow.items
                .iter()
                .any(|i| i.id.is_some_and(|d| design.is_mynumber(d)))
        };
        let item = |want: &str| {
            let want = names::key(want);
            flow.items.iter().any(|i| {
                i.id.is_some_and(|d| names::key(&design.item(d).name) == want)
            })
        };
        let section = |_: &str| {
            let of = section_purposes.unwrap_or_default();
            (flow.purposes.iter()).any(|p| {
                p.id.is_some_and(|p| of.get(p.index()).copied().unwrap_or(false))
            })
        };
        (!self.only_mynumber || mynumber())
            && self.item.as_deref().is_none_or(item)
            && self.section.as_deref().is_none_or(section)
    }

    /// Is any filter set?
    pub fn filters(&self) -> bool {
        self.only_mynumber || self.item.is_some() || self.section.is_some() || self.flows.is_some()
    }
}

impl Diagram {
    /// Greys out every node and edge outside the focus: nodes whose actor
    /// `keep_actor` rejects, edges whose flow `keep_flow` rejects.
    pub fn focus(
        &mut self,
        keep_actor: impl Fn(ActorId) -> bool,
        keep_flow: impl Fn(FlowId) -> bool,
    ) {
        for n in &mut self.nodes {
            n.dimmed = !n.actor.is_some_and(&keep_actor);
        }
        for e in &mut self.edges {
            e.dimmed = !keep_flow(e.flow);
        }
    }
}

/// Parallel legs between two actors, drawn as one edge with a count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Merged {
    /// One end (the lower node index).
    pub a: usize,
    /// The other end (`a == b` for a flow from an actor to itself).
    pub b: usize,
    /// Some leg goes from `a` to `b`.
    pub forward: bool,
    /// Some leg goes from `b` to `a`.
    pub backward: bool,
    /// The legs (indices into [`Diagram::edges`]), in source order (most
    /// pairs have one leg, kept without an allocation).
    pub edges: SmallVec<[usize; 1]>,
    /// Does some leg carry 特定個人情報?
    pub mynumber: bool,
    /// Codes of the errors on any leg, sorted.
    pub codes: Vec<Code>,
    /// Every leg is dimmed.
    pub dimmed: bool,
}

impl Merged {
    /// The group of the legs between `a` and `b` (dimmed or not), before
    /// any leg joins it.
    fn empty(a: usize, b: usize, dimmed: bool) -> Merged {
        Merged {
            a,
            b,
            forward: false,
            backward: false,
            edges: SmallVec::new(),
            mynumber: false,
            codes: Vec::new(),
            dimmed,
        }
    }

    /// Sorts its codes and drops repeats.
    fn tidy(&mut self) {
        self.codes.sort();
        self.codes.dedup();
    }

    /// Is some leg reported as an error?
    pub fn violating(&self) -> bool {
        !self.codes.is_empty()
    }

    /// Appends the codes of its errors, joined by `, ` (`、` in Japanese).
    pub fn push_codes(&self, out: &mut Vec<u8>, lang: crate::text::Lang) {
        let separator = crate::text::list_separator(lang).as_bytes();
        for (i, c) in self.codes.iter().enumerate() {
            if i > 0 {
                out.extend_from_slice(separator);
            }
            out.extend_from_slice(c.as_str().as_bytes());
        }
    }

    /// The edge's label: a single leg's own label, or `N flows` and the
    /// first distinct labels of the legs.
    pub fn label<'d>(&self, d: &'d Diagram, lang: crate::text::Lang) -> Cow<'d, str> {
        if let [e] = self.edges[..] {
            return Cow::Borrowed(&d.edges[e].label);
        }
        // Distinct labels in order of first use: looked for in the list
        // while it is short (most pairs have a few legs: a set made for
        // each was a tenth of `graph`'s drawing at a million flows), then
        // in a set, so that a pair of actors with many legs and labels is
        // not a quadratic search.
        const SCANNED: usize = 16;
        let mut labels: Vec<&str> = Vec::new();
        let mut seen: Option<rustc_hash::FxHashSet<&str>> = None;
        for &e in &self.edges {
            let l = d.edges[e].label.as_str();
            let new = match &mut seen {
                Some(set) => set.insert(l),
                None => !labels.contains(&l),
            };
            if new {
                labels.push(l);
                if seen.is_none() && labels.len() > SCANNED {
                    seen = Some(labels.iter().copied().collect());
                }
            }
        }
        let n = self.edges.len();
        let mut out = crate::text!("{n} flows"; "{n} 件").get(lang).to_string();
        for l in labels.iter().take(SHOWN) {
            out.push('\n');
            out.push_str(l);
        }
        if labels.len() > SHOWN {
            out.push_str(&format!("\n+{}", labels.len() - SHOWN));
        }
        Cow::Owned(out)
    }
}

/// Merges the diagram's parallel legs: one [`Merged`] per pair of actors,
/// in the order of each pair's first leg (see [`Groups`]).
pub fn merge(d: &Diagram) -> Vec<Merged> {
    let groups = Groups::of(d);
    let firsts = groups.firsts();
    if firsts.len() >= PARALLEL_FLOWS {
        firsts.par_iter().map(|&f| groups.merged(f)).collect()
    } else {
        firsts.iter().map(|&f| groups.merged(f)).collect()
    }
}

/// The diagram's parallel legs grouped, each group named by its first leg
/// and held as a chain of legs: a few bytes a leg, so that a renderer makes
/// each [`Merged`] as it draws it instead of holding them all (at a million
/// legs, building and ordering a list of them cost a fifth of a second,
/// most of it first touches of fresh memory).
///
/// Linear in the legs and nodes, without hashing: the legs are sorted by
/// their lower end (a counting sort, stable), and each end's legs grouped by
/// their other end through an array stamped with the end. A large
/// diagram's ends are grouped in ranges on every core.
pub struct Groups<'d> {
    d: &'d Diagram,
    /// The next leg of each leg's group (`NONE` after its last).
    next: Vec<AtomicUsize>,
    /// Does the leg start its group?
    starts: Vec<AtomicBool>,
}

/// The end of a chain of legs.
const NONE: usize = usize::MAX;

/// About how many legs each range of lower ends [`Groups::of`] groups holds.
const MERGE_RANGE_LEGS: usize = 1 << 15;

impl<'d> Groups<'d> {
    /// Groups the legs of `d`.
    pub fn of(d: &'d Diagram) -> Groups<'d> {
        Groups::in_ranges(d, MERGE_RANGE_LEGS)
    }

    /// [`Groups::of`] with ranges of about `range_legs` legs (tests use
    /// small ones).
    fn in_ranges(d: &'d Diagram, range_legs: usize) -> Groups<'d> {
        let n = d.nodes.len();
        let legs = d.edges.len();
        let parallel = legs >= 2 * range_legs;
        // Each leg's lower end, and its other end and dimming as one slot
        // of the stamp arrays: read in end order below, from a list a
        // fifth the size of the legs. Dimmed and highlighted legs stay
        // apart, so that a focus stays visible.
        let ends_of = |e: &Edge| {
            (
                e.from.min(e.to),
                2 * e.from.max(e.to) + usize::from(e.dimmed),
            )
        };
        let ends: Vec<(usize, usize)> = if parallel {
            d.edges.par_iter().map(ends_of).collect()
        } else {
            d.edges.iter().map(ends_of).collect()
        };
        // Legs by lower end, in order within each end.
        let mut start = vec![0usize; n + 1];
        for &(a, _) in &ends {
            start[a + 1] += 1;
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        let mut at = start.clone();
        let mut by_end = vec![0usize; legs];
        for (i, &(a, _)) in ends.iter().enumerate() {
            by_end[at[a]] = i;
            at[a] += 1;
        }
        drop(at);
        // Ranges of lower ends with about `range_legs` legs each.
        let mut ranges = Vec::new();
        let mut from = 0;
        for a in 0..n {
            if start[a + 1] - start[from] >= range_legs.max(1) {
                ranges.push(from..a + 1);
                from = a + 1;
            }
        }
        if from < n {
            ranges.push(from..n);
        }
        let made = |_| AtomicUsize::new(NONE);
        let groups = Groups {
            d,
            next: if parallel {
                (0..legs).into_par_iter().map(made).collect()
            } else {
                (0..legs).map(made).collect()
            },
            starts: if parallel {
                (0..legs)
                    .into_par_iter()
                    .map(|_| AtomicBool::new(false))
                    .collect()
            } else {
                (0..legs).map(|_| AtomicBool::new(false)).collect()
            },
        };
        let chain = |range: std::ops::Range<usize>, s: &mut Stamps| {
            if s.stamp.len() < 2 * n {
                s.stamp.resize(2 * n, 0);
                s.last.resize(2 * n, 0);
            }
            for a in range {
                for &i in by_end.get(start[a]..start[a + 1]).unwrap_or_default() {
                    let slot = ends[i].1;
                    if s.stamp[slot] != a + 1 {
                        s.stamp[slot] = a + 1;
                        groups.starts[i].store(true, Ordering::Relaxed);
                    } else {
                        groups.next[s.last[slot]].store(i, Ordering::Relaxed);
                    }
                    s.last[slot] = i;
                }
            }
        };
        if parallel {
            // One pair of stamp arrays per thread of the pool, kept across
            // its ranges: a stamp is an end, and every end is in one range.
            let scratch: Vec<std::sync::Mutex<Stamps>> = (0..rayon::current_num_threads())
                .map(|_| std::sync::Mutex::new(Stamps::default()))
                .collect();
            ranges.into_par_iter().with_max_len(1).for_each(|r| {
                let at = rayon::current_thread_index().unwrap_or(0);
                match scratch.get(at).map(|s| s.lock()) {
                    Some(Ok(mut stamps)) => chain(r, &mut stamps),
                    _ => chain(r, &mut Stamps::default()),
                }
            });
        } else {
            let mut stamps = Stamps::default();
            for r in ranges {
                chain(r, &mut stamps);
            }
        }
        groups
    }

    /// The first leg of every group, in order: the order the groups are
    /// drawn in.
    pub fn firsts(&self) -> Vec<usize> {
        let first = |(i, s): (usize, &AtomicBool)| s.load(Ordering::Relaxed).then_some(i);
        if self.starts.len() >= PARALLEL_FLOWS {
            self.starts
                .par_iter()
                .enumerate()
                .filter_map(first)
                .collect()
        } else {
            self.starts.iter().enumerate().filter_map(first).collect()
        }
    }

    /// The legs of the group whose first leg is `first`, in order.
    fn legs(&self, first: usize) -> impl Iterator<Item = (usize, &'d Edge)> + '_ {
        let mut leg = first;
        std::iter::from_fn(move || {
            let e = self.d.edges.get(leg)?;
            let this = leg;
            leg = self
                .next
                .get(leg)
                .map_or(NONE, |n| n.load(Ordering::Relaxed));
            Some((this, e))
        })
    }

    /// Is some leg of the group whose first leg is `first` reported as an
    /// error? ([`Merged::violating`] without making the group.)
    pub fn violating(&self, first: usize) -> bool {
        self.legs(first).any(|(_, e)| e.violating())
    }

    /// The group whose first leg is `first`.
    pub fn merged(&self, first: usize) -> Merged {
        let Some(e) = self.d.edges.get(first) else {
            return Merged::empty(0, 0, false);
        };
        let (a, b) = (e.from.min(e.to), e.from.max(e.to));
        let mut m = Merged::empty(a, b, e.dimmed);
        for (leg, e) in self.legs(first) {
            let ahead = e.from == a;
            m.forward |= ahead || e.both_ways;
            m.backward |= !ahead || e.both_ways;
            m.edges.push(leg);
            m.mynumber |= e.mynumber;
            m.codes.extend(e.codes.iter().copied());
        }
        m.tidy();
        m
    }
}

/// Where each other end's legs are chained, for the lower end being
/// grouped: the group of (a, slot) has its last leg so far at `last[slot]`
/// while `stamp[slot]` is a + 1.
#[derive(Default)]
struct Stamps {
    stamp: Vec<usize>,
    last: Vec<usize>,
}

/// Items or purposes shown on an edge before `+N`.
const SHOWN: usize = 3;

/// Appends `names` as an edge shows them: the first [`SHOWN`], set apart
/// by `separator`, then `+N`.
fn push_short_list<'a>(
    out: &mut String,
    names: impl ExactSizeIterator<Item = &'a str>,
    separator: &str,
) {
    let n = names.len();
    for (i, name) in names.take(SHOWN).enumerate() {
        if i > 0 {
            out.push_str(separator);
        }
        out.push_str(name);
    }
    if n > SHOWN {
        out.push_str(" +");
        out.push_str(&(n - SHOWN).to_string());
    }
}

/// The actors a flow passes, sender first.
fn stops(f: &Flow) -> impl Iterator<Item = Ref<ActorId>> + '_ {
    std::iter::once(f.from)
        .chain(f.via.iter().copied())
        .chain(std::iter::once(f.to))
}

/// Designs with at least this many flows draw their edges on every core.
const PARALLEL_FLOWS: usize = 1 << 14;

/// Builds the picture of a design. `source` is the design's file (names
/// that did not resolve are shown as written); `diagnostics` are the
/// session's findings (those of other files are ignored).
///
/// Linear in the flows: actors are found by number, and a large design's
/// edges are drawn on every core, in order.
pub fn build<'d>(
    design: &Design,
    source: &SourceFile,
    diagnostics: impl IntoIterator<Item = &'d Diagnostic>,
    options: &Options,
) -> Diagram {
    let text = source.text.as_str();
    let written = |s: Span| text.get(s.range()).unwrap_or("?");
    let parallel = design.flows.len() >= PARALLEL_FLOWS;
    let section_purposes = options.section_purposes(design);
    let keeps = |f: FlowId| options.keeps_for(design, design.flow(f), section_purposes.as_deref());
    let kept = |i: usize| {
        let f = FlowId::new(i as u32);
        keeps(f).then_some(f)
    };
    let flows: Vec<FlowId> = if let Some(only) = &options.flows {
        only.iter()
            .copied()
            .filter(|&f| f.index() < design.flows.len() && keeps(f))
            .collect()
    } else if !options.filters() {
        (0..design.flows.len())
            .map(|i| FlowId::new(i as u32))
            .collect()
    } else if parallel {
        (0..design.flows.len())
            .into_par_iter()
            .filter_map(kept)
            .collect()
    } else {
        (0..design.flows.len()).filter_map(kept).collect()
    };

    // Which actors to draw, and names of undeclared ones (first spelling,
    // by name key): a million flows are read on every core, in runs whose
    // spellings are joined in the runs' order, so the first is kept.
    let touched: Vec<AtomicBool> = (0..design.actors.len())
        .map(|_| AtomicBool::new(false))
        .collect();
    let undeclared_in = |run: &[FlowId]| {
        let mut undeclared: BTreeMap<String, &str> = BTreeMap::new();
        for &f in run {
            for r in stops(design.flow(f)) {
                match r.id {
                    Some(a) => {
                        if let Some(t) = touched.get(a.index()) {
                            t.store(true, Ordering::Relaxed);
                        }
                    }
                    None => {
                        let name = written(r.span);
                        undeclared.entry(names::key(name)).or_insert(name);
                    }
                }
            }
        }
        undeclared
    };
    let runs: Vec<BTreeMap<String, &str>> = if parallel {
        flows
            .par_chunks(PARALLEL_FLOWS)
            .with_max_len(1)
            .map(undeclared_in)
            .collect()
    } else {
        vec![undeclared_in(&flows)]
    };
    let mut undeclared: BTreeMap<String, String> = BTreeMap::new();
    for run in runs {
        for (key, name) in run {
            undeclared.entry(key).or_insert_with(|| name.to_string());
        }
    }
    let touched: Vec<bool> = touched.into_iter().map(AtomicBool::into_inner).collect();

    let rb = design.rulebook.as_deref();
    let mut nodes = Vec::new();
    // The node of each actor drawn, by the actor's number; of each
    // undeclared name, by its key.
    let mut actor_node: Vec<usize> = vec![usize::MAX; design.actors.len()];
    let mut undeclared_node: BTreeMap<&str, usize> = BTreeMap::new();
    let mut used_keys: FxHashSet<String> = FxHashSet::default();
    let mut unique = |name: &str| {
        let mut k = name.to_string();
        let mut n = 2;
        while !used_keys.insert(k.clone()) {
            k = format!("{name} ({n})");
            n += 1;
        }
        k
    };
    let actors: Vec<ActorId> = (0..design.actors.len())
        .filter(|&i| !options.filters() || touched[i])
        .map(|i| ActorId::new(i as u32))
        .collect();
    let kind = |a: ActorId| NodeKind::of(design.kind_of(a));
    let (own, others): (Vec<ActorId>, Vec<ActorId>) = actors
        .into_iter()
        .partition(|a| kind(*a) == NodeKind::SelfOrg);
    for a in own.iter().chain(others.iter()) {
        let actor = design.actor(*a);
        actor_node[a.index()] = nodes.len();
        nodes.push(Node {
            key: unique(&actor.name),
            name: actor.name.clone(),
            role: match (rb, actor.role.id) {
                (Some(rb), Some(r)) => Some(rb.role(r).name.clone()),
                _ => Some(written(actor.role.span).to_string()).filter(|s| !s.is_empty()),
            },
            label: actor.label.as_ref().map(|(l, _)| l.clone()),
            kind: kind(*a),
            actor: Some(*a),
            dimmed: false,
        });
    }
    for (k, name) in &undeclared {
        undeclared_node.insert(k, nodes.len());
        nodes.push(Node {
            key: unique(name),
            name: name.clone(),
            role: None,
            label: None,
            kind: NodeKind::Unknown,
            actor: None,
            dimmed: false,
        });
    }

    let mut clusters = Vec::new();
    if !own.is_empty() {
        let mut roles: Vec<String> = Vec::new();
        for a in &own {
            if let (Some(rb), Some(r)) = (rb, design.actor(*a).role.id) {
                let name = &rb.role(r).name;
                if !roles.contains(name) {
                    roles.push(name.clone());
                }
            }
        }
        let (en, ja) = (roles.join(", "), roles.join("、"));
        clusters.push(Cluster {
            title: Text::new(format!("the society ({en})"), format!("自組織 ({ja})")),
            nodes: (0..own.len()).collect(),
        });
    }

    // Codes of the errors whose primary span lies inside each flow
    // statement (flows are in source order and do not overlap); only the
    // flows with errors have an entry.
    let mut codes_of: FxHashMap<usize, Vec<Code>> = FxHashMap::default();
    for d in diagnostics
        .into_iter()
        .filter(|d| d.is_error() && d.primary.file == design.file)
    {
        let after = design
            .flows
            .partition_point(|f| f.span.start <= d.primary.start);
        if let Some(i) = after.checked_sub(1)
            && d.primary.end <= design.flows[i].span.end
        {
            codes_of.entry(i).or_default().push(d.code);
        }
    }
    for c in codes_of.values_mut() {
        c.sort();
        c.dedup();
    }
    // Every stop of a kept flow is drawn: an actor it names was touched,
    // an undeclared name was listed.
    let node_of = |r: Ref<ActorId>| match r.id {
        Some(a) => actor_node[a.index()],
        None => undeclared_node[names::key(written(r.span)).as_str()],
    };
    let separator = crate::text::list_separator(options.lang);
    let edges_of = |f: FlowId| {
        let flow = design.flow(f);
        let items = flow.items.iter().map(|r| match r.id {
            Some(d) => design.item(d).name.as_str(),
            None => written(r.span),
        });
        let purposes = flow.purposes.iter().map(|r| match (rb, r.id) {
            (Some(rb), Some(p)) => rb.purpose(p).name.as_str(),
            _ => written(r.span),
        });
        // Sized once: the names shown, their separators and a `+N`.
        let shown = |names: &mut dyn Iterator<Item = &str>| {
            (names.take(SHOWN))
                .map(|n| n.len() + separator.len())
                .sum::<usize>()
                + 8
        };
        let mut label =
            String::with_capacity(shown(&mut items.clone()) + shown(&mut purposes.clone()) + 3);
        if purposes.len() == 0 {
            push_short_list(&mut label, items, separator);
        } else {
            if items.len() > 0 {
                push_short_list(&mut label, items, separator);
                label.push(' ');
            }
            label.push_str("/ ");
            push_short_list(&mut label, purposes, separator);
        }
        let mynumber = flow
            .items
            .iter()
            .any(|i| i.id.is_some_and(|d| design.is_mynumber(d)));
        let mut codes = codes_of.get(&f.index()).cloned().unwrap_or_default();
        let ends: SmallVec<[usize; 4]> = stops(flow).map(node_of).collect();
        let legs = ends.len().saturating_sub(1);
        (0..legs).filter_map(move |k| {
            // The last leg takes the label and codes; the others copy them.
            let (label, codes) = if k + 1 == legs {
                (std::mem::take(&mut label), std::mem::take(&mut codes))
            } else {
                (label.clone(), codes.clone())
            };
            Some(Edge {
                from: *ends.get(k)?,
                to: *ends.get(k + 1)?,
                both_ways: flow.both_ways,
                label,
                mynumber,
                codes,
                flow: f,
                dimmed: false,
            })
        })
    };
    let edges = if parallel {
        let legs = |f: FlowId| design.flow(f).via.len() + 1;
        edges_in_place(&flows, legs, edges_of)
    } else {
        flows.iter().flat_map(|&f| edges_of(f)).collect()
    };

    Diagram {
        file: source.name.clone(),
        nodes,
        edges,
        clusters,
    }
}

/// The legs of `flows` drawn on every core straight into their places:
/// each run of flows knows how many legs it draws (`legs` of each flow,
/// which `edges_of` must yield exactly), so the list is made at its full
/// size on every core and each run fills its own stretch. Collected as runs
/// and joined, a million legs (80 MB) were copied on one core, every page
/// of the copy fresh.
fn edges_in_place<I>(
    flows: &[FlowId],
    legs: impl Fn(FlowId) -> usize + Sync,
    edges_of: impl Fn(FlowId) -> I + Sync,
) -> Vec<Edge>
where
    I: Iterator<Item = Edge>,
{
    let runs: Vec<&[FlowId]> = flows.chunks(PARALLEL_FLOWS).collect();
    let counts: Vec<usize> = runs
        .par_iter()
        .with_max_len(1)
        .map(|run| run.iter().map(|&f| legs(f)).sum())
        .collect();
    let total = counts.iter().sum();
    let mut edges: Vec<Edge> = (0..total)
        .into_par_iter()
        .map(|_| Edge::placeholder())
        .collect();
    let mut stretches = Vec::with_capacity(runs.len());
    let mut rest = edges.as_mut_slice();
    for &n in &counts {
        let (stretch, after) = rest.split_at_mut(n);
        stretches.push(stretch);
        rest = after;
    }
    runs.into_par_iter()
        .zip(stretches)
        .with_max_len(1)
        .for_each(|(run, stretch)| {
            let drawn = run.iter().flat_map(|&f| edges_of(f));
            let mut filled = 0;
            for (slot, e) in stretch.iter_mut().zip(drawn) {
                *slot = e;
                filled += 1;
            }
            debug_assert_eq!(filled, stretch.len(), "a flow drew other than its legs");
        });
    edges
}

impl Edge {
    /// What a leg's place holds before the leg is drawn there.
    fn placeholder() -> Edge {
        Edge {
            from: 0,
            to: 0,
            both_ways: false,
            label: String::new(),
            mynumber: false,
            codes: Vec::new(),
            flow: FlowId::new(0),
            dimmed: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leg(from: usize, to: usize, dimmed: bool, codes: Vec<Code>) -> Edge {
        Edge {
            from,
            to,
            both_ways: false,
            label: format!("{from}-{to}"),
            mynumber: from == 2,
            codes,
            flow: FlowId::new(0),
            dimmed,
        }
    }

    fn node(i: usize) -> Node {
        Node {
            key: i.to_string(),
            name: i.to_string(),
            role: None,
            label: None,
            kind: NodeKind::Party,
            actor: None,
            dimmed: false,
        }
    }

    #[test]
    fn merge_groups_pairs_in_order_of_first_leg() {
        let d = Diagram {
            file: "t.myna".into(),
            nodes: (0..4).map(node).collect(),
            edges: vec![
                leg(3, 1, false, vec![Code::MN102]),
                leg(0, 2, false, vec![]),
                leg(1, 3, false, vec![Code::MN101, Code::MN102]),
                leg(2, 0, true, vec![]),
                leg(2, 2, false, vec![]),
                leg(2, 0, false, vec![]),
            ],
            clusters: Vec::new(),
        };
        let m = merge(&d);
        let got: Vec<(usize, usize, bool, Vec<usize>)> = m
            .iter()
            .map(|m| (m.a, m.b, m.dimmed, m.edges.to_vec()))
            .collect();
        // (1,3) first (leg 0), then (0,2) lit (legs 1, 5), (0,2) dimmed
        // apart (leg 3), and the loop on 2 (leg 4).
        assert_eq!(
            got,
            vec![
                (1, 3, false, vec![0, 2]),
                (0, 2, false, vec![1, 5]),
                (0, 2, true, vec![3]),
                (2, 2, false, vec![4]),
            ]
        );
        assert!(m[0].forward && m[0].backward);
        assert!(m[1].forward && m[1].backward && m[1].mynumber);
        assert!(!m[2].forward && m[2].backward);
        assert_eq!(m[0].codes, vec![Code::MN101, Code::MN102]);
        assert!(m[1].codes.is_empty());
    }

    #[test]
    fn legs_drawn_in_place_are_those_drawn_in_turn() {
        // Flows of 0 to 3 via stops (1 to 4 legs), more than one run of
        // them, so that runs are filled on every core.
        let flows: Vec<FlowId> = (0..3 * PARALLEL_FLOWS as u32 + 7)
            .map(FlowId::new)
            .collect();
        let legs = |f: FlowId| (f.index() * 7) % 4 + 1;
        let edges_of = |f: FlowId| {
            (0..legs(f)).map(move |k| {
                let mut e = leg(f.index(), k, false, Vec::new());
                e.flow = f;
                e
            })
        };
        let in_turn: Vec<Edge> = flows.iter().flat_map(|&f| edges_of(f)).collect();
        assert!(in_turn.len() > 2 * flows.len());
        assert!(edges_in_place(&flows, legs, edges_of) == in_turn);
    }

    /// A merged edge's label lists its distinct labels in order of first
    /// use, however many legs (looked for in a list, then in a set).
    #[test]
    fn a_merged_label_lists_distinct_labels_in_order_of_first_use() {
        for (legs, distinct) in [(2, 1), (5, 3), (16, 16), (17, 17), (60, 20), (300, 40)] {
            let mut edges: Vec<Edge> = (0..legs)
                .map(|i| {
                    let mut e = leg(0, 1, false, Vec::new());
                    e.label = format!("l{}", (i * 7) % distinct);
                    e
                })
                .collect();
            edges.push(leg(2, 3, false, Vec::new()));
            let d = Diagram {
                file: "t.myna".into(),
                nodes: (0..4).map(node).collect(),
                edges,
                clusters: Vec::new(),
            };
            let m = merge(&d);
            let mut firsts: Vec<String> = Vec::new();
            for e in &d.edges[..legs] {
                if !firsts.contains(&e.label) {
                    firsts.push(e.label.clone());
                }
            }
            let mut want = format!("{legs} flows");
            for l in firsts.iter().take(SHOWN) {
                want.push('\n');
                want.push_str(l);
            }
            if firsts.len() > SHOWN {
                want.push_str(&format!("\n+{}", firsts.len() - SHOWN));
            }
            assert_eq!(m[0].label(&d, crate::text::Lang::En), want, "{legs} legs");
        }
    }

    #[test]
    fn merged_in_ranges_on_every_core_as_one_pass_by_hand() {
        // Legs between 40 actors at random (a seeded xorshift): repeated
        // pairs both ways, loops, dimmed legs beside lit ones, codes.
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let mut next = |m: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % m) as usize
        };
        let codes = [Code::MN101, Code::MN102, Code::MN402];
        let edges: Vec<Edge> = (0..3000)
            .map(|_| {
                let (from, to) = (next(40), next(40));
                let mut e = leg(from, to, next(5) == 0, Vec::new());
                e.both_ways = next(7) == 0;
                e.mynumber = next(3) == 0;
                for _ in 0..next(3) {
                    e.codes.push(codes[next(3)]);
                }
                e.codes.sort();
                e
            })
            .collect();
        let d = Diagram {
            file: "t.myna".into(),
            nodes: (0..40).map(node).collect(),
            edges,
            clusters: Vec::new(),
        };
        // By hand: a group per (lower end, other end, dimmed), in order
        // of first leg.
        let mut expected: Vec<Merged> = Vec::new();
        let mut index: FxHashMap<(usize, usize, bool), usize> = FxHashMap::default();
        for (i, e) in d.edges.iter().enumerate() {
            let (a, b) = (e.from.min(e.to), e.from.max(e.to));
            let g = *index.entry((a, b, e.dimmed)).or_insert_with(|| {
                expected.push(Merged::empty(a, b, e.dimmed));
                expected.len() - 1
            });
            let m = &mut expected[g];
            m.forward |= e.from == a || e.both_ways;
            m.backward |= e.from != a || e.both_ways;
            m.edges.push(i);
            m.mynumber |= e.mynumber;
            m.codes.extend(&e.codes);
            m.codes.sort();
            m.codes.dedup();
        }
        assert!(
            expected
                .iter()
                .any(|m| m.edges.len() > 3 && m.forward && m.backward)
        );
        assert!(expected.iter().any(|m| m.a == m.b));
        for range_legs in [1, 2, 3, 7, 64, 1000, 1499, 1500, MERGE_RANGE_LEGS] {
            let groups = Groups::in_ranges(&d, range_legs);
            let got: Vec<Merged> = groups
                .firsts()
                .into_iter()
                .map(|f| groups.merged(f))
                .collect();
            assert!(got == expected, "{range_legs}");
        }
        assert!(merge(&d) == expected);
    }
}
