//! The command line's contract (docs/design/LANGUAGE.md §4): exit statuses, languages,
//! colour, the JSON shape, determinism.

mod common;
use common::{mynaflow, stdout};

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
    assert!(String::from_utf8_lossy(&o.stderr).contains("MN010"));
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
    assert_eq!(keys(&v), ["diagnostics", "summary", "version"]);
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
