//! A token slice as a nom input, so statements are parsed with nom
//! combinators over tokens rather than over characters.

use super::ast::{Ident, Name, Sym};
use super::token::{Token, TokenKind};
use nom::Needed;
use rustc_hash::FxHashMap;
use std::cell::RefCell;

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

/// One shared copy of each spelling a parse reads (see [`Name`]), with
/// the number it was given ([`Sym`]) in this table's space.
#[derive(Default)]
pub struct Names {
    table: RefCell<FxHashMap<Name, Sym>>,
    space: usize,
}

impl Names {
    /// A table whose numbers are in `space` (one per thread of a parse in
    /// parts, so two threads never give one number to two spellings; a
    /// space past [`Sym::SPACES`] numbers nothing).
    pub fn in_space(space: usize) -> Names {
        Names {
            table: RefCell::default(),
            space,
        }
    }

    /// The shared copy of `text`, made at its first use, and its number.
    pub fn get(&self, text: &str) -> (Name, Sym) {
        let mut table = self.table.borrow_mut();
        if let Some((name, sym)) = table.get_key_value(text) {
            return (name.clone(), *sym);
        }
        let name = Name::from(text);
        let sym = Sym::new(self.space, table.len());
        table.insert(name.clone(), sym);
        (name, sym)
    }
}

impl std::fmt::Debug for Names {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Names({})", self.table.borrow().len())
    }
}

impl<'a> Tokens<'a> {
    /// The name or string token `t` says, as the tree keeps it.
    pub fn ident(&self, t: &Token) -> Ident {
        let (text, sym) = self.names.get(t.text(self.src));
        Ident {
            text,
            span: t.span,
            sym,
        }
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_spelling_has_one_copy_and_one_number_in_its_space() {
        let names = Names::in_space(3);
        let (a, sa) = names.get("基幹システム");
        let (b, sb) = names.get("市町村");
        let (a2, sa2) = names.get("基幹システム");
        assert!(Name::ptr_eq(&a, &a2));
        assert_eq!(sa, sa2);
        assert_ne!(sa, sb);
        assert_eq!((sa.parts(), sb.parts()), (Some((3, 0)), Some((3, 1))));
        assert_eq!(&*b, "市町村");
        // Another space gives the same spelling another number.
        assert_ne!(Names::in_space(4).get("基幹システム").1, sa);
        // A space past the last numbers nothing.
        assert_eq!(Names::in_space(Sym::SPACES).get("x").1, Sym::NONE);
    }

    #[test]
    fn numbers_past_what_a_sym_holds_are_none() {
        assert_eq!(Sym::new(0, 0).parts(), Some((0, 0)));
        let last = Sym::SPACES - 1;
        assert_eq!(
            Sym::new(last, (1 << 28) - 1).parts(),
            Some((last, (1 << 28) - 1))
        );
        assert_eq!(Sym::new(last, 1 << 28), Sym::NONE);
        assert_eq!(Sym::new(Sym::SPACES, 0), Sym::NONE);
        assert_eq!(Sym::new(usize::MAX, 0), Sym::NONE);
        assert_eq!(Sym::NONE.parts(), None);
    }
}
