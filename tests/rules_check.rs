//! `mynaflow rules check`: MN601–MN604 on rulebooks, from the command line
//! and through `check` (the rulebook files designs `use`, never the
//! built-in one). Cases live in tests/cases/rulecheck*/ and trees/.

mod common;
use common::mynaflow;
#[path = "../benches/generate/rulebooks.rs"]
mod rulebooks;

use mynaflow::code::Code;
use mynaflow::session::{RulebookSource, Session};
use std::path::Path;

fn run(args: &[&str]) -> (Option<i32>, String) {
    let out = mynaflow(args);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// (code, file, line) of each finding of a JSON report.
fn findings(json: &str) -> Vec<(String, String, u64)> {
    let v: serde_json::Value = serde_json::from_str(json).expect("JSON");
    v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or_default().to_string(),
                d["file"].as_str().unwrap_or_default().to_string(),
                d["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect()
}

fn codes(json: &str) -> Vec<String> {
    findings(json).into_iter().map(|f| f.0).collect()
}

#[test]
fn the_builtin_rulebook_has_exactly_the_seeds_known_problems() {
    let (status, out) = run(&["rules", "check", "--format", "json"]);
    assert_eq!(status, Some(0), "warnings only");
    assert_eq!(codes(&out), ["MN604", "MN604", "MN601", "MN601"]);
    assert!(out.contains("`高額医療費自動支払`") && out.contains("`保健事業`"));
    assert!(out.contains("section 7(1) cites `番号法第19条第7号`, which has been `番号法第19条第8号` since 2021-09-01"));
    assert!(out.contains("section 7(2) cites"));
    // Naming it gives the same; --deny warnings fails the run.
    let (_, named) = run(&["rules", "check", "kenpo", "--format", "json"]);
    assert_eq!(named, out);
    let (status, _) = run(&["rules", "check", "--deny", "warnings"]);
    assert_eq!(status, Some(1));
}

#[test]
fn human_output_in_both_languages() {
    for (lang, name) in [("en", "rules_check_en"), ("ja", "rules_check_ja")] {
        let (status, out) = run(&["rules", "check", "--lang", lang, "--color", "never"]);
        assert_eq!(status, Some(0));
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path("snapshots");
        settings.bind(|| insta::assert_snapshot!(name, out));
    }
    let (_, ja) = run(&["rules", "check", "--lang", "ja", "--color", "never"]);
    assert!(ja.contains(
        "セクション 7(1) の根拠「番号法第19条第7号」は、2021年(令和3年)9月1日から「番号法第19条第8号」です"
    ));
    assert!(
        !ja.contains("7(1)項"),
        "section ids as the rulebook writes them"
    );
}

#[test]
fn a_custom_rulebook_gets_every_lint() {
    let (status, out) = run(&[
        "rules",
        "check",
        "tests/cases/rulecheck/rules.myna",
        "--format",
        "json",
    ]);
    assert_eq!(status, Some(0));
    let f = findings(&out);
    let got: Vec<(&str, u64)> = f.iter().map(|(c, _, l)| (c.as_str(), *l)).collect();
    assert_eq!(got, [("MN601", 16), ("MN604", 22), ("MN603", 29)]);
    // The kanji numerals and the law's formal title are read.
    assert!(out.contains("`番号法第19条第8号`"));
    // A clean custom rulebook with trees has none.
    let (status, out) = run(&[
        "rules",
        "check",
        "tests/cases/trees/rules.myna",
        "--format",
        "json",
    ]);
    assert_eq!((status, codes(&out)), (Some(0), Vec::<String>::new()));
}

#[test]
fn a_register_without_a_contractor_role_is_an_error() {
    let (status, out) = run(&[
        "rules",
        "check",
        "tests/cases/rulecheck-register/rules.myna",
        "--format",
        "json",
    ]);
    assert_eq!(status, Some(1));
    assert_eq!(codes(&out), ["MN602"]);
}

#[test]
fn an_unreadable_rulebook_is_exit_2() {
    let (status, _) = run(&["rules", "check", "tests/cases/rulecheck/no-such.myna"]);
    assert_eq!(status, Some(2));
}

#[test]
fn check_lints_the_rulebooks_designs_use_but_not_the_builtin_one() {
    let mut s = Session::new(RulebookSource::Builtin("kenpo".into()));
    s.check_path(Path::new("tests/cases/rulecheck/design.myna"))
        .expect("readable");
    let got: Vec<(Code, String)> = s
        .sorted_diagnostics()
        .iter()
        .map(|d| (d.code, s.sources.get(d.primary.file).name.clone()))
        .collect();
    let rules = "tests/cases/rulecheck/rules.myna".to_string();
    assert_eq!(
        got,
        [
            (Code::MN601, rules.clone()),
            (Code::MN604, rules.clone()),
            (Code::MN603, rules),
        ]
    );
    // A design on the built-in rulebook: no MN6xx.
    let (status, out) = run(&["check", "examples/kenpo-society.myna", "--format", "json"]);
    assert_eq!(status, Some(0));
    assert!(codes(&out).iter().all(|c| !c.starts_with("MN6")), "{out}");
}

#[test]
fn rules_too_tangled_to_compare_in_full_get_one_warning_that_says_so() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("crossed.myna"), rulebooks::crossed(400)).expect("write");
    for (lang, name) in [
        ("en", "rules_check_not_compared_en"),
        ("ja", "rules_check_not_compared_ja"),
    ] {
        let out = common::mynaflow_in(
            dir.path(),
            &[
                "rules",
                "check",
                "crossed.myna",
                "--lang",
                lang,
                "--color",
                "never",
            ],
        );
        // A warning: the run passes unless warnings are denied.
        assert_eq!(out.status.code(), Some(0));
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path("snapshots");
        settings.bind(|| insta::assert_snapshot!(name, String::from_utf8_lossy(&out.stdout)));
    }
    let out = common::mynaflow_in(
        dir.path(),
        &["rules", "check", "crossed.myna", "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let d = &v["diagnostics"];
    assert_eq!(d.as_array().map(Vec::len), Some(1), "{v}");
    assert_eq!(d[0]["code"], "MN603");
    assert_eq!(d[0]["facts"]["compared_in_full"], false);
    // Rule i has i + 1 roles above it, four steps each.
    assert_eq!(d[0]["facts"]["rules_not_compared_in_full"], 400 - 255);
    let out = common::mynaflow_in(
        dir.path(),
        &["rules", "check", "crossed.myna", "--deny", "warnings"],
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn a_rulebook_sorting_before_the_design_that_uses_it_is_linted_once() {
    // `check .` walks the folder in name order: `a.myna` comes before the
    // design using it, and was linted as a file and again as the design's
    // rulebook, each finding reported twice under two spellings.
    let dir = tempfile::tempdir().expect("temp dir");
    let rules = std::fs::read_to_string("tests/cases/rulecheck/rules.myna").expect("rules");
    let design = std::fs::read_to_string("tests/cases/rulecheck/design.myna").expect("design");
    std::fs::write(dir.path().join("a.myna"), rules).expect("write");
    std::fs::write(
        dir.path().join("design.myna"),
        design.replace("use \"rules.myna\"", "use \"a.myna\""),
    )
    .expect("write");
    for args in [
        &["check", "."][..],
        &["check", "design.myna", "a.myna"],
        &["check", "a.myna", "design.myna"],
    ] {
        let out = common::mynaflow_in(dir.path(), &[args, &["--format", "json"]].concat());
        let found = findings(&String::from_utf8_lossy(&out.stdout));
        let codes: Vec<&str> = found.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(codes, ["MN601", "MN604", "MN603"], "{args:?}: {found:?}");
        assert!(found.iter().all(|f| f.1.ends_with("a.myna")), "{found:?}");
    }
    // One file at a time, the rulebook first: the same.
    let mut s = Session::new(RulebookSource::Builtin("kenpo".into()));
    for name in ["a.myna", "design.myna"] {
        s.check_path(&dir.path().join(name)).expect("readable");
    }
    let codes: Vec<Code> = s.sorted_diagnostics().iter().map(|d| d.code).collect();
    assert_eq!(codes, [Code::MN601, Code::MN604, Code::MN603]);
}

#[test]
fn a_rulebook_a_design_uses_reports_as_it_does_checked_alone() {
    // Its suppressions hold and the cap per code applies: through `use`,
    // a suppressed MN603 failed `check --deny warnings` of the design
    // while `check` of the rulebook passed, and every one of its findings
    // was shown.
    let dir = tempfile::tempdir().expect("temp dir");
    let head = "rulebook r \"r\" revised 2024-01-01\nrole 組合 self\nrole 他者\ncategory C\n\
                section \"1\" {\n  purpose P\n  allow 組合 -> 他者 : C for P\n";
    let suppressed = "  # mynaflow: allow MN603 reason=\"kept on purpose\" until=2099-12-31\n";
    let redundant = "  allow 組合 -> 他者 : C for P\n";
    std::fs::write(
        dir.path().join("design.myna"),
        "use \"rules.myna\"\nactor A : 組合\nactor B : 他者\ndata x : C\nflow A -> B : x for P\n",
    )
    .expect("write");
    let report = |args: &[&str]| {
        let out = common::mynaflow_in(dir.path(), &[args, &["--format", "json"]].concat());
        let found = findings(&String::from_utf8_lossy(&out.stdout));
        let codes: Vec<String> = found.into_iter().map(|f| f.0).collect();
        (out.status.code(), codes)
    };
    // One redundant rule, suppressed: nothing to report either way.
    let one = format!("{head}{suppressed}{redundant}}}\n");
    std::fs::write(dir.path().join("rules.myna"), one).expect("write");
    for file in ["rules.myna", "design.myna"] {
        assert_eq!(
            report(&["check", "--deny", "warnings", file]),
            (Some(0), vec![]),
            "{file}"
        );
    }
    // 150 more: the first hundred shown, and one for the other fifty.
    let many = format!("{head}{suppressed}{redundant}{}}}\n", redundant.repeat(150));
    std::fs::write(dir.path().join("rules.myna"), many).expect("write");
    let alone = report(&["check", "--deny", "warnings", "rules.myna"]);
    assert_eq!(alone.0, Some(1));
    assert_eq!(alone.1.len(), 101, "{alone:?}");
    assert!(alone.1.iter().all(|c| c == "MN603"), "{alone:?}");
    assert_eq!(
        report(&["check", "--deny", "warnings", "design.myna"]),
        alone
    );
    // `--fix` checks with no cap and caps what it reports.
    assert_eq!(
        report(&["check", "--fix", "--deny", "warnings", "design.myna"]),
        alone
    );
}
