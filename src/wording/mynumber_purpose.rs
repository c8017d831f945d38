//! MN202 for ordinary data sent for a purpose that only rules of `mynumber`
//! sections let the society provide for: the purpose is not one of
//! internal use, it is one of providing 特定個人情報. The item is either
//! of those categories and declared wrongly, or the flow is not that
//! exchange. Consent is never the way: 番号法第19条 governs such provision.

use super::{Words, unique};
use crate::checks::Trail;
use crate::model::*;
use crate::text;
use crate::text::JaQuoted;
use crate::text::Text;

/// The rules of `mynumber` sections that name the trail's purpose (or one
/// above it) and let its sender's role provide: empty when the purpose is
/// not one of providing 特定個人情報 from there. A rule naming no purpose
/// does not make every purpose one.
pub(super) fn rules_from(w: &Words, trail: &Trail) -> Vec<RuleId> {
    let (Some(rb), Some(from)) = (w.rb, w.role_of(trail.sender)) else {
        return Vec::new();
    };
    // Only a shown finding asks, and a rulebook has a few hundred rules.
    (0..rb.rules.len() as u32)
        .map(RuleId::new)
        .filter(|id| rb.rule_is_mynumber(*id))
        .filter(|id| {
            let r = rb.rule(*id);
            rb.role_covers(r.from, from)
                && r.purposes
                    .iter()
                    .any(|q| rb.purpose_covers(*q, trail.purpose))
        })
        .collect()
}

/// The notes, the help and the categories the rules cover, for MN202 on a
/// trail whose purpose `rules` ([`rules_from`], not empty) provide for.
/// `purposes`: the purposes of ordinary rules that allow providing the
/// item to the receiver, if any.
pub(super) fn words(
    w: &Words,
    trail: &Trail,
    rules: &[RuleId],
    purposes: &[String],
) -> (Vec<Text>, Text, Vec<String>) {
    let Some(rb) = w.rb else {
        return (Vec::new(), Text::default(), Vec::new());
    };
    let names = |f: &dyn Fn(&Rule) -> Vec<String>| -> Vec<String> {
        let mut v = unique(rules.iter().flat_map(|r| f(rb.rule(*r))));
        v.sort();
        v
    };
    let cats = unique(rules.iter().flat_map(|r| {
        rb.rule(*r)
            .categories
            .iter()
            .map(|c| rb.category(*c).name.clone())
    }));
    let receivers = names(&|r| vec![rb.role(r.to).name.clone()]);
    let via = names(&|r| r.via.iter().map(|v| rb.role(*v).name.clone()).collect());
    let sections = unique(
        rules
            .iter()
            .map(|r| rb.section(rb.rule(*r).section).id.clone()),
    );
    let (lc, lr, lv, ls) = (
        crate::text::list(&cats),
        crate::text::list(&receivers),
        crate::text::list(&via),
        crate::text::list(&sections),
    );
    let (p, society) = (w.purpose_name(trail.purpose), w.society());
    let q_p = JaQuoted(&p);
    let what = if via.is_empty() {
        text!("the rules for `{p}` are all of mynumber sections ({}): they let {society} provide only 特定個人情報 of {}, to {}", ls.en, lc.en, lr.en;
              "{q_p}の規則はすべて特定個人情報 (mynumber) のセクション ({}) のもので、{society}が提供できるのは {} の特定個人情報を {} へ提供する場合だけです", ls.ja, lc.ja, lr.ja)
    } else {
        text!("the rules for `{p}` are all of mynumber sections ({}): they let {society} provide only 特定個人情報 of {}, to {}, via {}", ls.en, lc.en, lr.en, lv.en;
              "{q_p}の規則はすべて特定個人情報 (mynumber) のセクション ({}) のもので、{society}が提供できるのは {} の特定個人情報を {} へ {} を経由して提供する場合だけです", ls.ja, lc.ja, lr.ja, lv.ja)
    };
    let law = Text::new(
        "番号法第19条 permits providing 特定個人情報 only in the cases it lists, and consent alone is never one",
        "番号法第19条は、各号に列挙された場合を除き特定個人情報の提供を禁じています (本人の同意だけでは根拠になりません)",
    );
    let to_name = w
        .role_of(trail.receiver)
        .map(|r| w.role_name(r))
        .unwrap_or_default();
    let otherwise = if purposes.is_empty() {
        text!("keep it inside {society}"; "内部にとどめてください")
    } else {
        let l = crate::text::list(purposes);
        text!("name a purpose that allows providing it to {to_name}: {}", l.en; "{to_name}への提供を認める利用目的 ({}) を指定してください", l.ja)
    };
    let help = text!("if this is that exchange, declare the item with the category it is ({}); if not, `{p}` is not its purpose: {}", lc.en, otherwise.en;
                     "この提供がその特定個人情報の提供であれば、データ項目をそのカテゴリ ({}) で宣言してください。そうでなければ{q_p}はこのフローの利用目的ではありません。{}", lc.ja, otherwise.ja);
    (vec![what, law], help, cats)
}
