//! `mynaflow check`.

use super::output::{fail, files_and_problems, session};
use super::{Common, FAILURE, FINDINGS, Format, OK};
use clap::ValueEnum;
use mynaflow::baseline::Baseline;
use mynaflow::code::Code;
use mynaflow::render::{self, Report};
use std::io::Write;
use std::path::PathBuf;

/// The options of `check`.
pub struct Options {
    pub paths: Vec<PathBuf>,
    pub common: Common,
    pub format: Option<Format>,
    pub deny_warnings: bool,
    pub quiet: bool,
    pub baseline: Option<PathBuf>,
    pub write_baseline: Option<PathBuf>,
}

pub fn run(o: &Options) -> u8 {
    let (mut s, settings) = match session(&o.common, &o.paths) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let config = settings.config.as_ref();
    let format = o
        .format
        .or_else(|| {
            config
                .and_then(|c| c.format.as_deref())
                .and_then(|f| Format::from_str(f, true).ok())
        })
        .unwrap_or(Format::Human);
    let deny_warnings = o.deny_warnings || config.is_some_and(|c| c.deny_warnings);
    let baseline_path = o
        .baseline
        .clone()
        .or_else(|| config.and_then(|c| c.baseline.clone()));
    // The walk goes on past an unreadable folder; the run still fails.
    let (files, mut unreadable) = files_and_problems(&o.paths, &settings);
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
    let mut diags = s.sorted_diagnostics();
    // A design whose rulebook could not be loaded was not checked.
    let rulebook_missing = diags.iter().any(|d| d.code == Code::MN013);

    if let Some(path) = &o.write_baseline {
        let b = Baseline::record(&s.sources, &diags, &folder_of(path));
        if let Err(e) = mynaflow::atomic_write::write(path, b.to_json().as_bytes()) {
            fail(&e);
            return FAILURE;
        }
        eprintln!(
            "mynaflow: recorded {} finding(s) in {}",
            b.findings.len(),
            mynaflow::escape::visible(&path.display().to_string())
        );
        return if unreadable || rulebook_missing {
            FAILURE
        } else {
            OK
        };
    }
    if let Some(path) = &baseline_path {
        let b = match mynaflow::input::read_limited(path, mynaflow::baseline::MAX_BYTES)
            .and_then(|b| String::from_utf8(b).map_err(|_| "not UTF-8".to_string()))
            .and_then(|t| Baseline::parse(&t))
        {
            Ok(b) => b,
            Err(e) => {
                fail(&format!("baseline {}: {e}", path.display()));
                return FAILURE;
            }
        };
        let known = b.filter(&s.sources, &mut diags, &folder_of(path));
        if known > 0 && !o.quiet {
            eprintln!(
                "mynaflow: {known} finding(s) recorded in the baseline {} not shown",
                mynaflow::escape::visible(&path.display().to_string())
            );
        }
    }

    let report = Report {
        sources: &s.sources,
        diagnostics: &diags,
        files: files.len(),
        checked: &checked,
        lang: settings.lang,
    };
    let out = match format {
        Format::Human => {
            let mut text = render::human::render(&report, super::color(o.common.color));
            if o.quiet {
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
    if unreadable || rulebook_missing {
        FAILURE
    } else if report.errors() > 0 || (deny_warnings && report.warnings() > 0) {
        FINDINGS
    } else {
        OK
    }
}

/// The folder a baseline file is in: its findings' files are named
/// relative to it.
fn folder_of(baseline: &std::path::Path) -> PathBuf {
    match baseline.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}
