//! `mynaflow report`: the HTML page for reviewers.

use super::output::{fail_in, files, print_fatal, session};
use super::{Common, FAILURE, FINDINGS, OK};
use mynaflow::code::Severity;
use mynaflow::report::{self, Input, Shown};
use std::path::{Path, PathBuf};

/// Writes the page of the designs under `paths` to `output`, under one
/// config.
pub fn run(paths: &[PathBuf], output: &Path, common: &Common) -> u8 {
    // One config for the run (designs under different found configs are
    // refused, exit 2), not a session for each as `check` and `coverage`
    // make: the page is drawn from the models themselves (pictures,
    // findings by design, each design's coverage and inventory), and every
    // span of a model, its graph and what its checks computed names the
    // files of its own session. Joining sessions would mean renaming every
    // such span into one map, or a map for each design with findings
    // matched across the two; until then the run is refused, not drawn
    // with spans that point into the wrong file.
    let (mut s, settings) = match session(common, paths) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let files = match files(paths, &settings) {
        Ok(f) => f,
        Err(code) => return code,
    };
    // The inventories list the verdicts and holdings the checks work out.
    s.keep_computed = true;
    let mut analyses = Vec::new();
    let mut unreadable = false;
    // Files are read and checked on every core, as `check` does.
    for checked in s.check_paths(&files) {
        match checked {
            Ok(c) => {
                if let Some(a) = c.analysis
                    && a.design.rulebook.is_some()
                {
                    analyses.push(a);
                }
            }
            Err(e) => {
                fail_in(settings.lang, &mynaflow::oserror::in_both(&e));
                unreadable = true;
            }
        }
    }
    let diags = s.sorted_diagnostics();
    let unchecked = diags.iter().any(|d| d.code.leaves_design_unchecked());
    if unchecked {
        print_fatal(&s, settings.lang);
    }
    let drawn = analyses.len();
    let page = report::render(Input {
        sources: &s.sources,
        diagnostics: &diags,
        files: files.len(),
        designs: analyses
            .iter_mut()
            .map(|a| Shown {
                design: &a.design,
                graph: &a.graph,
                computed: a.computed.take(),
            })
            .collect(),
        lang: settings.lang,
    });
    // A file name may hold any character.
    let shown = mynaflow::escape::visible_owned(output.display().to_string());
    if let Err(e) = std::fs::write(output, page) {
        let why = mynaflow::text!(
            "{shown}: {e}";
            "{shown}: {}", mynaflow::oserror::describe_ja(&e)
        );
        fail_in(settings.lang, &why);
        return FAILURE;
    }
    let errors = mynaflow::diagnostic::count(&diags, Severity::Error);
    let warnings = mynaflow::diagnostic::count(&diags, Severity::Warning);
    let wrote = mynaflow::text!(
        "mynaflow: wrote {shown} ({drawn} design(s), {errors} error(s), {warnings} warning(s))";
        "mynaflow: {shown} を書き出しました (設計 {drawn} 件、エラー {errors} 件、警告 {warnings} 件)"
    );
    eprintln!("{}", wrote.get(settings.lang));
    if unreadable || unchecked {
        FAILURE
    } else if errors > 0 {
        FINDINGS
    } else {
        OK
    }
}
