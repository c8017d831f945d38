//! Run-level facts in words: what made a run fail beside the findings it
//! shows. Every format that says it takes its text from here.

use crate::code::Code;
use crate::escape::visible;
use crate::hidden_stops::{Hidden, HiddenStops};
use crate::source::SourceMap;
use crate::span::Span;
use crate::text::Text;

/// `file:line:col` of a span, the file's name escaped.
fn place(sources: &SourceMap, at: Span) -> String {
    let file = sources.get(at.file);
    let (line, col) = file.line_col(at.start as usize);
    format!("{}:{line}:{col}", visible(&file.name))
}

/// Why the run fails although a filter hides every finding that says so:
/// how many syntax and name errors `select`, `ignore` or
/// `per-file-ignores` hid, their codes, and where the first is.
pub fn hidden_stops(h: &HiddenStops, sources: &SourceMap) -> Text {
    let n = h.count();
    let each: Vec<String> = (h.codes().iter())
        .map(|(c, hidden)| format!("{c} ×{}", hidden.count))
        .collect();
    let (codes, codes_ja) = (each.join(", "), each.join("、"));
    let (code, at) = h.first();
    let at = place(sources, at);
    crate::text!(
        "{n} finding(s) hidden by select/ignore stopped the checks of their statements: {codes}, the first at {at} ({code}); the run fails (fix them, or check without the filter to see them)";
        "select/ignore で非表示にした {n} 件の指摘のために、その文の検査が行われていません: {codes_ja}。最初は {at} ({code}) です。実行は失敗とします (修正するか、絞り込みを外して検査し、内容を確認してください)"
    )
}

/// The hidden findings of one code, for a format that says each code on
/// its own (SARIF's notifications, one per rule).
pub fn hidden_code(code: Code, hidden: &Hidden, sources: &SourceMap) -> Text {
    let n = hidden.count;
    let at = place(sources, hidden.first);
    crate::text!(
        "{n} {code} finding(s) hidden by select/ignore stopped the checks of their statements, the first at {at}; the run fails (fix them, or check without the filter to see them)";
        "select/ignore で非表示にした {code} の指摘 {n} 件のために、その文の検査が行われていません。最初は {at} です。実行は失敗とします (修正するか、絞り込みを外して検査し、内容を確認してください)"
    )
}
