//! The human format under a terminal that draws East Asian ambiguous-width
//! characters (①, ※, △, ×, →) one column wide (the default) and two
//! (`MYNAFLOW_AMBIGUOUS_WIDTH=wide`): the carets after and under such a
//! character stand under the token they mark, as each terminal draws it.

mod common;

use std::path::Path;

/// `check` of the fixture, as a terminal of `width` is told.
fn checked(width: Option<&str>) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_mynaflow"));
    command
        .args([
            "check",
            "--no-config",
            "--color",
            "never",
            "tests/fixtures/ambiguous-width/design.myna",
        ])
        .current_dir(root)
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove(mynaflow::render::human::ambiguous::VARIABLE);
    if let Some(w) = width {
        command.env(mynaflow::render::human::ambiguous::VARIABLE, w);
    }
    let out = command.output().expect("run mynaflow");
    String::from_utf8(out.stdout).expect("UTF-8")
}

#[test]
fn carets_follow_the_terminals_ambiguous_width() {
    let narrow = checked(None);
    assert_eq!(narrow, checked(Some("narrow")));
    assert_eq!(narrow, checked(Some("something else")));
    let wide = checked(Some("wide"));
    // Only the snippets' columns differ: the headers count characters.
    let headers = |s: &str| -> Vec<String> {
        (s.lines())
            .filter(|l| !l.contains('│'))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(headers(&narrow), headers(&wide));
    // The pointers down to a message are ASCII under a wide terminal,
    // where `│` after another would stand a column right.
    assert!(narrow.contains("│ │"), "{narrow}");
    assert!(wide.contains("│ |") && !wide.contains("│ │"), "{wide}");
    assert!(!wide.contains('\u{fffb}'), "{wide}");
    let settings =
        common::snapshot_settings(Path::new("tests/fixtures/ambiguous-width/design.myna"));
    settings.bind(|| {
        insta::assert_snapshot!("ambiguous_width_narrow", narrow);
        insta::assert_snapshot!("ambiguous_width_wide", wide);
    });
}
