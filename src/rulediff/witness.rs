//! The smallest flow that shows a newly allowed permission: a complete
//! design (a `use` line, the actors, the data item, one flow) that the new
//! rulebook accepts and the old one rejects, confirmed by checking it
//! against both.

use super::gate::Gate;
use super::{Grant, shown};
use crate::model::*;
use crate::names::key;
use crate::session::{RulebookSource, Session};
use serde::Serialize;
use std::collections::HashSet;

/// A witness design and what each rulebook says of it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Witness {
    /// The design, complete and ready to save as a `.myna` file.
    pub design: String,
    /// Its one flow statement.
    pub flow: String,
    /// Has it been checked against both rulebooks ([`confirm`])?
    pub checked: bool,
    /// Error codes the new rulebook reports on it (none: accepted).
    pub new_errors: Vec<String>,
    /// Error codes the old rulebook reports on it (some: rejected).
    pub old_errors: Vec<String>,
    /// Checked, accepted by the new rulebook and rejected by the old one.
    pub confirmed: bool,
}

/// Names for the witness's declarations, distinct by key: a role's name
/// for its actor, a category's for the data item, numbered on a clash.
#[derive(Default)]
struct Fresh(HashSet<String>);

impl Fresh {
    fn name(&mut self, base: &str) -> String {
        let mut n = base.to_string();
        let mut i = 2;
        while !self.0.insert(key(&n)) {
            n = format!("{base}{i}");
            i += 1;
        }
        n
    }
}

/// What a witness carries beyond its grant: the receiving actor's legal
/// name of the caller's choosing, an item marked 特定個人情報.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Extra {
    /// The receiver's legal name (else a registered one when its role's
    /// actors are contractors).
    pub label: Option<String>,
    /// Is the data item marked `mynumber` (a category the old rulebook
    /// does not count as 特定個人情報, allowed by a mynumber rule)?
    pub marked: bool,
}

impl Extra {
    /// A receiver with this legal name.
    pub fn labelled(label: String) -> Self {
        Extra {
            label: Some(label),
            ..Extra::default()
        }
    }
}

/// A string in the language's quotes.
fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// An actor line for a role, labelled with a registered legal name when
/// the role's actors are contractors (else MN301 would reject it).
fn actor_line(rb: &Rulebook, name: &str, role: &str, purpose: Option<PurposeId>) -> String {
    let mut line = format!("actor {} : {}", shown(name), shown(role));
    let contractor = rb
        .role_named(role)
        .is_some_and(|r| rb.role(r).kind == RoleKind::Contractor);
    if contractor && let Some(c) = purpose.and_then(|p| rb.contractors_for(p).next()) {
        line.push_str(&format!(" \"{}\"", c.legal_name.replace('"', "\\\"")));
    }
    line
}

/// The receiver's actor line, as `extra` says.
fn receiver_line(
    rb: &Rulebook,
    name: &str,
    role: &str,
    purpose: Option<PurposeId>,
    extra: &Extra,
) -> String {
    match &extra.label {
        Some(label) => format!("actor {} : {} {}", shown(name), shown(role), quoted(label)),
        None => actor_line(rb, name, role, purpose),
    }
}

/// Builds the witness of a newly allowed grant: its first category for its
/// first purpose, through exactly its channel. `categories` and `purposes`
/// are the grant's, in full (the grant may show fewer).
pub fn build(
    rb: &Rulebook,
    use_target: &str,
    grant: &Grant,
    categories: &[String],
    purposes: &[String],
) -> Witness {
    build_with(
        rb,
        use_target,
        grant,
        categories,
        purposes,
        Extra::default(),
    )
}

/// [`build`], the receiving actor as `extra` says.
pub fn build_with(
    rb: &Rulebook,
    use_target: &str,
    grant: &Grant,
    categories: &[String],
    purposes: &[String],
    extra: Extra,
) -> Witness {
    let (Some(category), Some(purpose)) = (
        grant.categories.first().or(categories.first()),
        purposes.first(),
    ) else {
        return Witness::default();
    };
    let pid = rb.purpose_named(purpose);
    let mut fresh = Fresh::default();
    let from = fresh.name(&grant.from);
    let to = fresh.name(&grant.to);
    let via: Vec<(String, &String)> = grant.via.iter().map(|v| (fresh.name(v), v)).collect();
    let item = fresh.name(category);

    let mut flow = format!(
        "flow {} -> {} : {} for {}",
        shown(&from),
        shown(&to),
        shown(&item),
        shown(purpose)
    );
    if !via.is_empty() {
        let names: Vec<String> = via.iter().map(|(n, _)| shown(n)).collect();
        flow.push_str(" via ");
        flow.push_str(&names.join(", "));
    }
    let mut design = format!("use \"{}\"\n\n", use_target.replace('"', "\\\""));
    design.push_str(&actor_line(rb, &from, &grant.from, pid));
    design.push('\n');
    design.push_str(&receiver_line(rb, &to, &grant.to, pid, &extra));
    design.push('\n');
    for (name, role) in &via {
        design.push_str(&actor_line(rb, name, role, pid));
        design.push('\n');
    }
    // An item marked 特定個人情報 is judged as such whatever its category.
    let marked = if extra.marked { " mynumber" } else { "" };
    design.push_str(&format!(
        "data {} : {}{marked}\n\n",
        shown(&item),
        shown(category)
    ));
    design.push_str(&flow);
    design.push('\n');
    Witness {
        design,
        flow,
        ..Witness::default()
    }
}

/// The error codes a rulebook reports on each design, sorted.
fn errors_of(rules: &RulebookSource, designs: &[&str]) -> Result<Vec<Vec<String>>, String> {
    let mut s = Session::forced(rules.clone());
    s.load_rulebook(rules)
        .map_err(|e| format!("cannot load the rulebook {}: {e}", rules.display()))?;
    let mut out = Vec::new();
    for d in designs {
        let c = s.check_text("witness.myna", (*d).to_string(), None);
        let mut codes: Vec<String> = s
            .diagnostics
            .iter()
            .filter(|x| x.primary.file == c.file && x.is_error())
            .map(|x| x.code.as_str().to_string())
            .collect();
        codes.sort();
        codes.dedup();
        out.push(codes);
    }
    Ok(out)
}

/// Checks every witness of the gate against both rulebooks (whatever its
/// `use` line says) and records the verdicts; of the candidates for each
/// other change, keeps the first confirmed one.
pub fn confirm(gate: &mut Gate, old: &RulebookSource, new: &RulebookSource) -> Result<(), String> {
    let designs: Vec<String> = (gate.pairs.iter())
        .flat_map(|p| p.witnesses.iter().map(|w| w.design.clone()))
        .chain((gate.others.iter()).flat_map(|e| e.candidates.iter().map(|w| w.design.clone())))
        .collect();
    if designs.is_empty() {
        return Ok(());
    }
    let refs: Vec<&str> = designs.iter().map(String::as_str).collect();
    let (before, after) = (errors_of(old, &refs)?, errors_of(new, &refs)?);
    let mut verdicts = before.into_iter().zip(after);
    let mut record = |w: &mut Witness| {
        if let Some((old_errors, new_errors)) = verdicts.next() {
            w.checked = !w.design.is_empty();
            w.confirmed = w.checked && new_errors.is_empty() && !old_errors.is_empty();
            w.old_errors = old_errors;
            w.new_errors = new_errors;
        }
    };
    for w in gate.pairs.iter_mut().flat_map(|p| p.witnesses.iter_mut()) {
        record(w);
    }
    for e in &mut gate.others {
        for w in &mut e.candidates {
            record(w);
        }
        e.witness = e.candidates.iter().find(|w| w.confirmed).cloned();
    }
    Ok(())
}
