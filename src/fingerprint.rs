//! Fingerprints of findings that survive lines moving: the code, the file,
//! and the text around the finding (white space folded, comments dropped),
//! never line numbers. SARIF's `partialFingerprints`, GitLab's report and
//! baselines of version 1 read the finding's line ([`of`],
//! [`of_content`]); baselines of version 2 read the whole statement the
//! finding is in ([`Statements`]), so that an edit to any line of a
//! wrapped flow (its recipient on the first, its purpose on the last)
//! makes the finding new.

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

/// The spans of a file's statements, in source order, read again from
/// its text as a check reads them: what [`Statements`] needs where the
/// check's own are gone (a baseline written or read after the run).
pub fn statement_spans(file: &SourceFile, id: crate::span::FileId) -> Vec<Span> {
    // In parts on every core, as the check parsed it (the same tree): read
    // in one pass, a million-flow design's baseline took 0.8 s more.
    let copies = crate::syntax::tokens::Copies::Shared;
    let parsed = crate::syntax::split::parse_in_parts(id, &file.text, copies);
    parsed.file.stmts.iter().map(|s| s.span()).collect()
}

/// Fingerprints of findings in one file by the statement each is in
/// (baselines of version 2): the code, the text of the whole statement
/// (every line of it, comments dropped and white space folded, as
/// [`context`] does for a line) and the finding's own text. A finding in
/// no statement (a comment's, a file's as a whole) is fingerprinted by
/// its line, as [`of_content_in`] does. Each statement's text is read
/// once, however many findings it has.
pub struct Statements<'a> {
    file: &'a SourceFile,
    /// The file's statements, in source order.
    spans: &'a [Span],
    /// Each statement's text hashed, by its start.
    hashed: std::collections::HashMap<u32, u64>,
}

impl<'a> Statements<'a> {
    /// Fingerprints in `file`, whose statements are `spans` (in source
    /// order, as a check reads them).
    pub fn new(file: &'a SourceFile, spans: &'a [Span]) -> Statements<'a> {
        Statements {
            file,
            spans,
            hashed: std::collections::HashMap::new(),
        }
    }

    /// The statement `primary` is in, if any.
    fn statement_of(&self, primary: Span) -> Option<Span> {
        let i = (self.spans).partition_point(|s| s.start <= primary.start);
        let st = *self.spans.get(i.checked_sub(1)?)?;
        (st.end >= primary.end).then_some(st)
    }

    /// The fingerprint of a finding of `code` at `primary`, in this file.
    pub fn of(&mut self, code: Code, primary: Span) -> u64 {
        let Some(st) = self.statement_of(primary) else {
            return of_content_in(self.file, code, primary);
        };
        let text = &self.file.text;
        let statement = *self
            .hashed
            .entry(st.start)
            .or_insert_with(|| folded_hash(text.get(st.range()).unwrap_or("")));
        hash(&[
            code.as_str(),
            "statement",
            &format!("{statement:016x}"),
            text.get(primary.range()).unwrap_or(""),
        ])
    }
}

/// A text's hash with each line's comment dropped and white space folded
/// (words joined by one space, across lines too), without making the
/// folded text.
fn folded_hash(text: &str) -> u64 {
    let mut h = Fnv1a::new();
    let mut first = true;
    for line in text.lines() {
        for word in strip_comment(line).split_whitespace() {
            if !first {
                h.write(b" ");
            }
            h.write(word.as_bytes());
            first = false;
        }
    }
    h.finish()
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

    /// The fingerprint of the finding at `needle` (the last of it) in
    /// `text`, by statement.
    fn by_statement(text: &str, needle: &str) -> u64 {
        let mut m = SourceMap::new();
        let id = m.add(SourceFile::new("f", text));
        let file = m.get(id);
        let start = text.rfind(needle).unwrap();
        let spans = statement_spans(file, id);
        let at = Span::new(id, start, start + needle.len());
        Statements::new(file, &spans).of(Code::MN202, at)
    }

    /// A finding on a wrapped flow's last line is new when its first line
    /// changes; moving, re-indenting, re-wrapping and comments keep it.
    #[test]
    fn a_statement_is_fingerprinted_whole() {
        let flow = "flow A -> B : X\n  for P\n";
        let print = by_statement(flow, "P");
        assert_ne!(print, by_statement("flow A -> C : X\n  for P\n", "P"));
        for same in [
            "# moved\n\nflow A -> B : X\n  for P\n",
            "flow A -> B : X # why\n      for P\n",
            "flow  A -> B : X for P\n",
        ] {
            assert_eq!(print, by_statement(same, "P"), "{same}");
        }
        // Not the line alone.
        let mut m = SourceMap::new();
        let id = m.add(SourceFile::new("f", flow));
        let at = Span::new(id, 22, 23);
        assert_eq!(m.slice(at), "P");
        assert_ne!(print, of_content(&m, Code::MN202, at));
        // In no statement (a comment), by its line.
        let text = "flow A -> B : X\n# note\n";
        let id = m.add(SourceFile::new("g", text));
        let at = Span::new(id, 16, 22);
        let spans = statement_spans(m.get(id), id);
        assert_eq!(
            Statements::new(m.get(id), &spans).of(Code::MN503, at),
            of_content(&m, Code::MN503, at)
        );
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
