//! `check --fix --diff`: the diff of what `--fix` would write, nothing
//! written. Applying the printed diff to the design gives exactly the text
//! `--fix` writes; a large design's diff is one small hunk per fix.

use std::path::Path;
use std::process::{Command, Output};

const DESIGN: &str = "docs/codes/examples/MN003-fullwidth-colon.myna";

fn mynaflow(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mynaflow"))
        .current_dir(dir)
        .args(["check", "--no-config", "--lang", "en"])
        .args(args)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// `old` with the unified diff `diff` (one file) applied: each hunk's
/// context and removed lines must be where its header says.
fn patched(old: &str, diff: &str) -> String {
    let old: Vec<&str> = old.split_inclusive('\n').collect();
    let mut out = String::new();
    let mut at = 0; // lines of `old` taken
    let mut lines = diff.split_inclusive('\n').skip(2).peekable();
    while let Some(header) = lines.next() {
        assert!(header.starts_with("@@ -"), "not a hunk header: {header:?}");
        let start: usize = header[4..]
            .split([',', ' '])
            .next()
            .unwrap()
            .parse()
            .unwrap();
        // An empty old range names the line before it.
        let from = if header[4..].split(' ').next().unwrap().ends_with(",0") {
            start
        } else {
            start - 1
        };
        while at < from {
            out.push_str(old[at]);
            at += 1;
        }
        while let Some(line) = lines.next_if(|l| !l.starts_with("@@")) {
            let (tag, body) = line.split_at(1);
            match tag {
                " " => {
                    assert_eq!(old[at], body, "context differs");
                    out.push_str(body);
                    at += 1;
                }
                "-" => {
                    assert_eq!(old[at], body, "removed line differs");
                    at += 1;
                }
                "+" => out.push_str(body),
                _ => panic!("unexpected diff line {line:?}"),
            }
        }
    }
    for line in &old[at..] {
        out.push_str(line);
    }
    out
}

#[test]
fn the_diff_is_what_fix_writes_and_nothing_is_written() {
    let src = std::fs::read_to_string(DESIGN).unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("d.myna"), &src).unwrap();
    let shown = mynaflow(dir.path(), &["--fix", "--diff", "d.myna"]);
    let diff = text(&shown.stdout);
    let said = text(&shown.stderr);
    assert_eq!(shown.status.code(), Some(1), "{said}");
    assert!(diff.starts_with("--- d.myna\n+++ d.myna\n@@ "), "{diff}");
    assert!(
        said.contains("would apply 2 fix(es) in d.myna: 2 finding(s) before, 0 after"),
        "{said}"
    );
    let untouched = std::fs::read_to_string(dir.path().join("d.myna")).unwrap();
    assert_eq!(untouched, src, "--diff wrote the file");

    let fixed = mynaflow(dir.path(), &["--fix", "d.myna"]);
    assert_eq!(fixed.status.code(), Some(0), "{}", text(&fixed.stderr));
    let written = std::fs::read_to_string(dir.path().join("d.myna")).unwrap();
    assert_ne!(written, src);
    assert_eq!(patched(&src, &diff), written);

    // Nothing left to fix: no diff, exit 0.
    let again = mynaflow(dir.path(), &["--fix", "--diff", "d.myna"]);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again.stderr));
    assert!(again.stdout.is_empty());
}

#[test]
fn a_large_design_gets_a_hunk_per_fix() {
    // Over 4 000 lines, where the diff is no longer one Myers call: the
    // lines the fixes left are its anchors.
    let mut src = String::from(
        "use \"kenpo\"\n\nactor 事業主 : 事業主\nactor 適用システム : 組合\n\
         data 被扶養者届 : 資格情報\n\n",
    );
    let fixes = [700, 2_100, 2_101, 4_500];
    for i in 0..5_000 {
        let colon = if fixes.contains(&i) { "：" } else { ":" };
        src.push_str(&format!(
            "flow 事業主 -> 適用システム {colon} 被扶養者届 for 被扶養者認定   # {i}\n"
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("big.myna"), &src).unwrap();
    let shown = mynaflow(dir.path(), &["--fix", "--diff", "big.myna"]);
    let diff = text(&shown.stdout);
    assert_eq!(shown.status.code(), Some(1), "{}", text(&shown.stderr));
    // Two fixes on neighbouring lines share a hunk.
    assert_eq!(diff.matches("\n@@ ").count(), 3, "{diff}");
    assert_eq!(diff.lines().filter(|l| l.starts_with('-')).count(), 1 + 4);
    assert_eq!(diff.lines().filter(|l| l.starts_with('+')).count(), 1 + 4);
    let fixed = mynaflow(dir.path(), &["--fix", "big.myna"]);
    assert_eq!(fixed.status.code(), Some(0), "{}", text(&fixed.stderr));
    let written = std::fs::read_to_string(dir.path().join("big.myna")).unwrap();
    assert_eq!(patched(&src, &diff), written);
}

#[test]
fn a_rulebook_named_with_its_design_is_shown_not_written() {
    let dir = tempfile::tempdir().unwrap();
    // A full-width comma in the rulebook's rule: MN003, a safe fix.
    let rules = "rulebook mine \"架空の規則集\"\n\
                 role 組合 self \"組合\"\nrole 加入者 subject \"加入者\"\n\
                 category 資格 \"資格の情報\"\n\
                 section \"1\" \"資格\" {\n  purpose 資格確認 \"資格の確認\"\n\
                 \x20 allow 組合 -> 加入者 : 資格，資格 for 資格確認\n}\n";
    std::fs::write(dir.path().join("rules.myna"), rules).unwrap();
    let design = "use \"rules.myna\"\nactor 組合A : 組合\nactor 本人 : 加入者\n\
                  data 資格記録 : 資格\nflow 組合A -> 本人 ： 資格記録 for 資格確認\n";
    std::fs::write(dir.path().join("d.myna"), design).unwrap();
    let shown = mynaflow(dir.path(), &["--fix", "--diff", "rules.myna", "d.myna"]);
    let diff = text(&shown.stdout);
    assert_eq!(shown.status.code(), Some(1), "{}", text(&shown.stderr));
    // In the order the files are checked (sorted), each file once.
    let (first, second) = diff.split_once("--- rules.myna\n").expect(&diff);
    assert!(first.starts_with("--- d.myna\n+++ d.myna\n"), "{diff}");
    assert!(
        first.contains("+flow 組合A -> 本人 : 資格記録 for 資格確認\n"),
        "{diff}"
    );
    assert!(
        second.contains("+  allow 組合 -> 加入者 : 資格,資格 for 資格確認\n"),
        "{diff}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("rules.myna")).unwrap(),
        rules
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("d.myna")).unwrap(),
        design
    );
}

/// The designs are checked against the rulebook as its rounds left it,
/// as `--fix` checks them against the file it wrote: a suppression the
/// fixed rulebook leaves unused is deleted by `--fix`, and `--diff` shows
/// it (fix audit D4: it showed only the rulebook's hunk).
#[test]
fn the_designs_diff_is_against_the_rulebook_as_fixed() {
    let rules = "rulebook mine \"架空の規則集\"\n\
                 role 組合 self \"組合\"\nrole 加入者 subject \"加入者\"\n\
                 category 資格 \"資格の情報\"\n\
                 section \"1\" \"資格\" {\n  purpose 資格確認 \"資格の確認\"\n\
                 \x20 allow 組合 -> 加入者 : 資格 for 資格確忍\n}\n";
    // The rulebook's typo (MN010, an unsafe respelling in a rulebook)
    // leaves it unusable, and the design unchecked (MN013). Fixed, the
    // rule allows the design's flow, whose suppression then suppresses
    // nothing: MN503, whose fix deletes it.
    let design = "use \"rules.myna\"\nactor 組合A : 組合\nactor 本人 : 加入者\n\
                  data 資格記録 : 資格\n\
                  flow 組合A -> 本人 : 資格記録 for 資格確認   # mynaflow: allow MN202 reason=\"同意あり\"\n";
    let make = || {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("rules.myna"), rules).unwrap();
        std::fs::write(dir.path().join("d.myna"), design).unwrap();
        dir
    };
    let (shown, written) = (make(), make());
    let both = ["--unsafe-fixes", "rules.myna", "d.myna"];
    let diff = mynaflow(shown.path(), &[&["--fix", "--diff"], &both[..]].concat());
    let diff = text(&diff.stdout);
    let fixed = mynaflow(written.path(), &[&["--fix"], &both[..]].concat());
    assert_eq!(fixed.status.code(), Some(0), "{}", text(&fixed.stderr));
    for name in ["rules.myna", "d.myna"] {
        let before = std::fs::read_to_string(shown.path().join(name)).unwrap();
        let after = std::fs::read_to_string(written.path().join(name)).unwrap();
        assert_ne!(before, after, "{name} is fixed");
        let hunks = diff
            .split("--- ")
            .find(|part| part.starts_with(&format!("{name}\n")))
            .unwrap_or_else(|| panic!("{name}: {diff}"));
        assert_eq!(patched(&before, &format!("--- {hunks}")), after, "{diff}");
    }
}

#[test]
fn diff_needs_fix_and_prints_only_a_diff() {
    let dir = tempfile::tempdir().unwrap();
    let alone = mynaflow(dir.path(), &["--diff", "x.myna"]);
    assert_eq!(alone.status.code(), Some(2));
    assert!(
        text(&alone.stderr).contains("--fix"),
        "{}",
        text(&alone.stderr)
    );
    for other in [["--format", "json"], ["--statistics", "--fix"]] {
        let out = mynaflow(dir.path(), &[&["--fix", "--diff"][..], &other[..]].concat());
        assert_eq!(out.status.code(), Some(2), "{other:?}");
    }
    // A file that cannot be read: exit 2 as for `check`.
    let missing = mynaflow(dir.path(), &["--fix", "--diff", "missing.myna"]);
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn diff_says_what_it_would_do_in_japanese() {
    let src = std::fs::read_to_string(DESIGN).unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("d.myna"), &src).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_mynaflow"))
        .current_dir(dir.path())
        .args([
            "check",
            "--no-config",
            "--lang",
            "ja",
            "--fix",
            "--diff",
            "d.myna",
        ])
        .output()
        .unwrap();
    let said = text(&out.stderr);
    assert!(
        said.contains("d.myna に修正を 2 件適用できます (指摘は 2 件から 0 件になります)"),
        "{said}"
    );
}
