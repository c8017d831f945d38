//! The README's examples of output are true: every ```text block that
//! begins with `$ mynaflow …` is run with the real binary (English, no
//! locale), and its lines must be the output's. A line `…` stands for
//! any number of lines; without one at the start or the end, the block
//! must begin or end where the output does. Designs the README names that
//! are not in the repository's root are in `tests/fixtures/readme/`, and
//! the command runs there, so the paths it prints are the README's.

mod common;

use common::mynaflow_in;
use std::path::{Path, PathBuf};

/// One example: the command line and the lines shown after it.
struct Example {
    line: usize,
    args: Vec<String>,
    shown: Vec<String>,
}

fn examples(readme: &str) -> Vec<Example> {
    let mut out = Vec::new();
    let mut lines = readme.lines().enumerate();
    while let Some((n, line)) = lines.next() {
        if line != "```text" {
            continue;
        }
        let block: Vec<&str> = lines
            .by_ref()
            .map(|(_, l)| l)
            .take_while(|l| *l != "```")
            .collect();
        let Some(command) = block.first().and_then(|c| c.strip_prefix("$ mynaflow ")) else {
            continue;
        };
        out.push(Example {
            line: n + 2,
            args: shlex::split(command).expect("a command line shlex can split"),
            shown: block[1..].iter().map(|l| l.to_string()).collect(),
        });
    }
    out
}

/// Where the example's designs are: the root, or the README's fixtures.
fn folder_of(args: &[String]) -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fixtures = root.join("tests/fixtures/readme");
    let designs: Vec<&String> = args.iter().filter(|a| a.ends_with(".myna")).collect();
    [root.to_path_buf(), fixtures]
        .into_iter()
        .find(|dir| designs.iter().all(|d| dir.join(d).is_file()))
}

/// Where `shown` differs from `output`, if it does.
fn mismatch(shown: &[String], output: &str) -> Option<String> {
    let got: Vec<&str> = output.lines().collect();
    let segments: Vec<&[String]> = shown.split(|l| l.trim() == "…").collect();
    let mut at = 0;
    for (k, segment) in segments.iter().enumerate() {
        if segment.is_empty() {
            continue;
        }
        let anchored = k == 0;
        let found = (at..=got.len().saturating_sub(segment.len()))
            .take(if anchored { 1 } else { usize::MAX })
            .find(|&i| {
                got.get(i..i + segment.len())
                    .is_some_and(|w| w.iter().zip(segment.iter()).all(|(g, s)| g == s))
            });
        let Some(i) = found else {
            return Some(format!(
                "these lines are not in the output{}:\n{}",
                if anchored { " at its start" } else { "" },
                segment.join("\n")
            ));
        };
        at = i + segment.len();
    }
    let open_ended = shown.last().is_some_and(|l| l.trim() == "…");
    (!open_ended && at != got.len()).then(|| {
        format!(
            "the output goes on after the example ends:\n{}",
            got[at..].join("\n")
        )
    })
}

#[test]
fn the_readmes_examples_of_output_are_what_the_binary_prints() {
    let readme = std::fs::read_to_string("README.md").expect("README.md");
    let examples = examples(&readme);
    assert!(
        examples.len() >= 9,
        "the README's examples of output were not found ({} of them)",
        examples.len()
    );
    let mut failures = Vec::new();
    for e in &examples {
        let Some(dir) = folder_of(&e.args) else {
            failures.push(format!(
                "README.md:{}: a design it names is neither in the root nor in tests/fixtures/readme/",
                e.line
            ));
            continue;
        };
        let args: Vec<&str> = e.args.iter().map(String::as_str).collect();
        let out = mynaflow_in(&dir, &args);
        let stdout = String::from_utf8_lossy(&out.stdout);
        if let Some(why) = mismatch(&e.shown, &stdout) {
            failures.push(format!(
                "README.md:{}: `mynaflow {}`: {why}\n--- the whole output:\n{stdout}",
                e.line,
                args.join(" ")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn an_example_is_compared_line_by_line_with_gaps_where_it_says() {
    let shown = |s: &str| s.lines().map(String::from).collect::<Vec<_>>();
    let output = "a\nb\nc\nd\n";
    assert_eq!(mismatch(&shown("a\nb\nc\nd"), output), None);
    assert_eq!(mismatch(&shown("a\n…\nd"), output), None);
    assert_eq!(mismatch(&shown("…\nc\n…"), output), None);
    assert_eq!(mismatch(&shown("a\n…"), output), None);
    // Not at the start, lines out of order, a line changed, a tail left out.
    assert!(mismatch(&shown("b\n…"), output).is_some());
    assert!(mismatch(&shown("a\n…\nc\nb\n…"), output).is_some());
    assert!(mismatch(&shown("a\nB\n…"), output).is_some());
    assert!(mismatch(&shown("a\nb"), output).is_some());
}
