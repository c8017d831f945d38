//! MN603: an `allow` that another rule of the same kind covers entirely.
//!
//! A rule covers another when it is at or above it in four trees at once
//! (sender, receiver, purpose, category) and allows its channels. The
//! rules are kept as a trie on those four, and each rule's search walks
//! it nearest first, level by level, visiting only what some rule names:
//! at each level either the named ancestors of the rule's own node or the
//! trie node's children, whichever are fewer. No search is linear on
//! every rulebook (whether one rule's set of categories includes
//! another's is as hard as Orthogonal Vectors), so each rule gets
//! [`STEPS`] steps; a rule whose search runs out is counted, and one
//! warning says how many were not compared in full.

use crate::code::Code;
use crate::diagnostic::{Diagnostic, Fact, FactValue};
use crate::model::{RuleId, Rulebook, Tree};
use crate::text;
use rustc_hash::FxHashMap as HashMap;

/// The steps one rule's search may take: a node of a tree visited, a
/// child of the trie looked at, or a rule compared (weighed by what it
/// names). The notice's rulebook takes 12 at most; a rulebook made to
/// cross two chains of 20 000 nested nodes runs out on most of its rules,
/// and each rule then costs about 10 µs.
pub(crate) const STEPS: usize = 1024;

/// The purpose label of rules naming none (they allow any purpose).
const ANY: u32 = u32::MAX;

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

/// What comparing `b` with `a` costs, in steps.
fn weight(rb: &Rulebook, b: RuleId, a: RuleId) -> usize {
    let (ra, rb_) = (rb.rule(a), rb.rule(b));
    1 + ra.categories.len() * rb_.categories.len()
        + ra.purposes.len() * rb_.purposes.len()
        + ra.via.len() * rb_.via.len()
}

/// The trees the levels below the kind walk: sender, receiver, purpose,
/// category.
const LEVELS: [Tree; 4] = [Tree::Roles, Tree::Roles, Tree::Purposes, Tree::Categories];

/// For a tree node, at one level: the nearest node at or above it that
/// some rule names there, and how many named nodes are at or above it.
#[derive(Clone, Copy, Default)]
struct Named {
    nearest: Option<u32>,
    above: u32,
}

/// The rules as a trie on kind, sender, receiver, purpose (or any) and
/// category, with what each level names marked in its tree.
struct Trie<'r> {
    rb: &'r Rulebook,
    /// (node, label) → child; node 0 is the root, its labels the kinds.
    child: HashMap<(u32, u32), u32>,
    /// Each node's labels and children, in the order first named.
    kids: Vec<Vec<(u32, u32)>>,
    /// Each leaf's rules, in rulebook order.
    rules: Vec<Vec<RuleId>>,
    /// Per level below the kind, per tree node: see [`Named`].
    named: [Vec<Named>; 4],
}

/// Out of steps: whether the rule is covered is not known.
struct OutOfSteps;

/// What makes two rules allow the same: their kind, roles, and sets of
/// categories, purposes and channels.
#[derive(PartialEq, Eq, Hash)]
struct Same {
    kind: u32,
    from: usize,
    to: usize,
    categories: Vec<usize>,
    purposes: Vec<usize>,
    via: Vec<usize>,
}

impl Same {
    fn of(kind: u32, r: &crate::model::Rule) -> Same {
        Same {
            kind,
            from: r.from.index(),
            to: r.to.index(),
            categories: set(r.categories.iter().map(|c| c.index())),
            purposes: set(r.purposes.iter().map(|p| p.index())),
            via: set(r.via.iter().map(|v| v.index())),
        }
    }
}

/// `ids` as a set: sorted, each once.
fn set(ids: impl Iterator<Item = usize>) -> Vec<usize> {
    let mut v: Vec<usize> = ids.collect();
    v.sort_unstable();
    v.dedup();
    v
}

impl<'r> Trie<'r> {
    fn of(rb: &'r Rulebook) -> Trie<'r> {
        let mut trie = Trie {
            rb,
            child: HashMap::default(),
            kids: vec![Vec::new()],
            rules: vec![Vec::new()],
            named: Default::default(),
        };
        let mut marked: [Vec<bool>; 4] = [
            vec![false; rb.roles.len()],
            vec![false; rb.roles.len()],
            vec![false; rb.purposes.len()],
            vec![false; rb.categories.len()],
        ];
        // A rule the same as one before it (kind, roles, and the same
        // sets of categories, purposes and channels) is left out: the one
        // before covers whatever it covers, first, and covers it. Every
        // search for the first of them passed over the others, a few
        // steps each: the first of 400 copies was "not compared in full".
        let mut seen: HashMap<Same, ()> = HashMap::default();
        for (i, r) in rb.rules.iter().enumerate() {
            let kind = u32::from(rb.section(r.section).mynumber);
            if seen.insert(Same::of(kind, r), ()).is_some() {
                continue;
            }
            let purposes: Vec<u32> = match r.purposes.is_empty() {
                true => vec![ANY],
                false => r.purposes.iter().map(|p| p.index() as u32).collect(),
            };
            let sent = trie.step(0, kind);
            let from = trie.step(sent, r.from.index() as u32);
            let to = trie.step(from, r.to.index() as u32);
            let mut mark = |level: usize, node: usize| {
                if let Some(m) = marked[level].get_mut(node) {
                    *m = true;
                }
            };
            mark(0, r.from.index());
            mark(1, r.to.index());
            for &p in &purposes {
                let for_p = trie.step(to, p);
                mark(2, p as usize);
                for c in &r.categories {
                    mark(3, c.index());
                    let leaf = trie.step(for_p, c.index() as u32);
                    trie.rules[leaf as usize].push(RuleId::new(i as u32));
                }
            }
        }
        for (level, marked) in marked.iter().enumerate() {
            let tree = LEVELS[level];
            trie.named[level] = crate::model::tree::down(
                marked.len(),
                |x| trie.parent(tree, x as u32).map(|p| p as usize),
                |x, above: Option<&Named>| {
                    let above = above.copied().unwrap_or_default();
                    match marked[x] {
                        true => Named {
                            nearest: Some(x as u32),
                            above: above.above + 1,
                        },
                        false => above,
                    }
                },
            );
        }
        trie
    }

    /// The child of `node` labelled `label`, made if new.
    fn step(&mut self, node: u32, label: u32) -> u32 {
        let next = self.kids.len() as u32;
        let child = *self.child.entry((node, label)).or_insert(next);
        if child == next {
            self.kids.push(Vec::new());
            self.rules.push(Vec::new());
            self.kids[node as usize].push((label, child));
        }
        child
    }

    fn parent(&self, tree: Tree, x: u32) -> Option<u32> {
        (self.rb.parent_in(tree, x as usize)).map(|p| p as u32)
    }

    /// Is `above` the node `x` or above it? And where it starts in a walk
    /// of its tree (the nearer of two ancestors starts later).
    fn placed(&self, tree: Tree, above: u32, x: u32) -> Option<u32> {
        let nesting = self.rb.nesting(tree)?;
        let at = nesting.covers(above as usize, x as usize)?;
        at.then(|| nesting.start(above as usize)).flatten()
    }

    /// The first rule, nearest first, that covers rule `a` below trie
    /// `node` at `level` (0: the sender), `query` being `a`'s own nodes.
    fn search(
        &self,
        level: usize,
        node: u32,
        query: &[u32; 4],
        a: RuleId,
        steps: &mut usize,
    ) -> Result<Option<RuleId>, OutOfSteps> {
        let Some(&tree) = LEVELS.get(level) else {
            return self.compare(node, a, steps);
        };
        let q = query[level];
        let kids = &self.kids[node as usize];
        let named = self.named[level]
            .get(q as usize)
            .copied()
            .unwrap_or_default();
        let spans_made = self.placed(tree, q, q).is_some();
        if spans_made && kids.len() < named.above as usize {
            // Fewer children than named ancestors: each child placed by
            // its span, the nearest first.
            spend(steps, kids.len())?;
            let mut hits: Vec<(u32, u32)> = (kids.iter())
                .filter(|&&(label, _)| label != ANY)
                .filter_map(|&(label, child)| Some((self.placed(tree, label, q)?, child)))
                .collect();
            hits.sort_unstable_by_key(|&(start, _)| std::cmp::Reverse(start));
            for (_, child) in hits {
                if let Some(b) = self.search(level + 1, child, query, a, steps)? {
                    return Ok(Some(b));
                }
            }
        } else if q != ANY {
            // The named ancestors, nearest first.
            let mut at = named.nearest;
            while let Some(x) = at {
                spend(steps, 1)?;
                if let Some(&child) = self.child.get(&(node, x))
                    && let Some(b) = self.search(level + 1, child, query, a, steps)?
                {
                    return Ok(Some(b));
                }
                at = self.parent(tree, x).and_then(|p| {
                    let up = self.named[level].get(p as usize)?;
                    up.nearest
                });
            }
        }
        // Rules naming no purpose allow any, after every named one.
        if tree == Tree::Purposes {
            spend(steps, 1)?;
            if let Some(&child) = self.child.get(&(node, ANY)) {
                return self.search(level + 1, child, query, a, steps);
            }
        }
        Ok(None)
    }

    /// The first rule of a leaf that covers `a`.
    fn compare(
        &self,
        leaf: u32,
        a: RuleId,
        steps: &mut usize,
    ) -> Result<Option<RuleId>, OutOfSteps> {
        let rb = self.rb;
        let span = rb.rule(a).span;
        for &b in &self.rules[leaf as usize] {
            spend(steps, weight(rb, b, a))?;
            // A `<->` rule's two directions share a span; of two rules
            // that cover each other, only the later one is reported.
            if b != a && rb.rule(b).span != span && covers(rb, b, a) && !(b > a && covers(rb, a, b))
            {
                return Ok(Some(b));
            }
        }
        Ok(None)
    }
}

fn spend(steps: &mut usize, n: usize) -> Result<(), OutOfSteps> {
    *steps = steps.checked_sub(n).ok_or(OutOfSteps)?;
    Ok(())
}

pub(crate) fn check(rb: &Rulebook) -> Vec<Diagnostic> {
    let trie = Trie::of(rb);
    let mut out = Vec::new();
    // Where the warning about rules not compared in full goes (before the
    // findings after its rule), its rule, and how many there were.
    let mut unknown: Option<(usize, RuleId)> = None;
    let mut unknowns = 0usize;
    for (i, r) in rb.rules.iter().enumerate() {
        let a = RuleId::new(i as u32);
        let Some(&first_category) = r.categories.first() else {
            continue;
        };
        let kind = u32::from(rb.section(r.section).mynumber);
        let Some(&sent) = trie.child.get(&(0, kind)) else {
            continue;
        };
        let query = [
            r.from.index() as u32,
            r.to.index() as u32,
            r.purposes.first().map_or(ANY, |p| p.index() as u32),
            first_category.index() as u32,
        ];
        let mut steps = STEPS;
        let b = match trie.search(0, sent, &query, a, &mut steps) {
            Ok(Some(b)) => b,
            Ok(None) => continue,
            Err(OutOfSteps) => {
                unknowns += 1;
                unknown.get_or_insert((out.len(), a));
                continue;
            }
        };
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
                             "どちらかを削除するか、広いほうの規則が公表文の記載より多くを認めているなら狭めてください")),
        );
    }
    if let Some((at, a)) = unknown {
        out.insert(at, not_compared_in_full(rb, a, unknowns));
    }
    out
}

/// The warning that `n` rules, `first` the first of them, were not
/// compared in full: whether they are redundant is not known. One
/// warning, not one per rule: they are not findings of redundancy, and
/// how many there are is a fact of it.
fn not_compared_in_full(rb: &Rulebook, first: RuleId, n: usize) -> Diagnostic {
    let rest = n - 1;
    Diagnostic::new(
        Code::MN603,
        rb.rule(first).span,
        text!("whether this rule and {rest} more after it are redundant is not known: each was compared with the rules above it for {STEPS} steps, and the rulebook's trees hold more combinations than that";
              "この規則と、これより後の {rest} 件の規則が重複しているかどうかは分かりません。それぞれ上位の規則と {STEPS} 手順まで比べましたが、ルールブックの木にはそれより多くの組み合わせがあります"),
    )
    .with_primary_label(text!("not compared in full"; "比較しきれていない規則"))
    .with_help(text!("make the trees of roles, purposes and categories shallower, or let fewer rules name their deep nodes";
                     "役割・目的・区分の木を浅くするか、深い節を名指す規則を減らしてください"))
    .with_facts(vec![
        Fact { key: "compared_in_full", value: FactValue::Flag(false) },
        Fact { key: "rules_not_compared_in_full", value: FactValue::Count(n as u64) },
    ])
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
    fn many_copies_of_one_rule_are_each_covered_by_the_first() {
        // Each search for the first passed over every later copy: past
        // 350 copies it ran out of steps, and said so.
        let mut src = format!("{HEAD}section \"1\" {{ purpose P\n");
        for _ in 0..2_000 {
            src.push_str("allow A -> B : C for P\n");
        }
        src.push_str("}\n");
        let found = lint(&src);
        assert_eq!(found, (11..=2_009).collect::<Vec<_>>());
        let rb = {
            let p = crate::syntax::parse(FileId(0), &src);
            crate::resolve::resolve_rulebook(FileId(0), &p.file, &mut Vec::new())
        };
        let all = super::check(&rb);
        assert!(
            all.iter().all(|d| d.facts.is_empty()),
            "every one compared in full"
        );
        let covering = rb.rules[0].span;
        assert!(
            all.iter().all(|d| d.labels[0].span == covering),
            "the first covers each"
        );
    }

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

#[cfg(test)]
mod search {
    use super::*;
    use crate::span::FileId;

    /// Rulebook order's first covering rule, trying every key of every
    /// ancestor nearest first: what MN603 reported before the trie, and
    /// what the trie must find, rule for rule.
    fn every_key(rb: &Rulebook) -> Vec<(usize, usize)> {
        type Key = (bool, u32, u32, Option<u32>, u32);
        let mut buckets: HashMap<Key, Vec<RuleId>> = HashMap::default();
        for (i, r) in rb.rules.iter().enumerate() {
            let kind = rb.section(r.section).mynumber;
            let purposes: Vec<Option<u32>> = match r.purposes.is_empty() {
                true => vec![None],
                false => r.purposes.iter().map(|p| Some(p.index() as u32)).collect(),
            };
            for p in purposes {
                for c in &r.categories {
                    let key = (
                        kind,
                        r.from.index() as u32,
                        r.to.index() as u32,
                        p,
                        c.index() as u32,
                    );
                    buckets.entry(key).or_default().push(RuleId::new(i as u32));
                }
            }
        }
        let mut out = Vec::new();
        for (i, r) in rb.rules.iter().enumerate() {
            let a = RuleId::new(i as u32);
            let kind = rb.section(r.section).mynumber;
            let mut purposes: Vec<Option<u32>> = (r.purposes.first())
                .into_iter()
                .flat_map(|p| rb.purpose_ancestors(*p))
                .map(|p| Some(p.index() as u32))
                .collect();
            purposes.push(None);
            let mut keys = Vec::new();
            for from in rb.role_ancestors(r.from) {
                for to in rb.role_ancestors(r.to) {
                    for &p in &purposes {
                        for c in r
                            .categories
                            .first()
                            .into_iter()
                            .flat_map(|c| rb.ancestors(*c))
                        {
                            keys.push((
                                kind,
                                from.index() as u32,
                                to.index() as u32,
                                p,
                                c.index() as u32,
                            ));
                        }
                    }
                }
            }
            let by = (keys.iter())
                .flat_map(|k| buckets.get(k).into_iter().flatten().copied())
                .find(|&b| {
                    b != a
                        && rb.rule(b).span != r.span
                        && covers(rb, b, a)
                        && !(b > a && covers(rb, a, b))
                });
            if let Some(b) = by {
                out.push((r.span.start as usize, rb.rule(b).span.start as usize));
            }
        }
        out
    }

    /// A rulebook of random trees and rules, the same for the same seed.
    fn random_rulebook(seed: u64) -> String {
        let mut next = crate::test_rulebooks::dice(seed, 1442695040888963407);
        let mut src = String::from("rulebook t\nrole N carrier\nrole N1 in N\n");
        let tree = |src: &mut String,
                    next: &mut dyn FnMut(usize) -> usize,
                    word: &str,
                    prefix: &str,
                    n: usize| {
            for i in 0..n {
                src.push_str(&format!("{word} {prefix}{i}"));
                if i > 0 && next(4) > 0 {
                    src.push_str(&format!(" in {prefix}{}", next(i)));
                }
                src.push('\n');
            }
        };
        tree(&mut src, &mut next, "role", "R", 7);
        tree(&mut src, &mut next, "category", "C", 7);
        src.push_str("section \"1\" {\n");
        tree(&mut src, &mut next, "purpose", "P", 7);
        let pick = |next: &mut dyn FnMut(usize) -> usize, prefix: &str, most: usize| {
            let n = 1 + next(most);
            (0..n)
                .map(|_| format!("{prefix}{}", next(7)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        for _ in 0..40 {
            let arrow = if next(8) == 0 { "<->" } else { "->" };
            src.push_str(&format!(
                "allow R{} {arrow} R{} : {}",
                next(7),
                next(7),
                pick(&mut next, "C", 2)
            ));
            if next(3) > 0 {
                src.push_str(&format!(" for {}", pick(&mut next, "P", 2)));
            }
            if next(4) == 0 {
                src.push_str(if next(2) == 0 { " via N" } else { " via N1" });
            }
            src.push('\n');
        }
        src.push_str("}\n");
        src
    }

    #[test]
    fn the_trie_finds_the_rule_every_key_finds_first() {
        let mut reported = 0;
        for seed in 0..300 {
            let src = random_rulebook(seed);
            let p = crate::syntax::parse(FileId(0), &src);
            let mut d = Vec::new();
            let rb = crate::resolve::resolve_rulebook(FileId(0), &p.file, &mut d);
            assert!(d.iter().all(|d| d.code != Code::MN010), "{src}\n{d:?}");
            let found: Vec<(usize, usize)> = (check(&rb).iter())
                .filter(|d| d.code == Code::MN603)
                .map(|d| (d.primary.start as usize, d.labels[0].span.start as usize))
                .collect();
            assert_eq!(found, every_key(&rb), "seed {seed}:\n{src}");
            reported += found.len();
        }
        // The rulebooks are not all trivially redundant or all clean.
        assert!((1000..9000).contains(&reported), "{reported}");
    }

    #[test]
    fn rules_whose_search_runs_out_are_counted_in_one_warning() {
        for (n, out) in [(100, 0), (1000, 745)] {
            let src = crate::test_rulebooks::crossed(n);
            let p = crate::syntax::parse(FileId(0), &src);
            let mut d = Vec::new();
            let rb = crate::resolve::resolve_rulebook(FileId(0), &p.file, &mut d);
            assert!(d.is_empty(), "{d:?}");
            let found = check(&rb);
            match out {
                0 => assert!(found.is_empty(), "{found:?}"),
                _ => {
                    assert_eq!(found.len(), 1, "{found:?}");
                    let fact = found[0]
                        .facts
                        .iter()
                        .find(|f| f.key == "rules_not_compared_in_full");
                    assert_eq!(fact.map(|f| &f.value), Some(&FactValue::Count(out)));
                    assert_eq!(found[0].more, 0);
                }
            }
        }
    }
}
