//! `mynaflow report`: the HTML page for reviewers.

use super::output::{fail_in, print_fatal};
use super::{Common, FAILURE, FINDINGS, OK};
use mynaflow::code::Severity;
use mynaflow::diagnostic::Diagnostic;
use mynaflow::merged::Merged;
use mynaflow::report::{self, Input, Shown};
use mynaflow::session::{Analysis, Session};
use mynaflow::source::SourceMap;
use mynaflow::text::Lang;
use std::path::{Path, PathBuf};

/// Writes the page of the designs under `paths` to `output`, each design
/// checked under the config that governs it (as `check` groups them).
pub fn run(paths: &[PathBuf], output: &Path, common: &Common) -> u8 {
    let (designs, sessions) = match super::groups::designs_and_sessions(common, paths) {
        Ok(x) => x,
        Err(code) => return code,
    };
    // One run, one language: the groups' settings all say it.
    let lang = (designs.settings.first()).map_or_else(|| super::lang(common.lang), |s| s.lang);
    let mut groups = Vec::with_capacity(sessions.len());
    let mut unreadable = false;
    let mut unchecked = false;
    let by_group = designs.by_group();
    for (i, mut s) in sessions.into_iter().enumerate() {
        let files = by_group.get(i).map_or(&[][..], Vec::as_slice);
        let analyses = analyse(&mut s, files, lang, &mut unreadable);
        let diags = s.sorted_diagnostics();
        if diags.iter().any(|d| d.code.leaves_design_unchecked()) {
            print_fatal(&s, lang);
            unchecked = true;
        }
        groups.push((s, diags, analyses));
    }
    let (sources, diags, mut analyses) = joined(groups);
    let drawn = analyses.len();
    let page = report::render(Input {
        sources: &sources,
        diagnostics: &diags,
        files: designs.files.len(),
        designs: analyses
            .iter_mut()
            .map(|(_, a)| Shown {
                design: &a.design,
                graph: &a.graph,
                computed: a.computed.take(),
            })
            .collect(),
        lang,
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
    } else if errors > 0 {
        FINDINGS
    } else {
        OK
    }
}

/// A design the page draws: its path, and its analysis.
type Drawn = (PathBuf, Analysis);

/// Checks `files` in `s` (on every core, as `check` does) and gives the
/// analyses of the designs the page can draw (a rulebook loaded), each
/// with its path; sets `unreadable`, said, when a file cannot be read.
fn analyse(s: &mut Session, files: &[PathBuf], lang: Lang, unreadable: &mut bool) -> Vec<Drawn> {
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

/// The groups' files, findings and designs as one page's: one group's as
/// its session gives them (the common run, not copied), several's files
/// joined in one map, their findings renamed to it and sorted as one
/// session's, their designs in the order of one run over them all, each
/// design's file renamed to the map (the page finds a design's file, and
/// the findings in it, by [`mynaflow::model::Design::file`]; its other
/// spans it reads for their places in that file only).
fn joined(
    mut groups: Vec<(Session, Vec<Diagnostic>, Vec<Drawn>)>,
) -> (SourceMap, Vec<Diagnostic>, Vec<Drawn>) {
    if groups.len() == 1
        && let Some((s, diags, analyses)) = groups.pop()
    {
        return (s.sources, diags, analyses);
    }
    let mut merged = Merged::new();
    let (mut all_diags, mut all) = (Vec::new(), Vec::new());
    for (s, diags, analyses) in groups {
        let ids = merged.absorb(&s.sources);
        for mut d in diags {
            ids.diagnostic(&mut d);
            all_diags.push(d);
        }
        for (path, mut a) in analyses {
            a.design.file = ids.file(a.design.file);
            all.push((path, a));
        }
    }
    mynaflow::merged::sort(&merged.sources, &mut all_diags);
    all.sort_by(|a, b| a.0.cmp(&b.0));
    (merged.sources, all_diags, all)
}
