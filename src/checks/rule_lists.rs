//! The rules a verdict weighs, found once per judging: the `mynumber`
//! rules covering a category and the ordinary rules naming a purpose are
//! listed once and shared (a refusal that names them holds the same list
//! as every other refusal of it), and an allowing rule is looked for among
//! the rules to the receiver's role or for the purpose, whichever are
//! fewer. Before, every new key rebuilt and re-weighed every rule of its
//! category or purpose: N exchanges of distinct keys against N rules
//! weighed N² rules, and each refused exchange held its own copy of an
//! N-long list (scale audit D2, D4).

use super::rules_by_span::RulesBySpan;
use crate::model::*;
use rustc_hash::FxHashMap;
use std::sync::Arc;

/// Below this many rules to weigh, weighing them all costs less than
/// building the index: a rulebook like kenpo never builds it.
const INDEXED_FROM: usize = 32;

/// The rule lists of one rulebook, made as verdicts ask for them.
pub(crate) struct RuleLists<'a> {
    rb: &'a Rulebook,
    /// `mynumber` rules covering each category asked about.
    covering: FxHashMap<CategoryId, Arc<[RuleId]>>,
    /// Ordinary rules allowing each purpose asked about.
    naming: FxHashMap<PurposeId, Arc<[RuleId]>>,
    /// MN203's lists: the rules for a purpose and a category from a
    /// sender's role, by (purpose, category, sender's role); None when
    /// there are none.
    senders: FxHashMap<SenderKey, Option<Arc<[RuleId]>>>,
    /// The `mynumber` rules by receiver and by purpose, made at the first
    /// long list (None inside: the trees have no spans).
    mynumber: Option<Option<Index>>,
    /// The same of the ordinary rules.
    ordinary: Option<Option<Index>>,
    /// Rules in the lists kept ([`Self::keeps`]).
    kept: usize,
    /// How many ordinary (0) and `mynumber` (1) rules there are, once
    /// counted.
    counts: [Option<usize>; 2],
    /// Whether [`Self::first_fitting`] may build the index: not for one
    /// verdict alone, which weighs its rules once.
    indexed: bool,
    /// Rules weighed so far, by the verdicts and here: what a test reads
    /// to see the work stay linear.
    pub(crate) weighed: u64,
}

/// What MN203's list of rules depends on: (purpose, category, sender's
/// role).
type SenderKey = (PurposeId, CategoryId, RoleId);

/// Rules of one kind by the roles they go to and by the purposes they
/// allow, each as runs of its tree's walk ([`RulesBySpan`]): the rules
/// covering a receiver's role or allowing a purpose are read in rulebook
/// order at a cost of the tree's log, not its depth.
struct Index {
    by_to: RulesBySpan,
    by_purpose: RulesBySpan,
}

impl Index {
    /// None when the rulebook's trees were not made into spans.
    fn of(rb: &Rulebook, mynumber: bool) -> Option<Index> {
        let roles = rb.nesting(Tree::Roles)?;
        let purposes = rb.nesting(Tree::Purposes)?;
        let mut by_to = RulesBySpan::new(rb.roles.len());
        let mut by_purpose = RulesBySpan::new(rb.purposes.len());
        let every_purpose = (0, rb.purposes.len() as u32);
        for (i, r) in rb.rules.iter().enumerate() {
            let id = RuleId::new(i as u32);
            if rb.rule_is_mynumber(id) != mynumber {
                continue;
            }
            by_to.insert(roles.span(r.to.index())?, id);
            if r.purposes.is_empty() {
                by_purpose.insert(every_purpose, id);
            }
            for p in &r.purposes {
                by_purpose.insert(purposes.span(p.index())?, id);
            }
        }
        Some(Index { by_to, by_purpose })
    }
}

impl<'a> RuleLists<'a> {
    /// None made yet.
    pub(crate) fn new(rb: &'a Rulebook) -> RuleLists<'a> {
        RuleLists {
            rb,
            covering: FxHashMap::default(),
            naming: FxHashMap::default(),
            senders: FxHashMap::default(),
            mynumber: None,
            ordinary: None,
            kept: 0,
            counts: [None; 2],
            indexed: true,
            weighed: 0,
        }
    }

    /// Lists for one verdict alone: building the index would cost more
    /// than weighing its rules once.
    pub(crate) fn for_one(rb: &'a Rulebook) -> RuleLists<'a> {
        RuleLists {
            indexed: false,
            ..RuleLists::new(rb)
        }
    }

    /// The rulebook.
    pub(crate) fn rb(&self) -> &'a Rulebook {
        self.rb
    }

    /// [`Rulebook::mynumber_rules_covering`], made once per category.
    pub(crate) fn covering(&mut self, category: CategoryId) -> Arc<[RuleId]> {
        if let Some(list) = self.covering.get(&category) {
            return Arc::clone(list);
        }
        let list: Arc<[RuleId]> = self.rb.mynumber_rules_covering(category).into();
        if self.keeps(list.len()) {
            self.covering.insert(category, Arc::clone(&list));
        }
        list
    }

    /// May a list of `len` more rules be kept? The lists kept hold at
    /// most a few times the rulebook's rules: on a tree of nested
    /// categories or purposes, each a rule's, the lists of all of them
    /// would hold n²/2 rules.
    fn keeps(&mut self, len: usize) -> bool {
        let budget = 8 * self.rb.rules.len() + 4096;
        let keeps = self.kept + len <= budget;
        if keeps {
            self.kept += len;
        }
        keeps
    }

    /// [`Rulebook::ordinary_rules_for`], made once per purpose.
    pub(crate) fn naming(&mut self, purpose: PurposeId) -> Arc<[RuleId]> {
        if let Some(list) = self.naming.get(&purpose) {
            return Arc::clone(list);
        }
        let list: Arc<[RuleId]> = self.rb.ordinary_rules_for(purpose).into();
        if self.keeps(list.len()) {
            self.naming.insert(purpose, Arc::clone(&list));
        }
        list
    }

    /// Of `rules` (the ordinary rules for `purpose` naming data of
    /// `category`), those from a role covering `from`, made once per
    /// (purpose, category, sender's role): the refusals of every receiver
    /// they do not allow share them. None when there are none.
    pub(crate) fn of_sender(
        &mut self,
        purpose: PurposeId,
        category: CategoryId,
        from: RoleId,
        rules: &[RuleId],
    ) -> Option<Arc<[RuleId]>> {
        let rb = self.rb;
        let list = (self.senders.entry((purpose, category, from))).or_insert_with(|| {
            let of: Vec<RuleId> = (rules.iter().copied())
                .filter(|r| rb.role_covers(rb.rule(*r).from, from))
                .collect();
            (!of.is_empty()).then(|| of.into())
        });
        list.clone()
    }

    /// The first rule, in rulebook order, of the `mynumber` rules (or the
    /// ordinary ones) that `fits`, looked for among those going to a role
    /// covering `to` or those allowing `purpose`, whichever are fewer; a
    /// rule that fits is always among both. `all`: how many rules the
    /// caller would weigh instead, when known (for the ordinary rules of
    /// a purpose, listing them may cost as much as weighing them: then
    /// they are counted in the index). None when none fits, or when the
    /// caller weighs few enough rules that the index would cost more
    /// (kenpo never builds it): then the caller weighs them. `fits` must
    /// hold only of rules to a role covering `to` that allow `purpose`.
    pub(crate) fn first_fitting(
        &mut self,
        mynumber: bool,
        to: RoleId,
        purpose: PurposeId,
        all: Option<usize>,
        fits: impl Fn(RuleId) -> bool,
    ) -> Option<RuleId> {
        if !self.indexed {
            return None;
        }
        let all = all.or_else(|| match mynumber {
            true => None,
            false => self.naming.get(&purpose).map(|l| l.len()),
        });
        if all.is_some_and(|all| all < INDEXED_FROM) {
            return None;
        }
        let rb = self.rb;
        if all.is_none() && self.of_kind(mynumber) < INDEXED_FROM {
            return None;
        }
        let index = match mynumber {
            true => self.mynumber.get_or_insert_with(|| Index::of(rb, true)),
            false => self.ordinary.get_or_insert_with(|| Index::of(rb, false)),
        };
        let index = index.as_ref()?;
        let (role_at, purpose_at) = (
            rb.nesting(Tree::Roles)?.start(to.index())?,
            rb.nesting(Tree::Purposes)?.start(purpose.index())?,
        );
        let (by_to, by_purpose) = (
            index.by_to.count_at(role_at),
            index.by_purpose.count_at(purpose_at),
        );
        if all.is_none() && by_purpose < INDEXED_FROM {
            return None;
        }
        let candidates = match by_to <= by_purpose {
            true => index.by_to.at(role_at),
            false => index.by_purpose.at(purpose_at),
        };
        let mut weighed = 0;
        let found = candidates.into_iter().find(|id| {
            weighed += 1;
            fits(*id)
        });
        self.weighed += weighed;
        found
    }

    /// How many rules of the kind the rulebook has.
    fn of_kind(&mut self, mynumber: bool) -> usize {
        let rb = self.rb;
        *(self.counts[mynumber as usize]).get_or_insert_with(|| {
            (0..rb.rules.len())
                .filter(|&i| rb.rule_is_mynumber(RuleId::new(i as u32)) == mynumber)
                .count()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::exchange::{MyNumberVerdict, evaluate_exchange, evaluate_exchange_in};
    use crate::checks::provision::{ProvisionVerdict, evaluate_provision, evaluate_provision_in};
    use crate::span::FileId;
    use crate::syntax::parse;

    fn rulebook(src: &str) -> Rulebook {
        let p = parse(FileId(0), src);
        let mut d = Vec::new();
        let rb = crate::resolve::resolve_rulebook(FileId(0), &p.file, &mut d);
        assert!(d.is_empty(), "{d:?}");
        rb
    }

    /// `n` roles R0…, one ordinary rule to each for one purpose, and `n`
    /// `mynumber` purposes Q0…, one rule each between the same two roles
    /// (the audit's `manyroles_rules` and `manyrules`).
    fn wide(n: usize) -> Rulebook {
        let mut src = String::from(
            "rulebook t\nrole 組合 self\nrole 他機関\nrole Z\nrole NW carrier\n\
             category 個人 \ncategory 特定 mynumber\ncategory 課税 in 特定\n",
        );
        for i in 0..n {
            src += &format!("role R{i}\n");
        }
        src += "section \"o\" { purpose PX\n";
        for i in 0..n {
            src += &format!(" allow 組合 -> R{i} : 個人 for PX\n");
        }
        src += "}\nsection \"m\" mynumber {\n";
        for i in 0..n {
            src += &format!(" purpose Q{i}\n allow 他機関 -> 組合 : 課税 for Q{i} via NW\n");
        }
        rulebook(&(src + " purpose 保険給付\n}\n"))
    }

    /// The order a shape's rules are written in.
    #[derive(Clone, Copy, Debug)]
    enum Shape {
        /// `purpose Pi in Pi-1`, the rules from the top down.
        Chain,
        /// The same, the rules from the bottom up.
        ChainBottomUp,
        /// `purpose Pi in P(i-1)/2`: a binary tree.
        Tree,
    }

    /// `n` nested purposes P0…, each named by an ordinary rule from the
    /// society to 受領者 and a `mynumber` rule from 他機関 to it (the
    /// audit's `crossrules`).
    fn crossrules(n: usize, shape: Shape) -> Rulebook {
        let mut src = String::from(
            "rulebook t\nrole 組合 self\nrole 他機関\nrole 受領者\nrole NW carrier\n\
             category 個人\ncategory 特定 mynumber\ncategory 課税 in 特定\nsection \"o\" {\n",
        );
        for i in 0..n {
            src += &match (i, shape) {
                (0, _) => "purpose P0\n".to_string(),
                (_, Shape::Tree) => format!("purpose P{i} in P{}\n", (i - 1) / 2),
                _ => format!("purpose P{i} in P{}\n", i - 1),
            };
        }
        let order: Vec<usize> = match shape {
            Shape::ChainBottomUp => (0..n).rev().collect(),
            _ => (0..n).collect(),
        };
        for i in &order {
            src += &format!("allow 組合 -> 受領者 : 個人 for P{i}\n");
        }
        src += "}\nsection \"m\" mynumber {\n";
        for i in &order {
            src += &format!("allow 他機関 -> 組合 : 課税 for P{i} via NW\n");
        }
        rulebook(&(src + "}\n"))
    }

    /// The rules weighed by a verdict of each kind for each purpose of
    /// [`crossrules`].
    fn weighed_across(n: usize, shape: Shape) -> u64 {
        let rb = crossrules(n, shape);
        let mut lists = RuleLists::new(&rb);
        let r = |x: &str| rb.role_named(x).unwrap();
        let (kojin, kazei) = (
            rb.category_named("個人").unwrap(),
            rb.category_named("課税").unwrap(),
        );
        for i in 0..n {
            let p = rb.purpose_named(&format!("P{i}")).unwrap();
            let v = evaluate_provision_in(&mut lists, r("組合"), r("受領者"), kojin, p, &[]);
            assert_eq!(
                v,
                evaluate_provision(&rb, r("組合"), r("受領者"), kojin, p, &[])
            );
            assert!(matches!(v, ProvisionVerdict::Allowed(_)), "{v:?}");
            let passed = [r("NW")];
            let v = evaluate_exchange_in(&mut lists, r("他機関"), r("組合"), kazei, p, &passed);
            assert_eq!(
                v,
                evaluate_exchange(&rb, r("他機関"), r("組合"), kazei, p, &passed)
            );
            assert!(matches!(v, MyNumberVerdict::Allowed(_)), "{v:?}");
        }
        lists.weighed
    }

    #[test]
    fn verdicts_of_distinct_keys_weigh_a_linear_number_of_rules() {
        for n in [200, 400] {
            let rb = wide(n);
            let mut lists = RuleLists::new(&rb);
            let r = |x: &str| rb.role_named(x).unwrap();
            let (kojin, kazei) = (
                rb.category_named("個人").unwrap(),
                rb.category_named("課税").unwrap(),
            );
            let px = rb.purpose_named("PX").unwrap();
            for i in 0..n {
                let to = r(&format!("R{i}"));
                let v = evaluate_provision_in(&mut lists, r("組合"), to, kojin, px, &[]);
                assert!(matches!(v, ProvisionVerdict::Allowed(_)), "{v:?}");
                let q = rb.purpose_named(&format!("Q{i}")).unwrap();
                let v =
                    evaluate_exchange_in(&mut lists, r("他機関"), r("組合"), kazei, q, &[r("NW")]);
                assert_eq!(v, MyNumberVerdict::Allowed(RuleId::new((n + i) as u32)));
            }
            // A few rules per verdict, not the n of the purpose or category.
            assert!(lists.weighed <= 8 * n as u64, "{n}: {}", lists.weighed);
        }
        // Nested purposes, each a rule's: twice the purposes, twice the
        // rules weighed (each verdict weighs a few, not the rules of its
        // purpose's ancestors). On a balanced tree a purpose with fewer
        // than `INDEXED_FROM` rules weighs them all: its depth, n·log n.
        for (shape, most) in [
            (Shape::Chain, 2.05),
            (Shape::ChainBottomUp, 2.05),
            (Shape::Tree, 2.3),
        ] {
            let (one, two) = (weighed_across(300, shape), weighed_across(600, shape));
            assert!(
                two as f64 <= most * one as f64,
                "{shape:?}: {one} then {two}"
            );
            assert!(two <= 12 * 600, "{shape:?}: {two}");
        }
    }

    /// A rulebook of `rules` rules drawn by `seed` over small trees of
    /// roles, categories and purposes.
    fn drawn(seed: u64, rules: usize) -> Rulebook {
        let mut state = seed;
        let mut next = |below: usize| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 33) as usize) % below
        };
        let mut src = String::from(
            "rulebook t\nrole S self\nrole NW carrier\nrole NW2 carrier in NW\n\
             category O0\ncategory M0 mynumber\n",
        );
        for i in 0..8 {
            let up = match next(3) {
                0 => String::new(),
                _ => format!(" in R{}", next(i.max(1))),
            };
            src += &match i {
                0 => "role R0\n".to_string(),
                _ => format!("role R{i}{up}\n"),
            };
        }
        for i in 1..4 {
            src += &format!("category O{i} in O{}\n", next(i));
            src += &format!("category M{i} mynumber in M{}\n", next(i));
        }
        src += "section \"p\" {\n";
        for i in 0..12 {
            src += &match i {
                0 => "purpose P0\n".to_string(),
                _ if next(4) == 0 => format!("purpose P{i}\n"),
                _ => format!("purpose P{i} in P{}\n", next(i)),
            };
        }
        src += "}\n";
        let role = |n: usize| match n {
            0 => "S".to_string(),
            n => format!("R{}", n - 1),
        };
        for i in 0..rules {
            let mynumber = next(2) == 0;
            src += &format!(
                "section \"s{i}\"{} {{\nallow {} -> {} : {}{}",
                if mynumber { " mynumber" } else { "" },
                role(next(9)),
                role(next(9)),
                if mynumber { "M" } else { "O" },
                next(4)
            );
            for _ in 0..next(3) {
                src += &format!(", {}{}", if mynumber { "M" } else { "O" }, next(4));
            }
            let purposes: Vec<String> = (0..next(3)).map(|_| format!("P{}", next(12))).collect();
            if !purposes.is_empty() {
                src += &format!(" for {}", purposes.join(", "));
            }
            src += match next(4) {
                0 => " via NW",
                1 => " via NW2",
                _ => "",
            };
            src += "\n}\n";
        }
        let p = parse(FileId(0), &src);
        let mut d = Vec::new();
        crate::resolve::resolve_rulebook(FileId(0), &p.file, &mut d)
    }

    #[test]
    fn verdicts_through_the_index_are_those_of_weighing_every_rule() {
        for seed in 0..6 {
            let rb = drawn(seed, 120);
            let (mut lists, mut weighed_all) = (RuleLists::new(&rb), 0);
            let roles: Vec<RoleId> = (0..rb.roles.len() as u32).map(RoleId::new).collect();
            let r = |x: &str| rb.role_named(x).unwrap();
            let passed: [Vec<RoleId>; 4] = [
                vec![],
                vec![r("NW")],
                vec![r("NW2")],
                vec![r("NW"), r("R1")],
            ];
            for &from in &roles {
                for &to in &roles {
                    for c in 0..rb.categories.len() as u32 {
                        for p in 0..rb.purposes.len() as u32 {
                            let (c, p) = (CategoryId::new(c), PurposeId::new(p));
                            for passed in &passed {
                                let mut one = RuleLists::for_one(&rb);
                                assert_eq!(
                                    evaluate_exchange_in(&mut lists, from, to, c, p, passed),
                                    evaluate_exchange_in(&mut one, from, to, c, p, passed),
                                    "{seed}: {from:?} {to:?} {c:?} {p:?} {passed:?}"
                                );
                                assert_eq!(
                                    evaluate_provision_in(&mut lists, from, to, c, p, passed),
                                    evaluate_provision_in(&mut one, from, to, c, p, passed),
                                    "{seed}: {from:?} {to:?} {c:?} {p:?} {passed:?}"
                                );
                                weighed_all += one.weighed;
                            }
                        }
                    }
                }
            }
            // The index was used (on refusals it weighs rules besides
            // those the verdict weighs after it, as the walk did).
            assert!(lists.mynumber.is_some() && lists.ordinary.is_some());
            assert!(weighed_all > 0, "{seed}");
        }
    }

    #[test]
    fn refusals_of_one_list_share_it() {
        let rb = wide(50);
        let mut lists = RuleLists::new(&rb);
        let r = |x: &str| rb.role_named(x).unwrap();
        let kojin = rb.category_named("個人").unwrap();
        let px = rb.purpose_named("PX").unwrap();
        let kazei = rb.category_named("課税").unwrap();
        let q0 = rb.purpose_named("Q0").unwrap();
        let mut provision = || evaluate_provision_in(&mut lists, r("組合"), r("Z"), kojin, px, &[]);
        let (a, b) = (provision(), provision());
        let (
            ProvisionVerdict::Refused(crate::checks::ProvisionRefusal::OtherReceivers(a)),
            ProvisionVerdict::Refused(crate::checks::ProvisionRefusal::OtherReceivers(b)),
        ) = (a, b)
        else {
            panic!("MN203 expected");
        };
        assert_eq!(a.len(), 50);
        assert!(Arc::ptr_eq(&a, &b), "one list, not a copy per verdict");
        let mut exchange = || evaluate_exchange_in(&mut lists, r("Z"), r("組合"), kazei, q0, &[]);
        let (a, b) = (exchange(), exchange());
        let (
            MyNumberVerdict::Refused(crate::checks::MyNumberRefusal::WrongParties(a)),
            MyNumberVerdict::Refused(crate::checks::MyNumberRefusal::WrongParties(b)),
        ) = (a, b)
        else {
            panic!("MN105 expected");
        };
        assert_eq!(a.len(), 50);
        assert!(Arc::ptr_eq(&a, &b), "one list, not a copy per verdict");
    }
}
