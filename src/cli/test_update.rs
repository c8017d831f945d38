//! `mynaflow test --update`: rewrite each file's `# expect:` annotations
//! to what is reported (see `mynaflow::expect_update`).

use super::output::{Settings, Unchecked, batches, fail_in, try_session_for};
use super::stdout::Lines;
use super::{Common, FAILURE, FINDINGS, OK};
use mynaflow::escape::visible;
use mynaflow::expect::reported_at;
use mynaflow::expect_update::rewrite;
use mynaflow::rulebook_shelf::RulebookShelf;
use mynaflow::session::in_order;
use mynaflow::text::Text;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Rewrites the annotations of every design under `paths`, saying each
/// file rewritten.
pub fn run(paths: &[PathBuf], common: &Common) -> u8 {
    // Each design under the config that governs it.
    let (settings, with) = match super::groups::designs_with_settings(common, paths) {
        Ok(d) => (d.settings, d.files),
        Err(code) => return code,
    };
    let (files, group): (Vec<PathBuf>, Vec<usize>) = with.into_iter().unzip();
    let lang = settings
        .first()
        .map_or_else(|| super::lang(common.lang), |s| s.lang);
    let (mut updated, mut same, mut failed, mut unread) = (0, 0, 0, 0);
    let mut unchecked = Unchecked::default();
    let mut lines = Lines::default();
    // Each session takes the rulebooks another has loaded, whatever its
    // config (as `test` does).
    let shelf = Arc::new(RulebookShelf::new());
    let mut first = 0;
    for batch in batches(&files) {
        // Checked and annotated on every core (a folder of many designs
        // was done one file at a time, on one core), each under its
        // config.
        let of: Vec<(&PathBuf, usize)> = batch.iter().zip(group[first..].iter().copied()).collect();
        first += batch.len();
        let mut annotated = in_order(&of, |(p, i)| annotate(p, &settings[*i], &shelf));
        // A file past one that no session could be made for is not
        // written: the run stops there.
        if let Some(at) = (annotated.iter()).position(|a| matches!(a, Annotated::Unusable(_))) {
            annotated.truncate(at + 1);
        }
        // Written several at once (each write waits on the disk for its
        // fsync), and said in the files' order below.
        let files: Vec<_> = batch.iter().zip(&annotated).collect();
        let written = mynaflow::atomic_write::each_at_once(&files, |(path, a)| match a {
            // Never through a symlink, and never half-written.
            Annotated::Rewritten(text) => {
                Some(mynaflow::atomic_write::write(path, text.as_bytes()))
            }
            _ => None,
        });
        let mut unwritten: Option<Text> = None;
        for ((path, annotated), written) in batch.iter().zip(annotated).zip(written) {
            // Names and annotations from input are shown escaped.
            let shown = visible(&path.display().to_string()).into_owned();
            match annotated {
                Annotated::Unusable(why) => {
                    if let Some(e) = unwritten {
                        fail_in(lang, &e);
                    }
                    fail_in(lang, &why);
                    return FAILURE;
                }
                Annotated::Unreadable(e) => {
                    fail_in(lang, &mynaflow::oserror::in_both(&e));
                    failed += 1;
                    unread += 1;
                }
                Annotated::Same => same += 1,
                Annotated::Rewritten(_) => {
                    // Every file written is said; the first that could not
                    // be ends the run after them.
                    if let Some(Err(e)) = written {
                        unwritten.get_or_insert(e);
                        continue;
                    }
                    updated += 1;
                    lines.say(
                        Text::new(format!("updated {shown}"), format!("更新 {shown}")).get(lang),
                    );
                }
                // Its annotations are what it expects of a check that did
                // not happen: left as they are.
                Annotated::Unchecked(code, why) => {
                    failed += 1;
                    unchecked.add(code);
                    lines.say(&super::test::failed_word(lang, &shown));
                    lines.say(&visible(why.get(lang)));
                }
                Annotated::Unannotatable(errors) => {
                    failed += 1;
                    lines.say(&super::test::failed_word(lang, &shown));
                    for e in errors {
                        lines.say(&format!("  {}", visible(e.get(lang))));
                    }
                }
            }
        }
        if let Some(e) = unwritten {
            fail_in(lang, &e);
            return FAILURE;
        }
        // Files are rewritten only while what is rewritten can be said:
        // the run ends after the batch, as for a file not written.
        if let Some(e) = lines.failed() {
            return e.fail(lang);
        }
    }
    let summary = mynaflow::text!(
        "{updated} updated, {same} unchanged, {failed} failed";
        "更新 {updated} 件、変更なし {same} 件、失敗 {failed} 件"
    );
    lines.say(summary.get(lang));
    match lines.failed() {
        Some(e) => e.fail(lang),
        // The run could not do its job for a file or a design, as `check`
        // could not (each unreadable file was said as it was met).
        None if unchecked.any() || unread > 0 => {
            if unchecked.any() {
                fail_in(lang, &unchecked.words());
            }
            FAILURE
        }
        None if failed > 0 => FINDINGS,
        None => OK,
    }
}

/// One file checked and its annotations rewritten; written, or not, in
/// the files' order.
enum Annotated {
    /// No session could be made (a rulebook the first session could use
    /// has changed on disk): the run cannot do its job.
    Unusable(Text),
    /// The file could not be read: why.
    Unreadable(String),
    /// It was not checked (its file is not text, or its rulebook could not
    /// be loaded): the code that says so, and why. Its annotations are not
    /// rewritten to that.
    Unchecked(mynaflow::code::Code, Text),
    /// Its annotations already say what is reported.
    Same,
    /// Its text with the annotations rewritten.
    Rewritten(String),
    /// Its annotations could not be rewritten: why, line by line.
    Unannotatable(Vec<Text>),
}

/// Checks `path` in a session of its own, as `mynaflow test` does, and
/// rewrites its annotations to what is reported.
fn annotate(path: &Path, settings: &Settings, shelf: &Arc<RulebookShelf>) -> Annotated {
    let mut s = match try_session_for(settings, Some(shelf)) {
        Ok(s) => s,
        Err(why) => return Annotated::Unusable(why),
    };
    // Every finding is annotated, not the hundred a code a check shows.
    s.keep_places = true;
    let checked = match s.check_path(path) {
        Ok(c) => c,
        Err(e) => return Annotated::Unreadable(e),
    };
    // The model is read no more: freed before the file is rewritten
    // beside its text.
    let file = checked.file;
    drop(checked);
    let source = s.sources.get(file);
    // Rewritten, the file would expect only what stopped its check (the
    // rulebook's absence), and pass a `test` that checked none of its flows.
    if let Some(&(code, _)) = (s.found.iter()).find(|(c, _)| c.leaves_design_unchecked()) {
        let what = super::test::unchecked_finding(source, file, &s.diagnostics);
        let (en, ja) = (&what.en, &what.ja);
        if super::test::not_text(&s.diagnostics) {
            return Annotated::Unchecked(
                code,
                mynaflow::text!(
                    "  {en}: the file is not UTF-8 text, so the design was not checked and its annotations are left as they are (save it as UTF-8 text, then update again)";
                    "  {ja}。UTF-8 のテキストファイルではないため設計を検査しておらず、注釈は書き換えずにそのままにしました (UTF-8 のテキストとして保存してから、もう一度更新してください)"
                ),
            );
        }
        return Annotated::Unchecked(
            code,
            mynaflow::text!(
                "  {en}: the design was not checked against its rulebook, so its annotations are left as they are (make its rulebook load, then update again)";
                "  {ja}。ルールブックと照合していないため、注釈は書き換えずにそのままにしました (ルールブックを読み込めるようにしてから、もう一度更新してください)"
            ),
        );
    }
    let found = reported_at(source, file, &s.found);
    match rewrite(source, &found) {
        Ok(text) if text == source.text => Annotated::Same,
        Ok(text) => Annotated::Rewritten(text),
        Err(errors) => Annotated::Unannotatable(errors),
    }
}
