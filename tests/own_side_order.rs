//! An end's own systems on the way of an exchange in their turn: the
//! sender's before the network, the receiver's after it. Written `via`,
//! the verdict is the hops' (LANGUAGE.md §2.1), the finding says why, and
//! its unsafe fix lands the carrier where the hops would pass it.

use std::process::Command;

const CASE: &str = "tests/cases/own-system-out-of-turn.myna";

fn mynaflow(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_mynaflow"))
        .args(args)
        .output()
        .expect("the binary runs")
}

#[test]
fn the_network_passed_before_the_senders_own_system_is_not_on_the_way() {
    let dir = tempfile::tempdir().unwrap();
    let design = dir.path().join("d.myna");
    let head = "use \"kenpo\"\nactor 協会けんぽ : 他保険者 \"全国健康保険協会\"\n\
        actor 情報提供NWS : 情報提供ネットワークシステム\nactor 適用 : 組合 \"適用\"\n\
        actor 基幹 : 組合 \"基幹\"\ndata 資格関連 : 資格関連情報\n";
    let run = |via: &str| {
        std::fs::write(
            &design,
            format!("{head}flow 基幹 -> 協会けんぽ : 資格関連 for 他機関資格確認事務 via {via}\n"),
        )
        .unwrap();
        let out = mynaflow(&[
            "check",
            "--no-config",
            "--format",
            "json",
            design.to_str().unwrap(),
        ]);
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let codes: Vec<String> = json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap().to_string())
            .collect();
        (codes, json)
    };
    let (codes, json) = run("情報提供NWS, 適用");
    assert_eq!(codes, ["MN104"], "{json}");
    let d = &json["diagnostics"][0];
    assert_eq!(d["facts"]["out_of_turn"], "適用", "{d}");
    assert_eq!(
        d["facts"]["missing_channel"][0], "情報提供ネットワークシステム",
        "{d}"
    );
    // In turn, or through the network again after it: lawful.
    assert!(run("適用, 情報提供NWS").0.is_empty());
    assert!(run("情報提供NWS, 適用, 情報提供NWS").0.is_empty());
}

#[test]
fn the_carrier_fix_mends_every_out_of_turn_line_in_one_round() {
    let dir = tempfile::tempdir().unwrap();
    let design = dir.path().join("d.myna");
    let text = std::fs::read_to_string(CASE).unwrap();
    // Without the annotations: the fixed design must check clean.
    let plain: String = text
        .lines()
        .map(|l| l.split("   # expect:").next().unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&design, plain + "\n").unwrap();
    let path = design.to_str().unwrap();
    let fixed = mynaflow(&["check", "--no-config", "--fix", "--unsafe-fixes", path]);
    let stderr = String::from_utf8_lossy(&fixed.stderr);
    assert!(!stderr.contains("still have a fix"), "{stderr}");
    // The own systems are listed in their turn; the network is not passed
    // twice (out of the society and back).
    let written = std::fs::read_to_string(&design).unwrap();
    for line in [
        "via 適用システム, 情報提供NWS",
        "via 情報提供NWS, 中間サーバー, 基幹",
        "via 統合宛名, 情報提供NWS, 中間サーバー",
        "via 情報提供NWS, 協会支部",
    ] {
        assert!(written.contains(line), "{line}: {written}");
    }
    let twice = |t: &str| {
        (t.lines())
            .filter(|l| l.matches("情報提供NWS").count() > 1)
            .count()
    };
    assert_eq!(twice(&written), twice(&text), "{written}");
    // What is left has no mechanical fix: a party out of turn (the data
    // reaches it off the way, judged as an exchange with it).
    let again = mynaflow(&["check", "--no-config", "--format", "concise", path]);
    let left = String::from_utf8_lossy(&again.stdout).to_string();
    let lines: Vec<&str> = left
        .lines()
        .map(|l| l.split(':').nth(1).unwrap_or(""))
        .collect();
    assert_eq!(lines, ["37", "39"], "{left}");
}
