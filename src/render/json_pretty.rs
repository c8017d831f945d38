//! serde_json's pretty layout (two spaces a level) from any depth, so that
//! a document's long arrays can be drawn element by element on every core
//! ([`super::chunked`]) and still give the bytes
//! `serde_json::to_writer_pretty` gives for the whole document. Strings
//! are escaped by serde_json itself.

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

    /// A member whose value is the array of `items`, each drawn by `draw`
    /// (as a value that serializes to the element) on every core, in
    /// order.
    pub fn array<'a, T, V, F>(&mut self, key: &str, items: &'a [T], draw: F) -> io::Result<()>
    where
        T: Sync,
        V: Serialize,
        F: Fn(&'a T) -> V + Sync,
    {
        self.key(key)?;
        if items.is_empty() {
            return self.out.write_all(b"[]");
        }
        self.out.write_all(b"[")?;
        let level = self.level + 2;
        write_ordered(self.out, items, |i, item, buf| {
            buf.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
            indent(buf, level)?;
            value_at(buf, level, &draw(item))
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
