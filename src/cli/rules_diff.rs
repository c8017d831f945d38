//! `mynaflow rules diff OLD NEW [--impact PATH...] [--fail-on-broadening]`:
//! what a rulebook change allows or forbids, whether each section and pair
//! of roles allows the same, less or more, and which flows of a corpus
//! change verdict.

use super::output::fail_in;
use super::{FAILURE, FINDINGS, LangArg, OK, ReportFormat as Format};
use mynaflow::code::Code;
use mynaflow::model::RoleKind;
use mynaflow::model::Rulebook;
use mynaflow::render::json_pretty::Object;
use mynaflow::render::{self, Report};
use mynaflow::rulediff::effects::{Effect, Why};
use mynaflow::rulediff::gate::{self, Breadth, Gate};
use mynaflow::rulediff::witness::{self, Witness};
use mynaflow::rulediff::{self, Aspect, Change, Grant, Impact, Kind, Op, RuleDiff, Value, Verdict};
use mynaflow::session::{RulebookError, RulebookSource, Session};
use mynaflow::source::SourceMap;
use mynaflow::span::Span;
use mynaflow::text::Lang;
use serde::Serialize;
use std::fmt::Write as _;
use std::io;
use std::path::PathBuf;
use std::sync::Arc;

/// What `rules diff` was asked.
pub struct Options<'a> {
    pub old: &'a str,
    pub new: &'a str,
    pub impact: &'a [PathBuf],
    pub format: Format,
    pub lang: Option<LangArg>,
    pub fail_on_broadening: bool,
    /// Print the time of each stage to stderr.
    pub timings: bool,
}

pub fn run(o: &Options) -> u8 {
    let (old, new, impact, format) = (o.old, o.new, o.impact, o.format);
    let lang = super::lang(o.lang);
    let sources = [
        RulebookSource::named(old, None),
        RulebookSource::named(new, None),
    ];
    let mut s = Session::new(sources[0].clone());
    // The run ends with the process: a name's copy need not be counted.
    s.name_copies = mynaflow::syntax::tokens::Copies::Lasting;
    let loaded: Vec<Result<Arc<Rulebook>, RulebookError>> =
        sources.iter().map(|src| s.load_rulebook(src)).collect();
    let (Ok(old_rb), Ok(new_rb)) = (&loaded[0], &loaded[1]) else {
        let diags = s.sorted_diagnostics();
        if !diags.is_empty() {
            let report = Report {
                sources: &s.sources,
                diagnostics: &diags,
                files: s.sources.iter().count(),
                checked: &[],
                lang,
            };
            eprint!("{}", render::human::render(&report, false));
        }
        for (src, r) in sources.iter().zip(&loaded) {
            if let Err(e) = r {
                let (name, why) = (src.display(), e.words());
                fail_in(
                    lang,
                    &mynaflow::text!(
                        "cannot load the rulebook {name}: {}", why.en;
                        "ルールブック {name} を読み込めません: {}", why.ja
                    ),
                );
            }
        }
        return FAILURE;
    };
    let mut spent = std::mem::take(&mut s.timings);
    let diff = spent.time("diff", || rulediff::diff(old_rb, new_rb));
    let mut gate = match spent.time("gate", || gate::compare(old_rb, new_rb, new)) {
        Ok(gate) => gate,
        Err(why) => {
            fail_in(lang, &why);
            return FAILURE;
        }
    };
    if let Err(e) = spent.time("witnesses", || {
        witness::confirm(&mut gate, &sources[0], &sources[1])
    }) {
        fail_in(lang, &mynaflow::oserror::in_both(&e));
        return FAILURE;
    }
    let impact = if impact.is_empty() {
        None
    } else {
        match rulediff::impact_timed(&sources[0], &sources[1], impact, s.name_copies, &mut spent) {
            Ok(i) => Some(i),
            Err(e) => {
                fail_in(lang, &mynaflow::oserror::in_both(&e));
                return FAILURE;
            }
        }
    };
    let view = View {
        sources: &s.sources,
        // A path may hold any character.
        names: sources
            .each_ref()
            .map(|r| mynaflow::escape::visible_owned(r.display())),
        rulebooks: [old_rb, new_rb],
        diff: &diff,
        gate: &gate,
        impact: impact.as_ref(),
        lang,
    };
    // Written as it is drawn: the impact of a rulebook change on a large
    // corpus lists hundreds of thousands of flows (over 100 MB of JSON).
    let written = spent.time("render+write", || {
        super::stdout::write_with(|out| match format {
            Format::Human => view.write_human(out),
            Format::Json => view.write_json(out),
        })
    });
    if o.timings {
        eprint!("{}", super::timings::table(&spent, lang));
    }
    if let Err(e) = written {
        return e.fail(lang);
    }
    if o.fail_on_broadening && gate.broadens() {
        let (pairs, others) = gate.broadening();
        eprintln!(
            "mynaflow: {}",
            match lang {
                Lang::En => format!(
                    "the new rulebook allows more than the old one in {pairs} section/role pair(s) and {others} other change(s) (--fail-on-broadening)"
                ),
                Lang::Ja => format!(
                    "新しいルールブックは古いものより多くを認めます (セクションと役割の組: {pairs} 件、その他の変更: {others} 件) (--fail-on-broadening)"
                ),
            }
        );
        return FINDINGS;
    }
    OK
}

/// Everything the output shows.
struct View<'a> {
    sources: &'a SourceMap,
    names: [String; 2],
    rulebooks: [&'a Arc<Rulebook>; 2],
    diff: &'a RuleDiff,
    gate: &'a Gate,
    impact: Option<&'a Impact>,
    lang: Lang,
}

fn t(lang: Lang, en: &str, ja: &str) -> String {
    match lang {
        Lang::En => en.to_string(),
        Lang::Ja => ja.to_string(),
    }
}

fn kind_heading(kind: Kind, lang: Lang) -> String {
    let (en, ja) = match kind {
        Kind::Rulebook => ("rulebook", "ルールブック"),
        Kind::Role => ("roles", "役割"),
        Kind::Category => ("categories", "カテゴリ"),
        Kind::Section => ("sections", "セクション"),
        Kind::Purpose => ("purposes", "利用目的"),
        Kind::Allow => ("permissions (allow)", "許可 (allow)"),
        Kind::Contractor => ("contractors", "委託先"),
        Kind::Clause => ("required clauses", "契約事項"),
    };
    t(lang, en, ja)
}

fn aspect_name(aspect: Aspect, lang: Lang) -> String {
    let (en, ja) = match aspect {
        Aspect::Name => ("name", "名前"),
        Aspect::Title => ("title", "表題"),
        Aspect::Revised => ("revised", "改定日"),
        Aspect::Flag => ("flag", "種別"),
        Aspect::Parent => ("parent", "親カテゴリ"),
        Aspect::Mynumber => ("mynumber", "mynumber"),
        Aspect::Basis => ("basis", "根拠"),
        Aspect::Label => ("label", "文言"),
        Aspect::Section => ("section", "セクション"),
        Aspect::Purposes => ("purposes", "委託業務"),
        Aspect::Via => ("via", "経路"),
    };
    t(lang, en, ja)
}

fn none(lang: Lang) -> String {
    t(lang, "(none)", "(なし)")
}

/// One side of a change, as text.
fn value(v: Option<&Value>, aspect: Aspect, lang: Lang) -> String {
    match v {
        None => none(lang),
        Some(Value::Text(s)) if s.is_empty() => none(lang),
        Some(Value::Text(s)) => match aspect {
            Aspect::Title | Aspect::Basis | Aspect::Label => format!("\"{s}\""),
            _ => s.clone(),
        },
        Some(Value::Flag(b)) => match (b, lang) {
            (true, Lang::En) => "yes".into(),
            (false, Lang::En) => "no".into(),
            (true, Lang::Ja) => "あり".into(),
            (false, Lang::Ja) => "なし".into(),
        },
        Some(Value::Names(n)) if n.is_empty() => none(lang),
        Some(Value::Names(n)) => n.join(", "),
        Some(Value::Grant(g)) => g.to_allow(),
    }
}

/// A contractor's purposes before and after, as `-removed +added`.
fn names_delta(old: Option<&Value>, new: Option<&Value>) -> String {
    let list = |v: Option<&Value>| match v {
        Some(Value::Names(n)) => n.clone(),
        _ => Vec::new(),
    };
    let (o, n) = (list(old), list(new));
    let k = |s: &String| mynaflow::names::key(s);
    let mut parts: Vec<String> = o
        .iter()
        .filter(|x| !n.iter().any(|y| k(y) == k(x)))
        .map(|x| format!("-{x}"))
        .collect();
    parts.extend(
        n.iter()
            .filter(|x| !o.iter().any(|y| k(y) == k(x)))
            .map(|x| format!("+{x}")),
    );
    parts.join(" ")
}

fn breadth_name(b: Breadth, lang: Lang) -> String {
    let (en, ja) = match b {
        Breadth::Same => ("same", "変わらず"),
        Breadth::Narrower => ("narrower (allows less)", "狭まった (認める範囲が減った)"),
        Breadth::Broader => ("broader (allows more)", "広がった (認める範囲が増えた)"),
        Breadth::Both => (
            "both (allows less and more)",
            "両方 (減った範囲と増えた範囲がある)",
        ),
    };
    t(lang, en, ja)
}

/// The smallest flow for a newly allowed line, or why there is none.
fn human_witness(w: &Witness, lang: Lang, out: &mut String) {
    if w.confirmed {
        let _ = writeln!(
            out,
            "      {}",
            t(
                lang,
                "smallest flow that the new rulebook accepts and the old one rejects:",
                "新しいルールブックが認め、古いものが認めない最小のフロー:"
            )
        );
        for line in w.design.lines() {
            let _ = if line.is_empty() {
                writeln!(out)
            } else {
                writeln!(out, "        {line}")
            };
        }
        return;
    }
    let why = if !w.checked {
        t(lang, "no flow could be built", "フローを組み立てられません")
    } else if !w.new_errors.is_empty() {
        match lang {
            Lang::En => format!(
                "no flow shows it: the new rulebook rejects the smallest one too ({})",
                w.new_errors.join(", ")
            ),
            Lang::Ja => format!(
                "これを示すフローはありません: 最小のフローは新しいルールブックでも認められません ({})",
                w.new_errors.join(", ")
            ),
        }
    } else {
        t(
            lang,
            "no flow shows it: the old rulebook accepts the smallest one too",
            "これを示すフローはありません: 最小のフローは古いルールブックでも認められます",
        )
    };
    let _ = writeln!(out, "      ({why})");
    let _ = writeln!(out, "        {}", w.flow);
}

/// A role's kind as its flag is written (`(none)` for an ordinary party).
fn kind_flag(k: RoleKind, lang: Lang) -> String {
    match k {
        RoleKind::Party => t(lang, "no flag", "種別なし"),
        other => other.as_str().to_string(),
    }
}

/// What a role of kind `k` lets through or has judged, for a note on a
/// change of kind.
fn kind_meaning(k: RoleKind, lang: Lang) -> String {
    let (en, ja) = match k {
        RoleKind::Carrier => (
            "exchanges may pass through it on their way (a carrier holds nothing for its own use), and a flow to it is joined to the flows out of it",
            "交換は途中でこの役割を通れるようになり (経路は自らの用途のために保有しません)、この役割へのフローはその先のフローとつないで判定されます",
        ),
        RoleKind::SelfOrg => (
            "it is one of the society's systems: its exchanges with the others are internal use, not provision, and ordinary data it provides is judged (MN202/MN203)",
            "組合のシステムの一つになります: 他のシステムとのフローは提供ではなく内部利用となり、この役割による個人情報の提供が判定されます (MN202/MN203)",
        ),
        RoleKind::Subject => (
            "it is the person: the society's ordinary data given to it is not judged as provision (MN202), and it is no party on the way",
            "本人になります: 組合から本人への個人情報は提供として判定されず (MN202)、途中の当事者にもなりません",
        ),
        RoleKind::Contractor => (
            "it is a contractor: the contractor register applies to it (MN301–MN303), and 特定個人情報 it sends is judged by MN302, not MN101–MN105",
            "委託先になります: 委託先の登録が適用され (MN301〜MN303)、この役割が送る特定個人情報は MN101〜MN105 ではなく MN302 で判定されます",
        ),
        RoleKind::Party => (
            "it is an ordinary party: exchanges with it are provision, judged by the rules",
            "通常の当事者になります: この役割との交換は提供として規則に照らして判定されます",
        ),
    };
    t(lang, en, ja)
}

/// A change other than `allow` rules, as a heading and a note on what it
/// does to verdicts.
fn why_text(why: &Why, lang: Lang) -> (String, String) {
    let v = |s: &str| mynaflow::escape::visible(s).into_owned();
    let list = |names: &[String]| {
        let names: Vec<String> = names.iter().map(|n| v(n)).collect();
        let t = mynaflow::text::list(&names);
        match lang {
            Lang::En => t.en,
            Lang::Ja => t.ja,
        }
    };
    match (why, lang) {
        (Why::SectionMynumber { section, now: true }, Lang::En) => (
            format!("section {} is now mynumber", v(section)),
            "its rules are permissions for 特定個人情報 (番号法), which no rule of an ordinary section is".into(),
        ),
        (Why::SectionMynumber { section, now: true }, Lang::Ja) => (
            format!("セクション {} が mynumber になりました", v(section)),
            "その規則は特定個人情報 (番号法) の許可になります。通常のセクションの規則は特定個人情報を認めません".into(),
        ),
        (Why::SectionMynumber { section, now: false }, Lang::En) => (
            format!("section {} is no longer mynumber", v(section)),
            "its rules no longer allow 特定個人情報, only ordinary data".into(),
        ),
        (Why::SectionMynumber { section, now: false }, Lang::Ja) => (
            format!("セクション {} は mynumber ではなくなりました", v(section)),
            "その規則は特定個人情報を認めず、通常の個人情報だけを認めます".into(),
        ),
        (Why::CategoryMynumber { category, now: true }, Lang::En) => (
            format!("category {} is now 特定個人情報 (mynumber)", v(category)),
            "its exchanges are judged by the rules of the mynumber sections (MN101–MN105), not the ordinary ones".into(),
        ),
        (Why::CategoryMynumber { category, now: true }, Lang::Ja) => (
            format!("カテゴリ {} が特定個人情報 (mynumber) になりました", v(category)),
            "その交換は通常のセクションではなく mynumber のセクションの規則で判定されます (MN101〜MN105)".into(),
        ),
        (Why::CategoryMynumber { category, now: false }, Lang::En) => (
            format!("category {} is no longer 特定個人情報", v(category)),
            "its exchanges are judged by the rules of the ordinary sections, which judge only the society's provision: provision to the society, by a contractor, and use beyond purpose (MN402) are no longer checked".into(),
        ),
        (Why::CategoryMynumber { category, now: false }, Lang::Ja) => (
            format!("カテゴリ {} は特定個人情報ではなくなりました", v(category)),
            "その交換は通常のセクションの規則で判定され、判定されるのは組合による提供だけです。組合への提供、委託先からの提供、目的外利用 (MN402) は検査されなくなります".into(),
        ),
        (Why::RoleKind { role, old, new }, _) => (
            match lang {
                Lang::En => format!(
                    "role {} now {} (was {})",
                    v(role),
                    kind_flag(*new, lang),
                    kind_flag(*old, lang)
                ),
                Lang::Ja => format!(
                    "役割 {} の種別が {} から {} に変わりました",
                    v(role),
                    kind_flag(*old, lang),
                    kind_flag(*new, lang)
                ),
            },
            kind_meaning(*new, lang),
        ),
        (Why::Register { entry, by_role, gained, lost }, _) => {
            let who = match (by_role, lang) {
                (true, Lang::En) => format!("contractor role {}", v(entry)),
                (false, Lang::En) => format!("contractor \"{}\"", v(entry)),
                (true, Lang::Ja) => format!("委託先の役割 {}", v(entry)),
                (false, Lang::Ja) => format!("委託先{}", mynaflow::text::JaQuoted(&v(entry))),
            };
            let mut parts = Vec::new();
            if !gained.is_empty() {
                parts.push(match lang {
                    Lang::En => format!("now registered for {}", list(gained)),
                    Lang::Ja => format!("{} に新たに登録", list(gained)),
                });
            }
            if !lost.is_empty() {
                parts.push(match lang {
                    Lang::En => format!("no longer for {}", list(lost)),
                    Lang::Ja => format!("{} の登録がなくなりました", list(lost)),
                });
            }
            let sep = if lang == Lang::Ja { "、" } else { "; " };
            (
                format!("{who}: {}", parts.join(sep)),
                t(
                    lang,
                    "entrusting data for a purpose it is registered for passes MN301 and MN302; for one it is not, they report it",
                    "登録された目的での委託は MN301・MN302 で指摘されず、登録のない目的での委託は指摘されます",
                ),
            )
        }
        (Why::Clause { clause, now: false }, Lang::En) => (
            format!("clause {} is no longer required", v(clause)),
            "a contract without it passes MN303".into(),
        ),
        (Why::Clause { clause, now: false }, Lang::Ja) => (
            format!("契約事項 {} は必須ではなくなりました", v(clause)),
            "これを欠く契約も MN303 で指摘されません".into(),
        ),
        (Why::Clause { clause, now: true }, Lang::En) => (
            format!("clause {} is now required", v(clause)),
            "a contract without it is reported (MN303)".into(),
        ),
        (Why::Clause { clause, now: true }, Lang::Ja) => (
            format!("契約事項 {} が必須になりました", v(clause)),
            "これを欠く契約は指摘されます (MN303)".into(),
        ),
    }
}

/// One change other than `allow` rules: what it is, its breadth, why, and
/// a flow that shows it when one does.
fn human_effect(e: &Effect, lang: Lang, out: &mut String) {
    let (head, note) = why_text(&e.why, lang);
    let _ = writeln!(out, "  {head}: {}", breadth_name(e.breadth, lang));
    let _ = writeln!(out, "    {note}");
    if let Some(w) = &e.witness {
        human_witness(w, lang, out);
    }
}

fn verdict(v: &Verdict, lang: Lang) -> String {
    let codes: Vec<&str> = v.findings.iter().map(|(_, c)| c.as_str()).collect();
    let codes = codes.join(", ");
    match (v.checked, codes.is_empty()) {
        (true, true) => t(lang, "ok", "問題なし"),
        (true, false) => codes,
        (false, true) => t(
            lang,
            "not checked (a name it uses does not resolve)",
            "未検査 (使っている名前が解決できません)",
        ),
        (false, false) => match lang {
            Lang::En => format!("{codes} (not fully checked: a name does not resolve)"),
            Lang::Ja => format!("{codes} (名前が解決できず、検査は一部のみ)"),
        },
    }
}

/// The impact part of the human report: a heading, each flow whose
/// verdict changes (drawn on every core, written in order), a count.
fn write_human_impact(i: &Impact, lang: Lang, to: &mut dyn io::Write) -> io::Result<()> {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\n{}",
        match lang {
            Lang::En => format!(
                "impact: {} design{} and {} flow{} checked against both rulebooks",
                i.designs,
                if i.designs == 1 { "" } else { "s" },
                i.flows,
                if i.flows == 1 { "" } else { "s" }
            ),
            Lang::Ja => format!(
                "影響: 設計 {} 件、フロー {} 件を両方のルールブックで検査しました",
                i.designs, i.flows
            ),
        }
    );
    to.write_all(out.as_bytes())?;
    out.clear();
    let (before, after) = (t(lang, "before:", "変更前:"), t(lang, "after:", "変更後:"));
    render::chunked::write_ordered_text(to, &i.changed, |_, f, out| {
        let _ = writeln!(out, "  {}:{}  {}", f.file, f.line, f.flow);
        let _ = writeln!(
            out,
            "    {before} {}  {after} {}",
            verdict(&f.before, lang),
            verdict(&f.after, lang)
        );
        Ok(())
    })?;
    if i.other_findings_changed > 0 {
        let n = i.other_findings_changed;
        let _ = writeln!(
            out,
            "  {}",
            match lang {
                Lang::En => format!(
                    "note: {n} finding(s) on declarations (not flows) also differ between the two runs:"
                ),
                Lang::Ja => format!("注: フロー以外 (宣言) の指摘 {n} 件も二つの検査で異なります:"),
            }
        );
        let codes = |c: &[Code]| match c.is_empty() {
            true => t(lang, "none", "なし"),
            false => c.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", "),
        };
        for d in &i.declarations {
            let _ = writeln!(out, "  {}:{}  {}", d.file, d.line, d.text);
            let _ = writeln!(
                out,
                "    {before} {}  {after} {}",
                codes(&d.before),
                codes(&d.after)
            );
        }
        let rest = i.declarations_changed.saturating_sub(i.declarations.len());
        if rest > 0 {
            let _ = writeln!(
                out,
                "  {}",
                match lang {
                    Lang::En => format!("… and {rest} more declaration line(s)"),
                    Lang::Ja => format!("… ほか宣言 {rest} 行"),
                }
            );
        }
    }
    let n = i.changed.len();
    let _ = writeln!(
        out,
        "{}",
        match (lang, n) {
            (Lang::En, 0) => "no flow changes verdict".to_string(),
            (Lang::En, 1) => "1 flow changes verdict".to_string(),
            (Lang::En, _) => format!("{n} flows change verdict"),
            (Lang::Ja, 0) => "判定が変わるフローはありません".to_string(),
            (Lang::Ja, _) => format!("判定が変わるフロー: {n} 件"),
        }
    );
    to.write_all(out.as_bytes())
}

impl View<'_> {
    fn line(&self, span: Span) -> usize {
        self.sources.get(span.file).line_col(span.start as usize).0
    }

    /// `(old line 12, new line 14)`.
    fn place(&self, c: &Change) -> String {
        if c.kind == Kind::Rulebook {
            return String::new();
        }
        let lang = self.lang;
        let mut parts = Vec::new();
        if let Some(s) = c.old_span {
            parts.push(match lang {
                Lang::En => format!("old line {}", self.line(s)),
                Lang::Ja => format!("旧 {} 行目", self.line(s)),
            });
        }
        if let Some(s) = c.new_span {
            parts.push(match lang {
                Lang::En => format!("new line {}", self.line(s)),
                Lang::Ja => format!("新 {} 行目", self.line(s)),
            });
        }
        let sep = if lang == Lang::Ja { "、" } else { ", " };
        format!("  ({})", parts.join(sep))
    }

    fn header(&self, i: usize) -> String {
        let rb = self.rulebooks[i];
        let mut s = format!("{}  ({}", self.names[i], rb.name);
        if let Some(r) = &rb.revised {
            s.push_str(&match self.lang {
                Lang::En => format!(", revised {r}"),
                Lang::Ja => format!("、{r} 改定"),
            });
        }
        s.push(')');
        s
    }

    fn change_line(&self, c: &Change) -> String {
        let lang = self.lang;
        let body = match (c.op, c.aspect) {
            (Op::Added, _) => value(c.new.as_ref(), Aspect::Name, lang),
            (Op::Removed, _) => value(c.old.as_ref(), Aspect::Name, lang),
            (Op::Changed, Some(Aspect::Via)) => {
                let (old, new) = match (&c.old, &c.new) {
                    (Some(Value::Grant(o)), Some(Value::Grant(n))) => (o, n),
                    _ => return String::new(),
                };
                let bare = Grant {
                    via: Vec::new(),
                    ..old.clone()
                };
                let via = |g: &Grant| {
                    if g.via.is_empty() {
                        none(lang)
                    } else {
                        g.via.join(", ")
                    }
                };
                format!(
                    "{}: {} {} -> {}",
                    bare.to_allow(),
                    aspect_name(Aspect::Via, lang),
                    via(old),
                    via(new)
                )
            }
            (Op::Changed, Some(Aspect::Purposes)) => format!(
                "{}: {} {}",
                c.subject,
                aspect_name(Aspect::Purposes, lang),
                names_delta(c.old.as_ref(), c.new.as_ref())
            ),
            (Op::Changed, aspect) => {
                let aspect = aspect.unwrap_or(Aspect::Name);
                let name = match (aspect, c.kind, lang) {
                    (Aspect::Parent, Kind::Role, Lang::Ja) => "親役割".to_string(),
                    (Aspect::Parent, Kind::Purpose, Lang::Ja) => "親の利用目的".to_string(),
                    _ => aspect_name(aspect, lang),
                };
                format!(
                    "{}: {name} {} -> {}",
                    c.subject,
                    value(c.old.as_ref(), aspect, lang),
                    value(c.new.as_ref(), aspect, lang)
                )
            }
        };
        // A rulebook's names, titles and labels are input.
        mynaflow::escape::visible_owned(format!("{} {body}{}", c.op.marker(), self.place(c)))
    }

    /// The human report: the rulebooks' changes and breadth, then the
    /// impact's flows, drawn on every core and written in order.
    fn write_human(&self, to: &mut dyn io::Write) -> io::Result<()> {
        let lang = self.lang;
        let mut out = String::new();
        let _ = writeln!(out, "--- {}", self.header(0));
        let _ = writeln!(out, "+++ {}", self.header(1));
        for kind in Kind::ALL {
            let changes: Vec<&Change> = self
                .diff
                .changes
                .iter()
                .filter(|c| c.kind == kind)
                .collect();
            if changes.is_empty() {
                continue;
            }
            let _ = writeln!(out, "\n{}", kind_heading(kind, lang));
            // Purposes and permissions are grouped by section.
            let mut section: Option<&str> = None;
            for c in changes {
                let mut indent = "  ";
                if matches!(kind, Kind::Purpose | Kind::Allow) {
                    let s = c.section.as_deref().unwrap_or("");
                    if section != Some(s) {
                        let _ = writeln!(out, "  {s}");
                        section = Some(s);
                    }
                    indent = "    ";
                }
                let _ = writeln!(out, "{indent}{}", self.change_line(c));
            }
        }
        let d = self.diff;
        let (a, r, c) = (
            d.count(Op::Added),
            d.count(Op::Removed),
            d.count(Op::Changed),
        );
        let n = d.changes.len();
        let _ = writeln!(
            out,
            "\n{}",
            match (lang, n) {
                (Lang::En, 0) => "no changes".to_string(),
                (Lang::En, _) => format!(
                    "{n} change{}: {a} added, {r} removed, {c} changed",
                    if n == 1 { "" } else { "s" }
                ),
                (Lang::Ja, 0) => "変更はありません".to_string(),
                (Lang::Ja, _) => format!("変更 {n} 件 (追加 {a}、削除 {r}、変更 {c})"),
            }
        );
        self.human_gate(&mut out);
        to.write_all(out.as_bytes())?;
        match self.impact {
            Some(i) => write_human_impact(i, lang, to),
            None => Ok(()),
        }
    }

    fn human_gate(&self, out: &mut String) {
        let lang = self.lang;
        let _ = writeln!(
            out,
            "\n{}",
            t(
                lang,
                "breadth per section and pair of roles",
                "セクション・役割の組ごとの許可範囲"
            )
        );
        for p in
            self.gate.pairs.iter().filter(|p| {
                p.breadth != Breadth::Same || !p.moved.is_empty() || p.decides_no_verdict
            })
        {
            let breadth = match (p.breadth, lang) {
                (Breadth::Same, Lang::En) if p.decides_no_verdict => "same: decides no verdict (its sender is not `self`, and ordinary data is judged by rules only when a `self` role provides it; what the society receives needs only a purpose)".to_string(),
                (Breadth::Same, Lang::Ja) if p.decides_no_verdict => "変わらず: 判定には影響しません (送り手が `self` ではありません。個人情報を規則で判定するのは `self` の役割が提供する場合だけで、受け取る個人情報は利用目的だけで判定します)".to_string(),
                (Breadth::Same, Lang::En) => "same (moved from another section)".to_string(),
                (Breadth::Same, Lang::Ja) => "変わらず (他のセクションから移動)".to_string(),
                (b, _) => breadth_name(b, lang),
            };
            let _ = writeln!(out, "  {} {} -> {}: {breadth}", p.section, p.from, p.to);
            for why in &p.because {
                // A category's change is explained once, among the other
                // changes; a section's only here.
                let (head, note) = why_text(why, lang);
                let _ = match (why, lang) {
                    (Why::SectionMynumber { .. }, Lang::En) => {
                        writeln!(out, "    because {head}: {note}")
                    }
                    (Why::SectionMynumber { .. }, Lang::Ja) => {
                        writeln!(out, "    理由: {head}。{note}")
                    }
                    (_, Lang::En) => writeln!(out, "    because {head}"),
                    (_, Lang::Ja) => writeln!(out, "    理由: {head}"),
                };
            }
            for g in &p.no_longer_allowed {
                let _ = writeln!(out, "    - {}", g.to_allow());
            }
            for (g, w) in p.newly_allowed.iter().zip(&p.witnesses) {
                let _ = writeln!(out, "    + {}", g.to_allow());
                human_witness(w, lang, out);
            }
            for m in &p.moved {
                let before = m.before.join(", ");
                let _ = match lang {
                    Lang::En => writeln!(
                        out,
                        "    = {}  (allowed before by section {before}: not new)",
                        m.grant.to_allow()
                    ),
                    Lang::Ja => writeln!(
                        out,
                        "    = {}  (変更前もセクション {before} で認められていました: 新たな許可ではありません)",
                        m.grant.to_allow()
                    ),
                };
            }
        }
        let g = self.gate;
        let same = g.count(Breadth::Same);
        let (b, n, both) = (
            g.count(Breadth::Broader),
            g.count(Breadth::Narrower),
            g.count(Breadth::Both),
        );
        let shown = (g.pairs.iter())
            .any(|p| p.breadth != Breadth::Same || !p.moved.is_empty() || p.decides_no_verdict);
        let gap = if shown { "\n" } else { "" };
        let _ = writeln!(
            out,
            "{gap}{}",
            match lang {
                Lang::En => format!(
                    "{} pair{}: {b} broader, {n} narrower, {both} both, {same} same",
                    g.pairs.len(),
                    if g.pairs.len() == 1 { "" } else { "s" }
                ),
                Lang::Ja => format!(
                    "{} 組: 広がった {b}、狭まった {n}、両方 {both}、変わらず {same}",
                    g.pairs.len()
                ),
            }
        );
        self.human_others(out);
    }

    /// The changes other than `allow` rules that bear on what is allowed.
    fn human_others(&self, out: &mut String) {
        let lang = self.lang;
        if self.gate.others.is_empty() {
            return;
        }
        let _ = writeln!(
            out,
            "\n{}",
            t(
                lang,
                "other changes that bear on what is allowed",
                "許可範囲に関わるその他の変更"
            )
        );
        for e in &self.gate.others {
            human_effect(e, lang, out);
        }
        let (_, broader) = self.gate.broadening();
        let n = self.gate.others.len();
        let _ = writeln!(
            out,
            "\n{}",
            match lang {
                Lang::En => format!(
                    "{n} other change{}: {broader} allow{} more",
                    if n == 1 { "" } else { "s" },
                    if broader == 1 { "s" } else { "" }
                ),
                Lang::Ja => format!("その他の変更 {n} 件: うち {broader} 件は認める範囲が増えます"),
            }
        );
    }

    fn location(&self, span: Option<Span>) -> Option<Location> {
        let span = span?;
        let report = Report {
            sources: self.sources,
            diagnostics: &[],
            files: 0,
            checked: &[],
            lang: self.lang,
        };
        let p = report.position(span);
        Some(Location {
            file: report.file_name(span).to_string(),
            line: p.line,
            column: p.column,
            end_line: p.end_line,
            end_column: p.end_column,
        })
    }

    /// The JSON report, in serde_json's pretty layout; the impact's flows
    /// drawn on every core and written in order ([`Object::array`]).
    fn write_json(&self, to: &mut dyn io::Write) -> io::Result<()> {
        let side = |i: usize| {
            let rb = self.rulebooks[i];
            JsonRulebook {
                file: self.names[i].clone(),
                name: rb.name.clone(),
                title: rb.title.clone(),
                revised: rb.revised.clone(),
            }
        };
        let changes: Vec<JsonChange> = self
            .diff
            .changes
            .iter()
            .map(|c| JsonChange {
                kind: c.kind,
                op: c.op,
                aspect: c.aspect,
                subject: &c.subject,
                section: c.section.as_deref(),
                old: c.old.as_ref(),
                new: c.new.as_ref(),
                old_location: self.location(c.old_span),
                new_location: self.location(c.new_span),
            })
            .collect();
        let summary = JsonSummary {
            changes: self.diff.changes.len(),
            added: self.diff.count(Op::Added),
            removed: self.diff.count(Op::Removed),
            changed: self.diff.count(Op::Changed),
            flows_changed: self.impact.map(|i| i.changed.len()),
            pairs: self.gate.pairs.len(),
            broader: self.gate.count(Breadth::Broader),
            narrower: self.gate.count(Breadth::Narrower),
            both: self.gate.count(Breadth::Both),
            same: self.gate.count(Breadth::Same),
            others: self.gate.others.len(),
            others_broader: self.gate.broadening().1,
            broadens: self.gate.broadens(),
        };
        let mut o = Object::begin(&mut *to, 0)?;
        o.member("version", &1u32)?;
        o.member("old", &side(0))?;
        o.member("new", &side(1))?;
        o.member("changes", &changes)?;
        o.member("pairs", &self.gate.pairs)?;
        o.member("others", &self.gate.others)?;
        match self.impact {
            None => o.member("impact", &None::<()>)?,
            Some(i) => {
                let mut impact = o.object("impact")?;
                impact.member("designs", &i.designs)?;
                impact.member("flows", &i.flows)?;
                impact.array("changed", &i.changed, |f| JsonFlow {
                    file: &f.file,
                    line: f.line,
                    flow: &f.flow,
                    before: JsonVerdict::of(&f.before),
                    after: JsonVerdict::of(&f.after),
                })?;
                impact.member("other_findings_changed", &i.other_findings_changed)?;
                let declarations: Vec<JsonDeclaration> = (i.declarations.iter())
                    .map(|d| JsonDeclaration {
                        file: &d.file,
                        line: d.line,
                        text: &d.text,
                        before: d.before.iter().map(|c| c.as_str()).collect(),
                        after: d.after.iter().map(|c| c.as_str()).collect(),
                    })
                    .collect();
                impact.member("declarations", &declarations)?;
                impact.member("declarations_changed", &i.declarations_changed)?;
                impact.end()?;
            }
        }
        o.member("summary", &summary)?;
        o.end()?;
        to.write_all(b"\n")
    }
}

#[derive(Serialize)]
struct JsonRulebook {
    file: String,
    name: String,
    title: Option<String>,
    revised: Option<String>,
}

#[derive(Serialize)]
struct JsonChange<'a> {
    kind: Kind,
    op: Op,
    aspect: Option<Aspect>,
    subject: &'a str,
    section: Option<&'a str>,
    old: Option<&'a Value>,
    new: Option<&'a Value>,
    old_location: Option<Location>,
    new_location: Option<Location>,
}

#[derive(Serialize)]
struct Location {
    file: String,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

/// A declaration line whose findings differ, its codes before and after.
#[derive(Serialize)]
struct JsonDeclaration<'a> {
    file: &'a str,
    line: usize,
    text: &'a str,
    before: Vec<&'static str>,
    after: Vec<&'static str>,
}

#[derive(Serialize)]
struct JsonFlow<'a> {
    file: &'a str,
    line: usize,
    flow: &'a str,
    before: JsonVerdict<'a>,
    after: JsonVerdict<'a>,
}

/// A verdict as `{"checked": …, "findings": […]}`, serialized from the
/// verdict itself (hundreds of thousands of them in a large impact).
#[derive(Serialize)]
struct JsonVerdict<'a> {
    checked: bool,
    findings: JsonFindings<'a>,
}

impl<'a> JsonVerdict<'a> {
    fn of(v: &'a Verdict) -> Self {
        JsonVerdict {
            checked: v.checked,
            findings: JsonFindings(&v.findings),
        }
    }
}

/// A verdict's findings as `[{"line", "code", "severity"}…]`.
struct JsonFindings<'a>(&'a [(usize, Code)]);

impl Serialize for JsonFindings<'_> {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        ser.collect_seq(self.0.iter().map(|(line, code)| JsonFinding {
            line: *line,
            code: code.as_str(),
            severity: code.severity().as_str(),
        }))
    }
}

#[derive(Serialize)]
struct JsonFinding {
    line: usize,
    code: &'static str,
    severity: &'static str,
}

#[derive(Serialize)]
struct JsonSummary {
    changes: usize,
    added: usize,
    removed: usize,
    changed: usize,
    flows_changed: Option<usize>,
    pairs: usize,
    broader: usize,
    narrower: usize,
    both: usize,
    same: usize,
    others: usize,
    others_broader: usize,
    broadens: bool,
}
