//! Suppressions as audited records:
//! `# mynaflow: allow MN301 reason="…" until=2025-03-31`, on the finding's
//! line or on a line of its own above it. A suppression needs a reason
//! (MN501), stops working after its date (MN502), and is reported when it
//! suppresses nothing (MN503).

use crate::candidates::Candidates;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::fix::{Edit, Fix};
use crate::source::SourceFile;
use crate::span::{FileId, Span};
use crate::syntax::token::Comment;
use crate::text;
use crate::text::Text;
use rayon::prelude::*;
use std::collections::BTreeSet;

/// Codes no suppression applies to, whatever `mynaflow.toml` says: MN005
/// and MN013 mean the design was not checked at all (it is not text, its
/// rulebook could not be loaded), which no reason can make acceptable;
/// MN004 means the text does not read as it is written (a bidi override,
/// an invisible character, a lone CR that an editor shows as a line
/// break), so no comment inside that same text can vouch for it: the
/// suppression may itself be what the character disguises.
pub const UNSUPPRESSIBLE: &[Code] = &[Code::MN004, Code::MN005, Code::MN013];

/// Why no suppression applies to `code` ([`UNSUPPRESSIBLE`]), worded for
/// the MN501 of one that names it.
fn why_unsuppressible(code: Code, word: &str) -> Text {
    match code {
        Code::MN004 => text!(
            "{word} cannot be suppressed: it means the text does not read as it is written, so no comment in that text can excuse it";
            "{word} は抑制できません。テキストが書かれているとおりに読めないことを示すため、そのテキストの中のコメントでは許容できません"
        ),
        _ => text!(
            "{word} cannot be suppressed: it means the design was not checked";
            "{word} は抑制できません。設計が検査されていないことを示します"
        ),
    }
}

/// Does a finding of `code` stop checks from judging what it is about
/// ([`Code::stops_checks`], or a design not checked at all,
/// [`Code::leaves_design_unchecked`])? Silencing it silences them all: a
/// project that bars codes from suppression bars these too, or a comment
/// could silence a barred check by silencing what feeds it.
fn stops_checks(code: Code) -> bool {
    code.stops_checks() || code.leaves_design_unchecked()
}

/// The reason the editor's "suppress with a reason" action writes, for
/// the user to replace (English, Japanese). It is no reason: a suppression
/// that still gives it is MN501 and silences nothing, so that one click
/// cannot silence a finding without a decision recorded.
pub const PLACEHOLDER_REASONS: [&str; 2] = ["TODO: why this is acceptable", "TODO: 許容できる理由"];

/// [`PLACEHOLDER_REASONS`] in `lang`.
pub fn placeholder_reason(lang: crate::text::Lang) -> &'static str {
    match lang {
        crate::text::Lang::En => PLACEHOLDER_REASONS[0],
        crate::text::Lang::Ja => PLACEHOLDER_REASONS[1],
    }
}

/// Why a quoted reason records no decision, if it does not: it is empty
/// (after trimming), it is only punctuation and symbols (`…`, `...`, `-`,
/// `・・・`: a letter or digit says something, these do not), or it is a
/// placeholder the editor wrote ([`PLACEHOLDER_REASONS`]).
fn no_decision(reason: &str) -> Option<Text> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Some(Text::new(
            "`reason` must be a non-empty quoted string",
            "`reason` は空でない引用符付きの文字列で書いてください",
        ));
    }
    if PLACEHOLDER_REASONS.contains(&reason) {
        return Some(text!(
            "reason=\"{reason}\" is the placeholder the editor wrote: replace it with why this is acceptable";
            "reason=\"{reason}\" はエディタが書いた仮の文言です。許容できる理由に書き換えてください"
        ));
    }
    if !reason.chars().any(char::is_alphanumeric) {
        let shown = crate::escape::visible(reason);
        return Some(text!(
            "reason=\"{shown}\" is a placeholder, not a reason: write why this is acceptable";
            "reason=\"{shown}\" は仮の文言で、理由になっていません。許容できる理由を書いてください"
        ));
    }
    None
}

/// A calendar date, comparable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    /// Year.
    pub year: i32,
    /// Month, 1–12.
    pub month: u32,
    /// Day, 1–31.
    pub day: u32,
}

impl Date {
    /// Parses `YYYY-MM-DD`: a day that exists in the Gregorian calendar
    /// (`2023-02-29` and `2027-02-30` do not).
    pub fn parse(s: &str) -> Option<Date> {
        if !crate::syntax::parser::is_date(s) {
            return None;
        }
        let d = Date {
            year: s[0..4].parse().ok()?,
            month: s[5..7].parse().ok()?,
            day: s[8..10].parse().ok()?,
        };
        (d.day >= 1 && d.day <= days_in_month(d.year, d.month)).then_some(d)
    }

    /// Today in the machine's local time zone (UTC when it cannot be
    /// known), from the system clock: an `until` day is the user's day.
    pub fn today() -> Date {
        crate::local_date::today()
    }

    /// The civil date `days` after 1970-01-01 (Howard Hinnant's algorithm).
    pub fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }
}

/// Days in a month of the Gregorian calendar (0 for a month out of 1–12).
pub fn days_in_month(year: i32, month: u32) -> u32 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 0,
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A parsed suppression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    /// The codes it silences.
    pub codes: Vec<Code>,
    /// Where each of `codes` is written, in the same order: an unused one
    /// is reported there, and its fix takes it out of the list.
    pub code_spans: Vec<Span>,
    /// Why (required).
    pub reason: String,
    /// The last day it applies.
    pub until: Option<Date>,
    /// The comment.
    pub span: Span,
    /// 0-based line it applies to.
    pub line: usize,
    /// Is it at the end of a line of code (else on a line of its own)?
    pub trailing: bool,
}

/// What a suppression's text says: its codes (each with where it is
/// written, in bytes from the start of the text), its reason, its date.
#[derive(Debug)]
struct Body {
    codes: Vec<(Code, std::ops::Range<usize>)>,
    reason: String,
    until: Option<Date>,
}

/// Reads `allow CODE[, CODE] reason="…" [until=DATE]`; Err says what is
/// wrong, a code `barred` (the project's `unsuppressible`) among it. A
/// code or a field given twice is wrong too: which `until` would hold is
/// a guess, and a reader believes the one they see.
fn parse_body(body: &str, barred: &BTreeSet<Code>) -> Result<Body, Text> {
    let rest = body.trim_start().strip_prefix("allow").ok_or_else(|| {
        Text::new(
            "a suppression starts with `allow`",
            "抑制コメントは `allow` で始まります",
        )
    })?;
    let mut rest = rest.trim_start();
    let mut codes = Vec::new();
    loop {
        let end = rest
            .find(|c: char| c == ',' || c.is_whitespace())
            .unwrap_or(rest.len());
        let word = &rest[..end];
        let code = Code::parse(word).ok_or_else(
            || text!("`{word}` is not a diagnostic code"; "`{word}` は診断コードではありません"),
        )?;
        if UNSUPPRESSIBLE.contains(&code) {
            return Err(why_unsuppressible(code, word));
        }
        if barred.contains(&code) {
            return Err(
                text!("{word} cannot be suppressed in this project (`unsuppressible` in mynaflow.toml)"; "{word} はこのプロジェクトでは抑制できません (mynaflow.toml の `unsuppressible`)"),
            );
        }
        if !barred.is_empty() && stops_checks(code) {
            return Err(
                text!("{word} cannot be suppressed in this project: it bars codes from suppression (`unsuppressible` in mynaflow.toml), and a {word} stops the checks of what it is about, the barred ones among them"; "{word} はこのプロジェクトでは抑制できません。mynaflow.toml の `unsuppressible` がコードの抑制を禁じており、{word} はその対象の検査 (禁じられたものを含む) を止めるためです"),
            );
        }
        if codes.iter().any(|&(c, _)| c == code) {
            return Err(text!("{word} is listed twice"; "{word} が 2 回書かれています"));
        }
        let at = body.len() - rest.len();
        codes.push((code, at..at + end));
        rest = rest[end..].trim_start();
        match rest.strip_prefix(',') {
            Some(r) => rest = r.trim_start(),
            None => break,
        }
    }
    let (mut reason, mut until) = (None, None);
    while !rest.is_empty() {
        let (key, value_and_rest) = rest.split_once('=').ok_or_else(|| {
            text!("unexpected `{rest}`: expected reason=\"…\" or until=YYYY-MM-DD"; "`{rest}` は読めません。reason=\"…\" または until=YYYY-MM-DD と書いてください")
        })?;
        let (value, quoted, next) = if let Some(v) = value_and_rest.strip_prefix('"') {
            let close = v.find('"').ok_or_else(|| {
                Text::new("unterminated quoted value", "引用符が閉じられていません")
            })?;
            (&v[..close], true, &v[close + 1..])
        } else {
            let end = value_and_rest
                .find(char::is_whitespace)
                .unwrap_or(value_and_rest.len());
            (&value_and_rest[..end], false, &value_and_rest[end..])
        };
        let key = key.trim();
        if (key == "reason" && reason.is_some()) || (key == "until" && until.is_some()) {
            return Err(
                text!("`{key}` is given twice: a suppression gives each field once"; "`{key}` が 2 回書かれています。各項目は 1 回だけ書いてください"),
            );
        }
        match key {
            "reason" if !quoted => {
                return Err(Text::new(
                    "`reason` must be a non-empty quoted string",
                    "`reason` は空でない引用符付きの文字列で書いてください",
                ));
            }
            "reason" => match no_decision(value) {
                None => reason = Some(value.to_string()),
                Some(why) => return Err(why),
            },
            "until" => {
                until = Some(Date::parse(value).ok_or_else(|| text!("`{value}` is not a date (YYYY-MM-DD, a day that exists)"; "`{value}` は日付 (YYYY-MM-DD、実在する日) ではありません"))?);
            }
            other => return Err(text!("unknown field `{other}`"; "不明な項目 `{other}`")),
        }
        rest = next.trim_start();
    }
    let reason = reason.ok_or_else(|| {
        Text::new(
            "a suppression needs a reason=\"…\": it is the record of why this is acceptable",
            "抑制コメントには reason=\"…\" が必要です。なぜ許容できるのかの記録になります",
        )
    })?;
    Ok(Body {
        codes,
        reason,
        until,
    })
}

/// Reads the suppressions of a file; malformed ones become MN501.
/// Many comments are read in runs on every core (65 000 suppressions took
/// 50 ms on one core); each run finds the next line of code on its own, which gives
/// the same line whatever was asked before, and the runs' suppressions and
/// findings are joined in the comments' order.
pub fn read(
    file: &SourceFile,
    comments: &[Comment],
    barred: &BTreeSet<Code>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Suppression> {
    if comments.len() < PARALLEL {
        let (out, found) = read_run(file, comments, barred);
        diags.extend(found);
        return out;
    }
    let runs: Vec<(Vec<Suppression>, Vec<Diagnostic>)> = comments
        .par_chunks(RUN)
        .with_max_len(1)
        .map(|run| read_run(file, run, barred))
        .collect();
    let mut out = Vec::with_capacity(runs.iter().map(|(s, _)| s.len()).sum());
    for (suppressions, found) in runs {
        out.extend(suppressions);
        diags.extend(found);
    }
    out
}

/// Comments, suppressions or findings below which suppressions are read
/// and applied on one core: a few thousand are read in well under a
/// millisecond.
const PARALLEL: usize = 4096;

/// Comments one task reads, findings one task places.
const RUN: usize = 2048;

/// [`read`] of one run of comments: its suppressions, and its MN501s.
fn read_run(
    file: &SourceFile,
    comments: &[Comment],
    barred: &BTreeSet<Code>,
) -> (Vec<Suppression>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let mut diags = Vec::new();
    let mut next_code = NextCode::new(file);
    for c in comments {
        // Only the start matters: `parse_body` trims the rest.
        let Some(body) = body_of(&c.text) else {
            continue;
        };
        let start = c.span.start as usize;
        let line = file.line_index(start);
        let own_line = file.text[file.line_range(line).start..start]
            .trim()
            .is_empty();
        let target = if own_line {
            next_code.at_or_after(line + 1)
        } else {
            Some(line)
        };
        // Where the text read starts in the file: the body ends where
        // the comment does, whichever `#` opened it (`＃`, read as one,
        // is three bytes: counted from the start, every code's span
        // slid two bytes left, and MN503's fix cut the wrong text).
        let body_start = (c.span.end as usize).saturating_sub(body.len());
        let at = |r: &std::ops::Range<usize>| {
            Span::new(c.span.file, body_start + r.start, body_start + r.end)
        };
        match (parse_body(body, barred), target) {
            (Ok(Body { codes, reason, until }), Some(line)) => out.push(Suppression {
                code_spans: codes.iter().map(|(_, r)| at(r)).collect(),
                codes: codes.into_iter().map(|(c, _)| c).collect(),
                reason,
                until,
                span: c.span,
                line,
                trailing: !own_line,
            }),
            (Ok(_), None) => diags.push(Diagnostic::new(
                Code::MN501,
                c.span,
                Text::new("this suppression has no line after it to apply to", "この抑制コメントの後に対象の行がありません"),
            )),
            (Err(why), _) => diags.push(
                Diagnostic::new(Code::MN501, c.span, text!("malformed suppression: {}", why.en; "抑制コメントの誤り: {}", why.ja))
                    .with_note(Text::new("a malformed suppression suppresses nothing", "誤った抑制コメントは何も抑制しません"))
                    .with_help(Text::new(
                        "write: # mynaflow: allow CODE reason=\"why this is acceptable\", and if it holds only until a date, until=YYYY-MM-DD after it",
                        "次の形で書いてください: # mynaflow: allow コード reason=\"許容できる理由\" (期限があれば、その後に until=YYYY-MM-DD)",
                    )),
            ),
        }
    }
    (out, diags)
}

/// Does a line hold code, for an own-line suppression (it applies to the
/// first line after it that does): not blank, not starting with `#`.
/// `fmt` asks the same when it checks that it kept each suppression's reach.
pub(crate) fn holds_code(line: &str) -> bool {
    let t = line.trim();
    !t.is_empty() && !t.starts_with('#')
}

/// The text after `mynaflow:` of a comment's text (after its `#`) that
/// is a suppression; None when it is not one.
pub(crate) fn body_of(comment: &str) -> Option<&str> {
    comment.trim_start().strip_prefix("mynaflow:")
}

/// The first line at or after a given line that holds code (not blank,
/// not only a comment), found by reading on from that line and kept: asked
/// in source order (the comments' order), stacked own-line suppressions
/// share one scan, and no line is read twice. Only the lines after
/// suppressions are read, not the whole file (a million-flow design's
/// text would be read again for a few of them).
struct NextCode<'a> {
    file: &'a SourceFile,
    /// The last scan started at this line...
    from: usize,
    /// ... and found code here (None: none up to the end of the file).
    found: Option<usize>,
}

impl<'a> NextCode<'a> {
    fn new(file: &'a SourceFile) -> NextCode<'a> {
        NextCode {
            file,
            from: usize::MAX,
            found: None,
        }
    }

    /// The first line at or after `line` that holds code.
    fn at_or_after(&mut self, line: usize) -> Option<usize> {
        if self.from <= line && self.found.is_none_or(|f| line <= f) {
            return self.found;
        }
        let n = self.file.line_count();
        let holds_code = |l: usize| holds_code(&self.file.text[self.file.line_range(l)]);
        let mut l = line;
        while l < n && !holds_code(l) {
            l += 1;
        }
        self.from = line;
        self.found = (l < n).then_some(l);
        self.found
    }
}

/// Applies suppressions to the findings of `file`: drops what they
/// silence, adds MN502 for expired ones and MN503 for each code that
/// silenced nothing. `statements` are the spans of the file's statements,
/// in source order: a suppression covers the findings of one statement,
/// the one it ends (at the end of a line) or the next (on a line of its
/// own). A finding goes to the first suppression (in file order) that
/// covers it. `unchecked` says whether the checks skipped the statement at
/// a span for a name they could not resolve (asked only of a suppression
/// that silenced nothing, in a file with a finding that stops checks).
///
/// Indexed by line and by statement, so the cost is (findings +
/// suppressions) × log, not findings × suppressions × statements.
pub fn apply(
    file: &SourceFile,
    id: FileId,
    suppressions: &[Suppression],
    statements: &[Span],
    today: Date,
    unchecked: &dyn Fn(Span) -> bool,
    diags: &mut Candidates,
) {
    if suppressions.is_empty() {
        return;
    }
    debug_assert!(statements.windows(2).all(|w| w[0].start <= w[1].start));
    let line_of = |byte: u32| file.line_index(byte as usize);
    // What each suppression covers, found on every core when there are
    // many (a search of the lines and one of the statements each).
    let many = suppressions.len() >= PARALLEL;
    let reach = |s: &Suppression| Reach::of(file, statements, s);
    let reaches: Vec<Reach> = if many {
        suppressions.par_iter().map(reach).collect()
    } else {
        suppressions.iter().map(reach).collect()
    };
    // Whether each code of each suppression was used: the codes of all,
    // one after the other, from `first[i]` for the i-th.
    let mut first = Vec::with_capacity(suppressions.len());
    let mut total = 0;
    for s in suppressions {
        first.push(total);
        total += s.codes.len();
    }
    let mut used = vec![false; total];
    let mut extra = Vec::new();
    // Live suppressions by the part of the line they cover, and by the
    // statement they cover whole.
    let mut live = Live::default();
    for ((i, s), reach) in suppressions.iter().enumerate().zip(&reaches) {
        if let Some(until) = s.until
            && until < today
        {
            used[first[i]..first[i] + s.codes.len()].fill(true);
            extra.push(
                Diagnostic::new(
                    Code::MN502,
                    s.span,
                    text!("suppression expired on {until}; it no longer suppresses anything"; "抑制コメントの期限 {until} が過ぎており、もう抑制しません"),
                )
                .with_note(text!("reason given: {}", s.reason; "記載された理由: {}", s.reason))
                .with_help(Text::new(
                    "fix the finding, or renew the suppression with a checked reason and a new date",
                    "指摘を直すか、確認した理由と新しい期限で抑制コメントを更新してください",
                )),
            );
            continue;
        }
        live.by_line.push((s.line, reach.from, reach.to, i));
        if let Some(st) = reach.whole {
            live.by_statement.push((st.start, st.end, i));
        }
    }
    live.sort();
    // The suppression that silences the diagnostic of `code` at `primary`,
    // and which of its codes does, if one does.
    let silencer = |(code, primary): (Code, Span)| -> Option<(usize, usize)> {
        if primary.file != id
            || matches!(code, Code::MN501 | Code::MN502 | Code::MN503)
            || UNSUPPRESSIBLE.contains(&code)
        {
            return None;
        }
        let at = primary.start;
        live.covering(line_of(at), at)
            .filter_map(|i| Some((i, suppressions[i].codes.iter().position(|&c| c == code)?)))
            .min()
    };
    // Where the findings are that stop the checks of what they are about
    // (a syntax or name error), and whether one leaves the whole design
    // unchecked: what a suppression that silenced nothing is asked
    // against. Read before suppressions drop any.
    let mut stoppers: Vec<u32> = Vec::new();
    let mut nothing_checked = false;
    for (code, primary) in (diags.before.iter().map(|d| (d.code, d.primary)))
        .chain(diags.hollow.iter().map(|h| (h.code, h.primary)))
    {
        if code.leaves_design_unchecked() {
            nothing_checked = true;
        } else if stops_checks(code) && primary.file == id {
            stoppers.push(primary.start);
        }
    }
    stoppers.sort_unstable();
    // Each finding's suppression is found on every core when there are
    // many; which are dropped, and which suppressions were used, is then
    // decided in order.
    let key = |i: usize| diags.key(i).and_then(silencer);
    let silenced: Vec<Option<(usize, usize)>> = if diags.len() >= PARALLEL {
        (0..diags.len())
            .into_par_iter()
            .with_min_len(RUN)
            .map(key)
            .collect()
    } else {
        (0..diags.len()).map(key).collect()
    };
    let mut silenced = silenced.into_iter();
    diags.retain(|_, _| match silenced.next().flatten() {
        Some((i, k)) => {
            used[first[i] + k] = true;
            false
        }
        None => true,
    });
    diags.after.append(&mut extra);
    // A suppression whose statement the checks skipped is not known to
    // silence nothing: what it was written for may come back once the
    // name is fixed (and `--fix` may fix it in the same round).
    let judged = |s: &Suppression, reach: &Reach| {
        if nothing_checked {
            return false;
        }
        if stoppers.is_empty() {
            return true;
        }
        let stopped_in = |from: u32, to: u32| {
            let k = stoppers.partition_point(|&b| b < from);
            stoppers.get(k).is_some_and(|&b| b < to)
        };
        let line = file.line_range(s.line);
        let on_line = stopped_in(
            reach.from.max(line.start as u32),
            reach.to.min(line.end as u32 + 1),
        );
        let in_statement = reach.whole.is_some_and(|st| stopped_in(st.start, st.end));
        !on_line && !in_statement && !reach.about.is_some_and(unchecked)
    };
    // Unused suppressions can be thousands (each a diagnostic with its
    // fix): made on every core when there are many, in order.
    let unused: Vec<(&Suppression, &[bool])> = (suppressions.iter().enumerate().zip(&reaches))
        .filter_map(|((i, s), reach)| {
            let flags = &used[first[i]..first[i] + s.codes.len()];
            (flags.contains(&false) && judged(s, reach)).then_some((s, flags))
        })
        .collect();
    let report = |&(s, flags): &(&Suppression, &[bool])| unused_codes(file, s, flags);
    if unused.len() >= PARALLEL {
        (diags.after).par_extend(unused.par_iter().flat_map_iter(report));
    } else {
        (diags.after).extend(unused.iter().flat_map(report));
    }
}

/// What one suppression covers: the findings on its line from byte
/// `from` up to byte `to`, and every finding of the statement `whole`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Reach {
    from: u32,
    to: u32,
    whole: Option<Span>,
    /// The statement it is about, whole or not: what is asked whether
    /// the checks skipped it.
    about: Option<Span>,
}

impl Reach {
    /// At the end of a line, a suppression covers the statement it ends:
    /// the last one that starts before it (two statements on one line
    /// are two statements, and the comment ends the second). On a line of
    /// its own, it covers the first statement that starts on the line it
    /// applies to, and not a second one starting on that line.
    fn of(file: &SourceFile, statements: &[Span], s: &Suppression) -> Reach {
        let line = file.line_range(s.line);
        let line_start = line.start as u32;
        let starts_here = |st: &&Span| file.line_index(st.start as usize) == s.line;
        if s.trailing {
            let before = statements.partition_point(|st| st.start < s.span.start);
            let last = before.checked_sub(1).and_then(|k| statements.get(k));
            let whole = last.filter(starts_here).copied();
            return Reach {
                from: whole.map_or(line_start, |st| st.start.max(line_start)),
                to: u32::MAX,
                whole,
                about: whole.or(last.filter(|st| st.end > s.span.start).copied()),
            };
        }
        let k = statements.partition_point(|st| (st.start as usize) < line.start);
        let whole = statements.get(k).filter(starts_here).copied();
        let next = whole.and(statements.get(k + 1)).filter(starts_here);
        Reach {
            from: line_start,
            to: next.map_or(u32::MAX, |st| st.start),
            whole,
            about: whole,
        }
    }
}

/// MN503 for what a suppression silenced nothing of (`used`: whether
/// each of its codes did), each with the fix that removes it: the whole
/// comment when none of its codes was used, else one MN503 for each
/// unused code, at the code, whose fix takes it out of the list (as
/// ruff's RUF100 does): an unused code left in would silence a future
/// finding unseen.
fn unused_codes(file: &SourceFile, s: &Suppression, used: &[bool]) -> Vec<Diagnostic> {
    let Some(kept) = used.iter().position(|&u| u) else {
        return vec![unused_suppression(file, s)];
    };
    let spans = &s.code_spans;
    (s.codes.iter().zip(spans).enumerate())
        .filter(|&(k, _)| !used.get(k).copied().unwrap_or(true))
        .filter_map(|(k, (code, &at))| {
            // Before the first code kept, each takes the separator after
            // it; after, the one before it: the removals never overlap,
            // so all are applied in one round.
            let removed = if k < kept {
                Span { end: spans.get(k + 1)?.start, ..at }
            } else {
                Span { start: spans.get(k.checked_sub(1)?)?.end, ..at }
            };
            let code = code.as_str();
            Some(
                Diagnostic::new(
                    Code::MN503,
                    at,
                    text!("{code} in this suppression suppresses nothing"; "この抑制コメントの {code} は何も抑制していません"),
                )
                .with_help(text!(
                    "remove {code} from the list: no finding of it is here (the other codes are used), and left in it would silence a future one unseen";
                    "一覧から {code} を削除してください。ここに {code} の指摘はなく (他のコードは使われています)、残すと将来の指摘を気付かれないまま抑制します"
                ))
                .with_fix(Fix::safe(
                    text!("remove {code} from the suppression"; "抑制コメントから {code} を削除する"),
                    vec![Edit { span: removed, content: String::new() }],
                )),
            )
        })
        .collect()
}

/// MN503 for a suppression that silenced nothing, with the fix that
/// removes it.
fn unused_suppression(file: &SourceFile, s: &Suppression) -> Diagnostic {
    let codes: Vec<&str> = s.codes.iter().map(|c| c.as_str()).collect();
    let codes = codes.join(", ");
    Diagnostic::new(
        Code::MN503,
        s.span,
        text!("this suppression of {codes} suppresses nothing"; "この {codes} の抑制コメントは何も抑制していません"),
    )
    .with_help(Text::new(
        "remove it: the finding it was written for is gone (or it is on the wrong line)",
        "削除してください。対象の指摘はもうありません (または行が違います)",
    ))
    .with_fix(Fix::safe(
        Text::new("remove the unused suppression", "使われていない抑制コメントを削除する"),
        vec![Edit { span: removal(file, s.span), content: String::new() }],
    ))
}

/// A file's live suppressions by the part of the line they cover and by
/// the statement they cover whole: two sorted lists searched by halving.
/// (A hash map of lists and a tree map of lists made one small list per
/// suppression, on one core: 22 ms for 65 000 of them.)
#[derive(Default)]
struct Live {
    /// (line, from byte, to byte, suppression).
    by_line: Vec<(usize, u32, u32, usize)>,
    /// (statement's start, its end, suppression).
    by_statement: Vec<(u32, u32, usize)>,
}

impl Live {
    /// Puts both lists in order. Suppressions come in file order, so the
    /// lists nearly are already; each entry is unique (it names its
    /// suppression), so the order is the same however it is reached.
    fn sort(&mut self) {
        self.by_line.sort_unstable();
        self.by_statement.sort_unstable();
    }

    /// The suppressions that cover a finding at byte `at` on `line`:
    /// those on its line whose part of it holds `at`, then those of the
    /// statement it is in (top-level statements do not overlap, so that
    /// is the last one starting at or before it, if it ends after it).
    fn covering(&self, line: usize, at: u32) -> impl Iterator<Item = usize> + '_ {
        let from = self.by_line.partition_point(|&(l, ..)| l < line);
        let to = self.by_line.partition_point(|&(l, ..)| l <= line);
        let on_line = self.by_line.get(from..to).unwrap_or_default();
        let before = self.by_statement.partition_point(|&(s, _, _)| s <= at);
        let in_statement = match before.checked_sub(1).and_then(|i| self.by_statement.get(i)) {
            Some(&(start, end, _)) if at < end => {
                let first = self.by_statement.partition_point(|&(s, _, _)| s < start);
                self.by_statement.get(first..before).unwrap_or_default()
            }
            _ => &[],
        };
        (on_line.iter())
            .filter(move |&&(_, from, to, _)| from <= at && at < to)
            .map(|&(.., i)| i)
            .chain(in_statement.iter().map(|&(_, _, i)| i))
    }
}

/// What removing the comment at `span` takes away: its whole line when it
/// stands alone, else the comment and the blanks before it.
fn removal(file: &SourceFile, span: Span) -> Span {
    let text = file.text.as_str();
    let line = file.line_index(span.start as usize);
    let range = file.line_range(line);
    let before = text.get(range.start..span.start as usize).unwrap_or("");
    if before.trim().is_empty() {
        let rest = text.get(range.end..).unwrap_or("");
        let newline = if rest.starts_with("\r\n") {
            2
        } else {
            usize::from(rest.starts_with(['\n', '\r']))
        };
        let end = range.end + newline;
        return Span::new(span.file, range.start, end.min(text.len()));
    }
    let kept = before.trim_end().len();
    Span::new(span.file, range.start + kept, span.end as usize)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::candidates::Placed;

    #[test]
    fn the_next_line_of_code_is_found_in_any_order_of_asking() {
        let text = "# a\n\nflow A -> B\n  # b\n\t\n# c\nactor A : R\n# d\n\n";
        let file = SourceFile::new("t.myna", text);
        let n = file.line_count();
        // By definition: the first line at or after `l` with code on it.
        let expected = |l: usize| {
            (l..n).find(|&k| {
                let t = file.text[file.line_range(k)].trim();
                !t.is_empty() && !t.starts_with('#')
            })
        };
        let mut next = NextCode::new(&file);
        for l in 0..=n + 1 {
            assert_eq!(next.at_or_after(l), expected(l), "line {l}, in order");
        }
        let mut next = NextCode::new(&file);
        for l in [5, 5, 1, 7, 3, 0, 9, 2, 6, 4, 8, 2] {
            assert_eq!(next.at_or_after(l), expected(l), "line {l}, out of order");
        }
    }

    /// Each code's span is the code as written, after `#` or `＃`.
    #[test]
    fn code_spans_fall_on_the_codes_whichever_hash_opens_the_comment() {
        for text in [
            "# mynaflow: allow MN102, MN301 reason=\"x\"\nflow A -> B : X\n",
            "＃ mynaflow: allow MN102, MN301 reason=\"x\"\nflow A -> B : X\n",
            "flow A -> B : X ＃　mynaflow: allow MN102, MN301 reason=\"x\"\n",
        ] {
            let file = SourceFile::new("t.myna", text);
            let lexed = crate::syntax::lexer::lex(crate::span::FileId(0), text);
            let mut diags = Vec::new();
            let read = read(&file, &lexed.comments, &BTreeSet::new(), &mut diags);
            assert!(diags.is_empty(), "{text}: {diags:?}");
            let [s] = read.as_slice() else {
                panic!("{text}: one suppression, not {read:?}");
            };
            let written: Vec<&str> = (s.code_spans.iter()).map(|sp| &text[sp.range()]).collect();
            assert_eq!(written, ["MN102", "MN301"], "{text}");
        }
    }

    #[test]
    fn dates() {
        assert_eq!(Date::from_days(0).to_string(), "1970-01-01");
        assert_eq!(Date::from_days(20_454).to_string(), "2026-01-01");
        assert!(Date::parse("2025-03-31").unwrap() < Date::parse("2025-04-01").unwrap());
        assert_eq!(Date::parse("2025/03/31"), None);
    }

    #[test]
    fn impossible_days_are_not_dates() {
        assert_eq!(Date::parse("2027-02-30"), None);
        assert_eq!(Date::parse("2023-02-29"), None);
        assert_eq!(Date::parse("2025-04-31"), None);
        assert_eq!(Date::parse("1900-02-29"), None);
        assert!(Date::parse("2024-02-29").is_some());
        assert!(Date::parse("2000-02-29").is_some());
        assert!(
            parse_body(
                "allow MN301 reason=\"x\" until=2027-02-30",
                &BTreeSet::new()
            )
            .is_err()
        );
    }

    #[test]
    fn a_project_bars_the_codes_it_names_from_suppression() {
        let barred: BTreeSet<Code> = [Code::MN102].into();
        let why = parse_body("allow MN301, MN102 reason=\"x\"", &barred).unwrap_err();
        assert!(
            why.en
                .contains("MN102 cannot be suppressed in this project"),
            "{}",
            why.en
        );
        assert!(why.ja.contains("unsuppressible"), "{}", why.ja);
        assert!(parse_body("allow MN301 reason=\"x\"", &barred).is_ok());
        // What stops checks is barred with them; a warning is not.
        for code in ["MN001", "MN002", "MN010", "MN011", "MN018"] {
            let why = parse_body(&format!("allow {code} reason=\"x\""), &barred).unwrap_err();
            assert!(why.en.contains("stops the checks"), "{code}: {}", why.en);
        }
        assert!(parse_body("allow MN012, MN014 reason=\"x\"", &barred).is_ok());
        assert!(parse_body("allow MN010 reason=\"x\"", &BTreeSet::new()).is_ok());
    }

    #[test]
    fn the_gate_cannot_be_suppressed() {
        assert!(parse_body("allow MN013 reason=\"x\"", &BTreeSet::new()).is_err());
        assert!(parse_body("allow MN301, MN005 reason=\"x\"", &BTreeSet::new()).is_err());
        // Even a suppression built by hand does not hide MN013.
        assert!(survives_a_hand_made_suppression(Code::MN013, 0..4));
    }

    /// Does a finding of `code` at `at` outlive a suppression of it built
    /// by hand (past the parse that refuses to write one) on the statement
    /// that holds it?
    fn survives_a_hand_made_suppression(code: Code, at: std::ops::Range<usize>) -> bool {
        let text = "flow A -> B : x for p   # mynaflow: allow MN301 reason=\"a\"\n";
        let file = SourceFile::new("t.myna", text);
        let id = FileId(0);
        let parsed = crate::syntax::parse(id, text);
        let mut diags = Vec::new();
        let mut s = read(&file, &parsed.file.comments, &BTreeSet::new(), &mut diags);
        s[0].codes.push(code);
        let statements: Vec<Span> = parsed.file.stmts.iter().map(|s| s.span()).collect();
        diags.push(Diagnostic::new(
            code,
            Span::new(id, at.start, at.end),
            Text::new("x", "x"),
        ));
        let mut c = Candidates {
            before: diags,
            ..Candidates::default()
        };
        apply(
            &file,
            id,
            &s,
            &statements,
            Date::parse("2025-04-01").unwrap(),
            &|_| false,
            &mut c,
        );
        c.into_all().iter().any(|d| d.code == code)
    }

    /// MN004 says the text does not read as written: a comment in that
    /// text cannot excuse it, in any project, whatever its config bars.
    #[test]
    fn an_untrustworthy_text_cannot_be_suppressed_from_within() {
        for barred in [BTreeSet::new(), BTreeSet::from([Code::MN102])] {
            let why = parse_body("allow MN104, MN004 reason=\"x\"", &barred).unwrap_err();
            assert!(
                why.en.contains(
                    "MN004 cannot be suppressed: it means the text does not read as it is written"
                ),
                "{}",
                why.en
            );
            assert!(why.ja.contains("MN004 は抑制できません"), "{}", why.ja);
            assert!(parse_body("allow mn004 reason=\"x\"", &barred).is_err());
        }
        // Nor does a suppression built by hand hide one.
        assert!(survives_a_hand_made_suppression(Code::MN004, 5..6));
        // While it hides a code it may (the helper can fail).
        assert!(!survives_a_hand_made_suppression(Code::MN301, 0..4));
    }

    #[test]
    fn stacked_own_line_suppressions_apply_to_the_next_code_line() {
        let mut text = String::new();
        for _ in 0..3 {
            text.push_str("# mynaflow: allow MN103 reason=\"a\"\n\n");
        }
        text.push_str("flow A -> B : x for p\n");
        let file = SourceFile::new("t.myna", text.as_str());
        let parsed = crate::syntax::parse(FileId(0), &text);
        let mut diags = Vec::new();
        let s = read(&file, &parsed.file.comments, &BTreeSet::new(), &mut diags);
        assert!(diags.is_empty());
        assert!(s.iter().all(|s| s.line == 6), "{s:?}");
    }

    #[test]
    fn parses_suppressions() {
        let body = " allow MN301, MN302 reason=\"本人同意 (書面)\" until=2025-03-31";
        let Body {
            codes,
            reason,
            until,
        } = parse_body(body, &BTreeSet::new()).unwrap();
        let words: Vec<(Code, &str)> = codes.iter().map(|(c, r)| (*c, &body[r.clone()])).collect();
        assert_eq!(words, [(Code::MN301, "MN301"), (Code::MN302, "MN302")]);
        assert_eq!(reason, "本人同意 (書面)");
        assert_eq!(until, Date::parse("2025-03-31"));
        assert!(parse_body("allow MN301", &BTreeSet::new()).is_err());
        assert!(parse_body("allow MN301 reason=\"\"", &BTreeSet::new()).is_err());
        assert!(parse_body("allow MN999 reason=\"x\"", &BTreeSet::new()).is_err());
        assert!(
            parse_body(
                "allow MN301 reason=\"x\" until=2025/03/31",
                &BTreeSet::new()
            )
            .is_err()
        );
        assert!(parse_body("allow MN301 reason=\"x\" colour=red", &BTreeSet::new()).is_err());
        assert!(parse_body("deny MN301 reason=\"x\"", &BTreeSet::new()).is_err());
    }

    #[test]
    fn a_placeholder_reason_is_no_reason() {
        let none = BTreeSet::new();
        let why = |reason: &str| {
            parse_body(&format!("allow MN102 reason=\"{reason}\""), &none)
                .err()
                .map(|t| t.en)
        };
        for placeholder in ["…", "...", " … ", "・・・", "-", "?!", "（）", "\u{3000}"] {
            let why = why(placeholder).unwrap_or_default();
            assert!(
                why.contains("placeholder") || why.contains("non-empty"),
                "{placeholder:?}: {why}"
            );
        }
        // What the editor writes, in either language, whatever the
        // language of the run.
        for placeholder in PLACEHOLDER_REASONS {
            let why = why(placeholder).unwrap_or_default();
            assert!(why.contains("the placeholder the editor wrote"), "{why}");
        }
        assert_eq!(
            placeholder_reason(crate::text::Lang::Ja),
            PLACEHOLDER_REASONS[1]
        );
        // A letter or a digit says something.
        for reason in [
            "本人同意",
            "a",
            "7",
            "TODO: why this is acceptable (本人同意)",
            "…同意",
        ] {
            assert_eq!(why(reason), None, "{reason}");
        }
    }

    /// What `apply` leaves of `findings` (each a code and the text it is
    /// at, found in `text`) with the suppressions of `text`: each left one's
    /// code and the text at its place, and every fix.
    fn left(
        text: &str,
        findings: &[(Code, &str)],
        unchecked: &dyn Fn(Span) -> bool,
    ) -> (Vec<(Code, String)>, Vec<Fix>) {
        let file = SourceFile::new("t.myna", text);
        let id = FileId(0);
        let parsed = crate::syntax::parse(id, text);
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        let mut before = Vec::new();
        let suppressions = read(&file, &parsed.file.comments, &BTreeSet::new(), &mut before);
        assert!(before.is_empty(), "{before:?}");
        let statements: Vec<Span> = parsed.file.stmts.iter().map(|s| s.span()).collect();
        for &(code, what) in findings {
            let start = text.find(what).unwrap();
            let span = Span::new(id, start, start + what.len());
            before.push(Diagnostic::new(code, span, Text::new("x", "x")));
        }
        let mut c = Candidates {
            before,
            ..Candidates::default()
        };
        let today = Date::parse("2025-04-01").unwrap();
        apply(
            &file,
            id,
            &suppressions,
            &statements,
            today,
            unchecked,
            &mut c,
        );
        let all = c.into_all();
        let fixes = all.iter().flat_map(|d| d.fixes.clone()).collect();
        let shown = all
            .iter()
            .map(|d| {
                (
                    d.code,
                    text[d.primary.start as usize..d.primary.end as usize].to_string(),
                )
            })
            .collect();
        (shown, fixes)
    }

    /// Two statements on one line are two statements: a comment at the
    /// end of the line covers the one it ends, a comment above covers
    /// the first.
    #[test]
    fn a_suppression_covers_one_statement_of_a_line_that_holds_two() {
        let two = "flow A -> B : x for p flow C -> D : y for q";
        let findings = [(Code::MN202, "x for"), (Code::MN202, "y for")];
        let trailing = format!("{two}   # mynaflow: allow MN202 reason=\"r\"\n");
        let (shown, _) = left(&trailing, &findings, &|_| false);
        assert_eq!(shown, [(Code::MN202, "x for".to_string())]);
        let above = format!("# mynaflow: allow MN202 reason=\"r\"\n{two}\n");
        let (shown, _) = left(&above, &findings, &|_| false);
        assert_eq!(shown, [(Code::MN202, "y for".to_string())]);
        // A statement on one line still gets its whole line, and one
        // started on the comment's line all of its lines.
        let one = "flow A -> B : x for p   # mynaflow: allow MN104 reason=\"r\"\n  via C\n";
        let (shown, _) = left(
            one,
            &[(Code::MN104, "x for"), (Code::MN104, "via C")],
            &|_| false,
        );
        assert_eq!(shown, []);
    }

    /// A suppression on a statement the checks skipped (a name in it, or
    /// in what it uses, is not resolved; or no rulebook) is not known to
    /// silence nothing: no MN503, so `--fix` cannot delete it in the round
    /// that fixes the name.
    #[test]
    fn a_suppression_on_an_unchecked_statement_is_not_unused() {
        let text = "flow A -> B : x for p   # mynaflow: allow MN202 reason=\"r\"\n\
                    actor Z : R\n";
        let codes = |(shown, _): (Vec<(Code, String)>, Vec<Fix>)| -> Vec<Code> {
            shown.into_iter().map(|(c, _)| c).collect()
        };
        assert_eq!(codes(left(text, &[], &|_| false)), [Code::MN503]);
        // A name error in the statement.
        assert_eq!(
            codes(left(text, &[(Code::MN010, "B")], &|_| false)),
            [Code::MN010]
        );
        // One elsewhere that the statement's checks depend on.
        let skipped = |st: Span| st.start == 0;
        assert_eq!(
            codes(left(text, &[(Code::MN010, "R")], &skipped)),
            [Code::MN010]
        );
        // One elsewhere that does not touch it.
        assert_eq!(
            codes(left(text, &[(Code::MN010, "R")], &|_| false)),
            [Code::MN010, Code::MN503]
        );
        // A warning stops nothing.
        assert_eq!(
            codes(left(text, &[(Code::MN012, "B")], &|_| false)),
            [Code::MN012, Code::MN503]
        );
        // Nothing was checked.
        assert_eq!(
            codes(left(text, &[(Code::MN013, "Z")], &|_| false)),
            [Code::MN013]
        );
    }

    /// Each unused code of a list is reported, at the code, with a fix
    /// that takes it out; the fixes apply together.
    #[test]
    fn each_unused_code_of_a_list_is_reported_and_removed() {
        let flow = "flow A -> B : x for p   # mynaflow: allow ";
        let fixed = |codes: &str| {
            let text = format!("{flow}{codes} reason=\"r\"\n");
            let (shown, fixes) = left(&text, &[(Code::MN202, "x for")], &|_| false);
            let fixes: Vec<&Fix> = fixes.iter().collect();
            let applied = crate::apply_fixes::apply(&text, &fixes);
            assert_eq!(applied.deferred, 0);
            (shown, applied.text)
        };
        let (shown, text) = fixed("MN301, MN202, MN302,MN101");
        let unused = |c: &str| (Code::MN503, c.to_string());
        assert_eq!(shown, [unused("MN301"), unused("MN302"), unused("MN101")]);
        assert_eq!(text, format!("{flow}MN202 reason=\"r\"\n"));
        let (_, text) = fixed("MN301 ,MN302, MN202");
        assert_eq!(text, format!("{flow}MN202 reason=\"r\"\n"));
        let (shown, text) = fixed("MN202, MN301");
        assert_eq!(shown, [unused("MN301")]);
        assert_eq!(text, format!("{flow}MN202 reason=\"r\"\n"));
        // None used: one MN503 for the comment, as ever.
        let text = format!("{flow}MN301, MN302 reason=\"r\"\n");
        let (shown, _) = left(&text, &[], &|_| false);
        assert_eq!(shown.len(), 1);
        assert!(shown[0].1.starts_with("# mynaflow"), "{shown:?}");
    }

    /// A field or a code given twice is malformed: which `until` would
    /// hold is a guess.
    #[test]
    fn a_field_or_code_given_twice_is_malformed() {
        let none = BTreeSet::new();
        for body in [
            "allow MN202 reason=\"x\" until=2020-01-01 until=2099-01-01",
            "allow MN202 reason=\"x\" until=2099-01-01 until=2020-01-01",
            "allow MN202 reason=\"x\" reason=\"y\"",
            "allow MN202, MN202 reason=\"x\"",
        ] {
            let why = parse_body(body, &none).unwrap_err();
            assert!(
                why.en.contains("twice") && why.ja.contains("2 回"),
                "{body}: {}",
                why.en
            );
        }
    }

    /// Suppressions on a finding's line, above its statement, stacked, and
    /// expired, with the statements they cover.
    const COVERING: &str = "# mynaflow: allow MN103 reason=\"a\"\n\
                            flow A -> B : x for p\n     via C\n\
                            flow D -> E : y for q   # mynaflow: allow MN104 reason=\"b\"\n\
                            # mynaflow: allow MN104 reason=\"c\"\n\
                            # mynaflow: allow MN104 reason=\"d\"\n\
                            flow F -> G : z for r\n     via H\n\
                            # mynaflow: allow MN101 reason=\"e\" until=2000-01-01\n\
                            flow I -> J : w for s\n";

    /// Each finding goes to the first suppression that covers it: one on
    /// its line, or one above the statement it is in.
    #[test]
    fn applies_each_finding_to_the_first_covering_suppression() {
        let text = COVERING;
        let file = SourceFile::new("t.myna", text);
        let id = FileId(0);
        let parsed = crate::syntax::parse(id, text);
        let mut diags = Vec::new();
        let suppressions = read(&file, &parsed.file.comments, &BTreeSet::new(), &mut diags);
        assert_eq!(suppressions.len(), 5);
        let statements: Vec<Span> = parsed.file.stmts.iter().map(|s| s.span()).collect();
        let at = |code, what: &str| {
            let start = text.find(what).unwrap();
            Diagnostic::new(
                code,
                Span::new(id, start, start + what.len()),
                Text::new("x", "x"),
            )
        };
        diags.extend([
            at(Code::MN103, "via C"), // in the statement below "a"
            at(Code::MN102, "via C"), // no suppression of MN102
            at(Code::MN104, "y for"), // on the line of "b"
            at(Code::MN104, "via H"), // "c" and "d" cover it: "c" is used
            at(Code::MN104, "w for"), // another statement
            at(Code::MN101, "w for"), // "e" has expired
        ]);
        let today = Date::parse("2025-04-01").unwrap();
        let mut c = Candidates {
            before: diags,
            ..Candidates::default()
        };
        apply(
            &file,
            id,
            &suppressions,
            &statements,
            today,
            &|_| false,
            &mut c,
        );
        let left: Vec<(Code, usize)> = c
            .into_all()
            .iter()
            .map(|d| (d.code, file.line_index(d.primary.start as usize) + 1))
            .collect();
        assert_eq!(
            left,
            [
                (Code::MN102, 3),
                (Code::MN104, 10),
                (Code::MN101, 10),
                (Code::MN502, 9),
                (Code::MN503, 6),
            ]
        );
    }

    /// Enough suppressions and findings to be read and placed on every
    /// core, in runs: the answer is the one-block answer, block by block.
    #[test]
    fn many_suppressions_are_read_and_applied_in_order() {
        // The one-block text, and a malformed suppression (MN501).
        let block = format!("{COVERING}# mynaflow: allow MN104\n");
        let block = block.as_str();
        let lines = block.lines().count();
        // One unused suppression a block: enough that they too are made
        // on every core.
        let blocks = PARALLEL + 100;
        let text = block.repeat(blocks);
        let file = SourceFile::new("t.myna", text.as_str());
        let id = FileId(0);
        let parsed = crate::syntax::parse(id, &text);
        assert!(parsed.file.comments.len() >= 2 * PARALLEL);
        let mut diags = Vec::new();
        let suppressions = read(&file, &parsed.file.comments, &BTreeSet::new(), &mut diags);
        let line_of = |d: &Diagnostic| file.line_index(d.primary.start as usize) + 1;
        assert_eq!(suppressions.len(), 5 * blocks);
        let malformed: Vec<usize> = diags.iter().map(line_of).collect();
        let expected: Vec<usize> = (0..blocks).map(|k| k * lines + lines).collect();
        assert_eq!(malformed, expected);
        let statements: Vec<Span> = parsed.file.stmts.iter().map(|s| s.span()).collect();
        // The findings as the checks leave them: code and place only.
        let mut placed = Vec::new();
        for k in 0..blocks {
            let base = k * block.len();
            let at = |code, what: &str| {
                let start = base + block.find(what).unwrap();
                Placed {
                    code,
                    primary: Span::new(id, start, start + what.len()),
                    finding: k,
                }
            };
            placed.extend([
                at(Code::MN103, "via C"),
                at(Code::MN102, "via C"),
                at(Code::MN104, "y for"),
                at(Code::MN104, "via H"),
                at(Code::MN104, "w for"),
                at(Code::MN101, "w for"),
            ]);
        }
        let mut c = Candidates {
            hollow: Vec::new(),
            before: diags,
            placed,
            after: Vec::new(),
        };
        assert!(c.placed.len() >= PARALLEL);
        let today = Date::parse("2025-04-01").unwrap();
        apply(
            &file,
            id,
            &suppressions,
            &statements,
            today,
            &|_| false,
            &mut c,
        );
        let left: Vec<(Code, usize)> = c.into_all().iter().map(|d| (d.code, line_of(d))).collect();
        let each = |f: &dyn Fn(usize) -> Vec<(Code, usize)>| -> Vec<(Code, usize)> {
            (0..blocks).flat_map(|k| f(k * lines)).collect()
        };
        let mut expected = each(&|l| vec![(Code::MN501, l + lines)]);
        expected.extend(each(&|l| {
            vec![
                (Code::MN102, l + 3),
                (Code::MN104, l + 10),
                (Code::MN101, l + 10),
            ]
        }));
        expected.extend(each(&|l| vec![(Code::MN502, l + 9)]));
        expected.extend(each(&|l| vec![(Code::MN503, l + 6)]));
        assert_eq!(left, expected);
    }

    /// The sorted lists answer what a map of lines and a map of
    /// statements did: every suppression on the line, then every one
    /// above the last statement starting at or before the place, if the
    /// place is inside it.
    #[test]
    fn live_suppressions_cover_what_maps_of_lines_and_statements_did() {
        use std::collections::{BTreeMap, HashMap};
        // (line, statement) per suppression: several on one line, several
        // above one statement, lines with no statement, in file order.
        let targets: [(usize, Option<(u32, u32)>); 9] = [
            (1, Some((10, 30))),
            (1, Some((10, 30))),
            (2, None),
            (4, Some((40, 45))),
            (4, Some((40, 45))),
            (4, Some((40, 45))),
            (6, Some((60, 90))),
            (9, None),
            (9, None),
        ];
        let mut live = Live::default();
        let mut by_line: HashMap<usize, Vec<usize>> = HashMap::new();
        let mut by_statement: BTreeMap<u32, (u32, Vec<usize>)> = BTreeMap::new();
        // Pushed out of order: sorting puts them back.
        for (i, &(line, st)) in targets.iter().enumerate().rev() {
            live.by_line.push((line, 0, u32::MAX, i));
            if let Some((start, end)) = st {
                live.by_statement.push((start, end, i));
            }
        }
        live.sort();
        for (i, &(line, st)) in targets.iter().enumerate() {
            by_line.entry(line).or_default().push(i);
            if let Some((start, end)) = st {
                by_statement
                    .entry(start)
                    .or_insert((end, Vec::new()))
                    .1
                    .push(i);
            }
        }
        let mut covered = 0;
        for line in 0..12 {
            for at in 0..100 {
                let mut expected: Vec<usize> = by_line.get(&line).cloned().unwrap_or_default();
                if let Some((_, (end, v))) = by_statement.range(..=at).next_back()
                    && at < *end
                {
                    expected.extend(v);
                }
                let got: Vec<usize> = live.covering(line, at).collect();
                assert_eq!(got, expected, "line {line}, byte {at}");
                covered += usize::from(!got.is_empty());
            }
        }
        assert!(covered > 100);
    }
}
