//! A name with a list mark in it: `、` (U+3001) or `､` (U+FF64), what a
//! Japanese input method types between the items of a list, or `・`,
//! `･`, `／`, `/`, `；` (the middle dot that joins items in Japanese prose,
//! and slashes and a full-width semicolon). The grammar separates names with `,`
//! only (LANGUAGE.md §2), so `名簿、台帳` and `名簿・台帳` are one name each;
//! when it is undefined (MN010), respelling it as the close name `名簿`
//! would drop `台帳` without a word. Such a name gets no respelling to a
//! name that covers only part of it; its help says that the mark
//! separates nothing, and where a list may stand and every part is a
//! declared name of the kind wanted there, its fix writes the parts as a
//! `,` list. (`・` and the slashes also join words inside one name, as in
//! `課税・非課税情報`: a name with one of them is taken for a list only
//! when its parts are declared names and a list may stand there.)

use crate::fix::{Edit, Fix};
use crate::names::key;
use crate::span::Span;
use crate::syntax::lexer::write_name;
use crate::text;
use crate::text::{JaQuoted, Text};

/// Is `c` a mark typed between the items of a list: `、`, `､`, `・`, `･`,
/// `／`, `/` or `；`?
fn is_list_mark(c: char) -> bool {
    matches!(c, '、' | '､' | '・' | '･' | '／' | '/' | '；')
}

/// The mark as the name key writes it (its NFKC: `､` is `、`, `･` is `・`,
/// `／` is `/`, `；` is `;`).
fn keyed(mark: char) -> char {
    match mark {
        '､' => '、',
        '･' => '・',
        '／' => '/',
        '；' => ';',
        c => c,
    }
}

/// The parts of a name written with `、` between them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CommaParts {
    /// The parts as written, white space around each taken off.
    parts: Vec<String>,
    /// The first mark written (`、`, `・` …), as the help names it; the
    /// name is split at every mark of its kind (its key's).
    mark: char,
    /// Does a list stand where the name is, and is every part a declared
    /// name of the kind wanted there? Then the `,` list is the fix.
    all_declared: bool,
}

impl CommaParts {
    /// The parts of `name` when it has a list mark in it (None else, the
    /// case of nearly every name: one scan of its characters); `list`
    /// says whether a list of names may stand where it is written, and
    /// `declared` whether a part is a declared name of the kind wanted.
    pub(crate) fn of(name: &str, list: bool, declared: impl Fn(&str) -> bool) -> Option<Self> {
        let mark = name.chars().find(|&c| is_list_mark(c))?;
        let parts: Vec<String> = (name.split(|c| is_list_mark(c) && keyed(c) == keyed(mark)))
            .map(|p| p.trim().to_string())
            .collect();
        let all_declared = list && parts.iter().all(|p| !p.is_empty() && declared(p));
        // `・` and the slashes also join words inside one name
        // (`課税・非課税情報`): only a list of declared names is read as a
        // list typed the Japanese way.
        if !all_declared && !matches!(keyed(mark), '、') {
            return None;
        }
        Some(CommaParts {
            parts,
            mark,
            all_declared,
        })
    }

    /// Does `suggested` cover the whole name written (as many marks of
    /// the kind in its key as the name's), so that respelling to it drops
    /// no part?
    pub(crate) fn covered_by(&self, suggested: &str) -> bool {
        key(suggested).matches(keyed(self.mark)).count() + 1 >= self.parts.len()
    }

    /// The fix that writes the parts as a `,` list at `span`, when every
    /// part is declared and a list may stand there. Safe: each part is
    /// exactly a declared name and the name written names nothing, so no
    /// meaning the design had is replaced; the `,` list is what the
    /// author typed, read as the grammar reads lists.
    pub(crate) fn fix(&self, span: Span) -> Option<Fix> {
        if !self.all_declared {
            return None;
        }
        let written: Vec<String> = self.parts.iter().map(|p| write_name(p)).collect();
        let written = written.join(", ");
        Some(Fix::safe(
            text!("separate with `,`: `{written}`"; "`,` で区切って{}と書く", JaQuoted(&written)),
            vec![Edit {
                span,
                content: written,
            }],
        ))
    }

    /// The help: `、` separates nothing, the name is read whole, and
    /// (when the fix is offered) its parts are each declared.
    pub(crate) fn help(&self, name: &str) -> Text {
        let mark = self.mark;
        if self.all_declared {
            let en: Vec<String> = self.parts.iter().map(|p| format!("`{p}`")).collect();
            let en = en.join(", ");
            let ja: String = self.parts.iter().map(|p| JaQuoted(p).to_string()).collect();
            text!(
                "`{mark}` does not separate names, so `{name}` is read as one name; {en} are each declared: separate them with `,`";
                "「{mark}」は名前の区切りではないため、{}は一つの名前として読まれます。{ja}はどれも宣言されています。`,` で区切ってください", JaQuoted(name)
            )
        } else {
            text!(
                "`{mark}` does not separate names, so `{name}` is read as one name; separate the names of a list with `,`";
                "「{mark}」は名前の区切りではないため、{}は一つの名前として読まれます。一覧の名前は `,` で区切ってください", JaQuoted(name)
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::FileId;

    fn declared(n: &str) -> bool {
        ["名簿", "台帳", "株式会社 J M D C"].contains(&n)
    }

    /// `・` between declared names is a list typed the Japanese way, as
    /// `、` is; a close name joined by `・` as often covers the name whole.
    #[test]
    fn a_middle_dot_or_a_full_width_slash_between_declared_names_is_a_list() {
        let span = Span::new(FileId(0), 3, 18);
        for written in [
            "名簿・台帳",
            "名簿･台帳",
            "名簿／台帳",
            "名簿/台帳",
            "名簿；台帳",
            "名簿 ・ 台帳",
        ] {
            let parts = CommaParts::of(written, true, declared).expect(written);
            let fix = parts.fix(span).expect(written);
            assert_eq!(fix.edits[0].content, "名簿, 台帳", "{written}");
            assert!(!parts.covered_by("名簿"), "{written}");
            assert!(parts.help(written).en.contains("does not separate"));
        }
        // Not a list of declared names: one name, as `、` never is.
        for (written, list) in [
            ("課税・非課税情報x", true),
            ("名簿・台帳", false),
            ("名簿・台帳、台帳", true),
        ] {
            assert_eq!(CommaParts::of(written, list, declared), None, "{written}");
        }
    }

    #[test]
    fn a_name_without_an_ideographic_comma_has_no_parts() {
        assert_eq!(CommaParts::of("名簿", true, declared), None);
        assert_eq!(CommaParts::of("名簿,台帳", true, declared), None);
    }

    #[test]
    fn declared_parts_in_a_list_are_fixed_as_a_comma_list() {
        let span = Span::new(FileId(0), 3, 18);
        for written in ["名簿、台帳", "名簿､台帳", "名簿、 台帳"] {
            let parts = CommaParts::of(written, true, declared).expect(written);
            let fix = parts.fix(span).expect(written);
            assert_eq!(fix.edits[0].content, "名簿, 台帳");
            assert!(!parts.covered_by("名簿"));
            assert!(parts.help(written).ja.contains("どれも宣言されています"));
        }
        // A part that must be quoted is written quoted.
        let parts = CommaParts::of("名簿、株式会社 J M D C", true, declared).unwrap();
        assert_eq!(
            parts.fix(span).unwrap().edits[0].content,
            "名簿, \"株式会社 J M D C\""
        );
    }

    #[test]
    fn no_fix_when_a_part_is_undeclared_or_no_list_stands_there() {
        let span = Span::new(FileId(0), 0, 1);
        for (written, list) in [
            ("名簿、台帳", false),
            ("名簿、名薄", true),
            ("名簿、", true),
            ("名簿、、台帳", true),
        ] {
            let parts = CommaParts::of(written, list, declared).expect(written);
            assert_eq!(parts.fix(span), None, "{written}");
            assert!(parts.help(written).en.contains("does not separate"));
        }
        // A suggestion with the commas in it covers the whole name.
        let parts = CommaParts::of("資格確認、証発効", true, declared).unwrap();
        assert!(parts.covered_by("資格確認、証発行"));
        assert!(parts.covered_by("資格確認､証発行"));
        assert!(!parts.covered_by("資格確認"));
    }
}
