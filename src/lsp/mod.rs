//! `mynaflow lsp`: a language server on stdio, built on `lsp-server` and
//! `lsp-types` (rust-analyzer's synchronous pair: one thread, messages
//! handled in order, no async runtime), its stdio connection our own
//! (`transport`: each message read bounded, and parsed once). The client sends each edit, which
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
mod navigate;
pub mod position;
mod sync;
mod transport;
mod waiting;

pub use analysis::{Document, Target};

use crate::code::{Code, Severity};
use crate::session::{BUILTIN_PREFIX, BUILTIN_RULEBOOKS};
use crate::span::Span;
use crate::text::Lang;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::*;
use position::{Encoding, LineIndex};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use waiting::{Replaced, Replacement, Waiting};

/// The hover text at byte `offset` of a document (what the server answers
/// to `textDocument/hover`, for benchmarks and tests).
pub fn hover_at(doc: &Document, offset: usize, lang: Lang) -> Option<String> {
    hover::text(doc, doc.at(offset)?.target, lang)
}

/// The completion items at byte `offset` (as `textDocument/completion`).
pub fn complete_at(doc: &Document, offset: usize, lang: Lang) -> Vec<CompletionItem> {
    completion::items(doc, offset, lang)
}

/// How the server is set up by its command line.
#[derive(Clone, Debug)]
pub struct Config {
    /// Where the built-in rulebook and the explain pages are written (None:
    /// no links into them).
    pub cache: Option<PathBuf>,
    /// The language of hover texts and messages.
    pub lang: Lang,
}

/// Runs the server on stdin/stdout until the client says `exit`.
pub fn run(config: Config) -> Result<(), String> {
    let (connection, io) = transport::stdio().map_err(|e| e.to_string())?;
    if let Err(e) = serve(&connection, config) {
        // A message that could not be read ends the connection: say why,
        // not only that it ended.
        return Err(io.failure().unwrap_or(e));
    }
    drop(connection);
    io.join().map_err(|e| e.to_string())
}

/// Serves one client over a connection (tests use an in-memory one).
pub fn serve(connection: &Connection, config: Config) -> Result<(), String> {
    let (id, params) = connection.initialize_start().map_err(|e| e.to_string())?;
    let params: InitializeParams = serde_json::from_value(params).map_err(|e| e.to_string())?;
    let utf8 = params
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref())
        .is_some_and(|e| e.contains(&PositionEncodingKind::UTF8));
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
        rename_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![":".into(), " ".into(), "\"".into(), ",".into()]),
            ..CompletionOptions::default()
        }),
        ..ServerCapabilities::default()
    };
    let result = serde_json::json!({
        "capabilities": caps,
        "serverInfo": {"name": "mynaflow", "version": env!("CARGO_PKG_VERSION")},
    });
    connection
        .initialize_finish(id, result)
        .map_err(|e| e.to_string())?;
    let cache = config.cache.as_deref().and_then(|c| materialise(c).ok());
    let mut server = Server {
        connection,
        docs: HashMap::new(),
        unanalysed: HashMap::new(),
        encoding,
        lang: config.lang,
        cache,
        config_problems: HashSet::new(),
    };
    let mut waiting = Waiting::new(&connection.receiver);
    while let Some(msg) = waiting.next() {
        match msg {
            Message::Request(req) => {
                if connection
                    .handle_shutdown(&req)
                    .map_err(|e| e.to_string())?
                {
                    return Ok(());
                }
                let id = req.id.clone();
                let response = match server.request(req) {
                    Ok(v) => Response::new_ok(id, v),
                    Err((code, msg)) => Response::new_err(id, code as i32, msg),
                };
                server.send(Message::Response(response));
            }
            Message::Notification(n) => server.notification(n, &mut waiting),
            Message::Response(_) => {}
        }
    }
    Ok(())
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

type Failure = (ErrorCode, String);

struct Server<'a> {
    connection: &'a Connection,
    docs: HashMap<Url, Document>,
    /// The texts of open documents that a later text already waiting
    /// replaces, not analysed (see [`waiting::Waiting::replace`]); a
    /// document is here or in `docs`, never in both.
    unanalysed: HashMap<Url, String>,
    encoding: Encoding,
    lang: Lang,
    cache: Option<Cache>,
    /// Config problems already shown to the user (once each, not on
    /// every keystroke).
    config_problems: HashSet<String>,
}

fn params<P: serde::de::DeserializeOwned>(v: Value) -> Result<P, Failure> {
    serde_json::from_value(v).map_err(|e| (ErrorCode::InvalidParams, e.to_string()))
}

impl Server<'_> {
    fn send(&self, msg: Message) {
        // A closed channel means the client went away; the loop ends then.
        let _ = self.connection.sender.send(msg);
    }

    /// Handles a notification. A document's text that a later one
    /// `waiting` replaces is kept for the edits to come, not analysed.
    fn notification(&mut self, n: Notification, waiting: &mut Waiting) {
        let replaced = waiting.replace(&n);
        match n.method.as_str() {
            notification::DidOpenTextDocument::METHOD => {
                if let Ok(p) = params::<DidOpenTextDocumentParams>(n.params) {
                    self.text(p.text_document.uri, p.text_document.text, replaced, waiting);
                }
            }
            notification::DidChangeTextDocument::METHOD => {
                if let Ok(p) = params::<DidChangeTextDocumentParams>(n.params) {
                    let uri = p.text_document.uri;
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
                if let Ok(p) = params::<DidCloseTextDocumentParams>(n.params) {
                    self.docs.remove(&p.text_document.uri);
                    self.unanalysed.remove(&p.text_document.uri);
                    self.publish(p.text_document.uri, Vec::new());
                }
            }
            _ => {}
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
        let path = uri
            .to_file_path()
            .unwrap_or_else(|_| PathBuf::from(uri.path()));
        let replacement = Replacement::of(waiting, uri.as_str());
        let doc = match Document::analyse_unless(&path, text, self.encoding, &|| replacement.sent())
        {
            Ok(doc) => doc,
            Err(text) => {
                if replacement.found() != Some(Replaced::Whole) {
                    self.unanalysed.insert(uri, text);
                }
                return;
            }
        };
        if let Some(why) = &doc.config_problem {
            let why = crate::escape::visible(why.get(self.lang)).into_owned();
            if self.config_problems.insert(why.clone()) {
                self.send(Message::Notification(Notification::new(
                    notification::ShowMessage::METHOD.to_string(),
                    ShowMessageParams {
                        typ: MessageType::WARNING,
                        message: format!("mynaflow: {why}"),
                    },
                )));
            }
        }
        let diags = self.diagnostics(&doc, &uri);
        self.docs.insert(uri.clone(), doc);
        self.publish(uri, diags);
    }

    fn publish(&self, uri: Url, diagnostics: Vec<Diagnostic>) {
        let p = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version: None,
        };
        self.send(Message::Notification(Notification::new(
            notification::PublishDiagnostics::METHOD.to_string(),
            p,
        )));
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

    fn explain_link(&self, code: Code) -> Option<CodeDescription> {
        let tag = if self.lang == Lang::Ja { "ja" } else { "en" };
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

    fn diagnostics(&self, doc: &Document, uri: &Url) -> Vec<Diagnostic> {
        doc.diagnostics
            .iter()
            .filter(|d| d.primary.file == doc.file)
            .map(|d| {
                let mut message = d.message.get(self.lang).to_string();
                for n in &d.notes {
                    message.push_str(&format!("\n{}", n.get(self.lang)));
                }
                if let Some(h) = &d.help {
                    message.push_str(&format!("\nhelp: {}", h.get(self.lang)));
                }
                let related: Vec<DiagnosticRelatedInformation> = d
                    .labels
                    .iter()
                    .filter_map(|l| {
                        Some(DiagnosticRelatedInformation {
                            location: self.location(doc, uri, l.span)?,
                            message: l.message.get(self.lang).to_string(),
                        })
                    })
                    .collect();
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
                    code_description: self.explain_link(d.code),
                    source: Some("mynaflow".to_string()),
                    message,
                    related_information: (!related.is_empty()).then_some(related),
                    tags: None,
                    data: None,
                }
            })
            .collect()
    }

    fn doc(&self, uri: &Url) -> Result<&Document, Failure> {
        self.docs
            .get(uri)
            .ok_or((ErrorCode::InvalidParams, format!("{uri} is not open")))
    }

    fn request(&mut self, req: Request) -> Result<Value, Failure> {
        let json = |v: &dyn erased::Ser| v.to_value();
        let lang = self.lang;
        match req.method.as_str() {
            request::HoverRequest::METHOD => {
                let p: HoverParams = params(req.params)?;
                let doc = self.doc(&p.text_document_position_params.text_document.uri)?;
                let at = doc
                    .lines
                    .offset(doc.text(), p.text_document_position_params.position);
                let Some(o) = doc.at(at) else {
                    return Ok(Value::Null);
                };
                let Some(text) = hover::text(doc, o.target, lang) else {
                    return Ok(Value::Null);
                };
                Ok(json(&Hover {
                    contents: HoverContents::Markup(MarkupContent {
                        kind: MarkupKind::Markdown,
                        value: text,
                    }),
                    range: Some(doc.lines.range(
                        doc.text(),
                        o.span.start as usize,
                        o.span.end as usize,
                    )),
                }))
            }
            request::GotoDefinition::METHOD => {
                let p: GotoDefinitionParams = params(req.params)?;
                let uri = p.text_document_position_params.text_document.uri;
                let doc = self.doc(&uri)?;
                let at = doc
                    .lines
                    .offset(doc.text(), p.text_document_position_params.position);
                let loc = doc
                    .at(at)
                    .and_then(|o| navigate::definition(doc, o.target))
                    .and_then(|s| self.location(doc, &uri, s));
                Ok(loc.map_or(Value::Null, |l| json(&GotoDefinitionResponse::Scalar(l))))
            }
            request::References::METHOD => {
                let p: ReferenceParams = params(req.params)?;
                let uri = p.text_document_position.text_document.uri;
                let doc = self.doc(&uri)?;
                let at = doc
                    .lines
                    .offset(doc.text(), p.text_document_position.position);
                let Some(o) = doc.at(at) else {
                    return Ok(Value::Null);
                };
                let locs: Vec<Location> = doc
                    .occurrences(o.target)
                    .into_iter()
                    .filter(|x| p.context.include_declaration || !x.declaration)
                    .filter_map(|x| self.location(doc, &uri, x.span))
                    .collect();
                Ok(json(&locs))
            }
            request::Rename::METHOD => {
                let p: RenameParams = params(req.params)?;
                let uri = p.text_document_position.text_document.uri;
                let doc = self.doc(&uri)?;
                let at = doc
                    .lines
                    .offset(doc.text(), p.text_document_position.position);
                let edits = doc
                    .at(at)
                    .and_then(|o| navigate::rename(doc, o.target, &p.new_name))
                    .ok_or((
                        ErrorCode::InvalidRequest,
                        "only actors and data items of the design can be renamed".to_string(),
                    ))?;
                let mut changes = HashMap::new();
                changes.insert(uri, navigate::edits(doc, &edits));
                Ok(json(&WorkspaceEdit::new(changes)))
            }
            request::DocumentSymbolRequest::METHOD => {
                let p: DocumentSymbolParams = params(req.params)?;
                let doc = self.doc(&p.text_document.uri)?;
                Ok(json(&DocumentSymbolResponse::Nested(navigate::symbols(
                    doc,
                ))))
            }
            request::Completion::METHOD => {
                let p: CompletionParams = params(req.params)?;
                let doc = self.doc(&p.text_document_position.text_document.uri)?;
                let at = doc
                    .lines
                    .offset(doc.text(), p.text_document_position.position);
                Ok(json(&CompletionResponse::Array(completion::items(
                    doc, at, lang,
                ))))
            }
            request::Formatting::METHOD => {
                let p: DocumentFormattingParams = params(req.params)?;
                let doc = self.doc(&p.text_document.uri)?;
                Ok(actions::format(doc).map_or(Value::Null, |e| json(&e)))
            }
            request::CodeActionRequest::METHOD => {
                let p: CodeActionParams = params(req.params)?;
                let doc = self.doc(&p.text_document.uri)?;
                let start = doc.lines.offset(doc.text(), p.range.start);
                let end = doc.lines.offset(doc.text(), p.range.end);
                Ok(json(&actions::code_actions(
                    doc,
                    &p.text_document.uri,
                    start,
                    end,
                    lang,
                )))
            }
            _ => Err((
                ErrorCode::MethodNotFound,
                format!("unknown request {}", req.method),
            )),
        }
    }
}

/// Serialising any response value (never fails for the lsp-types values).
mod erased {
    pub trait Ser {
        fn to_value(&self) -> serde_json::Value;
    }
    impl<T: serde::Serialize> Ser for T {
        fn to_value(&self) -> serde_json::Value {
            serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
        }
    }
}
