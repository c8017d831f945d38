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

#[test]
fn every_shape_gives_exactly_what_it_plants() {
    for &shape in generate::Shape::ALL {
        for (flows, seed) in [(3_000, generate::SEED), (2_500, 11)] {
            let g = generate::shaped(shape, flows, seed);
            assert_eq!(g.flows, flows, "{shape:?}");
            let (_, checked, codes) = check(&g.text);
            let design = &checked.analysis.expect("a design").design;
            assert_eq!(design.flows.len(), flows, "{shape:?} seed {seed}");
            assert_eq!(codes, g.expected, "{shape:?} seed {seed}");
            eprintln!(
                "{shape:?} {flows}: {} suppressed, {:?}",
                g.suppressed, g.expected
            );
        }
    }
}

#[test]
fn each_shape_plants_what_it_is_about() {
    let planted = |shape, code: &str| {
        let g = generate::shaped(shape, 5_000, generate::SEED);
        g.expected.get(code).copied().unwrap_or(0)
    };
    use generate::Shape::*;
    // About one chain in three drifts: the default seed gives 5 drifts at
    // 5 000 flows, one of them suppressed.
    assert!(planted(Chains, "MN402") >= 3);
    assert!(planted(Fans, "MN402") >= 20);
    assert!(planted(Carriers, "MN401") >= 5);
    for code in ["MN301", "MN302", "MN303"] {
        assert!(planted(Contractors, code) >= 5, "{code}");
    }
    assert!(planted(Misspellings, "MN010") >= 50);
    assert!(planted(Suppressions, "MN503") >= 50);
    let g = generate::shaped(Findings, 5_000, generate::SEED);
    let findings: usize = g.expected.values().sum();
    assert!(findings >= 5_000 / 20, "{findings} findings");
    let g = generate::shaped(Suppressions, 5_000, generate::SEED);
    assert!(g.suppressed >= 5_000 / 40, "{} suppressed", g.suppressed);
    // Long chains are long: most flows pass an item between systems.
    let g = generate::shaped(Chains, 5_000, generate::SEED);
    let internal = g
        .text
        .lines()
        .filter(|l| l.starts_with("flow ") && l.matches("システム").count() >= 2)
        .count();
    assert!(internal > 5_000 / 2, "{internal} internal flows");
}

#[test]
fn designs_sharing_a_rulebook_file_give_what_each_plants() {
    let shared = generate::shared(6_000, 3, generate::SEED);
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join(shared.rulebook.0), shared.rulebook.1).expect("write");
    let mut expected: BTreeMap<&str, usize> = BTreeMap::new();
    // A rulebook file is linted (rulecheck) where it is loaded: its own
    // findings (today kenpo's copy has MN601 and MN604 warnings) are
    // reported once, whatever the number of designs.
    let mut alone = Session::new(RulebookSource::Builtin("kenpo".into()));
    alone
        .check_path(&dir.path().join(shared.rulebook.0))
        .expect("the rulebook is read");
    for d in &alone.diagnostics {
        *expected.entry(d.code.as_str()).or_default() += 1;
    }
    let mut paths = Vec::new();
    for (name, g) in &shared.designs {
        let path = dir.path().join(name);
        std::fs::write(&path, &g.text).expect("write");
        paths.push(path);
        for (code, n) in &g.expected {
            *expected.entry(code).or_default() += n;
        }
    }
    let mut s = Session::new(RulebookSource::Builtin("kenpo".into()));
    s.today = Date {
        year: 2025,
        month: 4,
        day: 1,
    };
    let checked = s.check_paths(&paths);
    assert!(checked.iter().all(|c| c.is_ok()));
    let mut codes: BTreeMap<&str, usize> = BTreeMap::new();
    for d in &s.diagnostics {
        *codes.entry(d.code.as_str()).or_default() += 1;
    }
    assert_eq!(codes, expected);
    // The rulebook file was loaded once, for all three designs.
    let names: Vec<&str> = s.sources.iter().map(|(_, f)| f.name.as_str()).collect();
    assert_eq!(
        names.iter().filter(|n| n.ends_with("rules.myna")).count(),
        1,
        "{names:?}"
    );
}

/// Checking files in parallel gives the findings that checking them one
/// by one gives, in the same order.
#[test]
fn parallel_checking_finds_what_sequential_checking_finds() {
    let shared = generate::shared(4_000, 4, 5);
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join(shared.rulebook.0), shared.rulebook.1).expect("write");
    let mut paths = vec![dir.path().join(shared.rulebook.0)];
    for (name, g) in &shared.designs {
        let path = dir.path().join(name);
        std::fs::write(&path, &g.text).expect("write");
        paths.push(path);
    }
    // Examples too: every code, broken rulebooks, a file that is not UTF-8.
    let examples = mynaflow::session::collect_files(&[
        std::path::PathBuf::from("examples"),
        std::path::PathBuf::from("tests/cases"),
    ])
    .expect("examples");
    paths.extend(examples);
    // The hardening paths: a NUL byte, bytes that are no text, Shift_JIS,
    // a `use` outside the project, thousands of control characters (the
    // cap per code), a rulebook checked directly, and a path that is not
    // there (an `Err` both ways).
    let odd = dir.path().join("odd");
    std::fs::create_dir(&odd).expect("mkdir");
    let files: [(&str, &[u8]); 7] = [
        ("nul.myna", b"use \"kenpo\"\n\0flow\n"),
        ("binary.myna", &[0xff, 0xfe, 0x81, 0x00, 0xc3]),
        ("sjis.myna", &[0x83, 0x65, 0x83, 0x58, 0x83, 0x67, b'\n']),
        (
            "outside.myna",
            b"use \"../rules.myna\"\nactor a : \xe7\xb5\x84\xe5\x90\x88\n",
        ),
        ("controls.myna", &[0x0b; 5_000]),
        ("rules.myna", shared.rulebook.1.as_bytes()),
        ("uses-rules.myna", b"use \"rules.myna\"\n"),
    ];
    for (name, bytes) in files {
        std::fs::write(odd.join(name), bytes).expect("write");
        paths.push(odd.join(name));
    }
    paths.push(odd.join("missing.myna"));
    paths.sort();
    let session = || {
        let mut s = Session::new(RulebookSource::Builtin("kenpo".into()));
        s.today = Date {
            year: 2025,
            month: 4,
            day: 1,
        };
        s
    };
    let mut one_by_one = session();
    let sequential: Vec<_> = paths
        .iter()
        .map(|p| one_by_one.check_path(p).map(|c| c.file))
        .collect();
    let mut all_at_once = session();
    let parallel: Vec<_> = all_at_once
        .check_paths(&paths)
        .into_iter()
        .map(|c| c.map(|c| c.file))
        .collect();
    assert_eq!(sequential.len(), parallel.len());
    let name = |s: &Session, f: mynaflow::span::FileId| s.sources.get(f).name.clone();
    for (a, b) in sequential.iter().zip(&parallel) {
        match (a, b) {
            (Ok(a), Ok(b)) => assert_eq!(name(&one_by_one, *a), name(&all_at_once, *b)),
            (a, b) => assert_eq!(a.is_ok(), b.is_ok()),
        }
    }
    let render = |s: &Session| {
        let diags = s.sorted_diagnostics();
        let report = mynaflow::render::Report {
            sources: &s.sources,
            diagnostics: &diags,
            files: paths.len(),
            checked: &[],
            lang: mynaflow::text::Lang::En,
        };
        mynaflow::render::json::render(&report)
    };
    assert_eq!(render(&one_by_one), render(&all_at_once));
    assert!(one_by_one.diagnostics.len() > 100);
}

/// The binary's output does not depend on the number of threads.
#[test]
fn output_is_byte_identical_on_one_thread_and_many() {
    let shared = generate::shared(3_000, 3, 9);
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join(shared.rulebook.0), shared.rulebook.1).expect("write");
    for (name, g) in &shared.designs {
        std::fs::write(dir.path().join(name), &g.text).expect("write");
    }
    for format in ["human", "json", "sarif", "github", "junit"] {
        let run = |threads: &str, path: &std::path::Path| {
            std::process::Command::new(env!("CARGO_BIN_EXE_mynaflow"))
                .args([
                    "check", "--color", "never", "--lang", "en", "--format", format,
                ])
                .arg(path)
                .env("RAYON_NUM_THREADS", threads)
                .output()
                .expect("run mynaflow")
        };
        for path in [dir.path(), std::path::Path::new("examples")] {
            let one = run("1", path);
            let many = run("4", path);
            assert_eq!(one.status, many.status, "{format}");
            // (GitHub annotations of examples/ go to stdout only for errors
            // in files; an empty output must then be empty both ways.)
            assert!(!one.stdout.is_empty() || format == "github", "{format}");
            assert!(one.stdout == many.stdout, "{format}: output differs");
        }
    }
}

/// Writes generated designs for timing the release binary (see
/// benches/scale.sh): `MYNAFLOW_GENERATE=100000,1000000` sizes,
/// `MYNAFLOW_SHAPES=mixed,chains` shapes (default mixed; `shared` writes a
/// folder of 8 designs sharing a rulebook file, `insurers` one of
/// [`INSURERS`]), `MYNAFLOW_GENERATE_DIR` (default /tmp). A design is
/// DIR/mynaflow-SHAPE-N.myna (mixed: DIR/mynaflow-bench-N.myna); a set of
/// files is DIR/mynaflow-shared-N/ or DIR/mynaflow-insurers-N/.
/// The files of the `insurers` set: about as many as the insurers and
/// municipalities of a national design, each with a design of its own.
const INSURERS: usize = 1_700;

#[test]
#[ignore = "writes files for benches/README.md; run by hand"]
fn write_designs() {
    let sizes = std::env::var("MYNAFLOW_GENERATE").unwrap_or_else(|_| "100000".into());
    let shapes = std::env::var("MYNAFLOW_SHAPES").unwrap_or_else(|_| "mixed".into());
    let dir = std::env::var("MYNAFLOW_GENERATE_DIR").unwrap_or_else(|_| "/tmp".into());
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("cannot make {dir}: {e}"));
    for n in sizes
        .split(',')
        .filter_map(|s| s.trim().parse::<usize>().ok())
    {
        for shape in shapes.split(',').map(str::trim) {
            // Folders of designs sharing one rulebook file: 8 of them, or
            // one for each of about 1 700 insurers and municipalities.
            let files = match shape {
                "shared" => Some(8),
                "insurers" => Some(INSURERS),
                _ => None,
            };
            if let Some(files) = files {
                let set = generate::shared(n, files, generate::SEED);
                let folder = format!("{dir}/mynaflow-{shape}-{n}");
                std::fs::create_dir_all(&folder).expect("mkdir");
                std::fs::write(format!("{folder}/{}", set.rulebook.0), set.rulebook.1)
                    .expect("write");
                let mut findings = 0;
                for (name, g) in &set.designs {
                    std::fs::write(format!("{folder}/{name}"), &g.text).expect("write");
                    findings += g.expected.values().sum::<usize>();
                }
                eprintln!("{folder}: {n} flows in {files} files, {findings} findings expected");
                continue;
            }
            let Some(sh) = generate::Shape::parse(shape) else {
                panic!("unknown shape {shape}");
            };
            let g = generate::shaped(sh, n, generate::SEED);
            let path = if sh == generate::Shape::Mixed {
                format!("{dir}/mynaflow-bench-{n}.myna")
            } else {
                format!("{dir}/mynaflow-{shape}-{n}.myna")
            };
            std::fs::write(&path, &g.text).unwrap_or_else(|e| panic!("cannot write {path}: {e}"));
            let findings: usize = g.expected.values().sum();
            eprintln!(
                "{path}: {} bytes, {n} flows, {findings} findings expected {:?}",
                g.text.len(),
                g.expected
            );
        }
    }
}

/// One large design (over 2 MiB and 20 000 statements) takes the paths
/// that share one file across cores: parsing in parts, flows resolved
/// side by side, checks side by side. Its output is the same on one thread
/// and on four, with misspellings (the resolver's sequential path),
/// findings among the flows, and internal chains long enough that the
/// holdings take their paths on every core (past 65 536 arrivals: what
/// the senders send is grouped in ranges of senders side by side).
#[test]
fn one_large_design_checks_alike_on_one_thread_and_many() {
    let dir = tempfile::tempdir().expect("temp dir");
    let designs = [
        (generate::Shape::Misspellings, 25_000),
        (generate::Shape::Findings, 25_000),
        (generate::Shape::Chains, 80_000),
    ];
    for (shape, flows) in designs {
        let g = generate::shaped(shape, flows, 11);
        assert!(
            g.text.len() > 2 << 20,
            "{} bytes: too small to cut",
            g.text.len()
        );
        let path = dir.path().join("large.myna");
        std::fs::write(&path, &g.text).expect("write");
        for format in ["json", "human"] {
            let run = |threads: &str| {
                std::process::Command::new(env!("CARGO_BIN_EXE_mynaflow"))
                    .args([
                        "check", "--color", "never", "--lang", "ja", "--format", format,
                    ])
                    .arg(&path)
                    .env("RAYON_NUM_THREADS", threads)
                    .output()
                    .expect("run mynaflow")
            };
            let (one, many) = (run("1"), run("4"));
            assert_eq!(one.status.code(), Some(1), "{shape:?} {format}");
            assert!(
                one.stdout == many.stdout,
                "{shape:?} {format}: output differs"
            );
        }
    }
}

/// A 3 000-flow design of each shape, checked: its model and graph.
fn every_shape_analysed() -> impl Iterator<Item = (generate::Shape, mynaflow::session::Analysis)> {
    generate::Shape::ALL.iter().map(|&shape| {
        let g = generate::shaped(shape, 3_000, 7);
        let (_, checked, _) = check(&g.text);
        (shape, checked.analysis.expect("analysed"))
    })
}

/// Stitching writes exchanges a chunk of transfers at a time, on every
/// core, and walks the carriers' arrivals in shards by payload, side by
/// side: however the transfers are cut and the tables sharded, the graph
/// is the same (exchanges, their routes hop by hop, what each carrier
/// receives), on every shape (carrier hops, chains, fans, contractors,
/// unresolved names).
#[test]
fn stitching_in_chunks_gives_the_graph_of_one_pass() {
    use mynaflow::graph::FlowGraph;
    for (shape, a) in every_shape_analysed() {
        let stitched = |per: usize, shards: usize| {
            let (graph, unresolved) = FlowGraph::transfers_of(&a.design);
            let fg = FlowGraph::from_graph_in_chunks(&a.design, graph, &unresolved, per, shards);
            let exchanges: Vec<String> = fg
                .exchanges
                .iter()
                .map(|e| {
                    format!(
                        "{:?} {:?} {:?} {:?} {:?} {} {:?}",
                        e.sender,
                        e.receiver,
                        e.payload,
                        e.passed,
                        e.last,
                        e.senders,
                        fg.route(e)
                    )
                })
                .collect();
            // What each carrier receives, by payload, as the checks ask.
            let received: Vec<String> = fg
                .exchanges
                .iter()
                .flat_map(|e| fg.route(e))
                .map(|t| {
                    let (_, to) = fg.ends(t);
                    let flow = a.design.flow(fg.transfer(t).flow);
                    let into: Vec<_> = mynaflow::graph::payloads(flow)
                        .map(|p| fg.into_carrier(to, p))
                        .collect();
                    format!("{to:?} {into:?}")
                })
                .collect();
            (exchanges, format!("{:?}", fg.dangling), received)
        };
        let whole = stitched(usize::MAX, 1);
        assert!(!whole.0.is_empty(), "{shape:?}: no exchanges");
        for (per, shards) in [(1, 1), (7, 3), (1000, 16), (usize::MAX, 16)] {
            assert!(
                stitched(per, shards) == whole,
                "{shape:?}: {per} per chunk in {shards} shards differs"
            );
        }
    }
}

/// On a large design the checks run side by side, MN402 over the
/// exchanges on every core after its holdings are walked on every core,
/// the verdicts judged a range of exchanges at a time: on every shape the
/// findings, the verdicts and the holdings are those of one thread running
/// each check in turn.
#[test]
fn checks_side_by_side_find_what_checks_in_turn_find() {
    use mynaflow::checks::{CheckOptions, Holdings, findings_computing_in};
    let mut drifts = 0;
    for (shape, a) in every_shape_analysed() {
        let run = |par: bool, per_task: usize| {
            let (found, computed) =
                findings_computing_in(&a.design, &a.graph, CheckOptions::default(), par, per_task);
            let computed = computed.expect("rulebook loaded");
            let held = computed.holdings.as_ref().map(|h| format!("{:?}", h.all()));
            let verdicts = format!("{:?} {:?}", computed.mynumber, computed.provisions);
            (found, verdicts, held)
        };
        let one = run(false, usize::MAX);
        for per_task in [usize::MAX, 1, 7, 1000] {
            let many = run(true, per_task);
            assert!(
                one == many,
                "{shape:?}: the checks side by side differ ({per_task} exchanges a task)"
            );
        }
        drifts += one
            .0
            .iter()
            .filter(|f| f.code().as_str() == "MN402")
            .count();
        let walked = |h: Holdings| format!("{:?}", h.all());
        assert_eq!(
            walked(Holdings::compute(&a.design, &a.graph)),
            walked(Holdings::compute_on_cores(&a.design, &a.graph)),
            "{shape:?}: holdings"
        );
    }
    assert!(drifts > 0, "no shape has an MN402 finding");
}

/// Coverage reads the verdicts the checks kept, and measures the other
/// exchanges on every core on a large design: on every shape it finds the
/// rules judging every exchange again on one core finds.
#[test]
fn coverage_from_the_checks_verdicts_is_coverage_judged_again() {
    use mynaflow::checks::{CheckOptions, findings_computing_on};
    use mynaflow::coverage::{exercised_rules, exercised_rules_judged};
    let mut exercised = 0;
    for (shape, a) in every_shape_analysed() {
        let (_, computed) =
            findings_computing_on(&a.design, &a.graph, CheckOptions::default(), true);
        let computed = computed.expect("rulebook loaded");
        let again = exercised_rules(&a.design, &a.graph);
        for par in [false, true] {
            for kept in [None, Some(&computed)] {
                let got = exercised_rules_judged(&a.design, &a.graph, kept, par);
                assert!(
                    got == again,
                    "{shape:?}: par {par}, kept {}",
                    kept.is_some()
                );
            }
        }
        exercised += again.len();
    }
    assert!(exercised > 0, "no shape exercises a rule");
}

/// The inventory draws its parts on every core on a large design: on
/// every shape it is the same whether drawn on every core or on one, and
/// however its items are dealt into parts.
#[test]
fn the_inventory_is_the_same_on_every_core_and_on_one() {
    use mynaflow::inventory::Inventory;
    let (mut shared, mut records) = (0, 0);
    for (shape, a) in every_shape_analysed() {
        let one = Inventory::compute_on_cores_from(&a.design, &a.graph, usize::MAX);
        let every = Inventory::compute_on_cores_from(&a.design, &a.graph, 0);
        assert!(!one.systems.is_empty(), "{shape:?}: no systems");
        assert!(one == every, "{shape:?}: the inventories differ");
        // However its items are dealt into parts walked apart (from one
        // part to 64, a few items each), the groups are numbered and the
        // records listed as one walk over every exchange does.
        for parts in [1, 2, 3, 7, 64] {
            let dealt = Inventory::compute_in_parts(&a.design, &a.graph, parts);
            assert!(
                one == dealt,
                "{shape:?}: in {parts} parts the inventory differs"
            );
        }
        shared += one.groups.iter().filter(|g| !g.joins.is_empty()).count();
        records += one.records.len();
    }
    assert!(
        shared > 0 && records > 0,
        "no shape has groups that include others, or records"
    );
}
