//! Choosing codes, as ruff's `--select` and `--ignore` do: a selector is a
//! code (`MN102`) or a prefix of codes (`MN1`, `MN10`, `MN`), or `ALL`.
//! `--select`, `--ignore`, `select`/`ignore` and `per-file-ignores` in
//! `mynaflow.toml` all read selectors this way.

use crate::code::Code;
use crate::text::Text;
use std::collections::BTreeSet;

/// The codes a selector names, or why it names none.
pub fn codes(selector: &str) -> Result<BTreeSet<Code>, Text> {
    let s = selector.trim();
    // `ＭＮ１` typed in full-width reads as `MN1`.
    let read = crate::code::half_width(s);
    if read.eq_ignore_ascii_case("ALL") {
        return Ok(Code::ALL.iter().copied().collect());
    }
    let upper = read.to_ascii_uppercase();
    let found: BTreeSet<Code> = Code::ALL
        .iter()
        .copied()
        .filter(|c| !upper.is_empty() && c.as_str().starts_with(&upper))
        .collect();
    if found.is_empty() {
        // The selector may come from a config or a design: one line.
        let s = crate::escape::visible(s);
        return Err(crate::text!(
            "`{s}` is not a code or a prefix of codes (such as MN102, MN1 or ALL)";
            "「{s}」はコードでもコードの先頭部分でもありません (MN102、MN1、ALL などと書きます)"
        ));
    }
    Ok(found)
}

/// The codes of a list of selectors.
pub fn union<S: AsRef<str>>(selectors: &[S]) -> Result<BTreeSet<Code>, Text> {
    let mut out = BTreeSet::new();
    for s in selectors {
        out.extend(codes(s.as_ref())?);
    }
    Ok(out)
}

/// Which codes a run reports: those selected (all when nothing is
/// selected) less those ignored.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    /// The selected codes; `None` selects every code.
    pub select: Option<BTreeSet<Code>>,
    /// The ignored codes.
    pub ignore: BTreeSet<Code>,
}

impl Selection {
    /// Does the run report this code?
    pub fn reports(&self, code: Code) -> bool {
        self.select.as_ref().is_none_or(|s| s.contains(&code)) && !self.ignore.contains(&code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_prefixes() {
        assert_eq!(
            codes("MN102").unwrap().into_iter().collect::<Vec<_>>(),
            [Code::MN102]
        );
        assert_eq!(codes("mn3").unwrap().len(), 3);
        assert_eq!(codes("MN").unwrap().len(), Code::ALL.len());
        assert_eq!(codes("ALL").unwrap().len(), Code::ALL.len());
        assert!(codes("MN9").is_err());
        assert!(codes("").is_err());
        assert!(codes("X").unwrap_err().ja.contains("コード"));
        let sel = Selection {
            select: Some(union(&["MN1", "MN3"]).unwrap()),
            ignore: union(&["MN303"]).unwrap(),
        };
        assert!(sel.reports(Code::MN102) && sel.reports(Code::MN301));
        assert!(!sel.reports(Code::MN303) && !sel.reports(Code::MN012));
        assert!(Selection::default().reports(Code::MN012));
    }

    /// Codes typed in full-width, as an input method types them, read as
    /// their NFKC.
    #[test]
    fn full_width_codes_read_as_half_width() {
        assert_eq!(codes("ＭＮ１").unwrap(), codes("MN1").unwrap());
        assert_eq!(codes("ｍｎ１０２").unwrap(), codes("MN102").unwrap());
        assert_eq!(codes("ＡＬＬ").unwrap().len(), Code::ALL.len());
        assert_eq!(Code::parse("ＭＮ１０２"), Some(Code::MN102));
        assert_eq!(Code::parse(" ＭＮ２０２\u{3000}"), Some(Code::MN202));
        assert!(codes("ＭＮ９").is_err());
    }
}
