//! `--format github`: GitHub Actions workflow commands, one line per
//! finding, which the runner turns into annotations on the pull request:
//!
//! ```text
//! ::error file=examples/a.myna,line=14,col=13,endLine=14,endColumn=15,title=MN102::message%0Ahelp: …
//! ```
//!
//! `::warning` for warnings. Columns count Unicode scalar values and
//! `endColumn` is exclusive, as in the other formats. GitHub takes `col`
//! and `endColumn` only when the finding starts and ends on one line, so
//! they are left out for a finding that spans lines. The file is named as
//! everywhere else (a built-in rulebook as `<builtin>/kenpo.myna`). Values
//! are escaped exactly as `@actions/core` escapes them. No summary line.

use super::Report;
use crate::code::Severity;

/// Renders one workflow command per diagnostic.
pub fn render(report: &Report) -> String {
    let lang = report.lang;
    let mut out = String::new();
    for d in report.diagnostics {
        let p = report.position(d.primary);
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut props = vec![
            ("file", report.file_name(d.primary).to_string()),
            ("line", p.line.to_string()),
        ];
        if p.line == p.end_line {
            props.push(("col", p.column.to_string()));
        }
        props.push(("endLine", p.end_line.to_string()));
        if p.line == p.end_line {
            props.push(("endColumn", p.end_column.to_string()));
        }
        props.push(("title", d.code.as_str().to_string()));
        let mut message = d.message.get(lang).to_string();
        if let Some(h) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(h.get(lang));
        }
        out.push_str("::");
        out.push_str(command);
        for (i, (k, v)) in props.iter().enumerate() {
            out.push(if i == 0 { ' ' } else { ',' });
            out.push_str(k);
            out.push('=');
            out.push_str(&escape_property(v));
        }
        out.push_str("::");
        out.push_str(&escape_data(&message));
        out.push('\n');
    }
    out
}

/// Escapes a command's message as `@actions/core` does (`escapeData`):
/// `%`, CR and LF.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value as `@actions/core` does (`escapeProperty`):
/// what [`escape_data`] escapes, and `:` and `,`.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_escapes_percent_first_then_line_breaks() {
        assert_eq!(escape_data("100%"), "100%25");
        assert_eq!(escape_data("a\r\nb"), "a%0D%0Ab");
        // An already escaped sequence is escaped again, not passed through.
        assert_eq!(escape_data("%0A"), "%250A");
        // Colons and commas are left alone in data.
        assert_eq!(escape_data("a: b, c :: d"), "a: b, c :: d");
        assert_eq!(escape_data("課税・非課税情報"), "課税・非課税情報");
    }

    #[test]
    fn properties_also_escape_colon_and_comma() {
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
        assert_eq!(escape_property("C:\\x,y%\n"), "C%3A\\x%2Cy%25%0A");
        assert_eq!(
            escape_property("<builtin>/kenpo.myna"),
            "<builtin>/kenpo.myna"
        );
        assert_eq!(escape_property("::error::"), "%3A%3Aerror%3A%3A");
    }
}
