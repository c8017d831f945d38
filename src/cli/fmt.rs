//! `mynaflow fmt [--check]`: the canonical layout (see `mynaflow::fmt`).
//! With `--check`, nothing is written and a unified diff shows what would
//! change.

use super::output::fail;
use super::{FAILURE, FINDINGS, OK};
use mynaflow::fmt::Formatted;
use mynaflow::session::collect_files;
use std::path::{Path, PathBuf};

const BOM: &str = "\u{feff}";

pub fn run(paths: &[PathBuf], check: bool) -> u8 {
    let files = match collect_files(paths) {
        Ok(f) => f,
        Err(e) => {
            fail(&e);
            return FAILURE;
        }
    };
    let mut changed = 0;
    let mut refused = false;
    for f in &files {
        let text = match mynaflow::input::read_limited(f, mynaflow::session::MAX_FILE_BYTES)
            .map(String::from_utf8)
        {
            Ok(Ok(t)) => t,
            Ok(Err(_)) => {
                fail(&format!(
                    "{}: not UTF-8 (see `mynaflow explain MN005`)",
                    f.display()
                ));
                return FAILURE;
            }
            Err(e) => {
                fail(&e);
                return FAILURE;
            }
        };
        let (bom, body) = match text.strip_prefix(BOM) {
            Some(rest) => (BOM, rest),
            None => ("", text.as_str()),
        };
        let formatted = match mynaflow::fmt::format_with_anchors(body) {
            Ok(n) => n,
            Err(why) => {
                eprintln!("mynaflow: {}: {}", f.display(), why.get(super::lang(None)));
                refused = true;
                continue;
            }
        };
        if formatted.text == body {
            continue;
        }
        changed += 1;
        if check {
            print!("{}", diff(f, body, &formatted));
        } else if let Err(e) = write(f, &format!("{bom}{}", formatted.text)) {
            fail(&e);
            return FAILURE;
        } else {
            println!(
                "reformatted {}",
                mynaflow::escape::visible(&f.display().to_string())
            );
        }
    }
    if refused {
        FAILURE
    } else if check && changed > 0 {
        FINDINGS
    } else {
        OK
    }
}

/// The unified diff `fmt --check` prints: two lines of context, aligned
/// statement by statement on a large file (`mynaflow::fmt::diff`).
fn diff(path: &Path, old: &str, new: &Formatted) -> String {
    let shown = path.display().to_string();
    let name = mynaflow::escape::visible(&shown);
    mynaflow::fmt::diff::unified(&name, old, &new.text, &new.anchors, 2)
}

/// Writes a formatted file: the one place `fmt` writes (a temporary file
/// renamed into place; a symlink at the destination is refused).
fn write(path: &Path, text: &str) -> Result<(), String> {
    mynaflow::atomic_write::write(path, text.as_bytes())
}
