//! Where senders meet at carriers. A *meeting* is the set of senders of one
//! role whose data reaches one carrier, for one payload, having passed the
//! same roles on the way: what the graph joins into one exchange, because a
//! check cannot tell them apart. A meeting is made of the senders that
//! enter its carrier directly and of the meetings upstream whose data is
//! carried on into it, so a sender reached through many carriers is listed
//! once, where it enters the first, and each carrier-to-carrier hop once per
//! meeting it carries: the size of the design, not of its paths.
//!
//! Meetings are found in one forward pass from the senders (each meeting
//! once, carrier cycles included), then each is *resolved* once: a meeting
//! of one sender stands for that sender with its whole route, and one that
//! only carries another meeting on (a relay) stands for that meeting with
//! the route after it. Routes are parent pointers, built only when shown.

use crate::graph::{FlowGraph, Payload, Transfer, TransferId};
use crate::model::ActorTable;
use crate::model::*;
use rustc_hash::{FxHashMap, FxHashSet};
use smallvec::SmallVec;

/// A step of a route: a hop into a carrier, after the steps before it
/// (parent pointers, so a long chain of carriers is stored once).
pub(super) type Step = u32;

/// The roles a meeting's data passed, the carrier's own included:
/// sorted, once each. Kept in place up to four (a route passes one or two
/// carriers' roles), so that finding a meeting per transfer and per
/// exchange allocates nothing.
pub(super) type Passed = SmallVec<[RoleId; 4]>;

/// A transfer into a carrier for one payload it carries (an arrival at
/// the carrier), with what finding meetings reads of it, so that it reads
/// neither the graph's edge nor the flow again. (The graph's own table of
/// transfers into carriers, [`FlowGraph::into_carrier`], is looked up by
/// carrier and payload, not listed in the graph's order.)
#[derive(Clone, Copy, Debug)]
pub(super) struct Arrival {
    /// The transfer.
    pub transfer: TransferId,
    /// Its sender.
    pub from: ActorId,
    /// The carrier it enters.
    pub to: ActorId,
    /// What the graph keeps of it.
    pub hop: Transfer,
    /// The payload.
    pub payload: Payload,
}

/// How data reaches a meeting's carrier.
#[derive(Clone, Copy, Debug)]
enum Entry {
    /// A sender that is not a carrier, by this hop.
    Sender(TransferId, ActorId),
    /// Everything a meeting upstream carries, by this hop.
    Meeting(TransferId, usize),
}

struct Meeting {
    carrier: ActorId,
    payload: Payload,
    sender_role: Option<RoleId>,
    /// Roles passed, the carrier's own included: sorted, once each.
    passed: Passed,
    entries: Vec<Entry>,
}

/// What a meeting stands for, once resolved.
#[derive(Clone, Copy, Debug)]
pub(super) enum Resolved {
    /// One sender: its route to the meeting's carrier ends at `path`.
    Sole {
        actor: ActorId,
        flow: FlowId,
        path: Step,
    },
    /// A meeting of several senders (itself, or the one it relays), and
    /// the route from that meeting's carrier to this one's.
    Group { meeting: usize, path: Option<Step> },
}

/// A meeting as listed: its senders (direct ones and those of upstream
/// meetings of one sender), then the meetings it includes, each once.
#[derive(Clone, Debug, Default)]
pub(super) struct Content {
    pub senders: Vec<(ActorId, FlowId, Step)>,
    pub joins: Vec<(usize, Step)>,
}

#[derive(Clone, Copy)]
enum Mark {
    New,
    Open,
    Done(Resolved),
}

/// Every meeting of a design's 特定個人情報 at its carriers.
pub(super) struct Meetings<'a> {
    design: &'a Design,
    graph: &'a FlowGraph,
    meetings: Vec<Meeting>,
    index: FxHashMap<(ActorId, Payload, Option<RoleId>, Passed), usize>,
    marks: Vec<Mark>,
    contents: Vec<Content>,
    steps: Vec<(TransferId, Option<Step>)>,
}

impl<'a> Meetings<'a> {
    /// Finds every meeting of the payloads `arrivals` carries: one
    /// pass over them (in the graph's order), then forward from each
    /// meeting along the hops between carriers (a meeting's data goes on
    /// as the same item).
    pub fn find(
        design: &'a Design,
        graph: &'a FlowGraph,
        actors: &ActorTable,
        arrivals: &[Arrival],
    ) -> Self {
        let role = |a: ActorId| actors.role(a);
        let is_carrier = |a: ActorId| actors.is(a, RoleKind::Carrier);
        let mut m = Meetings {
            design,
            graph,
            meetings: Vec::new(),
            index: FxHashMap::default(),
            marks: Vec::new(),
            contents: Vec::new(),
            steps: Vec::new(),
        };
        let mut onward: FxHashMap<(ActorId, Payload), Vec<&Arrival>> = FxHashMap::default();
        for c in arrivals {
            if is_carrier(c.from) {
                onward.entry((c.from, c.payload)).or_default().push(c);
            } else {
                let mut passed: Passed = c.hop.via(design).filter_map(role).collect();
                passed.extend(role(c.to));
                let s = m.meeting(c.to, c.payload, role(c.from), passed);
                m.meetings[s]
                    .entries
                    .push(Entry::Sender(c.transfer, c.from));
            }
        }
        // Each meeting once, in the order found: a carrier cycle ends where
        // its meetings are already known.
        let mut next = 0;
        while next < m.meetings.len() {
            let s = next;
            next += 1;
            let (at, p) = (m.meetings[s].carrier, m.meetings[s].payload);
            for c in onward.get(&(at, p)).map_or(&[][..], Vec::as_slice) {
                let mut passed = m.meetings[s].passed.clone();
                passed.extend(c.hop.via(design).filter_map(role));
                passed.extend(role(c.to));
                let sender_role = m.meetings[s].sender_role;
                let d = m.meeting(c.to, p, sender_role, passed);
                if d != s {
                    m.meetings[d].entries.push(Entry::Meeting(c.transfer, s));
                }
            }
        }
        m.marks = vec![Mark::New; m.meetings.len()];
        m.contents = vec![Content::default(); m.meetings.len()];
        m
    }

    fn meeting(
        &mut self,
        carrier: ActorId,
        payload: Payload,
        sender_role: Option<RoleId>,
        mut passed: Passed,
    ) -> usize {
        passed.sort();
        passed.dedup();
        let key = (carrier, payload, sender_role, passed);
        if let Some(&s) = self.index.get(&key) {
            return s;
        }
        let passed = key.3.clone();
        self.meetings.push(Meeting {
            carrier,
            payload,
            sender_role,
            passed,
            entries: Vec::new(),
        });
        self.index.insert(key, self.meetings.len() - 1);
        self.meetings.len() - 1
    }

    /// The meeting of senders of `sender_role` at `carrier` for `payload`
    /// that passed `passed` (the carrier's role included).
    pub fn lookup(
        &self,
        carrier: ActorId,
        payload: Payload,
        sender_role: Option<RoleId>,
        passed: Passed,
    ) -> Option<usize> {
        self.index
            .get(&(carrier, payload, sender_role, passed))
            .copied()
    }

    /// The carrier of a meeting.
    pub fn carrier(&self, s: usize) -> ActorId {
        self.meetings[s].carrier
    }

    /// The payload of a meeting.
    pub fn payload(&self, s: usize) -> Payload {
        self.meetings[s].payload
    }

    /// A meeting's senders and included meetings (after [`Self::resolve`]).
    pub fn content(&self, s: usize) -> &Content {
        &self.contents[s]
    }

    /// What a meeting stands for: a depth-first walk upstream (an explicit
    /// stack, so a long chain of carriers cannot overflow the call stack)
    /// that resolves each meeting once. A meeting met again while its own
    /// upstream is being resolved (a carrier cycle) is included as it is.
    pub fn resolve(&mut self, s: usize) -> Resolved {
        // Asked once per exchange through a carrier, resolved once.
        if let Some(Mark::Done(r)) = self.marks.get(s) {
            return *r;
        }
        let mut stack = vec![(s, false)];
        while let Some((n, upstream_done)) = stack.pop() {
            if upstream_done {
                let r = self.settle(n);
                self.marks[n] = Mark::Done(r);
                continue;
            }
            if !matches!(self.marks[n], Mark::New) {
                continue;
            }
            self.marks[n] = Mark::Open;
            stack.push((n, true));
            for e in self.meetings[n].entries.iter().rev() {
                if let Entry::Meeting(_, u) = *e
                    && matches!(self.marks[u], Mark::New)
                {
                    stack.push((u, false));
                }
            }
        }
        match self.marks[s] {
            Mark::Done(r) => r,
            // Unreachable: the walk settles `s` last.
            _ => Resolved::Group {
                meeting: s,
                path: None,
            },
        }
    }

    /// Lists meeting `n` (its upstream resolved) and says what it stands for.
    fn settle(&mut self, n: usize) -> Resolved {
        let mut entries = std::mem::take(&mut self.meetings[n].entries);
        // Hops in source order; several meetings by one hop, as found.
        entries.sort_by_key(|e| match *e {
            Entry::Sender(t, _) => (t.index(), 0, 0),
            Entry::Meeting(t, u) => (t.index(), 1, u),
        });
        let mut content = Content::default();
        let mut actors: FxHashSet<ActorId> = FxHashSet::default();
        let mut met: FxHashSet<usize> = FxHashSet::default();
        for e in &entries {
            match *e {
                Entry::Sender(t, a) => {
                    if actors.insert(a) {
                        let step = self.step(t, None);
                        content.senders.push((a, self.graph.transfer(t).flow, step));
                    }
                }
                Entry::Meeting(t, u) => match self.marks[u] {
                    Mark::Done(Resolved::Sole { actor, flow, path }) => {
                        if actors.insert(actor) {
                            let step = self.step(t, Some(path));
                            content.senders.push((actor, flow, step));
                        }
                    }
                    Mark::Done(Resolved::Group { meeting, path }) => {
                        if met.insert(meeting) {
                            let step = self.step(t, path);
                            content.joins.push((meeting, step));
                        }
                    }
                    // A cycle: the meeting upstream, as it is.
                    _ => {
                        if met.insert(u) {
                            let step = self.step(t, None);
                            content.joins.push((u, step));
                        }
                    }
                },
            }
        }
        self.meetings[n].entries = entries;
        let resolved = match (content.senders.as_slice(), content.joins.as_slice()) {
            ([(actor, flow, path)], []) => Resolved::Sole {
                actor: *actor,
                flow: *flow,
                path: *path,
            },
            ([], [(meeting, path)]) => Resolved::Group {
                meeting: *meeting,
                path: Some(*path),
            },
            _ => Resolved::Group {
                meeting: n,
                path: None,
            },
        };
        self.contents[n] = content;
        resolved
    }

    fn step(&mut self, t: TransferId, before: Option<Step>) -> Step {
        self.steps.push((t, before));
        (self.steps.len() - 1) as Step
    }

    /// The actors a route passes, in order of travel: each hop's `via`
    /// actors, then the carrier it enters.
    pub fn route(&self, path: Option<Step>) -> Vec<ActorId> {
        let mut hops = Vec::new();
        let mut at = path;
        while let Some(s) = at {
            let Some(&(t, before)) = self.steps.get(s as usize) else {
                break;
            };
            hops.push(t);
            at = before;
        }
        let mut out = Vec::new();
        for &t in hops.iter().rev() {
            out.extend(self.graph.transfer(t).via(self.design));
            out.push(self.graph.ends(t).1);
        }
        out
    }

    /// The flow of a step's hop.
    pub fn flow(&self, step: Step) -> Option<FlowId> {
        self.steps
            .get(step as usize)
            .map(|(t, _)| self.graph.transfer(*t).flow)
    }
}
