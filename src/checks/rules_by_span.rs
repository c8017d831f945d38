//! Rules by the run of a tree's walk each covers: a rule naming a role
//! (or a purpose) covers the nodes at or below it, a run of the walk
//! ([`crate::model::tree::Nesting`]), and the rules covering one node are
//! those whose run holds its start. Kept as a segment tree of the walk's
//! positions, each rule in the O(log n) nodes that make up its run, each
//! node's rules in rulebook order: the rules covering a node are read from
//! the O(log n) nodes above its leaf, in rulebook order by merging them,
//! however deep the tree. Walking up from the node instead cost its depth
//! per verdict: on a chain of n nested purposes, each a rule's, n verdicts
//! walked n²/2 steps (the `crossrules` shape of the scale audit).

use crate::model::RuleId;

/// The rules covering each position of a tree's walk.
pub(crate) struct RulesBySpan {
    /// Leaves: the walk's positions, rounded up to a power of two.
    leaves: usize,
    /// The segment tree's nodes, the root at 1, node `i`'s children at
    /// `2i` and `2i + 1`; each holds rules in rulebook order.
    nodes: Vec<Vec<RuleId>>,
}

impl RulesBySpan {
    /// None yet, over a walk of `positions`.
    pub(crate) fn new(positions: usize) -> RulesBySpan {
        let leaves = positions.max(1).next_power_of_two();
        RulesBySpan {
            leaves,
            nodes: vec![Vec::new(); 2 * leaves],
        }
    }

    /// Rule `id` covers the positions `start..end`. Rules must come in
    /// rulebook order (a rule may come again, for another run).
    pub(crate) fn insert(&mut self, (start, end): (u32, u32), id: RuleId) {
        let end = (end as usize).min(self.leaves);
        let (mut lo, mut hi) = (start as usize + self.leaves, end + self.leaves);
        while lo < hi {
            if lo & 1 == 1 {
                push_once(&mut self.nodes[lo], id);
                lo += 1;
            }
            if hi & 1 == 1 {
                hi -= 1;
                push_once(&mut self.nodes[hi], id);
            }
            lo >>= 1;
            hi >>= 1;
        }
    }

    /// The lists whose rules cover `position`, leaf first (a rule in two
    /// of them covers it by two runs).
    fn lists_at(&self, position: u32) -> impl Iterator<Item = &[RuleId]> {
        let leaf = ((position as usize) < self.leaves).then_some(position as usize + self.leaves);
        std::iter::successors(leaf, |&i| (i > 1).then_some(i / 2))
            .map(|i| self.nodes[i].as_slice())
            .filter(|l| !l.is_empty())
    }

    /// How many rules cover `position`, at most (a rule covering it by two
    /// runs counts twice): what reading them costs.
    pub(crate) fn count_at(&self, position: u32) -> usize {
        self.lists_at(position).map(<[RuleId]>::len).sum()
    }

    /// The rules covering `position`, in rulebook order, each once.
    pub(crate) fn at(&self, position: u32) -> InOrder<'_> {
        InOrder {
            heads: self.lists_at(position).collect(),
            last: None,
        }
    }
}

/// Pushes `id` unless it is the last pushed: rules come in order, so a
/// rule naming one purpose twice is listed once.
fn push_once(list: &mut Vec<RuleId>, id: RuleId) {
    if list.last() != Some(&id) {
        list.push(id);
    }
}

/// The rules of a few lists, each in rulebook order, merged in that order.
pub(crate) struct InOrder<'a> {
    heads: Vec<&'a [RuleId]>,
    last: Option<RuleId>,
}

impl Iterator for InOrder<'_> {
    type Item = RuleId;

    fn next(&mut self) -> Option<RuleId> {
        loop {
            // Few lists (one per level of the segment tree): the least
            // head is found by looking at each.
            let (at, &id) = (self.heads.iter().enumerate())
                .filter_map(|(i, l)| l.first().map(|id| (i, id)))
                .min_by_key(|&(_, id)| *id)?;
            self.heads[at] = &self.heads[at][1..];
            if self.last != Some(id) {
                self.last = Some(id);
                return Some(id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rules_covering_a_position_come_in_rulebook_order_once() {
        // Runs over 0..11 (not a power of two), some nested, one rule
        // with two runs.
        let runs: [&[(u32, u32)]; 6] = [
            &[(0, 11)],
            &[(3, 7)],
            &[(5, 6), (4, 9)],
            &[(10, 11)],
            &[(0, 1)],
            &[(6, 6)],
        ];
        let mut index = RulesBySpan::new(11);
        for (i, runs) in runs.iter().enumerate() {
            for run in *runs {
                index.insert(*run, RuleId::new(i as u32));
            }
        }
        for x in 0..11u32 {
            let want: Vec<RuleId> = (runs.iter().enumerate())
                .filter(|(_, runs)| runs.iter().any(|&(s, e)| s <= x && x < e))
                .map(|(i, _)| RuleId::new(i as u32))
                .collect();
            assert_eq!(index.at(x).collect::<Vec<_>>(), want, "{x}");
            assert!(index.count_at(x) >= want.len());
        }
        assert_eq!(index.at(99).count(), 0);
        assert_eq!(RulesBySpan::new(0).at(0).count(), 0);
    }
}
