//! The messages a client has sent that the server has not handled yet.
//! A document's new text whose analysis no one would read is not
//! analysed: while a large document is analysed (most of a second at a
//! million flows), an editor sends an edit at every keystroke, and
//! analysing each text in turn would leave the server further behind the
//! typing at every one.

use crossbeam_channel::Receiver;
use lsp_server::{Message, Notification};
use lsp_types::notification::{
    Cancel, DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, Notification as _,
};
use std::collections::VecDeque;
use std::sync::{Mutex, OnceLock};

/// The client's messages in the order sent: those taken from the
/// connection ahead of their turn, then the connection's.
pub(super) struct Waiting<'a> {
    receiver: &'a Receiver<Message>,
    ahead: VecDeque<Message>,
}

impl<'a> Waiting<'a> {
    /// The messages that will come from `receiver`.
    pub(super) fn new(receiver: &'a Receiver<Message>) -> Self {
        Waiting {
            receiver,
            ahead: VecDeque::new(),
        }
    }

    /// The next message; None once the client has gone.
    pub(super) fn next(&mut self) -> Option<Message> {
        match self.ahead.pop_front() {
            Some(m) => Some(m),
            None => self.receiver.recv().ok(),
        }
    }

    /// Does a text notification `n` (a document opened or changed) give a
    /// text that a message already sent replaces before anything could
    /// read its analysis? That is: a later open, change or close of the
    /// same document comes before any request (a request may ask about
    /// the text as it was then, so it is answered from that text's
    /// analysis). A text passed over is still kept for the edits that
    /// follow it ([`super::sync`]) unless the replacement needs no text
    /// ([`Replaced::Whole`]); its diagnostics are never published.
    pub(super) fn replace(&mut self, n: &Notification) -> Option<Replaced> {
        let uri = text_document(
            n,
            &[DidOpenTextDocument::METHOD, DidChangeTextDocument::METHOD],
        )?;
        self.replaced(Some(uri), LOOK_AHEAD)
    }

    /// Has the client sent nothing more within `wait`? A message that
    /// comes meanwhile is kept for [`Waiting::next`]. The server checks
    /// the designs a changed rulebook left stale when the client is idle,
    /// not at each keystroke in the rulebook.
    pub(super) fn idle(&mut self, wait: std::time::Duration) -> bool {
        if !self.ahead.is_empty() {
            return false;
        }
        match self.receiver.recv_timeout(wait) {
            Ok(m) => {
                self.ahead.push_back(m);
                false
            }
            // Gone: nothing more will come, and the loop ends at `next`.
            Err(_) => true,
        }
    }

    /// Has the client sent a later open, change or close of document `uri`
    /// (of any document, for `None`) before any request, and which? Waits
    /// up to `wait` for each message not yet handed over (none while an
    /// analysis is under way: the connection's reader has long read the
    /// next message, and holds it).
    pub(super) fn replaced(
        &mut self,
        uri: Option<&str>,
        wait: std::time::Duration,
    ) -> Option<Replaced> {
        // What the client has sent so far, up to the first request.
        // Nothing past a request is taken: the `exit` after `shutdown`
        // must still be on the connection when the shutdown is handled.
        let mut seen = 0;
        loop {
            if seen == self.ahead.len() {
                match self.receiver.recv_timeout(wait) {
                    Ok(m) => self.ahead.push_back(m),
                    Err(_) => return None,
                }
            }
            match &self.ahead[seen] {
                Message::Request(_) => return None,
                Message::Notification(later)
                    if text_document(later, TEXT_OR_CLOSE)
                        .is_some_and(|u| uri.is_none_or(|uri| u == uri)) =>
                {
                    return Some(Replaced::by(later));
                }
                _ => seen += 1,
            }
        }
    }
}

impl Waiting<'_> {
    /// Has the client cancelled request `id` (`$/cancelRequest`) in what
    /// it sent after it, before its next request? The cancellation is
    /// taken out. Waits for nothing, and takes nothing past the next
    /// request (as [`Waiting::replaced`]).
    pub(super) fn cancelled(&mut self, id: &lsp_server::RequestId) -> bool {
        let Ok(id) = serde_json::to_value(id) else {
            return false;
        };
        let mut seen = 0;
        loop {
            if seen == self.ahead.len() {
                match self.receiver.try_recv() {
                    Ok(m) => self.ahead.push_back(m),
                    Err(_) => return false,
                }
            }
            match &self.ahead[seen] {
                Message::Request(_) => return false,
                Message::Notification(n)
                    if n.method == Cancel::METHOD && n.params.get("id") == Some(&id) =>
                {
                    self.ahead.remove(seen);
                    return true;
                }
                _ => seen += 1,
            }
        }
    }
}

/// What replaces a document's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Replaced {
    /// Edits to it: the text is kept for them to apply to.
    ByEdits,
    /// A whole new text (an open, or a change that sends one), or the
    /// document's close: the text is needed no more, and freed at once
    /// (a million-flow design's texts, sent whole, were otherwise held
    /// beside the next).
    Whole,
}

impl Replaced {
    /// What the later notification `n` of the same document does to its
    /// text, read from its parameters as sent.
    fn by(n: &Notification) -> Replaced {
        let whole = n.method != DidChangeTextDocument::METHOD
            || n.params
                .get("contentChanges")
                .and_then(serde_json::Value::as_array)
                .is_some_and(|changes| {
                    changes
                        .iter()
                        .any(|c| c.get("range").is_none_or(serde_json::Value::is_null))
                });
        if whole {
            Replaced::Whole
        } else {
            Replaced::ByEdits
        }
    }
}

/// Whether a document's text being analysed is replaced by one the client
/// has sent since: asked from any of the analysis's threads (a large text
/// is parsed in parts on every core, and asked before each part).
pub(super) struct Replacement<'w, 'a> {
    waiting: Mutex<&'w mut Waiting<'a>>,
    /// The document watched; None: any (a design checked again because its
    /// rulebook changed stops at any text sent, and is checked when the
    /// client is idle again).
    uri: Option<&'w str>,
    /// Once found replaced, it stays so (the message is kept ahead).
    found: OnceLock<Replaced>,
}

impl<'w, 'a> Replacement<'w, 'a> {
    /// Asks `waiting` about document `uri` (any document, for `None`).
    pub(super) fn of(waiting: &'w mut Waiting<'a>, uri: Option<&'w str>) -> Self {
        Replacement {
            waiting: Mutex::new(waiting),
            uri,
            found: OnceLock::new(),
        }
    }

    /// Has a later text of the document been sent, with no request before
    /// it ([`Waiting::replaced`])? Waits for nothing: the connection's
    /// reader reads the next message while the analysis goes on. While
    /// another thread is asking, the answer is no, for now.
    pub(super) fn sent(&self) -> bool {
        if self.found.get().is_some() {
            return true;
        }
        let replaced = match self.waiting.try_lock() {
            Ok(mut waiting) => waiting.replaced(self.uri, std::time::Duration::ZERO),
            Err(_) => None,
        };
        match replaced {
            Some(r) => {
                let _ = self.found.set(r);
                true
            }
            None => false,
        }
    }

    /// What replaced the text, once [`Replacement::sent`] has said it was.
    pub(super) fn found(&self) -> Option<Replaced> {
        self.found.get().copied()
    }
}

/// How long to wait for a message the client may have sent already. The
/// stdio connection's reader hands the server one message at a time and
/// reads the next only once the last is taken, so a message already sent
/// is there a few microseconds later, not at once (without the wait, ten
/// edits sent while a million-flow design was analysed were each analysed
/// in turn); a message not sent yet is waited for no longer than this.
const LOOK_AHEAD: std::time::Duration = std::time::Duration::from_millis(2);

/// The notifications that give a document's text, or end it.
const TEXT_OR_CLOSE: &[&str] = &[
    DidOpenTextDocument::METHOD,
    DidChangeTextDocument::METHOD,
    DidCloseTextDocument::METHOD,
];

/// The document a notification of one of `methods` is about, read from
/// its parameters as sent (without reading the text it carries).
fn text_document<'n>(n: &'n Notification, methods: &[&str]) -> Option<&'n str> {
    if !methods.contains(&n.method.as_str()) {
        return None;
    }
    n.params.get("textDocument")?.get("uri")?.as_str()
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp_server::{Request, RequestId};
    use serde_json::{Value, json};

    fn text(method: &str, uri: &str) -> Message {
        Message::Notification(Notification::new(
            method.to_string(),
            json!({"textDocument": {"uri": uri, "version": 1, "text": "x"}, "contentChanges": []}),
        ))
    }

    fn change(uri: &str) -> Message {
        text(DidChangeTextDocument::METHOD, uri)
    }

    fn hover() -> Message {
        Message::Request(Request::new(
            RequestId::from(7),
            "textDocument/hover".into(),
            json!({}),
        ))
    }

    fn notification(m: Message) -> Notification {
        match m {
            Message::Notification(n) => n,
            other => panic!("not a notification: {other:?}"),
        }
    }

    /// Whether each message, taken in turn from a connection that holds
    /// `sent`, is a text a later one replaces, and how (requests: None).
    fn replacements(sent: Vec<Message>) -> Vec<Option<Replaced>> {
        let (sender, receiver) = crossbeam_channel::unbounded();
        for m in sent {
            sender.send(m).unwrap();
        }
        drop(sender);
        let mut waiting = Waiting::new(&receiver);
        let mut out = Vec::new();
        while let Some(m) = waiting.next() {
            out.push(match m {
                Message::Notification(n) => waiting.replace(&n),
                _ => None,
            });
        }
        out
    }

    /// Whether each message is a text a later one replaces.
    fn replaced(sent: Vec<Message>) -> Vec<bool> {
        replacements(sent).iter().map(Option::is_some).collect()
    }

    #[test]
    fn a_text_is_replaced_by_a_later_one_of_its_document_unless_a_request_comes_between() {
        let (a, b) = ("file:///a.myna", "file:///b.myna");
        // Open, three changes: only the last is analysed.
        let sent = vec![
            text(DidOpenTextDocument::METHOD, a),
            change(a),
            change(a),
            change(a),
        ];
        assert_eq!(replaced(sent), [true, true, true, false]);
        // Another document's text between does not stop it, nor does a
        // notification that is no text; a request does.
        let other = Message::Notification(Notification::new("$/setTrace".into(), json!({})));
        let sent = vec![change(a), change(b), other, change(a), hover(), change(a)];
        assert_eq!(replaced(sent), [true, false, false, false, false, false]);
        // A close replaces the text too; the close itself is no text.
        let sent = vec![change(a), text(DidCloseTextDocument::METHOD, a), change(a)];
        assert_eq!(replaced(sent), [true, false, false]);
    }

    #[test]
    fn a_text_replaced_by_a_whole_text_or_a_close_is_needed_no_more() {
        let a = "file:///a.myna";
        let changes = |changes: Value| {
            Message::Notification(Notification::new(
                DidChangeTextDocument::METHOD.into(),
                json!({"textDocument": {"uri": a, "version": 2}, "contentChanges": changes}),
            ))
        };
        let range =
            json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 1}});
        let edit = json!({"range": range, "text": "x"});
        let whole = json!({"text": "flow A -> B\n"});
        let sent = vec![
            change(a),
            changes(json!([edit])),
            // Edits, then a whole text in the same message.
            changes(json!([edit, whole])),
            changes(json!([{"range": null, "text": ""}])),
            text(DidOpenTextDocument::METHOD, a),
            text(DidCloseTextDocument::METHOD, a),
        ];
        use Replaced::*;
        assert_eq!(
            replacements(sent),
            [
                Some(ByEdits),
                Some(Whole),
                Some(Whole),
                Some(Whole),
                Some(Whole),
                None
            ]
        );
    }

    fn cancel(id: i32) -> Message {
        Message::Notification(Notification::new(
            "$/cancelRequest".into(),
            json!({ "id": id }),
        ))
    }

    /// A request cancelled before the server comes to it is seen so (the
    /// cancellation taken out); one of another request, or one sent after
    /// the next request, is not; nothing past the next request is taken.
    #[test]
    fn a_request_cancelled_before_its_turn_is_seen_so() {
        let (sender, receiver) = crossbeam_channel::unbounded();
        let exit = Message::Notification(Notification::new("exit".into(), json!(null)));
        for m in [
            hover(),
            change("file:///a.myna"),
            cancel(8),
            cancel(7),
            hover(),
            cancel(7),
            exit,
        ] {
            sender.send(m).unwrap();
        }
        let mut waiting = Waiting::new(&receiver);
        let Some(Message::Request(first)) = waiting.next() else {
            panic!("a request first");
        };
        assert!(waiting.cancelled(&first.id));
        // The change and the other cancellation stay, in order; the
        // request after them, and what follows it, were not taken.
        assert_eq!(receiver.len(), 3);
        assert!(
            matches!(waiting.next(), Some(Message::Notification(n)) if n.method == DidChangeTextDocument::METHOD)
        );
        assert!(matches!(waiting.next(), Some(Message::Notification(n)) if n.params["id"] == 8));
        let Some(Message::Request(second)) = waiting.next() else {
            panic!("the second request");
        };
        assert!(waiting.cancelled(&second.id));
        assert!(!waiting.cancelled(&RequestId::from(9)));
        assert!(matches!(waiting.next(), Some(Message::Notification(n)) if n.method == "exit"));
    }

    #[test]
    fn nothing_past_a_request_is_taken_from_the_connection() {
        let (sender, receiver) = crossbeam_channel::unbounded();
        let exit = Message::Notification(Notification::new("exit".into(), json!(null)));
        for m in [change("file:///a.myna"), hover(), exit] {
            sender.send(m).unwrap();
        }
        let mut waiting = Waiting::new(&receiver);
        let first = notification(waiting.next().unwrap());
        assert!(waiting.replace(&first).is_none());
        // The request was taken ahead; the exit is still on the connection.
        assert_eq!(receiver.len(), 1);
        assert!(matches!(waiting.next(), Some(Message::Request(_))));
        assert!(matches!(receiver.try_recv(), Ok(Message::Notification(n)) if n.method == "exit"));
    }

    #[test]
    fn a_replacement_is_seen_from_any_thread_once_sent_and_then_stays_seen() {
        let (a, b) = ("file:///a.myna", "file:///b.myna");
        let (sender, receiver) = crossbeam_channel::unbounded();
        let mut waiting = Waiting::new(&receiver);
        let replacement = Replacement::of(&mut waiting, Some(a));
        // Nothing sent, then another document's text: not replaced.
        let asked_on_threads = || {
            std::thread::scope(|s| {
                let asks: Vec<_> = (0..4).map(|_| s.spawn(|| replacement.sent())).collect();
                asks.into_iter()
                    .map(|t| t.join().unwrap())
                    .collect::<Vec<_>>()
            })
        };
        assert_eq!(asked_on_threads(), [false; 4]);
        sender.send(change(b)).unwrap();
        assert!(!replacement.sent());
        // Its own: every thread that asks after it is sent is told so
        // (the one asking takes it from the connection and keeps it).
        sender.send(change(a)).unwrap();
        assert!(replacement.sent());
        assert_eq!(asked_on_threads(), [true; 4]);
        assert_eq!(replacement.found(), Some(Replaced::ByEdits));
        // Both messages kept, in the order sent (the last use of the
        // replacement ends its borrow of `waiting`).
        assert_eq!(receiver.len(), 0);
        let kept: Vec<Message> = std::iter::from_fn(|| waiting.next()).take(2).collect();
        assert_eq!(format!("{kept:?}"), format!("{:?}", [change(b), change(a)]));
    }

    #[test]
    fn any_documents_text_replaces_when_any_is_watched() {
        let (a, b) = ("file:///a.myna", "file:///b.myna");
        let (sender, receiver) = crossbeam_channel::unbounded();
        let mut waiting = Waiting::new(&receiver);
        let zero = std::time::Duration::ZERO;
        assert!(waiting.idle(zero));
        sender.send(change(b)).unwrap();
        // Taken ahead, so not idle; kept for `next`.
        assert!(!waiting.idle(zero));
        assert_eq!(waiting.replaced(Some(a), zero), None);
        assert_eq!(waiting.replaced(None, zero), Some(Replaced::ByEdits));
        // Nothing past a request, for any document either.
        let mut waiting = Waiting::new(&receiver);
        sender.send(hover()).unwrap();
        sender.send(change(a)).unwrap();
        assert_eq!(waiting.replaced(None, zero), None);
    }

    #[test]
    fn messages_taken_ahead_come_back_in_the_order_sent() {
        let (sender, receiver) = crossbeam_channel::unbounded();
        let sent = [change("file:///a.myna"), hover(), change("file:///b.myna")];
        for m in sent.iter().cloned() {
            sender.send(m).unwrap();
        }
        drop(sender);
        let mut waiting = Waiting::new(&receiver);
        let first = notification(waiting.next().unwrap());
        assert!(waiting.replace(&first).is_none());
        let rest: Vec<Message> = std::iter::from_fn(|| waiting.next()).collect();
        assert_eq!(format!("{rest:?}"), format!("{:?}", &sent[1..]));
    }
}
