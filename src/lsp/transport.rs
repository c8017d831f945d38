//! The connection to the client over stdin and stdout: `lsp-server`'s
//! stdio transport, with each message read once into JSON and moved, not
//! copied, into the message the server handles (a whole text decoded
//! within the bytes read, [`super::long_strings`]), and every read
//! bounded.
//!
//! `lsp_server::Message::read` parses a message through serde's untagged
//! enum: the text is buffered once more, then copied for each kind of
//! message tried. A client that sends a million-flow design's whole text
//! (110 MB, at every open) held three or four copies of it at once on the
//! reader's thread, while the server analysed the last one.

use super::long_strings;
use crate::text;
use crate::text::Lang;
use crate::text::Text;
use crossbeam_channel::{Receiver, Sender, bounded, never, select};
use lsp_server::{Message, Notification, Request, RequestId};
use serde_json::Value;
use std::io::{self, BufRead, Read, Write};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// The largest message read: the whole text of the largest design the
/// command line checks ([`crate::input::MAX_FILE_BYTES`]) with room for
/// its escapes in JSON.
const MAX_MESSAGE_BYTES: u64 = 4 * crate::input::MAX_FILE_BYTES;

/// The longest header line read (`Content-Length: ...`, `Content-Type: ...`).
const MAX_HEADER_LINE: u64 = 1024;

/// What the server sends: a message, or a request's result already
/// written as JSON. A large answer is written straight from its values,
/// never held as a `serde_json::Value` (300 000 references to one actor,
/// as values, took 2 GiB; the JSON is 38 MB), and the response around it
/// is written around it, not copied with it into one string.
#[derive(Debug)]
pub(super) enum Outgoing {
    /// A message.
    Message(Message),
    /// The successful response to request `id`, its result written.
    Result {
        /// The request answered.
        id: RequestId,
        /// The result, as JSON.
        json: String,
    },
}

/// The server's end of a connection to its client.
pub(super) struct Link {
    /// What the server sends.
    pub(super) sender: Sender<Outgoing>,
    /// What the client has sent.
    pub(super) receiver: Receiver<Message>,
}

impl Link {
    /// Sends `m`; a client that has gone ends the server's loop instead.
    pub(super) fn send(&self, m: Message) {
        let _ = self.sender.send(Outgoing::Message(m));
    }

    /// Answers request `id` with `json`, its result already written.
    pub(super) fn send_result(&self, id: RequestId, json: String) {
        let _ = self.sender.send(Outgoing::Result { id, json });
    }
}

/// The threads that read and write the client's messages.
pub(super) struct Transport {
    reader: JoinHandle<io::Result<()>>,
    writer: JoinHandle<io::Result<()>>,
    /// Why the reader stopped, set before the server sees the connection
    /// end.
    failure: Arc<Mutex<Option<Text>>>,
}

impl Transport {
    /// Why the client's messages could not be read, once the reader has
    /// stopped for that reason: the cause of a connection that ended
    /// before `exit`, in both languages. Escaped: serde's reason may quote
    /// a value sent.
    pub(super) fn failure(&self) -> Option<Text> {
        let failure = self.failure.lock().ok()?.clone()?;
        let (en, ja) = (
            crate::escape::visible(&failure.en),
            crate::escape::visible(&failure.ja),
        );
        Some(text!(
            "reading the client's messages: {en}";
            "クライアントのメッセージを読めません: {ja}"
        ))
    }

    /// Waits for both threads: the reader ends after `exit` (or when the
    /// client closes stdin), the writer once the connection is dropped.
    pub(super) fn join(self) -> io::Result<()> {
        let reader = self.reader.join();
        let writer = self.writer.join();
        for ended in [reader, writer] {
            match ended {
                Ok(result) => result?,
                Err(_) => return Err(io::Error::other("a connection thread panicked")),
            }
        }
        Ok(())
    }

    /// Waits for the writer alone, once the connection is dropped: the
    /// answers sent before a session that failed are written before the
    /// process exits (the reader may be waiting for input that never
    /// comes).
    pub(super) fn flush(self) {
        let _ = self.writer.join();
    }
}

/// A connection over stdin and stdout. As `lsp-server`'s, the reader hands
/// over one message at a time and reads the next while the last is
/// handled (a channel of no capacity), which [`super::waiting`] relies on.
/// A message that is not one, in a frame that is right, is answered by
/// the reader itself (in `lang`) and the next one read.
pub(super) fn stdio(lang: Lang) -> io::Result<(Link, Transport)> {
    let (to_writer, from_server) = bounded::<Outgoing>(0);
    // The reader's answers go on a channel of their own: the writer ends
    // when the server's end is dropped, whatever the reader still holds.
    let (refusals, from_reader) = bounded::<String>(0);
    let writer = std::thread::Builder::new()
        .name("mynaflow-lsp-writer".into())
        .spawn(move || write_all(from_server, from_reader, io::stdout().lock()))?;
    let (to_server, from_reader) = bounded::<Message>(0);
    let failure = Arc::new(Mutex::new(None));
    let failed = Arc::clone(&failure);
    let reader = std::thread::Builder::new()
        .name("mynaflow-lsp-reader".into())
        .spawn(move || {
            let read = read_all(io::stdin().lock(), &to_server, &refusals, lang);
            let why = match &read {
                Err(e) => Some(reason(e)),
                Ok(Ended::EndOfInput) => Some(Text::new(
                    "the input ended before `exit`",
                    "`exit` の前に入力が終わりました",
                )),
                Ok(Ended::Exit | Ended::ServerGone) => None,
            };
            if let (Some(why), Ok(mut failed)) = (why, failed.lock()) {
                *failed = Some(why);
            }
            // Only now does the server see the connection end.
            drop(to_server);
            read.map(|_| ())
        })?;
    let connection = Link {
        sender: to_writer,
        receiver: from_reader,
    };
    let transport = Transport {
        reader,
        writer,
        failure,
    };
    Ok((connection, transport))
}

/// Writes each message the server sends, and each answer the reader
/// sends (whole JSON), until the server's end is dropped.
fn write_all(
    messages: Receiver<Outgoing>,
    mut refusals: Receiver<String>,
    mut out: impl Write,
) -> io::Result<()> {
    loop {
        select! {
            recv(messages) -> m => match m {
                Ok(Outgoing::Message(m)) => m.write(&mut out)?,
                Ok(Outgoing::Result { id, json }) => write_result(&mut out, &id, &json)?,
                Err(_) => return Ok(()),
            },
            recv(refusals) -> r => match r {
                Ok(json) => {
                    write!(out, "Content-Length: {}\r\n\r\n{json}", json.len())?;
                    out.flush()?;
                }
                // The reader has stopped: only the server's messages now.
                Err(_) => refusals = never(),
            },
        }
    }
}

/// Writes the response to request `id` whose result is `json`, framed.
fn write_result(out: &mut impl Write, id: &RequestId, json: &str) -> io::Result<()> {
    let head = format!(
        r#"{{"jsonrpc":"2.0","id":{},"result":"#,
        serde_json::to_string(id)?
    );
    let tail = "}";
    let length = head.len() + json.len() + tail.len();
    write!(out, "Content-Length: {length}\r\n\r\n{head}")?;
    out.write_all(json.as_bytes())?;
    out.write_all(tail.as_bytes())?;
    out.flush()
}

/// Reads messages from `input` and hands them over one at a time, until
/// `exit`, the end of the input or the server's end; says which. A
/// message that is not one is answered on `refusals`, in `lang`.
fn read_all(
    mut input: impl BufRead,
    to_server: &Sender<Message>,
    refusals: &Sender<String>,
    lang: Lang,
) -> io::Result<Ended> {
    while let Some(m) = read_message(&mut input)? {
        let m = match m {
            Ok(m) => m,
            Err(refused) => {
                // A writer gone is the server gone; the next read or send
                // says so.
                let _ = refusals.send(refused.answer(lang));
                continue;
            }
        };
        let exit = matches!(&m, Message::Notification(n) if n.method == "exit");
        if to_server.send(m).is_err() {
            return Ok(Ended::ServerGone);
        }
        if exit {
            return Ok(Ended::Exit);
        }
    }
    Ok(Ended::EndOfInput)
}

/// Why the reader stopped, when it could read every message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ended {
    /// The client said `exit`.
    Exit,
    /// The client closed stdin without `exit`.
    EndOfInput,
    /// The server had stopped taking messages.
    ServerGone,
}

/// A message in a right frame that is not one: JSON-RPC's answer to it.
#[derive(Debug)]
struct Refused {
    /// JSON-RPC's code: -32700 (not JSON), -32600 (not a message).
    code: i32,
    /// Why, in both languages.
    why: Text,
}

impl Refused {
    /// The error response, with id null (JSON-RPC 2.0: the id could not
    /// be read), in `lang`, escaped: the reason may quote what was sent.
    fn answer(&self, lang: Lang) -> String {
        let message = crate::escape::visible(self.why.get(lang));
        serde_json::json!({
            "jsonrpc": "2.0",
            "id": null,
            "error": {"code": self.code, "message": message},
        })
        .to_string()
    }
}

/// The next message, or why the one framed is none (the next frame is
/// read after it), or `None` at the end of the input. A frame that is
/// wrong is an error: what follows it cannot be found.
fn read_message(input: &mut impl BufRead) -> io::Result<Option<Result<Message, Refused>>> {
    let Some(length) = content_length(input)? else {
        return Ok(None);
    };
    if length > MAX_MESSAGE_BYTES {
        return Err(invalid(text!(
            "a message of {length} bytes, more than the {MAX_MESSAGE_BYTES} read";
            "{length} バイトのメッセージで、読む上限の {MAX_MESSAGE_BYTES} バイトを超えています"
        )));
    }
    // Sized once (within the bound above): grown as it is read, a 110 MB
    // text was copied as the buffer doubled, and held twice meanwhile.
    let mut body = Vec::with_capacity(usize::try_from(length).unwrap_or(0));
    input.take(length).read_to_end(&mut body)?;
    if body.len() as u64 != length {
        let read = body.len();
        return Err(invalid(text!(
            "a message of {read} bytes where its Content-Length says {length}";
            "Content-Length は {length} バイトですが、メッセージは {read} バイトで終わっています"
        )));
    }
    // The bytes read become the text they carry, or are freed before the
    // message is handed over.
    let value = match long_strings::parse(body, long_strings::LONG) {
        Ok(value) => value,
        Err(why) => {
            return Ok(Some(Err(Refused {
                code: lsp_server::ErrorCode::ParseError as i32,
                why: text!(
                    "a message that is not JSON: {}", why.en;
                    "JSON でないメッセージです。{}", why.ja
                ),
            })));
        }
    };
    Ok(Some(message_of(value).map_err(|e| {
        let why = super::serde_reason::words(&e);
        Refused {
            code: lsp_server::ErrorCode::InvalidRequest as i32,
            why: text!(
                "a message that is no request, response or notification: {}", why.en;
                "リクエスト、応答、通知のいずれでもないメッセージです。{}", why.ja
            ),
        }
    })))
}

/// Reads the header lines up to the blank one; the `Content-Length` they
/// give, or `None` at the end of the input before any.
fn content_length(input: &mut impl BufRead) -> io::Result<Option<u64>> {
    let mut length = None;
    let mut line = Vec::new();
    let mut first = true;
    loop {
        line.clear();
        let read = input
            .by_ref()
            .take(MAX_HEADER_LINE)
            .read_until(b'\n', &mut line)?;
        if read == 0 && first {
            return Ok(None);
        }
        first = false;
        let Some(header) = line.strip_suffix(b"\r\n") else {
            return Err(invalid(Text::new(
                "a header line that does not end with CR LF, or is too long",
                "CR LF で終わらないか、長すぎるヘッダー行です",
            )));
        };
        if header.is_empty() {
            break;
        }
        let header = std::str::from_utf8(header).map_err(|_| {
            invalid(Text::new(
                "a header line that is not UTF-8",
                "UTF-8 でないヘッダー行です",
            ))
        })?;
        if let Some((name, value)) = header.split_once(':')
            && name.trim().eq_ignore_ascii_case("Content-Length")
        {
            let n = value.trim().parse::<u64>();
            length = Some(n.map_err(|_| {
                invalid(Text::new(
                    "a Content-Length that is no number",
                    "数でない Content-Length です",
                ))
            })?);
        }
    }
    length.map(Some).ok_or_else(|| {
        invalid(Text::new(
            "a message without Content-Length",
            "Content-Length のないメッセージです",
        ))
    })
}

/// The message a JSON value is, its parts moved out of it: a notification
/// (a document's text) or a request is read without serde's untagged
/// enum, which buffers and copies; a response goes through it (a client's
/// responses are small).
fn message_of(value: Value) -> Result<Message, serde_json::Error> {
    let Value::Object(mut map) = value else {
        return serde_json::from_value(value);
    };
    match map.remove("method") {
        Some(Value::String(method)) => {
            let params = map.remove("params").unwrap_or(Value::Null);
            // A request has an id of its kind; a message with a method
            // and no id is a notification. One with an id of no request's
            // kind (null, 1.5) is refused, so that it is answered (-32600,
            // id null), not taken for a notification and dropped in
            // silence, as `lsp-server`'s untagged enum reads it.
            match map.remove("id").map(serde_json::from_value::<RequestId>) {
                Some(Ok(id)) => Ok(Message::Request(Request { id, method, params })),
                Some(Err(e)) => Err(e),
                None => Ok(Message::Notification(Notification { method, params })),
            }
        }
        method => {
            if let Some(m) = method {
                map.insert("method".into(), m);
            }
            serde_json::from_value(Value::Object(map))
        }
    }
}

/// Why a message could not be read, in both languages, carried in an
/// [`io::Error`] to the reader's end ([`reason`]).
#[derive(Debug)]
struct Unreadable(Text);

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.en)
    }
}

impl std::error::Error for Unreadable {}

fn invalid(why: Text) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, Unreadable(why))
}

/// Why reading failed, in both languages: the reader's own reason, or
/// the system's error (its description in Japanese from its number).
fn reason(e: &io::Error) -> Text {
    match e.get_ref().and_then(|i| i.downcast_ref::<Unreadable>()) {
        Some(Unreadable(why)) => why.clone(),
        None => Text::new(e.to_string(), crate::oserror::describe_ja(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn framed(body: &str) -> Vec<u8> {
        format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
    }

    fn read(bytes: &[u8]) -> io::Result<Option<Result<Message, Refused>>> {
        read_message(&mut io::BufReader::new(bytes))
    }

    /// What `lsp-server` reads the same value as.
    fn as_lsp_server_reads(value: &Value) -> Option<String> {
        let m: Message = serde_json::from_value(value.clone()).ok()?;
        Some(format!("{m:?}"))
    }

    #[test]
    fn every_kind_of_message_reads_as_lsp_server_reads_it() {
        let values = [
            json!({"jsonrpc": "2.0", "id": 3, "method": "shutdown"}),
            json!({"jsonrpc": "2.0", "id": 3, "method": "shutdown", "params": null}),
            json!({"jsonrpc": "2.0", "id": "a", "method": "textDocument/hover", "params": {"x": 1}}),
            json!({"jsonrpc": "2.0", "method": "exit"}),
            json!({"jsonrpc": "2.0", "method": "textDocument/didOpen",
                   "params": {"textDocument": {"uri": "file:///a.myna", "text": "flow 𠮷 -> B\n"}}}),
            json!({"jsonrpc": "2.0", "id": 7, "result": {"ok": true}}),
            json!({"jsonrpc": "2.0", "id": 7, "error": {"code": -32601, "message": "no"}}),
        ];
        for v in values {
            let read = message_of(v.clone()).map(|m| format!("{m:?}"));
            let expected = as_lsp_server_reads(&v);
            assert!(expected.is_some(), "{v}");
            assert_eq!(read.ok(), expected, "{v}");
        }
        // An id of no request's kind is refused here (`lsp-server` takes
        // it for a notification, dropped in silence).
        for v in [
            json!({"jsonrpc": "2.0", "id": null, "method": "m", "params": [1]}),
            json!({"jsonrpc": "2.0", "id": 1.5, "method": "m"}),
        ] {
            assert!(message_of(v.clone()).is_err(), "{v}");
        }
        // Neither reads a method that is no string, or no object.
        for v in [json!({"id": 1, "method": 2}), json!([1, 2]), json!("x")] {
            assert!(message_of(v.clone()).is_err(), "{v}");
            assert!(serde_json::from_value::<Message>(v).is_err());
        }
    }

    #[test]
    fn messages_are_read_framed_and_the_input_ends_cleanly() {
        let mut bytes = framed(r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#);
        // Other headers, any case, spaces around the value.
        bytes.extend(b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n");
        let body = r#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#;
        bytes.extend(format!("content-length:  {} \r\n\r\n{body}", body.len()).bytes());
        let mut input = io::BufReader::new(bytes.as_slice());
        let first = read_message(&mut input).unwrap();
        assert!(matches!(first, Some(Ok(Message::Notification(n))) if n.method == "initialized"));
        let second = read_message(&mut input).unwrap();
        assert!(matches!(second, Some(Ok(Message::Request(r))) if r.method == "shutdown"));
        assert!(read_message(&mut input).unwrap().is_none());
    }

    #[test]
    fn malformed_or_oversized_input_is_an_error_not_a_wait_or_a_panic() {
        let too_long = format!("Content-Length: {}\r\n\r\n", MAX_MESSAGE_BYTES + 1);
        let long_header = format!("X-{}: y\r\n", "a".repeat(2000));
        for bad in [
            b"Content-Length: 10\n\n0123456789".to_vec(),
            b"Content-Length: x\r\n\r\n".to_vec(),
            b"Content-Type: a\r\n\r\n{}".to_vec(),
            too_long.into_bytes(),
            long_header.into_bytes(),
            // Shorter than it says.
            b"Content-Length: 50\r\n\r\n{}".to_vec(),
            b"Content-Le".to_vec(),
        ] {
            assert!(read(&bad).is_err(), "{:?}", String::from_utf8_lossy(&bad));
        }
    }

    /// A body that is not JSON, or not a message, in a right frame is
    /// answered (-32700, -32600, id null) and the next frame read; a lone
    /// surrogate is no reason to refuse one.
    #[test]
    fn a_body_that_is_no_message_is_answered_and_the_next_one_read() {
        let mut bytes = Vec::new();
        for body in [
            "{not json",
            "[1]",
            r#"{"jsonrpc":"2.0","id":1,"method":2}"#,
            "\u{1b}[2J",
            r#"{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"text":"\ud842 \udfb7"}}"#,
            r#"{"jsonrpc":"2.0","id":2,"method":"shutdown"}"#,
        ] {
            bytes.extend(framed(body));
        }
        let mut input = io::BufReader::new(bytes.as_slice());
        let mut codes = Vec::new();
        for _ in 0..4 {
            let Some(Err(refused)) = read_message(&mut input).unwrap() else {
                panic!("not refused")
            };
            let answer: Value = serde_json::from_str(&refused.answer(Lang::Ja)).unwrap();
            assert_eq!(answer["id"], Value::Null);
            assert!(!answer.to_string().contains('\u{1b}'), "{answer}");
            codes.push(answer["error"]["code"].as_i64().unwrap());
        }
        assert_eq!(codes, [-32700, -32600, -32600, -32700]);
        let Some(Ok(Message::Notification(n))) = read_message(&mut input).unwrap() else {
            panic!("the change not read")
        };
        assert_eq!(n.params["text"], "\u{FFFD} \u{FFFD}");
        let shutdown = read_message(&mut input).unwrap();
        assert!(matches!(shutdown, Some(Ok(Message::Request(r))) if r.method == "shutdown"));
        // The reader answers, and goes on.
        let (sender, receiver) = crossbeam_channel::unbounded();
        let (refusals, answers) = crossbeam_channel::unbounded();
        let ended = read_all(
            io::BufReader::new(bytes.as_slice()),
            &sender,
            &refusals,
            Lang::En,
        );
        assert_eq!(ended.unwrap(), Ended::EndOfInput);
        assert_eq!(receiver.try_iter().count(), 2);
        let answers: Vec<String> = answers.try_iter().collect();
        assert_eq!(answers.len(), 4);
        assert!(
            answers[0].contains("a message that is not JSON"),
            "{answers:?}"
        );
    }

    /// Why a message could not be read is said in both languages; a
    /// system error too, its Japanese from its number.
    #[test]
    fn why_a_message_cannot_be_read_is_in_both_languages() {
        let too_long = format!("Content-Length: {}\r\n\r\n", MAX_MESSAGE_BYTES + 1);
        let e = read(too_long.as_bytes()).unwrap_err();
        let why = reason(&e);
        assert!(why.en.contains("more than the 1073741824 read"), "{why:?}");
        assert!(
            why.ja
                .contains("読む上限の 1073741824 バイトを超えています"),
            "{why:?}"
        );
        let Ok(Some(Err(refused))) = read(&framed("{not json")) else {
            panic!("not refused")
        };
        assert_eq!(
            refused.why.ja,
            "JSON でないメッセージです。オブジェクトのキーは文字列でなければなりません (1 行 2 列目)"
        );
        let system = io::Error::from_raw_os_error(13);
        assert!(reason(&system).ja.contains("アクセス権がありません"));
    }

    #[test]
    fn cut_short_or_damaged_streams_give_a_message_or_an_error_and_never_panic() {
        // A session of three messages, then 3000 copies cut at, or with
        // one byte changed at, pseudo-random places: each read either
        // gives the messages or ends in an error, and whatever is read
        // before the damage is what was sent.
        let bodies = [
            r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}"#,
            r#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///a.myna","text":"flow 𠮷 -> B\n\"x\""}}}"#,
            r#"{"jsonrpc":"2.0","id":"s","method":"shutdown"}"#,
        ];
        let whole: Vec<u8> = bodies.iter().flat_map(|b| framed(b)).collect();
        let sent: Vec<String> = bodies
            .iter()
            .map(|b| {
                format!(
                    "{:?}",
                    message_of(serde_json::from_str(b).unwrap()).unwrap()
                )
            })
            .collect();
        // Undamaged: the three messages, then the end.
        let mut input = io::BufReader::new(whole.as_slice());
        for expected in &sent {
            let m = read_message(&mut input).unwrap().unwrap().unwrap();
            assert_eq!(&format!("{m:?}"), expected);
        }
        assert!(read_message(&mut input).unwrap().is_none());
        let mut compared = 0;
        let mut next = crate::test_rulebooks::dice(0x5eed, 0);
        for round in 0..3000 {
            let mut bytes = whole.clone();
            let at = next(bytes.len());
            if round % 2 == 0 {
                bytes.truncate(at);
            } else {
                bytes[at] = next(256) as u8;
            }
            let mut input = io::BufReader::new(bytes.as_slice());
            for (k, expected) in sent.iter().enumerate() {
                // Only a message wholly before the damage is sure to be
                // the one sent.
                let end: usize = bodies[..=k].iter().map(|b| framed(b).len()).sum();
                match read_message(&mut input) {
                    Ok(Some(Ok(m))) => {
                        if end <= at {
                            assert_eq!(&format!("{m:?}"), expected, "round {round}");
                            compared += 1;
                        }
                    }
                    // Refused, and the next one read.
                    Ok(Some(Err(_))) => assert!(end > at, "round {round}"),
                    Ok(None) | Err(_) => break,
                }
            }
        }
        assert!(
            compared > 1000,
            "{compared} messages read before the damage"
        );
    }

    #[test]
    fn a_result_written_reads_back_as_the_response_lsp_server_would_send() {
        let result = json!([{"uri": "file:///a.myna", "range": {"start": {"line": 1, "character": 2},
            "end": {"line": 1, "character": 5}}}]);
        for id in [RequestId::from(7), "x\"y".to_string().into()] {
            let mut written = Vec::new();
            write_result(&mut written, &id, &result.to_string()).unwrap();
            let read = read(&written).unwrap().unwrap().unwrap();
            let sent = lsp_server::Response::new_ok(id, result.clone());
            assert_eq!(
                format!("{read:?}"),
                format!("{:?}", Message::Response(sent))
            );
        }
    }

    #[test]
    fn the_reader_stops_after_exit() {
        let mut bytes = framed(r#"{"jsonrpc":"2.0","method":"exit"}"#);
        bytes.extend(framed(r#"{"jsonrpc":"2.0","method":"after"}"#));
        let (sender, receiver) = crossbeam_channel::unbounded();
        let (refusals, _answers) = crossbeam_channel::unbounded();
        let read_all = |bytes: &[u8], sender: &Sender<Message>| {
            read_all(io::BufReader::new(bytes), sender, &refusals, Lang::En)
        };
        let ended = read_all(bytes.as_slice(), &sender).unwrap();
        assert_eq!(ended, Ended::Exit);
        let got: Vec<Message> = receiver.try_iter().collect();
        assert_eq!(got.len(), 1);
        assert!(matches!(&got[0], Message::Notification(n) if n.method == "exit"));
        // Without `exit`: every message, then the end of the input.
        let bytes = framed(r#"{"jsonrpc":"2.0","method":"after"}"#);
        let ended = read_all(bytes.as_slice(), &sender).unwrap();
        assert_eq!(ended, Ended::EndOfInput);
        assert_eq!(receiver.try_iter().count(), 1);
        // A server that stopped taking them.
        drop(receiver);
        let ended = read_all(bytes.as_slice(), &sender).unwrap();
        assert_eq!(ended, Ended::ServerGone);
    }
}
