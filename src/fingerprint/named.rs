//! The declarations a statement depends on, hashed: what a baseline of
//! version 3 fingerprints besides the statement itself. A flow depends on
//! the declarations of the actors (`via` carriers too) and data items it
//! names, as the resolver bound them; any other statement (a declaration,
//! a `use` line) on nothing but itself. Names a rulebook declares (roles,
//! categories, purposes, clauses) are not the design's: a rulebook's
//! changes are `rules diff`'s business.

#[cfg(test)]
use super::folded_hash;
use super::{Fnv1a, Folding, fold};
use crate::model::{ActorId, DataId, Design, Ref};
use crate::span::Span;

/// A design's declarations as a flow's fingerprint reads them: each
/// hashed once, when a flow that names it is first fingerprinted, however
/// many flows name it.
pub struct Declarations<'a> {
    /// The design (None: a file without one, whose statements name no
    /// declaration: a rulebook, a file that is not a design's text).
    design: Option<&'a Design>,
    /// Its file's text.
    text: &'a str,
    /// Each actor's declaration hashed, by id; 0 until asked.
    actors: Vec<u64>,
    /// Each data item's declaration hashed, by id; 0 until asked.
    data: Vec<u64>,
    /// How a declaration's text is read ([`super::Statements::by_tokens`]).
    pub(super) folding: Folding,
}

impl<'a> Declarations<'a> {
    /// The declarations of `design`, whose file's text is `text`.
    pub fn new(design: Option<&'a Design>, text: &'a str) -> Declarations<'a> {
        let (actors, data) = design.map_or((0, 0), |d| (d.actors.len(), d.data.len()));
        Declarations {
            design,
            text,
            actors: vec![0; actors],
            data: vec![0; data],
            folding: Folding::Text,
        }
    }

    /// The context of the statement at `statement`, whose own text (folded)
    /// hashes to `own`: that hash and, for a flow, the hash of each
    /// declaration it names, in the order named (sender, receiver, items,
    /// `via`), a name that did not resolve as zero.
    pub fn context(&mut self, own: u64, statement: Span) -> u64 {
        let mut h = Fnv1a::new();
        h.write(&own.to_le_bytes());
        let Some(design) = self.design else {
            return h.finish();
        };
        // Flows are in source order, as statements are.
        let Ok(at) = (design.flows).binary_search_by_key(&statement.start, |f| f.span.start) else {
            return h.finish();
        };
        let Some(flow) = design.flows.get(at).filter(|f| f.span == statement) else {
            return h.finish();
        };
        for a in [flow.from, flow.to] {
            h.write(&self.actor(design, a).to_le_bytes());
        }
        for item in flow.items.iter() {
            h.write(&self.item(design, *item).to_le_bytes());
        }
        for a in flow.via.iter() {
            h.write(&self.actor(design, *a).to_le_bytes());
        }
        h.finish()
    }

    /// The hash of the declaration of the actor `a` names (0 when unbound).
    fn actor(&mut self, design: &Design, a: Ref<ActorId>) -> u64 {
        let Some(id) = a.id else { return 0 };
        let text = self.text;
        match self.actors.get_mut(id.index()) {
            Some(0) | None => {}
            Some(h) => return *h,
        }
        let h = design
            .actors
            .get(id.index())
            .map_or(0, |d| declared(self.folding, text, d.span));
        if let Some(slot) = self.actors.get_mut(id.index()) {
            *slot = h;
        }
        h
    }

    /// The hash of the declaration of the data item `d` names (0 when
    /// unbound).
    fn item(&mut self, design: &Design, d: Ref<DataId>) -> u64 {
        let Some(id) = d.id else { return 0 };
        let text = self.text;
        match self.data.get_mut(id.index()) {
            Some(0) | None => {}
            Some(h) => return *h,
        }
        let h = design
            .data
            .get(id.index())
            .map_or(0, |d| declared(self.folding, text, d.span));
        if let Some(slot) = self.data.get_mut(id.index()) {
            *slot = h;
        }
        h
    }
}

/// A declaration's text, comments dropped and white space folded, hashed:
/// re-indenting or re-commenting it keeps its hash, editing its name,
/// role, label, category or clauses changes it.
fn declared(folding: Folding, text: &str, span: Span) -> u64 {
    fold(folding, text.get(span.range()).unwrap_or(""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::{RulebookSource, Session};

    /// The context of `text`'s last statement (a flow), with `text`'s
    /// design.
    fn last_context(text: &str) -> u64 {
        let mut s = Session::new(RulebookSource::Builtin("kenpo".into()));
        let checked = s.check_text("d.myna", text.to_string(), None);
        let design = checked.analysis.expect("a design").design;
        let flow = design.flows.last().expect("a flow").span;
        let text = &s.sources.get(checked.file).text;
        let own = folded_hash(text.get(flow.range()).unwrap_or(""));
        Declarations::new(Some(&design), text).context(own, flow)
    }

    const DESIGN: &str = "use \"kenpo\"\nactor 基幹 : 組合\nactor 人事 : 事業主 \"株式会社A\"\n\
                          actor 経由 : 情報提供ネットワークシステム\ndata 課税 : 課税・非課税情報\n\
                          flow 基幹 -> 人事 : 課税 for 被扶養者認定 via 経由\n";

    /// A flow's context changes with the text of each declaration it names
    /// (its `via` carrier's too), not with their layout or comments, nor
    /// with a declaration it does not name.
    #[test]
    fn a_flows_context_follows_the_declarations_it_names() {
        let context = last_context(DESIGN);
        for changed in [
            DESIGN.replace("株式会社A", "株式会社B"),
            DESIGN.replace("事業主", "他機関"),
            DESIGN.replace("課税 : 課税・非課税情報", "課税 : 資格情報"),
            DESIGN.replace("経由 : 情報提供ネットワークシステム", "経由 : 中間サーバー"),
        ] {
            assert_ne!(context, last_context(&changed), "{changed}");
        }
        for same in [
            DESIGN.replace("actor 人事 : 事業主", "actor   人事 :\n  事業主"),
            DESIGN.replace("\"株式会社A\"", "\"株式会社A\" # 人事部"),
            format!("actor 予備 : 組合\n{DESIGN}"),
        ] {
            assert_eq!(context, last_context(&same), "{same}");
        }
    }
}
