//! `mynaflow report`: one self-contained HTML page for reviewers: a
//! summary, every finding with its source lines, a picture of each design
//! (inline SVG, see [`picture`]) with filters, and each design's rule
//! coverage.
//!
//! The page needs no network: its style and script are embedded
//! (`page.css`, `page.js`), and the data the script needs is one JSON blob
//! in a `<script type="application/json">` element ([`escape::script_json`]).
//! Every string that came from input is escaped ([`escape::html`]), control
//! and bidirectional characters shown as `\u{..}`. Without the script the
//! page is still complete (the picture is drawn here, not by the script).

pub mod budget;
mod citation;
pub mod escape;
mod inventory;
pub mod picture;

use crate::checks::Computed;
use crate::code::Severity;
use crate::coverage::Coverage;
use crate::diagnostic::Diagnostic;
use crate::diagram::{self, Diagram, Options};
use crate::filters::HiddenCodes;
use crate::graph::FlowGraph;
use crate::model::*;
use crate::source::{SourceFile, SourceMap};
use crate::span::{FileId, Span};
use crate::text::{Lang, Text};
use crate::withheld::Withheld;
use budget::{Budget, Drawn, Part};
use escape::html;
use serde_json::{Value, json};
use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

const CSS: &str = include_str!("page.css");
const JS: &str = include_str!("page.js");

/// Source lines shown for one span, at most.
const EXCERPT_LINES: usize = 4;
/// Characters of a source line shown, at most (minified input).
const EXCERPT_CHARS: usize = 400;

/// What the page shows.
pub struct Input<'a> {
    /// Every file a span may point into.
    pub sources: &'a SourceMap,
    /// The findings, sorted.
    pub diagnostics: &'a [Diagnostic],
    /// Number of files checked.
    pub files: usize,
    /// The designs that can be drawn, in the order checked.
    pub designs: Vec<Shown<'a>>,
    /// The page's language.
    pub lang: Lang,
    /// What the run withheld (the findings a config's filters hid, the
    /// designs its `exclude` took out, the folders the walk did not
    /// enter): said at the top, so that no reader takes the page for
    /// everything.
    pub withheld: Option<&'a Withheld>,
    /// Why the run fails though no finding shown says so: the syntax and
    /// name errors a filter hid ([`crate::wording::run::hidden_stops`]).
    pub hidden_stops: Option<Text>,
}

/// A design the page draws: its graph, and what its checks worked out
/// that its inventory lists too (when the session kept it).
pub struct Shown<'a> {
    /// The resolved design. Its [`Design::file`] names its file in
    /// [`Input::sources`] (where a run that joins several sessions' files
    /// moved it); the page reads its other spans for their places in that
    /// file only.
    pub design: &'a Design,
    /// Its graph.
    pub graph: &'a FlowGraph,
    /// What the checks worked out ([`crate::session::Session::keep_computed`]).
    pub computed: Option<Computed>,
    /// The codes the filters hide in its file: a verdict of one of them
    /// is shown as withheld, never as the finding the findings list
    /// leaves out (nor as lawful).
    pub hidden: HiddenCodes,
}

fn t(lang: Lang, en: &str, ja: &str) -> String {
    Text::new(en, ja).get(lang).to_string()
}

/// The flow statement a span lies in, if any (flows are in source order
/// and do not overlap).
fn flow_at(design: &Design, span: Span) -> Option<FlowId> {
    if span.file != design.file {
        return None;
    }
    let after = design.flows.partition_point(|f| f.span.start <= span.start);
    let i = after.checked_sub(1)?;
    (span.end <= design.flows[i].span.end).then_some(FlowId::new(i as u32))
}

/// The indices of `diagnostics` whose primary span or a label lies in
/// each file, in order.
fn touching(diagnostics: &[Diagnostic]) -> HashMap<FileId, Vec<usize>> {
    let mut out: HashMap<FileId, Vec<usize>> = HashMap::new();
    for (i, d) in diagnostics.iter().enumerate() {
        let spans = std::iter::once(d.primary).chain(d.labels.iter().map(|l| l.span));
        for s in spans {
            let list = out.entry(s.file).or_default();
            if list.last() != Some(&i) {
                list.push(i);
            }
        }
    }
    out
}

/// The flows a finding is about: its primary span's flow, then those of its
/// labels (the upstream hops of a witness path), without repeats.
pub(crate) fn flows_of(design: &Design, d: &Diagnostic) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::new();
    let spans = std::iter::once(d.primary).chain(d.labels.iter().map(|l| l.span));
    for s in spans {
        if let Some(f) = flow_at(design, s)
            && !out.contains(&f.index())
        {
            out.push(f.index());
        }
    }
    out
}

/// The source lines of a span as HTML, the span marked.
fn excerpt(f: &SourceFile, span: Span) -> String {
    let (start, end) = (span.start as usize, span.end as usize);
    let first = f.line_index(start);
    let last = f
        .line_index(end.saturating_sub(1).max(start))
        .min(first + EXCERPT_LINES - 1);
    let mut out = String::from("<pre class=\"src\">");
    for line in first..=last {
        let r = f.line_range(line);
        let text = f.text.get(r.clone()).unwrap_or("");
        let text = text.trim_end_matches(['\n', '\r']);
        let (ls, le) = (r.start, r.start + text.len());
        let (ms, me) = (start.clamp(ls, le), end.clamp(ls, le));
        let part = |a: usize, b: usize| html(f.text.get(a..b).unwrap_or(""));
        let mut body = String::new();
        if me > ms || (start == end && ms == start) {
            let _ = write!(
                body,
                "{}<mark>{}</mark>{}",
                part(ls, ms),
                part(ms, me),
                part(me, le)
            );
        } else {
            body = part(ls, le);
        }
        if text.chars().count() > EXCERPT_CHARS {
            // A minified line: only the marked part and a little context.
            let cut = |a: usize, b: usize| html(f.text.get(a..b).unwrap_or(""));
            let from = boundary(&f.text, ms.saturating_sub(60).max(ls), false);
            let to = boundary(&f.text, (me + 60).min(le), true);
            body = format!(
                "…{}<mark>{}</mark>{}…",
                cut(from, ms),
                cut(ms, me),
                cut(me, to)
            );
        }
        let _ = writeln!(out, "<span class=\"ln\">{:>4}</span> {body}", line + 1);
    }
    out.push_str("</pre>");
    out
}

/// The nearest char boundary at or before (or after) `i`.
fn boundary(s: &str, mut i: usize, up: bool) -> usize {
    while i > 0 && i < s.len() && !s.is_char_boundary(i) {
        if up {
            i += 1;
        } else {
            i -= 1;
        }
    }
    i.min(s.len())
}

fn location(sources: &SourceMap, span: Span) -> String {
    let f = sources.get(span.file);
    let (l, c) = f.line_col(span.start as usize);
    format!("{}:{l}:{c}", f.name)
}

/// One finding as a list item. `design` is its design's index on the
/// page (None for a file that is not drawn).
fn finding(
    out: &mut String,
    i: usize,
    d: &Diagnostic,
    sources: &SourceMap,
    design: Option<usize>,
    lang: Lang,
) {
    let (class, icon, word) = match d.severity {
        Severity::Error => ("error", "✖", t(lang, "error", "エラー")),
        Severity::Warning => ("warning", "⚠", t(lang, "warning", "警告")),
    };
    let _ = write!(
        out,
        r#"<li class="finding {class}" id="f{i}" data-finding="{i}" data-design="{dd}" tabindex="0" role="button" aria-describedby="f{i}-msg"><p class="head"><span class="sev" aria-label="{word}"><span aria-hidden="true">{icon}</span> {word}</span> <code class="code">{code}</code> <span class="msg" id="f{i}-msg">{msg}</span></p><p class="where">{loc}</p>"#,
        dd = design.map_or(-1, |x| x as i64),
        code = d.code.as_str(),
        msg = html(d.message.get(lang)),
        loc = html(&location(sources, d.primary)),
    );
    out.push_str(&excerpt(sources.get(d.primary.file), d.primary));
    if let Some(l) = &d.primary_label {
        let _ = write!(out, r#"<p class="plabel">↑ {}</p>"#, html(l.get(lang)));
    }
    if !d.labels.is_empty() {
        out.push_str(r#"<ol class="labels">"#);
        for l in &d.labels {
            let _ = write!(
                out,
                r#"<li><span class="where">{}</span> {}"#,
                html(&location(sources, l.span)),
                html(l.message.get(lang))
            );
            out.push_str(&excerpt(sources.get(l.span.file), l.span));
            out.push_str("</li>");
        }
        out.push_str("</ol>");
    }
    if let Some(r) = &d.rule {
        let _ = write!(
            out,
            r#"<p class="rule"><span class="k">{}</span> {}"#,
            t(lang, "Rule:", "規則:"),
            html(&r.section)
        );
        if let Some(b) = &r.basis {
            let _ = write!(out, " — {}", html(b));
        }
        out.push_str("</p>");
    }
    if !d.notes.is_empty() {
        out.push_str(r#"<ul class="notes">"#);
        for n in &d.notes {
            let _ = write!(out, "<li>{}</li>", html(n.get(lang)));
        }
        out.push_str("</ul>");
    }
    if let Some(h) = &d.help {
        let _ = write!(
            out,
            r#"<p class="help"><span class="k">{}</span> {}</p>"#,
            t(lang, "Fix:", "対処:"),
            html(h.get(lang))
        );
    }
    out.push_str("</li>\n");
}

/// One design's picture as drawn: what [`design_data`] describes.
struct Drawing<'a> {
    d: &'a Diagram,
    merged: &'a [diagram::Merged],
    g: &'a picture::Geometry,
    drawn: &'a Drawn,
    /// Each flow drawn's label, numbered as drawn.
    short: &'a [String],
    /// Each flow drawn's sections ([`section_tags`]), numbered as drawn.
    tags: &'a [Vec<&'a str>],
}

/// The sections each flow drawn is for, numbered as drawn, each list
/// sorted: those of its purposes in the sense of `graph --section`
/// ([`diagram::purpose_sections`]: declared there, or allowed by a rule
/// there), so that the Section filter shows the flows that command draws.
fn section_tags<'d>(design: &'d Design, drawn: &Drawn, shown: usize) -> Vec<Vec<&'d str>> {
    let Some(rb) = design.rulebook.as_deref() else {
        return vec![Vec::new(); shown];
    };
    let of = diagram::purpose_sections(rb);
    (0..shown)
        .map(|i| {
            let f = design.flow(drawn.flow(i));
            let mut s: Vec<&str> = (f.purposes.iter().filter_map(|p| p.id))
                .flat_map(|p| of.get(p.index()).map_or(&[][..], Vec::as_slice))
                .map(|&sec| rb.section(sec).id.as_str())
                .collect();
            s.sort_unstable();
            s.dedup();
            s
        })
        .collect()
}

/// Everything the page's script needs about one design: of its flows,
/// those drawn, numbered as drawn.
fn design_data(
    design: &Design,
    drawing: &Drawing,
    source: &SourceFile,
    diagnostics: &[&Diagnostic],
) -> Value {
    let Drawing {
        d,
        merged,
        g,
        drawn,
        short,
        tags,
    } = *drawing;
    let text = source.text.as_str();
    let shown = drawn.count(design.flows.len());
    let mut finding_flows = vec![false; shown];
    for x in diagnostics {
        for f in flows_of(design, x) {
            if let Some(i) = drawn.index(FlowId::new(f as u32)) {
                finding_flows[i] = true;
            }
        }
    }
    let mut edge_codes: Vec<Vec<&str>> = vec![Vec::new(); shown];
    for e in &d.edges {
        if let Some(c) = drawn.index(e.flow).and_then(|i| edge_codes.get_mut(i))
            && c.is_empty()
        {
            c.extend(e.codes.iter().map(|c| c.as_str()));
        }
    }
    let flows: Vec<Value> = (0..shown)
        .map(|i| {
            let f = design.flow(drawn.flow(i));
            let items: Vec<String> = f
                .items
                .iter()
                .filter_map(|r| r.id)
                .map(|id| escape_visible(&design.item(id).name))
                .collect();
            let sections = tags.get(i).map_or(&[][..], Vec::as_slice);
            let mn = f
                .items
                .iter()
                .any(|r| r.id.is_some_and(|id| design.is_mynumber(id)));
            json!({
                "line": source.line_col(f.span.start as usize).0,
                "text": escape_visible(&f.text(text)),
                "short": escape_visible(&short[i]),
                "cut": escape_visible(&picture::edge_text(1, &short[i])),
                "items": items,
                "sections": sections,
                "mn": mn,
                "codes": edge_codes[i],
                "finding": finding_flows[i],
            })
        })
        .collect();
    let nodes: Vec<Value> = d
        .nodes
        .iter()
        .enumerate()
        .map(|(n, node)| {
            let (c, r) = g.layout.place[n];
            json!({"name": escape_visible(&node.name), "col": c, "row": r})
        })
        .collect();
    let edges: Vec<Value> = merged
        .iter()
        .map(|m| {
            let legs: Vec<usize> = m
                .edges
                .iter()
                .filter_map(|&e| drawn.index(d.edges[e].flow))
                .collect();
            json!({"a": m.a, "b": m.b, "fw": m.forward, "bw": m.backward, "legs": legs})
        })
        .collect();
    json!({
        "colX": g.col_x,
        "flows": flows,
        "nodes": nodes,
        "edges": edges,
    })
}

/// What the page says of a design drawn in part: how large it is, what
/// the picture shows of it, and the command that draws any part.
fn part_note(out: &mut String, part: &Part, file: &str, lang: Lang) {
    let drawn = part.flows.len();
    let about = part.finding_flows;
    // Too many legs, or (drawn whole) too many actors.
    let (flows, legs, limit) = (part.total_flows, part.total_legs, part.limit);
    let page = budget::PAGE_LEGS;
    let size = if legs > limit && limit < budget::DESIGN_LEGS {
        // The designs before it spent most of the page's legs.
        crate::text!(
            "This design has {flows} flows ({legs} legs); the page had {limit} of its {page} legs left for it.";
            "この設計には {flows} 件のフロー ({legs} 区間) があり、ページに描ける {page} 区間のうち残りは {limit} 区間でした。"
        )
    } else if legs > limit {
        crate::text!(
            "This design has {flows} flows ({legs} legs), more than the page draws for it ({limit} legs).";
            "この設計には {flows} 件のフロー ({legs} 区間) があり、ページに描く上限 ({limit} 区間) を超えます。"
        )
    } else {
        let (actors, most) = (part.total_actors, budget::DESIGN_ACTORS);
        crate::text!(
            "This design has {actors} actors, more than the page draws ({most}).";
            "この設計には {actors} のアクターがあり、ページに描く上限 ({most}) を超えます。"
        )
    };
    let shows = if about == 0 {
        Text::new(
            "It has no findings, so no flow is drawn.",
            "指摘がないため、フローは描いていません。",
        )
    } else if drawn == 0 {
        crate::text!(
            "None of the {about} flows its findings are about fits, so no flow is drawn.";
            "指摘に関わる {about} 件のフローが収まらないため、フローは描いていません。"
        )
    } else if drawn == about {
        crate::text!(
            "The picture shows the {drawn} flows its findings are about, and nothing else.";
            "図には指摘に関わる {drawn} 件のフローだけを描いています。"
        )
    } else {
        crate::text!(
            "The picture shows {drawn} of the {about} flows its findings are about, and nothing else.";
            "図には指摘に関わる {about} 件のフローのうち {drawn} 件だけを描いています。"
        )
    };
    let (size, shows) = (size.get(lang), shows.get(lang));
    let quoted = crate::escape::shell_quoted(file);
    let command = format!("mynaflow graph {}", crate::escape::visible(&quoted));
    let rest = match lang {
        Lang::En => format!(
            "<code>{}</code> draws all of it, or a part with <code>--only mynumber</code>, <code>--item</code> or <code>--section</code>.",
            html(&command)
        ),
        Lang::Ja => format!(
            "全体は <code>{}</code> で、一部は <code>--only mynumber</code>、<code>--item</code>、<code>--section</code> を付けて描けます。",
            html(&command)
        ),
    };
    // Japanese sentences follow one another without a space.
    let gap = match lang {
        Lang::En => " ",
        Lang::Ja => "",
    };
    let _ = write!(
        out,
        r#"<p class="partial" role="note">{}{gap}{}{gap}{rest}</p>"#,
        html(size),
        html(shows)
    );
}

/// What the page does not show, and why the run fails beside its
/// findings, in the words of every machine format
/// ([`crate::wording::run`]): under the summary, where a reader looks
/// before trusting a count.
fn withheld(out: &mut String, w: Option<&Withheld>, stops: Option<&Text>, lang: Lang) {
    if let Some(why) = stops {
        let _ = write!(
            out,
            r#"<p class="stops" role="alert"><span aria-hidden="true">✖</span> {}</p>"#,
            html(why.get(lang))
        );
    }
    let Some(w) = w else { return };
    let _ = write!(
        out,
        r#"<section class="withheld" role="note" aria-labelledby="withheld"><h2 id="withheld"><span aria-hidden="true">⚠</span> {}</h2><ul>"#,
        t(lang, "Not in this report", "この報告に含まれないもの")
    );
    let lines = (w.configs.iter())
        .map(crate::wording::run::withheld_by_config)
        .chain(w.skipped.iter().map(crate::wording::run::skipped_folder))
        .chain(
            w.lookalikes
                .iter()
                .map(|p| crate::wording::run::lookalike(p)),
        );
    for line in lines {
        let _ = write!(out, "<li>{}</li>", html(line.get(lang)));
    }
    out.push_str("</ul></section>");
}

fn escape_visible(s: &str) -> String {
    crate::escape::visible(s).into_owned()
}

/// The page. Takes what the checks computed, for the inventories.
pub fn render(input: Input) -> String {
    let lang = input.lang;
    let sources = input.sources;
    let errors = crate::diagnostic::count(input.diagnostics, Severity::Error);
    let warnings = crate::diagnostic::count(input.diagnostics, Severity::Warning);
    let mut out = String::new();
    let title = t(lang, "mynaflow report", "mynaflow レポート");
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{l}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\"><title>{title}</title><style>{CSS}</style></head><body>\n",
        l = match lang {
            Lang::En => "en",
            Lang::Ja => "ja",
        },
    );
    let _ = write!(
        out,
        "<header><h1>{title}</h1><p class=\"gen\">mynaflow {}</p>",
        env!("CARGO_PKG_VERSION")
    );
    // Summary.
    let _ = write!(
        out,
        r#"<dl class="summary"><div class="{ec}"><dt>{et}</dt><dd id="n-errors">{errors}</dd></div><div class="{wc}"><dt>{wt}</dt><dd id="n-warnings">{warnings}</dd></div><div><dt>{ft}</dt><dd>{files}</dd></div>"#,
        ec = if errors > 0 { "bad" } else { "good" },
        wc = if warnings > 0 { "warn" } else { "good" },
        et = t(lang, "✖ Errors", "✖ エラー"),
        wt = t(lang, "⚠ Warnings", "⚠ 警告"),
        ft = t(lang, "Files", "ファイル"),
        files = input.files,
    );
    let hidden: usize = (input.withheld.iter())
        .flat_map(|w| &w.configs)
        .map(|b| b.hidden)
        .sum();
    if hidden > 0 {
        let _ = write!(
            out,
            r#"<div class="warn"><dt>{}</dt><dd id="n-hidden">{hidden}</dd></div>"#,
            t(lang, "⚠ Hidden by a config", "⚠ 設定ファイルで非表示")
        );
    }
    // Each rulebook once: designs checked in different sessions (under
    // different configs) hold copies of one rulebook, said alike.
    let mut seen: Vec<*const Rulebook> = Vec::new();
    let mut said: BTreeSet<String> = BTreeSet::new();
    for Shown { design, .. } in &input.designs {
        if let Some(rb) = design.rulebook.as_deref()
            && !seen.contains(&(rb as *const Rulebook))
        {
            seen.push(rb as *const Rulebook);
            let mut s = html(&rb.name);
            if let Some(tt) = &rb.title {
                let _ = write!(s, " — {}", html(tt));
            }
            let rev = rb.revised.as_deref().map_or_else(
                || t(lang, "no revision date", "改定日なし"),
                |r| format!("{} {}", t(lang, "revised", "改定"), html(r)),
            );
            if !said.insert(format!("{s}\0{rev}")) {
                continue;
            }
            let _ = write!(
                out,
                "<div><dt>{}</dt><dd>{s} <span class=\"rev\">({rev})</span></dd></div>",
                t(lang, "Rulebook", "ルールブック")
            );
        }
    }
    out.push_str("</dl>");
    withheld(&mut out, input.withheld, input.hidden_stops.as_ref(), lang);
    let _ = write!(
        out,
        "<p class=\"legend\">{}</p></header>\n<main>\n",
        t(
            lang,
            "Reading the pictures: columns are outside parties | carriers | the society's systems | contractors | the person. ★ and a thick line = My Number data (特定個人情報); ✖ and red = an error, with its code; ×N = N flows between the two actors. Click or press Enter on a finding to see its flows, or on an edge to list them.",
            "図の見方: 列は 外部の機関 | 経由システム | 自組織のシステム | 委託先 | 本人。★と太線 = 特定個人情報、✖と赤 = エラー (コード付き)、×N = 2者間のフロー N 件。指摘または矢印をクリック (Enter) すると、そのフローを表示します。"
        )
    );

    let mut data_designs: Vec<Value> = Vec::new();
    let mut findings_data: Vec<Value> = vec![Value::Null; input.diagnostics.len()];
    let mut listed = vec![false; input.diagnostics.len()];
    let mut budget = Budget::default();
    let touching = touching(input.diagnostics);
    for (
        di,
        Shown {
            design,
            graph,
            computed,
            hidden,
        },
    ) in input.designs.into_iter().enumerate()
    {
        let source = sources.get(design.file);
        // The findings whose spans lie in this design, in order: a run
        // over thousands of designs read every finding for each.
        let here: &[usize] = touching.get(&design.file).map_or(&[], Vec::as_slice);
        let about: Vec<&Diagnostic> = here.iter().map(|&i| &input.diagnostics[i]).collect();
        let drawn = budget.choose(design, &about);
        let options = Options {
            flows: drawn.flows().map(<[FlowId]>::to_vec),
            lang,
            ..Options::default()
        };
        let d = diagram::build(design, source, about.iter().copied(), &options);
        let merged = diagram::merge(&d);
        let g = picture::geometry(&d, &merged);
        let shown = drawn.count(design.flows.len());
        let mut short = vec![String::new(); shown];
        for e in &d.edges {
            if let Some(s) = drawn.index(e.flow).and_then(|i| short.get_mut(i)) {
                s.clone_from(&e.label);
            }
        }
        let _ = write!(
            out,
            r#"<section class="design" id="d{di}" data-design="{di}"><h2>{}</h2>"#,
            html(&source.name)
        );
        if let Drawn::Part(part) = &drawn {
            part_note(&mut out, part, &source.name, lang);
        }
        // Filters: the items and sections of the flows drawn.
        let tags = section_tags(design, &drawn, shown);
        let mut items: BTreeSet<(usize, &str)> = BTreeSet::new();
        let sections: BTreeSet<&str> = tags.iter().flatten().copied().collect();
        for f in (0..shown).map(|i| design.flow(drawn.flow(i))) {
            for i in f.items.iter().filter_map(|r| r.id) {
                items.insert((i.index(), design.item(i).name.as_str()));
            }
        }
        let _ = write!(
            out,
            r#"<form class="filters" aria-label="{fl}"><label>{it} <select name="dataitem"><option value="">{all}</option>"#,
            fl = t(lang, "Filters", "絞り込み"),
            it = t(lang, "Data item", "データ項目"),
            all = t(lang, "(all)", "(すべて)"),
        );
        for (_, name) in &items {
            let v = html(name);
            let _ = write!(out, r#"<option value="{v}">{v}</option>"#);
        }
        let _ = write!(
            out,
            r#"</select></label> <label>{st} <select name="sect"><option value="">{all}</option>"#,
            st = t(lang, "Section", "セクション"),
            all = t(lang, "(all)", "(すべて)"),
        );
        for s in &sections {
            let v = html(s);
            let _ = write!(out, r#"<option value="{v}">{v}</option>"#);
        }
        let _ = write!(
            out,
            r#"</select></label> <label><input type="checkbox" name="mn"> ★ {mn}</label> <label><input type="checkbox" name="findings"> ✖⚠ {fo}</label> <button type="reset">{rs}</button> <output class="shown" aria-live="polite"></output></form>"#,
            mn = t(lang, "My Number only", "特定個人情報のみ"),
            fo = t(lang, "findings only", "指摘のあるフローのみ"),
            rs = t(lang, "Show all", "すべて表示"),
        );
        out.push_str(r#"<div class="scroll">"#);
        out.push_str(&picture::svg(di, &d, &merged, &g, &short, lang));
        let _ = write!(
            out,
            r#"</div><div class="panel" id="d{di}-panel" aria-live="polite"><p class="hint">{}</p></div>"#,
            t(
                lang,
                "Select an edge or a finding to list its flows here.",
                "矢印または指摘を選ぶと、ここにフローを表示します。"
            )
        );
        // Findings of this design.
        let mine: Vec<usize> = (here.iter().copied())
            .filter(|&i| input.diagnostics[i].primary.file == design.file)
            .collect();
        let _ = write!(
            out,
            "<h3>{} ({})</h3>",
            t(lang, "Findings", "指摘"),
            mine.len()
        );
        if mine.is_empty() {
            let _ = write!(
                out,
                "<p class=\"none\">✔ {}</p>",
                t(lang, "No findings.", "指摘はありません。")
            );
        } else {
            out.push_str("<ol class=\"findings\">");
            for &i in &mine {
                let x = &input.diagnostics[i];
                finding(&mut out, i, x, sources, Some(di), lang);
                let of = flows_of(design, x);
                let on_page: Vec<usize> = of
                    .iter()
                    .filter_map(|&f| drawn.index(FlowId::new(f as u32)))
                    .collect();
                let undrawn = of.len() - on_page.len();
                findings_data[i] = json!({"design": di, "flows": on_page, "undrawn": undrawn});
                listed[i] = true;
            }
            out.push_str("</ol>");
        }
        coverage(&mut out, design, graph, sources, lang);
        let of = inventory::Of {
            design,
            file: &source.name,
            graph,
            hidden: &hidden,
        };
        inventory::write(&mut out, &of, computed, lang);
        out.push_str("</section>\n");
        data_designs.push(design_data(
            design,
            &Drawing {
                d: &d,
                merged: &merged,
                g: &g,
                drawn: &drawn,
                short: &short,
                tags: &tags,
            },
            source,
            &about,
        ));
    }
    let rest: Vec<usize> = (0..input.diagnostics.len())
        .filter(|&i| !listed[i])
        .collect();
    if !rest.is_empty() {
        let _ = write!(
            out,
            "<section class=\"other\"><h2>{} ({})</h2><ol class=\"findings\">",
            t(lang, "Other findings", "その他の指摘"),
            rest.len()
        );
        for i in rest {
            finding(&mut out, i, &input.diagnostics[i], sources, None, lang);
            findings_data[i] = json!({"design": -1, "flows": []});
        }
        out.push_str("</ol></section>\n");
    }
    out.push_str("</main>\n");
    let ui = json!({
        "flows": t(lang, "Flows", "フロー"),
        "line": t(lang, "line", "行"),
        "none": t(lang, "No flow of this finding is drawn (it points at a declaration).", "この指摘のフローは図にありません (宣言を指しています)。"),
        "undrawn": t(lang, "The flows of this finding are not drawn: the design is larger than the page draws (see the note above the picture).", "この指摘のフローは図にありません: 設計がページに描ける量を超えています (図の上の注記を参照)。"),
        "shown": t(lang, "flows shown", "件のフローを表示"),
        "of": t(lang, "of", "/"),
    });
    let data = json!({
        "geom": {
            "colW": picture::COL_W, "nodeW": picture::NODE_W, "nodeH": picture::NODE_H,
            "rowH": picture::ROW_H, "top": picture::TOP, "side": picture::SIDE,
            "right": picture::RIGHT, "minW": picture::MIN_W,
        },
        "designs": data_designs,
        "findings": findings_data,
        "ui": ui,
    });
    let blob = escape::script_json(&serde_json::to_string(&data).unwrap_or_else(|_| "{}".into()));
    let _ = write!(
        out,
        "<script type=\"application/json\" id=\"data\">{blob}</script>\n<pre id=\"selftest\" hidden></pre>\n<script>{JS}</script>\n</body></html>\n"
    );
    out
}

/// The rule coverage of one design: totals and each section.
fn coverage(out: &mut String, design: &Design, graph: &FlowGraph, sources: &SourceMap, lang: Lang) {
    let Some(rb) = &design.rulebook else {
        return;
    };
    let mut c = Coverage::new(rb.clone());
    c.add(design, graph);
    let pct = |x: crate::coverage::Tally| match x.percent() {
        Some(p) => format!("{}/{} ({p:.1}%)", x.exercised, x.rules),
        None => format!("{}/{}", x.exercised, x.rules),
    };
    let _ = write!(
        out,
        r#"<details class="coverage"><summary>{} — {} {}{}{} {}</summary><table><thead><tr><th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th></tr></thead><tbody>"#,
        // The words of `coverage` ("使われた規則"), the list set apart as
        // each language sets one apart.
        t(lang, "Rule coverage", "使われた規則"),
        t(lang, "all rules", "すべての規則"),
        pct(c.total()),
        t(lang, ", ", "、"),
        t(lang, "My Number rules", "特定個人情報の規則"),
        pct(c.mynumber()),
        t(lang, "Section", "セクション"),
        t(lang, "Rule", "規則"),
        t(lang, "Exercised by", "使っているフロー"),
        t(lang, "Basis", "根拠"),
    );
    let citations = citation::Citations::of(rb);
    for (i, r) in rb.rules.iter().enumerate().take(budget::TABLE_ROWS) {
        let id = RuleId::new(i as u32);
        let s = rb.section(r.section);
        // Every use is a flow of this one design, in its file (whose id
        // is `design.file`: [`Shown::design`]).
        let here = c.uses(id);
        let count = here.len();
        let source = sources.get(design.file);
        let lines: Vec<String> = (here.iter())
            .take(crate::text::MAX_LISTED)
            .map(|sp| source.line_col(sp.start as usize).0.to_string())
            .collect();
        let cell = if lines.is_empty() {
            format!(
                "<span class=\"unused\">— {}</span>",
                t(lang, "none", "なし")
            )
        } else {
            let more = crate::text::more(count - lines.len());
            format!(
                "✔ {} {}{}",
                t(lang, "line", "行"),
                lines.join(", "),
                more.get(lang)
            )
        };
        // A flow such a rule matches is not one it allows (`rules show`).
        let cell = if rb.rule_decides_no_verdict(id) {
            let note = t(
                lang,
                "not checked by `check`: what the society receives needs only a purpose",
                "`check` はこの規則で判定しません (受け取る個人情報は利用目的だけで判定します)",
            );
            format!("{cell} <small>({})</small>", html(&note))
        } else {
            cell
        };
        let _ = write!(
            out,
            "<tr class=\"{}\"><td>{}{}</td><td>{} → {}</td><td>{cell}</td><td>{}</td></tr>",
            if lines.is_empty() { "no" } else { "yes" },
            html(&s.id),
            if s.mynumber { " ★" } else { "" },
            html(&rb.role(r.from).name),
            html(&rb.role(r.to).name),
            citations.cited(r.section, s.basis.as_deref().unwrap_or(""), lang),
        );
    }
    let command = format!(
        "mynaflow coverage {}",
        crate::escape::shell_quoted(&sources.get(design.file).name)
    );
    budget::rows_left_out(out, rb.rules.len(), 4, &command, lang);
    out.push_str("</tbody></table></details>");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(total_legs: usize, drawn: usize, about: usize) -> Part {
        Part {
            flows: (0..drawn as u32).map(FlowId::new).collect(),
            limit: budget::DESIGN_LEGS,
            total_flows: 7_000,
            total_legs,
            total_actors: 9_000,
            finding_flows: about,
        }
    }

    fn note(p: &Part, lang: Lang) -> String {
        let mut out = String::new();
        part_note(&mut out, p, "a b<.myna", lang);
        out
    }

    #[test]
    fn the_note_on_a_design_drawn_in_part_says_why_what_and_how_to_see_the_rest() {
        let legs = note(&part(9_000, 3, 3), Lang::En);
        assert_eq!(
            legs,
            "<p class=\"partial\" role=\"note\">This design has 7000 flows (9000 legs), more than the page draws for it (5000 legs). The picture shows the 3 flows its findings are about, and nothing else. <code>mynaflow graph &#39;a b&lt;.myna&#39;</code> draws all of it, or a part with <code>--only mynumber</code>, <code>--item</code> or <code>--section</code>.</p>"
        );
        let mut spent = part(9_000, 0, 41);
        spent.limit = 0;
        let cases = [
            (
                part(4_000, 2, 5),
                Lang::En,
                ">This design has 9000 actors, more than the page draws (5000). The picture shows 2 of the 5 flows its findings are about, and nothing else. ",
            ),
            (
                part(9_000, 0, 0),
                Lang::En,
                " It has no findings, so no flow is drawn. ",
            ),
            (
                part(9_000, 2, 5),
                Lang::Ja,
                ">この設計には 7000 件のフロー (9000 区間) があり、ページに描く上限 (5000 区間) を超えます。図には指摘に関わる 5 件のフローのうち 2 件だけを描いています。全体は <code>mynaflow graph &#39;a b&lt;.myna&#39;</code> で、",
            ),
            (
                spent.clone(),
                Lang::En,
                ">This design has 7000 flows (9000 legs); the page had 0 of its 20000 legs left for it. None of the 41 flows its findings are about fits, so no flow is drawn. ",
            ),
            (
                spent,
                Lang::Ja,
                ">この設計には 7000 件のフロー (9000 区間) があり、ページに描ける 20000 区間のうち残りは 0 区間でした。指摘に関わる 41 件のフローが収まらないため、フローは描いていません。",
            ),
            (
                part(4_000, 0, 0),
                Lang::Ja,
                ">この設計には 9000 のアクターがあり、ページに描く上限 (5000) を超えます。指摘がないため、フローは描いていません。",
            ),
        ];
        for (p, lang, want) in cases {
            let got = note(&p, lang);
            assert!(got.contains(want), "{got}");
        }
    }
}
