//! Completion from the rulebook's vocabulary, by where the cursor is in
//! the statement: keywords at its start, roles after `actor NAME :`,
//! categories after `data NAME :`, actors and data items in a flow, the
//! purposes after `for` (those the rulebook allows for this flow's roles
//! and items first), carriers after `via`, and the register's legal names
//! inside a contractor's label.

use super::analysis::Document;
use super::hover;
use crate::model::*;
use crate::span::FileId;
use crate::syntax::lexer::{lex, write_name};
use crate::syntax::token::{Keyword, TokenKind};
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

/// The completion items at byte `offset`.
pub fn items(doc: &Document, offset: usize, lang: Lang) -> Vec<CompletionItem> {
    let text = doc.text();
    let offset = offset.min(text.len());
    let start = statement_start(text, offset);
    let prefix = text.get(start..offset).unwrap_or("");
    let lexed = lex(FileId(0), prefix);
    let toks: Vec<_> = lexed
        .tokens
        .iter()
        .filter(|t| t.kind != TokenKind::Eof)
        .collect();
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
    let typing = word_start < offset;
    let range = doc.lines.range(text, word_start, offset);
    let mut out = Vec::new();
    let first = toks.first().map(|t| t.kind);
    let count = toks.len() - usize::from(typing && !in_string);
    let kw = |k: Keyword| Some(TokenKind::Keyword(k));
    let rb = doc.rulebook();
    let d = doc.design();

    if count == 0 {
        for k in Keyword::ALL.iter().filter(|k| k.starts_statement()) {
            out.push(item(
                k.as_str(),
                CompletionItemKind::KEYWORD,
                None,
                "0",
                range,
                false,
            ));
        }
        return out;
    }
    let colon_at = toks.iter().position(|t| t.kind == TokenKind::Colon);
    if first == kw(Keyword::Actor) {
        let (Some(rb), Some(c)) = (rb, colon_at) else {
            return out;
        };
        if in_string {
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
    CompletionItem {
        label: name.to_string(),
        kind: Some(kind),
        detail,
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

    #[test]
    fn the_typed_characters_are_found_in_order_any_case_for_ascii() {
        assert!(has_in_order("情報提供NWS", "nws"));
        assert!(has_in_order("基幹システム001", "基幹01"));
        assert!(has_in_order("anything", ""));
        assert!(!has_in_order("基幹システム001", "10基"));
    }
}
