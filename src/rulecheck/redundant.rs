//! MN603: an `allow` that another rule of the same kind covers entirely.

use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::model::{CategoryId, PurposeId, RoleId, RuleId, Rulebook};
use crate::text;
use std::collections::HashMap;

type Bucket = (bool, RoleId, RoleId, Option<PurposeId>, CategoryId);

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
    // Rules by kind, roles, each purpose (None: any purpose) and each
    // category they name, so a rule is compared only with rules that could
    // cover it: those under an ancestor of its roles, of its first purpose
    // and of its first category.
    let mut buckets: HashMap<Bucket, Vec<RuleId>> = HashMap::new();
    for (i, r) in rb.rules.iter().enumerate() {
        let mynumber = rb.section(r.section).mynumber;
        let purposes: Vec<Option<PurposeId>> = if r.purposes.is_empty() {
            vec![None]
        } else {
            r.purposes.iter().copied().map(Some).collect()
        };
        for p in purposes {
            for c in &r.categories {
                buckets
                    .entry((mynumber, r.from, r.to, p, *c))
                    .or_default()
                    .push(RuleId::new(i as u32));
            }
        }
    }
    let mut out = Vec::new();
    for (i, r) in rb.rules.iter().enumerate() {
        let a = RuleId::new(i as u32);
        let mynumber = rb.section(r.section).mynumber;
        let first_purpose = r.purposes.first().copied();
        let Some(&first_category) = r.categories.first() else {
            continue;
        };
        // The keys nearest first, made as they are read: the first rule
        // that covers this one ends the search, and a rule refining the
        // one above it (a chain of nested purposes, each with its rule)
        // is matched at the second key rather than after making every
        // combination of every ancestor (n²/2 keys on a chain of n).
        let purpose_keys = move || {
            let up = first_purpose
                .into_iter()
                .flat_map(|p| rb.purpose_ancestors(p));
            up.map(Some).chain([None])
        };
        let keys = rb.role_ancestors(r.from).flat_map(move |from| {
            rb.role_ancestors(r.to).flat_map(move |to| {
                purpose_keys().flat_map(move |p| {
                    rb.ancestors(first_category)
                        .map(move |c| (mynumber, from, to, p, c))
                })
            })
        });
        // A `<->` rule's two directions share a span; of two rules that
        // cover each other, only the later one is reported.
        let by = keys
            .flat_map(|k| buckets.get(&k).into_iter().flatten().copied())
            .find(|&b| {
                b != a
                    && rb.rule(b).span != r.span
                    && covers(rb, b, a)
                    && !(b > a && covers(rb, a, b))
            });
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

#[cfg(test)]
mod tests {
    use crate::code::Code;
    use crate::span::FileId;

    fn lint(src: &str) -> Vec<usize> {
        let p = crate::syntax::parse(FileId(0), src);
        let mut d = Vec::new();
        let rb = crate::resolve::resolve_rulebook(FileId(0), &p.file, &mut d);
        assert!(d.is_empty(), "{d:?}");
        super::check(&rb)
            .iter()
            .filter(|d| d.code == Code::MN603)
            .map(|d| src[..d.primary.start as usize].matches('\n').count() + 1)
            .collect()
    }

    const HEAD: &str = "rulebook t\nrole A self\nrole B\nrole B2 in B\nrole N carrier\n\
        category C\ncategory C2 in C\ncategory M mynumber\n";

    #[test]
    fn the_later_of_two_equal_rules_and_a_covered_one_are_reported() {
        let src = format!(
            "{HEAD}section \"1\" {{ purpose P\n purpose P2 in P\n\
             allow A -> B : C for P\n\
             allow A -> B : C for P\n\
             allow A -> B2 : C2 for P2\n\
             allow A -> B2 : C2 for P2 via N\n\
             allow B <-> A : C2 }}\n"
        );
        // Line 12 equals line 11; 13 is below 11; 14 needs a channel that 11
        // does not, so 11 covers it; the `<->` rule: its two directions do
        // not cover each other, and nothing covers it.
        assert_eq!(lint(&src), [12, 13, 14]);
    }

    #[test]
    fn a_rule_needing_a_channel_is_not_covered_by_one_that_needs_another() {
        let src = format!(
            "{HEAD}section \"7\" mynumber {{ purpose P\n\
             allow B -> A : M for P via N\n\
             allow B2 -> A : M for P }}\n\
             section \"1\" {{ allow B -> A : C }}\n"
        );
        // The wider rule needs N, the narrower does not: not covered. Kinds
        // differ between sections 7 and 1.
        assert!(lint(&src).is_empty());
    }
}
