//! The picture of one design as inline SVG: actors in columns by kind
//! ([`NodeKind::column`]), ordered by [`crate::layout::layered`], parallel
//! legs merged ([`crate::diagram::merge`]).
//!
//! The page's script redraws the picture when a filter hides flows: it
//! packs each column's remaining actors (keeping their order) and draws the
//! edges again with the same geometry, so the numbers and the edge
//! formula here and in `page.js` (`edgePath`) must stay the same.

use super::escape::html;
use crate::diagram::{COLUMNS, Diagram, Merged, NodeKind};
use crate::layout::{self, Layout};
use crate::text::{Lang, Text};
use std::fmt::Write as _;
use unicode_width::UnicodeWidthChar;

/// Distance between columns.
pub const COL_W: f64 = 250.0;
/// Width of an actor's box.
pub const NODE_W: f64 = 180.0;
/// Height of an actor's box.
pub const NODE_H: f64 = 44.0;
/// Distance between rows.
pub const ROW_H: f64 = 64.0;
/// Room above the first row (column titles).
pub const TOP: f64 = 48.0;
/// Margin left and right.
pub const SIDE: f64 = 16.0;
/// Room right of the last column (arcs within it and their labels).
pub const RIGHT: f64 = 200.0;
/// Narrowest picture.
pub const MIN_W: f64 = 320.0;
/// Widest name shown in a box, in terminal cells (longer ones are cut, the
/// whole name is in the box's title).
const NAME_CELLS: usize = 24;

/// Where everything stands.
#[derive(Clone, Debug)]
pub struct Geometry {
    /// The layout (columns by kind, order in each).
    pub layout: Layout,
    /// The x of each column's boxes (None for an empty column).
    pub col_x: Vec<Option<f64>>,
    /// Width of the picture.
    pub width: f64,
    /// Height of the picture.
    pub height: f64,
}

/// Lays out the diagram's nodes.
pub fn geometry(d: &Diagram, merged: &[Merged]) -> Geometry {
    let column: Vec<usize> = d.nodes.iter().map(|n| n.kind.column()).collect();
    let edges: Vec<(usize, usize)> = merged.iter().map(|m| (m.a, m.b)).collect();
    let layout = layout::layered(&column, COLUMNS, &edges);
    let mut col_x = vec![None; COLUMNS];
    let mut k = 0.0;
    for (c, nodes) in layout.columns.iter().enumerate() {
        if !nodes.is_empty() {
            col_x[c] = Some(SIDE + k * COL_W);
            k += 1.0;
        }
    }
    let width = (SIDE * 2.0 + (k - 1.0).max(0.0) * COL_W + NODE_W + RIGHT).max(MIN_W);
    let height = TOP + layout.rows().max(1) as f64 * ROW_H + 16.0;
    Geometry {
        layout,
        col_x,
        width,
        height,
    }
}

impl Geometry {
    /// Top-left corner of node `n`'s box: columns centred vertically.
    pub fn corner(&self, n: usize) -> (f64, f64) {
        let (c, r) = self.layout.place[n];
        let len = self.layout.columns[c].len();
        let shift = (self.layout.rows() - len) as f64 / 2.0;
        let x = self.col_x[c].unwrap_or(SIDE);
        (x, TOP + (r as f64 + shift) * ROW_H)
    }
}

/// Where each edge meets its boxes: for edge `k` the y of its end at `a`
/// and at `b`. Edges leave a box on the side facing their other end (the
/// right for arcs within a column), spread evenly down that side in the
/// order of their other ends, so parallel edges do not share a point.
/// `corner` gives each node's box, `shown` which edges count.
pub fn ports(
    edges: &[(usize, usize)],
    corner: &[(f64, f64)],
    shown: impl Fn(usize) -> bool,
) -> Vec<(f64, f64)> {
    // Per node and side (2n: left, 2n + 1: right): the edges meeting it,
    // as (other end's y, edge, is the `a` end).
    let mut at: Vec<Vec<(f64, usize, bool)>> = vec![Vec::new(); corner.len() * 2];
    let centre = |n: usize| corner[n].1 + NODE_H / 2.0;
    for (k, &(a, b)) in edges.iter().enumerate() {
        if !shown(k) {
            continue;
        }
        let right_of_a = corner[b].0 >= corner[a].0 - 1.0;
        let right_of_b = corner[a].0 >= corner[b].0 - 1.0;
        at[a * 2 + usize::from(right_of_a)].push((centre(b), k, true));
        at[b * 2 + usize::from(right_of_b)].push((centre(a), k, false));
    }
    let mut out: Vec<(f64, f64)> = edges.iter().map(|&(a, b)| (centre(a), centre(b))).collect();
    for (slot, mut list) in at.into_iter().enumerate() {
        let n = slot / 2;
        list.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
        let len = list.len() as f64;
        for (i, (_, k, is_a)) in list.into_iter().enumerate() {
            let y = corner[n].1 + NODE_H * (i as f64 + 1.0) / (len + 1.0);
            if is_a {
                out[k].0 = y;
            } else {
                out[k].1 = y;
            }
        }
    }
    out
}

/// The SVG path of an edge between boxes with top-left corners `a` and
/// `b`, meeting them at heights `ay` and `by` ([`ports`]), and the point
/// for its label; the third value is true when the path runs from `b`'s
/// end to `a`'s (`a` is right of `b`).
pub fn edge_path(a: (f64, f64), ay: f64, b: (f64, f64), by: f64) -> (String, (f64, f64), bool) {
    let mid = |p: [(f64, f64); 4]| {
        (
            (p[0].0 + 3.0 * p[1].0 + 3.0 * p[2].0 + p[3].0) / 8.0,
            (p[0].1 + 3.0 * p[1].1 + 3.0 * p[2].1 + p[3].1) / 8.0,
        )
    };
    let (pts, swapped) = if (a.0 - b.0).abs() < 1.0 {
        // Same column: an arc out to the right.
        let sx = a.0 + NODE_W;
        let bulge = 24.0 + (ay - by).abs() * 0.2;
        (
            [(sx, ay), (sx + bulge, ay), (sx + bulge, by), (sx, by)],
            false,
        )
    } else if a.0 < b.0 {
        let (sx, ex) = (a.0 + NODE_W, b.0);
        let dx = (ex - sx) / 2.0;
        ([(sx, ay), (sx + dx, ay), (ex - dx, by), (ex, by)], false)
    } else {
        let (sx, ex) = (b.0 + NODE_W, a.0);
        let dx = (ex - sx) / 2.0;
        ([(sx, by), (sx + dx, by), (ex - dx, ay), (ex, ay)], true)
    };
    let d = format!(
        "M{:.1} {:.1} C{:.1} {:.1} {:.1} {:.1} {:.1} {:.1}",
        r1(pts[0].0),
        r1(pts[0].1),
        r1(pts[1].0),
        r1(pts[1].1),
        r1(pts[2].0),
        r1(pts[2].1),
        r1(pts[3].0),
        r1(pts[3].1)
    );
    (d, mid(pts), swapped)
}

/// `v` rounded to one decimal, halves up, before it is printed with `{:.1}`:
/// Rust prints an exact half to even and JavaScript's `toFixed` up, so
/// both round first (`page.js` does `Math.round(v * 10) / 10`) and the
/// script redraws exactly what Rust drew. Coordinates are never negative.
pub fn r1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// `s` cut to `cells` terminal cells, with `…` when cut.
pub fn cut(s: &str, cells: usize) -> String {
    let mut w = 0;
    let mut out = String::new();
    for c in s.chars() {
        w += c.width().unwrap_or(0);
        if w > cells {
            out.push('…');
            return out;
        }
        out.push(c);
    }
    out
}

/// Column titles.
pub fn column_title(c: usize) -> Text {
    match c {
        0 => Text::new("Outside parties", "外部の機関"),
        1 => Text::new("Carriers", "経由システム"),
        2 => Text::new("The society's systems", "自組織のシステム"),
        3 => Text::new("Contractors", "委託先"),
        _ => Text::new("The person", "本人"),
    }
}

/// The short text on an edge for the flows shown: the one flow's label, or
/// `×N`.
pub fn edge_text(shown: usize, only_label: &str) -> String {
    if shown == 1 {
        cut(only_label, 18)
    } else {
        format!("×{shown}")
    }
}

/// The SVG of design `di` (its ids are prefixed `d{di}-`). `flow_short`
/// gives each flow's short label.
pub fn svg(
    di: usize,
    d: &Diagram,
    merged: &[Merged],
    g: &Geometry,
    flow_short: &[String],
    lang: Lang,
) -> String {
    let mut out = String::new();
    let title = Text::new(
        format!("Data flows of {}", d.file),
        format!("{} のデータフロー", d.file),
    );
    let _ = write!(
        out,
        r#"<svg class="picture" id="d{di}-svg" xmlns="http://www.w3.org/2000/svg" width="{w:.0}" height="{h:.0}" viewBox="0 0 {w:.0} {h:.0}" role="group" aria-labelledby="d{di}-svgtitle"><title id="d{di}-svgtitle">{t}</title>"#,
        w = g.width,
        h = g.height,
        t = html(title.get(lang)),
    );
    let _ = write!(
        out,
        r#"<defs><marker id="d{di}-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="11" markerHeight="11" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" fill="context-stroke"/></marker></defs>"#
    );
    for (c, x) in g.col_x.iter().enumerate() {
        if let Some(x) = x {
            let _ = write!(
                out,
                r#"<text class="coltitle" data-col="{c}" x="{:.1}" y="24">{}</text>"#,
                x + NODE_W / 2.0,
                html(column_title(c).get(lang))
            );
        }
    }
    out.push_str(r#"<g class="edges">"#);
    let corner: Vec<(f64, f64)> = (0..d.nodes.len()).map(|n| g.corner(n)).collect();
    let ends: Vec<(usize, usize)> = merged.iter().map(|m| (m.a, m.b)).collect();
    let ports = ports(&ends, &corner, |_| true);
    for (k, m) in merged.iter().enumerate() {
        let (ay, by) = ports[k];
        let (path, (lx, ly), swapped) = edge_path(corner[m.a], ay, corner[m.b], by);
        // Arrow heads: "forward" is a -> b; the path runs b -> a when swapped.
        let (at_end, at_start) = if swapped {
            (m.backward, m.forward)
        } else {
            (m.forward, m.backward)
        };
        let mut class = String::from("edge");
        if m.mynumber {
            class.push_str(" mn");
        }
        if m.violating() {
            class.push_str(" err");
        }
        let first = d.edges[m.edges[0]].flow.index();
        let text = edge_text(
            m.edges.len(),
            flow_short.get(first).map_or("", String::as_str),
        );
        let mut badge = text.clone();
        if m.mynumber {
            badge.insert_str(0, "★ ");
        }
        if m.violating() {
            let codes: Vec<&str> = m.codes.iter().map(|c| c.as_str()).collect();
            let _ = write!(badge, " ✖{}", codes.join(","));
        }
        let aria = Text::new(
            format!(
                "{} – {}: {} flow(s){}",
                d.nodes[m.a].name,
                d.nodes[m.b].name,
                m.edges.len(),
                if m.violating() { ", with errors" } else { "" }
            ),
            format!(
                "{} – {}: フロー {} 件{}",
                d.nodes[m.a].name,
                d.nodes[m.b].name,
                m.edges.len(),
                if m.violating() {
                    "、エラーあり"
                } else {
                    ""
                }
            ),
        );
        let _ = write!(
            out,
            r#"<g class="{class}" id="d{di}-e{k}" data-edge="{k}" tabindex="0" role="button" aria-label="{aria}"><title>{aria}</title><path class="hit" d="{path}"/><path class="line" d="{path}"{ms}{me}/><text class="badge" x="{lx:.1}" y="{ly:.1}">{badge}</text></g>"#,
            aria = html(aria.get(lang)),
            ms = if at_start {
                format!(r#" marker-start="url(#d{di}-arrow)""#)
            } else {
                String::new()
            },
            me = if at_end {
                format!(r#" marker-end="url(#d{di}-arrow)""#)
            } else {
                String::new()
            },
            badge = html(&badge),
        );
    }
    out.push_str("</g><g class=\"nodes\">");
    for (n, node) in d.nodes.iter().enumerate() {
        let (x, y) = g.corner(n);
        let mut tip = node.name.clone();
        if let Some(r) = &node.role {
            let _ = write!(tip, " ({r})");
        }
        if let Some(l) = &node.label {
            // One line: a line break would be shown as an escape.
            let _ = write!(tip, " — {l}");
        }
        let role = match (&node.role, node.kind) {
            (Some(r), _) => cut(r, NAME_CELLS + 4),
            (None, NodeKind::Unknown) => {
                Text::new("(undeclared)", "(未宣言)").get(lang).to_string()
            }
            (None, _) => String::new(),
        };
        let _ = write!(
            out,
            r#"<g class="node kind-{kind}" id="d{di}-n{n}" data-node="{n}" transform="translate({x:.1} {y:.1})"><title>{tip}</title><rect width="{NODE_W}" height="{NODE_H}" rx="{rx}"/><text class="name" x="8" y="18">{name}</text><text class="role" x="8" y="35">{role}</text></g>"#,
            kind = node.kind.as_str(),
            tip = html(&tip),
            rx = if node.kind == NodeKind::SelfOrg {
                10
            } else {
                2
            },
            name = html(&cut(&node.name, NAME_CELLS)),
            role = html(&role),
        );
    }
    out.push_str("</g></svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edges_run_left_to_right_and_arc_within_a_column() {
        let (p, mid, swapped) = edge_path((0.0, 0.0), 22.0, (250.0, 64.0), 86.0);
        assert!(p.starts_with("M180.0 22.0 C"));
        assert!(!swapped);
        assert!(mid.0 > 180.0 && mid.0 < 250.0);
        let (p, _, swapped) = edge_path((250.0, 0.0), 22.0, (0.0, 0.0), 30.0);
        assert!(swapped);
        assert!(p.starts_with("M180.0 30.0 C"), "{p}");
        let (p, mid, _) = edge_path((0.0, 0.0), 22.0, (0.0, 128.0), 150.0);
        assert!(p.starts_with("M180.0 22.0"));
        assert!(mid.0 > 180.0, "an arc bulges right of the column");
    }

    #[test]
    fn parallel_edges_get_their_own_ports() {
        // Node 0 on the left, nodes 1 and 2 on the right, one above the other.
        let corner = [(0.0, 64.0), (250.0, 0.0), (250.0, 128.0)];
        let p = ports(&[(0, 2), (0, 1)], &corner, |_| true);
        // The edge to the upper node leaves higher up.
        assert!(p[1].0 < p[0].0);
        assert!(p[0].0 > 64.0 && p[0].0 < 64.0 + NODE_H);
        // A lone edge meets its box in the middle.
        assert_eq!(p[0].1, 128.0 + NODE_H / 2.0);
        // Hidden edges take no port.
        let p = ports(&[(0, 2), (0, 1)], &corner, |k| k == 0);
        assert_eq!(p[0].0, 64.0 + NODE_H / 2.0);
    }

    #[test]
    fn halves_round_up_as_in_javascript() {
        assert_eq!(format!("{:.1}", r1(2.75)), "2.8");
        assert_eq!(format!("{:.1}", r1(16.25)), "16.3");
        assert_eq!(format!("{:.1}", r1(3.04)), "3.0");
    }

    #[test]
    fn names_are_cut_by_width() {
        assert_eq!(cut("abc", 3), "abc");
        assert_eq!(cut("abcd", 3), "abc…");
        assert_eq!(cut("情報提供ネットワーク", 8), "情報提供…");
    }
}
