//! `MYNAFLOW_LSP_TYPING=1000000 cargo bench --bench lsp`: `mynaflow lsp`
//! over stdio as an editor drives it while someone types. The server opens
//! a generated design, then is sent one-character edits at the end of it,
//! `MYNAFLOW_LSP_EDITS` of them (default 10) `MYNAFLOW_LSP_GAP_MS` apart
//! (default 200), then a hover. Prints how long after the last edit the
//! hover was answered (the server answers it after the last text's
//! diagnostics), how many analyses it published for the edits, and its
//! peak memory (Linux). `MYNAFLOW_BIN=path` drives another build.
//! `MYNAFLOW_LSP_WHOLE=1` sends each edit as the whole text (as a client
//! without incremental sync does), the design with one more `#` line each
//! time: `MYNAFLOW_LSP_WHOLE=1 MYNAFLOW_LSP_EDITS=4 MYNAFLOW_LSP_GAP_MS=0`
//! is an open and four whole texts sent at once.

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// What the server sent: when, its method (a notification) or id (a
/// response).
struct Sent {
    at: Instant,
    method: Option<String>,
    id: Option<u64>,
}

/// How each edit is sent.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// One character inserted at the end (a range and its text).
    Keystroke,
    /// The whole new text, no range.
    WholeText,
}

/// Runs the session on a design of `flows` flows.
pub fn typing(flows: usize, edits: usize, gap: Duration, edit: Edit) {
    let text = super::generate::design(flows);
    let last_line = text.lines().count();
    // `MYNAFLOW_BIN` times another build, as `benches/scale.sh` does.
    let binary =
        std::env::var_os("MYNAFLOW_BIN").unwrap_or_else(|| env!("CARGO_BIN_EXE_mynaflow").into());
    let mut child = Command::new(binary)
        .args(["lsp", "--lang", "en"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("mynaflow lsp starts");
    let mut stdin = child.stdin.take().expect("its stdin");
    let stdout = BufReader::new(child.stdout.take().expect("its stdout"));
    let (tx, rx) = mpsc::channel();
    let reader = std::thread::spawn(move || read_messages(stdout, tx));
    let mut send = |m: Value| {
        let body = m.to_string();
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("the server reads");
        stdin.flush().expect("the server reads");
    };
    let wait = |rx: &mpsc::Receiver<Sent>, done: &dyn Fn(&Sent) -> bool| -> (Instant, usize) {
        let mut published = 0;
        loop {
            let m = rx.recv().expect("the server answers");
            if done(&m) {
                return (m.at, published);
            }
            published +=
                usize::from(m.method.as_deref() == Some("textDocument/publishDiagnostics"));
        }
    };
    let uri = "file:///typing/bench.myna";
    send(
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}),
    );
    wait(&rx, &|m| m.id == Some(1));
    send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    let opened = Instant::now();
    send(
        json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument":
        {"uri": uri, "languageId": "myna", "version": 1, "text": text}}}),
    );
    let is_diagnostics = |m: &Sent| m.method.as_deref() == Some("textDocument/publishDiagnostics");
    let (analysed, _) = wait(&rx, &is_diagnostics);
    let mut last_edit = Instant::now();
    for k in 0..edits {
        if k > 0 {
            std::thread::sleep(gap);
        }
        let at = json!({"line": last_line, "character": k});
        let change = match edit {
            Edit::Keystroke => json!({"range": {"start": at, "end": at}, "text": "#"}),
            Edit::WholeText => json!({"text": format!("{text}{}\n", "#".repeat(k + 1))}),
        };
        send(
            json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": k + 2}, "contentChanges": [change]}}),
        );
        last_edit = Instant::now();
    }
    send(
        json!({"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover", "params": {
        "textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}}),
    );
    let (answered, published) = wait(&rx, &|m| m.id == Some(2));
    let peak = peak_gib(child.id());
    send(json!({"jsonrpc": "2.0", "id": 3, "method": "shutdown"}));
    wait(&rx, &|m| m.id == Some(3));
    send(json!({"jsonrpc": "2.0", "method": "exit"}));
    let _ = child.wait();
    let _ = reader.join();
    let kind = match edit {
        Edit::Keystroke => "edits",
        Edit::WholeText => "whole texts",
    };
    println!(
        "lsp typing {flows} flows, {:.1} MB: opened in {:.2} s; {edits} {kind} {} ms apart: \
         answered {:.2} s after the last edit, {published} analyses published; peak {peak}",
        text.len() as f64 / 1e6,
        (analysed - opened).as_secs_f64(),
        gap.as_millis(),
        (answered - last_edit).as_secs_f64(),
    );
}

/// Reads the server's messages (`Content-Length` framed) until it ends.
fn read_messages(mut stdout: impl BufRead, tx: mpsc::Sender<Sent>) {
    loop {
        let mut length = None;
        loop {
            let mut line = String::new();
            if stdout.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let line = line.trim();
            if line.is_empty() {
                break;
            }
            if let Some(n) = line.strip_prefix("Content-Length:") {
                length = n.trim().parse::<usize>().ok();
            }
        }
        let Some(length) = length else { return };
        let mut body = vec![0; length];
        if stdout.read_exact(&mut body).is_err() {
            return;
        }
        let at = Instant::now();
        let m: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        let sent = Sent {
            at,
            method: m["method"].as_str().map(str::to_string),
            id: m["id"].as_u64(),
        };
        if tx.send(sent).is_err() {
            return;
        }
    }
}

/// The process's peak resident memory, from `/proc` (Linux), or `-`.
fn peak_gib(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
            let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(format!("{:.2} GiB", kib / 1024.0 / 1024.0))
        })
        .unwrap_or_else(|| "-".to_string())
}
