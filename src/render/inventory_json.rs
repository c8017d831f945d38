//! The inventory as JSON, in the shape `docs/inventory.schema.json`
//! documents. Names only, no prose, so the output is the same in every
//! language.

use super::inventory_md::Doc;
use super::json_pretty::Object;
use crate::inventory::{
    Basis, Counterpart, GroupId, Holding, Join, Movement, Record, Sender, SenderGroup, System,
};
use crate::model::*;
use crate::source::SourceFile;
use serde::{Serialize, Serializer};
use std::io::{self, Write};

#[derive(Serialize)]
struct RulebookJson<'a> {
    name: &'a str,
    title: Option<&'a str>,
    revised: Option<&'a str>,
}

#[derive(Serialize)]
struct SystemJson<'a> {
    name: &'a str,
    label: Option<&'a str>,
    role: Option<&'a str>,
    holdings: Holdings<'a>,
}

#[derive(Serialize)]
struct HoldingJson<'a> {
    item: &'a str,
    category: Option<&'a str>,
    own: bool,
    purposes: Purposes<'a>,
    received: Movements<'a>,
    passed_on: Movements<'a>,
    contractors: Contractors<'a>,
}

#[derive(Serialize)]
struct ActorJson<'a> {
    name: &'a str,
    role: Option<&'a str>,
    kind: Option<&'static str>,
}

#[derive(Serialize)]
struct MovementJson<'a> {
    actor: Option<ActorJson<'a>>,
    group: Option<Gid>,
    purpose: Option<&'a str>,
    route: Route<'a>,
    basis: Option<BasisJson<'a>>,
    line: usize,
}

#[derive(Serialize)]
struct ContractorJson<'a> {
    name: &'a str,
    legal_name: &'a str,
    purposes: Purposes<'a>,
}

#[derive(Serialize)]
struct BasisJson<'a> {
    allowed: bool,
    section: Option<&'a str>,
    citation: Option<&'a str>,
    code: Option<&'static str>,
}

#[derive(Serialize)]
struct SenderJson<'a> {
    actor: ActorJson<'a>,
    route: Route<'a>,
    line: usize,
}

#[derive(Serialize)]
struct JoinJson<'a> {
    group: Gid,
    route: Route<'a>,
    line: usize,
}

#[derive(Serialize)]
struct GroupJson<'a> {
    id: Gid,
    item: &'a str,
    category: Option<&'a str>,
    purpose: Option<&'a str>,
    carrier: Option<&'a str>,
    senders: Senders<'a>,
    includes: Joins<'a>,
    receivers: Actors<'a>,
    included_in: Gids<'a>,
}

#[derive(Serialize)]
struct RecordJson<'a> {
    senders: Gid,
    receiver: ActorJson<'a>,
    item: &'a str,
    category: Option<&'a str>,
    purpose: &'a str,
    route: Route<'a>,
    basis: BasisJson<'a>,
    line: usize,
}

#[derive(Serialize)]
struct Summary {
    systems: usize,
    holdings: usize,
    sender_groups: usize,
    records: usize,
    senders: usize,
    includes: usize,
}

/// The id a sender group goes by in the JSON and the Markdown: `S1`, `S2`…
pub fn group_id(g: GroupId) -> String {
    format!("S{}", g.index() + 1)
}

/// A group's id, serialized as [`group_id`] gives it without a `String`.
struct Gid(GroupId);

impl Serialize for Gid {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("S{}", self.0.index() + 1))
    }
}

/// A list of the inventory serialized element by element as the JSON is
/// written: no vector of JSON records is built for it.
macro_rules! list {
    ($(#[$doc:meta])* $name:ident, $t:ty, |$n:ident, $x:ident| $e:expr) => {
        $(#[$doc])*
        struct $name<'a>(Names<'a>, &'a [$t]);

        impl Serialize for $name<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let $n = self.0;
                s.collect_seq(self.1.iter().map(|$x| $e))
            }
        }
    };
}

list!(
    /// Actors' names, in order of travel.
    Route, ActorId, |n, a| n.name(*a)
);
list!(
    /// Actors with their roles.
    Actors, ActorId, |n, a| n.actor(*a)
);
list!(
    /// Purposes' names.
    Purposes, PurposeId, |n, p| n.purpose(*p)
);
list!(
    /// A system's holdings.
    Holdings, Holding, |n, h| n.holding(h)
);
list!(
    /// What a holding receives or passes on.
    Movements, Movement, |n, m| n.movement(m)
);
list!(
    /// The contractors of a holding, with their purposes.
    Contractors, (ActorId, Vec<PurposeId>), |n, c| n.contractor(c)
);
list!(
    /// A group's senders.
    Senders, Sender, |n, s| n.sender(s)
);
list!(
    /// The groups a group includes.
    Joins, Join, |n, j| n.join(j)
);

/// Group ids.
struct Gids<'a>(&'a [GroupId]);

impl Serialize for Gids<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|g| Gid(*g)))
    }
}

fn kind_name(k: RoleKind) -> &'static str {
    match k {
        RoleKind::Party => "party",
        RoleKind::SelfOrg => "self",
        RoleKind::Carrier => "carrier",
        RoleKind::Subject => "subject",
        RoleKind::Contractor => "contractor",
    }
}

/// What every part of the document is drawn from: shared by the threads
/// that draw it.
#[derive(Clone, Copy)]
struct Names<'a> {
    design: &'a Design,
    rb: &'a Rulebook,
    source: &'a SourceFile,
    /// Each flow's 0-based line, read in one pass: movements name flows
    /// in no useful order, and a search of the lines for each, after a
    /// read of the flow, missed the cache at every step.
    flow_lines: &'a [usize],
}

impl<'a> Names<'a> {
    fn name(&self, a: ActorId) -> &'a str {
        &self.design.actor(a).name
    }

    fn actor(&self, a: ActorId) -> ActorJson<'a> {
        let actor = self.design.actor(a);
        ActorJson {
            name: &actor.name,
            role: actor.role.id.map(|r| self.rb.role(r).name.as_str()),
            kind: actor.role.id.map(|r| kind_name(self.rb.role(r).kind)),
        }
    }

    fn purpose(&self, p: PurposeId) -> &'a str {
        &self.rb.purpose(p).name
    }

    fn category(&self, d: DataId) -> Option<&'a str> {
        self.design
            .item(d)
            .category
            .id
            .map(|c| self.rb.category(c).name.as_str())
    }

    fn route(self, route: &'a [ActorId]) -> Route<'a> {
        Route(self, route)
    }

    /// The flow's line (no column counted).
    fn line(&self, f: FlowId) -> usize {
        let line = match self.flow_lines.get(f.index()) {
            Some(&line) => line,
            None => self
                .source
                .line_index(self.design.flow(f).span.start as usize),
        };
        line + 1
    }

    fn basis(&self, b: &Basis) -> BasisJson<'a> {
        match b {
            Basis::Rule(r) => {
                let s = self.rb.section(self.rb.rule(*r).section);
                BasisJson {
                    allowed: true,
                    section: Some(&s.id),
                    citation: s.basis.as_deref(),
                    code: None,
                }
            }
            Basis::Refused(code) => BasisJson {
                allowed: false,
                section: None,
                citation: None,
                code: Some(code.as_str()),
            },
        }
    }

    fn movement(self, m: &'a Movement) -> MovementJson<'a> {
        MovementJson {
            actor: match m.counterpart {
                Counterpart::Actor(a) => Some(self.actor(a)),
                Counterpart::Group(_) => None,
            },
            group: match m.counterpart {
                Counterpart::Actor(_) => None,
                Counterpart::Group(g) => Some(Gid(g)),
            },
            purpose: m.purpose.map(|p| self.purpose(p)),
            route: self.route(&m.route),
            basis: m.basis.as_ref().map(|b| self.basis(b)),
            line: self.line(m.flow),
        }
    }

    fn contractor(self, (c, ps): &'a (ActorId, Vec<PurposeId>)) -> ContractorJson<'a> {
        let actor = self.design.actor(*c);
        ContractorJson {
            name: &actor.name,
            legal_name: actor.legal_name(),
            purposes: Purposes(self, ps),
        }
    }

    fn holding(self, h: &'a Holding) -> HoldingJson<'a> {
        HoldingJson {
            item: &self.design.item(h.item).name,
            category: self.category(h.item),
            own: h.own,
            purposes: Purposes(self, &h.purposes),
            received: Movements(self, &h.received),
            passed_on: Movements(self, &h.passed_on),
            contractors: Contractors(self, &h.contractors),
        }
    }

    fn system(self, s: &'a System) -> SystemJson<'a> {
        let actor = self.design.actor(s.actor);
        SystemJson {
            name: &actor.name,
            label: actor.label.as_ref().map(|(l, _)| l.as_str()),
            role: actor.role.id.map(|r| self.rb.role(r).name.as_str()),
            holdings: Holdings(self, &s.holdings),
        }
    }

    fn sender(self, s: &'a Sender) -> SenderJson<'a> {
        SenderJson {
            actor: self.actor(s.actor),
            route: self.route(&s.route),
            line: self.line(s.flow),
        }
    }

    fn join(self, j: &'a Join) -> JoinJson<'a> {
        JoinJson {
            group: Gid(j.group),
            route: self.route(&j.route),
            line: self.line(j.flow),
        }
    }

    fn group(self, id: GroupId, g: &'a SenderGroup) -> GroupJson<'a> {
        GroupJson {
            id: Gid(id),
            item: &self.design.item(g.item).name,
            category: self.category(g.item),
            purpose: g.purpose.map(|p| self.purpose(p)),
            carrier: g.carrier.map(|c| self.name(c)),
            senders: Senders(self, &g.senders),
            includes: Joins(self, &g.joins),
            receivers: Actors(self, &g.receivers),
            included_in: Gids(&g.onward),
        }
    }

    fn record(self, r: &'a Record) -> RecordJson<'a> {
        RecordJson {
            senders: Gid(r.senders),
            receiver: self.actor(r.receiver),
            item: &self.design.item(r.item).name,
            category: self.category(r.item),
            purpose: self.purpose(r.purpose),
            route: self.route(&r.route),
            basis: self.basis(&r.basis),
            line: self.line(r.flow),
        }
    }
}

/// Renders the inventory as pretty-printed JSON with a final newline.
pub fn render(doc: &Doc) -> String {
    let mut out = Vec::new();
    match write(doc, &mut out) {
        Ok(()) => String::from_utf8_lossy(&out).into_owned(),
        Err(e) => format!("{{\"error\":\"{e}\"}}\n"),
    }
}

/// Writes the inventory as pretty-printed JSON with a final newline: the
/// bytes `serde_json::to_writer_pretty` gives, its long lists drawn on
/// every core a batch at a time, so the document is never held whole.
pub fn write(doc: &Doc, out: &mut dyn Write) -> io::Result<()> {
    let design = doc.design;
    let Some(rb) = design.rulebook.as_deref() else {
        return out
            .write_all(b"{\"version\":3,\"error\":\"the design's rulebook is not loaded\"}\n");
    };
    let flow_lines = doc
        .source
        .line_indexes(design.flows.iter().map(|f| f.span.start as usize));
    let n = Names {
        design,
        rb,
        source: doc.source,
        flow_lines: &flow_lines,
    };
    let inv = doc.inventory;
    // The serializer's many small writes go to a buffer the compiler
    // sees, not through `dyn Write`; long lists arrive a chunk at a time.
    let mut buffered = io::BufWriter::with_capacity(1 << 16, out);
    let mut o = Object::begin(&mut buffered, 0)?;
    o.member("version", &3u32)?;
    o.member("design", doc.source.name.as_str())?;
    o.member(
        "rulebook",
        &RulebookJson {
            name: &rb.name,
            title: rb.title.as_deref(),
            revised: rb.revised.as_deref(),
        },
    )?;
    o.array("systems", &inv.systems, |s| n.system(s))?;
    // Ids by position, as `Inventory::group` finds them.
    let ids: Vec<(GroupId, &SenderGroup)> = inv
        .groups
        .iter()
        .enumerate()
        .map(|(i, g)| (GroupId(i as u32), g))
        .collect();
    o.array("sender_groups", &ids, |(id, g)| n.group(*id, g))?;
    o.array("records", &inv.records, |r| n.record(r))?;
    o.member("carriers", &n.route(&inv.carriers))?;
    o.member(
        "summary",
        &Summary {
            systems: inv.systems.len(),
            holdings: inv.systems.iter().map(|s| s.holdings.len()).sum(),
            sender_groups: inv.groups.len(),
            records: inv.records.len(),
            senders: inv.groups.iter().map(|g| g.senders.len()).sum(),
            includes: inv.groups.iter().map(|g| g.joins.len()).sum(),
        },
    )?;
    o.end()?;
    buffered.write_all(b"\n")?;
    buffered.flush()
}
