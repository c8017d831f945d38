//! A real editor client: headless Neovim opens a design with
//! `mynaflow lsp` attached, receives the diagnostics, applies a code
//! action (the safe MN003 fix) and types into the design, each edit sent
//! to the server as a range and its new text (incremental sync). Needs `nvim` (Debian package `neovim`,
//! installed by `.ci/run`); without it the test says SKIPPED loudly.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn neovim_receives_findings_and_applies_a_fix() {
    if Command::new("nvim").arg("--version").output().is_err() {
        common::skipped(
            "neovim_receives_findings_and_applies_a_fix: `nvim` is not installed (apt-get install -y neovim)",
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let design = dir.path().join("design.myna");
    std::fs::copy("tests/fixtures/lsp/design.myna", &design).unwrap();
    let out = dir.path().join("report.txt");
    let script = std::fs::canonicalize("tests/fixtures/neovim/session.lua").unwrap();
    let mut child = Command::new("nvim")
        .args(["--headless", "-u", "NONE", "-i", "NONE", "-n", "-c"])
        .arg(format!("luafile {}", script.display()))
        .env("MYNA_DESIGN", &design)
        .env("MYNA_OUT", &out)
        .env("MYNA_BIN", env!("CARGO_BIN_EXE_mynaflow"))
        .env("XDG_CACHE_HOME", dir.path().join("cache"))
        .env("XDG_STATE_HOME", dir.path().join("state"))
        .env("XDG_DATA_HOME", dir.path().join("data"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(90) {
            let _ = child.kill();
            panic!("nvim did not finish in 90 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let report = std::fs::read_to_string(&out).expect("the script wrote its report");
    assert!(report.contains("diagnostic MN102 line 12 col "), "{report}");
    assert!(report.contains("diagnostic MN003 line 13 col "), "{report}");
    assert!(report.contains("applied write `,` (MN003)"), "{report}");
    assert!(
        report.contains("line flow 市町村 -> 𠮷野システム : 課税情報 for 被扶養者認定 via 情報提供NWS,中間サーバー"),
        "{report}"
    );
    // The server applied the fix's edit to its text: only MN102 is left,
    // where it was.
    let after = |what: &str| -> Vec<&str> {
        let prefix = format!("{what}: ");
        report
            .lines()
            .filter_map(|l| l.strip_prefix(prefix.as_str()))
            .collect()
    };
    let mn102 = report
        .lines()
        .find_map(|l| l.strip_prefix("diagnostic MN102 "))
        .unwrap();
    assert_eq!(
        after("after the fix"),
        [format!("MN102 {mn102}")],
        "{report}"
    );
    // Typed text lands where it was typed: the receiver of line 12 (its
    // byte column in Neovim, past 𠮷 and the full-width names) and the new
    // last line's sender.
    let line12 = "flow 𠮷野システム -> ";
    assert_eq!(
        after("after typing"),
        [
            format!("MN010 line 12 col {}", line12.len()).as_str(),
            "MN010 line 14 col 5"
        ],
        "{report}"
    );
}
