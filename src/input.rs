//! Reading input from disk as an untrusted pull request may have laid it
//! out: bounded reads, no FIFOs or devices, no symlinks out of the tree.
//!
//! Every file the tool reads (designs, rulebooks, `mynaflow.toml`,
//! baselines) goes through [`read_limited`]: the size limit is enforced
//! while reading, because `metadata().len()` is 0 for `/dev/zero`, FIFOs
//! and `/proc` files. Folder walks ([`walk`]) skip symlinks unless asked,
//! and then never leave the folder they started in.

use std::collections::HashSet;
use std::fs::File;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// Files larger than this are refused rather than read.
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// Opens `path` for reading without blocking (a FIFO with no writer would
/// hang a plain `open`), then refuses anything that is not a regular file,
/// judged on the opened handle so the file cannot be swapped in between.
fn open_regular(path: &Path) -> std::io::Result<Result<File, &'static str>> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let file = options.open(path)?;
    let ty = file.metadata()?.file_type();
    if ty.is_file() {
        return Ok(Ok(file));
    }
    Ok(Err(kind_of(ty)))
}

/// What a file that is not a regular file is, for the refusal.
fn kind_of(ty: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ty.is_fifo() {
            return "a FIFO";
        }
        if ty.is_char_device() || ty.is_block_device() {
            return "a device";
        }
        if ty.is_socket() {
            return "a socket";
        }
    }
    if ty.is_dir() {
        "a folder"
    } else {
        "not a regular file"
    }
}

/// Reads at most `limit` bytes of a regular file. The error names the file
/// and says why, and never holds any of its content.
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, String> {
    let shown = crate::escape::visible(&path.display().to_string()).into_owned();
    let file = match open_regular(path) {
        Ok(Ok(f)) => f,
        Ok(Err(kind)) => return Err(format!("{shown}: {kind}, not a file; not read")),
        Err(e) => return Err(format!("{shown}: {e}")),
    };
    // The size the file reports only sizes the buffer (one allocation, no
    // copies as it grows); the limit is enforced while reading.
    let hint = file.metadata().map_or(0, |m| m.len()).min(limit);
    let mut bytes = Vec::with_capacity(usize::try_from(hint).unwrap_or(0).saturating_add(1));
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{shown}: {e}"))?;
    if bytes.len() as u64 > limit {
        return Err(format!("{shown}: larger than {limit} bytes; not read"));
    }
    Ok(bytes)
}

/// Reads at most `limit` bytes from `r`; more is an error, found by reading
/// one byte past the limit, never by trusting a size reported in advance.
pub fn read_bounded(r: impl Read, limit: u64) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    r.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > limit {
        return Err(format!("larger than {} bytes; not read", limit));
    }
    Ok(bytes)
}

/// `path` made absolute and resolved: symlinks followed where it exists,
/// `.` and `..` removed by hand where it does not.
pub fn resolved(path: &Path) -> PathBuf {
    if let Ok(p) = std::fs::canonicalize(path) {
        return p;
    }
    let abs = match std::env::current_dir() {
        Ok(cwd) if path.is_relative() => cwd.join(path),
        _ => path.to_path_buf(),
    };
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Is `path` (resolved, symlinks followed) inside one of `roots`?
pub fn is_inside(path: &Path, roots: &[PathBuf]) -> bool {
    let p = resolved(path);
    roots.iter().any(|r| p.starts_with(resolved(r)))
}

/// How a folder walk treats symlinks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WalkOptions {
    /// Follow symlinks to files and folders inside the folder walked
    /// (never to outside it). Off by default: a symlink is skipped.
    pub follow_symlinks: bool,
}

/// What a walk found: the files, and the problems (an unreadable folder,
/// a symlink pointing outside the tree), each naming its path.
#[derive(Debug, Default)]
pub struct Walked {
    /// The `.myna` files, sorted, without duplicates.
    pub files: Vec<PathBuf>,
    /// One line per problem; the walk went on past each.
    pub problems: Vec<String>,
}

/// The `.myna` files under `paths`: a file named is taken as given; a
/// folder is searched recursively, skipping hidden folders and `target`.
pub fn walk(paths: &[PathBuf], options: WalkOptions) -> Walked {
    let mut w = Walked::default();
    for p in paths {
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => {
                let root = resolved(p);
                let mut seen = HashSet::new();
                seen.insert(root.clone());
                walk_dir(p, &root, options, &mut seen, &mut w);
            }
            Ok(_) => w.files.push(p.clone()),
            Err(e) => w.problems.push(format!("{}: {e}", shown(p))),
        }
    }
    w.files.sort();
    w.files.dedup();
    w
}

fn shown(p: &Path) -> String {
    crate::escape::visible(&p.display().to_string()).into_owned()
}

/// Adds the `.myna` files of `dir` and its sub-folders. `seen` holds the
/// resolved folders already walked, so symlinked folders cannot loop.
fn walk_dir(
    dir: &Path,
    root: &Path,
    options: WalkOptions,
    seen: &mut HashSet<PathBuf>,
    w: &mut Walked,
) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            w.problems.push(format!("{}: {e}", shown(dir)));
            return;
        }
    };
    let mut entries: Vec<_> = entries
        .filter_map(|e| match e {
            Ok(e) => Some(e),
            Err(err) => {
                w.problems.push(format!("{}: {err}", shown(dir)));
                None
            }
        })
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        let name = e.file_name();
        let name = name.to_string_lossy();
        let Ok(mut ty) = e.file_type() else {
            w.problems
                .push(format!("{}: cannot tell its type", shown(&path)));
            continue;
        };
        if ty.is_symlink() {
            if !options.follow_symlinks {
                continue;
            }
            let target = resolved(&path);
            if !target.starts_with(root) {
                w.problems.push(format!(
                    "{}: a symlink to outside {}; not followed",
                    shown(&path),
                    shown(root)
                ));
                continue;
            }
            match std::fs::metadata(&path) {
                Ok(m) => ty = m.file_type(),
                // A dangling link: nothing to check.
                Err(_) => continue,
            }
        }
        if ty.is_dir() {
            if !name.starts_with('.') && name != "target" && seen.insert(resolved(&path)) {
                walk_dir(&path, root, options, seen, w);
            }
        } else if ty.is_file() && path.extension().is_some_and(|x| x == "myna") {
            w.files.push(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_up_to_the_limit_and_no_more() {
        assert_eq!(read_bounded(&b"abc"[..], 3).unwrap(), b"abc");
        assert!(read_bounded(&b"abcd"[..], 3).is_err());
        // An endless reader stops one byte past the limit.
        assert!(read_bounded(std::io::repeat(0), 1000).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_folders_are_refused_by_name_without_content() {
        let e = read_limited(Path::new("/dev/zero"), 10).unwrap_err();
        assert!(e.contains("/dev/zero") && e.contains("device"), "{e}");
        let e = read_limited(Path::new("/"), 10).unwrap_err();
        assert!(e.contains("folder"), "{e}");
    }

    #[test]
    fn resolved_removes_dots_of_missing_paths() {
        let p = resolved(Path::new("/no/such/../dir/./x"));
        assert_eq!(p, PathBuf::from("/no/dir/x"));
        assert!(is_inside(Path::new("/no/dir/x"), &[PathBuf::from("/no")]));
        assert!(!is_inside(
            Path::new("/no/../etc/passwd"),
            &[PathBuf::from("/no")]
        ));
    }
}
