//! `mynaflow lsp`: the language server on stdio (see `mynaflow::lsp`).
//! Picks the cache folder (`$XDG_CACHE_HOME/mynaflow`, else
//! `~/.cache/mynaflow`) and the locale's language here, where the
//! environment is read.

use super::output::fail_in;
use super::{FAILURE, LangArg, OK};
use std::path::PathBuf;

/// Serves an editor until it says `exit`. `--lang` (`arg`), when given,
/// is the language of everything the server says; without it, what is
/// said of a document is in its config's `lang`, else the locale's
/// (`mynaflow::lsp::Languages`): `output::lang_of`'s order, per document.
pub fn run(arg: Option<LangArg>) -> u8 {
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .map(|c| c.join("mynaflow"));
    let langs = mynaflow::lsp::Languages {
        given: arg.map(|l| super::lang(Some(l))),
        locale: super::lang(None),
    };
    let config = mynaflow::lsp::Config {
        cache,
        langs,
        max_document_bytes: mynaflow::input::MAX_FILE_BYTES,
        workspace_search: mynaflow::lsp::WorkspaceSearch::default(),
    };
    // A whole text of a large design arrives as one message of up to
    // hundreds of MB.
    crate::pipes::widen_standard_input();
    match mynaflow::lsp::run(config) {
        Ok(mynaflow::lsp::Exit::AfterShutdown) => OK,
        // LSP 3.17: `exit` without `shutdown` before it exits with 1.
        Ok(mynaflow::lsp::Exit::WithoutShutdown) => 1,
        // Why the session ended is about no document: in the server's
        // language.
        Err(e) => {
            let e = mynaflow::text!("lsp: {}", e.en; "lsp: {}", e.ja);
            fail_in(langs.server(), &e);
            FAILURE
        }
    }
}
