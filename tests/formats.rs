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
        ("/runs/0/invocations/0/executionSuccessful", "yes"),
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
    // No placeholder links: only a real repository gives helpUri.
    let driver = &log["runs"][0]["tool"]["driver"];
    assert_eq!(
        driver.get("informationUri").is_some(),
        option_env!("CARGO_PKG_REPOSITORY").is_some_and(|r| !r.is_empty())
    );
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
    assert!(run["originalUriBaseIds"]["MYNAFLOW_BUILTIN"]["description"]["text"].is_string());
    assert_eq!(
        run["invocations"][0]["executionSuccessful"], false,
        "MN013 in the examples"
    );
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "mynaflow");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    let rules = driver["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), Code::ALL.len());
    for (rule, code) in rules.iter().zip(Code::ALL) {
        assert_eq!(rule["id"], code.as_str());
        let pascal: String = code
            .slug()
            .split('-')
            .map(|w| w[..1].to_uppercase() + &w[1..])
            .collect();
        assert_eq!(rule["name"], pascal);
        assert_eq!(rule["help"]["markdown"], code.explain(Lang::En));
        let text = rule["help"]["text"].as_str().expect("help.text");
        assert!(
            !text.contains('`') && !text.contains("```") && !text.contains("\n#"),
            "{code}: {text}"
        );
        let props = &rule["properties"];
        assert!(
            props["tags"].as_array().is_some_and(|t| !t.is_empty()),
            "{code}"
        );
        assert!(matches!(
            props["precision"].as_str(),
            Some("very-high" | "high")
        ));
        assert_eq!(props["problem.severity"], code.severity().as_str());
        // Privacy findings carry a security-severity, and are tagged
        // `security` so code scanning reads it.
        let tags: Vec<&str> = props["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        let privacy = code.as_str() >= "MN101" && code.as_str() < "MN500";
        assert_eq!(props.get("security-severity").is_some(), privacy, "{code}");
        assert_eq!(tags.contains(&"security"), privacy, "{code}");
        if let Some(sev) = props["security-severity"].as_str() {
            let v: f64 = sev.parse().expect("a number");
            assert!((0.1..=10.0).contains(&v));
        }
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
        assert_eq!(
            r["partialFingerprints"]["primaryLocationLineHash"].is_string(),
            r["ruleId"] != "MN005",
            "{r}"
        );
        // Every related location is linked from the message.
        for l in r["relatedLocations"].as_array().into_iter().flatten() {
            let link = format!("]({})", l["id"]);
            assert!(
                r["message"]["text"].as_str().unwrap().contains(&link),
                "{r}"
            );
        }
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
    assert!(
        mn102["message"]["text"]
            .as_str()
            .unwrap()
            .ends_with("\n[nearest rule (7(1))](1)"),
        "{mn102}"
    );
    let builtin = &related[0]["physicalLocation"]["artifactLocation"];
    assert_eq!(builtin["uri"], "kenpo.myna");
    assert_eq!(builtin["uriBaseId"], "MYNAFLOW_BUILTIN");
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

/// Microsoft's SARIF validator (`@microsoft/sarif-multitool-linux` from
/// npm): `$SARIF_MULTITOOL`, else the binary of npm's global package. The
/// package's `bin.js` wrapper runs the tool through a shell, which would
/// split `Gh;Sarif` at the semicolon, so the binary is called directly.
fn sarif_multitool() -> Option<std::path::PathBuf> {
    if let Some(p) = std::env::var_os("SARIF_MULTITOOL").filter(|p| !p.is_empty()) {
        return Some(p.into());
    }
    let root = Command::new("npm").args(["root", "-g"]).output().ok()?;
    let root = String::from_utf8(root.stdout).ok()?;
    let tool = Path::new(root.trim()).join("@microsoft/sarif-multitool-linux/Sarif.Multitool");
    tool.is_file().then_some(tool)
}

/// The errors and warnings the validator reports for a log under GitHub's
/// and SARIF's rules.
fn multitool_problems(tool: &Path, log: &str) -> Vec<String> {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("mynaflow.sarif");
    std::fs::write(&file, log).expect("write");
    let out = Command::new(tool)
        .args([
            "validate",
            "--rule-kind",
            "Gh;Sarif",
            "--level",
            "Error;Warning",
        ])
        .arg(&file)
        .arg("--output")
        .arg(dir.path().join("validation.sarif"))
        .args(["--log", "ForceOverwrite"])
        .output()
        .expect("run the SARIF multitool");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        text.contains("1 files scanned") || text.contains("Analysis completed successfully"),
        "the validator did not run:\n{text}"
    );
    let repository = option_env!("CARGO_PKG_REPOSITORY").is_some_and(|r| !r.is_empty());
    text.lines()
        .filter(|l| l.contains(": error ") || l.contains(": warning "))
        .filter(|l| {
            // informationUri is written only for a real repository; until
            // Cargo.toml names one, this is the one warning, said loudly.
            let missing_uri = !repository && l.contains("SARIF2005") && l.contains("informationUri");
            if missing_uri {
                eprintln!(
                    "NOTE: SARIF2005 (no informationUri) accepted: Cargo.toml names no `repository`, and mynaflow writes no placeholder URL"
                );
            }
            !missing_uri
        })
        .map(str::to_string)
        .collect()
}

#[test]
fn sarif_is_accepted_by_the_microsoft_validator_under_github_rules() {
    let Some(tool) = sarif_multitool() else {
        common::skipped(
            "sarif_is_accepted_by_the_microsoft_validator_under_github_rules: \
             the SARIF multitool is not installed \
             (npm install -g @microsoft/sarif-multitool-linux, or set SARIF_MULTITOOL)",
        );
        return;
    };
    let mut logs = Vec::new();
    for lang in ["en", "ja"] {
        let (out, _) = check(&[
            "docs/codes/examples",
            "tests/cases",
            "--format",
            "sarif",
            "--lang",
            lang,
        ]);
        logs.push((format!("examples ({lang})"), out));
    }
    let (failed, status) = check(&["no/such/folder", "--format", "sarif"]);
    assert_eq!(status, Some(2));
    logs.push(("a run that failed".into(), failed));
    // The config the run followed, relative and absolute.
    let d = tempfile::tempdir().expect("tempdir");
    std::fs::write(d.path().join("mynaflow.toml"), "lang = \"en\"\n").expect("write");
    std::fs::create_dir(d.path().join("designs")).expect("mkdir");
    let design =
        std::fs::read_to_string("docs/codes/examples/MN102-wrong-direction.myna").expect("example");
    std::fs::write(d.path().join("designs/a b.myna"), &design).expect("write");
    let (relative, _) = check_in(d.path(), &["designs", "--format", "sarif"]);
    assert!(relative.contains("\"config\""), "{relative}");
    logs.push(("a run with a config".into(), relative));
    let (absolute, _) = check_in(
        &d.path().join("designs"),
        &["a b.myna", "--format", "sarif"],
    );
    assert!(absolute.contains("file:///"), "{absolute}");
    logs.push(("a run with a config above it".into(), absolute));
    // Syntax and name errors a filter hid: notifications with a rule and
    // a location.
    let hidden = d.path().join("hidden.myna");
    let broken = design.replacen("->", "=>", 1);
    std::fs::write(&hidden, broken).expect("write");
    let (hid, status) = check_in(
        d.path(),
        &["hidden.myna", "--ignore", "MN0", "--format", "sarif"],
    );
    assert_eq!(status, Some(1));
    assert!(hid.contains("\"associatedRule\""), "{hid}");
    logs.push(("a run whose filter hid a syntax error".into(), hid));
    let (sources, diags) = with_fix();
    logs.push((
        "a finding with a fix".into(),
        render::sarif::render(&awkward_report(&sources, &diags)),
    ));
    for (what, log) in logs {
        let problems = multitool_problems(&tool, &log);
        assert!(problems.is_empty(), "{what}:\n{}", problems.join("\n"));
    }
    // The check can fail: a result with a rule index out of range is an
    // error the validator reports.
    let (out, _) = check(&[
        "docs/codes/examples/MN102-wrong-direction.myna",
        "--format",
        "sarif",
    ]);
    let mut broken: Value = serde_json::from_str(&out).expect("JSON");
    broken["runs"][0]["results"][0]["ruleIndex"] = 999.into();
    let problems = multitool_problems(&tool, &broken.to_string());
    assert!(
        problems.iter().any(|p| p.contains("SARIF1009")),
        "{problems:?}"
    );
}

/// A made-up report whose finding has a fix of two edits and a label.
fn with_fix() -> (SourceMap, Vec<Diagnostic>) {
    use mynaflow::fix::{Edit, Fix};
    let mut sources = SourceMap::new();
    let text = "actor a : 組合\nflow a -> b : c for d\n";
    let file = sources.add(SourceFile::new("dir/a.myna", text));
    let arrow = text.find("->").unwrap();
    let d = Diagnostic::new(
        Code::MN102,
        Span::new(file, arrow, arrow + 2),
        Text::same("wrong [way]"),
    )
    .with_label(Span::new(file, 6, 7), Text::same("declared here"))
    .with_fix(Fix::unsafe_(
        Text::same("reverse the flow"),
        vec![
            Edit {
                span: Span::new(file, arrow - 2, arrow - 1),
                content: "b".into(),
            },
            Edit {
                span: Span::new(file, arrow + 3, arrow + 4),
                content: "a".into(),
            },
        ],
    ));
    (sources, vec![d])
}

#[test]
fn sarif_carries_fixes_and_escapes_brackets() {
    let (sources, diags) = with_fix();
    let log: Value =
        serde_json::from_str(&render::sarif::render(&awkward_report(&sources, &diags)))
            .expect("JSON");
    let r = &log["runs"][0]["results"][0];
    assert_eq!(r["message"]["text"], "wrong \\[way\\]\n[declared here](1)");
    let fix = &r["fixes"][0];
    // An unsafe fix says so, in its description and as a property.
    assert_eq!(
        fix["description"]["text"],
        "reverse the flow (unsafe: changes what the design says)"
    );
    assert_eq!(fix["properties"]["applicability"], "unsafe");
    let change = &fix["artifactChanges"][0];
    assert_eq!(change["artifactLocation"]["uri"], "dir/a.myna");
    let reps = change["replacements"].as_array().expect("replacements");
    assert_eq!(reps.len(), 2);
    assert_eq!(reps[0]["deletedRegion"]["startLine"], 2);
    assert_eq!(reps[0]["deletedRegion"]["startColumn"], 6);
    assert_eq!(reps[0]["deletedRegion"]["endColumn"], 7);
    assert_eq!(reps[0]["insertedContent"]["text"], "b");
}

#[test]
fn sarif_line_hash_is_the_upload_actions() {
    let log = sarif(&["docs/codes/examples/MN102-wrong-direction.myna"]);
    let r = &log["runs"][0]["results"][0];
    let text =
        std::fs::read_to_string("docs/codes/examples/MN102-wrong-direction.myna").expect("read");
    let line = r["locations"][0]["physicalLocation"]["region"]["startLine"]
        .as_u64()
        .unwrap() as usize;
    let hash = render::line_hash::LineHashes::of(&text)
        .get(line)
        .expect("a hash for every line");
    assert_eq!(r["partialFingerprints"]["primaryLocationLineHash"], hash);
    assert!(hash.ends_with(":1"));
}

#[test]
fn sarif_of_a_failed_run_says_why() {
    let out = common::mynaflow(&[
        "check",
        "no/such/folder",
        "--format",
        "sarif",
        "--lang",
        "ja",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let log: Value =
        serde_json::from_str(&common::stdout(&out)).expect("a SARIF log, not an empty file");
    let inv = &log["runs"][0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    let note = &inv["toolExecutionNotifications"][0];
    assert_eq!(note["level"], "error");
    let text = note["message"]["text"].as_str().unwrap();
    assert!(
        text.contains("no/such/folder") && text.contains("ありません"),
        "{text}"
    );
    assert_eq!(log["runs"][0]["results"], serde_json::json!([]));
    // A design whose rulebook is missing: results, and the reason.
    let log = sarif(&["docs/codes/examples/MN013-missing-rulebook.myna"]);
    let inv = &log["runs"][0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    assert!(
        inv["toolExecutionNotifications"][0]["message"]["text"]
            .as_str()
            .unwrap()
            .contains("MN013")
    );
    // A clean run succeeded and says nothing more.
    let log = sarif(&["docs/codes/examples/MN102-wrong-direction.fixed.myna"]);
    assert_eq!(
        log["runs"][0]["invocations"],
        serde_json::json!([{"executionSuccessful": true}])
    );
}

/// A file's URI is made of its real path, percent-encoded: a backslash in
/// a Unix file's name is a character of that name (`%5C`), not a folder
/// (`designs/x/y.myna` would point the alert at another file), and so is a
/// control character the display name shows escaped. The config's URI
/// too. GitLab's `location.path` is a path, not a URI: it keeps the
/// backslash as it is.
#[cfg(unix)]
#[test]
fn sarif_uris_are_the_files_real_paths() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    let design = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("docs/codes/examples/MN102-wrong-direction.myna"),
    )
    .expect("read");
    std::fs::create_dir_all(root.join("designs")).expect("mkdir");
    std::fs::create_dir_all(root.join("c\\fg")).expect("mkdir");
    std::fs::write(root.join("designs/x\\y.myna"), &design).expect("write");
    std::fs::write(root.join("designs/a\u{1b}b.myna"), &design).expect("write");
    std::fs::write(root.join("c\\fg/mynaflow.toml"), "").expect("write");
    let (out, code) = check_in(
        root,
        &[
            "designs",
            "--format",
            "sarif",
            "--config",
            "c\\fg/mynaflow.toml",
        ],
    );
    assert_eq!(code, Some(1), "{out}");
    let log: Value = serde_json::from_str(&out).expect("SARIF is JSON");
    let run = &log["runs"][0];
    let mut uris: Vec<&str> = (run["results"].as_array().expect("results").iter())
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .expect("uri")
        })
        .collect();
    uris.sort();
    assert_eq!(uris, ["designs/a%1Bb.myna", "designs/x%5Cy.myna"]);
    assert!(!out.contains("designs/x/y.myna"), "{out}");
    assert_eq!(
        run["invocations"][0]["properties"]["config"]["uri"],
        "c%5Cfg/mynaflow.toml"
    );
    let (out, _) = check_in(root, &["designs", "--format", "gitlab", "--no-config"]);
    let issues: Value = serde_json::from_str(&out).expect("JSON");
    let paths: Vec<&str> = (issues.as_array().expect("issues").iter())
        .map(|i| i["location"]["path"].as_str().expect("path"))
        .collect();
    assert!(paths.contains(&"designs/x\\y.myna"), "{paths:?}");
}

#[test]
fn sarif_keeps_at_most_25000_results_errors_first() {
    let mut sources = SourceMap::new();
    let text = "flow a -> b : c\n".repeat(10);
    let file = sources.add(SourceFile::new("a.myna", text));
    let mut diags: Vec<Diagnostic> = (0..10)
        .map(|i| {
            Diagnostic::new(
                Code::MN012,
                Span::new(file, i * 16, i * 16 + 4),
                Text::same("w"),
            )
        })
        .collect();
    diags.extend((0..25_000).map(|i| {
        let at = (i % 10) * 16;
        Diagnostic::new(
            Code::MN102,
            Span::new(file, at + 7, at + 9),
            Text::same(format!("e{i}")),
        )
    }));
    let log: Value =
        serde_json::from_str(&render::sarif::render(&awkward_report(&sources, &diags)))
            .expect("JSON");
    let run = &log["runs"][0];
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 25_000);
    assert!(
        results.iter().all(|r| r["level"] == "error"),
        "errors are kept first"
    );
    let inv = &run["invocations"][0];
    assert_eq!(inv["executionSuccessful"], true);
    let note = &inv["toolExecutionNotifications"][0];
    assert_eq!(note["level"], "warning");
    assert!(
        note["message"]["text"]
            .as_str()
            .unwrap()
            .starts_with("10 of 25010 results were left out")
    );
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
         ::50%25 of a\\u{d}\\u{a}flow: x, y%0Ahelp: write `for`: <now> & \"here\"\n\
         ::warning file=dir/a%2Cb%3Ac 100%25.myna,line=1,col=7,endLine=1,endColumn=8,title=MN012\
         ::unused\\u{7} 'a' ]]>\n"
    );
}

#[test]
fn github_output_has_one_command_per_finding() {
    let (out, status) = check(&["docs/codes/examples", "--format", "github"]);
    assert_eq!(status, Some(2), "MN013's missing rulebook makes it exit 2");
    let s = summary(&["docs/codes/examples"]);
    let lines: Vec<&str> = out.lines().collect();
    // First, why the run failed: an error without a place, which GitHub
    // shows among the first ten.
    assert_eq!(
        lines[0],
        "::error title=mynaflow::2 design(s) could not be checked: 1 not a UTF-8 text file (MN005), 1 whose rulebook could not be loaded (MN013)"
    );
    let findings = &lines[1..];
    let errors = findings
        .iter()
        .filter(|l| l.starts_with("::error "))
        .count();
    let warnings = findings
        .iter()
        .filter(|l| l.starts_with("::warning "))
        .count();
    assert_eq!(errors as u64, s["errors"].as_u64().unwrap());
    assert_eq!(warnings as u64, s["warnings"].as_u64().unwrap());
    // GitHub shows 10 of each: a notice says how many are not shown.
    let hidden = (errors + 1).saturating_sub(10) + warnings.saturating_sub(10);
    assert_eq!(
        lines.last().copied(),
        Some(
            format!(
                "::notice title=mynaflow::{hidden} of {} annotations are not shown: GitHub shows 10 errors and 10 warnings per step. The log above lists every one.",
                errors + 1 + warnings
            )
            .as_str()
        )
    );
    assert_eq!(1 + errors + warnings + 1, lines.len());
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

#[test]
fn github_writes_every_finding_to_the_step_summary() {
    let dir = tempfile::tempdir().expect("tempdir");
    let summary_file = dir.path().join("summary.md");
    std::fs::write(&summary_file, "earlier step\n").expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_mynaflow"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "check",
            "docs/codes/examples",
            "--format",
            "github",
            "--lang",
            "en",
        ])
        .env("GITHUB_STEP_SUMMARY", &summary_file)
        .output()
        .expect("run");
    let stdout = String::from_utf8(out.stdout).expect("UTF-8");
    assert!(
        stdout
            .lines()
            .last()
            .unwrap()
            .ends_with("The job summary lists every one."),
        "{stdout}"
    );
    let md = std::fs::read_to_string(&summary_file).expect("summary written");
    let s = summary(&["docs/codes/examples"]);
    let heading = format!(
        "earlier step\n### mynaflow: {} error(s), {} warning(s) in ",
        s["errors"], s["warnings"]
    );
    assert!(md.starts_with(&heading), "appended: {md}");
    let rows: Vec<&str> = md
        .lines()
        .filter(|l| l.starts_with("| ❌") || l.starts_with("| ⚠️"))
        .collect();
    assert_eq!(
        rows.len() as u64,
        s["errors"].as_u64().unwrap() + s["warnings"].as_u64().unwrap()
    );
    assert!(
        rows.iter().any(|r| r.starts_with(
            // Markdown's punctuation escaped: it renders as the name.
            "| ❌ error | MN102 | docs\\/codes\\/examples\\/MN102\\-wrong\\-direction\\.myna | 14 | "
        )),
        "{md}"
    );
    // Every row has the same number of cells: no name broke the table.
    assert!(rows.iter().all(|r| r.matches(" | ").count() == 4), "{md}");
}

#[test]
fn concise_is_one_line_per_finding() {
    let (out, status) = check(&["docs/codes/examples", "--format", "concise"]);
    assert_eq!(status, Some(2));
    let s = summary(&["docs/codes/examples"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines.len() as u64,
        s["errors"].as_u64().unwrap() + s["warnings"].as_u64().unwrap()
    );
    assert!(
        lines.iter().any(|l| l
            .starts_with("docs/codes/examples/MN102-wrong-direction.myna:14:13: MN102 ")
            && l.contains("may go only from 他機関 to 組合")),
        "{out}"
    );
    let (sources, diags) = awkward();
    let out = render::concise::render(&awkward_report(&sources, &diags));
    assert_eq!(
        out.lines().count(),
        2,
        "control characters cannot add lines: {out}"
    );
}

#[test]
fn gitlab_code_quality_report() {
    let (out, _) = check(&["docs/codes/examples", "--format", "gitlab"]);
    let issues: Value = serde_json::from_str(&out).expect("JSON");
    let issues = issues.as_array().expect("an array");
    let s = summary(&["docs/codes/examples"]);
    assert_eq!(
        issues.len() as u64,
        s["errors"].as_u64().unwrap() + s["warnings"].as_u64().unwrap()
    );
    let mut fingerprints = std::collections::HashSet::new();
    for i in issues {
        assert_eq!(i["type"], "issue");
        assert!(Code::parse(i["check_name"].as_str().unwrap()).is_some());
        assert!(matches!(i["severity"].as_str(), Some("major" | "minor")));
        assert!(
            i["description"]
                .as_str()
                .unwrap()
                .starts_with(i["check_name"].as_str().unwrap())
        );
        assert!(
            i["location"]["path"]
                .as_str()
                .unwrap()
                .starts_with("docs/codes/examples/")
        );
        assert!(i["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
        assert!(
            fingerprints.insert(i["fingerprint"].as_str().unwrap().to_string()),
            "unique"
        );
    }
    let mn102 = issues.iter().find(|i| i["check_name"] == "MN102").unwrap();
    assert_eq!(mn102["location"]["lines"]["begin"], 14);
    assert_eq!(mn102["severity"], "major");
    let (out, status) = check(&[
        "docs/codes/examples/MN102-wrong-direction.fixed.myna",
        "--format",
        "gitlab",
    ]);
    assert_eq!((out.as_str(), status), ("[]\n", Some(0)));
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

/// The distinct `classname` (file) of the `<testcase>`s of a JUnit
/// report, in order.
fn testcase_classnames(xml: &str) -> Vec<String> {
    let mut names: Vec<String> = parse_xml(xml)
        .iter()
        .filter(|e| e.0 == "testcase")
        .map(|e| attr(e, "classname").to_string())
        .collect();
    names.dedup();
    names
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
    let all: Vec<_> = elements.iter().filter(|e| e.0 == "testcase").collect();
    // The first case says why the run failed (MN005 and MN013: designs
    // not checked, exit status 2), as an `<error>`.
    assert_eq!(
        (attr(all[0], "classname"), attr(all[0], "name")),
        ("mynaflow", "mynaflow")
    );
    let cases = &all[1..];
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
    let s = summary(&["docs/codes/examples"]);
    let findings = (s["errors"].as_u64().unwrap() + s["warnings"].as_u64().unwrap()) as usize;
    // One test case per finding, and one per clean file.
    let clean: Vec<_> = cases
        .iter()
        .filter(|c| attr(c, "name") == attr(c, "classname"))
        .collect();
    assert_eq!(cases.len(), findings + clean.len());
    let with_findings: std::collections::BTreeSet<&str> = cases
        .iter()
        .filter(|c| attr(c, "name") != attr(c, "classname"))
        .map(|c| attr(c, "classname"))
        .collect();
    assert_eq!(
        clean.len() + with_findings.len(),
        examples,
        "every checked file appears"
    );
    assert_eq!(attr(suite, "tests"), all.len().to_string());
    assert!(
        clean
            .iter()
            .any(|c| attr(c, "name") == "docs/codes/examples/MN102-wrong-direction.fixed.myna"),
        "clean files are test cases too"
    );
    assert!(
        !cases
            .iter()
            .any(|c| attr(c, "classname").starts_with("<builtin>")),
        "built-in rulebooks are not test cases"
    );
    let mn102 = cases
        .iter()
        .find(|c| attr(c, "classname") == "docs/codes/examples/MN102-wrong-direction.myna")
        .expect("the MN102 case");
    assert_eq!(attr(mn102, "name"), "MN102 14:13");
    assert_eq!(attr(mn102, "line"), "14");
    let failures: Vec<_> = elements.iter().filter(|e| e.0 == "failure").collect();
    assert_eq!(failures.len() as u64, s["errors"].as_u64().unwrap());
    let failed = xml
        .split("<testcase ")
        .skip(1)
        .filter(|c| c.contains("<failure "))
        .count();
    assert_eq!(failed, failures.len(), "one failure per failing case");
    assert_eq!(attr(suite, "failures"), failed.to_string());
    let errors: Vec<_> = elements.iter().filter(|e| e.0 == "error").collect();
    assert_eq!(errors.len(), 1);
    assert!(attr(errors[0], "message").starts_with("2 design(s) could not be checked"));
    assert_eq!(attr(suite, "errors"), "1");
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
    // CR, LF and U+0007 are shown, not obeyed.
    assert_eq!(attr(failure, "message"), "50% of a\\u{d}\\u{a}flow: x, y");
    assert_eq!(attr(&elements[1], "classname"), "dir/a,b:c 100%.myna");
    assert!(xml.contains("unused\\u{7} &apos;a&apos; ]]&gt;"), "{xml}");
    assert!(xml.contains("used &lt;here&gt;"), "{xml}");
    assert!(!xml.contains('\u{7}') && xml.contains("unused\\u{7}"));
}

#[test]
fn junit_lists_a_design_with_its_own_rulebook_once() {
    // The rulebook a design uses is read, but only the design is a test
    // case; given on the command line too, the rulebook is one as well.
    let (xml, _) = check(&["tests/cases/custom/design.myna", "--format", "junit"]);
    let names = testcase_classnames(&xml);
    assert_eq!(names, ["tests/cases/custom/design.myna"]);
    let (xml, _) = check(&["tests/cases/custom", "--format", "junit"]);
    let names = testcase_classnames(&xml);
    assert_eq!(
        names,
        [
            "tests/cases/custom/design.myna",
            "tests/cases/custom/nearest-miss.myna",
            "tests/cases/custom/one-flow-two-exchanges.myna",
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
        let log: Value = serde_json::from_str(&sarif).expect("JSON");
        let mut rules = log["runs"][0]["tool"]["driver"]["rules"].clone();
        for (rule, code) in rules
            .as_array_mut()
            .expect("rules")
            .iter_mut()
            .zip(Code::ALL)
        {
            assert_eq!(rule["help"]["markdown"], code.explain(lang));
            rule["help"]["markdown"] = format!("[mynaflow explain {code}]").into();
            rule["help"]["text"] = format!("[mynaflow explain {code}, as plain text]").into();
        }
        let rules = serde_json::to_string_pretty(&rules).expect("JSON");
        let mut settings = insta::Settings::clone_current();
        settings.set_prepend_module_to_snapshot(false);
        settings.set_snapshot_path("snapshots");
        settings.bind(|| insta::assert_snapshot!(name, rules));
    }
}

#[test]
fn sarif_of_bad_arguments_says_why() {
    let out = common::mynaflow(&["check", "--format", "sarif", "--no-such-flag", "examples"]);
    assert_eq!(out.status.code(), Some(2));
    let log: Value = serde_json::from_str(&common::stdout(&out)).expect("a SARIF log");
    let inv = &log["runs"][0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    let text = inv["toolExecutionNotifications"][0]["message"]["text"]
        .as_str()
        .unwrap();
    assert!(
        text.starts_with("bad arguments: ") && text.contains("--no-such-flag"),
        "{text}"
    );
    // Other formats print nothing on stdout.
    let out = common::mynaflow(&["check", "--format", "json", "--no-such-flag"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
}

/// Under `--lang ja` every format words help as 「対処」 and notes, where
/// it marks them, as 「注記」; none keeps the English `help:`, `note:`,
/// `error[MN…]` or `warning[MN…]`, nor another Japanese word for them.
#[test]
fn every_format_words_help_and_notes_alike_in_japanese() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for format in [
        "human", "concise", "json", "sarif", "github", "gitlab", "junit",
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_mynaflow"))
            .current_dir(root)
            .args(["check", "examples/vendor-proposal.myna", "--no-config"])
            .args(["--color", "never", "--lang", "ja", "--format", format])
            .output()
            .expect("run mynaflow");
        let text = String::from_utf8(out.stdout).expect("UTF-8 output");
        for english in ["help:", "note:", "error[MN", "warning[MN"] {
            assert!(!text.contains(english), "{format}: `{english}` in\n{text}");
        }
        for other in ["ヒント:", "修正:", "注:"] {
            assert!(!text.contains(other), "{format}: `{other}` in\n{text}");
        }
        // The formats that show help at all show it under one word.
        if !matches!(format, "concise" | "gitlab") {
            assert!(text.contains("対処: "), "{format}:\n{text}");
        }
        if matches!(format, "sarif" | "junit") {
            assert!(text.contains("注記: "), "{format}:\n{text}");
        }
        if format == "junit" {
            assert!(text.contains(": エラー[MN104]: ") && text.contains(": 警告[MN303]: "));
        }
    }
}

/// Under `--deny warnings` a warning fails the run, so JUnit counts it
/// as a failure: a test report is never green on a red job.
#[test]
fn junit_fails_a_warning_that_fails_the_run() {
    let design = "docs/codes/examples/MN012-unused-actor.myna";
    let run = |extra: &[&str]| {
        let mut args = vec!["check", "--format", "junit", "--lang", "en"];
        args.extend_from_slice(extra);
        args.push(design);
        let out = common::mynaflow(&args);
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let (code, xml) = run(&[]);
    assert_eq!(code, Some(0), "{xml}");
    assert!(xml.contains("failures=\"0\""), "{xml}");
    assert!(
        xml.contains("<system-out>") && !xml.contains("<failure"),
        "{xml}"
    );

    let (code, xml) = run(&["--deny", "warnings"]);
    assert_eq!(code, Some(1), "{xml}");
    assert!(xml.contains("failures=\"1\""), "{xml}");
    assert!(xml.contains("<failure type=\"MN012\""), "{xml}");
    assert!(
        xml.contains("warnings are denied (`--deny warnings`)"),
        "{xml}"
    );

    // `--exit-zero` passes the run whatever it finds: the warning passes.
    let (code, xml) = run(&["--deny", "warnings", "--exit-zero"]);
    assert_eq!(code, Some(0), "{xml}");
    assert!(xml.contains("failures=\"0\""), "{xml}");

    // The built-in rulebook's own warnings, as `rules check` sees them.
    let out = common::mynaflow(&["rules", "check", "--format", "junit", "--deny", "warnings"]);
    let xml = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{xml}");
    let failures = xml.matches("<failure ").count();
    assert!(failures > 0, "{xml}");
    assert!(xml.contains(&format!("failures=\"{failures}\"")), "{xml}");
    assert!(!xml.contains("<system-out>"), "{xml}");
}
