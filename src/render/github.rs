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
//!
//! A run that fails where no finding shown says so ([`Execution`]: it
//! could not do its job, or a filter hid syntax and name errors) says why
//! first, as `::error title=mynaflow::…` ([`write_run`]), and under the
//! summary's heading ([`summary_run`]). What the run withheld (a config's
//! hidden, excluded or excused findings; folders the walk did not enter;
//! files whose name only reads as a design's) follows, as `::warning
//! title=mynaflow::…` on the config, the first design skipped or the
//! file, and a `⚠️` line under the heading.

use super::chunked::write_ordered_text;
use super::{Execution, Report};
use crate::code::Severity;
use crate::diagnostic::Diagnostic;
use crate::escape::visible;
use crate::span::Span;
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
    write_run(out, report, summary_written, &Execution::default())
}

/// [`write_with`], with how the run went: first an `::error` for each
/// reason the run could not do its job (exit status 2), and one at the
/// first syntax or name error a filter hid (exit status 1), so that
/// GitHub, which shows the first [`SHOWN`] errors of a step, shows them.
pub fn write_run<W: std::io::Write + ?Sized>(
    out: &mut W,
    report: &Report,
    summary_written: bool,
    execution: &Execution,
) -> std::io::Result<()> {
    let run = run_commands(report, execution);
    out.write_all(run.as_bytes())?;
    let warned = withheld_commands(report.lang, execution);
    out.write_all(warned.as_bytes())?;
    write_ordered_text(out, report.diagnostics, |_, d, text| {
        command(report, d, text);
        Ok(())
    })?;
    let extra = (run.lines().count(), warned.lines().count());
    out.write_all(notice(report, summary_written, extra).as_bytes())
}

/// The run's own `::warning` commands (titled `mynaflow`) for what it
/// withheld: one per config that hid, excluded or excused something, on
/// the config file; one per folder the walk did not enter that holds
/// designs, on the first of them. A file outside the folder the run
/// started in is not one of the pull request's: named in the message
/// only.
fn withheld_commands(lang: Lang, execution: &Execution) -> String {
    let mut out = String::new();
    let Some(w) = &execution.withheld else {
        return out;
    };
    let on = |file: Option<&std::path::Path>| {
        let mut props = Vec::new();
        if let Some(f) = file.filter(|f| f.is_relative()) {
            let shown = visible(&crate::input::display_name(f)).into_owned();
            props.push(("file", shown));
        }
        props.push(("title", "mynaflow".to_string()));
        props
    };
    for b in &w.configs {
        let why = crate::wording::run::withheld_by_config(b);
        workflow(&mut out, "warning", &on(Some(&b.config)), why.get(lang));
    }
    for s in &w.skipped {
        let why = crate::wording::run::skipped_folder(s);
        let first = s.designs.first().map(std::path::PathBuf::as_path);
        workflow(&mut out, "warning", &on(first), why.get(lang));
    }
    for f in &w.lookalikes {
        let why = crate::wording::run::lookalike(f);
        workflow(&mut out, "warning", &on(Some(f)), why.get(lang));
    }
    out
}

/// Each line what the run withheld adds to the job summary, after the
/// reasons it failed.
fn withheld_lines(lang: Lang, execution: &Execution) -> Vec<String> {
    let Some(w) = &execution.withheld else {
        return Vec::new();
    };
    let configs = w
        .configs
        .iter()
        .map(crate::wording::run::withheld_by_config);
    let skipped = w.skipped.iter().map(crate::wording::run::skipped_folder);
    let lookalikes = (w.lookalikes.iter()).map(|f| crate::wording::run::lookalike(f));
    (configs.chain(skipped).chain(lookalikes))
        .map(|t| t.get(lang).to_string())
        .collect()
}

/// The run's own `::error` commands (titled `mynaflow`): each reason it
/// could not do its job, without a place; the syntax and name errors a
/// filter hid, at the first of them.
fn run_commands(report: &Report, execution: &Execution) -> String {
    let lang = report.lang;
    let mut out = String::new();
    let title = ("title", "mynaflow".to_string());
    for failure in &execution.failures {
        let why = visible(failure.get(lang));
        workflow(&mut out, "error", std::slice::from_ref(&title), &why);
    }
    if let Some(hidden) = &execution.hidden_stops {
        let (_, at) = hidden.first();
        let mut props = place(report, at);
        props.push(title);
        let why = crate::wording::run::hidden_stops(hidden, report.sources);
        workflow(&mut out, "error", &props, why.get(lang));
    }
    out
}

/// Each line the run's failures add to the job summary, before the
/// table.
fn run_lines(report: &Report, execution: &Execution) -> Vec<String> {
    let lang = report.lang;
    let mut lines: Vec<String> = (execution.failures.iter())
        .map(|t| t.get(lang).to_string())
        .collect();
    if let Some(hidden) = &execution.hidden_stops {
        let why = crate::wording::run::hidden_stops(hidden, report.sources);
        lines.push(why.get(lang).to_string());
    }
    lines
}

/// The `::notice` that says how many annotations GitHub will not show,
/// if it will not show them all (else nothing). `summary_written` says
/// whether the full table went to the job summary, so the notice can
/// point there.
/// `run_errors`, `run_warnings`: the run's own `::error` and `::warning`
/// commands, before the findings'.
fn notice(
    report: &Report,
    summary_written: bool,
    (run_errors, run_warnings): (usize, usize),
) -> String {
    let mut out = String::new();
    // Annotations, one per diagnostic: a summary of many findings is one.
    let annotations = |severity| {
        report
            .diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    };
    let hidden = (annotations(Severity::Error) + run_errors).saturating_sub(SHOWN)
        + (annotations(Severity::Warning) + run_warnings).saturating_sub(SHOWN);
    if hidden > 0 {
        let total = report.diagnostics.len() + run_errors + run_warnings;
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
    summary_run(report, &Execution::default())
}

/// [`summary`], with how the run went: each reason it failed beside its
/// findings (it could not do its job; a filter hid syntax or name errors)
/// as a line of its own under the heading, marked as an error.
pub fn summary_run(report: &Report, execution: &Execution) -> String {
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
    let run = run_lines(report, execution);
    for line in &run {
        let _ = writeln!(out, "❌ {}\n", cell(line));
    }
    for line in withheld_lines(report.lang, execution) {
        let _ = writeln!(out, "⚠️ {}\n", cell(&line));
    }
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

/// Text made safe for a Markdown table cell of the job summary: visible,
/// one line, and nothing in it read as Markdown or HTML. Names and labels
/// of a design reach it, and GitHub renders the summary, so a name could
/// otherwise draw a link, an image from another site, or bold text that
/// says the run passed. Every ASCII punctuation character is escaped with
/// a backslash, which Markdown allows before any of them and renders as
/// the character alone: emphasis, links, images, code spans, `|` (which
/// would end the cell) and the backslash itself. This also breaks the
/// links GitHub makes of bare addresses (`https://…`, `www.…`, `a@b.c`),
/// as each needs its `:`, `.` or `@` unescaped. `&`, `<` and `>` are
/// written as HTML entities, so no tag or entity of the input is read.
/// (Code spans would need their fence longer than any run of backticks
/// inside, and would show the whole message, the tool's words too, as
/// code.)
fn cell(s: &str) -> String {
    crate::escape::markdown_text(s)
}

/// Renders one workflow command per diagnostic.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for d in report.diagnostics {
        command(report, d, &mut out);
    }
    out
}

/// The properties that place an annotation on a span: `file`, `line`,
/// `endLine`, and the columns when it starts and ends on one line (GitHub
/// takes them only then).
fn place(report: &Report, at: Span) -> Vec<(&'static str, String)> {
    let p = report.position(at);
    let mut props = vec![
        ("file", visible(report.file_name(at)).into_owned()),
        ("line", p.line.to_string()),
    ];
    if p.line == p.end_line {
        props.push(("col", p.column.to_string()));
    }
    props.push(("endLine", p.end_line.to_string()));
    if p.line == p.end_line {
        props.push(("endColumn", p.end_column.to_string()));
    }
    props
}

/// The workflow command of one diagnostic, onto the end of `out`.
fn command(report: &Report, d: &Diagnostic, out: &mut String) {
    let lang = report.lang;
    let command = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut props = place(report, d.primary);
    props.push(("title", d.code.as_str().to_string()));
    let mut message = visible(d.message.get(lang)).into_owned();
    if let Some(h) = &d.help {
        message.push('\n');
        message.push_str(super::help_word(lang));
        message.push_str(": ");
        message.push_str(&visible(h.get(lang)));
    }
    workflow(out, command, &props, &message);
}

/// One workflow command, `::command k=v,…::message`, onto the end of
/// `out`, its values escaped as the toolkit escapes them.
fn workflow(out: &mut String, command: &str, props: &[(&str, String)], message: &str) {
    out.push_str("::");
    out.push_str(command);
    for (i, (k, v)) in props.iter().enumerate() {
        out.push(if i == 0 { ' ' } else { ',' });
        out.push_str(k);
        out.push('=');
        out.push_str(&escape_property(v));
    }
    out.push_str("::");
    out.push_str(&escape_data(message));
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
        assert_eq!(cell("a|b <i>&\n"), "a\\|b &lt;i&gt;&amp;\\\\u\\{a\\}");
    }

    #[test]
    fn cells_hold_no_markdown() {
        assert_eq!(
            cell("**ok** [x](https://e.example/a) ![i](www.e.example) `c` _u_ ~s~ #1 a@b.c \\"),
            "\\*\\*ok\\*\\* \\[x\\]\\(https\\:\\/\\/e\\.example\\/a\\) \\!\\[i\\]\\(www\\.e\\.example\\) \\`c\\` \\_u\\_ \\~s\\~ \\#1 a\\@b\\.c \\\\"
        );
        // Japanese and other text is as it was.
        assert_eq!(cell("課税・非課税情報 → 組合"), "課税・非課税情報 → 組合");
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
