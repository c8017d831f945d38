//! A mutated rulebook against a fixed design (tests/cases/custom): loading
//! any rulebook, broken or not, never panics, and the design's findings
//! render as JSON that parses.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mynaflow::render::{self, Report};
use mynaflow::session::{RulebookSource, Session};
use mynaflow::text::Lang;
use std::path::PathBuf;
use std::sync::OnceLock;

const DESIGN: &str = include_str!("../../tests/cases/custom/design.myna");

/// The rulebook file the design's `use "rules.myna"` reads, in a folder of
/// this process's own.
fn rules_path() -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("mynaflow-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        dir.join("rules.myna")
    })
}

fuzz_target!(|data: &[u8]| {
    let path = rules_path();
    std::fs::write(path, data).expect("the rulebook is written");
    let dir = path.parent().map(PathBuf::from);
    let mut s = Session::new(RulebookSource::Builtin("kenpo".into()));
    let checked = s.check_text("design.myna", DESIGN.to_string(), dir.as_deref());
    let diags = s.sorted_diagnostics();
    let report = Report {
        sources: &s.sources,
        diagnostics: &diags,
        files: 1,
        checked: &[checked.file],
        lang: Lang::En,
    };
    let _ = render::human::render(&report, false);
    let json = render::json::render(&report);
    serde_json::from_str::<serde_json::Value>(&json).expect("JSON output parses");
    if let Some(a) = checked.analysis
        && a.design.rulebook.is_some()
    {
        let cov = mynaflow::coverage::Coverage::compute(std::slice::from_ref(&a));
        let _ = render::coverage::json(&cov, &s.sources);
    }
});
