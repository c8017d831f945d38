//! Benchmarks over generated designs (see `generate/mod.rs` and README.md):
//!
//! - `parse`: lexing and parsing only, in bytes per second;
//! - `check`: the whole pipeline of `Session::check_text` (parse, load the
//!   built-in rulebook, resolve, graph, every check, suppressions), in
//!   flows per second, at 1 000, 10 000 and 100 000 flows;
//! - `shape`: the pipeline on a 2 000-flow design of each shape
//!   (`generate::Shape`: chains, fans, carriers, contractors, findings,
//!   suppressions, misspellings);
//! - `fan`: N senders into one carrier and N receivers out of the other,
//!   for one item and purpose: stitching must stay linear, not N × N.

use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use mynaflow::session::{RulebookSource, Session};
use mynaflow::span::FileId;
use mynaflow::suppress::Date;
use std::hint::black_box;
use std::time::Duration;

mod generate;

const SIZES: &[usize] = &[1_000, 10_000, 100_000];

/// Checks a design the way `mynaflow check` does, up to rendering.
fn check(text: String) -> usize {
    let mut s = Session::new(RulebookSource::Builtin("kenpo".into()));
    s.today = Date {
        year: 2025,
        month: 4,
        day: 1,
    };
    let checked = s.check_text("bench.myna", text, None);
    black_box(checked);
    s.diagnostics.len()
}

fn parse(c: &mut Criterion) {
    let mut g = c.benchmark_group("parse");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    for &n in SIZES {
        let text = generate::design(n);
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), &text, |b, text| {
            b.iter(|| mynaflow::syntax::parse(FileId(0), black_box(text)))
        });
    }
    g.finish();
}

fn pipeline(c: &mut Criterion) {
    let mut g = c.benchmark_group("check");
    g.sample_size(10).warm_up_time(Duration::from_secs(1));
    for &n in SIZES {
        let generated = generate::generate(n, generate::SEED);
        let expected: usize = generated.expected.values().sum();
        assert_eq!(check(generated.text.clone()), expected, "{n} flows");
        g.measurement_time(Duration::from_secs(if n >= 100_000 { 10 } else { 5 }));
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(
            BenchmarkId::from_parameter(n),
            &generated.text,
            |b, text| b.iter_batched(|| text.clone(), check, BatchSize::LargeInput),
        );
    }
    g.finish();
}

fn shapes(c: &mut Criterion) {
    let mut g = c.benchmark_group("shape");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    for &shape in generate::Shape::ALL {
        let generated = generate::shaped(shape, 2_000, generate::SEED);
        let expected: usize = generated.expected.values().sum();
        assert_eq!(check(generated.text.clone()), expected, "{shape:?}");
        g.throughput(Throughput::Elements(generated.flows as u64));
        g.bench_with_input(
            BenchmarkId::from_parameter(shape.name()),
            &generated.text,
            |b, text| b.iter_batched(|| text.clone(), check, BatchSize::LargeInput),
        );
    }
    g.finish();
}

fn fan(c: &mut Criterion) {
    let mut g = c.benchmark_group("fan");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    for &n in &[1_000, 10_000] {
        let generated = generate::fan(n, n);
        assert_eq!(check(generated.text.clone()), 0, "fan {n}");
        g.throughput(Throughput::Elements(generated.flows as u64));
        g.bench_with_input(
            BenchmarkId::new("senders=receivers", n),
            &generated.text,
            |b, text| b.iter_batched(|| text.clone(), check, BatchSize::LargeInput),
        );
    }
    g.finish();
}

criterion_group!(benches, parse, pipeline, shapes, fan);
criterion_main!(benches);
