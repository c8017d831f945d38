//! Rulebook checks (MN601–MN604): what is wrong with a rulebook itself,
//! whatever design uses it. `mynaflow rules check` runs them, and
//! `mynaflow check` runs them on the rulebook files designs `use` (never on
//! a built-in rulebook). One file per check.

mod citation;
mod redundant;
mod register;
mod unassigned;

pub use citation::{
    RENUMBERING, Renumbered, normalise, outdated_citation, section_citation, section_context, table,
};

use crate::diagnostic::Diagnostic;
use crate::model::Rulebook;

/// Every MN6xx finding on a rulebook, in rulebook order per check.
pub fn check(rb: &Rulebook) -> Vec<Diagnostic> {
    let mut out = citation::check(rb);
    out.extend(register::check(rb));
    out.extend(redundant::check(rb));
    out.extend(unassigned::check(rb));
    out
}
