//! `--format sarif`: a SARIF 2.1.0 log for GitHub code scanning and other
//! SARIF viewers, following GitHub's "SARIF support for code scanning". A
//! handful of hand-written serde structs, as ruff does.
//!
//! - One run. `tool.driver.rules` holds every code in [`Code::ALL`] order,
//!   so `ruleIndex` is the code's position there. Each rule has its
//!   `mynaflow explain` page as `help.markdown` and as plain text in
//!   `help.text`, and `properties` with `tags`, `precision`,
//!   `problem.severity` and, for the privacy findings (tagged `security`),
//!   `security-severity`, which code scanning turns into a severity.
//!   `helpUri` and `informationUri` are written only when the package
//!   names its repository (`repository` in Cargo.toml): a link to this
//!   version's page, never a placeholder.
//! - `columnKind` is `unicodeCodePoints`: columns count Unicode scalar
//!   values, as everywhere in mynaflow, and regions end exclusively.
//! - A file named by a relative path becomes a relative URI against
//!   `%SRCROOT%`, the directory `mynaflow check` ran in: run it from the
//!   repository root so code scanning finds the files. The URI is made
//!   from the path as the system spells it (never from the name shown,
//!   which is escaped): every byte but the unreserved characters and `/`
//!   percent-encoded (RFC 3986), a `\` a folder separator only on Windows
//!   (on Unix it is part of a name: `%5C`). An absolute path becomes a `file:`
//!   URI without a base. A built-in rulebook (`<builtin>/kenpo.myna`) is
//!   not on disk: it is `kenpo.myna` against its own base,
//!   `MYNAFLOW_BUILTIN`, which `originalUriBaseIds` declares and describes
//!   (`mynaflow rules export kenpo` writes the file).
//! - Code scanning shows related locations only where the message links
//!   them, so the message ends with one `[label](id)` link per label (the
//!   nearest rule, upstream hops). Brackets in the text are escaped.
//! - `partialFingerprints` holds `primaryLocationLineHash`, computed as
//!   GitHub's upload action computes it ([`super::line_hash`]), and the
//!   tool's own `mynaflow/v1`: the code, the file, the primary line with
//!   its white space normalised and the primary text, never a line number.
//!   Results alike in all of those are told apart by an occurrence number.
//! - `invocations[0]` says whether the run did its job; when it did not
//!   (exit status 2), `executionSuccessful` is false and
//!   `toolExecutionNotifications` says why. A syntax or name error a
//!   filter hid fails the run (exit status 1) though no result says so:
//!   the run still did its job (`executionSuccessful` true, as for any
//!   run with findings), and an error-level notification for each code
//!   hidden, with the code as its `associatedRule` and its first hidden
//!   finding as its location, says that the checks of those statements
//!   did not run: SARIF's Appendix I reads such a notification as
//!   results that cannot be assumed complete. Code scanning takes at most
//!   [`MAX_RESULTS`] results per run: beyond that, errors are kept before
//!   warnings and a notification says how many were left out. Its
//!   `properties.config` locates the `mynaflow.toml` the run followed, as
//!   an `artifactLocation` like a result's file. What the run withheld
//!   (findings a config's filters hid or its baseline excused, designs
//!   its `exclude` left out, folders the walk did not enter that hold
//!   designs, files whose name only reads as a design's) is a
//!   warning-level notification each, at the config, the first design
//!   skipped or the file: the run did its job, and a reviewer sees what
//!   it did not look at.
//! - A finding's fixes become SARIF `fixes` (`artifactChanges` with
//!   `replacements`).
//!
//! Every string that came from input passes through [`visible`]. The output
//! depends on nothing but the report: same input, same bytes.

use super::json_pretty::Object;
use super::line_hash::LineHashes;
use super::{BUILTIN_PREFIX, Report};
use crate::code::{Code, Severity};
use crate::diagnostic::Diagnostic;
use crate::escape::visible;
use crate::fix::Fix;
use crate::source::SourceFile;
use crate::span::{FileId, Span};
use crate::text::{Lang, Text};
use rustc_hash::FxHashMap;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
/// The repository the package names, if any (`repository` in Cargo.toml).
const REPOSITORY: Option<&str> = match option_env!("CARGO_PKG_REPOSITORY") {
    Some(r) if !r.is_empty() => Some(r),
    _ => None,
};
const SRCROOT: &str = "%SRCROOT%";
/// The base of the built-in rulebooks' URIs.
pub const BUILTIN_BASE: &str = "MYNAFLOW_BUILTIN";
const FINGERPRINT: &str = "mynaflow/v1";
const LINE_HASH: &str = "primaryLocationLineHash";
/// Code scanning accepts at most this many results per run.
pub const MAX_RESULTS: usize = 25_000;
/// Code scanning reads at most this many related locations per result.
const MAX_RELATED: usize = 1_000;

/// How the run went, for the log's `invocations`.
pub use super::Execution;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
    /// `config`: the `mynaflow.toml` the run followed, when there was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<InvocationProperties>,
}

#[derive(Serialize)]
struct InvocationProperties {
    #[serde(skip_serializing_if = "Option::is_none")]
    config: Option<ArtifactLocation>,
    /// Every config followed, when the designs followed several.
    #[serde(skip_serializing_if = "Option::is_none")]
    configs: Option<Vec<ArtifactLocation>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Notification {
    level: &'static str,
    message: Message,
    /// Where, for a notification about findings (the first hidden one).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<Location>,
    /// The rule a notification is about (SARIF §3.58.5): a code whose
    /// findings were hidden. (`descriptor` names a notification's own
    /// descriptor in `notifications`, which mynaflow does not declare.)
    #[serde(skip_serializing_if = "Option::is_none")]
    associated_rule: Option<RuleReference>,
}

/// A `reportingDescriptorReference` to a rule of `tool.driver.rules`.
#[derive(Serialize)]
struct RuleReference {
    id: &'static str,
    index: usize,
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
    #[serde(skip_serializing_if = "Option::is_none")]
    information_uri: Option<&'static str>,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: &'static str,
    name: String,
    short_description: Message,
    full_description: Message,
    help: Help,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Help {
    text: String,
    markdown: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Configuration {
    level: &'static str,
}

/// The rule properties code scanning reads.
#[derive(Serialize)]
struct RuleProperties {
    tags: &'static [&'static str],
    precision: &'static str,
    #[serde(rename = "problem.severity")]
    problem_severity: &'static str,
    #[serde(rename = "security-severity", skip_serializing_if = "Option::is_none")]
    security_severity: Option<&'static str>,
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
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<SarifFix>,
    /// The typed facts behind the finding (`properties.facts`).
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<ResultProperties>,
}

#[derive(Serialize)]
struct ResultProperties {
    facts: serde_json::Map<String, serde_json::Value>,
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
    /// None for a whole file (a config that withheld findings).
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
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

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix {
    description: Message,
    artifact_changes: Vec<ArtifactChange>,
    /// `applicability`, as JSON gives it: a viewer that applies fixes
    /// can leave the unsafe ones to a person (fix audit D7).
    properties: FixProperties,
}

#[derive(Serialize)]
struct FixProperties {
    applicability: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange {
    artifact_location: ArtifactLocation,
    replacements: Vec<Replacement>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement {
    deleted_region: Region,
    inserted_content: Message,
}

/// Renders the report as a pretty-printed SARIF log with a trailing
/// newline, for a run that did its job.
pub fn render(report: &Report) -> String {
    render_run(report, &Execution::default())
}

/// Renders the report with how the run went: a run that failed (exit
/// status 2) still gives a valid log, with the reasons in
/// `toolExecutionNotifications`.
pub fn render_run(report: &Report, execution: &Execution) -> String {
    super::written(
        |out| write_run(out, report, execution),
        |e| format!("{{\"error\":\"{e}\"}}\n"),
    )
}

/// [`render_run`] written to `out` as it is drawn, the results on every
/// core, a few at a time: with every finding shown (`--max-per-code 0`)
/// a log holds up to [`MAX_RESULTS`] of them, never all held at once. The
/// bytes are `serde_json`'s pretty layout of the whole log.
pub fn write_run<W: Write + ?Sized>(
    out: &mut W,
    report: &Report,
    execution: &Execution,
) -> io::Result<()> {
    let lang = report.lang;
    let kept = cap(report.diagnostics, MAX_RESULTS);
    let left_out = report.diagnostics.len() - kept.len();
    let line_hashes = primary_line_hashes(report, &kept);
    // The one thing a result takes from those before it, worked out first.
    let fingerprints = crate::fingerprint::numbered(report.sources, kept.iter().copied());
    let results: Vec<(&Diagnostic, String)> = kept.iter().copied().zip(fingerprints).collect();
    let mut notifications: Vec<Notification> = execution
        .failures
        .iter()
        .map(|t| Notification {
            level: "error",
            message: Message {
                text: visible(t.get(lang)).into_owned(),
            },
            locations: Vec::new(),
            associated_rule: None,
        })
        .collect();
    // The run ran to its end, so `executionSuccessful` stays true; the
    // checks of some statements did not run, which SARIF says with an
    // error-level notification ("the results cannot be assumed to be
    // complete", Appendix I): one per code, at its first hidden finding.
    if let Some(hidden) = &execution.hidden_stops {
        notifications.extend(hidden.codes().iter().map(|(&code, h)| {
            let text = crate::wording::run::hidden_code(code, h, report.sources);
            Notification {
                level: "error",
                message: Message {
                    text: text.get(lang).to_string(),
                },
                locations: vec![Location {
                    id: None,
                    physical_location: physical(report, h.first),
                    message: None,
                }],
                associated_rule: Some(RuleReference {
                    id: code.as_str(),
                    index: rule_index(code),
                }),
            }
        }));
    }
    if let Some(w) = &execution.withheld {
        notifications.extend(withheld(w, lang));
    }
    if left_out > 0 {
        let text = crate::text!(
            "{left_out} of {} results were left out: GitHub code scanning accepts at most {MAX_RESULTS} per run (errors are kept before warnings); run `mynaflow check` to see them all",
            report.diagnostics.len();
            "{} 件の結果のうち {left_out} 件を省きました。GitHub のコードスキャンが 1 回の実行で受け付けるのは {MAX_RESULTS} 件までです (エラーを警告より優先して残しています)。すべて見るには `mynaflow check` を実行してください",
            report.diagnostics.len()
        );
        notifications.push(Notification {
            level: "warning",
            message: Message {
                text: text.get(lang).to_string(),
            },
            locations: Vec::new(),
            associated_rule: None,
        });
    }
    let base = |en: &str, ja: &str| BaseLocation {
        description: Message {
            text: Text::new(en, ja).get(lang).to_string(),
        },
    };
    let mut top = Object::begin(out, 0)?;
    top.member("$schema", SCHEMA)?;
    top.member("version", "2.1.0")?;
    top.array_of_one("runs", |run| {
        run.member(
            "tool",
            &Tool {
                driver: Driver {
                    name: "mynaflow",
                    version: env!("CARGO_PKG_VERSION"),
                    information_uri: REPOSITORY,
                    rules: Code::ALL.iter().map(|&c| rule(c, lang)).collect(),
                },
            },
        )?;
        run.member(
            "invocations",
            &[Invocation {
                execution_successful: execution.failures.is_empty(),
                tool_execution_notifications: notifications,
                properties: invocation_properties(execution),
            }],
        )?;
        run.member(
            "originalUriBaseIds",
            &BTreeMap::from([
                (
                    SRCROOT,
                    base(
                        "the directory mynaflow check ran in",
                        "mynaflow check を実行したディレクトリ",
                    ),
                ),
                (
                    BUILTIN_BASE,
                    base(
                        "the rulebooks built into mynaflow; `mynaflow rules export NAME` writes one to a file",
                        "mynaflow に組み込まれたルールブック。`mynaflow rules export 名前` でファイルに書き出せます",
                    ),
                ),
            ]),
        )?;
        run.member("columnKind", "unicodeCodePoints")?;
        run.array("results", &results, |(d, fingerprint)| {
            result(report, d, fingerprint, &line_hashes)
        })
    })?;
    top.end()?;
    out.write_all(b"\n")
}

/// What the run withheld, as warning-level notifications (the run did
/// its job, so not errors): one per config that withheld something, at
/// the config file, and one per folder the walk did not enter that holds
/// designs, at the first of them.
fn withheld(w: &crate::withheld::Withheld, lang: Lang) -> Vec<Notification> {
    let at = |p: &Path| Location {
        id: None,
        physical_location: PhysicalLocation {
            artifact_location: {
                let (uri, uri_base_id) = path_uri(p);
                ArtifactLocation { uri, uri_base_id }
            },
            region: None,
        },
        message: None,
    };
    let warning = |text: Text, place: Option<&Path>| Notification {
        level: "warning",
        message: Message {
            text: text.get(lang).to_string(),
        },
        locations: place.map(at).into_iter().collect(),
        associated_rule: None,
    };
    let configs = (w.configs.iter()).map(|b| {
        let text = crate::wording::run::withheld_by_config(b);
        warning(text, Some(&b.config))
    });
    let skipped = (w.skipped.iter()).map(|s| {
        let text = crate::wording::run::skipped_folder(s);
        warning(text, s.designs.first().map(PathBuf::as_path))
    });
    let lookalikes = (w.lookalikes.iter())
        .map(|f| warning(crate::wording::run::lookalike(f), Some(f.as_path())));
    configs.chain(skipped).chain(lookalikes).collect()
}

/// The invocation's properties: the configs the run followed, if any.
fn invocation_properties(execution: &Execution) -> Option<InvocationProperties> {
    let at = |p: &Path| {
        let (uri, uri_base_id) = path_uri(p);
        ArtifactLocation { uri, uri_base_id }
    };
    let config = execution.config.as_deref().map(at);
    let configs = (execution.configs.as_ref()).map(|l| l.iter().map(|p| at(p)).collect());
    (config.is_some() || configs.is_some()).then_some(InvocationProperties { config, configs })
}

/// At most `max` diagnostics, in their order: errors first in what is
/// kept, then warnings while there is room.
fn cap(diags: &[Diagnostic], max: usize) -> Vec<&Diagnostic> {
    if diags.len() <= max {
        return diags.iter().collect();
    }
    let errors = diags.iter().filter(|d| d.is_error()).count().min(max);
    let mut room = (errors, max - errors);
    diags
        .iter()
        .filter(|d| {
            let left = if d.is_error() {
                &mut room.0
            } else {
                &mut room.1
            };
            let keep = *left > 0;
            *left = left.saturating_sub(1);
            keep
        })
        .collect()
}

/// The `primaryLocationLineHash` of each primary line of `kept`, by file
/// and line: each file hashed once, its counts taken for those lines only.
/// The upload action hashes the file as it reads it from disk; a file that
/// is not UTF-8 (MN005) was read here in another way, so its hash is left
/// to the action.
fn primary_line_hashes(
    report: &Report,
    kept: &[&Diagnostic],
) -> HashMap<FileId, FxHashMap<usize, String>> {
    let mut lines: BTreeMap<FileId, Vec<usize>> = BTreeMap::new();
    for d in kept.iter().filter(|d| d.code != Code::MN005) {
        let line = report.position(d.primary).line;
        lines.entry(d.primary.file).or_default().push(line);
    }
    let hashed = |(file, lines): &(FileId, Vec<usize>)| {
        let hashes = LineHashes::of(&report.sources.get(*file).text);
        (*file, hashes.of_lines(lines))
    };
    // Files hashed side by side: each small file is one piece, hashed on
    // one core (1 700 designs of a million flows in all: 0.42 s of
    // rendering, hashed one after another).
    let lines: Vec<(FileId, Vec<usize>)> = lines.into_iter().collect();
    crate::session::in_order(&lines, hashed)
        .into_iter()
        .collect()
}

/// A code's index in `tool.driver.rules`, which lists [`Code::ALL`].
fn rule_index(code: Code) -> usize {
    Code::ALL.iter().position(|c| *c == code).unwrap_or(0)
}

/// One result; `fingerprint` is its `mynaflow/v1` fingerprint with its
/// occurrence number.
fn result(
    report: &Report,
    d: &Diagnostic,
    fingerprint: &str,
    line_hashes: &HashMap<FileId, FxHashMap<usize, String>>,
) -> SarifResult {
    let lang = report.lang;
    let primary = Location {
        id: None,
        physical_location: physical(report, d.primary),
        message: d.primary_label.as_ref().map(|l| Message {
            text: visible(l.get(lang)).into_owned(),
        }),
    };
    let labels = &d.labels[..d.labels.len().min(MAX_RELATED)];
    let related = labels
        .iter()
        .enumerate()
        .map(|(i, l)| Location {
            id: Some(i + 1),
            physical_location: physical(report, l.span),
            message: Some(Message {
                text: visible(l.message.get(lang)).into_owned(),
            }),
        })
        .collect();
    let mut fingerprints = BTreeMap::from([(FINGERPRINT, fingerprint.to_string())]);
    // (None for MN005: see `primary_line_hashes`.)
    if d.code != Code::MN005
        && let Some(h) =
            (line_hashes.get(&d.primary.file)).and_then(|h| h.get(&report.position(d.primary).line))
    {
        fingerprints.insert(LINE_HASH, h.clone());
    }
    SarifResult {
        rule_id: d.code.as_str(),
        rule_index: rule_index(d.code),
        level: d.severity.as_str(),
        message: Message {
            text: message(report, d),
        },
        locations: vec![primary],
        related_locations: related,
        partial_fingerprints: fingerprints,
        fixes: d.fixes.iter().map(|f| fix(report, f)).collect(),
        properties: (!d.facts.is_empty()).then(|| ResultProperties {
            facts: super::json::facts(&d.facts),
        }),
    }
}

/// The message of a result: what is wrong, the notes and help, and a
/// link to each related location (code scanning shows them only so).
fn message(report: &Report, d: &Diagnostic) -> String {
    let lang = report.lang;
    let mut text = escape_brackets(&visible(d.message.get(lang)));
    for n in &d.notes {
        text.push('\n');
        text.push_str(super::note_word(lang));
        text.push_str(": ");
        text.push_str(&escape_brackets(&visible(n.get(lang))));
    }
    if let Some(h) = &d.help {
        text.push('\n');
        text.push_str(super::help_word(lang));
        text.push_str(": ");
        text.push_str(&escape_brackets(&visible(h.get(lang))));
    }
    for (i, l) in d.labels.iter().take(MAX_RELATED).enumerate() {
        let mut shown = l.message.get(lang).to_string();
        if shown.trim().is_empty() {
            let p = report.position(l.span);
            shown = format!("{}:{}", report.file_name(l.span), p.line);
        }
        text.push_str(&format!(
            "\n[{}]({})",
            escape_brackets(&visible(&shown)),
            i + 1
        ));
    }
    text
}

/// Escapes `[` and `]` (and a backslash before them) so text is never
/// read as a SARIF embedded link.
fn escape_brackets(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn fix(report: &Report, f: &Fix) -> SarifFix {
    let mut changes: Vec<ArtifactChange> = Vec::new();
    for e in &f.edits {
        let (uri, uri_base_id) = file_uri(report.sources.get(e.span.file));
        let p = report.position(e.span);
        let replacement = Replacement {
            deleted_region: Region {
                start_line: p.line,
                start_column: p.column,
                end_line: p.end_line,
                end_column: p.end_column,
                snippet: None,
            },
            inserted_content: Message {
                text: e.content.clone(),
            },
        };
        match changes.last_mut() {
            Some(c) if c.artifact_location.uri == uri => c.replacements.push(replacement),
            _ => changes.push(ArtifactChange {
                artifact_location: ArtifactLocation { uri, uri_base_id },
                replacements: vec![replacement],
            }),
        }
    }
    // The description says an unsafe fix is one, as the editor's title
    // does: a SARIF viewer shows it beside an "apply" button.
    let message = visible(f.message.get(report.lang));
    let text = match f.applicability.caution() {
        None => message.into_owned(),
        Some(caution) => format!("{message} ({})", caution.get(report.lang)),
    };
    SarifFix {
        description: Message { text },
        artifact_changes: changes,
        properties: FixProperties {
            applicability: f.applicability.as_str(),
        },
    }
}

/// What code scanning reads about a code: tags, precision, and for the
/// privacy findings a `security-severity` (9.0 and up is critical, 7.0 high,
/// 4.0 medium).
fn properties(code: Code) -> RuleProperties {
    use Code::*;
    const SYNTAX: &[&str] = &["syntax"];
    const NAMES: &[&str] = &["names", "maintainability"];
    const RULEBOOK: &[&str] = &["rulebook"];
    const MYNUMBER: &[&str] = &["mynumber", "privacy", "security"];
    const PURPOSE: &[&str] = &["purpose", "privacy", "security"];
    const CONTRACTOR: &[&str] = &["contractor", "privacy", "security"];
    const SUPPRESSION: &[&str] = &["suppression"];
    let (tags, precision, security) = match code {
        MN001 | MN002 | MN003 | MN004 | MN005 => (SYNTAX, "very-high", None),
        MN010 | MN011 | MN012 | MN014 => (NAMES, "very-high", None),
        MN013 | MN015 | MN016 | MN017 | MN018 | MN019 => (RULEBOOK, "very-high", None),
        MN601 | MN603 => (RULEBOOK, "high", None),
        MN602 | MN604 => (RULEBOOK, "high", None),
        MN101 => (MYNUMBER, "high", Some("9.0")),
        MN102 | MN105 => (MYNUMBER, "high", Some("8.0")),
        MN103 | MN104 | MN402 => (MYNUMBER, "high", Some("7.5")),
        MN401 => (MYNUMBER, "high", Some("5.0")),
        MN201 => (PURPOSE, "high", Some("5.0")),
        MN202 => (PURPOSE, "high", Some("6.5")),
        MN203 => (PURPOSE, "high", Some("6.0")),
        MN301 | MN302 => (CONTRACTOR, "high", Some("7.0")),
        MN303 => (CONTRACTOR, "high", Some("4.0")),
        MN501 | MN502 | MN503 => (SUPPRESSION, "very-high", None),
    };
    RuleProperties {
        tags,
        precision,
        problem_severity: match code.severity() {
            Severity::Error => "error",
            Severity::Warning => "warning",
        },
        security_severity: security,
    }
}

fn rule(code: Code, lang: Lang) -> Rule {
    let explain = code.explain(lang);
    let lang_dir = match lang {
        Lang::En => "en",
        Lang::Ja => "ja",
    };
    Rule {
        id: code.as_str(),
        name: pascal_case(code.slug()),
        short_description: Message {
            text: code.title().get(lang).to_string(),
        },
        full_description: Message {
            text: summary(explain, lang),
        },
        help: Help {
            text: plain_text(explain),
            markdown: explain,
        },
        help_uri: REPOSITORY.map(|r| {
            format!(
                "{}/blob/v{}/docs/codes/{lang_dir}/{code}.md",
                r.trim_end_matches('/'),
                env!("CARGO_PKG_VERSION")
            )
        }),
        default_configuration: Configuration {
            level: code.severity().as_str(),
        },
        properties: properties(code),
    }
}

/// `wrong-direction` → `WrongDirection`: SARIF's friendly names are
/// Pascal-case identifiers.
fn pascal_case(slug: &str) -> String {
    slug.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// An explain page (Markdown) as plain text: headings without `#`, code
/// blocks indented without their fences, no backticks or emphasis marks,
/// links as `text (url)`.
fn plain_text(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    let mut in_code = false;
    for line in md.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            out.push_str("    ");
            out.push_str(line);
        } else {
            let line = if line.starts_with('#') {
                line.trim_start_matches('#').trim_start()
            } else {
                line
            };
            out.push_str(&unlink(&line.replace('`', "").replace("**", "")));
        }
        out.push('\n');
    }
    out
}

/// `[text](url)` → `text (url)`.
fn unlink(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let link = after.find("](").and_then(|close| {
            after[close + 2..]
                .find(')')
                .map(|end| (close, close + 2 + end))
        });
        match link {
            Some((close, end)) => {
                out.push_str(&rest[..open]);
                out.push_str(&after[..close]);
                out.push_str(" (");
                out.push_str(&after[close + 2..end]);
                out.push(')');
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[..=open]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
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
    let (uri, uri_base_id) = file_uri(report.sources.get(span.file));
    let text = report.sources.slice(span);
    PhysicalLocation {
        artifact_location: ArtifactLocation { uri, uri_base_id },
        region: Some(Region {
            start_line: p.line,
            start_column: p.column,
            end_line: p.end_line,
            end_column: p.end_column,
            snippet: (!text.is_empty()).then(|| Message {
                text: crate::escape::visible_lines(text).into_owned(),
            }),
        }),
    }
}

/// The URI of a file and the base it is relative to: made from the path it
/// was read from, byte for byte, never from its display name (escaped,
/// and lossy where the path is not UTF-8); from the name only for a text
/// with no file (a built-in rulebook, standard input's name).
fn file_uri(file: &SourceFile) -> (String, Option<&'static str>) {
    match file.path() {
        Some(path) => path_uri(path),
        None => artifact_uri(&file.name),
    }
}

/// The URI of a display name with no file behind it, and its base.
fn artifact_uri(name: &str) -> (String, Option<&'static str>) {
    match name.strip_prefix(BUILTIN_PREFIX) {
        Some(rest) => (encode_path(rest.as_bytes()), Some(BUILTIN_BASE)),
        None => path_uri(Path::new(name)),
    }
}

/// The URI of a path and the base it is relative to: relative paths
/// against `%SRCROOT%`, absolute ones as `file:` URIs without a base.
fn path_uri(path: &Path) -> (String, Option<&'static str>) {
    let bytes = separated_bytes(path);
    let b = bytes.as_ref();
    if cfg!(windows) && b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && b[2] == b'/' {
        // A Windows drive: file:///C:/dir/file.myna
        return (
            format!("file:///{}:{}", b[0] as char, encode_path(&b[2..])),
            None,
        );
    }
    if b.starts_with(b"/") {
        return (format!("file://{}", encode_path(b)), None);
    }
    let mut rel = b;
    while let Some(r) = rel.strip_prefix(b"./") {
        rel = r;
    }
    (encode_path(rel), Some(SRCROOT))
}

/// A path's bytes with `/` between its parts. On Unix the bytes as the
/// system has them: a `\` there is a character of a file's name, not a
/// separator (`x\y.myna` is one file, not `y.myna` in `x`). On Windows,
/// where `\` is the separator and names are UTF-16, its UTF-8 with `\`
/// written `/`.
fn separated_bytes(path: &Path) -> std::borrow::Cow<'_, [u8]> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        std::borrow::Cow::Borrowed(path.as_os_str().as_bytes())
    }
    #[cfg(not(unix))]
    {
        std::borrow::Cow::Owned(path.to_string_lossy().replace('\\', "/").into_bytes())
    }
}

/// Percent-encodes a path for a URI: unreserved characters (RFC 3986 §2.3)
/// and `/` stay, every other byte becomes `%XX`. That is more than RFC
/// 3986 demands (sub-delimiters could stay) and always valid, and a `:` in
/// a first segment cannot be taken for a scheme.
fn encode_path(path: &[u8]) -> String {
    let mut out = String::with_capacity(path.len());
    for &b in path {
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
        // A backslash separates only on Windows; on Unix it is part of a
        // file's name, and encoded with it.
        let backslashed = if cfg!(windows) {
            "dir/a%3Ab%25.myna"
        } else {
            "dir%5Ca%3Ab%25.myna"
        };
        assert_eq!(
            artifact_uri("dir\\a:b%.myna"),
            (backslashed.to_string(), Some(SRCROOT))
        );
        assert_eq!(
            artifact_uri("<builtin>/kenpo.myna"),
            ("kenpo.myna".to_string(), Some(BUILTIN_BASE))
        );
        assert_eq!(
            artifact_uri("/home/u/a b.myna"),
            ("file:///home/u/a%20b.myna".to_string(), None)
        );
        let drive = if cfg!(windows) {
            ("file:///C:/work/a.myna".to_string(), None)
        } else {
            ("C%3A%5Cwork%5Ca.myna".to_string(), Some(SRCROOT))
        };
        assert_eq!(artifact_uri("C:\\work\\a.myna"), drive);
    }

    /// A file's URI is its path's bytes, not its display name: a name
    /// that is not UTF-8, or holds a control character, is shown escaped
    /// or lossy, and its URI still names the file.
    #[cfg(unix)]
    #[test]
    fn uris_of_paths_are_their_bytes() {
        use std::os::unix::ffi::OsStrExt;
        let path = Path::new(std::ffi::OsStr::from_bytes(b"./designs/\xff\x1b x\\y.myna"));
        let file = SourceFile::new(path.display().to_string(), "").read_from(path);
        assert_eq!(
            file_uri(&file),
            ("designs/%FF%1B%20x%5Cy.myna".to_string(), Some(SRCROOT))
        );
        let named = SourceFile::new("designs/x\\y.myna", "");
        assert_eq!(
            file_uri(&named),
            ("designs/x%5Cy.myna".to_string(), Some(SRCROOT))
        );
    }

    #[test]
    fn helpers() {
        assert_eq!(pascal_case("wrong-direction"), "WrongDirection");
        assert_eq!(pascal_case("not-utf8"), "NotUtf8");
        assert_eq!(escape_brackets("a [b] \\ c"), "a \\[b\\] \\\\ c");
        assert_eq!(
            plain_text(
                "# MN1 — x\n\nUse `a` **now**, see [docs](https://x.y).\n\n```myna\n# expect: MN1\n```\n"
            ),
            "MN1 — x\n\nUse a now, see docs (https://x.y).\n\n    # expect: MN1\n"
        );
        assert_eq!(unlink("[a] b [c](d"), "[a] b [c](d");
    }

    #[test]
    fn at_most_the_cap_errors_first() {
        let f = FileId(0);
        let d =
            |code: Code, at: usize| Diagnostic::new(code, Span::new(f, at, at), Text::same("x"));
        let diags = vec![
            d(Code::MN012, 0),
            d(Code::MN102, 1),
            d(Code::MN012, 2),
            d(Code::MN102, 3),
        ];
        let kept: Vec<usize> = cap(&diags, 3)
            .iter()
            .map(|d| d.primary.start as usize)
            .collect();
        assert_eq!(kept, [0, 1, 3]);
        let kept: Vec<usize> = cap(&diags, 1)
            .iter()
            .map(|d| d.primary.start as usize)
            .collect();
        assert_eq!(kept, [1]);
        assert_eq!(cap(&diags, 4).len(), 4);
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
