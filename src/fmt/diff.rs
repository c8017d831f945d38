//! The unified diff `fmt --check` prints, in time linear in the file.
//!
//! A general line diff (Myers) takes time N·D, quadratic when most lines
//! change, as they do when a large generated file is formatted for the
//! first time. The formatter keeps the order of statements and knows where
//! each of its lines came from ([`super::Formatted::anchors`]), so the two
//! texts are cut at those anchors into aligned chunks: a statement, or a
//! comment, with the blank lines after it. An identical chunk is context.
//! A run of changed chunks is diffed with Myers when it is short
//! ([`Limits::region`] lines), otherwise chunk by chunk; a chunk longer
//! than that is its common first and last lines around one replacement.
//! Every Myers call is bounded, so the time is linear on every input, and
//! the output depends on the texts alone (no deadline, no timing). A small
//! file ([`Limits::whole`] lines) is diffed whole, so its diff is exactly
//! what `similar::TextDiff::from_lines` gives; the hunks (context, headers,
//! `\ No newline at end of file`) are written as `similar` writes them.

use rayon::prelude::*;
use similar::{Algorithm, ChangeTag, DiffOp, capture_diff};
use std::fmt::Write;
use std::ops::Range;

/// Where the diff stops being one Myers call: the bounds that make it
/// linear.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// A file of at most this many lines (old and new together) is diffed
    /// whole: at most `whole²` steps, once.
    pub whole: usize,
    /// A run of changed chunks of at most this many lines is diffed as
    /// one: at most `region` steps per line of the file.
    pub region: usize,
}

impl Limits {
    /// The limits `fmt --check` uses: any file up to a few thousand lines
    /// gets the same diff as before the formatter gave anchors.
    pub const DEFAULT: Limits = Limits {
        whole: 4000,
        region: 200,
    };
}

/// The unified diff from `old` to `new` with `radius` lines of context,
/// headed `--- name` / `+++ name` (empty when they are equal). `anchors`
/// are pairs of byte offsets (in `old`, in `new`) where the same statement
/// starts; offsets that are not at the start of a line (after blanks), or
/// out of order, are skipped, so any anchors give a correct diff.
pub fn unified(
    name: &str,
    old: &str,
    new: &str,
    anchors: &[(usize, usize)],
    radius: usize,
) -> String {
    unified_with(Limits::DEFAULT, name, old, new, anchors, radius)
}

/// [`unified`] with explicit [`Limits`].
pub fn unified_with(
    limits: Limits,
    name: &str,
    old: &str,
    new: &str,
    anchors: &[(usize, usize)],
    radius: usize,
) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = write_unified(&mut out, limits, name, old, new, anchors, radius);
    out
}

/// [`unified_with`], written to `out` as it is made (a large file's diff
/// is never held whole).
pub fn write_unified(
    out: &mut impl Write,
    limits: Limits,
    name: &str,
    old: &str,
    new: &str,
    anchors: &[(usize, usize)],
    radius: usize,
) -> std::fmt::Result {
    // The two texts' lines, side by side on two cores.
    let (a, b) = rayon::join(|| lines_of(old), || lines_of(new));
    let ops = if a.len() + b.len() <= limits.whole {
        capture_diff(Algorithm::Myers, &a[..], 0..a.len(), &b[..], 0..b.len())
    } else {
        let cuts = cuts(old, &a, new, &b, anchors);
        Differ {
            a: &a,
            b: &b,
            region: limits.region,
            ops: Vec::new(),
        }
        .run(&cuts)
    };
    write_hunks(out, name, &a, &b, ops, radius)
}

/// The lines of `text`, each with its line break (`\n`, `\r\n` or a
/// lone `\r`), as `similar`'s `tokenize_lines` cuts them, found a byte
/// search at a time instead of a character at a time.
fn lines_of(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut lines = Vec::with_capacity(memchr::memchr_iter(b'\n', bytes).count() + 1);
    let mut last = 0;
    for at in memchr::memchr2_iter(b'\n', b'\r', bytes) {
        if at < last {
            // The `\n` of a `\r\n` already taken.
            continue;
        }
        let end = if bytes.get(at..at + 2) == Some(b"\r\n") {
            at + 2
        } else {
            at + 1
        };
        // Line breaks are ASCII: the cuts are character boundaries.
        lines.extend(text.get(last..end));
        last = end;
    }
    if last < text.len() {
        lines.extend(text.get(last..));
    }
    lines
}

/// Finds the line a byte offset is on, for offsets that mostly go
/// forward (the anchors): from where the last search ended, in steps that
/// double, so a walk through the file costs about a step an anchor
/// instead of a binary search over every line.
struct LineFinder<'a> {
    text: &'a str,
    lines: &'a [&'a str],
    /// How many lines start at or before the last offset searched.
    hint: usize,
}

impl<'a> LineFinder<'a> {
    fn new(text: &'a str, lines: &'a [&'a str]) -> Self {
        LineFinder {
            text,
            lines,
            hint: 0,
        }
    }

    /// Where `line` (a slice of the text) starts in it.
    fn offset(&self, line: &str) -> usize {
        line.as_ptr() as usize - self.text.as_ptr() as usize
    }

    /// Where line `k` starts in the text.
    fn start(&self, k: usize) -> usize {
        self.lines.get(k).map_or(usize::MAX, |l| self.offset(l))
    }

    /// How many of the lines `range` start at or before byte `at`.
    fn count_up_to(&self, range: Range<usize>, at: usize) -> usize {
        self.lines
            .get(range)
            .map_or(0, |ls| ls.partition_point(|l| self.offset(l) <= at))
    }

    /// How many lines start at or before byte `at`.
    fn lines_up_to(&mut self, at: usize) -> usize {
        let n = self.lines.len();
        let h = self.hint.min(n);
        let found = if h > 0 && self.start(h - 1) > at {
            // Backwards: a plain binary search before the hint.
            self.count_up_to(0..h - 1, at)
        } else {
            // Every line before `lo` starts at or before `at`; the line at
            // `hi` (or the end) after it.
            let mut lo = h;
            let mut step = 1;
            let hi = loop {
                let probe = lo + step - 1;
                if probe >= n {
                    break n;
                }
                if self.start(probe) > at {
                    break probe;
                }
                lo = probe + 1;
                step *= 2;
            };
            lo + self.count_up_to(lo..hi, at)
        };
        self.hint = found;
        found
    }

    /// The line that byte `at` starts, blanks before it aside; `None` when
    /// something else comes first on that line.
    fn line_of(&mut self, at: usize) -> Option<usize> {
        let i = self.lines_up_to(at).checked_sub(1)?;
        let before = self.text.get(self.start(i)..at)?;
        before.chars().all(char::is_whitespace).then_some(i)
    }
}

/// The cut points (old line, new line), from (0, 0) to the two ends,
/// never decreasing on either side.
fn cuts(
    old: &str,
    a: &[&str],
    new: &str,
    b: &[&str],
    anchors: &[(usize, usize)],
) -> Vec<(usize, usize)> {
    let (mut in_old, mut in_new) = (LineFinder::new(old, a), LineFinder::new(new, b));
    let mut cuts = Vec::with_capacity(anchors.len() + 2);
    cuts.push((0, 0));
    for &(x, y) in anchors {
        let (Some(i), Some(j)) = (in_old.line_of(x), in_new.line_of(y)) else {
            continue;
        };
        let last = cuts[cuts.len() - 1];
        if i >= last.0 && j >= last.1 && (i, j) != last {
            cuts.push((i, j));
        }
    }
    cuts.push((a.len(), b.len()));
    cuts
}

/// Builds the edit script chunk by chunk.
struct Differ<'a> {
    a: &'a [&'a str],
    b: &'a [&'a str],
    region: usize,
    ops: Vec<DiffOp>,
}

impl Differ<'_> {
    fn run(mut self, cuts: &[(usize, usize)]) -> Vec<DiffOp> {
        // Chunk `k` is the lines between cuts `k` and `k + 1`, read from
        // the cuts as needed rather than listed (a million of them).
        let chunk = |k: usize| (cuts[k].0..cuts[k + 1].0, cuts[k].1..cuts[k + 1].1);
        // Comparing the chunks reads both texts: on every core.
        let (a, b) = (self.a, self.b);
        let same: Vec<bool> = cuts
            .par_windows(2)
            .map(|w| a[w[0].0..w[1].0] == b[w[0].1..w[1].1])
            .collect();
        let mut k = 0;
        while k < same.len() {
            if same[k] {
                let (x, y) = chunk(k);
                self.push(DiffOp::Equal {
                    old_index: x.start,
                    new_index: y.start,
                    len: x.len(),
                });
                k += 1;
                continue;
            }
            let first = k;
            let mut size = 0;
            while k < same.len() && !same[k] {
                let (x, y) = chunk(k);
                size += x.len() + y.len();
                k += 1;
            }
            if size <= self.region {
                self.myers(cuts[first].0..cuts[k].0, cuts[first].1..cuts[k].1);
            } else {
                for (x, y) in (first..k).map(chunk) {
                    if x.len() + y.len() <= self.region {
                        self.myers(x, y);
                    } else {
                        self.replace(x, y);
                    }
                }
            }
        }
        self.ops
    }

    /// Appends an operation, joining it to an equal run before it (the
    /// grouping into hunks counts the length of each equal run).
    fn push(&mut self, op: DiffOp) {
        if let (Some(DiffOp::Equal { len: before, .. }), DiffOp::Equal { len, .. }) =
            (self.ops.last_mut(), op)
        {
            *before += len;
            return;
        }
        let empty = match op {
            DiffOp::Equal { len, .. } => len == 0,
            DiffOp::Delete { old_len, .. } => old_len == 0,
            DiffOp::Insert { new_len, .. } => new_len == 0,
            DiffOp::Replace { .. } => false,
        };
        if !empty {
            self.ops.push(op);
        }
    }

    fn myers(&mut self, x: Range<usize>, y: Range<usize>) {
        for op in capture_diff(Algorithm::Myers, self.a, x, self.b, y) {
            self.push(op);
        }
    }

    /// A chunk too long for Myers: the equal lines at both ends, and the
    /// rest replaced.
    fn replace(&mut self, mut x: Range<usize>, mut y: Range<usize>) {
        let head = self.a[x.clone()]
            .iter()
            .zip(&self.b[y.clone()])
            .take_while(|(p, q)| p == q)
            .count();
        self.push(DiffOp::Equal {
            old_index: x.start,
            new_index: y.start,
            len: head,
        });
        x.start += head;
        y.start += head;
        let tail = self.a[x.clone()]
            .iter()
            .rev()
            .zip(self.b[y.clone()].iter().rev())
            .take_while(|(p, q)| p == q)
            .count();
        x.end -= tail;
        y.end -= tail;
        let (old_index, new_index) = (x.start, y.start);
        self.push(match (x.len(), y.len()) {
            (0, new_len) => DiffOp::Insert {
                old_index,
                new_index,
                new_len,
            },
            (old_len, 0) => DiffOp::Delete {
                old_index,
                old_len,
                new_index,
            },
            (old_len, new_len) => DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            },
        });
        self.push(DiffOp::Equal {
            old_index: x.end,
            new_index: y.end,
            len: tail,
        });
    }
}

/// The hunks of `ops`, written as `similar`'s unified diff writes them.
fn write_hunks(
    out: &mut impl Write,
    name: &str,
    a: &[&str],
    b: &[&str],
    ops: Vec<DiffOp>,
    radius: usize,
) -> std::fmt::Result {
    let mut first = true;
    for_each_group(ops, radius, |group| {
        if group.is_empty() {
            return Ok(());
        }
        if std::mem::take(&mut first) {
            writeln!(out, "--- {name}\n+++ {name}")?;
        }
        write_hunk_header(out, group)?;
        for op in group {
            for change in op.iter_changes(a, b) {
                // What `write!(out, "{}{}", tag, value)` writes, without
                // the formatting machinery a line.
                out.write_char(match change.tag() {
                    ChangeTag::Equal => ' ',
                    ChangeTag::Delete => '-',
                    ChangeTag::Insert => '+',
                })?;
                // A line of the design: a runner reads `##[` anywhere in
                // a line of its log.
                out.write_str(&crate::escape::no_legacy_command(change.value()))?;
                if change.missing_newline() {
                    out.write_str("\n\\ No newline at end of file\n")?;
                }
            }
        }
        Ok(())
    })
}

/// The `@@ -a,b +c,d @@` line of a hunk, from the lines its ops hold.
/// `similar`'s `UnifiedHunkHeader` takes the old range's end from the
/// last op's old index, which its Myers diff can leave before the end
/// (a changed line that becomes its neighbour: Delete, Equal, Insert with
/// the Insert's old index before the Equal); the header then counted one
/// old line too few and `patch` refused the hunk (fix audit D6).
fn write_hunk_header(out: &mut impl Write, group: &[DiffOp]) -> std::fmt::Result {
    let Some(first) = group.first() else {
        return Ok(());
    };
    let (old_len, new_len) = group.iter().fold((0, 0), |(o, n), op| {
        (o + op.old_range().len(), n + op.new_range().len())
    });
    // As `similar` writes a range: `start` alone for one line; an empty
    // range names the line before it.
    let range = |start: usize, len: usize| match len {
        1 => format!("{}", start + 1),
        0 => format!("{start},0"),
        _ => format!("{},{len}", start + 1),
    };
    writeln!(
        out,
        "@@ -{} +{} @@",
        range(first.old_range().start, old_len),
        range(first.new_range().start, new_len)
    )
}

/// Calls `f` with each group of `ops` that `similar::group_diff_ops`
/// gives (the same groups, in order), one at a time: a large diff's
/// groups are never all held at once.
fn for_each_group(
    ops: Vec<DiffOp>,
    n: usize,
    mut f: impl FnMut(&[DiffOp]) -> std::fmt::Result,
) -> std::fmt::Result {
    let count = ops.len();
    let mut group = Vec::new();
    for (i, mut op) in ops.into_iter().enumerate() {
        // The context before the first change and after the last one is
        // cut to `n` lines.
        if i == 0
            && let DiffOp::Equal {
                old_index,
                new_index,
                len,
            } = &mut op
        {
            let offset = (*len).saturating_sub(n);
            *old_index += offset;
            *new_index += offset;
            *len -= offset;
        }
        if i + 1 == count
            && let DiffOp::Equal { len, .. } = &mut op
        {
            *len -= (*len).saturating_sub(n);
        }
        match op {
            // A long run of equal lines ends a group and starts the next.
            DiffOp::Equal {
                old_index,
                new_index,
                len,
            } if len > n * 2 => {
                group.push(DiffOp::Equal {
                    old_index,
                    new_index,
                    len: n,
                });
                f(&group)?;
                group.clear();
                let offset = len.saturating_sub(n);
                group.push(DiffOp::Equal {
                    old_index: old_index + offset,
                    new_index: new_index + offset,
                    len: len - offset,
                });
            }
            op => group.push(op),
        }
    }
    match group[..] {
        [] | [DiffOp::Equal { .. }] => Ok(()),
        _ => f(&group),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `fmt --check` printed before it had anchors.
    fn reference(old: &str, new: &str) -> String {
        similar::TextDiff::from_lines(old, new)
            .unified_diff()
            .context_radius(2)
            .header("f", "f")
            .to_string()
    }

    /// Chunk by chunk whatever the size.
    const TINY: Limits = Limits {
        whole: 0,
        region: 0,
    };

    fn formatted(src: &str) -> crate::fmt::Formatted {
        crate::fmt::format_with_anchors(src).unwrap()
    }

    #[test]
    fn unchanged_is_empty() {
        let src = "use \"kenpo\"\nactor A : 組合\n";
        let f = formatted(src);
        assert_eq!(f.text, src);
        assert_eq!(unified("f", src, &f.text, &f.anchors, 2), "");
        assert_eq!(unified_with(TINY, "f", src, &f.text, &f.anchors, 2), "");
    }

    /// Each hunk's header counts the lines the hunk holds: a changed line
    /// that becomes the line after it made `similar`'s Myers ops end with
    /// an insertion whose old index is before the equal line, and its
    /// header one old line short (fix audit D6: `patch` refused it).
    #[test]
    fn a_changed_line_that_becomes_its_neighbour_gets_a_whole_header() {
        let old = "u\na\nx :  y\nx : y\n";
        let new = "u\na\nx : y\nx : y\n";
        let d = unified("f", old, new, &[], 2);
        let mut lines = d.lines().skip(2);
        let header = lines.next().unwrap();
        let body: Vec<&str> = lines.collect();
        let count = |tags: &[char]| {
            (body.iter())
                .filter(|l| l.chars().next().is_some_and(|c| tags.contains(&c)))
                .count()
        };
        let (old_n, new_n) = (count(&[' ', '-']), count(&[' ', '+']));
        assert_eq!(header, format!("@@ -1,{old_n} +1,{new_n} @@"), "{d}");
        assert_eq!((old_n, new_n), (4, 4), "{d}");
        // Applied, the hunk gives the new text.
        let applied: String = (body.iter())
            .filter(|l| !l.starts_with('-'))
            .map(|l| format!("{}\n", &l[1..]))
            .collect();
        assert_eq!(applied, new);
        // One line, and none, are written as `similar` writes them.
        assert!(unified("f", "a\n", "b\n", &[], 2).contains("@@ -1 +1 @@"));
        assert!(unified("f", "", "b\n", &[], 2).contains("@@ -0,0 +1 @@"));
    }

    #[test]
    fn small_files_diff_as_before() {
        let src = "use \"kenpo\"\nactor A:組合\nactor 長い名前 : 組合\n\n\n\nflow A->長い名前：X，Y for P\nflow A -> 長い名前 : X for P\n";
        let f = formatted(src);
        let d = unified("f", src, &f.text, &f.anchors, 2);
        assert_eq!(d, reference(src, &f.text));
        assert_eq!(
            d,
            "--- f\n+++ f\n@@ -1,8 +1,6 @@\n use \"kenpo\"\n-actor A:組合\n+actor A        : 組合\n actor 長い名前 : 組合\n \n-\n-\n-flow A->長い名前：X，Y for P\n+flow A -> 長い名前 : X, Y for P\n flow A -> 長い名前 : X for P\n"
        );
    }

    #[test]
    fn one_statement_changed_chunk_by_chunk() {
        let mut src = String::from("use \"kenpo\"\n");
        for i in 0..10 {
            src.push_str(&format!("flow A -> B : X{i} for P\n"));
        }
        let src = src.replace("X5 for", "X5  for");
        let f = formatted(&src);
        let d = unified_with(TINY, "f", &src, &f.text, &f.anchors, 2);
        assert_eq!(d, reference(&src, &f.text));
        assert_eq!(
            d,
            "--- f\n+++ f\n@@ -5,5 +5,5 @@\n flow A -> B : X3 for P\n flow A -> B : X4 for P\n-flow A -> B : X5  for P\n+flow A -> B : X5 for P\n flow A -> B : X6 for P\n flow A -> B : X7 for P\n"
        );
    }

    #[test]
    fn all_changed_chunk_by_chunk_alternates() {
        let src = "flow A->B:X for P\nflow A->B:Y for P\nflow A->B:Z for P\n";
        let f = formatted(src);
        // Myers over the whole file: all removed, then all added.
        assert_eq!(
            unified("f", src, &f.text, &f.anchors, 2),
            "--- f\n+++ f\n@@ -1,3 +1,3 @@\n-flow A->B:X for P\n-flow A->B:Y for P\n-flow A->B:Z for P\n+flow A -> B : X for P\n+flow A -> B : Y for P\n+flow A -> B : Z for P\n"
        );
        // A short run of changed statements is still diffed as one.
        let short = Limits {
            whole: 0,
            region: 6,
        };
        assert_eq!(
            unified_with(short, "f", src, &f.text, &f.anchors, 2),
            unified("f", src, &f.text, &f.anchors, 2)
        );
        // Statement by statement: each one removed and added in turn.
        assert_eq!(
            unified_with(TINY, "f", src, &f.text, &f.anchors, 2),
            "--- f\n+++ f\n@@ -1,3 +1,3 @@\n-flow A->B:X for P\n+flow A -> B : X for P\n-flow A->B:Y for P\n+flow A -> B : Y for P\n-flow A->B:Z for P\n+flow A -> B : Z for P\n"
        );
    }

    #[test]
    fn comment_lines_and_blank_lines_chunk_by_chunk() {
        // Blank lines fold to one; an own-line comment is its own chunk.
        let src = "actor A : 組合\n\n\n\n# one\n#two   \nactor B : 組合\nflow A -> B : X for P\n";
        let f = formatted(src);
        assert_eq!(
            f.text,
            "actor A : 組合\n\n# one\n#two\nactor B : 組合\nflow A -> B : X for P\n"
        );
        let d = unified_with(TINY, "f", src, &f.text, &f.anchors, 2);
        assert_eq!(d, reference(src, &f.text));
        assert_eq!(
            d,
            "--- f\n+++ f\n@@ -1,8 +1,6 @@\n actor A : 組合\n \n-\n-\n # one\n-#two   \n+#two\n actor B : 組合\n flow A -> B : X for P\n"
        );
    }

    #[test]
    fn pure_insertions_and_deletions() {
        // Anchors given by hand (`c` is line 3 of the old text, line 2 of
        // the new one): a line dropped, a line added at the end.
        let old = "a\nb\nc\n";
        let new = "a\nc\nd\n";
        let d = unified_with(TINY, "f", old, new, &[(4, 2)], 2);
        assert_eq!(d, "--- f\n+++ f\n@@ -1,3 +1,3 @@\n a\n-b\n c\n+d\n");
        assert_eq!(d, reference(old, new));
    }

    #[test]
    fn bad_anchors_still_give_a_correct_diff() {
        let old = "a\nb\nc\n";
        let new = "a\nB\nc\n";
        let want = reference(old, new);
        for anchors in [
            vec![],
            vec![(1, 1)],                 // not at a line start
            vec![(4, 2), (2, 4)],         // out of order
            vec![(100, 100), (2, 2)],     // past the end
            vec![(0, 0), (0, 0), (6, 6)], // repeated, and at the end
        ] {
            assert_eq!(
                unified_with(TINY, "f", old, new, &anchors, 2),
                want,
                "{anchors:?}"
            );
        }
    }

    #[test]
    fn long_chunks_are_replaced_between_equal_ends() {
        let old = "a\nb\nc\nd\n";
        let new = "a\nB\nC\nd\n";
        assert_eq!(
            unified_with(TINY, "f", old, new, &[], 2),
            "--- f\n+++ f\n@@ -1,4 +1,4 @@\n a\n-b\n-c\n+B\n+C\n d\n"
        );
        assert_eq!(
            unified_with(TINY, "f", "a\n", "a\nb\n", &[], 2),
            "--- f\n+++ f\n@@ -1 +1,2 @@\n a\n+b\n"
        );
    }

    /// Texts with every kind of line break and line: LF, CRLF, lone CR,
    /// blank lines, no final break, Japanese, full-width, combining
    /// marks and emoji.
    fn texts() -> Vec<String> {
        let pieces = [
            "",
            "\n",
            "\r",
            "\r\n",
            "\n\r",
            "a",
            "  ",
            "組合",
            "：",
            "e\u{301}",
            "👍🏽",
            "\u{3000}",
            "\t",
            "flow A -> B : X",
        ];
        let mut all = Vec::new();
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    all.push(format!("{a}{b}{c}"));
                }
            }
        }
        all
    }

    #[test]
    fn lines_are_cut_as_similar_cuts_them() {
        use similar::DiffableStr;
        for t in texts() {
            assert_eq!(lines_of(&t), t.tokenize_lines(), "{t:?}");
        }
    }

    /// The line search [`LineFinder`] replaced: a binary search a call.
    fn line_of_by_search(text: &str, lines: &[&str], at: usize) -> Option<usize> {
        let mut starts = Vec::new();
        let mut s = 0;
        for l in lines {
            starts.push(s);
            s += l.len();
        }
        let i = starts.partition_point(|&s| s <= at).checked_sub(1)?;
        let before = text.get(starts[i]..at)?;
        before.chars().all(char::is_whitespace).then_some(i)
    }

    #[test]
    fn walking_forward_finds_the_lines_a_search_finds() {
        let mut many = String::new();
        for i in 0..200 {
            many.push_str(["a\n", "  b\r\n", "\n", "組合 x\r", "👍\n"][i % 5]);
        }
        let mut all = texts();
        all.push(many);
        for t in &all {
            let lines = lines_of(t);
            let want: Vec<Option<usize>> = (0..t.len() + 3)
                .map(|at| line_of_by_search(t, &lines, at))
                .collect();
            // Forward, backward, and jumping about: any order.
            let n = t.len() + 3;
            let orders: [Vec<usize>; 4] = [
                (0..n).collect(),
                (0..n).rev().collect(),
                (0..n).map(|i| (i * 7919) % n).collect(),
                (0..n).step_by(13).chain((0..n).step_by(5)).collect(),
            ];
            for order in orders {
                let mut finder = LineFinder::new(t, &lines);
                for at in order {
                    assert_eq!(finder.line_of(at), want[at], "{t:?} at {at}");
                }
            }
        }
    }

    /// `similar`'s grouping, through [`for_each_group`].
    fn groups(ops: Vec<DiffOp>, n: usize) -> Vec<Vec<DiffOp>> {
        let mut all = Vec::new();
        let done = for_each_group(ops, n, |g| {
            all.push(g.to_vec());
            Ok(())
        });
        assert!(done.is_ok());
        all
    }

    #[test]
    fn groups_are_similar_s_groups() {
        let equal = |i, len| DiffOp::Equal {
            old_index: i,
            new_index: i,
            len,
        };
        let delete = |i, len| DiffOp::Delete {
            old_index: i,
            old_len: len,
            new_index: i,
        };
        let mut cases = vec![
            vec![],
            vec![equal(0, 0)],
            vec![equal(0, 9)],
            vec![delete(0, 1)],
            vec![equal(0, 9), delete(9, 1), equal(10, 1)],
            vec![
                equal(0, 1),
                delete(1, 1),
                equal(2, 5),
                delete(7, 2),
                equal(9, 30),
            ],
            vec![delete(0, 1), equal(1, 4), delete(5, 1), equal(6, 5)],
        ];
        let ts = texts();
        for (i, old) in ts.iter().enumerate().step_by(17) {
            let new = &ts[(i * 31 + 5) % ts.len()];
            let (a, b) = (lines_of(old), lines_of(new));
            cases.push(capture_diff(
                Algorithm::Myers,
                &a[..],
                0..a.len(),
                &b[..],
                0..b.len(),
            ));
        }
        for ops in cases {
            for n in [0, 1, 2, 3] {
                assert_eq!(
                    groups(ops.clone(), n),
                    similar::group_diff_ops(ops.clone(), n),
                    "{ops:?} {n}"
                );
            }
        }
    }

    #[test]
    fn missing_newline_at_the_end() {
        let old = "actor A:組合";
        let f = formatted(old);
        let want = "--- f\n+++ f\n@@ -1 +1 @@\n-actor A:組合\n\\ No newline at end of file\n+actor A : 組合\n";
        assert_eq!(unified("f", old, &f.text, &f.anchors, 2), want);
        assert_eq!(unified_with(TINY, "f", old, &f.text, &f.anchors, 2), want);
        assert_eq!(reference(old, &f.text), want);
    }
}
