//! `--format json`: one object, in exactly the shape docs/design/LANGUAGE.md §4 gives,
//! with what has been added to version 1 since: `config`, `failures`,
//! `hidden_stops` and `withheld` (how the run went, [`write_run`]), each diagnostic's
//! `facts` and `fixes`. Additions keep the version: a reader of version 1
//! finds every member it reads, as it was.

use super::json_pretty::Object;
use super::{Execution, Report};
use crate::diagnostic::{Diagnostic, Fact, FactValue};
use crate::hidden_stops::HiddenStops;
use crate::text::Lang;
use crate::withheld::Withheld;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// A name from input, with invisible and control characters shown.
fn visible(s: &str) -> String {
    crate::escape::visible(s).into_owned()
}
use serde::Serialize;
use std::path::Path;

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'static str,
    severity: &'static str,
    message: &'a str,
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    labels: Vec<JsonLabel<'a>>,
    notes: Vec<String>,
    rule: Option<JsonRule<'a>>,
    /// The typed facts behind the finding (which flow, item, roles, rule, why).
    facts: serde_json::Map<String, serde_json::Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<JsonFix<'a>>,
}

/// A fix (LANGUAGE.md §3.7): what it does, safe or unsafe, and its edits.
#[derive(Serialize)]
struct JsonFix<'a> {
    message: &'a str,
    applicability: &'static str,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    content: &'a str,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonRule<'a> {
    section: &'a str,
    basis: Option<&'a str>,
}

/// The syntax and name errors a filter hid: how many, of which codes,
/// where the first is, and the run's words for it.
#[derive(Serialize)]
struct JsonHiddenStops<'a> {
    count: usize,
    codes: BTreeMap<&'static str, usize>,
    first: JsonPlace<'a>,
    message: String,
}

/// A finding's code and where it is, as a diagnostic gives them (the
/// file named as in `diagnostics`, so the two can be matched).
#[derive(Serialize)]
struct JsonPlace<'a> {
    code: &'static str,
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

fn hidden_stops<'a>(report: &'a Report, h: &HiddenStops) -> JsonHiddenStops<'a> {
    let (code, at) = h.first();
    let p = report.position(at);
    let message = crate::wording::run::hidden_stops(h, report.sources);
    JsonHiddenStops {
        count: h.count(),
        codes: (h.codes().iter())
            .map(|(c, hidden)| (c.as_str(), hidden.count))
            .collect(),
        first: JsonPlace {
            code: code.as_str(),
            file: report.file_name(at),
            line: p.line,
            column: p.column,
            end_line: p.end_line,
            end_column: p.end_column,
        },
        message: message.get(report.lang).to_string(),
    }
}

/// What the run withheld ([`Withheld`]): each config that withheld
/// something, each folder the walk did not enter that holds designs.
#[derive(Serialize)]
struct JsonWithheld {
    configs: Vec<JsonByConfig>,
    skipped: Vec<JsonSkipped>,
    lookalikes: Vec<JsonLookalike>,
}

/// What one config withheld, and the run's words for it.
#[derive(Serialize)]
struct JsonByConfig {
    config: String,
    found: bool,
    hidden: usize,
    excluded: usize,
    excused: usize,
    message: String,
}

/// A folder the walk did not enter, its designs, and the run's words.
#[derive(Serialize)]
struct JsonSkipped {
    folder: String,
    designs: Vec<String>,
    message: String,
}

/// A file whose name only reads as a design's, shown with what differs
/// escaped ([`crate::lookalike::shown`]), and the run's words.
#[derive(Serialize)]
struct JsonLookalike {
    file: String,
    message: String,
}

/// What the run withheld as `check`'s JSON says it, in `lang`: the
/// `withheld` member of every JSON document a command writes.
pub(crate) fn withheld(w: &Withheld, lang: Lang) -> impl Serialize {
    let name = |p: &Path| visible(&crate::input::display_name(p));
    JsonWithheld {
        configs: (w.configs.iter())
            .map(|b| JsonByConfig {
                config: name(&b.config),
                found: b.found,
                hidden: b.hidden,
                excluded: b.excluded,
                excused: b.excused,
                message: crate::wording::run::withheld_by_config(b)
                    .get(lang)
                    .to_string(),
            })
            .collect(),
        skipped: (w.skipped.iter())
            .map(|s| JsonSkipped {
                folder: name(&s.folder),
                designs: s.designs.iter().map(|d| name(d)).collect(),
                message: crate::wording::run::skipped_folder(s).get(lang).to_string(),
            })
            .collect(),
        lookalikes: (w.lookalikes.iter())
            .map(|f| JsonLookalike {
                file: crate::lookalike::shown(&crate::input::display_name(f)),
                message: crate::wording::run::lookalike(f).get(lang).to_string(),
            })
            .collect(),
    }
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    errors: usize,
    warnings: usize,
}

/// The facts of a diagnostic as a JSON object, names escaped like every
/// other text from input.
pub fn facts(facts: &[Fact]) -> serde_json::Map<String, serde_json::Value> {
    use serde_json::Value;
    facts
        .iter()
        .map(|f| {
            let v = match &f.value {
                FactValue::Text(s) => Value::from(visible(s)),
                FactValue::List(l) => Value::from(l.iter().map(|s| visible(s)).collect::<Vec<_>>()),
                FactValue::Flag(b) => Value::from(*b),
                FactValue::Count(n) => Value::from(*n),
            };
            (f.key.to_string(), v)
        })
        .collect()
}

/// Renders the report as pretty-printed JSON with a trailing newline, for
/// a run that followed no `mynaflow.toml`.
pub fn render(report: &Report) -> String {
    render_with_config(report, None)
}

/// Renders the report with the `mynaflow.toml` the run followed (`config`,
/// named as the caller wants it shown, escaped here like any input).
pub fn render_with_config(report: &Report, config: Option<&Path>) -> String {
    super::written(
        |out| write_with_config(out, report, config),
        |e| format!("{{\"error\":\"{e}\"}}\n"),
    )
}

/// [`render_with_config`] written to `out` as it is drawn.
pub fn write_with_config<W: Write + ?Sized>(
    out: &mut W,
    report: &Report,
    config: Option<&Path>,
) -> io::Result<()> {
    let execution = Execution {
        config: config.map(Path::to_path_buf),
        ..Execution::default()
    };
    write_run(out, report, &execution)
}

/// The report with how the run went, written to `out` as it is drawn, the
/// findings on every core, a few of them at a time: with every finding
/// shown (`--max-per-code 0`) a large design's document is hundreds of
/// megabytes, never held whole. The bytes are `serde_json`'s pretty
/// layout of the whole document. Beside `config` (and `configs`, every
/// config followed, when the designs followed several), two run-level members
/// are always there: `failures`, why the run could not do its job (exit
/// status 2; `[]` when it could), and `hidden_stops`, the syntax and name
/// errors a filter hid, which fail the run (exit status 1) though no
/// diagnostic shown says so (`null` when none). `withheld`, only when the
/// run withheld something, says what each config hid, excluded or
/// excused and which folders the walk did not enter hold designs.
pub fn write_run<W: Write + ?Sized>(
    out: &mut W,
    report: &Report,
    execution: &Execution,
) -> io::Result<()> {
    let lang = report.lang;
    let config = execution.config.as_deref();
    let failures: Vec<String> = (execution.failures.iter())
        .map(|t| visible(t.get(lang)))
        .collect();
    let hidden = (execution.hidden_stops.as_ref()).map(|h| hidden_stops(report, h));
    let mut top = Object::begin(out, 0)?;
    top.member("version", &1)?;
    let shown = |p: &Path| visible(&p.display().to_string());
    top.member("config", &config.map(shown))?;
    // Only when the designs followed different configs: a run under one
    // writes what it always wrote.
    if let Some(list) = &execution.configs {
        let list: Vec<String> = list.iter().map(|p| shown(p)).collect();
        top.member("configs", &list)?;
    }
    top.member("failures", &failures)?;
    top.member("hidden_stops", &hidden)?;
    // Only when something was withheld: a run that withheld nothing
    // writes what it always wrote.
    if let Some(w) = &execution.withheld {
        top.member("withheld", &withheld(w, report.lang))?;
    }
    top.array("diagnostics", report.diagnostics, |d| diagnostic(report, d))?;
    top.member(
        "summary",
        &Summary {
            files: report.files,
            errors: report.errors(),
            warnings: report.warnings(),
        },
    )?;
    top.end()?;
    out.write_all(b"\n")
}

/// One finding as the document shows it.
fn diagnostic<'a>(report: &'a Report, d: &'a Diagnostic) -> JsonDiagnostic<'a> {
    let lang = report.lang;
    let p = report.position(d.primary);
    let mut notes: Vec<String> = d.notes.iter().map(|n| n.get(lang).to_string()).collect();
    if let Some(h) = &d.help {
        notes.push(format!("{}: {}", super::help_word(lang), h.get(lang)));
    }
    JsonDiagnostic {
        code: d.code.as_str(),
        severity: d.severity.as_str(),
        message: d.message.get(lang),
        file: report.file_name(d.primary),
        line: p.line,
        column: p.column,
        end_line: p.end_line,
        end_column: p.end_column,
        labels: d
            .labels
            .iter()
            .map(|l| {
                let p = report.position(l.span);
                JsonLabel {
                    file: report.file_name(l.span),
                    line: p.line,
                    column: p.column,
                    end_line: p.end_line,
                    end_column: p.end_column,
                    message: l.message.get(lang),
                }
            })
            .collect(),
        notes,
        rule: d.rule.as_ref().map(|r| JsonRule {
            section: &r.section,
            basis: r.basis.as_deref(),
        }),
        facts: facts(&d.facts),
        fixes: d
            .fixes
            .iter()
            .map(|f| JsonFix {
                message: f.message.get(lang),
                applicability: f.applicability.as_str(),
                edits: f
                    .edits
                    .iter()
                    .map(|e| {
                        let p = report.position(e.span);
                        JsonEdit {
                            file: report.file_name(e.span),
                            line: p.line,
                            column: p.column,
                            end_line: p.end_line,
                            end_column: p.end_column,
                            content: &e.content,
                        }
                    })
                    .collect(),
            })
            .collect(),
    }
}
