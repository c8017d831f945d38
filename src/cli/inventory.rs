//! `mynaflow inventory FILE --format md|json`: the 特定個人情報 inventory
//! and the records of exchanges, for the society's PIA.

use super::output::{fail_in, print_fatal, session};
use super::{Common, FAILURE, OK};
use clap::ValueEnum;
use mynaflow::inventory::Inventory;
use mynaflow::render::{inventory_json, inventory_md};
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
