//! The syntax tree: statements as written, every part with its span. Names
//! are not resolved here; see [`crate::resolve`].

use super::token::Comment;
use crate::span::Span;

/// The names after `:`, `for` or `via`: nearly always one, kept in place
/// rather than in an allocation of its own (three per flow otherwise, in
/// the tree and again in the model).
pub type Few<T> = smallvec::SmallVec<[T; 1]>;

pub use super::spelling::Name;

/// A name or string as written, with its span.
#[derive(Clone)]
pub struct Ident {
    /// The value (a string's content, without quotes).
    pub text: Name,
    /// Where it is written (quotes included).
    pub span: Span,
    /// Which spelling of its parse this is (it fits in the padding the
    /// span leaves); [`Sym::NONE`] for a string, which is never looked up.
    pub sym: Sym,
}

/// Two names are equal when they say the same thing in the same place:
/// their [`Sym`]s are one parse's numbering, not part of the meaning
/// (`fmt` compares the trees of two parses).
impl PartialEq for Ident {
    fn eq(&self, other: &Ident) -> bool {
        self.text == other.text && self.span == other.span
    }
}

impl Eq for Ident {}

impl std::fmt::Debug for Ident {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ident")
            .field("text", &self.text)
            .field("span", &self.span)
            .finish()
    }
}

/// The number a parse gave a spelling when it first read it, so that the
/// resolver can remember what a name resolved to in a plain vector
/// instead of hashing its text again at every use (at a million flows,
/// those lookups were a twentieth of the run). Each thread of a parse in
/// parts numbers its own spellings, in its own *space* (the top bits).
/// Two parses' numbers can meet, so a number stands for its spelling only
/// among names one parse numbered: statements the parser gathered say so
/// ([`super::stmts::Stmts::numbered`]); statements gathered any other way
/// are looked up by their text.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Sym(u32);

impl Sym {
    /// No number (a space or count past what a `Sym` holds).
    pub const NONE: Sym = Sym(u32::MAX);
    /// Bits for the number within a space.
    const INDEX_BITS: u32 = 28;
    /// How many spaces there are (the last, all ones, is `NONE`'s).
    pub const SPACES: usize = (1 << (32 - Sym::INDEX_BITS)) - 1;

    /// Spelling `index` of `space`, or [`Sym::NONE`] when either is too
    /// large to hold.
    pub fn new(space: usize, index: usize) -> Sym {
        match (u32::try_from(space), u32::try_from(index)) {
            (Ok(s), Ok(i)) if (s as usize) < Sym::SPACES && i < (1 << Sym::INDEX_BITS) => {
                Sym((s << Sym::INDEX_BITS) | i)
            }
            _ => Sym::NONE,
        }
    }

    /// The space and the number within it, unless this is `NONE`.
    pub fn parts(self) -> Option<(usize, usize)> {
        let space = (self.0 >> Sym::INDEX_BITS) as usize;
        (space < Sym::SPACES).then_some((space, (self.0 & ((1 << Sym::INDEX_BITS) - 1)) as usize))
    }
}

/// `->` (one way) or `<->` (both ways).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arrow {
    /// True for `<->`.
    pub both_ways: bool,
    /// The arrow itself.
    pub span: Span,
}

/// The shape shared by a flow and a rule:
/// `A -> B : X, ... [for P, ...] [via C, ...] [basis "..."]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pattern {
    /// Sender (actor or role).
    pub from: Ident,
    /// The arrow.
    pub arrow: Arrow,
    /// Receiver (actor or role).
    pub to: Ident,
    /// Data items (flows) or categories (rules).
    pub payload: Few<Ident>,
    /// Purposes after `for`.
    pub purposes: Few<Ident>,
    /// `via` and the names after it, when written. Boxed, as is `basis`:
    /// most flows name neither, and a flow statement, the tree's
    /// commonest node, is then 168 bytes rather than 216 (at a million
    /// flows, 48 MB less memory touched for the first time).
    pub via: Option<Box<Via>>,
    /// The `basis "..."` string.
    pub basis: Option<Box<Ident>>,
}

impl Pattern {
    /// Actors (flows) or roles (rules) after `via`, if any.
    pub fn via_names(&self) -> &[Ident] {
        self.via.as_deref().map_or(&[], |v| &v.names)
    }

    /// The `via` keyword, when present.
    pub fn via_kw(&self) -> Option<Span> {
        self.via.as_deref().map(|v| v.kw)
    }
}

/// `via C, ...`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Via {
    /// The keyword.
    pub kw: Span,
    /// Actors (flows) or roles (rules) after it.
    pub names: Few<Ident>,
}

/// `use "RULEBOOK"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UseStmt {
    /// The rulebook named.
    pub target: Ident,
    /// The whole statement.
    pub span: Span,
}

/// `actor NAME : ROLE ["label"] [{ clauses ... }]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActorDecl {
    /// Its name.
    pub name: Ident,
    /// Its role.
    pub role: Ident,
    /// Its label (a contractor's legal name).
    pub label: Option<Ident>,
    /// The clauses its contract has, if it has a block.
    pub clauses: Option<Vec<Ident>>,
    /// The `{ ... }` block, if any.
    pub block: Option<Span>,
    /// The whole statement.
    pub span: Span,
}

/// `data NAME : CATEGORY [mynumber] ["label"]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataDecl {
    /// Its name.
    pub name: Ident,
    /// Its category.
    pub category: Ident,
    /// The `mynumber` keyword, if written.
    pub mynumber: Option<Span>,
    /// Its label.
    pub label: Option<Ident>,
    /// The whole statement.
    pub span: Span,
}

/// `flow A -> B : DATA ...`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlowStmt {
    /// The pattern.
    pub pattern: Pattern,
    /// The whole statement.
    pub span: Span,
}

/// `rulebook NAME ["title"] [revised DATE]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RulebookDecl {
    /// Its name.
    pub name: Ident,
    /// Its title.
    pub title: Option<Ident>,
    /// Its revision date.
    pub revised: Option<Ident>,
    /// The whole statement.
    pub span: Span,
}

/// A role flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoleFlag {
    /// `self`: the society and its systems.
    SelfOrg,
    /// `carrier`: a pass-through channel.
    Carrier,
    /// `subject`: the data subject.
    Subject,
    /// `contractor`: actors of this role are matched against the register.
    Contractor,
}

/// `role NAME [self|carrier|subject|contractor] [in PARENT] ["label"]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleDecl {
    /// Its name.
    pub name: Ident,
    /// Its flag.
    pub flag: Option<(RoleFlag, Span)>,
    /// Its parent role: a rule naming the parent covers this role too.
    pub parent: Option<Ident>,
    /// Its label.
    pub label: Option<Ident>,
    /// The whole statement.
    pub span: Span,
}

/// `category NAME [mynumber] [in PARENT] ["label"]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CategoryDecl {
    /// Its name.
    pub name: Ident,
    /// The `mynumber` keyword, if written.
    pub mynumber: Option<Span>,
    /// Its parent.
    pub parent: Option<Ident>,
    /// Its label.
    pub label: Option<Ident>,
    /// The whole statement.
    pub span: Span,
}

/// `purpose NAME [in PARENT] ["label"]`, inside a section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PurposeDecl {
    /// Its name.
    pub name: Ident,
    /// Its parent purpose: a rule or register row naming the parent covers
    /// this purpose too.
    pub parent: Option<Ident>,
    /// Its label (the notice's wording).
    pub label: Option<Ident>,
    /// The whole statement.
    pub span: Span,
}

/// `allow ROLE -> ROLE : CATEGORY ...`, inside a section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AllowStmt {
    /// The pattern.
    pub pattern: Pattern,
    /// The whole statement.
    pub span: Span,
}

/// `section "ID" ["title"] [mynumber] [basis "..."] { ... }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SectionDecl {
    /// Its id, e.g. `7(1)`.
    pub id: Ident,
    /// Its title.
    pub title: Option<Ident>,
    /// The `mynumber` keyword, if written.
    pub mynumber: Option<Span>,
    /// Its legal basis.
    pub basis: Option<Ident>,
    /// Purposes declared in it.
    pub purposes: Vec<PurposeDecl>,
    /// Rules in it.
    pub allows: Vec<AllowStmt>,
    /// The whole statement.
    pub span: Span,
}

/// Who a register row names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Registrant {
    /// `contractor "LEGAL NAME"`: one company, by its legal name.
    Name(Ident),
    /// `contractor role ROLE`: every actor of a role (contractors the
    /// notice names by kind, not by name).
    Role(Ident),
}

impl Registrant {
    /// The name or role as written.
    pub fn ident(&self) -> &Ident {
        match self {
            Registrant::Name(i) | Registrant::Role(i) => i,
        }
    }
}

/// `contractor "LEGAL NAME" for PURPOSE, ...` or
/// `contractor role ROLE for PURPOSE, ...`: one row of the register.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContractorDecl {
    /// The legal name or role the row names.
    pub registrant: Registrant,
    /// The purposes it is registered for.
    pub purposes: Vec<Ident>,
    /// The whole statement.
    pub span: Span,
}

/// `clause NAME ["label"]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClauseDecl {
    /// Its name.
    pub name: Ident,
    /// Its label.
    pub label: Option<Ident>,
    /// The whole statement.
    pub span: Span,
}

/// A top-level statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stmt {
    /// `use`.
    Use(UseStmt),
    /// `actor`.
    Actor(ActorDecl),
    /// `data`.
    Data(DataDecl),
    /// `flow`.
    Flow(FlowStmt),
    /// `rulebook`.
    Rulebook(RulebookDecl),
    /// `role`.
    Role(RoleDecl),
    /// `category`.
    Category(CategoryDecl),
    /// `section`.
    Section(SectionDecl),
    /// `contractor`.
    Contractor(ContractorDecl),
    /// `clause`.
    Clause(ClauseDecl),
}

/// A parsed file: every statement that could be read, and the comments.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct File {
    /// Statements in source order (in the parts a large file was parsed in).
    pub stmts: super::stmts::Stmts,
    /// Comments in source order.
    pub comments: Vec<Comment>,
}

impl File {
    /// The `rulebook` header, if this file is a rulebook.
    pub fn rulebook_header(&self) -> Option<&RulebookDecl> {
        self.stmts.find_map(|s| match s {
            Stmt::Rulebook(r) => Some(r),
            _ => None,
        })
    }
}

impl Stmt {
    /// The whole statement.
    pub fn span(&self) -> Span {
        match self {
            Stmt::Use(s) => s.span,
            Stmt::Actor(s) => s.span,
            Stmt::Data(s) => s.span,
            Stmt::Flow(s) => s.span,
            Stmt::Rulebook(s) => s.span,
            Stmt::Role(s) => s.span,
            Stmt::Category(s) => s.span,
            Stmt::Section(s) => s.span,
            Stmt::Contractor(s) => s.span,
            Stmt::Clause(s) => s.span,
        }
    }
}
