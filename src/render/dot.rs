//! `mynaflow graph --format dot`: a [`Diagram`] as Graphviz DOT.
//!
//! Node ids are the actors' names as quoted DOT strings (Japanese is fine
//! there); every string is escaped, so no name can break the syntax.
//!
//! Graphviz reads HTML entities in its strings (`&amp;`, `&#60;`, `&lt;`)
//! as the characters they stand for, in labels and in the SVG it writes:
//! a name `A&amp;B` was drawn `A&B`, found by drawing hostile names with
//! Graphviz itself (`tests/renderers.rs`). So every `&` is written
//! `&amp;`, and a name is drawn as it is written.

use super::chunked::write_ordered;
use crate::diagram::{Diagram, Groups, Merged, Node, NodeKind};
use crate::text::{Lang, Text};
use rayon::prelude::*;
use std::fmt::Write as _;

/// A DOT quoted string: `"` and `\` escaped, `&` as `&amp;` (Graphviz
/// reads entities), line breaks as `\n` (which labels show as line
/// breaks), other control characters as spaces.
pub fn quote(s: &str) -> String {
    let mut out = Vec::with_capacity(s.len() + 2);
    quote_into(&mut out, s);
    String::from_utf8_lossy(&out).into_owned()
}

/// [`quote`], appended to `out`.
pub fn quote_into(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    quote_inside(out, s);
    out.push(b'"');
}

/// Where quoting stops to look: `"`, the backslash and `&`, and
/// the bytes that may start a control or invisible character. The `[` of
/// `##[` is shown `\u{5b}`, its backslash escaped as a control's is.
const STOPS: crate::escape::Stops = crate::escape::Stops::new(b"\"\\&").legacy_as(b"\\\\u{5b}");

/// What [`quote`] writes between its quotes.
fn quote_inside(out: &mut Vec<u8>, s: &str) {
    crate::escape::rewrite_into(out, s, &STOPS, |c, out| match c {
        '"' => out.extend_from_slice(b"\\\""),
        '\\' => out.extend_from_slice(b"\\\\"),
        '&' => out.extend_from_slice(b"&amp;"),
        '\n' => out.extend_from_slice(b"\\n"),
        // Shown as `\u{1b}` (the backslash escaped for DOT).
        c if crate::escape::needs_escape(c) => {
            out.extend_from_slice(format!("\\\\u{{{:x}}}", c as u32).as_bytes());
        }
        c if c.is_control() => out.push(b' '),
        c => crate::escape::push_char(out, c),
    });
}

/// One line of a comment: no line breaks, and no `##[` (a runner's
/// legacy command, its `[` shown `\u{5b}`).
fn comment(s: &str) -> String {
    let line: String = s
        .chars()
        .map(|c| {
            if c.is_control() || crate::escape::needs_escape(c) {
                ' '
            } else {
                c
            }
        })
        .collect();
    crate::escape::no_legacy_command(&line).into_owned()
}

fn node_attrs(n: &Node, lang: Lang) -> String {
    let label = match (&n.role, n.kind) {
        (_, NodeKind::SelfOrg) | (None, _) => n.name.clone(),
        (Some(role), _) => format!("{}\n({role})", n.name),
    };
    let mut attrs = vec![format!("label={}", quote(&label))];
    let style = match n.kind {
        NodeKind::SelfOrg => "shape=box, style=\"rounded,filled\", fillcolor=\"#e8f0fe\"",
        NodeKind::Carrier => "shape=cds, style=filled, fillcolor=\"#eeeeee\"",
        NodeKind::Party => "shape=box",
        NodeKind::Contractor => "shape=box, peripheries=2",
        NodeKind::Subject => "shape=ellipse",
        NodeKind::Unknown => "shape=box, style=dotted, color=gray40, fontcolor=gray40",
    };
    attrs.push(style.to_string());
    let tooltip = match (&n.label, n.kind) {
        (Some(l), _) => Some(l.clone()),
        (None, NodeKind::Unknown) => Some(
            Text::new(
                "not declared, or its role is unknown",
                "未宣言、または役割が不明",
            )
            .get(lang)
            .to_string(),
        ),
        (None, _) => None,
    };
    if let Some(t) = tooltip {
        attrs.push(format!("tooltip={}", quote(&t)));
    }
    if n.dimmed {
        attrs.push("color=gray80, fontcolor=gray60".into());
    }
    attrs.join(", ")
}

/// Draws the line of a merged edge: its ends as written (a single leg
/// keeps its direction, `keys` are the nodes' quoted names) and its
/// attributes.
fn draw_edge(buf: &mut Vec<u8>, d: &Diagram, keys: &[Vec<u8>], m: &Merged, lang: Lang) {
    let (from, to) = match (m.forward, m.backward) {
        (false, true) => (m.b, m.a),
        _ => (m.a, m.b),
    };
    buf.extend_from_slice(b"  ");
    buf.extend_from_slice(&keys[from]);
    buf.extend_from_slice(b" -> ");
    buf.extend_from_slice(&keys[to]);
    buf.extend_from_slice(b" [label=\"");
    quote_inside(buf, &m.label(d, lang));
    if m.violating() {
        buf.extend_from_slice(b"\\n");
        m.push_codes(buf, lang);
    }
    buf.push(b'"');
    if m.forward && m.backward {
        buf.extend_from_slice(b", dir=both");
    }
    if m.edges.len() > 1 {
        buf.extend_from_slice(format!(", penwidth={}", edge_width(m.edges.len())).as_bytes());
    }
    if m.mynumber {
        if m.edges.len() == 1 {
            buf.extend_from_slice(b", penwidth=2");
        }
        buf.extend_from_slice(b", style=bold");
    }
    if m.violating() {
        buf.extend_from_slice(b", color=red, fontcolor=red");
    }
    if m.dimmed {
        buf.extend_from_slice(b", color=gray80, fontcolor=gray60");
    }
    buf.extend_from_slice(b"];\n");
}

/// Line width of an edge that merges `n` legs: grows slowly, at most 5.
pub fn edge_width(n: usize) -> usize {
    (1 + n.ilog2() as usize).clamp(2, 5)
}

/// The diagram as a DOT digraph.
pub fn render(d: &Diagram, lang: Lang) -> String {
    let mut out = Vec::new();
    match write(&mut out, d, lang) {
        Ok(()) => String::from_utf8_lossy(&out).into_owned(),
        Err(e) => format!("// error: {e}\n"),
    }
}

/// [`render`], written to `out` as it is made: a large design's picture
/// (80 MB at a million flows) is never held whole, and its nodes and edges
/// are drawn on every core a batch at a time, in order.
pub fn write(out: &mut dyn std::io::Write, d: &Diagram, lang: Lang) -> std::io::Result<()> {
    let head = Text::new(
        format!(
            "mynaflow graph of {}: bold = My Number data (特定個人情報), red = error (codes in the label), parallel flows merged (count in the label)",
            d.file
        ),
        format!(
            "{} の図 (mynaflow graph): 太線 = 特定個人情報、赤 = エラー (ラベルにコード)、並行するフローは1本に (ラベルに件数)",
            d.file
        ),
    );
    let mut text = String::new();
    // Writing to a String cannot fail.
    let _ = writeln!(text, "// {}", comment(head.get(lang)));
    text.push_str("digraph mynaflow {\n");
    text.push_str("  graph [rankdir=LR];\n");
    text.push_str("  node [shape=box];\n");
    text.push_str("  edge [fontsize=10];\n");
    let mut in_cluster = vec![false; d.nodes.len()];
    for c in &d.clusters {
        text.push_str("\n  subgraph cluster_self {\n");
        let _ = writeln!(text, "    label={};", quote(c.title.get(lang)));
        text.push_str("    style=rounded;\n    color=\"#4a76c8\";\n");
        out.write_all(text.as_bytes())?;
        text.clear();
        // Drawn on every core too: the society's systems are tens of
        // thousands at a million flows (a twenty-fifth of them).
        for &n in &c.nodes {
            in_cluster[n] = true;
        }
        write_ordered(out, &c.nodes, |_, &n, buf| {
            if let Some(node) = d.nodes.get(n) {
                let line = format!("    {} [{}];\n", quote(&node.key), node_attrs(node, lang));
                buf.extend_from_slice(line.as_bytes());
            }
            Ok(())
        })?;
        text.push_str("  }\n");
    }
    text.push('\n');
    out.write_all(text.as_bytes())?;
    write_ordered(out, &d.nodes, |n, node, buf| {
        if !in_cluster[n] {
            let line = format!("  {} [{}];\n", quote(&node.key), node_attrs(node, lang));
            buf.extend_from_slice(line.as_bytes());
        }
        Ok(())
    })?;
    if !d.edges.is_empty() {
        out.write_all(b"\n")?;
    }
    // Each node's name is quoted once, not once per edge at each end.
    let keys: Vec<Vec<u8>> = d
        .nodes
        .par_iter()
        .map(|n| {
            let mut key = Vec::with_capacity(n.key.len() + 2);
            quote_into(&mut key, &n.key);
            key
        })
        .collect();
    let groups = Groups::of(d);
    write_ordered(out, &groups.firsts(), |_, &first, buf| {
        draw_edge(buf, d, &keys, &groups.merged(first), lang);
        Ok(())
    })?;
    out.write_all(b"}\n")
}
