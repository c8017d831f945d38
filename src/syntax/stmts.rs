//! A file's statements, kept in the parts they were parsed in.
//!
//! A large file is parsed in parts on every core
//! ([`super::split`]); joining the parts' statements into one vector
//! would copy the biggest thing in memory into fresh pages while the
//! parts still hold it, doubling the tree for a moment. The resolver
//! instead takes the parts one by one and frees each once resolved.

use super::ast::Stmt;
use rayon::prelude::*;

/// Statements in source order, in one or more parts. Two lists are equal
/// when they hold the same statements, however they are cut.
#[derive(Clone, Default)]
pub struct Stmts {
    parts: Vec<Vec<Stmt>>,
    spellings: Option<Vec<usize>>,
}

impl Stmts {
    /// The statements of parts read in order.
    pub fn from_parts(parts: Vec<Vec<Stmt>>) -> Stmts {
        Stmts {
            parts: parts.into_iter().filter(|p| !p.is_empty()).collect(),
            spellings: None,
        }
    }

    /// These statements, saying that one parse numbered every name in
    /// them ([`super::ast::Sym`]), `spellings[s]` spellings in space `s`,
    /// so that two names with one number are one spelling (only that
    /// parse knows it; statements gathered any other way may hold two
    /// parses' names).
    pub(super) fn numbered_by_one_parse(self, spellings: Vec<usize>) -> Stmts {
        Stmts {
            spellings: Some(spellings),
            ..self
        }
    }

    /// When one parse numbered every name here, how many spellings it
    /// numbered in each space: a consumer may then remember what a name
    /// means by its number alone, without its text.
    pub fn numbered(&self) -> Option<&[usize]> {
        self.spellings.as_deref()
    }

    /// Every statement, in source order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Stmt> + '_ {
        self.parts.iter().flatten()
    }

    /// `f` of every statement that gives `Some`, in source order: the parts
    /// are searched on every core when there are several (a million
    /// statements are a quarter of a gigabyte to read, and the few
    /// statements of a kind are looked for three times before resolving).
    pub fn filter_map<'a, T: Send>(
        &'a self,
        f: impl Fn(&'a Stmt) -> Option<T> + Sync + Send,
    ) -> Vec<T> {
        if self.parts.len() < 2 {
            return self.iter().filter_map(f).collect();
        }
        self.parts
            .par_iter()
            .with_max_len(1)
            .flat_map_iter(|p| p.iter().filter_map(&f))
            .collect()
    }

    /// The first statement for which `f` gives `Some`, and that answer.
    pub fn find_map<'a, T: Send>(
        &'a self,
        f: impl Fn(&'a Stmt) -> Option<T> + Sync + Send,
    ) -> Option<T> {
        if self.parts.len() < 2 {
            return self.iter().find_map(f);
        }
        self.parts
            .par_iter()
            .with_max_len(1)
            .find_map_first(|p| p.iter().find_map(&f))
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

    /// Searched part by part on every core, statements come back in
    /// source order, and the first match is the first in the text.
    #[test]
    fn searches_over_parts_answer_in_source_order() {
        let mut src = String::new();
        for i in 0..200 {
            src.push_str(&format!("actor A{i} : R\n"));
            if i % 7 == 3 {
                src.push_str(&format!("use \"r{i}\"\n"));
            }
        }
        let all = stmts(&src);
        let chunks: Vec<Vec<Stmt>> = all.chunks(9).map(<[Stmt]>::to_vec).collect();
        let cut = Stmts::from_parts(chunks);
        assert!(cut.parts().len() > 20);
        let used = |s: &Stmt| match s {
            Stmt::Use(u) => Some(u.target.text.to_string()),
            _ => None,
        };
        let expected: Vec<String> = (0..200)
            .filter(|i| i % 7 == 3)
            .map(|i| format!("r{i}"))
            .collect();
        assert_eq!(cut.filter_map(used), expected);
        assert_eq!(Stmts::from(all.clone()).filter_map(used), expected);
        assert_eq!(cut.find_map(used).as_deref(), Some("r3"));
        assert_eq!(
            cut.find_map(|s| used(s).filter(|t| t.ends_with('5')))
                .as_deref(),
            Some("r45")
        );
        assert_eq!(cut.find_map(|_| None::<()>), None);
    }
}
