//! The human format: rustc-style snippets via codespan-reporting.
//!
//! codespan prints source lines verbatim, so it is given an escaped copy of
//! each file that needs one (`Shown`), with every span moved to match:
//! carets still line up, and no control character of the input reaches the
//! terminal or a CI log.
//!
//! codespan also counts the columns under a line one character at a time
//! (`UnicodeWidthChar`), where a terminal draws an emoji presentation
//! sequence (`☎` U+260E then VS16, U+FE0F) two columns wide, as
//! `UnicodeWidthStr` counts it: the carets after one would stand a
//! column to the left. Such a VS16 is given to codespan as a stand-in one
//! column wide (`WIDENING_STAND_IN`), which the writer turns back into
//! U+FE0F as it is written (`Selectors`).

use super::Report;
use super::chunked::write_ordered;
use crate::code::Severity;
use crate::escape::{EscapedSource, visible};
use crate::source::{SourceFile, SourceMap};
use crate::span::{FileId, Span};
use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label, Severity as CsSeverity};
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::{
    self,
    termcolor::{Ansi, NoColor},
};
use std::borrow::Cow;
use std::io::{self, Write};
use std::ops::Range;

/// The files as the human format shows them: a file whose text holds a
/// character that [`crate::escape::needs_escape`] is replaced by its
/// escaped copy, and one whose text holds a VS16 that widens the emoji
/// before it by a copy with [`WIDENING_STAND_IN`] there; the others are
/// shown as they are (and not copied).
struct Shown<'a> {
    sources: &'a SourceMap,
    redrawn: Vec<Option<Redrawn>>,
}

/// A file as it is given to codespan, when that is not its text.
struct Redrawn {
    /// Where its escapes moved each offset; none when nothing was escaped
    /// (a stand-in takes the bytes of the VS16 it stands for, so it moves
    /// nothing).
    escapes: Option<EscapedSource>,
    /// The text given to codespan.
    file: SourceFile,
    /// Whether the text holds a [`WIDENING_STAND_IN`], which the writer
    /// must turn back into U+FE0F.
    widened: bool,
}

/// What codespan is given for a VS16 that makes the character before it
/// two columns wide: a character it counts one column wide, so that the
/// carets after the emoji are as far right as the terminal draws it. It
/// never reaches the output ([`Selectors`] writes U+FE0F for it). It is
/// one that [`crate::escape::needs_escape`], so one written in a design
/// is escaped before this is put in (and one in a message never gets to
/// the writer unescaped): every one the writer sees is a stand-in. And
/// it takes three bytes, as U+FE0F does, so no offset moves.
const WIDENING_STAND_IN: char = '\u{fff9}';

/// The offsets of the VS16s of `text` that make the character before
/// them wider than it is alone (`☎` U+260E: one column; `☎️`: two, an
/// emoji presentation sequence), as `unicode-width` measures a string:
/// those for which codespan, measuring each character alone, would count
/// a column too few.
fn widening_selectors(text: &str) -> impl Iterator<Item = usize> + '_ {
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    const VS16: &str = "\u{fe0f}";
    // A match starts with 0xEF, a lead byte: always a character boundary.
    memchr::memmem::find_iter(text.as_bytes(), VS16.as_bytes()).filter(move |&at| {
        let Some(base) = text.get(..at).and_then(|before| before.chars().next_back()) else {
            return false;
        };
        let pair = format!("{base}{VS16}");
        pair.width() > base.width().unwrap_or(0)
    })
}

/// `text` with each VS16 that [`widening_selectors`] finds written as
/// [`WIDENING_STAND_IN`], or None when it has none.
fn with_stand_ins(text: &str) -> Option<String> {
    let mut at = widening_selectors(text).peekable();
    at.peek()?;
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for i in at {
        out.push_str(text.get(from..i).unwrap_or_default());
        out.push(WIDENING_STAND_IN);
        from = i + '\u{fe0f}'.len_utf8();
    }
    out.push_str(text.get(from..).unwrap_or_default());
    Some(out)
}

impl<'a> Shown<'a> {
    /// Escapes the files whose lines `config` draws (those of the
    /// diagnostics' spans, clipped as they are drawn) hold a character to
    /// escape, and puts stand-ins for the VS16s that widen an emoji in
    /// them. The lines are looked through, not the whole file (a
    /// million-flow design is 110 MB, the lines of a hundred findings a
    /// few kilobytes), until they come to the file's size; then the
    /// file is. A file is redrawn whole or not at all, so an escaped
    /// line elsewhere in it changes nothing drawn: escaping never adds or
    /// removes a line feed.
    fn new(report: &Report<'a>, config: &term::Config) -> Shown<'a> {
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
                || widening_selectors(lines).next().is_some();
        }
        for (i, _) in whole.iter().enumerate().filter(|(_, w)| **w) {
            let text = &report.sources.get(FileId(i as u32)).text;
            let mut escapes = EscapedSource::of(text);
            // The shown file holds the text; the escape keeps its shifts.
            let escaped_text = escapes.as_mut().map(|e| std::mem::take(&mut e.text));
            // The stand-ins go into the escaped text: a VS16 is never
            // escaped, and a stand-in written in the design is.
            let stood_in = with_stand_ins(escaped_text.as_deref().unwrap_or(text));
            let widened = stood_in.is_some();
            let Some(shown) = stood_in.or(escaped_text) else {
                continue;
            };
            redrawn[i] = Some(Redrawn {
                escapes,
                file: SourceFile::new(String::new(), shown),
                widened,
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

    /// A span's byte range in the text shown.
    fn range(&self, s: Span) -> Range<usize> {
        match self.escapes(s.file) {
            Some(e) => e.map(s.start as usize)..e.map(s.end as usize),
            None => s.range(),
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

    /// Does the text shown for a file hold a [`WIDENING_STAND_IN`]?
    fn widened(&self, id: FileId) -> bool {
        matches!(self.redrawn.get(id.0 as usize), Some(Some(r)) if r.widened)
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

/// Renders every diagnostic and a summary line. `color` adds ANSI styles.
pub fn render(report: &Report, color: bool) -> String {
    super::written(|out| write(out, report, color, true), |_| String::new())
}

/// [`render`] written to `out` as it is drawn, the diagnostics on every
/// core, a few at a time (with every finding shown, `--max-per-code 0`, a
/// large design's report is over a hundred megabytes); the summary line
/// last unless `summary_line` is false (`check --quiet`).
pub fn write<W: Write + ?Sized>(
    out: &mut W,
    report: &Report,
    color: bool,
    summary_line: bool,
) -> io::Result<()> {
    let lang = report.lang;
    let config = term::Config::default();
    let short = term::Config {
        display_style: term::DisplayStyle::Short,
        ..term::Config::default()
    };
    let shown = Shown::new(report, &config);
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
        let widened = spans().any(|s| shown.widened(s.file));
        // Spans always point into files of the map, so this cannot fail;
        // if it ever did, the JSON format still carries the finding.
        let config = if long { &short } else { &config };
        let emit = |w: &mut dyn term::WriteStyle| {
            // Another writer only where a stand-in may pass: each is one
            // more call a character.
            let _ = match widened {
                true => term::emit_to_write_style(&mut Selectors { inner: w }, config, &shown, &cs),
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

/// A codespan writer that writes U+FE0F for each [`WIDENING_STAND_IN`]
/// in what it is given: codespan writes a line of the source a character
/// at a time, so a stand-in never comes in two pieces.
struct Selectors<'a, W: ?Sized> {
    inner: &'a mut W,
}

impl<W: term::WriteStyle + ?Sized> std::io::Write for Selectors<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut stand_in = [0u8; 4];
        let stand_in = WIDENING_STAND_IN.encode_utf8(&mut stand_in).as_bytes();
        if memchr::memmem::find(buf, stand_in).is_none() {
            return self.inner.write(buf);
        }
        let mut vs16 = [0u8; 4];
        let vs16 = '\u{fe0f}'.encode_utf8(&mut vs16).as_bytes();
        let mut from = 0;
        for at in memchr::memmem::find_iter(buf, stand_in) {
            self.inner
                .write_all(buf.get(from..at).unwrap_or_default())?;
            self.inner.write_all(vs16)?;
            from = at + stand_in.len();
        }
        self.inner.write_all(buf.get(from..).unwrap_or_default())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

impl<W: term::WriteStyle + ?Sized> term::WriteStyle for Selectors<'_, W> {
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
            let whole = render(&report(&diags), color);
            let mut one_by_one = String::new();
            for d in &diags {
                let mut out = Vec::new();
                write(&mut out, &report(std::slice::from_ref(d)), color, false).unwrap();
                one_by_one.push_str(&String::from_utf8(out).unwrap());
            }
            one_by_one.push_str(&summary(&report(&diags)));
            assert_eq!(whole, one_by_one, "{lang:?}");
        }
    }

    /// The stand-in for a widening VS16 is counted one column wide, is
    /// escaped wherever a design or a message holds it, and takes the
    /// bytes of U+FE0F.
    #[test]
    fn the_stand_in_for_a_vs16_is_one_column_escaped_and_as_long() {
        use unicode_width::UnicodeWidthChar;
        assert_eq!(WIDENING_STAND_IN.width(), Some(1));
        assert!(crate::escape::needs_escape(WIDENING_STAND_IN));
        assert_eq!(WIDENING_STAND_IN.len_utf8(), '\u{fe0f}'.len_utf8());
        // Widens: a text-default emoji, a keycap's digit. Does not: an
        // emoji already two columns wide, a letter, a selector alone.
        let found = |s: &str| widening_selectors(s).collect::<Vec<_>>();
        assert_eq!(found("☎\u{fe0f}窓口"), [3]);
        assert_eq!(found("\"1\u{fe0f}\u{20e3}番\""), [2]);
        assert_eq!(found("📦\u{fe0f} a\u{fe0f} \u{fe0f}"), Vec::<usize>::new());
        assert_eq!(with_stand_ins("x"), None);
        assert_eq!(
            with_stand_ins("☎\u{fe0f}☎\u{fe0f}").as_deref(),
            Some("☎\u{fff9}☎\u{fff9}")
        );
    }

    /// The carets under a line stand under the token they mark, counted
    /// in the columns a terminal draws (`UnicodeWidthStr`: an emoji
    /// presentation sequence two columns, a full-width letter two, a
    /// keycap two) after a VS16 emoji, a keycap and full-width letters;
    /// the line is drawn with its VS16s, and the header's column is still
    /// counted in characters.
    #[test]
    fn carets_stand_under_the_token_after_an_emoji_with_vs16() {
        use unicode_width::UnicodeWidthStr;
        let text = "use \"kenpo\"\n\
                    actor ☎\u{fe0f}窓口 : 組合\n\
                    actor \"1\u{fe0f}\u{20e3}番\" : 組合\n\
                    actor ＡＢＣ窓口 : 組合\n\
                    actor 給付 : 組合\n\
                    data 記録 : 給付記録\n\
                    flow ☎\u{fe0f}窓口 -> 給付 : 記録 for 保険料徴集\n\
                    flow \"1\u{fe0f}\u{20e3}番\" -> 給付 : 記録 for 保険料徴集\n\
                    flow ＡＢＣ窓口 -> 給付 : 記録 for 保険料徴集\n\
                    flow ☎\u{fe0f}窓口 -> 給付 : 記録 for 保険料徴集 # \u{fff9}\u{202e}\n";
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
        let out = render(&report, false);
        assert!(!out.contains(WIDENING_STAND_IN), "{out}");
        assert!(!out.contains('\u{202e}'), "{out}");
        assert!(out.contains("# \\u{fff9}\\u{202e}"), "{out}");
        assert!(
            out.contains("d.myna:7:26"),
            "the column of `保険料徴集` in characters: {out}"
        );
        let lines: Vec<&str> = out.lines().collect();
        let mut checked = 0;
        for (above, carets) in lines.iter().zip(lines.iter().skip(1)) {
            let (Some((_, source)), Some((_, marks))) =
                (above.split_once("│ "), carets.split_once("│ "))
            else {
                continue;
            };
            if !marks.ends_with("^ no purpose has this name") {
                continue;
            }
            let indent = marks.len() - marks.trim_start().len();
            let before = source.find("保険料徴集").expect("the purpose marked");
            assert_eq!(source[..before].width(), indent, "{above}\n{carets}");
            assert!(source.contains('\u{fe0f}') || source.contains("ＡＢＣ"));
            checked += 1;
        }
        assert_eq!(checked, 4, "{out}");
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
                Shown::new(&report(&others), &config)
                    .redrawn
                    .iter()
                    .all(Option::is_none)
            );
            drawn.push(render(&report(&others), false));
            if let Some(d) = mn004.first() {
                let shown = render(&report(std::slice::from_ref(d)), false);
                assert!(shown.contains("# \\u{202e}右から左"), "{shown}");
                assert!(!shown.contains('\u{202e}'), "{shown}");
            }
            assert_eq!(mn004.is_empty(), drawn.len() == 2);
        }
        assert!(drawn[0].contains("市町"), "{}", drawn[0]);
        assert_eq!(drawn[0], drawn[1]);
    }
}
