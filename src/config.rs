//! `mynaflow.toml`: project settings, found upward from the checked path
//! or named with `--config`. Command-line options override it.
//!
//! ```toml
//! rules = "rules/our-society.myna"   # default rulebook (relative to this file), or "kenpo"
//! rulebooks = ["kenpo", "rules/our-society.myna"]  # the only ones a design may `use`
//! format = "sarif"                   # human | concise | json | sarif | github | gitlab | junit
//! lang = "ja"                        # ja | en
//! deny = ["warnings"]
//! exclude = ["drafts/**", "**/*.wip.myna"]
//! baseline = "mynaflow-baseline.json"
//! select = ["MN1", "MN2", "MN3"]      # codes or prefixes reported (default: all)
//! ignore = ["MN012"]                 # codes or prefixes never reported
//! unsuppressible = ["MN1"]           # codes or prefixes no suppression may silence
//! max-per-code = 100                 # findings of a code shown per file (0: all)
//!
//! [per-file-ignores]                 # glob (relative to this file) = codes or prefixes
//! "legacy/**" = ["MN2"]
//! ```
//!
//! `docs/mynaflow.schema.json` is the JSON Schema of this file (editors
//! such as VS Code with Even Better TOML read it); a test keeps it equal
//! to what [`Config::load`] accepts.

use crate::code::Code;
use crate::select::Selection;
use crate::session::{RulebookSource, Session};
use crate::text::{Lang, Text};
use globset::{Glob, GlobMatcher, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The file name searched for.
pub const FILE_NAME: &str = "mynaflow.toml";

/// A config larger than this is refused (it is read up to this, no more).
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// The output formats a config may name.
pub const FORMATS: &[&str] = &[
    "human", "concise", "json", "sarif", "github", "gitlab", "junit",
];

/// Every key the file may have.
pub const KEYS: &[&str] = &[
    "rules",
    "rulebooks",
    "format",
    "lang",
    "deny",
    "exclude",
    "baseline",
    "select",
    "ignore",
    "unsuppressible",
    "per-file-ignores",
    "require-clauses",
    "max-per-code",
];

#[derive(Deserialize, Default, Debug)]
#[serde(deny_unknown_fields)]
struct Raw {
    rules: Option<String>,
    rulebooks: Option<Vec<String>>,
    format: Option<String>,
    lang: Option<String>,
    deny: Option<Vec<String>>,
    exclude: Option<Vec<String>>,
    baseline: Option<String>,
    select: Option<Vec<String>>,
    ignore: Option<Vec<String>>,
    unsuppressible: Option<Vec<String>>,
    #[serde(rename = "per-file-ignores")]
    per_file_ignores: Option<BTreeMap<String, Vec<String>>>,
    #[serde(rename = "require-clauses")]
    require_clauses: Option<bool>,
    /// Read as any value, so that a wrong one is told in the file's terms.
    #[serde(rename = "max-per-code")]
    max_per_code: Option<toml::Value>,
}

/// Why a config cannot be followed, and the language it names when that
/// could be read (a valid `lang` beside a bad key): what is wrong with a
/// Japanese project's config is said in Japanese unless `--lang` says
/// otherwise.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unusable {
    /// Why, in both languages.
    pub why: Text,
    /// The config's own `lang`, if it could be read.
    pub lang: Option<Lang>,
}

impl From<Text> for Unusable {
    fn from(why: Text) -> Self {
        Unusable { why, lang: None }
    }
}

impl From<Unusable> for Text {
    fn from(u: Unusable) -> Self {
        u.why
    }
}

/// The `lang` a config's text names, if it parses as TOML and names `ja`
/// or `en`: read again only when the config was refused.
fn stated_lang(bytes: &[u8]) -> Option<Lang> {
    let table = std::str::from_utf8(bytes)
        .ok()?
        .parse::<toml::Table>()
        .ok()?;
    Lang::parse(table.get("lang")?.as_str()?)
}

/// Loaded settings. Paths in it are resolved against the file's folder.
#[derive(Debug)]
pub struct Config {
    /// The file read.
    pub path: PathBuf,
    /// Default rulebook: a built-in name or a resolved path.
    pub rules: Option<String>,
    /// `rulebooks`: the only rulebooks a design's `use` may name, each a
    /// built-in name or a resolved path (None: any).
    pub rulebooks: Option<Vec<String>>,
    /// Output format name (one of [`FORMATS`]).
    pub format: Option<String>,
    /// `ja` or `en`.
    pub lang: Option<String>,
    /// Warnings fail the run.
    pub deny_warnings: bool,
    /// Baseline file, resolved.
    pub baseline: Option<PathBuf>,
    /// The codes `select` and `ignore` choose.
    pub selection: Selection,
    /// `unsuppressible`: codes no suppression in a design may silence.
    pub unsuppressible: BTreeSet<Code>,
    /// `per-file-ignores`: a glob (relative to the config's folder) and
    /// the codes not reported in the files it matches.
    per_file_ignores: Vec<(GlobMatcher, BTreeSet<Code>)>,
    /// `require-clauses = true`: a contractor declared without a `clauses`
    /// block is reported (MN303), not taken as making no claim.
    pub require_clauses: bool,
    /// `max-per-code`: how many findings of one code `check` and the
    /// language server show in a file before they sum up the rest (0:
    /// every one).
    pub max_per_code: Option<usize>,
    /// `exclude`'s globs with a `/`, matched against the path relative to
    /// the config's folder.
    exclude: GlobSet,
    /// `exclude`'s globs without a `/`, matched against the file's name
    /// (at any depth, as in `.gitignore`).
    exclude_names: GlobSet,
    dir: PathBuf,
}

impl Config {
    /// The nearest `mynaflow.toml` in `start` (a file's folder, or a folder)
    /// or above it, judged without following a link. One there that is
    /// not a regular file (a symlink, a FIFO, a device, a folder) ends the
    /// search unread, with the reason: it may have come with the files
    /// checked, and a link could make the tool quote another file, as a
    /// FIFO could hang it. Passing it over would follow a config further
    /// up in silence.
    ///
    /// On Unix the search holds each folder open and looks only inside
    /// the one it holds (`search_from`): the file found is the file the
    /// search opened, and it is read from that handle. A folder on the way
    /// swapped for a link while the search runs, or before the file is
    /// read, is not followed, as it would be were a path looked up again.
    pub fn find(start: &Path) -> Result<Option<Found>, Text> {
        let Some(start) = (if start.is_dir() {
            Some(start)
        } else {
            start.parent()
        }) else {
            return Ok(None);
        };
        // `w.myna` has the parent "": that is the current folder.
        let start = if start.as_os_str().is_empty() {
            Path::new(".")
        } else {
            start
        };
        let Ok(start) = crate::canonical::canonicalize(start) else {
            return Ok(None);
        };
        #[cfg(unix)]
        {
            let dir = open_folder(&start).map_err(|e| io_failed(&start.join(FILE_NAME), &e))?;
            search_from(dir, &start)
        }
        #[cfg(not(unix))]
        {
            for dir in start.ancestors() {
                let path = dir.join(FILE_NAME);
                match std::fs::symlink_metadata(&path) {
                    Ok(meta) => {
                        return match crate::input::not_regular(&meta) {
                            None => Ok(Some(Found { path })),
                            Some(kind) => Err(found_not_regular(&path, kind)),
                        };
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(io_failed(&path, &e)),
                }
            }
            Ok(None)
        }
    }

    /// Reads and validates a config file named by the user (`--config`,
    /// which follows a link: the user chose the file). The error says what
    /// is wrong and where (TOML errors carry their line and column), in
    /// both languages, quoting the file's lines only when it is a regular
    /// file inside the folder the run started in.
    pub fn load(path: &Path) -> Result<Config, Text> {
        Config::load_stating(path).map_err(Text::from)
    }

    /// [`Config::load`], the error with the language the file names.
    fn load_stating(path: &Path) -> Result<Config, Unusable> {
        let start: Vec<PathBuf> = std::env::current_dir().into_iter().collect();
        Config::load_quoting(path, &start)
    }

    /// [`Config::load`], with the folders whose regular files a TOML error
    /// may quote: any other file (one a link leads to, `--config` follows
    /// it, or one above the project) may be a secret, and a public CI log
    /// shows what the error says.
    fn load_quoting(path: &Path, project: &[PathBuf]) -> Result<Config, Unusable> {
        let bytes = crate::input::read_limited(path, MAX_CONFIG_BYTES)
            .map_err(|e| crate::oserror::in_both(&e))?;
        Config::parse_stating(path, &bytes, quotable(path, project))
    }

    /// Reads a `mynaflow.toml` that [`Config::find`] found ([`Found::read`]).
    /// Its lines are quoted only when it was found inside `project`: the
    /// path the search went is compared, not looked up again, and the
    /// file was a regular file, not a link, when it was opened.
    fn load_found(found: Found, project: &[PathBuf]) -> Result<Config, Unusable> {
        let path = found.path.clone();
        let quoting = (project.iter()).any(|p| path.starts_with(crate::input::resolved(p)));
        let bytes = found.read()?;
        Config::parse_stating(&path, &bytes, quoting)
    }

    /// [`Config::parse`], a refusal carrying the `lang` the file names.
    fn parse_stating(path: &Path, bytes: &[u8], quoting: bool) -> Result<Config, Unusable> {
        Config::parse(path, bytes, quoting).map_err(|why| Unusable {
            why,
            lang: stated_lang(bytes),
        })
    }

    /// Validates the bytes of the config at `path`; `quoting`: may a TOML
    /// error quote its lines?
    fn parse(path: &Path, bytes: &[u8], quoting: bool) -> Result<Config, Text> {
        let shown = crate::escape::visible(&path.display().to_string()).into_owned();
        // Every value an error quotes is shown on one line: a value may
        // hold a line feed, and a line of its own could be a CI runner's
        // command (`::add-mask::`, `::stop-commands::`).
        let q = |s: &str| crate::escape::visible(s).into_owned();
        let text = std::str::from_utf8(bytes)
            .map_err(|_| crate::text!("{shown}: not UTF-8"; "{shown}: UTF-8 ではありません"))?;
        // Read as a table first: an error there is TOML's syntax, one
        // after it is a key or a value this file does not take. The two
        // are worded apart in Japanese.
        let raw: Raw = match text.parse::<toml::Table>() {
            Err(e) => return Err(toml_error(path, text, &e, Broken::Syntax, quoting)),
            Ok(_) => toml::from_str(text)
                .map_err(|e| toml_error(path, text, &e, Broken::Setting, quoting))?,
        };
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        if let Some(f) = &raw.format
            && !FORMATS.contains(&f.as_str())
        {
            let f = q(f);
            let (en, ja) = (FORMATS.join(", "), FORMATS.join("、"));
            return Err(crate::text!(
                "{shown}: format = \"{f}\" is not one of {en}";
                "{shown}: format = \"{f}\" は使えません。{ja} のいずれかを指定してください"
            ));
        }
        if let Some(l) = &raw.lang
            && !matches!(l.as_str(), "ja" | "en")
        {
            let l = q(l);
            return Err(crate::text!(
                "{shown}: lang = \"{l}\" is not ja or en";
                "{shown}: lang = \"{l}\" は使えません。ja か en を指定してください"
            ));
        }
        let mut deny_warnings = false;
        for d in raw.deny.iter().flatten() {
            match d.as_str() {
                "warnings" => deny_warnings = true,
                other => {
                    let other = q(other);
                    return Err(crate::text!(
                        "{shown}: deny = [\"{other}\"]: only \"warnings\" can be denied";
                        "{shown}: deny = [\"{other}\"] は使えません。deny に指定できるのは \"warnings\" だけです"
                    ));
                }
            }
        }
        let max_per_code = match &raw.max_per_code {
            None => None,
            Some(toml::Value::Integer(n)) if *n >= 0 => {
                Some(usize::try_from(*n).unwrap_or(usize::MAX))
            }
            Some(v) => {
                let v = q(&v.to_string());
                return Err(crate::text!(
                    "{shown}: max-per-code = {v}: must be a whole number, 0 (show every finding) or more";
                    "{shown}: max-per-code = {v} は使えません。0 (すべての指摘を表示) 以上の整数を指定してください"
                ));
            }
        };
        let (mut globs, mut names) = (GlobSetBuilder::new(), GlobSetBuilder::new());
        for g in raw.exclude.iter().flatten() {
            let glob = glob_of(g).map_err(|e| bad_glob(&shown, &format!("exclude \"{g}\""), &e))?;
            if g.contains('/') {
                globs.add(glob);
            } else {
                names.add(glob);
            }
        }
        let built = |b: GlobSetBuilder| {
            b.build().map_err(|e| {
                let said = q(&e.to_string());
                crate::text!(
                    "{shown}: exclude: {said}";
                    "{shown}: exclude のパターンをまとめられません: {}", glob_error_ja(&e)
                )
            })
        };
        let (exclude, exclude_names) = (built(globs)?, built(names)?);
        let codes = |key: &str, list: &[String]| {
            let key = q(key);
            crate::select::union(list)
                .map_err(|e| crate::text!("{shown}: {key}: {}", e.en; "{shown}: {key}: {}", e.ja))
        };
        let selection = Selection {
            select: raw
                .select
                .as_deref()
                .map(|l| codes("select", l))
                .transpose()?,
            ignore: codes("ignore", raw.ignore.as_deref().unwrap_or_default())?,
        };
        let unsuppressible = codes(
            "unsuppressible",
            raw.unsuppressible.as_deref().unwrap_or_default(),
        )?;
        let mut per_file_ignores = Vec::new();
        for (glob, list) in raw.per_file_ignores.iter().flatten() {
            let key = format!("per-file-ignores \"{glob}\"");
            let g = glob_of(glob).map_err(|e| bad_glob(&shown, &key, &e))?;
            per_file_ignores.push((g.compile_matcher(), codes(&key, list)?));
        }
        let at_dir = |r: String| {
            if crate::session::BUILTIN_RULEBOOKS
                .iter()
                .any(|(n, _)| *n == r)
            {
                r
            } else {
                dir.join(r).display().to_string()
            }
        };
        if raw.rulebooks.as_ref().is_some_and(Vec::is_empty) {
            return Err(crate::text!(
                "{shown}: rulebooks = []: name at least one rulebook a design may use";
                "{shown}: rulebooks = [] は使えません。設計が `use` で読み込めるルールブックを 1 つ以上指定してください"
            ));
        }
        let rules = raw.rules.map(at_dir);
        let rulebooks = (raw.rulebooks).map(|l| l.into_iter().map(at_dir).collect());
        Ok(Config {
            path: path.to_path_buf(),
            rules,
            rulebooks,
            format: raw.format,
            lang: raw.lang,
            deny_warnings,
            baseline: raw.baseline.map(|b| dir.join(b)),
            selection,
            unsuppressible,
            per_file_ignores,
            require_clauses: raw.require_clauses.unwrap_or(false),
            max_per_code,
            exclude,
            exclude_names,
            dir,
        })
    }

    /// The folder the config is in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The language its `lang` names, if it names one ([`Config::load`]
    /// refuses any but `ja` and `en`): what every command that reads it,
    /// and the language server for the documents under it, say things in
    /// unless `--lang` says otherwise.
    pub fn language(&self) -> Option<Lang> {
        self.lang.as_deref().and_then(Lang::parse)
    }

    /// [`Config::load`], saying why not as a run that stops says it.
    pub fn read(path: &Path) -> Result<Config, Unusable> {
        Config::load_stating(path).map_err(unusable)
    }

    /// The config that applies to a design or folder, found as `check`
    /// finds it (`mynaflow.toml` there or in a folder above), loaded, and
    /// held to the project ([`Config::rules_outside`], with `start` the
    /// folder the run started in, if any; its errors quote it only inside
    /// `start`). `check`, `test` and the language server all take it from
    /// here; one that is not a regular file is an error ([`Config::find`]).
    pub fn discover(at: &Path, start: Option<&Path>) -> Result<Option<Config>, Unusable> {
        match Config::find(at)? {
            Some(found) => Config::from_found(found, start).map(Some),
            None => Ok(None),
        }
    }

    /// [`Config::discover`] for a config [`Config::find`] found: loaded,
    /// and held to the project as a found config is.
    pub fn from_found(found: Found, start: Option<&Path>) -> Result<Config, Unusable> {
        // The project whose files an error may quote: where the run
        // started. The language server has no such folder: the config it
        // found beside the designs it checks is theirs.
        let project: Vec<PathBuf> = match start {
            Some(start) => vec![start.to_path_buf()],
            None => (found.path.parent())
                .map(Path::to_path_buf)
                .into_iter()
                .collect(),
        };
        let config = Config::load_found(found, &project).map_err(unusable)?;
        match (config.rules_outside(start)).or_else(|| config.baseline_outside(start)) {
            Some(why) => Err(Unusable {
                why,
                lang: config.language(),
            }),
            None => Ok(config),
        }
    }

    /// Does this config leave no code reported in a file that judges its
    /// flows ([`Code::judges_flows`], MN1xx to MN4xx), so that a check
    /// there would pass any flow whatever the design says: its `select`
    /// (unless the command line's `--select` replaces it:
    /// `select_replaced`), its `ignore`, and `ignored`, what its
    /// `per-file-ignores` turn off in that file ([`Config::ignored_in`]).
    /// Syntax, suppression and rulebook codes left alone do not count:
    /// `select = ["MN0"]` or `["MN6"]` checks no flow.
    pub fn leaves_no_code(&self, select_replaced: bool, ignored: &BTreeSet<Code>) -> bool {
        (Code::ALL.iter())
            .filter(|c| c.judges_flows())
            .all(|c| self.hides(select_replaced, *c, ignored))
    }

    /// Does this config hide `code` in a file whose `per-file-ignores` turn
    /// off `ignored` ([`Config::leaves_no_code`] for `select_replaced`)?
    pub fn hides(&self, select_replaced: bool, code: Code, ignored: &BTreeSet<Code>) -> bool {
        let selected = select_replaced
            || self
                .selection
                .select
                .as_ref()
                .is_none_or(|s| s.contains(&code));
        !selected || self.selection.ignore.contains(&code) || ignored.contains(&code)
    }

    /// Could `per-file-ignores` leave a file with no code reported: do
    /// its codes, all together, with `ignore`, cover every code selected?
    /// When not, no file need be matched to know that none is left empty.
    pub fn per_file_ignores_may_hide_all(&self, select_replaced: bool) -> bool {
        let all: BTreeSet<Code> = (self.per_file_ignores.iter())
            .flat_map(|(_, codes)| codes.iter().copied())
            .collect();
        !self.per_file_ignores.is_empty() && self.leaves_no_code(select_replaced, &all)
    }

    /// Why a config that was found (not named with `--config`) cannot be
    /// followed: it names a rulebook file outside the project (its own
    /// folder and `start`, where the run started). It came with the files
    /// checked, and must not make the tool show another file.
    pub fn rules_outside(&self, start: Option<&Path>) -> Option<Text> {
        let r = self.rules.as_deref()?;
        if crate::session::BUILTIN_RULEBOOKS
            .iter()
            .any(|(n, _)| *n == r)
        {
            return None;
        }
        let mut roots = vec![self.dir().to_path_buf()];
        roots.extend(start.map(crate::input::resolved));
        if crate::input::is_inside(Path::new(r), &roots) {
            return None;
        }
        let shown = crate::escape::visible(&self.path.display().to_string()).into_owned();
        let r = crate::escape::visible(r);
        Some(crate::text!(
            "{shown}: rules = \"{r}\" is outside the project; name a rulebook inside it, or pin the config with --config";
            "{shown}: rules = \"{r}\" はプロジェクトの外にあります。プロジェクト内のルールブックを指定するか、--config で設定ファイルを固定してください"
        ))
    }

    /// Why a config that was found cannot be followed: its `baseline`
    /// is outside the project (its own folder and `start`), judged as
    /// [`Config::rules_outside`] judges `rules`, through links. It came
    /// with the files checked; the baseline it names is read, and its
    /// errors are shown, so it must not lead to another file of the
    /// machine. `--baseline` on the command line may name any file.
    pub fn baseline_outside(&self, start: Option<&Path>) -> Option<Text> {
        let b = self.baseline.as_deref()?;
        let mut roots = vec![self.dir().to_path_buf()];
        roots.extend(start.map(crate::input::resolved));
        if crate::input::is_inside(b, &roots) {
            return None;
        }
        let shown = crate::escape::visible(&self.path.display().to_string()).into_owned();
        let b = crate::escape::visible(&b.display().to_string()).into_owned();
        Some(crate::text!(
            "{shown}: baseline = \"{b}\" is outside the project; name a baseline inside it, name one with --baseline, or pin the config with --config";
            "{shown}: baseline = \"{b}\" はプロジェクトの外にあります。プロジェクト内のベースラインを指定するか、--baseline で指定するか、--config で設定ファイルを固定してください"
        ))
    }

    /// A session that checks as `config` says: its default rulebook
    /// (`rules`, the command line's choice, wins; else the config's; else
    /// `kenpo`), the rulebooks a design may `use` (`rulebooks`), the codes
    /// no suppression may silence (`unsuppressible`) and its check options
    /// (`require-clauses`).
    pub fn session(config: Option<&Config>, rules: Option<&str>) -> Session {
        let rules = rules.or_else(|| config.and_then(|c| c.rules.as_deref()));
        let mut s = Session::new(RulebookSource::named(rules.unwrap_or("kenpo"), None));
        s.options.delegation.require_clauses = config.is_some_and(|c| c.require_clauses);
        s.allowed_rulebooks = (config.and_then(|c| c.rulebooks.as_ref()))
            .map(|l| l.iter().map(|r| RulebookSource::named(r, None)).collect());
        s.unsuppressible = config.map(|c| c.unsuppressible.clone()).unwrap_or_default();
        s
    }

    /// Which codes the config reports in `file`: its `select` and
    /// `ignore`, and its `per-file-ignores` (matched once, here: matching
    /// resolves the file's path on the disk).
    pub fn reports_in(&self, file: &Path) -> impl Fn(Code) -> bool + '_ {
        let ignored = self.ignored_in(file);
        move |code| self.selection.reports(code) && !ignored.contains(&code)
    }

    /// The config's path as machine formats name it, the way the checked
    /// files are usually named: relative to the folder the run started in
    /// when it is inside that folder, else absolute (a found config is
    /// absolute; one named with `--config` stays as it was spelled).
    pub fn shown_path(&self) -> PathBuf {
        let Ok(start) = std::env::current_dir() else {
            return self.path.clone();
        };
        let start = crate::input::resolved(&start);
        match self.path.strip_prefix(&start) {
            Ok(rel) if self.path.is_absolute() => rel.to_path_buf(),
            _ => self.path.clone(),
        }
    }

    /// Does an `exclude` glob match this file? One with a `/` is matched
    /// against the path relative to the config's folder, one without
    /// against the file's name, at any depth.
    pub fn excludes(&self, file: &Path) -> bool {
        let rel = self.relative(file);
        self.exclude.is_match(&rel)
            || rel
                .file_name()
                .is_some_and(|n| self.exclude_names.is_match(Path::new(n)))
    }

    /// The codes `per-file-ignores` turns off in this file. A glob with a
    /// `/` is matched against the path relative to the config's folder,
    /// one without against the file's name alone, at any depth
    /// (as `exclude` reads its globs).
    pub fn ignored_in(&self, file: &Path) -> BTreeSet<Code> {
        // No glob to match: the path is not resolved on the disk.
        if self.per_file_ignores.is_empty() {
            return BTreeSet::new();
        }
        let rel = self.relative(file);
        let name = rel.file_name().map(Path::new);
        let mut out = BTreeSet::new();
        for (glob, codes) in &self.per_file_ignores {
            let matched = if glob.glob().glob().contains('/') {
                glob.is_match(&rel)
            } else {
                name.is_some_and(|n| glob.is_match(n))
            };
            if matched {
                out.extend(codes.iter().copied());
            }
        }
        out
    }

    /// Does `per-file-ignores` name any file?
    pub fn has_per_file_ignores(&self) -> bool {
        !self.per_file_ignores.is_empty()
    }

    /// The file's path relative to the config's folder (as it is when it
    /// is outside it).
    fn relative(&self, file: &Path) -> PathBuf {
        let abs = crate::canonical::canonical_or_as_given(file);
        let dir = crate::canonical::canonical_or_as_given(&self.dir);
        abs.strip_prefix(&dir).unwrap_or(&abs).to_path_buf()
    }
}

/// A glob of `exclude` or `per-file-ignores`, read as it reads: `*`, `?`
/// and `[…]` stay within one folder (`"sub/*"` is the files directly in
/// `sub`), `**` crosses folders (`"sub/**"`). A glob without `/` is
/// matched against a file's name, at any depth, as in `.gitignore`.
fn glob_of(g: &str) -> Result<Glob, globset::Error> {
    globset::GlobBuilder::new(g).literal_separator(true).build()
}

/// Why a config cannot be used (`e`, as [`Config::load`] says it): in
/// Japanese, said to be about the config first, as the sentence may
/// start with an operating system's words.
fn unusable(e: Unusable) -> Unusable {
    let why = Text::new(e.why.en, format!("設定ファイルを使えません: {}", e.why.ja));
    Unusable { why, ..e }
}

/// A `mynaflow.toml` that [`Config::find`] found: a regular file when the
/// search judged it. On Unix it holds the file the search opened, so that
/// what is read is what was judged, wherever its path leads by then.
#[derive(Debug)]
pub struct Found {
    /// Where it was found: the canonical start folder, or a folder above
    /// it, joined with [`FILE_NAME`]. Shown in messages; on Unix never
    /// opened again.
    pub path: PathBuf,
    /// The file the search opened; or, when the folder's entry
    /// (`fstatat`) is a regular file that could not be opened, why: said
    /// by [`Found::read`], as a config that cannot be read is, not as a
    /// failure of the search.
    #[cfg(unix)]
    file: std::io::Result<std::fs::File>,
}

impl Found {
    /// Its bytes, at most [`MAX_CONFIG_BYTES`]. On Unix they are read from
    /// the file the search opened; elsewhere the file is opened by its
    /// path and judged again on the opened file (`open_found`).
    pub fn read(self) -> Result<Vec<u8>, Text> {
        #[cfg(unix)]
        let file = self.file.map_err(|e| io_failed(&self.path, &e))?;
        #[cfg(not(unix))]
        let file = open_found(&self.path)?;
        read_bounded(file, &self.path)
    }
}

/// The name searched for, as `openat` takes it.
#[cfg(unix)]
const FILE_NAME_C: &std::ffi::CStr = c"mynaflow.toml";

/// `O_PATH` where there is one, else nothing: a folder the search holds
/// is only looked in, never listed, so one that may be searched but not
/// listed (`chmod 711`, as some home folders are) does not stop the
/// search. Elsewhere a folder is opened for reading, and such a folder
/// stops the search with its error.
#[cfg(unix)]
const LOOK_ONLY: libc::c_int = {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        libc::O_PATH
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        0
    }
};

/// How the search opens a folder above the one it holds.
#[cfg(unix)]
const FOLDER_FLAGS: libc::c_int = libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC | LOOK_ONLY;

/// How the search opens a `mynaflow.toml`: not through a link (`ELOOP`,
/// refused as a link), and without blocking (a FIFO with no writer would
/// hang a plain open) or becoming the controlling terminal.
#[cfg(unix)]
const FILE_FLAGS: libc::c_int =
    libc::O_RDONLY | libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY | libc::O_CLOEXEC;

/// Opens the folder the search starts in (its canonical path: the one
/// path the search looks up).
#[cfg(unix)]
fn open_folder(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    // std adds `O_CLOEXEC`.
    (std::fs::OpenOptions::new().read(true))
        .custom_flags(libc::O_DIRECTORY | LOOK_ONLY)
        .open(path)
}

/// [`Config::find`]'s search on Unix, from `dir`, the folder `shown` names,
/// opened: `mynaflow.toml` is opened in the folder held, and when it is
/// not there, the folder above is opened as that folder's `..`, up to the
/// root (whose `..` is itself) or to the top of `shown`. No path is looked
/// up, so a folder on the way swapped for a link is not followed: the
/// search goes on in the folders it held. What is found is judged on the
/// file opened (`fstat`); `shown` only names it.
#[cfg(unix)]
fn search_from(mut dir: std::fs::File, shown: &Path) -> Result<Option<Found>, Text> {
    let mut levels = shown.ancestors().peekable();
    while let Some(level) = levels.next() {
        let path = level.join(FILE_NAME);
        match at::open(&dir, FILE_NAME_C, FILE_FLAGS) {
            Ok(file) => {
                let meta = file.metadata().map_err(|e| io_failed(&path, &e))?;
                // `O_NOFOLLOW` refused a link; what else is there, a FIFO,
                // a device, a folder, is named as the search names it.
                return match crate::input::not_regular(&meta) {
                    None => Ok(Some(Found {
                        path,
                        file: Ok(file),
                    })),
                    Some(kind) => Err(found_not_regular(&path, kind)),
                };
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) if refused_as_link(&e) => return Err(found_not_regular(&path, "a symlink")),
            // Not opened for another reason (a socket is `ENXIO`, a file
            // not readable `EACCES`): judged by what the folder's entry
            // is, as a search that does not open would judge it.
            Err(e) => {
                return match at::mode(&dir, FILE_NAME_C) {
                    Ok(mode) => match crate::input::not_regular_mode(mode) {
                        None => Ok(Some(Found { path, file: Err(e) })),
                        Some(kind) => Err(found_not_regular(&path, kind)),
                    },
                    Err(_) => Err(io_failed(&path, &e)),
                };
            }
        }
        let Some(above) = levels.peek() else {
            break;
        };
        let above = above.join(FILE_NAME);
        let parent = at::open(&dir, c"..", FOLDER_FLAGS).map_err(|e| io_failed(&above, &e))?;
        if same_file(&parent, &dir).map_err(|e| io_failed(&above, &e))? {
            break;
        }
        dir = parent;
    }
    Ok(None)
}

/// Are `a` and `b` the same file (device and inode)?
#[cfg(unix)]
fn same_file(a: &std::fs::File, b: &std::fs::File) -> std::io::Result<bool> {
    use std::os::unix::fs::MetadataExt;
    let (a, b) = (a.metadata()?, b.metadata()?);
    Ok((a.dev(), a.ino()) == (b.dev(), b.ino()))
}

/// The calls the search makes in a folder it holds, which std has no
/// form of: `openat` and `fstatat`. Each returned descriptor is owned at
/// once (`File`), so none is leaked.
#[cfg(unix)]
#[allow(unsafe_code)]
mod at {
    use std::ffi::CStr;
    use std::fs::File;
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

    /// Opens `name` in the folder `dir` with `flags` (none creates a file).
    pub(super) fn open(dir: &File, name: &CStr, flags: libc::c_int) -> std::io::Result<File> {
        // SAFETY: `dir` is an open descriptor, borrowed for the call;
        // `name` is NUL-terminated and outlives it. Without `O_CREAT` no
        // mode argument is read.
        let fd = unsafe { libc::openat(dir.as_raw_fd(), name.as_ptr(), flags) };
        if fd < 0 {
            return Err(std::io::Error::last_os_error());
        }
        // SAFETY: `fd` was just returned by `openat`: open, and owned by
        // nothing else.
        Ok(File::from(unsafe { OwnedFd::from_raw_fd(fd) }))
    }

    /// The `st_mode` of `name` in the folder `dir`, not following a link.
    pub(super) fn mode(dir: &File, name: &CStr) -> std::io::Result<libc::mode_t> {
        let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
        // SAFETY: `dir` is an open descriptor and `name` NUL-terminated,
        // both borrowed for the call; `st` is writable room for a `stat`.
        let r = unsafe {
            libc::fstatat(
                dir.as_raw_fd(),
                name.as_ptr(),
                st.as_mut_ptr(),
                libc::AT_SYMLINK_NOFOLLOW,
            )
        };
        if r != 0 {
            return Err(std::io::Error::last_os_error());
        }
        // SAFETY: `fstatat` returned 0, so it filled `st`.
        Ok(unsafe { st.assume_init() }.st_mode)
    }
}

/// Opens the `mynaflow.toml` at `path`, found by the path-based search
/// (not Unix), and judges it by the opened file's own metadata: what is
/// read is what was judged, whatever the path names by then.
#[cfg(not(unix))]
fn open_found(path: &Path) -> Result<std::fs::File, Text> {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if refused_as_link(&e) => return Err(found_not_regular(path, "a symlink")),
        Err(e) => return Err(io_failed(path, &e)),
    };
    let meta = file.metadata().map_err(|e| io_failed(path, &e))?;
    if let Some(kind) = crate::input::not_regular(&meta) {
        return Err(found_not_regular(path, kind));
    }
    Ok(file)
}

/// Reads a found config from `file`, opened and judged, at most
/// [`MAX_CONFIG_BYTES`]; `path` names it.
fn read_bounded(file: std::fs::File, path: &Path) -> Result<Vec<u8>, Text> {
    use std::io::Read;
    // One byte past the bound tells a file over it from one at it.
    let mut bytes = Vec::new();
    (file.take(MAX_CONFIG_BYTES + 1))
        .read_to_end(&mut bytes)
        .map_err(|e| io_failed(path, &e))?;
    if bytes.len() as u64 > MAX_CONFIG_BYTES {
        // As `input::read_limited` words it, and `oserror` in Japanese.
        let shown = crate::escape::visible(&path.display().to_string()).into_owned();
        return Err(crate::oserror::in_both(&format!(
            "{shown}: larger than {MAX_CONFIG_BYTES} bytes; not read"
        )));
    }
    Ok(bytes)
}

/// `e`, met at `path`, in both languages.
fn io_failed(path: &Path, e: &std::io::Error) -> Text {
    let shown = crate::escape::visible(&path.display().to_string()).into_owned();
    Text::new(
        format!("{shown}: {e}"),
        format!("{shown}: {}", crate::oserror::describe_ja(e)),
    )
}

/// Is `e`, from an open with `O_NOFOLLOW`, the refusal of a link? Linux
/// and macOS say `ELOOP`; FreeBSD and DragonFly say `EMLINK`, NetBSD
/// `EFTYPE`. Without `O_NOFOLLOW` (not Unix) no error is one.
fn refused_as_link(e: &std::io::Error) -> bool {
    #[cfg(unix)]
    {
        let Some(n) = e.raw_os_error() else {
            return false;
        };
        #[cfg(any(target_os = "freebsd", target_os = "dragonfly"))]
        if n == libc::EMLINK {
            return true;
        }
        #[cfg(target_os = "netbsd")]
        if n == libc::EFTYPE {
            return true;
        }
        n == libc::ELOOP
    }
    #[cfg(not(unix))]
    {
        let _ = e;
        false
    }
}

/// Why a `mynaflow.toml` found by search, `kind` of file (a symlink, a
/// FIFO, …), is not followed: named, with nothing of what it holds or
/// leads to.
fn found_not_regular(path: &Path, kind: &str) -> Text {
    let shown = crate::escape::visible(&path.display().to_string()).into_owned();
    let kind_ja = crate::oserror::file_kind_ja(kind);
    crate::text!(
        "{shown}: {kind}, not a regular file: a {FILE_NAME} found by search is read only when it is one (name a config with --config, or read none with --no-config)";
        "{shown}: {kind_ja}であり、通常のファイルではありません。探して見つけた {FILE_NAME} は通常のファイルのときだけ読みます (--config で設定ファイルを指定するか、--no-config で読まずに実行してください)"
    )
}

/// May a TOML error quote the lines of the config at `path`? Only when it
/// is a regular file itself (not a link) inside one of `project`'s folders.
fn quotable(path: &Path, project: &[PathBuf]) -> bool {
    let regular =
        std::fs::symlink_metadata(path).is_ok_and(|m| crate::input::not_regular(&m).is_none());
    regular && crate::input::is_inside(path, project)
}

/// What a TOML error is about: the file's TOML, or a key or value that
/// is not a setting of [`FILE_NAME`].
#[derive(Clone, Copy)]
enum Broken {
    /// Not valid TOML.
    Syntax,
    /// Valid TOML, but a key this file does not have or a value of the
    /// wrong kind.
    Setting,
}

/// A TOML error of the config at `path` (its `text`), with the known
/// keys. `quoting`: may it show the file's line and the parser's words
/// (which name the keys and values it met)? If not, it says where, not
/// what. The parser's words are English; in Japanese they follow the
/// sentence, as a quotation. Its lines are the tool's own: what it
/// quotes (the file's line, the parser's words, which may hold a key
/// with a line feed in it) is escaped onto one line each.
fn toml_error(path: &Path, text: &str, e: &toml::de::Error, broken: Broken, quoting: bool) -> Text {
    let shown = crate::escape::visible(&path.display().to_string()).into_owned();
    let (line, column) = line_and_column(text, e.span().map_or(0, |s| s.start));
    let keys = crate::text!(
        "\n  (known keys: {})", KEYS.join(", ");
        "\n  (使える設定項目: {})", KEYS.join("、")
    );
    if !quoting {
        return crate::text!(
            "{shown}: line {line}, column {column}: not valid TOML, or not a setting of {FILE_NAME}; its text is not shown, as it is not a regular file inside the folder the run started in{}", keys.en;
            "{shown}: {line} 行 {column} 列目が TOML として正しくないか、{FILE_NAME} の設定ではありません。実行を始めたフォルダ内の通常のファイルではないため、内容は表示しません{}", keys.ja
        );
    }
    // serde's words for a key `Raw` does not have.
    let unknown = e
        .message()
        .strip_prefix("unknown field `")
        .and_then(|m| m.split_once('`'))
        .map(|(key, _)| key);
    let near = unknown.and_then(|k| crate::names::did_you_mean(k, KEYS.iter().copied()));
    let hint = near.map_or_else(
        Text::default,
        |n| crate::text!("\n  (did you mean `{n}`?)"; "\n  (`{n}` の誤りではありませんか？)"),
    );
    let what_ja = match (broken, unknown) {
        (Broken::Syntax, _) => "TOML の書き方が正しくありません".to_string(),
        (Broken::Setting, Some(k)) => {
            format!("`{}` という設定項目はありません", crate::escape::visible(k))
        }
        (Broken::Setting, None) => format!("この値は {FILE_NAME} の設定として使えません"),
    };
    let message = crate::escape::visible(e.message().trim_end()).into_owned();
    // The parser's own words, but for an unknown key: the known keys
    // below say what it lists.
    let said = match unknown {
        Some(_) => String::new(),
        None => format!("\n  (TOML パーサーの説明: {message})"),
    };
    let excerpt = excerpt(text, e.span());
    // Laid out as the parser lays its own message out, with what it
    // quotes escaped.
    Text::new(
        format!(
            "{shown}: TOML parse error at line {line}, column {column}\n{excerpt}\n{message}{}{}",
            hint.en, keys.en
        ),
        format!(
            "{shown}: {line} 行 {column} 列目: {what_ja}\n{excerpt}{said}{}{}",
            hint.ja, keys.ja
        ),
    )
}

/// The 1-based line and column (in characters) of byte `at` in `text`.
fn line_and_column(text: &str, at: usize) -> (usize, usize) {
    let at = at.min(text.len());
    // A span that falls inside a character counts from the one before.
    let at = (0..=at)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    let before = text.get(..at).unwrap_or_default();
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// The line of `text` that `span` starts in, with a gutter and carets
/// under the span (as the TOML parser draws it in English).
fn excerpt(text: &str, span: Option<std::ops::Range<usize>>) -> String {
    let span = span.unwrap_or(0..0);
    let (line, column) = line_and_column(text, span.start);
    let content = text.split('\n').nth(line - 1).unwrap_or_default();
    let content = content.strip_suffix('\r').unwrap_or(content);
    // The file's line, shown on one line (a lone CR or a control escaped).
    let shown = crate::escape::visible(content);
    let width = span
        .end
        .saturating_sub(span.start)
        .min(content.len().saturating_sub(column - 1))
        .max(1);
    let gutter = " ".repeat(line.to_string().len());
    format!(
        "{gutter} |\n{line} | {shown}\n{gutter} | {}{}",
        " ".repeat(column - 1),
        "^".repeat(width)
    )
}

/// A glob of `key` (`exclude "…"`, `per-file-ignores "…"`) that does not
/// parse, in both languages; `shown` names the config, escaped. The key
/// and globset's words (which repeat the glob) are escaped here.
fn bad_glob(shown: &str, key: &str, e: &globset::Error) -> Text {
    let key = crate::escape::visible(key);
    let said = crate::escape::visible_owned(e.to_string());
    crate::text!(
        "{shown}: {key}: {said}";
        "{shown}: {key} のパターンが正しくありません: {}", glob_error_ja(e)
    )
}

/// Why a glob does not parse, in Japanese (globset says it in English).
fn glob_error_ja(e: &globset::Error) -> String {
    use globset::ErrorKind as K;
    match e.kind() {
        K::UnclosedClass => "文字クラスの `[` が閉じていません (`]` がありません)".to_string(),
        K::InvalidRange(a, b) => format!(
            "文字の範囲 `{}-{}` が正しくありません",
            crate::escape::visible(&a.to_string()),
            crate::escape::visible(&b.to_string())
        ),
        K::UnopenedAlternates => {
            "`}` に対応する `{` がありません (`}` そのものは `[}]` と書きます)".to_string()
        }
        K::UnclosedAlternates => {
            "`{` に対応する `}` がありません (`{` そのものは `[{]` と書きます)".to_string()
        }
        K::NestedAlternates => "`{…}` は入れ子にできません".to_string(),
        K::TooManyNestedAlternates => "`{…}` の入れ子が深すぎます".to_string(),
        K::DanglingEscape => "末尾の `\\` の後に文字がありません".to_string(),
        K::InvalidRecursive => "`**` の使い方が正しくありません".to_string(),
        // The regular expression library's own words, quoted.
        K::Regex(why) => format!(
            "正規表現に変換できません (説明: {})",
            crate::escape::visible(why)
        ),
        other => format!(
            "(globset の説明: {})",
            crate::escape::visible(&other.to_string())
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, text: &str) -> PathBuf {
        let p = dir.join(FILE_NAME);
        std::fs::write(&p, text).expect("write");
        p
    }

    #[test]
    fn loads_and_resolves_paths() {
        let d = tempfile::tempdir().expect("tempdir");
        let p = write(
            d.path(),
            "rules = \"r/x.myna\"\nformat = \"sarif\"\nlang = \"ja\"\ndeny = [\"warnings\"]\nexclude = [\"drafts/**\"]\n",
        );
        let c = Config::load(&p).expect("loads");
        assert_eq!(
            c.rules,
            Some(d.path().join("r/x.myna").display().to_string())
        );
        assert!(c.deny_warnings);
        std::fs::create_dir_all(d.path().join("drafts")).expect("mkdir");
        std::fs::write(d.path().join("drafts/a.myna"), "").expect("write");
        std::fs::write(d.path().join("b.myna"), "").expect("write");
        assert!(c.excludes(&d.path().join("drafts/a.myna")));
        assert!(!c.excludes(&d.path().join("b.myna")));
        let sub = d.path().join("drafts");
        assert_eq!(
            Config::find(&sub).map(|f| f.and_then(|f| f.path.file_name().map(|n| n.to_owned()))),
            Ok(Some(FILE_NAME.into()))
        );
    }

    #[test]
    fn selections_and_per_file_ignores() {
        let d = tempfile::tempdir().expect("tempdir");
        let p = write(
            d.path(),
            "select = [\"MN1\", \"MN3\"]\nignore = [\"MN303\"]\n[per-file-ignores]\n\"legacy/**\" = [\"MN1\"]\n\"*.draft.myna\" = [\"MN301\"]\n",
        );
        let c = Config::load(&p).expect("loads");
        assert!(c.selection.reports(Code::MN102));
        assert!(!c.selection.reports(Code::MN303));
        assert!(!c.selection.reports(Code::MN201));
        let ignored = c.ignored_in(&d.path().join("legacy/a.myna"));
        assert!(
            ignored.contains(&Code::MN101) && ignored.len() == 5,
            "{ignored:?}"
        );
        let ignored = c.ignored_in(&d.path().join("x/y/b.draft.myna"));
        assert_eq!(ignored.into_iter().collect::<Vec<_>>(), [Code::MN301]);
        assert!(c.ignored_in(&d.path().join("b.myna")).is_empty());
        assert!(c.has_per_file_ignores());
    }

    /// `*` stays within one folder, `**` crosses folders, and a glob
    /// without `/` names a file at any depth: `"sub/*"` is not
    /// `sub/deep/old.myna` (it was, `*` crossing `/`).
    #[test]
    fn a_star_stays_in_its_folder() {
        let d = tempfile::tempdir().expect("tempdir");
        let p = write(
            d.path(),
            "exclude = [\"sub/*\", \"*.wip.myna\"]\n[per-file-ignores]\n\"sub/*\" = [\"MN2\"]\n\"old.myna\" = [\"MN1\"]\n\"deep/**\" = [\"MN3\"]\n",
        );
        let c = Config::load(&p).expect("loads");
        let at = |f: &str| d.path().join(f);
        assert!(c.excludes(&at("sub/new.myna")));
        assert!(!c.excludes(&at("sub/deep/old.myna")));
        assert!(c.excludes(&at("a/b/x.wip.myna")) && c.excludes(&at("x.wip.myna")));
        // The families (`MN1`, …) of the codes turned off in a file.
        let codes = |f: &str| {
            let families: BTreeSet<String> = (c.ignored_in(&at(f)).into_iter())
                .filter_map(|c| c.as_str().get(..3).map(str::to_string))
                .collect();
            families.into_iter().collect::<Vec<_>>()
        };
        assert_eq!(codes("sub/new.myna"), ["MN2"]);
        assert_eq!(codes("sub/deep/old.myna"), ["MN1"]);
        assert_eq!(codes("deep/a/b.myna"), ["MN3"]);
        assert_eq!(codes("old.myna"), ["MN1"]);
    }

    #[test]
    fn a_refusal_carries_the_language_the_file_names() {
        let d = tempfile::tempdir().expect("tempdir");
        let project = [d.path().to_path_buf()];
        for (text, lang) in [
            ("lang = \"ja\"\nselect = [\"MN999\"]\n", Some(Lang::Ja)),
            ("lang = \"en\"\nformat = \"xml\"\n", Some(Lang::En)),
            ("lang = \"ja\"\nfoo = 1\n", Some(Lang::Ja)),
            ("lang = \"fr\"\n", None),
            ("lang = \"ja\"\nx = \n", None),
        ] {
            let e = Config::load_quoting(&write(d.path(), text), &project).expect_err(text);
            assert_eq!(e.lang, lang, "{text}");
        }
    }

    #[test]
    fn unknown_keys_and_bad_values_are_errors() {
        let d = tempfile::tempdir().expect("tempdir");
        let project = [d.path().to_path_buf()];
        let p = write(d.path(), "rulez = \"x\"\n");
        let e = Config::load_quoting(&p, &project)
            .expect_err("unknown key")
            .why;
        assert!(e.en.contains("rulez") && e.en.contains("known keys"), "{e}");
        assert!(e.en.contains("did you mean `rules`?"), "{e}");
        assert!(
            e.ja.contains("1 行 1 列目: `rulez` という設定項目はありません")
                && e.ja.contains("`rules` の誤りではありませんか")
                && e.ja.contains("使える設定項目: rules、rulebooks"),
            "{}",
            e.ja
        );
        // Outside the project, the file's text is not quoted.
        let e = Config::load_quoting(&p, &[]).expect_err("unknown key").why;
        assert!(
            !e.en.contains("rulez") && e.en.contains("line 1, column 1"),
            "{e}"
        );
        assert!(
            !e.ja.contains("rulez") && e.ja.contains("1 行 1 列目が TOML として正しくないか"),
            "{}",
            e.ja
        );
        assert!(Config::load(&write(d.path(), "format = \"xml\"\n")).is_err());
        assert!(Config::load(&write(d.path(), "lang = \"fr\"\n")).is_err());
        assert!(Config::load(&write(d.path(), "deny = [\"errors\"]\n")).is_err());
        assert!(Config::load(&write(d.path(), "exclude = [\"a[\"]\n")).is_err());
        let e = Config::load(&write(d.path(), "select = [\"MN9\"]\n")).expect_err("bad code");
        assert!(e.en.contains("select") && e.en.contains("MN9"), "{e}");
        assert!(e.ja.contains("select: 「MN9」はコードでも"), "{}", e.ja);
        assert!(Config::load(&write(d.path(), "[per-file-ignores]\n\"a\" = [\"X1\"]\n")).is_err());
        assert_eq!(
            Config::load(&write(d.path(), "rules = \"kenpo\"\n"))
                .expect("ok")
                .rules
                .as_deref(),
            Some("kenpo")
        );
    }

    /// Each refusal of a value, and a TOML error, is worded in Japanese
    /// too: a sentence of its own, the parser's words only quoted.
    #[test]
    fn every_refusal_is_worded_in_both_languages() {
        let d = tempfile::tempdir().expect("tempdir");
        let project = [d.path().to_path_buf()];
        let cases = [
            ("format = \"xml\"\n", "format = \"xml\" は使えません"),
            ("lang = \"fr\"\n", "lang = \"fr\" は使えません"),
            (
                "deny = [\"errors\"]\n",
                "指定できるのは \"warnings\" だけです",
            ),
            ("max-per-code = -1\n", "0 (すべての指摘を表示) 以上の整数"),
            (
                "exclude = [\"a[\"]\n",
                "exclude \"a[\" のパターンが正しくありません: 文字クラスの `[` が閉じていません",
            ),
            ("exclude = [\"{a\"]\n", "`{` に対応する `}` がありません"),
            (
                "[per-file-ignores]\n\"a\\\\\" = [\"MN1\"]\n",
                "per-file-ignores \"a\\\" のパターンが正しくありません: 末尾の `\\` の後に文字がありません",
            ),
            (
                "[per-file-ignores]\n\"a\" = [\"X1\"]\n",
                "per-file-ignores \"a\": 「X1」はコードでも",
            ),
            ("ignore = [\"Q\"]\n", "ignore: 「Q」はコードでも"),
            (
                "unsuppressible = [\"Q\"]\n",
                "unsuppressible: 「Q」はコードでも",
            ),
            (
                "rulebooks = []\n",
                "ルールブックを 1 つ以上指定してください",
            ),
            (
                "x = \n",
                "1 行 5 列目: TOML の書き方が正しくありません\n  |\n1 | x = \n  |     ^\n  (TOML パーサーの説明: ",
            ),
            (
                "select = \"MN1\"\n",
                "1 行 10 列目: この値は mynaflow.toml の設定として使えません",
            ),
        ];
        for (text, ja) in cases {
            let e = Config::load_quoting(&write(d.path(), text), &project)
                .expect_err(text)
                .why;
            assert!(e.ja.contains(ja), "{text:?}: {}", e.ja);
            assert!(!e.en.is_empty() && e.en != e.ja, "{text:?}: {e}");
        }
        let p = d.path().join(FILE_NAME);
        std::fs::write(&p, b"lang = \"\xff\"\n").expect("write");
        let e = Config::load_quoting(&p, &project)
            .expect_err("not UTF-8")
            .why;
        assert!(
            e.en.ends_with(": not UTF-8") && e.ja.ends_with(": UTF-8 ではありません"),
            "{e:?}"
        );
        // As the command line says it: about the config, first.
        assert!(
            Config::read(&p)
                .expect_err("not UTF-8")
                .why
                .ja
                .starts_with("設定ファイルを使えません: ")
        );
    }

    /// A config found by search is opened without following a link: a
    /// link where the search looks is refused as a link, unread, in both
    /// languages; and a link put in the file's place once the search has
    /// opened it changes nothing, as what is read is what was opened.
    #[cfg(unix)]
    #[test]
    fn a_found_config_is_opened_without_following_a_link() {
        let d = tempfile::tempdir().expect("tempdir");
        let outside = d.path().join("secret.toml");
        std::fs::write(&outside, "lang = \"en\"\n").expect("write");
        let found = d.path().join(FILE_NAME);
        std::os::unix::fs::symlink(&outside, &found).expect("symlink");
        let e = Config::find(d.path()).expect_err("a link is refused");
        assert!(
            e.en.contains("a symlink, not a regular file: a mynaflow.toml found by search"),
            "{e}"
        );
        assert!(
            e.ja.contains("シンボリックリンクであり、通常のファイルではありません"),
            "{}",
            e.ja
        );
        // A regular file is read, and its errors quote it inside the project.
        std::fs::remove_file(&found).expect("rm");
        std::fs::write(&found, "lang = \"ja\"\n").expect("write");
        let project = [d.path().to_path_buf()];
        let opened = Config::find(d.path()).expect("found").expect("there");
        std::fs::remove_file(&found).expect("rm");
        std::os::unix::fs::symlink(&outside, &found).expect("symlink");
        let c = Config::load_found(opened, &project).expect("read");
        assert_eq!(c.lang.as_deref(), Some("ja"));
    }

    /// A FIFO found where the config was does not block the open (no
    /// writer ever comes): refused at once, by what the opened file is.
    #[cfg(unix)]
    #[test]
    fn a_fifo_in_place_of_a_found_config_does_not_block() {
        let d = tempfile::tempdir().expect("tempdir");
        let found = d.path().join(FILE_NAME);
        // This module allows no `unsafe` (only `at` does), so not libc's
        // mkfifo: the command.
        let made = std::process::Command::new("mkfifo").arg(&found).status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("SKIPPED: no mkfifo command to make a FIFO with");
            return;
        }
        let (tx, rx) = std::sync::mpsc::channel();
        let dir = d.path().to_path_buf();
        std::thread::spawn(move || {
            let _ = tx.send(Config::find(&dir));
        });
        let read = rx
            .recv_timeout(std::time::Duration::from_secs(20))
            .expect("opening a FIFO did not block");
        let e = read.expect_err("a FIFO is refused");
        assert!(e.en.contains("a FIFO, not a regular file"), "{e}");
        assert!(
            e.ja.contains("FIFOであり、通常のファイルではありません"),
            "{}",
            e.ja
        );
    }

    /// A socket, which cannot be opened at all (`ENXIO`), is named a
    /// socket, as the search named it before it opened what it found.
    #[cfg(unix)]
    #[test]
    fn a_socket_in_place_of_a_found_config_is_named_a_socket() {
        let d = tempfile::tempdir().expect("tempdir");
        let found = d.path().join(FILE_NAME);
        let _listener = std::os::unix::net::UnixListener::bind(&found).expect("bind");
        let e = Config::find(d.path()).expect_err("a socket is refused");
        assert!(e.en.contains("a socket, not a regular file"), "{e}");
        assert!(
            e.ja.contains("ソケットであり、通常のファイルではありません"),
            "{}",
            e.ja
        );
    }

    /// Two folders, `p` and `q`, each with a folder `c` and a config of
    /// its own; `p/c` is where the search starts.
    #[cfg(unix)]
    fn two_projects() -> (tempfile::TempDir, PathBuf) {
        let d = tempfile::tempdir().expect("tempdir");
        let root = d.path().canonicalize().expect("canonical");
        for (name, lang) in [("p", "ja"), ("q", "en")] {
            std::fs::create_dir_all(root.join(name).join("c")).expect("mkdir");
            let config = format!("lang = \"{lang}\"\n");
            std::fs::write(root.join(name).join(FILE_NAME), config).expect("write");
        }
        (d, root)
    }

    /// `p` moved away and a link to `q` put in its place: what a path
    /// through `p` reaches now is `q`'s config.
    #[cfg(unix)]
    fn swap_for_a_link(root: &Path) {
        std::fs::rename(root.join("p"), root.join("p-moved")).expect("mv");
        std::os::unix::fs::symlink(root.join("q"), root.join("p")).expect("symlink");
    }

    /// The search goes up through the folders it holds open: a folder
    /// above the start swapped for a link to another folder, with another
    /// config, between the opening of the start folder and the search is
    /// not followed. The config read is the one that was above the folder
    /// opened, shown where it was found. (A search that looks paths up
    /// reads `q`'s.)
    #[cfg(unix)]
    #[test]
    fn a_folder_swapped_for_a_link_during_the_search_is_not_followed() {
        let (_d, root) = two_projects();
        let start = root.join("p/c");
        let dir = open_folder(&start).expect("open");
        swap_for_a_link(&root);
        let found = search_from(dir, &start).expect("found").expect("there");
        assert_eq!(found.path, root.join("p").join(FILE_NAME));
        let read = found.read().expect("read");
        assert_eq!(String::from_utf8_lossy(&read), "lang = \"ja\"\n");
    }

    /// The file found is the file read: a folder on its path swapped for
    /// a link to another folder with another config between the search
    /// and the reading is not followed. (Found by path and opened by path
    /// again, `O_NOFOLLOW` guards only the last name, and `q`'s config
    /// was read: this test failed so.)
    #[cfg(unix)]
    #[test]
    fn a_folder_swapped_for_a_link_before_the_reading_is_not_followed() {
        let (_d, root) = two_projects();
        let found = Config::find(&root.join("p/c"))
            .expect("found")
            .expect("there");
        swap_for_a_link(&root);
        let c = Config::load_found(found, std::slice::from_ref(&root)).expect("read");
        assert_eq!(c.lang.as_deref(), Some("ja"));
        assert_eq!(c.path, root.join("p").join(FILE_NAME));
    }

    /// The search stops at the root, whose `..` is itself.
    #[test]
    fn the_search_ends_at_the_root() {
        let root = Path::new("/");
        if root.join(FILE_NAME).exists() {
            eprintln!("SKIPPED: this machine has a /{FILE_NAME}");
            return;
        }
        assert!(matches!(Config::find(root), Ok(None)));
    }

    /// The name `openat` is given is the name searched for.
    #[cfg(unix)]
    #[test]
    fn the_name_opened_is_the_file_name() {
        assert_eq!(FILE_NAME_C.to_bytes(), FILE_NAME.as_bytes());
    }

    /// A found config over the bound is refused unread past it.
    #[test]
    fn a_found_config_is_read_up_to_its_bound() {
        let d = tempfile::tempdir().expect("tempdir");
        let found = d.path().join(FILE_NAME);
        let mut text = "# pad\n".repeat(usize::try_from(MAX_CONFIG_BYTES).expect("fits") / 6);
        text.push_str("lang = \"ja\"\n");
        std::fs::write(&found, &text).expect("write");
        let read = || {
            Config::find(d.path())
                .expect("found")
                .expect("there")
                .read()
        };
        let e = read().expect_err("too large");
        assert!(e.en.ends_with("larger than 1048576 bytes; not read"), "{e}");
        assert!(
            e.ja.ends_with("1048576 バイトを超えるため読みません"),
            "{}",
            e.ja
        );
        std::fs::write(&found, "lang = \"ja\"\n").expect("write");
        assert_eq!(read().expect("small"), b"lang = \"ja\"\n");
    }
}
