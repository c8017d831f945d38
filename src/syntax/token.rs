//! Tokens: what the lexer hands the parser.

use crate::span::Span;

macro_rules! keywords {
    ($($kw:ident $s:literal),* $(,)?) => {
        /// A reserved ASCII keyword.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Keyword { $(
            #[doc = $s]
            $kw,
        )* }

        impl Keyword {
            /// Every keyword.
            pub const ALL: &'static [Keyword] = &[$(Keyword::$kw),*];

            /// The keyword as written.
            pub fn as_str(self) -> &'static str {
                match self { $(Keyword::$kw => $s),* }
            }

            /// The keyword a bare word spells, if any (case-sensitive).
            // Inlined where the lexer reads each name: most names a
            // design writes are Japanese, told apart by their first byte
            // without a call (every keyword starts with an ASCII
            // lowercase letter; a test says so).
            #[inline(always)]
            pub fn from_word(word: &str) -> Option<Keyword> {
                if !word.as_bytes().first().is_some_and(u8::is_ascii_lowercase) {
                    return None;
                }
                Keyword::from_lowercase_word(word)
            }

            /// [`Keyword::from_word`] of a word that starts with an ASCII
            /// lowercase letter: compared with each keyword of its length.
            fn from_lowercase_word(word: &str) -> Option<Keyword> {
                match word { $($s => Some(Keyword::$kw),)* _ => None }
            }
        }
    };
}

keywords! {
    Use "use", Actor "actor", Data "data", Flow "flow", Rulebook "rulebook",
    Revised "revised", Role "role", Category "category", In "in",
    Section "section", Purpose "purpose", Allow "allow",
    Contractor "contractor", Clause "clause", Clauses "clauses", For "for",
    Via "via", Basis "basis", Mynumber "mynumber", SelfOrg "self",
    Carrier "carrier", Subject "subject",
}

impl Keyword {
    /// Keywords that begin a top-level statement; the parser resynchronises
    /// on them after an error.
    pub fn starts_statement(self) -> bool {
        matches!(
            self,
            Keyword::Use
                | Keyword::Actor
                | Keyword::Data
                | Keyword::Flow
                | Keyword::Rulebook
                | Keyword::Role
                | Keyword::Category
                | Keyword::Section
                | Keyword::Purpose
                | Keyword::Allow
                | Keyword::Contractor
                | Keyword::Clause
        )
    }
}

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// A reserved word.
    Keyword(Keyword),
    /// A bare name.
    Name,
    /// A double-quoted string.
    Str,
    /// `->` or `→`.
    Arrow,
    /// `<->`.
    BothArrow,
    /// `:`.
    Colon,
    /// `,`.
    Comma,
    /// `{`.
    LBrace,
    /// `}`.
    RBrace,
    /// `(` or `)`: reserved, never valid.
    Paren,
    /// End of input (always the last token).
    Eof,
}

impl TokenKind {
    /// How the token kind reads in an "expected …" message.
    pub fn describe(self) -> &'static str {
        match self {
            TokenKind::Keyword(k) => k.as_str(),
            TokenKind::Name => "name",
            TokenKind::Str => "string",
            TokenKind::Arrow => "->",
            TokenKind::BothArrow => "<->",
            TokenKind::Colon => ":",
            TokenKind::Comma => ",",
            TokenKind::LBrace => "{",
            TokenKind::RBrace => "}",
            TokenKind::Paren => "(",
            TokenKind::Eof => "end of file",
        }
    }
}

/// A token with its span. Its value is borrowed from the source text
/// unless it differs from what is written (a string with escapes, a name
/// with rejected invisible characters, an unterminated string): then it is
/// kept here. Most tokens so cost no allocation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// What it is.
    pub kind: TokenKind,
    /// Where it is.
    pub span: Span,
    /// A boxed str, not a String: a token is 32 bytes, not 40, and a large
    /// design has millions of them.
    value: Option<Box<str>>,
}

impl Token {
    /// A token whose value is `value`, or, when None, the source text it
    /// covers (a string's without its quotes).
    #[inline]
    pub fn new(kind: TokenKind, span: Span, value: Option<String>) -> Token {
        Token {
            kind,
            span,
            value: value.map(String::into_boxed_str),
        }
    }

    /// The token's value in `src`, the text it was read from: a name
    /// without rejected invisible characters, a string's unescaped content.
    pub fn text<'a>(&'a self, src: &'a str) -> &'a str {
        match &self.value {
            Some(v) => v,
            None => self.written().and_then(|r| src.get(r)).unwrap_or(""),
        }
    }

    /// Where its value is written in the source text, when it is the text
    /// as written (None when it is kept in the token).
    pub fn written(&self) -> Option<std::ops::Range<usize>> {
        if self.value.is_some() {
            return None;
        }
        let r = self.span.range();
        Some(match self.kind {
            TokenKind::Str => r.start + 1..r.end.saturating_sub(1),
            _ => r,
        })
    }
}

/// A `#` comment; kept for `# expect:` and `# mynaflow:` annotations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    /// The whole comment, `#` included.
    pub span: Span,
    /// The text after `#`.
    pub text: String,
}

#[cfg(test)]
mod tests {
    use super::Keyword;

    #[test]
    fn every_keyword_starts_with_a_lowercase_ascii_letter_and_is_read_back() {
        for &k in Keyword::ALL {
            let word = k.as_str();
            assert!(word.as_bytes()[0].is_ascii_lowercase(), "{word}");
            assert_eq!(Keyword::from_word(word), Some(k));
        }
        for word in ["", "Flow", "FLOW", "flows", "加入者", "_flow", "9"] {
            assert_eq!(Keyword::from_word(word), None, "{word}");
        }
    }
}
