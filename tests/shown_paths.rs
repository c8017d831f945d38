//! How findings name a rulebook file that a design `use`s: as the designs
//! beside it are named. A folder walk of `.` finds `./designs.myna`, shown
//! `designs.myna`; its `use "r6.myna"` joined to the design's folder was
//! `./r6.myna`, so one folder's files were named two ways, sorted apart
//! (`./r6.myna` before `designs.myna`), and MN013 quoted `./missing.myna`,
//! a path no design wrote.

mod common;
use common::mynaflow_in;

use std::path::Path;

/// A rulebook with a finding of its own (MN603, a rule written twice).
const R6: &str = r#"rulebook r6 "試験の組合" revised 2025-04-01
role 当組合 self "組合"
role 事業所 "加入事業所"
category 加入者情報 "加入者の個人情報"
section "A" "内部利用" basis "個人情報保護法第18条" {
  purpose 資格管理 "資格の管理"
  purpose 事業所連携 "事業所との連携"
  allow 当組合 -> 事業所 : 加入者情報 for 事業所連携
  allow 当組合 -> 事業所 : 加入者情報 for 事業所連携
}
"#;

/// A design using the rulebook beside it, with a finding (MN202) whose
/// label points into the rulebook.
const DESIGNS: &str = "use \"r6.myna\"\nactor 基幹 : 当組合\nactor 本社 : 事業所\n\
data 資格 : 加入者情報\nflow 基幹 -> 本社 : 資格 for 資格管理\n";

/// A design naming a rulebook that is not there (MN013).
const GONE: &str = "use \"missing.myna\"\nactor 基幹 : 当組合\n";

/// A temporary folder holding `folder/` with the three files.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let folder = dir.path().join("folder");
    std::fs::create_dir(&folder).expect("folder");
    for (name, text) in [
        ("r6.myna", R6),
        ("designs.myna", DESIGNS),
        ("gone.myna", GONE),
    ] {
        std::fs::write(folder.join(name), text).expect("write");
    }
    dir
}

/// `check PATH --format FORMAT` run in `dir`: its standard output, which
/// must be a run that found errors (exit 1) or could not check a design
/// (exit 2, MN013).
fn check(dir: &Path, path: &str, format: &str) -> String {
    let o = mynaflow_in(dir, &["check", path, "--format", format, "--lang", "en"]);
    assert!(
        matches!(o.status.code(), Some(1 | 2)),
        "check {path} --format {format}: {:?} {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// No file of the project is named with a `.` part (`./r6.myna`,
/// `./folder/r6.myna`, `folder/./r6.myna`). (The explain pages in SARIF
/// say `./kempo`: only the project's names are looked for.)
fn assert_no_dot(out: &str, what: &str) {
    for name in ["designs.myna", "gone.myna", "r6.myna", "missing.myna"] {
        for dotted in ["./", "./folder/", "folder/./"] {
            let dotted = format!("{dotted}{name}");
            assert!(!out.contains(&dotted), "{what}: `{dotted}` in\n{out}");
        }
    }
}

#[test]
fn a_used_rulebook_is_named_as_the_designs_beside_it_in_every_format() {
    let dir = project();
    let folder = dir.path().join("folder");
    // `check .` from inside the folder, and `check folder` (and
    // `./folder/`) from above it: the same root for designs and rulebook.
    for (cwd, path, root) in [
        (folder.as_path(), ".", ""),
        (dir.path(), "folder", "folder/"),
        (dir.path(), "./folder/", "folder/"),
    ] {
        for format in [
            "human", "concise", "json", "sarif", "github", "gitlab", "junit",
        ] {
            let out = check(cwd, path, format);
            let what = format!("check {path} --format {format}");
            assert_no_dot(&out, &what);
            assert!(
                out.contains(&format!("{root}designs.myna")),
                "{what}:\n{out}"
            );
            assert!(out.contains(&format!("{root}r6.myna")), "{what}:\n{out}");
            // MN013 names the missing rulebook from the same root.
            assert!(
                out.contains(&format!("rulebook `{root}missing.myna` not found")),
                "{what}:\n{out}"
            );
        }
        // Sorted by file as named: the designs, then the rulebook's own
        // finding (MN603), which sorted first when named `./r6.myna`.
        let concise = check(cwd, path, "concise");
        let files: Vec<&str> = concise
            .lines()
            .filter_map(|l| l.split(':').next())
            .collect();
        assert_eq!(
            files,
            [
                format!("{root}designs.myna"),
                format!("{root}gone.myna"),
                format!("{root}gone.myna"),
                format!("{root}r6.myna"),
            ],
            "{concise}"
        );
        // The label in the rulebook, in the human format.
        let human = check(cwd, path, "human");
        assert!(human.contains(&format!("┌─ {root}r6.myna:6:11")), "{human}");
    }
}

/// `mynaflow test .` names each file as `check .` does, and its MN013
/// message names the rulebook from the same root.
#[test]
fn test_names_files_as_check_does() {
    let dir = project();
    let folder = dir.path().join("folder");
    let o = mynaflow_in(&folder, &["test", ".", "--lang", "en"]);
    // The files have unpinned findings, and gone.myna's rulebook cannot
    // be loaded: the run could not check it.
    assert_eq!(o.status.code(), Some(2));
    let out = String::from_utf8_lossy(&o.stdout);
    assert_no_dot(&out, "output");
    for line in ["FAIL designs.myna", "FAIL gone.myna", "FAIL r6.myna"] {
        assert!(out.lines().any(|l| l == line), "`{line}` in\n{out}");
    }
    assert!(out.contains("rulebook `missing.myna` not found"), "{out}");
}

/// A design read from standard input under `--stdin-filename ./x.myna`
/// is named as the file `./x.myna` would be, and so is its rulebook.
#[test]
fn a_stdin_design_and_its_rulebook_are_named_as_files() {
    let dir = project();
    let folder = dir.path().join("folder");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mynaflow"))
        .args([
            "check",
            "-",
            "--stdin-filename",
            "./designs.myna",
            "--format",
            "concise",
        ])
        .current_dir(&folder)
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run mynaflow");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(DESIGNS.as_bytes()).expect("write stdin");
    }
    let o = child.wait_with_output().expect("wait");
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    assert_no_dot(&out, "output");
    assert!(out.starts_with("designs.myna:5:24: MN202 "), "{out}");
    assert!(out.contains("\nr6.myna:9:3: MN603 "), "{out}");
}
