//! Long output drawn on every core and written in order: the items of a
//! list are drawn chunk by chunk into buffers of their own, a batch of
//! chunks at a time, and the buffers written in the items' order, so the
//! bytes are those of one thread drawing every item in turn and at most one
//! batch of text (a few MB, whatever the items' size) is held at once.

use rayon::prelude::*;
use std::io::{self, Write};
use std::sync::mpsc;

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
    // Inside the pool (a file rendered as one task of many) the calling
    // thread must not block on anything but rayon's own work: it draws and
    // writes each batch in turn.
    if rayon::current_thread_index().is_some() {
        return drawn_in_turn(out, items, chunk, &draw);
    }
    // Otherwise a drawing thread draws the next batch on every core while
    // this one writes the last: into a pipe, the writes wait on the reader
    // for about as long as the drawing takes, and drawn and written in turn
    // left a core idle for both (`inventory --format json` of a million
    // flows into `wc -c`: 1.39 CPUs used). Two sets of buffers go back and
    // forth, so at most two batches are held; `out` stays on this thread
    // (standard output's lock may not move).
    let (empty_to_drawer, empty) = mpsc::sync_channel::<Vec<B>>(2);
    let (filled_to_writer, filled) = mpsc::sync_channel::<io::Result<(Vec<B>, usize)>>(1);
    std::thread::scope(|scope| {
        let draw = &draw;
        let drawer = std::thread::Builder::new().spawn_scoped(scope, move || {
            let mut batches = Batches::new(items, chunk);
            // Each receive waits for a set the writer is done with; it
            // fails once the writer has stopped (an error), and so ends
            // the drawing.
            while let Ok(mut buffers) = empty.recv() {
                let drawn = match batches.draw_next(&mut buffers, draw) {
                    Ok(Some(chunks)) => Ok((buffers, chunks)),
                    Ok(None) => return,
                    Err(e) => Err(e),
                };
                let failed = drawn.is_err();
                if filled_to_writer.send(drawn).is_err() || failed {
                    return;
                }
            }
        });
        // No thread to be had (a limit on processes): drawn and written in
        // turn, never a panic.
        if drawer.is_err() {
            return drawn_in_turn(out, items, chunk, draw);
        }
        // This thread's ends move here, so that returning early (an
        // error) or unwinding drops them, which ends the drawer: the scope
        // would otherwise wait for it for ever.
        let (empty_to_drawer, filled) = (empty_to_drawer, filled);
        for _ in 0..2 {
            // The drawer holds the receiver until it ends; a set it cannot
            // take is not needed.
            let _ = empty_to_drawer.send(Vec::new());
        }
        // Ends when the drawer has drawn every batch (its sender dropped).
        while let Ok(drawn) = filled.recv() {
            let (buffers, chunks) = drawn?;
            write_batch(out, &buffers[..chunks])?;
            let _ = empty_to_drawer.send(buffers);
        }
        Ok(())
    })
}

/// Draws each batch on every core and writes it, in turn, on this thread.
fn drawn_in_turn<'a, T, W, B, F>(
    out: &mut W,
    items: &'a [T],
    chunk: usize,
    draw: &F,
) -> io::Result<()>
where
    T: Sync,
    W: Write + ?Sized,
    B: Buffer,
    F: Fn(usize, &'a T, &mut B) -> io::Result<()> + Sync,
{
    let mut batches = Batches::new(items, chunk);
    let mut buffers = Vec::new();
    while let Some(chunks) = batches.draw_next(&mut buffers, draw)? {
        write_batch(out, &buffers[..chunks])?;
    }
    Ok(())
}

/// Writes a batch's texts in order.
fn write_batch<W: Write + ?Sized, B: Buffer>(out: &mut W, texts: &[B]) -> io::Result<()> {
    for text in texts {
        out.write_all(text.bytes())?;
    }
    Ok(())
}

/// The batches of a list, drawn one after another, each chunk of one on
/// whichever core takes it.
struct Batches<'a, T> {
    items: &'a [T],
    /// The largest chunk allowed.
    chunk: usize,
    /// Items a chunk of the next batch holds: the first batch learns the
    /// items' size with one item a chunk.
    per_chunk: usize,
    /// The first item of the next batch.
    start: usize,
}

impl<'a, T: Sync> Batches<'a, T> {
    fn new(items: &'a [T], chunk: usize) -> Self {
        Batches {
            items,
            chunk,
            per_chunk: 1,
            start: 0,
        }
    }

    /// Draws the next batch into the first of `buffers` (grown as needed;
    /// a batch's buffers are kept from batch to batch: a fresh buffer per
    /// chunk, grown by doubling and freed after writing, had the allocator
    /// hand pages back and the kernel zero new ones for every batch, a
    /// third of `graph`'s samples at a million flows), and gives how many
    /// it filled; `None` once every item is drawn.
    fn draw_next<B, F>(&mut self, buffers: &mut Vec<B>, draw: &F) -> io::Result<Option<usize>>
    where
        B: Buffer,
        F: Fn(usize, &'a T, &mut B) -> io::Result<()> + Sync,
    {
        let start = self.start;
        if start >= self.items.len() {
            return Ok(None);
        }
        let per_chunk = self.per_chunk;
        let end = self.items.len().min(start + per_chunk * BATCH);
        let part = &self.items[start..end];
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
        let bytes: usize = texts.iter().map(|t| t.bytes().len()).sum();
        let average = (bytes / part.len()).max(1);
        self.per_chunk = (CHUNK_BYTES / average).clamp(1, self.chunk);
        self.start = end;
        Ok(Some(chunks))
    }
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
    fn drawn_inside_the_pool_writes_what_drawn_outside_does() {
        let items: Vec<u32> = (0..3000).map(|i| i * 7 % 13).collect();
        let mut one = Vec::new();
        for (i, item) in items.iter().enumerate() {
            draw(i, item, &mut one).unwrap();
        }
        // One thread: a caller that waited on a drawing thread would wait
        // for a pool with no thread left to draw.
        for threads in [1, 2] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            for chunk in [1, 5, 128] {
                let mut out = Vec::new();
                pool.install(|| write_in_chunks(&mut out, &items, chunk, draw))
                    .unwrap();
                assert_eq!(out, one, "{threads} threads, chunks of {chunk}");
            }
        }
    }

    /// Fails every write after the first `ok` bytes.
    struct Closing {
        ok: usize,
        written: Vec<u8>,
    }

    impl Write for Closing {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.written.len() >= self.ok {
                return Err(io::Error::from(io::ErrorKind::BrokenPipe));
            }
            let n = buf.len().min(self.ok - self.written.len());
            self.written.extend_from_slice(&buf[..n]);
            Ok(n)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_failed_write_stops_the_drawing_and_is_returned() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let items: Vec<u32> = (0..100_000).collect();
        let drawn = AtomicUsize::new(0);
        let mut out = Closing {
            ok: 100,
            written: Vec::new(),
        };
        let r = write_in_chunks(&mut out, &items, 1, |i, item, buf: &mut Vec<u8>| {
            drawn.fetch_add(1, Ordering::Relaxed);
            draw(i, item, buf)
        });
        assert_eq!(r.map_err(|e| e.kind()), Err(io::ErrorKind::BrokenPipe));
        assert_eq!(out.written.len(), 100);
        // Batches of 16 one-item chunks: the one written, the one drawn
        // beside it, and one more the drawer may have begun.
        let drawn = drawn.load(Ordering::Relaxed);
        assert!(
            drawn <= 3 * BATCH,
            "{drawn} items drawn after the write failed"
        );
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
