//! Canonical paths (absolute, symlinks resolved) for one run of a command,
//! without resolving every component of every file's path again.
//!
//! `std::fs::canonicalize` (the C library's `realpath`) asks the system
//! about each component of the path: a file N folders deep costs N
//! lookups, each walking up to N components, so N nested folders with a
//! design each cost N³ (the scale audit's D5: 1 000 folders, 27–99 s).
//! Here a folder that is not a symlink is its parent's canonical path
//! joined with its name; folders are remembered for the run, so each is
//! looked at once, and a file costs one `lstat` of its own. A path with
//! a symlink in it (or `.`/`..` past its start) is left to
//! `std::fs::canonicalize`, as before, so links resolve exactly as they did.
//!
//! Folders are remembered only between [`remember_folders`] and the end of
//! the process: a command run once, whose folders are taken as they were
//! when it started. The language server, which lives across edits, never
//! turns it on and resolves every path afresh.

use std::collections::HashMap;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

static REMEMBER: AtomicBool = AtomicBool::new(false);
/// System calls spent resolving paths (a full resolution counts one per
/// component, as `realpath` asks one per component).
static LOOKUPS: AtomicUsize = AtomicUsize::new(0);

fn folders() -> &'static Mutex<HashMap<PathBuf, PathBuf>> {
    static FOLDERS: OnceLock<Mutex<HashMap<PathBuf, PathBuf>>> = OnceLock::new();
    FOLDERS.get_or_init(|| Mutex::new(HashMap::new()))
}

/// From now on, remember each folder's canonical path for the rest of the
/// process: for a command that runs once over folders that do not move
/// while it runs.
pub fn remember_folders() {
    REMEMBER.store(true, Ordering::Relaxed);
}

/// How many system calls path resolution has made so far (a full
/// `realpath` counted as one per component): what the tests hold to
/// linear in the number of folders.
pub fn lookups() -> usize {
    LOOKUPS.load(Ordering::Relaxed)
}

/// [`canonicalize`], or `path` as given when it cannot be resolved (it
/// is not there): the one key a run looks a file up by, whoever asks
/// (the session's rulebook texts, `check --fix --diff` filling them).
pub fn canonical_or_as_given(path: &Path) -> PathBuf {
    canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// `path` absolute, with every symlink resolved, as `std::fs::canonicalize`
/// gives it (the same errors for a path that is not there), at the cost of
/// one `lstat` per file once its folder is known.
pub fn canonicalize(path: &Path) -> io::Result<PathBuf> {
    if !REMEMBER.load(Ordering::Relaxed) {
        return full(path);
    }
    let Some(abs) = plain_absolute(path) else {
        return full(path);
    };
    resolve(&abs)
}

/// `std::fs::canonicalize`, counted.
fn full(path: &Path) -> io::Result<PathBuf> {
    LOOKUPS.fetch_add(path.components().count().max(1), Ordering::Relaxed);
    std::fs::canonicalize(path)
}

/// `path` made absolute from the current folder (which the system keeps
/// canonical), with a leading `./` taken off; None for a path with `.`
/// or `..` after its start, which only a full resolution reads right
/// (`link/..` is the parent of the link's target).
fn plain_absolute(path: &Path) -> Option<PathBuf> {
    let mut parts = path.components().peekable();
    while parts.peek() == Some(&Component::CurDir) {
        parts.next();
    }
    let rest: PathBuf = parts.collect();
    if (rest.components()).any(|c| matches!(c, Component::CurDir | Component::ParentDir)) {
        return None;
    }
    if rest.is_absolute() {
        return Some(rest);
    }
    LOOKUPS.fetch_add(1, Ordering::Relaxed);
    let cwd = std::env::current_dir().ok()?;
    Some(cwd.join(rest))
}

/// The canonical path of the plain absolute path `abs`.
fn resolve(abs: &Path) -> io::Result<PathBuf> {
    // The nearest folder above that is known; the ones below it are
    // resolved downwards, each once.
    let mut pending: Vec<&Path> = Vec::new();
    let mut known: Option<PathBuf> = None;
    {
        let map = folders().lock().unwrap_or_else(|e| e.into_inner());
        for a in abs.ancestors() {
            if let Some(k) = map.get(a) {
                known = Some(k.clone());
                break;
            }
            pending.push(a);
        }
    }
    let mut at = match known {
        Some(k) => k,
        None => match pending.pop() {
            // The root (or a prefix such as `C:\`) is its own canonical path.
            Some(root) => root.to_path_buf(),
            None => return full(abs),
        },
    };
    while let Some(p) = pending.pop() {
        LOOKUPS.fetch_add(1, Ordering::Relaxed);
        let meta = std::fs::symlink_metadata(p)?;
        at = if meta.file_type().is_symlink() {
            // A link resolves as it always did; what it leads to is a
            // folder (or file) like any other from here on.
            full(p)?
        } else {
            match p.file_name() {
                Some(name) => at.join(name),
                None => full(p)?,
            }
        };
        // Only folders are remembered: a file swapped for a link between
        // two questions about it is seen as one.
        if meta.is_dir() {
            let mut map = folders().lock().unwrap_or_else(|e| e.into_inner());
            map.insert(p.to_path_buf(), at.clone());
        }
    }
    Ok(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    // The remembering path, without turning it on for the other tests of
    // this process (some swap folders for links).
    fn canonicalize(p: &Path) -> io::Result<PathBuf> {
        match plain_absolute(p) {
            Some(abs) => resolve(&abs),
            None => full(p),
        }
    }

    #[test]
    fn nested_folders_cost_linear_lookups_and_agree_with_std() {
        let d = tempfile::tempdir().expect("temp");
        let mut dir = d.path().to_path_buf();
        let mut files = Vec::new();
        for _ in 0..200 {
            std::fs::write(dir.join("x.myna"), "").expect("write");
            files.push(dir.join("x.myna"));
            dir = dir.join("a");
            std::fs::create_dir(&dir).expect("mkdir");
        }
        let before = lookups();
        for f in &files {
            let ours = canonicalize(f).expect("there");
            assert_eq!(ours, std::fs::canonicalize(f).expect("there"));
        }
        // Each folder once, each file once, and the temp folder's own
        // components (the other test may add a few): nowhere near the
        // 200 × 100 a full resolution of each file costs.
        let spent = lookups() - before;
        assert!(spent < 3 * files.len() + 200, "{spent} lookups");
    }

    #[cfg(unix)]
    #[test]
    fn links_and_dots_resolve_as_std_does() {
        let d = tempfile::tempdir().expect("temp");
        let root = d.path();
        std::fs::create_dir_all(root.join("real/sub")).expect("mkdir");
        std::fs::write(root.join("real/sub/x.myna"), "").expect("write");
        std::os::unix::fs::symlink(root.join("real"), root.join("link")).expect("link");
        std::os::unix::fs::symlink(root.join("real/sub/x.myna"), root.join("f.myna"))
            .expect("link");
        for p in [
            "link/sub/x.myna",
            "link/sub",
            "f.myna",
            "link/../real/sub",
            "real/sub/x.myna",
        ] {
            let p = root.join(p);
            assert_eq!(
                canonicalize(&p).ok(),
                std::fs::canonicalize(&p).ok(),
                "{p:?}"
            );
        }
        assert!(canonicalize(&root.join("nope/x.myna")).is_err());
        // A file that turns into a link is seen as one: files are not remembered.
        let f = root.join("real/sub/x.myna");
        let _ = canonicalize(&f);
        std::fs::remove_file(&f).expect("rm");
        std::os::unix::fs::symlink(root.join("f.myna"), &f).expect("link");
        let _ = std::fs::remove_file(root.join("f.myna"));
        std::fs::write(root.join("f.myna"), "").expect("write");
        assert_eq!(
            canonicalize(&f).ok(),
            Some(root.join("f.myna").canonicalize().expect("x"))
        );
    }
}
