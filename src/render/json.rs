//! `--format json`: one object, in exactly the shape docs/design/LANGUAGE.md §4 gives.

use super::Report;
use crate::diagnostic::{Fact, FactValue};

/// A name from input, with invisible and control characters shown.
fn visible(s: &str) -> String {
    crate::escape::visible(s).into_owned()
}
use serde::Serialize;

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: Summary,
}

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

/// Renders the report as pretty-printed JSON with a trailing newline.
pub fn render(report: &Report) -> String {
    let lang = report.lang;
    let diagnostics = report
        .diagnostics
        .iter()
        .map(|d| {
            let p = report.position(d.primary);
            let mut notes: Vec<String> = d.notes.iter().map(|n| n.get(lang).to_string()).collect();
            if let Some(h) = &d.help {
                notes.push(format!("help: {}", h.get(lang)));
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
            }
        })
        .collect();
    let out = Output {
        version: 1,
        diagnostics,
        summary: Summary {
            files: report.files,
            errors: report.errors(),
            warnings: report.warnings(),
        },
    };
    let mut s =
        serde_json::to_string_pretty(&out).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    s.push('\n');
    s
}
