//! The verdicts `report` and `inventory` list beside the findings, under
//! the filters (`--select`, `--ignore`, a config's `select`, `ignore` and
//! `per-file-ignores`).
//!
//! `report` filters its findings as `check` does, and its page lists every
//! exchange through a carrier with its verdict (the records of 番号法第23条).
//! That table showed `✖ MN104` under `--ignore MN104`, a refusal the
//! findings list said nothing of. Now a verdict whose code the filters
//! hide is shown as withheld, naming the code and what hid it: neither the
//! finding the list leaves out nor a lawful basis. `inventory` does not
//! filter (it is the PIA's list of what the design does, and a filter does
//! not make an exchange lawful); it says on stderr what a config hides
//! from `check` that it lists.

mod common;

use std::path::Path;

/// Two provisions through carriers: 住民票 through the network (7(1)), and
/// 課税情報 through the intermediate server alone (MN104).
const DESIGN: &str = r#"use "kenpo"

actor 適用システム : 組合 "適用・資格管理システム"
actor 中間サーバー : 中間サーバー "医療保険者等向け中間サーバー"
actor 情報提供NWS  : 情報提供ネットワークシステム
actor 市町村       : 他機関 "加入者の住所地の市区町村"

data 課税情報 : 課税・非課税情報 "市町村民税の課税・非課税情報"
data 住民票   : 住民票関係情報

flow 市町村 -> 適用システム : 住民票 for 被扶養者認定 via 情報提供NWS, 中間サーバー
flow 市町村 -> 適用システム : 課税情報 for 被扶養者認定 via 中間サーバー
"#;

/// The lawful record's row, the same under every filter.
const LAWFUL: &str =
    "<td>住民票</td><td>被扶養者認定</td><td>7(1) 番号法第19条第7号 (now 番号法第19条第8号)</td>";

/// A folder holding the design as `d.myna`, and `config` (if any) as its
/// `mynaflow.toml`.
fn folder(config: Option<&str>) -> tempfile::TempDir {
    let d = tempfile::tempdir().expect("tempdir");
    std::fs::write(d.path().join("d.myna"), DESIGN).expect("write design");
    if let Some(c) = config {
        std::fs::write(d.path().join("mynaflow.toml"), c).expect("write config");
    }
    d
}

/// `mynaflow report d.myna -o r.html ARGS` in `dir`: the page, stderr and
/// the exit status.
fn report(dir: &Path, args: &[&str]) -> (String, String, Option<i32>) {
    let mut all = vec!["report", "d.myna", "-o", "r.html"];
    all.extend_from_slice(args);
    let o = common::mynaflow_in(dir, &all);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    let page = std::fs::read_to_string(dir.join("r.html"))
        .unwrap_or_else(|e| panic!("no page written ({e}): {err}"));
    (page, err, o.status.code())
}

/// The records table of the page's inventory.
fn records(page: &str) -> &str {
    let start = (page.find("番号法第23条")).unwrap_or_else(|| panic!("a records table: {page}"));
    let end = start + page[start..].find("</table>").expect("its end");
    &page[start..end]
}

/// No finding, badge or verdict of `code` is shown as one: the only
/// mention of it is the withheld cell.
fn shows_no_refusal(page: &str, code: &str) {
    assert!(!page.contains(&format!("✖ {code}")), "{page}");
    assert!(!page.contains(&format!("✖{code}")), "{page}");
    assert_eq!(page.matches(code).count(), 1, "{page}");
}

#[test]
fn without_filters_the_refusal_is_in_the_findings_the_picture_and_the_records() {
    let d = folder(None);
    let (page, _, status) = report(d.path(), &["--no-config"]);
    assert_eq!(status, Some(1));
    assert!(
        page.contains(r#"<code class="code">MN104</code>"#),
        "{page}"
    );
    assert!(page.contains("✖MN104"), "the picture's badge: {page}");
    let table = records(&page);
    assert!(table.contains("<td>✖ MN104</td>"), "{table}");
    assert!(table.contains(LAWFUL), "{table}");
}

/// `--ignore MN104` showed `✖ MN104` in the records table while the
/// findings list, the summary and the picture said nothing of it.
#[test]
fn a_verdict_the_command_line_ignores_is_shown_as_withheld() {
    let d = folder(None);
    let (page, _, status) = report(d.path(), &["--no-config", "--ignore", "MN104"]);
    assert_eq!(status, Some(0));
    shows_no_refusal(&page, "MN104");
    let table = records(&page);
    assert!(
        table.contains(
            r#"<td><span class="unjudged">— (MN104 not shown: --select/--ignore hide it)</span></td>"#
        ),
        "{table}"
    );
    assert!(
        table.contains(LAWFUL),
        "a lawful record is still lawful: {table}"
    );
    let (page, _, _) = report(
        d.path(),
        &["--no-config", "--lang", "ja", "--select", "MN2,MN3,MN4"],
    );
    shows_no_refusal(&page, "MN104");
    assert!(
        records(&page).contains("— (--select/--ignore で MN104 を非表示)"),
        "{page}"
    );
}

#[test]
fn a_verdict_a_config_hides_is_shown_as_withheld_and_the_config_named() {
    for config in [
        "ignore = [\"MN104\"]\n",
        "select = [\"MN2\", \"MN3\", \"MN4\"]\n",
        "[per-file-ignores]\n\"d.myna\" = [\"MN1\"]\n",
    ] {
        let d = folder(Some(config));
        let (page, err, status) = report(d.path(), &[]);
        assert_eq!(status, Some(0), "{config}: {err}");
        shows_no_refusal(&page, "MN104");
        let table = records(&page);
        let cell = "— (MN104 not shown: the config&#39;s select/ignore/per-file-ignores hide it)";
        assert!(table.contains(cell), "{config}: {table}");
        assert!(table.contains(LAWFUL), "{config}: {table}");
        // What hid it is said at the top, as for every config's filters.
        assert!(
            page.contains(
                "config mynaflow.toml: 1 finding(s) hidden by its select/ignore/per-file-ignores"
            ),
            "{config}: {page}"
        );
        let (page, _, _) = report(d.path(), &["--lang", "ja"]);
        assert!(
            records(&page)
                .contains("— (設定ファイルの select/ignore/per-file-ignores で MN104 を非表示)"),
            "{config}: {page}"
        );
    }
}

/// The config hides a code, and the command line's `--select` replaces its
/// `select`: the config's `ignore` still hides it, so the config is named.
#[test]
fn a_code_both_hide_is_the_configs() {
    let d = folder(Some("ignore = [\"MN104\"]\n"));
    let (page, _, _) = report(d.path(), &["--select", "MN1"]);
    shows_no_refusal(&page, "MN104");
    assert!(
        records(&page).contains("the config&#39;s select/ignore"),
        "{page}"
    );
}

/// `inventory` lists every verdict whatever a config hides (the PIA's
/// list: an exchange a filter hides is no more lawful), and says so.
#[test]
fn the_inventory_lists_what_a_config_hides_and_says_so() {
    let d = folder(Some("ignore = [\"MN104\"]\n"));
    let o = common::mynaflow_in(d.path(), &["inventory", "d.myna", "--format", "md"]);
    let (out, err) = (common::stdout(&o), String::from_utf8_lossy(&o.stderr));
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        out.contains("**not allowed (MN104: wrong channel)**"),
        "{out}"
    );
    assert!(
        err.contains("mynaflow: note: the config's select/ignore/per-file-ignores hide 1 finding(s) of d.myna from `check` (MN104); the inventory lists them beside the exchanges they judge all the same"),
        "{err}"
    );
    let o = common::mynaflow_in(
        d.path(),
        &["inventory", "d.myna", "--format", "json", "--lang", "ja"],
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("設定ファイルの select/ignore/per-file-ignores により d.myna の指摘 1 件 (MN104) は `check` では表示されませんが"),
        "{err}"
    );
    // Without a config that hides anything, nothing is said.
    let o = common::mynaflow_in(d.path(), &["inventory", "d.myna", "--no-config"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("select/ignore"), "{err}");
    assert_eq!(
        common::stdout(&o),
        out,
        "the same inventory, filtered or not"
    );
}

/// Designs under different configs on one page: each design's verdicts
/// follow the filters of its own config.
#[test]
fn each_design_follows_its_own_configs_filters() {
    let d = tempfile::tempdir().expect("tempdir");
    for (sub, config) in [("a", Some("ignore = [\"MN104\"]\n")), ("b", None)] {
        let dir = d.path().join(sub);
        std::fs::create_dir_all(&dir).expect("mkdir");
        std::fs::write(dir.join("d.myna"), DESIGN).expect("write design");
        if let Some(c) = config {
            std::fs::write(dir.join("mynaflow.toml"), c).expect("write config");
        }
    }
    let o = common::mynaflow_in(d.path(), &["report", "b", "a", "-o", "r.html"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "b's MN104 is an error: {err}");
    let page = std::fs::read_to_string(d.path().join("r.html")).expect("the page");
    let (a, b) = (
        page.find("<h2>a/d.myna</h2>"),
        page.find("<h2>b/d.myna</h2>"),
    );
    let (Some(a), Some(b)) = (a, b) else {
        panic!("both designs: {page}")
    };
    assert!(a < b, "in path order: {page}");
    let cell = "— (MN104 not shown: the config&#39;s select/ignore/per-file-ignores hide it)";
    assert!(records(&page[a..b]).contains(cell), "{page}");
    assert!(records(&page[b..]).contains("<td>✖ MN104</td>"), "{page}");
    assert!(!records(&page[a..b]).contains('✖'), "{page}");
}
