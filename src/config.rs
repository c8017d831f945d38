//! `mynaflow.toml`: project settings, found upward from the checked path
//! or named with `--config`. Command-line options override it.
//!
//! ```toml
//! rules = "rules/our-society.myna"   # default rulebook (relative to this file), or "kenpo"
//! format = "sarif"                   # human | json | sarif | github | junit
//! lang = "ja"                        # ja | en
//! deny = ["warnings"]
//! exclude = ["drafts/**", "**/*.wip.myna"]
//! baseline = "mynaflow-baseline.json"
//! ```

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The file name searched for.
pub const FILE_NAME: &str = "mynaflow.toml";

/// The output formats a config may name.
pub const FORMATS: &[&str] = &["human", "json", "sarif", "github", "junit"];

#[derive(Deserialize, Default, Debug)]
#[serde(deny_unknown_fields)]
struct Raw {
    rules: Option<String>,
    format: Option<String>,
    lang: Option<String>,
    deny: Option<Vec<String>>,
    exclude: Option<Vec<String>>,
    baseline: Option<String>,
    #[serde(rename = "require-clauses")]
    require_clauses: Option<bool>,
}

/// Loaded settings. Paths in it are resolved against the file's folder.
#[derive(Debug)]
pub struct Config {
    /// The file read.
    pub path: PathBuf,
    /// Default rulebook: a built-in name or a resolved path.
    pub rules: Option<String>,
    /// Output format name (one of [`FORMATS`]).
    pub format: Option<String>,
    /// `ja` or `en`.
    pub lang: Option<String>,
    /// Warnings fail the run.
    pub deny_warnings: bool,
    /// Baseline file, resolved.
    pub baseline: Option<PathBuf>,
    /// `require-clauses = true`: a contractor declared without a `clauses`
    /// block is reported (MN303), not taken as making no claim.
    pub require_clauses: bool,
    exclude: GlobSet,
    dir: PathBuf,
}

impl Config {
    /// The nearest `mynaflow.toml` in `start` (a file's folder, or a folder)
    /// or above it.
    pub fn find(start: &Path) -> Option<PathBuf> {
        let start = if start.is_dir() {
            start
        } else {
            start.parent()?
        };
        // `w.myna` has the parent "": that is the current folder.
        let start = if start.as_os_str().is_empty() {
            Path::new(".")
        } else {
            start
        };
        let start = std::fs::canonicalize(start).ok()?;
        start
            .ancestors()
            .map(|d| d.join(FILE_NAME))
            .find(|p| p.is_file())
    }

    /// Reads and validates a config file. The error says what is wrong and
    /// where (TOML errors carry their line and column).
    pub fn load(path: &Path) -> Result<Config, String> {
        let shown = path.display();
        let text = std::fs::read_to_string(path).map_err(|e| format!("{shown}: {e}"))?;
        let raw: Raw = toml::from_str(&text).map_err(|e| {
            format!("{shown}: {}", e.to_string().trim_end())
                + "\n  (known keys: rules, format, lang, deny, exclude, baseline, require-clauses)"
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
        let mut globs = GlobSetBuilder::new();
        for g in raw.exclude.iter().flatten() {
            globs.add(Glob::new(g).map_err(|e| format!("{shown}: exclude \"{g}\": {e}"))?);
        }
        let exclude = globs
            .build()
            .map_err(|e| format!("{shown}: exclude: {e}"))?;
        let rules = raw.rules.map(|r| {
            if crate::session::BUILTIN_RULEBOOKS
                .iter()
                .any(|(n, _)| *n == r)
            {
                r
            } else {
                dir.join(r).display().to_string()
            }
        });
        Ok(Config {
            path: path.to_path_buf(),
            rules,
            format: raw.format,
            lang: raw.lang,
            deny_warnings,
            baseline: raw.baseline.map(|b| dir.join(b)),
            require_clauses: raw.require_clauses.unwrap_or(false),
            exclude,
            dir,
        })
    }

    /// Does an `exclude` glob match this file (relative to the config's folder)?
    pub fn excludes(&self, file: &Path) -> bool {
        let abs = std::fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf());
        let dir = std::fs::canonicalize(&self.dir).unwrap_or_else(|_| self.dir.clone());
        let rel = abs.strip_prefix(&dir).unwrap_or(&abs);
        self.exclude.is_match(rel)
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
            Config::find(&sub).map(|p| p.file_name().map(|n| n.to_owned())),
            Some(Some(FILE_NAME.into()))
        );
    }

    #[test]
    fn unknown_keys_and_bad_values_are_errors() {
        let d = tempfile::tempdir().expect("tempdir");
        let e = Config::load(&write(d.path(), "rulez = \"x\"\n")).expect_err("unknown key");
        assert!(e.contains("rulez") && e.contains("known keys"), "{e}");
        assert!(Config::load(&write(d.path(), "format = \"xml\"\n")).is_err());
        assert!(Config::load(&write(d.path(), "lang = \"fr\"\n")).is_err());
        assert!(Config::load(&write(d.path(), "deny = [\"errors\"]\n")).is_err());
        assert!(Config::load(&write(d.path(), "exclude = [\"a[\"]\n")).is_err());
        assert_eq!(
            Config::load(&write(d.path(), "rules = \"kenpo\"\n"))
                .expect("ok")
                .rules
                .as_deref(),
            Some("kenpo")
        );
    }
}
