//! Run-level facts in words: what made a run fail beside the findings it
//! shows, and what it withheld (did not check, or did not show). Every
//! format that says it takes its text from here.

use crate::code::Code;
use crate::escape::visible;
use crate::hidden_stops::{Hidden, HiddenStops};
use crate::input::display_name;
use crate::source::SourceMap;
use crate::span::Span;
use crate::text::Text;
use crate::withheld::{ByConfig, SkippedFolder};

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

/// Names shown in the words for a folder the walk skipped; the rest are
/// counted.
const SKIPPED_SHOWN: usize = 3;

/// What one config withheld ([`ByConfig`]): the findings its filters hid,
/// the designs its `exclude` left unchecked, the findings its baseline
/// excused, each only when there are some; for a config that was found
/// (it may have come with a pull request), how to keep one out.
pub fn withheld_by_config(b: &ByConfig) -> Text {
    let c = visible(&display_name(&b.config)).into_owned();
    let (mut en, mut ja): (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
    let (hidden, excluded, excused) = (b.hidden, b.excluded, b.excused);
    if hidden > 0 {
        en.push(format!(
            "{hidden} finding(s) hidden by its select/ignore/per-file-ignores"
        ));
        ja.push(format!(
            "select/ignore/per-file-ignores で非表示にした指摘 {hidden} 件"
        ));
    }
    if excluded > 0 {
        en.push(format!("{excluded} design(s) not checked (its exclude)"));
        ja.push(format!("exclude で検査しなかった設計 {excluded} 件"));
    }
    if excused > 0 {
        en.push(format!(
            "{excused} finding(s) recorded in its baseline not shown"
        ));
        ja.push(format!(
            "ベースラインに記録済みのため表示しなかった指摘 {excused} 件"
        ));
    }
    let (en, ja) = (en.join(", "), ja.join("、"));
    let said = crate::text!(
        "config {c}: {en}; this report does not show them";
        "設定ファイル {c} が報告から除いたもの: {ja}。この報告には含まれていません"
    );
    if !b.found {
        return said;
    }
    crate::text!(
        "{} (a mynaflow.toml found beside the designs governs those under it, and a pull request can add one: review it, or pin the config in CI with --config)", said.en;
        "{} (設計のそばで見つかった mynaflow.toml はその下の設計に適用され、プルリクエストで追加することもできます。内容を確認するか、CI では --config で設定ファイルを固定してください)", said.ja
    )
}

/// The design-looking files in a folder the walk does not enter: how
/// many, the first few, and how to check them.
pub fn skipped_folder(s: &SkippedFolder) -> Text {
    let n = s.designs.len();
    let folder = visible(&display_name(&s.folder)).into_owned();
    let mut names: Vec<String> = (s.designs.iter().take(SKIPPED_SHOWN))
        .map(|p| visible(&display_name(p)).into_owned())
        .collect();
    if n > SKIPPED_SHOWN {
        names.push("…".to_string());
    }
    let (en, ja) = (names.join(", "), names.join("、"));
    crate::text!(
        "{n} design-looking file(s) in {folder}/ not checked, as the walk does not enter hidden folders or `target/`: {en}; name them on the command line to check them";
        "隠しフォルダと `target/` の中は走査しないため、{folder}/ の設計らしいファイル {n} 件を検査していません: {ja}。検査するにはコマンドラインで指定してください"
    )
}

/// A file whose name reads as a design's but is not one
/// ([`crate::lookalike`]): not checked, its name shown with what differs
/// escaped, and how to check it.
pub fn lookalike(path: &std::path::Path) -> Text {
    let name = crate::lookalike::shown(&display_name(path));
    crate::text!(
        "{name} not checked: its name reads as ending in `.myna` but does not (a full-width letter, an invisible character or white space, shown escaped), and the walk takes only names that end in `.myna`; rename it, or name it on the command line, to check it";
        "{name} は設計として検査していません: 名前が `.myna` で終わるように見えますが、全角文字・不可視文字・空白 (エスケープして表示) があるため `.myna` で終わっておらず、走査では `.myna` で終わる名前だけを検査します。検査するには名前を直すか、コマンドラインで指定してください"
    )
}
