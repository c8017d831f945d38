//! The checks: each a function from the model and graph to diagnostics, in
//! a file named after what it checks.

mod carrier;
mod delegation;
mod drift;
mod exchange;
mod provision;
mod purpose;
mod witness;

pub use exchange::{MyNumberVerdict, evaluate_exchange};
pub use provision::{ProvisionVerdict, evaluate_provision};

use crate::diagnostic::Diagnostic;
use crate::graph::{Exchange, FlowGraph, Transfer};
use crate::model::*;
use crate::span::Span;
use crate::text::Text;

/// What every check reads.
pub struct Ctx<'a> {
    /// The resolved design.
    pub design: &'a Design,
    /// Its rulebook.
    pub rb: &'a Rulebook,
    /// Its graph.
    pub graph: &'a FlowGraph,
}

impl Ctx<'_> {
    fn role_of(&self, a: ActorId) -> Option<RoleId> {
        self.design.actor(a).role.id
    }

    fn kind(&self, a: ActorId) -> Option<RoleKind> {
        self.role_of(a).map(|r| self.rb.role(r).kind)
    }

    fn role_name(&self, r: RoleId) -> &str {
        &self.rb.role(r).name
    }

    fn actor_name(&self, a: ActorId) -> &str {
        &self.design.actor(a).name
    }

    /// `市町村 (他機関)`.
    fn actor_with_role(&self, a: ActorId) -> String {
        match self.role_of(a) {
            Some(r) if self.role_name(r) != self.actor_name(a) => {
                format!("{} ({})", self.actor_name(a), self.role_name(r))
            }
            _ => self.actor_name(a).to_string(),
        }
    }

    fn transfer(&self, t: usize) -> &Transfer {
        self.graph.transfer(t)
    }

    fn flow_of(&self, t: usize) -> &Flow {
        self.design.flow(self.transfer(t).flow)
    }

    /// Where a transfer's receiver is written (the sender, for the reverse
    /// of a `<->`).
    fn receiver_span(&self, t: usize) -> Span {
        let f = self.flow_of(t);
        if self.transfer(t).reversed {
            f.from.span
        } else {
            f.to.span
        }
    }

    /// Where a transfer's sender is written.
    fn sender_span(&self, t: usize) -> Span {
        let f = self.flow_of(t);
        if self.transfer(t).reversed {
            f.to.span
        } else {
            f.from.span
        }
    }

    /// Where purpose `p` is written on a transfer's flow.
    fn purpose_span(&self, t: usize, p: PurposeId) -> Span {
        let f = self.flow_of(t);
        f.purposes
            .iter()
            .find(|r| r.id == Some(p))
            .map_or(f.purposes_span(), |r| r.span)
    }

    /// Where item `d` is written on a transfer's flow.
    fn item_span(&self, t: usize, d: DataId) -> Span {
        let f = self.flow_of(t);
        f.items
            .iter()
            .find(|r| r.id == Some(d))
            .map_or(f.payload_span(), |r| r.span)
    }

    fn purpose_name(&self, p: PurposeId) -> &str {
        &self.rb.purpose(p).name
    }

    fn item_name(&self, d: DataId) -> &str {
        &self.design.item(d).name
    }

    /// A note citing a rule's section and basis.
    fn section_note(&self, rule: RuleId) -> Text {
        let s = self.rb.section(self.rb.rule(rule).section);
        let title = s
            .title
            .as_deref()
            .map(|t| format!(" {t}"))
            .unwrap_or_default();
        match &s.basis {
            Some(b) => {
                crate::text!("section {}{} (basis: {})", s.id, title, b; "{}項{} (根拠: {})", s.id, title, b)
            }
            None => crate::text!("section {}{}", s.id, title; "{}項{}", s.id, title),
        }
    }

    /// Labels on the earlier hops of an exchange (all but the last).
    fn hop_labels(&self, ex: &Exchange) -> Vec<(Span, Text)> {
        let item = self.item_name(ex.payload.0);
        ex.path[..ex.path.len() - 1]
            .iter()
            .map(|t| {
                let tr = self.transfer(*t);
                let (from, to) = (self.actor_name(tr.from), self.actor_name(tr.to));
                (
                    self.flow_of(*t).span,
                    crate::text!("`{item}` travels {from} → {to} here"; "ここで「{item}」が{from}から{to}へ渡ります"),
                )
            })
            .collect()
    }
}

/// The verdict on every exchange of 特定個人情報 that MN1xx judges (provision,
/// not internal use), as indices into `graph.exchanges` with the verdict the
/// check reports from. Empty when the design has no rulebook.
pub fn mynumber_verdicts(design: &Design, graph: &FlowGraph) -> Vec<(usize, MyNumberVerdict)> {
    let Some(rb) = design.rulebook.as_deref() else {
        return Vec::new();
    };
    exchange::verdicts(&Ctx { design, rb, graph })
}

/// The verdict on every provision of ordinary personal data by the society
/// that MN202/MN203 judge, as indices into `graph.exchanges`. Empty when the
/// design has no rulebook.
pub fn provision_verdicts(design: &Design, graph: &FlowGraph) -> Vec<(usize, ProvisionVerdict)> {
    let Some(rb) = design.rulebook.as_deref() else {
        return Vec::new();
    };
    purpose::provisions(&Ctx { design, rb, graph })
}

/// Runs every check on a design whose rulebook loaded. MN201 needs no
/// rulebook and runs on every design.
pub fn run(design: &Design, graph: &FlowGraph) -> Vec<Diagnostic> {
    let mut out = purpose::missing_purposes(design);
    let Some(rb) = design.rulebook.as_deref() else {
        return out;
    };
    let ctx = Ctx { design, rb, graph };
    let provenance = witness::Provenance::build(&ctx);
    out.extend(carrier::check(&ctx));
    out.extend(exchange::check(&ctx, &provenance));
    out.extend(purpose::check(&ctx));
    out.extend(delegation::check(&ctx));
    out.extend(drift::check(&ctx));
    out
}
