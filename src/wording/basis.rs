//! What MN101 and MN105 say of the law beyond the rulebook: 番号法第19条
//! lists more cases than a notice relies on (provision to the person, by
//! the person, by an employer filing for its employees), and a rulebook
//! encodes only those of its notice. A refused exchange may rest on one of
//! them, so the help says how to record it, not only to drop the number.
//! Also the narrower categories that the rules cover, for an item declared
//! with a category above them (MN101).

use super::{Words, unique};
use crate::checks::Trail;
use crate::diagnostic::{Diagnostic, Fact};
use crate::model::*;
use crate::text;
use crate::text::JaQuoted;
use crate::text::Text;

/// The item of 番号法第19条 an exchange may rest on, as far as the kinds of
/// its roles tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Item {
    /// 第1号: the society (a 個人番号利用事務実施者) to the person.
    ToThePerson,
    /// 第3号: the person to the society.
    ByThePerson,
    /// 第6号: the society entrusting its handling to a contractor.
    Entrusting,
    /// 第2号 (or 第3号 through the person's agent): a party that is neither
    /// the society nor the person, to the society. The kinds rule out 第1号
    /// (the society gives) and the person giving their own; which party it
    /// is (an employer, say) only its name tells, and names are the
    /// rulebook's, not the engine's.
    ByAParty,
    /// Some item the rulebook does not encode, not told by the roles'
    /// kinds (between two parties, say).
    Unencoded,
}

/// The item an exchange between these roles may rest on: 第1号 or 第3号
/// when it is between the society and the person, 第6号 from the society
/// to a contractor, 第2号 from another party to the society, otherwise
/// unknown.
pub(super) fn item(w: &Words, trail: &Trail) -> Option<Item> {
    let rb = w.rb?;
    let kind = |a| w.role_of(a).map(|r| rb.role(r).kind);
    Some(match (kind(trail.sender)?, kind(trail.receiver)?) {
        (RoleKind::SelfOrg, RoleKind::Subject) => Item::ToThePerson,
        (RoleKind::Subject, RoleKind::SelfOrg) => Item::ByThePerson,
        (RoleKind::SelfOrg, RoleKind::Contractor) => Item::Entrusting,
        (RoleKind::Party, RoleKind::SelfOrg) => Item::ByAParty,
        _ => Item::Unencoded,
    })
}

/// Is MN105's refusal one where another item of 第19条 is likely: the
/// person gives the society their own data, the society gives the person
/// theirs or entrusts its handling to a contractor, or another party (an
/// employer, say) gives the society data?
/// Between other roles the rules' pairs are the help.
pub(super) fn likely_elsewhere(w: &Words, trail: &Trail) -> bool {
    let Some(rb) = w.rb else { return false };
    let kind = |a| w.role_of(a).map(|r| rb.role(r).kind);
    matches!(
        (kind(trail.sender), kind(trail.receiver)),
        (Some(RoleKind::SelfOrg), Some(RoleKind::Subject))
            | (Some(RoleKind::Subject), Some(RoleKind::SelfOrg))
            | (Some(RoleKind::SelfOrg), Some(RoleKind::Contractor))
            | (Some(RoleKind::Party), Some(RoleKind::SelfOrg))
    )
}

/// The note: what the item permits, and that the rulebook does not encode
/// it for this data.
pub(super) fn note(w: &Words, item: Item, cat: &str) -> Text {
    let q_cat = JaQuoted(cat);
    let society = w.society();
    match item {
        Item::ToThePerson => text!(
            "番号法第19条第1号 lets a 個人番号利用事務実施者 such as {society} provide 特定個人情報 to the person or their agent, as its affairs need; the rulebook encodes no such case for `{cat}`";
            "番号法第19条第1号は、{society}のような個人番号利用事務実施者が、事務に必要な限度で本人又はその代理人に特定個人情報を提供することを認めていますが、ルールブックには{q_cat}についてこの場合を定めたものがありません"
        ),
        Item::ByThePerson => text!(
            "番号法第19条第3号 lets the person or their agent provide the person's own 特定個人情報 to a 個人番号利用事務等実施者 such as {society}; the rulebook encodes no such case for `{cat}`";
            "番号法第19条第3号は、本人又はその代理人が、{society}のような個人番号利用事務等実施者に本人の特定個人情報を提供することを認めていますが、ルールブックには{q_cat}についてこの場合を定めたものがありません"
        ),
        Item::Entrusting => text!(
            "番号法第19条第6号 lets {society} entrust the handling of 特定個人情報 to a contractor, which it must then supervise (第11条); the rulebook encodes no such case for `{cat}`";
            "番号法第19条第6号は、{society}が特定個人情報の取扱いを委託先に委託する場合の提供を認めています (委託元は第11条により委託先を監督します) が、ルールブックには{q_cat}についてこの場合を定めたものがありません"
        ),
        Item::ByAParty => text!(
            "番号法第19条第2号 lets a 個人番号関係事務実施者 (an employer filing for its employees, for one) provide 特定個人情報 to a 個人番号利用事務実施者 such as {society}, as its 個人番号関係事務 needs, and 第3号 lets the person's agent provide the person's own; the rulebook encodes no such case for `{cat}`";
            "番号法第19条第2号は、個人番号関係事務実施者 (従業員について届出をする事業者など) が、個人番号関係事務に必要な限度で{society}のような個人番号利用事務実施者に特定個人情報を提供することを、第3号は、本人の代理人が本人の特定個人情報を提供することを認めていますが、ルールブックには{q_cat}についてこれらの場合を定めたものがありません"
        ),
        Item::Unencoded => Text::new(
            "番号法第19条 also lists cases the rulebook does not encode, such as 第1号–第3号: a 個人番号利用事務実施者 providing it to the person, a 個人番号関係事務実施者 providing it (an employer filing for its employees, for one), and the person providing their own",
            "番号法第19条には、ルールブックに定めていない場合も列挙されています。たとえば第1号〜第3号は、個人番号利用事務実施者による本人への提供、個人番号関係事務実施者 (従業員について届出をする事業者など) による提供、本人による本人の特定個人情報の提供です",
        ),
    }
}

/// The help: record the item in the rulebook if the exchange rests on it,
/// otherwise `otherwise`.
pub(super) fn help(w: &Words, trail: &Trail, item: Item, otherwise: &Text) -> Text {
    let rb = w.rb;
    let role = |a| w.role_of(a).map(|r| w.role_name(r)).unwrap_or_default();
    let (from, to) = (role(trail.sender), role(trail.receiver));
    let cat = w.category_name(trail.item);
    let q_cat = JaQuoted(&cat);
    // A mynumber section may name only mynumber categories (MN018): an item
    // marked `mynumber` on an ordinary category needs one first.
    let mynumber_category = match (rb, w.design.item(trail.item).category.id) {
        (Some(rb), Some(c)) => rb.category(c).mynumber,
        _ => false,
    };
    let record = if mynumber_category {
        text!("a `mynumber` section whose rule allows `{cat}` from {from} to {to}";
              "{from}から{to}への{q_cat}の提供を認める規則を持つ特定個人情報 (mynumber) のセクション")
    } else {
        text!("a `mynumber` category for this data and a `mynumber` section whose rule allows it from {from} to {to}";
              "このデータの特定個人情報 (mynumber) のカテゴリと、{from}から{to}への提供を認める規則を持つ特定個人情報 (mynumber) のセクション")
    };
    let society = w.society();
    let when = match item {
        Item::ToThePerson => {
            text!("if {society} provides it under 第1号"; "{society}が第1号に基づいて提供するのであれば")
        }
        Item::ByThePerson => Text::new(
            "if the person provides it under 第3号",
            "本人が第3号に基づいて提供するのであれば",
        ),
        Item::Entrusting => text!(
            "if {society} entrusts its handling under 第6号";
            "{society}が第6号に基づいて取扱いを委託するのであれば"
        ),
        Item::ByAParty => text!(
            "if {from} provides it under 第2号 (or as the person's agent, under 第3号)";
            "{from}が第2号に基づいて (又は本人の代理人として第3号に基づいて) 提供するのであれば"
        ),
        Item::Unencoded => Text::new(
            "if this provision rests on an item of 番号法第19条 that the rulebook does not encode",
            "この提供がルールブックに定めていない番号法第19条の号に基づくのであれば",
        ),
    };
    text!("{}, record that basis in the rulebook as {}; otherwise {}", when.en, record.en, otherwise.en;
          "{}、その根拠を、{}としてルールブックに記載してください。そうでなければ、{}", when.ja, record.ja, otherwise.ja)
}

/// Which categories [`narrower`] lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Narrower {
    /// Those below the item's, for its purpose.
    Below,
    /// Those below the item's, for other purposes.
    BelowForOthers,
    /// For its purpose, when the item is an ordinary category marked
    /// `mynumber` (no rule can name that category, MN018).
    Instead,
}

/// The mynumber categories the rules cover between the trail's roles this
/// way, that the item may be declared with instead: those below the
/// item's category, for its purpose if any rule allows that, else for any
/// purpose; for an ordinary category marked `mynumber`, any the rules
/// cover for its purpose. None when there are none.
pub(super) fn narrower(w: &Words, trail: &Trail) -> Option<(Vec<String>, Narrower)> {
    let rb = w.rb?;
    let from = w.role_of(trail.sender)?;
    let to = w.role_of(trail.receiver)?;
    let category = w.design.item(trail.item).category.id?;
    let marked = !rb.category(category).mynumber;
    // Few rules, and only a shown finding asks.
    let covered = |for_purpose: bool| -> Vec<String> {
        unique(
            (0..rb.rules.len() as u32)
                .map(RuleId::new)
                .filter(|id| rb.rule_is_mynumber(*id) && rb.rule_matches_roles(*id, from, to))
                .filter(|id| !for_purpose || rb.rule_allows_purpose(*id, trail.purpose))
                .flat_map(|id| rb.rule(id).categories.iter().copied())
                .filter(|c| marked || (*c != category && rb.covers(category, *c)))
                .map(|c| rb.category(c).name.clone()),
        )
    };
    let for_purpose = covered(true);
    if !for_purpose.is_empty() {
        let how = if marked {
            Narrower::Instead
        } else {
            Narrower::Below
        };
        return Some((for_purpose, how));
    }
    let any = covered(false);
    (!marked && !any.is_empty()).then_some((any, Narrower::BelowForOthers))
}

/// MN101's help for an item the rules cover only under other categories.
pub(super) fn narrower_help(w: &Words, trail: &Trail, names: &[String], how: Narrower) -> Text {
    let cat = w.category_name(trail.item);
    let q_cat = JaQuoted(&cat);
    let role = |a| w.role_of(a).map(|r| w.role_name(r)).unwrap_or_default();
    let (from, to) = (role(trail.sender), role(trail.receiver));
    let p = w.purpose_name(trail.purpose);
    let q_p = JaQuoted(&p);
    let l = crate::text::list(names);
    match how {
        Narrower::Below => {
            text!("`{cat}` is broader than any rule: from {from} to {to} for `{p}` the rules cover only {}; declare the item with the one it is", l.en;
              "{q_cat}はどの規則よりも広い区分です。{from}から{to}への{q_p}のための提供で規則が対象とするのは {} だけです。データ項目をそのいずれかのカテゴリで宣言してください", l.ja)
        }
        Narrower::BelowForOthers => {
            text!("`{cat}` is broader than any rule: from {from} to {to} the rules cover only {}, for other purposes than `{p}`; declare the item with the one it is, and name a purpose their rules allow", l.en;
              "{q_cat}はどの規則よりも広い区分です。{from}から{to}への提供で規則が対象とするのは {} だけで、利用目的も{q_p}以外です。データ項目をそのいずれかのカテゴリで宣言し、その規則が認める利用目的を指定してください", l.ja)
        }
        Narrower::Instead => {
            text!("from {from} to {to} for `{p}` the rules cover only {}: if the data is that, declare the item with it; otherwise do not send the My Number with this data", l.en;
              "{from}から{to}への{q_p}のための提供で規則が対象とするのは {} だけです。データがそれに当たるなら、データ項目をそのカテゴリで宣言してください。そうでなければ、このデータに個人番号を含めないでください", l.ja)
        }
    }
}

/// MN101's help (and note), with the trail's `facts`: the narrower
/// categories the rules cover if there are any (then they are the fix);
/// otherwise the item of 第19条 the exchange may rest on, and to leave the
/// My Number out if it rests on none.
pub(super) fn no_basis(w: &Words, trail: &Trail, facts: Vec<Fact>, d: Diagnostic) -> Diagnostic {
    if let Some((names, how)) = narrower(w, trail) {
        return d
            .with_help(narrower_help(w, trail, &names, how))
            .with_facts(facts)
            .with_facts(Fact::list(
                ("allowed_categories", "allowed_categories_total"),
                names,
            ));
    }
    let item = item(w, trail).unwrap_or(Item::Unencoded);
    let cat = w.category_name(trail.item);
    if let Some(section) = without_the_number(w, trail) {
        return without_the_number_words(w, trail, item, section, d).with_facts(facts);
    }
    let dont = Text::new(
        "do not send the My Number with this data: use a category without My Number, or remove the flow",
        "このデータに個人番号を含めないでください。個人番号を含まないカテゴリにするか、フローを削除してください",
    );
    d.with_note(note(w, item, &cat))
        .with_help(help(w, trail, item, &dont))
        .with_facts(facts)
}

/// The section of the first rule of an ordinary section that allows the
/// item's category between the trail's roles for its purpose, when the
/// item is an ordinary category marked `mynumber`: the exchange is one
/// the rulebook allows as personal information without My Number, so
/// that, not an item of 第19条, is the likely answer.
fn without_the_number(w: &Words, trail: &Trail) -> Option<SectionId> {
    let rb = w.rb?;
    let from = w.role_of(trail.sender)?;
    let to = w.role_of(trail.receiver)?;
    let category = w.design.item(trail.item).category.id?;
    if rb.category(category).mynumber {
        return None;
    }
    // Few rules, and only a shown finding asks.
    (0..rb.rules.len() as u32)
        .map(RuleId::new)
        .filter(|id| !rb.rule_is_mynumber(*id) && rb.rule_matches_roles(*id, from, to))
        .filter(|id| rb.rule_allows_purpose(*id, trail.purpose))
        .find(|id| {
            rb.rule(*id)
                .categories
                .iter()
                .any(|c| rb.covers(*c, category))
        })
        .map(|id| rb.rule(id).section)
}

/// MN101's note and help for an exchange an ordinary section allows
/// without My Number ([`without_the_number`]): send it so, or, where the
/// society relies on an item of 第19条 the rulebook does not encode (the
/// person's, when a party is the person), record it.
fn without_the_number_words(
    w: &Words,
    trail: &Trail,
    item: Item,
    section: SectionId,
    d: Diagnostic,
) -> Diagnostic {
    let cat = w.category_name(trail.item);
    let q_cat = JaQuoted(&cat);
    let name = w.item_name(trail.item).to_string();
    let q_name = JaQuoted(&name);
    let role = |a| w.role_of(a).map(|r| w.role_name(r)).unwrap_or_default();
    let (from, to) = (role(trail.sender), role(trail.receiver));
    let p = w.purpose_name(trail.purpose);
    let q_p = JaQuoted(&p);
    let s = w.section_note(section);
    let allowed = text!("{} allows `{cat}` from {from} to {to} for `{p}` as personal information without My Number", s.en;
                        "{}は、{from}から{to}への{q_p}のための{q_cat}の提供を、個人番号を含まない個人情報として認めています", s.ja);
    let id =
        w.rb.map(|rb| rb.section(section).id.clone())
            .unwrap_or_default();
    let d = d.with_note(allowed);
    let d = match item {
        Item::Unencoded => d,
        _ => d.with_note(note(w, item, &cat)),
    };
    d.with_help(text!(
        "send it without the My Number, as section {id} allows: remove `mynumber` from the declaration of `{name}`; only if it must carry the My Number under an item of 番号法第19条 the rulebook does not encode, record that basis in the rulebook as a `mynumber` section";
        "{id}が認めるとおり、個人番号を含めずに提供してください ({q_name}の宣言から mynumber を外します)。ルールブックに定めていない番号法第19条の号に基づいて個人番号を含める必要がある場合に限り、その根拠を特定個人情報 (mynumber) のセクションとしてルールブックに記載してください"
    ))
}

/// MN105 where another item of 第19条 is likely ([`likely_elsewhere`]):
/// the note names it, after the rules' section, and the help says to
/// record it, and only otherwise to keep to the rules' pairs (`allowed`).
pub(super) fn elsewhere(w: &Words, trail: &Trail, d: Diagnostic, allowed: &Text) -> Diagnostic {
    let Some(item) = item(w, trail).filter(|_| likely_elsewhere(w, trail)) else {
        return d;
    };
    let only = text!("exchange this data only between {}", allowed.en;
                     "このデータは {} の間でのみ提供してください", allowed.ja);
    let cat = w.category_name(trail.item);
    d.with_note(note(w, item, &cat))
        .with_help(help(w, trail, item, &only))
}
