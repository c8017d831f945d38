//! Bilingual text: every user-facing message exists in English and Japanese.

use std::fmt;

/// The language output is rendered in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Japanese.
    Ja,
}

impl Lang {
    /// The language chosen by a `LANG`-style locale string (`ja*` → Japanese).
    pub fn from_locale(locale: &str) -> Lang {
        if locale.to_ascii_lowercase().starts_with("ja") {
            Lang::Ja
        } else {
            Lang::En
        }
    }

    /// Parses `ja` or `en`.
    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "en" => Some(Lang::En),
            "ja" => Some(Lang::Ja),
            _ => None,
        }
    }
}

/// A message in both languages.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Text {
    /// English wording.
    pub en: String,
    /// Japanese wording.
    pub ja: String,
}

impl Text {
    /// A message from its two wordings.
    pub fn new(en: impl Into<String>, ja: impl Into<String>) -> Self {
        Text {
            en: en.into(),
            ja: ja.into(),
        }
    }

    /// The same words in both languages (names, quotations).
    pub fn same(s: impl Into<String>) -> Self {
        let s = s.into();
        Text {
            en: s.clone(),
            ja: s,
        }
    }

    /// The wording in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Ja => &self.ja,
        }
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.en)
    }
}

/// Builds a [`Text`] from two format strings: `text!("found {x}"; "{x} があります")`.
#[macro_export]
macro_rules! text {
    ($($en:expr),+ ; $($ja:expr),+) => {
        $crate::text::Text { en: format!($($en),+), ja: format!($($ja),+) }
    };
}

/// Names a message lists before `and N more`: a help line stays readable
/// (and small) however many names a rulebook has.
pub const MAX_LISTED: usize = 20;

/// What sets the names of a list apart: `, ` in English, `、` in Japanese.
pub fn list_separator(lang: Lang) -> &'static str {
    match lang {
        Lang::En => ", ",
        Lang::Ja => "、",
    }
}

/// Joins names for a message: `a, b, c` in English, `a、b、c` in Japanese;
/// past [`MAX_LISTED`] names, the count of the rest.
pub fn list(items: &[String]) -> Text {
    let shown = &items[..items.len().min(MAX_LISTED)];
    let more = more(items.len() - shown.len());
    Text {
        en: shown.join(list_separator(Lang::En)) + &more.en,
        ja: shown.join(list_separator(Lang::Ja)) + &more.ja,
    }
}

/// [`list`] of names, each set off in Japanese by 「」 (『』 for one that
/// holds a corner bracket), as a name in a Japanese sentence is: a bare
/// name before a particle would need spaces to be told apart.
pub fn quoted_list(items: &[String]) -> Text {
    let shown = &items[..items.len().min(MAX_LISTED)];
    let more = more(items.len() - shown.len());
    let ja: Vec<String> = shown.iter().map(|n| ja_quoted(n)).collect();
    Text {
        en: shown.join(", ") + &more.en,
        ja: ja.join("、") + &more.ja,
    }
}

/// `name` in Japanese quotation marks: 「name」, or 『name』 when it holds
/// 「 or 」 itself (so that the brackets do not nest into 「「…」」).
pub fn ja_quoted(name: &str) -> String {
    JaQuoted(name).to_string()
}

/// A name set off in Japanese as [`ja_quoted`] sets it, written where it is
/// formatted (a message words the same name in English too, unquoted).
#[derive(Clone, Copy, Debug)]
pub struct JaQuoted<'a>(pub &'a str);

impl fmt::Display for JaQuoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.contains(['「', '」']) {
            true => write!(f, "『{}』", self.0),
            false => write!(f, "「{}」", self.0),
        }
    }
}

/// What follows a list cut after [`MAX_LISTED`] names: ` and N more`, ` ほか
/// N 件`; nothing when `rest` is 0.
pub fn more(rest: usize) -> Text {
    if rest == 0 {
        return Text::default();
    }
    text!(" and {rest} more"; " ほか {rest} 件")
}

/// Japanese pieces joined with a space where code meets words: between a
/// piece that ends in ASCII (`` `flow` ``, `"名前"`, `U+3000`) and one that
/// starts with a Japanese word or particle, and the other way round; none
/// beside Japanese punctuation. `["`flow` には", "`->`", "が必要です"]` →
/// `` `flow` には `->` が必要です ``.
pub fn ja_join(parts: &[&str]) -> String {
    const TIGHT: &str = "、。，．「」『』（）［］・：(";
    let ascii = |c: char| c.is_ascii_graphic() && c != '(';
    let mut out = String::new();
    for p in parts.iter().filter(|p| !p.is_empty()) {
        if let (Some(l), Some(r)) = (out.chars().next_back(), p.chars().next()) {
            let tight = TIGHT.contains(l) || TIGHT.contains(r) || l == ' ' || r == ' ';
            if !tight && (ascii(l) != ascii(r)) {
                out.push(' ');
            }
        }
        out.push_str(p);
    }
    out
}

/// A date `YYYY-MM-DD` as Japanese legal prose writes it:
/// `2021年(令和3年)9月1日`, with the era year from 1989-01-08 (平成) and
/// 2019-05-01 (令和). Anything else is returned as it is (a date is
/// checked where it is read; this only words one).
pub fn date_ja(iso: &str) -> String {
    let parts: Vec<&str> = iso.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return iso.to_string();
    };
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<u32>(), m.parse::<u32>(), d.parse::<u32>()) else {
        return iso.to_string();
    };
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return iso.to_string();
    }
    let era = match (y, m, d) {
        (2019, 5.., _) | (2020.., _, _) => Some(("令和", y - 2018)),
        (1989, 1, 8..) | (1989, 2.., _) | (1990..=2019, _, _) => Some(("平成", y - 1988)),
        _ => None,
    };
    match era {
        Some((name, 1)) => format!("{y}年({name}元年){m}月{d}日"),
        Some((name, n)) => format!("{y}年({name}{n}年){m}月{d}日"),
        None => format!("{y}年{m}月{d}日"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japanese_pieces_are_spaced_where_code_meets_words() {
        assert_eq!(
            ja_join(&[
                "`flow` には",
                "`->` か `<->`",
                "が必要ですが、",
                "`－＞`",
                "があります"
            ]),
            "`flow` には `->` か `<->` が必要ですが、`－＞` があります"
        );
        assert_eq!(
            ja_join(&[
                "全角スペース (U+3000)",
                "を",
                "半角スペース",
                "として読みました"
            ]),
            "全角スペース (U+3000) を半角スペースとして読みました"
        );
        assert_eq!(ja_join(&["利用目的", "が必要です"]), "利用目的が必要です");
        assert_eq!(ja_join(&["「名前」", "は"]), "「名前」は");
        let names = ["審査支払機関".to_string(), "「名簿」".to_string()];
        assert_eq!(quoted_list(&names).ja, "「審査支払機関」、『「名簿」』");
        assert_eq!(format!("{}を", JaQuoted("「台帳」")), "『「台帳」』を");
        assert_eq!(format!("{}を", JaQuoted("台帳")), "「台帳」を");
        assert_eq!(quoted_list(&names).en, "審査支払機関, 「名簿」");
    }

    #[test]
    fn dates_in_japanese_prose() {
        assert_eq!(date_ja("2021-09-01"), "2021年(令和3年)9月1日");
        assert_eq!(date_ja("2019-05-01"), "2019年(令和元年)5月1日");
        assert_eq!(date_ja("2019-04-30"), "2019年(平成31年)4月30日");
        assert_eq!(date_ja("1989-01-08"), "1989年(平成元年)1月8日");
        assert_eq!(date_ja("1989-01-07"), "1989年1月7日");
        assert_eq!(date_ja("2024-12-04"), "2024年(令和6年)12月4日");
        assert_eq!(date_ja("someday"), "someday");
        assert_eq!(date_ja("2024-13-01"), "2024-13-01");
    }

    #[test]
    fn long_lists_are_cut() {
        let items: Vec<String> = (0..25).map(|i| format!("p{i}")).collect();
        let t = list(&items);
        assert!(t.en.ends_with("p19 and 5 more"), "{}", t.en);
        assert!(t.ja.ends_with("p19 ほか 5 件"), "{}", t.ja);
        assert_eq!(list(&items[..2]).en, "p0, p1");
    }
}
