//! `check --fix [--unsafe-fixes]`: the check itself, twice the cap of
//! each code kept in full and the rest as their places with their fixes,
//! whose fixes apply to each design's text in rounds. A round checks
//! again, in the same session, only the designs it changed, until
//! nothing more applies; the check then reports the last round's
//! findings, a hundred a code. A design is checked once more than its
//! rounds of fixes: once when nothing applies (it was checked twice, then
//! three times when fixed: a session for each round, then the check
//! proper from the disk); and once more when the cap would show one of
//! the findings kept as places (suppressions took out those kept in
//! full). A round's fixed texts are written while the cores check them
//! again: the disk's wait for a large file's fsync is then beside the
//! check, not after it.

use super::output::Settings;
use mynaflow::apply_fixes::{self, Applied, MAX_ROUNDS};
use mynaflow::baseline::{Baseline, Excuses};
use mynaflow::code::Code;
use mynaflow::config::Config;
use mynaflow::diagnostic::Diagnostic;
use mynaflow::fix::{Applicability, Fix};
use mynaflow::fix_diff::Aligned;
use mynaflow::select::Selection;
use mynaflow::session::{Analysis, Checked, Session};
use mynaflow::source::SourceFile;
use mynaflow::span::FileId;
use mynaflow::tally::Hollow;
use mynaflow::text::{Lang, Text};
use mynaflow::timings::Timings;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

const BOM: &str = "\u{feff}";

/// What fixing left: findings whose fix this run may apply but did not,
/// and those with only an unsafe fix, counted over every finding (the
/// rounds see them all, not a hundred a code).
#[derive(Debug, Default)]
pub struct Left {
    /// Findings with a fix this run may apply, still there.
    pub fixable: usize,
    /// How many of them are in files whose rounds ran out.
    pub out_of_rounds: usize,
    /// Findings with only an unsafe fix, when unsafe fixes are not applied.
    pub only_unsafe: usize,
    /// How many times a file's text was checked besides the check itself,
    /// over every file: a fixed text checked again, a rulebook checked
    /// alone, the designs checked again against a fixed rulebook.
    pub checks: usize,
    /// The rounds' own time (`check --fix --timings`), each stage's wall
    /// time summed over the rounds: applying the fixes, indexing the
    /// fixed texts' lines, checking them again, and what writing them
    /// added (the wait, after a check again, for the writes beside it).
    pub spent: Timings,
    /// The time of each stage of those checks, summed over the rounds and
    /// the files, as `check` names its stages.
    pub again: Timings,
    /// Fixed texts written while they were checked again: how many, and
    /// the time their writes took (each file's, summed).
    pub written_beside: (usize, Duration),
    /// Findings with a fix this run may apply in files it did not name (a
    /// rulebook a design `use`s), by the name shown: not fixed, since the
    /// user did not ask for those files to be written, but said.
    pub unnamed: BTreeMap<String, usize>,
    /// With `--diff`: each file the fixes would change, in the order of
    /// the files named.
    pub proposed: Vec<Proposed>,
}

/// A file `check --fix --diff` would change: its text before the fixes
/// and after them, and the lines they left in place.
#[derive(Debug)]
pub struct Proposed {
    /// The file, as named.
    pub path: PathBuf,
    /// Its text as read.
    pub before: Arc<SourceFile>,
    /// Its text after the last round.
    pub after: Arc<SourceFile>,
    /// The lines of `before` still in place in `after`.
    pub aligned: Aligned,
}

impl Left {
    /// Adds what fixing another group of designs left.
    pub fn merge(&mut self, other: Left) {
        self.fixable += other.fixable;
        self.out_of_rounds += other.out_of_rounds;
        self.only_unsafe += other.only_unsafe;
        self.checks += other.checks;
        self.spent.merge(&other.spent);
        self.again.merge(&other.again);
        self.written_beside.0 += other.written_beside.0;
        self.written_beside.1 += other.written_beside.1;
        for (name, n) in other.unnamed {
            *self.unnamed.entry(name).or_default() += n;
        }
        self.proposed.extend(other.proposed);
    }
}

/// What decides which findings the check proper reports, which are all
/// `--fix` fixes (with the config's `per-file-ignores`).
pub struct Reported<'a> {
    /// The run's `select` and `ignore`.
    pub selection: &'a Selection,
    /// The baseline read, and the folder its file names start from.
    pub baseline: Option<&'a (Baseline, PathBuf)>,
}

impl Reported<'_> {
    /// Which codes are reported in `file`: asked once a file, not once a
    /// finding (the config's `per-file-ignores` resolves the file's path
    /// on the disk; asked for each of 73 000 findings, `apply+free` at 1M
    /// `contractors` took 556 ms instead of 270).
    fn reports_in(&self, settings: &Settings, file: &Path) -> impl Fn(Code) -> bool + Clone {
        let ignored: BTreeSet<Code> = (settings.config.as_ref())
            .map(|c| c.ignored_in(file))
            .unwrap_or_default();
        let selection = self.selection;
        move |code| selection.reports(code) && !ignored.contains(&code)
    }

    /// The baseline's excuses, made afresh for each session: each excuse
    /// is taken once.
    pub fn excuses(&self) -> Option<Arc<Excuses>> {
        (self.baseline).map(|(b, base)| Arc::new(Excuses::of(b, base)))
    }
}

/// Rulebook texts to read instead of the disk, by canonical path.
pub type RulebookTexts = Arc<HashMap<PathBuf, String>>;

/// Checks `files` in `s`, a session the check has made and will report
/// from, fixing them in place as it goes; Err when a file could not be
/// written, or a session made. Gives each file's check as
/// [`Session::check_paths`] gives it, the findings left in `s` capped as
/// `s` says, and what fixing left. Says on stderr each file it wrote.
///
/// A rulebook among the files is fixed first, in a session of its own,
/// as checking it alone reports it; when one changes, every design is
/// checked again in a session made afresh (`fresh`) against what it
/// became.
///
/// With `asked.diff`, nothing is written: each file the rounds changed
/// is in [`Left::proposed`], and the designs are checked against each
/// rulebook as its rounds left it, read from memory: the diff shows what
/// `--fix` would write (fix audit D4: a design's suppression that the
/// fixed rulebook left unused was deleted by `--fix` and not shown).
pub fn check_fixing(
    s: &mut Session,
    fresh: &dyn Fn(Option<RulebookTexts>) -> Result<Session, Text>,
    files: &[PathBuf],
    settings: &Settings,
    asked: Asked,
    reported: &Reported,
) -> Result<(Vec<Result<Checked, String>>, Left), Text> {
    let fixing = Fixing {
        settings,
        unsafe_too: asked.unsafe_too,
        diff: asked.diff,
        reported,
    };
    let mut proposed = BTreeMap::new();
    let mut left = Left::default();
    // Every fix kept while fixing (each code's first few findings in
    // full, the others as places with their fixes), and those a fix can
    // come from worded: the cap comes after the last round, the rest's
    // words after the cap.
    let cap = s.max_per_code.take();
    s.fixes_first = true;
    s.fix_cap = cap;
    let mut checked = s.check_paths(files);
    let mut rulebook_fixed = false;
    for (i, c) in checked.iter().enumerate() {
        // A rulebook, or a file that is not a design's text: no analysis.
        if !matches!(c, Ok(c) if c.analysis.is_none()) {
            continue;
        }
        let path = &files[i..=i];
        // Not the run's session afresh: a rulebook the run names
        // (`--rules`) is loaded there before any file, and its findings
        // are then the load's, which no suppression hides.
        let mut alone = Config::session(settings.config.as_ref(), settings.rules.as_deref());
        alone.max_per_code = None;
        alone.excuses = reported.excuses();
        let mut one = alone.check_paths(path);
        left.checks += 1;
        let mut fixed = rounds(&mut alone, path, &mut one, &fixing, |_| true, &mut left);
        left.again.merge(&alone.timings);
        rulebook_fixed |= say_written(path, &fixed, settings.lang, fixing.diff)?;
        proposed.extend(proposals(path, &mut fixed).map(|(_, p)| (i, p)));
    }
    if rulebook_fixed {
        left.again.merge(&s.timings);
        // Under `--diff` the rulebook on the disk is what it was: the
        // designs read it as its rounds left it.
        let texts = fixing.diff.then(|| {
            let texts: HashMap<PathBuf, String> = (proposed.values())
                .map(|p| {
                    (
                        mynaflow::canonical::canonical_or_as_given(&p.path),
                        p.after.text.clone(),
                    )
                })
                .collect();
            Arc::new(texts)
        });
        *s = fresh(texts)?;
        s.max_per_code = None;
        s.fixes_first = true;
        s.fix_cap = cap;
        checked = s.check_paths(files);
        left.checks += checked.iter().filter(|c| c.is_ok()).count();
    }
    let designs = |c: &Checked| c.analysis.is_some();
    let mut fixed = rounds(s, files, &mut checked, &fixing, designs, &mut left);
    say_written(files, &fixed, settings.lang, fixing.diff)?;
    proposed.extend(proposals(files, &mut fixed));
    left.proposed = proposed.into_values().collect();
    fixable_unnamed(s, &checked, &fixing, &mut left);
    if let Some(max) = cap {
        let start = Instant::now();
        // The findings past the cap are left unfreed: the command ends
        // soon, and the system takes them back at once.
        std::mem::forget(s.cap_per_code(max));
        s.timings.add("cap", start.elapsed());
    }
    // A design the cap would show one of the findings its rounds kept as
    // places only (suppressions took out those kept in full) is checked
    // once more with the cap, for the report.
    let before = std::mem::take(&mut s.timings);
    let start = Instant::now();
    let again = s.check_capped_again(files, &mut checked);
    if again > 0 {
        left.checks += again;
        left.spent.add("check capped", start.elapsed());
    }
    left.again.merge(&std::mem::replace(&mut s.timings, before));
    s.word_left(&checked);
    s.max_per_code = cap;
    s.fixes_first = false;
    s.fix_cap = None;
    Ok((checked, left))
}

/// Counts into `left` the findings left in `s` with a fix this run may
/// apply that are in a file with a path the run did not name (a rulebook
/// a design `use`s; not a built-in one): the rounds fix only the files
/// named, and these were left without a word (the third fix audit's M2).
fn fixable_unnamed(
    s: &Session,
    checked: &[Result<Checked, String>],
    fixing: &Fixing,
    left: &mut Left,
) {
    let named: HashSet<FileId> = (checked.iter())
        .filter_map(|c| c.as_ref().ok().map(|c| c.file))
        .collect();
    let mut codes: BTreeMap<FileId, Vec<Code>> = BTreeMap::new();
    for d in &s.diagnostics {
        let file = d.primary.file;
        if !named.contains(&file)
            && !apply_fixes::fixes_for([d], file, fixing.unsafe_too).is_empty()
        {
            codes.entry(file).or_default().push(d.code);
        }
    }
    for (file, codes) in codes {
        let source = s.sources.get(file);
        let Some(path) = source.path() else {
            continue;
        };
        let reports = fixing.reported.reports_in(fixing.settings, path);
        let n = codes.into_iter().filter(|&c| reports(c)).count();
        if n > 0 {
            let name = mynaflow::escape::visible(&source.name).into_owned();
            *left.unnamed.entry(name).or_default() += n;
        }
    }
}

/// What the run asked of the fixes.
#[derive(Clone, Copy, Debug, Default)]
pub struct Asked {
    /// `--unsafe-fixes`: unsafe ones too.
    pub unsafe_too: bool,
    /// `--diff`: write nothing, show what would change.
    pub diff: bool,
}

/// The files of `paths` the rounds changed (`fixed`, in their order),
/// by their index, with their texts before and after, under `--diff`.
fn proposals<'a>(
    paths: &'a [PathBuf],
    fixed: &'a mut [Fixed],
) -> impl Iterator<Item = (usize, Proposed)> + 'a {
    (paths.iter().zip(fixed).enumerate()).filter_map(|(i, (path, f))| {
        let (before, after) = (f.before.take()?, f.after.take()?);
        (f.applied > 0).then(|| {
            let aligned = std::mem::take(&mut f.aligned);
            let path = path.clone();
            let p = Proposed {
                path,
                before,
                after,
                aligned,
            };
            (i, p)
        })
    })
}

/// What decides which fixes apply, and whether they are written.
struct Fixing<'a> {
    settings: &'a Settings,
    unsafe_too: bool,
    diff: bool,
    reported: &'a Reported<'a>,
}

/// What one round did to one file: its fixes applied, or its findings
/// back, nothing more applying.
/// Each with how many findings the check reports in the text it fixed
/// or left.
enum Round {
    Changed(Applied, usize),
    Done(Vec<Diagnostic>, usize),
}

/// What the rounds did to one file.
#[derive(Debug, Default)]
struct Fixed {
    /// The fixes it took, over every round.
    applied: usize,
    /// How many findings the check reported before the first round, and
    /// after the last (None when its fixed text could not be checked):
    /// a fix may mend several (a reversed flow also respells its names),
    /// or uncover one its finding hid, so fixes are not findings.
    findings: (Option<usize>, Option<usize>),
    /// How the write of its last fixed text went (each round that
    /// changes a text writes it while checking it again, so the last
    /// write is of the text the rounds leave).
    written: Option<Result<(), Text>>,
    /// Under `--diff`: its text before the first round, after the last,
    /// and the lines of the first still in place in the last.
    before: Option<Arc<SourceFile>>,
    after: Option<Arc<SourceFile>>,
    aligned: Aligned,
}

/// Applies, round by round, the fixes of the findings `s` has for each
/// file of `checked` that `fixable` takes, checking again in `s` the
/// files a round changed, until nothing more applies or the rounds run
/// out. A round's fixed texts are written while they are checked again:
/// the next round, if one changes a text again, writes it again. Gives
/// what the rounds did to each file; counts into `left` what is still
/// fixable, and the rounds' time.
fn rounds(
    s: &mut Session,
    paths: &[PathBuf],
    checked: &mut [Result<Checked, String>],
    fixing: &Fixing,
    fixable: impl Fn(&Checked) -> bool,
    left: &mut Left,
) -> Vec<Fixed> {
    let mut fixed: Vec<Fixed> = paths.iter().map(|_| Fixed::default()).collect();
    let mut pending: Vec<(usize, FileId)> = (checked.iter().enumerate())
        .filter_map(|(i, c)| match c {
            Ok(c) if fixable(c) => Some((i, c.file)),
            _ => None,
        })
        .collect();
    for round in 0..=MAX_ROUNDS {
        if pending.is_empty() {
            break;
        }
        let start = Instant::now();
        // The pending files' findings, taken out of the session; the
        // others' stay.
        let ids: HashSet<FileId> = pending.iter().map(|&(_, file)| file).collect();
        let mut found = take_findings(s, &ids);
        let jobs: Vec<(usize, FileId, Vec<Diagnostic>)> = (pending.iter())
            .map(|&(i, file)| (i, file, found.remove(&file).unwrap_or_default()))
            .collect();
        // The models of the files a fix may change, freed while the fixes
        // apply; a model is not read after its file's check, and one left
        // stands until the process ends.
        let mut old = Vec::new();
        for (i, file, diags) in &jobs {
            let places = s.kept_as_places(*file);
            if let Some(Ok(c)) = checked.get_mut(*i)
                && fixing.may_change(&paths[*i], *file, diags, places, round)
            {
                old.extend(c.analysis.take());
            }
        }
        // Each file's fixes on every core.
        let seen: &Session = s;
        let apply = || -> Vec<(usize, FileId, Round, Left)> {
            (jobs.into_par_iter())
                .map(|(i, file, diags)| {
                    let path = &paths[i];
                    let text = &seen.sources.get(file).text;
                    let places = seen.kept_as_places(file);
                    let (round, left) = fixing.round(path, file, text, diags, places, round);
                    (i, file, round, left)
                })
                .collect()
        };
        let ((), done) = rayon::join(move || free(old), apply);
        let mut edited = Vec::new();
        pending.clear();
        for (i, file, outcome, l) in done {
            left.fixable += l.fixable;
            left.out_of_rounds += l.out_of_rounds;
            left.only_unsafe += l.only_unsafe;
            let found = match &outcome {
                Round::Changed(_, n) | Round::Done(_, n) => *n,
            };
            if let Some(f) = fixed.get_mut(i) {
                f.findings.0.get_or_insert(found);
                f.findings.1 = matches!(outcome, Round::Done(..)).then_some(found);
            }
            match outcome {
                Round::Changed(r, _) => {
                    if let Some(f) = fixed.get_mut(i) {
                        f.applied += r.applied;
                        // The first text, kept before the session's text
                        // is replaced, and its lines followed.
                        if fixing.diff
                            && f.before.is_none()
                            && let Some(first) = s.sources.shared(file)
                        {
                            f.aligned = Aligned::lines_of(&first.text);
                            f.before = Some(first);
                        }
                        if fixing.diff {
                            f.aligned.follow(&r.taken);
                        }
                    }
                    edited.push((paths[i].clone(), file, r.text));
                    pending.push((i, file));
                }
                // Given back whole when the session holds no other.
                Round::Done(diags, _) if s.diagnostics.is_empty() => s.diagnostics = diags,
                Round::Done(diags, _) => s.diagnostics.extend(diags),
            }
        }
        left.spent.add("apply+free", start.elapsed());
        if edited.is_empty() {
            break;
        }
        left.checks += edited.len();
        // The rounds' own time, apart from the check's.
        let before = std::mem::take(&mut s.timings);
        let replaced = s.replace_texts(edited);
        left.spent.merge(&std::mem::take(&mut s.timings));
        let texts: Vec<(usize, Arc<SourceFile>)> = (pending.iter().zip(replaced.files()))
            .filter_map(|(&(i, _), &file)| s.sources.shared(file).map(|text| (i, text)))
            .collect();
        // The disk takes the fixed texts while the cores check them.
        let start = Instant::now();
        let (again, checked_at, wrote) = std::thread::scope(|scope| {
            let writer = scope.spawn(|| match fixing.diff {
                true => texts.iter().map(|_| (Ok(()), Duration::ZERO)).collect(),
                false => write_each(paths, &texts),
            });
            let again = s.check_replaced(replaced);
            let checked_at = Instant::now();
            let wrote = (writer.join()).unwrap_or_else(|p| std::panic::resume_unwind(p));
            (again, checked_at, wrote)
        });
        left.spent.add("check again", checked_at - start);
        left.spent.add("write", checked_at.elapsed());
        left.again.merge(&std::mem::replace(&mut s.timings, before));
        for ((i, text), (done, spent)) in texts.iter().zip(wrote) {
            if !fixing.diff {
                left.written_beside.0 += 1;
                left.written_beside.1 += spent;
            }
            if let Some(f) = fixed.get_mut(*i) {
                f.written = Some(done);
                if fixing.diff {
                    f.after = Some(Arc::clone(text));
                }
            }
        }
        for (&(i, _), c) in pending.iter().zip(again) {
            if let Some(slot) = checked.get_mut(i) {
                *slot = c;
            }
        }
    }
    fixed
}

/// The findings of the files `ids` names, taken out of `s` by file; the
/// others stay. When they are all of one file (a large design checked
/// alone), the list is taken whole rather than moved a finding at a time
/// (at 1M `contractors`, 73 000 findings of 300 bytes: 33 ms).
fn take_findings(s: &mut Session, ids: &HashSet<FileId>) -> HashMap<FileId, Vec<Diagnostic>> {
    let one = (ids.iter().next().copied())
        .filter(|&only| ids.len() == 1 && (s.diagnostics.iter()).all(|d| d.primary.file == only));
    if let Some(only) = one {
        return HashMap::from([(only, std::mem::take(&mut s.diagnostics))]);
    }
    let mut found: HashMap<FileId, Vec<Diagnostic>> = HashMap::new();
    let mut kept = Vec::new();
    for d in std::mem::take(&mut s.diagnostics) {
        if ids.contains(&d.primary.file) {
            found.entry(d.primary.file).or_default().push(d);
        } else {
            kept.push(d);
        }
    }
    s.diagnostics = kept;
    found
}

/// Frees models on every core, each one's design and graph side by side,
/// while the fixes apply beside them (at 1M `mixed`, `apply+free` 155 →
/// 120 ms).
fn free(models: Vec<Analysis>) {
    models.into_par_iter().for_each(|a| {
        let Analysis {
            design,
            graph,
            computed,
            unworded,
        } = a;
        rayon::join(
            move || drop(design),
            move || drop((graph, computed, unworded)),
        );
    });
}

impl Fixing<'_> {
    /// The fixes this run may apply of the findings of `file` the check
    /// reports (`reports` says which codes: a finding it would not report
    /// is not fixed, as an ignored code's unsafe fix rewrote the design):
    /// its diagnostics' and those of its findings kept as places.
    fn fixes<'d>(
        &self,
        reports: &impl Fn(Code) -> bool,
        file: FileId,
        diags: &'d [Diagnostic],
        places: &'d [Hollow],
    ) -> Vec<&'d Fix> {
        let unsafe_too = self.unsafe_too;
        let diags = diags.iter().filter(|d| reports(d.code));
        let mut fixes = apply_fixes::fixes_for(diags, file, unsafe_too);
        let places = places.iter().filter(|h| reports(h.code));
        fixes.extend(apply_fixes::fixes_of_places(places, file, unsafe_too));
        fixes
    }

    /// Has the file a fix this round may apply?
    fn may_change(
        &self,
        path: &Path,
        file: FileId,
        diags: &[Diagnostic],
        places: &[Hollow],
        round: usize,
    ) -> bool {
        let reports = self.reported.reports_in(self.settings, path);
        round < MAX_ROUNDS && !self.fixes(&reports, file, diags, places).is_empty()
    }

    /// One round of one file: the fixes of its findings the check
    /// reports, applied to its text unless the rounds are over; or, when
    /// none changes it, its findings back and what they leave fixable.
    fn round(
        &self,
        path: &Path,
        file: FileId,
        text: &str,
        diags: Vec<Diagnostic>,
        places: &[Hollow],
        round: usize,
    ) -> (Round, Left) {
        let mut left = Left::default();
        let reports = self.reported.reports_in(self.settings, path);
        let fixes = self.fixes(&reports, file, &diags, places);
        let found = (diags.iter()).filter(|d| reports(d.code)).count()
            + (places.iter()).filter(|h| reports(h.code)).count();
        let applied = (round < MAX_ROUNDS && !fixes.is_empty())
            .then(|| apply_fixes::apply(text, &fixes))
            .filter(|r| r.applied > 0 && r.text != text);
        if let Some(r) = applied {
            return (Round::Changed(r, found), left);
        }
        left.fixable = fixes.len();
        if round == MAX_ROUNDS {
            left.out_of_rounds = fixes.len();
        }
        if !self.unsafe_too {
            let only_unsafe = |fixes: &[Fix]| {
                !fixes.is_empty()
                    && (fixes.iter()).all(|f| f.applicability == Applicability::Unsafe)
            };
            left.only_unsafe = (diags.iter())
                .filter(|d| reports(d.code) && only_unsafe(&d.fixes))
                .count()
                + (places.iter())
                    .filter(|h| reports(h.code) && only_unsafe(h.fixes()))
                    .count();
        }
        (Round::Done(diags, found), left)
    }
}

/// Writes each of `texts` (a file's index among `paths`, and its fixed
/// text), several at once (each write waits on the disk for its fsync);
/// how each went, and its time, in their order.
fn write_each(
    paths: &[PathBuf],
    texts: &[(usize, Arc<SourceFile>)],
) -> Vec<(Result<(), Text>, Duration)> {
    mynaflow::atomic_write::each_at_once(texts, |(i, source)| {
        let start = Instant::now();
        let Some(path) = paths.get(*i) else {
            return (Ok(()), start.elapsed());
        };
        let text = &source.text;
        // The byte-order mark the file had, put back; the text is not
        // copied without one.
        let done = if starts_with_bom(path) {
            write_file(path, format!("{BOM}{text}").as_bytes())
        } else {
            write_file(path, text.as_bytes())
        };
        (done, start.elapsed())
    })
}

/// Says each file the rounds fixed (under `--diff`, would fix), in the
/// files' order; the first that could not be written is the run's error,
/// after every other is said. True when one was fixed.
fn say_written(paths: &[PathBuf], fixed: &[Fixed], lang: Lang, diff: bool) -> Result<bool, Text> {
    let mut failed = None;
    let mut any = false;
    for (path, f) in paths.iter().zip(fixed) {
        let Some(done) = f.written.as_ref().filter(|_| f.applied > 0) else {
            continue;
        };
        any = true;
        match done {
            Ok(()) => {
                let shown = mynaflow::escape::visible(&path.display().to_string()).into_owned();
                let n = f.applied;
                let said = match f.findings {
                    (Some(before), Some(after)) if diff => mynaflow::text!(
                        "mynaflow: would apply {n} fix(es) in {shown}: {before} finding(s) before, {after} after";
                        "mynaflow: {shown} に修正を {n} 件適用できます (指摘は {before} 件から {after} 件になります)"
                    ),
                    _ if diff => mynaflow::text!(
                        "mynaflow: would apply {n} fix(es) in {shown}";
                        "mynaflow: {shown} に修正を {n} 件適用できます"
                    ),
                    (Some(before), Some(after)) => mynaflow::text!(
                        "mynaflow: applied {n} fix(es) in {shown}: {before} finding(s) before, {after} after";
                        "mynaflow: {shown} に修正を {n} 件適用しました (指摘は {before} 件から {after} 件になりました)"
                    ),
                    _ => mynaflow::text!(
                        "mynaflow: applied {n} fix(es) in {shown}";
                        "mynaflow: {shown} に修正を {n} 件適用しました"
                    ),
                };
                eprintln!("{}", said.get(lang));
            }
            Err(e) => {
                failed.get_or_insert(e);
            }
        }
    }
    match failed {
        Some(e) => Err(e.clone()),
        None => Ok(any),
    }
}

/// Does the file begin with a byte-order mark (which its text, as
/// checked, does not hold)?
fn starts_with_bom(path: &Path) -> bool {
    let mut first = Vec::with_capacity(BOM.len());
    std::fs::File::open(path)
        .and_then(|f| f.take(BOM.len() as u64).read_to_end(&mut first))
        .is_ok_and(|_| first == BOM.as_bytes())
}

/// Writes a fixed file (the one place `--fix` writes).
fn write_file(path: &Path, bytes: &[u8]) -> Result<(), Text> {
    mynaflow::atomic_write::write(path, bytes)
}

/// After the check: says how many findings still have a fix that this
/// run did not apply, and why (unsafe ones without `--unsafe-fixes`, those
/// in a file the run did not name, with the command that fixes them).
pub fn report_left(left: &Left, unsafe_too: bool, quiet: bool, lang: Lang) {
    if quiet {
        return;
    }
    let again = if unsafe_too {
        "mynaflow check --fix --unsafe-fixes"
    } else {
        "mynaflow check --fix"
    };
    let overlapping = left.fixable - left.out_of_rounds;
    let say = |t: Text| eprintln!("mynaflow: {}", t.get(lang));
    if left.out_of_rounds > 0 {
        let n = left.out_of_rounds;
        say(mynaflow::text!(
            "{n} finding(s) still have a fix after {MAX_ROUNDS} rounds: run `{again}` again";
            "{MAX_ROUNDS} 回繰り返した後も、修正のある指摘が {n} 件残っています。`{again}` をもう一度実行してください"
        ));
    }
    if overlapping > 0 {
        let (en, ja) = if unsafe_too {
            ("a", "修正")
        } else {
            ("a safe", "安全な修正")
        };
        say(mynaflow::text!(
            "{overlapping} finding(s) still have {en} fix (they overlap another fix)";
            "{ja}のある指摘が {overlapping} 件残っています (別の修正と重なる箇所です)"
        ));
    }
    for (name, n) in &left.unnamed {
        say(mynaflow::text!(
            "{n} finding(s) in {name} have a fix, not applied: the file was not named; run `{again} {name}`";
            "{name} の指摘 {n} 件には修正がありますが、指定されたファイルではないため適用していません。`{again} {name}` を実行してください"
        ));
    }
    if left.only_unsafe > 0 {
        let n = left.only_unsafe;
        say(mynaflow::text!(
            "{n} finding(s) have an unsafe fix: review them, then run `mynaflow check --fix --unsafe-fixes`";
            "{n} 件の指摘には安全でない修正があります。内容を確認してから `mynaflow check --fix --unsafe-fixes` を実行してください"
        ));
    }
}
