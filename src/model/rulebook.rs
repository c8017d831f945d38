//! A loaded rulebook: roles, categories, sections, purposes, rules,
//! the contractor register and the required clauses.

use super::*;
use crate::names;
use crate::span::{FileId, Span};
use std::collections::HashMap;

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

/// A role.
#[derive(Clone, Debug)]
pub struct Role {
    /// Its name.
    pub name: String,
    /// Its label.
    pub label: Option<String>,
    /// Its kind.
    pub kind: RoleKind,
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

/// One row of the contractor register.
#[derive(Clone, Debug)]
pub struct Contractor {
    /// The legal name as written.
    pub legal_name: String,
    /// What it is registered for.
    pub purposes: Vec<PurposeId>,
    /// Its declaration.
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
/// case) costs one hash lookup and no normalisation.
#[derive(Clone, Debug)]
pub struct NameTable<I> {
    map: HashMap<String, I>,
    spelled: HashMap<String, I>,
}

impl<I> Default for NameTable<I> {
    fn default() -> Self {
        NameTable {
            map: HashMap::new(),
            spelled: HashMap::new(),
        }
    }
}

impl<I: Copy> NameTable<I> {
    /// Adds a name; returns the id already there if the key is taken.
    pub fn insert(&mut self, name: &str, id: I) -> Result<(), I> {
        match self.map.entry(names::key(name)) {
            std::collections::hash_map::Entry::Occupied(e) => Err(*e.get()),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(id);
                self.spelled.insert(name.to_string(), id);
                Ok(())
            }
        }
    }

    /// The id of a name, compared by key.
    pub fn get(&self, name: &str) -> Option<I> {
        if let Some(id) = self.spelled.get(name) {
            return Some(*id);
        }
        self.map.get(&names::key(name)).copied()
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
    /// Rules of mynumber sections, by each category they name.
    pub(crate) mynumber_rules: HashMap<CategoryId, Vec<RuleId>>,
    /// Rules of ordinary sections, by each purpose they name (rules naming
    /// no purpose are under `None`).
    pub(crate) ordinary_rules: HashMap<Option<PurposeId>, Vec<RuleId>>,
}

impl Rulebook {
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
    /// Looks a clause up by name.
    pub fn clause_named(&self, name: &str) -> Option<ClauseId> {
        self.clause_names.get(name)
    }
    /// Looks a contractor up by legal name (NFKC, spaces removed).
    pub fn contractor_named(&self, legal_name: &str) -> Option<ContractorId> {
        self.contractor_names.get(legal_name)
    }

    /// The category and its ancestors, nearest first.
    pub fn ancestors(&self, id: CategoryId) -> impl Iterator<Item = CategoryId> + '_ {
        std::iter::successors(Some(id), move |c| self.category(*c).parent)
    }

    /// Does a rule naming `rule_category` cover `category`?
    pub fn covers(&self, rule_category: CategoryId, category: CategoryId) -> bool {
        self.ancestors(category).any(|c| c == rule_category)
    }

    /// Rules of mynumber sections that cover `category` (through it or an
    /// ancestor), in rulebook order.
    pub fn mynumber_rules_covering(&self, category: CategoryId) -> Vec<RuleId> {
        let mut out: Vec<RuleId> = self
            .ancestors(category)
            .flat_map(|c| self.mynumber_rules.get(&c).into_iter().flatten().copied())
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// Rules of ordinary sections that allow `purpose` (or any purpose),
    /// in rulebook order.
    pub fn ordinary_rules_for(&self, purpose: PurposeId) -> Vec<RuleId> {
        let mut out: Vec<RuleId> = [Some(purpose), None]
            .iter()
            .flat_map(|p| self.ordinary_rules.get(p).into_iter().flatten().copied())
            .collect();
        out.sort();
        out
    }

    /// Does a rule naming role `rule_role` cover an actor of role `role`?
    pub fn role_covers(&self, rule_role: RoleId, role: RoleId) -> bool {
        rule_role == role
    }

    /// Is the section of this rule a mynumber section?
    pub fn rule_is_mynumber(&self, id: RuleId) -> bool {
        self.section(self.rule(id).section).mynumber
    }

    /// Does the rule allow this purpose?
    pub fn rule_allows_purpose(&self, id: RuleId, purpose: PurposeId) -> bool {
        let r = self.rule(id);
        r.purposes.is_empty() || r.purposes.contains(&purpose)
    }

    /// Contractors registered for a purpose, in register order.
    pub fn contractors_for(&self, purpose: PurposeId) -> impl Iterator<Item = &Contractor> {
        self.contractors
            .iter()
            .filter(move |c| c.purposes.contains(&purpose))
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
            .map(|(i, _)| RoleId(i as u32))
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

    pub(crate) fn index_rules(&mut self) {
        self.mynumber_rules.clear();
        self.ordinary_rules.clear();
        for (i, r) in self.rules.iter().enumerate() {
            let id = RuleId(i as u32);
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
    }
}
