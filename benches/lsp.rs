//! The language server's budgets (issue 8): a 1 000-flow document
//! re-analysed (the whole pipeline, as on every change) in ≤ 20 ms; hover
//! and completion in ≤ 5 ms. `MYNAFLOW_LSP_SIZES` times large documents
//! ([`scale`]), `MYNAFLOW_LSP_TYPING` the server over stdio while someone
//! types, or a client sends whole texts ([`typing`]).

use criterion::{Criterion, criterion_group};
use mynaflow::lsp::position::{Encoding, LineIndex};
use mynaflow::lsp::{Document, complete_at, hover_at};
use mynaflow::rulebook_shelf::RulebookShelf;
use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

mod generate;
mod typing;

/// The command's allocator settings: the server is measured with the
/// memory it keeps between edits, as `mynaflow lsp` runs.
#[path = "../src/allocator.rs"]
#[allow(dead_code)] // `Run::Once` is for the other commands.
mod allocator;

/// The allocator `mynaflow lsp` runs with, so the figures are the server's.
#[cfg(not(feature = "system-alloc"))]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    // As the server re-analyses: the rulebook taken from the shelf the
    // analysis before filled, while its text is unchanged.
    let rulebooks = Arc::new(RulebookShelf::new());
    g.bench_function("reanalyse_1000_flows_rulebook_shelved", |b| {
        b.iter(|| {
            Document::analyse_unless(
                path,
                black_box(text.clone()),
                Encoding::Utf16,
                &rulebooks,
                &|| false,
            )
        })
    });
    let doc = Document::analyse(path, text.clone(), Encoding::Utf16);
    // The arrow of the last flow: hover computes the verdicts of the design.
    let arrow = text.rfind("->").unwrap_or(0);
    assert!(hover_at(&doc, arrow).is_some(), "hover finds the arrow");
    g.bench_function("hover_arrow_1000_flows", |b| {
        b.iter(|| hover_at(&doc, black_box(arrow)))
    });
    // After the last flow's `for `: the purposes, allowed ones first.
    let for_kw = text.rfind(" for ").map_or(0, |i| i + 5);
    g.bench_function("complete_purpose_1000_flows", |b| {
        b.iter(|| complete_at(&doc, black_box(for_kw)))
    });
    // 10 000 flows on one line, each flow's start as a UTF-16 position
    // (the outline's work): counted from the line's start, this took
    // seconds (quadratic in the line).
    let line: String = (0..10_000)
        .map(|_| "flow 区役所 -> 𠮷 : d for 保険給付 ")
        .collect();
    let long = format!("actor 区役所 : 組合\n{line}\n");
    let starts: Vec<usize> = long.match_indices("flow ").map(|(i, _)| i).collect();
    let index = LineIndex::new(&long, Encoding::Utf16);
    g.bench_function("positions_10000_flows_one_line", |b| {
        b.iter(|| {
            (starts.iter())
                .map(|&s| index.position(black_box(&long), s).character)
                .max()
        })
    });
    g.finish();
}

/// `MYNAFLOW_LSP_SIZES="100000 1000000" cargo bench --bench lsp`: the
/// language server's work on large documents (issue 13), timed by hand
/// (criterion would take minutes per sample): best of three re-analyses,
/// then hover on the last flow's arrow (the first after the analysis, and
/// again) and completion after its `for`.
/// Prints one line per size and the ratios between sizes ten times apart;
/// with `MYNAFLOW_LSP_TIMINGS` set, the best re-analysis's time per stage
/// before each line.
fn scale(sizes: &str) {
    use std::time::Instant;
    let path = Path::new("bench.myna");
    let mut rows: Vec<(usize, f64, f64, f64)> = Vec::new();
    for n in sizes
        .split_whitespace()
        .filter_map(|n| n.parse::<usize>().ok())
    {
        let text = generate::design(n);
        let mut best = f64::MAX;
        let mut best_stages = String::new();
        let mut doc = None;
        for _ in 0..3 {
            drop(doc.take());
            let start = Instant::now();
            let analysed = Document::analyse(path, text.clone(), Encoding::Utf16);
            let took = start.elapsed().as_secs_f64();
            if took < best {
                best = took;
                best_stages = analysed.session.timings.table();
            }
            doc = Some(analysed);
        }
        if std::env::var_os("MYNAFLOW_LSP_TIMINGS").is_some() {
            print!("{best_stages}");
        }
        let Some(doc) = doc else { continue };

        let arrow = text.rfind("->").unwrap_or(0);
        // The first request after an analysis finds the design out of the
        // cache; the ones after it, in.
        let start = Instant::now();
        let first = hover_at(&doc, arrow);
        let first_s = start.elapsed().as_secs_f64();
        assert!(first.is_some(), "hover finds the arrow");
        let start = Instant::now();
        black_box(hover_at(&doc, arrow));
        let hover_s = start.elapsed().as_secs_f64();
        let for_kw = text.rfind(" for ").map_or(0, |i| i + 5);
        let start = Instant::now();
        black_box(complete_at(&doc, for_kw));
        let complete_s = start.elapsed().as_secs_f64();
        println!(
            "lsp {n} flows, {:.1} MB: reanalyse {best:.3} s, hover {:.2} ms (the first {:.2} ms), complete {:.2} ms",
            text.len() as f64 / 1e6,
            hover_s * 1e3,
            first_s * 1e3,
            complete_s * 1e3
        );
        rows.push((n, best, hover_s, complete_s));
    }
    for (n, a, h, c) in &rows {
        if let Some((_, a0, h0, c0)) = rows.iter().find(|r| r.0 * 10 == *n) {
            println!(
                "ratio {n}/{}: reanalyse {:.1}, hover {:.1}, complete {:.1}",
                n / 10,
                a / a0,
                h / h0,
                c / c0
            );
        }
    }
}

criterion_group!(benches, lsp);

fn main() {
    allocator::configure(allocator::Run::Serving);
    if let Ok(flows) = std::env::var("MYNAFLOW_LSP_TYPING") {
        let var = |name: &str, default: u64| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(default)
        };
        let flows = flows.parse().unwrap_or(1_000_000);
        let gap = Duration::from_millis(var("MYNAFLOW_LSP_GAP_MS", 200));
        let edit = match std::env::var("MYNAFLOW_LSP_WHOLE").as_deref() {
            Ok("1") => typing::Edit::WholeText,
            _ => typing::Edit::Keystroke,
        };
        typing::typing(flows, var("MYNAFLOW_LSP_EDITS", 10) as usize, gap, edit);
        return;
    }
    match std::env::var("MYNAFLOW_LSP_SIZES") {
        Ok(sizes) => scale(&sizes),
        Err(_) => {
            benches();
            Criterion::default().configure_from_args().final_summary();
        }
    }
}
