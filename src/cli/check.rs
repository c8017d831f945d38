//! `mynaflow check`.

use super::output::{Settings, designs, fail_in, try_session_reporting_the_rulebook};
use super::{Common, FAILURE, FINDINGS, Format, OK};
use clap::ValueEnum;
use mynaflow::baseline::{Baseline, Excuses, Recording};
use mynaflow::code::Code;
use mynaflow::diagnostic::Diagnostic;
use mynaflow::render::{self, BUILTIN_PREFIX, Report};
use mynaflow::select::{self, Selection};
use mynaflow::session::{RulebookSource, Session};
use mynaflow::span::FileId;
use mynaflow::text::{Lang, Text};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The options of `check`.
pub struct Options {
    pub paths: Vec<PathBuf>,
    pub common: Common,
    pub format: Option<Format>,
    pub deny_warnings: bool,
    pub quiet: bool,
    pub baseline: Option<PathBuf>,
    pub write_baseline: Option<PathBuf>,
    pub timings: bool,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub exit_zero: bool,
    /// `--max-per-code N`: findings of a code shown per file (0: all).
    pub max_per_code: Option<usize>,
    pub output_file: Option<PathBuf>,
    pub statistics: bool,
    pub stdin_filename: Option<PathBuf>,
    /// `--fix`: apply fixes first.
    pub fix: bool,
    /// `--unsafe-fixes`: unsafe ones too.
    pub unsafe_fixes: bool,
}

impl Options {
    /// Is the design read from standard input?
    fn stdin(&self) -> bool {
        self.paths.len() == 1 && self.paths[0].as_os_str() == "-"
    }
}

/// Where `check` looks for mynaflow.toml from: where the designs are, or
/// where the one read from standard input (`-` alone) is said to be
/// (`--stdin-filename`, else the current folder).
pub fn config_from(paths: &[PathBuf], stdin_filename: Option<&Path>) -> Vec<PathBuf> {
    match paths {
        [only] if only.as_os_str() == "-" => {
            vec![stdin_filename.map_or_else(|| PathBuf::from("."), Path::to_path_buf)]
        }
        _ => paths.to_vec(),
    }
}

/// The largest design read from standard input (as for files).
const MAX_STDIN_BYTES: u64 = 256 << 20;

pub fn run(o: &Options) -> u8 {
    let early = super::lang(o.common.lang);
    if o.paths.len() > 1 && o.paths.iter().any(|p| p.as_os_str() == "-") {
        let reason = Text::new(
            "`-` (standard input) must be the only path",
            "`-` (標準入力) はほかのパスと一緒には指定できません",
        );
        return abort(o, o.format, early, reason, None);
    }
    // `--fix` rewrites files: a design read from standard input has none,
    // and was checked without a word of what was asked.
    if o.fix && o.stdin() {
        let reason = Text::new(
            "`--fix` rewrites files: it cannot fix `-` (standard input)",
            "`--fix` はファイルを書き換えます。`-` (標準入力) は修正できません",
        );
        return abort(o, o.format, early, reason, None);
    }
    let config_from = config_from(&o.paths, o.stdin_filename.as_deref());
    let (mut s, settings) = match try_session_reporting_the_rulebook(&o.common, &config_from) {
        Ok(x) => x,
        Err(reason) => return abort(o, o.format, early, reason, None),
    };
    let lang = settings.lang;
    let config = settings.config.as_ref();
    // Which config the run followed is part of its result, in every
    // machine format.
    let config_shown = config.map(mynaflow::config::Config::shown_path);
    let stop = |format, lang, reason| abort(o, format, lang, reason, config_shown.clone());
    let format = o
        .format
        .or_else(|| {
            config
                .and_then(|c| c.format.as_deref())
                .and_then(|f| Format::from_str(f, true).ok())
        })
        .unwrap_or(Format::Human);
    let selection = match selection(o, &settings) {
        Ok(sel) => sel,
        Err(reason) => return stop(Some(format), lang, reason),
    };
    let deny_warnings = o.deny_warnings || config.is_some_and(|c| c.deny_warnings);
    let baseline_path = o
        .baseline
        .clone()
        .or_else(|| config.and_then(|c| c.baseline.clone()));
    let per_code = (o.max_per_code)
        .or_else(|| config.and_then(|c| c.max_per_code))
        .unwrap_or(mynaflow::session::MAX_PER_CODE);
    s.max_per_code = mynaflow::session::per_code_cap(per_code);
    // A baseline records every finding, not the hundred a code a check
    // shows: their places, beside those shown, worded.
    s.keep_places = o.write_baseline.is_some();
    // And it excuses findings before the cap: the cap is applied to what
    // it leaves. Writing one, the baseline a config names is not read: it
    // may not exist yet, and what it excused would not be recorded again.
    // The baseline read, and its folder: `--fix` excuses what it records
    // afresh in each session it makes.
    let mut baseline = None;
    if let Some(path) = baseline_path
        .as_ref()
        .filter(|_| o.write_baseline.is_none())
    {
        let b = match mynaflow::input::read_limited(path, mynaflow::baseline::MAX_BYTES)
            .map_err(|e| mynaflow::oserror::in_both(&e))
            .and_then(|b| {
                String::from_utf8(b).map_err(|_| Text::new("not UTF-8", "UTF-8 ではありません"))
            })
            .and_then(|t| Baseline::parse(&t).map_err(|e| Text::new(e.clone(), e)))
        {
            Ok(b) => b,
            Err(e) => {
                let shown = shown(path);
                let reason =
                    mynaflow::text!("baseline {shown}: {}", e.en; "ベースライン {shown}: {}", e.ja);
                return stop(Some(format), lang, reason);
            }
        };
        if b.is_legacy() {
            let shown = shown(path);
            say(
                lang,
                &mynaflow::text!(
                    "note: the baseline {shown} is of version 1: its findings are matched by the text of their line alone, so a flow whose other lines or whose actors' declarations changed stays excused; record it again with --write-baseline to match whole statements and messages";
                    "注記: ベースライン {shown} はバージョン 1 です。記録済みの指摘は行の文字列だけで照合するため、フローの他の行や、アクターの宣言が変わっても除外されたままになります。文全体とメッセージで照合するには、--write-baseline で記録し直してください"
                ),
            );
        }
        let base = folder_of(path);
        s.excuses = Some(std::sync::Arc::new(Excuses::of(&b, &base)));
        baseline = Some((b, base));
    }

    let mut failures: Vec<Text> = Vec::new();
    // A rulebook named by `--rules` or the config that cannot be used fails
    // the run even where every design names its own; its findings are in
    // the report, in the run's format.
    if let Some(rules) = settings.rules.as_deref()
        && let Err(e) = s.load_rulebook(&RulebookSource::named(rules, None))
    {
        let (shown, why) = (mynaflow::escape::visible(rules), e.words());
        let reason = mynaflow::text!(
            "cannot use the rulebook {shown}: {}", why.en;
            "ルールブック {shown} を使えません: {}", why.ja
        );
        fail_in(lang, &reason);
        failures.push(reason);
    }
    let mut checked = Vec::new();
    let count;
    // What `--fix` left, to say after the report.
    let mut fix_left = None;
    if o.stdin() {
        count = 1;
        let named: Vec<PathBuf> = o.stdin_filename.iter().cloned().collect();
        if let Some(reason) = super::output::checks_nothing(&settings, !o.select.is_empty(), &named)
        {
            return stop(Some(format), lang, reason);
        }
        match read_stdin(&mut s, o.stdin_filename.as_deref()) {
            Ok(file) => checked.push(file),
            Err(reason) => return stop(Some(format), lang, reason),
        }
    } else {
        // The walk goes on past an unreadable folder; the run still fails.
        let files = match designs(&o.paths, &settings) {
            Ok((f, problems)) => {
                for p in problems {
                    fail_in(lang, &p);
                    failures.push(p);
                }
                f
            }
            Err(reason) => return stop(Some(format), lang, reason),
        };
        if let Some(reason) = super::output::checks_nothing(&settings, !o.select.is_empty(), &files)
        {
            return stop(Some(format), lang, reason);
        }
        count = files.len();
        let results = if o.fix {
            let reported = super::fix::Reported {
                selection: &selection,
                baseline: baseline.as_ref(),
            };
            // A session as this one was made, for a rulebook fixed alone
            // and the designs checked again against it.
            let (cap, keep_places) = (s.max_per_code, s.keep_places);
            let fresh = || -> Result<Session, Text> {
                let mut f = super::output::try_session_for(&settings, None)?;
                f.max_per_code = cap;
                f.keep_places = keep_places;
                f.excuses = reported.excuses();
                Ok(f)
            };
            let fixed = super::fix::check_fixing(
                &mut s,
                &fresh,
                &files,
                &settings,
                o.unsafe_fixes,
                &reported,
            );
            match fixed {
                Ok((results, left)) => {
                    fix_left = Some(left);
                    results
                }
                Err(reason) => return stop(Some(format), lang, reason),
            }
        } else {
            s.check_paths(&files)
        };
        let start = Instant::now();
        for c in results {
            match c {
                Ok(c) => {
                    checked.push(c.file);
                    // The models are not read past this point, and the
                    // process ends soon: freeing a large design's model
                    // piece by piece would cost a tenth of the run, and the
                    // system takes it back at exit anyway.
                    std::mem::forget(c.analysis);
                }
                Err(e) => {
                    let reason = mynaflow::oserror::in_both(&e);
                    fail_in(lang, &reason);
                    failures.push(reason);
                }
            }
        }
        s.timings.add("free model", start.elapsed());
    }
    let start = Instant::now();
    let mut diags = s.take_sorted_diagnostics();
    s.timings.add("sort", start.elapsed());
    // A file that is not text (MN005), a design whose rulebook could not
    // be loaded (MN013): not checked.
    let not_text = (diags.iter()).filter(|d| d.code == Code::MN005).count();
    let missing = (diags.iter())
        .filter(|d| d.code.leaves_design_unchecked())
        .count();
    let unchecked =
        (missing > 0).then(|| super::output::unchecked_designs(not_text, missing - not_text));
    failures.extend(unchecked.clone());
    // The run fails (2) whatever is shown; when such a finding is not
    // (the run records a baseline, a baseline holds it, or the selection
    // leaves it out), it says why on its own line instead of ending in
    // silence.
    let say_unchecked = |shown: &[Diagnostic]| {
        let seen = (shown.iter())
            .filter(|d| d.code.leaves_design_unchecked())
            .count();
        if let Some(why) = unchecked.as_ref().filter(|_| seen < missing) {
            fail_in(lang, why);
        }
    };
    let per_file = per_file_ignores(&s, &settings, o.stdin_filename.as_deref());
    let reported = |code: Code, file: &FileId| {
        selection.reports(code)
            && per_file
                .get(file)
                .is_none_or(|ignored| !ignored.contains(&code))
    };
    // What the config's own filters kept out is counted, and said.
    let no_codes = BTreeSet::new();
    let config_hides = |code: Code, file: &FileId| {
        let ignored = per_file.get(file).unwrap_or(&no_codes);
        config.is_some_and(|c| c.hides(!o.select.is_empty(), code, ignored))
    };
    let mut hidden = 0;
    // A filter chooses which checks' findings are seen, not whether a
    // design was checked: a syntax or name error it hides stopped the
    // checks of its statement, so the run still fails on it (said below),
    // and a baseline records it.
    let mut hidden_stops: Vec<Diagnostic> = Vec::new();
    diags.retain(|d| {
        let shown = reported(d.code, &d.primary.file);
        if !shown && config_hides(d.code, &d.primary.file) {
            hidden += d.findings();
        }
        if !shown && d.code.stops_checks() {
            hidden_stops.push(d.clone());
        }
        shown
    });
    explain_builtins(&s, &mut diags);

    if let Some(path) = &o.write_baseline {
        let places: Vec<_> = s
            .found
            .iter()
            .copied()
            .filter(|(code, at)| reported(*code, &at.file) || code.stops_checks())
            .collect();
        let worded: Vec<Diagnostic>;
        let worded = match hidden_stops.is_empty() {
            true => &diags,
            false => {
                worded = diags.iter().chain(&hidden_stops).cloned().collect();
                &worded
            }
        };
        let b = Recording::of_places(&s.sources, &places, worded, &folder_of(path));
        if let Err(e) = mynaflow::atomic_write::write_with(path, |w| b.write_json(w)) {
            return stop(None, lang, mynaflow::oserror::in_both(&e));
        }
        let n = b.len();
        let shown = shown(path);
        say(
            lang,
            &mynaflow::text!(
                "recorded {n} finding(s) in {shown}";
                "{shown} に {n} 件の指摘を記録しました"
            ),
        );
        say_unchecked(&[]);
        return if failures.is_empty() { OK } else { FAILURE };
    }
    if let (Some(path), Some(excuses)) = (&baseline_path, &s.excuses) {
        // Findings no file's analysis made (a file that is not text, a
        // rulebook that could not be loaded) are excused here.
        excuses.filter(&s.sources, &mut diags);
        let known = excuses.excused();
        if known > 0 && !o.quiet {
            let shown = shown(path);
            say(
                lang,
                &mynaflow::text!(
                    "{known} finding(s) recorded in the baseline {shown} not shown";
                    "ベースライン {shown} に記録済みの {known} 件の指摘は表示していません"
                ),
            );
        }
    }
    if !o.quiet {
        super::output::say_hidden_by_config(&settings, hidden);
    }
    say_unchecked(&diags);
    // Said on stderr, and in every machine format as that format says
    // why a run failed.
    let hidden = mynaflow::hidden_stops::HiddenStops::of(&hidden_stops);
    if let Some(h) = &hidden {
        fail_in(lang, &mynaflow::wording::run::hidden_stops(h, &s.sources));
    }
    let execution = render::Execution {
        failures: failures.clone(),
        config: config_shown.clone(),
        hidden_stops: hidden.clone(),
    };

    let report = Report {
        sources: &s.sources,
        diagnostics: &diags,
        files: count,
        checked: &checked,
        lang,
    };
    let start = Instant::now();
    let emitted = emit_with(o, |w| {
        if o.statistics {
            return w.write_all(statistics(&report).as_bytes());
        }
        let warnings_fail = deny_warnings && !o.exit_zero;
        write_findings(w, o, format, &report, &execution, warnings_fail)
    });
    s.timings.add("render+write", start.elapsed());
    if o.timings {
        print_timings(&s, fix_left.as_ref(), lang);
    }
    if let Err(reason) = emitted {
        if let Some(reason) = reason {
            fail_in(lang, &reason);
        }
        return FAILURE;
    }
    if let Some(left) = &fix_left {
        super::fix::report_left(left, o.unsafe_fixes, o.quiet, lang);
    }
    let status = if !failures.is_empty() {
        FAILURE
    } else if o.exit_zero {
        OK
    } else if report.errors() > 0 || (deny_warnings && report.warnings() > 0) || hidden.is_some() {
        FINDINGS
    } else {
        OK
    };
    // As with the models: the process ends now, and tens of thousands of
    // findings (every one shown) are a tenth of a second to free one by one.
    std::mem::forget(diags);
    status
}

/// `--timings` on standard error, in `lang`: the check's stages; with
/// `--fix`, the check's first (every file's first check, and the
/// report), then the rounds' own, then the stages of the rounds' checks
/// (each a check of a fixed text).
fn print_timings(s: &Session, fix_left: Option<&super::fix::Left>, lang: Lang) {
    use super::timings::table;
    let Some(left) = fix_left else {
        eprint!("{}", table(&s.timings, lang));
        return;
    };
    let checks = left.checks;
    let heads = [
        mynaflow::text!("check:"; "検査 (各ファイルの初回の検査と報告):"),
        mynaflow::text!(
            "--fix rounds ({checks} more check(s) of a file's text):";
            "--fix の修正ラウンド (ファイルの内容をさらに {checks} 回検査):"
        ),
        mynaflow::text!("the rounds' checks, by stage:"; "修正ラウンドの検査 (段階別):"),
    ];
    let [check, rounds, again] = heads.map(|h| h.get(lang).to_string());
    eprintln!("{check}");
    eprint!("{}", table(&s.timings, lang));
    eprintln!("{rounds}");
    eprint!("{}", table(&left.spent, lang));
    let (files, spent) = left.written_beside;
    if files > 0 {
        let ms = format!("{:.3}", spent.as_secs_f64() * 1e3);
        let written = mynaflow::text!(
            "written while checked again: {files} file(s), {ms} ms of writing";
            "再検査と並行して書き出し: {files} ファイル、書き出しに {ms} ms"
        );
        eprintln!("{}", written.get(lang));
    }
    eprintln!("{again}");
    eprint!("{}", table(&left.again, lang));
}

/// Writes the findings in the chosen format, as they are drawn, on every
/// core: with every finding shown (`--max-per-code 0`) a document can be
/// hundreds of megabytes.
///
/// How the run went (`execution`: why it failed beside its findings, the
/// config it followed) goes with them into every machine format; human
/// and concise, for people and editors, leave it to standard error.
fn write_findings(
    w: &mut dyn Write,
    o: &Options,
    format: Format,
    report: &Report,
    execution: &render::Execution,
    warnings_fail: bool,
) -> std::io::Result<()> {
    match format {
        Format::Json => render::json::write_run(w, report, execution),
        Format::Sarif => render::sarif::write_run(w, report, execution),
        Format::Human => {
            let color = super::color(o.common.color);
            render::human::write(w, report, color, !o.quiet)
        }
        Format::Concise => render::concise::write(w, report),
        Format::Github => {
            let written = write_step_summary(report, execution);
            render::github::write_run(w, report, written, execution)
        }
        Format::Gitlab => render::gitlab::write_run(w, report, execution),
        Format::Junit => render::junit::write_run(w, report, warnings_fail, execution),
    }
}

/// Appends the Markdown table of findings to `$GITHUB_STEP_SUMMARY` when
/// it is set, under the reasons the run failed beside them; says whether
/// it was written.
fn write_step_summary(report: &Report, execution: &render::Execution) -> bool {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return false;
    };
    let written = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(&path)
        .and_then(|mut f| f.write_all(render::github::summary_run(report, execution).as_bytes()));
    match written {
        Ok(()) => true,
        Err(e) => {
            fail_in(report.lang, &io_reason(Path::new(&path), &e));
            false
        }
    }
}

/// Writes the output to `--output-file` or standard output.
fn emit(o: &Options, out: &str) -> Result<(), Option<Text>> {
    emit_with(o, |w| w.write_all(out.as_bytes()))
}

/// Writes what `write` writes to `--output-file` or standard output. An
/// output not written is the run's failure (exit status 2), with the
/// reason to say: none for a pipe its reader closed (`| head`).
fn emit_with(
    o: &Options,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), Option<Text>> {
    match &o.output_file {
        Some(path) => {
            let written = std::fs::File::create(path).and_then(|f| {
                let mut w = std::io::BufWriter::with_capacity(1 << 16, f);
                write(&mut w)?;
                w.flush()
            });
            written.map_err(|e| Some(io_reason(path, &e)))
        }
        None => super::stdout::write_with(write).map_err(|e| e.reason()),
    }
}

/// Stops with exit status 2: prints the reason to stderr and, in SARIF, a
/// valid log that says the run failed and why (never an empty file).
fn abort(
    o: &Options,
    format: Option<Format>,
    lang: Lang,
    reason: Text,
    config: Option<PathBuf>,
) -> u8 {
    fail_in(lang, &reason);
    if format == Some(Format::Sarif)
        && let Err(Some(e)) = emit(o, &failed_run_log(lang, reason, config))
    {
        fail_in(lang, &e);
    }
    FAILURE
}

/// The SARIF log of a run that could not do its job, and why.
fn failed_run_log(lang: Lang, reason: Text, config: Option<PathBuf>) -> String {
    let sources = mynaflow::source::SourceMap::new();
    let report = Report {
        sources: &sources,
        diagnostics: &[],
        files: 0,
        checked: &[],
        lang,
    };
    render::sarif::render_run(
        &report,
        &render::Execution {
            failures: vec![reason],
            config,
            hidden_stops: None,
        },
    )
}

/// When the arguments of `check --format sarif` cannot be parsed, writes
/// a SARIF log of the failed run (to `--output-file` if one is named,
/// else to standard output) in `lang`, the language the error was said
/// in, so a CI step that uploads it finds a valid log with the reason.
pub fn sarif_for_bad_arguments(args: &[String], message: &str, lang: Lang) {
    let value = |long: &str, short: Option<&str>| {
        args.iter().enumerate().find_map(|(i, a)| {
            if let Some(v) = a.strip_prefix(&format!("{long}=")) {
                return Some(v.to_string());
            }
            (a == long || short.is_some_and(|s| a == s))
                .then(|| args.get(i + 1).cloned())
                .flatten()
        })
    };
    if args.first().map(String::as_str) != Some("check")
        || value("--format", None).as_deref() != Some("sarif")
    {
        return;
    }
    let first = message.lines().next().unwrap_or(message);
    let first = first.strip_prefix("error: ").unwrap_or(first).trim();
    let reason = mynaflow::text!(
        "bad arguments: {first}";
        "引数が正しくありません: {first}"
    );
    let log = failed_run_log(lang, reason, None);
    // The run fails (2) either way; a log that could not be written is
    // said, so that its absence is explained.
    match value("--output-file", Some("-o")) {
        Some(path) => {
            if let Err(e) = std::fs::write(&path, log) {
                fail_in(lang, &io_reason(Path::new(&path), &e));
            }
        }
        None => {
            if let Err(e) = super::stdout::print(&log) {
                e.fail(lang);
            }
        }
    }
}

/// The codes reported: `--select` (else the config's `select`) less
/// `--ignore` and the config's `ignore`.
fn selection(o: &Options, settings: &Settings) -> Result<Selection, Text> {
    let from_config = settings.config.as_ref().map(|c| c.selection.clone());
    let mut sel = from_config.unwrap_or_default();
    if !o.select.is_empty() {
        sel.select = Some(select::union(&o.select)?);
    }
    sel.ignore.extend(select::union(&o.ignore)?);
    Ok(sel)
}

/// The codes `per-file-ignores` turns off, for each file with any.
fn per_file_ignores(
    s: &Session,
    settings: &Settings,
    stdin_name: Option<&Path>,
) -> HashMap<FileId, BTreeSet<Code>> {
    let mut out = HashMap::new();
    let Some(config) = settings
        .config
        .as_ref()
        .filter(|c| c.has_per_file_ignores())
    else {
        return out;
    };
    for (id, f) in s.sources.iter() {
        if f.name.starts_with(BUILTIN_PREFIX) {
            continue;
        }
        let path = match stdin_name {
            Some(p) if f.name == mynaflow::input::display_name(p) => p.to_path_buf(),
            _ => PathBuf::from(&f.name),
        };
        let ignored = config.ignored_in(&path);
        if !ignored.is_empty() {
            out.insert(id, ignored);
        }
    }
    out
}

/// Reads one design from standard input and checks it under the name
/// `--stdin-filename` gives (or `<stdin>`), with relative `use` paths
/// starting from that name's folder.
fn read_stdin(s: &mut Session, name: Option<&Path>) -> Result<FileId, Text> {
    crate::pipes::widen_standard_input();
    // Timed with the decoding, as a named file's read is.
    let read = s.timings.time("read+decode", || {
        mynaflow::input::read_stdin_limited(MAX_STDIN_BYTES)
    });
    let bytes = match read {
        Ok(bytes) => bytes,
        Err(e) => return Err(io_reason(Path::new("<stdin>"), &e)),
    };
    if bytes.len() as u64 > MAX_STDIN_BYTES {
        let mib = MAX_STDIN_BYTES >> 20;
        return Err(mynaflow::text!(
            "standard input is larger than {mib} MiB";
            "標準入力が {mib} MiB を超えています"
        ));
    }
    // Named as the same file given as a path would be (`./a.myna` as
    // `a.myna`), and as the rulebook it uses is.
    let shown = name.map_or_else(|| "<stdin>".to_string(), mynaflow::input::display_name);
    let dir = name
        .and_then(Path::parent)
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    Ok(s.check_bytes_owned(&shown, bytes, Some(dir)).file)
}

/// Adds a note to each finding that points into a built-in rulebook,
/// saying how to read that file. The note is made once per such file and
/// the findings are read on every core when there are many: with every
/// finding shown (`--max-per-code 0`), a million-flow design has tens of
/// thousands that cite a rule of the built-in rulebook, and adding the
/// note to each in turn, worded anew, left a core idle for 50 ms.
fn explain_builtins(s: &Session, diags: &mut [Diagnostic]) {
    use rayon::prelude::*;
    // Each file's note, by file id: None for a file that is not built in.
    let notes: Vec<Option<Text>> = s
        .sources
        .iter()
        .map(|(_, f)| {
            let file = f.name.as_str();
            let name = file.strip_prefix(BUILTIN_PREFIX)?.trim_end_matches(".myna");
            Some(mynaflow::text!(
                "`{file}` is built into mynaflow: run `mynaflow rules export {name}` to see it";
                "「{file}」は mynaflow に組み込まれています。`mynaflow rules export {name}` で中身を見られます"
            ))
        })
        .collect();
    if notes.iter().all(Option::is_none) {
        return;
    }
    let explain = |d: &mut Diagnostic| {
        let mut spans = std::iter::once(d.primary).chain(d.labels.iter().map(|l| l.span));
        if let Some(note) = spans.find_map(|sp| notes.get(sp.file.0 as usize)?.as_ref()) {
            d.notes.push(note.clone());
        }
    };
    if diags.len() >= mynaflow::diagnostic::PARALLEL_DIAGNOSTICS {
        diags.par_iter_mut().for_each(explain);
    } else {
        diags.iter_mut().for_each(explain);
    }
}

/// How many findings each code has, most first, then the summary line.
fn statistics(report: &Report) -> String {
    let mut counts: BTreeMap<Code, usize> = BTreeMap::new();
    for d in report.diagnostics {
        *counts.entry(d.code).or_default() += d.findings();
    }
    let mut rows: Vec<(Code, usize)> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut out = String::new();
    // The severity column is as wide as its widest word in this language
    // (「エラー」 is six columns wide, 「警告」 four), so the titles line up.
    use mynaflow::code::Severity;
    use unicode_width::UnicodeWidthStr;
    let word = |s| render::severity_word(s, report.lang);
    let width = [Severity::Error, Severity::Warning]
        .map(|s| word(s).width())
        .into_iter()
        .max()
        .unwrap_or(0);
    for (code, n) in rows {
        let severity = word(code.severity());
        let pad = " ".repeat(width.saturating_sub(severity.width()));
        out.push_str(&format!(
            "{n:>6}  {code}  {severity}{pad}  {}\n",
            code.title().get(report.lang)
        ));
    }
    out.push_str(&render::human::summary(report));
    out
}

/// An I/O error on a path, in both languages.
fn io_reason(path: &Path, e: &std::io::Error) -> Text {
    let shown = path.display();
    Text::new(
        format!("{shown}: {e}"),
        format!("{shown}: {}", mynaflow::oserror::describe_ja(e)),
    )
}

/// A path as messages show it: escaped, as every name from input.
fn shown(path: &Path) -> String {
    mynaflow::escape::visible(&path.display().to_string()).into_owned()
}

/// A line on stderr about what the run did (not an error).
fn say(lang: Lang, t: &Text) {
    eprintln!("mynaflow: {}", t.get(lang));
}

/// The folder a baseline file is in: its findings' files are named
/// relative to it.
fn folder_of(baseline: &std::path::Path) -> PathBuf {
    match baseline.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}
