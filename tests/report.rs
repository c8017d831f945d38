//! `mynaflow report`: the HTML page for reviewers. Its structure and
//! escaping are checked here in Rust; a real browser (headless Chromium,
//! when installed) loads the pages, runs the page's self-test (filters, a
//! click on a finding, an edge, the keyboard) and takes screenshots.

mod common;
use common::mynaflow;

#[path = "../benches/generate/mod.rs"]
mod generate;
#[path = "../benches/generate/rulebooks.rs"]
mod rulebooks;

use std::path::{Path, PathBuf};

const KENPO: &str = "examples/kenpo-society.myna";
const DRIFT: &str = "tests/cases/multi-hop-drift.myna";
const BIDI: &str = "tests/cases/bidi-override.myna";
const MN102: &str = "docs/codes/examples/MN102-wrong-direction.myna";

/// Writes the report of `paths` into `dir` and returns its path and the
/// exit status.
fn report(dir: &Path, name: &str, paths: &[&str], lang: &str) -> (PathBuf, Option<i32>, String) {
    let out = dir.join(name);
    let o = out.to_string_lossy().into_owned();
    let mut args = vec!["report", "-o", o.as_str(), "--lang", lang];
    args.extend_from_slice(paths);
    let r = mynaflow(&args);
    let html = std::fs::read_to_string(&out).unwrap_or_default();
    assert!(
        !html.is_empty(),
        "no page written: {}",
        String::from_utf8_lossy(&r.stderr)
    );
    (out, r.status.code(), html)
}

/// The page's JSON data.
fn data(html: &str) -> serde_json::Value {
    let start = r#"<script type="application/json" id="data">"#;
    let a = html.find(start).expect("data element") + start.len();
    let b = a + html[a..].find("</script>").expect("end of data");
    serde_json::from_str(&html[a..b]).expect("the data is JSON")
}

#[test]
fn the_page_needs_no_network() {
    let dir = tempfile::tempdir().unwrap();
    let (_, code, html) = report(dir.path(), "r.html", &[KENPO], "en");
    assert_eq!(code, Some(0));
    assert!(html.starts_with("<!DOCTYPE html>"));
    for bad in [
        "<link",
        "src=",
        "@import",
        "url(http",
        "//cdn",
        "fetch(",
        "XMLHttpRequest",
    ] {
        assert!(!html.contains(bad), "`{bad}` in the page");
    }
    // The only URL is the SVG namespace.
    let urls = html.matches("http://").count() + html.matches("https://").count();
    assert_eq!(urls, html.matches("http://www.w3.org/2000/svg").count());
    assert!(html.contains("Content-Security-Policy"));
}

#[test]
fn the_society_design_is_drawn_by_kind_with_merged_edges() {
    let dir = tempfile::tempdir().unwrap();
    let (_, _, html) = report(dir.path(), "r.html", &[KENPO], "en");
    let d = data(&html);
    let design = &d["designs"][0];
    let flows = design["flows"].as_array().unwrap();
    assert_eq!(flows.len(), 89, "every flow statement is in the data");
    let edges = design["edges"].as_array().unwrap();
    let legs: usize = edges
        .iter()
        .map(|e| e["legs"].as_array().unwrap().len())
        .sum();
    assert!(
        edges.len() < legs,
        "parallel legs merged: {} edges for {legs} legs",
        edges.len()
    );
    // Columns by kind: outside parties | carriers | the society | contractors | the person.
    let col = |name: &str| {
        design["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["name"] == name)
            .map(|n| n["col"].as_u64().unwrap())
    };
    assert_eq!(col("市町村"), Some(0));
    assert_eq!(col("情報提供NWS"), Some(1));
    assert_eq!(col("基幹システム"), Some(2));
    assert_eq!(col("JMDC"), Some(3));
    assert_eq!(col("加入者"), Some(4));
    // One SVG, an element per merged edge, each reachable by keyboard.
    assert_eq!(html.matches("<svg class=\"picture\"").count(), 1);
    assert_eq!(html.matches(" data-edge=").count(), edges.len());
    assert_eq!(
        html.matches(r#"tabindex="0" role="button" aria-label="#)
            .count(),
        edges.len()
    );
    assert!(
        html.contains("My Number rules 7/7 (100.0%)"),
        "coverage shown"
    );
    assert!(html.contains("kenpo"), "rulebook name");
    assert!(html.contains("revised 2024-12-04"), "rulebook revision");
    assert!(html.contains("@media print"));
}

#[test]
fn findings_show_their_source_rule_and_path() {
    let dir = tempfile::tempdir().unwrap();
    let (_, code, html) = report(dir.path(), "r.html", &[DRIFT], "en");
    assert_eq!(code, Some(1), "errors: exit status 1, like check");
    let d = data(&html);
    assert_eq!(html.matches("<li class=\"finding error\"").count(), 2);
    assert!(html.contains("<code class=\"code\">MN402</code>"));
    assert!(
        html.contains("<mark>医療費分析</mark>"),
        "the span is marked"
    );
    assert!(html.contains("<ul class=\"notes\">"), "notes");
    assert!(
        html.contains("<ol class=\"labels\">"),
        "the witness path's hops"
    );
    // The first finding's flows: its own (line 23), then the witness path
    // (lines 21 and 22) from its labels.
    let flows = &d["designs"][0]["flows"];
    let lines: Vec<u64> = d["findings"][0]["flows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            flows[f.as_u64().unwrap() as usize]["line"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(lines, vec![23, 21, 22]);
    assert!(html.contains("✖MN402"), "the code is on the edge");

    let (_, _, mn102) = report(dir.path(), "mn102.html", &[MN102], "en");
    assert!(
        mn102.contains("<span class=\"k\">Rule:</span> 7(1)"),
        "rule and section"
    );
    assert!(mn102.contains("<span class=\"k\">Fix:</span>"), "the help");

    let (_, _, ja) = report(dir.path(), "ja.html", &[DRIFT], "ja");
    assert!(ja.contains("<html lang=\"ja\">"));
    assert!(ja.contains("エラー"));
    assert!(ja.contains("指摘 (2)"));
}

/// A design too large for one page (a national one is a million flows):
/// its picture draws the flows its findings are about, the page says what
/// it left out and which command draws the rest, and the inventory and
/// coverage tables are cut and counted. The page's size does not grow
/// with the design: 20 000 flows, and 800 MB at a million before.
#[test]
fn a_design_larger_than_the_page_is_drawn_in_part_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let large = dir.path().join("large.myna");
    std::fs::write(&large, generate::design(20_000)).unwrap();
    let large = large.to_string_lossy().into_owned();
    let (_, code, html) = report(dir.path(), "large.html", &[large.as_str()], "en");
    assert_eq!(code, Some(1), "the generated design has errors");
    assert!(html.len() < 4 << 20, "{} bytes", html.len());
    let note = html
        .split(r#"<p class="partial" role="note">"#)
        .nth(1)
        .and_then(|rest| rest.split("</p>").next())
        .expect("a note on what is drawn");
    assert!(note.starts_with("This design has 20000 flows ("), "{note}");
    assert!(
        note.contains("more than the page draws for it (5000 legs)"),
        "{note}"
    );
    assert!(
        note.contains("flows its findings are about, and nothing else"),
        "{note}"
    );
    assert!(note.contains("<code>mynaflow graph "), "{note}");
    // The data holds the flows drawn, numbered as drawn: every finding's
    // flows and every edge's legs are among them, and each is a flow a
    // finding is about.
    let d = data(&html);
    let flows = d["designs"][0]["flows"].as_array().unwrap();
    assert!(!flows.is_empty() && flows.len() < 5_000, "{}", flows.len());
    assert!(flows.iter().all(|f| f["finding"] == true));
    let findings = d["findings"].as_array().unwrap();
    assert!(
        findings
            .iter()
            .any(|f| !f["flows"].as_array().unwrap().is_empty())
    );
    for f in findings {
        for i in f["flows"].as_array().unwrap() {
            assert!((i.as_u64().unwrap() as usize) < flows.len(), "{f}");
        }
    }
    for e in d["designs"][0]["edges"].as_array().unwrap() {
        let legs = e["legs"].as_array().unwrap();
        assert!(!legs.is_empty());
        assert!(
            legs.iter()
                .all(|i| (i.as_u64().unwrap() as usize) < flows.len())
        );
    }
    // Lines are listed in order: each flow drawn is one of the design's.
    let lines: Vec<u64> = flows.iter().map(|f| f["line"].as_u64().unwrap()).collect();
    assert!(lines.windows(2).all(|w| w[0] < w[1]), "{lines:?}");
    // The inventory's long tables end in a row that counts the rest.
    let inv = inventory_section(&html);
    assert_eq!(
        inv.matches("<tr class=\"more\">").count(),
        2,
        "held and records"
    );
    assert!(inv.contains("more rows, not shown: <code>mynaflow inventory "));
    assert!(inv.contains(" --format md</code> lists them all."));
    let rows = inv
        .split("</table>")
        .next()
        .unwrap()
        .matches("<tr>")
        .count();
    assert_eq!(rows, 1 + 1_000, "the heads and the rows shown");
    // A rule used by many flows lists twenty lines, then how many more.
    assert!(html.contains(" and "), "coverage counts the rest");
    let cell = html
        .split("✔ line ")
        .skip(1)
        .map(|c| c.split("</td>").next().unwrap())
        .find(|c| c.contains(" more"))
        .expect("a rule exercised by more than twenty flows");
    assert_eq!(cell.split(", ").count(), 20, "{cell}");

    let (_, _, ja) = report(dir.path(), "large-ja.html", &[large.as_str()], "ja");
    assert!(ja.contains("件のフロー ("), "the note in Japanese");
    assert!(ja.contains("ページに描く上限 (5000 区間) を超えます。図には指摘に関わる "));
    assert!(ja.contains("行は省略しています。すべては <code>mynaflow inventory "));
}

/// A rulebook of 1 200 rules: the coverage table shows a thousand, then
/// counts the rest and names the command that lists them all.
#[test]
fn a_coverage_table_longer_than_the_page_shows_is_cut_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("rules.myna"), rulebooks::crossed(1_200)).unwrap();
    let design = dir.path().join("d.myna");
    std::fs::write(&design, "use \"rules.myna\"\nactor 基幹 : 組合\n").unwrap();
    let design = design.to_string_lossy().into_owned();
    let (_, _, html) = report(dir.path(), "r.html", &[design.as_str()], "en");
    let table = html
        .split("<details class=\"coverage\">")
        .nth(1)
        .and_then(|t| t.split("</details>").next())
        .expect("a coverage table");
    assert_eq!(table.matches("<tr class=\"no\">").count(), 1_000);
    assert!(
        table.contains("… 200 more rows, not shown: <code>mynaflow coverage "),
        "{}",
        &table[table.len().saturating_sub(400)..]
    );
}

/// Names that could break HTML, the JSON element or a reader's screen.
const TRICKY: &str = "use \"kenpo\"\n\
actor \"基幹</script><b>x</b>\" : 組合 \"a & 'b' \u{2028} c\"\n\
actor \"市町村\u{202e}cba\" : 他機関\n\
data \"課税<!--\" : 課税・非課税情報\n\
flow \"市町村\u{202e}cba\" -> \"基幹</script><b>x</b>\" : \"課税<!--\" for 被扶養者認定\n";

#[test]
fn input_is_escaped_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tricky.myna");
    std::fs::write(&path, TRICKY).unwrap();
    let p = path.to_string_lossy().into_owned();
    let (_, _, html) = report(dir.path(), "r.html", &[&p], "en");
    assert_eq!(html.matches("</script>").count(), 2, "only the page's own");
    assert!(!html.contains("<b>x"), "markup from input is text");
    assert!(!html.contains("<!--"));
    assert!(!html.contains('\u{202e}') && !html.contains('\u{2028}'));
    assert!(
        html.contains("市町村\\u{202e}cba"),
        "bidi shown visibly in the source lines"
    );
    assert!(html.contains("基幹&lt;/script&gt;&lt;b&gt;x&lt;/b&gt;"));
    let d = data(&html);
    let names: Vec<&str> = d["designs"][0]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"基幹</script><b>x</b>"), "{names:?}");
    // The resolved name has no bidi control (MN004 reports it); the flow's
    // text is the source's, shown visibly.
    let text = d["designs"][0]["flows"][0]["text"].as_str().unwrap();
    assert!(text.contains("市町村\\u{202e}cba"), "{text}");
    // U+2028 is forbidden (MN004) as the bidi control is: the label's
    // value goes without it.
    assert!(
        html.contains("a &amp; &#39;b&#39;  c"),
        "the label, in the box's title"
    );
}

#[test]
fn bad_arguments_and_unwritable_output() {
    let o = mynaflow(&["report", KENPO]);
    assert_eq!(o.status.code(), Some(2), "-o is required");
    let o = mynaflow(&["report", KENPO, "-o", "/nonexistent-dir/x.html"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("nonexistent-dir"));
}

/// Loads `page#selftest` and returns the self-test's JSON.
fn selftest(chromium: &Path, page: &Path) -> serde_json::Value {
    let profile = tempfile::tempdir().unwrap();
    let out = common::headless(chromium, profile.path(), 5000)
        .arg("--dump-dom")
        .arg(format!("file://{}#selftest", page.display()))
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&out.stdout);
    let start = dom.find("<pre id=\"selftest\"").expect("self-test element");
    let body = &dom[start..];
    let a = body.find('>').unwrap() + 1;
    let b = body.find("</pre>").unwrap();
    let text = body[a..b]
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("self-test result {text:?}: {e}"))
}

#[test]
fn a_real_browser_runs_the_page() {
    let Some(chromium) = common::chromium() else {
        common::skipped(
            "a_real_browser_runs_the_page: /usr/bin/chromium is not installed (apt-get install chromium)",
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let tricky = dir.path().join("tricky.myna");
    std::fs::write(&tricky, TRICKY).unwrap();
    let tricky = tricky.to_string_lossy().into_owned();
    // A generated design of 1 000 flows: the script must redraw exactly
    // what Rust drew, also where ports and arcs crowd.
    let large = dir.path().join("generated.myna");
    std::fs::write(&large, generate::design(1_000)).unwrap();
    let large = large.to_string_lossy().into_owned();
    // And one larger than the page draws: drawn in part.
    let partial = dir.path().join("partial.myna");
    std::fs::write(&partial, generate::design(8_000)).unwrap();
    let partial = partial.to_string_lossy().into_owned();
    for (name, paths) in [
        ("generated.html", vec![large.as_str()]),
        ("partial.html", vec![partial.as_str()]),
        ("society.html", vec![KENPO]),
        ("findings.html", vec![DRIFT, MN102]),
        ("tricky.html", vec![tricky.as_str(), BIDI]),
    ] {
        let (page, _, _) = report(dir.path(), name, &paths, "ja");
        let r = selftest(&chromium, &page);
        assert_eq!(
            r["errors"],
            serde_json::json!([]),
            "{name}: console errors: {r}"
        );
        let checks = r["checks"].as_array().expect("checks");
        assert!(checks.len() >= 7, "{name}: the self-test ran: {r}");
        let failed: Vec<_> = checks.iter().filter(|c| c["ok"] != true).collect();
        assert!(failed.is_empty(), "{name}: failed checks: {failed:#?}");
        assert_eq!(r["ok"], true, "{name}: {r}");
        if name == "findings.html" {
            let names: Vec<&str> = checks.iter().filter_map(|c| c["name"].as_str()).collect();
            assert!(
                names
                    .iter()
                    .any(|n| n.contains("clicking a finding highlights")),
                "{names:?}"
            );
        }
    }
    // Screenshots (look at them: target/report-screenshots/).
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    for (page, hash, png) in [
        ("society.html", "mn", "society-mynumber.png"),
        ("findings.html", "finding=0", "findings.png"),
    ] {
        let profile = tempfile::tempdir().unwrap();
        let png = shots.join(png);
        let _ = std::fs::remove_file(&png);
        let out = common::headless(&chromium, profile.path(), 5000)
            .arg("--window-size=1400,1300")
            .arg(format!("--screenshot={}", png.display()))
            .arg(format!("file://{}#{hash}", dir.path().join(page).display()))
            .output()
            .expect("chromium runs");
        let bytes = std::fs::read(&png).unwrap_or_default();
        assert!(
            bytes.starts_with(b"\x89PNG") && bytes.len() > 10_000,
            "screenshot {}: {}",
            png.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// The page carries the PIA inventory of each design: the systems that hold
/// 特定個人情報 and the records both ends of a network exchange keep.
#[test]
fn the_page_carries_the_inventory() {
    let dir = tempfile::tempdir().unwrap();
    let (_, _, html) = report(dir.path(), "r.html", &[KENPO], "ja");
    let inv = inventory_section(&html);
    assert!(inv.contains("特定個人情報を保有するシステム"), "{inv}");
    assert!(
        inv.contains("<td>基幹システム</td><td>課税情報</td><td>被扶養者認定</td>"),
        "{inv}"
    );
    assert!(inv.contains("情報提供等の記録"), "{inv}");
    // Every record's basis is a section of the rulebook, none a finding.
    assert!(!inv.contains('✖'), "{inv}");
}

fn inventory_section(html: &str) -> &str {
    let start = html
        .find("<details class=\"inventory\">")
        .expect("an inventory section");
    let end = start + html[start..].find("</details>").expect("its end");
    &html[start..end]
}

/// The flows of `design` that `graph --section ID` draws, by line: the
/// picture's edges as that command builds them.
fn graph_section_lines(path: &str, id: &str) -> std::collections::BTreeSet<usize> {
    use mynaflow::diagram::{self, Options};
    use mynaflow::session::{RulebookSource, Session};
    let mut s = Session::new(RulebookSource::Builtin("kenpo".into()));
    let a = s
        .check_path(Path::new(path))
        .expect("readable")
        .analysis
        .expect("a design");
    let source = s.sources.get(a.design.file);
    let options = Options {
        section: Some(id.to_string()),
        ..Options::default()
    };
    let d = diagram::build(&a.design, source, &s.diagnostics, &options);
    (d.edges.iter())
        .map(|e| source.line_col(a.design.flow(e.flow).span.start as usize).0)
        .collect()
}

/// The page's Section filter keeps the flows `graph --section` draws: a
/// flow is for a section when one of its purposes is declared there or
/// allowed by a rule there. 7(1) allows 被扶養者認定 (declared in 2(1)):
/// the society's main 7(1) exchange, 市町村 → 情報提供NWS → 中間サーバー →
/// 適用システム, was tagged 2(1) only and hidden from the 7(1) view.
#[test]
fn the_section_filter_keeps_what_graph_section_draws() {
    let dir = tempfile::tempdir().unwrap();
    let (_, code, html) = report(dir.path(), "r.html", &[KENPO], "en");
    assert_eq!(code, Some(0));
    let data = data(&html);
    let flows = data["designs"][0]["flows"].as_array().expect("flows");
    let tagged = |id: &str| -> std::collections::BTreeSet<usize> {
        (flows.iter())
            .filter(|f| {
                (f["sections"].as_array().expect("sections").iter()).any(|s| s.as_str() == Some(id))
            })
            .map(|f| f["line"].as_u64().expect("line") as usize)
            .collect()
    };
    let kenpo = std::fs::read_to_string(KENPO).unwrap();
    let line_of = |needle: &str| {
        kenpo
            .lines()
            .position(|l| l.starts_with(needle))
            .map(|i| i + 1)
            .unwrap_or_else(|| panic!("no line `{needle}`"))
    };
    let seven = tagged("7(1)");
    for flow in [
        "flow 市町村 -> 情報提供NWS : 課税情報, 住民票情報 for 被扶養者認定",
        "flow 情報提供NWS -> 中間サーバー : 課税情報, 住民票情報 for 被扶養者認定",
        "flow 中間サーバー -> 適用システム : 課税情報, 住民票情報 for 被扶養者認定",
    ] {
        assert!(
            seven.contains(&line_of(flow)),
            "`{flow}` not in 7(1): {seven:?}"
        );
    }
    // Every section offered, 7(1) among them, shows what the command draws.
    let offered: Vec<String> = html
        .split(r#"<select name="sect">"#)
        .nth(1)
        .and_then(|s| s.split("</select>").next())
        .expect("the section filter")
        .split(r#"<option value=""#)
        .skip(2)
        .filter_map(|o| o.split('"').next())
        .map(str::to_string)
        .collect();
    assert!(offered.iter().any(|s| s == "7(1)"), "{offered:?}");
    for id in &offered {
        assert_eq!(tagged(id), graph_section_lines(KENPO, id), "section {id}");
    }
    assert_eq!(seven.len(), graph_section_lines(KENPO, "7(1)").len());
}

/// In a real browser, `#section=7(1)` shows as many flows as `graph
/// --section 7(1)` draws.
#[test]
fn a_real_browser_counts_the_section_as_graph_draws_it() {
    let Some(chromium) = common::chromium() else {
        common::skipped(
            "a_real_browser_counts_the_section_as_graph_draws_it: /usr/bin/chromium is not installed (apt-get install chromium)",
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (page, _, html) = report(dir.path(), "society.html", &[KENPO], "en");
    let total = data(&html)["designs"][0]["flows"]
        .as_array()
        .expect("flows")
        .len();
    let profile = tempfile::tempdir().unwrap();
    let out = common::headless(&chromium, profile.path(), 5000)
        .arg("--dump-dom")
        .arg(format!("file://{}#section=7(1)", page.display()))
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&out.stdout);
    let shown = dom
        .split(r#"<output class="shown" aria-live="polite">"#)
        .nth(1)
        .and_then(|s| s.split("</output>").next())
        .unwrap_or_else(|| panic!("no count in\n{dom}"));
    let want = graph_section_lines(KENPO, "7(1)").len();
    assert_eq!(shown, format!("{want} of {total} flows shown"));
}

/// A basis a later amendment renumbered (番号法第19条第7号, 第8号 since
/// 2021-09-01 by the rulebook's renumbering data) says what it is now in
/// the records table and the coverage table, as `inventory` says it, in
/// both languages.
#[test]
fn a_renumbered_basis_says_what_it_is_now() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (lang, now) in [
        ("ja", "番号法第19条第7号 (現在は番号法第19条第8号)"),
        ("en", "番号法第19条第7号 (now 番号法第19条第8号)"),
    ] {
        let (_, code, html) = report(dir.path(), &format!("{lang}.html"), &[KENPO], lang);
        assert_eq!(code, Some(0));
        // The records table, and the coverage table's basis column.
        assert!(
            html.contains(&format!("<td>7(1) {now}</td>")),
            "{lang}: records"
        );
        assert!(
            html.contains(&format!("<td>{now}</td>")),
            "{lang}: coverage"
        );
        assert!(
            !html.contains("番号法第19条第7号<"),
            "{lang}: a citation without its note"
        );
    }
}
