//! `--format gitlab`: a GitLab Code Quality report (a JSON array of
//! issues, the subset of the Code Climate format GitLab reads), for a
//! job's `artifacts:reports:codequality`.
//!
//! Each issue has `description`, `check_name` (the code), `fingerprint`
//! (the tool's own, as in SARIF: code, file, line text and span text with
//! an occurrence number, so an issue keeps its identity when lines move),
//! `severity` (`major` for an error, `minor` for a warning) and
//! `location.path` with `location.lines.begin`. Paths are as shown
//! elsewhere: run from the repository root so GitLab finds the files. The
//! syntax and name errors a filter hid are one issue more ([`write_run`]);
//! what the run withheld (a config's hidden, excluded or excused findings,
//! a folder the walk did not enter, a file whose name only reads as a
//! design's) a `minor` issue each.

use super::{Execution, Report, json_pretty};
use crate::code::{Code, Severity};
use crate::diagnostic::Diagnostic;
use crate::escape::visible;
use crate::hidden_stops::HiddenStops;
use crate::span::Span;
use serde::Serialize;

#[derive(Serialize)]
struct Issue {
    #[serde(rename = "type")]
    kind: &'static str,
    description: String,
    check_name: &'static str,
    fingerprint: String,
    severity: &'static str,
    location: Location,
}

#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
    end: usize,
}

/// Renders the report as a pretty-printed JSON array with a trailing
/// newline.
pub fn render(report: &Report) -> String {
    super::written(|out| write(out, report), |_| "[]\n".to_string())
}

/// [`render`] written to `out` as it is drawn, the issues on every core,
/// a few at a time.
pub fn write<W: std::io::Write + ?Sized>(out: &mut W, report: &Report) -> std::io::Result<()> {
    write_run(out, report, &Execution::default())
}

/// What an issue is drawn from: a finding with its fingerprint, or the
/// syntax and name errors a filter hid.
enum Entry<'a> {
    Finding(&'a Diagnostic, String),
    Hidden(&'a HiddenStops),
    /// What the run withheld, its words, and the file it is about.
    Withheld(crate::text::Text, Option<&'a std::path::Path>),
}

/// [`write()`], with how the run went: the syntax and name errors a filter
/// hid fail the run (exit status 1) though no issue shown is about them,
/// so they are one issue of their own, first, at the first of them
/// (`check_name` its code, `severity` `major`, the fingerprint the first
/// one's with `:hidden` for its occurrence number, so it is not taken for
/// that finding). A reason the run could not do its job (exit status 2)
/// has no place in the code, which an issue must have: standard error
/// says it, and the job fails.
pub fn write_run<W: std::io::Write + ?Sized>(
    out: &mut W,
    report: &Report,
    execution: &Execution,
) -> std::io::Result<()> {
    // The one thing an issue takes from those before it, worked out first.
    let fingerprints = crate::fingerprint::numbered(report.sources, report.diagnostics);
    let findings = (report.diagnostics.iter().zip(fingerprints)).map(|(d, f)| Entry::Finding(d, f));
    let issues: Vec<Entry> = (execution.hidden_stops.iter().map(Entry::Hidden))
        .chain(execution.withheld.iter().flat_map(withheld))
        .chain(findings)
        .collect();
    json_pretty::array(out, &issues, |entry| match entry {
        Entry::Finding(d, fingerprint) => issue(
            report,
            d.code,
            d.primary,
            format!("{}: {}", d.code, visible(d.message.get(report.lang))),
            fingerprint.clone(),
            d.severity,
        ),
        Entry::Hidden(hidden) => {
            let (code, at) = hidden.first();
            let why = crate::wording::run::hidden_stops(hidden, report.sources);
            let fingerprint = crate::fingerprint::of(report.sources, code, at);
            issue(
                report,
                code,
                at,
                why.get(report.lang).to_string(),
                format!("{fingerprint:016x}:hidden"),
                Severity::Error,
            )
        }
        Entry::Withheld(why, file) => withheld_issue(why.get(report.lang), *file),
    })?;
    out.write_all(b"\n")
}

/// What the run withheld, an entry each: a config that hid, excluded or
/// excused something (at the config), a folder the walk did not enter
/// that holds designs (at the first of them).
fn withheld(w: &crate::withheld::Withheld) -> Vec<Entry<'_>> {
    let configs = (w.configs.iter())
        .map(|b| Entry::Withheld(crate::wording::run::withheld_by_config(b), Some(&b.config)));
    let skipped = w.skipped.iter().map(|s| {
        let first = s.designs.first().map(std::path::PathBuf::as_path);
        Entry::Withheld(crate::wording::run::skipped_folder(s), first)
    });
    let lookalikes = (w.lookalikes.iter())
        .map(|f| Entry::Withheld(crate::wording::run::lookalike(f), Some(f.as_path())));
    configs.chain(skipped).chain(lookalikes).collect()
}

/// The issue of something the run withheld: `minor`, as a warning is
/// (the run did its job), on the first line of `file`, `check_name`
/// `withheld`. Its fingerprint is the file's, not the counts', so the
/// issue keeps its identity while they change.
fn withheld_issue(description: &str, file: Option<&std::path::Path>) -> Issue {
    let path = file.map_or_else(String::new, |f| {
        visible(&crate::input::display_name(f)).into_owned()
    });
    let mut h = crate::fingerprint::Fnv1a::new();
    h.write(b"withheld\0");
    h.write(path.as_bytes());
    Issue {
        kind: "issue",
        description: visible(description).into_owned(),
        check_name: "withheld",
        fingerprint: format!("{:016x}:withheld", h.finish()),
        severity: "minor",
        location: Location {
            path,
            lines: Lines { begin: 1, end: 1 },
        },
    }
}

/// One issue, at `at`.
fn issue(
    report: &Report,
    code: Code,
    at: Span,
    description: String,
    fingerprint: String,
    severity: Severity,
) -> Issue {
    let p = report.position(at);
    Issue {
        kind: "issue",
        description,
        check_name: code.as_str(),
        fingerprint,
        severity: match severity {
            Severity::Error => "major",
            Severity::Warning => "minor",
        },
        location: Location {
            path: visible(report.file_name(at)).into_owned(),
            lines: Lines {
                begin: p.line,
                end: p.end_line,
            },
        },
    }
}
