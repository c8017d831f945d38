//! serde_json's pretty layout (two spaces a level) from any depth, so that
//! a document's long arrays can be drawn element by element on every core
//! ([`super::chunked`]) and still give the bytes
//! `serde_json::to_writer_pretty` gives for the whole document. Strings
//! are escaped by serde_json itself. [`Pretty`] writes the same layout by
//! hand, for elements whose shape the caller knows.

use super::chunked::write_ordered;
use serde::Serialize;
use serde_json::ser::Formatter;
use std::io::{self, Write};

/// `serde_json::ser::PrettyFormatter` with two spaces, starting at a
/// given depth instead of the top.
struct Indented {
    level: usize,
    has_value: bool,
}

fn indent<W: ?Sized + Write>(w: &mut W, level: usize) -> io::Result<()> {
    const SPACES: &[u8] = b"                                                                ";
    let mut n = level * 2;
    while n > 0 {
        let k = n.min(SPACES.len());
        w.write_all(&SPACES[..k])?;
        n -= k;
    }
    Ok(())
}

impl Formatter for Indented {
    /// A run of a string that needs no escape to serde_json, with the `[`
    /// of `##[` written `\u005b` ([`crate::escape::json_no_legacy_command`]):
    /// serde_json cuts a string only at what it escapes, so a `##[` is
    /// never cut.
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        if !fragment.contains("##[") {
            return w.write_all(fragment.as_bytes());
        }
        let mut pieces = fragment.split("##[");
        if let Some(first) = pieces.next() {
            w.write_all(first.as_bytes())?;
        }
        for piece in pieces {
            w.write_all(b"##\\u005b")?;
            w.write_all(piece.as_bytes())?;
        }
        Ok(())
    }

    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.level -= 1;
        if self.has_value {
            w.write_all(b"\n")?;
            indent(w, self.level)?;
        }
        w.write_all(b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        indent(w, self.level)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.level -= 1;
        if self.has_value {
            w.write_all(b"\n")?;
            indent(w, self.level)?;
        }
        w.write_all(b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        indent(w, self.level)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// Writes `value` as it appears at depth `level` of a pretty-printed
/// document (0: the document itself).
pub fn value_at<W, T>(out: &mut W, level: usize, value: &T) -> io::Result<()>
where
    W: ?Sized + Write,
    T: ?Sized + Serialize,
{
    let formatter = Indented {
        level,
        has_value: false,
    };
    let mut ser = serde_json::Serializer::with_formatter(out, formatter);
    value.serialize(&mut ser).map_err(io::Error::from)
}

/// A document that is the array of `items`, each drawn by `draw` (as a
/// value that serializes to the element) on every core, in order.
pub fn array<'a, W, T, V, F>(out: &mut W, items: &'a [T], draw: F) -> io::Result<()>
where
    W: ?Sized + Write,
    T: Sync,
    V: Serialize,
    F: Fn(&'a T) -> V + Sync,
{
    if items.is_empty() {
        return out.write_all(b"[]");
    }
    out.write_all(b"[")?;
    write_ordered(out, items, |i, item, buf| {
        buf.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
        indent(buf, 1)?;
        value_at(buf, 1, &draw(item))
    })?;
    out.write_all(b"\n]")
}

/// A JSON object written member by member at depth `level`.
pub struct Object<'w, W: ?Sized> {
    out: &'w mut W,
    level: usize,
    first: bool,
}

impl<'w, W: ?Sized + Write> Object<'w, W> {
    /// Opens the object.
    pub fn begin(out: &'w mut W, level: usize) -> io::Result<Self> {
        out.write_all(b"{")?;
        Ok(Object {
            out,
            level,
            first: true,
        })
    }

    fn key(&mut self, key: &str) -> io::Result<()> {
        self.out
            .write_all(if self.first { b"\n" } else { b",\n" })?;
        self.first = false;
        indent(self.out, self.level + 1)?;
        value_at(self.out, self.level + 1, key)?;
        self.out.write_all(b": ")
    }

    /// One member.
    pub fn member<T: ?Sized + Serialize>(&mut self, key: &str, value: &T) -> io::Result<()> {
        self.key(key)?;
        value_at(self.out, self.level + 1, value)
    }

    /// A member whose value is an object, written member by member until
    /// its [`Object::end`].
    pub fn object(&mut self, key: &str) -> io::Result<Object<'_, W>> {
        self.key(key)?;
        Object::begin(&mut *self.out, self.level + 1)
    }

    /// A member whose value is an array of one object, whose members
    /// `each` writes.
    pub fn array_of_one(
        &mut self,
        key: &str,
        each: impl FnOnce(&mut Object<'_, W>) -> io::Result<()>,
    ) -> io::Result<()> {
        self.key(key)?;
        self.out.write_all(b"[\n")?;
        indent(self.out, self.level + 2)?;
        let mut element = Object::begin(&mut *self.out, self.level + 2)?;
        each(&mut element)?;
        element.end()?;
        self.out.write_all(b"\n")?;
        indent(self.out, self.level + 1)?;
        self.out.write_all(b"]")
    }

    /// A member whose value is the array of `items`, each drawn by `draw`
    /// (as a value that serializes to the element) on every core, in
    /// order.
    pub fn array<'a, T, V, F>(&mut self, key: &str, items: &'a [T], draw: F) -> io::Result<()>
    where
        T: Sync,
        V: Serialize,
        F: Fn(&'a T) -> V + Sync,
    {
        self.elements(key, items, |item, buf, level| {
            value_at(buf, level, &draw(item))
        })
    }

    /// [`Object::array`] with each element written by hand: `draw` gets
    /// a [`Pretty`] at the element's depth and writes the element's value.
    pub fn array_with<'a, T, F>(&mut self, key: &str, items: &'a [T], draw: F) -> io::Result<()>
    where
        T: Sync,
        F: Fn(&'a T, &mut Pretty) + Sync,
    {
        self.elements(key, items, |item, buf, level| {
            draw(item, &mut Pretty::at(buf, level));
            Ok(())
        })
    }

    /// The array member of [`Object::array`] and [`Object::array_with`]:
    /// `value` writes one element's value at the depth given.
    fn elements<'a, T: Sync>(
        &mut self,
        key: &str,
        items: &'a [T],
        value: impl Fn(&'a T, &mut Vec<u8>, usize) -> io::Result<()> + Sync,
    ) -> io::Result<()> {
        self.key(key)?;
        if items.is_empty() {
            return self.out.write_all(b"[]");
        }
        self.out.write_all(b"[")?;
        let level = self.level + 2;
        write_ordered(self.out, items, |i, item, buf| {
            buf.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
            indent(buf, level)?;
            value(item, buf, level)
        })?;
        self.out.write_all(b"\n")?;
        indent(self.out, level - 1)?;
        self.out.write_all(b"]")
    }

    /// Closes the object.
    pub fn end(self) -> io::Result<()> {
        if !self.first {
            self.out.write_all(b"\n")?;
            indent(self.out, self.level)?;
        }
        self.out.write_all(b"}")
    }
}

/// A comma, a line break and the indent of 32 levels: [`Pretty`] takes
/// what an element needs from it.
const BREAK: &[u8] = b",\n                                                                ";

/// A value written by hand in serde_json's pretty layout, as
/// [`value_at`] writes it at the same depth: the caller opens and closes
/// objects and arrays, names each member's key and marks each element,
/// and writes scalars, or JSON it made before ([`Pretty::raw`]: a name
/// escaped once for a whole document instead of at every mention).
/// Serializing through serde_json asked its formatter for every key,
/// colon and indent, and escaped every key and name again each time.
pub struct Pretty<'b> {
    out: &'b mut Vec<u8>,
    level: usize,
    /// Nothing written yet in the innermost object or array.
    first: bool,
}

impl<'b> Pretty<'b> {
    /// A value at depth `level` (0: the document itself), written onto
    /// the end of `out`.
    pub fn at(out: &'b mut Vec<u8>, level: usize) -> Pretty<'b> {
        Pretty {
            out,
            level,
            first: true,
        }
    }

    #[inline]
    fn open(&mut self, bracket: u8) {
        self.out.push(bracket);
        self.level += 1;
        self.first = true;
    }

    #[inline]
    fn close(&mut self, bracket: u8) {
        self.level = self.level.saturating_sub(1);
        if !self.first {
            self.out.push(b'\n');
            let _ = indent(self.out, self.level);
        }
        self.out.push(bracket);
        self.first = false;
    }

    /// Opens an object.
    #[inline]
    pub fn begin_object(&mut self) {
        self.open(b'{');
    }

    /// Closes the object opened last (`{}` when it has no member).
    #[inline]
    pub fn end_object(&mut self) {
        self.close(b'}');
    }

    /// Opens an array.
    #[inline]
    pub fn begin_array(&mut self) {
        self.open(b'[');
    }

    /// Closes the array opened last (`[]` when it has no element).
    #[inline]
    pub fn end_array(&mut self) {
        self.close(b']');
    }

    /// An array of `items`, each element written by `each`.
    pub fn array_of<I: IntoIterator>(
        &mut self,
        items: I,
        mut each: impl FnMut(&mut Self, I::Item),
    ) {
        self.begin_array();
        for item in items {
            self.element();
            each(self, item);
        }
        self.end_array();
    }

    /// Writes what was written so far to `w` and empties the buffer, the
    /// layout's place kept, so that a long array can be drawn apart and
    /// the value go on after it.
    pub fn flush_into<W: Write + ?Sized>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(self.out)?;
        self.out.clear();
        Ok(())
    }

    /// [`Pretty::array_of`] of a long list, written to `w` after what was
    /// written so far: its elements drawn on every core a chunk at a time
    /// ([`write_ordered`]), each by `each` at the element's depth, and
    /// written in order.
    pub fn array_drawn_apart<T, W>(
        &mut self,
        w: &mut W,
        items: &[T],
        each: impl Fn(&mut Pretty, &T) + Sync,
    ) -> io::Result<()>
    where
        T: Sync,
        W: Write + ?Sized,
    {
        if items.is_empty() {
            self.begin_array();
            self.end_array();
            return Ok(());
        }
        self.out.push(b'[');
        self.flush_into(w)?;
        let level = self.level + 1;
        write_ordered(w, items, |i, item, buf| {
            buf.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
            indent(buf, level)?;
            each(&mut Pretty::at(buf, level), item);
            Ok(())
        })?;
        self.out.push(b'\n');
        indent(self.out, self.level)?;
        self.out.push(b']');
        self.first = false;
        Ok(())
    }

    /// Starts the next element of the array: its value follows.
    #[inline]
    pub fn element(&mut self) {
        // The comma, line break and indent as one slice of one constant:
        // one copy where there were three writes.
        let from = usize::from(self.first);
        match BREAK.get(from..2 + 2 * self.level) {
            Some(s) => self.out.extend_from_slice(s),
            None => {
                self.out
                    .extend_from_slice(if self.first { b"\n" } else { b",\n" });
                let _ = indent(self.out, self.level);
            }
        }
        self.first = false;
    }

    /// Starts the member `key` of the object: its value follows. The key
    /// is written as it is, so it must be plain: no quote, backslash or
    /// control character (the document's keys are its schema's).
    #[inline(always)]
    pub fn key(&mut self, key: &str) {
        self.element();
        self.out.push(b'"');
        self.out.extend_from_slice(key.as_bytes());
        self.out.extend_from_slice(b"\": ");
    }

    /// A value already written as JSON (a string with its quotes and
    /// escapes as serde_json writes it, a number, `null`…).
    #[inline]
    pub fn raw(&mut self, json: &[u8]) {
        self.out.extend_from_slice(json);
    }

    /// A string, escaped by serde_json (and the `[` of `##[` written
    /// `\u005b`, see [`crate::escape::json_no_legacy_command`]).
    pub fn str(&mut self, s: &str) {
        let from = self.out.len();
        // Writing into a `Vec` does not fail, and a `str` always serializes.
        let _ = serde_json::to_writer(&mut *self.out, s);
        crate::escape::json_no_legacy_command_from(self.out, from);
    }

    /// A string that needs no escaping (a static name of the schema:
    /// no quote, backslash or control character), quoted.
    #[inline]
    pub fn plain(&mut self, s: &str) {
        self.out.push(b'"');
        self.out.extend_from_slice(s.as_bytes());
        self.out.push(b'"');
    }

    /// `null`.
    #[inline]
    pub fn null(&mut self) {
        self.out.extend_from_slice(b"null");
    }

    /// `true` or `false`.
    #[inline]
    pub fn bool(&mut self, b: bool) {
        self.out
            .extend_from_slice(if b { b"true" } else { b"false" });
    }

    /// A number, in the digits serde_json writes (through the same
    /// `itoa`).
    pub fn number(&mut self, n: usize) {
        self.out
            .extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Inner {
        name: String,
        empty: Vec<u32>,
        list: Vec<String>,
        none: Option<u32>,
        nested: Vec<Vec<u32>>,
    }

    #[derive(Serialize)]
    struct Whole {
        version: u32,
        text: String,
        items: Vec<Inner>,
        nothing: Vec<Inner>,
        last: Inner,
    }

    fn inner(i: usize) -> Inner {
        Inner {
            name: format!("名前 {i} \u{1}\u{1f}\t\n\"\\ é \u{7f} \u{2028} 特定個人情報"),
            empty: Vec::new(),
            list: (0..i % 3).map(|k| format!("行{k}\r")).collect(),
            none: None,
            nested: vec![vec![], vec![i as u32, 2]],
        }
    }

    fn streamed(whole: &Whole) -> Vec<u8> {
        let mut out = Vec::new();
        let mut o = Object::begin(&mut out, 0).unwrap();
        o.member("version", &whole.version).unwrap();
        o.member("text", &whole.text).unwrap();
        o.array("items", &whole.items, |x| x).unwrap();
        o.array("nothing", &whole.nothing, |x| x).unwrap();
        o.member("last", &whole.last).unwrap();
        o.end().unwrap();
        out
    }

    #[test]
    fn streamed_equals_serde_json_pretty_with_escapes_and_japanese() {
        // More elements than a chunk, so that several threads draw them.
        for n in [0, 1, 2, 5000] {
            let whole = Whole {
                version: 3,
                text: "設計 \u{0}\u{1b}[0m \"q\" \\".to_string(),
                items: (0..n).map(inner).collect(),
                nothing: Vec::new(),
                last: inner(7),
            };
            let expected = serde_json::to_vec_pretty(&whole).unwrap();
            assert_eq!(
                String::from_utf8(streamed(&whole)).unwrap(),
                String::from_utf8(expected).unwrap(),
                "{n} items"
            );
        }
    }

    /// `inner` written by hand, as the inventory's renderer writes its
    /// elements.
    fn by_hand(x: &Inner, p: &mut Pretty) {
        p.begin_object();
        p.key("name");
        p.str(&x.name);
        p.key("empty");
        p.begin_array();
        p.end_array();
        p.key("list");
        p.array_of(&x.list, |p, s| p.str(s));
        p.key("none");
        p.null();
        p.key("nested");
        p.begin_array();
        for v in &x.nested {
            p.element();
            p.begin_array();
            for n in v {
                p.element();
                p.number(*n as usize);
            }
            p.end_array();
        }
        p.end_array();
        p.end_object();
    }

    #[test]
    fn written_by_hand_equals_serde_json_pretty() {
        for n in [0, 1, 2, 5000] {
            let whole = Whole {
                version: 3,
                text: "設計 \u{0}\u{1b}[0m \"q\" \\".to_string(),
                items: (0..n).map(inner).collect(),
                nothing: Vec::new(),
                last: inner(7),
            };
            let mut out = Vec::new();
            let mut o = Object::begin(&mut out, 0).unwrap();
            o.member("version", &whole.version).unwrap();
            o.member("text", &whole.text).unwrap();
            o.array_with("items", &whole.items, by_hand).unwrap();
            o.array_with("nothing", &whole.nothing, by_hand).unwrap();
            o.member("last", &whole.last).unwrap();
            o.end().unwrap();
            assert_eq!(
                String::from_utf8(out).unwrap(),
                String::from_utf8(serde_json::to_vec_pretty(&whole).unwrap()).unwrap(),
                "{n} items"
            );
        }
        for n in [0, 7, 10, 99, 12345, u32::MAX as usize, usize::MAX] {
            let mut out = Vec::new();
            Pretty::at(&mut out, 0).number(n);
            assert_eq!(out, serde_json::to_vec(&n).unwrap());
        }
        let mut out = Vec::new();
        let mut p = Pretty::at(&mut out, 1);
        p.begin_array();
        for b in [true, false] {
            p.element();
            p.bool(b);
        }
        p.element();
        p.plain("self");
        p.element();
        p.raw(b"\"S1\"");
        p.end_array();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "[\n    true,\n    false,\n    \"self\",\n    \"S1\"\n  ]"
        );
    }

    /// A document nested as a SARIF log is (`runs`: one run holding the
    /// long array), written through [`Object::array_of_one`].
    #[test]
    fn an_array_of_one_object_equals_serde_json_pretty() {
        #[derive(Serialize)]
        struct Log {
            version: u32,
            runs: [Whole; 1],
        }
        for n in [0, 1, 5000] {
            let log = Log {
                version: 2,
                runs: [Whole {
                    version: 3,
                    text: "設計 \u{0}\u{1b}[0m \"q\" \\".to_string(),
                    items: (0..n).map(inner).collect(),
                    nothing: Vec::new(),
                    last: inner(7),
                }],
            };
            let run = &log.runs[0];
            let mut out = Vec::new();
            let mut o = Object::begin(&mut out, 0).unwrap();
            o.member("version", &log.version).unwrap();
            o.array_of_one("runs", |r| {
                r.member("version", &run.version)?;
                r.member("text", &run.text)?;
                r.array("items", &run.items, |x| x)?;
                r.array("nothing", &run.nothing, |x| x)?;
                r.member("last", &run.last)
            })
            .unwrap();
            o.end().unwrap();
            assert_eq!(
                String::from_utf8(out).unwrap(),
                String::from_utf8(serde_json::to_vec_pretty(&log).unwrap()).unwrap(),
                "{n} items"
            );
        }
    }

    #[test]
    fn a_document_that_is_an_array_equals_serde_json_pretty() {
        for n in [0, 1, 5000] {
            let items: Vec<Inner> = (0..n).map(inner).collect();
            let mut out = Vec::new();
            array(&mut out, &items, |x| x).unwrap();
            assert_eq!(
                String::from_utf8(out).unwrap(),
                String::from_utf8(serde_json::to_vec_pretty(&items).unwrap()).unwrap(),
                "{n} items"
            );
        }
    }

    #[test]
    fn an_empty_object_is_closed_on_its_line() {
        let mut out = Vec::new();
        Object::begin(&mut out, 3).unwrap().end().unwrap();
        assert_eq!(out, b"{}");
        let mut deep = Vec::new();
        value_at(&mut deep, 2, &serde_json::json!({"a": [1]})).unwrap();
        assert_eq!(
            String::from_utf8(deep).unwrap(),
            "{\n      \"a\": [\n        1\n      ]\n    }"
        );
    }
}
