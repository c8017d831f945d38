//! Shared plumbing of the commands: building a session, printing errors.

use super::{Common, FAILURE};
use mynaflow::config::Config;
use mynaflow::session::{RulebookSource, Session, collect_files};
use mynaflow::text::Lang;
use std::path::{Path, PathBuf};

/// What the command line and `mynaflow.toml` decide together (the command
/// line wins).
pub struct Settings {
    /// Default rulebook for designs without `use`.
    pub rules: Option<String>,
    /// Output language.
    pub lang: Lang,
    /// The config file read, if any.
    pub config: Option<Config>,
}

/// Reads `--config` (or the nearest `mynaflow.toml` above the first path)
/// and merges it with the command line. An unreadable or invalid config is
/// exit status 2.
pub fn settings(common: &Common, paths: &[PathBuf]) -> Result<Settings, u8> {
    let path = match &common.config {
        Some(p) => Some(p.clone()),
        None => Config::find(paths.first().map_or(Path::new("."), PathBuf::as_path)),
    };
    let config = match path.map(|p| Config::load(&p)).transpose() {
        Ok(c) => c,
        Err(e) => {
            fail(&e);
            return Err(FAILURE);
        }
    };
    let rules = common
        .rules
        .clone()
        .or_else(|| config.as_ref().and_then(|c| c.rules.clone()));
    let lang = match (common.lang, config.as_ref().and_then(|c| c.lang.as_deref())) {
        (Some(l), _) => super::lang(Some(l)),
        (None, Some(l)) => Lang::parse(l).unwrap_or_default(),
        (None, None) => super::lang(None),
    };
    Ok(Settings {
        rules,
        lang,
        config,
    })
}

/// A session with the settings' rulebook (default `kenpo`), or the exit
/// status when a rulebook named by `--rules` or the config cannot be used.
pub fn session(common: &Common, paths: &[PathBuf]) -> Result<(Session, Settings), u8> {
    let settings = settings(common, paths)?;
    let source = RulebookSource::named(settings.rules.as_deref().unwrap_or("kenpo"), None);
    let mut s = Session::new(source.clone());
    s.options.delegation.require_clauses =
        settings.config.as_ref().is_some_and(|c| c.require_clauses);
    if settings.rules.is_some()
        && let Err(e) = s.load_rulebook(&source)
    {
        let diags = s.sorted_diagnostics();
        let report = mynaflow::render::Report {
            sources: &s.sources,
            diagnostics: &diags,
            files: 0,
            checked: &[],
            lang: settings.lang,
        };
        eprint!("{}", mynaflow::render::human::render(&report, false));
        fail(&format!(
            "cannot use the rulebook {}: {e}",
            settings.rules.as_deref().unwrap_or("")
        ));
        return Err(FAILURE);
    }
    Ok((s, settings))
}

/// The `.myna` files under `paths`, less those the config excludes.
pub fn files(paths: &[PathBuf], settings: &Settings) -> Result<Vec<PathBuf>, u8> {
    let mut files = collect_files(paths).map_err(|e| {
        fail(&e);
        FAILURE
    })?;
    if let Some(c) = &settings.config {
        files.retain(|f| !c.excludes(f));
    }
    Ok(files)
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
