//! `mynaflow graph` pictures drawn by the renderers people use: Mermaid
//! (its own browser bundle, in headless Chromium) and Graphviz (`dot
//! -Tsvg`). The string tests of `tests/diagrams.rs` check what mynaflow
//! writes; these check what a reader sees. Every drawing must parse, show
//! as many red links as the design has flows with errors, show every name
//! as the design writes it (Japanese, `%`, quotes, markup as text), and
//! carry nothing a name put there: no script, no style, no configuration.
//! Mermaid draws the same text three ways: with HTML labels (its
//! default), with SVG text labels (`htmlLabels: false`), and with the
//! older `flowchart: { htmlLabels: false }` (SVG text for links only); in
//! SVG text, the few names no spelling can show there as written show as
//! the README says (`SVG_SHOWS`).
//!
//! `.ci/run` installs both: Graphviz from apt, Mermaid from npm at a
//! pinned version into `~/.cache/mynaflow-ci/mermaid`, its bundle named
//! by `MERMAID_JS`. A test whose renderer is missing says SKIPPED on
//! stderr and how to install it; it never passes in silence.

mod common;
use common::mynaflow;

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const KENPO: &str = "examples/kenpo-society.myna";
const VENDOR: &str = "examples/vendor-proposal.myna";

/// What Mermaid reads as a directive that configures the picture: a dark
/// theme, and CSS that hides every link and link label (the red ones
/// among them). In an actor's name, and in the design's folder, which
/// the picture's first line (a comment) names.
const DIRECTIVE: &str = "%%{init: {'theme':'dark','themeCSS':'.flowchart-link{display:none} .edgeLabel{display:none}'}}%%";

/// Actors whose names hold what could break or steer either renderer,
/// with their roles (the built-in rulebook's): Mermaid's directive and
/// entity codes, markup, quotes, `#` and `;`, backticks, the `style …:…#…;`
/// Mermaid cuts a `;` from, its icon (`fa:fa-…`) and KaTeX (`$$…$$`)
/// syntax (also in a label of two lines, which Mermaid reads once more),
/// `\n`, which it breaks a line at, the characters it stands in for `&#`,
/// `&` and `;` while it parses (`ﬂ°°`, `ﬂ°`, `¶ß`, read back in the SVG it
/// made), Graphviz's entities and `\N` / `\G`, full-width and Japanese,
/// an ideographic and a no-break space.
fn hostile_actors() -> Vec<(String, &'static str)> {
    vec![
        (format!("基幹{DIRECTIVE}"), "組合"),
        ("給付<script>alert(1)</script>".into(), "組合"),
        ("市町村 \"#1;\" `x` ＃２；ＡＢＣ".into(), "他機関"),
        ("事業主<style>*{display:none}</style>".into(), "事業主"),
        ("分析style:x#f00;".into(), "組合"),
        ("fa:fa-car $$x^2$$ 数式".into(), "組合"),
        ("年金機構&amp;B &lt;i&gt; \\N \\G &#60;".into(), "他機関"),
        ("加入者ﬂ°°60¶ß Aﬂ°lt¶ßB ¶ß °C Straße".into(), "本人"),
        ("fab:fa-car $$y$$ a\\nb \\N".into(), "他機関"),
        ("全角\u{3000}空白 nbsp\u{a0}50%".into(), "他機関"),
    ]
}

/// What Mermaid's SVG labels (`htmlLabels: false`) show of the hostile
/// names that no label can show as written there and in HTML labels (the
/// README's list): Mermaid's own codes where the HTML label would draw
/// mathematics, an icon or a line break; the empty markup that keeps its
/// stand-ins apart, as words; white space as one space, and a no-break
/// space as `&nbsp;` where the label's entities are read. Every other name
/// shows as written.
const SVG_SHOWS: &[(&str, &str)] = &[
    (
        "加入者ﬂ°°60¶ß Aﬂ°lt¶ßB ¶ß °C Straße",
        "加入者ﬂ <span> </span> °°60¶ <span> </span> ß Aﬂ <span> </span> °lt¶ <span> </span> ßB ¶ <span> </span> ß °C Straße",
    ),
    (
        "fa:fa-car $$x^2$$ 数式",
        "fa&#58;fa-car $&#36;x^2$&#36; 数式",
    ),
    (
        "年金機構&amp;B &lt;i&gt; \\N \\G &#60;",
        "年金機構&amp;B &lt;i&gt; &#92;N \\G &#60;",
    ),
    (
        "fab:fa-car $$y$$ a\\nb \\N",
        "fab&#58;fa-car $&#36;y$&#36; a&#92;nb &#92;N",
    ),
    ("全角\u{3000}空白 nbsp\u{a0}50%", "全角 空白 nbsp&nbsp;50%"),
    (
        ITEM,
        "資格 `a` #x; <b>b</b> ；全角 ﬂ <span> </span> °°62¶ <span> </span> ß",
    ),
];

/// The label (legal name) of the third actor: DOT draws it as the
/// node's tooltip.
const LABEL: &str = "住所地の<b>市町村</b> & \"q\" &lt;";

/// The data items of [`hostile_design`]: one of 特定個人情報, one not.
const MYNUMBER_ITEM: &str = "課税%%{init: {'theme':'forest'}}%%";
/// The item of [`hostile_design`] that is not 特定個人情報.
const ITEM: &str = "資格 `a` #x; <b>b</b> ；全角 ﬂ°°62¶ß";

/// A name as a quoted `.myna` string.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The hostile design: seven flows, each a link of its own (no `via`, no
/// two between the same actors), three of them with errors (MN104 and
/// MN202 twice). The society's systems are one cluster, its title
/// `the society (組合)`.
fn hostile_design() -> String {
    let a: Vec<String> = hostile_actors().iter().map(|(n, _)| quoted(n)).collect();
    let mut text = String::from("use \"kenpo\"\n");
    for (i, ((_, role), q)) in hostile_actors().iter().zip(&a).enumerate() {
        let label = if i == 2 {
            format!(" {}", quoted(LABEL))
        } else {
            String::new()
        };
        text.push_str(&format!("actor {q} : {role}{label}\n"));
    }
    let (mn, item) = (quoted(MYNUMBER_ITEM), quoted(ITEM));
    text.push_str(&format!(
        "data {mn} : 課税・非課税情報\ndata {item} : 資格情報\n"
    ));
    for (from, to, data, purpose) in [
        (2, 0, &mn, "被扶養者認定"), // MN104: not via the network
        (0, 3, &item, "資格確認"),   // MN202: to the employer
        (0, 1, &item, "保険給付"),
        (1, 7, &item, "保険給付"),
        (4, 5, &item, "保険給付"),
        (5, 6, &item, "保険給付"), // MN202: to another body
        (6, 4, &item, "被扶養者認定"),
    ] {
        text.push_str(&format!(
            "flow {} -> {} : {data} for {purpose}\n",
            a[from], a[to]
        ));
    }
    text
}

/// The hostile design written in a folder named with the directive, and
/// its path.
fn hostile_file() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let folder = dir.path().join(format!("designs{DIRECTIVE}"));
    std::fs::create_dir(&folder).expect("a folder");
    let path = folder.join("hostile.myna");
    std::fs::write(&path, hostile_design()).expect("write");
    (dir, path.to_string_lossy().into_owned())
}

/// `mynaflow graph PATH --format FORMAT`: it must exit 0.
fn graph(path: &str, format: &str) -> String {
    let o = mynaflow(&["graph", path, "--format", format, "--lang", "en"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "graph {path}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).expect("UTF-8")
}

/// The lines of the flows that `mynaflow check` reports an error on: a
/// flow with errors is one red link in these designs (each flow is a link
/// of its own), so this many links must be red.
fn violating_flows(path: &str) -> BTreeSet<u64> {
    let o = mynaflow(&["check", path, "--format", "json", "--lang", "en"]);
    let v: Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let text = std::fs::read_to_string(path).expect("the design");
    let lines: Vec<&str> = text.lines().collect();
    let shown = mynaflow::input::display_name(Path::new(path));
    let mut out = BTreeSet::new();
    for d in v["diagnostics"].as_array().expect("diagnostics") {
        let line = d["line"].as_u64().unwrap_or(0);
        let is_flow = (line as usize)
            .checked_sub(1)
            .and_then(|i| lines.get(i))
            .is_some_and(|l| l.trim_start().starts_with("flow "));
        if d["severity"] == "error" && d["file"] == shown.as_str() && is_flow {
            out.insert(line);
        }
    }
    out
}

/// The designs drawn: the society (no findings, 36 actors), the vendor's
/// proposal (five flows with errors) and the hostile one. Each: its
/// path, the flows with errors, and the names it must show.
struct Drawn {
    path: String,
    red: usize,
    /// Actors' names, each the first line of one node's label.
    actors: Vec<String>,
    /// Data items, each the start of some link's label.
    items: Vec<String>,
}

fn drawn(hostile: &str) -> Vec<Drawn> {
    let vendor_red = violating_flows(VENDOR).len();
    assert_eq!(vendor_red, 5, "the vendor's proposal has five such flows");
    let hostile_red = violating_flows(hostile).len();
    assert_eq!(hostile_red, 3, "{}", hostile_design());
    vec![
        Drawn {
            path: KENPO.into(),
            red: violating_flows(KENPO).len(),
            actors: vec!["基幹システム".into(), "情報提供NWS".into(), "市町村".into()],
            items: vec!["課税情報".into()],
        },
        Drawn {
            path: VENDOR.into(),
            red: vendor_red,
            actors: vec!["子会社BPO".into(), "データ分析基盤".into()],
            items: vec!["医療費通知データ".into()],
        },
        Drawn {
            path: hostile.into(),
            red: hostile_red,
            actors: hostile_actors().into_iter().map(|(n, _)| n).collect(),
            items: vec![MYNUMBER_ITEM.into(), ITEM.into()],
        },
    ]
}

// ---------------------------------------------------------------- Mermaid

/// Mermaid's browser bundle: `$MERMAID_JS`, else where `.ci/run` puts it.
fn mermaid_js() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("MERMAID_JS").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p)).filter(|p| p.is_file());
    }
    let home = std::env::var_os("HOME")?;
    let p = Path::new(&home)
        .join(".cache/mynaflow-ci/mermaid/node_modules/mermaid/dist/mermaid.min.js");
    p.is_file().then_some(p)
}

/// The version of the bundle at `js` (its package's `package.json`).
fn mermaid_version(js: &Path) -> String {
    js.parent()
        .and_then(Path::parent)
        .and_then(|p| std::fs::read_to_string(p.join("package.json")).ok())
        .and_then(|t| serde_json::from_str::<Value>(&t).ok())
        .and_then(|v| v["version"].as_str().map(String::from))
        .unwrap_or_else(|| "unknown".into())
}

/// The page that draws each picture with `mermaid.render` (with the
/// options `OPTIONS`) and reports, as JSON in `<pre id="result">`: whether
/// it parsed, each link (red? shown?), each label (nodes', links',
/// clusters'), the elements of the SVG, its `<style>` (the picture's id
/// made `#ID`), the SVG itself, then any error on the console and the
/// options Mermaid drew with. A label is HTML (`text`: its text, each
/// `<br>` a line break) or SVG text (`rows`: each line as Mermaid wrapped
/// it), red or not, shown or not. The JSON is ASCII (`\uXXXX`), so the
/// dumped DOM cannot change it.
const PAGE: &str = r#"<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>mermaid</title></head><body>
<script src="mermaid.min.js"></script>
<script type="application/json" id="pictures">PICTURES</script>
<pre id="result">pending</pre>
<div id="out"></div>
<script>
const errors = [];
window.addEventListener('error', e => errors.push(String(e.message)));
const consoleError = console.error;
console.error = (...a) => { errors.push(a.map(String).join(' ')); consoleError(...a); };
const lines = el => {
  const c = el.cloneNode(true);
  c.querySelectorAll('br').forEach(b => b.replaceWith('\n'));
  return c.textContent;
};
const shown = el => {
  for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
    const s = getComputedStyle(e);
    if (s.display === 'none' || s.visibility === 'hidden' || s.opacity === '0') return false;
  }
  const b = el.getBoundingClientRect();
  return b.width > 0 || b.height > 0;
};
const RED = 'rgb(255, 0, 0)';
const label = g => {
  const svgText = g.querySelector('foreignObject') ? null : g.querySelector('text');
  if (svgText) {
    const s = getComputedStyle(svgText);
    return {
      rows: [...svgText.querySelectorAll('tspan.text-outer-tspan')].map(r => r.textContent),
      red: s.fill === RED || s.color === RED, shown: shown(svgText) };
  }
  const t = g.querySelector('p') || g.querySelector('.nodeLabel') || g.querySelector('span') || g;
  return { text: lines(t), red: getComputedStyle(t).color === RED, shown: shown(t) };
};
(async () => {
  const out = [];
  let options = null;
  try {
    mermaid.initialize(OPTIONS);
    const c = mermaid.mermaidAPI.getConfig();
    options = { securityLevel: c.securityLevel, htmlLabels: c.htmlLabels,
      flowchartHtmlLabels: c.flowchart && c.flowchart.htmlLabels };
    const pictures = JSON.parse(document.getElementById('pictures').textContent);
    for (let i = 0; i < pictures.length; i++) {
      const r = { ok: false };
      try {
        const id = 'picture' + i;
        const { svg } = await mermaid.render(id, pictures[i]);
        const box = document.createElement('div');
        document.getElementById('out').appendChild(box);
        box.innerHTML = svg;
        const s = box.querySelector('svg');
        r.ok = true;
        r.links = [...s.querySelectorAll('path.flowchart-link')].map(p => ({
          red: getComputedStyle(p).stroke === RED, shown: shown(p) }));
        r.linkLabels = [...s.querySelectorAll('g.edgeLabel')].map(label);
        r.nodes = [...s.querySelectorAll('g.node')].map(label);
        r.clusters = [...s.querySelectorAll('.cluster-label')].map(label);
        r.tags = [...new Set([...s.querySelectorAll('*')].map(e => e.tagName.toLowerCase()))].sort();
        r.styles = [...s.querySelectorAll('style')].map(e => e.textContent.split(id).join('ID'));
        r.svg = svg;
        box.remove();
      } catch (e) {
        r.error = String((e && e.message) || e);
      }
      out.push(r);
    }
  } catch (e) {
    out.push({ fatal: String(e) });
  }
  out.push({ errors, options });
  document.getElementById('result').textContent = JSON.stringify(out)
    .replace(/[\u007f-\uffff]/g, c => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
})();
</script></body></html>
"#;

/// Draws each Mermaid text with the bundle `js` in `chromium`, Mermaid
/// given `options` (a JavaScript object): one result per picture, then
/// `{"errors": [...], "options": {...}}` (the console's errors, and the
/// options Mermaid drew with).
fn mermaid_render(chromium: &Path, js: &Path, options: &str, pictures: &[String]) -> Vec<Value> {
    let dir = tempfile::tempdir().expect("temp dir");
    std::os::unix::fs::symlink(js, dir.path().join("mermaid.min.js")).expect("link the bundle");
    // Inside the JSON element, a `<` could only end it: written `\u003c`.
    let json = serde_json::to_string(pictures)
        .expect("JSON")
        .replace('<', "\\u003c");
    let page = dir.path().join("draw.html");
    let html = PAGE.replace("OPTIONS", options).replace("PICTURES", &json);
    std::fs::write(&page, html).expect("write the page");
    let profile = tempfile::tempdir().expect("profile");
    let out = common::headless(chromium, profile.path(), 30_000)
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&out.stdout);
    let text = dom
        .split("<pre id=\"result\">")
        .nth(1)
        .and_then(|rest| rest.split("</pre>").next())
        .unwrap_or_else(|| {
            panic!(
                "no result in the page: {}",
                String::from_utf8_lossy(&out.stderr)
            )
        })
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    assert_ne!(text, "pending", "Mermaid did not finish");
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
    v.as_array().cloned().expect("a list")
}

/// Elements Mermaid's flowchart is made of; anything else came from a
/// name (a script, an icon, mathematics, markup).
const MERMAID_ELEMENTS: &[&str] = &[
    "br",
    "circle",
    "defs",
    "div",
    "fedropshadow",
    "filter",
    "foreignobject",
    "g",
    "line",
    "marker",
    "p",
    "path",
    "polygon",
    "rect",
    "span",
    "style",
    "text",
    "tspan",
];

/// An SVG label's rows with the entities Mermaid cut between two of them
/// read: it wraps a word too wide for a line before it reads the `&amp;`,
/// `&lt;` and `&gt;` in it, so a row may end in `&l` and the next start
/// with `t;` (the README says so). Nothing else is read.
fn mended(rows: &[&str]) -> Vec<String> {
    let mut rows: Vec<String> = rows.iter().map(|r| r.to_string()).collect();
    for i in 1..rows.len() {
        for (entity, c) in [("&amp;", '&'), ("&lt;", '<'), ("&gt;", '>')] {
            let cut = (1..entity.len()).find(|&k| {
                rows[i - 1].ends_with(&entity[..k]) && rows[i].starts_with(&entity[k..])
            });
            if let Some(k) = cut {
                let left = rows[i - 1].len() - k;
                rows[i - 1].truncate(left);
                rows[i - 1].push(c);
                rows[i].replace_range(..entity.len() - k, "");
                break;
            }
        }
    }
    rows
}

/// Do an SVG label's rows start with `want` (ending where a row ends when
/// `whole_rows`)? Mermaid wraps a line between words, taking the space
/// there, and inside a word too wide, taking nothing: so each row's end
/// stands for one space of `want` or none.
fn rows_start_with(rows: &[String], want: &str, whole_rows: bool) -> bool {
    let Some((row, rest)) = rows.split_first() else {
        return want.is_empty();
    };
    if want.is_empty() {
        return true;
    }
    match want.strip_prefix(row.as_str()) {
        Some(after) => {
            after.is_empty()
                || rows_start_with(rest, after, whole_rows)
                || after
                    .strip_prefix(' ')
                    .is_some_and(|a| rows_start_with(rest, a, whole_rows))
        }
        None => !whole_rows && row.starts_with(want),
    }
}

/// How a label reads: its text (HTML), or its rows mended and joined by
/// line breaks (SVG), for messages and the search for stray codes.
fn label_text(l: &Value) -> String {
    match l["rows"].as_array() {
        Some(rows) => {
            let rows: Vec<&str> = rows.iter().filter_map(Value::as_str).collect();
            mended(&rows).join("\n")
        }
        None => l["text"].as_str().unwrap_or_default().to_string(),
    }
}

/// Does the label start with `want` (as its whole first line when
/// `first_line`)?
fn label_starts_with(l: &Value, want: &str, first_line: bool) -> bool {
    match l["rows"].as_array() {
        Some(rows) => {
            let rows: Vec<&str> = rows.iter().filter_map(Value::as_str).collect();
            rows_start_with(&mended(&rows), want, first_line)
        }
        None => {
            let text = l["text"].as_str().unwrap_or_default();
            if first_line {
                text.lines().next() == Some(want)
            } else {
                text.starts_with(want)
            }
        }
    }
}

/// The last line of a label (an SVG one's last row).
fn last_line(l: &Value) -> String {
    match l["rows"].as_array() {
        Some(rows) => rows
            .last()
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        None => l["text"]
            .as_str()
            .and_then(|t| t.lines().last())
            .unwrap_or_default()
            .to_string(),
    }
}

/// Chromium and Mermaid's bundle, or `None` said loudly (SKIPPED) for
/// `test`.
fn chromium_and_mermaid(test: &str) -> Option<(PathBuf, PathBuf)> {
    let Some(chromium) = common::chromium() else {
        common::skipped(&format!(
            "{test}: /usr/bin/chromium is not installed (apt-get install chromium)"
        ));
        return None;
    };
    let Some(js) = mermaid_js() else {
        common::skipped(&format!(
            "{test}: Mermaid's bundle is not installed \
             (npm install --prefix ~/.cache/mynaflow-ci/mermaid mermaid@12.4.0, as .ci/run does, or set MERMAID_JS to its dist/mermaid.min.js)"
        ));
        return None;
    };
    eprintln!(
        "{test}: mermaid {} from {}",
        mermaid_version(&js),
        js.display()
    );
    Some((chromium, js))
}

/// How labels are drawn: HTML for both (Mermaid's default), SVG text for
/// both (`htmlLabels: false`), or HTML for nodes and SVG text for links
/// (Mermaid 12's reading of the older `flowchart: { htmlLabels: false }`).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Labels {
    Html,
    Svg,
    SvgLinks,
}

/// Draws the designs with Mermaid given `options` and checks what a
/// reader sees: every picture parses; as many red links, and red labels
/// ending in their codes, as the design has flows with errors; no link or
/// label hidden; no style, element or script a name put there; every
/// name shown as the design writes it, entity codes read (in SVG labels,
/// the names [`SVG_SHOWS`] lists shown as it says).
fn mermaid_draws(test: &str, options: &str, labels: Labels) {
    let Some((chromium, js)) = chromium_and_mermaid(test) else {
        return;
    };
    let (_dir, hostile) = hostile_file();
    let designs = drawn(&hostile);
    let texts: Vec<String> = designs.iter().map(|d| graph(&d.path, "mermaid")).collect();
    let results = mermaid_render(&chromium, &js, options, &texts);
    assert_eq!(results.len(), designs.len() + 1, "{results:#?}");
    let last = &results[designs.len()];
    assert_eq!(
        last["errors"],
        serde_json::json!([]),
        "errors on the console"
    );
    // The options Mermaid drew with: its default security level (strict:
    // labels go through DOMPurify), and the labels asked for.
    assert_eq!(last["options"]["securityLevel"], "strict", "{last}");
    let svg_nodes = labels == Labels::Svg;
    let svg_links = labels != Labels::Html;
    // The society's picture has no directive and no classes: the style
    // every picture here must have (no theme, no CSS from a name).
    let plain_style = &results[0]["styles"];
    for ((d, text), r) in designs.iter().zip(&texts).zip(&results) {
        let what = &d.path;
        assert_eq!(
            r["ok"], true,
            "{what}: Mermaid rejects it: {}\n{text}",
            r["error"]
        );
        let links = r["links"].as_array().expect("links");
        let drawn_links = text.lines().filter(|l| l.contains("|\"")).count();
        assert_eq!(links.len(), drawn_links, "{what}: every link is drawn");
        assert!(
            links.iter().all(|l| l["shown"] == true),
            "{what}: a link is hidden: {links:?}"
        );
        let red = links.iter().filter(|l| l["red"] == true).count();
        assert_eq!(red, d.red, "{what}: red links, one a flow with errors");
        let labels = r["linkLabels"].as_array().expect("labels");
        let nodes = r["nodes"].as_array().expect("nodes");
        // The kind of label asked for, and no other.
        for (kind, svg, all) in [("link", svg_links, labels), ("node", svg_nodes, nodes)] {
            assert!(
                all.iter().all(|l| l["rows"].is_array() == svg),
                "{what}: a {kind} label is not {}: {all:#?}",
                if svg { "SVG text" } else { "HTML" }
            );
        }
        assert!(
            labels.iter().all(|l| l["shown"] == true),
            "{what}: {labels:?}"
        );
        let red_labels: Vec<&Value> = labels.iter().filter(|l| l["red"] == true).collect();
        assert_eq!(red_labels.len(), d.red, "{what}: {labels:?}");
        assert!(
            red_labels.iter().all(|l| last_line(l).starts_with("MN")),
            "{what}: each red label ends in its codes: {red_labels:?}"
        );
        // No name configured the picture or added to it.
        assert_eq!(&r["styles"], plain_style, "{what}: its style differs");
        let tags: Vec<&str> = r["tags"]
            .as_array()
            .expect("tags")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let strange: Vec<&&str> = tags
            .iter()
            .filter(|t| !MERMAID_ELEMENTS.contains(t))
            .collect();
        assert!(strange.is_empty(), "{what}: elements {strange:?}");
        let svg = r["svg"].as_str().expect("the SVG");
        assert_eq!(
            svg.matches("<style").count(),
            1,
            "{what}: Mermaid's own style only"
        );
        for bad in [
            "<script",
            "<iframe",
            "<img",
            "<math",
            "javascript:",
            "class=\"katex",
            "class=\"fa ",
        ] {
            assert!(!svg.contains(bad), "{what}: `{bad}` in the SVG");
        }
        // Every name shown as the design writes it, entity codes read; in
        // an SVG label, those no label can show so shown as the README
        // says.
        let shown_as = |name: &str, svg: bool| {
            SVG_SHOWS
                .iter()
                .find(|(n, _)| svg && *n == name)
                .map_or(name.to_string(), |(_, s)| s.to_string())
        };
        let shown_nodes: Vec<&Value> = nodes.iter().filter(|n| n["shown"] == true).collect();
        for name in &d.actors {
            let want = shown_as(name, svg_nodes);
            assert!(
                shown_nodes
                    .iter()
                    .any(|n| label_starts_with(n, &want, true)),
                "{what}: `{want}` is not a node's label: {shown_nodes:#?}"
            );
        }
        for item in &d.items {
            let start = format!("{} / ", shown_as(item, svg_links));
            assert!(
                labels.iter().any(|l| label_starts_with(l, &start, false)),
                "{what}: no link labelled `{start}…`: {labels:#?}"
            );
        }
        for l in shown_nodes.iter().copied().chain(labels) {
            let shown = label_text(l);
            // Entities, codes and markup mynaflow writes, none shown as
            // written (`#60;` is left out: a name above spells `&#60;` on
            // purpose). An SVG label shows Mermaid's codes, `&nbsp;` and
            // `<span>` for the names `SVG_SHOWS` lists, which the checks
            // above hold to it.
            let mut written = vec![
                "</>", "#37;", "#quot;", "#35;", "#96;", "&quot;", "&num;", "&percnt;", "&verbar;",
                "&grave;", "&colon;", "&dollar;",
            ];
            if l["rows"].is_null() {
                written.extend(["#58;", "#36;", "#92;", "&nbsp;", "<span>"]);
            }
            for code in written {
                assert!(!shown.contains(code), "{what}: `{code}` shown in `{shown}`");
            }
        }
        let clusters = r["clusters"].as_array().expect("clusters");
        assert_eq!(clusters.len(), 1, "{what}: {clusters:?}");
        assert!(
            label_starts_with(&clusters[0], "the society (組合)", true),
            "{what}: {clusters:?}"
        );
    }
}

#[test]
fn mermaid_draws_the_pictures_as_mynaflow_means_them() {
    mermaid_draws(
        "mermaid_draws_the_pictures_as_mynaflow_means_them",
        "{ startOnLoad: false }",
        Labels::Html,
    );
}

/// With `htmlLabels: false` Mermaid draws every label as SVG text (as
/// mermaid-cli users often do for PDFs): the same pictures, the same
/// names.
#[test]
fn mermaid_draws_the_pictures_with_svg_labels() {
    mermaid_draws(
        "mermaid_draws_the_pictures_with_svg_labels",
        "{ startOnLoad: false, htmlLabels: false }",
        Labels::Svg,
    );
}

/// The older `flowchart: { htmlLabels: false }`, which Mermaid 12 still
/// reads, for links only: nodes in HTML, links in SVG text.
#[test]
fn mermaid_draws_the_pictures_with_svg_link_labels() {
    mermaid_draws(
        "mermaid_draws_the_pictures_with_svg_link_labels",
        "{ startOnLoad: false, flowchart: { htmlLabels: false } }",
        Labels::SvgLinks,
    );
}

// --------------------------------------------------------------- Graphviz

/// Text of an SVG (XML) element as a reader sees it: the five entities
/// and character references read.
fn xml_text(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let Some(end) = after.find(';') else {
            out.push_str(&rest[i..]);
            return out;
        };
        let name = &after[..end];
        let c = match name {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => name
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &after[end + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// One node, edge or cluster of Graphviz's SVG: its class, its text
/// lines, and whether a path of it is red.
#[derive(Debug)]
struct Part {
    class: String,
    texts: Vec<String>,
    red: bool,
}

/// The parts of an SVG Graphviz wrote: each `<g id=… class="node|edge|
/// cluster">` with what follows it up to the next such group (a tooltip's
/// `<g id="a_…">` wrapper belongs to its part).
fn parts(svg: &str) -> Vec<Part> {
    let mut out: Vec<Part> = Vec::new();
    for chunk in svg.split("<g id=\"").skip(1) {
        let head = chunk.split('>').next().unwrap_or("");
        let class = head
            .split("class=\"")
            .nth(1)
            .and_then(|c| c.split('"').next());
        match class {
            Some(c @ ("node" | "edge" | "cluster" | "graph")) => out.push(Part {
                class: c.to_string(),
                texts: Vec::new(),
                red: false,
            }),
            _ if out.is_empty() => continue,
            _ => {}
        }
        let Some(part) = out.last_mut() else { continue };
        for t in chunk.split("<text").skip(1) {
            let inner = t
                .split_once('>')
                .and_then(|(_, rest)| rest.split("</text>").next())
                .unwrap_or("");
            part.texts.push(xml_text(inner));
        }
        part.red |= chunk.contains("<path fill=\"none\" stroke=\"red\"");
    }
    out
}

/// Elements Graphviz writes for these pictures.
const GRAPHVIZ_ELEMENTS: &[&str] = &[
    "?xml", "!DOCTYPE", "!--", "svg", "g", "title", "path", "polygon", "polyline", "ellipse",
    "text", "a",
];

#[test]
fn graphviz_draws_the_pictures_as_mynaflow_means_them() {
    if !common::graphviz() {
        common::skipped(
            "graphviz_draws_the_pictures_as_mynaflow_means_them: Graphviz `dot` is not installed (apt-get install -y graphviz)",
        );
        return;
    }
    let (_dir, hostile) = hostile_file();
    for d in drawn(&hostile) {
        let what = &d.path;
        let text = graph(what, "dot");
        let svg =
            common::dot("svg", &text).unwrap_or_else(|e| panic!("{what}: dot fails: {e}\n{text}"));
        // Only Graphviz's own elements: every `<` of a name is `&lt;`.
        let mut tags = BTreeSet::new();
        for piece in svg.split('<').skip(1) {
            let name: String = piece
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/')
                .collect();
            if !name.is_empty() {
                tags.insert(name);
            }
        }
        let strange: Vec<&String> = tags
            .iter()
            .filter(|t| !GRAPHVIZ_ELEMENTS.contains(&t.as_str()))
            .collect();
        assert!(strange.is_empty(), "{what}: elements {strange:?}");
        let parts = parts(&svg);
        let edges: Vec<&Part> = parts.iter().filter(|p| p.class == "edge").collect();
        let written = text.lines().filter(|l| l.contains(" -> ")).count();
        assert_eq!(edges.len(), written, "{what}: every edge is drawn");
        let red: Vec<&&Part> = edges.iter().filter(|e| e.red).collect();
        assert_eq!(
            red.len(),
            d.red,
            "{what}: red edges, one a flow with errors"
        );
        assert!(
            red.iter()
                .all(|e| e.texts.last().is_some_and(|c| c.starts_with("MN"))),
            "{what}: each red edge's label ends in its codes: {red:#?}"
        );
        // Every name drawn as the design writes it: Graphviz reads no
        // entity and no `\N` in it.
        let nodes: Vec<&Part> = parts.iter().filter(|p| p.class == "node").collect();
        for name in &d.actors {
            assert!(
                nodes.iter().any(|n| n.texts.first() == Some(name)),
                "{what}: `{name}` is not a node's first line: {nodes:#?}"
            );
        }
        for item in &d.items {
            let start = format!("{item} / ");
            assert!(
                edges
                    .iter()
                    .any(|e| e.texts.first().is_some_and(|t| t.starts_with(&start))),
                "{what}: no edge labelled `{start}…`: {edges:#?}"
            );
        }
        if d.path == hostile {
            // The label, the node's tooltip, as written.
            let tooltips: Vec<String> = svg
                .split("xlink:title=\"")
                .skip(1)
                .filter_map(|t| t.split('"').next())
                .map(xml_text)
                .collect();
            assert_eq!(tooltips, [LABEL], "{what}");
        }
        let cluster: Vec<&Part> = parts.iter().filter(|p| p.class == "cluster").collect();
        assert_eq!(cluster.len(), 1, "{what}");
        assert_eq!(cluster[0].texts, ["the society (組合)"], "{what}");
    }
}
