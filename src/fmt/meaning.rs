//! The formatter's meaning check: the output must lex to the tokens and
//! comments of the source and parse without an error. A large file is
//! checked a part at a time, each output part against the source part it
//! was laid out from ([`part_keeps_meaning`], on every core); any doubt
//! there sends the whole file through [`same_meaning`], which decides.
//!
//! A part's output is lexed, not parsed: the parser's findings depend on
//! the tokens' kinds and the texts of names, strings and keywords only
//! (spans place a finding, punctuation's spelling words it), so an output
//! whose tokens equal those of a source part that parsed without an error
//! parses without one too. What the parse added beyond the tokens is the
//! lexer's own findings (an unterminated string reads as a string token
//! with the same text): an output with any lexer error fails instead.

use super::{part_bounds, refusal, with_end};
use crate::code::Severity;
use crate::span::FileId;
use crate::syntax::lexer::{Lexed, lex_lines, lex_lines_into};
use crate::syntax::parser::parse_lexed;
use crate::syntax::token::{Comment, Keyword, Token, TokenKind};
use crate::text::Text;
use std::collections::VecDeque;

/// Do token `x` of `src` and token `y` of `out` mean the same?
/// Punctuation is one token whatever its spelling (`→`, `：`); names,
/// strings and keywords keep their text.
fn same_token(src: &str, x: &Token, out: &str, y: &Token) -> bool {
    x.kind == y.kind
        && (!matches!(
            x.kind,
            TokenKind::Name | TokenKind::Str | TokenKind::Keyword(_)
        ) || x.text(src) == y.text(out))
}

/// Do two comments say the same (trailing blanks aside)?
fn same_comment(x: &Comment, y: &Comment) -> bool {
    x.text.trim_end() == y.text.trim_end()
}

/// Where a comment sits: how many tokens come before it, and whether it
/// is on a line of its own. A suppression or `# expect:` applies to its
/// own line when it ends one, else to the line after it, so two texts
/// with the same tokens whose comments sit alike give each suppression
/// the same statement (the one it is in, or the next for one on a line
/// of its own) and the same tokens after it.
///
/// That is not all an annotation needs: a trailing one on the line after
/// a statement's first covers that line only, and joined onto the first
/// it would cover the whole statement (the third fix audit's H3). So
/// each annotation's [`Reach`] is compared too.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Place {
    tokens_before: usize,
    own_line: bool,
    reach: Reach,
}

/// What an annotation covers, in token indices (both texts have the same
/// tokens, hence the same statements), as `suppress` and `expect` decide
/// it: a suppression covers the statement that starts on its line (the
/// last one before it at the end of a line, the first on the line it
/// applies to on a line of its own), else the tokens of that line; an
/// `# expect:` the tokens of its line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reach {
    /// Not an annotation, or one with no line after it (in the text or
    /// part read).
    Nothing,
    /// The statement that starts at this token.
    Statement(usize),
    /// The `.1` tokens of one line from token `.0`.
    Line(usize, usize),
}

/// Which annotation a comment is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Annotation {
    Suppression,
    Expect,
}

impl Annotation {
    fn of(c: &Comment) -> Option<Annotation> {
        if crate::suppress::body_of(&c.text).is_some() {
            Some(Annotation::Suppression)
        } else if crate::expect::annotation(&c.text).is_some() {
            Some(Annotation::Expect)
        } else {
            None
        }
    }

    /// Does `line` hold code, for this annotation on a line of its own?
    fn holds_code(self, line: &str) -> bool {
        match self {
            Annotation::Suppression => crate::suppress::holds_code(line),
            Annotation::Expect => crate::expect::is_code(line),
        }
    }
}

/// Does a token start a top-level statement (what a suppression covers
/// whole)? `contractor` is left out: it is also a role's flag, inside a
/// statement; read as a line instead, its reach is compared more
/// strictly, never less.
fn starts_statement(t: &Token) -> bool {
    matches!(t.kind, TokenKind::Keyword(k) if k.starts_statement()
        && !matches!(k, Keyword::Purpose | Keyword::Allow | Keyword::Contractor))
}

/// The line an own-line annotation applies to, found by reading on from
/// the line after it and remembered as `suppress` and `expect` do: each
/// of a stack of annotations would read the stack again.
#[derive(Default)]
struct Targets {
    /// Per kind of annotation: the last search started at this byte and
    /// found a line of code starting here (None: none to the end).
    last: [Option<(usize, Option<usize>)>; 2],
}

impl Targets {
    /// The start of the first line at or after byte `from` (a line's
    /// start) of `text` that holds code for `kind`.
    fn at_or_after(&mut self, text: &str, from: usize, kind: Annotation) -> Option<usize> {
        let slot = &mut self.last[kind as usize];
        if let Some((start, found)) = *slot
            && start <= from
            && found.is_none_or(|f| from <= f)
        {
            return found;
        }
        let mut at = from;
        let found = loop {
            if at >= text.len() {
                break None;
            }
            let end = memchr::memchr(b'\n', &text.as_bytes()[at..]).map_or(text.len(), |n| at + n);
            if kind.holds_code(text.get(at..end).unwrap_or("")) {
                break Some(at);
            }
            at = end + 1;
        };
        *slot = Some((from, found));
        found
    }
}

/// The [`Place`] of comment `c` of `text`, whose tokens from index
/// `base` on are `tokens` (the tokens of the lines it was lexed with).
fn place(text: &str, tokens: &[Token], base: usize, c: &Comment, targets: &mut Targets) -> Place {
    let at = c.span.start as usize;
    let before = text.get(..at).unwrap_or("");
    let line_start = memchr::memrchr(b'\n', before.as_bytes()).map_or(0, |n| n + 1);
    let next = tokens.partition_point(|t| (t.span.start as usize) < at);
    let own_line = before
        .get(line_start..)
        .is_some_and(|l| l.trim().is_empty());
    let reach = match Annotation::of(c) {
        None => Reach::Nothing,
        Some(kind) if !own_line => {
            // Its own line, up to it: all in this chunk of lines.
            let first = tokens.partition_point(|t| (t.span.start as usize) < line_start);
            let line = tokens.get(first..next).unwrap_or_default();
            match line.iter().rposition(starts_statement) {
                Some(k) if kind == Annotation::Suppression => Reach::Statement(base + first + k),
                _ => Reach::Line(base + first, line.len()),
            }
        }
        Some(kind) => {
            // The line it applies to: no token comes before it (the lines
            // between hold no code), but it may be past this chunk.
            let after =
                memchr::memchr(b'\n', &text.as_bytes()[at..]).map_or(text.len(), |n| at + n + 1);
            match targets.at_or_after(text, after, kind) {
                None => Reach::Nothing,
                Some(target) => {
                    let end = memchr::memchr(b'\n', &text.as_bytes()[target..])
                        .map_or(text.len(), |n| target + n + 1);
                    let line = lex_lines(FileId(0), text, target..end).tokens;
                    match line.first() {
                        Some(t) if kind == Annotation::Suppression && starts_statement(t) => {
                            Reach::Statement(base + next)
                        }
                        _ => Reach::Line(base + next, line.len()),
                    }
                }
            }
        }
    };
    Place {
        tokens_before: base + next,
        own_line,
        reach,
    }
}

/// Does the output part `out` mean what the source part it was laid out
/// from means? `tokens` and `comments` are the source part's (lexed from
/// `src` for the layout, Eof aside), and that part parsed without an
/// error. True when `out` lexes to the same tokens and comments without
/// a forbidden character or any other lexer error, and starts a statement
/// where the part does (at a `flow` and a name, as
/// [`crate::syntax::split`] cuts, unless it is the first part): then it
/// parses without an error, as the source part does (see the module's
/// comment). The parts are lexed from line starts and cut where the
/// parser cuts, so when every part passes, the whole output passes
/// [`same_meaning`]; a part that fails proves nothing on its own (the
/// caller then checks the whole). The output is lexed into `buffer`,
/// which is left holding its tokens (for the next part to reuse).
pub(super) fn part_keeps_meaning(
    src: &str,
    tokens: &[Token],
    comments: &[Comment],
    out: &str,
    first: bool,
    buffer: &mut Vec<Token>,
) -> bool {
    let mut reused = std::mem::take(buffer);
    reused.clear();
    reused.reserve(tokens.len() + 1);
    let lexed = lex_lines_into(FileId(0), out, 0..out.len(), reused);
    let keeps = lexes_as(src, tokens, comments, out, first, &lexed);
    *buffer = lexed.tokens;
    keeps
}

/// Is `lexed`, the output part `out` lexed, what [`part_keeps_meaning`]
/// asks of it?
fn lexes_as(
    src: &str,
    tokens: &[Token],
    comments: &[Comment],
    out: &str,
    first: bool,
    lexed: &Lexed,
) -> bool {
    if lexed.forbidden > 0
        || lexed.tokens.len() != tokens.len()
        || lexed.comments.len() != comments.len()
        || lexed
            .diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    {
        return false;
    }
    let (mut ours, mut theirs) = (Targets::default(), Targets::default());
    // An `# expect:` whose line is in the next part is checked with the
    // whole text: the part's own lines cannot tell what that line holds
    // in the output. (A suppression's is a flow's first line in both,
    // since parts start so: the same statement.)
    let same = tokens
        .iter()
        .zip(&lexed.tokens)
        .all(|(x, y)| same_token(src, x, out, y))
        && comments.iter().zip(&lexed.comments).all(|(x, y)| {
            let p = place(src, tokens, 0, x, &mut ours);
            same_comment(x, y)
                && p == place(out, &lexed.tokens, 0, y, &mut theirs)
                && !(p.reach == Reach::Nothing && Annotation::of(x) == Some(Annotation::Expect))
        });
    let starts = first
        || matches!(
            lexed.tokens.as_slice(),
            [flow, name, ..] if flow.kind == TokenKind::Keyword(Keyword::Flow)
                && matches!(name.kind, TokenKind::Name | TokenKind::Str)
        );
    same && starts
}

/// Checks that `out` reads as `src` does: the same tokens, the same
/// comments in the same places ([`Place`]), and no errors. Both are lexed a part at a time, side by side.
pub(super) fn same_meaning(src: &str, out: &str) -> Result<(), Text> {
    // Both read the texts only: side by side on two cores.
    let bounds = part_bounds(out, crate::syntax::split::PART_BYTES);
    let (same, errors) = rayon::join(|| same_tokens(src, out), || has_errors(out, &bounds));
    same?;
    if errors {
        return Err(refusal("syntax"));
    }
    Ok(())
}

/// Do `src` and `out` lex to the same tokens and comments, the comments
/// in the same places?
fn same_tokens(src: &str, out: &str) -> Result<(), Text> {
    let (mut a, mut b) = (Stream::new(src), Stream::new(out));
    let mut comments_differ = false;
    let mut pair_comments = |a: &mut Stream, b: &mut Stream| {
        while let (Some((x, p)), Some((y, q))) = (a.comments.front(), b.comments.front()) {
            comments_differ |= !same_comment(x, y) || p != q;
            a.comments.pop_front();
            b.comments.pop_front();
        }
    };
    loop {
        match (a.next(), b.next()) {
            (None, None) => break,
            (Some(x), Some(y)) if same_token(src, &a.tokens[x], out, &b.tokens[y]) => {}
            _ => return Err(refusal("tokens")),
        }
        pair_comments(&mut a, &mut b);
    }
    pair_comments(&mut a, &mut b);
    if comments_differ || !a.comments.is_empty() || !b.comments.is_empty() {
        return Err(refusal("comments"));
    }
    Ok(())
}

/// Does `text` parse with an error? Part by part; a part with an error or
/// a forbidden character is decided by parsing the text in one pass.
fn has_errors(text: &str, bounds: &[usize]) -> bool {
    let mut buffer = Vec::new();
    for w in bounds.windows(2) {
        let lexed = lex_lines_into(FileId(0), text, w[0]..w[1], std::mem::take(&mut buffer));
        if lexed.forbidden > 0 && bounds.len() > 2 {
            return has_errors(text, &[0, text.len()]);
        }
        let parsed = parse_lexed(text, with_end(lexed, w[1]));
        if parsed
            .diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
        {
            return bounds.len() <= 2 || has_errors(text, &[0, text.len()]);
        }
    }
    false
}

/// The tokens and comments of a text, lexed a chunk of lines at a time
/// (the lexer starts every line afresh, so they are those of one pass).
struct Stream<'a> {
    text: &'a str,
    /// Where the next chunk starts.
    at: usize,
    tokens: Vec<Token>,
    /// The next token of `tokens`.
    next: usize,
    /// How many tokens the chunks before `tokens` held.
    base: usize,
    /// Comments lexed and not compared yet, with their places.
    comments: VecDeque<(Comment, Place)>,
    /// The lines own-line annotations apply to, as found.
    targets: Targets,
}

/// About how many bytes [`Stream`] lexes at a time.
const CHUNK_BYTES: usize = 1 << 20;

impl<'a> Stream<'a> {
    fn new(text: &'a str) -> Self {
        Stream {
            text,
            at: 0,
            tokens: Vec::new(),
            next: 0,
            base: 0,
            comments: VecDeque::new(),
            targets: Targets::default(),
        }
    }

    /// The index in `tokens` of the next token, lexing more lines when
    /// needed; None at the end.
    fn next(&mut self) -> Option<usize> {
        while self.next == self.tokens.len() {
            if self.at >= self.text.len() {
                return None;
            }
            let cut = self.at + CHUNK_BYTES;
            let end = match self.text.as_bytes().get(cut..) {
                Some(rest) => memchr::memchr(b'\n', rest).map_or(self.text.len(), |n| cut + n + 1),
                None => self.text.len(),
            };
            self.base += self.tokens.len();
            let lexed = lex_lines_into(
                FileId(0),
                self.text,
                self.at..end,
                std::mem::take(&mut self.tokens),
            );
            self.tokens = lexed.tokens;
            let (text, tokens, base) = (self.text, &self.tokens, self.base);
            let targets = &mut self.targets;
            (self.comments).extend(lexed.comments.into_iter().map(|c| {
                let p = place(text, tokens, base, &c, targets);
                (c, p)
            }));
            self.next = 0;
            self.at = end;
        }
        self.next += 1;
        Some(self.next - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tokens and comments of `src`.
    fn lexed(src: &str) -> (Vec<Token>, Vec<Comment>) {
        let l = lex_lines(FileId(0), src, 0..src.len());
        (l.tokens, l.comments)
    }

    fn keeps(src: &str, out: &str, first: bool) -> bool {
        let (tokens, comments) = lexed(src);
        part_keeps_meaning(src, &tokens, &comments, out, first, &mut Vec::new())
    }

    const SRC: &str = "flow A->B：X，Y for P   # c  \n# own\nflow \"C\" -> B : X\n";
    const OUT: &str = "flow A -> B : X, Y for P   # c\n# own\nflow \"C\" -> B : X\n";

    #[test]
    fn a_part_laid_out_faithfully_keeps_its_meaning() {
        assert!(keeps(SRC, OUT, true));
        assert!(keeps(SRC, OUT, false));
        assert!(same_meaning(SRC, OUT).is_ok());
    }

    #[test]
    fn a_part_that_changed_is_caught() {
        let changed = [
            OUT.replace("X, Y", "Y, X"),           // names swapped
            OUT.replace("X, Y", "X Y"),            // a comma lost
            OUT.replace("\"C\"", "C"),             // a string become a name
            OUT.replace("# c", "# d"),             // a comment changed
            OUT.replace("# own\n", ""),            // a comment dropped
            OUT.replace("# own", "# own\n# new"),  // a comment added
            OUT.replace("for P", "for P via Q"),   // tokens added
            OUT.replace("for P", "for P\u{202e}"), // a forbidden character
            format!("{OUT}flow"),                  // a statement unfinished
        ];
        for out in &changed {
            assert!(!keeps(SRC, out, true), "{out}");
            assert!(same_meaning(SRC, out).is_err(), "{out}");
        }
        // An unterminated string reads as the same string token: the
        // lexer's error is what tells them apart.
        let src = "data X : 氏名 \"ラベル\"\n";
        assert!(keeps(src, "data X : 氏名 \"ラベル\"\n", true));
        assert!(!keeps(src, "data X : 氏名 \"ラベル\n", true));
        assert!(same_meaning(src, "data X : 氏名 \"ラベル\n").is_err());
        // Only the first part may start other than with a flow.
        let src = "data X : 氏名\n";
        assert!(keeps(src, "data X : 氏名\n", true));
        assert!(!keeps(src, "data X : 氏名\n", false));
    }

    /// A suppression applies to its own line when it ends one, else to
    /// the line after it: moved past a token (out of the statement it is
    /// in), or from a line of its own to the end of a line or back, it
    /// covers something else, though the tokens and comments are the same.
    #[test]
    fn a_comment_in_another_place_is_caught() {
        let src = "flow A -> B : X\n  # mynaflow: allow MN202 reason=\"r\"\n  for P\nflow A -> C : X for P\n";
        let moved = [
            // Out of its flow, before the next one (the seventh audit's D2).
            "flow A -> B : X for P\n# mynaflow: allow MN202 reason=\"r\"\nflow A -> C : X for P\n",
            // Before its flow.
            "# mynaflow: allow MN202 reason=\"r\"\nflow A -> B : X for P\nflow A -> C : X for P\n",
            // At the end of the line before it.
            "flow A -> B : X   # mynaflow: allow MN202 reason=\"r\"\n    for P\nflow A -> C : X for P\n",
        ];
        for out in moved {
            assert!(!keeps(src, out, true), "{out}");
            assert_eq!(same_meaning(src, out), Err(refusal("comments")), "{out}");
        }
        let kept = "flow A -> B : X\n    # mynaflow: allow MN202 reason=\"r\"\n    for P\nflow A -> C : X for P\n";
        assert!(keeps(src, kept, true));
        assert!(same_meaning(src, kept).is_ok());
    }

    /// The same tokens and comments, each comment after the same token,
    /// and yet an annotation covering something else: a trailing one on a
    /// statement's second line joined onto its first (then a suppression
    /// covers the whole statement, an `# expect:` the first line's
    /// findings), or an own-line `# expect:` above a statement whose first
    /// line took the second's tokens. A suppression above a statement
    /// covers all of it, however it is laid out.
    #[test]
    fn an_annotation_covering_something_else_is_caught() {
        for note in ["mynaflow: allow MN102 reason=\"r\"", "expect: MN102"] {
            let src = format!("flow A ->\n  B : X for P   # {note}\nflow A -> C : X for P\n");
            let joined = format!("flow A -> B : X for P   # {note}\nflow A -> C : X for P\n");
            assert!(!keeps(&src, &joined, true), "{joined}");
            assert_eq!(
                same_meaning(&src, &joined),
                Err(refusal("comments")),
                "{joined}"
            );
            let kept = format!("flow A ->\n    B : X for P   # {note}\nflow A -> C : X for P\n");
            assert!(keeps(&src, &kept, true), "{kept}");
            assert!(same_meaning(&src, &kept).is_ok(), "{kept}");
            // In a chunk of its own, past the first.
            let pad = "flow A -> C : X for P\n".repeat(CHUNK_BYTES / 20);
            let (src, joined) = (format!("{pad}{src}"), format!("{pad}{joined}"));
            assert_eq!(same_meaning(&src, &joined), Err(refusal("comments")));
        }
        let above = |note: &str, joined: bool| {
            let flow = if joined {
                "flow A -> B : X for P"
            } else {
                "flow A ->\n  B : X for P"
            };
            format!("# {note}\n{flow}\nflow A -> C : X for P\n")
        };
        let note = "expect: MN102";
        assert!(!keeps(&above(note, false), &above(note, true), true));
        let note = "mynaflow: allow MN102 reason=\"r\"";
        assert!(keeps(&above(note, false), &above(note, true), true));
        assert!(same_meaning(&above(note, false), &above(note, true)).is_ok());
        // A full-width `＃` line is code to a suppression (the line it
        // applies to), not to an `# expect:`: written `#`, the line after
        // it would be.
        let src = "# mynaflow: allow MN012 reason=\"r\"\n＃ note\nactor A : x\n";
        let out = "# mynaflow: allow MN012 reason=\"r\"\n# note\nactor A : x\n";
        assert!(!keeps(src, out, true));
        assert!(same_meaning(src, out).is_err());
    }

    /// The places of comments are counted across the chunks the texts
    /// are lexed in.
    #[test]
    fn comments_are_placed_across_chunks() {
        let mut src = String::new();
        while src.len() < 2 * CHUNK_BYTES + 1000 {
            src.push_str("flow A -> B : X for P   # c\n# own\n");
        }
        let out = src.replacen("for P   # c\n", "for P\n# c\n", 1);
        assert!(same_meaning(&src, &src).is_ok());
        let late = src.rfind("for P   # c\n").unwrap_or(0);
        let moved = format!("{}for P\n# c\n{}", &src[..late], &src[late + 12..]);
        assert_eq!(same_meaning(&src, &out), Err(refusal("comments")));
        assert_eq!(same_meaning(&src, &moved), Err(refusal("comments")));
    }

    #[test]
    fn errors_are_found_part_by_part_or_in_one_pass() {
        let mut src = String::new();
        for i in 0..40 {
            src.push_str(&format!("flow A -> B : X{i} for P\n"));
        }
        let fine = src.clone();
        src.push_str("flow A -> : \n");
        assert!(has_errors(&src, &part_bounds(&src, 100)));
        assert!(!has_errors(&fine, &part_bounds(&fine, 100)));
    }
}
