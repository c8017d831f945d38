//! MN013's fix: a `use` that misspells the built-in rulebook's name is
//! offered the name (unsafe: the rulebook decides what is checked); a
//! path, or a name close to no built-in one, is offered nothing.

use std::process::Command;

fn fixes_of(text: &str) -> (Vec<String>, serde_json::Value) {
    let dir = tempfile::tempdir().unwrap();
    let design = dir.path().join("d.myna");
    std::fs::write(&design, text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_mynaflow"))
        .args(["check", "--no-config", "--format", "json"])
        .arg(&design)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mn013 = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "MN013")
        .cloned()
        .unwrap_or_default();
    let contents = (mn013["fixes"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter())
    .map(|f| {
        assert_eq!(f["applicability"], "unsafe", "{f}");
        f["edits"][0]["content"].as_str().unwrap().to_string()
    })
    .collect();
    (contents, mn013)
}

#[test]
fn a_misspelt_builtin_name_is_offered_the_name() {
    let (fixes, d) = fixes_of("use \"kenpoo\"\nactor 基幹 : 組合\n");
    assert_eq!(fixes, ["\"kenpo\""], "{d}");
    let (fixes, d) = fixes_of("use kenpo2\n");
    assert_eq!(fixes, ["\"kenpo\""], "{d}");
}

#[test]
fn a_path_or_a_name_close_to_nothing_is_offered_nothing() {
    for text in [
        "use \"rules/kenpoo.myna\"\n",
        "use \"kenpoo.myna\"\n",
        "use \"zzzzzzzz\"\n",
    ] {
        let (fixes, d) = fixes_of(text);
        assert!(d.is_object(), "{text}: an MN013");
        assert!(fixes.is_empty(), "{text}: {d}");
    }
}

#[test]
fn fixing_it_checks_the_design_against_the_builtin_rulebook() {
    let dir = tempfile::tempdir().unwrap();
    let design = dir.path().join("d.myna");
    std::fs::write(
        &design,
        "use \"kenpoo\"   # 組込み\nactor 基幹 : 組合 \"基幹\"\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_mynaflow"))
        .args([
            "check",
            "--no-config",
            "--fix",
            "--unsafe-fixes",
            "--format",
            "concise",
        ])
        .arg(&design)
        .output()
        .unwrap();
    let text = std::fs::read_to_string(&design).unwrap();
    assert_eq!(
        text.lines().next(),
        Some("use \"kenpo\"   # 組込み"),
        "{out:?}"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains("MN013"), "{stdout}");
    assert!(stdout.contains("MN012"), "checked against kenpo: {stdout}");
}
