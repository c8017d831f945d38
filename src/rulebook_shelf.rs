//! Rulebooks already parsed, resolved and linted, shared by the sessions
//! of one run. `mynaflow test` checks each file in a session of its own,
//! `test --update` too, and each session loaded the same rulebook file
//! afresh: 1 700 designs sharing one rulebook were 1 700 loads of it (most
//! of `test`'s time).
//!
//! A loaded rulebook is a function of three things only: where it comes
//! from, its text, and the id its file takes in the session's source map
//! (every span in it names that id). A session takes a shelved rulebook
//! only when all three are the same, so what it gets is what loading would
//! have given: a rulebook changed on disk since is loaded afresh.

use crate::code::Severity;
use crate::diagnostic::Diagnostic;
use crate::model::Rulebook;
use crate::session::{KeptSpans, RulebookError, RulebookSource};
use crate::source::SourceFile;
use crate::span::FileId;
use crate::syntax::split::parse_in_parts_keeping;
use crate::syntax::tokens::Copies;
use crate::tally::{Hollow, Keep, Tally};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

/// The rulebooks loaded so far, by source and file id, for sessions to
/// share (`Session::share_rulebooks`).
#[derive(Default)]
pub struct RulebookShelf {
    loaded: Mutex<HashMap<(RulebookSource, FileId), Arc<Loaded>>>,
}

/// A rulebook's text loaded as file `file` of a session: what it gave.
#[derive(Debug)]
pub struct Loaded {
    /// The file, as the session's source map holds it.
    pub file: SourceFile,
    /// The rulebook's own findings (its syntax, its names, its lint),
    /// before its suppressions and the cap per code; none for a file that
    /// is not a rulebook.
    pub findings: Vec<Diagnostic>,
    /// Those past what it kept in full, as their places ([`Keep`]).
    pub hollow: Vec<Hollow>,
    /// What it kept in full.
    pub keep: Keep,
    /// What its suppressions need of its tree.
    pub(crate) spans: KeptSpans,
    /// The rulebook, or why it cannot be used.
    pub result: Result<Arc<Rulebook>, RulebookError>,
}

impl Loaded {
    /// Parses, resolves and (for a file of a society's own) lints `text`,
    /// read from `source`, as file `id` of a session.
    pub fn load(source: &RulebookSource, id: FileId, text: String) -> Loaded {
        Loaded::load_keeping(source, id, text, Keep::All, Copies::Shared)
    }

    /// [`Loaded::load`], its findings kept in full as `keep` says, its
    /// names' copies living as `copies` says (a session's
    /// [`crate::session::Session::name_copies`]: a rulebook's names are
    /// nearly all distinct, and the process's shared copies, behind a
    /// lock, were a quarter of loading one of 200 000 categories).
    pub fn load_keeping(
        source: &RulebookSource,
        id: FileId,
        text: String,
        keep: Keep,
        copies: Copies,
    ) -> Loaded {
        let file = SourceFile::new(source.display(), text);
        let file = match source {
            RulebookSource::File(path) => file.read_from(path),
            RulebookSource::Builtin(_) => file,
        };
        // A rulebook of many megabytes (every municipality's exchanges
        // written out) is read on every core, as a design is.
        let parsed = parse_in_parts_keeping(id, &file.text, copies, keep.clone());
        if parsed.file.rulebook_header().is_none() {
            return Loaded {
                file,
                findings: Vec::new(),
                hollow: Vec::new(),
                keep,
                spans: KeptSpans::default(),
                result: Err(RulebookError::NotARulebook),
            };
        }
        let mut found = Tally::from_parts(keep.clone(), parsed.diagnostics, parsed.hollow);
        let rb = crate::resolve::resolve_rulebook_tallied(id, &parsed.file, &mut found);
        if let RulebookSource::File(_) = source {
            // A society's own rulebook is linted too; a built-in one is
            // linted only by `rules check`.
            found.extend(crate::rulecheck::check(&rb));
        }
        let (findings, hollow) = found.into_parts();
        let errors = findings.iter().filter(|d| d.is_error()).count()
            + (hollow.iter())
                .filter(|h| h.code.severity() == Severity::Error)
                .count();
        let result = if errors > 0 {
            Err(RulebookError::Broken(errors))
        } else {
            Ok(Arc::new(rb))
        };
        Loaded {
            file,
            findings,
            hollow,
            keep,
            spans: KeptSpans::from(parsed.file),
            result,
        }
    }
}

impl RulebookShelf {
    /// An empty shelf.
    pub fn new() -> RulebookShelf {
        RulebookShelf::default()
    }

    /// The rulebook `text` from `source` gives as file `id`: the one on
    /// the shelf when it was loaded from the same text, else loaded now
    /// and shelved (in place of any other text of the same source).
    pub fn load(&self, source: &RulebookSource, id: FileId, text: String) -> Arc<Loaded> {
        self.load_keeping(source, id, text, Keep::All, Copies::Shared)
    }

    /// [`RulebookShelf::load`], its findings kept in full as `keep` says
    /// (a load that kept otherwise is not taken; a load keeping only some
    /// places is never shelved), its names' copies living as `copies`
    /// says (either way they last as long as the process: a load made
    /// with either is taken).
    pub fn load_keeping(
        &self,
        source: &RulebookSource,
        id: FileId,
        text: String,
        keep: Keep,
        copies: Copies,
    ) -> Arc<Loaded> {
        let same = |kept: &Keep| match (kept, &keep) {
            (Keep::All, Keep::All) | (Keep::Places, Keep::Places) => true,
            (Keep::First(a), Keep::First(b)) => a == b,
            _ => false,
        };
        if let Keep::Only(_) = keep {
            return Arc::new(Loaded::load_keeping(source, id, text, keep, copies));
        }
        let key = (source.clone(), id);
        let shelved = self.lock().get(&key).cloned();
        if let Some(l) = shelved.filter(|l| l.file.text == text && same(&l.keep)) {
            return l;
        }
        // Loaded outside the lock: sessions on other cores load other
        // rulebooks, or take this one, meanwhile. Two sessions that miss
        // at once both load it, and shelve the same thing.
        let loaded = Arc::new(Loaded::load_keeping(source, id, text, keep, copies));
        self.lock().insert(key, loaded.clone());
        loaded
    }

    /// How many loads the shelf holds (one a source and id).
    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().len()
    }

    /// The map. A session that panicked while holding the lock left it
    /// whole (every change is one insert), so the map is used still.
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(RulebookSource, FileId), Arc<Loaded>>> {
        self.loaded.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: &str = "rulebook t \"試験\" revised 2024-12-04\nrole 保険者 self \"自組合\"\n";

    fn file(p: &str) -> RulebookSource {
        RulebookSource::File(p.into())
    }

    #[test]
    fn the_same_text_as_the_same_file_is_loaded_once() {
        let shelf = RulebookShelf::new();
        let a = shelf.load(&file("r.myna"), FileId(1), RULES.into());
        let b = shelf.load(&file("r.myna"), FileId(1), RULES.into());
        assert!(Arc::ptr_eq(&a, &b));
        assert!(a.result.is_ok(), "{:?}", a.findings);
        assert_eq!(shelf.len(), 1);
    }

    #[test]
    fn another_text_id_or_source_is_loaded_again() {
        let shelf = RulebookShelf::new();
        let a = shelf.load(&file("r.myna"), FileId(1), RULES.into());
        let changed = format!("{RULES}role 加入者 \"加入者\"\n");
        let b = shelf.load(&file("r.myna"), FileId(1), changed.clone());
        assert!(!Arc::ptr_eq(&a, &b));
        assert_eq!(b.file.text, changed);
        // The changed text took the old one's place.
        let again = shelf.load(&file("r.myna"), FileId(1), changed);
        assert!(Arc::ptr_eq(&b, &again));
        let c = shelf.load(&file("r.myna"), FileId(2), RULES.into());
        let rb = c.result.as_ref().expect("a rulebook");
        assert_eq!(
            rb.file,
            FileId(2),
            "every span names the id it was loaded as"
        );
        let d = shelf.load(&file("s.myna"), FileId(1), RULES.into());
        assert!(!Arc::ptr_eq(&a, &d));
        assert_eq!(shelf.len(), 3);
    }

    #[test]
    fn a_rulebook_large_enough_to_be_cut_into_parts_loads_as_in_one_pass() {
        // Over a megabyte of categories, a syntax error and a name
        // declared twice deep inside, and a misspelled category's parent.
        let mut text = String::from(RULES);
        for i in 0..40_000 {
            text.push_str(&format!("category 区分{i} : mynumber \"説明{i}\"\n"));
            match i {
                20_000 => text.push_str("category 壊れ \"x\" :\n"),
                30_000 => text.push_str("role 保険者 self \"重複\"\n"),
                35_000 => text.push_str("category 子 : 区分三万 \"y\"\n"),
                _ => {}
            }
        }
        assert!(text.len() > 2 * crate::syntax::split::PART_BYTES);
        let loaded = Loaded::load(&file("r.myna"), FileId(3), text.clone());
        // One pass, as `load` was before large rulebooks were cut.
        let parsed = crate::syntax::parse(FileId(3), &text);
        let mut one_pass = parsed.diagnostics;
        let rb = crate::resolve::resolve_rulebook(FileId(3), &parsed.file, &mut one_pass);
        one_pass.extend(crate::rulecheck::check(&rb));
        let places = |d: &[Diagnostic]| -> Vec<String> {
            d.iter()
                .map(|d| format!("{:?} {:?} {}", d.code, d.primary, d.message.en))
                .collect()
        };
        assert_eq!(places(&loaded.findings), places(&one_pass));
        assert!(loaded.findings.len() >= 3, "{:?}", places(&loaded.findings));
        assert_eq!(
            loaded.result.as_ref().err(),
            Some(&RulebookError::Broken(
                one_pass.iter().filter(|d| d.is_error()).count()
            ))
        );
    }

    #[test]
    fn a_broken_text_or_one_without_a_header_is_shelved_with_why() {
        let shelf = RulebookShelf::new();
        let broken = shelf.load(
            &file("r.myna"),
            FileId(0),
            "rulebook t \"試験\" revised 2024-12-04\nrole\n".into(),
        );
        assert!(matches!(broken.result, Err(RulebookError::Broken(n)) if n > 0));
        assert!(broken.findings.iter().any(|d| d.is_error()));
        let plain = shelf.load(&file("d.myna"), FileId(0), "actor A : 保険者\n".into());
        assert_eq!(
            plain.result.as_ref().err(),
            Some(&RulebookError::NotARulebook)
        );
        assert!(plain.findings.is_empty());
    }
}
