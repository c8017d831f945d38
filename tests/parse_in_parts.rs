//! Parsing in parts (`syntax::split`, what a large file gets) gives the tree
//! and findings of one pass, on every design and rulebook of the project
//! cut into parts of a few lines.

use mynaflow::span::FileId;
use mynaflow::syntax::{parse, split::parse_in_parts_of};
use std::path::{Path, PathBuf};

fn designs(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            designs(&p, out);
        } else if p.extension().is_some_and(|x| x == "myna") {
            out.push(p);
        }
    }
}

#[test]
fn every_design_parses_in_parts_as_in_one_pass() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["examples", "docs/codes/examples", "tests/cases", "rules"] {
        designs(&root.join(dir), &mut files);
    }
    files.sort();
    let mut cut = 0;
    for f in &files {
        let Ok(text) = std::fs::read_to_string(f) else {
            continue; // not UTF-8: MN005 cases, nothing to parse
        };
        let whole = parse(FileId(0), &text);
        for size in [16, 64, 256] {
            let parts = parse_in_parts_of(FileId(0), &text, size);
            assert_eq!(parts.file, whole.file, "{} in parts of {size}", f.display());
            assert_eq!(
                format!("{:?}", parts.diagnostics),
                format!("{:?}", whole.diagnostics),
                "{} in parts of {size}",
                f.display()
            );
        }
        if text.len() >= 32 && text.contains("\nflow ") {
            cut += 1;
        }
    }
    // The comparison means something only if files were really cut.
    assert!(cut >= 20, "only {cut} files had flows to cut at");
}
