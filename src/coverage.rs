//! Rule coverage: which `allow` rules of a rulebook the designs exercise,
//! and which none does.
//!
//! A rule is exercised by an end-to-end exchange whose verdict is
//! `Allowed(rule)`. The verdicts are the checks' own:
//! - 特定個人情報: [`checks::mynumber_verdicts`] (what MN1xx judges);
//! - ordinary data the society provides: [`checks::provision_verdicts`]
//!   (what MN202/MN203 judge);
//! - ordinary data between other parties, or received by the society (such
//!   as `allow 医療機関 -> 組合` or `allow オンライン資格確認等システム -> 組合`):
//!   no check needs a rule for these, so they are measured with the same
//!   [`checks::evaluate_provision`], and a matching rule counts as exercised.
//!
//! An exchange a rule allows that `check` rejects all the same exercises
//! no rule: entrusting to a contractor not registered for the purpose
//! (MN301), or a contractor passing the data on to a party without standing
//! (MN302). The verdicts do not see these; the delegation checks' own
//! findings say which exchanges they are: those the check made, when the
//! session kept them ([`Computed::refused`]), else
//! [`checks::delegation_findings`] judged again.
//!
//! Internal use (self → self) exercises no rule. An exchange is attributed
//! to the flow statement of its last hop, the one its findings would be
//! reported on.

use crate::checks::{self, Computed, MyNumberVerdict, ProvisionVerdict, evaluate_provision};
use crate::graph::{Exchange, FlowGraph};
use crate::merged::Ids;
use crate::model::*;
use crate::session::Analysis;
use crate::source::SourceMap;
use crate::span::{FileId, Span};
use rayon::prelude::*;
use std::borrow::Cow;
use std::sync::Arc;

/// How many rules there are and how many are exercised.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Rules counted.
    pub rules: usize,
    /// Of those, rules some flow exercises.
    pub exercised: usize,
}

impl Tally {
    /// Exercised rules as a percentage of rules (None when there are none).
    pub fn percent(&self) -> Option<f64> {
        (self.rules > 0).then(|| self.exercised as f64 * 100.0 / self.rules as f64)
    }
}

impl std::ops::Add for Tally {
    type Output = Tally;

    fn add(self, other: Tally) -> Tally {
        Tally {
            rules: self.rules + other.rules,
            exercised: self.exercised + other.exercised,
        }
    }
}

/// The coverage of one rulebook by the designs checked against it.
#[derive(Clone, Debug)]
pub struct Coverage {
    /// The rulebook.
    pub rulebook: Arc<Rulebook>,
    /// The designs measured, in the order they were added.
    pub designs: Vec<FileId>,
    /// For each rule (by index), the flow statements that exercise it,
    /// sorted by file and position.
    uses: Vec<Vec<Span>>,
    /// The rulebook's file in the source map the coverage is shown
    /// against: the rulebook's own, until [`Coverage::rename`] moves it
    /// to a map several sessions' files were joined in.
    file: FileId,
}

/// The rules a design's exchanges are allowed by, each with the span of
/// the flow statement (its last hop) that exercises it. In exchange order;
/// may repeat.
pub fn exercised_rules(design: &Design, graph: &FlowGraph) -> Vec<(RuleId, Span)> {
    exercised_rules_judged(design, graph, None, false)
}

/// Designs with fewer exchanges are measured on one thread.
const PARALLEL_EXCHANGES: usize = 20_000;

/// [`exercised_rules`], with the verdicts the checks gave (`computed`,
/// when the session kept them) rather than judging every exchange again,
/// on every core when `par` (the tests compare every way on every shape).
#[doc(hidden)]
pub fn exercised_rules_judged(
    design: &Design,
    graph: &FlowGraph,
    computed: Option<&Computed>,
    par: bool,
) -> Vec<(RuleId, Span)> {
    let Some(rb) = design.rulebook.as_deref() else {
        return Vec::new();
    };
    let at = |i: usize| {
        let t = graph.transfer(graph.exchanges[i].last());
        design.flow(t.flow).span
    };
    let (mynumber, provisions) = match computed {
        Some(c) => (Cow::Borrowed(&c.mynumber), Cow::Borrowed(&c.provisions)),
        None => {
            let mynumber = || checks::mynumber_verdicts(design, graph);
            let provisions = || checks::provision_verdicts(design, graph);
            let (m, p) = if par {
                rayon::join(mynumber, provisions)
            } else {
                (mynumber(), provisions())
            };
            (Cow::Owned(m), Cow::Owned(p))
        }
    };
    // The exchanges MN301 and MN302 reject: those the check's findings
    // reported, when it kept them, else judged here.
    let refused = match computed.and_then(|c| c.refused.as_ref()) {
        Some(refused) => Cow::Borrowed(refused),
        None => Cow::Owned(checks::delegation_refusals(&checks::delegation_findings(
            design,
            graph,
            &mynumber,
            &provisions,
        ))),
    };
    let lawful = |i: usize| {
        let ex = &graph.exchanges[i];
        refused.is_empty()
            || ex
                .payload
                .1
                .is_none_or(|p| !refused.contains(&(ex.last(), ex.receiver, p)))
    };
    let mut out = Vec::new();
    for (i, v) in mynumber.iter() {
        if let MyNumberVerdict::Allowed(r) = v
            && lawful(*i)
        {
            out.push((*r, at(*i)));
        }
    }
    // Which exchanges the provisions judged, by index (not hashed: one
    // look-up per exchange).
    let mut judged = vec![false; graph.exchanges.len()];
    for (i, v) in provisions.iter() {
        if let Some(j) = judged.get_mut(*i) {
            *j = true;
        }
        if let ProvisionVerdict::Allowed(r) = v
            && lawful(*i)
        {
            out.push((*r, at(*i)));
        }
    }
    let actors = ActorTable::of(design);
    let role = |a: ActorId| actors.role(a);
    let other = |(i, ex): (usize, &Exchange)| -> Option<(RuleId, Span)> {
        if judged[i] {
            return None;
        }
        let (item, Some(purpose)) = ex.payload else {
            return None;
        };
        if design.is_mynumber(item) {
            return None;
        }
        let (Some(from), Some(to), Some(category)) = (
            role(ex.sender),
            role(ex.receiver),
            design.item(item).category.id,
        ) else {
            return None;
        };
        if rb.role(from).kind == RoleKind::SelfOrg && rb.role(to).kind == RoleKind::SelfOrg {
            return None; // internal use
        }
        match evaluate_provision(rb, from, to, category, purpose, &ex.passed) {
            ProvisionVerdict::Allowed(r) if lawful(i) => Some((r, at(i))),
            _ => None,
        }
    };
    // In exchange order either way (rayon's collect keeps it).
    if par {
        let found: Vec<(RuleId, Span)> = graph
            .exchanges
            .par_iter()
            .enumerate()
            .filter_map(other)
            .collect();
        out.extend(found);
    } else {
        out.extend(graph.exchanges.iter().enumerate().filter_map(other));
    }
    out
}

impl Coverage {
    /// The coverage of a rulebook by no design yet.
    pub fn new(rulebook: Arc<Rulebook>) -> Coverage {
        let uses = vec![Vec::new(); rulebook.rules.len()];
        let file = rulebook.file;
        Coverage {
            rulebook,
            designs: Vec::new(),
            uses,
            file,
        }
    }

    /// The rulebook's file, in the map the coverage is shown against.
    pub fn file(&self) -> FileId {
        self.file
    }

    /// Where a rule is written, in the map the coverage is shown against.
    pub fn rule_span(&self, rule: RuleId) -> Span {
        Span {
            file: self.file,
            ..self.rulebook.rule(rule).span
        }
    }

    /// Moves every file the coverage names (its rulebook's, its designs',
    /// its flows') to a map its session's files were joined into.
    pub fn rename(&mut self, ids: &Ids) {
        self.file = ids.file(self.file);
        for d in &mut self.designs {
            *d = ids.file(*d);
        }
        for u in &mut self.uses {
            for span in u.iter_mut() {
                *span = ids.span(*span);
            }
        }
    }

    /// Adds a design checked against this rulebook.
    pub fn add(&mut self, design: &Design, graph: &FlowGraph) {
        self.add_unsorted(design, graph, None);
        self.sort_uses();
    }

    /// [`Coverage::add`], with the verdicts the checks gave, if kept, and
    /// the uses left in the order found: [`Coverage::sort_uses`] puts them
    /// in order once every design is added. Sorted after each design, the
    /// lists of 1 700 designs sharing a rulebook were sorted again 1 700
    /// times as they grew (0.64 s of 1.35 at a million flows).
    fn add_unsorted(&mut self, design: &Design, graph: &FlowGraph, computed: Option<&Computed>) {
        self.designs.push(design.file);
        let par = graph.exchanges.len() >= PARALLEL_EXCHANGES;
        for (rule, span) in exercised_rules_judged(design, graph, computed, par) {
            if let Some(u) = self.uses.get_mut(rule.index()) {
                u.push(span);
            }
        }
    }

    /// Puts each rule's uses in order, each once.
    fn sort_uses(&mut self) {
        for u in &mut self.uses {
            u.sort();
            u.dedup();
        }
    }

    /// The coverage of each rulebook the analyses were checked against, in
    /// order of first use. Designs whose rulebook could not be loaded are
    /// left out.
    pub fn compute<'a>(analyses: impl IntoIterator<Item = &'a Analysis>) -> Vec<Coverage> {
        let mut out: Vec<Coverage> = Vec::new();
        for a in analyses {
            let Some(rb) = &a.design.rulebook else {
                continue;
            };
            let i = match out.iter().position(|c| Arc::ptr_eq(&c.rulebook, rb)) {
                Some(i) => i,
                None => {
                    out.push(Coverage::new(rb.clone()));
                    out.len() - 1
                }
            };
            out[i].add_unsorted(&a.design, &a.graph, a.computed.as_ref());
        }
        for c in &mut out {
            c.sort_uses();
        }
        out
    }

    /// The flow statements that exercise a rule.
    pub fn uses(&self, rule: RuleId) -> &[Span] {
        self.uses.get(rule.index()).map_or(&[], |u| u.as_slice())
    }

    /// Does some flow exercise the rule?
    pub fn is_exercised(&self, rule: RuleId) -> bool {
        !self.uses(rule).is_empty()
    }

    fn tally(&self, keep: impl Fn(RuleId) -> bool) -> Tally {
        let ids = (0..self.rulebook.rules.len()).map(|i| RuleId::new(i as u32));
        ids.filter(|r| keep(*r))
            .fold(Tally::default(), |t, r| Tally {
                rules: t.rules + 1,
                exercised: t.exercised + usize::from(self.is_exercised(r)),
            })
    }

    /// Every rule.
    pub fn total(&self) -> Tally {
        self.tally(|_| true)
    }

    /// The rules of mynumber sections.
    pub fn mynumber(&self) -> Tally {
        self.tally(|r| self.rulebook.rule_is_mynumber(r))
    }

    /// The rules of mynumber sections that no flow exercises, in rulebook order.
    pub fn unexercised_mynumber(&self) -> Vec<RuleId> {
        (0..self.rulebook.rules.len())
            .map(|i| RuleId::new(i as u32))
            .filter(|r| self.rulebook.rule_is_mynumber(*r) && !self.is_exercised(*r))
            .collect()
    }
}

/// The coverages of several sessions (a run whose designs follow
/// different `mynaflow.toml` files checks each group in a session of its
/// own), each [`Coverage::rename`]d to the one map `sources` joins their
/// files in, as one run's: the coverage of one rulebook is the union over
/// every design that uses it, whatever session checked it. A rulebook is
/// the same when it is the same file in `sources`, or was read from the
/// same file with the same text (two designs' `use` may spell its path
/// otherwise). The designs of each are in the order `order` gives them
/// (where each comes in the run), and the rulebooks in the order of their
/// first design, as one session gives them.
pub fn join(
    coverages: impl IntoIterator<Item = Coverage>,
    sources: &SourceMap,
    order: impl Fn(FileId) -> usize,
) -> Vec<Coverage> {
    let read_from = |f: FileId| sources.get(f).path().map(crate::input::resolved);
    let same = |a: &Coverage, b: &Coverage| {
        a.file == b.file
            || (a.rulebook.rules.len() == b.rulebook.rules.len()
                && read_from(a.file).is_some_and(|p| Some(p) == read_from(b.file))
                && sources.get(a.file).text == sources.get(b.file).text)
    };
    let mut out: Vec<Coverage> = Vec::new();
    for c in coverages {
        match out.iter_mut().find(|o| same(o, &c)) {
            Some(o) => {
                o.designs.extend(c.designs);
                for (mine, theirs) in o.uses.iter_mut().zip(c.uses) {
                    mine.extend(theirs);
                }
            }
            None => out.push(c),
        }
    }
    for c in &mut out {
        c.designs.sort_by_key(|&d| order(d));
        c.designs.dedup();
        for u in &mut c.uses {
            u.sort_by_key(|&span| (order(span.file), span));
            u.dedup();
        }
    }
    out.sort_by_key(|c| c.designs.first().map_or(usize::MAX, |&d| order(d)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::{RulebookSource, Session};

    /// A session keeping what its checks computed hands coverage the
    /// exchanges MN301 and MN302 reported, the same the delegation checks
    /// judged again say; coverage from them is coverage judged afresh.
    #[test]
    fn the_checks_refusals_are_those_judged_again() {
        let design = "use \"kenpo\"\n\
                      actor 適用 : 組合\n\
                      actor 謎社 : 委託先 \"株式会社謎\"\n\
                      actor 大和 : 委託先 \"株式会社大和総研\"\n\
                      actor 市 : 他機関\n\
                      data 資格 : 資格情報\n\
                      flow 適用 -> 謎社 : 資格 for 医療費通知委託\n\
                      flow 適用 -> 大和 : 資格 for 医療費通知委託\n\
                      flow 大和 -> 市 : 資格 for 医療費通知委託\n";
        let mut s = Session::new(RulebookSource::Builtin("kenpo".into()));
        s.keep_computed = true;
        let a = (s.check_text("d.myna", design.to_string(), None).analysis).expect("a design");
        let computed = a.computed.as_ref().expect("kept");
        let kept = computed.refused.as_ref().expect("the refusals kept");
        let judged = checks::delegation_refusals(&checks::delegation_findings(
            &a.design,
            &a.graph,
            &computed.mynumber,
            &computed.provisions,
        ));
        assert_eq!(kept.len(), 2, "MN301 and MN302: {kept:?}");
        assert_eq!(*kept, judged);
        for par in [false, true] {
            assert_eq!(
                exercised_rules_judged(&a.design, &a.graph, Some(computed), par),
                exercised_rules(&a.design, &a.graph)
            );
        }
    }

    /// Two designs checked in two sessions (a run under two configs),
    /// their coverages joined in one map, are covered as one session
    /// covers both: kenpo once, each rule's flows named alike.
    #[test]
    fn two_sessions_joined_are_one_session() {
        let design = |contractor: &str| {
            format!(
                "use \"kenpo\"\nactor 適用 : 組合\nactor 社 : 委託先 \"{contractor}\"\n\
                 data 資格 : 資格情報\nflow 適用 -> 社 : 資格 for 医療費通知委託\n"
            )
        };
        let texts = [
            ("a.myna", design("株式会社大和総研")),
            ("b.myna", "use \"kenpo\"\nactor 適用 : 組合\n".to_string()),
        ];
        let fresh = || {
            let mut s = Session::new(RulebookSource::Builtin("kenpo".into()));
            s.keep_computed = true;
            s
        };
        // Each rule's flows, by file name and line, and the designs'.
        let shown = |cs: &[Coverage], sources: &SourceMap| {
            let name = |f: FileId| sources.get(f).name.clone();
            (cs.iter())
                .map(|c| {
                    let uses: Vec<Vec<(String, usize)>> = (0..c.rulebook.rules.len())
                        .map(|r| {
                            (c.uses(RuleId::new(r as u32)).iter())
                                .map(|sp| {
                                    (
                                        name(sp.file),
                                        sources.get(sp.file).line_col(sp.start as usize).0,
                                    )
                                })
                                .collect()
                        })
                        .collect();
                    let designs: Vec<String> = c.designs.iter().map(|&f| name(f)).collect();
                    (name(c.file()), designs, uses)
                })
                .collect::<Vec<_>>()
        };
        let mut one = fresh();
        let analyses: Vec<Analysis> = (texts.iter())
            .filter_map(|(n, t)| one.check_text(n, t.clone(), None).analysis)
            .collect();
        let alone = shown(&Coverage::compute(&analyses), &one.sources);
        // Two sessions: the second's files come after the first's.
        let mut merged = crate::merged::Merged::new();
        let mut all = Vec::new();
        for (n, t) in texts.iter().rev() {
            let mut s = fresh();
            let a = s.check_text(n, t.clone(), None).analysis.expect("a design");
            let ids = merged.absorb(&s.sources);
            for mut c in Coverage::compute([&a]) {
                c.rename(&ids);
                all.push(c);
            }
        }
        let name = |f: FileId| merged.sources.get(f).name.clone();
        let joined = join(all, &merged.sources, |f| usize::from(name(f) != "a.myna"));
        assert_eq!(joined.len(), 1, "kenpo once");
        assert_eq!(shown(&joined, &merged.sources), alone);
        assert!(joined[0].total().exercised > 0);
    }
}
