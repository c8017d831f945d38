//! The designs of one `check`, grouped by the `mynaflow.toml` that governs
//! each: the nearest one at or above the design, as a run over the design
//! alone would find it (no config is a group too). Each group is checked
//! under its own config; what shapes the run's one output (its format and
//! language) must be the same for all, or the run is refused.

use super::Common;
use super::output::{
    Named, Settings, Walks, keep_unexcluded, say_config, say_lookalikes, say_skipped,
    settings_under,
};
use mynaflow::config::{Config, Found, Unusable};
use mynaflow::input::Walked;
use mynaflow::session::Session;
use mynaflow::text::{Lang, Text};
use mynaflow::withheld::{ByConfig, PassedOver, Withheld};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Designs that follow one config, and its settings.
pub struct Group {
    /// The config (if any) merged with the command line.
    pub settings: Settings,
    /// The designs it governs, less those its `exclude` takes out, sorted.
    pub files: Vec<PathBuf>,
    /// How many designs its `exclude` took out.
    pub excluded: usize,
}

/// What a run over several found configs checks.
pub struct Grouped {
    /// The groups, by their config's path (the designs under none first).
    pub groups: Vec<Group>,
    /// Problems of the walks (an unreadable folder, a link not followed):
    /// the run fails, and goes on.
    pub problems: Vec<Text>,
    /// The language of the run ([`Output`]).
    pub lang: Lang,
    /// The design-looking files in folders the walks do not enter, by
    /// folder, and the files whose name only reads as a design's (those
    /// a config governing them excludes left out).
    pub passed: PassedOver,
}

/// The settings of the run's one output, as its configs and the command
/// line decide them ([`settle`]).
#[derive(Clone, Debug)]
pub struct Output {
    /// The language.
    pub lang: Lang,
    /// The format a config names (a flag overrides it).
    pub format: Option<String>,
}

/// Why the run stops before it checks, and in which language and format
/// it says so, with the configs it had read.
pub struct Refused {
    /// Why.
    pub reason: Text,
    /// How the run's output was to be.
    pub output: Output,
    /// The configs read, as machine formats name them.
    pub configs: Vec<PathBuf>,
}

/// The designs under `paths` grouped by the config found for each, the
/// command line (`common`; `format_given`: `--format` was given) over
/// every config. Says on stderr each config followed, what each `exclude`
/// took out, and the design-looking files the walks passed over.
pub fn grouped(common: &Common, paths: &[PathBuf], format_given: bool) -> Result<Grouped, Refused> {
    let start = std::env::current_dir()
        .map(|d| mynaflow::input::resolved(&d))
        .ok();
    let early = Output {
        lang: super::lang(common.lang),
        format: None,
    };
    let refused = |reason, output: &Output, configs: &Configs| Refused {
        reason,
        output: output.clone(),
        configs: configs.shown(None),
    };
    // A config that cannot be followed is refused in its own `lang`, if
    // it names one (and `--lang` does not).
    let unusable = |u: Unusable, configs: &Configs| {
        let output = Output {
            lang: super::output::refusal_lang(common.lang, &u),
            format: None,
        };
        refused(u.why, &output, configs)
    };
    let mut configs = Configs::default();
    // The config of each path given, as a run over it alone finds it. A
    // path that is not there has none of its own: the walk says it is
    // not there (its folder's config says in which format, when no path
    // given is there).
    let there: Vec<&PathBuf> = (paths.iter())
        .filter(|p| std::fs::symlink_metadata(p).is_ok())
        .collect();
    let looked: Vec<&PathBuf> = match there.is_empty() {
        true => paths.iter().take(1).collect(),
        false => there,
    };
    let mut of_path: BTreeMap<&Path, Option<PathBuf>> = BTreeMap::new();
    for p in looked {
        let key = configs
            .find(p, start.as_ref())
            .map_err(|e| unusable(e, &configs))?;
        of_path.insert(p.as_path(), key);
    }
    let walks = match super::output::walk_paths(paths, walk_options(common)) {
        Ok(w) => w,
        Err(reason) => {
            // Said as the configs of the paths given would have it.
            let keys: Vec<Option<PathBuf>> = of_path.values().cloned().collect();
            let output = settle(common, format_given, &configs, &keys).unwrap_or(early);
            say_configs(&configs, &keys, output.lang);
            return Err(refused(reason, &output, &configs));
        }
    };
    // Each design's config: that of the deepest folder walked that holds
    // one, else that of the path it was found under.
    let mut files: BTreeMap<Option<PathBuf>, Vec<PathBuf>> = BTreeMap::new();
    let mut sub: BTreeMap<&Path, Option<PathBuf>> = BTreeMap::new();
    let config_dirs: HashSet<&Path> = walks.configs.iter().map(PathBuf::as_path).collect();
    for (p, found) in paths.iter().zip(&walks.of_path) {
        for f in found {
            let key = match mynaflow::input::deepest_holding(&config_dirs, f) {
                Some(dir) => match sub.get(dir) {
                    Some(k) => k.clone(),
                    None => {
                        let k = configs
                            .find(dir, start.as_ref())
                            .map_err(|e| unusable(e, &configs))?;
                        sub.insert(dir, k.clone());
                        k
                    }
                },
                None => of_path.get(p.as_path()).cloned().flatten(),
            };
            files.entry(key).or_default().push(f.clone());
        }
    }
    let keys: Vec<Option<PathBuf>> = files.keys().cloned().collect();
    let output = settle(common, format_given, &configs, &keys)
        .map_err(|reason| refused(reason, &early, &configs))?;
    let lang = output.lang;
    say_configs(&configs, &keys, lang);
    let followed = configs.shown(Some(&keys));
    let Walks {
        problems,
        links,
        skipped,
        skipped_folders,
        mut lookalikes,
        ..
    } = walks;
    let mut groups = Vec::new();
    let mut skipped_kept = skipped;
    let named = Named::new(paths);
    for (key, mut list) in files {
        list.sort();
        list.dedup();
        let config = key.and_then(|k| configs.take(&k));
        let mut settings = settings_under(common, config, true, false, start.as_ref());
        // One run, one language, whatever a group's config alone says.
        settings.lang = lang;
        let mut excluded = 0;
        if let Some(c) = &settings.config {
            excluded = keep_unexcluded(&mut list, c, settings.config_below_start, &named, lang)
                .map_err(|reason| Refused {
                    reason,
                    output: output.clone(),
                    configs: followed.clone(),
                })?;
        }
        groups.push(Group {
            settings,
            files: list,
            excluded,
        });
    }
    // The files a walk passed over that a config governing them excludes
    // are not said: they would not be checked anyway.
    let by_dir = configs_by_folder(&groups);
    skipped_kept.retain(|f| !excluded_by_any(&by_dir, f));
    if !skipped_kept.is_empty() {
        say_skipped(&skipped_kept, lang);
    }
    lookalikes.retain(|f| !excluded_by_any(&by_dir, f));
    say_lookalikes(&lookalikes, lang);
    let mut problems = problems;
    // A link not followed may stand where a design was: the run says so
    // and fails, as for a folder it could not read. A config cannot
    // excuse it (one in the tree may come with the pull request).
    problems.extend(links.iter().map(|l| Walked::not_followed_reason(l)));
    Ok(Grouped {
        groups,
        problems,
        lang,
        passed: PassedOver {
            skipped: mynaflow::withheld::by_folder(&skipped_folders, &skipped_kept),
            lookalikes,
        },
    })
}

/// How folders are walked, as the settings of every group say.
fn walk_options(common: &Common) -> mynaflow::input::WalkOptions {
    mynaflow::input::WalkOptions {
        follow_symlinks: common.follow_symlinks,
        list_skipped: true,
    }
}

/// The groups' configs by the folder each is in, resolved.
fn configs_by_folder(groups: &[Group]) -> HashMap<PathBuf, Vec<&Config>> {
    let mut out: HashMap<PathBuf, Vec<&Config>> = HashMap::new();
    for c in groups.iter().filter_map(|g| g.settings.config.as_ref()) {
        out.entry(mynaflow::input::resolved(c.dir()))
            .or_default()
            .push(c);
    }
    out
}

/// Does a config in `file`'s folder or one above it (`by_dir`) exclude it?
/// Read up the file's folders, not across every config: a monorepo may
/// hold one in each.
fn excluded_by_any(by_dir: &HashMap<PathBuf, Vec<&Config>>, file: &Path) -> bool {
    let at = mynaflow::input::resolved(file);
    (at.ancestors())
        .filter_map(|dir| by_dir.get(dir))
        .any(|cs| cs.iter().any(|c| c.excludes(file)))
}

/// The configs found so far, by the path each was found at, loaded once.
#[derive(Default)]
struct Configs {
    loaded: BTreeMap<PathBuf, Config>,
}

impl Configs {
    /// The config that governs `at` (a design or a folder), loaded if it
    /// was not yet: its path, or None when none does.
    fn find(&mut self, at: &Path, start: Option<&PathBuf>) -> Result<Option<PathBuf>, Unusable> {
        let Some(found): Option<Found> = Config::find(at)? else {
            return Ok(None);
        };
        let key = found.path.clone();
        if !self.loaded.contains_key(&key) {
            let c = Config::from_found(found, start.map(PathBuf::as_path))?;
            self.loaded.insert(key.clone(), c);
        }
        Ok(Some(key))
    }

    /// The config loaded at `key`, taken out.
    fn take(&mut self, key: &Path) -> Option<Config> {
        self.loaded.remove(key)
    }

    /// The configs read (those of `keys` only, when given), as machine
    /// formats name them.
    fn shown(&self, keys: Option<&[Option<PathBuf>]>) -> Vec<PathBuf> {
        // A set: a monorepo may hold a config in every folder.
        let keys: Option<HashSet<&PathBuf>> = keys.map(|k| k.iter().flatten().collect());
        (self.loaded.iter())
            .filter(|(k, _)| keys.as_ref().is_none_or(|keys| keys.contains(k)))
            .map(|(_, c)| c.shown_path())
            .collect()
    }
}

/// Says on stderr each config of `keys` that the run follows.
fn say_configs(configs: &Configs, keys: &[Option<PathBuf>], lang: Lang) {
    for key in keys.iter().flatten() {
        if let Some(c) = configs.loaded.get(key) {
            say_config(c, lang);
        }
    }
}

/// The run's language and format: the command line's, else what the
/// configs of `keys` that name one say. Two that say otherwise cannot
/// both shape one output: the run is refused, naming both and the
/// setting (a config that names none defers to the others).
fn settle(
    common: &Common,
    format_given: bool,
    configs: &Configs,
    keys: &[Option<PathBuf>],
) -> Result<Output, Text> {
    let followed: Vec<&Config> = (keys.iter().flatten())
        .filter_map(|k| configs.loaded.get(k))
        .collect();
    let agreed = |setting: &str, value: &dyn Fn(&Config) -> Option<String>| {
        let mut first: Option<(&Config, String)> = None;
        for c in &followed {
            let Some(v) = value(c) else { continue };
            match &first {
                None => first = Some((c, v)),
                Some((a, was)) if *was != v => return Err(disagree(setting, (a, was), (c, &v))),
                Some(_) => {}
            }
        }
        Ok(first.map(|(_, v)| v))
    };
    let lang = match common.lang {
        Some(_) => super::lang(common.lang),
        None => {
            let named = agreed("lang", &|c: &Config| c.lang.clone())?;
            named
                .as_deref()
                .and_then(Lang::parse)
                .unwrap_or_else(|| super::lang(None))
        }
    };
    let format = match format_given {
        true => None,
        false => agreed("format", &|c: &Config| c.format.clone())?,
    };
    Ok(Output { lang, format })
}

/// Why a run is refused whose designs follow two configs (`a`, `b`, each
/// with its value) that set `setting` of the run's one output otherwise.
fn disagree(setting: &str, (a, va): (&Config, &String), (b, vb): (&Config, &String)) -> Text {
    let shown = |c: &Config| mynaflow::escape::visible(&c.path.display().to_string()).into_owned();
    let (a, b) = (shown(a), shown(b));
    let (va, vb) = (
        mynaflow::escape::visible(va).into_owned(),
        mynaflow::escape::visible(vb).into_owned(),
    );
    let flag = format!("--{setting}");
    mynaflow::text!(
        "the designs checked follow two configs that set `{setting}` otherwise: {a} says \"{va}\", {b} says \"{vb}\"; one run writes one output, so give {flag} on the command line (or pin one config with --config FILE, or check each folder in a run of its own)";
        "検査する設計が従う 2 つの設定ファイルで `{setting}` の値が異なります: {a} は \"{va}\"、{b} は \"{vb}\" です。1 回の実行の出力は 1 つなので、コマンドラインで {flag} を指定してください (または --config FILE で設定ファイルを 1 つに固定するか、フォルダごとに分けて実行してください)"
    )
}

/// The designs under `paths`, each with the index of the settings it
/// follows, in the order of one run over them all, and those settings:
/// one under the config pinned (`--config`, `--no-config`), else one for
/// each config found, as `check` groups them (a command that writes no
/// report has no format to agree on). Every rulebook a group names
/// (`--rules`, a config's `rules`) must be usable. Or the exit status,
/// the reason said.
pub fn designs_with_settings(common: &Common, paths: &[PathBuf]) -> Result<Designs, u8> {
    designs_and_sessions(common, paths).map(|(d, _)| d)
}

/// [`designs_with_settings`], with a session for each group, made under
/// its settings (its rulebook loaded when one is named): for a command
/// that checks each group's designs together (`coverage`).
pub fn designs_and_sessions(
    common: &Common,
    paths: &[PathBuf],
) -> Result<(Designs, Vec<Session>), u8> {
    use super::output::{fail_in, files, session, try_session_for};
    if common.no_config || common.config.is_some() {
        let (s, settings) = session(common, paths)?;
        let found = files(paths, &settings)?;
        let designs = Designs {
            settings: vec![settings],
            files: found.files.into_iter().map(|f| (f, 0)).collect(),
            excluded: vec![found.excluded],
            passed: found.passed,
        };
        return Ok((designs, vec![s]));
    }
    let g = grouped(common, paths, true).map_err(|r| {
        fail_in(r.output.lang, &r.reason);
        super::FAILURE
    })?;
    if !g.problems.is_empty() {
        for p in &g.problems {
            fail_in(g.lang, p);
        }
        return Err(super::FAILURE);
    }
    let mut settings = Vec::new();
    let mut sessions = Vec::new();
    let mut files = Vec::new();
    let mut excluded = Vec::new();
    // Groups that use one rulebook load it once (a config in every folder).
    let shelf = std::sync::Arc::new(mynaflow::rulebook_shelf::RulebookShelf::new());
    for (i, group) in g.groups.into_iter().enumerate() {
        match try_session_for(&group.settings, Some(&shelf)) {
            Ok(s) => sessions.push(s),
            Err(reason) => {
                fail_in(g.lang, &reason);
                return Err(super::FAILURE);
            }
        }
        files.extend(group.files.into_iter().map(|f| (f, i)));
        settings.push(group.settings);
        excluded.push(group.excluded);
    }
    files.sort();
    let designs = Designs {
        settings,
        files,
        excluded,
        passed: g.passed,
    };
    Ok((designs, sessions))
}

/// The designs of a run, each with the settings it follows
/// ([`designs_with_settings`]).
pub struct Designs {
    /// The settings of each group.
    pub settings: Vec<Settings>,
    /// Each design, in the order of one run over them all, with the index
    /// of its group's settings.
    pub files: Vec<(PathBuf, usize)>,
    /// How many designs each group's config `exclude`d, by group.
    pub excluded: Vec<usize>,
    /// The design-looking files in folders the walks do not enter, by
    /// folder, and the files whose names only look like designs'.
    pub passed: PassedOver,
}

impl Designs {
    /// What the run withheld, for its machine output: each group's
    /// config with the designs its `exclude` took out and `hidden[i]`,
    /// the findings its filters hid (none for a command that shows every
    /// finding), and the folders the walks did not enter.
    pub fn withheld(&self, hidden: &[usize]) -> Option<Withheld> {
        let configs = (self.settings.iter().enumerate())
            .filter_map(|(i, s)| {
                let hidden = hidden.get(i).copied().unwrap_or(0);
                let excluded = self.excluded.get(i).copied().unwrap_or(0);
                by_config(s, hidden, excluded, 0)
            })
            .collect();
        Withheld::of(configs, self.passed.clone())
    }

    /// The designs of each group, in run order within it: one pass over
    /// the designs, not one per group (a monorepo may hold a config in
    /// every folder).
    pub fn by_group(&self) -> Vec<Vec<PathBuf>> {
        let mut out = vec![Vec::new(); self.settings.len()];
        for (f, g) in &self.files {
            if let Some(list) = out.get_mut(*g) {
                list.push(f.clone());
            }
        }
        out
    }
}

/// What the config of `settings` (if any) withheld: the findings its
/// filters hid, the designs its `exclude` took out, the findings its
/// baseline excused.
pub fn by_config(
    settings: &Settings,
    hidden: usize,
    excluded: usize,
    excused: usize,
) -> Option<ByConfig> {
    let c = settings.config.as_ref()?;
    Some(ByConfig {
        config: c.shown_path(),
        // Found, not pinned: it may have come with the pull request.
        found: !settings.pinned,
        hidden,
        excluded,
        excused,
    })
}
