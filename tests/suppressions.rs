//! Suppressions through the real binary: what one covers when a line
//! holds two statements, what is reported of one whose statement was not
//! checked or whose list names unused codes, repeated fields, and the day
//! `until` is read in.

mod common;

use std::path::Path;
use std::process::{Command, Output};

/// The audit's header: 健康診断等 is for internal use, so a flow of
/// 健診結果 from the society to 人事部 for it is MN202.
const HEADER: &str = "use \"kenpo\"\n\n\
    actor 保健事業システム : 組合   \"保健事業システム\"\n\
    actor 人事部           : 事業主 \"株式会社〇〇 人事部\"\n\
    actor 総務部           : 事業主 \"株式会社〇〇 総務部\"\n\n\
    data 健診結果 : 健診データ\n\n";

const TO_人事部: &str = "flow 保健事業システム -> 人事部 : 健診結果 for 健康診断等";
const TO_総務部: &str = "flow 保健事業システム -> 総務部 : 健診結果 for 健康診断等";

/// Writes `design` as `d.myna` in a fresh folder.
fn design(text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.myna");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

/// `check --no-config --format concise` of `path`, with `args` before it.
fn check(path: &Path, args: &[&str]) -> Output {
    let mut all = vec!["check", "--no-config", "--format", "concise"];
    all.extend(args);
    all.push(path.to_str().unwrap());
    common::mynaflow(&all)
}

/// Each reported line's `line:column: CODE`, the file name dropped.
fn found(o: &Output) -> Vec<String> {
    common::stdout(o)
        .lines()
        .filter_map(|l| {
            let (_, rest) = l.split_once(".myna:")?;
            let mut words = rest.split(' ');
            Some(format!("{} {}", words.next()?, words.next()?))
        })
        .collect()
}

#[test]
fn a_trailing_suppression_covers_only_the_statement_it_ends() {
    let line = format!("{TO_人事部} {TO_総務部}   # mynaflow: allow MN202 reason=\"x\"\n");
    let (_dir, path) = design(&format!("{HEADER}{line}"));
    let o = check(&path, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", common::stdout(&o));
    assert_eq!(found(&o), ["9:33: MN202"], "{}", common::stdout(&o));
}

#[test]
fn a_suppression_above_a_line_of_two_statements_covers_the_first() {
    let text = format!("{HEADER}# mynaflow: allow MN202 reason=\"x\"\n{TO_人事部} {TO_総務部}\n");
    let (_dir, path) = design(&text);
    let o = check(&path, &[]);
    assert_eq!(found(&o), ["10:71: MN202"], "{}", common::stdout(&o));
}

/// The audit's D4: a typo stops the flow's checks, so its suppression
/// silences nothing yet. It is not MN503, and `--fix --unsafe-fixes`,
/// which fixes the typo (a kanji put for another: unsafe), keeps it with
/// its reason.
#[test]
fn fix_keeps_a_suppression_on_a_statement_that_was_not_checked() {
    let comment = "   # mynaflow: allow MN202 reason=\"本人の書面同意 2026-04\"\n";
    let typo = TO_人事部.replace("-> 人事部", "-> 人時部");
    let text = format!("{HEADER}{TO_人事部}{comment}{typo}{comment}{TO_総務部}{comment}");
    let (_dir, path) = design(&text);
    let o = check(&path, &[]);
    assert_eq!(found(&o), ["10:18: MN010"], "{}", common::stdout(&o));
    let o = check(&path, &["--fix", "--unsafe-fixes"]);
    assert_eq!(o.status.code(), Some(0), "{}", common::stdout(&o));
    let fixed = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        fixed,
        format!("{HEADER}{TO_人事部}{comment}{TO_人事部}{comment}{TO_総務部}{comment}")
    );

    // A typo in the role of an actor the flow uses stops its checks too.
    let text = format!("{HEADER}{TO_人事部}{comment}{TO_総務部}{comment}")
        .replace("人事部           : 事業主", "人事部           : 事業王");
    let (_dir, path) = design(&text);
    let o = check(&path, &[]);
    assert_eq!(found(&o), ["4:23: MN010"], "{}", common::stdout(&o));
}

#[test]
fn each_unused_code_of_a_suppression_is_reported_and_fixed() {
    let text = format!(
        "{HEADER}{TO_人事部}   # mynaflow: allow MN301, MN202, MN302 reason=\"x\"\n{TO_総務部}\n"
    );
    let (_dir, path) = design(&text);
    let o = check(&path, &[]);
    assert_eq!(
        found(&o),
        ["9:59: MN503", "9:73: MN503", "10:33: MN202"],
        "{}",
        common::stdout(&o)
    );
    assert!(common::stdout(&o).contains("MN301 in this suppression suppresses nothing"));
    let o = check(&path, &["--lang", "ja"]);
    assert!(
        common::stdout(&o).contains("この抑制コメントの MN302 は何も抑制していません"),
        "{}",
        common::stdout(&o)
    );
    check(&path, &["--fix"]);
    let fixed = std::fs::read_to_string(&path).unwrap();
    assert!(
        fixed.contains(&format!(
            "{TO_人事部}   # mynaflow: allow MN202 reason=\"x\"\n"
        )),
        "{fixed}"
    );
}

#[test]
fn a_field_given_twice_is_malformed() {
    for (fields, en, ja) in [
        (
            "until=2020-01-01 until=2099-01-01",
            "`until` is given twice",
            "`until` が 2 回書かれています",
        ),
        (
            "reason=\"y\"",
            "`reason` is given twice",
            "`reason` が 2 回書かれています",
        ),
    ] {
        let text = format!(
            "{HEADER}{TO_人事部}   # mynaflow: allow MN202 reason=\"x\" {fields}\n{TO_総務部}   # mynaflow: allow MN202, MN202 reason=\"x\"\n"
        );
        let (_dir, path) = design(&text);
        let o = check(&path, &[]);
        assert_eq!(
            found(&o),
            ["9:33: MN202", "9:41: MN501", "10:33: MN202", "10:41: MN501"],
            "{}",
            common::stdout(&o)
        );
        assert!(common::stdout(&o).contains(en), "{}", common::stdout(&o));
        assert!(common::stdout(&o).contains("MN202 is listed twice"));
        let o = check(&path, &["--lang", "ja"]);
        assert!(common::stdout(&o).contains(ja), "{}", common::stdout(&o));
        assert!(common::stdout(&o).contains("MN202 が 2 回書かれています"));
    }
}

/// `until` is the user's day: the machine's zone, as `TZ` gives it. At
/// any moment the day at UTC+14 is one or two days after the day at
/// UTC-12, so a suppression until the day at UTC-12 holds there and has
/// expired at UTC+14, whatever the time of the run (UTC's day would give
/// both the same answer).
#[test]
fn until_is_read_in_the_local_time_zone() {
    let day_at = |offset_hours: i64| {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        mynaflow::local_date::date_at(secs, offset_hours * 3600)
    };
    let run = |tz: &str, text: &str| {
        let (_dir, path) = design(text);
        let o = Command::new(env!("CARGO_BIN_EXE_mynaflow"))
            .args(["check", "--no-config", "--format", "concise"])
            .arg(&path)
            .env("TZ", tz)
            .env_remove("LANG")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .output()
            .unwrap();
        found(&o)
    };
    // POSIX zones, which need no zone files: east of UTC is negative.
    for _ in 0..3 {
        let west = day_at(-12);
        let text = format!(
            "{HEADER}{TO_人事部}   # mynaflow: allow MN202 reason=\"x\" until={west}\n{TO_総務部}   # mynaflow: allow MN202 reason=\"x\"\n"
        );
        let (in_west, in_east) = (run("WST+12", &text), run("EST-14", &text));
        if day_at(-12) != west {
            continue; // midnight passed at UTC-12 during the runs
        }
        assert_eq!(in_west, Vec::<String>::new(), "until {west}, at UTC-12");
        assert_eq!(
            in_east,
            ["9:33: MN202", "9:41: MN502"],
            "until {west}, at UTC+14"
        );
        return;
    }
    panic!("midnight kept passing");
}
