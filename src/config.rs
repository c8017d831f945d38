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
use crate::text::Text;
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
    exclude: GlobSet,
    dir: PathBuf,
}

impl Config {
    /// The nearest `mynaflow.toml` in `start` (a file's folder, or a folder)
    /// or above it. One there that is not a regular file (a symlink, a
    /// FIFO, a device, a folder) ends the search unread, with the reason:
    /// it may have come with the files checked, and a link could make the
    /// tool quote another file, as a FIFO could hang it. Passing it over
    /// would follow a config further up in silence.
    pub fn find(start: &Path) -> Result<Option<PathBuf>, Text> {
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
        let Ok(start) = std::fs::canonicalize(start) else {
            return Ok(None);
        };
        for dir in start.ancestors() {
            let path = dir.join(FILE_NAME);
            match std::fs::symlink_metadata(&path) {
                Ok(meta) => {
                    return match crate::input::not_regular(&meta) {
                        None => Ok(Some(path)),
                        Some(kind) => Err(found_not_regular(&path, kind)),
                    };
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    let shown = crate::escape::visible(&path.display().to_string()).into_owned();
                    return Err(Text::new(
                        format!("{shown}: {e}"),
                        format!("{shown}: {}", crate::oserror::describe_ja(&e)),
                    ));
                }
            }
        }
        Ok(None)
    }

    /// Reads and validates a config file. The error says what is wrong and
    /// where (TOML errors carry their line and column), quoting the file's
    /// lines only when it is a regular file inside the folder the run
    /// started in.
    pub fn load(path: &Path) -> Result<Config, String> {
        let start: Vec<PathBuf> = std::env::current_dir().into_iter().collect();
        Config::load_quoting(path, &start)
    }

    /// [`Config::load`], with the folders whose regular files a TOML error
    /// may quote: any other file (one a link leads to, `--config` follows
    /// it, or one above the project) may be a secret, and a public CI log
    /// shows what the error says.
    fn load_quoting(path: &Path, project: &[PathBuf]) -> Result<Config, String> {
        let shown = path.display();
        let bytes = crate::input::read_limited(path, MAX_CONFIG_BYTES)?;
        let text = String::from_utf8(bytes).map_err(|_| format!("{shown}: not UTF-8"))?;
        let raw: Raw = toml::from_str(&text).map_err(|e| {
            let why = if quotable(path, project) {
                e.to_string().trim_end().to_string()
            } else {
                unquoted(&text, &e)
            };
            format!("{shown}: {why}") + &format!("\n  (known keys: {})", KEYS.join(", "))
        })?;
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        if let Some(f) = &raw.format
            && !FORMATS.contains(&f.as_str())
        {
            return Err(format!(
                "{shown}: format = \"{f}\" is not one of {}",
                FORMATS.join(", ")
            ));
        }
        if let Some(l) = &raw.lang
            && !matches!(l.as_str(), "ja" | "en")
        {
            return Err(format!("{shown}: lang = \"{l}\" is not ja or en"));
        }
        let mut deny_warnings = false;
        for d in raw.deny.iter().flatten() {
            match d.as_str() {
                "warnings" => deny_warnings = true,
                other => {
                    return Err(format!(
                        "{shown}: deny = [\"{other}\"]: only \"warnings\" can be denied"
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
                return Err(format!(
                    "{shown}: max-per-code = {v}: must be a whole number, 0 (show every finding) or more"
                ));
            }
        };
        let mut globs = GlobSetBuilder::new();
        for g in raw.exclude.iter().flatten() {
            globs.add(Glob::new(g).map_err(|e| format!("{shown}: exclude \"{g}\": {e}"))?);
        }
        let exclude = globs
            .build()
            .map_err(|e| format!("{shown}: exclude: {e}"))?;
        let codes = |key: &str, list: &[String]| {
            crate::select::union(list).map_err(|e| format!("{shown}: {key}: {}", e.en))
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
            let g = Glob::new(glob)
                .map_err(|e| format!("{shown}: per-file-ignores \"{glob}\": {e}"))?;
            let key = format!("per-file-ignores \"{glob}\"");
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
            return Err(format!(
                "{shown}: rulebooks = []: name at least one rulebook a design may use"
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
            dir,
        })
    }

    /// The folder the config is in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// [`Config::load`], saying why not in both languages.
    pub fn read(path: &Path) -> Result<Config, Text> {
        Config::load(path).map_err(|e| unusable(&e))
    }

    /// The config that applies to a design or folder, found as `check`
    /// finds it (`mynaflow.toml` there or in a folder above), loaded, and
    /// held to the project ([`Config::rules_outside`], with `start` the
    /// folder the run started in, if any; its errors quote it only inside
    /// `start`). `check`, `test` and the language server all take it from
    /// here; one that is not a regular file is an error ([`Config::find`]).
    pub fn discover(at: &Path, start: Option<&Path>) -> Result<Option<Config>, Text> {
        let Some(path) = Config::find(at)? else {
            return Ok(None);
        };
        // The project whose files an error may quote: where the run
        // started. The language server has no such folder: the config it
        // found beside the designs it checks is theirs.
        let project: Vec<PathBuf> = match start {
            Some(start) => vec![start.to_path_buf()],
            None => path.parent().map(Path::to_path_buf).into_iter().collect(),
        };
        let config = Config::load_quoting(&path, &project).map_err(|e| unusable(&e))?;
        match config.rules_outside(start) {
            Some(why) => Err(why),
            None => Ok(Some(config)),
        }
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
        Some(crate::text!(
            "{shown}: rules = \"{r}\" is outside the project; name a rulebook inside it, or pin the config with --config";
            "{shown}: rules = \"{r}\" はプロジェクトの外にあります。プロジェクト内のルールブックを指定するか、--config で設定ファイルを固定してください"
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

    /// Does an `exclude` glob match this file (relative to the config's folder)?
    pub fn excludes(&self, file: &Path) -> bool {
        self.exclude.is_match(self.relative(file))
    }

    /// The codes `per-file-ignores` turns off in this file. A glob without
    /// `/` also matches the file's name alone, as in ruff.
    pub fn ignored_in(&self, file: &Path) -> BTreeSet<Code> {
        // No glob to match: the path is not resolved on the disk.
        if self.per_file_ignores.is_empty() {
            return BTreeSet::new();
        }
        let rel = self.relative(file);
        let name = rel.file_name().map(Path::new);
        let mut out = BTreeSet::new();
        for (glob, codes) in &self.per_file_ignores {
            let bare = !glob.glob().glob().contains('/');
            if glob.is_match(&rel) || (bare && name.is_some_and(|n| glob.is_match(n))) {
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
        let abs = std::fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf());
        let dir = std::fs::canonicalize(&self.dir).unwrap_or_else(|_| self.dir.clone());
        abs.strip_prefix(&dir).unwrap_or(&abs).to_path_buf()
    }
}

/// Why a config cannot be used (`e`, as [`Config::load`] says it), in
/// both languages.
fn unusable(e: &str) -> Text {
    Text::new(
        e.to_string(),
        format!("設定ファイルを使えません: {}", crate::oserror::to_ja(e)),
    )
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

/// A TOML error that quotes nothing of the file: where it is, not what is
/// there (the parser's message names the keys and values it met).
fn unquoted(text: &str, e: &toml::de::Error) -> String {
    let at = e.span().map_or(0, |s| s.start).min(text.len());
    let before = text.get(..at).unwrap_or_default();
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!(
        "line {line}, column {column}: not valid TOML, or not a setting of {FILE_NAME}; its text is not shown, as it is not a regular file inside the folder the run started in"
    )
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
            Config::find(&sub).map(|p| p.and_then(|p| p.file_name().map(|n| n.to_owned()))),
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

    #[test]
    fn unknown_keys_and_bad_values_are_errors() {
        let d = tempfile::tempdir().expect("tempdir");
        let project = [d.path().to_path_buf()];
        let p = write(d.path(), "rulez = \"x\"\n");
        let e = Config::load_quoting(&p, &project).expect_err("unknown key");
        assert!(e.contains("rulez") && e.contains("known keys"), "{e}");
        // Outside the project, the file's text is not quoted.
        let e = Config::load_quoting(&p, &[]).expect_err("unknown key");
        assert!(
            !e.contains("rulez") && e.contains("line 1, column 1"),
            "{e}"
        );
        assert!(Config::load(&write(d.path(), "format = \"xml\"\n")).is_err());
        assert!(Config::load(&write(d.path(), "lang = \"fr\"\n")).is_err());
        assert!(Config::load(&write(d.path(), "deny = [\"errors\"]\n")).is_err());
        assert!(Config::load(&write(d.path(), "exclude = [\"a[\"]\n")).is_err());
        let e = Config::load(&write(d.path(), "select = [\"MN9\"]\n")).expect_err("bad code");
        assert!(e.contains("select") && e.contains("MN9"), "{e}");
        assert!(Config::load(&write(d.path(), "[per-file-ignores]\n\"a\" = [\"X1\"]\n")).is_err());
        assert_eq!(
            Config::load(&write(d.path(), "rules = \"kenpo\"\n"))
                .expect("ok")
                .rules
                .as_deref(),
            Some("kenpo")
        );
    }
}
