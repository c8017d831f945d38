//! The documentation of every code, in both languages, embedded from
//! `docs/codes/{en,ja}/MNxxx.md`.

use crate::code::Code;
use crate::text::Lang;

macro_rules! docs {
    ($($code:ident)*) => {
        /// The explain text of a code in a language.
        pub fn text(code: Code, lang: Lang) -> &'static str {
            match (code, lang) {
                $(
                    (Code::$code, Lang::En) => include_str!(concat!("../docs/codes/en/", stringify!($code), ".md")),
                    (Code::$code, Lang::Ja) => include_str!(concat!("../docs/codes/ja/", stringify!($code), ".md")),
                )*
            }
        }
    };
}

docs! {
    MN001 MN002 MN003 MN004 MN005 MN010 MN011 MN012 MN013 MN014
    MN015 MN016 MN017 MN018 MN019
    MN101 MN102 MN103 MN104 MN105 MN201 MN202 MN203 MN301 MN302 MN303
    MN401 MN402 MN501 MN502 MN503
    MN601 MN602 MN603 MN604
}
