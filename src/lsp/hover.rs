//! Hover: what a name means by the rulebook, and the verdict on a flow's
//! arrow.

use super::analysis::{Document, Target};
use super::markdown::{code, plain};
use crate::checks::{
    self, Miss, MyNumberRefusal, MyNumberVerdict, ProvisionRefusal, ProvisionVerdict,
};
use crate::model::*;
use crate::text::{Lang, Text};

/// The hover text (Markdown) of a target. Every name is a code span and
/// every other text of the design or its rulebook plain text
/// ([`super::markdown`]): none of it is read as Markdown or HTML.
pub fn text(doc: &Document, target: Target, lang: Lang) -> Option<String> {
    let d = doc.design()?;
    let rb = d.rulebook.as_deref();
    let t = |en: &str, ja: &str| Text::new(en, ja).get(lang).to_string();
    let label = |l: &Option<String>| {
        l.as_deref()
            .map(|l| format!(" — {}", plain(l)))
            .unwrap_or_default()
    };
    Some(match target {
        Target::Actor(id) => {
            let a = d.actor(id);
            let mut s = format!("**{}** {}", t("actor", "アクター"), code(&a.name));
            if let Some((l, _)) = &a.label {
                s.push_str(&format!(" \"{}\"", plain(l)));
            }
            if let (Some(rb), Some(r)) = (rb, a.role.id) {
                let role = rb.role(r);
                s.push_str(&format!(
                    "\n\n{}: {}{}\n\n{}",
                    t("role", "役割"),
                    code(&role.name),
                    label(&role.label),
                    kind_text(role.kind, lang)
                ));
            }
            s
        }
        Target::Data(id) => {
            let item = d.item(id);
            let mut s = format!("**{}** {}", t("data item", "データ項目"), code(&item.name));
            if let (Some(rb), Some(c)) = (rb, item.category.id) {
                let cat = rb.category(c);
                s.push_str(&format!(
                    "\n\n{}: {}{}",
                    t("category", "カテゴリ"),
                    code(&cat.name),
                    label(&cat.label)
                ));
            }
            s.push_str("\n\n");
            s.push_str(&if d.is_mynumber(id) {
                t(
                    "特定個人情報 (My Number data): checked against the `mynumber` rules (MN1xx)",
                    "特定個人情報です。特定個人情報 (mynumber) の規則で検査します (MN1xx)",
                )
            } else {
                t(
                    "ordinary personal information: checked by purpose (MN2xx) and delegation (MN3xx)",
                    "特定個人情報ではない個人情報です。利用目的 (MN2xx) と委託 (MN3xx) で検査します",
                )
            });
            s
        }
        Target::Role(id) => {
            let rb = rb?;
            let r = rb.role(id);
            format!(
                "**{}** {}{}\n\n{}",
                t("role", "役割"),
                code(&r.name),
                label(&r.label),
                kind_text(r.kind, lang)
            )
        }
        Target::Category(id) => {
            let rb = rb?;
            let c = rb.category(id);
            let mut s = format!(
                "**{}** {}{}",
                t("category", "カテゴリ"),
                code(&c.name),
                label(&c.label)
            );
            if c.mynumber {
                s.push_str(&format!(
                    "\n\n{}",
                    t("特定個人情報 (My Number data)", "特定個人情報")
                ));
            }
            s
        }
        Target::Purpose(id) => purpose_text(rb?, id, lang),
        Target::Clause(id) => {
            let rb = rb?;
            let c = rb.clause(id);
            format!(
                "**{}** {}{}",
                t("clause", "契約事項"),
                code(&c.name),
                label(&c.label)
            )
        }
        Target::Arrow(flow) => verdict_text(doc, flow, lang)?,
    })
}

/// A purpose: its section, the notice's wording and the basis.
pub fn purpose_text(rb: &Rulebook, id: PurposeId, lang: Lang) -> String {
    let p = rb.purpose(id);
    let s = rb.section(p.section);
    let t = |en: &str, ja: &str| Text::new(en, ja).get(lang).to_string();
    let mut out = format!("**{}** {}", t("purpose", "利用目的"), code(&p.name));
    if let Some(l) = &p.label {
        out.push_str(&format!("\n\n「{}」", plain(l)));
    }
    out.push_str(&format!(
        "\n\n{} {}",
        t("section", "セクション"),
        plain(&s.id)
    ));
    if let Some(title) = &s.title {
        out.push_str(&format!(" — {}", plain(title)));
    }
    if let Some(b) = &s.basis {
        out.push_str(&format!("\n\n{}: {}", t("basis", "根拠"), plain(b)));
    }
    out
}

/// What a role's kind means, in a sentence.
pub(super) fn kind_text(kind: RoleKind, lang: Lang) -> String {
    let (en, ja) = match kind {
        RoleKind::Party => (
            "another party: data given to it is provision",
            "他の当事者です。渡すことは提供にあたります",
        ),
        RoleKind::SelfOrg => (
            "`self`: the society and its systems; flows between them are use, not provision",
            "`self`: 組合とそのシステムです。その間の受け渡しは利用であり提供ではありません",
        ),
        RoleKind::Carrier => (
            "`carrier`: a channel that passes data on and keeps none",
            "`carrier`: データを中継するだけの経路です",
        ),
        RoleKind::Subject => (
            "`subject`: the person the data is about",
            "`subject`: 本人です",
        ),
        RoleKind::Contractor => (
            "`contractor`: its label must be a legal name in the rulebook's contractor register",
            "`contractor`: ラベルはルールブックの委託先一覧にある法人名でなければなりません",
        ),
    };
    Text::new(en, ja).get(lang).to_string()
}

/// The verdict on a flow: the rule that allows each exchange through it,
/// or the nearest miss; then the findings on the flow.
fn verdict_text(doc: &Document, flow: FlowId, lang: Lang) -> Option<String> {
    let (d, g) = doc.design.as_ref()?;
    let rb = d.rulebook.as_deref()?;
    let t = |en: &str, ja: &str| Text::new(en, ja).get(lang).to_string();
    // The exchanges through this flow; only they are judged.
    let through = g.exchanges_through(d, flow);
    let verdicts = checks::verdicts_among(d, g, &through);
    let rule = |id: RuleId| {
        let (section, basis) = rb.rule_ref(id);
        format!(
            "{} ({} {}{})",
            // A `<->` rule is two lines, a code span each.
            (rb.rule_text(id).lines().map(code))
                .collect::<Vec<_>>()
                .join(", "),
            t("section", "セクション"),
            plain(&section),
            basis
                .map(|b| format!(", {}", plain(&b)))
                .unwrap_or_default()
        )
    };
    let mut lines = Vec::new();
    for (i, v) in verdicts.mynumber {
        let item = code(&d.item(g.exchanges[i].payload.0).name);
        lines.push(match v {
            MyNumberVerdict::Allowed(r) => {
                format!("✔ {item}: {} {}", t("allowed by", "許可:"), rule(r))
            }
            MyNumberVerdict::Refused(MyNumberRefusal::NoBasis) => format!(
                "✘ {item}: {}",
                t(
                    "no rule of a mynumber section covers this category (MN101)",
                    "この区分を扱う特定個人情報 (mynumber) の規則がありません (MN101)"
                )
            ),
            MyNumberVerdict::Refused(MyNumberRefusal::WrongParties(_)) => format!(
                "✘ {item}: {}",
                t(
                    "rules cover this data only between other roles (MN105)",
                    "この区分の規則は他の役割の間にしかありません (MN105)"
                )
            ),
            MyNumberVerdict::Refused(MyNumberRefusal::NearestMiss { rule: r, first, .. }) => {
                let code = match first {
                    Miss::Direction => "MN102",
                    Miss::Purpose => "MN103",
                    Miss::Channel => "MN104",
                };
                format!(
                    "✘ {item}: {} {} ({code})",
                    t("nearest rule", "最も近い規則"),
                    rule(r),
                )
            }
        });
    }
    for (i, v) in verdicts.provisions {
        let item = code(&d.item(g.exchanges[i].payload.0).name);
        lines.push(match v {
            ProvisionVerdict::Allowed(r) => {
                format!("✔ {item}: {} {}", t("allowed by", "許可:"), rule(r))
            }
            ProvisionVerdict::Refused(ProvisionRefusal::WrongChannel(r)) => format!(
                "✘ {item}: {} {}",
                t(
                    "the route is not the rule's:",
                    "規則の定める経路と異なります:"
                ),
                rule(r)
            ),
            _ => format!(
                "✘ {item}: {}",
                t(
                    "no rule allows this provision (MN202/MN203)",
                    "この提供を許す規則がありません (MN202/MN203)"
                )
            ),
        });
    }
    let span = d.flow(flow).span;
    for diag in doc.diagnostics.iter().filter(|x| {
        x.primary.file == doc.file && x.primary.start >= span.start && x.primary.end <= span.end
    }) {
        lines.push(format!(
            "**{}** {}",
            diag.code.as_str(),
            plain(diag.message.get(lang))
        ));
    }
    if lines.is_empty() {
        lines.push(t(
            "internal use or data coming in: a declared purpose is enough; no finding",
            "内部での利用または受領です。宣言された利用目的があれば足ります。指摘はありません",
        ));
    }
    Some(format!(
        "**{}**\n\n{}",
        t("verdict", "判定"),
        lines.join("\n\n")
    ))
}
