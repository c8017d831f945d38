//! How names compare: NFKC, then white space removed.

use unicode_normalization::UnicodeNormalization;

/// The key a name is compared by. `"株式会社 J M D C"` and `株式会社ＪＭＤＣ`
/// have the same key.
pub fn key(name: &str) -> String {
    // Most names are already NFKC and have no spaces: copy them as they are.
    if !name.chars().any(char::is_whitespace)
        && unicode_normalization::is_nfkc_quick(name.chars())
            == unicode_normalization::IsNormalized::Yes
    {
        return name.to_string();
    }
    name.nfkc().filter(|c| !c.is_whitespace()).collect()
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
    fn suggests_the_nearest_name() {
        let names = ["被扶養者認定", "保険給付", "被保険者資格取得"];
        assert_eq!(did_you_mean("被扶養認定", names), Some("被扶養者認定"));
        assert_eq!(did_you_mean("全然違う", names), None);
    }
}
