//! `--format json`: one object, in exactly the shape docs/design/LANGUAGE.md §4 gives.

use super::Report;
use super::json_pretty::Object;
use crate::diagnostic::{Diagnostic, Fact, FactValue};
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

/// [`render_with_config`] written to `out` as it is drawn, the findings on
/// every core, a few of them at a time: with every finding shown
/// (`--max-per-code 0`) a large design's document is hundreds of
/// megabytes, never held whole. The bytes are `serde_json`'s pretty
/// layout of the whole document.
pub fn write_with_config<W: Write + ?Sized>(
    out: &mut W,
    report: &Report,
    config: Option<&Path>,
) -> io::Result<()> {
    write_with_configs(out, report, config, None)
}

/// [`write_with_config`] for a run whose designs may have followed
/// different configs: `config`, the one every design followed (None: none,
/// or several); `several`, when they followed several, every one of them,
/// written as `"configs"` after `"config"` (which is then null).
pub fn write_with_configs<W: Write + ?Sized>(
    out: &mut W,
    report: &Report,
    config: Option<&Path>,
    several: Option<&[std::path::PathBuf]>,
) -> io::Result<()> {
    let shown = |p: &Path| visible(&p.display().to_string());
    let mut top = Object::begin(out, 0)?;
    top.member("version", &1)?;
    top.member("config", &config.map(shown))?;
    if let Some(list) = several {
        let list: Vec<String> = list.iter().map(|p| shown(p)).collect();
        top.member("configs", &list)?;
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
