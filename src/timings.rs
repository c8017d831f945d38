//! Wall time spent in each stage of the pipeline, for `check --timings`:
//! where a large design's time goes, without a profiler.

use std::time::{Duration, Instant};

/// Time per stage, in the order the stages first ran. With files checked
/// in parallel, a stage's time is the sum over the files (CPU time, not
/// elapsed time).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Timings {
    /// Stage name and the time spent in it.
    pub stages: Vec<(&'static str, Duration)>,
    /// Parts of some stages, each timed from its start to its end: the
    /// stage, the part and its time. Parts that run side by side overlap,
    /// so they need not add up to their stage.
    pub parts: Vec<(&'static str, &'static str, Duration)>,
}

impl Timings {
    /// Adds `d` to `stage`.
    pub fn add(&mut self, stage: &'static str, d: Duration) {
        match self.stages.iter_mut().find(|(s, _)| *s == stage) {
            Some((_, total)) => *total += d,
            None => self.stages.push((stage, d)),
        }
    }

    /// Adds `d` to `part` of `stage`.
    pub fn add_part(&mut self, stage: &'static str, part: &'static str, d: Duration) {
        match (self.parts.iter_mut()).find(|(s, p, _)| *s == stage && *p == part) {
            Some((_, _, total)) => *total += d,
            None => self.parts.push((stage, part, d)),
        }
    }

    /// Runs `f`, adding its wall time to `stage`.
    pub fn time<T>(&mut self, stage: &'static str, f: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let out = f();
        self.add(stage, start.elapsed());
        out
    }

    /// Adds every stage of `other`.
    pub fn merge(&mut self, other: &Timings) {
        for &(s, d) in &other.stages {
            self.add(s, d);
        }
        for &(s, p, d) in &other.parts {
            self.add_part(s, p, d);
        }
    }

    /// The sum of every stage.
    pub fn total(&self) -> Duration {
        self.stages.iter().map(|(_, d)| *d).sum()
    }

    /// One line per stage, `stage  12.345 ms  40.1 %`, each followed by
    /// its parts, indented and without a share, then the total.
    pub fn table(&self) -> String {
        let total = self.total();
        let share = |d: Duration| {
            if total.is_zero() {
                0.0
            } else {
                100.0 * d.as_secs_f64() / total.as_secs_f64()
            }
        };
        let mut out = String::new();
        for &(s, d) in &self.stages {
            out.push_str(&format!(
                "{s:<14} {:>10.3} ms {:>5.1} %\n",
                d.as_secs_f64() * 1e3,
                share(d)
            ));
            for &(_, p, d) in self.parts.iter().filter(|(stage, _, _)| *stage == s) {
                out.push_str(&format!("  {p:<12} {:>10.3} ms\n", d.as_secs_f64() * 1e3));
            }
        }
        out.push_str(&format!(
            "{:<14} {:>10.3} ms\n",
            "total",
            total.as_secs_f64() * 1e3
        ));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_add_up_in_first_run_order() {
        let mut t = Timings::default();
        t.add("lex", Duration::from_millis(2));
        t.add("parse", Duration::from_millis(3));
        t.add("lex", Duration::from_millis(1));
        let mut u = Timings::default();
        u.add("parse", Duration::from_millis(1));
        t.merge(&u);
        assert_eq!(
            t.stages,
            vec![
                ("lex", Duration::from_millis(3)),
                ("parse", Duration::from_millis(4))
            ]
        );
        assert_eq!(t.total(), Duration::from_millis(7));
        assert!(t.table().starts_with("lex "));
        assert!(t.table().contains("total"));
    }

    #[test]
    fn parts_follow_their_stage_and_leave_the_total_alone() {
        let mut t = Timings::default();
        t.add("graph", Duration::from_millis(2));
        t.add("checks", Duration::from_millis(5));
        t.add_part("checks", "MN402", Duration::from_millis(4));
        t.add_part("checks", "MN101–105", Duration::from_millis(3));
        let mut u = Timings::default();
        u.add("checks", Duration::from_millis(1));
        u.add_part("checks", "MN402", Duration::from_millis(1));
        t.merge(&u);
        assert_eq!(
            t.parts,
            vec![
                ("checks", "MN402", Duration::from_millis(5)),
                ("checks", "MN101–105", Duration::from_millis(3))
            ]
        );
        // Side by side, the parts (8 ms) may add up to more than their
        // stage (6 ms); the total is the stages' alone.
        assert_eq!(t.total(), Duration::from_millis(8));
        let table = t.table();
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 5, "{lines:?}");
        assert!(lines[0].starts_with("graph "));
        assert!(lines[1].starts_with("checks "));
        assert!(lines[2].starts_with("  MN402 ") && lines[2].ends_with(" 5.000 ms"));
        assert!(lines[3].starts_with("  MN101–105 ") && lines[3].ends_with(" 3.000 ms"));
        assert!(lines[4].starts_with("total "));
    }
}
