//! `mynaflow rules diff`: the semantic diff of two rulebooks and the impact
//! of the change on a corpus of designs. The case lives in
//! tests/cases/rulediff: new.myna is old.myna with 保険料還付 dropped from
//! the 公金受取口座情報 rule, and design.myna has one flow that relies on it.
//! The gate's cases are beside them: same.myna allows what old.myna allows
//! (rules split and reordered), broader.myna adds one purpose, both.myna
//! drops one purpose and one rule's channel.

mod common;
use common::mynaflow;
#[path = "../benches/generate/rulebooks.rs"]
mod rulebooks;

use mynaflow::code::Code;
use mynaflow::rulediff::gate::{self, Breadth, Gate};
use mynaflow::rulediff::witness;
use mynaflow::rulediff::{self, Kind, Op, Value};
use mynaflow::session::{RulebookSource, Session};
use std::path::{Path, PathBuf};

const OLD: &str = "tests/cases/rulediff/old.myna";
const NEW: &str = "tests/cases/rulediff/new.myna";
const DESIGN: &str = "tests/cases/rulediff/design.myna";

fn source(p: &str) -> RulebookSource {
    RulebookSource::named(p, None)
}

fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let out = mynaflow(args);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn diff_of(old: &str, new: &str) -> rulediff::RuleDiff {
    let mut s = Session::new(source(old));
    let a = s.load_rulebook(&source(old)).expect("old loads");
    let b = s.load_rulebook(&source(new)).expect("new loads");
    rulediff::diff(&a, &b)
}

#[test]
fn one_removed_purpose_is_exactly_one_change() {
    let d = diff_of(OLD, NEW);
    assert_eq!(d.changes.len(), 1, "{:#?}", d.changes);
    let c = &d.changes[0];
    assert_eq!((c.kind, c.op, c.aspect), (Kind::Allow, Op::Removed, None));
    assert_eq!(c.subject, "7(1) 他機関 -> 組合");
    assert_eq!(c.section.as_deref(), Some("7(1)"));
    let Some(Value::Grant(g)) = &c.old else {
        panic!("a removed permission carries its grant: {c:?}")
    };
    assert_eq!(
        g.to_allow(),
        "allow 他機関 -> 組合 : 公金受取口座情報 for 保険料還付 via 情報提供ネットワークシステム"
    );
    assert!(c.new.is_none() && c.new_span.is_none() && c.old_span.is_some());
}

#[test]
fn kenpo_against_itself_has_no_changes() {
    assert!(diff_of("kenpo", "kenpo").is_empty());
    // The same text read from the file: other file ids, the same meaning.
    assert!(diff_of("kenpo", "rules/kenpo.myna").is_empty());
    let (code, out, _) = run(&["rules", "diff", "kenpo", "rules/kenpo.myna", "--lang", "en"]);
    assert_eq!(code, Some(0));
    assert!(out.contains("\nno changes\n"), "{out}");
}

#[test]
fn the_impacted_flow_changes_verdict_and_no_other() {
    let i = rulediff::impact(
        &source(OLD),
        &source(NEW),
        &[PathBuf::from("tests/cases/rulediff")],
    )
    .expect("impact");
    assert_eq!(
        i.designs, 1,
        "old.myna and new.myna are rulebooks, not designs"
    );
    assert_eq!(i.flows, 4);
    assert_eq!(i.changed.len(), 1, "{:#?}", i.changed);
    let f = &i.changed[0];
    assert_eq!((&*f.file, f.line), (DESIGN, 19));
    assert_eq!(
        f.flow,
        "flow 市町村 -> 基幹システム : 口座情報 for 保険料還付 via 情報提供NWS"
    );
    assert!(f.before.is_ok(), "{:?}", f.before);
    assert!(f.after.checked);
    assert_eq!(f.after.findings[..], [(19, Code::MN103)]);
    assert_eq!(i.other_findings_changed, 0);

    // Against the same rulebook twice, nothing changes.
    let same =
        rulediff::impact(&source(OLD), &source(OLD), &[PathBuf::from(DESIGN)]).expect("impact");
    assert!(same.changed.is_empty());
}

#[test]
fn a_forced_rulebook_overrides_use() {
    // design.myna says `use "old.myna"`; forced to new.myna it reports the
    // flow that new.myna no longer allows.
    let mut s = Session::forced(source(NEW));
    s.check_path(Path::new(DESIGN)).expect("readable");
    let mut got: Vec<(usize, Code)> = s
        .diagnostics
        .iter()
        .filter(|d| s.sources.get(d.primary.file).name == DESIGN)
        .map(|d| {
            let f = s.sources.get(d.primary.file);
            (f.line_col(d.primary.start as usize).0, d.code)
        })
        .collect();
    got.sort();
    assert_eq!(got, [(19, Code::MN103), (22, Code::MN102)]);
    // An ordinary session still follows `use`.
    let mut s = Session::new(source(NEW));
    s.check_path(Path::new(DESIGN)).expect("readable");
    // (old.myna, the rulebook it uses, is linted too: its outdated basis.)
    let codes: Vec<Code> = s.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, [Code::MN601, Code::MN102]);
}

fn snapshot(name: &str, text: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots");
    settings.bind(|| insta::assert_snapshot!(name, text));
}

#[test]
fn human_output_in_both_languages() {
    for lang in ["en", "ja"] {
        let (code, out, err) = run(&[
            "rules",
            "diff",
            OLD,
            NEW,
            "--impact",
            "tests/cases/rulediff",
            "--lang",
            lang,
        ]);
        assert_eq!(code, Some(0), "{err}");
        snapshot(&format!("rules_diff_human_{lang}"), &out);
    }
}

#[test]
fn json_output_has_the_documented_shape() {
    let (code, out, err) = run(&[
        "rules", "diff", OLD, NEW, "--impact", DESIGN, "--format", "json",
    ]);
    assert_eq!(code, Some(0), "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(v["version"], 1);
    assert_eq!(v["old"]["file"], OLD);
    assert_eq!(v["new"]["name"], "rulediff");
    assert_eq!(v["new"]["revised"], "2024-12-04");
    let changes = v["changes"].as_array().expect("changes");
    assert_eq!(changes.len(), 1);
    let c = &changes[0];
    assert_eq!(c["kind"], "allow");
    assert_eq!(c["op"], "removed");
    assert!(c["aspect"].is_null());
    assert_eq!(c["subject"], "7(1) 他機関 -> 組合");
    assert_eq!(c["section"], "7(1)");
    assert_eq!(
        c["old"],
        serde_json::json!({
            "section": "7(1)",
            "from": "他機関",
            "to": "組合",
            "categories": ["公金受取口座情報"],
            "purposes": ["保険料還付"],
            "via": ["情報提供ネットワークシステム"],
        })
    );
    assert!(c["new"].is_null());
    assert_eq!(c["old_location"]["file"], OLD);
    assert_eq!(c["old_location"]["line"], 24);
    assert_eq!(c["old_location"]["column"], 3);
    assert!(c["new_location"].is_null());

    let impact = &v["impact"];
    assert_eq!(impact["designs"], 1);
    assert_eq!(impact["flows"], 4);
    assert_eq!(impact["other_findings_changed"], 0);
    assert_eq!(impact["declarations"], serde_json::json!([]));
    assert_eq!(impact["declarations_changed"], 0);
    assert_eq!(v["others"], serde_json::json!([]));
    let flows = impact["changed"].as_array().expect("changed flows");
    assert_eq!(flows.len(), 1);
    assert_eq!(flows[0]["file"], DESIGN);
    assert_eq!(flows[0]["line"], 19);
    assert_eq!(
        flows[0]["before"],
        serde_json::json!({"checked": true, "findings": []})
    );
    assert_eq!(
        flows[0]["after"],
        serde_json::json!({"checked": true, "findings": [{"line": 19, "code": "MN103", "severity": "error"}]})
    );
    assert_eq!(
        v["summary"],
        serde_json::json!({"changes": 1, "added": 0, "removed": 1, "changed": 0, "flows_changed": 1,
                           "pairs": 1, "broader": 0, "narrower": 1, "both": 0, "same": 0,
                           "others": 0, "others_broader": 0, "broadens": false})
    );
    let pairs = v["pairs"].as_array().expect("pairs");
    assert_eq!(pairs.len(), 1);
    assert_eq!(pairs[0]["section"], "7(1)");
    assert_eq!(pairs[0]["from"], "他機関");
    assert_eq!(pairs[0]["to"], "組合");
    assert_eq!(pairs[0]["breadth"], "narrower");
    assert_eq!(pairs[0]["newly_allowed"], serde_json::json!([]));
    assert_eq!(
        pairs[0]["no_longer_allowed"][0]["purposes"],
        serde_json::json!(["保険料還付"])
    );
    assert_eq!(pairs[0]["witnesses"], serde_json::json!([]));

    // Without --impact there is no impact.
    let (_, out, _) = run(&["rules", "diff", OLD, NEW, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    assert!(v["impact"].is_null());
    assert!(v["summary"]["flows_changed"].is_null());
}

#[test]
fn an_unloadable_rulebook_exits_2_with_its_diagnostics() {
    let dir = tempfile::tempdir().expect("tempdir");
    let broken = dir.path().join("broken.myna");
    std::fs::write(
        &broken,
        "rulebook x\nrole A\nsection \"1\" { allow A -> B : C }\n",
    )
    .expect("write");
    let broken = broken.to_string_lossy().into_owned();
    let (code, out, err) = run(&["rules", "diff", OLD, &broken, "--lang", "en"]);
    assert_eq!(code, Some(2));
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("error[MN010]: undefined role `B`"), "{err}");
    assert!(err.contains("cannot load the rulebook"), "{err}");

    let (code, _, err) = run(&["rules", "diff", OLD, DESIGN]);
    assert_eq!(code, Some(2));
    assert!(err.contains("no `rulebook` header"), "{err}");
    let (code, _, _) = run(&["rules", "diff", OLD, "tests/cases/rulediff/missing.myna"]);
    assert_eq!(code, Some(2));
}

const CASES: &str = "tests/cases/rulediff";

fn gate_of(old: &str, new: &str) -> Gate {
    let mut s = Session::new(source(old));
    let a = s.load_rulebook(&source(old)).expect("old loads");
    let b = s.load_rulebook(&source(new)).expect("new loads");
    let mut g = gate::compare(&a, &b, new).expect("within the limit");
    witness::confirm(&mut g, &source(old), &source(new)).expect("both load");
    g
}

#[test]
fn each_case_has_its_breadth_and_the_gate_fails_only_on_broadening() {
    for (new, breadth, exit) in [
        ("same", Breadth::Same, 0),
        ("new", Breadth::Narrower, 0),
        ("broader", Breadth::Broader, 1),
        ("both", Breadth::Both, 1),
    ] {
        let new = format!("{CASES}/{new}.myna");
        let g = gate_of(OLD, &new);
        let got: Vec<(&str, &str, &str, Breadth)> = g
            .pairs
            .iter()
            .map(|p| {
                (
                    p.section.as_str(),
                    p.from.as_str(),
                    p.to.as_str(),
                    p.breadth,
                )
            })
            .collect();
        assert_eq!(got, [("7(1)", "他機関", "組合", breadth)], "{new}");
        let (code, _, err) = run(&[
            "rules",
            "diff",
            OLD,
            &new,
            "--fail-on-broadening",
            "--lang",
            "en",
        ]);
        assert_eq!(code, Some(exit), "{new}: {err}");
        assert_eq!(err.contains("--fail-on-broadening"), exit == 1, "{err}");
        if exit == 1 {
            let (_, _, err) = run(&[
                "rules",
                "diff",
                OLD,
                &new,
                "--fail-on-broadening",
                "--lang",
                "ja",
            ]);
            assert!(
                err.contains("mynaflow: 新しいルールブックは古いものより多くを認めます (セクションと役割の組: 1 件、その他の変更: 0 件) (--fail-on-broadening)"),
                "{err}"
            );
        }
        // Without the flag the diff only reports.
        let (code, _, _) = run(&["rules", "diff", OLD, &new]);
        assert_eq!(code, Some(0));
    }
    // The built-in rulebook against itself: every pair the same.
    let g = gate_of("kenpo", "rules/kenpo.myna");
    assert!(g.pairs.len() > 20, "{}", g.pairs.len());
    assert_eq!(g.count(Breadth::Same), g.pairs.len());
}

/// The error codes a check of `design` reports against `rules`, whatever
/// its `use` line says.
fn errors(rules: &str, design: &str) -> Vec<Code> {
    let mut s = Session::forced(source(rules));
    let c = s.check_text("witness.myna", design.to_string(), None);
    s.diagnostics
        .iter()
        .filter(|d| d.primary.file == c.file && d.is_error())
        .map(|d| d.code)
        .collect()
}

#[test]
fn each_witness_is_accepted_by_the_new_rulebook_and_rejected_by_the_old() {
    for (new, flow, old_rejects) in [
        (
            "broader",
            "flow 他機関 -> 組合 : 課税・非課税情報 for 保険給付 via 情報提供ネットワークシステム",
            Code::MN103,
        ),
        (
            "both",
            "flow 他機関 -> 組合 : 課税・非課税情報 for 被扶養者認定",
            Code::MN104,
        ),
    ] {
        let new = format!("{CASES}/{new}.myna");
        let g = gate_of(OLD, &new);
        let p = &g.pairs[0];
        assert_eq!(p.newly_allowed.len(), 1, "{new}: {:#?}", p.newly_allowed);
        assert_eq!(p.witnesses.len(), 1);
        let w = &p.witnesses[0];
        assert_eq!(w.flow, flow);
        assert!(w.confirmed, "{w:#?}");
        // Checked here independently of the gate's own confirmation.
        assert_eq!(errors(&new, &w.design), [], "{new} accepts\n{}", w.design);
        assert_eq!(
            errors(OLD, &w.design),
            [old_rejects],
            "{OLD} rejects\n{}",
            w.design
        );
        // The design is complete: its own `use` line names the new rulebook.
        let mut s = Session::new(source("kenpo"));
        let checked = s.check_text("witness.myna", w.design.clone(), None);
        // The new rulebook's own lint (MN601 on its outdated citation) is
        // about the rulebook, not the witness.
        let on_witness: Vec<_> = s
            .diagnostics
            .iter()
            .filter(|d| d.primary.file == checked.file)
            .collect();
        assert!(on_witness.is_empty(), "{on_witness:#?}");
    }
}

#[test]
fn a_permission_no_flow_can_show_is_said_so() {
    // A rule that lets the society entrust ordinary data for a purpose no
    // contractor is registered for: newly allowed, yet any flow using it
    // is still MN301, so there is no witness, and the output says why.
    let dir = tempfile::tempdir().expect("tempdir");
    let text = std::fs::read_to_string("rules/kenpo.myna").expect("kenpo");
    let widened = text.replace(
        "  allow 組合 -> 委託先 : 個人情報 for 文書廃棄委託",
        "  allow 組合 -> 委託先 : 個人情報 for 文書廃棄委託\n  allow 組合 -> 委託先 : 個人情報 for 記録資料",
    );
    assert_ne!(widened, text, "the anchor line is in kenpo.myna");
    let path = dir.path().join("widened.myna");
    std::fs::write(&path, widened).expect("write");
    let path = path.to_string_lossy().into_owned();
    let g = gate_of("kenpo", &path);
    let broader: Vec<_> = g.pairs.iter().filter(|p| p.breadth.broadens()).collect();
    assert_eq!(broader.len(), 1, "{broader:#?}");
    let w = &broader[0].witnesses[0];
    assert!(w.checked && !w.confirmed);
    assert_eq!(w.new_errors, ["MN301"]);
    let (code, out, _) = run(&[
        "rules",
        "diff",
        "kenpo",
        &path,
        "--fail-on-broadening",
        "--lang",
        "en",
    ]);
    assert_eq!(code, Some(1), "still newly allowed: the gate fails");
    assert!(
        out.contains("(no flow shows it: the new rulebook rejects the smallest one too (MN301))"),
        "{out}"
    );
}

#[test]
fn gate_output_in_both_languages() {
    for lang in ["en", "ja"] {
        let (code, out, err) = run(&[
            "rules",
            "diff",
            OLD,
            &format!("{CASES}/both.myna"),
            "--lang",
            lang,
        ]);
        assert_eq!(code, Some(0), "{err}");
        snapshot(&format!("rules_diff_gate_both_{lang}"), &out);
    }
}

#[test]
fn the_gate_is_symmetric_over_every_pair_of_rulebooks() {
    // Swapping old and new swaps narrower and broader, and keeps same and
    // both: the comparison is one exact set comparison, read both ways.
    let books = [
        "kenpo",
        "tests/cases/custom/rules.myna",
        OLD,
        NEW,
        "tests/cases/rulediff/same.myna",
        "tests/cases/rulediff/broader.myna",
        "tests/cases/rulediff/both.myna",
    ];
    let flip = |b: Breadth| match b {
        Breadth::Narrower => Breadth::Broader,
        Breadth::Broader => Breadth::Narrower,
        other => other,
    };
    for a in books {
        for b in books {
            let ab = gate_of(a, b);
            let ba = gate_of(b, a);
            let key = |g: &Gate| {
                let mut v: Vec<(String, String, String, Breadth)> = g
                    .pairs
                    .iter()
                    .map(|p| (p.section.clone(), p.from.clone(), p.to.clone(), p.breadth))
                    .collect();
                v.sort();
                v
            };
            let flipped: Vec<_> = key(&ba)
                .into_iter()
                .map(|(s, f, t, x)| (s, f, t, flip(x)))
                .collect();
            assert_eq!(key(&ab), flipped, "{a} vs {b}");
            // A rulebook against itself is the same everywhere, and one line
            // is newly allowed exactly where the pair broadens.
            for p in &ab.pairs {
                assert_eq!(p.breadth.broadens(), !p.newly_allowed.is_empty(), "{a} {b}");
                assert_eq!(p.newly_allowed.len(), p.witnesses.len());
                if a == b {
                    assert_eq!(p.breadth, Breadth::Same);
                }
            }
        }
    }
}

#[test]
fn impact_over_several_designs_lists_them_by_file_then_line() {
    let design = std::fs::read_to_string(DESIGN).expect("design");
    let flow = "flow 市町村 -> 基幹システム : 口座情報 for 保険料還付 via 情報提供NWS";
    assert!(design.contains(&format!("{flow}\n")));
    let dir = tempfile::tempdir().expect("tempdir");
    // b.myna: two lines more at the top; c.myna: the flow a second time,
    // two lines below the first; a.myna: as it is.
    std::fs::write(dir.path().join("b.myna"), format!("# b\n# b\n{design}")).expect("b");
    std::fs::write(dir.path().join("a.myna"), &design).expect("a");
    std::fs::write(
        dir.path().join("c.myna"),
        format!("{design}# again\n{flow}\n"),
    )
    .expect("c");
    let i =
        rulediff::impact(&source(OLD), &source(NEW), &[dir.path().to_path_buf()]).expect("impact");
    assert_eq!((i.designs, i.flows), (3, 4 + 4 + 5));
    let at: Vec<(String, usize, String)> = i
        .changed
        .iter()
        .map(|f| {
            let name = Path::new(&*f.file).file_name().unwrap().to_string_lossy();
            (name.into_owned(), f.line, f.flow.clone())
        })
        .collect();
    let last = design.lines().count() + 2;
    assert_eq!(
        at,
        [
            ("a.myna".to_string(), 19, flow.to_string()),
            ("b.myna".to_string(), 21, flow.to_string()),
            ("c.myna".to_string(), 19, flow.to_string()),
            ("c.myna".to_string(), last, flow.to_string()),
        ]
    );
    for f in &i.changed {
        assert!(f.before.is_ok(), "{f:?}");
        assert_eq!(f.after.findings[..], [(f.line, Code::MN103)]);
    }
    assert_eq!(i.other_findings_changed, 0);
}

/// Every design's findings, in a form to compare: file, line, code and
/// message, sorted.
fn findings_of(s: &Session) -> Vec<String> {
    let mut out: Vec<String> = s
        .diagnostics
        .iter()
        .map(|d| {
            let f = s.sources.get(d.primary.file);
            let (line, col) = f.line_col(d.primary.start as usize);
            let help = d.help.as_ref().map(|h| h.en.as_str());
            format!(
                "{}:{line}:{col} {:?} {} {help:?}",
                f.name, d.code, d.message.en
            )
        })
        .collect();
    out.sort();
    out
}

/// Every design's findings as a comparison keeps them: file, line,
/// column and code, sorted.
fn places_of(s: &Session) -> Vec<String> {
    let found = s.diagnostics.iter().map(|d| (d.code, d.primary));
    let mut out: Vec<String> = (found.chain(s.found.iter().copied()))
        .map(|(code, at)| {
            let f = s.sources.get(at.file);
            let (line, col) = f.line_col(at.start as usize);
            format!("{}:{line}:{col} {code:?}", f.name)
        })
        .collect();
    out.sort();
    out
}

#[test]
fn a_corpus_read_once_and_checked_against_two_rulebooks_finds_what_two_runs_find() {
    // `rules diff --impact` reads and parses the corpus once, resolves
    // each tree against the first rulebook and binds the models to the
    // second; each pass must find exactly what a session of its own
    // finds, worded alike. The corpus: the examples, the cases (several
    // files: checked on every core), a design large enough to be parsed
    // and resolved in parts, and one with a finding of the parse or the
    // resolver on nearly every line.
    //
    // Then as `rules diff --impact` runs it, comparing: every finding
    // kept as its code and place alone, which a session of its own
    // keeping every finding in full must place alike.
    for comparison in [false, true] {
        corpus_read_once_finds_what_two_runs_find(comparison);
    }
}

fn corpus_read_once_finds_what_two_runs_find(comparison: bool) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut dense = String::from("use \"kenpo\"\n");
    for case in [
        "undefined-names",
        "spelling-variants",
        "role-typo-no-cascade",
    ] {
        let text = std::fs::read_to_string(format!("tests/cases/{case}.myna")).expect("case");
        for _ in 0..3 {
            dense.push_str(&text);
        }
    }
    for _ in 0..300 {
        dense.push_str("actor A : 組合 \"abc\n");
    }
    std::fs::write(dir.path().join("dense.myna"), dense).expect("dense");
    let design = std::fs::read_to_string(DESIGN).expect("design");
    let (head, flows) = design.split_at(design.find("flow ").expect("a flow"));
    let mut big = head.to_string();
    while big.len() < 3 << 20 {
        big.push_str(flows);
    }
    big.push_str("flow 市町材 -> 基幹システム : 口座情報 for 保険料還付\n");
    std::fs::write(dir.path().join("big.myna"), big).expect("big");
    let paths = vec![
        PathBuf::from("examples"),
        PathBuf::from("tests/cases/rulediff"),
        PathBuf::from("tests/cases/custom"),
        dir.path().to_path_buf(),
    ];
    let files = mynaflow::session::collect_files(&paths).expect("files");
    assert!(files.len() > 5, "{files:?}");
    let custom = "tests/cases/custom/rules.myna";
    // The findings in the designs only.
    let designs_only = |s: &mut Session| {
        let sources = &s.sources;
        let design = |at: mynaflow::span::Span| {
            let name = &sources.get(at.file).name;
            !["old.myna", "new.myna", "rules.myna"]
                .iter()
                .any(|r| name.ends_with(r))
        };
        s.diagnostics.retain(|d| design(d.primary));
        s.found.retain(|&(_, at)| design(at));
    };
    for pair in [
        [OLD, NEW],
        [NEW, OLD],
        [OLD, OLD],
        [NEW, custom],
        [custom, OLD],
    ] {
        let mut shared = Session::forced(source(pair[0]));
        shared.for_comparison = comparison;
        let mut corpus = Some(shared.read_paths(&files));
        let mut first = None;
        let mut again = None;
        for (k, rules) in pair.into_iter().enumerate() {
            let mut alone = Session::forced(source(rules));
            alone.for_comparison = comparison;
            alone.keep_every_finding = true;
            alone.load_rulebook(&source(rules)).expect("loads");
            let want: Vec<bool> = alone
                .check_paths(&files)
                .into_iter()
                .map(|c| c.expect("readable").analysis.is_some())
                .collect();
            shared.force_rules(source(rules));
            shared.load_rulebook(&source(rules)).expect("loads");
            shared.diagnostics.clear();
            shared.found.clear();
            designs_only(&mut alone);
            let checked = match (k, first.take(), again.take()) {
                (0, ..) => {
                    let (checked, kept) = shared.check_read_for_again(corpus.take().expect("read"));
                    again = Some(kept);
                    checked
                }
                (_, Some(checked), Some(kept)) => shared.check_again(checked, kept).expect("loads"),
                _ => panic!("a first run"),
            };
            let got: Vec<bool> = checked
                .iter()
                .map(|c| c.as_ref().expect("readable").analysis.is_some())
                .collect();
            first = Some(checked);
            designs_only(&mut shared);
            assert_eq!(got, want, "{rules}");
            let (got, want) = match comparison {
                false => (findings_of(&shared), findings_of(&alone)),
                true => (places_of(&shared), places_of(&alone)),
            };
            assert!(want.iter().any(|f| f.contains("big.myna")), "{want:?}");
            let dense = want.iter().filter(|f| f.contains("dense.myna")).count();
            // Shown a hundred a code, or every one compared.
            let least = if comparison { 700 } else { 200 };
            assert!(dense > least, "{dense}");
            assert_eq!(got, want, "{pair:?}, {rules}, comparing: {comparison}");
        }
    }
}

/// Copies of the case's flows in one design: so many that the impact's
/// entries are made, and written, on every core (past 4 096 of them).
const COPIES: usize = 5_000;

/// The case's design with its flows written [`COPIES`] times, in `dir`.
fn big_design(dir: &Path) -> (PathBuf, String) {
    let design = std::fs::read_to_string(DESIGN).expect("design");
    let (head, flows) = design.split_at(design.find("flow ").expect("a flow"));
    let mut big = head.to_string();
    for _ in 0..COPIES {
        big.push_str(flows);
    }
    let path = dir.join("big.myna");
    std::fs::write(&path, &big).expect("big");
    (path, big)
}

#[test]
fn impact_counts_every_flow_past_the_cap_on_findings_shown() {
    // `check` shows at most 100 findings of one code per file; the
    // impact compares every finding, so each copy of the flow the change
    // forbids is listed, and nothing else, each the flow at its line, in
    // the order of the file.
    let dir = tempfile::tempdir().expect("tempdir");
    let (path, big) = big_design(dir.path());
    let i =
        rulediff::impact(&source(OLD), &source(NEW), &[dir.path().to_path_buf()]).expect("impact");
    assert_eq!(
        i.changed.len(),
        COPIES,
        "{:?}",
        &i.changed[..3.min(i.changed.len())]
    );
    let lines: Vec<&str> = big.lines().collect();
    let name = path.display().to_string();
    let mut last = 0;
    for f in &i.changed {
        assert!(f.before.is_ok(), "{f:?}");
        assert_eq!(f.after.findings[..], [(f.line, Code::MN103)]);
        assert_eq!(&*f.file, name);
        assert!(f.line > last, "out of order: {f:?} after line {last}");
        last = f.line;
        let written = lines[f.line - 1]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(f.flow, written, "line {}", f.line);
    }
    assert_eq!(i.other_findings_changed, 0);
}

#[test]
fn a_long_impact_is_written_whole_and_in_order_in_both_formats() {
    // Written as drawn, on every core: the report must be the list the
    // library gives, entry for entry.
    let dir = tempfile::tempdir().expect("tempdir");
    let (path, _) = big_design(dir.path());
    let i =
        rulediff::impact(&source(OLD), &source(NEW), std::slice::from_ref(&path)).expect("impact");
    assert_eq!(i.changed.len(), COPIES);
    let design = path.to_str().expect("a UTF-8 path");
    let args = ["rules", "diff", OLD, NEW, "--impact", design, "--format"];
    let (code, out, err) = run(&[&args[..], &["json"]].concat());
    assert_eq!(code, Some(0), "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    let listed = v["impact"]["changed"].as_array().expect("changed");
    assert_eq!(listed.len(), COPIES);
    assert_eq!(v["summary"]["flows_changed"], COPIES);
    for (got, want) in listed.iter().zip(&i.changed) {
        assert_eq!(got["file"], *want.file);
        assert_eq!(got["line"], want.line);
        assert_eq!(got["flow"], want.flow);
        assert_eq!(got["before"]["findings"], serde_json::json!([]));
        assert_eq!(got["after"]["findings"][0]["code"], "MN103");
    }
    let (code, out, err) = run(&[&args[..], &["human"]].concat());
    assert_eq!(code, Some(0), "{err}");
    let entries: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("  ") && l.contains(".myna:"))
        .collect();
    assert_eq!(entries.len(), COPIES);
    for (got, want) in entries.iter().zip(&i.changed) {
        assert_eq!(
            *got,
            format!("  {}:{}  {}", want.file, want.line, want.flow)
        );
    }
    assert!(
        out.ends_with(&format!("{COPIES} flows change verdict\n")),
        "{}",
        // The report's end, or all of it when the end would cut a
        // character (a failure message must not panic in turn).
        out.get(out.len().saturating_sub(200)..).unwrap_or(&out)
    );
}

#[test]
fn a_change_too_large_to_compare_one_by_one_stops_with_exit_2() {
    // 400·401·402/6 = 10 746 800 permissions alone.
    let src = rulebooks::crossed(400);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("crossed.myna");
    std::fs::write(&path, &src).expect("write");
    let path = path.to_string_lossy().into_owned();
    let (status, out, err) = run(&["rules", "diff", "kenpo", &path, "--fail-on-broadening"]);
    assert_eq!(status, Some(2), "{out}{err}");
    assert!(out.is_empty(), "{out}");
    // And the built-in rulebook's 428.
    assert!(err.contains("grant 10747228 concrete permissions"), "{err}");
    assert!(err.contains("more than the 10000000"), "{err}");
}

// ---------------------------------------------------------------------
// Changes other than `allow` rules: each that can turn a finding into
// `ok` makes the gate fail, with its reason and, where one exists, a flow
// that shows it; renumbered sections do not.

/// Rulebooks and designs written to a temporary folder: (name, text).
struct Files(tempfile::TempDir);

impl Files {
    fn new(files: &[(&str, &str)]) -> Files {
        let dir = tempfile::tempdir().expect("tempdir");
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).expect("write");
        }
        Files(dir)
    }

    fn path(&self, name: &str) -> String {
        self.0.path().join(name).to_string_lossy().into_owned()
    }

    /// `rules diff OLD NEW --impact DESIGN --fail-on-broadening`: exit
    /// status and standard output.
    fn gate(&self, old: &str, new: &str, design: &str, lang: &str) -> (Option<i32>, String) {
        let (code, out, err) = run(&[
            "rules",
            "diff",
            &self.path(old),
            &self.path(new),
            "--impact",
            &self.path(design),
            "--fail-on-broadening",
            "--lang",
            lang,
        ]);
        assert!(
            code != Some(1) || err.contains("--fail-on-broadening"),
            "{err}"
        );
        (code, out)
    }

    fn json(&self, old: &str, new: &str) -> serde_json::Value {
        let (code, out, err) = run(&[
            "rules",
            "diff",
            &self.path(old),
            &self.path(new),
            "--format",
            "json",
        ]);
        assert_eq!(code, Some(0), "{err}");
        serde_json::from_str(&out).expect("valid JSON")
    }
}

const MINI: &str = "rulebook mini \"mini\" revised 2024-12-04\n\
    role 組合 self\nrole 他機関\nrole 本人P\nrole 事業主\nrole NWS carrier\n\
    category 個人情報\ncategory 資格情報 in 個人情報\ncategory 特定個人情報 mynumber\n\
    section \"1\" \"内部\" {\n  purpose 認定 \"認定\"\n  purpose 通知 \"通知\"\n}\n\
    section \"2\" \"提供\" {\n  allow 組合 -> 他機関 : 特定個人情報 for 認定 via NWS\n  allow 組合 -> 他機関 : 資格情報 for 認定\n}\n\
    section \"7\" \"番号\" mynumber basis \"番号法第19条第8号\" {\n  allow 他機関 -> 組合 : 特定個人情報 for 認定 via NWS\n}\n";

const MINI_DESIGN: &str = "actor 基幹 : 組合\nactor 市 : 他機関\nactor 人 : 本人P\n\
    actor 勤務先 : 事業主\nactor 網 : NWS\ndata 課税 : 特定個人情報\ndata 資格 : 資格情報\n\
    flow 基幹 -> 市 : 課税 for 認定 via 網\n\
    flow 市 -> 基幹 : 課税 for 認定 via 勤務先, 網\n\
    flow 基幹 -> 勤務先 : 課税 for 認定\n\
    flow 基幹 -> 人 : 資格 for 通知\n\
    flow 基幹 -> 市 : 資格 for 認定\n";

/// The `old` and `new` rulebooks and the design, in a folder.
fn mini(new: &str) -> Files {
    Files::new(&[
        ("old.myna", MINI),
        ("new.myna", new),
        ("d.myna", MINI_DESIGN),
    ])
}

/// The impact's lines for the flow at `line` of d.myna: its verdicts.
fn verdicts_at(out: &str, line: usize) -> String {
    let at = format!("d.myna:{line}  ");
    let mut lines = out.lines().skip_while(|l| !l.contains(&at));
    lines.nth(1).unwrap_or_default().trim().to_string()
}

#[test]
fn a_section_made_mynumber_broadens_with_its_reason_and_a_witness() {
    let new = MINI.replace(
        "section \"2\" \"提供\" {",
        "section \"2\" \"提供\" mynumber basis \"番号法第19条第8号\" {",
    );
    // The ordinary rule for 資格情報 cannot stay in a mynumber section.
    let new = new.replace("  allow 組合 -> 他機関 : 資格情報 for 認定\n", "");
    let f = mini(&new);
    let (code, out) = f.gate("old.myna", "new.myna", "d.myna", "en");
    assert_eq!(code, Some(1), "{out}");
    assert_eq!(verdicts_at(&out, 8), "before: MN102  after: ok", "{out}");
    assert!(
        out.contains("  2 組合 -> 他機関: both (allows less and more)\n    because section 2 is now mynumber: its rules are permissions for 特定個人情報"),
        "{out}"
    );
    assert!(out.contains("    + allow 組合 -> 他機関 : 特定個人情報 for 認定 via NWS\n      smallest flow that the new rulebook accepts and the old one rejects:"), "{out}");
    let (_, ja) = f.gate("old.myna", "new.myna", "d.myna", "ja");
    assert!(
        ja.contains("理由: セクション 2 が mynumber になりました。"),
        "{ja}"
    );
    // And back: narrower only.
    let (code, out) = f.gate("new.myna", "old.myna", "d.myna", "en");
    assert_eq!(code, Some(1), "the ordinary rule comes back: {out}");
    assert!(
        out.contains("because section 2 is no longer mynumber"),
        "{out}"
    );
    let v = f.json("new.myna", "old.myna");
    let pair = &v["pairs"][0];
    assert_eq!(pair["breadth"], "both");
    assert_eq!(
        pair["because"],
        serde_json::json!([{"reason": "section_mynumber", "section": "2", "now": false}])
    );
    assert!(
        (pair["no_longer_allowed"].as_array().expect("lines").iter())
            .any(|g| g["categories"] == serde_json::json!(["特定個人情報"])),
        "{pair}"
    );
}

#[test]
fn a_category_made_mynumber_or_not_judges_both_ways() {
    let new = MINI.replace(
        "category 資格情報 in 個人情報",
        "category 資格情報 mynumber in 個人情報",
    );
    let f = mini(&new);
    // Now 特定個人情報: the ordinary rule allows it no more.
    let (code, out) = f.gate("old.myna", "new.myna", "d.myna", "en");
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(verdicts_at(&out, 12), "before: ok  after: MN101", "{out}");
    assert!(out.contains("  2 組合 -> 他機関: narrower (allows less)\n    because category 資格情報 is now 特定個人情報 (mynumber)\n    - allow 組合 -> 他機関 : 資格情報 for 認定"), "{out}");
    assert!(
        out.contains("  category 資格情報 is now 特定個人情報 (mynumber): narrower (allows less)"),
        "{out}"
    );
    // No longer 特定個人情報: broader, and a flow from another party to
    // the society is no longer judged at all.
    let (code, out) = f.gate("new.myna", "old.myna", "d.myna", "en");
    assert_eq!(code, Some(1), "{out}");
    assert_eq!(verdicts_at(&out, 12), "before: MN101  after: ok", "{out}");
    assert!(
        out.contains("  2 組合 -> 他機関: broader (allows more)"),
        "{out}"
    );
    assert!(
        out.contains("  category 資格情報 is no longer 特定個人情報: broader (allows more)"),
        "{out}"
    );
    let v = f.json("new.myna", "old.myna");
    let other = &v["others"][0];
    assert_eq!(other["why"]["reason"], "category_mynumber");
    assert_eq!(other["witness"]["confirmed"], true, "{other}");
    assert_eq!(
        other["witness"]["flow"],
        "flow 他機関 -> 組合 : 資格情報 for 認定"
    );
    let (_, ja) = f.gate("new.myna", "old.myna", "d.myna", "ja");
    assert!(
        ja.contains("カテゴリ 資格情報 は特定個人情報ではなくなりました: 広がった"),
        "{ja}"
    );

    // Moved under 特定個人情報, which a mynumber rule names: that rule now
    // covers it, shown by an item marked 特定個人情報 (the old rulebook
    // does not judge an unmarked one from another party at all).
    let under = MINI.replace(
        "category 資格情報 in 個人情報",
        "category 資格情報 mynumber in 特定個人情報",
    );
    let f = mini(&under);
    let (code, out) = f.gate("old.myna", "new.myna", "d.myna", "en");
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("  7 他機関 -> 組合: broader (allows more)\n    because category 資格情報 is now 特定個人情報 (mynumber)\n    + allow 他機関 -> 組合 : 資格情報 for 認定 via NWS\n      smallest flow that the new rulebook accepts and the old one rejects:"), "{out}");
    assert!(
        out.contains("        data 資格情報 : 資格情報 mynumber\n"),
        "{out}"
    );
}

#[test]
fn a_role_newly_carrier_self_or_subject_broadens() {
    for (flag, line, before, flow) in [
        (
            "carrier",
            9,
            "MN104",
            "flow 組合 -> 他機関 : 資格情報 for 認定 via 事業主",
        ),
        (
            "self",
            10,
            "MN105",
            "flow 組合 -> 事業主 : 特定個人情報 for 認定",
        ),
    ] {
        let new = MINI.replace("role 事業主\n", &format!("role 事業主 {flag}\n"));
        let f = mini(&new);
        let (code, out) = f.gate("old.myna", "new.myna", "d.myna", "en");
        assert_eq!(code, Some(1), "{flag}: {out}");
        assert_eq!(
            verdicts_at(&out, line),
            format!("before: {before}  after: ok"),
            "{out}"
        );
        assert!(
            out.contains(&format!(
                "  role 事業主 now {flag} (was no flag): both (allows less and more)"
            )),
            "{out}"
        );
        assert!(out.contains(&format!("        {flow}\n")), "{out}");
        let (_, ja) = f.gate("old.myna", "new.myna", "d.myna", "ja");
        assert!(
            ja.contains(&format!(
                "役割 事業主 の種別が 種別なし から {flag} に変わりました: 両方"
            )),
            "{ja}"
        );
        // Back again: it still changes what is allowed both ways.
        let (code, _) = f.gate("new.myna", "old.myna", "d.myna", "en");
        assert_eq!(code, Some(1), "{flag} back");
    }
    // The person: ordinary data given to it is not provision.
    let new = MINI.replace("role 本人P\n", "role 本人P subject\n");
    let f = mini(&new);
    let (code, out) = f.gate("old.myna", "new.myna", "d.myna", "en");
    assert_eq!(code, Some(1), "{out}");
    assert_eq!(verdicts_at(&out, 11), "before: MN202  after: ok", "{out}");
    assert!(
        out.contains("  role 本人P now subject (was no flag): broader (allows more)"),
        "{out}"
    );
    let v = f.json("old.myna", "new.myna");
    assert_eq!(
        v["others"][0]["why"],
        serde_json::json!({"reason": "role_kind", "role": "本人P", "old": "party", "new": "subject"})
    );
    assert_eq!(v["others"][0]["witness"]["confirmed"], true);
    assert_eq!(v["summary"]["others_broader"], 1);
    assert_eq!(v["summary"]["broadens"], true);
    // No longer the person: narrower only.
    let (code, out) = f.gate("new.myna", "old.myna", "d.myna", "en");
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("narrower (allows less)"), "{out}");
}

#[test]
fn a_changed_contractor_register_or_clause_list_is_judged() {
    let text = std::fs::read_to_string("rules/kenpo.myna").expect("kenpo");
    let row = "contractor \"株式会社大和総研\"";
    assert!(text.contains(row), "the anchor row is in kenpo.myna");
    let design = "actor 基幹 : 組合\nactor 新規 : 委託先 \"株式会社新規\"\n\
                  data 資格 : 資格情報\nflow 基幹 -> 新規 : 資格 for 資格データ処理委託\n";
    let renamed = text.replace(row, "contractor \"株式会社新規\"");
    let f = Files::new(&[
        ("kenpo.myna", &text),
        ("renamed.myna", &renamed),
        ("d.myna", design),
    ]);
    let (code, out) = f.gate("kenpo.myna", "renamed.myna", "d.myna", "en");
    assert_eq!(code, Some(1), "{out}");
    assert_eq!(verdicts_at(&out, 4), "before: MN301  after: ok", "{out}");
    assert!(out.contains("  contractor \"株式会社新規\": now registered for 資格データ処理委託, 医療費通知委託, 医療費分析委託, 扶養資格調査委託: broader (allows more)"), "{out}");
    assert!(
        out.contains("        actor 委託先 : 委託先 \"株式会社新規\"\n"),
        "{out}"
    );
    assert!(out.contains("  contractor \"株式会社大和総研\": no longer for 資格データ処理委託, 医療費通知委託, 医療費分析委託, 扶養資格調査委託: narrower (allows less)"), "{out}");
    assert!(
        out.contains("23 pairs: 0 broader, 0 narrower, 0 both, 23 same"),
        "{out}"
    );
    // A row removed only narrows.
    let removed: String = (text.lines())
        .filter(|l| !l.starts_with(row))
        .map(|l| format!("{l}\n"))
        .collect();
    let f = Files::new(&[
        ("kenpo.myna", &text),
        ("removed.myna", &removed),
        ("d.myna", design),
    ]);
    let (code, out) = f.gate("kenpo.myna", "removed.myna", "d.myna", "en");
    assert_eq!(code, Some(0), "{out}");
    let (code, out) = f.gate("removed.myna", "kenpo.myna", "d.myna", "ja");
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("委託先「株式会社大和総研」: 資格データ処理委託、医療費通知委託、"),
        "{out}"
    );
    assert!(
        out.contains(" に新たに登録: 広がった (認める範囲が増えた)\n"),
        "{out}"
    );
    // A clause no longer required: a contract without it passes MN303.
    let clause = "clause 監査協力 \"⑪ 監査への協力\"\n";
    let more = format!("{text}{clause}");
    let f = Files::new(&[
        ("kenpo.myna", &text),
        ("more.myna", &more),
        ("d.myna", design),
    ]);
    let (code, out) = f.gate("kenpo.myna", "more.myna", "d.myna", "en");
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("  clause 監査協力 is now required: narrower (allows less)"),
        "{out}"
    );
    let (code, out) = f.gate("more.myna", "kenpo.myna", "d.myna", "en");
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("  clause 監査協力 is no longer required: broader (allows more)\n    a contract without it passes MN303\n"), "{out}");
}

#[test]
fn a_renumbered_section_is_moved_not_broader() {
    let text = std::fs::read_to_string(format!("{CASES}/old.myna")).expect("old");
    assert!(text.contains("section \"7(1)\""));
    let renumbered = text.replace("section \"7(1)\"", "section \"8(9)\"");
    let design = std::fs::read_to_string(DESIGN).expect("design");
    let f = Files::new(&[
        ("old.myna", &text),
        ("renumbered.myna", &renumbered),
        ("d.myna", &design),
    ]);
    let (code, out) = f.gate("old.myna", "renumbered.myna", "d.myna", "en");
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("  8(9) 他機関 -> 組合: same (moved from another section)\n    = allow 他機関 -> 組合 : "),
        "{out}"
    );
    assert!(
        out.contains("(allowed before by section 7(1): not new)"),
        "{out}"
    );
    assert!(
        out.contains("0 broader, 0 narrower, 0 both, 2 same"),
        "{out}"
    );
    assert!(out.contains("no flow changes verdict"), "{out}");
    let v = f.json("old.myna", "renumbered.myna");
    assert_eq!(v["summary"]["broadens"], false);
    let moved = (v["pairs"].as_array().expect("pairs").iter())
        .find(|p| p["section"] == "8(9)")
        .expect("the renumbered pair");
    assert_eq!(moved["breadth"], "same");
    assert_eq!(moved["moved"][0]["before"], serde_json::json!(["7(1)"]));
    let (_, ja) = f.gate("old.myna", "renumbered.myna", "d.myna", "ja");
    assert!(ja.contains("変わらず (他のセクションから移動)"), "{ja}");

    // A rule of an ordinary section for 特定個人情報 allows nothing;
    // moved into a mynumber section it allows its exchanges: broader,
    // not moved. Into another mynumber section with another basis: moved.
    let rule = "  allow 組合 -> 他機関 : 特定個人情報 for 認定 via NWS\n";
    let into_mynumber = MINI.replace(rule, "").replace(
        "section \"7\" \"番号\" mynumber basis \"番号法第19条第8号\" {\n",
        &format!("section \"7\" \"番号\" mynumber basis \"番号法第19条第8号\" {{\n{rule}"),
    );
    let inbound = "  allow 他機関 -> 組合 : 特定個人情報 for 認定 via NWS\n";
    let other_basis = MINI.replace(inbound, "").replace(
        "section \"7\"",
        &format!("section \"9\" \"別の番号\" mynumber basis \"番号法第19条第6号\" {{\n{inbound}}}\nsection \"7\""),
    );
    let f = Files::new(&[
        ("old.myna", MINI),
        ("into.myna", &into_mynumber),
        ("basis.myna", &other_basis),
        ("d.myna", MINI_DESIGN),
    ]);
    let (code, out) = f.gate("old.myna", "into.myna", "d.myna", "en");
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("  7 組合 -> 他機関: broader (allows more)\n    + allow 組合 -> 他機関 : 特定個人情報 for 認定 via NWS\n      smallest flow"), "{out}");
    assert_eq!(verdicts_at(&out, 8), "before: MN102  after: ok", "{out}");
    let (code, out) = f.gate("old.myna", "basis.myna", "d.myna", "en");
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("  9 他機関 -> 組合: same (moved from another section)\n    = allow 他機関 -> 組合 : 特定個人情報 for 認定 via NWS  (allowed before by section 7: not new)\n"), "{out}");
}

#[test]
fn role_and_purpose_parents_are_listed_as_changes() {
    let text = std::fs::read_to_string("rules/kenpo.myna").expect("kenpo");
    let role = "role 他保険者                      in 他機関";
    assert!(text.contains(role), "the anchor role is in kenpo.myna");
    let new = text.replace(role, "role 他保険者                               ");
    let purposes = MINI.replace("  purpose 通知 \"通知\"", "  purpose 通知 in 認定 \"通知\"");
    let f = Files::new(&[
        ("kenpo.myna", &text),
        ("new.myna", &new),
        ("old.myna", MINI),
        ("purposes.myna", &purposes),
    ]);
    for (old, new, en, ja) in [
        (
            "kenpo.myna",
            "new.myna",
            "roles\n  ~ 他保険者: parent 他機関 -> (none)  (old line 29, new line 29)\n",
            "役割\n  ~ 他保険者: 親役割 他機関 -> (なし)",
        ),
        (
            "old.myna",
            "purposes.myna",
            "purposes\n  1\n    ~ 通知: parent (none) -> 認定  (old line 12, new line 12)\n",
            "    ~ 通知: 親の利用目的 (なし) -> 認定",
        ),
    ] {
        for (lang, want) in [("en", en), ("ja", ja)] {
            let (code, out, err) =
                run(&["rules", "diff", &f.path(old), &f.path(new), "--lang", lang]);
            assert_eq!(code, Some(0), "{err}");
            assert!(out.contains(want), "{out}");
            assert!(
                !out.contains("no changes") && !out.contains("変更はありません"),
                "{out}"
            );
        }
    }
}

#[test]
fn declaration_findings_that_differ_are_listed_with_a_cap() {
    let text = std::fs::read_to_string("rules/kenpo.myna").expect("kenpo");
    let more = format!("{text}clause 監査協力 \"⑪ 監査への協力\"\n");
    let clauses = "clauses 守秘義務, 持出し禁止, 目的外利用禁止, 再委託禁止, 事故時責任, 返還, 従業者監督, 履行報告, 従業者明確化, 立入調査";
    let mut design = String::from("actor 基幹 : 組合\n");
    for i in 0..105 {
        design.push_str(&format!(
            "actor 委託{i} : 委託先 \"株式会社大和総研\" {{\n  {clauses}\n}}\n"
        ));
    }
    design.push_str("data 資格 : 資格情報\nflow 基幹 -> 委託0 : 資格 for 資格データ処理委託\n");
    let one: String = design.lines().take(4).map(|l| format!("{l}\n")).collect();
    let f = Files::new(&[
        ("kenpo.myna", &text),
        ("more.myna", &more),
        ("d.myna", &design),
        (
            "one.myna",
            &format!(
                "{one}data 資格 : 資格情報\nflow 基幹 -> 委託0 : 資格 for 資格データ処理委託\n"
            ),
        ),
    ]);
    let (code, out) = f.gate("kenpo.myna", "more.myna", "one.myna", "en");
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains(
            "  note: 1 finding(s) on declarations (not flows) also differ between the two runs:\n  "
        ),
        "{out}"
    );
    assert!(out.contains("one.myna:2  actor 委託0 : 委託先 \"株式会社大和総研\" {\n    before: none  after: MN303\n"), "{out}");
    let (_, ja) = f.gate("kenpo.myna", "more.myna", "one.myna", "ja");
    assert!(ja.contains("    変更前: なし  変更後: MN303\n"), "{ja}");
    // Past the cap, the rest are counted.
    let (_, out) = f.gate("kenpo.myna", "more.myna", "d.myna", "en");
    assert!(
        out.contains("note: 105 finding(s) on declarations"),
        "{out}"
    );
    assert_eq!(out.matches("MN303\n").count(), 100, "{out}");
    assert!(
        out.contains("  … and 5 more declaration line(s)\n"),
        "{out}"
    );
    let (_, out, _) = run(&[
        "rules",
        "diff",
        &f.path("kenpo.myna"),
        &f.path("more.myna"),
        "--impact",
        &f.path("d.myna"),
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    let impact = &v["impact"];
    assert_eq!(impact["declarations_changed"], 105);
    let listed = impact["declarations"].as_array().expect("declarations");
    assert_eq!(listed.len(), 100);
    assert_eq!(listed[0]["line"], 2);
    assert_eq!(listed[0]["before"], serde_json::json!([]));
    assert_eq!(listed[0]["after"], serde_json::json!(["MN303"]));
}

/// A purpose tree with a register row at every level (the scale audit's
/// D9): each entry is registered for the whole chain, and comparing the
/// registers by expanding every entry was entries × purposes (4.85 GB at
/// 8 000). An entry whose rows and tree did not change is not expanded;
/// one that changed still says every purpose it lost.
#[test]
fn a_register_row_at_every_level_is_compared_by_what_changed() {
    const N: usize = 400;
    let (_, kenpo, _) = run(&["rules", "export", "kenpo"]);
    let mut section = String::from("section \"X\" \"x\" {\n purpose P0 \"p\"\n");
    for i in 1..N {
        section += &format!(" purpose P{i} in P{}\n", i - 1);
    }
    section += " allow 組合 -> 委託先 : 個人情報 for P0\n}\n";
    let rows: String = (0..N)
        .map(|i| format!("contractor \"株式会社登録{i}\" for P{i}\n"))
        .collect();
    let d = tempfile::tempdir().expect("temp");
    let (old, new) = (d.path().join("rules.myna"), d.path().join("rules2.myna"));
    std::fs::write(&old, format!("{kenpo}{section}{rows}")).expect("write");
    // The rule moves down one level; the first row is dropped.
    let moved = section.replace("for P0\n}", "for P1\n}");
    let dropped = rows.replacen("contractor \"株式会社登録0\" for P0\n", "", 1);
    std::fs::write(&new, format!("{kenpo}{moved}{dropped}")).expect("write");
    let mut s = Session::new(RulebookSource::File(old.clone()));
    let a = s
        .load_rulebook(&RulebookSource::File(old))
        .expect("old loads");
    let b = s
        .load_rulebook(&RulebookSource::File(new))
        .expect("new loads");
    let before = rulediff::effects::expanded_purposes();
    let effects = rulediff::effects::judge(&a, &b, "rules.myna");
    let spent = rulediff::effects::expanded_purposes() - before;
    // The dropped entry's chain, not N × N (other tests may add a few).
    assert!(spent < 4 * N + 1000, "{spent} purposes expanded");
    let said = format!("{effects:?}");
    assert!(said.contains("株式会社登録0"), "{said}");
    assert!(!said.contains("株式会社登録1\""), "{said}");
    assert!(said.contains("P399"), "the whole chain is lost: {said}");
}

/// MN303 with more required clauses than a message lists (the scale
/// audit's D7): its help names the first 20 and says how many more, in
/// both languages; its fix still adds every one.
#[test]
fn mn303_help_is_cut_and_its_fix_adds_every_clause() {
    let (_, kenpo, _) = run(&["rules", "export", "kenpo"]);
    let clauses: String = (0..30)
        .map(|i| format!("clause CL{i} \"c{i}\"\n"))
        .collect();
    let d = tempfile::tempdir().expect("temp");
    std::fs::write(d.path().join("rules.myna"), format!("{kenpo}{clauses}")).expect("write");
    let design = d.path().join("d.myna");
    std::fs::write(
        &design,
        "use \"rules.myna\"\nactor A : 組合\ndata d : 資格情報\n\
         actor C : 委託先 \"株式会社大和総研\" { clauses 守秘義務 }\n\
         flow A -> C : d for 資格データ処理委託\n",
    )
    .expect("write");
    let path = design.to_str().expect("utf-8");
    for (lang, more) in [("en", "CL10 } and 19 more"), ("ja", "CL10 } ほか 19 件")] {
        let (_, out, _) = run(&["check", path, "--select", "MN303", "--lang", lang]);
        assert!(out.contains(more), "{out}");
        assert!(out.contains("CL10") && !out.contains("CL29"), "{out}");
    }
    let (_, _, _) = run(&[
        "check",
        path,
        "--select",
        "MN303",
        "--fix",
        "--unsafe-fixes",
    ]);
    let fixed = std::fs::read_to_string(&design).expect("read");
    assert!(
        (0..30).all(|i| fixed.contains(&format!("CL{i}"))),
        "{fixed}"
    );
}
