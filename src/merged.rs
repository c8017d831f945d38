//! The findings of several sessions as one report: a run whose designs
//! follow different `mynaflow.toml` files checks each group in a session
//! of its own, and writes one output. Each session's files join one
//! [`SourceMap`] (a file two sessions read alike, a rulebook both use, is
//! one file there), each finding's spans are renamed to it, and the
//! findings are sorted as one session sorts its own.

use crate::diagnostic::Diagnostic;
use crate::source::SourceMap;
use crate::span::{FileId, Span};
use std::collections::HashMap;

/// The files of the sessions joined so far.
#[derive(Default)]
pub struct Merged {
    /// Every file, each once.
    pub sources: SourceMap,
    /// The files by name, to find one already there.
    by_name: HashMap<String, Vec<FileId>>,
}

/// Where each file of one session is in the merged map, by its id there.
pub struct Ids(Vec<FileId>);

impl Merged {
    /// No file yet.
    pub fn new() -> Merged {
        Merged::default()
    }

    /// Adds the files of `sources` (one already there under the same
    /// name with the same text is taken as it is), and gives where each
    /// is now.
    pub fn absorb(&mut self, sources: &SourceMap) -> Ids {
        let mut ids = Vec::new();
        for (id, f) in sources.iter() {
            let same = (self.by_name.get(&f.name).into_iter().flatten())
                .copied()
                .find(|&known| self.sources.get(known).text == f.text);
            let at = match (same, sources.shared(id)) {
                (Some(known), _) => known,
                (None, Some(shared)) => {
                    let at = self.sources.add_shared(shared);
                    self.by_name.entry(f.name.clone()).or_default().push(at);
                    at
                }
                // Not reached: every id `iter` gives is in the map.
                (None, None) => FileId(u32::MAX),
            };
            ids.push(at);
        }
        Ids(ids)
    }
}

impl Ids {
    /// A file's id in the merged map.
    pub fn file(&self, id: FileId) -> FileId {
        self.0.get(id.0 as usize).copied().unwrap_or(id)
    }

    /// A span in the merged map.
    pub fn span(&self, span: Span) -> Span {
        Span {
            file: self.file(span.file),
            ..span
        }
    }

    /// Renames every span of a finding (its place, its labels, its
    /// fixes' edits) to the merged map.
    pub fn diagnostic(&self, d: &mut Diagnostic) {
        d.primary = self.span(d.primary);
        for l in &mut d.labels {
            l.span = self.span(l.span);
        }
        for f in &mut d.fixes {
            for e in &mut f.edits {
                e.span = self.span(e.span);
            }
        }
    }
}

/// Sorts findings into the order every report has, by file name (as a
/// path: [`file_order`]), then [`crate::diagnostic::order`], exact
/// duplicates dropped: one session's own
/// ([`crate::session::Session::take_sorted_diagnostics`]), and several
/// sessions' renamed to `sources`, the same bytes whatever the order in
/// which the sessions were joined.
pub fn sort(sources: &SourceMap, d: &mut Vec<Diagnostic>) {
    use rayon::prelude::*;
    let rank = file_order(sources);
    let rank_of = |d: &Diagnostic| rank.get(d.primary.file.0 as usize).copied();
    d.par_sort_by(|a, b| {
        rank_of(a)
            .cmp(&rank_of(b))
            .then_with(|| crate::diagnostic::order(a, b))
    });
    d.dedup();
}

/// Each file's place (by [`FileId`]) when the files are ordered by name
/// compared as paths, a folder at a time, as a folder's designs are
/// walked and `coverage` and `report` list them: `designs/a.myna` before
/// `designs-old.myna` (compared as text, `-` comes before `/`, and the
/// findings of `check` came in another order than the designs of
/// `coverage`); files of one name by id.
pub fn file_order(sources: &SourceMap) -> Vec<usize> {
    let names: Vec<&str> = sources.iter().map(|(_, f)| f.name.as_str()).collect();
    let mut ids: Vec<usize> = (0..names.len()).collect();
    ids.sort_by(|&a, &b| {
        (std::path::Path::new(names[a]), a).cmp(&(std::path::Path::new(names[b]), b))
    });
    let mut rank = vec![0; names.len()];
    for (place, id) in ids.into_iter().enumerate() {
        rank[id] = place;
    }
    rank
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    fn map(files: &[(&str, &str)]) -> SourceMap {
        let mut m = SourceMap::new();
        for (name, text) in files {
            m.add(SourceFile::new(*name, *text));
        }
        m
    }

    /// Files are ordered as paths, a folder at a time, and findings with
    /// them: a folder's designs before a file whose name only starts as
    /// the folder's does.
    #[test]
    fn files_are_ordered_as_paths() {
        let m = map(&[
            ("designs-old.myna", "x"),
            ("designs/b.myna", "x"),
            ("designs/a.myna", "x"),
            ("designs.myna", "x"),
        ]);
        assert_eq!(file_order(&m), vec![2, 1, 0, 3]);
        let at = |file: u32| {
            crate::diagnostic::Diagnostic::new(
                crate::code::Code::MN001,
                Span {
                    file: FileId(file),
                    start: 0,
                    end: 1,
                },
                crate::text::Text::new("m", "m"),
            )
        };
        let mut d = vec![at(0), at(1), at(2), at(3)];
        sort(&m, &mut d);
        let files: Vec<u32> = d.iter().map(|d| d.primary.file.0).collect();
        assert_eq!(files, vec![2, 1, 0, 3]);
    }

    #[test]
    fn a_file_two_sessions_read_alike_is_one_file() {
        let mut m = Merged::new();
        let a = m.absorb(&map(&[("<builtin>/kenpo.myna", "k"), ("a.myna", "x")]));
        let b = m.absorb(&map(&[("<builtin>/kenpo.myna", "k"), ("b.myna", "y")]));
        assert_eq!(a.file(FileId(0)), b.file(FileId(0)));
        assert_eq!(b.file(FileId(1)), FileId(2));
        assert_eq!(m.sources.iter().count(), 3);
        // The same name with another text stays apart.
        let c = m.absorb(&map(&[("a.myna", "changed")]));
        assert_eq!(c.file(FileId(0)), FileId(3));
    }
}
