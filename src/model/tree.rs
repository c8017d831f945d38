//! The rulebook's trees (roles, categories, purposes; `in PARENT`) built
//! and read in time linear in their size, whatever their depth. A
//! rulebook is input too: walking up from every node, to find a cycle or
//! what a node inherits, took n²/2 steps on a chain of n nested
//! declarations (20 000 purposes, 2.7 s; 200 000 would take minutes).

/// Links nodes to their parents one at a time, refusing a link that would
/// close a cycle, without walking the tree: each node's root is kept in a
/// union–find (path halving), and a node is still a root when its own
/// parent is linked (each is linked once, at its declaration).
pub(crate) struct Linker {
    up: Vec<u32>,
}

impl Linker {
    /// `n` nodes, none linked.
    pub(crate) fn new(n: usize) -> Linker {
        Linker {
            up: (0..n as u32).collect(),
        }
    }

    fn root(&mut self, mut x: usize) -> usize {
        while let Some(&up) = self.up.get(x) {
            let up = up as usize;
            if up == x {
                return x;
            }
            // Path halving: point x at its grandparent.
            let grand = self.up[up];
            self.up[x] = grand;
            x = grand as usize;
        }
        x
    }

    /// Links `child` (a node not linked before) below `parent`; false,
    /// linking nothing, when `parent` is `child` or below it (a cycle).
    pub(crate) fn link(&mut self, child: usize, parent: usize) -> bool {
        let top = self.root(parent);
        if top == child || child >= self.up.len() {
            return false;
        }
        self.up[child] = top as u32;
        true
    }
}

/// For each of `n` nodes, `combine(node, what its parent has)`, the
/// parent's worked out first: every node once, whatever the depth (no
/// recursion: a chain of a million nodes is a loop). `parent` must make a
/// forest (no cycles; [`Linker`] sees to it).
pub(crate) fn down<T: Clone + Default>(
    n: usize,
    parent: impl Fn(usize) -> Option<usize>,
    combine: impl Fn(usize, Option<&T>) -> T,
) -> Vec<T> {
    let mut done: Vec<Option<T>> = vec![None; n];
    let mut path = Vec::new();
    for start in 0..n {
        let mut at = Some(start);
        // Up to the first node worked out (or past the root).
        while let Some(x) = at.filter(|&x| x < n && done[x].is_none()) {
            path.push(x);
            at = parent(x);
        }
        while let Some(x) = path.pop() {
            let above = parent(x).and_then(|p| done.get(p)).and_then(Option::as_ref);
            done[x] = Some(combine(x, above));
        }
    }
    // Every node is worked out above; a default never shows.
    done.into_iter().map(Option::unwrap_or_default).collect()
}

/// The nodes at or above `start` that are marked, nearest first, where
/// `nearest(x)` is the nearest marked node at or above `x` (as [`down`]
/// works it out): only the marked ancestors are visited, not every one.
pub(crate) fn marked_above(
    start: usize,
    nearest: impl Fn(usize) -> Option<usize>,
    parent: impl Fn(usize) -> Option<usize>,
) -> impl Iterator<Item = usize> {
    std::iter::successors(nearest(start), move |&x| parent(x).and_then(&nearest))
}

/// [`marked_above`] of ids, read from `nearest` (one per node of a tree
/// of `n`, as [`down`] works it out); None when `nearest` is not for that
/// tree.
pub(crate) fn marked_ids_above<I: Copy + From<u32> + Into<usize>>(
    nearest: &[Option<I>],
    n: usize,
    start: I,
    parent: impl Fn(usize) -> Option<usize>,
) -> Option<Vec<I>> {
    let at = |x: usize| nearest.get(x).copied().flatten().map(Into::into);
    (nearest.len() == n).then(|| {
        marked_above(start.into(), at, parent)
            .map(|x| I::from(x as u32))
            .collect()
    })
}

/// Where each node of a forest starts and ends in a walk of it, so that
/// whether one node is another or above it is one comparison of their
/// spans, not a walk up the tree (at check time, once per rule a verdict
/// weighs: a chain of n nested purposes, each named by a flow, took n²/2
/// steps). Empty until made; a tree it was not made for is walked.
#[derive(Clone, Debug, Default)]
pub(crate) struct Nesting {
    /// Each node's start and end.
    spans: Vec<(u32, u32)>,
    /// The node at each start: the nodes at or below one are a run.
    order: Vec<u32>,
}

impl Nesting {
    /// The spans of `n` nodes under `parent` (a forest: no cycles).
    pub(crate) fn of(n: usize, parent: impl Fn(usize) -> Option<usize>) -> Nesting {
        let mut children: Vec<Vec<u32>> = vec![Vec::new(); n];
        let mut roots = Vec::new();
        for x in 0..n {
            match parent(x).filter(|&p| p < n) {
                Some(p) => children[p].push(x as u32),
                None => roots.push(x as u32),
            }
        }
        let mut span = vec![(0u32, 0u32); n];
        let mut clock = 0u32;
        // (node, its next child to visit)
        let mut stack: Vec<(u32, usize)> = Vec::new();
        for root in roots.into_iter().rev() {
            stack.push((root, 0));
            span[root as usize].0 = clock;
            clock += 1;
            while let Some(top) = stack.last_mut() {
                let (x, next) = *top;
                match children[x as usize].get(next) {
                    Some(&c) => {
                        top.1 += 1;
                        span[c as usize].0 = clock;
                        clock += 1;
                        stack.push((c, 0));
                    }
                    None => {
                        span[x as usize].1 = clock;
                        stack.pop();
                    }
                }
            }
        }
        let mut order = vec![0u32; n];
        for (x, &(start, _)) in span.iter().enumerate() {
            if let Some(at) = order.get_mut(start as usize) {
                *at = x as u32;
            }
        }
        Nesting { spans: span, order }
    }

    /// Is `b` the node `a` or below it? None when these spans are not
    /// the tree's (made for another number of nodes, or not made).
    pub(crate) fn covers(&self, a: usize, b: usize) -> Option<bool> {
        let (&(a_in, a_out), &(b_in, _)) = (self.spans.get(a)?, self.spans.get(b)?);
        Some(a_in <= b_in && b_in < a_out)
    }

    /// Where node `n` starts and ends in the walk: the nodes at or below
    /// it start in this range.
    pub(crate) fn span(&self, n: usize) -> Option<(u32, u32)> {
        self.spans.get(n).copied()
    }

    /// Where node `n` starts in the walk: of a node's ancestors, the
    /// nearer starts later. None when `n` is not a node of these spans.
    pub(crate) fn start(&self, n: usize) -> Option<u32> {
        self.spans.get(n).map(|&(start, _)| start)
    }

    /// The nodes at or below any of `tops`, each once, in index order;
    /// None when these spans are not the tree's.
    pub(crate) fn below(&self, tops: impl IntoIterator<Item = usize>) -> Option<Vec<u32>> {
        let mut spans = tops
            .into_iter()
            .map(|t| self.span(t))
            .collect::<Option<Vec<_>>>()?;
        spans.sort_unstable();
        let mut out = Vec::new();
        let mut end = 0;
        for (start, stop) in spans {
            // Sorted by start: one inside the last taken is already in.
            if start >= end || out.is_empty() {
                out.extend_from_slice(self.order.get(start as usize..stop as usize)?);
                end = stop;
            }
        }
        out.sort_unstable();
        Some(out)
    }

    /// How many nodes are at or below any of `tops`.
    pub(crate) fn count_below(&self, tops: impl IntoIterator<Item = usize>) -> Option<usize> {
        let mut spans = tops
            .into_iter()
            .map(|t| self.span(t))
            .collect::<Option<Vec<_>>>()?;
        spans.sort_unstable();
        let (mut n, mut end, mut any) = (0usize, 0u32, false);
        for (start, stop) in spans {
            if start >= end || !any {
                n += (stop - start) as usize;
                end = stop;
                any = true;
            }
        }
        Some(n)
    }

    /// Are these the spans of a tree of `n` nodes?
    pub(crate) fn is_for(&self, n: usize) -> bool {
        self.spans.len() == n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_node_covers_itself_and_what_is_below_it_only() {
        // 0 → {1 → {3}, 2}, 4 alone, 5 → 4.
        let parent = |x: usize| [None, Some(0), Some(0), Some(1), None, Some(4)][x];
        let n = Nesting::of(6, parent);
        let walk =
            |a: usize, b: usize| std::iter::successors(Some(b), |&x| parent(x)).any(|x| x == a);
        for a in 0..6 {
            for b in 0..6 {
                assert_eq!(n.covers(a, b), Some(walk(a, b)), "{a} over {b}");
            }
        }
        assert_eq!(n.covers(0, 9), None);
        assert!(n.is_for(6) && !n.is_for(7));
        // What is below any of a set of nodes, each set of them.
        for set in 0..64u32 {
            let tops: Vec<usize> = (0..6).filter(|t| set & (1 << t) != 0).collect();
            let walked: Vec<u32> = (0..6u32)
                .filter(|&b| tops.iter().any(|&a| walk(a, b as usize)))
                .collect();
            assert_eq!(
                n.below(tops.iter().copied()),
                Some(walked.clone()),
                "{tops:?}"
            );
            assert_eq!(n.count_below(tops.iter().copied()), Some(walked.len()));
        }
        assert_eq!(n.below([9]), None);
        // A chain of a million: a loop, not a recursion.
        let m = 1_000_000;
        let chain = Nesting::of(m, |x| x.checked_sub(1));
        assert_eq!(chain.covers(0, m - 1), Some(true));
        assert_eq!(chain.covers(m - 1, 0), Some(false));
    }

    #[test]
    fn links_refuse_cycles_in_any_order() {
        // 0 ← 1 ← 2 (2 below 1 below 0); then 0 below 2 would close a cycle.
        let mut l = Linker::new(4);
        assert!(l.link(1, 0));
        assert!(l.link(2, 1));
        assert!(!l.link(0, 2), "0 is above 2");
        assert!(!l.link(3, 3), "a node is not its own parent");
        assert!(l.link(3, 2));
        // Declared bottom first: 1 below 2, then 2 below 0, then 0 below 1.
        let mut l = Linker::new(3);
        assert!(l.link(1, 2));
        assert!(l.link(2, 0));
        assert!(!l.link(0, 1));
    }

    #[test]
    fn each_node_gets_what_it_inherits_parents_first_or_not() {
        // 3 → 1 → 0, 2 → 0, 4 alone: depth of each.
        let parent = |x: usize| [None, Some(0), Some(0), Some(1), None][x];
        let depth = down(5, parent, |_, up: Option<&usize>| up.map_or(0, |d| d + 1));
        assert_eq!(depth, [0, 1, 1, 2, 0]);
        // A chain of a million, deepest first: a loop, not a recursion.
        let n = 1_000_000;
        let chain = down(
            n,
            |x| (x + 1 < n).then_some(x + 1),
            |_, up: Option<&u32>| up.map_or(0, |d| d + 1),
        );
        assert_eq!(chain[0], (n - 1) as u32);
        assert_eq!(chain[n - 1], 0);
    }
}
