//! Baselines of version 3 and later record a finding with the
//! declarations its statement depends on: a flow's finding is new when
//! the declaration of an actor or data item the flow names changed,
//! though its message does not show what changed; re-indenting or
//! re-commenting a declaration keeps it known. Baselines of version 2
//! still excuse as they did.

mod common;

use std::path::Path;
use std::process::Output;

fn run(dir: &Path, args: &[&str]) -> Output {
    common::mynaflow_in(dir, args)
}

/// A health society, its personnel department (an employer) and a data
/// broker, and an item of health check results.
const HEALTH: &str = "use \"kenpo\"\n\n\
    actor 保健事業システム : 組合   \"保健事業システム\"\n\
    actor 人事部           : 事業主 \"株式会社〇〇 人事部\"\n\
    actor 名簿業者         : 他機関 \"名簿業者\"\n\n\
    data 健診結果 : 健診データ\n\n";

/// The unlawful flow (MN202: 健康診断等 is an internal-use purpose), its
/// purpose on a line of its own. Its message names the item and the
/// recipient's name and role, not the recipient's legal name or the
/// item's category.
const WRAPPED: &str = "flow 保健事業システム -> 人事部 : 健診結果\n  for 健康診断等\n";

/// The declaration of the flow's recipient.
const RECIPIENT: &str = "actor 人事部           : 事業主 \"株式会社〇〇 人事部\"";

/// A contractor (its legal name registered, not for this purpose: MN301
/// on the flow) with a `clauses` block.
const ENTRUSTED: &str = "use \"kenpo\"\n\n\
    actor 保健事業システム : 組合 \"保健事業システム\"\n\
    actor 分析会社 : 委託先 \"株式会社大和総研\" {\n  clauses 守秘義務, 持出し禁止\n}\n\n\
    data 健診結果 : 健診データ\n\n\
    flow 保健事業システム -> 分析会社 : 健診結果 for 保健指導委託\n";

/// Writes `design` to `d/w.myna`, records a baseline, rewrites the design
/// as `edit` says and checks it against that baseline: the exit status
/// and what was printed.
fn baselined(d: &Path, design: &str, edit: impl Fn(&str) -> String) -> (Option<i32>, String) {
    std::fs::write(d.join("w.myna"), design).expect("write");
    let args = [
        "check",
        "--no-config",
        "--write-baseline",
        "wb.json",
        "w.myna",
    ];
    let o = run(d, &args);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let edited = edit(design);
    assert_ne!(edited, design, "the edit changes the design");
    std::fs::write(d.join("w.myna"), edited).expect("write");
    let o = run(
        d,
        &["check", "--no-config", "--baseline", "wb.json", "w.myna"],
    );
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    (o.status.code(), all)
}

/// The recipient's legal name changed, nothing else: the flow's finding,
/// whose message does not show the legal name, is new. It was excused.
#[test]
fn a_flow_whose_recipients_legal_name_changed_is_new() {
    let d = tempfile::tempdir().expect("tempdir");
    let design = format!("{HEALTH}{WRAPPED}");
    let (status, out) = baselined(d.path(), &design, |t| {
        t.replace("株式会社〇〇 人事部", "株式会社△△ 人事部")
    });
    assert_eq!(status, Some(1), "{out}");
    assert!(out.contains("error[MN202]"), "{out}");
    // The declaration's own finding (the unused broker's) is still known.
    assert!(!out.contains("MN012"), "{out}");
    assert!(
        out.contains("1 finding(s) recorded in the baseline"),
        "{out}"
    );
}

/// The item's category changed (to another that the purpose still does
/// not allow providing), or it was given a label: the flow's finding is
/// new. It was excused.
#[test]
fn a_flow_whose_items_declaration_changed_is_new() {
    let d = tempfile::tempdir().expect("tempdir");
    let design = format!("{HEALTH}{WRAPPED}");
    let edits: [&dyn Fn(&str) -> String; 2] = [
        &|t| {
            t.replace(
                "data 健診結果 : 健診データ",
                "data 健診結果 : 特定健診データ",
            )
        },
        &|t| {
            t.replace(
                "data 健診結果 : 健診データ",
                "data 健診結果 : 健診データ \"結果\"",
            )
        },
    ];
    for (i, edit) in edits.iter().enumerate() {
        let (status, out) = baselined(d.path(), &design, edit);
        assert_eq!(status, Some(1), "edit {i}: {out}");
        assert!(out.contains("error[MN202]"), "edit {i}: {out}");
    }
}

/// A contractor's clauses changed: the flow that entrusts it data is new
/// (the message of its MN301 names neither the clauses nor anything that
/// changed). It was excused.
#[test]
fn a_flow_to_a_contractor_whose_clauses_changed_is_new() {
    let d = tempfile::tempdir().expect("tempdir");
    let (status, out) = baselined(d.path(), ENTRUSTED, |t| {
        t.replace("守秘義務, 持出し禁止", "守秘義務, 持出し禁止, 再委託禁止")
    });
    assert_eq!(status, Some(1), "{out}");
    assert!(out.contains("error[MN301]"), "{out}");
}

/// What a baseline excused still is when the declarations the flow names
/// are only moved, re-indented, re-wrapped or re-commented, and when a
/// declaration the flow does not name changes.
#[test]
fn a_flow_whose_declarations_only_moved_or_were_recommented_is_still_known() {
    let d = tempfile::tempdir().expect("tempdir");
    let design = format!("{HEALTH}{WRAPPED}");
    let edits: [&dyn Fn(&str) -> String; 4] = [
        &|t| {
            t.replace(
                RECIPIENT,
                "# 人事\n   actor   人事部 :\n      事業主 \"株式会社〇〇 人事部\"   # 人事部",
            )
        },
        &|t| {
            t.replace(
                "data 健診結果 : 健診データ",
                "data  健診結果  :  健診データ # 結果",
            )
        },
        &|t| {
            let moved = t.replace(RECIPIENT, "");
            format!("{moved}\n{RECIPIENT}\n")
        },
        // Not named by the flow: its own finding (MN012) is new, the
        // flow's is not.
        &|t| t.replace("他機関 \"名簿業者\"", "他機関 \"名簿業者 株式会社\""),
    ];
    for (i, edit) in edits.iter().enumerate() {
        let (status, out) = baselined(d.path(), &design, edit);
        assert!(!out.contains("MN202"), "edit {i}: {out}");
        match i {
            3 => {
                assert!(out.contains("warning[MN012]"), "edit {i}: {out}");
                assert!(out.contains("1 finding(s) recorded"), "edit {i}: {out}");
            }
            _ => {
                assert_eq!(status, Some(0), "edit {i}: {out}");
                assert!(out.contains("2 finding(s) recorded"), "edit {i}: {out}");
            }
        }
    }
}

/// FNV-1a 64 of `parts`, each followed by a NUL: how fingerprints are
/// made of their parts.
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

/// FNV-1a 64 of a text, as a statement's folded text is hashed.
fn fnv(text: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// A baseline of version 2 (the statement alone, and the message) as it
/// was written, for the design of HEALTH and WRAPPED.
fn version_2() -> String {
    let entry = |code: &str, statement: &str, at: &str, line: usize, message: &str| {
        let statement = format!("{:016x}", fnv(statement));
        let print = fnv_parts(&[code, "statement", &statement, at]);
        format!(
            "{{\"fingerprint\": \"{print:016x}\", \"code\": \"{code}\", \"file\": \"w.myna\", \"line\": {line}, \"message\": {}}}",
            serde_json::Value::from(message)
        )
    };
    let mn012 = entry(
        "MN012",
        "actor 名簿業者 : 他機関 \"名簿業者\"",
        "名簿業者",
        5,
        "actor `名簿業者` is declared but no flow uses it",
    );
    let mn202 = entry(
        "MN202",
        "flow 保健事業システム -> 人事部 : 健診結果 for 健康診断等",
        "健康診断等",
        10,
        "`健診結果` is provided to 人事部 (事業主) for `健康診断等`, which the purposes of use do not allow (目的外提供)",
    );
    format!("{{\"version\": 2, \"findings\": [{mn012}, {mn202}]}}")
}

/// A baseline written by version 2 still loads and excuses what it
/// recorded, by the statement and message alone (a changed legal name as
/// well, as it did), and the run says, in both languages, to record it
/// again; written again, it is of version 4 and no longer excuses that.
#[test]
fn a_baseline_of_version_2_still_excuses_as_it_did_and_says_to_record_it_again() {
    let d = tempfile::tempdir().expect("tempdir");
    let design = format!("{HEALTH}{WRAPPED}");
    std::fs::write(d.path().join("old.json"), version_2()).expect("write");
    for text in [
        design.clone(),
        design.replace("株式会社〇〇 人事部", "株式会社△△ 人事部"),
    ] {
        std::fs::write(d.path().join("w.myna"), &text).expect("write");
        let o = run(
            d.path(),
            &["check", "--no-config", "--baseline", "old.json", "w.myna"],
        );
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(0), "{err}");
        assert!(
            err.contains("2 finding(s) recorded in the baseline"),
            "{err}"
        );
        assert!(
            err.contains("note: the baseline old.json is of version 2")
                && err.contains("record it again with --write-baseline"),
            "{err}"
        );
    }
    let o = run(
        d.path(),
        &[
            "check",
            "--no-config",
            "--lang",
            "ja",
            "--baseline",
            "old.json",
            "w.myna",
        ],
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("注記: ベースライン old.json はバージョン 2 です")
            && err.contains("--write-baseline で記録し直してください"),
        "{err}"
    );
    // Recorded again (of the design with the changed legal name), then
    // the legal name changed back: the flow's finding is new.
    let o = run(
        d.path(),
        &[
            "check",
            "--no-config",
            "--write-baseline",
            "old.json",
            "w.myna",
        ],
    );
    assert_eq!(o.status.code(), Some(0));
    let text = std::fs::read_to_string(d.path().join("old.json")).expect("read");
    assert!(text.contains("\"version\": 5"), "{text}");
    std::fs::write(d.path().join("w.myna"), &design).expect("write");
    let o = run(
        d.path(),
        &["check", "--no-config", "--baseline", "old.json", "w.myna"],
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(!err.contains("note: the baseline"), "{err}");
}

/// A baseline recorded over designs that follow different configs (the
/// run checks each group in a session of its own) records each flow with
/// its own declarations: the recipient's legal name changed in one design
/// makes that design's finding new, and only it.
#[test]
fn a_baseline_over_several_configs_records_each_designs_declarations() {
    let d = tempfile::tempdir().expect("tempdir");
    let design = format!("{HEALTH}{WRAPPED}");
    for dir in ["a", "b"] {
        std::fs::create_dir_all(d.path().join(dir)).expect("mkdir");
        std::fs::write(d.path().join(dir).join("w.myna"), &design).expect("write");
    }
    std::fs::write(d.path().join("a/mynaflow.toml"), "select = [\"MN2\"]\n").expect("write");
    let o = run(
        d.path(),
        &["check", "--write-baseline", "all.json", "a", "b"],
    );
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let changed = design.replace("株式会社〇〇 人事部", "株式会社△△ 人事部");
    std::fs::write(d.path().join("b/w.myna"), changed).expect("write");
    let o = run(
        d.path(),
        &[
            "check",
            "--baseline",
            "all.json",
            "--format",
            "concise",
            "a",
            "b",
        ],
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    let files: Vec<&str> = out.lines().filter_map(|l| l.split(':').next()).collect();
    assert_eq!(files, ["b/w.myna"], "{out}");
    assert!(out.contains("MN202"), "{out}");
}

/// Version 5 reads statements and declarations by their tokens: `fmt`
/// re-spacing them and writing `：` as `:`, or a keyword typed in
/// full-width, keeps a recorded finding known (fix audit D8: a baseline
/// of version 4 made them new); editing the flow still makes it new.
#[test]
fn fmt_and_safe_fixes_keep_a_recorded_finding_known() {
    let d = tempfile::tempdir().expect("tempdir");
    let design = "use \"kenpo\"\n\nactor 保健事業システム:組合 \"保健事業システム\"\n\
                  actor 人事部：事業主 \"株式会社〇〇 人事部\"\n\ndata 健診結果 : 健診データ\n\n\
                  flow 保健事業システム->人事部：健診結果 ｆｏｒ 健康診断等\n";
    std::fs::write(d.path().join("w.myna"), design).expect("write");
    let o = run(
        d.path(),
        &[
            "check",
            "--no-config",
            "--write-baseline",
            "b.json",
            "w.myna",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", common::stdout(&o));
    let text = std::fs::read_to_string(d.path().join("b.json")).expect("read");
    assert!(text.contains("MN202"), "{text}");
    let o = run(d.path(), &["check", "--no-config", "--fix", "w.myna"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "the MN202 is left: {}",
        common::stdout(&o)
    );
    let o = run(d.path(), &["fmt", "w.myna"]);
    assert_eq!(o.status.code(), Some(0), "{}", common::stdout(&o));
    let written = std::fs::read_to_string(d.path().join("w.myna")).expect("read");
    assert!(
        written.contains("flow 保健事業システム -> 人事部 : 健診結果 for 健康診断等"),
        "{written}"
    );
    let o = run(
        d.path(),
        &["check", "--no-config", "--baseline", "b.json", "w.myna"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", common::stdout(&o));
    // Editing the flow (its items) makes its finding new.
    std::fs::write(
        d.path().join("w.myna"),
        written.replace("-> 人事部 : 健診結果", "-> 人事部 : 健診結果, 健診結果"),
    )
    .expect("write");
    let o = run(
        d.path(),
        &["check", "--no-config", "--baseline", "b.json", "w.myna"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", common::stdout(&o));
}
