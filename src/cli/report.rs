//! `mynaflow report`: the HTML page for reviewers.

use super::output::{checks_nothing, fail_in, print_fatal, say_hidden_by_config};
use super::{Common, FAILURE, FINDINGS, OK};
use mynaflow::code::Severity;
use mynaflow::diagnostic::Diagnostic;
use mynaflow::filters::{self, Filters, HiddenCodes};
use mynaflow::hidden_stops::HiddenStops;
use mynaflow::merged::Merged;
use mynaflow::report::{self, Input, Shown};
use mynaflow::select::Selection;
use mynaflow::session::{Analysis, Session};
use mynaflow::source::SourceMap;
use mynaflow::text::{Lang, Text};
use std::path::{Path, PathBuf};

/// The options of `report`.
pub struct Options<'a> {
    /// Designs (files, or folders searched).
    pub paths: &'a [PathBuf],
    /// The HTML file to write.
    pub output: &'a Path,
    /// `--select`: replaces each config's `select`.
    pub select: &'a [String],
    /// `--ignore`: added to each config's `ignore`.
    pub ignore: &'a [String],
    pub common: &'a Common,
}

/// Writes the page of the designs under `paths` to `output`, each design
/// checked under the config that governs it (as `check` groups them) and
/// its findings filtered as `check` filters them: the page shows what
/// the gate judged, and says what the configs kept out of it.
pub fn run(o: &Options) -> u8 {
    let (common, output) = (o.common, o.output);
    let (designs, sessions) = match super::groups::designs_and_sessions(common, o.paths) {
        Ok(x) => x,
        Err(code) => return code,
    };
    // One run, one language: the groups' settings all say it.
    let lang = (designs.settings.first()).map_or_else(|| super::lang(common.lang), |s| s.lang);
    let by_group = designs.by_group();
    let selections = match selections(o, &designs, &by_group, lang) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let select_replaced = !o.select.is_empty();
    let mut groups = Vec::with_capacity(sessions.len());
    let mut hidden = Vec::with_capacity(sessions.len());
    let mut unreadable = false;
    let mut unchecked = false;
    for (i, mut s) in sessions.into_iter().enumerate() {
        let files = by_group.get(i).map_or(&[][..], Vec::as_slice);
        let analyses = analyse(&mut s, files, lang, &mut unreadable);
        let mut diags = s.sorted_diagnostics();
        if diags.iter().any(|d| d.code.leaves_design_unchecked()) {
            print_fatal(&s, lang);
            unchecked = true;
        }
        let settings = &designs.settings[i];
        let filters = Filters::new(
            &selections[i],
            settings.config.as_ref(),
            select_replaced,
            &s.sources,
            None,
        );
        let filtered = filters.apply(&mut diags);
        // The page lists verdicts beside the findings (its inventories):
        // those of a code hidden here are said to be withheld.
        let analyses = (analyses.into_iter())
            .map(|(path, a)| {
                let codes = filters.hidden_in(a.design.file);
                (path, a, codes)
            })
            .collect();
        say_hidden_by_config(settings, filtered.hidden);
        hidden.push(filtered.hidden);
        groups.push(Checked {
            s,
            diags,
            hidden_stops: filtered.hidden_stops,
            analyses,
        });
    }
    let (sources, diags, hidden_stops, mut analyses) = joined(groups);
    let drawn = analyses.len();
    let stops =
        HiddenStops::of(&hidden_stops).map(|h| mynaflow::wording::run::hidden_stops(&h, &sources));
    if let Some(why) = &stops {
        fail_in(lang, why);
    }
    let withheld = designs.withheld(&hidden);
    let page = report::render(Input {
        sources: &sources,
        diagnostics: &diags,
        files: designs.files.len(),
        designs: analyses
            .iter_mut()
            .map(|(_, a, codes)| Shown {
                design: &a.design,
                graph: &a.graph,
                computed: a.computed.take(),
                hidden: std::mem::take(codes),
            })
            .collect(),
        lang,
        withheld: withheld.as_ref(),
        hidden_stops: stops.clone(),
    });
    // A file name may hold any character.
    let shown = mynaflow::escape::visible_owned(output.display().to_string());
    if let Err(e) = std::fs::write(output, page) {
        let why = mynaflow::text!(
            "{shown}: {e}";
            "{shown}: {}", mynaflow::oserror::describe_ja(&e)
        );
        fail_in(lang, &why);
        return FAILURE;
    }
    let errors = mynaflow::diagnostic::count(&diags, Severity::Error);
    let warnings = mynaflow::diagnostic::count(&diags, Severity::Warning);
    let wrote = mynaflow::text!(
        "mynaflow: wrote {shown} ({drawn} design(s), {errors} error(s), {warnings} warning(s))";
        "mynaflow: {shown} を書き出しました (設計 {drawn} 件、エラー {errors} 件、警告 {warnings} 件)"
    );
    eprintln!("{}", wrote.get(lang));
    if unreadable || unchecked {
        FAILURE
    } else if errors > 0 || stops.is_some() {
        FINDINGS
    } else {
        OK
    }
}

/// Each group's selection (the command line's over its config's), as
/// `check` makes it; or, said, why the run stops before it checks: a
/// selector that names no code, or a config whose filters leave no code
/// that judges flows in a design of its group (a page that shows nothing
/// must not pass for a clean one, as a run that checks nothing fails).
fn selections(
    o: &Options,
    designs: &super::groups::Designs,
    by_group: &[Vec<PathBuf>],
    lang: Lang,
) -> Result<Vec<Selection>, u8> {
    let mut out = Vec::with_capacity(designs.settings.len());
    let mut stops: Vec<Text> = Vec::new();
    for (i, settings) in designs.settings.iter().enumerate() {
        match filters::selection(o.select, o.ignore, settings.config.as_ref()) {
            Ok(sel) => out.push(sel),
            Err(reason) => stops.push(reason),
        }
        let files = by_group.get(i).map_or(&[][..], Vec::as_slice);
        stops.extend(checks_nothing(settings, !o.select.is_empty(), files));
    }
    if stops.is_empty() {
        return Ok(out);
    }
    for reason in &stops {
        fail_in(lang, reason);
    }
    Err(FAILURE)
}

/// One group's session, its findings shown, the syntax and name errors
/// its filters hid, and the designs the page draws.
struct Checked {
    s: Session,
    diags: Vec<Diagnostic>,
    hidden_stops: Vec<Diagnostic>,
    analyses: Vec<Drawn>,
}

/// A design the page draws: its path, its analysis, and the codes the
/// filters hide in its file.
type Drawn = (PathBuf, Analysis, HiddenCodes);

/// A design [`analyse`] gives: its path and analysis.
type Analysed = (PathBuf, Analysis);

/// Checks `files` in `s` (on every core, as `check` does) and gives the
/// analyses of the designs the page can draw (a rulebook loaded), each
/// with its path; sets `unreadable`, said, when a file cannot be read.
fn analyse(s: &mut Session, files: &[PathBuf], lang: Lang, unreadable: &mut bool) -> Vec<Analysed> {
    // The inventories list the verdicts and holdings the checks work out.
    s.keep_computed = true;
    let mut analyses = Vec::new();
    for (f, checked) in files.iter().zip(s.check_paths(files)) {
        match checked {
            Ok(c) => {
                if let Some(a) = c.analysis
                    && a.design.rulebook.is_some()
                {
                    analyses.push((f.clone(), a));
                }
            }
            Err(e) => {
                fail_in(lang, &mynaflow::oserror::in_both(&e));
                *unreadable = true;
            }
        }
    }
    analyses
}

/// The groups' files, findings (those shown, and the syntax and name
/// errors their filters hid) and designs as one page's: one group's as
/// its session gives them (the common run, not copied), several's files
/// joined in one map, their findings renamed to it and sorted as one
/// session's, their designs in the order of one run over them all, each
/// design's file renamed to the map (the page finds a design's file, and
/// the findings in it, by [`mynaflow::model::Design::file`]; its other
/// spans it reads for their places in that file only).
fn joined(mut groups: Vec<Checked>) -> (SourceMap, Vec<Diagnostic>, Vec<Diagnostic>, Vec<Drawn>) {
    if groups.len() == 1
        && let Some(c) = groups.pop()
    {
        return (c.s.sources, c.diags, c.hidden_stops, c.analyses);
    }
    let mut merged = Merged::new();
    let (mut all_diags, mut all_stops, mut all) = (Vec::new(), Vec::new(), Vec::new());
    for c in groups {
        let ids = merged.absorb(&c.s.sources);
        for (from, to) in [(c.diags, &mut all_diags), (c.hidden_stops, &mut all_stops)] {
            for mut d in from {
                ids.diagnostic(&mut d);
                to.push(d);
            }
        }
        for (path, mut a, codes) in c.analyses {
            a.design.file = ids.file(a.design.file);
            all.push((path, a, codes));
        }
    }
    mynaflow::merged::sort(&merged.sources, &mut all_diags);
    mynaflow::merged::sort(&merged.sources, &mut all_stops);
    all.sort_by(|a, b| a.0.cmp(&b.0));
    (merged.sources, all_diags, all_stops, all)
}
