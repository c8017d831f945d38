//! Every output lists files in one order: by name compared as paths, a
//! folder at a time (docs/output.md). `check` in every format, `coverage`
//! and `report` agree on it.

mod common;

use common::{mynaflow_in, stdout};

/// The place of each of `names` in `text`, in the order they first appear.
fn order_in<'a>(text: &str, names: &[&'a str]) -> Vec<&'a str> {
    let mut found: Vec<(usize, &str)> = names
        .iter()
        .filter_map(|n| text.find(n).map(|at| (at, *n)))
        .collect();
    found.sort();
    found.into_iter().map(|(_, n)| n).collect()
}

#[test]
fn findings_and_designs_come_in_the_same_order() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let dir = tmp.path();
    let design = "use \"kenpo\"\nactor 甲 : 組合\nactor 乙 : 他機関\ndata 課税 : 課税・非課税情報\nflow 甲 -> 乙 : 課税 for 被扶養者認定す\n";
    std::fs::create_dir(dir.join("designs")).expect("a folder");
    for name in [
        "designs/b.myna",
        "designs/a.myna",
        "designs-old.myna",
        "designs.myna",
    ] {
        std::fs::write(dir.join(name), design).expect("write");
    }
    // As paths: the folder's designs, then the names that only start as
    // the folder's does ('-' and '.' come before '/' as text).
    let want = [
        "designs/a.myna",
        "designs/b.myna",
        "designs-old.myna",
        "designs.myna",
    ];
    for format in [
        "human", "concise", "json", "sarif", "junit", "github", "gitlab",
    ] {
        let out = stdout(&mynaflow_in(
            dir,
            &["check", "--no-config", "--format", format, "."],
        ));
        assert_eq!(order_in(&out, &want), want, "{format}\n{out}");
    }
    let coverage = stdout(&mynaflow_in(dir, &["coverage", "--no-config", "."]));
    let designs = coverage
        .lines()
        .find(|l| l.starts_with("Designs:"))
        .expect("the designs measured");
    assert_eq!(order_in(designs, &want), want, "{coverage}");
}
