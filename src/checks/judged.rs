//! Verdicts already given. An exchange's verdict depends on its roles, its
//! item's category, its purpose and the roles it passed, never on which
//! actors they are: a design's million exchanges need a few hundred
//! judgements.

use crate::model::*;
use rustc_hash::FxHashMap;

/// What a verdict depends on besides the roles passed: (sender's role,
/// receiver's role, category, purpose).
pub(crate) type Key = (RoleId, RoleId, CategoryId, PurposeId);

/// Verdicts by [`Key`], then by the roles passed: a key has few variants,
/// so they are compared in turn, and a look-up copies nothing.
pub(crate) struct Judged<V> {
    known: FxHashMap<Key, Vec<(Vec<RoleId>, V)>>,
}

impl<V: Clone> Judged<V> {
    /// None given yet.
    pub fn new() -> Self {
        Judged {
            known: FxHashMap::default(),
        }
    }

    /// The verdict of `key` with `passed`, from `judge` the first time.
    pub fn get(&mut self, key: Key, passed: &[RoleId], judge: impl FnOnce() -> V) -> V {
        let variants = self.known.entry(key).or_default();
        if let Some((_, v)) = variants.iter().find(|(p, _)| p.as_slice() == passed) {
            return v.clone();
        }
        let v = judge();
        variants.push((passed.to_vec(), v.clone()));
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_verdict_is_judged_once_per_key_and_roles_passed() {
        let key = (
            RoleId::new(0),
            RoleId::new(1),
            CategoryId::new(2),
            PurposeId::new(3),
        );
        let other = (
            RoleId::new(0),
            RoleId::new(1),
            CategoryId::new(2),
            PurposeId::new(4),
        );
        let mut judged = Judged::new();
        let mut judgements = 0;
        let mut get = |k, passed: &[RoleId], v: u32| {
            judged.get(k, passed, || {
                judgements += 1;
                v
            })
        };
        assert_eq!(get(key, &[], 1), 1);
        assert_eq!(get(key, &[], 9), 1, "remembered");
        assert_eq!(
            get(key, &[RoleId::new(5)], 2),
            2,
            "other roles passed: judged"
        );
        assert_eq!(get(key, &[RoleId::new(5), RoleId::new(6)], 3), 3);
        assert_eq!(get(key, &[RoleId::new(5)], 9), 2);
        assert_eq!(get(other, &[], 4), 4, "another purpose: judged");
        assert_eq!(judgements, 4);
    }
}
