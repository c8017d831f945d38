//! Baselines of version 4 record a finding on an exchange stitched
//! through carriers (LANGUAGE.md §3.2) with the earlier hops of the
//! exchange: the hops' statements and the declarations they name (the
//! first sender, the carriers). The finding is shown on the hop that
//! reaches the final receiver, so an earlier hop that changed (its
//! sender, the carriers passed, a purpose) left that hop's statement as
//! it was, and a baseline recorded before still excused it. Re-indenting,
//! re-wrapping or re-commenting an earlier hop keeps it known. Baselines
//! of version 3 still excuse as they did, and say to record them again.

mod common;

use std::path::Path;
use std::process::Output;

fn run(dir: &Path, args: &[&str]) -> Output {
    common::mynaflow_in(dir, args)
}

/// Everything a run printed, stdout then stderr.
fn printed(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A city, two network systems (the same role), the society's
/// intermediate server and its benefits system.
const ACTORS: &str = "use \"kenpo\"\n\n\
    actor 市町村       : 他機関 \"加入者の住所地の市区町村\"\n\
    actor 情報提供NWS  : 情報提供ネットワークシステム\n\
    actor 予備NWS      : 情報提供ネットワークシステム\n\
    actor 中間サーバー : 中間サーバー\n\
    actor 給付システム : 組合 \"給付・審査システム\"\n\n\
    data 課税情報 : 課税・非課税情報\n\n";

/// The first hop of the exchange.
const FIRST: &str = "flow 市町村 -> 情報提供NWS : 課税情報 for 保険給付審査\n";

/// The second hop.
const SECOND: &str = "flow 情報提供NWS -> 中間サーバー : 課税情報 for 保険給付審査\n";

/// The last hop, where MN103 is shown (課税情報 may be received for
/// other purposes than 保険給付審査). Its message names the first sender
/// and its role, the receiver, the item and the purpose: not the
/// carriers, the first sender's legal name, nor the other purposes of
/// the earlier hops.
const LAST: &str = "flow 中間サーバー -> 給付システム : 課税情報 for 保険給付審査\n";

/// The stitched exchange; the second network system is declared and
/// unused (its MN012 is no finding on an exchange).
fn design() -> String {
    format!("{ACTORS}{FIRST}{SECOND}{LAST}")
}

/// Writes `design` to `d/w.myna` and records a baseline of it in
/// `d/wb.json`.
fn record(d: &Path, design: &str) {
    std::fs::write(d.join("w.myna"), design).expect("write");
    let o = run(
        d,
        &[
            "check",
            "--no-config",
            "--write-baseline",
            "wb.json",
            "w.myna",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", printed(&o));
}

/// Writes `design` to `d/w.myna` and checks it against `baseline`, in
/// `lang`: the exit status and what was printed.
fn against(d: &Path, design: &str, baseline: &str, lang: &str) -> (Option<i32>, String) {
    std::fs::write(d.join("w.myna"), design).expect("write");
    let o = run(
        d,
        &[
            "check",
            "--no-config",
            "--lang",
            lang,
            "--format",
            "concise",
            "--baseline",
            baseline,
            "w.myna",
        ],
    );
    (o.status.code(), printed(&o))
}

/// Edits of an earlier hop that change the exchange and not the last
/// hop's statement nor the finding's message, each named.
fn changes() -> Vec<(&'static str, String)> {
    let design = design();
    vec![
        (
            "the second hop comes from another carrier of the same role",
            design
                .replace(FIRST, &FIRST.replace("情報提供NWS", "予備NWS"))
                .replace(SECOND, &SECOND.replace("情報提供NWS", "予備NWS")),
        ),
        (
            "the first sender's legal name",
            design.replace("加入者の住所地の市区町村", "別の市区町村"),
        ),
        (
            "the channel: the network left out",
            design.replace(
                &format!("{FIRST}{SECOND}"),
                "flow 市町村 -> 中間サーバー : 課税情報 for 保険給付審査\n",
            ),
        ),
        (
            "the channel: the second hop passes another carrier",
            design.replace(SECOND, &SECOND.replace('\n', " via 予備NWS\n")),
        ),
        (
            "the first hop carries the item for one more purpose",
            design.replace(
                FIRST,
                "flow 市町村 -> 情報提供NWS : 課税情報 for 保険給付審査, 被扶養者認定\n",
            ),
        ),
        (
            "a carrier's declaration",
            design.replace(
                "actor 情報提供NWS  : 情報提供ネットワークシステム",
                "actor 情報提供NWS  : 情報提供ネットワークシステム \"地方公共団体情報システム機構\"",
            ),
        ),
    ]
}

/// An earlier hop changed: the finding on the last hop is new, though
/// that hop's statement and the finding's message are as they were. It
/// was excused.
#[test]
fn a_finding_whose_earlier_hops_changed_is_new() {
    let d = tempfile::tempdir().expect("tempdir");
    record(d.path(), &design());
    let (status, out) = against(d.path(), &design(), "wb.json", "en");
    assert_eq!(status, Some(0), "{out}");
    for (what, changed) in changes() {
        assert_ne!(changed, design(), "{what}: the edit changes the design");
        assert!(changed.contains(LAST), "{what}: the last hop is as it was");
        let (status, out) = against(d.path(), &changed, "wb.json", "en");
        assert_eq!(status, Some(1), "{what}: {out}");
        let mn103: Vec<&str> = out.lines().filter(|l| l.contains("MN103")).collect();
        assert_eq!(mn103.len(), 1, "{what}: {out}");
        assert!(
            mn103.iter().all(|l| l.contains(
                "`課税情報` (課税・非課税情報) may not be provided from 市町村 (他機関) to 給付システム (組合) for `保険給付審査`"
            )),
            "{what}: the message is as it was: {out}"
        );
    }
}

/// The earlier hops re-indented, re-wrapped, re-commented or moved, and
/// the declarations they name likewise: the finding is still known.
#[test]
fn a_finding_whose_earlier_hops_only_moved_or_were_recommented_is_still_known() {
    let d = tempfile::tempdir().expect("tempdir");
    record(d.path(), &design());
    let design = design();
    for (what, same) in [
        (
            "re-indented and commented",
            design.replace(
                SECOND,
                "   flow  情報提供NWS ->   中間サーバー : 課税情報 for 保険給付審査   # 経由\n",
            ),
        ),
        (
            "wrapped, a comment on a line of its own",
            design.replace(
                FIRST,
                "flow 市町村 -> 情報提供NWS : 課税情報\n  # 給付の審査\n  for 保険給付審査\n",
            ),
        ),
        (
            "the first sender's declaration re-wrapped and commented",
            design.replace(
                "actor 市町村       : 他機関 \"加入者の住所地の市区町村\"",
                "actor 市町村 : # 住所地\n    他機関 \"加入者の住所地の市区町村\"",
            ),
        ),
        (
            "the hops moved below the last one, with a comment between",
            design.replace(
                &format!("{FIRST}{SECOND}{LAST}"),
                &format!("{LAST}\n# 前のホップ\n{SECOND}{FIRST}"),
            ),
        ),
    ] {
        let (status, out) = against(d.path(), &same, "wb.json", "en");
        assert_eq!(status, Some(0), "{what}: {out}");
        assert!(
            out.contains("2 finding(s) recorded in the baseline"),
            "{what}: {out}"
        );
    }
}

/// FNV-1a 64 of `bytes`, from `h`.
fn fnv_from(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// FNV-1a 64 of a text, as a statement's folded text is hashed.
fn fnv(text: &str) -> u64 {
    fnv_from(0xcbf2_9ce4_8422_2325, text.as_bytes())
}

/// A statement's context as version 3 hashed it: its folded text's
/// hash, then the hash of each declaration it names (folded), in order.
fn context(statement: &str, declarations: &[&str]) -> u64 {
    let mut h = fnv_from(0xcbf2_9ce4_8422_2325, &fnv(statement).to_le_bytes());
    for d in declarations {
        h = fnv_from(h, &fnv(d).to_le_bytes());
    }
    h
}

/// A fingerprint of version 3: FNV-1a 64 of the code, "declarations",
/// the statement's context in hex and the finding's text, each followed
/// by a NUL.
fn version_3_print(code: &str, context: u64, at: &str) -> String {
    let mut h = 0xcbf2_9ce4_8422_2325;
    for part in [code, "declarations", &format!("{context:016x}"), at] {
        h = fnv_from(h, part.as_bytes());
        h = fnv_from(h, &[0]);
    }
    format!("{h:016x}")
}

/// The MN103 message of the design's exchange.
const MN103: &str = "特定個人情報 (My Number data) `課税情報` (課税・非課税情報) may not be provided from 市町村 (他機関) to 給付システム (組合) for `保険給付審査`";

/// The design's findings as a baseline of version 3 recorded them (by
/// version 3's formula): the unused declaration's MN012, and the
/// exchange's MN103 by its last hop and the declarations that hop names.
fn version_3() -> (serde_json::Value, String, String) {
    let mn012 = version_3_print(
        "MN012",
        context("actor 予備NWS : 情報提供ネットワークシステム", &[]),
        "予備NWS",
    );
    let mn103 = version_3_print(
        "MN103",
        context(
            LAST.trim_end(),
            &[
                "actor 中間サーバー : 中間サーバー",
                "actor 給付システム : 組合 \"給付・審査システム\"",
                "data 課税情報 : 課税・非課税情報",
            ],
        ),
        "保険給付審査",
    );
    let baseline = serde_json::json!({"version": 3, "findings": [
        {"fingerprint": mn012, "code": "MN012", "file": "w.myna", "line": 5,
         "message": "actor `予備NWS` is declared but no flow uses it"},
        {"fingerprint": mn103, "code": "MN103", "file": "w.myna", "line": 13, "message": MN103},
    ]});
    (baseline, mn012, mn103)
}

/// A baseline of version 3 still loads and excuses what it recorded as
/// it did: the stitched finding by its last hop alone, whatever its
/// earlier hops became; the run says, in both languages, to record it
/// again. Version 4 records the finding on no stitched exchange (MN012)
/// with the fingerprint version 3 gave it, and the stitched one with
/// another; recorded again, the baseline is of version 4 and no longer
/// excuses an exchange whose earlier hop changed.
#[test]
fn a_baseline_of_version_3_still_excuses_as_it_did_and_says_to_record_it_again() {
    let d = tempfile::tempdir().expect("tempdir");
    let (v3, mn012, mn103) = version_3();
    std::fs::write(d.path().join("old.json"), v3.to_string()).expect("write");
    // The first sender's legal name: the unused declaration stays so.
    let (_, changed) = changes().swap_remove(1);
    for text in [design(), changed.clone()] {
        let (status, out) = against(d.path(), &text, "old.json", "en");
        assert_eq!(status, Some(0), "{out}");
        assert!(
            out.contains("2 finding(s) recorded in the baseline"),
            "{out}"
        );
        assert!(
            out.contains("note: the baseline old.json is of version 3")
                && out.contains(
                    "record it again with --write-baseline to match the earlier hops too"
                ),
            "{out}"
        );
    }
    let (_, out) = against(d.path(), &design(), "old.json", "ja");
    assert!(
        out.contains("注記: ベースライン old.json はバージョン 3 です")
            && out.contains("--write-baseline で記録し直してください"),
        "{out}"
    );
    // Recorded again: version 5, whose fingerprints read statements by
    // their tokens (the MN012's is no longer version 3's either), the
    // MN103 with its earlier hops.
    record(d.path(), &design());
    let text = std::fs::read_to_string(d.path().join("wb.json")).expect("read");
    let v4: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(v4["version"], 5, "{text}");
    let print = |code: &str| {
        (v4["findings"].as_array().expect("findings").iter())
            .find(|e| e["code"] == code)
            .map(|e| e["fingerprint"].as_str().unwrap_or_default().to_string())
            .unwrap_or_default()
    };
    assert_ne!(print("MN012"), mn012, "{text}");
    assert!(!print("MN012").is_empty(), "{text}");
    assert_ne!(print("MN103"), mn103, "{text}");
    assert!(!print("MN103").is_empty(), "{text}");
    let (status, out) = against(d.path(), &changed, "wb.json", "en");
    assert_eq!(status, Some(1), "{out}");
    assert!(!out.contains("note: the baseline"), "{out}");
}
