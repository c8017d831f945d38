//! What no suppression may silence, no baseline excuses: MN004 (the text
//! does not read as it is written), MN005 and MN013 (the design was not
//! checked). A pull request can write a baseline as easily as a comment:
//! before this, one that added a hidden bidi override, recorded it with
//! `--write-baseline` and named the baseline in `mynaflow.toml`, passed
//! `check` with exit status 0. Through the real binary.

mod common;

use serde_json::Value;
use std::path::Path;

const HEADER: &str = "use \"kenpo\"\n\
    actor 給付システム : 組合 \"新給付システム\"\n\
    actor 分析基盤 : 組合 \"データ分析基盤\"\n\
    actor 事業主 : 事業主 \"〇〇株式会社 人事部\"\n\
    data 給付記録 : 給付記録\n";

/// A flow with no finding, and one that is MN202 (目的外提供).
const OK: &str = "flow 給付システム -> 分析基盤 : 給付記録 for 医療費分析\n";
const BAD: &str = "flow 給付システム -> 事業主 : 給付記録 for 医療費分析\n";

/// A comment holding a right-to-left override (MN004): the text does
/// not read as it is written.
const TROJAN: &str = "# 承認済み \u{202e} 確認\n";

/// The design: a lawful flow, the override, an unlawful flow.
fn design() -> String {
    format!("{HEADER}{OK}{TROJAN}{BAD}")
}

/// `check ARGS` in `dir`: stdout, stderr, the exit status.
fn check(dir: &Path, args: &[&str]) -> (String, String, Option<i32>) {
    let o = common::mynaflow_in(dir, &[&["check"][..], args].concat());
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    (common::stdout(&o), err, o.status.code())
}

/// The codes of a JSON report's diagnostics.
fn codes(json: &str) -> Vec<String> {
    let v: Value = serde_json::from_str(json).expect("JSON");
    (v["diagnostics"].as_array().cloned().unwrap_or_default())
        .iter()
        .filter_map(|d| d["code"].as_str().map(String::from))
        .collect()
}

/// The audit's reproduction: the pull request records its own findings
/// in a baseline its `mynaflow.toml` names. The MN202 is excused (a
/// baseline's job); the MN004 is not recorded, said so in both
/// languages, and fails the run, with the config's baseline and with
/// `--baseline`.
#[test]
fn a_baseline_the_pull_request_writes_does_not_excuse_a_hidden_override() {
    let d = tempfile::tempdir().expect("tempdir");
    std::fs::write(d.path().join("d.myna"), design()).expect("write");
    std::fs::write(d.path().join("mynaflow.toml"), "baseline = \"b.json\"\n").expect("write");

    let (_, err, status) = check(d.path(), &["--write-baseline", "b.json", "d.myna"]);
    assert_eq!(status, Some(0), "{err}");
    assert!(err.contains("recorded 1 finding(s) in b.json"), "{err}");
    assert!(
        err.contains("mynaflow: 1 finding(s) not recorded in b.json (MN004 ×1): no baseline can excuse these codes, as no suppression can, so `check` still reports them and fails until they are fixed (MN004: the text does not read as it is written)"),
        "{err}"
    );
    let written = std::fs::read_to_string(d.path().join("b.json")).expect("baseline");
    assert!(!written.contains("MN004"), "{written}");
    assert!(written.contains("MN202"), "{written}");

    for args in [
        &["--format", "json", "d.myna"][..],
        &[
            "--format",
            "json",
            "--no-config",
            "--baseline",
            "b.json",
            "d.myna",
        ],
    ] {
        let (out, err, status) = check(d.path(), args);
        assert_eq!(status, Some(1), "{args:?}: {err}");
        assert_eq!(codes(&out), ["MN004"], "{args:?}: {out}");
        // The config's baseline is named as the config names it.
        assert!(
            err.contains("1 finding(s) recorded in the baseline ")
                && err.contains("b.json not shown"),
            "{args:?}: {err}"
        );
        // What --write-baseline wrote holds no entry to note.
        assert!(!err.contains("note:"), "{args:?}: {err}");
    }

    // In Japanese.
    let (_, err, _) = check(
        d.path(),
        &["--lang", "ja", "--write-baseline", "b.json", "d.myna"],
    );
    assert!(
        err.contains("1 件の指摘は b.json に記録していません (MN004 ×1)。これらのコードは抑制コメントと同じくベースラインでも除外できないため、修正するまで `check` は報告し、失敗とします (MN004: テキストが書かれているとおりに読めません)"),
        "{err}"
    );
}

/// FNV-1a 64 of `parts`, each followed by a NUL: a fingerprint of
/// version 1 (the code, the finding's line without its comment, the
/// text of its span).
fn fnv_parts(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain([0]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

/// A baseline written by hand with an entry for the MN004 (its line is
/// a comment: no text outside it), one of another code with the same
/// fingerprint (a disguise), and one for the MN202: the MN202 is excused,
/// the MN004 is not, and the run says the MN004 entry excuses nothing,
/// in both languages.
#[test]
fn a_hand_written_entry_for_mn004_excuses_nothing_and_is_said() {
    let d = tempfile::tempdir().expect("tempdir");
    std::fs::write(d.path().join("d.myna"), design()).expect("write");
    let mn004 = fnv_parts(&["MN004", "", "\u{202e}"]);
    let mn202 = fnv_parts(&["MN202", BAD.trim_end(), "医療費分析"]);
    let entry = |print: u64, code: &str, line: usize| {
        format!(
            "{{\"fingerprint\": \"{print:016x}\", \"code\": \"{code}\", \"file\": \"d.myna\", \"line\": {line}, \"message\": \"m\"}}"
        )
    };
    let b = format!(
        "{{\"version\": 1, \"findings\": [{}, {}, {}]}}",
        entry(mn004, "MN004", 7),
        entry(mn004, "MN301", 7),
        entry(mn202, "MN202", 8)
    );
    std::fs::write(d.path().join("hand.json"), b).expect("write");
    let args = [
        "--no-config",
        "--format",
        "json",
        "--baseline",
        "hand.json",
        "d.myna",
    ];
    let (out, err, status) = check(d.path(), &args);
    assert_eq!(status, Some(1), "{err}");
    assert_eq!(codes(&out), ["MN004"], "{out}");
    assert!(
        err.contains("1 finding(s) recorded in the baseline hand.json not shown"),
        "the MN202 is: {err}"
    );
    assert!(
        err.contains("mynaflow: note: the baseline hand.json records 1 finding(s) of codes no baseline can excuse (MN004 ×1): as no suppression can, those entries excuse nothing, and the findings are reported (MN004: the text does not read as it is written)"),
        "{err}"
    );
    let (_, err, _) = check(d.path(), &[&["--lang", "ja"][..], &args].concat());
    assert!(
        err.contains("注記: ベースライン hand.json には、ベースラインで除外できないコードの指摘が 1 件記録されています (MN004 ×1)。抑制コメントと同じく、これらの記録は何も除外せず、指摘はそのまま報告されます (MN004: テキストが書かれているとおりに読めません)"),
        "{err}"
    );
}

/// A design whose rulebook cannot be loaded (MN013) is not recorded
/// either, and an entry for it excuses nothing: the finding is shown,
/// not only the run's failure said.
#[test]
fn a_design_that_was_not_checked_is_not_recorded_nor_excused() {
    let d = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        d.path().join("d.myna"),
        "use \"missing.myna\"\nactor 基幹 : 組合\n",
    )
    .expect("write");
    let (_, err, status) = check(
        d.path(),
        &["--no-config", "--write-baseline", "b.json", "d.myna"],
    );
    assert_eq!(status, Some(2), "{err}");
    assert!(
        err.contains("not recorded in b.json (MN013 ×1)")
            && err.contains("(MN005, MN013: the design was not checked)"),
        "{err}"
    );
    let written = std::fs::read_to_string(d.path().join("b.json")).expect("baseline");
    assert!(!written.contains("MN013"), "{written}");
    let (out, err, status) = check(
        d.path(),
        &[
            "--no-config",
            "--format",
            "json",
            "--baseline",
            "b.json",
            "d.myna",
        ],
    );
    assert_eq!(status, Some(2), "{err}");
    assert!(codes(&out).contains(&"MN013".to_string()), "{out}");
}
