//! `mynaflow fmt [--check]`: the canonical layout (see `mynaflow::fmt`).
//! With `--check`, nothing is written and a unified diff shows what would
//! change.

use super::output::fail;
use super::{FAILURE, FINDINGS, OK};
use mynaflow::fmt::Formatted;
use mynaflow::session::collect_files;
use mynaflow::syntax::tokens::Copies;
use std::io::Write as _;
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
            .map(mynaflow::source::utf8_owned)
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
        let formatted = match mynaflow::fmt::format_with_anchors_as(body, Copies::Lasting) {
            Ok(n) => n,
            Err(why) => {
                // A file name, and the words of a finding, may hold any
                // character.
                let line = format!("{}: {}", f.display(), why.get(super::lang(None)));
                eprintln!("mynaflow: {}", mynaflow::escape::visible_lines(&line));
                refused = true;
                continue;
            }
        };
        if formatted.text == body {
            continue;
        }
        changed += 1;
        if check {
            if let Err(e) = diff(f, body, &formatted) {
                fail(&format!("cannot write the diff: {e}"));
                return FAILURE;
            }
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

/// Prints the unified diff of `fmt --check`: two lines of context, aligned
/// statement by statement on a large file (`mynaflow::fmt::diff`), written
/// out as it is made.
fn diff(path: &Path, old: &str, new: &Formatted) -> std::io::Result<()> {
    let shown = path.display().to_string();
    let name = mynaflow::escape::visible(&shown);
    let mut out = Stdout {
        to: std::io::BufWriter::new(std::io::stdout().lock()),
        error: None,
    };
    let limits = mynaflow::fmt::diff::Limits::DEFAULT;
    let written = mynaflow::fmt::diff::write_unified(
        &mut out,
        limits,
        &name,
        old,
        &new.text,
        &new.anchors,
        2,
    );
    match (written, out.error) {
        (_, Some(e)) => Err(e),
        (Err(_), None) => Err(std::io::Error::other("formatting failed")),
        (Ok(()), None) => out.to.flush(),
    }
}

/// Standard output as a `fmt::Write`, keeping the I/O error it met.
struct Stdout<W: std::io::Write> {
    to: W,
    error: Option<std::io::Error>,
}

impl<W: std::io::Write> std::fmt::Write for Stdout<W> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.to.write_all(s.as_bytes()).map_err(|e| {
            self.error = Some(e);
            std::fmt::Error
        })
    }
}

/// Writes a formatted file: the one place `fmt` writes (a temporary file
/// renamed into place; a symlink at the destination is refused).
fn write(path: &Path, text: &str) -> Result<(), String> {
    mynaflow::atomic_write::write(path, text.as_bytes())
}
