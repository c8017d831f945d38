//! Fingerprints of findings that survive lines moving: the code, the file,
//! and the text around the finding (white space folded, comments dropped),
//! never line numbers. SARIF's `partialFingerprints`, GitLab's report and
//! baselines of version 1 read the finding's line ([`of`],
//! [`of_content`]); baselines of version 2 read the whole statement the
//! finding is in ([`Statements`]), so that an edit to any line of a
//! wrapped flow (its recipient on the first, its purpose on the last)
//! makes the finding new; baselines of version 3 read the declarations
//! the statement depends on too ([`Declarations`]), so that a flow whose
//! recipient's legal name changed is new; baselines of version 4 read,
//! for a finding on an exchange stitched through carriers, the earlier
//! hops' statements and the declarations they name too ([`Earlier`]), so
//! that an exchange whose first hop now comes from another sender or
//! through another carrier is new; baselines of version 5 read the
//! statements and declarations by their tokens ([`Folding::Tokens`]), so
//! that what `fmt` or a safe fix changes without changing the meaning
//! (spacing, `：` for `:`) keeps a finding known.

mod earlier;
mod named;

pub use earlier::Earlier;
pub use named::Declarations;

use crate::code::Code;
use crate::source::{SourceFile, SourceMap};
use crate::span::Span;
use rustc_hash::FxHashMap;

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
    let stable = match crate::canonical::canonicalize(std::path::Path::new(name)) {
        Ok(abs) => {
            let cwd = std::env::current_dir().and_then(|d| crate::canonical::canonicalize(&d));
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

/// The spans of a file's statements, in source order, read from its text
/// as a check reads them: what [`Statements`] needs of a file no check
/// read (one that is not a design's text, MN005), and tests. A checked
/// file's are the check's own ([`Outline`], and a baseline's excuses
/// applied during the check).
pub fn statement_spans(file: &SourceFile, id: crate::span::FileId) -> Vec<Span> {
    // In parts on every core, as the check parsed it (the same tree): read
    // in one pass, a million-flow design's baseline took 0.8 s more.
    let copies = crate::syntax::tokens::Copies::Shared;
    let parsed = crate::syntax::split::parse_in_parts(id, &file.text, copies);
    parsed.file.stmts.iter().map(|s| s.span()).collect()
}

/// Fingerprints of findings in one file by the statement each is in: the
/// code, the statement's context and the finding's own text. A
/// statement's context is its text (every line of it, comments dropped
/// and white space folded, as [`context`] does for a line): all of it in
/// a baseline of version 2 ([`Statements::new`]); with the declarations
/// it depends on ([`Declarations`]) in one of version 3
/// ([`Statements::naming`]); in one of version 4
/// ([`Statements::stitching`]), a finding on a stitched exchange with
/// the contexts of its earlier hops' statements too ([`Earlier`]). A
/// finding in no statement (a comment's, a file's as a whole) is
/// fingerprinted by its line, as [`of_content_in`] does. Each
/// statement's context is worked out once, however many findings it has
/// or however many routes pass it.
pub struct Statements<'a> {
    file: &'a SourceFile,
    /// The file's statements, in source order.
    spans: &'a [Span],
    /// Each statement's context, by its index in `spans`; 0 until asked.
    contexts: Vec<u64>,
    /// The declarations statements depend on (version 3), or None
    /// (version 2: the statement alone).
    named: Option<Declarations<'a>>,
    /// The earlier hops of the findings on stitched exchanges (version
    /// 4), or None (versions 2 and 3: the finding's statement alone).
    earlier: Option<&'a Earlier>,
    /// The earlier hops' hash of each place asked for that has some, by
    /// code and place: worked out once however many findings share it.
    routes: FxHashMap<(Code, Span), u64>,
    /// How statements' texts are read: by tokens from version 5.
    folding: Folding,
}

impl<'a> Statements<'a> {
    /// Fingerprints of version 2 in `file`, whose statements are `spans`
    /// (in source order, as a check reads them): the statement alone.
    pub fn new(file: &'a SourceFile, spans: &'a [Span]) -> Statements<'a> {
        Statements {
            file,
            spans,
            contexts: vec![0; spans.len()],
            named: None,
            earlier: None,
            routes: FxHashMap::default(),
            folding: Folding::Text,
        }
    }

    /// Fingerprints of version 3 in `file`, whose statements are `spans`
    /// and whose design is `design` (None for a file without one): each
    /// statement with the declarations it depends on.
    pub fn naming(
        file: &'a SourceFile,
        spans: &'a [Span],
        design: Option<&'a crate::model::Design>,
    ) -> Statements<'a> {
        Statements {
            named: Some(Declarations::new(design, &file.text)),
            ..Statements::new(file, spans)
        }
    }

    /// Fingerprints of version 4 in `file`, as [`Statements::naming`]
    /// gives them, but that a finding on a stitched exchange (among
    /// `earlier`, the file's) covers the contexts of its earlier hops'
    /// statements too: their text and the declarations they name (the
    /// first sender, the carriers).
    pub fn stitching(
        file: &'a SourceFile,
        spans: &'a [Span],
        design: Option<&'a crate::model::Design>,
        earlier: &'a Earlier,
    ) -> Statements<'a> {
        Statements {
            earlier: Some(earlier),
            ..Statements::naming(file, spans, design)
        }
    }

    /// These fingerprints read as version 5 reads them: statements,
    /// declarations and the finding's own text by their tokens
    /// ([`Folding::Tokens`]).
    pub fn by_tokens(mut self) -> Self {
        self.folding = Folding::Tokens;
        if let Some(named) = &mut self.named {
            named.folding = Folding::Tokens;
        }
        self
    }

    /// The context of the `i`-th statement, `st`: worked out once.
    fn context(&mut self, i: usize, st: Span) -> u64 {
        if let Some(&c) = self.contexts.get(i).filter(|c| **c != 0) {
            return c;
        }
        let own = fold(self.folding, self.file.text.get(st.range()).unwrap_or(""));
        let c = match &mut self.named {
            Some(named) => named.context(own, st),
            None => own,
        };
        if let Some(slot) = self.contexts.get_mut(i) {
            *slot = c;
        }
        c
    }

    /// The statement `primary` is in, if any, and its index.
    fn statement_of(&self, primary: Span) -> Option<(usize, Span)> {
        statement_of(self.spans, primary)
    }

    /// The context of the flow statement at `flow`: its statement's,
    /// worked out once; a flow that is no statement of the file (never, as
    /// the design is read) from its own text.
    fn flow_context(&mut self, flow: Span) -> u64 {
        if let Some((i, st)) = self.statement_of(flow).filter(|(_, st)| *st == flow) {
            return self.context(i, st);
        }
        let own = fold(self.folding, self.file.text.get(flow.range()).unwrap_or(""));
        match &mut self.named {
            Some(named) => named.context(own, flow),
            None => own,
        }
    }

    /// The hash of the earlier hops of the findings of `code` at `at`
    /// (version 4), None when none of them is on a stitched exchange:
    /// each route hashed as the contexts of its hops' statements in the
    /// order travelled, the routes of findings that share the place
    /// hashed as a set (sorted, each once): findings of one code at one
    /// place share a fingerprint (a baseline tells them apart by their
    /// messages), whichever of them suppressions or a baseline left.
    fn earlier_of(&mut self, code: Code, at: Span) -> Option<u64> {
        let earlier = self.earlier?;
        if let Some(&h) = self.routes.get(&(code, at)) {
            return Some(h);
        }
        let mut routes = earlier.routes(code, at);
        let first = routes.next()?;
        let first = self.route_hash(first);
        // Most places have one route: no list is made for them.
        let mut each: Vec<u64> = routes.map(|r| self.route_hash(r)).collect();
        let mut h = Fnv1a::new();
        if each.is_empty() {
            h.write(&first.to_le_bytes());
        } else {
            each.push(first);
            each.sort_unstable();
            each.dedup();
            for e in each {
                h.write(&e.to_le_bytes());
            }
        }
        let h = h.finish();
        self.routes.insert((code, at), h);
        Some(h)
    }

    /// A route's hash: the contexts of its hops' statements, in the order
    /// travelled.
    fn route_hash(&mut self, route: &[Span]) -> u64 {
        let mut h = Fnv1a::new();
        for &flow in route {
            h.write(&self.flow_context(flow).to_le_bytes());
        }
        h.finish()
    }

    /// The fingerprint of a finding of `code` at `primary`, in this file.
    pub fn of(&mut self, code: Code, primary: Span) -> u64 {
        let Some((i, st)) = self.statement_of(primary) else {
            return of_content_in(self.file, code, primary);
        };
        let context = self.context(i, st);
        let earlier = self.earlier_of(code, primary);
        let primary = own_text(
            self.folding,
            self.file.text.get(primary.range()).unwrap_or(""),
        );
        let primary = primary.as_ref();
        match (&self.named, earlier) {
            (Some(_), Some(earlier)) => by_exchange(code, context, earlier, primary),
            (Some(_), None) => by_declarations(code, context, primary),
            (None, _) => hash(&[
                code.as_str(),
                "statement",
                &format!("{context:016x}"),
                primary,
            ]),
        }
    }

    /// What a baseline of version 4 recorded after the run needs of the
    /// file, whose findings are of the codes and at the places `places`
    /// gives: its statements, the context of each statement a finding is
    /// in and the earlier hops' hash of each place on a stitched
    /// exchange, worked out now, while the file's model is there. Of
    /// fingerprints made by [`Statements::stitching`] (those of the
    /// other versions would be read as version 4's).
    pub fn into_outline(mut self, places: impl IntoIterator<Item = (Code, Span)>) -> Outline {
        for (code, at) in places {
            if let Some((i, st)) = self.statement_of(at) {
                self.context(i, st);
                self.earlier_of(code, at);
            }
        }
        let mut earlier: Vec<((u32, u32, Code), u64)> = (self.routes.into_iter())
            .map(|((code, at), h)| ((at.start, at.end, code), h))
            .collect();
        earlier.sort_unstable();
        Outline {
            statements: self.spans.to_vec(),
            contexts: self.contexts,
            earlier,
            folding: self.folding,
        }
    }
}

/// The statement among `spans` (in source order) that `primary` is in, if
/// any, and its index.
fn statement_of(spans: &[Span], primary: Span) -> Option<(usize, Span)> {
    let i = spans.partition_point(|s| s.start <= primary.start);
    let i = i.checked_sub(1)?;
    let st = *spans.get(i)?;
    (st.end >= primary.end).then_some((i, st))
}

/// A fingerprint of version 3: the code, the statement's context with the
/// declarations it depends on, and the finding's own text. A finding on
/// no stitched exchange has this one in version 4 too.
fn by_declarations(code: Code, context: u64, primary: &str) -> u64 {
    hash(&[
        code.as_str(),
        "declarations",
        &format!("{context:016x}"),
        primary,
    ])
}

/// A fingerprint of version 4 of a finding on a stitched exchange: as
/// [`by_declarations`], and the hash of the earlier hops
/// ([`Statements::earlier_of`]).
fn by_exchange(code: Code, context: u64, earlier: u64, primary: &str) -> u64 {
    hash(&[
        code.as_str(),
        "exchange",
        &format!("{context:016x}"),
        &format!("{earlier:016x}"),
        primary,
    ])
}

/// A file's statements, the context (version 3) of each its findings are
/// in and the earlier hops (version 4) of each place a finding on a
/// stitched exchange is at, as its check fingerprinted them while its
/// model was there ([`Statements::into_outline`]): what a baseline
/// recorded after the run reads instead of parsing the file again, and
/// resolving it.
#[derive(Clone, Debug, Default)]
pub struct Outline {
    /// The statements, in source order.
    statements: Vec<Span>,
    /// Each statement's context, by index; 0 where none was asked for.
    contexts: Vec<u64>,
    /// The earlier hops' hash of each place (start, end, code) asked for
    /// that is on a stitched exchange, sorted.
    earlier: Vec<((u32, u32, Code), u64)>,
    /// How the statements were read ([`Statements::by_tokens`]).
    folding: Folding,
}

impl Outline {
    /// Takes from `other`, an outline of the same file by another check
    /// (a rulebook the designs of two configs use), the contexts this one
    /// was not asked for.
    pub fn join(&mut self, other: &Outline) {
        // Its spans name the file by the other check's id.
        let at = |s: &Span| (s.start, s.end);
        if !self
            .statements
            .iter()
            .map(at)
            .eq(other.statements.iter().map(at))
        {
            return;
        }
        for (mine, theirs) in self.contexts.iter_mut().zip(&other.contexts) {
            if *mine == 0 {
                *mine = *theirs;
            }
        }
        // Of one file alike, a place's earlier hops are alike: the other's
        // places this one lacks join it.
        if !other.earlier.is_empty() {
            let mut earlier = std::mem::take(&mut self.earlier);
            earlier.extend(&other.earlier);
            earlier.sort_unstable_by_key(|(k, _)| *k);
            earlier.dedup_by_key(|(k, _)| *k);
            self.earlier = earlier;
        }
    }

    /// The fingerprint of version 4 of a finding of `code` at `primary`
    /// in `file`, the file outlined: as [`Statements::stitching`] gave
    /// it. A statement whose context was not asked for by the check (none
    /// of its findings was kept) has it worked out from its text alone.
    pub fn of(&self, file: &SourceFile, code: Code, primary: Span) -> u64 {
        let Some((i, st)) = statement_of(&self.statements, primary) else {
            return of_content_in(file, code, primary);
        };
        let context = match self.contexts.get(i) {
            Some(&c) if c != 0 => c,
            _ => {
                let own = fold(self.folding, file.text.get(st.range()).unwrap_or(""));
                Declarations::new(None, &file.text).context(own, st)
            }
        };
        let text = own_text(self.folding, file.text.get(primary.range()).unwrap_or(""));
        let text = text.as_ref();
        let key = (primary.start, primary.end, code);
        match self.earlier.binary_search_by_key(&key, |(k, _)| *k) {
            Ok(i) => match self.earlier.get(i) {
                Some(&(_, earlier)) => by_exchange(code, context, earlier, text),
                None => by_declarations(code, context, text),
            },
            Err(_) => by_declarations(code, context, text),
        }
    }
}

/// How a statement's text is read for its fingerprint.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Folding {
    /// Its words, white space folded and comments dropped (versions 1–4):
    /// `A:組合` and `A : 組合`, or `：` and `:`, read apart.
    #[default]
    Text,
    /// Its tokens as the lexer reads them, each by its name key (version
    /// 5): what `fmt` or a safe fix changes without changing the meaning
    /// (spacing, `：` for `:`, `ｖｉａ` for `via`, `→` for `->`, a name
    /// quoted or bare, spelled in full-width) leaves it as it was (fix
    /// audit D8).
    Tokens,
}

/// The hash of `text` read as `folding` says.
fn fold(folding: Folding, text: &str) -> u64 {
    match folding {
        Folding::Text => folded_hash(text),
        Folding::Tokens => tokens_hash(text),
    }
}

/// The hash of `text`'s tokens, each by its name key (a string's without
/// its quotes, punctuation by the ASCII it stands for), comments left out.
fn tokens_hash(text: &str) -> u64 {
    use crate::syntax::token::TokenKind;
    let lexed = crate::syntax::lexer::lex(crate::span::FileId(0), text);
    let mut h = Fnv1a::new();
    for t in &lexed.tokens {
        let key = match t.kind {
            TokenKind::Eof => continue,
            TokenKind::Keyword(k) => std::borrow::Cow::Borrowed(k.as_str()),
            TokenKind::Name => std::borrow::Cow::Owned(crate::names::key(t.text(text))),
            TokenKind::Str => {
                std::borrow::Cow::Owned(crate::names::key(t.text(text).trim_matches('"')))
            }
            kind => std::borrow::Cow::Borrowed(kind.describe()),
        };
        h.write(key.as_bytes());
        h.write(&[0]);
    }
    h.finish()
}

/// The finding's own text as `folding` reads it: its name key when read
/// by tokens.
fn own_text(folding: Folding, text: &str) -> std::borrow::Cow<'_, str> {
    match folding {
        Folding::Text => std::borrow::Cow::Borrowed(text),
        Folding::Tokens => std::borrow::Cow::Owned(crate::names::key(text)),
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
