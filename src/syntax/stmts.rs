//! A file's statements, kept in the parts they were parsed in.
//!
//! A large file is parsed in parts on every core
//! ([`super::split`]); joining the parts' statements into one vector
//! would copy the biggest thing in memory into fresh pages while the
//! parts still hold it, doubling the tree for a moment. The resolver
//! instead takes the parts one by one and frees each once resolved.

use super::ast::Stmt;

/// Statements in source order, in one or more parts. Two lists are equal
/// when they hold the same statements, however they are cut.
#[derive(Clone, Default)]
pub struct Stmts {
    parts: Vec<Vec<Stmt>>,
}

impl Stmts {
    /// The statements of parts read in order.
    pub fn from_parts(parts: Vec<Vec<Stmt>>) -> Stmts {
        Stmts {
            parts: parts.into_iter().filter(|p| !p.is_empty()).collect(),
        }
    }

    /// Every statement, in source order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Stmt> + '_ {
        self.parts.iter().flatten()
    }

    /// How many statements there are.
    pub fn len(&self) -> usize {
        self.parts.iter().map(Vec::len).sum()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// The `i`th statement (walks the parts: for tests and small files).
    pub fn get(&self, i: usize) -> Option<&Stmt> {
        let mut i = i;
        for p in &self.parts {
            match p.get(i) {
                Some(s) => return Some(s),
                None => i -= p.len(),
            }
        }
        None
    }

    /// The parts, each in source order, for a consumer that frees each
    /// part when done with it.
    pub fn into_parts(self) -> Vec<Vec<Stmt>> {
        self.parts
    }

    /// The parts, borrowed.
    pub fn parts(&self) -> &[Vec<Stmt>] {
        &self.parts
    }
}

impl From<Vec<Stmt>> for Stmts {
    fn from(stmts: Vec<Stmt>) -> Stmts {
        Stmts::from_parts(vec![stmts])
    }
}

impl<'a> IntoIterator for &'a Stmts {
    type Item = &'a Stmt;
    type IntoIter = std::iter::Flatten<std::slice::Iter<'a, Vec<Stmt>>>;
    fn into_iter(self) -> Self::IntoIter {
        self.parts.iter().flatten()
    }
}

impl std::ops::Index<usize> for Stmts {
    type Output = Stmt;
    fn index(&self, i: usize) -> &Stmt {
        match self.get(i) {
            Some(s) => s,
            None => panic!("statement {i} of {}", self.len()),
        }
    }
}

impl PartialEq for Stmts {
    fn eq(&self, other: &Stmts) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Eq for Stmts {}

impl std::fmt::Debug for Stmts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::FileId;
    use crate::syntax::parse;

    fn stmts(src: &str) -> Vec<Stmt> {
        parse(FileId(0), src).file.stmts.into_parts().concat()
    }

    #[test]
    fn parts_compare_and_index_as_one_list() {
        let all = stmts("actor A : R\nactor B : R\nflow A -> B : x\n");
        let one = Stmts::from(all.clone());
        let cut = Stmts::from_parts(vec![all[..1].to_vec(), Vec::new(), all[1..].to_vec()]);
        assert_eq!(one, cut);
        assert_eq!(cut.len(), 3);
        assert_eq!(cut.parts().len(), 2, "empty parts are dropped");
        assert_eq!(cut.get(2), Some(&all[2]));
        assert_eq!(cut[1], all[1]);
        assert_eq!(cut.get(3), None);
        assert_ne!(cut, Stmts::from(all[..2].to_vec()));
        assert!(Stmts::default().is_empty());
        assert!(Stmts::from(Vec::new()).is_empty());
    }
}
