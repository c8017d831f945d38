//! The generator of the benchmarks' designs (benches/generate) must keep
//! producing valid designs: only the findings it means to plant, and none
//! of syntax or names. Counts are asserted, never times.

#[path = "../benches/generate/mod.rs"]
mod generate;

use mynaflow::session::{RulebookSource, Session};
use mynaflow::suppress::Date;
use std::collections::BTreeMap;

/// Checks a design and counts its findings by code.
fn check(
    text: &str,
) -> (
    Session,
    mynaflow::session::Checked,
    BTreeMap<&'static str, usize>,
) {
    let mut s = Session::new(RulebookSource::Builtin("kenpo".into()));
    s.today = Date {
        year: 2025,
        month: 4,
        day: 1,
    };
    let checked = s.check_text("generated.myna", text.to_string(), None);
    let mut codes = BTreeMap::new();
    for d in &s.diagnostics {
        *codes.entry(d.code.as_str()).or_insert(0) += 1;
    }
    (s, checked, codes)
}

#[test]
fn a_generated_design_gives_only_the_planted_findings() {
    for (flows, seed) in [(2_000, generate::SEED), (2_001, 7), (1_500, 0xdead_beef)] {
        let g = generate::generate(flows, seed);
        assert_eq!(g.flows, flows);
        let (_, checked, codes) = check(&g.text);
        let design = &checked.analysis.expect("a design").design;
        assert_eq!(design.flows.len(), flows, "seed {seed}");
        assert_eq!(codes, g.expected, "seed {seed}");
        // Every kind of violation is planted, at about 2 %.
        for code in ["MN102", "MN103", "MN104", "MN401", "MN402"] {
            assert!(
                g.expected.get(code).is_some_and(|&n| n > 0),
                "{code} missing, seed {seed}"
            );
        }
        let planted: usize = g.expected.values().sum::<usize>() + g.suppressed;
        assert!(
            (flows / 100..=flows / 25).contains(&planted),
            "{planted} violations in {flows} flows"
        );
        assert!(g.suppressed > 0, "seed {seed}");
        eprintln!(
            "{flows} flows: {planted} violations, {} suppressed, {:?}",
            g.suppressed, g.expected
        );
    }
}

#[test]
fn the_default_design_is_deterministic() {
    assert_eq!(generate::design(500), generate::design(500));
    assert_ne!(
        generate::generate(500, 1).text,
        generate::generate(500, 2).text
    );
}

#[test]
fn fan_in_and_fan_out_are_stitched_as_groups() {
    let (senders, receivers) = (300, 200);
    let g = generate::fan(senders, receivers);
    assert_eq!(g.flows, senders + receivers + 1);
    let (_, checked, codes) = check(&g.text);
    assert!(codes.is_empty(), "{codes:?}");
    let graph = &checked.analysis.expect("a design").graph;
    // One exchange per receiver, standing for every sender: the senders
    // share a role and a route, so stitching does not multiply them.
    assert_eq!(graph.exchanges.len(), receivers);
    assert!(graph.exchanges.iter().all(|e| e.senders == senders));
}

/// Writes generated designs for timing the release binary:
/// `MYNAFLOW_GENERATE=100000,1000000 cargo test --release --test generated -- --ignored`
/// writes /tmp/mynaflow-bench-100000.myna and /tmp/mynaflow-bench-1000000.myna.
#[test]
#[ignore = "writes files for benches/README.md; run by hand"]
fn write_designs() {
    let sizes = std::env::var("MYNAFLOW_GENERATE").unwrap_or_else(|_| "100000".into());
    let dir = std::env::var("MYNAFLOW_GENERATE_DIR").unwrap_or_else(|_| "/tmp".into());
    for n in sizes
        .split(',')
        .filter_map(|s| s.trim().parse::<usize>().ok())
    {
        let g = generate::generate(n, generate::SEED);
        let path = format!("{dir}/mynaflow-bench-{n}.myna");
        std::fs::write(&path, &g.text).expect("write");
        let findings: usize = g.expected.values().sum();
        eprintln!(
            "{path}: {} bytes, {n} flows, {findings} findings expected {:?}",
            g.text.len(),
            g.expected
        );
    }
}
