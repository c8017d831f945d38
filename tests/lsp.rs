//! `mynaflow lsp` driven over JSON-RPC on stdio, as an editor does:
//! initialize, didOpen, didChange, hover, completion, definition,
//! references, rename, codeAction, formatting, documentSymbol, shutdown.
//! The answers are snapshots; positions are in UTF-16 (the default) and in
//! bytes when the client offers UTF-8.

mod common;

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

const DESIGN: &str = include_str!("fixtures/lsp/design.myna");
const URI: &str = "file:///lsp-test/design.myna";

struct Client {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    cache: tempfile::TempDir,
    next: u64,
}

impl Client {
    fn start(capabilities: Value) -> Client {
        Client::start_as(&["lsp", "--lang", "en"], None, capabilities)
    }

    /// The server started with `args`, in the locale `locale` (None: no
    /// locale set, so English unless `--lang` or a config says otherwise).
    fn start_as(args: &[&str], locale: Option<&str>, capabilities: Value) -> Client {
        Client::start_with(args, locale, json!({ "capabilities": capabilities }))
    }

    /// [`Client::start_as`] with `params` as the whole of `initialize`'s
    /// parameters (workspace folders, say).
    fn start_with(args: &[&str], locale: Option<&str>, params: Value) -> Client {
        let mut c = Client::spawn(args, locale);
        let init = c.request("initialize", params);
        assert!(init["capabilities"]["hoverProvider"].as_bool().unwrap());
        c.notify("initialized", json!({}));
        c
    }

    /// [`Client::start_with`], the server started in folder `cwd` (not
    /// the repository, as the others are).
    fn start_in(args: &[&str], cwd: &std::path::Path, params: Value) -> Client {
        let mut c = Client::spawn_in(args, None, Some(cwd));
        let init = c.request("initialize", params);
        assert!(init["capabilities"]["hoverProvider"].as_bool().unwrap());
        c.notify("initialized", json!({}));
        c
    }

    /// The server started as [`Client::start_as`] starts it, not
    /// initialized.
    fn spawn(args: &[&str], locale: Option<&str>) -> Client {
        Client::spawn_in(args, locale, None)
    }

    /// [`Client::spawn`], in folder `cwd` if given.
    fn spawn_in(args: &[&str], locale: Option<&str>, cwd: Option<&std::path::Path>) -> Client {
        let cache = tempfile::tempdir().unwrap();
        let mut command = Command::new(env!("CARGO_BIN_EXE_mynaflow"));
        if let Some(cwd) = cwd {
            command.current_dir(cwd);
        }
        command
            .args(args)
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env_remove("LANG");
        if let Some(locale) = locale {
            command.env("LANG", locale);
        }
        let mut child = command
            .env("XDG_CACHE_HOME", cache.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        Client {
            child,
            stdin,
            stdout,
            cache,
            next: 0,
        }
    }

    fn send(&mut self, msg: Value) {
        let body = msg.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn receive(&mut self) -> Value {
        let mut len = 0;
        loop {
            let mut line = String::new();
            self.stdout.read_line(&mut line).unwrap();
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
        let text = String::from_utf8(buf).unwrap();
        // The cache folder is a fresh temporary one: show it as [cache].
        let cache = self.cache.path().display().to_string();
        serde_json::from_str(&text.replace(&cache, "[cache]")).unwrap()
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = self.next;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let m = self.receive();
            if m["id"] == json!(id) {
                return m["result"].clone();
            }
        }
    }

    /// The next diagnostics the server publishes.
    fn diagnostics(&mut self) -> Value {
        loop {
            let m = self.receive();
            if m["method"] == "textDocument/publishDiagnostics" {
                return m["params"].clone();
            }
        }
    }

    fn open(&mut self, text: &str) -> Value {
        self.open_at(URI, text)
    }

    fn open_at(&mut self, uri: &str, text: &str) -> Value {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "myna", "version": 1, "text": text}}),
        );
        self.diagnostics()
    }

    fn change(&mut self, version: u64, text: &str) -> Value {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": URI, "version": version}, "contentChanges": [{"text": text}]}),
        );
        self.diagnostics()
    }

    /// Sends `changes` (each a range and its new text) as version
    /// `version`, and waits for the diagnostics.
    fn edit(&mut self, version: u64, changes: Value) -> Value {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": URI, "version": version}, "contentChanges": changes}),
        );
        self.diagnostics()
    }

    /// The whole response to a request (its result or its error).
    fn request_raw(&mut self, method: &str, params: Value) -> Value {
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

    /// The next diagnostics the server publishes for `uri`, passing over
    /// those of other documents.
    fn diagnostics_of(&mut self, uri: &str) -> Value {
        loop {
            let published = self.diagnostics();
            if published["uri"] == uri {
                return published;
            }
        }
    }

    /// Sends the whole new text of document `uri` as version `version`.
    fn change_at(&mut self, uri: &str, version: u64, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
    }

    fn at(&mut self, method: &str, line: u32, character: u32) -> Value {
        self.request(
            method,
            json!({"textDocument": {"uri": URI}, "position": {"line": line, "character": character}}),
        )
    }

    fn stop(mut self) {
        assert_eq!(self.request("shutdown", Value::Null), Value::Null);
        self.notify("exit", Value::Null);
        let status = self.child.wait().unwrap();
        assert!(status.success());
    }
}

/// The UTF-16 column of the first `needle` on 0-based `line` of `text`.
fn col16(text: &str, line: usize, needle: &str) -> u32 {
    let l = text.lines().nth(line).unwrap();
    let byte = l.find(needle).unwrap();
    l[..byte].encode_utf16().count() as u32
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap()
}

#[test]
fn a_session_in_utf16() {
    let mut c = Client::start(json!({}));
    let diags = c.open(DESIGN);
    insta::assert_snapshot!("lsp_open_diagnostics", pretty(&diags));

    // Line 11: the first flow (astral 𠮷 before the arrow).
    let arrow = col16(DESIGN, 11, "->");
    assert_eq!(arrow, 13, "𠮷 is two UTF-16 units");
    insta::assert_snapshot!(
        "lsp_hover_arrow",
        pretty(&c.at("textDocument/hover", 11, arrow))
    );
    let purpose = col16(DESIGN, 11, "被扶養者認定");
    insta::assert_snapshot!(
        "lsp_hover_purpose",
        pretty(&c.at("textDocument/hover", 11, purpose))
    );
    let actor = col16(DESIGN, 11, "𠮷野");
    insta::assert_snapshot!(
        "lsp_hover_actor",
        pretty(&c.at("textDocument/hover", 11, actor + 1))
    );
    let item = col16(DESIGN, 11, "課税情報");
    insta::assert_snapshot!(
        "lsp_hover_data",
        pretty(&c.at("textDocument/hover", 11, item))
    );

    // Definition: an actor to its declaration; a role into the rulebook.
    insta::assert_snapshot!(
        "lsp_definition_actor",
        pretty(&c.at("textDocument/definition", 11, actor))
    );
    let role = col16(DESIGN, 4, "組合");
    let def = c.at("textDocument/definition", 4, role);
    assert!(
        def["uri"]
            .as_str()
            .unwrap()
            .ends_with("/mynaflow/kenpo.myna"),
        "{def}"
    );
    insta::assert_snapshot!("lsp_definition_role", pretty(&def));

    let refs = c.request(
        "textDocument/references",
        json!({"textDocument": {"uri": URI}, "position": {"line": 11, "character": actor},
               "context": {"includeDeclaration": true}}),
    );
    assert_eq!(refs.as_array().unwrap().len(), 3);
    let rename = c.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": URI}, "position": {"line": 11, "character": actor},
               "newName": "適用 システム"}),
    );
    insta::assert_snapshot!("lsp_rename", pretty(&rename));

    // Code actions on the second flow's full-width comma (MN003): the safe fix and a suppression.
    let comma = col16(DESIGN, 12, "，");
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": URI},
               "range": {"start": {"line": 12, "character": comma}, "end": {"line": 12, "character": comma + 1}},
               "context": {"diagnostics": []}}),
    );
    insta::assert_snapshot!("lsp_code_actions", pretty(&actions));

    insta::assert_snapshot!(
        "lsp_formatting",
        pretty(&c.request(
            "textDocument/formatting",
            json!({"textDocument": {"uri": URI}, "options": {"tabSize": 2, "insertSpaces": true}})
        ))
    );
    insta::assert_snapshot!(
        "lsp_symbols",
        pretty(&c.request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": URI}})
        ))
    );

    // Type a new flow: after `for`, the purposes the rulebook allows come first.
    let typed = format!("{DESIGN}flow 市町村 -> 𠮷野システム : 課税情報 for ");
    let diags = c.change(2, &typed);
    assert!(
        diags["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["code"] == "MN001")
    );
    let last = typed.lines().count() as u32 - 1;
    let end = typed.lines().last().unwrap().encode_utf16().count() as u32;
    let items = c.at("textDocument/completion", last, end);
    let mut labels: Vec<(String, String)> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["sortText"].as_str().unwrap().to_string(),
                i["label"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    labels.sort();
    let first: Vec<&str> = labels
        .iter()
        .take_while(|(s, _)| s.starts_with('0'))
        .map(|(_, l)| l.as_str())
        .collect();
    insta::assert_snapshot!("lsp_completion_purposes_first", first.join("\n"));

    // After `actor NAME :`, the roles.
    let typed = format!("{DESIGN}actor 新しい : ");
    c.change(3, &typed);
    let last = typed.lines().count() as u32 - 1;
    let end = typed.lines().last().unwrap().encode_utf16().count() as u32;
    let roles = c.at("textDocument/completion", last, end);
    let labels: Vec<&str> = roles
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert!(
        labels.contains(&"組合") && labels.contains(&"委託先"),
        "{labels:?}"
    );
    c.stop();
}

#[test]
fn utf8_positions_when_the_client_offers_them() {
    let mut c = Client::start(json!({"general": {"positionEncodings": ["utf-8", "utf-16"]}}));
    let diags = c.open(DESIGN);
    let mn003 = finding(&diags, "MN003");
    let line = DESIGN.lines().nth(12).unwrap();
    let byte = line.find('，').unwrap() as u64;
    assert_eq!(mn003["range"]["start"]["character"], json!(byte));
    assert_eq!(mn003["range"]["end"]["character"], json!(byte + 3));
    let actor = DESIGN.lines().nth(11).unwrap().find("𠮷野").unwrap() as u32;
    let hover = c.at("textDocument/hover", 11, actor);
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("𠮷野システム")
    );
    c.stop();
}

#[test]
fn the_vscode_extension_ships_the_repository_grammar() {
    let ours = std::fs::read_to_string("grammar/myna.tmLanguage.json").unwrap();
    let shipped = std::fs::read_to_string("editors/vscode/syntaxes/myna.tmLanguage.json").unwrap();
    assert_eq!(ours, shipped, "run `npm run grammar` in editors/vscode");
    let pkg: Value =
        serde_json::from_str(&std::fs::read_to_string("editors/vscode/package.json").unwrap())
            .unwrap();
    assert_eq!(pkg["contributes"]["languages"][0]["extensions"][0], ".myna");
}

/// A design with one warning (MN012: 予備 is used by no flow).
const UNUSED: &str = "use \"kenpo\"\nactor 基幹 : 組合\nactor 予備 : 組合\ndata 資格 : 資格情報\nflow 基幹 -> 基幹 : 資格 for 資格確認\n";

/// The codes published for a design written at `path`.
fn codes_at(c: &mut Client, path: &std::path::Path, text: &str) -> Vec<String> {
    std::fs::write(path, text).unwrap();
    let uri = lsp_types::Url::from_file_path(path).unwrap();
    let published = c.open_at(uri.as_str(), text);
    assert_eq!(published["uri"], json!(uri.as_str()));
    published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_server_follows_the_config_check_would() {
    let d = tempfile::tempdir().unwrap();
    let plain = d.path().join("plain");
    let project = d.path().join("project");
    std::fs::create_dir_all(project.join("legacy")).unwrap();
    std::fs::create_dir_all(&plain).unwrap();
    std::fs::write(
        project.join("mynaflow.toml"),
        "ignore = [\"MN012\"]\nrequire-clauses = true\n[per-file-ignores]\n\"legacy/**\" = [\"MN303\"]\n",
    )
    .unwrap();
    // A contractor with no clauses block: MN303 under require-clauses.
    let entrusting =
        format!("{UNUSED}actor 印刷 : 委託先\nflow 基幹 -> 印刷 : 資格 for 資格確認\n");
    let mut c = Client::start(json!({}));
    // Without a config, MN012 is published and MN303 is not asked for.
    let without = codes_at(&mut c, &plain.join("a.myna"), &entrusting);
    assert!(without.contains(&"MN012".to_string()), "{without:?}");
    assert!(!without.contains(&"MN303".to_string()), "{without:?}");
    // Under the config: MN012 ignored, MN303 required...
    let with = codes_at(&mut c, &project.join("a.myna"), &entrusting);
    assert!(!with.contains(&"MN012".to_string()), "{with:?}");
    assert!(with.contains(&"MN303".to_string()), "{with:?}");
    // ...except where per-file-ignores turns it off.
    let legacy = codes_at(&mut c, &project.join("legacy/a.myna"), &entrusting);
    assert!(!legacy.contains(&"MN303".to_string()), "{legacy:?}");
    assert!(!legacy.contains(&"MN012".to_string()), "{legacy:?}");
    c.stop();
}

#[test]
fn a_config_the_server_cannot_follow_is_shown_once() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("mynaflow.toml"), "rulez = \"x\"\n").unwrap();
    let path = d.path().join("a.myna");
    std::fs::write(&path, UNUSED).unwrap();
    let uri = lsp_types::Url::from_file_path(&path).unwrap();
    let mut c = Client::start(json!({}));
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri.as_str(), "languageId": "myna", "version": 1, "text": UNUSED}}),
    );
    // Messages shown before the diagnostics are published.
    let until_published = |c: &mut Client, shown: &mut Vec<String>| loop {
        let m = c.receive();
        if m["method"] == "window/showMessage" {
            shown.push(m["params"]["message"].as_str().unwrap().to_string());
        }
        if m["method"] == "textDocument/publishDiagnostics" {
            break m["params"].clone();
        }
    };
    let mut shown = Vec::new();
    let published = until_published(&mut c, &mut shown);
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert!(shown[0].contains("rulez"), "{shown:?}");
    // The document is still checked, without the config.
    assert!(
        published["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["code"] == "MN012")
    );
    // Not again on the next change.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri.as_str(), "version": 2}, "contentChanges": [{"text": UNUSED}]}),
    );
    until_published(&mut c, &mut shown);
    assert_eq!(shown.len(), 1, "{shown:?}");
    c.stop();
}

#[test]
fn the_server_uses_the_rulebook_the_config_names() {
    let d = tempfile::tempdir().unwrap();
    let plain = d.path().join("plain");
    let project = d.path().join("project");
    std::fs::create_dir_all(&plain).unwrap();
    std::fs::create_dir_all(&project).unwrap();
    std::fs::write(
        project.join("rules.myna"),
        include_str!("../examples/second-society/rules.myna"),
    )
    .unwrap();
    std::fs::write(project.join("mynaflow.toml"), "rules = \"rules.myna\"\n").unwrap();
    // No `use`: the default rulebook decides. 当組合 and 資格記録 are the
    // second society's names, unknown to kenpo.
    let design = "actor 資格システム : 当組合\nactor 健康管理システム : 当組合\n\
                  data 資格 : 資格記録\nflow 資格システム -> 健康管理システム : 資格 for 資格管理\n";
    let mut c = Client::start(json!({}));
    let under_kenpo = codes_at(&mut c, &plain.join("a.myna"), design);
    assert!(under_kenpo.iter().any(|c| c == "MN010"), "{under_kenpo:?}");
    let under_config = codes_at(&mut c, &project.join("a.myna"), design);
    assert!(under_config.is_empty(), "{under_config:?}");
    c.stop();
}

/// The server keeps the rulebooks its analyses load, but never past a
/// change of their files: the next analysis reads the rulebook as it is
/// on disk then.
#[test]
fn a_rulebook_changed_on_disk_is_read_again() {
    let d = tempfile::tempdir().unwrap();
    let rules = d.path().join("rules.myna");
    let second = include_str!("../examples/second-society/rules.myna");
    std::fs::write(&rules, second).unwrap();
    let design = "use \"rules.myna\"\nactor 資格システム : 当組合\nactor 健康管理システム : 当組合\n\
                  data 資格 : 資格記録\nflow 資格システム -> 健康管理システム : 資格 for 資格管理\n";
    let path = d.path().join("a.myna");
    let mut c = Client::start(json!({}));
    assert_eq!(codes_at(&mut c, &path, design), Vec::<String>::new());
    assert_eq!(codes_at(&mut c, &path, design), Vec::<String>::new());
    // The role renamed in the rulebook: 当組合 is no longer a role.
    std::fs::write(&rules, second.replace("当組合", "本組合")).unwrap();
    let renamed = codes_at(&mut c, &path, design);
    assert!(renamed.iter().any(|c| c == "MN010"), "{renamed:?}");
    // And back.
    std::fs::write(&rules, second).unwrap();
    assert_eq!(codes_at(&mut c, &path, design), Vec::<String>::new());
    c.stop();
}

/// The server is sent each edit (a range and its new text), not the
/// whole text: typing after astral and full-width characters lands where
/// it was typed, in UTF-16 and in bytes.
#[test]
fn edits_apply_where_they_were_typed() {
    for (capabilities, utf16) in [
        (json!({}), true),
        (json!({"general": {"positionEncodings": ["utf-8"]}}), false),
    ] {
        let mut c = Client::start(capabilities);
        c.open(DESIGN);
        // `X` after the receiver of line 11 (0-based), past 𠮷野システム.
        let line = DESIGN.lines().nth(11).unwrap();
        let before = &line[..line.find("-> 市町村").unwrap() + "-> 市町村".len()];
        let at = if utf16 {
            before.encode_utf16().count()
        } else {
            before.len()
        };
        let range =
            json!({"start": {"line": 11, "character": at}, "end": {"line": 11, "character": at}});
        let diags = c.edit(2, json!([{"range": range, "text": "X"}]));
        let unknown: Vec<&Value> = diags["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == "MN010")
            .collect();
        assert_eq!(unknown.len(), 1, "{}", pretty(&diags));
        let start = at
            - if utf16 {
                "市町村".encode_utf16().count()
            } else {
                "市町村".len()
            };
        assert_eq!(
            unknown[0]["range"],
            json!({"start": {"line": 11, "character": start}, "end": {"line": 11, "character": at + 1}}),
            "{}",
            pretty(&diags)
        );
        // Two edits in one message, the second at positions the first left:
        // the `X` taken out again, then the line after it removed whole.
        let undo = json!({"start": {"line": 11, "character": at}, "end": {"line": 11, "character": at + 1}});
        let line13 =
            json!({"start": {"line": 12, "character": 0}, "end": {"line": 13, "character": 0}});
        let diags = c.edit(
            3,
            json!([{"range": undo, "text": ""}, {"range": line13, "text": ""}]),
        );
        let codes: Vec<&str> = diags["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap())
            .collect();
        // Line 12's MN003 went with its line; line 11's MN102 is back.
        assert_eq!(codes, ["MN102"], "{}", pretty(&diags));
        c.stop();
    }
}

/// An editor sends an edit at every keystroke, faster than a large design
/// is analysed: texts already replaced when their turn comes are kept, not
/// analysed, and the edits after them apply to them; the diagnostics
/// published last, before the answer to a request sent after the edits,
/// are always the last text's.
#[test]
fn changes_sent_faster_than_they_are_analysed_end_with_the_last_texts_diagnostics() {
    let mut c = Client::start(json!({}));
    let last = c.open(DESIGN);
    // A flow of undeclared names as a new last line, and that line taken
    // out again.
    let end = DESIGN.lines().count();
    let at_end =
        json!({"start": {"line": end, "character": 0}, "end": {"line": end, "character": 0}});
    let append = json!([{"range": at_end,
        "text": "flow 未宣言の送り手 -> 未宣言の受け手 : 未宣言の項目 for 未宣言の目的\n"}]);
    let whole_line =
        json!({"start": {"line": end, "character": 0}, "end": {"line": end + 1, "character": 0}});
    let remove = json!([{"range": whole_line, "text": ""}]);
    let mid = c.edit(2, append.clone());
    assert_ne!(
        mid["diagnostics"], last["diagnostics"],
        "the broken text has findings of its own"
    );
    let back = c.edit(3, remove.clone());
    assert_eq!(back["diagnostics"], last["diagnostics"]);
    assert_eq!(
        (last["version"].clone(), back["version"].clone()),
        (json!(1), json!(3))
    );
    // Ten edits without waiting, appending and removing in turn.
    for version in 4..14 {
        let changes = if version % 2 == 0 { &append } else { &remove };
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": URI, "version": version}, "contentChanges": changes}),
        );
    }
    c.next += 1;
    let id = c.next;
    c.send(
        json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/documentSymbol",
                  "params": {"textDocument": {"uri": URI}}}),
    );
    let mut published = Vec::new();
    loop {
        let m = c.receive();
        if m["id"] == json!(id) {
            break;
        }
        if m["method"] == "textDocument/publishDiagnostics" {
            published.push(m["params"].clone());
        }
    }
    assert!(
        (1..=10).contains(&published.len()),
        "{} publications for ten edits",
        published.len()
    );
    let final_ = published.last().unwrap();
    assert_eq!(
        final_["diagnostics"], last["diagnostics"],
        "the last text's diagnostics come last"
    );
    assert_eq!(final_["version"], 13, "and say which text they are of");
    c.stop();
}

/// A message the server cannot read ends it with exit status 2 and says
/// why on stderr, without echoing what the client sent; every read is
/// bounded (a message claiming more than the limit is not waited for).
#[test]
fn a_message_that_cannot_be_read_ends_the_server_with_the_reason() {
    let secret = "秘密の本文";
    let cases: [(String, &str); 4] = [
        // Nothing at all: the client went before it said anything.
        (String::new(), "the input ended before `exit`"),
        (
            "Content-Length: 99999999999\r\n\r\n".to_string(),
            "more than the 1073741824 read",
        ),
        (
            format!("Content-Length: 90\r\n\r\n{{\"{secret}\"}}"),
            "where its Content-Length says 90",
        ),
        (format!("X-{}: y\r\n\r\n", "a".repeat(5000)), "too long"),
    ];
    for (sent, why) in cases {
        let mut child = Command::new(env!("CARGO_BIN_EXE_mynaflow"))
            .args(["lsp", "--lang", "en"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(sent.as_bytes()).unwrap();
        drop(stdin);
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains("reading the client's messages") && stderr.contains(why),
            "{stderr}"
        );
        assert!(!stderr.contains(secret), "{stderr}");
        assert!(!stderr.contains('\u{1b}'), "{stderr}");
        assert!(out.stdout.is_empty());
    }
}

/// A body that is not JSON, or JSON that is no message, in a right frame
/// is answered (-32700, -32600, id null) and the next frame read: the
/// server ends only when the input does. Nothing sent is repeated raw.
#[test]
fn a_body_that_cannot_be_read_is_answered_and_the_server_goes_on() {
    let secret = "秘密の本文";
    let bodies = [
        format!("{{\"{secret}"),
        // A response whose error code is a string, with a control
        // character: no message, and the character never printed.
        r#"{"jsonrpc":"2.0","id":1,"error":{"code":"\u001b[31m","message":"m"}}"#.to_string(),
    ];
    let mut sent = String::new();
    for body in &bodies {
        sent.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_mynaflow"))
        .args(["lsp", "--lang", "en"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(sent.as_bytes()).unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("the input ended before `exit`"), "{stderr}");
    let answers: Vec<Value> = (stdout.split("Content-Length: ").skip(1))
        .map(|framed| serde_json::from_str(framed.split_once("\r\n\r\n").unwrap().1).unwrap())
        .collect();
    assert_eq!(answers.len(), 2, "{stdout}");
    assert_eq!(answers[0]["error"]["code"], -32700);
    assert_eq!(answers[1]["error"]["code"], -32600);
    for a in &answers {
        assert_eq!(a["id"], Value::Null);
    }
    assert!(
        answers[0]["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("a message that is not JSON"),
        "{stdout}"
    );
    for output in [&stdout, &stderr] {
        assert!(!output.contains(secret), "{output}");
        assert!(!output.contains('\u{1b}'), "{output}");
    }
}

/// The byte offset of a UTF-16 position in `text` (lines end with `\n`).
fn offset16(text: &str, at: &Value) -> usize {
    let (line, character) = (
        at["line"].as_u64().unwrap(),
        at["character"].as_u64().unwrap(),
    );
    let start: usize = text
        .split_inclusive('\n')
        .take(line as usize)
        .map(str::len)
        .sum();
    let mut units = 0;
    for (i, ch) in text[start..].char_indices() {
        if units >= character as usize || ch == '\n' {
            return start + i;
        }
        units += ch.len_utf16();
    }
    text.len()
}

/// Formatting answers with the changes that make the document its
/// formatting (`mynaflow fmt`'s), each only what differs: made in the
/// client, they give that text.
#[test]
fn formatting_edits_make_the_document_what_fmt_makes_it() {
    let mut c = Client::start(json!({}));
    c.open(DESIGN);
    let edits = c.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": URI}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    let mut edits: Vec<(usize, usize, String)> = edits
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let start = offset16(DESIGN, &e["range"]["start"]);
            let end = offset16(DESIGN, &e["range"]["end"]);
            (start, end, e["newText"].as_str().unwrap().to_string())
        })
        .collect();
    let changed: usize = edits.iter().map(|(s, e, n)| e - s + n.len()).sum();
    let formatted = mynaflow::fmt::format(DESIGN).unwrap();
    assert!(changed < formatted.len() / 4, "{changed} bytes changed");
    edits.sort();
    let mut text = DESIGN.to_string();
    for (start, end, new) in edits.into_iter().rev() {
        text.replace_range(start..end, &new);
    }
    assert_eq!(text, formatted);
    // Formatted, the document needs no change.
    c.change(2, &formatted);
    let none = c.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": URI}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert_eq!(none, json!([]));
    c.stop();
}

/// A text of 64 KiB and more is decoded within the bytes read, not by
/// serde_json (`lsp/long_strings.rs`): the design after a long comment of
/// the characters JSON escapes (quotes, backslashes, tabs) and astral
/// ones, opened and sent whole, gives the findings it gives alone, each
/// as many lines further down.
#[test]
fn a_long_text_sent_whole_reads_as_the_text_written() {
    let line = "# \"引用\" \\ 𠮷 é\tタブ \\n は文字\n";
    let pad = line.repeat(70 * 1024 / line.len() + 1);
    let lines = pad.lines().count() as u64;
    let padded = format!("{pad}{DESIGN}");
    assert!(serde_json::to_string(&padded).unwrap().len() > 64 * 1024);
    let shift = |range: &mut Value| {
        for end in ["start", "end"] {
            let at = &mut range[end]["line"];
            *at = json!(at.as_u64().unwrap() + lines);
        }
    };
    // Every place in the design (not in the rulebook) moved down.
    let shifted = |mut diags: Value| {
        for d in diags["diagnostics"].as_array_mut().unwrap() {
            shift(&mut d["range"]);
            let related = d
                .get_mut("relatedInformation")
                .and_then(Value::as_array_mut);
            for related in related.into_iter().flatten() {
                if related["location"]["uri"] == URI {
                    shift(&mut related["location"]["range"]);
                }
            }
        }
        diags["diagnostics"].clone()
    };
    let mut c = Client::start(json!({}));
    let alone = shifted(c.open(DESIGN));
    assert!(!alone.as_array().unwrap().is_empty());
    assert_eq!(c.change(2, &padded)["diagnostics"], alone);
    assert_eq!(shifted(c.change(3, DESIGN)), alone);
    c.stop();
    let mut c = Client::start(json!({}));
    assert_eq!(c.open(&padded)["diagnostics"], alone);
    c.stop();
}

/// The editor lists as many findings of a code as `check` shows: a
/// hundred by default, then one that counts the rest; the config's
/// `max-per-code` sets the number, and 0 lists every one.
#[test]
fn the_server_shows_as_many_findings_of_a_code_as_the_config_says() {
    // 120 systems no flow uses: 120 findings of MN012.
    let mut text = UNUSED.to_string();
    for k in 0..119 {
        text.push_str(&format!("actor 予備{k:03} : 組合\n"));
    }
    let d = tempfile::tempdir().unwrap();
    let mut c = Client::start(json!({}));
    let mut shown = |config: Option<&str>| {
        let folder = d.path().join(format!("p{}", config.map_or(0, str::len)));
        std::fs::create_dir_all(&folder).unwrap();
        if let Some(config) = config {
            std::fs::write(folder.join("mynaflow.toml"), config).unwrap();
        }
        let codes = codes_at(&mut c, &folder.join("a.myna"), &text);
        codes.iter().filter(|code| *code == "MN012").count()
    };
    // The first hundred, and one that counts the other twenty.
    assert_eq!(shown(None), 101);
    assert_eq!(shown(Some("max-per-code = 5\n")), 6);
    assert_eq!(shown(Some("max-per-code = 0\n")), 120);
    c.stop();
}

/// The pipe the server reads is widened to 1 MiB, so that a large
/// document's whole text reaches it in long reads.
#[cfg(target_os = "linux")]
#[test]
fn the_server_widens_the_pipe_it_reads() {
    use std::os::fd::AsRawFd;
    let c = Client::start(json!({}));
    // SAFETY: F_GETPIPE_SZ only reads the pipe's size.
    let size = unsafe { libc::fcntl(c.stdin.as_raw_fd(), libc::F_GETPIPE_SZ) };
    common::assert_widened(size, "the server's input pipe");
    c.stop();
}

/// The codes of published diagnostics.
/// The diagnostic of code `code` that `published` holds (the first).
fn finding(published: &Value, code: &str) -> Value {
    published["diagnostics"]
        .as_array()
        .and_then(|ds| ds.iter().find(|d| d["code"] == code))
        .unwrap_or_else(|| panic!("no {code}: {published}"))
        .clone()
}

/// The first code action of `actions` whose title holds `title`.
fn action(actions: &Value, title: &str) -> Value {
    actions
        .as_array()
        .and_then(|all| {
            all.iter()
                .find(|a| a["title"].as_str().is_some_and(|t| t.contains(title)))
        })
        .unwrap_or_else(|| panic!("no action titled {title:?}: {actions}"))
        .clone()
}

fn codes_of(published: &Value) -> Vec<String> {
    published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

/// The second society's design of one internal flow: no findings under
/// its rulebook.
/// The second society's rulebook (`rules.myna`) and [`SECOND_DESIGN`],
/// which uses it, written to a folder of their own.
struct SecondSociety {
    dir: tempfile::TempDir,
    second: &'static str,
    rules: std::path::PathBuf,
    rules_uri: String,
    design_uri: String,
}

fn second_society() -> SecondSociety {
    let dir = tempfile::tempdir().unwrap();
    let second = include_str!("../examples/second-society/rules.myna");
    let rules = dir.path().join("rules.myna");
    std::fs::write(&rules, second).unwrap();
    let design = dir.path().join("design.myna");
    std::fs::write(&design, SECOND_DESIGN).unwrap();
    let rules_uri = lsp_types::Url::from_file_path(&rules).unwrap().to_string();
    let design_uri = lsp_types::Url::from_file_path(&design).unwrap().to_string();
    SecondSociety {
        dir,
        second,
        rules,
        rules_uri,
        design_uri,
    }
}

const SECOND_DESIGN: &str = "use \"rules.myna\"\nactor 資格システム : 当組合\nactor 健康管理システム : 当組合\n\
    data 資格 : 資格記録\nflow 資格システム -> 健康管理システム : 資格 for 資格管理\n";

/// A design is checked again when the rulebook it uses changes: edited in
/// the editor (read from the editor's text, not the disk), fixed after
/// being broken (its MN013 clears, and pointed at the rulebook's error),
/// closed, and changed on disk (`workspace/didChangeWatchedFiles`, which
/// the server registers for when the client can be asked).
#[test]
fn a_design_is_checked_again_when_its_rulebook_changes() {
    let SecondSociety {
        dir: _dir,
        second,
        rules,
        rules_uri,
        design_uri,
    } = second_society();
    let mut c = Client::start(
        json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}}),
    );
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": design_uri, "languageId": "myna", "version": 1, "text": SECOND_DESIGN}}),
    );
    // The server asks to be told of changes to rulebooks and configs.
    let registration = loop {
        let m = c.receive();
        if m["method"] == "client/registerCapability" {
            break m;
        }
    };
    let watchers = &registration["params"]["registrations"][0];
    assert_eq!(watchers["method"], "workspace/didChangeWatchedFiles");
    assert_eq!(
        watchers["registerOptions"]["watchers"][0]["globPattern"],
        "**/*.myna"
    );
    c.send(json!({"jsonrpc": "2.0", "id": registration["id"], "result": null}));
    assert_eq!(
        codes_of(&c.diagnostics_of(&design_uri)),
        Vec::<String>::new()
    );

    // The rulebook opened and edited, not saved: 当組合 is no longer a role.
    let open = |c: &mut Client, text: &str| {
        c.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": rules_uri, "languageId": "myna", "version": 1, "text": text}}),
        );
    };
    open(&mut c, second);
    assert_eq!(
        codes_of(&c.diagnostics_of(&rules_uri)),
        Vec::<String>::new()
    );
    // Its text is now the one the design is checked against: checked again.
    assert_eq!(
        codes_of(&c.diagnostics_of(&design_uri)),
        Vec::<String>::new()
    );
    c.change_at(&rules_uri, 2, &second.replace("当組合", "本組合"));
    let renamed = codes_of(&c.diagnostics_of(&design_uri));
    assert!(renamed.iter().any(|c| c == "MN010"), "{renamed:?}");
    // Broken: MN013, pointing at the rulebook's error.
    let broken = format!("{second}category 壊れ in 存在しない親\n");
    c.change_at(&rules_uri, 3, &broken);
    let published = c.diagnostics_of(&design_uri);
    assert_eq!(codes_of(&published), ["MN013"]);
    let related = &published["diagnostics"][0]["relatedInformation"];
    assert_eq!(related[0]["location"]["uri"], json!(rules_uri), "{related}");
    let line = broken.lines().count() as u64 - 1;
    assert_eq!(
        related[0]["location"]["range"]["start"]["line"],
        json!(line)
    );
    let message = related[0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("MN010 ") && message.contains("存在しない親"),
        "{message}"
    );
    // Fixed: the MN013 clears.
    c.change_at(&rules_uri, 4, second);
    assert_eq!(
        codes_of(&c.diagnostics_of(&design_uri)),
        Vec::<String>::new()
    );
    // Edited again, then closed unsaved: the file on disk decides again.
    c.change_at(&rules_uri, 5, &second.replace("当組合", "本組合"));
    assert!(!codes_of(&c.diagnostics_of(&design_uri)).is_empty());
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": rules_uri}}),
    );
    assert_eq!(
        codes_of(&c.diagnostics_of(&design_uri)),
        Vec::<String>::new()
    );

    // Changed on disk, with the rulebook not open: the watched files say so.
    std::fs::write(&rules, second.replace("当組合", "本組合")).unwrap();
    let changed = json!({"changes": [{"uri": rules_uri, "type": 2}]});
    c.notify("workspace/didChangeWatchedFiles", changed.clone());
    let renamed = codes_of(&c.diagnostics_of(&design_uri));
    assert!(renamed.iter().any(|c| c == "MN010"), "{renamed:?}");
    std::fs::write(&rules, second).unwrap();
    c.notify("workspace/didChangeWatchedFiles", changed);
    assert_eq!(
        codes_of(&c.diagnostics_of(&design_uri)),
        Vec::<String>::new()
    );
    c.stop();
}

/// Typing in a rulebook faster than its designs are checked: the designs
/// are checked when the typing pauses, and what they show last is what
/// the rulebook's last text gives, before a request sent after the edits
/// is answered.
#[test]
fn a_design_follows_the_last_text_of_a_rulebook_typed_fast() {
    let SecondSociety {
        dir: _dir,
        second,
        rules: _,
        rules_uri,
        design_uri,
    } = second_society();
    let mut c = Client::start(json!({}));
    assert!(c.open_at(&design_uri, SECOND_DESIGN)["diagnostics"] == json!([]));
    c.open_at(&rules_uri, second);
    let broken = second.replace("当組合", "本組合");
    for version in 2..12 {
        let text = if version % 2 == 0 { &broken } else { second };
        c.change_at(&rules_uri, version, text);
    }
    // The last text (version 11) is the file's: no finding.
    c.next += 1;
    let id = c.next;
    c.send(
        json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/documentSymbol",
                  "params": {"textDocument": {"uri": design_uri}}}),
    );
    let mut last = None;
    loop {
        let m = c.receive();
        if m["id"] == json!(id) {
            break;
        }
        if m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == design_uri {
            last = Some(m["params"]["diagnostics"].clone());
        }
    }
    assert_eq!(last, Some(json!([])));
    c.stop();
}

/// "Suppress with a reason" writes a reason the user must replace: as
/// written, the suppression is MN501 and the finding stays, so one click
/// silences nothing. In a CR LF document, the line it adds ends with CR LF.
#[test]
fn the_suppress_action_leaves_a_reason_to_write() {
    let mut c = Client::start(json!({}));
    let diags = c.open(DESIGN);
    let mn102 = finding(&diags, "MN102");
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": URI}, "range": mn102["range"], "context": {"diagnostics": []}}),
    );
    let suppress = action(&actions, "suppress MN102 with a reason");
    let edit = &suppress["edit"]["changes"][URI][0];
    let comment = edit["newText"].as_str().unwrap();
    assert_eq!(
        comment,
        "# mynaflow: allow MN102 reason=\"TODO: why this is acceptable\"\n"
    );
    // Applied as it is: MN501, and MN102 still reported.
    let line = edit["range"]["start"]["line"].as_u64().unwrap() as usize;
    let mut lines: Vec<&str> = DESIGN.split_inclusive('\n').collect();
    lines.insert(line, comment);
    let applied = lines.concat();
    let published = c.change(2, &applied);
    let codes = codes_of(&published);
    assert!(codes.contains(&"MN102".to_string()), "{codes:?}");
    let mn501 = finding(&published, "MN501");
    let message = mn501["message"].as_str().unwrap();
    assert!(
        message.contains("is the placeholder the editor wrote: replace it"),
        "{message}"
    );
    // With a reason written: suppressed.
    let reasoned = applied.replace(
        "TODO: why this is acceptable",
        "本人の書面同意 (2025-04-01 確認)",
    );
    let codes = codes_of(&c.change(3, &reasoned));
    assert!(
        !codes.contains(&"MN102".to_string()) && !codes.contains(&"MN501".to_string()),
        "{codes:?}"
    );
    // CR LF: the line added ends as the others do.
    let crlf = DESIGN.replace('\n', "\r\n");
    c.change(4, &crlf);
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": URI}, "range": mn102["range"], "context": {"diagnostics": []}}),
    );
    let text = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "suppress MN102 with a reason")
        .map(|a| a["edit"]["changes"][URI][0]["newText"].clone());
    assert_eq!(
        text,
        Some(json!(
            "# mynaflow: allow MN102 reason=\"TODO: why this is acceptable\"\r\n"
        ))
    );
    c.stop();
}

/// MN103's quick fix, where the nearest rule's channel differs too, sets
/// the purpose and adds the carrier at once: applied, the flow passes (it
/// used to set only the purpose, and the flow was then MN104).
#[test]
fn the_wrong_purpose_quick_fix_mends_the_channel_too() {
    let design = "use \"kenpo\"\n\
        actor 市町村 : 他機関 \"市町村\"\n\
        actor NWS : 情報提供ネットワークシステム\n\
        actor 基幹 : 組合 \"基幹システム\"\n\
        data 給付記録 : 給付情報\n\
        flow 市町村 -> 基幹 : 給付記録 for 他機関給付事務\n";
    let mut c = Client::start(json!({}));
    let mn103 = finding(&c.open(design), "MN103");
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": URI}, "range": mn103["range"], "context": {"diagnostics": []}}),
    );
    let fix = action(
        &actions,
        "use the purpose the rule allows, `保険給付審査`, and route it via NWS",
    );
    let fixed = applied(design, &fix["edit"]["changes"][URI]);
    assert!(
        fixed.ends_with("flow 市町村 -> 基幹 : 給付記録 for 保険給付審査 via NWS\n"),
        "{fixed}"
    );
    let codes = codes_of(&c.change(2, &fixed));
    assert!(codes.is_empty(), "{codes:?}");
    c.stop();
}

/// No suppression silences MN004 (the text does not read as written), so
/// the editor offers none; and a finding after a lone CR is placed on the
/// line the editor shows it on (the protocol ends a line at a lone CR).
#[test]
fn mn004_gets_no_suppress_action_and_a_lone_cr_ends_the_editors_line() {
    let mut c = Client::start(json!({}));
    let text = DESIGN.replacen('\n', "\n# x\u{202e}\n", 1);
    let diags = c.open(&text);
    let mn004 = finding(&diags, "MN004");
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": URI}, "range": mn004["range"], "context": {"diagnostics": []}}),
    );
    let titles: Vec<&str> = (actions.as_array().unwrap().iter())
        .filter_map(|a| a["title"].as_str())
        .collect();
    assert!(
        !titles.iter().any(|t| t.contains("suppress MN004")),
        "{titles:?}"
    );
    // A lone CR after a comment: the MN004 at the CR is on the comment's
    // line, and what follows (the rest of the file) one line down.
    let text = DESIGN.replacen('\n', "\n# x\r\n", 1);
    let before = finding(&c.change(2, &text), "MN102")["range"]["start"]["line"].clone();
    let text = DESIGN.replacen('\n', "\n# x\r# y\n", 1);
    let published = c.change(3, &text);
    let cr = finding(&published, "MN004");
    assert_eq!(cr["range"]["start"], json!({"line": 1, "character": 3}));
    assert_eq!(
        finding(&published, "MN102")["range"]["start"]["line"],
        json!(before.as_u64().unwrap() + 1)
    );
    c.stop();
}

/// A rename to a name another actor or data item has (as names compare)
/// is refused with an error, as are a name with a line break and an
/// empty one, each with its reason; prepareRename says what can be renamed.
#[test]
fn a_rename_that_would_merge_or_break_names_is_refused() {
    let text = "use \"kenpo\"\nactor 資格システム : 組合\nactor 本社人事 : 組合\ndata 資格 : 資格情報\n\
                flow 資格システム -> 本社人事 : 資格 for 資格確認\n";
    let mut c = Client::start(json!({"textDocument": {"rename": {"prepareSupport": true}}}));
    c.open(text);
    let rename = |c: &mut Client, (line, character): (u32, u32), name: &str| {
        c.request_raw(
            "textDocument/rename",
            json!({"textDocument": {"uri": URI}, "position": {"line": line, "character": character},
                   "newName": name}),
        )
    };
    let refused = |answer: &Value| {
        (
            answer["error"]["code"].as_i64().unwrap_or_default(),
            answer["error"]["message"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
        )
    };
    let actor = (1, 7);
    for taken in ["本社人事", "本社 人事", "本社人事 "] {
        let (code, message) = refused(&rename(&mut c, actor, taken));
        assert_eq!(code, -32803, "{taken}: {message}");
        assert_eq!(
            message,
            "`本社人事` is already the name of an actor (line 3): renamed, two declarations would share one name"
        );
    }
    let (code, message) = refused(&rename(&mut c, actor, "資格"));
    assert_eq!(code, -32803);
    assert!(
        message.contains("already the name of a data item (line 4)"),
        "{message}"
    );
    let (code, message) = refused(&rename(&mut c, actor, "a\nb"));
    assert_eq!(code, -32602);
    assert!(
        message.contains("line break") && message.contains("U+000A"),
        "{message}"
    );
    for empty in ["", "  ", "\u{3000}"] {
        let (code, message) = refused(&rename(&mut c, actor, empty));
        assert_eq!(
            (code, message.as_str()),
            (-32602, "the new name is empty"),
            "{empty:?}"
        );
    }
    // Its own name, respelt, and a new one: renamed.
    let answer = rename(&mut c, actor, "資格 システム");
    assert!(
        answer["result"]["changes"][URI]
            .as_array()
            .is_some_and(|e| e.len() == 2),
        "{answer}"
    );
    // prepareRename: the name's range on an actor, an error on a role.
    let prepare = |c: &mut Client, (line, character): (u32, u32)| {
        c.request_raw(
            "textDocument/prepareRename",
            json!({"textDocument": {"uri": URI}, "position": {"line": line, "character": character}}),
        )
    };
    let range = prepare(&mut c, actor);
    assert_eq!(
        range["result"],
        json!({"start": {"line": 1, "character": 6}, "end": {"line": 1, "character": 12}})
    );
    let (code, message) = refused(&prepare(&mut c, (1, 15)));
    assert_eq!(code, -32600);
    assert_eq!(
        message,
        "only actors and data items of the design can be renamed"
    );
    c.stop();
}

/// A rulebook open in the editor has an outline, and its names go to
/// their declarations and find their references; hover shows a rule.
#[test]
fn a_rulebook_has_an_outline_definitions_references_and_hover() {
    let rules = include_str!("../examples/second-society/rules.myna");
    let uri = "file:///lsp-test/rules.myna";
    let mut c = Client::start(json!({}));
    c.open_at(uri, rules);
    let position = |needle: &str, nth: usize| {
        let at = rules.match_indices(needle).nth(nth).unwrap().0;
        let line = rules[..at].matches('\n').count();
        let start = rules[..at].rfind('\n').map_or(0, |n| n + 1);
        let character = rules[start..at].encode_utf16().count();
        json!({"line": line, "character": character})
    };
    let symbols = c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    let names: Vec<(&str, u64)> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["name"].as_str().unwrap(), s["kind"].as_u64().unwrap()))
        .collect();
    assert_eq!(names[0], ("daini", 4), "{names:?}");
    assert!(
        names.contains(&("当組合", 5)) && names.contains(&("所得情報", 10)),
        "{names:?}"
    );
    let b = symbols
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "B")
        .unwrap();
    let inside: Vec<&str> = b["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        &inside[..4],
        [
            "健診実施",
            "健診委託",
            "事業所連携",
            "allow 当組合 -> 業務委託先 : 健診記録 for 健診委託"
        ]
    );
    // A role in a rule: to its declaration.
    let at = json!({"textDocument": {"uri": uri}, "position": position("業務委託先", 1)});
    let definition = c.request("textDocument/definition", at);
    assert_eq!(definition["uri"], uri);
    assert_eq!(definition["range"]["start"], position("業務委託先", 0));
    // A purpose in the register: its declaration, the rule and the row.
    let mut at = json!({"textDocument": {"uri": uri}, "position": position("健診委託", 2)});
    at["context"] = json!({"includeDeclaration": true});
    let references = c.request("textDocument/references", at.clone());
    let starts: Vec<&Value> = (references.as_array().unwrap().iter())
        .map(|r| &r["range"]["start"])
        .collect();
    let expected: Vec<Value> = (0..3).map(|n| position("健診委託", n)).collect();
    assert_eq!(starts, expected.iter().collect::<Vec<_>>());
    at["context"] = json!({"includeDeclaration": false});
    let references = c.request("textDocument/references", at);
    assert_eq!(references.as_array().unwrap().len(), 2);
    // Hover on a rule's arrow: the rule and its section.
    let arrow = position("->", 0);
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": arrow}),
    );
    let value = hover["contents"]["value"].as_str().unwrap();
    assert!(
        value.starts_with("**rule** `allow 当組合 -> 業務委託先 : 健診記録 for 健診委託`"),
        "{value}"
    );
    assert!(value.contains("section B — 健康づくり事業"), "{value}");
    // A purpose: its wording and section.
    let purpose = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": position("健診委託", 1)}),
    );
    let value = purpose["contents"]["value"].as_str().unwrap();
    assert!(
        value.contains("健康診断の実施の委託") && value.contains("section B"),
        "{value}"
    );
    c.stop();
}

/// The UTF-16 position of byte `at` of `text`.
fn position16(text: &str, at: usize) -> Value {
    let line = text[..at].matches('\n').count();
    let start = text[..at].rfind('\n').map_or(0, |n| n + 1);
    json!({"line": line, "character": text[start..at].encode_utf16().count()})
}

/// `text` with the edits of a `changes` list made in it.
fn applied(text: &str, edits: &Value) -> String {
    let mut edits: Vec<(usize, usize, String)> = (edits.as_array().unwrap().iter())
        .map(|e| {
            let start = offset16(text, &e["range"]["start"]);
            let end = offset16(text, &e["range"]["end"]);
            (start, end, e["newText"].as_str().unwrap().to_string())
        })
        .collect();
    edits.sort();
    let mut out = text.to_string();
    for (start, end, new) in edits.into_iter().rev() {
        out.replace_range(start..end, &new);
    }
    out
}

/// Completion in a rulebook offers what its grammar takes at the cursor,
/// from the names the rulebook declares: the keywords a section holds
/// inside one (not a design's), its categories after an `allow`'s `:`,
/// its purposes after `for` (the section's own first), its roles after
/// `via` (carriers first) and after `contractor role` (contractor roles
/// first).
#[test]
fn a_rulebook_completes_the_names_it_declares_where_its_grammar_takes_them() {
    let rules = include_str!("../examples/second-society/rules.myna");
    let uri = "file:///lsp-test/rules.myna";
    let mut c = Client::start(json!({}));
    c.open_at(uri, rules);
    let mut version = 1;
    // The items offered with `typed` at byte `at` of the rulebook, the
    // cursor after it, as (rank, label), sorted.
    let mut offered = |at: usize, typed: &str| {
        let text = format!("{}{typed}{}", &rules[..at], &rules[at..]);
        version += 1;
        c.change_at(uri, version, &text);
        let answer = c.request(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri}, "position": position16(&text, at + typed.len())}),
        );
        let mut items: Vec<(String, String)> = (answer.as_array().unwrap().iter())
            .map(|i| {
                let rank = i["sortText"].as_str().unwrap()[..1].to_string();
                (rank, i["label"].as_str().unwrap().to_string())
            })
            .collect();
        items.sort();
        items
    };
    let labels = |items: Vec<(String, String)>| -> Vec<String> {
        items.into_iter().map(|(_, l)| l).collect()
    };
    // A new line in section C, after its rule.
    let in_c = rules.find("via 連携NW\n").unwrap() + "via 連携NW\n".len();
    assert_eq!(labels(offered(in_c, "  ")), ["allow", "purpose"]);
    // Sorted as labels are sorted here.
    let categories = [
        "健診記録",
        "加入者情報",
        "所得情報",
        "番号関係情報",
        "資格記録",
    ];
    assert_eq!(
        labels(offered(in_c, "  allow 保険者等 -> 当組合 : ")),
        categories
    );
    let purposes = offered(in_c, "  allow 保険者等 -> 当組合 : 所得情報 for ");
    assert_eq!(purposes.len(), 5, "{purposes:?}");
    assert_eq!(purposes[0], ("0".into(), "被扶養者確認".into()));
    assert!(purposes[1..].iter().all(|(rank, _)| rank == "1"));
    let via = offered(
        in_c,
        "  allow 保険者等 -> 当組合 : 所得情報 for 被扶養者確認 via ",
    );
    assert_eq!(via.len(), 6, "{via:?}");
    assert_eq!(via[0], ("0".into(), "連携NW".into()));
    // At the end, outside every section.
    let end = rules.len();
    assert_eq!(
        labels(offered(end, "")),
        ["category", "clause", "contractor", "role", "section"]
    );
    let row = offered(end, "contractor role ");
    assert_eq!(row[0], ("0".into(), "業務委託先".into()));
    assert_eq!(
        labels(offered(end, "category 新 in ")),
        categories,
        "a parent"
    );
    c.stop();
}

/// The copy of the built-in rulebook that the server writes for go to
/// definition is for reading: the checks read the rulebook built into
/// mynaflow, so a rename there would change nothing they read. It is
/// refused, in rename and in prepareRename, saying how to rename; the same
/// text in a file of the project is a rulebook like any other.
#[test]
fn a_name_in_the_built_in_rulebooks_copy_is_not_renamed() {
    let mut c = Client::start(json!({"textDocument": {"rename": {"prepareSupport": true}}}));
    // Answered once the server has written its cache.
    c.open(DESIGN);
    let copy = c.cache.path().join("mynaflow").join("kenpo.myna");
    let text = std::fs::read_to_string(&copy).unwrap();
    let line = text
        .lines()
        .position(|l| l.starts_with("role 組合"))
        .unwrap() as u32;
    let project = tempfile::tempdir().unwrap();
    let own = project.path().join("rules.myna");
    std::fs::write(&own, &text).unwrap();
    for (path, built_in) in [(copy, true), (own, false)] {
        let uri = lsp_types::Url::from_file_path(&path).unwrap().to_string();
        c.open_at(&uri, &text);
        let at = json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": 6}});
        let mut rename = at.clone();
        rename["newName"] = json!("本組合");
        let renamed = c.request_raw("textDocument/rename", rename);
        let prepared = c.request_raw("textDocument/prepareRename", at);
        if built_in {
            assert_eq!(renamed["error"]["code"], json!(-32803), "{renamed}");
            for answer in [&renamed, &prepared] {
                let message = answer["error"]["message"].as_str().unwrap_or_default();
                assert!(
                    message.contains("`kenpo` is the built-in rulebook")
                        && message.contains("copy it into the project"),
                    "{answer}"
                );
            }
        } else {
            let edits = &renamed["result"]["changes"][&uri];
            assert!(edits.as_array().is_some_and(|e| e.len() > 1), "{renamed}");
            assert!(prepared["result"]["start"].is_object(), "{prepared}");
        }
    }
}

/// Rename in a rulebook renames a role, category, purpose or clause
/// there, declaration and every use, and in each open design bound to
/// that rulebook: both made as the answer says, the design has no
/// finding. A name another declaration has is refused, naming it and its
/// line, as are a name with a line break and an empty one; prepareRename
/// says what can be renamed.
#[test]
fn a_rulebook_name_is_renamed_there_and_in_the_open_designs_bound_to_it() {
    let SecondSociety {
        dir: _dir,
        second,
        rules: _,
        rules_uri,
        design_uri,
    } = second_society();
    let mut c = Client::start(json!({"textDocument": {"rename": {"prepareSupport": true}}}));
    assert_eq!(
        c.open_at(&design_uri, SECOND_DESIGN)["diagnostics"],
        json!([])
    );
    c.open_at(&rules_uri, second);
    let at = |needle: &str, nth: usize| {
        position16(second, second.match_indices(needle).nth(nth).unwrap().0)
    };
    let rename = |c: &mut Client, position: Value, name: &str| {
        c.request_raw(
            "textDocument/rename",
            json!({"textDocument": {"uri": rules_uri}, "position": position, "newName": name}),
        )
    };
    // The role, from its use in the last rule.
    let answer = rename(&mut c, at("当組合", 3), "本組合");
    let changes = &answer["result"]["changes"];
    let keys: Vec<&String> = changes.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 2, "{answer}");
    assert_eq!(changes[&rules_uri].as_array().unwrap().len(), 4);
    let rules_now = applied(second, &changes[&rules_uri]);
    assert_eq!(rules_now, second.replace("当組合", "本組合"));
    let design_now = applied(SECOND_DESIGN, &changes[&design_uri]);
    assert_eq!(design_now, SECOND_DESIGN.replace("当組合", "本組合"));
    // Made in the editor: the design is as clean as before.
    c.change_at(&rules_uri, 2, &rules_now);
    c.change_at(&design_uri, 2, &design_now);
    let mut design_diagnostics = c.diagnostics_of(&design_uri);
    // The design is checked again for the rulebook's sake too: its last
    // diagnostics are those of its new text under the new rulebook.
    let id = {
        c.next += 1;
        c.next
    };
    c.send(
        json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/documentSymbol",
                  "params": {"textDocument": {"uri": design_uri}}}),
    );
    loop {
        let m = c.receive();
        if m["id"] == json!(id) {
            break;
        }
        if m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == design_uri {
            design_diagnostics = m["params"].clone();
        }
    }
    assert_eq!(codes_of(&design_diagnostics), Vec::<String>::new());
    // A purpose, from its declaration: the design's flow follows.
    // (The section's title has the words too: not a name, not renamed.)
    let declared = rules_now.find("purpose 資格管理").unwrap() + "purpose ".len();
    let answer = rename(&mut c, position16(&rules_now, declared), "資格の管理");
    let changes = &answer["result"]["changes"];
    assert_eq!(
        applied(&rules_now, &changes[&rules_uri]),
        rules_now.replace("purpose 資格管理", "purpose 資格の管理")
    );
    assert_eq!(
        applied(&design_now, &changes[&design_uri]),
        design_now.replace("for 資格管理", "for 資格の管理")
    );
    // A category no design writes: the rulebook alone.
    let health = rules_now.find("category 健診記録").unwrap() + "category ".len();
    let answer = rename(&mut c, position16(&rules_now, health), "健診結果");
    let keys = answer["result"]["changes"].as_object().unwrap().len();
    assert_eq!(keys, 1, "{answer}");

    let refused = |answer: &Value| {
        (
            answer["error"]["code"].as_i64().unwrap_or_default(),
            answer["error"]["message"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
        )
    };
    let role = position16(&rules_now, rules_now.find("本組合").unwrap());
    let line_of = |needle: &str| {
        rules_now[..rules_now.find(needle).unwrap()]
            .matches('\n')
            .count()
            + 1
    };
    let (code, message) = refused(&rename(&mut c, role.clone(), "保険者 等"));
    assert_eq!(code, -32803);
    assert_eq!(
        message,
        format!(
            "`保険者等` is already the name of a role (line {}): renamed, two declarations would share one name",
            line_of("role 保険者等")
        )
    );
    let (code, message) = refused(&rename(&mut c, role.clone(), "資格記録"));
    assert_eq!(code, -32803);
    let line = line_of("category 資格記録");
    assert!(
        message.contains(&format!("already the name of a category (line {line})")),
        "{message}"
    );
    let (code, message) = refused(&rename(&mut c, role.clone(), "a\nb"));
    assert_eq!(code, -32602);
    assert!(message.contains("U+000A"), "{message}");
    let (code, message) = refused(&rename(&mut c, role.clone(), " "));
    assert_eq!((code, message.as_str()), (-32602, "the new name is empty"));
    // Its own name respelt: renamed.
    let answer = rename(&mut c, role.clone(), "本 組合");
    assert!(
        answer["result"]["changes"][&rules_uri].is_array(),
        "{answer}"
    );

    // prepareRename: a name's range; an error on a rule's arrow.
    let prepare = |c: &mut Client, position: Value| {
        c.request_raw(
            "textDocument/prepareRename",
            json!({"textDocument": {"uri": rules_uri}, "position": position}),
        )
    };
    let range = prepare(&mut c, role.clone());
    assert_eq!(range["result"]["start"], role);
    let arrow = position16(&rules_now, rules_now.find("->").unwrap());
    let (code, message) = refused(&prepare(&mut c, arrow.clone()));
    assert_eq!(code, -32600);
    assert_eq!(
        message,
        "only the roles, categories, purposes and clauses of the rulebook can be renamed"
    );
    let (code, _) = refused(&rename(&mut c, arrow, "x"));
    assert_eq!(code, -32600);
    c.stop();
}

/// A BOM at the start of the editor's text is skipped as `check` skips it
/// (no MN004), and positions on the first line count it.
#[test]
fn a_bom_sent_by_the_editor_is_skipped_as_check_skips_it() {
    let text = "actor 𠮷 : 組合\nactor B : 組合 \"x\"\n";
    let mut c = Client::start(json!({}));
    let plain = c.open(text);
    let with_bom = c.change(2, &format!("\u{feff}{text}"));
    assert!(
        !codes_of(&with_bom).contains(&"MN004".to_string()),
        "{with_bom}"
    );
    assert_eq!(codes_of(&with_bom), codes_of(&plain));
    // The first line's finding one unit further on; the second's as it was.
    let first = |p: &Value, line: u64| {
        p["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["range"]["start"]["line"] == line)
            .map(|d| d["range"]["start"]["character"].as_u64().unwrap())
    };
    assert_eq!(first(&with_bom, 0), first(&plain, 0).map(|c| c + 1));
    assert_eq!(first(&with_bom, 1), first(&plain, 1));
    // Formatting works, and an edit after the BOM lands where typed.
    let formatting = c.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": URI}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert!(formatting.is_array(), "{formatting}");
    let after = c.edit(
        3,
        json!([{"range": {"start": {"line": 0, "character": 1}, "end": {"line": 0, "character": 1}},
                "text": "# 注\n"}]),
    );
    assert_eq!(first(&after, 1), first(&plain, 0));
    c.stop();
}

/// A config error is shown on its lines, not with `\u{a}` for each break.
#[test]
fn a_config_error_is_shown_on_its_lines() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("mynaflow.toml"), "ignore = [\n").unwrap();
    let path = d.path().join("a.myna");
    let uri = lsp_types::Url::from_file_path(&path).unwrap();
    let mut c = Client::start(json!({}));
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri.as_str(), "languageId": "myna", "version": 1, "text": UNUSED}}),
    );
    let shown = loop {
        let m = c.receive();
        if m["method"] == "window/showMessage" {
            break m["params"]["message"].as_str().unwrap().to_string();
        }
    };
    assert!(shown.contains('\n') && !shown.contains("\\u{a}"), "{shown}");
    c.stop();
}

/// `exit` without `shutdown` exits with 1; a request after `shutdown` is
/// answered with InvalidRequest, and the server still exits with 0.
#[test]
fn the_lifecycle_is_as_lsp_3_17_says() {
    let mut c = Client::start(json!({}));
    c.notify("exit", Value::Null);
    assert_eq!(c.child.wait().unwrap().code(), Some(1));
    let mut c = Client::start(json!({}));
    c.open(DESIGN);
    assert_eq!(c.request("shutdown", Value::Null), Value::Null);
    let after = c.request_raw(
        "textDocument/hover",
        json!({"textDocument": {"uri": URI}, "position": {"line": 11, "character": 13}}),
    );
    assert_eq!(after["error"]["code"], json!(-32600), "{after}");
    c.notify("exit", Value::Null);
    assert_eq!(c.child.wait().unwrap().code(), Some(0));
}

/// A folder per config: `ja` (`lang = "ja"`), `en` (`lang = "en"`) and
/// `plain` (none), each with [`UNUSED`] as `a.myna`.
fn language_projects() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    for (folder, config) in [
        ("ja", Some("lang = \"ja\"\n")),
        ("en", Some("lang = \"en\"\n")),
        ("plain", None),
    ] {
        let dir = d.path().join(folder);
        std::fs::create_dir_all(&dir).unwrap();
        if let Some(config) = config {
            std::fs::write(dir.join("mynaflow.toml"), config).unwrap();
        }
        std::fs::write(dir.join("a.myna"), UNUSED).unwrap();
    }
    d
}

/// The URI of `folder/a.myna` under `d`.
fn design_in(d: &tempfile::TempDir, folder: &str) -> String {
    let path = d.path().join(folder).join("a.myna");
    lsp_types::Url::from_file_path(path).unwrap().to_string()
}

/// The words that tell [`UNUSED`]'s texts apart in each language: the
/// MN012 on 予備, its explain page, the hover on 予備, the completion
/// of a purpose after `for`, the action that suppresses MN012 and the
/// reason it leaves to write, and the refusal to rename 予備 to 基幹.
const SAID_EN: [&str; 7] = [
    "actor `予備` is declared but no flow uses it",
    "/explain/en/MN012.md",
    "**actor** `予備`",
    "**purpose** `資格確認`",
    "suppress MN012 with a reason",
    "reason=\"TODO: why this is acceptable\"",
    "`基幹` is already the name of an actor (line 2)",
];
const SAID_JA: [&str; 7] = [
    "アクター「予備」は宣言されていますが、どのフローにも使われていません",
    "/explain/ja/MN012.md",
    "**アクター** `予備`",
    "**利用目的** `資格確認`",
    "MN012 を理由付きで抑制する",
    "reason=\"TODO: 許容できる理由\"",
    "「基幹」はすでにアクターの名前です (2 行目)",
];

/// What the server says of [`UNUSED`] open as `uri`, `published` its
/// diagnostics, checked to be `expected` ([`SAID_EN`] or [`SAID_JA`])
/// each: the diagnostics, hover, completion, code actions and rename.
fn assert_said(c: &mut Client, uri: &str, published: &Value, expected: &[&str; 7]) {
    assert_eq!(published["uri"], json!(uri));
    let mn012 = finding(published, "MN012");
    let at = |line: u32, character: u32| json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}});
    let hover = c.request("textDocument/hover", at(2, 6));
    let after_for = col16(UNUSED, 4, "資格確認");
    let completion = c.request("textDocument/completion", at(4, after_for));
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": mn012["range"], "context": {"diagnostics": []}}),
    );
    let suppress = action(&actions, "MN012");
    let mut rename = at(2, 6);
    rename["newName"] = json!("基幹");
    let refused = c.request_raw("textDocument/rename", rename);
    let said = [
        mn012["message"].to_string(),
        mn012["codeDescription"]["href"].to_string(),
        hover["contents"]["value"].to_string(),
        completion.to_string(),
        suppress["title"].to_string(),
        suppress["edit"]["changes"][uri][0]["newText"].to_string(),
        refused["error"]["message"].to_string(),
    ];
    for (said, expected) in said.iter().zip(expected) {
        // As JSON: a quote in the words is escaped there.
        let expected = json!(expected).to_string();
        let expected = &expected[1..expected.len() - 1];
        assert!(said.contains(expected), "{uri}: {expected} not in {said}");
    }
}

/// What the server says of a document is in the language `check` would
/// use for it: `--lang` given, whatever the document's config says;
/// without it, the config's `lang` (Japanese under `lang = "ja"`, English
/// under `lang = "en"`), else the locale's (none: English; `ja_JP`:
/// Japanese). One server, documents under each config side by side.
#[test]
fn a_documents_language_is_lang_given_else_its_configs_else_the_locale() {
    let d = language_projects();
    let (en, ja) = (&SAID_EN, &SAID_JA);
    for (args, locale, [under_ja, under_en, plain]) in [
        (&["lsp"][..], None, [ja, en, en]),
        (&["lsp"], Some("ja_JP.UTF-8"), [ja, en, ja]),
        (&["lsp", "--lang", "en"], Some("ja_JP.UTF-8"), [en, en, en]),
        (&["lsp", "--lang", "ja"], None, [ja, ja, ja]),
    ] {
        let mut c = Client::start_as(args, locale, json!({}));
        for (folder, expected) in [("ja", under_ja), ("en", under_en), ("plain", plain)] {
            let uri = design_in(&d, folder);
            let published = c.open_at(&uri, UNUSED);
            assert_said(&mut c, &uri, &published, expected);
        }
        c.stop();
    }
}

/// A config's `lang` changed on disk: the documents under it are
/// published again in the new language (their words in it from then on),
/// and again when it is deleted, in the locale's.
#[test]
fn a_config_whose_lang_changes_on_disk_changes_its_documents_language() {
    let d = language_projects();
    let config = d.path().join("ja").join("mynaflow.toml");
    let config_uri = lsp_types::Url::from_file_path(&config).unwrap().to_string();
    let uri = design_in(&d, "ja");
    let mut c = Client::start_as(
        &["lsp"],
        None,
        json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}}),
    );
    let published = c.open_at(&uri, UNUSED);
    assert_said(&mut c, &uri, &published, &SAID_JA);
    for (text, kind, expected) in [
        (Some("lang = \"en\"\n"), 2, &SAID_EN),
        (Some("lang = \"ja\"\n"), 2, &SAID_JA),
        (None, 3, &SAID_EN),
    ] {
        match text {
            Some(text) => std::fs::write(&config, text).unwrap(),
            None => std::fs::remove_file(&config).unwrap(),
        }
        c.notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": config_uri, "type": kind}]}),
        );
        let published = c.diagnostics_of(&uri);
        assert_said(&mut c, &uri, &published, expected);
    }
    c.stop();
}

/// `(code, message)` of an error response (0 and nothing for a result).
fn error_of(answer: &Value) -> (i64, String) {
    let error = &answer["error"];
    let message = error["message"].as_str().unwrap_or_default();
    (
        error["code"].as_i64().unwrap_or_default(),
        message.to_string(),
    )
}

/// A request's error is said in the language of the document it names
/// (its config's `lang`, or `--lang`), parameters that cannot be read
/// too; a request that names no open document, or an unknown one, in the
/// server's (`--lang`, else the locale's). A method the client sent is
/// escaped in either.
#[test]
fn a_requests_error_is_in_the_language_of_the_document_it_names() {
    let d = language_projects();
    let (ja, en) = (design_in(&d, "ja"), design_in(&d, "en"));
    let gone = "file:///nowhere/b.myna";
    // The position is missing: InvalidParams, worded in the document's
    // language, serde's reason quoted.
    let unreadable = |uri: &str| json!({"textDocument": {"uri": uri}});
    let cases = [
        // (arguments, locale, under `ja`, under `en`, about no document)
        (
            &["lsp"][..],
            None,
            "パラメータを読めません",
            "the parameters cannot be read",
            "en",
        ),
        (
            &["lsp"],
            Some("ja_JP.UTF-8"),
            "パラメータを読めません",
            "the parameters cannot be read",
            "ja",
        ),
        (
            &["lsp", "--lang", "ja"],
            None,
            "パラメータを読めません",
            "パラメータを読めません",
            "ja",
        ),
        (
            &["lsp", "--lang", "en"],
            Some("ja_JP.UTF-8"),
            "the parameters cannot be read",
            "the parameters cannot be read",
            "en",
        ),
    ];
    for (args, locale, under_ja, under_en, server) in cases {
        let mut c = Client::start_as(args, locale, json!({}));
        c.open_at(&ja, UNUSED);
        c.open_at(&en, UNUSED);
        for (uri, said) in [(&ja, under_ja), (&en, under_en)] {
            let (code, message) = error_of(&c.request_raw("textDocument/hover", unreadable(uri)));
            assert_eq!(code, -32602, "{message}");
            assert!(message.starts_with("textDocument/hover: "), "{message}");
            assert!(
                message.contains(said) && message.contains("`position`"),
                "{args:?} {uri}: {message}"
            );
            // serde's reason is worded in the message's language too.
            let reason = match said {
                "パラメータを読めません" => "必須の項目 `position` がありません",
                _ => "missing field `position`",
            };
            assert!(message.ends_with(reason), "{args:?} {uri}: {message}");
        }
        let (code, not_open) = error_of(&c.request_raw("textDocument/hover", unreadable(gone)));
        assert_eq!(code, -32602, "{not_open}");
        let (code, unknown) = error_of(&c.request_raw("mynaflow/\u{1b}[31mnothing", json!({})));
        assert_eq!(code, -32601, "{unknown}");
        assert!(
            unknown.contains("mynaflow/\\u{1b}[31mnothing") && !unknown.contains('\u{1b}'),
            "{unknown}"
        );
        let hover = json!({"textDocument": {"uri": gone}, "position": {"line": 0, "character": 0}});
        let (code, closed) = error_of(&c.request_raw("textDocument/hover", hover));
        assert_eq!(code, -32602, "{closed}");
        let (unknown_said, closed_said) = match server {
            "ja" => (
                "というリクエストには対応していません",
                "file:///nowhere/b.myna は開かれていません",
            ),
            _ => ("unknown request", "file:///nowhere/b.myna is not open"),
        };
        assert!(unknown.contains(unknown_said), "{args:?}: {unknown}");
        assert_eq!(closed, closed_said, "{args:?}");
        let said = if server == "ja" {
            "パラメータを読めません"
        } else {
            "the parameters cannot be read"
        };
        assert!(not_open.contains(said), "{args:?}: {not_open}");
        c.stop();
    }
}

/// The requests before `initialize` and after `shutdown` are refused in
/// the server's language (`--lang`, else the locale's), and so is why a
/// session ended is said on standard error; English stays as it was.
#[test]
fn lifecycle_errors_are_in_the_servers_language() {
    let hover = json!({"textDocument": {"uri": URI}, "position": {"line": 0, "character": 0}});
    for (args, locale, before, after) in [
        (
            &["lsp", "--lang", "ja"][..],
            None,
            "initialize リクエストをまだ受け取っていないため、textDocument/hover には応答しません",
            "サーバーは終了処理中のため、textDocument/hover には応答しません",
        ),
        (
            &["lsp"],
            Some("ja_JP.UTF-8"),
            "initialize リクエストをまだ受け取っていないため、textDocument/hover には応答しません",
            "サーバーは終了処理中のため、textDocument/hover には応答しません",
        ),
        (
            &["lsp", "--lang", "en"],
            Some("ja_JP.UTF-8"),
            "expected an initialize request, not textDocument/hover",
            "the server is shutting down: textDocument/hover is not answered",
        ),
        (
            &["lsp"],
            None,
            "expected an initialize request, not textDocument/hover",
            "the server is shutting down: textDocument/hover is not answered",
        ),
    ] {
        let mut c = Client::spawn(args, locale);
        let refused = c.request_raw("textDocument/hover", hover.clone());
        assert_eq!(error_of(&refused), (-32002, before.to_string()), "{args:?}");
        let init = c.request("initialize", json!({"capabilities": {}}));
        assert!(init["capabilities"].is_object());
        c.notify("initialized", json!({}));
        assert_eq!(c.request("shutdown", Value::Null), Value::Null);
        let refused = c.request_raw("textDocument/hover", hover.clone());
        assert_eq!(error_of(&refused), (-32600, after.to_string()), "{args:?}");
        c.notify("exit", Value::Null);
        assert_eq!(c.child.wait().unwrap().code(), Some(0));
    }
    // Parameters of `initialize` that cannot be read: refused, and the
    // server stops.
    for (lang, said) in [
        (
            "ja",
            "initialize: パラメータを読めません。値の型が違います (必要なもの: ClientCapabilities 型のオブジェクト、指定されたもの: 整数 `5`)",
        ),
        (
            "en",
            "initialize: the parameters cannot be read: invalid type: integer `5`, expected struct ClientCapabilities",
        ),
    ] {
        let mut c = Client::spawn(&["lsp", "--lang", lang], None);
        let refused = c.request_raw("initialize", json!({"capabilities": 5}));
        let (code, message) = error_of(&refused);
        assert_eq!(code, -32602, "{refused}");
        assert_eq!(message, said);
        assert_eq!(c.child.wait().unwrap().code(), Some(2));
    }
    // The input ended before `exit`: said on standard error.
    for (args, said) in [
        (
            ["lsp", "--lang", "ja"],
            "mynaflow: エラー: lsp: クライアントのメッセージを読めません: `exit` の前に入力が終わりました",
        ),
        (
            ["lsp", "--lang", "en"],
            "mynaflow: error: lsp: reading the client's messages: the input ended before `exit`",
        ),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_mynaflow"))
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(String::from_utf8_lossy(&out.stderr).trim_end(), said);
    }
    // A message that is not JSON: serde_json's reason in the server's
    // language too.
    let body = r#"{"jsonrpc":"#;
    for (lang, said) in [
        (
            "ja",
            "mynaflow: エラー: lsp: クライアントのメッセージを読めません: Content-Length は 20 バイトですが、メッセージは 11 バイトで終わっています",
        ),
        (
            "en",
            "mynaflow: error: lsp: reading the client's messages: a message of 11 bytes where its Content-Length says 20",
        ),
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_mynaflow"))
            .args(["lsp", "--lang", lang])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        // A frame cut short: its Content-Length says more than comes.
        write!(stdin, "Content-Length: 20\r\n\r\n{body}").unwrap();
        drop(stdin);
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(String::from_utf8_lossy(&out.stderr).trim_end(), said);
    }
}

/// A workspace folder holding the second society's rulebook and designs
/// around it, as a rename in the rulebook meets them. Each design but
/// `open.myna` stays closed.
struct Workspace {
    /// The parent of `ws` (the workspace folder) and `outside`.
    dir: tempfile::TempDir,
    ws: std::path::PathBuf,
    second: &'static str,
}

impl Workspace {
    fn uri(&self, name: &str) -> String {
        let path = self.ws.join(name);
        lsp_types::Url::from_file_path(path).unwrap().to_string()
    }
}

/// [`SECOND_DESIGN`] with a syntax error on its last line: its other
/// names still resolve.
const BROKEN_DESIGN: &str = "use \"rules.myna\"\nactor 資格システム : 当組合\nactor 健康管理システム : 当組合\n\
    data 資格 : 資格記録\nflow 資格システム -> 健康管理システム : 資格 for 資格管理\nflow -> : \n";

/// `ws/`: `rules.myna` (the second society's), `open.myna` (opened by
/// the test), `closed.myna` (a design with a syntax error, bound to it),
/// `other.myna` bound to `other-rules.myna` (the same rulebook copied:
/// the same names, another file), `excluded.myna` (bound to it, and
/// excluded by `mynaflow.toml`), `linked.myna` (a symlink to a design
/// outside that would be bound to it if read from here), and
/// `sjis.myna` (a design that is not UTF-8).
fn workspace() -> Workspace {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    let outside = dir.path().join("outside");
    for folder in [&ws, &outside] {
        std::fs::create_dir_all(folder).unwrap();
    }
    let second = include_str!("../examples/second-society/rules.myna");
    let write = |path: std::path::PathBuf, text: &str| std::fs::write(path, text).unwrap();
    write(ws.join("rules.myna"), second);
    write(ws.join("other-rules.myna"), second);
    write(ws.join("mynaflow.toml"), "exclude = [\"excluded.myna\"]\n");
    write(ws.join("open.myna"), SECOND_DESIGN);
    write(ws.join("closed.myna"), BROKEN_DESIGN);
    let other = SECOND_DESIGN.replace("rules.myna", "other-rules.myna");
    write(ws.join("other.myna"), &other);
    write(ws.join("excluded.myna"), SECOND_DESIGN);
    write(outside.join("d.myna"), SECOND_DESIGN);
    std::fs::write(
        ws.join("sjis.myna"),
        b"use \"rules.myna\"\nactor \x93\x96 : \x93\x96\x91g\x8d\x87\n",
    )
    .unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(outside.join("d.myna"), ws.join("linked.myna")).unwrap();
    Workspace { dir, ws, second }
}

/// A rename in a rulebook reaches the designs of the workspace folders
/// that are not open (`workspaceFolders`, else `rootUri`): bound to that
/// rulebook, a syntax error elsewhere in one notwithstanding. Not a
/// design bound to another rulebook with the same names, one the config
/// excludes, one reached through a symlink, one that is not UTF-8.
#[test]
fn a_rulebook_rename_reaches_the_designs_of_the_workspace_not_open() {
    let w = workspace();
    let folder = lsp_types::Url::from_file_path(&w.ws).unwrap().to_string();
    let (rules, open, closed) = (
        w.uri("rules.myna"),
        w.uri("open.myna"),
        w.uri("closed.myna"),
    );
    for params in [
        json!({"capabilities": {}, "workspaceFolders": [{"uri": folder, "name": "ws"}]}),
        json!({"capabilities": {}, "rootUri": folder}),
    ] {
        let mut c = Client::start_with(&["lsp", "--lang", "en"], None, params);
        c.open_at(&open, SECOND_DESIGN);
        c.open_at(&rules, w.second);
        let at = w.second.match_indices("当組合").nth(3).unwrap().0;
        let answer = c.request_raw(
            "textDocument/rename",
            json!({"textDocument": {"uri": rules}, "position": position16(w.second, at), "newName": "本組合"}),
        );
        let changes = &answer["result"]["changes"];
        let mut edited: Vec<&String> = changes.as_object().unwrap().keys().collect();
        edited.sort();
        let mut expected = vec![&closed, &open, &rules];
        expected.sort();
        assert_eq!(edited, expected, "{answer}");
        assert_eq!(
            applied(BROKEN_DESIGN, &changes[&closed]),
            BROKEN_DESIGN.replace("当組合", "本組合")
        );
        assert_eq!(
            applied(SECOND_DESIGN, &changes[&open]),
            SECOND_DESIGN.replace("当組合", "本組合")
        );
        c.stop();
    }
    drop(w.dir);
}

/// A design's `use` reaches a rulebook anywhere inside the client's
/// workspace folders (`workspaceFolders`, else `rootUri`), whatever
/// folder the server was started in: an editor started from the home
/// folder opens a project whose designs in a sub-folder `use
/// "../rules.myna"`, and a rename in that rulebook reaches such a design
/// not open. Without a workspace folder the same `use` is "not found"
/// (the server's folder is elsewhere); a rulebook outside every
/// workspace folder and the server's folder, named by its path or
/// reached through a link inside the project, is "not found" whatever is
/// there.
#[test]
fn a_design_uses_a_rulebook_anywhere_in_the_workspace_folders() {
    let d = tempfile::tempdir().unwrap();
    let (home, project, outside) = (
        d.path().join("home"),
        d.path().join("project"),
        d.path().join("outside"),
    );
    for folder in [&home, &project.join("sub"), &outside] {
        std::fs::create_dir_all(folder).unwrap();
    }
    let second = include_str!("../examples/second-society/rules.myna");
    std::fs::write(project.join("rules.myna"), second).unwrap();
    std::fs::write(outside.join("rules.myna"), second).unwrap();
    let using = |target: &str| SECOND_DESIGN.replace("\"rules.myna\"", &format!("\"{target}\""));
    let up = using("../rules.myna");
    std::fs::write(project.join("sub/closed.myna"), &up).unwrap();
    let uri = |path: &std::path::Path| lsp_types::Url::from_file_path(path).unwrap().to_string();
    let folder = uri(&project);
    let not_found = |c: &mut Client, name: &str, text: &str| {
        let path = project.join("sub").join(name);
        std::fs::write(&path, text).unwrap();
        let published = c.open_at(&uri(&path), text);
        let mn013 = finding(&published, "MN013");
        let first = mn013["message"].as_str().unwrap().lines().next();
        assert!(
            first.is_some_and(|l| l.ends_with("` not found")),
            "{name}: {published}"
        );
        // The rulebook was not read: no finding points into it.
        assert!(
            !published.to_string().contains("\"relatedInformation\""),
            "{published}"
        );
    };
    for params in [
        json!({"capabilities": {}, "workspaceFolders": [{"uri": folder, "name": "project"}]}),
        json!({"capabilities": {}, "rootUri": folder}),
    ] {
        let mut c = Client::start_in(&["lsp", "--lang", "en"], &home, params);
        let design = project.join("sub/design.myna");
        assert_eq!(codes_at(&mut c, &design, &up), Vec::<String>::new());
        // Outside every root: by its path, and through a link inside.
        let far = outside.join("rules.myna");
        not_found(&mut c, "far.myna", &using(&far.display().to_string()));
        not_found(&mut c, "farther.myna", &using("../../outside/rules.myna"));
        #[cfg(unix)]
        {
            let link = project.join("linked-rules.myna");
            if !link.exists() {
                std::os::unix::fs::symlink(&far, &link).unwrap();
            }
            not_found(&mut c, "linked.myna", &using("../linked-rules.myna"));
        }
        // A rename in the rulebook reaches the design not open.
        let rules = uri(&project.join("rules.myna"));
        c.open_at(&rules, second);
        let at = second.match_indices("当組合").nth(3).unwrap().0;
        let answer = c.request_raw(
            "textDocument/rename",
            json!({"textDocument": {"uri": rules}, "position": position16(second, at), "newName": "本組合"}),
        );
        let closed = uri(&project.join("sub/closed.myna"));
        let edits = &answer["result"]["changes"][&closed];
        assert!(edits.is_array(), "{answer}");
        assert_eq!(applied(&up, edits), up.replace("当組合", "本組合"));
        c.stop();
    }
    // No workspace folder: the project is neither the design's folder
    // tree nor the server's folder.
    let mut c = Client::start_in(&["lsp", "--lang", "en"], &home, json!({"capabilities": {}}));
    not_found(&mut c, "design.myna", &up);
    c.stop();
}

/// A folder `home` to start the server in, and beside it a `project`
/// with the second society's rulebook at its top (`rules.myna`) and an
/// empty `sub` folder; the temporary folder holding both comes first.
fn project_with_rulebook() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let d = tempfile::tempdir().unwrap();
    let (home, project) = (d.path().join("home"), d.path().join("project"));
    for folder in [&home, &project.join("sub")] {
        std::fs::create_dir_all(folder).unwrap();
    }
    let second = include_str!("../examples/second-society/rules.myna");
    std::fs::write(project.join("rules.myna"), second).unwrap();
    (d, home, project)
}

/// A config's own `rules` reaches as far in the editor as for `check`
/// run from the workspace folder that holds it: `sub/mynaflow.toml` with
/// `rules = "../rules.myna"` is followed when the project is a workspace
/// folder, whatever folder the server started in; not without one.
#[test]
fn a_configs_rules_reach_the_workspace_folder_that_holds_it() {
    let (_d, home, project) = project_with_rulebook();
    std::fs::write(
        project.join("sub/mynaflow.toml"),
        "rules = \"../rules.myna\"\n",
    )
    .unwrap();
    let design = SECOND_DESIGN.replace("use \"rules.myna\"\n", "");
    let path = project.join("sub/design.myna");
    let folder = lsp_types::Url::from_file_path(&project)
        .unwrap()
        .to_string();
    let params = json!({"capabilities": {}, "workspaceFolders": [{"uri": folder, "name": "p"}]});
    let mut c = Client::start_in(&["lsp", "--lang", "en"], &home, params);
    assert_eq!(codes_at(&mut c, &path, &design), Vec::<String>::new());
    c.stop();
    // No workspace folder: the config is not followed, and the design is
    // checked against the built-in rulebook, which has none of its names.
    let mut c = Client::start_in(&["lsp", "--lang", "en"], &home, json!({"capabilities": {}}));
    assert_ne!(codes_at(&mut c, &path, &design), Vec::<String>::new());
    c.stop();
}

/// A workspace folder added after `initialize`
/// (`workspace/didChangeWorkspaceFolders`) is a root from then on: the
/// open design whose `use` it reaches is checked again and binds; the
/// folder removed, it is "not found" again.
#[test]
fn a_workspace_folder_added_or_removed_later_is_followed() {
    let (_d, home, project) = project_with_rulebook();
    let up = SECOND_DESIGN.replace("\"rules.myna\"", "\"../rules.myna\"");
    let uri = |path: &std::path::Path| lsp_types::Url::from_file_path(path).unwrap().to_string();
    let codes = |published: &Value| -> Vec<String> {
        let list = published["diagnostics"].as_array().unwrap().iter();
        list.map(|d| d["code"].as_str().unwrap().to_string())
            .collect()
    };
    let mut c = Client::spawn_in(&["lsp", "--lang", "en"], None, Some(&home));
    let init = c.request("initialize", json!({"capabilities": {}}));
    let caps = &init["capabilities"]["workspace"]["workspaceFolders"];
    assert_eq!(caps["supported"], json!(true), "{init}");
    assert_eq!(caps["changeNotifications"], json!(true), "{init}");
    c.notify("initialized", json!({}));
    let design = project.join("sub/design.myna");
    assert_eq!(codes_at(&mut c, &design, &up), ["MN013"]);
    let folder = json!([{"uri": uri(&project), "name": "project"}]);
    let event =
        |added: &Value, removed: &Value| json!({"event": {"added": added, "removed": removed}});
    c.notify(
        "workspace/didChangeWorkspaceFolders",
        event(&folder, &json!([])),
    );
    let published = c.diagnostics_of(&uri(&design));
    assert_eq!(codes(&published), Vec::<String>::new(), "{published}");
    c.notify(
        "workspace/didChangeWorkspaceFolders",
        event(&json!([]), &folder),
    );
    let published = c.diagnostics_of(&uri(&design));
    assert_eq!(codes(&published), ["MN013"], "{published}");
    c.stop();
}

/// The references of a rulebook's name are the same asked from the
/// rulebook or from a design that uses it: the declaration (when asked
/// for), the rulebook's own uses, the open designs' and those of the
/// workspace's designs that are not open (where a rename would edit); an
/// actor's stay in its design (the audit's D5).
#[test]
fn references_of_a_rulebook_name_reach_every_file_that_writes_it() {
    let SecondSociety {
        dir,
        second,
        rules: _,
        rules_uri,
        design_uri,
    } = second_society();
    let closed = dir.path().join("closed.myna");
    std::fs::write(&closed, "use \"rules.myna\"\nactor 給付システム : 当組合\n").unwrap();
    let closed_uri = lsp_types::Url::from_file_path(&closed).unwrap().to_string();
    let folder = lsp_types::Url::from_file_path(dir.path())
        .unwrap()
        .to_string();
    let mut c = Client::start_with(
        &["lsp", "--lang", "en"],
        None,
        json!({"capabilities": {}, "workspaceFolders": [{"uri": folder, "name": "ws"}]}),
    );
    c.open_at(&design_uri, SECOND_DESIGN);
    c.open_at(&rules_uri, second);
    let places = |found: &Value| -> Vec<(String, u64)> {
        let mut places: Vec<(String, u64)> = (found
            .as_array()
            .unwrap_or_else(|| panic!("{}", pretty(found)))
            .iter())
        .map(|l| {
            let uri = l["uri"].as_str().unwrap().to_string();
            (uri, l["range"]["start"]["line"].as_u64().unwrap())
        })
        .collect();
        places.sort();
        places
    };
    let ask = |c: &mut Client, uri: &str, line: u32, character: u32, declaration: bool| {
        let r = c.request_raw(
            "textDocument/references",
            json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character},
                   "context": {"includeDeclaration": declaration}}),
        );
        r["result"].clone()
    };
    // 当組合 in the design's second line (`actor 資格システム : 当組合`).
    let from_design = places(&ask(&mut c, &design_uri, 1, 16, true));
    // ... and at its declaration in the rulebook (line 9, `role 当組合`).
    let from_rulebook = places(&ask(&mut c, &rules_uri, 8, 6, true));
    assert_eq!(from_design, from_rulebook);
    let in_file = |uri: &str| from_design.iter().filter(|(u, _)| u == uri).count();
    assert_eq!(in_file(&design_uri), 2, "{from_design:?}");
    assert_eq!(in_file(&closed_uri), 1, "{from_design:?}");
    let written = second.lines().filter(|l| l.contains("当組合")).count();
    assert!(written >= 4, "the rulebook writes 当組合 {written} times");
    assert_eq!(in_file(&rules_uri), written, "{from_design:?}");
    assert!(from_design.contains(&(rules_uri.clone(), 8)));
    // Without the declaration: the rulebook's `role` line is left out.
    let uses = places(&ask(&mut c, &design_uri, 1, 16, false));
    assert_eq!(uses.len(), from_design.len() - 1);
    assert!(!uses.contains(&(rules_uri.clone(), 8)));
    // An actor is written in its design only.
    let actor = places(&ask(&mut c, &design_uri, 1, 7, true));
    assert!(actor.iter().all(|(u, _)| u == &design_uri), "{actor:?}");
    assert_eq!(actor.len(), 2, "{actor:?}");
    c.stop();
}

/// Diagnostics carry the version of the text they are of, so a client
/// can tell those of an older text; a closed document's empty ones carry
/// none.
#[test]
fn diagnostics_name_the_version_of_their_text() {
    let mut c = Client::start(json!({}));
    let text = "use \"kenpo\"\nactor A : 組合\n";
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": URI, "languageId": "myna", "version": 3, "text": text}}),
    );
    assert_eq!(c.diagnostics()["version"], 3);
    assert_eq!(c.change(7, text)["version"], 7);
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": URI}}),
    );
    let closed = c.diagnostics();
    assert!(closed["version"].is_null(), "{}", pretty(&closed));
    assert_eq!(closed["diagnostics"], json!([]));
    c.stop();
}

/// A request the client cancels before the server comes to it (here,
/// while a large document is analysed) is answered RequestCancelled
/// (−32800), not worked on; the server goes on.
#[test]
fn a_request_cancelled_before_its_turn_is_answered_cancelled() {
    let mut c = Client::start(json!({}));
    let mut text =
        String::from("use \"kenpo\"\nactor A : 組合\nactor B : 組合\ndata x : 資格情報\n");
    for _ in 0..20_000 {
        text.push_str("flow A -> B : x for 資格確認\n");
    }
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": URI, "languageId": "myna", "version": 1, "text": text}}),
    );
    let at = json!({"textDocument": {"uri": URI}, "position": {"line": 1, "character": 7}});
    c.send(json!({"jsonrpc": "2.0", "id": 900, "method": "textDocument/hover", "params": at}));
    c.send(json!({"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": 900}}));
    let answer = loop {
        let m = c.receive();
        if m["id"] == 900 {
            break m;
        }
    };
    assert_eq!(answer["error"]["code"], -32800, "{}", pretty(&answer));
    assert!(answer.get("result").is_none());
    // The next request is answered.
    let hover = c.at("textDocument/hover", 1, 7);
    assert!(hover["contents"].is_object(), "{}", pretty(&hover));
    c.stop();
}

/// A client that is not told of files changed on disk (no dynamic
/// registration of `workspace/didChangeWatchedFiles`) has a design checked
/// again when it saves it: its rulebook file, changed by another program,
/// is read again.
#[test]
fn a_saved_design_reads_its_rulebook_again_when_the_client_watches_no_files() {
    let SecondSociety {
        dir: _dir,
        second,
        rules,
        rules_uri: _,
        design_uri,
    } = second_society();
    let mut c = Client::start(json!({}));
    let before = c.open_at(&design_uri, SECOND_DESIGN);
    assert_eq!(
        codes_of(&before),
        Vec::<String>::new(),
        "{}",
        pretty(&before)
    );
    // Another program renames the category the design's data is of.
    std::fs::write(&rules, second.replace("資格記録", "資格台帳")).unwrap();
    c.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": design_uri}}),
    );
    let after = c.diagnostics_of(&design_uri);
    assert!(
        codes_of(&after).contains(&"MN010".to_string()),
        "{}",
        pretty(&after)
    );
    c.stop();
}

/// The unsafe fix of MN303 is titled with one aside, the editor's (its
/// code and that it changes what the design says), in both languages.
#[test]
fn the_missing_clauses_action_has_one_aside() {
    let design = std::fs::read_to_string("docs/codes/examples/MN303-missing-clauses.myna")
        .expect("the example");
    for (lang, title) in [
        (
            "ja",
            "契約に含まれていることを確かめたうえで、不足している事項を追加する (MN303, 要確認: 設計の意味が変わります)",
        ),
        (
            "en",
            "add the missing clauses once the contract is confirmed to have them (MN303, unsafe: changes what the design says)",
        ),
    ] {
        let mut c = Client::start_as(&["lsp", "--lang", lang], None, json!({}));
        let diags = c.open(&design);
        let mn303 = finding(&diags, "MN303");
        let actions = c.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": URI}, "range": mn303["range"], "context": {"diagnostics": []}}),
        );
        let titles: Vec<&str> = (actions.as_array().expect("actions").iter())
            .filter_map(|a| a["title"].as_str())
            .collect();
        assert!(titles.contains(&title), "{lang}: {titles:?}");
        c.stop();
    }
}
