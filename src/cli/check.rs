//! `mynaflow check`.

use super::output::{fail, files, session};
use super::{Common, FAILURE, FINDINGS, Format, OK};
use clap::ValueEnum;
use mynaflow::baseline::Baseline;
use mynaflow::code::Code;
use mynaflow::render::{self, Report};
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

/// The options of `check`.
pub struct Options {
    pub paths: Vec<PathBuf>,
    pub common: Common,
    pub format: Option<Format>,
    pub deny_warnings: bool,
    pub quiet: bool,
    pub baseline: Option<PathBuf>,
    pub write_baseline: Option<PathBuf>,
    pub timings: bool,
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
    let files = match files(&o.paths, &settings) {
        Ok(f) => f,
        Err(code) => return code,
    };
    let mut unreadable = false;
    let mut checked = Vec::new();
    let results = s.check_paths(&files);
    let start = Instant::now();
    for c in results {
        match c {
            Ok(c) => checked.push(c.file),
            Err(e) => {
                fail(&e);
                unreadable = true;
            }
        }
    }
    s.timings.add("free model", start.elapsed());
    let start = Instant::now();
    let mut diags = s.sorted_diagnostics();
    s.timings.add("sort", start.elapsed());
    // A design whose rulebook could not be loaded was not checked.
    let rulebook_missing = diags.iter().any(|d| d.code == Code::MN013);

    if let Some(path) = &o.write_baseline {
        let b = Baseline::record(&s.sources, &diags, &folder_of(path));
        if let Err(e) = std::fs::write(path, b.to_json()) {
            fail(&format!("{}: {e}", path.display()));
            return FAILURE;
        }
        eprintln!(
            "mynaflow: recorded {} finding(s) in {}",
            b.findings.len(),
            path.display()
        );
        return if unreadable || rulebook_missing {
            FAILURE
        } else {
            OK
        };
    }
    if let Some(path) = &baseline_path {
        let b = match std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
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
                path.display()
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
    let start = Instant::now();
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
    s.timings.add("render", start.elapsed());
    let start = Instant::now();
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    s.timings.add("write", start.elapsed());
    if o.timings {
        eprint!("{}", s.timings.table());
    }
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
