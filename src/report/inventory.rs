//! The PIA inventory of one design in the report: which systems hold
//! 特定個人情報 for which purposes, and the exchanges through a carrier that
//! both ends keep a record of (番号法第23条). The same facts as `mynaflow
//! inventory`, drawn from [`crate::inventory::Inventory`].

use super::escape::html;
use crate::graph::FlowGraph;
use crate::inventory::{Basis, Counterpart, GroupId, HeldRow, Inventory, Movement};
use crate::model::Design;
use crate::render::inventory_json::group_id;
use crate::text::Lang;
use std::fmt::Write as _;

fn t(lang: Lang, en: &'static str, ja: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::Ja => ja,
    }
}

/// Writes the inventory of `design` as a collapsible section.
pub(super) fn write(out: &mut String, design: &Design, graph: &FlowGraph, lang: Lang) {
    let Some(rb) = design.rulebook.as_deref() else {
        return;
    };
    let inv = Inventory::compute(design, graph);
    if inv.systems.is_empty() && inv.records.is_empty() {
        return;
    }
    let actor = |a: crate::model::ActorId| html(&design.actor(a).name);
    let purpose = |p: Option<crate::model::PurposeId>| {
        p.map(|p| html(&rb.purpose(p).name)).unwrap_or_default()
    };
    let basis = |b: &Basis| match b {
        Basis::Rule(r) => {
            let s = rb.section(rb.rule(*r).section);
            format!("{} {}", html(&s.id), html(s.basis.as_deref().unwrap_or("")))
        }
        Basis::Refused(code) => format!("✖ {code}"),
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
        m.iter()
            .map(|m| {
                let who = match (m.counterpart, received, lang) {
                    (Counterpart::Actor(a), _, _) => actor(a),
                    (Counterpart::Group(g), true, _) => senders(g),
                    (Counterpart::Group(g), false, Lang::En) => {
                        format!("the receivers of {}", group_id(g))
                    }
                    (Counterpart::Group(g), false, Lang::Ja) => format!("{} の受け手", group_id(g)),
                };
                format!("{who} ({})", purpose(m.purpose))
            })
            .collect::<Vec<_>>()
            .join(", ")
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
    for HeldRow { system, holding: h } in inv.held() {
        let purposes: Vec<String> = h.purposes.iter().map(|p| purpose(Some(*p))).collect();
        let contractors: Vec<String> = h.contractors.iter().map(|(a, _)| actor(*a)).collect();
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
            purposes.join(", "),
            received,
            moves(&h.passed_on, false),
            contractors.join(", "),
        );
    }
    out.push_str("</tbody></table>");
    table_head(
        out,
        t(
            lang,
            "Exchanges through a carrier: records both ends keep (番号法第23条)",
            "情報提供等の記録 (番号法第23条、両端で保存)",
        ),
        &[
            t(lang, "Sender", "提供者"),
            t(lang, "Receiver", "照会者・受領者"),
            t(lang, "Item", "項目"),
            t(lang, "Purpose", "利用目的"),
            t(lang, "Basis", "根拠"),
        ],
    );
    for r in &inv.records {
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
    out.push_str("</tbody></table>");
    groups(out, design, &inv, lang);
    out.push_str("</details>\n");
}

/// The groups of more than one sender, each listed once: every sender of
/// a group (those of the groups it includes too) with the receiver of each
/// of its exchanges (and of the groups that include it) is one provision.
fn groups(out: &mut String, design: &Design, inv: &Inventory, lang: Lang) {
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
    let names = |actors: &mut dyn Iterator<Item = crate::model::ActorId>| {
        actors
            .map(|a| html(&design.actor(a).name))
            .collect::<Vec<_>>()
            .join(", ")
    };
    // The groups a group includes, and those that include it, by id.
    let ids = |ids: &mut dyn Iterator<Item = GroupId>, en: &str, ja: &str| {
        ids.map(|g| match lang {
            Lang::En => format!("{en}{}", group_id(g)),
            Lang::Ja => format!("{}{ja}", group_id(g)),
        })
        .collect::<Vec<_>>()
    };
    for (i, g) in many {
        let mut senders = vec![names(&mut g.senders.iter().map(|s| s.actor))];
        senders.extend(ids(
            &mut g.joins.iter().map(|j| j.group),
            "every sender of ",
            " の各送り手",
        ));
        let mut receivers = vec![names(&mut g.receivers.iter().copied())];
        receivers.extend(ids(
            &mut g.onward.iter().copied(),
            "the receivers of ",
            " の受け手",
        ));
        let join = |v: Vec<String>| {
            v.into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            group_id(GroupId(i as u32)),
            join(senders),
            join(receivers),
        );
    }
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
