//! serde_json's reason a JSON text or value could not be read, typed and
//! worded in both languages. serde says it in English only, from fixed
//! formats (`serde::de::Error`'s default methods, serde_derive's and
//! serde_json's own): each is read back from the error's text and worded
//! in Japanese too. A text of no known format (a type's own message, a
//! URL's parse error) is kept as serde_json's English, quoted as such in
//! the Japanese.
//!
//! Nothing here escapes: what a reason quotes (a field or a value sent)
//! is the client's, and the sentence it goes into is escaped whole.

use crate::text;
use crate::text::Text;
use serde_json::error::Category;

/// Why serde_json could not read a JSON text or value, and where in the
/// text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Reason {
    what: What,
    /// The line and column (1-based) the reading stopped at; none for a
    /// value, which has no lines.
    at: Option<(usize, usize)>,
}

/// What was wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
enum What {
    /// ``missing field `x` ``.
    MissingField(String),
    /// ``duplicate field `x` ``.
    DuplicateField(String),
    /// ``unknown field `x`, expected ...``: the field sent, the fields
    /// there are (none: `there are no fields`).
    UnknownField(String, Vec<String>),
    /// ``unknown variant `x`, expected ...``, as [`What::UnknownField`].
    UnknownVariant(String, Vec<String>),
    /// `invalid type: FOUND, expected EXPECTED`.
    InvalidType(Found, Expected),
    /// `invalid value: FOUND, expected EXPECTED`.
    InvalidValue(Found, Expected),
    /// `invalid length N, expected EXPECTED`.
    InvalidLength(usize, Expected),
    /// `data did not match any variant of untagged enum NAME`.
    NoVariantMatched(String),
    /// One of serde_json's own, about the text's syntax.
    Syntax(Syntax),
    /// Any other: serde_json's words, in English.
    Other(String),
}

/// The value sent where another was expected, as serde_json names it.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Found {
    /// ``boolean `true` ``.
    Bool(String),
    /// ``integer `5` ``.
    Integer(String),
    /// ``floating point `1.5` ``.
    Float(String),
    /// ``character `c` ``.
    Char(String),
    /// `string "a"`: quoted and escaped as Rust's `{:?}` does.
    Str(String),
    /// `null`.
    Null,
    /// `sequence`: an array.
    Seq,
    /// `map`: an object.
    Map,
}

/// What was expected instead, as serde names it (the readers of Rust's
/// types: `u32`, `a string`, `struct Position`, ...).
#[derive(Clone, Debug, PartialEq, Eq)]
enum Expected {
    /// `struct NAME`: an object of that type.
    Struct(String),
    /// `struct NAME with N elements` (`tuple struct` for a tuple one):
    /// that type written as an array.
    Elements {
        /// A tuple struct?
        tuple: bool,
        /// The type.
        name: String,
        /// How many.
        count: usize,
    },
    /// `enum NAME`, or its tagged forms (the words before `enum`).
    Enum(&'static str, String),
    /// `a string`, or `a borrowed string`.
    Str(&'static str),
    /// `a string representing an URL`.
    Url,
    /// `a character`.
    Char,
    /// `a boolean`.
    Bool,
    /// An integer type: `u32`, `i64`, ...
    Integer(&'static str),
    /// A floating point type: `f32`, `f64`.
    Float(&'static str),
    /// `a sequence`.
    Seq,
    /// `a map`.
    Map,
    /// `string or map`: an enum's variant, by its name alone or as the
    /// key of its value.
    StringOrMap,
    /// `a tuple of size N`, `an array of length N`: the words before N.
    Length(&'static str, usize),
    /// `fewer elements in array`, `fewer elements in map`.
    Fewer(&'static str),
    /// `unit`: null.
    Unit,
}

/// serde_json's reasons about a text's syntax, each with its English and
/// Japanese.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Syntax {
    en: &'static str,
    ja: &'static str,
}

/// Every [`Syntax`] serde_json says (its `ErrorCode`s but `Message` and
/// `Io`), in its words.
const SYNTAX: &[Syntax] = &[
    syntax(
        "EOF while parsing a list",
        "配列の途中で JSON が終わっています",
    ),
    syntax(
        "EOF while parsing an object",
        "オブジェクトの途中で JSON が終わっています",
    ),
    syntax(
        "EOF while parsing a string",
        "文字列の途中で JSON が終わっています",
    ),
    syntax(
        "EOF while parsing a value",
        "値がないまま JSON が終わっています",
    ),
    syntax("expected `:`", "`:` が必要です"),
    syntax("expected `,` or `]`", "`,` か `]` が必要です"),
    syntax("expected `,` or `}`", "`,` か `}` が必要です"),
    syntax("expected ident", "true、false、null のいずれかが必要です"),
    syntax("expected value", "値が必要です"),
    syntax("expected `\"`", "`\"` が必要です"),
    syntax("invalid escape", "文字列のエスケープが正しくありません"),
    syntax("invalid number", "数値が正しくありません"),
    syntax("number out of range", "数値が扱える範囲を超えています"),
    syntax(
        "invalid unicode code point",
        "Unicode の文字として読めない箇所があります",
    ),
    syntax(
        "control character (\\u0000-\\u001F) found while parsing a string",
        "文字列の中に制御文字 (\\u0000-\\u001F) があります",
    ),
    syntax(
        "key must be a string",
        "オブジェクトのキーは文字列でなければなりません",
    ),
    syntax(
        "invalid value: expected key to be a number in quotes",
        "キーは引用符で囲んだ数値でなければなりません",
    ),
    syntax(
        "float key must be finite (got NaN or +/-inf)",
        "小数のキーは有限の値でなければなりません (NaN や ±inf は使えません)",
    ),
    syntax(
        "lone leading surrogate in hex escape",
        "`\\u` エスケープのサロゲートが対になっていません",
    ),
    syntax("trailing comma", "末尾に余分な `,` があります"),
    syntax("trailing characters", "JSON の後に余分な文字があります"),
    syntax(
        "unexpected end of hex escape",
        "`\\u` エスケープが途中で終わっています",
    ),
    syntax("recursion limit exceeded", "入れ子が深すぎます"),
];

/// A [`Syntax`] of its two wordings.
const fn syntax(en: &'static str, ja: &'static str) -> Syntax {
    Syntax { en, ja }
}

/// The integer types serde names by their Rust names.
const INTEGERS: &[&str] = &[
    "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize",
];

impl Reason {
    /// The reason of `e`, read from its text; one of no known format is
    /// [`What::Other`]. A format read back is kept only when its English
    /// says exactly what serde_json said.
    pub(super) fn of(e: &serde_json::Error) -> Reason {
        let said = e.to_string();
        let (said, at) = match e.line() {
            0 => (said.as_str(), None),
            line => {
                let suffix = format!(" at line {line} column {}", e.column());
                match said.strip_suffix(&suffix) {
                    Some(s) => (s, Some((line, e.column()))),
                    None => (said.as_str(), None),
                }
            }
        };
        let what = match e.classify() {
            Category::Syntax | Category::Eof => (SYNTAX.iter())
                .find(|s| s.en == said)
                .map(|s| What::Syntax(*s)),
            Category::Data => What::read(said),
            Category::Io => None,
        };
        let what = what
            .filter(|w| w.en() == said)
            .unwrap_or_else(|| What::Other(said.to_string()));
        Reason { what, at }
    }

    /// The reason in both languages: serde_json's English as it said it,
    /// the Japanese a sentence of its own.
    pub(super) fn words(&self) -> Text {
        let (en, ja) = (self.what.en(), self.what.ja());
        match self.at {
            None => Text::new(en, ja),
            Some((line, column)) => text!(
                "{en} at line {line} column {column}";
                "{ja} ({line} 行 {column} 列目)"
            ),
        }
    }
}

/// [`Reason::of`]'s words: what a caller quotes.
pub(super) fn words(e: &serde_json::Error) -> Text {
    Reason::of(e).words()
}

impl What {
    /// The reason serde's text `said` gives, if it is of a known format.
    fn read(said: &str) -> Option<What> {
        if let Some(name) = between(said, "missing field `", "`") {
            return Some(What::MissingField(name.to_string()));
        }
        if let Some(name) = between(said, "duplicate field `", "`") {
            return Some(What::DuplicateField(name.to_string()));
        }
        if let Some(rest) = said.strip_prefix("unknown field `") {
            let (name, names) = unknown(rest, "fields")?;
            return Some(What::UnknownField(name, names));
        }
        if let Some(rest) = said.strip_prefix("unknown variant `") {
            let (name, names) = unknown(rest, "variants")?;
            return Some(What::UnknownVariant(name, names));
        }
        if let Some(rest) = said.strip_prefix("invalid type: ") {
            let (found, expected) = found_then_expected(rest)?;
            return Some(What::InvalidType(found, expected));
        }
        if let Some(rest) = said.strip_prefix("invalid value: ") {
            let (found, expected) = found_then_expected(rest)?;
            return Some(What::InvalidValue(found, expected));
        }
        if let Some(rest) = said.strip_prefix("invalid length ") {
            let (len, expected) = rest.split_once(", expected ")?;
            return Some(What::InvalidLength(number(len)?, Expected::read(expected)?));
        }
        let untagged = said.strip_prefix("data did not match any variant of untagged enum ")?;
        Some(What::NoVariantMatched(identifier(untagged)?.to_string()))
    }

    /// serde's English for it.
    fn en(&self) -> String {
        match self {
            What::MissingField(f) => format!("missing field `{f}`"),
            What::DuplicateField(f) => format!("duplicate field `{f}`"),
            What::UnknownField(f, names) if names.is_empty() => {
                format!("unknown field `{f}`, there are no fields")
            }
            What::UnknownField(f, names) => {
                format!("unknown field `{f}`, expected {}", one_of_en(names))
            }
            What::UnknownVariant(v, names) if names.is_empty() => {
                format!("unknown variant `{v}`, there are no variants")
            }
            What::UnknownVariant(v, names) => {
                format!("unknown variant `{v}`, expected {}", one_of_en(names))
            }
            What::InvalidType(found, expected) => {
                format!("invalid type: {}, expected {}", found.en(), expected.en())
            }
            What::InvalidValue(found, expected) => {
                format!("invalid value: {}, expected {}", found.en(), expected.en())
            }
            What::InvalidLength(len, expected) => {
                format!("invalid length {len}, expected {}", expected.en())
            }
            What::NoVariantMatched(name) => {
                format!("data did not match any variant of untagged enum {name}")
            }
            What::Syntax(s) => s.en.to_string(),
            What::Other(said) => said.clone(),
        }
    }

    /// The Japanese for it.
    fn ja(&self) -> String {
        match self {
            What::MissingField(f) => format!("必須の項目 `{f}` がありません"),
            What::DuplicateField(f) => format!("項目 `{f}` が重複しています"),
            What::UnknownField(f, names) if names.is_empty() => {
                format!("`{f}` という項目はありません (項目を持たない値です)")
            }
            What::UnknownField(f, names) => format!(
                "`{f}` という項目はありません (使える項目: {})",
                one_of_ja(names)
            ),
            What::UnknownVariant(v, names) if names.is_empty() => {
                format!("`{v}` という値は使えません (使える値がありません)")
            }
            What::UnknownVariant(v, names) => format!(
                "`{v}` という値は使えません (使える値: {})",
                one_of_ja(names)
            ),
            What::InvalidType(found, expected) => format!(
                "値の型が違います (必要なもの: {}、指定されたもの: {})",
                expected.ja(),
                found.ja()
            ),
            What::InvalidValue(found, expected) => format!(
                "値が正しくありません (必要なもの: {}、指定されたもの: {})",
                expected.ja(),
                found.ja()
            ),
            What::InvalidLength(len, expected) => format!(
                "要素の数が違います (必要なもの: {}、指定された数: {len})",
                expected.ja()
            ),
            What::NoVariantMatched(name) => format!("値が {name} 型のどの形にも合いません"),
            What::Syntax(s) => s.ja.to_string(),
            What::Other(said) => format!("serde_json の説明: {said}"),
        }
    }
}

impl Found {
    /// The value serde's text `said` starts with, and the rest of it.
    fn read(said: &str) -> Option<(Found, &str)> {
        for (kind, prefix) in [
            (Found::Bool as fn(String) -> Found, "boolean `"),
            (Found::Integer, "integer `"),
            (Found::Float, "floating point `"),
        ] {
            if let Some(rest) = said.strip_prefix(prefix) {
                let (value, rest) = rest.split_once('`')?;
                return Some((kind(value.to_string()), rest));
            }
        }
        if let Some(rest) = said.strip_prefix("character `") {
            // One character, which may be a backquote.
            let c = rest.chars().next()?;
            let rest = rest.get(c.len_utf8()..)?.strip_prefix('`')?;
            return Some((Found::Char(c.to_string()), rest));
        }
        if let Some(rest) = said.strip_prefix("string ") {
            let end = quoted_end(rest)?;
            return Some((Found::Str(rest.get(..end)?.to_string()), rest.get(end..)?));
        }
        for (found, word) in [
            (Found::Null, "null"),
            (Found::Seq, "sequence"),
            (Found::Map, "map"),
        ] {
            if let Some(rest) = said.strip_prefix(word) {
                return Some((found, rest));
            }
        }
        None
    }

    fn en(&self) -> String {
        match self {
            Found::Bool(v) => format!("boolean `{v}`"),
            Found::Integer(v) => format!("integer `{v}`"),
            Found::Float(v) => format!("floating point `{v}`"),
            Found::Char(c) => format!("character `{c}`"),
            Found::Str(q) => format!("string {q}"),
            Found::Null => "null".into(),
            Found::Seq => "sequence".into(),
            Found::Map => "map".into(),
        }
    }

    fn ja(&self) -> String {
        match self {
            Found::Bool(v) => format!("真偽値 `{v}`"),
            Found::Integer(v) => format!("整数 `{v}`"),
            Found::Float(v) => format!("小数 `{v}`"),
            Found::Char(c) => format!("文字 `{c}`"),
            Found::Str(q) => format!("文字列 {q}"),
            Found::Null => "null".into(),
            Found::Seq => "配列".into(),
            Found::Map => "オブジェクト".into(),
        }
    }
}

impl Expected {
    /// What serde's words `said` expect, if they are known ones.
    fn read(said: &str) -> Option<Expected> {
        let known = [
            ("a string", Expected::Str("a string")),
            ("a borrowed string", Expected::Str("a borrowed string")),
            ("a string representing an URL", Expected::Url),
            ("a character", Expected::Char),
            ("a boolean", Expected::Bool),
            ("a sequence", Expected::Seq),
            ("a map", Expected::Map),
            ("string or map", Expected::StringOrMap),
            ("fewer elements in array", Expected::Fewer("array")),
            ("fewer elements in map", Expected::Fewer("map")),
            ("unit", Expected::Unit),
            ("f32", Expected::Float("f32")),
            ("f64", Expected::Float("f64")),
        ];
        if let Some((_, e)) = known.into_iter().find(|(words, _)| *words == said) {
            return Some(e);
        }
        if let Some(t) = INTEGERS.iter().find(|t| **t == said) {
            return Some(Expected::Integer(t));
        }
        for words in ["a tuple of size ", "an array of length "] {
            if let Some(n) = said.strip_prefix(words) {
                return Some(Expected::Length(words, number(n)?));
            }
        }
        for words in ["internally tagged ", "adjacently tagged ", ""] {
            if let Some(name) = said
                .strip_prefix(words)
                .and_then(|s| s.strip_prefix("enum "))
            {
                return Some(Expected::Enum(words, identifier(name)?.to_string()));
            }
        }
        let (tuple, rest) = match said.strip_prefix("tuple struct ") {
            Some(rest) => (true, rest),
            None => (false, said.strip_prefix("struct ")?),
        };
        match rest.split_once(" with ") {
            Some((name, count)) => Some(Expected::Elements {
                tuple,
                name: identifier(name)?.to_string(),
                count: number(count.strip_suffix(" elements")?)?,
            }),
            None if !tuple => Some(Expected::Struct(identifier(rest)?.to_string())),
            None => None,
        }
    }

    fn en(&self) -> String {
        match self {
            Expected::Struct(name) => format!("struct {name}"),
            Expected::Elements { tuple, name, count } => {
                let kind = if *tuple { "tuple struct" } else { "struct" };
                format!("{kind} {name} with {count} elements")
            }
            Expected::Enum(words, name) => format!("{words}enum {name}"),
            Expected::Str(words) => words.to_string(),
            Expected::Url => "a string representing an URL".into(),
            Expected::Char => "a character".into(),
            Expected::Bool => "a boolean".into(),
            Expected::Integer(t) | Expected::Float(t) => t.to_string(),
            Expected::Seq => "a sequence".into(),
            Expected::Map => "a map".into(),
            Expected::StringOrMap => "string or map".into(),
            Expected::Length(words, n) => format!("{words}{n}"),
            Expected::Fewer(of) => format!("fewer elements in {of}"),
            Expected::Unit => "unit".into(),
        }
    }

    fn ja(&self) -> String {
        match self {
            Expected::Struct(name) => format!("{name} 型のオブジェクト"),
            Expected::Elements { name, count, .. } => {
                format!("要素が {count} 個の配列 ({name} 型)")
            }
            Expected::Enum(_, name) => format!("{name} 型の値"),
            Expected::Str(_) => "文字列".into(),
            Expected::Url => "URL を表す文字列".into(),
            Expected::Char => "1 文字の文字列".into(),
            Expected::Bool => "真偽値 (true か false)".into(),
            Expected::Integer(t) => format!("{t} の範囲の整数"),
            Expected::Float(_) => "数値".into(),
            Expected::Seq => "配列".into(),
            Expected::Map => "オブジェクト".into(),
            Expected::StringOrMap => "文字列かオブジェクト".into(),
            Expected::Length(_, n) => format!("要素が {n} 個の配列"),
            Expected::Fewer("map") => "項目がもっと少ないオブジェクト".into(),
            Expected::Fewer(_) => "要素がもっと少ない配列".into(),
            Expected::Unit => "null".into(),
        }
    }
}

/// `said` between `prefix` and `suffix`, when it is exactly that.
fn between<'a>(said: &'a str, prefix: &str, suffix: &str) -> Option<&'a str> {
    said.strip_prefix(prefix)?.strip_suffix(suffix)
}

/// The name sent and the names there are, from what follows
/// ``unknown field ` `` (or `variant`): ``NAME`, expected ONE-OF`` or
/// ``NAME`, there are no KIND``. The name sent may hold anything; the
/// names listed are the type's own, so the last `` `, expected `` ends
/// the name.
fn unknown(rest: &str, kind: &str) -> Option<(String, Vec<String>)> {
    if let Some(name) = rest.strip_suffix(&format!("`, there are no {kind}")) {
        return Some((name.to_string(), Vec::new()));
    }
    let (name, list) = rest.rsplit_once("`, expected ")?;
    Some((name.to_string(), one_of(list)?))
}

/// The names serde lists as `` `a` ``, `` `a` or `b` `` or
/// `` one of `a`, `b`, `c` ``.
fn one_of(list: &str) -> Option<Vec<String>> {
    let names: Vec<&str> = match list.strip_prefix("one of ") {
        Some(many) => many.split(", ").collect(),
        None => list.split(" or ").collect(),
    };
    (names.iter())
        .map(|n| between(n, "`", "`").map(str::to_string))
        .collect()
}

/// serde's English for a list of names ([`one_of`]).
fn one_of_en(names: &[String]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match quoted.as_slice() {
        [one] => one.clone(),
        [a, b] => format!("{a} or {b}"),
        _ => format!("one of {}", quoted.join(", ")),
    }
}

/// The Japanese for a list of names: `` `a`、`b` ``.
fn one_of_ja(names: &[String]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    quoted.join("、")
}

/// The found value and the expected words of `FOUND, expected EXPECTED`.
fn found_then_expected(said: &str) -> Option<(Found, Expected)> {
    let (found, rest) = Found::read(said)?;
    let expected = rest.strip_prefix(", expected ")?;
    Some((found, Expected::read(expected)?))
}

/// The end (after the closing quote) of the string `{:?}` wrote at the
/// start of `s`: a quote, then characters up to the first quote no
/// backslash escapes.
fn quoted_end(s: &str) -> Option<usize> {
    let mut chars = s.char_indices();
    if chars.next()?.1 != '"' {
        return None;
    }
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                chars.next()?;
            }
            '"' => return Some(i + 1),
            _ => {}
        }
    }
    None
}

/// `s` as a count, if it is written as one.
fn number(s: &str) -> Option<usize> {
    s.bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| s.parse().ok())?
}

/// `s`, if it is a Rust type's name (a type's reader names it).
fn identifier(s: &str) -> Option<&str> {
    let ok = !s.is_empty() && s.chars().all(|c| c == '_' || c.is_alphanumeric());
    ok.then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::{Value, json};

    /// A type with what LSP parameters have: fields required and not, an
    /// integer, a string, a URL, an enum, a list.
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)] // Read only for its errors.
    struct Params {
        line: u32,
        name: Option<String>,
        uri: Option<lsp_types::Url>,
        kind: Option<Kind>,
        pair: Option<(u8, u8)>,
        flag: Option<bool>,
        at: Option<Position>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    enum Kind {
        One,
        Two,
        Three,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Position {
        line: u32,
        character: u32,
    }

    /// A map whose key serde_json cannot write: NaN.
    struct NanKey;

    impl serde::Serialize for NanKey {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeMap;
            let mut map = s.serialize_map(Some(1))?;
            map.serialize_entry(&f64::NAN, &1)?;
            map.end()
        }
    }

    /// The error of reading `v` as [`Params`].
    fn from_value(v: Value) -> serde_json::Error {
        serde_json::from_value::<Params>(v).unwrap_err()
    }

    /// The error of reading text `s` as [`Params`].
    fn from_text(s: &str) -> serde_json::Error {
        serde_json::from_str::<Params>(s).unwrap_err()
    }

    /// `e`'s reason in both languages: the English is serde_json's
    /// exactly, the Japanese `ja`, with no English word of serde's in it.
    fn said(e: &serde_json::Error, ja: &str) {
        let words = words(e);
        assert_eq!(words.en, e.to_string());
        assert_eq!(words.ja, ja, "{}", words.en);
    }

    #[test]
    fn a_missing_duplicate_or_unknown_field_is_named_in_both_languages() {
        said(&from_value(json!({})), "必須の項目 `line` がありません");
        said(
            &from_text(r#"{"line": 1, "line": 2}"#),
            "項目 `line` が重複しています (1 行 18 列目)",
        );
        said(
            &from_value(json!({"line": 1, "lien": 2})),
            "`lien` という項目はありません (使える項目: `line`、`name`、`uri`、`kind`、`pair`、`flag`、`at`)",
        );
        // A name holding serde's own separator is still read whole.
        said(
            &from_value(json!({"line": 1, "a`, expected `b": 2})),
            "`a`, expected `b` という項目はありません (使える項目: `line`、`name`、`uri`、`kind`、`pair`、`flag`、`at`)",
        );
    }

    #[test]
    fn an_unknown_variant_lists_those_there_are() {
        said(
            &from_value(json!({"line": 1, "kind": "Four"})),
            "`Four` という値は使えません (使える値: `One`、`Two`、`Three`)",
        );
        #[derive(Debug, Deserialize)]
        enum Two {
            A,
            B,
        }
        let e = serde_json::from_value::<Two>(json!("C")).unwrap_err();
        assert!(e.to_string().contains("`A` or `B`"), "{e}");
        said(&e, "`C` という値は使えません (使える値: `A`、`B`)");
        #[derive(Debug, Deserialize)]
        enum None_ {}
        let e = serde_json::from_value::<None_>(json!("C")).unwrap_err();
        said(&e, "`C` という値は使えません (使える値がありません)");
    }

    #[test]
    fn a_value_of_the_wrong_type_says_what_was_needed_and_what_was_sent() {
        let cases = [
            (json!({"line": "a"}), "u32 の範囲の整数", "文字列 \"a\""),
            (json!({"line": true}), "u32 の範囲の整数", "真偽値 `true`"),
            (json!({"line": 1.5}), "u32 の範囲の整数", "小数 `1.5`"),
            (json!({"line": null}), "u32 の範囲の整数", "null"),
            (json!({"line": [1]}), "u32 の範囲の整数", "配列"),
            (json!({"line": {}}), "u32 の範囲の整数", "オブジェクト"),
            (json!({"line": 1, "name": 5}), "文字列", "整数 `5`"),
            (json!({"line": 1, "uri": 5}), "URL を表す文字列", "整数 `5`"),
            (
                json!({"line": 1, "flag": "no"}),
                "真偽値 (true か false)",
                "文字列 \"no\"",
            ),
            (
                json!({"line": 1, "pair": 5}),
                "要素が 2 個の配列",
                "整数 `5`",
            ),
            (
                json!({"line": 1, "kind": 5}),
                "文字列かオブジェクト",
                "整数 `5`",
            ),
            (
                json!({"line": 1, "at": 5}),
                "Position 型のオブジェクト",
                "整数 `5`",
            ),
            (json!(5), "Params 型のオブジェクト", "整数 `5`"),
        ];
        for (v, needed, sent) in cases {
            let ja = format!("値の型が違います (必要なもの: {needed}、指定されたもの: {sent})");
            said(&from_value(v), &ja);
        }
        // A string sent is quoted as serde quotes it, escapes and all.
        said(
            &from_value(json!({"line": "a\", expected b\u{1b}"})),
            "値の型が違います (必要なもの: u32 の範囲の整数、指定されたもの: 文字列 \"a\\\", expected b\\u{1b}\")",
        );
        #[derive(Debug, Deserialize)]
        #[serde(tag = "type")]
        #[allow(dead_code)]
        enum Tagged {
            A { x: u8 },
        }
        said(
            &serde_json::from_value::<Tagged>(json!(5)).unwrap_err(),
            "値の型が違います (必要なもの: Tagged 型の値、指定されたもの: 整数 `5`)",
        );
        said(
            &from_text(r#"{"line": "a"}"#),
            "値の型が違います (必要なもの: u32 の範囲の整数、指定されたもの: 文字列 \"a\") (1 行 12 列目)",
        );
    }

    #[test]
    fn an_invalid_value_or_length_says_what_was_needed() {
        said(
            &from_value(json!({"line": -1})),
            "値が正しくありません (必要なもの: u32 の範囲の整数、指定されたもの: 整数 `-1`)",
        );
        said(
            &from_value(json!({"line": 1, "pair": [1]})),
            "要素の数が違います (必要なもの: 要素が 2 個の配列、指定された数: 1)",
        );
        said(
            &from_value(json!({"line": 1, "pair": [1, 2, 3]})),
            "要素の数が違います (必要なもの: 要素がもっと少ない配列、指定された数: 3)",
        );
        said(
            &from_value(json!({"line": 1, "at": [1]})),
            "要素の数が違います (必要なもの: 要素が 2 個の配列 (Position 型)、指定された数: 1)",
        );
    }

    #[test]
    fn an_untagged_enum_that_nothing_matches_is_named() {
        #[derive(Debug, Deserialize)]
        #[serde(untagged)]
        #[allow(dead_code)]
        enum NumberOrString {
            Number(i32),
            String(String),
        }
        let e = serde_json::from_value::<NumberOrString>(json!([])).unwrap_err();
        said(&e, "値が NumberOrString 型のどの形にも合いません");
    }

    #[test]
    fn a_syntax_error_is_worded_with_its_place() {
        let cases = [
            ("", "値がないまま JSON が終わっています (1 行 0 列目)"),
            ("[1", "配列の途中で JSON が終わっています (1 行 2 列目)"),
            (
                "{\"a\"",
                "オブジェクトの途中で JSON が終わっています (1 行 4 列目)",
            ),
            ("\"ab", "文字列の途中で JSON が終わっています (1 行 3 列目)"),
            ("{\"a\" 1}", "`:` が必要です (1 行 6 列目)"),
            ("[1 2]", "`,` か `]` が必要です (1 行 4 列目)"),
            ("{\"a\": 1 2}", "`,` か `}` が必要です (1 行 9 列目)"),
            (
                "trux",
                "true、false、null のいずれかが必要です (1 行 4 列目)",
            ),
            ("x", "値が必要です (1 行 1 列目)"),
            (
                "{a}",
                "オブジェクトのキーは文字列でなければなりません (1 行 2 列目)",
            ),
            (
                "\"\\q\"",
                "文字列のエスケープが正しくありません (1 行 3 列目)",
            ),
            ("-x", "数値が正しくありません (1 行 2 列目)"),
            ("1e999", "数値が扱える範囲を超えています (1 行 5 列目)"),
            (
                "\"\u{1}\"",
                "文字列の中に制御文字 (\\u0000-\\u001F) があります (1 行 2 列目)",
            ),
            (
                "\"\\uD800\\u0041\"",
                "`\\u` エスケープのサロゲートが対になっていません (1 行 13 列目)",
            ),
            (
                "\"\\uD800\"",
                "`\\u` エスケープが途中で終わっています (1 行 8 列目)",
            ),
            ("[1,]", "末尾に余分な `,` があります (1 行 4 列目)"),
            ("1 2", "JSON の後に余分な文字があります (1 行 3 列目)"),
            (&"[".repeat(200), "入れ子が深すぎます (1 行 128 列目)"),
        ];
        for (text, ja) in cases {
            let e = serde_json::from_str::<Value>(text).unwrap_err();
            said(&e, ja);
        }
    }

    #[test]
    fn every_syntax_reason_is_serde_jsons_own() {
        // Those the cases above cannot make (a key of a map of numbers,
        // of floats; bytes that are not UTF-8) are made here.
        let numeric = serde_json::from_str::<std::collections::HashMap<u8, u8>>(r#"{"a": 1}"#);
        said(
            &numeric.unwrap_err(),
            "キーは引用符で囲んだ数値でなければなりません (1 行 2 列目)",
        );
        let quote = serde_json::from_str::<std::collections::HashMap<u8, u8>>(r#"{"1x": 1}"#);
        said(&quote.unwrap_err(), "`\"` が必要です (1 行 4 列目)");
        let utf8 = serde_json::from_slice::<Value>(b"\"\xff\"").unwrap_err();
        said(
            &utf8,
            "Unicode の文字として読めない箇所があります (1 行 2 列目)",
        );
        // The one a serialiser says (a map's float key that is NaN) is
        // worded too, should a reader ever say it.
        let e = serde_json::to_string(&NanKey).unwrap_err();
        said(
            &e,
            "小数のキーは有限の値でなければなりません (NaN や ±inf は使えません)",
        );
    }

    #[test]
    fn an_unknown_reason_is_kept_in_english_and_quoted_as_serde_jsons() {
        // A type's own message (the URL's parse error).
        let e = from_value(json!({"line": 1, "uri": "not a url"}));
        said(&e, &format!("serde_json の説明: {e}"));
        // With its place, said apart.
        let e = from_text(r#"{"line": 1, "uri": "x"}"#);
        let said = words(&e);
        assert_eq!(said.en, e.to_string());
        assert_eq!(
            said.ja,
            "serde_json の説明: relative URL without a base: \"x\" (1 行 22 列目)"
        );
        // A known format whose part is not known (a type expected that
        // is not listed) stays whole.
        let e = serde_json::from_value::<std::path::PathBuf>(json!(5)).unwrap_err();
        assert_eq!(words(&e).ja, format!("serde_json の説明: {e}"));
    }
}
