//! What the nearest rule asks of an exchange's way that the flow does not
//! do: the roles to route it via, and the parties on the way the rule does
//! not route through. MN102 and MN103 name them when the channel differs
//! besides what their code is about, in the words and under the fact keys
//! MN104 uses (`missing_channel`, `stray_channel`).

use super::Words;
use crate::checks::Trail;
use crate::diagnostic::Fact;
use crate::model::*;
use crate::text::Text;

/// The differences between an exchange's way and its nearest rule's.
#[derive(Default)]
pub(super) struct Route {
    /// The roles the rule routes through that the flow does not pass.
    missing: Vec<String>,
    /// The roles passed that the rule does not route through, and how
    /// the help shows them (actor and role).
    strays: Vec<String>,
    strays_shown: Text,
}

impl Route {
    /// How the way of `trail` differs from `rule`'s (nothing when it
    /// does not).
    pub(super) fn of(w: &Words, trail: &Trail, rule: RuleId) -> Route {
        let Some(rb) = w.rb else {
            return Route::default();
        };
        let missing = (rb.channel_missing(rule, &trail.passed).iter())
            .map(|v| rb.role(*v).name.clone())
            .collect();
        let strays = rb.channel_strays(rule, &trail.passed);
        let (strays, strays_shown) = super::channel::listed(w, trail, &strays);
        Route {
            missing,
            strays,
            strays_shown,
        }
    }

    /// The roles to route via, listed, if any.
    pub(super) fn missing_listed(&self) -> Option<Text> {
        (!self.missing.is_empty()).then(|| crate::text::quoted_list(&self.missing))
    }

    /// The parties on the way the rule does not route through, as the
    /// help shows them, if any.
    pub(super) fn strays_listed(&self) -> Option<&Text> {
        (!self.strays.is_empty()).then_some(&self.strays_shown)
    }

    /// `only via X` and `not through Y (role)`, for those that apply.
    pub(super) fn words(&self) -> Vec<Text> {
        let mut out = Vec::new();
        if let Some(l) = self.missing_listed() {
            out.push(Text {
                en: format!("only via {}", l.en),
                ja: format!("{}を経由する必要があります", l.ja),
            });
        }
        if let Some(l) = self.strays_listed() {
            out.push(Text {
                en: format!("not through {}", l.en),
                ja: format!("{}を経由することは認められていません", l.ja),
            });
        }
        out
    }

    /// `missing_channel` and `stray_channel`, for those that apply.
    pub(super) fn facts(self) -> Vec<Fact> {
        let mut facts = Vec::new();
        for (keys, names) in [
            (("missing_channel", "missing_channel_total"), self.missing),
            (("stray_channel", "stray_channel_total"), self.strays),
        ] {
            if !names.is_empty() {
                facts.extend(Fact::list(keys, names));
            }
        }
        facts
    }
}
