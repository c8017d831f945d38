//! A rulebook open in the editor: its outline (the header, roles,
//! categories, sections with their purposes and rules, the register,
//! clauses), the definition and references of its own names (roles,
//! categories, purposes, clauses), hover on them and on a rule, and what
//! completion ([`super::completion`]) and rename ([`super::navigate`])
//! read of it: the names it declares, and where a statement starts.
//!
//! Read from the rulebook's syntax tree, not its resolved model: the names
//! are the rulebook's own, so a name is found by its kind and its key
//! (`names::key`, as the resolver compares them), and a rulebook with
//! errors (a name not declared, which the model cannot hold) still has
//! its outline and the references of what it declares.

use super::analysis::Document;
use super::markdown::{code, plain};
use crate::span::{FileId, Span};
use crate::syntax::ast::{self, Ident, Registrant, RoleFlag, Stmt};
use crate::syntax::spelling::Name;
use crate::text::{Lang, Text};
use lsp_types::{DocumentSymbol, SymbolKind};

/// What a name in a rulebook names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A role (`role`, and the ends and `via` of an `allow`).
    Role,
    /// A category (`category`, and what an `allow` carries).
    Category,
    /// A purpose (`purpose`, and after `for`).
    Purpose,
    /// A contract clause (`clause`).
    Clause,
}

/// A name written in the rulebook.
#[derive(Clone, Debug)]
pub struct Written {
    /// Where it is written.
    pub span: Span,
    /// The name as written (a string's content, without its quotes).
    pub name: Name,
    /// What it names.
    pub kind: Kind,
    /// Its key, as names compare.
    pub key: String,
    /// Is this its declaration?
    pub declaration: bool,
}

/// What is at a place in the rulebook.
#[derive(Clone, Copy, Debug)]
pub enum At<'a> {
    /// A name.
    Name(&'a Written),
    /// An `allow` rule (the cursor on it, not on one of its names).
    Rule(&'a ast::AllowStmt, &'a ast::SectionDecl),
}

/// The names and statements of a rulebook document.
pub struct Index {
    /// The syntax tree.
    tree: ast::File,
    /// Every name of a role, category, purpose or clause written, by
    /// position.
    names: Vec<Written>,
}

impl Index {
    /// Parses `text` (file `file`) and indexes its names.
    pub fn of(file: FileId, text: &str) -> Index {
        let tree = crate::syntax::parse(file, text).file;
        let mut names = Vec::new();
        let mut put = |ident: &Ident, kind: Kind, declaration: bool| {
            names.push(Written {
                span: ident.span,
                name: ident.text,
                kind,
                key: crate::names::key(&ident.text),
                declaration,
            });
        };
        for stmt in tree.stmts.iter() {
            match stmt {
                Stmt::Role(r) => {
                    put(&r.name, Kind::Role, true);
                    r.parent.iter().for_each(|p| put(p, Kind::Role, false));
                }
                Stmt::Category(c) => {
                    put(&c.name, Kind::Category, true);
                    c.parent.iter().for_each(|p| put(p, Kind::Category, false));
                }
                Stmt::Section(s) => {
                    for p in &s.purposes {
                        put(&p.name, Kind::Purpose, true);
                        p.parent.iter().for_each(|x| put(x, Kind::Purpose, false));
                    }
                    for a in &s.allows {
                        let pattern = &a.pattern;
                        put(&pattern.from, Kind::Role, false);
                        put(&pattern.to, Kind::Role, false);
                        pattern
                            .payload
                            .iter()
                            .for_each(|c| put(c, Kind::Category, false));
                        pattern
                            .purposes
                            .iter()
                            .for_each(|p| put(p, Kind::Purpose, false));
                        (pattern.via_names().iter()).for_each(|v| put(v, Kind::Role, false));
                    }
                }
                Stmt::Contractor(c) => {
                    if let Registrant::Role(r) = &c.registrant {
                        put(r, Kind::Role, false);
                    }
                    c.purposes.iter().for_each(|p| put(p, Kind::Purpose, false));
                }
                Stmt::Clause(c) => put(&c.name, Kind::Clause, true),
                Stmt::Use(_)
                | Stmt::Actor(_)
                | Stmt::Data(_)
                | Stmt::Flow(_)
                | Stmt::Rulebook(_) => {}
            }
        }
        names.sort_by_key(|n| (n.span.start, n.span.end));
        Index { tree, names }
    }

    /// What is at byte `offset` (a cursor just after a name counts).
    pub fn at(&self, offset: usize) -> Option<At<'_>> {
        let offset = u32::try_from(offset).ok()?;
        let holds = |s: Span| s.start <= offset && offset <= s.end;
        let i = self.names.partition_point(|n| n.span.start <= offset);
        let name = self.names[..i].iter().rev().take(2).find(|n| holds(n.span));
        if let Some(n) = name {
            return Some(At::Name(n));
        }
        self.sections().find_map(|s| {
            let a = s.allows.iter().find(|a| holds(a.span))?;
            Some(At::Rule(a, s))
        })
    }

    /// The declaration of the name `n` is of (the first, if declared
    /// twice: the one the resolver keeps).
    pub fn definition(&self, n: &Written) -> Option<&Written> {
        self.names
            .iter()
            .find(|d| d.declaration && d.kind == n.kind && d.key == n.key)
    }

    /// Every name written for what `n` names, by position.
    pub fn references(&self, n: &Written) -> impl Iterator<Item = &Written> {
        let (kind, key) = (n.kind, n.key.clone());
        (self.names.iter()).filter(move |d| d.kind == kind && d.key == key)
    }

    /// The sections, in the order written.
    fn sections(&self) -> impl Iterator<Item = &ast::SectionDecl> {
        self.tree.stmts.iter().filter_map(|s| match s {
            Stmt::Section(s) => Some(s),
            _ => None,
        })
    }

    /// The hover text (Markdown) of what is at a place.
    pub fn hover(&self, at: At<'_>, src: &str, lang: Lang) -> Option<String> {
        let rule = match at {
            At::Rule(a, s) => {
                let written = folded(src.get(a.span.start as usize..a.span.end as usize)?);
                return Some(format!(
                    "**{}** {}\n\n{}",
                    said("rule", "規則", lang),
                    code(&written),
                    section_text(s, lang)
                ));
            }
            At::Name(n) => n,
        };
        let decl = self.definition(rule)?;
        self.declarations_of(decl.kind)
            .find(|d| d.name.span == decl.span)
            .map(|d| d.text(lang))
    }

    /// The names of `kind` the rulebook declares, in the order written,
    /// each once: a name declared twice is its first declaration, the one
    /// the resolver keeps (MN011 for the other).
    pub fn declared(&self, kind: Kind) -> Vec<Declared<'_>> {
        let mut seen = std::collections::HashSet::new();
        self.declarations_of(kind)
            .filter(|d| seen.insert(crate::names::key(&d.name.text)))
            .collect()
    }

    /// Every declaration of `kind`, in the order written.
    fn declarations_of(&self, kind: Kind) -> impl Iterator<Item = Declared<'_>> {
        self.tree.stmts.iter().flat_map(move |stmt| {
            let found: Vec<Declared<'_>> = match (stmt, kind) {
                (Stmt::Role(r), Kind::Role) => vec![Declared {
                    name: &r.name,
                    of: Of::Role(r),
                }],
                (Stmt::Category(c), Kind::Category) => vec![Declared {
                    name: &c.name,
                    of: Of::Category(c),
                }],
                (Stmt::Section(s), Kind::Purpose) => (s.purposes.iter())
                    .map(|p| Declared {
                        name: &p.name,
                        of: Of::Purpose(p, s),
                    })
                    .collect(),
                (Stmt::Clause(c), Kind::Clause) => vec![Declared {
                    name: &c.name,
                    of: Of::Clause(c),
                }],
                _ => Vec::new(),
            };
            found
        })
    }

    /// Every declaration of a name, by position: those a new name must
    /// not take.
    pub fn declarations(&self) -> impl Iterator<Item = &Written> {
        self.names.iter().filter(|n| n.declaration)
    }

    /// The legal names of the register's rows, each once, in the order
    /// written.
    pub fn legal_names(&self) -> Vec<&str> {
        let mut seen = std::collections::HashSet::new();
        (self.tree.stmts.iter())
            .filter_map(|s| match s {
                Stmt::Contractor(c) => match &c.registrant {
                    Registrant::Name(n) => Some(&*n.text),
                    Registrant::Role(_) => None,
                },
                _ => None,
            })
            .filter(|n| seen.insert(*n))
            .collect()
    }

    /// Where to read from to know the statement at byte `offset`: the start
    /// of the last top-level statement that starts at or before it (0 when
    /// none does), and that statement when it is a section. A statement
    /// being typed does not parse, so the one the cursor is in may start
    /// later than this; read from here, the tokens up to the cursor say
    /// (the parser resynchronises at a statement's keyword, so a statement
    /// the tree holds starts at one, never inside a string or a comment).
    pub fn statement_before(&self, offset: usize) -> (usize, Option<&ast::SectionDecl>) {
        let offset = u32::try_from(offset).unwrap_or(u32::MAX);
        let last = self
            .tree
            .stmts
            .iter()
            .rev()
            .find(|s| s.span().start <= offset);
        match last {
            Some(Stmt::Section(s)) => (s.span.start as usize, Some(s)),
            Some(s) => (s.span().start as usize, None),
            None => (0, None),
        }
    }

    /// The outline: the statements in the order written, a section with
    /// its purposes and rules inside it; the first
    /// [`super::navigate::MAX_SYMBOLS`] of them.
    pub fn symbols(&self, doc: &Document) -> Vec<DocumentSymbol> {
        let src = doc.text();
        let mut left = super::navigate::MAX_SYMBOLS;
        let mut sym =
            |name: String, kind: SymbolKind, whole: Span, at: Span, detail: Option<String>| {
                if left == 0 {
                    return None;
                }
                left -= 1;
                Some(super::navigate::symbol(
                    doc,
                    src,
                    (name, kind, detail),
                    whole,
                    at,
                ))
            };
        let text = |i: &Option<Ident>| i.as_ref().map(|i| i.text.to_string());
        let mut out = Vec::new();
        for stmt in self.tree.stmts.iter() {
            let made = match stmt {
                Stmt::Rulebook(r) => sym(
                    r.name.text.to_string(),
                    SymbolKind::PACKAGE,
                    r.span,
                    r.name.span,
                    text(&r.title),
                ),
                Stmt::Role(r) => {
                    let flag = r.flag.map(|(f, _)| match f {
                        RoleFlag::SelfOrg => "self",
                        RoleFlag::Carrier => "carrier",
                        RoleFlag::Subject => "subject",
                        RoleFlag::Contractor => "contractor",
                    });
                    let detail = flag.map(str::to_string).or_else(|| text(&r.label));
                    sym(
                        r.name.text.to_string(),
                        SymbolKind::CLASS,
                        r.span,
                        r.name.span,
                        detail,
                    )
                }
                Stmt::Category(c) => {
                    let detail = c
                        .mynumber
                        .map(|_| "mynumber".to_string())
                        .or_else(|| text(&c.label));
                    sym(
                        c.name.text.to_string(),
                        SymbolKind::ENUM,
                        c.span,
                        c.name.span,
                        detail,
                    )
                }
                Stmt::Section(s) => {
                    let Some(mut section) = sym(
                        s.id.text.to_string(),
                        SymbolKind::NAMESPACE,
                        s.span,
                        s.id.span,
                        text(&s.title),
                    ) else {
                        break;
                    };
                    // Purposes and rules in the order written.
                    let mut inside: Vec<(u32, DocumentSymbol)> = Vec::new();
                    for p in &s.purposes {
                        let made = sym(
                            p.name.text.to_string(),
                            SymbolKind::FUNCTION,
                            p.span,
                            p.name.span,
                            text(&p.label),
                        );
                        inside.extend(made.map(|m| (p.span.start, m)));
                    }
                    for a in &s.allows {
                        let written = folded(
                            src.get(a.span.start as usize..a.span.end as usize)
                                .unwrap_or_default(),
                        );
                        let made = sym(
                            written,
                            SymbolKind::EVENT,
                            a.span,
                            a.pattern.arrow.span,
                            None,
                        );
                        inside.extend(made.map(|m| (a.span.start, m)));
                    }
                    inside.sort_by_key(|(at, _)| *at);
                    section.children = Some(inside.into_iter().map(|(_, m)| m).collect());
                    Some(section)
                }
                Stmt::Contractor(c) => {
                    let (name, at) = match &c.registrant {
                        Registrant::Name(n) => (n.text.to_string(), n.span),
                        Registrant::Role(r) => (format!("role {}", r.text), r.span),
                    };
                    let purposes: Vec<&str> = c.purposes.iter().map(|p| &*p.text).collect();
                    sym(
                        name,
                        SymbolKind::OBJECT,
                        c.span,
                        at,
                        Some(purposes.join(", ")),
                    )
                }
                Stmt::Clause(c) => sym(
                    c.name.text.to_string(),
                    SymbolKind::CONSTANT,
                    c.span,
                    c.name.span,
                    text(&c.label),
                ),
                Stmt::Use(_) | Stmt::Actor(_) | Stmt::Data(_) | Stmt::Flow(_) => continue,
            };
            match made {
                Some(m) => out.push(m),
                None => break,
            }
        }
        out
    }
}

/// A name the rulebook declares, with its declaration.
#[derive(Clone, Copy, Debug)]
pub struct Declared<'a> {
    /// The name as declared.
    pub name: &'a Ident,
    /// What declares it.
    pub of: Of<'a>,
}

/// The declaration of a name.
#[derive(Clone, Copy, Debug)]
pub enum Of<'a> {
    /// `role`.
    Role(&'a ast::RoleDecl),
    /// `category`.
    Category(&'a ast::CategoryDecl),
    /// `purpose`, in its section.
    Purpose(&'a ast::PurposeDecl, &'a ast::SectionDecl),
    /// `clause`.
    Clause(&'a ast::ClauseDecl),
}

impl Declared<'_> {
    /// Its label, if it has one.
    pub fn label(&self) -> Option<&str> {
        let label = match self.of {
            Of::Role(r) => &r.label,
            Of::Category(c) => &c.label,
            Of::Purpose(p, _) => &p.label,
            Of::Clause(c) => &c.label,
        };
        label.as_ref().map(|l| &*l.text)
    }

    /// Its role flag, for a role that has one.
    pub fn flag(&self) -> Option<RoleFlag> {
        match self.of {
            Of::Role(r) => r.flag.map(|(f, _)| f),
            _ => None,
        }
    }

    /// The section a purpose is declared in.
    pub fn section(&self) -> Option<&ast::SectionDecl> {
        match self.of {
            Of::Purpose(_, s) => Some(s),
            _ => None,
        }
    }

    /// What it is (Markdown): the hover text of the name, and the
    /// documentation completion gives it.
    pub fn text(&self, lang: Lang) -> String {
        let t = |en: &str, ja: &str| said(en, ja, lang);
        // Names as code spans, other text plain: none of the rulebook's
        // text is read as Markdown or HTML (super::markdown).
        let label = |l: &Option<Ident>| {
            l.as_ref()
                .map(|l| format!(" — {}", plain(&l.text)))
                .unwrap_or_default()
        };
        let parent = |p: &Option<Ident>| {
            p.as_ref()
                .map(|p| format!("\n\n{} {}", t("in", "上位:"), code(&p.text)))
                .unwrap_or_default()
        };
        match self.of {
            Of::Role(r) => {
                let kind = match r.flag.map(|(f, _)| f) {
                    None => crate::model::RoleKind::Party,
                    Some(RoleFlag::SelfOrg) => crate::model::RoleKind::SelfOrg,
                    Some(RoleFlag::Carrier) => crate::model::RoleKind::Carrier,
                    Some(RoleFlag::Subject) => crate::model::RoleKind::Subject,
                    Some(RoleFlag::Contractor) => crate::model::RoleKind::Contractor,
                };
                format!(
                    "**{}** {}{}\n\n{}{}",
                    t("role", "役割"),
                    code(&r.name.text),
                    label(&r.label),
                    super::hover::kind_text(kind, lang),
                    parent(&r.parent)
                )
            }
            Of::Category(c) => {
                let mynumber = if c.mynumber.is_some() {
                    format!("\n\n{}", t("特定個人情報 (My Number data)", "特定個人情報"))
                } else {
                    String::new()
                };
                format!(
                    "**{}** {}{}{mynumber}{}",
                    t("category", "カテゴリ"),
                    code(&c.name.text),
                    label(&c.label),
                    parent(&c.parent)
                )
            }
            Of::Purpose(p, s) => {
                let wording = (p.label.as_ref())
                    .map(|l| format!("\n\n「{}」", plain(&l.text)))
                    .unwrap_or_default();
                format!(
                    "**{}** {}{wording}{}\n\n{}",
                    t("purpose", "利用目的"),
                    code(&p.name.text),
                    parent(&p.parent),
                    section_text(s, lang)
                )
            }
            Of::Clause(c) => format!(
                "**{}** {}{}",
                t("clause", "契約事項"),
                code(&c.name.text),
                label(&c.label)
            ),
        }
    }
}

/// `en` or `ja`, as `lang` says.
fn said(en: &str, ja: &str, lang: Lang) -> String {
    Text::new(en, ja).get(lang).to_string()
}

/// A section as hover shows it: its id and title, whether it is a
/// `mynumber` one, and its basis.
fn section_text(s: &ast::SectionDecl, lang: Lang) -> String {
    let t = |en: &str, ja: &str| said(en, ja, lang);
    let mut out = format!("{} {}", t("section", "セクション"), plain(&s.id.text));
    if let Some(title) = &s.title {
        out.push_str(&format!(" — {}", plain(&title.text)));
    }
    if s.mynumber.is_some() {
        out.push_str(&format!(
            "\n\n{}",
            t(
                "`mynumber`: its rules may allow 特定個人情報 (My Number data)",
                "`mynumber`: この規則は特定個人情報を扱えます"
            )
        ));
    }
    if let Some(b) = &s.basis {
        out.push_str(&format!("\n\n{}: {}", t("basis", "根拠"), plain(&b.text)));
    }
    out
}

/// A statement as written, its white space (line breaks and the
/// indentation of a statement on several lines) folded to single spaces.
fn folded(written: &str) -> String {
    written.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: &str = "rulebook t \"試験\" revised 2024-12-04\n\
        role 組合 self \"自組合\"\nrole 他機関\nrole 他保険者 in 他機関\n\
        category 課税情報 mynumber\n\
        section \"7(1)\" \"受ける場合\" mynumber basis \"番号法第19条第8号\" {\n\
        \x20 purpose 認定 \"被扶養者の認定\"\n\
        \x20 allow 他機関 -> 組合 : 課税情報 for 認定\n}\n\
        clause 守秘義務\n";

    fn at<'a>(index: &'a Index, needle: &str, nth: usize) -> Option<At<'a>> {
        let offset = RULES.match_indices(needle).nth(nth)?.0;
        index.at(offset)
    }

    #[test]
    fn names_are_found_with_their_declaration_and_references() {
        let index = Index::of(FileId(0), RULES);
        let Some(At::Name(other)) = at(&index, "他機関", 2) else {
            panic!("the role in the rule");
        };
        assert_eq!(other.kind, Kind::Role);
        let decl = index.definition(other).map(|d| d.span.start as usize);
        assert_eq!(decl, RULES.find("他機関"));
        // Declared, a parent, a rule's sender.
        assert_eq!(index.references(other).count(), 3);
        let Some(At::Name(purpose)) = at(&index, "認定", 2) else {
            panic!("the purpose in the rule");
        };
        assert_eq!(purpose.kind, Kind::Purpose);
        let hover = index
            .hover(At::Name(purpose), RULES, Lang::En)
            .unwrap_or_default();
        assert!(
            hover.contains("被扶養者の認定") && hover.contains(r"section 7\(1\)"),
            "{hover}"
        );
        assert!(hover.contains("番号法第19条第8号"), "{hover}");
        // On the rule's arrow: the rule.
        let rule = at(&index, "->", 0).and_then(|a| index.hover(a, RULES, Lang::En));
        let rule = rule.unwrap_or_default();
        assert!(
            rule.starts_with("**rule** `allow 他機関 -> 組合 : 課税情報 for 認定`"),
            "{rule}"
        );
        // On nothing: nothing.
        assert!(at(&index, "rulebook", 0).is_none());
    }
}
