//! A layered layout for pictures of designs: every node has a fixed column
//! (its kind: outside parties | carriers | the society | contractors | the
//! person), and the order of the nodes inside each column is chosen to keep
//! edges short and crossings few.
//!
//! The ordering is the barycentric heuristic of Sugiyama-style layouts: a
//! node moves to the mean position of its neighbours, column by column, in
//! a fixed number of alternating sweeps. Each sweep costs O(E + V log V),
//! so the whole layout is linear-ish whatever the input's shape.
//!
//! Why not `layout-rs`: it ranks nodes by the direction of edges (a DAG),
//! while a design's columns are given by kind and its flows run both ways
//! (to and from the society); it has no per-node rank constraint, and it
//! draws its own SVG with no ids to attach filters and clicks to.

/// Sweeps of the barycentric ordering (each goes over every column).
pub const SWEEPS: usize = 6;

/// Where every node stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    /// Nodes of each column, top to bottom.
    pub columns: Vec<Vec<usize>>,
    /// `(column, row)` of each node.
    pub place: Vec<(usize, usize)>,
}

impl Layout {
    /// The number of rows of the tallest column.
    pub fn rows(&self) -> usize {
        self.columns.iter().map(Vec::len).max().unwrap_or(0)
    }
}

/// Lays out `column.len()` nodes: node `n` goes into column `column[n]`
/// (columns `0..columns`; larger indices are clamped to the last), edges are
/// pairs of nodes (direction does not matter; out-of-range ends are
/// ignored). Nodes start in index order within their column, so the result
/// is deterministic.
pub fn layered(column: &[usize], columns: usize, edges: &[(usize, usize)]) -> Layout {
    let n = column.len();
    let columns = columns.max(1);
    let col = |v: usize| column[v].min(columns - 1);
    let mut cols: Vec<Vec<usize>> = vec![Vec::new(); columns];
    for v in 0..n {
        cols[col(v)].push(v);
    }
    // Neighbours in other columns (edges inside a column do not pull).
    let mut adj: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(a, b) in edges {
        if a < n && b < n && a != b && col(a) != col(b) {
            adj[a].push(b);
            adj[b].push(a);
        }
    }
    // Position of each node as a fraction of its column's height, so
    // columns of different sizes pull each other evenly.
    let mut pos = vec![0.0f64; n];
    let place_all = |cols: &[Vec<usize>], pos: &mut [f64]| {
        for c in cols {
            for (r, &v) in c.iter().enumerate() {
                pos[v] = (r as f64 + 0.5) / c.len() as f64;
            }
        }
    };
    place_all(&cols, &mut pos);
    for sweep in 0..SWEEPS {
        let order: Vec<usize> = if sweep % 2 == 0 {
            (0..columns).collect()
        } else {
            (0..columns).rev().collect()
        };
        for c in order {
            let mut keyed: Vec<(f64, usize, usize)> = cols[c]
                .iter()
                .enumerate()
                .map(|(r, &v)| {
                    let bary = if adj[v].is_empty() {
                        pos[v]
                    } else {
                        adj[v].iter().map(|&u| pos[u]).sum::<f64>() / adj[v].len() as f64
                    };
                    (bary, r, v)
                })
                .collect();
            // Ties keep the current order: stable and deterministic.
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            cols[c] = keyed.into_iter().map(|(_, _, v)| v).collect();
            let len = cols[c].len() as f64;
            for (r, &v) in cols[c].iter().enumerate() {
                pos[v] = (r as f64 + 0.5) / len;
            }
        }
    }
    let mut place = vec![(0, 0); n];
    for (c, vs) in cols.iter().enumerate() {
        for (r, &v) in vs.iter().enumerate() {
            place[v] = (c, r);
        }
    }
    Layout {
        columns: cols,
        place,
    }
}

/// How many pairs of edges between two adjacent columns cross, for tests
/// and for measuring the ordering (quadratic: small inputs only).
pub fn crossings(layout: &Layout, edges: &[(usize, usize)]) -> usize {
    let spans: Vec<((usize, usize), (usize, usize))> = edges
        .iter()
        .filter_map(|&(a, b)| {
            let (pa, pb) = (*layout.place.get(a)?, *layout.place.get(b)?);
            let (l, r) = if pa.0 <= pb.0 { (pa, pb) } else { (pb, pa) };
            (r.0 == l.0 + 1).then_some((l, r))
        })
        .collect();
    let mut n = 0;
    for (i, (a1, b1)) in spans.iter().enumerate() {
        for (a2, b2) in &spans[i + 1..] {
            if a1.0 == a2.0 && (a1.1 < a2.1 && b1.1 > b2.1 || a1.1 > a2.1 && b1.1 < b2.1) {
                n += 1;
            }
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_stay_in_their_columns() {
        let l = layered(&[0, 1, 1, 2, 9], 3, &[(0, 1), (1, 3)]);
        assert_eq!(l.columns.len(), 3);
        assert_eq!(l.place[0].0, 0);
        assert_eq!(l.place[3].0, 2);
        assert_eq!(l.place[4].0, 2, "an out-of-range column is clamped");
        let mut all: Vec<usize> = l.columns.concat();
        all.sort();
        assert_eq!(all, vec![0, 1, 2, 3, 4]);
    }

    #[test]
    fn a_crossing_is_undone() {
        // Left a, b; right c, d; edges a-d and b-c cross in index order.
        let edges = [(0, 3), (1, 2)];
        let start = Layout {
            columns: vec![vec![0, 1], vec![2, 3]],
            place: vec![(0, 0), (0, 1), (1, 0), (1, 1)],
        };
        assert_eq!(crossings(&start, &edges), 1);
        let l = layered(&[0, 0, 1, 1], 2, &edges);
        assert_eq!(crossings(&l, &edges), 0);
    }

    #[test]
    fn deterministic_and_ties_keep_order() {
        let l = layered(&[0, 0, 0, 1], 2, &[]);
        assert_eq!(l.columns, vec![vec![0, 1, 2], vec![3]]);
        let edges = [(0, 5), (1, 4), (2, 3), (3, 6), (4, 7)];
        let cols = [0, 0, 0, 1, 1, 1, 2, 2];
        assert_eq!(layered(&cols, 3, &edges), layered(&cols, 3, &edges));
    }

    #[test]
    fn a_star_is_centred_on_its_hub() {
        // Hub 0 in the middle column; its neighbour sits next to it, not
        // at the far end of a long column.
        let cols = [1, 0, 0, 0, 0, 0, 2];
        let l = layered(&cols, 3, &[(0, 5), (0, 6)]);
        assert_eq!(l.rows(), 5);
        assert!(l.place[5].1 < 5);
    }

    #[test]
    fn bad_edges_and_empty_input_are_harmless() {
        let l = layered(&[], 0, &[(3, 4)]);
        assert_eq!(l.columns, vec![Vec::<usize>::new()]);
        let l = layered(&[0, 1], 2, &[(0, 0), (0, 7), (1, 0)]);
        assert_eq!(l.place, vec![(0, 0), (1, 0)]);
    }
}
