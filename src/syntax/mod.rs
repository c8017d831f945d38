//! Syntax: source text to tokens to a tree of statements with spans.
//! Parsing never fails: it returns what it could build and its findings.

pub mod ast;
pub mod lexer;
pub mod parser;
mod quotes;
pub mod spelling;
pub mod split;
pub mod stmts;
pub mod token;
pub mod tokens;

pub use parser::{Parsed, parse};
