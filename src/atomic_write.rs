//! Writing a file so that it is never lost or half-written: the new
//! content goes to a temporary file in the same folder, which is then
//! renamed over the destination (a rename within one file system is
//! atomic). A symlink at the destination is refused, never followed: a
//! pull request could otherwise point `mynaflow-baseline.json` or a design
//! at a file outside the project and have it overwritten.

use std::io::Write;
use std::path::Path;

use crate::oserror::io_error_of;
use crate::text::Text;

/// Writes `bytes` to `path` atomically. The error names the file, in
/// both languages.
pub fn write(path: &Path, bytes: &[u8]) -> Result<(), Text> {
    write_with(path, |w| w.write_all(bytes))
}

/// Writes to `path` atomically what `content` writes, as it writes it
/// (buffered): a document of hundreds of megabytes (a baseline of a
/// million findings) is never whole in memory. The error names the file,
/// in both languages.
pub fn write_with(
    path: &Path,
    content: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), Text> {
    let shown = crate::escape::visible(&path.display().to_string()).into_owned();
    if let Ok(m) = std::fs::symlink_metadata(path) {
        if m.file_type().is_symlink() {
            return Err(crate::text!(
                "{shown}: is a symlink; not written (write to the file it points at by its own name)";
                "{shown}: シンボリックリンクには書き込みません (リンク先のファイルをその名前で指定してください)"
            ));
        }
        if !m.is_file() {
            return Err(crate::text!(
                "{shown}: not a regular file; not written";
                "{shown}: 通常のファイルではないため書き込みません"
            ));
        }
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".mynaflow-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| {
            let (en, ja) = (e.to_string(), crate::oserror::describe_ja(&e));
            crate::text!(
                "{shown}: cannot create a temporary file beside it: {en}";
                "{shown}: 一時ファイルを横に作れません: {ja}"
            )
        })?;
    let mut buffered = std::io::BufWriter::with_capacity(1 << 16, tmp.as_file_mut());
    content(&mut buffered)
        .and_then(|()| buffered.flush())
        .map_err(|e| io_error_of(&shown, &e))?;
    drop(buffered);
    tmp.as_file()
        .sync_all()
        .map_err(|e| io_error_of(&shown, &e))?;
    // Keep the permissions of the file replaced.
    if let Ok(m) = std::fs::metadata(path) {
        let _ = tmp.as_file().set_permissions(m.permissions());
    }
    tmp.persist(path)
        .map_err(|e| io_error_of(&shown, &e.error))?;
    Ok(())
}

/// Writes at most under way at once in [`each_at_once`]: a write waits
/// on the disk for its fsync, not on a core, and the disk takes several
/// at once (1 700 files of 47 KB, each written and synced: 292 ms two at
/// a time, 148 ms eight at a time, on the machine of the benchmarks).
pub const WRITES_AT_ONCE: usize = 8;

/// `write` of each item (a file written with [`write()`], usually), up to
/// [`WRITES_AT_ONCE`] at once on threads of their own rather than one a
/// core, each result in the items' order.
pub fn each_at_once<T: Sync, R: Send>(items: &[T], write: impl Fn(&T) -> R + Sync) -> Vec<R> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    if items.len() < 2 {
        return items.iter().map(write).collect();
    }
    let next = AtomicUsize::new(0);
    let threads = items.len().min(WRITES_AT_ONCE);
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else {
                            return mine;
                        };
                        mine.push((i, write(item)));
                    }
                })
            })
            .collect();
        // A writer that panicked takes the run with it, as on one thread.
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_written_at_once_are_each_written_and_answered_in_order() {
        let d = tempfile::tempdir().unwrap();
        let files: Vec<(std::path::PathBuf, String)> = (0..40)
            .map(|i| (d.path().join(format!("{i}.myna")), "x".repeat(i * 97)))
            .collect();
        // The first writes take longest, so later ones finish first.
        let answers = each_at_once(&files, |(path, text)| {
            std::thread::sleep(std::time::Duration::from_millis(
                40 - text.len() as u64 / 97,
            ));
            write(path, text.as_bytes()).map(|()| text.len())
        });
        let lengths: Vec<usize> = answers.into_iter().map(Result::unwrap).collect();
        assert_eq!(lengths, (0..40).map(|i| i * 97).collect::<Vec<_>>());
        for (path, text) in &files {
            assert_eq!(&std::fs::read_to_string(path).unwrap(), text);
        }
        assert_eq!(each_at_once(&[] as &[u8], |_| 1), Vec::<i32>::new());
        assert_eq!(each_at_once(&[7], |x| x + 1), vec![8]);
    }

    #[test]
    fn replaces_the_file_and_leaves_no_temporary() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("a.json");
        std::fs::write(&p, "old").unwrap();
        write(&p, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new");
        assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn refuses_a_symlink_at_the_destination() {
        let d = tempfile::tempdir().unwrap();
        let target = d.path().join("outside");
        std::fs::write(&target, "keep").unwrap();
        let link = d.path().join("link.json");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let e = write(&link, b"new").unwrap_err();
        assert!(e.en.contains("symlink"), "{e}");
        assert!(
            e.ja.contains("シンボリックリンクには書き込みません"),
            "{}",
            e.ja
        );
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep");
    }

    #[test]
    fn refuses_a_folder_at_the_destination_in_both_languages() {
        let d = tempfile::tempdir().unwrap();
        let e = write(d.path(), b"new").unwrap_err();
        assert!(e.en.ends_with(": not a regular file; not written"), "{e}");
        assert!(
            e.ja.ends_with(": 通常のファイルではないため書き込みません"),
            "{}",
            e.ja
        );
    }
}
