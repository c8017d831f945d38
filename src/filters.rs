//! Which findings a run shows: the command line's `--select` and
//! `--ignore` over a config's `select`, `ignore` and `per-file-ignores`.
//! `check` and `report` both filter through here, so that the page a
//! reviewer reads shows the findings the gate judged, and counts alike
//! what the config kept out ([`crate::withheld`]).

use crate::code::Code;
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::select::{self, Selection};
use crate::session::BUILTIN_PREFIX;
use crate::source::SourceMap;
use crate::span::FileId;
use crate::text::Text;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// The codes reported: `select` (the command line's; else the config's
/// `select`) less `ignore` and the config's `ignore`; or why a selector
/// names no code.
pub fn selection(
    select: &[String],
    ignore: &[String],
    config: Option<&Config>,
) -> Result<Selection, Text> {
    let mut sel = config.map(|c| c.selection.clone()).unwrap_or_default();
    if !select.is_empty() {
        sel.select = Some(select::union(select)?);
    }
    sel.ignore.extend(select::union(ignore)?);
    Ok(sel)
}

/// The filters of one group of designs (those under one config), made
/// for the files of its session.
pub struct Filters<'a> {
    selection: &'a Selection,
    config: Option<&'a Config>,
    /// The command line's `--select` replaced the config's `select`.
    select_replaced: bool,
    /// The codes `per-file-ignores` turns off, for each file with any.
    per_file: HashMap<FileId, BTreeSet<Code>>,
}

/// What filtering took out of a list of findings.
#[derive(Debug, Default)]
pub struct Filtered {
    /// Findings the config's own filters kept out (the command line's
    /// are the user's choice, said on it).
    pub hidden: usize,
    /// The syntax and name errors a filter hid: each stopped the checks
    /// of its statement, so the run still fails on it.
    pub hidden_stops: Vec<Diagnostic>,
}

/// Who hid a code: the config's filters (said at the top of the page and
/// in `check`'s machine formats, counted), or the command line's
/// `--select` and `--ignore` alone (the user's choice, said on it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HiddenBy {
    /// A config's `select`, `ignore` or `per-file-ignores`.
    Config,
    /// `--select` or `--ignore` on the command line.
    CommandLine,
}

/// The codes the filters hide in one file, each with who hid it: what a
/// page that lists verdicts (the report's records of exchanges) must not
/// show as findings the findings list leaves out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HiddenCodes(Vec<(Code, HiddenBy)>);

impl HiddenCodes {
    /// Who hid `code`, if it is hidden.
    pub fn by(&self, code: Code) -> Option<HiddenBy> {
        (self.0.iter()).find_map(|&(c, by)| (c == code).then_some(by))
    }
}

impl FromIterator<(Code, HiddenBy)> for HiddenCodes {
    fn from_iter<I: IntoIterator<Item = (Code, HiddenBy)>>(codes: I) -> HiddenCodes {
        HiddenCodes(codes.into_iter().collect())
    }
}

/// No codes turned off.
static NONE: BTreeSet<Code> = BTreeSet::new();

impl<'a> Filters<'a> {
    /// The filters of `selection` and `config` over the files of
    /// `sources`; `stdin_name` is the name a design read from standard
    /// input goes by (`--stdin-filename`), matched as its path.
    pub fn new(
        selection: &'a Selection,
        config: Option<&'a Config>,
        select_replaced: bool,
        sources: &SourceMap,
        stdin_name: Option<&Path>,
    ) -> Filters<'a> {
        let mut per_file = HashMap::new();
        if let Some(c) = config.filter(|c| c.has_per_file_ignores()) {
            for (id, f) in sources.iter() {
                if f.name.starts_with(BUILTIN_PREFIX) {
                    continue;
                }
                let path = match stdin_name {
                    Some(p) if f.name == crate::input::display_name(p) => p.to_path_buf(),
                    _ => PathBuf::from(&f.name),
                };
                let ignored = c.ignored_in(&path);
                if !ignored.is_empty() {
                    per_file.insert(id, ignored);
                }
            }
        }
        Filters {
            selection,
            config,
            select_replaced,
            per_file,
        }
    }

    /// Is a finding of `code` in `file` shown?
    pub fn reports(&self, code: Code, file: FileId) -> bool {
        self.selection.reports(code)
            && (self.per_file.get(&file)).is_none_or(|ignored| !ignored.contains(&code))
    }

    /// The codes hidden in `file`, each with who hid it (the config when
    /// it would hide the code on its own, as [`Filters::apply`] counts).
    pub fn hidden_in(&self, file: FileId) -> HiddenCodes {
        (Code::ALL.iter().copied())
            .filter(|&c| !self.reports(c, file))
            .map(|c| match self.config_hides(c, file) {
                true => (c, HiddenBy::Config),
                false => (c, HiddenBy::CommandLine),
            })
            .collect()
    }

    /// Would the config alone hide a finding of `code` in `file`?
    fn config_hides(&self, code: Code, file: FileId) -> bool {
        let ignored = self.per_file.get(&file).unwrap_or(&NONE);
        (self.config).is_some_and(|c| c.hides(self.select_replaced, code, ignored))
    }

    /// Keeps in `diags` the findings shown; counts those the config hid,
    /// and keeps aside the hidden ones that stopped checks.
    pub fn apply(&self, diags: &mut Vec<Diagnostic>) -> Filtered {
        let mut out = Filtered::default();
        diags.retain(|d| {
            let (code, file) = (d.code, d.primary.file);
            let shown = self.reports(code, file);
            if !shown && self.config_hides(code, file) {
                out.hidden += d.findings();
            }
            if !shown && code.stops_checks() {
                out.hidden_stops.push(d.clone());
            }
            shown
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_lines_select_replaces_the_configs_and_ignore_adds() {
        let sel = selection(&["MN1".into()], &["MN102".into()], None).expect("codes");
        assert!(sel.reports(Code::MN101) && !sel.reports(Code::MN102));
        assert!(!sel.reports(Code::MN201));
        assert!(selection(&["MN9".into()], &[], None).is_err());
        assert_eq!(selection(&[], &[], None), Ok(Selection::default()));
    }
}
