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
use std::sync::atomic::{AtomicBool, Ordering};

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
    /// Only flows for a purpose of this section (its id, e.g. `7(1)`).
    pub section: Option<String>,
}

impl Options {
    /// Does the flow pass every filter?
    pub fn keeps(&self, design: &Design, flow: &Flow) -> bool {
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
        let section = |want: &str| {
            let Some(rb) = design.rulebook.as_deref() else {
                return false;
            };
            flow.purposes.iter().any(|p| {
                p.id.is_some_and(|p| rb.section(rb.purpose(p).section).id == want)
            })
        };
        (!self.only_mynumber || mynumber())
            && self.item.as_deref().is_none_or(item)
            && self.section.as_deref().is_none_or(section)
    }

    /// Is any filter set?
    pub fn filters(&self) -> bool {
        self.only_mynumber || self.item.is_some() || self.section.is_some()
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

    /// Is some leg reported as an error?
    pub fn violating(&self) -> bool {
        !self.codes.is_empty()
    }

    /// Appends the codes of its errors, joined by `, `.
    pub fn push_codes(&self, out: &mut Vec<u8>) {
        for (i, c) in self.codes.iter().enumerate() {
            if i > 0 {
                out.extend_from_slice(b", ");
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
        // Distinct labels in order of first use: a set, so that a pair of
        // actors with many legs and labels is not a quadratic search.
        let mut labels: Vec<&str> = Vec::new();
        let mut seen: rustc_hash::FxHashSet<&str> = rustc_hash::FxHashSet::default();
        for &e in &self.edges {
            let l = d.edges[e].label.as_str();
            if seen.insert(l) {
                labels.push(l);
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
/// in the order of each pair's first leg. Linear in the number of legs and
/// nodes, without hashing: the legs are sorted by their lower end (a
/// counting sort, stable), each end's legs grouped by their other end
/// through an array stamped with the end, and the groups put in order of
/// their first leg. A large diagram's ends are grouped in ranges on every
/// core (a million legs took a third of a second on one).
pub fn merge(d: &Diagram) -> Vec<Merged> {
    merge_in_ranges(d, MERGE_RANGE_LEGS)
}

/// About how many legs each range of lower ends [`merge`] groups holds.
const MERGE_RANGE_LEGS: usize = 1 << 15;

/// [`merge`] with ranges of about `range_legs` legs (tests use small ones).
fn merge_in_ranges(d: &Diagram, range_legs: usize) -> Vec<Merged> {
    let n = d.nodes.len();
    let parallel = d.edges.len() >= 2 * range_legs;
    let lower_end = |e: &Edge| e.from.min(e.to);
    let lower: Vec<usize> = if parallel {
        d.edges.par_iter().map(lower_end).collect()
    } else {
        d.edges.iter().map(lower_end).collect()
    };
    // Legs by lower end, in order within each end.
    let mut start = vec![0usize; n + 1];
    for &a in &lower {
        start[a + 1] += 1;
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    let mut next = start.clone();
    let mut by_end = vec![0usize; d.edges.len()];
    for (i, &a) in lower.iter().enumerate() {
        by_end[next[a]] = i;
        next[a] += 1;
    }
    drop((next, lower));
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
    let ends = Ends {
        d,
        start: &start,
        by_end: &by_end,
    };
    let mut made: Vec<Merged> = if parallel {
        // One pair of stamp arrays per thread of the pool, kept across its
        // ranges: a stamp is an end, and every end is in one range.
        let scratch: Vec<std::sync::Mutex<Stamps>> = (0..rayon::current_num_threads())
            .map(|_| std::sync::Mutex::new(Stamps::default()))
            .collect();
        ranges
            .par_iter()
            .with_max_len(1)
            .flat_map_iter(|r| {
                let at = rayon::current_thread_index().unwrap_or(0);
                match scratch.get(at).map(|s| s.lock()) {
                    Some(Ok(mut stamps)) => ends.merge(r.clone(), &mut stamps),
                    _ => ends.merge(r.clone(), &mut Stamps::default()),
                }
            })
            .collect()
    } else {
        let mut stamps = Stamps::default();
        ranges
            .iter()
            .flat_map(|r| ends.merge(r.clone(), &mut stamps))
            .collect()
    };
    // In order of first leg: a group's first leg is its lowest, and no
    // two groups share a leg.
    let first_leg = |m: &Merged| m.edges.first().copied().unwrap_or(usize::MAX);
    let tidy = |m: &mut Merged| {
        m.codes.sort();
        m.codes.dedup();
    };
    if parallel {
        made.par_sort_unstable_by_key(first_leg);
        made.par_iter_mut().for_each(tidy);
    } else {
        made.sort_unstable_by_key(first_leg);
        made.iter_mut().for_each(tidy);
    }
    made
}

/// The legs of a diagram by lower end, for [`merge`].
struct Ends<'a> {
    d: &'a Diagram,
    /// Where each lower end's legs start in `by_end` (one past the last
    /// end: their count).
    start: &'a [usize],
    /// Leg indices, by lower end, in order within each.
    by_end: &'a [usize],
}

/// Which group each other end's legs join, for the lower end being
/// grouped: the group of (a, b, dimmed) is `group[2b + dimmed]` while
/// `stamp[2b + dimmed]` is a + 1.
#[derive(Default)]
struct Stamps {
    stamp: Vec<usize>,
    group: Vec<usize>,
}

impl Ends<'_> {
    /// The groups of the legs whose lower end is in `ends`, in order of
    /// lower end, then of first leg.
    fn merge(&self, ends: std::ops::Range<usize>, s: &mut Stamps) -> Vec<Merged> {
        let slots = 2 * self.d.nodes.len();
        if s.stamp.len() < slots {
            s.stamp.resize(slots, 0);
            s.group.resize(slots, 0);
        }
        let mut made: Vec<Merged> = Vec::new();
        for a in ends {
            let legs = self.by_end.get(self.start[a]..self.start[a + 1]);
            for &i in legs.unwrap_or_default() {
                let e = &self.d.edges[i];
                let b = e.from.max(e.to);
                // Dimmed and highlighted legs stay apart, so a focus stays
                // visible.
                let slot = 2 * b + usize::from(e.dimmed);
                if s.stamp[slot] != a + 1 {
                    s.stamp[slot] = a + 1;
                    s.group[slot] = made.len();
                    made.push(Merged::empty(a, b, e.dimmed));
                }
                let m = &mut made[s.group[slot]];
                let ahead = e.from == a;
                m.forward |= ahead || e.both_ways;
                m.backward |= !ahead || e.both_ways;
                m.edges.push(i);
                m.mynumber |= e.mynumber;
                m.codes.extend(e.codes.iter().copied());
            }
        }
        made
    }
}

/// Items or purposes shown on an edge before `+N`.
const SHOWN: usize = 3;

/// Appends `names` as an edge shows them: the first [`SHOWN`], then `+N`.
fn push_short_list<'a>(out: &mut String, names: impl ExactSizeIterator<Item = &'a str>) {
    let n = names.len();
    for (i, name) in names.take(SHOWN).enumerate() {
        if i > 0 {
            out.push_str(", ");
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
pub fn build(
    design: &Design,
    source: &SourceFile,
    diagnostics: &[Diagnostic],
    options: &Options,
) -> Diagram {
    let text = source.text.as_str();
    let written = |s: Span| text.get(s.range()).unwrap_or("?");
    let parallel = design.flows.len() >= PARALLEL_FLOWS;
    let kept = |i: usize| {
        let f = FlowId(i as u32);
        options.keeps(design, design.flow(f)).then_some(f)
    };
    let flows: Vec<FlowId> = if !options.filters() {
        (0..design.flows.len()).map(|i| FlowId(i as u32)).collect()
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
        .map(|i| ActorId(i as u32))
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
        let roles = roles.join(", ");
        clusters.push(Cluster {
            title: Text::new(format!("the society: {roles}"), format!("自組織: {roles}")),
            nodes: (0..own.len()).collect(),
        });
    }

    // Codes of the errors whose primary span lies inside each flow
    // statement (flows are in source order and do not overlap); only the
    // flows with errors have an entry.
    let mut codes_of: FxHashMap<usize, Vec<Code>> = FxHashMap::default();
    for d in diagnostics
        .iter()
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
            names.take(SHOWN).map(|n| n.len() + 2).sum::<usize>() + 8
        };
        let mut label =
            String::with_capacity(shown(&mut items.clone()) + shown(&mut purposes.clone()) + 3);
        if purposes.len() == 0 {
            push_short_list(&mut label, items);
        } else {
            if items.len() > 0 {
                push_short_list(&mut label, items);
                label.push(' ');
            }
            label.push_str("/ ");
            push_short_list(&mut label, purposes);
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
    let mut edges = Vec::new();
    if parallel {
        edges.par_extend(flows.par_iter().flat_map_iter(|&f| edges_of(f)));
    } else {
        edges.extend(flows.iter().flat_map(|&f| edges_of(f)));
    }

    Diagram {
        file: source.name.clone(),
        nodes,
        edges,
        clusters,
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
            flow: FlowId(0),
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
            assert!(merge_in_ranges(&d, range_legs) == expected, "{range_legs}");
        }
        assert!(merge(&d) == expected);
    }
}
