//! `--format junit`: JUnit XML for CI systems that show test reports
//! (GitLab, Jenkins, Azure Pipelines, …).
//!
//! One `<testsuite name="mynaflow">`. Every finding is a `<testcase>`
//! whose `classname` is its file and whose `name` is `CODE line:col`, with
//! `file` and `line` attributes: an error holds a `<failure type="MN102"
//! message="…">` whose body gives the location, labels, notes and help; a
//! warning passes and puts the same text in its `<system-out>`. A checked
//! file without findings is one passing test case named after the file,
//! so a clean run still reports what it checked. Built-in rulebooks have
//! test cases only for findings in them. `tests` counts test cases,
//! `failures` the failing ones, `errors` the `<error>` case of a run that
//! could not do its job (0 or 1). Under `--deny warnings` a warning fails
//! the run, so it is a `<failure>` too; the syntax and name errors a
//! filter hid fail it, so they are one failing case ([`write_run`]): a
//! test report never shows green on a red job. What the run withheld (a
//! config's hidden, excluded or excused findings; folders the walk did
//! not enter; files whose name only reads as a design's) is a
//! `<skipped>` case each, counted in `skipped`.
//!
//! Text passes through [`visible`], is escaped for XML 1.0, and characters
//! XML forbids are dropped. No timestamps: same input, same bytes.

use super::chunked::write_ordered_text;
use super::{BUILTIN_PREFIX, Execution, Report};
use crate::diagnostic::Diagnostic;
use crate::escape::visible;
use crate::span::FileId;
use std::fmt::Write;

/// Renders the report as one JUnit `<testsuite>`.
pub fn render(report: &Report) -> String {
    render_with(report, false)
}

/// [`render`], with warnings failing when `warnings_fail` (`--deny
/// warnings`).
pub fn render_with(report: &Report, warnings_fail: bool) -> String {
    super::written(
        |out| write_with(out, report, warnings_fail),
        |_| String::new(),
    )
}

/// A test case: a checked file without findings, or one finding.
enum Case<'a> {
    Clean(FileId),
    Finding(&'a Diagnostic),
}

/// [`render`] written to `out` as it is drawn, the test cases on every
/// core, a few at a time (with every finding shown, `--max-per-code 0`,
/// a large design's suite is over a hundred megabytes).
pub fn write<W: std::io::Write + ?Sized>(out: &mut W, report: &Report) -> std::io::Result<()> {
    write_with(out, report, false)
}

/// [`write()`], with warnings failing when `warnings_fail` (`--deny
/// warnings`).
pub fn write_with<W: std::io::Write + ?Sized>(
    out: &mut W,
    report: &Report,
    warnings_fail: bool,
) -> std::io::Result<()> {
    write_run(out, report, &|_| warnings_fail, &Execution::default())
}

/// [`write_with`], with how the run went: a run that could not do its
/// job (exit status 2) is one `<error>` test case, `classname` and `name`
/// `mynaflow`, that gives each reason; the syntax and name errors a
/// filter hid (exit status 1) are one failing test case at the first of
/// them, named as a finding there would be, whose `<failure>` says how
/// many were hidden and which codes. Both come before the findings. The
/// warnings of the files `warnings_fail` names fail (`--deny warnings`, or
/// `deny = ["warnings"]` in the config that governs the file, when one run
/// follows several).
pub fn write_run<W: std::io::Write + ?Sized>(
    out: &mut W,
    report: &Report,
    warnings_fail: &(dyn Fn(FileId) -> bool + Sync),
    execution: &Execution,
) -> std::io::Result<()> {
    let fails = |d: &Diagnostic| d.is_error() || warnings_fail(d.primary.file);
    let mut files: Vec<FileId> = report
        .checked
        .iter()
        .copied()
        .filter(|&f| !report.sources.get(f).name.starts_with(BUILTIN_PREFIX))
        .chain(report.diagnostics.iter().map(|d| d.primary.file))
        .collect();
    // In the order of the findings: by name, as paths.
    let rank = crate::merged::file_order(report.sources);
    files.sort_by_key(|f| rank.get(f.0 as usize).copied());
    files.dedup();
    let mut by_file: std::collections::HashMap<FileId, Vec<&Diagnostic>> =
        std::collections::HashMap::new();
    for d in report.diagnostics {
        by_file.entry(d.primary.file).or_default().push(d);
    }
    let mut cases: Vec<Case> = Vec::with_capacity(report.diagnostics.len() + files.len());
    for file in files {
        match by_file.get(&file) {
            None => cases.push(Case::Clean(file)),
            Some(diags) => cases.extend(diags.iter().map(|&d| Case::Finding(d))),
        }
    }
    let run = run_cases(report, execution);
    let tests = cases.len() + run.tests;
    let failed = (cases.iter())
        .filter(|c| matches!(c, Case::Finding(d) if fails(d)))
        .count()
        + run.failures;
    let (errors, skipped) = (run.errors, run.skipped);
    write!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <testsuite name=\"mynaflow\" tests=\"{tests}\" failures=\"{failed}\" errors=\"{errors}\" skipped=\"{skipped}\">\n"
    )?;
    out.write_all(run.xml.as_bytes())?;
    let name_of = |file| attr(&visible(&report.sources.get(file).name));
    write_ordered_text(out, &cases, |_, case, cases| {
        let d = match case {
            Case::Clean(file) => {
                let name = name_of(*file);
                let _ = writeln!(
                    cases,
                    "  <testcase classname=\"{name}\" name=\"{name}\" file=\"{name}\"/>"
                );
                return Ok(());
            }
            Case::Finding(d) => d,
        };
        let name = name_of(d.primary.file);
        let p = report.position(d.primary);
        let _ = writeln!(
            cases,
            "  <testcase classname=\"{name}\" name=\"{} {}:{}\" file=\"{name}\" line=\"{}\">",
            d.code, p.line, p.column, p.line
        );
        let body = describe(report, d, warnings_fail(d.primary.file));
        if fails(d) {
            let _ = writeln!(
                cases,
                "    <failure type=\"{}\" message=\"{}\">{}</failure>",
                d.code,
                attr(&visible(d.message.get(report.lang))),
                text(&body)
            );
        } else {
            let _ = writeln!(cases, "    <system-out>{}</system-out>", text(&body));
        }
        cases.push_str("  </testcase>\n");
        Ok(())
    })?;
    out.write_all(b"</testsuite>\n")
}

/// The test cases of the run itself, drawn, and what they count.
struct RunCases {
    xml: String,
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
}

/// The test cases that say why the run failed beside its findings: an
/// `<error>` for a run that could not do its job, a `<failure>` at the
/// first syntax or name error a filter hid.
fn run_cases(report: &Report, execution: &Execution) -> RunCases {
    let lang = report.lang;
    let mut run = RunCases {
        xml: String::new(),
        tests: 0,
        failures: 0,
        errors: 0,
        skipped: 0,
    };
    if let Some(first) = execution.failures.first() {
        let reasons: Vec<String> = (execution.failures.iter())
            .map(|t| visible(t.get(lang)).into_owned())
            .collect();
        let _ = writeln!(
            run.xml,
            "  <testcase classname=\"mynaflow\" name=\"mynaflow\">\n    \
             <error message=\"{}\">{}\n</error>\n  </testcase>",
            attr(&visible(first.get(lang))),
            text(&reasons.join("\n"))
        );
        run.tests += 1;
        run.errors += 1;
    }
    if let Some(hidden) = &execution.hidden_stops {
        let (code, at) = hidden.first();
        let name = attr(&visible(report.file_name(at)));
        let p = report.position(at);
        let why = crate::wording::run::hidden_stops(hidden, report.sources);
        let why = why.get(lang);
        let _ = writeln!(
            run.xml,
            "  <testcase classname=\"{name}\" name=\"{code} {}:{}\" file=\"{name}\" line=\"{}\">\n    \
             <failure type=\"{code}\" message=\"{}\">{}\n</failure>\n  </testcase>",
            p.line,
            p.column,
            p.line,
            attr(why),
            text(why)
        );
        run.tests += 1;
        run.failures += 1;
    }
    if let Some(w) = &execution.withheld {
        withheld_cases(w, lang, &mut run);
    }
    run
}

/// What the run withheld, as skipped test cases (`classname` `mynaflow`):
/// one per config that hid, excluded or excused something, named after
/// the config; one per folder the walk did not enter that holds designs,
/// named after the folder. `<skipped>` is the one state test report
/// pages show for "not run" beside passed and failed, where a note on
/// the suite (`<properties>`, `<system-out>`) is seldom shown at all.
fn withheld_cases(w: &crate::withheld::Withheld, lang: crate::text::Lang, run: &mut RunCases) {
    use crate::input::display_name;
    let mut case = |name: String, file: Option<&std::path::Path>, why: crate::text::Text| {
        let file = file
            .filter(|f| f.is_relative())
            .map(|f| format!(" file=\"{}\"", attr(&visible(&display_name(f)))))
            .unwrap_or_default();
        let _ = writeln!(
            run.xml,
            "  <testcase classname=\"mynaflow\" name=\"{}\"{file}>\n    \
             <skipped message=\"{}\"/>\n  </testcase>",
            attr(&name),
            attr(&visible(why.get(lang)))
        );
        run.tests += 1;
        run.skipped += 1;
    };
    for b in &w.configs {
        let name = visible(&display_name(&b.config)).into_owned();
        case(
            name,
            Some(&b.config),
            crate::wording::run::withheld_by_config(b),
        );
    }
    for s in &w.skipped {
        let name = format!("{}/", visible(&display_name(&s.folder)));
        let first = s.designs.first().map(std::path::PathBuf::as_path);
        case(name, first, crate::wording::run::skipped_folder(s));
    }
    for f in &w.lookalikes {
        let name = crate::lookalike::shown(&display_name(f));
        case(name, Some(f), crate::wording::run::lookalike(f));
    }
}

/// A finding as plain text: `path:line:col: error[MN102]: message`, then
/// its labels (the primary one first) as `path:line:col: text`, notes and
/// help, indented; a warning that fails the run says why.
fn describe(report: &Report, d: &Diagnostic, warnings_fail: bool) -> String {
    let lang = report.lang;
    let at = |span| {
        let p = report.position(span);
        format!(
            "{}:{}:{}",
            visible(report.file_name(span)),
            p.line,
            p.column
        )
    };
    let mut s = format!(
        "{}: {}[{}]: {}\n",
        at(d.primary),
        super::severity_word(d.severity, lang),
        d.code,
        visible(d.message.get(lang))
    );
    if let Some(l) = &d.primary_label {
        let _ = writeln!(s, "  {}: {}", at(d.primary), visible(l.get(lang)));
    }
    for l in &d.labels {
        let _ = writeln!(s, "  {}: {}", at(l.span), visible(l.message.get(lang)));
    }
    for n in &d.notes {
        let _ = writeln!(s, "  {}: {}", super::note_word(lang), visible(n.get(lang)));
    }
    if warnings_fail && !d.is_error() {
        let why = crate::text!(
            "this warning fails the run: warnings are denied (`--deny warnings`)";
            "警告を不合格とする指定 (`--deny warnings`) により、この警告で実行は失敗します"
        );
        let _ = writeln!(s, "  {}: {}", super::note_word(lang), why.get(lang));
    }
    if let Some(h) = &d.help {
        let _ = writeln!(s, "  {}: {}", super::help_word(lang), visible(h.get(lang)));
    }
    s
}

/// Can this character appear in an XML 1.0 document?
fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Escapes character data (element content).
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().filter(|&c| allowed(c)) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // A bare CR would be read back as LF.
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes an attribute value; white space other than the space is
/// written as a character reference, so a parser does not normalise it.
fn attr(s: &str) -> String {
    text(s).replace('\t', "&#9;").replace('\n', "&#10;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_forbidden_characters() {
        assert_eq!(
            text("a & b <c> \"d\" 'e'"),
            "a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos;"
        );
        assert_eq!(text("x\u{0}\u{1b}[31my\u{FFFE}\u{FFFF}"), "x[31my");
        assert_eq!(text("課税\u{202E}\u{1F600}"), "課税\u{202E}\u{1F600}");
        assert_eq!(text("a\r\nb\tc"), "a&#13;\nb\tc");
        assert_eq!(attr("a\r\nb\tc"), "a&#13;&#10;b&#9;c");
    }
}
