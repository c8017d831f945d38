//! A loaded rulebook: roles, categories, sections, purposes, rules,
//! the contractor register and the required clauses.

use super::*;
use crate::names;
use crate::span::{FileId, Span};
use rustc_hash::FxHashMap;

/// What kind of party a role is. The engine knows these mechanisms, never
/// the rulebook's names for them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RoleKind {
    /// An ordinary party (another organisation).
    Party,
    /// `self`: the society and each of its systems.
    SelfOrg,
    /// `carrier`: a pass-through channel that holds nothing for its own use.
    Carrier,
    /// `subject`: the data subject.
    Subject,
    /// `contractor`: a contractor, matched against the register by legal name.
    Contractor,
}

impl RoleKind {
    /// The kind's name in JSON output (`party`, `self`, `carrier`,
    /// `subject`, `contractor`).
    pub fn as_str(self) -> &'static str {
        match self {
            RoleKind::Party => "party",
            RoleKind::SelfOrg => "self",
            RoleKind::Carrier => "carrier",
            RoleKind::Subject => "subject",
            RoleKind::Contractor => "contractor",
        }
    }
}

/// A role.
#[derive(Clone, Debug)]
pub struct Role {
    /// Its name.
    pub name: String,
    /// Its label.
    pub label: Option<String>,
    /// Its kind (its own flag, else its parent's).
    pub kind: RoleKind,
    /// Its parent (`role 他保険者 in 他機関`): a rule naming the parent
    /// covers this role.
    pub parent: Option<RoleId>,
    /// Its declaration.
    pub span: Span,
}

/// A data category.
#[derive(Clone, Debug)]
pub struct Category {
    /// Its name.
    pub name: String,
    /// Its label.
    pub label: Option<String>,
    /// Its parent.
    pub parent: Option<CategoryId>,
    /// Is it 特定個人情報 (itself or through an ancestor)?
    pub mynumber: bool,
    /// Its declaration.
    pub span: Span,
}

/// A section of the notice.
#[derive(Clone, Debug)]
pub struct Section {
    /// Its id, e.g. `7(1)`.
    pub id: String,
    /// Its title.
    pub title: Option<String>,
    /// Does it govern 特定個人情報?
    pub mynumber: bool,
    /// The legal basis it cites.
    pub basis: Option<String>,
    /// Where the basis is written.
    pub basis_span: Option<Span>,
    /// Its header.
    pub span: Span,
}

/// A purpose of use.
#[derive(Clone, Debug)]
pub struct Purpose {
    /// Its short name.
    pub name: String,
    /// The notice's wording.
    pub label: Option<String>,
    /// The section that declares it.
    pub section: SectionId,
    /// Its parent (`purpose 保健指導委託 in 健診等委託`): a rule or register
    /// row naming the parent covers this purpose.
    pub parent: Option<PurposeId>,
    /// Its declaration.
    pub span: Span,
}

/// An `allow` rule (a `<->` rule is two of these with the same span).
#[derive(Clone, Debug)]
pub struct Rule {
    /// The section it belongs to.
    pub section: SectionId,
    /// Sender role.
    pub from: RoleId,
    /// Receiver role.
    pub to: RoleId,
    /// Categories it covers (and everything below them).
    pub categories: Vec<CategoryId>,
    /// Purposes it allows; empty means any declared purpose.
    pub purposes: Vec<PurposeId>,
    /// Roles the exchange must pass through.
    pub via: Vec<RoleId>,
    /// The whole `allow` statement.
    pub span: Span,
}

/// One entry of the contractor register: a legal name (or a role) with
/// every row that names it added up, as the notice's rows do.
#[derive(Clone, Debug)]
pub struct Contractor {
    /// The legal name as first written; for a `contractor role` entry, the
    /// role's name.
    pub legal_name: String,
    /// For a `contractor role ROLE` entry: the role, whose every actor
    /// (sub-roles included) is registered.
    pub role: Option<RoleId>,
    /// What it is registered for: the purposes of all its rows, in order.
    pub purposes: Vec<PurposeId>,
    /// Its first row.
    pub span: Span,
    /// Each row that names it, in register order.
    pub rows: Vec<ContractorRow>,
}

/// One `contractor` statement: one row of the notice's register.
#[derive(Clone, Debug)]
pub struct ContractorRow {
    /// The purposes this row registers.
    pub purposes: Vec<PurposeId>,
    /// The statement.
    pub span: Span,
}

/// A contract clause the notice requires.
#[derive(Clone, Debug)]
pub struct Clause {
    /// Its name.
    pub name: String,
    /// Its label.
    pub label: Option<String>,
    /// Its declaration.
    pub span: Span,
}

/// Names of one kind, looked up by [`names::key`]. Declared spellings are
/// also kept as they are, so a use spelled like its declaration (the usual
/// case) costs one hash lookup and no normalisation. The spellings are
/// kept side by side in one string: a million lookups then compare against
/// a few contiguous pages, not against names scattered over the heap.
#[derive(Clone, Debug)]
pub struct NameTable<I> {
    map: FxHashMap<String, I>,
    /// (start, end) of a spelling in `spellings`, and its id.
    spelled: hashbrown::HashTable<(u32, u32, I)>,
    spellings: String,
}

impl<I> Default for NameTable<I> {
    fn default() -> Self {
        NameTable {
            map: FxHashMap::default(),
            spelled: hashbrown::HashTable::new(),
            spellings: String::new(),
        }
    }
}

/// The hash of a spelling in [`NameTable`].
fn spelling_hash(name: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(name)
}

impl<I: Copy> NameTable<I> {
    /// A table with room for `n` names, so that a design's tens of
    /// thousands of declarations are inserted without growing it again
    /// and again.
    pub fn with_capacity(n: usize) -> NameTable<I> {
        NameTable {
            map: FxHashMap::with_capacity_and_hasher(n, Default::default()),
            spelled: hashbrown::HashTable::with_capacity(n),
            spellings: String::new(),
        }
    }

    /// Adds a name; returns the id already there if the key is taken.
    pub fn insert(&mut self, name: &str, id: I) -> Result<(), I> {
        match self.map.entry(names::key(name)) {
            std::collections::hash_map::Entry::Occupied(e) => Err(*e.get()),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(id);
                // Spellings of distinct keys are distinct: no duplicate here.
                let start = self.spellings.len();
                self.spellings.push_str(name);
                let (Ok(start), Ok(end)) =
                    (u32::try_from(start), u32::try_from(self.spellings.len()))
                else {
                    // Past 4 GiB of names (never, with the input limit):
                    // such names are found by key only.
                    return Ok(());
                };
                let spellings = &self.spellings;
                self.spelled
                    .insert_unique(spelling_hash(name), (start, end, id), |&(s, e, _)| {
                        spelling_hash(&spellings[s as usize..e as usize])
                    });
                Ok(())
            }
        }
    }

    /// The id of a name, compared by key.
    pub fn get(&self, name: &str) -> Option<I> {
        self.lookup(name).map(|(id, _)| id)
    }

    /// The id of a name, compared by key, and whether it is spelled
    /// exactly as declared (then there is no MN014 to look for).
    pub fn lookup(&self, name: &str) -> Option<(I, bool)> {
        let spellings = self.spellings.as_str();
        let exact = self.spelled.find(spelling_hash(name), |&(s, e, _)| {
            spellings.get(s as usize..e as usize) == Some(name)
        });
        if let Some(&(_, _, id)) = exact {
            return Some((id, true));
        }
        self.map.get(&names::key(name)).map(|id| (*id, false))
    }
}

/// A loaded rulebook.
#[derive(Clone, Debug, Default)]
pub struct Rulebook {
    /// The file it was read from.
    pub file: FileId,
    /// Its name.
    pub name: String,
    /// Its title.
    pub title: Option<String>,
    /// Its revision date.
    pub revised: Option<String>,
    /// Roles.
    pub roles: Vec<Role>,
    /// Categories.
    pub categories: Vec<Category>,
    /// Sections.
    pub sections: Vec<Section>,
    /// Purposes.
    pub purposes: Vec<Purpose>,
    /// Rules.
    pub rules: Vec<Rule>,
    /// The contractor register.
    pub contractors: Vec<Contractor>,
    /// Required clauses.
    pub clauses: Vec<Clause>,
    pub(crate) role_names: NameTable<RoleId>,
    pub(crate) category_names: NameTable<CategoryId>,
    pub(crate) purpose_names: NameTable<PurposeId>,
    pub(crate) clause_names: NameTable<ClauseId>,
    pub(crate) contractor_names: NameTable<ContractorId>,
    /// `contractor role` entries, by role.
    pub(crate) role_contractors: FxHashMap<RoleId, ContractorId>,
    /// Per role: the nearest at or above it with a `contractor role` entry.
    pub(crate) role_contractor_nearest: Vec<Option<RoleId>>,
    /// Entries by each purpose a row names.
    pub(crate) register_by_purpose: FxHashMap<PurposeId, Vec<ContractorId>>,
    /// The register by where its purposes sit in the purpose tree.
    pub(crate) register: super::register::RegisterIndex,
    /// Rules of mynumber sections, by each category they name.
    pub(crate) mynumber_rules: FxHashMap<CategoryId, Vec<RuleId>>,
    /// Rules of ordinary sections, by each purpose they name (rules naming
    /// no purpose are under `None`).
    pub(crate) ordinary_rules: FxHashMap<Option<PurposeId>, Vec<RuleId>>,
    /// The trees of roles, categories and purposes as spans
    /// ([`super::tree::Nesting`]), made when the rules are indexed.
    pub(crate) role_nesting: super::tree::Nesting,
    pub(crate) category_nesting: super::tree::Nesting,
    pub(crate) purpose_nesting: super::tree::Nesting,
    /// For each category, the nearest at or above it that a `mynumber`
    /// rule names; for each purpose, the nearest that an ordinary rule
    /// names: the rules covering one are found without walking past
    /// the ancestors no rule names.
    pub(crate) mynumber_nearest: Vec<Option<CategoryId>>,
    pub(crate) ordinary_nearest: Vec<Option<PurposeId>>,
}

/// One of a rulebook's trees (`in PARENT`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tree {
    Roles,
    Categories,
    Purposes,
}

impl Rulebook {
    /// The parent of node `x` of `tree`.
    pub(crate) fn parent_in(&self, tree: Tree, x: usize) -> Option<usize> {
        match tree {
            Tree::Roles => self.roles.get(x)?.parent.map(|p| p.index()),
            Tree::Categories => self.categories.get(x)?.parent.map(|p| p.index()),
            Tree::Purposes => self.purposes.get(x)?.parent.map(|p| p.index()),
        }
    }

    /// The number of nodes of `tree`.
    fn size_of(&self, tree: Tree) -> usize {
        match tree {
            Tree::Roles => self.roles.len(),
            Tree::Categories => self.categories.len(),
            Tree::Purposes => self.purposes.len(),
        }
    }

    /// The spans of `tree`, when they were made for it (a tree without
    /// them is walked).
    pub(crate) fn nesting(&self, tree: Tree) -> Option<&super::tree::Nesting> {
        let nesting = match tree {
            Tree::Roles => &self.role_nesting,
            Tree::Categories => &self.category_nesting,
            Tree::Purposes => &self.purpose_nesting,
        };
        nesting.is_for(self.size_of(tree)).then_some(nesting)
    }

    /// Is node `above` of `tree` the node `x` or above it?
    fn over(&self, tree: Tree, above: usize, x: usize) -> bool {
        (self.nesting(tree).and_then(|n| n.covers(above, x))).unwrap_or_else(|| {
            std::iter::successors(Some(x), |&y| self.parent_in(tree, y)).any(|y| y == above)
        })
    }

    /// The nodes of `tree` at or below any of `tops`, in index order: a
    /// run of the tree's walk per top, or, without spans, a walk up from
    /// every node.
    pub(crate) fn below(&self, tree: Tree, tops: &[usize]) -> Vec<u32> {
        if let Some(nodes) = self
            .nesting(tree)
            .and_then(|n| n.below(tops.iter().copied()))
        {
            return nodes;
        }
        (0..self.size_of(tree))
            .filter(|&x| tops.iter().any(|&t| self.over(tree, t, x)))
            .map(|x| x as u32)
            .collect()
    }

    /// How many nodes of `tree` are at or below any of `tops`.
    pub(crate) fn count_below(&self, tree: Tree, tops: &[usize]) -> usize {
        (self.nesting(tree))
            .and_then(|n| n.count_below(tops.iter().copied()))
            .unwrap_or_else(|| self.below(tree, tops).len())
    }

    /// A role.
    pub fn role(&self, id: RoleId) -> &Role {
        &self.roles[id.index()]
    }
    /// A category.
    pub fn category(&self, id: CategoryId) -> &Category {
        &self.categories[id.index()]
    }
    /// A section.
    pub fn section(&self, id: SectionId) -> &Section {
        &self.sections[id.index()]
    }
    /// A purpose.
    pub fn purpose(&self, id: PurposeId) -> &Purpose {
        &self.purposes[id.index()]
    }
    /// A rule.
    pub fn rule(&self, id: RuleId) -> &Rule {
        &self.rules[id.index()]
    }
    /// A contractor.
    pub fn contractor(&self, id: ContractorId) -> &Contractor {
        &self.contractors[id.index()]
    }
    /// A clause.
    pub fn clause(&self, id: ClauseId) -> &Clause {
        &self.clauses[id.index()]
    }

    /// Looks a role up by name (NFKC, spaces removed).
    pub fn role_named(&self, name: &str) -> Option<RoleId> {
        self.role_names.get(name)
    }
    /// Looks a category up by name.
    pub fn category_named(&self, name: &str) -> Option<CategoryId> {
        self.category_names.get(name)
    }
    /// Looks a purpose up by name.
    pub fn purpose_named(&self, name: &str) -> Option<PurposeId> {
        self.purpose_names.get(name)
    }
    /// Looks a purpose up by name; true when spelled exactly as declared.
    pub fn purpose_lookup(&self, name: &str) -> Option<(PurposeId, bool)> {
        self.purpose_names.lookup(name)
    }
    /// Looks a clause up by name.
    pub fn clause_named(&self, name: &str) -> Option<ClauseId> {
        self.clause_names.get(name)
    }
    /// Looks a contractor up by legal name (NFKC, spaces removed).
    pub fn contractor_named(&self, legal_name: &str) -> Option<ContractorId> {
        self.contractor_names.get(legal_name)
    }

    /// The role and its ancestors, nearest first.
    pub fn role_ancestors(&self, id: RoleId) -> impl Iterator<Item = RoleId> + '_ {
        std::iter::successors(Some(id), move |r| self.role(*r).parent)
    }

    /// Does a rule naming `rule_role` cover an actor of role `actual` (the
    /// role itself or one of its sub-roles)?
    pub fn role_covers(&self, rule_role: RoleId, actual: RoleId) -> bool {
        self.over(Tree::Roles, rule_role.index(), actual.index())
    }

    /// The purpose and its ancestors, nearest first.
    pub fn purpose_ancestors(&self, id: PurposeId) -> impl Iterator<Item = PurposeId> + '_ {
        std::iter::successors(Some(id), move |p| self.purpose(*p).parent)
    }

    /// Does a rule or register row naming `rule_purpose` cover `actual`
    /// (the purpose itself or one of its sub-purposes)?
    pub fn purpose_covers(&self, rule_purpose: PurposeId, actual: PurposeId) -> bool {
        self.over(Tree::Purposes, rule_purpose.index(), actual.index())
    }

    /// Does the rule go from a role covering `from` to one covering `to`?
    pub fn rule_matches_roles(&self, id: RuleId, from: RoleId, to: RoleId) -> bool {
        let r = self.rule(id);
        self.role_covers(r.from, from) && self.role_covers(r.to, to)
    }

    /// Did the exchange go the rule's way: pass a role covering each `via`
    /// role of the rule, and no party the rule does not route through?
    pub fn rule_channel_passed(&self, id: RuleId, passed: &[RoleId]) -> bool {
        let r = self.rule(id);
        r.via
            .iter()
            .all(|v| passed.iter().any(|p| self.role_covers(*v, *p)))
            && passed.iter().all(|p| self.may_pass(r, *p))
    }

    /// The `via` roles of rule `id` that no role of `passed` covers.
    pub fn channel_missing(&self, id: RuleId, passed: &[RoleId]) -> Vec<RoleId> {
        (self.rule(id).via.iter())
            .filter(|v| !passed.iter().any(|p| self.role_covers(**v, *p)))
            .copied()
            .collect()
    }

    /// The roles of `passed` that an exchange under rule `id` may not pass
    /// through (each once, in order).
    pub fn channel_strays(&self, id: RuleId, passed: &[RoleId]) -> Vec<RoleId> {
        let r = self.rule(id);
        let mut strays: Vec<RoleId> = Vec::new();
        for &p in passed {
            if !self.may_pass(r, p) && !strays.contains(&p) {
                strays.push(p);
            }
        }
        strays
    }

    /// May an exchange under `r` pass an actor of role `p` on its way? A
    /// carrier holds nothing for its own use, and a role the rule routes
    /// through is the rule's channel. An actor of the rule's own sender or
    /// receiver role passes too when it is one of the two parties: a
    /// system of the society, the person (or their agent), or a
    /// contractor, whose registration for the purpose MN301 judges there.
    /// An ordinary party of that role does not: `他機関` or `他保険者`
    /// is many organisations, and 日本年金機構 between 市町村 and the
    /// society is a third party, not the sender. Any other party on the
    /// way receives the data itself: written as hops, the exchange would
    /// end there and be judged as an exchange with that party
    /// (LANGUAGE.md §2.1: both spellings give the same verdict).
    fn may_pass(&self, r: &Rule, p: RoleId) -> bool {
        let kind = self.role(p).kind;
        kind == RoleKind::Carrier
            || r.via.iter().any(|v| self.role_covers(*v, p))
            || (kind != RoleKind::Party
                && (self.role_covers(r.from, p) || self.role_covers(r.to, p)))
    }

    /// Is `legal_name`, an actor of `role`, registered for `purpose`? An
    /// entry counts when one of its rows names that purpose, one of its
    /// ancestors, or one of its descendants; `contractor role` entries
    /// register every actor of the role and its sub-roles.
    pub fn registered(&self, legal_name: &str, role: RoleId, purpose: PurposeId) -> bool {
        self.registered_as(self.contractor_named(legal_name), role, purpose)
    }

    /// [`Self::registered`] of an actor whose legal name is the register's
    /// entry `by_name` (None: no entry names it).
    pub fn registered_as(
        &self,
        by_name: Option<ContractorId>,
        role: RoleId,
        purpose: PurposeId,
    ) -> bool {
        // Only the roles with an entry, not every ancestor.
        let roles = super::tree::marked_ids_above(
            &self.role_contractor_nearest,
            self.roles.len(),
            role,
            |r| self.parent_in(Tree::Roles, r),
        )
        .unwrap_or_else(|| self.role_ancestors(role).collect());
        let by_role = (roles.into_iter()).filter_map(|r| self.role_contractors.get(&r).copied());
        by_name
            .into_iter()
            .chain(by_role)
            .any(|c| self.entry_registered(c, purpose))
    }

    /// The `contractor role` entries that register an actor of `role`:
    /// its own and its ancestors', nearest first.
    pub fn role_entries(&self, role: RoleId) -> impl Iterator<Item = ContractorId> + '_ {
        (self.role_ancestors(role)).filter_map(|r| self.role_contractors.get(&r).copied())
    }

    /// The row of a register entry that registers it for `purpose` (or a
    /// purpose above or below it), for a label; its first row otherwise.
    pub fn row_for(&self, c: &Contractor, purpose: PurposeId) -> Span {
        c.rows
            .iter()
            .find(|row| {
                row.purposes
                    .iter()
                    .any(|p| self.purpose_covers(*p, purpose) || self.purpose_covers(purpose, *p))
            })
            .map_or(c.span, |row| row.span)
    }

    /// Is a register entry registered for `purpose` (see [`Self::registered`])?
    pub fn entry_registered(&self, id: ContractorId, purpose: PurposeId) -> bool {
        match self.register_span(purpose) {
            Some(span) => self.register.registered(id, span),
            None => (self.contractors.get(id.index()).into_iter())
                .flat_map(|c| &c.purposes)
                .any(|p| self.purpose_covers(*p, purpose) || self.purpose_covers(purpose, *p)),
        }
    }

    /// Where `purpose` sits in the purpose tree, when the register is
    /// indexed over it.
    fn register_span(&self, purpose: PurposeId) -> Option<(u32, u32)> {
        let nesting = self.nesting(Tree::Purposes)?;
        (self
            .register
            .is_for(self.contractors.len(), self.purposes.len()))
        .then(|| nesting.span(purpose.index()))
        .flatten()
    }

    /// Does a row of the register name `purpose` or a purpose below it?
    pub fn registered_at_or_below(&self, purpose: PurposeId) -> bool {
        match self.register_span(purpose) {
            Some(span) => self.register.at_or_below(span).next().is_some(),
            None => (self.register_by_purpose.keys()).any(|p| self.purpose_covers(purpose, *p)),
        }
    }

    /// The category and its ancestors, nearest first.
    pub fn ancestors(&self, id: CategoryId) -> impl Iterator<Item = CategoryId> + '_ {
        std::iter::successors(Some(id), move |c| self.category(*c).parent)
    }

    /// Does a rule naming `rule_category` cover `category`?
    pub fn covers(&self, rule_category: CategoryId, category: CategoryId) -> bool {
        self.over(Tree::Categories, rule_category.index(), category.index())
    }

    /// Rules of mynumber sections that cover `category` (through it or an
    /// ancestor), in rulebook order.
    pub fn mynumber_rules_covering(&self, category: CategoryId) -> Vec<RuleId> {
        let named = super::tree::marked_ids_above(
            &self.mynumber_nearest,
            self.categories.len(),
            category,
            |c| self.parent_in(Tree::Categories, c),
        )
        .unwrap_or_else(|| self.ancestors(category).collect());
        let mut out: Vec<RuleId> = (named.iter())
            .flat_map(|c| self.mynumber_rules.get(c).into_iter().flatten().copied())
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// Rules of ordinary sections that allow `purpose` (through it, an
    /// ancestor, or naming no purpose), in rulebook order.
    pub fn ordinary_rules_for(&self, purpose: PurposeId) -> Vec<RuleId> {
        let named = super::tree::marked_ids_above(
            &self.ordinary_nearest,
            self.purposes.len(),
            purpose,
            |p| self.parent_in(Tree::Purposes, p),
        )
        .unwrap_or_else(|| self.purpose_ancestors(purpose).collect());
        let mut out: Vec<RuleId> = (named.into_iter().map(Some).chain([None]))
            .flat_map(|p| self.ordinary_rules.get(&p).into_iter().flatten().copied())
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// Is the section of this rule a mynumber section?
    pub fn rule_is_mynumber(&self, id: RuleId) -> bool {
        self.section(self.rule(id).section).mynumber
    }

    /// Does the rule decide no verdict: one of an ordinary section by which
    /// no role of the society's (`self`) sends? Ordinary rules judge only
    /// the society's provision (MN202/MN203); ordinary data it receives
    /// needs only a purpose (LANGUAGE.md §3.4), so such a rule (kenpo
    /// 8(2)) records what the notice says and is not checked.
    pub fn rule_decides_no_verdict(&self, id: RuleId) -> bool {
        let r = self.rule(id);
        !self.section(r.section).mynumber
            && !self
                .roles_of_kind(RoleKind::SelfOrg)
                .any(|s| self.role_covers(r.from, s))
    }

    /// Does the rule allow this purpose (naming it or an ancestor, or
    /// naming no purpose)?
    pub fn rule_allows_purpose(&self, id: RuleId, purpose: PurposeId) -> bool {
        let r = self.rule(id);
        // One comparison of spans per purpose the rule names, not a walk
        // up from `purpose` per purpose (a deep tree made each verdict
        // and each MN603 comparison cost its depth).
        r.purposes.is_empty() || r.purposes.iter().any(|p| self.purpose_covers(*p, purpose))
    }

    /// Register entries registered for a purpose (a row names it, an
    /// ancestor or a descendant), in register order.
    pub fn contractors_for(&self, purpose: PurposeId) -> impl Iterator<Item = &Contractor> {
        let mut ids: Vec<ContractorId> = match self.register_span(purpose) {
            Some(span) => {
                let above = (self.register.named_above(purpose)).flat_map(|a| {
                    self.register_by_purpose
                        .get(&a)
                        .into_iter()
                        .flatten()
                        .copied()
                });
                self.register.at_or_below(span).chain(above).collect()
            }
            None => (0..self.contractors.len() as u32)
                .map(ContractorId::new)
                .filter(|c| self.entry_registered(*c, purpose))
                .collect(),
        };
        ids.sort();
        ids.dedup();
        ids.into_iter().map(move |c| self.contractor(c))
    }

    /// The section and basis of a rule, for a diagnostic.
    pub fn rule_ref(&self, id: RuleId) -> (String, Option<String>) {
        let s = self.section(self.rule(id).section);
        (s.id.clone(), s.basis.clone())
    }

    /// Every role of a kind.
    pub fn roles_of_kind(&self, kind: RoleKind) -> impl Iterator<Item = RoleId> + '_ {
        self.roles
            .iter()
            .enumerate()
            .filter(move |(_, r)| r.kind == kind)
            .map(|(i, _)| RoleId::new(i as u32))
    }

    /// A rule as it is written: `allow 他機関 -> 組合 : 課税・非課税情報 for
    /// 被扶養者認定 via 情報提供ネットワークシステム` (a `<->` rule gives one
    /// line per direction).
    pub fn rule_text(&self, id: RuleId) -> String {
        let r = self.rule(id);
        let join = |names: Vec<&str>| names.join(", ");
        let mut s = format!(
            "allow {} -> {} : {}",
            self.role(r.from).name,
            self.role(r.to).name,
            join(
                r.categories
                    .iter()
                    .map(|c| self.category(*c).name.as_str())
                    .collect()
            )
        );
        if !r.purposes.is_empty() {
            s.push_str(" for ");
            s.push_str(&join(
                r.purposes
                    .iter()
                    .map(|p| self.purpose(*p).name.as_str())
                    .collect(),
            ));
        }
        if !r.via.is_empty() {
            s.push_str(" via ");
            s.push_str(&join(
                r.via.iter().map(|v| self.role(*v).name.as_str()).collect(),
            ));
        }
        s
    }

    /// Indexes the register by purpose, over the purpose tree's spans
    /// (made by [`Self::index_rules`], which comes first).
    pub(crate) fn index_register(&mut self) {
        self.register_by_purpose.clear();
        for (i, c) in self.contractors.iter().enumerate() {
            let id = ContractorId::new(i as u32);
            for &p in &c.purposes {
                let entries = self.register_by_purpose.entry(p).or_default();
                // Entries come in order: a repeat is the last one pushed.
                if entries.last() != Some(&id) {
                    entries.push(id);
                }
            }
        }
        let roles = &self.roles;
        let with_entry = &self.role_contractors;
        self.role_contractor_nearest = super::tree::down(
            roles.len(),
            |r| roles[r].parent.map(|p| p.index()),
            |r, above: Option<&Option<RoleId>>| {
                let id = RoleId::new(r as u32);
                match with_entry.contains_key(&id) {
                    true => Some(id),
                    false => above.copied().flatten(),
                }
            },
        );
        let parents = self.purposes.iter().map(|p| p.parent).collect();
        self.register =
            super::register::RegisterIndex::of(&self.contractors, &self.purpose_nesting, parents);
    }

    pub(crate) fn index_rules(&mut self) {
        self.mynumber_rules.clear();
        self.ordinary_rules.clear();
        for (i, r) in self.rules.iter().enumerate() {
            let id = RuleId::new(i as u32);
            if self.sections[r.section.index()].mynumber {
                for c in &r.categories {
                    self.mynumber_rules.entry(*c).or_default().push(id);
                }
            } else if r.purposes.is_empty() {
                self.ordinary_rules.entry(None).or_default().push(id);
            } else {
                for p in &r.purposes {
                    self.ordinary_rules.entry(Some(*p)).or_default().push(id);
                }
            }
        }
        self.index_trees();
    }

    /// The trees as spans, and the nearest named ancestors
    /// ([`Rulebook::role_nesting`], [`Rulebook::mynumber_nearest`]).
    fn index_trees(&mut self) {
        use super::tree::{Nesting, down};
        let roles = &self.roles;
        self.role_nesting = Nesting::of(roles.len(), |i| roles[i].parent.map(|p| p.index()));
        let categories = &self.categories;
        let category_parent = |i: usize| categories[i].parent.map(|p| p.index());
        self.category_nesting = Nesting::of(categories.len(), category_parent);
        let purposes = &self.purposes;
        let purpose_parent = |i: usize| purposes[i].parent.map(|p| p.index());
        self.purpose_nesting = Nesting::of(purposes.len(), purpose_parent);
        let mynumber = &self.mynumber_rules;
        self.mynumber_nearest = down(categories.len(), category_parent, |i, above| {
            let id = CategoryId::new(i as u32);
            match mynumber.contains_key(&id) {
                true => Some(id),
                false => above.copied().flatten(),
            }
        });
        let ordinary = &self.ordinary_rules;
        self.ordinary_nearest = down(purposes.len(), purpose_parent, |i, above| {
            let id = PurposeId::new(i as u32);
            match ordinary.contains_key(&Some(id)) {
                true => Some(id),
                false => above.copied().flatten(),
            }
        });
    }
}
