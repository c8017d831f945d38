//! MN601: a `basis` that cites a provision a later amendment renumbered.
//! The renumbering is data (`rules/renumbering.tsv`), not code.

use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::model::{Rulebook, SectionId};
use crate::text;
use crate::text::Text;
use unicode_normalization::UnicodeNormalization;

/// The table of renumbered provisions, embedded in the binary.
pub const RENUMBERING: &str = include_str!("../../rules/renumbering.tsv");

/// One renumbered provision: what a citation was, what it is now, since
/// when and by which amendment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Renumbered {
    /// The old citation, e.g. `番号法第19条第7号`.
    pub old: String,
    /// The current citation, e.g. `番号法第19条第8号`.
    pub new: String,
    /// The date the renumbering took effect (YYYY-MM-DD).
    pub since: String,
    /// The amendment that renumbered it.
    pub source: String,
    /// Words a section about the old provision mentions; empty: any.
    pub topic: Vec<String>,
}

impl Renumbered {
    /// What a finding or the inventory says of a rulebook that cites the
    /// old provision as its notice does.
    pub fn as_cited_by_the_notice(&self) -> crate::text::Text {
        let (old, new, source) = (&self.old, &self.new, &self.source);
        crate::text!(
            "the rulebook cites {old} as its notice does; that provision has been {new} since {} ({source})", self.since;
            "ルールブックは公表文どおり{old}と引用しています。この規定は{}から{new}です ({source})", crate::text::date_ja(&self.since)
        )
    }
}

/// The rows of [`RENUMBERING`]; lines that are blank, comments or
/// malformed are skipped (a test keeps every row well-formed).
pub fn table() -> Vec<Renumbered> {
    RENUMBERING
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            let [old, new, since, source, rest @ ..] = cols.as_slice() else {
                return None;
            };
            let topic = rest
                .first()
                .map(|t| {
                    t.split(',')
                        .map(str::trim)
                        .filter(|w| !w.is_empty())
                        .map(normalise)
                        .collect()
                })
                .unwrap_or_default();
            Some(Renumbered {
                old: old.trim().to_string(),
                new: new.trim().to_string(),
                since: since.trim().to_string(),
                source: source.trim().to_string(),
                topic,
            })
        })
        .collect()
}

/// The formal title of 番号法, which a basis may spell out.
const FORMAL_TITLE: &str = "行政手続における特定の個人を識別するための番号の利用等に関する法律";

/// A citation as compared: NFKC (full-width digits become ASCII), white
/// space removed, kanji numerals after 第 made Arabic, the law's formal
/// title shortened to 番号法.
pub fn normalise(s: &str) -> String {
    let flat: String = s.nfkc().filter(|c| !c.is_whitespace()).collect();
    let flat = flat.replace(FORMAL_TITLE, "番号法");
    let mut out = String::with_capacity(flat.len());
    let mut rest = flat.as_str();
    while let Some(i) = rest.find('第') {
        out.push_str(&rest[..i + '第'.len_utf8()]);
        rest = &rest[i + '第'.len_utf8()..];
        let len: usize = rest
            .chars()
            .take_while(|c| kanji_digit(*c).is_some() || matches!(c, '十' | '百'))
            .map(char::len_utf8)
            .sum();
        if len > 0
            && let Some(n) = kanji_number(&rest[..len])
        {
            out.push_str(&n.to_string());
            rest = &rest[len..];
        }
    }
    out.push_str(rest);
    out
}

fn kanji_digit(c: char) -> Option<u32> {
    "〇一二三四五六七八九"
        .chars()
        .position(|d| d == c)
        .map(|p| p as u32)
}

/// 十九 → 19, 七 → 7, 百二 → 102; None when it is no number (or too big
/// to be an article).
fn kanji_number(s: &str) -> Option<u32> {
    let (mut total, mut digit) = (0u32, None::<u32>);
    for c in s.chars() {
        let unit = match c {
            '百' => 100,
            '十' => 10,
            c => {
                let d = kanji_digit(c)?;
                digit = Some(digit.unwrap_or(0).checked_mul(10)?.checked_add(d)?);
                continue;
            }
        };
        total = total.checked_add(digit.take().unwrap_or(1).checked_mul(unit)?)?;
    }
    total.checked_add(digit.unwrap_or(0))
}

/// Does `hay` contain `needle` not followed by another digit (so 第1号 is
/// not found in 第10号)?
fn cites(hay: &str, needle: &str) -> bool {
    hay.match_indices(needle).any(|(i, _)| {
        !hay[i + needle.len()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit())
    })
}

/// The renumbering that makes `basis` outdated as of `revised` (a
/// rulebook without a date is judged as of today's law), if any. `context`
/// is the text of what the citation is for (a section's title, purposes
/// and parties): a row with a topic applies only when the context or the
/// basis mentions it, so a current citation that reuses an old number is
/// not mistaken for the old one.
pub fn outdated_citation(basis: &str, revised: Option<&str>, context: &str) -> Option<Renumbered> {
    let basis_n = normalise(basis);
    let context_n = normalise(context);
    table().into_iter().find(|row| {
        cites(&basis_n, &normalise(&row.old))
            && revised.is_none_or(|r| r >= row.since.as_str())
            && (row.topic.is_empty()
                || row
                    .topic
                    .iter()
                    .any(|t| context_n.contains(t.as_str()) || basis_n.contains(t.as_str())))
    })
}

/// The word of a topic that stands for "the section's rules pass a
/// `carrier` role" (the network exchange, whatever its name).
pub const CARRIER_TOPIC: &str = "@carrier";

/// What a section is about, for [`outdated_citation`]: its title, its
/// purposes, the roles and categories its rules name, and
/// `CARRIER_TOPIC` when a rule passes a carrier.
pub fn section_context(rb: &Rulebook, id: SectionId) -> String {
    let mut out = String::new();
    let mut add = |name: &str, label: Option<&str>| {
        out.push_str(name);
        out.push(' ');
        if let Some(l) = label {
            out.push_str(l);
            out.push(' ');
        }
    };
    let s = rb.section(id);
    add("", s.title.as_deref());
    for p in rb.purposes.iter().filter(|p| p.section == id) {
        add(&p.name, p.label.as_deref());
    }
    for r in rb.rules.iter().filter(|r| r.section == id) {
        for role in [r.from, r.to].iter().chain(&r.via) {
            let role = rb.role(*role);
            add(&role.name, role.label.as_deref());
        }
        if r.via
            .iter()
            .any(|v| rb.role(*v).kind == crate::model::RoleKind::Carrier)
        {
            add(CARRIER_TOPIC, None);
        }
        for c in &r.categories {
            let c = rb.category(*c);
            add(&c.name, c.label.as_deref());
        }
    }
    out
}

/// The current citation for a section whose basis is outdated, for notes
/// on findings that cite the section (MN1xx).
pub fn section_citation(rb: &Rulebook, id: SectionId) -> Option<Renumbered> {
    let basis = rb.section(id).basis.as_deref()?;
    outdated_citation(basis, rb.revised.as_deref(), &section_context(rb, id))
}

/// MN601 for each section whose basis is outdated.
pub(crate) fn check(rb: &Rulebook) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, s) in rb.sections.iter().enumerate() {
        let Some(r) = section_citation(rb, SectionId::new(i as u32)) else {
            continue;
        };
        let (old, new, since, source) = (&r.old, &r.new, &r.since, &r.source);
        let since_ja = crate::text::date_ja(since);
        let as_of = match rb.revised.as_deref() {
            Some(d) => {
                text!("as of this rulebook's revision ({d})"; "このルールブックの改定日 ({d}) の時点で")
            }
            None => Text::new("today", "現在"),
        };
        out.push(
            Diagnostic::new(
                Code::MN601,
                s.basis_span.unwrap_or(s.span),
                text!("section {} cites `{old}`, which has been `{new}` since {since}", s.id;
                      "セクション {} の根拠「{old}」は、{since_ja}から「{new}」です", s.id),
            )
            .with_primary_label(text!("{}, this is `{new}`", as_of.en; "{}、これは「{new}」です", as_of.ja))
            .with_note(text!("renumbered by {source}, effective {since}"; "{source} により{since_ja}から繰り下げ"))
            .with_help(text!("cite `{new}`; if the published notice itself still says `{old}`, keep its words and have the notice corrected at its next revision";
                             "「{new}」を引用してください。公表文自体が「{old}」のままなら、ルールブックは公表文の文言どおりにし、次回の改定で公表文を直してください")),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_is_well_formed() {
        let rows = table();
        let data_lines = RENUMBERING
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .count();
        assert_eq!(rows.len(), data_lines, "a malformed row was skipped");
        for r in &rows {
            assert!(crate::syntax::parser::is_date(&r.since), "{r:?}");
            assert_ne!(normalise(&r.old), normalise(&r.new));
            assert!(!r.source.is_empty());
        }
    }

    #[test]
    fn every_row_is_found_in_a_basis_about_its_topic() {
        for r in table() {
            let context = r.topic.first().cloned().unwrap_or_default();
            let basis = format!("根拠: {} (公表文の記載)", r.old);
            assert_eq!(
                outdated_citation(&basis, Some("2024-12-04"), &context).map(|x| x.new),
                Some(r.new.clone()),
                "{r:?}"
            );
            // Not before the amendment took effect.
            assert_eq!(
                outdated_citation(&basis, Some("2020-01-01"), &context),
                None
            );
        }
    }

    #[test]
    fn citations_are_matched_robustly() {
        let nw = "情報提供ネットワークシステム";
        for basis in [
            "番号法第19条第7号",
            "番号法第１９条第７号",
            "番号法 第十九条 第七号",
            "行政手続における特定の個人を識別するための番号の利用等に関する法律第19条第7号に基づく",
        ] {
            let r = outdated_citation(basis, Some("2024-12-04"), nw);
            assert_eq!(
                r.map(|r| r.new),
                Some("番号法第19条第8号".into()),
                "{basis}"
            );
        }
        // 第7号 is not 第17号 or 第7号 of another article.
        assert_eq!(outdated_citation("番号法第19条第17号", None, nw), None);
        assert_eq!(outdated_citation("番号法第9条第7号", None, nw), None);
        // The current citation of the network item is not mistaken for
        // the old 第8号 (条例事務).
        assert_eq!(
            outdated_citation("番号法第19条第8号", Some("2024-12-04"), nw),
            None
        );
        // A section about the network by mechanism, not by name.
        assert!(outdated_citation("番号法第19条第7号", None, CARRIER_TOPIC).is_some());
        assert_eq!(
            outdated_citation("番号法第19条第8号", None, CARRIER_TOPIC),
            None
        );
        assert!(outdated_citation("番号法第19条第8号", None, "条例事務").is_some());
    }

    #[test]
    fn kanji_numbers() {
        assert_eq!(kanji_number("十九"), Some(19));
        assert_eq!(kanji_number("七"), Some(7));
        assert_eq!(kanji_number("二十"), Some(20));
        assert_eq!(kanji_number("十"), Some(10));
        assert_eq!(kanji_number("九九九九九九九九九九九九九九"), None);
        assert_eq!(
            normalise("第九九九九九九九九九九九九九九号"),
            "第九九九九九九九九九九九九九九号"
        );
    }
}
