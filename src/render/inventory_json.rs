//! The inventory as JSON, in the shape `docs/inventory.schema.json`
//! documents. Names only, no prose, so the output is the same in every
//! language.

use super::inventory_md::Doc;
use super::json_pretty::{Object, Pretty};
use super::pieces::Pieces;
use crate::inventory::{
    Basis, Counterpart, Entrusting, GroupId, Holding, Join, Movement, PassedOnByContractor, Record,
    Sender, SenderGroup, System,
};
use crate::model::*;
use crate::source::SourceFile;
use serde::Serialize;
use std::io::{self, Write};

#[derive(Serialize)]
struct RulebookJson<'a> {
    name: &'a str,
    title: Option<&'a str>,
    revised: Option<&'a str>,
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

/// Adds `s` to `pieces` as serde_json writes it: a string, or `null`
/// (the same bytes it writes at every mention).
fn push_json(pieces: &mut Pieces, s: Option<&str>) {
    pieces.push(|t| {
        // Serializing a string or nothing does not fail.
        if let Ok(json) = serde_json::to_string(&s) {
            t.push_str(&crate::escape::json_no_legacy_command(json));
        }
    });
}

/// The names every element repeats, as JSON, made once per document: the
/// same actor, item or purpose is named in millions of members, and
/// serde_json escaped it anew each time.
#[derive(Default)]
struct Names {
    /// Per actor: its name.
    actors: Pieces,
    /// Each actor's role: four bytes an actor, so that a mention of a
    /// random actor of a national design reads little beyond its name.
    actor_roles: ActorTable,
    /// Per role of the rulebook, two values: its name, its kind.
    roles: Pieces,
    /// Per item, two values: its name, its category's name (or `null`).
    items: Pieces,
    /// Per purpose of the rulebook: its name.
    purposes: Pieces,
    /// Per section of the rulebook, three values: its id, its citation (or
    /// `null`), and what that citation is now if a later amendment
    /// renumbered it (or `null`; MN601's table).
    sections: Pieces,
}

impl Names {
    fn of(design: &Design, rb: &Rulebook) -> Names {
        let mut n = Names {
            actor_roles: ActorTable::of(design),
            ..Names::default()
        };
        for actor in &design.actors {
            push_json(&mut n.actors, Some(&actor.name));
        }
        for role in &rb.roles {
            push_json(&mut n.roles, Some(&role.name));
            push_json(&mut n.roles, Some(role.kind.as_str()));
        }
        for item in &design.data {
            push_json(&mut n.items, Some(&item.name));
            push_json(
                &mut n.items,
                item.category.id.map(|c| rb.category(c).name.as_str()),
            );
        }
        for p in &rb.purposes {
            push_json(&mut n.purposes, Some(&p.name));
        }
        for (i, s) in rb.sections.iter().enumerate() {
            push_json(&mut n.sections, Some(&s.id));
            push_json(&mut n.sections, s.basis.as_deref());
            let now = crate::rulecheck::section_citation(rb, SectionId::new(i as u32));
            push_json(&mut n.sections, now.as_ref().map(|r| r.new.as_str()));
        }
        n
    }
}

/// What every part of the document is drawn from: shared by the threads
/// that draw it.
#[derive(Clone, Copy)]
struct Draw<'a> {
    design: &'a Design,
    rb: &'a Rulebook,
    source: &'a SourceFile,
    /// Each flow's 0-based line, read in one pass: movements name flows
    /// in no useful order, and a search of the lines for each, after a
    /// read of the flow, missed the cache at every step.
    flow_lines: &'a [usize],
    names: &'a Names,
}

impl<'a> Draw<'a> {
    /// The `i`-th value of `table`, or (never: the tables cover every
    /// id) `fallback` written by serde_json.
    fn put(p: &mut Pretty, table: &Pieces, i: usize, fallback: impl FnOnce() -> Option<&'a str>) {
        match table.get(i) {
            Some(json) => p.raw(json.as_bytes()),
            None => match fallback() {
                Some(s) => p.str(s),
                None => p.null(),
            },
        }
    }

    fn name(&self, p: &mut Pretty, a: ActorId) {
        Self::put(p, &self.names.actors, a.index(), || {
            Some(&self.design.actor(a).name)
        });
    }

    /// The `i`-th value of the actor's role in [`Names::roles`] (0: its
    /// name, 1: its kind), `null` when its role is unknown.
    fn of_role(
        &self,
        p: &mut Pretty,
        a: ActorId,
        i: usize,
        fallback: impl FnOnce() -> Option<&'a str>,
    ) {
        match self.names.actor_roles.role(a) {
            Some(r) => Self::put(p, &self.names.roles, 2 * r.index() + i, fallback),
            None => p.null(),
        }
    }

    fn role(&self, p: &mut Pretty, a: ActorId) {
        self.of_role(p, a, 0, || {
            let r = self.design.actor(a).role.id?;
            Some(&self.rb.role(r).name)
        });
    }

    /// `{name, role, kind}`.
    fn actor(&self, p: &mut Pretty, a: ActorId) {
        p.begin_object();
        p.key("name");
        self.name(p, a);
        p.key("role");
        self.role(p, a);
        p.key("kind");
        self.of_role(p, a, 1, || {
            let r = self.design.actor(a).role.id?;
            Some(self.rb.role(r).kind.as_str())
        });
        p.end_object();
    }

    fn item(&self, p: &mut Pretty, d: DataId) {
        Self::put(p, &self.names.items, 2 * d.index(), || {
            Some(&self.design.item(d).name)
        });
    }

    fn category(&self, p: &mut Pretty, d: DataId) {
        Self::put(p, &self.names.items, 2 * d.index() + 1, || {
            let c = self.design.item(d).category.id?;
            Some(&self.rb.category(c).name)
        });
    }

    fn purpose(&self, p: &mut Pretty, purpose: Option<PurposeId>) {
        match purpose {
            Some(id) => Self::put(p, &self.names.purposes, id.index(), || {
                Some(&self.rb.purpose(id).name)
            }),
            None => p.null(),
        }
    }

    fn purposes(&self, p: &mut Pretty, ps: &[PurposeId]) {
        p.array_of(ps, |p, id| self.purpose(p, Some(*id)));
    }

    /// Actors' names, in order of travel.
    fn route(&self, p: &mut Pretty, route: &[ActorId]) {
        p.array_of(route, |p, a| self.name(p, *a));
    }

    /// `"S3"`, as [`group_id`] gives it.
    fn group_id(p: &mut Pretty, g: GroupId) {
        p.raw(b"\"S");
        p.number(g.index() + 1);
        p.raw(b"\"");
    }

    /// The flow's line (no column counted).
    fn line(&self, p: &mut Pretty, f: FlowId) {
        let line = match self.flow_lines.get(f.index()) {
            Some(&line) => line,
            None => self
                .source
                .line_index(self.design.flow(f).span.start as usize),
        };
        p.number(line + 1);
    }

    /// `{allowed, section, citation, current_citation, code}`.
    fn basis(&self, p: &mut Pretty, b: &Basis) {
        p.begin_object();
        match b {
            Basis::Rule(r) => {
                let s = self.rb.rule(*r).section;
                p.key("allowed");
                p.bool(true);
                p.key("section");
                Self::put(p, &self.names.sections, 3 * s.index(), || {
                    Some(&self.rb.section(s).id)
                });
                p.key("citation");
                Self::put(p, &self.names.sections, 3 * s.index() + 1, || {
                    self.rb.section(s).basis.as_deref()
                });
                // Made for every section with the names: nothing to fall
                // back on.
                p.key("current_citation");
                Self::put(p, &self.names.sections, 3 * s.index() + 2, || None);
                p.key("code");
                p.null();
            }
            Basis::Refused(code) => {
                p.key("allowed");
                p.bool(false);
                p.key("section");
                p.null();
                p.key("citation");
                p.null();
                p.key("current_citation");
                p.null();
                p.key("code");
                p.str(code.as_str());
            }
        }
        p.end_object();
    }

    /// `{actor, group, purpose, route, basis, line}`.
    fn movement(&self, p: &mut Pretty, m: &Movement) {
        p.begin_object();
        p.key("actor");
        match m.counterpart {
            Counterpart::Actor(a) => self.actor(p, a),
            Counterpart::Group(_) => p.null(),
        }
        p.key("group");
        match m.counterpart {
            Counterpart::Actor(_) => p.null(),
            Counterpart::Group(g) => Self::group_id(p, g),
        }
        p.key("purpose");
        self.purpose(p, m.purpose);
        p.key("route");
        self.route(p, &m.route);
        p.key("basis");
        match &m.basis {
            Some(b) => self.basis(p, b),
            None => p.null(),
        }
        p.key("line");
        self.line(p, m.flow);
        p.end_object();
    }

    fn movements(&self, p: &mut Pretty, ms: &[Movement]) {
        p.array_of(ms, |p, m| self.movement(p, m));
    }

    /// `{name, legal_name, purposes, bases, only_on_route,
    /// missing_clauses}`.
    fn contractor(&self, p: &mut Pretty, (c, ps): &(ActorId, Vec<PurposeId>), e: &Entrusting) {
        p.begin_object();
        p.key("name");
        self.name(p, *c);
        p.key("legal_name");
        p.str(self.design.actor(*c).legal_name());
        p.key("purposes");
        self.purposes(p, ps);
        p.key("bases");
        p.array_of(&e.bases, |p, b| self.basis(p, b));
        p.key("only_on_route");
        p.bool(e.only_on_route);
        p.key("missing_clauses");
        p.bool(e.missing_clauses);
        p.end_object();
    }

    /// `{contractor, receiver, reentrusting, item, category, purpose,
    /// route, allowed, code, line}`.
    fn passed_on_by_contractor(&self, p: &mut Pretty, x: &PassedOnByContractor) {
        p.begin_object();
        p.key("contractor");
        self.actor(p, x.contractor);
        p.key("receiver");
        self.actor(p, x.receiver);
        p.key("reentrusting");
        p.bool(x.reentrusting);
        p.key("item");
        self.item(p, x.item);
        p.key("category");
        self.category(p, x.item);
        p.key("purpose");
        self.purpose(p, Some(x.purpose));
        p.key("route");
        self.route(p, &x.route);
        p.key("allowed");
        p.bool(x.finding.is_none());
        p.key("code");
        match x.finding {
            Some(code) => p.str(code.as_str()),
            None => p.null(),
        }
        p.key("line");
        self.line(p, x.flow);
        p.end_object();
    }

    /// `{item, category, own, purposes, untraced_purposes, received,
    /// passed_on, contractors}`.
    fn holding(&self, p: &mut Pretty, h: &Holding) {
        p.begin_object();
        p.key("item");
        self.item(p, h.item);
        p.key("category");
        self.category(p, h.item);
        p.key("own");
        p.bool(h.own);
        p.key("purposes");
        self.purposes(p, &h.purposes);
        p.key("untraced_purposes");
        self.purposes(p, &h.untraced);
        p.key("received");
        self.movements(p, &h.received);
        p.key("passed_on");
        self.movements(p, &h.passed_on);
        p.key("contractors");
        p.array_of(h.contractors.iter().zip(&h.entrusting), |p, (c, e)| {
            self.contractor(p, c, e)
        });
        p.end_object();
    }

    /// `{name, label, role, holdings}`.
    fn system(&self, p: &mut Pretty, s: &System) {
        p.begin_object();
        p.key("name");
        self.name(p, s.actor);
        p.key("label");
        match &self.design.actor(s.actor).label {
            Some((label, _)) => p.str(label),
            None => p.null(),
        }
        p.key("role");
        self.role(p, s.actor);
        p.key("holdings");
        p.array_of(&s.holdings, |p, h| self.holding(p, h));
        p.end_object();
    }

    /// `{actor, route, line}`.
    fn sender(&self, p: &mut Pretty, s: &Sender) {
        p.begin_object();
        p.key("actor");
        self.actor(p, s.actor);
        p.key("route");
        self.route(p, &s.route);
        p.key("line");
        self.line(p, s.flow);
        p.end_object();
    }

    /// `{group, route, line}`.
    fn join(&self, p: &mut Pretty, j: &Join) {
        p.begin_object();
        p.key("group");
        Self::group_id(p, j.group);
        p.key("route");
        self.route(p, &j.route);
        p.key("line");
        self.line(p, j.flow);
        p.end_object();
    }

    /// `{id, item, category, purpose, carrier, senders, includes,
    /// receivers, included_in}`.
    fn group(&self, p: &mut Pretty, id: GroupId, g: &SenderGroup) {
        p.begin_object();
        p.key("id");
        Self::group_id(p, id);
        p.key("item");
        self.item(p, g.item);
        p.key("category");
        self.category(p, g.item);
        p.key("purpose");
        self.purpose(p, g.purpose);
        p.key("carrier");
        match g.carrier {
            Some(c) => self.name(p, c),
            None => p.null(),
        }
        p.key("senders");
        p.array_of(&g.senders, |p, s| self.sender(p, s));
        p.key("includes");
        p.array_of(&g.joins, |p, j| self.join(p, j));
        p.key("receivers");
        p.array_of(&g.receivers, |p, a| self.actor(p, *a));
        p.key("included_in");
        p.array_of(&g.onward, |p, o| Self::group_id(p, *o));
        p.end_object();
    }

    /// `{senders, receiver, item, category, purpose, route, basis, line}`.
    fn record(&self, p: &mut Pretty, r: &Record) {
        p.begin_object();
        p.key("senders");
        Self::group_id(p, r.senders);
        p.key("receiver");
        self.actor(p, r.receiver);
        p.key("item");
        self.item(p, r.item);
        p.key("category");
        self.category(p, r.item);
        p.key("purpose");
        self.purpose(p, Some(r.purpose));
        p.key("route");
        self.route(p, &r.route);
        p.key("basis");
        self.basis(p, &r.basis);
        p.key("line");
        self.line(p, r.flow);
        p.end_object();
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
            .write_all(b"{\"version\":5,\"error\":\"the design's rulebook is not loaded\"}\n");
    };
    let flow_lines = doc
        .source
        .line_indexes(design.flows.iter().map(|f| f.span.start as usize));
    let names = Names::of(design, rb);
    let n = Draw {
        design,
        rb,
        source: doc.source,
        flow_lines: &flow_lines,
        names: &names,
    };
    let inv = doc.inventory;
    // The serializer's many small writes go to a buffer the compiler
    // sees, not through `dyn Write`; long lists arrive a chunk at a time.
    let mut buffered = io::BufWriter::with_capacity(1 << 16, out);
    let mut o = Object::begin(&mut buffered, 0)?;
    o.member("version", &5u32)?;
    o.member("design", doc.source.name.as_str())?;
    o.member(
        "rulebook",
        &RulebookJson {
            name: &rb.name,
            title: rb.title.as_deref(),
            revised: rb.revised.as_deref(),
        },
    )?;
    o.array_with("systems", &inv.systems, |s, p| n.system(p, s))?;
    // Ids by position, as `Inventory::group` finds them.
    let ids: Vec<(GroupId, &SenderGroup)> = inv
        .groups
        .iter()
        .enumerate()
        .map(|(i, g)| (GroupId(i as u32), g))
        .collect();
    o.array_with("sender_groups", &ids, |(id, g), p| n.group(p, *id, g))?;
    o.array_with("records", &inv.records, |r, p| n.record(p, r))?;
    let carriers: Vec<&str> = inv
        .carriers
        .iter()
        .map(|a| design.actor(*a).name.as_str())
        .collect();
    o.member("carriers", &carriers)?;
    o.array_with(
        "passed_on_by_contractors",
        &inv.passed_on_by_contractors,
        |x, p| n.passed_on_by_contractor(p, x),
    )?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_escaped_once_equal_serde_json_at_every_mention() {
        let (_session, checked) = super::super::inventory_md::tests::tricky();
        let design = checked.analysis.expect("a design").design;
        let rb = design.rulebook.as_deref().expect("kenpo");
        let names = Names::of(&design, rb);
        let json = |s: Option<&str>| serde_json::to_string(&s).unwrap();
        assert!(design.actors.len() >= 4 && design.data.len() >= 2);
        for (i, a) in design.actors.iter().enumerate() {
            assert_eq!(names.actors.get(i).unwrap(), json(Some(&a.name)));
            assert_eq!(names.actor_roles.role(ActorId::new(i as u32)), a.role.id);
        }
        for (i, r) in rb.roles.iter().enumerate() {
            assert_eq!(names.roles.get(2 * i).unwrap(), json(Some(&r.name)));
            assert_eq!(
                names.roles.get(2 * i + 1).unwrap(),
                json(Some(r.kind.as_str()))
            );
        }
        for (i, d) in design.data.iter().enumerate() {
            assert_eq!(names.items.get(2 * i).unwrap(), json(Some(&d.name)));
            let category = d.category.id.map(|c| rb.category(c).name.as_str());
            assert_eq!(names.items.get(2 * i + 1).unwrap(), json(category));
        }
        for (i, p) in rb.purposes.iter().enumerate() {
            assert_eq!(names.purposes.get(i).unwrap(), json(Some(&p.name)));
        }
        for (i, s) in rb.sections.iter().enumerate() {
            assert_eq!(names.sections.get(3 * i).unwrap(), json(Some(&s.id)));
            assert_eq!(
                names.sections.get(3 * i + 1).unwrap(),
                json(s.basis.as_deref())
            );
            let now = crate::rulecheck::section_citation(rb, SectionId::new(i as u32));
            assert_eq!(
                names.sections.get(3 * i + 2).unwrap(),
                json(now.as_ref().map(|r| r.new.as_str()))
            );
        }
        assert_eq!(names.actors.get(design.actors.len()), None);
        assert_eq!(names.roles.get(2 * rb.roles.len()), None);
    }
}
