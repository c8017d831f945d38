//! Bad input gets a clear diagnostic, never a panic or a hang: truncated
//! and byte-mangled copies of every example, and pathological inputs.

#[path = "../benches/generate/mod.rs"]
mod generate;

use mynaflow::session::{RulebookSource, Session};
use std::process::Command;

fn examples() -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = ["examples", "docs/codes/examples"]
        .iter()
        .flat_map(|d| std::fs::read_dir(d).expect("an examples folder"))
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "myna"))
        .map(|p| (p.display().to_string(), std::fs::read(&p).expect("read")))
        .collect();
    v.sort();
    v
}

fn check(name: &str, bytes: &[u8]) -> Session {
    let mut s = Session::new(RulebookSource::Builtin("kenpo".into()));
    let checked = s.check_bytes(name, bytes, None);
    // Rendering must not panic either, in any format.
    let d = s.sorted_diagnostics();
    let files = [checked.file];
    let report = mynaflow::render::Report {
        sources: &s.sources,
        diagnostics: &d,
        files: 1,
        checked: &files,
        lang: mynaflow::text::Lang::Ja,
    };
    let _ = mynaflow::render::human::render(&report, true);
    let _ = mynaflow::render::json::render(&report);
    let _ = mynaflow::render::sarif::render(&report);
    let _ = mynaflow::render::github::render(&report);
    let _ = mynaflow::render::junit::render(&report);
    s
}

/// A small deterministic generator, so failures reproduce.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn truncated_examples_never_panic() {
    for (name, bytes) in examples() {
        let step = (bytes.len() / 60).max(1);
        for cut in (0..bytes.len()).step_by(step) {
            check(&name, &bytes[..cut]);
        }
    }
}

#[test]
fn mangled_examples_report_errors_and_never_panic() {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let nasty: &[&[u8]] = &[
        b"\xff",
        b"\x00",
        b"\"",
        b"{",
        b"}",
        b"#",
        b"\n",
        b"->",
        b"\xe2\x80\xae",
        b"\xef\xbc\x9a",
        b"\r",
    ];
    for (name, bytes) in examples() {
        for _ in 0..40 {
            let mut m = bytes.clone();
            let at = (rng.next() as usize) % (m.len() + 1);
            let what = nasty[(rng.next() as usize) % nasty.len()];
            if rng.next().is_multiple_of(2) && at < m.len() {
                m.splice(at..at + 1, what.iter().copied());
            } else {
                m.splice(at..at, what.iter().copied());
            }
            let s = check(&name, &m);
            if std::str::from_utf8(m.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&m)).is_err() {
                assert!(
                    s.diagnostics.iter().any(|d| d.is_error()),
                    "{name}: invalid UTF-8 not reported"
                );
            }
        }
    }
}

#[test]
fn pathological_inputs_finish() {
    let cases: Vec<Vec<u8>> = vec![
        "{".repeat(100_000).into_bytes(),
        "}".repeat(100_000).into_bytes(),
        "\"".repeat(100_001).into_bytes(),
        "flow a -> ".repeat(20_000).into_bytes(),
        "a".repeat(1_000_000).into_bytes(),
        "->".repeat(100_000).into_bytes(),
        "section \"1\" { ".repeat(10_000).into_bytes(),
        "actor a : b { clauses ".repeat(10_000).into_bytes(),
        "\u{202e}\u{200b}\u{1}".repeat(10_000).into_bytes(),
        "：，｛｝＃\u{3000}".repeat(10_000).into_bytes(),
        (0u8..=255).cycle().take(100_000).collect(),
    ];
    for (i, bytes) in cases.iter().enumerate() {
        let s = check(&format!("case{i}.myna"), bytes);
        assert!(!s.diagnostics.is_empty(), "case {i} reported nothing");
    }
}

/// A byte 0xFF in a design makes it no UTF-8 text: MN005, and the run
/// exits 2 (the design was not checked, as for MN013), never panics.
#[test]
fn the_binary_exits_2_on_mangled_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut rng = XorShift(42);
    for (i, (_, bytes)) in examples().into_iter().enumerate().step_by(5) {
        let mut m = bytes;
        let at = (rng.next() as usize) % m.len();
        m.insert(at, 0xff);
        let path = dir.path().join(format!("mangled{i}.myna"));
        std::fs::write(&path, &m).expect("write");
        let out = Command::new(env!("CARGO_BIN_EXE_mynaflow"))
            .arg("check")
            .arg(&path)
            .output()
            .expect("run");
        assert_eq!(
            out.status.code(),
            Some(2),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("error[MN005]"),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

/// A reader that stops early (`mynaflow inventory … | head`) ends the
/// run: each long output, drawn on every core while the last batch is
/// written, stops drawing and exits without a panic once its pipe is
/// closed, rather than waiting for ever on the batch it can no longer
/// write.
#[test]
fn a_reader_that_stops_early_ends_every_long_output() {
    use std::io::Read;
    use std::time::{Duration, Instant};
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("large.myna");
    std::fs::write(&path, generate::design(20_000)).expect("write");
    let path = path.to_str().expect("a UTF-8 path");
    for args in [
        &["inventory", "--format", "json", path][..],
        &["inventory", "--format", "md", path],
        &["graph", "--format", "dot", path],
        &["graph", "--format", "mermaid", path],
        &["check", "--format", "json", "--max-per-code", "0", path],
        &["check", "--format", "github", "--max-per-code", "0", path],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_mynaflow"))
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("run mynaflow");
        let mut stdout = child.stdout.take().expect("stdout");
        let mut first = [0u8; 4096];
        stdout.read_exact(&mut first).expect("the output begins");
        drop(stdout);
        let start = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait") {
                break status;
            }
            if start.elapsed() > Duration::from_secs(60) {
                let _ = child.kill();
                panic!("{args:?}: still running a minute after its reader stopped");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let mut err = String::new();
        child
            .stderr
            .take()
            .expect("stderr")
            .read_to_string(&mut err)
            .expect("read stderr");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_ne!(status.code(), Some(101), "{args:?}: {err}");
    }
}
