//! The whole pipeline over any bytes, with every renderer: nothing panics,
//! JSON and SARIF parse, a baseline round-trips and excuses every finding,
//! and no output carries a raw control character from the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mynaflow::baseline::{Baseline, Excuses};
use mynaflow::render::{self, Report};
use mynaflow::session::{RulebookSource, Session};
use mynaflow::text::Lang;
use std::path::Path;

#[path = "clean_output.rs"]
mod clean_output;
use clean_output::assert_clean;

fuzz_target!(|data: &[u8]| {
    // `forced`: the design is checked against the built-in rulebook and its
    // `use` line reads no file, so the fuzzer never touches the disk.
    let session = || {
        let mut s = Session::forced(RulebookSource::Builtin("kenpo".into()));
        // Every finding, so that a baseline of those shown records them all.
        s.max_per_code = mynaflow::session::per_code_cap(0);
        s
    };
    let mut s = session();
    // The statements the check reads, kept for the baseline below.
    s.keep_statements = true;
    let checked = s.check_bytes("fuzz.myna", data, None);
    let diags = s.sorted_diagnostics();
    for lang in [Lang::En, Lang::Ja] {
        let report = Report {
            sources: &s.sources,
            diagnostics: &diags,
            files: 1,
            checked: &[checked.file],
            lang,
        };
        assert_clean(&render::human::render(&report, false), "human");
        let _ = render::human::render(&report, true);
        let json = render::json::render(&report);
        assert_clean(&json, "json");
        serde_json::from_str::<serde_json::Value>(&json).expect("JSON output parses");
        let sarif = render::sarif::render(&report);
        assert_clean(&sarif, "sarif");
        serde_json::from_str::<serde_json::Value>(&sarif).expect("SARIF output parses");
        let github = render::github::render(&report);
        assert_clean(&github, "github");
        for line in github.lines() {
            assert!(
                line.starts_with("::error ")
                    || line.starts_with("::warning ")
                    || line.starts_with("::notice ")
                    || line.is_empty()
                    || !line.starts_with("::"),
                "github: unexpected workflow command {line:?}"
            );
        }
        assert_clean(&render::junit::render(&report), "junit");
    }
    let base = Path::new(".");
    let b = Baseline::record(&s.sources, &s.outlines, &diags, base);
    let again = Baseline::parse(&b.to_json()).expect("a written baseline reads back");
    assert_eq!(again, b, "baseline round-trip");
    // The same bytes checked again with its excuses, as `check --baseline`
    // applies them (as the file is checked).
    let mut t = session();
    t.excuses = Some(std::sync::Arc::new(Excuses::of(&again, base)));
    t.check_bytes("fuzz.myna", data, None);
    // Excused as each file is checked; a finding no baseline may excuse
    // (MN004, MN005, MN013: `baseline::excusable`) stays.
    let left = t.sorted_diagnostics();
    assert!(
        left.iter().all(|d| !mynaflow::baseline::excusable(d.code)),
        "a baseline excuses every finding it recorded: {left:?}"
    );
    if let Some(a) = checked.analysis {
        let d = mynaflow::diagram::build(
            &a.design,
            s.sources.get(checked.file),
            &s.diagnostics,
            &mynaflow::diagram::Options {
                only_mynumber: false,
                item: None,
                section: None,
                flows: None,
                lang: Lang::En,
            },
        );
        assert_clean(&render::dot::render(&d, Lang::En), "dot");
        assert_clean(&render::mermaid::render(&d, Lang::En), "mermaid");
        // A part of the design, as the report draws a large one.
        let every_other = (0..a.design.flows.len() as u32)
            .step_by(2)
            .map(mynaflow::model::FlowId::new)
            .collect();
        let part = mynaflow::diagram::build(
            &a.design,
            s.sources.get(checked.file),
            &s.diagnostics,
            &mynaflow::diagram::Options {
                flows: Some(every_other),
                ..Default::default()
            },
        );
        assert!(part.edges.len() <= d.edges.len(), "a part draws no more");
        assert_clean(&render::dot::render(&part, Lang::En), "dot of a part");
        if a.design.rulebook.is_some() {
            let cov = mynaflow::coverage::Coverage::compute(std::slice::from_ref(&a));
            let _ = render::coverage::human(&cov, &s.sources, Lang::En);
            let json = render::coverage::json(&cov, &s.sources);
            serde_json::from_str::<serde_json::Value>(&json).expect("coverage JSON parses");
        }
    }
});
