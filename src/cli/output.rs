//! Shared plumbing of the commands: building a session, printing errors.

use super::{Common, FAILURE};
use mynaflow::config::Config;
use mynaflow::oserror;
use mynaflow::session::{RulebookSource, Session, collect_files};
use mynaflow::text::{Lang, Text};
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
/// and merges it with the command line, or says why it cannot (an
/// unreadable or invalid config is exit status 2).
pub fn try_settings(common: &Common, paths: &[PathBuf]) -> Result<Settings, Text> {
    let path = match &common.config {
        Some(p) => Some(p.clone()),
        None => Config::find(paths.first().map_or(Path::new("."), PathBuf::as_path)),
    };
    let config = match path.map(|p| Config::load(&p)).transpose() {
        Ok(c) => c,
        Err(e) => {
            return Err(Text::new(
                e.clone(),
                format!("設定ファイルを使えません: {}", oserror::to_ja(&e)),
            ));
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
    try_session(common, paths).map_err(|reason| {
        fail_in(super::lang(common.lang), &reason);
        FAILURE
    })
}

/// [`session`], returning why there is none instead of printing it (the
/// findings of a broken rulebook are still printed to stderr).
pub fn try_session(common: &Common, paths: &[PathBuf]) -> Result<(Session, Settings), Text> {
    let settings = try_settings(common, paths)?;
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
        let name = settings.rules.as_deref().unwrap_or("");
        let why = e.to_string();
        return Err(mynaflow::text!(
            "cannot use the rulebook {name}: {why}";
            "ルールブック {name} を使えません: {}", oserror::to_ja(&why)
        ));
    }
    Ok((s, settings))
}

/// The `.myna` files under `paths`, less those the config excludes.
pub fn files(paths: &[PathBuf], settings: &Settings) -> Result<Vec<PathBuf>, u8> {
    designs(paths, settings).map_err(|reason| {
        fail_in(settings.lang, &reason);
        FAILURE
    })
}

/// The `.myna` files under `paths`, less those the config excludes. A
/// path that does not exist, or a folder with no design in it, is an
/// error: a typo in CI must not pass as a clean run. A folder whose
/// designs the config all excludes is not (that was asked for).
pub fn designs(paths: &[PathBuf], settings: &Settings) -> Result<Vec<PathBuf>, Text> {
    let mut files = Vec::new();
    for p in paths {
        if let Err(e) = std::fs::metadata(p) {
            let shown = p.display();
            return Err(Text::new(
                format!("{shown}: {e}"),
                format!("{shown}: {}", oserror::describe_ja(&e)),
            ));
        }
        let found = collect_files(std::slice::from_ref(p))
            .map_err(|e| Text::new(e.clone(), oserror::to_ja(&e)))?;
        if found.is_empty() {
            let shown = p.display();
            return Err(mynaflow::text!(
                "{shown}: no design (*.myna) found here";
                "{shown}: 設計ファイル (*.myna) が見つかりません"
            ));
        }
        files.extend(found);
    }
    files.sort();
    files.dedup();
    if let Some(c) = &settings.config {
        files.retain(|f| !c.excludes(f));
    }
    Ok(files)
}

/// Prints an error that stops the tool (exit status 2).
pub fn fail(msg: &str) {
    eprintln!("mynaflow: error: {msg}");
}

/// Prints an error that stops the tool (exit status 2) in `lang`.
pub fn fail_in(lang: Lang, msg: &Text) {
    match lang {
        Lang::En => eprintln!("mynaflow: error: {}", msg.en),
        Lang::Ja => eprintln!("mynaflow: エラー: {}", msg.ja),
    }
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
