//! `mynaflow coverage`: rule coverage for people (grouped by section, with
//! each rule's text) and as JSON.

use crate::coverage::{Coverage, Tally};
use crate::model::{RuleId, SectionId};
use crate::source::SourceMap;
use crate::span::Span;
use crate::text::{Lang, Text};
use serde::Serialize;
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

fn location(sources: &SourceMap, span: Span) -> (String, usize) {
    let f = sources.get(span.file);
    (f.name.clone(), f.line_col(span.start as usize).0)
}

/// A flow's file and line, as [`location`] gives them, without a copy of
/// the file's name or a count of the line's characters (a design of a
/// million flows lists each flow under the rules it uses).
fn flow_at(sources: &SourceMap, span: Span) -> JsonFlow<'_> {
    let f = sources.get(span.file);
    let byte = (span.start as usize).min(f.text.len());
    JsonFlow {
        file: &f.name,
        line: f.line_index(byte) + 1,
    }
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
        let designs: Vec<&str> = c
            .designs
            .iter()
            .map(|f| sources.get(*f).name.as_str())
            .collect();
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
                    "このルールブックに mynumber の規則はありません。"
                )
            );
        } else if unused.is_empty() {
            let _ = writeln!(
                out,
                "{}",
                t(
                    "Every mynumber rule is exercised.",
                    "mynumber の規則はすべて使われています。"
                )
            );
        } else {
            let _ = writeln!(
                out,
                "{}",
                t(
                    "mynumber rules no flow exercises:",
                    "どのフローも使っていない mynumber の規則:"
                )
            );
            for r in unused {
                let section = &rb.section(rb.rule(r).section).id;
                let (file, line) = location(sources, rb.rule(r).span);
                let _ = writeln!(out, "  {section} {}  ({file}:{line})", rb.rule_text(r));
            }
        }
        let (all, my) = (
            t("Rules exercised:", "使われた規則:"),
            t("mynumber rules exercised:", "使われた mynumber の規則:"),
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
    file: &'a str,
    designs: Vec<&'a str>,
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
    rules: Vec<JsonRule<'a>>,
}

#[derive(Serialize)]
struct JsonRule<'a> {
    rule: String,
    line: usize,
    exercised: bool,
    flows: Vec<JsonFlow<'a>>,
}

#[derive(Serialize)]
struct JsonFlow<'a> {
    file: &'a str,
    line: usize,
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
pub fn json(coverages: &[Coverage], sources: &SourceMap) -> String {
    let total = overall(coverages);
    let rulebooks = coverages
        .iter()
        .map(|c| {
            let rb = &c.rulebook;
            let line = |r: RuleId| location(sources, rb.rule(r).span).1;
            let sections = rb
                .sections
                .iter()
                .enumerate()
                .filter_map(|(i, s)| {
                    let rules: Vec<JsonRule<'_>> = rules_of(c, SectionId::new(i as u32))
                        .map(|r| JsonRule {
                            rule: rb.rule_text(r),
                            line: line(r),
                            exercised: c.is_exercised(r),
                            flows: c
                                .uses(r)
                                .iter()
                                .map(|span| flow_at(sources, *span))
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
                file: &sources.get(rb.file).name,
                designs: c
                    .designs
                    .iter()
                    .map(|f| sources.get(*f).name.as_str())
                    .collect(),
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
    let mut s = serde_json::to_string_pretty(&out).unwrap_or_default();
    s.push('\n');
    s
}
