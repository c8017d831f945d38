//! `check --fix [--unsafe-fixes]`: applies the findings' fixes to the
//! files, re-checking after each round until nothing more applies, before
//! the check proper reports what is left.

use super::output::Settings;
use mynaflow::apply_fixes::{self, MAX_ROUNDS};
use mynaflow::diagnostic::Diagnostic;
use mynaflow::fix::Applicability;
use mynaflow::session::{RulebookSource, Session};
use mynaflow::source::{Decoded, decode};
use std::path::PathBuf;

const BOM: &str = "\u{feff}";

/// Fixes every file in place; Err when a file could not be written.
/// Prints to stderr what it changed.
pub fn run(files: &[PathBuf], settings: &Settings, unsafe_too: bool) -> Result<(), String> {
    let source = RulebookSource::named(settings.rules.as_deref().unwrap_or("kenpo"), None);
    for path in files {
        let Ok(bytes) = mynaflow::input::read_limited(path, mynaflow::input::MAX_FILE_BYTES) else {
            // The check proper reports an unreadable file.
            continue;
        };
        let Decoded::Utf8(original) = decode(&bytes) else {
            continue;
        };
        let mut text = original.clone();
        let mut fixed = 0;
        let shown = mynaflow::escape::visible(&path.display().to_string()).into_owned();
        for _ in 0..MAX_ROUNDS {
            let mut s = Session::new(source.clone());
            let checked = s.check_text(&shown, text.clone(), path.parent());
            let fixes = apply_fixes::fixes_for(&s.diagnostics, checked.file, unsafe_too);
            if fixes.is_empty() {
                break;
            }
            let round = apply_fixes::apply(&text, &fixes);
            if round.applied == 0 || round.text == text {
                break;
            }
            fixed += round.applied;
            text = round.text;
        }
        if text != original {
            let bom = if bytes.starts_with(BOM.as_bytes()) {
                BOM
            } else {
                ""
            };
            write(path, &format!("{bom}{text}"))?;
            eprintln!("mynaflow: fixed {fixed} finding(s) in {shown}");
        }
    }
    Ok(())
}

/// Writes a fixed file (the one place `--fix` writes).
fn write(path: &std::path::Path, text: &str) -> Result<(), String> {
    mynaflow::atomic_write::write(path, text.as_bytes())
}

/// After the check: says how many of the findings left have fixes that
/// this run did not apply (unsafe ones without `--unsafe-fixes`).
pub fn report_left(diags: &[Diagnostic], unsafe_too: bool, quiet: bool) {
    if quiet {
        return;
    }
    let fixable = |a: Applicability| {
        diags
            .iter()
            .filter(|d| d.fixes.iter().any(|f| f.applicability == a))
            .count()
    };
    let (safe, unsafe_) = (fixable(Applicability::Safe), fixable(Applicability::Unsafe));
    if safe > 0 {
        eprintln!("mynaflow: {safe} finding(s) still have a safe fix (they overlap another fix)");
    }
    if unsafe_ > 0 && !unsafe_too {
        eprintln!(
            "mynaflow: {unsafe_} finding(s) have an unsafe fix: review them, then run `mynaflow check --fix --unsafe-fixes`"
        );
    }
}
