//! Inputs an attacker can shape to make work grow faster than the input
//! (see issue 12). Each benchmark runs the whole pipeline of
//! `Session::check_text` over a generated design at two sizes, ten times
//! apart: linear work takes about ten times as long at the larger size.
//!
//! - `stacked_suppressions`: N own-line suppressions on top of each other
//!   above one flow (each must find the line it applies to);
//! - `misspellings`: N declared actors and N flows naming N distinct
//!   undeclared actors ("did you mean" for each);
//! - `control_bytes`: N bytes of control characters (MN004 for each,
//!   capped per code);
//! - `drift_chain`: N of the society's systems passing 特定個人情報 on
//!   in a chain, the purpose changing at every hop (MN402 at each, every
//!   one with a witness path back along the chain: at most
//!   `checks::WITNESS_HOPS` hops each, where whole paths were N²/2);
//! - `internal_mesh`: √N systems each passing 特定個人情報 to every
//!   other, for two purposes (N flows; what each holds lawfully is walked
//!   over every cycle of the mesh);
//! - `carrier_ring`: N carriers passing an item round a ring (stitching
//!   and the lawful walk through carriers);
//! - `deep_rulebook`: a rulebook (checked as a file of its own, MN6xx
//!   with it) of N/3 nested roles, categories and purposes each, every
//!   rule naming the top of each tree: walking up from every node took
//!   n²/2 steps;
//! - `crossed_rules`: N rules from the i-th of N nested roles for the
//!   (N−i)-th of N nested purposes: none covers another, and MN603's
//!   search for a covering rule tried every pair of ancestors (N³/6
//!   keys; 2 000 rules took 57 s); each rule's search now has a fixed
//!   number of steps (`rulecheck::redundant::STEPS`);
//! - `deep_register`: N register rows, each for the deepest of N nested
//!   purposes: marking every ancestor of every row's purpose took N²
//!   steps (20 000: 71 s and 8 GiB).
//! - `misspelled_rules`: a rulebook of N/2 categories and N/2 rules each
//!   naming a distinct undeclared one: the rulebook's "did you mean"
//!   compared each with every category (20 000 each: 113 s); it now goes
//!   through the index and budget a design's names do.
//! - `dense_findings`: N lines each declaring the same actor with a
//!   string left open (MN002 and MN011 on every line, 22 bytes): every
//!   one was worded, and 11 MB took 1.4 GB; past the first of each code,
//!   each is now kept as its place (`mynaflow::tally`).
//! - `dense_impact`: `rules diff --impact` of those lines (the built-in
//!   rulebook against itself): a comparison kept every finding in full,
//!   and 11 MB took 5.9 s and 2 GB; it now keeps each as its place.
//! - `dense_fmt`: `fmt` of those lines, which it refuses: each finding
//!   was worded to name the first (11 MB: 718 MB); it now keeps the first
//!   of each code.
//! - `dense_fix`, `fullwidth_fix`: the check `check --fix` starts with
//!   (no cap while its rounds fix, every fix kept) and its cap, of those
//!   lines and of N lines declaring an actor with a full-width colon
//!   (MN003, a safe fix each; MN012): every finding was worded for its
//!   fix (11 MB: 1.4 GB; a million flows typed in full width: 2.3 GB);
//!   past each code's first few, each is now kept as its place with its
//!   fix alone.

#[path = "generate/rulebooks.rs"]
mod rulebooks;

use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use mynaflow::session::{RulebookSource, Session};
use mynaflow::suppress::Date;
use std::hint::black_box;
use std::time::Duration;

fn check(text: String) -> usize {
    let mut s = Session::new(RulebookSource::Builtin("kenpo".into()));
    s.today = Date {
        year: 2025,
        month: 4,
        day: 1,
    };
    black_box(s.check_text("bench.myna", text, None));
    s.diagnostics.len()
}

/// The check `check --fix` starts with, then its cap: every finding with
/// a fix, what the cap shows, and what the rounds would apply.
fn fix_check(text: String) -> usize {
    let mut s = Session::new(RulebookSource::Builtin("kenpo".into()));
    s.max_per_code = None;
    s.fix_cap = Some(mynaflow::candidates::MAX_PER_CODE);
    s.fixes_first = true;
    let file = black_box(s.check_text("bench.myna", text, None)).file;
    let fixes = (s.diagnostics.iter().map(|d| d.fixes.len()))
        .chain(s.kept_as_places(file).iter().map(|h| h.fixes().len()))
        .sum::<usize>();
    black_box(s.cap_per_code(mynaflow::candidates::MAX_PER_CODE));
    fixes + s.diagnostics.len()
}

fn fullwidth_colons(n: usize) -> String {
    let mut t = String::from("use \"kenpo\"\n");
    for i in 0..n {
        t.push_str(&format!("actor 事業所{i}：事業主\n"));
    }
    t
}

fn stacked_suppressions(n: usize) -> String {
    let mut t =
        String::from("use \"kenpo\"\nactor 市 : 市町村\nactor 組合 : 組合\ndata 税 : 課税情報\n");
    for i in 0..n {
        t.push_str(&format!(
            "# mynaflow: allow MN103 reason=\"stacked {i}\" until=2099-12-31\n"
        ));
    }
    t.push_str("flow 市 -> 組合 : 税 for 保険給付\n");
    t
}

fn misspellings(n: usize) -> String {
    let mut t = String::from("use \"kenpo\"\ndata 税 : 課税情報\n");
    for i in 0..n {
        t.push_str(&format!("actor 事業所{i:06} : 組合\n"));
    }
    for i in 0..n {
        t.push_str(&format!(
            "flow 事業所{i:06} -> 事務所{i:06}x : 税 for 保険給付\n"
        ));
    }
    t
}

fn control_bytes(n: usize) -> String {
    "\u{1}".repeat(n)
}

/// The head every graph-shaped design below starts with.
const GRAPH_HEAD: &str = "use \"kenpo\"\nactor 市町村 : 他機関\nactor 情報提供NWS : 情報提供ネットワークシステム\n\
     actor 中間サーバー : 中間サーバー\ndata 税 : 課税・非課税情報\n";

fn internal_mesh(n: usize) -> String {
    let k = n.isqrt().max(2);
    let mut t = String::from(GRAPH_HEAD);
    for i in 0..k {
        t.push_str(&format!("actor S{i} : 組合\n"));
    }
    t.push_str("flow 市町村 -> S0 : 税 for 被扶養者認定 via 情報提供NWS, 中間サーバー\n");
    for i in 0..k {
        for j in (0..k).filter(|&j| j != i) {
            let purpose = ["保険給付", "被扶養者認定"][(i + j) % 2];
            t.push_str(&format!("flow S{i} -> S{j} : 税 for {purpose}\n"));
        }
    }
    t
}

fn carrier_ring(n: usize) -> String {
    let mut t = String::from(GRAPH_HEAD);
    t.push_str("actor A : 組合\n");
    for i in 0..n {
        t.push_str(&format!("actor N{i} : 情報提供ネットワークシステム\n"));
    }
    t.push_str("flow 市町村 -> N0 : 税 for 被扶養者認定\n");
    for i in 0..n {
        t.push_str(&format!(
            "flow N{i} -> N{} : 税 for 被扶養者認定\n",
            (i + 1) % n
        ));
    }
    t.push_str("flow 中間サーバー -> A : 税 for 被扶養者認定\n");
    t
}

fn deep_rulebook(n: usize) -> String {
    let k = (n / 3).max(1);
    let mut t = String::from(
        "rulebook deep \"deep\" revised 2024-01-01\nrole 組合 self\nrole 委託先 contractor\n",
    );
    rulebooks::chain(&mut t, "", "role", "R", k);
    rulebooks::chain(&mut t, "", "category", "C", k);
    t.push_str("section \"1\" {\n");
    rulebooks::chain(&mut t, "  ", "purpose", "P", k);
    t.push_str("  allow 組合 -> 委託先 : C0 for P0\n  allow R0 -> 組合 : C0 for P0\n}\n");
    t
}

fn deep_register(n: usize) -> String {
    let mut t = String::from(
        "rulebook register \"register\" revised 2024-01-01\nrole 組合 self\nrole 委託先 contractor\ncategory C\n",
    );
    t.push_str("section \"1\" {\n");
    rulebooks::chain(&mut t, "  ", "purpose", "P", n);
    t.push_str("  allow 組合 -> 委託先 : C for P0\n}\n");
    for i in 0..n {
        t.push_str(&format!("contractor \"株式会社{i}\" for P{}\n", n - 1));
    }
    t
}

fn misspelled_rules(n: usize) -> String {
    let k = (n / 2).max(1);
    let mut t = String::from(
        "rulebook misspelled \"misspelled\" revised 2024-01-01\nrole 組合 self\nrole 他者\n",
    );
    for i in 0..k {
        t.push_str(&format!("category カテゴリ{i:06}\n"));
    }
    t.push_str("section \"1\" {\n  purpose P\n");
    for i in 0..k {
        t.push_str(&format!("  allow 組合 -> 他者 : 未定義{i:06} for P\n"));
    }
    t.push_str("}\n");
    t
}

fn dense_findings(n: usize) -> String {
    let mut t = String::from("use \"kenpo\"\n");
    for _ in 0..n {
        t.push_str("actor A : 組合 \"abc\n");
    }
    t
}

fn drift_chain(n: usize) -> String {
    let mut t = String::from(GRAPH_HEAD);
    for i in 0..=n {
        t.push_str(&format!("actor S{i} : 組合\n"));
    }
    t.push_str("flow 市町村 -> S0 : 税 for 被扶養者認定 via 情報提供NWS, 中間サーバー\n");
    for i in 0..n {
        let purpose = ["保険給付", "被扶養者認定"][i % 2];
        t.push_str(&format!("flow S{i} -> S{} : 税 for {purpose}\n", i + 1));
    }
    t
}

/// `rules diff --impact` of `text` as a file, the built-in rulebook
/// against itself: the flows that change (none).
fn impact(text: String) -> usize {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("bench.myna");
    std::fs::write(&path, text).expect("written");
    let kenpo = RulebookSource::Builtin("kenpo".into());
    let found = mynaflow::rulediff::impact(&kenpo, &kenpo, &[path]).expect("compared");
    black_box(found.changed.len())
}

/// `fmt` of `text`: the length of what it writes, or of why it will not.
fn format(text: String) -> usize {
    match mynaflow::fmt::format(&text) {
        Ok(out) => out.len(),
        Err(why) => why.en.len(),
    }
}

fn bench(c: &mut Criterion, name: &str, sizes: &[usize], make: fn(usize) -> String) {
    bench_run(c, name, sizes, make, check);
}

fn bench_run(
    c: &mut Criterion,
    name: &str,
    sizes: &[usize],
    make: fn(usize) -> String,
    run: fn(String) -> usize,
) {
    let mut g = c.benchmark_group(name);
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    for &n in sizes {
        let text = make(n);
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), &text, |b, text| {
            b.iter_batched(|| text.clone(), run, BatchSize::LargeInput)
        });
    }
    g.finish();
}

fn all(c: &mut Criterion) {
    bench(
        c,
        "stacked_suppressions",
        &[4_000, 40_000],
        stacked_suppressions,
    );
    bench(c, "misspellings", &[1_000, 10_000], misspellings);
    bench(c, "control_bytes", &[100_000, 1_000_000], control_bytes);
    bench(c, "drift_chain", &[2_000, 20_000], drift_chain);
    bench(c, "internal_mesh", &[10_000, 100_000], internal_mesh);
    bench(c, "carrier_ring", &[10_000, 100_000], carrier_ring);
    bench(c, "deep_rulebook", &[10_000, 100_000], deep_rulebook);
    bench(c, "crossed_rules", &[2_000, 20_000], rulebooks::crossed);
    bench(c, "deep_register", &[10_000, 100_000], deep_register);
    bench(c, "misspelled_rules", &[4_000, 40_000], misspelled_rules);
    bench(c, "dense_findings", &[20_000, 200_000], dense_findings);
    bench_run(
        c,
        "dense_impact",
        &[20_000, 200_000],
        dense_findings,
        impact,
    );
    bench_run(c, "dense_fmt", &[20_000, 200_000], dense_findings, format);
    bench_run(
        c,
        "dense_fix",
        &[20_000, 200_000],
        dense_findings,
        fix_check,
    );
    bench_run(
        c,
        "fullwidth_fix",
        &[20_000, 200_000],
        fullwidth_colons,
        fix_check,
    );
}

criterion_group!(benches, all);
criterion_main!(benches);
