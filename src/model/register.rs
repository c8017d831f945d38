//! The contractor register read through the purpose tree's spans: is an
//! entry registered for a purpose (a row names it, one above it or one
//! below it), and which entries are, in time logarithmic in the register
//! whatever the tree's depth. Marking every ancestor of every row's
//! purpose took rows × depth: 20 000 rows for the deepest of 20 000
//! nested purposes took 71 s and 8 GiB.

use super::tree::Nesting;
use super::{Contractor, ContractorId, PurposeId};

/// One entry's purposes by where they start in the walk of the tree,
/// sorted; and the spans of the topmost of them (disjoint, sorted): one
/// above a purpose, if any, is one of these.
#[derive(Clone, Debug, Default)]
struct Entry {
    starts: Vec<u32>,
    tops: Vec<(u32, u32)>,
}

/// The register by where its purposes sit in the purpose tree.
#[derive(Clone, Debug, Default)]
pub(crate) struct RegisterIndex {
    /// Each row's purpose, where it starts in the walk of the tree, with
    /// its entry; sorted, so that the entries naming a purpose at or
    /// below one are a range.
    named: Vec<(u32, ContractorId)>,
    /// Per entry, its purposes (see [`Entry`]).
    entries: Vec<Entry>,
    /// Per purpose: the nearest at or above it that a row names.
    nearest: Vec<Option<PurposeId>>,
    /// Each purpose's parent.
    parent: Vec<Option<PurposeId>>,
}

impl RegisterIndex {
    /// The index of `contractors` over the purpose tree `nesting`, whose
    /// parents are `parent` (one per purpose).
    pub(crate) fn of(
        contractors: &[Contractor],
        nesting: &Nesting,
        parent: Vec<Option<PurposeId>>,
    ) -> RegisterIndex {
        let mut named = Vec::new();
        let mut marked = vec![false; parent.len()];
        let mut entries = Vec::with_capacity(contractors.len());
        for (i, c) in contractors.iter().enumerate() {
            let id = ContractorId::new(i as u32);
            let mut spans: Vec<(u32, u32)> = (c.purposes.iter())
                .filter_map(|p| nesting.span(p.index()))
                .collect();
            for p in &c.purposes {
                if let Some(m) = marked.get_mut(p.index()) {
                    *m = true;
                }
            }
            spans.sort_unstable();
            spans.dedup();
            named.extend(spans.iter().map(|&(start, _)| (start, id)));
            let starts = spans.iter().map(|&(start, _)| start).collect();
            let mut tops: Vec<(u32, u32)> = Vec::new();
            for span in spans {
                // Sorted by start: a span inside the last top starts
                // before that top ends.
                if tops.last().is_none_or(|top| span.0 >= top.1) {
                    tops.push(span);
                }
            }
            entries.push(Entry { starts, tops });
        }
        named.sort_unstable();
        let nearest = super::tree::down(
            parent.len(),
            |x| parent.get(x).copied().flatten().map(|p| p.index()),
            |x, above: Option<&Option<PurposeId>>| match marked[x] {
                true => Some(PurposeId::new(x as u32)),
                false => above.copied().flatten(),
            },
        );
        RegisterIndex {
            named,
            entries,
            nearest,
            parent,
        }
    }

    /// Is this the index of `contractors` over a tree of `n` purposes?
    pub(crate) fn is_for(&self, contractors: usize, n: usize) -> bool {
        self.entries.len() == contractors && self.nearest.len() == n
    }

    /// Does a row of entry `id` name a purpose above `span`, at it or
    /// below it?
    pub(crate) fn registered(&self, id: ContractorId, (start, end): (u32, u32)) -> bool {
        let Some(Entry { starts, tops }) = self.entries.get(id.index()) else {
            return false;
        };
        let below = starts.partition_point(|&s| s < start);
        let at_or_below = starts.get(below).is_some_and(|&s| s < end);
        let above = tops.partition_point(|&(s, _)| s <= start);
        let over = above > 0 && tops.get(above - 1).is_some_and(|&(_, e)| e > start);
        at_or_below || over
    }

    /// The entries a row registers for a purpose at or below `span`.
    pub(crate) fn at_or_below(
        &self,
        (start, end): (u32, u32),
    ) -> impl Iterator<Item = ContractorId> {
        let from = self.named.partition_point(|&(s, _)| s < start);
        let to = self.named.partition_point(|&(s, _)| s < end);
        self.named
            .get(from..to)
            .unwrap_or_default()
            .iter()
            .map(|&(_, id)| id)
    }

    /// The purposes strictly above `purpose` that a row names, nearest
    /// first: only those are visited, not every ancestor.
    pub(crate) fn named_above(&self, purpose: PurposeId) -> impl Iterator<Item = PurposeId> + '_ {
        let up = |p: PurposeId| self.parent.get(p.index()).copied().flatten();
        let nearest = |p: PurposeId| self.nearest.get(p.index()).copied().flatten();
        std::iter::successors(up(purpose).and_then(nearest), move |&p| {
            up(p).and_then(nearest)
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{ContractorId, PurposeId, Rulebook};
    use crate::span::FileId;

    /// A rulebook of a random purpose tree and register, the same for
    /// the same seed.
    fn random_register(seed: u64) -> Rulebook {
        let mut next = crate::test_rulebooks::dice(seed, 1);
        let mut src = String::from(
            "rulebook t\nrole A self\nrole K contractor\ncategory C\nsection \"1\" {\n",
        );
        for i in 0..12 {
            src.push_str(&format!("purpose P{i}"));
            if i > 0 && next(5) > 0 {
                src.push_str(&format!(" in P{}", next(i)));
            }
            src.push('\n');
        }
        src.push_str("allow A -> K : C\n}\n");
        for _ in 0..10 {
            let rows = 1 + next(3);
            let purposes: Vec<String> = (0..rows).map(|_| format!("P{}", next(12))).collect();
            src.push_str(&format!(
                "contractor \"社{}\" for {}\n",
                next(6),
                purposes.join(", ")
            ));
        }
        let p = crate::syntax::parse(FileId(0), &src);
        let mut d = Vec::new();
        let rb = crate::resolve::resolve_rulebook(FileId(0), &p.file, &mut d);
        assert!(d.is_empty(), "{src}\n{d:?}");
        rb
    }

    /// Is `a` the purpose `b` or above it, by walking up from `b`?
    fn above(rb: &Rulebook, a: PurposeId, b: PurposeId) -> bool {
        rb.purpose_ancestors(b).any(|x| x == a)
    }

    #[test]
    fn the_spans_say_what_walking_the_tree_says() {
        let mut registered = 0;
        for seed in 0..200 {
            let rb = random_register(seed);
            assert!(rb.register.is_for(rb.contractors.len(), rb.purposes.len()));
            for q in (0..rb.purposes.len() as u32).map(PurposeId::new) {
                let walked: Vec<ContractorId> = (0..rb.contractors.len() as u32)
                    .map(ContractorId::new)
                    .filter(|&c| {
                        (rb.contractor(c).purposes.iter())
                            .any(|&p| above(&rb, p, q) || above(&rb, q, p))
                    })
                    .collect();
                for c in (0..rb.contractors.len() as u32).map(ContractorId::new) {
                    assert_eq!(
                        rb.entry_registered(c, q),
                        walked.contains(&c),
                        "seed {seed}"
                    );
                }
                let listed: Vec<&str> = rb
                    .contractors_for(q)
                    .map(|c| c.legal_name.as_str())
                    .collect();
                let expected: Vec<&str> = walked
                    .iter()
                    .map(|&c| rb.contractor(c).legal_name.as_str())
                    .collect();
                assert_eq!(listed, expected, "seed {seed}");
                let below =
                    (rb.contractors.iter()).any(|c| c.purposes.iter().any(|&p| above(&rb, q, p)));
                assert_eq!(rb.registered_at_or_below(q), below, "seed {seed}");
                registered += walked.len();
            }
        }
        // Neither every entry registered for everything nor nothing.
        assert!((5_000..20_000).contains(&registered), "{registered}");
    }
}
