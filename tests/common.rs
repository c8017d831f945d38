//! Helpers shared by the integration tests.
#![allow(dead_code)]

use mynaflow::render::{self, Report};
use mynaflow::session::{RulebookSource, Session};
use mynaflow::span::FileId;
use mynaflow::text::Lang;
use std::path::Path;

/// Checks one file (path relative to the package root) with the built-in
/// rulebook and returns the session.
pub fn check(path: &Path) -> Session {
    let mut s = Session::new(RulebookSource::Builtin("kenpo".into()));
    s.check_path(path).expect("readable test file");
    s
}

/// The file [`check`] read: the first one its session added (a rulebook
/// the design uses comes after it).
const CHECKED: &[FileId] = &[FileId(0)];

/// Renders a session of [`check`] with one of the renderers.
pub fn rendered(s: &Session, lang: Lang, f: impl FnOnce(&Report) -> String) -> String {
    let d = s.sorted_diagnostics();
    f(&Report {
        sources: &s.sources,
        diagnostics: &d,
        files: 1,
        checked: CHECKED,
        lang,
    })
}

/// The human rendering of a session, without colour.
pub fn human(s: &Session, lang: Lang) -> String {
    rendered(s, lang, |r| {
        render::human::render_for(r, false, render::human::ambiguous::AmbiguousWidth::Narrow)
    })
}

/// The JSON rendering of a session.
pub fn json(s: &Session, lang: Lang) -> String {
    rendered(s, lang, render::json::render)
}

/// The path relative to the package root, with `/` separators.
pub fn relative(path: &Path) -> std::path::PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// Runs the real binary from the package root, with no locale set, so
/// messages are English unless `--lang` says otherwise.
pub fn mynaflow(args: &[&str]) -> std::process::Output {
    mynaflow_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

/// Runs the real binary in `dir`, with no locale and no `NO_COLOR` set.
pub fn mynaflow_in(dir: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_mynaflow"))
        .args(args)
        .current_dir(dir)
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("NO_COLOR")
        .env_remove(mynaflow::render::human::ambiguous::VARIABLE)
        .output()
        .expect("run mynaflow")
}

/// Standard output as text.
pub fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Insta settings for a snapshot of `input`: stored in tests/snapshots,
/// named after the input file.
pub fn snapshot_settings(input: &Path) -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path("snapshots");
    settings.set_input_file(input);
    settings
}

/// The one clean design whose output is snapshotted in every format: a
/// clean file's output is the same empty report everywhere, so the others
/// are not snapshotted (their `# expect:` lines, run by `mynaflow test`,
/// still pin that they stay clean).
pub const CLEAN_SNAPSHOT: &str = "docs/codes/examples/MN102-wrong-direction.fixed.myna";

/// Should the output of this checked file be snapshotted?
pub fn worth_a_snapshot(s: &Session, rel: &Path) -> bool {
    !s.diagnostics.is_empty() || rel == Path::new(CLEAN_SNAPSHOT)
}

/// How wide an unprivileged process may make a pipe (Linux's
/// `pipe-max-size`); 0 when it cannot be read.
#[cfg(target_os = "linux")]
pub fn pipe_max_size() -> libc::c_int {
    std::fs::read_to_string("/proc/sys/fs/pipe-max-size")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(0)
}

/// Asserts that `size`, a pipe's size after a run, is the 1 MiB the run
/// widened it to, or says, loudly, that this machine cannot widen a pipe
/// that far.
#[cfg(target_os = "linux")]
pub fn assert_widened(size: libc::c_int, what: &str) {
    let max = pipe_max_size();
    if max >= 1 << 20 {
        assert_eq!(size, 1 << 20, "{what} widened to 1 MiB");
    } else {
        skipped(&format!(
            "pipe-max-size is {max}, below 1 MiB: {what} cannot be widened here"
        ));
    }
}

/// Says, loudly, that a test (or a part of one) did not run, and why:
/// written to the terminal even when the test passes (libtest keeps what
/// a passing test prints with `eprintln!`, so the skip would pass in
/// silence), and appended to the file `MYNAFLOW_SKIPPED_LOG` names, which
/// `.ci/run` lists after the tests.
pub fn skipped(why: &str) {
    use std::io::Write;
    let line = format!("SKIPPED: {why}\n");
    let _ = std::io::stderr().write_all(line.as_bytes());
    if let Some(log) = std::env::var_os("MYNAFLOW_SKIPPED_LOG") {
        let appended = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(log);
        if let Ok(mut f) = appended {
            let _ = f.write_all(line.as_bytes());
        }
    }
}

/// Chromium, when it is installed where Debian puts it and runs.
pub fn chromium() -> Option<std::path::PathBuf> {
    let c = std::path::PathBuf::from("/usr/bin/chromium");
    let ok = std::process::Command::new(&c)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    ok.then_some(c)
}

/// Is Graphviz's `dot` installed?
pub fn graphviz() -> bool {
    std::process::Command::new("dot")
        .arg("-V")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// `dot -T<format>` on a DOT text: its output, or why not (a failure, or
/// an error or syntax error on stderr, which `dot` may print and still
/// draw).
pub fn dot(format: &str, text: &str) -> Result<String, String> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new("dot")
        .arg(format!("-T{format}"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    let mut stdin = child.stdin.take().ok_or("no stdin")?;
    stdin
        .write_all(text.as_bytes())
        .map_err(|e| e.to_string())?;
    drop(stdin);
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() || stderr.to_lowercase().contains("error") {
        return Err(format!("{:?}: {stderr}", out.status.code()));
    }
    String::from_utf8(out.stdout).map_err(|e| e.to_string())
}

/// Headless Chromium with a profile of its own in `profile`, nothing
/// fetched or synced, and `budget_ms` of virtual time for a page's
/// scripts; the caller adds what to do and the page.
pub fn headless(chromium: &Path, profile: &Path, budget_ms: u32) -> std::process::Command {
    let mut c = std::process::Command::new(chromium);
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ])
    .arg(format!("--virtual-time-budget={budget_ms}"))
    .arg(format!("--user-data-dir={}", profile.display()));
    c
}
