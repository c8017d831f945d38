//! `mynaflow fmt`: one canonical layout, from the token stream and the
//! statements' spans, with comments re-attached (Cedar's approach; no
//! lossless tree). Tokens are written as they are spelled, except that
//! punctuation is written in ASCII (`：` → `:`, `→` → `->`), so names and
//! strings never change. The layout:
//!
//! - one statement per line, single spaces between tokens, none before `,`;
//! - runs of declarations of one kind (no blank line between them) aligned
//!   in columns, counted in display width (a kanji is two columns);
//! - a flow longer than [`WIDTH`] is wrapped before `for`, `via` and `basis`,
//!   each on its own line indented by four; a section header before its
//!   `mynumber`/`basis`; a clauses list after a comma;
//! - blocks (`section … { }`, an actor's `{ clauses … }`) indented by two;
//! - a comment stays on its line: an own-line comment before what follows
//!   it, a trailing comment after the token it follows (a statement with a
//!   trailing `# expect:`/`# mynaflow:` annotation is never wrapped, so the
//!   annotation stays on the statement's line, and one on a continuation
//!   line keeps that line's tokens, as does the first line of a statement
//!   under an own-line `# expect:`, or of a block's item or a `contractor`
//!   under an own-line suppression: joined or wrapped, what they cover
//!   would change); a statement with an
//!   own-line comment inside is laid out around it, the comment on a line
//!   of its own (indented by four) between the same two tokens and each
//!   stretch of tokens between such comments laid out as a flow is, except
//!   that the line an annotation applies to keeps its tokens, so the
//!   annotation covers the same findings. A block statement's header (up
//!   to its `{`) is laid out so around its comments (a section's indented
//!   by eight and wrapped before `mynumber`/`basis`), its body as always;
//!   one where an annotation's line runs across a brace or over two items
//!   of a section is laid out whole so, that line kept. Blank lines
//!   between statements fold to one.
//!
//! The formatter refuses a file with syntax errors, and one where an
//! own-line annotation applies to a line that holds two statements (one
//! statement a line would move one out of its reach). It checks its own
//! output: the formatted text must give the same tokens (kinds and values)
//! and the same comments, each after the same token and on a line of its
//! own or not as in the original, and each annotation covering the same
//! tokens (`fmt::meaning`'s `Reach`), hence the same syntax tree, model,
//! suppressions and expectations. It refuses to write when they differ.

use crate::code::Severity;
use crate::span::{FileId, Span};
use crate::syntax::ast::{File, Stmt};
use crate::syntax::lexer::{Lexed, lex_lines_listing_into};
use crate::syntax::parser::parse_lexed_keeping;
use crate::syntax::stmts::Stmts;
use crate::syntax::token::{Comment, Keyword, Token, TokenKind};
use crate::syntax::tokens::{Copies, Names};
use crate::tally::Keep;
use crate::text;
use crate::text::Text;
use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::cell::Cell;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use unicode_width::UnicodeWidthStr;

pub mod diff;
mod meaning;

/// Lines longer than this (in display columns) are wrapped where the
/// layout allows it.
pub const WIDTH: usize = 100;

/// Spaces between code and a trailing comment (at least).
const GAP: usize = 3;

/// The canonical layout of `src`, or why it cannot be formatted.
pub fn format(src: &str) -> Result<String, Text> {
    format_with_anchors(src).map(|f| f.text)
}

/// A formatted text with where its statements came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Formatted {
    /// The canonical layout.
    pub text: String,
    /// Pairs (byte offset in the source, byte offset in `text`) of the
    /// start of each statement, block item, own-line comment and closing
    /// brace, in output order: the alignment [`diff::unified`] diffs
    /// statement by statement with, so `fmt --check` stays linear.
    pub anchors: Vec<(usize, usize)>,
}

/// [`format()`], with the anchors that align the source and the result.
///
/// A large file is formatted a part at a time (cut, as
/// [`crate::syntax::split`] cuts it, at lines that start a `flow`
/// statement), on every core: each part is lexed, parsed, laid out and
/// checked (its output lexed against the part's tokens: `fmt::meaning`
/// says why that is enough), so the tokens and the tree of the whole file
/// are never in memory (at a million flows, the source and the output are
/// most of the peak). A part with an error or a forbidden character sends
/// the whole file through one pass instead, which words the error as a
/// one-pass parse does.
pub fn format_with_anchors(src: &str) -> Result<Formatted, Text> {
    format_with_anchors_as(src, Copies::Shared)
}

/// [`format_with_anchors`], the names it parses copied as `copies` says:
/// [`Copies::Lasting`] for a run that ends with the process (each thread
/// keeps its own copies, made without a lock; the process's shared ones
/// cost a tenth of formatting a million flows), the default for a program
/// that formats again and again (the language server).
pub fn format_with_anchors_as(src: &str, copies: Copies) -> Result<Formatted, Text> {
    let bounds = part_bounds(src, crate::syntax::split::PART_BYTES);
    if bounds.len() > 2
        && let Some(f) = format_parts(src, &bounds, false, copies)?
    {
        return Ok(in_line_ends_of(src, f));
    }
    match format_parts(src, &[0, src.len()], true, copies)? {
        Some(f) => Ok(in_line_ends_of(src, f)),
        // One part is never given up on.
        None => Err(refusal("parts")),
    }
}

/// `f`, laid out with line feeds, with the line ends of `src`: CRLF when
/// its first line ends so (a file checked out on Windows, or kept so),
/// else as it is. Formatting is about layout: a design whose lines end in
/// CRLF stays so, and `fmt --check` does not fail every line of it.
fn in_line_ends_of(src: &str, f: Formatted) -> Formatted {
    let crlf = memchr::memchr(b'\n', src.as_bytes())
        .is_some_and(|at| at > 0 && src.as_bytes()[at - 1] == b'\r');
    if !crlf {
        return f;
    }
    let mut text = String::with_capacity(f.text.len() + f.text.len() / 32);
    // Where each line of the laid-out text starts, before and after.
    let mut starts: Vec<(usize, usize)> = vec![(0, 0)];
    let mut last = 0;
    for at in memchr::memchr_iter(b'\n', f.text.as_bytes()) {
        text.push_str(&f.text[last..at]);
        text.push_str("\r\n");
        last = at + 1;
        starts.push((last, text.len()));
    }
    text.push_str(&f.text[last..]);
    // An anchor is moved by the CRs of the lines before its own.
    let anchors = (f.anchors.into_iter())
        .map(|(from, to)| {
            let line = starts.partition_point(|&(start, _)| start <= to) - 1;
            let (start, moved) = starts[line];
            (from, moved + (to - start))
        })
        .collect();
    Formatted { text, anchors }
}

/// Lays out `src` cut at `bounds` (0, the starts of the parts, the end),
/// then checks the result. `None` when a part has an error or a forbidden
/// character and `whole` is false (the caller formats in one part).
///
/// The parts are laid out and checked on every core, each from a guess of
/// what the parts before it leave ([`Start`]), then joined in order; a
/// part whose guess turns out wrong is laid out again from the right
/// start, so the text is the one a pass from part to part gives. The
/// cores take the parts in order, and this thread joins each as soon as
/// the parts before it are joined: the copy into the whole text (memory
/// touched for the first time) overlaps the layout instead of following
/// it on one core.
fn format_parts(
    src: &str,
    bounds: &[usize],
    whole: bool,
    copies: Copies,
) -> Result<Option<Formatted>, Text> {
    let ranges: Vec<Range<usize>> = bounds.windows(2).map(|w| w[0]..w[1]).collect();
    let next = AtomicUsize::new(0);
    let (laid, arrivals) = mpsc::channel();
    rayon::in_place_scope(|scope| {
        for _ in 0..rayon::current_num_threads() {
            let (ranges, next, laid) = (&ranges, &next, laid.clone());
            scope.spawn(move |_| lay_out_in_turn(src, ranges, next, whole, copies, laid));
        }
        drop(laid);
        join_as_laid_out(src, &ranges, &next, arrivals, whole, copies)
    })
}

/// A part laid out, with its index.
type Laid = (usize, Result<Option<Part>, Text>);

/// Lays out the next part no thread has taken, until none is left (or
/// the joining stopped), sending each with its index.
fn lay_out_in_turn(
    src: &str,
    ranges: &[Range<usize>],
    next: &AtomicUsize,
    whole: bool,
    copies: Copies,
    laid: mpsc::Sender<Laid>,
) {
    let mut buffers = Buffers::copying(copies);
    loop {
        let k = next.fetch_add(1, Ordering::Relaxed);
        let Some(r) = ranges.get(k) else {
            return;
        };
        let part = lay_out_part(
            src,
            r.clone(),
            Start::guess(src, r.start),
            whole,
            &mut buffers,
        );
        if laid.send((k, part)).is_err() {
            return;
        }
    }
}

/// Joins the parts of `ranges` in order as they arrive (in any order).
/// While the next part is not there, this thread lays out a part no
/// thread has taken yet: it only ever waits for parts being laid out, so
/// it never waits on layout threads that are not running (on a pool of
/// one thread, or when called from one of the pool's threads).
fn join_as_laid_out(
    src: &str,
    ranges: &[Range<usize>],
    next: &AtomicUsize,
    arrivals: mpsc::Receiver<Laid>,
    whole: bool,
    copies: Copies,
) -> Result<Option<Formatted>, Text> {
    let mut waiting: Vec<Option<Result<Option<Part>, Text>>> =
        ranges.iter().map(|_| None).collect();
    let mut buffers = Buffers::copying(copies);
    let mut joined = Joined::new(src, whole, copies);
    for (k, range) in ranges.iter().enumerate() {
        let part = loop {
            if let Some(part) = waiting.get_mut(k).and_then(Option::take) {
                break part;
            }
            let (i, part) = match arrivals.try_recv() {
                Ok(arrived) => arrived,
                Err(_) => {
                    let taken = next.fetch_add(1, Ordering::Relaxed);
                    match ranges.get(taken) {
                        Some(r) => {
                            let start = Start::guess(src, r.start);
                            (
                                taken,
                                lay_out_part(src, r.clone(), start, whole, &mut buffers),
                            )
                        }
                        None => match arrivals.recv() {
                            Ok(arrived) => arrived,
                            // Every layout thread gone with this part
                            // unsent: one panicked (the scope raises it).
                            Err(_) => return Err(refusal("parts")),
                        },
                    }
                }
            };
            if let Some(slot) = waiting.get_mut(i) {
                *slot = Some(part);
            }
        };
        if !joined.push(range.clone(), part)? {
            return Ok(None);
        }
    }
    joined.finish()
}

/// Joins the parts laid out from `ranges` in order (see [`Joined`]).
#[cfg(test)]
fn join_parts(
    src: &str,
    ranges: Vec<Range<usize>>,
    laid: Vec<Result<Option<Part>, Text>>,
    whole: bool,
) -> Result<Option<Formatted>, Text> {
    let mut joined = Joined::new(src, whole, Copies::Shared);
    for (part, range) in laid.into_iter().zip(ranges) {
        if !joined.push(range, part)? {
            return Ok(None);
        }
    }
    joined.finish()
}

/// The parts joined so far, in order: the text, its anchors, what the
/// next part must have started from, and whether every part's own check
/// passed.
struct Joined<'a> {
    src: &'a str,
    whole: bool,
    copies: Copies,
    state: Start,
    text: String,
    anchors: Vec<(usize, usize)>,
    checked: bool,
}

impl<'a> Joined<'a> {
    fn new(src: &'a str, whole: bool, copies: Copies) -> Self {
        Joined {
            src,
            whole,
            copies,
            state: Start::FILE,
            text: String::with_capacity(src.len() + src.len() / 8),
            anchors: Vec::new(),
            checked: true,
        }
    }

    /// Appends the next part, laid out from `range`, laying it out again
    /// (from the right start) when its start was guessed wrong. False
    /// when it has an error or a forbidden character and `whole` is
    /// false.
    fn push(
        &mut self,
        range: Range<usize>,
        laid: Result<Option<Part>, Text>,
    ) -> Result<bool, Text> {
        let Some(mut part) = laid? else {
            return Ok(false);
        };
        if !part.start.agrees(self.src, self.state) {
            let buffers = &mut Buffers::copying(self.copies);
            part = match lay_out_part(self.src, range, self.state, self.whole, buffers)? {
                Some(p) => p,
                None => return Ok(false),
            };
        }
        self.state = part.end;
        self.checked &= part.checked;
        let base = self.text.len();
        self.anchors
            .extend(part.anchors.iter().map(|&(s, o)| (s, base + o)));
        self.text.push_str(&part.text);
        Ok(true)
    }

    /// The whole text, checked whole if a part's own check failed.
    fn finish(self) -> Result<Option<Formatted>, Text> {
        if !self.checked {
            meaning::same_meaning(self.src, &self.text)?;
        }
        Ok(Some(Formatted {
            text: self.text,
            anchors: self.anchors,
        }))
    }
}

/// What the parts before a part leave to its layout: where the last thing
/// written ended (for the blank line before the part's first statement)
/// and whether anything was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Start {
    last_end: usize,
    written: bool,
}

impl Start {
    /// The start of the file: nothing written.
    const FILE: Start = Start {
        last_end: 0,
        written: false,
    };

    /// The guess for a part starting at `at`: something was written, and
    /// it ended at the last character before `at` that is not white
    /// space (the end of the last statement or comment, on most files).
    fn guess(src: &str, at: usize) -> Start {
        if at == 0 {
            return Start::FILE;
        }
        Start {
            last_end: src.get(..at).map_or(0, |s| s.trim_end().len()),
            written: true,
        }
    }

    /// Does a layout started from `self` give what one started from
    /// `actual` gives? The end is only used to count the line breaks
    /// between it and what comes next, so it may be anywhere on the same
    /// line.
    fn agrees(self, src: &str, actual: Start) -> bool {
        let (a, b) = if self.last_end <= actual.last_end {
            (self.last_end, actual.last_end)
        } else {
            (actual.last_end, self.last_end)
        };
        self.written == actual.written && src.get(a..b).is_some_and(|gap| !gap.contains('\n'))
    }
}

/// One part laid out: its lines, where its statements came from (offsets
/// in `text`), what it started from and what it leaves, and whether its
/// meaning check passed.
struct Part {
    start: Start,
    end: Start,
    text: String,
    anchors: Vec<(usize, usize)>,
    checked: bool,
}

/// Token buffers a thread reuses from part to part, for a part's tokens
/// and for its output's: memory the process has not touched yet costs
/// more to fault in than the lexing that fills it.
#[derive(Default)]
struct Buffers {
    source: Vec<Token>,
    /// The lexer's list of the names of `source`.
    names_listed: Vec<crate::syntax::tokens::ListedName>,
    output: Vec<Token>,
    /// The names of the parts this thread parsed: a spelling's copy is
    /// the process's one ([`crate::syntax::spelling::shared`]), found in
    /// a shared set under a lock, once a thread rather than once a part.
    names: Names,
}

impl Buffers {
    /// Buffers whose parse copies names as `copies` says.
    fn copying(copies: Copies) -> Buffers {
        Buffers {
            names: Names::default().with_copies(copies),
            ..Buffers::default()
        }
    }
}

/// Lexes, parses, lays out and checks the part `range` of `src`, from
/// `start`. `None` when it has an error or a forbidden character and
/// `whole` is false.
fn lay_out_part(
    src: &str,
    range: Range<usize>,
    start: Start,
    whole: bool,
    buffers: &mut Buffers,
) -> Result<Option<Part>, Text> {
    let mut buffer = std::mem::take(&mut buffers.source);
    buffer.clear();
    buffer.reserve(range.len() / BYTES_PER_TOKEN + 16);
    // Only whether the part has an error, and the first, is read: the
    // first of each code is kept in full, the rest as places (11 MB of
    // unterminated strings, each one worded, took 718 MB to refuse).
    let keep = Keep::First(1);
    // Its names listed as they are read: the parse reads them ahead.
    let listed = (buffer, std::mem::take(&mut buffers.names_listed));
    let lexed = lex_lines_listing_into(FileId(0), src, range.clone(), listed, keep.clone());
    if lexed.forbidden > 0 && !whole {
        return Ok(None);
    }
    let lexed = with_end(lexed, range.end);
    let (parsed, mut tokens, names_listed) = parse_lexed_keeping(src, lexed, &buffers.names, keep);
    buffers.names_listed = names_listed;
    // The Eof the parse ended at is not laid out.
    tokens.pop();
    // The first error in the text is the first of its code, or one of
    // another severity than its code's: kept in full either way, in order.
    if let Some(d) = parsed
        .diagnostics
        .iter()
        .find(|d| d.severity == Severity::Error)
    {
        if !whole {
            return Ok(None);
        }
        return Err(
            text!("it has errors ({}: {}); fix them first", d.code.as_str(), d.message.en;
                  "エラーがあります ({}: {})。先に直してください", d.code.as_str(), d.message.ja),
        );
    }
    let File { stmts, comments } = parsed.file;
    let mut out = Output {
        last_end: start.last_end,
        written_before: start.written,
        // The layout adds spaces and drops few characters.
        text: String::with_capacity(range.len() + range.len() / 8),
        ..Output::default()
    };
    if let Some(at) = Layout::new(src, &tokens, &comments, &mut out).run(stmts) {
        // Rare: worded by the one pass, which finds the same comment.
        if !whole {
            return Ok(None);
        }
        return Err(shared_line(src, at));
    }
    // A part starts with a flow, which ends any run of aligned lines: the
    // part's last run is complete.
    out.flush();
    // The source up to the part's end, as the output part ends there: an
    // annotation's line is looked for in both alike.
    let checked = meaning::part_keeps_meaning(
        src.get(..range.end).unwrap_or(src),
        &tokens,
        &comments,
        &out.text,
        range.start == 0,
        &mut buffers.output,
    );
    buffers.source = tokens;
    let end = Start {
        last_end: out.last_end,
        written: start.written || !out.text.is_empty(),
    };
    Ok(Some(Part {
        start,
        end,
        text: out.text,
        anchors: out.anchors,
        checked,
    }))
}

/// Fewer bytes than a token takes on most designs (about 12 on generated
/// ones): a part's token buffer sized from it rarely grows.
const BYTES_PER_TOKEN: usize = 8;

/// The lexed lines of a part with the Eof a parse ends at.
fn with_end(mut lexed: Lexed, end: usize) -> Lexed {
    let at = Span::new(FileId(0), end, end);
    lexed.tokens.push(Token::new(TokenKind::Eof, at, None));
    lexed
}

/// 0, the starts of the parts of `src` (lines that start a `flow`
/// statement, where the parser may cut them too), and its end.
fn part_bounds(src: &str, size: usize) -> Vec<usize> {
    crate::syntax::split::part_bounds_at(FileId(0), src, size, &[Keyword::Flow])
}

/// Why the formatter will not write a file where a suppression or an
/// `# expect:` at byte `at`, on a line of its own, applies to a line that
/// holds the start of a statement after code: the layout puts that
/// statement on a line of its own, out of the annotation's reach.
fn shared_line(src: &str, at: usize) -> Text {
    let line = src.get(..at).map_or(0, |s| s.matches('\n').count()) + 1;
    text!("the comment on line {} applies to the next line, which holds more than one statement: put each statement on a line of its own first (the formatter would move one out of the comment's reach); nothing was written", line;
          "{} 行目のコメントは次の行に適用されますが、その行には複数の文があります。先に文を 1 行に 1 つずつ書いてください (整形するとコメントが及ぶ範囲から文が外れます)。書き換えませんでした", line)
}

/// Why the formatter will not write its output.
fn refusal(why: &str) -> Text {
    text!("the formatted text would differ in meaning ({why}); nothing was written";
          "整形後の内容が変わってしまうため ({why})、書き換えませんでした")
}

/// What a line is, for alignment: lines of one kind in a run are aligned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Actor,
    Data,
    Role,
    Category,
    Purpose,
    Clause,
    Contractor,
    Allow,
}

/// One output line.
#[derive(Debug, Default)]
struct Line {
    indent: usize,
    /// The columns (one for an unaligned line).
    cells: Vec<String>,
    /// Aligned with neighbours of the same kind.
    kind: Option<Kind>,
    /// A trailing comment (`#` included).
    comment: Option<String>,
    /// A blank line goes before this one.
    blank_before: bool,
    /// An own-line comment (does not break a run).
    is_comment: bool,
    /// The source byte offset of the statement, block item, comment or
    /// brace this line starts (for [`Formatted::anchors`]).
    origin: Option<u32>,
}

struct Layout<'a> {
    src: &'a str,
    /// The tokens of the part being laid out, Eof aside.
    tokens: &'a [Token],
    /// The comments of the part.
    comments: &'a [Comment],
    /// Trailing comments by the index of the token they follow (looked up
    /// for every token: Fx, not SipHash).
    trailing: FxHashMap<usize, Vec<usize>>,
    /// Own-line comments, in order, and how many are emitted.
    own: Vec<usize>,
    next_own: usize,
    /// Where the last token search ([`Layout::range`]) ended: statements
    /// are laid out in order, so the next one starts after it.
    searched: Cell<usize>,
    /// The first token of the line a token is on, as last found
    /// ([`Layout::shared_line`]): `(first, token)`. The next statement on
    /// the same line stops its search there, so a line of many statements
    /// is searched once, not once per statement.
    line_first: Cell<(usize, usize)>,
    /// The first line of what [`Layout::segmented`] lays out is one an
    /// annotation above it applies to ([`Layout::annotation_above`]): kept.
    pin_first: bool,
    /// Where the lines go, from part to part.
    out: &'a mut Output,
}

/// The output of the layout of one part: its lines, then (once the part
/// is laid out) its text.
#[derive(Default)]
struct Output {
    lines: Vec<Line>,
    /// Whether the parts before this one wrote anything.
    written_before: bool,
    /// End of the last thing emitted, for blank-line detection.
    last_end: usize,
    text: String,
    anchors: Vec<(usize, usize)>,
}

impl Output {
    /// Writes the lines, run by run, each run aligned.
    fn flush(&mut self) {
        let mut i = 0;
        while i < self.lines.len() {
            // A run: lines of one kind and indent, no blank line inside,
            // own-line comments allowed between them.
            let mut j = i + 1;
            let mut k = i + 1;
            if let Some(kind) = self.lines[i].kind {
                while k < self.lines.len() && !self.lines[k].blank_before {
                    let l = &self.lines[k];
                    if l.is_comment {
                        k += 1;
                        continue;
                    }
                    if l.kind == Some(kind) && l.indent == self.lines[i].indent {
                        k += 1;
                        j = k;
                    } else {
                        break;
                    }
                }
            }
            let started = self.written_before || !self.text.is_empty();
            render_run(
                &self.lines[i..j],
                started,
                &mut self.text,
                &mut self.anchors,
            );
            i = j;
        }
        self.lines.clear();
    }
}

impl<'a> Layout<'a> {
    fn new(
        src: &'a str,
        tokens: &'a [Token],
        comments: &'a [Comment],
        out: &'a mut Output,
    ) -> Self {
        let mut trailing: FxHashMap<usize, Vec<usize>> = FxHashMap::default();
        let mut own = Vec::new();
        for (ci, c) in comments.iter().enumerate() {
            let at = c.span.start;
            let before = tokens.partition_point(|t| t.span.end <= at);
            let attached = before.checked_sub(1).filter(|&ti| {
                let gap = src
                    .get(tokens[ti].span.end as usize..at as usize)
                    .unwrap_or("\n");
                !gap.contains('\n')
            });
            match attached {
                Some(ti) => trailing.entry(ti).or_default().push(ci),
                None => own.push(ci),
            }
        }
        Layout {
            src,
            tokens,
            comments,
            trailing,
            own,
            next_own: 0,
            searched: Cell::new(0),
            line_first: Cell::new((0, 0)),
            pin_first: false,
            out,
        }
    }

    /// Lays out the statements of a part, each freed once it is laid out.
    /// The offset of an annotation the layout cannot keep in reach of
    /// what it applies to ([`Layout::shared_line`]), if there is one.
    fn run(mut self, stmts: Stmts) -> Option<usize> {
        let mut shared = None;
        for stmt in stmts.into_parts().into_iter().flatten() {
            if shared.is_none() {
                shared = self.shared_line(stmt.span());
            }
            self.statement(&stmt, 0);
        }
        self.own_comments_before(u32::MAX, 0);
        shared
    }

    /// When the statement at `span` starts after code on its line, and a
    /// suppression or `# expect:` on a line of its own applies to that
    /// line, that annotation's offset. It covers the whole line, this
    /// statement included (a suppression also the first statement that
    /// starts there); the layout starts this statement on a line of its
    /// own, out of its reach.
    fn shared_line(&self, span: Span) -> Option<usize> {
        // Most statements start a line: no token search for them.
        let before = self.src.get(..span.start as usize)?;
        if before
            .trim_end_matches([' ', '\t', '\u{3000}'])
            .ends_with('\n')
            || before.trim().is_empty()
        {
            return None;
        }
        let (a, _) = self.range(span);
        if a == 0 || a >= self.tokens.len() || self.breaks_before(a) {
            return None;
        }
        // The first token of the line.
        let (known_first, known) = self.line_first.get();
        let mut f = a - 1;
        while f > 0 && !self.breaks_before(f) {
            if f == known {
                f = known_first;
                break;
            }
            f -= 1;
        }
        self.line_first.set((f, a - 1));
        let line_start = self.tokens[f].span.start;
        let after = f.checked_sub(1).map_or(0, |p| self.tokens[p].span.end);
        let own = &self.own[..self
            .own
            .partition_point(|&ci| self.comments[ci].span.start < line_start)];
        own.iter()
            .rev()
            .map(|&ci| &self.comments[ci])
            .take_while(|c| c.span.start >= after)
            .find(|c| is_annotation(c))
            .map(|c| c.span.start as usize)
    }

    /// Records that line `line` (if it was emitted) starts what begins at
    /// source offset `at`.
    fn origin(&mut self, line: usize, at: u32) {
        if let Some(l) = self.out.lines.get_mut(line) {
            l.origin = Some(at);
        }
    }

    /// Token indices of a span: [first, end).
    fn range(&self, span: Span) -> (usize, usize) {
        let a = tokens_before(self.tokens, span.start, self.searched.get());
        let b = tokens_before(self.tokens, span.end, a);
        self.searched.set(a);
        (a, b.max(a))
    }

    /// Is there a blank line between the last emitted thing and `at`?
    fn blank_before(&self, at: u32) -> bool {
        if self.out.lines.is_empty() && !self.out.written_before {
            return false;
        }
        let gap = self
            .src
            .get(self.out.last_end..(at as usize).max(self.out.last_end))
            .unwrap_or("");
        gap.matches('\n').count() >= 2
    }

    /// Emits the own-line comments that start before `at`.
    fn own_comments_before(&mut self, at: u32, indent: usize) {
        while let Some(&ci) = self.own.get(self.next_own) {
            let c = &self.comments[ci];
            if c.span.start >= at {
                break;
            }
            self.next_own += 1;
            let blank_before = self.blank_before(c.span.start);
            self.out.lines.push(Line {
                indent,
                cells: vec![comment_text(c)],
                blank_before,
                is_comment: true,
                origin: Some(c.span.start),
                ..Line::default()
            });
            self.out.last_end = c.span.end as usize;
        }
    }

    fn statement(&mut self, stmt: &Stmt, indent: usize) {
        let span = stmt.span();
        self.own_comments_before(span.start, indent);
        let blank = self.blank_before(span.start);
        let before = self.out.lines.len();
        let (a, b) = self.range(span);
        match stmt {
            Stmt::Section(s) => {
                let brace = (a..b).find(|&i| self.tokens[i].kind == TokenKind::LBrace);
                let Some(brace) = brace else {
                    self.flat(a, b, indent, None, false);
                    return self.finish(before, blank, span);
                };
                if self.block_straddled(a, brace, b) {
                    self.segmented(a, b, indent, Wrap::Header);
                    return self.finish(before, blank, span);
                }
                self.section_header(a, brace + 1, indent);
                let mut inner: Vec<(Span, Kind)> = s
                    .purposes
                    .iter()
                    .map(|p| (p.span, Kind::Purpose))
                    .chain(s.allows.iter().map(|r| (r.span, Kind::Allow)))
                    .collect();
                inner.sort_by_key(|(sp, _)| sp.start);
                if let Some(l) = self.out.lines.get_mut(before) {
                    l.blank_before = blank;
                }
                self.origin(before, span.start);
                self.out.last_end = self.tokens[brace].span.end as usize;
                for &(sp, kind) in &inner {
                    let (ia, ib) = self.range(sp);
                    self.own_comments_before(sp.start, indent + 2);
                    let bl = self.blank_before(sp.start);
                    let at = self.out.lines.len();
                    let cells = match kind {
                        Kind::Purpose => self.decl_cells(ia, ib, kind),
                        _ => self.pattern_cells(ia, ib),
                    };
                    self.emit_cells(ia, ib, indent + 2, cells, Some(kind));
                    if let Some(l) = self.out.lines.get_mut(at) {
                        l.blank_before = bl;
                    }
                    self.origin(at, sp.start);
                    self.out.last_end = sp.end as usize;
                    if let Some(end) = self.trailing_end(sp) {
                        self.out.last_end = end;
                    }
                }
                let close = b.saturating_sub(1);
                if self.tokens.get(close).map(|t| t.kind) == Some(TokenKind::RBrace) {
                    self.close_brace(close, indent);
                }
                self.out.last_end = span.end as usize;
                return;
            }
            Stmt::Actor(d) if d.block.is_some() => {
                let brace = (a..b).find(|&i| self.tokens[i].kind == TokenKind::LBrace);
                if let Some(brace) = brace
                    && !self.block_straddled(a, brace, b)
                {
                    // Around its comments, as a declaration is, or with
                    // the line an annotation after its `{` ends kept.
                    let kept = self.annotation_after(brace) && !self.one_line(a, brace + 1);
                    if kept || self.inner_comment(a, brace + 1) {
                        self.segmented(a, brace + 1, indent, Wrap::None);
                    } else {
                        let mut cells = self.decl_cells(a, brace, Kind::Actor);
                        if let Some(last) = cells.iter_mut().rev().find(|c| !c.is_empty()) {
                            last.push_str(" {");
                        }
                        let comment = self.comments_after(brace);
                        self.out.lines.push(Line {
                            indent,
                            cells,
                            kind: Some(Kind::Actor),
                            comment,
                            ..Line::default()
                        });
                    }
                    // A comment after the `{` is blank-lined from it, not
                    // from the statement before this one.
                    self.out.last_end = self.tokens[brace].span.end as usize;
                    let close = b.saturating_sub(1);
                    let body_end =
                        if self.tokens.get(close).map(|t| t.kind) == Some(TokenKind::RBrace) {
                            close
                        } else {
                            b
                        };
                    self.block_body(brace + 1, body_end, indent + 2);
                    // A comment before the `}` is blank-lined as its source
                    // says, from what came before it, not from the statement
                    // before this one.
                    let last = body_end.max(brace + 1) - 1;
                    self.out.last_end = self.out.last_end.max(self.tokens[last].span.end as usize);
                    if body_end < b {
                        self.close_brace(close, indent);
                    }
                } else if self.comment_free(a, b - 1) && self.one_line(a, b) {
                    // On one line, an annotation after it: kept so, aligned.
                    self.declaration(a, b, indent, Kind::Actor);
                } else {
                    // An annotation's line runs across the block's braces:
                    // the whole statement around its comments, that line
                    // kept.
                    self.segmented(a, b, indent, Wrap::None);
                }
            }
            Stmt::Actor(_) => self.declaration(a, b, indent, Kind::Actor),
            Stmt::Data(_) => self.declaration(a, b, indent, Kind::Data),
            Stmt::Role(_) => self.declaration(a, b, indent, Kind::Role),
            Stmt::Category(_) => self.declaration(a, b, indent, Kind::Category),
            Stmt::Clause(_) => self.declaration(a, b, indent, Kind::Clause),
            Stmt::Contractor(_) => {
                let cells = self.pattern_cells(a, b);
                self.emit_cells(a, b, indent, cells, Some(Kind::Contractor));
            }
            Stmt::Flow(_) => self.flow(a, b, indent),
            Stmt::Use(_) | Stmt::Rulebook(_) => self.flat(a, b, indent, None, false),
        }
        self.finish(before, blank, span);
    }

    fn finish(&mut self, first: usize, blank: bool, span: Span) {
        if let Some(l) = self.out.lines.get_mut(first) {
            l.blank_before = blank;
        }
        self.origin(first, span.start);
        self.out.last_end = self.out.last_end.max(span.end as usize);
        if let Some(end) = self.trailing_end(span) {
            self.out.last_end = self.out.last_end.max(end);
        }
    }

    /// The end of the last trailing comment of a statement, if any.
    fn trailing_end(&self, span: Span) -> Option<usize> {
        // A part without trailing comments needs no token search.
        if self.trailing.is_empty() {
            return None;
        }
        let (_, b) = self.range(span);
        let last = b.checked_sub(1)?;
        self.trailing
            .get(&last)
            .and_then(|v| v.last())
            .map(|&ci| self.comments[ci].span.end as usize)
    }

    /// A token as written in the canonical form.
    fn word(&self, i: usize) -> &'a str {
        let t = &self.tokens[i];
        match t.kind {
            // Punctuation in its ASCII spelling, however it was written.
            TokenKind::Arrow
            | TokenKind::BothArrow
            | TokenKind::Colon
            | TokenKind::Comma
            | TokenKind::LBrace
            | TokenKind::RBrace => t.kind.describe(),
            _ => self.src.get(t.span.range()).unwrap_or(""),
        }
    }

    /// Tokens joined with the spacing rules.
    fn join(&self, a: usize, b: usize) -> String {
        // Sized once: a word and a space a token at most.
        let size = (a..b).map(|i| self.word(i).len() + 1).sum();
        let mut s = String::with_capacity(size);
        for i in a..b {
            if i > a && self.tokens[i].kind != TokenKind::Comma {
                s.push(' ');
            }
            s.push_str(self.word(i));
        }
        s
    }

    /// Trailing comments after token `i`, joined.
    fn comments_after(&self, i: usize) -> Option<String> {
        if self.trailing.is_empty() {
            return None;
        }
        let v = self.trailing.get(&i)?;
        Some(
            v.iter()
                .map(|&ci| comment_text(&self.comments[ci]))
                .collect::<Vec<_>>()
                .join(" "),
        )
    }

    /// Does a comment sit inside tokens [a, b): a trailing one after a
    /// token before the last (it forces a line break there), or one on a
    /// line of its own between two of them (see [`Layout::own_inside`])?
    fn inner_comment(&self, a: usize, b: usize) -> bool {
        self.own_inside(a, b)
            || (!self.trailing.is_empty()
                && (a..b.saturating_sub(1)).any(|i| self.trailing.contains_key(&i)))
            || self.annotation_continues(a, b)
    }

    /// Does an annotation end tokens [a, b) on a line that does not start
    /// them (a continuation line)? It covers the findings of that line
    /// only; joined onto the first line, it would cover the whole
    /// statement (a suppression) or expect what the first line reports
    /// (an `# expect:`). So that line is kept as written, as one inside
    /// is ([`Layout::segmented`]).
    fn annotation_continues(&self, a: usize, b: usize) -> bool {
        !self.trailing.is_empty()
            && b > a + 1
            && self.annotation_after(b - 1)
            && !self.one_line(a, b)
    }

    /// Is a comment on a line of its own between two of tokens [a, b)?
    /// The own-line comments before token `a` are emitted by then, so the
    /// next one is the only one to look at.
    fn own_inside(&self, a: usize, b: usize) -> bool {
        b > a + 1
            && self.own.get(self.next_own).is_some_and(|&ci| {
                let at = self.comments[ci].span.start;
                self.tokens[a].span.start < at && at < self.tokens[b - 1].span.start
            })
    }

    /// Does no comment sit inside or after tokens [a, b)?
    fn comment_free(&self, a: usize, b: usize) -> bool {
        !self.own_inside(a, b)
            && (self.trailing.is_empty() || (a..b).all(|i| !self.trailing.contains_key(&i)))
    }

    /// Emits the own-line comments inside a statement that start before
    /// `at`, each on a line of its own at `indent`, where they were: a
    /// suppression or `# expect:` there applies to the line after it, so
    /// it must stay before the same tokens, in the same statement.
    fn own_comments_inside(&mut self, at: u32, indent: usize) {
        while let Some(&ci) = self.own.get(self.next_own) {
            let c = &self.comments[ci];
            if c.span.start >= at {
                break;
            }
            self.next_own += 1;
            self.out.lines.push(Line {
                indent,
                cells: vec![comment_text(c)],
                is_comment: true,
                origin: Some(c.span.start),
                ..Line::default()
            });
        }
    }

    /// Is there a line break in the source between tokens `i - 1` and `i`?
    fn breaks_before(&self, i: usize) -> bool {
        let gap = self.tokens[i - 1].span.end as usize..self.tokens[i].span.start as usize;
        self.src.get(gap).is_some_and(|g| g.contains('\n'))
    }

    /// Is the trailing comment after the statement an annotation?
    fn annotated(&self, b: usize) -> bool {
        b.checked_sub(1).is_some_and(|i| self.annotation_after(i))
    }

    /// Are tokens [a, b) on one line of the source?
    fn one_line(&self, a: usize, b: usize) -> bool {
        !(a + 1..b).any(|i| self.breaks_before(i))
    }

    /// Is a trailing comment after token `i` an annotation?
    fn annotation_after(&self, i: usize) -> bool {
        (self.trailing.get(&i))
            .is_some_and(|v| v.iter().any(|&ci| is_annotation(&self.comments[ci])))
    }

    /// Does an annotation end a line inside tokens [a, b) (after a token
    /// other than the last, or after the last on a line that does not
    /// start them: [`Layout::annotation_continues`])? It applies to that line, or to the whole
    /// statement when the line starts it, so the tokens of its line are
    /// kept as written ([`Layout::segmented`]).
    fn annotated_inside(&self, a: usize, b: usize) -> bool {
        !self.trailing.is_empty()
            && ((a..b.saturating_sub(1)).any(|i| self.annotation_after(i))
                || self.annotation_continues(a, b))
    }

    /// The `}` (token `close`) that ends a block, after the comments on
    /// lines of their own before it, with the comment after it.
    fn close_brace(&mut self, close: usize, indent: usize) {
        let end = self.tokens[close].span.start;
        self.own_comments_before(end, indent + 2);
        let comment = self.comments_after(close);
        self.out.lines.push(Line {
            indent,
            cells: vec!["}".to_string()],
            comment,
            origin: Some(end),
            ..Line::default()
        });
    }

    /// A declaration as one line of its columns, aligned with the others
    /// of its kind.
    fn declaration(&mut self, a: usize, b: usize, indent: usize, kind: Kind) {
        let cells = self.decl_cells(a, b, kind);
        self.emit_cells(a, b, indent, cells, Some(kind));
    }

    /// Declaration columns: the keyword and name, then one column per
    /// optional part, in the order the grammar gives them (an absent part
    /// is an empty column, so the parts that are present line up).
    fn decl_cells(&self, a: usize, b: usize, kind: Kind) -> Vec<String> {
        let slots = match kind {
            Kind::Actor => 3,
            Kind::Data | Kind::Category => 4,
            Kind::Role => 3,
            _ => 2,
        };
        let mut cells = vec![String::new(); slots];
        if b <= a {
            return cells;
        }
        let head_end = (a + 2).min(b);
        cells[0] = self.join(a, head_end);
        let mut i = head_end;
        let mut next_slot = 1;
        while i < b {
            let t = &self.tokens[i];
            let (take, slot) = match (kind, t.kind) {
                (_, TokenKind::Colon) => (2, 1),
                (Kind::Category, TokenKind::Keyword(Keyword::Mynumber)) => (1, 1),
                (Kind::Category, TokenKind::Keyword(Keyword::In)) => (2, 2),
                (Kind::Data, TokenKind::Keyword(Keyword::Mynumber)) => (1, 2),
                (_, TokenKind::Str) => (1, slots - 1),
                (_, TokenKind::Keyword(_)) => (1, 1),
                _ => (1, next_slot),
            };
            let end = (i + take).min(b);
            // A part out of the expected order keeps its place after the
            // others rather than being moved.
            let slot = slot.max(next_slot).min(slots - 1);
            let cell = self.join(i, end);
            if !cells[slot].is_empty() && t.kind != TokenKind::Comma {
                cells[slot].push(' ');
            }
            cells[slot].push_str(&cell);
            next_slot = slot;
            i = end;
        }
        cells
    }

    /// Pattern columns: `allow A -> B : X, Y` | `for …` | `via …` | `basis …`.
    fn pattern_cells(&self, a: usize, b: usize) -> Vec<String> {
        let mut cells = vec![String::new(); 4];
        let mut start = a;
        let mut slot = 0;
        for i in a..=b {
            let next = if i == b {
                Some(4)
            } else {
                match self.tokens[i].kind {
                    TokenKind::Keyword(Keyword::For) => Some(1),
                    TokenKind::Keyword(Keyword::Via) => Some(2),
                    TokenKind::Keyword(Keyword::Basis) => Some(3),
                    _ => None,
                }
            };
            if let Some(n) = next
                && i > start
            {
                let cell = self.join(start, i);
                if cells[slot].is_empty() {
                    cells[slot] = cell;
                } else {
                    cells[slot].push(' ');
                    cells[slot].push_str(&cell);
                }
                start = i;
                slot = n.clamp(slot, 3);
            } else if let Some(n) = next {
                slot = n.clamp(slot, 3);
            }
        }
        cells
    }

    /// Emits a statement as one line of `cells`, or as broken lines when a
    /// comment sits inside it, or an annotation above it applies to its
    /// first line only.
    fn emit_cells(
        &mut self,
        a: usize,
        b: usize,
        indent: usize,
        cells: Vec<String>,
        kind: Option<Kind>,
    ) {
        // A suppression above covers a top-level statement whole, however
        // it is laid out; not an item of a block, nor a `contractor`
        // statement (`fmt::meaning` reads that keyword as a line's).
        let items = matches!(kind, Some(Kind::Purpose | Kind::Allow | Kind::Contractor));
        if self.annotation_above(a, items) && !self.one_line(a, b) {
            return self.pinned(a, b, indent, Wrap::None);
        }
        if self.inner_comment(a, b) {
            return self.flat(a, b, indent, None, false);
        }
        let comment = b.checked_sub(1).and_then(|i| self.comments_after(i));
        self.out.lines.push(Line {
            indent,
            cells,
            kind,
            comment,
            ..Line::default()
        });
    }

    /// A flow: one line, or wrapped before `for`/`via`/`basis` when long.
    fn flow(&mut self, a: usize, b: usize, indent: usize) {
        let one = self.join(a, b);
        let long = indent + display_width(&one) > WIDTH;
        // The comment looked for first: most flows have none above them.
        if self.annotation_above(a, false) && (long || !self.one_line(a, b)) {
            return self.pinned(a, b, indent, Wrap::Flow);
        }
        if long && !self.inner_comment(a, b) && !self.annotated(b) {
            return self.flat(a, b, indent, None, true);
        }
        if a < b && self.comment_free(a, b) {
            // What `flat` makes of a flow without comments, unwrapped: the
            // one line just joined (most flows).
            self.out.lines.push(Line {
                indent,
                cells: vec![one],
                ..Line::default()
            });
            return;
        }
        // Around comments on lines of their own, each stretch between them
        // is wrapped when long ([`Layout::segmented`]).
        let around = self.own_inside(a, b);
        self.flat(a, b, indent, None, around);
    }

    /// A section header, wrapped before `mynumber`/`basis` when long;
    /// around the comments inside it, or with the line an annotation
    /// after its `{` ends kept, as [`Layout::segmented`] lays them out.
    fn section_header(&mut self, a: usize, b: usize, indent: usize) {
        if self.inner_comment(a, b) || b.checked_sub(1).is_some_and(|i| self.annotation_after(i)) {
            return self.segmented(a, b, indent, Wrap::Header);
        }
        let one = self.join(a, b);
        if indent + display_width(&one) <= WIDTH {
            return self.flat(a, b, indent, None, false);
        }
        let split = (a..b).find(|&i| {
            matches!(
                self.tokens[i].kind,
                TokenKind::Keyword(Keyword::Mynumber | Keyword::Basis)
            )
        });
        match split {
            Some(s) => {
                self.out.lines.push(Line {
                    indent,
                    cells: vec![self.join(a, s)],
                    ..Line::default()
                });
                let comment = self.comments_after(b - 1);
                self.out.lines.push(Line {
                    indent: indent + 8,
                    cells: vec![self.join(s, b)],
                    comment,
                    ..Line::default()
                });
            }
            None => self.flat(a, b, indent, None, false),
        }
    }

    /// The body of an actor's block, tokens [a, b): each `clauses` list
    /// in it laid out on its own ([`Layout::clauses`]), so a second list
    /// starts at the body's indent as the first does, not as a
    /// continuation of the first.
    fn block_body(&mut self, a: usize, b: usize, indent: usize) {
        let mut start = a;
        while start < b {
            let end = (start + 1..b)
                .find(|&i| self.tokens[i].kind == TokenKind::Keyword(Keyword::Clauses))
                .unwrap_or(b);
            self.clauses(start, end, indent);
            start = end;
        }
    }

    /// A clauses list: one line, or broken after commas at the width.
    fn clauses(&mut self, a: usize, b: usize, indent: usize) {
        if a >= b {
            return;
        }
        self.own_comments_before(self.tokens[a].span.start, indent);
        if self.inner_comment(a, b) {
            return self.flat(a, b, indent, None, false);
        }
        let comment = self.comments_after(b - 1);
        let lead = self.word(a).to_string();
        let cont = indent + display_width(&lead) + 1;
        let mut line = lead;
        let mut cur_indent = indent;
        let mut i = a + 1;
        while i < b {
            // A name with the comma after it stays together.
            let end =
                if self.tokens.get(i + 1).map(|t| t.kind) == Some(TokenKind::Comma) && i + 1 < b {
                    i + 2
                } else {
                    i + 1
                };
            let piece = self.join(i, end);
            if cur_indent + display_width(&line) + 1 + display_width(&piece) > WIDTH
                && line.ends_with(',')
            {
                self.out.lines.push(Line {
                    indent: cur_indent,
                    cells: vec![std::mem::take(&mut line)],
                    ..Line::default()
                });
                cur_indent = cont;
                line = piece;
            } else {
                if !line.is_empty() {
                    line.push(' ');
                }
                line.push_str(&piece);
            }
            i = end;
        }
        self.out.lines.push(Line {
            indent: cur_indent,
            cells: vec![line],
            comment,
            ..Line::default()
        });
    }

    /// Tokens [a, b) as lines: broken after each token that carries a
    /// comment, and (when `wrap`) before `for`, `via` and `basis`;
    /// continuation lines are indented by four. When a comment on a line
    /// of its own or an annotation sits between them, they are laid out
    /// segment by segment around it ([`Layout::segmented`]).
    fn flat(&mut self, a: usize, b: usize, indent: usize, kind: Option<Kind>, wrap: bool) {
        let own = self.own_inside(a, b);
        if own || self.annotated_inside(a, b) {
            let wrap = if wrap || !own { Wrap::Flow } else { Wrap::None };
            return self.segmented(a, b, indent, wrap);
        }
        let mut start = a;
        let mut cur_indent = indent;
        for i in a..b {
            let breaks_before = i > start
                && wrap
                && matches!(
                    self.tokens[i].kind,
                    TokenKind::Keyword(Keyword::For | Keyword::Via | Keyword::Basis)
                );
            if breaks_before {
                self.out.lines.push(Line {
                    indent: cur_indent,
                    cells: vec![self.join(start, i)],
                    ..Line::default()
                });
                start = i;
                cur_indent = indent + 4;
            }
            if let Some(comment) = self.comments_after(i) {
                self.out.lines.push(Line {
                    indent: cur_indent,
                    cells: vec![self.join(start, i + 1)],
                    comment: Some(comment),
                    kind,
                    ..Line::default()
                });
                start = i + 1;
                cur_indent = indent + 4;
            }
        }
        if start < b {
            self.out.lines.push(Line {
                indent: cur_indent,
                cells: vec![self.join(start, b)],
                kind,
                ..Line::default()
            });
        }
    }

    /// Does an `# expect:` (or, when `suppressions`, a `# mynaflow:`) on a
    /// line of its own between the token before `a` and token `a` apply
    /// to `a`'s line? Those comments are emitted by then: the last ones.
    /// It covers that line only (an `# expect:` always; a suppression
    /// when no top-level statement starts there), so the line keeps its
    /// tokens, neither joined to the next nor wrapped.
    fn annotation_above(&self, a: usize, suppressions: bool) -> bool {
        let after = a
            .checked_sub(1)
            .and_then(|p| self.tokens.get(p))
            .map_or(0, |t| t.span.end);
        let Some(done) = self.own.get(..self.next_own) else {
            return false;
        };
        done.iter()
            .rev()
            .map(|&ci| &self.comments[ci])
            .take_while(|c| c.span.start >= after)
            .any(|c| {
                crate::expect::annotation(&c.text).is_some()
                    || (suppressions && crate::suppress::body_of(&c.text).is_some())
            })
    }

    /// Tokens [a, b) as [`Layout::segmented`] lays them out, their first
    /// line kept as written ([`Layout::annotation_above`]).
    fn pinned(&mut self, a: usize, b: usize, indent: usize, wrap: Wrap) {
        self.pin_first = true;
        self.segmented(a, b, indent, wrap);
        self.pin_first = false;
    }

    /// Tokens [a, b) with comments on lines of their own between them,
    /// laid out around those comments: each comment on a line of its own
    /// between the same two tokens, and the tokens between them laid out
    /// as a flow is. A line break goes after each token a comment follows;
    /// each stretch of tokens between those breaks is one line, or, when
    /// it passes [`WIDTH`], broken where `wrap` says;
    /// continuation lines and the comments are indented by four (eight in a
    /// section's header). A block's header (up to its `{`) is laid out so
    /// too, its body after it as bodies always are.
    ///
    /// An annotation (`# mynaflow:`, `# expect:`) applies to one line: an
    /// own-line one to the line after it, a trailing one to its own (or to
    /// the whole statement when that line starts it). That line keeps the
    /// tokens it holds in the source ([`Layout::annotated_lines`]), neither
    /// broken nor joined to the next, so the annotation covers the same
    /// findings of the same statement, and `mynaflow test` expects on the
    /// same line. The source line is the formatted one when formatted
    /// again: idempotent.
    fn segmented(&mut self, a: usize, b: usize, indent: usize, wrap: Wrap) {
        // Per token of [a, b): a break goes before it; no break may go
        // before it (it is on an annotation's line, after its first token).
        let mut forced = vec![false; b - a];
        let mut pinned = vec![false; b - a];
        let last_start = self.tokens[b - 1].span.start;
        for &ci in self.own.get(self.next_own..).unwrap_or_default() {
            let c = &self.comments[ci];
            if c.span.start >= last_start {
                break;
            }
            let after = a + self.tokens[a..b].partition_point(|t| t.span.start < c.span.start);
            forced[after - a] = true;
        }
        if !self.trailing.is_empty() {
            for i in a + 1..b {
                forced[i - a] |= self.trailing.contains_key(&(i - 1));
            }
        }
        // An annotation's line, tokens [from, to): kept whole.
        for line in self.annotated_lines(a, b) {
            if line.start > a {
                forced[line.start - a] = true;
            }
            if line.end < b {
                forced[line.end - a] = true;
            }
            for p in &mut pinned[(line.start + 1 - a).min(b - a)..(line.end - a)] {
                *p = true;
            }
        }
        let more = indent + wrap.continued();
        let mut cur_indent = indent;
        let mut start = a;
        while start < b {
            let end = (start + 1..b).find(|&i| forced[i - a]).unwrap_or(b);
            if start > a {
                self.own_comments_inside(self.tokens[start].span.start, more);
            }
            let long =
                wrap != Wrap::None && cur_indent + display_width(&self.join(start, end)) > WIDTH;
            let mut from = start;
            for i in start + 1..end {
                // A header is broken once, before the first of its
                // `mynumber` and `basis`, as a long one without comments is.
                let splits = long
                    && !pinned[i - a]
                    && (wrap == Wrap::Flow || from == start)
                    && wrap.before(self.tokens[i].kind);
                if splits {
                    self.out.lines.push(Line {
                        indent: cur_indent,
                        cells: vec![self.join(from, i)],
                        ..Line::default()
                    });
                    from = i;
                    cur_indent = more;
                }
            }
            self.out.lines.push(Line {
                indent: cur_indent,
                cells: vec![self.join(from, end)],
                comment: self.comments_after(end - 1),
                ..Line::default()
            });
            cur_indent = more;
            start = end;
        }
    }

    /// The lines of tokens [a, b) that an annotation applies to, each as
    /// the tokens it holds in the source: the line after an own-line one
    /// inside [a, b) (up to the next line break), the line a trailing one
    /// ends (from its first token in [a, b)). The own-line comments before
    /// token `a` are emitted by then, so only those after it are read.
    fn annotated_lines(&self, a: usize, b: usize) -> Vec<Range<usize>> {
        let mut lines = Vec::new();
        let Some(last) = self.tokens.get(a..b).and_then(<[Token]>::last) else {
            return lines;
        };
        if self.pin_first {
            let mut end = a + 1;
            while end < b && !self.breaks_before(end) {
                end += 1;
            }
            lines.push(a..end);
        }
        for &ci in self.own.get(self.next_own..).unwrap_or_default() {
            let c = &self.comments[ci];
            if c.span.start >= last.span.start {
                break;
            }
            if is_annotation(c) {
                let after = a + self.tokens[a..b].partition_point(|t| t.span.start < c.span.start);
                let mut end = after + 1;
                while end < b && !self.breaks_before(end) {
                    end += 1;
                }
                lines.push(after..end);
            }
        }
        if !self.trailing.is_empty() {
            for i in a..b {
                if self.annotation_after(i) {
                    let mut from = i;
                    while from > a && !self.breaks_before(from) {
                        from -= 1;
                    }
                    lines.push(from..i + 1);
                }
            }
        }
        lines
    }

    /// Does an annotation apply to a line of the block statement [a, b)
    /// (its `{` at `brace`) that its block layout would break: one running
    /// from the header into the body, from the body onto the `}`, or over
    /// two items of a section? Such a statement is laid out whole around
    /// its comments ([`Layout::segmented`]), the line kept as written.
    fn block_straddled(&self, a: usize, brace: usize, b: usize) -> bool {
        let close = match self.tokens.get(b.wrapping_sub(1)) {
            Some(t) if t.kind == TokenKind::RBrace => b - 1,
            _ => b,
        };
        self.annotated_lines(a, b).iter().any(|line| {
            (line.start + 1..line.end).any(|i| {
                i == brace + 1
                    || i == close
                    || matches!(
                        self.tokens[i].kind,
                        TokenKind::Keyword(Keyword::Purpose | Keyword::Allow)
                    )
            })
        })
    }
}

/// Where [`Layout::segmented`] breaks a stretch of tokens past [`WIDTH`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Wrap {
    /// Nowhere (a declaration, an actor's header).
    None,
    /// Before each `for`, `via` and `basis` (a flow).
    Flow,
    /// Before the first `mynumber` or `basis` (a section's header).
    Header,
}

impl Wrap {
    /// How far continuation lines and comments go in: eight for a
    /// section's header, as its wrapped line does (clear of the body's
    /// two), else four.
    fn continued(self) -> usize {
        if self == Wrap::Header { 8 } else { 4 }
    }

    /// Is a break allowed before a token of kind `kind`?
    fn before(self, kind: TokenKind) -> bool {
        match self {
            Wrap::None => false,
            Wrap::Flow => matches!(
                kind,
                TokenKind::Keyword(Keyword::For | Keyword::Via | Keyword::Basis)
            ),
            Wrap::Header => matches!(kind, TokenKind::Keyword(Keyword::Mynumber | Keyword::Basis)),
        }
    }
}

/// How many of `tokens` start before byte `at`
/// (`tokens.partition_point(|t| t.span.start < at)`), searched from
/// `hint` (an earlier answer): forward in steps that double, so a walk
/// through a part's statements costs a few steps each instead of a binary
/// search over the part; backward, a binary search before the hint.
fn tokens_before(tokens: &[Token], at: u32, hint: usize) -> usize {
    let before = |k: usize| tokens.get(k).is_some_and(|t| t.span.start < at);
    let count = |r: Range<usize>| {
        tokens
            .get(r)
            .map_or(0, |ts| ts.partition_point(|t| t.span.start < at))
    };
    let h = hint.min(tokens.len());
    if h > 0 && !before(h - 1) {
        return count(0..h - 1);
    }
    // Every token before `lo` starts before `at`; the one at `hi` (or the
    // end) does not.
    let mut lo = h;
    let mut step = 1;
    let hi = loop {
        let probe = lo + step - 1;
        if probe >= tokens.len() {
            break tokens.len();
        }
        if !before(probe) {
            break probe;
        }
        lo = probe + 1;
        step *= 2;
    };
    lo + count(lo..hi)
}

/// Is `c` a suppression or an `# expect:`, which applies to a line?
fn is_annotation(c: &Comment) -> bool {
    crate::suppress::body_of(&c.text).is_some() || crate::expect::annotation(&c.text).is_some()
}

/// A comment as written canonically: `#` and its text, trailing blanks removed.
fn comment_text(c: &Comment) -> String {
    format!("#{}", c.text.trim_end())
}

/// Renders a run of lines (lines of one kind and indent, with own-line
/// comments between them, or a single line), aligning their columns and
/// their trailing comments; with the anchors of the lines that have an
/// origin. `started` when something was written before `out` (by the
/// parts before), so a blank line may go first.
fn render_run(run: &[Line], started: bool, out: &mut String, anchors: &mut Vec<(usize, usize)>) {
    if let [line] = run {
        // A line alone (most flows): nothing to align, no list of texts.
        let text = present_cells(&line.cells);
        let comment_col = comment_column([(line, &*text)]);
        return write_line(line, &text, comment_col, started, out, anchors);
    }
    let widths = column_widths(run);
    let texts: Vec<Cow<'_, str>> = run
        .iter()
        .map(|l| {
            if l.is_comment {
                return present_cells(&l.cells);
            }
            let last = l.cells.iter().rposition(|c| !c.is_empty()).unwrap_or(0);
            let mut s = String::new();
            for (c, cell) in l.cells.iter().enumerate().take(last + 1) {
                s.push_str(cell);
                if c < last && widths[c] > 0 {
                    s.push_str(&" ".repeat(widths[c] - display_width(cell) + 1));
                }
            }
            Cow::Owned(s)
        })
        .collect();
    let comment_col = comment_column(run.iter().zip(texts.iter().map(|t| &**t)));
    for (l, t) in run.iter().zip(&texts) {
        write_line(l, t, comment_col, started, out, anchors);
    }
}

/// Where the trailing comments of a run go (before the gap): after the
/// widest of its lines with a comment that fit in [`WIDTH`].
fn comment_column<'a>(lines: impl IntoIterator<Item = (&'a Line, &'a str)>) -> usize {
    lines
        .into_iter()
        .filter(|(l, _)| !l.is_comment && l.comment.is_some())
        .map(|(l, t)| l.indent + display_width(t))
        .filter(|&w| w <= WIDTH)
        .max()
        .unwrap_or(0)
}

/// Writes line `l` of a run, its cells laid out as `text`, its trailing
/// comment at `comment_col` (see [`render_run`]).
fn write_line(
    l: &Line,
    text: &str,
    comment_col: usize,
    started: bool,
    out: &mut String,
    anchors: &mut Vec<(usize, usize)>,
) {
    if l.blank_before && (started || !out.is_empty()) {
        out.push('\n');
    }
    if let Some(at) = l.origin {
        anchors.push((at as usize, out.len()));
    }
    // The line is written in place, then its trailing blanks dropped:
    // what writing it whole and trimmed gives, without a copy.
    let line_start = out.len();
    out.extend(std::iter::repeat_n(' ', l.indent));
    out.push_str(text);
    if let Some(c) = &l.comment {
        if !text.is_empty() {
            let written = out.get(line_start..).map_or(0, display_width);
            let pad = comment_col.saturating_sub(written) + GAP;
            out.extend(std::iter::repeat_n(' ', pad));
        }
        out.push_str(c);
    }
    let kept = out
        .get(line_start..)
        .map_or(0, |line| line.trim_end().len());
    out.truncate(line_start + kept);
    out.push('\n');
}

/// The widest cell of each column of a run, own-line comments aside.
fn column_widths(run: &[Line]) -> Vec<usize> {
    let cols = run.iter().map(|l| l.cells.len()).max().unwrap_or(0);
    let mut widths = vec![0; cols];
    for l in run.iter().filter(|l| !l.is_comment) {
        for (c, cell) in l.cells.iter().enumerate() {
            widths[c] = widths[c].max(display_width(cell));
        }
    }
    widths
}

/// The cells of an unaligned line that are not empty, one space between
/// them; borrowed when there is only one (most lines).
fn present_cells(cells: &[String]) -> Cow<'_, str> {
    let mut present = cells.iter().filter(|c| !c.is_empty());
    match (present.next(), present.next()) {
        (None, _) => Cow::Borrowed(""),
        (Some(one), None) => Cow::Borrowed(one),
        (Some(_), Some(_)) => {
            let all: Vec<&str> = cells
                .iter()
                .map(String::as_str)
                .filter(|c| !c.is_empty())
                .collect();
            Cow::Owned(all.join(" "))
        }
    }
}

/// The display width of `s`, as `unicode-width` counts it, without its
/// table lookups on the text most designs are written in: an all-ASCII
/// printable text is as wide as it is long; printable ASCII, kana and
/// CJK ideographs ([`common_width`]) count one and two columns each.
/// Anything else is counted by `unicode-width`.
fn display_width(s: &str) -> usize {
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return s.len();
    }
    let mut width = 0;
    for c in s.chars() {
        match common_width(c) {
            Some(w) => width += w,
            None => return s.width(),
        }
    }
    width
}

/// The width of a character of the common scripts of a design, which
/// `unicode-width` gives whatever is next to it (no sequence rule
/// involves them alone): printable ASCII (1), and the East Asian Wide
/// ideographic space and punctuation, kana (voicing marks that combine
/// aside) and CJK unified ideographs (2). None for any other character.
fn common_width(c: char) -> Option<usize> {
    match c {
        ' '..='~' => Some(1),
        '\u{3000}'..='\u{3029}'
        | '\u{3041}'..='\u{3096}'
        | '\u{309b}'..='\u{30ff}'
        | '\u{4e00}'..='\u{9fff}' => Some(2),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_spacing_and_alignment() {
        let src = "use \"kenpo\"\nactor A:組合   # a\nactor 長い名前 :  委託先 \"ラベル\"\n\n\n\nflow A->長い名前：X，Y for P\n";
        let out = format(src).unwrap();
        assert_eq!(
            out,
            "use \"kenpo\"\nactor A        : 組合   # a\nactor 長い名前 : 委託先 \"ラベル\"\n\nflow A -> 長い名前 : X, Y for P\n"
        );
        assert_eq!(format(&out).unwrap(), out);
    }

    #[test]
    fn wraps_long_flows_unless_annotated() {
        let long = "あ".repeat(40);
        let src = format!("flow A -> B : {long} for P via C basis \"x\"\n");
        let out = format(&src).unwrap();
        assert_eq!(
            out,
            format!("flow A -> B : {long}\n    for P\n    via C\n    basis \"x\"\n")
        );
        let annotated = format!("flow A -> B : {long} for P via C   # expect: MN104\n");
        assert_eq!(format(&annotated).unwrap().lines().count(), 1);
    }

    /// Formats `src` cut into parts of about `size` bytes.
    fn in_parts(src: &str, size: usize) -> Result<Option<Formatted>, Text> {
        let bounds = part_bounds(src, size);
        assert!(bounds.len() > 3, "cut in parts: {bounds:?}");
        format_parts(src, &bounds, false, Copies::Shared)
    }

    #[test]
    fn parts_format_as_one_pass() {
        let mut src = String::from(
            "use \"kenpo\"\nactor A:組合   # a\nactor 長い名前 :  委託先 \"ラベル\"\n",
        );
        for i in 0..30 {
            src.push_str(&format!(
                "flow A->長い名前：X{i}，Y for P   # expect: MN102\n"
            ));
            if i % 7 == 0 {
                src.push_str(&format!(
                    "\n\n# own {i}\ndata X{i}:氏名\ndata long{i}  : 氏名 mynumber\n# after\n"
                ));
            }
        }
        let society = include_str!("../examples/kenpo-society.myna");
        let varied = varied();
        for text in [src.as_str(), society, varied.as_str()] {
            let whole = format_parts(text, &[0, text.len()], true, Copies::Shared)
                .unwrap()
                .unwrap();
            for size in [40, 100, 333] {
                let parts = in_parts(text, size).unwrap().unwrap();
                assert_eq!(parts, whole, "size {size}");
            }
            assert_eq!(format_with_anchors(text).unwrap(), whole);
        }
    }

    /// A design whose parts (of about 100 bytes) end in blank lines,
    /// comments and aligned declarations.
    fn varied() -> String {
        let mut src = String::from("use \"kenpo\"\nactor A:組合   # a\n");
        for i in 0..30 {
            src.push_str(&format!("flow A->B：X{i}，Y for P   # expect: MN102\n"));
            match i % 4 {
                0 => src.push_str(&format!("\n\n# own {i}   \n\n")),
                1 => src.push_str(&format!("data X{i}:氏名\ndata long{i}  : 氏名 mynumber\n")),
                2 => src.push_str("\n\n\n"),
                _ => {}
            }
        }
        src
    }

    #[test]
    fn parts_laid_out_from_a_wrong_start_are_laid_out_again() {
        let src = varied();
        let whole = format_parts(&src, &[0, src.len()], true, Copies::Shared)
            .unwrap()
            .unwrap();
        let bounds = part_bounds(&src, 100);
        let ranges: Vec<Range<usize>> = bounds.windows(2).map(|w| w[0]..w[1]).collect();
        assert!(ranges.len() > 5);
        // Every start wrong: nothing written, or the end two lines back.
        for wrong in [
            |_: &str, _: usize| Start::FILE,
            |src: &str, at: usize| Start {
                last_end: src[..at.saturating_sub(1)].rfind('\n').unwrap_or(0),
                written: at > 0,
            },
        ] {
            let laid = ranges
                .iter()
                .map(|r| {
                    let buffers = &mut Buffers::default();
                    lay_out_part(&src, r.clone(), wrong(&src, r.start), false, buffers)
                })
                .collect();
            let joined = join_parts(&src, ranges.clone(), laid, false);
            assert_eq!(joined.unwrap().unwrap(), whole);
        }
    }

    #[test]
    fn a_guessed_start_agrees_anywhere_on_the_same_line() {
        let src = "flow A -> B : X   # c  \n\nflow A -> B : Y\n";
        let at = src.find("\n\n").unwrap();
        let actual = Start {
            last_end: at,
            written: true,
        };
        assert_eq!(Start::guess(src, at + 2).last_end, at - 2);
        assert!(Start::guess(src, at + 2).agrees(src, actual));
        assert!(actual.agrees(src, Start::guess(src, at + 2)));
        let next_line = Start {
            last_end: at + 1,
            written: true,
        };
        assert!(!next_line.agrees(src, actual));
        assert!(!Start::FILE.agrees(
            src,
            Start {
                last_end: 0,
                written: true
            }
        ));
        assert!(Start::guess(src, 0) == Start::FILE);
    }

    #[test]
    fn a_part_with_an_error_is_formatted_in_one_pass() {
        let mut src = String::new();
        for i in 0..40 {
            src.push_str(&format!("flow A -> B : X{i} for P\n"));
        }
        src.push_str("flow A -> : \n");
        assert_eq!(in_parts(&src, 100).unwrap(), None);
        let whole = format_parts(&src, &[0, src.len()], true, Copies::Shared).unwrap_err();
        assert!(whole.en.contains("it has errors (MN001"), "{}", whole.en);
    }

    #[test]
    fn refuses_naming_the_first_error_in_the_text_whatever_follows() {
        // Of many errors of two codes, the first written is named, though
        // most of each code are kept as their places only.
        let broken = |first: &str, then: &str| {
            let mut src = format!("{first}\n");
            for _ in 0..500 {
                src.push_str(then);
                src.push('\n');
            }
            format(&src).map_err(|why| why.en)
        };
        let syntax = "flow A -> : ";
        let unterminated = "actor A : 組合 \"abc";
        let why = broken(syntax, unterminated).unwrap_err();
        assert!(why.contains("(MN001"), "{why}");
        let why = broken(unterminated, syntax).unwrap_err();
        assert!(why.contains("(MN002"), "{why}");
    }

    #[test]
    fn refuses_broken_input() {
        assert!(format("flow A -> : \n").is_err());
        assert!(format("actor \"open\n").is_err());
    }

    /// Strings of every kind a design holds: ASCII, controls, kanji,
    /// full-width forms, combining marks, emoji and their sequences.
    fn width_samples() -> Vec<String> {
        let pieces = [
            "",
            " ",
            "a",
            "flow",
            "->",
            "~",
            "\t",
            "\u{7f}",
            "\u{1}",
            "\r",
            "組合",
            "ｱ",
            "Ａ",
            "：",
            "\u{3000}",
            "e\u{301}",
            "\u{301}",
            "\u{200d}",
            "👍",
            "👍🏽",
            "👨\u{200d}👩\u{200d}👧",
            "\u{fe0f}",
            "❤\u{fe0f}",
            "🇯🇵",
            "\u{ac00}",
            "\u{1100}\u{1161}",
            "\u{ff9e}",
            "»",
            "\u{a0}",
            "\u{ad}",
            "ﾃﾞｰﾀ",
            "\"名前\"",
        ];
        let mut all: Vec<String> = pieces.iter().map(|p| p.to_string()).collect();
        for a in pieces {
            for b in pieces {
                all.push(format!("{a}{b}"));
                all.push(format!("  {a} x {b}"));
            }
        }
        for b in 0u8..=0x7f {
            all.push(format!("ab{}cd", b as char));
        }
        // Every character of the common scripts, alone and next to the
        // characters that start or end a sequence.
        let common = ('\u{0}'..='\u{a000}').filter(|&c| common_width(c).is_some());
        for c in common {
            all.push(c.to_string());
            for p in pieces {
                all.push(format!("{c}{p}"));
                all.push(format!("{p}{c}組"));
            }
        }
        all
    }

    #[test]
    fn tokens_before_is_a_partition_point_from_any_hint() {
        let src = "flow A -> B : X, Y for P\n\nactor 組合 : 組合 \"ラ ベ ル\"\n# c\nflow 👍 → B：X";
        let tokens = crate::syntax::lexer::lex(FileId(0), src).tokens;
        for n in 0..=tokens.len() {
            let tokens = &tokens[..n];
            for at in 0..=src.len() as u32 + 2 {
                let want = tokens.partition_point(|t| t.span.start < at);
                for hint in 0..=n + 2 {
                    assert_eq!(tokens_before(tokens, at, hint), want, "{n} {at} {hint}");
                }
            }
        }
    }

    /// `render_run` as it was before it wrote lines in place: the
    /// reference the faster one must equal.
    fn render_run_reference(
        run: &[Line],
        started: bool,
        out: &mut String,
        anchors: &mut Vec<(usize, usize)>,
    ) {
        let cols = run.iter().map(|l| l.cells.len()).max().unwrap_or(0);
        let mut widths = vec![0; cols];
        for l in run.iter().filter(|l| !l.is_comment) {
            for (c, cell) in l.cells.iter().enumerate() {
                widths[c] = widths[c].max(cell.width());
            }
        }
        let texts: Vec<String> = run
            .iter()
            .map(|l| {
                if l.is_comment || run.len() == 1 {
                    let present: Vec<&str> = l
                        .cells
                        .iter()
                        .map(String::as_str)
                        .filter(|c| !c.is_empty())
                        .collect();
                    return present.join(" ");
                }
                let last = l.cells.iter().rposition(|c| !c.is_empty()).unwrap_or(0);
                let mut s = String::new();
                for (c, cell) in l.cells.iter().enumerate().take(last + 1) {
                    s.push_str(cell);
                    if c < last && widths[c] > 0 {
                        s.push_str(&" ".repeat(widths[c] - cell.width() + 1));
                    }
                }
                s
            })
            .collect();
        let comment_col = run
            .iter()
            .zip(&texts)
            .filter(|(l, _)| !l.is_comment && l.comment.is_some())
            .map(|(l, t)| l.indent + t.width())
            .filter(|&w| w <= WIDTH)
            .max()
            .unwrap_or(0);
        for (l, t) in run.iter().zip(&texts) {
            if l.blank_before && (started || !out.is_empty()) {
                out.push('\n');
            }
            if let Some(at) = l.origin {
                anchors.push((at as usize, out.len()));
            }
            let mut line = " ".repeat(l.indent);
            line.push_str(t);
            if let Some(c) = &l.comment {
                let pad = comment_col.saturating_sub(line.width()) + GAP;
                if t.is_empty() {
                    line.push_str(c);
                } else {
                    line.push_str(&" ".repeat(pad));
                    line.push_str(c);
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }

    #[test]
    fn runs_render_as_the_reference_renders_them() {
        let samples = width_samples();
        let cell = |i: usize| samples[(i * 7919) % samples.len()].clone();
        let mut runs = Vec::new();
        for i in 0..3000 {
            let len = 1 + i % 4;
            let run: Vec<Line> = (0..len)
                .map(|j| {
                    let k = i * 5 + j;
                    let cells = match k % 4 {
                        0 => vec![cell(k)],
                        1 => vec![cell(k), String::new(), cell(k + 1)],
                        2 => vec![String::new(), cell(k), cell(k + 2), " ".repeat(k % 3)],
                        _ => vec!["a".repeat(k % 120), cell(k + 3)],
                    };
                    Line {
                        indent: [0, 2, 4, 99][k % 4],
                        cells,
                        kind: Some(Kind::Data),
                        comment: (k % 3 != 0).then(|| format!("# {}", cell(k + 4))),
                        blank_before: k % 5 == 0,
                        is_comment: k % 7 == 0,
                        origin: (k % 2 == 0).then_some(k as u32),
                    }
                })
                .collect();
            runs.push(run);
        }
        for run in &runs {
            for (started, before) in [(false, ""), (true, ""), (false, "x\n")] {
                let (mut out, mut anchors) = (before.to_string(), Vec::new());
                render_run(run, started, &mut out, &mut anchors);
                let (mut want, mut want_anchors) = (before.to_string(), Vec::new());
                render_run_reference(run, started, &mut want, &mut want_anchors);
                assert_eq!(out, want, "{run:?}");
                assert_eq!(anchors, want_anchors);
            }
        }
    }

    #[test]
    fn display_width_is_unicode_width() {
        for s in width_samples() {
            assert_eq!(display_width(&s), s.width(), "{s:?}");
        }
        for c in ('\u{0}'..='\u{a000}').filter(|&c| common_width(c).is_some()) {
            assert_eq!(
                common_width(c),
                unicode_width::UnicodeWidthChar::width(c),
                "{c:?}"
            );
        }
    }

    #[test]
    fn present_cells_join_the_cells_that_are_not_empty() {
        let samples = width_samples();
        for a in samples.iter().take(40) {
            for b in ["", "x", "組合"] {
                for cells in [
                    vec![a.clone()],
                    vec![a.clone(), b.to_string()],
                    vec![String::new(), a.clone(), String::new(), b.to_string()],
                ] {
                    let want: Vec<&str> = cells
                        .iter()
                        .map(String::as_str)
                        .filter(|c| !c.is_empty())
                        .collect();
                    assert_eq!(present_cells(&cells), want.join(" "), "{cells:?}");
                }
            }
        }
    }

    #[test]
    fn a_flow_without_comments_is_the_line_flat_gives() {
        let long = "あ".repeat(40);
        let src = format!(
            "flow A->B：X，Y for P\nflow A -> B : {long} for P via C\nflow A -> B : X, # c\n  Y for P # d\nflow \"組 合\" → B : 👍🏽 for P   # expect: MN104\nflow A -> B : e\u{301} via C\n"
        );
        let parsed = crate::syntax::parser::parse(FileId(0), &src);
        let lexed = crate::syntax::lexer::lex(FileId(0), &src);
        let tokens = &lexed.tokens[..lexed.tokens.len() - 1];
        let comments = &parsed.file.comments;
        let mut flows = 0;
        for stmt in &parsed.file.stmts {
            let lines = |fast: bool| {
                let mut out = Output::default();
                let mut layout = Layout::new(&src, tokens, comments, &mut out);
                let (a, b) = layout.range(stmt.span());
                for indent in [0, 2, 40] {
                    if fast {
                        layout.flow(a, b, indent);
                    } else {
                        let one = layout.join(a, b);
                        let long = indent + one.width() > WIDTH;
                        let wrap = long && !layout.inner_comment(a, b) && !layout.annotated(b);
                        layout.flat(a, b, indent, None, wrap);
                    }
                }
                format!("{:?}", out.lines)
            };
            assert_eq!(lines(true), lines(false));
            flows += 1;
        }
        assert_eq!(flows, 5);
    }

    #[test]
    fn keeps_comments_inside_statements() {
        let src = "flow A -> B : X, # one\n  Y for P # two\n";
        let out = format(src).unwrap();
        assert_eq!(out, "flow A -> B : X,   # one\n    Y for P   # two\n");
    }

    /// A comment on a line of its own inside a statement stays there,
    /// between the same two tokens, and the tokens between such comments
    /// are laid out as a flow is: one line each, wrapped before
    /// `for`/`via`/`basis` when long.
    #[test]
    fn keeps_own_line_comments_inside_statements_where_they_are() {
        let xs = "X, ".repeat(40) + "X";
        let cases = [
            // A flow (the seventh audit's D2), and one whose first segment
            // is over the width: wrapped before its `for`, not where the
            // source broke it.
            (
                "flow A -> B : X\n# c\n  for P\nflow A -> C : X for P\n",
                "flow A -> B : X\n    # c\n    for P\nflow A -> C : X for P\n",
            ),
            (
                &*format!("flow A -> B : {xs} for\n  # c\n  P via Q\n"),
                &*format!("flow A -> B : {xs}\n    for\n    # c\n    P via Q\n"),
            ),
            // Odd breaks within a segment: joined.
            (
                "flow A\n -> B\n : X\n# c\n  for P\n via Q\n",
                "flow A -> B : X\n    # c\n    for P via Q\n",
            ),
            // Right after `flow`; two comments in one statement.
            (
                "flow\n# c\nA -> B : X for P\n",
                "flow\n    # c\n    A -> B : X for P\n",
            ),
            (
                "flow A -> B\n# c\n: X\n  # d\n  for P\n",
                "flow A -> B\n    # c\n    : X\n    # d\n    for P\n",
            ),
            // A declaration, aligned no more.
            (
                "actor A : 組合\nactor B :\n # c\n 事業主\n",
                "actor A : 組合\nactor B :\n    # c\n    事業主\n",
            ),
            // A clauses list, and a section header (indented by eight,
            // as its wrapped line is).
            (
                "actor A : 委託先 {\n  clauses X,\n  # c\n  Y\n}\n",
                "actor A : 委託先 {\n  clauses X,\n      # c\n      Y\n}\n",
            ),
            (
                "section S\n# c\nmynumber\n basis \"b\" {\n  purpose P \"p\"\n}\n",
                "section S\n        # c\n        mynumber basis \"b\" {\n  purpose P \"p\"\n}\n",
            ),
            // A declaration broken oddly: one line a segment; so is the
            // header of a block, its block laid out as always.
            (
                "data D\n  :\n  健診データ\n  # c\n  mynumber\n",
                "data D : 健診データ\n    # c\n    mynumber\n",
            ),
            (
                "actor A :\n# c\n委託先\n \"L\" {\n  clauses X\n}\n",
                "actor A :\n    # c\n    委託先 \"L\" {\n  clauses X\n}\n",
            ),
            // A comment right after a `{`, after another statement: no
            // blank line before it.
            (
                "use U\nactor A : 委託先 {\n  # c\n  clauses X\n}\n",
                "use U\nactor A : 委託先 {\n  # c\n  clauses X\n}\n",
            ),
            (
                "actor A :\n# c\n委託先 \"L\" { clauses X }\n",
                "actor A :\n    # c\n    委託先 \"L\" {\n  clauses X\n}\n",
            ),
        ];
        for (src, want) in cases {
            let out = format(src).unwrap();
            assert_eq!(out, want, "{src}");
            assert_eq!(format(&out).as_deref(), Ok(want), "{src}");
        }
    }

    /// An annotation inside a statement applies to one line (an own-line
    /// one to the line after it, a trailing one to its own): that line
    /// keeps the tokens it holds, neither joined to the next nor wrapped,
    /// while the rest of the statement is laid out around it.
    #[test]
    fn an_annotation_inside_a_statement_keeps_the_tokens_of_its_line() {
        let long = "あ".repeat(30);
        let a = "# mynaflow: allow MN202 reason=\"r\"";
        let cases = [
            // Not joined to `via C basis "y"` after it, which is.
            (
                format!("flow A -> B : X\n  {a}\n  for P\n  via C\n basis \"y\"\n"),
                format!("flow A -> B : X\n    {a}\n    for P\n    via C basis \"y\"\n"),
            ),
            // Not wrapped, though over the width; the next segment is.
            (
                format!("flow A -> B : X\n# expect: MN202\nfor {long} via {long}\n"),
                format!("flow A -> B : X\n    # expect: MN202\n    for {long} via {long}\n"),
            ),
            (
                format!(
                    "flow A -> B : X\n# c\nfor {long} via {long}\n# expect: MN202\nbasis \"y\"\n"
                ),
                format!(
                    "flow A -> B : X\n    # c\n    for {long}\n    via {long}\n    # expect: MN202\n    basis \"y\"\n"
                ),
            ),
            // A trailing one: its line starts where it did.
            (
                format!("flow A -> B\n  : X for P   {a}\n  # c\n  via C\n"),
                format!("flow A -> B\n    : X for P   {a}\n    # c\n    via C\n"),
            ),
        ];
        for (src, want) in cases {
            let out = format(&src).unwrap();
            assert_eq!(out, want, "{src}");
            assert_eq!(format(&out).as_deref(), Ok(&*want), "{src}");
        }
    }

    /// An annotation on a line of its own applies to the whole next line;
    /// when that line starts a second statement, the layout would move it
    /// out of the annotation's reach: refused, not laid out.
    #[test]
    fn refuses_an_annotation_whose_line_holds_two_statements() {
        for src in [
            "flow A -> B : X\n# mynaflow: allow MN202 reason=\"r\"\n  for P flow A -> C : X for P\n",
            "# expect: MN202\nflow A -> B : X for P flow A -> C : X for P\n",
        ] {
            let Err(why) = format(src) else {
                panic!("{src}")
            };
            assert!(
                why.en.contains("holds more than one statement"),
                "{}",
                why.en
            );
        }
        // A plain comment applies to nothing.
        assert!(format("# c\nflow A -> B : X for P flow A -> C : X for P\n").is_ok());
        // In a file laid out in parts, the part gives up and the one pass
        // refuses.
        let mut src = String::new();
        for i in 0..40 {
            src.push_str(&format!("flow A -> B : X{i} for P\n"));
        }
        src.push_str(
            "# mynaflow: allow MN202 reason=\"r\"\nflow A -> B : X for P flow A -> C : X for P\n",
        );
        assert!(matches!(in_parts(&src, 100), Ok(None)));
        assert!(format(&src).is_err());
    }
}
