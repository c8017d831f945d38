//! mynaflow: a data-flow linter for Japan's My Number (特定個人情報) exchange
//! rules. See ARCHITECTURE.md for the stages.

// Input never makes the tool panic: no unwrap/expect outside tests.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]
// `unsafe` only where it is allowed by name, each with its reasons:
// `source::utf8_owned_on`, `resolve/slots.rs`, `config::at` (`openat`,
// `fstatat`) and `local_date::local_offset` (`localtime_r`).
#![deny(unsafe_code)]
pub mod apply_fixes;
pub mod atomic_write;
pub mod baseline;
pub mod candidates;
pub mod canonical;
pub mod checks;
pub mod code;
pub mod config;
pub mod coverage;
pub mod diagnostic;
pub mod diagram;
pub mod escape;
pub mod expect;
pub mod expect_update;
pub mod explain;
pub mod filters;
pub mod fingerprint;
pub mod fix;
pub mod fix_diff;
pub mod fmt;
pub mod graph;
pub(crate) mod grouped;
pub mod hidden_stops;
pub mod input;
pub mod inventory;
pub mod layout;
pub mod local_date;
pub mod lookalike;
pub mod lsp;
pub mod merged;
pub mod model;
pub mod names;
pub mod oserror;
pub mod ranges;
pub mod reach;
pub mod render;
pub mod report;
pub mod resolve;
pub mod rulebook_shelf;
pub mod rulecheck;
pub mod rulediff;
pub mod select;
pub mod session;
pub mod source;
pub mod span;
pub mod suppress;
pub mod syntax;
pub mod tally;
pub mod text;
pub mod timings;
pub mod withheld;
pub mod wording;

/// Rulebooks an attacker can write, for the unit tests (shared with the
/// benchmarks and the integration tests).
#[cfg(test)]
#[path = "../benches/generate/rulebooks.rs"]
pub(crate) mod test_rulebooks;
