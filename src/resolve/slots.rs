//! A list written in place on every core: each part of a large design
//! writes its resolved flows into its own stretch of the one list, so the
//! list is never copied and its pages are first touched as each part's
//! tree is freed.
//!
//! Joining lists resolved apart copied a fifth of a gigabyte at a million
//! flows into pages fresh from the system, on one core; writing stand-ins
//! first touched them all while the whole tree was still in memory
//! (benches/README.md, seventeenth and eighteenth passes).

use std::mem::MaybeUninit;
use std::sync::atomic::{AtomicBool, Ordering};

/// One part's stretch of the list, written from its start.
pub(super) struct Slots<'a, T> {
    slots: &'a mut [MaybeUninit<T>],
    /// Where the stretch starts in the list.
    start: usize,
    /// How many of `slots`, from the first, hold a value.
    written: usize,
    /// Values beyond the stretch: none when the part's count was right.
    over: Vec<T>,
}

impl<T> Slots<'_, T> {
    /// Adds `value` after those pushed before it.
    pub(super) fn push(&mut self, value: T) {
        match self.slots.get_mut(self.written) {
            Some(slot) => {
                slot.write(value);
                self.written += 1;
            }
            None => self.over.push(value),
        }
    }

    /// Where the stretch starts in the list: the number there of the
    /// part's first value.
    pub(super) fn start(&self) -> usize {
        self.start
    }
}

/// How a part's stretch ended.
pub(super) enum Written<T> {
    /// Every slot holds a value, and there was none over.
    Full,
    /// The part's count was wrong: its values, taken out of the stretch.
    Apart(Vec<T>),
}

impl<T> Slots<'_, T> {
    /// Says whether the stretch is exactly full; if not, moves its values
    /// out (the list then holds none of them).
    pub(super) fn finish(self) -> Written<T> {
        if self.written == self.slots.len() && self.over.is_empty() {
            return Written::Full;
        }
        let mut values = Vec::with_capacity(self.written + self.over.len());
        for slot in &self.slots[..self.written] {
            // SAFETY: the first `written` slots were written by `push`, and
            // each is read once: the list is never given a length that
            // covers a stretch that is not full.
            values.push(unsafe { slot.assume_init_read() });
        }
        values.extend(self.over);
        Written::Apart(values)
    }
}

/// Fills a list from `parts`, part `k` writing its values in place with
/// `fill(part, slots)` into a stretch of `counts[k]` slots, on every
/// core when `parallel`; returns the list and what each `fill` returned.
/// A part that writes more or fewer than its count (or a count with no
/// part) still ends in its place in the list, after a copy, never in a
/// wrong one.
///
/// `stop` is asked before each part is filled: once it says yes, the
/// parts not yet begun are dropped unread, every value written so far
/// with them, and there is no list (None). The language server stops so
/// an analysis that a later edit has replaced.
pub(super) fn fill_in_place<P, T, R, F>(
    parts: Vec<P>,
    counts: &[usize],
    parallel: bool,
    stop: &(dyn Fn() -> bool + Sync),
    fill: F,
) -> Option<(Vec<T>, Vec<R>)>
where
    P: Send,
    T: Send,
    R: Send + Default,
    F: Fn(P, &mut Slots<'_, T>) -> R + Sync,
{
    use rayon::prelude::*;
    // A part with no count writes all its values beyond its stretch.
    let counts: Vec<usize> = (0..counts.len().max(parts.len()))
        .map(|k| counts.get(k).copied().unwrap_or(0))
        .collect();
    let total: usize = counts.iter().sum();
    let mut list: Vec<T> = Vec::with_capacity(total);
    let mut jobs = Vec::with_capacity(counts.len());
    let mut rest = &mut list.spare_capacity_mut()[..total];
    let mut parts = parts.into_iter();
    let mut start = 0;
    for &n in &counts {
        let (head, tail) = rest.split_at_mut(n);
        jobs.push((parts.next(), (start, head)));
        rest = tail;
        start += n;
    }
    type Job<'a, P, T> = (Option<P>, (usize, &'a mut [MaybeUninit<T>]));
    let stopped = AtomicBool::new(false);
    let run = |(part, (start, slots)): Job<'_, P, T>| {
        let mut s = Slots {
            slots,
            start,
            written: 0,
            over: Vec::new(),
        };
        // Once one part has seen the answer yes, the others need not ask.
        let go = !stopped.load(Ordering::Relaxed) && !stop();
        if !go {
            stopped.store(true, Ordering::Relaxed);
        }
        let r = part
            .filter(|_| go)
            .map(|p| fill(p, &mut s))
            .unwrap_or_default();
        (s.finish(), r)
    };
    let done: Vec<(Written<T>, R)> = if parallel {
        // Each part a task of its own, so that a core that is done takes
        // the next part rather than idling while the other reads a run
        // of parts it was dealt.
        jobs.into_par_iter().with_max_len(1).map(run).collect()
    } else {
        jobs.into_iter().map(run).collect()
    };
    let (written, returned): (Vec<Written<T>>, Vec<R>) = done.into_iter().unzip();
    if stopped.into_inner() {
        let spare = list.spare_capacity_mut();
        let mut start = 0;
        for (w, &n) in written.iter().zip(&counts) {
            if matches!(w, Written::Full) {
                for slot in &mut spare[start..start + n] {
                    // SAFETY: a full stretch's slots were all written, and
                    // only this loop drops them, once; the list, left
                    // with no length, drops none.
                    unsafe { slot.assume_init_drop() };
                }
            }
            start += n;
        }
        return None;
    }
    if written.iter().all(|w| matches!(w, Written::Full)) {
        // SAFETY: every stretch is full, and the stretches cover the first
        // `total` slots of the list's capacity.
        unsafe { list.set_len(total) };
        return Some((list, returned));
    }
    // A count was wrong: the full stretches' values are moved out of the
    // list (left with no length, it drops none of them) and put in order
    // with the others.
    let mut joined = Vec::with_capacity(total);
    let mut start = 0;
    let spare = list.spare_capacity_mut();
    for (w, &n) in written.into_iter().zip(&counts) {
        match w {
            Written::Full => {
                for slot in &spare[start..start + n] {
                    // SAFETY: a full stretch's slots were all written, and
                    // only this loop reads them, once.
                    joined.push(unsafe { slot.assume_init_read() });
                }
            }
            Written::Apart(values) => joined.extend(values),
        }
        start += n;
    }
    Some((joined, returned))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// Each part pushes `pushes[k]` values `(k, i)`.
    fn filled(
        counts: &[usize],
        pushes: &[usize],
        parallel: bool,
    ) -> (Vec<(usize, usize)>, Vec<usize>) {
        let parts: Vec<(usize, usize)> = pushes.iter().copied().enumerate().collect();
        fill_in_place(parts, counts, parallel, &|| false, |(k, n), slots| {
            for i in 0..n {
                slots.push((k, i));
            }
            k
        })
        .expect("never stopped")
    }

    fn expected(pushes: &[usize]) -> Vec<(usize, usize)> {
        (pushes.iter().enumerate())
            .flat_map(|(k, &n)| (0..n).map(move |i| (k, i)))
            .collect()
    }

    #[test]
    fn parts_write_their_values_in_order_on_one_core_or_many() {
        let counts = [3, 0, 5, 1, 200, 0];
        for parallel in [false, true] {
            let (list, returned) = filled(&counts, &counts, parallel);
            assert_eq!(list, expected(&counts));
            assert_eq!(returned, vec![0, 1, 2, 3, 4, 5]);
        }
    }

    #[test]
    fn a_part_that_writes_more_or_fewer_than_its_count_still_ends_in_its_place() {
        let counts = [3, 2, 4, 1];
        for pushes in [[3, 5, 4, 1], [3, 0, 4, 1], [0, 0, 0, 0], [4, 1, 4, 2]] {
            for parallel in [false, true] {
                assert_eq!(filled(&counts, &pushes, parallel).0, expected(&pushes));
            }
        }
    }

    #[test]
    fn parts_and_counts_of_other_lengths_lose_no_value() {
        // More parts than counts: the last writes beyond its (empty) stretch.
        assert_eq!(filled(&[2], &[2, 3], true).0, expected(&[2, 3]));
        // More counts than parts: the stretch with no part stays empty.
        let (list, returned) =
            fill_in_place(vec![(0, 2)], &[2, 3], false, &|| false, |(k, n), slots| {
                (0..n).for_each(|i| slots.push((k, i)));
                k + 1
            })
            .expect("never stopped");
        assert_eq!(list, expected(&[2]));
        assert_eq!(returned, vec![1, 0]);
    }

    #[test]
    fn every_value_is_dropped_once_whatever_the_counts() {
        let token = Arc::new(());
        for pushes in [[2, 2], [1, 3], [2, 1]] {
            let (list, _) = fill_in_place(pushes.to_vec(), &[2, 2], true, &|| false, |n, slots| {
                for _ in 0..n {
                    slots.push(Arc::clone(&token));
                }
            })
            .expect("never stopped");
            assert_eq!(Arc::strong_count(&token), 1 + pushes.iter().sum::<usize>());
            drop(list);
            assert_eq!(Arc::strong_count(&token), 1);
        }
    }

    #[test]
    fn a_stop_drops_every_value_written_and_fills_no_part_after_it() {
        use std::sync::atomic::AtomicUsize;
        let token = Arc::new(());
        // Stopped at the question before part `at` (never, for 9): the
        // parts before it are filled, the rest are not, and whatever was
        // written is dropped once. Counts right and wrong.
        for counts in [[2, 2, 2, 2], [1, 3, 0, 2]] {
            for at in [0, 1, 3, 9] {
                for parallel in [false, true] {
                    let asked = AtomicUsize::new(0);
                    let filled = AtomicUsize::new(0);
                    let stop = || asked.fetch_add(1, Ordering::SeqCst) >= at;
                    let pushes = [2usize, 2, 2, 2];
                    let result =
                        fill_in_place(pushes.to_vec(), &counts, parallel, &stop, |n, slots| {
                            filled.fetch_add(1, Ordering::SeqCst);
                            for _ in 0..n {
                                slots.push(Arc::clone(&token));
                            }
                        });
                    let case = format!("counts {counts:?}, stopped at {at}, parallel {parallel}");
                    match result {
                        Some((list, _)) => {
                            assert!(at >= pushes.len(), "{case}: not stopped");
                            assert_eq!(list.len(), 8, "{case}");
                        }
                        None => {
                            assert!(at < pushes.len(), "{case}: stopped");
                            assert!(
                                filled.load(Ordering::SeqCst) <= at,
                                "{case}: a part after the stop was filled"
                            );
                        }
                    }
                    assert_eq!(
                        Arc::strong_count(&token),
                        1,
                        "{case}: a value kept or dropped twice"
                    );
                }
            }
        }
    }
}
