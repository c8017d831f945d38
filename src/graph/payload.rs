//! What a flow carries: each of its items for each of its purposes.

use super::Payload;
use crate::model::*;
use either::Either;
use rustc_hash::FxHashSet;
use smallvec::SmallVec;
use std::hash::Hash;

/// The payloads a flow carries: each item for each purpose (for no
/// purpose when the flow names none), in the order written, an item or a
/// purpose named twice carried once. `X, X for P` is one exchange, not
/// two: counted twice, the inventory listed one provision once per
/// repeat, and a list of one name written three thousand times, with a
/// purpose written as often, made nine million payloads of a 160 KB file.
/// Items whose names did not resolve carry nothing; a purpose that did not
/// resolve is carried as `None` (only by a flow left out of the graph).
///
/// A transfer knows whether its flow repeats a name
/// ([`super::Transfer::payloads`]): asked here, of the flow, the answer
/// waits for the flow to be read, and stitching at a million flows was a
/// seventh slower.
pub fn payloads(f: &Flow) -> impl Iterator<Item = Payload> + '_ {
    carried(f, repeats_a_name(f))
}

/// [`payloads`] of `f`, told whether it names an item or a purpose twice.
pub(super) fn carried(f: &Flow, repeats: bool) -> impl Iterator<Item = Payload> + '_ {
    let (items, purposes) = (f.items.as_slice(), f.purposes.as_slice());
    match repeats {
        false => Either::Left(as_written(items, purposes)),
        // Boxed, so that the common iterator is not made larger by it.
        true => Either::Right(Box::new(without_repeats(items, purposes))),
    }
}

/// May the flow name an item, or a purpose, twice? (True of a list longer
/// than [`COMPARED_PAIRWISE`], whose names are not compared here.)
pub(super) fn repeats_a_name(f: &Flow) -> bool {
    !written_once(&f.items) || !written_once(&f.purposes)
}

/// Each item for each purpose, as written.
fn as_written<'a>(
    items: &'a [Ref<DataId>],
    purposes: &'a [Ref<PurposeId>],
) -> impl Iterator<Item = Payload> + 'a {
    let bare = purposes.is_empty();
    items.iter().filter_map(|i| i.id).flat_map(move |i| {
        let named = purposes.iter().map(move |p| (i, p.id));
        let unnamed = bare.then_some((i, None));
        named.chain(unnamed)
    })
}

/// Each item for each purpose, each name once. Out of line: it is rare.
#[cold]
#[inline(never)]
fn without_repeats(items: &[Ref<DataId>], purposes: &[Ref<PurposeId>]) -> Kept {
    Kept {
        items: distinct(items.iter().filter_map(|i| i.id)),
        purposes: match purposes.is_empty() {
            true => SmallVec::from_elem(None, 1),
            false => distinct(purposes.iter().map(|p| p.id)),
        },
        item: 0,
        purpose: 0,
    }
}

/// Does no name of `refs` resolve to what another does? (Checked pairwise:
/// a list longer than two is rare, and one with a repeat rarer still.)
fn written_once<I: Copy + Eq>(refs: &[Ref<I>]) -> bool {
    match refs {
        [] | [_] => true,
        [a, b] => a.id != b.id,
        _ if refs.len() <= COMPARED_PAIRWISE => {
            (1..refs.len()).all(|k| refs[..k].iter().all(|r| r.id != refs[k].id))
        }
        _ => false,
    }
}

/// A flow's item or purpose ids, each once. Most flows name one or two.
type Distinct<T> = SmallVec<[T; 2]>;

/// Lists beyond this are kept once each through a hash set; shorter ones
/// are compared pairwise, without allocating.
const COMPARED_PAIRWISE: usize = 8;

/// `ids` in order, each at its first place only.
fn distinct<T: Copy + Eq + Hash>(ids: impl Iterator<Item = T>) -> Distinct<T> {
    let mut out: Distinct<T> = ids.collect();
    if out.len() <= 1 {
        return out;
    }
    if out.len() <= COMPARED_PAIRWISE {
        let mut kept = 0;
        for i in 0..out.len() {
            let id = out[i];
            if !out[..kept].contains(&id) {
                out[kept] = id;
                kept += 1;
            }
        }
        out.truncate(kept);
    } else {
        let mut seen = FxHashSet::default();
        out.retain(|id| seen.insert(*id));
    }
    out
}

/// The payloads of a flow that names an item or a purpose twice, from its
/// lists with each name once.
#[derive(Clone, Debug)]
struct Kept {
    items: Distinct<DataId>,
    purposes: Distinct<Option<PurposeId>>,
    /// The next payload's item and purpose, as places in the lists.
    item: usize,
    purpose: usize,
}

impl Iterator for Kept {
    type Item = Payload;

    fn next(&mut self) -> Option<Payload> {
        let item = *self.items.get(self.item)?;
        let purpose = *self.purposes.get(self.purpose)?;
        self.purpose += 1;
        if self.purpose == self.purposes.len() {
            self.purpose = 0;
            self.item += 1;
        }
        Some((item, purpose))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = (self.items.len().saturating_sub(self.item))
            .saturating_mul(self.purposes.len())
            .saturating_sub(self.purpose);
        (left, Some(left))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::{FileId, Span};

    fn flow(items: &[Option<u32>], purposes: &[Option<u32>]) -> Flow {
        let span = Span::new(FileId(0), 0, 0);
        let actor = Ref { id: None, span };
        Flow {
            from: actor,
            to: actor,
            arrow_start: 0,
            arrow_len: 0,
            both_ways: false,
            items: (items.iter())
                .map(|i| Ref {
                    id: i.map(DataId::new),
                    span,
                })
                .collect(),
            purposes: (purposes.iter())
                .map(|p| Ref {
                    id: p.map(PurposeId::new),
                    span,
                })
                .collect(),
            via: Box::default(),
            via_start: 0,
            basis: None,
            span,
        }
    }

    fn listed(f: &Flow) -> Vec<(u32, Option<u32>)> {
        let all = payloads(f);
        let (low, high) = all.size_hint();
        let out: Vec<_> = all.map(|(d, p)| (d.get(), p.map(PurposeId::get))).collect();
        assert!(low <= out.len() && high.is_none_or(|h| out.len() <= h));
        out
    }

    #[test]
    fn each_item_for_each_purpose_in_the_order_written() {
        let f = flow(&[Some(2), Some(0)], &[Some(5), Some(1), Some(3)]);
        let want = [2, 0].iter().flat_map(|&d| [5, 1, 3].map(|p| (d, Some(p))));
        assert_eq!(listed(&f), want.collect::<Vec<_>>());
        let bare = flow(&[Some(1), Some(4)], &[]);
        assert_eq!(listed(&bare), [(1, None), (4, None)]);
        // Unresolved items carry nothing; an unresolved purpose is `None`.
        let half = flow(&[None, Some(1)], &[Some(2), None]);
        assert_eq!(listed(&half), [(1, Some(2)), (1, None)]);
        assert_eq!(listed(&flow(&[], &[Some(1)])), []);
        assert_eq!(listed(&flow(&[None], &[])), []);
    }

    #[test]
    fn a_name_written_twice_is_carried_once_at_its_first_place() {
        let f = flow(&[Some(1), Some(2), Some(1)], &[Some(3), Some(3), Some(4)]);
        let want = [(1, Some(3)), (1, Some(4)), (2, Some(3)), (2, Some(4))];
        assert_eq!(listed(&f), want);
        // Longer lists than are compared pairwise, repeats far apart.
        let items: Vec<Option<u32>> = (0..40)
            .map(|i| Some([7, 3, 9, 3][i % 4] + (i as u32 / 20)))
            .collect();
        let purposes: Vec<Option<u32>> = (0..30).map(|i| Some(i as u32 % 3)).collect();
        let f = flow(&items, &purposes);
        let d = [7, 3, 9, 8, 4, 10];
        let want: Vec<_> = d
            .iter()
            .flat_map(|&d| (0..3).map(move |p| (d, Some(p))))
            .collect();
        assert_eq!(listed(&f), want);
        assert_eq!(
            listed(&flow(&[Some(1), Some(1)], &[Some(2)])),
            [(1, Some(2))]
        );
        assert_eq!(
            listed(&flow(&[Some(1)], &[Some(2), Some(2)])),
            [(1, Some(2))]
        );
        // Every length around the pairwise limit, with and without a
        // repeat (in every place), gives what one hash set does.
        for n in 1..=COMPARED_PAIRWISE + 2 {
            for repeat in 0..=n {
                let ids: Vec<u32> = (0..n as u32)
                    // The first id again at place `repeat` (none when 0).
                    .map(|i| {
                        if i > 0 && i as usize == repeat {
                            7
                        } else {
                            i + 7
                        }
                    })
                    .collect();
                let mut seen = std::collections::HashSet::new();
                let want: Vec<u32> = ids.iter().copied().filter(|i| seen.insert(*i)).collect();
                assert_eq!(distinct(ids.iter().copied()).to_vec(), want, "{ids:?}");
                let f = flow(
                    &ids.iter().map(|&i| Some(i)).collect::<Vec<_>>(),
                    &[Some(1)],
                );
                // Longer lists are always made distinct.
                let once = (repeat == 0 || repeat == n) && n <= COMPARED_PAIRWISE;
                assert_eq!(written_once(&f.items), once, "{ids:?}");
                assert_eq!(want.len() < ids.len(), repeat > 0 && repeat < n);
                let got: Vec<u32> = listed(&f).iter().map(|&(d, _)| d).collect();
                assert_eq!(got, want, "{ids:?}");
            }
        }
    }
}
