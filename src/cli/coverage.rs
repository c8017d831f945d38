//! `mynaflow coverage`: which `allow` rules the designs exercise, which none.

use super::output::{fail_in, print_fatal};
use super::{Common, FAILURE, FINDINGS, OK, ReportFormat as Format};
use mynaflow::code::Code;
use mynaflow::coverage::Coverage;
use mynaflow::merged::Merged;
use mynaflow::render;
use mynaflow::session::{Analysis, Session};
use mynaflow::source::SourceMap;
use mynaflow::span::FileId;
use mynaflow::text::Lang;
use mynaflow::timings::Timings;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

/// Parses `--fail-under`: a finite percentage, at least 0.
pub fn percentage(s: &str) -> Result<f64, super::usage_error::BadValue> {
    match s.trim_end_matches('%').parse::<f64>() {
        Ok(p) if p.is_finite() && p >= 0.0 => Ok(p),
        // The value is echoed: its control characters made visible.
        _ => Err(super::usage_error::BadValue(mynaflow::text!(
            "`{}` is not a percentage (a number, at least 0)", mynaflow::escape::visible(s);
            "割合ではありません (0 以上の数を指定してください)"
        ))),
    }
}

/// Measures which rules the designs under `paths` exercise, each design
/// checked under the config that governs it (as `check` groups them); with
/// `timings`, prints the time of each stage to stderr.
pub fn run(
    paths: &[PathBuf],
    fail_under: Option<f64>,
    format: Format,
    timings: bool,
    common: &Common,
) -> u8 {
    let (designs, sessions) = match super::groups::designs_and_sessions(common, paths) {
        Ok(x) => x,
        Err(code) => return code,
    };
    // One run, one language: the groups' settings all say it.
    let lang = (designs.settings.first()).map_or_else(|| super::lang(common.lang), |s| s.lang);
    let mut measured = Vec::with_capacity(sessions.len());
    let mut failed = false;
    let by_group = designs.by_group();
    for (i, mut s) in sessions.into_iter().enumerate() {
        let files = by_group.get(i).map_or(&[][..], Vec::as_slice);
        let analyses = measure(&mut s, files, lang, &mut failed);
        measured.push((s, analyses));
    }
    if failed {
        for (s, _) in &measured {
            print_fatal(s, lang);
        }
        // A file that is not text was said above.
        if (measured.iter()).any(|(s, _)| s.diagnostics.iter().any(|d| d.code == Code::MN013)) {
            fail_in(
                lang,
                &mynaflow::text::Text::new(
                    "a design's rulebook could not be loaded, so its coverage cannot be measured",
                    "設計のルールブックを読み込めないため、カバレッジを測れません",
                ),
            );
        }
        return FAILURE;
    }
    if measured.iter().all(|(_, a)| a.is_empty()) {
        fail_in(
            lang,
            &mynaflow::text::Text::new("no design to measure", "測る設計がありません"),
        );
        return FAILURE;
    }
    // What the configs' `exclude` took out and the walks passed over:
    // said on stderr as they were met, and in the JSON document. Coverage
    // reads no `select` or `ignore`, so no finding is hidden.
    let withheld = designs.withheld(&[]);
    let (coverages, sources, mut spent) = joined(measured);
    let written = spent.time("render+write", || {
        super::stdout::write_with(|out| match format {
            Format::Human => {
                out.write_all(render::coverage::human(&coverages, &sources, lang).as_bytes())
            }
            // Written as drawn: a million flows' listing is never held whole.
            Format::Json => {
                let withheld = withheld.as_ref().map(|w| (w, lang));
                render::coverage::write_json_run(&coverages, &sources, withheld, out)
            }
        })
    });
    if timings {
        eprint!("{}", super::timings::table(&spent, lang));
    }
    if let Err(e) = written {
        return e.fail(lang);
    }
    // The whole run is judged: every rulebook of every group.
    let percent = render::coverage::overall(&coverages)
        .percent()
        .unwrap_or(100.0);
    match fail_under {
        Some(min) if percent < min => {
            let below = mynaflow::text!(
                "mynaflow: coverage {percent:.1}% is below --fail-under {min}%";
                "mynaflow: カバレッジ {percent:.1}% が --fail-under の {min}% を下回っています"
            );
            eprintln!("{}", below.get(lang));
            FINDINGS
        }
        _ => OK,
    }
}

/// The coverages of the groups' analyses (each group's session, and its
/// designs measured, each with its path), the files they name, and the time
/// spent: one group's as its session gives them (the common run, not
/// copied), several's joined in one map as one run's
/// ([`mynaflow::coverage::join`]).
fn joined(mut measured: Vec<(Session, Vec<Measured>)>) -> (Vec<Coverage>, SourceMap, Timings) {
    if measured.len() == 1
        && let Some((mut s, analyses)) = measured.pop()
    {
        let coverages = s.timings.time("coverage", || {
            Coverage::compute(analyses.iter().map(|(_, a)| a))
        });
        return (coverages, s.sources, s.timings);
    }
    let mut spent = Timings::default();
    let mut merged = Merged::new();
    let mut all = Vec::new();
    // Where each design comes in the run: its path among all the run's.
    let mut at: HashMap<FileId, PathBuf> = HashMap::new();
    for (mut s, analyses) in measured {
        let coverages = s.timings.time("coverage", || {
            Coverage::compute(analyses.iter().map(|(_, a)| a))
        });
        spent.merge(&s.timings);
        let ids = merged.absorb(&s.sources);
        for (path, a) in analyses {
            at.insert(ids.file(a.design.file), path);
        }
        for mut c in coverages {
            c.rename(&ids);
            all.push(c);
        }
    }
    let mut order: Vec<(&PathBuf, FileId)> = at.iter().map(|(f, p)| (p, *f)).collect();
    order.sort();
    let rank: HashMap<FileId, usize> = (order.iter().enumerate())
        .map(|(i, (_, f))| (*f, i))
        .collect();
    let coverages = mynaflow::coverage::join(all, &merged.sources, |f| {
        rank.get(&f).copied().unwrap_or(usize::MAX)
    });
    (coverages, merged.sources, spent)
}

/// A design measured: its path, and its analysis.
type Measured = (PathBuf, Analysis);

/// Checks `files` in `s` (on every core, as `check` does) and gives the
/// analyses of the designs whose coverage can be measured, each with its
/// path; sets `failed`,
/// said, when one cannot be (a file not read or not text, a design whose
/// rulebook could not be loaded).
fn measure(s: &mut Session, files: &[PathBuf], lang: Lang, failed: &mut bool) -> Vec<Measured> {
    // Coverage counts the rules the checks' verdicts name: kept, not
    // worked out again.
    s.keep_computed = true;
    let mut analyses = Vec::new();
    let results = s.check_paths(files);
    // Read once, not once a file: a run over 20 000 files with a finding
    // each scanned every finding for every file.
    let mut unread = HashSet::new();
    let mut broken: HashMap<FileId, usize> = HashMap::new();
    for d in &s.diagnostics {
        if d.code == Code::MN005 {
            unread.insert(d.primary.file);
        }
        // Syntax and name errors (MN0xx) leave flows out of the graph.
        if d.is_error() && d.code.as_str() < "MN100" {
            *broken.entry(d.primary.file).or_default() += 1;
        }
    }
    for (f, checked) in files.iter().zip(results) {
        let checked = match checked {
            Ok(c) => c,
            Err(e) => {
                fail_in(lang, &mynaflow::oserror::in_both(&e));
                *failed = true;
                continue;
            }
        };
        match checked.analysis {
            // A rulebook among the designs (a folder holding both): skipped.
            None if !unread.contains(&checked.file) => {}
            None => {
                let shown = mynaflow::escape::visible_owned(f.display().to_string());
                fail_in(
                    lang,
                    &mynaflow::text!("{shown}: not UTF-8"; "{shown}: UTF-8 ではありません"),
                );
                *failed = true;
            }
            Some(a) if a.design.rulebook.is_none() => {
                *failed = true;
            }
            Some(a) => {
                let broken = broken.get(&checked.file).copied().unwrap_or(0);
                if broken > 0 {
                    let shown = mynaflow::escape::visible_owned(f.display().to_string());
                    let note = mynaflow::text!(
                        "mynaflow: note: {shown} has {broken} syntax or name error(s) (see `mynaflow check`); flows that did not resolve exercise no rule";
                        "mynaflow: 注記: {shown} には構文または名前のエラーが {broken} 件あります (`mynaflow check` を参照)。名前を解決できないフローはどの規則も使いません"
                    );
                    eprintln!("{}", note.get(lang));
                }
                analyses.push((f.clone(), a));
            }
        }
    }
    analyses
}
