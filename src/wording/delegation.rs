//! Wording of MN301–MN303: entrusting to contractors. For ordinary personal
//! information the notes cite the supervision duty of 個人情報保護法第25条
//! and the contract terms the rulebook requires; only where the item is
//! 特定個人情報 do they cite 番号法第10条 and 第11条.

use super::Words;
use super::listed::{ListKey, Listed};
use crate::checks::{Onward, Trail};
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Fact, FactValue};
use crate::fix::{Edit, Fix};
use crate::model::*;
use crate::resolve::{Lookalike, lookalike};
use crate::span::Span;
use crate::syntax::lexer::write_name;
use crate::text;
use crate::text::{JaQuoted, Lang, Text};
use rustc_hash::FxHashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// What MN301's findings read of the register, found once for all of
/// them: each finding scanned every entry for a look-alike name and
/// listed every entry registered for its purpose to label three, and with
/// thousands of each, findings × entries (26.6 G instructions for 2 000
/// unregistered contractors against 2 000 entries, 106 G for 4 000).
#[derive(Default)]
pub(super) struct Register {
    /// The entries by their names as a look-alike sees them.
    alike: OnceLock<Alike>,
    /// The rows of the first three entries registered for each purpose.
    rows: Mutex<FxHashMap<PurposeId, Arc<[Span]>>>,
}

/// The register's entries by legal name ([`alike_key`]): a name looks
/// like another ([`lookalike`]) only if their keys are the same, or one
/// of them holds a character the key does not stand for (`odd`).
struct Alike {
    by_key: FxHashMap<String, Vec<ContractorId>>,
    /// The entries whose names hold such a character, in register order.
    odd: Vec<ContractorId>,
}

impl Alike {
    fn of(rb: &Rulebook) -> Alike {
        let mut alike = Alike {
            by_key: FxHashMap::default(),
            odd: Vec::new(),
        };
        for (i, c) in rb.contractors.iter().enumerate() {
            let id = ContractorId::new(i as u32);
            match (c.role, odd(&c.legal_name)) {
                (Some(_), _) => {}
                (None, true) => alike.odd.push(id),
                (None, false) => {
                    (alike.by_key.entry(alike_key(&c.legal_name)).or_default()).push(id)
                }
            }
        }
        alike
    }
}

/// Does a name hold a character whose look-alikes [`alike_key`] does not
/// bring together: a spacing sound mark (`か゛` and `が`) or a Kangxi
/// radical (`⼭` and `山`), which [`lookalike`] compares in the part of
/// the names that differs, where a key of the whole name could part them?
fn odd(name: &str) -> bool {
    (name.chars()).any(|c| matches!(c, '\u{309B}' | '\u{309C}' | '\u{2E80}'..='\u{2FDF}'))
}

/// A legal name as [`lookalike`] sees it when neither name is [`odd`]:
/// canonically decomposed, variation selectors out, each dash or
/// long-vowel mark as `-` and each wave dash or tilde as `~`
/// ([`crate::names::dashes_alike`]; none of them decomposes). Names that
/// are canonically equivalent, or differ only by selectors or such marks,
/// have one key.
fn alike_key(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let drawn = name
        .chars()
        .filter(|c| !crate::escape::is_variation_selector(*c));
    drawn
        .nfd()
        .map(|c| match c {
            c if dash_like(c, '-') => '-',
            c if dash_like(c, '~') => '~',
            c => c,
        })
        .collect()
}

/// Is `c` the mark `of` or one [`crate::names::dashes_alike`] takes for it?
fn dash_like(c: char, of: char) -> bool {
    let (mut a, mut b) = ([0u8; 4], [0u8; 4]);
    c == of || crate::names::dashes_alike(c.encode_utf8(&mut a), of.encode_utf8(&mut b))
}

impl Alike {
    /// The entries whose legal names `legal` may look like, in register
    /// order: those of its key and the odd ones, or, when `legal` is odd
    /// itself, every entry registered by name.
    fn candidates(&self, rb: &Rulebook, legal: &str) -> Vec<ContractorId> {
        if odd(legal) {
            return (0..rb.contractors.len() as u32)
                .map(ContractorId::new)
                .filter(|c| rb.contractor(*c).role.is_none())
                .collect();
        }
        let same = (self.by_key.get(&alike_key(legal))).map_or(&[][..], Vec::as_slice);
        let mut ids: Vec<ContractorId> = same.iter().chain(&self.odd).copied().collect();
        ids.sort_unstable();
        ids
    }
}

/// The note that `legal`, in no entry of the register, looks like the
/// legal name of one that is: the first such entry, in register order.
fn alike_in_register(w: &Words, rb: &Rulebook, legal: &str) -> Option<Text> {
    let alike = w.register.alike.get_or_init(|| Alike::of(rb));
    (alike.candidates(rb, legal).into_iter())
        .find_map(|c| lookalike(legal, &rb.contractor(c).legal_name, Lookalike::Registered))
}

/// The rows of the first three entries registered for `purpose`, for
/// labels: made once per purpose.
fn first_rows(w: &Words, rb: &Rulebook, purpose: PurposeId) -> Arc<[Span]> {
    let known = |register: &Register| {
        let rows = register.rows.lock().unwrap_or_else(|e| e.into_inner());
        rows.get(&purpose).cloned()
    };
    if let Some(rows) = known(&w.register) {
        return rows;
    }
    let made: Arc<[Span]> = (rb.contractors_for(purpose).take(3))
        .map(|c| rb.row_for(c, purpose))
        .collect();
    let mut rows = w.register.rows.lock().unwrap_or_else(|e| e.into_inner());
    Arc::clone(rows.entry(purpose).or_insert(made))
}

/// The legal names a rulebook registers for `purpose`, in register order:
/// made once per purpose, shared by the findings that show it.
fn registered_for(w: &Words, rb: &Rulebook, purpose: PurposeId) -> Arc<Listed> {
    w.listed(ListKey::Registered(purpose), || {
        rb.contractors_for(purpose)
            .map(|c| c.legal_name.clone())
            .collect()
    })
}

/// [`registered_for`] as a reader is told: a `contractor role` entry
/// registers the actors of that role, not a company of that name.
fn registered_shown(w: &Words, rb: &Rulebook, purpose: PurposeId) -> Text {
    let shown = |lang: Lang| {
        w.listed(ListKey::RegisteredShown(purpose, lang == Lang::Ja), || {
            (rb.contractors_for(purpose))
                .map(|c| {
                    let n = &c.legal_name;
                    let n_ja = JaQuoted(n);
                    match (c.role, lang) {
                        (Some(_), Lang::En) => format!("actors of role {n}"),
                        (Some(_), Lang::Ja) => format!("役割{n_ja}のアクター"),
                        (None, _) => n.clone(),
                    }
                })
                .collect()
        })
    };
    Text::new(shown(Lang::En).text().en, shown(Lang::Ja).text().ja)
}

/// MN301: entrusting to a contractor not registered for the purpose, on
/// the offending flow.
pub(super) fn unregistered(
    w: &Words,
    trail: &Trail,
    rule: Option<RuleId>,
    mynumber: bool,
) -> Option<Diagnostic> {
    let rb = w.rb?;
    let primary = super::place::contractor(w, trail)?;
    let society = w.society();
    let actor = w.design.actor(trail.receiver);
    let legal = actor.legal_name();
    let legal_ja = JaQuoted(legal);
    let name = &actor.name;
    let p = w.purpose_name(trail.purpose);
    let p_ja = JaQuoted(&p);
    let item = w.item_name(trail.item);
    let item_ja = JaQuoted(item);
    let registered = registered_for(w, rb, trail.purpose);
    let mut d = Diagnostic::new(
        Code::MN301,
        primary,
        text!("`{item}` is entrusted for `{p}` to {name}, whose legal name `{legal}` is not a registered contractor for `{p}`";
              "{item_ja}を{p_ja}のために{name}へ委託していますが、その法人名{legal_ja}は{p_ja}の委託先として公表されていません"),
    )
    .with_primary_label(Text::new("not registered for this purpose", "この委託業務の委託先として公表されていない"))
    .with_label(actor.legal_name_span(), text!("legal name `{legal}` declared here"; "法人名{legal_ja}の宣言"));
    let by_role: Vec<ContractorId> =
        (actor.role.id).map_or_else(Vec::new, |r| rb.role_entries(r).collect());
    match rb.contractor_named(legal) {
        Some(c) => {
            let c = rb.contractor(c);
            let its: Vec<String> = c
                .purposes
                .iter()
                .map(|p| rb.purpose(*p).name.clone())
                .collect();
            let l = crate::text::list(&its);
            d = d
                .with_label(c.span, text!("`{legal}` is registered here for {}", l.en; "{legal_ja}はここで {} の委託先として登録", l.ja))
                .with_note(text!("`{legal}` is registered for: {}", l.en; "{legal_ja}の委託業務: {}", l.ja));
        }
        None if by_role.is_empty() => {
            d = d.with_note(text!("`{legal}` is not in the contractor register at all (names compare after NFKC and removal of spaces)";
                                  "{legal_ja}は委託先一覧にありません (名称は NFKC 正規化と空白の除去の後で比較されます)"));
            // A registered name that differs only by a look-alike
            // (`－` for `ー`) reads the same in the help's list: the note
            // names the characters that differ.
            if let Some(note) = alike_in_register(w, rb, legal) {
                d = d.with_note(note);
            }
        }
        None => {
            d = d.with_note(text!("`{legal}` is not in the contractor register by name (names compare after NFKC and removal of spaces)";
                                  "{legal_ja}は名称では委託先一覧にありません (名称は NFKC 正規化と空白の除去の後で比較されます)"));
        }
    }
    // A `contractor role` entry registers the actor by its role: what
    // that entry is registered for is what the actor may be entrusted.
    for c in &by_role {
        let c = rb.contractor(*c);
        let role = &c.legal_name;
        let role_ja = JaQuoted(role);
        let its: Vec<String> = (c.purposes.iter())
            .map(|p| rb.purpose(*p).name.clone())
            .collect();
        let l = crate::text::list(&its);
        d = d
            .with_label(c.span, text!("its role {role} is registered here for {}", l.en; "その役割{role_ja}はここで {} の委託先として登録", l.ja))
            .with_note(text!("its role {role} is registered for: {}", l.en; "その役割{role_ja}の委託業務: {}", l.ja));
    }
    for row in first_rows(w, rb, trail.purpose).iter() {
        d = d.with_label(
            *row,
            text!("registered for `{p}`"; "{p_ja}の委託先として登録"),
        );
    }
    d = if mynumber {
        d.with_note(text!(
            "{society} may entrust 特定個人情報 (My Number data) only within its affairs (番号法第19条第6号); it must supervise the contractor (番号法第11条), and entrusting to a company its published purposes of use do not list departs from what it published";
            "{society}は特定個人情報を事務の範囲内でのみ委託でき (番号法第19条第6号)、委託先を監督しなければなりません (番号法第11条)。利用目的の公表事項にない事業者への委託は、公表した内容から外れます"
        ))
    } else {
        d.with_note(text!(
            "entrusting within the published purposes is not provision to a third party (個人情報保護法第27条第5項第1号), but entrusting to a company the published purposes of use do not list departs from what {society} published, and {society} must still supervise it (個人情報保護法第25条)";
            "公表した利用目的の範囲内の委託は第三者提供に当たりません (個人情報保護法第27条第5項第1号)。しかし利用目的の公表事項にない事業者への委託は、{society}が公表した内容から外れます。委託先の監督義務 (個人情報保護法第25条) も変わりません"
        ))
    };
    let help = if registered.is_empty() {
        text!("no contractor is registered for `{p}`: publish one in the purposes of use (利用目的の公表) before entrusting";
              "{p_ja}の委託先は公表されていません。委託する前に委託先を利用目的の公表事項に加えてください")
    } else {
        let l = registered_shown(w, rb, trail.purpose);
        text!("contractors registered for `{p}`: {}", l.en; "{p_ja}の委託先: {}", l.ja)
    };
    d = d
        .with_help(help)
        .with_facts(w.trail_facts(trail))
        .with_facts(super::exchange::on_the_way_facts(w, trail))
        .with_facts(vec![Fact::text("contractor", legal)])
        .with_facts(registered.facts(("registered_contractors", "registered_contractors_total")));
    if let Some(r) = rule {
        d = d.with_facts(w.rule_facts("rule", r));
        if let Some(s) = w.rule_section(r) {
            d = d.with_rule(s.id.clone(), s.basis.clone());
        }
    }
    Some(w.hop_labels(d, trail))
}

/// MN302: a contractor passes data on to a party without standing, on
/// the offending flow.
pub(super) fn onward(w: &Words, trail: &Trail, kind: Onward, mynumber: bool) -> Option<Diagnostic> {
    let rb = w.rb?;
    let primary = super::place::contractor(w, trail)?;
    let society = w.society();
    let p = w.purpose_name(trail.purpose);
    let p_ja = JaQuoted(&p);
    let item = w.item_name(trail.item);
    let item_ja = JaQuoted(item);
    let (sender, receiver) = (
        w.actor_with_role(trail.sender),
        w.actor_with_role(trail.receiver),
    );
    let to = w.design.actor(trail.receiver);
    let from = w.design.actor(trail.sender);
    // In Japanese the sender is already called 委託先 and the receiver's
    // role is said once: each is named by itself after that.
    let (from_name, to_name) = (&from.name, &to.name);
    let mut d = match kind {
        Onward::Reentrusting => Diagnostic::new(
            Code::MN302,
            primary,
            text!("contractor {sender} re-entrusts `{item}` to {receiver}, which has no direct contract with {society} for `{p}` (再委託)";
                  "委託先の{from_name}が{item_ja}を{receiver}に再委託していますが、{to_name}は{p_ja}について{society}と直接の契約関係がありません"),
        )
        .with_primary_label(Text::new("re-entrusted without a direct contract", "直接の契約関係のない再委託"))
        .with_label(to.legal_name_span(), text!("legal name `{}` declared here", to.legal_name(); "法人名{}の宣言", JaQuoted(to.legal_name())))
        .with_help(text!("have {society} entrust `{p}` to {receiver} directly (and publish it as a contractor), or keep the work with {sender}";
                         "{society}が{to_name}に{p_ja}を直接委託して委託先として公表するか、作業を{from_name}の中にとどめてください")),
        Onward::Provision => Diagnostic::new(
            Code::MN302,
            primary,
            text!("contractor {sender} passes `{item}` on to {receiver}, which is not a contractor of {society}: the contract allows the data only back to {society} or to the person";
                  "委託先の{from_name}が{item_ja}を、{society}の委託先ではない{receiver}に渡しています。委託契約上、データは{society}か本人にしか渡せません"),
        )
        .with_primary_label(Text::new("provision by a contractor", "委託先による提供"))
        .with_help(text!("keep `{item}` with {sender} and {society}; if {receiver} needs it, {society} provides it under a rule that allows it";
                         "{item_ja}は{from_name}と{society}の間にとどめてください。{to_name}に必要なら、それを認める規則に基づき{society}が提供します")),
    };
    d = d.with_label(
        from.name_span,
        text!("contractor {} declared here", from.name; "委託先{}の宣言", JaQuoted(&from.name)),
    );
    let clauses = clause_summary(rb);
    d = if mynumber {
        match kind {
            Onward::Reentrusting => d.with_note(text!(
                "a contractor may re-entrust 特定個人情報 (My Number data) only with the permission of the original entruster, at every level (番号法第10条), and {society} must supervise the whole chain (番号法第11条)";
                "特定個人情報の再委託は、最初の委託者の許諾を得た場合に限られます (番号法第10条)。{society}は再委託先まで監督しなければなりません (番号法第11条)"
            )),
            Onward::Provision => d.with_note(text!(
                "特定個人情報 (My Number data) may be provided only in the cases 番号法第19条 lists; a contractor handles it only for the entrusted affairs (番号法第10条・第11条)";
                "特定個人情報の提供は番号法第19条の各号の場合に限られます。委託先は委託された事務の範囲でのみ取り扱えます (番号法第10条・第11条)"
            )),
        }
    } else {
        d.with_note(text!(
            "{society} must supervise its contractors (個人情報保護法第25条); the contract terms the rulebook requires{} forbid re-entrusting without a direct contract and use beyond the purpose",
            clauses.en;
            "{society}は委託先を監督しなければなりません (個人情報保護法第25条)。ルールブックが求める委託契約の事項{}は、直接の契約関係を伴わない再委託と目的外の利用を禁じています",
            clauses.ja
        ))
    };
    d = d
        .with_facts(w.trail_facts(trail))
        .with_facts(super::exchange::on_the_way_facts(w, trail))
        .with_facts(vec![
            Fact::text("contractor", from.legal_name()),
            Fact::text(
                "onward",
                match kind {
                    Onward::Reentrusting => "re-entrusting",
                    Onward::Provision => "provision",
                },
            ),
        ]);
    Some(w.hop_labels(d, trail))
}

/// ` (10 `clause` terms)`: how many contract terms the rulebook requires
/// (in Japanese, spaced from the particle that follows).
fn clause_summary(rb: &Rulebook) -> Text {
    match rb.clauses.len() {
        0 => Text::default(),
        n => text!(" ({n} `clause` terms)"; " ({n} 項目の `clause`) "),
    }
}

/// MN303: a contractor's contract misses required clauses.
pub(super) fn missing_clauses(
    w: &Words,
    actor: ActorId,
    missing: &[ClauseId],
    declared: bool,
    mynumber: bool,
) -> Option<Diagnostic> {
    let rb = w.rb?;
    let primary = super::place::missing_clauses(w, actor)?;
    let society = w.society();
    let a = w.design.actor(actor);
    let names: Vec<String> = missing.iter().map(|c| rb.clause(*c).name.clone()).collect();
    let l = crate::text::list(&names);
    let (n, total) = (missing.len(), rb.clauses.len());
    let message = if declared {
        text!("the contract with {} lacks required clauses: {}", a.name, l.en; "{}との委託契約に必要な事項が不足しています: {}", a.name, l.ja)
    } else {
        text!("the contract with {} declares no `clauses` block; {society} requires {total} clauses", a.name;
              "{}との委託契約に `clauses` の宣言がありません。{society}は {total} 項目を求めています", a.name)
    };
    let mut d = Diagnostic::new(Code::MN303, primary, message)
        .with_primary_label(text!("{n} of {total} clauses missing"; "{total} 項目中 {n} 項目が不足"))
        .with_note(text!(
            "{society} must supervise its contractors (個人情報保護法第25条); the rulebook's `clause` statements list the terms every contract must contain";
            "{society}は委託先を監督しなければなりません (個人情報保護法第25条)。ルールブックの `clause` が委託契約に含めるべき事項を定めています"
        ));
    if mynumber {
        d = d.with_note(Text::new(
            "this contractor handles 特定個人情報 (My Number data): the entruster must supervise it (番号法第11条), and it may re-entrust only with the original entruster's permission (番号法第10条)",
            "この委託先は特定個人情報を取り扱います。委託者は委託先を監督しなければならず (番号法第11条)、再委託には最初の委託者の許諾が必要です (番号法第10条)",
        ));
    }
    if let Some(c) = missing.first() {
        let clause = rb.clause(*c);
        d = d.with_label(
            clause.span,
            text!("required clause `{}`", clause.name; "必要な事項{}", JaQuoted(&clause.name)),
        );
    }
    // The help shows the first names only (a rulebook may require
    // thousands: every finding would carry them all); the fix adds all.
    let shown = &names[..names.len().min(crate::text::MAX_LISTED)];
    let more = crate::text::more(names.len() - shown.len());
    let (who, listed) = (write_name(&a.name), written(shown));
    d = d
        .with_help(text!("declare them: {who} {{ clauses {listed} }}{}", more.en; "次のように宣言してください: {who} {{ clauses {listed} }}{}", more.ja))
        .with_facts(vec![
            Fact::text("contractor", a.legal_name()),
            Fact {
                key: "clauses_declared",
                value: FactValue::Flag(declared),
            },
            Fact {
                key: "mynumber",
                value: FactValue::Flag(mynumber),
            },
        ])
        .with_facts(Fact::list(
            ("missing_clauses", "missing_clauses_total"),
            names.clone(),
        ));
    if let Some(fix) = clauses_fix(w, a, &names) {
        d = d.with_fix(fix);
    }
    Some(d)
}

/// MN303's fix alone, as [`missing_clauses`] gives it, without its words
/// (`check --fix` words a finding only if it is shown).
pub(super) fn missing_clauses_fix(w: &Words, actor: ActorId, missing: &[ClauseId]) -> Option<Fix> {
    let rb = w.rb?;
    super::place::missing_clauses(w, actor)?;
    let names: Vec<String> = missing.iter().map(|c| rb.clause(*c).name.clone()).collect();
    clauses_fix(w, w.design.actor(actor), &names)
}

/// `names` as a `clauses` list writes them: each quoted when it must be.
fn written(names: &[String]) -> String {
    let written: Vec<String> = names.iter().map(|n| write_name(n)).collect();
    written.join(", ")
}

/// MN303: add the clauses `names` to the contractor `a`'s `clauses`
/// block, or give it one, in the lines' own ending and indentation. No
/// comment moves: one after the declaration stays on its line, the block
/// opening before it.
fn clauses_fix(w: &Words, a: &Actor, names: &[String]) -> Option<Fix> {
    let list = written(names);
    let edits = match a.clauses.as_deref() {
        Some([.., last]) => vec![Edit {
            span: last.span.at_end(),
            content: format!(", {list}"),
        }],
        Some([]) => vec![into_empty_block(w, a, &list)?],
        None => new_block(w, a, &list)?,
    };
    Some(Fix::unsafe_(
        Text::new(
            // No aside in brackets: an editor's title adds its own.
            "add the missing clauses once the contract is confirmed to have them",
            "契約に含まれていることを確かめたうえで、不足している事項を追加する",
        ),
        edits,
    ))
}

/// Where the line holding byte `at` of `src` starts.
fn line_start(src: &str, at: usize) -> usize {
    let before = src.as_bytes().get(..at).unwrap_or_default();
    memchr::memrchr(b'\n', before).map_or(0, |i| i + 1)
}

/// The spaces and tabs that start the line at `start`.
fn indentation(src: &str, start: usize) -> &str {
    let line = src.get(start..).unwrap_or_default();
    let n = line.len() - line.trim_start_matches([' ', '\t']).len();
    line.get(..n).unwrap_or_default()
}

/// The edits that give `a`, declared without a block, one listing
/// `list`: ` {` after the declaration, and the `clauses` line and `}`
/// after the end of its line, so that a comment after it (a suppression,
/// an `# expect:`) stays on the line the statement starts on. After it on
/// its line another statement: the block on the line, ` { clauses … }`.
fn new_block(w: &Words, a: &Actor, list: &str) -> Option<Vec<Edit>> {
    let src = w.src;
    let end = a.span.end as usize;
    let rest = src.get(end..)?;
    let eol_at = end + memchr::memchr(b'\n', rest.as_bytes()).unwrap_or(rest.len());
    let line_end = match src.get(..eol_at)?.ends_with('\r') {
        true => eol_at - 1,
        false => eol_at,
    };
    let after = src.get(end..line_end)?;
    let first = line_start(src, a.span.start as usize);
    let (indent, unit, eol) = (
        indentation(src, first),
        w.indent_unit(),
        crate::fix::line_ending(src, first),
    );
    let block = format!("{eol}{indent}{unit}clauses {list}{eol}{indent}}}");
    let at = |start: usize, end: usize| Span {
        start: start as u32,
        end: end as u32,
        ..a.span
    };
    let trimmed = after.trim_start();
    Some(if trimmed.is_empty() {
        // Its white space to the line's end goes: no `}   `.
        vec![Edit {
            span: at(end, line_end),
            content: format!(" {{{block}"),
        }]
    } else if trimmed.starts_with('#') {
        vec![
            Edit {
                span: at(end, end),
                content: " {".to_string(),
            },
            Edit {
                span: at(line_end, line_end),
                content: block,
            },
        ]
    } else {
        vec![Edit {
            span: at(end, end),
            content: format!(" {{ clauses {list} }}"),
        }]
    })
}

/// The edit that lists `list` in `a`'s empty block: a line of its own
/// above a `}` that stands on one, indented a step further; else before
/// the `}` (`{ }` becomes `{ clauses … }`).
fn into_empty_block(w: &Words, a: &Actor, list: &str) -> Option<Edit> {
    let src = w.src;
    let close = (a.span.end as usize).checked_sub(1)?;
    if src.as_bytes().get(close) != Some(&b'}') {
        return None;
    }
    let start = line_start(src, close);
    let before = src.get(start..close)?;
    let (at, content) = if before.trim().is_empty() {
        let eol = crate::fix::line_ending(src, start);
        (
            start,
            format!("{before}{}clauses {list}{eol}", w.indent_unit()),
        )
    } else if before.ends_with([' ', '\t']) {
        (close, format!("clauses {list} "))
    } else {
        (close, format!(" clauses {list} "))
    };
    Some(Edit {
        span: Span {
            start: at as u32,
            end: at as u32,
            ..a.span
        },
        content,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::FileId;
    use crate::syntax::parse;

    /// A register of `names`, one entry each, for one purpose.
    fn register(names: &[String]) -> Rulebook {
        let mut src = String::from(
            "rulebook t\nrole 組合 self\nrole 委託先 contractor\nsection \"o\" { purpose PX\n}\n",
        );
        src += "contractor role 委託先 for PX\n";
        for n in names {
            src += &format!("contractor \"{n}\" for PX\n");
        }
        let p = parse(FileId(0), &src);
        let mut d = Vec::new();
        crate::resolve::resolve_rulebook(FileId(0), &p.file, &mut d)
    }

    #[test]
    fn a_look_alike_is_found_among_the_few_entries_of_its_key() {
        // Dashes, long-vowel marks, tildes, a composed and a decomposed
        // kana, variation selectors, a spacing sound mark, a radical.
        let names: Vec<String> = [
            "株式会社サーバー",
            "株式会社サーバ－",
            "株式会社〜波",
            "株式会社デ",
            "株式会社葛\u{E0100}飾",
            "株式会社か゛",
            "株式会社⼭田",
            "株式会社--",
        ]
        .iter()
        .map(|s| s.to_string())
        .chain((0..200).map(|i| format!("株式会社{i}")))
        .collect();
        let rb = register(&names);
        let alike = Alike::of(&rb);
        let every = |legal: &str| {
            (rb.contractors.iter().filter(|c| c.role.is_none()))
                .find_map(|c| lookalike(legal, &c.legal_name, Lookalike::Registered))
        };
        let asked = [
            "株式会社サーハ－",
            "株式会社サーバ—",
            "株式会社サ－バ－",
            "株式会社～波",
            "株式会社~波",
            "株式会社テ\u{3099}",
            "株式会社葛飾",
            "株式会社が",
            "株式会社山田",
            "株式会社ーー",
            "株式会社−‐",
            "株式会社12",
            "株式会社か\u{309B}",
        ];
        let mut compared = 0;
        for legal in asked {
            let candidates = alike.candidates(&rb, legal);
            compared += candidates.len();
            let found = (candidates.into_iter()).find_map(|c| {
                lookalike(legal, &rb.contractor(c).legal_name, Lookalike::Registered)
            });
            assert_eq!(found, every(legal), "{legal}");
        }
        assert!(every("株式会社サーバ—").is_some() && every("株式会社テ\u{3099}").is_some());
        // One name with a spacing mark asks every entry (209); the others
        // their key's and the three odd ones.
        assert!(compared <= 209 + 12 * 6, "{compared}");
    }
}
