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
use std::collections::{BTreeMap, HashSet};

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
    /// The legs (indices into [`Diagram::edges`]), in source order.
    pub edges: Vec<usize>,
    /// Does some leg carry 特定個人情報?
    pub mynumber: bool,
    /// Codes of the errors on any leg, sorted.
    pub codes: Vec<Code>,
    /// Every leg is dimmed.
    pub dimmed: bool,
}

impl Merged {
    /// Is some leg reported as an error?
    pub fn violating(&self) -> bool {
        !self.codes.is_empty()
    }

    /// The edge's label: a single leg's own label, or `N flows` and the
    /// first distinct labels of the legs.
    pub fn label(&self, d: &Diagram, lang: crate::text::Lang) -> String {
        if let [e] = self.edges[..] {
            return d.edges[e].label.clone();
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
        out
    }
}

/// Merges the diagram's parallel legs: one [`Merged`] per pair of actors,
/// in the order of each pair's first leg. Linear in the number of legs.
pub fn merge(d: &Diagram) -> Vec<Merged> {
    // Dimmed and highlighted legs stay apart, so a focus stays visible.
    let mut at: rustc_hash::FxHashMap<(usize, usize, bool), usize> =
        rustc_hash::FxHashMap::default();
    let mut out: Vec<Merged> = Vec::new();
    for (i, e) in d.edges.iter().enumerate() {
        let (a, b) = (e.from.min(e.to), e.from.max(e.to));
        let m = *at.entry((a, b, e.dimmed)).or_insert_with(|| {
            out.push(Merged {
                a,
                b,
                forward: false,
                backward: false,
                edges: Vec::new(),
                mynumber: false,
                codes: Vec::new(),
                dimmed: e.dimmed,
            });
            out.len() - 1
        });
        let m = &mut out[m];
        let ahead = e.from == a;
        m.forward |= ahead || e.both_ways;
        m.backward |= !ahead || e.both_ways;
        m.edges.push(i);
        m.mynumber |= e.mynumber;
        m.codes.extend(e.codes.iter().copied());
    }
    for m in &mut out {
        m.codes.sort();
        m.codes.dedup();
    }
    out
}

/// Items or purposes shown on an edge before `+N`.
const SHOWN: usize = 3;

fn short_list(names: &[String]) -> String {
    if names.len() <= SHOWN {
        names.join(", ")
    } else {
        format!("{} +{}", names[..SHOWN].join(", "), names.len() - SHOWN)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Actor(ActorId),
    Undeclared(String),
}

/// Builds the picture of a design. `source` is the design's file (names
/// that did not resolve are shown as written); `diagnostics` are the
/// session's findings (those of other files are ignored).
pub fn build(
    design: &Design,
    source: &SourceFile,
    diagnostics: &[Diagnostic],
    options: &Options,
) -> Diagram {
    let text = source.text.as_str();
    let written = |s: Span| text.get(s.range()).unwrap_or("?").to_string();
    let flows: Vec<FlowId> = (0..design.flows.len())
        .map(|i| FlowId(i as u32))
        .filter(|f| options.keeps(design, design.flow(*f)))
        .collect();

    // Which actors to draw, and names of undeclared ones (first spelling).
    let mut undeclared: BTreeMap<String, String> = BTreeMap::new();
    let mut touched: HashSet<ActorId> = HashSet::new();
    let key_of = |r: &Ref<ActorId>, undeclared: &mut BTreeMap<String, String>| match r.id {
        Some(a) => Key::Actor(a),
        None => {
            let name = written(r.span);
            let k = names::key(&name);
            undeclared.entry(k.clone()).or_insert(name);
            Key::Undeclared(k)
        }
    };
    let stops = |f: &Flow, undeclared: &mut BTreeMap<String, String>| -> Vec<Key> {
        std::iter::once(&f.from)
            .chain(f.via.iter())
            .chain(std::iter::once(&f.to))
            .map(|r| key_of(r, undeclared))
            .collect()
    };
    let mut paths = Vec::with_capacity(flows.len());
    for &f in &flows {
        let path = stops(design.flow(f), &mut undeclared);
        for k in &path {
            if let Key::Actor(a) = k {
                touched.insert(*a);
            }
        }
        paths.push(path);
    }

    let rb = design.rulebook.as_deref();
    let mut nodes = Vec::new();
    let mut index: BTreeMap<Key, usize> = BTreeMap::new();
    let mut used_keys: HashSet<String> = HashSet::new();
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
        .map(|i| ActorId(i as u32))
        .filter(|a| !options.filters() || touched.contains(a))
        .collect();
    let kind = |a: ActorId| NodeKind::of(design.kind_of(a));
    let (own, others): (Vec<ActorId>, Vec<ActorId>) = actors
        .into_iter()
        .partition(|a| kind(*a) == NodeKind::SelfOrg);
    for a in own.iter().chain(others.iter()) {
        let actor = design.actor(*a);
        index.insert(Key::Actor(*a), nodes.len());
        nodes.push(Node {
            key: unique(&actor.name),
            name: actor.name.clone(),
            role: match (rb, actor.role.id) {
                (Some(rb), Some(r)) => Some(rb.role(r).name.clone()),
                _ => Some(written(actor.role.span)).filter(|s| !s.is_empty()),
            },
            label: actor.label.as_ref().map(|(l, _)| l.clone()),
            kind: kind(*a),
            actor: Some(*a),
            dimmed: false,
        });
    }
    for (k, name) in &undeclared {
        index.insert(Key::Undeclared(k.clone()), nodes.len());
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
    // statement (flows are in source order and do not overlap).
    let mut codes_of: Vec<Vec<Code>> = vec![Vec::new(); design.flows.len()];
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
            codes_of[i].push(d.code);
        }
    }
    for c in &mut codes_of {
        c.sort();
        c.dedup();
    }
    let mut edges = Vec::new();
    for (&f, path) in flows.iter().zip(&paths) {
        let flow = design.flow(f);
        let items: Vec<String> = flow
            .items
            .iter()
            .map(|r| match r.id {
                Some(d) => design.item(d).name.clone(),
                None => written(r.span),
            })
            .collect();
        let purposes: Vec<String> = flow
            .purposes
            .iter()
            .map(|r| match (rb, r.id) {
                (Some(rb), Some(p)) => rb.purpose(p).name.clone(),
                _ => written(r.span),
            })
            .collect();
        let label = match (items.is_empty(), purposes.is_empty()) {
            (_, true) => short_list(&items),
            (true, false) => format!("/ {}", short_list(&purposes)),
            (false, false) => format!("{} / {}", short_list(&items), short_list(&purposes)),
        };
        let mynumber = flow
            .items
            .iter()
            .any(|i| i.id.is_some_and(|d| design.is_mynumber(d)));
        let codes = &codes_of[f.index()];
        for pair in path.windows(2) {
            edges.push(Edge {
                from: index[&pair[0]],
                to: index[&pair[1]],
                both_ways: flow.both_ways,
                label: label.clone(),
                mynumber,
                codes: codes.clone(),
                flow: f,
                dimmed: false,
            });
        }
    }

    Diagram {
        file: source.name.clone(),
        nodes,
        edges,
        clusters,
    }
}
