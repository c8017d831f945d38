//! `mynaflow check`.

use super::output::{fail, session};
use super::{Common, FAILURE, FINDINGS, Format, OK};
use mynaflow::render::{self, Report};
use mynaflow::session::collect_files;
use std::io::Write;
use std::path::PathBuf;

pub fn run(
    paths: &[PathBuf],
    common: &Common,
    format: Format,
    deny_warnings: bool,
    quiet: bool,
) -> u8 {
    let mut s = match session(common) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let files = match collect_files(paths) {
        Ok(f) => f,
        Err(e) => {
            fail(&e);
            return FAILURE;
        }
    };
    let mut unreadable = false;
    let mut checked = Vec::new();
    for f in &files {
        match s.check_path(f) {
            Ok(c) => checked.push(c.file),
            Err(e) => {
                fail(&e);
                unreadable = true;
            }
        }
    }
    let diags = s.sorted_diagnostics();
    let report = Report {
        sources: &s.sources,
        diagnostics: &diags,
        files: files.len(),
        checked: &checked,
        lang: super::lang(common.lang),
    };
    let out = match format {
        Format::Human => {
            let mut text = render::human::render(&report, super::color(common.color));
            if quiet {
                let summary = render::human::summary(&report);
                text.truncate(text.len() - summary.len());
            }
            text
        }
        Format::Json => render::json::render(&report),
        Format::Sarif => render::sarif::render(&report),
        Format::Github => render::github::render(&report),
        Format::Junit => render::junit::render(&report),
    };
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    // A design whose rulebook could not be loaded was not checked.
    let rulebook_missing = diags.iter().any(|d| d.code == mynaflow::code::Code::MN013);
    if unreadable || rulebook_missing {
        FAILURE
    } else if report.errors() > 0 || (deny_warnings && report.warnings() > 0) {
        FINDINGS
    } else {
        OK
    }
}
