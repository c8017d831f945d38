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
//!   annotation stays on the statement's line); blank lines between
//!   statements fold to one.
//!
//! The formatter refuses a file with syntax errors, and checks its own
//! output: the formatted text must give the same tokens (kinds and values)
//! and the same comments as the original, hence the same syntax tree and
//! model. It refuses to write when they differ.

use crate::code::Severity;
use crate::span::{FileId, Span};
use crate::syntax::ast::{File, Stmt};
use crate::syntax::lexer::lex;
use crate::syntax::parse;
use crate::syntax::parser::parse_lexed;
use crate::syntax::token::{Comment, Keyword, Token, TokenKind};
use crate::text;
use crate::text::Text;
use std::collections::HashMap;
use unicode_width::UnicodeWidthStr;

pub mod diff;

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

/// [`format`], with the anchors that align the source and the result.
pub fn format_with_anchors(src: &str) -> Result<Formatted, Text> {
    // The parser's tokens are dropped as soon as it is done, and the
    // source is lexed again for the layout and the meaning check: one
    // lexing more, but never two copies of the tokens beside the tree
    // (at a million flows: a peak of 1.55 GiB instead of 1.7, same time).
    let parsed = parse(FileId(0), src);
    if let Some(d) = parsed
        .diagnostics
        .iter()
        .find(|d| d.severity == Severity::Error)
    {
        return Err(
            text!("it has errors ({}: {}); fix them first", d.code.as_str(), d.message.en;
                  "エラーがあります ({}: {})。先に直してください", d.code.as_str(), d.message.ja),
        );
    }
    let src_tokens = lex(FileId(0), src).tokens;
    let tokens: Vec<&Token> = src_tokens
        .iter()
        .filter(|t| t.kind != TokenKind::Eof)
        .collect();
    let (text, anchors) = Layout::new(src, &tokens, &parsed.file.comments).run(&parsed.file);
    // The source's tree is not needed any more: freed before the output
    // is read, so the two never take memory at once.
    drop(tokens);
    let File { stmts, comments } = parsed.file;
    drop(stmts);
    same_meaning(src, src_tokens, &comments, &text)?;
    Ok(Formatted { text, anchors })
}

/// Checks that `out` reads as `src` (read as `tokens` and `comments`)
/// does: the same tokens, the same comments, and no errors.
fn same_meaning(
    src: &str,
    tokens: Vec<Token>,
    comments: &[Comment],
    out: &str,
) -> Result<(), Text> {
    let refuse = |why: &str| {
        Err(
            text!("the formatted text would differ in meaning ({why}); nothing was written";
                  "整形後の内容が変わってしまうため ({why})、書き換えませんでした"),
        )
    };
    let b = lex(FileId(0), out);
    // Punctuation is one token whatever its spelling (`→`, `：`); names,
    // strings and keywords keep their text.
    let same_token = |x: &Token, y: &Token| {
        x.kind == y.kind
            && (!matches!(
                x.kind,
                TokenKind::Name | TokenKind::Str | TokenKind::Keyword(_)
            ) || x.text(src) == y.text(out))
    };
    if tokens.len() != b.tokens.len()
        || !tokens.iter().zip(&b.tokens).all(|(x, y)| same_token(x, y))
    {
        return refuse("tokens");
    }
    if comments.len() != b.comments.len()
        || !comments
            .iter()
            .zip(&b.comments)
            .all(|(x, y)| x.text.trim_end() == y.text.trim_end())
    {
        return refuse("comments");
    }
    drop(tokens);
    let reparsed = parse_lexed(out, b);
    if reparsed
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error)
    {
        return refuse("syntax");
    }
    Ok(())
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
    tokens: &'a [&'a Token],
    comments: &'a [Comment],
    /// Trailing comments by the index of the token they follow.
    trailing: HashMap<usize, Vec<usize>>,
    /// Own-line comments, in order, and how many are emitted.
    own: Vec<usize>,
    next_own: usize,
    lines: Vec<Line>,
    /// End of the last thing emitted, for blank-line detection.
    last_end: usize,
}

impl<'a> Layout<'a> {
    fn new(src: &'a str, tokens: &'a [&'a Token], comments: &'a [Comment]) -> Self {
        let mut trailing: HashMap<usize, Vec<usize>> = HashMap::new();
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
            lines: Vec::new(),
            last_end: 0,
        }
    }

    fn run(mut self, file: &File) -> (String, Vec<(usize, usize)>) {
        for stmt in &file.stmts {
            self.statement(stmt, 0);
        }
        self.own_comments_before(u32::MAX, 0);
        render(&self.lines)
    }

    /// Records that line `line` (if it was emitted) starts what begins at
    /// source offset `at`.
    fn origin(&mut self, line: usize, at: u32) {
        if let Some(l) = self.lines.get_mut(line) {
            l.origin = Some(at);
        }
    }

    /// Token indices of a span: [first, end).
    fn range(&self, span: Span) -> (usize, usize) {
        let a = self.tokens.partition_point(|t| t.span.start < span.start);
        let b = self.tokens.partition_point(|t| t.span.start < span.end);
        (a, b.max(a))
    }

    /// Is there a blank line between the last emitted thing and `at`?
    fn blank_before(&self, at: u32) -> bool {
        if self.lines.is_empty() {
            return false;
        }
        let gap = self
            .src
            .get(self.last_end..(at as usize).max(self.last_end))
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
            self.lines.push(Line {
                indent,
                cells: vec![comment_text(c)],
                blank_before,
                is_comment: true,
                origin: Some(c.span.start),
                ..Line::default()
            });
            self.last_end = c.span.end as usize;
        }
    }

    fn statement(&mut self, stmt: &Stmt, indent: usize) {
        let span = stmt.span();
        self.own_comments_before(span.start, indent);
        let blank = self.blank_before(span.start);
        let before = self.lines.len();
        let (a, b) = self.range(span);
        match stmt {
            Stmt::Section(s) => {
                let brace = (a..b).find(|&i| self.tokens[i].kind == TokenKind::LBrace);
                let Some(brace) = brace else {
                    self.flat(a, b, indent, None, false);
                    return self.finish(before, blank, span);
                };
                self.section_header(a, brace + 1, indent);
                let mut inner: Vec<(Span, Kind)> = s
                    .purposes
                    .iter()
                    .map(|p| (p.span, Kind::Purpose))
                    .chain(s.allows.iter().map(|r| (r.span, Kind::Allow)))
                    .collect();
                inner.sort_by_key(|(sp, _)| sp.start);
                if let Some(l) = self.lines.get_mut(before) {
                    l.blank_before = blank;
                }
                self.origin(before, span.start);
                self.last_end = self.tokens[brace].span.end as usize;
                for &(sp, kind) in &inner {
                    let (ia, ib) = self.range(sp);
                    self.own_comments_before(sp.start, indent + 2);
                    let bl = self.blank_before(sp.start);
                    let at = self.lines.len();
                    let cells = match kind {
                        Kind::Purpose => self.decl_cells(ia, ib, kind),
                        _ => self.pattern_cells(ia, ib),
                    };
                    self.emit_cells(ia, ib, indent + 2, cells, Some(kind));
                    if let Some(l) = self.lines.get_mut(at) {
                        l.blank_before = bl;
                    }
                    self.origin(at, sp.start);
                    self.last_end = sp.end as usize;
                    if let Some(end) = self.trailing_end(sp) {
                        self.last_end = end;
                    }
                }
                let close = b.saturating_sub(1);
                if self.tokens.get(close).map(|t| t.kind) == Some(TokenKind::RBrace) {
                    self.close_brace(close, indent);
                }
                self.last_end = span.end as usize;
                return;
            }
            Stmt::Actor(d) if d.block.is_some() && !self.annotated(b) => {
                let brace = (a..b).find(|&i| self.tokens[i].kind == TokenKind::LBrace);
                if let Some(brace) = brace
                    && !self.inner_comment(a, brace + 1)
                {
                    let mut cells = self.decl_cells(a, brace, Kind::Actor);
                    if let Some(last) = cells.iter_mut().rev().find(|c| !c.is_empty()) {
                        last.push_str(" {");
                    }
                    let comment = self.comments_after(brace);
                    self.lines.push(Line {
                        indent,
                        cells,
                        kind: Some(Kind::Actor),
                        comment,
                        ..Line::default()
                    });
                    let close = b.saturating_sub(1);
                    let body_end =
                        if self.tokens.get(close).map(|t| t.kind) == Some(TokenKind::RBrace) {
                            close
                        } else {
                            b
                        };
                    self.clauses(brace + 1, body_end, indent + 2);
                    if body_end < b {
                        self.close_brace(close, indent);
                    }
                } else {
                    self.flat(a, b, indent, None, false);
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
        if let Some(l) = self.lines.get_mut(first) {
            l.blank_before = blank;
        }
        self.origin(first, span.start);
        self.last_end = self.last_end.max(span.end as usize);
        if let Some(end) = self.trailing_end(span) {
            self.last_end = self.last_end.max(end);
        }
    }

    /// The end of the last trailing comment of a statement, if any.
    fn trailing_end(&self, span: Span) -> Option<usize> {
        let (_, b) = self.range(span);
        let last = b.checked_sub(1)?;
        self.trailing
            .get(&last)
            .and_then(|v| v.last())
            .map(|&ci| self.comments[ci].span.end as usize)
    }

    /// A token as written in the canonical form.
    fn word(&self, i: usize) -> String {
        let t = self.tokens[i];
        match t.kind {
            TokenKind::Arrow => "->".to_string(),
            TokenKind::BothArrow => "<->".to_string(),
            TokenKind::Colon => ":".to_string(),
            TokenKind::Comma => ",".to_string(),
            TokenKind::LBrace => "{".to_string(),
            TokenKind::RBrace => "}".to_string(),
            _ => self.src.get(t.span.range()).unwrap_or("").to_string(),
        }
    }

    /// Tokens joined with the spacing rules.
    fn join(&self, a: usize, b: usize) -> String {
        let mut s = String::new();
        for i in a..b {
            if i > a && self.tokens[i].kind != TokenKind::Comma {
                s.push(' ');
            }
            s.push_str(&self.word(i));
        }
        s
    }

    /// Trailing comments after token `i`, joined.
    fn comments_after(&self, i: usize) -> Option<String> {
        let v = self.trailing.get(&i)?;
        Some(
            v.iter()
                .map(|&ci| comment_text(&self.comments[ci]))
                .collect::<Vec<_>>()
                .join(" "),
        )
    }

    /// Does any token in [a, b-1) carry a trailing comment (one that forces
    /// a line break inside the statement)?
    fn inner_comment(&self, a: usize, b: usize) -> bool {
        (a..b.saturating_sub(1)).any(|i| self.trailing.contains_key(&i))
    }

    /// Is the trailing comment after the statement an annotation?
    fn annotated(&self, b: usize) -> bool {
        b.checked_sub(1)
            .and_then(|i| self.trailing.get(&i))
            .is_some_and(|v| {
                v.iter().any(|&ci| {
                    let t = self.comments[ci].text.trim_start();
                    t.starts_with("expect:") || t.starts_with("mynaflow:")
                })
            })
    }

    /// The `}` (token `close`) that ends a block, after the comments on
    /// lines of their own before it, with the comment after it.
    fn close_brace(&mut self, close: usize, indent: usize) {
        let end = self.tokens[close].span.start;
        self.own_comments_before(end, indent + 2);
        let comment = self.comments_after(close);
        self.lines.push(Line {
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
            let t = self.tokens[i];
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
    /// comment sits inside it.
    fn emit_cells(
        &mut self,
        a: usize,
        b: usize,
        indent: usize,
        cells: Vec<String>,
        kind: Option<Kind>,
    ) {
        if self.inner_comment(a, b) {
            return self.flat(a, b, indent, None, false);
        }
        let comment = b.checked_sub(1).and_then(|i| self.comments_after(i));
        self.lines.push(Line {
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
        let long = indent + one.width() > WIDTH;
        if long && !self.inner_comment(a, b) && !self.annotated(b) {
            return self.flat(a, b, indent, None, true);
        }
        self.flat(a, b, indent, None, false);
    }

    /// A section header, wrapped before `mynumber`/`basis` when long.
    fn section_header(&mut self, a: usize, b: usize, indent: usize) {
        let one = self.join(a, b);
        if indent + one.width() <= WIDTH || self.inner_comment(a, b) {
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
                self.lines.push(Line {
                    indent,
                    cells: vec![self.join(a, s)],
                    ..Line::default()
                });
                let comment = self.comments_after(b - 1);
                self.lines.push(Line {
                    indent: indent + 8,
                    cells: vec![self.join(s, b)],
                    comment,
                    ..Line::default()
                });
            }
            None => self.flat(a, b, indent, None, false),
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
        let lead = self.word(a);
        let cont = indent + lead.width() + 1;
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
            if cur_indent + line.width() + 1 + piece.width() > WIDTH && line.ends_with(',') {
                self.lines.push(Line {
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
        self.lines.push(Line {
            indent: cur_indent,
            cells: vec![line],
            comment,
            ..Line::default()
        });
    }

    /// Tokens [a, b) as lines: broken after each token that carries a
    /// comment, and (when `wrap`) before `for`, `via` and `basis`;
    /// continuation lines are indented by four.
    fn flat(&mut self, a: usize, b: usize, indent: usize, kind: Option<Kind>, wrap: bool) {
        let mut start = a;
        let mut cur_indent = indent;
        for i in a..b {
            let breaks_before = wrap
                && i > start
                && matches!(
                    self.tokens[i].kind,
                    TokenKind::Keyword(Keyword::For | Keyword::Via | Keyword::Basis)
                );
            if breaks_before {
                self.lines.push(Line {
                    indent: cur_indent,
                    cells: vec![self.join(start, i)],
                    ..Line::default()
                });
                start = i;
                cur_indent = indent + 4;
            }
            if let Some(comment) = self.comments_after(i) {
                self.lines.push(Line {
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
            self.lines.push(Line {
                indent: cur_indent,
                cells: vec![self.join(start, b)],
                kind,
                ..Line::default()
            });
        }
    }
}

/// A comment as written canonically: `#` and its text, trailing blanks removed.
fn comment_text(c: &Comment) -> String {
    format!("#{}", c.text.trim_end())
}

/// Renders lines, aligning the columns of each run of lines of one kind
/// and the trailing comments of a run; with the anchors of the lines that
/// have an origin.
fn render(lines: &[Line]) -> (String, Vec<(usize, usize)>) {
    let mut out = String::new();
    let mut anchors = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        // A run: lines of one kind and indent, no blank line inside, own-line
        // comments allowed between them.
        let mut j = i + 1;
        if let Some(kind) = lines[i].kind {
            let mut k = i + 1;
            while k < lines.len() && !lines[k].blank_before {
                let l = &lines[k];
                if l.is_comment {
                    k += 1;
                    continue;
                }
                if l.kind == Some(kind) && l.indent == lines[i].indent {
                    k += 1;
                    j = k;
                } else {
                    break;
                }
            }
        }
        let run = &lines[i..j];
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
            if l.blank_before && !out.is_empty() {
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
        i = j;
    }
    (out, anchors)
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

    #[test]
    fn refuses_broken_input() {
        assert!(format("flow A -> : \n").is_err());
        assert!(format("actor \"open\n").is_err());
    }

    #[test]
    fn keeps_comments_inside_statements() {
        let src = "flow A -> B : X, # one\n  Y for P # two\n";
        let out = format(src).unwrap();
        assert_eq!(out, "flow A -> B : X,   # one\n    Y for P   # two\n");
    }
}
