//! The inventory as Markdown, in the order of the PPC's assessment form
//! (特定個人情報保護評価書): basic information, obtaining and use, entrusting,
//! provision and transfer, retention and deletion, then the exchanges that
//! leave a 情報提供等の記録 at both ends. Japanese headings follow the form's
//! wording; English ones translate it.

use super::inventory_json::group_id;
use crate::escape::visible;
use crate::inventory::{Basis, Counterpart, EntrustedRow, GroupId, Inventory, PassedOn};
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

fn t(lang: Lang, en: &str, ja: &str) -> String {
    match lang {
        Lang::En => en.to_string(),
        Lang::Ja => ja.to_string(),
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

impl Doc<'_> {
    fn rb(&self) -> Option<&Rulebook> {
        self.design.rulebook.as_deref()
    }

    fn sep(&self) -> &'static str {
        match self.lang {
            Lang::En => ", ",
            Lang::Ja => "、",
        }
    }

    /// `市町村 (他機関)`: the actor, with its role when the names differ.
    fn actor(&self, a: ActorId) -> String {
        let actor = self.design.actor(a);
        let role = match (self.rb(), actor.role.id) {
            (Some(rb), Some(r)) => Some(rb.role(r).name.as_str()),
            _ => None,
        };
        match role {
            Some(r) if r != actor.name => format!("{} ({})", cell(&actor.name), cell(r)),
            _ => cell(&actor.name),
        }
    }

    fn actor_label(&self, a: ActorId) -> String {
        self.design
            .actor(a)
            .label
            .as_ref()
            .map_or(String::new(), |(l, _)| cell(l))
    }

    fn item(&self, d: DataId) -> String {
        cell(&self.design.item(d).name)
    }

    fn category(&self, d: DataId) -> String {
        match (self.rb(), self.design.item(d).category.id) {
            (Some(rb), Some(c)) => cell(&rb.category(c).name),
            _ => String::new(),
        }
    }

    fn purpose(&self, p: Option<PurposeId>) -> String {
        match (self.rb(), p) {
            (Some(rb), Some(p)) => cell(&rb.purpose(p).name),
            _ => t(self.lang, "(none named)", "(記載なし)"),
        }
    }

    fn purposes(&self, ps: &[PurposeId]) -> String {
        if ps.is_empty() {
            return t(self.lang, "(none named)", "(記載なし)");
        }
        ps.iter()
            .map(|p| self.purpose(Some(*p)))
            .collect::<Vec<_>>()
            .join(self.sep())
    }

    fn route(&self, route: &[ActorId]) -> String {
        if route.is_empty() {
            return t(self.lang, "direct", "直接");
        }
        route
            .iter()
            .map(|a| cell(&self.design.actor(*a).name))
            .collect::<Vec<_>>()
            .join(" → ")
    }

    fn basis(&self, b: Option<&Basis>) -> String {
        match (b, self.rb()) {
            (Some(Basis::Rule(r)), Some(rb)) => {
                let s = rb.section(rb.rule(*r).section);
                match (&s.basis, self.lang) {
                    (Some(b), Lang::En) => format!("section {} ({})", cell(&s.id), cell(b)),
                    (Some(b), Lang::Ja) => format!("{}項 ({})", cell(&s.id), cell(b)),
                    (None, Lang::En) => format!("section {}", cell(&s.id)),
                    (None, Lang::Ja) => format!("{}項", cell(&s.id)),
                }
            }
            (Some(Basis::Refused(code)), _) => match self.lang {
                Lang::En => format!("**not allowed ({})**", code.as_str()),
                Lang::Ja => format!("**認められていません ({})**", code.as_str()),
            },
            _ => "—".to_string(),
        }
    }

    /// `S3: 市町村 (他機関)` for a group of one, `S3: 200 senders` or
    /// `S3: 5 senders and 2 groups` otherwise (the groups it includes).
    fn senders(&self, g: GroupId) -> String {
        let group = self.inventory.group(g);
        if let Some(one) = group.sole() {
            return format!("{}: {}", group_id(g), self.actor(one.actor));
        }
        let (n, j) = (group.senders.len(), group.joins.len());
        match (self.lang, j) {
            (Lang::En, 0) => format!("{}: {n} senders (section 6.1)", group_id(g)),
            (Lang::En, _) => format!(
                "{}: {n} sender(s) and {j} group(s) (section 6.1)",
                group_id(g)
            ),
            (Lang::Ja, 0) => format!("{}: 送り手 {n} 件 (6.1)", group_id(g)),
            (Lang::Ja, _) => format!("{}: 送り手 {n} 件とグループ {j} 件 (6.1)", group_id(g)),
        }
    }

    /// The other end of a movement: an actor, or a group's senders (what
    /// a system receives) or receivers (what it passes on).
    fn counterpart(&self, c: Counterpart, received: bool) -> String {
        match (c, received, self.lang) {
            (Counterpart::Actor(a), _, _) => self.actor(a),
            (Counterpart::Group(g), true, _) => self.senders(g),
            (Counterpart::Group(g), false, Lang::En) => {
                format!("the receivers of {} (section 6.1)", group_id(g))
            }
            (Counterpart::Group(g), false, Lang::Ja) => format!("{} の受け手 (6.1)", group_id(g)),
        }
    }

    /// A route after a group's carrier: the senders' routes to it are in
    /// the group.
    fn route_after(&self, g: GroupId, after: &[ActorId]) -> String {
        let routes = match self.lang {
            Lang::En => format!("{}'s routes", group_id(g)),
            Lang::Ja => format!("{} の経路", group_id(g)),
        };
        if after.is_empty() {
            routes
        } else {
            format!("{routes} → {}", self.route(after))
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

fn row(out: &mut impl std::fmt::Write, cells: &[String]) {
    let _ = writeln!(out, "| {} |", cells.join(" | "));
}

fn header(out: &mut impl std::fmt::Write, cells: &[String]) {
    row(out, cells);
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
    intro(doc, &mut out);
    basics(doc, &mut out);
    obtaining(doc, &mut out);
    entrusting(doc, &mut out);
    provision(doc, &mut out);
    retention(doc, &mut out);
    records(doc, &mut out);
    out.flush();
    match out.failed {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

fn intro(doc: &Doc, out: &mut Out) {
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
                Lang::Ja => format!("「{}」", cell(title)),
            });
        }
        if let Some(r) = &rb.revised {
            s.push_str(&match lang {
                Lang::En => format!(", revised {}", cell(r)),
                Lang::Ja => format!(" ({} 改定)", cell(r)),
            });
        }
        let _ = writeln!(out, "- {}: {s}", t(lang, "Rulebook", "ルールブック"));
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
                "特定個人情報を保有するシステム {} (保有 {items} 件)、中継を経由する提供 {} 件 (グループ (6.1) の送り手それぞれからの提供で、双方が記録を残す)",
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

fn basics(doc: &Doc, out: &mut Out) {
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
        let items: Vec<String> = s
            .holdings
            .iter()
            .map(|h| format!("{} ({})", doc.item(h.item), doc.category(h.item)))
            .collect();
        row(
            out,
            &[
                cell(&doc.design.actor(s.actor).name),
                doc.actor_label(s.actor),
                items.join(doc.sep()),
            ],
        );
    });
    let _ = writeln!(out);
}

fn obtaining(doc: &Doc, out: &mut Out) {
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
    out.each(&doc.inventory.systems, |_, s, out| {
        let _ = writeln!(out, "### {}\n", cell(&doc.design.actor(s.actor).name));
        header(
            out,
            &[
                t(lang, "特定個人情報", "特定個人情報"),
                t(lang, "Obtained from", "入手元"),
                t(lang, "Route", "経路"),
                t(lang, "Purpose", "目的"),
                t(lang, "Basis", "根拠"),
            ],
        );
        for h in &s.holdings {
            if h.own {
                row(
                    out,
                    &[
                        doc.item(h.item),
                        t(
                            lang,
                            "(the society's own: no flow brings it)",
                            "(組合が作成: 入手する流れはありません)",
                        ),
                        "—".into(),
                        "—".into(),
                        "—".into(),
                    ],
                );
            }
            for m in &h.received {
                let (route, from_self) = match m.counterpart {
                    Counterpart::Actor(a) => (doc.route(&m.route), doc.is_self(a)),
                    // A group's senders share a role, so the first tells.
                    Counterpart::Group(g) => (
                        doc.route_after(g, &m.route),
                        doc.inventory
                            .first_sender(g)
                            .is_some_and(|s| doc.is_self(s)),
                    ),
                };
                row(
                    out,
                    &[
                        doc.item(h.item),
                        doc.counterpart(m.counterpart, true),
                        route,
                        doc.purpose(m.purpose),
                        if from_self {
                            t(lang, "internal transfer", "組合内の移転")
                        } else {
                            doc.basis(m.basis.as_ref())
                        },
                    ],
                );
            }
        }
        let _ = writeln!(out);
        let _ = writeln!(out, "{}\n", t(lang, "Purposes of use:", "使用の目的:"));
        for h in &s.holdings {
            let what = if h.own {
                t(lang, " (purposes it is sent for)", " (送る目的)")
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "- {}: {}{what}",
                doc.item(h.item),
                doc.purposes(&h.purposes)
            );
        }
        let _ = writeln!(out);
    });
}

fn entrusting(doc: &Doc, out: &mut Out) {
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
    if rows.is_empty() {
        let _ = writeln!(
            out,
            "{}\n",
            t(
                lang,
                "No contractor handles 特定個人情報 in this design.",
                "この設計では、委託先は特定個人情報を取り扱いません。"
            )
        );
        return;
    }
    header(
        out,
        &[
            t(lang, "System", "システム"),
            t(lang, "特定個人情報", "特定個人情報"),
            t(lang, "Contractor", "委託先"),
            t(lang, "Legal name", "法人名"),
            t(lang, "Purpose", "委託の目的"),
        ],
    );
    out.each(&rows, |_, r, out| {
        row(
            out,
            &[
                cell(&doc.design.actor(r.system).name),
                doc.item(r.holding.item),
                cell(&doc.design.actor(r.contractor).name),
                cell(doc.design.actor(r.contractor).legal_name()),
                doc.purposes(r.purposes),
            ],
        );
    });
    let _ = writeln!(out);
}

fn provision(doc: &Doc, out: &mut Out) {
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
            let (route, basis) = match m.counterpart {
                Counterpart::Actor(_) => (doc.route(&m.route), doc.basis(m.basis.as_ref())),
                // Each exchange of the group has its own basis.
                Counterpart::Group(_) => (
                    format!("{} → …", doc.route(&m.route)),
                    t(lang, "each exchange's (section 6.2)", "提供ごと (6.2)"),
                ),
            };
            row(
                out,
                &[
                    cell(&doc.design.actor(r.system).name),
                    doc.counterpart(m.counterpart, false),
                    doc.item(r.item),
                    doc.purpose(m.purpose),
                    route,
                    basis,
                ],
            );
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
        ],
    );
    out.each(&transferred, |_, r, out| {
        row(
            out,
            &[
                cell(&doc.design.actor(r.system).name),
                match r.movement.counterpart {
                    Counterpart::Actor(a) => cell(&doc.design.actor(a).name),
                    c => doc.counterpart(c, false),
                },
                doc.item(r.item),
                doc.purpose(r.movement.purpose),
            ],
        );
    });
    let _ = writeln!(out);
}

fn retention(doc: &Doc, out: &mut Out) {
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
            let items: Vec<String> = s.holdings.iter().map(|h| doc.item(h.item)).collect();
            row(
                out,
                &[
                    cell(&doc.design.actor(s.actor).name),
                    items.join(doc.sep()),
                    t(lang, "(not in the design)", "(設計に記載なし)"),
                ],
            );
        });
        let _ = writeln!(out);
    }
    if !doc.inventory.carriers.is_empty() {
        let names: Vec<String> = doc
            .inventory
            .carriers
            .iter()
            .map(|a| doc.actor(*a))
            .collect();
        let _ = writeln!(
            out,
            "{}\n",
            match lang {
                Lang::En => format!(
                    "Carriers pass 特定個人情報 on and hold none for their own use: {}.",
                    names.join(", ")
                ),
                Lang::Ja => format!(
                    "次の中継は特定個人情報を受け渡すだけで、自らの用途のために保有しません: {}。",
                    names.join("、")
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

fn records(doc: &Doc, out: &mut Out) {
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
            "中継で合流して一緒に送られる送り手はグループとして 6.1 に一度だけ、各送り手の中継までの経路とともに掲げます (一つの流れに `via` で中継を書いた送り手は単独で、経路は 6.2 にあります)。グループのデータがさらに別の中継へ送られるときは、その中継のグループがそれを含みます (「S1 の各送り手」と S1 の中継からの経路)。送り手は、いくつの中継に届いても、最初に他の送り手と合流するグループに一度だけ掲げます。グループの送り手は、掲げた送り手と、含むグループの送り手です。受け手は、掲げた受け手と、そのグループを含むグループの受け手です。6.2 の各提供はグループと受け手を示し、グループの送り手それぞれとその受け手の組が一つの提供で、送り手と受け手の双方が情報提供等の記録を作成し保存します。すべての (送り手, 受け手) の組は、提供の受け手とそのグループの各送り手の組として漏れなく読み取れます。"
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
        let mut senders: Vec<String> = g
            .senders
            .iter()
            .map(|s| {
                if s.route.is_empty() {
                    doc.actor(s.actor)
                } else {
                    format!("{}: {}", doc.actor(s.actor), doc.route(&s.route))
                }
            })
            .collect();
        senders.extend(g.joins.iter().map(|j| {
            let every = match lang {
                Lang::En => format!("every sender of {}", group_id(j.group)),
                Lang::Ja => format!("{} の各送り手", group_id(j.group)),
            };
            format!("{every}: {}", doc.route(&j.route))
        }));
        let mut receivers: Vec<String> = g.receivers.iter().map(|a| doc.actor(*a)).collect();
        receivers.extend(g.onward.iter().map(|o| match lang {
            Lang::En => format!("the receivers of {}", group_id(*o)),
            Lang::Ja => format!("{} の受け手", group_id(*o)),
        }));
        row(
            out,
            &[
                group_id(GroupId(i as u32)),
                format!("{} ({})", doc.item(g.item), doc.category(g.item)),
                doc.purpose(g.purpose),
                senders.join("; "),
                receivers.join(doc.sep()),
            ],
        );
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
            "#".to_string(),
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
        let route = match inv.group(r.senders).sole() {
            Some(one) => {
                let mut whole = one.route.clone();
                whole.extend(r.route.iter().copied());
                doc.route(&whole)
            }
            None => doc.route_after(r.senders, &r.route),
        };
        row(
            out,
            &[
                (i + 1).to_string(),
                doc.senders(r.senders),
                doc.actor(r.receiver),
                format!("{} ({})", doc.item(r.item), doc.category(r.item)),
                doc.purpose(Some(r.purpose)),
                route,
                doc.basis(Some(&r.basis)),
                doc.line(r.flow).to_string(),
            ],
        );
    });
    let _ = writeln!(out);
}

#[cfg(test)]
mod tests {
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
}
