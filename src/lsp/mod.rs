//! `mynaflow lsp`: a language server on stdio, built on `lsp-server` and
//! `lsp-types` (rust-analyzer's synchronous pair: one thread, messages
//! handled in order, no async runtime), its stdio connection our own
//! (`transport`: each message read bounded and parsed once, each answer
//! written as JSON from its values). The client sends each edit, which
//! is applied to the document's last text (`sync`); each change re-runs
//! the whole pipeline over the document (`Session::check_text_unless`),
//! unless a later change is already waiting, or stops it (between the
//! parts of its parse, then between stages) once one comes (`waiting`),
//! under the
//! `mynaflow.toml` that `check` would follow for it; the built-in
//! rulebook and the explain pages are written once to a cache folder, so
//! that "go to definition" and the diagnostics' links open them read-only.

mod actions;
mod analysis;
mod completion;
mod hover;
mod lifecycle;
mod long_strings;
mod markdown;
mod navigate;
pub mod position;
mod references;
mod rulebook;
mod serde_reason;
mod sync;
mod transport;
mod waiting;
mod workspace;

pub use analysis::{Around, Document, Languages, Target};
pub use workspace::WorkspaceSearch;

use crate::code::{Code, Severity};
use crate::rulebook_shelf::RulebookShelf;
use crate::session::{BUILTIN_PREFIX, BUILTIN_RULEBOOKS};
use crate::span::Span;
use crate::text;
use crate::text::{Lang, Text};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::*;
use position::{Encoding, LineIndex};
use serde_json::Value;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use waiting::{Replaced, Replacement, Waiting};

/// The hover text at byte `offset` of a document, in its language (what
/// the server answers to `textDocument/hover`, for benchmarks and tests).
pub fn hover_at(doc: &Document, offset: usize) -> Option<String> {
    hover::text(doc, doc.at(offset)?.target, doc.lang)
}

/// The completion items at byte `offset`, in the document's language (as
/// `textDocument/completion`).
pub fn complete_at(doc: &Document, offset: usize) -> Vec<CompletionItem> {
    completion::items(doc, offset, doc.lang)
}

/// How the server is set up by its command line.
#[derive(Clone, Debug)]
pub struct Config {
    /// Where the built-in rulebook and the explain pages are written (None:
    /// no links into them).
    pub cache: Option<PathBuf>,
    /// The language of what the server says: `--lang`, and the locale's
    /// for what neither `--lang` nor a document's config decides.
    pub langs: Languages,
    /// The largest document analysed, in bytes (the command line sets
    /// [`crate::input::MAX_FILE_BYTES`], the largest file `check` reads); a
    /// larger one is kept for its edits, and the client is told why it
    /// has no findings.
    pub max_document_bytes: u64,
    /// How much of the client's workspace folders a rename in a rulebook
    /// searches for the designs that are not open.
    pub workspace_search: WorkspaceSearch,
}

/// How a session the client ended with `exit` ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// `exit` after `shutdown`: the process exits with 0.
    AfterShutdown,
    /// `exit` with no `shutdown` before it: LSP 3.17 has the server exit
    /// with 1 then, so that a client sees it was not shut down in order.
    WithoutShutdown,
}

/// Runs the server on stdin/stdout until the client says `exit`; why it
/// could not, in both languages (the caller says it in the server's:
/// [`Languages::server`]).
pub fn run(config: Config) -> Result<Exit, Text> {
    let (connection, io) = transport::stdio(config.langs.server()).map_err(|e| io_error(&e))?;
    let exit = match serve_link(&connection, config) {
        Ok(exit) => exit,
        // A message that could not be read ends the connection: say why,
        // not only that it ended.
        Err(e) => {
            let why = io.failure().unwrap_or(e);
            drop(connection);
            io.flush();
            return Err(why);
        }
    };
    drop(connection);
    io.join().map_err(|e| io_error(&e))?;
    Ok(exit)
}

/// A system error in both languages (its Japanese from its number).
fn io_error(e: &std::io::Error) -> Text {
    Text::new(e.to_string(), crate::oserror::describe_ja(e))
}

/// Serves one client over an `lsp-server` connection (an in-memory one,
/// say). Answers go through a thread that reads back those the server
/// writes as JSON (`transport::Outgoing`).
pub fn serve(connection: &Connection, config: Config) -> Result<Exit, Text> {
    let (sender, outgoing) = crossbeam_channel::bounded::<transport::Outgoing>(0);
    let link = transport::Link {
        sender,
        receiver: connection.receiver.clone(),
    };
    let to_client = connection.sender.clone();
    std::thread::scope(|s| {
        let forwarding = std::thread::Builder::new().spawn_scoped(s, move || {
            for o in outgoing {
                let m = match o {
                    transport::Outgoing::Message(m) => m,
                    transport::Outgoing::Result { id, json } => {
                        match serde_json::from_str::<Value>(&json) {
                            Ok(result) => Message::Response(Response::new_ok(id, result)),
                            Err(_) => continue,
                        }
                    }
                };
                if to_client.send(m).is_err() {
                    break;
                }
            }
        });
        if let Err(e) = forwarding {
            let ja = crate::oserror::describe_ja(&e);
            return Err(text!(
                "cannot start the thread that forwards answers: {e}";
                "応答を転送するスレッドを開始できません: {ja}"
            ));
        }
        let served = serve_link(&link, config);
        // The forwarding thread ends with the link.
        drop(link);
        served
    })
}

/// Serves one client over the server's own link, until `exit`.
fn serve_link(connection: &transport::Link, config: Config) -> Result<Exit, Text> {
    let lang = config.langs.server();
    let (id, params) = lifecycle::initialize_start(connection, lang)?;
    let params: InitializeParams = match serde_json::from_value(params) {
        Ok(params) => params,
        Err(e) => {
            // Answered, so that the client can show why, and the session
            // ends: nothing after it can be understood.
            let why = unreadable_params("initialize", &e);
            let code = ErrorCode::InvalidParams as i32;
            let response = Response::new_err(id, code, why.get(lang).to_string());
            connection.send(Message::Response(response));
            return Err(why);
        }
    };
    let utf8 = params
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref())
        .is_some_and(|e| e.contains(&PositionEncodingKind::UTF8));
    let prepare_rename = (params.capabilities.text_document.as_ref())
        .and_then(|t| t.rename.as_ref())
        .and_then(|r| r.prepare_support)
        .unwrap_or(false);
    let encoding = if utf8 {
        Encoding::Utf8
    } else {
        Encoding::Utf16
    };
    let caps = ServerCapabilities {
        position_encoding: Some(if utf8 {
            PositionEncodingKind::UTF8
        } else {
            PositionEncodingKind::UTF16
        }),
        text_document_sync: Some(TextDocumentSyncCapability::Kind(
            TextDocumentSyncKind::INCREMENTAL,
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        // The name under the cursor is checked before the editor asks for
        // a new one, where the client can ask (`prepareSupport`).
        rename_provider: Some(if prepare_rename {
            OneOf::Right(RenameOptions {
                prepare_provider: Some(true),
                work_done_progress_options: WorkDoneProgressOptions::default(),
            })
        } else {
            OneOf::Left(true)
        }),
        document_symbol_provider: Some(OneOf::Left(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![":".into(), " ".into(), "\"".into(), ",".into()]),
            ..CompletionOptions::default()
        }),
        // The folders decide where a design's `use` may reach and where a
        // rename searches, so the server follows the client's changes.
        workspace: Some(WorkspaceServerCapabilities {
            workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                supported: Some(true),
                change_notifications: Some(OneOf::Left(true)),
            }),
            file_operations: None,
        }),
        ..ServerCapabilities::default()
    };
    let result = serde_json::json!({
        "capabilities": caps,
        "serverInfo": {"name": "mynaflow", "version": env!("CARGO_PKG_VERSION")},
    });
    lifecycle::initialize_finish(connection, id, result)?;
    let watch_files = (params.capabilities.workspace.as_ref())
        .and_then(|w| w.did_change_watched_files.as_ref())
        .and_then(|w| w.dynamic_registration)
        .unwrap_or(false);
    if watch_files {
        // Told when a rulebook or a config changes on disk (a `git
        // checkout`, another editor), the server checks the designs that
        // use it again. The client's answer is not waited for.
        connection.send(Message::Request(Request::new(
            "mynaflow/watch-files".to_string().into(),
            request::RegisterCapability::METHOD.to_string(),
            RegistrationParams {
                registrations: vec![Registration {
                    id: "mynaflow/watch-files".to_string(),
                    method: notification::DidChangeWatchedFiles::METHOD.to_string(),
                    register_options: serde_json::to_value(
                        DidChangeWatchedFilesRegistrationOptions {
                            watchers: ["**/*.myna", "**/mynaflow.toml"]
                                .into_iter()
                                .map(|glob| FileSystemWatcher {
                                    glob_pattern: GlobPattern::String(glob.to_string()),
                                    kind: None,
                                })
                                .collect(),
                        },
                    )
                    .ok(),
                }],
            },
        )));
    }
    let cache = config.cache.as_deref().and_then(|c| materialise(c).ok());
    let mut server = Server {
        connection,
        docs: HashMap::new(),
        unanalysed: HashMap::new(),
        encoding,
        langs: config.langs,
        cache,
        config_problems: HashSet::new(),
        max_document_bytes: config.max_document_bytes,
        roots: workspace::roots(&params),
        workspace_search: config.workspace_search,
        too_large: HashSet::new(),
        rulebooks: Arc::new(RulebookShelf::new()),
        open_rulebooks: Arc::new(HashMap::new()),
        rulebook_docs: HashMap::new(),
        uses: HashMap::new(),
        stale: BTreeSet::new(),
        spelt: HashMap::new(),
        versions: HashMap::new(),
        watching: watch_files,
    };
    let mut waiting = Waiting::new(&connection.receiver);
    loop {
        // Designs a rulebook's change left stale are checked once the
        // client has paused, not at each keystroke in the rulebook.
        if !server.stale.is_empty() && waiting.idle(RULEBOOK_PAUSE) {
            server.check_stale(&mut waiting, Watch::AnyText);
        }
        let Some(msg) = waiting.next() else { break };
        match msg {
            Message::Request(req) => {
                if lifecycle::shutdown(connection, &req, lang)? {
                    return Ok(Exit::AfterShutdown);
                }
                // A request the client has already cancelled is not
                // worked on (LSP 3.17: answered with RequestCancelled).
                if waiting.cancelled(&req.id) {
                    let why = text!("request cancelled"; "要求は取り消されました");
                    let code = ErrorCode::RequestCanceled as i32;
                    let response = Response::new_err(req.id, code, why.get(lang).to_string());
                    server.send(Message::Response(response));
                    continue;
                }
                // A request is answered from every design checked against
                // its rulebook as it is now.
                server.check_stale(&mut waiting, Watch::Nothing);
                let id = req.id.clone();
                let named = named_document(&req.params);
                match server.request(req) {
                    Ok(Answer(json)) => connection.send_result(id, json),
                    Err((code, why)) => {
                        let lang = server.language_of(named.as_ref());
                        let why = why.get(lang).to_string();
                        let response = Response::new_err(id, code as i32, why);
                        server.send(Message::Response(response));
                    }
                }
            }
            Message::Notification(n) if n.method == notification::Exit::METHOD => {
                return Ok(Exit::WithoutShutdown);
            }
            Message::Notification(n) => server.notification(n, &mut waiting),
            Message::Response(_) => {}
        }
    }
    // The connection's reader says why (the input ended, a message that
    // could not be read) where it can.
    Err(lifecycle::went_before_exit())
}

/// The document a request's parameters name (`textDocument.uri`), read
/// from them as sent: an error about parameters that do not read as the
/// request's is still said in that document's language.
fn named_document(params: &Value) -> Option<Url> {
    let uri = params.pointer("/textDocument/uri")?.as_str()?;
    Url::parse(uri).ok()
}

/// Why the parameters of request `method` could not be read: serde's
/// reason, in both languages ([`serde_reason`]), escaped (it may quote a
/// value sent).
fn unreadable_params(method: &str, e: &serde_json::Error) -> Text {
    let method = crate::escape::visible(method);
    let why = serde_reason::words(e);
    let (en, ja) = (
        crate::escape::visible(&why.en),
        crate::escape::visible(&why.ja),
    );
    text!(
        "{method}: the parameters cannot be read: {en}";
        "{method}: パラメータを読めません。{ja}"
    )
}

/// The most of a broken rulebook's errors an MN013 points at: enough to
/// go to the first ones; a rulebook of thousands of errors is opened, and
/// its own findings read there.
const MAX_RULEBOOK_ERRORS: usize = 20;

/// How long the client must have sent nothing before the designs a
/// rulebook's change left stale are checked again: an editor sends an
/// edit at each keystroke, a few tens of milliseconds apart in a burst,
/// and a design checked between two of them would be checked for nothing.
const RULEBOOK_PAUSE: std::time::Duration = std::time::Duration::from_millis(50);

/// What stops an analysis under way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Watch {
    /// A later text of the same document, sent before any request.
    Own,
    /// A later text of any document, sent before any request (a design
    /// checked again for its rulebook's sake waits for the next pause).
    AnyText,
    /// Nothing: a request waits for it.
    Nothing,
}

/// The cache folder's contents: the built-in rulebooks and the explain pages.
struct Cache {
    folder: PathBuf,
}

/// Writes the built-in rulebooks and explain pages under `folder` (only
/// when they differ, so a second server does not rewrite them).
fn materialise(folder: &Path) -> std::io::Result<Cache> {
    let put = |path: PathBuf, text: &str| -> std::io::Result<()> {
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text) {
            if let Some(p) = path.parent() {
                std::fs::create_dir_all(p)?;
            }
            std::fs::write(&path, text)?;
        }
        Ok(())
    };
    for (name, text) in BUILTIN_RULEBOOKS {
        put(folder.join(format!("{name}.myna")), text)?;
    }
    for code in Code::ALL {
        for lang in [Lang::En, Lang::Ja] {
            let tag = if lang == Lang::Ja { "ja" } else { "en" };
            put(
                folder
                    .join("explain")
                    .join(tag)
                    .join(format!("{}.md", code.as_str())),
                crate::explain::text(*code, lang),
            )?;
        }
    }
    Ok(Cache {
        folder: folder.to_path_buf(),
    })
}

/// A request refused: its error code, and why in both languages (said in
/// the language of the document it names, else the server's:
/// [`Server::language_of`]).
type Failure = (ErrorCode, Text);

/// The file a document's URI names, if it names one.
fn file_path(uri: &Url) -> Option<PathBuf> {
    uri.to_file_path().ok()
}

struct Server<'a> {
    connection: &'a transport::Link,
    /// The rulebooks the analyses have loaded: the next analysis of a
    /// document takes its rulebook from here while the rulebook's file is
    /// unchanged, rather than parsing, resolving and linting it at every
    /// keystroke.
    rulebooks: Arc<RulebookShelf>,
    docs: HashMap<Url, Document>,
    /// The texts of open documents not analysed: a later text already
    /// waiting replaces them (see [`waiting::Waiting::replace`]), or they
    /// are larger than `max_document_bytes`; a document is here or in
    /// `docs`, never in both.
    unanalysed: HashMap<Url, String>,
    encoding: Encoding,
    /// How the language of what is said is chosen: each document's
    /// analysis carries its own ([`Document::lang`]), and what the server
    /// says about a document, a request's error too, is in that; what is
    /// about none, in the server's ([`Languages::server`]).
    langs: Languages,
    cache: Option<Cache>,
    /// Config problems already shown to the user (once each, not at
    /// every keystroke).
    config_problems: HashSet<String>,
    /// [`Config::max_document_bytes`].
    max_document_bytes: u64,
    /// The client's workspace folders ([`workspace::roots`]): where a
    /// design's `use` may name a rulebook ([`Around::roots`]), and where a
    /// rename in a rulebook looks for the designs that are not open.
    roots: Vec<PathBuf>,
    /// [`Config::workspace_search`].
    workspace_search: WorkspaceSearch,
    /// Documents too large to analyse whose user has been told so (again
    /// only once one has been analysed since).
    too_large: HashSet<Url>,
    /// The texts of the open documents that are rulebooks, by canonical
    /// path: a design is checked against its rulebook as edited, saved
    /// or not.
    open_rulebooks: Arc<HashMap<PathBuf, String>>,
    /// The open documents that are rulebooks, and their canonical paths.
    rulebook_docs: HashMap<Url, PathBuf>,
    /// The rulebook files each open design's last analysis asked for (by
    /// canonical path): the designs to check again when one changes.
    uses: HashMap<Url, Vec<PathBuf>>,
    /// Open designs whose rulebook has changed since their last analysis,
    /// to be checked again when the client pauses, or before a request.
    stale: BTreeSet<Url>,
    /// The URI of each open document as the client wrote it in `didOpen`,
    /// where that is not how [`Url`] writes it back (raw UTF-8, an IRI,
    /// or `file://localhost/`): its diagnostics are published under the
    /// client's own, which a client may match as a string.
    spelt: HashMap<Url, String>,
    /// The version of each open document's last text (`didOpen`,
    /// `didChange`): its diagnostics are published with it, so a client
    /// can tell those of an older text.
    versions: HashMap<Url, i32>,
    /// Does the client tell the server of files changed on disk
    /// (`workspace/didChangeWatchedFiles`, registered at `initialized`)?
    /// A client that cannot has a design checked again when it is saved,
    /// so that its rulebook file is read again.
    watching: bool,
}

/// The parameters of request `method`, or why they cannot be read.
fn params<P: serde::de::DeserializeOwned>(method: &str, v: Value) -> Result<P, Failure> {
    serde_json::from_value(v).map_err(|e| (ErrorCode::InvalidParams, unreadable_params(method, &e)))
}

impl Server<'_> {
    /// What every analysis of a document shares, an open one's or a
    /// closed design's a rename searches alike: the one place the server
    /// says where a design's `use` may reach.
    fn around(&self) -> Around<'_> {
        Around {
            rulebooks: &self.rulebooks,
            open_rulebooks: &self.open_rulebooks,
            roots: &self.roots,
        }
    }

    fn send(&self, msg: Message) {
        // A closed channel means the client went away; the loop ends then.
        self.connection.send(msg);
    }

    /// Handles a notification. A document's text that a later one
    /// `waiting` replaces is kept for the edits to come, not analysed.
    fn notification(&mut self, n: Notification, waiting: &mut Waiting) {
        let replaced = waiting.replace(&n);
        match n.method.as_str() {
            notification::DidOpenTextDocument::METHOD => {
                let spelt = (n.params.pointer("/textDocument/uri"))
                    .and_then(Value::as_str)
                    .map(str::to_string);
                if let Ok(p) = serde_json::from_value::<DidOpenTextDocumentParams>(n.params) {
                    let uri = p.text_document.uri;
                    self.versions.insert(uri.clone(), p.text_document.version);
                    match spelt {
                        Some(spelt) if spelt != uri.as_str() => {
                            self.spelt.insert(uri.clone(), spelt);
                        }
                        _ => {
                            self.spelt.remove(&uri);
                        }
                    }
                    self.text(uri, p.text_document.text, replaced, waiting);
                }
            }
            notification::DidChangeTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidChangeTextDocumentParams>(n.params) {
                    let uri = p.text_document.uri;
                    self.versions.insert(uri.clone(), p.text_document.version);
                    // The last text, freed from its analysis first: nothing
                    // reads it while the next is made (requests wait for
                    // it), and its memory is then the next analysis's to
                    // reuse, not more held beside it.
                    let last = match self.unanalysed.remove(&uri) {
                        Some(text) => Some(text),
                        None => self.docs.remove(&uri).map(Document::into_text),
                    };
                    if let Some(text) = sync::edited(last, p.content_changes, self.encoding) {
                        self.text(uri, text, replaced, waiting);
                    }
                }
            }
            notification::DidCloseTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidCloseTextDocumentParams>(n.params) {
                    let uri = p.text_document.uri;
                    self.docs.remove(&uri);
                    self.unanalysed.remove(&uri);
                    self.too_large.remove(&uri);
                    self.uses.remove(&uri);
                    self.stale.remove(&uri);
                    self.versions.remove(&uri);
                    // A rulebook closed unsaved: its designs are checked
                    // against the file again.
                    self.not_a_rulebook(&uri);
                    self.publish(uri.clone(), Vec::new());
                    self.spelt.remove(&uri);
                }
            }
            notification::DidSaveTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidSaveTextDocumentParams>(n.params) {
                    // An open rulebook is read from its text, which the
                    // save did not change; one read from the disk (too
                    // large to analyse here) may have.
                    let uri = p.text_document.uri;
                    if let Some(path) = file_path(&uri)
                        && !self
                            .open_rulebooks
                            .contains_key(&analysis::canonical(&path))
                    {
                        self.changed_on_disk(&path);
                    }
                    // Not told of files changed on disk, the server reads
                    // a saved design's rulebook files again at its next
                    // pause (another program, or `git checkout`, may have
                    // changed them).
                    if !self.watching && self.uses.get(&uri).is_some_and(|f| !f.is_empty()) {
                        self.stale.insert(uri);
                    }
                }
            }
            notification::DidChangeWorkspaceFolders::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidChangeWorkspaceFoldersParams>(n.params) {
                    workspace::changed_roots(&mut self.roots, &p.event);
                    // A design's `use` may now reach a rulebook it could
                    // not (or no longer reach one it did): every open
                    // document is checked again at the next pause.
                    let open = self.docs.keys().chain(self.unanalysed.keys()).cloned();
                    let open: Vec<Url> = open.collect();
                    self.stale.extend(open);
                }
            }
            notification::DidChangeWatchedFiles::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidChangeWatchedFilesParams>(n.params) {
                    for change in p.changes {
                        if let Some(path) = file_path(&change.uri) {
                            self.changed_on_disk(&path);
                        }
                    }
                }
            }
            _ => {}
        }
    }

    /// A file changed on disk (created, changed or deleted): the open
    /// designs that use it as their rulebook are stale, unless it is open
    /// as a rulebook (its text in the editor is what they are checked
    /// against); every open document under a changed `mynaflow.toml` is.
    fn changed_on_disk(&mut self, path: &Path) {
        let key = analysis::canonical(path);
        if path.file_name().is_some_and(|n| n == "mynaflow.toml") {
            // Its folder's canonical path, as the documents' are compared:
            // a config deleted has none of its own.
            let folder = path.parent().map(analysis::canonical).unwrap_or_default();
            let under: Vec<Url> = (self.docs.keys().chain(self.unanalysed.keys()))
                .filter(|u| {
                    file_path(u).is_some_and(|p| analysis::canonical(&p).starts_with(&folder))
                })
                .cloned()
                .collect();
            self.stale.extend(under);
            return;
        }
        if self.open_rulebooks.contains_key(&key) {
            return;
        }
        // A file deleted has no canonical path: as given too.
        self.uses_changed(&key);
        if key != path {
            self.uses_changed(path);
        }
    }

    /// The open designs that use the rulebook file `key` are stale.
    fn uses_changed(&mut self, key: &Path) {
        let using = (self.uses.iter())
            .filter(|(_, files)| files.iter().any(|f| f == key))
            .map(|(u, _)| u.clone());
        self.stale.extend(using);
    }

    /// Document `uri`, analysed as `doc`, is a rulebook with that text, or
    /// is no rulebook: the texts designs are checked against follow, and
    /// the designs that use it are stale when its text changed.
    fn rulebook_text(&mut self, uri: &Url, doc: &Document, path: &Path) {
        if !doc.is_rulebook() {
            self.not_a_rulebook(uri);
            return;
        }
        let key = analysis::canonical(path);
        if self.open_rulebooks.get(&key).map(String::as_str) == Some(doc.text()) {
            return;
        }
        // A new map (the analyses under way keep the last): only the
        // rulebooks' texts, not the designs', are copied.
        let mut texts = (*self.open_rulebooks).clone();
        texts.insert(key.clone(), doc.text().to_string());
        self.open_rulebooks = Arc::new(texts);
        if let Some(before) = self.rulebook_docs.insert(uri.clone(), key.clone())
            && before != key
        {
            self.forget_rulebook_text(&before);
        }
        self.uses_changed(&key);
    }

    /// Document `uri` is no longer an open rulebook (closed, or edited into
    /// something else): its designs read the file again.
    fn not_a_rulebook(&mut self, uri: &Url) {
        if let Some(key) = self.rulebook_docs.remove(uri) {
            self.forget_rulebook_text(&key);
        }
    }

    /// The rulebook file `key` is read from the disk again.
    fn forget_rulebook_text(&mut self, key: &Path) {
        if self.open_rulebooks.contains_key(key) {
            let mut texts = (*self.open_rulebooks).clone();
            texts.remove(key);
            self.open_rulebooks = Arc::new(texts);
        }
        self.uses_changed(key);
    }

    /// Checks the stale designs again, in order, until one is stopped by
    /// what `watch` says (it stays stale, for the next pause).
    fn check_stale(&mut self, waiting: &mut Waiting, watch: Watch) {
        while let Some(uri) = self.stale.pop_first() {
            let text = match self.unanalysed.remove(&uri) {
                Some(text) => text,
                None => match self.docs.remove(&uri) {
                    Some(doc) => doc.into_text(),
                    None => continue,
                },
            };
            if !self.analyse(uri.clone(), text, waiting, watch) {
                self.stale.insert(uri);
                return;
            }
        }
    }

    /// A document's new text: analysed, or kept if `replaced` by edits
    /// (freed if by a whole text).
    fn text(&mut self, uri: Url, text: String, replaced: Option<Replaced>, waiting: &mut Waiting) {
        // A document opened again: its last analysis is freed first.
        self.docs.remove(&uri);
        self.unanalysed.remove(&uri);
        match replaced {
            Some(Replaced::ByEdits) => {
                self.unanalysed.insert(uri, text);
            }
            Some(Replaced::Whole) => {}
            None => self.update(uri, text, waiting),
        }
    }

    /// Analyses a document's new text and publishes its diagnostics,
    /// unless a later text of the document is sent meanwhile: then the
    /// analysis stops, and the text is kept for the edits to come (freed,
    /// when a whole text comes instead).
    fn update(&mut self, uri: Url, text: String, waiting: &mut Waiting) {
        self.analyse(uri, text, waiting, Watch::Own);
    }

    /// [`Server::update`], stopped as `watch` says; false when stopped.
    /// A rulebook analysed makes the designs that use it stale.
    fn analyse(&mut self, uri: Url, text: String, waiting: &mut Waiting, watch: Watch) -> bool {
        let path = file_path(&uri).unwrap_or_else(|| PathBuf::from(uri.path()));
        if text.len() as u64 > self.max_document_bytes {
            if self.too_large.insert(uri.clone()) {
                let (shown, size, max) = (path.display(), text.len(), self.max_document_bytes);
                // Not analysed, but still the document's: said in the
                // language its config would give it.
                let lang = self.langs.for_file(&path, &self.roots);
                self.show(lang, text!(
                    "`{shown}` is {size} bytes, more than the {max} checked: not checked";
                    "「{shown}」は {size} バイトで、検査する上限の {max} バイトを超えるため、検査しません"
                ));
            }
            self.unanalysed.insert(uri.clone(), text);
            // Not analysed, it is no rulebook the designs can read from
            // the editor: they read its file.
            self.not_a_rulebook(&uri);
            self.publish(uri, Vec::new());
            return true;
        }
        self.too_large.remove(&uri);
        let watched = match watch {
            Watch::Own => Some(Some(uri.as_str())),
            Watch::AnyText => Some(None),
            Watch::Nothing => None,
        };
        let analysed = match watched {
            Some(watched) => {
                let replacement = Replacement::of(waiting, watched);
                let analysed = Document::analyse_reading(
                    &path,
                    text,
                    self.encoding,
                    self.around(),
                    self.langs,
                    &|| replacement.sent(),
                );
                // A text replaced by a whole one of its own is needed no
                // more; one stopped for another's sake is kept.
                analysed.map_err(|text| {
                    let own = watch == Watch::Own;
                    (text, own && replacement.found() == Some(Replaced::Whole))
                })
            }
            None => Document::analyse_reading(
                &path,
                text,
                self.encoding,
                self.around(),
                self.langs,
                &|| false,
            )
            .map_err(|text| (text, false)),
        };
        let doc = match analysed {
            Ok(doc) => doc,
            Err((text, freed)) => {
                if !freed {
                    self.unanalysed.insert(uri, text);
                }
                return false;
            }
        };
        if let Some(why) = &doc.config_problem {
            // Kept on its lines (a TOML error points at its column under
            // the line it quotes); only the other controls are escaped.
            // The config not followed, the document's language is the one
            // decided without it.
            let why = crate::escape::visible_lines(why.get(doc.lang)).into_owned();
            if self.config_problems.insert(why.clone()) {
                self.show_escaped(why);
            }
        }
        self.stale.remove(&uri);
        if doc.is_rulebook() {
            self.uses.remove(&uri);
        } else {
            self.uses.insert(uri.clone(), doc.rulebook_files());
        }
        self.rulebook_text(&uri, &doc, &path);
        let diags = self.diagnostics(&doc, &uri);
        self.docs.insert(uri.clone(), doc);
        self.publish(uri, diags);
        true
    }

    /// Shows the user a warning, in `lang`.
    fn show(&self, lang: Lang, why: crate::text::Text) {
        self.show_escaped(crate::escape::visible(why.get(lang)).into_owned());
    }

    /// Shows the user a warning already escaped.
    fn show_escaped(&self, why: String) {
        self.send(Message::Notification(Notification::new(
            notification::ShowMessage::METHOD.to_string(),
            ShowMessageParams {
                typ: MessageType::WARNING,
                message: format!("mynaflow: {why}"),
            },
        )));
    }

    /// Publishes the diagnostics of document `uri`, under the URI the
    /// client opened it by ([`Server::spelt`]).
    fn publish(&self, uri: Url, diagnostics: Vec<Diagnostic>) {
        let spelt = self.spelt.get(&uri).cloned();
        let version = self.versions.get(&uri).copied();
        let p = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        let mut n = Notification::new(notification::PublishDiagnostics::METHOD.to_string(), p);
        if let (Some(spelt), Some(uri)) = (spelt, n.params.get_mut("uri")) {
            *uri = Value::String(spelt);
        }
        self.send(Message::Notification(n));
    }

    /// Where a span is, as an LSP location (in the design, or in the rulebook).
    fn location(&self, doc: &Document, uri: &Url, span: Span) -> Option<Location> {
        if span.file == doc.file {
            return Some(Location::new(
                uri.clone(),
                doc.lines
                    .range(doc.text(), span.start as usize, span.end as usize),
            ));
        }
        let file = doc.session.sources.get(span.file);
        let target = match file.name.strip_prefix(BUILTIN_PREFIX) {
            Some(name) => Url::from_file_path(self.cache.as_ref()?.folder.join(name)).ok()?,
            None => Url::from_file_path(std::path::absolute(&file.name).ok()?).ok()?,
        };
        let lines = LineIndex::of(file, self.encoding);
        Some(Location::new(
            target,
            lines.range(&file.text, span.start as usize, span.end as usize),
        ))
    }

    /// The explain page of `code` in the cache, in `lang`.
    fn explain_link(&self, code: Code, lang: Lang) -> Option<CodeDescription> {
        let tag = if lang == Lang::Ja { "ja" } else { "en" };
        let path = self
            .cache
            .as_ref()?
            .folder
            .join("explain")
            .join(tag)
            .join(format!("{}.md", code.as_str()));
        Some(CodeDescription {
            href: Url::from_file_path(path).ok()?,
        })
    }

    /// The document's findings as the client shows them, in its language.
    fn diagnostics(&self, doc: &Document, uri: &Url) -> Vec<Diagnostic> {
        let lang = doc.lang;
        doc.diagnostics
            .iter()
            .filter(|d| d.primary.file == doc.file)
            .map(|d| {
                let mut message = d.message.get(lang).to_string();
                for n in &d.notes {
                    message.push_str(&format!("\n{}", n.get(lang)));
                }
                if let Some(h) = &d.help {
                    message.push_str(&format!(
                        "\n{}: {}",
                        crate::render::help_word(lang),
                        h.get(lang)
                    ));
                }
                let mut related: Vec<DiagnosticRelatedInformation> = d
                    .labels
                    .iter()
                    .filter_map(|l| {
                        Some(DiagnosticRelatedInformation {
                            location: self.location(doc, uri, l.span)?,
                            message: l.message.get(lang).to_string(),
                        })
                    })
                    .collect();
                if d.code == Code::MN013 {
                    // A rulebook that cannot be used: its errors, where
                    // they are, for the user to go to (they are published
                    // for the rulebook only when it is open).
                    related.extend(self.rulebook_errors(doc, uri));
                }
                Diagnostic {
                    range: doc.lines.range(
                        doc.text(),
                        d.primary.start as usize,
                        d.primary.end as usize,
                    ),
                    severity: Some(match d.severity {
                        Severity::Error => DiagnosticSeverity::ERROR,
                        Severity::Warning => DiagnosticSeverity::WARNING,
                    }),
                    code: Some(NumberOrString::String(d.code.as_str().to_string())),
                    code_description: self.explain_link(d.code, lang),
                    source: Some("mynaflow".to_string()),
                    message,
                    related_information: (!related.is_empty()).then_some(related),
                    tags: None,
                    data: None,
                }
            })
            .collect()
    }

    /// The errors found in the files other than the document (its
    /// rulebook), as related information: the first
    /// [`MAX_RULEBOOK_ERRORS`], each with its code and message.
    fn rulebook_errors(&self, doc: &Document, uri: &Url) -> Vec<DiagnosticRelatedInformation> {
        doc.diagnostics
            .iter()
            .filter(|e| e.primary.file != doc.file && e.severity == Severity::Error)
            .filter_map(|e| {
                Some(DiagnosticRelatedInformation {
                    location: self.location(doc, uri, e.primary)?,
                    message: format!("{} {}", e.code.as_str(), e.message.get(doc.lang)),
                })
            })
            .take(MAX_RULEBOOK_ERRORS)
            .collect()
    }

    /// The open document `uri`, analysed; or why there is none: it is
    /// not open, or it is too large to analyse.
    fn doc(&self, uri: &Url) -> Result<&Document, Failure> {
        if let Some(doc) = self.docs.get(uri) {
            return Ok(doc);
        }
        let shown = crate::escape::visible(uri.as_str());
        let Some(text) = self.unanalysed.get(uri) else {
            return Err((
                ErrorCode::InvalidParams,
                text!("{shown} is not open"; "{shown} は開かれていません"),
            ));
        };
        let (size, max) = (text.len(), self.max_document_bytes);
        let why = if size as u64 > max {
            text!(
                "{shown} is {size} bytes, more than the {max} checked: not analysed";
                "{shown} は {size} バイトで、検査する上限の {max} バイトを超えるため、解析していません"
            )
        } else {
            // A text a later one replaced, kept for the edits that follow
            // it: a request comes after those, and reads the last.
            text!("{shown} is not analysed yet"; "{shown} はまだ解析していません")
        };
        Err((ErrorCode::RequestFailed, why))
    }

    /// The language of an answer about document `named`: its own when it
    /// is open ([`Document::lang`]; one not analysed, its config's), else
    /// the server's.
    fn language_of(&self, named: Option<&Url>) -> Lang {
        let Some(uri) = named else {
            return self.langs.server();
        };
        if let Some(doc) = self.docs.get(uri) {
            return doc.lang;
        }
        match file_path(uri) {
            Some(path) if self.unanalysed.contains_key(uri) => {
                self.langs.for_file(&path, &self.roots)
            }
            _ => self.langs.server(),
        }
    }

    /// The built-in rulebook whose copy in the cache folder `uri` is, if
    /// it is one ([`materialise`] wrote it, for go to definition).
    fn built_in_copy(&self, uri: &Url) -> Option<&'static str> {
        let path = analysis::canonical(&file_path(uri)?);
        let folder = analysis::canonical(&self.cache.as_ref()?.folder);
        let file = path.strip_prefix(&folder).ok()?.to_str()?;
        let name = file.strip_suffix(".myna")?;
        BUILTIN_RULEBOOKS
            .iter()
            .map(|(n, _)| *n)
            .find(|n| *n == name)
    }

    /// The edits of a rename at byte `at` of the rulebook `uri` (analysed
    /// as `doc`, its names `index`), by document: the rulebook's own
    /// ([`navigate::rename_in_rulebook`]), and those of each design bound
    /// to this rulebook that writes the name
    /// ([`navigate::follow_rulebook_rename`]), open or in the workspace
    /// folders ([`Server::follow_in_workspace`]), so that no design is
    /// left naming what the rulebook no longer declares.
    fn rename_in_rulebook(
        &self,
        uri: &Url,
        (doc, index): (&Document, &rulebook::Index),
        at: usize,
        new_name: &str,
    ) -> Result<std::collections::BTreeMap<Url, Vec<TextEdit>>, navigate::Refusal> {
        let Some(rulebook::At::Name(n)) = index.at(at) else {
            return Err(navigate::Refusal::NotARulebookName);
        };
        let edits = navigate::rename_in_rulebook(doc, index, n, new_name)?;
        let mut changes = std::collections::BTreeMap::new();
        let written = edits.first().map(|(_, w)| w.clone());
        changes.insert(uri.clone(), navigate::edits(doc, &edits));
        let (Some(path), Some(written)) = (file_path(uri), written) else {
            return Ok(changes);
        };
        let key = analysis::canonical(&path);
        for (design_uri, design) in &self.docs {
            if design.is_rulebook() {
                continue;
            }
            let followed =
                navigate::follow_rulebook_rename(design, &key, (n.kind, &n.key), &written);
            if !followed.is_empty() {
                changes.insert(design_uri.clone(), navigate::edits(design, &followed));
            }
        }
        let renamed = (n.kind, n.key.as_str());
        self.follow_in_workspace(&key, renamed, &written, &mut changes, doc.lang);
        Ok(changes)
    }

    /// Adds to `changes` the edits that make each design of the workspace
    /// folders that is not open follow the rename of `renamed` in the
    /// rulebook file `key` to `written` ([`Server::each_design_not_open`]).
    fn follow_in_workspace(
        &self,
        key: &Path,
        renamed: (rulebook::Kind, &str),
        written: &str,
        changes: &mut std::collections::BTreeMap<Url, Vec<TextEdit>>,
        lang: Lang,
    ) {
        self.each_design_not_open(lang, |uri, design| {
            let followed = navigate::follow_rulebook_rename(design, key, renamed, written);
            if !followed.is_empty() {
                changes.insert(uri, navigate::edits(design, &followed));
            }
        });
    }

    /// Calls `found` with each design of the workspace folders that is not
    /// open, each analysed as an open one is (its config, the rulebooks
    /// open read from the editor), so a design is searched exactly as it
    /// would be open. A search cut short, and the designs it could not
    /// search, are told to the user, in `lang`.
    fn each_design_not_open(&self, lang: Lang, mut found: impl FnMut(Url, &Document)) {
        let open: HashSet<PathBuf> = (self.docs.keys().chain(self.unanalysed.keys()))
            .filter_map(file_path)
            .map(|p| analysis::canonical(&p))
            .collect();
        let limits = (self.workspace_search, self.max_document_bytes);
        let (cut, unsearched) = workspace::designs(&self.roots, &open, limits, |path, text| {
            let Ok(uri) = Url::from_file_path(path) else {
                return workspace::Searched::Not;
            };
            let analysed = Document::analyse_reading(
                path,
                text,
                self.encoding,
                self.around(),
                self.langs,
                &|| false,
            );
            let Ok(design) = analysed else {
                return workspace::Searched::Not;
            };
            if design.is_rulebook() {
                return workspace::Searched::Rulebook;
            }
            found(uri, &design);
            workspace::Searched::Design
        });
        if let Some(cut) = cut {
            self.show(lang, cut.text());
        }
        if let Some(why) = unsearched.text() {
            self.show(lang, why);
        }
    }

    fn request(&mut self, req: Request) -> Result<Answer, Failure> {
        let json = Answer::of;
        // Every answer about a document is worded in the document's
        // language (`Document::lang`), never in one of the server's.
        match req.method.as_str() {
            request::HoverRequest::METHOD => {
                let p: HoverParams = params(&req.method, req.params)?;
                let doc = self.doc(&p.text_document_position_params.text_document.uri)?;
                let at = doc
                    .lines
                    .offset(doc.text(), p.text_document_position_params.position);
                let found = match doc.rulebook_names() {
                    Some(index) => index.at(at).and_then(|a| {
                        let span = match a {
                            rulebook::At::Name(n) => n.span,
                            rulebook::At::Rule(rule, _) => rule.span,
                        };
                        Some((index.hover(a, doc.text(), doc.lang)?, span))
                    }),
                    None => doc
                        .at(at)
                        .and_then(|o| Some((hover::text(doc, o.target, doc.lang)?, o.span))),
                };
                let Some((text, span)) = found else {
                    return Ok(Answer::null());
                };
                Ok(json(&Hover {
                    contents: HoverContents::Markup(MarkupContent {
                        kind: MarkupKind::Markdown,
                        value: text,
                    }),
                    range: Some(doc.lines.range(
                        doc.text(),
                        span.start as usize,
                        span.end as usize,
                    )),
                }))
            }
            request::GotoDefinition::METHOD => {
                let p: GotoDefinitionParams = params(&req.method, req.params)?;
                let uri = p.text_document_position_params.text_document.uri;
                let doc = self.doc(&uri)?;
                let at = doc
                    .lines
                    .offset(doc.text(), p.text_document_position_params.position);
                let span = match doc.rulebook_names() {
                    Some(index) => match index.at(at) {
                        Some(rulebook::At::Name(n)) => index.definition(n).map(|d| d.span),
                        _ => None,
                    },
                    None => doc.at(at).and_then(|o| navigate::definition(doc, o.target)),
                };
                let loc = span.and_then(|s| self.location(doc, &uri, s));
                Ok(loc.map_or_else(Answer::null, |l| json(&GotoDefinitionResponse::Scalar(l))))
            }
            request::References::METHOD => {
                let p: ReferenceParams = params(&req.method, req.params)?;
                let uri = p.text_document_position.text_document.uri;
                let doc = self.doc(&uri)?;
                let at = doc
                    .lines
                    .offset(doc.text(), p.text_document_position.position);
                let with_declaration = p.context.include_declaration;
                match self.references(&uri, doc, at, with_declaration) {
                    Some(locs) => Ok(json(&locs)),
                    None => Ok(Answer::null()),
                }
            }
            request::Rename::METHOD => {
                let p: RenameParams = params(&req.method, req.params)?;
                let uri = p.text_document_position.text_document.uri;
                let doc = self.doc(&uri)?;
                let at = doc
                    .lines
                    .offset(doc.text(), p.text_document_position.position);
                let refused = |why: navigate::Refusal| {
                    // LSP 3.17: a rename that cannot be performed is an
                    // error, shown to the user; a new name that no design
                    // can hold is the request's parameters at fault.
                    let code = match why {
                        navigate::Refusal::NotRenamable | navigate::Refusal::NotARulebookName => {
                            ErrorCode::InvalidRequest
                        }
                        navigate::Refusal::Empty | navigate::Refusal::Control(_) => {
                            ErrorCode::InvalidParams
                        }
                        navigate::Refusal::Taken { .. } | navigate::Refusal::BuiltIn(_) => {
                            ErrorCode::RequestFailed
                        }
                    };
                    (code, why.text())
                };
                if let Some(name) = self.built_in_copy(&uri) {
                    return Err(refused(navigate::Refusal::BuiltIn(name)));
                }
                if let Some(index) = doc.rulebook_names() {
                    let changes = self
                        .rename_in_rulebook(&uri, (doc, index), at, &p.new_name)
                        .map_err(refused)?;
                    return Ok(json(&Changes { changes }));
                }
                let o = doc.at(at).ok_or(navigate::Refusal::NotRenamable);
                let edits = o
                    .and_then(|o| navigate::rename(doc, o.target, &p.new_name))
                    .map_err(refused)?;
                let mut changes = HashMap::new();
                changes.insert(uri, navigate::edits(doc, &edits));
                Ok(json(&WorkspaceEdit::new(changes)))
            }
            request::PrepareRenameRequest::METHOD => {
                let p: TextDocumentPositionParams = params(&req.method, req.params)?;
                let doc = self.doc(&p.text_document.uri)?;
                let at = doc.lines.offset(doc.text(), p.position);
                let built_in = self.built_in_copy(&p.text_document.uri);
                let span = match doc.rulebook_names() {
                    _ if let Some(name) = built_in => Err(navigate::Refusal::BuiltIn(name)),
                    Some(index) => match index.at(at) {
                        Some(rulebook::At::Name(n)) => Ok(n.span),
                        _ => Err(navigate::Refusal::NotARulebookName),
                    },
                    None => doc
                        .at(at)
                        .ok_or(navigate::Refusal::NotRenamable)
                        .and_then(|o| navigate::renamable(o.target).map(|()| o.span)),
                };
                let span = span.map_err(|why| (ErrorCode::InvalidRequest, why.text()))?;
                let range = doc
                    .lines
                    .range(doc.text(), span.start as usize, span.end as usize);
                Ok(json(&PrepareRenameResponse::Range(range)))
            }
            request::DocumentSymbolRequest::METHOD => {
                let p: DocumentSymbolParams = params(&req.method, req.params)?;
                let doc = self.doc(&p.text_document.uri)?;
                let symbols = match doc.rulebook_names() {
                    Some(index) => index.symbols(doc),
                    None => navigate::symbols(doc),
                };
                Ok(json(&DocumentSymbolResponse::Nested(symbols)))
            }
            request::Completion::METHOD => {
                let p: CompletionParams = params(&req.method, req.params)?;
                let doc = self.doc(&p.text_document_position.text_document.uri)?;
                let at = doc
                    .lines
                    .offset(doc.text(), p.text_document_position.position);
                // A plain array when it is complete, as before the cap.
                let list = completion::list(doc, at, doc.lang);
                Ok(match list.is_incomplete {
                    true => json(&CompletionResponse::List(list)),
                    false => json(&CompletionResponse::Array(list.items)),
                })
            }
            request::Formatting::METHOD => {
                let p: DocumentFormattingParams = params(&req.method, req.params)?;
                let doc = self.doc(&p.text_document.uri)?;
                Ok(actions::format(doc).map_or_else(Answer::null, |e| json(&e)))
            }
            request::CodeActionRequest::METHOD => {
                let p: CodeActionParams = params(&req.method, req.params)?;
                let doc = self.doc(&p.text_document.uri)?;
                let start = doc.lines.offset(doc.text(), p.range.start);
                let end = doc.lines.offset(doc.text(), p.range.end);
                Ok(json(&actions::code_actions(
                    doc,
                    &p.text_document.uri,
                    start,
                    end,
                    doc.lang,
                )))
            }
            // Known, but answered once only (LSP 3.17: "the server
            // should answer with code -32600" to a second one).
            request::Initialize::METHOD => Err((
                ErrorCode::InvalidRequest,
                Text::new(
                    "the server is already initialized",
                    "サーバーはすでに初期化されています",
                ),
            )),
            _ => {
                let method = crate::escape::visible(&req.method);
                Err((
                    ErrorCode::MethodNotFound,
                    text!(
                        "unknown request {method}";
                        "{method} というリクエストには対応していません"
                    ),
                ))
            }
        }
    }
}

/// A `WorkspaceEdit` of `changes` only, its documents in order (the
/// `HashMap` of `lsp_types` would write them in any order: an answer is
/// the same for the same request).
#[derive(serde::Serialize)]
struct Changes {
    /// The edits of each document, by URI.
    changes: std::collections::BTreeMap<Url, Vec<TextEdit>>,
}

/// A request's result, written as JSON straight from its values (never
/// as a `serde_json::Value`: see [`transport::Outgoing`]).
struct Answer(String);

impl Answer {
    /// `null`: nothing found.
    fn null() -> Answer {
        Answer("null".into())
    }

    /// `value` as JSON (never fails for the lsp-types values; `null` if
    /// it did).
    fn of(value: &dyn erased::Ser) -> Answer {
        Answer(value.to_json().unwrap_or_else(|| "null".into()))
    }
}

/// Serialising any response value behind one function.
mod erased {
    pub trait Ser {
        fn to_json(&self) -> Option<String>;
    }
    impl<T: serde::Serialize> Ser for T {
        fn to_json(&self) -> Option<String> {
            serde_json::to_string(self).ok()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The next notification of `method` the server sends, passing over
    /// others, which must not be warnings shown to the user.
    fn next_of(client: &Connection, method: &str) -> Value {
        loop {
            // Bounded: a server that never sends it fails the test.
            match client
                .receiver
                .recv_timeout(std::time::Duration::from_secs(30))
            {
                Ok(Message::Notification(n)) if n.method == method => return n.params,
                Ok(Message::Notification(n)) => {
                    assert_ne!(n.method, "window/showMessage", "{:?}", n.params);
                }
                Ok(_) => {}
                Err(e) => panic!("no {method} from the server: {e}"),
            }
        }
    }

    fn notify(client: &Connection, method: &str, params: Value) {
        let n = Notification::new(method.to_string(), params);
        client.sender.send(Message::Notification(n)).unwrap();
    }

    #[test]
    fn an_answer_is_its_values_as_json_and_null_for_nothing() {
        let location = Location::new(
            Url::parse("file:///a.myna").unwrap(),
            Range::new(Position::new(1, 2), Position::new(1, 5)),
        );
        let Answer(json) = Answer::of(&vec![location.clone()]);
        let read: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(read, serde_json::to_value(vec![location]).unwrap());
        assert_eq!(Answer::null().0, "null");
    }

    /// A server in memory that analyses documents of at most 300 bytes,
    /// its languages chosen as `langs` says, initialized; and the thread
    /// it runs on.
    fn small_server(langs: Languages) -> (Connection, std::thread::JoinHandle<Result<Exit, Text>>) {
        let config = Config {
            cache: None,
            langs,
            max_document_bytes: 300,
            workspace_search: WorkspaceSearch::default(),
        };
        server_with(config, json!({"capabilities": {}}))
    }

    /// A server in memory set up as `config` says, initialized with
    /// `params`; and the thread it runs on.
    fn server_with(
        config: Config,
        params: Value,
    ) -> (Connection, std::thread::JoinHandle<Result<Exit, Text>>) {
        let (server, client) = Connection::memory();
        let serving = std::thread::spawn(move || serve(&server, config));
        let init = Request::new(1.into(), "initialize".into(), params);
        client.sender.send(Message::Request(init)).unwrap();
        assert!(matches!(client.receiver.recv(), Ok(Message::Response(_))));
        notify(&client, "initialized", json!({}));
        (client, serving)
    }

    /// Shuts the server down, and checks that it ended as asked.
    fn shut_down(client: &Connection, serving: std::thread::JoinHandle<Result<Exit, Text>>) {
        let shutdown = Request::new(2.into(), "shutdown".into(), json!(null));
        client.sender.send(Message::Request(shutdown)).unwrap();
        assert!(matches!(client.receiver.recv(), Ok(Message::Response(_))));
        notify(client, "exit", json!(null));
        assert_eq!(serving.join().unwrap(), Ok(Exit::AfterShutdown));
    }

    #[test]
    fn a_document_larger_than_the_limit_is_not_analysed_and_the_user_is_told_once() {
        let (client, serving) = small_server(Languages {
            given: Some(Lang::En),
            locale: Lang::En,
        });
        let uri = "file:///limit/design.myna";
        // Undeclared names: findings, when it is analysed.
        let small = "flow A -> B : x for y\n";
        let large = small.repeat(20);
        assert!(small.len() < 300 && large.len() > 300);
        let open = |text: &str, version: i32| json!({"textDocument": {"uri": uri, "languageId": "myna", "version": version, "text": text}});
        notify(&client, "textDocument/didOpen", open(&large, 1));
        let shown = next_of(&client, "window/showMessage");
        let message = shown["message"].as_str().unwrap_or_default();
        assert!(
            message.contains("more than the 300 checked: not checked"),
            "{message}"
        );
        let published = next_of(&client, "textDocument/publishDiagnostics");
        assert_eq!(published["diagnostics"], json!([]));
        // An edit that keeps it too large: no findings, no second warning.
        let change = |version: i32, changes: Value| json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes});
        let edit = |version: i32, (from, to): (u32, u32), text: &str| {
            let range = json!({"start": {"line": from, "character": 0}, "end": {"line": to, "character": 0}});
            let edits = json!([{"range": range, "text": text}]);
            notify(&client, "textDocument/didChange", change(version, edits));
        };
        edit(2, (20, 20), "# more\n");
        let published = next_of(&client, "textDocument/publishDiagnostics");
        assert_eq!(published["diagnostics"], json!([]));
        // Edited down to under the limit (the kept text is what is edited):
        // analysed, with its findings.
        edit(3, (1, 21), "");
        let published = next_of(&client, "textDocument/publishDiagnostics");
        let codes: Vec<&str> = published["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|d| d["code"].as_str())
            .collect();
        assert!(codes.contains(&"MN010"), "{codes:?}");
        // Too large again, after an analysis: told again.
        notify(
            &client,
            "textDocument/didChange",
            change(4, json!([{"text": large}])),
        );
        let shown = next_of(&client, "window/showMessage");
        assert!(
            shown["message"]
                .as_str()
                .is_some_and(|m| m.contains("not checked"))
        );
        let published = next_of(&client, "textDocument/publishDiagnostics");
        assert_eq!(published["diagnostics"], json!([]));
        shut_down(&client, serving);
        // Nothing more was sent.
        assert!(client.receiver.try_recv().is_err());
    }

    /// A document too large to analyse is still its config's: without
    /// `--lang`, the user is told of it in the config's `lang`; with it,
    /// in `--lang`'s.
    #[test]
    fn a_document_too_large_is_told_of_in_its_own_language() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("mynaflow.toml"), "lang = \"ja\"\n").unwrap();
        let uri = Url::from_file_path(d.path().join("design.myna")).unwrap();
        let large = "flow A -> B : x for y\n".repeat(20);
        for (given, said) in [(None, "検査しません"), (Some(Lang::En), "not checked")] {
            let (client, serving) = small_server(Languages {
                given,
                locale: Lang::En,
            });
            let open = json!({"textDocument": {"uri": uri, "languageId": "myna", "version": 1, "text": large}});
            notify(&client, "textDocument/didOpen", open);
            let shown = next_of(&client, "window/showMessage");
            let message = shown["message"].as_str().unwrap_or_default();
            assert!(message.contains(said), "{message}");
            next_of(&client, "textDocument/publishDiagnostics");
            // A request about it is refused, saying why, in its language.
            let at = json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 6}});
            let hover = Request::new(7.into(), "textDocument/hover".into(), at);
            client.sender.send(Message::Request(hover)).unwrap();
            let refused = loop {
                match client
                    .receiver
                    .recv_timeout(std::time::Duration::from_secs(30))
                {
                    Ok(Message::Response(r)) if r.id == 7.into() => break r,
                    Ok(_) => {}
                    Err(e) => panic!("no answer: {e}"),
                }
            };
            let error = refused.response_result.unwrap_err();
            assert_eq!(error.code, ErrorCode::RequestFailed as i32);
            let why = match given {
                None => "バイトを超えるため、解析していません",
                Some(_) => "more than the 300 checked: not analysed",
            };
            assert!(error.message.contains(why), "{}", error.message);
            shut_down(&client, serving);
        }
    }

    /// Opens the rulebook `text` at `uri` and renames the name on its
    /// second line, at its sixth character, to `乙`: the answer, and the
    /// warnings shown before it.
    fn rename_in_rulebook(client: &Connection, uri: &Url, text: &str) -> (Response, Vec<String>) {
        let open =
            json!({"textDocument": {"uri": uri, "languageId": "myna", "version": 1, "text": text}});
        notify(client, "textDocument/didOpen", open);
        next_of(client, "textDocument/publishDiagnostics");
        let at = json!({"line": 1, "character": 5});
        let params = json!({"textDocument": {"uri": uri}, "position": at, "newName": "乙"});
        let rename = Request::new(7.into(), "textDocument/rename".into(), params);
        client.sender.send(Message::Request(rename)).unwrap();
        let mut shown = Vec::new();
        let answer = loop {
            match client
                .receiver
                .recv_timeout(std::time::Duration::from_secs(30))
            {
                Ok(Message::Response(r)) if r.id == 7.into() => break r,
                Ok(Message::Notification(n)) if n.method == "window/showMessage" => {
                    shown.push(n.params["message"].as_str().unwrap_or_default().to_string());
                }
                Ok(_) => {}
                Err(e) => panic!("no answer: {e}"),
            }
        };
        (answer, shown)
    }

    /// A rename in a rulebook whose search of the workspace stops at a
    /// limit still answers, with the designs it reached (the first, by
    /// path), and the user is told, in the rulebook's language, that it
    /// stopped. Rulebooks do not count as designs searched.
    #[test]
    fn a_workspace_search_cut_short_answers_with_what_it_found_and_says_so() {
        let d = tempfile::tempdir().unwrap();
        let rules = "rulebook t \"t\" revised 2024-12-04\nrole 甲 self \"x\"\n";
        std::fs::write(d.path().join("rules.myna"), rules).unwrap();
        std::fs::write(d.path().join("mynaflow.toml"), "lang = \"ja\"\n").unwrap();
        for name in ["a", "b", "c"] {
            let design = "use \"rules.myna\"\nactor A : 甲\n";
            std::fs::write(d.path().join(format!("{name}.myna")), design).unwrap();
        }
        let uri = |name: &str| Url::from_file_path(d.path().join(name)).unwrap();
        let folder = Url::from_file_path(d.path()).unwrap();
        let params =
            json!({"capabilities": {}, "workspaceFolders": [{"uri": folder, "name": "w"}]});
        // A rulebook of the workspace that is not open is read and not
        // counted among the designs searched: with room for two designs,
        // both a.myna and b.myna are, past it.
        let other_rules = "rulebook u \"u\" revised 2024-12-04\nrole 乙 self \"y\"\n";
        std::fs::write(d.path().join("aa.myna"), other_rules).unwrap();
        // (limits, the designs edited, cut short)
        let whole = WorkspaceSearch::default();
        let cases = [
            (whole, &["a", "b", "c"][..], false),
            (
                WorkspaceSearch {
                    designs: 2,
                    ..whole
                },
                &["a", "b"],
                true,
            ),
            // Room for the first file's bytes only.
            (WorkspaceSearch { bytes: 10, ..whole }, &["a"], true),
            // The folder has more entries than that: none of it is read.
            (
                WorkspaceSearch {
                    entries: 3,
                    ..whole
                },
                &[],
                true,
            ),
        ];
        for (limits, edited, cut) in cases {
            let config = Config {
                cache: None,
                langs: Languages::default(),
                max_document_bytes: 300,
                workspace_search: limits,
            };
            let (client, serving) = server_with(config, params.clone());
            let (answer, shown) = rename_in_rulebook(&client, &uri("rules.myna"), rules);
            let changes = answer.response_result.unwrap();
            let mut expected: Vec<String> = edited
                .iter()
                .map(|n| uri(&format!("{n}.myna")).to_string())
                .collect();
            expected.push(uri("rules.myna").to_string());
            let got: Vec<&String> = changes["changes"].as_object().unwrap().keys().collect();
            assert_eq!(got, expected.iter().collect::<Vec<_>>(), "{limits:?}");
            assert_eq!(shown.len(), usize::from(cut), "{shown:?}");
            if cut {
                assert!(shown[0].contains("打ち切りました"), "{shown:?}");
            }
            shut_down(&client, serving);
        }
    }

    /// The designs of the workspace a rename in a rulebook could not
    /// search (not UTF-8, larger than the server analyses) are named to
    /// the user, in the rulebook's language: they may still write the old
    /// name. Those it searched are edited; nothing is said of a whole
    /// search.
    #[test]
    fn the_designs_a_workspace_search_could_not_search_are_named() {
        let d = tempfile::tempdir().unwrap();
        let rules = "rulebook t \"t\" revised 2024-12-04\nrole 甲 self \"x\"\n";
        std::fs::write(d.path().join("rules.myna"), rules).unwrap();
        let design = "use \"rules.myna\"\nactor A : 甲\n";
        std::fs::write(d.path().join("a.myna"), design).unwrap();
        let mut latin1 = design.as_bytes().to_vec();
        latin1.extend_from_slice(b"# caf\xe9\n");
        std::fs::write(d.path().join("b.myna"), latin1).unwrap();
        let large = format!("{design}{}", "# padding\n".repeat(40));
        std::fs::write(d.path().join("c.myna"), large).unwrap();
        let uri = |name: &str| Url::from_file_path(d.path().join(name)).unwrap();
        let folder = Url::from_file_path(d.path()).unwrap();
        let params =
            json!({"capabilities": {}, "workspaceFolders": [{"uri": folder, "name": "w"}]});
        for (lang, said) in [
            (Lang::En, "could not search"),
            (Lang::Ja, "探せませんでした"),
        ] {
            let config = Config {
                cache: None,
                langs: Languages {
                    given: Some(lang),
                    locale: lang,
                },
                max_document_bytes: 300,
                workspace_search: WorkspaceSearch::default(),
            };
            let (client, serving) = server_with(config, params.clone());
            let (answer, shown) = rename_in_rulebook(&client, &uri("rules.myna"), rules);
            let changes = answer.response_result.unwrap();
            let got: Vec<&String> = changes["changes"].as_object().unwrap().keys().collect();
            let want = [uri("a.myna").to_string(), uri("rules.myna").to_string()];
            assert_eq!(got, want.iter().collect::<Vec<_>>());
            assert_eq!(shown.len(), 1, "{shown:?}");
            let b = d.path().join("b.myna").display().to_string();
            let c = d.path().join("c.myna").display().to_string();
            assert!(shown[0].contains(said), "{shown:?}");
            assert!(shown[0].contains(&format!("{b}, {c}")), "{shown:?}");
            shut_down(&client, serving);
        }
    }
}
