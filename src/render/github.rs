//! `--format github`: GitHub Actions workflow commands, one line per
//! finding, which the runner turns into annotations on the pull request:
//!
//! ```text
//! ::error file=examples/a.myna,line=14,col=13,endLine=14,endColumn=15,title=MN102::message%0Ahelp: …
//! ```
//!
//! `::warning` for warnings. Columns count Unicode scalar values and
//! `endColumn` is exclusive, as in the other formats. GitHub takes `col`
//! and `endColumn` only when the finding starts and ends on one line, so
//! they are left out for a finding that spans lines. The file is named as
//! everywhere else (a built-in rulebook as `<builtin>/kenpo.myna`). Values
//! are escaped exactly as `@actions/core` escapes them, after [`visible`]
//! has made control characters visible.
//!
//! GitHub shows at most [`SHOWN`] error and [`SHOWN`] warning annotations
//! per step. When more are printed, a `::notice` at the end says how many
//! were not shown; [`summary`] is a Markdown table of every annotation, which
//! the command line appends to `$GITHUB_STEP_SUMMARY` when it is set.

use super::Report;
use super::chunked::write_ordered_text;
use crate::code::Severity;
use crate::diagnostic::Diagnostic;
use crate::escape::visible;
use crate::text::Lang;
use std::fmt::Write as _;

/// Annotations of each level GitHub shows per step.
pub const SHOWN: usize = 10;

/// Renders one workflow command per diagnostic, then a `::notice` if
/// GitHub will not show them all. `summary_written` says whether the
/// full table went to the job summary, so the notice can point there.
pub fn render_with(report: &Report, summary_written: bool) -> String {
    super::written(
        |out| write_with(out, report, summary_written),
        |_| String::new(),
    )
}

/// [`render_with`] written to `out` as it is drawn, the commands on every
/// core, a few at a time.
pub fn write_with<W: std::io::Write + ?Sized>(
    out: &mut W,
    report: &Report,
    summary_written: bool,
) -> std::io::Result<()> {
    write_ordered_text(out, report.diagnostics, |_, d, text| {
        command(report, d, text);
        Ok(())
    })?;
    out.write_all(notice(report, summary_written).as_bytes())
}

/// The `::notice` that says how many annotations GitHub will not show,
/// if it will not show them all (else nothing). `summary_written` says
/// whether the full table went to the job summary, so the notice can
/// point there.
fn notice(report: &Report, summary_written: bool) -> String {
    let mut out = String::new();
    // Annotations, one per diagnostic: a summary of many findings is one.
    let annotations = |severity| {
        report
            .diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    };
    let hidden = annotations(Severity::Error).saturating_sub(SHOWN)
        + annotations(Severity::Warning).saturating_sub(SHOWN);
    if hidden > 0 {
        let total = report.diagnostics.len();
        let text = match (report.lang, summary_written) {
            (Lang::En, true) => format!(
                "{hidden} of {total} annotations are not shown: GitHub shows {SHOWN} errors and {SHOWN} warnings per step. The job summary lists every one."
            ),
            (Lang::En, false) => format!(
                "{hidden} of {total} annotations are not shown: GitHub shows {SHOWN} errors and {SHOWN} warnings per step. The log above lists every one."
            ),
            (Lang::Ja, true) => format!(
                "{total} 件の注釈のうち {hidden} 件は表示されません (GitHub が 1 ステップで表示するのはエラー {SHOWN} 件、警告 {SHOWN} 件までです)。すべての注釈はジョブの概要 (job summary) にあります。"
            ),
            (Lang::Ja, false) => format!(
                "{total} 件の注釈のうち {hidden} 件は表示されません (GitHub が 1 ステップで表示するのはエラー {SHOWN} 件、警告 {SHOWN} 件までです)。すべての注釈はこのログにあります。"
            ),
        };
        let _ = writeln!(out, "::notice title=mynaflow::{}", escape_data(&text));
    }
    out
}

/// A Markdown summary of every finding for `$GITHUB_STEP_SUMMARY`: a
/// heading with the counts and a table (severity, code, file, line,
/// message). Cells are escaped so a name cannot break the table or
/// inject HTML.
pub fn summary(report: &Report) -> String {
    let (errors, warnings) = (report.errors(), report.warnings());
    let mut out = match report.lang {
        Lang::En => format!(
            "### mynaflow: {errors} error(s), {warnings} warning(s) in {} file(s)\n\n",
            report.files
        ),
        Lang::Ja => format!(
            "### mynaflow: エラー {errors} 件、警告 {warnings} 件 ({} ファイル)\n\n",
            report.files
        ),
    };
    if report.diagnostics.is_empty() {
        return out;
    }
    out.push_str(match report.lang {
        Lang::En => "| | code | file | line | message |\n|---|---|---|---:|---|\n",
        Lang::Ja => "| | コード | ファイル | 行 | メッセージ |\n|---|---|---|---:|---|\n",
    });
    for d in report.diagnostics {
        let p = report.position(d.primary);
        let mark = match (d.severity, report.lang) {
            (Severity::Error, Lang::En) => "❌ error",
            (Severity::Warning, Lang::En) => "⚠️ warning",
            (Severity::Error, Lang::Ja) => "❌ エラー",
            (Severity::Warning, Lang::Ja) => "⚠️ 警告",
        };
        let _ = writeln!(
            out,
            "| {mark} | {} | {} | {} | {} |",
            d.code,
            cell(report.file_name(d.primary)),
            p.line,
            cell(d.message.get(report.lang))
        );
    }
    out
}

/// Text made safe for a Markdown table cell: visible, one line, no `|`,
/// no HTML.
fn cell(s: &str) -> String {
    visible(s)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
}

/// Renders one workflow command per diagnostic.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for d in report.diagnostics {
        command(report, d, &mut out);
    }
    out
}

/// The workflow command of one diagnostic, onto the end of `out`.
fn command(report: &Report, d: &Diagnostic, out: &mut String) {
    let lang = report.lang;
    let p = report.position(d.primary);
    let command = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut props = vec![
        ("file", visible(report.file_name(d.primary)).into_owned()),
        ("line", p.line.to_string()),
    ];
    if p.line == p.end_line {
        props.push(("col", p.column.to_string()));
    }
    props.push(("endLine", p.end_line.to_string()));
    if p.line == p.end_line {
        props.push(("endColumn", p.end_column.to_string()));
    }
    props.push(("title", d.code.as_str().to_string()));
    let mut message = visible(d.message.get(lang)).into_owned();
    if let Some(h) = &d.help {
        message.push('\n');
        message.push_str(super::help_word(lang));
        message.push_str(": ");
        message.push_str(&visible(h.get(lang)));
    }
    out.push_str("::");
    out.push_str(command);
    for (i, (k, v)) in props.iter().enumerate() {
        out.push(if i == 0 { ' ' } else { ',' });
        out.push_str(k);
        out.push('=');
        out.push_str(&escape_property(v));
    }
    out.push_str("::");
    out.push_str(&escape_data(&message));
    out.push('\n');
}

/// Escapes a command's message as `@actions/core` does (`escapeData`):
/// `%`, CR and LF.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value as `@actions/core` does (`escapeProperty`):
/// what [`escape_data`] escapes, and `:` and `,`.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_cannot_break_the_table() {
        assert_eq!(cell("a|b <i>&\n"), "a\\|b &lt;i&gt;&amp;\\u{a}");
    }

    #[test]
    fn data_escapes_percent_first_then_line_breaks() {
        assert_eq!(escape_data("100%"), "100%25");
        assert_eq!(escape_data("a\r\nb"), "a%0D%0Ab");
        // An already escaped sequence is escaped again, not passed through.
        assert_eq!(escape_data("%0A"), "%250A");
        // Colons and commas are left alone in data.
        assert_eq!(escape_data("a: b, c :: d"), "a: b, c :: d");
        assert_eq!(escape_data("課税・非課税情報"), "課税・非課税情報");
    }

    #[test]
    fn properties_also_escape_colon_and_comma() {
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
        assert_eq!(escape_property("C:\\x,y%\n"), "C%3A\\x%2Cy%25%0A");
        assert_eq!(
            escape_property("<builtin>/kenpo.myna"),
            "<builtin>/kenpo.myna"
        );
        assert_eq!(escape_property("::error::"), "%3A%3Aerror%3A%3A");
    }
}
