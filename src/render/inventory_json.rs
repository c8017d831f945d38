//! The inventory as JSON, in the shape `docs/inventory.schema.json`
//! documents. Names only, no prose, so the output is the same in every
//! language.

use super::inventory_md::Doc;
use crate::inventory::{Basis, Counterpart, GroupId, Movement, SenderGroup};
use crate::model::*;
use serde::{Serialize, Serializer};
use std::io::{self, Write};

/// The document, its long lists written as they are drawn (see [`Lazy`]).
#[derive(Serialize)]
struct Output<'a, S, G, R> {
    version: u32,
    design: &'a str,
    rulebook: Option<RulebookJson<'a>>,
    systems: S,
    sender_groups: G,
    records: R,
    carriers: Vec<&'a str>,
    summary: Summary,
}

/// A list serialized item by item from a fresh iterator, so that the
/// output of a large design is never held whole, neither as JSON values
/// nor as text.
struct Lazy<F>(F);

impl<F, I> Serialize for Lazy<F>
where
    F: Fn() -> I,
    I: IntoIterator,
    I::Item: Serialize,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq((self.0)())
    }
}

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
    holdings: Vec<HoldingJson<'a>>,
}

#[derive(Serialize)]
struct HoldingJson<'a> {
    item: &'a str,
    category: Option<&'a str>,
    own: bool,
    purposes: Vec<&'a str>,
    received: Vec<MovementJson<'a>>,
    passed_on: Vec<MovementJson<'a>>,
    contractors: Vec<ContractorJson<'a>>,
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
    group: Option<String>,
    purpose: Option<&'a str>,
    route: Vec<&'a str>,
    basis: Option<BasisJson<'a>>,
    line: usize,
}

#[derive(Serialize)]
struct ContractorJson<'a> {
    name: &'a str,
    legal_name: &'a str,
    purposes: Vec<&'a str>,
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
    route: Vec<&'a str>,
    line: usize,
}

#[derive(Serialize)]
struct JoinJson<'a> {
    group: String,
    route: Vec<&'a str>,
    line: usize,
}

#[derive(Serialize)]
struct GroupJson<'a> {
    id: String,
    item: &'a str,
    category: Option<&'a str>,
    purpose: Option<&'a str>,
    carrier: Option<&'a str>,
    senders: Vec<SenderJson<'a>>,
    includes: Vec<JoinJson<'a>>,
    receivers: Vec<ActorJson<'a>>,
    included_in: Vec<String>,
}

#[derive(Serialize)]
struct RecordJson<'a> {
    senders: String,
    receiver: ActorJson<'a>,
    item: &'a str,
    category: Option<&'a str>,
    purpose: &'a str,
    route: Vec<&'a str>,
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

fn kind_name(k: RoleKind) -> &'static str {
    match k {
        RoleKind::Party => "party",
        RoleKind::SelfOrg => "self",
        RoleKind::Carrier => "carrier",
        RoleKind::Subject => "subject",
        RoleKind::Contractor => "contractor",
    }
}

struct Names<'a> {
    design: &'a Design,
    rb: &'a Rulebook,
}

impl<'a> Names<'a> {
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

    fn route(&self, route: &[ActorId]) -> Vec<&'a str> {
        route
            .iter()
            .map(|a| self.design.actor(*a).name.as_str())
            .collect()
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
}

/// Renders the inventory as pretty-printed JSON with a final newline.
pub fn render(doc: &Doc) -> String {
    let mut out = Vec::new();
    match write(doc, &mut out) {
        Ok(()) => String::from_utf8_lossy(&out).into_owned(),
        Err(e) => format!("{{\"error\":\"{e}\"}}\n"),
    }
}

/// Writes the inventory as pretty-printed JSON with a final newline, item
/// by item, through a buffer of its own.
pub fn write(doc: &Doc, out: &mut dyn Write) -> io::Result<()> {
    let design = doc.design;
    let Some(rb) = design.rulebook.as_deref() else {
        return out
            .write_all(b"{\"version\":3,\"error\":\"the design's rulebook is not loaded\"}\n");
    };
    let n = Names { design, rb };
    // A binary search for the line: no column is counted.
    let line = |f: FlowId| doc.source.line_index(design.flow(f).span.start as usize) + 1;
    let movement = |m: &Movement| MovementJson {
        actor: match m.counterpart {
            Counterpart::Actor(a) => Some(n.actor(a)),
            Counterpart::Group(_) => None,
        },
        group: match m.counterpart {
            Counterpart::Actor(_) => None,
            Counterpart::Group(g) => Some(group_id(g)),
        },
        purpose: m.purpose.map(|p| n.purpose(p)),
        route: n.route(&m.route),
        basis: m.basis.as_ref().map(|b| n.basis(b)),
        line: line(m.flow),
    };
    let inv = doc.inventory;
    let system = |s: &'_ crate::inventory::System| {
        let actor = design.actor(s.actor);
        SystemJson {
            name: &actor.name,
            label: actor.label.as_ref().map(|(l, _)| l.as_str()),
            role: actor.role.id.map(|r| rb.role(r).name.as_str()),
            holdings: s
                .holdings
                .iter()
                .map(|h| {
                    let item = design.item(h.item);
                    HoldingJson {
                        item: &item.name,
                        category: n.category(h.item),
                        own: h.own,
                        purposes: h.purposes.iter().map(|p| n.purpose(*p)).collect(),
                        received: h.received.iter().map(movement).collect(),
                        passed_on: h.passed_on.iter().map(movement).collect(),
                        contractors: h
                            .contractors
                            .iter()
                            .map(|(c, ps)| ContractorJson {
                                name: &design.actor(*c).name,
                                legal_name: design.actor(*c).legal_name(),
                                purposes: ps.iter().map(|p| n.purpose(*p)).collect(),
                            })
                            .collect(),
                    }
                })
                .collect(),
        }
    };
    let group = |(i, g): (usize, &SenderGroup)| GroupJson {
        id: group_id(GroupId(i as u32)),
        item: &design.item(g.item).name,
        category: n.category(g.item),
        purpose: g.purpose.map(|p| n.purpose(p)),
        carrier: g.carrier.map(|c| design.actor(c).name.as_str()),
        senders: g
            .senders
            .iter()
            .map(|s| SenderJson {
                actor: n.actor(s.actor),
                route: n.route(&s.route),
                line: line(s.flow),
            })
            .collect(),
        includes: g
            .joins
            .iter()
            .map(|j| JoinJson {
                group: group_id(j.group),
                route: n.route(&j.route),
                line: line(j.flow),
            })
            .collect(),
        receivers: g.receivers.iter().map(|a| n.actor(*a)).collect(),
        included_in: g.onward.iter().map(|o| group_id(*o)).collect(),
    };
    let record = |r: &'_ crate::inventory::Record| RecordJson {
        senders: group_id(r.senders),
        receiver: n.actor(r.receiver),
        item: &design.item(r.item).name,
        category: n.category(r.item),
        purpose: n.purpose(r.purpose),
        route: n.route(&r.route),
        basis: n.basis(&r.basis),
        line: line(r.flow),
    };
    let doc_json = Output {
        version: 3,
        design: &doc.source.name,
        rulebook: Some(RulebookJson {
            name: &rb.name,
            title: rb.title.as_deref(),
            revised: rb.revised.as_deref(),
        }),
        systems: Lazy(|| inv.systems.iter().map(system)),
        sender_groups: Lazy(|| inv.groups.iter().enumerate().map(group)),
        records: Lazy(|| inv.records.iter().map(record)),
        carriers: n.route(&inv.carriers),
        summary: Summary {
            systems: inv.systems.len(),
            holdings: inv.systems.iter().map(|s| s.holdings.len()).sum(),
            sender_groups: inv.groups.len(),
            records: inv.records.len(),
            senders: inv.groups.iter().map(|g| g.senders.len()).sum(),
            includes: inv.groups.iter().map(|g| g.joins.len()).sum(),
        },
    };
    // Buffered here, so that the serializer's many small writes are calls
    // the compiler sees, not through `dyn Write`.
    let mut buffered = io::BufWriter::with_capacity(1 << 16, out);
    serde_json::to_writer_pretty(&mut buffered, &doc_json)?;
    buffered.write_all(b"\n")?;
    buffered.flush()
}
