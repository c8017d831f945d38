//! `mynaflow graph --format dot`: a [`Diagram`] as Graphviz DOT.
//!
//! Node ids are the actors' names as quoted DOT strings (Japanese is fine
//! there); every string is escaped, so no name can break the syntax.

use crate::diagram::{Diagram, Edge, Node, NodeKind};
use crate::text::{Lang, Text};
use std::fmt::Write as _;

/// A DOT quoted string: `"` and `\` escaped, line breaks as `\n` (which
/// labels show as line breaks), other control characters as spaces.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            // Shown as `\u{1b}` (the backslash escaped for DOT).
            c if crate::escape::needs_escape(c) => {
                out.push_str(&format!("\\\\u{{{:x}}}", c as u32));
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// One line of a comment: no line breaks.
fn comment(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() || crate::escape::needs_escape(c) {
                ' '
            } else {
                c
            }
        })
        .collect()
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
    attrs.join(", ")
}

fn edge_attrs(e: &Edge) -> String {
    let mut label = e.label.clone();
    if e.violating() {
        let codes: Vec<&str> = e.codes.iter().map(|c| c.as_str()).collect();
        label.push('\n');
        label.push_str(&codes.join(", "));
    }
    let mut attrs = vec![format!("label={}", quote(&label))];
    if e.both_ways {
        attrs.push("dir=both".into());
    }
    if e.mynumber {
        attrs.push("penwidth=2, style=bold".into());
    }
    if e.violating() {
        attrs.push("color=red, fontcolor=red".into());
    }
    attrs.join(", ")
}

/// The diagram as a DOT digraph.
pub fn render(d: &Diagram, lang: Lang) -> String {
    let mut out = String::new();
    let head = Text::new(
        format!(
            "mynaflow graph of {}: bold = My Number data (特定個人情報), red = error (codes in the label)",
            d.file
        ),
        format!(
            "{} の図 (mynaflow graph): 太線 = 特定個人情報、赤 = エラー (ラベルにコード)",
            d.file
        ),
    );
    let _ = writeln!(out, "// {}", comment(head.get(lang)));
    out.push_str("digraph mynaflow {\n");
    out.push_str("  graph [rankdir=LR];\n");
    out.push_str("  node [shape=box];\n");
    out.push_str("  edge [fontsize=10];\n");
    let mut in_cluster = vec![false; d.nodes.len()];
    for c in &d.clusters {
        out.push_str("\n  subgraph cluster_self {\n");
        let _ = writeln!(out, "    label={};", quote(c.title.get(lang)));
        out.push_str("    style=rounded;\n    color=\"#4a76c8\";\n");
        for &n in &c.nodes {
            in_cluster[n] = true;
            let node = &d.nodes[n];
            let _ = writeln!(
                out,
                "    {} [{}];",
                quote(&node.key),
                node_attrs(node, lang)
            );
        }
        out.push_str("  }\n");
    }
    out.push('\n');
    for (n, node) in d.nodes.iter().enumerate() {
        if !in_cluster[n] {
            let _ = writeln!(out, "  {} [{}];", quote(&node.key), node_attrs(node, lang));
        }
    }
    if !d.edges.is_empty() {
        out.push('\n');
    }
    for e in &d.edges {
        let _ = writeln!(
            out,
            "  {} -> {} [{}];",
            quote(&d.nodes[e.from].key),
            quote(&d.nodes[e.to].key),
            edge_attrs(e)
        );
    }
    out.push_str("}\n");
    out
}
