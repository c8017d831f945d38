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
