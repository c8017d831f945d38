//! Meta-tests that keep the rule set honest: every code has its
//! documentation in both languages, an example that triggers it beside a
//! fixed version, and snapshots; every example in the docs is true.

use mynaflow::code::Code;
use mynaflow::expect::{compare, expectations, reported};
use mynaflow::session::{RulebookSource, Session};
use mynaflow::text::Lang;
use std::path::Path;

fn examples() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir("docs/codes/examples")
        .expect("docs/codes/examples/")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".myna"))
        .collect();
    v.sort();
    v
}

#[test]
fn every_code_is_documented_in_both_languages() {
    for code in Code::ALL {
        for lang in [Lang::En, Lang::Ja] {
            let doc = code.explain(lang);
            assert!(
                doc.starts_with(&format!("# {code}")),
                "{code} {lang:?}: must start with its title"
            );
            let headings = match lang {
                Lang::En => ["## What it means", "## Why", "## Example", "## How to fix"],
                Lang::Ja => ["## 意味", "## 理由", "## 例", "## 直し方"],
            };
            for h in headings {
                assert!(doc.contains(h), "{code} {lang:?}: missing section {h}");
            }
        }
        assert!(!code.title().en.is_empty() && !code.title().ja.is_empty());
    }
}

#[test]
fn every_code_has_an_example_a_fixed_version_and_snapshots() {
    let names = examples();
    let snapshots: Vec<String> = std::fs::read_dir("tests/snapshots")
        .expect("tests/snapshots/")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    for code in Code::ALL {
        let prefix = format!("{code}-");
        let example = names
            .iter()
            .find(|n| n.starts_with(&prefix) && !n.ends_with(".fixed.myna"))
            .unwrap_or_else(|| panic!("{code}: no docs/codes/examples/{code}-*.myna"));
        let fixed = example.replace(".myna", ".fixed.myna");
        assert!(
            names.contains(&fixed),
            "{code}: no docs/codes/examples/{fixed}"
        );
        let bytes =
            std::fs::read(Path::new("docs/codes/examples").join(example)).expect("read example");
        let text = String::from_utf8(bytes.clone())
            .unwrap_or_else(|_| encoding_rs::SHIFT_JIS.decode(&bytes).0.into_owned());
        let expected = expectations(&mynaflow::source::SourceFile::new(example.as_str(), text))
            .expect("annotations");
        assert!(
            expected.iter().any(|(_, c)| c == code),
            "{code}: {example} does not expect it"
        );
        for kind in ["human_en", "human_ja", "json"] {
            let snap = format!("{kind}@{example}.snap");
            assert!(snapshots.contains(&snap), "{code}: no snapshot {snap}");
        }
    }
}

/// `src` with each `<U+XXXX>` written in it as the character it names.
/// A page that is about an invisible character (MN004) writes it so,
/// since no page may hold one ([`no_explain_page_holds_an_invisible_character`]);
/// its example is checked with the character itself in it.
fn with_code_points(src: &str) -> String {
    let mut out = String::with_capacity(src.len());
    let mut rest = src;
    while let Some(at) = rest.find("<U+") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 3..];
        let named = after.find('>').and_then(|end| {
            let hex = &after[..end];
            let c = Some(hex)
                .filter(|h| (4..=6).contains(&h.len()))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .and_then(char::from_u32)?;
            Some((c, end + 1))
        });
        match named {
            Some((c, len)) => {
                out.push(c);
                rest = &after[len..];
            }
            None => {
                out.push_str("<U+");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Every ```myna block of the docs reports exactly what its `# expect:`
/// lines say (so a fix block reports nothing).
#[test]
fn examples_in_the_docs_are_true() {
    let mut failures = Vec::new();
    for code in Code::ALL {
        if *code == Code::MN005 {
            continue; // its example is about bytes a Markdown file cannot hold
        }
        for lang in [Lang::En, Lang::Ja] {
            let doc = code.explain(lang);
            for (n, block) in doc.split("```myna\n").skip(1).enumerate() {
                let Some(src) = block.split("```").next() else {
                    continue;
                };
                let mut s = Session::new(RulebookSource::Builtin("kenpo".into()));
                let checked = s.check_text("doc.myna", with_code_points(src), None);
                let file = s.sources.get(checked.file);
                let Ok(expected) = expectations(file) else {
                    failures.push(format!("{code} {lang:?} block {n}: unreadable annotations"));
                    continue;
                };
                let got = reported(file, checked.file, &s.diagnostics);
                let m = compare(&expected, &got);
                if !m.is_empty() {
                    failures.push(format!(
                        "{code} {lang:?} block {n}: missing {:?}, unexpected {:?}",
                        m.missing, m.unexpected
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// MN102 is reported when direction is the first of several differences
/// from the nearest rule: its page said the nearest rule had the same
/// purpose, and that turning the arrow round fixes the flow. It quotes
/// the note a check adds when purpose and channel differ too, as a check
/// words it, and says no more that the purpose is the same.
#[test]
fn the_mn102_page_says_that_more_than_the_direction_may_differ() {
    let src = "use \"kenpo\"\nactor 適用 : 組合\nactor 市 : 他機関\n\
               data 課税 : 課税・非課税情報\nflow 適用 -> 市 : 課税 for 保険料徴収\n";
    let mut s = Session::new(RulebookSource::Builtin("kenpo".into()));
    s.check_text("d.myna", src.to_string(), None);
    let d = s
        .diagnostics
        .iter()
        .find(|d| d.code == Code::MN102)
        .expect("MN102");
    let note = d
        .notes
        .iter()
        .find(|n| n.en.starts_with("the nearest rule also differs in"))
        .expect("the note of what else differs");
    assert_eq!(note.en, "the nearest rule also differs in purpose, channel");
    let en = Code::MN102
        .explain(Lang::En)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let ja = Code::MN102.explain(Lang::Ja).replace('\n', "");
    assert!(en.contains(&format!("(\"{}\")", note.en)), "{en}");
    assert!(ja.contains(&format!("(「{}」)", note.ja)), "{ja}");
    assert!(!en.contains("for the same purpose"), "{en}");
    assert!(!ja.contains("同じ利用目的で"), "{ja}");
}

/// No explain page, in any language, holds a character that is
/// invisible or that moves text about: `mynaflow explain` prints the page
/// as it is, and SARIF embeds it as each rule's help, so such a character
/// would reach a terminal or a code-scanning page unseen (MN004's page,
/// which is about them, writes `<U+200B>`). What counts is what the
/// renderers escape ([`mynaflow::escape::needs_escape`]; looked for line
/// by line, so a page's line feeds are not asked), what the lexer
/// forbids in a design ([`mynaflow::syntax::lexer::is_forbidden`]) and
/// the variation selectors, which neither does
/// ([`mynaflow::escape::is_variation_selector`]).
#[test]
fn no_explain_page_holds_an_invisible_character() {
    use mynaflow::escape::{is_variation_selector, needs_escape};
    use mynaflow::syntax::lexer::is_forbidden;
    let mut found = Vec::new();
    for code in Code::ALL {
        for lang in [Lang::En, Lang::Ja] {
            for (n, line) in code.explain(lang).lines().enumerate() {
                for (col, c) in line.chars().enumerate() {
                    if needs_escape(c) || is_forbidden(c) || is_variation_selector(c) {
                        found.push(format!(
                            "{code} {lang:?} line {} column {}: U+{:04X}",
                            n + 1,
                            col + 1,
                            c as u32
                        ));
                    }
                }
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn code_points_in_the_docs_are_read_as_characters() {
    assert_eq!(with_code_points("a<U+200B>b"), "a\u{200b}b");
    assert_eq!(with_code_points("<U+E0100>"), "\u{e0100}");
    assert_eq!(
        with_code_points("<U+12>, <U+zzzz>, <U+"),
        "<U+12>, <U+zzzz>, <U+"
    );
}

/// The README shows the GitHub Actions workflow users copy: it is
/// `docs/ci/github-actions.yml` as it stands, not an older copy.
#[test]
fn the_readme_shows_the_github_actions_workflow_as_it_is() {
    let readme = std::fs::read_to_string("README.md").expect("README.md");
    let workflow = std::fs::read_to_string("docs/ci/github-actions.yml").expect("the workflow");
    let start = readme
        .find("```yaml\n# mynaflow in GitHub Actions")
        .expect("the README shows the workflow")
        + "```yaml\n".len();
    let end = start + readme[start..].find("```").expect("its block ends");
    assert_eq!(&readme[start..end], workflow);
}

/// The shipped workflow pins the config on every `mynaflow check` it runs:
/// unpinned, a `mynaflow.toml` a pull request adds in a sub-folder governs
/// the designs under it and can hide their findings (pinning was an
/// `ADJUST` comment, and the template ran unpinned as shipped).
#[test]
fn the_github_actions_workflow_pins_the_config() {
    let workflow = std::fs::read_to_string("docs/ci/github-actions.yml").expect("the workflow");
    let runs: Vec<&str> = (workflow.lines())
        .filter(|l| l.trim_start().starts_with("run: mynaflow check"))
        .collect();
    assert_eq!(runs.len(), 2, "{workflow}");
    for run in runs {
        assert!(
            run.contains(" --config mynaflow.toml ") || run.contains(" --no-config "),
            "not pinned: {run}"
        );
    }
}

/// The code tables of README.md and docs/codes/README.md give each code
/// its severity and its titles as its explain pages head them (the pages
/// are where a title is written; the tables are copies kept in step).
#[test]
fn the_code_tables_match_the_explain_pages() {
    for path in ["README.md", "docs/codes/README.md"] {
        let text = std::fs::read_to_string(path).expect(path);
        for code in Code::ALL {
            let row = text
                .lines()
                .find(|l| {
                    l.starts_with(&format!("| [{code}]")) || l.starts_with(&format!("| {code} ("))
                })
                .unwrap_or_else(|| panic!("{path}: no row for {code}"));
            let cells: Vec<&str> = row.split('|').map(str::trim).collect();
            let title = code.title();
            let want = [code.severity().as_str(), &title.en, &title.ja];
            assert_eq!(
                cells.get(2..5),
                Some(&want[..]),
                "{path}: the row of {code} is not its explain pages' severity and titles"
            );
        }
    }
}
