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

/// Every statement a rulebook is cut at (`category`, `section`, `clause`)
/// where it is awkward: after an unclosed block of each kind, after a
/// statement it cuts short, as a name, inside a section, and beside the
/// keywords it is not (`clauses`, `role`, `purpose`).
#[test]
fn a_rulebook_cut_at_its_categories_sections_and_clauses_parses_as_in_one_pass() {
    let lines = [
        "rulebook 試験 \"t\"",
        "role 組合 self",
        "category 氏名",
        "category 個人番号 mynumber in",
        "category 区分 in 氏名 \"c\"",
        "section \"1\" \"s\" mynumber basis \"b\" {",
        "  purpose 目的1",
        "category 途中",
        "section 2 {",
        "  allow 組合 -> 組合 : 氏名 for",
        "clause 条項 \"x\"",
        "clause",
        "category category",
        "actor A : 組合 {",
        "  clauses 条項",
        "clause 条項2",
        "section \"3\" {",
        "  purpose 目的3",
        "  allow 組合 -> 組合 : 区分 for 目的3",
        "}",
        "section \"4\" {",
        "purpose 目的4",
        "allow 組合 -> 組合 : 区分 for 目的4",
        "}",
        "contractor role 組合 for 条項",
        "category \"引用\" # comment",
        "}",
        "section",
        "clauses 条項",
    ];
    let text = lines.join("\n").repeat(4);
    let whole = parse(FileId(0), &text);
    let mut cut = false;
    for size in 1..96 {
        let parts = parse_in_parts_of(FileId(0), &text, size);
        assert_eq!(parts.file, whole.file, "in parts of {size}");
        assert_eq!(
            format!("{:?}", parts.diagnostics),
            format!("{:?}", whole.diagnostics),
            "in parts of {size}"
        );
        cut |= parts.file.stmts.parts().len() > 3;
    }
    assert!(cut, "never cut");
    // A rulebook with no `flow`, `actor` or `data` is cut too.
    let rulebook = "category 氏名\nsection \"1\" {\npurpose p\n}\nclause c\n".repeat(50);
    let parts = parse_in_parts_of(FileId(0), &rulebook, 64);
    assert!(parts.file.stmts.parts().len() > 10);
    assert_eq!(parts.file, parse(FileId(0), &rulebook).file);
}
