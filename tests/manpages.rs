//! The committed man pages (`man/`, and in Japanese `man/ja/`) are what
//! the command line generates: regenerate them with `cargo run -- manpages
//! man` after changing options.

use std::collections::BTreeMap;
use std::process::Command;

/// The pages in `dir` (not in its folders: `man/ja/` is read on its own).
fn read_dir(dir: &std::path::Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .expect("man folder")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).expect("read"),
            )
        })
        .collect()
}

#[test]
fn man_pages_are_up_to_date() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let status = Command::new(env!("CARGO_BIN_EXE_mynaflow"))
        .arg("manpages")
        .arg(tmp.path())
        .status()
        .expect("run");
    assert!(status.success());
    for folder in ["", "ja"] {
        let fresh = read_dir(&tmp.path().join(folder));
        let committed = read_dir(&std::path::Path::new("man").join(folder));
        assert_eq!(
            fresh.keys().collect::<Vec<_>>(),
            committed.keys().collect::<Vec<_>>(),
            "man pages added or removed in man/{folder}: run `cargo run -- manpages man`"
        );
        for (name, text) in &fresh {
            assert!(
                committed[name] == *text,
                "man/{folder}/{name} is stale: run `cargo run -- manpages man`"
            );
        }
    }
}

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = Command::new(env!("CARGO_BIN_EXE_mynaflow"))
            .args(["completions", shell])
            .output()
            .expect("run");
        assert!(out.status.success(), "{shell}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("mynaflow") && text.contains("write-baseline"),
            "{shell}"
        );
    }
}

#[test]
fn man_pages_have_the_usual_sections() {
    for (name, text) in read_dir(std::path::Path::new("man")) {
        let text = String::from_utf8(text).expect("UTF-8");
        for section in ["EXIT STATUS", "ENVIRONMENT", "FILES", "SEE ALSO"] {
            assert!(
                text.contains(&format!(".SH \"{section}\"")),
                "man/{name} has no {section}"
            );
        }
    }
    for (name, text) in read_dir(std::path::Path::new("man/ja")) {
        let text = String::from_utf8(text).expect("UTF-8");
        for section in [
            ".SH 名前",
            ".SH 書式",
            ".SH オプション",
            ".SH \"終了ステータス\"",
            ".SH \"環境変数\"",
            ".SH \"関連項目\"",
        ] {
            assert!(text.contains(section), "man/ja/{name} has no {section}");
        }
        for english in [".SH NAME", "Possible values", "[default:", "Print help"] {
            assert!(!text.contains(english), "man/ja/{name} has {english}");
        }
    }
    let check = std::fs::read_to_string("man/mynaflow-check.1").expect("check page");
    assert!(
        check.contains(".SH \"EXAMPLES\"") && check.contains("mynaflow check \\-\\-format sarif")
    );
}
