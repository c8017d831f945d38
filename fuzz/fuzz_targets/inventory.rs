//! The inventory over any bytes: nothing panics; drawn in one part, in
//! several parts, on every core, or from what the checks kept, it is the
//! same inventory; both renderers carry no raw control character from the
//! input, and the JSON parses.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mynaflow::inventory::Inventory;
use mynaflow::render::{inventory_json, inventory_md};
use mynaflow::session::{Analysis, RulebookSource, Session};
use mynaflow::text::Lang;

#[path = "clean_output.rs"]
mod clean_output;
use clean_output::assert_clean;

fuzz_target!(|data: &[u8]| {
    // As `mynaflow inventory` runs it: the checks keep what the inventory
    // lists too. `forced`: the built-in rulebook, no file read.
    let mut s = Session::forced(RulebookSource::Builtin("kenpo".into()));
    s.keep_computed = true;
    let checked = s.check_bytes("fuzz.myna", data, None);
    let Some(Analysis {
        design,
        graph,
        computed,
        ..
    }) = checked.analysis
    else {
        return;
    };
    if design.rulebook.is_none() {
        return;
    }
    let one = Inventory::compute_on_cores_from(&design, &graph, usize::MAX);
    assert_eq!(
        Inventory::compute_on_cores_from(&design, &graph, 0),
        one,
        "on every core"
    );
    for parts in [2, 3, 7] {
        assert_eq!(
            Inventory::compute_in_parts(&design, &graph, parts),
            one,
            "in {parts} parts"
        );
    }
    let kept = Inventory::compute_freeing(&design, graph, computed);
    assert_eq!(kept, one, "from what the checks kept");
    for lang in [Lang::En, Lang::Ja] {
        let doc = inventory_md::Doc {
            inventory: &one,
            design: &design,
            source: s.sources.get(checked.file),
            lang,
        };
        assert_clean(&inventory_md::render(&doc), "markdown");
        let json = inventory_json::render(&doc);
        assert_clean(&json, "json");
        serde_json::from_str::<serde_json::Value>(&json).expect("inventory JSON parses");
    }
});
