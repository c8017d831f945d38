//! `mynaflow explain CODE`.

use super::output::fail_in;
use super::stdout::print_then;
use super::{FAILURE, OK};
use mynaflow::code::Code;
use mynaflow::text::Lang;
use std::fmt::Write as _;

/// A severity in the list of codes, padded to eight columns (a Japanese
/// word is two columns a character).
fn severity(s: mynaflow::code::Severity, lang: Lang) -> String {
    use unicode_width::UnicodeWidthStr;
    let word = mynaflow::render::severity_word(s, lang);
    format!("{word}{}", " ".repeat(8usize.saturating_sub(word.width())))
}

/// Prints the page of `code`, or without one the list of every code.
pub fn run(code: Option<&str>, lang: Lang) -> u8 {
    let Some(code) = code else {
        let mut out = String::new();
        for c in Code::ALL {
            let _ = writeln!(
                out,
                "{}  {} {}",
                c.as_str(),
                severity(c.severity(), lang),
                c.title().get(lang)
            );
        }
        return print_then(lang, &out, OK);
    };
    match Code::parse(code) {
        Some(c) => print_then(lang, c.explain(lang), OK),
        None => {
            fail_in(
                lang,
                &mynaflow::text!(
                    "unknown code `{code}`; `mynaflow explain` lists them";
                    "「{code}」というコードはありません。`mynaflow explain` で一覧を表示できます"
                ),
            );
            FAILURE
        }
    }
}
