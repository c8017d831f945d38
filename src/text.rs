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

/// Joins names for a message: `a, b, c` in English, `a、b、c` in Japanese.
pub fn list(items: &[String]) -> Text {
    Text {
        en: items.join(", "),
        ja: items.join("、"),
    }
}
