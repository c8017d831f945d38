//! The statement parser: nom combinators over [`Tokens`], with recovery at
//! the next statement so one run reports every syntax error (MN001, MN002).
//! A flow statement written the usual way, nine in ten statements of a
//! design, is first tried by a reader written by hand (`usual_flow`),
//! which gives way to the combinators on anything else.

use super::ast::*;
use super::lexer::{Lexed, lex, lex_keeping, typed_in_full_width};
use super::token::{Keyword, Token, TokenKind};
use super::tokens::{Copies, ListedName, Names, Tokens};
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::fix::{Edit, Fix};
use crate::span::{FileId, Span};
use crate::tally::{Hollow, Keep, Tally};
use crate::text;
use crate::text::Text;
use nom::combinator::{cut, opt};
use nom::error::{ErrorKind, ParseError};
use nom::sequence::preceded;
use nom::{IResult, Input, Parser};
use smallvec::{SmallVec, smallvec};

/// What the parser wanted where it failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expected {
    /// A token of this kind.
    Token(TokenKind),
    /// A name of some kind: (English, Japanese) description.
    Name(&'static str, &'static str),
}

impl Expected {
    fn describe(self) -> Text {
        match self {
            Expected::Token(TokenKind::Keyword(k)) => text!("`{}`", k.as_str(); "`{}`", k.as_str()),
            Expected::Token(TokenKind::Str) => Text::new("a quoted string", "引用符で囲んだ文字列"),
            Expected::Token(k) => text!("`{}`", k.describe(); "`{}`", k.describe()),
            Expected::Name(en, ja) => Text::new(en, ja),
        }
    }
}

/// A parse failure: the token index where it happened and what would have
/// been accepted there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PError {
    /// Index of the offending token.
    pub at: usize,
    /// What was expected (a failed alternative is made for every `for`,
    /// `via` and comma a flow lacks: kept without an allocation).
    pub expected: SmallVec<[Expected; 2]>,
}

impl<'a> ParseError<Tokens<'a>> for PError {
    fn from_error_kind(input: Tokens<'a>, _: ErrorKind) -> Self {
        PError {
            at: input.pos,
            expected: SmallVec::new(),
        }
    }

    fn append(_: Tokens<'a>, _: ErrorKind, other: Self) -> Self {
        other
    }

    fn or(mut self, other: Self) -> Self {
        match self.at.cmp(&other.at) {
            std::cmp::Ordering::Less => other,
            std::cmp::Ordering::Greater => self,
            std::cmp::Ordering::Equal => {
                for e in other.expected {
                    if !self.expected.contains(&e) {
                        self.expected.push(e);
                    }
                }
                self
            }
        }
    }
}

type PResult<'a, T> = IResult<Tokens<'a>, T, PError>;

fn fail<T>(at: usize, expected: Expected) -> Result<T, nom::Err<PError>> {
    Err(nom::Err::Error(PError {
        at,
        expected: smallvec![expected],
    }))
}

/// One token of `kind`.
fn tok<'a>(kind: TokenKind) -> impl Fn(Tokens<'a>) -> PResult<'a, &'a Token> {
    move |i: Tokens<'a>| match i.peek() {
        Some(t) if t.kind == kind => Ok((i.take_from(1), t)),
        _ => fail(i.pos, Expected::Token(kind)),
    }
}

/// A keyword; returns its span.
fn kw<'a>(k: Keyword) -> impl Fn(Tokens<'a>) -> PResult<'a, Span> {
    move |i: Tokens<'a>| tok(TokenKind::Keyword(k))(i).map(|(r, t)| (r, t.span))
}

/// Keyword `k`, or `k` typed in full-width (`ｖｉａ`, a name to the
/// lexer), read as `k` where a name could not stand: the statement then
/// reads on as it looks, rather than ending at the word and being checked
/// without the rest (a flow's `via` lost made a false MN104). The word is
/// noted for its MN001, with the fix that writes it in half-width
/// ([`StmtParser::typed_in_full_width`]).
fn kw_or_typed<'a>(k: Keyword) -> impl Fn(Tokens<'a>) -> PResult<'a, Span> {
    move |i: Tokens<'a>| {
        kw(k)(i).or_else(|e| match i.peek() {
            Some(t)
                if t.kind == TokenKind::Name
                    && typed_in_full_width(t.text(i.src)) == Some(k.as_str()) =>
            {
                i.names.note_typed_in_full_width(i.pos);
                Ok((i.take_from(1), t.span))
            }
            _ => Err(e),
        })
    }
}

/// A bare or quoted name.
fn ident<'a>(en: &'static str, ja: &'static str) -> impl Fn(Tokens<'a>) -> PResult<'a, Ident> {
    move |i: Tokens<'a>| match i.peek() {
        Some(t) if matches!(t.kind, TokenKind::Name | TokenKind::Str) => {
            Ok((i.take_from(1), i.ident(t)))
        }
        _ => fail(i.pos, Expected::Name(en, ja)),
    }
}

/// A quoted string.
fn string<'a>(i: Tokens<'a>) -> PResult<'a, Ident> {
    tok(TokenKind::Str)(i).map(|(r, t)| (r, i.ident(t)))
}

/// `NAME, NAME, ...` (at least one), as `separated_list1` reads them but
/// into any list: a flow's lists are [`Few`], kept in place.
fn names<'a, C>(en: &'static str, ja: &'static str) -> impl Fn(Tokens<'a>) -> PResult<'a, C>
where
    C: NameList,
{
    move |i: Tokens<'a>| {
        let (mut i, first) = cut(ident(en, ja)).parse(i)?;
        let mut list = C::default();
        list.push_name(first);
        loop {
            match tok(TokenKind::Comma)(i) {
                Ok((rest, _)) => {
                    let (rest, name) = cut(ident(en, ja)).parse(rest)?;
                    list.push_name(name);
                    i = rest;
                }
                Err(nom::Err::Error(_)) => return Ok((i, list)),
                Err(e) => return Err(e),
            }
        }
    }
}

/// A list [`names`] reads into, one name at a time (`Extend` with a
/// one-name array is generic code that cost a flow's parse a tenth).
trait NameList: Default {
    fn push_name(&mut self, name: Ident);
}

impl NameList for Vec<Ident> {
    fn push_name(&mut self, name: Ident) {
        self.push(name);
    }
}

impl NameList for Few<Ident> {
    fn push_name(&mut self, name: Ident) {
        self.push(name);
    }
}

/// `->`, `→` or `<->`.
fn arrow(i: Tokens<'_>) -> PResult<'_, Arrow> {
    match i.peek() {
        Some(t) if matches!(t.kind, TokenKind::Arrow | TokenKind::BothArrow) => Ok((
            i.take_from(1),
            Arrow {
                both_ways: t.kind == TokenKind::BothArrow,
                span: t.span,
            },
        )),
        // `－＞`, `＜－＞`: read as the arrow, noted for their MN001 (as
        // [`kw_or_typed`] reads a keyword typed in full-width).
        Some(t)
            if t.kind == TokenKind::Name
                && matches!(typed_in_full_width(t.text(i.src)), Some("->" | "<->")) =>
        {
            i.names.note_typed_in_full_width(i.pos);
            let both_ways = typed_in_full_width(t.text(i.src)) == Some("<->");
            Ok((
                i.take_from(1),
                Arrow {
                    both_ways,
                    span: t.span,
                },
            ))
        }
        _ => Err(nom::Err::Error(PError {
            at: i.pos,
            expected: smallvec![
                Expected::Token(TokenKind::Arrow),
                Expected::Token(TokenKind::BothArrow),
            ],
        })),
    }
}

/// The span from the first token of `start` to the last consumed before `end`.
fn covered(start: Tokens<'_>, end: Tokens<'_>) -> Span {
    let first = start.toks[0].span;
    let consumed = end.pos - start.pos;
    let last = start.toks[consumed.saturating_sub(1).min(start.toks.len() - 1)].span;
    first.to(last)
}

/// `A -> B : X, ... [for P, ...] [via C, ...] [basis "..."]`; `what` names
/// the parts ("actor"/"data item" for flows, "role"/"category" for rules).
fn pattern<'a>(
    party: (&'static str, &'static str),
    payload: (&'static str, &'static str),
) -> impl Fn(Tokens<'a>) -> PResult<'a, Pattern> {
    move |i: Tokens<'a>| {
        let (i, from) = ident(party.0, party.1)(i)?;
        let (i, arrow) = cut(arrow).parse(i)?;
        let (i, to) = cut(ident(party.0, party.1)).parse(i)?;
        let (i, _) = cut(tok(TokenKind::Colon)).parse(i)?;
        let (i, payload) = cut(names(payload.0, payload.1)).parse(i)?;
        let (i, for_kw) = opt(kw_or_typed(Keyword::For)).parse(i)?;
        let (i, purposes) = match for_kw {
            Some(_) => cut(names("a purpose", "利用目的")).parse(i)?,
            None => (i, Few::new()),
        };
        let (i, via_kw) = opt(kw_or_typed(Keyword::Via)).parse(i)?;
        let (i, via) = match via_kw {
            Some(kw) => {
                let (i, names) = cut(names(party.0, party.1)).parse(i)?;
                (i, Some(Box::new(Via { kw, names })))
            }
            None => (i, None),
        };
        let (i, basis) = opt(preceded(kw_or_typed(Keyword::Basis), cut(string))).parse(i)?;
        let basis = basis.map(Box::new);
        Ok((
            i,
            Pattern {
                from,
                arrow,
                to,
                payload,
                purposes,
                via,
                basis,
            },
        ))
    }
}

fn use_stmt(i: Tokens<'_>) -> PResult<'_, Stmt> {
    let start = i;
    let (i, _) = kw_or_typed(Keyword::Use)(i)?;
    let (i, target) = cut(ident(
        "a rulebook name or path",
        "ルールブックの名前またはパス",
    ))
    .parse(i)?;
    Ok((
        i,
        Stmt::Use(UseStmt {
            target,
            span: covered(start, i),
        }),
    ))
}

fn data_decl(i: Tokens<'_>) -> PResult<'_, Stmt> {
    let start = i;
    let (i, _) = kw_or_typed(Keyword::Data)(i)?;
    let (i, name) = cut(ident("a data item name", "データ項目名")).parse(i)?;
    let (i, _) = cut(tok(TokenKind::Colon)).parse(i)?;
    let (i, category) = cut(ident("a category", "カテゴリ")).parse(i)?;
    let (i, mynumber) = opt(kw_or_typed(Keyword::Mynumber)).parse(i)?;
    let (i, label) = opt(string).parse(i)?;
    Ok((
        i,
        Stmt::Data(DataDecl {
            name,
            category,
            mynumber,
            label,
            span: covered(start, i),
        }),
    ))
}

fn flow_stmt(i: Tokens<'_>) -> PResult<'_, Stmt> {
    let start = i;
    let (i, _) = kw_or_typed(Keyword::Flow)(i)?;
    let (i, pattern) = cut(pattern(
        ("an actor", "アクター"),
        ("a data item", "データ項目"),
    ))
    .parse(i)?;
    Ok((
        i,
        Stmt::Flow(FlowStmt {
            pattern,
            span: covered(start, i),
        }),
    ))
}

/// A flow statement written as nearly all are, read a token at a time:
/// `flow A -> B : X, ... [for P, ...] [via C, ...] [basis "..."]` and
/// nothing amiss. None for anything else, which [`flow_stmt`] then reads
/// and, when it is wrong, says why; where this reads a statement it
/// builds the very tree `flow_stmt` would (a test compares them). Nine in
/// ten of a design's statements are flows, and the combinators' results,
/// each a tree of a flow's size handed back through every layer, were a
/// tenth of parsing.
fn usual_flow(i: Tokens<'_>) -> Option<(Tokens<'_>, Stmt)> {
    let toks = i.toks;
    let kind = |k: usize| toks.get(k).map(|t| t.kind);
    let is_name = |k: usize| matches!(kind(k), Some(TokenKind::Name | TokenKind::Str));
    let ident = |k: usize| i.take_from(k).ident(&toks[k]);
    // `NAME, NAME, ...` from token `k`: the names and the token after them.
    let list = |mut k: usize| -> Option<(Few<Ident>, usize)> {
        let mut names = Few::new();
        loop {
            if !is_name(k) {
                return None;
            }
            names.push(ident(k));
            if kind(k + 1) != Some(TokenKind::Comma) {
                return Some((names, k + 1));
            }
            k += 2;
        }
    };
    if kind(0) != Some(TokenKind::Keyword(Keyword::Flow)) || !is_name(1) || !is_name(3) {
        return None;
    }
    let arrow = match toks.get(2) {
        Some(t) if matches!(t.kind, TokenKind::Arrow | TokenKind::BothArrow) => Arrow {
            both_ways: t.kind == TokenKind::BothArrow,
            span: t.span,
        },
        _ => return None,
    };
    if kind(4) != Some(TokenKind::Colon) {
        return None;
    }
    let (from, to) = (ident(1), ident(3));
    let (payload, mut k) = list(5)?;
    let mut purposes = Few::new();
    if kind(k) == Some(TokenKind::Keyword(Keyword::For)) {
        (purposes, k) = list(k + 1)?;
    }
    let mut via = None;
    if kind(k) == Some(TokenKind::Keyword(Keyword::Via)) {
        let kw = toks[k].span;
        let (names, next) = list(k + 1)?;
        via = Some(Box::new(Via { kw, names }));
        k = next;
    }
    let mut basis = None;
    if kind(k) == Some(TokenKind::Keyword(Keyword::Basis)) {
        if kind(k + 1) != Some(TokenKind::Str) {
            return None;
        }
        basis = Some(Box::new(ident(k + 1)));
        k += 2;
    }
    // A name right after the flow (an error, or a keyword typed in
    // full-width, which the general parser reads on through).
    if is_name(k) {
        return None;
    }
    let rest = i.take_from(k);
    let stmt = Stmt::Flow(FlowStmt {
        pattern: Pattern {
            from,
            arrow,
            to,
            payload,
            purposes,
            via,
            basis,
        },
        span: covered(i, rest),
    });
    Some((rest, stmt))
}

fn rulebook_decl(i: Tokens<'_>) -> PResult<'_, Stmt> {
    let start = i;
    let (i, _) = kw_or_typed(Keyword::Rulebook)(i)?;
    let (i, name) = cut(ident("a rulebook name", "ルールブック名")).parse(i)?;
    let (i, title) = opt(string).parse(i)?;
    let (i, revised) = opt(preceded(
        kw_or_typed(Keyword::Revised),
        cut(ident("a date (YYYY-MM-DD)", "日付 (YYYY-MM-DD)")),
    ))
    .parse(i)?;
    Ok((
        i,
        Stmt::Rulebook(RulebookDecl {
            name,
            title,
            revised,
            span: covered(start, i),
        }),
    ))
}

fn role_flag(i: Tokens<'_>) -> PResult<'_, (RoleFlag, Span)> {
    let flag = match i.peek_kind() {
        TokenKind::Keyword(Keyword::SelfOrg) => RoleFlag::SelfOrg,
        TokenKind::Keyword(Keyword::Carrier) => RoleFlag::Carrier,
        TokenKind::Keyword(Keyword::Subject) => RoleFlag::Subject,
        TokenKind::Keyword(Keyword::Contractor) => RoleFlag::Contractor,
        _ => return fail(i.pos, Expected::Token(TokenKind::Keyword(Keyword::SelfOrg))),
    };
    Ok((i.take_from(1), (flag, i.toks[0].span)))
}

fn role_decl(i: Tokens<'_>) -> PResult<'_, Stmt> {
    let start = i;
    let (i, _) = kw_or_typed(Keyword::Role)(i)?;
    let (i, name) = cut(ident("a role name", "役割名")).parse(i)?;
    let (i, flag) = opt(role_flag).parse(i)?;
    let (i, parent) = opt(preceded(
        kw_or_typed(Keyword::In),
        cut(ident("a parent role", "親の役割")),
    ))
    .parse(i)?;
    let (i, label) = opt(string).parse(i)?;
    Ok((
        i,
        Stmt::Role(RoleDecl {
            name,
            flag,
            parent,
            label,
            span: covered(start, i),
        }),
    ))
}

fn category_decl(i: Tokens<'_>) -> PResult<'_, Stmt> {
    let start = i;
    let (i, _) = kw_or_typed(Keyword::Category)(i)?;
    let (i, name) = cut(ident("a category name", "カテゴリ名")).parse(i)?;
    let (i, mynumber) = opt(kw_or_typed(Keyword::Mynumber)).parse(i)?;
    let (i, parent) = opt(preceded(
        kw_or_typed(Keyword::In),
        cut(ident("a parent category", "親カテゴリ")),
    ))
    .parse(i)?;
    let (i, label) = opt(string).parse(i)?;
    Ok((
        i,
        Stmt::Category(CategoryDecl {
            name,
            mynumber,
            parent,
            label,
            span: covered(start, i),
        }),
    ))
}

fn purpose_decl(i: Tokens<'_>) -> PResult<'_, PurposeDecl> {
    let start = i;
    let (i, _) = kw_or_typed(Keyword::Purpose)(i)?;
    let (i, name) = cut(ident("a purpose name", "利用目的名")).parse(i)?;
    let (i, parent) = opt(preceded(
        kw_or_typed(Keyword::In),
        cut(ident("a parent purpose", "親の利用目的")),
    ))
    .parse(i)?;
    let (i, label) = opt(string).parse(i)?;
    Ok((
        i,
        PurposeDecl {
            name,
            parent,
            label,
            span: covered(start, i),
        },
    ))
}

fn allow_stmt(i: Tokens<'_>) -> PResult<'_, AllowStmt> {
    let start = i;
    let (i, _) = kw_or_typed(Keyword::Allow)(i)?;
    let (i, pattern) = cut(pattern(("a role", "役割"), ("a category", "カテゴリ"))).parse(i)?;
    Ok((
        i,
        AllowStmt {
            pattern,
            span: covered(start, i),
        },
    ))
}

fn contractor_decl(i: Tokens<'_>) -> PResult<'_, Stmt> {
    let start = i;
    let (i, _) = kw_or_typed(Keyword::Contractor)(i)?;
    let (i, by_role) = opt(kw(Keyword::Role)).parse(i)?;
    let (i, registrant) = match by_role {
        Some(_) => {
            let (i, r) = cut(ident("a role", "役割")).parse(i)?;
            (i, Registrant::Role(r))
        }
        None => {
            let (i, n) =
                cut(ident("a legal name or `role`", "事業者の名称または `role`")).parse(i)?;
            (i, Registrant::Name(n))
        }
    };
    let (i, _) = cut(kw_or_typed(Keyword::For)).parse(i)?;
    let (i, purposes) = cut(names("a purpose", "利用目的")).parse(i)?;
    Ok((
        i,
        Stmt::Contractor(ContractorDecl {
            registrant,
            purposes,
            span: covered(start, i),
        }),
    ))
}

fn clause_decl(i: Tokens<'_>) -> PResult<'_, Stmt> {
    let start = i;
    let (i, _) = kw_or_typed(Keyword::Clause)(i)?;
    let (i, name) = cut(ident("a clause name", "契約事項名")).parse(i)?;
    let (i, label) = opt(string).parse(i)?;
    Ok((
        i,
        Stmt::Clause(ClauseDecl {
            name,
            label,
            span: covered(start, i),
        }),
    ))
}

/// `actor NAME : ROLE ["label"]`, up to (not including) an optional block.
fn actor_head(i: Tokens<'_>) -> PResult<'_, ActorDecl> {
    let start = i;
    let (i, _) = kw_or_typed(Keyword::Actor)(i)?;
    let (i, name) = cut(ident("an actor name", "アクター名")).parse(i)?;
    let (i, _) = cut(tok(TokenKind::Colon)).parse(i)?;
    let (i, role) = cut(ident("a role", "役割")).parse(i)?;
    let (i, label) = opt(string).parse(i)?;
    Ok((
        i,
        ActorDecl {
            name,
            role,
            label,
            clauses: None,
            block: None,
            span: covered(start, i),
        },
    ))
}

/// `section "ID" ["title"] [mynumber] [basis "..."]`, up to the block.
fn section_head(i: Tokens<'_>) -> PResult<'_, SectionDecl> {
    let start = i;
    let (i, _) = kw_or_typed(Keyword::Section)(i)?;
    let (i, id) = cut(ident("a section id", "セクションの番号")).parse(i)?;
    let (i, title) = opt(string).parse(i)?;
    let (i, mynumber) = opt(kw_or_typed(Keyword::Mynumber)).parse(i)?;
    let (i, basis) = opt(preceded(kw_or_typed(Keyword::Basis), cut(string))).parse(i)?;
    Ok((
        i,
        SectionDecl {
            id,
            title,
            mynumber,
            basis,
            purposes: Vec::new(),
            allows: Vec::new(),
            span: covered(start, i),
        },
    ))
}

/// The keyword or arrow that `found`, a name where the parser wanted
/// something else, is typed in full-width ([`typed_in_full_width`]).
fn half_width_of(found: &Token, src: &str) -> Option<&'static str> {
    match found.kind {
        TokenKind::Name => typed_in_full_width(found.text(src)),
        _ => None,
    }
}

/// `d`, an MN001 at `found`, which is `meant` typed in full-width: its
/// help says so. The full-width word looks like the keyword, and the
/// message saying a keyword was expected and this was found would not
/// tell the reader what is wrong with it.
fn typed_in_full_width_help(d: Diagnostic, found: &Token, src: &str, meant: &str) -> Diagnostic {
    let word = found.text(src);
    let help = match Keyword::from_word(meant) {
        Some(_) => text!(
            "`{word}` is the keyword `{meant}` typed in full-width characters; write it in half-width: `{meant}`";
            "`{word}` は全角で入力されたキーワード `{meant}` です。半角で `{meant}` と書いてください"
        ),
        None => text!(
            "`{word}` is `{meant}` typed in full-width characters; write it in half-width: `{meant}`";
            "`{word}` は全角で入力された `{meant}` です。半角で `{meant}` と書いてください"
        ),
    };
    d.with_help(help).with_fix(as_half_width(found.span, meant))
}

/// The safe fix of an MN001 at a word typed in full-width: `meant`, in
/// half-width, written over it. Safe as MN003's is: a name where the word
/// stands is an error already, and the word shows `meant`, so the fix
/// makes the design read as it looks.
fn as_half_width(span: Span, meant: &str) -> Fix {
    Fix::safe(
        text!("write `{meant}` in half-width"; "半角の `{meant}` に書き換える"),
        vec![Edit {
            span,
            content: meant.to_string(),
        }],
    )
}

/// What a parse gave: the tree and the findings (lexical and syntactic).
#[derive(Debug, Default)]
pub struct Parsed {
    /// The statements that could be read.
    pub file: File,
    /// MN001–MN004 findings kept in full, in source order.
    pub diagnostics: Vec<Diagnostic>,
    /// The others, as their places, in source order
    /// ([`crate::tally::Keep`]; none unless the parse was told to keep
    /// fewer than all).
    pub hollow: Vec<Hollow>,
}

struct StmtParser<'a> {
    toks: &'a [Token],
    src: &'a str,
    names: &'a Names,
    diags: Tally,
}

fn describe_found(t: &Token, src: &str) -> Text {
    match t.kind {
        TokenKind::Eof => Text::new("end of file", "ファイルの終わり"),
        TokenKind::Keyword(k) => text!("keyword `{}`", k.as_str(); "キーワード `{}`", k.as_str()),
        TokenKind::Name => text!("`{}`", t.text(src); "`{}`", t.text(src)),
        TokenKind::Str => text!("string \"{}\"", t.text(src); "文字列 \"{}\"", t.text(src)),
        _ => text!("`{}`", t.text(src); "`{}`", t.text(src)),
    }
}

fn join_expected(expected: &[Expected]) -> Text {
    let parts: Vec<Text> = expected.iter().map(|e| e.describe()).collect();
    let en: Vec<&str> = parts.iter().map(|t| t.en.as_str()).collect();
    let ja: Vec<&str> = parts.iter().map(|t| t.ja.as_str()).collect();
    let en = match en.len() {
        0 => "something else".to_string(),
        1 => en[0].to_string(),
        n => format!("{} or {}", en[..n - 1].join(", "), en[n - 1]),
    };
    let ja = match ja.len() {
        0 => "別のもの".to_string(),
        1 => ja[0].to_string(),
        2 => crate::text::ja_join(&[ja[0], "か", ja[1]]),
        _ => crate::text::ja_join(&[&ja.join("、"), "のいずれか"]),
    };
    Text { en, ja }
}

impl<'a> StmtParser<'a> {
    fn at(&self, pos: usize) -> Tokens<'a> {
        Tokens {
            toks: &self.toks[pos..],
            pos,
            src: self.src,
            names: self.names,
        }
    }

    fn kind(&self, pos: usize) -> TokenKind {
        self.toks.get(pos).map_or(TokenKind::Eof, |t| t.kind)
    }

    /// The kind of the token at `pos`, a keyword typed in full-width
    /// (`ｐｕｒｐｏｓｅ`) taken as the keyword: where an item of a block
    /// starts, a name cannot stand, and [`kw_or_typed`] reads it so.
    fn kind_or_typed(&self, pos: usize) -> TokenKind {
        match self.kind(pos) {
            TokenKind::Name => (self.toks.get(pos))
                .and_then(|t| half_width_of(t, self.src))
                .and_then(Keyword::from_word)
                .map_or(TokenKind::Name, TokenKind::Keyword),
            kind => kind,
        }
    }

    fn is_statement_start(&self, pos: usize) -> bool {
        matches!(self.kind(pos), TokenKind::Keyword(k) if k.starts_statement())
    }

    /// Is the token at `pos` a statement keyword typed in full-width
    /// (`ａｃｔｏｒ`)? A name to the parser, but where a statement was
    /// meant to start.
    fn is_full_width_statement_start(&self, pos: usize) -> bool {
        (self.toks.get(pos))
            .and_then(|t| half_width_of(t, self.src))
            .and_then(Keyword::from_word)
            .is_some_and(Keyword::starts_statement)
    }

    /// Would a string at `pos`, where a statement was wanted, have been
    /// the label of the statement before? That statement declares
    /// something that takes a label last (`actor`, `data`, `role`,
    /// `category`, `clause`, `rulebook`), and ends right before `pos`
    /// with no string and no block.
    fn label_fits(&self, pos: usize) -> bool {
        let Some(before) = pos.checked_sub(1).and_then(|p| self.toks.get(..=p)) else {
            return false;
        };
        for t in before.iter().rev() {
            match t.kind {
                TokenKind::Str | TokenKind::RBrace | TokenKind::LBrace => return false,
                TokenKind::Keyword(k) if k.starts_statement() => {
                    return matches!(
                        k,
                        Keyword::Actor
                            | Keyword::Data
                            | Keyword::Role
                            | Keyword::Category
                            | Keyword::Clause
                            | Keyword::Rulebook
                    );
                }
                _ => {}
            }
        }
        false
    }

    /// Skips to the next token that can start a statement (or close a block
    /// when `in_block`). A statement keyword typed in full-width stops it
    /// too, so that the line it starts gets its own MN001, with the fix
    /// that writes it in half-width, rather than being skipped unread as
    /// part of the error before it.
    fn resync(&self, pos: usize, in_block: bool) -> usize {
        // Never past the final Eof token.
        let mut pos = pos.min(self.toks.len() - 1);
        let stops = |pos: usize| {
            self.is_statement_start(pos)
                || self.is_full_width_statement_start(pos)
                || (in_block && self.kind(pos) == TokenKind::RBrace)
        };
        while pos < self.toks.len() - 1 && !stops(pos) {
            pos += 1;
        }
        pos
    }

    /// MN001 for what `e` expected `context` and did not find; worded,
    /// context and all, only when the tally keeps it in full (a file with
    /// an error on each of half a million lines spent a fifth of its parse
    /// wording them).
    fn syntax_error(&mut self, e: PError, context: impl FnOnce() -> Text) {
        let (toks, src) = (self.toks, self.src);
        let at = e.at.min(toks.len().saturating_sub(1));
        let Some(found) = toks.get(at) else {
            return;
        };
        // What was expected is missing at the end of a line when what comes
        // next is on a later one (the next statement, or the end of the
        // file): shown at the token it should have followed, not at the
        // next line's keyword (whose "quote it" help would mislead).
        let line_ended = at
            .checked_sub(1)
            .and_then(|i| toks.get(i))
            .filter(|before| {
                let between = src.get(before.span.end as usize..found.span.start as usize);
                between.is_some_and(|b| b.contains('\n')) || found.kind == TokenKind::Eof
            });
        let span = line_ended.map_or(found.span, |before| before.span);
        let half_width = match line_ended {
            None => half_width_of(found, src),
            Some(_) => None,
        };
        // `basis 「委託契約」`: a string wanted, a look-alike quote found.
        let quote = (line_ended.is_none() && found.kind == TokenKind::Name)
            .then(|| super::quotes::opens_with_lookalike(found.text(src)))
            .flatten();
        let string_wanted =
            (e.expected.iter()).any(|x| matches!(x, Expected::Token(TokenKind::Str)));
        let as_string = (quote.is_some() && string_wanted)
            .then(|| super::quotes::as_string(src, found.span))
            .flatten();
        let make = || {
            let context = context();
            let expected = join_expected(&e.expected);
            let found_text = match line_ended {
                Some(_) if found.kind != TokenKind::Eof => Text::new("the end of the line", "行末"),
                _ => describe_found(found, src),
            };
            let mut d = Diagnostic::new(
                Code::MN001,
                span,
                Text::new(
                    format!(
                        "expected {} {}, found {}",
                        expected.en, context.en, found_text.en
                    ),
                    crate::text::ja_join(&[
                        &context.ja,
                        "は",
                        &expected.ja,
                        "が必要ですが、",
                        &found_text.ja,
                        "があります",
                    ]),
                ),
            );
            d = match line_ended {
                Some(_) => d.with_primary_label(Text::new(
                    format!("expected {} after this", expected.en),
                    crate::text::ja_join(&["この後に", &expected.ja, "が必要です"]),
                )),
                None => d.with_primary_label(Text::new(
                    format!("expected {}", expected.en),
                    crate::text::ja_join(&[&expected.ja, "が必要です"]),
                )),
            };
            if let TokenKind::Keyword(k) = found.kind
                && line_ended.is_none()
                && e.expected.iter().any(|x| matches!(x, Expected::Name(..)))
            {
                d = d.with_help(text!(
                    "`{0}` is a keyword; to use it as a name, quote it: \"{0}\"",
                    k.as_str();
                    "`{0}` はキーワードです。名前として使うには引用符で囲んでください: \"{0}\"",
                    k.as_str()
                ));
            }
            if found.kind == TokenKind::Paren {
                d = d.with_help(Text::new(
                    "parentheses are not part of a bare name; quote the name: \"2(1)\"",
                    "丸括弧は引用符なしの名前には使えません。引用符で囲んでください: \"2(1)\"",
                ));
            }
            if let Some(meant) = half_width {
                d = typed_in_full_width_help(d, found, src, meant);
            } else if let Some(open) = quote {
                d = d.with_help(super::quotes::help(open));
                if let Some(fix) = as_string.clone() {
                    d = d.with_fix(fix);
                }
            }
            if line_ended.is_none()
                && let Some(note) = super::quotes::no_break_space_before(toks, at, src)
            {
                d = d.with_note(note);
            }
            d
        };
        match (half_width, as_string.clone()) {
            (Some(meant), _) => {
                let fix = || as_half_width(found.span, meant);
                self.diags.push_made_with_fix(Code::MN001, span, make, fix);
            }
            (None, Some(fix)) => self
                .diags
                .push_made_with_fix(Code::MN001, span, make, || fix),
            (None, None) => self.diags.push_made(Code::MN001, span, make),
        }
    }

    /// Runs a nom statement parser at `pos`; on failure reports MN001 and
    /// resynchronises. Returns the statement (if any) and the next position.
    fn statement<T>(
        &mut self,
        pos: usize,
        in_block: bool,
        context: impl FnOnce() -> Text,
        p: impl Fn(Tokens<'a>) -> PResult<'a, T>,
    ) -> (Option<T>, usize) {
        match p(self.at(pos)) {
            Ok((rest, v)) => (Some(v), rest.pos),
            Err(nom::Err::Error(e) | nom::Err::Failure(e)) => {
                let at = e.at;
                // Worded only in the finding: a statement that parses
                // (nearly every one) never builds its context's text.
                self.syntax_error(e, context);
                // A statement keyword where a name was expected usually starts
                // the next statement (`flow A ->` then `actor ...`); but when no
                // name follows it, it was meant as a name (`data data : X`).
                let restart_here = at > pos
                    && self.is_statement_start(at)
                    && matches!(self.kind(at + 1), TokenKind::Name | TokenKind::Str);
                let from = if restart_here { at } else { at.max(pos) + 1 };
                (None, self.resync(from, in_block))
            }
            Err(nom::Err::Incomplete(_)) => (None, self.resync(pos + 1, in_block)),
        }
    }

    /// MN001 for the token at `pos` where `wanted` was; worded (with its
    /// "did you mean") only when the tally keeps it in full.
    fn unexpected(&mut self, pos: usize, wanted: Text) {
        self.unexpected_where(pos, wanted, false);
    }

    /// [`Parser::unexpected`], where `label_fits` says that a string
    /// would have been read as the label of the statement before: then a
    /// look-alike quote (`「…」`) there gets the fix that writes it in
    /// `"…"`.
    fn unexpected_where(&mut self, pos: usize, wanted: Text, label_fits: bool) {
        let (toks, src) = (self.toks, self.src);
        let Some(found) = toks.get(pos) else {
            return;
        };
        let half_width = half_width_of(found, src);
        let quote = (found.kind == TokenKind::Name)
            .then(|| super::quotes::opens_with_lookalike(found.text(src)))
            .flatten();
        let as_string = (quote.is_some() && label_fits)
            .then(|| super::quotes::as_string(src, found.span))
            .flatten();
        let make = || {
            let found_text = describe_found(found, src);
            let mut d = Diagnostic::new(
                Code::MN001,
                found.span,
                Text::new(
                    format!("expected {}, found {}", wanted.en, found_text.en),
                    crate::text::ja_join(&[
                        &wanted.ja,
                        "が必要ですが、",
                        &found_text.ja,
                        "があります",
                    ]),
                ),
            )
            .with_primary_label(Text::new(
                format!("unexpected {}", found_text.en),
                crate::text::ja_join(&["予期しない", &found_text.ja]),
            ));
            let statements = Keyword::ALL
                .iter()
                .filter(|k| k.starts_statement())
                .map(|k| k.as_str());
            // `for 7(1)`: a section id where a purpose goes, unquoted.
            let opens = found.kind == TokenKind::Paren && found.text(src) == "(";
            let after_name = (pos.checked_sub(1).and_then(|p| toks.get(p)))
                .filter(|t| opens && t.kind == TokenKind::Name && t.span.end == found.span.start);
            if let Some(note) = super::quotes::no_break_space_before(toks, pos, src) {
                d = d.with_note(note);
            }
            if let Some(meant) = half_width {
                d = typed_in_full_width_help(d, found, src, meant);
            } else if let Some(open) = quote {
                d = d.with_help(super::quotes::help(open));
                if let Some(fix) = as_string.clone() {
                    d = d.with_fix(fix);
                }
            } else if let Some(name) = after_name {
                let name = name.text(src);
                d = d.with_help(text!(
                    "is `{name}(` a section id? A flow names purposes, not sections (`mynaflow rules show` lists each section's purposes); a name that holds `(` is written in quotes";
                    "「{name}(」はセクションの番号ですか？ フローにはセクションではなく利用目的を書きます (各セクションの利用目的は `mynaflow rules show` で確認できます)。`(` を含む名前は引用符で囲みます"
                ));
            } else if found.kind == TokenKind::Name
                && let Some(k) = crate::names::did_you_mean(found.text(src), statements)
            {
                d = d.with_help(text!("did you mean `{k}`?"; "`{k}` の誤りではありませんか？"));
            } else if matches!(found.kind, TokenKind::Name | TokenKind::Str) {
                d = d.with_help(Text::new(
                    "a statement starts with a keyword; items of a list are separated by `,`",
                    "文はキーワードで始まります。一覧の項目は `,` で区切ります",
                ));
            }
            d
        };
        match (half_width, as_string.clone()) {
            (Some(meant), _) => {
                let fix = || as_half_width(found.span, meant);
                self.diags
                    .push_made_with_fix(Code::MN001, found.span, make, fix);
            }
            (None, Some(fix)) => {
                self.diags
                    .push_made_with_fix(Code::MN001, found.span, make, || fix)
            }
            (None, None) => self.diags.push_made(Code::MN001, found.span, make),
        }
    }

    /// MN001 for each keyword typed in full-width that the statement
    /// read from the tokens `range` took as the keyword ([`kw_or_typed`]),
    /// with its safe fix; worded only when the tally keeps it in full.
    fn typed_in_full_width(&mut self, range: std::ops::Range<usize>) {
        for at in self.names.take_typed_in_full_width(range) {
            let (toks, src) = (self.toks, self.src);
            let Some(found) = toks.get(at) else {
                continue;
            };
            let Some(meant) = half_width_of(found, src) else {
                continue;
            };
            let make = || {
                let word = found.text(src);
                let (message, label) = match Keyword::from_word(meant) {
                    Some(_) => (
                        text!(
                            "keyword `{meant}` typed in full-width characters: `{word}`";
                            "キーワード `{meant}` が全角で `{word}` と入力されています"
                        ),
                        text!(
                            "read as `{meant}`; keywords are written in half-width";
                            "`{meant}` として読みました。キーワードは半角で書きます"
                        ),
                    ),
                    None => (
                        text!(
                            "`{meant}` typed in full-width characters: `{word}`";
                            "`{meant}` が全角で `{word}` と入力されています"
                        ),
                        text!(
                            "read as `{meant}`; it is written in half-width";
                            "`{meant}` として読みました。半角で書きます"
                        ),
                    ),
                };
                let d = Diagnostic::new(Code::MN001, found.span, message).with_primary_label(label);
                typed_in_full_width_help(d, found, src, meant)
            };
            let fix = || as_half_width(found.span, meant);
            self.diags
                .push_made_with_fix(Code::MN001, found.span, make, fix);
        }
    }

    /// MN002 for the block opened at `open` that `at` ends unclosed;
    /// worded only when the tally keeps it in full.
    fn unterminated_block(&mut self, open: Span, keyword: &str, at: usize) {
        let end = (self.toks.get(at))
            .filter(|t| t.kind != TokenKind::Eof)
            .map(|t| t.span);
        self.diags.push_made(Code::MN002, open, || {
            let d = Diagnostic::new(
                Code::MN002,
                open,
                text!("unterminated block of `{keyword}`"; "`{keyword}` のブロックが閉じられていません"),
            )
            .with_primary_label(text!("this `{{` has no matching `}}`"; "この `{{` に対応する `}}` がありません"))
            .with_help(Text::new("add `}` where the block ends", "ブロックの終わりに `}` を追加してください"));
            match end {
                Some(end) => d.with_label(
                    end,
                    text!("the block should end before this"; "ブロックはこの前で閉じる必要があります"),
                ),
                None => d,
            }
        });
    }

    /// A `{ ... }` block whose items are parsed by `item`; returns the block
    /// span and the next position.
    fn block(
        &mut self,
        pos: usize,
        keyword: &str,
        mut item: impl FnMut(&mut Self, usize) -> Option<usize>,
        wanted: Text,
    ) -> (Span, usize) {
        let open = self.toks[pos].span;
        let mut pos = pos + 1;
        loop {
            match self.kind(pos) {
                TokenKind::RBrace => return (open.to(self.toks[pos].span), pos + 1),
                TokenKind::Eof => {
                    self.unterminated_block(open, keyword, pos);
                    return (open, pos);
                }
                _ => {
                    if let Some(next) = item(self, pos) {
                        pos = next;
                    } else if self.is_statement_start(pos) {
                        self.unterminated_block(open, keyword, pos);
                        return (open, pos);
                    } else {
                        self.unexpected(pos, wanted.clone());
                        pos = self.resync(pos + 1, true);
                    }
                }
            }
        }
    }

    fn section(&mut self, pos: usize) -> (Option<Stmt>, usize) {
        let ctx = || Text::new("in the section header", "セクションの見出しに");
        let (head, pos) = self.statement(pos, false, ctx, section_head);
        let Some(mut section) = head else {
            return (None, pos);
        };
        if self.kind(pos) != TokenKind::LBrace {
            let e = PError {
                at: pos,
                expected: smallvec![Expected::Token(TokenKind::LBrace)],
            };
            self.syntax_error(e, || {
                Text::new("after the section header", "セクションの見出しの後に")
            });
            return (Some(Stmt::Section(section)), self.resync(pos, false));
        }
        let mut purposes = Vec::new();
        let mut allows = Vec::new();
        let (block, next) = self.block(
            pos,
            "section",
            |p, at| match p.kind_or_typed(at) {
                TokenKind::Keyword(Keyword::Purpose) => {
                    let (d, n) = p.statement(
                        at,
                        true,
                        || Text::new("in `purpose`", "`purpose` に"),
                        purpose_decl,
                    );
                    purposes.extend(d);
                    Some(n)
                }
                TokenKind::Keyword(Keyword::Allow) => {
                    let (a, n) = p.statement(
                        at,
                        true,
                        || Text::new("in `allow`", "`allow` に"),
                        allow_stmt,
                    );
                    allows.extend(a);
                    Some(n)
                }
                _ => None,
            },
            Text::new(
                "`purpose`, `allow` or `}` in a section",
                "セクション内では `purpose`、`allow` または `}`",
            ),
        );
        section.purposes = purposes;
        section.allows = allows;
        section.span = section.span.to(block);
        (Some(Stmt::Section(section)), next)
    }

    fn actor(&mut self, pos: usize) -> (Option<Stmt>, usize) {
        let ctx = || Text::new("in `actor`", "`actor` に");
        let (head, pos) = self.statement(pos, false, ctx, actor_head);
        let Some(mut actor) = head else {
            return (None, pos);
        };
        if self.kind(pos) != TokenKind::LBrace {
            return (Some(Stmt::Actor(actor)), pos);
        }
        let mut clauses = Vec::new();
        let (block, next) = self.block(
            pos,
            "actor",
            |p, at| match p.kind_or_typed(at) {
                TokenKind::Keyword(Keyword::Clauses) => {
                    let parse = |i| {
                        preceded(
                            kw_or_typed(Keyword::Clauses),
                            cut(names::<Vec<Ident>>("a clause", "契約事項")),
                        )
                        .parse(i)
                    };
                    let (c, n) = p.statement(
                        at,
                        true,
                        || Text::new("in `clauses`", "`clauses` に"),
                        parse,
                    );
                    clauses.extend(c.into_iter().flatten());
                    Some(n)
                }
                _ => None,
            },
            Text::new(
                "`clauses` or `}` in an actor block",
                "アクターのブロック内では `clauses` または `}`",
            ),
        );
        actor.clauses = Some(clauses);
        actor.block = Some(block);
        actor.span = actor.span.to(block);
        (Some(Stmt::Actor(actor)), next)
    }

    /// Parses the statements that start before token `end` (the last
    /// token when the slice ends with Eof).
    fn run(mut self, end: usize) -> (Vec<Stmt>, Tally) {
        // Every statement starts with a statement keyword: sized once.
        let starts = self.toks[..end.min(self.toks.len())]
            .iter()
            .filter(|t| matches!(t.kind, TokenKind::Keyword(k) if k.starts_statement()))
            .count();
        let mut stmts = Vec::with_capacity(starts);
        let mut pos = 0;
        while pos < end && self.kind(pos) != TokenKind::Eof {
            // A statement keyword typed in full-width starts its statement
            // as the keyword would (`kw_or_typed` reads it so).
            let kind = match self.kind(pos) {
                TokenKind::Name => (self.toks.get(pos))
                    .and_then(|t| half_width_of(t, self.src))
                    .and_then(Keyword::from_word)
                    .filter(|k| k.starts_statement())
                    .map_or(TokenKind::Name, TokenKind::Keyword),
                kind => kind,
            };
            let (stmt, next) = match kind {
                TokenKind::Keyword(Keyword::Section) => self.section(pos),
                TokenKind::Keyword(Keyword::Actor) => self.actor(pos),
                TokenKind::Keyword(k @ (Keyword::Purpose | Keyword::Allow)) => {
                    let span = self.toks[pos].span;
                    self.diags.push_made(Code::MN001, span, || {
                        Diagnostic::new(
                            Code::MN001,
                            span,
                            text!("`{}` must be inside a section block", k.as_str(); "`{}` はセクションのブロックの中に書く必要があります", k.as_str()),
                        )
                        .with_help(Text::new(
                            "put it inside `section \"ID\" { ... }`",
                            "`section \"ID\" { ... }` の中に移してください",
                        ))
                    });
                    (None, self.resync(pos + 1, false))
                }
                // The commonest statement by far: read by hand when it is
                // written the usual way, else through a call of its own
                // rather than through a pointer to its parser (the
                // statement is then built where it is returned, not built
                // and then copied: 168 bytes, a million times).
                TokenKind::Keyword(k @ Keyword::Flow) => match usual_flow(self.at(pos)) {
                    Some((rest, stmt)) => (Some(stmt), rest.pos),
                    None => {
                        let ctx = || text!("in `{}`", k.as_str(); "`{}` に", k.as_str());
                        self.statement(pos, false, ctx, flow_stmt)
                    }
                },
                TokenKind::Keyword(k) if k.starts_statement() => {
                    let ctx = || text!("in `{}`", k.as_str(); "`{}` に", k.as_str());
                    let p = match k {
                        Keyword::Use => use_stmt,
                        Keyword::Data => data_decl,
                        Keyword::Rulebook => rulebook_decl,
                        Keyword::Role => role_decl,
                        Keyword::Category => category_decl,
                        Keyword::Contractor => contractor_decl,
                        _ => clause_decl,
                    };
                    self.statement(pos, false, ctx, p)
                }
                TokenKind::RBrace => {
                    let span = self.toks[pos].span;
                    self.diags.push_made(Code::MN001, span, || {
                        Diagnostic::new(
                            Code::MN001,
                            span,
                            Text::new("unmatched `}`", "対応する `{` のない `}`"),
                        )
                        .with_primary_label(Text::new(
                            "no block is open here",
                            "ここでは開いているブロックがありません",
                        ))
                    });
                    (None, pos + 1)
                }
                _ => {
                    let label_fits = self.label_fits(pos);
                    self.unexpected_where(
                        pos,
                        Text::new(
                            "a statement (`flow`, `actor`, `data`, `use`, ...)",
                            "文 (`flow`、`actor`、`data`、`use` など)",
                        ),
                        label_fits,
                    );
                    (None, self.resync(pos + 1, false))
                }
            };
            stmts.extend(stmt);
            self.typed_in_full_width(pos..next);
            pos = next.max(pos + 1).min(self.toks.len() - 1);
        }
        (stmts, self.diags)
    }
}

/// Parses a file's text. Never fails: returns what it could build and every
/// finding, in source order.
pub fn parse(file: FileId, src: &str) -> Parsed {
    parse_lexed(src, lex(file, src))
}

/// Parses the tokens the lexer read from `src` (`parse` is `lex` then
/// this; the two are separate so a run can time them apart).
pub fn parse_lexed(src: &str, lexed: Lexed) -> Parsed {
    parse_lexed_keeping_tokens(src, lexed).0
}

/// [`parse_lexed`], giving the tokens back: the formatter lays them out
/// after the parse, and copying a part's tokens cost as much as lexing it.
pub fn parse_lexed_keeping_tokens(src: &str, lexed: Lexed) -> (Parsed, Vec<Token>) {
    parse_lexed_with(src, lexed, &Names::default())
}

/// [`parse_lexed_keeping_tokens`], its names looked up in `names`: for a
/// caller that parses many parts in turn (the formatter), one table for
/// them all, so that each spelling's copy is found once, not once a part.
pub fn parse_lexed_with(src: &str, lexed: Lexed, names: &Names) -> (Parsed, Vec<Token>) {
    let (parsed, tokens, _) = parse_lexed_keeping(src, lexed, names, Keep::All);
    (parsed, tokens)
}

/// Parses `file`'s text `src` as [`parse`] does, its findings kept in
/// full as `keep` says and its names' copies living as `copies` says (a
/// large file that cannot be cut into parts, read by a run that ends with
/// the process, copies each spelling for itself: the process's shared set
/// of copies, behind a lock, was a sixth of the parse of half a million
/// distinct names).
pub fn parse_keeping(file: FileId, src: &str, keep: Keep, copies: Copies) -> Parsed {
    let lexed = lex_keeping(file, src, keep.clone());
    parse_lexed_keeping(src, lexed, &Names::default().with_copies(copies), keep).0
}

/// [`parse_lexed_with`], the parser's findings kept in full as `keep`
/// says (the lexer's, as the lexer kept them); the lexer's list of names
/// is given back too, for a caller that reuses it from part to part.
pub fn parse_lexed_keeping(
    src: &str,
    lexed: Lexed,
    names: &Names,
    keep: Keep,
) -> (Parsed, Vec<Token>, Vec<ListedName>) {
    // Names looked up in a table that already holds many (one kept from
    // part to part) are read ahead in the table's order, as a part of a
    // large file's are ([`parse_part`]): in the text's order, each was a
    // cache miss in a table larger than the cache.
    let ahead = names.numbered() > 0 && lexed.tokens.len() <= READ_AHEAD_TOKENS;
    if ahead {
        names.read_ahead(src, &lexed.tokens, &lexed.names);
    }
    let (stmts, diagnostics) = StmtParser {
        toks: &lexed.tokens,
        src,
        names,
        diags: Tally::new(keep.clone()),
    }
    .run(lexed.tokens.len());
    if ahead {
        names.done_ahead();
    }
    let stmts = super::stmts::Stmts::from(stmts).numbered_by_one_parse(vec![names.numbered()]);
    let (mut found, mut hollow) = diagnostics.into_parts();
    found.extend(lexed.diagnostics);
    hollow.extend(lexed.hollow);
    let parsed = finish(stmts, keep, found, hollow, lexed.comments);
    (parsed, lexed.tokens, lexed.names)
}

/// Parses the statements of `toks`, which end with the token that starts
/// the next part of the file (or Eof): that token is read as the parser
/// reads it there (what an unfinished statement found), never parsed.
/// `listed` are its name tokens as the lexer listed them.
pub(super) fn parse_part<'a>(
    src: &'a str,
    toks: &'a [Token],
    listed: &[ListedName],
    names: &'a Names,
    keep: Keep,
) -> (Vec<Stmt>, Tally) {
    // A part's names read ahead cost about 50 bytes a name while it is
    // parsed (sorted, their places, what each read); a part too large to
    // cut (no line where one may) reads them as it goes.
    let ahead = toks.len() <= READ_AHEAD_TOKENS;
    if ahead {
        names.read_ahead(src, toks, listed);
    }
    let parsed = StmtParser {
        toks,
        src,
        names,
        diags: Tally::new(keep),
    }
    .run(toks.len().saturating_sub(1));
    if ahead {
        names.done_ahead();
    }
    parsed
}

/// The most tokens a part reads its names ahead for ([`Names::read_ahead`]).
const READ_AHEAD_TOKENS: usize = 1 << 20;

/// The checks over whole statements, then every finding in source order:
/// of each code, the first `keep` says in full, the rest as their places.
/// `diagnostics` and `hollow` are what the lexer and the parser (of each
/// part) kept, each as `keep` says.
pub(super) fn finish(
    stmts: super::stmts::Stmts,
    keep: Keep,
    mut diagnostics: Vec<Diagnostic>,
    mut hollow: Vec<Hollow>,
    comments: Vec<super::token::Comment>,
) -> Parsed {
    let revised = stmts.filter_map(|s| match s {
        Stmt::Rulebook(RulebookDecl {
            revised: Some(d), ..
        }) if !is_date(&d.text) => Some(d),
        _ => None,
    });
    for d in revised {
        diagnostics.push(
            Diagnostic::new(
                Code::MN001,
                d.span,
                text!("`{}` is not a date", d.text; "`{}` は日付ではありません", d.text),
            )
            .with_help(Text::new(
                "write the date as YYYY-MM-DD",
                "日付は YYYY-MM-DD の形で書いてください",
            )),
        );
    }
    diagnostics.sort_by_key(|d| (d.primary.start, d.code));
    // Kept again in source order: the parts and the lexer each kept the
    // first of a code they made, and the parse keeps the first of all.
    let mut found = Tally::new(keep);
    found.extend(diagnostics);
    let (diagnostics, mut more) = found.into_parts();
    hollow.append(&mut more);
    hollow.sort_by_key(|h| (h.primary.start, h.code));
    Parsed {
        file: File { stmts, comments },
        diagnostics,
        hollow,
    }
}

/// `YYYY-MM-DD`, a day that exists (`2023-02-29` does not).
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let digits = |r: std::ops::Range<usize>| {
        b[r.clone()]
            .iter()
            .all(u8::is_ascii_digit)
            .then(|| s[r].parse::<u32>().ok())
            .flatten()
    };
    match (digits(0..4), digits(5..7), digits(8..10)) {
        (Some(y), Some(m), Some(d)) => d >= 1 && d <= crate::suppress::days_in_month(y as i32, m),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(src: &str) -> File {
        let p = parse(FileId(0), src);
        assert!(p.diagnostics.is_empty(), "{:#?}", p.diagnostics);
        p.file
    }

    fn codes_and_lines(src: &str) -> Vec<(Code, usize)> {
        let p = parse(FileId(0), src);
        p.diagnostics
            .iter()
            .map(|d| {
                (
                    d.code,
                    src[..d.primary.start as usize].matches('\n').count() + 1,
                )
            })
            .collect()
    }

    /// The hand-written reader of the usual flow statement builds what the
    /// combinators build, ends where they end, and leaves to them every
    /// statement they reject (and those it does not know).
    #[test]
    fn the_usual_flow_is_read_as_the_combinators_read_it() {
        let usual = [
            "flow A -> B : x",
            "flow A → B : x, y for p",
            "flow A <-> \"B c\" : x for p, q via N, M basis \"19条8号\"",
            "flow A -> B : x via N",
            "flow A -> B : x basis \"b\" flow C -> D : y",
            "flow 市町村 -> 基幹システム : 課税情報, 住所 for 被扶養者認定 via 情報提供NWS\nactor X : 組合",
            "flow A -> B : x for p }",
            // A statement that ends before the second `for`, which the
            // statement loop then reports.
            "flow A -> B : x for p for q",
        ];
        let unusual = [
            "flow A -> B x",
            "flow A B : x",
            "flow -> B : x",
            "flow A -> : x",
            "flow A -> B :",
            "flow A -> B : x,",
            "flow A -> B : x, for p",
            "flow A -> B : x for",
            "flow A -> B : x for p, via N",
            "flow A -> B : x via",
            "flow A -> B : x basis",
            "flow A -> B : x basis b",
            "flow A -> B : flow",
            "flow",
        ];
        for (src, is_usual) in usual
            .iter()
            .map(|s| (s, true))
            .chain(unusual.iter().map(|s| (s, false)))
        {
            let lexed = lex(FileId(0), src);
            let (one, two) = (Names::default(), Names::default());
            let at = |names| Tokens {
                toks: &lexed.tokens,
                pos: 0,
                src,
                names,
            };
            let by_hand = usual_flow(at(&one)).map(|(rest, stmt)| (rest.pos, stmt));
            let combined = flow_stmt(at(&two))
                .ok()
                .map(|(rest, stmt)| (rest.pos, stmt));
            assert_eq!(by_hand.is_some(), is_usual, "{src}");
            if by_hand.is_some() {
                assert_eq!(by_hand, combined, "{src}");
            }
            if is_usual {
                // The same names, numbered alike.
                let syms = |s: &Stmt| match s {
                    Stmt::Flow(f) => [&f.pattern.from, &f.pattern.to]
                        .into_iter()
                        .chain(&f.pattern.payload)
                        .chain(&f.pattern.purposes)
                        .chain(f.pattern.via_names())
                        .chain(f.pattern.basis.as_deref())
                        .map(|n| n.sym)
                        .collect::<Vec<_>>(),
                    _ => Vec::new(),
                };
                let stmts = by_hand.iter().chain(&combined).map(|(_, s)| syms(s));
                let syms: Vec<Vec<Sym>> = stmts.collect();
                assert_eq!(syms.len(), 2, "{src}");
                assert_eq!(syms[0], syms[1], "{src}");
            }
        }
    }

    #[test]
    fn parses_a_spec() {
        let f = parse_ok(
            "use \"kenpo\"\n\
             actor 基幹システム : 組合 \"基幹\"\n\
             actor 大和総研 : 委託先 \"株式会社大和総研\" { clauses 守秘義務, 返還 }\n\
             data 課税情報 : 課税・非課税情報 mynumber\n\
             flow 市町村 -> 基幹システム : 課税情報 for 被扶養者認定 via 情報提供NWS, 中間サーバー\n\
             flow 基幹システム <-> 大和総研 : 健診結果, 課税情報 for 医療費分析委託 basis \"委託契約 2024-04\"\n",
        );
        assert_eq!(f.stmts.len(), 6);
        let Stmt::Actor(a) = &f.stmts[2] else {
            panic!()
        };
        assert_eq!(a.clauses.as_ref().map(Vec::len), Some(2));
        let Stmt::Flow(fl) = &f.stmts[4] else {
            panic!()
        };
        assert_eq!(fl.pattern.via_names().len(), 2);
        assert_eq!(&*fl.pattern.purposes[0].text, "被扶養者認定");
        let Stmt::Flow(both) = &f.stmts[5] else {
            panic!()
        };
        assert!(both.pattern.arrow.both_ways);
        assert_eq!(both.pattern.payload.len(), 2);
        assert_eq!(
            both.pattern.basis.as_ref().map(|b| &*b.text),
            Some("委託契約 2024-04")
        );
    }

    #[test]
    fn parses_a_rulebook() {
        let f = parse_ok(
            "rulebook kenpo \"title\" revised 2024-12-04\n\
             role 組合 self \"label\"\nrole 情報提供ネットワークシステム carrier\nrole 委託先 contractor\n\
             category 個人情報\ncategory 課税・非課税情報 mynumber in 個人情報 \"x\"\n\
             section \"7(1)\" \"title\" mynumber basis \"番号法第19条第7号\" {\n\
               purpose 高齢受給者負担区分判定 \"高齢受給者負担区分判定等\"\n\
               allow 他機関 -> 組合 : 課税・非課税情報 for 高齢受給者負担区分判定, 被扶養者認定 via 情報提供ネットワークシステム\n\
             }\n\
             contractor \"株式会社大和総研\" for 資格データ処理委託, 医療費通知委託\n\
             clause 守秘義務 \"① 守秘義務\"\n",
        );
        assert!(f.rulebook_header().is_some());
        let Stmt::Section(s) = &f.stmts[6] else {
            panic!()
        };
        assert_eq!((s.purposes.len(), s.allows.len()), (1, 1));
        assert!(s.mynumber.is_some());
    }

    #[test]
    fn parses_trees_and_register_rows() {
        let f = parse_ok(
            "rulebook r\nrole 他保険者 in 他機関 \"他の医療保険者\"\nrole 健診機関 contractor in 委託先\n\
             section \"3(2)\" { purpose 保健指導委託 in 健診等委託 \"保健指導\" }\n\
             contractor role 健診機関 for 健康診断委託\ncontractor \"A社\" for 保健指導委託\n",
        );
        let Stmt::Role(r) = &f.stmts[1] else { panic!() };
        assert_eq!(r.parent.as_ref().map(|p| &*p.text), Some("他機関"));
        assert_eq!(r.label.as_ref().map(|l| &*l.text), Some("他の医療保険者"));
        let Stmt::Role(r) = &f.stmts[2] else { panic!() };
        assert!(r.flag.is_some() && r.parent.is_some());
        let Stmt::Section(s) = &f.stmts[3] else {
            panic!()
        };
        assert_eq!(
            s.purposes[0].parent.as_ref().map(|p| &*p.text),
            Some("健診等委託")
        );
        let Stmt::Contractor(c) = &f.stmts[4] else {
            panic!()
        };
        assert!(matches!(&c.registrant, Registrant::Role(r) if &*r.text == "健診機関"));
        let Stmt::Contractor(c) = &f.stmts[5] else {
            panic!()
        };
        assert!(matches!(&c.registrant, Registrant::Name(n) if &*n.text == "A社"));
        // `contractor role` needs the role's name.
        assert_eq!(
            codes_and_lines("contractor role for X\n"),
            vec![(Code::MN001, 1)]
        );
    }

    #[test]
    fn recovers_and_reports_every_error() {
        let src = "flow A -> : X\nactor B : 組合\nflow A B : X\ndata D : C\n";
        assert_eq!(
            codes_and_lines(src),
            vec![(Code::MN001, 1), (Code::MN001, 3)]
        );
        let p = parse(FileId(0), src);
        assert_eq!(p.file.stmts.len(), 2);
    }

    #[test]
    fn reports_junk_between_statements() {
        assert_eq!(
            codes_and_lines("flow A -> B : X for P Q\nactor B : R\n"),
            vec![(Code::MN001, 1)]
        );
        assert_eq!(codes_and_lines("}\n"), vec![(Code::MN001, 1)]);
        assert_eq!(codes_and_lines("purpose X\n"), vec![(Code::MN001, 1)]);
    }

    #[test]
    fn unterminated_blocks() {
        let src =
            "section \"1\" {\n purpose A\nsection \"2\" { purpose B }\nactor X : Y {\n clauses A\n";
        assert_eq!(
            codes_and_lines(src),
            vec![(Code::MN002, 1), (Code::MN002, 4)]
        );
        let p = parse(FileId(0), src);
        assert_eq!(p.file.stmts.len(), 3);
    }

    #[test]
    fn recovery_inside_a_block() {
        let src = "section \"1\" {\n purpose A\n allow X -> : C\n purpose B\n}\nrole R\n";
        assert_eq!(codes_and_lines(src), vec![(Code::MN001, 3)]);
        let p = parse(FileId(0), src);
        let Stmt::Section(s) = &p.file.stmts[0] else {
            panic!()
        };
        assert_eq!(s.purposes.len(), 2);
    }

    #[test]
    fn misspelt_keyword_gets_a_suggestion() {
        let p = parse(FileId(0), "flwo A -> B : X\n");
        let help = p.diagnostics[0]
            .help
            .as_ref()
            .map(|h| h.en.clone())
            .unwrap_or_default();
        assert_eq!(help, "did you mean `flow`?");
    }

    /// A keyword or an arrow typed in full-width is an MN001 that says
    /// so, on each line it is on (a full-width statement keyword is where
    /// recovery stops), with a safe fix that writes it in half-width;
    /// with every fix applied, the text parses.
    #[test]
    fn keywords_typed_in_full_width_are_fixed_in_half_width() {
        let src = "flow A －＞ B : X for P\n\
                   flow A -> B : X ｆｏｒ P\n\
                   ｆｌｏｗ A -> B : X for P\n\
                   ａｃｔｏｒ C : R\n\
                   section \"1\" {\n ｐｕｒｐｏｓｅ Q\n}\n";
        assert_eq!(
            codes_and_lines(src),
            vec![
                (Code::MN001, 1),
                (Code::MN001, 2),
                (Code::MN001, 3),
                (Code::MN001, 4),
                (Code::MN001, 6)
            ]
        );
        let p = parse(FileId(0), src);
        let helps: Vec<&str> = (p.diagnostics.iter())
            .filter_map(|d| Some(d.help.as_ref()?.en.as_str()))
            .collect();
        assert_eq!(
            helps[..2],
            [
                "`－＞` is `->` typed in full-width characters; write it in half-width: `->`",
                "`ｆｏｒ` is the keyword `for` typed in full-width characters; write it in half-width: `for`",
            ]
        );
        assert!(
            (p.diagnostics.iter()).all(|d| d.fixes.len() == 1
                && d.fixes[0].applicability == crate::fix::Applicability::Safe)
        );
        let fixes: Vec<&Fix> = p.diagnostics.iter().flat_map(|d| &d.fixes).collect();
        let fixed = crate::apply_fixes::apply(src, &fixes);
        assert_eq!(fixed.applied, 5);
        let f = parse_ok(&fixed.text);
        assert_eq!(f.stmts.len(), 5);
        // Where no name can stand, each was read as the keyword: the tree
        // is the fixed text's.
        assert_eq!(p.file.stmts.len(), 5);
        let Some(Stmt::Flow(second)) = p.file.stmts.get(1) else {
            panic!("the second statement is a flow");
        };
        assert_eq!(
            second.pattern.purposes.len(),
            1,
            "`ｆｏｒ P` kept its purpose"
        );
        let Some(Stmt::Section(section)) = p.file.stmts.get(4) else {
            panic!("a section");
        };
        assert_eq!(section.purposes.len(), 1);
    }

    /// Where a name can stand, a word that looks like a keyword typed in
    /// full-width is a name, as the contract says (keywords are ASCII); a
    /// parse that read one as a keyword and did not stand leaves no MN001.
    #[test]
    fn a_full_width_keyword_where_a_name_stands_is_a_name() {
        let src = "actor ｖｉａ : 組合
flow ｆｌｏｗ -> ｖｉａ : ｆｏｒ for Ｐ via ｆｏｒ
                   contractor ｒｏｌｅ for Ｐ
";
        let p = parse(FileId(0), src);
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
        assert_eq!(p.file.stmts.len(), 3);
    }

    #[test]
    fn keyword_as_name_gets_help() {
        let p = parse(FileId(0), "data data : X\n");
        assert_eq!(p.diagnostics.len(), 1);
        assert!(p.diagnostics[0].help.is_some());
    }

    #[test]
    fn full_width_punctuation_still_parses() {
        let p = parse(FileId(0), "flow A → B：X，Y　for P\n");
        assert_eq!(p.file.stmts.len(), 1);
        assert!(p.diagnostics.iter().all(|d| d.code == Code::MN003));
    }

    #[test]
    fn bad_revision_date() {
        assert_eq!(
            codes_and_lines("rulebook r revised 2024-13-01\n"),
            vec![(Code::MN001, 1)]
        );
        assert!(is_date("2024-12-04"));
        assert!(!is_date("2027-02-30"));
        assert!(!is_date("2023-02-29"));
        assert!(is_date("2024-02-29"));
        assert_eq!(
            codes_and_lines("rulebook r revised 2023-02-29\n"),
            vec![(Code::MN001, 1)]
        );
    }

    #[test]
    fn eof_inside_a_statement() {
        assert_eq!(codes_and_lines("flow A ->"), vec![(Code::MN001, 1)]);
        assert_eq!(codes_and_lines("actor"), vec![(Code::MN001, 1)]);
    }
}

#[cfg(test)]
mod regression {
    use super::*;

    /// Found by the robustness test: an error on the last token of an
    /// unterminated block resynchronised past the end of the tokens.
    #[test]
    fn error_at_the_end_of_an_unterminated_block() {
        for src in [
            "section \"1\" { purpose",
            "actor a : b { clauses",
            "section \"1\" { x",
            "actor a : b { clauses a,",
        ] {
            let p = parse(FileId(0), src);
            assert!(
                p.diagnostics.iter().any(|d| d.code == Code::MN002),
                "{src}: {:?}",
                p.diagnostics
            );
        }
    }
}
