//! A message's long strings (a document's whole text) decoded where they
//! were read, not by serde_json.
//!
//! serde_json decodes a string with escapes (a text's every line ends in
//! `\n`) into a scratch buffer that grows by doubling, then copies it into
//! the string: for a million-flow design's 110 MB text, the message's
//! bytes, up to 192 MiB of scratch and the 110 MB string at once, on the
//! reader's thread, while the server still held the last text and its
//! analysis. Here the longest string is decoded within the message's own
//! buffer, which becomes the string; other long strings are decoded into
//! copies of their exact size; the rest of the message, each long string
//! replaced by a marker, is left to serde_json.
//!
//! A lone half of a surrogate pair (`"\ud842"`, as JavaScript's
//! `JSON.stringify` writes half of `𠮷`) is read as U+FFFD, as a text
//! decoder does: serde_json refuses it, and a client's one stray
//! character must not end the session ([`mend_lone_surrogates`]).

use crate::text::Text;
use serde_json::Value;
use std::ops::Range;

/// Strings of this many bytes and more, as written in the message, are
/// decoded here; shorter ones by serde_json.
pub(super) const LONG: usize = 64 * 1024;

/// The JSON value of message body `body`, its strings of `long` bytes or
/// more decoded in place. Where the body is not JSON, why, in both
/// languages; the reason is serde_json's ([`super::serde_reason`])
/// wherever the body is wrong outside a long string.
pub(super) fn parse(mut body: Vec<u8>, long: usize) -> Result<Value, Text> {
    let literals = match long_literals(&body, long) {
        Some(literals) if !literals.is_empty() => literals,
        // None long, or the body's strings do not end: serde_json's
        // reading, and its reason.
        _ => return whole(&mut body),
    };
    let mut value = match serde_json::from_slice::<Value>(&with_markers(&body, &literals)) {
        Ok(value) => value,
        Err(_) => return whole(&mut body),
    };
    // Each marker once, where a value stands: a long key, or a client's own
    // string equal to a marker, leaves the message to serde_json.
    let mut found = vec![0_u32; literals.len()];
    for_each_string(&mut value, |s| {
        if let Some(k) = marker_number(s).and_then(|k| found.get_mut(k)) {
            *k += 1;
        }
    });
    if found.iter().any(|&n| n != 1) {
        return whole(&mut body);
    }
    let mut decoded = decoded(body, &literals)?;
    for_each_string(&mut value, |s| {
        if let Some(text) = marker_number(s).and_then(|k| decoded.get_mut(k)?.take()) {
            *s = text;
        }
    });
    Ok(value)
}

/// `body` read by serde_json; where it fails, read again with its lone
/// surrogates mended, if it has any (only then: the happy path pays
/// nothing).
fn whole(body: &mut [u8]) -> Result<Value, Text> {
    match serde_json::from_slice::<Value>(body) {
        Ok(value) => Ok(value),
        Err(_) if mend_lone_surrogates(body) => {
            serde_json::from_slice::<Value>(body).map_err(|e| super::serde_reason::words(&e))
        }
        Err(e) => Err(super::serde_reason::words(&e)),
    }
}

/// Rewrites, in place, each `\u` escape of `body` that is half of a
/// surrogate pair without its other half (a high half not followed by a
/// low half's escape, a low half not preceded by a high one) into
/// `\uFFFD`, of the same length; whether there was any. One pass over the
/// body's backslashes: outside strings JSON has none, and inside one each
/// backslash starts an escape or is escaped, so reading them in order
/// from the start never takes an escaped `\\u` for an escape.
pub(super) fn mend_lone_surrogates(body: &mut [u8]) -> bool {
    let mut mended = false;
    let mut i = 0;
    while let Some(k) = body.get(i..).and_then(|rest| memchr::memchr(b'\\', rest)) {
        let at = i + k;
        if body.get(at + 1) != Some(&b'u') {
            // The backslash and the character it escapes.
            i = at + 2;
            continue;
        }
        i = at + 6;
        match escaped_unit(body, at) {
            Some(0xD800..=0xDBFF) => {
                if matches!(escaped_unit(body, at + 6), Some(0xDC00..=0xDFFF)) {
                    // A pair: both halves read.
                    i = at + 12;
                    continue;
                }
            }
            Some(0xDC00..=0xDFFF) => {}
            // Another character, or no escape serde_json would read.
            _ => continue,
        }
        body[at + 2..at + 6].copy_from_slice(b"FFFD");
        mended = true;
    }
    mended
}

/// The UTF-16 unit of the `\uXXXX` escape at `at` in `body`, if one is
/// there.
fn escaped_unit(body: &[u8], at: usize) -> Option<u32> {
    let escape = body.get(at..at + 6)?;
    if &escape[..2] != b"\\u" {
        return None;
    }
    escape[2..]
        .iter()
        .try_fold(0, |n, &d| Some(n * 16 + char::from(d).to_digit(16)?))
}

/// The string literals of `body` (quotes included) of `long` bytes or
/// more, in order (keys among them: their markers are then not found
/// among the values); None when a string does not end.
fn long_literals(body: &[u8], long: usize) -> Option<Vec<Range<usize>>> {
    let mut literals = Vec::new();
    let mut at = 0;
    // Outside strings, JSON has no quote but the one opening a string.
    while let Some(open) = memchr::memchr(b'"', body.get(at..)?) {
        let start = at + open;
        let mut i = start + 1;
        loop {
            i += memchr::memchr2(b'"', b'\\', body.get(i..)?)?;
            if body.get(i) == Some(&b'"') {
                break;
            }
            // A backslash and the character it escapes.
            i += 2;
        }
        let end = i + 1;
        if end - start >= long {
            literals.push(start..end);
        }
        at = end;
    }
    Some(literals)
}

/// `body` with each of `literals` replaced by the marker of its number.
fn with_markers(body: &[u8], literals: &[Range<usize>]) -> Vec<u8> {
    let inside: usize = literals.iter().map(|l| l.len()).sum();
    let mut out = Vec::with_capacity(body.len() - inside + literals.len() * 40);
    let mut at = 0;
    for (k, literal) in literals.iter().enumerate() {
        out.extend_from_slice(&body[at..literal.start]);
        out.extend_from_slice(br#""\u0000"#);
        out.extend_from_slice(MARKER.as_bytes());
        out.extend_from_slice(k.to_string().as_bytes());
        out.push(b'"');
        at = literal.end;
    }
    out.extend_from_slice(&body[at..]);
    out
}

/// What follows the NUL that starts a marker, before its number.
const MARKER: &str = "mynaflow long string ";

/// The number of marker `s`, if it is one.
fn marker_number(s: &str) -> Option<usize> {
    s.strip_prefix('\0')?.strip_prefix(MARKER)?.parse().ok()
}

/// Calls `f` on every string value within `value` (not on keys).
fn for_each_string(value: &mut Value, mut f: impl FnMut(&mut String)) {
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            Value::String(s) => f(s),
            Value::Array(items) => stack.extend(items.iter_mut()),
            Value::Object(map) => stack.extend(map.values_mut()),
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }
}

/// The strings `literals` of `body` are, decoded (each taken once as its
/// marker is replaced): the longest within `body` itself, the others in
/// copies.
fn decoded(mut body: Vec<u8>, literals: &[Range<usize>]) -> Result<Vec<Option<String>>, Text> {
    let longest = (0..literals.len())
        .max_by_key(|&k| literals[k].len())
        .unwrap_or(0);
    let mut strings = vec![None; literals.len()];
    for (k, literal) in literals.iter().enumerate() {
        if k != longest {
            let mut copy = body[literal.clone()].to_vec();
            let all = 0..copy.len();
            strings[k] = Some(decode_in_place(&mut copy, all)?);
        }
    }
    if let Some(literal) = literals.get(longest) {
        strings[longest] = Some(decode_in_place(&mut body, literal.clone())?);
    }
    Ok(strings)
}

/// Decodes string literal `literal` of `buf` (quotes included) into the
/// start of `buf`, and makes `buf` the string. The bytes it writes never
/// overtake the bytes it reads: an escape is never shorter than what it
/// stands for.
fn decode_in_place(buf: &mut Vec<u8>, literal: Range<usize>) -> Result<String, Text> {
    let (mut r, end) = (literal.start + 1, literal.end.saturating_sub(1));
    let mut w = 0;
    while r < end {
        let run = memchr::memchr(b'\\', &buf[r..end]).unwrap_or(end - r);
        if buf[r..r + run]
            .iter()
            .fold(false, |any, &b| any | (b < 0x20))
        {
            return Err(Text::new(
                "a control character in a string",
                "文字列の中に制御文字があります",
            ));
        }
        buf.copy_within(r..r + run, w);
        (r, w) = (r + run, w + run);
        if r == end {
            break;
        }
        let escaped = buf.get(r + 1).copied().filter(|_| r + 1 < end);
        r += 2;
        let byte = match escaped {
            Some(b'"') => b'"',
            Some(b'\\') => b'\\',
            Some(b'/') => b'/',
            Some(b'b') => 0x08,
            Some(b'f') => 0x0C,
            Some(b'n') => b'\n',
            Some(b'r') => b'\r',
            Some(b't') => b'\t',
            Some(b'u') => {
                let c = unicode_escape(buf, &mut r, end)?;
                let mut utf8 = [0; 4];
                let utf8 = c.encode_utf8(&mut utf8).as_bytes();
                buf[w..w + utf8.len()].copy_from_slice(utf8);
                w += utf8.len();
                continue;
            }
            _ => {
                return Err(Text::new(
                    "an invalid escape in a string",
                    "文字列のエスケープが正しくありません",
                ));
            }
        };
        buf[w] = byte;
        w += 1;
    }
    buf.truncate(w);
    // On this thread: the reader's, which must not wait for the pool an
    // analysis fills (std's check was a tenth of opening a large text).
    crate::source::utf8_owned_on(std::mem::take(buf), crate::source::Cores::This)
        .map_err(|_| Text::new("a string that is not UTF-8", "UTF-8 でない文字列があります"))
}

/// The character of the `\u` escape whose four digits start at `r`
/// (before `end`), with the low half's escape after it for a surrogate
/// pair; `r` is moved past what it read. A half alone is U+FFFD, as
/// [`mend_lone_surrogates`] makes it for serde_json.
fn unicode_escape(buf: &[u8], r: &mut usize, end: usize) -> Result<char, Text> {
    let high = hex4(buf, r, end)?;
    let code = match high {
        0xD800..=0xDBFF => {
            let mut after = *r + 2;
            let low = (*r + 2 <= end && buf.get(*r..*r + 2) == Some(&b"\\u"[..]))
                .then(|| hex4(buf, &mut after, end).ok())
                .flatten()
                .filter(|low| (0xDC00..=0xDFFF).contains(low));
            match low {
                Some(low) => {
                    *r = after;
                    0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                }
                None => 0xFFFD,
            }
        }
        _ => high,
    };
    // A low half alone is no character.
    Ok(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER))
}

/// The four hexadecimal digits at `r` (before `end`), as a number; `r` is
/// moved past them.
fn hex4(buf: &[u8], r: &mut usize, end: usize) -> Result<u32, Text> {
    let digits = buf
        .get(*r..*r + 4)
        .filter(|_| *r + 4 <= end)
        .ok_or_else(|| {
            Text::new(
                "a short \\u escape in a string",
                "文字列の `\\u` エスケープが途中で終わっています",
            )
        })?;
    let mut n = 0;
    for &d in digits {
        let v = char::from(d).to_digit(16).ok_or_else(|| {
            Text::new(
                "an invalid \\u escape in a string",
                "文字列の `\\u` エスケープが正しくありません",
            )
        })?;
        n = n * 16 + v;
    }
    *r += 4;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// What serde_json reads `body` as, its lone surrogates mended: the
    /// value, or that it fails.
    fn by_serde(body: &[u8]) -> Option<Value> {
        let mut body = body.to_vec();
        mend_lone_surrogates(&mut body);
        serde_json::from_slice(&body).ok()
    }

    /// `parse` agrees with serde_json on `body` at every threshold from
    /// 0 to past its length: the same value, or both fail.
    fn agrees(body: &[u8]) {
        let expected = by_serde(body);
        for long in 0..=body.len() + 1 {
            let got = parse(body.to_vec(), long).ok();
            assert_eq!(
                got,
                expected,
                "threshold {long}, body {:?}",
                String::from_utf8_lossy(body)
            );
        }
    }

    #[test]
    fn long_strings_read_as_serde_json_reads_them() {
        let text = "flow 𠮷 -> B : \"x\" \\ / \u{1}\u{1f}\t\r\n\u{2028}漢字 é\u{7f}";
        let values = [
            json!({"jsonrpc": "2.0", "method": "textDocument/didOpen",
                   "params": {"textDocument": {"uri": "file:///a.myna", "version": 1, "text": text}}}),
            json!({"method": "textDocument/didChange", "params": {"contentChanges":
                   [{"text": text}, {"text": "short"}, {"range": null, "text": text.repeat(3)}]}}),
            json!([text, [text, {"a": text}], "", 1, null, true]),
            json!(text),
            json!({"": "", "k": ""}),
        ];
        for v in values {
            agrees(v.to_string().as_bytes());
            agrees(serde_json::to_string_pretty(&v).unwrap().as_bytes());
        }
        // Escapes serde_json does not write: `\/`, `\b`, `\f`, upper-case
        // hex, a surrogate pair, a character escaped that need not be.
        agrees(br#"{"t": "a\/b\b\f\u00E9\uD83D\uDE00\u0041\u3042 end"}"#);
        agrees(br#"["\uD83D\uDE00", "\uFFFF", "\u0000"]"#);
    }

    #[test]
    fn what_serde_json_refuses_is_refused() {
        // Each wrong within a string longer than any key, or outside the
        // strings.
        for bad in [
            &br#"["a long string \q"]"#[..],
            br#"["a long string \u12"]"#,
            br#"["a long string \u12G4"]"#,
            br#"["a long string \"#,
            b"[\"a long string \x01\"]",
            b"{\"t\": \"a long string \n\"}",
            b"[\"a long string \x1f\", 1]",
            b"[\"a long string \xff\xfe\"]",
            b"[\"a long string \xe3\x81\"]",
            b"[\"a long string\", \xff]",
            br#"["a long string""#,
            br#"["a long string",]"#,
            br#"{"t" "a long string"}"#,
            br#"["a long string"] x"#,
            br#"{"a long string": }"#,
            b"",
        ] {
            assert!(
                by_serde(bad).is_none(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
            agrees(bad);
        }
    }

    /// Why a long string is refused is said in both languages, as
    /// serde_json's reasons are ([`super::super::serde_reason`]).
    #[test]
    fn why_a_long_string_is_refused_is_said_in_both_languages() {
        for (bad, en, ja) in [
            (
                &b"[\"a long string \x01\"]"[..],
                "a control character in a string",
                "文字列の中に制御文字があります",
            ),
            (
                br#"["a long string \q"]"#,
                "an invalid escape in a string",
                "文字列のエスケープが正しくありません",
            ),
            (
                b"[\"a long string \xff\"]",
                "a string that is not UTF-8",
                "UTF-8 でない文字列があります",
            ),
            (
                br#"["a long string \u12"]"#,
                "a short \\u escape in a string",
                "文字列の `\\u` エスケープが途中で終わっています",
            ),
            (
                br#"["a long string \u12G4"]"#,
                "an invalid \\u escape in a string",
                "文字列の `\\u` エスケープが正しくありません",
            ),
        ] {
            let why = parse(bad.to_vec(), 4).unwrap_err();
            assert_eq!((why.en.as_str(), why.ja.as_str()), (en, ja));
        }
        let why = parse(br#"["a long string"] x"#.to_vec(), 4).unwrap_err();
        assert_eq!(why.en, "trailing characters at line 1 column 19");
        assert_eq!(why.ja, "JSON の後に余分な文字があります (1 行 19 列目)");
    }

    /// Half a surrogate pair alone, escaped, reads as U+FFFD, in a long
    /// string or a short one, where serde_json alone refused the message;
    /// pairs, escaped backslashes and other escapes are left as they are.
    #[test]
    fn a_lone_surrogate_reads_as_the_replacement_character() {
        for (body, read) in [
            (
                &br#"["a long string \uD842"]"#[..],
                "a long string \u{FFFD}",
            ),
            (br#"["a long string \ud842x"]"#, "a long string \u{FFFD}x"),
            (
                br#"["a long string \uD800\u0041"]"#,
                "a long string \u{FFFD}A",
            ),
            (
                br#"["a long string \uDC00\uD800"]"#,
                "a long string \u{FFFD}\u{FFFD}",
            ),
            (
                br#"["a long string \uD800\uD83D\uDE00"]"#,
                "a long string \u{FFFD}😀",
            ),
            (
                br#"["a long string \\uD800 \uDE00"]"#,
                "a long string \\uD800 \u{FFFD}",
            ),
            (br#"["a long string \uD83D\uDE00"]"#, "a long string 😀"),
        ] {
            assert!(serde_json::from_slice::<Value>(body).is_err() || !read.contains('\u{FFFD}'));
            for long in [0, 4, 1000] {
                let value = parse(body.to_vec(), long).unwrap();
                assert_eq!(value, json!([read]), "{}", String::from_utf8_lossy(body));
            }
        }
        // In a key, and in a short string beside a long one.
        let body = br#"{"\udc00k": ["\ud800", "a long string \ud800"]}"#;
        for long in [0, 10, 1000] {
            let value = parse(body.to_vec(), long).unwrap();
            assert_eq!(
                value,
                json!({"\u{FFFD}k": ["\u{FFFD}", "a long string \u{FFFD}"]})
            );
        }
        // What is wrong besides is still refused.
        assert!(parse(br#"["\ud800", x]"#.to_vec(), 0).is_err());
        assert!(parse(br#"["\ud800\u12G4"]"#.to_vec(), 0).is_err());
    }

    #[test]
    fn a_long_key_or_a_string_like_a_marker_is_left_to_serde_json() {
        agrees(br#"{"a long key": "a long value", "x": ["a long value"]}"#);
        // A client's string equal to marker 0, shorter than a long string
        // (whose marker is 0), before it and after it.
        let long = "a long value, longer than a marker written";
        for marker in [
            format!(r#"["\u0000{MARKER}0", "{long}"]"#),
            format!(r#"["{long}", "\u0000{MARKER}0"]"#),
            format!(r#"["\u0000{MARKER}1", "{long}", "{long}"]"#),
        ] {
            agrees(marker.as_bytes());
        }
    }

    #[test]
    fn random_strings_read_as_serde_json_reads_them() {
        // Strings of characters and escapes drawn at random, in messages
        // of one to four of them, at random thresholds.
        let pieces: &[&str] = &[
            "a",
            "漢",
            "𠮷",
            " ",
            "\\n",
            "\\\"",
            "\\\\",
            "\\/",
            "\\b",
            "\\f",
            "\\r",
            "\\t",
            "\\u0041",
            "\\u00e9",
            "\\u3042",
            "\\uD83D\\uDE00",
            "\\u0000",
            "\\u001f",
            "é",
            "\\uffff",
        ];
        let mut next = crate::test_rulebooks::dice(0x10, 0);
        let mut compared = 0;
        for _ in 0..2000 {
            let strings: Vec<String> = (0..1 + next(4))
                .map(|_| {
                    let body: String = (0..next(40)).map(|_| pieces[next(pieces.len())]).collect();
                    format!("\"{body}\"")
                })
                .collect();
            let body = format!(r#"{{"params": {{"texts": [{}]}}}}"#, strings.join(", "));
            let expected = by_serde(body.as_bytes());
            assert!(expected.is_some(), "{body}");
            let long = next(60);
            assert_eq!(
                parse(body.clone().into_bytes(), long).ok(),
                expected,
                "{body} at {long}"
            );
            compared += 1;
        }
        assert_eq!(compared, 2000);
    }

    #[test]
    fn damaged_messages_read_as_serde_json_reads_them() {
        // Valid messages with a byte or three changed at random, often to
        // a byte that matters to JSON: each reads as serde_json reads it,
        // or both refuse it, at thresholds that make its strings long.
        let bodies = [
            r#"{"method": "textDocument/didOpen", "params": {"textDocument": {"uri": "file:///a.myna", "text": "flow \"A\" -> B : x\n\tnext \u00e9 \uD83D\uDE00 end\\"}}}"#,
            r#"["first long string \n", {"k": "second \"long\" string"}, "𠮷 third"]"#,
        ];
        let interesting = b"\"\\u:,{}[]0189aDFx \x01\x1f\x7f\x80\xc3\xe3\xff";
        let mut next = crate::test_rulebooks::dice(0xdead, 0);
        let (mut read, mut refused) = (0, 0);
        for round in 0..6000 {
            let mut body = bodies[round % bodies.len()].as_bytes().to_vec();
            for _ in 0..1 + next(3) {
                let at = next(body.len());
                body[at] = match next(3) {
                    0 => next(256) as u8,
                    _ => interesting[next(interesting.len())],
                };
            }
            let expected = by_serde(&body);
            for long in [0, 4, 9, 16, 40] {
                assert_eq!(
                    parse(body.clone(), long).ok(),
                    expected,
                    "threshold {long}, body {:?}",
                    String::from_utf8_lossy(&body)
                );
            }
            match expected {
                Some(_) => read += 1,
                None => refused += 1,
            }
        }
        assert!(
            read > 500 && refused > 500,
            "{read} read, {refused} refused"
        );
    }

    #[test]
    fn the_longest_string_takes_over_the_message_buffer() {
        let text = "flow A -> B : x for y\n".repeat(10_000);
        let body = json!({"params": {"text": text, "other": "z".repeat(LONG)}}).to_string();
        let buffer = body.as_ptr();
        let value = parse(body.into_bytes(), LONG).unwrap();
        let read = value["params"]["text"].as_str().unwrap();
        assert_eq!(read, text);
        assert_eq!(read.as_ptr(), buffer, "decoded where it was read");
        assert_eq!(value["params"]["other"].as_str().unwrap().len(), LONG);
    }
}
