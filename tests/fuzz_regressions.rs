//! Replays the committed regression corpus (`tests/fuzz-corpus/`: inputs
//! the fuzzers of `fuzz/` found, and the hostile inputs of issue 12)
//! through the real binary, in every output format, with a time and a
//! memory bound: each run must end in 60 s within 2 GiB of address space,
//! with exit status 0, 1 or 2 (never a panic, which is 101), and print no
//! raw control character.
//!
//! To add a crash the fuzzers found: copy it from `fuzz/artifacts/TARGET/`
//! into `tests/fuzz-corpus/` with a name that says what it is.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

const FORMATS: &[&str] = &["human", "json", "sarif", "github", "junit"];

/// Address space a run may use (checked by the kernel, not by us).
const MEMORY_BYTES: u64 = 2 << 30;

fn corpus() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-corpus");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/fuzz-corpus")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// Runs mynaflow with the bounds; panics if it does not finish in time.
fn bounded(args: &[&str], dir: &Path) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mynaflow"));
    cmd.args(args)
        .current_dir(dir)
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // SAFETY: setrlimit is async-signal-safe, and only touches the child.
        unsafe {
            cmd.pre_exec(|| {
                let limit = libc::rlimit {
                    rlim_cur: MEMORY_BYTES,
                    rlim_max: MEMORY_BYTES,
                };
                if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
    let child = cmd.spawn().expect("run mynaflow");
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(o) => o.expect("output"),
        Err(_) => {
            // SAFETY: kill with a pid this test started.
            unsafe { libc::kill(pid as i32, libc::SIGKILL) };
            panic!("mynaflow {args:?} did not finish in 60 s");
        }
    }
}

#[test]
fn the_regression_corpus_replays_cleanly() {
    let files = corpus();
    assert!(files.len() >= 10, "the corpus is missing");
    let work = tempfile::tempdir().expect("tempdir");
    for f in &files {
        // Each input is checked as a design in a folder of its own, as the
        // fuzzers see it.
        let name = f.file_name().expect("name").to_string_lossy().into_owned();
        let copy = work.path().join(&name);
        std::fs::copy(f, &copy).expect("copy");
        for format in FORMATS {
            let o = bounded(
                &["check", "--no-config", "--format", format, &name],
                work.path(),
            );
            let code = o.status.code();
            assert!(
                matches!(code, Some(0..=2)),
                "{name} ({format}): exit {code:?}\n{}",
                String::from_utf8_lossy(&o.stderr)
            );
            let out = String::from_utf8_lossy(&o.stdout);
            for (i, c) in out.char_indices() {
                let lone_cr = c == '\r' && !out[i..].starts_with("\r\n");
                let control = c.is_control() && !matches!(c, '\n' | '\t' | '\r');
                assert!(
                    !(lone_cr || control),
                    "{name} ({format}): raw U+{:04X} in the output",
                    c as u32
                );
            }
            if matches!(*format, "json" | "sarif") {
                serde_json::from_slice::<serde_json::Value>(&o.stdout)
                    .unwrap_or_else(|e| panic!("{name} ({format}): {e}"));
            }
        }
        // As a rulebook, too.
        let o = bounded(
            &["check", "--no-config", "--rules", &name, "."],
            work.path(),
        );
        assert!(matches!(o.status.code(), Some(0..=2)), "{name} as --rules");
        std::fs::remove_file(&copy).expect("remove");
    }
}
