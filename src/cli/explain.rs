//! `mynaflow explain CODE`.

use super::output::fail_in;
use super::{FAILURE, OK};
use mynaflow::code::Code;
use mynaflow::text::Lang;

/// A severity in the list of codes, padded to eight columns (a Japanese
/// word is two columns a character).
fn severity(s: mynaflow::code::Severity, lang: Lang) -> String {
    use unicode_width::UnicodeWidthStr;
    let word = mynaflow::render::severity_word(s, lang);
    format!("{word}{}", " ".repeat(8usize.saturating_sub(word.width())))
}

pub fn run(code: Option<&str>, lang: Lang) -> u8 {
    let Some(code) = code else {
        for c in Code::ALL {
            println!(
                "{}  {} {}",
                c.as_str(),
                severity(c.severity(), lang),
                c.title().get(lang)
            );
        }
        return OK;
    };
    match Code::parse(code) {
        Some(c) => {
            print!("{}", c.explain(lang));
            OK
        }
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
