//! How names compare: variation selectors removed, NFKC, then white
//! space removed.

use crate::escape::is_variation_selector;
use unicode_normalization::{IsNormalized, UnicodeNormalization};

/// The key a name is compared by. `"株式会社 J M D C"` and `株式会社ＪＭＤＣ`
/// have the same key; so have `葛` + U+E0100 and `葛`, and `☎` with and
/// without U+FE0F. A variation selector is invisible and only chooses how
/// the character before it is drawn (NFKC keeps it): two names that
/// differ only by one look the same, so they are one name, and two
/// declarations of it are a duplicate (MN011), a use spelled with another
/// selector a respelling (MN014). The other invisible characters never
/// reach a name: the lexer drops them (MN004).
pub fn key(name: &str) -> String {
    // Most names are already NFKC and have no spaces: copy them as they
    // are. Those of printable ASCII, ideographs and kana are known to be
    // without looking each character up in the normalization tables (a
    // few hundred instructions a character).
    if name.chars().all(stays_as_it_is) {
        return name.to_string();
    }
    if !name
        .chars()
        .any(|c| c.is_whitespace() || is_variation_selector(c))
        && unicode_normalization::is_nfkc_quick(name.chars()) == IsNormalized::Yes
    {
        return name.to_string();
    }
    // Selectors out before NFKC, so that what they stood between composes
    // as it would have without them.
    let mut spaced = false;
    let out: String = (name.chars().filter(|c| !is_variation_selector(*c)))
        .nfkc()
        .filter(|c| {
            let space = c.is_whitespace();
            spaced |= space;
            !space
        })
        .collect();
    // NFKC makes a spacing sound mark a space and a combining one (`゛`
    // is U+0020 U+3099): with the space out, the mark meets the kana
    // before it, and composes with it as in `が`, so that `か゛` and `が`
    // are one name. Only a name that lost a space is normalised again.
    if spaced && !unicode_normalization::is_nfc_quick(out.chars()).eq(&IsNormalized::Yes) {
        return out.nfc().collect();
    }
    out
}

/// Do `a` and `b`, of as many characters, differ only by characters that
/// look alike though NFKC keeps them apart: dashes and long-vowel marks
/// (`－` U+FF0D, `ー` U+30FC, `—` U+2014, `-`, `‐`, `–`, `−`, `ｰ`...), or
/// wave dashes and tildes (`～` U+FF5E, `〜` U+301C, `~`)? The classic
/// CP932 round-trip pairs, and what an input method gives for a long
/// `ー`: a reader sees one name twice.
pub fn dashes_alike(a: &str, b: &str) -> bool {
    fn group(c: char) -> u8 {
        match c {
            '-'
            | '\u{2010}'..='\u{2015}'
            | '\u{2212}'
            | '\u{30FC}'
            | '\u{FF0D}'
            | '\u{FF70}'
            | '\u{2500}'
            | '\u{2501}' => 1,
            '~' | '\u{301C}' | '\u{FF5E}' | '\u{223C}' => 2,
            _ => 0,
        }
    }
    a != b
        && a.chars().count() == b.chars().count()
        && (a.chars().zip(b.chars()))
            .all(|(x, y)| x == y || (group(x) != 0 && group(x) == group(y)))
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
/// Uses Jaro similarity above 0.7, the threshold clap uses for "did you mean"
/// ([`near_enough`]).
pub fn did_you_mean<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let wanted = key(wanted);
    let a = wanted.chars().count();
    let mut best: Option<(f64, &'a str)> = None;
    for c in candidates {
        let c_key = key(c);
        let score = strsim::jaro(&wanted, &c_key);
        if near_enough(score, a, c_key.chars().count()) && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

/// Is a Jaro similarity of `score`, between names of `a` and `b`
/// characters, near enough to suggest? Above 0.7; and between two names
/// of two characters, one character the same in the same place (2/3): a
/// Japanese name is often two kanji, and the usual typo is the input
/// method's other kanji of the same reading (他社 for 他者), which Jaro
/// puts just under 0.7.
pub fn near_enough(score: f64, a: usize, b: usize) -> bool {
    score > 0.7 || (a == 2 && b == 2 && score >= 2.0 / 3.0)
}

/// The one candidate that `wanted` abbreviates ([`abbreviates`], by key),
/// if exactly one does, by a full scan: what the index of names
/// (`resolve::suggest`) must find when [`did_you_mean`] finds nothing.
#[cfg(test)]
pub fn abbreviated<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let wanted: Vec<char> = key(wanted).chars().collect();
    let mut found = None;
    for c in candidates {
        let long: Vec<char> = key(c).chars().collect();
        if abbreviates(&wanted, &long) {
            if found.is_some() {
                return None;
            }
            found = Some(c);
        }
    }
    found
}

/// Does `short` abbreviate `long`: at least two characters, fewer than
/// `long`'s, the same first one, and every one of them in `long` in
/// order? Japanese shortens a name so (健保 for 健康保険, 課税情報 for
/// 課税・非課税情報), which Jaro similarity misses once the part left out
/// is long. A guess at which name was meant, not a typo of it: suggested,
/// never applied as a fix.
pub fn abbreviates(short: &[char], long: &[char]) -> bool {
    if short.len() < 2 || short.len() >= long.len() || short.first() != long.first() {
        return false;
    }
    let mut rest = long.iter();
    short.iter().all(|c| rest.any(|l| l == c))
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

    /// A spacing sound mark (`゛` U+309B, `゜` U+309C) is NFKC's space and
    /// combining mark: without the space, it composes with the kana
    /// before it, as the combining mark written alone does.
    #[test]
    fn spacing_sound_marks_compose_once_the_space_is_out() {
        assert_eq!(key("か\u{309B}いしゃ"), "がいしゃ");
        assert_eq!(key("か\u{3099}いしゃ"), "がいしゃ");
        assert_eq!(key("ハ\u{309C}ート"), "パート");
        assert_eq!(key("ｶﾞｲｼｬ"), "ガイシャ");
        // A space written between kana and a combining mark goes too.
        assert_eq!(key("か \u{3099}"), "が");
        // A mark on nothing it composes with stays.
        assert_eq!(key("ん\u{309B}"), "ん\u{3099}");
        assert_eq!(key("株式会社 J M D C"), "株式会社JMDC");
    }

    #[test]
    fn dashes_and_tildes_that_look_alike() {
        assert!(dashes_alike("センタ－", "センター"));
        assert!(dashes_alike("センタ—", "センター"));
        assert!(dashes_alike("本社～人事", "本社〜人事"));
        assert!(!dashes_alike("センター", "センター"));
        assert!(!dashes_alike("センタ～", "センター"));
        assert!(!dashes_alike("センタ", "センター"));
    }

    /// Names that differ only by variation selectors look the same, so
    /// they have one key; a selector on another character still differs.
    #[test]
    fn variation_selectors_are_left_out_of_the_key() {
        assert_eq!(key("葛\u{e0100}飾区"), "葛飾区");
        assert_eq!(key("課税情報\u{fe00}"), key("課税情報"));
        assert_eq!(key("☎\u{fe0f}窓口"), key("☎窓口"));
        assert_eq!(key("ᠠ\u{180b}ᠡ\u{180f}"), key("ᠠᠡ"));
        assert_eq!(key("Ｊ\u{fe00} M"), "JM");
        // What a selector stood between composes as without it.
        assert_eq!(key("e\u{fe00}\u{301}"), key("\u{e9}"));
        assert_ne!(key("葛\u{e0100}飾区"), key("葛西区"));
        // A name spelled as it is keeps its key as it is (no copy made
        // differently): kanji with an IVS is the one exception above.
        assert_eq!(key("被扶養者認定"), "被扶養者認定");
    }

    #[test]
    fn suggests_the_nearest_name() {
        let names = ["被扶養者認定", "保険給付", "被保険者資格取得"];
        assert_eq!(did_you_mean("被扶養認定", names), Some("被扶養者認定"));
        assert_eq!(did_you_mean("全然違う", names), None);
    }

    #[test]
    fn two_kanji_with_one_the_same_in_place_are_near() {
        let roles = ["他者", "組合", "本人"];
        assert_eq!(did_you_mean("他社", roles), Some("他者"));
        assert_eq!(did_you_mean("組織", roles), Some("組合"));
        // Not in the same place, or longer names: as Jaro says.
        assert_eq!(did_you_mean("社他", roles), None);
        assert_eq!(did_you_mean("人本", roles), None);
        assert_eq!(did_you_mean("他社等", ["他者類"]), None);
        assert!(near_enough(2.0 / 3.0, 2, 2));
        assert!(!near_enough(2.0 / 3.0, 2, 3));
        assert!(!near_enough(0.7, 3, 3));
    }

    #[test]
    fn an_abbreviation_finds_the_one_name_it_shortens() {
        let categories = [
            "課税・非課税情報",
            "住民票関係情報",
            "資格情報",
            "資格関連情報",
        ];
        assert_eq!(did_you_mean("課税情報", categories), None);
        assert_eq!(
            abbreviated("課税情報", categories),
            Some("課税・非課税情報")
        );
        assert_eq!(abbreviated("住民情報", categories), Some("住民票関係情報"));
        // Two names it could shorten: no guess between them.
        assert_eq!(abbreviated("資格", categories), None);
        // Not its first character, a single character, out of order, or
        // as long as the name: no abbreviation.
        assert_eq!(abbreviated("税情報", categories), None);
        assert_eq!(abbreviated("課", categories), None);
        assert_eq!(abbreviated("情報課税", categories), None);
        assert_eq!(abbreviated("資格情報", ["資格情報"]), None);
        // Compared by key, as names are.
        assert_eq!(abbreviated("ＪＭ", ["J M D C"]), Some("J M D C"));
    }
}
