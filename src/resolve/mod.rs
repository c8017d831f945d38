//! Name resolution: syntax trees to the resolved model. Reports MN010
//! (undefined, with "did you mean"), MN011 (duplicate), MN012 (unused) and
//! MN014 (spelled two ways). An unresolved name is recorded as such, so the
//! checks can skip what depends on it instead of cascading.

mod design;
mod rulebook;
mod suggest;

pub use design::{resolve_design, resolve_design_keeping};
pub use rulebook::resolve_rulebook;

use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::fix::{Edit, Fix};
use crate::names;
use crate::span::Span;
use crate::syntax::ast::Ident;
use crate::syntax::lexer::write_name;
use crate::text;
use crate::text::Text;
use rustc_hash::FxHashMap;

/// The kind of thing a name names, for messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
    Actor,
    Data,
    Role,
    Category,
    Purpose,
    Clause,
}

impl Kind {
    pub(crate) fn text(self) -> Text {
        let (en, ja) = match self {
            Kind::Actor => ("actor", "アクター"),
            Kind::Data => ("data item", "データ項目"),
            Kind::Role => ("role", "役割"),
            Kind::Category => ("category", "カテゴリ"),
            Kind::Purpose => ("purpose", "利用目的"),
            Kind::Clause => ("clause", "契約事項"),
        };
        Text::new(en, ja)
    }
}

/// MN010 for `name`, suggesting the nearest of `candidates`.
pub(crate) fn undefined<'a>(
    kind: Kind,
    name: &Ident,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Diagnostic {
    let all: Vec<&str> = candidates.into_iter().collect();
    let (suggestion, unique) = suggest(&name.text, &all);
    undefined_suggesting(kind, name, suggestion, unique)
}

/// The nearest close name, and whether it is the only close one (then a
/// respelling is a safe fix: there is nothing to choose between).
fn suggest<'a, S: AsRef<str>>(wanted: &str, all: &'a [S]) -> (Option<&'a str>, bool) {
    let best = names::did_you_mean(wanted, all.iter().map(AsRef::as_ref));
    let unique = best.is_some_and(|b| {
        names::did_you_mean(wanted, all.iter().map(AsRef::as_ref).filter(|c| *c != b)).is_none()
    });
    (best, unique)
}

/// "Did you mean" answers, remembered per misspelling: a design that
/// misspells one name in many flows costs one search, not one per use;
/// and each search goes through an index of the names of its kind
/// ([`suggest::NameIndex`]), built once, so many distinct misspellings
/// stay far from misspellings × names comparisons.
pub(crate) struct Suggestions {
    answers: FxHashMap<(Kind, crate::syntax::ast::Name), (Option<String>, bool)>,
    indexes: FxHashMap<Kind, suggest::NameIndex>,
    budget: usize,
}

impl Default for Suggestions {
    fn default() -> Self {
        Suggestions {
            answers: Default::default(),
            indexes: Default::default(),
            budget: suggest::budget(),
        }
    }
}

impl Suggestions {
    /// MN010 for `name`; `candidates` is asked for once per kind (the
    /// names of a kind do not change while a file is resolved).
    pub(crate) fn undefined<C, S>(&mut self, kind: Kind, name: &Ident, candidates: C) -> Diagnostic
    where
        C: FnOnce() -> Vec<S>,
        S: AsRef<str>,
    {
        let key = (kind, name.text.clone());
        let (suggestion, unique) = match self.answers.get(&key) {
            Some(s) => s.clone(),
            None => {
                let index = self
                    .indexes
                    .entry(kind)
                    .or_insert_with(|| suggest::NameIndex::new(&candidates()));
                let s = match index.nearest(&name.text, &mut self.budget) {
                    Some((best, unique)) => (Some(best.to_string()), unique),
                    None => (None, false),
                };
                self.answers.insert(key, s.clone());
                s
            }
        };
        undefined_suggesting(kind, name, suggestion.as_deref(), unique)
    }
}

/// MN010 for `name`, with a ready suggestion (a safe fix when it is the
/// only close name).
fn undefined_suggesting(
    kind: Kind,
    name: &Ident,
    suggestion: Option<&str>,
    unique: bool,
) -> Diagnostic {
    let k = kind.text();
    let mut d = Diagnostic::new(
        Code::MN010,
        name.span,
        text!("undefined {} `{}`", k.en, name.text; "{}「{}」は定義されていません", k.ja, name.text),
    )
    .with_primary_label(text!("no {} has this name", k.en; "この名前の{}はありません", k.ja));
    if let Some(s) = suggestion {
        d = d.with_help(text!("did you mean `{s}`?"; "「{s}」の誤りではありませんか?"));
        if unique {
            d = d.with_fix(respell(name.span, s));
        }
    }
    d
}

/// MN011 for a second definition of `name`, first defined at `first`.
pub(crate) fn duplicate(kind: Kind, name: &Ident, first: Span) -> Diagnostic {
    let k = kind.text();
    Diagnostic::new(
        Code::MN011,
        name.span,
        text!("{} `{}` is defined more than once", k.en, name.text; "{}「{}」が二重に定義されています", k.ja, name.text),
    )
    .with_primary_label(Text::new("defined again here", "ここで再び定義されています"))
    .with_label(first, Text::new("first defined here", "最初の定義"))
    .with_help(Text::new(
        "names compare after NFKC normalisation and removal of spaces; rename or remove one",
        "名前は NFKC 正規化と空白の除去の後で比較されます。どちらかの名前を変えるか、削除してください",
    ))
}

/// MN014 when `used` is spelled differently from its declaration.
pub(crate) fn check_spelling(
    used: &Ident,
    declared: &str,
    declared_at: Span,
    out: &mut Vec<Diagnostic>,
) {
    if *used.text != *declared {
        out.push(
            Diagnostic::new(
                Code::MN014,
                used.span,
                text!("`{}` is spelled differently from its declaration `{}`", used.text, declared;
                      "「{}」は宣言「{}」と表記が異なります", used.text, declared),
            )
            .with_primary_label(Text::new("this spelling", "この表記"))
            .with_label(declared_at, Text::new("declared here", "宣言"))
            .with_help(text!("write `{}` everywhere", declared; "表記を「{}」に統一してください", declared))
            .with_fix(respell(used.span, declared)),
        );
    }
}

/// The safe fix that writes `name` at `span`.
fn respell(span: Span, name: &str) -> Fix {
    let written = write_name(name);
    Fix::safe(
        text!("write `{written}`"; "「{written}」と書く"),
        vec![Edit {
            span,
            content: written,
        }],
    )
}

/// MN017 for a statement that belongs in the other kind of file.
pub(crate) fn misplaced(keyword: &str, span: Span, in_rulebook: bool) -> Diagnostic {
    let (en, ja) = if in_rulebook {
        (
            format!("`{keyword}` belongs in a design, not in a rulebook"),
            format!("`{keyword}` は設計に書く文で、ルールブックには書けません"),
        )
    } else {
        (
            format!("`{keyword}` belongs in a rulebook, not in a design"),
            format!("`{keyword}` はルールブックに書く文で、設計には書けません"),
        )
    };
    Diagnostic::new(Code::MN017, span, Text::new(en, ja)).with_help(Text::new(
        "a file with a `rulebook` header is a rulebook; designs name their rulebook with `use`",
        "`rulebook` 見出しのあるファイルはルールブックです。設計は `use` でルールブックを指定します",
    ))
}
