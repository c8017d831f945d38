//! `check --fix [--unsafe-fixes]`: applies the findings' fixes to the
//! files, re-checking after each round until nothing more applies, before
//! the check proper reports what is left.

use super::output::{Settings, batches};
use mynaflow::apply_fixes::{self, MAX_ROUNDS};
use mynaflow::baseline::{Baseline, Excuses};
use mynaflow::code::Code;
use mynaflow::config::Config;
use mynaflow::fix::Applicability;
use mynaflow::rulebook_shelf::RulebookShelf;
use mynaflow::select::Selection;
use mynaflow::session::in_order;
use mynaflow::source::{Decoded, decode_owned};
use mynaflow::timings::Timings;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

const BOM: &str = "\u{feff}";

/// What fixing left: findings whose fix this run may apply but did not,
/// and those with only an unsafe fix, counted over every finding (the
/// rounds see them all, not a hundred a code).
#[derive(Debug, Default)]
pub struct Left {
    /// Findings with a fix this run may apply, still there.
    pub fixable: usize,
    /// How many of them are in files whose rounds ran out.
    pub out_of_rounds: usize,
    /// Findings with only an unsafe fix, when unsafe fixes are not applied.
    pub only_unsafe: usize,
    /// How many times a file's text was checked, over every file.
    pub checks: usize,
    /// The time of each stage of the rounds (`check --fix --timings`),
    /// summed over the rounds and the files: each round's check as
    /// `check` names its stages, and the rounds' own.
    pub spent: Timings,
}

/// What decides which findings the check proper reports, which are all
/// `--fix` fixes (with the config's `per-file-ignores`).
pub struct Reported<'a> {
    /// The run's `select` and `ignore`.
    pub selection: &'a Selection,
    /// The baseline read, and the folder its file names start from.
    pub baseline: Option<&'a (Baseline, PathBuf)>,
}

impl Reported<'_> {
    /// Is `code` reported in `file`?
    fn reports(&self, settings: &Settings, code: Code, file: &Path) -> bool {
        self.selection.reports(code)
            && (settings.config.as_ref()).is_none_or(|c| !c.ignored_in(file).contains(&code))
    }

    /// The baseline's excuses, made afresh for each round: each excuse is
    /// taken once.
    fn excuses(&self) -> Option<Arc<Excuses>> {
        (self.baseline).map(|(b, base)| Arc::new(Excuses::of(b, base)))
    }
}

/// Fixes every file in place; Err when a file could not be written.
/// Prints to stderr what it changed, and gives what it left. Only the
/// findings the check reports are fixed (`reported`).
pub fn run(
    files: &[PathBuf],
    settings: &Settings,
    unsafe_too: bool,
    reported: &Reported,
) -> Result<Left, String> {
    let mut left = Left::default();
    // Every round of every file takes the rulebooks another has loaded
    // (each round is a session of its own).
    let shelf = Arc::new(RulebookShelf::new());
    for batch in batches(files) {
        // Fixed on every core (a folder of many designs was fixed one file
        // at a time, on one core).
        let fixed = in_order(batch, |path| {
            fix_file(path, settings, unsafe_too, reported, &shelf)
        });
        let mut rewritten = Vec::new();
        for (path, fixed) in batch.iter().zip(fixed) {
            let Some(fixed) = fixed else {
                continue;
            };
            left.fixable += fixed.left.fixable;
            left.out_of_rounds += fixed.left.out_of_rounds;
            left.only_unsafe += fixed.left.only_unsafe;
            left.checks += fixed.left.checks;
            left.spent.merge(&fixed.left.spent);
            if let Some(text) = fixed.text {
                rewritten.push((path, fixed.applied, text));
            }
        }
        // Written side by side (each write waits on the disk for its
        // fsync), and said in the files' order: every file written is
        // said, then the first that could not be stops the run.
        let written = in_order(&rewritten, |(path, _, text)| {
            let start = Instant::now();
            (write(path, text), start.elapsed())
        });
        let mut failed = None;
        for ((path, applied, _), (done, spent)) in rewritten.iter().zip(written) {
            left.spent.add("write", spent);
            match done {
                Ok(()) => {
                    let shown = mynaflow::escape::visible(&path.display().to_string()).into_owned();
                    eprintln!("mynaflow: fixed {applied} finding(s) in {shown}");
                }
                Err(e) => {
                    failed.get_or_insert(e);
                }
            }
        }
        if let Some(e) = failed {
            return Err(e);
        }
    }
    Ok(left)
}

/// What fixing one file did.
struct Fixed {
    /// Fixes applied.
    applied: usize,
    /// The file's new text (its byte-order mark kept), if a fix applied.
    text: Option<String>,
    /// What it left.
    left: Left,
}

/// Fixes one file's text, round by round; None for a file the check proper
/// reports as unreadable or not UTF-8.
fn fix_file(
    path: &Path,
    settings: &Settings,
    unsafe_too: bool,
    reported: &Reported,
    shelf: &Arc<RulebookShelf>,
) -> Option<Fixed> {
    let mut left = Left::default();
    let read = Instant::now();
    let Ok(bytes) = mynaflow::input::read_limited(path, mynaflow::input::MAX_FILE_BYTES) else {
        // The check proper reports an unreadable file.
        return None;
    };
    let bom = if bytes.starts_with(BOM.as_bytes()) {
        BOM
    } else {
        ""
    };
    // The text is the bytes, without a copy (a large design is 100 MB).
    let Decoded::Utf8(mut text) = decode_owned(bytes) else {
        return None;
    };
    left.spent.add("read+decode", read.elapsed());
    let mut fixed = 0;
    let shown = mynaflow::escape::visible(&path.display().to_string()).into_owned();
    // Each round checks the text, every finding kept, and applies the
    // fixes that do not overlap; one more check after the last round
    // counts what is left.
    for round in 0..=MAX_ROUNDS {
        // The check proper's session (the config's options, such as
        // `require-clauses`, and the baseline), every finding kept; a
        // finding it would not report is not fixed (an ignored code's
        // unsafe fix rewrote the design).
        let mut s = Config::session(settings.config.as_ref(), settings.rules.as_deref());
        s.share_rulebooks(shelf.clone());
        s.max_per_code = None;
        s.excuses = reported.excuses();
        let checked = s.check_text(&shown, std::mem::take(&mut text), path.parent());
        // The text back from the session, which kept it as the only copy
        // (a large design is 100 MB; the fixes carry their own words).
        text = s.sources.take_text(checked.file);
        left.checks += 1;
        left.spent.merge(&s.timings);
        let start = Instant::now();
        let file = checked.file;
        let mut found = std::mem::take(&mut s.diagnostics);
        found.retain(|d| reported.reports(settings, d.code, path));
        let fixes = apply_fixes::fixes_for(&found, file, unsafe_too);
        // The round's model is freed while its fixes apply (each a tenth
        // of a second at a million flows).
        let ((), applied) = rayon::join(
            move || drop((checked, s)),
            || {
                (round < MAX_ROUNDS && !fixes.is_empty())
                    .then(|| apply_fixes::apply(&text, &fixes))
                    .filter(|r| r.applied > 0 && r.text != text)
            },
        );
        left.spent.add("apply+free", start.elapsed());
        match applied {
            Some(r) => {
                fixed += r.applied;
                text = r.text;
            }
            None => {
                left.fixable += fixes.len();
                if round == MAX_ROUNDS {
                    left.out_of_rounds += fixes.len();
                }
                if !unsafe_too {
                    left.only_unsafe += (found.iter())
                        .filter(|d| d.primary.file == file)
                        .filter(|d| {
                            !d.fixes.is_empty()
                                && d.fixes
                                    .iter()
                                    .all(|f| f.applicability == Applicability::Unsafe)
                        })
                        .count();
                }
                break;
            }
        }
    }
    // The byte-order mark the file had, put back; the text is not copied
    // again without one.
    let text = (fixed > 0).then(|| {
        if bom.is_empty() {
            text
        } else {
            format!("{bom}{text}")
        }
    });
    Some(Fixed {
        applied: fixed,
        text,
        left,
    })
}

/// Writes a fixed file (the one place `--fix` writes).
fn write(path: &std::path::Path, text: &str) -> Result<(), String> {
    mynaflow::atomic_write::write(path, text.as_bytes())
}

/// After the check: says how many findings still have a fix that this
/// run did not apply, and why (unsafe ones without `--unsafe-fixes`).
pub fn report_left(left: &Left, unsafe_too: bool, quiet: bool) {
    if quiet {
        return;
    }
    let again = if unsafe_too {
        "mynaflow check --fix --unsafe-fixes"
    } else {
        "mynaflow check --fix"
    };
    let overlapping = left.fixable - left.out_of_rounds;
    if left.out_of_rounds > 0 {
        eprintln!(
            "mynaflow: {} finding(s) still have a fix after {MAX_ROUNDS} rounds: run `{again}` again",
            left.out_of_rounds
        );
    }
    if overlapping > 0 {
        let kind = if unsafe_too { "a" } else { "a safe" };
        eprintln!(
            "mynaflow: {overlapping} finding(s) still have {kind} fix (they overlap another fix)"
        );
    }
    if left.only_unsafe > 0 {
        eprintln!(
            "mynaflow: {} finding(s) have an unsafe fix: review them, then run `mynaflow check --fix --unsafe-fixes`",
            left.only_unsafe
        );
    }
}
