//! What MN102 says the nearest rule allows: its direction and, where the
//! rule differs from the flow in more than that, the purposes and the
//! channel it asks for. One description gives both the help's words and
//! the finding's facts, so the two cannot tell different stories.

use super::route::Route;
use super::{Words, unique};
use crate::checks::{Miss, Trail};
use crate::diagnostic::Fact;
use crate::model::*;
use crate::text;
use crate::text::JaQuoted;
use crate::text::Text;

/// What the nearest rule of an MN102 finding allows, as far as the flow
/// differs from it.
#[derive(Default)]
pub(super) struct Allowed {
    /// The rule's sender and receiver roles.
    from: String,
    to: String,
    /// The flow's purpose.
    purpose: String,
    /// When the purpose differs: the purposes of the rules that allow the
    /// category between the nearest rule's roles, that way and through the
    /// same channel (any of them would do once the flow is turned round).
    purposes: Vec<String>,
    /// When the channel differs: how (the roles to route via, the
    /// parties on the way the rule does not route through).
    route: Route,
}

impl Allowed {
    /// What `rule`, the nearest to the flow of `trail`, allows, for the
    /// differences `differs` (direction first).
    pub(super) fn of(w: &Words, trail: &Trail, rule: RuleId, differs: &[Miss]) -> Allowed {
        let Some(rb) = w.rb else {
            return Allowed::default();
        };
        let r = rb.rule(rule);
        let mut allowed = Allowed {
            from: rb.role(r.from).name.clone(),
            to: rb.role(r.to).name.clone(),
            purpose: w.purpose_name(trail.purpose),
            ..Allowed::default()
        };
        if differs.contains(&Miss::Purpose) {
            allowed.purposes = alike_purposes(w, trail, rule);
        }
        if differs.contains(&Miss::Channel) {
            allowed.route = Route::of(w, trail, rule);
        }
        allowed
    }

    /// `only `A -> B` is allowed`, and whatever else the rule asks for
    /// that the flow does not do: its purposes, its channel.
    pub(super) fn words(&self) -> Text {
        let (from, to, p) = (&self.from, &self.to, &self.purpose);
        let q_p = JaQuoted(p);
        let mut en = vec![format!("only `{from} -> {to}` is allowed")];
        let mut ja = vec![format!("認められるのは `{from} -> {to}` だけです")];
        if !self.purposes.is_empty() {
            let quoted = |open: &str, close: &str| -> Vec<String> {
                (self.purposes.iter())
                    .map(|n| format!("{open}{n}{close}"))
                    .collect()
            };
            let (l_en, l_ja) = (
                crate::text::list(&quoted("`", "`")).en,
                crate::text::list(&quoted("「", "」")).ja,
            );
            let t = match self.purposes.len() {
                1 => text!("only for {l_en} (not `{p}`)";
                           "利用目的は{l_ja}に限られます ({q_p}は認められていません)"),
                _ => text!("only for one of {l_en} (not `{p}`)";
                           "利用目的は{l_ja}のいずれかに限られます ({q_p}は認められていません)"),
            };
            en.push(t.en);
            ja.push(t.ja);
        }
        for t in self.route.words() {
            en.push(t.en);
            ja.push(t.ja);
        }
        Text {
            en: en.join(", "),
            ja: ja.join("。"),
        }
    }

    /// The rule's direction, and the parts of it the flow differs in
    /// besides: the same keys as MN103 (`allowed_purposes`) and MN104
    /// (`missing_channel`, `stray_channel`) give them.
    pub(super) fn facts(self) -> Vec<Fact> {
        let mut facts = vec![
            Fact::text("allowed_sender_role", self.from),
            Fact::text("allowed_receiver_role", self.to),
        ];
        if !self.purposes.is_empty() {
            facts.extend(Fact::list(
                ("allowed_purposes", "allowed_purposes_total"),
                self.purposes,
            ));
        }
        facts.extend(self.route.facts());
        facts
    }
}

/// The purposes of the mynumber rules that cover the trail's category
/// with the roles and the channel of `rule`. Turned round and routed as
/// `rule` asks, the flow is allowed for any of them: their rules differ
/// from it in nothing else (one that allowed its purpose would have been
/// nearer than `rule`).
fn alike_purposes(w: &Words, trail: &Trail, rule: RuleId) -> Vec<String> {
    let (Some(rb), Some(category)) = (w.rb, w.design.item(trail.item).category.id) else {
        return Vec::new();
    };
    let nearest = rb.rule(rule);
    // Few rules, and only a shown finding asks.
    unique(
        (rb.mynumber_rules_covering(category).into_iter())
            .map(|id| rb.rule(id))
            .filter(|x| x.from == nearest.from && x.to == nearest.to && x.via == nearest.via)
            .flat_map(|x| x.purposes.iter().map(|p| rb.purpose(*p).name.clone())),
    )
}
