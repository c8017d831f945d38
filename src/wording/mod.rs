//! The wording layer: typed findings ([`crate::checks::Finding`]) into
//! diagnostics, in English and Japanese, in the design's and the rulebook's
//! own names. One module per family; this one holds what they share: names,
//! where things are written, section citations, hop labels and facts.
//!
//! Nothing here names a role, section or purpose of a particular rulebook:
//! the society is the rulebook's `self` role, sections are cited by the ids
//! the rulebook writes.

mod basis;
mod channel;
mod delegation;
mod exchange;
mod graph;
mod listed;
mod mynumber_purpose;
mod place;
mod purpose;
mod reversal;
mod route;
pub mod run;

use crate::candidates::Placed;
use crate::checks::{Finding, Trail, Witness};
use crate::diagnostic::{Diagnostic, Fact, FactValue};
use crate::graph::{FlowGraph, TransferId};
use crate::model::*;
use crate::rulecheck::Renumbered;
use crate::span::{FileId, Span};
use crate::text::JaQuoted;
use crate::text::Text;
use rayon::prelude::*;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// Each finding as its code and place (`wording/place.rs`), marked with
/// the finding it stands for: what suppressions and the cap per code read
/// ([`crate::candidates`]). [`word_pending`] words those left afterwards,
/// so the many a large design can have are never worded, nor held as
/// diagnostics.
pub fn placed(design: &Design, graph: &FlowGraph, src: &str, findings: &[Finding]) -> Vec<Placed> {
    let w = Words::new(design, graph, src);
    let place = |(i, f): (usize, &Finding)| {
        let primary = w.place(f)?;
        // Every test run checks each finding it makes: shown where placed,
        // and worded exactly when placed.
        debug_assert_eq!(
            Some(primary),
            w.word(f).map(|d| d.primary),
            "{f:?} is worded where it is placed"
        );
        Some(Placed {
            code: f.code(),
            primary,
            finding: i,
        })
    };
    if findings.len() >= crate::diagnostic::PARALLEL_DIAGNOSTICS {
        findings.par_iter().enumerate().filter_map(place).collect()
    } else {
        findings.iter().enumerate().filter_map(place).collect()
    }
}

/// What [`word_pending`] gives the diagnostics left pending.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wording {
    /// Each its finding's full wording.
    All,
    /// Each its finding's fix alone, if it has one, still pending: its
    /// words wait until the run knows whether it is shown
    /// ([`word_left`]). For `check --fix`, whose rounds read the fix of
    /// every finding and whose report shows a hundred a code.
    FixesFirst,
}

/// Gives each diagnostic left pending (a [`Placed`] finding kept) what
/// `wording` says, in place. `src` is the design's text, which the fixes
/// read (a trailing comment, its lines' ending and indentation).
pub fn word_pending(
    design: &Design,
    graph: &FlowGraph,
    src: &str,
    findings: &[Finding],
    diags: &mut [Diagnostic],
    wording: Wording,
) {
    let w = Words::new(design, graph, src);
    let finding = |d: &Diagnostic| d.pending.and_then(|i| findings.get(i));
    match wording {
        Wording::All => each(diags, |d| {
            if let Some(worded) = finding(d).and_then(|f| w.word(f)) {
                *d = worded;
            }
        }),
        Wording::FixesFirst => each(diags, |d| {
            if let Some(fix) = finding(d).and_then(|f| w.fix(f)) {
                d.fixes = vec![fix];
            }
        }),
    }
}

/// The English message of a finding, as [`word_pending`] words it: what
/// a baseline matches besides the fingerprint
/// (the baseline's `Excuses::apply`), asked of the few findings an
/// excuse may take.
pub fn message_en(
    design: &Design,
    graph: &FlowGraph,
    src: &str,
    finding: &Finding,
) -> Option<String> {
    Words::new(design, graph, src)
        .word(finding)
        .map(|d| d.message.en)
}

/// Words every diagnostic still pending, from the findings of its file
/// in `files` (its file, design, graph, text and findings): the findings a
/// run left unworded until it knew which it shows
/// ([`crate::session::Session::fixes_first`]).
pub fn word_left<'a>(
    diags: &mut [Diagnostic],
    files: impl IntoIterator<Item = (FileId, &'a Design, &'a FlowGraph, &'a str, &'a [Finding])>,
) {
    let words: HashMap<FileId, (Words, &[Finding])> = (files.into_iter())
        .map(|(file, design, graph, src, findings)| {
            (file, (Words::new(design, graph, src), findings))
        })
        .collect();
    each(diags, |d| {
        let Some(i) = d.pending else { return };
        let Some((w, findings)) = words.get(&d.primary.file) else {
            return;
        };
        // Wording is a function of the finding: the fix it words is the
        // one it was given.
        if let Some(worded) = findings.get(i).and_then(|f| w.word(f)) {
            *d = worded;
        }
    });
}

/// `f` of each diagnostic: on every core when there are many (a hundred
/// a code are worded unless every finding is asked for, by `check
/// --max-per-code 0` or `--fix`: then tens of thousands may be).
fn each(diags: &mut [Diagnostic], f: impl Fn(&mut Diagnostic) + Sync) {
    if diags.len() >= crate::diagnostic::PARALLEL_DIAGNOSTICS {
        diags.par_iter_mut().for_each(&f);
    } else {
        diags.iter_mut().for_each(f);
    }
}

/// What the wording reads: the design, its rulebook, its graph.
pub(crate) struct Words<'a> {
    pub(crate) design: &'a Design,
    pub(crate) rb: Option<&'a Rulebook>,
    pub(crate) graph: &'a FlowGraph,
    /// The design's text: where a fix that adds lines reads the line's
    /// end, its ending and the file's indentation.
    pub(crate) src: &'a str,
    /// What each section's citation has become, if a later amendment
    /// renumbered it (looked up once per section, at its first use).
    citations: Vec<OnceLock<Option<Renumbered>>>,
    /// The design's first actor of each role, by role index (built at the
    /// first fix that routes via a role: one pass over the actors, not one
    /// per finding).
    first_of_role: OnceLock<Vec<Option<ActorId>>>,
    /// The unit the design's text indents a block by (read at the first
    /// fix that writes a block's line: one scan, not one per finding).
    indent: OnceLock<&'static str>,
    /// The lists of names findings show, made at the first finding that
    /// shows each ([`Words::listed`]).
    lists: std::sync::Mutex<rustc_hash::FxHashMap<listed::ListKey, Arc<listed::Listed>>>,
    /// MN203's rule routed through each receiver's role, by list.
    routed: purpose::Routed,
    /// MN301's look-alike names and rows of the register, found once.
    register: delegation::Register,
}

impl<'a> Words<'a> {
    fn new(design: &'a Design, graph: &'a FlowGraph, src: &'a str) -> Words<'a> {
        Words {
            design,
            rb: design.rulebook.as_deref(),
            graph,
            src,
            // Looked up at a section's first finding: a design that words
            // a handful of findings asks for a handful of sections.
            citations: design.rulebook.as_deref().map_or_else(Vec::new, |rb| {
                (0..rb.sections.len()).map(|_| OnceLock::new()).collect()
            }),
            first_of_role: OnceLock::new(),
            indent: OnceLock::new(),
            lists: Default::default(),
            routed: Default::default(),
            register: Default::default(),
        }
    }

    /// The list `key`, from `make` at its first use: the findings that
    /// show one list share it, however many are worded.
    fn listed(
        &self,
        key: listed::ListKey,
        make: impl FnOnce() -> Vec<String>,
    ) -> Arc<listed::Listed> {
        // A poisoned lock only means another finding's wording panicked:
        // what it holds is still whole.
        let known = |lists: &std::sync::Mutex<_>| {
            let lists: std::sync::MutexGuard<'_, rustc_hash::FxHashMap<_, Arc<_>>> =
                lists.lock().unwrap_or_else(|e| e.into_inner());
            lists.get(&key).cloned()
        };
        if let Some(l) = known(&self.lists) {
            return l;
        }
        // Made outside the lock: findings worded on other cores wait for
        // no list but their own.
        let made = Arc::new(listed::Listed::of(make()));
        let mut lists = self.lists.lock().unwrap_or_else(|e| e.into_inner());
        Arc::clone(lists.entry(key).or_insert(made))
    }

    /// The unit the design's text indents a block by
    /// ([`crate::fix::indent_unit`]).
    fn indent_unit(&self) -> &'static str {
        self.indent
            .get_or_init(|| crate::fix::indent_unit(self.src))
    }

    /// The design's first actor of role `r`.
    fn first_actor_of(&self, r: RoleId) -> Option<ActorId> {
        let first = self.first_of_role.get_or_init(|| {
            let roles = self.rb.map_or(0, |rb| rb.roles.len());
            let mut first = vec![None; roles];
            for (i, a) in self.design.actors.iter().enumerate().rev() {
                if let Some(slot) = a.role.id.and_then(|r| first.get_mut(r.index())) {
                    *slot = Some(ActorId::new(i as u32));
                }
            }
            first
        });
        first.get(r.index()).copied().flatten()
    }

    fn word(&self, f: &Finding) -> Option<Diagnostic> {
        match f {
            Finding::NoPurpose { flow } => Some(purpose::no_purpose(self, *flow)),
            Finding::MyNumber {
                trail,
                refusal,
                witness,
            } => exchange::word(self, trail, refusal, witness)
                .map(|d| channel::with_party_out_of_turn(self, d, trail)),
            Finding::Provision { trail, refusal } => purpose::provision(self, trail, refusal)
                .map(|d| channel::with_party_out_of_turn(self, d, trail)),
            Finding::Unregistered {
                trail,
                rule,
                mynumber,
            } => delegation::unregistered(self, trail, *rule, *mynumber),
            Finding::OnwardTransfer {
                trail,
                kind,
                mynumber,
            } => delegation::onward(self, trail, *kind, *mynumber),
            Finding::MissingClauses {
                actor,
                missing,
                declared,
                mynumber,
            } => delegation::missing_clauses(self, *actor, missing, *declared, *mynumber),
            Finding::Dangling { hop, other } => graph::dangling(self, *hop, *other),
            Finding::Drift {
                trail,
                held,
                witness,
            } => graph::drift(self, trail, held, witness),
        }
        .map(|d| {
            let code = f.code();
            // Every test run checks each finding it words: its fix is the
            // one `fix` gives alone.
            debug_assert!(d.fixes.len() <= 1, "{f:?} has one fix at most");
            debug_assert_eq!(d.fixes.first(), self.fix(f).as_ref(), "{f:?}'s fix alone");
            Diagnostic {
                code,
                severity: code.severity(),
                ..d
            }
        })
    }

    /// The fix of a finding, as [`Words::word`] gives it, without its
    /// words.
    fn fix(&self, f: &Finding) -> Option<crate::fix::Fix> {
        match f {
            Finding::MyNumber {
                trail,
                refusal,
                witness,
            } => exchange::fix(self, trail, refusal, witness),
            Finding::MissingClauses { actor, missing, .. } => {
                delegation::missing_clauses_fix(self, *actor, missing)
            }
            _ => None,
        }
    }

    // ── names ──────────────────────────────────────────────────────────

    fn actor_name(&self, a: ActorId) -> &str {
        &self.design.actor(a).name
    }

    fn role_of(&self, a: ActorId) -> Option<RoleId> {
        self.design.actor(a).role.id
    }

    fn role_name(&self, r: RoleId) -> String {
        self.rb
            .map(|rb| rb.role(r).name.clone())
            .unwrap_or_default()
    }

    /// `市町村 (市区町村)`: an actor with its role, unless they are named alike.
    fn actor_with_role(&self, a: ActorId) -> String {
        match self.role_of(a).map(|r| self.role_name(r)) {
            Some(r) if r != self.actor_name(a) => format!("{} ({r})", self.actor_name(a)),
            _ => self.actor_name(a).to_string(),
        }
    }

    /// The society, as the rulebook names its `self` role.
    fn society(&self) -> String {
        self.rb
            .and_then(|rb| {
                rb.roles_of_kind(RoleKind::SelfOrg)
                    .next()
                    .map(|r| rb.role(r).name.clone())
            })
            .unwrap_or_else(|| "self".to_string())
    }

    fn item_name(&self, d: DataId) -> &str {
        &self.design.item(d).name
    }

    fn category_name(&self, d: DataId) -> String {
        match (self.rb, self.design.item(d).category.id) {
            (Some(rb), Some(c)) => rb.category(c).name.clone(),
            _ => String::new(),
        }
    }

    fn purpose_name(&self, p: PurposeId) -> String {
        self.rb
            .map(|rb| rb.purpose(p).name.clone())
            .unwrap_or_default()
    }

    // ── where things are written ──────────────────────────────────────

    fn flow_of(&self, t: TransferId) -> &Flow {
        self.design.flow(self.graph.transfer(t).flow)
    }

    /// Where a transfer's receiver is written (the sender, for the reverse
    /// of a `<->`).
    fn receiver_span(&self, t: TransferId) -> Span {
        let f = self.flow_of(t);
        if self.graph.transfer(t).reversed {
            f.from.span
        } else {
            f.to.span
        }
    }

    /// Where a transfer's sender is written.
    fn sender_span(&self, t: TransferId) -> Span {
        let f = self.flow_of(t);
        if self.graph.transfer(t).reversed {
            f.to.span
        } else {
            f.from.span
        }
    }

    /// Where purpose `p` is written on a transfer's flow.
    fn purpose_span(&self, t: TransferId, p: PurposeId) -> Span {
        let f = self.flow_of(t);
        f.purposes
            .iter()
            .find(|r| r.id == Some(p))
            .map_or(f.purposes_span(), |r| r.span)
    }

    /// Where item `d` is written on a transfer's flow.
    fn item_span(&self, t: TransferId, d: DataId) -> Span {
        let f = self.flow_of(t);
        f.items
            .iter()
            .find(|r| r.id == Some(d))
            .map_or(f.payload_span(), |r| r.span)
    }

    // ── citations ─────────────────────────────────────────────────────

    /// `section 7(1) title (basis: …)`, with the id as the rulebook writes it.
    fn section_note(&self, s: SectionId) -> Text {
        let Some(rb) = self.rb else {
            return Text::default();
        };
        let s = rb.section(s);
        let title = s
            .title
            .as_deref()
            .map(|t| format!(" {t}"))
            .unwrap_or_default();
        match &s.basis {
            Some(b) => {
                crate::text!("section {}{} (basis: {})", s.id, title, b; "{}{} (根拠: {})", s.id, title, b)
            }
            None => crate::text!("section {}{}", s.id, title; "{}{}", s.id, title),
        }
    }

    fn rule_section(&self, r: RuleId) -> Option<&Section> {
        self.rb.map(|rb| rb.section(rb.rule(r).section))
    }

    /// The rule reference of a diagnostic (section id and basis), and, when
    /// the section cites a provision a later amendment renumbered, what it
    /// is now.
    fn with_rule(&self, d: Diagnostic, r: RuleId) -> Diagnostic {
        let (Some(rb), Some(s)) = (self.rb, self.rule_section(r)) else {
            return d;
        };
        let id = rb.rule(r).section;
        let d = d
            .with_note(self.section_note(id))
            .with_rule(s.id.clone(), s.basis.clone());
        let renumbered = self.citations.get(id.index()).and_then(|c| {
            c.get_or_init(|| crate::rulecheck::section_citation(rb, id))
                .clone()
        });
        match renumbered {
            Some(n) => d.with_note(n.as_cited_by_the_notice()),
            None => d,
        }
    }

    // ── paths ─────────────────────────────────────────────────────────

    /// Labels on the earlier hops of a stitched exchange.
    fn hop_labels(&self, d: Diagnostic, trail: &Trail) -> Diagnostic {
        trail.earlier.iter().fold(d, |d, h| {
            let item = self.item_name(h.item);
            let q_item = JaQuoted(item);
            let (from, to) = (self.actor_name(h.from), self.actor_name(h.to));
            d.with_label(
                self.flow_of(h.transfer).span,
                crate::text!("`{item}` travels {from} → {to} here"; "ここで{q_item}が{from}から{to}へ渡ります"),
            )
        })
    }

    /// Numbered labels on a witness path: how the item reached the sender;
    /// when the path goes further upstream than the hops it holds, a note
    /// says where the labelled part starts.
    fn witness_labels(&self, d: Diagnostic, witness: &Witness) -> Diagnostic {
        let d = match witness.hops.first().filter(|_| witness.longer) {
            Some(h) => {
                let item = self.item_name(h.item);
                let q_item = JaQuoted(item);
                let from = self.actor_name(h.from);
                let n = witness.hops.len();
                d.with_note(crate::text!(
                    "the path by which `{item}` came goes further upstream than {from}: only its last {n} flows are labelled, numbered from {from}";
                    "{q_item}の経路は{from}よりさらに上流へ続きます。番号を付けたのは、{from}からの直近 {n} 件のフローだけです"
                ))
            }
            None => d,
        };
        witness.hops.iter().enumerate().fold(d, |d, (step, h)| {
            let n = step + 1;
            let item = self.item_name(h.item);
            let q_item = JaQuoted(item);
            let (from, to) = (self.actor_name(h.from), self.actor_name(h.to));
            let p = h.purpose.map(|p| self.purpose_name(p)).unwrap_or_default();
            let q_p = JaQuoted(&p);
            d.with_label(
                self.flow_of(h.transfer).span,
                crate::text!("({n}) `{item}` reaches {to} from {from} for `{p}`";
                             "({n}) {q_item}が{from}から{to}へ{q_p}のために渡る"),
            )
        })
    }

    fn senders_note(&self, d: Diagnostic, trail: &Trail) -> Diagnostic {
        if trail.senders > 1 {
            let n = trail.senders;
            d.with_note(
                crate::text!("{n} senders send this the same way; the first is shown";
                                     "同じ経路の送り手が {n} あります。最初のものを示しています"),
            )
        } else {
            d
        }
    }

    // ── facts ─────────────────────────────────────────────────────────

    /// The facts of an exchange: who, what, for what, through what.
    fn trail_facts(&self, trail: &Trail) -> Vec<Fact> {
        let role = |a| {
            self.role_of(a)
                .map(|r| self.role_name(r))
                .unwrap_or_default()
        };
        let mut facts = vec![
            Fact::text("sender", self.actor_name(trail.sender)),
            Fact::text("sender_role", role(trail.sender)),
            Fact::text("receiver", self.actor_name(trail.receiver)),
            Fact::text("receiver_role", role(trail.receiver)),
            Fact::text("item", self.item_name(trail.item)),
            Fact::text("category", self.category_name(trail.item)),
            Fact {
                key: "mynumber",
                value: FactValue::Flag(self.design.is_mynumber(trail.item)),
            },
            Fact::text("purpose", self.purpose_name(trail.purpose)),
            Fact {
                key: "senders",
                value: FactValue::Count(trail.senders as u64),
            },
        ];
        facts.extend(Fact::list(
            ("passed", "passed_total"),
            trail.passed.iter().map(|r| self.role_name(*r)).collect(),
        ));
        facts
    }

    /// The facts of a rule: its text, section and basis.
    fn rule_facts(&self, key: &'static str, r: RuleId) -> Vec<Fact> {
        let Some(rb) = self.rb else { return Vec::new() };
        let s = rb.section(rb.rule(r).section);
        let mut v = vec![
            Fact::text(key, rb.rule_text(r)),
            Fact::text("section", &s.id),
        ];
        if let Some(b) = &s.basis {
            v.push(Fact::text("basis", b));
        }
        v
    }
}

pub use crate::diagnostic::MAX_FACT_NAMES;

/// Names without repeats, first occurrence kept.
fn unique(items: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    items
        .into_iter()
        .filter(|s| seen.insert(s.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_fact_past_its_limit_is_cut_and_counted() {
        let names = |n: usize| (0..n).map(|i| format!("株式会社{i}")).collect::<Vec<_>>();
        let keys = ("registered_contractors", "registered_contractors_total");
        let whole = Fact::list(keys, names(MAX_FACT_NAMES));
        assert_eq!(whole.len(), 1);
        assert_eq!(whole[0].value, FactValue::List(names(MAX_FACT_NAMES)));
        let cut = Fact::list(keys, names(20_000));
        assert_eq!(cut.len(), 2);
        assert_eq!(cut[0].value, FactValue::List(names(MAX_FACT_NAMES)));
        assert_eq!(
            (cut[1].key, &cut[1].value),
            (keys.1, &FactValue::Count(20_000))
        );
    }
}
