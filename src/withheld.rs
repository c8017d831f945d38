//! What a run did not check or did not show, and why: a run-level fact.
//! A config's `select`, `ignore` and `per-file-ignores` hide findings,
//! its `exclude` leaves designs unchecked, its `baseline` excuses
//! findings; the walk does not enter hidden folders or `target/`. None of
//! these fails the run, nor does a file whose name only reads as a
//! design's (`a.myna `, [`crate::lookalike`]), which the walk passes over;
//! and a `mynaflow.toml` a pull request adds in a
//! sub-folder governs the designs under it: so every machine format says
//! what was withheld, and by which config, where a reviewer sees it (a
//! warning, not an error: the run did its job). `--max-per-code` is not
//! among them: the findings past the cap are summed up in the last one
//! shown and count toward the exit status. [`crate::wording::run`] words
//! each fact.

use std::path::{Path, PathBuf};

/// What one config withheld.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ByConfig {
    /// The config, named as the checked files are (relative to where the
    /// run started, or absolute); escaped where it is shown.
    pub config: PathBuf,
    /// The config was found, not chosen on the command line: it may have
    /// come with the pull request.
    pub found: bool,
    /// Findings its `select`, `ignore` and `per-file-ignores` hid.
    pub hidden: usize,
    /// Designs its `exclude` left unchecked.
    pub excluded: usize,
    /// Findings its `baseline` excused (recorded there, not shown).
    pub excused: usize,
}

impl ByConfig {
    /// Did it withhold anything?
    pub fn any(&self) -> bool {
        self.hidden + self.excluded + self.excused > 0
    }
}

/// The design-looking files in one folder the walk does not enter (a
/// hidden folder, `target/`), at any depth under it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SkippedFolder {
    /// The folder not entered.
    pub folder: PathBuf,
    /// The design-looking files under it, sorted.
    pub designs: Vec<PathBuf>,
}

/// What a folder walk passed over that may be a design: the folders it
/// did not enter that hold some, and the files whose name only reads as
/// a design's.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PassedOver {
    /// The folders the walk did not enter that hold designs, sorted.
    pub skipped: Vec<SkippedFolder>,
    /// The files whose name reads as a design's but is not one
    /// ([`crate::lookalike`]), sorted.
    pub lookalikes: Vec<PathBuf>,
}

/// What a run withheld: never empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Withheld {
    /// Each config that withheld something, in the order of the configs'
    /// paths.
    pub configs: Vec<ByConfig>,
    /// The folders the walk did not enter that hold designs, sorted.
    pub skipped: Vec<SkippedFolder>,
    /// The files whose name reads as a design's but is not one, sorted:
    /// not checked.
    pub lookalikes: Vec<PathBuf>,
}

impl Withheld {
    /// The fact of `configs` (those that withheld nothing passed over)
    /// and what the walk `passed` over; none when nothing was withheld,
    /// so that a run that withheld nothing writes what it always wrote.
    pub fn of(configs: Vec<ByConfig>, passed: PassedOver) -> Option<Withheld> {
        let configs: Vec<ByConfig> = configs.into_iter().filter(ByConfig::any).collect();
        let PassedOver {
            skipped,
            lookalikes,
        } = passed;
        (!configs.is_empty() || !skipped.is_empty() || !lookalikes.is_empty()).then_some(Withheld {
            configs,
            skipped,
            lookalikes,
        })
    }
}

/// The design-looking files `skipped` grouped by the folder not entered
/// (of `folders`) each lies under, the deepest that holds it; a file
/// under none (not expected) is grouped under its own folder.
pub fn by_folder(folders: &[PathBuf], skipped: &[PathBuf]) -> Vec<SkippedFolder> {
    let mut groups: std::collections::BTreeMap<PathBuf, Vec<PathBuf>> = Default::default();
    let folders: std::collections::HashSet<&Path> = folders.iter().map(PathBuf::as_path).collect();
    for f in skipped {
        let folder = crate::input::deepest_holding(&folders, f)
            .unwrap_or_else(|| f.parent().unwrap_or(Path::new(".")))
            .to_path_buf();
        groups.entry(folder).or_default().push(f.clone());
    }
    (groups.into_iter())
        .map(|(folder, mut designs)| {
            designs.sort();
            designs.dedup();
            SkippedFolder { folder, designs }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skipped_files_are_grouped_by_the_folder_not_entered() {
        let p = |s: &str| PathBuf::from(s);
        let folders = [p("d/.drafts"), p("d/target")];
        let files = [
            p("d/target/b.myna"),
            p("d/.drafts/x/a.myna"),
            p("d/target/a.myna"),
            p("e/z.myna"),
        ];
        let got = by_folder(&folders, &files);
        let want = [
            ("d/.drafts", vec!["d/.drafts/x/a.myna"]),
            ("d/target", vec!["d/target/a.myna", "d/target/b.myna"]),
            ("e", vec!["e/z.myna"]),
        ]
        .map(|(f, d)| SkippedFolder {
            folder: p(f),
            designs: d.into_iter().map(p).collect(),
        });
        assert_eq!(got, want);
    }

    #[test]
    fn nothing_withheld_is_no_fact() {
        let quiet = ByConfig {
            config: PathBuf::from("mynaflow.toml"),
            ..ByConfig::default()
        };
        assert_eq!(
            Withheld::of(vec![quiet.clone()], PassedOver::default()),
            None
        );
        let hid = ByConfig {
            hidden: 2,
            ..quiet.clone()
        };
        let w = Withheld::of(vec![quiet.clone(), hid.clone()], PassedOver::default());
        assert_eq!(w.map(|w| w.configs), Some(vec![hid]));
        // A look-alike alone is one.
        let passed = PassedOver {
            lookalikes: vec![PathBuf::from("a.myna ")],
            ..PassedOver::default()
        };
        let w = Withheld::of(vec![quiet], passed);
        assert_eq!(
            w.map(|w| w.lookalikes),
            Some(vec![PathBuf::from("a.myna ")])
        );
    }
}
