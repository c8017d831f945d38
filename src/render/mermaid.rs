//! `mynaflow graph --format mermaid`: a [`Diagram`] as a Mermaid flowchart.
//!
//! Node ids are ASCII (`n0`, `n1`, …, in node order); names are quoted
//! labels with Mermaid's entity codes for every character that could end
//! or change them. No `%` from input is written as itself, in a label or a
//! comment: Mermaid reads `%%{…}%%` anywhere in the text as a directive
//! (its configuration: a theme, CSS that can hide the red edges) before
//! it parses the flowchart.
//!
//! Mermaid rewrites a label's text in more places than its parser, each
//! found by rendering hostile names in Mermaid itself (`tests/renderers.rs`):
//! it drops the last `;` of a line where `style` or `classDef` comes
//! before `:`, non-space, `#` (for `style n0 fill:#f9f;`), which broke the
//! entity code at its end (`<style>` showed as `<style#62`); it draws
//! `fa:fa-car` as an icon in place of the words, and `$$…$$` as KaTeX
//! mathematics. So `:` and `$` are entity codes too: without a `:`
//! neither rewrite finds its pattern.
//!
//! And one that entity codes cannot escape: while it parses, Mermaid
//! stands `ﬂ°°`, `ﬂ°` and `¶ß` in for the `&#`, `&` and `;` of each entity
//! code (`encodeEntities`); it reads them back, and the entities, as it
//! makes a label (once, or twice when the label holds markup such as
//! `<br/>`, which DOMPurify reads too); then it reads every `ﬂ°°`, `ﬂ°`
//! and `¶ß` of the SVG it has made back again (`decodeEntities`), so a
//! name spelling `ﬂ°°60¶ß` was drawn `<`. By that last reading the label's
//! text holds the characters as written, however they were written (with
//! `ﬂ` and `¶` as entity codes, that name was still drawn `<`), and no
//! spelling fits both counts of readings before it. So each `ﬂ` and `¶`,
//! with which all three begin, is written with an empty `<span></span>`
//! after it: text on either side of an element is never one run, so no
//! reading finds `ﬂ°` or `¶ß`, and the name reads as written. (`°` and `ß`
//! stay as written: alone they make nothing, and they are common in
//! names.)

use super::chunked::write_ordered;
use crate::diagram::{Diagram, Groups, Merged, Node, NodeKind};
use crate::text::{Lang, Text};
use rayon::prelude::*;
use std::fmt::Write as _;

/// Text for inside a quoted Mermaid label: `"`, `#`, `%`, `&`, `<`, `>`,
/// `|`, the backtick, `:` and `$` as entity codes (`#quot;`, `#35;`,
/// `#37;`, …, which Mermaid shows as the characters), `ﬂ` and `¶` each
/// with an empty `<span></span>` after it (see the module), line breaks
/// and other control characters as spaces.
pub fn escape(s: &str) -> String {
    let mut out = Vec::with_capacity(s.len());
    escape_into(&mut out, s, b" ");
    String::from_utf8_lossy(&out).into_owned()
}

/// Where quoting stops to look: the characters written as entity codes, and
/// the bytes that may start a control or invisible character (which are
/// also those that start `ﬂ`, 0xEF, and `¶`, 0xC2).
const STOPS: crate::escape::Stops = crate::escape::Stops::new(b"\"#%&<>|`:$");

/// [`escape`], appended to `out`, with each line break written as
/// `newline`.
fn escape_into(out: &mut Vec<u8>, s: &str, newline: &[u8]) {
    crate::escape::rewrite_into(out, s, &STOPS, |c, out| match c {
        '"' => out.extend_from_slice(b"#quot;"),
        '#' => out.extend_from_slice(b"#35;"),
        '%' => out.extend_from_slice(b"#37;"),
        '&' => out.extend_from_slice(b"#38;"),
        '<' => out.extend_from_slice(b"#60;"),
        '>' => out.extend_from_slice(b"#62;"),
        '|' => out.extend_from_slice(b"#124;"),
        '`' => out.extend_from_slice(b"#96;"),
        ':' => out.extend_from_slice(b"#58;"),
        '$' => out.extend_from_slice(b"#36;"),
        // The first characters of Mermaid's own stand-ins, kept apart
        // from what follows (see the module).
        'ﬂ' => out.extend_from_slice("ﬂ<span></span>".as_bytes()),
        '¶' => out.extend_from_slice("¶<span></span>".as_bytes()),
        '\n' => out.extend_from_slice(newline),
        c if crate::escape::needs_escape(c) => {
            out.extend_from_slice(crate::escape::visible(c.encode_utf8(&mut [0; 4])).as_bytes())
        }
        c if c.is_control() => out.push(b' '),
        c => crate::escape::push_char(out, c),
    });
}

/// One line of a comment: no line breaks, and no `%` (a directive is read
/// inside a comment too), written `#37;` as in labels.
fn comment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("#37;"),
            c if c.is_control() || crate::escape::needs_escape(c) => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Pictures with at least this many links find their colours on every
/// core.
const PARALLEL_LINKS: usize = 1 << 14;

/// The ASCII id of node `n`.
pub fn id(n: usize) -> String {
    format!("n{n}")
}

/// [`id`], appended to `buf`.
fn push_id(buf: &mut Vec<u8>, n: usize) {
    buf.push(b'n');
    // Writing to a Vec cannot fail.
    let _ = std::io::Write::write_fmt(buf, format_args!("{n}"));
}

fn node(n: usize, node: &Node) -> String {
    let label = match (&node.role, node.kind) {
        (_, NodeKind::SelfOrg) | (None, _) => escape(&node.name),
        (Some(role), _) => format!("{}<br/>({})", escape(&node.name), escape(role)),
    };
    let (open, close, class) = match node.kind {
        NodeKind::SelfOrg => ("(\"", "\")", ""),
        NodeKind::Carrier => ("[/\"", "\"/]", ""),
        NodeKind::Party => ("[\"", "\"]", ""),
        NodeKind::Contractor => ("[[\"", "\"]]", ""),
        NodeKind::Subject => ("([\"", "\"])", ""),
        NodeKind::Unknown => ("[\"", "\"]", ":::unknown"),
    };
    let class = if node.dimmed { ":::dimmed" } else { class };
    format!("{}{open}{label}{close}{class}", id(n))
}

/// Draws the line of a merged link: its label's lines escaped and joined
/// by `<br/>`, then the error codes.
fn draw_link(buf: &mut Vec<u8>, d: &Diagram, m: &Merged, lang: Lang) {
    let both = m.forward && m.backward;
    let arrow = match (m.mynumber, both) {
        (false, false) => "-->",
        (false, true) => "<-->",
        (true, false) => "==>",
        (true, true) => "<==>",
    };
    let (from, to) = if m.backward && !m.forward {
        (m.b, m.a)
    } else {
        (m.a, m.b)
    };
    buf.extend_from_slice(b"  ");
    push_id(buf, from);
    buf.push(b' ');
    buf.extend_from_slice(arrow.as_bytes());
    buf.extend_from_slice(b"|\"");
    escape_into(buf, &m.label(d, lang), b"<br/>");
    if m.violating() {
        buf.extend_from_slice(b"<br/>");
        m.push_codes(buf);
    }
    buf.extend_from_slice(b"\"| ");
    push_id(buf, to);
    buf.push(b'\n');
}

/// The diagram as a Mermaid flowchart.
pub fn render(d: &Diagram, lang: Lang) -> String {
    let mut out = Vec::new();
    match write(&mut out, d, lang) {
        Ok(_) => String::from_utf8_lossy(&out).into_owned(),
        Err(e) => format!("%% error: {e}\n"),
    }
}

/// Links Mermaid draws at most unless configured otherwise (its
/// `maxEdges`; GitHub's Markdown keeps it).
pub const MAX_EDGES: usize = 500;

/// Characters of a diagram's text Mermaid reads at most unless
/// configured otherwise (its `maxTextSize`; GitHub's Markdown keeps it).
pub const MAX_TEXT: usize = 50_000;

/// [`render`], written to `out` as it is made: a large design's picture
/// is never held whole, and its nodes and links are drawn on every core a
/// batch at a time, in order. Gives how many links it drew.
pub fn write(out: &mut dyn std::io::Write, d: &Diagram, lang: Lang) -> std::io::Result<usize> {
    // Writing to a String cannot fail.
    let mut text = String::new();
    let head = Text::new(
        format!(
            "mynaflow graph of {}: thick = My Number data (特定個人情報), red = error (codes in the label), parallel flows merged (count in the label)",
            d.file
        ),
        format!(
            "{} の図 (mynaflow graph): 太線 = 特定個人情報、赤 = エラー (ラベルにコード)、並行するフローは1本に (ラベルに件数)",
            d.file
        ),
    );
    let _ = writeln!(text, "%% {}", comment(head.get(lang)));
    text.push_str("flowchart LR\n");
    let mut in_cluster = vec![false; d.nodes.len()];
    for c in &d.clusters {
        let _ = writeln!(
            text,
            "  subgraph cluster_self [\"{}\"]",
            escape(c.title.get(lang))
        );
        for &n in &c.nodes {
            in_cluster[n] = true;
            let _ = writeln!(text, "    {}", node(n, &d.nodes[n]));
        }
        text.push_str("  end\n");
    }
    out.write_all(text.as_bytes())?;
    write_ordered(out, &d.nodes, |n, nd, buf| {
        if !in_cluster[n] {
            buf.extend_from_slice(format!("  {}\n", node(n, nd)).as_bytes());
        }
        Ok(())
    })?;
    let groups = Groups::of(d);
    let firsts = groups.firsts();
    write_ordered(out, &firsts, |_, &first, buf| {
        draw_link(buf, d, &groups.merged(first), lang);
        Ok(())
    })?;
    text.clear();
    // Links are numbered in drawing order; a group is dimmed as its legs
    // are, all alike. Each group's legs are read on every core.
    let dimmed = |first: usize| d.edges.get(first).is_some_and(|e| e.dimmed);
    let numbers = |keep: &(dyn Fn(usize) -> bool + Sync)| {
        let kept: Vec<usize> = if firsts.len() >= PARALLEL_LINKS {
            (0..firsts.len())
                .into_par_iter()
                .filter(|&i| keep(firsts[i]))
                .collect()
        } else {
            (0..firsts.len()).filter(|&i| keep(firsts[i])).collect()
        };
        let mut list = String::new();
        for (k, i) in kept.into_iter().enumerate() {
            if k > 0 {
                list.push(',');
            }
            let _ = write!(list, "{i}");
        }
        list
    };
    let red = numbers(&|f| groups.violating(f) && !dimmed(f));
    if !red.is_empty() {
        let _ = writeln!(text, "  linkStyle {red} stroke:red,color:red");
    }
    let grey = numbers(&dimmed);
    if !grey.is_empty() {
        let _ = writeln!(text, "  linkStyle {grey} stroke:#ccc,color:#999");
    }
    if d.nodes.iter().any(|n| n.dimmed) {
        text.push_str("  classDef dimmed stroke:#ccc,color:#999,fill:#f8f8f8\n");
    }
    if d.nodes.iter().any(|n| n.kind == NodeKind::Unknown) {
        text.push_str("  classDef unknown stroke-dasharray:3 3,color:#666\n");
    }
    out.write_all(text.as_bytes())?;
    Ok(firsts.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Mermaid's `encodeEntities`, before it parses: each `#…;` (`#\w+;`)
    /// written as its stand-in.
    fn encode_entities(text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(i) = rest.find('#') {
            out.push_str(&rest[..i]);
            let after = &rest[i + 1..];
            let n = after
                .bytes()
                .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
                .count();
            if n > 0 && after.as_bytes().get(n) == Some(&b';') {
                let inner = &after[..n];
                let int = inner.bytes().all(|b| b.is_ascii_digit());
                out.push_str(if int { "ﬂ°°" } else { "ﬂ°" });
                out.push_str(inner);
                out.push_str("¶ß");
                rest = &after[n + 1..];
            } else {
                out.push('#');
                rest = after;
            }
        }
        out.push_str(rest);
        out
    }

    /// Mermaid's `decodeEntities`: its stand-ins read back.
    fn decode_entities(html: &str) -> String {
        html.replace("ﬂ°°", "&#")
            .replace("ﬂ°", "&")
            .replace("¶ß", ";")
    }

    /// A piece of HTML read: text (its entities read) or a tag.
    #[derive(Debug)]
    enum Piece {
        Text(String),
        Tag(String),
    }

    /// HTML read as a browser (or DOMPurify) reads it: the entities a
    /// label can hold, and tags.
    fn read(html: &str) -> Vec<Piece> {
        let mut pieces = Vec::new();
        let mut text = String::new();
        let mut rest = html;
        while let Some(i) = rest.find(['<', '&']) {
            text.push_str(&rest[..i]);
            let at = &rest[i..];
            if at.starts_with('<') {
                let end = at.find('>').map_or(at.len(), |e| e + 1);
                pieces.push(Piece::Text(std::mem::take(&mut text)));
                pieces.push(Piece::Tag(at[..end].to_string()));
                rest = &at[end..];
                continue;
            }
            let entity = at[1..].split_once(';').and_then(|(e, tail)| {
                let c = match e {
                    "quot" => '"',
                    "amp" => '&',
                    "lt" => '<',
                    "gt" => '>',
                    _ => char::from_u32(e.strip_prefix('#')?.parse().ok()?)?,
                };
                Some((c, tail))
            });
            match entity {
                Some((c, tail)) => {
                    text.push(c);
                    rest = tail;
                }
                None => {
                    text.push('&');
                    rest = &at[1..];
                }
            }
        }
        text.push_str(rest);
        pieces.push(Piece::Text(text));
        pieces
    }

    /// Read HTML written again, as an element's `innerHTML`.
    fn serialised(pieces: &[Piece]) -> String {
        let mut out = String::new();
        for p in pieces {
            match p {
                Piece::Text(t) => out.push_str(
                    &t.replace('&', "&amp;")
                        .replace('<', "&lt;")
                        .replace('>', "&gt;"),
                ),
                Piece::Tag(t) => out.push_str(t),
            }
        }
        out
    }

    /// What Mermaid 12 shows for the text of a quoted label: stood in for
    /// as it parses, read `readings` times as the label is made (each
    /// time its stand-ins read back, then the HTML, written again), and
    /// the SVG so made read once more; the text (tags left out).
    fn shown_by_mermaid(label: &str, readings: usize) -> String {
        let mut html = encode_entities(label);
        for _ in 0..readings {
            html = serialised(&read(&decode_entities(&html)));
        }
        let mut shown = String::new();
        for p in read(&decode_entities(&html)) {
            if let Piece::Text(t) = p {
                shown.push_str(&t);
            }
        }
        shown
    }

    /// A name with Mermaid's own stand-ins (`ﬂ°°`, `ﬂ°`, `¶ß`), alone,
    /// inside an entity code's spelling or next to mynaflow's codes, is
    /// shown as written however many times Mermaid reads the label (once
    /// and twice as it makes it, as Mermaid 12.4 does without and with
    /// markup in the label), as are the names the other codes are for;
    /// written as an entity code alone, `ﬂ` was not.
    #[test]
    fn mermaid_shows_its_stand_ins_as_written() {
        for name in [
            "Aﬂ°B",
            "ﬂ°°60¶ß",
            "¶ß",
            "x ﬂ°lt¶ß y ﬂ°quot¶ß",
            "#ﬂ°°35¶ß;ﬂ°°°",
            "¶¶ßß ﬂﬂ°°°",
            "38.5°C Straße ﬂ ¶",
            "市町村 \"#1;\" `x` <b>&amp;</b> a:b$c 100%",
        ] {
            let label = escape(name);
            for readings in 1..=3 {
                assert_eq!(shown_by_mermaid(&label, readings), name, "{label}");
            }
        }
        assert_eq!(escape("Aﬂ°B¶ß"), "Aﬂ<span></span>°B¶<span></span>ß");
        for readings in 1..=2 {
            assert_eq!(shown_by_mermaid("#64258;°°60#182;ß", readings), "<");
        }
    }
}
