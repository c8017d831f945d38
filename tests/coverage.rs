//! `mynaflow coverage`: which `allow` rules designs exercise.

mod common;
use common::{mynaflow, mynaflow_in, stdout};

use mynaflow::coverage::Coverage;
use mynaflow::model::RuleId;
use mynaflow::session::{Analysis, RulebookSource, Session};
use std::path::Path;

fn coverage_of(paths: &[&str]) -> (Session, Vec<Coverage>) {
    let mut s = Session::new(RulebookSource::Builtin("kenpo".into()));
    let analyses: Vec<Analysis> = paths
        .iter()
        .filter_map(|p| s.check_path(Path::new(p)).expect("readable").analysis)
        .collect();
    let c = Coverage::compute(&analyses);
    (s, c)
}

fn rule_named(c: &Coverage, text: &str) -> RuleId {
    (0..c.rulebook.rules.len())
        .map(|i| RuleId::new(i as u32))
        .find(|r| c.rulebook.rule_text(*r) == text)
        .unwrap_or_else(|| panic!("no rule `{text}`"))
}

const KENPO: &str = "examples/kenpo-society.myna";

#[test]
fn kenpo_society_exercises_most_rules() {
    let (s, c) = coverage_of(&[KENPO]);
    assert_eq!(c.len(), 1);
    let (all, my) = (c[0].total(), c[0].mynumber());
    let pct = all.percent().unwrap_or(0.0);
    println!(
        "kenpo-society exercises {}/{} rules ({pct:.1}%), {}/{} mynumber rules",
        all.exercised, all.rules, my.exercised, my.rules
    );
    assert!(pct >= 80.0, "only {pct:.1}%");
    assert_eq!(my.exercised, my.rules, "every 7(1)/7(2) rule has a flow");
    assert!(c[0].unexercised_mynumber().is_empty());

    // A stitched exchange counts on its last hop; incoming ordinary data
    // (8(2), 6(2) answers) counts too.
    let kenpo = std::fs::read_to_string(KENPO).expect("read");
    let line_of = |needle: &str| {
        kenpo
            .lines()
            .position(|l| l.starts_with(needle))
            .map(|i| i + 1)
            .unwrap_or_else(|| panic!("no line `{needle}`"))
    };
    let lines = |r: RuleId| -> Vec<usize> {
        c[0].uses(r)
            .iter()
            .map(|sp| s.sources.get(sp.file).line_col(sp.start as usize).0)
            .collect()
    };
    let r = rule_named(
        &c[0],
        "allow 他機関 -> 組合 : 他機関資格情報 for 被保険者資格取得 via 情報提供ネットワークシステム",
    );
    assert_eq!(
        lines(r),
        vec![line_of(
            "flow 中間サーバー -> 適用システム : 前保険者資格情報"
        )]
    );
    let r = rule_named(
        &c[0],
        "allow オンライン資格確認等システム -> 組合 : 特定健診データ for 特定健診等",
    );
    assert_eq!(lines(r), vec![line_of("flow オン資 -> 保健事業システム")]);
    // The design deliberately entrusts 高額医療費自動支払 to no one.
    let r = rule_named(
        &c[0],
        "allow 組合 -> 委託先 : 個人情報 for 高額医療費自動支払",
    );
    assert!(!c[0].is_exercised(r));
}

#[test]
fn an_unexercised_mynumber_rule_is_listed() {
    let (_s, c) = coverage_of(&["docs/codes/examples/MN402-purpose-drift.myna"]);
    let unused: Vec<String> = c[0]
        .unexercised_mynumber()
        .into_iter()
        .map(|r| c[0].rulebook.rule_text(r))
        .collect();
    let exercised = "allow 他機関 -> 組合 : 課税・非課税情報, 住民票関係情報 for 被扶養者認定 via 情報提供ネットワークシステム";
    let missing = "allow 組合 -> 他機関 : 資格関連情報 for 他機関資格確認事務 via 情報提供ネットワークシステム";
    assert_eq!(unused.len(), 6);
    assert!(!unused.iter().any(|u| u == exercised));
    assert!(unused.iter().any(|u| u == missing));

    for (lang, head) in [
        ("en", "mynumber rules no flow exercises:"),
        (
            "ja",
            "どのフローも使っていない特定個人情報 (mynumber) の規則:",
        ),
    ] {
        let o = mynaflow(&[
            "coverage",
            "docs/codes/examples/MN402-purpose-drift.myna",
            "--lang",
            lang,
        ]);
        assert_eq!(o.status.code(), Some(0));
        let out = stdout(&o);
        let listed = out.split(head).nth(1).unwrap_or_else(|| panic!("{out}"));
        assert!(listed.contains(&format!("7(2) {missing}")), "{out}");
        assert!(!listed.contains(exercised), "{out}");
    }
}

#[test]
fn fail_under() {
    let code = |args: &[&str]| mynaflow(args).status.code();
    assert_eq!(code(&["coverage", KENPO, "--fail-under", "101"]), Some(1));
    assert_eq!(code(&["coverage", KENPO, "--fail-under", "0"]), Some(0));
    assert_eq!(code(&["coverage", KENPO, "--fail-under", "80"]), Some(0));
    assert_eq!(code(&["coverage", KENPO, "--fail-under", "-3"]), Some(2));
    assert_eq!(code(&["coverage", KENPO, "--fail-under", "many"]), Some(2));
    assert_eq!(code(&["coverage", "no-such-file.myna"]), Some(2));
    assert_eq!(
        code(&[
            "coverage",
            "docs/codes/examples/MN013-missing-rulebook.myna"
        ]),
        Some(2)
    );
}

#[test]
fn json_shape() {
    let o = mynaflow(&["coverage", KENPO, "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    assert_eq!(v["version"], 1);
    let (rules, exercised) = (
        v["rules"].as_u64().unwrap(),
        v["exercised"].as_u64().unwrap(),
    );
    assert!(exercised <= rules && rules > 0);
    assert!(v["percent"].is_f64());
    let rb = &v["rulebooks"][0];
    assert_eq!(rb["name"], "kenpo");
    assert_eq!(rb["file"], "<builtin>/kenpo.myna");
    assert_eq!(rb["designs"][0], KENPO);
    assert_eq!(rb["rules"], v["rules"]);
    for k in ["rules", "exercised", "percent"] {
        assert!(!rb["mynumber"][k].is_null(), "mynumber.{k}");
    }
    assert!(
        rb["unexercised_mynumber"]
            .as_array()
            .is_some_and(|a| a.is_empty())
    );
    let sections = rb["sections"].as_array().expect("sections");
    let mut counted = 0;
    for s in sections {
        assert!(s["id"].is_string() && s["mynumber"].is_boolean());
        for r in s["rules"].as_array().expect("rules") {
            counted += 1;
            assert!(r["rule"].as_str().is_some_and(|t| t.starts_with("allow ")));
            assert!(r["line"].as_u64().is_some_and(|l| l > 0));
            let flows = r["flows"].as_array().expect("flows");
            assert_eq!(r["exercised"].as_bool(), Some(!flows.is_empty()));
            for f in flows {
                assert_eq!(f["file"], KENPO);
                assert!(f["line"].as_u64().is_some_and(|l| l > 0));
            }
        }
    }
    assert_eq!(counted, rules);

    let o = mynaflow(&[
        "coverage",
        "docs/codes/examples/MN402-purpose-drift.myna",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    let unused = v["rulebooks"][0]["unexercised_mynumber"]
        .as_array()
        .expect("list");
    assert_eq!(unused.len(), 6);
    assert!(
        unused
            .iter()
            .all(|u| u["section"].is_string() && u["rule"].is_string() && u["line"].is_u64())
    );
}

#[test]
fn a_folder_with_its_own_rulebook() {
    // tests/cases/custom holds a rulebook beside the designs that use it:
    // the rulebook is not measured as a design.
    let o = mynaflow(&["coverage", "tests/cases/custom", "--lang", "en"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let out = stdout(&o);
    assert!(out.starts_with("Rulebook shiyakusho"), "{out}");
    assert!(
        out.contains(
            "Designs: tests/cases/custom/design.myna, tests/cases/custom/nearest-miss.myna"
        ),
        "{out}"
    );
}

#[test]
fn human_report_snapshots() {
    for lang in ["en", "ja"] {
        let o = mynaflow(&["coverage", KENPO, "--lang", lang]);
        assert_eq!(o.status.code(), Some(0));
        insta::with_settings!({snapshot_path => "snapshots", prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!(format!("coverage_{lang}@kenpo-society"), stdout(&o));
        });
    }
}

/// Many designs sharing a rulebook give the uses that adding them one by
/// one gives (each rule's uses in order, each once), whatever the order
/// they were found in.
#[test]
fn many_designs_give_the_uses_added_one_by_one() {
    let mut paths: Vec<String> = std::fs::read_dir("examples")
        .expect("examples")
        .chain(std::fs::read_dir("docs/codes/examples").expect("code examples"))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "myna"))
        .map(|p| p.display().to_string())
        .collect();
    paths.sort();
    // Every design twice: the same spans found again are counted once.
    let twice: Vec<&str> = paths.iter().chain(&paths).map(String::as_str).collect();
    let mut s = Session::new(RulebookSource::Builtin("kenpo".into()));
    let analyses: Vec<Analysis> = twice
        .iter()
        .filter_map(|p| s.check_path(Path::new(p)).expect("readable").analysis)
        .collect();
    let all = Coverage::compute(&analyses);
    let mut one_by_one: Vec<Coverage> = Vec::new();
    for a in &analyses {
        let Some(rb) = &a.design.rulebook else {
            continue;
        };
        let at = match one_by_one
            .iter()
            .position(|c| std::sync::Arc::ptr_eq(&c.rulebook, rb))
        {
            Some(at) => at,
            None => {
                one_by_one.push(Coverage::new(rb.clone()));
                one_by_one.len() - 1
            }
        };
        one_by_one[at].add(&a.design, &a.graph);
    }
    assert_eq!(all.len(), one_by_one.len());
    let mut uses = 0;
    for (c, d) in all.iter().zip(&one_by_one) {
        for r in (0..c.rulebook.rules.len()).map(|i| RuleId::new(i as u32)) {
            assert_eq!(c.uses(r), d.uses(r), "{}", c.rulebook.rule_text(r));
            assert!(c.uses(r).windows(2).all(|w| w[0] < w[1]));
            uses += c.uses(r).len();
        }
    }
    assert!(uses > 100, "{uses} uses");
}

/// The lines of the flows listed under `rule` in `coverage --format json`
/// of `paths` run in `dir`, and whether the rule is exercised.
fn json_uses(dir: &Path, paths: &[&str], rule: &str) -> (bool, Vec<u64>) {
    let mut args = vec!["coverage", "--format", "json"];
    args.extend_from_slice(paths);
    let o = mynaflow_in(dir, &args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    let sections = v["rulebooks"][0]["sections"].as_array().expect("sections");
    let r = (sections.iter())
        .flat_map(|s| s["rules"].as_array().expect("rules"))
        .find(|r| r["rule"] == rule)
        .unwrap_or_else(|| panic!("no rule `{rule}`"));
    let lines = (r["flows"].as_array().expect("flows").iter())
        .map(|f| f["line"].as_u64().expect("line"))
        .collect();
    (r["exercised"].as_bool().expect("exercised"), lines)
}

/// The line of a human report that gives `rule`, with its `✓` or `✗`.
fn ticked_rule_of<'a>(out: &'a str, rule: &str) -> &'a str {
    out.lines()
        .find(|l| {
            let l = l.trim_start();
            (l.strip_prefix("✓ ").or_else(|| l.strip_prefix("✗ "))) == Some(rule)
        })
        .unwrap_or_else(|| panic!("no rule `{rule}` in\n{out}"))
}

/// An exchange a rule allows that `check` rejects all the same exercises
/// no rule: entrusting to a contractor not registered for the purpose
/// (MN301) was counted, a ✓ and `--fail-under` credit backed by a flow
/// `check` fails.
#[test]
fn entrusting_to_an_unregistered_contractor_exercises_no_rule() {
    let dir = tempfile::tempdir().unwrap();
    let design = "use \"kenpo\"\n\
                  actor 適用 : 組合\n\
                  actor 謎社 : 委託先 \"株式会社謎\"\n\
                  data 資格 : 資格情報\n\
                  flow 適用 -> 謎社 : 資格 for 医療費通知委託\n";
    std::fs::write(dir.path().join("d.myna"), design).unwrap();
    let check = mynaflow_in(dir.path(), &["check", "d.myna", "--format", "concise"]);
    assert!(
        stdout(&check).contains("d.myna:5:12: MN301 "),
        "{}",
        stdout(&check)
    );
    let rule = "allow 組合 -> 委託先 : 個人情報 for 医療費通知委託";
    for lang in ["en", "ja"] {
        let o = mynaflow_in(dir.path(), &["coverage", "d.myna", "--lang", lang]);
        assert_eq!(o.status.code(), Some(0));
        let out = stdout(&o);
        assert!(
            ticked_rule_of(&out, rule).trim_start().starts_with('✗'),
            "{lang}:\n{out}"
        );
        assert!(!out.contains("d.myna:5"), "{lang}:\n{out}");
    }
    assert_eq!(json_uses(dir.path(), &["d.myna"], rule), (false, vec![]));
    // The same flow to the registered contractor exercises it.
    let registered = design.replace("株式会社謎", "株式会社大和総研");
    std::fs::write(dir.path().join("d.myna"), registered).unwrap();
    assert_eq!(json_uses(dir.path(), &["d.myna"], rule), (true, vec![5]));
}

/// A contractor passing data on (MN302), to a party or to a contractor
/// not registered for the purpose, exercises no rule either, though a rule
/// allows the roles it passes between; entrusting, and re-entrusting
/// between registered contractors, do.
#[test]
fn a_contractor_passing_data_on_unlawfully_exercises_no_rule() {
    let dir = tempfile::tempdir().unwrap();
    let rulebook = r#"rulebook r "r" revised 2025-10-01
role 本部 self
role 受託 contractor
role 事業所 "事業所"
category 加入者情報 "加入者の個人情報"
section "A" "委託" basis "個人情報保護法第27条第5項第1号" {
  purpose 通知委託 "通知の委託"
  allow 本部 -> 受託 : 加入者情報 for 通知委託
  allow 受託 -> 事業所 : 加入者情報 for 通知委託
  allow 受託 -> 受託 : 加入者情報 for 通知委託
}
contractor "株式会社A" for 通知委託
"#;
    let design = "use \"rb.myna\"
actor 基幹 : 本部
actor A社 : 受託 \"株式会社A\"
actor A支店 : 受託 \"株式会社A\"
actor B社 : 受託 \"株式会社B\"
actor 本社 : 事業所
data 台帳 : 加入者情報
flow 基幹 -> A社 : 台帳 for 通知委託
flow 基幹 -> B社 : 台帳 for 通知委託
flow A社 -> 本社 : 台帳 for 通知委託
flow A社 -> B社 : 台帳 for 通知委託
flow A社 -> A支店 : 台帳 for 通知委託
";
    std::fs::write(dir.path().join("rb.myna"), rulebook).unwrap();
    std::fs::write(dir.path().join("d.myna"), design).unwrap();
    let check = stdout(&mynaflow_in(
        dir.path(),
        &["check", "d.myna", "--format", "concise"],
    ));
    let codes: Vec<&str> = (check.lines())
        .filter_map(|l| l.split(' ').nth(1))
        .collect();
    assert_eq!(codes, ["MN301", "MN302", "MN302"], "{check}");
    let uses = |rule: &str| json_uses(dir.path(), &["d.myna"], rule);
    assert_eq!(
        uses("allow 本部 -> 受託 : 加入者情報 for 通知委託"),
        (true, vec![8])
    );
    assert_eq!(
        uses("allow 受託 -> 事業所 : 加入者情報 for 通知委託"),
        (false, vec![])
    );
    assert_eq!(
        uses("allow 受託 -> 受託 : 加入者情報 for 通知委託"),
        (true, vec![12])
    );
    let o = mynaflow_in(dir.path(), &["coverage", "d.myna", "--fail-under", "100"]);
    assert_eq!(o.status.code(), Some(1), "2 of 3 rules: below 100%");
}

/// A rulebook a design in `designs/` uses as `../rules/r.myna` is named
/// `rules/r.myna`, not `designs/../rules/r.myna`, in both languages and in
/// JSON.
#[test]
fn a_rulebook_beside_the_designs_folder_is_named_tidily() {
    let dir = tempfile::tempdir().unwrap();
    let (designs, rules) = (dir.path().join("designs"), dir.path().join("rules"));
    std::fs::create_dir_all(&designs).unwrap();
    std::fs::create_dir_all(&rules).unwrap();
    let rulebook = r#"rulebook r "r" revised 2025-10-01
role 本部 self
role 他機関 "他機関"
category 番号付データ mynumber
section "S" "提供" mynumber basis "番号法第19条第8号" {
  purpose 照会 "照会"
  allow 他機関 -> 本部 : 番号付データ for 照会
}
"#;
    std::fs::write(rules.join("r.myna"), rulebook).unwrap();
    std::fs::write(
        designs.join("d.myna"),
        "use \"../rules/r.myna\"\nactor 基幹 : 本部\n",
    )
    .unwrap();
    for lang in ["en", "ja"] {
        let o = mynaflow_in(dir.path(), &["coverage", "designs/d.myna", "--lang", lang]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let out = stdout(&o);
        assert!(out.contains("(rules/r.myna:7)"), "{lang}:\n{out}");
        assert!(!out.contains(".."), "{lang}:\n{out}");
    }
    let o = mynaflow_in(
        dir.path(),
        &["coverage", "designs/d.myna", "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    assert_eq!(v["rulebooks"][0]["file"], "rules/r.myna");
    assert_eq!(v["rulebooks"][0]["designs"][0], "designs/d.myna");
}
