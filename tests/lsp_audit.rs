//! `mynaflow lsp` against what the audit of 7 December 2026 found: a lone
//! surrogate or a body that is no JSON ends nothing, positions on a long
//! line are right, hover Markdown carries no link, image or tag of the
//! input, a rulebook reached by `..` is found again when it comes back,
//! diagnostics go out under the URI the client opened, the outline shows
//! control characters escaped, and a second `initialize` is refused.

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

struct Client {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    _cache: tempfile::TempDir,
    next: u64,
}

impl Client {
    /// The server, initialized with `params`, in English.
    fn start(params: Value) -> Client {
        let cache = tempfile::tempdir().unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_mynaflow"))
            .args(["lsp", "--lang", "en"])
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env_remove("LANG")
            .env("XDG_CACHE_HOME", cache.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let mut c = Client {
            child,
            stdin,
            stdout,
            _cache: cache,
            next: 0,
        };
        let init = c.request("initialize", params);
        assert!(init["result"]["capabilities"].is_object(), "{init}");
        c.notify("initialized", json!({}));
        c
    }

    fn raw(&mut self, body: &[u8]) {
        write!(self.stdin, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        self.stdin.write_all(body).unwrap();
        self.stdin.flush().unwrap();
    }

    fn send(&mut self, msg: Value) {
        self.raw(msg.to_string().as_bytes());
    }

    fn receive(&mut self) -> Value {
        let mut len = 0;
        loop {
            let mut line = String::new();
            assert!(
                self.stdout.read_line(&mut line).unwrap() > 0,
                "the server ended"
            );
            let line = line.trim();
            if line.is_empty() {
                break;
            }
            if let Some(n) = line.strip_prefix("Content-Length:") {
                len = n.trim().parse().unwrap();
            }
        }
        let mut buf = vec![0; len];
        self.stdout.read_exact(&mut buf).unwrap();
        serde_json::from_slice(&buf).unwrap()
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// The whole response to a request.
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = self.next;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let m = self.receive();
            if m["id"] == json!(id) && m.get("method").is_none() {
                return m;
            }
        }
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics_of(&mut self, uri: &str) -> Value {
        loop {
            let m = self.receive();
            if m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri {
                return m["params"].clone();
            }
        }
    }

    /// The diagnostics of `uri` published before the answer to a request
    /// sent now (the server checks a design its rulebook's change left
    /// stale before it answers), the last of them; null if none were.
    fn diagnostics_before_an_answer(&mut self, uri: &str) -> Value {
        self.next += 1;
        let id = self.next;
        self.send(
            json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/documentSymbol",
                         "params": {"textDocument": {"uri": uri}}}),
        );
        let mut last = Value::Null;
        loop {
            let m = self.receive();
            if m["id"] == json!(id) && m.get("method").is_none() {
                return last;
            }
            if m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri {
                last = m["params"].clone();
            }
        }
    }

    /// The next diagnostics published, for whichever document.
    fn next_diagnostics(&mut self) -> Value {
        loop {
            let m = self.receive();
            if m["method"] == "textDocument/publishDiagnostics" {
                return m["params"].clone();
            }
        }
    }

    fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "myna", "version": 1, "text": text}}),
        );
    }

    fn stop(mut self) {
        let r = self.request("shutdown", Value::Null);
        assert_eq!(r["result"], Value::Null);
        self.notify("exit", Value::Null);
        assert!(self.child.wait().unwrap().success());
    }
}

/// The `file://` URI of `path`, each byte outside unreserved ASCII
/// percent-encoded.
fn uri_of(path: &Path) -> String {
    let mut out = String::from("file://");
    for b in path.to_str().unwrap().bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn codes(published: &Value) -> Vec<String> {
    let mut codes: Vec<String> = (published["diagnostics"].as_array().unwrap().iter())
        .map(|d| d["code"].as_str().unwrap_or_default().to_string())
        .collect();
    codes.sort();
    codes
}

const URI: &str = "file:///lsp-audit/d.myna";

/// A lone surrogate, as `JSON.stringify` writes half of `𠮷`, is read as
/// U+FFFD; a body that is no JSON is answered with -32700 and id null, one
/// that is no message with -32600; the server goes on.
#[test]
fn a_lone_surrogate_or_a_body_that_is_no_json_ends_nothing() {
    let mut c = Client::start(json!({"capabilities": {}}));
    c.open(URI, "actor a : 組合\n");
    c.diagnostics_of(URI);
    let change = format!(
        r#"{{"jsonrpc":"2.0","method":"textDocument/didChange","params":{{"textDocument":{{"uri":"{URI}","version":2}},"contentChanges":[{{"text":"actor \ud842 : 組合\n"}}]}}}}"#
    );
    c.raw(change.as_bytes());
    c.diagnostics_of(URI);
    for (body, code) in [
        (&b"{not json}"[..], -32700),
        (b"[1, 2]", -32600),
        (b"\xff\xfe", -32700),
        (br#"{"jsonrpc":"2.0","id":9,"method":3}"#, -32600),
    ] {
        c.raw(body);
        let answer = c.receive();
        assert_eq!(answer["id"], Value::Null, "{answer}");
        assert_eq!(answer["error"]["code"], code, "{answer}");
    }
    // The text read is the one sent, the half pair replaced.
    let symbols = c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": URI}}),
    );
    assert_eq!(symbols["result"][0]["name"], "\u{FFFD}", "{symbols}");
    // A lone surrogate in a method's name: unknown, answered.
    c.raw(br#"{"jsonrpc":"2.0","id":77,"method":"x\udc00"}"#);
    let answer = c.receive();
    assert_eq!(answer["id"], 77);
    assert_eq!(answer["error"]["code"], -32601);
    c.stop();
}

/// Positions of many statements on one line (2 000 flows) are right in
/// UTF-16, counted past full-width and astral characters; the outline,
/// references and rename all give them.
#[test]
fn positions_on_one_long_line_are_right() {
    let mut line = String::new();
    for k in 0..2000 {
        line.push_str(&format!("flow 区役所 -> 𠮷{} : d ", k % 7));
    }
    let text = format!("actor 区役所 : 組合\ndata d : 資格情報\n{line}\n");
    let mut c = Client::start(json!({"capabilities": {}}));
    c.open(URI, &text);
    c.diagnostics_of(URI);
    let symbols = c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": URI}}),
    );
    let symbols = symbols["result"].as_array().unwrap();
    let flows: Vec<&Value> = symbols.iter().filter(|s| s["kind"] == 24).collect();
    assert!(flows.len() > 1000, "{}", flows.len());
    // Where each flow starts on line 2, by the text.
    let starts: Vec<usize> = line
        .match_indices("flow ")
        .map(|(b, _)| line[..b].encode_utf16().count())
        .collect();
    for (k, f) in flows.iter().enumerate() {
        assert_eq!(
            f["range"]["start"],
            json!({"line": 2, "character": starts[k]})
        );
    }
    // Every reference to 区役所, and a rename of it, on the long line.
    let refs = c.request(
        "textDocument/references",
        json!({"textDocument": {"uri": URI}, "position": {"line": 0, "character": 7},
               "context": {"includeDeclaration": true}}),
    );
    let on_line: Vec<u64> = (refs["result"].as_array().unwrap().iter())
        .filter(|r| r["range"]["start"]["line"] == 2)
        .map(|r| r["range"]["start"]["character"].as_u64().unwrap())
        .collect();
    let expected: Vec<u64> = starts.iter().map(|&s| s as u64 + 5).collect();
    assert_eq!(on_line, expected);
    let rename = c.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": URI}, "position": {"line": 0, "character": 7}, "newName": "市役所"}),
    );
    let edits = rename["result"]["changes"][URI].as_array().unwrap();
    assert_eq!(edits.len(), expected.len() + 1);
    c.stop();
}

/// Labels, titles, bases and names from a rulebook or a design reach a
/// hover as text: no live link, image or HTML tag, and a name with a
/// backtick stays one code span.
#[test]
fn hover_markdown_holds_no_link_image_or_tag_of_the_input() {
    let dir = tempfile::tempdir().unwrap();
    let rules = "rulebook r revised 2024-01-01\n\
        role 自 self \"<img src=x> [role](https://evil.example/r)\"\n\
        role 他 \"other\"\n\
        category c \"cat ![img](https://evil.example/i.png)\"\n\
        section \"S\" \"title **x**\" basis \"[b](https://evil.example/b)\" {\n\
        \x20 purpose \"p`q\" \"purpose [p](https://evil.example/p)\"\n\
        \x20 allow 自 -> 他 : c for \"p`q\"\n\
        }\n";
    std::fs::write(dir.path().join("r.myna"), rules).unwrap();
    let design = "use \"r.myna\"\nactor \"a`b\" : 自 \"[x](https://evil.example/a)\"\nactor o : 他\ndata d : c\nflow \"a`b\" -> o : d for \"p`q\"\n";
    let path = dir.path().join("d.myna");
    std::fs::write(&path, design).unwrap();
    let root = uri_of(dir.path());
    let uri = uri_of(&path);
    let mut c = Client::start(json!({"capabilities": {}, "rootUri": root,
        "workspaceFolders": [{"uri": root, "name": "w"}]}));
    c.open(&uri, design);
    c.diagnostics_of(&uri);
    let mut hovers = Vec::new();
    // The actor, the category, the purpose, the flow's arrow.
    for (line, character) in [(1, 8), (3, 9), (4, 26), (4, 12)] {
        let h = c.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}),
        );
        let value = h["result"]["contents"]["value"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        assert!(!value.is_empty(), "{h}");
        hovers.push(value);
    }
    let all = hovers.join("\n----\n");
    for bad in ["](", "<img", "**x**", "](https"] {
        assert!(!all.contains(bad), "{bad} in {all}");
    }
    assert!(hovers[0].contains("``a`b``"), "{}", hovers[0]);
    assert!(
        hovers[0].contains(r"\[x\]\(https\:\/\/evil\.example\/a\)"),
        "{}",
        hovers[0]
    );
    assert!(hovers[0].contains("&lt;img src\\=x&gt;"), "{}", hovers[0]);
    assert!(hovers[2].contains("``p`q``"), "{}", hovers[2]);
    assert!(hovers[2].contains(r"title \*\*x\*\*"), "{}", hovers[2]);
    // Completion's documentation of a purpose is the same text.
    let completion = c.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": {"line": 4, "character": 24}}),
    );
    let items = completion["result"].as_array().unwrap();
    let docs = items[0]["documentation"]["value"].as_str().unwrap();
    assert!(docs.starts_with("**purpose** ``p`q``"), "{docs}");
    assert!(!docs.contains("](https"), "{docs}");
    c.stop();
}

/// A rulebook a design reaches by `../` is found again when it is deleted
/// and written back (a `git checkout`): the design's findings come back.
#[test]
fn a_rulebook_reached_by_dot_dot_is_found_again_when_it_comes_back() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    std::fs::create_dir(root.join("sub")).unwrap();
    let rules_path = root.join("rules.myna");
    let rules = include_str!("../examples/second-society/rules.myna");
    std::fs::write(&rules_path, rules).unwrap();
    let design = include_str!("../examples/second-society/design.myna")
        .replace("use \"rules.myna\"", "use \"../rules.myna\"");
    let path = root.join("sub/d.myna");
    std::fs::write(&path, &design).unwrap();
    let (root_uri, uri, rules_uri) = (uri_of(&root), uri_of(&path), uri_of(&rules_path));
    let mut c = Client::start(json!({"rootUri": root_uri,
        "workspaceFolders": [{"uri": root_uri, "name": "w"}],
        "capabilities": {"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}}}));
    c.open(&uri, &design);
    assert_eq!(codes(&c.diagnostics_of(&uri)), ["MN202"]);
    let watched = |kind: u32| json!({"changes": [{"uri": rules_uri, "type": kind}]});
    std::fs::remove_file(&rules_path).unwrap();
    c.notify("workspace/didChangeWatchedFiles", watched(3));
    assert_eq!(codes(&c.diagnostics_before_an_answer(&uri)), ["MN013"]);
    std::fs::write(&rules_path, rules).unwrap();
    c.notify("workspace/didChangeWatchedFiles", watched(1));
    let again = c.diagnostics_before_an_answer(&uri);
    assert!(!again.is_null(), "the design was not checked again");
    assert_eq!(codes(&again), ["MN202"]);
    c.stop();
}

/// Diagnostics go out under the URI the client opened the document by,
/// as written: raw UTF-8, `file://localhost/`, lower-case escapes.
#[test]
fn diagnostics_are_published_under_the_uri_the_client_opened() {
    let mut c = Client::start(json!({"capabilities": {}}));
    for uri in [
        "file:///lsp-audit/日本 語/y.myna",
        "file:///lsp-audit/日本%20語/y.myna",
        "file://localhost/lsp-audit/z.myna",
        "file:///lsp-audit/%e6%97%a5/w.myna",
    ] {
        c.open(uri, "flow a -> b : x\n");
        let published = c.next_diagnostics();
        assert_eq!(published["uri"], uri);
        c.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri}}),
        );
        let closed = c.next_diagnostics();
        assert_eq!(closed["uri"], uri);
        assert_eq!(closed["diagnostics"], json!([]));
    }
    c.stop();
}

/// The outline shows a bidi override or an escape sequence in a flow as
/// messages show it, escaped; a request whose id is null or fractional,
/// and a second `initialize`, are refused as JSON-RPC and LSP say
/// (-32600).
#[test]
fn the_outline_shows_control_characters_escaped_and_initialize_is_answered_once() {
    let mut c = Client::start(json!({"capabilities": {}}));
    c.open(URI, "flow a\u{202e}b -> c : x\nflow c -> q\u{1b}[2J : x\n");
    c.diagnostics_of(URI);
    let symbols = c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": URI}}),
    );
    let names: Vec<&str> = (symbols["result"].as_array().unwrap().iter())
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["flow a\\u{202e}b -> c : x", "flow c -> q\\u{1b}[2J : x"]
    );
    // A request whose id is null or fractional is answered, id null.
    for id in [json!(null), json!(1.5)] {
        c.send(json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/hover", "params": {}}));
        let answer = c.receive();
        assert_eq!(answer["id"], Value::Null, "{answer}");
        assert_eq!(answer["error"]["code"], -32600, "{answer}");
    }
    let again = c.request("initialize", json!({"capabilities": {}}));
    assert_eq!(again["error"]["code"], -32600, "{again}");
    assert_eq!(
        again["error"]["message"],
        "the server is already initialized"
    );
    c.stop();
}
