//! What a run found beside its findings, which every machine format
//! carries in its own place: why the run could not do its job (exit
//! status 2), the syntax and name errors a filter hid (exit status 1
//! though no finding shown is an error), the config it followed, and
//! what it withheld (a warning).

use crate::hidden_stops::HiddenStops;
use crate::text::Text;
use crate::withheld::Withheld;
use std::path::PathBuf;

/// How the run went.
#[derive(Clone, Debug, Default)]
pub struct Execution {
    /// Why the tool could not do its job (exit status 2); empty when it
    /// could.
    pub failures: Vec<Text>,
    /// The `mynaflow.toml` the run followed, named as the checked files
    /// are (relative to where the run started, or absolute): the one every
    /// design followed (None: none, or several).
    pub config: Option<PathBuf>,
    /// When the designs followed different configs (each checked under
    /// the one that governs it): every config followed, named as
    /// `config` is; None when one (or none) governed them all.
    pub configs: Option<Vec<PathBuf>>,
    /// The syntax and name errors `select`, `ignore` or
    /// `per-file-ignores` hid: each stopped the checks of its statement,
    /// so the run fails (exit status 1) though no finding shown says so.
    pub hidden_stops: Option<HiddenStops>,
    /// What the run withheld (did not check, or did not show) and which
    /// config did: not a failure, said as a warning; None when nothing.
    pub withheld: Option<Withheld>,
}
