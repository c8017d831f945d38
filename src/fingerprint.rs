//! Fingerprints of findings that survive lines moving: the code, the file,
//! and the text around the finding (white space folded, comments dropped),
//! never line numbers. Used by SARIF's `partialFingerprints` and by
//! baselines.

use crate::code::Code;
use crate::source::{SourceFile, SourceMap};
use crate::span::Span;

/// Bytes of the line taken on each side of the finding: enough to tell
/// flows apart, bounded so a huge line costs no more than a short one.
const WINDOW: usize = 256;

/// The finding's context: its line, cut to `WINDOW` bytes each side of
/// the primary span, without its comment, white space folded.
pub fn context(sources: &SourceMap, primary: Span) -> String {
    context_in(sources.get(primary.file), primary)
}

/// [`context`] in `file`, the file `primary` points into.
fn context_in(file: &SourceFile, primary: Span) -> String {
    let range = file.line_range(file.line_index(primary.start as usize));
    let text = &file.text;
    let mut start = (primary.start as usize)
        .saturating_sub(WINDOW)
        .max(range.start);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    let mut end = (primary.end as usize)
        .saturating_add(WINDOW)
        .min(range.end)
        .max(start);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let line = text.get(start..end).unwrap_or_default();
    let code = strip_comment(line);
    code.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text before a `#` that is outside quotes.
fn strip_comment(line: &str) -> &str {
    let mut quoted = false;
    for (i, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '#' | '＃' if !quoted => return &line[..i],
            _ => {}
        }
    }
    line
}

/// The fingerprint of a finding: FNV-1a over code, file name, context and
/// the primary text. The file name is taken as [`stable_name`] gives it, so
/// `designs/x.myna`, `./designs/x.myna` and `/abs/designs/x.myna` agree.
pub fn of(sources: &SourceMap, code: Code, primary: Span) -> u64 {
    let name = stable_name(&sources.get(primary.file).name);
    hash(&[
        code.as_str(),
        &name,
        &context(sources, primary),
        sources.slice(primary),
    ])
}

/// Each diagnostic's fingerprint ([`of`]) in hex with its occurrence
/// number among the diagnostics before it that have the same one
/// (`hash:n`): the tool's own identity of a finding in SARIF and GitLab
/// reports, which findings alike in code, file, line and text share.
pub fn numbered<'a>(
    sources: &SourceMap,
    diagnostics: impl IntoIterator<Item = &'a crate::diagnostic::Diagnostic>,
) -> Vec<String> {
    let mut seen: std::collections::HashMap<u64, usize> = std::collections::HashMap::new();
    (diagnostics.into_iter())
        .map(|d| {
            let hash = of(sources, d.code, d.primary);
            let n = seen.entry(hash).or_default();
            *n += 1;
            format!("{hash:016x}:{n}")
        })
        .collect()
}

/// A file's name however it was spelled on the command line: relative to
/// the current folder (`/`-separated) when the file is inside it, else
/// absolute; symlinks resolved. Names that are not paths
/// (`<builtin>/kenpo.myna`) and files that do not exist stay as given.
/// Remembered per name, so a file with many findings costs one lookup.
pub fn stable_name(name: &str) -> String {
    use std::cell::RefCell;
    use std::collections::HashMap;
    thread_local! {
        static NAMES: RefCell<HashMap<String, String>> = RefCell::new(HashMap::new());
    }
    if name.starts_with(crate::session::BUILTIN_PREFIX) {
        return name.to_string();
    }
    if let Some(n) = NAMES.with(|m| m.borrow().get(name).cloned()) {
        return n;
    }
    let stable = match std::fs::canonicalize(name) {
        Ok(abs) => {
            let cwd = std::env::current_dir().and_then(std::fs::canonicalize);
            let rel = match &cwd {
                Ok(c) => abs.strip_prefix(c).unwrap_or(&abs),
                Err(_) => &abs,
            };
            rel.components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/")
                .replace("//", "/")
        }
        Err(_) => name.to_string(),
    };
    NAMES.with(|m| m.borrow_mut().insert(name.to_string(), stable.clone()));
    stable
}

/// The fingerprint without the file name, for callers that identify the
/// file themselves (baselines, relative to their own folder).
pub fn of_content(sources: &SourceMap, code: Code, primary: Span) -> u64 {
    of_content_in(sources.get(primary.file), code, primary)
}

/// [`of_content`] in `file`, the file `primary` points into: what a
/// file's analysis can work out on its own thread.
pub fn of_content_in(file: &SourceFile, code: Code, primary: Span) -> u64 {
    hash(&[
        code.as_str(),
        &context_in(file, primary),
        file.text.get(primary.range()).unwrap_or(""),
    ])
}

fn hash(parts: &[&str]) -> u64 {
    let mut h = Fnv1a::new();
    for part in parts {
        h.write(part.as_bytes());
        h.write(&[0]);
    }
    h.finish()
}

/// FNV-1a, 64 bits: tiny and the same on every platform and Rust version
/// (unlike `DefaultHasher`), so fingerprints survive a rebuild.
pub struct Fnv1a(u64);

impl Fnv1a {
    /// A hasher at the FNV offset basis.
    pub fn new() -> Self {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }

    /// Feeds bytes.
    pub fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    /// The hash so far.
    pub fn finish(&self) -> u64 {
        self.0
    }
}

impl Default for Fnv1a {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    #[test]
    fn fnv1a_known_values() {
        assert_eq!(Fnv1a::new().finish(), 0xcbf29ce484222325);
        let mut h = Fnv1a::new();
        h.write(b"foobar");
        assert_eq!(h.finish(), 0x85944171f73967e8);
    }

    #[test]
    fn survives_moves_and_comments() {
        let mut m = SourceMap::new();
        let a = m.add(SourceFile::new("f", "flow A -> B : X # expect: MN102\n"));
        let b = m.add(SourceFile::new("g", "\n\n   flow  A -> B : X\n"));
        let sa = Span::new(a, 7, 9);
        let sb = Span::new(b, 13, 15);
        assert_eq!(m.slice(sa), "->");
        assert_eq!(m.slice(sb), "->");
        assert_eq!(context(&m, sa), context(&m, sb));
        assert_eq!(context(&m, sa), "flow A -> B : X");
    }

    #[test]
    fn the_name_does_not_depend_on_its_spelling() {
        let abs = std::fs::canonicalize("src/lib.rs").unwrap();
        let abs = abs.display().to_string();
        assert_eq!(stable_name("src/lib.rs"), "src/lib.rs");
        assert_eq!(stable_name("./src/lib.rs"), "src/lib.rs");
        assert_eq!(stable_name(&abs), "src/lib.rs");
        assert_eq!(stable_name("src/../src/lib.rs"), "src/lib.rs");
        assert_eq!(stable_name("<builtin>/kenpo.myna"), "<builtin>/kenpo.myna");
        let mut m = SourceMap::new();
        let a = m.add(SourceFile::new("src/lib.rs", "flow A -> B : X\n"));
        let b = m.add(SourceFile::new(abs, "flow A -> B : X\n"));
        assert_eq!(
            of(&m, Code::MN102, Span::new(a, 7, 9)),
            of(&m, Code::MN102, Span::new(b, 7, 9))
        );
    }
}
