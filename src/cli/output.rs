//! Shared plumbing of the commands: building a session, printing errors.

use super::{Common, FAILURE};
use mynaflow::config::{Config, Unusable};
use mynaflow::input::{WalkOptions, Walked, walk};
use mynaflow::oserror;
use mynaflow::rulebook_shelf::RulebookShelf;
use mynaflow::session::{RulebookSource, Session};
use mynaflow::syntax::tokens::Copies;
use mynaflow::text::{Lang, Text};
use mynaflow::withheld::PassedOver;
use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What the command line and `mynaflow.toml` decide together (the command
/// line wins).
pub struct Settings {
    /// Default rulebook for designs without `use`.
    pub rules: Option<String>,
    /// Output language.
    pub lang: Lang,
    /// The config file read, if any.
    pub config: Option<Config>,
    /// The config was found (not named with `--config`) in a folder below
    /// the one the run started in: it came with the checked files, so it
    /// may not exclude a file named on the command line.
    pub config_below_start: bool,
    /// The config was chosen on the command line (`--config` or
    /// `--no-config`), not found: the run follows it for every design,
    /// wherever the design's own `mynaflow.toml` is.
    pub pinned: bool,
    /// How folders are walked.
    pub walk: WalkOptions,
}

/// Reads `--config` (or the `mynaflow.toml` every path comes under,
/// [`config_of_every`]) and merges it with the command line, or says why
/// it cannot (an unreadable or invalid config, or paths under different
/// configs, is exit status 2).
pub fn try_settings(common: &Common, paths: &[PathBuf]) -> Result<Settings, Unusable> {
    let start = std::env::current_dir().map(|d| mynaflow::input::resolved(&d));
    let found = common.config.is_none();
    let pinned = common.no_config || common.config.is_some();
    let start_dir = start.as_ref().ok().map(PathBuf::as_path);
    let config = if pinned {
        read_config(
            (common.no_config, common.config.as_deref()),
            None,
            start_dir,
        )?
    } else {
        config_of_every(paths, start_dir)?
    };
    let settings = settings_under(
        common,
        config,
        found && !pinned,
        pinned,
        start.as_ref().ok(),
    );
    if let Some(c) = &settings.config {
        say_config(c, settings.lang);
    }
    Ok(settings)
}

/// The settings of designs that follow `config` (None: no config), the
/// command line over it: `found`, the config was found by search (not
/// named with `--config`); `pinned`, it was chosen on the command line;
/// `start`, the folder the run started in, resolved (None: unknown).
pub fn settings_under(
    common: &Common,
    config: Option<Config>,
    found: bool,
    pinned: bool,
    start: Option<&PathBuf>,
) -> Settings {
    let config_below_start = found
        && config.as_ref().is_some_and(|c| match start {
            Some(start) => {
                let dir = mynaflow::input::resolved(c.dir());
                dir != *start && dir.starts_with(start)
            }
            None => true,
        });
    let rules = common
        .rules
        .clone()
        .or_else(|| config.as_ref().and_then(|c| c.rules.clone()));
    let lang = lang_of(common.lang, config.as_ref());
    Settings {
        rules,
        lang,
        config,
        config_below_start,
        pinned,
        walk: WalkOptions {
            follow_symlinks: common.follow_symlinks,
            list_skipped: true,
        },
    }
}

/// Says on stderr which config the run follows, in `lang`: which settings
/// the run follows is part of its result.
pub fn say_config(c: &Config, lang: Lang) {
    let shown = mynaflow::escape::visible(&c.path.display().to_string()).into_owned();
    let said = mynaflow::text!("mynaflow: config: {shown}"; "mynaflow: 設定: {shown}");
    eprintln!("{}", said.get(lang));
}

/// The settings file a command reads, as `--no-config` and `--config`
/// (`named`) say: none, the file named, or the nearest `mynaflow.toml`
/// from the first path given (`first`, else the current folder) up,
/// `start` being the folder the run started in ([`Config::discover`]).
/// The one way every command that reads it finds it, and the way the
/// language of its `--help` and argument errors is found (`parse.rs`).
pub fn read_config(
    (no_config, named): (bool, Option<&Path>),
    first: Option<&Path>,
    start: Option<&Path>,
) -> Result<Option<Config>, Unusable> {
    match named {
        _ if no_config => Ok(None),
        Some(p) => Config::read(p).map(Some),
        None => Config::discover(first.unwrap_or(Path::new(".")), start),
    }
}

/// The config a run follows when none is pinned: the nearest
/// `mynaflow.toml` of each path (the current folder's when there is
/// none), which must be the same for all, or none for all. A config found
/// applies only to the files under its folder: one run does not hold two
/// sets of settings (rulebook, `select`, baseline…), so designs that would
/// each follow another config are refused together (exit status 2), and
/// the user pins one (`--config`, `--no-config`) or runs each folder
/// apart. Folders below a path are held to the same in [`designs_noting`]. So
/// for the commands that read one design (`graph`, `inventory`) or none
/// (`rules`); `check`, `test`, `coverage` and `report` check each design
/// under its own config instead (`groups.rs`).
fn config_of_every(paths: &[PathBuf], start: Option<&Path>) -> Result<Option<Config>, Unusable> {
    let here = [PathBuf::from(".")];
    let paths = if paths.is_empty() { &here[..] } else { paths };
    let mut first: Option<(&Path, Option<mynaflow::config::Found>)> = None;
    // A path that is not there has no config of its own: [`designs_noting`] says
    // it is not there (its folder's config says in which format).
    let there: Vec<&PathBuf> = (paths.iter())
        .filter(|p| std::fs::symlink_metadata(p).is_ok())
        .collect();
    let paths: Vec<&PathBuf> = if there.is_empty() {
        paths.iter().collect()
    } else {
        there
    };
    for p in paths {
        let found = Config::find(p)?;
        match &first {
            None => first = Some((p, found)),
            Some((_, run)) => {
                let (a, b) = (
                    run.as_ref().map(|f| f.path.as_path()),
                    found.as_ref().map(|f| f.path.as_path()),
                );
                if a != b {
                    return Err(different_configs(p, b, a).into());
                }
            }
        }
    }
    match first {
        Some((_, Some(found))) => Config::from_found(found, start).map(Some),
        _ => Ok(None),
    }
}

/// Why a run is refused whose design (or folder) `file` would follow the
/// config `its` while the run follows `run` (None: no config).
fn different_configs(file: &Path, its: Option<&Path>, run: Option<&Path>) -> Text {
    let shown = |p: &Path| mynaflow::escape::visible(&p.display().to_string()).into_owned();
    let file = shown(file);
    let comes = match its.map(shown) {
        Some(x) => mynaflow::text!(
            "{file} comes under the config {x}";
            "{file} には設定ファイル {x} が適用されますが"
        ),
        None => mynaflow::text!(
            "{file} comes under no config";
            "{file} には適用される設定ファイルがありませんが"
        ),
    };
    let follows = match run.map(shown) {
        Some(y) => mynaflow::text!("this run follows {y}"; "この実行は {y} に従います"),
        None => mynaflow::text!("this run follows none"; "この実行は設定ファイルなしで検査します"),
    };
    let (c, f) = (comes, follows);
    mynaflow::text!(
        "{}, but {}: a config found applies only to the designs under its folder, and one run follows one config; pin one with --config FILE (or --no-config), or check each folder in a run of its own", c.en, f.en;
        "{}、{}。見つかった設定ファイルはそのフォルダの下の設計にだけ適用され、1 回の実行が従う設定ファイルは 1 つです。--config FILE (または --no-config) で設定ファイルを固定するか、フォルダごとに分けて実行してください", c.ja, f.ja
    )
}

/// The language of a run: `--lang` (`arg`), else the config's `lang`,
/// else the locale (`LC_ALL`, `LC_MESSAGES`, `LANG`). The order every
/// command that reads a config follows, for its messages and for its
/// `--help` and argument errors alike.
pub fn lang_of(arg: Option<super::LangArg>, config: Option<&Config>) -> Lang {
    match (arg, config.and_then(Config::language)) {
        (Some(l), _) => super::lang(Some(l)),
        (None, Some(l)) => l,
        (None, None) => super::lang(None),
    }
}

/// The language a config that cannot be followed is refused in: `--lang`
/// (`arg`), else the `lang` the config names if it could be read, else
/// the locale, as [`lang_of`] would have it had the config been followed.
pub fn refusal_lang(arg: Option<super::LangArg>, refused: &Unusable) -> Lang {
    match (arg, refused.lang) {
        (Some(l), _) => super::lang(Some(l)),
        (None, Some(l)) => l,
        (None, None) => super::lang(None),
    }
}

/// A session with the settings' rulebook (default `kenpo`), or the exit
/// status when a rulebook named by `--rules` or the config cannot be used.
pub fn session(common: &Common, paths: &[PathBuf]) -> Result<(Session, Settings), u8> {
    // Said in the config's language once it is read.
    let settings = try_settings(common, paths).map_err(|refused| {
        fail_in(refusal_lang(common.lang, &refused), &refused.why);
        FAILURE
    })?;
    let s = try_session_for(&settings, None).map_err(|reason| {
        fail_in(settings.lang, &reason);
        FAILURE
    })?;
    Ok((s, settings))
}

/// The session of `check` under settings already read; its report holds
/// what a rulebook named by `--rules` or the config found wrong: the
/// rulebook is loaded when the first design asks for it, its findings join
/// the run's, and each design it leaves unchecked is MN013 (exit status
/// 2), as for a rulebook a design `use`s, in the format the run writes.
pub fn session_reporting_the_rulebook(settings: &Settings) -> Session {
    let mut s = Config::session(settings.config.as_ref(), settings.rules.as_deref());
    s.name_copies = Copies::Lasting;
    s
}

/// A fresh session under settings already read (the config is not read,
/// nor named, again), loading its rulebooks from `shelf` if given (the
/// sessions of a command that checks each file in a session of its own
/// share one), or why there is none.
pub fn try_session_for(
    settings: &Settings,
    shelf: Option<&Arc<RulebookShelf>>,
) -> Result<Session, Text> {
    try_session_reading(settings, shelf, None)
}

/// [`try_session_for`], reading rulebook files from `texts` (by canonical
/// path) where they are there ([`Session::read_rulebooks_from`]), the one
/// `--rules` names too.
pub fn try_session_reading(
    settings: &Settings,
    shelf: Option<&Arc<RulebookShelf>>,
    texts: Option<Arc<std::collections::HashMap<std::path::PathBuf, String>>>,
) -> Result<Session, Text> {
    let mut s = Config::session(settings.config.as_ref(), settings.rules.as_deref());
    if let Some(shelf) = shelf {
        s.share_rulebooks(shelf.clone());
    }
    if let Some(texts) = texts {
        s.read_rulebooks_from(texts);
    }
    // The run ends with the process: a parse keeps its own copies of its
    // names, made without a lock.
    s.name_copies = Copies::Lasting;
    let source = RulebookSource::named(settings.rules.as_deref().unwrap_or("kenpo"), None);
    if settings.rules.is_some()
        && let Err(e) = s.load_rulebook(&source)
    {
        let diags = s.sorted_diagnostics();
        // The summary counts the rulebook's file among those with findings.
        let files: std::collections::HashSet<_> = diags.iter().map(|d| d.primary.file).collect();
        let report = mynaflow::render::Report {
            sources: &s.sources,
            diagnostics: &diags,
            files: files.len(),
            checked: &[],
            lang: settings.lang,
        };
        // A rulebook that is not there has no findings, nor a summary.
        if !diags.is_empty() {
            eprint!("{}", mynaflow::render::human::render(&report, false));
        }
        let name = settings.rules.as_deref().unwrap_or("");
        let why = e.words();
        return Err(mynaflow::text!(
            "cannot use the rulebook {name}: {}", why.en;
            "ルールブック {name} を使えません: {}", why.ja
        ));
    }
    Ok(s)
}

/// Why the one design a command reads (`graph`, `inventory`) is not read:
/// a symlink, not followed unless asked, as a walk does not follow one.
pub fn refused_link(file: &Path, settings: &Settings) -> Option<Text> {
    let walked = mynaflow::input::walk(&[file.to_path_buf()], settings.walk);
    (!walked.not_followed.is_empty()).then(|| mynaflow::input::Walked::not_followed_reason(file))
}

/// The `.myna` files under `paths`, less those the config excludes, and
/// what the run withholds from them ([`designs_noting`]). A problem in
/// the walk (an unreadable folder) is printed and is exit status 2.
pub fn files(paths: &[PathBuf], settings: &Settings) -> Result<Designs, u8> {
    match designs_noting(paths, settings) {
        Ok(found) if found.problems.is_empty() => Ok(found),
        Ok(found) => {
            for p in &found.problems {
                fail_in(settings.lang, p);
            }
            Err(FAILURE)
        }
        Err(reason) => {
            fail_in(settings.lang, &reason);
            Err(FAILURE)
        }
    }
}

/// What [`designs_noting`] found: the designs to check, and what the run
/// withholds from them.
pub struct Designs {
    /// The designs, less those the config excludes.
    pub files: Vec<PathBuf>,
    /// The walk's problems (the caller fails the run).
    pub problems: Vec<Text>,
    /// How many designs the config's `exclude` took out.
    pub excluded: usize,
    /// The design-looking files in folders the walk does not enter, by
    /// folder, and the files whose name only reads as a design's (those
    /// the config excludes left out).
    pub passed: PassedOver,
}

/// The `.myna` files under `paths`, less those the config excludes, the
/// problems of the walk (an unreadable sub-folder, a symlink not
/// followed that may lead to designs: the walk goes on, and the caller
/// fails the run). A path that does not exist, or a folder
/// with no design in it, is an error: a typo in CI must not pass as a
/// clean run. So is a config whose `exclude` leaves none of the designs
/// found, found or named with `--config` alike: a run that checks nothing
/// must not pass as a gate, and a `mynaflow.toml` a pull request adds
/// could otherwise pass it. A config found below the starting folder
/// cannot exclude a file named on the command line. What the run
/// withholds is said on stderr here, and kept for the machine formats.
pub fn designs_noting(paths: &[PathBuf], settings: &Settings) -> Result<Designs, Text> {
    let Walks {
        mut files,
        mut problems,
        links,
        configs,
        mut skipped,
        skipped_folders,
        mut lookalikes,
        ..
    } = walk_paths(paths, settings.walk)?;
    let mut excluded = 0;
    if let Some(c) = &settings.config {
        excluded = keep_unexcluded(
            &mut files,
            c,
            settings.config_below_start,
            &Named::new(paths),
            settings.lang,
        )?;
    }
    if !settings.pinned
        && let Some(why) = under_another_config(&files, &configs, settings.config.as_ref())
    {
        return Err(why);
    }
    if let Some(c) = &settings.config {
        skipped.retain(|f| !c.excludes(f));
        lookalikes.retain(|f| !c.excludes(f));
    }
    if !skipped.is_empty() {
        say_skipped(&skipped, settings.lang);
    }
    say_lookalikes(&lookalikes, settings.lang);
    // A link not followed may stand where a design was: the run says so
    // and fails, as for a folder it could not read. A config cannot
    // excuse it (one in the tree may come with the pull request).
    problems.extend(links.iter().map(|l| Walked::not_followed_reason(l)));
    Ok(Designs {
        files,
        problems,
        excluded,
        passed: PassedOver {
            skipped: mynaflow::withheld::by_folder(&skipped_folders, &skipped),
            lookalikes,
        },
    })
}

/// What the walks of the paths given found, together ([`walk_paths`]).
pub struct Walks {
    /// The designs, sorted, each once.
    pub files: Vec<PathBuf>,
    /// The walks' problems (an unreadable sub-folder).
    pub problems: Vec<Text>,
    /// The links not followed that may lead to designs.
    pub links: Vec<PathBuf>,
    /// The folders walked that hold a `mynaflow.toml`.
    pub configs: Vec<PathBuf>,
    /// Design-looking files in folders the walks do not enter, sorted,
    /// each once.
    pub skipped: Vec<PathBuf>,
    /// The folders not entered that hold them, sorted, each once.
    pub skipped_folders: Vec<PathBuf>,
    /// The files whose name only reads as a design's, sorted, each once.
    pub lookalikes: Vec<PathBuf>,
    /// For each path given, in order: the designs its walk found.
    pub of_path: Vec<Vec<PathBuf>>,
}

/// Walks each of `paths`: a path that does not exist, or one with no
/// design in it, is an error (a typo in CI must not pass as a clean run).
pub fn walk_paths(paths: &[PathBuf], options: WalkOptions) -> Result<Walks, Text> {
    let mut w = Walks {
        files: Vec::new(),
        problems: Vec::new(),
        links: Vec::new(),
        configs: Vec::new(),
        skipped: Vec::new(),
        skipped_folders: Vec::new(),
        lookalikes: Vec::new(),
        of_path: Vec::new(),
    };
    // The files found so far, resolved: one file named under two
    // spellings (`a.myna ./a.myna`, a folder and a file in it by another
    // path) is one file, checked, reported and fixed once, under the
    // spelling that names it first. One path cannot give a file twice:
    // nothing is resolved then.
    let mut seen = HashSet::new();
    for p in paths {
        if let Err(e) = std::fs::symlink_metadata(p) {
            let shown = mynaflow::escape::visible(&p.display().to_string()).into_owned();
            return Err(Text::new(
                format!("{shown}: {e}"),
                format!("{shown}: {}", oserror::describe_ja(&e)),
            ));
        }
        let walked = walk(std::slice::from_ref(p), options);
        if walked.files.is_empty() && walked.problems.is_empty() && walked.not_followed.is_empty() {
            let shown = mynaflow::escape::visible(&p.display().to_string()).into_owned();
            let none = mynaflow::text!(
                "{shown}: no design (*.myna) found here";
                "{shown}: 設計ファイル (*.myna) が見つかりません"
            );
            // What only looks like one is said with the refusal, which
            // ends the run before the warnings.
            let Some(first) = walked.lookalikes.first() else {
                return Err(none);
            };
            let n = walked.lookalikes.len();
            let name = mynaflow::lookalike::shown(&mynaflow::input::display_name(first));
            return Err(mynaflow::text!(
                "{} ({n} file(s) only look like one, their names not ending in `.myna`: {name}{})", none.en, if n > 1 { ", …" } else { "" };
                "{} (名前が `.myna` で終わらず、設計ファイルのように見えるだけのファイルが {n} 件あります: {name}{})", none.ja, if n > 1 { "、…" } else { "" }
            ));
        }
        w.problems.extend(
            walked
                .problems
                .iter()
                .map(|e| Text::new(e.clone(), oserror::to_ja(e))),
        );
        w.links.extend(walked.not_followed);
        w.configs.extend(walked.configs);
        w.skipped.extend(walked.skipped);
        w.skipped_folders.extend(walked.skipped_folders);
        w.lookalikes.extend(walked.lookalikes);
        let mut files = walked.files;
        if paths.len() > 1 {
            files.retain(|f| seen.insert(mynaflow::input::resolved(f)));
        }
        w.files.extend(files.iter().cloned());
        w.of_path.push(files);
    }
    w.files.sort();
    w.files.dedup();
    w.skipped.sort();
    w.skipped.dedup();
    w.skipped_folders.sort();
    w.skipped_folders.dedup();
    w.lookalikes.sort();
    w.lookalikes.dedup();
    Ok(w)
}

/// The paths named on a command line, as a set: `git diff --name-only |
/// xargs mynaflow check` names every file, and a scan of the list for
/// each file (in each group) made 20 000 files under a sub-folder's config
/// take 13 s instead of 1.7.
pub struct Named<'a>(HashSet<&'a Path>);

impl<'a> Named<'a> {
    /// The set of `paths`.
    pub fn new(paths: &'a [PathBuf]) -> Named<'a> {
        Named(paths.iter().map(PathBuf::as_path).collect())
    }
}

/// Takes out of `files` those the config `c` excludes, and says (and
/// gives) how many it took; a config found below the starting folder (`below_start`)
/// cannot exclude a file named on the command line (one of `paths`).
/// A config that excludes every design is an error: a run that checks
/// nothing must not pass as a gate.
pub fn keep_unexcluded(
    files: &mut Vec<PathBuf>,
    c: &Config,
    below_start: bool,
    paths: &Named,
    lang: Lang,
) -> Result<usize, Text> {
    let named = |f: &PathBuf| below_start && paths.0.contains(f.as_path());
    let found = files.len();
    files.retain(|f| named(f) || !c.excludes(f));
    // What the config leaves unchecked is part of the result, as the
    // config is: said beside it, so that a log shows what a config in
    // a pull request took out.
    let excluded = found - files.len();
    if found > 0 && files.is_empty() {
        return Err(excluded_every_design(c, found));
    }
    if excluded > 0 {
        let shown = mynaflow::escape::visible(&c.path.display().to_string()).into_owned();
        match lang {
            Lang::En => eprintln!(
                "mynaflow: config: {shown} excludes {excluded} design(s) found; not checked"
            ),
            Lang::Ja => eprintln!(
                "mynaflow: 設定: {shown} により、見つかった設計 {excluded} 件を検査しません"
            ),
        }
    }
    Ok(excluded)
}

/// Why a run is refused when one of the designs it checks (`files`) is
/// in a folder below those it was given that holds a `mynaflow.toml` of
/// its own (`configs`, the folders walked that hold one) other than the
/// run's (`run`): that config, not the run's, governs the design.
fn under_another_config(
    files: &[PathBuf],
    configs: &[PathBuf],
    run: Option<&Config>,
) -> Option<Text> {
    let run_dir = run.map(|c| mynaflow::input::resolved(c.dir()));
    for dir in configs {
        if run_dir
            .as_ref()
            .is_some_and(|r| mynaflow::input::resolved(dir) == *r)
        {
            continue;
        }
        if let Some(file) = files.iter().find(|f| f.starts_with(dir)) {
            let its = dir.join(mynaflow::config::FILE_NAME);
            return Some(different_configs(
                file,
                Some(&its),
                run.map(|c| c.path.as_path()),
            ));
        }
    }
    None
}

/// Why a run is refused whose config's `select`, `ignore` and
/// `per-file-ignores` (`select` unless the command line's `--select`
/// replaces it: `select_replaced`) leave no code that judges flows
/// (MN1xx to MN4xx, [`Config::leaves_no_code`]) reported in one of the
/// designs it checks (`files`): a run that checks nothing must not pass a
/// gate, as one whose `exclude` leaves no design does not. The command
/// line's own `--ignore` is the user's choice, said on it, and is not
/// held to this.
pub fn checks_nothing(
    settings: &Settings,
    select_replaced: bool,
    files: &[PathBuf],
) -> Option<Text> {
    let c = settings.config.as_ref()?;
    let shown = mynaflow::escape::visible(&c.path.display().to_string()).into_owned();
    if c.leaves_no_code(select_replaced, &BTreeSet::new()) {
        return Some(mynaflow::text!(
            "{shown}: its `select` and `ignore` leave no code to report that judges a design's flows (MN1xx to MN4xx; syntax, suppression and rulebook codes judge none), so nothing would be checked; a run that checks nothing fails (select at least one of them)";
            "{shown}: `select` と `ignore` により、設計のフローを判定するコード (MN1xx〜MN4xx) が 1 つも残らず、何も検査しないことになります (構文・名前、抑制コメント、ルールブックのコードはフローを判定しません)。何も検査しない実行は失敗とします (MN1xx〜MN4xx のコードを 1 つ以上選んでください)"
        ));
    }
    if !c.per_file_ignores_may_hide_all(select_replaced) {
        return None;
    }
    let emptied: Vec<&PathBuf> = (files.iter())
        .filter(|f| c.leaves_no_code(select_replaced, &c.ignored_in(f)))
        .collect();
    let first = emptied.first()?;
    let (n, first) = (
        emptied.len(),
        mynaflow::escape::visible(&first.display().to_string()).into_owned(),
    );
    Some(mynaflow::text!(
        "{shown}: its `per-file-ignores` leave no code to report in {n} design(s) ({first} first) that judges a design's flows (MN1xx to MN4xx), so nothing would be checked there; a run that checks nothing fails (narrow `per-file-ignores`, or `exclude` those designs, which is said)";
        "{shown}: `per-file-ignores` により、設計 {n} 件 (最初は {first}) でフローを判定するコード (MN1xx〜MN4xx) が 1 つも残らず、何も検査しないことになります。何も検査しない実行は失敗とします (`per-file-ignores` を狭めるか、それらの設計を `exclude` で除外してください。除外は表示されます)"
    ))
}

/// Says on stderr how many findings (`hidden`) the config's `select`,
/// `ignore` and `per-file-ignores` kept out of the report, as the
/// baseline says what it excused: a `mynaflow.toml` a pull request adds
/// must not silence checks without a word in the log.
pub fn say_hidden_by_config(settings: &Settings, hidden: usize) {
    let Some(c) = settings.config.as_ref().filter(|_| hidden > 0) else {
        return;
    };
    let shown = mynaflow::escape::visible(&c.path.display().to_string()).into_owned();
    let said = mynaflow::text!(
        "mynaflow: config: {hidden} finding(s) hidden by the select/ignore/per-file-ignores of {shown}";
        "mynaflow: 設定: {shown} の select/ignore/per-file-ignores により {hidden} 件の指摘を表示していません"
    );
    eprintln!("{}", said.get(settings.lang));
}

/// Designs shown by name in the note of those the walk skipped.
const SKIPPED_SHOWN: usize = 3;

/// Says on stderr how many design-looking files (`skipped`, sorted) lie
/// in folders the walk does not enter (hidden ones, `target/`), and the
/// first few: not checked, and a log shows it, as it shows what a
/// config's `exclude` took out.
pub fn say_skipped(skipped: &[PathBuf], lang: Lang) {
    let n = skipped.len();
    let mut names: Vec<String> = (skipped.iter().take(SKIPPED_SHOWN))
        .map(|p| mynaflow::escape::visible(&mynaflow::input::display_name(p)).into_owned())
        .collect();
    if n > SKIPPED_SHOWN {
        names.push("…".to_string());
    }
    let (en, ja) = (names.join(", "), names.join("、"));
    let said = mynaflow::text!(
        "mynaflow: {n} design-looking file(s) in hidden folders or `target/` not checked (the walk does not enter them): {en}; name them on the command line to check them";
        "mynaflow: 隠しフォルダと `target/` の中は走査しないため、設計らしいファイル {n} 件を検査していません: {ja}。検査するにはコマンドラインで指定してください"
    );
    eprintln!("{}", said.get(lang));
}

/// Says on stderr, a line each, the files whose name only reads as a
/// design's ([`mynaflow::lookalike`]): not checked. As the folders the
/// walk skipped are ([`say_skipped`]), whatever `--quiet` says: what the
/// run did not check is part of its result.
pub fn say_lookalikes(lookalikes: &[PathBuf], lang: Lang) {
    for f in lookalikes {
        let said = mynaflow::wording::run::lookalike(f);
        eprintln!(
            "mynaflow: {}",
            mynaflow::escape::message_lines(said.get(lang))
        );
    }
}

/// Why a run whose config's `exclude` took out every one of the `found`
/// designs fails: it names the config, and says that nothing was checked.
fn excluded_every_design(c: &Config, found: usize) -> Text {
    let shown = mynaflow::escape::visible(&c.path.display().to_string()).into_owned();
    mynaflow::text!(
        "{shown}: its `exclude` leaves out all {found} design(s) found, so nothing was checked; a run that checks nothing fails (narrow `exclude`, or name designs it does not exclude)";
        "{shown}: `exclude` が見つかった設計 {found} 件をすべて除外したため、何も検査していません。何も検査しない実行は失敗とします (`exclude` を狭めるか、除外されない設計を指定してください)"
    )
}

/// Prints an error that stops the tool (exit status 2).
pub fn fail(msg: &str) {
    // Messages name files, and a file name may hold any character.
    eprintln!("mynaflow: error: {}", mynaflow::escape::message_lines(msg));
}

/// Prints an error that stops the tool (exit status 2) in `lang`.
pub fn fail_in(lang: Lang, msg: &Text) {
    match lang {
        Lang::En => eprintln!(
            "mynaflow: error: {}",
            mynaflow::escape::message_lines(&msg.en)
        ),
        Lang::Ja => eprintln!(
            "mynaflow: エラー: {}",
            mynaflow::escape::message_lines(&msg.ja)
        ),
    }
}

/// How many designs a run left unchecked
/// ([`mynaflow::code::Code::leaves_design_unchecked`]), by why.
#[derive(Clone, Copy, Debug, Default)]
pub struct Unchecked {
    /// Files that are not text (MN005).
    pub not_text: usize,
    /// Designs whose rulebook could not be loaded (MN013).
    pub no_rulebook: usize,
}

impl Unchecked {
    /// Counts a design left unchecked by a finding of `code`.
    pub fn add(&mut self, code: mynaflow::code::Code) {
        match code {
            mynaflow::code::Code::MN005 => self.not_text += 1,
            _ => self.no_rulebook += 1,
        }
    }

    /// Whether any design was left unchecked.
    pub fn any(&self) -> bool {
        self.not_text + self.no_rulebook > 0
    }

    /// Why the run fails (exit status 2).
    pub fn words(&self) -> Text {
        unchecked_designs(self.not_text, self.no_rulebook)
    }
}

/// Why a run that left designs unchecked
/// ([`mynaflow::code::Code::leaves_design_unchecked`]) fails (exit status
/// 2): `not_text` files that are not text (MN005), `no_rulebook` designs
/// whose rulebook could not be loaded (MN013).
pub fn unchecked_designs(not_text: usize, no_rulebook: usize) -> Text {
    let n = not_text + no_rulebook;
    match (not_text, no_rulebook) {
        (0, _) => mynaflow::text!(
            "{n} design(s) could not be checked against their rulebook (MN013)";
            "{n} 件の設計をルールブックと照合できませんでした (MN013)"
        ),
        (_, 0) => mynaflow::text!(
            "{n} design(s) could not be checked: not a UTF-8 text file (MN005)";
            "{n} 件の設計を検査できませんでした: UTF-8 のテキストファイルではありません (MN005)"
        ),
        (a, b) => mynaflow::text!(
            "{n} design(s) could not be checked: {a} not a UTF-8 text file (MN005), {b} whose rulebook could not be loaded (MN013)";
            "{n} 件の設計を検査できませんでした: UTF-8 のテキストファイルではないもの {a} 件 (MN005)、ルールブックを読み込めなかったもの {b} 件 (MN013)"
        ),
    }
}

/// Prints to stderr the findings that stop a command that needs a design's
/// model (graph, coverage): undecodable files (MN005) and rulebooks that
/// could not be loaded (MN013).
pub fn print_fatal(s: &Session, lang: mynaflow::text::Lang) {
    let diags: Vec<_> = s
        .sorted_diagnostics()
        .into_iter()
        .filter(|d| d.code.leaves_design_unchecked())
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

/// Files worked on side by side at most, and their input bytes, by the
/// commands that write what each gives in the files' order (`fmt`, `test
/// --update`, `check --fix`): a batch's results are held until they are
/// written, and one large design is worked on by itself, on every core.
const BATCH_FILES: usize = 64;
const BATCH_BYTES: u64 = 16 << 20;

/// `files` in order, cut into batches of at most [`BATCH_FILES`] files and
/// about [`BATCH_BYTES`] (a file that size or larger alone).
pub fn batches(files: &[PathBuf]) -> Vec<&[PathBuf]> {
    let mut out = Vec::new();
    let (mut start, mut bytes) = (0, 0u64);
    for (i, f) in files.iter().enumerate() {
        // The size only cuts the batches: a file that cannot be read says
        // so when it is read.
        let size = std::fs::metadata(f).map_or(0, |m| m.len());
        if i > start && (i - start >= BATCH_FILES || bytes + size > BATCH_BYTES) {
            out.push(&files[start..i]);
            (start, bytes) = (i, 0);
        }
        bytes += size;
    }
    if start < files.len() {
        out.push(&files[start..]);
    }
    out
}
