//! `mynaflow graph`: DOT and Mermaid pictures of designs. Snapshots of the
//! examples, the structure a reader relies on (red violations with their
//! codes, bold 特定個人情報, ASCII Mermaid ids, escaping), and Graphviz
//! accepting the DOT when it is installed. `tests/renderers.rs` draws the
//! pictures with Graphviz and Mermaid themselves and checks what they show.

mod common;
use common::mynaflow;

use mynaflow::diagram::{self, Diagram, NodeKind, Options};
use mynaflow::render::{dot, mermaid};
use mynaflow::session::{RulebookSource, Session};
use mynaflow::text::Lang;
use std::path::Path;

/// The command's stdout; it must exit 0.
fn graph(args: &[&str]) -> String {
    let mut all = vec!["graph"];
    all.extend_from_slice(args);
    let out = mynaflow(&all);
    assert_eq!(
        out.status.code(),
        Some(0),
        "mynaflow {all:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

fn diagram_of(path: &str, only_mynumber: bool) -> Diagram {
    let mut s = Session::new(RulebookSource::Builtin("kenpo".into()));
    let checked = s.check_path(Path::new(path)).expect("readable");
    let a = checked.analysis.expect("a design");
    diagram::build(
        &a.design,
        s.sources.get(checked.file),
        &s.diagnostics,
        &Options {
            only_mynumber,
            ..Options::default()
        },
    )
}

macro_rules! snap {
    ($name:expr, $value:expr) => {
        insta::with_settings!({snapshot_path => "snapshots", prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!($name, $value);
        });
    };
}

const MN102: &str = "docs/codes/examples/MN102-wrong-direction.myna";
const KENPO: &str = "examples/kenpo-society.myna";

#[test]
fn snapshots_of_the_examples() {
    for (name, file) in [("MN102-wrong-direction", MN102), ("kenpo-society", KENPO)] {
        for format in ["dot", "mermaid"] {
            snap!(
                format!("graph_{format}@{name}"),
                graph(&[file, "--format", format, "--lang", "en"])
            );
            snap!(
                format!("graph_{format}_mynumber@{name}"),
                graph(&[
                    file, "--format", format, "--only", "mynumber", "--lang", "ja"
                ])
            );
        }
    }
}

#[test]
fn snapshots_of_reach() {
    for format in ["dot", "mermaid"] {
        snap!(
            format!("graph_{format}_reach@MN102-wrong-direction"),
            graph(&[
                MN102,
                "--format",
                format,
                "--reach",
                "課税情報",
                "--lang",
                "en"
            ])
        );
    }
    snap!(
        "graph_json_reach@kenpo-society",
        graph(&[KENPO, "--format", "json", "--reach", "前保険者資格情報"])
    );
}

#[test]
fn a_violating_flow_is_red_and_carries_its_code() {
    let d = diagram_of(MN102, false);
    assert_eq!(d.edges.len(), 3, "one flow via two carriers: three legs");
    for e in &d.edges {
        assert_eq!(e.codes, vec![mynaflow::code::Code::MN102]);
    }
    let dot_out = dot::render(&d, Lang::En);
    let edges: Vec<&str> = dot_out.lines().filter(|l| l.contains(" -> ")).collect();
    assert_eq!(edges.len(), 3);
    for l in &edges {
        assert!(
            l.contains("color=red") && l.contains("fontcolor=red"),
            "{l}"
        );
        assert!(l.contains("\\nMN102\""), "code in the label: {l}");
    }
    let mm = mermaid::render(&d, Lang::En);
    assert!(mm.contains("\\nMN102\"|"), "{mm}");
    assert!(mm.contains("linkStyle 0,1,2 stroke:red"), "{mm}");

    // A design without findings draws nothing red.
    let k = diagram_of(KENPO, false);
    assert!(k.edges.iter().all(|e| !e.violating()));
    assert!(!dot::render(&k, Lang::En).contains("color=red"));
    assert!(!mermaid::render(&k, Lang::En).contains("linkStyle"));
}

#[test]
fn my_number_edges_are_bold_and_only_mynumber_keeps_them() {
    let full = diagram_of(KENPO, false);
    let only = diagram_of(KENPO, true);
    let bold = full.edges.iter().filter(|e| e.mynumber).count();
    assert!(bold > 0 && bold < full.edges.len());
    assert_eq!(
        only.edges.len(),
        bold,
        "--only mynumber keeps exactly those"
    );
    assert!(only.edges.iter().all(|e| e.mynumber));
    assert!(only.nodes.len() < full.nodes.len());
    // Every node kept is touched by a kept edge.
    for (i, n) in only.nodes.iter().enumerate() {
        assert!(
            only.edges.iter().any(|e| e.from == i || e.to == i),
            "{} is drawn but no My Number flow touches it",
            n.name
        );
    }

    // Parallel legs are merged: an edge is bold when any of its legs
    // carries 特定個人情報.
    let merged = diagram::merge(&full);
    assert!(merged.len() < full.edges.len(), "some legs are merged");
    let dot_out = dot::render(&full, Lang::En);
    let lines: Vec<&str> = dot_out.lines().filter(|l| l.contains(" -> ")).collect();
    assert_eq!(lines.len(), merged.len(), "one DOT edge per merged edge");
    for l in lines {
        let mynumber = [
            "課税情報",
            "住民票情報",
            "年金給付情報",
            "前保険者資格情報",
            "公金口座情報",
            "資格取得情報",
            "給付関連情報",
        ]
        .iter()
        .any(|item| {
            ["label=\"", ", ", "\\n"]
                .iter()
                .any(|before| l.contains(&format!("{before}{item}")))
        });
        assert_eq!(l.contains("style=bold"), mynumber, "{l}");
        if l.contains(" flows\\n") {
            assert!(l.contains("penwidth="), "a merged edge is wider: {l}");
        }
    }
    let mm = mermaid::render(&full, Lang::En);
    let thick = mm.lines().filter(|l| l.contains("==>")).count();
    assert_eq!(thick, merged.iter().filter(|m| m.mynumber).count());
}

#[test]
fn the_society_is_one_cluster_and_carriers_are_channels() {
    let d = diagram_of(KENPO, false);
    assert_eq!(d.clusters.len(), 1);
    let members: Vec<&str> = d.clusters[0]
        .nodes
        .iter()
        .map(|n| d.nodes[*n].name.as_str())
        .collect();
    assert!(members.contains(&"基幹システム") && members.contains(&"加入者ポータル"));
    for (i, n) in d.nodes.iter().enumerate() {
        assert_eq!(
            n.kind == NodeKind::SelfOrg,
            d.clusters[0].nodes.contains(&i)
        );
    }
    let dot_out = dot::render(&d, Lang::En);
    assert!(dot_out.contains("subgraph cluster_self {"));
    assert!(dot_out.contains(
        "\"情報提供NWS\" [label=\"情報提供NWS\\n(情報提供ネットワークシステム)\", shape=cds"
    ));
    let mm = mermaid::render(&d, Lang::En);
    // `:` is an entity in a Mermaid label (Mermaid shows it as `:`), which
    // `</>` has Mermaid read in its SVG labels too; a line break is `\n`.
    assert!(mm.contains("subgraph cluster_self [\"the society (組合)\"]"));
    assert!(mm.contains("[/\"情報提供NWS\\n(情報提供ネットワークシステム)\"/]"));
    // `<->` flows have arrows at both ends.
    assert!(dot_out.contains(
        "\"基幹システム\" -> \"大和総研\" [label=\"被保険者資格 / 資格データ処理委託\", dir=both]"
    ));
    assert!(mm.contains("<-->|\"被保険者資格 / 資格データ処理委託\"|"));
}

/// Mermaid node ids are ASCII `n0`, `n1`, …; everything outside quotes
/// is ASCII.
fn assert_mermaid_ascii(mm: &str) {
    for line in mm.lines().filter(|l| !l.starts_with("%%")) {
        let outside: String = line.split('"').step_by(2).collect();
        assert!(outside.is_ascii(), "non-ASCII outside quotes: {line}");
        let first = line.trim().split([' ', '(', '[', '{']).next().unwrap_or("");
        if !matches!(
            first,
            "flowchart" | "subgraph" | "end" | "linkStyle" | "classDef"
        ) {
            assert!(
                first.starts_with('n') && first[1..].chars().all(|c| c.is_ascii_digit()),
                "node id `{first}` in: {line}"
            );
        }
    }
}

#[test]
fn mermaid_ids_are_ascii() {
    for file in [MN102, KENPO] {
        assert_mermaid_ascii(&graph(&[file, "--format", "mermaid", "--lang", "ja"]));
    }
}

/// A design whose names hold every character that could break DOT or
/// Mermaid: quotes, backslashes, `#`, `<`, `>`, `&`, `|`, backticks,
/// brackets and `;`; what Mermaid rewrites in a label (`fa:fa-…`, `$$…$$`,
/// `style…:…#…;`) and what Graphviz reads as an entity (`&amp;`). `end`
/// is a Mermaid keyword.
const TRICKY: &str = r#"use "kenpo"
actor "基幹 \"A\" \\" : 組合 "label \"q\" & <b> | `x`"
actor "中間 #1;" : 中間サーバー
actor "fa:fa-car $$x$$ style:a#f00;" : 本人
actor "NWS [x] {y} (z)" : 情報提供ネットワークシステム
actor 市町村<b>&amp;|x| : 他機関
actor end : 本人
data "課税 \"情報\"" : 課税・非課税情報
data "通知 %% `b`" : 資格情報
flow 市町村<b>&amp;|x| -> "基幹 \"A\" \\" : "課税 \"情報\"" for 被扶養者認定 via "NWS [x] {y} (z)", "中間 #1;"
flow "基幹 \"A\" \\" -> end : "通知 %% `b`" for 証発行管理
flow "基幹 \"A\" \\" -> 未宣言\ : "通知 %% `b`" for 証発行管理
flow "基幹 \"A\" \\" -> "fa:fa-car $$x$$ style:a#f00;" : "通知 %% `b`" for 証発行管理
"#;

fn tricky() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("tricky.myna");
    std::fs::write(&path, TRICKY).expect("write");
    (dir, path.to_string_lossy().into_owned())
}

#[test]
fn names_are_escaped() {
    let (_dir, path) = tricky();
    let d = diagram_of(&path, false);
    assert_eq!(d.nodes.len(), 7, "{:#?}", d.nodes);
    assert_eq!(d.edges.len(), 6);
    let undeclared = d.nodes.iter().find(|n| n.kind == NodeKind::Unknown);
    assert_eq!(undeclared.map(|n| n.name.as_str()), Some("未宣言\\"));
    assert!(
        d.edges
            .iter()
            .any(|e| e.codes == [mynaflow::code::Code::MN010]),
        "MN010 flow is red"
    );

    let dot_out = dot::render(&d, Lang::En);
    assert!(
        dot_out.contains(r#""基幹 \"A\" \\" [label="基幹 \"A\" \\""#),
        "{dot_out}"
    );
    assert!(dot_out.contains(r#""未宣言\\""#), "{dot_out}");
    assert_eq!(dot::quote("a\"b\\"), r#""a\"b\\""#);
    // Graphviz reads entities in its strings: `&` is one.
    assert_eq!(dot::quote("A&amp;B"), r#""A&amp;amp;B""#);
    assert!(
        dot_out.contains(r#""市町村<b>&amp;amp;|x|" [label="市町村<b>&amp;amp;|x|\n(他機関)""#),
        "{dot_out}"
    );
    assert!(
        dot_out.contains(r#"tooltip="label \"q\" &amp; <b> | `x`""#),
        "{dot_out}"
    );

    let mm = mermaid::render(&d, Lang::En);
    assert_mermaid_ascii(&mm);
    for line in mm.lines().filter(|l| l.trim_start().starts_with('n')) {
        // Exactly one quoted label per node or link, with nothing that ends it early.
        assert_eq!(line.matches('"').count(), 2, "{line}");
        let label = line.split('"').nth(1).unwrap_or("");
        // What mynaflow writes: `</>` first, entities, and Mermaid's own
        // codes where an entity would complete `fa:fa-…`, `$$…$$`, `\n`.
        let mut raw = label.strip_prefix("</>").unwrap_or(label).to_string();
        for written in [
            "&quot;",
            "&num;",
            "&percnt;",
            "&amp;",
            "&lt;",
            "&gt;",
            "&verbar;",
            "&grave;",
            "&colon;",
            "&dollar;",
            "#36;",
            "#58;",
            "#92;",
            "<span></span>",
        ] {
            raw = raw.replace(written, "");
        }
        for c in ['<', '>', '|', '`', '&', '%', ':', '$', '#'] {
            assert!(!raw.contains(c), "raw `{c}` in label: {line}");
        }
    }
    assert!(mm.contains("(\"</>基幹 &quot;A&quot; \\\")"), "{mm}");
    assert!(mm.contains("\"</>中間 &num;1;\\n"), "{mm}");
    assert!(
        mm.contains("市町村&lt;b&gt;&amp;amp;&verbar;x&verbar;"),
        "{mm}"
    );
    assert!(mm.contains("classDef unknown"), "{mm}");
    // Mermaid draws `fa:fa-car` as an icon and `$$…$$` as mathematics, and
    // cuts the `;` ending `style…:…#…;`: no `:` or `$` is written as
    // itself, and where an entity would complete a pattern, Mermaid's own
    // code stands (read only after Mermaid looked).
    assert!(
        mm.contains(
            "([\"</>fa#58;fa-car &dollar;#36;x&dollar;#36; style&colon;a&num;f00;\\n(本人)\"])"
        ),
        "{mm}"
    );
    assert_eq!(mermaid::escape("a:b$c"), "</>a&colon;b&dollar;c");
}

/// An actor's name, and the folder of its design, that Mermaid would read
/// as a directive (`%%{…}%%`, anywhere in its text, comments included)
/// configuring the picture: a dark theme and CSS that hides the edges and
/// their labels, the red violations among them.
const DIRECTIVE: &str = "%%{init: {'theme':'dark','themeCSS':'.edgeLabel{display:none} .flowchart-link{display:none}'}}%%";

#[test]
fn a_name_cannot_configure_mermaid() {
    let dir = tempfile::tempdir().expect("temp dir");
    let folder = dir.path().join(format!("designs{DIRECTIVE}"));
    std::fs::create_dir(&folder).expect("a folder");
    let path = folder.join("hostile.myna");
    let name = format!("\"市町村{DIRECTIVE}\"");
    let design = std::fs::read_to_string(MN102)
        .expect("read")
        .replace("actor 市町村       :", &format!("actor {name} :"))
        .replace("-> 市町村 :", &format!("-> {name} :"));
    std::fs::write(&path, design).expect("write");
    let path = path.to_string_lossy().into_owned();

    let mm = graph(&[&path, "--format", "mermaid"]);
    let (head, body) = mm
        .split_once('\n')
        .expect("a comment line, then the picture");
    let head = head.strip_prefix("%% ").expect("the comment");
    assert!(
        !head.contains('%') && !body.contains('%'),
        "a `%` from input:\n{mm}"
    );
    assert!(
        head.contains("designs#37;#37;{init: {'theme':'dark'"),
        "{head}"
    );
    // Still the picture: four actors, three red links carrying MN102.
    assert_mermaid_ascii(&mm);
    let label = |line: &str| line.split('"').nth(1).unwrap_or("").to_string();
    let quoted: Vec<&str> = body
        .lines()
        .filter(|l| l.trim_start().starts_with('n'))
        .collect();
    assert_eq!(quoted.len(), 4 + 3, "{mm}");
    for line in &quoted {
        assert_eq!(line.matches('"').count(), 2, "one quoted label: {line}");
    }
    let hostile = format!(
        "</>市町村{}\\n(他機関)",
        DIRECTIVE.replace('%', "&percnt;").replace(':', "&colon;")
    );
    assert!(quoted.iter().any(|l| label(l) == hostile), "{mm}");
    assert_eq!(
        quoted
            .iter()
            .filter(|l| label(l).ends_with("\\nMN102"))
            .count(),
        3,
        "{mm}"
    );
    assert!(
        body.contains("  linkStyle 0,1,2 stroke:red,color:red\n"),
        "{mm}"
    );

    // DOT has no directives: the name is one quoted string, as written,
    // and Graphviz (when installed) reads the picture.
    let dot_out = graph(&[&path, "--format", "dot"]);
    let node = format!("\n  \"市町村{DIRECTIVE}\" [label=\"市町村{DIRECTIVE}\\n(他機関)\", ");
    assert!(dot_out.contains(&node), "{dot_out}");
    if common::graphviz() {
        common::dot("plain", &dot_out).unwrap_or_else(|e| panic!("dot rejects it: {e}"));
    } else {
        common::skipped(
            "a_name_cannot_configure_mermaid: its DOT half: Graphviz `dot` is not installed (apt-get install -y graphviz)",
        );
    }
}

#[test]
fn graphviz_reads_the_dot() {
    if !common::graphviz() {
        common::skipped(
            "graphviz_reads_the_dot: Graphviz `dot` is not installed (apt-get install -y graphviz)",
        );
        return;
    }
    let (_dir, path) = tricky();
    for (file, nodes) in [(MN102, 4), (KENPO, 36), (path.as_str(), 7)] {
        for only in [false, true] {
            let mut args = vec![file, "--format", "dot"];
            if only {
                args.extend(["--only", "mynumber"]);
            }
            let text = graph(&args);
            let plain = common::dot("plain", &text)
                .unwrap_or_else(|e| panic!("{file}: dot rejects it: {e}"));
            let drawn = plain.lines().filter(|l| l.starts_with("node ")).count();
            if !only {
                assert_eq!(drawn, nodes, "{file}: every actor is one node");
            }
            let edges = plain.lines().filter(|l| l.starts_with("edge ")).count();
            assert_eq!(edges, text.lines().filter(|l| l.contains(" -> ")).count());
        }
    }
}

#[test]
fn exit_status() {
    assert_eq!(
        mynaflow(&["graph", "no-such-file.myna"]).status.code(),
        Some(2)
    );
    assert_eq!(
        mynaflow(&["graph", "docs/codes/examples/MN005-shift-jis.myna"])
            .status
            .code(),
        Some(2),
        "not UTF-8: nothing to draw"
    );
    assert_eq!(
        mynaflow(&["graph", "docs/codes/examples/MN013-missing-rulebook.myna"])
            .status
            .code(),
        Some(2),
        "no rulebook: roles unknown"
    );
    // Findings are drawn, not failed on.
    assert_eq!(mynaflow(&["graph", MN102]).status.code(), Some(0));
    assert_eq!(
        mynaflow(&["graph", MN102, "--format", "svg"]).status.code(),
        Some(2)
    );
}

/// 課税情報 enters through the network carrier, passes two of the society's
/// systems and leaves to an outside party; 住民票情報 only goes round in a
/// cycle with no way in.
const REACH: &str = r#"use "kenpo"
actor 市町村 : 他機関
actor NWS : 情報提供ネットワークシステム
actor 中間 : 中間サーバー
actor 基幹 : 組合
actor 給付 : 組合
actor 事業主 : 事業主
actor 年金機構 : 他機関
data 課税情報 : 課税・非課税情報
data 住民票情報 : 住民票関係情報
flow 市町村 -> 基幹 : 課税情報 for 被扶養者認定 via NWS, 中間
flow 基幹 -> 給付 : 課税情報 for 被扶養者認定
flow 給付 -> 事業主 : 課税情報 for 被扶養者認定
flow 基幹 <-> 給付 : 住民票情報 for 被扶養者認定
flow 年金機構 -> 市町村 : 住民票情報 for 被扶養者認定
"#;

fn reach_json(item: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("reach.myna");
    std::fs::write(&path, REACH).expect("write");
    let p = path.to_string_lossy().into_owned();
    let out = graph(&[&p, "--reach", item, "--format", "json"]);
    serde_json::from_str(&out).expect("JSON")
}

#[test]
fn reach_through_carriers_and_internal_systems() {
    let r = reach_json("課税情報");
    assert_eq!(r["item"], "課税情報");
    assert_eq!(
        r["origins"],
        serde_json::json!([{"name": "市町村", "role": "他機関"}])
    );
    let reached: Vec<(&str, u64)> = r["reached"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| (x["name"].as_str().unwrap(), x["hops"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        reached,
        vec![
            ("市町村", 0),
            ("NWS", 1),
            ("中間", 2),
            ("基幹", 3),
            ("給付", 4),
            ("事業主", 5)
        ]
    );
    let last = &r["reached"][5];
    let path: Vec<(u64, &str)> = last["path"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["line"].as_u64().unwrap(), p["to"].as_str().unwrap()))
        .collect();
    assert_eq!(
        path,
        vec![
            (11, "NWS"),
            (11, "中間"),
            (11, "基幹"),
            (12, "給付"),
            (13, "事業主")
        ],
        "every hop, with the flow's line"
    );
    let unreached: Vec<&str> = r["unreached"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["name"].as_str().unwrap())
        .collect();
    assert_eq!(unreached, vec!["年金機構"]);
}

#[test]
fn reach_from_a_sender_and_around_a_cycle() {
    // 年金機構 sends to 市町村 (an origin); 基幹 <-> 給付 is a cycle with no
    // way in, so it starts at its first actor.
    let r = reach_json("住民票情報");
    let origins: Vec<&str> = r["origins"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["name"].as_str().unwrap())
        .collect();
    assert_eq!(origins, vec!["基幹", "年金機構"]);
    assert_eq!(r["reached"].as_array().unwrap().len(), 4);
}

#[test]
fn reach_greys_out_the_rest() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("reach.myna");
    std::fs::write(&path, REACH).expect("write");
    let p = path.to_string_lossy().into_owned();
    let dot_out = graph(&[&p, "--reach", "課税情報", "--lang", "en"]);
    let grey = |l: &&str| l.contains("color=gray80");
    let node = |name: &str| {
        dot_out
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("\"{name}\" [")))
            .unwrap_or_default()
    };
    assert!(grey(&node("年金機構")), "{dot_out}");
    assert!(!grey(&node("事業主")), "{dot_out}");
    let edges: Vec<&str> = dot_out.lines().filter(|l| l.contains(" -> ")).collect();
    assert!(edges.iter().any(|l| l.contains("課税情報") && !grey(l)));
    assert!(edges.iter().any(|l| l.contains("住民票情報") && grey(l)));
    let mm = graph(&[&p, "--reach", "課税情報", "--format", "mermaid"]);
    assert!(
        mm.contains(":::dimmed") && mm.contains("classDef dimmed"),
        "{mm}"
    );

    for args in [
        vec![p.as_str(), "--reach", "課税"],
        vec![p.as_str(), "--item", "なし"],
        vec![p.as_str(), "--section", "99(9)"],
        vec![p.as_str(), "--format", "json"],
    ] {
        let mut all = vec!["graph"];
        all.extend_from_slice(&args);
        let o = mynaflow(&all);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(!o.stderr.is_empty());
    }
}

#[test]
fn item_and_section_filters() {
    let all = diagram_of(KENPO, false);
    let opts = |item: Option<&str>, section: Option<&str>| Options {
        item: item.map(String::from),
        section: section.map(String::from),
        ..Options::default()
    };
    let mut s = Session::new(RulebookSource::Builtin("kenpo".into()));
    let checked = s.check_path(Path::new(KENPO)).expect("readable");
    let a = checked.analysis.expect("a design");
    let src = s.sources.get(checked.file);
    let by_item = diagram::build(
        &a.design,
        src,
        &s.diagnostics,
        &opts(Some("課税情報"), None),
    );
    assert!(!by_item.edges.is_empty() && by_item.edges.len() < all.edges.len());
    assert!(by_item.edges.iter().all(|e| e.label.contains("課税情報")));
    assert!(
        by_item.nodes.len() < all.nodes.len(),
        "only the actors it touches"
    );
    let by_section = diagram::build(&a.design, src, &s.diagnostics, &opts(None, Some("7(1)")));
    assert!(!by_section.edges.is_empty() && by_section.edges.len() < all.edges.len());
    // 7(1) allows 被扶養者認定, which 2(1) declares: the exchanges of
    // 課税情報 from 市町村 for it are 7(1)'s.
    assert!(
        by_section
            .edges
            .iter()
            .any(|e| e.label.contains("被扶養者認定")),
        "{:?}",
        by_section
            .edges
            .iter()
            .map(|e| &e.label)
            .collect::<Vec<_>>()
    );
    let by_2_1 = diagram::build(&a.design, src, &s.diagnostics, &opts(None, Some("2(1)")));
    assert!(
        by_2_1
            .edges
            .iter()
            .any(|e| e.label.contains("被扶養者認定"))
    );
    let both = diagram::build(
        &a.design,
        src,
        &s.diagnostics,
        &opts(Some("課税情報"), Some("7(1)")),
    );
    assert!(both.edges.len() <= by_item.edges.len().min(by_section.edges.len()));
    let full_width = diagram::build(
        &a.design,
        src,
        &s.diagnostics,
        &opts(Some("課税 情報"), None),
    );
    assert_eq!(
        full_width.edges.len(),
        by_item.edges.len(),
        "names compare by key"
    );
}

/// A large design's flows are read in runs on every core: an undeclared
/// name spelled two ways is still drawn as first written, and an actor
/// named only in a late run is still drawn (`--only-mynumber` keeps only
/// the actors its flows touch).
#[test]
fn a_large_design_draws_the_first_spelling_and_every_touched_actor() {
    let mut text = String::from(
        "use \"kenpo\"\nactor 基幹 : 組合\nactor 中間 : 中間サーバー\nactor 後 : 組合\n\
         data 通知 : 資格情報\ndata 番号 : 特定個人情報\n",
    );
    let flows = 40_000;
    for i in 0..flows {
        let line = match i {
            // Full-width first, in the first run; half-width later, in
            // another run (the key is the same).
            100 => "flow 基幹 -> ＸＹ未宣言 : 通知 for 証発行管理\n".to_string(),
            30_000 => "flow 基幹 -> XY未宣言 : 通知 for 証発行管理\n".to_string(),
            39_999 => "flow 後 -> 中間 : 番号 for 証発行管理\n".to_string(),
            _ => format!("flow 基幹 -> 中間 : 番号 for 証発行管理 # {i}\n"),
        };
        text.push_str(&line);
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("large.myna");
    std::fs::write(&path, &text).expect("write");
    let path = path.to_string_lossy().into_owned();
    let d = diagram_of(&path, false);
    let unknown: Vec<&str> = d
        .nodes
        .iter()
        .filter(|n| n.kind == NodeKind::Unknown)
        .map(|n| n.name.as_str())
        .collect();
    assert_eq!(unknown, ["ＸＹ未宣言"]);
    let kept = diagram_of(&path, true);
    let names: Vec<&str> = kept.nodes.iter().map(|n| n.name.as_str()).collect();
    assert!(names.contains(&"後"), "{names:?}");
    assert!(!names.iter().any(|n| n.contains("未宣言")), "{names:?}");
}

/// A Mermaid picture past what Mermaid draws by default (500 links,
/// 50 000 characters) comes with a note on stderr saying so and how to
/// draw a part; one within them, without. The picture is written either
/// way.
#[test]
fn a_mermaid_picture_too_large_for_mermaid_says_so() {
    let small = mynaflow(&[
        "graph",
        "--format",
        "mermaid",
        "examples/kenpo-society.myna",
    ]);
    assert_eq!(small.status.code(), Some(0));
    assert!(
        small.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&small.stderr)
    );
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("use \"kenpo\"\nactor 基幹 : 組合\ndata 資格 : 資格情報\n");
    for i in 0..600 {
        text.push_str(&format!(
            "actor 系{i} : 組合\nflow 基幹 -> 系{i} : 資格 for 資格確認\n"
        ));
    }
    let f = dir.path().join("wide.myna");
    std::fs::write(&f, text).unwrap();
    let f = f.to_string_lossy().into_owned();
    let large = mynaflow(&["graph", "--format", "mermaid", "--lang", "en", f.as_str()]);
    assert_eq!(large.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&large.stderr);
    assert!(
        stderr.starts_with("mynaflow: note: this Mermaid picture has 600 links and "),
        "{stderr}"
    );
    assert!(
        stderr.contains("draw a part with --only mynumber, --item or --section"),
        "{stderr}"
    );
    let links = String::from_utf8_lossy(&large.stdout)
        .lines()
        .filter(|l| l.contains(">|\""))
        .count();
    assert_eq!(links, 600, "the picture is written all the same");
    let dot = mynaflow(&["graph", f.as_str()]);
    assert!(dot.stderr.is_empty(), "DOT has no such limit");
}

/// Under `--lang ja` an edge's lists (items, purposes, the codes of its
/// errors) are set apart by `、`, as Japanese sentences set them apart,
/// and under `--lang en` by `, `; a name that holds `, ` itself is drawn
/// as written either way, and Graphviz reads the Japanese DOT.
#[test]
fn edge_labels_set_lists_apart_as_the_language_does() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("lists.myna");
    std::fs::write(
        &path,
        "use \"kenpo\"\n\
         actor 事業主 : 事業主\nactor 適用 : 組合\n\
         data \"届, 控え\" : 資格関連情報\ndata 課税 : 課税・非課税情報\n\
         flow 事業主 -> 適用 : \"届, 控え\", 課税 for 資格確認, 被扶養者認定\n",
    )
    .expect("write");
    let path = path.to_string_lossy().into_owned();
    let case = "mynumber-other-items-of-article-19";
    let coded = format!("tests/cases/{case}.myna");
    for format in ["dot", "mermaid"] {
        let ja = graph(&[&path, "--format", format, "--lang", "ja"]);
        let en = graph(&[&path, "--format", format, "--lang", "en"]);
        assert!(
            ja.contains("届, 控え、課税 / 資格確認、被扶養者認定"),
            "{ja}"
        );
        assert!(
            en.contains("届, 控え, 課税 / 資格確認, 被扶養者認定"),
            "{en}"
        );
        let ja = graph(&[&coded, "--format", format, "--lang", "ja"]);
        let en = graph(&[&coded, "--format", format, "--lang", "en"]);
        assert!(ja.contains("MN101、MN105"), "{ja}");
        assert!(en.contains("MN101, MN105"), "{en}");
        if format == "dot" && common::graphviz() {
            common::dot("plain", &ja).unwrap_or_else(|e| panic!("dot rejects it: {e}"));
        }
    }
}
