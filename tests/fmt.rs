//! The formatter: idempotent and meaning-preserving over every example,
//! test case and rulebook, and over mangled inputs (it refuses or keeps the
//! meaning, never panics); `fmt --check` prints a diff; `fmt` keeps a BOM.

use mynaflow::code::Code;
use mynaflow::session::{RulebookSource, Session};
use std::path::{Path, PathBuf};
use std::process::Command;

fn myna_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            myna_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "myna") {
            out.push(p);
        }
    }
}

fn corpus() -> Vec<PathBuf> {
    let mut v = Vec::new();
    for d in ["examples", "docs/codes/examples", "tests/cases", "rules"] {
        myna_files(Path::new(d), &mut v);
    }
    v.sort();
    assert!(v.len() > 80, "the corpus is there");
    v
}

/// The findings of a text (their codes, MN003 left out: formatting
/// removes full-width syntax on purpose), and whether they are exactly
/// what its `# expect:` annotations say.
fn findings(path: &Path, text: &str) -> (Vec<Code>, bool) {
    let mut s = Session::new(RulebookSource::Builtin("kenpo".into()));
    let c = s.check_text(&path.display().to_string(), text.to_string(), path.parent());
    let file = s.sources.get(c.file);
    let mut v: Vec<Code> = s
        .diagnostics
        .iter()
        .filter(|d| d.primary.file == c.file && d.code != Code::MN003)
        .map(|d| d.code)
        .collect();
    v.sort();
    let keep = |f: &Vec<mynaflow::expect::Finding>| -> Vec<mynaflow::expect::Finding> {
        f.iter().copied().filter(|x| x.1 != Code::MN003).collect()
    };
    let expected = mynaflow::expect::expectations(file).unwrap_or_default();
    let reported = mynaflow::expect::reported(file, c.file, &s.diagnostics);
    let agree = mynaflow::expect::compare(&keep(&expected), &keep(&reported)).is_empty();
    (v, agree)
}

#[test]
fn idempotent_and_meaning_preserving_over_the_corpus() {
    let mut formatted = 0;
    for path in corpus() {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue; // the Shift_JIS example
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let Ok(out) = mynaflow::fmt::format(text) else {
            continue; // files with syntax errors are refused
        };
        formatted += 1;
        assert_eq!(
            mynaflow::fmt::format(&out).as_deref(),
            Ok(out.as_str()),
            "{}: formatting twice changes it",
            path.display()
        );
        // Same findings: the model is the same; and every `# expect:`
        // annotation still sits on its finding's line.
        assert_eq!(
            findings(&path, text),
            findings(&path, &out),
            "{}: formatting changed the findings",
            path.display()
        );
    }
    assert!(formatted > 70, "only {formatted} files formatted");
}

/// A small deterministic generator, so failures reproduce.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn mangled_inputs_are_refused_or_keep_their_meaning() {
    let mut rng = XorShift(0x2545_F491_4F6C_DD1D);
    let nasty: &[&str] = &[
        "\"", "{", "}", "#", "\n", "->", "\u{202e}", "：", "，", "\r", " ", "for ", "via ", ",",
        "𠮷", "\u{3000}",
    ];
    let mut kept = 0;
    for path in corpus() {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        for _ in 0..12 {
            let at = chars
                .get((rng.next() as usize) % (chars.len() + 1))
                .map_or(text.len(), |c| c.0);
            let what = nasty[(rng.next() as usize) % nasty.len()];
            let mangled = format!("{}{what}{}", &text[..at], &text[at..]);
            if let Ok(out) = mynaflow::fmt::format(&mangled) {
                kept += 1;
                assert_eq!(mynaflow::fmt::format(&out).as_deref(), Ok(out.as_str()));
                assert_eq!(
                    findings(&path, &mangled).0,
                    findings(&path, &out).0,
                    "{}",
                    path.display()
                );
            }
        }
    }
    assert!(kept > 50, "only {kept} mangled inputs were formatted");
}

#[test]
fn check_prints_a_diff_and_fmt_keeps_the_bom() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("a.myna");
    std::fs::write(
        &f,
        "\u{feff}use \"kenpo\"\nactor A:組合\nactor 長い名前 : 組合\n",
    )
    .unwrap();
    let bin = env!("CARGO_BIN_EXE_mynaflow");
    let out = Command::new(bin)
        .args(["fmt", "--check"])
        .arg(&f)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let diff = String::from_utf8(out.stdout).unwrap();
    assert!(
        diff.contains("-actor A:組合\n+actor A        : 組合\n"),
        "{diff}"
    );
    let out = Command::new(bin).arg("fmt").arg(&f).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(&f).unwrap(),
        "\u{feff}use \"kenpo\"\nactor A        : 組合\nactor 長い名前 : 組合\n"
    );
    let out = Command::new(bin)
        .args(["fmt", "--check"])
        .arg(&f)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    // A file with a syntax error is left alone, and the run says so.
    std::fs::write(&f, "flow A -> \n").unwrap();
    let out = Command::new(bin).arg("fmt").arg(&f).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&f).unwrap(), "flow A -> \n");
}

/// A design whose lines end in CRLF (checked out on Windows) keeps them:
/// formatting is about layout, and `fmt --check` of a file already laid
/// out passes whatever its line ends.
#[test]
fn fmt_keeps_the_line_ends_of_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("a.myna");
    std::fs::write(
        &f,
        "use \"kenpo\"\r\nactor A:組合 # 本部\r\nactor 長い名前 : 組合\r\n",
    )
    .unwrap();
    let bin = env!("CARGO_BIN_EXE_mynaflow");
    let out = Command::new(bin)
        .args(["fmt", "--check"])
        .arg(&f)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let diff = String::from_utf8(out.stdout).unwrap();
    assert!(
        diff.contains("-actor A:組合 # 本部\r\n+actor A        : 組合   # 本部\r\n"),
        "{diff:?}"
    );
    let out = Command::new(bin).arg("fmt").arg(&f).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(&f).unwrap(),
        "use \"kenpo\"\r\nactor A        : 組合   # 本部\r\nactor 長い名前 : 組合\r\n"
    );
    // The project's own CRLF case: its diff is of layout alone, every
    // line it shows ending as the file's lines do.
    let out = Command::new(bin)
        .args(["fmt", "--check", "tests/cases/crlf.myna"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let diff = String::from_utf8(out.stdout).unwrap();
    let shown: Vec<&str> = (diff.split_inclusive('\n'))
        .filter(|l| {
            [" ", "-", "+"].iter().any(|p| l.starts_with(p))
                && !l.starts_with("---")
                && !l.starts_with("+++")
        })
        .collect();
    assert!(
        !shown.is_empty() && shown.iter().all(|l| l.ends_with("\r\n")),
        "{diff:?}"
    );
}

/// Applies a unified diff (as `fmt --check` prints it) to `old`.
fn patch(old: &str, diff: &str) -> String {
    let old_lines: Vec<&str> = old.split_inclusive('\n').collect();
    let mut out = String::new();
    let mut next = 0; // the next old line to copy
    // Lines without their `\n` only (a `\r` before it is part of the line).
    let mut lines = diff
        .split_inclusive('\n')
        .map(|l| l.strip_suffix('\n').unwrap_or(l))
        .skip(2) // `---` and `+++`
        .peekable();
    while let Some(l) = lines.next() {
        if let Some(h) = l.strip_prefix("@@ -") {
            let start: usize = h.split([',', ' ']).next().unwrap().parse().unwrap();
            // An empty old range names the line before it.
            let len_zero = h.split(' ').next().unwrap().ends_with(",0");
            let first = if len_zero { start } else { start - 1 };
            for line in &old_lines[next..first] {
                out.push_str(line);
            }
            next = first;
            continue;
        }
        let no_newline = lines.peek() == Some(&"\\ No newline at end of file");
        let text = if no_newline {
            lines.next();
            l[1..].to_string()
        } else {
            format!("{}\n", &l[1..])
        };
        match &l[..1] {
            " " => {
                assert_eq!(old_lines[next], text);
                out.push_str(&text);
                next += 1;
            }
            "-" => {
                assert_eq!(old_lines[next], text);
                next += 1;
            }
            "+" => out.push_str(&text),
            other => panic!("unexpected diff line {other:?}"),
        }
    }
    for line in &old_lines[next..] {
        out.push_str(line);
    }
    out
}

/// Counts (hunks, removed lines, added lines, context lines) of a diff.
fn shape(diff: &str) -> (usize, usize, usize, usize) {
    let body = diff.lines().skip(2);
    let mut n = (0, 0, 0, 0);
    for l in body {
        match l.as_bytes().first() {
            Some(b'@') => n.0 += 1,
            Some(b'-') => n.1 += 1,
            Some(b'+') => n.2 += 1,
            Some(b' ') => n.3 += 1,
            _ => {}
        }
    }
    n
}

#[test]
fn check_diff_of_the_corpus_is_the_one_it_always_was_and_applies() {
    use mynaflow::fmt::diff::{Limits, unified, unified_with};
    // Statement by statement, whatever the size, to exercise the aligned
    // path on every real file.
    let aligned = Limits {
        whole: 0,
        region: 6,
    };
    let mut changed = 0;
    for path in corpus() {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let Ok(f) = mynaflow::fmt::format_with_anchors(text) else {
            continue;
        };
        let name = path.display().to_string();
        let reference = similar::TextDiff::from_lines(text, &f.text)
            .unified_diff()
            .context_radius(2)
            .header(&name, &name)
            .to_string();
        assert_eq!(
            unified(&name, text, &f.text, &f.anchors, 2),
            reference,
            "{name}"
        );
        let d = unified_with(aligned, &name, text, &f.text, &f.anchors, 2);
        if f.text != text {
            changed += 1;
            assert_eq!(
                patch(text, &d),
                f.text,
                "{name}: the diff does not apply\n{d}"
            );
        } else {
            assert_eq!(d, "", "{name}");
        }
    }
    assert!(changed > 10, "only {changed} files of the corpus change");
}

#[test]
fn a_large_file_with_every_line_changed_diffs_statement_by_statement() {
    // 20,000 lines, none in the canonical layout: one hunk, each flow
    // removed and added in turn (Myers over the whole file would take
    // 20,000² steps here).
    let mut src = String::from("use \"kenpo\"\n");
    for i in 1..20_000 {
        if i % 10 == 0 {
            src.push_str(&format!("#  note {i}   \n"));
        } else {
            src.push_str(&format!("flow A->B:X{i} for P\n"));
        }
    }
    let src = src.replacen("use \"kenpo\"", "use  \"kenpo\"", 1);
    assert_eq!(src.lines().count(), 20_000);
    let f = mynaflow::fmt::format_with_anchors(&src).unwrap();
    let d = mynaflow::fmt::diff::unified("big.myna", &src, &f.text, &f.anchors, 2);
    assert_eq!(shape(&d), (1, 20_000, 20_000, 0));
    let lines: Vec<&str> = d.lines().take(7).collect();
    assert_eq!(
        lines,
        [
            "--- big.myna",
            "+++ big.myna",
            "@@ -1,20000 +1,20000 @@",
            "-use  \"kenpo\"",
            "+use \"kenpo\"",
            "-flow A->B:X1 for P",
            "+flow A -> B : X1 for P",
        ]
    );
    assert_eq!(patch(&src, &d), f.text);

    // Blocks of 15 changed lines between 5 canonical ones: a hunk each,
    // with two lines of context on either side (none before the first).
    let mut src = String::new();
    for i in 0..20_000 {
        if i % 20 < 15 {
            src.push_str(&format!("flow A->B:X{i} for P\n"));
        } else {
            src.push_str(&format!("flow A -> B : X{i} for P\n"));
        }
    }
    let f = mynaflow::fmt::format_with_anchors(&src).unwrap();
    let d = mynaflow::fmt::diff::unified("big.myna", &src, &f.text, &f.anchors, 2);
    assert_eq!(shape(&d), (1000, 15_000, 15_000, 1000 * 4 - 2));
    assert!(d.starts_with("--- big.myna\n+++ big.myna\n@@ -1,17 +1,17 @@\n"));
    assert!(
        d.contains("\n@@ -19979,19 +19979,19 @@\n"),
        "{}",
        &d[d.len() - 2000..]
    );
    assert_eq!(patch(&src, &d), f.text);
}

/// A folder of many designs (laid out and diffed side by side, in
/// batches) prints the diffs, in order, that `fmt --check` prints for each
/// file alone, and `fmt` leaves each file as it leaves it alone; a file
/// that cannot be laid out is said to be, and the others are still done.
#[test]
fn a_folder_is_formatted_as_each_of_its_files_alone() {
    let bin = env!("CARGO_BIN_EXE_mynaflow");
    let texts: Vec<String> = corpus()
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    let together = tempfile::tempdir().unwrap();
    let alone = tempfile::tempdir().unwrap();
    let mut names = Vec::new();
    // Three copies of the corpus: several batches of files.
    for copy in 0..3 {
        for (i, text) in texts.iter().enumerate() {
            let name = format!("{copy}-{i:03}.myna");
            let text = match i {
                0 => format!("\u{feff}{text}"),
                1 => "flow A -> \n".to_string(),
                _ => text.clone(),
            };
            std::fs::write(together.path().join(&name), &text).unwrap();
            std::fs::write(alone.path().join(&name), &text).unwrap();
            names.push(name);
        }
    }
    names.sort();
    let run = |args: &[&str], path: &Path| Command::new(bin).args(args).arg(path).output().unwrap();
    let folder = run(&["fmt", "--check"], together.path());
    assert_eq!(folder.status.code(), Some(2), "files refused");
    // Each file's name as the folder's run shows it.
    let (from, to) = (
        alone.path().display().to_string(),
        together.path().display().to_string(),
    );
    let (mut each, mut said) = (String::new(), String::new());
    let mut refused = 0;
    for name in &names {
        let o = run(&["fmt", "--check"], &alone.path().join(name));
        refused += usize::from(o.status.code() == Some(2));
        each.push_str(&String::from_utf8_lossy(&o.stdout).replace(&from, &to));
        said.push_str(&String::from_utf8_lossy(&o.stderr).replace(&from, &to));
    }
    // The file made unreadable in each copy, and the corpus's own.
    assert!(refused >= 3, "{refused}");
    assert!(each.len() > 1000, "the corpus has files to lay out");
    let together_out = String::from_utf8_lossy(&folder.stdout);
    assert!(
        together_out == each,
        "the folder's diffs differ from the files' alone, first at byte {:?}",
        together_out
            .bytes()
            .zip(each.bytes())
            .position(|(a, b)| a != b)
    );
    assert_eq!(String::from_utf8_lossy(&folder.stderr), said);
    let folder = run(&["fmt"], together.path());
    assert_eq!(folder.status.code(), Some(2));
    for name in &names {
        run(&["fmt"], &alone.path().join(name));
        assert_eq!(
            std::fs::read(together.path().join(name)).unwrap(),
            std::fs::read(alone.path().join(name)).unwrap(),
            "{name}"
        );
    }
}

/// The header of the designs below: two flows of 健診結果 to an employer
/// for 健康診断等 are MN202.
const HEADER: &str = "use \"kenpo\"\n\n\
actor 保健事業システム : 組合   \"保健事業システム\"\n\
actor 人事部           : 事業主 \"株式会社〇〇 人事部\"\n\
actor 総務部           : 事業主 \"株式会社〇〇 総務部\"\n\n\
data 健診結果 : 健診データ\n\n";

/// `mynaflow` run on `args`: its exit code and stdout.
fn run(args: &[&str], file: &Path) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_mynaflow"))
        .args(args)
        .arg(file)
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8(out.stdout).unwrap())
}

/// What `check` finds in `file`, each finding as its code, the first line
/// of the statement it is in (the nearest line above it that starts in
/// column one with something other than a comment) and its own line,
/// blanks folded: the same before and after a layout that shifts lines.
fn findings_by_statement(file: &Path) -> Vec<(String, String, String)> {
    let (code, out) = run(&["check", "--no-config", "--format", "concise"], file);
    assert!(matches!(code, Some(0 | 1)), "{out}");
    let text = std::fs::read_to_string(file).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let fold = |l: &str| l.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut v: Vec<(String, String, String)> = out
        .lines()
        .filter_map(|l| {
            let mut parts = l.rsplit_once(".myna:")?.1.splitn(3, ':');
            let line: usize = parts.next()?.parse().ok()?;
            let code = parts.nth(1)?.split_whitespace().next()?.to_string();
            let stmt = lines[..line]
                .iter()
                .rev()
                .find(|l| !l.starts_with([' ', '#']) && !l.is_empty())?;
            Some((code, fold(stmt), fold(lines[line - 1])))
        })
        .collect();
    v.sort();
    v
}

/// A suppression on a line of its own inside a wrapped flow covers the
/// line after it, in that flow. `fmt` used to join the flow and leave the
/// comment on a line of its own after it, where it covered the next
/// flow: a failing design passed (q4: the comment was unused, and then
/// silenced the next flow's MN202), or another flow was excused (q1).
/// The comment now stays where it is, the flow laid out around it, and
/// the line after it keeps its tokens.
#[test]
fn a_suppression_inside_a_wrapped_flow_covers_the_same_flow_after_fmt() {
    let q1 = format!(
        "{HEADER}flow 保健事業システム -> 人事部 : 健診結果\n  \
         # mynaflow: allow MN202 reason=\"本人同意あり\"\n  for 健康診断等\n\
         flow 保健事業システム -> 総務部 : 健診結果 for 健康診断等\n"
    );
    let q4 = format!(
        "{HEADER}flow 保健事業システム -> 人事部 : 健診結果\n  \
         # mynaflow: allow MN202 reason=\"本人同意あり\"\n  for コラボヘルス\n\
         flow 保健事業システム -> 人事部 : 健診結果 for 健康診断等\n"
    );
    // Broken oddly, a comment right after `flow` and a suppression: the
    // breaks inside each stretch between comments go, the comments and
    // the line after the suppression stay.
    let q5 = format!(
        "{HEADER}flow\n  # 健診の結果を人事へ\n  保健事業システム\n  -> 人事部\n  : 健診結果\n  \
         # mynaflow: allow MN202 reason=\"本人同意あり\"\n  for 健康診断等\n\
         flow 保健事業システム -> 総務部 : 健診結果 for 健康診断等\n"
    );
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("q5.myna");
    std::fs::write(&f, &q5).unwrap();
    let before = findings_by_statement(&f);
    assert_eq!(before.len(), 1, "{before:?}");
    assert_eq!(run(&["fmt"], &f).0, Some(0));
    let out = std::fs::read_to_string(&f).unwrap();
    assert!(
        out.ends_with(
            "flow\n    # 健診の結果を人事へ\n    保健事業システム -> 人事部 : 健診結果\n    \
             # mynaflow: allow MN202 reason=\"本人同意あり\"\n    for 健康診断等\n\
             flow 保健事業システム -> 総務部 : 健診結果 for 健康診断等\n"
        ),
        "{out}"
    );
    assert_eq!(findings_by_statement(&f), before, "{out}");
    assert_eq!(mynaflow::fmt::format(&out).as_deref(), Ok(out.as_str()));
    for (name, src, purpose) in [("q1", q1, "健康診断等"), ("q4", q4, "コラボヘルス")] {
        let f = dir.path().join(format!("{name}.myna"));
        std::fs::write(&f, &src).unwrap();
        let before = findings_by_statement(&f);
        assert!(before.iter().any(|x| x.0 == "MN202"), "{name}: {before:?}");
        // `--check` shows a re-indent, the comment still inside the flow.
        let (code, diff) = run(&["fmt", "--check"], &f);
        assert_eq!(code, Some(1), "{name}: {diff}");
        let kept =
            format!("+    # mynaflow: allow MN202 reason=\"本人同意あり\"\n+    for {purpose}\n");
        assert!(diff.contains(&kept), "{name}: {diff}");
        assert_eq!(std::fs::read_to_string(&f).unwrap(), src, "{name}");
        let (code, _) = run(&["fmt"], &f);
        assert_eq!(code, Some(0), "{name}");
        let out = std::fs::read_to_string(&f).unwrap();
        assert!(
            out.contains(&format!(
                "flow 保健事業システム -> 人事部 : 健診結果\n\
                 {}",
                &kept.replace('+', "")
            )),
            "{name}: {out}"
        );
        assert_eq!(findings_by_statement(&f), before, "{name}: {out}");
        // Idempotent: formatted again, nothing changes.
        assert_eq!(run(&["fmt", "--check"], &f), (Some(0), String::new()));
        assert_eq!(mynaflow::fmt::format(&out).as_deref(), Ok(out.as_str()));
    }
}

/// A suppression on a line of its own applies to the next line, all of
/// it; when that line also starts a second statement, `fmt` (which puts
/// each statement on a line of its own) would take that statement out of
/// its reach, so it refuses the file and writes nothing.
#[test]
fn fmt_refuses_a_suppression_whose_line_holds_two_statements() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("shared.myna");
    let src = format!(
        "{HEADER}flow 保健事業システム -> 人事部 : 健診結果\n  \
         # mynaflow: allow MN202 reason=\"本人同意あり\"\n  \
         for 健康診断等 flow 保健事業システム -> 総務部 : 健診結果 for 健康診断等\n"
    );
    std::fs::write(&f, &src).unwrap();
    for args in [&["fmt"][..], &["fmt", "--check"], &["fmt", "--lang", "ja"]] {
        let out = Command::new(env!("CARGO_BIN_EXE_mynaflow"))
            .args(args)
            .arg(&f)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        let said = if args.contains(&"ja") {
            "10 行目のコメントは次の行に適用されますが、その行には複数の文があります"
        } else {
            "the comment on line 10 applies to the next line, which holds more than one statement"
        };
        assert!(err.contains(said), "{args:?}: {err}");
        assert_eq!(std::fs::read_to_string(&f).unwrap(), src);
    }
}

/// A trailing comment after two statements on one line ends the last:
/// `fmt` splits them and keeps the comment on the last one's line.
#[test]
fn a_trailing_comment_stays_on_the_last_statement_of_its_line() {
    let src = format!(
        "{HEADER}flow 保健事業システム -> 人事部 : 健診結果 for 健康診断等 \
         flow 保健事業システム -> 総務部 : 健診結果   # mynaflow: allow MN202 reason=\"x\"\n    \
         for 健康診断等\n"
    );
    let out = mynaflow::fmt::format(&src).unwrap();
    assert!(
        out.ends_with(
            "健診結果 for 健康診断等\nflow 保健事業システム -> 総務部 : 健診結果   \
             # mynaflow: allow MN202 reason=\"x\"\n    for 健康診断等\n"
        ),
        "{out}"
    );
}

/// The codes `check` finds in `file`, with the first line of the
/// statement each is in (see [`findings_by_statement`]): the same before
/// and after a layout that moves tokens from line to line in a statement.
fn codes_by_statement(file: &Path) -> Vec<(String, String)> {
    let v = findings_by_statement(file);
    v.into_iter().map(|(code, stmt, _)| (code, stmt)).collect()
}

/// A statement with a comment on a line of its own inside is laid out
/// stretch by stretch around the comment: a stretch past 100 columns is
/// wrapped before `for`, declarations are joined a stretch a line, and
/// the design means what it meant (`fmt` used to keep the source's line
/// breaks, however long or odd).
#[test]
fn a_statement_holding_an_own_line_comment_is_laid_out_around_it() {
    let long = "保健事業システム健診結果連携基盤サーバ第二系統ゼロイチ予備機二号";
    let src = format!(
        "{HEADER}actor {long} : 組合 \"連携基盤\"\n\
         data 問診票\n  # 問診の回答\n  :\n  健診データ\n\
         flow\n  # 連携基盤から人事へ\n  {long} -> 人事部 : 健診結果 for 健康診断等\n\
         flow 保健事業システム -> 総務部 : 健診結果\n  # 一つ目\n  for\n  # 二つ目\n  健康診断等\n"
    );
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("around.myna");
    std::fs::write(&f, &src).unwrap();
    let before = codes_by_statement(&f);
    // MN012 (問診票 is never sent) and the two flows' MN202.
    assert_eq!(before.len(), 3, "{before:?}");
    assert_eq!(run(&["fmt"], &f).0, Some(0));
    let out = std::fs::read_to_string(&f).unwrap();
    let want = format!(
        "data 問診票\n    # 問診の回答\n    : 健診データ\n\
         flow\n    # 連携基盤から人事へ\n    {long} -> 人事部 : 健診結果\n    for 健康診断等\n\
         flow 保健事業システム -> 総務部 : 健診結果\n    # 一つ目\n    for\n    # 二つ目\n    健康診断等\n"
    );
    assert!(out.ends_with(&want), "{out}");
    assert!(out.lines().all(|l| l.chars().count() <= 100), "{out}");
    assert_eq!(codes_by_statement(&f), before, "{out}");
    assert_eq!(run(&["fmt", "--check"], &f), (Some(0), String::new()));
}

/// Comments on lines of their own inside a contractor row and inside an
/// actor's clauses list stay there, each stretch on one line.
#[test]
fn declarations_holding_own_line_comments_are_laid_out_around_them() {
    let src = "actor A : 委託先 \"株式会社A\" {\n  clauses 守秘義務,\n  # 追加分\n  持出し禁止,\n      目的外利用禁止\n}\n\
               contractor \"株式会社A\"\n  # 別表(1)\n  for\n  健康診断等\n";
    let out = mynaflow::fmt::format(src).unwrap();
    assert_eq!(
        out,
        "actor A : 委託先 \"株式会社A\" {\n  clauses 守秘義務,\n      # 追加分\n      持出し禁止, 目的外利用禁止\n}\n\
         contractor \"株式会社A\"\n    # 別表(1)\n    for 健康診断等\n"
    );
    assert_eq!(mynaflow::fmt::format(&out).as_deref(), Ok(out.as_str()));
}

/// A suppression ending an inner line of a wrapped flow covers that line
/// only; on the statement's first line it would cover the whole flow.
/// `fmt` used to join the short flow's first lines, which moved the
/// suppression onto the first line: a design failing on MN202 (and MN503,
/// the suppression unused) then passed. The annotation's line now keeps its
/// tokens, and the findings stay.
#[test]
fn a_trailing_suppression_on_an_inner_line_is_not_moved_onto_the_first() {
    let src = format!(
        "{HEADER}flow 保健事業システム -> 人事部 :\n    \
         健診結果 # mynaflow: allow MN202 reason=\"r\"\n    for 健康診断等\n"
    );
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("inner.myna");
    std::fs::write(&f, &src).unwrap();
    let before = findings_by_statement(&f);
    let codes: Vec<&str> = before.iter().map(|x| x.0.as_str()).collect();
    // (MN012: the header's 総務部 is unused here.)
    assert_eq!(codes, ["MN012", "MN202", "MN503"], "{before:?}");
    assert_eq!(run(&["fmt"], &f).0, Some(0));
    let out = std::fs::read_to_string(&f).unwrap();
    assert!(
        out.ends_with(
            "flow 保健事業システム -> 人事部 :\n    健診結果   # mynaflow: allow MN202 reason=\"r\"\n    for 健康診断等\n"
        ),
        "{out}"
    );
    assert_eq!(findings_by_statement(&f), before, "{out}");
    assert_eq!(mynaflow::fmt::format(&out).as_deref(), Ok(out.as_str()));
}

/// A design whose actor 大和総研 has the header `words` (its `{` last),
/// a comment on a line of its own before word `k` (none when `k` is 0),
/// every word on a line of its own.
fn actor_with_comment(words: &[&str], k: usize) -> String {
    let mut header = String::new();
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            header.push_str("\n  ");
        }
        if i == k && k > 0 {
            header.push_str("# 注記\n  ");
        }
        header.push_str(w);
    }
    format!(
        "use \"kenpo\"\n\nactor 保健事業システム : 組合 \"保健事業システム\"\n{header}\n  \
         clauses 守秘義務, 持出し禁止, 目的外利用禁止, 再委託禁止, 事故時責任, 返還, 従業者監督, 履行報告, 従業者明確化, 立入調査\n\
         }}\ndata 健診結果 : 健診データ\nflow 保健事業システム -> 大和総研 : 健診結果 for 健康診断等\n"
    )
}

/// An actor whose header (before its `{`) holds a comment on a line of
/// its own is laid out as a declaration holding one is: each stretch
/// between comments on one line, the comment on its own line indented by
/// four, and the block after it as blocks always are (its clauses
/// wrapped at 100 columns, indented by two, the `}` alone). `fmt` used to
/// keep every line break of the whole statement, re-indenting its
/// clauses and `}` by four.
#[test]
fn an_actor_header_holding_an_own_line_comment_is_laid_out_around_it() {
    let words = [
        "actor",
        "大和総研",
        ":",
        "委託先",
        "\"株式会社大和総研\"",
        "{",
    ];
    let body = "  clauses 守秘義務, 持出し禁止, 目的外利用禁止, 再委託禁止, 事故時責任, 返還, 従業者監督, 履行報告,\n          \
                従業者明確化, 立入調査\n}\n";
    let path = Path::new("header.myna");
    for k in 1..words.len() {
        let src = actor_with_comment(&words, k);
        let out = mynaflow::fmt::format(&src).unwrap();
        let want = format!(
            "{}\n    # 注記\n    {}\n{body}",
            words[..k].join(" "),
            words[k..].join(" ")
        );
        assert!(out.contains(&want), "before word {k}:\n{out}");
        assert_eq!(mynaflow::fmt::format(&out).as_deref(), Ok(out.as_str()));
        assert_eq!(findings(path, &src), findings(path, &out), "{out}");
    }
    // A comment in every place.
    let mut src = actor_with_comment(&words, 0);
    for (k, w) in words.iter().enumerate().skip(1) {
        src = src.replacen(&format!("\n  {w}"), &format!("\n  # {k}\n  {w}"), 1);
    }
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("every.myna");
    std::fs::write(&f, &src).unwrap();
    let before = findings_by_statement(&f);
    assert_eq!(before.len(), 1, "{before:?}");
    assert_eq!(run(&["fmt"], &f).0, Some(0));
    let out = std::fs::read_to_string(&f).unwrap();
    let want = format!(
        "actor\n    # 1\n    大和総研\n    # 2\n    :\n    # 3\n    委託先\n    # 4\n    \
         \"株式会社大和総研\"\n    # 5\n    {{\n{body}"
    );
    assert!(out.contains(&want), "{out}");
    assert_eq!(findings_by_statement(&f), before, "{out}");
    assert_eq!(run(&["fmt", "--check"], &f), (Some(0), String::new()));
}

/// The rulebook of docs/codes/examples/MN601: its section cites a
/// renumbered provision (MN601 on the line of the citation).
const RULEBOOK: &str = "rulebook 例 \"例の健康保険組合 個人情報の利用目的\" revised 2024-04-01\n\
role 組合                         self\n\
role 他機関\n\
role 情報提供ネットワークシステム carrier\n\
category 課税・非課税情報 mynumber\n";

/// A section whose header holds a comment on a line of its own is laid
/// out around it, as a flow is: each stretch between comments on one line
/// (wrapped before its `mynumber` or `basis` past 100 columns), the
/// comment on its own line, both indented by eight as a wrapped header's
/// line is, and the body as always. `fmt` used to keep the header's line
/// breaks.
#[test]
fn a_section_header_holding_an_own_line_comment_is_laid_out_around_it() {
    let words = [
        "section",
        "\"7(1)\"",
        "\"特定個人情報 — 他機関から情報を受ける場合\"",
        "mynumber",
        "basis",
        "\"番号法第19条第7号\"",
        "{",
    ];
    let body = "  purpose 被扶養者認定 \"被扶養者の認定\"\n  \
                allow 他機関 -> 組合 : 課税・非課税情報 for 被扶養者認定 via 情報提供ネットワークシステム\n}\n";
    let with_comment = |k: usize| {
        let mut src = String::from(RULEBOOK);
        for (i, w) in words.iter().enumerate() {
            if i > 0 {
                src.push_str("\n    ");
            }
            if i == k {
                src.push_str("# 注記\n    ");
            }
            src.push_str(w);
        }
        format!(
            "{src}\n    purpose 被扶養者認定 \"被扶養者の認定\"\n\
                 allow 他機関 -> 組合 : 課税・非課税情報 for 被扶養者認定 via 情報提供ネットワークシステム }}\n"
        )
    };
    let path = Path::new("section.myna");
    for k in 1..words.len() {
        let src = with_comment(k);
        let out = mynaflow::fmt::format(&src).unwrap();
        let want = format!(
            "{}\n        # 注記\n        {}\n{body}",
            words[..k].join(" "),
            words[k..].join(" ")
        );
        assert_eq!(out, format!("{RULEBOOK}{want}"), "before word {k}");
        assert_eq!(mynaflow::fmt::format(&out).as_deref(), Ok(out.as_str()));
        let (codes, agree) = findings(path, &src);
        assert_eq!(codes, [Code::MN601], "{src}");
        assert_eq!(findings(path, &out), (codes, agree), "{out}");
    }
    // Past 100 columns, a stretch is wrapped before its `mynumber`.
    let long = format!(
        "{RULEBOOK}section \"7(1)\"\n    # 注記\n    \"{}\" mynumber basis \"番号法第19条第7号\" {{\n{body}",
        "特定個人情報".repeat(8)
    );
    let out = mynaflow::fmt::format(&long).unwrap();
    assert!(
        out.ends_with(&format!(
            "section \"7(1)\"\n        # 注記\n        \"{}\"\n        mynumber basis \"番号法第19条第7号\" {{\n{body}",
            "特定個人情報".repeat(8)
        )),
        "{out}"
    );
    assert_eq!(mynaflow::fmt::format(&out).as_deref(), Ok(out.as_str()));
}

/// A suppression at the end of an inner line of a block's header covers
/// that line only; one at the end of the `}` line, that line. `fmt` used
/// to join them onto the statement's first line, where they cover the
/// whole statement: a design failing on MN303 (an actor's contract lacks
/// clauses) and a rulebook failing on MN601 (a renumbered citation), each
/// with MN503 (the suppression unused), passed after `fmt`. The lines now
/// keep their tokens, and the findings stay.
#[test]
fn a_trailing_suppression_on_an_inner_line_of_a_block_keeps_its_line() {
    let design = "use \"kenpo\"\n\n\
        actor 保健事業システム : 組合 \"保健事業システム\"\n\
        actor 大和総研 : 委託先\n    \"株式会社大和総研\"   # mynaflow: allow MN303 reason=\"r\"\n    {\n  \
        clauses 守秘義務\n}\n\
        actor JMDC : 委託先 \"株式会社JMDC\" {\n  clauses 守秘義務\n}   # mynaflow: allow MN303 reason=\"r\"\n\
        data 健診結果 : 健診データ\n\
        flow 保健事業システム -> 大和総研 : 健診結果 for 資格データ処理委託\n\
        flow 保健事業システム -> JMDC : 健診結果 for 資格データ処理委託\n";
    let rulebook = format!(
        "{RULEBOOK}section \"7(1)\" \"特定個人情報 — 他機関から情報を受ける場合\"\n        \
         mynumber   # mynaflow: allow MN601 reason=\"r\"\n        basis \"番号法第19条第7号\" {{\n  \
         purpose 被扶養者認定 \"被扶養者の認定\"\n  \
         allow 他機関 -> 組合 : 課税・非課税情報 for 被扶養者認定 via 情報提供ネットワークシステム\n}}\n"
    );
    let dir = tempfile::tempdir().unwrap();
    for (name, src, codes) in [
        (
            "design",
            design.to_string(),
            &["MN301", "MN303", "MN303", "MN503", "MN503"][..],
        ),
        ("rulebook", rulebook, &["MN503", "MN601"][..]),
    ] {
        let f = dir.path().join(format!("{name}.myna"));
        std::fs::write(&f, &src).unwrap();
        let before = findings_by_statement(&f);
        let found: Vec<&str> = before.iter().map(|x| x.0.as_str()).collect();
        assert_eq!(found, codes, "{name}: {before:?}");
        // Already in the canonical layout: nothing to change.
        assert_eq!(
            run(&["fmt", "--check"], &f),
            (Some(0), String::new()),
            "{name}"
        );
        assert_eq!(run(&["fmt"], &f).0, Some(0));
        assert_eq!(std::fs::read_to_string(&f).unwrap(), src, "{name}");
        assert_eq!(findings_by_statement(&f), before, "{name}");
    }
    // An own-line suppression before a header's line that runs on into
    // the body covers that whole line (the purpose on it too): the
    // statement is laid out around its comments, that line kept, rather
    // than the purpose moved to a line of its own, out of its reach.
    let src = format!(
        "{RULEBOOK}section \"7(1)\"\n    # 注記\n    \"特定個人情報 — 他機関から情報を受ける場合\" mynumber\n    \
         # mynaflow: allow MN601 reason=\"r\"\n    basis \"番号法第19条第7号\" {{ purpose 被扶養者認定 \"被扶養者の認定\"\n  \
         allow 他機関 -> 組合 : 課税・非課税情報 for 被扶養者認定 via 情報提供ネットワークシステム\n}}\n"
    );
    let out = mynaflow::fmt::format(&src).unwrap();
    assert!(
        out.contains(
            "\n        # mynaflow: allow MN601 reason=\"r\"\n        \
             basis \"番号法第19条第7号\" { purpose 被扶養者認定 \"被扶養者の認定\"\n"
        ),
        "{out}"
    );
    assert_eq!(mynaflow::fmt::format(&out).as_deref(), Ok(out.as_str()));
    let path = Path::new("own.myna");
    assert_eq!(findings(path, &src), findings(path, &out), "{out}");
}

/// The places between two tokens of the headers of `text`'s block
/// statements (`actor`, `section`: from the keyword to the `{`, or to the
/// end of the line without one): the byte offsets of the spaces there
/// outside strings and comments.
fn header_gaps(text: &str) -> Vec<usize> {
    let mut gaps = Vec::new();
    let mut in_header = false;
    for (start, line) in text.split_inclusive('\n').scan(0, |at, l| {
        let start = *at;
        *at += l.len();
        Some((start, l))
    }) {
        if line.starts_with("actor ") || line.starts_with("section ") {
            in_header = true;
        }
        if !in_header {
            continue;
        }
        let mut in_string = false;
        for (i, c) in line.char_indices() {
            match c {
                '"' => in_string = !in_string,
                '#' if !in_string => break,
                '{' if !in_string => {
                    in_header = false;
                    break;
                }
                ' ' if !in_string => gaps.push(start + i),
                _ => {}
            }
        }
        // An actor without a block ends with its line; a section's header
        // runs on to its `{`.
        if line.starts_with("actor ") && !line.contains('{') {
            in_header = false;
        }
    }
    gaps
}

/// Comments (on lines of their own, at the end of lines, annotations) and
/// line breaks put at random between the tokens of the block headers of
/// the examples and the rulebook: `fmt` formats each (or refuses it, for a
/// suppression before a line it would split), the result is formatted
/// again unchanged, and it reports the same (codes, and whether every
/// `# expect:` holds).
#[test]
fn comments_anywhere_in_block_headers_keep_findings_and_format_once() {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let inserts: &[&str] = &[
        "\n# 注記\n",
        "\n",
        "   # 行末の注記\n",
        "\n# mynaflow: allow MN303 reason=\"r\"\n",
        "   # mynaflow: allow MN303 reason=\"r\"\n",
        "   # expect: MN303\n",
        "\n# expect: MN601\n",
    ];
    let mut formatted = 0;
    for name in [
        "examples/kenpo-society.myna",
        "examples/vendor-proposal.myna",
        "rules/kenpo.myna",
    ] {
        let path = Path::new(name);
        let text = std::fs::read_to_string(path).unwrap();
        let gaps = header_gaps(&text);
        assert!(gaps.len() > 20, "{name}: {}", gaps.len());
        for _ in 0..16 {
            // One to three insertions, at distinct places, from the last.
            let mut at: Vec<usize> = (0..1 + rng.next() % 3)
                .map(|_| gaps[(rng.next() as usize) % gaps.len()])
                .collect();
            at.sort_unstable();
            at.dedup();
            let mut varied = text.clone();
            for &g in at.iter().rev() {
                varied.insert_str(g, inserts[(rng.next() as usize) % inserts.len()]);
            }
            let Ok(out) = mynaflow::fmt::format(&varied) else {
                continue;
            };
            formatted += 1;
            assert_eq!(
                mynaflow::fmt::format(&out).as_deref(),
                Ok(out.as_str()),
                "{name}: formatting twice changes it:\n{varied}"
            );
            assert_eq!(
                findings(path, &varied),
                findings(path, &out),
                "{name}: formatting changed the findings:\n{varied}\n----\n{out}"
            );
        }
    }
    assert!(formatted > 30, "only {formatted} formatted");
}

/// `mynaflow` run in `dir` on `args`: its exit code and stdout.
fn run_in(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_mynaflow"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8(out.stdout).unwrap())
}

/// A trailing annotation on a statement's continuation line covers that
/// line only. `fmt` used to join the statement onto one line, which put
/// the annotation on its first line: the suppression then covered the
/// whole statement and silenced an MN102 it had not (the third fix
/// audit's H3, a failing design made to pass by the formatter), and the
/// `# expect:` expected what the first line reports. The line the
/// annotation ends now keeps its tokens, as does the first line of a
/// statement with an `# expect:` above it, and `check` and `test` say
/// what they said before.
#[test]
fn fmt_keeps_what_a_trailing_annotation_on_a_continuation_line_covers() {
    let head = "use \"kenpo\"\nactor 市町村 : 他機関\nactor 情報提供NWS : 情報提供ネットワークシステム\n\
                actor 基幹 : 組合\ndata 給付関連 : 保険給付関連情報\n";
    let sup = format!(
        "{head}flow 市町村 ->\n  基幹 : 給付関連 for 他機関給付事務 via 情報提供NWS   \
         # mynaflow: allow MN102 reason=\"確認中\"\n"
    );
    let expect = format!(
        "{head}flow 市町村 ->\n  基幹 : 給付関連 for 他機関給付事務 via 情報提供NWS   # expect: MN102\n"
    );
    let decl =
        "use \"kenpo\"\nactor 基幹 : 組合\nactor 委託 : 委託先\n  \"株式会社サンプル分析\"   \
                # mynaflow: allow MN012 reason=\"来年度から\"\n"
            .to_string();
    // An `# expect:` above a statement expects on its first line: that
    // line keeps its tokens too (the MN014 is on the second).
    let above = format!(
        "{head}# expect: MN102, MN014\nflow 市町村 ->\n  基幹 : 給付関連 for 他機関給付事務 via 情報提供ＮＷＳ\n"
    );
    let dir = tempfile::tempdir().unwrap();
    for (name, src, cmd) in [
        ("sup", &sup, "check"),
        ("expect", &expect, "test"),
        ("decl", &decl, "check"),
        ("above", &above, "test"),
    ] {
        let f = dir.path().join(format!("{name}.myna"));
        std::fs::write(&f, src).unwrap();
        let args = [cmd, "--no-config", "--format", "concise"];
        let args = if cmd == "test" { &args[..2] } else { &args[..] };
        let mut with_file = args.to_vec();
        with_file.push(f.file_name().unwrap().to_str().unwrap());
        let before = run_in(dir.path(), &with_file);
        // The suppression suppresses nothing; the `# expect:` fails.
        let unused = before.1.contains("MN503 this suppression");
        assert!(unused || before.0 == Some(1), "{name}: {}", before.1);
        let (code, _) = run(&["fmt"], &f);
        assert_eq!(code, Some(0), "{name}");
        let out = std::fs::read_to_string(&f).unwrap();
        let last = src.lines().last().unwrap().trim_start();
        assert!(
            out.ends_with(&format!("\n    {last}\n")),
            "{name}: the annotated line is kept: {out}"
        );
        // The same findings on the same lines (the columns move with the
        // indent).
        let lines = |(code, out): (Option<i32>, String)| {
            let v: Vec<String> = (out.lines())
                .map(|l| match l.splitn(4, ':').collect::<Vec<_>>()[..] {
                    [file, line, _, rest] if cmd == "check" => format!("{file}:{line}:{rest}"),
                    _ => l.to_string(),
                })
                .collect();
            (code, v)
        };
        let after = run_in(dir.path(), &with_file);
        assert_eq!(lines(after), lines(before.clone()), "{name}: {out}");
        assert_eq!(
            mynaflow::fmt::format(&out).as_deref(),
            Ok(out.as_str()),
            "{name}"
        );
    }
}

/// An actor's block with two `clauses` lines: the second is indented by
/// two, as the first is (it was laid out as a continuation of the first,
/// at six: the third fix audit's L4).
#[test]
fn each_clauses_line_of_a_block_is_indented_by_two() {
    let src = "actor ケーシップ : 委託先 \"株式会社ケーシップ\" {\n  \
               clauses 守秘義務, 持出し禁止 # 一行目\n    clauses 目的外利用禁止 # 二行目\n}\n";
    let out = mynaflow::fmt::format(src).unwrap();
    assert_eq!(
        out,
        "actor ケーシップ : 委託先 \"株式会社ケーシップ\" {\n  \
         clauses 守秘義務, 持出し禁止   # 一行目\n  clauses 目的外利用禁止   # 二行目\n}\n"
    );
    assert_eq!(mynaflow::fmt::format(&out).as_deref(), Ok(out.as_str()));
}
