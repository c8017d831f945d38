//! MN603: an `allow` that another rule of the same kind covers entirely.

use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::model::{PurposeId, RoleId, RuleId, Rulebook};
use crate::text;
use std::collections::HashMap;

type Bucket = (bool, RoleId, RoleId, Option<PurposeId>);

/// Does `b` allow everything `a` allows?
fn covers(rb: &Rulebook, b: RuleId, a: RuleId) -> bool {
    let (ra, rb_) = (rb.rule(a), rb.rule(b));
    rb.rule_matches_roles(b, ra.from, ra.to)
        && ra
            .categories
            .iter()
            .all(|c| rb_.categories.iter().any(|bc| rb.covers(*bc, *c)))
        && (rb_.purposes.is_empty()
            || (!ra.purposes.is_empty() && ra.purposes.iter().all(|p| rb.rule_allows_purpose(b, *p))))
        // Every channel `b` requires is one `a` requires too (or below it).
        && rb_
            .via
            .iter()
            .all(|v| ra.via.iter().any(|av| rb.role_covers(*v, *av)))
}

pub(crate) fn check(rb: &Rulebook) -> Vec<Diagnostic> {
    // Rules by kind, roles and each purpose they name (None: any purpose),
    // so a rule is compared only with rules that could cover it.
    let mut buckets: HashMap<Bucket, Vec<RuleId>> = HashMap::new();
    for (i, r) in rb.rules.iter().enumerate() {
        let mynumber = rb.section(r.section).mynumber;
        let purposes: Vec<Option<PurposeId>> = if r.purposes.is_empty() {
            vec![None]
        } else {
            r.purposes.iter().copied().map(Some).collect()
        };
        for p in purposes {
            buckets
                .entry((mynumber, r.from, r.to, p))
                .or_default()
                .push(RuleId(i as u32));
        }
    }
    let mut out = Vec::new();
    for (i, r) in rb.rules.iter().enumerate() {
        let a = RuleId(i as u32);
        let mynumber = rb.section(r.section).mynumber;
        let purpose_keys: Vec<Option<PurposeId>> = match r.purposes.first() {
            Some(p) => rb.purpose_ancestors(*p).map(Some).chain([None]).collect(),
            None => vec![None],
        };
        let mut by = None;
        'search: for from in rb.role_ancestors(r.from) {
            for to in rb.role_ancestors(r.to) {
                for p in &purpose_keys {
                    for &b in buckets.get(&(mynumber, from, to, *p)).into_iter().flatten() {
                        // A `<->` rule's two directions share a span; two
                        // rules that cover each other: only the later one.
                        if b == a
                            || rb.rule(b).span == r.span
                            || !covers(rb, b, a)
                            || (b > a && covers(rb, a, b))
                        {
                            continue;
                        }
                        by = Some(b);
                        break 'search;
                    }
                }
            }
        }
        let Some(b) = by else { continue };
        let other = rb.rule_text(b);
        let section = &rb.section(rb.rule(b).section).id;
        out.push(
            Diagnostic::new(
                Code::MN603,
                r.span,
                text!("this rule allows nothing that `{other}` (section {section}) does not already allow";
                      "この規則が認めることは、すべて「{other}」(セクション {section}) がすでに認めています"),
            )
            .with_primary_label(text!("redundant"; "重複した規則"))
            .with_label(rb.rule(b).span, text!("covers it entirely"; "これがすべてを含んでいます"))
            .with_help(text!("remove one of the two, or narrow the wider one if it allows more than the notice says";
                             "どちらかを削除するか、広いほうの規則が通知の記載より多くを認めているなら狭めてください")),
        );
    }
    out
}
