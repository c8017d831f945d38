//! The CI formats (`--format sarif|github|junit`): SARIF valid against the
//! 2.1.0 schema and usable by code scanning, GitHub workflow commands
//! escaped as the Actions toolkit escapes them, JUnit XML well-formed with
//! the right counts; all of them deterministic, and snapshots of a few
//! examples. Review a changed snapshot before accepting it.

mod common;

use mynaflow::code::Code;
use mynaflow::diagnostic::Diagnostic;
use mynaflow::render::{self, Report};
use mynaflow::source::{SourceFile, SourceMap};
use mynaflow::span::{FileId, Span};
use mynaflow::text::{Lang, Text};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// Runs `mynaflow check ARGS --lang en` in `dir` and returns stdout and
/// the exit status.
fn check_in(dir: &Path, args: &[&str]) -> (String, Option<i32>) {
    let out = Command::new(env!("CARGO_BIN_EXE_mynaflow"))
        .current_dir(dir)
        .arg("check")
        .args(args)
        .args(["--lang", "en"])
        .output()
        .expect("run mynaflow");
    (
        String::from_utf8(out.stdout).expect("UTF-8 output"),
        out.status.code(),
    )
}

fn check(args: &[&str]) -> (String, Option<i32>) {
    check_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

fn sarif(args: &[&str]) -> Value {
    let (out, _) = check(&[args, &["--format", "sarif"]].concat());
    serde_json::from_str(&out).expect("SARIF is JSON")
}

/// The `--format json` summary of the same run, to count against.
fn summary(args: &[&str]) -> Value {
    let (out, _) = check(&[args, &["--format", "json"]].concat());
    let v: Value = serde_json::from_str(&out).expect("JSON");
    v["summary"].clone()
}

fn schema() -> Value {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sarif-schema-2.1.0.json"),
    )
    .expect("schema fixture");
    serde_json::from_str(&text).expect("schema is JSON")
}

// ---------------------------------------------------------------- SARIF

#[test]
fn sarif_of_the_examples_is_valid_against_the_schema() {
    let log = sarif(&["docs/codes/examples", "tests/cases"]);
    let validator = jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema())
        .expect("the SARIF schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    // The validator does reject what the schema forbids, formats included.
    for (pointer, bad) in [
        ("/runs/0/columnKind", "bytes"),
        ("/$schema", "not a URI"),
        ("/runs/0/tool/driver/rules/0/helpUri", "docs/MN001.md"),
    ] {
        let mut broken = log.clone();
        *broken.pointer_mut(pointer).expect(pointer) = bad.into();
        assert!(!validator.is_valid(&broken), "{pointer} = {bad:?} passed");
    }
    // Draft 4 does not know `uri-reference`, which the schema gives
    // artifact locations; check those with draft 7, which does.
    let uri_ref = jsonschema::draft7::options()
        .should_validate_formats(true)
        .build(&serde_json::json!({"type": "string", "format": "uri-reference"}))
        .expect("compiles");
    // As a file's display name shows it, the built-in rulebook is no URI.
    assert!(!uri_ref.is_valid(&"<builtin>/kenpo.myna".into()));
    for r in log["runs"][0]["results"].as_array().expect("results") {
        let locations = r["locations"].as_array().into_iter().flatten();
        let related = r["relatedLocations"].as_array().into_iter().flatten();
        for l in locations.chain(related) {
            let uri = &l["physicalLocation"]["artifactLocation"]["uri"];
            assert!(uri_ref.is_valid(uri), "not a URI reference: {uri}");
            let s = uri.as_str().expect("uri");
            assert!(
                s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-._~/%".contains(&b)),
                "{s}"
            );
        }
    }
}

#[test]
fn sarif_run_rules_and_results_fit_together() {
    let log = sarif(&["docs/codes/examples"]);
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(log["runs"].as_array().map(Vec::len), Some(1));
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert!(run["originalUriBaseIds"]["%SRCROOT%"].is_object());
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "mynaflow");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    let rules = driver["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), Code::ALL.len());
    for (rule, code) in rules.iter().zip(Code::ALL) {
        assert_eq!(rule["id"], code.as_str());
        assert_eq!(rule["name"], code.slug());
        assert_eq!(rule["help"]["text"], code.explain(Lang::En));
        assert_eq!(rule["help"]["markdown"], code.explain(Lang::En));
        assert_eq!(
            rule["defaultConfiguration"]["level"],
            code.severity().as_str()
        );
        let full = rule["fullDescription"]["text"].as_str().expect("text");
        assert!(!full.is_empty() && !full.contains('\n'), "{code}: {full}");
        // GitHub cuts descriptions at 1024 characters.
        assert!(full.chars().count() <= 1024, "{code}: too long");
    }
    let results = run["results"].as_array().expect("results");
    let s = summary(&["docs/codes/examples"]);
    assert_eq!(
        results.len() as u64,
        s["errors"].as_u64().unwrap() + s["warnings"].as_u64().unwrap()
    );
    for r in results {
        let index = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], r["ruleId"], "{r}");
        assert!(matches!(r["level"].as_str(), Some("error" | "warning")));
        assert!(r["partialFingerprints"]["mynaflow/v1"].is_string());
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert!(
            loc["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .starts_with("docs/codes/examples/")
        );
    }
    // A finding with a label into the built-in rulebook has it as a
    // related location with a URI code scanning accepts.
    let mn102 = results
        .iter()
        .find(|r| r["ruleId"] == "MN102")
        .expect("an MN102 result");
    let related = mn102["relatedLocations"].as_array().expect("related");
    assert_eq!(related.len(), 1);
    assert_eq!(related[0]["id"], 1);
    assert_eq!(related[0]["message"]["text"], "nearest rule (7(1))");
    let builtin = &related[0]["physicalLocation"]["artifactLocation"];
    assert_eq!(builtin["uri"], "builtin/kenpo.myna");
    assert!(builtin.get("uriBaseId").is_none());
    assert!(
        related[0]["physicalLocation"]["region"]["snippet"]["text"]
            .as_str()
            .unwrap()
            .starts_with("allow 他機関 -> 組合")
    );
    // MN301 has three labels (the legal name, the register rows), numbered in order.
    let mn301 = results.iter().find(|r| r["ruleId"] == "MN301").unwrap();
    let ids: Vec<&Value> = mn301["relatedLocations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| &l["id"])
        .collect();
    assert_eq!(ids, [1, 2, 3]);
}

#[test]
fn sarif_fingerprints_survive_moving_lines() {
    let dir = tempfile::tempdir().expect("tempdir");
    let src = std::fs::read_to_string("tests/cases/custom/nearest-miss.myna").expect("read");
    // Its rulebook, beside it as in the original folder.
    std::fs::copy(
        "tests/cases/custom/rules.myna",
        dir.path().join("rules.myna"),
    )
    .expect("copy");
    let results = |text: &str| {
        std::fs::write(dir.path().join("design.myna"), text).expect("write");
        let (out, _) = check_in(dir.path(), &["design.myna", "--format", "sarif"]);
        let log: Value = serde_json::from_str(&out).expect("JSON");
        log["runs"][0]["results"]
            .as_array()
            .expect("results")
            .iter()
            .map(|r| {
                (
                    r["ruleId"].as_str().unwrap().to_string(),
                    r["locations"][0]["physicalLocation"]["region"]["startLine"]
                        .as_u64()
                        .unwrap(),
                    r["partialFingerprints"]["mynaflow/v1"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                )
            })
            .collect::<Vec<_>>()
    };
    let before = results(&src);
    assert!(before.len() >= 2, "{before:?}");
    // A blank line above the first flow, and its indentation changed.
    let first_flow = src.find("\nflow ").expect("a flow") + 1;
    let moved = format!("{}\n  {}", &src[..first_flow], &src[first_flow..]);
    let after = results(&moved);
    assert_eq!(before.len(), after.len());
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(b.0, a.0);
        assert_eq!(b.1 + 1, a.1, "the finding moved down a line");
        assert_eq!(b.2, a.2, "{}: fingerprint changed when lines moved", b.0);
    }
    // A different finding text gives a different fingerprint.
    let fingerprints: std::collections::HashSet<_> = before.iter().map(|r| &r.2).collect();
    assert_eq!(fingerprints.len(), before.len());
}

// --------------------------------------------------------------- GitHub

/// A report over one made-up file whose name and message need escaping,
/// with a finding that spans two lines.
fn awkward() -> (SourceMap, Vec<Diagnostic>) {
    let mut sources = SourceMap::new();
    let text = "actor a : 組合\nflow a -> b : c\n  for d\n";
    let file = sources.add(SourceFile::new("dir/a,b:c 100%.myna", text));
    let flow = text.find("flow").unwrap();
    let multi = Diagnostic::new(
        Code::MN201,
        Span::new(file, flow, text.len() - 1),
        Text::same("50% of a\r\nflow: x, y"),
    )
    .with_help(Text::same("write `for`: <now> & \"here\""));
    let one_line = Diagnostic::new(
        Code::MN012,
        Span::new(file, 6, 7),
        Text::same("unused\u{7} 'a' ]]>"),
    )
    .with_label(
        Span::new(file, flow + 5, flow + 6),
        Text::same("used <here>"),
    );
    (sources, vec![multi, one_line])
}

fn awkward_report<'a>(sources: &'a SourceMap, diags: &'a [Diagnostic]) -> Report<'a> {
    Report {
        sources,
        diagnostics: diags,
        files: 1,
        checked: &[FileId(0)],
        lang: Lang::En,
    }
}

#[test]
fn github_commands_escape_like_the_toolkit() {
    let (sources, diags) = awkward();
    let out = render::github::render(&awkward_report(&sources, &diags));
    assert_eq!(
        out,
        "::error file=dir/a%2Cb%3Ac 100%25.myna,line=2,endLine=3,title=MN201\
         ::50%25 of a%0D%0Aflow: x, y%0Ahelp: write `for`: <now> & \"here\"\n\
         ::warning file=dir/a%2Cb%3Ac 100%25.myna,line=1,col=7,endLine=1,endColumn=8,title=MN012\
         ::unused\u{7} 'a' ]]>\n"
    );
}

#[test]
fn github_output_has_one_command_per_finding() {
    let (out, status) = check(&["docs/codes/examples", "--format", "github"]);
    assert_eq!(status, Some(2), "MN013's missing rulebook makes it exit 2");
    let s = summary(&["docs/codes/examples"]);
    let lines: Vec<&str> = out.lines().collect();
    let errors = lines.iter().filter(|l| l.starts_with("::error ")).count();
    let warnings = lines.iter().filter(|l| l.starts_with("::warning ")).count();
    assert_eq!(errors as u64, s["errors"].as_u64().unwrap());
    assert_eq!(warnings as u64, s["warnings"].as_u64().unwrap());
    assert_eq!(errors + warnings, lines.len());
    let (out, status) = check(&[
        "docs/codes/examples/MN102-wrong-direction.myna",
        "--format",
        "github",
    ]);
    assert_eq!(status, Some(1));
    assert!(
        out.starts_with(
            "::error file=docs/codes/examples/MN102-wrong-direction.myna,line=14,col=13,endLine=14,\
             endColumn=15,title=MN102::特定個人情報 (My Number data)"
        ),
        "{out}"
    );
    let (out, status) = check(&[
        "docs/codes/examples/MN102-wrong-direction.fixed.myna",
        "--format",
        "github",
    ]);
    assert_eq!((out.as_str(), status), ("", Some(0)));
}

// ---------------------------------------------------------------- JUnit

/// A crude XML 1.0 check, enough for what the renderer writes: tags nest
/// and close, attributes are quoted, `&` starts a known reference, no `<`
/// in text, no character XML forbids. Returns the elements as (name,
/// attributes), in document order.
fn parse_xml(xml: &str) -> Vec<(String, Vec<(String, String)>)> {
    fn unescape(s: &str) -> String {
        let mut out = String::new();
        let mut rest = s;
        while let Some(i) = rest.find('&') {
            out.push_str(&rest[..i]);
            let end = rest[i..].find(';').expect("reference ends with ;") + i;
            let name = &rest[i + 1..end];
            out.push(match name {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                n if n.starts_with('#') => {
                    char::from_u32(n[1..].parse().expect("decimal reference")).expect("char")
                }
                n => panic!("unknown entity &{n};"),
            });
            rest = &rest[end + 1..];
        }
        out.push_str(rest);
        out
    }
    for c in xml.chars() {
        assert!(
            matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..),
            "forbidden character U+{:04X}",
            c as u32
        );
    }
    let body = xml
        .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        .expect("XML declaration");
    let mut stack: Vec<String> = Vec::new();
    let mut elements = Vec::new();
    let mut rest = body;
    let mut seen_root = false;
    while !rest.is_empty() {
        let lt = rest.find('<').unwrap_or(rest.len());
        let text = &rest[..lt];
        unescape(text);
        if stack.is_empty() {
            assert!(text.trim().is_empty(), "text outside the root: {text:?}");
        }
        rest = &rest[lt..];
        if rest.is_empty() {
            break;
        }
        let gt = rest.find('>').expect("tag closes");
        let tag = &rest[1..gt];
        rest = &rest[gt + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop().as_deref(), Some(name), "mismatched </{name}>");
            continue;
        }
        let self_closing = tag.ends_with('/');
        let tag = tag.trim_end_matches('/');
        let (name, mut attrs_src) = tag.split_once(' ').unwrap_or((tag, ""));
        assert!(
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'),
            "bad tag name {name:?}"
        );
        if stack.is_empty() {
            assert!(!seen_root, "two root elements");
            seen_root = true;
        }
        let mut attrs = Vec::new();
        loop {
            attrs_src = attrs_src.trim_start();
            if attrs_src.is_empty() {
                break;
            }
            let (key, after) = attrs_src.split_once("=\"").expect("key=\"value\"");
            let close = after.find('"').expect("closing quote");
            let value = &after[..close];
            assert!(!value.contains('<'), "< in attribute");
            assert!(
                !attrs.iter().any(|(k, _): &(String, String)| k == key),
                "duplicate attribute {key}"
            );
            attrs.push((key.to_string(), unescape(value)));
            attrs_src = &after[close + 1..];
        }
        elements.push((name.to_string(), attrs));
        if !self_closing {
            stack.push(name.to_string());
        }
    }
    assert!(stack.is_empty(), "unclosed {stack:?}");
    assert!(seen_root);
    elements
}

/// The `name` of every `<testcase>` of a JUnit report, in order.
fn testcase_names(xml: &str) -> Vec<String> {
    parse_xml(xml)
        .iter()
        .filter(|e| e.0 == "testcase")
        .map(|e| attr(e, "name").to_string())
        .collect()
}

fn attr<'a>(e: &'a (String, Vec<(String, String)>), key: &str) -> &'a str {
    e.1.iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("<{}> has no {key}", e.0))
}

#[test]
fn junit_is_well_formed_and_counts_right() {
    let (xml, _) = check(&["docs/codes/examples", "--format", "junit"]);
    let elements = parse_xml(&xml);
    let suite = &elements[0];
    assert_eq!(suite.0, "testsuite");
    assert_eq!(attr(suite, "name"), "mynaflow");
    let cases: Vec<_> = elements.iter().filter(|e| e.0 == "testcase").collect();
    let examples = std::fs::read_dir("docs/codes/examples")
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".myna")
        })
        .count();
    assert_eq!(cases.len(), examples, "one test case per checked file");
    assert_eq!(attr(suite, "tests"), cases.len().to_string());
    assert!(cases.iter().all(|c| attr(c, "classname") == "mynaflow"));
    assert!(
        cases
            .iter()
            .any(|c| attr(c, "name") == "docs/codes/examples/MN102-wrong-direction.fixed.myna"),
        "clean files are test cases too"
    );
    assert!(
        !cases
            .iter()
            .any(|c| attr(c, "name").starts_with("<builtin>")),
        "built-in rulebooks are not test cases"
    );
    let failures: Vec<_> = elements.iter().filter(|e| e.0 == "failure").collect();
    let s = summary(&["docs/codes/examples"]);
    assert_eq!(failures.len() as u64, s["errors"].as_u64().unwrap());
    // Test cases with a failure: one per error example, plus the two
    // suppression examples whose MN202 stays.
    let failed = xml
        .split("<testcase ")
        .skip(1)
        .filter(|c| c.contains("<failure "))
        .count();
    assert_eq!(attr(suite, "failures"), failed.to_string());
    assert_eq!(attr(suite, "errors"), "0");
    assert!(failed > 0 && failed < cases.len());
    assert!(
        failures
            .iter()
            .all(|f| Code::parse(attr(f, "type")).is_some())
    );
}

#[test]
fn junit_escapes_and_drops_what_xml_cannot_hold() {
    let (sources, diags) = awkward();
    let xml = render::junit::render(&awkward_report(&sources, &diags));
    let elements = parse_xml(&xml);
    let failure = elements.iter().find(|e| e.0 == "failure").expect("failure");
    // CR and LF survive in the attribute; U+0007 is gone.
    assert_eq!(attr(failure, "message"), "50% of a\r\nflow: x, y");
    assert_eq!(attr(&elements[1], "name"), "dir/a,b:c 100%.myna");
    assert!(xml.contains("unused &apos;a&apos; ]]&gt;"), "{xml}");
    assert!(xml.contains("used &lt;here&gt;"), "{xml}");
    assert!(!xml.contains('\u{7}'));
}

#[test]
fn junit_lists_a_design_with_its_own_rulebook_once() {
    // The rulebook a design uses is read, but only the design is a test
    // case; given on the command line too, the rulebook is one as well.
    let (xml, _) = check(&["tests/cases/custom/design.myna", "--format", "junit"]);
    let names = testcase_names(&xml);
    assert_eq!(names, ["tests/cases/custom/design.myna"]);
    let (xml, _) = check(&["tests/cases/custom", "--format", "junit"]);
    let names = testcase_names(&xml);
    assert_eq!(
        names,
        [
            "tests/cases/custom/design.myna",
            "tests/cases/custom/nearest-miss.myna",
            "tests/cases/custom/rules.myna",
            "tests/cases/custom/wording.myna"
        ]
    );
}

// --------------------------------------------------------- determinism

#[test]
fn every_format_is_byte_identical_across_runs() {
    for format in ["sarif", "github", "junit", "json", "human"] {
        let args = ["docs/codes/examples", "tests/cases", "--format", format];
        let (a, _) = check(&args);
        let (b, _) = check(&args);
        assert!(!a.is_empty(), "{format}");
        assert!(a == b, "{format} output differs between runs");
    }
}

// ------------------------------------------------------------ snapshots

/// The SARIF output as printed, with the rules array cut out (they are
/// snapshotted once, below) and the version made a placeholder, so the
/// snapshot shows the results.
fn sarif_results(s: &mynaflow::session::Session) -> String {
    let sarif = common::rendered(s, Lang::En, render::sarif::render);
    let (before, rules, after) = split_rules(&sarif);
    assert!(rules.contains("\"id\": \"MN503\""));
    let version = format!("\"version\": \"{}\"", env!("CARGO_PKG_VERSION"));
    let before = before.replacen(&version, "\"version\": \"[version]\"", 1);
    format!(
        "{before}\"[{} rules: see sarif_rules_en]\"{after}",
        Code::ALL.len()
    )
}

/// Splits SARIF output around the array of `tool.driver.rules`.
fn split_rules(sarif: &str) -> (&str, &str, &str) {
    const OPEN: &str = "\n          \"rules\": ";
    const CLOSE: &str = "\n          ]";
    let start = sarif.find(OPEN).expect("rules") + OPEN.len();
    let end = start + sarif[start..].find(CLOSE).expect("end of rules") + CLOSE.len();
    (&sarif[..start], &sarif[start..end], &sarif[end..])
}

fn snapshot_formats(pattern: &str) {
    insta::glob!("..", pattern, |path| {
        let rel = common::relative(path);
        let s = common::check(&rel);
        if !common::worth_a_snapshot(&s, &rel) {
            return;
        }
        common::snapshot_settings(path).bind(|| {
            insta::assert_snapshot!("sarif", sarif_results(&s));
            insta::assert_snapshot!(
                "github",
                common::rendered(&s, Lang::En, render::github::render)
            );
            insta::assert_snapshot!(
                "junit",
                common::rendered(&s, Lang::En, render::junit::render)
            );
        });
    });
}

#[test]
fn snapshots_of_examples() {
    snapshot_formats("docs/codes/examples/*.myna");
}

#[test]
fn snapshots_of_cases() {
    snapshot_formats("tests/cases/{control-char,custom/nearest-miss}.myna");
}

/// The rules of the SARIF driver, in both languages, as printed, with
/// each help text (the whole explain page, checked equal above) made a
/// placeholder.
#[test]
fn snapshot_of_sarif_rules() {
    let s = common::check(Path::new(
        "docs/codes/examples/MN102-wrong-direction.fixed.myna",
    ));
    for (lang, name) in [(Lang::En, "sarif_rules_en"), (Lang::Ja, "sarif_rules_ja")] {
        let sarif = common::rendered(&s, lang, render::sarif::render);
        let (_, rules, _) = split_rules(&sarif);
        let mut rules = rules.to_string();
        for code in Code::ALL {
            let help = serde_json::to_string(code.explain(lang)).unwrap();
            let placeholder = format!("\"[mynaflow explain {code}]\"");
            assert_eq!(rules.matches(&help).count(), 2, "{code}: text and markdown");
            rules = rules.replace(&help, &placeholder);
        }
        let mut settings = insta::Settings::clone_current();
        settings.set_prepend_module_to_snapshot(false);
        settings.set_snapshot_path("snapshots");
        settings.bind(|| insta::assert_snapshot!(name, rules));
    }
}
