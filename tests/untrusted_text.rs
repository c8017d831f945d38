//! Text that does not read as it is written, through the real binary: a
//! lone CR (an editor breaks the line there, the language does not), a
//! suppression of MN004, and names that differ only by an invisible
//! character. The designs are the audit's proofs of concept (section 3
//! and 4 of its report), each of which passed `check` before.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

const HEADER: &str = "use \"kenpo\"\n\
    actor 給付システム : 組合 \"新給付システム\"\n\
    actor 分析基盤 : 組合 \"データ分析基盤\"\n\
    actor 事業主 : 事業主 \"〇〇株式会社 人事部\"\n\
    actor 他健保 : 他機関 \"他の健保\"\n\
    data 給付記録 : 給付記録\n";

/// A flow with no finding, and two that are MN202 (目的外提供).
const OK: &str = "flow 給付システム -> 分析基盤 : 給付記録 for 医療費分析";
const BAD: &str = "flow 給付システム -> 事業主 : 給付記録 for 医療費分析";
const BAD2: &str = "flow 給付システム -> 他健保 : 給付記録 for 医療費分析";
const ALLOW: &str = "# mynaflow: allow MN202 reason=\"社内分析 (承認済)\"";

/// The audit's four designs with a lone CR: an editor shows the
/// suppression above, or at the end of, a line of its own, and before
/// this change each passed.
fn lone_cr_designs() -> Vec<(&'static str, String)> {
    vec![
        ("own line", format!("{HEADER}{OK}\n{ALLOW}\r{OK}\n{BAD}\n")),
        ("trailing", format!("{HEADER}{OK} {ALLOW}\r{BAD}\n")),
        ("two", format!("{HEADER}{BAD} {ALLOW}\r{BAD2}\n")),
        ("fmt", format!("{HEADER}{ALLOW}\r{BAD}\n{OK}\n")),
    ]
}

/// The config the README tells CI to pin.
const PINNED: &str = "rulebooks = [\"kenpo\"]\nunsuppressible = [\"MN1\"]\n";

/// `text` as `d.myna` in a fresh folder, with the pinned config beside it.
fn design(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pinned.toml"), PINNED).unwrap();
    let path = dir.path().join("d.myna");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

/// `check --format json` of `path`, with `config` (`--no-config` when None).
fn check(path: &Path, config: Option<&Path>) -> Output {
    let mut args = vec!["check", "--format", "json"];
    let config = config.map(|c| c.to_str().unwrap().to_string());
    match &config {
        Some(c) => args.extend(["--config", c.as_str()]),
        None => args.push("--no-config"),
    }
    args.push(path.to_str().unwrap());
    common::mynaflow(&args)
}

/// Each finding's code and place (line, column in characters).
fn findings(o: &Output) -> Vec<(String, u64)> {
    let v: serde_json::Value =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", common::stdout(o)));
    let list = v["diagnostics"].as_array().expect("diagnostics");
    list.iter()
        .filter(|d| d["file"].as_str().is_some_and(|f| f.ends_with("d.myna")))
        .map(|d| {
            let code = d["code"].as_str().unwrap_or_default().to_string();
            let (line, column) = (d["line"].as_u64(), d["column"].as_u64());
            (code, line.unwrap_or(0) * 1000 + column.unwrap_or(0))
        })
        .collect()
}

/// The place of byte `at` of `text` as [`findings`] gives it: lines end
/// at LF only.
fn place(text: &str, at: usize) -> u64 {
    let before = &text[..at];
    let line = before.matches('\n').count() as u64 + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    line * 1000 + before[start..].chars().count() as u64 + 1
}

#[test]
fn a_lone_cr_is_mn004_at_the_cr_and_fails_the_check() {
    for (what, text) in lone_cr_designs() {
        let (dir, path) = design(&text);
        let cr = place(&text, text.find('\r').unwrap());
        for config in [None, Some(dir.path().join("pinned.toml"))] {
            let o = check(&path, config.as_deref());
            assert_eq!(o.status.code(), Some(1), "{what}: {}", common::stdout(&o));
            let found = findings(&o);
            assert!(
                found.contains(&("MN004".to_string(), cr)),
                "{what}: {found:?}"
            );
        }
    }
}

#[test]
fn fmt_never_makes_a_design_with_a_lone_cr_pass() {
    for (what, text) in lone_cr_designs() {
        let (_dir, path) = design(&text);
        let o = common::mynaflow(&["fmt", path.to_str().unwrap()]);
        assert_ne!(o.status.code(), Some(0), "{what}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("MN004"), "{what}: {err}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text, "{what}");
        let o = check(&path, None);
        assert_eq!(o.status.code(), Some(1), "{what}");
    }
}

/// The same designs with CRLF line ends where the CR stood: the lines are
/// what the reader sees, each suppression covers the statement shown, and
/// fmt keeps the CRLF.
#[test]
fn crlf_line_ends_read_as_lines() {
    let cases = [
        // A suppression above OK covers nothing (MN503); BAD is MN202.
        (
            format!("{HEADER}{OK}\n{ALLOW}\r\n{OK}\n{BAD}\n"),
            vec!["MN503", "MN202"],
        ),
        (
            format!("{HEADER}{OK} {ALLOW}\r\n{BAD}\n"),
            vec!["MN503", "MN202"],
        ),
        (format!("{HEADER}{BAD} {ALLOW}\r\n{BAD2}\n"), vec!["MN202"]),
        (format!("{HEADER}{ALLOW}\r\n{BAD}\n{OK}\n"), vec![]),
    ];
    for (text, codes) in cases {
        let crlf = text.replace("\r\n", "\n").replace('\n', "\r\n");
        for text in [text, crlf] {
            let (_dir, path) = design(&text);
            let o = check(&path, None);
            // MN012: an actor of the header some cases do not use.
            let mut found: Vec<String> = (findings(&o).into_iter())
                .map(|(c, _)| c)
                .filter(|c| c != "MN012")
                .collect();
            found.sort();
            let mut want: Vec<String> = codes.iter().map(|c| c.to_string()).collect();
            want.sort();
            assert_eq!(found, want, "{text:?}");
            assert_eq!(o.status.code(), Some(i32::from(!codes.is_empty())));
        }
    }
    let text = format!("{HEADER}{BAD2}\n").replace('\n', "\r\n");
    let (_dir, path) = design(&text);
    let o = common::mynaflow(&["fmt", path.to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let formatted = std::fs::read_to_string(&path).unwrap();
    assert!(formatted.ends_with("医療費分析\r\n"), "{formatted:?}");
    assert!(!formatted.replace("\r\n", "").contains(['\r', '\n']));
}

/// MN004 says the text cannot be trusted as read: a comment in it cannot
/// excuse it, with or without a config that bars codes. The audit's
/// suppression carried the RLO it excused.
#[test]
fn mn004_cannot_be_suppressed() {
    let text = format!("{HEADER}{BAD}   # mynaflow: allow MN202, MN004 reason=\"\u{202e}x\"\n");
    let (dir, path) = design(&text);
    for config in [None, Some(dir.path().join("pinned.toml"))] {
        let o = check(&path, config.as_deref());
        assert_eq!(o.status.code(), Some(1));
        let codes: Vec<String> = findings(&o).into_iter().map(|(c, _)| c).collect();
        assert!(codes.contains(&"MN004".to_string()), "{codes:?}");
        assert!(codes.contains(&"MN501".to_string()), "{codes:?}");
        let out = common::stdout(&o);
        assert!(
            out.contains(
                "MN004 cannot be suppressed: it means the text does not read as it is written"
            ),
            "{out}"
        );
    }
}

/// The audit's data items: 課税情報, and the same name with an invisible
/// character after it, of another category; the second flow reads as
/// carrying the first item.
fn lookalike(invisible: char) -> String {
    format!(
        "use \"kenpo\"\n\
         actor 適用システム : 組合 \"適用・資格管理システム\"\n\
         actor 給付システム : 組合 \"新給付システム\"\n\
         actor 中間サーバー : 中間サーバー\n\
         actor 情報提供NWS : 情報提供ネットワークシステム\n\
         actor 市町村 : 他機関 \"市区町村\"\n\
         data 課税情報 : 課税・非課税情報\n\
         data 課税情報{invisible} : 資格情報\n\
         flow 市町村 -> 適用システム : 課税情報 for 被扶養者認定 via 情報提供NWS, 中間サーバー\n\
         flow 市町村 -> 給付システム : 課税情報{invisible} for 高齢受給者負担区分判定\n"
    )
}

#[test]
fn names_that_differ_only_by_a_variation_selector_are_one_name() {
    for vs in ['\u{fe00}', '\u{fe0f}', '\u{180b}', '\u{e0100}'] {
        let text = lookalike(vs);
        let (dir, path) = design(&text);
        let o = check(&path, Some(&dir.path().join("pinned.toml")));
        assert_eq!(o.status.code(), Some(1), "U+{:04X}", vs as u32);
        let found = findings(&o);
        let second = place(&text, text.find(&format!("data 課税情報{vs}")).unwrap() + 5);
        assert!(found.contains(&("MN011".to_string(), second)), "{found:?}");
        // The use spelled with the selector is the first item, respelled,
        // and judged as it: 課税・非課税情報 without the network is MN104.
        let codes: Vec<&str> = found.iter().map(|(c, _)| c.as_str()).collect();
        assert!(codes.contains(&"MN014"), "{codes:?}");
        assert!(codes.contains(&"MN104"), "{codes:?}");
    }
    // The messages say which characters differ (the names quoted look
    // the same), in both languages.
    let (_dir, path) = design(&lookalike('\u{fe00}'));
    for (lang, said) in [
        (
            "en",
            "is U+5831 U+FE00 (with a variation selector) here and U+5831 in the first definition; names are compared without their variation selectors",
        ),
        (
            "ja",
            "U+5831 U+FE00 (異体字セレクタ付き)、最初の定義では U+5831 です。名前は異体字セレクタを除いて比較されます",
        ),
    ] {
        let o = common::mynaflow(&[
            "check",
            "--no-config",
            "--lang",
            lang,
            path.to_str().unwrap(),
        ]);
        let out = common::stdout(&o);
        assert!(out.contains(said), "{lang}: {out}");
    }
}

#[test]
fn a_blank_that_is_no_white_space_is_mn004_and_left_out_of_the_name() {
    let text = lookalike('\u{2800}');
    let (dir, path) = design(&text);
    let o = check(&path, Some(&dir.path().join("pinned.toml")));
    assert_eq!(o.status.code(), Some(1));
    let found = findings(&o);
    let blank = place(&text, text.find('\u{2800}').unwrap());
    assert!(found.contains(&("MN004".to_string(), blank)), "{found:?}");
    let codes: Vec<&str> = found.iter().map(|(c, _)| c.as_str()).collect();
    assert!(codes.contains(&"MN011"), "{codes:?}");
    // Shown escaped, and named.
    let o = common::mynaflow(&["check", "--no-config", path.to_str().unwrap()]);
    let out = common::stdout(&o);
    assert!(out.contains("U+2800 BRAILLE PATTERN BLANK"), "{out}");
    assert!(!out.contains('\u{2800}'), "{out}");
}

/// An ideographic variation sequence is how a register writes 葛󠄀: a name
/// spelled with it throughout is no finding, and is shown as written.
#[test]
fn a_name_with_an_ideographic_variation_sequence_stays_readable() {
    let text = "use \"kenpo\"\n\
        actor 葛\u{e0100}飾区 : 他機関 \"葛\u{e0100}飾区役所\"\n\
        actor 適用システム : 組合\n\
        actor 中間サーバー : 中間サーバー\n\
        actor 情報提供NWS : 情報提供ネットワークシステム\n\
        data 課税情報 : 課税・非課税情報\n\
        flow 葛\u{e0100}飾区 -> 適用システム : 課税情報 for 被扶養者認定 via 情報提供NWS, 中間サーバー\n\
        flow 葛飾区 -> 適用システム : 課税情報 for 被扶養者認定 via 情報提供NWS, 中間サーバー\n";
    let (_dir, path) = design(text);
    let o = check(&path, None);
    let codes: Vec<String> = findings(&o).into_iter().map(|(c, _)| c).collect();
    // The second flow spells it without the selector: one name, MN014.
    assert_eq!(codes, ["MN014"], "{}", common::stdout(&o));
    let o = common::mynaflow(&["check", "--no-config", path.to_str().unwrap()]);
    assert!(common::stdout(&o).contains("葛\u{e0100}飾区"));
}
