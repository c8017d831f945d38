//! The note for a purpose named like a section (`for "7(1)"`): which
//! section, and the purposes a flow may name for it. The sections by key
//! and each section's purposes are indexed once, when first needed, so
//! that a design with many undefined purposes costs a lookup for each,
//! not a walk of the rulebook.

use crate::diagnostic::Fact;
use crate::model::Rulebook;
use crate::names::key;
use crate::text;
use crate::text::Text;
use rustc_hash::{FxHashMap, FxHashSet};

/// A resolve's notes for purposes named like sections.
#[derive(Default)]
pub(super) struct SectionNotes {
    index: Option<SectionIndex>,
    /// Each section's note and facts, by section, once made.
    made: FxHashMap<usize, (Text, Vec<Fact>)>,
}

/// The sections of a rulebook by key, and each one's purposes.
struct SectionIndex {
    by_key: FxHashMap<String, usize>,
    /// For each section, the purposes it declares, then those its rules
    /// name that it does not declare (7(1) allows exchanges for
    /// 被扶養者認定, a purpose of 2(1)), each once, by index.
    purposes: Vec<Vec<usize>>,
}

impl SectionIndex {
    fn of(rb: &Rulebook) -> SectionIndex {
        let mut by_key = FxHashMap::default();
        for (i, s) in rb.sections.iter().enumerate() {
            // A second section of one key is MN011 in the rulebook: the
            // first is the section.
            by_key.entry(key(&s.id)).or_insert(i);
        }
        let mut purposes = vec![Vec::new(); rb.sections.len()];
        let mut listed = FxHashSet::default();
        let declared = (rb.purposes.iter().enumerate()).map(|(p, x)| (x.section.index(), p));
        let named = (rb.rules.iter()).flat_map(|r| {
            r.purposes
                .iter()
                .map(move |p| (r.section.index(), p.index()))
        });
        for (s, p) in declared.chain(named) {
            if let Some(list) = purposes.get_mut(s)
                && listed.insert((s, p))
            {
                list.push(p);
            }
        }
        SectionIndex { by_key, purposes }
    }
}

impl SectionNotes {
    /// The note and facts for purpose `name` when it is the id of one of
    /// `rb`'s sections; None otherwise.
    pub(super) fn note(&mut self, rb: &Rulebook, name: &str) -> Option<&(Text, Vec<Fact>)> {
        let SectionNotes { index, made } = self;
        let index = index.get_or_insert_with(|| SectionIndex::of(rb));
        let at = *index.by_key.get(&key(name))?;
        let section = rb.sections.get(at)?;
        Some(made.entry(at).or_insert_with(|| {
            let purposes: Vec<String> = (index.purposes.get(at).into_iter().flatten())
                .filter_map(|&p| rb.purposes.get(p))
                .map(|p| p.name.clone())
                .collect();
            // The id as the rulebook writes it, whatever spelling of it
            // the design used.
            let note = section_note(&section.id, &rb.name, &purposes);
            let mut facts = vec![
                Fact::text("named_kind", "section"),
                Fact::text("section", section.id.as_str()),
            ];
            facts.extend(Fact::list(
                ("section_purposes", "section_purposes_total"),
                purposes,
            ));
            (note, facts)
        }))
    }
}

/// The note for an undefined purpose named like section `id` of the
/// rulebook `rb`, with the section's purposes (`purposes`).
fn section_note(id: &str, rb: &str, purposes: &[String]) -> Text {
    let list = crate::text::list(purposes);
    text!(
        "`{id}` is a section of the rulebook `{rb}`, not a purpose: a flow names one of its purposes ({})", list.en;
        "「{id}」はルールブック「{rb}」のセクションで、利用目的ではありません。フローにはそのセクションの利用目的 ({}) のいずれかを書きます", list.ja
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kenpo() -> Rulebook {
        let src = include_str!("../../rules/kenpo.myna");
        let p = crate::syntax::parse(crate::span::FileId(0), src);
        let mut d = Vec::new();
        let rb = crate::resolve::resolve_rulebook(crate::span::FileId(0), &p.file, &mut d);
        assert!(p.diagnostics.is_empty() && d.is_empty(), "{d:?}");
        rb
    }

    #[test]
    fn a_section_lists_what_it_declares_then_what_its_rules_name() {
        let rb = kenpo();
        let mut notes = SectionNotes::default();
        let (note, facts) = notes.note(&rb, "７(１)").unwrap().clone();
        assert!(
            note.en
                .starts_with("`7(1)` is a section of the rulebook `kenpo`"),
            "{}",
            note.en
        );
        let purposes = facts.iter().find(|f| f.key == "section_purposes").unwrap();
        assert_eq!(
            purposes.value,
            crate::diagnostic::FactValue::List(
                [
                    "保険給付審査",
                    "高齢受給者負担区分判定",
                    "被保険者資格取得",
                    "保険料還付",
                    "被扶養者認定",
                    "保険給付"
                ]
                .map(String::from)
                .to_vec()
            )
        );
        assert!(notes.note(&rb, "被扶養者認定").is_none());
        assert!(notes.note(&rb, "7(9)").is_none());
    }
}
