//! Writing a file so that it is never lost or half-written: the new
//! content goes to a temporary file in the same folder, which is then
//! renamed over the destination (a rename within one file system is
//! atomic). A symlink at the destination is refused, never followed: a
//! pull request could otherwise point `mynaflow-baseline.json` or a design
//! at a file outside the project and have it overwritten.

use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path` atomically. The error names the file.
pub fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let shown = crate::escape::visible(&path.display().to_string()).into_owned();
    if let Ok(m) = std::fs::symlink_metadata(path) {
        if m.file_type().is_symlink() {
            return Err(format!(
                "{shown}: is a symlink; not written (write to the file it points at by its own name)"
            ));
        }
        if !m.is_file() {
            return Err(format!("{shown}: not a regular file; not written"));
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
        .map_err(|e| format!("{shown}: cannot create a temporary file beside it: {e}"))?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| format!("{shown}: {e}"))?;
    // Keep the permissions of the file replaced.
    if let Ok(m) = std::fs::metadata(path) {
        let _ = tmp.as_file().set_permissions(m.permissions());
    }
    tmp.persist(path)
        .map_err(|e| format!("{shown}: {}", e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(e.contains("symlink"), "{e}");
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep");
    }
}
