//! A run that fails for a reason no finding shown gives says why in every
//! machine format, each where that format says a run failed: the syntax
//! and name errors a filter hid (exit status 1) and the designs it could
//! not check whose findings a filter hid (exit status 2). The SARIF log,
//! JSON, JUnit, GitLab and GitHub output of such a run showed no error at
//! all while the job went red. Review a changed snapshot line by line.

mod common;

use serde_json::Value;
use std::path::Path;

/// The kenpo declarations of a health-insurance society's design.
const HEALTH: &str = "use \"kenpo\"\n\n\
    actor 保健事業システム : 組合   \"保健事業システム\"\n\
    actor 人事部           : 事業主 \"株式会社〇〇 人事部\"\n\
    actor 名簿業者         : 他機関 \"名簿業者\"\n\n\
    data 健診結果 : 健診データ\n\n";

/// A design with a syntax error (MN001, line 9) and an undefined name
/// (MN010, line 10), in `syn.myna` of a new folder.
fn design() -> tempfile::TempDir {
    let d = tempfile::tempdir().expect("tempdir");
    let syn = format!(
        "{HEALTH}flow 保健事業システム -> 人事部 ; 健診結果 for 健康診断等\n\
         flow 保健事業システム -> 人事部x : 健診結果 for 健康診断等\n"
    );
    std::fs::write(d.path().join("syn.myna"), syn).expect("write");
    d
}

/// `mynaflow check ARGS` in `dir`: stdout, and the exit status.
fn check(dir: &Path, args: &[&str]) -> (String, Option<i32>) {
    let o = common::mynaflow_in(dir, &[&["check"][..], args].concat());
    (common::stdout(&o), o.status.code())
}

fn snapshot(name: &str, value: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path("snapshots");
    settings.bind(|| insta::assert_snapshot!(name, value));
}

const WHY: &str = "2 finding(s) hidden by select/ignore stopped the checks of their statements: MN001 ×1, MN010 ×1, the first at syn.myna:9:22 (MN001)";

/// `--ignore MN0` hides both errors: every machine format says why the
/// run fails (1), at the first of them. Snapshots of each.
#[test]
fn every_machine_format_says_why_a_hidden_syntax_error_fails_the_run() {
    let d = design();
    let hidden = ["--no-config", "--ignore", "MN0", "--lang", "en", "syn.myna"];
    let run = |format: &str| {
        let (out, status) = check(d.path(), &[&hidden[..], &["--format", format]].concat());
        assert_eq!(status, Some(1), "{format}: {out}");
        // SARIF says each code on its own (below).
        assert!(format == "sarif" || out.contains(WHY), "{format}: {out}");
        out
    };

    let json = run("json");
    let v: Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(v["diagnostics"], serde_json::json!([]));
    assert_eq!(v["summary"]["errors"], 0);
    assert_eq!(v["failures"], serde_json::json!([]));
    let h = &v["hidden_stops"];
    assert_eq!(h["count"], 2);
    assert_eq!(h["codes"], serde_json::json!({"MN001": 1, "MN010": 1}));
    assert_eq!(h["first"]["code"], "MN001");
    assert_eq!(h["first"]["file"], "syn.myna");
    assert_eq!(
        (&h["first"]["line"], &h["first"]["column"]),
        (&9.into(), &22.into())
    );
    snapshot("hidden_stops_json", &json);

    let sarif = run("sarif");
    let log: Value = serde_json::from_str(&sarif).expect("SARIF is JSON");
    let run0 = &log["runs"][0];
    assert_eq!(run0["results"], serde_json::json!([]));
    let inv = &run0["invocations"][0];
    // The run did its job: exit status 1, as for any run with findings.
    assert_eq!(inv["executionSuccessful"], true);
    let notes = inv["toolExecutionNotifications"].as_array().expect("notes");
    assert_eq!(notes.len(), 2, "one per code hidden");
    let rules = run0["tool"]["driver"]["rules"].as_array().expect("rules");
    for (note, (code, line)) in notes.iter().zip([("MN001", 9), ("MN010", 10)]) {
        assert_eq!(note["level"], "error");
        let rule = &note["associatedRule"];
        assert_eq!(rule["id"], code);
        let index = rule["index"].as_u64().expect("index") as usize;
        assert_eq!(rules[index]["id"], code, "the index points at the rule");
        let at = &note["locations"][0]["physicalLocation"];
        assert_eq!(at["artifactLocation"]["uri"], "syn.myna");
        assert_eq!(at["region"]["startLine"], line);
    }
    let validator = jsonschema::draft4::options()
        .build(&schema())
        .expect("the SARIF schema compiles");
    let errors: Vec<String> = validator.iter_errors(&log).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    let invocations = serde_json::to_string_pretty(&run0["invocations"]).expect("JSON");
    snapshot("hidden_stops_sarif_invocations", &invocations);

    let github = run("github");
    let first = github.lines().next().expect("a line");
    assert!(
        first.starts_with("::error file=syn.myna,line=9,col=22,endLine=9,endColumn=23,title=mynaflow::2 finding(s) hidden"),
        "{github}"
    );
    snapshot("hidden_stops_github", &github);

    let gitlab = run("gitlab");
    let issues: Value = serde_json::from_str(&gitlab).expect("JSON");
    let issue = &issues[0];
    assert_eq!(issues.as_array().map(Vec::len), Some(1), "{gitlab}");
    assert_eq!(issue["check_name"], "MN001");
    assert_eq!(issue["severity"], "major");
    assert_eq!(issue["location"]["path"], "syn.myna");
    assert_eq!(issue["location"]["lines"]["begin"], 9);
    // The first hidden finding's fingerprint, marked: the issue keeps its
    // identity while that finding stays, and is not taken for it.
    let fingerprint = issue["fingerprint"].as_str().expect("fingerprint");
    let (shown, _) = check(d.path(), &["--no-config", "--format", "gitlab", "syn.myna"]);
    let shown: Value = serde_json::from_str(&shown).expect("JSON");
    let mn001 = (shown.as_array().into_iter().flatten())
        .find(|i| i["check_name"] == "MN001")
        .expect("the MN001 issue, shown");
    let its = mn001["fingerprint"].as_str().expect("fingerprint");
    assert_eq!(its.replace(":1", ":hidden"), fingerprint);
    // (The hash itself is the fingerprint module's, pinned there.)
    snapshot(
        "hidden_stops_gitlab",
        &gitlab.replace(fingerprint, "[fingerprint]:hidden"),
    );

    let junit = run("junit");
    assert!(
        junit.contains("tests=\"2\" failures=\"1\" errors=\"0\""),
        "{junit}"
    );
    assert!(
        junit.contains("<testcase classname=\"syn.myna\" name=\"MN001 9:22\" file=\"syn.myna\" line=\"9\">\n    <failure type=\"MN001\" message=\"2 finding(s) hidden"),
        "{junit}"
    );
    snapshot("hidden_stops_junit", &junit);

    // Human and concise, for people and editors, say it on stderr only,
    // as every run-level note.
    for format in ["human", "concise"] {
        let o = common::mynaflow_in(
            d.path(),
            &[&["check"][..], &hidden[..], &["--format", format]].concat(),
        );
        assert_eq!(o.status.code(), Some(1));
        assert!(!common::stdout(&o).contains("hidden by"), "{format}");
        assert!(String::from_utf8_lossy(&o.stderr).contains(WHY), "{format}");
    }
}

/// A config's `select` hides them as `--ignore` does, and the config
/// followed is named beside the reason; in Japanese with `--lang ja`.
#[test]
fn a_configs_select_that_hides_them_is_said_in_both_languages() {
    let d = design();
    std::fs::write(
        d.path().join("mynaflow.toml"),
        "select = [\"MN1\", \"MN2\", \"MN3\", \"MN4\"]\n",
    )
    .expect("write");
    let (json, status) = check(d.path(), &["--format", "json", "--lang", "en", "syn.myna"]);
    assert_eq!(status, Some(1), "{json}");
    let v: Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(v["config"], "mynaflow.toml");
    assert!(
        v["hidden_stops"]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with(WHY)),
        "{json}"
    );
    let (sarif, status) = check(d.path(), &["--format", "sarif", "--lang", "ja", "syn.myna"]);
    assert_eq!(status, Some(1));
    let log: Value = serde_json::from_str(&sarif).expect("JSON");
    let text =
        &log["runs"][0]["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"];
    assert_eq!(
        text,
        "select/ignore で非表示にした MN001 の指摘 1 件のために、その文の検査が行われていません。最初は syn.myna:9:22 です。実行は失敗とします (修正するか、絞り込みを外して検査し、内容を確認してください)"
    );
    for format in ["json", "github", "gitlab", "junit"] {
        let (out, status) = check(d.path(), &["--format", format, "--lang", "ja", "syn.myna"]);
        assert_eq!(status, Some(1));
        assert!(
            out.contains("select/ignore で非表示にした 2 件の指摘のために"),
            "{format}: {out}"
        );
    }
    // `--exit-zero` exits 0 and still says it.
    let (json, status) = check(d.path(), &["--format", "json", "--exit-zero", "syn.myna"]);
    assert_eq!(status, Some(0));
    assert!(json.contains("\"hidden_stops\": {"), "{json}");
}

/// The job summary GitHub shows says it under its heading, as a line of
/// its own marked as an error.
#[test]
fn the_github_job_summary_says_it() {
    let d = design();
    let summary = d.path().join("summary.md");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_mynaflow"))
        .current_dir(d.path())
        .args(["check", "--no-config", "--ignore", "MN0", "--lang", "en"])
        .args(["--format", "github", "syn.myna"])
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .expect("run mynaflow");
    assert_eq!(o.status.code(), Some(1));
    let text = std::fs::read_to_string(&summary).expect("summary written");
    // The line's ASCII punctuation is backslash-escaped, as every cell of
    // the summary is: no Markdown of a name is rendered.
    let line = format!("{WHY}; the run fails (fix them, or check without the filter to see them)");
    let escaped: String = (line.chars())
        .map(|c| match c.is_ascii_punctuation() {
            true => format!("\\{c}"),
            false => c.to_string(),
        })
        .collect();
    assert_eq!(
        text,
        format!("### mynaflow: 0 error(s), 0 warning(s) in 1 file(s)\n\n❌ {escaped}\n\n")
    );
}

/// A design that could not be checked (MN005) whose finding a filter
/// hides fails the run (2): JSON lists the reason in `failures`, JUnit as
/// an `<error>` case, GitHub as an `::error` (SARIF already said it).
#[test]
fn machine_formats_say_why_a_hidden_unchecked_design_fails_the_run() {
    let d = tempfile::tempdir().expect("tempdir");
    std::fs::write(d.path().join("nul.myna"), b"use \"kenpo\"\n# \x00\n").expect("write");
    let args = |format| {
        [
            "--no-config",
            "--ignore",
            "MN005",
            "--lang",
            "en",
            "--format",
            format,
            "nul.myna",
        ]
    };
    let why = "1 design(s) could not be checked: not a UTF-8 text file (MN005)";
    let (json, status) = check(d.path(), &args("json"));
    assert_eq!(status, Some(2));
    let v: Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(v["failures"], serde_json::json!([why]));
    assert_eq!(v["hidden_stops"], Value::Null);
    assert_eq!(v["diagnostics"], serde_json::json!([]));
    let (junit, _) = check(d.path(), &args("junit"));
    assert!(
        junit.contains(&format!(
            "tests=\"2\" failures=\"0\" errors=\"1\" skipped=\"0\">\n  <testcase classname=\"mynaflow\" name=\"mynaflow\">\n    <error message=\"{why}\">{why}\n</error>\n  </testcase>\n"
        )),
        "{junit}"
    );
    let (github, _) = check(d.path(), &args("github"));
    assert_eq!(github, format!("::error title=mynaflow::{why}\n"));
    let (sarif, _) = check(d.path(), &args("sarif"));
    let log: Value = serde_json::from_str(&sarif).expect("JSON");
    let inv = &log["runs"][0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    assert_eq!(inv["toolExecutionNotifications"][0]["message"]["text"], why);
    // A GitLab issue must name a file and a line, which a run's failure
    // has not: the report stays an empty list, and the job fails (2).
    let (gitlab, status) = check(d.path(), &args("gitlab"));
    assert_eq!((gitlab.as_str(), status), ("[]\n", Some(2)));
}

fn schema() -> Value {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sarif-schema-2.1.0.json"),
    )
    .expect("schema fixture");
    serde_json::from_str(&text).expect("schema is JSON")
}
