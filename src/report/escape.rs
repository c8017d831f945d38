//! Escaping for the HTML report: text from input into HTML, and the page's
//! data into a `<script type="application/json">` element.

use crate::escape::visible;

/// Text for HTML content or a quoted attribute: control, bidirectional and
/// invisible characters shown as `\u{..}` (see [`crate::escape`]), then
/// `& < > " '` as entities.
pub fn html(s: &str) -> String {
    let v = visible(s);
    let mut out = String::with_capacity(v.len() + 8);
    for c in v.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// JSON text made safe inside `<script type="application/json">`: `<`,
/// `>` and `&` as `\u003c`-style escapes (so no `</script>` or `<!--` can
/// end or change the element), and U+2028/U+2029 escaped too (older
/// JavaScript parsers treat them as line ends). These characters only
/// occur inside JSON strings, where the escapes mean the same.
pub fn script_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_markup_and_shows_controls() {
        assert_eq!(
            html("<b a=\"x\">&'</b>"),
            "&lt;b a=&quot;x&quot;&gt;&amp;&#39;&lt;/b&gt;"
        );
        assert_eq!(html("a\u{202e}b\u{1b}"), "a\\u{202e}b\\u{1b}");
        assert_eq!(html("課税情報"), "課税情報");
    }

    #[test]
    fn script_json_cannot_close_the_element() {
        let v = serde_json::json!({"s": "</script><!-- \u{2028}\u{2029} & x"});
        let raw = serde_json::to_string(&v).unwrap();
        let safe = script_json(&raw);
        assert!(!safe.contains('<') && !safe.contains('>') && !safe.contains('&'));
        assert!(!safe.contains('\u{2028}') && !safe.contains('\u{2029}'));
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, v, "the escapes mean the same JSON");
    }
}
