//! The human format: rustc-style snippets via codespan-reporting.

use super::Report;
use crate::code::Severity;
use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label, Severity as CsSeverity};
use codespan_reporting::term::{self, termcolor::Buffer};

/// Lines longer than this are not drawn as snippets: a diagnostic on such
/// a line (minified or generated input) is printed in the one-line form, so
/// many findings on one huge line cost linear, not quadratic, time.
pub const MAX_SNIPPET_LINE: usize = 1024;

/// Renders every diagnostic and a summary line. `color` adds ANSI styles.
pub fn render(report: &Report, color: bool) -> String {
    let lang = report.lang;
    let config = term::Config::default();
    let short = term::Config {
        display_style: term::DisplayStyle::Short,
        ..term::Config::default()
    };
    let mut buf = if color {
        Buffer::ansi()
    } else {
        Buffer::no_color()
    };
    for d in report.diagnostics {
        let mut labels = vec![{
            let s = report.clip(d.primary);
            let l = Label::primary(s.file, s.range());
            match &d.primary_label {
                Some(t) => l.with_message(t.get(lang)),
                None => l,
            }
        }];
        for l in &d.labels {
            let s = report.clip(l.span);
            labels.push(Label::secondary(s.file, s.range()).with_message(l.message.get(lang)));
        }
        let mut notes: Vec<String> = d.notes.iter().map(|n| n.get(lang).to_string()).collect();
        if let Some(h) = &d.help {
            notes.push(format!("help: {}", h.get(lang)));
        }
        let cs = CsDiagnostic::new(match d.severity {
            Severity::Error => CsSeverity::Error,
            Severity::Warning => CsSeverity::Warning,
        })
        .with_code(d.code.as_str())
        .with_message(d.message.get(lang))
        .with_labels(labels)
        .with_notes(notes);
        // Spans always point into files of the map, so this cannot fail;
        // if it ever did, the JSON format still carries the finding.
        let spans = std::iter::once(d.primary).chain(d.labels.iter().map(|l| l.span));
        let long = spans.into_iter().any(|s| {
            let f = report.sources.get(s.file);
            f.line_range(f.line_index(s.start as usize)).len() > MAX_SNIPPET_LINE
        });
        let _ = term::emit_to_write_style(
            &mut buf,
            if long { &short } else { &config },
            report.sources,
            &cs,
        );
    }
    let mut out = String::from_utf8_lossy(buf.as_slice()).into_owned();
    out.push_str(&summary(report));
    out
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
