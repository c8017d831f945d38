//! `mynaflow check` over folders an attacker prepared (a pull request that
//! adds designs, a `mynaflow.toml`, symlinks): nothing from outside the
//! folder is shown, no output forges a workflow command or a terminal
//! sequence, nothing is unbounded, and the gate cannot be passed without
//! checking. Each test runs the real binary in a temporary project.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

/// A secret outside the project that must never be shown.
const SECRET: &str = "hunter2-secret-token";

/// A temporary folder with a project in `proj/` and a secret file beside
/// it, outside the project.
struct Tree {
    _dir: tempfile::TempDir,
    root: PathBuf,
    proj: PathBuf,
    secret: PathBuf,
}

fn tree() -> Tree {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let proj = root.join("proj");
    std::fs::create_dir_all(proj.join("designs")).unwrap();
    let secret = root.join("secret.myna");
    // Reads as a design with errors, so a leak would show its lines.
    std::fs::write(
        &secret,
        format!("flow {SECRET} -> x : y for z\nactor {SECRET}\n"),
    )
    .unwrap();
    Tree {
        _dir: dir,
        root,
        proj,
        secret,
    }
}

/// Runs mynaflow in `dir` with a time limit (a hang fails the test rather
/// than the suite). The output is read while it runs, so a full pipe
/// cannot stall it.
fn run_in(dir: &Path, args: &[&str]) -> Output {
    let child = Command::new(env!("CARGO_BIN_EXE_mynaflow"))
        .args(args)
        .current_dir(dir)
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(o) => o.unwrap(),
        Err(_) => {
            // SAFETY: kill with a pid this test started.
            unsafe { libc::kill(pid as i32, libc::SIGKILL) };
            panic!("mynaflow {args:?} did not finish in 60 s");
        }
    }
}

/// The codes of a `--format json` run's findings, in order.
fn json_codes(o: &Output) -> Vec<String> {
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    (json["diagnostics"].as_array().unwrap().iter())
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

fn all_output(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

const FORMATS: &[&str] = &["human", "json", "sarif", "github", "junit"];

/// A symlink in a checked folder is not followed, and not passed over
/// either: a design replaced by a link (to outside, or to a folder) fails
/// the run, named, with nothing of what it leads to shown.
#[cfg(unix)]
#[test]
fn a_symlink_in_a_checked_folder_is_not_followed() {
    let t = tree();
    std::os::unix::fs::symlink(&t.secret, t.proj.join("designs/evil.myna")).unwrap();
    std::fs::write(t.proj.join("designs/ok.myna"), "use \"kenpo\"\n").unwrap();
    for f in FORMATS {
        let o = run_in(&t.proj, &["check", "designs", "--format", f]);
        let out = all_output(&o);
        assert!(!out.contains(SECRET), "{f}: {out}");
        assert_eq!(o.status.code(), Some(2), "{f}: {out}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("evil.myna") && err.contains("a symlink, not followed"),
            "{f}: {err}"
        );
    }
    // In Japanese too, and for every command that walks a folder.
    let o = run_in(&t.proj, &["check", "designs", "--lang", "ja"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("evil.myna") && err.contains("シンボリックリンクのため辿らず"),
        "{err}"
    );
    // Named on the command line (a workflow that names the files a pull
    // request changed, as pre-commit does), it is not followed either.
    for args in [
        &["check", "designs/evil.myna"][..],
        &[
            "check",
            "designs/ok.myna",
            "designs/evil.myna",
            "--format",
            "json",
        ],
        &["test", "designs/evil.myna"],
        &["graph", "designs/evil.myna"],
        &["inventory", "designs/evil.myna"],
    ] {
        let o = run_in(&t.proj, args);
        let out = all_output(&o);
        assert!(!out.contains(SECRET), "{args:?}: {out}");
        assert_eq!(o.status.code(), Some(2), "{args:?}: {out}");
    }
    for command in ["test", "coverage"] {
        let o = run_in(&t.proj, &[command, "designs"]);
        let out = all_output(&o);
        assert_eq!(o.status.code(), Some(2), "{command}: {out}");
        assert!(
            !out.contains(SECRET) && out.contains("evil.myna"),
            "{command}: {out}"
        );
    }
    // A link to a folder (outside, here) is said as well; a link of any
    // other name to a file is no design and is passed over.
    std::fs::remove_file(t.proj.join("designs/evil.myna")).unwrap();
    std::os::unix::fs::symlink(&t.secret, t.proj.join("designs/notes.txt")).unwrap();
    let o = run_in(&t.proj, &["check", "designs"]);
    assert_eq!(o.status.code(), Some(0), "{}", all_output(&o));
    std::os::unix::fs::symlink(&t.root, t.proj.join("designs/elsewhere")).unwrap();
    let o = run_in(&t.proj, &["check", "designs"]);
    let out = all_output(&o);
    assert_eq!(o.status.code(), Some(2), "{out}");
    assert!(out.contains("elsewhere") && !out.contains(SECRET), "{out}");
    // `fmt` follows no link and writes through none: it says the link
    // and lays out the rest.
    let o = run_in(&t.proj, &["fmt", "--check", "designs"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("warning") && err.contains("elsewhere"),
        "{err}"
    );
    std::fs::remove_file(t.proj.join("designs/elsewhere")).unwrap();
    std::os::unix::fs::symlink(&t.secret, t.proj.join("designs/evil.myna")).unwrap();
    // Asked to follow symlinks, it still never leaves the folder.
    let o = run_in(&t.proj, &["check", "designs", "--follow-symlinks"]);
    let out = all_output(&o);
    assert!(!out.contains(SECRET), "{out}");
    assert!(
        out.contains("evil.myna") && out.contains("outside"),
        "{out}"
    );
    // Inside the tree, a followed symlink is checked.
    std::fs::remove_file(t.proj.join("designs/evil.myna")).unwrap();
    std::fs::create_dir_all(t.proj.join("designs/real")).unwrap();
    std::fs::write(t.proj.join("designs/real/bad.myna"), "flow ->\n").unwrap();
    std::os::unix::fs::symlink(t.proj.join("designs/real"), t.proj.join("designs/link")).unwrap();
    let o = run_in(&t.proj, &["check", "designs", "--follow-symlinks"]);
    assert_eq!(o.status.code(), Some(1), "{}", all_output(&o));
    // Followed, a link to nothing named as a design is said, not passed.
    std::os::unix::fs::symlink(t.proj.join("gone.myna"), t.proj.join("designs/gone.myna")).unwrap();
    let o = run_in(&t.proj, &["check", "designs", "--follow-symlinks"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("gone.myna: a symlink to nothing"), "{err}");
}

/// A pull request that adds a rulebook allowing everything beside the
/// designs and makes them `use` it passes, unless the pinned config names
/// the rulebooks designs may use: then the design is MN013 and the run
/// fails, the added rulebook unread.
#[test]
fn a_rulebook_added_beside_the_designs_is_refused_when_the_config_names_those_allowed() {
    let t = tree();
    // Everything the design does is allowed by this rulebook, and by no
    // rule of kenpo's.
    std::fs::write(
        t.proj.join("designs/lax.myna"),
        "rulebook lax \"x\"\nrole 組合 self \"組合\"\nrole 外部 \"外部\"\n\
         category 情報 mynumber \"情報\"\nsection \"1\" \"x\" mynumber {\n  purpose 何でも \"x\"\n\
         allow 組合 -> 外部 : 情報 for 何でも\n}\n",
    )
    .unwrap();
    std::fs::write(
        t.proj.join("designs/d.myna"),
        "use \"lax.myna\"\nactor 基幹 : 組合\nactor 先 : 外部\ndata 番号 : 情報\n\
         flow 基幹 -> 先 : 番号 for 何でも\n",
    )
    .unwrap();
    let o = run_in(&t.proj, &["check", "--no-config", "designs/d.myna"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "the lax rulebook is followed: {}",
        all_output(&o)
    );
    std::fs::create_dir_all(t.root.join("ci")).unwrap();
    let pinned = t.root.join("ci/mynaflow.toml");
    std::fs::write(&pinned, "rulebooks = [\"kenpo\"]\n").unwrap();
    let pinned = pinned.to_str().unwrap();
    for lang in ["en", "ja"] {
        let o = run_in(
            &t.proj,
            &[
                "check",
                "--config",
                pinned,
                "--lang",
                lang,
                "--format",
                "json",
                "designs/d.myna",
            ],
        );
        let out = all_output(&o);
        assert_eq!(o.status.code(), Some(2), "{out}");
        assert_eq!(json_codes(&o), ["MN013"], "{out}");
        assert!(out.contains("<builtin>/kenpo.myna"), "{out}");
    }
    // The same file allowed by its path is used.
    std::fs::write(
        t.root.join("ci/mynaflow.toml"),
        format!(
            "rulebooks = [\"kenpo\", \"{}\"]\n",
            t.proj.join("designs/lax.myna").display()
        ),
    )
    .unwrap();
    let o = run_in(&t.proj, &["check", "--config", pinned, "designs/d.myna"]);
    assert_eq!(o.status.code(), Some(0), "{}", all_output(&o));
}

/// A pull request can silence its own violation with a suppression; a
/// pinned config's `unsuppressible` bars the codes it names: the
/// suppression is MN501 and silences nothing, and the run fails.
#[test]
fn a_suppression_of_a_code_the_config_bars_silences_nothing() {
    let t = tree();
    let design = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("docs/codes/examples/MN102-wrong-direction.myna"),
    )
    .unwrap()
    .replace(
        "# expect: MN102",
        "# mynaflow: allow MN102 reason=\"照会の向きとして書いた\"",
    );
    std::fs::write(t.proj.join("designs/d.myna"), design).unwrap();
    let o = run_in(&t.proj, &["check", "--no-config", "designs/d.myna"]);
    assert_eq!(o.status.code(), Some(0), "suppressed: {}", all_output(&o));
    std::fs::create_dir_all(t.root.join("ci")).unwrap();
    let pinned = t.root.join("ci/mynaflow.toml");
    std::fs::write(&pinned, "unsuppressible = [\"MN1\"]\n").unwrap();
    let o = run_in(
        &t.proj,
        &[
            "check",
            "--config",
            pinned.to_str().unwrap(),
            "--format",
            "json",
            "designs/d.myna",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", all_output(&o));
    assert_eq!(json_codes(&o), ["MN102", "MN501"], "{}", all_output(&o));
    assert!(all_output(&o).contains("MN102 cannot be suppressed in this project"));

    // Nor can the pull request silence the check by silencing what feeds
    // it: a suppressed misspelt role (MN010) or a suppressed syntax error
    // (MN001) would leave the flow unjudged.
    let base = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("docs/codes/examples/MN102-wrong-direction.myna"),
    )
    .unwrap();
    let flow_line = base
        .lines()
        .find(|l| l.contains("# expect: MN102"))
        .unwrap()
        .to_string();
    let unread = base.replace(
        &flow_line,
        &format!(
            "# mynaflow: allow MN001 reason=\"下書き\"\n{}",
            flow_line
                .replacen(" : ", " ; ", 1)
                .replace("# expect: MN102", "")
        ),
    );
    let decl = base
        .lines()
        .find(|l| l.starts_with("actor") && l.contains(": 他機関"))
        .unwrap()
        .to_string();
    let misspelt = base.replace(
        &decl,
        &format!(
            "# mynaflow: allow MN010 reason=\"改定待ちの名前\"\n{}",
            decl.replace(": 他機関", ": 他機関等")
        ),
    );
    for (design, code) in [(unread, "MN001"), (misspelt, "MN010")] {
        std::fs::write(t.proj.join("designs/d.myna"), &design).unwrap();
        let o = run_in(&t.proj, &["check", "--no-config", "designs/d.myna"]);
        assert_eq!(o.status.code(), Some(0), "{design}{}", all_output(&o));
        let o = run_in(
            &t.proj,
            &[
                "check",
                "--config",
                pinned.to_str().unwrap(),
                "--format",
                "json",
                "designs/d.myna",
            ],
        );
        assert_eq!(o.status.code(), Some(1), "{design}{}", all_output(&o));
        let codes = json_codes(&o);
        let mut errors: Vec<&str> = codes
            .iter()
            .map(String::as_str)
            .filter(|c| *c != "MN012")
            .collect();
        errors.sort_unstable();
        assert_eq!(errors, [code, "MN501"], "{design}{}", all_output(&o));
    }
}

#[test]
fn use_outside_the_project_says_not_found_whatever_is_there() {
    let t = tree();
    let mut messages = Vec::new();
    for target in [
        "../../secret.myna",
        "../../no-such-file.myna",
        "/etc/passwd",
        "/dev/zero",
        "/proc/self/environ",
        "/",
    ] {
        let d = t.proj.join("designs/d.myna");
        std::fs::write(&d, format!("use \"{target}\"\n")).unwrap();
        let o = run_in(&t.proj, &["check", "designs/d.myna", "--format", "json"]);
        let out = all_output(&o);
        assert!(!out.contains(SECRET) && !out.contains("root:"), "{out}");
        assert_eq!(o.status.code(), Some(2), "{target}: {out}");
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let diags = v["diagnostics"].as_array().unwrap();
        let msg = diags[0]["message"].as_str().unwrap().to_string();
        // The message names the path as written and nothing else.
        messages.push(msg.replace(target, "PATH").replace("designs/", ""));
    }
    assert!(
        messages.iter().all(|m| *m == messages[0]),
        "messages differ: {messages:#?}"
    );
    let _ = &t.root;
}

/// A secret outside the project in TOML's terms: its key and value would
/// show in a parse error that quotes the line.
const SECRET_TOML: &str = "hunter2_key = \"hunter2-secret-token\"\n";

/// A `mynaflow.toml` found by search that is not a regular file (a link
/// to a file outside, to `/dev/zero`, a FIFO) fails the run, named, with
/// nothing of what it holds or leads to shown, for every command that
/// looks for one; the search does not go on past it to a config above.
#[cfg(unix)]
#[test]
fn a_found_config_that_is_not_a_regular_file_is_refused() {
    let t = tree();
    let outside = t.root.join("secret.toml");
    std::fs::write(&outside, SECRET_TOML).unwrap();
    std::fs::write(t.proj.join("designs/ok.myna"), "use \"kenpo\"\n").unwrap();
    // A config above that would have been followed had the search gone on.
    std::fs::write(t.proj.join("mynaflow.toml"), "lang = \"en\"\n").unwrap();
    let found = t.proj.join("designs/mynaflow.toml");
    let fifo = || {
        let c = std::ffi::CString::new(found.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: mkfifo with a valid, NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    };
    let cases: [(&str, &dyn Fn()); 3] = [
        ("a symlink", &|| {
            std::os::unix::fs::symlink(&outside, &found).unwrap()
        }),
        ("a symlink", &|| {
            std::os::unix::fs::symlink("/dev/zero", &found).unwrap()
        }),
        ("a FIFO", &fifo),
    ];
    for (kind, make) in cases {
        let _ = std::fs::remove_file(&found);
        make();
        for args in [
            &["check", "designs"][..],
            &["check", "designs", "--format", "sarif"],
            &["test", "designs"],
            &["coverage", "designs"],
            &["graph", "designs/ok.myna"],
        ] {
            let o = run_in(&t.proj, args);
            let out = all_output(&o);
            assert_eq!(o.status.code(), Some(2), "{kind} {args:?}: {out}");
            assert!(!out.contains("hunter2"), "{kind} {args:?}: {out}");
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(
                err.contains(&format!(
                    "designs/mynaflow.toml: {kind}, not a regular file: a mynaflow.toml found by search is read only when it is one"
                )),
                "{kind} {args:?}: {err}"
            );
            assert!(!err.contains("mynaflow: config:"), "none followed: {err}");
        }
        let o = run_in(&t.proj, &["check", "designs", "--lang", "ja"]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("designs/mynaflow.toml: ")
                && err.contains("であり、通常のファイルではありません"),
            "{err}"
        );
        // Naming the config, or none, is the way past it.
        let o = run_in(&t.proj, &["check", "designs", "--no-config"]);
        assert_eq!(o.status.code(), Some(0), "{}", all_output(&o));
    }
}

/// A config's parse error quotes its lines only when it is a regular file
/// inside the folder the run started in: one named with `--config` that is
/// a link, or that lies outside, is said by line and column alone.
#[cfg(unix)]
#[test]
fn a_config_error_quotes_only_a_regular_file_inside_the_project() {
    let t = tree();
    let outside = t.root.join("secret.toml");
    std::fs::write(&outside, SECRET_TOML).unwrap();
    std::fs::write(t.proj.join("designs/ok.myna"), "use \"kenpo\"\n").unwrap();
    std::os::unix::fs::symlink(&outside, t.proj.join("linked.toml")).unwrap();
    let outside_arg = outside.display().to_string();
    for config in ["linked.toml", outside_arg.as_str()] {
        let o = run_in(&t.proj, &["check", "designs", "--config", config]);
        let out = all_output(&o);
        assert_eq!(o.status.code(), Some(2), "{config}: {out}");
        assert!(!out.contains("hunter2"), "{config}: {out}");
        assert!(
            out.contains("line 1, column 1: not valid TOML")
                && out.contains("its text is not shown"),
            "{config}: {out}"
        );
    }
    // The project's own file is quoted, to be fixed.
    std::fs::write(t.proj.join("own.toml"), SECRET_TOML).unwrap();
    let o = run_in(&t.proj, &["check", "designs", "--config", "own.toml"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("1 | hunter2_key"), "{err}");
    // A config found above the folder the run started in is not quoted
    // either: it is outside the project.
    std::fs::write(t.root.join("mynaflow.toml"), SECRET_TOML).unwrap();
    std::fs::remove_file(t.proj.join("own.toml")).unwrap();
    let o = run_in(&t.proj.join("designs"), &["check", "."]);
    let out = all_output(&o);
    assert_eq!(o.status.code(), Some(2), "{out}");
    assert!(!out.contains("hunter2"), "{out}");
}

#[cfg(unix)]
#[test]
fn a_fifo_or_device_named_on_the_command_line_is_refused() {
    let t = tree();
    let fifo = t.proj.join("pipe.myna");
    let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: mkfifo with a valid, NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    let o = run_in(&t.proj, &["check", "pipe.myna"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("pipe.myna") && err.contains("FIFO"), "{err}");
    // As a rulebook too: refused, not read for ever.
    for rules in ["/dev/zero", "pipe.myna"] {
        let o = run_in(&t.proj, &["check", "--rules", rules, "--no-config", "."]);
        assert_eq!(o.status.code(), Some(2), "{}", all_output(&o));
    }
    // Met in a folder, it is refused by name too (before, passed over),
    // in Japanese as in English.
    std::fs::write(t.proj.join("designs/ok.myna"), "use \"kenpo\"\n").unwrap();
    let o = run_in(&t.proj, &["check", "."]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("pipe.myna: a FIFO, not a file; not read"),
        "{err}"
    );
    let o = run_in(&t.proj, &["check", "--lang", "ja", "."]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("pipe.myna: FIFOであり、ファイルではないため読みません"),
        "{err}"
    );
}

#[test]
fn a_binary_file_is_refused_without_its_content() {
    let t = tree();
    let mut bytes = b"flow leaked-line -> x\n".to_vec();
    bytes.extend(std::iter::repeat_n(0u8, 1 << 20));
    std::fs::write(t.proj.join("nul.myna"), &bytes).unwrap();
    let mut garbage = b"flow leaked-line -> x\n".to_vec();
    garbage.extend([0xff, 0xfe, 0x80, 0x81]);
    std::fs::write(t.proj.join("garbage.myna"), &garbage).unwrap();
    for f in FORMATS {
        let o = run_in(
            &t.proj,
            &["check", "nul.myna", "garbage.myna", "--format", f],
        );
        let out = all_output(&o);
        // Neither was checked (MN005): the run could not do its job.
        assert_eq!(o.status.code(), Some(2), "{f}: {out}");
        // SARIF carries every rule's description: a fixed 140 kB or so.
        assert!(out.len() < 400_000, "{f}: {} bytes of output", out.len());
        assert!(!out.contains("leaked-line"), "{f}: {out}");
        assert!(out.contains("MN005"), "{f}: {out}");
    }
}

#[test]
fn repeated_findings_are_capped_per_code() {
    let t = tree();
    std::fs::write(t.proj.join("ctl.myna"), vec![1u8; 1 << 20]).unwrap();
    let o = run_in(&t.proj, &["check", "ctl.myna", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.len() < 1_000_000, "{} bytes", o.stdout.len());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let diags = v["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 101);
    let last = diags.last().unwrap()["message"].as_str().unwrap();
    assert!(
        last.contains(&format!("{} more MN004", (1 << 20) - 100)),
        "{last}"
    );
    // The totals count every finding, not only those shown.
    assert_eq!(v["summary"]["errors"], serde_json::json!(1 << 20));
    let o = run_in(&t.proj, &["check", "ctl.myna"]);
    let human = String::from_utf8_lossy(&o.stdout);
    assert!(
        human
            .trim_end()
            .ends_with("1048576 errors, 0 warnings in 1 file"),
        "{}",
        &human[human.len().saturating_sub(200)..]
    );
}

/// A design that tries to forge workflow commands and terminal sequences
/// from a string, a comment, a name and a lone CR.
const FORGERY: &str = "use \"kenpo\"\n\
actor 市 : 市町村 \"a\u{1b}]0;title\u{7}b\"\n\
flow 市 -> x\r::error file=x::forged\r\n\
# \u{1b}[2J\u{1b}[31mred \u{9b}31m \u{202e}evil\n\
# \r::add-mask::secret\n\
# \r::stop-commands::token\n\
flow 市\u{b}-> 組合 : y\u{85} for z\u{c}\n";

fn assert_no_raw_controls(out: &str, what: &str) {
    for (i, c) in out.char_indices() {
        let lone_cr = c == '\r' && !out[i..].starts_with("\r\n");
        let bad = lone_cr
            || (c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        assert!(!bad, "{what}: raw U+{:04X} at {i}", c as u32);
    }
}

#[test]
fn no_output_carries_a_control_character_or_forges_a_command() {
    let t = tree();
    std::fs::write(t.proj.join("forge.myna"), FORGERY).unwrap();
    let name = "esc\u{1b}[31m\rname.myna";
    std::fs::write(t.proj.join(name), FORGERY).unwrap();
    for f in FORMATS {
        for lang in ["en", "ja"] {
            let o = run_in(
                &t.proj,
                &[
                    "check",
                    "forge.myna",
                    name,
                    "--format",
                    f,
                    "--lang",
                    lang,
                    "--color",
                    "never",
                ],
            );
            let out = all_output(&o);
            assert_eq!(o.status.code(), Some(1), "{f}: {out}");
            assert_no_raw_controls(&out, f);
            if *f == "github" {
                for line in String::from_utf8_lossy(&o.stdout).lines() {
                    assert!(
                        !line.starts_with("::")
                            || line.starts_with("::error file=")
                            || line.starts_with("::warning file=")
                            // the tool's own count of annotations GitHub hides
                            || (line.starts_with("::notice title=mynaflow::")
                                && (line.contains("annotations are not shown")
                                    || line.contains("件は表示されません"))),
                        "forged: {line}"
                    );
                }
            }
        }
    }
    // VT, FF and NEL are MN004 (three of them above).
    let o = run_in(&t.proj, &["check", "forge.myna", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let mn004: Vec<String> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "MN004")
        .map(|d| d["message"].to_string())
        .collect();
    for c in ["U+000B", "U+000C", "U+0085"] {
        assert!(mn004.iter().any(|m| m.contains(c)), "{c}: {mn004:?}");
    }
    // The diagram formats escape too.
    for f in ["dot", "mermaid"] {
        let o = run_in(&t.proj, &["graph", "forge.myna", "--format", f]);
        assert_no_raw_controls(&all_output(&o), f);
    }
    // And every other command's notes and errors, which name the file.
    for args in [
        &["inventory", name, "--format", "json"][..],
        &["inventory", name, "--format", "md"],
        &["fmt", "--check", name],
        &["coverage", name],
        &["coverage", name, "--format", "json"],
        &["test", name],
    ] {
        let o = run_in(&t.proj, args);
        let out = all_output(&o);
        assert_no_raw_controls(&out, args[0]);
        assert!(out.contains("esc"), "{args:?} names the file: {out}");
    }
}

#[test]
fn rules_diff_impact_output_is_escaped() {
    // The flow that changes verdict carries a `basis` string with a bidi
    // override, BEL and an escape sequence, in a file whose name has some.
    // The rulebooks' names have some too.
    let t = tree();
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/rulediff");
    let rules = ["old\u{1b}[2J.myna", "new\u{202e}.myna"];
    for (r, to) in ["old.myna", "new.myna"].iter().zip(rules) {
        std::fs::copy(case.join(r), t.root.join(to)).unwrap();
    }
    let design = std::fs::read_to_string(case.join("design.myna"))
        .unwrap()
        .replace("use \"old.myna\"\n", "")
        .replace(
            "for 保険料還付 via 情報提供NWS",
            "for 保険料還付 via 情報提供NWS basis \"a\u{202e}b\u{7}c\u{1b}[31m\"",
        );
    std::fs::write(t.proj.join("designs/d\u{202e}x\u{1b}.myna"), design).unwrap();
    let rules = rules.map(|r| t.root.join(r).to_string_lossy().into_owned());
    for f in ["human", "json"] {
        for lang in ["en", "ja"] {
            let args = ["rules", "diff", &rules[0], &rules[1], "--impact", "designs"];
            let o = run_in(
                &t.proj,
                &[&args[..], &["--format", f, "--lang", lang]].concat(),
            );
            let out = all_output(&o);
            assert_eq!(o.status.code(), Some(0), "{f}: {out}");
            assert_no_raw_controls(&out, f);
            assert!(out.contains("basis"), "the flow is listed: {out}");
            assert!(out.contains("202e"), "{out}");
        }
    }
}

#[test]
fn a_suppression_cannot_hide_a_missing_rulebook() {
    let t = tree();
    std::fs::write(
        t.proj.join("d.myna"),
        "# mynaflow: allow MN013 reason=\"trust me\"\nuse \"nope.myna\"\n",
    )
    .unwrap();
    let o = run_in(&t.proj, &["check", "d.myna"]);
    let out = all_output(&o);
    assert_eq!(o.status.code(), Some(2), "{out}");
    assert!(out.contains("MN013") && out.contains("MN501"), "{out}");
}

#[test]
fn a_config_below_the_start_cannot_exclude_a_named_file() {
    let t = tree();
    std::fs::write(t.proj.join("designs/bad.myna"), "flow ->\n").unwrap();
    std::fs::write(t.proj.join("designs/mynaflow.toml"), "exclude = [\"**\"]\n").unwrap();
    let o = run_in(&t.proj, &["check", "designs/bad.myna"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("config:") && err.contains("mynaflow.toml"),
        "{err}"
    );
    // --no-config reads none.
    let o = run_in(&t.proj, &["check", "--no-config", "designs/bad.myna"]);
    assert!(!String::from_utf8_lossy(&o.stderr).contains("config:"));
    assert_eq!(o.status.code(), Some(1));
    // Nor can it name a rulebook outside the project.
    std::fs::write(
        t.proj.join("designs/mynaflow.toml"),
        format!("rules = \"{}\"\n", t.secret.display()),
    )
    .unwrap();
    let o = run_in(&t.proj, &["check", "designs/bad.myna"]);
    let out = all_output(&o);
    assert_eq!(o.status.code(), Some(2), "{out}");
    assert!(!out.contains(SECRET), "{out}");
}

#[cfg(unix)]
#[test]
fn writes_never_follow_a_symlink_at_the_destination() {
    let t = tree();
    std::fs::write(t.proj.join("d.myna"), "flow ->\n").unwrap();
    let keep = std::fs::read(&t.secret).unwrap();
    std::os::unix::fs::symlink(&t.secret, t.proj.join("baseline.json")).unwrap();
    let o = run_in(
        &t.proj,
        &["check", "d.myna", "--write-baseline", "baseline.json"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", all_output(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("symlink"));
    assert_eq!(std::fs::read(&t.secret).unwrap(), keep);
    // fmt: a named symlink is refused too, and the target is untouched.
    std::fs::write(t.root.join("outside.myna"), "actor a ： b\n").unwrap();
    std::os::unix::fs::symlink(t.root.join("outside.myna"), t.proj.join("link.myna")).unwrap();
    let o = run_in(&t.proj, &["fmt", "link.myna"]);
    assert_eq!(o.status.code(), Some(2), "{}", all_output(&o));
    assert_eq!(
        std::fs::read_to_string(t.root.join("outside.myna")).unwrap(),
        "actor a ： b\n"
    );
    // A real baseline is written whole, with no temporary left behind.
    let o = run_in(&t.proj, &["check", "d.myna", "--write-baseline", "b2.json"]);
    assert_eq!(o.status.code(), Some(0), "{}", all_output(&o));
    let leftovers = std::fs::read_dir(&t.proj)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".tmp")
        })
        .count();
    assert_eq!(leftovers, 0);
}

#[test]
fn impossible_dates_are_errors() {
    let t = tree();
    std::fs::write(
        t.proj.join("d.myna"),
        "use \"kenpo\"\nactor 市 : 市町村   # mynaflow: allow MN012 reason=\"x\" until=2027-02-30\n",
    )
    .unwrap();
    let o = run_in(&t.proj, &["check", "d.myna"]);
    let out = all_output(&o);
    assert!(out.contains("MN501") && out.contains("2027-02-30"), "{out}");
    std::fs::write(t.proj.join("r.myna"), "rulebook r revised 2023-02-29\n").unwrap();
    let o = run_in(&t.proj, &["check", "r.myna"]);
    let out = all_output(&o);
    assert!(out.contains("MN001") && out.contains("2023-02-29"), "{out}");
}

#[test]
fn the_iconv_help_quotes_the_file_name_for_the_shell() {
    let t = tree();
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("actor 組合 : 組合\n");
    let name = "it's $(rm -rf x).myna";
    std::fs::write(t.proj.join(name), &sjis).unwrap();
    let o = run_in(&t.proj, &["check", name, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let help = v["diagnostics"][0]["notes"].to_string();
    let cmd = help
        .split("convert it: ")
        .nth(1)
        .and_then(|s| s.split(" > ").next())
        .unwrap_or_else(|| panic!("{v}"));
    let cmd = serde_json::from_str::<String>(&format!("\"{cmd}\"")).unwrap();
    let words = shlex::split(&cmd).unwrap();
    assert_eq!(words.last().map(String::as_str), Some(name), "{cmd}");
}

#[cfg(unix)]
#[test]
fn an_unreadable_sub_folder_is_reported_and_the_walk_goes_on() {
    use std::os::unix::fs::PermissionsExt;
    let t = tree();
    std::fs::create_dir_all(t.proj.join("designs/locked")).unwrap();
    std::fs::write(t.proj.join("designs/z.myna"), "flow ->\n").unwrap();
    // Root reads any folder: as root (CI), the run is made as `nobody`
    // (setpriv), with the tree and a copy of the binary open to it.
    // SAFETY: geteuid has no preconditions.
    let as_root = unsafe { libc::geteuid() } == 0;
    let binary = t.root.join("mynaflow");
    if as_root {
        if Command::new("setpriv").arg("--version").output().is_err() {
            common::skipped(
                "an_unreadable_sub_folder_is_reported_and_the_walk_goes_on: root reads any folder, and `setpriv` (util-linux) is not installed to run it as nobody",
            );
            return;
        }
        std::fs::copy(env!("CARGO_BIN_EXE_mynaflow"), &binary).unwrap();
        for open in [&t.root, &t.proj, &t.proj.join("designs"), &binary] {
            std::fs::set_permissions(open, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        std::fs::set_permissions(
            t.proj.join("designs/z.myna"),
            std::fs::Permissions::from_mode(0o644),
        )
        .unwrap();
    }
    std::fs::set_permissions(
        t.proj.join("designs/locked"),
        std::fs::Permissions::from_mode(0o000),
    )
    .unwrap();
    let o = if as_root {
        Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(&binary)
            .args(["check", "designs"])
            .current_dir(&t.proj)
            .env_remove("LANG")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("HOME", &t.root)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    } else {
        run_in(&t.proj, &["check", "designs"])
    };
    let out = all_output(&o);
    std::fs::set_permissions(
        t.proj.join("designs/locked"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    assert_eq!(o.status.code(), Some(2), "{out}");
    assert!(out.contains("locked") && out.contains("MN001"), "{out}");
}

#[test]
fn fingerprints_do_not_depend_on_how_the_path_is_spelled() {
    let t = tree();
    std::fs::write(
        t.proj.join("designs/x.myna"),
        "use \"kenpo\"\nflow a -> b\n",
    )
    .unwrap();
    let abs = t.proj.join("designs/x.myna").display().to_string();
    let prints = |path: &str| {
        let o = run_in(&t.proj, &["check", path, "--format", "sarif"]);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        v["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["partialFingerprints"].to_string())
            .collect::<Vec<_>>()
    };
    let a = prints("designs/x.myna");
    assert!(!a.is_empty());
    assert_eq!(a, prints("./designs/x.myna"));
    assert_eq!(a, prints(&abs));
}

#[test]
fn mynaflow_test_output_is_escaped() {
    let t = tree();
    let evil = "\u{1b}[31m\u{9b}2J\r::error file=x::forged\u{202e}";
    // An annotation that cannot be read is quoted in the output.
    let bad = format!("use \"kenpo\"\nactor 基幹 : 組合 # expect: MN1{evil}\n");
    std::fs::write(t.proj.join(format!("bad{evil}.myna")), bad).unwrap();
    // A finding not expected (on a line that carries the same) and one
    // expected but not reported.
    let wrong = format!(
        "use \"kenpo\"\nactor 基幹 : 組合\nflow 基幹 -> 市{evil} : 資格 for 資格確認\n\
         actor 予備 : 組合 # expect: MN102\n"
    );
    std::fs::write(t.proj.join(format!("wrong{evil}.myna")), wrong).unwrap();
    for lang in ["en", "ja"] {
        let o = run_in(&t.proj, &["test", ".", "--lang", lang]);
        let out = all_output(&o);
        assert_eq!(o.status.code(), Some(1), "{out}");
        // The missing MN102 and the unexpected findings are listed.
        assert!(out.contains("MN102") && out.contains("MN012"), "{out}");
        assert_no_raw_controls(&out, "mynaflow test");
        assert!(
            !out.lines().any(|l| l.starts_with("::")),
            "forged a workflow command:\n{out}"
        );
    }
    // `--update` names the files it rewrites and the annotations it cannot.
    let o = run_in(&t.proj, &["test", "--update", "."]);
    let out = all_output(&o);
    assert!(out.contains("updated"), "{out}");
    assert_no_raw_controls(&out, "mynaflow test --update");
}

/// A `mynaflow.toml` in the tree (a pull request can add one) whose
/// `exclude` takes out every design found cannot pass the gate: every
/// command that walks the designs fails (2), names the config, and says
/// that nothing was checked; SARIF says the run did not succeed. Pinned
/// with `--config`, such a config fails the run too: a gate that checked
/// nothing never passes. A config that leaves any design is followed as
/// before.
#[test]
fn a_config_that_excludes_every_design_fails_the_run() {
    let t = tree();
    // A design with an error: the gate must not pass it unchecked.
    std::fs::write(t.proj.join("designs/bad.myna"), "flow ->\n").unwrap();
    std::fs::write(t.proj.join("designs/ok.myna"), "use \"kenpo\"\n").unwrap();
    std::fs::write(t.proj.join("mynaflow.toml"), "exclude = [\"**\"]\n").unwrap();
    let said =
        "mynaflow.toml: its `exclude` leaves out all 2 design(s) found, so nothing was checked";
    let report = t.root.join("report.html");
    let report = report.to_str().unwrap();
    let runs: [&[&str]; 8] = [
        &["check"],
        &["check", "designs"],
        &["check", "designs/bad.myna", "designs/ok.myna"],
        &["check", "--format", "json", "designs"],
        &["test", "designs"],
        &["test", "--update", "designs"],
        &["coverage", "designs"],
        &["report", "designs", "-o", report],
    ];
    for args in runs {
        let o = run_in(&t.proj, args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", all_output(&o));
        assert!(err.contains(said), "{args:?}: {err}");
    }
    assert!(!Path::new(report).exists(), "no page of nothing");
    // SARIF: a valid log of a run that did not succeed, and why.
    let o = run_in(&t.proj, &["check", "--format", "sarif", "designs"]);
    assert_eq!(o.status.code(), Some(2));
    let log: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false, "{invocation}");
    assert!(
        invocation.to_string().contains("nothing was checked"),
        "{invocation}"
    );
    // In Japanese too.
    let o = run_in(&t.proj, &["check", "--lang", "ja", "designs"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("mynaflow.toml: `exclude` が見つかった設計 2 件をすべて除外したため、何も検査していません"),
        "{err}"
    );
    // Pinned, the same config fails the run as well.
    std::fs::rename(t.proj.join("mynaflow.toml"), t.root.join("pinned.toml")).unwrap();
    let pinned = t.root.join("pinned.toml");
    let o = run_in(
        &t.proj,
        &["check", "--config", pinned.to_str().unwrap(), "designs"],
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("pinned.toml: its `exclude` leaves out all 2 design(s) found"),
        "{err}"
    );
    // One that leaves a design checks it, and says what it took out.
    std::fs::write(t.proj.join("mynaflow.toml"), "exclude = [\"**/ok.myna\"]\n").unwrap();
    let o = run_in(&t.proj, &["check", "designs"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "bad.myna checked: {err}");
    assert!(
        err.contains("excludes 1 design(s) found; not checked"),
        "{err}"
    );
    // A folder with no design at all fails as it did, config or none.
    std::fs::create_dir(t.proj.join("empty")).unwrap();
    for extra in [&[][..], &["--no-config"]] {
        let o = run_in(&t.proj, &[&["check", "empty"][..], extra].concat());
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(
            err.contains("empty: no design (*.myna) found here"),
            "{err}"
        );
    }
}

/// A design named on the command line that cannot be read (a FIFO) is a
/// run that could not do its job: `test` exits 2 as `check` does, and says
/// why, in both languages (it exited 1, as for a design that failed);
/// so does `test --update`.
#[cfg(unix)]
#[test]
fn a_design_that_cannot_be_read_makes_test_exit_2_as_check_does() {
    let t = tree();
    std::fs::write(t.proj.join("designs/ok.myna"), "use \"kenpo\"\n").unwrap();
    let fifo = t.proj.join("designs/fifo.myna");
    let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: mkfifo with a valid, NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    for (lang, said) in [
        ("en", "mynaflow: error: 1 file(s) could not be read"),
        ("ja", "1 件のファイルを読めませんでした"),
    ] {
        let o = run_in(
            &t.proj,
            &[
                "test",
                "designs/ok.myna",
                "designs/fifo.myna",
                "--lang",
                lang,
            ],
        );
        let out = all_output(&o);
        assert_eq!(o.status.code(), Some(2), "{out}");
        assert!(String::from_utf8_lossy(&o.stderr).contains(said), "{out}");
        let check = run_in(&t.proj, &["check", "designs/fifo.myna", "--lang", lang]);
        assert_eq!(check.status.code(), Some(2), "{}", all_output(&check));
        let update = run_in(
            &t.proj,
            &["test", "--update", "designs/fifo.myna", "--lang", lang],
        );
        assert_eq!(update.status.code(), Some(2), "{}", all_output(&update));
    }
}
