//! `mynaflow test` over the examples and test cases, through the real
//! binary: every design reports exactly what its `# expect:` lines say.

use std::process::Command;

/// The designs of the project that show MN013: their rulebook cannot be
/// loaded on purpose, so they were not checked, and `test` fails them
/// (exit 2) though they report what they expect.
const UNCHECKED_ON_PURPOSE: &[&str] = &[
    "docs/codes/examples/MN005-shift-jis.myna",
    "docs/codes/examples/MN013-missing-rulebook.myna",
    "tests/cases/missing-rulebook-builtin-typo.myna",
    "tests/cases/missing-rulebook.myna",
    "tests/cases/rulecheck-register/design.myna",
];

#[test]
fn examples_and_cases_report_what_they_expect() {
    let out = Command::new(env!("CARGO_BIN_EXE_mynaflow"))
        .args([
            "test",
            "examples",
            "docs/codes/examples",
            "tests/cases",
            "--lang",
            "en",
        ])
        .output()
        .expect("run mynaflow");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // The designs that could not be checked (a file that is not UTF-8,
    // rulebooks that cannot be loaded) fail the run, and only for that:
    // each reports the MN005 or MN013 it expects, and nothing else.
    assert_eq!(out.status.code(), Some(2), "{stdout}{stderr}");
    let n = UNCHECKED_ON_PURPOSE.len();
    let b = n - 1;
    assert_eq!(
        stderr,
        format!(
            "mynaflow: error: {n} design(s) could not be checked: 1 not a UTF-8 text file (MN005), {b} whose rulebook could not be loaded (MN013)\n"
        )
    );
    let mut failing = Vec::new();
    let mut lines = stdout.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(file) = line.strip_prefix("FAIL ") else {
            continue;
        };
        failing.push(file);
        let why = lines.next().unwrap_or_default();
        assert!(
            why.contains("(MN013): the design was not checked against its rulebook")
                || why
                    .contains("(MN005): the file is not UTF-8 text, so the design was not checked"),
            "{stdout}"
        );
        assert!(
            lines.peek().is_none_or(|l| !l.starts_with("  ")),
            "{file} does not report what it expects:\n{stdout}"
        );
    }
    assert_eq!(failing, UNCHECKED_ON_PURPOSE, "{stdout}");
    let last = stdout.lines().last().unwrap_or_default();
    assert!(last.ends_with(&format!(" passed, {n} failed")), "{last}");
    let passed: usize = last
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(passed >= 40, "too few files tested: {last}");
    // The examples alone pass.
    let out = Command::new(env!("CARGO_BIN_EXE_mynaflow"))
        .args(["test", "examples"])
        .output()
        .expect("run mynaflow");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// A design whose rulebook is moved away (a renamed folder in a pull
/// request) was not checked: `test` fails the run (2), whatever the
/// design expects, and `test --update` leaves it byte for byte (it wrote
/// `# expect: MN013` in place of every pin, and `test` then passed).
#[test]
fn a_design_its_rulebook_did_not_check_fails_and_is_not_rewritten() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("rb")).expect("mkdir");
    std::fs::write(
        dir.path().join("rb/society.myna"),
        include_str!("../rules/kenpo.myna"),
    )
    .expect("write");
    let pinned = "use \"rb/society.myna\"\n\
                  actor 適用 : 組合\n\
                  actor 市 : 他機関\n\
                  actor 網 : 情報提供ネットワークシステム\n\
                  data 課税 : 課税・非課税情報\n\
                  flow 適用 -> 市 : 課税 for 被扶養者認定 via 網   # expect: MN102\n";
    let file = dir.path().join("t2.myna");
    std::fs::write(&file, pinned).expect("write");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_mynaflow"))
            .args(args)
            .current_dir(dir.path())
            .output()
            .expect("run")
    };
    let o = run(&["test", "t2.myna", "--lang", "en"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );

    std::fs::rename(dir.path().join("rb"), dir.path().join("moved")).expect("rename");
    let why = "  line 1: rulebook `rb/society.myna` not found (MN013): the design was not checked against its rulebook";
    let why_ja = "  1 行目: ルールブック「rb/society.myna」が見つかりません (MN013)。ルールブックと照合していないため";
    let said = "mynaflow: error: 1 design(s) could not be checked against their rulebook (MN013)\n";
    let said_ja = "mynaflow: エラー: 1 件の設計をルールブックと照合できませんでした (MN013)\n";
    for (lang, why, said) in [("en", why, said), ("ja", why_ja, said_ja)] {
        let o = run(&["test", "--update", "t2.myna", "--lang", lang]);
        let out = String::from_utf8_lossy(&o.stdout);
        assert_eq!(o.status.code(), Some(2), "{out}");
        assert!(out.contains(why), "{out}");
        assert_eq!(String::from_utf8_lossy(&o.stderr), said);
        assert_eq!(std::fs::read(&file).expect("read"), pinned.as_bytes());
        let o = run(&["test", "t2.myna", "--lang", lang]);
        let out = String::from_utf8_lossy(&o.stdout);
        assert_eq!(o.status.code(), Some(2), "{out}");
        assert!(out.contains(why), "{out}");
        assert_eq!(String::from_utf8_lossy(&o.stderr), said);
    }
    // Pinned to the missing rulebook by hand, it fails the same.
    let by_hand = pinned.replace("   # expect: MN102", "").replace(
        "use \"rb/society.myna\"",
        "use \"rb/society.myna\"   # expect: MN013",
    );
    std::fs::write(&file, &by_hand).expect("write");
    let o = run(&["test", "t2.myna", "--lang", "en"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(2), "{out}");
    assert_eq!(
        out,
        format!(
            "FAIL t2.myna\n{why}, so nothing is known of its flows; it fails whatever it expects\n0 passed, 1 failed\n"
        )
    );
    let o = run(&["test", "--update", "t2.myna"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read(&file).expect("read"), by_hand.as_bytes());
    // A broken rulebook is the same, and the other designs of the run are
    // still tested and rewritten.
    std::fs::rename(dir.path().join("moved"), dir.path().join("rb")).expect("rename");
    let broken = "use \"rb/broken.myna\"\nactor 適用 : 組合\n";
    std::fs::write(
        dir.path().join("rb/broken.myna"),
        format!("{}role\n", include_str!("../rules/kenpo.myna")),
    )
    .expect("write");
    std::fs::write(dir.path().join("b.myna"), broken).expect("write");
    let o = run(&["test", "--update", "b.myna", "t2.myna", "--lang", "en"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(2), "{out}");
    assert!(out.contains("FAIL b.myna\n  line 1: rulebook `rb/broken.myna` has 1 error(s) and cannot be used (MN013)"), "{out}");
    assert!(out.contains("updated t2.myna"), "{out}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("b.myna")).expect("read"),
        broken
    );
}

/// A comment after an annotation's codes is not a code (it was read as
/// the unknown code `MN104 # trailing`), and `--update` keeps it.
#[test]
fn a_comment_after_an_annotation_is_kept() {
    let dir = tempfile::tempdir().expect("tempdir");
    let head =
        "use \"kenpo\"\nactor 適用 : 組合\nactor 市 : 他機関\ndata 課税 : 課税・非課税情報\n";
    let flow = "flow 市 -> 適用 : 課税 for 被扶養者認定";
    let file = dir.path().join("d.myna");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_mynaflow"))
            .args(args)
            .current_dir(dir.path())
            .output()
            .expect("run")
    };
    std::fs::write(&file, format!("{head}{flow} # expect: MN104 # trailing\n")).expect("write");
    let o = run(&["test", "d.myna", "--lang", "en"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert_eq!(out, "ok   d.myna (1 expected)\n1 passed, 0 failed\n");
    std::fs::write(&file, format!("{head}{flow} # expect: MN103 # trailing\n")).expect("write");
    let o = run(&["test", "--update", "d.myna"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert_eq!(
        std::fs::read_to_string(&file).expect("read"),
        format!("{head}{flow}   # expect: MN104 # trailing\n")
    );
    let o = run(&["test", "d.myna"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
}

#[test]
fn a_failing_expectation_prints_a_diff_and_fails() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = dir.path().join("x.myna");
    std::fs::write(
        &f,
        "use \"kenpo\"\nactor 組合A : 組合\nactor 市 : 他機関\ndata 課税 : 課税・非課税情報\n\
         flow 組合A -> 市 : 課税 for 被扶養者認定 via 市  # expect: MN103\n",
    )
    .expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_mynaflow"))
        .arg("test")
        .arg(&f)
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("- line 5: MN103 expected, not reported"),
        "{stdout}"
    );
    assert!(
        stdout.contains("+ line 5: MN102 reported, not expected"),
        "{stdout}"
    );
    assert!(stdout.ends_with("0 passed, 1 failed\n"), "{stdout}");
    let out = Command::new(env!("CARGO_BIN_EXE_mynaflow"))
        .args(["test", "--lang", "ja"])
        .arg(&f)
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("- 5 行目: MN103 を期待しましたが、報告されていません"),
        "{stdout}"
    );
    assert!(
        stdout.contains("+ 5 行目: 期待していない MN102 が報告されました"),
        "{stdout}"
    );
}

/// A folder's files are tested side by side, and each prints, in the
/// order of their names, the lines it prints when tested alone.
#[test]
fn a_folder_prints_what_each_file_prints_alone_in_order() {
    let mut designs = Vec::new();
    for root in ["examples", "docs/codes/examples", "tests/cases"] {
        let mut stack = vec![std::path::PathBuf::from(root)];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).expect("a folder").flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "myna") {
                    designs.push(p);
                }
            }
        }
    }
    designs.sort();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut names = Vec::new();
    for (i, p) in designs.iter().enumerate() {
        let name = format!("{i:03}.myna");
        std::fs::copy(p, dir.path().join(&name)).expect("copy");
        names.push(name);
    }
    let (passed, failed) = assert_folder_tests_as_each_file(dir.path(), &names);
    assert!(
        passed > 40 && failed > 0,
        "{passed} passed, {failed} failed"
    );
}

/// Designs sharing one rulebook file are tested as each alone: the
/// rulebook loaded once for the folder (every session takes it from the
/// same shelf), a broken one and a missing one as well.
#[test]
fn designs_sharing_a_rulebook_test_as_each_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rules = include_str!("../examples/second-society/rules.myna");
    let design = include_str!("../examples/second-society/design.myna");
    std::fs::write(dir.path().join("rules.myna"), rules).expect("write");
    std::fs::write(dir.path().join("broken.myna"), format!("{rules}role\n")).expect("write");
    let mut names = Vec::new();
    for i in 0..12 {
        let text = match i % 4 {
            0 => design.to_string(),
            // A flow the rulebook does not allow, not expected.
            1 => format!("{design}flow 資格システム -> 本社人事 : 所得 for 資格管理\n"),
            2 => design.replace("use \"rules.myna\"", "use \"broken.myna\""),
            _ => design.replace("use \"rules.myna\"", "use \"missing.myna\""),
        };
        let name = format!("d{i:02}.myna");
        std::fs::write(dir.path().join(&name), text).expect("write");
        names.push(name);
    }
    names.insert(0, "broken.myna".into());
    names.push("rules.myna".into());
    let (passed, failed) = assert_folder_tests_as_each_file(dir.path(), &names);
    assert!(
        passed >= 3 && failed >= 9,
        "{passed} passed, {failed} failed"
    );
}

/// Runs `mynaflow test` over the folder `dir` and over each of `names`
/// (every `.myna` file in it, in the walk's order) alone, and asserts
/// that the folder's run prints each file's lines in order and their
/// sum; gives how many passed and failed.
fn assert_folder_tests_as_each_file(dir: &std::path::Path, names: &[String]) -> (usize, usize) {
    let bin = env!("CARGO_BIN_EXE_mynaflow");
    let run = |what: &str| {
        Command::new(bin)
            .args(["test", what, "--lang", "en"])
            .current_dir(dir)
            .output()
            .expect("run")
    };
    let folder = String::from_utf8_lossy(&run(".").stdout).into_owned();
    let mut alone = String::new();
    let (mut passed, mut failed) = (0, 0);
    for name in names {
        // Named from the folder, as the folder's run names it.
        let o = String::from_utf8_lossy(&run(&format!("./{name}")).stdout).into_owned();
        let (lines, summary) = o
            .trim_end()
            .rsplit_once('\n')
            .map_or(("", o.trim_end()), |(l, s)| (l, s));
        if summary == "1 passed, 0 failed" {
            passed += 1;
        } else {
            failed += 1;
        }
        for line in lines.lines() {
            alone.push_str(line);
            alone.push('\n');
        }
    }
    alone.push_str(&format!("{passed} passed, {failed} failed\n"));
    assert_eq!(folder, alone);
    (passed, failed)
}
