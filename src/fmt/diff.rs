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

use similar::udiff::UnifiedHunkHeader;
use similar::{Algorithm, DiffOp, DiffableStr, capture_diff, group_diff_ops};
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
    let (a, b) = rayon::join(|| old.tokenize_lines(), || new.tokenize_lines());
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

/// Line `i` of a text starts at `starts[i]`.
fn line_starts(lines: &[&str]) -> Vec<usize> {
    let mut at = 0;
    lines
        .iter()
        .map(|l| {
            let s = at;
            at += l.len();
            s
        })
        .collect()
}

/// The line that byte `at` starts, blanks before it aside; `None` when
/// something else comes first on that line.
fn line_of(text: &str, starts: &[usize], at: usize) -> Option<usize> {
    let i = starts.partition_point(|&s| s <= at).checked_sub(1)?;
    let before = text.get(starts[i]..at)?;
    before.chars().all(char::is_whitespace).then_some(i)
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
    let (sa, sb) = rayon::join(|| line_starts(a), || line_starts(b));
    let mut cuts = vec![(0, 0)];
    for &(x, y) in anchors {
        let (Some(i), Some(j)) = (line_of(old, &sa, x), line_of(new, &sb, y)) else {
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
        let chunks: Vec<(Range<usize>, Range<usize>)> = cuts
            .windows(2)
            .map(|w| (w[0].0..w[1].0, w[0].1..w[1].1))
            .collect();
        let same = |c: &(Range<usize>, Range<usize>)| self.a[c.0.clone()] == self.b[c.1.clone()];
        let same: Vec<bool> = chunks.iter().map(same).collect();
        let mut k = 0;
        while k < chunks.len() {
            if same[k] {
                let (x, y) = &chunks[k];
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
            while k < chunks.len() && !same[k] {
                size += chunks[k].0.len() + chunks[k].1.len();
                k += 1;
            }
            if size <= self.region {
                let x = chunks[first].0.start..chunks[k - 1].0.end;
                let y = chunks[first].1.start..chunks[k - 1].1.end;
                self.myers(x, y);
            } else {
                for (x, y) in &chunks[first..k] {
                    if x.len() + y.len() <= self.region {
                        self.myers(x.clone(), y.clone());
                    } else {
                        self.replace(x.clone(), y.clone());
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
    for group in group_diff_ops(ops, radius) {
        if group.is_empty() {
            continue;
        }
        if std::mem::take(&mut first) {
            writeln!(out, "--- {name}\n+++ {name}")?;
        }
        writeln!(out, "{}", UnifiedHunkHeader::new(&group))?;
        for op in &group {
            for change in op.iter_changes(a, b) {
                write!(out, "{}{}", change.tag(), change.value())?;
                if change.missing_newline() {
                    out.write_str("\n\\ No newline at end of file\n")?;
                }
            }
        }
    }
    Ok(())
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
