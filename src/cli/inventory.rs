//! `mynaflow inventory FILE --format md|json`: the 特定個人情報 inventory
//! and the records of exchanges, for the society's PIA.

use super::output::Settings;
use super::output::{fail_in, print_fatal, session};
use super::{Common, FAILURE, OK};
use clap::ValueEnum;
use mynaflow::filters::{self, Filters};
use mynaflow::inventory::{Inventory, LISTED_FINDINGS};
use mynaflow::render::{inventory_json, inventory_md};
use mynaflow::session::Session;
use mynaflow::span::FileId;
use mynaflow::text::Text;
use std::collections::BTreeSet;
use std::path::Path;

/// The document's format.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum InventoryFormat {
    /// Markdown, headings after the PPC's assessment form.
    Md,
    /// JSON (docs/inventory.schema.json).
    Json,
}

/// Writes the inventory of `file` to stdout; with `timings`, the time of
/// each stage to stderr.
pub fn run(file: &Path, format: InventoryFormat, timings: bool, common: &Common) -> u8 {
    let (mut s, settings) = match session(common, &[file.to_path_buf()]) {
        Ok(x) => x,
        Err(code) => return code,
    };
    // The inventory lists the verdicts and holdings the checks work out.
    s.keep_computed = true;
    let lang = settings.lang;
    if let Some(why) = super::output::refused_link(file, &settings) {
        fail_in(lang, &why);
        return FAILURE;
    }
    let checked = match s.check_path(file) {
        Ok(c) => c,
        Err(e) => {
            fail_in(lang, &mynaflow::oserror::in_both(&e));
            return FAILURE;
        }
    };
    // A file name may hold any character.
    let shown = mynaflow::escape::visible_owned(file.display().to_string());
    let Some(analysis) = checked.analysis else {
        print_fatal(&s, lang);
        fail_in(
            lang,
            &mynaflow::text!(
                "{shown} is not a design (not UTF-8, or a rulebook)";
                "{shown} は設計ではありません (UTF-8 でないか、ルールブックです)"
            ),
        );
        return FAILURE;
    };
    if analysis.design.rulebook.is_none() {
        print_fatal(&s, lang);
        fail_in(
            lang,
            &mynaflow::text::Text::new(
                "the design's rulebook could not be loaded, so which data is 特定個人情報 is unknown",
                "設計のルールブックを読み込めないため、どのデータが特定個人情報なのか分かりません",
            ),
        );
        return FAILURE;
    }
    let errors = s
        .diagnostics
        .iter()
        .filter(|d| d.primary.file == checked.file && d.is_error())
        .map(|d| d.findings())
        .sum::<usize>();
    if errors > 0 {
        let note = mynaflow::text!(
            "mynaflow: note: {shown} has {errors} error(s) (see `mynaflow check`); the inventory shows the design as written, flows with unresolved names left out";
            "mynaflow: 注記: {shown} にはエラーが {errors} 件あります (`mynaflow check` を参照)。棚卸しは書かれたとおりの設計を示し、名前を解決できないフローは含めていません"
        );
        eprintln!("{}", note.get(lang));
    }
    if let Some(note) = hidden_from_check(&s, &settings, checked.file, &shown) {
        eprintln!("{}", note.get(lang));
    }
    // The renderers need the design, not its graph: freed once drawn from.
    let mynaflow::session::Analysis {
        design,
        graph,
        computed,
        ..
    } = analysis;
    let inventory = s.timings.time("inventory", || {
        Inventory::compute_freeing(&design, graph, computed)
    });
    let doc = inventory_md::Doc {
        inventory: &inventory,
        design: &design,
        source: s.sources.get(checked.file),
        lang: settings.lang,
    };
    // Written as drawn: the JSON of a large design is never held whole.
    let written = s.timings.time("render+write", || {
        super::stdout::write_with(|out| match format {
            InventoryFormat::Md => inventory_md::write(&doc, out),
            InventoryFormat::Json => inventory_json::write(&doc, out),
        })
    });
    if timings {
        eprint!("{}", super::timings::table(&s.timings, settings.lang));
    }
    let status = match written {
        Ok(()) => OK,
        Err(e) => e.fail(settings.lang),
    };
    // The process ends here: freeing a large design's model and inventory
    // piece by piece would cost more than drawing it (as in `check`).
    std::mem::forget(inventory);
    std::mem::forget(design);
    std::mem::forget(s);
    status
}

/// What the config's `select`, `ignore` and `per-file-ignores` hide from
/// `check` of the findings the inventory lists (in `file`, shown as
/// `shown`), said: the inventory does not filter, as it is the PIA's
/// list of what the design does and on what basis, and an exchange a
/// filter hides is no more lawful for it. Said so that a reader whose
/// `check` passed is not surprised by a refusal here.
fn hidden_from_check(s: &Session, settings: &Settings, file: FileId, shown: &str) -> Option<Text> {
    let config = settings.config.as_ref()?;
    let selection = filters::selection(&[], &[], Some(config)).ok()?;
    let filters = Filters::new(&selection, Some(config), false, &s.sources, None);
    let hidden = (s.diagnostics.iter()).filter(|d| {
        d.primary.file == file
            && LISTED_FINDINGS.contains(&d.code)
            && !filters.reports(d.code, file)
    });
    let (mut findings, mut codes) = (0, BTreeSet::new());
    for d in hidden {
        findings += d.findings();
        codes.insert(d.code.as_str());
    }
    if findings == 0 {
        return None;
    }
    let codes = codes.into_iter().collect::<Vec<_>>().join(", ");
    Some(mynaflow::text!(
        "mynaflow: note: the config's select/ignore/per-file-ignores hide {findings} finding(s) of {shown} from `check` ({codes}); the inventory lists them beside the exchanges they judge all the same (a filter chooses what `check` reports, not what the rulebook allows)";
        "mynaflow: 注記: 設定ファイルの select/ignore/per-file-ignores により {shown} の指摘 {findings} 件 ({codes}) は `check` では表示されませんが、棚卸しには該当するやり取りの判定として記載しています (フィルターは `check` が報告する指摘を選ぶもので、ルールブックが認める範囲を変えるものではありません)"
    ))
}
