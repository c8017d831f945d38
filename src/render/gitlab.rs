//! `--format gitlab`: a GitLab Code Quality report (a JSON array of
//! issues, the subset of the Code Climate format GitLab reads), for a
//! job's `artifacts:reports:codequality`.
//!
//! Each issue has `description`, `check_name` (the code), `fingerprint`
//! (the tool's own, as in SARIF: code, file, line text and span text with
//! an occurrence number, so an issue keeps its identity when lines move),
//! `severity` (`major` for an error, `minor` for a warning) and
//! `location.path` with `location.lines.begin`. Paths are as shown
//! elsewhere: run from the repository root so GitLab finds the files.

use super::{Report, json_pretty};
use crate::code::Severity;
use crate::diagnostic::Diagnostic;
use crate::escape::visible;
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
    // The one thing an issue takes from those before it, worked out first.
    let fingerprints = crate::fingerprint::numbered(report.sources, report.diagnostics);
    let issues: Vec<(&Diagnostic, String)> = report.diagnostics.iter().zip(fingerprints).collect();
    json_pretty::array(out, &issues, |(d, fingerprint)| {
        let p = report.position(d.primary);
        Issue {
            kind: "issue",
            description: format!("{}: {}", d.code, visible(d.message.get(report.lang))),
            check_name: d.code.as_str(),
            fingerprint: fingerprint.clone(),
            severity: match d.severity {
                Severity::Error => "major",
                Severity::Warning => "minor",
            },
            location: Location {
                path: visible(report.file_name(d.primary)).into_owned(),
                lines: Lines {
                    begin: p.line,
                    end: p.end_line,
                },
            },
        }
    })?;
    out.write_all(b"\n")
}
