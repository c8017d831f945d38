//! `mynaflow check`.

use super::groups::Group;
use super::output::{
    Settings, designs_noting, fail_in, session_reporting_the_rulebook, try_settings,
};
use super::{Common, FAILURE, FINDINGS, Format, OK};
use clap::ValueEnum;
use mynaflow::baseline::{Baseline, Excuses, Recording};
use mynaflow::code::Code;
use mynaflow::config::Config;
use mynaflow::diagnostic::Diagnostic;
use mynaflow::filters::{self, Filtered, Filters};
use mynaflow::merged::Merged;
use mynaflow::render::{self, BUILTIN_PREFIX, Report};
use mynaflow::rulebook_shelf::RulebookShelf;
use mynaflow::select::Selection;
use mynaflow::session::{RulebookSource, Session};
use mynaflow::span::{FileId, Span};
use mynaflow::text::{Lang, Text};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
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
    /// `--diff`: with `--fix`, write nothing; print what would change.
    pub diff: bool,
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
        return abort(o, o.format, early, vec![reason], &Followed::default());
    }
    // `--fix` rewrites files: a design read from standard input has none,
    // and was checked without a word of what was asked.
    if o.fix && o.stdin() {
        let reason = Text::new(
            "`--fix` rewrites files: it cannot fix `-` (standard input)",
            "`--fix` はファイルを書き換えます。`-` (標準入力) は修正できません",
        );
        return abort(o, o.format, early, vec![reason], &Followed::default());
    }
    let plan = match plan(o) {
        Ok(plan) => plan,
        Err(stopped) => {
            return abort(
                o,
                stopped.format,
                stopped.lang,
                vec![stopped.reason],
                &stopped.followed,
            );
        }
    };
    let (lang, format) = (plan.lang, plan.format);
    let plan_passed = plan.passed;
    let followed = plan.followed.clone();
    let stop = |reasons| abort(o, Some(format), lang, reasons, &followed);
    let several = plan.groups.len() > 1;
    // Every group is made ready before any is checked: a selection, a
    // baseline or a config that cannot be used in one stops the run, each
    // said.
    let mut prepared = Vec::new();
    let mut stops = Vec::new();
    // A baseline's notes (an older version, entries that excuse nothing)
    // are said once, though every group names it.
    let mut notes_said = BTreeSet::new();
    // Groups that use one rulebook load it once: a monorepo may hold a
    // config in every folder, and each group loading the built-in
    // rulebook afresh was most of the run's work there.
    let shelf = several.then(|| Arc::new(RulebookShelf::new()));
    for g in plan.groups {
        match prepare(o, g, lang, &mut notes_said, shelf.as_ref()) {
            Ok(p) => prepared.push(p),
            Err(reason) => stops.push(reason),
        }
    }
    if !stops.is_empty() {
        return stop(stops);
    }
    let mut failures: Vec<Text> = Vec::new();
    for p in &mut prepared {
        failures.append(&mut p.failures);
    }
    // The walk goes on past an unreadable folder; the run still fails.
    for p in plan.problems {
        fail_in(lang, &p);
        failures.push(p);
    }
    for p in &prepared {
        let named: Vec<PathBuf> = match o.stdin() {
            true => o.stdin_filename.iter().cloned().collect(),
            false => p.files.clone(),
        };
        if let Some(reason) =
            super::output::checks_nothing(&p.settings, !o.select.is_empty(), &named)
        {
            stops.push(reason);
        }
    }
    if !stops.is_empty() {
        return stop(stops);
    }
    let mut outcomes = Vec::with_capacity(prepared.len());
    for p in prepared {
        match check_group(o, p, lang) {
            Ok(out) => outcomes.push(out),
            Err(reason) => return stop(vec![reason]),
        }
    }
    for out in &mut outcomes {
        failures.append(&mut out.failures);
    }

    if let Some(path) = &o.write_baseline {
        return write_baseline(path, &join(outcomes), &failures, lang, several)
            .unwrap_or_else(|reason| abort(o, None, lang, vec![reason], &followed));
    }
    // What each group's baseline excused, its config hid, its checks left
    // undone: said group by group, each naming its config when there are
    // several.
    let (mut hidden_stop, mut denied) = (false, false);
    // What each config withheld, for the machine formats.
    let mut by_config = Vec::new();
    for out in &mut outcomes {
        let g = &out.group;
        let mut excused = 0;
        if let (Some(path), Some(excuses)) = (&g.baseline_path, &g.s.excuses) {
            let known = excuses.excused();
            excused = known;
            if known > 0 && !o.quiet {
                let shown = shown(path);
                let said = mynaflow::text!(
                    "{known} finding(s) recorded in the baseline {shown} not shown";
                    "ベースライン {shown} に記録済みの {known} 件の指摘は表示していません"
                );
                say(lang, &in_group(&g.settings, said, several));
            }
        }
        if !o.quiet {
            super::output::say_hidden_by_config(&g.settings, out.hidden);
        }
        out.say_unchecked(&out.diags, lang, several);
        if let Some(h) = mynaflow::hidden_stops::HiddenStops::of(&out.hidden_stops) {
            let why = mynaflow::wording::run::hidden_stops(&h, &g.s.sources);
            fail_in(lang, &in_group(&g.settings, why, several));
            hidden_stop = true;
        }
        let warnings = mynaflow::diagnostic::count(&out.diags, mynaflow::code::Severity::Warning);
        denied |= g.deny_warnings && warnings > 0;
        // A baseline named on the command line is the run's own choice,
        // said on it; the config's is the config's doing.
        let excused = if o.baseline.is_none() { excused } else { 0 };
        by_config.extend(super::groups::by_config(
            &g.settings,
            out.hidden,
            g.excluded,
            excused,
        ));
    }
    let mut fix_left: Option<super::fix::Left> = None;
    for out in &mut outcomes {
        if let Some(left) = out.fix_left.take() {
            fix_left.get_or_insert_with(Default::default).merge(left);
        }
    }
    let mut joined = join(outcomes);
    let mut timings = std::mem::take(&mut joined.timings);
    let report = Report {
        sources: joined.sources(),
        diagnostics: &joined.diags,
        files: joined.count,
        checked: &joined.checked,
        lang,
    };
    let denying = &joined.denying;
    // Said on stderr above, group by group, and in every machine format
    // as that format says why a run failed: for all the groups at once.
    let execution = render::Execution {
        failures: failures.clone(),
        config: followed.one.clone(),
        configs: followed.several.clone(),
        hidden_stops: mynaflow::hidden_stops::HiddenStops::of(&joined.hidden_stops),
        withheld: mynaflow::withheld::Withheld::of(by_config, plan_passed),
    };
    let start = Instant::now();
    let proposed = (fix_left.as_ref())
        .filter(|_| o.diff)
        .map(|left| left.proposed.as_slice());
    let emitted = emit_with(o, |w| {
        if let Some(proposed) = proposed {
            return write_proposed(w, proposed);
        }
        if o.statistics {
            return w.write_all(statistics(&report).as_bytes());
        }
        let warnings_fail = |f: FileId| !o.exit_zero && denying.denies(f);
        write_findings(w, o, format, &report, &execution, &warnings_fail)
    });
    timings.add("render+write", start.elapsed());
    if o.timings {
        print_timings(&timings, fix_left.as_ref(), lang);
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
    } else if let Some(proposed) = proposed {
        // `--fix --diff` asks whether a file would change, as `fmt --check`.
        if proposed.is_empty() { OK } else { FINDINGS }
    } else if report.errors() > 0 || denied || hidden_stop {
        FINDINGS
    } else {
        OK
    };
    // As with the models: the process ends now, and tens of thousands of
    // findings (every one shown) are a tenth of a second to free one by one.
    std::mem::forget(joined);
    status
}

/// Writes the diff of each file `check --fix --diff` would change, in
/// order, as it is made.
fn write_proposed(w: &mut dyn Write, proposed: &[super::fix::Proposed]) -> std::io::Result<()> {
    let mut out = super::fmt::AsText { to: w, error: None };
    for p in proposed {
        let shown = p.path.display().to_string();
        let name = mynaflow::escape::visible(&shown);
        let (before, after) = (&p.before.text, &p.after.text);
        let written = mynaflow::fix_diff::write(&mut out, &name, before, after, &p.aligned);
        if let Some(e) = out.error.take() {
            return Err(e);
        }
        written.map_err(|_| std::io::Error::other("the diff could not be drawn"))?;
    }
    Ok(())
}

/// The configs a run followed, as machine formats record them.
#[derive(Clone, Debug, Default)]
struct Followed {
    /// The config every design followed (None: none, or several).
    one: Option<PathBuf>,
    /// Every config followed, when the designs followed several.
    several: Option<Vec<PathBuf>>,
}

impl Followed {
    /// The configs `shown`, the designs being in `groups` groups (those
    /// under no config one of them).
    fn of(shown: Vec<PathBuf>, groups: usize) -> Followed {
        match (groups > 1, shown.len() > 1) {
            (false, false) => Followed {
                one: shown.into_iter().next(),
                several: None,
            },
            _ => Followed {
                one: None,
                several: Some(shown),
            },
        }
    }
}

/// The designs of a run, grouped by the config each follows, and its one
/// output.
struct Plan {
    groups: Vec<Group>,
    /// The walks' problems: the run fails, and goes on.
    problems: Vec<Text>,
    /// What the walks passed over (designs in hidden folders and
    /// `target/`, files whose name only reads as a design's).
    passed: mynaflow::withheld::PassedOver,
    lang: Lang,
    format: Format,
    followed: Followed,
}

/// Why a run stops before it checks, said in `lang` and `format`.
struct Stopped {
    reason: Text,
    format: Option<Format>,
    lang: Lang,
    followed: Followed,
}

/// The format the command line names, else the config's, else human.
fn format_of(o: &Options, named: Option<&str>) -> Format {
    o.format
        .or_else(|| named.and_then(|f| Format::from_str(f, true).ok()))
        .unwrap_or(Format::Human)
}

/// The run's designs and settings: one group under the config pinned
/// (`--config`, `--no-config`) or for standard input, else a group for
/// each config found ([`super::groups::grouped`]).
fn plan(o: &Options) -> Result<Plan, Stopped> {
    if o.stdin() || o.common.no_config || o.common.config.is_some() {
        let config_from = config_from(&o.paths, o.stdin_filename.as_deref());
        let settings = try_settings(&o.common, &config_from).map_err(|refused| Stopped {
            lang: super::output::refusal_lang(o.common.lang, &refused),
            reason: refused.why,
            format: o.format,
            followed: Followed::default(),
        })?;
        let config = settings.config.as_ref();
        let format = format_of(o, config.and_then(|c| c.format.as_deref()));
        let followed = Followed::of(config.map(Config::shown_path).into_iter().collect(), 1);
        let lang = settings.lang;
        let found = match o.stdin() {
            true => super::output::Designs {
                files: Vec::new(),
                problems: Vec::new(),
                excluded: 0,
                passed: Default::default(),
            },
            false => designs_noting(&o.paths, &settings).map_err(|reason| Stopped {
                reason,
                format: Some(format),
                lang,
                followed: followed.clone(),
            })?,
        };
        return Ok(Plan {
            groups: vec![Group {
                settings,
                files: found.files,
                excluded: found.excluded,
            }],
            problems: found.problems,
            passed: found.passed,
            lang,
            format,
            followed,
        });
    }
    match super::groups::grouped(&o.common, &o.paths, o.format.is_some()) {
        Ok(g) => {
            let shown: Vec<PathBuf> = (g.groups.iter())
                .filter_map(|g| g.settings.config.as_ref().map(Config::shown_path))
                .collect();
            let formats: Vec<&str> = (g.groups.iter())
                .filter_map(|g| g.settings.config.as_ref()?.format.as_deref())
                .collect();
            let followed = Followed::of(shown, g.groups.len());
            Ok(Plan {
                format: format_of(o, formats.first().copied()),
                lang: g.lang,
                followed,
                groups: g.groups,
                problems: g.problems,
                passed: g.passed,
            })
        }
        Err(r) => Err(Stopped {
            format: Some(format_of(o, r.output.format.as_deref())),
            lang: r.output.lang,
            followed: Followed::of(r.configs, 1),
            reason: r.reason,
        }),
    }
}

/// A group ready to be checked: its session, and what decides what it
/// reports.
struct Prepared {
    settings: Settings,
    files: Vec<PathBuf>,
    /// How many designs its config's `exclude` took out.
    excluded: usize,
    s: Session,
    selection: Selection,
    deny_warnings: bool,
    /// The baseline whose findings are not shown, if any.
    baseline_path: Option<PathBuf>,
    /// The baseline read, and its folder: `--fix` excuses what it records
    /// afresh in each session it makes.
    baseline: Option<(Baseline, PathBuf)>,
    /// Why the run fails, said, though it goes on.
    failures: Vec<Text>,
    /// Under `--fix`, the rulebook `--rules` or the config names when it
    /// is among the files: whether it can be used is judged after its
    /// fixes ([`rulebook_after_fixes`]).
    rules_fixed_first: Option<String>,
}

/// Makes a group ready to be checked under its settings and the command
/// line's, or says why it cannot be (the run stops).
fn prepare(
    o: &Options,
    g: Group,
    lang: Lang,
    notes_said: &mut BTreeSet<PathBuf>,
    shelf: Option<&Arc<RulebookShelf>>,
) -> Result<Prepared, Text> {
    let Group {
        settings,
        files,
        excluded,
    } = g;
    let config = settings.config.as_ref();
    let selection = filters::selection(&o.select, &o.ignore, settings.config.as_ref())?;
    let deny_warnings = o.deny_warnings || config.is_some_and(|c| c.deny_warnings);
    let baseline_path = o
        .baseline
        .clone()
        .or_else(|| config.and_then(|c| c.baseline.clone()));
    let per_code = (o.max_per_code)
        .or_else(|| config.and_then(|c| c.max_per_code))
        .unwrap_or(mynaflow::session::MAX_PER_CODE);
    let mut s = session_reporting_the_rulebook(&settings);
    if let Some(shelf) = shelf {
        s.share_rulebooks(shelf.clone());
    }
    s.max_per_code = mynaflow::session::per_code_cap(per_code);
    // A baseline records every finding, not the hundred a code a check
    // shows: their places, beside those shown, worded.
    s.keep_places = o.write_baseline.is_some();
    s.keep_statements = o.write_baseline.is_some();
    // And it excuses findings before the cap: the cap is applied to what
    // it leaves. Writing one, the baseline a config names is not read: it
    // may not exist yet, and what it excused would not be recorded again.
    let mut baseline = None;
    if let Some(path) = baseline_path
        .as_ref()
        .filter(|_| o.write_baseline.is_none())
    {
        let b = mynaflow::input::read_limited(path, mynaflow::baseline::MAX_BYTES)
            .map_err(|e| mynaflow::oserror::in_both(&e))
            .and_then(|b| {
                String::from_utf8(b).map_err(|_| Text::new("not UTF-8", "UTF-8 ではありません"))
            })
            .and_then(|t| Baseline::parse(&t))
            .map_err(|e| {
                let shown = shown(path);
                mynaflow::text!("baseline {shown}: {}", e.en; "ベースライン {shown}: {}", e.ja)
            })?;
        // Said once of each baseline, however many groups read it.
        if notes_said.insert(path.clone()) {
            let shown = shown(path);
            for note in [b.older_note(&shown), b.unexcusable_note(&shown)] {
                note.iter().for_each(|n| say(lang, n));
            }
        }
        let base = folder_of(path);
        s.excuses = Some(std::sync::Arc::new(Excuses::of(&b, &base)));
        baseline = Some((b, base));
    }
    let mut failures = Vec::new();
    // A rulebook named by `--rules` or the config that cannot be used fails
    // the run even where every design names its own; its findings are in
    // the report, in the run's format. One `--fix` fixes is judged as its
    // fixes leave it (fix audit D5: the run failed on the rulebook as it
    // was, and reported it fixed).
    let rules_fixed_first = (settings.rules.as_deref())
        .filter(|rules| o.fix && names_one_of(rules, &files))
        .map(str::to_string);
    if let Some(rules) = settings
        .rules
        .as_deref()
        .filter(|_| rules_fixed_first.is_none())
        && let Some(reason) = rulebook_unusable(&mut s, rules)
    {
        fail_in(lang, &reason);
        failures.push(reason);
    }
    Ok(Prepared {
        settings,
        files,
        excluded,
        s,
        selection,
        deny_warnings,
        baseline_path,
        baseline,
        failures,
        rules_fixed_first,
    })
}

/// Why the rulebook `rules` (as `--rules` names it) cannot be used in
/// `s`, if it cannot.
fn rulebook_unusable(s: &mut Session, rules: &str) -> Option<Text> {
    let e = s.load_rulebook(&RulebookSource::named(rules, None)).err()?;
    let (shown, why) = (mynaflow::escape::visible(rules), e.words());
    Some(mynaflow::text!(
        "cannot use the rulebook {shown}: {}", why.en;
        "ルールブック {shown} を使えません: {}", why.ja
    ))
}

/// Is the rulebook file `rules` (a path, or a built-in's name) one of
/// `files`, by canonical path?
fn names_one_of(rules: &str, files: &[PathBuf]) -> bool {
    let RulebookSource::File(path) = RulebookSource::named(rules, None) else {
        return false;
    };
    let canonical = |p: &Path| mynaflow::canonical::canonicalize(p).ok();
    let Some(wanted) = canonical(&path) else {
        return false;
    };
    files.iter().any(|f| canonical(f).as_ref() == Some(&wanted))
}

/// What checking one group gave.
struct Outcome {
    group: Prepared,
    /// Its findings shown, sorted.
    diags: Vec<Diagnostic>,
    checked: Vec<FileId>,
    /// How many designs it checked.
    count: usize,
    /// Why the run fails (a file not read, designs left unchecked).
    failures: Vec<Text>,
    /// Why, when designs were left unchecked, and how many.
    unchecked: Option<Text>,
    missing: usize,
    /// Findings its config's filters hid.
    hidden: usize,
    /// The syntax and name errors a filter hid.
    hidden_stops: Vec<Diagnostic>,
    /// With `--write-baseline`: every finding's code and place to record.
    places: Vec<(Code, Span)>,
    fix_left: Option<super::fix::Left>,
}

impl Outcome {
    /// Says that designs were left unchecked when the findings `shown` do
    /// not (the run fails, 2, whatever is shown; when such a finding is
    /// not shown, as when the run records a baseline or the selection
    /// leaves it out, it says why on its own line instead
    /// of ending in silence).
    fn say_unchecked(&self, shown: &[Diagnostic], lang: Lang, several: bool) {
        let seen = (shown.iter())
            .filter(|d| d.code.leaves_design_unchecked())
            .count();
        if let Some(why) = self.unchecked.as_ref().filter(|_| seen < self.missing) {
            fail_in(lang, &in_group(&self.group.settings, why.clone(), several));
        }
    }
}

/// Checks one group's designs (`--fix` fixing them), or says why the run
/// stops.
fn check_group(o: &Options, mut g: Prepared, lang: Lang) -> Result<Outcome, Text> {
    let mut checked = Vec::new();
    let mut failures: Vec<Text> = Vec::new();
    let count;
    // What `--fix` left, to say after the report.
    let mut fix_left = None;
    let s = &mut g.s;
    if o.stdin() {
        count = 1;
        checked.push(read_stdin(s, o.stdin_filename.as_deref())?);
    } else {
        let files = &g.files;
        count = files.len();
        let results = if o.fix {
            let reported = super::fix::Reported {
                selection: &g.selection,
                baseline: g.baseline.as_ref(),
            };
            // A session as this one was made, for a rulebook fixed alone
            // and the designs checked again against it.
            let (cap, keep_places, keep_statements) =
                (s.max_per_code, s.keep_places, s.keep_statements);
            let settings = &g.settings;
            let asked = super::fix::Asked {
                unsafe_too: o.unsafe_fixes,
                diff: o.diff,
            };
            let fresh = |texts| -> Result<Session, Text> {
                let mut f = super::output::try_session_reading(settings, None, texts)?;
                f.max_per_code = cap;
                f.keep_places = keep_places;
                f.keep_statements = keep_statements;
                f.excuses = reported.excuses();
                Ok(f)
            };
            let (results, left) =
                super::fix::check_fixing(s, &fresh, files, settings, asked, &reported)?;
            fix_left = Some(left);
            if let Some(reason) =
                (g.rules_fixed_first.as_deref()).and_then(|rules| rulebook_unusable(s, rules))
            {
                fail_in(lang, &reason);
                failures.push(reason);
            }
            results
        } else {
            s.check_paths(files)
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
    // A filter chooses which checks' findings are seen, not whether a
    // design was checked: a syntax or name error it hides stopped the
    // checks of its statement, so the run still fails on it (said later),
    // and a baseline records it. What the config's own filters kept out is
    // counted, and said.
    let filters = Filters::new(
        &g.selection,
        g.settings.config.as_ref(),
        !o.select.is_empty(),
        &s.sources,
        o.stdin_filename.as_deref(),
    );
    let Filtered {
        hidden,
        hidden_stops,
    } = filters.apply(&mut diags);
    explain_builtins(s, &mut diags);
    let places = match o.write_baseline {
        Some(_) => (s.found.iter().copied())
            .filter(|(code, at)| filters.reports(*code, at.file) || code.stops_checks())
            .collect(),
        None => Vec::new(),
    };
    Ok(Outcome {
        group: g,
        diags,
        checked,
        count,
        failures,
        unchecked,
        missing,
        hidden,
        hidden_stops,
        places,
        fix_left,
    })
}

/// `--write-baseline PATH`: records every group's findings, `joined`,
/// in that one file; the exit status, or why the file could not be
/// written.
fn write_baseline(
    path: &Path,
    joined: &Joined,
    failures: &[Text],
    lang: Lang,
    several: bool,
) -> Result<u8, Text> {
    // The findings shown, and the syntax and name errors a filter hid.
    let worded: std::borrow::Cow<[Diagnostic]> = match joined.hidden_stops.is_empty() {
        true => std::borrow::Cow::Borrowed(&joined.diags),
        false => (joined.diags.iter().chain(&joined.hidden_stops).cloned())
            .collect::<Vec<_>>()
            .into(),
    };
    let b = Recording::of_places(
        joined.sources(),
        &joined.outlines,
        &joined.places,
        &worded,
        &folder_of(path),
    );
    mynaflow::atomic_write::write_with(path, |w| b.write_json(w))?;
    let n = b.len();
    let shown = shown(path);
    say(
        lang,
        &mynaflow::text!(
            "recorded {n} finding(s) in {shown}";
            "{shown} に {n} 件の指摘を記録しました"
        ),
    );
    if let Some(note) = b.unrecorded_note(&shown) {
        say(lang, &note);
    }
    for out in &joined.outcomes {
        out.say_unchecked(&[], lang, several);
    }
    Ok(if failures.is_empty() { OK } else { FAILURE })
}

/// A note about one group's designs, naming its config when the run
/// followed several (`several`): said as it is otherwise.
fn in_group(settings: &Settings, t: Text, several: bool) -> Text {
    if !several {
        return t;
    }
    match settings.config.as_ref() {
        Some(c) => {
            let shown = shown(&c.path);
            mynaflow::text!(
                "designs under the config {shown}: {}", t.en;
                "設定ファイル {shown} に従う設計: {}", t.ja
            )
        }
        None => mynaflow::text!(
            "designs under no config: {}", t.en;
            "設定ファイルのない設計: {}", t.ja
        ),
    }
}

/// Which files' warnings fail the run (`--deny warnings`, or the `deny`
/// of the config that governs them).
enum Denying {
    /// Every file's, or none's.
    All(bool),
    /// Those of the files marked, by id.
    Files(Vec<bool>),
}

impl Denying {
    fn denies(&self, f: FileId) -> bool {
        match self {
            Denying::All(b) => *b,
            Denying::Files(marked) => marked.get(f.0 as usize).copied().unwrap_or(false),
        }
    }
}

/// The groups' findings as one report.
struct Joined {
    /// The groups (the report's files are their sessions', when one).
    outcomes: Vec<Outcome>,
    /// The files of the groups' sessions as one, when there are not one.
    merged: Option<Merged>,
    diags: Vec<Diagnostic>,
    /// The syntax and name errors the groups' filters hid.
    hidden_stops: Vec<Diagnostic>,
    /// With `--write-baseline`: every finding's code and place to record,
    /// and the outlines of the files checked.
    places: Vec<(Code, Span)>,
    outlines: mynaflow::baseline::Outlines,
    checked: Vec<FileId>,
    count: usize,
    timings: mynaflow::timings::Timings,
    denying: Denying,
}

impl Joined {
    /// Every file a finding may point into.
    fn sources(&self) -> &mynaflow::source::SourceMap {
        match (&self.merged, self.outcomes.first()) {
            (None, Some(one)) => &one.group.s.sources,
            (Some(m), _) => &m.sources,
            (None, None) => &EMPTY,
        }
    }
}

/// No file at all.
static EMPTY: std::sync::LazyLock<mynaflow::source::SourceMap> =
    std::sync::LazyLock::new(mynaflow::source::SourceMap::new);

/// The groups' findings and files as one report: one group's as they
/// are (the common run, not copied), several's merged and sorted as one
/// session sorts its own.
fn join(mut outcomes: Vec<Outcome>) -> Joined {
    if let [one] = outcomes.as_mut_slice() {
        let diags = std::mem::take(&mut one.diags);
        let hidden_stops = std::mem::take(&mut one.hidden_stops);
        let places = std::mem::take(&mut one.places);
        let outlines = std::mem::take(&mut one.group.s.outlines);
        let checked = std::mem::take(&mut one.checked);
        let timings = std::mem::take(&mut one.group.s.timings);
        let (count, deny) = (one.count, one.group.deny_warnings);
        return Joined {
            outcomes,
            merged: None,
            diags,
            hidden_stops,
            places,
            outlines,
            checked,
            count,
            timings,
            denying: Denying::All(deny),
        };
    }
    let mut merged = Merged::new();
    let (mut diags, mut checked, mut count) = (Vec::new(), Vec::new(), 0);
    let mut hidden_stops = Vec::new();
    let mut places = Vec::new();
    let mut outlines = mynaflow::baseline::Outlines::new();
    let mut timings = mynaflow::timings::Timings::default();
    let mut denied: Vec<bool> = Vec::new();
    for out in &mut outcomes {
        let ids = merged.absorb(&out.group.s.sources);
        let deny = out.group.deny_warnings;
        for (id, _) in out.group.s.sources.iter() {
            let at = ids.file(id).0 as usize;
            if denied.len() <= at {
                denied.resize(at + 1, false);
            }
            denied[at] |= deny;
        }
        for mut d in std::mem::take(&mut out.diags) {
            ids.diagnostic(&mut d);
            diags.push(d);
        }
        for mut d in std::mem::take(&mut out.hidden_stops) {
            ids.diagnostic(&mut d);
            hidden_stops.push(d);
        }
        places.extend(out.places.iter().map(|&(c, at)| (c, ids.span(at))));
        // A file two groups checked alike (a rulebook both use) is one
        // file of the report: its outlines are joined.
        for (&id, outline) in &out.group.s.outlines {
            outlines
                .entry(ids.file(id))
                .and_modify(|o| o.join(outline))
                .or_insert_with(|| outline.clone());
        }
        checked.extend(out.checked.iter().map(|&f| ids.file(f)));
        count += out.count;
        timings.merge(&out.group.s.timings);
    }
    mynaflow::merged::sort(&merged.sources, &mut diags);
    // The files in the order of their names, as one session checks them.
    checked.sort_by(|&a, &b| {
        let name = |f: FileId| merged.sources.get(f).name.as_str();
        (name(a), a).cmp(&(name(b), b))
    });
    checked.dedup();
    Joined {
        outcomes,
        merged: Some(merged),
        diags,
        hidden_stops,
        places,
        outlines,
        checked,
        count,
        timings,
        denying: Denying::Files(denied),
    }
}

/// `--timings` on standard error, in `lang`: the check's stages; with
/// `--fix`, the check's first (every file's first check, and the
/// report), then the rounds' own, then the stages of the rounds' checks
/// (each a check of a fixed text).
fn print_timings(
    timings: &mynaflow::timings::Timings,
    fix_left: Option<&super::fix::Left>,
    lang: Lang,
) {
    use super::timings::table;
    let Some(left) = fix_left else {
        eprint!("{}", table(timings, lang));
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
    eprint!("{}", table(timings, lang));
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
/// configs it followed) goes with them into every machine format; human
/// and concise, for people and editors, leave it to standard error.
fn write_findings(
    w: &mut dyn Write,
    o: &Options,
    format: Format,
    report: &Report,
    execution: &render::Execution,
    warnings_fail: &(dyn Fn(FileId) -> bool + Sync),
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

/// Stops with exit status 2: prints the reason to stderr and, in each
/// machine format with a place for it, a document that says the run
/// failed and why (never an empty file, never none where a CI step looks
/// for one): SARIF a failed invocation, JSON its `failures`, GitHub an
/// `::error title=mynaflow::` (and the job summary's line), JUnit a
/// `mynaflow` case with an `<error>`. GitLab Code Quality has no place for
/// an issue without a file: it writes nothing, as human and concise do,
/// and stderr says why.
fn abort(
    o: &Options,
    format: Option<Format>,
    lang: Lang,
    reasons: Vec<Text>,
    followed: &Followed,
) -> u8 {
    for reason in &reasons {
        fail_in(lang, reason);
    }
    let written = match format {
        Some(Format::Sarif) => emit(o, &failed_run_log(lang, reasons, followed)),
        Some(f @ (Format::Json | Format::Github | Format::Junit)) => {
            let sources = mynaflow::source::SourceMap::new();
            let report = nothing_checked(&sources, lang);
            let execution = refused_run(reasons, followed);
            emit_with(o, |w| match f {
                Format::Json => render::json::write_run(w, &report, &execution),
                Format::Github => {
                    let summary = write_step_summary(&report, &execution);
                    render::github::write_run(w, &report, summary, &execution)
                }
                _ => render::junit::write_run(w, &report, &|_| false, &execution),
            })
        }
        _ => Ok(()),
    };
    if let Err(Some(e)) = written {
        fail_in(lang, &e);
    }
    FAILURE
}

/// The SARIF log of a run that could not do its job, and why.
fn failed_run_log(lang: Lang, reasons: Vec<Text>, followed: &Followed) -> String {
    let sources = mynaflow::source::SourceMap::new();
    render::sarif::render_run(
        &nothing_checked(&sources, lang),
        &refused_run(reasons, followed),
    )
}

/// The report of a run that checked nothing (`sources` empty).
fn nothing_checked(sources: &mynaflow::source::SourceMap, lang: Lang) -> Report<'_> {
    Report {
        sources,
        diagnostics: &[],
        files: 0,
        checked: &[],
        lang,
    }
}

/// How a run refused before checking went: why, and the configs it
/// followed.
fn refused_run(reasons: Vec<Text>, followed: &Followed) -> render::Execution {
    render::Execution {
        failures: reasons,
        config: followed.one.clone(),
        configs: followed.several.clone(),
        hidden_stops: None,
        withheld: None,
    }
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
    let log = failed_run_log(lang, vec![reason], &Followed::default());
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
    let shown = shown(path);
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
    // Its callers escape what they quote; no line of it may still start
    // a workflow command.
    eprintln!("mynaflow: {}", mynaflow::escape::message_lines(t.get(lang)));
}

/// The folder a baseline file is in: its findings' files are named
/// relative to it.
fn folder_of(baseline: &std::path::Path) -> PathBuf {
    match baseline.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}
