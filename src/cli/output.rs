//! Shared plumbing of the commands: building a session, printing errors.

use super::{Common, FAILURE};
use mynaflow::session::{RulebookSource, Session};

/// A session with the rulebook `--rules` names (default `kenpo`), or the
/// exit status when that rulebook cannot be used.
pub fn session(common: &Common) -> Result<Session, u8> {
    let source = RulebookSource::named(common.rules.as_deref().unwrap_or("kenpo"), None);
    let mut s = Session::new(source.clone());
    if common.rules.is_some()
        && let Err(e) = s.load_rulebook(&source)
    {
        let lang = super::lang(common.lang);
        let diags = s.sorted_diagnostics();
        let report = mynaflow::render::Report {
            sources: &s.sources,
            diagnostics: &diags,
            files: 0,
            checked: &[],
            lang,
        };
        eprint!("{}", mynaflow::render::human::render(&report, false));
        fail(&format!("cannot use the rulebook given by --rules: {e:?}"));
        return Err(FAILURE);
    }
    Ok(s)
}

/// Prints an error that stops the tool (exit status 2).
pub fn fail(msg: &str) {
    eprintln!("mynaflow: error: {msg}");
}

/// Prints to stderr the findings that stop a command that needs a design's
/// model (graph, coverage): undecodable files (MN005) and rulebooks that
/// could not be loaded (MN013).
pub fn print_fatal(s: &Session, lang: mynaflow::text::Lang) {
    use mynaflow::code::Code;
    let diags: Vec<_> = s
        .sorted_diagnostics()
        .into_iter()
        .filter(|d| matches!(d.code, Code::MN005 | Code::MN013))
        .collect();
    let report = mynaflow::render::Report {
        sources: &s.sources,
        diagnostics: &diags,
        files: 0,
        checked: &[],
        lang,
    };
    let text = mynaflow::render::human::render(&report, false);
    let summary = mynaflow::render::human::summary(&report);
    eprint!("{}", text.strip_suffix(summary.as_str()).unwrap_or(&text));
}
