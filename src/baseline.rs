//! Baselines: today's findings recorded by fingerprint, so a run fails
//! only on new ones. A finding is identified by its file, relative to the
//! baseline's own folder (so `check .` and `check designs/` agree), a
//! fingerprint of its code, the text of the statement it is in and of
//! the declarations that statement depends on, and, for a finding on an
//! exchange stitched through carriers, of the earlier hops' statements
//! and their declarations (see [`crate::fingerprint::Statements`]), never
//! by line numbers, so a baseline survives lines moving, and by its
//! message: a flow to another recipient, one whose actor's or data
//! item's declaration changed (its role, legal name, clauses, category),
//! or an exchange whose earlier hops changed (its first sender, the
//! carriers passed, a purpose), is new.
//!
//! Older baselines are still read, and their entries excuse by the
//! weaker match they recorded, so that upgrading does not fail every run
//! on findings that were accepted; `check` says to record them again
//! ([`Baseline::is_legacy`], [`Baseline::older_note`]). Version 1 recorded
//! the text of the finding's line alone (never matched by message);
//! version 2 the whole statement and the message, not the declarations
//! the statement depends on; version 3 the declarations too, not the
//! earlier hops of a stitched exchange; version 4 read the text of
//! statements and declarations as words, so that `fmt` re-spacing them or
//! a safe fix writing `：` as `:` made their findings new (version 5 reads
//! their tokens, [`crate::fingerprint::Folding`]). A finding on no
//! stitched exchange has the same fingerprint in versions 3 and 4.
//!
//! No baseline excuses the codes no suppression may silence
//! ([`crate::suppress::UNSUPPRESSIBLE`]: MN004, MN005, MN013): a pull
//! request can write a baseline as easily as a comment, and a baseline
//! entry for a hidden bidi override would pass the text it disguises.
//! They are not recorded ([`Recording::unrecorded_note`]), an entry that
//! names one excuses nothing ([`Baseline::unexcusable_note`]), and a
//! finding of one is never excused, whatever the entry's code says.

use crate::candidates::Candidates;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::source::{SourceFile, SourceMap};
use crate::span::Span;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A baseline larger than this is refused (read up to this, no more).
pub const MAX_BYTES: u64 = 64 * 1024 * 1024;

/// The version written: 5, fingerprints of the whole statement, the
/// declarations it depends on and the earlier hops of a stitched
/// exchange, each read by its tokens, and the message matched too.
/// Versions 1 (the finding's line alone), 2 (the statement alone), 3
/// (without the earlier hops) and 4 (texts read as words) are read.
pub const VERSION: u32 = 5;

/// Why a baseline's text is not one, from serde's error: where (line and
/// column) and what kind of error. serde's own words quote what it met (a
/// key, a string value), and a baseline may be any file, a CI log and the
/// SARIF upload public: its words are not shown.
fn unreadable(e: &serde_json::Error) -> crate::text::Text {
    use serde_json::error::Category;
    let (line, column) = (e.line(), e.column());
    match e.classify() {
        Category::Syntax => crate::text!(
            "not valid JSON at line {line}, column {column} (the file's text is not shown)";
            "{line} 行 {column} 列目が JSON として正しくありません (ファイルの内容は表示しません)"
        ),
        Category::Eof => crate::text!(
            "the JSON ends early, at line {line}, column {column} (the file's text is not shown)";
            "JSON が途中の {line} 行 {column} 列目で終わっています (ファイルの内容は表示しません)"
        ),
        Category::Data => crate::text!(
            "not a baseline: a key or a value at line {line}, column {column} is not what a baseline holds there, or one is missing (the file's text is not shown)";
            "ベースラインの形ではありません: {line} 行 {column} 列目の項目か値がベースラインのものではないか、必要な項目がありません (ファイルの内容は表示しません)"
        ),
        Category::Io => crate::text!(
            "could not be read at line {line}, column {column}";
            "{line} 行 {column} 列目で読み込めませんでした"
        ),
    }
}

/// The message recorded for a finding past those its file shows, which a
/// check does not word: no message of a finding, so it excuses by its
/// fingerprint alone.
fn past_the_cap(code: Code) -> String {
    format!(
        "{} (past the {} findings its file shows, which a check words)",
        code.title().en,
        code.as_str()
    )
}

/// Can a baseline excuse a finding of `code`? Not one no suppression may
/// silence ([`crate::suppress::UNSUPPRESSIBLE`]): the same list, so that
/// what a comment in the design cannot excuse, a file beside it cannot
/// either.
pub fn excusable(code: Code) -> bool {
    !crate::suppress::UNSUPPRESSIBLE.contains(&code)
}

/// Codes with their counts, `MN004 ×2, MN013 ×1` (`、` between them in
/// Japanese), in the order given.
fn counted(codes: &[(Code, usize)]) -> (String, String) {
    let each: Vec<String> = (codes.iter()).map(|(c, n)| format!("{c} ×{n}")).collect();
    (each.join(", "), each.join("、"))
}

/// Why no baseline excuses the codes of `codes` (of those not
/// [`excusable`]): said for those among them.
fn why_not_excusable(codes: &[(Code, usize)]) -> (String, String) {
    let has = |c: &[Code]| codes.iter().any(|(k, _)| c.contains(k));
    let (mut en, mut ja) = (Vec::new(), Vec::new());
    if has(&[Code::MN004]) {
        en.push("MN004: the text does not read as it is written");
        ja.push("MN004: テキストが書かれているとおりに読めません");
    }
    if has(&[Code::MN005, Code::MN013]) {
        en.push("MN005, MN013: the design was not checked");
        ja.push("MN005、MN013: 設計が検査されていません");
    }
    (en.join("; "), ja.join("。"))
}

/// How many of `codes` there are of each, in the codes' order.
fn tally(codes: impl Iterator<Item = Code>) -> Vec<(Code, usize)> {
    let mut by_code: std::collections::BTreeMap<&'static str, (Code, usize)> = Default::default();
    for c in codes {
        by_code.entry(c.as_str()).or_insert((c, 0)).1 += 1;
    }
    by_code.into_values().collect()
}

/// A recorded finding.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Entry {
    /// The fingerprint, 16 hex digits.
    pub fingerprint: String,
    /// The code.
    pub code: String,
    /// The file, relative to the baseline's folder, with `/` separators.
    pub file: String,
    /// The line when recorded (for people; not used to match).
    pub line: usize,
    /// The English message: matched too in a baseline of version 2 or
    /// later (a finding whose message differs is new), not in one of
    /// version 1.
    pub message: String,
}

/// A baseline file.
#[derive(Serialize, Deserialize, Debug, Default, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// Format version: 5 ([`VERSION`]), or 1, 2, 3 or 4 (read, matched
    /// weakly).
    pub version: u32,
    /// The findings, sorted.
    pub findings: Vec<Entry>,
}

/// A file's name relative to `base` (both made absolute), `/`-separated;
/// a file outside `base` keeps its absolute name, and names that are not
/// paths (`<builtin>/kenpo.myna`) stay as they are.
fn relative(name: &str, base: &Path) -> String {
    let file = crate::canonical::canonicalize(std::path::Path::new(name));
    let (Ok(file), Ok(base)) = (file, crate::canonical::canonicalize(base)) else {
        return name.to_string();
    };
    match file.strip_prefix(&base) {
        Ok(rel) => rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
        // Joined by components, the root's `/` was doubled (`//work/a.myna`).
        Err(_) => file.to_string_lossy().into_owned(),
    }
}

impl Baseline {
    /// Records findings, their files outlined by the check that made them
    /// (a session's [`crate::session::Session::outlines`] with
    /// [`crate::session::Session::keep_statements`]); files are named
    /// relative to `base`, the folder the baseline file is in.
    pub fn record(
        sources: &SourceMap,
        outlines: &Outlines,
        diagnostics: &[Diagnostic],
        base: &Path,
    ) -> Baseline {
        let places: Vec<(Code, Span)> = diagnostics.iter().map(|d| (d.code, d.primary)).collect();
        Baseline::record_places(sources, outlines, &places, diagnostics, base)
    }

    /// Records the findings at `places` (every finding's code and place:
    /// a session's [`crate::session::Session::found`] with
    /// [`crate::session::Session::keep_places`]), each with the message of
    /// its diagnostic among `worded` (those a check shows), else the
    /// title of its code and why there is no more; `outlines` as
    /// [`Baseline::record`] takes them. Files are named relative to
    /// `base`.
    pub fn record_places(
        sources: &SourceMap,
        outlines: &Outlines,
        places: &[(Code, Span)],
        worded: &[Diagnostic],
        base: &Path,
    ) -> Baseline {
        let recording = Recording::of_places(sources, outlines, places, worded, base);
        Baseline {
            version: VERSION,
            findings: recording.entries().collect(),
        }
    }

    /// Reads a baseline file's text. The error says where and what kind
    /// of error, never what the file holds.
    pub fn parse(text: &str) -> Result<Baseline, crate::text::Text> {
        let b: Baseline = serde_json::from_str(text).map_err(|e| unreadable(&e))?;
        if !(1..=VERSION).contains(&b.version) {
            let v = b.version;
            return Err(crate::text!(
                "unsupported baseline version {v}";
                "対応していないベースラインのバージョン {v} です"
            ));
        }
        Ok(b)
    }

    /// Whether it was written before version 5: `fmt` or a safe fix on
    /// its findings' statements makes them new (version 4); its entries
    /// excuse a finding on a stitched exchange whatever changed in its
    /// earlier hops (version 3), whatever changed in the declarations its
    /// statement depends on too (2), or anywhere in its statement but its
    /// line (1).
    pub fn is_legacy(&self) -> bool {
        self.version < VERSION
    }

    /// What `check` says on stderr of a baseline written before version
    /// 5, whose file is shown as `shown`: what its entries still excuse
    /// (or no longer do), and to record it again. None for one of version
    /// 5.
    pub fn older_note(&self, shown: &str) -> Option<crate::text::Text> {
        match self.version {
            1 => Some(crate::text!(
                "note: the baseline {shown} is of version 1: its findings are matched by the text of their line alone, so a flow whose other lines, or whose actors' or data items' declarations, changed stays excused; record it again with --write-baseline to match whole statements, the declarations they name, and messages";
                "注記: ベースライン {shown} はバージョン 1 です。記録済みの指摘は行の文字列だけで照合するため、フローの他の行や、アクター・データ項目の宣言が変わっても除外されたままになります。文全体と、文が名指す宣言と、メッセージで照合するには、--write-baseline で記録し直してください"
            )),
            2 => Some(crate::text!(
                "note: the baseline {shown} is of version 2: its findings are matched by their statement and message alone, so a flow whose actors' or data items' declarations changed (a legal name, clauses, a category) stays excused; record it again with --write-baseline to match the declarations they name too";
                "注記: ベースライン {shown} はバージョン 2 です。記録済みの指摘は文とメッセージだけで照合するため、フローが名指すアクターやデータ項目の宣言 (法人名、契約条項、区分) が変わっても除外されたままになります。宣言も照合するには、--write-baseline で記録し直してください"
            )),
            3 => Some(crate::text!(
                "note: the baseline {shown} is of version 3: a finding on an exchange stitched through carriers is matched by the hop it is shown on alone, so one whose earlier hops changed (the first sender, the carriers passed, a purpose) stays excused; record it again with --write-baseline to match the earlier hops too";
                "注記: ベースライン {shown} はバージョン 3 です。中継を通じてつながる連携の指摘は、指摘を示す最後の区間だけで照合するため、それより前の区間 (最初の送り手、通る中継、利用目的) が変わっても除外されたままになります。前の区間も照合するには、--write-baseline で記録し直してください"
            )),
            4 => Some(crate::text!(
                "note: the baseline {shown} is of version 4: its findings are matched by their statements' text as words, so `mynaflow fmt` re-spacing a statement or a safe fix writing `：` as `:` makes them new; record it again with --write-baseline to match statements by their tokens";
                "注記: ベースライン {shown} はバージョン 4 です。記録済みの指摘は文の文字列を語として照合するため、`mynaflow fmt` による空白の整形や、`：` を `:` にする安全な修正で新しい指摘になります。文をトークンで照合するには、--write-baseline で記録し直してください"
            )),
            _ => None,
        }
    }

    /// What `check` says on stderr of a baseline, shown as `shown`, that
    /// holds entries of codes no baseline excuses ([`excusable`]): a
    /// baseline `--write-baseline` wrote holds none, so one that does was
    /// written by hand (or by an older mynaflow), and those entries
    /// excuse nothing. None when it holds none.
    pub fn unexcusable_note(&self, shown: &str) -> Option<crate::text::Text> {
        let codes = tally(
            (self.findings.iter())
                .filter_map(|e| Code::parse(&e.code))
                .filter(|&c| !excusable(c)),
        );
        if codes.is_empty() {
            return None;
        }
        let n: usize = codes.iter().map(|(_, n)| n).sum();
        let (en, ja) = counted(&codes);
        let (why, why_ja) = why_not_excusable(&codes);
        Some(crate::text!(
            "note: the baseline {shown} records {n} finding(s) of codes no baseline can excuse ({en}): as no suppression can, those entries excuse nothing, and the findings are reported ({why})";
            "注記: ベースライン {shown} には、ベースラインで除外できないコードの指摘が {n} 件記録されています ({ja})。抑制コメントと同じく、これらの記録は何も除外せず、指摘はそのまま報告されます ({why_ja})"
        ))
    }

    /// The baseline as pretty JSON with a trailing newline
    /// ([`Baseline::write_json`] into memory).
    pub fn to_json(&self) -> String {
        let mut out = Vec::new();
        // Into memory, writing fails only where serialising would: then
        // the text is empty, as it was.
        match self.write_json(&mut out) {
            Ok(()) => String::from_utf8(out).unwrap_or_default(),
            Err(_) => String::new(),
        }
    }

    /// The baseline as pretty JSON with a trailing newline, written to `w`
    /// as it is made: a million findings' baseline is 240 MB of JSON,
    /// which `--write-baseline` made whole first.
    pub fn write_json(&self, w: &mut dyn std::io::Write) -> std::io::Result<()> {
        serde_json::to_writer_pretty(&mut *w, self)?;
        w.write_all(b"\n")
    }
}

/// Each checked file's outline ([`crate::fingerprint::Outline`]), by file:
/// what a baseline recorded after the run fingerprints by.
pub type Outlines = HashMap<crate::span::FileId, crate::fingerprint::Outline>;

/// A baseline as it is recorded, before it is written: each finding as
/// its fingerprint, code, file, line and where its message is (24
/// bytes), made into an [`Entry`] only as it is written. A million
/// findings' entries, each five strings, were 230 MB of a `check
/// --write-baseline` of 400 MB.
pub struct Recording<'a> {
    /// The findings, in the order of their entries.
    findings: Vec<Recorded>,
    /// Each file's name, relative to the baseline's folder.
    names: Vec<String>,
    /// The messages of the diagnostics a check shows.
    messages: Vec<&'a str>,
    /// The findings not recorded, as no baseline excuses their code
    /// ([`excusable`]): how many of each.
    unrecorded: Vec<(Code, usize)>,
}

/// A recorded finding, its strings elsewhere ([`Recording`]).
#[derive(Clone, Copy)]
struct Recorded {
    fingerprint: u64,
    code: Code,
    /// Its file's name, in [`Recording::names`].
    name: u32,
    line: u32,
    /// Its message, in [`Recording::messages`]; `u32::MAX` for the title
    /// of its code.
    message: u32,
}

impl<'a> Recording<'a> {
    /// [`Baseline::record_places`], not yet made into entries. The
    /// findings of codes no baseline excuses are left out
    /// ([`Recording::unrecorded_note`]).
    pub fn of_places(
        sources: &SourceMap,
        outlines: &Outlines,
        places: &[(Code, Span)],
        worded: &'a [Diagnostic],
        base: &Path,
    ) -> Recording<'a> {
        let unrecorded = tally((places.iter()).map(|(c, _)| *c).filter(|&c| !excusable(c)));
        let kept: Vec<(Code, Span)>;
        let places = match unrecorded.is_empty() {
            true => places,
            false => {
                kept = (places.iter().copied())
                    .filter(|(c, _)| excusable(*c))
                    .collect();
                &kept
            }
        };
        // A summary of findings not shown stands at the first of them:
        // its message is not theirs. Findings of one code at one place
        // (two items of one flow for a purpose) share a fingerprint, and
        // each takes a message of its own, in turn: given the last one's
        // each, all but one of them stayed new.
        let mut messages: Vec<&'a str> = Vec::new();
        // Each message's successor at its place (`u32::MAX`: none), and
        // each place's first message not yet taken and its last.
        let mut next: Vec<u32> = Vec::new();
        let mut at: HashMap<(Code, Span), (u32, u32)> = HashMap::new();
        for d in worded.iter().filter(|d| d.more == 0) {
            let i = u32::try_from(messages.len()).unwrap_or(u32::MAX - 1);
            messages.push(d.message.en.as_str());
            next.push(u32::MAX);
            match at.entry((d.code, d.primary)) {
                std::collections::hash_map::Entry::Occupied(mut e) => {
                    let (_, last) = e.get_mut();
                    if let Some(n) = next.get_mut(*last as usize) {
                        *n = i;
                    }
                    *last = i;
                }
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert((i, i));
                }
            }
        }
        // The next message at a place, taken (`u32::MAX`: none is left,
        // and the finding is recorded with its code's title).
        let mut take = |code: Code, primary: Span| match at.get_mut(&(code, primary)) {
            Some((first, _)) if *first != u32::MAX => {
                let m = *first;
                *first = next.get(m as usize).copied().unwrap_or(u32::MAX);
                m
            }
            _ => u32::MAX,
        };
        // Each file's name is made relative once (it asks the system). A
        // checked file's statements, and the declarations they depend on,
        // are its check's outline; one no check read (not a design's
        // text) has its statements read, once.
        let mut names: Vec<String> = Vec::new();
        let mut name_of: HashMap<crate::span::FileId, u32> = HashMap::new();
        let unread = (places.iter().map(|(_, at)| at.file)).filter(|f| !outlines.contains_key(f));
        let statements = statements_of(sources, unread);
        let mut prints: HashMap<crate::span::FileId, crate::fingerprint::Statements> = (statements
            .iter())
        .map(|(&id, spans)| {
            let file = sources.get(id);
            (
                id,
                crate::fingerprint::Statements::naming(file, spans, None).by_tokens(),
            )
        })
        .collect();
        let mut findings: Vec<Recorded> = (places.iter())
            .map(|&(code, primary)| {
                let name = *name_of.entry(primary.file).or_insert_with(|| {
                    names.push(relative(&sources.get(primary.file).name, base));
                    u32::try_from(names.len() - 1).unwrap_or(u32::MAX)
                });
                let file = sources.get(primary.file);
                let line = file.line_col(primary.start as usize).0;
                let fingerprint = match (outlines.get(&primary.file), prints.get_mut(&primary.file))
                {
                    (Some(o), _) => o.of(file, code, primary),
                    (None, Some(p)) => p.of(code, primary),
                    (None, None) => crate::fingerprint::of_content(sources, code, primary),
                };
                Recorded {
                    fingerprint,
                    code,
                    name,
                    line: u32::try_from(line).unwrap_or(u32::MAX),
                    message: take(code, primary),
                }
            })
            .collect();
        let recording = Recording {
            findings: Vec::new(),
            names,
            messages,
            unrecorded,
        };
        // In the order of their entries ([`Entry`]'s fields in turn; a
        // fingerprint's 16 hex digits sort as the number).
        findings.sort_by(|a, b| {
            (a.fingerprint.cmp(&b.fingerprint))
                .then_with(|| a.code.as_str().cmp(b.code.as_str()))
                .then_with(|| recording.name(a).cmp(recording.name(b)))
                .then_with(|| a.line.cmp(&b.line))
                .then_with(|| recording.message(a).cmp(&recording.message(b)))
        });
        Recording {
            findings,
            ..recording
        }
    }

    /// How many findings it records.
    pub fn len(&self) -> usize {
        self.findings.len()
    }

    /// Whether it records none.
    pub fn is_empty(&self) -> bool {
        self.findings.is_empty()
    }

    /// What `--write-baseline` says on stderr, the baseline shown as
    /// `shown`, of the findings it left out because no baseline excuses
    /// their code ([`excusable`]): how many of each code, and that `check`
    /// still reports them and fails on them. None when it left none out.
    pub fn unrecorded_note(&self, shown: &str) -> Option<crate::text::Text> {
        if self.unrecorded.is_empty() {
            return None;
        }
        let n: usize = self.unrecorded.iter().map(|(_, n)| n).sum();
        let (en, ja) = counted(&self.unrecorded);
        let (why, why_ja) = why_not_excusable(&self.unrecorded);
        Some(crate::text!(
            "{n} finding(s) not recorded in {shown} ({en}): no baseline can excuse these codes, as no suppression can, so `check` still reports them and fails until they are fixed ({why})";
            "{n} 件の指摘は {shown} に記録していません ({ja})。これらのコードは抑制コメントと同じくベースラインでも除外できないため、修正するまで `check` は報告し、失敗とします ({why_ja})"
        ))
    }

    fn name(&self, r: &Recorded) -> &str {
        self.names.get(r.name as usize).map_or("", String::as_str)
    }

    fn message(&self, r: &Recorded) -> std::borrow::Cow<'a, str> {
        match self.messages.get(r.message as usize) {
            Some(m) => std::borrow::Cow::Borrowed(m),
            None => std::borrow::Cow::Owned(past_the_cap(r.code)),
        }
    }

    /// Its entries, in order, each made as it is asked for.
    pub fn entries(&self) -> impl ExactSizeIterator<Item = Entry> + '_ {
        self.findings.iter().map(|r| Entry {
            fingerprint: format!("{:016x}", r.fingerprint),
            code: r.code.as_str().to_string(),
            file: self.name(r).to_string(),
            line: r.line as usize,
            message: self.message(r).into_owned(),
        })
    }

    /// The baseline as [`Baseline::write_json`] writes it, each entry
    /// made as it is written.
    pub fn write_json(&self, w: &mut dyn std::io::Write) -> std::io::Result<()> {
        serde_json::to_writer_pretty(&mut *w, self)?;
        w.write_all(b"\n")
    }
}

/// Written as [`Baseline`] is: its version, then its findings.
impl Serialize for Recording<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        /// The entries, made one at a time as the list is written.
        struct Entries<'r, 'a>(&'r Recording<'a>);
        impl Serialize for Entries<'_, '_> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_seq(self.0.entries())
            }
        }
        let mut b = serializer.serialize_struct("Baseline", 2)?;
        b.serialize_field("version", &VERSION)?;
        b.serialize_field("findings", &Entries(self))?;
        b.end()
    }
}

/// What a baseline excuses, for a session to apply to each file as it is
/// checked, before the cap per code and the wording: each recorded
/// finding excuses one finding with its fingerprint (and, in a baseline
/// of version 2 or later, its message) in its file. Applied after the cap, a
/// baseline saw a hundred findings of a code and a summary of the rest:
/// a design with 150 recorded and one new finding of that code passed.
#[derive(Debug)]
pub struct Excuses {
    /// The baseline's folder, its files' names relative to it.
    base: PathBuf,
    /// The baseline's version: 1, fingerprints of the finding's line
    /// ([`crate::fingerprint::of_content_in`]), no message; 2, of its
    /// statement alone; 3, of its statement and the declarations that
    /// depends on; 4, and of the earlier hops of a stitched exchange.
    version: u32,
    /// How many findings each fingerprint excuses, file by file: what a
    /// file checked again ([`Excuses::renew`]) starts from.
    all: HashMap<String, Prints>,
    /// How many findings each fingerprint still excuses, file by file,
    /// and how many each file's findings took.
    left: Mutex<HashMap<String, (Prints, usize)>>,
    /// How many findings were excused.
    excused: AtomicUsize,
}

/// The excuses of one fingerprint in one file: how many for each message
/// recorded (`None`: any message, for an entry of version 1 or one past
/// the cap, whose message is no finding's).
#[derive(Clone, Debug, Default)]
struct Slots(Vec<(Option<u64>, usize)>);

/// How many findings of each fingerprint a file's excuses cover.
type Prints = HashMap<u64, Slots>;

impl Slots {
    /// Whether one of its excuses needs the finding's message.
    fn by_message(&self) -> bool {
        self.0.iter().any(|(m, n)| m.is_some() && *n > 0)
    }

    /// Takes one excuse for a finding whose message hashes to `message`
    /// (`None`: not known), if one is left: one recorded with that
    /// message first, then one for any message.
    fn take(&mut self, message: Option<u64>) -> bool {
        let left = |(_, n): &&mut (Option<u64>, usize)| *n > 0;
        let slot = match message {
            // The same message first, else any message.
            Some(m) => (self.0.iter_mut())
                .filter(left)
                .min_by_key(|(r, _)| (*r != Some(m), r.is_some())),
            None => (self.0.iter_mut())
                .filter(left)
                .min_by_key(|(r, _)| r.is_some()),
        };
        match slot.filter(|(r, _)| r.is_none() || *r == message || message.is_none()) {
            Some((_, n)) => {
                *n -= 1;
                true
            }
            None => false,
        }
    }
}

/// A message's hash, as an excuse keeps it.
fn message_hash(message: &str) -> u64 {
    let mut h = crate::fingerprint::Fnv1a::new();
    h.write(message.as_bytes());
    h.finish()
}

/// Fingerprints of one file's findings as a baseline of one version
/// recorded them.
enum Printer<'a> {
    /// Version 1: the finding's line.
    Line(&'a SourceFile),
    /// Version 2 (the statement alone), 3 (with the declarations it
    /// depends on) or 4 (and the earlier hops of a stitched exchange).
    Statements(crate::fingerprint::Statements<'a>),
}

impl<'a> Printer<'a> {
    /// Fingerprints of version `version` in `file`, whose statements are
    /// `spans`, whose model is `design` (None: a file without one) and
    /// whose findings on stitched exchanges have the earlier hops
    /// `earlier` (None: none has).
    fn new(
        version: u32,
        file: &'a SourceFile,
        spans: &'a [Span],
        design: Option<&'a crate::model::Design>,
        earlier: Option<&'a crate::fingerprint::Earlier>,
    ) -> Printer<'a> {
        use crate::fingerprint::Statements;
        match (version, earlier) {
            (1, _) => Printer::Line(file),
            (2, _) => Printer::Statements(Statements::new(file, spans)),
            (3, _) | (4, None) => Printer::Statements(Statements::naming(file, spans, design)),
            (4, Some(e)) => Printer::Statements(Statements::stitching(file, spans, design, e)),
            (_, None) => Printer::Statements(Statements::naming(file, spans, design).by_tokens()),
            (_, Some(e)) => {
                Printer::Statements(Statements::stitching(file, spans, design, e).by_tokens())
            }
        }
    }

    /// The fingerprint of a finding of `code` at `primary`.
    fn of(&mut self, code: Code, primary: Span) -> u64 {
        match self {
            Printer::Line(file) => crate::fingerprint::of_content_in(file, code, primary),
            Printer::Statements(s) => s.of(code, primary),
        }
    }
}

/// Each file's statements among `files`, read from its text.
fn statements_of(
    sources: &SourceMap,
    files: impl IntoIterator<Item = crate::span::FileId>,
) -> HashMap<crate::span::FileId, Vec<Span>> {
    let mut out = HashMap::new();
    for id in files {
        out.entry(id)
            .or_insert_with(|| crate::fingerprint::statement_spans(sources.get(id), id));
    }
    out
}

impl Excuses {
    /// The excuses of `baseline`, whose files are named relative to
    /// `base`. A fingerprint that is not 16 hex digits excuses nothing.
    pub fn of(baseline: &Baseline, base: &Path) -> Excuses {
        let version = baseline.version;
        let legacy = version < 2;
        let mut all: HashMap<String, Prints> = HashMap::new();
        for e in &baseline.findings {
            let Ok(fp) = u64::from_str_radix(&e.fingerprint, 16) else {
                continue;
            };
            // Said by `Baseline::unexcusable_note`; `apply` would not let
            // it excuse anyway.
            if Code::parse(&e.code).is_some_and(|c| !excusable(c)) {
                continue;
            }
            let message = Code::parse(&e.code)
                .filter(|&c| !legacy && !e.message.is_empty() && e.message != past_the_cap(c))
                .map(|_| message_hash(&e.message));
            let slots = &mut all
                .entry(e.file.clone())
                .or_default()
                .entry(fp)
                .or_default()
                .0;
            match slots.iter_mut().find(|(m, _)| *m == message) {
                Some((_, n)) => *n += 1,
                None => slots.push((message, 1)),
            }
        }
        Excuses {
            base: base.to_path_buf(),
            version,
            left: Mutex::new(
                all.iter()
                    .map(|(f, l)| (f.clone(), (l.clone(), 0)))
                    .collect(),
            ),
            all,
            excused: AtomicUsize::new(0),
        }
    }

    /// The file `source` is checked again (`check --fix` checks a file's
    /// fixed text under its name): every excuse of its name is there
    /// again, and the findings its earlier check had excused are no
    /// longer counted.
    pub(crate) fn renew(&self, source: &SourceFile) {
        let name = relative(&source.name, &self.base);
        let Ok(mut left) = self.left.lock() else {
            return;
        };
        let Some((prints, taken)) = left.get_mut(&name) else {
            return;
        };
        self.excused.fetch_sub(*taken, Ordering::Relaxed);
        *taken = 0;
        *prints = self.all.get(&name).cloned().unwrap_or_default();
    }

    /// Removes from one file's `candidates` the findings the baseline
    /// excuses: of equal fingerprints, those nearest the start of the
    /// file first (then in the order made), whichever list each is in
    /// ([`crate::tally`] keeps a file's first findings apart from the
    /// rest). `statements` are the file's statements in source order,
    /// `design` its model (None for a rulebook), `earlier` the earlier
    /// hops of its findings on stitched exchanges (None: none is); `word`
    /// gives the English message of the check's finding of an index
    /// ([`crate::candidates::Placed::finding`]), asked only of a finding
    /// whose fingerprint an excuse with a message has.
    pub(crate) fn apply(
        &self,
        source: &SourceFile,
        statements: &[Span],
        design: Option<&crate::model::Design>,
        earlier: Option<&crate::fingerprint::Earlier>,
        candidates: &mut Candidates,
        word: &dyn Fn(usize) -> Option<String>,
    ) {
        let name = relative(&source.name, &self.base);
        // A file the baseline does not name costs no fingerprints.
        let Some(recorded) = self.all.get(&name) else {
            return;
        };
        // Worked out before the lock, so files are fingerprinted in
        // parallel. A finding of a code no baseline excuses has none: an
        // entry of another code with its fingerprint (written by hand)
        // excuses it no more than one of its own code.
        let keys: Vec<(Code, Span)> = (0..candidates.len())
            .filter_map(|i| candidates.key(i))
            .collect();
        let mut fingerprints = Printer::new(self.version, source, statements, design, earlier);
        let prints: Vec<Option<u64>> = (keys.iter())
            .map(|&(code, primary)| excusable(code).then(|| fingerprints.of(code, primary)))
            .collect();
        // The message of each finding an excuse with a message may take.
        let messages: Vec<Option<u64>> = (prints.iter().enumerate())
            .map(|(i, fp)| {
                let slots = recorded.get(fp.as_ref()?)?;
                if !slots.by_message() {
                    return None;
                }
                message_of(candidates, i, word).map(|m| message_hash(&m))
            })
            .collect();
        let mut by_place: Vec<usize> = (0..keys.len()).collect();
        by_place.sort_by_key(|&i| keys.get(i).map(|(_, at)| (at.start, at.end)));
        let keep: Vec<bool> = {
            let Ok(mut left) = self.left.lock() else {
                return;
            };
            let Some((left, taken)) = left.get_mut(&name) else {
                return;
            };
            let mut keep = vec![true; prints.len()];
            for i in by_place {
                if let (Some(Some(fp)), Some(k)) = (prints.get(i), keep.get_mut(i)) {
                    let message = messages.get(i).copied().flatten();
                    *k = !left.get_mut(fp).is_some_and(|s| s.take(message));
                }
            }
            *taken += keep.iter().filter(|k| !**k).count();
            keep
        };
        let excused = keep.iter().filter(|k| !**k).count();
        self.excused.fetch_add(excused, Ordering::Relaxed);
        let mut next = keep.into_iter();
        candidates.retain(|_, _| next.next().unwrap_or(true));
    }

    /// How many findings were excused so far.
    pub fn excused(&self) -> usize {
        self.excused.load(Ordering::Relaxed)
    }
}

/// The English message of the `i`-th of `candidates` (in the order of
/// [`Candidates::key`]), if it is known: a diagnostic's own, a check's
/// finding's as `word` words it; not one kept as its place alone.
fn message_of(
    candidates: &Candidates,
    i: usize,
    word: &dyn Fn(usize) -> Option<String>,
) -> Option<String> {
    let (before, hollow, placed) = (
        candidates.before.len(),
        candidates.hollow.len(),
        candidates.placed.len(),
    );
    if i < before {
        candidates.before.get(i).map(|d| d.message.en.clone())
    } else if i < before + hollow {
        None
    } else if i < before + hollow + placed {
        word(candidates.placed.get(i - before - hollow)?.finding)
    } else {
        (candidates.after.get(i - before - hollow - placed)).map(|d| d.message.en.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::{RulebookSource, Session};

    /// `text` checked as `d.myna`, outlined for a baseline.
    fn run(text: &str) -> Session {
        let mut s = Session::new(RulebookSource::Builtin("kenpo".into()));
        s.keep_statements = true;
        s.check_text("d.myna", text.to_string(), None);
        s
    }

    /// A baseline of `s`'s findings, its files named from here.
    fn recorded(s: &Session) -> Baseline {
        Baseline::record(&s.sources, &s.outlines, &s.diagnostics, Path::new("."))
    }

    /// `text` checked as `d.myna` with the excuses of `b`, as `check`
    /// applies them (as each file is checked): the session, its
    /// diagnostics those left, and how many were excused.
    fn checked_against(b: &Baseline, text: &str) -> (Session, usize) {
        let mut s = Session::new(RulebookSource::Builtin("kenpo".into()));
        let excuses = std::sync::Arc::new(Excuses::of(b, Path::new(".")));
        s.excuses = Some(excuses.clone());
        s.check_text("d.myna", text.to_string(), None);
        (s, excuses.excused())
    }

    const DESIGN: &str = "use \"kenpo\"\nactor 基幹 : 組合\nactor 市 : 他機関\ndata 課税 : 課税・非課税情報\n\
                          flow 基幹 -> 市 : 課税 for 被扶養者認定\n";

    #[test]
    fn a_file_is_named_relative_to_the_baseline_or_by_its_absolute_name() {
        let dir = tempfile::tempdir().unwrap();
        let (inside, outside) = (dir.path().join("in"), dir.path().join("out"));
        std::fs::create_dir_all(inside.join("sub")).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        let (a, b) = (inside.join("sub/a.myna"), outside.join("b.myna"));
        std::fs::write(&a, "").unwrap();
        std::fs::write(&b, "").unwrap();
        assert_eq!(relative(&a.display().to_string(), &inside), "sub/a.myna");
        let absolute = std::fs::canonicalize(&b).unwrap().display().to_string();
        assert_eq!(relative(&b.display().to_string(), &inside), absolute);
        assert!(!absolute.starts_with("//"), "{absolute}");
        assert_eq!(
            relative("<builtin>/kenpo.myna", &inside),
            "<builtin>/kenpo.myna"
        );
    }

    #[test]
    fn a_file_checked_again_has_its_excuses_again_and_counts_them_once() {
        let mut s = Session::new(RulebookSource::Builtin("kenpo".into()));
        s.keep_statements = true;
        let checked = s.check_text("d.myna", DESIGN.to_string(), None);
        let design = checked.analysis.as_ref().map(|a| &a.design);
        let b = recorded(&s);
        let n = b.findings.len();
        assert!(n > 0);
        let excuses = Excuses::of(&b, Path::new("."));
        let (id, file) = (s.sources.iter())
            .find(|(_, f)| f.name == "d.myna")
            .unwrap();
        assert!(s.diagnostics.iter().all(|d| d.primary.file == id));
        let statements = crate::fingerprint::statement_spans(file, id);
        let excuse_all = || {
            let mut c = Candidates {
                before: s.diagnostics.clone(),
                ..Default::default()
            };
            excuses.apply(file, &statements, design, None, &mut c, &|_| None);
            c.len()
        };
        assert_eq!(excuse_all(), s.diagnostics.len() - n);
        assert_eq!(excuses.excused(), n);
        // Checked again without a renewal, its findings are not excused
        // twice; renewed, they are, and counted once.
        assert_eq!(excuse_all(), s.diagnostics.len());
        excuses.renew(file);
        assert_eq!(excuses.excused(), 0);
        assert_eq!(excuse_all(), s.diagnostics.len() - n);
        assert_eq!(excuses.excused(), n);
        // A file the baseline does not name is renewed as nothing.
        excuses.renew(&SourceFile::new("other.myna", ""));
        assert_eq!(excuses.excused(), n);
    }

    #[test]
    fn known_findings_are_filtered_even_after_lines_move() {
        let s = run(DESIGN);
        let b = recorded(&s);
        assert!(!b.findings.is_empty());
        let pretty = serde_json::to_string_pretty(&b).expect("serialised");
        assert_eq!(b.to_json(), format!("{pretty}\n"));
        let b = Baseline::parse(&b.to_json()).expect("round trip");
        let (moved, excused) = checked_against(&b, &format!("# a comment\n\n{DESIGN}"));
        assert_eq!(excused, b.findings.len());
        assert!(moved.diagnostics.is_empty(), "{:?}", moved.diagnostics);
    }

    /// Two items on the hops of one stitched exchange, each found where
    /// its last hop names the purpose (one code, one place): recorded,
    /// both are excused, moved or not; an earlier hop changed, both are
    /// new, though the last hop is as it was.
    #[test]
    fn findings_sharing_a_place_on_a_stitched_exchange_are_known_together() {
        let hops = "flow 市 -> 網 : 課税, 住民 for 保険給付審査\n\
                    flow 網 -> 中間 : 課税, 住民 for 保険給付審査\n\
                    flow 中間 -> 基幹 : 課税, 住民 for 保険給付審査\n";
        let design = format!(
            "use \"kenpo\"\nactor 基幹 : 組合\nactor 市 : 他機関\n\
             actor 網 : 情報提供ネットワークシステム\nactor 中間 : 中間サーバー\n\
             data 課税 : 課税・非課税情報\ndata 住民 : 住民票関係情報\n{hops}"
        );
        let s = run(&design);
        let b = recorded(&s);
        let last = (s.diagnostics.iter())
            .filter(|d| d.labels.len() >= 2)
            .map(|d| (d.code, d.primary))
            .collect::<Vec<_>>();
        assert_eq!(last.len(), 2, "{:?}", s.diagnostics);
        assert_eq!(last.first(), last.get(1), "one code, one place");
        for same in [design.clone(), format!("# moved\n\n{design}")] {
            let (left, excused) = checked_against(&b, &same);
            assert_eq!(excused, b.findings.len());
            assert!(left.diagnostics.is_empty(), "{:?}", left.diagnostics);
        }
        let changed = design.replace(
            "flow 網 -> 中間 : 課税, 住民 for 保険給付審査",
            "flow 網 -> 中間 : 課税, 住民 for 保険給付審査 via 網",
        );
        let (left, _) = checked_against(&b, &changed);
        let new: Vec<_> = (left.diagnostics.iter())
            .map(|d| (d.code, d.primary.start))
            .collect();
        assert_eq!(new.len(), 2, "{:?}", left.diagnostics);
    }

    /// No baseline excuses a code no suppression may silence: a finding
    /// of MN004 is not recorded (and said), and an entry of version 4
    /// written for it by hand, under its own code or another's, excuses
    /// nothing (and is said).
    #[test]
    fn what_no_suppression_may_silence_no_baseline_excuses() {
        let design = format!("{DESIGN}# \u{202e}\n");
        let s = run(&design);
        let mn004 = (s.diagnostics.iter())
            .find(|d| d.code == Code::MN004)
            .expect("MN004");
        let recording = Recording::of_places(
            &s.sources,
            &s.outlines,
            &(s.diagnostics.iter())
                .map(|d| (d.code, d.primary))
                .collect::<Vec<_>>(),
            &s.diagnostics,
            Path::new("."),
        );
        assert!(recording.entries().all(|e| e.code != "MN004"));
        assert_eq!(recording.len(), s.diagnostics.len() - 1);
        let note = recording.unrecorded_note("b.json").expect("said");
        assert!(note.en.contains("(MN004 ×1)"), "{}", note.en);
        assert!(note.ja.contains("(MN004 ×1)"), "{}", note.ja);
        // By hand: every finding's entry, as the statements fingerprint it.
        let mut b = recorded(&s);
        let file = s.sources.get(mn004.primary.file);
        let spans = crate::fingerprint::statement_spans(file, mn004.primary.file);
        let print = crate::fingerprint::Statements::naming(file, &spans, None)
            .by_tokens()
            .of(Code::MN004, mn004.primary);
        // The fingerprint a recording made before this would have written.
        let outline = s.outlines.get(&mn004.primary.file).expect("outlined");
        assert_eq!(outline.of(file, Code::MN004, mn004.primary), print);
        for code in ["MN004", "MN301"] {
            b.findings.push(Entry {
                fingerprint: format!("{print:016x}"),
                code: code.to_string(),
                file: "d.myna".to_string(),
                line: 6,
                message: mn004.message.en.clone(),
            });
        }
        let note = b.unexcusable_note("b.json").expect("said");
        assert!(
            note.en
                .contains("1 finding(s) of codes no baseline can excuse (MN004 ×1)")
        );
        assert!(recorded(&run(DESIGN)).unexcusable_note("b.json").is_none());
        let (left, excused) = checked_against(&b, &design);
        assert_eq!(excused, b.findings.len() - 2);
        let codes: Vec<Code> = left.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, [Code::MN004]);
    }

    #[test]
    fn new_findings_are_kept() {
        let s = run(DESIGN);
        let b = recorded(&s);
        let (more, _) = checked_against(
            &b,
            &format!("{DESIGN}flow 市 -> 基幹 : 課税 for 保険料徴収 via 市\n"),
        );
        assert!(!more.diagnostics.is_empty());
        assert!(more.diagnostics.iter().all(|x| {
            more.sources
                .get(x.primary.file)
                .line_col(x.primary.start as usize)
                .0
                == 6
        }));
    }

    #[test]
    fn rejects_other_versions_and_keys() {
        assert!(Baseline::parse("{\"version\":6,\"findings\":[]}").is_err());
        assert!(Baseline::parse("{\"version\":0,\"findings\":[]}").is_err());
        for older in [1, 2, 3, 4] {
            let b = Baseline::parse(&format!("{{\"version\":{older},\"findings\":[]}}"));
            assert!(b.is_ok_and(|b| b.is_legacy() && b.older_note("b.json").is_some()));
        }
        let b = Baseline::parse("{\"version\":5,\"findings\":[]}");
        assert!(b.is_ok_and(|b| !b.is_legacy() && b.older_note("b.json").is_none()));
        assert!(Baseline::parse("{\"version\":1,\"findings\":[],\"x\":1}").is_err());
    }

    /// A baseline from every finding's place records what one from every
    /// finding worded records, but the message of those past the hundred
    /// a check words: their code's title, never the summary's words.
    #[test]
    fn recorded_from_places_as_from_every_finding_worded() {
        let text = format!(
            "{DESIGN}{}",
            "flow 基幹 -> 市 : 課税 for 被扶養者認定\n".repeat(149)
        );
        let base = Path::new(".");
        let mut all = Session::new(RulebookSource::Builtin("kenpo".into()));
        all.max_per_code = None;
        all.keep_statements = true;
        all.check_text("d.myna", text.clone(), None);
        let whole = Baseline::record(&all.sources, &all.outlines, &all.diagnostics, base);
        let mut some = Session::new(RulebookSource::Builtin("kenpo".into()));
        some.keep_places = true;
        some.keep_statements = true;
        some.check_text("d.myna", text, None);
        assert!(some.diagnostics.len() < whole.findings.len());
        let placed = Baseline::record_places(
            &some.sources,
            &some.outlines,
            &some.found,
            &some.diagnostics,
            base,
        );
        let key = |e: &Entry| {
            (
                e.fingerprint.clone(),
                e.code.clone(),
                e.file.clone(),
                e.line,
            )
        };
        assert_eq!(
            placed.findings.iter().map(key).collect::<Vec<_>>(),
            whole.findings.iter().map(key).collect::<Vec<_>>()
        );
        let titled =
            "wrong direction (past the MN102 findings its file shows, which a check words)";
        let past: Vec<&Entry> = placed
            .findings
            .iter()
            .filter(|e| e.message == titled)
            .collect();
        assert_eq!(past.len(), 50);
        assert!(
            placed
                .findings
                .iter()
                .all(|e| !e.message.contains("not shown"))
        );
    }

    /// A recording is written as the entries it stands for, made and
    /// sorted as strings, are: a design whose lines repeat (one
    /// fingerprint for many findings, told apart by line), findings past
    /// the cap (titled, not worded), a summary at a place a finding has,
    /// and two files, in two folders.
    #[test]
    fn a_recording_writes_the_entries_it_stands_for_in_their_order() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Session::new(RulebookSource::Builtin("kenpo".into()));
        s.max_per_code = Some(3);
        s.keep_places = true;
        s.keep_statements = true;
        let mut text = String::from("use \"kenpo\"\nactor 基幹 : 組合\n");
        for i in 0..12 {
            text.push_str("actor 基幹 : 組合 \"abc\n");
            text.push_str(&format!("actor 予備{i} : 組合\n"));
        }
        s.check_text("b/d.myna", text.clone(), None);
        s.check_text("a/e.myna", text, None);
        let worded = s.diagnostics.clone();
        assert!(worded.iter().any(|d| d.more > 0), "a summary among them");
        let places = s.found.clone();
        let recording = Recording::of_places(&s.sources, &s.outlines, &places, &worded, dir.path());
        // As the entries were made, one string at a time, and sorted.
        let messages: HashMap<(Code, Span), &str> = (worded.iter())
            .filter(|d| d.more == 0)
            .map(|d| ((d.code, d.primary), d.message.en.as_str()))
            .collect();
        let mut expected: Vec<Entry> = (places.iter())
            .map(|&(code, primary)| Entry {
                fingerprint: format!("{:016x}", {
                    let file = s.sources.get(primary.file);
                    let spans = crate::fingerprint::statement_spans(file, primary.file);
                    // Declarations only: none depends on another.
                    crate::fingerprint::Statements::naming(file, &spans, None)
                        .by_tokens()
                        .of(code, primary)
                }),
                code: code.as_str().to_string(),
                file: relative(&s.sources.get(primary.file).name, dir.path()),
                line: s
                    .sources
                    .get(primary.file)
                    .line_col(primary.start as usize)
                    .0,
                message: match messages.get(&(code, primary)) {
                    Some(m) => m.to_string(),
                    None => format!(
                        "{} (past the {} findings its file shows, which a check words)",
                        code.title().en,
                        code.as_str()
                    ),
                },
            })
            .collect();
        expected.sort();
        let made: Vec<Entry> = recording.entries().collect();
        assert_eq!(made, expected);
        assert_eq!(recording.len(), expected.len());
        let fingerprints: std::collections::HashSet<&str> =
            expected.iter().map(|e| e.fingerprint.as_str()).collect();
        assert!(fingerprints.len() * 2 < expected.len(), "lines that repeat");
        assert!(expected.iter().any(|e| e.message.contains("past the")));
        let mut written = Vec::new();
        recording.write_json(&mut written).unwrap();
        let baseline = Baseline {
            version: VERSION,
            findings: expected,
        };
        assert_eq!(String::from_utf8(written).unwrap(), baseline.to_json());
    }
}
