//! How names compare: NFKC, then white space removed.

use unicode_normalization::UnicodeNormalization;

/// The key a name is compared by. `"株式会社 J M D C"` and `株式会社ＪＭＤＣ`
/// have the same key.
pub fn key(name: &str) -> String {
    // Most names are already NFKC and have no spaces: copy them as they
    // are. Those of printable ASCII, ideographs and kana are known to be
    // without looking each character up in the normalization tables (a
    // few hundred instructions a character).
    if name.chars().all(stays_as_it_is) {
        return name.to_string();
    }
    if !name.chars().any(char::is_whitespace)
        && unicode_normalization::is_nfkc_quick(name.chars())
            == unicode_normalization::IsNormalized::Yes
    {
        return name.to_string();
    }
    name.nfkc().filter(|c| !c.is_whitespace()).collect()
}

/// Is `c` a character NFKC leaves as it is, whatever is around it, and
/// not white space: printable ASCII, a CJK unified ideograph, a hiragana
/// or katakana letter, `・` or `ー`? (Each is NFKC_QC=Yes with combining
/// class 0; a unit test checks every one.)
fn stays_as_it_is(c: char) -> bool {
    matches!(c,
        '!'..='~' | '\u{4E00}'..='\u{9FFF}' | '\u{3041}'..='\u{3096}'
        | '\u{30A1}'..='\u{30FA}' | '\u{30FB}' | '\u{30FC}')
}

/// The candidate nearest to `wanted` (by key), if near enough to suggest.
/// Uses Jaro similarity above 0.7, the threshold clap uses for "did you mean".
pub fn did_you_mean<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let wanted = key(wanted);
    let mut best: Option<(f64, &'a str)> = None;
    for c in candidates {
        let score = strsim::jaro(&wanted, &key(c));
        if score > 0.7 && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_and_spaces_compare_equal() {
        assert_eq!(key("株式会社 J M D C"), key("株式会社ＪＭＤＣ"));
        assert_eq!(key("R I Z A P 株式会社"), "RIZAP株式会社");
        assert_ne!(key("課税情報"), key("課税・非課税情報"));
    }

    #[test]
    fn characters_taken_as_they_are_are_their_own_nfkc() {
        use unicode_normalization::char::canonical_combining_class;
        use unicode_normalization::{IsNormalized, is_nfkc_quick};
        let mut taken = 0;
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            if stays_as_it_is(c) {
                taken += 1;
                assert_eq!(
                    is_nfkc_quick(std::iter::once(c)),
                    IsNormalized::Yes,
                    "{c:?}"
                );
                assert_eq!(canonical_combining_class(c), 0, "{c:?}");
                assert!(!c.is_whitespace(), "{c:?}");
                assert_eq!(c.to_string().nfkc().collect::<String>(), c.to_string());
            }
        }
        assert!(taken > 20_000);
        for name in [
            "給付システム001",
            "ア・イー",
            "CureApp支店0001",
            "ｱｲ",
            "Ａ",
            "a b",
            "ガ",
        ] {
            let slow: String = name.nfkc().filter(|c| !c.is_whitespace()).collect();
            assert_eq!(key(name), slow, "{name}");
        }
    }

    #[test]
    fn suggests_the_nearest_name() {
        let names = ["被扶養者認定", "保険給付", "被保険者資格取得"];
        assert_eq!(did_you_mean("被扶養認定", names), Some("被扶養者認定"));
        assert_eq!(did_you_mean("全然違う", names), None);
    }
}
