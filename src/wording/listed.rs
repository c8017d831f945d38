//! Lists of the rulebook's names that findings show (the purposes, pairs
//! of roles or receivers the rules allow), kept as they are shown: the
//! first [`MAX_FACT_NAMES`] and the count of all. Worded once per list and
//! shared by the findings that show it ([`super::Words::listed`]): each
//! finding rebuilt the whole list, N names for each of N findings (scale
//! audit D3).

use crate::diagnostic::{Fact, FactValue, MAX_FACT_NAMES};
use crate::model::*;
use crate::text::{MAX_LISTED, Text, more};

// A message lists fewer names than a fact holds: the names kept suffice.
const _: () = assert!(MAX_LISTED <= MAX_FACT_NAMES);

/// A list as findings show it.
#[derive(Debug)]
pub(crate) struct Listed {
    /// The first [`MAX_FACT_NAMES`] names.
    names: Vec<String>,
    /// How many there are in all.
    total: usize,
}

/// Which list: what it is made of decides it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum ListKey {
    /// The purposes rules allow for a category from one role to another
    /// (MN103).
    Purposes(RoleId, RoleId, CategoryId),
    /// The pairs of roles of a list of rules (MN105), by the address of
    /// the list the refusals share.
    Pairs(usize),
    /// The receivers' roles of a list of rules (MN203), likewise.
    Receivers(usize),
    /// The legal names registered for a purpose (MN301).
    Registered(PurposeId),
    /// The same as a reader is told, in English (false) or Japanese
    /// (true).
    RegisteredShown(PurposeId, bool),
}

impl ListKey {
    /// The key of a list of rules the refusals share: its address, which
    /// stays the list's while the findings holding it are worded.
    pub(crate) fn of_rules(rules: &std::sync::Arc<[RuleId]>) -> usize {
        std::sync::Arc::as_ptr(rules) as *const RuleId as usize
    }
}

impl Listed {
    /// `all` names, as shown.
    pub(crate) fn of(mut all: Vec<String>) -> Listed {
        let total = all.len();
        all.truncate(MAX_FACT_NAMES);
        all.shrink_to_fit();
        Listed { names: all, total }
    }

    /// Are there none?
    pub(crate) fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// The only name, when there is one.
    pub(crate) fn only(&self) -> Option<&str> {
        match (self.total, self.names.as_slice()) {
            (1, [only]) => Some(only),
            _ => None,
        }
    }

    /// The names for a message, as [`crate::text::list`] of them all.
    pub(crate) fn text(&self) -> Text {
        let shown = &self.names[..self.names.len().min(MAX_LISTED)];
        let more = more(self.total - shown.len());
        Text {
            en: shown.join(", ") + &more.en,
            ja: shown.join("、") + &more.ja,
        }
    }

    /// [`Listed::text`] with each name set off in Japanese by 「」, as
    /// [`crate::text::quoted_list`] writes it.
    pub(crate) fn quoted_text(&self) -> Text {
        let shown = &self.names[..self.names.len().min(MAX_LISTED)];
        let all = crate::text::quoted_list(shown);
        let more = more(self.total - shown.len());
        Text {
            en: all.en + &more.en,
            ja: all.ja + &more.ja,
        }
    }

    /// The list fact, as [`Fact::list`] of them all.
    pub(crate) fn facts(&self, (key, total): (&'static str, &'static str)) -> Vec<Fact> {
        let mut facts = vec![Fact {
            key,
            value: FactValue::List(self.names.clone()),
        }];
        if self.total > MAX_FACT_NAMES {
            facts.push(Fact {
                key: total,
                value: FactValue::Count(self.total as u64),
            });
        }
        facts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_is_shown_as_the_whole_list_would_be() {
        for n in [
            0,
            1,
            2,
            MAX_LISTED,
            MAX_LISTED + 1,
            MAX_FACT_NAMES,
            MAX_FACT_NAMES + 7,
        ] {
            let all: Vec<String> = (0..n).map(|i| format!("目的{i}")).collect();
            let listed = Listed::of(all.clone());
            assert_eq!(listed.text(), crate::text::list(&all), "{n}");
            let keys = ("allowed_purposes", "allowed_purposes_total");
            assert_eq!(listed.facts(keys), Fact::list(keys, all.clone()), "{n}");
            assert_eq!(listed.only(), (n == 1).then_some("目的0"), "{n}");
        }
    }
}
