//! A file with a finding on nearly every line: a check that shows a
//! hundred of each code keeps the parse's and the resolver's findings in
//! full only while the cap may show them (`mynaflow::tally`), and
//! analyses the file again when suppressions or the order they were made
//! in put one kept hollow among those shown. Whatever path it takes, it
//! reports what a run keeping every finding in full reports.

use mynaflow::baseline::{Baseline, Excuses};
use mynaflow::session::{RulebookSource, Session};
use mynaflow::suppress::Date;
use std::path::Path;
use std::sync::Arc;

/// What a check of `text` shows, as text, and every finding's line,
/// file and code (sorted, as `mynaflow test` reads them); the design is
/// written to a file in `dir` when one is given, with `baseline` beside
/// it when one is given. `keep_all` makes the session keep every finding
/// in full.
fn shown(
    text: &str,
    dir: Option<&Path>,
    baseline: Option<&str>,
    keep_all: bool,
) -> (String, Vec<(usize, String)>) {
    let mut s = Session::new(RulebookSource::Builtin("kenpo".into()));
    s.today = Date {
        year: 2025,
        month: 4,
        day: 1,
    };
    s.keep_places = true;
    s.keep_every_finding = keep_all;
    if let (Some(text), Some(dir)) = (baseline, dir) {
        let b = Baseline::parse(text).expect("a baseline");
        s.excuses = Some(Arc::new(Excuses::of(&b, dir)));
    }
    assert_eq!(s.max_per_code, Some(mynaflow::session::MAX_PER_CODE));
    match dir {
        Some(dir) => {
            let path = dir.join("design.myna");
            std::fs::write(&path, text).expect("write");
            s.check_path(&path).expect("readable");
        }
        None => {
            s.check_text("many.myna", text.to_string(), None);
        }
    }
    // Each finding's file, line and code.
    let mut places: Vec<(usize, String)> = (s.found.iter())
        .map(|(code, at)| {
            let file = s.sources.get(at.file);
            let line = file.line_col(at.start as usize).0;
            (line, format!("{} {}", file.name, code.as_str()))
        })
        .collect();
    places.sort();
    (format!("{:#?}", s.sorted_diagnostics()), places)
}

/// Checks `text` both ways and compares; gives what was shown.
fn same_either_way(text: &str) -> String {
    same_either_way_in(text, None, None)
}

/// [`same_either_way`], the design written to a file in `dir`, with
/// `baseline` beside it.
fn same_either_way_in(text: &str, dir: Option<&Path>, baseline: Option<&str>) -> String {
    let (tallied, tallied_places) = shown(text, dir, baseline, false);
    let (whole, whole_places) = shown(text, dir, baseline, true);
    assert!(
        tallied == whole,
        "a tallied check differs from one keeping all"
    );
    assert!(tallied_places == whole_places, "the places differ");
    assert!(tallied_places.len() > 150, "{tallied}");
    tallied
}

const HEAD: &str = "use \"kenpo\"\nactor 市町村 : 他機関\nactor A : 組合\ndata 氏名 : 基本情報\n";

#[test]
fn unterminated_strings_on_every_line_are_counted_past_the_cap() {
    let mut t = String::from(HEAD);
    for i in 0..450 {
        t.push_str(&format!("actor S{i} : 組合 \"label {i}\n"));
    }
    let shown = same_either_way(&t);
    assert!(shown.contains("350 more MN002 finding(s)"), "{shown}");
}

#[test]
fn suppressions_that_take_out_the_first_findings_show_later_ones_in_full() {
    // The first 250 unterminated strings are suppressed: the hundred
    // shown are the 251st to the 350th, past the 200 kept in full at
    // first.
    let mut t = String::from(HEAD);
    for i in 0..450 {
        if i < 250 {
            t.push_str(&format!(
                "# mynaflow: allow MN002 reason=\"legacy {i}\" until=2099-12-31\n"
            ));
        }
        t.push_str(&format!("actor S{i} : 組合 \"label {i}\n"));
    }
    let shown = same_either_way(&t);
    assert!(shown.contains("100 more MN002 finding(s)"), "{shown}");
    assert!(
        !shown.contains("250 more MN002"),
        "the suppressed are not counted"
    );
}

#[test]
fn names_reported_out_of_the_order_of_the_text_are_shown_in_its_order() {
    // The resolver reports the declarations' undefined roles (at the end
    // of the text) before the flows' undefined actors (at its start).
    let mut t = String::from(HEAD);
    for i in 0..300 {
        t.push_str(&format!("flow A -> 未定義{i} : 氏名 for 保険給付\n"));
    }
    for i in 0..300 {
        t.push_str(&format!("actor S{i} : 未定義の役割{i}\n"));
    }
    let shown = same_either_way(&t);
    // 300 actors and 300 roles undefined, and the head's category (not
    // one of kenpo's): 601 in all, the first hundred shown.
    assert!(shown.contains("501 more MN010 finding(s)"), "{shown}");
    assert!(
        shown.contains("`未定義0`"),
        "the first flow's is shown: {shown}"
    );
}

#[test]
fn a_large_file_parsed_in_parts_with_findings_of_every_kind() {
    // Over a mebibyte: lexed and parsed in parts on every core.
    let mut t = String::from(HEAD);
    let mut i = 0;
    while t.len() < (1 << 20) + (1 << 18) {
        match i % 5 {
            0 => t.push_str(&format!("flow A －＞ 市町村 ： 氏名 for 保険給付 # {i}\n")),
            1 => t.push_str(&format!("flow -> -> : {i}\n")),
            2 => t.push_str(&format!("actor S{i} : 組合 \"label {i}\n")),
            3 if i % 7 == 0 => t.push_str(&format!(
                "# mynaflow: allow MN001 reason=\"legacy {i}\" until=2099-12-31\nflow -> {i}\n"
            )),
            _ => t.push_str(&format!("actor A{i} : 役割{i}\n")),
        }
        i += 1;
    }
    let shown = same_either_way(&t);
    for code in ["MN001", "MN002", "MN003", "MN010", "MN012"] {
        assert!(shown.contains(&format!("more {code} finding(s)")), "{code}");
    }
}

#[test]
fn a_rulebook_a_design_uses_with_findings_on_every_line() {
    // 300 categories declared twice (MN011) and 450 redundant rules
    // (MN603), the first 250 of them suppressed: loaded for the design,
    // the rulebook keeps each code's first in full, and is loaded again
    // keeping those the cap shows.
    let dir = tempfile::tempdir().expect("temp dir");
    let mut rules = String::from(
        "rulebook r \"r\" revised 2024-01-01\nrole 組合 self\nrole 他者\ncategory C\n",
    );
    for i in 0..300 {
        rules.push_str(&format!("category D{i}\ncategory D{i}\n"));
    }
    rules.push_str("section \"1\" {\n  purpose P\n  allow 組合 -> 他者 : C for P\n");
    for i in 0..450 {
        if i < 250 {
            rules.push_str(&format!(
                "  # mynaflow: allow MN603 reason=\"kept {i}\" until=2099-12-31\n"
            ));
        }
        rules.push_str("  allow 組合 -> 他者 : C for P\n");
    }
    rules.push_str("}\n");
    std::fs::write(dir.path().join("rules.myna"), rules).expect("write");
    let design =
        "use \"rules.myna\"\nactor A : 組合\nactor B : 他者\ndata x : C\nflow A -> B : x for P\n";
    let shown = same_either_way_in(design, Some(dir.path()), None);
    assert!(shown.contains("200 more MN011 finding(s)"), "{shown}");
    // 200 redundant rules not suppressed: a hundred shown.
    assert!(shown.contains("100 more MN603 finding(s)"), "{shown}");
}

#[test]
fn a_baseline_excuses_the_same_findings_either_way() {
    // 450 unterminated strings on identical lines, the first 250 of
    // them in a baseline (one fingerprint, counted 250 times): the first
    // by place are excused, whichever are kept in full.
    let dir = tempfile::tempdir().expect("temp dir");
    let mut design = String::from(HEAD);
    for _ in 0..450 {
        design.push_str("actor A : 組合 \"label\n");
    }
    std::fs::write(dir.path().join("design.myna"), &design).expect("write");
    let mut s = Session::new(RulebookSource::Builtin("kenpo".into()));
    s.keep_every_finding = true;
    s.keep_statements = true;
    s.max_per_code = None;
    s.check_path(&dir.path().join("design.myna"))
        .expect("readable");
    let mut all = Baseline::record(&s.sources, &s.outlines, &s.diagnostics, dir.path());
    let mn002 = (all.findings.iter())
        .position(|f| f.code == "MN002")
        .expect("an MN002");
    let print = all.findings[mn002].clone();
    all.findings.retain(|f| f.code != "MN002");
    all.findings.extend(std::iter::repeat_n(print, 250));
    let shown = same_either_way_in(&design, Some(dir.path()), Some(&all.to_json()));
    assert!(shown.contains("100 more MN002 finding(s)"), "{shown}");
    assert!(!shown.contains("MN011"), "excused: {shown}");
}
