//! Long output drawn on every core and written in order: the items of a
//! list are drawn chunk by chunk into buffers of their own, a batch of
//! chunks at a time, and the buffers written in the items' order, so the
//! bytes are those of one thread drawing every item in turn and at most one
//! batch of text (a few MB, whatever the items' size) is held at once.

use rayon::prelude::*;
use std::io::{self, Write};

/// Items drawn by one task at most: enough that a task is worth handing
/// to a thread, few enough that both cores get many.
const CHUNK: usize = 1 << 7;

/// Text one task aims to draw: chunks of large items (a system with
/// thousands of movements) hold fewer of them.
const CHUNK_BYTES: usize = 1 << 18;

/// Chunks drawn before their text is written: with [`CHUNK_BYTES`], bounds
/// the text held to a few MB while both cores stay busy.
const BATCH: usize = 16;

/// Writes every item of `items` in order, each drawn by `draw` from its
/// index in `items` onto the end of a buffer.
pub fn write_ordered<'a, T, W, F>(out: &mut W, items: &'a [T], draw: F) -> io::Result<()>
where
    T: Sync,
    W: Write + ?Sized,
    F: Fn(usize, &'a T, &mut Vec<u8>) -> io::Result<()> + Sync,
{
    write_in_chunks(out, items, CHUNK, draw)
}

/// [`write_ordered`] for items drawn as text (with `write!` or
/// `push_str`) onto the end of a `String`.
pub fn write_ordered_text<'a, T, W, F>(out: &mut W, items: &'a [T], draw: F) -> io::Result<()>
where
    T: Sync,
    W: Write + ?Sized,
    F: Fn(usize, &'a T, &mut String) -> io::Result<()> + Sync,
{
    write_in_chunks(out, items, CHUNK, draw)
}

/// A buffer items are drawn onto: bytes or text.
pub trait Buffer: Default + Send {
    /// Empties it, keeping its memory.
    fn clear(&mut self);
    /// What was drawn.
    fn bytes(&self) -> &[u8];
}

impl Buffer for Vec<u8> {
    fn clear(&mut self) {
        Vec::clear(self);
    }
    fn bytes(&self) -> &[u8] {
        self
    }
}

impl Buffer for String {
    fn clear(&mut self) {
        String::clear(self);
    }
    fn bytes(&self) -> &[u8] {
        self.as_bytes()
    }
}

/// [`write_ordered`] with chunks of at most `chunk` items (tests use
/// small ones).
fn write_in_chunks<'a, T, W, B, F>(
    out: &mut W,
    items: &'a [T],
    chunk: usize,
    draw: F,
) -> io::Result<()>
where
    T: Sync,
    W: Write + ?Sized,
    B: Buffer,
    F: Fn(usize, &'a T, &mut B) -> io::Result<()> + Sync,
{
    let chunk = chunk.max(1);
    // A short list is drawn here, item by item: no thread is worth waking
    // for it, and no more than one item's text is held.
    if items.len() <= chunk {
        let mut buf = B::default();
        for (i, item) in items.iter().enumerate() {
            buf.clear();
            draw(i, item, &mut buf)?;
            out.write_all(buf.bytes())?;
        }
        return Ok(());
    }
    // The batch's buffers are kept from batch to batch: a fresh buffer per
    // chunk, grown by doubling and freed after writing, had the allocator
    // hand pages back and the kernel zero new ones for every batch (a
    // third of `graph`'s samples at a million flows).
    let mut buffers: Vec<B> = Vec::new();
    // The first batch learns the items' size: one item a chunk.
    let mut per_chunk = 1;
    let mut start = 0;
    while start < items.len() {
        let end = items.len().min(start + per_chunk * BATCH);
        let part = &items[start..end];
        let chunks = part.len().div_ceil(per_chunk);
        if buffers.len() < chunks {
            buffers.resize_with(chunks, B::default);
        }
        let texts = &mut buffers[..chunks];
        texts
            .par_iter_mut()
            .zip(part.par_chunks(per_chunk))
            .with_max_len(1)
            .enumerate()
            .try_for_each(|(c, (buf, items))| -> io::Result<()> {
                buf.clear();
                let first = start + c * per_chunk;
                for (i, item) in items.iter().enumerate() {
                    draw(first + i, item, buf)?;
                }
                Ok(())
            })?;
        let mut bytes = 0;
        for text in texts.iter() {
            bytes += text.bytes().len();
            out.write_all(text.bytes())?;
        }
        let average = (bytes / part.len()).max(1);
        per_chunk = (CHUNK_BYTES / average).clamp(1, chunk);
        start = end;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draw(i: usize, item: &u32, buf: &mut Vec<u8>) -> io::Result<()> {
        writeln!(buf, "{i}:{item}")
    }

    #[test]
    fn chunks_are_written_in_the_items_order_with_their_indexes() {
        let items: Vec<u32> = (0..1000).map(|i| i * 7 % 13).collect();
        let mut one = Vec::new();
        for (i, item) in items.iter().enumerate() {
            draw(i, item, &mut one).unwrap();
        }
        for chunk in [1, 2, 3, 7, 64, 999, 1000, 5000] {
            let mut out = Vec::new();
            write_in_chunks(&mut out, &items, chunk, draw).unwrap();
            assert_eq!(out, one, "chunks of {chunk}");
        }
        let mut out = Vec::new();
        write_ordered(&mut out, &items, draw).unwrap();
        assert_eq!(out, one);
    }

    #[test]
    fn text_buffers_write_what_byte_buffers_do() {
        let items: Vec<u32> = (0..5000).map(|i| i * 7 % 13).collect();
        let mut bytes = Vec::new();
        write_ordered(&mut bytes, &items, draw).unwrap();
        let mut text = Vec::new();
        write_ordered_text(&mut text, &items, |i, item, buf| {
            use std::fmt::Write as _;
            writeln!(buf, "{i}:{item}").map_err(io::Error::other)
        })
        .unwrap();
        assert_eq!(text, bytes);
    }

    #[test]
    fn an_empty_list_writes_nothing() {
        let mut out = Vec::new();
        write_ordered(&mut out, &[] as &[u32], draw).unwrap();
        assert!(out.is_empty());
    }

    #[test]
    fn an_error_of_any_item_is_returned() {
        let items: Vec<u32> = (0..100).collect();
        let mut out = Vec::new();
        let r = write_in_chunks(&mut out, &items, 3, |i, _, _: &mut Vec<u8>| {
            if i == 50 {
                Err(io::Error::other("item 50"))
            } else {
                Ok(())
            }
        });
        assert_eq!(r.map_err(|e| e.to_string()), Err("item 50".to_string()));
    }
}
