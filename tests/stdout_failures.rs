//! Every command whose output goes to standard output fails (exit status
//! 2) when it cannot write it, and never panics: into a full device it
//! says so on one line of standard error, in the run's language; into a
//! pipe whose reader has gone (`| head`) it says nothing. Each test runs
//! the real binary.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The design the commands read.
const DESIGN: &str = "examples/kenpo-society.myna";

/// A design with findings, so that every format of `check` has something
/// to write.
const FAULTY: &str = "examples/vendor-proposal.myna";

/// Which argument of a command is a file made fresh for each run (a
/// command that rewrites it).
enum Fresh {
    /// None: the command only reads.
    No,
    /// A design laid out badly (`fmt`).
    Unformatted,
    /// A copy of [`DESIGN`] without its annotations (`test --update`).
    Unannotated,
}

/// Every command that writes to standard output, with arguments that make
/// it write something. `report` writes only the file of its `-o` and `lsp`
/// speaks its protocol (`tests/lsp.rs`): neither is here. `{}` stands for
/// the fresh file.
fn commands() -> Vec<(Vec<&'static str>, Fresh)> {
    let read = |args: &[&'static str]| (args.to_vec(), Fresh::No);
    vec![
        read(&["check", FAULTY]),
        read(&["check", "--format", "concise", FAULTY]),
        read(&["check", "--format", "json", FAULTY]),
        read(&["check", "--format", "sarif", FAULTY]),
        read(&["check", "--format", "github", FAULTY]),
        read(&["check", "--format", "gitlab", FAULTY]),
        read(&["check", "--format", "junit", FAULTY]),
        read(&["check", "--statistics", FAULTY]),
        read(&["test", DESIGN]),
        (vec!["test", "--update", "{}"], Fresh::Unannotated),
        read(&["explain"]),
        read(&["explain", "MN102"]),
        (vec!["fmt", "{}"], Fresh::Unformatted),
        (vec!["fmt", "--check", "{}"], Fresh::Unformatted),
        read(&["graph", DESIGN]),
        read(&["graph", "--format", "mermaid", DESIGN]),
        read(&["graph", "--reach", "課税情報", "--format", "json", DESIGN]),
        read(&["inventory", DESIGN]),
        read(&["inventory", "--format", "json", DESIGN]),
        read(&["coverage", DESIGN]),
        read(&["coverage", "--format", "json", DESIGN]),
        read(&["rules", "list"]),
        read(&["rules", "show"]),
        read(&["rules", "show", "--format", "json"]),
        read(&["rules", "show", "7(1)"]),
        read(&["rules", "export", "kenpo"]),
        read(&["rules", "diff", "kenpo", "kenpo"]),
        read(&["rules", "check"]),
        read(&["completions", "bash"]),
        read(&["--help"]),
        read(&["check", "--help"]),
        read(&["--version"]),
    ]
}

/// The arguments with the fresh file, if any, made in `dir`.
fn arguments(args: &[&str], fresh: &Fresh, dir: &Path) -> Vec<String> {
    let file = dir.join("fresh.myna");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    match fresh {
        Fresh::No => {}
        Fresh::Unformatted => {
            std::fs::write(&file, "actor   市町村 :   他機関\n").expect("write a design");
        }
        Fresh::Unannotated => {
            std::fs::copy(root.join(DESIGN), &file).expect("copy a design");
        }
    }
    args.iter()
        .map(|a| match *a {
            "{}" => file.display().to_string(),
            a => a.to_string(),
        })
        .collect()
}

/// Runs `args` from the package root, standard output to `stdout`, with no
/// locale set.
fn run(args: &[String], stdout: Stdio) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mynaflow"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        // `check --format github` would add to the job summary of CI.
        .env_remove("GITHUB_STEP_SUMMARY")
        .stdin(Stdio::null())
        .stdout(stdout)
        .output()
        .expect("run mynaflow")
}

/// `/dev/full`, opened for writing, or `None` (said loudly) on a system
/// without it.
fn full_device() -> Option<std::fs::File> {
    match std::fs::OpenOptions::new().write(true).open("/dev/full") {
        Ok(f) => Some(f),
        Err(e) => {
            common::skipped(&format!("/dev/full cannot be opened for writing ({e})"));
            None
        }
    }
}

/// Standard error as text.
fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A folder for the fresh files of one test.
fn scratch() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().to_path_buf();
    (dir, path)
}

#[test]
fn every_command_fails_with_a_message_when_standard_output_is_full() {
    let (_keep, dir) = scratch();
    for (args, fresh) in commands() {
        let Some(full) = full_device() else { return };
        let args = arguments(&args, &fresh, &dir);
        let o = run(&args, Stdio::from(full));
        let err = stderr(&o);
        assert!(!err.contains("panicked"), "{args:?} panicked:\n{err}");
        assert_eq!(o.status.code(), Some(2), "{args:?}:\n{err}");
        let said: Vec<&str> = err
            .lines()
            .filter(|l| l.contains("standard output"))
            .collect();
        assert_eq!(
            said,
            ["mynaflow: error: standard output: No space left on device (os error 28)"],
            "{args:?}: one line says why:\n{err}"
        );
    }
}

#[test]
fn a_full_standard_output_is_said_in_the_runs_language() {
    let Some(full) = full_device() else { return };
    let args = ["check", "--lang", "ja", DESIGN].map(String::from);
    let o = run(&args, Stdio::from(full));
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("mynaflow: エラー: 標準出力: ディスクの空きがありません (OS エラー 28)"),
        "{err}"
    );
    assert!(!err.contains("standard output"), "{err}");
}

#[test]
fn every_command_fails_in_silence_when_its_reader_has_gone() {
    let (_keep, dir) = scratch();
    for (args, fresh) in commands() {
        let args = arguments(&args, &fresh, &dir);
        let (reader, writer) = std::io::pipe().expect("a pipe");
        // The reader gone before the first write: every write fails.
        drop(reader);
        let o = run(&args, Stdio::from(writer));
        let err = stderr(&o);
        assert!(!err.contains("panicked"), "{args:?} panicked:\n{err}");
        assert_eq!(o.status.code(), Some(2), "{args:?}:\n{err}");
        assert!(
            !err.contains("standard output"),
            "{args:?}: a reader that stopped reading is not an error to say:\n{err}"
        );
    }
}

/// A command that rewrites files stops once it cannot say which it
/// rewrote: `fmt` rewrites its batch (the files it says at once), then
/// ends the run.
#[test]
fn fmt_stops_after_its_batch_when_it_cannot_say_what_it_rewrote() {
    let Some(full) = full_device() else { return };
    let (_keep, dir) = scratch();
    let args = arguments(&["fmt", "{}"], &Fresh::Unformatted, &dir);
    let o = run(&args, Stdio::from(full));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let text = std::fs::read_to_string(dir.join("fresh.myna")).expect("read");
    assert_eq!(text, "actor 市町村 : 他機関\n", "the batch was rewritten");
}
