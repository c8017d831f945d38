//! Where the text of a name lives ([`Name`]): copies kept as long as the
//! process, so that a name is copied without reading it.

use rustc_hash::FxHashSet;
use std::hash::BuildHasher;
use std::sync::Mutex;

/// A name's text, shared by every place that writes the same name: a
/// design names a few thousand things a million times, and one copy of
/// each spelling keeps the tree a third of the size it would be with a
/// string per use.
///
/// One pointer wide (to the copy's place and length, kept beside it), so
/// that a name with its span and [`super::ast::Sym`] takes 24 bytes, and
/// `Copy`: handing a name to the tree copies the pointer and reads
/// nothing. A counted copy (an `Arc`) must read its count, or a flag
/// beside it, to be cloned; at a million flows that read was a cache miss
/// for each distinct name of each part a parse reads, the largest cost
/// that grew faster than the design (benches/README.md, thirty-fifth
/// pass). Copies are never freed: [`lasting`] makes one per call, for a
/// parse that keeps one of each spelling itself; [`shared`] keeps one per
/// spelling for the whole process, for a program that parses again and
/// again.
#[derive(Clone, Copy)]
pub struct Name(&'static &'static str);

impl Name {
    /// The text.
    pub fn as_str(&self) -> &'static str {
        self.0
    }

    /// Do `self` and `other` point to the same copy?
    pub fn ptr_eq(&self, other: &Name) -> bool {
        std::ptr::eq(self.0, other.0)
    }
}

impl Default for Name {
    fn default() -> Name {
        Name(&"")
    }
}

impl std::ops::Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        self.0
    }
}

/// Looked up by its text in [`shared`]'s set (hashed as its text is).
impl std::borrow::Borrow<str> for Name {
    fn borrow(&self) -> &str {
        self.0
    }
}

impl PartialEq for Name {
    fn eq(&self, other: &Name) -> bool {
        self.ptr_eq(other) || self.0 == other.0
    }
}

impl Eq for Name {}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        *self.0 == other
    }
}

/// Hashed as its text is, as [`std::borrow::Borrow`] requires.
impl std::hash::Hash for Name {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

impl std::fmt::Debug for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.0, f)
    }
}

impl std::fmt::Display for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

/// The process's copy of `text` ([`shared`]).
impl From<&str> for Name {
    fn from(text: &str) -> Name {
        shared(text)
    }
}

/// A new copy of `text`, kept until the process ends. Each call makes
/// one: for a caller that keeps one copy of each spelling itself (a
/// parse's names table), which then never keeps more than the text read.
pub fn lasting(text: &str) -> Name {
    let text: &'static str = Box::leak(Box::from(text));
    Name(Box::leak(Box::new(text)))
}

/// The process's one copy of `text`, made at its first use: for a program
/// that parses again and again (the language server reads its documents
/// at every change), which then keeps each distinct spelling it ever read
/// once, whatever the number of parses.
pub fn shared(text: &str) -> Name {
    let hash = rustc_hash::FxBuildHasher.hash_one(text);
    // In shards by hash, so that the threads of a parse in parts seldom
    // wait for each other.
    let shard = &SHARED[(hash >> (64 - SHARD_BITS)) as usize];
    // A thread that panicked while holding the lock left the set as it
    // was before or after one insert: still a set of copies.
    let mut set = shard.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(&copy) = set.get(text) {
        return copy;
    }
    let copy = lasting(text);
    set.insert(copy);
    copy
}

/// Bits of a hash that pick a shard of [`SHARED`].
const SHARD_BITS: u32 = 4;

/// The copies [`shared`] made, in shards.
static SHARED: [Mutex<FxHashSet<Name>>; 1 << SHARD_BITS] =
    [const { Mutex::new(FxHashSet::with_hasher(rustc_hash::FxBuildHasher)) }; 1 << SHARD_BITS];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shared_spelling_is_copied_once_and_a_lasting_one_each_time() {
        let text = String::from("基幹システム001 (spelling test)");
        let (a, b) = (shared(&text), shared(&text));
        assert_eq!(a, *text);
        assert!(a.ptr_eq(&b), "one copy of a shared spelling");
        assert!(!a.ptr_eq(&shared("基幹システム002 (spelling test)")));
        let (c, d) = (lasting(&text), lasting(&text));
        assert_eq!((c, d), (a, a));
        assert!(!c.ptr_eq(&d), "a lasting copy each time");
        assert_eq!(shared(""), Name::default());
        assert_eq!(std::mem::size_of::<Name>(), std::mem::size_of::<usize>());
    }

    #[test]
    fn threads_sharing_spellings_get_the_same_copies() {
        let spellings: Vec<String> = (0..2000).map(|i| format!("共有{i}")).collect();
        let copies = || spellings.iter().map(|s| shared(s)).collect::<Vec<_>>();
        let (x, y) = std::thread::scope(|s| {
            let x = s.spawn(copies);
            let y = s.spawn(copies);
            (x.join().unwrap(), y.join().unwrap())
        });
        for ((a, b), s) in x.iter().zip(&y).zip(&spellings) {
            assert_eq!(a.as_str(), s);
            assert!(a.ptr_eq(b), "{s}: two copies");
        }
    }
}
