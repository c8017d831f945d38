//! A resolved design: actors, data items and flows with their names bound.

use super::*;
use crate::span::{FileId, Span};
use std::sync::Arc;

/// A reference to a declaration: its id if it resolved, and where it is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ref<I> {
    /// The declaration, if the name resolved.
    pub id: Option<I>,
    /// Where the name is written.
    pub span: Span,
}

/// An actor: a system or organisation.
#[derive(Clone, Debug)]
pub struct Actor {
    /// Its name.
    pub name: String,
    /// Where its name is declared.
    pub name_span: Span,
    /// Its role (None if unresolved).
    pub role: Ref<RoleId>,
    /// Its label (a contractor's legal name) and where it is written.
    pub label: Option<(String, Span)>,
    /// Clauses its contract has, if it has a clauses block.
    pub clauses: Option<Vec<Ref<ClauseId>>>,
    /// The whole declaration.
    pub span: Span,
}

impl Actor {
    /// The legal name: the label if given, else the name.
    pub fn legal_name(&self) -> &str {
        self.label
            .as_ref()
            .map_or(self.name.as_str(), |(l, _)| l.as_str())
    }

    /// Where the legal name is written.
    pub fn legal_name_span(&self) -> Span {
        self.label.as_ref().map_or(self.name_span, |(_, s)| *s)
    }
}

/// A data item.
#[derive(Clone, Debug)]
pub struct DataItem {
    /// Its name.
    pub name: String,
    /// Where its name is declared.
    pub name_span: Span,
    /// Its category (None if unresolved).
    pub category: Ref<CategoryId>,
    /// Marked `mynumber` in the design.
    pub marked_mynumber: bool,
    /// The whole declaration.
    pub span: Span,
}

pub use crate::syntax::ast::Few;

/// A flow statement, resolved. A `<->` flow stays one `Flow` with
/// `both_ways` set; the graph makes it two edges.
#[derive(Clone, Debug)]
pub struct Flow {
    /// Sender.
    pub from: Ref<ActorId>,
    /// Receiver.
    pub to: Ref<ActorId>,
    /// Where the arrow starts, in the flow's file ([`Flow::arrow`]). An
    /// offset and a length rather than a span, and `via` a boxed slice
    /// rather than a list with room for one in place: a flow is the
    /// model's commonest value, and these make it 128 bytes rather than
    /// 144 (at a million flows, 16 MB less memory touched for the first
    /// time, and more flows in each cache line read).
    pub arrow_start: u32,
    /// The arrow's length in bytes (`->` 2, `<->` and `→` 3).
    pub arrow_len: u8,
    /// `<->`?
    pub both_ways: bool,
    /// Data items carried.
    pub items: Few<Ref<DataId>>,
    /// Purposes.
    pub purposes: Few<Ref<PurposeId>>,
    /// Actors passed on the way, in order (nearly always none: an empty
    /// box holds no memory).
    pub via: Box<[Ref<ActorId>]>,
    /// Where the `via` keyword starts, in the flow's file (read only when
    /// `via` names someone: the keyword then comes before the names). An
    /// offset, not a span: a flow is the model's commonest value.
    pub via_start: u32,
    /// The `basis` string.
    pub basis: Option<crate::syntax::ast::Name>,
    /// The whole statement.
    pub span: Span,
}

impl Flow {
    /// The arrow's span.
    pub fn arrow(&self) -> Span {
        let start = self.arrow_start;
        Span {
            start,
            end: start.saturating_add(u32::from(self.arrow_len)),
            ..self.span
        }
    }

    /// The statement's text in `src` (its file's text), white space folded
    /// to single spaces: how a flow is shown in reports, wherever it stands.
    pub fn text(&self, src: &str) -> String {
        folded(src.get(self.span.range()).unwrap_or_default())
    }

    /// The span of the purpose list (or the data list when there is none).
    pub fn purposes_span(&self) -> Span {
        match (self.purposes.first(), self.purposes.last()) {
            (Some(a), Some(b)) => a.span.to(b.span),
            _ => self.payload_span(),
        }
    }

    /// The span of the data list.
    pub fn payload_span(&self) -> Span {
        match (self.items.first(), self.items.last()) {
            (Some(a), Some(b)) => a.span.to(b.span),
            _ => self.span,
        }
    }

    /// The span of `via ...` (or the arrow when there is none).
    pub fn via_span(&self) -> Span {
        match self.via.last() {
            Some(last) => Span {
                start: self.via_start.min(last.span.start),
                ..last.span
            },
            None => self.arrow(),
        }
    }
}

/// `written`, white space folded to single spaces: copied as it is when
/// it is folded already, as a statement on one line nearly always is
/// (`rules diff --impact` shows the text of each of hundreds of thousands
/// of flows that change verdict, and reading it character by character
/// was most of that).
fn folded(written: &str) -> String {
    if is_folded(written.as_bytes()) {
        return written.to_string();
    }
    let mut text = String::with_capacity(written.len());
    for word in written.split_whitespace() {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(word);
    }
    text
}

/// Is there no white space in `b` but single spaces between other
/// characters? A control character, or a byte that may start a white
/// space character other than ASCII's (U+0085, U+00A0, U+1680,
/// U+2000–U+205F), answers no, to be safe; so does U+3000, the
/// ideographic space. Whole-slice passes the compiler and `memchr` run
/// many bytes at a time: a test of each byte in turn was slower than the
/// words it spared.
fn is_folded(b: &[u8]) -> bool {
    let unusual = b.iter().fold(false, |found, &c| {
        found | (c < b' ') | (c == 0xC2) | (c == 0xE1) | (c == 0xE2)
    });
    !unusual
        && b.first() != Some(&b' ')
        && b.last() != Some(&b' ')
        && memchr::memmem::find(b, b"  ").is_none()
        && memchr::memmem::find(b, "\u{3000}".as_bytes()).is_none()
}

/// A resolved design.
#[derive(Clone, Debug)]
pub struct Design {
    /// Its file.
    pub file: FileId,
    /// The rulebook it is checked against (None when it could not be loaded).
    pub rulebook: Option<Arc<Rulebook>>,
    /// Actors.
    pub actors: Vec<Actor>,
    /// Data items.
    pub data: Vec<DataItem>,
    /// Flows, in source order.
    pub flows: Vec<Flow>,
}

impl Design {
    /// An actor.
    pub fn actor(&self, id: ActorId) -> &Actor {
        &self.actors[id.index()]
    }
    /// A data item.
    pub fn item(&self, id: DataId) -> &DataItem {
        &self.data[id.index()]
    }
    /// A flow.
    pub fn flow(&self, id: FlowId) -> &Flow {
        &self.flows[id.index()]
    }

    /// The role kind of an actor, if its role resolved.
    pub fn kind_of(&self, id: ActorId) -> Option<RoleKind> {
        let rb = self.rulebook.as_ref()?;
        self.actor(id).role.id.map(|r| rb.role(r).kind)
    }

    /// Is the item 特定個人情報 (marked, or of a mynumber category)?
    pub fn is_mynumber(&self, id: DataId) -> bool {
        let item = self.item(id);
        item.marked_mynumber
            || match (&self.rulebook, item.category.id) {
                (Some(rb), Some(c)) => rb.category(c).mynumber,
                _ => false,
            }
    }

    /// [`Design::is_mynumber`] of every item, by item number: a table small
    /// enough to stay in the cache for walks that ask once an exchange.
    pub fn mynumber_items(&self) -> Vec<bool> {
        (0..self.data.len())
            .map(|d| self.is_mynumber(DataId::new(d as u32)))
            .collect()
    }

    /// Is every name of the flow resolved, including the roles of its
    /// actors and the categories of its items? Checks skip flows that are
    /// not, so one typo gives one error.
    pub fn flow_is_resolved(&self, id: FlowId) -> bool {
        self.rulebook.is_some()
            && resolved_with(
                self.flow(id),
                |a| self.actor(a).role.id.is_some(),
                |d| self.item(d).category.id.is_some(),
            )
    }

    /// [`Design::flow_is_resolved`] for every flow in turn: what it asks of
    /// each actor and item is asked once per declaration, not once per use.
    pub fn resolved_flows(&self) -> impl Fn(&Flow) -> bool + '_ {
        let actor_ok: Vec<bool> = self.actors.iter().map(|a| a.role.id.is_some()).collect();
        let item_ok: Vec<bool> = self.data.iter().map(|d| d.category.id.is_some()).collect();
        let rulebook = self.rulebook.is_some();
        move |f| rulebook && resolved_with(f, |a| actor_ok[a.index()], |d| item_ok[d.index()])
    }
}

/// Are the flow's names resolved, given whether each actor's role and each
/// item's category are?
fn resolved_with(
    f: &Flow,
    actor_ok: impl Fn(ActorId) -> bool,
    item_ok: impl Fn(DataId) -> bool,
) -> bool {
    let actor = |r: &Ref<ActorId>| r.id.is_some_and(&actor_ok);
    actor(&f.from)
        && actor(&f.to)
        && f.via.iter().all(actor)
        && f.items.iter().all(|i| i.id.is_some_and(&item_ok))
        && f.purposes.iter().all(|p| p.id.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What [`folded`] must give: the words, one space between each.
    fn reference(s: &str) -> String {
        s.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn text_is_folded_as_the_words_joined_whatever_the_characters() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            for s in [
                format!("a{c}b"),
                format!("{c}a"),
                format!("a{c}"),
                format!("a {c}b"),
                format!("ア{c}{c}イ"),
                format!("{c}"),
            ] {
                assert_eq!(folded(&s), reference(&s), "{c:?} in {s:?}");
            }
        }
        for s in [
            "",
            " ",
            "a b",
            "a  b",
            " a",
            "a ",
            "flow A -> B : x",
            "a\u{3000}b",
            "a\u{3001}b",
        ] {
            assert_eq!(folded(s), reference(s), "{s:?}");
        }
    }

    #[test]
    fn a_flow_s_text_has_its_white_space_folded_to_single_spaces() {
        let src = "x flow\tA ->\u{3000}B :  d\r\n  for p # note\ny";
        let span = Span::new(FileId(0), 2, src.len() - 2);
        let at = Ref { id: None, span };
        let flow = Flow {
            from: at,
            to: at,
            arrow_start: 0,
            arrow_len: 0,
            both_ways: false,
            items: Few::new(),
            purposes: Few::new(),
            via: Box::default(),
            via_start: 0,
            basis: None,
            span,
        };
        assert_eq!(flow.text(src), "flow A -> B : d for p # note");
        let nothing = Flow {
            span: Span::new(FileId(0), 0, 0),
            ..flow.clone()
        };
        assert_eq!(nothing.text(src), "");
        let outside = Flow {
            span: Span::new(FileId(0), 90, 99),
            ..flow
        };
        assert_eq!(outside.text(src), "");
    }
}
