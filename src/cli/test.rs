//! `mynaflow test`: each file's findings against its `# expect:` annotations.

use super::output::{files, session};
use super::{Common, FINDINGS, OK};
use mynaflow::expect::{compare, expectations, reported_at, reported_by};
use mynaflow::text::Lang;
use mynaflow::timings::Timings;
use std::path::PathBuf;
use std::time::Instant;

/// Runs the annotations of every design under `paths`; with `timings`,
/// prints the time of each stage to stderr.
pub fn run(paths: &[PathBuf], timings: bool, common: &Common) -> u8 {
    let (_, settings) = match session(common, paths) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let files = match files(paths, &settings) {
        Ok(f) => f,
        Err(code) => return code,
    };
    let lang = settings.lang;
    let (mut passed, mut failed) = (0, 0);
    let mut out = String::new();
    let mut spent = Timings::default();
    for path in &files {
        // One session per file, so a rulebook's own findings count for the
        // file that loads it, wherever it is tested.
        let mut s = match session(common, paths) {
            Ok((s, _)) => s,
            Err(code) => return code,
        };
        // Every finding is compared, not the hundred a code a check shows
        // (their places, only those shown worded).
        s.keep_places = true;
        let checked = s.check_path(path);
        spent.merge(&s.timings);
        let checked = match checked {
            Ok(c) => c,
            Err(e) => {
                put(&mut out, &format!("FAIL {}: {e}", path.display()));
                failed += 1;
                continue;
            }
        };
        let start = Instant::now();
        let source = s.sources.get(checked.file);
        let expected = match expectations(source) {
            Ok(e) => e,
            Err(errors) => {
                put(&mut out, &format!("FAIL {}", path.display()));
                for e in errors {
                    put(&mut out, &format!("  {e}"));
                }
                failed += 1;
                continue;
            }
        };
        // The messages of what a check words; a summary of findings not
        // shown stands at the first of them, and its words are not theirs.
        let mut by = reported_by(source, checked.file, &s.diagnostics);
        by.retain(|(_, d)| d.more == 0);
        let got = reported_at(source, checked.file, &s.found);
        let m = compare(&expected, &got);
        spent.add("compare", start.elapsed());
        if m.is_empty() {
            passed += 1;
            let (shown, n) = (path.display(), expected.len());
            let ok = mynaflow::text!("ok   {shown} ({n} expected)"; "ok   {shown} (期待 {n} 件)");
            put(&mut out, ok.get(lang));
            continue;
        }
        failed += 1;
        put(&mut out, &format!("FAIL {}", path.display()));
        for (line, code) in m.missing.iter().take(MAX_LISTED) {
            put(
                &mut out,
                mynaflow::text!(
                    "  - line {line}: {code} expected, not reported";
                    "  - {line} 行: {code} を期待しましたが、報告されていません"
                )
                .get(lang),
            );
        }
        more(
            &mut out,
            m.missing.len(),
            "expected, not reported",
            "期待したが報告されていない",
            lang,
        );
        for f @ (line, code) in m.unexpected.iter().take(MAX_LISTED) {
            // The first diagnostic reported for it, found by binary search:
            // one past the hundred of its code a check shows has none.
            let at = by.partition_point(|(g, _)| g < f);
            let msg = by
                .get(at)
                .filter(|(g, _)| g == f)
                .map(|(_, d)| format!(": {}", d.message.get(lang)))
                .unwrap_or_default();
            put(
                &mut out,
                mynaflow::text!(
                    "  + line {line}: {code} reported, not expected{msg}";
                    "  + {line} 行: {code} が期待されずに報告されました{msg}"
                )
                .get(lang),
            );
        }
        more(
            &mut out,
            m.unexpected.len(),
            "reported, not expected",
            "期待されずに報告された",
            lang,
        );
    }
    let summary = mynaflow::text!(
        "{passed} passed, {failed} failed";
        "成功 {passed} 件、失敗 {failed} 件"
    );
    put(&mut out, summary.get(lang));
    spent.time("write", || print!("{out}"));
    if timings {
        eprint!("{}", spent.table());
    }
    if failed > 0 { FINDINGS } else { OK }
}

/// Differences of each kind listed for one file, at most: a design of a
/// million flows without annotations has a hundred thousand findings.
const MAX_LISTED: usize = 100;

/// Counts the differences of one kind past [`MAX_LISTED`], if any.
fn more(out: &mut String, total: usize, en: &str, ja: &str, lang: Lang) {
    let n = total.saturating_sub(MAX_LISTED);
    if n > 0 {
        let line = mynaflow::text!("  … and {n} more {en}"; "  … ほか {n} 件 ({ja})");
        put(out, line.get(lang));
    }
}

/// Adds one line to the output. Every line names input (a file, an
/// annotation's text, a finding's message), so the whole line is escaped:
/// a control character, a lone CR or a bidi override in any of them cannot
/// reach the terminal or forge a CI workflow command.
fn put(out: &mut String, text: &str) {
    out.push_str(&mynaflow::escape::visible(text));
    out.push('\n');
}
