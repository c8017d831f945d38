//! `mynaflow fmt [--check]`: the canonical layout (see `mynaflow::fmt`).
//! With `--check`, nothing is written and a unified diff shows what would
//! change.

use super::output::{batches, fail_in};
use super::stdout::{self, Lines};
use super::{FAILURE, FINDINGS, OK};
use mynaflow::fmt::Formatted;
use mynaflow::input::{WalkOptions, walk};
use mynaflow::session::in_order;
use mynaflow::syntax::tokens::Copies;
use mynaflow::text::{Lang, Text};
use std::path::{Path, PathBuf};

const BOM: &str = "\u{feff}";

/// Lays out the designs and rulebooks under `paths` (with `check`, only
/// says what would change), its messages in `lang`.
pub fn run(paths: &[PathBuf], check: bool, lang: Lang) -> u8 {
    let walked = walk(paths, WalkOptions::default());
    if let Some(e) = walked.problems.first() {
        fail_in(lang, &mynaflow::oserror::in_both(e));
        return FAILURE;
    }
    // `fmt` follows no link and writes through none: a link met in a
    // folder is said and left, and the run goes on (what it leads to is
    // laid out where the walk meets it as a file); a link named is a file
    // asked for and not laid out, which fails the run.
    let mut refused = false;
    for link in &walked.not_followed {
        let shown = mynaflow::escape::visible(&link.display().to_string()).into_owned();
        let named = paths.contains(link);
        refused |= named;
        let said = match named {
            true => mynaflow::text!(
                "mynaflow: error: {shown}: a symlink, not followed; not laid out";
                "mynaflow: エラー: {shown}: シンボリックリンクなので辿らず、整形しません"
            ),
            false => mynaflow::text!(
                "mynaflow: warning: {shown}: a symlink, not followed; not laid out";
                "mynaflow: 警告: {shown}: シンボリックリンクなので辿らず、整形しません"
            ),
        };
        eprintln!("{}", said.get(lang));
    }
    let files = walked.files;
    let mut changed = 0;
    let mut lines = Lines::default();
    for batch in batches(&files) {
        // Read and laid out on every core (a folder of many small designs
        // was formatted one file at a time, on one core), then written or
        // diffed in order. A batch of several files has its diffs drawn
        // side by side too, each into a text of its own; a batch of one
        // has its diff written as it is made (a large design's diff is as
        // large as the design).
        let diffed = check && batch.len() > 1;
        let laid = in_order(batch, |f| lay_out(f, diffed, lang));
        // The files to rewrite, up to one that could not be laid out.
        let mut rewrites: Vec<(&PathBuf, String)> = Vec::new();
        let mut failed = None;
        for (f, laid) in batch.iter().zip(laid) {
            let (bom, text, formatted) = match laid {
                Laid::Failed(why) => {
                    failed = Some(why);
                    break;
                }
                Laid::Refused(line) => {
                    // A file name, and the words of a finding, may hold
                    // any character.
                    eprintln!("mynaflow: {}", mynaflow::escape::message_lines(&line));
                    refused = true;
                    continue;
                }
                Laid::Same => continue,
                Laid::Diffed(diff) => {
                    changed += 1;
                    if let Err(e) = stdout::print(&diff) {
                        return e.fail(lang);
                    }
                    continue;
                }
                Laid::Changed {
                    bom,
                    text,
                    formatted,
                } => (bom, text, formatted),
            };
            changed += 1;
            let body = &text[bom.len()..];
            if check {
                match diff(f, body, &formatted) {
                    Ok(true) => {}
                    Ok(false) => {
                        fail_in(
                            lang,
                            &Text::new(
                                "cannot write the diff: formatting failed",
                                "差分を書き出せません: 整形に失敗しました",
                            ),
                        );
                        return FAILURE;
                    }
                    Err(e) => return e.fail(lang),
                }
            } else if bom.is_empty() {
                rewrites.push((f, formatted.text));
            } else {
                rewrites.push((f, format!("{bom}{}", formatted.text)));
            }
        }
        // Written several at once (each write waits on the disk for its
        // fsync), and said in the files' order; the first that could not
        // be written ends the run once every other is said.
        let written = mynaflow::atomic_write::each_at_once(&rewrites, |(f, text)| write(f, text));
        let mut unwritten = None;
        for ((f, _), written) in rewrites.iter().zip(written) {
            match written {
                Ok(()) => lines.say(
                    reformatted(&mynaflow::escape::visible(&f.display().to_string())).get(lang),
                ),
                Err(e) => {
                    unwritten.get_or_insert(e);
                }
            }
        }
        if let Some(why) = unwritten.or(failed) {
            fail_in(lang, &why);
            return FAILURE;
        }
        // Files are rewritten only while what is rewritten can be said:
        // the run ends after the batch, as for a file not written.
        if let Some(e) = lines.failed() {
            return e.fail(lang);
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

/// What `fmt` says of a file it rewrote.
fn reformatted(shown: &str) -> Text {
    mynaflow::text!("reformatted {shown}"; "{shown} を整形しました")
}

/// One file read and laid out; what to do with it is decided in order.
enum Laid {
    /// It could not be read, is not UTF-8, or its diff could not be drawn:
    /// why (exit status 2).
    Failed(Text),
    /// The formatter would not lay it out: the line that says why.
    Refused(String),
    /// Already in the canonical layout.
    Same,
    /// Laid out differently: its text (with its byte-order mark, if any,
    /// which is `bom`) and the layout of the text after the mark.
    Changed {
        bom: &'static str,
        text: String,
        formatted: Formatted,
    },
    /// Laid out differently, and the diff `fmt --check` prints drawn.
    Diffed(String),
}

/// Reads `f` and lays it out; with `diffed`, draws the diff of a file
/// laid out differently. Why it would not, in `lang`.
fn lay_out(f: &Path, diffed: bool, lang: Lang) -> Laid {
    let text = match mynaflow::input::read_limited(f, mynaflow::session::MAX_FILE_BYTES)
        .map(mynaflow::source::utf8_owned)
    {
        Ok(Ok(t)) => t,
        Ok(Err(_)) => {
            let shown = f.display();
            return Laid::Failed(mynaflow::text!(
                "{shown}: not UTF-8 (see `mynaflow explain MN005`)";
                "{shown}: UTF-8 ではありません (`mynaflow explain MN005` を参照)"
            ));
        }
        Err(e) => return Laid::Failed(mynaflow::oserror::in_both(&e)),
    };
    let bom = if text.starts_with(BOM) { BOM } else { "" };
    let body = &text[bom.len()..];
    match mynaflow::fmt::format_with_anchors_as(body, Copies::Lasting) {
        Ok(formatted) if formatted.text == body => Laid::Same,
        Ok(formatted) if diffed => {
            let mut drawn = String::new();
            match write_diff(&mut drawn, f, body, &formatted) {
                Ok(()) => Laid::Diffed(drawn),
                Err(_) => Laid::Failed(Text::new(
                    "cannot write the diff: formatting failed",
                    "差分を書き出せません: 整形に失敗しました",
                )),
            }
        }
        Ok(formatted) => Laid::Changed {
            bom,
            text,
            formatted,
        },
        Err(why) => Laid::Refused(format!("{}: {}", f.display(), why.get(lang))),
    }
}

/// Prints the unified diff of `fmt --check`: two lines of context, aligned
/// statement by statement on a large file (`mynaflow::fmt::diff`), written
/// out as it is made. `Ok(false)`: the diff could not be drawn.
fn diff(path: &Path, old: &str, new: &Formatted) -> Result<bool, stdout::Unwritten> {
    let mut drawn = true;
    stdout::write_with(|w| {
        let mut out = AsText { to: w, error: None };
        let written = write_diff(&mut out, path, old, new);
        match (written, out.error) {
            (_, Some(e)) => Err(e),
            (Err(_), None) => {
                drawn = false;
                Ok(())
            }
            (Ok(()), None) => Ok(()),
        }
    })?;
    Ok(drawn)
}

/// Writes the unified diff of `fmt --check` of the file at `path` to `out`.
fn write_diff(
    out: &mut impl std::fmt::Write,
    path: &Path,
    old: &str,
    new: &Formatted,
) -> std::fmt::Result {
    let shown = path.display().to_string();
    let name = mynaflow::escape::visible(&shown);
    let limits = mynaflow::fmt::diff::Limits::DEFAULT;
    mynaflow::fmt::diff::write_unified(out, limits, &name, old, &new.text, &new.anchors, 2)
}

/// A writer of bytes as a `fmt::Write`, keeping the I/O error it met.
pub(super) struct AsText<W: std::io::Write> {
    pub(super) to: W,
    pub(super) error: Option<std::io::Error>,
}

impl<W: std::io::Write> std::fmt::Write for AsText<W> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.to.write_all(s.as_bytes()).map_err(|e| {
            self.error = Some(e);
            std::fmt::Error
        })
    }
}

/// Writes a formatted file: the one place `fmt` writes (a temporary file
/// renamed into place; a symlink at the destination is refused).
fn write(path: &Path, text: &str) -> Result<(), mynaflow::text::Text> {
    mynaflow::atomic_write::write(path, text.as_bytes())
}
