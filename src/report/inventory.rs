//! The PIA inventory of one design in the report: which systems hold
//! 特定個人情報 for which purposes, and the exchanges through a carrier that
//! both ends keep a record of (番号法第23条). The same facts as `mynaflow
//! inventory`, drawn from [`crate::inventory::Inventory`].

use super::budget::{TABLE_ROWS, rows_left_out};
use super::escape::html;
use crate::checks::Computed;
use crate::code::Code;
use crate::filters::{HiddenBy, HiddenCodes};
use crate::graph::FlowGraph;
use crate::inventory::{Basis, Counterpart, GroupId, HeldRow, Inventory, Movement};
use crate::model::Design;
use crate::render::inventory_json::group_id;
use crate::text::{Lang, MAX_LISTED, more};
use std::fmt::Write as _;

/// At most [`MAX_LISTED`] of `names`, comma-separated, then how many
/// more of `total`.
fn listed_of(names: impl Iterator<Item = String>, total: usize, lang: Lang) -> String {
    let mut out = names.take(MAX_LISTED).collect::<Vec<_>>().join(", ");
    out.push_str(more(total.saturating_sub(MAX_LISTED)).get(lang));
    out
}

/// [`listed_of`] all of `names`.
fn listed(names: impl ExactSizeIterator<Item = String>, lang: Lang) -> String {
    let total = names.len();
    listed_of(names, total, lang)
}

fn t(lang: Lang, en: &'static str, ja: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::Ja => ja,
    }
}

/// The command that lists the whole inventory of `file`.
fn command(file: &str) -> String {
    format!(
        "mynaflow inventory {} --format md",
        crate::escape::shell_quoted(file)
    )
}

/// The design whose inventory is written.
pub(super) struct Of<'a> {
    pub design: &'a Design,
    /// Its file's name, as the page shows it.
    pub file: &'a str,
    pub graph: &'a FlowGraph,
    /// The codes the filters hide in its file.
    pub hidden: &'a HiddenCodes,
}

/// A refusal's cell: `✖ CODE`, as the findings list shows it; or, when
/// the filters hide the code, neither that nor a basis but what hid it.
/// The findings list leaves such a finding out, and the exchange is not
/// lawful for being hidden: a reader must see neither.
fn refused(code: Code, hidden: &HiddenCodes, lang: Lang) -> String {
    let said = match hidden.by(code) {
        None => return format!("✖ {code}"),
        Some(HiddenBy::Config) => crate::text!(
            "— ({code} not shown: the config's select/ignore/per-file-ignores hide it)";
            "— (設定ファイルの select/ignore/per-file-ignores で {code} を非表示)"
        ),
        Some(HiddenBy::CommandLine) => crate::text!(
            "— ({code} not shown: --select/--ignore hide it)";
            "— (--select/--ignore で {code} を非表示)"
        ),
    };
    format!(r#"<span class="unjudged">{}</span>"#, html(said.get(lang)))
}

/// Writes the inventory of a design as a collapsible section. Each table
/// shows [`TABLE_ROWS`] rows and each cell [`MAX_LISTED`] names at most;
/// the rest are counted, and the command that lists them named.
pub(super) fn write(out: &mut String, of: &Of, computed: Option<Computed>, lang: Lang) {
    let Of {
        design,
        file,
        graph,
        hidden,
    } = *of;
    let Some(rb) = design.rulebook.as_deref() else {
        return;
    };
    let inv = Inventory::compute_with(design, graph, computed);
    if inv.systems.is_empty() && inv.records.is_empty() {
        return;
    }
    let actor = |a: crate::model::ActorId| html(&design.actor(a).name);
    let purpose = |p: Option<crate::model::PurposeId>| {
        p.map(|p| html(&rb.purpose(p).name)).unwrap_or_default()
    };
    // A citation a later amendment renumbered says what it is now, as
    // `inventory` says it.
    let citations = super::citation::Citations::of(rb);
    let basis = |b: &Basis| match b {
        Basis::Rule(r) => {
            let id = rb.rule(*r).section;
            let s = rb.section(id);
            let cited = citations.cited(id, s.basis.as_deref().unwrap_or(""), lang);
            format!("{} {cited}", html(&s.id))
        }
        Basis::Refused(code) => refused(*code, hidden, lang),
    };
    // A group of one is its sender; a larger one goes by its id, its
    // senders listed once in their own table.
    let senders = |g: GroupId| {
        let group = inv.group(g);
        match group.sole() {
            Some(one) => actor(one.actor),
            None => format!(
                "{} ({})",
                group_id(g),
                group.senders.len() + group.joins.len()
            ),
        }
    };
    // What a system receives from a group comes from its senders; what it
    // passes on with a group goes to the group's receivers.
    let moves = |m: &[Movement], received: bool| {
        let each = m.iter().map(|m| {
            let who = match (m.counterpart, received, lang) {
                (Counterpart::Actor(a), _, _) => actor(a),
                (Counterpart::Group(g), true, _) => senders(g),
                (Counterpart::Group(g), false, Lang::En) => {
                    format!("the receivers of {}", group_id(g))
                }
                (Counterpart::Group(g), false, Lang::Ja) => format!("{} の受け手", group_id(g)),
            };
            format!("{who} ({})", purpose(m.purpose))
        });
        listed(each, lang)
    };
    let _ = write!(
        out,
        r#"<details class="inventory"><summary>{}</summary>"#,
        t(
            lang,
            "特定個人情報 inventory (for the PIA)",
            "特定個人情報の一覧 (特定個人情報保護評価のために)"
        ),
    );
    table_head(
        out,
        t(
            lang,
            "Systems that hold 特定個人情報",
            "特定個人情報を保有するシステム",
        ),
        &[
            t(lang, "System", "システム"),
            t(lang, "Item", "項目"),
            t(lang, "Held for", "保有の目的"),
            t(lang, "Received from", "入手元"),
            t(lang, "Passed on to", "提供・移転先"),
            t(lang, "Contractors", "委託先"),
        ],
    );
    let total = inv.held().count();
    for HeldRow { system, holding: h } in inv.held().take(TABLE_ROWS) {
        let purposes = listed(h.purposes.iter().map(|p| purpose(Some(*p))), lang);
        let contractors = listed(h.contractors.iter().map(|(a, _)| actor(*a)), lang);
        let received = if h.own {
            t(lang, "(made by the society)", "(自ら作成)").to_string()
        } else {
            moves(&h.received, true)
        };
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            actor(system),
            html(&design.item(h.item).name),
            purposes,
            received,
            moves(&h.passed_on, false),
            contractors,
        );
    }
    rows_left_out(out, total, 6, &command(file), lang);
    out.push_str("</tbody></table>");
    table_head(
        out,
        t(
            lang,
            "Exchanges through a carrier: records both ends keep (番号法第23条)",
            "情報提供等の記録 (番号法第23条、両端で保存)",
        ),
        &[
            // The words of `inventory`'s tables.
            t(lang, "Sender", "送り手"),
            t(lang, "Receiver", "受け手"),
            t(lang, "Item", "項目"),
            t(lang, "Purpose", "利用目的"),
            t(lang, "Basis", "根拠"),
        ],
    );
    for r in inv.records.iter().take(TABLE_ROWS) {
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            senders(r.senders),
            actor(r.receiver),
            html(&design.item(r.item).name),
            purpose(Some(r.purpose)),
            basis(&r.basis),
        );
    }
    rows_left_out(out, inv.records.len(), 5, &command(file), lang);
    out.push_str("</tbody></table>");
    groups(out, design, file, &inv, lang);
    out.push_str("</details>\n");
}

/// The groups of more than one sender, each listed once: every sender of
/// a group (those of the groups it includes too) with the receiver of each
/// of its exchanges (and of the groups that include it) is one provision.
fn groups(out: &mut String, design: &Design, file: &str, inv: &Inventory, lang: Lang) {
    let many: Vec<(usize, &crate::inventory::SenderGroup)> = inv
        .groups
        .iter()
        .enumerate()
        .filter(|(_, g)| g.sole().is_none())
        .collect();
    if many.is_empty() {
        return;
    }
    table_head(
        out,
        t(
            lang,
            "Sender groups: each sender of a group with each receiver of its exchanges is one provision, recorded at both ends",
            "送り手のグループ: グループの各送り手と各受け手の組が一つの提供で、双方が記録を保存します",
        ),
        &[
            t(lang, "Group", "グループ"),
            t(lang, "Senders", "送り手"),
            t(lang, "Receivers", "受け手"),
        ],
    );
    let actor = |a: crate::model::ActorId| html(&design.actor(a).name);
    // The groups a group includes, and those that include it, by id.
    let id = |g: GroupId, en: &str, ja: &str| match lang {
        Lang::En => format!("{en}{}", group_id(g)),
        Lang::Ja => format!("{}{ja}", group_id(g)),
    };
    for (i, g) in many.iter().take(TABLE_ROWS) {
        let senders = listed_of(
            g.senders.iter().map(|s| actor(s.actor)).chain(
                g.joins
                    .iter()
                    .map(|j| id(j.group, "every sender of ", " の各送り手")),
            ),
            g.senders.len() + g.joins.len(),
            lang,
        );
        let receivers = listed_of(
            g.receivers.iter().map(|&a| actor(a)).chain(
                g.onward
                    .iter()
                    .map(|&o| id(o, "the receivers of ", " の受け手")),
            ),
            g.receivers.len() + g.onward.len(),
            lang,
        );
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{senders}</td><td>{receivers}</td></tr>",
            group_id(GroupId(*i as u32)),
        );
    }
    rows_left_out(out, many.len(), 3, &command(file), lang);
    out.push_str("</tbody></table>");
}

/// Opens a table: its caption, its column heads, and the body.
fn table_head(out: &mut String, caption: &str, heads: &[&str]) {
    let _ = write!(out, "<table><caption>{caption}</caption><thead><tr>");
    for h in heads {
        let _ = write!(out, r#"<th scope="col">{h}</th>"#);
    }
    out.push_str("</tr></thead><tbody>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_the_filters_hide_is_neither_shown_nor_lawful() {
        let none = HiddenCodes::default();
        assert_eq!(refused(Code::MN104, &none, Lang::En), "✖ MN104");
        let by = |by| HiddenCodes::from_iter([(Code::MN104, by)]);
        let config = by(HiddenBy::Config);
        assert_eq!(refused(Code::MN101, &config, Lang::Ja), "✖ MN101");
        let got = refused(Code::MN104, &config, Lang::Ja);
        assert_eq!(
            got,
            "<span class=\"unjudged\">— (設定ファイルの select/ignore/per-file-ignores で MN104 を非表示)</span>"
        );
        let got = refused(Code::MN104, &by(HiddenBy::CommandLine), Lang::En);
        assert!(!got.contains('✖'), "{got}");
        assert!(
            got.contains("(MN104 not shown: --select/--ignore hide it)"),
            "{got}"
        );
    }
}
