//! The command line's contract (docs/design/LANGUAGE.md §4): exit statuses, languages,
//! colour, the JSON shape, determinism.

mod common;
use common::{mynaflow, stdout};

use std::path::Path;
use std::process::Command;

#[test]
fn exit_status_follows_the_worst_finding() {
    assert_eq!(
        mynaflow(&["check", "examples/kenpo-society.myna"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        mynaflow(&["check", "docs/codes/examples/MN102-wrong-direction.myna"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        mynaflow(&["check", "docs/codes/examples/MN001-syntax-error.myna"])
            .status
            .code(),
        Some(1)
    );
    // Warnings pass unless denied.
    assert_eq!(
        mynaflow(&["check", "docs/codes/examples/MN012-unused-actor.myna"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        mynaflow(&[
            "check",
            "--deny",
            "warnings",
            "docs/codes/examples/MN012-unused-actor.myna"
        ])
        .status
        .code(),
        Some(1)
    );
}

#[test]
fn exit_status_2_when_the_tool_cannot_do_its_job() {
    assert_eq!(
        mynaflow(&["check", "no/such/file.myna"]).status.code(),
        Some(2)
    );
    assert_eq!(
        mynaflow(&[
            "check",
            "--rules",
            "no/such/rules.myna",
            "examples/kenpo-society.myna"
        ])
        .status
        .code(),
        Some(2)
    );
    assert_eq!(
        mynaflow(&["check", "--format", "yaml", "examples"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        mynaflow(&["check", "docs/codes/examples/MN013-missing-rulebook.myna"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(mynaflow(&["explain", "MN999"]).status.code(), Some(2));
    // A rulebook given by --rules that has errors is a broken rulebook.
    let dir = tempfile::tempdir().expect("tempdir");
    let broken = dir.path().join("broken.myna");
    std::fs::write(
        &broken,
        "rulebook b\nrole A\nsection \"1\" { allow A -> B : C }\n",
    )
    .expect("write");
    let o = mynaflow(&[
        "check",
        "--rules",
        broken.to_str().expect("utf8 path"),
        "examples/kenpo-society.myna",
    ]);
    assert_eq!(o.status.code(), Some(2));
    // Its findings are the report's, in the run's format, and the run says
    // why it failed.
    assert!(String::from_utf8_lossy(&o.stdout).contains("MN010"));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot use the rulebook"));
    let o = mynaflow(&[
        "check",
        "--rules",
        broken.to_str().expect("utf8 path"),
        "--format",
        "json",
        "examples/kenpo-society.myna",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let codes: Vec<&str> = (v["diagnostics"].as_array().expect("diagnostics").iter())
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert!(codes.contains(&"MN010"), "{codes:?}");
}

#[test]
fn japanese_frames_name_the_severity_in_japanese() {
    // The header's severity and the help line are Japanese; a file whose
    // name holds the English words keeps its name.
    let dir = tempfile::tempdir().expect("tempdir");
    let name = "error[MN102] warning.myna";
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("docs/codes/examples/MN102-wrong-direction.myna"),
        dir.path().join(name),
    )
    .expect("copy");
    let ja = stdout(&common::mynaflow_in(
        dir.path(),
        &["check", "--lang", "ja", name],
    ));
    assert!(ja.contains("エラー[MN102]: "), "{ja}");
    assert!(ja.contains("= 対処: "), "{ja}");
    assert!(!ja.contains("\nerror[") && !ja.contains("= help:"), "{ja}");
    assert!(ja.contains(name), "the file name is kept: {ja}");
    let en = stdout(&common::mynaflow_in(
        dir.path(),
        &["check", "--lang", "en", name],
    ));
    assert!(
        en.starts_with("error[MN102]: ") && en.contains("= help: "),
        "{en}"
    );
}

#[test]
fn languages_are_complete_and_follow_lang() {
    let en = stdout(&mynaflow(&[
        "check",
        "--lang",
        "en",
        "docs/codes/examples/MN103-wrong-purpose.myna",
    ]));
    let ja = stdout(&mynaflow(&[
        "check",
        "--lang",
        "ja",
        "docs/codes/examples/MN103-wrong-purpose.myna",
    ]));
    assert!(
        en.contains("may not be provided") && en.contains("1 error"),
        "{en}"
    );
    assert!(
        ja.contains("提供することはできません") && ja.contains("エラー 1 件"),
        "{ja}"
    );
    let by_env = Command::new(env!("CARGO_BIN_EXE_mynaflow"))
        .args(["check", "docs/codes/examples/MN103-wrong-purpose.myna"])
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "ja_JP.UTF-8")
        .output()
        .expect("run");
    assert_eq!(stdout(&by_env), ja);
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let always = stdout(&mynaflow(&[
        "check",
        "--color",
        "always",
        "docs/codes/examples/MN102-wrong-direction.myna",
    ]));
    assert!(always.contains("\u{1b}["));
    let auto = stdout(&mynaflow(&[
        "check",
        "docs/codes/examples/MN102-wrong-direction.myna",
    ]));
    assert!(
        !auto.contains("\u{1b}["),
        "stdout is a pipe here: no colour"
    );
    let never = stdout(&mynaflow(&[
        "check",
        "--color",
        "never",
        "docs/codes/examples/MN102-wrong-direction.myna",
    ]));
    assert!(!never.contains("\u{1b}["));
}

#[test]
fn json_has_exactly_the_documented_shape() {
    let o = mynaflow(&["check", "--format", "json", "docs/codes/examples"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    assert_eq!(v["version"], 1);
    let keys = |v: &serde_json::Value| {
        let mut k: Vec<String> = v.as_object().expect("object").keys().cloned().collect();
        k.sort();
        k
    };
    // `config`: the mynaflow.toml the run followed (null: none);
    // `failures`: why the run could not do its job ([]: it could);
    // `hidden_stops`: the syntax and name errors a filter hid (null: none).
    assert_eq!(
        keys(&v),
        [
            "config",
            "diagnostics",
            "failures",
            "hidden_stops",
            "summary",
            "version"
        ]
    );
    // The examples hold a file that is not text and a design whose
    // rulebook is missing: the run could not check them (exit status 2).
    assert_eq!(
        v["failures"],
        serde_json::json!([
            "2 design(s) could not be checked: 1 not a UTF-8 text file (MN005), 1 whose rulebook could not be loaded (MN013)"
        ])
    );
    assert!(v["hidden_stops"].is_null());
    let diags = v["diagnostics"].as_array().expect("array");
    assert!(!diags.is_empty());
    for d in diags {
        // `fixes` is there only when the finding has some (LANGUAGE.md §3.7).
        let mut keys_d = keys(d);
        keys_d.retain(|k| k != "fixes");
        assert_eq!(
            keys_d,
            [
                "code",
                "column",
                "end_column",
                "end_line",
                "facts",
                "file",
                "labels",
                "line",
                "message",
                "notes",
                "rule",
                "severity"
            ]
        );
        for l in d["labels"].as_array().expect("labels") {
            assert_eq!(
                keys(l),
                [
                    "column",
                    "end_column",
                    "end_line",
                    "file",
                    "line",
                    "message"
                ]
            );
        }
        if !d["rule"].is_null() {
            assert_eq!(keys(&d["rule"]), ["basis", "section"]);
        }
    }
    let errors = diags.iter().filter(|d| d["severity"] == "error").count();
    assert_eq!(v["summary"]["errors"], errors);
    // Columns count Unicode scalar values: the arrow of MN102's flow.
    let mn102 = diags
        .iter()
        .find(|d| d["code"] == "MN102")
        .expect("an MN102");
    assert_eq!(
        (mn102["line"].as_u64(), mn102["column"].as_u64()),
        (Some(14), Some(13))
    );
    assert_eq!(mn102["end_column"].as_u64(), Some(15));
}

#[test]
fn output_is_byte_identical_across_runs() {
    for format in ["human", "json"] {
        let a = mynaflow(&[
            "check",
            "--format",
            format,
            "examples",
            "docs/codes/examples",
            "tests/cases",
        ]);
        let b = mynaflow(&[
            "check",
            "--format",
            format,
            "examples",
            "docs/codes/examples",
            "tests/cases",
        ]);
        assert_eq!(a.stdout, b.stdout, "{format}");
    }
}

#[test]
fn explain_documents_every_code_in_both_languages() {
    for code in mynaflow::code::Code::ALL {
        for lang in ["en", "ja"] {
            let o = mynaflow(&["explain", code.as_str(), "--lang", lang]);
            assert_eq!(o.status.code(), Some(0));
            assert!(stdout(&o).starts_with(&format!("# {code}")));
        }
    }
    let list = stdout(&mynaflow(&["explain"]));
    assert_eq!(list.lines().count(), mynaflow::code::Code::ALL.len());
}

#[test]
fn rules_list_and_show() {
    let list = stdout(&mynaflow(&["rules", "list"]));
    assert!(
        list.contains("7(1) [mynumber]") && list.contains("高齢受給者負担区分判定"),
        "{list}"
    );
    let show = mynaflow(&["rules", "show", "7(2)"]);
    assert_eq!(show.status.code(), Some(0));
    assert!(stdout(&show).contains("allow 組合 -> 他機関 : 資格関連情報 for 他機関資格確認事務 via 情報提供ネットワークシステム"));
    assert_eq!(mynaflow(&["rules", "show", "9(9)"]).status.code(), Some(2));
}

#[test]
fn fmt_rewrites_full_width_syntax() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = dir.path().join("a.myna");
    std::fs::write(&f, "use \"kenpo\"\nactor 基幹：組合 \"全角：そのまま\"\n").expect("write");
    let path = f.to_str().expect("utf8");
    assert_eq!(mynaflow(&["fmt", "--check", path]).status.code(), Some(1));
    assert_eq!(mynaflow(&["fmt", path]).status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(&f).expect("read"),
        "use \"kenpo\"\nactor 基幹 : 組合 \"全角：そのまま\"\n"
    );
    assert_eq!(mynaflow(&["fmt", "--check", path]).status.code(), Some(0));
}

/// Runs `mynaflow ARGS` in `dir` with standard input `input`.
fn run_in(dir: &std::path::Path, args: &[&str], input: &[u8]) -> std::process::Output {
    use std::io::Write;
    let mut child = bare()
        .current_dir(dir)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run mynaflow");
    // A run that stops before reading closes the pipe; that is its answer.
    let _ = child.stdin.take().expect("stdin").write_all(input);
    child.wait_with_output().expect("wait")
}

fn codes_in(concise: &str) -> Vec<String> {
    concise
        .lines()
        .map(|l| {
            l.split(": ")
                .nth(1)
                .unwrap_or("")
                .split(' ')
                .next()
                .unwrap_or("")
                .to_string()
        })
        .collect()
}

#[test]
fn select_and_ignore_codes_and_prefixes() {
    let all = stdout(&mynaflow(&[
        "check",
        "docs/codes/examples",
        "--format",
        "concise",
    ]));
    let o = mynaflow(&[
        "check",
        "docs/codes/examples",
        "--format",
        "concise",
        "--select",
        "MN1",
        "--ignore",
        "MN105,MN101",
    ]);
    let codes = codes_in(&stdout(&o));
    assert_eq!(codes, ["MN102", "MN103", "MN104"], "{}", stdout(&o));
    assert!(codes_in(&all).len() > codes.len());
    // MN013 is still a run that could not check a design.
    assert_eq!(o.status.code(), Some(2));
    let o = mynaflow(&[
        "check",
        "docs/codes/examples/MN102-wrong-direction.myna",
        "--ignore",
        "MN102",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let o = mynaflow(&["check", "examples", "--select", "MN9"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("`MN9` is not a code"));
    let o = mynaflow(&["check", "examples", "--select", "XX", "--lang", "ja"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("mynaflow: エラー: 「XX」はコードでも"));
}

/// Codes typed in full-width (`ＭＮ１０２`, as an input method types them)
/// read as their NFKC in `explain`, `--select` and `--ignore`; they were
/// refused as unknown codes.
#[test]
fn full_width_codes_are_read_as_half_width() {
    let o = mynaflow(&["explain", "ＭＮ１０２", "--lang", "ja"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(stdout(&o).starts_with("# MN102"), "{}", stdout(&o));
    let o = mynaflow(&[
        "check",
        "docs/codes/examples",
        "--format",
        "concise",
        "--select",
        "ＭＮ１",
        "--ignore",
        "ＭＮ１０５,ｍｎ１０１",
    ]);
    assert_eq!(
        codes_in(&stdout(&o)),
        ["MN102", "MN103", "MN104"],
        "{}",
        stdout(&o)
    );
}

#[test]
fn per_file_ignores_and_select_in_the_config() {
    let dir = tempfile::tempdir().expect("tempdir");
    let src = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("docs/codes/examples/MN102-wrong-direction.myna"),
    )
    .expect("read");
    std::fs::create_dir_all(dir.path().join("legacy")).expect("mkdir");
    std::fs::write(dir.path().join("a.myna"), &src).expect("write");
    std::fs::write(dir.path().join("legacy/b.myna"), &src).expect("write");
    std::fs::write(
        dir.path().join("mynaflow.toml"),
        "ignore = [\"MN3\"]\n[per-file-ignores]\n\"legacy/**\" = [\"MN102\"]\n",
    )
    .expect("write");
    let o = run_in(dir.path(), &["check", ".", "--format", "concise"], b"");
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.starts_with("a.myna:14:13: MN102"), "{out}");
    std::fs::write(dir.path().join("mynaflow.toml"), "select = [\"MN2\"]\n").expect("write");
    let o = run_in(dir.path(), &["check", ".", "--format", "concise"], b"");
    assert_eq!((stdout(&o).as_str(), o.status.code()), ("", Some(0)));
    std::fs::write(dir.path().join("mynaflow.toml"), "select = [\"MN99\"]\n").expect("write");
    let o = run_in(dir.path(), &["check", "."], b"");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("select"));
}

#[test]
fn exit_zero_output_file_and_statistics() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("out.sarif");
    let o = mynaflow(&[
        "check",
        "docs/codes/examples/MN102-wrong-direction.myna",
        "--format",
        "sarif",
        "--output-file",
        file.to_str().expect("utf8"),
        "--exit-zero",
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(o.stdout.is_empty());
    let log: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).expect("written")).expect("JSON");
    assert_eq!(log["runs"][0]["results"][0]["ruleId"], "MN102");
    // --exit-zero does not hide a run that could not do its job.
    let o = mynaflow(&[
        "check",
        "docs/codes/examples/MN013-missing-rulebook.myna",
        "--exit-zero",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let o = mynaflow(&[
        "check",
        "docs/codes/examples",
        "--statistics",
        "--lang",
        "en",
    ]);
    let out = stdout(&o);
    let first = out.lines().next().unwrap_or("");
    assert_eq!(
        first, "     3  MN202  error    provision beyond purpose",
        "{out}"
    );
    assert!(
        out.ends_with(" files\n") && out.contains(" errors, "),
        "{out}"
    );
    let o = mynaflow(&[
        "check",
        "docs/codes/examples",
        "--statistics",
        "--lang",
        "ja",
    ]);
    let out = stdout(&o);
    assert!(out.contains("MN202  エラー  目的外提供"), "{out}");
    // The titles line up whatever the severity's width.
    assert!(out.contains("MN503  警告    不要な抑制コメント"), "{out}");
}

#[test]
fn check_reads_stdin_under_a_given_name() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let src =
        std::fs::read(root.join("docs/codes/examples/MN102-wrong-direction.myna")).expect("read");
    let o = run_in(
        root,
        &[
            "check",
            "-",
            "--stdin-filename",
            "designs/x.myna",
            "--format",
            "concise",
        ],
        &src,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).starts_with("designs/x.myna:14:13: MN102 "),
        "{}",
        stdout(&o)
    );
    let o = run_in(root, &["check", "-", "--format", "concise"], &src);
    assert!(
        stdout(&o).starts_with("<stdin>:14:13: MN102 "),
        "{}",
        stdout(&o)
    );
    // A relative `use` starts from the name's folder.
    let custom = std::fs::read(root.join("tests/cases/custom/design.myna")).expect("read");
    let o = run_in(
        root,
        &[
            "check",
            "-",
            "--stdin-filename",
            "tests/cases/custom/d.myna",
        ],
        &custom,
    );
    assert_ne!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let o = run_in(root, &["check", "-", "examples"], &src);
    assert_eq!(o.status.code(), Some(2));
}

/// The binary with no locale, to be given its standard input.
fn bare() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_mynaflow"));
    c.env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES");
    c
}

/// The package root, and the bytes of the MN102 example that the tests
/// of standard input pipe in.
fn root_and_mn102() -> (&'static std::path::Path, Vec<u8>) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let src =
        std::fs::read(root.join("docs/codes/examples/MN102-wrong-direction.myna")).expect("read");
    (root, src)
}

/// Standard input that is a file (`check - < design.myna`) is read from
/// where it stands, as a pipe is; one larger than the limit is refused,
/// however it was sized.
#[test]
fn stdin_from_a_file_reads_as_from_a_pipe() {
    use std::io::{Seek, SeekFrom};
    let (root, src) = root_and_mn102();
    let args = ["check", "-", "--format", "concise"];
    let piped = run_in(root, &args, &src);
    assert_eq!(piped.status.code(), Some(1));
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("in.myna");
    // Bytes before the design, already read past when it is run.
    let mut bytes = b"not this".to_vec();
    bytes.extend_from_slice(&src);
    std::fs::write(&path, bytes).expect("write");
    let mut file = std::fs::File::open(&path).expect("open");
    file.seek(SeekFrom::Start(8)).expect("seek");
    let from_file = bare()
        .current_dir(root)
        .args(args)
        .stdin(file)
        .output()
        .expect("run");
    assert_eq!(from_file.status.code(), Some(1));
    assert_eq!(stdout(&from_file), stdout(&piped));
    // 256 MiB and a byte, sparse: refused, not checked.
    let big = dir.path().join("big.myna");
    std::fs::File::create(&big)
        .and_then(|f| f.set_len((256 << 20) + 1))
        .expect("sparse file");
    let o = bare()
        .args(args)
        .stdin(std::fs::File::open(&big).expect("open"))
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("larger than 256 MiB"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn a_path_with_no_design_is_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("notes.txt"), "not a design").expect("write");
    let o = run_in(dir.path(), &["check", "."], b"");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no design (*.myna) found"));
    let o = run_in(dir.path(), &["check", ".", "--lang", "ja"], b"");
    assert!(String::from_utf8_lossy(&o.stderr).contains("設計ファイル (*.myna) が見つかりません"));
    let o = run_in(dir.path(), &["check", "missing.myna", "--lang", "ja"], b"");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .contains("mynaflow: エラー: missing.myna: ファイルまたはディレクトリがありません"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn a_deep_category_tree_is_indented_sixteen_levels_then_names_each_parent() {
    // Indenting every level, a chain of n nested categories was n²/2
    // spaces: 200 000 of them, 63 s and 24 GB.
    let mut rulebook = String::from("rulebook deep\nrole 組合 self\ncategory C0\n");
    for i in 1..2_000 {
        rulebook.push_str(&format!("category C{i} in C{}\n", i - 1));
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("deep.myna");
    std::fs::write(&path, rulebook).expect("write");
    let path = path.to_string_lossy().into_owned();
    for (lang, deep) in [
        ("en", "C1999 (in C1998)"),
        ("ja", "C1999 (「C1998」の下位)"),
    ] {
        let o = mynaflow(&["rules", "show", "--rules", &path, "--lang", lang]);
        assert_eq!(o.status.code(), Some(0));
        let out = stdout(&o);
        let indent = |line: &str| line.len() - line.trim_start().len();
        let line = |name: &str| {
            (out.lines())
                .find(|l| l.trim_start().starts_with(&format!("{name} ")) || l.trim_start() == name)
                .unwrap_or_else(|| panic!("{name}\n{out}"))
        };
        assert_eq!(indent(line("C15")), 2 + 2 * 15);
        assert!(line("C15").trim_end().ends_with("C15"), "{}", line("C15"));
        assert_eq!(indent(line("C16")), 2 + 2 * 16);
        assert_eq!(indent(line("C1999")), 2 + 2 * 16);
        assert_eq!(line("C1999").trim(), deep);
        // Linear: each of the 2 000 lines is short.
        assert!(out.len() < 2_000 * 80, "{}", out.len());
    }
}

#[test]
fn rules_show_prints_the_vocabulary() {
    for lang in ["en", "ja"] {
        let o = mynaflow(&["rules", "show", "--lang", lang]);
        assert_eq!(o.status.code(), Some(0));
        let out = stdout(&o);
        for word in [
            "委託先",
            "課税・非課税情報 [mynumber]",
            "被扶養者の認定",
            "株式会社大和総研",
            "守秘義務",
        ] {
            assert!(out.contains(word), "{lang}: {word}\n{out}");
        }
        // Categories are a tree: a child is indented under its parent.
        let parent = out
            .find("\n  特定個人情報 [mynumber]")
            .expect("root category");
        let child = out
            .find("\n    課税・非課税情報 [mynumber]")
            .expect("child category");
        assert!(parent < child);
    }
    assert!(stdout(&mynaflow(&["rules", "show", "--lang", "ja"])).contains("役割:"));
    assert!(stdout(&mynaflow(&["rules", "show", "--lang", "en"])).contains("roles:"));
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&mynaflow(&["rules", "show", "--format", "json"])))
            .expect("JSON");
    assert_eq!(json["name"], "kenpo");
    assert!(
        json["roles"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["name"] == "委託先" && r["kind"] == "contractor")
    );
    assert!(
        json["categories"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["name"] == "課税・非課税情報"
                && c["parent"] == "特定個人情報"
                && c["mynumber"] == true)
    );
    assert!(json["sections"].as_array().unwrap().iter().any(|s| {
        s["purposes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["label"] == "被扶養者の認定")
    }));
}

#[test]
fn rules_export_writes_the_builtin_rulebook() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("kenpo.myna");
    let o = mynaflow(&[
        "rules",
        "export",
        "kenpo",
        "-o",
        file.to_str().expect("utf8"),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    assert_eq!(
        std::fs::read_to_string(&file).expect("written"),
        std::fs::read_to_string(root.join("rules/kenpo.myna")).expect("read")
    );
    // The exported file is a rulebook a design can use.
    let o = mynaflow(&[
        "check",
        "--rules",
        file.to_str().expect("utf8"),
        "examples/kenpo-society.myna",
    ]);
    assert_ne!(o.status.code(), Some(2));
    assert_eq!(
        mynaflow(&["rules", "export", "nope"]).status.code(),
        Some(2)
    );
    // Findings that point into the built-in rulebook say how to see it.
    let o = mynaflow(&["check", "docs/codes/examples/MN102-wrong-direction.myna"]);
    assert!(stdout(&o).contains("run `mynaflow rules export kenpo` to see it"));
}

#[test]
fn test_update_rewrites_expectations() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_, bytes) = root_and_mn102();
    let original = String::from_utf8(bytes).expect("UTF-8");
    let file = dir.path().join("d.myna");
    std::fs::write(
        &file,
        original.replace("# expect: MN102", "# expect: MN103"),
    )
    .expect("write");
    let o = run_in(dir.path(), &["test", "d.myna"], b"");
    assert_eq!(o.status.code(), Some(1));
    let o = run_in(dir.path(), &["test", "--update", "d.myna"], b"");
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(std::fs::read_to_string(&file).expect("read"), original);
    let o = run_in(dir.path(), &["test", "d.myna"], b"");
    assert_eq!(o.status.code(), Some(0));
    let o = run_in(dir.path(), &["test", "--update", "d.myna"], b"");
    assert!(
        stdout(&o).contains("0 updated, 1 unchanged"),
        "{}",
        stdout(&o)
    );
}

/// `test` compares every finding with the annotations, not the hundred a
/// code a check shows, and `test --update` annotates every one: a design
/// with 150 flows the wrong way passes its 150 `# expect: MN102` (it
/// failed with 50 "expected, not reported", and `--update` wrote 101).
/// What differs is listed a hundred of each kind at most, the rest counted.
#[test]
fn test_compares_and_updates_every_finding_past_the_cap() {
    let dir = tempfile::tempdir().expect("tempdir");
    let head = "use \"kenpo\"\n\
                actor 適用システム : 組合\n\
                actor 中間サーバー : 中間サーバー\n\
                actor 情報提供NWS : 情報提供ネットワークシステム\n\
                actor 市町村 : 他機関\n\
                data 課税情報 : 課税・非課税情報\n";
    let flow =
        "flow 適用システム -> 市町村 : 課税情報 for 被扶養者認定 via 中間サーバー, 情報提供NWS";
    let annotated = format!(
        "{head}{}",
        format!("{flow}   # expect: MN102\n").repeat(150)
    );
    let file = dir.path().join("d.myna");
    std::fs::write(&file, &annotated).expect("write");
    let o = run_in(dir.path(), &["test", "d.myna"], b"");
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("ok   d.myna (150 expected)"));

    std::fs::write(&file, format!("{head}{}", format!("{flow}\n").repeat(150))).expect("write");
    let o = run_in(dir.path(), &["test", "d.myna"], b"");
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert_eq!(
        out.matches("MN102 reported, not expected").count(),
        100,
        "{out}"
    );
    assert!(
        out.contains("\n  … and 50 more reported, not expected\n"),
        "{out}"
    );

    // 150 annotated and one more past them: listed, without a message (a
    // check words the first hundred of a code only).
    std::fs::write(&file, format!("{annotated}{flow}\n")).expect("write");
    let o = run_in(dir.path(), &["test", "d.myna"], b"");
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("\n  + line 157: MN102 reported, not expected\n"),
        "{}",
        stdout(&o)
    );

    // The 101st without its annotation: the summary of the findings a
    // check does not show stands there, and its words are not its.
    let mut lines: Vec<String> = annotated.lines().map(str::to_string).collect();
    lines[106] = flow.to_string();
    std::fs::write(&file, lines.join("\n") + "\n").expect("write");
    let o = run_in(dir.path(), &["test", "d.myna"], b"");
    assert!(
        stdout(&o).contains("\n  + line 107: MN102 reported, not expected\n"),
        "{}",
        stdout(&o)
    );

    std::fs::write(&file, format!("{head}{}", format!("{flow}\n").repeat(150))).expect("write");
    let o = run_in(dir.path(), &["test", "--update", "d.myna"], b"");
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let updated = std::fs::read_to_string(&file).expect("read");
    assert_eq!(updated.matches("# expect: MN102").count(), 150, "{updated}");
    let o = run_in(dir.path(), &["test", "d.myna"], b"");
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn timings_go_to_stderr_and_leave_the_output_alone() {
    let design = "examples/vendor-proposal.myna";
    let check = ["read+decode", "lex", "parse", "resolve", "graph", "checks"];
    let runs: [(&[&str], &[&str]); 7] = [
        (&["check", "--format", "json", design], &["render+write"]),
        (&["check", "--format", "github", design], &["render+write"]),
        (
            &["inventory", "--format", "json", design],
            &["inventory", "render+write"],
        ),
        (&["graph", design], &["diagram", "render+write"]),
        (&["coverage", design], &["coverage", "render+write"]),
        (&["test", design], &["compare", "write"]),
        (
            &["rules", "diff", "kenpo", "kenpo", "--impact", design],
            &["diff", "gate", "witnesses", "render+write"],
        ),
    ];
    for (args, own) in runs {
        let plain = mynaflow(args);
        let timed = mynaflow(&[args, &["--timings"]].concat());
        assert_eq!(plain.stdout, timed.stdout, "{args:?}: stdout is the same");
        assert_eq!(plain.status.code(), timed.status.code(), "{args:?}");
        assert!(!plain.stdout.is_empty(), "{args:?}");
        let err = String::from_utf8_lossy(&timed.stderr);
        for stage in check.iter().chain(own) {
            assert!(
                err.lines()
                    .any(|l| l.split_whitespace().next() == Some(*stage) && l.ends_with('%')),
                "{args:?}: no `{stage}` line in\n{err}"
            );
        }
        // Each check's own time, indented under `checks`.
        let parts: Vec<&str> = (err.lines())
            .skip_while(|l| !l.starts_with("checks "))
            .skip(1)
            .take_while(|l| l.starts_with("  "))
            .filter(|l| l.ends_with(" ms"))
            .filter_map(|l| l.split_whitespace().next())
            .collect();
        let each = [
            "verdicts",
            "provisions",
            "MN401",
            "MN201–203",
            "MN301–303",
            "MN402",
            "MN101–105",
            "places",
        ];
        assert_eq!(parts, each, "{args:?}: the checks' parts in\n{err}");
        let total = err.lines().find(|l| l.starts_with("total"));
        assert!(total.is_some_and(|l| l.ends_with(" ms")), "{args:?}: {err}");
        assert!(
            !String::from_utf8_lossy(&plain.stderr).contains("total"),
            "{args:?}: no timings unless asked"
        );
    }
}

/// Standard output that is a pipe is widened to 1 MiB, so a large report
/// reaches its reader in fewer, longer writes; a pipe already wider is
/// left as it is, and what is written does not change.
#[cfg(target_os = "linux")]
#[test]
fn standard_output_into_a_pipe_is_widened_never_narrowed() {
    use std::io::Read;
    use std::os::fd::AsRawFd;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let args = ["check", "--format", "json", "examples/kenpo-society.myna"];
    let into_file = bare().current_dir(root).args(args).output().expect("run");
    // The size the pipe has after the run and what came through it;
    // `None` if the test could not set the size it asked for.
    let run = |set: Option<libc::c_int>| -> Option<(libc::c_int, Vec<u8>)> {
        let (mut reader, writer) = std::io::pipe().expect("pipe");
        if let Some(bytes) = set {
            // SAFETY: F_SETPIPE_SZ takes an int and only reads the pipe.
            let r = unsafe { libc::fcntl(writer.as_raw_fd(), libc::F_SETPIPE_SZ, bytes) };
            if r < bytes {
                return None;
            }
        }
        let mut child = bare()
            .current_dir(root)
            .args(args)
            .stdout(writer)
            .spawn()
            .expect("run mynaflow");
        let mut out = Vec::new();
        reader.read_to_end(&mut out).expect("read");
        assert_eq!(child.wait().expect("wait").code(), Some(0));
        // SAFETY: F_GETPIPE_SZ only reads the pipe's size.
        let size = unsafe { libc::fcntl(reader.as_raw_fd(), libc::F_GETPIPE_SZ) };
        Some((size, out))
    };
    let (size, out) = run(None).expect("a pipe of the default size");
    assert_eq!(out, into_file.stdout, "the same bytes as into a file");
    common::assert_widened(size, "a 64 KiB pipe");
    // Only a privileged process may pass pipe-max-size (CI runs as root).
    let Some((size, out)) = run(Some(4 << 20)) else {
        common::skipped("a pipe wider than 1 MiB needs privileges this test lacks");
        return;
    };
    assert_eq!(out, into_file.stdout);
    assert_eq!(size, 4 << 20, "a wider pipe is not narrowed");
}

/// A design piped into `check -` is read through a pipe widened to 1 MiB
/// into room for the largest input allowed; past that limit it is refused
/// as a file is, not checked.
#[cfg(target_os = "linux")]
#[test]
fn a_piped_design_is_read_whole_and_refused_past_the_limit() {
    use std::io::Write;
    use std::os::fd::AsRawFd;
    let (root, src) = root_and_mn102();
    let args = ["check", "-", "--format", "concise"];
    let named = bare()
        .current_dir(root)
        .args(["check", "docs/codes/examples/MN102-wrong-direction.myna"])
        .args(["--format", "concise"])
        .output()
        .expect("run");
    let (reader, mut writer) = std::io::pipe().expect("pipe");
    // A read end kept here keeps the pipe, to ask its size after the run;
    // only the write end's closing ends the design.
    let kept = reader.try_clone().expect("a second read end");
    let child = bare()
        .current_dir(root)
        .args(args)
        .stdin(reader)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("run mynaflow");
    writer.write_all(&src).expect("write the design");
    drop(writer);
    let piped = child.wait_with_output().expect("wait");
    assert_eq!(piped.status.code(), Some(1));
    assert_eq!(
        stdout(&piped).replace("<stdin>", "docs/codes/examples/MN102-wrong-direction.myna"),
        stdout(&named)
    );
    // SAFETY: F_GETPIPE_SZ only reads the pipe's size.
    let size = unsafe { libc::fcntl(kept.as_raw_fd(), libc::F_GETPIPE_SZ) };
    common::assert_widened(size, "standard input's pipe");
    // 256 MiB and a byte through a pipe.
    let mut child = bare()
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run mynaflow");
    let mut stdin = child.stdin.take().expect("stdin");
    let feeder = std::thread::spawn(move || {
        let block = vec![b'#'; 1 << 20];
        for _ in 0..256 {
            if stdin.write_all(&block).is_err() {
                return;
            }
        }
        let _ = stdin.write_all(b"#");
    });
    let o = child.wait_with_output().expect("wait");
    feeder.join().expect("the feeder");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("larger than 256 MiB"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// A run over 150 files with a symlink named 76th that writes them: it
/// exits 2 saying why the link was not written, the link stays a link,
/// and the files it wrote are said in order (lines starting `said`), at
/// least the 76 before the link. Gives the files said.
#[cfg(unix)]
fn refused_the_link_and_said_the_rest(
    o: &std::process::Output,
    link: &std::path::Path,
    said: &str,
) -> Vec<String> {
    assert_eq!(o.status.code(), Some(2), "{}", stdout(o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("symlink; not written"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        std::fs::symlink_metadata(link)
            .expect("the link")
            .file_type()
            .is_symlink()
    );
    let names: Vec<String> = stdout(o)
        .lines()
        .filter_map(|l| l.strip_prefix(said))
        .map(str::to_string)
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "said in the files' order");
    assert!(names.len() >= 76, "{} said", names.len());
    names
}

/// `fmt` of many files writes several at once, says each in the files'
/// order, and never writes through a symlink (one named among the files):
/// the link is not followed, the run says so and exits 2, the link stays
/// a link, and every other file is rewritten and said to be, none without
/// being said.
#[cfg(unix)]
#[test]
fn fmt_of_many_files_never_writes_through_a_symlink_nor_unsaid() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_, bytes) = root_and_mn102();
    let laid_out = dir.path().join("laid-out.myna");
    std::fs::write(&laid_out, &bytes).expect("write");
    let o = bare().arg("fmt").arg(&laid_out).output().expect("run");
    assert!(o.status.success(), "{o:?}");
    let original = std::fs::read_to_string(&laid_out).expect("read");
    std::fs::remove_file(&laid_out).expect("remove");
    let messy = original.replace(" : ", "   :   ");
    assert_ne!(messy, original);
    let names: Vec<String> = (0..150).map(|i| format!("d{i:03}.myna")).collect();
    for name in &names {
        std::fs::write(dir.path().join(name), &messy).expect("write");
    }
    let link = "d075x.myna";
    std::os::unix::fs::symlink(dir.path().join("d149.myna"), dir.path().join(link))
        .expect("symlink");
    let mut args: Vec<&str> = names.iter().map(String::as_str).collect();
    args.insert(76, link);
    let o = bare()
        .current_dir(dir.path())
        .arg("fmt")
        .args(&args)
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("d075x.myna: a symlink, not followed"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        std::fs::symlink_metadata(dir.path().join(link))
            .expect("the link")
            .file_type()
            .is_symlink()
    );
    let said: Vec<String> = stdout(&o)
        .lines()
        .filter_map(|l| l.strip_prefix("reformatted "))
        .map(str::to_string)
        .collect();
    assert_eq!(said, names, "every file said, in order");
    for name in &names {
        let now = std::fs::read_to_string(dir.path().join(name)).expect("read");
        if said.contains(name) {
            assert_eq!(now, original, "{name}");
        } else {
            assert_eq!(now, messy, "{name} written, not said");
        }
    }
}

/// `test --update` over a folder annotates every file, says so in the
/// files' order, and never writes through a symlink (one into the folder,
/// which `--follow-symlinks` reads): the run says why and exits 2, the
/// link stays a link, and the files before it are updated and said to
/// be.
#[cfg(unix)]
#[test]
fn test_update_over_a_folder_never_writes_through_a_symlink() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_, bytes) = root_and_mn102();
    let original = String::from_utf8(bytes).expect("UTF-8");
    let wrong = original.replace("# expect: MN102", "# expect: MN103");
    let names: Vec<String> = (0..150).map(|i| format!("d{i:03}.myna")).collect();
    for name in &names {
        std::fs::write(dir.path().join(name), &wrong).expect("write");
    }
    let link = dir.path().join("d075x.myna");
    std::os::unix::fs::symlink(dir.path().join("d149.myna"), &link).expect("symlink");
    let o = bare()
        .current_dir(dir.path())
        .args(["test", "--update", "--follow-symlinks", "."])
        .output()
        .expect("run");
    // Every file before the link, said in order and updated.
    let said = refused_the_link_and_said_the_rest(&o, &link, "updated ./");
    for name in &said {
        assert_eq!(
            std::fs::read_to_string(dir.path().join(name)).expect("read"),
            original,
            "{name}"
        );
    }
    // And no file written without being said (a batch is written side by
    // side: those after the link in its batch are written, and said).
    for name in &names {
        let now = std::fs::read_to_string(dir.path().join(name)).expect("read");
        assert!(
            now == wrong || said.contains(name),
            "{name} written, not said"
        );
    }
    // Without the link, every file is updated.
    std::fs::remove_file(&link).expect("remove");
    let o = bare()
        .current_dir(dir.path())
        .args(["test", "--update", "."])
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    for name in &names {
        assert_eq!(
            std::fs::read_to_string(dir.path().join(name)).expect("read"),
            original
        );
    }
}
