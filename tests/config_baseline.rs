//! `mynaflow.toml` and baselines, through the real binary.

mod common;

use std::path::Path;
use std::process::Output;

fn run(dir: &Path, args: &[&str]) -> Output {
    common::mynaflow_in(dir, args)
}

const BAD: &str = "use \"kenpo\"\nactor 基幹 : 組合\nactor 市 : 他機関\ndata 課税 : 課税・非課税情報\n\
                   flow 基幹 -> 市 : 課税 for 被扶養者認定\n";
const WARN: &str = "use \"kenpo\"\nactor 基幹 : 組合\nactor 予備 : 組合\ndata 資格 : 資格情報\nflow 基幹 -> 基幹 : 資格 for 資格確認\n";

#[test]
fn config_is_found_upward_and_sets_format_lang_and_deny() {
    let d = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        d.path().join("mynaflow.toml"),
        "format = \"json\"\nlang = \"ja\"\ndeny = [\"warnings\"]\n",
    )
    .expect("write");
    std::fs::create_dir(d.path().join("designs")).expect("mkdir");
    std::fs::write(d.path().join("designs/w.myna"), WARN).expect("write");
    let o = run(&d.path().join("designs"), &["check", "w.myna"]);
    let v: serde_json::Value =
        serde_json::from_slice(&o.stdout).expect("JSON from the config's format");
    assert_eq!(v["diagnostics"][0]["code"], "MN012");
    assert!(
        v["diagnostics"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("宣言されています")
    );
    assert_eq!(o.status.code(), Some(1), "warnings denied by the config");
    // The command line wins.
    let o = run(
        &d.path().join("designs"),
        &["check", "--format", "human", "--lang", "en", "w.myna"],
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains("warning[MN012]"));
}

#[test]
fn unknown_keys_stop_the_tool() {
    let d = tempfile::tempdir().expect("tempdir");
    std::fs::write(d.path().join("mynaflow.toml"), "formta = \"json\"\n").expect("write");
    std::fs::write(d.path().join("a.myna"), WARN).expect("write");
    let o = run(d.path(), &["check", "a.myna"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("formta") && err.contains("known keys"),
        "{err}"
    );
    // --config names another file.
    std::fs::write(d.path().join("other.toml"), "lang = \"en\"\n").expect("write");
    assert_eq!(
        run(d.path(), &["check", "--config", "other.toml", "a.myna"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        run(d.path(), &["check", "--config", "missing.toml", "a.myna"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn exclude_globs_and_rules_are_relative_to_the_config() {
    let d = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        d.path().join("mynaflow.toml"),
        "exclude = [\"drafts/**\"]\nrules = \"rules/custom.myna\"\n",
    )
    .expect("write");
    std::fs::create_dir_all(d.path().join("drafts")).expect("mkdir");
    std::fs::create_dir_all(d.path().join("rules")).expect("mkdir");
    std::fs::write(d.path().join("drafts/bad.myna"), BAD).expect("write");
    std::fs::copy(
        "tests/cases/custom/rules.myna",
        d.path().join("rules/custom.myna"),
    )
    .expect("copy");
    std::fs::write(
        d.path().join("ok.myna"),
        "actor 市役所 : 市\nactor 住民A : 住民\ndata 通知 : 住民情報\nflow 市役所 -> 住民A : 通知 for 住民サービス\n",
    )
    .expect("write");
    let o = run(d.path(), &["check", "--format", "json", "."]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let files: Vec<&str> = v["diagnostics"]
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|d| d["file"].as_str())
        .collect();
    assert!(
        !files.iter().any(|f| f.contains("drafts")),
        "excluded: {files:?}"
    );
    assert_eq!(
        v["summary"]["files"].as_u64(),
        Some(2),
        "ok.myna and the rulebook; drafts/ excluded"
    );
    // What the config took out is said beside the config it came from.
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("mynaflow.toml excludes 1 design(s) found; not checked"),
        "{err}"
    );
}

#[test]
fn a_baseline_fails_only_on_new_findings() {
    let d = tempfile::tempdir().expect("tempdir");
    let design = d.path().join("d.myna");
    std::fs::write(&design, BAD).expect("write");
    assert_eq!(run(d.path(), &["check", "d.myna"]).status.code(), Some(1));
    let o = run(
        d.path(),
        &["check", "--write-baseline", "base.json", "d.myna"],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let base: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.path().join("base.json")).expect("read"))
            .expect("json");
    assert_eq!(base["version"], 5);
    assert!(!base["findings"].as_array().expect("findings").is_empty());
    assert_eq!(
        run(d.path(), &["check", "--baseline", "base.json", "d.myna"])
            .status
            .code(),
        Some(0)
    );
    // Lines move: still known.
    std::fs::write(&design, format!("# 移動\n\n{BAD}")).expect("write");
    assert_eq!(
        run(d.path(), &["check", "--baseline", "base.json", "d.myna"])
            .status
            .code(),
        Some(0)
    );
    // A new violation fails, and only it is shown.
    std::fs::write(
        &design,
        format!("{BAD}flow 市 -> 基幹 : 課税 for 保険料徴収 via 市\n"),
    )
    .expect("write");
    let o = run(
        d.path(),
        &[
            "check",
            "--baseline",
            "base.json",
            "--format",
            "json",
            "d.myna",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert!(
        v["diagnostics"]
            .as_array()
            .expect("array")
            .iter()
            .all(|x| x["line"] == 6),
        "{v}"
    );
    // The config may name the baseline too.
    std::fs::write(&design, BAD).expect("write");
    std::fs::write(d.path().join("mynaflow.toml"), "baseline = \"base.json\"\n").expect("write");
    assert_eq!(run(d.path(), &["check", "d.myna"]).status.code(), Some(0));
    // A broken baseline stops the tool.
    std::fs::write(d.path().join("base.json"), "{").expect("write");
    assert_eq!(run(d.path(), &["check", "d.myna"]).status.code(), Some(2));
}

/// A baseline records and excuses every finding, not the hundred a code
/// a check shows. With 150 findings of one code recorded, a new one of the
/// same code used to pass the gate: the baseline held the 100 shown and
/// the summary of the rest, and excused the new run's 100 and its summary,
/// the new finding among them. The cap now applies to what the baseline
/// leaves, and the summary counts those only.
#[test]
fn a_baseline_past_the_cap_per_code_still_fails_on_a_new_finding() {
    let d = tempfile::tempdir().expect("tempdir");
    let head = "use \"kenpo\"\nactor 基幹 : 組合\nactor 市 : 他機関\nactor 区 : 他機関\ndata 課税 : 課税・非課税情報\n";
    let old = format!(
        "{head}{}",
        "flow 基幹 -> 市 : 課税 for 被扶養者認定\n".repeat(150)
    );
    std::fs::write(d.path().join("d.myna"), &old).expect("write");
    let o = run(d.path(), &["check", "d.myna", "--write-baseline", "b.json"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("recorded 151 finding(s) in b.json"),
        "150 MN102 and the MN012 of 区"
    );
    let o = run(d.path(), &["check", "d.myna", "--baseline", "b.json"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    // The design rewritten, checked against the baseline.
    let against = |text: &str| {
        std::fs::write(d.path().join("d.myna"), text).expect("write");
        let args = [
            "check",
            "d.myna",
            "--baseline",
            "b.json",
            "--format",
            "concise",
        ];
        run(d.path(), &args)
    };
    // One new finding of the same code, after the others.
    let o = against(&format!("{old}flow 基幹 -> 区 : 課税 for 被扶養者認定\n"));
    assert_eq!(o.status.code(), Some(1), "the new finding fails the run");
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.starts_with("d.myna:156:"), "{out}");
    // 250 new ones past the baseline: a hundred shown, one summary of the
    // other 150.
    let o = against(&format!(
        "{old}{}",
        "flow 基幹 -> 区 : 課税 for 被扶養者認定\n".repeat(250)
    ));
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(out.lines().count(), 101, "{out}");
    assert!(
        out.contains("150 more MN102 finding(s) in this file, from here on, are not shown"),
        "{out}"
    );
}

/// The baseline a config names is for checking: writing one reads it
/// not, so the first `--write-baseline` works before it exists, and a
/// second records every finding again rather than what the first did not
/// excuse.
#[test]
fn writing_the_baseline_a_config_names_does_not_read_it() {
    let d = tempfile::tempdir().expect("tempdir");
    std::fs::write(d.path().join("mynaflow.toml"), "baseline = \"b.json\"\n").expect("write");
    std::fs::write(d.path().join("d.myna"), BAD).expect("write");
    let count = || {
        let text = std::fs::read_to_string(d.path().join("b.json")).expect("read");
        let v: serde_json::Value = serde_json::from_str(&text).expect("json");
        v["findings"].as_array().expect("findings").len()
    };
    for _ in 0..2 {
        let o = run(d.path(), &["check", "d.myna", "--write-baseline", "b.json"]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert_eq!(count(), 1);
    }
    let o = run(d.path(), &["check", "d.myna"]);
    assert_eq!(o.status.code(), Some(0), "the config's baseline excuses it");
}

/// A design whose rulebook cannot be loaded was not checked (MN013): a
/// baseline does not record it (no baseline excuses what no suppression
/// may silence), and the run still exits 2 and says why, the finding
/// shown. Filtered out by `select`, the finding is not shown and the run
/// says why on its own line (it ended in "0 errors" and nothing else).
#[test]
fn a_baseline_never_makes_a_run_that_could_not_check_pass() {
    let d = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        d.path().join("d.myna"),
        "use \"missing.myna\"\nactor 基幹 : 組合\n",
    )
    .expect("write");
    let why = "error: 1 design(s) could not be checked against their rulebook (MN013)";
    let o = run(d.path(), &["check", "d.myna", "--write-baseline", "b.json"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("recorded 1 finding(s)"), "{err}");
    assert!(
        err.contains("1 finding(s) not recorded in b.json (MN013 ×1)"),
        "{err}"
    );
    assert!(err.contains(why), "{err}");
    assert_eq!(o.status.code(), Some(2), "{err}");
    let o = run(d.path(), &["check", "d.myna", "--select", "MN1"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains(why), "{err}");
    assert!(!String::from_utf8_lossy(&o.stdout).contains("MN013"));
    // Shown, it says so itself: no second line; with the baseline too.
    for args in [
        &["check", "d.myna"][..],
        &["check", "d.myna", "--baseline", "b.json"],
    ] {
        let o = run(d.path(), args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&o.stdout).contains("MN013"),
            "{args:?}"
        );
        assert!(
            !String::from_utf8_lossy(&o.stderr).contains(why),
            "{args:?}"
        );
    }
}

#[test]
fn a_baseline_does_not_depend_on_how_paths_are_spelled() {
    let d = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(d.path().join("designs")).expect("mkdir");
    std::fs::write(d.path().join("designs/d.myna"), BAD).expect("write");
    let o = run(
        d.path(),
        &["check", "--write-baseline", "base.json", "designs/d.myna"],
    );
    assert_eq!(o.status.code(), Some(0));
    let text = std::fs::read_to_string(d.path().join("base.json")).expect("read");
    assert!(text.contains("\"file\": \"designs/d.myna\""), "{text}");
    // Recorded from the root; checked with other spellings and from inside.
    let root = d.path().to_path_buf();
    let inside = d.path().join("designs");
    for (dir, args) in [
        (&root, ["check", "--baseline", "base.json", "./designs"]),
        (&inside, ["check", "--baseline", "../base.json", "d.myna"]),
        (&inside, ["check", "--baseline", "../base.json", "."]),
    ] {
        assert_eq!(
            run(dir, &args).status.code(),
            Some(0),
            "{args:?} in {}",
            dir.display()
        );
    }
}

#[test]
fn json_and_sarif_say_which_config_the_run_followed() {
    let d = tempfile::tempdir().expect("tempdir");
    std::fs::write(d.path().join("mynaflow.toml"), "lang = \"en\"\n").expect("write");
    std::fs::create_dir(d.path().join("designs")).expect("mkdir");
    std::fs::write(d.path().join("designs/w.myna"), WARN).expect("write");
    let json = |dir: &Path, args: &[&str]| -> serde_json::Value {
        let o = run(dir, &[&["check", "--format", "json"], args].concat());
        serde_json::from_slice(&o.stdout).expect("JSON")
    };
    let sarif = |dir: &Path, args: &[&str]| -> serde_json::Value {
        let o = run(dir, &[&["check", "--format", "sarif"], args].concat());
        let log: serde_json::Value = serde_json::from_slice(&o.stdout).expect("SARIF");
        log["runs"][0]["invocations"][0].clone()
    };
    // Found in the folder the run started in: named relative to it, as
    // the checked files are.
    assert_eq!(json(d.path(), &["designs"])["config"], "mynaflow.toml");
    let inv = sarif(d.path(), &["designs"]);
    assert_eq!(inv["properties"]["config"]["uri"], "mynaflow.toml");
    assert_eq!(inv["properties"]["config"]["uriBaseId"], "%SRCROOT%");
    // Found above it: absolute, a `file:` URI without a base.
    let below = d.path().join("designs");
    let abs = std::fs::canonicalize(d.path().join("mynaflow.toml")).expect("canonical");
    assert_eq!(
        json(&below, &["w.myna"])["config"],
        abs.display().to_string()
    );
    let inv = sarif(&below, &["w.myna"]);
    let uri = inv["properties"]["config"]["uri"]
        .as_str()
        .unwrap_or_default();
    assert!(
        uri.starts_with("file:///") && uri.ends_with("/mynaflow.toml"),
        "{uri}"
    );
    assert!(inv["properties"]["config"].get("uriBaseId").is_none());
    // Named with --config: as spelled.
    assert_eq!(
        json(d.path(), &["--config", "./mynaflow.toml", "designs"])["config"],
        "./mynaflow.toml"
    );
    // None followed: null in JSON, no property in SARIF.
    let v = json(d.path(), &["--no-config", "designs"]);
    assert!(
        v.get("config").is_some_and(serde_json::Value::is_null),
        "{v}"
    );
    assert!(
        sarif(d.path(), &["--no-config", "designs"])
            .get("properties")
            .is_none()
    );
    // A run that fails after reading the config says which one too.
    let inv = sarif(d.path(), &["--select", "XX9", "designs"]);
    assert_eq!(inv["executionSuccessful"], false);
    assert_eq!(inv["properties"]["config"]["uri"], "mynaflow.toml");
}

#[test]
fn a_config_name_is_escaped_in_json_and_encoded_in_sarif() {
    let d = tempfile::tempdir().expect("tempdir");
    let odd = d.path().join("odd\u{1b}[31m\r::error x\u{202e}");
    std::fs::create_dir(&odd).expect("mkdir");
    std::fs::write(odd.join("mynaflow.toml"), "lang = \"en\"\n").expect("write");
    std::fs::write(odd.join("w.myna"), WARN).expect("write");
    for format in ["json", "sarif"] {
        let o = run(&odd, &["check", "--format", format, "w.myna"]);
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(out.contains("mynaflow.toml"), "{out}");
        for raw in ['\u{1b}', '\r', '\u{202e}'] {
            assert!(!out.contains(raw), "{format}: raw {raw:?} in\n{out}");
        }
    }
}

/// Past the number a run makes, words and notes on every core, every
/// finding shown is as one shown alone: 2 500 copies of one flow give
/// 2 500 findings in line order, each the lone flow's own but for its
/// line, the built-in rulebook's note once on each.
#[test]
fn thousands_of_findings_shown_are_each_as_one_shown_alone() {
    let d = tempfile::tempdir().expect("tempdir");
    // Wrong in its direction only, so that each finding has a fix (the
    // arrow turned round), whose edits are placed too.
    let head = "use \"kenpo\"\nactor 基幹 : 組合\nactor 市 : 他機関\n\
                actor 網 : 情報提供ネットワークシステム\ndata 課税 : 課税・非課税情報\n";
    let flow = "flow 基幹 -> 市 : 課税 for 被扶養者認定 via 網\n";
    std::fs::write(d.path().join("one.myna"), format!("{head}{flow}")).expect("write");
    std::fs::write(
        d.path().join("many.myna"),
        format!("{head}{}", flow.repeat(2_500)),
    )
    .expect("write");
    let diagnostics = |file: &str| -> Vec<serde_json::Value> {
        let o = run(
            d.path(),
            &["check", file, "--format", "json", "--max-per-code", "0"],
        );
        assert_eq!(o.status.code(), Some(1));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
        v["diagnostics"].as_array().cloned().unwrap_or_default()
    };
    let alone = diagnostics("one.myna");
    assert_eq!(alone.len(), 1);
    assert_eq!(
        alone[0]["fixes"].as_array().map(Vec::len),
        Some(1),
        "{alone:?}"
    );
    let notes = alone[0]["notes"].as_array().cloned().unwrap_or_default();
    let builtin = notes
        .iter()
        .filter(|n| {
            n.as_str()
                .is_some_and(|n| n.contains("is built into mynaflow"))
        })
        .count();
    assert_eq!(builtin, 1, "{notes:?}");
    let many = diagnostics("many.myna");
    assert_eq!(many.len(), 2_500);
    for (i, mut d) in many.into_iter().enumerate() {
        let line = 6 + i as u64;
        assert_eq!(d["line"].as_u64(), Some(line));
        assert_eq!(d["end_line"].as_u64(), Some(line));
        // Its place, and its fixes' edits' (at the same line), as the lone one's.
        let place = |v: &mut serde_json::Value| {
            if v["line"].as_u64() == Some(line) && v["end_line"].as_u64() == Some(line) {
                v["file"] = "one.myna".into();
                v["line"] = 6.into();
                v["end_line"] = 6.into();
            }
        };
        place(&mut d);
        for fix in d["fixes"].as_array_mut().into_iter().flatten() {
            fix["edits"]
                .as_array_mut()
                .into_iter()
                .flatten()
                .for_each(place);
        }
        assert_eq!(d, alone[0], "finding {i}");
    }
}

/// `--max-per-code N` (or the config's `max-per-code`) shows N findings
/// of a code per file and sums up the rest; 0 shows every one, in every
/// format, so that code scanning sees each finding at its own place and
/// never a summary that moves. The counts and the exit status are those
/// of every finding whatever is shown.
#[test]
fn max_per_code_shows_as_many_as_asked_and_zero_shows_every_one() {
    let d = tempfile::tempdir().expect("tempdir");
    let design = format!(
        "use \"kenpo\"\nactor 基幹 : 組合\nactor 市 : 他機関\ndata 課税 : 課税・非課税情報\n{}",
        "flow 基幹 -> 市 : 課税 for 被扶養者認定\n".repeat(150)
    );
    std::fs::write(d.path().join("d.myna"), &design).expect("write");
    let shown = |extra: &[&str]| -> (Option<i32>, usize, Vec<String>, serde_json::Value) {
        let mut args = vec!["check", "d.myna", "--format", "json"];
        args.extend(extra);
        let o = run(d.path(), &args);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
        let diags = v["diagnostics"].as_array().cloned().unwrap_or_default();
        let summaries = (diags.iter())
            .filter_map(|d| d["message"].as_str())
            .filter(|m| m.contains("not shown"))
            .map(str::to_string)
            .collect();
        (
            o.status.code(),
            diags.len(),
            summaries,
            v["summary"].clone(),
        )
    };
    let every = serde_json::json!({"files": 1, "errors": 150, "warnings": 0});
    let summary = |n: usize| {
        vec![format!(
            "{n} more MN102 finding(s) in this file, from here on, are not shown"
        )]
    };
    assert_eq!(shown(&[]), (Some(1), 101, summary(50), every.clone()));
    assert_eq!(
        shown(&["--max-per-code", "20"]),
        (Some(1), 21, summary(130), every.clone())
    );
    assert_eq!(
        shown(&["--max-per-code", "0"]),
        (Some(1), 150, vec![], every.clone())
    );
    // Each finding at its own line, none of them a summary.
    let o = run(
        d.path(),
        &[
            "check",
            "d.myna",
            "--format",
            "sarif",
            "--max-per-code",
            "0",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("sarif");
    let lines: Vec<u64> = (v["runs"][0]["results"].as_array().into_iter().flatten())
        .filter_map(|r| r["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64())
        .collect();
    assert_eq!(lines, (5..155).collect::<Vec<u64>>());
    // From the config, and the command line over it.
    std::fs::write(d.path().join("mynaflow.toml"), "max-per-code = 0\n").expect("write");
    assert_eq!(shown(&[]), (Some(1), 150, vec![], every.clone()));
    assert_eq!(
        shown(&["--max-per-code", "7"]),
        (Some(1), 8, summary(143), every)
    );
    // A value that is not a count is refused, naming the key and the value.
    for bad in ["-1", "1.5", "\"all\""] {
        let toml = format!("max-per-code = {bad}\n");
        std::fs::write(d.path().join("mynaflow.toml"), toml).expect("write");
        let o = run(d.path(), &["check", "d.myna"]);
        assert_eq!(o.status.code(), Some(2));
        let err = String::from_utf8_lossy(&o.stderr);
        let want =
            format!("max-per-code = {bad}: must be a whole number, 0 (show every finding) or more");
        assert!(err.contains(&want), "{err}");
    }
}

/// The header of the audit's designs: a society, two employers' offices
/// and a data broker, and health check results.
const HEALTH: &str = "use \"kenpo\"\n\n\
    actor 保健事業システム : 組合   \"保健事業システム\"\n\
    actor 人事部           : 事業主 \"株式会社〇〇 人事部\"\n\
    actor 名簿業者         : 他機関 \"名簿業者\"\n\n\
    data 健診結果 : 健診データ\n\n";

/// The unlawful flow (MN202: 健康診断等 is an internal-use purpose),
/// wrapped as `fmt` wraps a long flow: its purpose, where the finding is,
/// on a line of its own.
const WRAPPED: &str = "flow 保健事業システム -> 人事部 : 健診結果\n  for 健康診断等\n";

/// A design with a NUL byte in a comment (so not a text file: MN005)
/// after an unlawful flow.
fn with_nul() -> Vec<u8> {
    let mut bytes =
        format!("{HEALTH}flow 保健事業システム -> 人事部 : 健診結果 for 健康診断等\n").into_bytes();
    bytes.extend(b"# \x00\n");
    bytes
}

/// A file that is not text (MN005) was not checked: like MN013, it exits
/// 2 whether the finding is shown, left out by `select`, `ignore` or
/// `per-file-ignores` (the README's own sample `select`), and says why in
/// both languages; `--write-baseline` exits 2 for it, and does not record
/// it. It exited 0 when filtered out or recorded.
#[test]
fn a_file_that_is_not_text_fails_the_run_however_it_is_filtered_or_recorded() {
    let d = tempfile::tempdir().expect("tempdir");
    std::fs::write(d.path().join("bad.myna"), with_nul()).expect("write");
    let why = "error: 1 design(s) could not be checked: not a UTF-8 text file (MN005)";
    let why_ja =
        "エラー: 1 件の設計を検査できませんでした: UTF-8 のテキストファイルではありません (MN005)";
    let o = run(d.path(), &["check", "--no-config", "bad.myna"]);
    assert_eq!(o.status.code(), Some(2), "shown");
    assert!(String::from_utf8_lossy(&o.stdout).contains("MN005"));
    for hidden in [
        &["--select", "MN1,MN2,MN3,MN4"][..],
        &["--ignore", "MN0"],
        &["--ignore", "MN005"],
    ] {
        let o = run(
            d.path(),
            &[&["check", "--no-config", "bad.myna"][..], hidden].concat(),
        );
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{hidden:?}: {err}");
        assert!(err.contains(why), "{hidden:?}: {err}");
        let o = run(
            d.path(),
            &[
                &["check", "--no-config", "--lang", "ja", "bad.myna"][..],
                hidden,
            ]
            .concat(),
        );
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(why_ja), "{hidden:?}: {err}");
    }
    // The README's sample config, and per-file-ignores.
    for config in [
        "select = [\"MN1\", \"MN2\", \"MN3\", \"MN4\"]\n",
        "[per-file-ignores]\n\"bad.myna\" = [\"MN0\"]\n",
    ] {
        std::fs::write(d.path().join("mynaflow.toml"), config).expect("write");
        let o = run(d.path(), &["check", "."]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{config}: {err}");
        assert!(err.contains(why), "{config}: {err}");
    }
    std::fs::remove_file(d.path().join("mynaflow.toml")).expect("remove");
    // Recorded when the file held nothing else, then filled: exit 2.
    std::fs::write(d.path().join("n.myna"), "use \"kenpo\"\n# \x00\n").expect("write");
    let o = run(
        d.path(),
        &[
            "check",
            "--no-config",
            "--write-baseline",
            "nb.json",
            "n.myna",
        ],
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(
        o.status.code(),
        Some(2),
        "--write-baseline refuses it: {err}"
    );
    assert!(err.contains(why), "{err}");
    assert!(err.contains("not recorded in nb.json (MN005 ×1)"), "{err}");
    // The same file again: the baseline did not record its finding, which
    // is shown.
    let o = run(
        d.path(),
        &["check", "--no-config", "--baseline", "nb.json", "n.myna"],
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("MN005"),
        "{err}"
    );
    // Filled with an unlawful design (the NUL now elsewhere, so the
    // message is new too): still 2.
    std::fs::write(d.path().join("n.myna"), with_nul()).expect("write");
    let o = run(
        d.path(),
        &["check", "--no-config", "--baseline", "nb.json", "n.myna"],
    );
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(o.status.code(), Some(2), "{said}");
    assert!(said.contains("MN005"), "{said}");
}

/// `test` fails a file that is not text with exit status 2, as it does a
/// design whose rulebook could not be loaded, and says why.
#[test]
fn test_fails_a_file_that_is_not_text_with_status_2() {
    let d = tempfile::tempdir().expect("tempdir");
    std::fs::write(d.path().join("bad.myna"), with_nul()).expect("write");
    let o = run(d.path(), &["test", "--no-config", "bad.myna"]);
    let (out, err) = (
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr),
    );
    assert_eq!(o.status.code(), Some(2), "{out}{err}");
    assert!(out.contains("the file is not UTF-8 text"), "{out}");
    assert!(err.contains("not a UTF-8 text file (MN005)"), "{err}");
}

/// A filter chooses which checks' findings are seen, not whether the
/// design was checked: a syntax error (MN001) or an undefined name
/// (MN010) that `select`/`ignore` hides stopped the checks of its flow,
/// so the run still exits 1 and says why on stderr, in both languages.
/// It exited 0.
#[test]
fn a_hidden_syntax_or_name_error_still_fails_the_run() {
    let d = tempfile::tempdir().expect("tempdir");
    let syn = format!(
        "{HEALTH}flow 保健事業システム -> 人事部 ; 健診結果 for 健康診断等\n\
         flow 保健事業システム -> 人事部x : 健診結果 for 健康診断等\n"
    );
    std::fs::write(d.path().join("syn.myna"), syn).expect("write");
    for hidden in [&["--select", "MN1,MN2,MN3,MN4"][..], &["--ignore", "MN0"]] {
        let o = run(
            d.path(),
            &[&["check", "--no-config", "syn.myna"][..], hidden].concat(),
        );
        let (out, err) = (
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr),
        );
        assert_eq!(o.status.code(), Some(1), "{hidden:?}: {out}{err}");
        assert!(!out.contains("MN001"), "hidden as asked: {out}");
        assert!(
            err.contains("2 finding(s) hidden by select/ignore stopped the checks of their statements: MN001 ×1, MN010 ×1, the first at syn.myna:9:"),
            "{hidden:?}: {err}"
        );
        let o = run(
            d.path(),
            &[
                &["check", "--no-config", "--lang", "ja", "syn.myna"][..],
                hidden,
            ]
            .concat(),
        );
        assert_eq!(o.status.code(), Some(1));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("select/ignore で非表示にした 2 件の指摘"),
            "{err}"
        );
        // `--exit-zero` still means 0.
        let o = run(
            d.path(),
            &[
                &["check", "--no-config", "--exit-zero", "syn.myna"][..],
                hidden,
            ]
            .concat(),
        );
        assert_eq!(o.status.code(), Some(0));
    }
    // A filter that hides no such error changes nothing: a warning alone
    // hidden is no failure.
    std::fs::write(d.path().join("w.myna"), WARN).expect("write");
    let o = run(
        d.path(),
        &["check", "--no-config", "--ignore", "MN012", "w.myna"],
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stderr).is_empty());
    // Recorded in a baseline written under the same filter, they are
    // known: the baseline adopts today's findings.
    let o = run(
        d.path(),
        &[
            "check",
            "--no-config",
            "--select",
            "MN2",
            "--write-baseline",
            "b.json",
            "syn.myna",
        ],
    );
    assert_eq!(o.status.code(), Some(0));
    let o = run(
        d.path(),
        &[
            "check",
            "--no-config",
            "--select",
            "MN2",
            "--baseline",
            "b.json",
            "syn.myna",
        ],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Writes `design` to `d/w.myna`, records a baseline, rewrites the design
/// as `edit` says and checks it against that baseline: the exit status
/// and what was printed.
fn baselined(d: &Path, design: &str, edit: impl Fn(&str) -> String) -> (Option<i32>, String) {
    std::fs::write(d.join("w.myna"), design).expect("write");
    let o = run(
        d,
        &[
            "check",
            "--no-config",
            "--write-baseline",
            "wb.json",
            "w.myna",
        ],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    std::fs::write(d.join("w.myna"), edit(design)).expect("write");
    let o = run(
        d,
        &["check", "--no-config", "--baseline", "wb.json", "w.myna"],
    );
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    (o.status.code(), all)
}

/// A baseline records a finding by the whole statement it is in: a
/// wrapped flow whose recipient (on its first line, the finding on its
/// second) became a data broker is new. It was excused.
#[test]
fn a_baseline_does_not_excuse_a_wrapped_flow_to_another_recipient() {
    let d = tempfile::tempdir().expect("tempdir");
    let design = format!("{HEALTH}{WRAPPED}");
    let (status, out) = baselined(d.path(), &design, |t| {
        t.replace("-> 人事部 : 健診結果", "-> 名簿業者 : 健診結果")
    });
    assert_eq!(status, Some(1), "{out}");
    assert!(
        out.contains("MN202") && out.contains("名簿業者 (他機関)"),
        "{out}"
    );
}

/// A baseline records a finding's message too: a flow line left as it is,
/// whose recipient's declaration now has another role, is new. It was
/// excused.
#[test]
fn a_baseline_does_not_excuse_a_flow_whose_actor_was_declared_again() {
    let d = tempfile::tempdir().expect("tempdir");
    let design = format!("{HEALTH}{WRAPPED}");
    let (status, out) = baselined(d.path(), &design, |t| {
        t.replace(
            "actor 人事部           : 事業主 \"株式会社〇〇 人事部\"",
            "actor 人事部 : 他機関 \"名簿業者\"",
        )
    });
    assert_eq!(status, Some(1), "{out}");
    assert!(out.contains("人事部 (他機関)"), "{out}");
}

/// What a baseline excused still is: the design unchanged, moved down,
/// re-indented, re-wrapped, or with its comments edited.
#[test]
fn a_baseline_still_excuses_a_statement_that_only_moved_or_was_rewrapped() {
    let d = tempfile::tempdir().expect("tempdir");
    let design = format!("{HEALTH}{WRAPPED}");
    let edits: [&dyn Fn(&str) -> String; 4] = [
        &|t| t.to_string(),
        &|t| format!("# a comment\n\n{t}"),
        &|t| t.replace("健診結果\n  for", "健診結果   # why\n      for"),
        &|t| t.replace("健診結果\n  for", "健診結果 for"),
    ];
    for (i, edit) in edits.iter().enumerate() {
        let (status, out) = baselined(d.path(), &design, edit);
        assert_eq!(status, Some(0), "edit {i}: {out}");
        assert!(
            out.contains("2 finding(s) recorded in the baseline"),
            "edit {i}: {out}"
        );
    }
}

/// A baseline written before version 2 (by the finding's line alone)
/// still loads and excuses what it recorded, and the run says to record
/// it again for the stronger match, in both languages.
#[test]
fn a_baseline_of_version_1_still_excuses_and_says_to_record_it_again() {
    let d = tempfile::tempdir().expect("tempdir");
    let design = format!("{HEALTH}{WRAPPED}");
    std::fs::write(d.path().join("w.myna"), &design).expect("write");
    // As version 1 wrote it: FNV-1a of the code, the line's text and the
    // span's text, each followed by a NUL.
    let fnv = |parts: &[&str]| {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for p in parts {
            for b in p.bytes().chain([0]) {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0000_0100_0000_01b3);
            }
        }
        h
    };
    let mn202 = fnv(&["MN202", "for 健康診断等", "健康診断等"]);
    let mn012 = fnv(&["MN012", "actor 名簿業者 : 他機関 \"名簿業者\"", "名簿業者"]);
    let v1 = format!(
        "{{\"version\": 1, \"findings\": [\
         {{\"fingerprint\": \"{mn202:016x}\", \"code\": \"MN202\", \"file\": \"w.myna\", \"line\": 10, \"message\": \"m\"}},\
         {{\"fingerprint\": \"{mn012:016x}\", \"code\": \"MN012\", \"file\": \"w.myna\", \"line\": 5, \"message\": \"m\"}}]}}"
    );
    std::fs::write(d.path().join("old.json"), v1).expect("write");
    let o = run(
        d.path(),
        &["check", "--no-config", "--baseline", "old.json", "w.myna"],
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("2 finding(s) recorded in the baseline"),
        "{err}"
    );
    assert!(
        err.contains("note: the baseline old.json is of version 1")
            && err.contains("record it again with --write-baseline"),
        "{err}"
    );
    let o = run(
        d.path(),
        &[
            "check",
            "--no-config",
            "--lang",
            "ja",
            "--baseline",
            "old.json",
            "w.myna",
        ],
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("注記: ベースライン old.json はバージョン 1 です"),
        "{err}"
    );
    // Written again, it is of version 4.
    let o = run(
        d.path(),
        &[
            "check",
            "--no-config",
            "--write-baseline",
            "old.json",
            "w.myna",
        ],
    );
    assert_eq!(o.status.code(), Some(0));
    let text = std::fs::read_to_string(d.path().join("old.json")).expect("read");
    assert!(text.contains("\"version\": 5"), "{text}");
}

/// Two findings of one code at one place (two items of one flow, each
/// for a purpose their rule does not allow: MN103 on the purpose), with
/// messages of their own: the baseline records each with its own
/// message, and excuses both. It recorded the later's message twice, and
/// the other finding failed the run against the baseline just written.
#[test]
fn two_findings_at_one_place_are_recorded_with_their_own_messages() {
    let d = tempfile::tempdir().expect("tempdir");
    let design = "use \"kenpo\"\nactor 基幹 : 組合\nactor 市 : 他機関\n\
                  actor 網 : 情報提供ネットワークシステム\nactor 中間 : 中間サーバー\n\
                  data 課税 : 課税・非課税情報\ndata 住民 : 住民票関係情報\n\
                  flow 市 -> 基幹 : 課税, 住民 for 保険給付審査 via 網, 中間\n";
    std::fs::write(d.path().join("d.myna"), design).expect("write");
    let o = run(
        d.path(),
        &[
            "check",
            "--no-config",
            "d.myna",
            "--write-baseline",
            "b.json",
        ],
    );
    assert_eq!(o.status.code(), Some(0));
    let b: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.path().join("b.json")).expect("read"))
            .expect("JSON");
    let mut messages: Vec<&str> = (b["findings"].as_array().expect("findings").iter())
        .filter(|e| e["code"] == "MN103")
        .filter_map(|e| e["message"].as_str())
        .collect();
    messages.sort_unstable();
    assert_eq!(messages.len(), 2, "{b}");
    assert!(
        messages[0].contains("`住民`") && messages[1].contains("`課税`"),
        "{b}"
    );
    let o = run(
        d.path(),
        &["check", "--no-config", "d.myna", "--baseline", "b.json"],
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("2 finding(s) recorded in the baseline"),
        "{out}"
    );
}
