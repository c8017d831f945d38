//! The human format: rustc-style snippets via codespan-reporting.
//!
//! codespan prints source lines verbatim, so it is given an escaped copy of
//! each file that needs one (`Shown`), with every span moved to match:
//! carets still line up, and no control character of the input reaches the
//! terminal or a CI log.
//!
//! codespan also counts the columns under a line one character at a time
//! (`UnicodeWidthChar`), where a terminal draws an emoji sequence as one
//! picture, as `UnicodeWidthStr` counts it: an emoji presentation sequence
//! (`☎` U+260E then VS16, U+FE0F) two columns wide, `👍🏽` (a skin-tone
//! modifier after an emoji) two where codespan counts four, `⌚︎` (VS15)
//! one where it counts two; and `☝️🏻` (VS16, then a modifier) two, where
//! unicode-width itself counts four. The carets after one would stand a column or
//! two off. The characters of such a sequence are given to codespan as
//! stand-ins counted as the terminal draws them, in as many bytes
//! (`stand_ins`: U+FFF9 for such a VS16), which the writer turns back
//! into the characters as it writes them (`StandIns`).
//!
//! A terminal that draws East Asian ambiguous-width characters (`①`, `※`,
//! `→`) two columns wide is told by `MYNAFLOW_AMBIGUOUS_WIDTH=wide`
//! ([`ambiguous`]): codespan is then given a pad after each, which the
//! writer drops, and draws the pointers under a line in ASCII.

pub mod ambiguous;
mod stand_ins;

use super::Report;
use super::chunked::write_ordered;
use crate::code::Severity;
use crate::escape::{EscapedSource, visible};
use crate::source::{SourceFile, SourceMap};
use crate::span::{FileId, Span};
use ambiguous::{AmbiguousWidth, Padded};
use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label, Severity as CsSeverity};
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::{
    self,
    termcolor::{Ansi, NoColor},
};
use stand_ins::{Restorer, may_stand_in, with_stand_ins};
use std::borrow::Cow;
use std::io::{self, Write};
use std::ops::Range;

/// The files as the human format shows them: a file whose text holds a
/// character that [`crate::escape::needs_escape`] is replaced by its
/// escaped copy, and one whose text holds an emoji sequence codespan
/// would count in other columns than a terminal draws by a copy with
/// [`stand_ins`] there; the others are shown as they are (and not copied).
struct Shown<'a> {
    sources: &'a SourceMap,
    redrawn: Vec<Option<Redrawn>>,
}

/// A file as it is given to codespan, when that is not its text.
struct Redrawn {
    /// Where its escapes moved each offset; none when nothing was escaped
    /// (a stand-in takes the bytes of the character it stands for, so it
    /// moves nothing).
    escapes: Option<EscapedSource>,
    /// Where the pads after its ambiguous-width characters moved each
    /// offset of the escaped text, when the terminal draws them wide and
    /// the text holds one.
    pads: Option<Padded>,
    /// The text given to codespan.
    file: SourceFile,
    /// Whether the text holds stand-ins or pads, which the writer must
    /// turn back into the characters they stand for or drop.
    stood_in: bool,
}

impl<'a> Shown<'a> {
    /// Escapes the files whose lines `config` draws (those of the
    /// diagnostics' spans, clipped as they are drawn) hold a character to
    /// escape, and puts stand-ins for the emoji sequences codespan would
    /// count in other columns than a terminal draws in them. The lines are
    /// looked through, not the whole file (a million-flow design is 110
    /// MB, the lines of a hundred findings a few kilobytes), until they
    /// come to the file's size; then the file is. A file is redrawn whole
    /// or not at all, so an escaped line elsewhere in it changes nothing
    /// drawn: escaping never adds or removes a line feed, nor does a
    /// stand-in.
    ///
    /// Under [`AmbiguousWidth::Wide`], a file whose drawn lines hold an
    /// ambiguous-width character is redrawn too, with pads after each.
    fn new(report: &Report<'a>, config: &term::Config, width: AmbiguousWidth) -> Shown<'a> {
        let count = report.sources.iter().count();
        let mut redrawn: Vec<Option<Redrawn>> = (0..count).map(|_| None).collect();
        // For each file: the bytes of its drawn lines looked through, and
        // whether to look at it whole.
        let mut looked = vec![0usize; count];
        let mut whole = vec![false; count];
        let spans = report
            .diagnostics
            .iter()
            .flat_map(|d| std::iter::once(d.primary).chain(d.labels.iter().map(|l| l.span)));
        for s in spans {
            let i = s.file.0 as usize;
            if whole.get(i).copied().unwrap_or(true) {
                continue;
            }
            let f = report.sources.get(s.file);
            let lines = drawn_lines(f, report.clip(s), config);
            looked[i] += lines.len();
            whole[i] = looked[i] > f.text.len()
                || EscapedSource::would_change(lines)
                || stand_ins::stand_ins(lines).next().is_some()
                || (width == AmbiguousWidth::Wide && ambiguous::any(lines));
        }
        for (i, _) in whole.iter().enumerate().filter(|(_, w)| **w) {
            let text = &report.sources.get(FileId(i as u32)).text;
            let mut escapes = EscapedSource::of(text);
            // The shown file holds the text; the escape keeps its shifts.
            let escaped_text = escapes.as_mut().map(|e| std::mem::take(&mut e.text));
            // The stand-ins go into the escaped text: what they stand for
            // is never escaped, and a stand-in written in the design is.
            let with = with_stand_ins(escaped_text.as_deref().unwrap_or(text));
            let mut stood_in = with.is_some();
            let shown = with.or(escaped_text);
            // The pads go in last: they count what the terminal draws of
            // the text codespan is given, stand-ins and escapes included.
            let mut pads = match width {
                AmbiguousWidth::Wide => Padded::of(shown.as_deref().unwrap_or(text)),
                AmbiguousWidth::Narrow => None,
            };
            let shown = match pads.as_mut() {
                Some(p) => {
                    stood_in = true;
                    Some(std::mem::take(&mut p.text))
                }
                None => shown,
            };
            let Some(shown) = shown else {
                continue;
            };
            redrawn[i] = Some(Redrawn {
                escapes,
                pads,
                file: SourceFile::new(String::new(), shown),
                stood_in,
            });
        }
        Shown {
            sources: report.sources,
            redrawn,
        }
    }

    /// The escapes of a file's text shown, if any were made.
    fn escapes(&self, id: FileId) -> Option<&EscapedSource> {
        self.redrawn.get(id.0 as usize)?.as_ref()?.escapes.as_ref()
    }

    /// The pads of a file's text shown, if any were put in.
    fn pads(&self, id: FileId) -> Option<&Padded> {
        self.redrawn.get(id.0 as usize)?.as_ref()?.pads.as_ref()
    }

    /// A span's byte range in the text shown.
    fn range(&self, s: Span) -> Range<usize> {
        let r = match self.escapes(s.file) {
            Some(e) => e.map(s.start as usize)..e.map(s.end as usize),
            None => s.range(),
        };
        match self.pads(s.file) {
            Some(p) => p.map(r.start)..p.map(r.end),
            None => r,
        }
    }

    /// The text shown for a file.
    fn file(&self, id: FileId) -> Result<&SourceFile, FilesError> {
        match self.redrawn.get(id.0 as usize) {
            Some(Some(r)) => Ok(&r.file),
            Some(None) => Ok(self.sources.get(id)),
            None => Err(FilesError::FileMissing),
        }
    }

    /// Does the text shown for a file hold stand-ins?
    fn stood_in(&self, id: FileId) -> bool {
        matches!(self.redrawn.get(id.0 as usize), Some(Some(r)) if r.stood_in)
    }
}

impl<'a> Files<'a> for Shown<'a> {
    type FileId = FileId;
    type Name = Cow<'a, str>;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<Cow<'a, str>, FilesError> {
        self.sources.name(id).map(visible)
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        self.file(id).map(|f| f.text.as_str())
    }

    fn line_index(&'a self, id: FileId, byte: usize) -> Result<usize, FilesError> {
        Ok(self.file(id)?.line_index(byte))
    }

    fn column_number(&'a self, id: FileId, _line: usize, byte: usize) -> Result<usize, FilesError> {
        // The column of the original text, as every other format gives it.
        let byte = match self.pads(id) {
            Some(p) => p.unmap(byte),
            None => byte,
        };
        let byte = match self.escapes(id) {
            Some(e) => e.unmap(byte),
            None => byte,
        };
        Ok(self.sources.get(id).line_col(byte).1)
    }

    fn line_range(&'a self, id: FileId, line: usize) -> Result<Range<usize>, FilesError> {
        let f = self.file(id)?;
        if line >= f.line_count() {
            return Err(FilesError::LineTooLarge {
                given: line,
                max: f.line_count().saturating_sub(1),
            });
        }
        let start = f.line_range(line).start;
        let end = if line + 1 < f.line_count() {
            f.line_range(line + 1).start
        } else {
            f.text.len()
        };
        Ok(start..end)
    }
}

/// The text of the lines `config` may draw for a label on `span` (one
/// line: spans are clipped to their first), from the start of the first
/// to the start of the line after the last, so that a line's CR LF is
/// looked at whole.
fn drawn_lines<'t>(f: &'t SourceFile, span: Span, config: &term::Config) -> &'t str {
    let first = f.line_index(span.start as usize);
    let last = f.line_index(span.end as usize);
    let from = f
        .line_range(first.saturating_sub(config.before_label_lines))
        .start;
    let after = (last + config.after_label_lines).saturating_add(1);
    let to = match after < f.line_count() {
        true => f.line_range(after).start,
        false => f.text.len(),
    };
    f.text.get(from..to.max(from)).unwrap_or_default()
}

/// Lines longer than this are not drawn as snippets: a diagnostic on such
/// a line (minified or generated input) is printed in the one-line form, so
/// many findings on one huge line cost linear, not quadratic, time.
pub const MAX_SNIPPET_LINE: usize = 1024;

/// Renders every diagnostic and a summary line. `color` adds ANSI styles;
/// ambiguous-width characters are counted as `MYNAFLOW_AMBIGUOUS_WIDTH`
/// says ([`ambiguous`]).
pub fn render(report: &Report, color: bool) -> String {
    render_for(report, color, AmbiguousWidth::from_env())
}

/// [`render`] for a terminal that draws ambiguous-width characters
/// `width` (whatever the environment says: tests pin it).
pub fn render_for(report: &Report, color: bool, width: AmbiguousWidth) -> String {
    super::written(
        |out| write_for(out, report, color, true, width),
        |_| String::new(),
    )
}

/// [`render`] written to `out` as it is drawn, the diagnostics on every
/// core, a few at a time (with every finding shown, `--max-per-code 0`, a
/// large design's report is over a hundred megabytes); the summary line
/// last unless `summary_line` is false (`check --quiet`).
///
/// The carets count an East Asian ambiguous-width character as the
/// terminal draws it, as `MYNAFLOW_AMBIGUOUS_WIDTH` says ([`ambiguous`]).
pub fn write<W: Write + ?Sized>(
    out: &mut W,
    report: &Report,
    color: bool,
    summary_line: bool,
) -> io::Result<()> {
    write_for(out, report, color, summary_line, AmbiguousWidth::from_env())
}

/// [`write()`] for a terminal that draws ambiguous-width characters `width`.
pub fn write_for<W: Write + ?Sized>(
    out: &mut W,
    report: &Report,
    color: bool,
    summary_line: bool,
    width: AmbiguousWidth,
) -> io::Result<()> {
    let lang = report.lang;
    let mut config = term::Config::default();
    if width == AmbiguousWidth::Wide {
        // The pointers from a caret down to its message, drawn after one
        // another on a line, are ambiguous-width characters themselves:
        // drawn wide, each would push the next a column right. (The
        // frame's `│` starts every line alike, so it moves none.)
        let ascii = term::Chars::ascii();
        config.chars.pointer_left = ascii.pointer_left;
        config.chars.multi_left = ascii.multi_left;
        config.chars.multi_top = ascii.multi_top;
        config.chars.multi_bottom = ascii.multi_bottom;
        config.chars.multi_top_left = ascii.multi_top_left;
        config.chars.multi_bottom_left = ascii.multi_bottom_left;
    }
    let short = term::Config {
        display_style: term::DisplayStyle::Short,
        ..config.clone()
    };
    let shown = Shown::new(report, &config, width);
    write_ordered(out, report.diagnostics, |_, d, text| {
        let mut labels = vec![{
            let s = report.clip(d.primary);
            let l = Label::primary(s.file, shown.range(s));
            match &d.primary_label {
                Some(t) => l.with_message(visible(t.get(lang))),
                None => l,
            }
        }];
        for l in &d.labels {
            let s = report.clip(l.span);
            labels.push(
                Label::secondary(s.file, shown.range(s)).with_message(visible(l.message.get(lang))),
            );
        }
        let mut notes: Vec<String> = d
            .notes
            .iter()
            .map(|n| visible(n.get(lang)).into_owned())
            .collect();
        if let Some(h) = &d.help {
            let help = super::help_word(lang);
            notes.push(format!("{help}: {}", visible(h.get(lang))));
        }
        let cs = CsDiagnostic::new(match d.severity {
            Severity::Error => CsSeverity::Error,
            Severity::Warning => CsSeverity::Warning,
        })
        .with_code(d.code.as_str())
        .with_message(visible(d.message.get(lang)))
        .with_labels(labels)
        .with_notes(notes);
        let spans = || std::iter::once(d.primary).chain(d.labels.iter().map(|l| l.span));
        let long = spans().any(|s| {
            let f = report.sources.get(s.file);
            f.line_range(f.line_index(s.start as usize)).len() > MAX_SNIPPET_LINE
        });
        let stood_in = spans().any(|s| shown.stood_in(s.file));
        // Spans always point into files of the map, so this cannot fail;
        // if it ever did, the JSON format still carries the finding.
        let config = if long { &short } else { &config };
        let emit = |w: &mut dyn term::WriteStyle| {
            // Another writer only where a stand-in may pass: each is one
            // more call a character.
            let _ = match stood_in {
                true => {
                    let mut w = StandIns {
                        inner: w,
                        restorer: Restorer::default(),
                    };
                    term::emit_to_write_style(&mut w, config, &shown, &cs)
                }
                false => term::emit_to_write_style(w, config, &shown, &cs),
            };
        };
        // Drawn straight into the chunk's text, through the writer that
        // words the header in Japanese only when it is asked for: codespan
        // writes a snippet a character at a time, and each writer between
        // it and the text is a call for each (with every finding shown, a
        // fifth of the run was drawing snippets).
        match (color, lang) {
            (false, crate::text::Lang::En) => emit(&mut NoColor::new(&mut *text)),
            (true, crate::text::Lang::En) => emit(&mut Ansi::new(&mut *text)),
            (false, crate::text::Lang::Ja) => {
                emit(&mut Localized::new(&mut NoColor::new(&mut *text), lang));
            }
            (true, crate::text::Lang::Ja) => {
                emit(&mut Localized::new(&mut Ansi::new(&mut *text), lang));
            }
        }
        Ok(())
    })?;
    if summary_line {
        out.write_all(summary(report).as_bytes())?;
    }
    Ok(())
}

/// `2 errors, 1 warning in 3 files` (or its Japanese).
pub fn summary(report: &Report) -> String {
    let (e, w, f) = (report.errors(), report.warnings(), report.files);
    match report.lang {
        crate::text::Lang::En => {
            let plural = |n: usize, s: &str| {
                if n == 1 {
                    format!("{n} {s}")
                } else {
                    format!("{n} {s}s")
                }
            };
            format!(
                "{}, {} in {}\n",
                plural(e, "error"),
                plural(w, "warning"),
                plural(f, "file")
            )
        }
        crate::text::Lang::Ja => format!("エラー {e} 件、警告 {w} 件 ({f} ファイル)\n"),
    }
}

/// A codespan writer that writes the severity of a header (`error`,
/// `warning`) in the report's language. codespan writes that word right
/// after asking for the header's style, so it is replaced there and only
/// there: a file name or message that happens to hold the word is not.
struct Localized<'a, W> {
    inner: &'a mut W,
    lang: crate::text::Lang,
    severity_next: bool,
}

impl<'a, W> Localized<'a, W> {
    fn new(inner: &'a mut W, lang: crate::text::Lang) -> Self {
        Localized {
            inner,
            lang,
            severity_next: false,
        }
    }
}

/// The header word codespan writes for a severity, in Japanese.
fn severity_ja(word: &[u8]) -> Option<&'static str> {
    use crate::text::Lang::Ja;
    match word {
        b"error" => Some(super::severity_word(Severity::Error, Ja)),
        b"warning" => Some(super::severity_word(Severity::Warning, Ja)),
        b"note" => Some(super::note_word(Ja)),
        b"help" => Some(super::help_word(Ja)),
        b"bug" => Some("内部エラー"),
        _ => None,
    }
}

impl<W: std::io::Write> std::io::Write for Localized<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if std::mem::take(&mut self.severity_next)
            && self.lang == crate::text::Lang::Ja
            && let Some(word) = severity_ja(buf)
        {
            self.inner.write_all(word.as_bytes())?;
            return Ok(buf.len());
        }
        self.inner.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// The [`term::WriteStyle`] methods a writer that wraps another (`inner`)
/// passes on unchanged: each wrapper here changes what is written, not
/// how it is styled (bar `set_header`, which it writes itself).
macro_rules! styles_as_inner {
    () => {
        fn set_header_message(&mut self) -> std::io::Result<()> {
            self.inner.set_header_message()
        }
        fn set_line_number(&mut self) -> std::io::Result<()> {
            self.inner.set_line_number()
        }
        fn set_note_bullet(&mut self) -> std::io::Result<()> {
            self.inner.set_note_bullet()
        }
        fn set_source_border(&mut self) -> std::io::Result<()> {
            self.inner.set_source_border()
        }
        fn set_label(
            &mut self,
            severity: CsSeverity,
            style: codespan_reporting::diagnostic::LabelStyle,
        ) -> std::io::Result<()> {
            self.inner.set_label(severity, style)
        }
        fn reset(&mut self) -> std::io::Result<()> {
            self.inner.reset()
        }
    };
}

impl<W: term::WriteStyle> term::WriteStyle for Localized<'_, W> {
    fn set_header(&mut self, severity: CsSeverity) -> std::io::Result<()> {
        self.inner.set_header(severity)?;
        self.severity_next = true;
        Ok(())
    }
    styles_as_inner!();
}

/// A codespan writer that writes the character each stand-in in what it
/// is given stands for ([`Restorer`]): codespan writes a line of the
/// source a character at a time.
struct StandIns<'a, W: ?Sized> {
    inner: &'a mut W,
    restorer: Restorer,
}

impl<W: term::WriteStyle + ?Sized> std::io::Write for StandIns<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if !self.restorer.pending() && !buf.iter().any(|&b| may_stand_in(b)) {
            return self.inner.write(buf);
        }
        // codespan writes text: this cannot fail, and bytes that are not
        // text hold no stand-in.
        let Ok(text) = std::str::from_utf8(buf) else {
            return self.inner.write(buf);
        };
        let mut from = 0;
        for (at, c) in text.char_indices() {
            let restored = self.restorer.restore(c);
            if restored == Some(c) {
                continue;
            }
            self.inner
                .write_all(text.get(from..at).unwrap_or_default().as_bytes())?;
            if let Some(r) = restored {
                self.inner
                    .write_all(r.encode_utf8(&mut [0; 4]).as_bytes())?;
            }
            from = at + c.len_utf8();
        }
        self.inner
            .write_all(text.get(from..).unwrap_or_default().as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

impl<W: term::WriteStyle + ?Sized> term::WriteStyle for StandIns<'_, W> {
    fn set_header(&mut self, severity: CsSeverity) -> std::io::Result<()> {
        self.inner.set_header(severity)
    }
    styles_as_inner!();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::{RulebookSource, Session};
    use crate::text::Lang;

    /// Drawn on every core in chunks, the report is each diagnostic drawn
    /// alone, one after another, then the summary: as one thread drew it.
    #[test]
    fn drawn_in_chunks_is_drawn_in_order() {
        let text = format!(
            "use \"kenpo\"\nactor 基幹 : 組合\nactor 市 : 他機関\ndata 課税 : 課税・非課税情報\n{}",
            "flow 基幹 -> 市 : 課税 for 被扶養者認定\nflow 基幹 -> 市\u{7} : 課税 for 被扶養者認定\n"
                .repeat(700)
        );
        let mut s = Session::new(RulebookSource::Builtin("kenpo".into()));
        s.max_per_code = None;
        s.check_text("d.myna", text, None);
        let diags = s.sorted_diagnostics();
        assert!(diags.len() > 1400, "{}", diags.len());
        for (lang, color) in [(Lang::En, false), (Lang::Ja, true)] {
            let report = |diagnostics| Report {
                sources: &s.sources,
                diagnostics,
                files: 1,
                checked: &[],
                lang,
            };
            let whole = render_for(&report(&diags), color, AmbiguousWidth::Narrow);
            let mut one_by_one = String::new();
            for d in &diags {
                let mut out = Vec::new();
                write_for(
                    &mut out,
                    &report(std::slice::from_ref(d)),
                    color,
                    false,
                    AmbiguousWidth::Narrow,
                )
                .unwrap();
                one_by_one.push_str(&String::from_utf8(out).unwrap());
            }
            one_by_one.push_str(&summary(&report(&diags)));
            assert_eq!(whole, one_by_one, "{lang:?}");
        }
    }

    /// The carets under a line stand under the token they mark, counted
    /// in the columns a terminal draws (`UnicodeWidthStr`: an emoji
    /// sequence two columns, a full-width letter two, an emoji with VS15
    /// one; and an emoji with VS16 and a skin-tone modifier two, where
    /// unicode-width counts four), after an emoji with VS16, a keycap, an
    /// emoji with a skin-tone modifier (after a wide and after a narrow
    /// base, with a VS16 between or not), an emoji with VS15 (text-default
    /// or not), a flag, a ZWJ sequence (escaped) and full-width letters,
    /// and under such sequences; the line is drawn with
    /// the characters written, none of the stand-ins (one written in a
    /// comment is escaped), and the header's column is still counted in
    /// characters.
    #[test]
    fn carets_stand_under_the_token_after_an_emoji_sequence() {
        use unicode_width::UnicodeWidthStr;
        let names = [
            "☎\u{fe0f}窓口",
            "\"1\u{fe0f}\u{20e3}番\"",
            "ＡＢＣ窓口",
            "\"\u{1f44d}\u{1f3fd}窓口\"",
            "\"\u{261d}\u{1f3fb}窓口\"",
            "\"\u{261d}\u{fe0f}\u{1f3fb}窓口\"",
            "\"\u{270c}\u{fe0f}\u{1f3fc}窓口\"",
            "\"\u{1f44d}\u{fe0f}\u{1f3fd}窓口\"",
            "\"\u{1f575}\u{1f3fb}窓口\"",
            "\"\u{231a}\u{fe0e}窓口\"",
            "\"\u{1f44d}\u{fe0e}窓口\"",
            "\"☎\u{fe0e}窓口\"",
            "\"\u{1f1ef}\u{1f1f5}窓口\"",
        ];
        let mut text = String::from("use \"kenpo\"\nactor 給付 : 組合\ndata 記録 : 給付記録\n");
        for n in names {
            text.push_str(&format!("actor {n} : 組合\n"));
        }
        for n in names {
            text.push_str(&format!("flow {n} -> 給付 : 記録 for 保険料徴集\n"));
        }
        text.push_str(
            "flow ☎\u{fe0f}窓口 -> 給付 : 記録 for 保険料徴集 # \u{fff9}\u{fffa}\u{e03fd}\u{1}\u{202e}\n\
             flow \"\u{1f468}\u{200d}\u{1f469}\u{200d}\u{1f467}窓口\" -> 給付 : 記録 for 保険料徴集\n\
             flow 給付 -> \"\u{1f44d}\u{1f3fd}\u{231a}\u{fe0e}\u{261d}\u{1f3fb}\" : 記録 for 保険給付\n\
             flow 給付 -> \"\u{261d}\u{fe0f}\u{1f3fb}\u{1f44d}\u{fe0f}\u{1f3fd}\u{270c}\u{fe0f}\u{1f3fc}\" : 記録 for 保険給付\n",
        );
        // The names marked whole, each a run of sequences.
        let sequences = [
            "\"\u{1f44d}\u{1f3fd}\u{231a}\u{fe0e}\u{261d}\u{1f3fb}\"",
            "\"\u{261d}\u{fe0f}\u{1f3fb}\u{1f44d}\u{fe0f}\u{1f3fd}\u{270c}\u{fe0f}\u{1f3fc}\"",
        ];
        // The columns a terminal draws: as unicode-width counts them, but
        // a VS16 before a skin-tone modifier (after a base that takes
        // one, as every base here does) adds nothing.
        let drawn = |s: &str| {
            let mut s = s.to_string();
            for m in '\u{1f3fb}'..='\u{1f3ff}' {
                s = s.replace(&format!("\u{fe0f}{m}"), &m.to_string());
            }
            s.width()
        };
        let mut s = Session::new(RulebookSource::Builtin("kenpo".into()));
        s.check_text("d.myna", text.clone(), None);
        let diags = s.sorted_diagnostics();
        let report = Report {
            sources: &s.sources,
            diagnostics: &diags,
            files: 1,
            checked: &[],
            lang: Lang::En,
        };
        let out = render_for(&report, false, AmbiguousWidth::Narrow);
        let stand_in = |c: char| {
            matches!(c, '\u{fff9}' | '\u{fffa}' | '\u{e0000}'..='\u{e0fff}')
                || (c.is_control() && c != '\n')
        };
        assert!(!out.contains(stand_in), "{out}");
        assert!(!out.contains('\u{202e}'), "{out}");
        assert!(
            out.contains("# \\u{fff9}\\u{fffa}\\u{e03fd}\\u{1}\\u{202e}"),
            "{out}"
        );
        for n in names {
            let flow = format!("flow {n} -> 給付 : 記録 for 保険料徴集");
            assert!(out.contains(&flow), "the line as written: {flow}\n{out}");
        }
        assert!(
            out.contains("d.myna:17:26"),
            "the column of `保険料徴集` in characters: {out}"
        );
        let (mut after, mut under) = (0, 0);
        for Carets {
            above,
            carets,
            source,
            indent,
            width,
            label,
        } in carets_under_lines(&out)
        {
            let marked = match label {
                " no purpose has this name" => "保険料徴集",
                " no actor has this name" => {
                    match sequences.into_iter().find(|n| source.contains(n)) {
                        Some(n) => n,
                        None => continue,
                    }
                }
                _ => continue,
            };
            let before = source.find(marked).expect("the token marked");
            assert_eq!(drawn(&source[..before]), indent, "{above}\n{carets}");
            assert_eq!(drawn(marked), width, "{above}\n{carets}");
            match marked {
                "保険料徴集" => after += 1,
                _ => under += 1,
            }
        }
        assert_eq!((after, under), (names.len() + 2, sequences.len()), "{out}");
    }

    /// A source line drawn with carets under it, read back from the
    /// output: the two lines, the source after its gutter, the carets'
    /// indent and width, and the label after them.
    struct Carets<'a> {
        above: &'a str,
        carets: &'a str,
        source: &'a str,
        indent: usize,
        width: usize,
        label: &'a str,
    }

    /// Every line of `out` drawn with carets under it ([`Carets`]).
    fn carets_under_lines(out: &str) -> Vec<Carets<'_>> {
        let lines: Vec<&str> = out.lines().collect();
        (lines.iter().zip(lines.iter().skip(1)))
            .filter_map(|(&above, &carets)| {
                let (_, source) = above.split_once("│ ")?;
                let (_, marks) = carets.split_once("│ ")?;
                let shown = marks.trim_start();
                Some(Carets {
                    above,
                    carets,
                    source,
                    indent: marks.len() - shown.len(),
                    width: shown.chars().take_while(|&c| c == '^').count(),
                    label: shown.trim_start_matches('^'),
                })
            })
            .collect()
    }

    /// Under a terminal that draws ambiguous-width characters wide, the
    /// carets under a line stand under the token they mark counted as it
    /// draws them (`width_cjk`: ①, ※, × two columns, α one), after them and
    /// under them, next to an escape and an emoji sequence; the line is
    /// drawn as written (no pad reaches the output), the header's column
    /// is counted in characters. Under a narrow one (the default), as
    /// codespan counts them.
    #[test]
    fn carets_count_ambiguous_characters_as_the_terminal_draws_them() {
        use unicode_width::UnicodeWidthStr;
        let text = "use \"kenpo\"\nactor 給付 : 組合\ndata 記録 : 給付記録\n\
                    actor \"①窓口\" : 組合\n\
                    flow \"①窓口\" -> 給付 : 記録 for 保険料徴集\n\
                    flow \"※×α\" -> 給付 : 記録 for 保険料徴集\n\
                    flow \"☎\u{fe0f}①\" -> 給付 : 記録 for 保険料徴集 # ※\u{1}\n\
                    flow 給付 -> \"①窓口\" : 記録 for 保険料徴集 via 給付\n";
        let mut s = Session::new(RulebookSource::Builtin("kenpo".into()));
        s.check_text("d.myna", text.to_string(), None);
        let diags = s.sorted_diagnostics();
        let report = Report {
            sources: &s.sources,
            diagnostics: &diags,
            files: 1,
            checked: &[],
            lang: Lang::En,
        };
        for width in [AmbiguousWidth::Narrow, AmbiguousWidth::Wide] {
            let out = render_for(&report, false, width);
            let drawn = |s: &str| match width {
                AmbiguousWidth::Wide => s.width_cjk(),
                AmbiguousWidth::Narrow => s.width(),
            };
            assert!(!out.contains(ambiguous::PAD), "{out}");
            assert!(out.contains("flow \"※×α\" -> 給付"), "{out}");
            assert!(out.contains("d.myna:5:27"), "{out}");
            let mut marked_lines = 0;
            for Carets {
                above,
                carets,
                source,
                indent,
                width: width_marked,
                label,
            } in carets_under_lines(&out)
            {
                let marked = match label {
                    " no purpose has this name" => "保険料徴集",
                    " no actor has this name" => match source.contains('☎') {
                        true => "\"☎\u{fe0f}①\"",
                        false => "\"※×α\"",
                    },
                    _ => continue,
                };
                let before = source.find(marked).expect("the token marked");
                // The emoji sequence is two columns, as the stand-ins count it.
                let as_drawn = |s: &str| drawn(&s.replace("☎\u{fe0f}", "漢"));
                assert_eq!(
                    as_drawn(&source[..before]),
                    indent,
                    "{width:?}\n{above}\n{carets}"
                );
                assert_eq!(
                    as_drawn(marked),
                    width_marked,
                    "{width:?}\n{above}\n{carets}"
                );
                marked_lines += 1;
            }
            assert_eq!(marked_lines, 6, "{out}");
        }
    }

    /// A character to escape on a line that no finding draws leaves the
    /// file as it is (only the lines drawn are looked through), and what
    /// is drawn is what the same file without it draws; on a line drawn,
    /// it is escaped.
    #[test]
    fn only_the_lines_drawn_decide_whether_a_file_is_escaped() {
        let design = |comment: &str| {
            format!(
                "use \"kenpo\"\n# {comment}\nactor 基幹 : 組合\nactor 市 : 他機関\n\
                 data 課税 : 課税・非課税情報\nflow 基幹 -> 市町 : 課税 for 被扶養者認定\n"
            )
        };
        // U+202E and its stand-in take three bytes each: every span after
        // them is where it was.
        let (hidden, plain) = (design("\u{202e}右から左"), design("abc右から左"));
        assert_eq!(hidden.len(), plain.len());
        let mut drawn = Vec::new();
        for text in [hidden, plain] {
            let mut s = Session::new(RulebookSource::Builtin("kenpo".into()));
            s.check_text("d.myna", text, None);
            let diags = s.sorted_diagnostics();
            let (mn004, others): (Vec<_>, Vec<_>) = diags
                .into_iter()
                .partition(|d| d.code == crate::code::Code::MN004);
            assert!(others.iter().any(|d| d.code == crate::code::Code::MN010));
            let report = |diagnostics| Report {
                sources: &s.sources,
                diagnostics,
                files: 1,
                checked: &[],
                lang: Lang::En,
            };
            let config = term::Config::default();
            assert!(
                Shown::new(&report(&others), &config, AmbiguousWidth::Narrow)
                    .redrawn
                    .iter()
                    .all(Option::is_none)
            );
            drawn.push(render_for(&report(&others), false, AmbiguousWidth::Narrow));
            if let Some(d) = mn004.first() {
                let shown = render_for(
                    &report(std::slice::from_ref(d)),
                    false,
                    AmbiguousWidth::Narrow,
                );
                assert!(shown.contains("# \\u{202e}右から左"), "{shown}");
                assert!(!shown.contains('\u{202e}'), "{shown}");
            }
            assert_eq!(mn004.is_empty(), drawn.len() == 2);
        }
        assert!(drawn[0].contains("市町"), "{}", drawn[0]);
        assert_eq!(drawn[0], drawn[1]);
    }
}
