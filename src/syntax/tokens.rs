//! A token slice as a nom input, so statements are parsed with nom
//! combinators over tokens rather than over characters.

use super::ast::Name;
use super::token::{Token, TokenKind};
use nom::Needed;
use rustc_hash::FxHashSet;
use std::cell::RefCell;
use std::sync::Arc;

/// A window on the token vector; `pos` is the index of its first token in
/// the whole vector, so errors can say where they happened.
#[derive(Clone, Copy, Debug)]
pub struct Tokens<'a> {
    /// The tokens left.
    pub toks: &'a [Token],
    /// Index of `toks[0]` in the file's token vector.
    pub pos: usize,
    /// The source text the tokens were read from.
    pub src: &'a str,
    /// The names read so far, one copy of each spelling.
    pub names: &'a Names,
}

/// One shared copy of each spelling a parse reads (see [`Name`]).
#[derive(Default)]
pub struct Names(RefCell<FxHashSet<Name>>);

impl Names {
    /// The shared copy of `text`, made at its first use.
    pub fn get(&self, text: &str) -> Name {
        let mut table = self.0.borrow_mut();
        match table.get(text) {
            Some(name) => name.clone(),
            None => {
                let name: Name = Arc::from(text);
                table.insert(name.clone());
                name
            }
        }
    }
}

impl std::fmt::Debug for Names {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Names({})", self.0.borrow().len())
    }
}

impl<'a> Tokens<'a> {
    /// The next token (the final `Eof` is never consumed).
    pub fn peek(&self) -> Option<&'a Token> {
        self.toks.first()
    }

    /// The kind of the next token.
    pub fn peek_kind(&self) -> TokenKind {
        self.toks.first().map_or(TokenKind::Eof, |t| t.kind)
    }
}

impl<'a> nom::Input for Tokens<'a> {
    type Item = &'a Token;
    type Iter = std::slice::Iter<'a, Token>;
    type IterIndices = std::iter::Enumerate<std::slice::Iter<'a, Token>>;

    fn input_len(&self) -> usize {
        self.toks.len()
    }

    fn take(&self, index: usize) -> Self {
        Tokens {
            toks: &self.toks[..index],
            pos: self.pos,
            src: self.src,
            names: self.names,
        }
    }

    fn take_from(&self, index: usize) -> Self {
        Tokens {
            toks: &self.toks[index..],
            pos: self.pos + index,
            src: self.src,
            names: self.names,
        }
    }

    fn take_split(&self, index: usize) -> (Self, Self) {
        (self.take_from(index), self.take(index))
    }

    fn position<P>(&self, predicate: P) -> Option<usize>
    where
        P: Fn(Self::Item) -> bool,
    {
        self.toks.iter().position(predicate)
    }

    fn iter_elements(&self) -> Self::Iter {
        self.toks.iter()
    }

    fn iter_indices(&self) -> Self::IterIndices {
        self.toks.iter().enumerate()
    }

    fn slice_index(&self, count: usize) -> Result<usize, Needed> {
        if self.toks.len() >= count {
            Ok(count)
        } else {
            Err(Needed::new(count - self.toks.len()))
        }
    }
}
