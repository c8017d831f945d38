//! Name resolution: syntax trees to the resolved model. Reports MN010
//! (undefined, with "did you mean"), MN011 (duplicate), MN012 (unused) and
//! MN014 (spelled two ways). An unresolved name is recorded as such, so the
//! checks can skip what depends on it instead of cascading.

mod comma;
mod design;
mod rebind;
mod rulebook;
mod sections;
mod slip;
#[allow(unsafe_code)]
mod slots;
mod suggest;

pub use design::{
    resolve_design, resolve_design_rebindable, resolve_design_tallied, resolve_design_unless,
};
pub use rebind::{Rebound, RulebookNames, rebind_design};
pub use rulebook::{resolve_rulebook, resolve_rulebook_tallied};

use crate::code::Code;
use crate::diagnostic::{Diagnostic, Fact};
use crate::fix::{Applicability, Edit, Fix};
use crate::model::Rulebook;
use crate::span::Span;
use crate::syntax::ast::Ident;
use crate::syntax::lexer::write_name;
use crate::tally::Tally;
use crate::text;
use crate::text::{JaQuoted, Text};
pub(crate) use comma::CommaParts;
use rustc_hash::FxHashMap;
use suggest::{AlsoClose, Likeness};

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

    /// The kind as a fact's value: `actor`, `data_item`, `role`,
    /// `category`, `purpose`, `clause`.
    pub(crate) fn key(self) -> &'static str {
        match self {
            Kind::Actor => "actor",
            Kind::Data => "data_item",
            Kind::Role => "role",
            Kind::Category => "category",
            Kind::Purpose => "purpose",
            Kind::Clause => "clause",
        }
    }

    /// The English name with its article: "an actor", "a role".
    fn with_article(self) -> String {
        let en = self.text().en;
        match en.starts_with(['a', 'e', 'i', 'o', 'u']) {
            true => format!("an {en}"),
            false => format!("a {en}"),
        }
    }
}

/// The kind other than `wanted` of which `rb` declares `name`, if any:
/// its roles, categories, purposes and clauses, in that order.
pub(crate) fn rulebook_kind_of(rb: &Rulebook, wanted: Kind, name: &str) -> Option<Kind> {
    let declares = |kind: Kind| match kind {
        Kind::Role => rb.role_named(name).is_some(),
        Kind::Category => rb.category_named(name).is_some(),
        Kind::Purpose => rb.purpose_named(name).is_some(),
        Kind::Clause => rb.clause_named(name).is_some(),
        Kind::Actor | Kind::Data => false,
    };
    let kinds = [Kind::Role, Kind::Category, Kind::Purpose, Kind::Clause];
    kinds.into_iter().find(|&k| k != wanted && declares(k))
}

/// Where a name of another kind is declared, for [`noting_kind`].
#[derive(Clone, Copy, Debug)]
pub(crate) enum DeclaredIn<'a> {
    /// The design being resolved.
    ThisDesign,
    /// The rulebook being resolved.
    ThisRulebook,
    /// The design's rulebook, by name.
    Rulebook(&'a str),
}

/// Why a name undefined as one kind is no misspelling: it names something
/// else, so a close name offered is no safe fix.
#[derive(Clone, Copy, Debug)]
pub(crate) enum NamesOther<'a> {
    /// Something of this kind, declared there.
    Kind(Kind, DeclaredIn<'a>),
    /// A section of the design's rulebook: the note that says which, and
    /// its facts ([`sections::SectionNotes`]).
    Section(&'a (Text, Vec<Fact>)),
}

/// An MN010 before its words: the name, its "did you mean" answer and what
/// else it names, which decide its fix. The words are made only when the
/// finding is kept in full: 500 000 actors of a misspelled role, each
/// worded in English and Japanese before the tally kept it as its place,
/// spent most of their resolution on it.
pub(crate) struct Undefined<'a> {
    /// The kind the name was wanted as.
    pub(crate) kind: Kind,
    /// The name as written.
    pub(crate) name: &'a Ident,
    /// The close name, or the one it abbreviates ([`Suggestions::answer`]).
    pub(crate) answer: Option<(&'a str, &'a Likeness)>,
    /// What else it names, if anything.
    pub(crate) other: Option<NamesOther<'a>>,
    /// Its parts, when it has a list mark in it ([`CommaParts::of`]).
    pub(crate) commas: Option<CommaParts>,
    /// Is it written in a rulebook? There a respelling is never safe: the
    /// name decides what a rule allows ([`slip`]).
    pub(crate) in_rulebook: bool,
}

impl Undefined<'_> {
    /// Adds it to `diags` with `finish` (its last notes) applied to its
    /// words, made only when it is kept in full; its fix, when it has one,
    /// made only when it is kept.
    pub(crate) fn push(self, diags: &mut Tally, finish: impl FnOnce(Diagnostic) -> Diagnostic) {
        let span = self.name.span;
        let make = || finish(self.diagnostic());
        let listed = (self.commas.as_ref())
            .filter(|_| self.other.is_none())
            .and_then(|c| c.fix(span));
        match (listed, self.only_near()) {
            (Some(fix), _) => diags.push_made_with_fix(Code::MN010, span, make, || fix),
            (None, Some(s)) => {
                let fix = || respell_misspelling(span, &self.name.text, s, self.in_rulebook);
                diags.push_made_with_fix(Code::MN010, span, make, fix)
            }
            (None, None) => diags.push_made(Code::MN010, span, make),
        }
    }

    /// The close name a respelling writes: the only close one, when the
    /// name names nothing else (then there is nothing to choose between).
    fn only_near(&self) -> Option<&str> {
        match (self.suggested(), self.other) {
            (Some((s, Likeness::OnlyNear)), None) => Some(s),
            _ => None,
        }
    }

    /// The "did you mean" answer, unless the name has `、` in it and the
    /// name answered covers only part of it (`名簿` for `名簿、台帳`):
    /// respelling to it would drop the rest.
    fn suggested(&self) -> Option<(&str, &Likeness)> {
        match (self.answer, &self.commas) {
            (Some((s, _)), Some(c)) if !c.covered_by(s) => None,
            (answer, _) => answer,
        }
    }

    /// The finding in full.
    fn diagnostic(&self) -> Diagnostic {
        let (kind, name) = (self.kind, &self.name.text);
        let mut d = undefined_suggesting(kind, self.name, self.suggested(), self.in_rulebook);
        if let Some(commas) = &self.commas {
            // The help says why the name is one, unless a close name
            // covers it whole (then it is a misspelling of that name).
            let fix = commas.fix(self.name.span);
            if d.help.is_none() || fix.is_some() {
                d = d.with_help(commas.help(name));
            }
            if let Some(fix) = fix {
                d.fixes = vec![fix];
            }
        }
        match self.other {
            None => d,
            Some(NamesOther::Kind(is, declared)) => noting_kind(d, kind, is, name, declared),
            Some(NamesOther::Section((note, facts))) => {
                not_a_misspelling(d, note.clone(), facts.clone())
            }
        }
    }
}

/// `d`, an MN010 for `name` undefined as a `wanted`, noting that it names
/// something of kind `is`, declared `in` ([`not_a_misspelling`]).
fn noting_kind(
    d: Diagnostic,
    wanted: Kind,
    is: Kind,
    name: &str,
    declared: DeclaredIn<'_>,
) -> Diagnostic {
    let (w, i) = (wanted.text(), is.text());
    let (we, ie) = (wanted.with_article(), is.with_article());
    let note = match declared {
        DeclaredIn::Rulebook(rb) => text!(
            "`{name}` is {ie} of the rulebook `{rb}`, not {we}";
            "{}はルールブック「{rb}」の{}で、{}ではありません", JaQuoted(name), i.ja, w.ja
        ),
        DeclaredIn::ThisRulebook => text!(
            "`{name}` is {ie} of this rulebook, not {we}";
            "{}はこのルールブックの{}で、{}ではありません", JaQuoted(name), i.ja, w.ja
        ),
        DeclaredIn::ThisDesign => text!(
            "`{name}` is {ie} of this design, not {we}";
            "{}はこの設計の{}で、{}ではありません", JaQuoted(name), i.ja, w.ja
        ),
    };
    not_a_misspelling(d, note, vec![Fact::text("named_kind", is.key())])
}

/// `d`, an MN010 for a name that is no misspelling (it names something
/// else), with the note that says what and its facts, and without the
/// respelling a close name offered as a safe fix (the suggestion stays).
fn not_a_misspelling(mut d: Diagnostic, note: Text, facts: Vec<Fact>) -> Diagnostic {
    d.fixes.clear();
    d.with_note(note).with_facts(facts)
}

/// The nearest close name and whether it is the only close one (then a
/// respelling is a safe fix: there is nothing to choose between), else
/// the next nearest ([`AlsoClose`]); with none close, the one name
/// `wanted` abbreviates ([`crate::names::abbreviated`]). By a full scan:
/// what [`suggest::NameIndex`] must find.
#[cfg(test)]
fn suggest<'a, S: AsRef<str>>(wanted: &str, all: &'a [S]) -> Option<(&'a str, Likeness)> {
    use crate::names::{key, near_enough};
    let all_names = || all.iter().map(AsRef::as_ref);
    let best = crate::names::did_you_mean(wanted, all_names());
    let wanted_key = key(wanted);
    let a = wanted_key.chars().count();
    // Every close name, nearer first, as near in the order given.
    let mut close: Vec<(f64, &str)> = all_names()
        .filter_map(|c| {
            let k = key(c);
            let score = strsim::jaro(&wanted_key, &k);
            near_enough(score, a, k.chars().count()).then_some((score, c))
        })
        .collect();
    close.sort_by(|x, y| y.0.total_cmp(&x.0));
    if let Some(&(_, first)) = close.first() {
        assert_eq!(best, Some(first), "the nearest, as did_you_mean finds it");
        let like = match close.len() {
            1 => Likeness::OnlyNear,
            n => Likeness::Nearest(AlsoClose {
                names: (close.iter().skip(1).take(suggest::ALSO_CLOSE))
                    .map(|(_, c)| c.to_string())
                    .collect(),
                count: n - 1,
            }),
        };
        return Some((first, like));
    }
    crate::names::abbreviated(wanted, all_names()).map(|n| (n, Likeness::Abbreviates))
}

/// "Did you mean" answers, remembered per misspelling: a design that
/// misspells one name in many flows costs one search, not one per use;
/// and each search goes through an index of the names of its kind
/// ([`suggest::NameIndex`]), built once, so many distinct misspellings
/// stay far from misspellings × names comparisons.
pub(crate) struct Suggestions {
    answers: FxHashMap<(Kind, crate::syntax::ast::Name), Option<(String, Likeness)>>,
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
    /// The "did you mean" of `name`, undefined as a `kind`
    /// ([`Undefined::answer`]); `candidates` is asked for once per kind
    /// (the names of a kind do not change while a file is resolved).
    pub(crate) fn answer<C, S>(
        &mut self,
        kind: Kind,
        name: &Ident,
        candidates: C,
    ) -> Option<(&str, &Likeness)>
    where
        C: FnOnce() -> Vec<S>,
        S: AsRef<str>,
    {
        let key = (kind, name.text);
        let Suggestions {
            answers,
            indexes,
            budget,
        } = self;
        let answer = answers.entry(key).or_insert_with(|| {
            let index = indexes
                .entry(kind)
                .or_insert_with(|| suggest::NameIndex::new(&candidates()));
            (index.nearest(&name.text, budget)).map(|(best, like)| (best.to_string(), like))
        });
        answer.as_ref().map(|(s, like)| (s.as_str(), like))
    }

    /// Searches ahead, on every core, the answers [`Suggestions::answer`]
    /// will be asked for `wanted` in this order, spending the budget as
    /// asking in turn would: a design with many distinct misspellings
    /// spent most of its resolution on these searches, on one core.
    /// `candidates` gives each kind's names, as `answer` is given them.
    ///
    /// The searches go a batch of one per thread at a time, each allowed
    /// what is left at the batch's start; each is then spent in order, and
    /// one that costs more than is left by then exhausts the budget, as in
    /// turn it would have (a search's answer does not depend on what it
    /// was allowed, only whether it finished). Each core's work stays
    /// within what is left of the budget, so the bound on the run's time
    /// holds.
    pub(crate) fn search_ahead<S: AsRef<str>>(
        &mut self,
        wanted: &[(Kind, &crate::syntax::ast::Name)],
        candidates: impl Fn(Kind) -> Vec<S>,
    ) {
        use rayon::prelude::*;
        let mut todo: Vec<(Kind, &crate::syntax::ast::Name)> = Vec::new();
        let mut listed: rustc_hash::FxHashSet<(Kind, &str)> = Default::default();
        for &(kind, name) in wanted {
            if !self.answers.contains_key(&(kind, *name)) && listed.insert((kind, name.as_str())) {
                todo.push((kind, name));
            }
        }
        for &(kind, _) in &todo {
            self.indexes
                .entry(kind)
                .or_insert_with(|| suggest::NameIndex::new(&candidates(kind)));
        }
        let Suggestions {
            answers,
            indexes,
            budget,
        } = self;
        let batch = rayon::current_num_threads().max(1);
        for names in todo.chunks(batch) {
            // With nothing left, a search that walks a list goes over at
            // once (unsearched); one that walks none finds nothing.
            let cap = *budget;
            let searched: Vec<Option<suggest::Searched>> = names
                .par_iter()
                .map(|(kind, name)| Some(indexes.get(kind)?.search(name, cap)))
                .collect();
            for (&(kind, name), searched) in names.iter().zip(searched) {
                let Some(index) = indexes.get(&kind) else {
                    continue;
                };
                let answer = match searched {
                    Some(suggest::Searched::Within { cost, found }) if cost <= *budget => {
                        *budget -= cost;
                        found.map(|(i, like)| (index.name(i).to_string(), like))
                    }
                    _ => {
                        *budget = 0;
                        Some((String::new(), Likeness::Unsearched))
                    }
                };
                answers.insert((kind, *name), answer);
            }
        }
    }
}

/// MN010 for `name`, with a ready suggestion (a fix when it is the only
/// close name: safe when it mends a slip of the keys in a design,
/// [`slip`]).
fn undefined_suggesting(
    kind: Kind,
    name: &Ident,
    suggestion: Option<(&str, &Likeness)>,
    in_rulebook: bool,
) -> Diagnostic {
    let k = kind.text();
    let mut d = Diagnostic::new(
        Code::MN010,
        name.span,
        text!("undefined {} `{}`", k.en, name.text; "{}{}は定義されていません", k.ja, crate::text::ja_quoted(&name.text)),
    )
    .with_primary_label(text!("no {} has this name", k.en; "この名前の{}はありません", k.ja))
    .with_facts(vec![Fact::text("name", name.text.as_str()), Fact::text("name_kind", kind.key())]);
    let Some((s, like)) = suggestion else {
        return d;
    };
    let mut also_close = Vec::new();
    let by = match like {
        // Said, so that a misspelling left without a suggestion on a
        // large design is not taken for one with no close name.
        Likeness::Unsearched => {
            return d.with_note(Text::new(
                "close names are no longer looked for in this file: the search for them has a budget of work per file, spent on the misspellings before this one",
                "このファイルでは、近い名前の検索を打ち切りました。検索にはファイルごとの作業量の上限があり、この前の綴りの誤りで使い切りました",
            ));
        }
        Likeness::Abbreviates => {
            d = d.with_help(
                text!("did you mean `{s}`? (`{}` would abbreviate it)", name.text;
                                  "{}の略ではありませんか？", JaQuoted(s)),
            );
            "abbreviation"
        }
        Likeness::OnlyNear => {
            let fix = respell_misspelling(name.span, &name.text, s, in_rulebook);
            // Said, so that `check --fix` leaving it is no surprise.
            d = d.with_help(match (fix.applicability, in_rulebook) {
                (Applicability::Safe, _) => {
                    text!("did you mean `{s}`?"; "{}の誤りではありませんか？", JaQuoted(s))
                }
                (_, false) => text!(
                    "did you mean `{s}`? (more than a typing slip apart, so `--fix` leaves it to `--unsafe-fixes`)";
                    "{}の誤りではありませんか？ (単なる打ち間違いを超える違いがあるため、`--fix` では直さず `--unsafe-fixes` に任せます)", JaQuoted(s)
                ),
                (_, true) => text!(
                    "did you mean `{s}`? (in a rulebook the name decides what a rule allows, so `--fix` leaves it to `--unsafe-fixes`)";
                    "{}の誤りではありませんか？ (ルールブックでは名前がルールの認める範囲を決めるため、`--fix` では直さず `--unsafe-fixes` に任せます)", JaQuoted(s)
                ),
            });
            d = d.with_fix(fix);
            "spelling"
        }
        // Said, so that `check --fix` leaving it is no surprise: a
        // respelling is safe only when nothing else is as close. The
        // others are named, so that the reader sees the choice.
        Likeness::Nearest(also) => {
            let others = others_close(also);
            d = d.with_help(text!(
                "did you mean `{s}`? ({} close too, so it is not fixed for you)", others.en;
                "{}の誤りではありませんか？ ({}も近い名前のため、自動では直しません)", JaQuoted(s), others.ja
            ));
            // The names said, and beside them, when not all are, how
            // many there are (as a list cut at `MAX_FACT_NAMES` has it).
            use crate::diagnostic::FactValue;
            also_close.push(Fact {
                key: "also_close",
                value: FactValue::List(also.names.clone()),
            });
            if also.count > also.names.len() {
                also_close.push(Fact {
                    key: "also_close_total",
                    value: FactValue::Count(also.count as u64),
                });
            }
            "spelling"
        }
    };
    // The suggestion may differ only by a variation selector, and then
    // the two names quoted look the same.
    if let Some(note) = lookalike(&name.text, s, Lookalike::Suggested) {
        d = d.with_note(note);
    }
    d.with_facts(vec![
        Fact::text("did_you_mean", s),
        Fact::text("did_you_mean_by", by),
    ])
    .with_facts(also_close)
}

/// The other close names of a "did you mean", as its help names them:
/// "`Y` is", "`Y` and `Z` are", "`Y`, `Z` and 3 more are" (「Y」,
/// 「Y」と「Z」, 「Y」「Z」ほか 3 件).
fn others_close(also: &AlsoClose) -> Text {
    let more = also.count.saturating_sub(also.names.len());
    match (also.names.as_slice(), more) {
        ([y], 0) => text!("`{y}` is"; "{}", JaQuoted(y)),
        ([y, z], 0) => text!("`{y}` and `{z}` are"; "{}と{}", JaQuoted(y), JaQuoted(z)),
        (names, more) => {
            let en: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
            let ja: String = names.iter().map(|n| JaQuoted(n).to_string()).collect();
            text!("{} and {more} more are", en.join(", "); "{ja}ほか {more} 件")
        }
    }
}

/// MN011 for a second definition of `name`, first defined at `first` as
/// `first_name`.
pub(crate) fn duplicate(kind: Kind, name: &Ident, first: Span, first_name: &str) -> Diagnostic {
    let k = kind.text();
    let d = Diagnostic::new(
        Code::MN011,
        name.span,
        text!("{} `{}` is defined more than once", k.en, name.text; "{}{}が二重に定義されています", k.ja, JaQuoted(&name.text)),
    )
    .with_primary_label(Text::new("defined again here", "ここで再び定義されています"))
    .with_label(first, Text::new("first defined here", "最初の定義"))
    .with_help(Text::new(
        "names compare after NFKC normalisation and removal of spaces; rename or remove one",
        "名前は NFKC 正規化と空白の除去の後で比較されます。どちらかの名前を変えるか、削除してください",
    ));
    match lookalike(&name.text, first_name, Lookalike::FirstDefinition) {
        Some(note) => d.with_note(note),
        None => d,
    }
}

/// MN014 when `used` is spelled differently from its declaration.
pub(crate) fn check_spelling(used: &Ident, declared: &str, declared_at: Span, out: &mut Tally) {
    if *used.text != *declared {
        out.push_made_with_fix(Code::MN014, used.span, || {
            let d = Diagnostic::new(
                Code::MN014,
                used.span,
                text!("`{}` is spelled differently from its declaration `{}`", used.text, declared;
                      "{}は宣言{}と表記が異なります", JaQuoted(&used.text), JaQuoted(declared)),
            )
            .with_primary_label(Text::new("this spelling", "この表記"))
            .with_label(declared_at, Text::new("declared here", "宣言"))
            .with_help(text!("write `{}` everywhere", declared; "表記を{}に統一してください", JaQuoted(declared)))
            .with_fix(respell(used.span, declared));
            match lookalike(&used.text, declared, Lookalike::Declaration) {
                Some(note) => d.with_note(note),
                None => d,
            }
        }, || respell(used.span, declared));
    }
}

/// What the other name of a [`lookalike`] note is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Lookalike {
    /// The declaration of the name written (MN014: one name spelled two
    /// ways).
    Declaration,
    /// The first definition of a name defined twice (MN011).
    FirstDefinition,
    /// The name a "did you mean" offers for an undefined one (MN010): a
    /// name of its own, which looks like the one written (a Kangxi
    /// radical for an ideograph, say).
    Suggested,
    /// A legal name in the contractor register (MN301), like the one
    /// written.
    Registered,
}

impl Lookalike {
    /// The two names, as the note's sentence starts.
    fn pair(self) -> Text {
        match self {
            Lookalike::Suggested => {
                Text::new("this name and the one suggested", "この名前と候補の名前")
            }
            Lookalike::Registered => Text::new(
                "this legal name and the registered one",
                "この法人名と公表されている名称",
            ),
            _ => Text::new("the two spellings", "二つの表記"),
        }
    }

    /// The other name, where the note says what it is made of.
    fn there(self) -> Text {
        match self {
            Lookalike::Declaration => Text::new("the declaration", "宣言"),
            Lookalike::FirstDefinition => Text::new("the first definition", "最初の定義"),
            Lookalike::Suggested => Text::new("the name suggested", "候補の名前"),
            Lookalike::Registered => Text::new("the register", "委託先一覧"),
        }
    }
}

/// When two names look the same (canonically equivalent, `テ` + U+3099
/// and `デ`; a Kangxi radical for the ideograph it looks like; or the
/// same but for variation selectors, `葛` + U+E0100 and `葛`, `☎` +
/// U+FE0F and `☎`), a note that shows the characters that differ by code
/// point: the messages quote the two names, and the reader would see the
/// same name twice. `other` says what the other name, `there`, is.
pub(crate) fn lookalike(here: &str, there: &str, other: Lookalike) -> Option<Text> {
    use crate::escape::is_variation_selector;
    use crate::names::key;
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;
    if here == there {
        return None;
    }
    let (a, b): (Vec<char>, Vec<char>) = (here.chars().collect(), there.chars().collect());
    // The differing middle, whole characters with their combining marks.
    let mut start = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    while start > 0
        && (a.get(start).is_some_and(|c| is_combining_mark(*c))
            || b.get(start).is_some_and(|c| is_combining_mark(*c)))
    {
        start -= 1;
    }
    let common_end = a[start..]
        .iter()
        .rev()
        .zip(b[start..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (x, y) = (
        &a[start..a.len() - common_end],
        &b[start..b.len() - common_end],
    );
    let (x, y): (String, String) = (x.iter().collect(), y.iter().collect());
    let canonical = here.nfc().eq(there.nfc());
    let radical =
        |s: &str| !s.is_empty() && s.chars().all(|c| ('\u{2E80}'..='\u{2FDF}').contains(&c));
    // NFKC keeps variation selectors; the key leaves them out, so names
    // that differ only by them are one name (MN011, MN014), which a
    // reader cannot tell from the two spellings quoted.
    let drawn = |s: &str| -> String { s.chars().filter(|c| !is_variation_selector(*c)).collect() };
    let selectors = !canonical && drawn(here).nfc().eq(drawn(there).nfc());
    let spacing_mark = |s: &str| s.contains(['\u{309B}', '\u{309C}']);
    // `か゛` and `が`: NFKC makes the spacing mark a space and a
    // combining one, and the key, without the space, composes them.
    let spacing = (spacing_mark(&x) || spacing_mark(&y)) && key(&x) == key(&y);
    let looks_alike = canonical
        || selectors
        || spacing
        || ((radical(&x) || radical(&y)) && x.nfkc().eq(y.nfkc()))
        || crate::names::dashes_alike(&x, &y);
    if !looks_alike {
        return None;
    }
    let points = |s: &str| {
        s.chars()
            .map(|c| format!("U+{:04X}", c as u32))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let form = |s: &str| -> Text {
        if radical(s) {
            Text::new(" (a Kangxi radical)", " (康熙部首)")
        } else if spacing_mark(s) {
            Text::new(
                " (with a spacing sound mark, ゛ or ゜)",
                " (単独の濁点・半濁点 ゛゜ 付き)",
            )
        } else if s.chars().any(is_variation_selector) {
            Text::new(" (with a variation selector)", " (異体字セレクタ付き)")
        } else if !canonical {
            Text::default()
        } else if s.nfc().eq(s.chars()) {
            Text::new(" (composed, NFC)", " (合成済みの文字、NFC)")
        } else if s.nfd().eq(s.chars()) {
            Text::new(
                " (with a combining mark, NFD)",
                " (結合文字による分解形、NFD)",
            )
        } else {
            Text::default()
        }
    };
    // What both show: for a spacing sound mark, the kana it composes
    // to (`が`, not `か゛`, which is one of the two).
    let read: String = match spacing {
        true => key(&y),
        false => y.nfc().collect(),
    };
    let shown: String = crate::escape::visible(&read).into_owned();
    let (fx, fy) = (form(&x), form(&y));
    let (px, py) = (points(&x), points(&y));
    let (pair, there_is) = (other.pair(), other.there());
    // Why two spellings that differ are one name, which the user reading
    // LANGUAGE.md's "names compare after NFKC" would not expect (NFKC
    // keeps the selectors).
    let kept = match selectors {
        true => Text::new(
            "; names are compared without their variation selectors",
            "。名前は異体字セレクタを除いて比較されます",
        ),
        false => Text::default(),
    };
    Some(text!(
        "{} look the same but are different characters: `{shown}` is {px}{} here and {py}{} in {}{}", pair.en, fx.en, fy.en, there_is.en, kept.en;
        "{}は見た目が同じですが、文字が違います: 「{shown}」はここでは {px}{}、{}では {py}{} です{}", pair.ja, fx.ja, there_is.ja, fy.ja, kept.ja
    ))
}

/// The safe fix that writes `name` at `span`.
/// MN010's respelling of the undefined `written` as the one close name
/// `meant`: safe only where it mends a slip of the keys in a design
/// ([`slip::mends_a_slip`]); else a person confirms it.
fn respell_misspelling(span: Span, written: &str, meant: &str, in_rulebook: bool) -> Fix {
    let mut fix = respell(span, meant);
    if in_rulebook || !slip::mends_a_slip(written, meant) {
        fix.applicability = Applicability::Unsafe;
    }
    fix
}

fn respell(span: Span, name: &str) -> Fix {
    let written = write_name(name);
    Fix::safe(
        text!("write `{written}`"; "{}と書く", JaQuoted(&written)),
        vec![Edit {
            span,
            content: written,
        }],
    )
}

/// Adds to `diags` the MN017 of [`misplaced`], worded only when it is
/// kept in full (a design of half a million `clause` lines).
pub(crate) fn push_misplaced(diags: &mut Tally, keyword: &str, span: Span, in_rulebook: bool) {
    diags.push_made(Code::MN017, span, || misplaced(keyword, span, in_rulebook));
}

/// MN017 for a statement that belongs in the other kind of file.
fn misplaced(keyword: &str, span: Span, in_rulebook: bool) -> Diagnostic {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::ast::{Name, Sym};

    /// Each kind's names, as the resolver gives them.
    fn names_of(kind: Kind) -> Vec<String> {
        let (stem, n) = match kind {
            Kind::Actor => ("加入者ポータル", 40),
            Kind::Data => ("健診結果", 25),
            _ => ("保険給付", 8),
        };
        (0..n).map(|i| format!("{stem}{i:03}")).collect()
    }

    /// Misspellings of three kinds, some repeated, some near nothing.
    fn misspellings() -> Vec<(Kind, Name)> {
        let mut out = Vec::new();
        for i in 0..24 {
            let kind = [Kind::Actor, Kind::Data, Kind::Purpose][i % 3];
            let text = match i % 4 {
                0 => format!("{}x", names_of(kind)[i % 8]),
                1 => names_of(kind)[i % 8].replace('0', "O"),
                2 => "全然違う名前".to_string(),
                _ => format!("{}{}", &names_of(kind)[0][..6], i),
            };
            out.push((kind, Name::from(text.as_str())));
        }
        let again = out[1];
        out.push(again);
        out
    }

    fn ident(text: &Name) -> Ident {
        Ident {
            text: *text,
            span: Span::new(crate::span::FileId(0), 0, 0),
            sym: Sym::NONE,
        }
    }

    /// A misspelling met once the file's budget is spent says that close
    /// names were not looked for, and has no fix: it is not taken for a
    /// name with none close (the scale audit's D8).
    #[test]
    fn a_misspelling_past_the_budget_says_it_was_not_searched() {
        let mut s = Suggestions {
            budget: 0,
            ..Suggestions::default()
        };
        let name = ident(&Name::from("保険給付00x"));
        let answer = s.answer(Kind::Purpose, &name, || names_of(Kind::Purpose));
        assert_eq!(answer.map(|(_, like)| like), Some(&Likeness::Unsearched));
        let d = undefined_suggesting(Kind::Purpose, &name, answer, false);
        assert!(d.fixes.is_empty() && d.help.is_none(), "{d:?}");
        let said: Vec<&str> = d.notes.iter().map(|n| n.en.as_str()).collect();
        assert!(
            said.iter().any(|n| n.contains("no longer looked for")),
            "{said:?}"
        );
        // With budget left, the same misspelling is answered.
        let mut fresh = Suggestions::default();
        let found = fresh.answer(Kind::Purpose, &name, || names_of(Kind::Purpose));
        assert_eq!(found.map(|(n, _)| n), Some("保険給付000"));
    }

    #[test]
    fn an_undefined_name_past_the_cap_is_worded_never_and_keeps_its_fix() {
        use crate::tally::Keep;
        let role = |start: usize| Ident {
            text: Name::from("事業生"),
            span: Span::new(crate::span::FileId(0), start, start + 9),
            sym: Sym::NONE,
        };
        let sections = (Text::new("s", "s"), Vec::new());
        // The only close name, something else, and no answer.
        let answers = [
            (Some(("事業主", &Likeness::OnlyNear)), None),
            (
                Some(("事業主", &Likeness::OnlyNear)),
                Some(NamesOther::Section(&sections)),
            ),
            (None, None),
        ];
        for (answer, other) in answers {
            let answer: Option<(&str, &Likeness)> = answer;
            let mut diags = Tally::new(Keep::FixesAndFirst(2));
            let mut worded = 0;
            for i in 0..5 {
                let name = role(i * 20);
                let u = Undefined {
                    kind: Kind::Role,
                    name: &name,
                    answer,
                    other,
                    commas: None,
                    in_rulebook: false,
                };
                u.push(&mut diags, |d| {
                    worded += 1;
                    d
                });
            }
            assert_eq!(worded, 2, "{answer:?} {other:?}");
            let full: Vec<&Diagnostic> = diags.full().collect();
            let fixes = |f: &[Fix]| f.iter().map(|f| f.edits.len()).sum::<usize>();
            let want = usize::from(answer.is_some() && other.is_none());
            assert!(full.iter().all(|d| fixes(&d.fixes) == want), "{full:?}");
            let hollow = diags.hollow();
            assert_eq!(hollow.len(), 3);
            assert!(
                hollow.iter().all(|h| fixes(h.fixes()) == want),
                "{hollow:?}"
            );
            // Its words are those a full finding has.
            assert!(
                full.iter()
                    .all(|d| d.message.en == "undefined role `事業生`")
            );
        }
    }

    /// The answers and what is left, asked in turn or searched ahead.
    fn answered(budget: usize, ahead: bool) -> (Vec<Option<(String, Likeness)>>, usize) {
        let wanted = misspellings();
        let mut s = Suggestions {
            budget,
            ..Suggestions::default()
        };
        if ahead {
            let refs: Vec<(Kind, &Name)> = wanted.iter().map(|(k, n)| (*k, n)).collect();
            s.search_ahead(&refs, names_of);
        }
        let answers = wanted
            .iter()
            .map(|(kind, name)| {
                let answer = s.answer(*kind, &ident(name), || names_of(*kind));
                answer.map(|(n, like)| (n.to_string(), like.clone()))
            })
            .collect();
        (answers, s.budget)
    }

    #[test]
    fn answers_searched_ahead_are_those_asked_in_turn_at_every_budget() {
        let (all, left) = answered(usize::MAX / 2, false);
        let total = usize::MAX / 2 - left;
        assert!(all.iter().filter(|h| h.is_some()).count() >= 6, "{all:?}");
        assert!(all.iter().any(Option::is_none));
        // Every budget up to the whole cost, past it, and none: the
        // budget runs out before each search in turn, and inside it.
        let budgets = (0..=total + 2)
            .step_by((total / 400).max(1))
            .chain([0, 1, total - 1, total]);
        let mut cut_short = 0;
        for budget in budgets {
            let in_turn = answered(budget, false);
            assert_eq!(answered(budget, true), in_turn, "budget {budget}");
            cut_short += usize::from(in_turn.0 != all);
        }
        assert!(cut_short > 100, "{cut_short}");
    }

    /// When other names are close too, the help names the next nearest
    /// (two at most, and how many more), in English and Japanese, and the
    /// facts carry them; there is no fix.
    #[test]
    fn the_help_names_the_other_close_names() {
        let also = |names: &[&str], count| AlsoClose {
            names: names.iter().map(|n| n.to_string()).collect(),
            count,
        };
        let name = ident(&Name::from("保険料徴集"));
        let helped = |a: AlsoClose| {
            let like = Likeness::Nearest(a);
            let d = undefined_suggesting(Kind::Purpose, &name, Some(("保険料徴収", &like)), false);
            assert!(d.fixes.is_empty());
            let help = d.help.clone().expect("a help");
            (help, d.facts)
        };
        let (help, facts) = helped(also(&["保険料還付"], 1));
        assert_eq!(
            help.en,
            "did you mean `保険料徴収`? (`保険料還付` is close too, so it is not fixed for you)"
        );
        assert_eq!(
            help.ja,
            "「保険料徴収」の誤りではありませんか？ (「保険料還付」も近い名前のため、自動では直しません)"
        );
        let list = |names: &[&str]| Fact {
            key: "also_close",
            value: crate::diagnostic::FactValue::List(
                names.iter().map(|n| n.to_string()).collect(),
            ),
        };
        assert!(facts.contains(&list(&["保険料還付"])), "{facts:?}");
        assert!(!facts.iter().any(|f| f.key == "also_close_total"));
        let (help, _) = helped(also(&["A", "B"], 2));
        assert!(
            help.en.contains("(`A` and `B` are close too, so"),
            "{}",
            help.en
        );
        assert!(
            help.ja.contains("(「A」と「B」も近い名前のため"),
            "{}",
            help.ja
        );
        let (help, facts) = helped(also(&["A", "B"], 5));
        assert!(
            help.en.contains("(`A`, `B` and 3 more are close too, so"),
            "{}",
            help.en
        );
        assert!(
            help.ja.contains("(「A」「B」ほか 3 件も近い名前のため"),
            "{}",
            help.ja
        );
        assert!(facts.contains(&list(&["A", "B"])), "{facts:?}");
        assert!(facts.contains(&Fact {
            key: "also_close_total",
            value: crate::diagnostic::FactValue::Count(5),
        }));
    }

    #[test]
    fn lookalike_spellings_are_shown_by_code_point() {
        let note = |a: &str, b: &str| super::lookalike(a, b, Lookalike::Declaration);
        // テ + combining voiced mark against デ: the differing characters.
        let n = note("\u{30c6}\u{3099}ータ基盤", "データ基盤").expect("a note");
        assert!(
            n.en.contains(
                "`デ` is U+30C6 U+3099 (with a combining mark, NFD) here and U+30C7 (composed, NFC)"
            ),
            "{}",
            n.en
        );
        assert!(n.ja.contains("「デ」はここでは U+30C6 U+3099"), "{}", n.ja);
        // A mark after a common base: the base is shown with it.
        let n = note("ae\u{301}", "a\u{e9}").expect("a note");
        assert!(n.en.contains("`é` is U+0065 U+0301"), "{}", n.en);
        // A Kangxi radical for the ideograph it looks like.
        let n = note("\u{2f08}事", "人事").expect("a note");
        assert!(
            n.en.contains("U+2F08 (a Kangxi radical) here and U+4EBA"),
            "{}",
            n.en
        );
        // Spellings a reader can tell apart get no note.
        assert_eq!(note("ﾚｾﾌﾟﾄ", "レセプト"), None);
        assert_eq!(note("情報提供ＮＷＳ", "情報提供NWS"), None);
        assert_eq!(note("データ 基盤", "データ基盤"), None);
        assert_eq!(note("人事", "人事"), None);
    }

    /// Names that differ only by a variation selector are one name (the
    /// key leaves it out, NFKC keeps it): the MN011 of a second
    /// declaration, and the MN014 of a use, show the selector.
    #[test]
    fn names_differing_by_a_variation_selector_are_shown_by_code_point() {
        let n = super::lookalike("葛\u{e0100}飾区", "葛飾区", Lookalike::FirstDefinition)
            .expect("a note");
        assert_eq!(
            n.en,
            "the two spellings look the same but are different characters: \
             `葛` is U+845B U+E0100 (with a variation selector) here and U+845B in the first \
             definition; names are compared without their variation selectors"
        );
        assert_eq!(
            n.ja,
            "二つの表記は見た目が同じですが、文字が違います: 「葛」はここでは \
             U+845B U+E0100 (異体字セレクタ付き)、最初の定義では U+845B です。\
             名前は異体字セレクタを除いて比較されます"
        );
        let note = |a: &str, b: &str| super::lookalike(a, b, Lookalike::Declaration);
        // An emoji with and without VS16, either way round.
        let n = note("☎窓口", "☎\u{fe0f}窓口").expect("a note");
        assert!(
            n.en.contains("is U+260E here and U+260E U+FE0F (with a variation selector) in"),
            "{}",
            n.en
        );
        // A selector on a character that also differs: two names a reader
        // can tell apart.
        assert_eq!(note("葛\u{e0100}飾区", "葛西区"), None);
    }
}
