//! `mynaflow graph`: a picture of a design, in DOT or Mermaid.

use super::output::{fail, print_fatal, session};
use super::{Common, FAILURE, OK};
use clap::ValueEnum;
use mynaflow::diagram::{self, Options};
use mynaflow::render;
use std::io::Write;
use std::path::Path;

/// The picture's format.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum GraphFormat {
    /// Graphviz DOT (`dot -Tsvg`).
    Dot,
    /// A Mermaid flowchart (renders in GitHub Markdown).
    Mermaid,
}

pub fn run(file: &Path, format: GraphFormat, only_mynumber: bool, common: &Common) -> u8 {
    let (mut s, settings) = match session(common, &[file.to_path_buf()]) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let checked = match s.check_path(file) {
        Ok(c) => c,
        Err(e) => {
            fail(&e);
            return FAILURE;
        }
    };
    let Some(analysis) = checked.analysis else {
        print_fatal(&s, settings.lang);
        fail(&format!(
            "{} is not a design that can be drawn (not UTF-8, or a rulebook)",
            file.display()
        ));
        return FAILURE;
    };
    if analysis.design.rulebook.is_none() {
        print_fatal(&s, settings.lang);
        fail("the design's rulebook could not be loaded, so its roles and rules are unknown");
        return FAILURE;
    }
    let d = diagram::build(
        &analysis.design,
        s.sources.get(checked.file),
        &s.diagnostics,
        Options { only_mynumber },
    );
    let lang = settings.lang;
    let out = match format {
        GraphFormat::Dot => render::dot::render(&d, lang),
        GraphFormat::Mermaid => render::mermaid::render(&d, lang),
    };
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    OK
}
