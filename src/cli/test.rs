//! `mynaflow test`: each file's findings against its `# expect:` annotations.

use super::output::{Settings, Unchecked, fail_in, try_session_for};
use super::{Common, FAILURE, FINDINGS, OK};
use mynaflow::diagnostic::Diagnostic;
use mynaflow::expect::{compare, expectations, reported_at, reported_by};
use mynaflow::rulebook_shelf::RulebookShelf;
use mynaflow::session::in_order;
use mynaflow::source::SourceFile;
use mynaflow::span::FileId;
use mynaflow::text::{Lang, Text};
use mynaflow::timings::Timings;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

/// Runs the annotations of every design under `paths`; with `timings`,
/// prints the time of each stage to stderr.
pub fn run(paths: &[PathBuf], timings: bool, common: &Common) -> u8 {
    // Each design under the config that governs it.
    let (settings, files) = match super::groups::designs_with_settings(common, paths) {
        Ok(d) => (d.settings, d.files),
        Err(code) => return code,
    };
    // Each file tested on whichever core takes it (a folder of many
    // designs was tested one file at a time, on one core), its lines
    // printed in the files' order.
    // Each session takes the rulebooks another has loaded (1 700 designs
    // sharing one rulebook loaded it 1 700 times), whatever its config: a
    // loaded rulebook is a function of its source, text and file id alone,
    // and a config in every folder made a shelf for each one design.
    let shelf = Arc::new(RulebookShelf::new());
    let tested = in_order(&files, |(p, i)| test_file(p, &settings[*i], &shelf));
    let lang = settings
        .first()
        .map_or_else(|| super::lang(common.lang), |s| s.lang);
    let (mut passed, mut failed, mut unread) = (0, 0, 0);
    let mut unchecked = Unchecked::default();
    let mut out = String::new();
    let mut spent = Timings::default();
    for t in tested {
        // A rulebook the first session could use and this one cannot (it
        // changed on disk): the run cannot do its job.
        let t = match t {
            Ok(t) => t,
            Err(why) => {
                fail_in(lang, &why);
                return FAILURE;
            }
        };
        out.push_str(&t.lines);
        spent.merge(&t.spent);
        if let Some(code) = t.unchecked {
            unchecked.add(code);
        }
        unread += usize::from(t.unread);
        if t.passed {
            passed += 1;
        } else {
            failed += 1;
        }
    }
    let summary = mynaflow::text!(
        "{passed} passed, {failed} failed";
        "成功 {passed} 件、失敗 {failed} 件"
    );
    put(&mut out, summary.get(lang));
    let printed = spent.time("write", || super::stdout::print(&out));
    if timings {
        eprint!("{}", super::timings::table(&spent, lang));
    }
    match printed {
        Err(e) => e.fail(lang),
        // A file not read, or a design not checked (not text, or its
        // rulebook not loaded): the run could not do its job, as `check`
        // could not.
        Ok(()) if unchecked.any() || unread > 0 => {
            if unread > 0 {
                let why = mynaflow::text!(
                    "{unread} file(s) could not be read";
                    "{unread} 件のファイルを読めませんでした"
                );
                fail_in(lang, &why);
            }
            if unchecked.any() {
                fail_in(lang, &unchecked.words());
            }
            FAILURE
        }
        Ok(()) if failed > 0 => FINDINGS,
        Ok(()) => OK,
    }
}

/// What testing one file found.
struct Tested {
    /// Whether its findings are those its annotations expect (never
    /// when it is `unchecked`).
    passed: bool,
    /// The code of the finding that says it was not checked (not text,
    /// or its rulebook not loaded), if it was not.
    unchecked: Option<mynaflow::code::Code>,
    /// Whether it could not be read at all.
    unread: bool,
    /// Its lines of the output.
    lines: String,
    /// The time of each stage.
    spent: Timings,
}

/// Checks one file in a session of its own (so a rulebook's own findings
/// count for the file that loads it, wherever it is tested) and compares
/// its findings with its annotations; why not, when there is no session.
fn test_file(path: &Path, settings: &Settings, shelf: &Arc<RulebookShelf>) -> Result<Tested, Text> {
    let lang = settings.lang;
    let mut out = String::new();
    let mut spent = Timings::default();
    // Named as `check` names it, and the rulebook it uses (`a.myna` for
    // `./a.myna`, found in `.`).
    let shown = mynaflow::input::display_name(path);
    let failed = |mut out: String, spent: Timings, why: &str| {
        let why = mynaflow::oserror::in_both(why);
        put(
            &mut out,
            &format!("{}: {}", failed_word(lang, &shown), why.get(lang)),
        );
        Tested {
            passed: false,
            unchecked: None,
            unread: true,
            lines: out,
            spent,
        }
    };
    let mut s = try_session_for(settings, Some(shelf))?;
    // Every finding is compared, not the hundred a code a check shows
    // (their places, only those shown worded).
    s.keep_places = true;
    let checked = s.check_path(path);
    spent.merge(&s.timings);
    let checked = match checked {
        Ok(c) => c,
        Err(e) => return Ok(failed(out, spent, &e)),
    };
    let start = Instant::now();
    let source = s.sources.get(checked.file);
    // Nothing is known of the flows of a design that was not checked (not
    // text, or its rulebook not loaded): it fails, whatever it expects (a
    // pinned MN013 included), and says why first.
    let unchecked_by = (s.found.iter())
        .find(|(c, _)| c.leaves_design_unchecked())
        .map(|&(c, _)| c);
    let unchecked = unchecked_by.map(|_| not_checked(source, checked.file, &s.diagnostics));
    let expected = match expectations(source) {
        Ok(e) => e,
        Err(errors) => {
            put(&mut out, &failed_word(lang, &shown));
            if let Some(why) = &unchecked {
                put(&mut out, why.get(lang));
            }
            for e in errors {
                put(&mut out, &format!("  {}", e.get(lang)));
            }
            return Ok(Tested {
                passed: false,
                unchecked: unchecked_by,
                unread: false,
                lines: out,
                spent,
            });
        }
    };
    // The messages of what a check words; a summary of findings not
    // shown stands at the first of them, and its words are not theirs.
    let mut by = reported_by(source, checked.file, &s.diagnostics);
    by.retain(|(_, d)| d.more == 0);
    let got = reported_at(source, checked.file, &s.found);
    let m = compare(&expected, &got);
    spent.add("compare", start.elapsed());
    if m.is_empty() && unchecked.is_none() {
        let n = expected.len();
        let ok = mynaflow::text!("ok   {shown} ({n} expected)"; "成功 {shown} (期待 {n} 件)");
        put(&mut out, ok.get(lang));
        return Ok(Tested {
            passed: true,
            unchecked: None,
            unread: false,
            lines: out,
            spent,
        });
    }
    put(&mut out, &failed_word(lang, &shown));
    if let Some(why) = &unchecked {
        put(&mut out, why.get(lang));
    }
    for (line, code) in m.missing.iter().take(MAX_LISTED) {
        put(
            &mut out,
            mynaflow::text!(
                "  - line {line}: {code} expected, not reported";
                "  - {line} 行目: {code} を期待しましたが、報告されていません"
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
                "  + {line} 行目: 期待していない {code} が報告されました{msg}"
            )
            .get(lang),
        );
    }
    more(
        &mut out,
        m.unexpected.len(),
        "reported, not expected",
        "期待していないのに報告された",
        lang,
    );
    Ok(Tested {
        passed: false,
        unchecked: unchecked_by,
        unread: false,
        lines: out,
        spent,
    })
}

/// The line that says why a design that was not checked fails: the
/// finding that says so (MN005, MN013), where it is, and what it means.
fn not_checked(source: &SourceFile, file: FileId, diagnostics: &[Diagnostic]) -> Text {
    let what = unchecked_finding(source, file, diagnostics);
    let (en, ja) = (&what.en, &what.ja);
    if not_text(diagnostics) {
        return mynaflow::text!(
            "  {en}: the file is not UTF-8 text, so the design was not checked and nothing is known of its flows; it fails whatever it expects";
            "  {ja}。UTF-8 のテキストファイルではないため設計を検査しておらず、フローの判定はわからないので、期待の内容にかかわらず失敗とします"
        );
    }
    mynaflow::text!(
        "  {en}: the design was not checked against its rulebook, so nothing is known of its flows; it fails whatever it expects";
        "  {ja}。ルールブックと照合していないため、フローの判定はわからず、期待の内容にかかわらず失敗とします"
    )
}

/// Whether what left a design unchecked is that its file is not text
/// (MN005), rather than its rulebook (MN013).
pub(super) fn not_text(diagnostics: &[Diagnostic]) -> bool {
    (diagnostics.iter())
        .find(|d| d.code.leaves_design_unchecked())
        .is_some_and(|d| d.code == mynaflow::code::Code::MN005)
}

/// The finding that says a design was not checked (MN005, MN013): its
/// line in the design, its message and its code.
pub(super) fn unchecked_finding(
    source: &SourceFile,
    file: FileId,
    diagnostics: &[Diagnostic],
) -> Text {
    let Some(d) = diagnostics
        .iter()
        .find(|d| d.code.leaves_design_unchecked())
    else {
        return mynaflow::text!(
            "its rulebook could not be loaded";
            "ルールブックを読み込めませんでした"
        );
    };
    let code = d.code;
    let (en, ja) = (&d.message.en, &d.message.ja);
    // At the design's `use` line; a rulebook named otherwise (the default
    // one) has no line in it.
    if d.primary.file == file {
        let n = source.line_index(d.primary.start as usize) + 1;
        mynaflow::text!("line {n}: {en} ({code})"; "{n} 行目: {ja} ({code})")
    } else {
        mynaflow::text!("{en} ({code})"; "{ja} ({code})")
    }
}

/// The line that says a file failed: `FAIL path`, 「失敗 path」 (as wide
/// as `ok   `, 「成功 」, so the paths line up).
pub(super) fn failed_word(lang: Lang, shown: &str) -> String {
    mynaflow::text!("FAIL {shown}"; "失敗 {shown}")
        .get(lang)
        .to_string()
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
