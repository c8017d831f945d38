//! Which designs a `mynaflow.toml` governs, and what it may take out of a
//! check without failing the run: a config found applies only under its
//! folder (a run whose designs follow different configs checks each under
//! its own, and refuses configs that would shape its one output otherwise),
//! a config that leaves no code to report fails the run, what its filters
//! hide is counted on stderr, the folder walk says what it passes over,
//! and `exclude`/`per-file-ignores` globs keep `*` inside one folder.
//! Each test runs the real binary in a temporary project.

mod common;

use common::mynaflow_in;
use std::path::Path;
use std::process::Output;

/// A design with one error (MN202): 健康診断等 is an internal purpose.
const DESIGN: &str = "use \"kenpo\"

actor 保健事業システム : 組合   \"保健事業システム\"
actor 人事部           : 事業主 \"株式会社〇〇 人事部\"

data 健診結果 : 健診データ

flow 保健事業システム -> 人事部 : 健診結果 for 健康診断等
";

/// Writes `text` at `rel` under `root`, making its folders.
fn put(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("a folder")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// A project with a design (MN202) at each of `designs`.
fn project(designs: &[&str]) -> tempfile::TempDir {
    let d = tempfile::tempdir().expect("tempdir");
    for rel in designs {
        put(d.path(), rel, DESIGN);
    }
    d
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The audit's pre-commit call: a `mynaflow.toml` in `designs/sub` was
/// read for every file named, because `designs/sub/b.myna` came first,
/// and its `ignore` passed all three (exit 0). Then such a run was refused
/// (exit 2). Now each design is checked under the config that governs it:
/// `b.myna` under `designs/sub/mynaflow.toml`, the others under none.
#[test]
fn each_design_is_checked_under_the_config_that_governs_it() {
    let d = project(&["designs/a.myna", "designs/sub/b.myna", "other/c.myna"]);
    put(
        d.path(),
        "designs/sub/mynaflow.toml",
        "ignore = [\"MN2\"]\n",
    );
    let args = [
        "check",
        "--format",
        "concise",
        "designs/sub/b.myna",
        "other/c.myna",
        "designs/a.myna",
    ];
    let o = mynaflow_in(d.path(), &args);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    let files: Vec<&str> = out.lines().filter_map(|l| l.split(':').next()).collect();
    assert_eq!(files, ["designs/a.myna", "other/c.myna"], "{out}");
    let e = stderr(&o);
    assert!(
        e.contains("mynaflow: config: ")
            && e.contains("1 finding(s) hidden by the select/ignore/per-file-ignores of")
            && e.contains("designs/sub/mynaflow.toml"),
        "{e}"
    );
    // The same bytes every time, on one core or more, and each group's
    // findings those of a run over it alone.
    assert_eq!(mynaflow_in(d.path(), &args).stdout, o.stdout);
    let json = ["check", "--format", "json", "designs", "other/c.myna"];
    let one_core = std::process::Command::new(env!("CARGO_BIN_EXE_mynaflow"))
        .args(json)
        .current_dir(d.path())
        .env("RAYON_NUM_THREADS", "1")
        .output()
        .expect("run mynaflow");
    assert_eq!(one_core.stdout, mynaflow_in(d.path(), &json).stdout);
    let alone = |paths: &[&str]| stdout(&mynaflow_in(d.path(), &[&args[..3], paths].concat()));
    assert_eq!(
        out,
        [alone(&["designs/a.myna"]), alone(&["other/c.myna"])].concat()
    );
    assert_eq!(alone(&["designs/sub/b.myna"]), "");
    // A folder walked whose sub-folder has a config of its own: the same.
    let o = mynaflow_in(
        d.path(),
        &["check", "--format", "concise", "designs", "other"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(stdout(&o), out);
    // Machine formats record every config followed.
    let o = mynaflow_in(d.path(), &["check", "--format", "json", "designs", "other"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert!(v["config"].is_null(), "{v}");
    assert_eq!(
        v["configs"],
        serde_json::json!(["designs/sub/mynaflow.toml"])
    );
    assert_eq!(v["summary"]["files"], 3);
    let o = mynaflow_in(
        d.path(),
        &["check", "--format", "sarif", "designs", "other"],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("SARIF");
    let props = &v["runs"][0]["invocations"][0]["properties"];
    assert!(props.get("config").is_none(), "{props}");
    assert_eq!(props["configs"][0]["uri"], "designs/sub/mynaflow.toml");
    // A run under one config records it as before.
    let o = mynaflow_in(d.path(), &["check", "--format", "json", "designs/sub"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v["config"], "designs/sub/mynaflow.toml");
    assert!(v.get("configs").is_none(), "{v}");
    // Pinned, one config governs the run, as the user chose.
    let o = mynaflow_in(
        d.path(),
        &[&args[..1], &["--no-config"], &args[1..]].concat(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().count(), 3, "{}", stdout(&o));
    let pinned = [
        "check",
        "--config",
        "designs/sub/mynaflow.toml",
        "designs",
        "other",
    ];
    let o = mynaflow_in(d.path(), &pinned);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("3 finding(s) hidden"), "{}", stderr(&o));
}

/// Two projects, each with its own config: each config's `exclude`,
/// `select`, `deny` and notes apply to its own designs only, and the run
/// exits with the worst of the two.
#[test]
fn two_projects_each_follow_their_own_config() {
    let d = project(&["a/x.myna", "a/old.myna", "b/y.myna", "b/old.myna"]);
    put(d.path(), "a/mynaflow.toml", "select = [\"MN3\"]\n");
    put(d.path(), "b/mynaflow.toml", "exclude = [\"old.myna\"]\n");
    let o = mynaflow_in(d.path(), &["check", "--format", "concise", "a", "b"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    let files: Vec<&str> = out.lines().filter_map(|l| l.split(':').next()).collect();
    // a's `select` hides a's findings; b's `exclude` leaves a/old.myna.
    assert_eq!(files, ["b/y.myna"], "{out}");
    let e = stderr(&o);
    assert!(
        e.contains("b/mynaflow.toml excludes 1 design(s) found")
            && e.contains("2 finding(s) hidden by the select/ignore/per-file-ignores of")
            && e.contains("a/mynaflow.toml"),
        "{e}"
    );
    let v: serde_json::Value = serde_json::from_slice(
        &mynaflow_in(d.path(), &["check", "--format", "json", "a", "b"]).stdout,
    )
    .expect("JSON");
    assert_eq!(v["summary"]["files"], 3);
    assert_eq!(
        v["configs"],
        serde_json::json!(["a/mynaflow.toml", "b/mynaflow.toml"])
    );
    // A syntax error a's `select` hides fails the run (1), said naming a's
    // config, in both languages.
    put(d.path(), "a/x.myna", "actor 〇 :\n");
    let o = mynaflow_in(d.path(), &["check", "--format", "concise", "b", "a"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("designs under the config ")
            && stderr(&o).contains("a/mynaflow.toml: 1 finding(s) hidden by select/ignore"),
        "{}",
        stderr(&o)
    );
    let o = mynaflow_in(d.path(), &["check", "--lang", "ja", "b", "a"]);
    assert!(
        stderr(&o).contains("a/mynaflow.toml に従う設計: select/ignore で非表示にした"),
        "{}",
        stderr(&o)
    );
    // And the machine formats say it, at its place in the one report of
    // the two groups (b's findings shown, a's syntax error hidden).
    let o = mynaflow_in(d.path(), &["check", "--format", "json", "b", "a"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v["hidden_stops"]["count"], 1, "{v}");
    assert_eq!(v["hidden_stops"]["first"]["file"], "a/x.myna", "{v}");
    assert_eq!(v["hidden_stops"]["first"]["line"], 1, "{v}");
    assert_eq!(v["diagnostics"][0]["file"], "b/y.myna", "{v}");
}

/// A config's `deny = ["warnings"]` fails the run on its own designs'
/// warnings only, and JUnit marks those alone as failures.
#[test]
fn deny_applies_to_its_own_designs() {
    const WARN: &str = "use \"kenpo\"\nactor 基幹 : 組合\nactor 予備 : 組合\ndata 資格 : 資格情報\nflow 基幹 -> 基幹 : 資格 for 資格確認\n";
    let d = tempfile::tempdir().expect("tempdir");
    put(d.path(), "a/w.myna", WARN);
    put(d.path(), "b/w.myna", WARN);
    put(d.path(), "a/mynaflow.toml", "deny = [\"warnings\"]\n");
    put(d.path(), "b/mynaflow.toml", "max-per-code = 0\n");
    let o = mynaflow_in(d.path(), &["check", "--format", "junit", "a", "b"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    let warnings = out.matches("<testcase ").count();
    assert!(warnings >= 2, "{out}");
    assert_eq!(
        out.matches("<failure ").count() * 2,
        warnings,
        "a's warnings fail, b's do not: {out}"
    );
    assert!(
        out.contains(&format!("failures=\"{}\"", warnings / 2)),
        "{out}"
    );
    // b alone passes: its config does not deny warnings.
    let o = mynaflow_in(d.path(), &["check", "--format", "junit", "b"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// The run's one output cannot follow two configs that shape it
/// otherwise: a `format` (or `lang`) on which two disagree is refused,
/// naming both, unless the command line settles it; a config that names
/// none defers to the other.
#[test]
fn a_disagreement_on_the_output_is_refused() {
    let d = project(&["a/x.myna", "b/y.myna", "c/z.myna"]);
    put(d.path(), "a/mynaflow.toml", "format = \"json\"\n");
    put(d.path(), "b/mynaflow.toml", "format = \"concise\"\n");
    let o = mynaflow_in(d.path(), &["check", "a", "b"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    let e = stderr(&o);
    assert!(
        e.contains("the designs checked follow two configs that set `format` otherwise:")
            && e.contains("a/mynaflow.toml says \"json\"")
            && e.contains("b/mynaflow.toml says \"concise\"")
            && e.contains("give --format on the command line"),
        "{e}"
    );
    let o = mynaflow_in(d.path(), &["check", "--lang", "ja", "a", "b"]);
    assert!(
        stderr(&o).contains("2 つの設定ファイルで `format` の値が異なります"),
        "{}",
        stderr(&o)
    );
    // The command line settles it.
    let o = mynaflow_in(d.path(), &["check", "--format", "concise", "a", "b"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().count(), 2, "{}", stdout(&o));
    // A config that names no format defers: the run writes JSON.
    let o = mynaflow_in(d.path(), &["check", "a", "c"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v["summary"]["errors"], 2);
    // So for `lang`.
    put(d.path(), "a/mynaflow.toml", "lang = \"ja\"\n");
    put(d.path(), "b/mynaflow.toml", "lang = \"en\"\n");
    let o = mynaflow_in(d.path(), &["check", "a", "b"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("set `lang` otherwise"),
        "{}",
        stderr(&o)
    );
    let o = mynaflow_in(d.path(), &["check", "--lang", "en", "a", "b"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
}

/// `--fix` fixes each design as its own config reports it, and
/// `--write-baseline` records every group's findings in the one file
/// named; a baseline a config names excuses its own designs' findings
/// only.
#[test]
fn fix_and_baselines_across_configs() {
    let spelling = std::fs::read_to_string("docs/codes/examples/MN014-spelling.myna")
        .expect("the MN014 example");
    let d = tempfile::tempdir().expect("tempdir");
    put(d.path(), "a/x.myna", &spelling);
    put(d.path(), "b/y.myna", &spelling);
    put(d.path(), "a/mynaflow.toml", "ignore = [\"MN014\"]\n");
    let o = mynaflow_in(d.path(), &["check", "--fix", "a", "b"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let read = |rel: &str| std::fs::read_to_string(d.path().join(rel)).expect("read");
    assert_eq!(read("a/x.myna"), spelling, "a ignores MN014: not fixed");
    assert_ne!(read("b/y.myna"), spelling);
    assert!(
        stderr(&o).contains("applied 2 fix(es) in b/y.myna"),
        "{}",
        stderr(&o)
    );

    // Every group's findings in one baseline.
    let d = project(&["a/x.myna", "b/y.myna", "c/z.myna"]);
    put(d.path(), "a/mynaflow.toml", "select = [\"MN2\"]\n");
    let o = mynaflow_in(
        d.path(),
        &["check", "--write-baseline", "all.json", "a", "b", "c"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("recorded 3 finding(s) in all.json"),
        "{}",
        stderr(&o)
    );
    let base: serde_json::Value =
        serde_json::from_str(&read_in(d.path(), "all.json")).expect("baseline");
    let mut files: Vec<&str> = (base["findings"].as_array().expect("findings").iter())
        .filter_map(|f| f["file"].as_str())
        .collect();
    files.sort();
    assert_eq!(files, ["a/x.myna", "b/y.myna", "c/z.myna"]);
    let o = mynaflow_in(
        d.path(),
        &["check", "--baseline", "all.json", "a", "b", "c"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));

    // a's own baseline excuses a's finding, not b's alike.
    let o = mynaflow_in(d.path(), &["check", "--write-baseline", "a/base.json", "a"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    put(
        d.path(),
        "a/mynaflow.toml",
        "select = [\"MN2\"]\nbaseline = \"base.json\"\n",
    );
    let o = mynaflow_in(d.path(), &["check", "--format", "concise", "a", "b"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    let files: Vec<&str> = out.lines().filter_map(|l| l.split(':').next()).collect();
    assert_eq!(files, ["b/y.myna"], "{out}");
    assert!(
        stderr(&o).contains("1 finding(s) recorded in the baseline ")
            && stderr(&o).contains("a/base.json not shown"),
        "{}",
        stderr(&o)
    );
}

/// `test` and `test --update` test each design under the config that
/// governs it, as `check` does (they refused such a run, exit 2).
#[test]
fn test_follows_each_designs_config() {
    let d = project(&["a/x.myna", "a/old.myna", "b/y.myna", "b/old.myna"]);
    put(d.path(), "a/mynaflow.toml", "exclude = [\"old.myna\"]\n");
    let o = mynaflow_in(d.path(), &["test", "a", "b"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    let failed: Vec<&str> = out
        .lines()
        .filter_map(|l| l.strip_prefix("FAIL "))
        .collect();
    assert_eq!(failed, ["a/x.myna", "b/old.myna", "b/y.myna"], "{out}");
    assert!(out.ends_with("0 passed, 3 failed\n"), "{out}");
    let o = mynaflow_in(d.path(), &["test", "--update", "b", "a"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        read_in(d.path(), "a/old.myna"),
        DESIGN,
        "excluded by a's config"
    );
    assert_ne!(read_in(d.path(), "b/old.myna"), DESIGN);
    let o = mynaflow_in(d.path(), &["test", "a", "b"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

/// A file's text under `root`.
fn read_in(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join(rel)).expect("read")
}

/// A config whose filters leave no code reported passed with a clean
/// summary (exit 0), found or pinned; now the run fails (exit 2), named.
/// So does one that leaves only codes that judge no flow (`select =
/// ["MN6"]`, `["MN0"]`), which passed with every flow unchecked.
#[test]
fn a_config_that_leaves_no_code_fails_the_run() {
    let cases = [
        (
            "ignore = [\"ALL\"]\n",
            "its `select` and `ignore` leave no code to report",
        ),
        (
            "select = []\n",
            "its `select` and `ignore` leave no code to report",
        ),
        (
            "ignore = [\"MN1\"]\n[per-file-ignores]\n\"**\" = [\"MN0\", \"MN2\", \"MN3\", \"MN4\", \"MN5\", \"MN6\"]\n",
            "its `per-file-ignores` leave no code to report in 2 design(s)",
        ),
        (
            "[per-file-ignores]\n\"*\" = [\"ALL\"]\n",
            "its `per-file-ignores` leave no code to report in 2 design(s)",
        ),
        // Codes that judge no flow: rulebook codes (MN6xx), syntax and
        // names (MN0xx), suppressions (MN5xx). Each passed (exit 0) with
        // every flow unchecked.
        (
            "select = [\"MN6\"]\n",
            "leave no code to report that judges a design's flows (MN1xx to MN4xx",
        ),
        (
            "select = [\"MN0\"]\n",
            "leave no code to report that judges a design's flows (MN1xx to MN4xx",
        ),
        (
            "select = [\"MN0\", \"MN5\", \"MN6\"]\n",
            "leave no code to report that judges a design's flows (MN1xx to MN4xx",
        ),
        (
            "ignore = [\"MN1\", \"MN2\", \"MN3\", \"MN4\"]\n",
            "leave no code to report that judges a design's flows (MN1xx to MN4xx",
        ),
        (
            "[per-file-ignores]\n\"*.myna\" = [\"MN1\", \"MN2\", \"MN3\", \"MN4\"]\n",
            "its `per-file-ignores` leave no code to report in 2 design(s)",
        ),
    ];
    for (config, said) in cases {
        let d = project(&["designs/a.myna", "designs/deep/b.myna"]);
        put(d.path(), "designs/mynaflow.toml", config);
        let o = mynaflow_in(d.path(), &["check", "designs"]);
        assert_eq!(o.status.code(), Some(2), "{config}: {}", stderr(&o));
        assert!(stderr(&o).contains(said), "{config}: {}", stderr(&o));
        let o = mynaflow_in(d.path(), &["check", "--lang", "ja", "designs"]);
        assert!(
            stderr(&o).contains("が 1 つも残らず、何も検査しないことになります"),
            "{config}: {}",
            stderr(&o)
        );
        let pinned = ["check", "--config", "designs/mynaflow.toml", "designs"];
        let o = mynaflow_in(d.path(), &pinned);
        assert_eq!(o.status.code(), Some(2), "{config}: {}", stderr(&o));
    }
    // A per-file glob that leaves codes elsewhere fails only where it
    // empties a design: here one of the two.
    let d = project(&["designs/a.myna", "designs/deep/b.myna"]);
    put(
        d.path(),
        "designs/mynaflow.toml",
        "[per-file-ignores]\n\"deep/*\" = [\"ALL\"]\n",
    );
    let o = mynaflow_in(d.path(), &["check", "designs"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("in 1 design(s) (designs/deep/b.myna first)"),
        "{}",
        stderr(&o)
    );
    // The command line's own `--ignore ALL` is the user's choice, said on
    // it: not held to this.
    let d = project(&["a.myna"]);
    let o = mynaflow_in(d.path(), &["check", "--ignore", "ALL", "a.myna"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // And a `--select` that replaces the config's `select = []` checks.
    put(d.path(), "mynaflow.toml", "select = []\n");
    let o = mynaflow_in(d.path(), &["check", "--select", "MN2", "a.myna"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
}

/// What a config's `ignore` or `per-file-ignores` kept out of the report
/// is counted on stderr, in both languages (it was not said at all).
#[test]
fn findings_a_config_hides_are_counted() {
    let d = project(&["a.myna", "legacy/b.myna", "legacy/c.myna"]);
    put(
        d.path(),
        "mynaflow.toml",
        "[per-file-ignores]\n\"legacy/**\" = [\"MN2\"]\n",
    );
    let o = mynaflow_in(d.path(), &["check", "--format", "concise", "."]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains(
            "mynaflow: config: 2 finding(s) hidden by the select/ignore/per-file-ignores of"
        ),
        "{}",
        stderr(&o)
    );
    let o = mynaflow_in(d.path(), &["check", "--lang", "ja", "."]);
    assert!(
        stderr(&o)
            .contains("の select/ignore/per-file-ignores により 2 件の指摘を表示していません"),
        "{}",
        stderr(&o)
    );
    // Nothing hidden, nothing said.
    let o = mynaflow_in(d.path(), &["check", "a.myna"]);
    assert!(!stderr(&o).contains("hidden"), "{}", stderr(&o));
}

/// The walk passed over `x.MYNA`, `y.Myna` and a file named `.myna`, and
/// designs under `target/` or a hidden folder, without a word. The first
/// are designs now; the others are said on stderr, counted and named.
#[test]
fn the_walk_checks_or_names_every_design_looking_file() {
    let d = project(&[
        "ok.myna",
        "x.MYNA",
        "y.Myna",
        ".myna",
        "a/target/t.myna",
        ".hidden/h.myna",
        "b/.cache/deep/u.myna",
        "target/v.myna",
    ]);
    let o = mynaflow_in(d.path(), &["check", "--format", "concise", "."]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    for f in [".myna:", "ok.myna:", "x.MYNA:", "y.Myna:"] {
        assert!(out.lines().any(|l| l.starts_with(f)), "{f}: {out}");
    }
    assert_eq!(out.lines().count(), 4, "{out}");
    assert!(
        stderr(&o).contains(
            "mynaflow: 4 design-looking file(s) in hidden folders or `target/` not checked (the walk does not enter them): .hidden/h.myna, a/target/t.myna, b/.cache/deep/u.myna, …"
        ),
        "{}",
        stderr(&o)
    );
    let o = mynaflow_in(d.path(), &["check", "--lang", "ja", "."]);
    assert!(
        stderr(&o).contains("設計らしいファイル 4 件を検査していません"),
        "{}",
        stderr(&o)
    );
    // Named on the command line, one is checked.
    let o = mynaflow_in(
        d.path(),
        &["check", "--format", "concise", "a/target/t.myna"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(!stderr(&o).contains("design-looking"), "{}", stderr(&o));
}

/// `*` crossed `/`: `"sub/*"` took `sub/deep/old.myna` too, in `exclude`
/// and in `per-file-ignores`. Now `*` stays in one folder, `**` crosses
/// folders, and a glob without `/` still names a file at any depth.
#[test]
fn a_star_in_a_glob_stays_in_one_folder() {
    let d = project(&["old.myna", "sub/new.myna", "sub/deep/old.myna"]);
    put(d.path(), "mynaflow.toml", "exclude = [\"sub/*\"]\n");
    let o = mynaflow_in(d.path(), &["check", "--format", "concise", "."]);
    assert!(
        stderr(&o).contains("excludes 1 design(s) found"),
        "{}",
        stderr(&o)
    );
    let out = stdout(&o);
    assert!(
        out.contains("sub/deep/old.myna:") && !out.contains("sub/new.myna:"),
        "{out}"
    );
    put(
        d.path(),
        "mynaflow.toml",
        "[per-file-ignores]\n\"sub/*\" = [\"MN2\"]\n",
    );
    let o = mynaflow_in(d.path(), &["check", "--format", "concise", "."]);
    let out = stdout(&o);
    assert!(
        out.contains("sub/deep/old.myna:") && !out.contains("sub/new.myna:"),
        "{out}"
    );
    put(
        d.path(),
        "mynaflow.toml",
        "[per-file-ignores]\n\"sub/**\" = [\"MN2\"]\n\"old.myna\" = [\"MN2\"]\n",
    );
    let o = mynaflow_in(d.path(), &["check", "--format", "concise", "."]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stderr(&o).contains("3 finding(s) hidden"), "{}", stderr(&o));
}

/// A design that exercises kenpo's rule of entrusting 資格情報 to a
/// registered contractor (line 5).
const ENTRUSTING: &str = "use \"kenpo\"\n\
                          actor 適用 : 組合\n\
                          actor 大和 : 委託先 \"株式会社大和総研\"\n\
                          data 資格 : 資格情報\n\
                          flow 適用 -> 大和 : 資格 for 医療費通知委託\n";

/// Each rule's flows in `coverage --format json`'s output, by rulebook
/// and rule: `(file, line)` of each.
fn coverage_flows(
    json: &serde_json::Value,
) -> std::collections::BTreeMap<(String, String), std::collections::BTreeSet<(String, u64)>> {
    let mut out = std::collections::BTreeMap::new();
    for rb in json["rulebooks"].as_array().expect("rulebooks") {
        let name = rb["name"].as_str().expect("name").to_string();
        for s in rb["sections"].as_array().expect("sections") {
            for r in s["rules"].as_array().expect("rules") {
                let flows: &mut std::collections::BTreeSet<(String, u64)> = out
                    .entry((name.clone(), r["rule"].as_str().expect("rule").to_string()))
                    .or_default();
                for f in r["flows"].as_array().expect("flows") {
                    let file = f["file"].as_str().expect("file").to_string();
                    flows.insert((file, f["line"].as_u64().expect("line")));
                }
            }
        }
    }
    out
}

/// `coverage` measures each design under the config that governs it, as
/// `check` does (it refused such a run, exit 2): `a/` excludes a design,
/// `b/` names its own default rulebook. The run over both is the union of
/// the runs over each: kenpo's coverage over the designs of both that use
/// it, the other rulebook's over `b/`'s, and `--fail-under` judges them
/// all together.
#[test]
fn coverage_follows_each_designs_config() {
    let d = tempfile::tempdir().expect("tempdir");
    let drift = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/codes/examples/MN402-purpose-drift.myna"),
    )
    .expect("read");
    let custom = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/custom");
    let read = |f: &str| std::fs::read_to_string(custom.join(f)).expect("read");
    put(d.path(), "a/mynaflow.toml", "exclude = [\"old.myna\"]\n");
    put(d.path(), "a/x.myna", ENTRUSTING);
    put(d.path(), "a/old.myna", &drift);
    put(d.path(), "b/mynaflow.toml", "rules = \"rules/r.myna\"\n");
    put(d.path(), "b/rules/r.myna", &read("rules.myna"));
    // No `use`: the config's `rules` is its rulebook.
    let own = read("design.myna").replace("use \"rules.myna\"", "");
    put(d.path(), "b/y.myna", &own);
    put(d.path(), "b/z.myna", &drift);
    let json = |args: &[&str]| {
        let mut all = vec!["coverage", "--format", "json"];
        all.extend(args);
        let o = mynaflow_in(d.path(), &all);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
        v
    };
    let (both, a, b) = (json(&["a", "b"]), json(&["a"]), json(&["b"]));
    // One group is measured as one session measures it: as the run that
    // pins its config does, byte for byte.
    let bytes = |args: &[&str]| mynaflow_in(d.path(), args).stdout;
    assert_eq!(
        bytes(&["coverage", "a"]),
        bytes(&["coverage", "--config", "a/mynaflow.toml", "a"])
    );
    let names = |v: &serde_json::Value| -> Vec<String> {
        (v["rulebooks"].as_array().expect("rulebooks").iter())
            .map(|r| r["name"].as_str().expect("name").to_string())
            .collect()
    };
    assert_eq!(names(&both), ["kenpo", "shiyakusho"]);
    assert_eq!(names(&a), ["kenpo"]);
    assert_eq!(names(&b), ["shiyakusho", "kenpo"], "y.myna comes first");
    let designs = |v: &serde_json::Value, i: usize| v["rulebooks"][i]["designs"].clone();
    assert_eq!(
        designs(&both, 0),
        serde_json::json!(["a/x.myna", "b/z.myna"]),
        "a/old.myna excluded by a's config"
    );
    assert_eq!(designs(&both, 1), designs(&b, 0));
    assert_eq!(both["rulebooks"][1], b["rulebooks"][0], "only b's designs");
    // Each rule's flows: those of the run over each folder, together.
    let mut union = coverage_flows(&a);
    for (rule, flows) in coverage_flows(&b) {
        union.entry(rule).or_default().extend(flows);
    }
    assert_eq!(coverage_flows(&both), union);
    let kenpo = |v: &serde_json::Value, i: usize| v["rulebooks"][i]["exercised"].as_u64();
    assert_eq!(kenpo(&both, 0), Some(2), "{both}");
    let count = |v: &serde_json::Value, k: &str| v[k].as_u64().expect("count");
    assert_eq!(
        count(&both, "rules"),
        count(&b, "rules"),
        "kenpo counted once, as b's run over both rulebooks counts it"
    );
    assert_eq!(
        count(&both, "exercised"),
        count(&b, "exercised") + 1,
        "and the rule a/x.myna exercises with it"
    );
    // `--fail-under` judges the run: 1 + b's exercised of all its rules.
    let percent = both["percent"].as_f64().expect("percent");
    let o = mynaflow_in(
        d.path(),
        &[
            "coverage",
            "a",
            "b",
            "--fail-under",
            &format!("{}", percent + 0.1),
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let o = mynaflow_in(
        d.path(),
        &[
            "coverage",
            "a",
            "b",
            "--fail-under",
            &format!("{}", percent - 0.1),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // The human listing names both configs followed and what a's excluded.
    let o = mynaflow_in(d.path(), &["coverage", "a", "b"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("excludes 1 design(s) found"), "{err}");
    assert_eq!(err.matches("mynaflow: config: ").count(), 3, "{err}");
}

/// What `report`'s page says of each design: its name, its findings'
/// count, its coverage summary and the lines of its coverage table.
fn report_designs(page: &str) -> Vec<Vec<String>> {
    let between = |s: &str, a: &str, b: &str| -> Vec<String> {
        s.split(a)
            .skip(1)
            .filter_map(|x| x.split(b).next())
            .map(str::to_string)
            .collect()
    };
    (page.split("<section class=\"design\"").skip(1))
        .map(|sec| {
            let sec = sec.split("</section>").next().unwrap_or("");
            let mut said = between(sec, "<h2>", "</h2>");
            said.extend(between(sec, "<h3>", "</h3>"));
            said.extend(between(sec, "<summary>", "</summary>"));
            said.extend(between(sec, "<td>✔ ", "</td>"));
            said
        })
        .collect()
}

/// `report` draws each design checked under the config that governs it,
/// as `check` does (it refused such a run, exit 2): the page over `a/`
/// (which excludes a design) and `b/` (its own default rulebook) draws the
/// designs of the pages over each, as each draws them, in the order of
/// one run over them all, and counts the findings of both.
#[test]
fn report_follows_each_designs_config() {
    let d = tempfile::tempdir().expect("tempdir");
    let custom = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/custom");
    let read = |f: &str| std::fs::read_to_string(custom.join(f)).expect("read");
    put(d.path(), "a/mynaflow.toml", "exclude = [\"old.myna\"]\n");
    put(d.path(), "a/x.myna", ENTRUSTING);
    put(d.path(), "a/old.myna", DESIGN);
    put(d.path(), "b/mynaflow.toml", "rules = \"rules/r.myna\"\n");
    put(d.path(), "b/rules/r.myna", &read("rules.myna"));
    put(
        d.path(),
        "b/y.myna",
        &read("design.myna").replace("use \"rules.myna\"", ""),
    );
    put(d.path(), "b/z.myna", DESIGN);
    // The exit status of each run: a's designs have no error.
    let page = |args: &[&str], out: &str, status: i32| {
        let mut all = vec!["report", "-o", out];
        all.extend(args);
        let o = mynaflow_in(d.path(), &all);
        assert_eq!(o.status.code(), Some(status), "{args:?}: {}", stderr(&o));
        read_in(d.path(), out)
    };
    let (both, a, b) = (
        page(&["a", "b"], "both.html", 1),
        page(&["a"], "a.html", 0),
        page(&["b"], "b.html", 1),
    );
    // One group is drawn as one session draws it: as the run that pins
    // its config does, byte for byte (a's: a config's `rules` is named
    // otherwise when the config is named than when it is found), but for
    // the words on a config found, which a pull request may have added.
    page(&["--config", "a/mynaflow.toml", "a"], "pinned.html", 0);
    let found = " (a mynaflow.toml found beside the designs governs those under it, and a pull request can add one: review it, or pin the config in CI with --config)";
    assert!(a.contains(found));
    assert_eq!(read_in(d.path(), "pinned.html"), a.replace(found, ""));
    let mut each = report_designs(&a);
    each.extend(report_designs(&b));
    assert_eq!(report_designs(&both), each);
    let names: Vec<String> = report_designs(&both).iter().map(|d| d[0].clone()).collect();
    assert_eq!(names, ["a/x.myna", "b/y.myna", "b/z.myna"]);
    let errors = |p: &str| -> u64 {
        let n = p.split("<dd id=\"n-errors\">").nth(1).expect("errors");
        n.split('<')
            .next()
            .and_then(|n| n.parse().ok())
            .expect("a count")
    };
    assert_eq!(errors(&both), errors(&a) + errors(&b));
    assert!(errors(&b) >= 2, "MN202 in z.myna, the violations of y.myna");
    // Each rulebook once in the summary, though each group loaded kenpo.
    assert_eq!(both.matches("<dd>kenpo").count(), 1, "{both}");
    assert_eq!(both.matches("<dd>shiyakusho").count(), 1);
}

/// The findings of `report`'s page: each finding's code, in order.
fn report_codes(page: &str) -> Vec<String> {
    (page.split("<code class=\"code\">").skip(1))
        .filter_map(|s| s.split('<').next())
        .map(str::to_string)
        .collect()
}

/// `report` read no `select`, `ignore` or `per-file-ignores`: a
/// compliance officer's page showed findings the gate never judged, and
/// nothing of what it did. Now it filters as `check` does, through the
/// same code, with `--select` and `--ignore` of its own; refuses, as
/// `check` does, a config that leaves no code that judges flows; and
/// fails (exit 1) on a syntax error a filter hid, said on the page.
#[test]
fn report_filters_its_findings_as_check_does() {
    let d = project(&["a.myna", "legacy/b.myna", "legacy/c.myna"]);
    put(
        d.path(),
        "mynaflow.toml",
        "[per-file-ignores]\n\"legacy/**\" = [\"MN2\"]\n",
    );
    let report = |args: &[&str], status: i32| {
        let mut all = vec!["report", "-o", "r.html"];
        all.extend(args);
        let _ = std::fs::remove_file(d.path().join("r.html"));
        let o = mynaflow_in(d.path(), &all);
        assert_eq!(o.status.code(), Some(status), "{args:?}: {}", stderr(&o));
        (read_in(d.path(), "r.html"), stderr(&o))
    };
    let concise = |args: &[&str]| {
        let o = mynaflow_in(
            d.path(),
            &[&["check", "--format", "concise"][..], args].concat(),
        );
        (stdout(&o).lines())
            .filter_map(|l| l.split(": ").nth(1)?.split(' ').next().map(str::to_string))
            .collect::<Vec<_>>()
    };
    let (page, err) = report(&["."], 1);
    assert_eq!(report_codes(&page), concise(&["."]));
    assert_eq!(report_codes(&page), ["MN202"], "a.myna's alone");
    assert!(page.contains("<dd id=\"n-hidden\">2</dd>"), "{page}");
    assert!(
        err.contains(
            "mynaflow: config: 2 finding(s) hidden by the select/ignore/per-file-ignores of"
        ),
        "{err}"
    );
    // The command line's filters are the user's, said on it: applied,
    // not counted as the config's.
    let (page, _) = report(&["--ignore", "MN2", "."], 0);
    assert!(report_codes(&page).is_empty(), "{page}");
    assert!(page.contains("<dd id=\"n-hidden\">2</dd>"), "{page}");
    let (page, _) = report(&["--select", "MN1", "."], 0);
    assert!(report_codes(&page).is_empty());
    let o = mynaflow_in(
        d.path(),
        &["report", "-o", "r.html", "--select", "MN9", "."],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("`MN9` is not a code"), "{}", stderr(&o));

    // A config that leaves no code that judges flows: refused, no page.
    put(d.path(), "mynaflow.toml", "select = [\"MN6\"]\n");
    let _ = std::fs::remove_file(d.path().join("r.html"));
    let o = mynaflow_in(d.path(), &["report", "-o", "r.html", "."]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("leave no code to report that judges a design's flows (MN1xx to MN4xx"),
        "{}",
        stderr(&o)
    );
    assert!(!d.path().join("r.html").exists());
    let o = mynaflow_in(d.path(), &["report", "--lang", "ja", "-o", "r.html", "."]);
    assert!(stderr(&o).contains("が 1 つも残らず、何も検査しないことになります"));
    // As `check`: a `--select` that replaces it checks.
    report(&["--select", "MN2", "."], 1);

    // A syntax error a filter hides stopped the checks of its statement:
    // the run fails, on the page too.
    put(d.path(), "mynaflow.toml", "ignore = [\"MN0\"]\n");
    put(
        d.path(),
        "a.myna",
        &format!("{DESIGN}flow 保健事業システム -> 誰か : 健診結果 for 健康診断等\n"),
    );
    let (page, err) = report(&["a.myna"], 1);
    let said = "finding(s) hidden by select/ignore stopped the checks of their statements";
    assert!(err.contains(said), "{err}");
    let stops = page
        .split("<p class=\"stops\" role=\"alert\">")
        .nth(1)
        .unwrap_or("");
    assert!(
        stops.contains(said) && stops.contains("a.myna:9:"),
        "{page}"
    );
    let o = mynaflow_in(d.path(), &["check", "a.myna"]);
    assert_eq!(o.status.code(), Some(1));
}
