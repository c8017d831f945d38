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
