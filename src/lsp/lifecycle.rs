//! The start and end of a session: `initialize`, `initialized`, `shutdown`
//! and `exit`, as `lsp-server`'s `Connection` handles them, over the
//! server's own [`Link`]. Its errors name a message by its method only:
//! `lsp-server`'s quoted the whole message, a document's text included.
//! They are in the server's language (`--lang`, else the locale's): no
//! document is open before `initialize`, and none counts after
//! `shutdown`.

use super::transport::Link;
use crate::text;
use crate::text::{Lang, Text};
use crossbeam_channel::RecvTimeoutError;
use lsp_server::{ErrorCode, Message, RequestId, Response};
use serde_json::Value;
use std::time::Duration;

/// How long the server waits for `exit` after answering `shutdown`.
const EXIT_WAIT: Duration = Duration::from_secs(30);

/// Waits for the `initialize` request: its id and parameters. Requests
/// before it are answered with an error in `lang`, notifications
/// dropped; `exit` ends the session.
pub(super) fn initialize_start(link: &Link, lang: Lang) -> Result<(RequestId, Value), Text> {
    loop {
        match link.receiver.recv() {
            Ok(Message::Request(req)) if req.method == "initialize" => {
                return Ok((req.id, req.params));
            }
            Ok(Message::Request(req)) => {
                let method = crate::escape::visible(&req.method);
                let why = text!(
                    "expected an initialize request, not {method}";
                    "initialize リクエストをまだ受け取っていないため、{method} には応答しません"
                );
                let error = ErrorCode::ServerNotInitialized as i32;
                let why = why.get(lang).to_string();
                link.send(Message::Response(Response::new_err(req.id, error, why)));
            }
            Ok(Message::Notification(n)) if n.method == "exit" => {
                return Err(Text::new(
                    "the client said exit before initialize",
                    "クライアントが initialize の前に exit を送りました",
                ));
            }
            Ok(_) => {}
            Err(_) => {
                return Err(Text::new(
                    "the client went before initialize",
                    "クライアントが initialize の前に接続を閉じました",
                ));
            }
        }
    }
}

/// Answers `initialize` with `result`, then waits for `initialized`.
pub(super) fn initialize_finish(link: &Link, id: RequestId, result: Value) -> Result<(), Text> {
    link.send(Message::Response(Response::new_ok(id, result)));
    match link.receiver.recv() {
        Ok(Message::Notification(n)) if n.method == "initialized" => Ok(()),
        Ok(other) => {
            let (en, ja) = method_of(&other);
            Err(text!(
                "expected the initialized notification, not {en}";
                "initialized 通知を待っていましたが、{ja}が届きました"
            ))
        }
        Err(_) => Err(Text::new(
            "the client went before initialized",
            "クライアントが initialized の前に接続を閉じました",
        )),
    }
}

/// When `req` is `shutdown`: answers it, waits for `exit`, and says so.
/// A request sent meanwhile is answered with `InvalidRequest` (LSP 3.17:
/// "if a server receives requests after a shutdown request those requests
/// should error with InvalidRequest"), in `lang`: a client closing with a
/// hover still pending gets an answer, not a server that has gone. Other
/// notifications are dropped.
pub(super) fn shutdown(link: &Link, req: &lsp_server::Request, lang: Lang) -> Result<bool, Text> {
    if req.method != "shutdown" {
        return Ok(false);
    }
    link.send(Message::Response(Response::new_ok(req.id.clone(), ())));
    let deadline = std::time::Instant::now() + EXIT_WAIT;
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match link.receiver.recv_timeout(left) {
            Ok(Message::Notification(n)) if n.method == "exit" => return Ok(true),
            Ok(Message::Request(r)) => {
                let method = crate::escape::visible(&r.method);
                let why = text!(
                    "the server is shutting down: {method} is not answered";
                    "サーバーは終了処理中のため、{method} には応答しません"
                );
                let code = ErrorCode::InvalidRequest as i32;
                let why = why.get(lang).to_string();
                link.send(Message::Response(Response::new_err(r.id, code, why)));
            }
            Ok(_) => {}
            Err(RecvTimeoutError::Timeout) => {
                return Err(Text::new(
                    "no exit within 30 s of shutdown",
                    "shutdown から 30 秒以内に exit が届きませんでした",
                ));
            }
            Err(RecvTimeoutError::Disconnected) => return Err(went_before_exit()),
        }
    }
}

/// Why a session ended without `exit`: the client closed the connection.
pub(super) fn went_before_exit() -> Text {
    Text::new(
        "the client went before exit",
        "クライアントが exit の前に接続を閉じました",
    )
}

/// A message named for an error, in English and in Japanese: its method,
/// or that it is a response.
fn method_of(m: &Message) -> (String, String) {
    let method = match m {
        Message::Request(r) => &r.method,
        Message::Notification(n) => &n.method,
        Message::Response(_) => return ("a response".into(), "応答".into()),
    };
    let method = crate::escape::visible(method);
    (method.to_string(), format!("{method} "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lsp::transport::Outgoing;
    use crossbeam_channel::{Receiver, Sender, unbounded};
    use lsp_server::{Notification, Request};
    use serde_json::json;

    /// A link, the client's sender to it, and what the server sent.
    fn link() -> (Link, Sender<Message>, Receiver<Outgoing>) {
        let (to_server, receiver) = unbounded();
        let (sender, from_server) = unbounded();
        (Link { sender, receiver }, to_server, from_server)
    }

    fn request(id: i32, method: &str) -> Message {
        Message::Request(Request::new(id.into(), method.into(), json!({})))
    }

    fn notification(method: &str, params: Value) -> Message {
        Message::Notification(Notification::new(method.into(), params))
    }

    #[test]
    fn a_session_starts_with_initialize_whatever_comes_before_it() {
        let (link, client, sent) = link();
        client.send(notification("$/setTrace", json!({}))).unwrap();
        client.send(request(1, "textDocument/hover")).unwrap();
        client.send(request(2, "initialize")).unwrap();
        client.send(notification("initialized", json!({}))).unwrap();
        let (id, _) = initialize_start(&link, Lang::En).unwrap();
        assert_eq!(id, 2.into());
        // The request before it was answered with an error.
        let answered = format!("{:?}", sent.try_recv().unwrap());
        assert!(answered.contains("ServerNotInitialized") || answered.contains("-32002"));
        assert!(answered.contains("expected an initialize request, not textDocument/hover"));
        initialize_finish(&link, id, json!({"capabilities": {}})).unwrap();
        assert!(
            matches!(sent.try_recv(), Ok(Outgoing::Message(Message::Response(r))) if r.id == 2.into())
        );
    }

    #[test]
    fn an_error_names_the_message_by_its_method_never_its_text() {
        let (link, client, _sent) = link();
        let text = "秘密の設計\u{1b}[31m";
        client
            .send(notification(
                "textDocument/didOpen",
                json!({"textDocument": {"text": text}}),
            ))
            .unwrap();
        let e = initialize_finish(&link, 1.into(), json!({})).unwrap_err();
        assert_eq!(
            e.en,
            "expected the initialized notification, not textDocument/didOpen"
        );
        // Exit before initialize, and a client gone.
        client.send(notification("exit", Value::Null)).unwrap();
        assert!(
            initialize_start(&link, Lang::En)
                .unwrap_err()
                .en
                .contains("exit before initialize")
        );
        drop(client);
        assert!(
            initialize_start(&link, Lang::En)
                .unwrap_err()
                .en
                .contains("went before initialize")
        );
    }

    #[test]
    fn shutdown_is_answered_and_waits_for_exit() {
        let (link, client, sent) = link();
        let hover = Request::new(1.into(), "textDocument/hover".into(), json!({}));
        assert_eq!(shutdown(&link, &hover, Lang::En), Ok(false));
        assert!(
            sent.try_recv().is_err(),
            "nothing answered for another request"
        );
        let req = Request::new(2.into(), "shutdown".into(), json!(null));
        client.send(notification("exit", Value::Null)).unwrap();
        assert_eq!(shutdown(&link, &req, Lang::En), Ok(true));
        assert!(
            matches!(sent.try_recv(), Ok(Outgoing::Message(Message::Response(r))) if r.id == 2.into())
        );
        // A request after shutdown: an InvalidRequest error, and the
        // server still waits for exit.
        client.send(request(3, "textDocument/hover")).unwrap();
        client.send(notification("$/setTrace", json!({}))).unwrap();
        client.send(notification("exit", Value::Null)).unwrap();
        assert_eq!(shutdown(&link, &req, Lang::En), Ok(true));
        let answers: Vec<Outgoing> = sent.try_iter().collect();
        assert_eq!(answers.len(), 2, "{answers:?}");
        let Outgoing::Message(Message::Response(refused)) = &answers[1] else {
            panic!("{answers:?}");
        };
        assert_eq!(refused.id, 3.into());
        let error = refused.response_result.as_ref().err();
        let error = error.map(|e| (e.code, e.message.as_str()));
        assert_eq!(
            error,
            Some((
                ErrorCode::InvalidRequest as i32,
                "the server is shutting down: textDocument/hover is not answered"
            ))
        );
        // A client gone before exit.
        drop(client);
        assert_eq!(
            shutdown(&link, &req, Lang::En).map_err(|e| e.en),
            Err("the client went before exit".to_string())
        );
    }

    /// The next answer `sent`, an error: its code and message.
    fn refusal(sent: &Receiver<Outgoing>) -> (i32, String) {
        match sent.try_recv() {
            Ok(Outgoing::Message(Message::Response(r))) => {
                let e = r.response_result.err().unwrap();
                (e.code, e.message)
            }
            other => panic!("{other:?}"),
        }
    }

    /// In Japanese, the requests before `initialize` and after `shutdown`
    /// are refused in Japanese, their methods escaped; so are the reasons
    /// a session ends.
    #[test]
    fn lifecycle_errors_are_in_the_servers_language_their_methods_escaped() {
        let (link, client, sent) = link();
        client
            .send(request(1, "textDocument/hover\u{1b}[31m"))
            .unwrap();
        client.send(request(2, "initialize")).unwrap();
        initialize_start(&link, Lang::Ja).unwrap();
        let (code, message) = refusal(&sent);
        assert_eq!(code, ErrorCode::ServerNotInitialized as i32);
        assert!(
            message.starts_with("initialize リクエストをまだ"),
            "{message}"
        );
        assert!(!message.contains('\u{1b}'), "{message}");
        let req = Request::new(3.into(), "shutdown".into(), json!(null));
        client.send(request(4, "textDocument/completion")).unwrap();
        client.send(notification("exit", Value::Null)).unwrap();
        assert_eq!(shutdown(&link, &req, Lang::Ja), Ok(true));
        sent.try_recv().unwrap();
        assert_eq!(
            refusal(&sent),
            (
                ErrorCode::InvalidRequest as i32,
                "サーバーは終了処理中のため、textDocument/completion には応答しません".into()
            )
        );
        client
            .send(notification("textDocument/didOpen", json!({})))
            .unwrap();
        let e = initialize_finish(&link, 5.into(), json!({})).unwrap_err();
        assert_eq!(
            e.ja,
            "initialized 通知を待っていましたが、textDocument/didOpen が届きました"
        );
        drop(client);
        assert_eq!(
            initialize_start(&link, Lang::Ja).unwrap_err().ja,
            "クライアントが initialize の前に接続を閉じました"
        );
    }
}
