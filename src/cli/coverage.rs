//! `mynaflow coverage`: which `allow` rules the designs exercise, which none.

use super::output::{fail_in, files, print_fatal, session};
use super::{Common, FAILURE, FINDINGS, OK, ReportFormat as Format};
use mynaflow::code::Code;
use mynaflow::coverage::Coverage;
use mynaflow::render;
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

/// Measures which rules the designs under `paths` exercise; with
/// `timings`, prints the time of each stage to stderr.
pub fn run(
    paths: &[PathBuf],
    fail_under: Option<f64>,
    format: Format,
    timings: bool,
    common: &Common,
) -> u8 {
    let (mut s, settings) = match session(common, paths) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let files = match files(paths, &settings) {
        Ok(f) => f,
        Err(code) => return code,
    };
    // Coverage counts the rules the checks' verdicts name: kept, not
    // worked out again.
    s.keep_computed = true;
    let mut analyses = Vec::new();
    let mut failed = false;
    // Files are read and checked on every core, as `check` does.
    let results = s.check_paths(&files);
    for (f, checked) in files.iter().zip(results) {
        let checked = match checked {
            Ok(c) => c,
            Err(e) => {
                fail_in(settings.lang, &mynaflow::oserror::in_both(&e));
                failed = true;
                continue;
            }
        };
        match checked.analysis {
            // A rulebook among the designs (a folder holding both): skipped.
            None if !s
                .diagnostics
                .iter()
                .any(|d| d.primary.file == checked.file && d.code == Code::MN005) => {}
            None => {
                let shown = mynaflow::escape::visible_owned(f.display().to_string());
                fail_in(
                    settings.lang,
                    &mynaflow::text!("{shown}: not UTF-8"; "{shown}: UTF-8 ではありません"),
                );
                failed = true;
            }
            Some(a) if a.design.rulebook.is_none() => {
                failed = true;
            }
            Some(a) => {
                // Syntax and name errors (MN0xx) leave flows out of the graph.
                let broken = s
                    .diagnostics
                    .iter()
                    .filter(|d| {
                        d.primary.file == checked.file && d.is_error() && d.code.as_str() < "MN100"
                    })
                    .count();
                if broken > 0 {
                    let shown = mynaflow::escape::visible_owned(f.display().to_string());
                    let note = mynaflow::text!(
                        "mynaflow: note: {shown} has {broken} syntax or name error(s) (see `mynaflow check`); flows that did not resolve exercise no rule";
                        "mynaflow: 注記: {shown} には構文または名前のエラーが {broken} 件あります (`mynaflow check` を参照)。名前を解決できないフローはどの規則も使いません"
                    );
                    eprintln!("{}", note.get(settings.lang));
                }
                analyses.push(a);
            }
        }
    }
    if failed {
        print_fatal(&s, settings.lang);
        // A file that is not text was said above.
        if s.diagnostics.iter().any(|d| d.code == Code::MN013) {
            fail_in(
                settings.lang,
                &mynaflow::text::Text::new(
                    "a design's rulebook could not be loaded, so its coverage cannot be measured",
                    "設計のルールブックを読み込めないため、カバレッジを測れません",
                ),
            );
        }
        return FAILURE;
    }
    if analyses.is_empty() {
        fail_in(
            settings.lang,
            &mynaflow::text::Text::new("no design to measure", "測る設計がありません"),
        );
        return FAILURE;
    }
    let coverages = s.timings.time("coverage", || Coverage::compute(&analyses));
    let written = s.timings.time("render+write", || {
        super::stdout::write_with(|out| match format {
            Format::Human => out.write_all(
                render::coverage::human(&coverages, &s.sources, settings.lang).as_bytes(),
            ),
            // Written as drawn: a million flows' listing is never held whole.
            Format::Json => render::coverage::write_json(&coverages, &s.sources, out),
        })
    });
    if timings {
        eprint!("{}", super::timings::table(&s.timings, settings.lang));
    }
    if let Err(e) = written {
        return e.fail(settings.lang);
    }
    let percent = render::coverage::overall(&coverages)
        .percent()
        .unwrap_or(100.0);
    match fail_under {
        Some(min) if percent < min => {
            let below = mynaflow::text!(
                "mynaflow: coverage {percent:.1}% is below --fail-under {min}%";
                "mynaflow: カバレッジ {percent:.1}% が --fail-under の {min}% を下回っています"
            );
            eprintln!("{}", below.get(settings.lang));
            FINDINGS
        }
        _ => OK,
    }
}
