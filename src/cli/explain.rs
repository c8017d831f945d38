//! `mynaflow explain CODE`.

use super::output::fail_in;
use super::{FAILURE, OK};
use mynaflow::code::Code;
use mynaflow::text::Lang;

pub fn run(code: Option<&str>, lang: Lang) -> u8 {
    let Some(code) = code else {
        for c in Code::ALL {
            println!(
                "{}  {:<8} {}",
                c.as_str(),
                c.severity().as_str(),
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
