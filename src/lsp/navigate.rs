//! Go to definition, find references, rename, document symbols.

use super::analysis::{Document, Target};
use crate::model::{ActorId, DataId};
use crate::span::Span;
use crate::syntax::lexer::write_name;
use crate::text;
use crate::text::Text;
use lsp_types::{DocumentSymbol, SymbolKind, TextEdit};

/// Where a target is declared: in the design, or in the rulebook.
pub fn definition(doc: &Document, target: Target) -> Option<Span> {
    let d = doc.design()?;
    let rb = d.rulebook.as_deref();
    Some(match target {
        Target::Actor(id) => d.actor(id).name_span,
        Target::Data(id) => d.item(id).name_span,
        Target::Role(id) => rb?.role(id).span,
        Target::Category(id) => rb?.category(id).span,
        Target::Purpose(id) => rb?.purpose(id).span,
        Target::Clause(id) => rb?.clause(id).span,
        Target::Arrow(flow) => d.flow(flow).span,
    })
}

/// Why a rename is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The name is not an actor or a data item of the design (the
    /// rulebook's names are not the design's to change).
    NotRenamable,
    /// The new name is empty, or only white space.
    Empty,
    /// The new name holds a line break or another control or invisible
    /// character (a string cannot hold a line break; the others are
    /// MN004).
    Control(char),
    /// Another actor or data item already has the new name (as names
    /// compare: NFKC, white space removed): renamed, two declarations
    /// would be one name, and the flows of one would read as the other's.
    Taken {
        /// Is the other an actor (else a data item)?
        actor: bool,
        /// Its name as declared.
        name: String,
        /// The 1-based line of its declaration.
        line: u32,
    },
}

impl Refusal {
    /// Why, in both languages.
    pub fn text(&self) -> Text {
        match self {
            Refusal::NotRenamable => Text::new(
                "only actors and data items of the design can be renamed",
                "名前を変更できるのは、設計のアクターとデータ項目だけです",
            ),
            Refusal::Empty => Text::new("the new name is empty", "新しい名前が空です"),
            Refusal::Control(c) => {
                let code = format!("U+{:04X}", u32::from(*c));
                text!(
                    "a name cannot hold a line break or a control or invisible character ({code})";
                    "名前には改行や制御文字・不可視文字 ({code}) を含められません"
                )
            }
            Refusal::Taken { actor, name, line } => {
                let name = crate::escape::visible(name);
                let (en, ja) = if *actor {
                    ("an actor", "アクター")
                } else {
                    ("a data item", "データ項目")
                };
                text!(
                    "`{name}` is already the name of {en} (line {line}): renamed, two declarations would share one name";
                    "「{name}」はすでに{ja}の名前です ({line} 行目)。変更すると二つの宣言が同じ名前になります"
                )
            }
        }
    }
}

/// Can `target` be renamed? Only an actor or a data item of the design.
pub fn renamable(target: Target) -> Result<(), Refusal> {
    match target {
        Target::Actor(_) | Target::Data(_) => Ok(()),
        _ => Err(Refusal::NotRenamable),
    }
}

/// The edits that rename an actor or a data item everywhere in the
/// design to `new_name` (trimmed, quoted if it must be); refused for other
/// targets, an empty name, one with a line break or a control character,
/// or one that another actor or data item has already.
pub fn rename(
    doc: &Document,
    target: Target,
    new_name: &str,
) -> Result<Vec<(Span, String)>, Refusal> {
    renamable(target)?;
    let d = doc.design().ok_or(Refusal::NotRenamable)?;
    let new_name = new_name.trim();
    let wanted = crate::names::key(new_name);
    if wanted.is_empty() {
        return Err(Refusal::Empty);
    }
    if let Some(c) = new_name
        .chars()
        .find(|&c| c.is_control() || crate::escape::needs_escape(c))
    {
        return Err(Refusal::Control(c));
    }
    let line = |span: Span| {
        let at = doc.lines.position(doc.text(), span.start as usize);
        at.line + 1
    };
    let actors = d.actors.iter().enumerate().map(|(i, a)| {
        let same = target == Target::Actor(ActorId::new(i as u32));
        (same, true, &a.name, a.name_span)
    });
    let items = d.data.iter().enumerate().map(|(i, x)| {
        let same = target == Target::Data(DataId::new(i as u32));
        (same, false, &x.name, x.name_span)
    });
    let taken = actors
        .chain(items)
        .find(|(same, _, name, _)| !same && crate::names::key(name) == wanted);
    if let Some((_, actor, name, span)) = taken {
        return Err(Refusal::Taken {
            actor,
            name: name.clone(),
            line: line(span),
        });
    }
    let written = write_name(new_name);
    Ok(doc
        .occurrences(target)
        .into_iter()
        .map(|o| (o.span, written.clone()))
        .collect())
}

/// The most document symbols answered. An editor asks for them after
/// every edit (the outline, breadcrumbs, sticky scroll); a national design's
/// million flows made an answer of 323 MB, which took the server 10 GiB
/// and most of a minute. No one reads an outline that long.
pub const MAX_SYMBOLS: usize = 10_000;

/// Actors, data items and flows as document symbols, in the order written:
/// the first [`MAX_SYMBOLS`] of them.
#[allow(deprecated)] // `DocumentSymbol::deprecated` must still be given.
pub fn symbols(doc: &Document) -> Vec<DocumentSymbol> {
    let Some(d) = doc.design() else {
        return Vec::new();
    };
    let text = doc.text();
    let sym =
        |name: String, kind: SymbolKind, whole: Span, name_span: Span, detail: Option<String>| {
            DocumentSymbol {
                name: if name.is_empty() {
                    "?".to_string()
                } else {
                    name
                },
                detail,
                kind,
                tags: None,
                deprecated: None,
                range: doc
                    .lines
                    .range(text, whole.start as usize, whole.end as usize),
                selection_range: doc.lines.range(
                    text,
                    name_span.start as usize,
                    name_span.end as usize,
                ),
                children: None,
            }
        };
    // Where each statement starts, and what it is: the first ones written
    // are chosen before any symbol is made.
    let mut written: Vec<(u32, Statement)> = (d.actors.iter().enumerate())
        .map(|(i, a)| (a.span.start, Statement::Actor(i)))
        .chain((d.data.iter().enumerate()).map(|(i, item)| (item.span.start, Statement::Data(i))))
        .chain((d.flows.iter().enumerate()).map(|(i, f)| (f.span.start, Statement::Flow(i))))
        .collect();
    if written.len() > MAX_SYMBOLS {
        written.select_nth_unstable(MAX_SYMBOLS);
        written.truncate(MAX_SYMBOLS);
    }
    written.sort_unstable();
    let rb = d.rulebook.as_deref();
    written
        .into_iter()
        .filter_map(|(_, statement)| {
            Some(match statement {
                Statement::Actor(i) => {
                    let a = d.actors.get(i)?;
                    let role = rb.zip(a.role.id).map(|(rb, r)| rb.role(r).name.clone());
                    sym(
                        a.name.clone(),
                        SymbolKind::OBJECT,
                        a.span,
                        a.name_span,
                        role,
                    )
                }
                Statement::Data(i) => {
                    let item = d.data.get(i)?;
                    let cat = (rb.zip(item.category.id)).map(|(rb, c)| rb.category(c).name.clone());
                    let (whole, name) = (item.span, item.name_span);
                    sym(item.name.clone(), SymbolKind::FIELD, whole, name, cat)
                }
                Statement::Flow(i) => {
                    let f = d.flows.get(i)?;
                    sym(f.text(text), SymbolKind::EVENT, f.span, f.arrow(), None)
                }
            })
        })
        .collect()
}

/// A statement that is a document symbol, by its place in its list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Statement {
    Actor(usize),
    Data(usize),
    Flow(usize),
}

/// Text edits from spans in the document.
pub fn edits(doc: &Document, spans: &[(Span, String)]) -> Vec<TextEdit> {
    spans
        .iter()
        .map(|(s, content)| {
            TextEdit::new(
                doc.lines
                    .range(doc.text(), s.start as usize, s.end as usize),
                content.clone(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lsp::position::Encoding;
    use std::path::Path;

    #[test]
    fn a_long_design_lists_its_first_statements_up_to_the_most_symbols() {
        let head = "use \"kenpo\"\nactor A : 組合\nactor B : 組合\ndata x : 氏名\n";
        let over = MAX_SYMBOLS + 500;
        let text = head.to_string() + &"flow A -> B : x for 被扶養者認定\n".repeat(over);
        let doc = Document::analyse(Path::new("/long/design.myna"), text, Encoding::Utf16);
        let listed = symbols(&doc);
        assert_eq!(listed.len(), MAX_SYMBOLS);
        // The declarations, then the flows, each on its own line in order:
        // the first MAX_SYMBOLS statements written.
        let lines: Vec<u32> = listed.iter().map(|s| s.range.start.line).collect();
        let expected: Vec<u32> = (1..=MAX_SYMBOLS as u32).collect();
        assert_eq!(lines, expected);
        assert_eq!(listed[0].name, "A");
        assert_eq!(listed[2].kind, SymbolKind::FIELD);
        assert_eq!(listed[3].kind, SymbolKind::EVENT);
        // A short one lists every statement.
        let short = head.to_string() + "flow A -> B : x for 被扶養者認定\n";
        let doc = Document::analyse(Path::new("/short/design.myna"), short, Encoding::Utf16);
        assert_eq!(symbols(&doc).len(), 4);
    }
}
