//! `mynaflow coverage`: rule coverage for people (grouped by section, with
//! each rule's text) and as JSON.

use super::json_pretty::Pretty;
use crate::coverage::{Coverage, Tally};
use crate::model::{RoleKind, RuleId, SectionId};
use crate::source::SourceMap;
use crate::span::{FileId, Span};
use crate::text::{Lang, Text};
use crate::withheld::Withheld;
use std::collections::HashMap;
use std::fmt::Write as _;
use unicode_width::UnicodeWidthStr;

/// Flows listed under one rule in human output before "and N more".
const LISTED: usize = 10;

/// The totals over every rulebook.
pub fn overall(coverages: &[Coverage]) -> Tally {
    coverages
        .iter()
        .fold(Tally::default(), |t, c| t + c.total())
}

fn percent(t: Tally) -> String {
    match t.percent() {
        Some(p) => format!("{}/{} ({p:.1}%)", t.exercised, t.rules),
        None => format!("{}/{} (-)", t.exercised, t.rules),
    }
}

/// A file's name as coverage shows it: `designs/../rules/r.myna`, the
/// rulebook a design in `designs/` uses, is `rules/r.myna`
/// ([`crate::input::tidy_name`]).
fn name(sources: &SourceMap, file: FileId) -> String {
    crate::input::tidy_name(&sources.get(file).name).into_owned()
}

fn location(sources: &SourceMap, span: Span) -> (String, usize) {
    let f = sources.get(span.file);
    (name(sources, span.file), f.line_col(span.start as usize).0)
}

fn rules_of(c: &Coverage, section: SectionId) -> impl Iterator<Item = RuleId> + '_ {
    c.rulebook
        .rules
        .iter()
        .enumerate()
        .filter(move |(_, r)| r.section == section)
        .map(|(i, _)| RuleId::new(i as u32))
}

/// The report for people.
pub fn human(coverages: &[Coverage], sources: &SourceMap, lang: Lang) -> String {
    let t = |en: &str, ja: &str| Text::new(en, ja).get(lang).to_string();
    let mut out = String::new();
    for (n, c) in coverages.iter().enumerate() {
        if n > 0 {
            out.push('\n');
        }
        let rb = &c.rulebook;
        let mut head = format!("{} {}", t("Rulebook", "ルールブック"), rb.name);
        if let Some(title) = &rb.title {
            let _ = write!(head, " — {title}");
        }
        if let Some(r) = &rb.revised {
            let _ = write!(head, " ({} {r})", t("revised", "改定"));
        }
        let _ = writeln!(out, "{head}");
        let designs: Vec<String> = c.designs.iter().map(|f| name(sources, *f)).collect();
        let _ = writeln!(out, "{}: {}", t("Designs", "設計"), designs.join(", "));
        for (i, s) in rb.sections.iter().enumerate() {
            let id = SectionId::new(i as u32);
            let rules: Vec<RuleId> = rules_of(c, id).collect();
            if rules.is_empty() {
                continue;
            }
            let mark = if s.mynumber { " [mynumber]" } else { "" };
            let _ = writeln!(out, "\n{}{mark} {}", s.id, s.title.as_deref().unwrap_or(""));
            for r in rules {
                let uses = c.uses(r);
                let tick = if uses.is_empty() { "✗" } else { "✓" };
                let _ = writeln!(out, "  {tick} {}", rb.rule_text(r));
                // A flow it matches is not one it allows: say so, as
                // `rules show` does.
                if rb.rule_decides_no_verdict(r) {
                    let society = (rb.roles_of_kind(RoleKind::SelfOrg).next())
                        .map_or_else(|| "`self`".to_string(), |s| rb.role(s).name.clone());
                    let _ = writeln!(
                        out,
                        "      {}",
                        t(
                            &format!(
                                "(not checked by `check`: ordinary data {society} receives needs only a purpose)"
                            ),
                            &format!(
                                "(`check` はこの規則で判定しません。{society}が受け取る個人情報は利用目的だけで判定します)"
                            )
                        )
                    );
                }
                if uses.is_empty() {
                    let _ = writeln!(
                        out,
                        "      {}",
                        t("no flow exercises it", "どのフローも使っていません")
                    );
                }
                for span in uses.iter().take(LISTED) {
                    let (file, line) = location(sources, *span);
                    let _ = writeln!(out, "      {file}:{line}");
                }
                if uses.len() > LISTED {
                    let more = uses.len() - LISTED;
                    let _ = writeln!(
                        out,
                        "      {}",
                        Text::new(format!("… and {more} more"), format!("… ほか {more} 件"))
                            .get(lang)
                    );
                }
            }
        }
        let unused = c.unexercised_mynumber();
        out.push('\n');
        if c.mynumber().rules == 0 {
            let _ = writeln!(
                out,
                "{}",
                t(
                    "The rulebook has no mynumber rules.",
                    "このルールブックに特定個人情報 (mynumber) の規則はありません。"
                )
            );
        } else if unused.is_empty() {
            let _ = writeln!(
                out,
                "{}",
                t(
                    "Every mynumber rule is exercised.",
                    "特定個人情報 (mynumber) の規則はすべて使われています。"
                )
            );
        } else {
            let _ = writeln!(
                out,
                "{}",
                t(
                    "mynumber rules no flow exercises:",
                    "どのフローも使っていない特定個人情報 (mynumber) の規則:"
                )
            );
            for r in unused {
                let section = &rb.section(rb.rule(r).section).id;
                let (file, line) = location(sources, c.rule_span(r));
                let _ = writeln!(out, "  {section} {}  ({file}:{line})", rb.rule_text(r));
            }
        }
        let (all, my) = (
            t("Rules exercised:", "使われた規則:"),
            t(
                "mynumber rules exercised:",
                "使われた特定個人情報 (mynumber) の規則:",
            ),
        );
        let width = all.width().max(my.width());
        let pad = |s: &str| format!("{s}{}", " ".repeat(width - s.width()));
        let _ = writeln!(out, "{} {}", pad(&all), percent(c.total()));
        let _ = writeln!(out, "{} {}", pad(&my), percent(c.mynumber()));
    }
    if coverages.len() > 1 {
        let _ = writeln!(
            out,
            "\n{} {}",
            t("Overall:", "全体:"),
            percent(overall(coverages))
        );
    }
    out
}

/// Two decimals: stable output for snapshots and diffs.
fn round(p: f64) -> f64 {
    (p * 100.0).round() / 100.0
}

/// The report as one JSON object:
/// `{"version":1,"rules","exercised","percent","rulebooks":[{"name","file",
/// "designs","rules","exercised","percent","mynumber":{"rules","exercised",
/// "percent"},"unexercised_mynumber":[{"section","rule","line"}],
/// "sections":[{"id","title","mynumber","basis","rules":[{"rule","line",
/// "exercised","flows":[{"file","line"}]}]}]}]}`. Percentages have two
/// decimals and are null when there are no rules.
///
/// Written by hand in serde_json's pretty layout (the bytes
/// `serde_json::to_string_pretty` gives, which a test compares): a
/// design of a million flows lists each flow under the rules it uses, and
/// serializing each through serde_json escaped its file's name again and
/// asked the formatter for every key and indent.
pub fn json(coverages: &[Coverage], sources: &SourceMap) -> String {
    let mut out = Vec::new();
    match write_json(coverages, sources, &mut out) {
        // Every piece written is UTF-8 (serde_json's strings, ASCII else).
        Ok(()) => String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        Err(e) => format!("{{\"error\":\"{e}\"}}\n"),
    }
}

/// Writes [`json`]'s report to `out`, the flows under each rule drawn on
/// every core a chunk at a time, so the document is never held whole.
pub fn write_json(
    coverages: &[Coverage],
    sources: &SourceMap,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    write_json_run(coverages, sources, None, out)
}

/// [`write_json`], with what the run withheld (`withheld`, and the
/// language of its words) as the member `withheld` before `rulebooks`,
/// in the shape `check`'s JSON gives it; only when something was
/// withheld, so that a run that withheld nothing writes what it always
/// wrote.
pub fn write_json_run(
    coverages: &[Coverage],
    sources: &SourceMap,
    withheld: Option<(&Withheld, Lang)>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
    let mut buf = Vec::new();
    let mut p = Pretty::at(&mut buf, 0);
    p.begin_object();
    p.key("version");
    p.number(1);
    tally(&mut p, overall(coverages));
    if let Some((w, lang)) = withheld {
        let mut member = Vec::new();
        super::json_pretty::value_at(&mut member, 1, &super::json::withheld(w, lang))?;
        p.key("withheld");
        p.raw(&member);
    }
    p.key("rulebooks");
    p.begin_array();
    for c in coverages {
        p.element();
        rulebook(&mut p, c, sources, &mut out)?;
    }
    p.end_array();
    p.end_object();
    p.raw(b"\n");
    p.flush_into(&mut out)?;
    std::io::Write::flush(&mut out)
}

/// `"rules", "exercised", "percent"` members of a tally.
fn tally(p: &mut Pretty, t: Tally) {
    p.key("rules");
    p.number(t.rules);
    p.key("exercised");
    p.number(t.exercised);
    p.key("percent");
    match t.percent().map(round) {
        // A number serializes; its digits are serde_json's (ryu).
        Some(v) => p.raw(serde_json::to_string(&v).unwrap_or_default().as_bytes()),
        None => p.null(),
    }
}

/// A string or `null`.
fn str_or_null(p: &mut Pretty, s: Option<&str>) {
    match s {
        Some(s) => p.str(s),
        None => p.null(),
    }
}

/// One rulebook's coverage; the flows under its rules written to `out`
/// as they are drawn.
fn rulebook<W: std::io::Write>(
    p: &mut Pretty,
    c: &Coverage,
    sources: &SourceMap,
    out: &mut W,
) -> std::io::Result<()> {
    let rb = &c.rulebook;
    let line = |r: RuleId| location(sources, c.rule_span(r)).1;
    p.begin_object();
    p.key("name");
    p.str(&rb.name);
    p.key("file");
    p.str(&name(sources, c.file()));
    p.key("designs");
    p.array_of(&c.designs, |p, f| p.str(&name(sources, *f)));
    tally(p, c.total());
    p.key("mynumber");
    p.begin_object();
    tally(p, c.mynumber());
    p.end_object();
    p.key("unexercised_mynumber");
    p.array_of(c.unexercised_mynumber(), |p, r| {
        p.begin_object();
        p.key("section");
        p.str(&rb.section(rb.rule(r).section).id);
        p.key("rule");
        p.str(&rb.rule_text(r));
        p.key("line");
        p.number(line(r));
        p.end_object();
    });
    // Each design's name, escaped once (a flow that uses a rule is in one
    // of the designs; another file's name is escaped where it is met).
    let names: HashMap<FileId, Vec<u8>> = (c.designs.iter())
        .map(|&f| {
            let json = serde_json::to_string(&name(sources, f)).unwrap_or_default();
            (f, crate::escape::json_no_legacy_command(json).into_bytes())
        })
        .collect();
    let sections = (rb.sections.iter().enumerate())
        .map(|(i, s)| (s, rules_of(c, SectionId::new(i as u32)).collect::<Vec<_>>()))
        .filter(|(_, rules)| !rules.is_empty());
    p.key("sections");
    p.begin_array();
    for (s, rules) in sections {
        p.element();
        p.begin_object();
        p.key("id");
        p.str(&s.id);
        p.key("title");
        str_or_null(p, s.title.as_deref());
        p.key("mynumber");
        p.bool(s.mynumber);
        p.key("basis");
        str_or_null(p, s.basis.as_deref());
        p.key("rules");
        p.begin_array();
        for r in rules {
            p.element();
            p.begin_object();
            p.key("rule");
            p.str(&rb.rule_text(r));
            p.key("line");
            p.number(line(r));
            p.key("exercised");
            p.bool(c.is_exercised(r));
            p.key("flows");
            p.array_drawn_apart(out, c.uses(r), |p, span| {
                let f = sources.get(span.file);
                let byte = (span.start as usize).min(f.text.len());
                p.begin_object();
                p.key("file");
                match names.get(&span.file) {
                    Some(name) => p.raw(name),
                    None => p.str(&name(sources, span.file)),
                }
                p.key("line");
                p.number(f.line_index(byte) + 1);
                p.end_object();
            })?;
            p.end_object();
        }
        p.end_array();
        p.end_object();
    }
    p.end_array();
    p.end_object();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::{Analysis, RulebookSource, Session};
    use serde::Serialize;
    use std::path::Path;

    #[derive(Serialize)]
    struct Output<'a> {
        version: u32,
        rules: usize,
        exercised: usize,
        percent: Option<f64>,
        rulebooks: Vec<JsonRulebook<'a>>,
    }

    #[derive(Serialize)]
    struct JsonTally {
        rules: usize,
        exercised: usize,
        percent: Option<f64>,
    }

    impl From<Tally> for JsonTally {
        fn from(t: Tally) -> Self {
            JsonTally {
                rules: t.rules,
                exercised: t.exercised,
                percent: t.percent().map(round),
            }
        }
    }

    #[derive(Serialize)]
    struct JsonRulebook<'a> {
        name: &'a str,
        file: String,
        designs: Vec<String>,
        rules: usize,
        exercised: usize,
        percent: Option<f64>,
        mynumber: JsonTally,
        unexercised_mynumber: Vec<JsonRuleRef<'a>>,
        sections: Vec<JsonSection<'a>>,
    }

    #[derive(Serialize)]
    struct JsonRuleRef<'a> {
        section: &'a str,
        rule: String,
        line: usize,
    }

    #[derive(Serialize)]
    struct JsonSection<'a> {
        id: &'a str,
        title: Option<&'a str>,
        mynumber: bool,
        basis: Option<&'a str>,
        rules: Vec<JsonRule>,
    }

    #[derive(Serialize)]
    struct JsonRule {
        rule: String,
        line: usize,
        exercised: bool,
        flows: Vec<JsonFlow>,
    }

    #[derive(Serialize)]
    struct JsonFlow {
        file: String,
        line: usize,
    }

    /// The JSON as serde_json wrote it before it was written by hand.
    fn serde_reference(coverages: &[Coverage], sources: &SourceMap) -> String {
        let total = overall(coverages);
        let rulebooks = coverages
            .iter()
            .map(|c| {
                let rb = &c.rulebook;
                let line = |r: RuleId| location(sources, c.rule_span(r)).1;
                let sections = rb
                    .sections
                    .iter()
                    .enumerate()
                    .filter_map(|(i, s)| {
                        let rules: Vec<JsonRule> = rules_of(c, SectionId::new(i as u32))
                            .map(|r| JsonRule {
                                rule: rb.rule_text(r),
                                line: line(r),
                                exercised: c.is_exercised(r),
                                flows: c
                                    .uses(r)
                                    .iter()
                                    .map(|span| {
                                        let (file, line) = location(sources, *span);
                                        JsonFlow { file, line }
                                    })
                                    .collect(),
                            })
                            .collect();
                        (!rules.is_empty()).then_some(JsonSection {
                            id: &s.id,
                            title: s.title.as_deref(),
                            mynumber: s.mynumber,
                            basis: s.basis.as_deref(),
                            rules,
                        })
                    })
                    .collect();
                let t = c.total();
                JsonRulebook {
                    name: &rb.name,
                    file: name(sources, c.file()),
                    designs: c.designs.iter().map(|f| name(sources, *f)).collect(),
                    rules: t.rules,
                    exercised: t.exercised,
                    percent: t.percent().map(round),
                    mynumber: c.mynumber().into(),
                    unexercised_mynumber: c
                        .unexercised_mynumber()
                        .into_iter()
                        .map(|r| JsonRuleRef {
                            section: &rb.section(rb.rule(r).section).id,
                            rule: rb.rule_text(r),
                            line: line(r),
                        })
                        .collect(),
                    sections,
                }
            })
            .collect();
        let out = Output {
            version: 1,
            rules: total.rules,
            exercised: total.exercised,
            percent: total.percent().map(round),
            rulebooks,
        };
        let s = serde_json::to_string_pretty(&out).unwrap_or_default();
        let mut s = crate::escape::json_no_legacy_command(s);
        s.push('\n');
        s
    }

    /// Designs of both societies, one rulebook with titles and bases and one
    /// without, a file whose name needs escaping, and a rulebook none of
    /// whose rules a design uses.
    #[test]
    fn the_json_is_the_bytes_serde_json_writes() {
        let mut s = Session::new(RulebookSource::Builtin("kenpo".into()));
        let mut analyses: Vec<Analysis> = Vec::new();
        for p in [
            "examples/kenpo-society.myna",
            "examples/vendor-proposal.myna",
            "tests/cases/custom/design.myna",
            "tests/cases/custom/nearest-miss.myna",
        ] {
            let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(p);
            if let Ok(c) = s.check_path(&path) {
                analyses.extend(c.analysis);
            }
        }
        // Rules used by more flows than one chunk draws (the society's
        // design again and again: its declarations are duplicates, its
        // flows count each time).
        let text = include_str!("../../examples/kenpo-society.myna").repeat(100);
        analyses.extend(
            s.check_text("a \"quoted\\ name\u{1}.myna", text, None)
                .analysis,
        );
        assert_eq!(analyses.len(), 5, "every design checked");
        let all = Coverage::compute(&analyses);
        assert!(all.len() >= 2, "two rulebooks");
        let most = (all.iter())
            .flat_map(|c| (0..c.rulebook.rules.len()).map(|r| c.uses(RuleId::new(r as u32)).len()))
            .max();
        assert!(most > Some(256), "{most:?} uses of one rule");
        assert_eq!(json(&all, &s.sources), serde_reference(&all, &s.sources));
        // A rulebook that nothing exercises, and no rulebook at all.
        let unused: Vec<Coverage> = all
            .iter()
            .map(|c| Coverage::new(c.rulebook.clone()))
            .collect();
        assert_eq!(
            json(&unused, &s.sources),
            serde_reference(&unused, &s.sources)
        );
        assert_eq!(json(&[], &s.sources), serde_reference(&[], &s.sources));
    }
}
