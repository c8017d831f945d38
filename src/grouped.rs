//! A list grouped by a small number (a sender's, a state's) with one
//! counting pass: linear where a sort is not, and stable, so that what
//! came in the order of the transfers stays in it within each group. On
//! every core, each task a range of keys with about as many items as the
//! others: it reads every item and places only its own keys' (a task's
//! output is then one stretch of the list, written without a lock).

use rayon::prelude::*;

/// Items grouped by key: those of key `k` are `items[starts[k]..starts[k + 1]]`,
/// in the order they came.
pub(crate) struct Grouped<T> {
    /// The items, by key.
    pub items: Vec<T>,
    /// Where each key's items start; one more entry ends the last key's.
    pub starts: Vec<usize>,
}

impl<T> Grouped<T> {
    /// The items of key `k` (none for a key beyond).
    pub(crate) fn of(&self, k: usize) -> &[T] {
        match (self.starts.get(k), self.starts.get(k + 1)) {
            (Some(&from), Some(&to)) => self.items.get(from..to).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// The ranges of keys a task of [`grouped`] took, as many as it was
    /// given (fewer when keys are fewer), with about as many items each:
    /// the first key of each, and the end of the last.
    fn cuts(starts: &[usize], tasks: usize) -> Vec<usize> {
        let keys = starts.len().saturating_sub(1);
        let total = starts.last().copied().unwrap_or(0);
        let tasks = tasks.max(1);
        let mut cuts: Vec<usize> = (0..tasks)
            .map(|k| {
                let share = total / tasks * k + total % tasks * k / tasks;
                starts.partition_point(|&c| c < share).min(keys)
            })
            .collect();
        cuts.push(keys);
        cuts.dedup();
        cuts
    }
}

/// Groups `item(i)` of every `i` in `0..len` by its key (below `keys`;
/// None leaves it out, as does a key beyond), in the order they came, in
/// `tasks` ranges of keys side by side when more than one. `item` is asked
/// of each `i` once to count and once by each task: it should be cheap.
/// `fill` is a value the list holds before it is written.
pub(crate) fn grouped<T: Copy + Send + Sync>(
    len: usize,
    keys: usize,
    item: impl Fn(usize) -> Option<(usize, T)> + Sync,
    tasks: usize,
    fill: T,
) -> Grouped<T> {
    grouped_into(len, keys, item, tasks, fill, Vec::new())
}

/// Items counted and a list filled on every core from this many (when
/// given more than one task).
const PARALLEL_COUNT: usize = 64 * 1024;

/// One pass of [`in_order_of`]: how many keys there are, and each
/// item's key (below that many).
pub(crate) type Pass<'k, T> = (usize, &'k (dyn Fn(&T) -> usize + Sync));

/// `list` in the order of the keys of `passes`, the last pass's first
/// and, among items equal in every key, as they came: a sort by small
/// numbers, least significant first, each pass one stable counting pass
/// ([`grouped`], in `tasks` tasks), linear in the list and its keys where
/// a comparison sort is n log n. The passes go back and forth between
/// two lists instead of touching fresh memory at each.
pub(crate) fn in_order_of<T: Copy + Send + Sync>(
    list: Vec<T>,
    passes: &[Pass<'_, T>],
    tasks: usize,
    fill: T,
) -> Vec<T> {
    let (mut list, mut spare) = (list, Vec::new());
    for &(keys, key) in passes {
        let item = |i: usize| list.get(i).map(|x| (key(x), *x));
        let next = grouped_into(list.len(), keys, item, tasks, fill, spare).items;
        spare = std::mem::replace(&mut list, next);
    }
    list
}

/// [`grouped`], its list written into `into`'s memory (whatever `into`
/// held is dropped).
fn grouped_into<T: Copy + Send + Sync>(
    len: usize,
    keys: usize,
    item: impl Fn(usize) -> Option<(usize, T)> + Sync,
    tasks: usize,
    fill: T,
    into: Vec<T>,
) -> Grouped<T> {
    let key = |i: usize| item(i).map(|(k, _)| k).filter(|&k| k < keys);
    let count = |range: std::ops::Range<usize>| {
        let mut counts = vec![0usize; keys + 1];
        for i in range {
            if let Some(k) = key(i) {
                counts[k + 1] += 1;
            }
        }
        counts
    };
    // Counted on every core too, each task a stretch of the items with
    // counts of its own, added up after: one core counting a million
    // items left the other idle (the holdings' walk counts six times).
    let mut starts = if tasks > 1 && len >= PARALLEL_COUNT {
        let stretch = len.div_ceil(tasks);
        let counts: Vec<Vec<usize>> = (0..tasks)
            .into_par_iter()
            .map(|t| count(t * stretch..((t + 1) * stretch).min(len)))
            .collect();
        let mut sum = vec![0usize; keys + 1];
        for c in counts {
            sum.iter_mut().zip(c).for_each(|(s, c)| *s += c);
        }
        sum
    } else {
        count(0..len)
    };
    for k in 1..starts.len() {
        starts[k] += starts[k - 1];
    }
    let total = starts.last().copied().unwrap_or(0);
    let mut items = into;
    items.clear();
    if tasks > 1 && total >= PARALLEL_COUNT {
        // Fresh memory's first touch, shared by the cores.
        items.par_extend(rayon::iter::repeat_n(fill, total));
    } else {
        items.resize(total, fill);
    }
    let cuts = Grouped::<T>::cuts(&starts, tasks);
    // Each task's keys and its stretch of the list.
    let mut jobs = Vec::with_capacity(cuts.len());
    let mut rest = items.as_mut_slice();
    for w in cuts.windows(2) {
        let (from, to) = (w[0], w[1]);
        let (mine, tail) = rest.split_at_mut(starts[to] - starts[from]);
        jobs.push((from, to, mine));
        rest = tail;
    }
    let place = |(from, to, mine): (usize, usize, &mut [T])| {
        let base = starts[from];
        let mut next: Vec<usize> = starts[from..to].iter().map(|&s| s - base).collect();
        for i in 0..len {
            let Some((k, value)) = item(i).filter(|&(k, _)| (from..to).contains(&k)) else {
                continue;
            };
            if let Some(at) = next.get_mut(k - from)
                && let Some(slot) = mine.get_mut(*at)
            {
                *slot = value;
                *at += 1;
            }
        }
    };
    if jobs.len() > 1 {
        jobs.into_par_iter().with_max_len(1).for_each(place);
    } else {
        jobs.into_iter().for_each(place);
    }
    Grouped { items, starts }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_grouped_by_key_in_the_order_they_came_in_any_number_of_tasks() {
        let mut roll = crate::test_rulebooks::dice(1, 2);
        for round in 0..200 {
            let keys = roll(50);
            let len = roll(400);
            // (key or none, the item's own place), some keys past `keys`.
            let list: Vec<(Option<usize>, usize)> = (0..len)
                .map(|i| ((roll(5) > 0).then(|| roll(keys + 3)), i))
                .collect();
            let item = |i: usize| list[i].0.map(|k| (k, list[i].1));
            let mut expected: Vec<usize> = (0..len)
                .filter(|&i| list[i].0.is_some_and(|k| k < keys))
                .collect();
            expected.sort_by_key(|&i| list[i].0);
            for tasks in [0, 1, 2, 3, 7, 64] {
                let g = grouped(len, keys, item, tasks, usize::MAX);
                assert_eq!(g.items, expected, "round {round}, {tasks} tasks");
                assert_eq!(g.starts.len(), keys + 1);
                for k in 0..keys {
                    assert!(g.of(k).iter().all(|&i| list[i].0 == Some(k)));
                }
                assert!(g.of(keys).is_empty());
            }
        }
    }

    #[test]
    fn a_list_large_enough_to_be_counted_on_every_core_is_grouped_as_on_one() {
        let mut roll = crate::test_rulebooks::dice(7, 11);
        let len = 3 * PARALLEL_COUNT + 17;
        for keys in [1, 5, 1000, 70_000] {
            // Some items with no key, and some with a key past `keys`.
            let list: Vec<Option<usize>> = (0..len)
                .map(|_| (roll(9) > 0).then(|| roll(keys + 2)))
                .collect();
            let item = |i: usize| list[i].map(|k| (k, i));
            let one = grouped(len, keys, item, 1, usize::MAX);
            let mut expected: Vec<usize> = (0..len)
                .filter(|&i| list[i].is_some_and(|k| k < keys))
                .collect();
            expected.sort_by_key(|&i| list[i]);
            assert_eq!(one.items, expected, "{keys} keys");
            for tasks in [2, 3, 8] {
                let many = grouped(len, keys, item, tasks, usize::MAX);
                assert_eq!(many.items, one.items, "{keys} keys, {tasks} tasks");
                assert_eq!(many.starts, one.starts, "{keys} keys, {tasks} tasks");
            }
        }
    }

    #[test]
    fn passes_least_significant_first_put_a_list_in_the_order_of_a_stable_sort() {
        let mut roll = crate::test_rulebooks::dice(5, 3);
        for round in 0..100 {
            let (high, low) = (1 + roll(20), 1 + roll(300));
            // (high key, low key, the item's own place)
            let list: Vec<(usize, usize, usize)> =
                (0..roll(500)).map(|i| (roll(high), roll(low), i)).collect();
            let mut expected = list.clone();
            expected.sort_by_key(|x| (x.0, x.1));
            let passes: [Pass<'_, (usize, usize, usize)>; 2] = [(low, &|x| x.1), (high, &|x| x.0)];
            for tasks in [1, 2, 7] {
                let got = in_order_of(list.clone(), &passes, tasks, (0, 0, 0));
                assert_eq!(got, expected, "round {round}, {tasks} tasks");
            }
        }
    }

    #[test]
    fn tasks_take_ranges_of_keys_with_about_as_many_items_each() {
        // Ten keys of ten items each: two tasks take five keys each.
        let starts: Vec<usize> = (0..=10).map(|k| k * 10).collect();
        assert_eq!(Grouped::<u8>::cuts(&starts, 2), [0, 5, 10]);
        // A key is never split: the task with the one that holds nearly
        // everything takes 99 of the 100.
        let starts = [0, 1, 99, 100];
        assert_eq!(Grouped::<u8>::cuts(&starts, 2), [0, 2, 3]);
        assert_eq!(Grouped::<u8>::cuts(&[0], 4), [0]);
    }
}
