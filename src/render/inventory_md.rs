//! The inventory as Markdown, in the order of the PPC's assessment form
//! (特定個人情報保護評価書): basic information, obtaining and use, entrusting,
//! provision and transfer, retention and deletion, then the exchanges that
//! leave a 情報提供等の記録 at both ends. Japanese headings follow the form's
//! wording; English ones translate it.

use super::pieces::Pieces;
use crate::code::Code;
use crate::escape::visible;
use crate::inventory::{
    Basis, Counterpart, EntrustedRow, Entrusting, GroupId, Inventory, PassedOn,
};
use crate::model::*;
use crate::source::SourceFile;
use crate::text::Lang;
use std::fmt::Write as _;
use std::io;

/// What the inventory renderers (this one and `inventory_json`) read.
pub struct Doc<'a> {
    /// The inventory.
    pub inventory: &'a Inventory,
    /// The design it was drawn from (its rulebook loaded).
    pub design: &'a Design,
    /// The design's file, for its name and line numbers.
    pub source: &'a SourceFile,
    /// Output language.
    pub lang: Lang,
}

fn t(lang: Lang, en: &'static str, ja: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::Ja => ja,
    }
}

/// Text from the input, made safe for a Markdown table cell: invisible
/// characters shown escaped, Markdown syntax characters backslashed.
pub fn cell(s: &str) -> String {
    let v = visible(s);
    let mut out = String::with_capacity(v.len() + 4);
    // The syntax characters are ASCII, so a byte scan finds them (a
    // UTF-8 sequence never holds an ASCII byte) and cuts only between
    // characters: a table of a million rows calls this a few million times.
    let mut from = 0;
    for (i, b) in v.bytes().enumerate() {
        if matches!(
            b,
            b'\\' | b'|' | b'*' | b'_' | b'`' | b'<' | b'>' | b'[' | b']' | b'#' | b'~'
        ) {
            out.push_str(&v[from..i]);
            out.push('\\');
            from = i;
        }
    }
    out.push_str(&v[from..]);
    out
}

/// The cells every row repeats, each rendered once per document: the
/// same actor, item or purpose is named in thousands of rows, and
/// escaping it for every row (a `format!` and two [`cell`] strings each
/// time) was most of the work of drawing the tables.
#[derive(Default)]
struct Cells {
    /// Per actor, two strings: its name's cell, then ` (role)` when its
    /// role is named otherwise (else empty).
    actors: Pieces,
    /// Per item, two strings: its name's cell, then ` (category)` (empty
    /// parentheses when its category is unknown).
    items: Pieces,
    /// Per purpose of the rulebook: its name's cell.
    purposes: Pieces,
    /// Per section of the rulebook: what the basis column says of a rule
    /// of it (its id as the rulebook, and so the notice, numbers it, its
    /// citation as written, and what that is now if renumbered).
    sections: Pieces,
    /// Per code a basis column may show, what it says of a refusal: the
    /// code and its title, the short reason (`explain`'s heading).
    reasons: Vec<(Code, String)>,
}

impl Cells {
    fn of(design: &Design, lang: Lang) -> Cells {
        let rb = design.rulebook.as_deref();
        let mut cells = Cells::default();
        let mut roles = Pieces::default();
        for r in rb.map_or(&[][..], |rb| &rb.roles) {
            roles.push(|t| t.push_str(&cell(&r.name)));
        }
        for actor in &design.actors {
            cells.actors.push(|t| t.push_str(&cell(&actor.name)));
            let role = match (rb, actor.role.id) {
                (Some(rb), Some(r)) => Some((rb.role(r).name.as_str(), r.index())),
                _ => None,
            };
            cells.actors.push(|t| {
                if let Some((name, r)) = role
                    && name != actor.name
                {
                    t.push_str(" (");
                    t.push_str(roles.get(r).unwrap_or_default());
                    t.push(')');
                }
            });
        }
        for item in &design.data {
            cells.items.push(|t| t.push_str(&cell(&item.name)));
            cells.items.push(|t| {
                t.push_str(" (");
                if let (Some(rb), Some(c)) = (rb, item.category.id) {
                    t.push_str(&cell(&rb.category(c).name));
                }
                t.push(')');
            });
        }
        // The codes the basis columns show: those the inventory lists.
        for &code in crate::inventory::LISTED_FINDINGS {
            let mut said = String::new();
            said.push_str(code.as_str());
            said.push_str(": ");
            said.push_str(&cell(code.title().get(lang)));
            cells.reasons.push((code, said));
        }
        let Some(rb) = rb else {
            return cells;
        };
        for p in &rb.purposes {
            cells.purposes.push(|t| t.push_str(&cell(&p.name)));
        }
        for (i, s) in rb.sections.iter().enumerate() {
            let now = crate::rulecheck::section_citation(rb, SectionId::new(i as u32));
            let now_is = t(lang, "; now ", "。現在は");
            cells.sections.push(|t| {
                let id = cell(&s.id);
                if lang == Lang::En {
                    t.push_str("section ");
                }
                t.push_str(&id);
                if let Some(b) = &s.basis {
                    t.push_str(" (");
                    t.push_str(&cell(b));
                    if let Some(n) = &now {
                        t.push_str(now_is);
                        t.push_str(&cell(&n.new));
                    }
                    t.push(')');
                }
            });
        }
        cells
    }
}

/// `n` in decimal, as `Display` writes it (row numbers and lines, millions
/// of them, without the formatting machinery).
fn push_number(out: &mut String, n: usize) {
    out.push_str(itoa::Buffer::new().format(n));
}

/// A table row written cell by cell straight into the output.
struct Row<'o> {
    out: &'o mut String,
    first: bool,
}

impl<'o> Row<'o> {
    fn new(out: &'o mut String) -> Row<'o> {
        out.push_str("| ");
        Row { out, first: true }
    }

    /// The next cell: write it into what this returns.
    fn cell(&mut self) -> &mut String {
        if !self.first {
            self.out.push_str(" | ");
        }
        self.first = false;
        self.out
    }

    fn end(self) {
        self.out.push_str(" |\n");
    }
}

/// A document being drawn: the [`Doc`] and its [`Cells`].
struct Draw<'a> {
    inventory: &'a Inventory,
    design: &'a Design,
    source: &'a SourceFile,
    lang: Lang,
    cells: Cells,
}

impl Draw<'_> {
    fn rb(&self) -> Option<&Rulebook> {
        self.design.rulebook.as_deref()
    }

    fn sep(&self) -> &'static str {
        match self.lang {
            Lang::En => ", ",
            Lang::Ja => "、",
        }
    }

    fn none_named(&self) -> &'static str {
        t(self.lang, "(none named)", "(記載なし)")
    }

    /// The actor's name.
    fn name(&self, out: &mut String, a: ActorId) {
        out.push_str(self.cells.actors.get(2 * a.index()).unwrap_or_default());
    }

    /// `市町村 (他機関)`: the actor, with its role when the names differ.
    fn actor(&self, out: &mut String, a: ActorId) {
        self.name(out, a);
        out.push_str(self.cells.actors.get(2 * a.index() + 1).unwrap_or_default());
    }

    fn item(&self, out: &mut String, d: DataId) {
        out.push_str(self.cells.items.get(2 * d.index()).unwrap_or_default());
    }

    /// `課税情報 (課税・非課税情報)`: the item and its category.
    fn item_and_category(&self, out: &mut String, d: DataId) {
        self.item(out, d);
        out.push_str(self.cells.items.get(2 * d.index() + 1).unwrap_or_default());
    }

    fn purpose(&self, out: &mut String, p: Option<PurposeId>) {
        match p.and_then(|p| self.cells.purposes.get(p.index())) {
            Some(name) => out.push_str(name),
            None => out.push_str(self.none_named()),
        }
    }

    fn purposes(&self, out: &mut String, ps: &[PurposeId]) {
        if ps.is_empty() {
            out.push_str(self.none_named());
        }
        for (i, p) in ps.iter().enumerate() {
            if i > 0 {
                out.push_str(self.sep());
            }
            self.purpose(out, Some(*p));
        }
    }

    /// The actors of `first` then those of `then`, or `direct`.
    fn route_of(&self, out: &mut String, first: &[ActorId], then: &[ActorId]) {
        if first.is_empty() && then.is_empty() {
            out.push_str(t(self.lang, "direct", "直接"));
        }
        for (i, a) in first.iter().chain(then).enumerate() {
            if i > 0 {
                out.push_str(" → ");
            }
            self.name(out, *a);
        }
    }

    fn route(&self, out: &mut String, route: &[ActorId]) {
        self.route_of(out, route, &[]);
    }

    fn basis(&self, out: &mut String, b: Option<&Basis>) {
        match (b, self.rb()) {
            (Some(Basis::Rule(r)), Some(rb)) => {
                let s = rb.rule(*r).section.index();
                out.push_str(self.cells.sections.get(s).unwrap_or_default());
            }
            (Some(Basis::Refused(code)), _) => {
                out.push_str(t(self.lang, "**not allowed (", "**認められていません ("));
                self.reason(out, *code);
                out.push_str(")**");
            }
            _ => out.push('—'),
        }
    }

    /// `MN301: contractor not registered for this purpose`: the code and
    /// its short reason.
    fn reason(&self, out: &mut String, code: Code) {
        match self.cells.reasons.iter().find(|(c, _)| *c == code) {
            Some((_, said)) => out.push_str(said),
            None => out.push_str(code.as_str()),
        }
    }

    /// As [`Draw::basis`], `none` when there is no basis.
    fn basis_or(&self, out: &mut String, b: Option<&Basis>, none: &str) {
        match b {
            Some(b) => self.basis(out, Some(b)),
            None => out.push_str(none),
        }
    }

    /// `S3`.
    fn group_id(&self, out: &mut String, g: GroupId) {
        out.push('S');
        push_number(out, g.index() + 1);
    }

    /// `S3: 市町村 (他機関)` for a group of one, `S3: 200 senders` or
    /// `S3: 5 senders and 2 groups` otherwise (the groups it includes).
    fn senders(&self, out: &mut String, g: GroupId) {
        let group = self.inventory.group(g);
        self.group_id(out, g);
        out.push_str(": ");
        if let Some(one) = group.sole() {
            return self.actor(out, one.actor);
        }
        let (n, j) = (group.senders.len(), group.joins.len());
        match (self.lang, j) {
            (Lang::En, 0) => {
                push_number(out, n);
                out.push_str(" senders (section 6.1)");
            }
            (Lang::En, _) => {
                push_number(out, n);
                out.push_str(" sender(s) and ");
                push_number(out, j);
                out.push_str(" group(s) (section 6.1)");
            }
            (Lang::Ja, 0) => {
                out.push_str("送り手 ");
                push_number(out, n);
                out.push_str(" 件 (6.1)");
            }
            (Lang::Ja, _) => {
                out.push_str("送り手 ");
                push_number(out, n);
                out.push_str(" 件とグループ ");
                push_number(out, j);
                out.push_str(" 件 (6.1)");
            }
        }
    }

    /// The receivers of a group, as the senders' tables name them.
    fn receivers_of(&self, out: &mut String, g: GroupId, section: bool) {
        match self.lang {
            Lang::En => {
                out.push_str("the receivers of ");
                self.group_id(out, g);
                if section {
                    out.push_str(" (section 6.1)");
                }
            }
            Lang::Ja => {
                self.group_id(out, g);
                out.push_str(" の受け手");
                if section {
                    out.push_str(" (6.1)");
                }
            }
        }
    }

    /// The other end of a movement: an actor, or a group's senders (what
    /// a system receives) or receivers (what it passes on).
    fn counterpart(&self, out: &mut String, c: Counterpart, received: bool) {
        match (c, received) {
            (Counterpart::Actor(a), _) => self.actor(out, a),
            (Counterpart::Group(g), true) => self.senders(out, g),
            (Counterpart::Group(g), false) => self.receivers_of(out, g, true),
        }
    }

    /// A route after a group's carrier: the senders' routes to it are in
    /// the group.
    fn route_after(&self, out: &mut String, g: GroupId, after: &[ActorId]) {
        self.group_id(out, g);
        out.push_str(t(self.lang, "'s routes", " の経路"));
        if !after.is_empty() {
            out.push_str(" → ");
            self.route(out, after);
        }
    }

    /// The flow's line (a binary search: no column is counted).
    fn line(&self, f: FlowId) -> usize {
        self.source
            .line_index(self.design.flow(f).span.start as usize)
            + 1
    }

    fn is_self(&self, a: ActorId) -> bool {
        self.design.kind_of(a) == Some(RoleKind::SelfOrg)
    }
}

fn header(out: &mut impl std::fmt::Write, cells: &[&str]) {
    let _ = writeln!(out, "| {} |", cells.join(" | "));
    let _ = writeln!(out, "|{}", "---|".repeat(cells.len()));
}

/// The document as it is written: short text gathered here, the rows of
/// long tables drawn on every core a batch at a time and written in
/// order ([`super::chunked`]), so a large design's document is never held
/// whole.
struct Out<'w> {
    text: String,
    to: &'w mut dyn io::Write,
    /// The first write that failed: nothing is written after it.
    failed: Option<io::Error>,
}

impl Out<'_> {
    fn flush(&mut self) {
        if self.failed.is_none()
            && let Err(e) = self.to.write_all(self.text.as_bytes())
        {
            self.failed = Some(e);
        }
        self.text.clear();
    }

    /// Each of `items` drawn by `draw` (given its index), in order.
    fn each<'a, T: Sync>(
        &mut self,
        items: &'a [T],
        draw: impl Fn(usize, &'a T, &mut String) + Sync,
    ) {
        self.flush();
        if self.failed.is_some() {
            return;
        }
        let r = super::chunked::write_ordered_text(self.to, items, |i, item, buf| {
            draw(i, item, buf);
            Ok(())
        });
        if let Err(e) = r {
            self.failed = Some(e);
        }
    }
}

impl std::fmt::Write for Out<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.text.push_str(s);
        Ok(())
    }
}

/// Renders the inventory as a Markdown document.
pub fn render(doc: &Doc) -> String {
    let mut out = Vec::new();
    match write(doc, &mut out) {
        Ok(()) => String::from_utf8_lossy(&out).into_owned(),
        Err(e) => format!("error: {e}\n"),
    }
}

/// Writes the inventory as a Markdown document, as [`render`] gives it.
pub fn write(doc: &Doc, to: &mut dyn io::Write) -> io::Result<()> {
    let lang = doc.lang;
    let d = Draw {
        inventory: doc.inventory,
        design: doc.design,
        source: doc.source,
        lang,
        cells: Cells::of(doc.design, lang),
    };
    let mut out = Out {
        text: String::new(),
        to,
        failed: None,
    };
    let _ = writeln!(
        out,
        "# {}\n",
        t(
            lang,
            "特定個人情報 inventory for the privacy impact assessment (番号法 Article 28) and the records of exchanges (Article 23)",
            "特定個人情報の棚卸し — 特定個人情報保護評価 (番号法第28条) と情報提供等の記録 (第23条) のために"
        )
    );
    intro(&d, &mut out);
    basics(&d, &mut out);
    obtaining(&d, &mut out);
    entrusting(&d, &mut out);
    provision(&d, &mut out);
    retention(&d, &mut out);
    records(&d, &mut out);
    out.flush();
    match out.failed {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

fn intro(doc: &Draw, out: &mut Out) {
    let lang = doc.lang;
    let inv = doc.inventory;
    let _ = writeln!(
        out,
        "- {}: `{}`",
        t(lang, "Design", "設計"),
        visible(&doc.source.name).replace('`', "'")
    );
    if let Some(rb) = doc.rb() {
        let mut s = cell(&rb.name);
        if let Some(title) = &rb.title {
            s.push_str(&match lang {
                Lang::En => format!(" \"{}\"", cell(title)),
                Lang::Ja => crate::text::ja_quoted(&cell(title)),
            });
        }
        if let Some(r) = &rb.revised {
            s.push_str(&match lang {
                Lang::En => format!(", revised {}", cell(r)),
                Lang::Ja => format!(" ({} 改定)", cell(r)),
            });
        }
        let _ = writeln!(out, "- {}: {s}", t(lang, "Rulebook", "ルールブック"));
        // A citation the notice, and so the rulebook, still writes with a
        // number a later amendment changed: the basis column says what it
        // is now, and this line since when and by what.
        let mut renumbered: Vec<crate::rulecheck::Renumbered> = Vec::new();
        for i in 0..rb.sections.len() {
            if let Some(r) = crate::rulecheck::section_citation(rb, SectionId::new(i as u32))
                && !renumbered.iter().any(|x| x.old == r.old && x.new == r.new)
            {
                renumbered.push(r);
            }
        }
        for r in &renumbered {
            // The sentence's own words need no escaping: the cell's
            // escaping of it is that of its names.
            let said = cell(r.as_cited_by_the_notice().get(lang));
            let _ = match lang {
                Lang::En => writeln!(out, "- Citations: {said}"),
                Lang::Ja => writeln!(out, "- 根拠の引用: {said}"),
            };
        }
    }
    let items: usize = inv.systems.iter().map(|s| s.holdings.len()).sum();
    let _ = writeln!(
        out,
        "- {}\n",
        match lang {
            Lang::En => format!(
                "{} system(s) hold 特定個人情報 ({items} holding(s)); {} exchange(s) through a carrier, each a provision from every sender of its group (section 6.1), recorded at both ends",
                inv.systems.len(),
                inv.records.len()
            ),
            Lang::Ja => format!(
                "特定個人情報を保有するシステム: {} (保有 {items} 件)、中継を経由する提供: {} 件 (グループ (6.1) の送り手それぞれからの提供で、双方が記録を残す)",
                inv.systems.len(),
                inv.records.len()
            ),
        }
    );
    let _ = writeln!(
        out,
        "{}\n",
        t(
            lang,
            "Drawn from the design by `mynaflow inventory`. What a design does not say (retention periods, deletion, safeguards) is left for the assessment form.",
            "`mynaflow inventory` が設計から作成しました。保存期間・消去方法・安全管理措置など、設計に書かれない事項は評価書で補ってください。"
        )
    );
}

fn basics(doc: &Draw, out: &mut Out) {
    let lang = doc.lang;
    let _ = writeln!(
        out,
        "## 1. {}\n",
        t(
            lang,
            "Basic information: systems that hold 特定個人情報",
            "基本情報 — 特定個人情報ファイルを保有するシステム"
        )
    );
    if doc.inventory.systems.is_empty() {
        let _ = writeln!(
            out,
            "{}\n",
            t(
                lang,
                "No system of the society holds 特定個人情報 in this design.",
                "この設計では、組合のシステムは特定個人情報を保有しません。"
            )
        );
        return;
    }
    header(
        out,
        &[
            t(lang, "System", "システム"),
            t(lang, "Description", "説明"),
            t(lang, "特定個人情報 held", "保有する特定個人情報"),
        ],
    );
    out.each(&doc.inventory.systems, |_, s, out| {
        let mut row = Row::new(out);
        doc.name(row.cell(), s.actor);
        if let Some((label, _)) = &doc.design.actor(s.actor).label {
            row.cell().push_str(&cell(label));
        } else {
            row.cell();
        }
        let items = row.cell();
        for (i, h) in s.holdings.iter().enumerate() {
            if i > 0 {
                items.push_str(doc.sep());
            }
            doc.item_and_category(items, h.item);
        }
        row.end();
    });
    let _ = writeln!(out);
}

fn obtaining(doc: &Draw, out: &mut Out) {
    let lang = doc.lang;
    let _ = writeln!(
        out,
        "## 2. {}\n",
        t(
            lang,
            "Obtaining and use of 特定個人情報",
            "特定個人情報の入手・使用"
        )
    );
    let head = [
        t(lang, "特定個人情報", "特定個人情報"),
        t(lang, "Obtained from", "入手元"),
        t(lang, "Route", "経路"),
        t(lang, "Purpose", "目的"),
        t(lang, "Basis", "根拠"),
    ];
    out.each(&doc.inventory.systems, |_, s, out| {
        out.push_str("### ");
        doc.name(out, s.actor);
        out.push_str("\n\n");
        header(out, &head);
        for h in &s.holdings {
            if h.own {
                let mut row = Row::new(out);
                doc.item(row.cell(), h.item);
                row.cell().push_str(t(
                    lang,
                    "(the society's own: no flow brings it)",
                    "(組合が作成: 入手するフローはありません)",
                ));
                row.cell().push('—');
                row.cell().push('—');
                row.cell().push('—');
                row.end();
            }
            for m in &h.received {
                let mut row = Row::new(out);
                doc.item(row.cell(), h.item);
                doc.counterpart(row.cell(), m.counterpart, true);
                let from_self = match m.counterpart {
                    Counterpart::Actor(a) => {
                        doc.route(row.cell(), &m.route);
                        doc.is_self(a)
                    }
                    // A group's senders share a role, so the first tells.
                    Counterpart::Group(g) => {
                        doc.route_after(row.cell(), g, &m.route);
                        doc.inventory
                            .first_sender(g)
                            .is_some_and(|s| doc.is_self(s))
                    }
                };
                doc.purpose(row.cell(), m.purpose);
                if from_self {
                    // A transfer `check` reports (MN402, or MN1xx when it
                    // is handed to a party on the way) is marked.
                    let basis = row.cell();
                    basis.push_str(t(lang, "internal transfer", "組合内の移転"));
                    if let Some(b @ Basis::Refused(_)) = &m.basis {
                        basis.push_str(t(lang, "; ", "。"));
                        doc.basis(basis, Some(b));
                    }
                } else {
                    doc.basis(row.cell(), m.basis.as_ref());
                }
                row.end();
            }
        }
        out.push('\n');
        out.push_str(t(lang, "Purposes of use:", "使用の目的:"));
        out.push_str("\n\n");
        for h in &s.holdings {
            out.push_str("- ");
            doc.item(out, h.item);
            out.push_str(": ");
            doc.purposes(out, &h.purposes);
            if h.own {
                out.push_str(t(lang, " (purposes it is sent for)", " (送る目的)"));
            }
            if !h.untraced.is_empty() {
                out.push_str(t(
                    lang,
                    "; not obtained lawfully for ",
                    "。適法な入手の経路がない目的: ",
                ));
                doc.purposes(out, &h.untraced);
                out.push_str(t(
                    lang,
                    " (only a use beyond purpose upstream brings it, MN402)",
                    " (上流の目的外利用によってのみ届きます。MN402)",
                ));
            }
            out.push('\n');
        }
        out.push('\n');
    });
}

fn entrusting(doc: &Draw, out: &mut Out) {
    let lang = doc.lang;
    let _ = writeln!(
        out,
        "## 3. {}\n",
        t(
            lang,
            "Entrusting the handling of 特定個人情報 files",
            "特定個人情報ファイルの取扱いの委託"
        )
    );
    let rows: Vec<EntrustedRow> = doc.inventory.entrusted().collect();
    let onward = &doc.inventory.passed_on_by_contractors;
    if rows.is_empty() && onward.is_empty() {
        let none = t(
            lang,
            "No contractor handles 特定個人情報 in this design.",
            "この設計では、委託先は特定個人情報を取り扱いません。",
        );
        // A carrier another body runs for the society is not a contractor
        // of the design, and may still be one in law (section 5 says so).
        let carriers = t(
            lang,
            " A carrier another body runs for the society may: see section 5.",
            "ただし、組合のために他の機関が運用する中継は別です (5. を参照してください)。",
        );
        let carriers = if doc.inventory.carriers.is_empty() {
            ""
        } else {
            carriers
        };
        let _ = writeln!(out, "{none}{carriers}\n");
        return;
    }
    if rows.is_empty() {
        let _ = writeln!(
            out,
            "{}\n",
            t(
                lang,
                "No system of the society entrusts 特定個人情報 to a contractor in this design.",
                "この設計では、組合のシステムは特定個人情報の取扱いを委託しません。"
            )
        );
    } else {
        header(
            out,
            &[
                t(lang, "System", "システム"),
                t(lang, "特定個人情報", "特定個人情報"),
                t(lang, "Contractor", "委託先"),
                t(lang, "Legal name", "法人名"),
                t(lang, "Purpose", "委託の目的"),
                t(lang, "Basis", "根拠"),
            ],
        );
        out.each(&rows, |_, r, out| {
            let mut row = Row::new(out);
            doc.name(row.cell(), r.system);
            doc.item(row.cell(), r.holding.item);
            doc.name(row.cell(), r.contractor);
            row.cell()
                .push_str(&cell(doc.design.actor(r.contractor).legal_name()));
            doc.purposes(row.cell(), r.purposes);
            entrusting_basis(doc, row.cell(), r.entrusting);
            row.end();
        });
        let _ = writeln!(out);
    }
    if onward.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "{}\n",
        t(
            lang,
            "Passed on by contractors: re-entrusting (再委託; 番号法 Article 10 allows it only with the society's permission, and `check` requires the receiver to be a contractor registered for the purpose) and provision to other parties (never allowed, MN302).",
            "委託先からの再委託・提供: 再委託は委託者の許諾を得た場合に限られます (番号法第10条)。`check` は、受け手がその目的について登録された委託先であることを求めます。委託先から他の者への提供は認められません (MN302)。"
        )
    );
    header(
        out,
        &[
            t(lang, "Contractor", "委託先"),
            t(lang, "特定個人情報", "特定個人情報"),
            t(lang, "To", "再委託先・提供先"),
            t(lang, "Legal name", "法人名"),
            t(lang, "Purpose", "目的"),
            t(lang, "Route", "経路"),
            t(lang, "Basis", "根拠"),
            t(lang, "Design line", "設計の行"),
        ],
    );
    out.each(onward, |_, x, out| {
        let mut row = Row::new(out);
        doc.name(row.cell(), x.contractor);
        doc.item(row.cell(), x.item);
        doc.actor(row.cell(), x.receiver);
        row.cell()
            .push_str(&cell(doc.design.actor(x.receiver).legal_name()));
        doc.purpose(row.cell(), Some(x.purpose));
        doc.route(row.cell(), &x.route);
        let basis = x.finding.map(Basis::Refused);
        doc.basis_or(
            row.cell(),
            basis.as_ref(),
            t(
                lang,
                "registered contractor for the purpose",
                "目的について登録された委託先",
            ),
        );
        push_number(row.cell(), doc.line(x.flow));
        row.end();
    });
    let _ = writeln!(out);
}

/// What section 3 says of a contractor of an item: each exchange's basis
/// or finding, whether it only passes the item on the way, and MN303.
fn entrusting_basis(doc: &Draw, out: &mut String, e: &Entrusting) {
    let lang = doc.lang;
    if e.only_on_route {
        out.push_str(t(lang, "on the route (`via`): ", "経路上 (`via`): "));
    }
    for (i, b) in e.bases.iter().enumerate() {
        if i > 0 {
            out.push_str(doc.sep());
        }
        doc.basis(out, Some(b));
    }
    if e.missing_clauses {
        if !e.bases.is_empty() {
            out.push_str(doc.sep());
        }
        out.push_str("**");
        doc.reason(out, Code::MN303);
        out.push_str("**");
    }
    if e.bases.is_empty() && !e.missing_clauses {
        out.push('—');
    }
}

fn provision(doc: &Draw, out: &mut Out) {
    let lang = doc.lang;
    let _ = writeln!(
        out,
        "## 4. {}\n",
        t(
            lang,
            "Provision and transfer of 特定個人情報 (other than entrusting)",
            "特定個人情報の提供・移転 (委託に伴うものを除く)"
        )
    );
    let PassedOn {
        provided,
        transferred,
    } = doc.inventory.passed_on(doc.design);

    let _ = writeln!(
        out,
        "### 4.1 {}\n",
        t(lang, "Provision (outside the society)", "提供 (組合の外へ)")
    );
    if provided.is_empty() {
        let _ = writeln!(out, "{}\n", t(lang, "None.", "ありません。"));
    } else {
        header(
            out,
            &[
                t(lang, "From", "提供元"),
                t(lang, "To", "提供先"),
                t(lang, "特定個人情報", "特定個人情報"),
                t(lang, "Purpose", "目的"),
                t(lang, "Route", "経路"),
                t(lang, "Basis", "根拠"),
            ],
        );
        out.each(&provided, |_, r, out| {
            let m = r.movement;
            let mut row = Row::new(out);
            doc.name(row.cell(), r.system);
            doc.counterpart(row.cell(), m.counterpart, false);
            doc.item(row.cell(), r.item);
            doc.purpose(row.cell(), m.purpose);
            match m.counterpart {
                Counterpart::Actor(_) => {
                    doc.route(row.cell(), &m.route);
                    doc.basis(row.cell(), m.basis.as_ref());
                }
                // Each exchange of the group has its own basis.
                Counterpart::Group(_) => {
                    let route = row.cell();
                    doc.route(route, &m.route);
                    route.push_str(" → …");
                    row.cell()
                        .push_str(t(lang, "each exchange's (section 6.2)", "提供ごと (6.2)"));
                }
            }
            row.end();
        });
        let _ = writeln!(out);
    }

    let _ = writeln!(
        out,
        "### 4.2 {}\n",
        t(
            lang,
            "Transfer (between the society's systems)",
            "移転 (組合内のシステム間)"
        )
    );
    if transferred.is_empty() {
        let _ = writeln!(out, "{}\n", t(lang, "None.", "ありません。"));
        return;
    }
    header(
        out,
        &[
            t(lang, "From", "移転元"),
            t(lang, "To", "移転先"),
            t(lang, "特定個人情報", "特定個人情報"),
            t(lang, "Purpose", "目的"),
            t(lang, "Basis", "根拠"),
        ],
    );
    out.each(&transferred, |_, r, out| {
        let mut row = Row::new(out);
        doc.name(row.cell(), r.system);
        match r.movement.counterpart {
            Counterpart::Actor(a) => doc.name(row.cell(), a),
            c => doc.counterpart(row.cell(), c, false),
        }
        doc.item(row.cell(), r.item);
        doc.purpose(row.cell(), r.movement.purpose);
        // What `check` says of it: MN402 for a use beyond purpose, the
        // verdict when it is handed to a party on the way.
        doc.basis_or(
            row.cell(),
            r.movement.basis.as_ref(),
            t(lang, "internal transfer", "組合内の移転"),
        );
        row.end();
    });
    let _ = writeln!(out);
}

fn retention(doc: &Draw, out: &mut Out) {
    let lang = doc.lang;
    let _ = writeln!(
        out,
        "## 5. {}\n",
        t(
            lang,
            "Retention and deletion of 特定個人情報",
            "特定個人情報の保管・消去"
        )
    );
    if !doc.inventory.systems.is_empty() {
        header(
            out,
            &[
                t(lang, "Kept in", "保管場所"),
                t(lang, "特定個人情報", "特定個人情報"),
                t(lang, "Retention and deletion", "保管期間・消去方法"),
            ],
        );
        out.each(&doc.inventory.systems, |_, s, out| {
            let mut row = Row::new(out);
            doc.name(row.cell(), s.actor);
            let items = row.cell();
            for (i, h) in s.holdings.iter().enumerate() {
                if i > 0 {
                    items.push_str(doc.sep());
                }
                doc.item(items, h.item);
            }
            row.cell()
                .push_str(t(lang, "(not in the design)", "(設計に記載なし)"));
            row.end();
        });
        let _ = writeln!(out);
    }
    if !doc.inventory.carriers.is_empty() {
        let mut names = String::new();
        for (i, a) in doc.inventory.carriers.iter().enumerate() {
            if i > 0 {
                names.push_str(doc.sep());
            }
            doc.actor(&mut names, *a);
        }
        let _ = writeln!(
            out,
            "{}\n",
            match lang {
                Lang::En => format!(
                    "Carriers pass 特定個人情報 on and hold none for their own use: {names}. A carrier that keeps copies on the society's behalf (an intermediate server that holds 副本 to answer queries) is still a place where the society's files are kept, and another body running it for the society handles them as a contractor: list both in the assessment."
                ),
                Lang::Ja => format!(
                    "次の中継は特定個人情報を受け渡すだけで、自らの用途のために保有しません: {names}。ただし、組合に代わって副本などの写しを保持する中継 (照会に応えるために副本を保持する中間的なサーバー) は組合のファイルの保管場所であり、その運用を他の機関が組合のために行う場合はその取扱いの委託に当たります。評価書にはどちらも記載してください。"
                ),
            }
        );
    }
    if !doc.inventory.records.is_empty() {
        let _ = writeln!(
            out,
            "{}\n",
            t(
                lang,
                "The records of exchanges (section 6) are kept for 7 years by both ends.",
                "情報提供等の記録 (6.) は送り手・受け手の双方が 7 年間保存します。"
            )
        );
    }
}

fn records(doc: &Draw, out: &mut Out) {
    let lang = doc.lang;
    let inv = doc.inventory;
    let _ = writeln!(
        out,
        "## 6. {}\n",
        t(
            lang,
            "Exchanges through a carrier and their records (情報提供等の記録, 番号法 Article 23)",
            "中継を経由する提供と情報提供等の記録 (番号法第23条)"
        )
    );
    if inv.records.is_empty() && inv.groups.is_empty() {
        let _ = writeln!(out, "{}\n", t(lang, "None.", "ありません。"));
        return;
    }
    let _ = writeln!(
        out,
        "{}\n",
        t(
            lang,
            "Senders whose data meets at a carrier and goes on together form a group, listed once in 6.1 with each sender's route to the carrier (a sender that names its carriers with `via` in one flow stands alone, its route in 6.2). When a group's data is carried on to another carrier, the group there includes it (\"every sender of S1\", with the route from S1's carrier): a sender is listed once, where its data first meets others, however many carriers it reaches. A group's senders are those listed and those of the groups it includes; its receivers, those listed and those of the groups that include it. Each exchange in 6.2 names its group and its receiver: every sender of the group with that receiver is one provision, and both the sender and the receiver keep a record of it. So every (sender, receiver) pair is an exchange's receiver with each sender of its group, and no pair is left out.",
            "中継で合流して一緒に送られる送り手を、グループとしてまとめて示します。\n\n- グループは 6.1 に一度だけ、各送り手から中継までの経路とともに掲げます。一つのフローに `via` で中継を書いた送り手は単独で扱い、その経路は 6.2 にあります。\n- グループのデータがさらに別の中継へ送られるときは、その先の中継のグループが元のグループを含みます。含まれるグループは「S1 の各送り手」のように示し、S1 の中継からの経路を添えます。\n- 送り手は、いくつの中継に届いても、最初に他の送り手と合流したグループにだけ掲げます。\n- グループの送り手とは、そこに掲げた送り手と、そのグループが含むグループの送り手です。グループの受け手とは、そこに掲げた受け手と、そのグループを含むグループの受け手です。\n- 6.2 の各提供は、グループと受け手を示します。グループの送り手一つとその受け手の組が一件の提供で、送り手と受け手の双方が情報提供等の記録を作成し、保存します。\n- したがって、すべての送り手と受け手の組が、6.2 の提供の受け手とそのグループの各送り手の組として漏れなく読み取れます。"
        )
    );
    let _ = writeln!(
        out,
        "### 6.1 {}\n",
        t(lang, "Sender groups", "送り手のグループ")
    );
    header(
        out,
        &[
            t(lang, "Group", "グループ"),
            t(lang, "特定個人情報", "特定個人情報"),
            t(lang, "Purpose", "目的"),
            t(
                lang,
                "Senders (route to the carrier)",
                "送り手 (中継までの経路)",
            ),
            t(lang, "Receivers", "受け手"),
        ],
    );
    out.each(&inv.groups, |i, g, out| {
        let mut row = Row::new(out);
        doc.group_id(row.cell(), GroupId(i as u32));
        doc.item_and_category(row.cell(), g.item);
        doc.purpose(row.cell(), g.purpose);
        let senders = row.cell();
        for (k, s) in g.senders.iter().enumerate() {
            if k > 0 {
                senders.push_str("; ");
            }
            doc.actor(senders, s.actor);
            if !s.route.is_empty() {
                senders.push_str(": ");
                doc.route(senders, &s.route);
            }
        }
        for (k, j) in g.joins.iter().enumerate() {
            if k > 0 || !g.senders.is_empty() {
                senders.push_str("; ");
            }
            match lang {
                Lang::En => {
                    senders.push_str("every sender of ");
                    doc.group_id(senders, j.group);
                }
                Lang::Ja => {
                    doc.group_id(senders, j.group);
                    senders.push_str(" の各送り手");
                }
            }
            senders.push_str(": ");
            doc.route(senders, &j.route);
        }
        let receivers = row.cell();
        for (k, a) in g.receivers.iter().enumerate() {
            if k > 0 {
                receivers.push_str(doc.sep());
            }
            doc.actor(receivers, *a);
        }
        for (k, o) in g.onward.iter().enumerate() {
            if k > 0 || !g.receivers.is_empty() {
                receivers.push_str(doc.sep());
            }
            doc.receivers_of(receivers, *o, false);
        }
        row.end();
    });
    let _ = writeln!(out);
    let _ = writeln!(out, "### 6.2 {}\n", t(lang, "Exchanges", "提供"));
    if inv.records.is_empty() {
        let _ = writeln!(out, "{}\n", t(lang, "None.", "ありません。"));
        return;
    }
    header(
        out,
        &[
            "#",
            t(lang, "Senders", "送り手"),
            t(lang, "Receiver", "受け手"),
            t(lang, "特定個人情報", "特定個人情報"),
            t(lang, "Purpose", "目的"),
            t(lang, "Route", "経路"),
            t(lang, "Basis", "根拠"),
            t(lang, "Design line", "設計の行"),
        ],
    );
    out.each(&inv.records, |i, r, out| {
        let mut row = Row::new(out);
        push_number(row.cell(), i + 1);
        doc.senders(row.cell(), r.senders);
        doc.actor(row.cell(), r.receiver);
        doc.item_and_category(row.cell(), r.item);
        doc.purpose(row.cell(), Some(r.purpose));
        match inv.group(r.senders).sole() {
            Some(one) => doc.route_of(row.cell(), &one.route, &r.route),
            None => doc.route_after(row.cell(), r.senders, &r.route),
        }
        doc.basis(row.cell(), Some(&r.basis));
        push_number(row.cell(), doc.line(r.flow));
        row.end();
    });
    let _ = writeln!(out);
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// The cell as it was first written: char by char.
    fn cell_by_char(s: &str) -> String {
        let mut out = String::new();
        for c in visible(s).chars() {
            if "\\|*_`<>[]#~".contains(c) {
                out.push('\\');
            }
            out.push(c);
        }
        out
    }

    #[test]
    fn cell_backslashes_markdown_syntax_and_shows_invisible_characters() {
        for s in [
            "",
            "市町村",
            "a|b",
            "\\|*_`<>[]#~",
            "**太字**_斜体_ `コード` <html> [link](x) #見出し ~~消~~",
            "制御\u{1}文字\u{202e}逆転\t|",
            "|先頭と末尾|",
            "é|ü|한|😀|",
        ] {
            assert_eq!(cell(s), cell_by_char(s), "{s:?}");
        }
        assert_eq!(cell("a|b_c"), "a\\|b\\_c");
        // `\u{1}` shown, its backslash backslashed.
        assert_eq!(cell("x\u{1}"), "x\\\\u{1}");
    }

    #[test]
    fn numbers_are_written_as_display_writes_them() {
        for n in [
            0,
            1,
            9,
            10,
            99,
            100,
            12345,
            1_000_000,
            u32::MAX as usize,
            usize::MAX,
        ] {
            let mut s = String::new();
            push_number(&mut s, n);
            assert_eq!(s, n.to_string());
        }
    }

    /// A design whose names hold every Markdown syntax character, quotes,
    /// backslashes and characters that are shown escaped.
    /// A design whose names and labels hold Markdown's and JSON's special
    /// characters and invisible ones, some roles and categories unknown.
    pub(in crate::render) fn tricky() -> (crate::session::Session, crate::session::Checked) {
        let odd = "|*_`<>[]#~\\\\\\\"\u{202e}\u{85}\u{200b}\u{1}é😀";
        let text = format!(
            "use \"kenpo\"\n\
             actor \"基幹{odd}\" : 組合 \"台帳{odd}\"\n\
             actor 組合 : 組合\n\
             actor \"市町村{odd}\" : 他機関\n\
             actor \"委託先{odd}\" : 委託先 \"株式会社{odd}\"\n\
             actor \"未知{odd}\" : \"ない役割\"\n\
             data \"課税{odd}\" : 課税・非課税情報\n\
             data \"不明{odd}\" : \"ないカテゴリ\"\n"
        );
        let mut s =
            crate::session::Session::new(crate::session::RulebookSource::Builtin("kenpo".into()));
        let checked = s.check_text("d.myna", text, None);
        (s, checked)
    }

    #[test]
    fn cached_cells_equal_the_cells_made_for_each_row() {
        let (_, checked) = tricky();
        let design = checked.analysis.expect("a design").design;
        let rb = design.rulebook.as_deref().expect("kenpo");
        assert!(design.actors.len() >= 5 && design.data.len() >= 2);
        for lang in [Lang::En, Lang::Ja] {
            let cells = Cells::of(&design, lang);
            for (i, a) in design.actors.iter().enumerate() {
                // As `Doc::actor` made it for every row.
                let role = a.role.id.map(|r| rb.role(r).name.as_str());
                let want = match role {
                    Some(r) if r != a.name => format!("{} ({})", cell(&a.name), cell(r)),
                    _ => cell(&a.name),
                };
                let name = cells.actors.get(2 * i).unwrap();
                let suffix = cells.actors.get(2 * i + 1).unwrap();
                assert_eq!(name, cell(&a.name));
                assert_eq!(format!("{name}{suffix}"), want);
            }
            for (i, d) in design.data.iter().enumerate() {
                let category = d
                    .category
                    .id
                    .map_or(String::new(), |c| cell(&rb.category(c).name));
                let item = cells.items.get(2 * i).unwrap();
                let suffix = cells.items.get(2 * i + 1).unwrap();
                assert_eq!(item, cell(&d.name));
                assert_eq!(
                    format!("{item}{suffix}"),
                    format!("{} ({category})", cell(&d.name))
                );
            }
            for (i, p) in rb.purposes.iter().enumerate() {
                assert_eq!(cells.purposes.get(i).unwrap(), cell(&p.name));
            }
            for (i, s) in rb.sections.iter().enumerate() {
                let now = crate::rulecheck::section_citation(rb, SectionId::new(i as u32));
                let b = s.basis.as_ref().map(|b| match (&now, lang) {
                    (Some(n), Lang::En) => format!("{}; now {}", cell(b), cell(&n.new)),
                    (Some(n), Lang::Ja) => format!("{}。現在は{}", cell(b), cell(&n.new)),
                    (None, _) => cell(b),
                });
                let want = match (b, lang) {
                    (Some(b), Lang::En) => format!("section {} ({b})", cell(&s.id)),
                    (Some(b), Lang::Ja) => format!("{} ({b})", cell(&s.id)),
                    (None, Lang::En) => format!("section {}", cell(&s.id)),
                    (None, Lang::Ja) => cell(&s.id),
                };
                assert_eq!(cells.sections.get(i).unwrap(), want);
            }
        }
    }
}
