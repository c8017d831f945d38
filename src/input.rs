//! Reading input from disk as an untrusted pull request may have laid it
//! out: bounded reads, no FIFOs or devices, no symlinks out of the tree.
//!
//! Every file the tool reads (designs, rulebooks, `mynaflow.toml`,
//! baselines) goes through [`read_limited`]: the size limit is enforced
//! while reading, because `metadata().len()` is 0 for `/dev/zero`, FIFOs
//! and `/proc` files. Folder walks ([`walk`]) follow symlinks only when
//! asked, and then never leave the folder they started in; a link they do
//! not follow that may lead to designs is listed, never passed over in
//! silence, so that no link in a pull request can take a design out of
//! the check.

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

/// What is at a path, judged without following it (`symlink_metadata`),
/// when it is not a regular file: `a symlink`, or what `kind_of` says.
/// None for a regular file.
pub fn not_regular(meta: &std::fs::Metadata) -> Option<&'static str> {
    let ty = meta.file_type();
    if ty.is_symlink() {
        Some("a symlink")
    } else if ty.is_file() {
        None
    } else {
        Some(kind_of(ty))
    }
}

/// [`not_regular`] for a file's `st_mode`, as `fstatat` gives it where
/// std has no `Metadata` (the search for a `mynaflow.toml`, in a folder it
/// holds open): the same words for the same kinds.
#[cfg(unix)]
pub fn not_regular_mode(mode: libc::mode_t) -> Option<&'static str> {
    match mode & libc::S_IFMT {
        libc::S_IFREG => None,
        libc::S_IFLNK => Some("a symlink"),
        libc::S_IFIFO => Some("a FIFO"),
        libc::S_IFCHR | libc::S_IFBLK => Some("a device"),
        libc::S_IFSOCK => Some("a socket"),
        libc::S_IFDIR => Some("a folder"),
        _ => Some("not a regular file"),
    }
}

/// Reads standard input to its end: at most `limit` bytes, and one more
/// when there are more (the caller refuses a larger input). Sized first
/// when standard input is a regular file (`check - < design.myna`): grown
/// as it was read, a 110 MB design was copied each time the buffer
/// doubled, and held in 128 MiB.
pub fn read_stdin_limited(limit: u64) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    match stdin_remaining() {
        Some(size) => bytes.reserve_exact(
            usize::try_from(size.min(limit))
                .unwrap_or(0)
                .saturating_add(1),
        ),
        // A pipe has no size to read first. Room for the largest input
        // allowed is asked for at once: only the pages the text is read
        // into are ever touched, where a buffer doubling as it filled
        // touched twice the text's size and copied it. A system that will
        // not promise that much (no overcommit) gets the doubling.
        None => {
            let _ = bytes.try_reserve_exact(usize::try_from(limit).unwrap_or(0).saturating_add(1));
        }
    }
    std::io::stdin()
        .lock()
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// How many bytes standard input holds from where it stands, when it is a
/// regular file; None for a pipe, a terminal or anything else.
fn stdin_remaining() -> Option<u64> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        let mut file = File::from(std::io::stdin().as_fd().try_clone_to_owned().ok()?);
        let meta = file.metadata().ok()?;
        if !meta.is_file() {
            return None;
        }
        let at = std::io::Seek::stream_position(&mut file).ok()?;
        Some(meta.len().saturating_sub(at))
    }
    #[cfg(not(unix))]
    {
        None
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
    let bytes = read_to_limit(file, hint, limit).map_err(|e| format!("{shown}: {e}"))?;
    if bytes.len() as u64 > limit {
        return Err(format!("{shown}: larger than {limit} bytes; not read"));
    }
    Ok(bytes)
}

/// Reads `file` to its end or to one byte past `limit`, whichever comes
/// first; `hint` is the size it reported, at most `limit`. A large file's
/// first `hint` bytes are read in parts on every core: most of reading
/// 100 MB is the kernel zeroing the fresh pages it copies them into, one
/// core's work when one `read` does it.
fn read_to_limit(mut file: File, hint: u64, limit: u64) -> std::io::Result<Vec<u8>> {
    let size = usize::try_from(hint).unwrap_or(0);
    let mut bytes = Vec::new();
    let mut read = 0;
    if size >= PARALLEL_READ_BYTES
        && let Some(first) = read_in_parts(&file, size)?
    {
        bytes = first;
        read = hint;
    }
    if bytes.is_empty() {
        bytes.reserve_exact(size.saturating_add(1));
    }
    // The rest, if the file grew or was larger than the limit: read from
    // where the parts ended, up to one byte past the limit.
    std::io::Seek::seek(&mut file, std::io::SeekFrom::Start(read))?;
    file.take(limit.saturating_add(1).saturating_sub(read))
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Files this large are read in parts (on Unix).
const PARALLEL_READ_BYTES: usize = 8 << 20;

/// How many bytes each part of a large file's read reads.
const READ_PART_BYTES: usize = 4 << 20;

/// The first `size` bytes of `file`, read in parts of
/// [`READ_PART_BYTES`] on every core; `None` when the file turns out
/// shorter (it shrank since it reported its size: then it is read in
/// one pass from the start), or where parts cannot be read at offsets.
fn read_in_parts(file: &File, size: usize) -> std::io::Result<Option<Vec<u8>>> {
    #[cfg(unix)]
    {
        use rayon::prelude::*;
        use std::os::unix::fs::FileExt;
        // Zeroed by the allocator asking the system for fresh pages, not
        // by writing them: each part's thread touches its own first.
        let mut bytes = vec![0u8; size];
        let read = bytes
            .par_chunks_mut(READ_PART_BYTES)
            .enumerate()
            .try_for_each(|(i, part)| {
                let at = i.saturating_mul(READ_PART_BYTES) as u64;
                file.read_exact_at(part, at)
            });
        match read {
            Ok(()) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Ok(None),
            Err(e) => Err(e),
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (file, size);
        Ok(None)
    }
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

/// How findings and messages name the file at `path`: as the path is
/// spelled, less a leading `./` and any `.` or empty part inside it, but
/// for a name that would then start with `:`, which keeps (or gets) its
/// `./` ([`crate::escape::safe_name`]).
///
/// A folder walk of `.` gives `./a.myna`, and a design's `use "r.myna"`
/// joined to that design's folder gives `./r.myna`; both must read as
/// `check a.myna` names them (`a.myna`, `r.myna`), or one file is shown
/// under two names, sorted apart, and MN013 quotes a path the design never
/// wrote. `..` is kept: with symlinks, `a/../b` need not be `b`.
pub fn display_name(path: &Path) -> String {
    let mut parts = path.components().peekable();
    // A lone `.` (no file after it) stays as written.
    if parts.peek() == Some(&Component::CurDir) && path.components().count() > 1 {
        parts.next();
    }
    let shown: PathBuf = parts.collect();
    if shown.as_os_str().is_empty() {
        return path.display().to_string();
    }
    // `./::add-mask::x.myna` stays so: a line that starts with the name
    // must not start with `::`.
    crate::escape::safe_name(&shown.display().to_string()).into_owned()
}

/// A file's name as [`display_name`] gives it, with each `folder/..`
/// taken out where `folder` is a folder and not a symlink: there its `..`
/// is the folder it lies in, so `designs/../rules/r.myna` (a design's
/// `use "../rules/r.myna"`) is the file `rules/r.myna`. Through a symlink
/// `..` leads to the parent of the link's target, somewhere the name does
/// not say, so it is kept, as is a `..` at the start, after another, or
/// after a name that is not there. Nothing is resolved: the name stays
/// relative if it was. Relative names are looked up from the current
/// folder, as the files were read.
pub fn tidy_name(name: &str) -> std::borrow::Cow<'_, str> {
    if !name.contains("..") {
        return std::borrow::Cow::Borrowed(name);
    }
    let mut out = PathBuf::new();
    // Names at the end of `out` that a `..` may take out.
    let mut names = 0usize;
    for c in Path::new(name).components() {
        match c {
            Component::ParentDir
                if names > 0
                    && std::fs::symlink_metadata(&out).is_ok_and(|m| m.file_type().is_dir()) =>
            {
                out.pop();
                names -= 1;
            }
            Component::CurDir => {}
            Component::Normal(_) => {
                out.push(c);
                names += 1;
            }
            other => {
                out.push(other);
                names = 0;
            }
        }
    }
    if out.as_os_str().is_empty() {
        return std::borrow::Cow::Borrowed(".");
    }
    std::borrow::Cow::Owned(out.display().to_string())
}

/// `path` made absolute and resolved: symlinks followed where it exists,
/// `.` and `..` removed by hand where it does not.
pub fn resolved(path: &Path) -> PathBuf {
    if let Ok(p) = crate::canonical::canonicalize(path) {
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
    /// List the design-looking files in the folders the walk does not
    /// enter (hidden ones, `target`) in [`Walked::skipped`], and the files
    /// whose name only looks like a design's in those it enters in
    /// [`Walked::lookalikes`], so that the run can say what it did not
    /// check. Off by default (the language server's bounded walk does not
    /// look for them).
    pub list_skipped: bool,
}

/// What a walk found: the files, the problems (an unreadable folder, a
/// symlink pointing outside the tree, a `.myna` that is a FIFO), each
/// naming its path, and the symlinks it did not follow.
#[derive(Debug, Default)]
pub struct Walked {
    /// The `.myna` files, sorted, without duplicates.
    pub files: Vec<PathBuf>,
    /// One line per problem; the walk went on past each.
    pub problems: Vec<String>,
    /// The symlinks met in folders and not followed (symlinks not asked
    /// for) that may lead to designs: one named `*.myna`, or one to a
    /// folder the walk would have entered; and a file named that is a
    /// symlink. What they lead to was not
    /// looked at; the caller says so (a check fails: a design replaced by
    /// a link must not pass unchecked).
    pub not_followed: Vec<PathBuf>,
    /// Did the walk stop at its most entries ([`walk_at_most`]), with
    /// folders left unread?
    pub cut: bool,
    /// Design-looking entries ([`is_design_name`]) in the folders the walk
    /// does not enter (hidden folders, `target`), sorted, when
    /// [`WalkOptions::list_skipped`] asks for them: not checked, and the
    /// run says so. A version control system's own folder (`.git`, `.hg`,
    /// `.svn`) is not looked in: it holds no checked-out file.
    pub skipped: Vec<PathBuf>,
    /// The folders not entered that hold one of [`Walked::skipped`] (at
    /// any depth), sorted: what a run names when it says what it skipped.
    pub skipped_folders: Vec<PathBuf>,
    /// The entries of the folders the walk enters whose name reads as a
    /// design's but is not taken as one ([`crate::lookalike`]: `a.myna `,
    /// `d.myｎa`), sorted, when [`WalkOptions::list_skipped`] asks for
    /// them: not checked, and the run says so. A file named on the
    /// command line is taken whatever its name.
    pub lookalikes: Vec<PathBuf>,
    /// The folders walked that hold a `mynaflow.toml` (a config found in
    /// a folder below the one named governs the designs under it; the
    /// caller holds the run to one config), in the walk's order.
    pub configs: Vec<PathBuf>,
}

impl Walked {
    /// Why a symlink was not followed, in both languages.
    pub fn not_followed_reason(link: &Path) -> crate::text::Text {
        let shown = shown(link);
        crate::text::Text::new(
            format!(
                "{shown}: a symlink, not followed: what it leads to is not checked \
                 (`--follow-symlinks` follows a link that stays inside the folder given)"
            ),
            format!(
                "{shown}: シンボリックリンクのため辿らず、リンク先は検査していません\
                 (`--follow-symlinks` を付けると、指定したフォルダの中を指すリンクは辿ります)"
            ),
        )
    }
}

/// Is `name` a design's name in a folder walk: it ends in `.myna`, in any
/// case (`x.MYNA` is one on a case-insensitive file system, and editors
/// open it as one), a file named `.myna` alone included?
pub fn is_design_name(name: &str) -> bool {
    let b = name.as_bytes();
    b.len() >= 5 && b[b.len() - 5..].eq_ignore_ascii_case(b".myna")
}

/// The deepest of `dirs` that holds `file` (below it, at any depth): its
/// folders read upwards, each looked up once, not every folder of `dirs`
/// tried (a monorepo may hold a config, or a skipped folder, in each).
pub fn deepest_holding<'a>(dirs: &HashSet<&'a Path>, file: &Path) -> Option<&'a Path> {
    (file.ancestors().skip(1)).find_map(|a| dirs.get(a).copied())
}

/// Folders of a version control system: never entered, nor looked in for
/// designs skipped.
const VCS_FOLDERS: &[&str] = &[".git", ".hg", ".svn", ".jj", ".bzr"];

/// The `.myna` files under `paths`: a file named is taken as given (a
/// symlink only with `follow_symlinks`); a
/// folder is searched recursively for names that end in `.myna` in any
/// case ([`is_design_name`]), skipping hidden folders and `target`.
pub fn walk(paths: &[PathBuf], options: WalkOptions) -> Walked {
    walk_at_most(paths, options, usize::MAX)
}

/// [`walk`], reading at most `entries` folder entries (files, folders and
/// links alike) in all: a search that need not be whole (the language
/// server's, through an editor's workspace folders, which may be a home
/// folder) stays bounded. Past that, [`Walked::cut`] is set and the
/// folders not yet read are left out; the files found so far are the
/// first in the walk's order.
pub fn walk_at_most(paths: &[PathBuf], options: WalkOptions, entries: usize) -> Walked {
    let mut w = Walked::default();
    let mut left = entries;
    for p in paths {
        // A file named that is a symlink is not followed unless asked: a
        // pull request may add one where a workflow names the files it
        // changed (pre-commit does), and a link to a file outside would
        // have that file's lines shown in the log.
        let link = std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink());
        match std::fs::metadata(p) {
            Ok(m) if link && !m.is_dir() && !options.follow_symlinks => {
                w.not_followed.push(p.clone());
            }
            Ok(m) if m.is_dir() => {
                let root = resolved(p);
                let mut seen = HashSet::new();
                seen.insert(root.clone());
                walk_dir(p, (&root, options), &mut seen, &mut left, &mut w);
            }
            Ok(_) => w.files.push(p.clone()),
            Err(e) => w.problems.push(format!("{}: {e}", shown(p))),
        }
    }
    w.files.sort();
    w.files.dedup();
    if paths.len() > 1 {
        // One file named under two spellings (`a.myna ./a.myna`, a folder
        // and a file in it by another path) is one file: checked, reported
        // and fixed once, under its first spelling in order. One path
        // named cannot give a file twice: no path is resolved then.
        let mut seen = HashSet::new();
        w.files.retain(|f| seen.insert(resolved(f)));
    }
    w.not_followed.sort();
    w.not_followed.dedup();
    w.skipped.sort();
    w.skipped.dedup();
    w.skipped_folders.sort();
    w.skipped_folders.dedup();
    w.lookalikes.sort();
    w.lookalikes.dedup();
    w
}

/// Adds to `out` the design-looking entries of `dir`, a folder the walk
/// does not enter, and of its sub-folders (links are not followed, and
/// a link named as a design is listed). Only names are read; a folder
/// that cannot be read is passed over, as nothing in it would have been
/// checked either way.
fn list_skipped(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        let Ok(ty) = e.file_type() else {
            continue;
        };
        if ty.is_dir() {
            if !VCS_FOLDERS.contains(&name.as_ref()) {
                list_skipped(&e.path(), out);
            }
        } else if is_design_name(&name) {
            out.push(e.path());
        }
    }
}

fn shown(p: &Path) -> String {
    crate::escape::visible(&p.display().to_string()).into_owned()
}

/// Adds the `.myna` files of `dir` and its sub-folders. `seen` holds the
/// resolved folders already walked, so symlinked folders cannot loop;
/// `left` is how many more entries may be read.
fn walk_dir(
    dir: &Path,
    (root, options): (&Path, WalkOptions),
    seen: &mut HashSet<PathBuf>,
    left: &mut usize,
    w: &mut Walked,
) {
    if *left == 0 {
        w.cut = true;
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            w.problems.push(format!("{}: {e}", shown(dir)));
            return;
        }
    };
    // Read no further than the entries left: a folder of millions is not
    // listed whole first.
    let read: Vec<_> = entries.take(left.saturating_add(1)).collect();
    if read.len() > *left {
        // A folder cut: which of its entries come first is the system's
        // order, so none of it is taken rather than an arbitrary part.
        *left = 0;
        w.cut = true;
        return;
    }
    *left -= read.len();
    let mut entries: Vec<_> = read
        .into_iter()
        .filter_map(|e| match e {
            Ok(e) => Some(e),
            Err(err) => {
                w.problems.push(format!("{}: {err}", shown(dir)));
                None
            }
        })
        .collect();
    entries.sort_by_key(|e| e.file_name());
    if (entries.iter()).any(|e| e.file_name() == crate::config::FILE_NAME) {
        w.configs.push(dir.to_path_buf());
    }
    for e in entries {
        let path = e.path();
        let name = e.file_name();
        let name = name.to_string_lossy();
        let Ok(mut ty) = e.file_type() else {
            w.problems
                .push(format!("{}: cannot tell its type", shown(&path)));
            continue;
        };
        let design = is_design_name(&name);
        // A folder the walk enters: not hidden, not a build's output.
        let entered = !name.starts_with('.') && name != "target";
        // A name that reads as a design's and is not one: listed whatever
        // it is (a file, a link) but a folder, and never checked.
        if !design
            && options.list_skipped
            && !ty.is_dir()
            && crate::lookalike::looks_like_design(&name)
        {
            w.lookalikes.push(path);
            continue;
        }
        if ty.is_symlink() {
            // Asking whether the link leads to a folder reads no content,
            // and nothing of the answer is shown.
            let target_meta = std::fs::metadata(&path);
            let to_designs = design || (entered && target_meta.as_ref().is_ok_and(|m| m.is_dir()));
            if !options.follow_symlinks {
                if to_designs {
                    w.not_followed.push(path);
                }
                continue;
            }
            let target = resolved(&path);
            if !target.starts_with(root) {
                if to_designs {
                    w.problems.push(format!(
                        "{}: a symlink to outside {}; not followed",
                        shown(&path),
                        shown(root)
                    ));
                }
                continue;
            }
            match target_meta {
                Ok(m) => ty = m.file_type(),
                // A dangling link named as a design stands where one was
                // expected: said, not passed over.
                Err(e) if design => {
                    w.problems
                        .push(format!("{}: a symlink to nothing: {e}", shown(&path)));
                    continue;
                }
                // Any other dangling link: nothing to check.
                Err(_) => continue,
            }
        }
        if ty.is_dir() {
            if entered && seen.insert(resolved(&path)) {
                walk_dir(&path, (root, options), seen, left, w);
            } else if !entered
                && options.list_skipped
                && !e.file_type().is_ok_and(|t| t.is_symlink())
                && !VCS_FOLDERS.contains(&name.as_ref())
            {
                let before = w.skipped.len();
                list_skipped(&path, &mut w.skipped);
                if w.skipped.len() > before {
                    w.skipped_folders.push(path);
                }
            }
        } else if design && ty.is_file() {
            w.files.push(path);
        } else if design {
            // A FIFO or a device named as a design: refused by name, as
            // when it is named on the command line.
            w.problems.push(format!(
                "{}: {}, not a file; not read",
                shown(&path),
                kind_of(ty)
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_is_named_without_dot_parts() {
        let name = |p: &str| display_name(Path::new(p));
        assert_eq!(name("./r6.myna"), "r6.myna");
        assert_eq!(name("r6.myna"), "r6.myna");
        assert_eq!(name("./folder/./r6.myna"), "folder/r6.myna");
        assert_eq!(name("folder//r6.myna"), "folder/r6.myna");
        assert_eq!(name("/abs/./r6.myna"), "/abs/r6.myna");
        assert_eq!(name("./sub/../r6.myna"), "sub/../r6.myna", "`..` kept");
        assert_eq!(name("."), ".");
        assert_eq!(name(""), "");
    }

    /// `folder/..` goes where `folder` is a real folder; through a
    /// symlink, at the start, after another `..` or past a missing name,
    /// `..` stays.
    #[cfg(unix)]
    #[test]
    fn a_name_is_tidied_only_where_its_folder_is_real() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        std::fs::create_dir_all(root.join("designs")).unwrap();
        std::fs::create_dir_all(root.join("elsewhere/deep")).unwrap();
        std::os::unix::fs::symlink(root.join("elsewhere/deep"), root.join("linked")).unwrap();
        let r = root.display();
        let tidy = |p: &str| tidy_name(&format!("{r}/{p}")).into_owned();
        assert_eq!(tidy("designs/../rules/r.myna"), format!("{r}/rules/r.myna"));
        assert_eq!(tidy("designs/./../r.myna"), format!("{r}/r.myna"));
        assert_eq!(
            tidy("linked/../r.myna"),
            format!("{r}/linked/../r.myna"),
            "through a symlink `..` is the target's parent"
        );
        assert_eq!(tidy("missing/../r.myna"), format!("{r}/missing/../r.myna"));
        assert_eq!(tidy_name("../r.myna"), "../r.myna");
        assert_eq!(tidy_name("../../r.myna"), "../../r.myna");
        assert_eq!(tidy_name("<builtin>/kenpo.myna"), "<builtin>/kenpo.myna");
        assert_eq!(tidy_name("a..b.myna"), "a..b.myna");
    }

    #[test]
    fn reads_up_to_the_limit_and_no_more() {
        assert_eq!(read_bounded(&b"abc"[..], 3).unwrap(), b"abc");
        assert!(read_bounded(&b"abcd"[..], 3).is_err());
        // An endless reader stops one byte past the limit.
        assert!(read_bounded(std::io::repeat(0), 1000).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn links_that_may_lead_to_designs_are_listed_when_not_followed() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path().join("root");
        let outside = d.path().join("outside");
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(root.join("a.myna"), "").unwrap();
        std::fs::write(outside.join("b.myna"), "").unwrap();
        let link = |to: &Path, name: &str| std::os::unix::fs::symlink(to, root.join(name)).unwrap();
        link(&outside.join("b.myna"), "b.myna");
        link(&outside, "sub/elsewhere");
        link(&root.join("a.myna"), "same.myna");
        link(&d.path().join("gone.myna"), "gone.myna");
        // No design: a link of another name to a file, and to a folder the
        // walk would not enter.
        link(&outside.join("b.myna"), "notes.txt");
        link(&outside, ".hidden");
        let w = walk(std::slice::from_ref(&root), WalkOptions::default());
        assert_eq!(w.files, [root.join("a.myna")]);
        assert!(w.problems.is_empty(), "{:?}", w.problems);
        let listed = ["b.myna", "gone.myna", "same.myna", "sub/elsewhere"];
        assert_eq!(w.not_followed, listed.map(|n| root.join(n)));
        // Followed: the link inside is read, the others said.
        let w = walk(
            std::slice::from_ref(&root),
            WalkOptions {
                follow_symlinks: true,
                ..WalkOptions::default()
            },
        );
        assert_eq!(w.files, [root.join("a.myna"), root.join("same.myna")]);
        assert!(w.not_followed.is_empty());
        assert_eq!(w.problems.len(), 3, "{:?}", w.problems);
        for (p, says) in w.problems.iter().zip([
            "b.myna: a symlink to outside",
            "gone.myna: a symlink to nothing",
            "elsewhere: a symlink to outside",
        ]) {
            assert!(p.contains(says), "{p}");
            // `oserror::to_ja` words these refusals by their English: it
            // must know these words.
            assert!(!crate::oserror::to_ja(p).contains("symlink"), "{p}");
        }
    }

    /// A walk of at most N entries stops there, says so, and keeps what
    /// it found in the folders it read whole, the same each time.
    /// A design's name ends in `.myna` in any case, `.myna` alone too;
    /// what lies in a folder the walk does not enter is listed when asked
    /// (the walk passed over `x.MYNA` and `.myna`, and `a/target/t.myna`
    /// in silence).
    #[test]
    fn design_looking_files_are_walked_or_listed_as_skipped() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path().to_path_buf();
        for f in [
            "ok.myna",
            "x.MYNA",
            "y.Myna",
            ".myna",
            "notes.txt",
            "a/target/t.myna",
            "a/target/deep/u.MYNA",
            ".hidden/h.myna",
            ".git/g.myna",
            "target/readme.txt",
        ] {
            let path = root.join(f);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "").unwrap();
        }
        let listing = WalkOptions {
            list_skipped: true,
            ..WalkOptions::default()
        };
        let w = walk(std::slice::from_ref(&root), listing);
        let files = [".myna", "ok.myna", "x.MYNA", "y.Myna"];
        assert_eq!(w.files, files.map(|f| root.join(f)));
        let skipped = [".hidden/h.myna", "a/target/deep/u.MYNA", "a/target/t.myna"];
        assert_eq!(w.skipped, skipped.map(|f| root.join(f)));
        // Named by the folder not entered, once; `target/` holds none.
        let folders = [".hidden", "a/target"];
        assert_eq!(w.skipped_folders, folders.map(|f| root.join(f)));
        let w = walk(std::slice::from_ref(&root), WalkOptions::default());
        assert!(w.skipped.is_empty());
        assert!(is_design_name(".myna") && !is_design_name("myna") && !is_design_name("a.mynax"));
    }

    /// Names that only read as a design's, in the folders the walk
    /// enters, are listed (and not walked); a backup is not one, nor is
    /// anything in a folder the walk does not enter, nor a folder so
    /// named; a look-alike named on the command line is taken as given.
    #[test]
    fn lookalikes_are_listed_where_the_walk_goes() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path().to_path_buf();
        let lookalikes = ["a.myna ", "d.myｎa", "sub/x.myna\u{200b}", "y.myna\u{fe0f}"];
        for f in lookalikes.iter().chain(&[
            "ok.myna",
            "z.MYNA",
            "notes.txt",
            "a.myna.bak",
            "a.myna~",
            ".hidden/h.myna ",
        ]) {
            let path = root.join(f);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "").unwrap();
        }
        std::fs::create_dir_all(root.join("folder.myna ")).unwrap();
        let listing = WalkOptions {
            list_skipped: true,
            ..WalkOptions::default()
        };
        let w = walk(std::slice::from_ref(&root), listing);
        assert_eq!(w.files, [root.join("ok.myna"), root.join("z.MYNA")]);
        let mut want = lookalikes.map(|f| root.join(f)).to_vec();
        want.sort();
        assert_eq!(w.lookalikes, want);
        assert!(w.problems.is_empty(), "{:?}", w.problems);
        // Not asked for (the language server's walk): not looked for.
        let w = walk(std::slice::from_ref(&root), WalkOptions::default());
        assert!(w.lookalikes.is_empty());
        // Named: taken as given.
        let named = root.join("a.myna ");
        let w = walk(std::slice::from_ref(&named), listing);
        assert_eq!(w.files, [named]);
        assert!(w.lookalikes.is_empty());
    }

    #[test]
    fn a_walk_of_at_most_n_entries_stops_there_and_says_so() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path().to_path_buf();
        for folder in ["a", "b"] {
            std::fs::create_dir_all(root.join(folder)).unwrap();
            for f in ["1.myna", "2.myna", "notes.txt"] {
                std::fs::write(root.join(folder).join(f), "").unwrap();
            }
        }
        let all = walk(std::slice::from_ref(&root), WalkOptions::default());
        assert_eq!(all.files.len(), 4);
        assert!(!all.cut);
        // Two folders and six files: eight entries.
        let whole = walk_at_most(std::slice::from_ref(&root), WalkOptions::default(), 8);
        assert_eq!((whole.files, whole.cut), (all.files.clone(), false));
        // Room for `a` and not `b`: `a`'s designs only.
        for at_most in [5, 7] {
            let cut = walk_at_most(std::slice::from_ref(&root), WalkOptions::default(), at_most);
            assert!(cut.cut);
            assert_eq!(cut.files, [root.join("a/1.myna"), root.join("a/2.myna")]);
        }
        let none = walk_at_most(std::slice::from_ref(&root), WalkOptions::default(), 1);
        assert!(none.cut && none.files.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_folders_are_refused_by_name_without_content() {
        let e = read_limited(Path::new("/dev/zero"), 10).unwrap_err();
        assert!(e.contains("/dev/zero") && e.contains("device"), "{e}");
        let e2 = read_limited(Path::new("/"), 10).unwrap_err();
        assert!(e2.contains("folder"), "{e2}");
        // In Japanese too (`oserror::to_ja` knows these words).
        for e in [e, e2] {
            assert!(!crate::oserror::to_ja(&e).contains("not a file"), "{e}");
        }
    }

    #[test]
    fn a_large_file_read_in_parts_is_read_whole_and_bounded() {
        // Past the size read in parts, not a whole number of parts, and
        // different at every offset (a part read at the wrong offset
        // shows).
        let size = PARALLEL_READ_BYTES + READ_PART_BYTES / 2 + 12_345;
        let content: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("large.myna");
        std::fs::write(&path, &content).unwrap();
        assert!(read_limited(&path, u64::MAX) == Ok(content.clone()));
        #[cfg(unix)]
        assert!(read_in_parts(&File::open(&path).unwrap(), size).unwrap() == Some(content.clone()));
        assert!(read_limited(&path, size as u64) == Ok(content.clone()));
        let e = read_limited(&path, size as u64 - 1).unwrap_err();
        assert!(e.contains("larger than"), "{e}");
        assert!(crate::oserror::to_ja(&e).contains("バイトを超える"), "{e}");
        // Past the limit by a part and more: still refused, and the size
        // read in parts is the limit's.
        let e = read_limited(&path, PARALLEL_READ_BYTES as u64).unwrap_err();
        assert!(e.contains("larger than"), "{e}");
        // A file that grows after reporting its size is read to its end.
        let file = File::open(&path).unwrap();
        let shorter = (size - 1000) as u64;
        let bytes = read_to_limit(file, shorter, u64::MAX).unwrap();
        assert!(bytes == content);
        // One that reports more than it has is read from the start.
        let file = File::open(&path).unwrap();
        let bytes = read_to_limit(file, size as u64 + 10, u64::MAX).unwrap();
        assert!(bytes == content);
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
