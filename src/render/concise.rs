//! `--format concise`: one line per finding, `file:line:col: CODE message`,
//! for editors' quickfix lists (Vim's `errorformat` `%f:%l:%c: %m`) and
//! grep. No summary line. Names and messages pass through [`visible`], so
//! a finding is always exactly one line.

use super::Report;
use super::chunked::write_ordered_text;
use crate::escape::visible;
use std::fmt::Write as _;

/// Renders one line per diagnostic.
pub fn render(report: &Report) -> String {
    super::written(|out| write(out, report), |_| String::new())
}

/// [`render`] written to `out` as it is drawn, the lines on every core, a
/// few at a time.
pub fn write<W: std::io::Write + ?Sized>(out: &mut W, report: &Report) -> std::io::Result<()> {
    write_ordered_text(out, report.diagnostics, |_, d, out| {
        let p = report.position(d.primary);
        let _ = writeln!(
            out,
            "{}:{}:{}: {} {}",
            visible(report.file_name(d.primary)),
            p.line,
            p.column,
            d.code,
            visible(d.message.get(report.lang))
        );
        Ok(())
    })
}
