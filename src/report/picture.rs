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
    let width = (SIDE * 2.0 + (k - 1.0).max(0.0) * COL_W + NODE_W + 60.0).max(320.0);
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

/// The SVG path of an edge between boxes at `a` and `b` (top-left corners)
/// and the point for its label; the path starts at `a`'s end unless
/// `a` is right of `b`, reported as `true` in the third value.
pub fn edge_path(a: (f64, f64), b: (f64, f64)) -> (String, (f64, f64), bool) {
    let cy = |p: (f64, f64)| p.1 + NODE_H / 2.0;
    let mid = |p: [(f64, f64); 4]| {
        (
            (p[0].0 + 3.0 * p[1].0 + 3.0 * p[2].0 + p[3].0) / 8.0,
            (p[0].1 + 3.0 * p[1].1 + 3.0 * p[2].1 + p[3].1) / 8.0,
        )
    };
    let (pts, swapped) = if (a.0 - b.0).abs() < 1.0 {
        // Same column: an arc out to the right.
        let (sx, sy, ey) = (a.0 + NODE_W, cy(a), cy(b));
        let bulge = if (sy - ey).abs() < 1.0 {
            40.0
        } else {
            24.0 + (sy - ey).abs() * 0.2
        };
        let (sy, ey) = if (sy - ey).abs() < 1.0 {
            (sy - 8.0, ey + 8.0)
        } else {
            (sy, ey)
        };
        (
            [(sx, sy), (sx + bulge, sy), (sx + bulge, ey), (sx, ey)],
            false,
        )
    } else {
        let (l, r, swapped) = if a.0 < b.0 { (a, b, false) } else { (b, a, true) };
        let (sx, sy, ex, ey) = (l.0 + NODE_W, cy(l), r.0, cy(r));
        let dx = (ex - sx) / 2.0;
        ([(sx, sy), (sx + dx, sy), (ex - dx, ey), (ex, ey)], swapped)
    };
    let d = format!(
        "M{:.1} {:.1} C{:.1} {:.1} {:.1} {:.1} {:.1} {:.1}",
        pts[0].0, pts[0].1, pts[1].0, pts[1].1, pts[2].0, pts[2].1, pts[3].0, pts[3].1
    );
    (d, mid(pts), swapped)
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
    out.push_str(
        r#"<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="11" markerHeight="11" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" fill="context-stroke"/></marker></defs>"#,
    );
    for (c, x) in g.col_x.iter().enumerate() {
        if let Some(x) = x {
            let _ = write!(
                out,
                r#"<text class="coltitle" x="{:.1}" y="24">{}</text>"#,
                x + NODE_W / 2.0,
                html(column_title(c).get(lang))
            );
        }
    }
    out.push_str(r#"<g class="edges">"#);
    for (k, m) in merged.iter().enumerate() {
        let (path, (lx, ly), swapped) = edge_path(g.corner(m.a), g.corner(m.b));
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
        let text = edge_text(m.edges.len(), flow_short.get(first).map_or("", String::as_str));
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
                if m.violating() { "、エラーあり" } else { "" }
            ),
        );
        let _ = write!(
            out,
            r#"<g class="{class}" id="d{di}-e{k}" data-edge="{k}" tabindex="0" role="button" aria-label="{aria}"><title>{aria}</title><path class="hit" d="{path}"/><path class="line" d="{path}"{ms}{me}/><text class="badge" x="{lx:.1}" y="{ly:.1}">{badge}</text></g>"#,
            aria = html(aria.get(lang)),
            ms = if at_start { r#" marker-start="url(#arrow)""# } else { "" },
            me = if at_end { r#" marker-end="url(#arrow)""# } else { "" },
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
            let _ = write!(tip, "\n{l}");
        }
        let role = match (&node.role, node.kind) {
            (Some(r), _) => cut(r, NAME_CELLS + 4),
            (None, NodeKind::Unknown) => Text::new("(undeclared)", "(未宣言)").get(lang).to_string(),
            (None, _) => String::new(),
        };
        let _ = write!(
            out,
            r#"<g class="node kind-{kind}" id="d{di}-n{n}" data-node="{n}" transform="translate({x:.1} {y:.1})"><title>{tip}</title><rect width="{NODE_W}" height="{NODE_H}" rx="{rx}"/><text class="name" x="8" y="18">{name}</text><text class="role" x="8" y="35">{role}</text></g>"#,
            kind = node.kind.as_str(),
            tip = html(&tip),
            rx = if node.kind == NodeKind::SelfOrg { 10 } else { 2 },
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
        let (p, mid, swapped) = edge_path((0.0, 0.0), (250.0, 64.0));
        assert!(p.starts_with("M180.0 22.0 C"));
        assert!(!swapped);
        assert!(mid.0 > 180.0 && mid.0 < 250.0);
        let (_, _, swapped) = edge_path((250.0, 0.0), (0.0, 0.0));
        assert!(swapped);
        let (p, mid, _) = edge_path((0.0, 0.0), (0.0, 128.0));
        assert!(p.starts_with("M180.0 22.0"));
        assert!(mid.0 > 180.0, "an arc bulges right of the column");
    }

    #[test]
    fn names_are_cut_by_width() {
        assert_eq!(cut("abc", 3), "abc");
        assert_eq!(cut("abcd", 3), "abc…");
        assert_eq!(cut("情報提供ネットワーク", 8), "情報提供…");
    }
}
