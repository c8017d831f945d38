//! The language server's budgets (issue 8): a 1 000-flow document
//! re-analysed (the whole pipeline, as on every change) in ≤ 20 ms; hover
//! and completion in ≤ 5 ms.

use criterion::{Criterion, criterion_group, criterion_main};
use mynaflow::lsp::position::Encoding;
use mynaflow::lsp::{Document, complete_at, hover_at};
use mynaflow::text::Lang;
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

mod generate;

fn lsp(c: &mut Criterion) {
    let text = generate::design(1_000);
    let path = Path::new("bench.myna");
    let mut g = c.benchmark_group("lsp");
    g.sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    g.bench_function("reanalyse_1000_flows", |b| {
        b.iter(|| Document::analyse(path, black_box(text.clone()), Encoding::Utf16))
    });
    let doc = Document::analyse(path, text.clone(), Encoding::Utf16);
    // The arrow of the last flow: hover computes the verdicts of the design.
    let arrow = text.rfind("->").unwrap_or(0);
    assert!(
        hover_at(&doc, arrow, Lang::En).is_some(),
        "hover finds the arrow"
    );
    g.bench_function("hover_arrow_1000_flows", |b| {
        b.iter(|| hover_at(&doc, black_box(arrow), Lang::En))
    });
    // After the last flow's `for `: the purposes, allowed ones first.
    let for_kw = text.rfind(" for ").map_or(0, |i| i + 5);
    g.bench_function("complete_purpose_1000_flows", |b| {
        b.iter(|| complete_at(&doc, black_box(for_kw), Lang::En))
    });
    g.finish();
}

criterion_group!(benches, lsp);
criterion_main!(benches);
