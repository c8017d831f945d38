//! Name resolution: syntax trees to the resolved model. Reports MN010
//! (undefined, with "did you mean"), MN011 (duplicate), MN012 (unused) and
//! MN014 (spelled two ways). An unresolved name is recorded as such, so the
//! checks can skip what depends on it instead of cascading.

mod design;
mod rulebook;

pub use design::resolve_design;
pub use rulebook::resolve_rulebook;

use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::names;
use crate::span::Span;
use crate::syntax::ast::Ident;
use crate::text;
use crate::text::Text;

/// The kind of thing a name names, for messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
    Actor,
    Data,
    Role,
    Category,
    Purpose,
    Clause,
    Section,
    Contractor,
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
            Kind::Section => ("section", "セクション"),
            Kind::Contractor => ("contractor", "委託先"),
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
    undefined_suggesting(kind, name, names::did_you_mean(&name.text, candidates))
}

/// "Did you mean" answers, remembered per misspelling: a design that
/// misspells one name in many flows costs one search, not one per use.
///
/// Each search compares the misspelling with every candidate, so many
/// *distinct* misspellings would cost misspellings × candidates. The
/// candidates' keys are computed once per kind, and the searches of one
/// file share a budget of [`SUGGESTION_BUDGET`] comparisons: past it, an
/// undefined name is still reported (MN010), without "did you mean". Only a
/// design with thousands of distinct misspellings among thousands of names
/// reaches it, and the answers do not depend on the order of threads.
pub(crate) struct Suggestions {
    answers: std::collections::HashMap<(Kind, String), Option<String>>,
    /// Each kind's candidates: (key, name as declared), in declaration order.
    candidates: std::collections::HashMap<Kind, Vec<(String, String)>>,
    /// Comparisons left.
    budget: usize,
}

/// Comparisons of a misspelling with a candidate that one file's "did you
/// mean" searches may make in all (about 0.2 s of CPU at most; a design
/// of 10 000 flows with 400 systems still gets 750 distinct suggestions).
pub const SUGGESTION_BUDGET: usize = 300_000;

impl Default for Suggestions {
    fn default() -> Self {
        Suggestions {
            answers: Default::default(),
            candidates: Default::default(),
            budget: SUGGESTION_BUDGET,
        }
    }
}

impl Suggestions {
    /// MN010 for `name`; `candidates` is only asked for on the first
    /// misspelling of a kind (they must not change between calls).
    pub(crate) fn undefined<C, S>(&mut self, kind: Kind, name: &Ident, candidates: C) -> Diagnostic
    where
        C: FnOnce() -> Vec<S>,
        S: AsRef<str>,
    {
        let key = (kind, name.text.clone());
        if let Some(known) = self.answers.get(&key) {
            let known = known.clone();
            return undefined_suggesting(kind, name, known.as_deref());
        }
        let all = self.candidates.entry(kind).or_insert_with(|| {
            candidates()
                .iter()
                .map(|c| (names::key(c.as_ref()), c.as_ref().to_string()))
                .collect()
        });
        let suggestion = if all.len() <= self.budget {
            self.budget -= all.len();
            nearest(&names::key(&name.text), all)
        } else {
            None
        };
        self.answers.insert(key, suggestion.clone());
        undefined_suggesting(kind, name, suggestion.as_deref())
    }
}

/// The candidate nearest to `wanted` (a key), as [`names::did_you_mean`]
/// chooses it, over candidates whose keys are ready.
fn nearest(wanted: &str, candidates: &[(String, String)]) -> Option<String> {
    let mut best: Option<(f64, &str)> = None;
    for (key, name) in candidates {
        let score = strsim::jaro(wanted, key);
        if score > 0.7 && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, name));
        }
    }
    best.map(|(_, c)| c.to_string())
}

/// MN010 for `name`, with a ready suggestion.
fn undefined_suggesting(kind: Kind, name: &Ident, suggestion: Option<&str>) -> Diagnostic {
    let k = kind.text();
    let mut d = Diagnostic::new(
        Code::MN010,
        name.span,
        text!("undefined {} `{}`", k.en, name.text; "{}「{}」は定義されていません", k.ja, name.text),
    )
    .with_primary_label(text!("no {} has this name", k.en; "この名前の{}はありません", k.ja));
    if let Some(s) = suggestion {
        d = d.with_help(text!("did you mean `{s}`?"; "「{s}」の誤りではありませんか?"));
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
    if used.text != declared {
        out.push(
            Diagnostic::new(
                Code::MN014,
                used.span,
                text!("`{}` is spelled differently from its declaration `{}`", used.text, declared;
                      "「{}」は宣言「{}」と表記が異なります", used.text, declared),
            )
            .with_primary_label(Text::new("this spelling", "この表記"))
            .with_label(declared_at, Text::new("declared here", "宣言"))
            .with_help(text!("write `{}` everywhere", declared; "表記を「{}」に統一してください", declared)),
        );
    }
}

/// MN001 for a statement that belongs in the other kind of file.
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
    Diagnostic::new(Code::MN001, span, Text::new(en, ja)).with_help(Text::new(
        "a file with a `rulebook` header is a rulebook; designs name their rulebook with `use`",
        "`rulebook` 見出しのあるファイルはルールブックです。設計は `use` でルールブックを指定します",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::Span;

    fn ident(text: &str) -> Ident {
        Ident {
            text: text.into(),
            span: Span::default(),
        }
    }

    #[test]
    fn suggestions_match_did_you_mean_until_the_budget_is_spent() {
        let names = ["被扶養者認定", "保険給付", "被保険者資格取得"];
        let mut s = Suggestions::default();
        for wrong in ["被扶養認定", "保険給附", "全然違う"] {
            let d = s.undefined(Kind::Purpose, &ident(wrong), || names.to_vec());
            let expected = crate::names::did_you_mean(wrong, names);
            assert_eq!(d.help.is_some(), expected.is_some(), "{wrong}");
        }
        // A remembered answer costs nothing; a new search past the budget
        // gives the finding without a suggestion.
        s.budget = 2;
        assert!(
            s.undefined(Kind::Purpose, &ident("被扶養認定"), || names.to_vec())
                .help
                .is_some()
        );
        assert!(
            s.undefined(Kind::Purpose, &ident("保険給fu"), || names.to_vec())
                .help
                .is_none()
        );
    }
}
