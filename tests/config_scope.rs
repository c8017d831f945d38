//! Which designs a `mynaflow.toml` governs, and what it may take out of a
//! check without failing the run: a config found applies only under its
//! folder (a run whose designs would follow different configs is refused),
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
/// and its `ignore` passed all three (exit 0). Now the designs that would
/// follow different configs are refused together, in both languages.
#[test]
fn a_found_config_does_not_govern_files_outside_its_folder() {
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
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("other/c.myna comes under no config, but this run follows")
            && e.contains("designs/sub/mynaflow.toml")
            && e.contains("pin one with --config FILE (or --no-config)"),
        "{e}"
    );
    let o = mynaflow_in(
        d.path(),
        &[&args[..1], &["--lang", "ja"], &args[1..]].concat(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("other/c.myna には適用される設定ファイルがありませんが、この実行は"),
        "{}",
        stderr(&o)
    );
    // A folder walked whose sub-folder has a config of its own: the same.
    let o = mynaflow_in(d.path(), &["check", "designs"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("designs/sub/b.myna comes under the config designs/sub/mynaflow.toml, but this run follows none"),
        "{}",
        stderr(&o)
    );
    // Its own folder follows it, and says what it hid.
    let o = mynaflow_in(d.path(), &["check", "designs/sub"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("1 finding(s) hidden by the select/ignore/per-file-ignores of"),
        "{}",
        stderr(&o)
    );
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

/// A config whose filters leave no code reported passed with a clean
/// summary (exit 0), found or pinned; now the run fails (exit 2), named.
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
    ];
    for (config, said) in cases {
        let d = project(&["designs/a.myna", "designs/deep/b.myna"]);
        put(d.path(), "designs/mynaflow.toml", config);
        let o = mynaflow_in(d.path(), &["check", "designs"]);
        assert_eq!(o.status.code(), Some(2), "{config}: {}", stderr(&o));
        assert!(stderr(&o).contains(said), "{config}: {}", stderr(&o));
        let o = mynaflow_in(d.path(), &["check", "--lang", "ja", "designs"]);
        assert!(
            stderr(&o).contains("報告するコードが 1 つも残らず、何も検査しないことになります"),
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
