//! Go to definition, find references, rename, document symbols.
//!
//! Rename in a design renames an actor or a data item in that design. In a
//! rulebook, it renames a role, category, purpose or clause: every name
//! written for it in the rulebook and, as the server calls it, in each
//! design bound to that rulebook ([`follow_rulebook_rename`]), analysed:
//! those open, and those of the workspace folders the server reads for
//! the rename (`super::workspace`).

use super::analysis::{Document, Target};
use super::rulebook::{Index, Kind, Written};
use crate::model::{ActorId, DataId};
use crate::span::Span;
use crate::syntax::lexer::write_name;
use crate::text;
use crate::text::Text;
use lsp_types::{DocumentSymbol, SymbolKind, TextEdit};
use std::path::Path;

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
    /// In a rulebook, the cursor is on no role, category, purpose or
    /// clause (a rule's arrow, a section's id, a label).
    NotARulebookName,
    /// The new name is empty, or only white space.
    Empty,
    /// The new name holds a line break or another control or invisible
    /// character (a string cannot hold a line break; the others are
    /// MN004).
    Control(char),
    /// Another name of the document already has the new name (as names
    /// compare: NFKC, white space removed): renamed, two declarations
    /// would be one name, and what is written for one would read as the
    /// other's. In a design, an actor or a data item; in a rulebook, a
    /// role, a category, a purpose or a clause (each kind a table of its
    /// own to the resolver, but one name for two things reads as one).
    /// The document is the copy of a built-in rulebook the server writes
    /// for reading (go to definition): the checks read the rulebook built
    /// into mynaflow, never that file, so a rename there would change
    /// nothing they read, and the copy is written again at the next start.
    BuiltIn(&'static str),
    Taken {
        /// What the other is.
        named: Named,
        /// Its name as declared.
        name: String,
        /// The 1-based line of its declaration.
        line: u32,
    },
}

/// What kind of thing a declared name names, as a refusal says it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Named {
    /// An actor of a design.
    Actor,
    /// A data item of a design.
    Data,
    /// A role, category, purpose or clause of a rulebook.
    Rulebook(Kind),
}

impl Named {
    /// "an actor" and 「アクター」.
    fn words(self) -> (&'static str, &'static str) {
        match self {
            Named::Actor => ("an actor", "アクター"),
            Named::Data => ("a data item", "データ項目"),
            Named::Rulebook(Kind::Role) => ("a role", "役割"),
            Named::Rulebook(Kind::Category) => ("a category", "カテゴリ"),
            Named::Rulebook(Kind::Purpose) => ("a purpose", "利用目的"),
            Named::Rulebook(Kind::Clause) => ("a clause", "契約事項"),
        }
    }
}

impl Refusal {
    /// Why, in both languages.
    pub fn text(&self) -> Text {
        match self {
            Refusal::NotRenamable => Text::new(
                "only actors and data items of the design can be renamed",
                "名前を変更できるのは、設計のアクターとデータ項目だけです",
            ),
            Refusal::NotARulebookName => Text::new(
                "only the roles, categories, purposes and clauses of the rulebook can be renamed",
                "名前を変更できるのは、ルールブックの役割、カテゴリ、利用目的、契約事項だけです",
            ),
            Refusal::Empty => Text::new("the new name is empty", "新しい名前が空です"),
            Refusal::Control(c) => {
                let code = format!("U+{:04X}", u32::from(*c));
                text!(
                    "a name cannot hold a line break or a control or invisible character ({code})";
                    "名前には改行や制御文字・不可視文字 ({code}) を含められません"
                )
            }
            Refusal::BuiltIn(name) => text!(
                "`{name}` is the built-in rulebook: this file is a copy to read, and a rename here changes nothing a check reads; to rename its names, copy it into the project and `use` the copy";
                "「{name}」は組み込みのルールブックです。このファイルは閲覧用の写しで、ここで名前を変えても検査には反映されません。名前を変えるには、プロジェクトにコピーして、そのコピーを `use` してください"
            ),
            Refusal::Taken { named, name, line } => {
                let name = crate::escape::visible(name);
                let (en, ja) = named.words();
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

/// A new name as the user typed it: trimmed, with its key (as names
/// compare); refused when empty, or with a line break or a control or
/// invisible character.
fn new_name_of(new_name: &str) -> Result<(&str, String), Refusal> {
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
    Ok((new_name, wanted))
}

/// The 1-based line of `span` in `doc`.
fn line_of(doc: &Document, span: Span) -> u32 {
    doc.lines.position(doc.text(), span.start as usize).line + 1
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
    let (new_name, wanted) = new_name_of(new_name)?;
    let actors = d.actors.iter().enumerate().map(|(i, a)| {
        let same = target == Target::Actor(ActorId::new(i as u32));
        (same, Named::Actor, &a.name, a.name_span)
    });
    let items = d.data.iter().enumerate().map(|(i, x)| {
        let same = target == Target::Data(DataId::new(i as u32));
        (same, Named::Data, &x.name, x.name_span)
    });
    let taken = actors
        .chain(items)
        .find(|(same, _, name, _)| !same && crate::names::key(name) == wanted);
    if let Some((_, named, name, span)) = taken {
        return Err(Refusal::Taken {
            named,
            name: name.clone(),
            line: line_of(doc, span),
        });
    }
    let written = write_name(new_name);
    Ok(doc
        .occurrences(target)
        .into_iter()
        .map(|o| (o.span, written.clone()))
        .collect())
}

/// The edits that rename, in the rulebook `doc` (its names `index`), the
/// name `n` (a role, category, purpose or clause, declared there or not)
/// to `new_name`: its declarations and every name of the same kind
/// written for it; refused as [`rename`] refuses, a name taken being a
/// declaration of any kind but the renamed one's own (respelling a name
/// is a rename).
pub fn rename_in_rulebook(
    doc: &Document,
    index: &Index,
    n: &Written,
    new_name: &str,
) -> Result<Vec<(Span, String)>, Refusal> {
    let (new_name, wanted) = new_name_of(new_name)?;
    let own = |d: &Written| d.kind == n.kind && d.key == n.key;
    let taken = index.declarations().find(|d| d.key == wanted && !own(d));
    if let Some(d) = taken {
        return Err(Refusal::Taken {
            named: Named::Rulebook(d.kind),
            name: d.name.to_string(),
            line: line_of(doc, d.span),
        });
    }
    let written = write_name(new_name);
    Ok((index.references(n))
        .map(|r| (r.span, written.clone()))
        .collect())
}

/// The edits that make design `doc` follow a rename in a rulebook: the
/// names it writes for what its rulebook, the file `rulebook` (by
/// canonical path), calls `key` as a `kind`, each replaced by `written`
/// (the new name as the rulebook's edits write it). None when the design
/// is bound to no rulebook (one that could not be used: its names are
/// not bound, so not known to be this rulebook's), or to another, or
/// writes no such name.
pub fn follow_rulebook_rename(
    doc: &Document,
    rulebook: &Path,
    named: (Kind, &str),
    written: &str,
) -> Vec<(Span, String)> {
    (uses_of_rulebook_name(doc, rulebook, named).into_iter())
        .map(|span| (span, written.to_string()))
        .collect()
}

/// Where design `doc` writes the name of kind `kind` whose key is `key`
/// of the rulebook file `rulebook` (canonical), when that is the rulebook
/// it uses: what a rename of the name in the rulebook edits in it, and its
/// references there.
pub fn uses_of_rulebook_name(
    doc: &Document,
    rulebook: &Path,
    (kind, key): (Kind, &str),
) -> Vec<Span> {
    let Some(rb) = doc.rulebook() else {
        return Vec::new();
    };
    let from = doc.session.sources.get(rb.file).path();
    if from.map(super::analysis::canonical).as_deref() != Some(rulebook) {
        return Vec::new();
    }
    let target = match kind {
        Kind::Role => rb.role_named(key).map(Target::Role),
        Kind::Category => rb.category_named(key).map(Target::Category),
        Kind::Purpose => rb.purpose_named(key).map(Target::Purpose),
        Kind::Clause => rb.clause_named(key).map(Target::Clause),
    };
    let Some(target) = target else {
        return Vec::new();
    };
    (doc.occurrences(target).into_iter())
        .map(|o| o.span)
        .collect()
}

/// The most document symbols answered. An editor asks for them after
/// every edit (the outline, breadcrumbs, sticky scroll); a national design's
/// million flows made an answer of 323 MB, which took the server 10 GiB
/// and most of a minute. No one reads an outline that long.
pub const MAX_SYMBOLS: usize = 10_000;

/// A document symbol of `doc` (whose text is `src`): its name, kind and
/// detail, the statement it spans and where its name is. A name that is
/// empty or blank is shown `?`: editors refuse a symbol without a name.
/// The name and detail are shown escaped as messages show them: a flow's
/// text as written may hold a bidi override or an escape sequence, and
/// the outline must not read otherwise than the text (MN004).
#[allow(deprecated)] // `DocumentSymbol::deprecated` must still be given.
pub(super) fn symbol(
    doc: &Document,
    src: &str,
    (name, kind, detail): (String, SymbolKind, Option<String>),
    whole: Span,
    at: Span,
) -> DocumentSymbol {
    let range = |s: Span| doc.lines.range(src, s.start as usize, s.end as usize);
    DocumentSymbol {
        name: if name.trim().is_empty() {
            "?".to_string()
        } else {
            crate::escape::visible_owned(name)
        },
        detail: detail.map(crate::escape::visible_owned),
        kind,
        tags: None,
        deprecated: None,
        range: range(whole),
        selection_range: range(at),
        children: None,
    }
}

/// Actors, data items and flows as document symbols, in the order written:
/// the first [`MAX_SYMBOLS`] of them.
pub fn symbols(doc: &Document) -> Vec<DocumentSymbol> {
    let Some(d) = doc.design() else {
        return Vec::new();
    };
    let text = doc.text();
    let sym = |name: String, kind: SymbolKind, whole: Span, name_span: Span, detail| {
        symbol(doc, text, (name, kind, detail), whole, name_span)
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
    fn a_rulebook_rename_is_refused_in_both_languages() {
        let taken = Refusal::Taken {
            named: Named::Rulebook(Kind::Purpose),
            name: "資格管理".into(),
            line: 23,
        };
        assert_eq!(
            taken.text().en,
            "`資格管理` is already the name of a purpose (line 23): renamed, two declarations would share one name"
        );
        assert_eq!(
            taken.text().ja,
            "「資格管理」はすでに利用目的の名前です (23 行目)。変更すると二つの宣言が同じ名前になります"
        );
        let nothing = Refusal::NotARulebookName.text();
        assert!(nothing.ja.contains("ルールブックの役割"), "{}", nothing.ja);
        // In a rulebook document: a category taken by a role is refused,
        // and its own name respelt is not.
        let text = "rulebook t\nrole 組合 self\nrole 他機関\ncategory 資格\n\
                    section \"1\" {\n  purpose 認定\n  allow 他機関 -> 組合 : 資格 for 認定\n}\n";
        let doc = Document::analyse(Path::new("/nowhere/r.myna"), text.into(), Encoding::Utf16);
        let index = doc.rulebook_names().expect("a rulebook");
        let Some(crate::lsp::rulebook::At::Name(n)) = index.at(text.rfind("資格").unwrap())
        else {
            panic!("the category in the rule");
        };
        let refused = rename_in_rulebook(&doc, index, n, "他 機関");
        assert_eq!(
            refused,
            Err(Refusal::Taken {
                named: Named::Rulebook(Kind::Role),
                name: "他機関".into(),
                line: 3
            })
        );
        let respelt = rename_in_rulebook(&doc, index, n, " 資 格 ").unwrap_or_default();
        assert_eq!(respelt.len(), 2);
        assert!(
            respelt
                .iter()
                .all(|(_, w)| w == "資 格" || w == "\"資 格\""),
            "{respelt:?}"
        );
    }

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
