//! `mynaflow test` over the examples and test cases, through the real
//! binary: every design reports exactly what its `# expect:` lines say.

use std::process::Command;

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
    assert!(out.status.success(), "mynaflow test failed:\n{stdout}");
    let last = stdout.lines().last().unwrap_or_default();
    assert!(last.ends_with(" passed, 0 failed"), "{last}");
    let passed: usize = last
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(passed >= 40, "too few files tested: {last}");
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
