//! A token slice as a nom input, so statements are parsed with nom
//! combinators over tokens rather than over characters.

use super::ast::{Ident, Name, Sym};
use super::token::{Token, TokenKind};
use hashbrown::HashTable;
use nom::Needed;
use std::cell::RefCell;
use std::hash::BuildHasher;

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
    table: RefCell<HashTable<Entry>>,
    /// One shared copy of each string's text, apart from the names: a
    /// design's labels are nearly all distinct, each read once, and in
    /// the names' table they made it half as large again as the names
    /// the flows look up in it (out of the cache at a million flows).
    strings: RefCell<HashTable<Name>>,
    /// The names of the tokens being parsed, read ahead by
    /// [`Names::read_ahead`]; each is taken once.
    ahead: RefCell<Ahead>,
    /// Where a keyword typed in full-width (`ｖｉａ`) was read as the
    /// keyword ([`Names::note_typed_in_full_width`]), by token position.
    typed_in_full_width: RefCell<Vec<usize>>,
    space: usize,
    copies: Copies,
}

/// Which copy of each spelling a parse's names are. Every copy lasts as
/// long as the process ([`Name`]); the two differ in how many are made.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Copies {
    /// The process's one copy of each spelling, shared by every parse
    /// ([`super::spelling::shared`]): for a program that parses again and
    /// again (the language server reads its documents at every change),
    /// which keeps each distinct spelling it ever read once.
    #[default]
    Shared,
    /// A copy of each spelling for this parse's own, made without a lock
    /// ([`super::spelling::lasting`]): for a run that ends with the
    /// process. What is kept is one copy of each distinct spelling a
    /// thread read, never more than the text read.
    Lasting,
}

/// A spelling in [`Names`]' table: its copy, its number, its length and
/// its first bytes (48 bytes in all), so that a name found again is told
/// from the others without reading its copy: with a name that is copied
/// without reading it ([`Name`]), a name met again costs the entry's
/// cache miss alone, not the copy's too (at a million flows, each
/// distinct name of each part a thread reads; `lex+parse` of 1M
/// `suppressions` 395 → 347 ms).
#[derive(Clone, Copy)]
struct Entry {
    name: Name,
    sym: Sym,
    len: u8,
    head: [u8; HEAD],
}

/// Bytes of a spelling kept in its [`Entry`]: a name of up to eleven
/// kanji and two digits, or 35 ASCII characters, is compared there.
const HEAD: usize = 35;

impl Entry {
    fn new(name: Name, sym: Sym) -> Entry {
        let text = name.as_bytes();
        let mut head = [0; HEAD];
        let n = text.len().min(HEAD);
        head[..n].copy_from_slice(&text[..n]);
        Entry {
            name,
            sym,
            len: length_byte(text.len()),
            head,
        }
    }

    /// Is this the spelling of `text`? Read from the entry alone unless
    /// the spelling is longer than its first bytes, whose rest is then
    /// compared with the copy.
    fn spells(&self, text: &str) -> bool {
        let t = text.as_bytes();
        let n = t.len().min(HEAD);
        self.len == length_byte(t.len())
            && t[..n] == self.head[..n]
            && (t.len() <= HEAD || t.get(HEAD..) == self.name.as_bytes().get(HEAD..))
    }
}

/// A spelling's length as its [`Entry`] keeps it: exact below 255 bytes.
fn length_byte(len: usize) -> u8 {
    u8::try_from(len).unwrap_or(u8::MAX)
}

/// A spelling's hash in [`Names`]' table.
fn hash_of(text: &str) -> u64 {
    rustc_hash::FxBuildHasher.hash_one(text)
}

impl Names {
    /// A table whose numbers are in `space` (one per thread of a parse in
    /// parts, so two threads never give one number to two spellings; a
    /// space past [`Sym::SPACES`] numbers nothing).
    pub fn in_space(space: usize) -> Names {
        Names {
            space,
            ..Names::default()
        }
    }

    /// This table, making its copies as `copies` says.
    pub fn with_copies(self, copies: Copies) -> Names {
        Names { copies, ..self }
    }

    /// Notes that the token at `pos`, a keyword typed in full-width, was
    /// read as the keyword: its MN001 is reported once its statement is
    /// read ([`Names::take_typed_in_full_width`]).
    pub fn note_typed_in_full_width(&self, pos: usize) {
        self.typed_in_full_width.borrow_mut().push(pos);
    }

    /// The positions noted since the last call that are in `range` (each
    /// once, in order); the others were read by a parse that did not
    /// stand, and are dropped.
    pub fn take_typed_in_full_width(&self, range: std::ops::Range<usize>) -> Vec<usize> {
        let mut noted = std::mem::take(&mut *self.typed_in_full_width.borrow_mut());
        noted.retain(|p| range.contains(p));
        noted.sort_unstable();
        noted.dedup();
        noted
    }

    /// How many spellings this table has numbered.
    pub fn numbered(&self) -> usize {
        self.table.borrow().len()
    }

    /// The shared copy of `text`, made at its first use, and its number.
    pub fn get(&self, text: &str) -> (Name, Sym) {
        self.get_hashed(text, hash_of(text))
    }

    /// The shared copy of string `text`, made at its first use. Strings
    /// are never looked up by number: they have none ([`Sym::NONE`]).
    pub fn string(&self, text: &str) -> Name {
        let hash = hash_of(text);
        let mut strings = self.strings.borrow_mut();
        if let Some(name) = strings.find(hash, |n| n.as_str() == text) {
            return *name;
        }
        let name = self.copy(text);
        strings.insert_unique(hash, name, |n| hash_of(n));
        name
    }

    /// A new copy of `text`, made to live as [`Names::with_copies`] said.
    fn copy(&self, text: &str) -> Name {
        match self.copies {
            Copies::Shared => super::spelling::shared(text),
            Copies::Lasting => super::spelling::lasting(text),
        }
    }

    // Inlined into the sweep of `read_ahead`, its one hot caller, as
    // `Tokens::ident` is into the parser: a frame for each of ten million
    // names (`check` of 1M `mixed` 1.4 % fewer instructions, the two).
    #[inline(always)]
    fn get_hashed(&self, text: &str, hash: u64) -> (Name, Sym) {
        let mut table = self.table.borrow_mut();
        if let Some(e) = table.find(hash, |e| e.spells(text)) {
            return (e.name, e.sym);
        }
        let name = self.copy(text);
        let sym = Sym::new(self.space, table.len());
        table.insert_unique(hash, Entry::new(name, sym), |e| hash_of(e.name.as_str()));
        (name, sym)
    }

    /// Reads the names `listed` (the lexer's list of `toks`' name tokens,
    /// [`ListedName`]) now, in the order of the table's buckets rather
    /// than the text's: a design names tens of thousands of things at
    /// random, and looked up in text order each name cost two cache misses
    /// (the bucket, then the shared copy); swept in bucket order, the
    /// buckets and the copies (made in the same order) are read nearly in
    /// address order. What the sweep reads by name is kept small (a
    /// part's names and its text) so that it stays in the cache. A name
    /// not listed is read when the parser comes to it ([`Names::get`]).
    pub fn read_ahead(&self, src: &str, toks: &[Token], listed: &[ListedName]) {
        let mut ahead = self.ahead.borrow_mut();
        let Ahead {
            at,
            names,
            next,
            sorted,
            counts,
        } = &mut *ahead;
        at.clear();
        names.clear();
        *next = 0;
        // The lexer listed and hashed each name as it read it (its bytes
        // still at hand): walking a part's tokens again to find them was
        // a sixteenth of `check`'s instructions.
        at.extend(listed.iter().map(|l| l.token));
        let buckets = (self.table.borrow().capacity() * 8 / 7).next_power_of_two() as u64;
        by_region(
            listed,
            |l| l.hash,
            sorted,
            counts,
            buckets,
            |k, l| Pending {
                hash: l.hash,
                k,
                written: l.written,
            },
        );
        names.resize(at.len(), None);
        for p in sorted.iter() {
            let k = p.k as usize;
            // The text where it is written, without reading the token: in
            // the sweep's order the tokens are read at random, and a
            // part's tokens do not fit in the cache.
            let text = match p.written.in_source(src) {
                Some(text) => Some(text),
                None => at
                    .get(k)
                    .and_then(|&i| toks.get(i as usize))
                    .map(|t| t.text(src)),
            };
            if let (Some(text), Some(slot)) = (text, names.get_mut(k)) {
                *slot = Some(self.get_hashed(text, p.hash));
            }
        }
    }

    /// The name read ahead for token `index`, once; [`Names::get`] reads
    /// it when it was not (or was taken already).
    fn take_ahead(&self, index: usize) -> Option<(Name, Sym)> {
        let mut ahead = self.ahead.borrow_mut();
        let Ahead {
            at, names, next, ..
        } = &mut *ahead;
        // The parser reads names in order: the next one is nearly always
        // the one asked for.
        let k = match at.get(*next) {
            Some(&i) if i as usize == index => *next,
            _ => at.binary_search(&u32::try_from(index).ok()?).ok()?,
        };
        *next = k + 1;
        names.get_mut(k).and_then(Option::take)
    }

    /// Forgets what was read ahead.
    pub fn done_ahead(&self) {
        let mut ahead = self.ahead.borrow_mut();
        ahead.at.clear();
        ahead.names.clear();
    }
}

/// The names [`Names::read_ahead`] read for a part's tokens.
#[derive(Default)]
struct Ahead {
    /// The index of each name or string token, in order.
    at: Vec<u32>,
    /// Its name, until the parser takes it.
    names: Vec<Option<(Name, Sym)>>,
    /// Where the parser's next name is likely to be in `at`.
    next: usize,
    /// The names listed, by region of the table ([`by_region`]; kept from
    /// part to part, like the others: a part's lists are large enough
    /// that fresh ones cost the kernel new pages).
    sorted: Vec<Pending>,
    /// How many names fall in each region.
    counts: Vec<u32>,
}

/// A name token as the lexer read it, listed for [`Names::read_ahead`]:
/// its place among the tokens, the hash of its text, where that is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ListedName {
    hash: u64,
    token: u32,
    written: Written,
}

impl ListedName {
    /// Name token number `token` of its list, whose value is `text`,
    /// written at `written` in the source (None: the token keeps its
    /// value). None past the places a list may number.
    pub fn new(token: usize, text: &str, written: Option<std::ops::Range<usize>>) -> Option<Self> {
        let written = match written.map(|r| (u32::try_from(r.start), u32::try_from(r.len()))) {
            Some((Ok(start), Ok(len))) if start != u32::MAX => Written { start, len },
            _ => Written::KEPT,
        };
        Some(ListedName {
            hash: hash_of(text),
            token: u32::try_from(token).ok()?,
            written,
        })
    }
}

/// A name [`Names::read_ahead`] is to look up.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Pending {
    /// The hash of its text.
    hash: u64,
    /// Its place in [`Ahead::at`].
    k: u32,
    /// Where its text is.
    written: Written,
}

/// Where a name's text is in the source: its first byte and length, or
/// [`Written::KEPT`] when the token keeps it (only a string with escapes
/// does, and strings are not read ahead: kept for any token that would).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Written {
    start: u32,
    len: u32,
}

impl Written {
    /// Not in the source as written: read it from the token.
    const KEPT: Written = Written {
        start: u32::MAX,
        len: 0,
    };

    /// The text in `src`, unless the token keeps it.
    fn in_source(self, src: &str) -> Option<&str> {
        if self == Written::KEPT {
            return None;
        }
        let start = self.start as usize;
        src.get(start..start + self.len as usize)
    }
}

/// Regions a table's buckets are swept in, at most.
const REGIONS_BITS: u32 = 10;

/// `order` into `sorted` (each entry as `make` makes it of its place in
/// `order` and itself), by the region of a table of `buckets` (a power of
/// two) that each entry's `hash` starts its probe in, in order of region
/// and, within one, as they came. A counting sort: a
/// comparison sort of a part's names was a seventh of all the work of
/// checking a design. Regions of a few kilobytes keep the sweep's reads
/// as near address order as a full sort did, for the cache's purpose.
fn by_region<T, U: Copy + Default>(
    order: &[T],
    hash: impl Fn(&T) -> u64,
    sorted: &mut Vec<U>,
    counts: &mut Vec<u32>,
    buckets: u64,
    make: impl Fn(u32, &T) -> U,
) {
    let bits = buckets.max(1).trailing_zeros();
    let region_bits = bits.min(REGIONS_BITS);
    let shift = bits - region_bits;
    let mask = buckets.max(1) - 1;
    let region = |h: u64| ((h & mask) >> shift) as usize;
    counts.clear();
    counts.resize((1 << region_bits) + 1, 0);
    for e in order {
        if let Some(c) = counts.get_mut(region(hash(e)) + 1) {
            *c += 1;
        }
    }
    // Where each region's names start.
    for i in 1..counts.len() {
        counts[i] += counts[i - 1];
    }
    sorted.clear();
    sorted.resize(order.len(), U::default());
    for (k, entry) in (0u32..).zip(order) {
        if let Some(at) = counts.get_mut(region(hash(entry)))
            && let Some(slot) = sorted.get_mut(*at as usize)
        {
            *slot = make(k, entry);
            *at += 1;
        }
    }
}

impl std::fmt::Debug for Names {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Names({})", self.table.borrow().len())
    }
}

impl<'a> Tokens<'a> {
    /// The name or string token `t` says, as the tree keeps it.
    // Inlined into the parser (see `Names::get_hashed`).
    #[inline(always)]
    pub fn ident(&self, t: &Token) -> Ident {
        if t.kind == TokenKind::Str {
            return Ident {
                text: self.names.string(t.text(self.src)),
                span: t.span,
                sym: Sym::NONE,
            };
        }
        let ahead = match self.toks.first() {
            Some(first) if std::ptr::eq(first, t) => self.names.take_ahead(self.pos),
            _ => None,
        };
        let (text, sym) = ahead.unwrap_or_else(|| self.names.get(t.text(self.src)));
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

    /// `src` lexed whole, its names listed as a part's are.
    fn listing(src: &str) -> crate::syntax::lexer::Lexed {
        let all = 0..src.len();
        let keep = crate::tally::Keep::All;
        let file = crate::span::FileId(0);
        crate::syntax::lexer::lex_lines_listing_into(file, src, all, Default::default(), keep)
    }

    /// The lexer lists every name token (not a keyword, not a string) at
    /// its place, hashed as its value is, and where its value is written
    /// unless the token keeps it (a name it took an invisible character
    /// out of); a lexer not asked lists none.
    #[test]
    fn the_lexer_lists_each_name_token_as_read() {
        let src = "flow 基幹\u{200b}システム -> 市町村 : 氏名 for \"氏名\"\nactor a : b\n";
        let lexed = listing(src);
        let want: Vec<ListedName> = (lexed.tokens.iter().enumerate())
            .filter(|(_, t)| t.kind == TokenKind::Name)
            .filter_map(|(i, t)| ListedName::new(i, t.text(src), t.written()))
            .collect();
        assert_eq!(want.len(), 5);
        assert_eq!(lexed.names, want);
        let kept = lexed.names[0];
        assert_eq!(
            (kept.written, kept.hash),
            (Written::KEPT, hash_of("基幹システム"))
        );
        let plain = lexed.names[1];
        assert_eq!(plain.written.in_source(src), Some("市町村"));
        assert_eq!(plain.hash, hash_of("市町村"));
        let all = 0..src.len();
        let keep = crate::tally::Keep::All;
        let file = crate::span::FileId(0);
        let unlisted =
            crate::syntax::lexer::lex_lines_keeping_into(file, src, all, Vec::new(), keep);
        assert!(unlisted.names.is_empty());
        // Read ahead, the kept name is its value.
        let names = Names::default();
        names.read_ahead(src, &lexed.tokens, &lexed.names);
        let (n, _) = names.take_ahead(kept.token as usize).expect("read ahead");
        assert_eq!(&*n, "基幹システム");
    }

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
    fn lasting_copies_are_a_parse_s_own_and_shared_ones_the_process_s() {
        let lasting = Names::in_space(0).with_copies(Copies::Lasting);
        let (a, sa) = lasting.get("基幹システム");
        let (a2, sa2) = lasting.get("基幹システム");
        assert!(Name::ptr_eq(&a, &a2) && sa == sa2);
        // Read ahead, the same copy.
        let src = "flow 基幹システム -> 市町村\n";
        let lexed = listing(src);
        lasting.read_ahead(src, &lexed.tokens, &lexed.names);
        let ahead = lasting.take_ahead(1).map(|(n, _)| n);
        assert!(ahead.is_some_and(|n| Name::ptr_eq(&n, &a)));
        // Another parse's lasting copy is its own; shared copies are one
        // for every parse.
        let other = Names::in_space(0).with_copies(Copies::Lasting);
        assert!(!Name::ptr_eq(&other.get("基幹システム").0, &a));
        let (s1, s2) = (Names::in_space(0), Names::in_space(1));
        assert!(Name::ptr_eq(
            &s1.get("基幹システム").0,
            &s2.get("基幹システム").0
        ));
    }

    /// A spelling longer than the bytes its entry keeps is compared with
    /// its copy past them, and one longer than a length byte holds too.
    #[test]
    fn long_spellings_are_told_apart_past_the_bytes_their_entries_keep() {
        for copies in [Copies::Shared, Copies::Lasting] {
            let names = Names::in_space(0).with_copies(copies);
            let head = "基".repeat(HEAD / 3) + &"x".repeat(HEAD % 3);
            assert_eq!(head.len(), HEAD);
            let spellings = [
                head.clone(),
                head.clone() + "1",
                head.clone() + "2",
                head.clone() + "22",
                head.clone() + &"y".repeat(300),
                head.clone() + &"y".repeat(299) + "z",
                head[..HEAD - 1].to_string(),
            ];
            let syms: Vec<Sym> = spellings.iter().map(|s| names.get(s).1).collect();
            for (i, s) in spellings.iter().enumerate() {
                let (n, sym) = names.get(s);
                assert_eq!((n.as_str(), sym), (s.as_str(), syms[i]), "{copies:?} {i}");
            }
            let distinct: std::collections::HashSet<Sym> = syms.iter().copied().collect();
            assert_eq!(distinct.len(), spellings.len(), "{copies:?}");
            assert_eq!(names.numbered(), spellings.len());
            // The table compares only entries whose hashes agree: each
            // entry is asked of every spelling directly.
            for (i, s) in spellings.iter().enumerate() {
                let entry = Entry::new(names.get(s).0, syms[i]);
                for (j, t) in spellings.iter().enumerate() {
                    assert_eq!(
                        entry.spells(t),
                        i == j,
                        "{copies:?} entry {i}, spelling {j}"
                    );
                }
            }
        }
    }

    #[test]
    fn names_read_ahead_are_the_names_read_one_by_one() {
        let src = "actor 基幹システム : 組合 \"台帳 \\\"第1系\\\"\"\n\
                   flow 基幹システム -> 市町村 : 課税情報, 氏名 for 被扶養者認定 basis \"氏名\"\n\
                   flow 市町村 -> 基幹システム : 氏名\n";
        let lexed = listing(src);
        let toks = lexed.tokens;
        // Strings are not names: not read ahead, not numbered.
        let named: Vec<usize> = (0..toks.len())
            .filter(|&i| toks[i].kind == TokenKind::Name)
            .collect();
        assert_eq!(named.len(), 10);
        let names = Names::default();
        names.read_ahead(src, &toks, &lexed.names);
        // Out of order first (as after backtracking), then in order.
        let last = named[named.len() - 1];
        let (n, sym) = names.take_ahead(last).expect("read ahead");
        assert_eq!(&*n, "氏名");
        assert_eq!(names.get("氏名").1, sym);
        assert!(names.take_ahead(last).is_none(), "taken once");
        for &i in &named[..named.len() - 1] {
            let (n, sym) = names.take_ahead(i).expect("read ahead");
            let text = toks[i].text(src);
            assert_eq!(&*n, text);
            let (again, again_sym) = names.get(text);
            assert!(Name::ptr_eq(&n, &again), "one copy of {text}");
            assert_eq!(sym, again_sym);
        }
        let strings: Vec<usize> = (0..toks.len())
            .filter(|&i| toks[i].kind == TokenKind::Str)
            .collect();
        assert_eq!(strings.len(), 2);
        for &i in &strings {
            assert!(names.take_ahead(i).is_none(), "a string is not read ahead");
        }
        let part = Tokens {
            toks: &toks[strings[0]..],
            pos: strings[0],
            src,
            names: &names,
        };
        let label = part.ident(&toks[strings[0]]);
        assert_eq!(&*label.text, "台帳 \"第1系\"");
        assert_eq!(label.sym, Sym::NONE);
        assert!(Name::ptr_eq(&label.text, &names.string("台帳 \"第1系\"")));
        // A string spelled as a name is still no name: the names' table
        // holds the six names alone.
        assert_eq!(names.table.borrow().len(), 6);
        let basis = part.ident(&toks[strings[1]]);
        assert_eq!((&*basis.text, basis.sym), ("氏名", Sym::NONE));
        // Not a name, or past the end: nothing.
        assert!(names.take_ahead(0).is_none());
        assert!(names.take_ahead(toks.len() + 5).is_none());
        names.done_ahead();
        assert!(names.take_ahead(named[0]).is_none());
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

    #[test]
    fn names_are_swept_by_region_in_order_and_as_they_came_within_one() {
        let mut sorted = Vec::new();
        let mut counts = Vec::new();
        // Tables of one bucket to more buckets than regions; hashes that
        // differ only above the mask fall in one region.
        for buckets in [1u64, 2, 64, 1 << 10, 1 << 16] {
            let order: Vec<(u64, u32)> = (0..5000u32)
                .map(|k| {
                    let h = u64::from(k).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ (u64::from(k) << 40);
                    (h, k)
                })
                .collect();
            // Each is made of its place in `order`: here, its second half.
            by_region(
                &order,
                |e| e.0,
                &mut sorted,
                &mut counts,
                buckets,
                |k, &(h, _)| (h, k),
            );
            let mut want = order.clone();
            let bits = buckets.trailing_zeros();
            let shift = bits - bits.min(REGIONS_BITS);
            want.sort_by_key(|&(h, _)| (h & (buckets - 1)) >> shift);
            assert_eq!(sorted, want, "{buckets} buckets");
        }
        by_region(
            &[],
            |e: &(u64, u32)| e.0,
            &mut sorted,
            &mut counts,
            8,
            |_, &e| e,
        );
        assert!(sorted.is_empty());
    }
}
