//! `mynaflow explain CODE`.

use super::output::fail_in;
use super::stdout::print_then;
use super::{FAILURE, OK};
use mynaflow::code::Code;
use mynaflow::text::Lang;
use std::fmt::Write as _;

/// Prints the page of `code`, or without one the list of every code.
pub fn run(code: Option<&str>, lang: Lang) -> u8 {
    let Some(code) = code else {
        let mut out = String::new();
        for c in Code::ALL {
            let _ = writeln!(
                out,
                "{}  {:<8} {}",
                c.as_str(),
                c.severity().as_str(),
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
