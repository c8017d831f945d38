//! `--format sarif`: a SARIF 2.1.0 log for GitHub code scanning and other
//! SARIF viewers. A handful of hand-written serde structs, as ruff does.
//!
//! - One run. `tool.driver.rules` holds every code in [`Code::ALL`] order,
//!   so `ruleIndex` is the code's position there; each rule's help is its
//!   `mynaflow explain` text in the report's language.
//! - `columnKind` is `unicodeCodePoints`: columns count Unicode scalar
//!   values, as everywhere in mynaflow, and regions end exclusively.
//! - A file named by a relative path becomes a relative URI (forward
//!   slashes, percent-encoded as RFC 3986 requires) against `%SRCROOT%`,
//!   the directory `mynaflow check` ran in: run it from the repository root
//!   so code scanning finds the files. An absolute path becomes a `file:`
//!   URI without a base. A built-in rulebook (`<builtin>/kenpo.myna`) is
//!   not on disk; it becomes the relative URI `builtin/kenpo.myna` with no
//!   base, which code scanning accepts and shows without a preview.
//! - `partialFingerprints["mynaflow/v1"]` hashes the code, the file, the
//!   primary line with its white space normalised and the primary text,
//!   never a line number, so a finding keeps its identity when lines move.
//!   Results alike in all of those are told apart by an occurrence number.
//!
//! The output depends on nothing but the report: same input, same bytes.

use super::{BUILTIN_PREFIX, Report};
use crate::code::Code;
use crate::span::Span;
use crate::text::Lang;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/mynaflow/mynaflow";
const SRCROOT: &str = "%SRCROOT%";
const FINGERPRINT: &str = "mynaflow/v1";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    original_uri_base_ids: BTreeMap<&'static str, BaseLocation>,
    column_kind: &'static str,
    results: Vec<SarifResult>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    information_uri: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: &'static str,
    name: &'static str,
    short_description: Message,
    full_description: Message,
    help: Help,
    help_uri: String,
    default_configuration: Configuration,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Help {
    text: &'static str,
    markdown: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Configuration {
    level: &'static str,
}

/// An entry of `originalUriBaseIds`: what the base stands for. Its `uri`
/// (the working directory) is left out so the output does not depend on
/// where it was produced; SARIF lets the consumer supply it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BaseLocation {
    description: Message,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Message {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Message,
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
    partial_fingerprints: BTreeMap<&'static str, String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Message>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    snippet: Option<Message>,
}

/// Renders the report as a pretty-printed SARIF log with a trailing newline.
pub fn render(report: &Report) -> String {
    let lang = report.lang;
    let mut seen: HashMap<String, usize> = HashMap::new();
    let results = report
        .diagnostics
        .iter()
        .map(|d| {
            let mut text = d.message.get(lang).to_string();
            for n in &d.notes {
                text.push_str("\nnote: ");
                text.push_str(n.get(lang));
            }
            if let Some(h) = &d.help {
                text.push_str("\nhelp: ");
                text.push_str(h.get(lang));
            }
            let primary = Location {
                id: None,
                physical_location: physical(report, d.primary),
                message: d.primary_label.as_ref().map(|l| Message {
                    text: l.get(lang).to_string(),
                }),
            };
            let related = d
                .labels
                .iter()
                .enumerate()
                .map(|(i, l)| Location {
                    id: Some(i + 1),
                    physical_location: physical(report, l.span),
                    message: Some(Message {
                        text: l.message.get(lang).to_string(),
                    }),
                })
                .collect();
            let hash = format!(
                "{:016x}",
                crate::fingerprint::of(report.sources, d.code, d.primary)
            );
            let n = seen.entry(hash.clone()).or_default();
            *n += 1;
            SarifResult {
                rule_id: d.code.as_str(),
                rule_index: Code::ALL.iter().position(|c| *c == d.code).unwrap_or(0),
                level: d.severity.as_str(),
                message: Message { text },
                locations: vec![primary],
                related_locations: related,
                partial_fingerprints: BTreeMap::from([(FINGERPRINT, format!("{hash}:{n}"))]),
            }
        })
        .collect();
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "mynaflow",
                    version: env!("CARGO_PKG_VERSION"),
                    information_uri: INFORMATION_URI,
                    rules: Code::ALL.iter().map(|&c| rule(c, lang)).collect(),
                },
            },
            original_uri_base_ids: BTreeMap::from([(
                SRCROOT,
                BaseLocation {
                    description: Message {
                        text: match lang {
                            Lang::En => "the directory mynaflow check ran in".into(),
                            Lang::Ja => "mynaflow check を実行したディレクトリ".into(),
                        },
                    },
                },
            )]),
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    let mut s =
        serde_json::to_string_pretty(&log).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    s.push('\n');
    s
}

fn rule(code: Code, lang: Lang) -> Rule {
    let explain = code.explain(lang);
    let lang_dir = match lang {
        Lang::En => "en",
        Lang::Ja => "ja",
    };
    Rule {
        id: code.as_str(),
        name: code.slug(),
        short_description: Message {
            text: code.title().get(lang).to_string(),
        },
        full_description: Message {
            text: summary(explain, lang),
        },
        help: Help {
            text: explain,
            markdown: explain,
        },
        help_uri: format!("{INFORMATION_URI}/blob/main/docs/codes/{lang_dir}/{code}.md"),
        default_configuration: Configuration {
            level: code.severity().as_str(),
        },
    }
}

/// GitHub truncates a rule's descriptions beyond this many characters.
const MAX_DESCRIPTION: usize = 1024;

/// A plain-text summary of an explain text: the first paragraph of its
/// first `##` section ("What it means") and the items of a list right
/// after it, lines joined as the language joins them. A trailing colon
/// that introduces a table or a code block becomes a full stop.
fn summary(doc: &str, lang: Lang) -> String {
    let section = doc
        .split("\n## ")
        .nth(1)
        .and_then(|s| s.split_once('\n'))
        .map_or("", |(_, body)| body)
        .trim_start();
    let mut blocks = section.split("\n\n");
    let mut out = join_lines(blocks.next().unwrap_or_default().lines());
    let next = blocks.next().unwrap_or_default();
    if next.starts_with("- ") {
        let items = next.split("\n- ").map(|item| {
            let item = join_lines(item.trim_start_matches("- ").lines());
            match lang {
                Lang::En => format!(" {item}"),
                Lang::Ja if item.ends_with('。') => item,
                Lang::Ja => format!("{item}。"),
            }
        });
        out.extend(items);
    } else if let Some(stem) = out.strip_suffix(':') {
        out = format!("{stem}.");
    }
    if out.chars().count() > MAX_DESCRIPTION {
        out = out.chars().take(MAX_DESCRIPTION - 1).collect();
        out.push('…');
    }
    out
}

/// Joins the lines of a paragraph: with a space where either side of the
/// break is ASCII (`of data`, `mynaflow は`), with nothing between two
/// Japanese characters.
fn join_lines<'a>(lines: impl Iterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for line in lines.map(str::trim) {
        let ascii_break = out.chars().last().is_some_and(|c| c.is_ascii())
            || line.chars().next().is_some_and(|c| c.is_ascii());
        if !out.is_empty() && ascii_break {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

fn physical(report: &Report, span: Span) -> PhysicalLocation {
    let p = report.position(span);
    let (uri, uri_base_id) = artifact_uri(report.file_name(span));
    let text = crate::escape::visible(report.sources.slice(span));
    PhysicalLocation {
        artifact_location: ArtifactLocation { uri, uri_base_id },
        region: Region {
            start_line: p.line,
            start_column: p.column,
            end_line: p.end_line,
            end_column: p.end_column,
            snippet: (!text.is_empty()).then(|| Message {
                text: text.to_string(),
            }),
        },
    }
}

/// The URI of a file's display name and the base it is relative to.
fn artifact_uri(name: &str) -> (String, Option<&'static str>) {
    if let Some(rest) = name.strip_prefix(BUILTIN_PREFIX) {
        return (format!("builtin/{}", encode_path(rest)), None);
    }
    let path = name.replace('\\', "/");
    let b = path.as_bytes();
    if b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && b[2] == b'/' {
        // A Windows drive: file:///C:/dir/file.myna
        return (
            format!("file:///{}:{}", &path[..1], encode_path(&path[2..])),
            None,
        );
    }
    if path.starts_with('/') {
        return (format!("file://{}", encode_path(&path)), None);
    }
    let mut rel = path.as_str();
    while let Some(r) = rel.strip_prefix("./") {
        rel = r;
    }
    (encode_path(rel), Some(SRCROOT))
}

/// Percent-encodes a path for a URI: unreserved characters (RFC 3986 §2.3)
/// and `/` stay, every other byte of the UTF-8 becomes `%XX`. That is more
/// than RFC 3986 demands (sub-delimiters could stay) and always valid, and
/// a `:` in a first segment cannot be taken for a scheme.
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for &b in path.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris() {
        assert_eq!(
            artifact_uri("docs/codes/examples/MN102-wrong-direction.myna"),
            (
                "docs/codes/examples/MN102-wrong-direction.myna".to_string(),
                Some(SRCROOT)
            )
        );
        assert_eq!(
            artifact_uri("./設計/my flow.myna"),
            (
                "%E8%A8%AD%E8%A8%88/my%20flow.myna".to_string(),
                Some(SRCROOT)
            )
        );
        assert_eq!(
            artifact_uri("dir\\a:b%.myna"),
            ("dir/a%3Ab%25.myna".to_string(), Some(SRCROOT))
        );
        assert_eq!(
            artifact_uri("<builtin>/kenpo.myna"),
            ("builtin/kenpo.myna".to_string(), None)
        );
        assert_eq!(
            artifact_uri("/home/u/a b.myna"),
            ("file:///home/u/a%20b.myna".to_string(), None)
        );
        assert_eq!(
            artifact_uri("C:\\work\\a.myna"),
            ("file:///C:/work/a.myna".to_string(), None)
        );
    }

    #[test]
    fn full_description_joins_lines_and_lists() {
        let en =
            "# MN1 — x\n\nSeverity: error\n\n## What it means\n\nA flow of\ndata goes.\n\nMore.\n";
        assert_eq!(summary(en, Lang::En), "A flow of data goes.");
        let ja = "# MN1 — x\n\n## 意味\n\n特定個人情報の\nflow が逆です。mynaflow\nは報告し、\n終わります。\n";
        assert_eq!(
            summary(ja, Lang::Ja),
            "特定個人情報の flow が逆です。mynaflow は報告し、終わります。"
        );
        let en = "# MN1 — x\n\n## What it means\n\nIt is\none of:\n\n- a thing;\n  or so; or\n- another.\n\nMore.\n";
        assert_eq!(
            summary(en, Lang::En),
            "It is one of: a thing; or so; or another."
        );
        let ja = "# MN1 — x\n\n## 意味\n\n次の文字です。\n\n- 双方向\n  制御文字\n- タブ以外。\n";
        assert_eq!(
            summary(ja, Lang::Ja),
            "次の文字です。双方向制御文字。タブ以外。"
        );
        let en = "# MN1 — x\n\n## What it means\n\nWritten so:\n\n```text\nx\n```\n";
        assert_eq!(summary(en, Lang::En), "Written so.");
    }
}
