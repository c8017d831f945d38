//! The designs in the client's workspace folders that are not open, for a
//! rename in a rulebook to reach them too: found as `check <folder>`
//! finds designs ([`crate::input::walk`]: no symlink followed, hidden
//! folders and `target` skipped), less those their config's `exclude`
//! leaves out, each read bounded ([`crate::input::read_limited`]) and
//! handed over as text for the same analysis an open document gets.
//! The search is bounded as a whole ([`WorkspaceSearch`]): a workspace
//! folder may be a home folder, and the client waits for the answer.

use crate::config::Config;
use crate::input::{WalkOptions, walk_at_most};
use crate::text;
use crate::text::Text;
use lsp_types::{InitializeParams, Url, WorkspaceFoldersChangeEvent};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// How much of the workspace folders a rename in a rulebook searches for
/// designs that are not open. Each design is read up to the largest
/// document the server analyses ([`super::Config::max_document_bytes`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WorkspaceSearch {
    /// The most folder entries (files, folders, links) read, in all.
    pub entries: usize,
    /// The most designs read and analysed (rulebooks, read to tell them
    /// apart, count only towards `bytes`).
    pub designs: usize,
    /// Once this many bytes of designs have been read, no more are.
    pub bytes: u64,
}

impl Default for WorkspaceSearch {
    /// About a second or two of analyses on a laptop: ten thousand
    /// designs of a project, or a 100 MB national one, are reached; a
    /// home folder given as the workspace is not read to its end.
    fn default() -> Self {
        WorkspaceSearch {
            entries: 100_000,
            designs: 2_000,
            bytes: 256 << 20,
        }
    }
}

/// The folders the client works in: its `workspaceFolders`, else its
/// `rootUri` (a client of LSP before 3.6); those that are no local folder
/// are left out.
pub(super) fn roots(params: &InitializeParams) -> Vec<PathBuf> {
    let folders = (params.workspace_folders.iter().flatten()).map(|f| &f.uri);
    let mut uris: Vec<&Url> = folders.collect();
    if uris.is_empty() {
        #[allow(deprecated)] // The only folder a client before 3.6 gives.
        uris.extend(params.root_uri.as_ref());
    }
    let mut roots = Vec::new();
    add_folders(&mut roots, uris);
    roots
}

/// `roots` after the client added and removed workspace folders
/// (`workspace/didChangeWorkspaceFolders`): a folder removed is no
/// longer a root, one added is (when it is a local folder), each once.
pub(super) fn changed_roots(roots: &mut Vec<PathBuf>, event: &WorkspaceFoldersChangeEvent) {
    let removed: Vec<PathBuf> = (event.removed.iter())
        .filter_map(|f| f.uri.to_file_path().ok())
        .collect();
    roots.retain(|r| !removed.contains(r));
    add_folders(roots, event.added.iter().map(|f| &f.uri));
}

/// Adds to `roots` the local folders among `uris`, kept sorted and each
/// once.
fn add_folders<'u>(roots: &mut Vec<PathBuf>, uris: impl IntoIterator<Item = &'u Url>) {
    roots.extend(
        (uris.into_iter())
            .filter_map(|u| u.to_file_path().ok())
            .filter(|p| p.is_dir()),
    );
    roots.sort();
    roots.dedup();
}

/// Where a search stopped short of the workspace's end, and how far it
/// got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Cut {
    /// The designs read before it stopped.
    pub(super) designs: usize,
    /// The limits it stopped at.
    pub(super) limits: WorkspaceSearch,
}

impl Cut {
    /// What the user is told: the edits reach only the designs searched.
    pub(super) fn text(&self) -> Text {
        let Cut { designs, limits } = *self;
        let WorkspaceSearch {
            entries,
            designs: most,
            bytes,
        } = limits;
        text!(
            "the rename searched {designs} design(s) not open in the workspace folders, and stopped there: a search ends at {entries} folder entries, {most} designs or {bytes} bytes read; a design not searched may still write the old name (`mynaflow check` reports it: MN010)";
            "名前の変更では、ワークスペースフォルダ内の開いていない設計を {designs} 件探したところで打ち切りました。探索は、フォルダの項目 {entries} 個、設計 {most} 件、または読み込み {bytes} バイトで終わります。探していない設計には古い名前が残っているかもしれません (`mynaflow check` が MN010 として報告します)"
        )
    }
}

/// Designs a search found and could not search: the rename may have left
/// the old name in them, and the user is told which.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Unsearched {
    /// Their paths, in the walk's order.
    pub(super) paths: Vec<PathBuf>,
}

/// How many of the designs not searched a warning names; the rest are
/// counted.
const NAMED: usize = 3;

impl Unsearched {
    /// What the user is told, when there is any.
    pub(super) fn text(&self) -> Option<Text> {
        let (first, rest) = self
            .paths
            .split_at_checked(NAMED)
            .unwrap_or((&self.paths, &[]));
        if first.is_empty() {
            return None;
        }
        let named: Vec<String> = (first.iter())
            .map(|p| crate::escape::visible(&p.display().to_string()).into_owned())
            .collect();
        let (named, more) = (named.join(", "), rest.len());
        let (en_more, ja_more) = match more {
            0 => (String::new(), String::new()),
            n => (format!(" and {n} more"), format!(" ほか {n} 件")),
        };
        Some(text!(
            "the rename could not search {named}{en_more}: not readable, larger than the server analyses, not UTF-8, or not analysed; they may still write the old name (`mynaflow check` reports it: MN010)";
            "名前の変更では {named}{ja_more} を探せませんでした (読めない、サーバーが解析する大きさを超える、UTF-8 でない、または解析できないため)。古い名前が残っているかもしれません (`mynaflow check` が MN010 として報告します)"
        ))
    }
}

/// What searching one file found: a design, a rulebook (a `.myna` file
/// too, but not one of the designs [`WorkspaceSearch::designs`] counts:
/// a workspace of many rulebooks must not use up the search before its
/// designs), or neither (it could not be searched).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Searched {
    /// A design, searched.
    Design,
    /// A rulebook, read and passed over.
    Rulebook,
    /// Not searched: its analysis failed.
    Not,
}

/// Hands `each` the designs under `roots` (folders, canonical or not)
/// that are not `open` (canonical paths), in the walk's order (by path),
/// each once: its path as found, and its text (valid UTF-8, a BOM left
/// out); `each` says what it found there ([`Searched`]). A design the config
/// found for it excludes is passed over; one that cannot be read, is
/// larger than `max_bytes` or is not UTF-8 (the rename cannot bind it to
/// the rulebook), or that `each` could not search, is listed in
/// [`Unsearched`]. Says where the search stopped short
/// ([`WorkspaceSearch`]), if it did.
pub(super) fn designs(
    roots: &[PathBuf],
    open: &HashSet<PathBuf>,
    (limits, max_bytes): (WorkspaceSearch, u64),
    mut each: impl FnMut(&Path, String) -> Searched,
) -> (Option<Cut>, Unsearched) {
    let mut unsearched = Unsearched::default();
    if roots.is_empty() {
        return (None, unsearched);
    }
    let walked = walk_at_most(roots, WalkOptions::default(), limits.entries);
    let inside: Vec<PathBuf> = roots
        .iter()
        .map(|r| super::analysis::canonical(r))
        .collect();
    // The config of each folder a design is in, found once.
    let mut configs: HashMap<PathBuf, Option<Config>> = HashMap::new();
    let mut seen = HashSet::new();
    let (mut designs, mut bytes) = (0, 0u64);
    for path in walked.files {
        let key = super::analysis::canonical(&path);
        // Through nested workspace folders, a design is found twice; a
        // file the walk found that now leads outside the folders (swapped
        // for a link since) is not read.
        if open.contains(&key) || !seen.insert(key.clone()) {
            continue;
        }
        if !inside.iter().any(|r| key.starts_with(r)) {
            continue;
        }
        let folder = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let config = configs
            .entry(folder)
            .or_insert_with(|| super::analysis::config_for(&path, roots).ok().flatten());
        if config.as_ref().is_some_and(|c| c.excludes(&path)) {
            continue;
        }
        if designs >= limits.designs || bytes >= limits.bytes {
            return (Some(Cut { designs, limits }), unsearched);
        }
        // A file the walk found is a regular one: its size says it is too
        // large before any of it is read (the read stays bounded if it
        // grew since).
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.len() > max_bytes) {
            unsearched.paths.push(path);
            continue;
        }
        let Ok(read) = crate::input::read_limited(&path, max_bytes) else {
            unsearched.paths.push(path);
            continue;
        };
        // Every file read counts towards the bytes; only designs towards
        // the designs.
        bytes = bytes.saturating_add(read.len() as u64);
        let Ok(mut text) = crate::source::utf8_owned(read) else {
            designs += 1;
            unsearched.paths.push(path);
            continue;
        };
        // An editor's buffer holds no BOM: the edits count from after it.
        if text.starts_with('\u{feff}') {
            text.drain(..'\u{feff}'.len_utf8());
        }
        match each(&path, text) {
            Searched::Design => designs += 1,
            Searched::Rulebook => {}
            Searched::Not => {
                designs += 1;
                unsearched.paths.push(path);
            }
        }
    }
    (walked.cut.then_some(Cut { designs, limits }), unsearched)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The workspace folders are the client's `workspaceFolders`, else
    /// its `rootUri`; a URI that is no local folder is none.
    #[test]
    fn the_roots_are_the_workspace_folders_else_the_root_uri() {
        let d = tempfile::tempdir().unwrap();
        let (a, b) = (d.path().join("a"), d.path().join("b"));
        std::fs::create_dir_all(&a).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        let url = |p: &Path| Url::from_file_path(p).unwrap();
        let params =
            |v: serde_json::Value| -> InitializeParams { serde_json::from_value(v).unwrap() };
        let folders = json!([{"uri": url(&b), "name": "b"}, {"uri": "https://example.com/", "name": "web"},
                             {"uri": url(&d.path().join("gone")), "name": "gone"}]);
        let both =
            params(json!({"capabilities": {}, "workspaceFolders": folders, "rootUri": url(&a)}));
        assert_eq!(roots(&both), [b]);
        let root =
            params(json!({"capabilities": {}, "workspaceFolders": null, "rootUri": url(&a)}));
        assert_eq!(roots(&root), [a]);
        let none = params(json!({"capabilities": {}}));
        assert!(roots(&none).is_empty());
    }

    /// Folders added become roots once each; folders removed stop being
    /// roots; a removed folder that was never a root, or an added one
    /// that is no local folder, changes nothing.
    #[test]
    fn roots_follow_the_folders_the_client_adds_and_removes() {
        let d = tempfile::tempdir().unwrap();
        let (a, b, c) = (d.path().join("a"), d.path().join("b"), d.path().join("c"));
        for f in [&a, &b, &c] {
            std::fs::create_dir_all(f).unwrap();
        }
        let folder = |p: &Path| json!({"uri": Url::from_file_path(p).unwrap(), "name": "f"});
        let event = |added: serde_json::Value, removed: serde_json::Value| {
            let e = json!({"added": added, "removed": removed});
            serde_json::from_value::<WorkspaceFoldersChangeEvent>(e).unwrap()
        };
        let mut roots = vec![a.clone(), b.clone()];
        let web = json!({"uri": "https://example.com/", "name": "web"});
        changed_roots(
            &mut roots,
            &event(json!([folder(&c), folder(&a), web]), json!([folder(&b)])),
        );
        assert_eq!(roots, [a.clone(), c.clone()]);
        let gone = d.path().join("gone");
        changed_roots(
            &mut roots,
            &event(json!([folder(&gone)]), json!([folder(&gone)])),
        );
        assert_eq!(roots, [a, c]);
    }

    /// The designs not searched are named, the first three, and the rest
    /// counted; none, nothing is said.
    #[test]
    fn the_designs_not_searched_are_named_then_counted() {
        assert_eq!(Unsearched::default().text(), None);
        let paths = |n: usize| Unsearched {
            paths: (1..=n)
                .map(|i| PathBuf::from(format!("d/{i}.myna")))
                .collect(),
        };
        let three = paths(3).text().expect("said");
        assert!(
            three.en.contains("search d/1.myna, d/2.myna, d/3.myna: "),
            "{}",
            three.en
        );
        let five = paths(5).text().expect("said");
        assert!(five.en.contains("d/3.myna and 2 more: "), "{}", five.en);
        assert!(five.ja.contains("d/3.myna ほか 2 件 を"), "{}", five.ja);
        assert!(!five.en.contains("4.myna"), "{}", five.en);
    }
}
