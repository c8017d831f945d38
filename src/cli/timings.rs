//! `--timings` in the run's language. The library names each stage it
//! times in English (`Timings` keeps `&'static str`s, and benches and
//! tests read them); a Japanese run words them here, as it words every
//! other line it prints, with the columns lined up by display width (a
//! Japanese character takes two columns).

use mynaflow::text::Lang;
use mynaflow::timings::Timings;
use unicode_width::UnicodeWidthStr;

/// Every stage and part of a stage that a command times, in Japanese.
/// The names checks give their parts by code (`MN402`, `MN101–105`) are
/// not words and are shown as they are.
const STAGES_JA: &[(&str, &str)] = &[
    // Reading and parsing (session.rs).
    ("read+decode", "読み込み+復号"),
    ("index lines", "行の索引付け"),
    ("lex+parse", "字句解析+構文解析"),
    ("lex", "字句解析"),
    ("parse", "構文解析"),
    ("rulebook", "ルールブック"),
    ("keep spans", "位置の保持"),
    ("free tree", "構文木の解放"),
    ("resolve", "名前解決"),
    ("rebind", "名前の再解決"),
    // The graph and the checks, with the checks' parts (checks/mod.rs).
    ("graph", "グラフ構築"),
    ("stitch", "経路の接続"),
    ("checks", "検査"),
    ("holdings", "保有の追跡"),
    ("verdicts", "交換の判定"),
    ("provisions", "提供の判定"),
    ("places", "指摘の位置"),
    ("suppressions", "抑制の適用"),
    ("word", "文言の作成"),
    // What the commands add (cli/).
    ("sort", "並べ替え"),
    ("free model", "モデルの解放"),
    ("render+write", "描画+書き出し"),
    ("cap", "件数の上限"),
    ("check capped", "上限付きの再検査"),
    ("apply+free", "修正の適用+解放"),
    ("check again", "再検査"),
    ("write", "書き出し"),
    ("compare", "照合"),
    ("coverage", "カバレッジ"),
    ("diagram", "図の作成"),
    ("inventory", "棚卸し"),
    ("diff", "差分"),
    ("gate", "許可範囲の比較"),
    ("witnesses", "例示フローの確認"),
];

/// A stage's name in `lang`. One this table does not know (a stage added
/// later) keeps its own name rather than vanish from the table.
pub fn stage(name: &'static str, lang: Lang) -> &'static str {
    match lang {
        Lang::En => name,
        Lang::Ja => STAGES_JA
            .iter()
            .find_map(|(en, ja)| (*en == name).then_some(*ja))
            .unwrap_or(name),
    }
}

/// The table of `t` in `lang`: in English exactly [`Timings::table`]; in
/// Japanese the same lines and figures, the names worded and padded to
/// the widest.
pub fn table(t: &Timings, lang: Lang) -> String {
    if lang == Lang::En {
        return t.table();
    }
    let total_word = "合計";
    // As wide as the English table's column, or the widest name.
    let width = (t.stages.iter().map(|(s, _)| stage(s, lang).width()))
        .chain(t.parts.iter().map(|(_, p, _)| stage(p, lang).width() + 2))
        .chain([total_word.width(), 14])
        .max()
        .unwrap_or(14);
    let padded = |name: &str, indent: usize| {
        let pad = width.saturating_sub(name.width() + indent);
        format!("{}{name}{}", " ".repeat(indent), " ".repeat(pad))
    };
    let total = t.total();
    let share = |d: std::time::Duration| {
        if total.is_zero() {
            0.0
        } else {
            100.0 * d.as_secs_f64() / total.as_secs_f64()
        }
    };
    let mut out = String::new();
    for &(s, d) in &t.stages {
        out.push_str(&format!(
            "{} {:>10.3} ms {:>5.1} %\n",
            padded(stage(s, lang), 0),
            d.as_secs_f64() * 1e3,
            share(d)
        ));
        for &(_, p, d) in t.parts.iter().filter(|(of, _, _)| *of == s) {
            out.push_str(&format!(
                "{} {:>10.3} ms\n",
                padded(stage(p, lang), 2),
                d.as_secs_f64() * 1e3
            ));
        }
    }
    out.push_str(&format!(
        "{} {:>10.3} ms\n",
        padded(total_word, 0),
        total.as_secs_f64() * 1e3
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn english_is_the_librarys_table_and_japanese_lines_up() {
        let mut t = Timings::default();
        t.add("read+decode", Duration::from_millis(2));
        t.add("checks", Duration::from_millis(6));
        t.add_part("checks", "verdicts", Duration::from_millis(1));
        t.add_part("checks", "MN402", Duration::from_millis(5));
        assert_eq!(table(&t, Lang::En), t.table());
        let ja = table(&t, Lang::Ja);
        let lines: Vec<&str> = ja.lines().collect();
        assert_eq!(lines.len(), 5, "{ja}");
        assert!(lines[0].starts_with("読み込み+復号 ") && lines[0].ends_with(" %"));
        assert!(lines[1].starts_with("検査 ") && lines[1].ends_with(" %"));
        assert!(lines[2].starts_with("  交換の判定 ") && lines[2].ends_with(" ms"));
        assert!(lines[3].starts_with("  MN402 "));
        assert!(lines[4].starts_with("合計 "));
        // The figures end in one column, whatever the names' widths.
        let ends: Vec<usize> = (lines.iter())
            .map(|l| l.find(" ms").map_or(0, |at| l[..at].width()))
            .collect();
        assert!(ends.iter().all(|&e| e > 0 && e == ends[0]), "{ja}");
    }

    /// Every stage the sources time has its Japanese: a name is found in
    /// a `.time("…"`, `.add("…"` or `.add_part("…"` call, and the parts
    /// the checks push as `("name", …)`.
    #[test]
    fn every_stage_timed_in_the_sources_has_its_japanese() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut missing = Vec::new();
        let mut files = vec![root];
        while let Some(p) = files.pop() {
            if p.is_dir() {
                for e in std::fs::read_dir(&p).expect("read src").flatten() {
                    files.push(e.path());
                }
                continue;
            }
            if p.extension().is_none_or(|e| e != "rs") || p.ends_with("timings.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&p).expect("read a source");
            for opener in [".time(\"", ".add(\"", "spent.push((\"", "spent.extend([(\""] {
                for (at, _) in text.match_indices(opener) {
                    let rest = &text[at + opener.len()..];
                    let name = rest.split('"').next().unwrap_or_default();
                    if !name.starts_with("MN") && stage_known(name).is_none() {
                        missing.push(format!("{}: {name}", p.display()));
                    }
                }
            }
            // The checks' parts after the first of a list.
            for (at, _) in text.match_indices("), (\"") {
                let rest = &text[at + 5..];
                let name = rest.split('"').next().unwrap_or_default();
                let is_part = text[..at].rfind("spent.extend([") > text[..at].rfind(';');
                if is_part && !name.starts_with("MN") && stage_known(name).is_none() {
                    missing.push(format!("{}: {name}", p.display()));
                }
            }
        }
        assert!(missing.is_empty(), "stages with no Japanese: {missing:?}");
    }

    fn stage_known(name: &str) -> Option<&'static str> {
        STAGES_JA
            .iter()
            .find_map(|(en, ja)| (*en == name).then_some(*ja))
    }
}
