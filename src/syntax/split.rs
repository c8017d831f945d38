//! Parsing a large file on every core: the text is cut into parts at lines
//! that start a statement ([`CUT_AT`]), each part is lexed and parsed on its own
//! thread, and the parts are joined in order. The result is the one
//! [`parse`](super::parse) gives, byte for byte (`tests/parse_in_parts.rs` compares them
//! on every example and case cut into small parts, and so does the parse
//! fuzz target on any input):
//!
//! - The lexer starts every line afresh (a string or comment ends with its
//!   line), so lexing a part from a line start gives the tokens lexing the
//!   whole text gives there.
//! - The statement parser starts a statement at every keyword of
//!   [`CUT_AT`] followed by a name: no statement can take a keyword as a
//!   name, these are read nowhere but at the start of their own
//!   statements, error recovery stops at every statement
//!   keyword, and an unclosed block ends at one. A part ends with the next
//!   part's first token, so an unfinished statement before it reports
//!   what it found there, as it would in one pass.
//! - MN004 is capped per file; when any part has one, the file is parsed
//!   in one pass instead (a file of control characters is not a fast path).
//!
//! Small files are parsed in one pass: below [`PART_BYTES`] there is
//! nothing to share.

use super::ast::Sym;
use super::lexer::{Lexed, lex_lines, lex_lines_listing_into};
use super::parser::{Parsed, finish, parse_keeping, parse_part};
use super::stmts::Stmts;
use super::token::{Keyword, Token, TokenKind};
use super::tokens::{Copies, ListedName, Names};
use crate::span::{FileId, Span};
use crate::tally::Keep;
use rayon::prelude::*;
use std::sync::Mutex;

/// About how many bytes each part has. Small enough that a part's text,
/// tokens and names read ahead mostly stay in the cache while it is
/// lexed, read and parsed (with parts of 1 MiB they did not beside a
/// million-flow design's name tables: a fifth more cache misses in all),
/// large enough that joining parts costs nothing next to parsing them.
/// Parts of 128 KiB missed the cache a little less again but raised the
/// peak memory of a million-flow design by about 40 MiB, to the edge of
/// 1 GiB (`benches/README.md`, tenth pass).
pub const PART_BYTES: usize = 1 << 19;

/// The keywords a part may start with, at the start of a line and followed
/// by a name: the statements a large design or rulebook is made of. A
/// design declares its actors and items in long runs (a national one, a
/// hundred thousand contractors), which were one part, on one core, when
/// only `flow` cut; a rulebook is categories, sections and clauses (200 000
/// categories were one part, and took 0.2 s to parse on one core).
/// `role`, `contractor`, `purpose` and `allow` are not here: each is also
/// read inside another statement or block. No keyword here begins with
/// another (a part's first keyword is read by its letters).
pub const CUT_AT: [Keyword; 6] = [
    Keyword::Flow,
    Keyword::Actor,
    Keyword::Data,
    Keyword::Category,
    Keyword::Section,
    Keyword::Clause,
];

/// Parses `src` as [`parse`](super::parse) does, in parts on every core when it is
/// large, its names' copies living as `copies` says.
pub fn parse_in_parts(file: FileId, src: &str, copies: Copies) -> Parsed {
    parse_in_parts_sized(file, src, PART_BYTES, copies)
}

/// [`parse_in_parts`], given up once `stop` says so: it is asked before
/// each part is read, so a large text's parse ends within one part's
/// reading (about a millisecond) of being told, and gives `None`. The
/// language server stops parsing a text that a later one replaces.
pub fn parse_in_parts_unless(
    file: FileId,
    src: &str,
    copies: Copies,
    stop: &(dyn Fn() -> bool + Sync),
) -> Option<Parsed> {
    parse_in_parts_sized_unless(file, src, PART_BYTES, copies, Keep::All, stop)
}

/// [`parse_in_parts_unless`], its findings kept in full as `keep` says.
pub fn parse_in_parts_keeping_unless(
    file: FileId,
    src: &str,
    copies: Copies,
    keep: Keep,
    stop: &(dyn Fn() -> bool + Sync),
) -> Option<Parsed> {
    parse_in_parts_sized_unless(file, src, PART_BYTES, copies, keep, stop)
}

/// [`parse_in_parts`], its findings kept in full as `keep` says.
pub fn parse_in_parts_keeping(file: FileId, src: &str, copies: Copies, keep: Keep) -> Parsed {
    parse_in_parts_sized_keeping(file, src, PART_BYTES, copies, keep)
}

/// [`parse_in_parts`] with parts of about `size` bytes (any size: tests
/// and the fuzzer cut small texts into many parts to compare with
/// [`parse`](super::parse)).
pub fn parse_in_parts_of(file: FileId, src: &str, size: usize) -> Parsed {
    parse_in_parts_sized(file, src, size, Copies::Shared)
}

/// [`parse_in_parts_of`], its names' copies living as `copies` says.
pub(crate) fn parse_in_parts_sized(file: FileId, src: &str, size: usize, copies: Copies) -> Parsed {
    parse_in_parts_sized_keeping(file, src, size, copies, Keep::All)
}

/// [`parse_in_parts_sized`], its findings kept in full as `keep` says.
fn parse_in_parts_sized_keeping(
    file: FileId,
    src: &str,
    size: usize,
    copies: Copies,
    keep: Keep,
) -> Parsed {
    match parse_in_parts_sized_unless(file, src, size, copies, keep.clone(), &|| false) {
        Some(parsed) => parsed,
        // Never asked to stop, it never does.
        None => parse_keeping(file, src, keep, copies),
    }
}

/// [`parse_in_parts_sized`], given up once `stop` says so (asked before
/// each part is read).
fn parse_in_parts_sized_unless(
    file: FileId,
    src: &str,
    size: usize,
    copies: Copies,
    keep: Keep,
    stop: &(dyn Fn() -> bool + Sync),
) -> Option<Parsed> {
    let bounds = part_bounds(file, src, size);
    if bounds.len() < 3 {
        return Some(parse_keeping(file, src, keep, copies));
    }
    // One token and name list and one copy of each spelling per thread of the
    // pool, kept across its parts (rayon would start `map_init`'s afresh
    // at every split: then each part had its own copies, and the
    // resolver's memory of names by number saw every name anew). Each
    // thread numbers its spellings in its own space.
    let threads: Vec<Mutex<(Lists, Names)>> = (0..rayon::current_num_threads())
        .map(|space| Mutex::new((Lists::default(), Names::in_space(space).with_copies(copies))))
        .collect();
    let parts: Vec<Part> = bounds
        .par_windows(2)
        // Each part a task of its own, so that a core that is done takes
        // the next part rather than idling while the other reads a run of
        // parts it was dealt.
        .with_max_len(1)
        .map(|w| {
            if stop() {
                return None;
            }
            let at = rayon::current_thread_index().unwrap_or(0);
            match threads.get(at).map(|t| t.lock()) {
                Some(Ok(mut t)) => {
                    let (lists, names) = &mut *t;
                    Some(Part::read(file, src, w[0], w[1], lists, names, &keep))
                }
                // Past the threads' spaces: numbers nothing, so it
                // cannot give a thread's number to another spelling.
                _ => Some(Part::read(
                    file,
                    src,
                    w[0],
                    w[1],
                    &mut Lists::default(),
                    &Names::in_space(Sym::SPACES).with_copies(copies),
                    &keep,
                )),
            }
        })
        // Every part, or none once one was given up.
        .collect::<Option<_>>()?;
    if parts.iter().any(|p| p.forbidden > 0) {
        return Some(parse_keeping(file, src, keep, copies));
    }
    let mut stmts = Vec::with_capacity(parts.len());
    let (mut found, mut hollow) = (Vec::new(), Vec::new());
    let mut comments = Vec::with_capacity(parts.iter().map(|p| p.comments.len()).sum());
    for mut p in parts {
        stmts.push(std::mem::take(&mut p.stmts));
        found.append(&mut p.found);
        hollow.append(&mut p.hollow);
        comments.append(&mut p.comments);
    }
    // The parts' statements stay in their parts: joining them would copy
    // the tree while the parts still hold it.
    // Each thread numbered its names in a space of its own.
    let spellings = (threads.iter())
        .map(|t| t.lock().map_or(0, |t| t.1.numbered()))
        .collect();
    let stmts = Stmts::from_parts(stmts).numbered_by_one_parse(spellings);
    Some(finish(stmts, keep, found, hollow, comments))
}

/// A thread's token list and the lexer's list of its names
/// ([`lex_lines_listing_into`]), kept from part to part.
type Lists = (Vec<Token>, Vec<ListedName>);

/// One part's statements, findings and comments.
struct Part {
    stmts: Vec<super::ast::Stmt>,
    /// The lexer's and the parser's findings kept in full, and the
    /// others' places ([`crate::tally`]).
    found: Vec<crate::diagnostic::Diagnostic>,
    hollow: Vec<crate::tally::Hollow>,
    comments: Vec<super::token::Comment>,
    forbidden: usize,
}

impl Part {
    /// Lexes and parses `src[start..end]`; `end` is the text's end or the
    /// start of a line that begins with a keyword of [`CUT_AT`] and a name.
    /// `lists` are a token and a name list the thread reuses from part to part, and
    /// `names` the spellings it has read so far (one copy of each per
    /// thread rather than per part).
    fn read(
        file: FileId,
        src: &str,
        start: usize,
        end: usize,
        lists: &mut Lists,
        names: &Names,
        keep: &Keep,
    ) -> Part {
        let Lexed {
            mut tokens,
            comments,
            diagnostics,
            hollow,
            forbidden,
            names: listed,
        } = lex_lines_listing_into(file, src, start..end, std::mem::take(lists), keep.clone());
        let next = match cut_keyword(src, end) {
            Some(k) => Token::new(
                TokenKind::Keyword(k),
                Span::new(file, end, end + k.as_str().len()),
                None,
            ),
            None => Token::new(TokenKind::Eof, Span::new(file, end, end), None),
        };
        tokens.push(next);
        let (stmts, parsed) = parse_part(src, &tokens, &listed, names, keep.clone());
        *lists = (tokens, listed);
        let (mut found, mut kept_hollow) = parsed.into_parts();
        found.extend(diagnostics);
        kept_hollow.extend(hollow);
        Part {
            stmts,
            found,
            hollow: kept_hollow,
            comments,
            forbidden,
        }
    }
}

/// The keyword of [`CUT_AT`] that the part starting at `at` begins with;
/// `None` at the end of the text.
fn cut_keyword(src: &str, at: usize) -> Option<Keyword> {
    let rest = src.as_bytes().get(at..)?;
    CUT_AT
        .into_iter()
        .find(|k| rest.starts_with(k.as_str().as_bytes()))
}

/// Where the parts start and the text ends: 0, then about every `size`
/// bytes the next line that starts with a keyword of [`CUT_AT`] followed
/// by a name (checked by lexing that line alone), then `src.len()`. Just 0
/// and the end when the text is too small to share.
pub(crate) fn part_bounds(file: FileId, src: &str, size: usize) -> Vec<usize> {
    part_bounds_at(file, src, size, &CUT_AT)
}

/// [`part_bounds`] at lines that start with one of the keywords `cut_at`
/// (each of them in [`CUT_AT`]): `fmt` cuts only at `flow`, which ends a
/// run of aligned declarations.
pub(crate) fn part_bounds_at(
    file: FileId,
    src: &str,
    size: usize,
    cut_at: &[Keyword],
) -> Vec<usize> {
    let mut bounds = vec![0];
    if src.len() >= 2 * size {
        let mut from = size;
        while from < src.len() {
            let Some(at) = next_statement_line(file, src, from, cut_at) else {
                break;
            };
            if src.len() - at < size / 2 {
                break;
            }
            bounds.push(at);
            from = at + size;
        }
    }
    bounds.push(src.len());
    bounds
}

/// The first line start at or after `from` whose line lexes as one of the
/// keywords `cut_at` then a name or string.
fn next_statement_line(file: FileId, src: &str, from: usize, cut_at: &[Keyword]) -> Option<usize> {
    let bytes = src.as_bytes();
    let mut i = from;
    loop {
        let nl = i + bytes.get(i..)?.iter().position(|&b| b == b'\n')?;
        let line = nl + 1;
        let rest = bytes.get(line..)?;
        if cut_at
            .iter()
            .any(|k| rest.starts_with(k.as_str().as_bytes()))
        {
            let end = rest
                .iter()
                .position(|&b| b == b'\n')
                .map_or(src.len(), |n| line + n);
            let t = lex_lines(file, src, line..end).tokens;
            let starts_flow = matches!(
                t.as_slice(),
                [first, second, ..]
                    if matches!(first.kind, TokenKind::Keyword(k) if cut_at.contains(&k))
                        && first.span.start as usize == line
                        && matches!(second.kind, TokenKind::Name | TokenKind::Str)
            );
            if starts_flow {
                return Some(line);
            }
        }
        i = line;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    fn same(src: &str, size: usize) {
        assert!(part_bounds(FileId(0), src, size).len() >= 3, "cut in parts");
        let whole = parse(FileId(0), src);
        let shown = |p: &Parsed| {
            p.diagnostics
                .iter()
                .map(|d| format!("{d:?}"))
                .collect::<Vec<_>>()
        };
        for copies in [Copies::Shared, Copies::Lasting] {
            let parts = parse_in_parts_sized(FileId(0), src, size, copies);
            assert_eq!(parts.file, whole.file, "statements and comments");
            assert_eq!(shown(&parts), shown(&whole), "findings");
            assert!(
                parts.file.stmts.numbered().is_some(),
                "one parse numbered its parts' names"
            );
        }
        assert_eq!(whole.file.stmts.numbered().map(<[usize]>::len), Some(1));
        assert!(
            Stmts::from_parts(whole.file.stmts.into_parts())
                .numbered()
                .is_none()
        );
    }

    #[test]
    fn a_parse_in_parts_asks_before_each_part_and_gives_up_when_told() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let src = "actor A : 組合\nactor B : 市町村\ndata x : 氏名\n".to_string()
            + &"flow A -> B : x for y\n".repeat(200);
        let parts = part_bounds(FileId(0), &src, 100).len() - 1;
        assert!(parts > 10, "{parts} parts");
        // Never told: asked once per part, and it parses as the whole does.
        let asked = AtomicUsize::new(0);
        let stop = || {
            asked.fetch_add(1, Ordering::Relaxed);
            false
        };
        let parsed =
            parse_in_parts_sized_unless(FileId(0), &src, 100, Copies::Shared, Keep::All, &stop);
        assert_eq!(asked.load(Ordering::Relaxed), parts);
        assert_eq!(parsed.map(|p| p.file), Some(parse(FileId(0), &src).file));
        // Told at the third question: nothing, and no part read after
        // the answer was known (each thread asks before each of its
        // parts, so at most one question more per thread).
        let asked = AtomicUsize::new(0);
        let stop = || asked.fetch_add(1, Ordering::Relaxed) + 1 >= 3;
        let parsed =
            parse_in_parts_sized_unless(FileId(0), &src, 100, Copies::Shared, Keep::All, &stop);
        assert!(parsed.is_none());
        assert!(asked.load(Ordering::Relaxed) < parts, "gave up early");
    }

    #[test]
    fn parts_parse_as_the_whole_does() {
        let src = "actor A : 組合\nactor B : 市町村 {\n  clauses 秘密保持\n}\n\
                   flow A -> B : x for y\nflow A -> B : \"q\" # c\n\
                   flow flow -> B\nflow A ->\nflow B -> A : z via C, D\n\
                   data x : 氏名\nflow \"A\" <-> B : x for \"p\" basis \"b\"\n";
        let repeated = src.repeat(40);
        for size in [16, 40, 100, 333] {
            same(&repeated, size);
        }
    }

    #[test]
    fn an_unfinished_statement_finds_the_next_flow() {
        // The first part ends in the middle of a block and of a statement.
        let src = "actor A : R {\n  clauses x,\nflow A -> B : c\nflow A -> \nflow C -> D : e\n"
            .repeat(30);
        for size in [20, 50, 90] {
            same(&src, size);
        }
    }

    #[test]
    fn a_flow_that_is_not_a_statement_start_is_no_cut() {
        // `flow ->` and `flow flow` lex as a keyword then no name.
        let src = "flow -> B\nflow flow\nflow A -> B : c\n".repeat(50);
        let bounds = part_bounds(FileId(0), &src, 30);
        let starts = &bounds[..bounds.len() - 1];
        for &s in &starts[1..] {
            assert!(src[s..].starts_with("flow A"), "cut at {s}");
        }
        same(&src, 30);
    }

    #[test]
    fn runs_of_declarations_are_cut_too() {
        // Unclosed blocks, unfinished lists and keywords taken for names,
        // each cut off by an `actor` or `data` line.
        let src = "actor A : 委託先 \"株式会社A\" {\n  clauses 守秘義務,\n\
                   actor B : 組合 {\n  clauses 返還\n}\ndata x : 氏名\n\
                   data y : 個人番号 mynumber\ndata data : z\nactor actor\n\
                   data \"q\" :\nactor C : 市町村 { clauses a }\n"
            .repeat(40);
        let starts = |size| {
            let bounds = part_bounds(FileId(0), &src, size);
            let mut words: Vec<&str> = bounds[1..bounds.len() - 1]
                .iter()
                .filter_map(|&b| src[b..].split(' ').next())
                .collect();
            words.sort_unstable();
            words.dedup();
            words
        };
        assert_eq!(starts(40), ["actor", "data"]);
        for size in [20, 40, 70, 150] {
            same(&src, size);
        }
        // The formatter cuts at flows only.
        let fmt = part_bounds_at(FileId(0), &src, 40, &[Keyword::Flow]);
        assert_eq!(fmt, [0, src.len()]);
    }

    #[test]
    fn a_control_character_parses_the_file_in_one_pass() {
        // MN004 is capped per file: 150 of them give 100 findings and one
        // that counts the rest, as in one pass.
        let src = "flow A -> B : c\u{7}\n".repeat(150);
        same(&src, 64);
    }

    #[test]
    fn small_texts_are_one_part() {
        assert_eq!(part_bounds(FileId(0), "flow A -> B\n", PART_BYTES), [0, 12]);
    }
}
