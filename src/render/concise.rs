//! `--format concise`: one line per finding, `file:line:col: CODE message`,
//! for editors' quickfix lists (Vim's `errorformat` `%f:%l:%c: %m`) and
//! grep. No summary line. Names and messages pass through [`visible`], so
//! a finding is always exactly one line.

use super::Report;
use crate::escape::visible;
use std::fmt::Write as _;

/// Renders one line per diagnostic.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for d in report.diagnostics {
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
    }
    out
}
