//! A section's basis as the report's tables cite it: the citation as the
//! rulebook writes it and, when a later amendment renumbered it (the
//! rulebook's renumbering data, `rules/renumbering.tsv`), what it is now,
//! as `inventory` says it.

use super::escape::html;
use crate::model::{Rulebook, SectionId};
use crate::text::Lang;

/// What each section's basis is now, when it was renumbered: looked up
/// once per section, not per row.
pub struct Citations {
    now: Vec<Option<String>>,
}

impl Citations {
    /// The renumbered citations of `rb`'s sections.
    pub fn of(rb: &Rulebook) -> Citations {
        let now = (0..rb.sections.len())
            .map(|i| {
                crate::rulecheck::section_citation(rb, SectionId::new(i as u32)).map(|r| r.new)
            })
            .collect();
        Citations { now }
    }

    /// The basis of section `id` (`basis`, as written), escaped for HTML,
    /// with what it is now when it was renumbered.
    pub fn cited(&self, id: SectionId, basis: &str, lang: Lang) -> String {
        let mut out = html(basis);
        if let Some(Some(new)) = self.now.get(id.index()) {
            out.push_str(match lang {
                Lang::En => " (now ",
                Lang::Ja => " (現在は",
            });
            out.push_str(&html(new));
            out.push(')');
        }
        out
    }
}
