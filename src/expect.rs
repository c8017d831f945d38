//! `# expect:` annotations: what a design must report, code and line.
//! `# expect: MN102` at the end of a line expects that code on that line;
//! on a line of its own it applies to the next line that is not blank and
//! not only a comment. Several codes are separated by commas.

use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::source::SourceFile;
use crate::span::FileId;
use crate::syntax::lexer::lex;
use std::collections::BTreeMap;

/// One expected or reported (line, code).
pub type Finding = (usize, Code);

/// Expectations of a file, or the annotations that could not be read.
pub fn expectations(file: &SourceFile) -> Result<Vec<Finding>, Vec<String>> {
    let lexed = lex(FileId(0), &file.text);
    let mut out = Vec::new();
    let mut errors = Vec::new();
    // The next code line at or after each line, found once for all
    // annotations (a run of own-line annotations would otherwise scan the
    // same lines once each).
    let mut next_code: Vec<Option<usize>> = vec![None; file.line_count() + 1];
    for l in (0..file.line_count()).rev() {
        next_code[l] = if is_code_line(file, l) {
            Some(l)
        } else {
            next_code[l + 1]
        };
    }
    for c in &lexed.comments {
        let body = c.text.trim_start_matches('#').trim();
        let Some(list) = body.strip_prefix("expect:") else {
            continue;
        };
        let start = c.span.start as usize;
        let line = file.line_index(start);
        let before = &file.text[file.line_range(line).start..start];
        let target = if before.trim().is_empty() {
            next_code.get(line + 1).copied().flatten()
        } else {
            Some(line)
        };
        let Some(target) = target else {
            errors.push(format!(
                "line {}: `# expect:` with no line after it",
                line + 1
            ));
            continue;
        };
        for code in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            match Code::parse(code) {
                Some(c) => out.push((target + 1, c)),
                None => errors.push(format!(
                    "line {}: unknown code `{code}` in `# expect:`",
                    line + 1
                )),
            }
        }
    }
    if errors.is_empty() {
        out.sort();
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Is line `l` neither blank nor only a comment?
fn is_code_line(file: &SourceFile, l: usize) -> bool {
    let t = file.text[file.line_range(l)].trim();
    !t.is_empty() && !t.starts_with('#') && !t.starts_with('＃')
}

/// What a file reported, as (line, code), sorted.
pub fn reported(file: &SourceFile, id: FileId, diagnostics: &[Diagnostic]) -> Vec<Finding> {
    let mut out: Vec<Finding> = reported_by(file, id, diagnostics)
        .into_iter()
        .map(|(f, _)| f)
        .collect();
    out.sort();
    out
}

/// Each finding of the file with the first diagnostic that reported it
/// (its message is shown when it was not expected), sorted by finding.
pub fn reported_by<'a>(
    file: &SourceFile,
    id: FileId,
    diagnostics: &'a [Diagnostic],
) -> Vec<(Finding, &'a Diagnostic)> {
    // Line of a byte offset: a binary search, not a column count.
    let mut out: Vec<(Finding, &Diagnostic)> = diagnostics
        .iter()
        .filter(|d| d.primary.file == id)
        .map(|d| ((file.line_index(d.primary.start as usize) + 1, d.code), d))
        .collect();
    // Stable: among equal findings the first reported stays first.
    out.sort_by_key(|(f, _)| *f);
    out
}

/// The difference between expected and reported findings.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Mismatch {
    /// Expected but not reported.
    pub missing: Vec<Finding>,
    /// Reported but not expected.
    pub unexpected: Vec<Finding>,
}

impl Mismatch {
    /// Nothing differs.
    pub fn is_empty(&self) -> bool {
        self.missing.is_empty() && self.unexpected.is_empty()
    }
}

/// Compares two multisets of findings.
pub fn compare(expected: &[Finding], reported: &[Finding]) -> Mismatch {
    let mut count: BTreeMap<Finding, i64> = BTreeMap::new();
    for f in expected {
        *count.entry(*f).or_default() += 1;
    }
    for f in reported {
        *count.entry(*f).or_default() -= 1;
    }
    let mut m = Mismatch::default();
    for (f, n) in count {
        for _ in 0..n.max(0) {
            m.missing.push(f);
        }
        for _ in 0..(-n).max(0) {
            m.unexpected.push(f);
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn end_of_line_and_own_line_annotations() {
        let f = SourceFile::new(
            "t",
            "flow A -> B : X   # expect: MN102\n# expect: MN103, mn201\n\n# another comment\nflow C -> D : Y\n",
        );
        assert_eq!(
            expectations(&f).unwrap(),
            vec![(1, Code::MN102), (5, Code::MN103), (5, Code::MN201)]
        );
    }

    #[test]
    fn unknown_codes_are_errors() {
        let f = SourceFile::new("t", "flow A -> B : X # expect: MN999\n");
        assert!(expectations(&f).is_err());
    }

    #[test]
    fn comparison_is_a_multiset_difference() {
        let m = compare(
            &[(1, Code::MN102), (1, Code::MN102)],
            &[(1, Code::MN102), (2, Code::MN103)],
        );
        assert_eq!(m.missing, vec![(1, Code::MN102)]);
        assert_eq!(m.unexpected, vec![(2, Code::MN103)]);
        assert!(compare(&[(1, Code::MN001)], &[(1, Code::MN001)]).is_empty());
    }
}
