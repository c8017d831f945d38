//! The rules a verdict weighs, found once per judging: the `mynumber`
//! rules covering a category and the ordinary rules naming a purpose are
//! listed once and shared (a refusal that names them holds the same list
//! as every other refusal of it), and an allowing rule is looked for among
//! the rules to the receiver's role or for the purpose, whichever are
//! fewer. Before, every new key rebuilt and re-weighed every rule of its
//! category or purpose: N exchanges of distinct keys against N rules
//! weighed N² rules, and each refused exchange held its own copy of an
//! N-long list (scale audit D2, D4).

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
    /// long list.
    mynumber: Option<Index>,
    /// The same of the ordinary rules.
    ordinary: Option<Index>,
    /// Rules in the lists kept ([`Self::keeps`]).
    kept: usize,
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

/// Rules of one kind by the role they go to and by each purpose they
/// name (`None`: they name none), in rulebook order.
struct Index {
    by_to: FxHashMap<RoleId, Vec<RuleId>>,
    by_purpose: FxHashMap<Option<PurposeId>, Vec<RuleId>>,
}

impl Index {
    fn of(rb: &Rulebook, mynumber: bool) -> Index {
        let mut by_to: FxHashMap<RoleId, Vec<RuleId>> = FxHashMap::default();
        let mut by_purpose: FxHashMap<Option<PurposeId>, Vec<RuleId>> = FxHashMap::default();
        for (i, r) in rb.rules.iter().enumerate() {
            let id = RuleId::new(i as u32);
            if rb.rule_is_mynumber(id) != mynumber {
                continue;
            }
            by_to.entry(r.to).or_default().push(id);
            if r.purposes.is_empty() {
                by_purpose.entry(None).or_default().push(id);
            }
            for p in &r.purposes {
                let list = by_purpose.entry(Some(*p)).or_default();
                // A rule naming a purpose twice is listed once.
                if list.last() != Some(&id) {
                    list.push(id);
                }
            }
        }
        Index { by_to, by_purpose }
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
    /// rule that fits is always among both. None when none fits, or when
    /// finding those would cost more than weighing the `all` rules the
    /// caller would weigh instead (a deep tree of roles or purposes):
    /// then the caller weighs them. `fits` must hold only of rules to a
    /// role covering `to` that allow `purpose`.
    pub(crate) fn first_fitting(
        &mut self,
        mynumber: bool,
        to: RoleId,
        purpose: PurposeId,
        all: usize,
        fits: impl Fn(RuleId) -> bool,
    ) -> Option<RuleId> {
        if !self.indexed || all < INDEXED_FROM {
            return None;
        }
        let rb = self.rb;
        let index = match mynumber {
            true => self.mynumber.get_or_insert_with(|| Index::of(rb, true)),
            false => self.ordinary.get_or_insert_with(|| Index::of(rb, false)),
        };
        let by_to = lists_within(all, &mut rb.role_ancestors(to).map(|r| index.by_to.get(&r)));
        let by_purpose = lists_within(
            all,
            &mut (rb.purpose_ancestors(purpose).map(Some).chain([None]))
                .map(|p| index.by_purpose.get(&p)),
        );
        let (spent, found) = match (by_to, by_purpose) {
            (Some(t), Some(p)) => match t.0 <= p.0 {
                true => t,
                false => p,
            },
            (Some(t), None) => t,
            (None, Some(p)) => p,
            (None, None) => return None,
        };
        self.weighed += spent as u64;
        let mut candidates: Vec<RuleId> = found.into_iter().flatten().copied().collect();
        candidates.sort_unstable();
        candidates.dedup();
        candidates.into_iter().find(|id| fits(*id))
    }
}

/// The lists of the rules under the nodes `up` a tree, and what walking
/// it cost; None once it costs more than weighing `all` rules (each walk
/// up a tree stops there: the index never makes a verdict dearer than
/// weighing every rule).
fn lists_within<'l>(
    all: usize,
    up: &mut dyn Iterator<Item = Option<&'l Vec<RuleId>>>,
) -> Option<(usize, Vec<&'l Vec<RuleId>>)> {
    let mut spent = 0;
    let mut found = Vec::new();
    for list in up {
        spent += 1 + list.map_or(0, Vec::len);
        if spent > all {
            return None;
        }
        found.extend(list);
    }
    Some((spent, found))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::exchange::{MyNumberVerdict, evaluate_exchange_in};
    use crate::checks::provision::{ProvisionVerdict, evaluate_provision_in};
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
