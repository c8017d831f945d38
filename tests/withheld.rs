//! What a run withheld reaches every machine format, not only standard
//! error: the findings a sub-folder `mynaflow.toml` hid, excused or
//! excluded (a pull request can add one), and the designs in hidden
//! folders or `target/` the walk did not enter (even with the config
//! pinned). The audit's two reproductions: the SARIF log had no result
//! and no notification, `--format github` printed nothing and the job
//! summary said "0 error(s)", while stderr alone said what was hidden.

mod common;

use serde_json::Value;
use std::path::Path;

/// A project like the audit's: `designs/kenpo-society.myna` (clean) and
/// `designs/sub/vendor-proposal.myna` (5 errors, 1 warning), with
/// `designs/sub/mynaflow.toml` holding `config`.
fn nested(config: &str) -> tempfile::TempDir {
    let d = tempfile::tempdir().expect("tempdir");
    let designs = d.path().join("designs");
    std::fs::create_dir_all(designs.join("sub")).expect("mkdir");
    let example = |name: &str| {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples")
            .join(name)
    };
    std::fs::copy(
        example("kenpo-society.myna"),
        designs.join("kenpo-society.myna"),
    )
    .expect("copy");
    let vendor = designs.join("sub/vendor-proposal.myna");
    std::fs::copy(example("vendor-proposal.myna"), &vendor).expect("copy");
    std::fs::write(designs.join("sub/mynaflow.toml"), config).expect("write");
    d
}

/// `mynaflow ARGS` in `dir`: stdout, stderr, the exit status.
fn run_in(dir: &Path, args: &[&str]) -> (String, String, Option<i32>) {
    let o = common::mynaflow_in(dir, args);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    (common::stdout(&o), err, o.status.code())
}

/// `mynaflow check ARGS` in `dir`.
fn check(dir: &Path, args: &[&str]) -> (String, String, Option<i32>) {
    run_in(dir, &[&["check"][..], args].concat())
}

/// [`nested`], its unlawful design moved into a folder named `folder`
/// under `designs/` beside a config that hides its findings
/// (`select = ["MN201"]`): a folder a pull request may name anything.
fn hidden_under(folder: &str) -> tempfile::TempDir {
    let d = nested("");
    let odd = d.path().join("designs").join(folder);
    std::fs::create_dir_all(&odd).expect("mkdir");
    std::fs::rename(
        d.path().join("designs/sub/vendor-proposal.myna"),
        odd.join("v.myna"),
    )
    .expect("mv");
    std::fs::write(odd.join("mynaflow.toml"), "select = [\"MN201\"]\n").expect("write");
    d
}

/// The SARIF log's notifications, the log checked against the SARIF
/// 2.1.0 schema (a notification at a whole file has no region).
fn notifications(sarif: &str) -> Vec<Value> {
    let log: Value = serde_json::from_str(sarif).expect("SARIF is JSON");
    let schema = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sarif-schema-2.1.0.json"),
    )
    .expect("schema fixture");
    let schema: Value = serde_json::from_str(&schema).expect("schema is JSON");
    let validator = jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles");
    let errors: Vec<String> = (validator.iter_errors(&log))
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    let inv = &log["runs"][0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], true, "{sarif}");
    (inv["toolExecutionNotifications"].as_array().cloned()).unwrap_or_default()
}

const HIDDEN: &str = "config designs/sub/mynaflow.toml: 6 finding(s) hidden by its select/ignore/per-file-ignores; this report does not show them (a mynaflow.toml found beside the designs governs those under it, and a pull request can add one: review it, or pin the config in CI with --config)";

/// The audit's finding 1, its config leaving one code that judges flows
/// (one that leaves none is now refused, `config_scope.rs`): every
/// machine format names the config and how many findings it hid, as a
/// warning.
#[test]
fn a_sub_folder_config_that_hides_findings_is_named_in_every_machine_format() {
    let d = nested("select = [\"MN201\"]\n");
    let run = |format: &str| {
        let (out, err, status) = check(d.path(), &["--format", format, "designs/"]);
        assert_eq!(status, Some(0), "{format}: {err}");
        out
    };

    let sarif = run("sarif");
    let n = notifications(&sarif);
    assert_eq!(n.len(), 1, "{sarif}");
    assert_eq!(n[0]["level"], "warning");
    let text = n[0]["message"]["text"].as_str().unwrap_or_default();
    assert!(text.starts_with(HIDDEN), "{text}");
    let at = &n[0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(at["uri"], "designs/sub/mynaflow.toml");

    let json: Value = serde_json::from_str(&run("json")).expect("JSON");
    let w = &json["withheld"]["configs"][0];
    assert_eq!(w["config"], "designs/sub/mynaflow.toml");
    assert_eq!(
        (&w["hidden"], &w["excluded"], &w["excused"]),
        (&6.into(), &0.into(), &0.into())
    );
    assert_eq!(w["found"], true);
    assert_eq!(json["withheld"]["skipped"], serde_json::json!([]));

    let summary = d.path().join("summary.md");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_mynaflow"))
        .args(["check", "--format", "github", "designs/"])
        .current_dir(d.path())
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(0));
    let github = common::stdout(&o);
    let first = github.lines().next().unwrap_or_default();
    let want = format!("::warning file=designs/sub/mynaflow.toml,title=mynaflow::{HIDDEN}");
    assert!(first.starts_with(&want), "{github}");
    let summary = std::fs::read_to_string(&summary).expect("summary");
    // The summary's Markdown escapes every punctuation mark it quotes.
    let read = summary.replace('\\', "");
    assert!(
        summary.contains("designs\\/sub\\/mynaflow\\.toml\\:"),
        "{summary}"
    );
    assert!(read.contains(&format!("⚠️ {HIDDEN}")), "{summary}");

    let junit = run("junit");
    assert!(junit.contains("skipped=\"1\""), "{junit}");
    assert!(
        junit.contains("<testcase classname=\"mynaflow\" name=\"designs/sub/mynaflow.toml\" file=\"designs/sub/mynaflow.toml\">\n    <skipped message=\"config designs/sub/mynaflow.toml: 6 finding(s)"),
        "{junit}"
    );

    let gitlab: Value = serde_json::from_str(&run("gitlab")).expect("JSON");
    let issue = &gitlab[0];
    assert_eq!(issue["check_name"], "withheld");
    assert_eq!(issue["severity"], "minor");
    assert_eq!(issue["location"]["path"], "designs/sub/mynaflow.toml");

    // In Japanese too.
    let (sarif, _, _) = check(d.path(), &["--format", "sarif", "--lang", "ja", "designs/"]);
    let text = notifications(&sarif)[0]["message"]["text"].clone();
    let want = "設定ファイル designs/sub/mynaflow.toml が報告から除いたもの: select/ignore/per-file-ignores で非表示にした指摘 6 件。この報告には含まれていません (設計のそばで見つかった mynaflow.toml はその下の設計に適用され";
    assert!(
        text.as_str().unwrap_or_default().starts_with(want),
        "{text}"
    );
}

/// The audit's other nested configs: a baseline the pull request wrote,
/// and an `exclude`. Each is said, with its count.
#[test]
fn a_sub_folder_configs_baseline_and_exclude_are_named() {
    // The baseline, recorded by the run itself.
    let d = nested("baseline = \"bl.json\"\n");
    let (_, err, status) = check(
        d.path(),
        &["--write-baseline", "designs/sub/bl.json", "designs/sub/"],
    );
    assert_eq!(status, Some(0), "{err}");
    let (json, err, status) = check(d.path(), &["--format", "json", "designs/"]);
    assert_eq!(status, Some(0), "{err}");
    let v: Value = serde_json::from_str(&json).expect("JSON");
    let w = &v["withheld"]["configs"][0];
    assert_eq!(
        (&w["hidden"], &w["excused"]),
        (&0.into(), &6.into()),
        "{json}"
    );
    let text = w["message"].as_str().unwrap_or_default();
    assert!(
        text.starts_with(
            "config designs/sub/mynaflow.toml: 6 finding(s) recorded in its baseline not shown;"
        ),
        "{text}"
    );

    // `exclude` with another design left in its group.
    let d = nested("exclude = [\"vendor-proposal.myna\"]\n");
    std::fs::write(d.path().join("designs/sub/other.myna"), "use \"kenpo\"\n").expect("write");
    let (sarif, err, status) = check(d.path(), &["--format", "sarif", "designs/"]);
    assert_eq!(status, Some(0), "{err}");
    let n = notifications(&sarif);
    let text = n[0]["message"]["text"].as_str().unwrap_or_default();
    assert!(
        text.starts_with(
            "config designs/sub/mynaflow.toml: 1 design(s) not checked (its exclude);"
        ),
        "{text}"
    );
}

/// The audit's finding 2: designs in `target/` and a hidden folder are
/// not checked even with the config pinned. Each folder is a warning in
/// SARIF, JSON and GitHub output; the pinned config, which hid nothing,
/// is not.
#[test]
fn designs_the_walk_skipped_are_named_in_every_machine_format_even_pinned() {
    let d = nested("");
    std::fs::remove_file(d.path().join("designs/sub/mynaflow.toml")).expect("rm");
    let vendor = d.path().join("designs/sub/vendor-proposal.myna");
    for dir in ["designs/target", "designs/.drafts"] {
        std::fs::create_dir_all(d.path().join(dir)).expect("mkdir");
        std::fs::copy(&vendor, d.path().join(dir).join("vendor-proposal.myna")).expect("copy");
    }
    std::fs::remove_file(&vendor).expect("rm");
    std::fs::write(
        d.path().join("pinned.toml"),
        "rulebooks = [\"kenpo\"]\nunsuppressible = [\"MN1\"]\n",
    )
    .expect("write");
    let pinned = ["--config", "pinned.toml", "designs/"];
    let run = |format: &str| {
        let (out, err, status) = check(d.path(), &[&["--format", format][..], &pinned].concat());
        assert_eq!(status, Some(0), "{format}: {err}");
        out
    };
    let said = |folder: &str| {
        format!(
            "1 design-looking file(s) in designs/{folder}/ not checked, as the walk does not enter hidden folders or `target/`: designs/{folder}/vendor-proposal.myna; name them on the command line to check them"
        )
    };

    let sarif = run("sarif");
    let n = notifications(&sarif);
    let texts: Vec<&str> = n
        .iter()
        .filter_map(|n| n["message"]["text"].as_str())
        .collect();
    assert_eq!(texts, [said(".drafts"), said("target")], "{sarif}");
    assert!(n.iter().all(|n| n["level"] == "warning"));
    let at = &n[1]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(at["uri"], "designs/target/vendor-proposal.myna");

    let json: Value = serde_json::from_str(&run("json")).expect("JSON");
    assert_eq!(json["withheld"]["configs"], serde_json::json!([]));
    let skipped = &json["withheld"]["skipped"];
    assert_eq!(skipped[1]["folder"], "designs/target");
    assert_eq!(
        skipped[1]["designs"],
        serde_json::json!(["designs/target/vendor-proposal.myna"])
    );

    let github = run("github");
    let want = [
        format!(
            "::warning file=designs/.drafts/vendor-proposal.myna,title=mynaflow::{}",
            said(".drafts")
        ),
        format!(
            "::warning file=designs/target/vendor-proposal.myna,title=mynaflow::{}",
            said("target")
        ),
    ];
    assert_eq!(github.lines().collect::<Vec<_>>(), want, "{github}");

    let junit = run("junit");
    assert!(junit.contains("skipped=\"2\""), "{junit}");
    assert!(junit.contains("name=\"designs/target/\""), "{junit}");
}

/// A run that withheld nothing writes what it always wrote: no
/// `withheld` member, no notification, no warning line.
#[test]
fn a_run_that_withheld_nothing_says_nothing_of_it() {
    let d = nested("");
    std::fs::remove_file(d.path().join("designs/sub/mynaflow.toml")).expect("rm");
    let (json, _, _) = check(d.path(), &["--format", "json", "designs/"]);
    assert!(!json.contains("\"withheld\""), "{json}");
    let (sarif, _, _) = check(d.path(), &["--format", "sarif", "designs/"]);
    assert!(!sarif.contains("toolExecutionNotifications"), "{sarif}");
    let (github, _, _) = check(d.path(), &["--format", "github", "designs/"]);
    assert!(!github.contains("title=mynaflow"), "{github}");
    let (junit, _, _) = check(d.path(), &["--format", "junit", "designs/"]);
    assert!(junit.contains("skipped=\"0\""), "{junit}");
}

/// A config's folder may be named anything a pull request likes: the
/// warnings name it escaped, so it cannot start a workflow command of its
/// own nor reorder the text it is shown in.
#[test]
fn the_config_named_in_a_warning_is_escaped() {
    let d = hidden_under("x\n::error::pwn\u{202e}");
    let (github, err, status) = check(d.path(), &["--format", "github", "designs/"]);
    assert_eq!(status, Some(0), "{err}");
    assert_eq!(github.lines().count(), 1, "{github}");
    assert!(github.starts_with("::warning file=designs/x\\u{a}%3A%3Aerror%3A%3Apwn\\u{202e}/mynaflow.toml,title=mynaflow::config designs/x\\u{a}::error::pwn\\u{202e}/mynaflow.toml: 6 finding(s)"), "{github}");
    for format in ["json", "sarif", "junit", "gitlab"] {
        let (out, _, _) = check(d.path(), &["--format", format, "designs/"]);
        assert!(
            !out.contains('\u{202e}') && !out.contains("x\n"),
            "{format}: {out}"
        );
    }
}

/// The page's list of what it does not show, each item as written.
fn page_withheld(page: &str) -> Vec<String> {
    let Some(section) = (page.split("<section class=\"withheld\"").nth(1))
        .and_then(|s| s.split("</section>").next())
    else {
        return Vec::new();
    };
    (section.split("<li>").skip(1))
        .filter_map(|li| li.split("</li>").next())
        .map(str::to_string)
        .collect()
}

/// A number in the page's summary, by its element's id.
fn page_count(page: &str, id: &str) -> Option<usize> {
    let after = page.split(&format!("<dd id=\"{id}\">")).nth(1)?;
    after.split('<').next()?.parse().ok()
}

/// `report` showed every finding whatever the config's filters said, and
/// said nothing of them on the page: the five errors a sub-folder
/// `mynaflow.toml` hides from the gate (exit 0) were on it (exit 1).
/// Now the page shows what `check` shows, counts what the config hid,
/// and says which config, where a reader of the page sees it.
#[test]
fn the_report_shows_what_check_shows_and_says_what_a_config_hid() {
    let d = nested("select = [\"MN201\"]\n");
    let (_, err, status) = run_in(d.path(), &["report", "designs/", "-o", "r.html"]);
    assert_eq!(status, Some(0), "{err}");
    let page = std::fs::read_to_string(d.path().join("r.html")).expect("page");
    assert_eq!(page_count(&page, "n-errors"), Some(0), "{page}");
    assert_eq!(page_count(&page, "n-warnings"), Some(0));
    assert_eq!(page_count(&page, "n-hidden"), Some(6));
    assert_eq!(page_withheld(&page), [HIDDEN]);
    assert!(
        err.contains(
            "mynaflow: config: 6 finding(s) hidden by the select/ignore/per-file-ignores of"
        ),
        "{err}"
    );
    // In Japanese too.
    let args = ["report", "--lang", "ja", "designs/", "-o", "ja.html"];
    let (_, err, status) = run_in(d.path(), &args);
    assert_eq!(status, Some(0), "{err}");
    let page = std::fs::read_to_string(d.path().join("ja.html")).expect("page");
    let said = page_withheld(&page);
    assert_eq!(said.len(), 1, "{page}");
    assert!(
        said[0].starts_with("設定ファイル designs/sub/mynaflow.toml が報告から除いたもの: select/ignore/per-file-ignores で非表示にした指摘 6 件。この報告には含まれていません"),
        "{said:?}"
    );
    assert!(page.contains("<dt>⚠ 設定ファイルで非表示</dt><dd id=\"n-hidden\">6</dd>"));
    // Nothing withheld, nothing said: the page is what it was.
    std::fs::remove_file(d.path().join("designs/sub/mynaflow.toml")).expect("rm");
    let (_, err, status) = run_in(d.path(), &["report", "designs/", "-o", "all.html"]);
    assert_eq!(status, Some(1), "{err}");
    let page = std::fs::read_to_string(d.path().join("all.html")).expect("page");
    assert_eq!(page_count(&page, "n-errors"), Some(5));
    assert!(page_withheld(&page).is_empty() && !page.contains("n-hidden"));
}

/// What `coverage` and `report` withheld (a config's `exclude`, the
/// folders the walk does not enter) was said on stderr alone: `coverage
/// --format json` and the page now say it as `check` does, each config
/// named, found or pinned.
#[test]
fn coverage_and_report_say_what_they_withheld() {
    let d = nested("exclude = [\"old.myna\"]\n");
    let sub = d.path().join("designs/sub");
    std::fs::copy(sub.join("vendor-proposal.myna"), sub.join("old.myna")).expect("copy");
    let drafts = d.path().join("designs/.drafts");
    std::fs::create_dir_all(&drafts).expect("mkdir");
    std::fs::copy(sub.join("vendor-proposal.myna"), drafts.join("x.myna")).expect("copy");
    let excluded = "config designs/sub/mynaflow.toml: 1 design(s) not checked (its exclude); this report does not show them";
    let skipped = "1 design-looking file(s) in designs/.drafts/ not checked, as the walk does not enter hidden folders or `target/`: designs/.drafts/x.myna; name them on the command line to check them";

    let (out, err, status) = run_in(d.path(), &["coverage", "--format", "json", "designs/"]);
    assert_eq!(status, Some(0), "{err}");
    let json: Value = serde_json::from_str(&out).expect("JSON");
    let w = &json["withheld"]["configs"][0];
    assert_eq!(w["config"], "designs/sub/mynaflow.toml");
    assert_eq!(w["found"], true);
    assert_eq!(
        (&w["hidden"], &w["excluded"], &w["excused"]),
        (&0.into(), &1.into(), &0.into())
    );
    let message = w["message"].as_str().unwrap_or_default();
    assert!(message.starts_with(excluded), "{message}");
    let s = &json["withheld"]["skipped"][0];
    assert_eq!(s["folder"], "designs/.drafts");
    assert_eq!(s["designs"], serde_json::json!(["designs/.drafts/x.myna"]));
    assert_eq!(s["message"], skipped);
    // The member comes before the listing, in the document's own layout.
    for line in [
        "\n  \"withheld\": {\n    \"configs\": [\n      {\n        \"config\": ",
        "\n    \"lookalikes\": []\n  },\n  \"rulebooks\": [\n",
    ] {
        assert!(out.contains(line), "{line:?} not in {out}");
    }

    let (_, err, status) = run_in(d.path(), &["report", "designs/", "-o", "r.html"]);
    assert_eq!(status, Some(1), "{err}");
    let page = std::fs::read_to_string(d.path().join("r.html")).expect("page");
    let said = page_withheld(&page);
    assert_eq!(said.len(), 2, "{said:?}");
    assert!(said[0].starts_with(excluded), "{said:?}");
    assert_eq!(said[1], skipped);
    assert!(!page.contains("n-hidden"), "nothing hidden");

    // Pinned, the config is no longer one a pull request may have added.
    let pinned = ["--config", "designs/sub/mynaflow.toml", "designs/sub/"];
    let (out, err, _) = run_in(
        d.path(),
        &[&["coverage", "--format", "json"][..], &pinned].concat(),
    );
    let json: Value = serde_json::from_str(&out).expect(&err);
    assert_eq!(json["withheld"]["configs"][0]["found"], false);
    let message = json["withheld"]["configs"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert_eq!(message, excluded);

    // A run that withheld nothing writes what it always wrote.
    let (out, _, _) = run_in(
        d.path(),
        &["coverage", "--format", "json", "designs/kenpo-society.myna"],
    );
    assert!(!out.contains("\"withheld\""), "{out}");
}

/// The page names a config as every format does, escaped for HTML too: a
/// folder named like markup stays text.
#[test]
fn the_config_named_on_the_page_is_escaped() {
    let d = hidden_under("<i>x\u{202e}");
    let (_, err, status) = run_in(d.path(), &["report", "designs/", "-o", "r.html"]);
    assert_eq!(status, Some(0), "{err}");
    let page = std::fs::read_to_string(d.path().join("r.html")).expect("page");
    let said = page_withheld(&page);
    assert_eq!(said.len(), 1, "{page}");
    assert!(
        said[0].starts_with("config designs/&lt;i&gt;x\\u{202e}/mynaflow.toml: 6 finding(s)"),
        "{said:?}"
    );
    assert!(!page.contains("<i>x") && !page.contains('\u{202e}'));
}

/// The look-alikes of the audit, each a copy of the unlawful design
/// under a name that reads `.myna` in a diff: `a.myna ` (a trailing
/// space), `d.myｎa` (a full-width letter), `x.myna` + U+200B, `y.myna` +
/// U+FE0F. `z.MYNA` is a design (checked); `notes.txt`, `a.myna.bak`
/// and `a.myna~` are not look-alikes (a backup reads as one). The walk
/// passed over each look-alike in silence and the run exited 0.
const LOOKALIKES: [(&str, &str); 4] = [
    ("a.myna ", "a.myna\\u{20}"),
    ("d.myｎa", "d.my\\u{ff4e}a"),
    ("x.myna\u{200b}", "x.myna\\u{200b}"),
    ("y.myna\u{fe0f}", "y.myna\\u{fe0f}"),
];

/// A folder of one clean design beside `names`, each holding the
/// unlawful design.
fn beside_clean(names: &[&str]) -> tempfile::TempDir {
    let d = nested("");
    std::fs::remove_file(d.path().join("designs/sub/mynaflow.toml")).expect("rm");
    let vendor = d.path().join("designs/sub/vendor-proposal.myna");
    for name in names {
        std::fs::copy(&vendor, d.path().join("designs").join(name)).expect("copy");
    }
    std::fs::remove_file(&vendor).expect("rm");
    d
}

/// The words for one look-alike, its name shown as `shown`.
fn lookalike_said(shown: &str) -> String {
    format!(
        "designs/{shown} not checked: its name reads as ending in `.myna` but does not (a full-width letter, an invisible character or white space, shown escaped), and the walk takes only names that end in `.myna`; rename it, or name it on the command line, to check it"
    )
}

/// Each look-alike alone is a warning in every format, its name shown
/// escaped where the words are (the invisible character visible), and
/// the run passes as it did, the design behind it unchecked.
#[test]
fn a_file_whose_name_only_looks_like_a_design_is_named_in_every_format() {
    for (name, shown) in LOOKALIKES {
        let d = beside_clean(&[name]);
        let said = lookalike_said(shown);
        let run = |format: &str| {
            let (out, err, status) =
                check(d.path(), &["--no-config", "--format", format, "designs/"]);
            assert_eq!(status, Some(0), "{shown} {format}: {err}");
            assert!(
                err.contains(&format!("mynaflow: {said}")),
                "{shown} {format}: {err}"
            );
            // Where a format names it for a reader, escaped; a location
            // (GitHub's `file=`, JUnit's `file`, GitLab's path) is the
            // path as every location is written, so it points at the file.
            if ["sarif", "json", "human"].contains(&format) {
                assert!(!out.contains(name), "{shown} {format}: {out}");
            }
            out
        };

        let sarif = run("sarif");
        let n = notifications(&sarif);
        assert_eq!(n.len(), 1, "{sarif}");
        assert_eq!(n[0]["level"], "warning");
        assert_eq!(n[0]["message"]["text"], said.as_str(), "{sarif}");

        let json: Value = serde_json::from_str(&run("json")).expect("JSON");
        let w = &json["withheld"];
        assert_eq!(w["lookalikes"][0]["file"], format!("designs/{shown}"));
        assert_eq!(w["lookalikes"][0]["message"], said.as_str());
        assert_eq!(json["summary"]["files"], 1, "the look-alike is not checked");

        let github = run("github");
        assert!(
            github
                .lines()
                .any(|l| l.starts_with("::warning ")
                    && l.ends_with(&format!(",title=mynaflow::{said}"))),
            "{github}"
        );

        let junit = run("junit");
        assert!(junit.contains("skipped=\"1\""), "{junit}");
        assert!(
            junit.contains(&format!("name=\"designs/{shown}\"")),
            "{junit}"
        );

        let gitlab: Value = serde_json::from_str(&run("gitlab")).expect("JSON");
        let issue = &gitlab[0];
        assert_eq!(issue["check_name"], "withheld", "{gitlab}");
        assert_eq!(issue["description"], said.as_str());

        let human = run("human");
        assert!(human.contains("0 errors"), "{human}");

        // Named on the command line, it is checked whatever its name.
        let named = format!("designs/{name}");
        let (_, err, status) = check(d.path(), &["--no-config", &named]);
        assert_eq!(status, Some(1), "{shown}: {err}");
    }
}

/// In Japanese; and a folder holding look-alikes alone has no design:
/// the run fails (2), and says what only looks like one.
#[test]
fn lookalikes_are_said_in_japanese_and_with_a_folder_of_no_design() {
    let d = beside_clean(&["a.myna "]);
    let (_, err, _) = check(d.path(), &["--no-config", "--lang", "ja", "designs/"]);
    assert!(
        err.contains("mynaflow: designs/a.myna\\u{20} は設計として検査していません: 名前が `.myna` で終わるように見えますが、全角文字・不可視文字・空白 (エスケープして表示) があるため `.myna` で終わっておらず、走査では `.myna` で終わる名前だけを検査します。検査するには名前を直すか、コマンドラインで指定してください"),
        "{err}"
    );
    std::fs::create_dir_all(d.path().join("only")).expect("mkdir");
    for name in ["b.myna\u{200b}", "c.myna "] {
        std::fs::write(d.path().join("only").join(name), "use \"kenpo\"\n").expect("write");
    }
    let (_, err, status) = check(d.path(), &["--no-config", "only"]);
    assert_eq!(status, Some(2), "{err}");
    assert!(
        err.contains("only: no design (*.myna) found here (2 file(s) only look like one, their names not ending in `.myna`: only/b.myna\\u{200b}, …)"),
        "{err}"
    );
}

/// Backups, other files and an upper-case design are no look-alikes: a
/// run over them withholds nothing, as before.
#[test]
fn backups_and_other_files_are_not_lookalikes() {
    let d = beside_clean(&[]);
    for name in ["notes.txt", "a.myna.bak", "a.myna~", "README"] {
        std::fs::write(d.path().join("designs").join(name), "x\n").expect("write");
    }
    std::fs::copy(
        d.path().join("designs/kenpo-society.myna"),
        d.path().join("designs/z.MYNA"),
    )
    .expect("copy");
    let (json, err, status) = check(d.path(), &["--no-config", "--format", "json", "designs/"]);
    assert_eq!(status, Some(0), "{err}");
    assert!(!json.contains("\"withheld\""), "{json}");
    assert!(!err.contains("not checked"), "{err}");
    let v: Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(v["summary"]["files"], 2, "z.MYNA is checked: {json}");
}

/// The report's page and coverage's JSON name a look-alike as `check`
/// does: the page listed what a config hid and the folders not entered,
/// and wrote an empty list when a look-alike was all it withheld.
#[test]
fn the_report_and_coverage_name_a_lookalike() {
    let d = beside_clean(&["a.myna "]);
    let (_, err, status) = run_in(
        d.path(),
        &["report", "--no-config", "designs", "-o", "page.html"],
    );
    assert_eq!(status, Some(0), "{err}");
    let page = std::fs::read_to_string(d.path().join("page.html")).expect("page");
    assert_eq!(
        page_withheld(&page),
        vec![lookalike_said("a.myna\\u{20}")],
        "{page}"
    );
    let (json, err, status) = run_in(
        d.path(),
        &["coverage", "--no-config", "designs", "--format", "json"],
    );
    assert_eq!(status, Some(0), "{err}");
    let v: Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(
        v["withheld"]["lookalikes"][0]["message"],
        lookalike_said("a.myna\\u{20}").as_str(),
        "{json}"
    );
}
