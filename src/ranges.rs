//! Work over the indices `0..n` of a long list cut into ranges, each range
//! a task on any core, the results kept in the ranges' order: stitching's
//! chunks of transfers, the checks' ranges of exchanges.

use rayon::prelude::*;
use std::ops::Range;

/// `0..n` cut into ranges of `per` (the last may be shorter; none when `n`
/// is 0).
pub(crate) fn cut(n: usize, per: usize) -> Vec<Range<usize>> {
    let per = per.max(1);
    (0..n.div_ceil(per))
        .map(|i| i * per..(i.saturating_add(1).saturating_mul(per)).min(n))
        .collect()
}

/// `f` of each range, in order: on every core when there are several (one
/// range never starts the thread pool). Each range is a task of its own:
/// rayon's splitting would otherwise hand a core a run of them.
pub(crate) fn each<T: Send>(
    ranges: &[Range<usize>],
    f: impl Fn(Range<usize>) -> T + Sync,
) -> Vec<T> {
    if ranges.len() > 1 {
        ranges
            .par_iter()
            .with_max_len(1)
            .map(|r| f(r.clone()))
            .collect()
    } else {
        ranges.iter().map(|r| f(r.clone())).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_cover_every_index_once_in_order() {
        assert_eq!(cut(0, 4), Vec::<Range<usize>>::new());
        assert_eq!(cut(3, 4), vec![Range { start: 0, end: 3 }]);
        assert_eq!(cut(9, 4), [0..4, 4..8, 8..9]);
        assert_eq!(cut(2, 0), [0..1, 1..2]);
        let lens = each(&cut(1000, 7), |r| r.len());
        assert_eq!(lens.iter().sum::<usize>(), 1000);
        let starts = each(&cut(1000, 7), |r| r.start);
        assert!(starts.windows(2).all(|w| w[1] == w[0] + 7));
    }
}
