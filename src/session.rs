//! The pipeline for a run: read and decode each file, parse it, load the
//! rulebook it names, resolve names, build the graph, run the checks.
//! Every stage's findings are collected in one list.

use crate::candidates::Candidates;
use crate::canonical::canonical_or_as_given as canonical;
use crate::checks;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::graph::FlowGraph;
use crate::model::{Design, Rulebook};
use crate::resolve::{
    RulebookNames, rebind_design, resolve_design_rebindable, resolve_design_tallied,
    resolve_rulebook_tallied,
};
use crate::rulebook_shelf::{Loaded, RulebookShelf};
use crate::source::{Decoded, SourceFile, SourceMap, decode, decode_owned};
use crate::span::{FileId, Span};
use crate::suppress::{self, Date};
use crate::syntax::ast::Stmt;
use crate::syntax::lexer::{lex, lex_keeping};
use crate::syntax::parser::{Parsed, parse_lexed, parse_lexed_keeping};
use crate::syntax::tokens::Copies;
use crate::tally::{Hollow, Keep, Tally};
use crate::text;
use crate::text::Text;
use crate::timings::Timings;
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

/// The rulebooks built into the binary: name and text.
pub const BUILTIN_RULEBOOKS: &[(&str, &str)] = &[("kenpo", include_str!("../rules/kenpo.myna"))];

/// The prefix of the display name of a rulebook built into the binary
/// (`<builtin>/kenpo.myna`): such a file is not on disk.
pub const BUILTIN_PREFIX: &str = "<builtin>/";

pub use crate::input::MAX_FILE_BYTES;

/// Findings of one code in one file shown before the rest are summed up.
pub use crate::candidates::MAX_PER_CODE;

/// The cap `max-per-code N` sets (`--max-per-code`, the config's key):
/// N findings of a code in a file, or every finding for 0.
pub fn per_code_cap(n: usize) -> Option<usize> {
    (n > 0).then_some(n)
}

/// Where a rulebook comes from.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RulebookSource {
    /// One of [`BUILTIN_RULEBOOKS`].
    Builtin(String),
    /// A file.
    File(PathBuf),
}

impl RulebookSource {
    /// The source a `use` target or `--rules` value names: a built-in name
    /// (`kenpo`), else a path relative to `base`.
    pub fn named(target: &str, base: Option<&Path>) -> RulebookSource {
        if BUILTIN_RULEBOOKS.iter().any(|(n, _)| *n == target) {
            return RulebookSource::Builtin(target.to_string());
        }
        let p = Path::new(target);
        RulebookSource::File(match base {
            Some(b) if p.is_relative() => b.join(p),
            _ => p.to_path_buf(),
        })
    }

    /// How the source is shown: its path, or `<builtin>/NAME.myna`.
    pub fn display(&self) -> String {
        match self {
            RulebookSource::Builtin(n) => format!("{BUILTIN_PREFIX}{n}.myna"),
            // Named as the designs beside it are (`r6.myna`, not
            // `./r6.myna` for a design found in `.`).
            RulebookSource::File(p) => crate::input::display_name(p),
        }
    }
}

/// Why a rulebook could not be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RulebookError {
    /// There is no such file, or none the design may use: outside the
    /// project, `use` says exactly this whatever is at the path.
    NotFound,
    /// It could not be read: why, in both languages.
    Unreadable(Text),
    /// It has errors (reported in its own file).
    Broken(usize),
    /// The file has no `rulebook` header.
    NotARulebook,
    /// A design's `use` names a rulebook that is not among those the run
    /// allows ([`Session::allowed_rulebooks`]); it is not read.
    NotAllowed,
}

impl RulebookError {
    /// Why the rulebook cannot be used, in both languages, as said after
    /// its name (`rules.myna: not found`; the English is [`Display`]'s).
    ///
    /// [`Display`]: std::fmt::Display
    pub fn words(&self) -> Text {
        match self {
            RulebookError::NotFound => Text::new("not found", "見つかりません"),
            RulebookError::Unreadable(why) => {
                text!("cannot be read: {}", why.en; "読めません: {}", why.ja)
            }
            RulebookError::Broken(n) => {
                text!("has {n} error(s)"; "エラーが {n} 件あります")
            }
            RulebookError::NotARulebook => Text::new(
                "is not a rulebook (no `rulebook` header)",
                "ルールブックではありません (`rulebook` の見出しがありません)",
            ),
            RulebookError::NotAllowed => Text::new(
                "is not one of the rulebooks allowed",
                "使えるルールブックとして設定されていません",
            ),
        }
    }
}

impl std::fmt::Display for RulebookError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RulebookError::NotFound => write!(f, "not found"),
            RulebookError::Unreadable(why) => write!(f, "cannot be read: {}", why.en),
            RulebookError::Broken(n) => write!(f, "has {n} error(s)"),
            RulebookError::NotARulebook => write!(f, "is not a rulebook (no `rulebook` header)"),
            RulebookError::NotAllowed => write!(f, "is not one of the rulebooks allowed"),
        }
    }
}

/// A design that was checked: the model and graph, for renderers that draw
/// or measure it (graph, coverage).
#[derive(Debug)]
pub struct Analysis {
    /// The resolved design.
    pub design: Design,
    /// Its graph.
    pub graph: FlowGraph,
    /// What the checks worked out that the inventory lists too, when the
    /// session was asked to keep it ([`Session::keep_computed`]).
    pub computed: Option<checks::Computed>,
    /// The checks' findings, when some of the file's diagnostics are
    /// still to be worded from them ([`Session::fixes_first`]); else none.
    pub unworded: Vec<checks::Finding>,
}

/// What checking one file gave.
#[derive(Debug)]
pub struct Checked {
    /// The file in the source map.
    pub file: FileId,
    /// The analysis, for a design that parsed (None for rulebooks and
    /// undecodable files).
    pub analysis: Option<Analysis>,
}

/// One run over any number of files.
pub struct Session {
    /// Every file read, rulebooks included.
    pub sources: SourceMap,
    /// Every finding so far.
    pub diagnostics: Vec<Diagnostic>,
    default_rules: RulebookSource,
    /// Check every design against `default_rules`, whatever its `use` says.
    forced: bool,
    rulebooks: HashMap<RulebookSource, Result<Arc<Rulebook>, RulebookError>>,
    rulebook_files: HashMap<PathBuf, FileId>,
    /// Rulebook files checked as files of their own (canonical paths):
    /// loaded later for a design, their findings are not reported again.
    linted_files: HashSet<PathBuf>,
    reported: HashSet<FileId>,
    /// The date suppressions' `until` is compared with (today, by default).
    pub today: Date,
    /// Options of the checks (from `mynaflow.toml`).
    pub options: checks::CheckOptions,
    /// The folders a design's `use` may name a rulebook in, besides the
    /// design's own folder and its sub-folders: by default the folder the
    /// run started in. A path elsewhere is "not found", whatever is there.
    pub roots: Vec<PathBuf>,
    /// The only rulebooks a design's `use` may name (`mynaflow.toml`'s
    /// `rulebooks`), or None for any: a design naming another is MN013,
    /// so that a rulebook added beside the designs cannot be the one they
    /// are checked against.
    pub allowed_rulebooks: Option<Vec<RulebookSource>>,
    /// Codes no suppression may silence, besides those none ever may
    /// ([`suppress::UNSUPPRESSIBLE`]): `mynaflow.toml`'s `unsuppressible`.
    /// A suppression naming one is MN501 and silences nothing.
    pub unsuppressible: std::collections::BTreeSet<Code>,
    /// Time spent in each stage so far (`check --timings`).
    pub timings: Timings,
    /// Keep every finding of a file's analysis (no cap of
    /// [`MAX_PER_CODE`] per code) as its code and place only, in
    /// [`Session::found`] rather than [`Session::diagnostics`]: for
    /// comparing the findings of two runs, as `rules diff --impact` does,
    /// where a cap would hide every flow past a code's hundredth finding
    /// (and a diagnostic is over 300 bytes, for hundreds of thousands of
    /// findings at a million flows). The parse and the resolver make
    /// theirs as places too ([`crate::tally::Keep::Places`]), unless
    /// [`Session::keep_every_finding`]. Off by default.
    pub for_comparison: bool,
    /// With [`Session::for_comparison`], the code and place of every
    /// finding of each file's analysis, file by file in order as they
    /// would be in [`Session::diagnostics`]. Findings about a file as a
    /// whole (MN005) are still diagnostics.
    pub found: Vec<(Code, Span)>,
    /// Keep, beside the findings shown (a hundred a code), every
    /// finding's code and place in [`Session::found`], those about a file
    /// as a whole too: for `mynaflow test`, which compares them all with
    /// the annotations and prints the message of the few it lists. Off by
    /// default.
    pub keep_places: bool,
    /// Keep each checked file's outline in [`Session::outlines`]: for a
    /// baseline recorded after the run (`check --write-baseline`), which
    /// fingerprints a finding by its statement and the declarations that
    /// depends on, when the file's tree and model are gone. Off by
    /// default.
    pub keep_statements: bool,
    /// With [`Session::keep_statements`], each checked file's statements,
    /// with what its findings' fingerprints need of its model
    /// ([`crate::fingerprint::Outline`]); a file that is not a design's
    /// text (MN005) has none.
    pub outlines: crate::baseline::Outlines,
    /// A baseline's excuses, applied to each file's findings before the
    /// cap per code and the wording ([`crate::baseline::Excuses`]).
    pub excuses: Option<Arc<crate::baseline::Excuses>>,
    /// Make every finding of the parse and the resolver in full, not only
    /// those the cap per code may show ([`crate::tally`]): what is
    /// reported is the same either way. For tests that compare the two,
    /// and for an embedder that reads findings through something other
    /// than the session's diagnostics and places. Off by default.
    pub keep_every_finding: bool,
    /// How many findings of one code a file shows before the rest are
    /// summed up in one ([`MAX_PER_CODE`] by default); `None` keeps every
    /// finding as a diagnostic: for `check --max-per-code 0`, and for
    /// `check --fix`, which applies the fix of each (with the cap, a
    /// hundred a code each round), then caps them
    /// ([`Session::cap_per_code`]).
    pub max_per_code: Option<usize>,
    /// Give the checks' findings their fixes alone
    /// ([`crate::wording::Wording::FixesFirst`]): they wait as their code,
    /// place and fix, their file's findings kept in its
    /// [`Analysis::unworded`], until [`Session::word_left`] words those
    /// shown. For `check --fix`, whose rounds read the fix of every
    /// finding and whose report shows a hundred a code: at 1M
    /// `contractors`, 73 000 findings were worded twice for 26 000 fixes.
    /// Off by default.
    pub fixes_first: bool,
    /// The cap `check --fix` reports with, while its rounds check with
    /// none ([`Session::max_per_code`] `None`): the parse and the
    /// resolver of a design keep in full twice the cap of each code, the
    /// rest as their places with their fixes
    /// ([`crate::tally::Keep::FixesAndFirst`]), which the rounds apply
    /// and [`Session::cap_per_code`] counts. `None` by default: with no cap,
    /// every finding is made in full.
    pub fix_cap: Option<usize>,
    /// The findings of each design's last check kept as their places
    /// only, with no cap to show them by ([`Session::fix_cap`]).
    hollowed: HashMap<FileId, Vec<Hollow>>,
    /// Designs whose findings [`Session::cap_per_code`] would show one
    /// of `hollowed` of: to be checked again with the cap
    /// ([`Session::check_capped_again`]).
    hollow_shown: HashSet<FileId>,
    /// Keep what the checks work out that the inventory lists too (the
    /// verdicts on exchanges of 特定個人情報 and the holdings) in each
    /// [`Analysis`], for `mynaflow inventory`. Off by default: a check
    /// needs it no longer once its findings are made.
    pub keep_computed: bool,
    /// How long the copies of names a large file's parse makes live:
    /// [`Copies::Lasting`] for a command whose run ends with the process
    /// (the command line sets it), [`Copies::Shared`] by default.
    pub name_copies: Copies,
    /// Rulebooks loaded by the other sessions of the run, shared
    /// ([`Session::share_rulebooks`]); none by default.
    rulebook_shelf: Option<Arc<RulebookShelf>>,
    /// Texts to read rulebook files from instead of the disk, by
    /// canonical path ([`Session::read_rulebooks_from`]); none by default.
    rulebook_texts: Option<Arc<HashMap<PathBuf, String>>>,
}

impl Session {
    /// A session whose designs without `use` are checked against `default_rules`.
    pub fn new(default_rules: RulebookSource) -> Session {
        Session {
            sources: SourceMap::new(),
            diagnostics: Vec::new(),
            default_rules,
            forced: false,
            rulebooks: HashMap::new(),
            rulebook_files: HashMap::new(),
            linted_files: HashSet::new(),
            reported: HashSet::new(),
            today: Date::today(),
            options: checks::CheckOptions::default(),
            roots: std::env::current_dir().into_iter().collect(),
            allowed_rulebooks: None,
            unsuppressible: std::collections::BTreeSet::new(),
            timings: Timings::default(),
            for_comparison: false,
            found: Vec::new(),
            max_per_code: Some(MAX_PER_CODE),
            keep_places: false,
            keep_statements: false,
            outlines: HashMap::new(),
            excuses: None,
            keep_every_finding: false,
            keep_computed: false,
            fixes_first: false,
            fix_cap: None,
            hollowed: HashMap::new(),
            hollow_shown: HashSet::new(),
            name_copies: Copies::Shared,
            rulebook_shelf: None,
            rulebook_texts: None,
        }
    }

    /// A session that checks every design against `rules`, whatever
    /// rulebook its `use` line names (the `use` target is not loaded). For
    /// checking a corpus against a rulebook it was not written for, as
    /// `rules diff --impact` does with the old and the new rulebook.
    pub fn forced(rules: RulebookSource) -> Session {
        Session {
            forced: true,
            ..Session::new(rules)
        }
    }

    /// Loads (once) and returns a rulebook; its own findings are added to
    /// the session's diagnostics the first time.
    pub fn load_rulebook(
        &mut self,
        source: &RulebookSource,
    ) -> Result<Arc<Rulebook>, RulebookError> {
        if let Some(r) = self.rulebooks.get(source) {
            return r.clone();
        }
        let result = self.load_rulebook_uncached(source);
        self.rulebooks.insert(source.clone(), result.clone());
        result
    }

    fn load_rulebook_uncached(
        &mut self,
        source: &RulebookSource,
    ) -> Result<Arc<Rulebook>, RulebookError> {
        let open = match (source, &self.rulebook_texts) {
            (RulebookSource::File(p), Some(texts)) => texts.get(&canonical(p)).cloned(),
            _ => None,
        };
        let text = match open {
            Some(text) => text,
            None => rulebook_text(source)?,
        };
        let id = self.sources.next_id();
        // A rulebook loaded for a design is not fixed (only one checked
        // as a file of its own is), and its findings are reported from
        // those kept: all of them, while a design's rounds have no cap.
        let keep = match self.stage_options().front_keep() {
            Keep::FixesAndFirst(_) => Keep::All,
            keep => keep,
        };
        let loaded = match &self.rulebook_shelf {
            Some(shelf) => shelf.load_keeping(source, id, text, keep, self.name_copies),
            None => Arc::new(Loaded::load_keeping(
                source,
                id,
                text,
                keep,
                self.name_copies,
            )),
        };
        // Alone (no shelf), the load is this session's own: taken, not
        // copied.
        let Loaded {
            file,
            findings,
            hollow,
            keep,
            spans,
            result,
        } = Arc::try_unwrap(loaded).unwrap_or_else(|shared| Loaded {
            file: shared.file.clone(),
            findings: shared.findings.clone(),
            hollow: shared.hollow.clone(),
            keep: shared.keep.clone(),
            spans: shared.spans.clone(),
            result: shared.result.clone(),
        });
        let file = self.sources.add(file);
        if let RulebookSource::File(p) = source {
            self.rulebook_files.insert(canonical(p), file);
        }
        self.reported.insert(file);
        let linted = match source {
            RulebookSource::File(p) => self.linted_files.contains(&canonical(p)),
            _ => false,
        };
        if !linted {
            // Reported as the rulebook's file checked on its own reports
            // them: its suppressions, a baseline and the cap per code
            // apply (they did not, and `check design.myna` failed on a
            // warning its rulebook suppressed, which `check rules.myna`
            // passed). When the cap shows one kept hollow, the rulebook
            // is loaded again keeping exactly those it shows, then all
            // (as `analyse` does for a design).
            let (mut found, mut spans) = (Tally::from_parts(keep, findings, hollow), spans);
            loop {
                let mut t = Timings::default();
                let kept = found.keep().clone();
                let (stage, text) = (self.stage_options(), self.sources.get(file));
                let analysed = finish(text, file, &spans, found, None, stage, &mut t);
                self.timings.merge(&t);
                let Some(keep) = kept.again(analysed.hollow_shown) else {
                    self.diagnostics.extend(analysed.diagnostics);
                    self.found.extend(analysed.found);
                    self.outlines.extend(analysed.outline.map(|o| (file, o)));
                    break;
                };
                if let Some(excuses) = &self.excuses {
                    excuses.renew(self.sources.get(file));
                }
                let text = self.sources.get(file).text.clone();
                let again =
                    Loaded::load_keeping(source, file, text, keep.clone(), self.name_copies);
                found = Tally::from_parts(keep, again.findings, again.hollow);
                spans = again.spans;
            }
        }
        result
    }

    /// Loads rulebooks from `shelf`, and shelves those it loads there, so
    /// that the sessions of one run sharing it load each rulebook once
    /// ([`crate::rulebook_shelf`]): what is checked does not change.
    pub fn share_rulebooks(&mut self, shelf: Arc<RulebookShelf>) {
        self.rulebook_shelf = Some(shelf);
    }

    /// Reads a rulebook file from `texts` (by canonical path) when it is
    /// there, rather than from the disk: the language server's open
    /// rulebooks, edited and not saved, are what its designs are checked
    /// against.
    pub fn read_rulebooks_from(&mut self, texts: Arc<HashMap<PathBuf, String>>) {
        self.rulebook_texts = Some(texts);
    }

    /// The rulebooks this session has asked for (loaded or not), by where
    /// they come from: the language server checks a design again when one
    /// of them changes.
    pub fn rulebook_sources(&self) -> impl Iterator<Item = &RulebookSource> + '_ {
        self.rulebooks.keys()
    }

    /// Reads and checks one file. An unreadable file is an `Err` (the tool
    /// could not do its job); everything else is a finding.
    pub fn check_path(&mut self, path: &Path) -> Result<Checked, String> {
        if let Some(&file) = self.rulebook_files.get(&canonical(path)) {
            // Already loaded as a design's rulebook, findings included.
            return Ok(Checked {
                file,
                analysis: None,
            });
        }
        let start = Instant::now();
        let bytes = read_limited(path)?;
        self.timings.add("read+decode", start.elapsed());
        Ok(self.check_owned_bytes(&shown_name(path), bytes, path.parent(), Some(path)))
    }

    /// Checks a file's bytes: decodes them (MN005 when they are not text
    /// or not UTF-8), then checks the text as [`Session::check_text`] does.
    pub fn check_bytes(&mut self, name: &str, bytes: &[u8], dir: Option<&Path>) -> Checked {
        self.check_owned_bytes(name, bytes.to_vec(), dir, None)
    }

    /// [`Session::check_bytes`] of bytes it keeps as the text, not copied
    /// (a design read from standard input).
    pub fn check_bytes_owned(&mut self, name: &str, bytes: Vec<u8>, dir: Option<&Path>) -> Checked {
        self.check_owned_bytes(name, bytes, dir, None)
    }

    /// [`Session::check_bytes`] of bytes it may keep as the text, read
    /// from `path` if given.
    fn check_owned_bytes(
        &mut self,
        name: &str,
        bytes: Vec<u8>,
        dir: Option<&Path>,
        path: Option<&Path>,
    ) -> Checked {
        let start = Instant::now();
        let read = read_bytes(name, bytes);
        self.timings.add("read+decode", start.elapsed());
        match read {
            Read::Text(text) => self.check_text_from(name, text, dir, path),
            Read::Other(source, problem) => {
                let source = match path {
                    Some(p) => source.read_from(p),
                    None => source,
                };
                let file = self.sources.add(source);
                self.not_design(file, &problem);
                Checked {
                    file,
                    analysis: None,
                }
            }
        }
    }

    /// MN005 for a file that is not text or not UTF-8.
    fn not_design(&mut self, file: FileId, problem: &Problem) {
        self.reported.insert(file);
        let name = self.sources.get(file).name.as_str();
        let d = match problem {
            &Problem::NotText { at } => Diagnostic::new(
                Code::MN005,
                Span::new(file, 0, 0),
                text!("`{name}` is not a text file (a NUL byte at offset {at}); its content is not shown"; "「{name}」はテキストファイルではありません (オフセット {at} に NUL バイト)。内容は表示しません"),
            )
            .with_help(Text::new(
                "a design is a UTF-8 text file; check that this path names one",
                "設計は UTF-8 のテキストファイルです。このパスが設計を指しているか確かめてください",
            )),
            Problem::NotUtf8(u) => {
                let bad_offset = u.bad_offset;
                let d = Diagnostic::new(
                    Code::MN005,
                    Span::new(file, u.span.0, u.span.1),
                    text!("`{name}` is not UTF-8 (first invalid byte at offset {bad_offset})"; "「{name}」は UTF-8 ではありません (最初の不正なバイトはオフセット {bad_offset})"),
                );
                if u.shift_jis {
                    let quoted = crate::escape::shell_quoted(name);
                    d.with_note(Text::new("it reads as Shift_JIS (CP932)", "Shift_JIS (CP932) として読めます"))
                        .with_help(text!("convert it: iconv -f CP932 -t UTF-8 {quoted} > converted.myna"; "変換してください: iconv -f CP932 -t UTF-8 {quoted} > converted.myna"))
                } else {
                    d.with_help(Text::new(
                        "save the file as UTF-8",
                        "ファイルを UTF-8 で保存してください",
                    ))
                }
            }
        };
        self.keep_places_of(std::slice::from_ref(&d));
        self.diagnostics.push(d);
    }

    /// With [`Session::keep_places`], the places of findings made outside
    /// any file's analysis (a file that is not text, a rulebook loaded for
    /// a design) join the others in [`Session::found`].
    fn keep_places_of(&mut self, diags: &[Diagnostic]) {
        if self.keep_places {
            self.found.extend(diags.iter().map(|d| (d.code, d.primary)));
        }
    }

    /// Checks a text as if read from a file named `name` in `dir` (the
    /// directory relative `use` paths start from). For editors and tests.
    pub fn check_text(&mut self, name: &str, text: String, dir: Option<&Path>) -> Checked {
        self.check_text_from(name, text, dir, None)
    }

    /// [`Session::check_text`] of a text read from `path`, if given (see
    /// [`Session::check_text_in`]).
    fn check_text_from(
        &mut self,
        name: &str,
        text: String,
        dir: Option<&Path>,
        path: Option<&Path>,
    ) -> Checked {
        match self.check_text_in(name, text, dir, path, &|| false) {
            Ok(checked) => checked,
            // Never asked to stop, it never does.
            Err(file) => Checked {
                file,
                analysis: None,
            },
        }
    }

    /// [`Session::check_text`], stopped once `stop` says so: the language
    /// server stops analysing a text that a later one the client has sent
    /// replaces. It is asked, from any thread, before each part of a large
    /// text is parsed (about every half megabyte) and each part of its
    /// flows is resolved, after parsing, after resolving, after the
    /// transfers are made, after they are stitched, and between the
    /// checks' verdicts and the checks. Stopped, it is `Err` with
    /// the text's file in [`Session::sources`], and none of its findings
    /// are kept.
    pub fn check_text_unless(
        &mut self,
        name: &str,
        text: String,
        dir: Option<&Path>,
        stop: &(dyn Fn() -> bool + Sync),
    ) -> Result<Checked, FileId> {
        self.check_text_in(name, text, dir, None, stop)
    }

    /// [`Session::check_text_unless`] of a text read from `path`, if
    /// given: a rulebook file is then known by its path, and a design
    /// that uses it later does not report its findings again.
    fn check_text_in(
        &mut self,
        name: &str,
        text: String,
        dir: Option<&Path>,
        path: Option<&Path>,
        stop: &(dyn Fn() -> bool + Sync),
    ) -> Result<Checked, FileId> {
        let source = self.timings.time("index lines", || {
            let source = SourceFile::new(name, text);
            match path {
                Some(p) => source.read_from(p),
                None => source,
            }
        });
        let file = self.sources.add(source);
        let mut timings = Timings::default();
        let parsed = parse_timed_unless(
            file,
            &self.sources.get(file).text,
            self.name_copies,
            self.stage_options().front_keep(),
            stop,
            &mut timings,
        );
        let Some(parsed) = parsed.filter(|_| !stop()) else {
            self.timings.merge(&timings);
            return Err(file);
        };
        let plan = self.plan(file, &parsed.file, dir);
        if let (Plan::Rulebook, Some(path)) = (&plan, path) {
            self.linted_files.insert(canonical(path));
        }
        let (done, _) = analyse(
            self.sources.get(file),
            file,
            parsed,
            plan,
            self.stage_options(),
            stop,
            &mut timings,
        );
        self.timings.merge(&timings);
        if done.stopped {
            return Err(file);
        }
        self.diagnostics.extend(done.diagnostics);
        self.found.extend(done.found);
        self.outlines.extend(done.outline.map(|o| (file, o)));
        if !done.hollowed.is_empty() {
            self.hollowed.insert(file, done.hollowed);
        }
        Ok(Checked {
            file,
            analysis: done.analysis,
        })
    }

    /// Reads and checks many files, as [`Session::check_path`] on each in
    /// turn would, using every core: reading, decoding, parsing and the
    /// analysis of each file run in parallel; what depends on the order of
    /// the files (which rulebooks to load, and when) runs in that order.
    /// The findings are the same, in the same order per file, whatever the
    /// number of threads.
    pub fn check_paths(&mut self, paths: &[PathBuf]) -> Vec<Result<Checked, String>> {
        let corpus = self.read_paths(paths);
        self.check_read(corpus)
    }

    /// Reads, decodes and parses many files on every core, for
    /// [`Session::check_read`] or [`Session::check_read_for_again`].
    pub fn read_paths(&mut self, paths: &[PathBuf]) -> Corpus {
        let start = Instant::now();
        let read: Vec<Result<(SourceFile, Option<Problem>), String>> =
            in_order(paths, |p| read_source(p));
        self.timings.add("read+decode", start.elapsed());
        // FileIds in path order (a file already loaded as a rulebook keeps
        // an unused entry).
        let files: Vec<Result<(FileId, Option<Problem>), String>> = read
            .into_iter()
            .map(|r| r.map(|(source, problem)| (self.sources.add(source), problem)))
            .collect();
        let parsed = self.parse_read(&files);
        Corpus {
            paths: paths.to_vec(),
            files,
            parsed,
        }
    }

    /// Parses, on every core, each file read as a design's text (none for
    /// a file that is not one, or could not be read).
    fn parse_read(
        &mut self,
        files: &[Result<(FileId, Option<Problem>), String>],
    ) -> Vec<Option<Parsed>> {
        let (sources, copies) = (&self.sources, self.name_copies);
        let keep = self.stage_options().front_keep();
        let parsed: Vec<(Option<Parsed>, Timings)> = in_order(files, |f| {
            let mut t = Timings::default();
            let p = match f {
                Ok((file, None)) => {
                    let text = &sources.get(*file).text;
                    Some(parse_timed(*file, text, copies, keep.clone(), &mut t))
                }
                _ => None,
            };
            (p, t)
        });
        parsed
            .into_iter()
            .map(|(p, t)| {
                self.timings.merge(&t);
                p
            })
            .collect()
    }

    /// Gives designs this session has checked new texts, to be checked
    /// again under their ids by [`Session::check_replaced`] (`check --fix`
    /// checks a design's fixed text): each `(path, file, text)` replaces
    /// the file's text, drops its findings (and their places) and renews
    /// a baseline's excuses for it. Only for designs: a rulebook's
    /// designs were checked against its old text. In between, the new
    /// texts can be shared ([`crate::source::SourceMap::shared`]): `check
    /// --fix` writes them while they are checked.
    pub fn replace_texts(&mut self, edited: Vec<(PathBuf, FileId, String)>) -> Replaced {
        let start = Instant::now();
        let mut texts = Vec::with_capacity(edited.len());
        let mut replaced = Replaced {
            paths: Vec::with_capacity(edited.len()),
            files: Vec::with_capacity(edited.len()),
        };
        for (path, file, text) in edited {
            texts.push((file, text));
            replaced.paths.push(path);
            replaced.files.push(file);
        }
        self.forget(&replaced.files);
        for (file, text) in texts {
            self.sources.replace_text(file, text);
            self.renew_excuses(file);
        }
        self.timings.add("index lines", start.elapsed());
        replaced
    }

    /// Drops the findings of `files` (and their places), to be checked
    /// again.
    fn forget(&mut self, files: &[FileId]) {
        let ids: HashSet<FileId> = files.iter().copied().collect();
        self.diagnostics.retain(|d| !ids.contains(&d.primary.file));
        self.found.retain(|(_, at)| !ids.contains(&at.file));
        self.outlines.retain(|file, _| !ids.contains(file));
        self.hollowed.retain(|file, _| !ids.contains(file));
        self.hollow_shown.retain(|file| !ids.contains(file));
    }

    /// A baseline's excuses for `file` taken afresh, for its check again.
    fn renew_excuses(&self, file: FileId) {
        if let Some(excuses) = &self.excuses {
            excuses.renew(self.sources.get(file));
        }
    }

    /// Checks the designs `replaced` gave new texts, each as
    /// [`Session::check_paths`] checks a design read from its path; in
    /// the order they were given.
    pub fn check_replaced(&mut self, replaced: Replaced) -> Vec<Result<Checked, String>> {
        let files: Vec<_> = (replaced.files.iter()).map(|&f| Ok((f, None))).collect();
        let parsed = self.parse_read(&files);
        self.check_read(Corpus {
            paths: replaced.paths,
            files,
            parsed,
        })
    }

    /// The findings of `file`'s last check kept as their places, with
    /// their fixes, when it had no cap to show them by
    /// ([`Session::fix_cap`]); none otherwise.
    pub fn kept_as_places(&self, file: FileId) -> &[Hollow] {
        self.hollowed.get(&file).map_or(&[], Vec::as_slice)
    }

    /// Checks again with the cap [`Session::fix_cap`] each design among
    /// `checked` (the checks of `paths`, in order) that
    /// [`Session::cap_per_code`] could not cap, as a check with that cap
    /// checks it: the cap would have shown a finding its last check kept
    /// as its place only (suppressions or a baseline took out those kept
    /// in full). Its findings, capped, replace the ones it had, and the
    /// check replaces its entry in `checked`. Gives how many were checked
    /// again.
    pub fn check_capped_again(
        &mut self,
        paths: &[PathBuf],
        checked: &mut [Result<Checked, String>],
    ) -> usize {
        let Some(cap) = self.fix_cap else {
            return 0;
        };
        let again: Vec<(usize, FileId)> = (checked.iter().enumerate())
            .filter_map(|(i, c)| match c {
                Ok(c) if self.hollow_shown.contains(&c.file) => Some((i, c.file)),
                _ => None,
            })
            .collect();
        // Their texts stay as they are.
        let mut same = Replaced {
            paths: Vec::with_capacity(again.len()),
            files: Vec::with_capacity(again.len()),
        };
        for &(i, file) in &again {
            same.paths.extend(paths.get(i).cloned());
            same.files.push(file);
        }
        if same.files.is_empty() || same.paths.len() != same.files.len() {
            return 0;
        }
        self.forget(&same.files);
        for &file in &same.files {
            self.renew_excuses(file);
        }
        let (max, first) = (self.max_per_code.replace(cap), self.fixes_first);
        self.fixes_first = false;
        let rechecked = self.check_replaced(same);
        (self.max_per_code, self.fixes_first) = (max, first);
        let n = rechecked.len();
        for (&(i, _), c) in again.iter().zip(rechecked) {
            if let Some(slot) = checked.get_mut(i) {
                *slot = c;
            }
        }
        n
    }

    /// Words every finding [`Session::fixes_first`] left unworded, each
    /// from its file's analysis in `checked` (the last check of each
    /// file). The findings stay in the analyses.
    pub fn word_left(&mut self, checked: &[Result<Checked, String>]) {
        let start = Instant::now();
        let files = (checked.iter())
            .filter_map(|c| c.as_ref().ok())
            .filter_map(|c| c.analysis.as_ref().map(|a| (c.file, a)))
            .filter(|(_, a)| !a.unworded.is_empty())
            .map(|(file, a)| {
                let src = self.sources.get(file).text.as_str();
                (file, &a.design, &a.graph, src, a.unworded.as_slice())
            });
        crate::wording::word_left(&mut self.diagnostics, files);
        self.timings.add("word", start.elapsed());
    }

    /// Shows at most `max` findings of a code in each file this session
    /// analysed, then one that counts the rest, as a session with that
    /// cap ([`Session::max_per_code`]) would have: for a run that checks
    /// with no cap and reports with one (`check --fix` fixes every
    /// finding, and shows a hundred a code). A rulebook loaded for a
    /// design is capped as its file checked on its own would be; a file
    /// that is not a design's text keeps all its own (one, MN005), as it
    /// would have. A design's findings kept as places
    /// ([`Session::fix_cap`]) are counted; when the cap would show one,
    /// none of the design's is kept, and
    /// [`Session::check_capped_again`] checks it again with the cap.
    /// Gives the findings left out, for the caller
    /// to free: a command about to end need not free tens of thousands
    /// one by one (a tenth of a second at a million flows).
    pub fn cap_per_code(&mut self, max: usize) -> Vec<Diagnostic> {
        let mut files: HashMap<FileId, usize> = HashMap::new();
        let mut groups: Vec<(FileId, Vec<Diagnostic>)> = Vec::new();
        let mut group_of = |file: FileId, groups: &mut Vec<(FileId, Vec<Diagnostic>)>| {
            *files.entry(file).or_insert_with(|| {
                groups.push((file, Vec::new()));
                groups.len() - 1
            })
        };
        for d in std::mem::take(&mut self.diagnostics) {
            let at = group_of(d.primary.file, &mut groups);
            if let Some((_, group)) = groups.get_mut(at) {
                group.push(d);
            }
        }
        // A design whose findings were all kept as places, or taken out
        // but for those: counted, and checked again (one is shown).
        let mut hollowed: Vec<FileId> = self.hollowed.keys().copied().collect();
        hollowed.sort_unstable();
        for file in hollowed {
            group_of(file, &mut groups);
        }
        let rulebooks: HashSet<FileId> = self.rulebook_files.values().copied().collect();
        let (mut capped, mut apart) = (Vec::new(), Vec::new());
        for (file, group) in groups {
            let whole = self.reported.contains(&file) && !rulebooks.contains(&file);
            let hollow = self.hollowed.remove(&file).unwrap_or_default();
            if whole && hollow.is_empty() {
                capped.extend(group);
                continue;
            }
            let candidates = Candidates {
                before: group,
                hollow,
                ..Default::default()
            };
            match candidates.into_shown_apart(max, &mut apart) {
                Some(shown) => capped.extend(shown),
                None => {
                    self.hollow_shown.insert(file);
                }
            }
        }
        self.diagnostics = capped;
        apart
    }

    /// Checks files read by [`Session::read_paths`], as
    /// [`Session::check_paths`] does, freeing each tree as it is resolved.
    pub fn check_read(&mut self, corpus: Corpus) -> Vec<Result<Checked, String>> {
        self.check_trees(corpus, false).0
    }

    /// [`Session::check_read`], keeping what checking each design again
    /// needs besides its model: to check it against another rulebook
    /// after [`Session::force_rules`], as `rules diff --impact` does,
    /// with [`Session::check_again`], without parsing it or binding its
    /// own names again.
    pub fn check_read_for_again(
        &mut self,
        corpus: Corpus,
    ) -> (Vec<Result<Checked, String>>, Again) {
        let (checked, files) = self.check_trees(corpus, true);
        (checked, Again { files })
    }

    /// Checks again, against the rulebook the session is forced to use
    /// ([`Session::force_rules`]), the designs `first` holds, which
    /// [`Session::check_read_for_again`] checked with `again`: each model
    /// is bound to the rulebook ([`rebind_design`]), then goes through the
    /// graph, the checks and suppressions as a design read afresh would.
    /// A file's problems (MN005) are reported once per session; a
    /// rulebook among the designs gives the findings it gave. An `Err` is
    /// a session not forced to one rulebook, a rulebook that cannot be
    /// loaded, or `first` missing a design's model.
    pub fn check_again(
        &mut self,
        mut first: Vec<Result<Checked, String>>,
        again: Again,
    ) -> Result<Vec<Result<Checked, String>>, String> {
        if !self.forced {
            // Its designs' `use` lines would each name their own.
            return Err("checking again needs one rulebook for every design".to_string());
        }
        let rules = self.default_rules.clone();
        let start = Instant::now();
        let rulebook = (self.load_rulebook(&rules))
            .map_err(|e| format!("cannot load the rulebook {}: {e:?}", rules.display()))?;
        self.timings.add("rulebook", start.elapsed());
        // Each file's second check: a design to bind to the rulebook, or
        // the findings a rulebook among the designs gave.
        enum Job {
            Rebind(Design, FlowGraph, KeptSpans, Tally, RulebookNames),
            Given(Analysed),
        }
        let mut jobs = Vec::with_capacity(again.files.len());
        for AgainFile { at, file, kept } in again.files {
            let job = match kept {
                Kept::Design {
                    spans,
                    findings,
                    names,
                } => {
                    let analysis = match first.get_mut(at) {
                        Some(Ok(c)) => c.analysis.take(),
                        _ => None,
                    };
                    let Some(Analysis { design, graph, .. }) = analysis else {
                        let name = &self.sources.get(file).name;
                        return Err(format!("the first check's model of {name} is missing"));
                    };
                    Job::Rebind(design, graph, spans, findings, names)
                }
                Kept::Rulebook { findings, found } => Job::Given(Analysed {
                    stopped: false,
                    diagnostics: findings,
                    found,
                    analysis: None,
                    hollow_shown: None,
                    hollowed: Vec::new(),
                    outline: None,
                }),
            };
            jobs.push((at, file, job));
        }
        let sources = &self.sources;
        let stage = self.stage_options();
        let work = |(at, file, job): (usize, FileId, Job)| {
            let mut t = Timings::default();
            let analysed = match job {
                Job::Rebind(design, graph, spans, mut findings, names) => {
                    let rebound = t.time("rebind", || {
                        rebind_design(design, Some(rulebook.clone()), &names, &mut findings)
                    });
                    // Freed before the checks make theirs.
                    drop(names);
                    // The first check's graph, when the second rulebook
                    // gives the same one; freed here otherwise.
                    let resolved = Resolved {
                        graph: rebound.same_graph.then_some(graph),
                        design: rebound.design,
                    };
                    let source = sources.get(file);
                    let never = &|| false;
                    design_checked(
                        source, file, &spans, resolved, findings, stage, never, &mut t,
                    )
                }
                Job::Given(analysed) => analysed,
            };
            (at, analysed, t)
        };
        let done: Vec<Done> = if jobs.len() < 2 {
            jobs.into_iter().map(work).collect()
        } else {
            jobs.into_par_iter().map(work).collect()
        };
        self.gather(&mut first, done);
        Ok(first)
    }

    /// From now on, checks every design against `rules`, whatever rulebook
    /// its `use` line names (as a [`Session::forced`] session does).
    pub fn force_rules(&mut self, rules: RulebookSource) {
        self.forced = true;
        self.default_rules = rules;
    }

    /// The checking half of [`Session::check_paths`], of the files
    /// `corpus` holds; with `for_again`, also what checking each design
    /// again needs ([`Session::check_again`]).
    fn check_trees(
        &mut self,
        corpus: Corpus,
        for_again: bool,
    ) -> (Vec<Result<Checked, String>>, Vec<AgainFile>) {
        let Corpus {
            paths,
            files,
            parsed,
        } = corpus;
        // In order: which files to skip, which rulebooks to load.
        let mut out = Vec::with_capacity(paths.len());
        let mut jobs = Vec::new();
        // Rulebook files among the designs, planned after every design:
        // one a design uses is then loaded already, and reports its
        // findings once, whichever of the two sorts first (before, a
        // rulebook sorting first was linted twice, under two spellings).
        let mut rulebooks = Vec::new();
        for ((path, f), parsed) in paths.iter().zip(&files).zip(parsed) {
            if let Some(&file) = self.rulebook_files.get(&canonical(path)) {
                out.push(Ok(Checked {
                    file,
                    analysis: None,
                }));
                continue;
            }
            let (file, problem) = match f {
                Ok((file, problem)) => (*file, problem),
                Err(e) => {
                    out.push(Err(e.clone()));
                    continue;
                }
            };
            out.push(Ok(Checked {
                file,
                analysis: None,
            }));
            if let Some(problem) = problem {
                if !self.reported.contains(&file) {
                    self.not_design(file, problem);
                }
                continue;
            }
            if let Some(parsed) = parsed {
                if parsed.file.rulebook_header().is_some() {
                    rulebooks.push((out.len() - 1, path, file, parsed));
                    continue;
                }
                let plan = self.plan(file, &parsed.file, path.parent());
                jobs.push((out.len() - 1, file, parsed, plan));
            }
        }
        for (at, path, file, parsed) in rulebooks {
            match self.rulebook_files.get(&canonical(path)) {
                // Loaded for a design: its findings are in, under that file.
                Some(&loaded) => {
                    if let Some(Ok(c)) = out.get_mut(at) {
                        c.file = loaded;
                    }
                }
                None => {
                    self.linted_files.insert(canonical(path));
                    jobs.push((at, file, parsed, Plan::Rulebook));
                }
            }
        }
        let sources = &self.sources;
        let stage = StageOptions {
            for_again,
            ..self.stage_options()
        };
        let work = |(at, file, parsed, plan): (usize, FileId, Parsed, Plan)| {
            let mut t = Timings::default();
            let (a, again) = analyse(
                sources.get(file),
                file,
                parsed,
                plan,
                stage,
                &|| false,
                &mut t,
            );
            let again = again.map(|kept| AgainFile { at, file, kept });
            ((at, a, t), again)
        };
        // One file: no thread pool to start.
        let (done, again): (Vec<Done>, Vec<Option<AgainFile>>) = if jobs.len() < 2 {
            jobs.into_iter().map(work).unzip()
        } else {
            jobs.into_par_iter().map(work).unzip()
        };
        self.gather(&mut out, done);
        (out, again.into_iter().flatten().collect())
    }

    /// Adds each file's analysis, its findings and its times to the run.
    fn gather(&mut self, out: &mut [Result<Checked, String>], done: Vec<Done>) {
        for (at, a, t) in done {
            self.timings.merge(&t);
            joined(&mut self.diagnostics, a.diagnostics);
            joined(&mut self.found, a.found);
            if let Some(Ok(c)) = out.get_mut(at) {
                self.outlines.extend(a.outline.map(|o| (c.file, o)));
                c.analysis = a.analysis;
                if !a.hollowed.is_empty() {
                    self.hollowed.insert(c.file, a.hollowed);
                }
            }
        }
    }

    /// What a parsed file needs before its analysis, decided in file
    /// order: the rulebook a design is checked against (loaded now, once
    /// per run), and the findings about its `use` lines (MN011, MN013).
    fn plan(&mut self, file: FileId, tree: &crate::syntax::ast::File, dir: Option<&Path>) -> Plan {
        if tree.rulebook_header().is_some() {
            return Plan::Rulebook;
        }
        let mut diags = Vec::new();
        let uses: Vec<_> = tree.stmts.filter_map(|s| match s {
            Stmt::Use(u) => Some(u),
            _ => None,
        });
        for extra in uses.iter().skip(1) {
            diags.push(
                Diagnostic::new(
                    Code::MN011,
                    extra.span,
                    Text::new(
                        "a design uses one rulebook",
                        "設計が使うルールブックは一つです",
                    ),
                )
                .with_label(
                    uses[0].span,
                    Text::new(
                        "the rulebook is named here",
                        "ここでルールブックを指定しています",
                    ),
                ),
            );
        }
        let source = match uses.first() {
            Some(u) if !self.forced => RulebookSource::named(&u.target.text, dir),
            _ => self.default_rules.clone(),
        };
        let from_use = !uses.is_empty() && !self.forced;
        let start = Instant::now();
        let loaded = match &source {
            // A design names only rulebooks inside the project: one
            // elsewhere is "not found" whatever is there, so a design
            // cannot make the tool read, or tell about, any other file.
            RulebookSource::File(p) if from_use && !self.may_use(p, dir) => {
                Err(RulebookError::NotFound)
            }
            _ if from_use && !self.allows(&source) => Err(RulebookError::NotAllowed),
            _ => self.load_rulebook(&source),
        };
        self.timings.add("rulebook", start.elapsed());
        let rulebook = match loaded {
            Ok(rb) => Some(rb),
            Err(e) => {
                let at = uses
                    .first()
                    .map_or(Span::new(file, 0, 0), |u| u.target.span);
                let shown = source.display();
                let d = match e {
                    RulebookError::NotFound => Diagnostic::new(
                        Code::MN013,
                        at,
                        text!("rulebook `{shown}` not found"; "ルールブック「{shown}」が見つかりません"),
                    )
                    .with_help(Text::new(
                        "write `use \"kenpo\"` for the built-in rulebook, or a path relative to this file inside the project",
                        "組み込みのルールブックは `use \"kenpo\"`、それ以外はプロジェクト内の、このファイルからの相対パスで指定してください",
                    ))
                    .with_fixes(uses.first().and_then(|u| self.builtin_meant(&u.target.text, u.target.span))),
                    RulebookError::Unreadable(why) => Diagnostic::new(
                        Code::MN013,
                        at,
                        text!("rulebook `{shown}` not found: {}", why.en; "ルールブック「{shown}」が見つかりません: {}", why.ja),
                    )
                    .with_help(Text::new(
                        "write `use \"kenpo\"` for the built-in rulebook, or a path relative to this file",
                        "組み込みのルールブックは `use \"kenpo\"`、それ以外はこのファイルからの相対パスで指定してください",
                    )),
                    RulebookError::Broken(n) => Diagnostic::new(
                        Code::MN013,
                        at,
                        text!("rulebook `{shown}` has {n} error(s) and cannot be used"; "ルールブック「{shown}」に {n} 件のエラーがあり、使えません"),
                    ),
                    RulebookError::NotARulebook => Diagnostic::new(
                        Code::MN013,
                        at,
                        text!("`{shown}` is not a rulebook (it has no `rulebook` header)"; "「{shown}」はルールブックではありません (`rulebook` の見出しがありません)"),
                    ),
                    RulebookError::NotAllowed => {
                        let allowed = (self.allowed_rulebooks.iter().flatten())
                            .map(|r| format!("`{}`", r.display()))
                            .collect::<Vec<_>>()
                            .join(", ");
                        Diagnostic::new(
                            Code::MN013,
                            at,
                            text!("rulebook `{shown}` is not one the config allows"; "ルールブック「{shown}」は設定で使えるものではありません"),
                        )
                        .with_help(text!(
                            "the config's `rulebooks` allows {allowed}";
                            "設定の `rulebooks` で使えるのは {allowed} です"
                        ))
                    }
                };
                diags.push(d.with_note(Text::new(
                    "the design is checked for syntax and names only",
                    "この設計は構文と名前だけを検査しました",
                )));
                None
            }
        };
        Plan::Design { rulebook, diags }
    }

    /// What each file's analysis takes from the session.
    fn stage_options(&self) -> StageOptions<'_> {
        StageOptions {
            today: self.today,
            options: self.options,
            for_comparison: self.for_comparison,
            max_per_code: self.max_per_code,
            keep_places: self.keep_places,
            keep_outline: self.keep_statements,
            excuses: self.excuses.as_deref(),
            keep_computed: self.keep_computed,
            fixes_first: self.fixes_first,
            fix_cap: self.fix_cap,
            for_again: false,
            copies: self.name_copies,
            keep_every_finding: self.keep_every_finding,
            unsuppressible: &self.unsuppressible,
        }
    }

    /// May a design's `use` name `source` ([`Session::allowed_rulebooks`])?
    /// A file is the same rulebook as an allowed one at the same place,
    /// whatever the spelling of its path.
    fn allows(&self, source: &RulebookSource) -> bool {
        let Some(allowed) = &self.allowed_rulebooks else {
            return true;
        };
        allowed.iter().any(|a| match (a, source) {
            (RulebookSource::Builtin(a), RulebookSource::Builtin(b)) => a == b,
            (RulebookSource::File(a), RulebookSource::File(b)) => {
                crate::input::resolved(a) == crate::input::resolved(b)
            }
            _ => false,
        })
    }
    /// MN013's fix for a `use` of a name that is not found, written
    /// `target` at `span`: the built-in rulebook it misspells, when it
    /// names no path (no folder, no `.myna`), exactly one built-in name is
    /// close and the config allows it. Unsafe: the rulebook decides what
    /// the design is checked against, and the name may be a file meant.
    fn builtin_meant(&self, target: &str, span: Span) -> Option<crate::fix::Fix> {
        if target.contains(['/', '\\', '.']) {
            return None;
        }
        let names = BUILTIN_RULEBOOKS.iter().map(|(n, _)| *n);
        let name = crate::names::did_you_mean(target, names)?;
        if !self.allows(&RulebookSource::Builtin(name.to_string())) {
            return None;
        }
        Some(crate::fix::Fix::unsafe_(
            text!("use the built-in rulebook `{name}`"; "組み込みのルールブック「{name}」を使う"),
            vec![crate::fix::Edit {
                span,
                content: format!("\"{name}\""),
            }],
        ))
    }

    /// May a design in `dir` name the rulebook file `path`? Only inside
    /// its own folder tree or one of [`Session::roots`].
    fn may_use(&self, path: &Path, dir: Option<&Path>) -> bool {
        let mut roots = self.roots.clone();
        if let Some(d) = dir {
            roots.push(if d.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                d.to_path_buf()
            });
        }
        crate::input::is_inside(path, &roots)
    }

    /// Diagnostics sorted for output (file name, position, code), duplicates
    /// removed.
    pub fn sorted_diagnostics(&self) -> Vec<Diagnostic> {
        self.sorted(self.diagnostics.clone())
    }

    /// [`Session::sorted_diagnostics`], taken out of the session rather
    /// than copied (every finding of a million-flow design's baseline is
    /// hundreds of megabytes).
    pub fn take_sorted_diagnostics(&mut self) -> Vec<Diagnostic> {
        let d = std::mem::take(&mut self.diagnostics);
        self.sorted(d)
    }

    /// `d` escaped and sorted as [`Session::sorted_diagnostics`] says.
    fn sorted(&self, mut d: Vec<Diagnostic>) -> Vec<Diagnostic> {
        use rayon::prelude::*;
        // On every core: with every finding kept (`--max-per-code 0`) a
        // large design has tens of thousands.
        d.par_iter_mut().for_each(crate::escape::diagnostic);
        // By file name, then in `diagnostic::order` (which puts files of
        // one name in the order of their ids), then exact duplicates
        // dropped: as the findings of several sessions are joined.
        crate::merged::sort(&self.sources, &mut d);
        d
    }
}

/// `more` added after `list`: taken whole when `list` is empty (one file,
/// the usual large run), since a design with every finding kept has tens
/// of thousands, and copying them left a core idle for 20 ms.
fn joined<T>(list: &mut Vec<T>, more: Vec<T>) {
    if list.is_empty() {
        *list = more;
    } else {
        list.extend(more);
    }
}

/// What suppressions need of a syntax tree: its comments and the spans
/// of its statements.
#[derive(Clone, Debug, Default)]
pub(crate) struct KeptSpans {
    comments: Vec<crate::syntax::token::Comment>,
    statements: Vec<Span>,
}

impl From<crate::syntax::ast::File> for KeptSpans {
    fn from(f: crate::syntax::ast::File) -> KeptSpans {
        KeptSpans {
            statements: f.stmts.iter().map(|s| s.span()).collect(),
            comments: f.comments,
        }
    }
}

/// Files read and parsed by [`Session::read_paths`], not yet checked.
pub struct Corpus {
    paths: Vec<PathBuf>,
    /// Each path's file, and why it is not a design's text if it is not
    /// (or why it could not be read).
    files: Vec<Result<(FileId, Option<Problem>), String>>,
    /// Each path's syntax, when it was read as a design's text.
    parsed: Vec<Option<Parsed>>,
}

/// Designs whose texts [`Session::replace_texts`] replaced, still to be
/// checked ([`Session::check_replaced`]).
#[derive(Debug)]
pub struct Replaced {
    paths: Vec<PathBuf>,
    files: Vec<FileId>,
}

impl Replaced {
    /// Each design's file, in the order given.
    pub fn files(&self) -> &[FileId] {
        &self.files
    }
}

/// What checking the designs of a run again against another rulebook
/// needs besides their models ([`Session::check_read_for_again`]).
pub struct Again {
    files: Vec<AgainFile>,
}

/// What checking one file again needs.
struct AgainFile {
    /// Its place in the run's list of files.
    at: usize,
    file: FileId,
    kept: Kept,
}

/// What checking one file again needs, by what the file is.
enum Kept {
    /// A design (its model is the first run's): what suppressions need of
    /// its tree, its findings that do not depend on the rulebook (of the
    /// parse, the `use` lines and its own names), and its rulebook names
    /// as written.
    Design {
        spans: KeptSpans,
        findings: Tally,
        names: RulebookNames,
    },
    /// A rulebook among the designs: its findings, which no other
    /// rulebook changes (as diagnostics, or codes and places for
    /// comparison).
    Rulebook {
        findings: Vec<Diagnostic>,
        found: Vec<(Code, Span)>,
    },
}

/// `f` of each item, in order, on every core; a single item is done on
/// this thread (starting the thread pool costs about a millisecond, a
/// tenth of a small design's run). The commands that take many files
/// (`test`, `fmt`, `check --fix`, SARIF's line hashes) use it too.
pub fn in_order<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
    if items.len() < 2 {
        items.iter().map(f).collect()
    } else {
        items.par_iter().map(f).collect()
    }
}

/// Why a file's bytes are not a design's text.
enum Problem {
    /// A NUL byte at `at`: not a text at all, and none of it is kept.
    NotText { at: usize },
    /// Not UTF-8.
    NotUtf8(Undecodable),
}

/// A file that is not UTF-8: where, and whether it reads as Shift_JIS.
struct Undecodable {
    bad_offset: usize,
    span: (usize, usize),
    shift_jis: bool,
}

/// A file's bytes, decoded.
enum Read {
    /// UTF-8 text.
    Text(String),
    /// What is kept of a file that is not a design's text (its Shift_JIS
    /// reading, or nothing), and why.
    Other(SourceFile, Problem),
}

/// Decodes a file's bytes. A file with a NUL byte, or neither UTF-8 nor
/// Shift_JIS (an image, a binary, /proc), keeps none of its content.
fn read_bytes(name: &str, bytes: Vec<u8>) -> Read {
    if let Some(at) = memchr_nul(&bytes) {
        return Read::Other(
            SourceFile::new(name, String::new()),
            Problem::NotText { at },
        );
    }
    match decode_owned(bytes) {
        Decoded::Utf8(text) => Read::Text(text),
        Decoded::NotUtf8 {
            bad_offset,
            shift_jis,
        } => {
            let (text, span, sjis) = match shift_jis {
                Some(t) => {
                    let first = t.chars().next().map_or(0, char::len_utf8);
                    (t, (0, first), true)
                }
                None => (String::new(), (0, 0), false),
            };
            Read::Other(
                SourceFile::new(name, text),
                Problem::NotUtf8(Undecodable {
                    bad_offset,
                    span,
                    shift_jis: sjis,
                }),
            )
        }
    }
}

/// How a path is shown: `./a.myna` and `a.myna` are one file, shown (and
/// fingerprinted) one way.
fn shown_name(path: &Path) -> String {
    crate::input::display_name(path)
}

/// Reads and decodes a file, and indexes its lines, for
/// [`Session::check_paths`]: its source, and why it is not a design's
/// text if it is not.
fn read_source(path: &Path) -> Result<(SourceFile, Option<Problem>), String> {
    let bytes = read_limited(path)?;
    let name = shown_name(path);
    Ok(match read_bytes(&name, bytes) {
        Read::Text(text) => (SourceFile::new(name, text).read_from(path), None),
        Read::Other(source, problem) => (source.read_from(path), Some(problem)),
    })
}

/// Lexes and parses, timing each.
fn parse_timed(file: FileId, text: &str, copies: Copies, keep: Keep, t: &mut Timings) -> Parsed {
    match parse_timed_unless(file, text, copies, keep, &|| false, t) {
        Some(parsed) => parsed,
        // Never asked to stop, it never does.
        None => parse_lexed(text, lex(file, text)),
    }
}

/// [`parse_timed`], given up once `stop` says so: a large text is asked
/// before each of its parts is parsed, a small one not at all.
fn parse_timed_unless(
    file: FileId,
    text: &str,
    copies: Copies,
    keep: Keep,
    stop: &(dyn Fn() -> bool + Sync),
    t: &mut Timings,
) -> Option<Parsed> {
    if text.len() >= 2 * crate::syntax::split::PART_BYTES {
        // Lexed and parsed in parts on every core: one stage. (A smaller
        // file's names are few: counting them costs nothing to speak of.)
        return t.time("lex+parse", || {
            crate::syntax::split::parse_in_parts_keeping_unless(file, text, copies, keep, stop)
        });
    }
    let lexed = t.time("lex", || lex_keeping(file, text, keep.clone()));
    Some(t.time("parse", || {
        parse_lexed_keeping(text, lexed, &Default::default(), keep).0
    }))
}

/// What a file is checked as, decided by [`Session::plan`].
#[derive(Clone)]
enum Plan {
    /// A rulebook: resolved on its own.
    Rulebook,
    /// A design, with its rulebook (None if it could not be loaded) and
    /// the findings about its `use` lines.
    Design {
        rulebook: Option<Arc<Rulebook>>,
        diags: Vec<Diagnostic>,
    },
}

/// What [`analyse`] takes from the session.
#[derive(Clone, Copy)]
struct StageOptions<'a> {
    today: Date,
    options: checks::CheckOptions,
    for_comparison: bool,
    max_per_code: Option<usize>,
    keep_places: bool,
    /// [`Session::keep_statements`].
    keep_outline: bool,
    excuses: Option<&'a crate::baseline::Excuses>,
    keep_computed: bool,
    fixes_first: bool,
    /// [`Session::fix_cap`].
    fix_cap: Option<usize>,
    /// Keep what checking a design again needs ([`AgainFile`]).
    for_again: bool,
    /// How a file parsed again keeps its names ([`Session::name_copies`]).
    copies: Copies,
    /// [`Session::keep_every_finding`].
    keep_every_finding: bool,
    /// [`Session::unsuppressible`].
    unsuppressible: &'a std::collections::BTreeSet<Code>,
}

impl StageOptions<'_> {
    /// Which findings of the parse and the resolver are made in full: all
    /// of them unless the run shows a few of each code per file and reads
    /// no more of the others than their places (which `keep_places`
    /// keeps, in another order, which its readers sort, and which a
    /// baseline excuses by). A comparison reads only the places of them
    /// all; a design checked again otherwise reads every one in full.
    fn front_keep(&self) -> Keep {
        if self.keep_every_finding {
            return Keep::All;
        }
        if self.for_comparison {
            return Keep::Places;
        }
        match (self.max_per_code, self.fix_cap) {
            (Some(max), _) if !self.for_again => Keep::for_cap(max),
            (None, Some(max)) if !self.for_again => {
                Keep::FixesAndFirst(max.max(1).saturating_mul(2))
            }
            _ => Keep::All,
        }
    }
}

/// A file's analysis, its place in the run's list of files first, and
/// the time each of its stages took.
type Done = (usize, Analysed, Timings);

impl Analysed {
    /// An analysis stopped before its end: nothing to report.
    fn stopped() -> Analysed {
        Analysed {
            stopped: true,
            diagnostics: Vec::new(),
            found: Vec::new(),
            analysis: None,
            hollow_shown: None,
            hollowed: Vec::new(),
            outline: None,
        }
    }
}

/// What the analysis of one file gave.
struct Analysed {
    /// Stopped between stages, before its end ([`Session::check_text_unless`]).
    stopped: bool,
    diagnostics: Vec<Diagnostic>,
    /// Every finding as its code and place, instead of `diagnostics`, for
    /// comparison ([`Session::for_comparison`]).
    found: Vec<(Code, Span)>,
    analysis: Option<Analysis>,
    /// The findings kept hollow ([`crate::tally`]) that the cap per code
    /// would show: the file is to be analysed again keeping them in full.
    hollow_shown: Option<HashSet<(Code, Span)>>,
    /// The findings kept hollow when there was no cap to show them by:
    /// they are not among `diagnostics` ([`Session::fix_cap`]).
    hollowed: Vec<Hollow>,
    /// The file's outline, with [`Session::keep_statements`].
    outline: Option<crate::fingerprint::Outline>,
}

/// The part of checking a file that needs nothing from other files:
/// resolution, the graph, the checks, suppressions and the cap per code.
/// Runs on any thread. With `stage.for_again`, also gives what checking
/// the file again needs.
fn analyse(
    source: &SourceFile,
    file: FileId,
    parsed: Parsed,
    plan: Plan,
    stage: StageOptions,
    stop: &(dyn Fn() -> bool + Sync),
    t: &mut Timings,
) -> (Analysed, Option<Kept>) {
    let mut keep = stage.front_keep();
    let mut parsed = Some(parsed);
    loop {
        // Parsed keeping fewer in full than this analysis keeps (a
        // design checked again after a run's capped parse), or a second
        // pass: parsed again.
        let parsed = match parsed.take() {
            Some(p) if p.hollow.is_empty() || !matches!(keep, Keep::All) => p,
            _ => {
                let text = &source.text;
                match parse_timed_unless(file, text, stage.copies, keep.clone(), stop, t) {
                    Some(p) => p,
                    None => return (Analysed::stopped(), None),
                }
            }
        };
        let (mut analysed, again) = analyse_kept(
            source,
            file,
            parsed,
            plan.clone(),
            keep.clone(),
            stage,
            stop,
            t,
        );
        // The cap shows findings kept hollow: analysed again keeping
        // exactly those it shows in full, then (should that not do) all.
        keep = match keep.again(analysed.hollow_shown.take()) {
            Some(keep) => keep,
            None => return (analysed, again),
        };
        // The baseline's excuses this pass took are there again.
        if let Some(excuses) = stage.excuses {
            excuses.renew(source);
        }
    }
}

/// [`analyse`], the parse having kept in full what `keep` says.
// The stages' inputs, each its own kind.
#[allow(clippy::too_many_arguments)]
fn analyse_kept(
    source: &SourceFile,
    file: FileId,
    parsed: Parsed,
    plan: Plan,
    keep: Keep,
    stage: StageOptions,
    stop: &(dyn Fn() -> bool + Sync),
    t: &mut Timings,
) -> (Analysed, Option<Kept>) {
    let Parsed {
        diagnostics,
        hollow,
        file: mut tree,
    } = parsed;
    let mut diags = Tally::from_parts(keep, diagnostics, hollow);
    match plan {
        Plan::Rulebook => {
            let rb = t.time("resolve", || {
                resolve_rulebook_tallied(file, &tree, &mut diags)
            });
            let found = t.time("checks", || crate::rulecheck::check(&rb));
            diags.extend(found);
            let spans = t.time("free tree", || KeptSpans::from(tree));
            let analysed = finish(source, file, &spans, diags, None, stage, t);
            let again = (stage.for_again).then(|| Kept::Rulebook {
                findings: analysed.diagnostics.clone(),
                found: analysed.found.clone(),
            });
            (analysed, again)
        }
        Plan::Design {
            rulebook,
            diags: planned,
        } => {
            diags.extend(planned);
            // Suppressions need only the comments and statement spans; the
            // rest of the tree is freed as it is resolved (a large design's
            // tree is the biggest thing in memory).
            let spans = t.time("keep spans", || KeptSpans {
                statements: statement_spans(&tree.stmts),
                comments: std::mem::take(&mut tree.comments),
            });
            // A large design asks `stop` before each part of its flows.
            let resolved = t.time("resolve", || {
                if stage.for_again {
                    // Checking again reads every finding made: all kept in
                    // full, or all as places for a comparison (`front_keep`
                    // of a run checking again), so that those about
                    // rulebook names are told by the order made.
                    let (design, names) =
                        resolve_design_rebindable(file, tree, rulebook, &mut diags);
                    let Some(findings) = names.without_rulebook_findings(&diags) else {
                        unreachable!("a run checking again keeps all, or only places");
                    };
                    Some((design, Some((findings, names))))
                } else {
                    resolve_design_tallied(file, tree, rulebook, &mut diags, stop)
                        .map(|design| (design, None))
                }
            });
            let Some((design, again)) = resolved.filter(|_| !stop()) else {
                return (Analysed::stopped(), None);
            };
            let Some(graph) = graph_of_unless(&design, stop, t) else {
                return (Analysed::stopped(), None);
            };
            let resolved = Resolved {
                design,
                graph: Some(graph),
            };
            let analysed = design_checked(source, file, &spans, resolved, diags, stage, stop, t);
            let again = again.map(|(findings, names)| Kept::Design {
                spans,
                findings,
                names,
            });
            (analysed, again)
        }
    }
}

/// A resolved design to check, and its graph when it has one already.
struct Resolved {
    design: Design,
    graph: Option<FlowGraph>,
}

/// The checking of a resolved design: its graph (made, unless it has one
/// already), the checks, and [`finish`] with `diags`, the findings so far.
/// Stopped (nothing to report) once `stop` says so, as the graph and the
/// checks ask it.
// The stages' inputs, each its own kind; bundled, they would only be
// unbundled again here.
#[allow(clippy::too_many_arguments)]
fn design_checked(
    source: &SourceFile,
    file: FileId,
    kept: &KeptSpans,
    Resolved { design, graph }: Resolved,
    diags: Tally,
    stage: StageOptions,
    stop: &(dyn Fn() -> bool + Sync),
    t: &mut Timings,
) -> Analysed {
    let graph = match graph {
        Some(graph) => graph,
        None => match graph_of_unless(&design, stop, t) {
            Some(graph) => graph,
            None => return Analysed::stopped(),
        },
    };
    // Findings are kept as their code and place until suppressions and
    // the cap per code have decided which are shown.
    let checked = t.time("checks", || {
        let (findings, mut computed) =
            checks::findings_computing_unless(&design, &graph, stage.options, stop)?;
        let mut spent = (computed.as_mut())
            .map(|c| std::mem::take(&mut c.spent))
            .unwrap_or_default();
        let start = Instant::now();
        let placed = crate::wording::placed(&design, &graph, &source.text, &findings);
        spent.push(("places", start.elapsed()));
        let mut computed = computed.filter(|_| stage.keep_computed);
        if let Some(c) = computed.as_mut() {
            // What MN301 and MN302 reported, for coverage, which credits no
            // rule with those exchanges and judged them all again.
            c.refused = Some(checks::delegation_refusals(&findings));
        }
        Some((findings, placed, computed, spent))
    });
    let Some((found, placed, computed, spent)) = checked else {
        return Analysed::stopped();
    };
    for (part, took) in spent {
        t.add_part("checks", part, took);
    }
    let analysis = Analysis {
        design,
        graph,
        computed,
        unworded: Vec::new(),
    };
    finish(
        source,
        file,
        kept,
        diags,
        Some((analysis, found, placed)),
        stage,
        t,
    )
}

/// The graph of a resolved design's flows, its exchanges stitched; None
/// once `stop` says so: asked once the transfers are made, before they
/// are stitched, and once they are.
fn graph_of_unless(
    design: &Design,
    stop: &(dyn Fn() -> bool + Sync),
    t: &mut Timings,
) -> Option<FlowGraph> {
    let (transfers, left_out) = t.time("graph", || FlowGraph::transfers_of(design));
    if stop() {
        return None;
    }
    let graph = t.time("stitch", || {
        FlowGraph::from_graph(design, transfers, &left_out)
    });
    (!stop()).then_some(graph)
}

/// The end of a file's analysis: suppressions, the cap per code and the
/// wording of what is shown, from `before` (the findings of the parse,
/// the `use` lines and the names) and, for a design, its analysis and
/// its checks' findings (with their places).
fn finish(
    source: &SourceFile,
    file: FileId,
    kept: &KeptSpans,
    before: Tally,
    checked: Option<(
        Analysis,
        Vec<checks::Finding>,
        Vec<crate::candidates::Placed>,
    )>,
    stage: StageOptions,
    t: &mut Timings,
) -> Analysed {
    let (analysis, findings, placed) = match checked {
        Some((a, f, p)) => (Some(a), f, p),
        None => (None, Vec::new(), Vec::new()),
    };
    let (before, hollow) = before.into_parts();
    let mut candidates = Candidates {
        before,
        hollow,
        placed,
        after: Vec::new(),
    };
    let mut hollow_shown = None;
    let mut hollowed = Vec::new();
    // The file's outline, and the time it took.
    let mut outline = None;
    let (mut diags, found) = t.time("suppressions", || {
        // For a baseline: the earlier hops of the findings on stitched
        // exchanges, read from all the checks' findings, before suppressions
        // or the baseline remove any (a place's fingerprint covers the
        // routes of every finding there).
        let earlier = (stage.excuses.is_some() || stage.keep_outline)
            .then(|| {
                let a = analysis.as_ref()?;
                let e = crate::fingerprint::Earlier::of(
                    &a.graph,
                    &a.design,
                    &findings,
                    &candidates.placed,
                );
                (!e.is_empty()).then_some(e)
            })
            .flatten();
        let suppressions = suppress::read(
            source,
            &kept.comments,
            stage.unsuppressible,
            &mut candidates.after,
        );
        // The flows the checks skipped for a name they could not resolve
        // (here or in a declaration they use), found once and only if a
        // suppression that silenced nothing asks.
        let skipped = std::cell::OnceCell::new();
        let unchecked = |statement: Span| {
            let starts: &Vec<u32> = skipped.get_or_init(|| {
                let Some(design) = analysis.as_ref().map(|a| &a.design) else {
                    return Vec::new();
                };
                let resolved = design.resolved_flows();
                let mut starts: Vec<u32> = (design.flows.iter())
                    .filter(|f| !resolved(f))
                    .map(|f| f.span.start)
                    .collect();
                starts.sort_unstable();
                starts
            });
            starts.binary_search(&statement.start).is_ok()
        };
        suppress::apply(
            source,
            file,
            &suppressions,
            &kept.statements,
            stage.today,
            &unchecked,
            &mut candidates,
        );
        if let Some(excuses) = stage.excuses {
            // A baseline matches a finding's message too: worded only
            // for the findings whose fingerprint it records.
            let word = |i: usize| {
                let a = analysis.as_ref()?;
                crate::wording::message_en(&a.design, &a.graph, &source.text, findings.get(i)?)
            };
            let design = analysis.as_ref().map(|a| &a.design);
            let earlier = earlier.as_ref();
            excuses.apply(
                source,
                &kept.statements,
                design,
                earlier,
                &mut candidates,
                &word,
            );
        }
        if stage.keep_outline {
            // Before the model is gone: the declarations each finding's
            // statement depends on.
            let start = Instant::now();
            let design = analysis.as_ref().map(|a| &a.design);
            // As the version written reads them (by tokens).
            let statements = match &earlier {
                Some(e) => {
                    crate::fingerprint::Statements::stitching(source, &kept.statements, design, e)
                }
                None => crate::fingerprint::Statements::naming(source, &kept.statements, design),
            }
            .by_tokens();
            let places = (0..candidates.len()).filter_map(|i| candidates.key(i));
            outline = Some((statements.into_outline(places), start.elapsed()));
        }
        if stage.for_comparison {
            return (Vec::new(), candidates.places());
        }
        let places = match stage.keep_places {
            true => candidates.places(),
            false => Vec::new(),
        };
        match stage.max_per_code {
            Some(max) => match candidates.into_shown(max) {
                Ok(shown) => (shown, places),
                Err(hollow) => {
                    hollow_shown = Some(hollow);
                    (Vec::new(), places)
                }
            },
            None => {
                hollowed = std::mem::take(&mut candidates.hollow);
                (candidates.into_all(), places)
            }
        }
    });
    let outline = outline.map(|(outline, took)| {
        t.add_part("suppressions", "outline", took);
        outline
    });
    let mut analysis = analysis;
    if let Some(a) = analysis.as_mut().filter(|_| !stage.for_comparison) {
        t.time("word", || {
            let wording = match stage.fixes_first {
                true => crate::wording::Wording::FixesFirst,
                false => crate::wording::Wording::All,
            };
            crate::wording::word_pending(
                &a.design,
                &a.graph,
                &source.text,
                &findings,
                &mut diags,
                wording,
            );
        });
        // Fully worded, a file's findings are needed no longer.
        if stage.fixes_first && diags.iter().any(|d| d.pending.is_some()) {
            a.unworded = findings;
        }
    }
    Analysed {
        stopped: false,
        diagnostics: diags,
        found,
        analysis,
        hollow_shown,
        hollowed,
        outline,
    }
}

/// The span of every statement, in order: read from the parts on every
/// core when there are several (a million statements are a walk over a
/// quarter of a gigabyte of tree), each part writing its own stretch of
/// the one list (collected from the parts, the spans were gathered in
/// lists of their own and copied again).
fn statement_spans(stmts: &crate::syntax::stmts::Stmts) -> Vec<Span> {
    use rayon::prelude::*;
    let parts = stmts.parts();
    if parts.len() < 2 {
        return stmts.iter().map(|s| s.span()).collect();
    }
    let mut spans = vec![Span::default(); stmts.len()];
    let mut stretches = Vec::with_capacity(parts.len());
    let mut rest = spans.as_mut_slice();
    for part in parts {
        let Some((stretch, after)) = rest.split_at_mut_checked(part.len()) else {
            break;
        };
        stretches.push((part, stretch));
        rest = after;
    }
    stretches
        .into_par_iter()
        .with_max_len(1)
        .for_each(|(part, stretch)| {
            for (span, s) in stretch.iter_mut().zip(part) {
                *span = s.span();
            }
        });
    spans
}

/// The text of a rulebook: built in, or read from its file (bounded) and
/// decoded; why not, when it cannot be.
fn rulebook_text(source: &RulebookSource) -> Result<String, RulebookError> {
    match source {
        RulebookSource::Builtin(name) => BUILTIN_RULEBOOKS
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, t)| t.to_string())
            .ok_or_else(|| {
                RulebookError::Unreadable(text!(
                    "no built-in rulebook `{name}`";
                    "組み込みのルールブック「{name}」はありません"
                ))
            }),
        RulebookSource::File(path) => {
            if !path.exists() {
                return Err(RulebookError::NotFound);
            }
            let bytes = read_limited(path)
                .map_err(|e| RulebookError::Unreadable(crate::oserror::in_both(&e)))?;
            let shown = crate::escape::visible(&path.display().to_string()).into_owned();
            if let Some(at) = memchr_nul(&bytes) {
                return Err(RulebookError::Unreadable(text!(
                    "{shown} is not a text file (a NUL byte at offset {at})";
                    "{shown} はテキストファイルではありません (オフセット {at} に NUL バイトがあります)"
                )));
            }
            match decode(&bytes) {
                Decoded::Utf8(t) => Ok(t),
                Decoded::NotUtf8 { .. } => Err(RulebookError::Unreadable(text!(
                    "{shown} is not UTF-8";
                    "{shown} は UTF-8 ではありません"
                ))),
            }
        }
    }
}

fn read_limited(path: &Path) -> Result<Vec<u8>, String> {
    crate::input::read_limited(path, MAX_FILE_BYTES)
}

/// Where the first NUL byte is: a file with one is not text.
fn memchr_nul(bytes: &[u8]) -> Option<usize> {
    const PART: usize = 4 << 20;
    if bytes.len() < 2 * PART {
        return memchr::memchr(0, bytes);
    }
    // A large file on every core: the first NUL of the first part that
    // has one.
    bytes
        .par_chunks(PART)
        .enumerate()
        .find_map_first(|(i, part)| memchr::memchr(0, part).map(|at| i * PART + at))
}

/// The `.myna` files under `paths` (files as given; folders recursively,
/// skipping hidden folders and `target`, following no symlink), sorted,
/// without duplicates. A problem anywhere in the walk is an error here,
/// and so is a symlink that may lead to designs (what it leads to would
/// go unread); use [`crate::input::walk`] to go on past them.
pub fn collect_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let w = crate::input::walk(paths, crate::input::WalkOptions::default());
    if let Some(p) = w.problems.first() {
        return Err(p.clone());
    }
    match w.not_followed.first() {
        Some(link) => Err(crate::input::Walked::not_followed_reason(link).en),
        None => Ok(w.files),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::FileId;

    /// A text checked with a `stop` that says yes at its `n`th question
    /// (never when `n` is 0): what it gave, the questions asked, and the
    /// session's findings.
    fn stopped_at(n: usize) -> (Result<Checked, FileId>, usize, Session) {
        let text = std::fs::read_to_string("examples/vendor-proposal.myna").unwrap();
        let mut s = Session::new(RulebookSource::Builtin("kenpo".into()));
        let asked = std::sync::atomic::AtomicUsize::new(0);
        let stop = || asked.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1 == n;
        let checked = s.check_text_unless("d.myna", text, Some(Path::new("examples")), &stop);
        (checked, asked.into_inner(), s)
    }

    #[test]
    fn a_check_stops_between_its_stages_when_asked_and_keeps_its_text() {
        let text = std::fs::read_to_string("examples/vendor-proposal.myna").unwrap();
        // Never stopped: asked after parsing, before resolving its one
        // part of flows, after resolving, after making the transfers,
        // after stitching them and between the checks' verdicts and the
        // checks (a small text is not asked as it is parsed), and it
        // gives what `check_text` gives.
        let (checked, asked, s) = stopped_at(0);
        assert_eq!(asked, 6);
        let whole = checked.ok().and_then(|c| c.analysis);
        assert!(whole.is_some_and(|a| !a.design.flows.is_empty()));
        let mut plain = Session::new(RulebookSource::Builtin("kenpo".into()));
        plain.check_text("d.myna", text.clone(), Some(Path::new("examples")));
        assert!(!plain.diagnostics.is_empty());
        assert_eq!(
            format!("{:?}", s.sorted_diagnostics()),
            format!("{:?}", plain.sorted_diagnostics())
        );
        // Stopped at any of them: no analysis and none of the text's
        // findings (not even those resolution had found when it
        // stopped), the text still in the sources.
        for n in 1..=6 {
            let (checked, asked, s) = stopped_at(n);
            assert_eq!(asked, n);
            let Err(file) = checked else {
                panic!("not stopped at question {n}");
            };
            assert_eq!(s.sources.get(file).text, text);
            let own = s.diagnostics.iter().filter(|d| d.primary.file == file);
            assert_eq!(own.count(), 0, "stopped at question {n}");
        }
    }

    /// A design with more findings of two codes than a cap of two: seven
    /// flows the wrong way (MN102) and six full-width colons (MN003) in
    /// unused actors (MN012).
    fn crowded() -> String {
        let mut text = std::fs::read_to_string("docs/codes/examples/MN102-wrong-direction.myna")
            .unwrap_or_default();
        for i in 0..6 {
            text.push_str("flow 適用システム -> 市町村 : 課税情報 for 被扶養者認定 via 中間サーバー, 情報提供NWS\n");
            text.push_str(&format!("actor 予備{i}：組合\n"));
        }
        text
    }

    /// Code, place and words of each finding: what a report shows.
    fn shown(s: &Session) -> Vec<(Code, u32, u32, String)> {
        (s.sorted_diagnostics().iter())
            .map(|d| (d.code, d.primary.start, d.primary.end, format!("{d:?}")))
            .collect()
    }

    #[test]
    fn capping_after_the_check_shows_what_a_check_capped_shows() {
        let kenpo = || RulebookSource::Builtin("kenpo".into());
        let mut capped = Session::new(kenpo());
        capped.max_per_code = Some(2);
        capped.check_text("d.myna", crowded(), None);
        let mut after = Session::new(kenpo());
        after.max_per_code = None;
        after.check_text("d.myna", crowded(), None);
        let all = after.diagnostics.len();
        assert!(all > capped.diagnostics.len() + 6);
        let mut counts: HashMap<Code, usize> = HashMap::new();
        for d in &after.diagnostics {
            *counts.entry(d.code).or_default() += 1;
        }
        let apart = after.cap_per_code(2);
        assert_eq!(shown(&after), shown(&capped));
        // Every finding is shown or summed up, and each summed up is set
        // apart: one summary stands for a code past the cap.
        let summed: usize = after.diagnostics.iter().map(Diagnostic::findings).sum();
        assert_eq!(summed, all);
        let summaries = counts.values().filter(|&&n| n > 2).count();
        assert!(summaries >= 2, "{counts:?}");
        assert_eq!(apart.len(), all - (after.diagnostics.len() - summaries));
    }

    /// A session that gives the checks' findings their fixes alone
    /// leaves them pending, their file's findings kept; worded
    /// afterwards, after a cap or without one, they read as a session
    /// that worded every finding at once shows them.
    #[test]
    fn findings_worded_after_the_fixes_read_as_findings_worded_at_once() {
        let kenpo = || RulebookSource::Builtin("kenpo".into());
        // Hops into a carrier that go nowhere (MN401): no fix.
        let text =
            crowded() + &"flow 市町村 -> 中間サーバー : 課税情報 for 被扶養者認定\n".repeat(3);
        for cap in [None, Some(2)] {
            let mut at_once = Session::new(kenpo());
            at_once.max_per_code = cap;
            at_once.check_text("d.myna", text.clone(), None);
            let mut later = Session::new(kenpo());
            later.max_per_code = None;
            later.fixes_first = true;
            let checked = [Ok(later.check_text("d.myna", text.clone(), None))];
            let pending: Vec<&Diagnostic> = (later.diagnostics.iter())
                .filter(|d| d.pending.is_some())
                .collect();
            // The checks' findings wait, each with its fix if it has one
            // (MN102's here), none with words.
            assert!(pending.iter().any(|d| d.code == Code::MN401), "{pending:?}");
            assert!(
                pending
                    .iter()
                    .any(|d| d.code == Code::MN102 && d.fixes.len() == 1)
            );
            assert!(
                pending.iter().all(|d| d.message.en.is_empty()),
                "{pending:?}"
            );
            let kept = checked.iter().flatten().flat_map(|c| &c.analysis);
            assert!(kept.map(|a| a.unworded.len()).sum::<usize>() >= pending.len());
            if let Some(max) = cap {
                later.cap_per_code(max);
            }
            later.word_left(&checked);
            assert!(later.diagnostics.iter().all(|d| d.pending.is_none()));
            assert_eq!(shown(&later), shown(&at_once), "cap {cap:?}");
        }
    }

    #[test]
    fn a_design_checked_again_under_its_id_is_checked_as_a_file_of_its_new_text() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let (a, b) = (dir.path().join("a.myna"), dir.path().join("b.myna"));
        let first = std::fs::read_to_string("docs/codes/examples/MN003-fullwidth-colon.myna")
            .unwrap_or_default();
        for p in [&a, &b] {
            std::fs::write(p, &first).unwrap_or_else(|e| panic!("{e}"));
        }
        let kenpo = || RulebookSource::Builtin("kenpo".into());
        let mut s = Session::new(kenpo());
        let checked = s.check_paths(&[a.clone(), b.clone()]);
        let ids: Vec<FileId> = checked.iter().flatten().map(|c| c.file).collect();
        let files = s.sources.iter().count();
        let before = shown(&s);
        // a.myna, edited: checked again under its id; b.myna as it was.
        let replaced = s.replace_texts(vec![(a.clone(), ids[0], crowded())]);
        assert_eq!(replaced.files(), &ids[..1]);
        let again = s.check_replaced(replaced);
        assert_eq!(again.len(), 1);
        assert!(
            again[0]
                .as_ref()
                .is_ok_and(|c| c.file == ids[0] && c.analysis.is_some())
        );
        assert_eq!(s.sources.iter().count(), files);
        assert_eq!(s.sources.get(ids[0]).text, crowded());
        std::fs::write(&a, crowded()).unwrap_or_else(|e| panic!("{e}"));
        let mut fresh = Session::new(kenpo());
        fresh.check_paths(&[a, b]);
        assert_eq!(shown(&s), shown(&fresh));
        assert_ne!(shown(&s), before);
    }

    #[test]
    fn checking_again_needs_one_rulebook_forced_and_the_first_models() {
        let files = [PathBuf::from("examples/kenpo-society.myna")];
        let kenpo = || RulebookSource::Builtin("kenpo".into());
        let mut s = Session::new(kenpo());
        let corpus = s.read_paths(&files);
        let (first, again) = s.check_read_for_again(corpus);
        let err = s.check_again(first, again).err();
        assert!(err.is_some_and(|e| e.contains("one rulebook")));
        let mut s = Session::forced(kenpo());
        let corpus = s.read_paths(&files);
        let (mut first, again) = s.check_read_for_again(corpus);
        if let Some(Ok(c)) = first.first_mut() {
            c.analysis = None;
        }
        let err = s.check_again(first, again).err();
        assert!(err.is_some_and(|e| e.contains("missing")));
    }

    #[test]
    fn sessions_share_their_names_unless_told_their_run_ends_with_the_process() {
        // The language server's session (`Config::session`) parses again
        // at each edit: a parse's own copies would keep every spelling
        // again at each parse.
        let s = crate::config::Config::session(None, None);
        assert_eq!(s.name_copies, Copies::Shared);
        let mut s = Session::new(RulebookSource::Builtin("kenpo".into()));
        assert_eq!(s.name_copies, Copies::Shared);
        // The first flow's sender, and whether it is the process's copy.
        let sender_is_shared = |parsed: &crate::syntax::Parsed| {
            let sender = parsed.file.stmts.iter().find_map(|st| match st {
                crate::syntax::ast::Stmt::Flow(f) => Some(f.pattern.from.text),
                _ => None,
            });
            let sender = sender.expect("a flow");
            sender.ptr_eq(&crate::syntax::spelling::shared(&sender))
        };
        let text = "actor 共有A : 組合\nactor B : 他機関\ndata x : 氏名\n".to_string()
            + &"flow 共有A -> B : x for 被扶養者認定\n".repeat(40_000);
        let mut t = Timings::default();
        let shared = parse_timed(FileId(0), &text, s.name_copies, Keep::All, &mut t);
        assert!(shared.file.stmts.parts().len() > 1, "parsed in parts");
        assert!(sender_is_shared(&shared));
        // Told, a large file's tree is made of the parse's own copies.
        s.name_copies = Copies::Lasting;
        let own = parse_timed(FileId(0), &text, s.name_copies, Keep::All, &mut t);
        assert!(own.file.stmts.parts().len() > 1, "parsed in parts");
        assert!(!sender_is_shared(&own));
        // A small file is parsed in one part, with shared copies.
        let small = parse_timed(
            FileId(0),
            "flow 共有A -> B : x\n",
            s.name_copies,
            Keep::All,
            &mut t,
        );
        assert!(sender_is_shared(&small), "one part: shared");
        // A large file with no line to cut at is parsed in one part, with
        // the parse's own copies when told (behind the shared set's lock,
        // half a million distinct names took a sixth of their parse).
        let uncut = "role 共有R\n".repeat(100_000);
        let role_is_shared = |s: &Session| {
            let parsed = parse_timed(
                FileId(0),
                &uncut,
                s.name_copies,
                Keep::All,
                &mut Timings::default(),
            );
            assert_eq!(parsed.file.stmts.parts().len(), 1, "one part");
            let role = parsed.file.stmts.iter().find_map(|st| match st {
                crate::syntax::ast::Stmt::Role(r) => Some(r.name.text),
                _ => None,
            });
            let role = role.expect("a role");
            role.ptr_eq(&crate::syntax::spelling::shared(&role))
        };
        assert!(!role_is_shared(&s), "uncut, told: its own");
        s.name_copies = Copies::Shared;
        assert!(role_is_shared(&s), "uncut: shared");
    }

    #[test]
    fn statement_spans_are_in_source_order_however_the_file_is_cut() {
        let src = "actor A : 組合\nflow A -> B : x\n# c\ndata x : 氏名\n".repeat(2_000);
        for size in [64, 1_000, 50_000] {
            let tree = crate::syntax::split::parse_in_parts_of(FileId(1), &src, size).file;
            assert!(tree.stmts.parts().len() > 1, "parsed in parts");
            let one_by_one: Vec<Span> = tree.stmts.iter().map(Stmt::span).collect();
            assert_eq!(one_by_one.len(), 6_000);
            assert_eq!(
                statement_spans(&tree.stmts),
                one_by_one,
                "parts of {size} bytes"
            );
        }
    }

    #[test]
    fn the_first_nul_of_a_large_file_is_found_in_any_part() {
        let mut bytes = vec![b'a'; (9 << 20) + 7];
        assert_eq!(memchr_nul(&bytes), None);
        let last = bytes.len() - 1;
        for at in [last, 5 << 20, 4 << 20, (4 << 20) - 1, 3] {
            bytes[at] = 0;
            assert_eq!(memchr_nul(&bytes), Some(at));
        }
    }
}
