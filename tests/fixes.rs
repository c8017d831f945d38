//! Fixes as data: applying every per-code example's fixes (safe and
//! unsafe) gives its `.fixed.myna` twin, token for token (comments aside),
//! where every finding has a fix; and `check --fix` rewrites files.

use mynaflow::apply_fixes;
use mynaflow::session::{RulebookSource, Session};
use mynaflow::span::FileId;
use mynaflow::syntax::lexer::lex;
use mynaflow::syntax::token::TokenKind;
use std::path::Path;
use std::process::Command;

/// Tokens of a text without comments and punctuation spelling.
fn tokens(text: &str) -> Vec<(TokenKind, String)> {
    lex(FileId(0), text)
        .tokens
        .iter()
        .map(|t| match t.kind {
            TokenKind::Name | TokenKind::Str | TokenKind::Keyword(_) => {
                (t.kind, t.text(text).to_string())
            }
            k => (k, String::new()),
        })
        .collect()
}

fn check(path: &Path, text: &str) -> (Session, FileId) {
    let mut s = Session::new(RulebookSource::Builtin("kenpo".into()));
    let c = s.check_text(&path.display().to_string(), text.to_string(), path.parent());
    (s, c.file)
}

/// Twins that choose another fix than the finding's: MN014's twin
/// respells the declaration, the fix respells the uses as declared; MN303's
/// twin lists the clauses in the rulebook's order, the fix appends the
/// missing ones after those declared (both are clean).
const OTHER_CHOICE: &[&str] = &["MN014-spelling", "MN303-missing-clauses"];

#[test]
fn examples_fixed_equal_their_twins() {
    let mut compared = 0;
    let mut dir: Vec<_> = std::fs::read_dir("docs/codes/examples")
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.to_string_lossy().ends_with(".myna") && !p.to_string_lossy().ends_with(".fixed.myna")
        })
        .collect();
    dir.sort();
    for path in dir {
        let Ok(original) = std::fs::read_to_string(&path) else {
            continue;
        };
        let (s, file) = check(&path, &original);
        let mine: Vec<_> = s
            .diagnostics
            .iter()
            .filter(|d| d.primary.file == file)
            .collect();
        if mine.is_empty() || mine.iter().any(|d| d.fixes.is_empty()) {
            continue;
        }
        let mut text = original.clone();
        for _ in 0..apply_fixes::MAX_ROUNDS {
            let (s, file) = check(&path, &text);
            let fixes = apply_fixes::fixes_for(&s.diagnostics, file, true);
            let r = apply_fixes::apply(&text, &fixes);
            if r.applied == 0 {
                break;
            }
            text = r.text;
        }
        let (s, file) = check(&path, &text);
        assert!(
            s.diagnostics.iter().all(|d| d.primary.file != file),
            "{}: findings left after the fixes:\n{text}",
            path.display()
        );
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        if !OTHER_CHOICE.contains(&stem.as_str()) {
            let twin = std::fs::read_to_string(path.with_extension("fixed.myna")).unwrap();
            assert_eq!(
                tokens(&text),
                tokens(&twin),
                "{}: fixed text differs from its twin:\n{text}",
                path.display()
            );
        }
        compared += 1;
    }
    assert!(
        compared >= 3,
        "only {compared} examples have fixes for every finding"
    );
}

#[test]
fn check_fix_rewrites_and_reports() {
    let fixed = fixed_copy("docs/codes/examples/MN003-fullwidth-colon.myna", &[]);
    assert!(
        fixed.stderr.contains("applied 2 fix(es)"),
        "{}",
        fixed.stderr
    );
    assert!(!fixed.text.contains('：') && !fixed.text.contains('，'));
    assert_eq!(fixed.status, Some(0), "{}", fixed.stderr);
}

/// What `check --fix` did to a copy of a design.
struct FixedCopy {
    /// The design as it was.
    src: String,
    /// The copy, once fixed.
    text: String,
    stdout: String,
    stderr: String,
    status: Option<i32>,
}

/// `check --fix ARGS` (in English) on a copy of `design`.
fn fixed_copy(design: &str, args: &[&str]) -> FixedCopy {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("d.myna");
    let src = std::fs::read_to_string(design).unwrap();
    std::fs::write(&f, &src).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_mynaflow"))
        .args(["check", "--fix", "--lang", "en"])
        .args(args)
        .arg(&f)
        .output()
        .unwrap();
    FixedCopy {
        src,
        text: std::fs::read_to_string(&f).unwrap(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
        status: out.status.code(),
    }
}

/// A name that abbreviates one of the rulebook's is suggested but never
/// rewritten (which name was meant is a guess). The misspelling beside it
/// with one close name is respelt only with `--unsafe-fixes`: `の` left
/// out is more than a slip of the keys (the fix audit: a safe respelling
/// dropped a My Number item, or made `組合員` the society `組合`).
#[test]
fn check_fix_respells_a_typo_only_when_asked_and_leaves_an_abbreviation() {
    let fixed = fixed_copy("tests/cases/abbreviated-names.myna", &[]);
    assert!(
        fixed.stderr.contains("have an unsafe fix"),
        "{}",
        fixed.stderr
    );
    assert_eq!(fixed.text, fixed.src, "nothing safe to fix");
    let fixed = fixed_copy("tests/cases/abbreviated-names.myna", &["--unsafe-fixes"]);
    assert!(
        fixed.stderr.contains("applied 1 fix(es)"),
        "{}",
        fixed.stderr
    );
    for said in [
        "did you mean `課税・非課税情報`? (`課税情報` would abbreviate it)",
        "did you mean `住民票関係情報`? (`住民情報` would abbreviate it)",
    ] {
        assert!(fixed.stdout.contains(said), "{said}: {}", fixed.stdout);
    }
    let respelled = fixed.src.replace("for 被扶養者の認定", "for 被扶養者認定");
    assert_eq!(fixed.text, respelled);
    assert_eq!(fixed.status, Some(1), "{}", fixed.stderr);
}

/// A name of another kind (a role where a category goes, an actor carried
/// as an item) is no misspelling: MN010 says what it is, and no fix
/// respells it, not even into the one close name.
#[test]
fn check_fix_leaves_a_name_of_another_kind() {
    let fixed = fixed_copy(
        "tests/cases/names-of-another-kind.myna",
        &["--unsafe-fixes"],
    );
    for said in [
        "`他機関` is a role of the rulebook `kenpo`, not a category",
        "`基幹システム` is an actor of this design, not a data item",
        "`課税情報` is a data item of this design, not an actor",
        "did you mean `他機関資格情報`?",
        "`7(1)` is a section of the rulebook `kenpo`, not a purpose: a flow names one of its \
         purposes (保険給付審査, 高齢受給者負担区分判定, 被保険者資格取得, 保険料還付, \
         被扶養者認定, 保険給付)",
        "is `7(` a section id?",
    ] {
        assert!(fixed.stdout.contains(said), "{said}: {}", fixed.stdout);
    }
    assert_eq!(fixed.text, fixed.src);
    assert_eq!(fixed.status, Some(1), "{}", fixed.stderr);
}

/// A fixed text is written while it is checked again, in each round that
/// changes it: a design fixed in two rounds ends with its second round's
/// text on the disk, and a file that cannot be written (a symlink, read
/// with `--follow-symlinks` but never written through) is the run's error,
/// said after the files fixed beside it.
#[cfg(unix)]
#[test]
fn check_fix_writes_each_rounds_text_and_says_a_refused_write_last() {
    let dir = tempfile::tempdir().unwrap();
    // A flow the wrong way whose item is misspelled: the first round
    // respells it (MN010, a safe fix), and only then is the flow judged,
    // and turned round (MN102) in the second.
    let twice = std::fs::read_to_string("docs/codes/examples/MN102-wrong-direction.myna")
        .unwrap()
        .replace(": 課税情報 for", ": 課税情報報 for");
    assert!(twice.contains("課税情報報"));
    let colons = std::fs::read_to_string("docs/codes/examples/MN003-fullwidth-colon.myna").unwrap();
    std::fs::create_dir(dir.path().join("real")).unwrap();
    std::fs::write(dir.path().join("real/a.myna"), &colons).unwrap();
    std::os::unix::fs::symlink("real/a.myna", dir.path().join("link.myna")).unwrap();
    for name in ["m1.myna", "m2.myna", "alone.myna"] {
        std::fs::write(dir.path().join(name), &twice).unwrap();
    }
    let fix = |files: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_mynaflow"))
            .args([
                "check",
                "--fix",
                "--unsafe-fixes",
                "--timings",
                "--follow-symlinks",
            ])
            .args(files)
            .current_dir(dir.path())
            .output()
            .unwrap();
        (out.status.code(), String::from_utf8(out.stderr).unwrap())
    };
    // Fixed alone, the design takes two rounds, each written.
    let (_, alone) = fix(&["alone.myna"]);
    assert!(
        alone.contains("(2 more check(s) of a file's text)")
            && alone.contains("written while checked again: 2 file(s)"),
        "{alone}"
    );
    let fixed = std::fs::read_to_string(dir.path().join("alone.myna")).unwrap();
    assert_ne!(fixed, twice);
    let (code, stderr) = fix(&["link.myna", "m1.myna", "m2.myna"]);
    assert_eq!(code, Some(2), "{stderr}");
    for name in ["m1.myna", "m2.myna"] {
        let text = std::fs::read_to_string(dir.path().join(name)).unwrap();
        assert_eq!(text, fixed, "{name}: the last round's text");
    }
    let said: Vec<&str> = (stderr.lines())
        .filter(|l| l.starts_with("mynaflow: applied") || l.contains("is a symlink"))
        .collect();
    assert_eq!(said.len(), 3, "{stderr}");
    assert!(
        said[0].ends_with(" in m1.myna: 2 finding(s) before, 0 after")
            && said[1].ends_with(" in m2.myna: 2 finding(s) before, 0 after"),
        "{stderr}"
    );
    assert!(
        said[2].contains("link.myna: is a symlink; not written"),
        "{stderr}"
    );
    let target = std::fs::read_to_string(dir.path().join("real/a.myna")).unwrap();
    assert_eq!(target, colons, "the link's target is left as it was");
    // Not asked to follow symlinks, the link named is not read at all.
    let out = Command::new(env!("CARGO_BIN_EXE_mynaflow"))
        .args(["check", "--fix", "link.myna"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("link.myna: a symlink, not followed"),
        "{stderr}"
    );
    assert!(!stderr.contains("mynaflow: applied"), "{stderr}");
    // Nothing more to fix in what was written.
    let (code, again) = fix(&["m1.myna"]);
    assert!(!again.contains("mynaflow: applied"), "{again}");
    assert_ne!(code, Some(2), "{again}");
}

/// `check --fix --timings` prints the check's stages (every file's first
/// check, and the report), then the rounds': each check of a fixed text
/// (one here: the text the round fixed, in which nothing more applies)
/// under the check's stage names, and the rounds' own stages.
#[test]
fn check_fix_timings_show_the_check_then_the_rounds() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("d.myna");
    let src = std::fs::read_to_string("docs/codes/examples/MN003-fullwidth-colon.myna").unwrap();
    std::fs::write(&f, &src).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_mynaflow"))
        .args(["check", "--fix", "--timings"])
        .arg(&f)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let (check, rounds) = stderr
        .split_once("\n--fix rounds (1 more check(s) of a file's text):\n")
        .expect(&stderr);
    let (rounds, again) = rounds
        .split_once("\nthe rounds' checks, by stage:\n")
        .expect(&stderr);
    assert!(
        rounds.contains("\nwritten while checked again: 1 file(s), "),
        "{stderr}"
    );
    let (_, check) = check.split_once("check:\n").expect(&stderr);
    let stages = |table: &str| -> Vec<String> {
        (table.lines())
            .filter(|l| l.ends_with('%'))
            // The name fills the first 14 columns (some have a space).
            .filter_map(|l| l.get(..14).map(|n| n.trim().to_string()))
            .collect()
    };
    let (check, rounds, again) = (stages(check), stages(rounds), stages(again));
    let has_all = |table: &[String], which: &str, names: &[&str]| {
        for name in names {
            assert!(
                table.iter().any(|s| s == name),
                "no {name} in the {which}: {stderr}"
            );
        }
    };
    // The rounds' own stages are wall time, apart from the stages of
    // their checks: the total of each table adds up what it lists once.
    let round_stages = ["apply+free", "index lines", "check again", "write"];
    has_all(&rounds, "rounds", &round_stages);
    assert_eq!(rounds, round_stages, "{stderr}");
    has_all(&again, "checks again", &["lex", "resolve", "checks"]);
    assert!(!again.iter().any(|s| s == "write"), "{stderr}");
    let check_stages = [
        "read+decode",
        "lex",
        "resolve",
        "checks",
        "cap",
        "render+write",
    ];
    has_all(&check, "check", &check_stages);
    assert!(!check.iter().any(|s| s == "apply+free"), "{stderr}");
    assert!(
        !again.iter().any(|s| s == "read+decode"),
        "the rounds read no file: {stderr}"
    );
    assert_eq!(out.status.code(), Some(0), "{stderr}");
}

/// `--fix` applies the fix of every finding, not the hundred a code that
/// a check shows: 1 500 full-width colons (MN003, a safe fix each) are
/// all fixed in one round, where ten rounds of a hundred left 500. What
/// is left is counted over every finding too: 150 flows the wrong way
/// (MN102, an unsafe fix each) are 150, not the hundred shown.
#[test]
fn check_fix_fixes_every_finding_past_the_cap_and_counts_what_is_left() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("many.myna");
    let mut src = String::from(
        "use \"kenpo\"\n\
         actor 適用システム : 組合\n\
         actor 中間サーバー : 中間サーバー\n\
         actor 情報提供NWS : 情報提供ネットワークシステム\n\
         actor 市町村 : 他機関\n\
         data 課税情報 : 課税・非課税情報\n",
    );
    for i in 0..1_500 {
        src.push_str(&format!("actor 事業所{i}：事業主\n"));
    }
    for _ in 0..150 {
        src.push_str("flow 適用システム -> 市町村 : 課税情報 for 被扶養者認定 via 中間サーバー, 情報提供NWS\n");
    }
    std::fs::write(&f, &src).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_mynaflow"))
        .args(["check", "--fix", "--format", "concise"])
        .arg(&f)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("applied 1500 fix(es)"), "{stderr}");
    assert!(
        stderr.contains(
            "mynaflow: 150 finding(s) have an unsafe fix: review them, then run `mynaflow check --fix --unsafe-fixes`"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("still have"), "{stderr}");
    let fixed = std::fs::read_to_string(&f).unwrap();
    assert!(!fixed.contains('：'));
    assert_eq!(fixed.matches("flow 適用システム -> 市町村").count(), 150);
    assert_eq!(out.status.code(), Some(1), "the MN102s are errors");
}

/// `--fix` fixes what the check reports, under the same config: not a
/// code that `ignore` (in `mynaflow.toml` or on the command line) or the
/// file's `per-file-ignores` leaves out, nor a finding a baseline records;
/// and a finding the config asks for (`require-clauses`: MN303 for a
/// contractor with no clauses block) is fixed.
#[test]
fn check_fix_fixes_what_the_check_reports_under_its_config() {
    let wrong_way =
        std::fs::read_to_string("docs/codes/examples/MN102-wrong-direction.myna").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let legacy = dir.path().join("legacy");
    std::fs::create_dir_all(&legacy).unwrap();
    let config = dir.path().join("mynaflow.toml");
    // The design after `check --fix --unsafe-fixes ARGS` under `config`.
    let fixed = |config_text: Option<&str>, file: &Path, src: &str, args: &[&str]| {
        match config_text {
            Some(t) => std::fs::write(&config, t).unwrap(),
            None => {
                let _ = std::fs::remove_file(&config);
            }
        }
        std::fs::write(file, src).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_mynaflow"))
            .args(["check", "--fix", "--unsafe-fixes", "--format", "concise"])
            .args(args)
            .arg(file)
            .output()
            .unwrap();
        assert_ne!(
            out.status.code(),
            Some(2),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::fs::read_to_string(file).unwrap()
    };
    let top = dir.path().join("d.myna");
    let old = legacy.join("d.myna");
    // Reversed when reported; left as it is when MN102 is not.
    assert_ne!(fixed(None, &top, &wrong_way, &[]), wrong_way);
    let ignored = Some("ignore = [\"MN102\"]\n");
    assert_eq!(fixed(ignored, &top, &wrong_way, &[]), wrong_way);
    assert_eq!(
        fixed(None, &top, &wrong_way, &["--ignore", "MN102"]),
        wrong_way
    );
    assert_eq!(
        fixed(None, &top, &wrong_way, &["--select", "MN3"]),
        wrong_way
    );
    let per_file = Some("[per-file-ignores]\n\"legacy/**\" = [\"MN102\"]\n");
    assert_eq!(fixed(per_file, &old, &wrong_way, &[]), wrong_way);
    assert_ne!(fixed(per_file, &top, &wrong_way, &[]), wrong_way);
    // Recorded in a baseline: not reported, so not fixed.
    let baseline = dir.path().join("baseline.json");
    std::fs::write(&top, &wrong_way).unwrap();
    let recorded = Command::new(env!("CARGO_BIN_EXE_mynaflow"))
        .arg("check")
        .arg("--write-baseline")
        .arg(&baseline)
        .arg(&top)
        .output()
        .unwrap();
    assert_eq!(recorded.status.code(), Some(0));
    let with_baseline = ["--baseline", baseline.to_str().unwrap()];
    assert_eq!(fixed(None, &top, &wrong_way, &with_baseline), wrong_way);
    // A contractor with no clauses block: reported, and fixed, only when
    // the config requires clauses.
    let entrusting = "use \"kenpo\"\nactor 基幹 : 組合\nactor 印刷 : 委託先\ndata 資格 : 資格情報\nflow 基幹 -> 印刷 : 資格 for 資格確認\n";
    assert_eq!(fixed(None, &top, entrusting, &[]), entrusting);
    let required = fixed(Some("require-clauses = true\n"), &top, entrusting, &[]);
    assert!(required.contains("clauses "), "{required}");
}

/// `--fix` rewrites files: standard input is refused (exit 2), not checked
/// as if `--fix` had not been asked.
#[test]
fn check_fix_refuses_standard_input() {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_mynaflow"))
        .args(["check", "--fix", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let _ = child
        .stdin
        .take()
        .unwrap()
        .write_all("use \"kenpo\"\nactor 基幹：組合\n".as_bytes());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot fix `-`"), "{stderr}");
}

/// A folder of many designs is fixed file by file on every core: each file
/// ends as `check --fix --unsafe-fixes` leaves it alone, and the files
/// fixed are said in their order.
#[test]
fn a_folder_is_fixed_as_each_of_its_files_alone() {
    let bin = env!("CARGO_BIN_EXE_mynaflow");
    let mut examples: Vec<std::path::PathBuf> = std::fs::read_dir("docs/codes/examples")
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let s = p.to_string_lossy();
            s.ends_with(".myna") && !s.ends_with(".fixed.myna")
        })
        .collect();
    examples.sort();
    let together = tempfile::tempdir().unwrap();
    let alone = tempfile::tempdir().unwrap();
    let mut names = Vec::new();
    // Twice over: more than one batch of files.
    for copy in 0..2 {
        for (i, p) in examples.iter().enumerate() {
            let name = format!("{copy}-{i:03}.myna");
            std::fs::copy(p, together.path().join(&name)).unwrap();
            std::fs::copy(p, alone.path().join(&name)).unwrap();
            names.push(name);
        }
    }
    names.sort();
    let fix = |dir: &Path, what: &str| {
        Command::new(bin)
            .args([
                "check",
                "--fix",
                "--unsafe-fixes",
                "--format",
                "concise",
                what,
            ])
            .current_dir(dir)
            .output()
            .unwrap()
    };
    let folder = fix(together.path(), ".");
    let said: Vec<String> = String::from_utf8_lossy(&folder.stderr)
        .lines()
        .filter_map(|l| l.strip_prefix("mynaflow: applied "))
        .filter_map(|l| l.split(" in ./").nth(1))
        // `x.myna: 4 finding(s) before, 0 after`: the name.
        .map(|l| l.rsplit_once(": ").map_or(l, |(name, _)| name))
        .map(str::to_string)
        .collect();
    let mut fixed_alone = Vec::new();
    for name in &names {
        let o = fix(alone.path(), name);
        if String::from_utf8_lossy(&o.stderr).contains("mynaflow: applied ") {
            fixed_alone.push(name.clone());
        }
        // Bytes: the MN005 example is not UTF-8, and is left as it is.
        assert_eq!(
            std::fs::read(together.path().join(name)).unwrap(),
            std::fs::read(alone.path().join(name)).unwrap(),
            "{name}"
        );
    }
    assert!(
        names.len() > 64,
        "more than one batch: {} files",
        names.len()
    );
    assert!(fixed_alone.len() >= 10, "{} fixed", fixed_alone.len());
    assert_eq!(said, fixed_alone, "the files fixed, said in their order");
}

/// Copies every `.myna` file of `from` (not its folders) into `to`.
fn copy_designs(from: &str, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        if p.is_file() && p.extension().is_some_and(|x| x == "myna") {
            std::fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
        }
    }
}

/// `check --fix` reports what `check` of the files it fixed reports: it
/// reports its last round's findings rather than reading and checking the
/// files again. Over every per-code example and case, a rulebook with a
/// fix beside designs that use it (fixed first, the designs checked
/// against what it became), a baseline that excuses half the findings
/// (each fixed design's excuses taken afresh), a config that ignores a
/// code in some files, and a cap of two a code (applied after the rounds,
/// as the check applies it).
#[test]
fn check_fix_reports_what_a_check_of_the_fixed_files_reports() {
    let bin = env!("CARGO_BIN_EXE_mynaflow");
    for fix in [&["--fix"][..], &["--fix", "--unsafe-fixes"]] {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        copy_designs("docs/codes/examples", &root.join("examples"));
        copy_designs("tests/cases", &root.join("cases"));
        copy_designs("tests/cases/custom", &root.join("custom"));
        // A full-width colon (MN003, a safe fix) in the rulebook and in a
        // design that uses it, and one in the rulebook that a comment
        // allows.
        let edit = |file: &str, from: &str, to: &str| {
            let p = root.join("custom").join(file);
            let text = std::fs::read_to_string(&p).unwrap();
            assert!(text.contains(from), "{file}: {from}");
            std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
        };
        edit(
            "rules.myna",
            "allow 県 -> 市 : 本人確認情報 for 転入確認",
            "allow 県 -> 市：本人確認情報 for 転入確認",
        );
        let allowed =
            "allow 市 -> 県：住民情報 for 県統計   # mynaflow: allow MN003 reason=\"as written\"";
        edit(
            "rules.myna",
            "allow 市 -> 県 : 住民情報 for 県統計",
            allowed,
        );
        edit(
            "design.myna",
            "actor 県               :",
            "actor 県               ：",
        );
        // Seven flows the wrong way (MN102, an unsafe fix each) and six
        // full-width colons (MN003, a safe fix each) in unused actors
        // (MN012): more of a code than the cap, before and after fixing.
        let mut many =
            std::fs::read_to_string("docs/codes/examples/MN102-wrong-direction.myna").unwrap();
        for i in 0..6 {
            many.push_str("flow 適用システム -> 市町村 : 課税情報 for 被扶養者認定 via 中間サーバー, 情報提供NWS\n");
            many.push_str(&format!("actor 予備{i}：組合\n"));
        }
        std::fs::write(root.join("examples/many.myna"), many).unwrap();
        std::fs::write(
            root.join("mynaflow.toml"),
            "[per-file-ignores]\n\"cases/**\" = [\"MN003\"]\n",
        )
        .unwrap();
        let run = |args: &[&str]| {
            Command::new(bin)
                .arg("check")
                .args(args)
                // The rulebook named for the run too, so the run's
                // session loads it before any file.
                .args(["--rules", "custom/rules.myna"])
                .args(["--max-per-code", "2", "--format", "json", "."])
                .current_dir(root)
                .output()
                .unwrap()
        };
        // The run fails (a case names a rulebook that is not there), and
        // records every finding all the same.
        let recorded = run(&["--write-baseline", "base.json"]);
        let said = String::from_utf8_lossy(&recorded.stderr);
        assert!(said.contains("recorded "), "{said}");
        let path = root.join("base.json");
        let mut baseline: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let findings = baseline["findings"].as_array_mut().unwrap();
        let all = findings.len();
        // Every other finding excused, but none of `custom/`'s, whose
        // fixes are asserted below whatever other cases there are.
        let mut i = 0;
        findings.retain(|f| {
            i += 1;
            i % 2 == 0 && !f["file"].as_str().unwrap().starts_with("custom/")
        });
        assert!(all > 40, "{all} findings recorded");
        std::fs::write(&path, baseline.to_string()).unwrap();

        let fixed = run(&[fix, &["--baseline", "base.json"]].concat());
        let stderr = String::from_utf8_lossy(&fixed.stderr);
        assert!(
            stderr.contains("applied 1 fix(es) in ./custom/rules.myna"),
            "{stderr}"
        );
        assert!(
            stderr.contains(" fix(es) in ./custom/design.myna"),
            "{stderr}"
        );
        let count = stderr.matches("mynaflow: applied ").count();
        assert!(count >= 5, "{count} files fixed: {stderr}");
        assert!(stderr.contains("recorded in the baseline"), "{stderr}");
        let after = run(&["--baseline", "base.json"]);
        assert_eq!(
            String::from_utf8_lossy(&fixed.stdout),
            String::from_utf8_lossy(&after.stdout),
            "{fix:?}"
        );
        assert_eq!(fixed.status.code(), after.status.code());
        // Nothing a comment allows, nor the config ignores, was fixed.
        let rules = std::fs::read_to_string(root.join("custom/rules.myna")).unwrap();
        assert!(rules.contains(allowed), "{rules}");
        assert!(!rules.contains("県 -> 市："), "{rules}");
        let ignored =
            std::fs::read_to_string(root.join("cases/fullwidth-punctuation.myna")).unwrap();
        assert!(ignored.contains('：'), "{ignored}");
    }
}

/// `check --fix` of a design with more findings without a fix than the
/// cap shows (duplicate actors and unterminated strings on hundreds of
/// lines) and a fix on many others (full-width colons): the rounds keep
/// twice the cap of each code in full, the others as their places with
/// their fixes (every colon is fixed), and the report is what `check` of
/// the fixed file reports. When
/// suppressions take out every duplicate kept in full, the cap would show
/// one kept as its place: the design is then checked once more, with the
/// cap.
#[test]
fn check_fix_of_findings_past_the_cap_without_a_fix_reports_what_a_check_reports() {
    let suppressed = "actor 市町村 : 他機関  # mynaflow: allow MN011 reason=\"kept\"\n";
    let plain = "actor 市町村 : 他機関\n";
    for suppressed_first in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("dense.myna");
        let mut src = String::from(
            "use \"kenpo\"\n\
             actor 適用システム : 組合\n\
             actor 市町村 : 他機関\n\
             data 課税情報 : 課税・非課税情報\n",
        );
        for i in 0..500 {
            let duplicate = match (suppressed_first, i < 250) {
                (true, first) => [plain, suppressed][first as usize],
                (false, _) => [plain, suppressed][i % 2],
            };
            src.push_str(duplicate);
            src.push_str(&format!("actor 事業所{i}：事業主\n"));
            src.push_str(&format!("data 項目{i} : 課税・非課税情報 \"abc\n"));
        }
        std::fs::write(&f, &src).unwrap();
        let run = |args: &[&str]| {
            Command::new(env!("CARGO_BIN_EXE_mynaflow"))
                .args(args)
                .arg(&f)
                .output()
                .unwrap()
        };
        let fixed = run(&["check", "--fix", "--timings", "--format", "json"]);
        let stderr = String::from_utf8_lossy(&fixed.stderr);
        assert!(stderr.contains("applied 500 fix(es)"), "{stderr}");
        // Fixed in one round and checked again after it; then, when the
        // cap would show one kept as a place, checked with the cap.
        let (checks, capped) = match suppressed_first {
            true => (2, true),
            false => (1, false),
        };
        let rounds = format!("--fix rounds ({checks} more check(s) of a file's text):");
        assert!(stderr.contains(&rounds), "{stderr}");
        assert_eq!(stderr.contains("\ncheck capped "), capped, "{stderr}");
        let text = std::fs::read_to_string(&f).unwrap();
        assert!(!text.contains('：'), "every full-width colon fixed");
        let checked = run(&["check", "--format", "json"]);
        assert_eq!(
            String::from_utf8_lossy(&fixed.stdout),
            String::from_utf8_lossy(&checked.stdout)
        );
        assert_eq!(fixed.status.code(), checked.status.code());
        let report = String::from_utf8_lossy(&checked.stdout);
        // 250 duplicate actors past the suppressed, 500 unterminated
        // strings, 1 003 names nothing uses.
        for more in [
            "150 more MN011 finding(s) in this file",
            "400 more MN002 finding(s) in this file",
            "903 more MN012 finding(s) in this file",
        ] {
            assert!(report.contains(more), "{more}: {report}");
        }
    }
}

/// `check --fix` in `dir` on `args`: exit code and stderr.
fn fix_in(dir: &std::path::Path, args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_mynaflow"))
        .current_dir(dir)
        .args(["check", "--no-config", "--fix", "--format", "concise"])
        .args(args)
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8(out.stderr).unwrap())
}

const USED_RULES: &str = "rulebook 例 \"例\" revised 2024-12-04\nrole 組合 self\nrole 他機関\n\
    role 網 carrier\ncategory 番号情報 mynumber\n\
    section \"7\" \"受ける\" mynumber basis \"番号法第19条第8号\" {\n  purpose 照会\n  \
    allow 他機関 -> 組合 ： 番号情報 for 照会 via 網\n}\n";

const USING_DESIGN: &str = "use \"rules.myna\"\nactor 市 : 他機関\nactor 網1 : 網\nactor 基幹 : 組合\n\
    data 番号 : 番号情報\nflow 市 -> 基幹 : 番号 for 照会 via 網1\n";

/// A rulebook a design `use`s, not named on the command line, is not
/// fixed (the user did not name it), but its findings with a fix are
/// said, with the command that fixes them: they used to be left without a
/// word, the run exiting 0 (the third fix audit's M2).
#[test]
fn check_fix_says_the_fixes_left_in_a_rulebook_it_was_not_given() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("rules.myna"), USED_RULES).unwrap();
    std::fs::write(dir.path().join("design.myna"), USING_DESIGN).unwrap();
    let (code, stderr) = fix_in(dir.path(), &["--lang", "en", "design.myna"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains(
            "mynaflow: 1 finding(s) in rules.myna have a fix, not applied: the file was not named; \
             run `mynaflow check --fix rules.myna`"
        ),
        "{stderr}"
    );
    let rules = std::fs::read_to_string(dir.path().join("rules.myna")).unwrap();
    assert_eq!(rules, USED_RULES, "not named: not written");
    let (_, ja) = fix_in(dir.path(), &["--lang", "ja", "design.myna"]);
    assert!(
        ja.contains(
            "rules.myna の指摘 1 件には修正がありますが、指定されたファイルではないため適用していません。\
             `mynaflow check --fix rules.myna` を実行してください"
        ),
        "{ja}"
    );
    // Named, it is fixed, and nothing is left to say.
    let (code, stderr) = fix_in(dir.path(), &["--lang", "en", "design.myna", "rules.myna"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!stderr.contains("have a fix"), "{stderr}");
    let rules = std::fs::read_to_string(dir.path().join("rules.myna")).unwrap();
    assert!(rules.contains("組合 : 番号情報"), "{rules}");
}

/// What `--fix` says counts the fixes it applied and the findings before
/// and after, not fixes as findings: one fix (reversing a flow, which
/// also writes its names as declared) mends three findings here (the
/// third fix audit's L3). A file named twice under two spellings is
/// checked, fixed and said once, as `check` without `--fix` reports it
/// once.
#[test]
fn check_fix_counts_fixes_and_findings_and_names_a_file_once() {
    let dir = tempfile::tempdir().unwrap();
    let src = "use \"kenpo\"\nactor 市町村 : 他機関\nactor 情報提供NWS : 情報提供ネットワークシステム\n\
               actor 基幹ｼｽﾃﾑ : 組合\ndata 給付関連 : 保険給付関連情報\n\
               flow 市町村 -> 基幹システム : 給付関連 for 他機関給付事務 via 情報提供ＮＷＳ\n";
    std::fs::write(dir.path().join("a.myna"), src).unwrap();
    let check = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_mynaflow"))
            .current_dir(dir.path())
            .args(["check", "--no-config", "--format", "concise"])
            .args(args)
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    // Named twice, reported once.
    let found = check(&["a.myna", "./a.myna"]);
    assert_eq!(
        found.lines().filter(|l| l.contains(".myna:")).count(),
        3,
        "{found}"
    );
    let (code, stderr) = fix_in(
        dir.path(),
        &["--lang", "en", "--unsafe-fixes", "a.myna", "./a.myna"],
    );
    assert_eq!(code, Some(0), "{stderr}");
    let said: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains(" fix(es) in "))
        .collect();
    assert_eq!(said.len(), 1, "{stderr}");
    assert!(
        said[0].starts_with("mynaflow: applied 1 fix(es) in "),
        "{stderr}"
    );
    assert!(
        said[0].ends_with("a.myna: 3 finding(s) before, 0 after"),
        "{stderr}"
    );
    assert_eq!(check(&["a.myna"]), "");
}

/// A rulebook `--rules` names, among the files `--fix` fixes, is judged
/// as its fixes leave it: fixed, the run passes; left broken (its
/// respelling is unsafe), the run fails on it, said after the fixes (fix
/// audit D5: the run failed on the rulebook as it was, and reported it
/// fixed).
#[test]
fn a_rulebook_named_by_rules_is_judged_after_its_fixes() {
    let rules = "rulebook mine \"架空の規則集\"\n\
                 role 組合 self \"組合\"\nrole 加入者 subject \"加入者\"\n\
                 category 資格 \"資格の情報\"\n\
                 section \"1\" \"資格\" {\n  purpose 資格確認 \"資格の確認\"\n\
                 \x20 allow 組合 -> 加入者 : 資格 for 資格確忍\n}\n";
    let design = "actor 組合A : 組合\nactor 本人 : 加入者\n\
                  data 資格記録 : 資格\nflow 組合A -> 本人 : 資格記録 for 資格確認\n";
    let run = |extra: &[&str]| {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("rules.myna"), rules).unwrap();
        std::fs::write(dir.path().join("d.myna"), design).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_mynaflow"))
            .current_dir(dir.path())
            .args(["check", "--no-config", "--lang", "en", "--fix"])
            .args(extra)
            .args(["--rules", "rules.myna", "rules.myna", "d.myna"])
            .output()
            .unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        let fixed = std::fs::read_to_string(dir.path().join("rules.myna")).unwrap();
        (out.status.code(), stderr, fixed != rules)
    };
    let (status, stderr, fixed) = run(&["--unsafe-fixes"]);
    assert!(fixed, "{stderr}");
    assert!(!stderr.contains("cannot use the rulebook"), "{stderr}");
    assert_eq!(status, Some(0), "{stderr}");
    let (status, stderr, fixed) = run(&[]);
    assert!(!fixed, "{stderr}");
    assert!(
        stderr.contains("cannot use the rulebook rules.myna"),
        "{stderr}"
    );
    assert_eq!(status, Some(2), "{stderr}");
}
