//! Completion from the rulebook's vocabulary, by where the cursor is in
//! the statement: keywords at its start, roles after `actor NAME :`,
//! categories after `data NAME :`, actors and data items in a flow, the
//! purposes after `for` (those the rulebook allows for this flow's roles
//! and items first), carriers after `via`, and the register's legal names
//! inside a contractor's label.
//!
//! In a rulebook, from the names it declares itself (read from its syntax
//! tree, [`super::rulebook::Index`]: a rulebook being edited has no model):
//! the statements' keywords at a statement's start (`purpose` and `allow`
//! inside a section, the others outside), roles in an `allow`'s ends and
//! after `via` (carriers first), categories after its `:`, purposes after
//! `for` (the section's own first), a parent of its own kind after `in`,
//! roles after `contractor role`, purposes after a register row's `for`,
//! and the register's legal names inside `contractor "`. A declaration's
//! own name, a section's id, a title, a label and a basis are new text:
//! nothing is offered there.

use super::analysis::Document;
use super::hover;
use super::rulebook::{Declared, Index, Kind};
use crate::model::*;
use crate::span::FileId;
use crate::syntax::ast::RoleFlag;
use crate::syntax::lexer::{lex, write_name};
use crate::syntax::token::{Keyword, Token, TokenKind};
use crate::text::Lang;
use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionList, CompletionTextEdit, Documentation,
    MarkupContent, MarkupKind, Range, TextEdit,
};

/// The most completion items answered at once. A national design's
/// 60 000 actors made 15 MB at the first letter of every sender; above
/// this many, the items are those whose name has the word typed so far in
/// it (its characters in order, as an editor's fuzzy filter matches),
/// and the list says it is incomplete, so the editor asks again as the
/// word grows.
pub const MAX_ITEMS: usize = 1000;

/// The completion list at byte `offset`: [`items`], at most [`MAX_ITEMS`]
/// of them.
pub fn list(doc: &Document, offset: usize, lang: Lang) -> CompletionList {
    let mut items = items(doc, offset, lang);
    if items.len() <= MAX_ITEMS {
        return CompletionList {
            is_incomplete: false,
            items,
        };
    }
    let text = doc.text();
    let offset = offset.min(text.len());
    let typed = text.get(word_start(text, offset)..offset).unwrap_or("");
    items.retain(|i| has_in_order(&i.label, typed));
    items.truncate(MAX_ITEMS);
    CompletionList {
        is_incomplete: true,
        items,
    }
}

/// Has `name` the characters of `typed` in it, in order (ASCII letters in
/// either case)?
fn has_in_order(name: &str, typed: &str) -> bool {
    let mut chars = name.chars();
    typed
        .chars()
        .all(|t| chars.any(|c| c.eq_ignore_ascii_case(&t)))
}

/// The text typed from where a statement starts (or a place before it
/// that is known to start one) up to the cursor, lexed.
struct Typed<'a> {
    /// That text.
    prefix: &'a str,
    /// Its tokens (no end of input): the word being typed, if any, last.
    toks: Vec<Token>,
    /// How many tokens come before the word being typed (a string being
    /// typed counts: it is where the cursor is).
    count: usize,
    /// Is the cursor inside a string not closed yet?
    in_string: bool,
    /// Is the cursor in a comment?
    in_comment: bool,
    /// What a completion replaces: the word (or the string) being typed.
    range: Range,
    /// Where that word starts in `prefix` (its end when none is typed).
    word_at: usize,
}

/// The text of `doc` from `start` to `offset`, lexed ([`Typed`]).
fn typed(doc: &Document, start: usize, offset: usize) -> Typed<'_> {
    let text = doc.text();
    let prefix = text.get(start..offset).unwrap_or("");
    let lexed = lex(FileId(0), prefix);
    let mut toks = lexed.tokens;
    toks.retain(|t| t.kind != TokenKind::Eof);
    let in_string = toks.last().is_some_and(|t| {
        t.kind == TokenKind::Str
            && t.span.end as usize == prefix.len()
            && !closed_string(t.text(prefix), prefix, t.span.start as usize)
    });
    // The word being typed is replaced by the completion.
    let word_start = if in_string {
        toks.last()
            .map_or(offset, |t| start + t.span.start as usize)
    } else {
        word_start(text, offset)
    };
    // The word typed is the last token when it ends at the cursor (not
    // when the cursor is in a comment).
    let typing = word_start < offset
        && !in_string
        && toks
            .last()
            .is_some_and(|t| t.span.end as usize == prefix.len());
    let in_comment = (lexed.comments.last()).is_some_and(|c| c.span.end as usize == prefix.len());
    Typed {
        prefix,
        range: doc.lines.range(text, word_start, offset),
        word_at: word_start.saturating_sub(start).min(prefix.len()),
        count: toks.len() - usize::from(typing),
        toks,
        in_string,
        in_comment,
    }
}

/// The completion items at byte `offset`.
pub fn items(doc: &Document, offset: usize, lang: Lang) -> Vec<CompletionItem> {
    let text = doc.text();
    let offset = offset.min(text.len());
    if let Some(index) = doc.rulebook_names() {
        return rulebook_items(doc, index, offset, lang);
    }
    let Typed {
        prefix,
        toks,
        count,
        in_string,
        in_comment,
        range,
        ..
    } = typed(doc, statement_start(text, offset), offset);
    let mut out = Vec::new();
    // Nothing is offered in a comment.
    if in_comment {
        return out;
    }
    let first = toks.first().map(|t| t.kind);
    let kw = |k: Keyword| Some(TokenKind::Keyword(k));
    let keyword = |k: Keyword| {
        item(
            k.as_str(),
            CompletionItemKind::KEYWORD,
            None,
            "0",
            range,
            false,
        )
    };
    let rb = doc.rulebook();
    let d = doc.design();

    if count == 0 {
        // A design's statements; and `rulebook` where a file begins, as
        // a new rulebook does (anywhere else in a design it is MN017).
        let start = statement_start(text, offset);
        let begins =
            (text[..start].lines()).all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'));
        let design = [Keyword::Use, Keyword::Actor, Keyword::Data, Keyword::Flow];
        for k in design
            .into_iter()
            .chain(begins.then_some(Keyword::Rulebook))
        {
            out.push(keyword(k));
        }
        return out;
    }
    // After a whole name (a space typed since): what the statement takes
    // next, not another name.
    let after_name = matches!(
        toks[..count].last().map(|t| t.kind),
        Some(TokenKind::Name | TokenKind::Str)
    );
    let colon_at = toks.iter().position(|t| t.kind == TokenKind::Colon);
    if first == kw(Keyword::Actor) {
        let (Some(rb), Some(c)) = (rb, colon_at) else {
            return out;
        };
        let clauses_at =
            (toks[..count].iter()).rposition(|t| t.kind == TokenKind::Keyword(Keyword::Clauses));
        if let Some(k) = clauses_at.filter(|_| !in_string) {
            // A contract's clauses: the rulebook's, less those listed.
            let listed: Vec<&str> = (toks[k + 1..count].iter())
                .filter(|t| matches!(t.kind, TokenKind::Name | TokenKind::Str))
                .map(|t| t.text(prefix))
                .collect();
            for cl in rb
                .clauses
                .iter()
                .filter(|cl| !listed.contains(&cl.name.as_str()))
            {
                out.push(item(
                    &cl.name,
                    CompletionItemKind::ENUM_MEMBER,
                    cl.label.clone(),
                    "0",
                    range,
                    true,
                ));
            }
        } else if in_string {
            // A contractor's label: the legal names of the register.
            let role = toks.get(c + 1).map(|t| t.text(prefix));
            let contractor = role
                .and_then(|r| rb.role_named(r))
                .is_some_and(|r| rb.role(r).kind == RoleKind::Contractor);
            if contractor {
                for k in &rb.contractors {
                    out.push(item(
                        &format!(
                            "\"{}\"",
                            k.legal_name.replace('\\', "\\\\").replace('"', "\\\"")
                        ),
                        CompletionItemKind::VALUE,
                        None,
                        "0",
                        range,
                        false,
                    ));
                }
            }
        } else if count == c + 1 {
            for r in &rb.roles {
                out.push(item(
                    &r.name,
                    CompletionItemKind::CLASS,
                    r.label.clone(),
                    "0",
                    range,
                    true,
                ));
            }
        }
        return out;
    }
    if first == kw(Keyword::Data) {
        if let (Some(rb), Some(c)) = (rb, colon_at)
            && count == c + 1
        {
            for cat in &rb.categories {
                out.push(item(
                    &cat.name,
                    CompletionItemKind::CLASS,
                    cat.label.clone(),
                    "0",
                    range,
                    true,
                ));
            }
        }
        return out;
    }
    if first == kw(Keyword::Use) {
        for (name, _) in crate::session::BUILTIN_RULEBOOKS {
            out.push(item(
                &format!("\"{name}\""),
                CompletionItemKind::MODULE,
                None,
                "0",
                range,
                false,
            ));
        }
        return out;
    }
    if first != kw(Keyword::Flow) {
        return out;
    }
    let Some(d) = d else { return out };
    let last_kw = toks[..count].iter().rev().find_map(|t| match t.kind {
        TokenKind::Keyword(k @ (Keyword::For | Keyword::Via | Keyword::Basis)) => Some(k),
        _ => None,
    });
    match (last_kw, colon_at) {
        (Some(Keyword::For), _) if after_name => out.push(keyword(Keyword::Via)),
        (Some(Keyword::Via), _) if after_name => {}
        (None, Some(_)) if after_name => out.push(keyword(Keyword::For)),
        (Some(Keyword::For), _) => {
            let Some(rb) = rb else { return out };
            let allowed = allowed_purposes(
                d,
                rb,
                &toks
                    .iter()
                    .map(|t| (t.kind, t.text(prefix)))
                    .collect::<Vec<_>>(),
            );
            for (i, p) in rb.purposes.iter().enumerate() {
                let id = PurposeId::new(i as u32);
                let first = allowed.as_ref().is_some_and(|a| a.contains(&id));
                let mut it = item(
                    &p.name,
                    CompletionItemKind::ENUM_MEMBER,
                    p.label.clone(),
                    if first { "0" } else { "1" },
                    range,
                    true,
                );
                it.documentation = Some(Documentation::MarkupContent(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value: hover::purpose_text(rb, id, lang),
                }));
                out.push(it);
            }
        }
        (Some(Keyword::Via), _) => {
            for a in d.actors.iter() {
                let carrier = rb
                    .zip(a.role.id)
                    .is_some_and(|(rb, r)| rb.role(r).kind == RoleKind::Carrier);
                if carrier {
                    out.push(item(
                        &a.name,
                        CompletionItemKind::INTERFACE,
                        None,
                        "0",
                        range,
                        true,
                    ));
                }
            }
        }
        (Some(_), _) => {}
        (None, Some(_)) => {
            for i in &d.data {
                out.push(item(
                    &i.name,
                    CompletionItemKind::FIELD,
                    None,
                    "0",
                    range,
                    true,
                ));
            }
        }
        (None, None) => {
            for a in &d.actors {
                out.push(item(
                    &a.name,
                    CompletionItemKind::INTERFACE,
                    None,
                    "0",
                    range,
                    true,
                ));
            }
        }
    }
    out
}

/// The completion items at byte `offset` of a rulebook (see the module's
/// documentation).
fn rulebook_items(doc: &Document, index: &Index, offset: usize, lang: Lang) -> Vec<CompletionItem> {
    let (start, section) = index.statement_before(offset);
    let t = typed(doc, start, offset);
    let mut out = Vec::new();
    if t.in_comment {
        return out;
    }
    // The statement the cursor is in starts after the last brace or at
    // the last keyword that starts one, read from a statement's start:
    // `contractor` after `role NAME` is a role's flag, and `role` right
    // after `contractor` names the row's role; neither starts one.
    let before = &t.toks[..t.count];
    let mut depth = 0usize;
    let mut begin = 0;
    for (i, tok) in before.iter().enumerate() {
        let first = before.get(begin).map(|f| f.kind);
        match tok.kind {
            TokenKind::LBrace => (depth, begin) = (depth + 1, i + 1),
            TokenKind::RBrace => (depth, begin) = (depth.saturating_sub(1), i + 1),
            TokenKind::Keyword(k) if k.starts_statement() => {
                let flag = k == Keyword::Contractor
                    && i == begin + 2
                    && first == Some(TokenKind::Keyword(Keyword::Role));
                let row_role = k == Keyword::Role
                    && i == begin + 1
                    && first == Some(TokenKind::Keyword(Keyword::Contractor));
                if !flag && !row_role {
                    begin = i;
                }
            }
            _ => {}
        }
    }
    // A line that starts after a statement that may end there starts a
    // new one: in a section, statements are indented, so an indented
    // line does not say it continues the last as it does in a design.
    let may_end = |i: usize, tok: &Token| match tok.kind {
        TokenKind::Name | TokenKind::Str | TokenKind::RBrace => true,
        TokenKind::Keyword(Keyword::Mynumber | Keyword::SelfOrg | Keyword::Carrier)
        | TokenKind::Keyword(Keyword::Subject) => true,
        // `role NAME contractor`: the flag.
        TokenKind::Keyword(Keyword::Contractor) => {
            i == begin + 2
                && before.get(begin).map(|f| f.kind) == Some(TokenKind::Keyword(Keyword::Role))
        }
        _ => false,
    };
    if let Some(last) = before.len().checked_sub(1).filter(|_| !t.in_string)
        && may_end(last, &before[last])
        && (t.prefix.get(before[last].span.end as usize..t.word_at))
            .is_some_and(|gap| gap.contains('\n'))
    {
        begin = before.len();
    }
    let st = &before[begin..];
    let text_of = |i: usize| st.get(i).map_or("", |tok| tok.text(t.prefix));
    let is = |i: usize, k: Keyword| {
        st.get(i)
            .is_some_and(|tok| tok.kind == TokenKind::Keyword(k))
    };
    let Some(first) = st.first() else {
        if t.in_string {
            return out;
        }
        // A statement's start: inside a section, what a section holds;
        // outside, the others but `rulebook` (a document is a rulebook
        // because it has its one header).
        let keywords: &[Keyword] = if depth > 0 {
            &[Keyword::Purpose, Keyword::Allow]
        } else {
            &[
                Keyword::Role,
                Keyword::Category,
                Keyword::Section,
                Keyword::Contractor,
                Keyword::Clause,
            ]
        };
        for k in keywords {
            out.push(item(
                k.as_str(),
                CompletionItemKind::KEYWORD,
                None,
                "0",
                t.range,
                false,
            ));
        }
        return out;
    };
    // The names of `kind` the rulebook declares, ranked by `first` ("0"
    // before "1"), but for the one named `except`.
    let mut names = |kind: Kind, first: &dyn Fn(&Declared) -> bool, except: Option<&str>| {
        let except = except.map(crate::names::key);
        for d in index.declared(kind) {
            if except.as_deref() == Some(&*crate::names::key(&d.name.text)) {
                continue;
            }
            let mut it = item(
                &d.name.text,
                match kind {
                    Kind::Role | Kind::Category => CompletionItemKind::CLASS,
                    Kind::Purpose => CompletionItemKind::ENUM_MEMBER,
                    Kind::Clause => CompletionItemKind::CONSTANT,
                },
                d.label().map(str::to_string),
                if first(&d) { "0" } else { "1" },
                t.range,
                true,
            );
            it.documentation = Some(Documentation::MarkupContent(MarkupContent {
                kind: MarkupKind::Markdown,
                value: d.text(lang),
            }));
            out.push(it);
        }
    };
    let every = |_: &Declared| true;
    let last = st.last().map(|tok| tok.kind);
    let after_in = last == Some(TokenKind::Keyword(Keyword::In)) && !t.in_string && st.len() > 2;
    match first.kind {
        // A parent: another of the same kind.
        TokenKind::Keyword(Keyword::Role) if after_in => {
            names(Kind::Role, &every, Some(text_of(1)));
        }
        TokenKind::Keyword(Keyword::Category) if after_in => {
            names(Kind::Category, &every, Some(text_of(1)));
        }
        TokenKind::Keyword(Keyword::Purpose) if after_in => {
            names(Kind::Purpose, &every, Some(text_of(1)));
        }
        TokenKind::Keyword(Keyword::Allow) if !t.in_string => {
            let last_kw = st.iter().rev().find_map(|tok| match tok.kind {
                TokenKind::Keyword(k @ (Keyword::For | Keyword::Via | Keyword::Basis)) => Some(k),
                _ => None,
            });
            let colon = st.iter().any(|tok| tok.kind == TokenKind::Colon);
            // Inside a section, its own purposes are those its rules name.
            let own = |d: &Declared| {
                (depth > 0 && section.is_some())
                    && d.section().map(|s| s.span) == section.map(|s| s.span)
            };
            let carrier = |d: &Declared| d.flag() == Some(RoleFlag::Carrier);
            match (last_kw, colon) {
                (Some(Keyword::For), _) => names(Kind::Purpose, &own, None),
                (Some(Keyword::Via), _) => names(Kind::Role, &carrier, None),
                (Some(_), _) => {}
                (None, true) => names(Kind::Category, &every, None),
                (None, false) => names(Kind::Role, &every, None),
            }
        }
        TokenKind::Keyword(Keyword::Contractor) => {
            let by_role = is(1, Keyword::Role);
            if t.in_string {
                // The legal name of a row: those of the rows written.
                if st.len() == 2 && !by_role {
                    for name in index.legal_names() {
                        let quoted =
                            format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\""));
                        out.push(item(
                            &quoted,
                            CompletionItemKind::VALUE,
                            None,
                            "0",
                            t.range,
                            false,
                        ));
                    }
                }
            } else if st
                .iter()
                .any(|tok| tok.kind == TokenKind::Keyword(Keyword::For))
            {
                names(Kind::Purpose, &every, None);
            } else if by_role && st.len() == 2 {
                let contractor = |d: &Declared| d.flag() == Some(RoleFlag::Contractor);
                names(Kind::Role, &contractor, None);
            }
        }
        _ => {}
    }
    out
}

/// The purposes the rulebook allows between this flow's roles for its
/// items (None when the flow's actors or items are not known yet; every
/// purpose for a flow inside the society).
fn allowed_purposes(
    d: &Design,
    rb: &Rulebook,
    toks: &[(TokenKind, &str)],
) -> Option<Vec<PurposeId>> {
    let actor_role = |name: &str| {
        d.actors
            .iter()
            .find(|a| a.name == name)
            .and_then(|a| a.role.id)
    };
    let arrow = toks
        .iter()
        .position(|t| matches!(t.0, TokenKind::Arrow | TokenKind::BothArrow))?;
    let from = actor_role(toks.get(arrow.checked_sub(1)?)?.1)?;
    let to = actor_role(toks.get(arrow + 1)?.1)?;
    let colon = toks.iter().position(|t| t.0 == TokenKind::Colon)?;
    let cats: Vec<CategoryId> = toks[colon + 1..]
        .iter()
        .take_while(|t| t.0 != TokenKind::Keyword(Keyword::For))
        .filter(|t| t.0 == TokenKind::Name || t.0 == TokenKind::Str)
        .filter_map(|t| d.data.iter().find(|i| i.name == t.1))
        .filter_map(|i| i.category.id)
        .collect();
    let both_self =
        rb.role(from).kind == RoleKind::SelfOrg && rb.role(to).kind == RoleKind::SelfOrg;
    let mut out = Vec::new();
    for r in &rb.rules {
        let roles = r.from == from && r.to == to;
        let covers = cats
            .iter()
            .any(|&c| r.categories.iter().any(|&rc| rb.covers(rc, c)));
        if (roles && covers) || both_self {
            if r.purposes.is_empty() || both_self {
                out.extend((0..rb.purposes.len()).map(|i| PurposeId::new(i as u32)));
            } else {
                out.extend(r.purposes.iter().copied());
            }
        }
    }
    if both_self && rb.rules.is_empty() {
        out.extend((0..rb.purposes.len()).map(|i| PurposeId::new(i as u32)));
    }
    out.sort();
    out.dedup();
    Some(out)
}

fn item(
    name: &str,
    kind: CompletionItemKind,
    detail: Option<String>,
    rank: &str,
    range: Range,
    as_name: bool,
) -> CompletionItem {
    let written = if as_name {
        write_name(name)
    } else {
        name.to_string()
    };
    // The label and detail are shown as plain text: escaped as messages
    // are, so a control or bidi character reads as what it is.
    CompletionItem {
        label: crate::escape::visible(name).into_owned(),
        kind: Some(kind),
        detail: detail.map(crate::escape::visible_owned),
        sort_text: Some(format!("{rank}{name}")),
        filter_text: Some(written.clone()),
        text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(range, written))),
        ..CompletionItem::default()
    }
}

/// Where the statement around `offset` starts: the start of the line, or
/// of an earlier line when this one continues it (starts with a blank).
fn statement_start(text: &str, offset: usize) -> usize {
    let mut start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    while start > 0 && text[start..].starts_with([' ', '\t']) {
        let line = text[..start - 1].rfind('\n').map_or(0, |i| i + 1);
        let trimmed = text[line..start].trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            break;
        }
        start = line;
    }
    start
}

/// The start of the name being typed before `offset`.
fn word_start(text: &str, offset: usize) -> usize {
    let before = &text[..offset];
    before
        .char_indices()
        .rev()
        .take_while(|(_, c)| {
            !c.is_whitespace() && !matches!(c, ':' | ',' | '{' | '}' | '"' | '>' | '：' | '，')
        })
        .last()
        .map_or(offset, |(i, _)| i)
}

/// Is the string token starting at `start` closed in `prefix`?
fn closed_string(_value: &str, prefix: &str, start: usize) -> bool {
    let body = &prefix[start + 1..];
    let mut escaped = false;
    for c in body.chars() {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => return true,
            _ => escaped = false,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lsp::position::Encoding;
    use std::path::Path;

    /// A design of `n` actors, then `typed` on a new last line: the list
    /// at its end.
    fn completed(n: usize, typed: &str) -> CompletionList {
        let mut text = String::from("use \"kenpo\"\n");
        for i in 0..n {
            text.push_str(&format!("actor 基幹システム{i:04} : 組合\n"));
        }
        text.push_str(
            "data x : 氏名\nflow 基幹システム0000 -> 基幹システム0001 : x for 被扶養者認定\n",
        );
        text.push_str(typed);
        let at = text.len();
        let doc = Document::analyse(Path::new("/many/design.myna"), text, Encoding::Utf16);
        list(&doc, at, Lang::En)
    }

    fn item_labels(list: &CompletionList) -> Vec<&str> {
        list.items.iter().map(|i| i.label.as_str()).collect()
    }

    #[test]
    fn a_designs_statements_are_offered_not_a_rulebooks_nor_in_a_comment() {
        assert_eq!(
            item_labels(&completed(2, "")),
            ["use", "actor", "data", "flow"]
        );
        assert!(item_labels(&completed(2, "# flow 基幹システム0000 -> ")).is_empty());
        assert!(
            item_labels(&completed(
                2,
                "flow 基幹システム0000 -> 基幹システム0001 # "
            ))
            .is_empty()
        );
        // Where a file begins, a new rulebook may start.
        let doc = Document::analyse(
            Path::new("/new.myna"),
            "# 新しいファイル\n".into(),
            Encoding::Utf16,
        );
        let at = doc.text().len();
        assert!(item_labels(&list(&doc, at, Lang::En)).contains(&"rulebook"));
    }

    #[test]
    fn after_a_whole_name_the_next_keyword_is_offered_not_another_name() {
        let flow = "flow 基幹システム0000 -> 基幹システム0001 : x";
        assert_eq!(item_labels(&completed(2, &format!("{flow} "))), ["for"]);
        assert_eq!(
            item_labels(&completed(2, &format!("{flow} for 被扶養者認定 "))),
            ["via"]
        );
        // Typing a word, or after a comma: names.
        assert!(item_labels(&completed(2, &format!("{flow} for 被扶"))).contains(&"被扶養者認定"));
        assert!(item_labels(&completed(2, &format!("{flow}, "))).contains(&"x"));
    }

    #[test]
    fn after_clauses_the_rulebooks_clauses_not_yet_listed() {
        let contractor = "actor 分析 : 委託先 \"株式会社大和総研\" {\n  clauses 守秘義務, ";
        let offered = completed(2, contractor);
        let names = item_labels(&offered);
        assert!(names.contains(&"再委託禁止"), "{names:?}");
        assert!(!names.contains(&"守秘義務"), "listed already: {names:?}");
    }

    #[test]
    fn a_long_list_is_the_names_with_the_word_typed_in_them_and_says_it_is_incomplete() {
        // Few: every actor, complete.
        let few = completed(10, "flow ");
        assert!(!few.is_incomplete);
        assert_eq!(few.items.len(), 10);
        // Many, nothing typed yet: the first MAX_ITEMS, incomplete.
        let many = completed(MAX_ITEMS + 200, "flow ");
        assert!(many.is_incomplete);
        assert_eq!(many.items.len(), MAX_ITEMS);
        assert_eq!(many.items[0].label, "基幹システム0000");
        // A word typed: those with its characters in order, beyond the
        // first MAX_ITEMS too, and still incomplete (the word may shrink).
        let narrowed = completed(MAX_ITEMS + 200, "flow 基幹11");
        assert!(narrowed.is_incomplete);
        let labels: Vec<&str> = narrowed.items.iter().map(|i| i.label.as_str()).collect();
        assert!(labels.contains(&"基幹システム1100"), "{labels:?}");
        assert!(
            labels.contains(&"基幹システム0101"),
            "in order, not together"
        );
        assert!(labels.iter().all(|l| has_in_order(l, "基幹11")));
        assert!(labels.len() < MAX_ITEMS);
    }

    const RULES: &str = "rulebook t \"試験\"\n\
        role 組合 self \"自組合\"\nrole 他機関\nrole 経路 carrier\nrole 委託先 contractor\n\
        category 個人情報\ncategory 課税情報 mynumber\n\
        section \"1\" \"内部\" {\n  purpose 認定 \"被扶養者の認定\"\n}\n\
        section \"2\" \"提供\" mynumber {\n  purpose 照会\n  allow 他機関 -> 組合 : 課税情報 for 照会\n@\n}\n\
        contractor \"株式会社 \\\"甲\\\"\" for 認定\nclause 守秘義務\n";

    /// The labels completion offers at the end of `typed` inserted at
    /// byte `at` of [`RULES`] (its `@` removed), each with its rank.
    fn offered_at(at: usize, typed: &str) -> Vec<(String, String)> {
        let rules = RULES.replace('@', "");
        let text = format!("{}{typed}{}", &rules[..at], &rules[at..]);
        let doc = Document::analyse(Path::new("/nowhere/rules.myna"), text, Encoding::Utf16);
        assert!(doc.is_rulebook());
        let mut out: Vec<(String, String)> = items(&doc, at + typed.len(), Lang::En)
            .into_iter()
            .map(|i| (i.sort_text.unwrap_or_default()[..1].to_string(), i.label))
            .collect();
        out.sort();
        out
    }

    /// [`offered_at`] in the second section, after its rule.
    fn offered(typed: &str) -> Vec<(String, String)> {
        offered_at(RULES.find('@').unwrap(), typed)
    }

    fn labels(typed: &str) -> Vec<String> {
        offered(typed).into_iter().map(|(_, l)| l).collect()
    }

    /// [`labels`] at the end of the rulebook.
    fn outside(typed: &str) -> Vec<String> {
        let end = RULES.len() - 1;
        offered_at(end, typed).into_iter().map(|(_, l)| l).collect()
    }

    #[test]
    fn a_rulebook_offers_what_its_grammar_takes_at_the_cursor() {
        let statements = ["category", "clause", "contractor", "role", "section"];
        assert_eq!(labels("  "), ["allow", "purpose"]);
        assert_eq!(labels("  al"), ["allow", "purpose"]);
        assert_eq!(labels("}\n"), statements);
        let roles = ["他機関", "委託先", "組合", "経路"];
        assert_eq!(labels("  allow "), roles);
        assert_eq!(labels("  allow 組合 -> 他"), roles);
        assert_eq!(
            labels("  allow 組合 -> 他機関 : "),
            ["個人情報", "課税情報"]
        );
        assert_eq!(
            labels("  allow 組合 -> 他機関 : 個人情報, "),
            ["個人情報", "課税情報"]
        );
        // The section's own purposes first; carriers first after `via`.
        let purposes = offered("  allow 組合 -> 他機関 : 個人情報 for ");
        assert_eq!(purposes[0], ("0".to_string(), "照会".to_string()));
        assert_eq!(purposes[1], ("1".to_string(), "認定".to_string()));
        let via = offered("  allow 組合 -> 他機関 : 個人情報 for 照会 via ");
        assert_eq!(via[0], ("0".to_string(), "経路".to_string()));
        assert_eq!(via.len(), 4);
        // A statement that may end on a line before: a new one starts.
        assert_eq!(
            labels("  allow 組合 -> 他機関 : 個人情報\n  "),
            ["allow", "purpose"]
        );
        assert_eq!(
            labels("  allow 組合 -> 他機関 : 個人情報,\n  "),
            ["個人情報", "課税情報"]
        );
        // New names, titles, labels and comments: nothing.
        assert!(labels("  purpose ").is_empty());
        assert!(labels("  purpose 新 \"").is_empty());
        assert!(labels("  # allow ").is_empty());
        assert_eq!(labels("  purpose 新 in "), ["照会", "認定"]);
        assert_eq!(labels("  purpose 照会 in "), ["認定"], "not itself");
        // Outside the sections, after the last statement.
        assert_eq!(outside(""), statements);
        assert_eq!(outside("role 新 contractor in "), roles);
        assert_eq!(
            outside("category 新 mynumber in "),
            ["個人情報", "課税情報"]
        );
        let row_role = offered_at(RULES.len() - 1, "contractor role ");
        assert_eq!(row_role[0], ("0".to_string(), "委託先".to_string()));
        assert_eq!(row_role.len(), 4);
        assert_eq!(outside("contractor role 委託先 for "), ["照会", "認定"]);
        assert_eq!(outside("contractor \"株"), ["\"株式会社 \\\"甲\\\"\""]);
        assert!(outside("clause ").is_empty());
        assert!(outside("section ").is_empty());
    }

    /// Completion at every place of a rulebook, whole or broken (a brace,
    /// a quote or a line cut away), answers without a panic, and at a
    /// statement's start in a section offers what a section holds.
    #[test]
    fn a_rulebook_completes_anywhere_whole_or_broken() {
        let rules = RULES.replace('@', "");
        let kenpo = crate::session::BUILTIN_RULEBOOKS[0].1;
        let broken = [
            rules.clone(),
            rules.replacen('{', "", 1),
            rules.replacen('}', "", 1),
            rules.replacen('"', "", 1),
            rules.replacen("他機関 -> ", "", 1),
            kenpo.to_string(),
        ];
        for text in broken {
            let doc =
                Document::analyse(Path::new("/nowhere/r.myna"), text.clone(), Encoding::Utf16);
            for (at, _) in text.char_indices().chain([(text.len(), ' ')]) {
                let _ = items(&doc, at, Lang::Ja);
            }
        }
        let kenpo_doc =
            Document::analyse(Path::new("/nowhere/k.myna"), kenpo.into(), Encoding::Utf16);
        let at = kenpo.find("  purpose 保険給付").unwrap_or_default();
        let labels: Vec<String> = (items(&kenpo_doc, at + 2, Lang::En).into_iter())
            .map(|i| i.label)
            .collect();
        assert_eq!(labels, ["purpose", "allow"]);
    }

    #[test]
    fn the_typed_characters_are_found_in_order_any_case_for_ascii() {
        assert!(has_in_order("情報提供NWS", "nws"));
        assert!(has_in_order("基幹システム001", "基幹01"));
        assert!(has_in_order("anything", ""));
        assert!(!has_in_order("基幹システム001", "10基"));
    }
}
