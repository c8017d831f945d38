//! The start and end of a session: `initialize`, `initialized`, `shutdown`
//! and `exit`, as `lsp-server`'s `Connection` handles them, over the
//! server's own [`Link`]. Its errors name a message by its method only:
//! `lsp-server`'s quoted the whole message, a document's text included.

use super::transport::Link;
use crossbeam_channel::RecvTimeoutError;
use lsp_server::{ErrorCode, Message, RequestId, Response};
use serde_json::Value;
use std::time::Duration;

/// How long the server waits for `exit` after answering `shutdown`.
const EXIT_WAIT: Duration = Duration::from_secs(30);

/// Waits for the `initialize` request: its id and parameters. Requests
/// before it are answered with an error, notifications dropped; `exit`
/// ends the session.
pub(super) fn initialize_start(link: &Link) -> Result<(RequestId, Value), String> {
    loop {
        match link.receiver.recv() {
            Ok(Message::Request(req)) if req.method == "initialize" => {
                return Ok((req.id, req.params));
            }
            Ok(Message::Request(req)) => {
                let why = format!("expected an initialize request, not {}", req.method);
                let error = ErrorCode::ServerNotInitialized as i32;
                link.send(Message::Response(Response::new_err(req.id, error, why)));
            }
            Ok(Message::Notification(n)) if n.method == "exit" => {
                return Err("the client said exit before initialize".into());
            }
            Ok(_) => {}
            Err(_) => return Err("the client went before initialize".into()),
        }
    }
}

/// Answers `initialize` with `result`, then waits for `initialized`.
pub(super) fn initialize_finish(link: &Link, id: RequestId, result: Value) -> Result<(), String> {
    link.send(Message::Response(Response::new_ok(id, result)));
    match link.receiver.recv() {
        Ok(Message::Notification(n)) if n.method == "initialized" => Ok(()),
        Ok(other) => Err(format!(
            "expected the initialized notification, not {}",
            method_of(&other)
        )),
        Err(_) => Err("the client went before initialized".into()),
    }
}

/// When `req` is `shutdown`: answers it, waits for `exit`, and says so.
/// A request sent meanwhile is answered with `InvalidRequest` (LSP 3.17:
/// "if a server receives requests after a shutdown request those requests
/// should error with InvalidRequest"): a client closing with a hover still
/// pending gets an answer, not a server that has gone. Other
/// notifications are dropped.
pub(super) fn shutdown(link: &Link, req: &lsp_server::Request) -> Result<bool, String> {
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
                let why = format!(
                    "the server is shutting down: {} is not answered",
                    crate::escape::visible(&r.method)
                );
                let code = ErrorCode::InvalidRequest as i32;
                link.send(Message::Response(Response::new_err(r.id, code, why)));
            }
            Ok(_) => {}
            Err(RecvTimeoutError::Timeout) => return Err("no exit within 30 s of shutdown".into()),
            Err(RecvTimeoutError::Disconnected) => {
                return Err("the client went before exit".into());
            }
        }
    }
}

/// A message named for an error: its method, or that it is a response.
fn method_of(m: &Message) -> String {
    let method = match m {
        Message::Request(r) => &r.method,
        Message::Notification(n) => &n.method,
        Message::Response(_) => return "a response".into(),
    };
    crate::escape::visible(method).into_owned()
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
        let (id, _) = initialize_start(&link).unwrap();
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
            e,
            "expected the initialized notification, not textDocument/didOpen"
        );
        // Exit before initialize, and a client gone.
        client.send(notification("exit", Value::Null)).unwrap();
        assert!(
            initialize_start(&link)
                .unwrap_err()
                .contains("exit before initialize")
        );
        drop(client);
        assert!(
            initialize_start(&link)
                .unwrap_err()
                .contains("went before initialize")
        );
    }

    #[test]
    fn shutdown_is_answered_and_waits_for_exit() {
        let (link, client, sent) = link();
        let hover = Request::new(1.into(), "textDocument/hover".into(), json!({}));
        assert_eq!(shutdown(&link, &hover), Ok(false));
        assert!(
            sent.try_recv().is_err(),
            "nothing answered for another request"
        );
        let req = Request::new(2.into(), "shutdown".into(), json!(null));
        client.send(notification("exit", Value::Null)).unwrap();
        assert_eq!(shutdown(&link, &req), Ok(true));
        assert!(
            matches!(sent.try_recv(), Ok(Outgoing::Message(Message::Response(r))) if r.id == 2.into())
        );
        // A request after shutdown: an InvalidRequest error, and the
        // server still waits for exit.
        client.send(request(3, "textDocument/hover")).unwrap();
        client.send(notification("$/setTrace", json!({}))).unwrap();
        client.send(notification("exit", Value::Null)).unwrap();
        assert_eq!(shutdown(&link, &req), Ok(true));
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
            shutdown(&link, &req),
            Err("the client went before exit".to_string())
        );
    }
}
