//! What a pull request's files can make `check` write (audit of 7 December
//! 2026, sections 5–7): no line of any output but the `github` format's
//! own commands starts a GitHub Actions workflow command (a line that
//! starts with `::` after white space), whatever a config's values or a
//! file's name hold; the job summary renders no Markdown of the input; a
//! found config's `baseline` stays inside the project and a baseline's
//! parse error quotes nothing of it; and a run refused before checking
//! still writes its document in the machine formats.

mod common;

use std::path::Path;
use std::process::Output;

/// A design with one error (MN104).
const DESIGN: &str = "use \"kenpo\"\n\
actor 給付システム : 組合 \"新給付システム\"\n\
actor 市町村 : 他機関 \"市区町村\"\n\
data 課税情報 : 課税・非課税情報\n\
flow 市町村 -> 給付システム : 課税情報 for 高齢受給者負担区分判定\n";

/// Runs mynaflow in `dir` with `env` set.
fn run(dir: &Path, args: &[&str], env: &[(&str, &Path)]) -> Output {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_mynaflow"));
    c.args(args)
        .current_dir(dir)
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("GITHUB_STEP_SUMMARY");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("run mynaflow")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The lines of `out` a GitHub Actions runner would read as a workflow
/// command.
fn commands(out: &str) -> Vec<&str> {
    out.lines()
        .filter(|l| l.trim_start().starts_with("::"))
        .collect()
}

/// A project in a temporary folder: `designs/` with the design, and the
/// folder canonical (a found config's path is).
fn project() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().canonicalize().expect("canonical");
    std::fs::create_dir_all(root.join("p/designs")).expect("mkdir");
    std::fs::write(root.join("p/designs/a.myna"), DESIGN).expect("write");
    (dir, root.join("p"))
}

#[test]
fn no_config_value_starts_a_line_of_its_own() {
    let (_dir, p) = project();
    let forged = "x\\n::stop-commands::pwn\\n  ::error::forged";
    let configs = [
        format!("lang = \"{forged}\""),
        format!("format = \"{forged}\""),
        format!("deny = [\"{forged}\"]"),
        format!("select = [\"{forged}\"]"),
        format!("ignore = [\"{forged}\"]"),
        format!("unsuppressible = [\"{forged}\"]"),
        format!("max-per-code = \"{forged}\""),
        format!("exclude = [\"{forged}[\"]"),
        format!("[per-file-ignores]\n\"{forged}[\" = [\"MN1\"]"),
        format!("[per-file-ignores]\n\"x\" = [\"{forged}\"]"),
        format!("\"{forged}\" = 1"),
        format!("lang = \"en\"\nrules = \"{forged}\""),
    ];
    for config in &configs {
        std::fs::write(p.join("designs/mynaflow.toml"), config).expect("write");
        for lang in ["en", "ja"] {
            let o = run(
                &p,
                &["check", "designs", "--format", "github", "--lang", lang],
                &[],
            );
            let (out, err) = (text(&o.stdout), text(&o.stderr));
            assert_eq!(o.status.code(), Some(2), "{config}: {err}");
            assert_eq!(
                commands(&err),
                Vec::<&str>::new(),
                "{config} ({lang}): {err}"
            );
            // The github format's own commands (a config whose `rules`
            // cannot be used leaves the designs checked, under `kenpo`).
            for line in commands(&out) {
                assert!(
                    line.starts_with("::error title=mynaflow::")
                        || line.starts_with("::error file=designs/a.myna,"),
                    "{config}: {out}"
                );
            }
            // The value is shown, on one line.
            assert!(
                err.contains("\\u{a}") || out.contains("\\u{a}"),
                "{config}: {err}"
            );
        }
    }
}

#[test]
fn no_file_name_starts_a_workflow_command() {
    let dir = tempfile::tempdir().expect("tempdir");
    let names = [
        "::add-mask::MN104.myna",
        "::error file=README.md,line=1::LGTM all designs comply.myna",
    ];
    for n in names {
        std::fs::write(dir.path().join(n), DESIGN).expect("write");
    }
    for format in [
        "human", "concise", "json", "sarif", "github", "gitlab", "junit",
    ] {
        for lang in ["en", "ja"] {
            let o = run(
                dir.path(),
                &["check", "--no-config", "--format", format, "--lang", lang],
                &[],
            );
            let (out, err) = (text(&o.stdout), text(&o.stderr));
            assert_eq!(o.status.code(), Some(1), "{format}: {err}");
            assert_eq!(commands(&err), Vec::<&str>::new(), "{format}: {err}");
            for line in commands(&out) {
                // The github format's own, its `file=` escaped.
                assert!(
                    format == "github" && line.starts_with("::error file=./%3A%3A"),
                    "{format}: {line}"
                );
            }
        }
    }
    // The name is shown as the same file, `./` before it.
    let o = run(
        dir.path(),
        &["check", "--no-config", "--format", "concise"],
        &[],
    );
    let out = text(&o.stdout);
    assert!(
        out.starts_with("./::add-mask::MN104.myna:5:10: MN104"),
        "{out}"
    );
    // Other commands that name files.
    for args in [
        &["coverage", "."][..],
        &["inventory", ".", "--format", "md"],
        &["test", "."],
        &["fmt", "--check", "."],
    ] {
        let o = run(dir.path(), args, &[]);
        let all = format!("{}{}", text(&o.stdout), text(&o.stderr));
        assert_eq!(commands(&all), Vec::<&str>::new(), "{args:?}: {all}");
    }
}

#[test]
fn the_job_summary_renders_no_markdown_of_the_input() {
    let dir = tempfile::tempdir().expect("tempdir");
    // The audit's case: a quoted actor name written as Markdown.
    let bait = "**✅ All designs comply** [details](https://evil.example/login) ![x](https://evil.example/t.png) www.evil.example a@evil.example `c` <b>&amp;";
    let design = format!(
        "use \"kenpo\"\n\
         actor 給付システム : 組合 \"新給付システム\"\n\
         actor \"{bait}\" : 事業主 \"z\"\n\
         data 給付記録 : 給付記録\n\
         flow 給付システム -> \"{bait}\" : 給付記録 for 医療費分析\n"
    );
    std::fs::write(dir.path().join("[x](https:ev.il).myna"), design).expect("write");
    let summary = dir.path().join("summary.md");
    let o = run(
        dir.path(),
        &["check", "--no-config", "--format", "github"],
        &[("GITHUB_STEP_SUMMARY", &summary)],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let md = std::fs::read_to_string(&summary).expect("summary written");
    for raw in ["**", "](", "![", "https://", "www.e", "a@e", "`c`", "<b>"] {
        assert!(!md.contains(raw), "{raw} in {md}");
    }
    // `&amp;` of the input is shown as written, not as `&`.
    assert!(md.contains("&lt;b&gt;&amp;amp\\;"), "{md}");
    assert!(
        md.contains("\\[details\\]\\(https\\:\\/\\/evil\\.example\\/login\\)"),
        "{md}"
    );
    assert!(md.contains("\\[x\\]\\(https\\:ev\\.il\\)\\.myna"), "{md}");
}

/// A secret beside the project: a baseline must never show it.
const SECRET: &str = "SECRET-TOKEN-XYZ";

#[test]
fn a_found_configs_baseline_stays_inside_the_project() {
    let (dir, p) = project();
    let outside = dir.path().canonicalize().expect("canonical").join("v.json");
    std::fs::write(&outside, format!("{{\"version\":\"{SECRET}\"}}")).expect("write");
    #[cfg(unix)]
    std::os::unix::fs::symlink(&outside, p.join("designs/link.json")).expect("symlink");
    let mut baselines = vec![outside.display().to_string(), "../../v.json".to_string()];
    if cfg!(unix) {
        baselines.push("link.json".to_string());
    }
    for b in &baselines {
        std::fs::write(
            p.join("designs/mynaflow.toml"),
            format!("baseline = \"{b}\"\n"),
        )
        .expect("write");
        for format in ["human", "sarif", "json"] {
            let o = run(&p, &["check", "designs", "--format", format], &[]);
            let (out, err) = (text(&o.stdout), text(&o.stderr));
            assert_eq!(o.status.code(), Some(2), "{b}: {err}");
            assert!(err.contains("is outside the project"), "{b}: {err}");
            assert!(
                !out.contains(SECRET) && !err.contains(SECRET),
                "{b}: {out}{err}"
            );
        }
        let o = run(&p, &["check", "designs", "--lang", "ja"], &[]);
        assert!(
            text(&o.stderr).contains("プロジェクトの外にあります"),
            "{b}"
        );
    }
    // Named on the command line, or by a config named with `--config`, it
    // is read: the user chose it. Its parse error says where, not what.
    std::fs::write(
        p.join("designs/mynaflow.toml"),
        "baseline = \"../../v.json\"\n",
    )
    .expect("write");
    let config = p.join("designs/mynaflow.toml").display().to_string();
    let path = outside.display().to_string();
    for args in [
        &["check", "designs", "--no-config", "--baseline", &path][..],
        &["check", "designs", "--config", &config],
    ] {
        let o = run(&p, args, &[]);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(!err.contains("outside the project"), "{args:?}: {err}");
        assert!(err.contains("line 1, column"), "{args:?}: {err}");
    }
}

#[test]
fn a_baseline_that_does_not_parse_is_not_quoted() {
    let (_dir, p) = project();
    let cases = [
        format!("{{\"version\":\"{SECRET}\"}}"),
        format!("{{\"auths\":{{\"{SECRET}\":1}}}}"),
        format!("{{\"version\":3,\"findings\":[{{\"{SECRET}\":true}}]}}"),
        SECRET.to_string(),
        format!("{{\"version\":3,\"findings\":[\"{SECRET}"),
    ];
    for case in &cases {
        std::fs::write(p.join("designs/b.json"), case).expect("write");
        std::fs::write(p.join("designs/mynaflow.toml"), "baseline = \"b.json\"\n").expect("write");
        for (format, lang) in [
            ("human", "en"),
            ("sarif", "en"),
            ("json", "ja"),
            ("junit", "en"),
        ] {
            let o = run(
                &p,
                &["check", "designs", "--format", format, "--lang", lang],
                &[],
            );
            let (out, err) = (text(&o.stdout), text(&o.stderr));
            assert_eq!(o.status.code(), Some(2), "{case}: {err}");
            assert!(
                !out.contains(SECRET) && !err.contains(SECRET),
                "{case}: {out}{err}"
            );
            assert!(
                err.contains("(the file's text is not shown)")
                    || err.contains("(ファイルの内容は表示しません)"),
                "{case}: {err}"
            );
        }
    }
}

#[test]
fn a_refused_run_writes_its_document_in_the_machine_formats() {
    let (_dir, p) = project();
    std::fs::write(p.join("designs/mynaflow.toml"), "lang = \"xx\"\n").expect("write");
    let reason = "lang = \\\"xx\\\" is not ja or en";
    for format in ["json", "github", "junit", "sarif", "gitlab"] {
        let file = p.join(format!("out.{format}"));
        let _ = std::fs::remove_file(&file);
        let summary = p.join("summary.md");
        let out = file.to_str().expect("utf-8");
        let o = run(
            &p,
            &["check", "designs", "--format", format, "-o", out],
            &[("GITHUB_STEP_SUMMARY", &summary)],
        );
        assert_eq!(o.status.code(), Some(2), "{format}");
        if format == "gitlab" {
            // No place for an issue without a file: no report.
            assert!(!file.exists(), "{format}");
            continue;
        }
        let written = std::fs::read_to_string(&file).expect("document written");
        match format {
            "json" => {
                let v: serde_json::Value = serde_json::from_str(&written).expect("json");
                let failures = v["failures"].as_array().expect("failures");
                assert_eq!(failures.len(), 1, "{written}");
                assert!(
                    failures[0]
                        .as_str()
                        .is_some_and(|f| f.contains("is not ja or en"))
                );
            }
            "github" => {
                assert!(written.starts_with("::error title=mynaflow::"), "{written}");
                assert!(written.contains("is not ja or en"), "{written}");
                let md = std::fs::read_to_string(&summary).expect("summary");
                assert!(md.contains("❌"), "{md}");
            }
            "junit" => {
                assert!(written.contains("errors=\"1\""), "{written}");
                assert!(written.contains("<testcase classname=\"mynaflow\" name=\"mynaflow\">"));
                assert!(written.contains("is not ja or en"), "{written}");
            }
            _ => assert!(written.contains(reason), "{written}"),
        }
    }
}

/// A runner's legacy commands, which it reads anywhere in a line.
const LEGACY: [&str; 2] = ["##[stop-commands]x", "##[error]x"];

/// A design whose actor label, quoted names and comments hold `##[`, in
/// a folder and a file whose names do.
fn legacy_project() -> (tempfile::TempDir, std::path::PathBuf, String) {
    let [stop, error] = LEGACY;
    let dir = tempfile::tempdir().expect("tempdir");
    let folder = dir.path().join(format!("d{error}"));
    std::fs::create_dir_all(&folder).expect("mkdir");
    let label = format!("{stop} {error}");
    let design = format!(
        "use \"kenpo\"\n\
         # {stop}\n\
         actor 給付システム : 組合 \"{label}\"\n\
         actor \"{error}市町村\" : 他機関 \"市区町村\"\n\
         data 課税情報 : 課税・非課税情報\n\
         flow \"{error}市町村\" -> 給付システム : 課税情報 for 高齢受給者負担区分判定 # {stop}\n"
    );
    let file = folder.join(format!("a{stop}.myna"));
    std::fs::write(&file, design).expect("write");
    let rel = file
        .strip_prefix(dir.path())
        .expect("inside")
        .display()
        .to_string();
    (dir, rel.into(), label)
}

/// The lines of `out` that hold a legacy command.
fn legacy(out: &str) -> Vec<&str> {
    out.lines().filter(|l| l.contains("##[")).collect()
}

#[test]
fn no_output_holds_a_legacy_workflow_command() {
    let (dir, file, _) = legacy_project();
    let file = file.to_str().expect("utf-8");
    let mut runs: Vec<Vec<&str>> = Vec::new();
    for format in [
        "human", "concise", "json", "sarif", "github", "gitlab", "junit",
    ] {
        for lang in ["en", "ja"] {
            runs.push(vec![
                "check",
                "--no-config",
                "--format",
                format,
                "--lang",
                lang,
            ]);
        }
    }
    runs.extend([
        vec!["test", "--no-config", "."],
        vec!["coverage", "--no-config", "."],
        vec!["coverage", "--no-config", "--format", "json", "."],
        vec!["graph", file],
        vec!["graph", "--format", "mermaid", file],
        vec!["graph", "--format", "json", "--reach", "課税情報", file],
        vec!["inventory", "--no-config", file],
        vec!["inventory", "--no-config", "--format", "json", file],
        vec!["coverage", "--no-config", file],
        vec!["fmt", "--check", "."],
    ]);
    for args in &runs {
        let o = run(dir.path(), args, &[]);
        let (out, err) = (text(&o.stdout), text(&o.stderr));
        // The input reached the output, escaped.
        let all = format!("{out}{err}");
        assert!(
            ["##\\u{5b}", "##\\\\u{5b}", "##\\u005b"]
                .iter()
                .any(|e| all.contains(e)),
            "{args:?}: {all}"
        );
        assert_eq!(legacy(&out), Vec::<&str>::new(), "{args:?}: {out}");
        assert_eq!(legacy(&err), Vec::<&str>::new(), "{args:?}: {err}");
    }
    // Shown, the `[` escaped: the snippet's comment, the file's name, the
    // quoted name in the message.
    let o = run(dir.path(), &["check", "--no-config"], &[]);
    let out = text(&o.stdout);
    assert!(out.contains("# ##\\u{5b}stop-commands]x"), "{out}");
    assert!(
        out.contains("d##\\u{5b}error]x/a##\\u{5b}stop-commands]x.myna:6:"),
        "{out}"
    );
    assert!(out.contains("##\\u{5b}error]x市町村"), "{out}");
    // A config's value quoted in an error.
    std::fs::write(
        dir.path().join("mynaflow.toml"),
        "lang = \"##[stop-commands]x\"\n",
    )
    .expect("write");
    let o = run(dir.path(), &["check"], &[]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("##\\u{5b}stop-commands]x"), "{err}");
    assert_eq!(legacy(&err), Vec::<&str>::new(), "{err}");
}

#[test]
fn a_json_reader_gets_the_exact_text_back() {
    let (dir, file, label) = legacy_project();
    let file = file.to_str().expect("utf-8");
    let o = run(
        dir.path(),
        &["inventory", "--no-config", "--format", "json", file],
        &[],
    );
    let out = text(&o.stdout);
    assert_eq!(legacy(&out), Vec::<&str>::new(), "{out}");
    assert!(out.contains("##\\u005bstop-commands]x"), "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let labels: Vec<&str> = (v["systems"].as_array().expect("systems").iter())
        .filter_map(|s| s["label"].as_str())
        .collect();
    assert!(labels.contains(&label.as_str()), "{out}");
    // The check's documents parse, their messages' text as the human
    // formats show it (as a control character's is).
    for format in ["json", "sarif", "gitlab"] {
        let o = run(
            dir.path(),
            &["check", "--no-config", "--format", format],
            &[],
        );
        let out = text(&o.stdout);
        let v: serde_json::Value = serde_json::from_str(&out).expect("json");
        assert!(
            v.to_string().contains("##\\\\u{5b}error]x市町村"),
            "{format}: {out}"
        );
    }
}

#[test]
fn no_rulebook_text_holds_a_legacy_workflow_command() {
    let dir = tempfile::tempdir().expect("tempdir");
    let o = run(dir.path(), &["rules", "export", "kenpo"], &[]);
    let kenpo = text(&o.stdout);
    let title = "\"〇〇健康保険組合 個人情報の利用目的\"";
    assert!(kenpo.contains(title), "{kenpo}");
    let evil = kenpo
        .replacen(
            title,
            "\"##[error]x 〇〇健康保険組合 個人情報の利用目的\"",
            1,
        )
        .replacen("\"他の医療", "\"##[stop-commands]x 他の医療", 1);
    std::fs::write(dir.path().join("kenpo.myna"), &kenpo).expect("write");
    std::fs::write(dir.path().join("evil.myna"), &evil).expect("write");
    for args in [
        &["rules", "list", "--rules", "evil.myna"][..],
        &["rules", "show", "--rules", "evil.myna"],
        &["rules", "show", "--rules", "evil.myna", "--format", "json"],
        &["rules", "diff", "kenpo.myna", "evil.myna"],
        &[
            "rules",
            "diff",
            "--format",
            "json",
            "kenpo.myna",
            "evil.myna",
        ],
    ] {
        let o = run(dir.path(), args, &[]);
        let (out, err) = (text(&o.stdout), text(&o.stderr));
        assert_eq!(o.status.code(), Some(0), "{args:?}: {err}");
        assert_eq!(legacy(&out), Vec::<&str>::new(), "{args:?}: {out}");
        assert_eq!(legacy(&err), Vec::<&str>::new(), "{args:?}: {err}");
        assert!(
            out.contains("##\\u{5b}error]x") || out.contains("##\\u005berror]x"),
            "{args:?}: {out}"
        );
    }
}
