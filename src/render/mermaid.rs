//! `mynaflow graph --format mermaid`: a [`Diagram`] as a Mermaid flowchart.
//!
//! Node ids are ASCII (`n0`, `n1`, …, in node order); names are quoted
//! labels in which every character that could end or change them is an
//! entity. No `%` from input is written as itself, in a label or a
//! comment: Mermaid reads `%%{…}%%` anywhere in the text as a directive
//! (its configuration: a theme, CSS that can hide the red edges) before
//! it parses the flowchart.
//!
//! One picture must read right in both kinds of label Mermaid draws, and
//! mynaflow is not told which: HTML (the default) and SVG text
//! (`htmlLabels: false`; Mermaid 12 reads the older `flowchart:
//! { htmlLabels: false }` for links only). What Mermaid does to a label,
//! each step found by drawing hostile names in Mermaid 12.4 itself
//! (`tests/renderers.rs`) and modelled by the tests below:
//!
//! - Before it parses, it stands `ﬂ°°`, `ﬂ°` and `¶ß` in for the `&#`, `&`
//!   and `;` of every `#…;` in the text (`encodeEntities`), reads them back
//!   (`decodeEntities`) as it makes each label (a node's twice), and once
//!   more over the whole SVG it has made.
//! - It passes each label through DOMPurify as it reads the flowchart, and
//!   a node's again as it draws it: DOMPurify reads the entities and
//!   writes `&`, `<` and `>` back as `&amp;`, `&lt;` and `&gt;`, but
//!   returns a text with no `<` as it is.
//! - An HTML label then looks for KaTeX (`$$…$$`), a line break (`\n`) and
//!   icons (`fa:fa-car`), and is made HTML, which reads its entities once
//!   more. An SVG label is cut into lines at `\n`, `\N` and `<br>`, and
//!   into words at white space (a tag is a word), and reads only the
//!   `&amp;`, `&lt;` and `&gt;` of each word: no other entity, nor a
//!   Mermaid code.
//!
//! So `&`, `<` and `>` are written `&amp;`, `&lt;` and `&gt;`, which both
//! kinds read. `"`, `#`, `%`, `|`, the backtick, `:` and `$` are named
//! entities (`&quot;`, `&num;`, `&percnt;`, `&verbar;`, `&grave;`,
//! `&colon;`, `&dollar;`; Mermaid's codes, `#37;`, were never read in an
//! SVG label), and a label holding one starts with `</>`: an end tag
//! without a name, so DOMPurify reads the label, and drops it. Nothing
//! else in such a label is markup (a line break is `\n`, not `<br/>`), so
//! the entities are read that once, before anything looks for a pattern;
//! and with no `:` written as itself, Mermaid's cut of the last `;` of a
//! line holding `style…:…#` (for `style n0 fill:#f9f;`) finds none in a
//! label. Where a `:`, `$` or `\`, read,
//! would complete one of the HTML label's patterns, it is Mermaid's own
//! code (`#58;`, `#36;`, `#92;`): its stand-in passes DOMPurify unread,
//! and the HTML label reads it after looking. An SVG label shows such a
//! code as `&#58;`: no spelling is right in both there (the README lists
//! what SVG labels cannot show).
//!
//! And one that no spelling escapes: the last reading of the stand-ins,
//! over the whole SVG, finds them however the name was written (with `ﬂ`
//! and `¶` as entity codes, a name spelling `ﬂ°°60¶ß` was still drawn
//! `<`). So in a label holding `ﬂ°` or `¶ß`, each `ﬂ` and `¶` is written
//! with an empty `<span></span>` after it: text on either side of an
//! element is never one run, so no reading finds a stand-in. That markup
//! stays, and Mermaid reads such a label's entities again after the
//! first time, so its patterns are kept apart by `<span></span>` too. An
//! SVG label has no markup: it shows the span as words. (`°` and `ß` stay
//! as written: alone they make nothing, and they are common in names.)

use super::chunked::write_ordered;
use crate::diagram::{Diagram, Groups, Merged, Node, NodeKind};
use crate::text::{Lang, Text};
use rayon::prelude::*;
use std::fmt::Write as _;

/// Text for inside a quoted Mermaid label, on one line (a line break in
/// `s` is a space): see the module for how each character is written.
pub fn escape(s: &str) -> String {
    let mut out = Vec::with_capacity(s.len());
    label_into(&mut out, s, b" ");
    String::from_utf8_lossy(&out).into_owned()
}

/// A line break inside a label: Mermaid breaks the line at `\n` in both
/// kinds of label, and, unlike `<br/>`, it is no markup that would make
/// Mermaid read the label's entities a second time (see the module).
const BREAK: &[u8] = b"\\n";

/// The characters written as named entities (`&quot;`, `&num;`,
/// `&percnt;`, `&verbar;`, `&grave;`, `&colon;`, `&dollar;`): a label
/// holding one starts with [`READ`].
const NAMED: &[u8] = b"\"#%|`:$";

/// The bytes that decide how a label is written ([`label_into`]): those
/// of [`NAMED`], the backslash, and the first bytes of `ﬂ` and `¶`. A
/// table, as a label's every byte is looked up.
const DECIDES: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    while i < NAMED.len() {
        table[NAMED[i] as usize] = true;
        i += 1;
    }
    table[b'\\' as usize] = true;
    table[0xEF] = true;
    table[0xC2] = true;
    table
};

/// What starts a label with named entities: an end tag without a name,
/// which the first DOMPurify pass drops unread, having read the entities
/// because the label held a `<` (see the module).
const READ: &[u8] = b"</>";

/// Empty markup that keeps two characters apart in Mermaid's HTML.
const APART: &[u8] = b"<span></span>";

/// Where quoting stops to look: the characters written as entities, and
/// the bytes that may start a control or invisible character (which are
/// also those that start `ﬂ`, 0xEF, and `¶`, 0xC2).
const STOPS: crate::escape::Stops = crate::escape::Stops::new(b"\"#%&<>|`:$");

/// Appends the label for `text` (a line break in it written as
/// `newline`): the `</>` its entities need, each character escaped, and
/// the characters that would end a pattern Mermaid rewrites kept out of
/// it (see the module).
fn label_into(out: &mut Vec<u8>, text: &str, newline: &[u8]) {
    // Nearly every label holds nothing that decides how it is written (a
    // named entity's character, a backslash, the first byte of `ﬂ` or `¶`):
    // it is escaped in one pass, without the searches below (with them
    // for every label, `graph` of a million flows ran 7 % more
    // instructions).
    if !text.bytes().any(|b| DECIDES[usize::from(b)]) {
        escape_run(out, text, false, newline);
        return;
    }
    // Markup stays in the label to its end: each Mermaid reading reads
    // the entities again, so the patterns are kept apart by markup too.
    let apart = text.contains("ﬂ°") || text.contains("¶ß");
    if !apart && text.bytes().any(|b| NAMED.contains(&b)) {
        out.extend_from_slice(READ);
    }
    let mut from = 0;
    for at in guarded(text) {
        escape_run(out, text.get(from..at).unwrap_or_default(), apart, newline);
        match (text.as_bytes().get(at), apart) {
            (Some(b'$'), false) => out.extend_from_slice(b"#36;"),
            (Some(b':'), false) => out.extend_from_slice(b"#58;"),
            (Some(b'\\'), false) => out.extend_from_slice(b"#92;"),
            (Some(b'$'), true) => {
                out.extend_from_slice(APART);
                out.extend_from_slice(b"&dollar;");
            }
            (Some(b':'), true) => {
                out.extend_from_slice(APART);
                out.extend_from_slice(b"&colon;");
            }
            (Some(b'\\'), true) => {
                out.push(b'\\');
                out.extend_from_slice(APART);
            }
            _ => {}
        }
        from = at + 1;
    }
    escape_run(out, text.get(from..).unwrap_or_default(), apart, newline);
}

/// The offsets of the ASCII characters of `text` that would complete a
/// pattern Mermaid's HTML labels rewrite once the entities are read: the
/// second `$` of each `$$` when two make KaTeX mathematics
/// (`$$…$$`), the `:` of an icon (`fa:fa-car`, also `fab`, `fak`, `fal`,
/// `far`, `fas`), and a `\` before `n` or `N` (a line break). Ascending;
/// usually none.
fn guarded(text: &str) -> Vec<usize> {
    let b = text.as_bytes();
    let mut at = Vec::new();
    // Mermaid's pattern is `/\$\$(.*?)\$\$/`, and a label holds no line
    // terminator (`.` stops at none): two `$$` anywhere make one.
    if memchr::memmem::find_iter(b, b"$$").nth(1).is_some() {
        at.extend(
            b.windows(2)
                .enumerate()
                .filter(|(_, w)| w == b"$$")
                .map(|(i, _)| i + 1),
        );
    }
    // `/(fa[bklrs]?):fa-([\w-]+)/`.
    for i in memchr::memmem::find_iter(b, b":fa-") {
        let before = b.get(..i).unwrap_or_default();
        let prefix = match before.split_last() {
            Some((b'b' | b'k' | b'l' | b'r' | b's', rest)) => rest.ends_with(b"fa"),
            _ => before.ends_with(b"fa"),
        };
        let word = b
            .get(i + 4)
            .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-'));
        if prefix && word {
            at.push(i);
        }
    }
    // `/\\n/` in an HTML label, `/\\n/i` in an SVG one.
    for i in memchr::memchr_iter(b'\\', b) {
        if matches!(b.get(i + 1), Some(b'n' | b'N')) {
            at.push(i);
        }
    }
    at.sort_unstable();
    at.dedup();
    at
}

/// A run of a label's text with no guarded character: `"`, `#`, `%`,
/// `|`, the backtick, `:` and `$` as named entities, `&`, `<` and `>` as
/// `&amp;`, `&lt;`, `&gt;`, `ﬂ` and `¶` each with [`APART`] after it
/// when `apart`, line breaks as `newline`, control characters as spaces
/// and invisible ones shown escaped.
fn escape_run(out: &mut Vec<u8>, s: &str, apart: bool, newline: &[u8]) {
    crate::escape::rewrite_into(out, s, &STOPS, |c, out| match c {
        '"' => out.extend_from_slice(b"&quot;"),
        '#' => out.extend_from_slice(b"&num;"),
        '%' => out.extend_from_slice(b"&percnt;"),
        '&' => out.extend_from_slice(b"&amp;"),
        '<' => out.extend_from_slice(b"&lt;"),
        '>' => out.extend_from_slice(b"&gt;"),
        '|' => out.extend_from_slice(b"&verbar;"),
        '`' => out.extend_from_slice(b"&grave;"),
        ':' => out.extend_from_slice(b"&colon;"),
        '$' => out.extend_from_slice(b"&dollar;"),
        // The first characters of Mermaid's own stand-ins, kept apart
        // from what follows (see the module).
        'ﬂ' | '¶' if apart => {
            crate::escape::push_char(out, c);
            out.extend_from_slice(APART);
        }
        '\n' => out.extend_from_slice(newline),
        c if crate::escape::needs_escape(c) => {
            out.extend_from_slice(crate::escape::visible(c.encode_utf8(&mut [0; 4])).as_bytes())
        }
        c if c.is_control() => out.push(b' '),
        c => crate::escape::push_char(out, c),
    });
}

/// One line of a comment: no line breaks, no `%` (a directive is read
/// inside a comment too), written `#37;` as in labels, and no `##[` (a
/// runner's legacy command, its `[` shown `\u{5b}`).
fn comment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("#37;"),
            c if c.is_control() || crate::escape::needs_escape(c) => out.push(' '),
            c => out.push(c),
        }
    }
    crate::escape::no_legacy_command(&out).into_owned()
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
    let mut label = Vec::new();
    match (&node.role, node.kind) {
        (_, NodeKind::SelfOrg) | (None, _) => label_into(&mut label, &node.name, b" "),
        (Some(role), _) => {
            // One label, so that what it needs is decided for all of it.
            let one_line = |s: &str| s.replace('\n', " ");
            let text = format!("{}\n({})", one_line(&node.name), one_line(role));
            label_into(&mut label, &text, BREAK);
        }
    }
    let label = String::from_utf8_lossy(&label);
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
/// by line breaks, then the error codes.
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
    label_into(buf, &m.label(d, lang), BREAK);
    if m.violating() {
        // Letters, digits and `, ` after a line break: no entity, and no
        // part of a pattern the label was written against.
        buf.extend_from_slice(BREAK);
        m.push_codes(buf, lang);
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

    // A model of what Mermaid 12.4 does to a quoted label, each step as
    // found in its bundle and checked by drawing in it
    // (`tests/renderers.rs`).

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

    /// The named entities a label can hold.
    fn named(name: &str) -> Option<char> {
        Some(match name {
            "quot" => '"',
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "num" => '#',
            "percnt" => '%',
            "verbar" => '|',
            "grave" => '`',
            "colon" => ':',
            "dollar" => '$',
            "nbsp" => '\u{a0}',
            _ => return None,
        })
    }

    /// HTML read as a browser (or DOMPurify) reads it: the entities a
    /// label can hold, and tags (an end tag without a name, `</>`, is
    /// dropped).
    fn read(html: &str) -> Vec<Piece> {
        let mut pieces = Vec::new();
        let mut text = String::new();
        let mut rest = html;
        while let Some(i) = rest.find(['<', '&']) {
            text.push_str(&rest[..i]);
            let at = &rest[i..];
            if at.starts_with('<') {
                let end = at.find('>').map_or(at.len(), |e| e + 1);
                if &at[..end] != "</>" {
                    pieces.push(Piece::Text(std::mem::take(&mut text)));
                    pieces.push(Piece::Tag(at[..end].to_string()));
                }
                rest = &at[end..];
                continue;
            }
            let entity = at[1..].split_once(';').and_then(|(e, tail)| {
                let c = match named(e) {
                    Some(c) => c,
                    None => char::from_u32(e.strip_prefix('#')?.parse().ok()?)?,
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
                        .replace('>', "&gt;")
                        .replace('\u{a0}', "&nbsp;"),
                ),
                Piece::Tag(t) => out.push_str(t),
            }
        }
        out
    }

    /// DOMPurify as Mermaid calls it: the label read and written again,
    /// or, when it holds no `<`, returned as it is.
    fn purify(s: &str) -> String {
        if s.contains('<') {
            serialised(&read(s))
        } else {
            s.to_string()
        }
    }

    /// Would Mermaid draw KaTeX (`/\$\$(.*?)\$\$/`; a label holds no
    /// line terminator)?
    fn katex(s: &str) -> bool {
        s.split_once("$$")
            .is_some_and(|(_, rest)| rest.contains("$$"))
    }

    /// Would Mermaid draw an icon (`/(fa[bklrs]?):fa-([\w-]+)/`)?
    fn icon(s: &str) -> bool {
        s.match_indices(":fa-").any(|(i, _)| {
            let before = &s[..i];
            let fa = before.ends_with("fa")
                || ["fab", "fak", "fal", "far", "fas"]
                    .iter()
                    .any(|p| before.ends_with(p));
            let word = s[i + 4..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            fa && word
        })
    }

    /// What a reader sees of an HTML label whose markup is `html`: the
    /// SVG written out, its stand-ins read back (Mermaid's last step),
    /// read; the text, each `<br>` a line break.
    fn seen_in_html(html: &str) -> String {
        let svg = decode_entities(&serialised(&read(html)));
        let mut shown = String::new();
        for p in read(&svg) {
            match p {
                Piece::Text(t) => shown.push_str(&t),
                Piece::Tag(t) if t.starts_with("<br") => shown.push('\n'),
                Piece::Tag(_) => {}
            }
        }
        shown
    }

    /// Mermaid's `createText` for an HTML label: KaTeX when it finds
    /// `$$…$$`, else `\n` made `<br />`, the stand-ins read back, icons
    /// drawn, DOMPurify twice, and the result made HTML.
    fn html_text(text: &str) -> Result<String, String> {
        if katex(text) {
            return Err(format!("KaTeX: {text}"));
        }
        let h = decode_entities(&format!("<p>{}</p>", text.replace("\\n", "<br />")));
        if icon(&h) || katex(&h) {
            return Err(format!("an icon or KaTeX: {h}"));
        }
        Ok(seen_in_html(&purify(&purify(&h))))
    }

    /// A node's HTML label (the default): DOMPurify twice as the flowchart
    /// is read; then, as the node is drawn, the stand-ins read back and
    /// DOMPurify twice more.
    fn html_node(label: &str) -> Result<String, String> {
        let read_in = purify(&purify(&encode_entities(label)));
        html_text(&purify(&purify(&decode_entities(&read_in))))
    }

    /// A link's HTML label: DOMPurify twice as the flowchart is read.
    fn html_link(label: &str) -> Result<String, String> {
        html_text(&purify(&purify(&encode_entities(label))))
    }

    /// Mermaid's `createText` for an SVG label (`htmlLabels: false`): the
    /// stand-ins read back, lines cut at `\n`, `\N` and `<br>`, words at
    /// white space (a tag a word of its own: `/<[^>]+>|[^\s<>]+/g`), each
    /// word's `&amp;`, `&lt;` and `&gt;` read, the words joined by a
    /// space; then the SVG's stand-ins read back. (Lines too wide are
    /// wrapped: not modelled.)
    fn svg_text(text: &str) -> String {
        let text = decode_entities(text);
        let mut lines = vec![String::new()];
        let mut rest = text.as_str();
        while let Some(c) = rest.chars().next() {
            let lower = rest.to_ascii_lowercase();
            let cut = [
                ("\\n", 2),
                ("\n", 1),
                ("<br>", 4),
                ("<br/>", 5),
                ("<br />", 6),
            ]
            .into_iter()
            .find(|(b, _)| lower.starts_with(b));
            match cut {
                Some((_, n)) => {
                    lines.push(String::new());
                    rest = &rest[n..];
                }
                None => {
                    if let Some(l) = lines.last_mut() {
                        l.push(c);
                    }
                    rest = &rest[c.len_utf8()..];
                }
            }
        }
        let shown: Vec<String> = lines.iter().map(|l| words(l).join(" ")).collect();
        let svg = decode_entities(&serialised(&[Piece::Text(shown.join("\n"))]));
        read(&svg)
            .into_iter()
            .map(|p| match p {
                Piece::Text(t) => t,
                Piece::Tag(t) => t,
            })
            .collect()
    }

    /// A line's words as an SVG label shows them, each word's `&amp;`,
    /// `&lt;` and `&gt;` read (once).
    fn words(line: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut rest = line;
        while let Some(c) = rest.chars().next() {
            if c == '<'
                && let Some(end) = rest[1..].find('>').filter(|&e| e > 0)
            {
                out.push(rest[..end + 2].to_string());
                rest = &rest[end + 2..];
                continue;
            }
            if c.is_whitespace() || c == '<' || c == '>' {
                rest = &rest[c.len_utf8()..];
                continue;
            }
            let end = rest
                .find(|c: char| c.is_whitespace() || c == '<' || c == '>')
                .unwrap_or(rest.len());
            let word = &rest[..end];
            let mut read = String::new();
            let mut w = word;
            while let Some(i) = w.find('&') {
                read.push_str(&w[..i]);
                let at = &w[i..];
                let entity = [("&amp;", '&'), ("&lt;", '<'), ("&gt;", '>')]
                    .into_iter()
                    .find(|(e, _)| at.starts_with(e));
                match entity {
                    Some((e, c)) => {
                        read.push(c);
                        w = &at[e.len()..];
                    }
                    None => {
                        read.push('&');
                        w = &at[1..];
                    }
                }
            }
            read.push_str(w);
            out.push(read);
            rest = &rest[end..];
        }
        out
    }

    /// A node's SVG label: DOMPurify once as the flowchart is read, then
    /// the stand-ins read back and DOMPurify again.
    fn svg_node(label: &str) -> String {
        let read_in = purify(&encode_entities(label));
        svg_text(&purify(&decode_entities(&read_in)))
    }

    /// A link's SVG label: DOMPurify once as the flowchart is read.
    fn svg_link(label: &str) -> String {
        svg_text(&purify(&encode_entities(label)))
    }

    /// The label of a node's name and role, as [`node`] writes it.
    fn two_lines(name: &str, role: &str) -> String {
        let mut out = Vec::new();
        label_into(&mut out, &format!("{name}\n({role})"), BREAK);
        String::from_utf8(out).expect("UTF-8")
    }

    /// Names that every kind of label shows as written: markup, entities
    /// (HTML's and Mermaid's), quotes, directives, what Mermaid rewrites
    /// when not in the pattern it looks for, Japanese.
    const AS_WRITTEN: &[&str] = &[
        "基幹システム",
        "市町村 \"#1;\" `x` ＃２；ＡＢＣ",
        "給付<script>alert(1)</script> <b>&amp;</b>",
        "課税%%{init: {'theme':'forest'}}%%",
        "分析style:x#f00; classDef a:b#c;",
        "年金機構&amp;B &lt;i&gt; \\G &#60; #quot;",
        "a|b <br> <br/> c&d &",
        "38.5°C Straße ﬂ ¶ ° ß",
        "US$100 $5 a:b fa:x fa-car :fa-",
        "100% \\\\ \\t ends in \\",
    ];

    /// Every kind of label shows these names as written, alone or above a
    /// role, and none is drawn as KaTeX or an icon.
    #[test]
    fn names_show_as_written_in_html_and_svg_labels() {
        for &name in AS_WRITTEN {
            let label = escape(name);
            assert_eq!(html_node(&label).as_deref(), Ok(name), "{label}");
            assert_eq!(html_link(&label).as_deref(), Ok(name), "{label}");
            assert_eq!(svg_node(&label), name, "{label}");
            assert_eq!(svg_link(&label), name, "{label}");
            let label = two_lines(name, "他機関");
            let shown = format!("{name}\n(他機関)");
            assert_eq!(html_node(&label).as_deref(), Ok(&*shown), "{label}");
            assert_eq!(html_link(&label).as_deref(), Ok(&*shown), "{label}");
            assert_eq!(svg_node(&label), shown, "{label}");
            assert_eq!(svg_link(&label), shown, "{label}");
        }
    }

    /// Names no label can show as written in both kinds: the HTML label
    /// (the default) shows them as written, the SVG label as here (the
    /// README lists these).
    const HTML_ONLY: &[(&str, &str)] = &[
        // What Mermaid's HTML labels draw as KaTeX, an icon, a line break.
        (
            "fa:fa-car $$x^2$$ 数式",
            "fa&#58;fa-car $&#36;x^2$&#36; 数式",
        ),
        ("fab:fa-x_1 $$$ $$", "fab&#58;fa-x_1 $&#36;&#36; $&#36;"),
        ("a\\nb \\N", "a&#92;nb &#92;N"),
        // Mermaid's own stand-ins.
        ("Aﬂ°B¶ßC", "Aﬂ <span> </span> °B¶ <span> </span> ßC"),
        (
            "¶ß $$x$$ a\\n",
            "¶ <span> </span> ß $ <span> </span> $x$ <span> </span> $ a\\ <span> </span> n",
        ),
        // White space: a run, and any kind, is one space.
        ("全角\u{3000}空白  二つ ", "全角 空白 二つ"),
        ("nbsp\u{a0}alone", "nbsp alone"),
        // Where entities are read, a no-break space stays one.
        ("nbsp\u{a0}50%", "nbsp&nbsp;50%"),
    ];

    #[test]
    fn what_svg_labels_cannot_show() {
        for &(name, svg) in HTML_ONLY {
            let label = escape(name);
            assert_eq!(html_node(&label).as_deref(), Ok(name), "{label}");
            assert_eq!(html_link(&label).as_deref(), Ok(name), "{label}");
            assert_eq!(svg_node(&label), svg, "{label}");
            assert_eq!(svg_link(&label), svg, "{label}");
            let label = two_lines(name, "他機関");
            let shown = format!("{name}\n(他機関)");
            assert_eq!(html_node(&label).as_deref(), Ok(&*shown), "{label}");
            assert_eq!(svg_node(&label), format!("{svg}\n(他機関)"), "{label}");
        }
    }

    /// Why labels are written so: without `</>` an SVG label shows the
    /// named entities; with a `<br/>` (markup kept) a node's HTML label is
    /// read once more, and Mermaid's codes no longer stand between its
    /// text and the patterns; named entities alone would not either.
    #[test]
    fn what_the_other_spellings_would_show() {
        assert_eq!(
            svg_link("100&percnt; &quot;q&quot;"),
            "100&percnt; &quot;q&quot;"
        );
        assert_eq!(svg_link("</>100&percnt; &quot;q&quot;"), "100% \"q\"");
        assert_eq!(svg_link("100#37;"), "100&#37;");
        assert!(html_node("</>fa#58;fa-car\\n(x)").is_ok());
        assert!(html_node("</>fa#58;fa-car<br/>(x)").is_err());
        assert!(html_node("</>&dollar;#36;x&dollar;#36;<br/>(x)").is_err());
        assert!(html_node("</>fa&colon;fa-car").is_err());
        assert_eq!(html_link("a\\nb").as_deref(), Ok("a\nb"));
        assert_eq!(escape("fa:fa-car a:b"), "</>fa#58;fa-car a&colon;b");
        assert_eq!(escape("a\\nb \\x"), "a#92;nb \\x");
        assert_eq!(escape("&<>"), "&amp;&lt;&gt;");
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
