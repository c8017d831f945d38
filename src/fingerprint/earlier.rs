//! The earlier hops of the stitched exchanges findings are shown on: what
//! a baseline of version 4 fingerprints besides the statement a finding
//! is in and the declarations that statement names. A stitched exchange
//! (LANGUAGE.md §3.2) is reported on the hop that reaches its final
//! receiver, and its verdict reads the hops before it too (the first
//! sender, the carriers passed, the purpose each hop carries it for):
//! without them, a baseline excused a finding whose first hop now came
//! from another sender or through another channel.

use crate::candidates::Placed;
use crate::checks::Finding;
use crate::code::Code;
use crate::graph::FlowGraph;
use crate::span::Span;
use std::ops::Range;

/// The routes before the last hop of a file's findings on stitched
/// exchanges, by the code and place each finding is shown at. Made once
/// per file from the checks' findings, before suppressions and a
/// baseline remove any, so that a place's fingerprint does not depend on
/// which of the findings there were kept.
#[derive(Debug, Default)]
pub struct Earlier {
    /// Each finding's route: its code and place, and its earlier hops'
    /// flow statements in `flows`; sorted by place and code, findings at
    /// one place in the checks' order.
    routes: Vec<(Span, Code, Range<u32>)>,
    /// The spans of the earlier hops' flow statements, in the order
    /// travelled, route after route.
    flows: Vec<Span>,
}

impl Earlier {
    /// The earlier hops of the findings `placed` (indices into
    /// `findings`) that were found on a stitched exchange of `graph`.
    /// Reads each such finding's hops once, as the finding holds them.
    pub fn of(
        graph: &FlowGraph,
        design: &crate::model::Design,
        findings: &[Finding],
        placed: &[Placed],
    ) -> Earlier {
        let mut out = Earlier::default();
        for p in placed {
            let Some(trail) = findings.get(p.finding).and_then(Finding::trail) else {
                continue;
            };
            if trail.earlier.is_empty() {
                continue;
            }
            let start = index(out.flows.len());
            (out.flows).extend(trail.earlier.iter().filter_map(|h| {
                let flow = graph.transfer(h.transfer).flow;
                design.flows.get(flow.index()).map(|f| f.span)
            }));
            let end = index(out.flows.len());
            out.routes.push((p.primary, p.code, start..end));
        }
        let key = |(at, code, _): &(Span, Code, Range<u32>)| (at.start, at.end, *code);
        out.routes.sort_by_key(key);
        out
    }

    /// Whether no finding is on a stitched exchange.
    pub fn is_empty(&self) -> bool {
        self.routes.is_empty()
    }

    /// The routes of the findings of `code` at `at`: each the spans of
    /// its earlier hops' flow statements, in the order travelled.
    pub fn routes(&self, code: Code, at: Span) -> impl Iterator<Item = &[Span]> {
        let key = (at.start, at.end, code);
        let first = (self.routes).partition_point(|(s, c, _)| (s.start, s.end, *c) < key);
        (self.routes.get(first..).unwrap_or_default().iter())
            .take_while(move |(s, c, _)| (s.start, s.end, *c) == key)
            .filter(move |(s, _, _)| s.file == at.file)
            .map(|(_, _, r)| {
                (self.flows)
                    .get(r.start as usize..r.end as usize)
                    .unwrap_or_default()
            })
    }
}

/// A position in [`Earlier::flows`] as four bytes (saturating: the
/// input is bounded far below).
fn index(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fingerprint::{Statements, statement_spans};
    use crate::session::{RulebookSource, Session};

    const DESIGN: &str = "use \"kenpo\"\n\
        actor 市町村 : 他機関 \"市\"\n\
        actor 網 : 情報提供ネットワークシステム\n\
        actor 中間 : 中間サーバー\n\
        actor 給付 : 組合\n\
        actor 予備 : 組合\n\
        data 課税 : 課税・非課税情報\n\
        flow 市町村 -> 網 : 課税 for 保険給付審査\n\
        flow 網 -> 中間 : 課税 for 保険給付審査\n\
        flow 中間 -> 給付 : 課税 for 保険給付審査\n";

    /// The fingerprints of `text`'s findings, each by code and line, of
    /// version 3 and of version 4.
    fn prints(text: &str) -> Vec<(Code, usize, u64, u64)> {
        let mut s = Session::new(RulebookSource::Builtin("kenpo".into()));
        let checked = s.check_text("d.myna", text.to_string(), None);
        let a = checked.analysis.expect("a design");
        let findings = crate::checks::findings(&a.design, &a.graph, Default::default());
        let src = &s.sources.get(checked.file).text;
        let placed = crate::wording::placed(&a.design, &a.graph, src, &findings);
        let earlier = Earlier::of(&a.graph, &a.design, &findings, &placed);
        let file = s.sources.get(checked.file);
        let spans = statement_spans(file, checked.file);
        let mut v3 = Statements::naming(file, &spans, Some(&a.design));
        let mut v4 = Statements::stitching(file, &spans, Some(&a.design), &earlier);
        (placed.iter())
            .map(|p| {
                let line = file.line_col(p.primary.start as usize).0;
                (
                    p.code,
                    line,
                    v3.of(p.code, p.primary),
                    v4.of(p.code, p.primary),
                )
            })
            .collect()
    }

    /// A finding on a stitched exchange has its earlier hops, in the order
    /// travelled, by its code and place; other findings, other codes at
    /// that place, and the place in another file have none.
    #[test]
    fn a_stitched_findings_routes_are_its_earlier_hops() {
        let mut s = Session::new(RulebookSource::Builtin("kenpo".into()));
        let checked = s.check_text("d.myna", DESIGN.to_string(), None);
        let a = checked.analysis.expect("a design");
        let findings = crate::checks::findings(&a.design, &a.graph, Default::default());
        let src = &s.sources.get(checked.file).text;
        let placed = crate::wording::placed(&a.design, &a.graph, src, &findings);
        let earlier = Earlier::of(&a.graph, &a.design, &findings, &placed);
        let mn103 = placed
            .iter()
            .find(|p| p.code == Code::MN103)
            .expect("MN103");
        let routes: Vec<&[Span]> = earlier.routes(Code::MN103, mn103.primary).collect();
        let flows: Vec<Span> = a.design.flows.iter().map(|f| f.span).collect();
        assert_eq!(routes, [&flows[..2]]);
        assert_eq!(earlier.routes(Code::MN102, mn103.primary).count(), 0);
        let elsewhere = Span {
            file: crate::span::FileId(mn103.primary.file.0 + 1),
            ..mn103.primary
        };
        assert_eq!(earlier.routes(Code::MN103, elsewhere).count(), 0);
        let mn012 = placed.iter().find(|p| p.code == Code::MN012);
        assert!(mn012.is_none_or(|p| earlier.routes(p.code, p.primary).count() == 0));
    }

    /// Version 4 gives a finding on no stitched exchange the fingerprint
    /// version 3 gave it, and one on a stitched exchange another, which
    /// changes with an earlier hop's text or a declaration it names, not
    /// with its layout or comments.
    #[test]
    fn only_a_stitched_findings_fingerprint_covers_its_earlier_hops() {
        let before = prints(DESIGN);
        assert!(before.iter().any(|(c, ..)| *c == Code::MN103));
        for &(code, line, v3, v4) in &before {
            match code {
                Code::MN103 => assert_ne!(v3, v4, "{code:?} on line {line}"),
                _ => assert_eq!(v3, v4, "{code:?} on line {line}"),
            }
        }
        let mn103 = |text: &str| {
            let all = prints(text);
            let found = all.iter().find(|(c, ..)| *c == Code::MN103);
            found.map(|&(_, _, v3, v4)| (v3, v4)).expect("MN103")
        };
        let (v3, v4) = mn103(DESIGN);
        for changed in [
            DESIGN.replace("\"市\"", "\"町\""),
            DESIGN.replace(
                "網 -> 中間 : 課税 for 保険給付審査",
                "網 -> 中間 : 課税 for 保険給付審査 via 網",
            ),
            DESIGN.replace(
                "市町村 -> 網 : 課税 for 保険給付審査",
                "市町村 -> 網 : 課税 for 保険給付審査, 被扶養者認定",
            ),
        ] {
            let (old, new) = mn103(&changed);
            assert_eq!(old, v3, "version 3 is blind to it: {changed}");
            assert_ne!(new, v4, "{changed}");
        }
        for same in [
            DESIGN.replace("flow 網 -> 中間", "  flow   網 ->\n    中間"),
            DESIGN.replace(
                "for 保険給付審査\nflow 網",
                "for 保険給付審査 # 市から\nflow 網",
            ),
            DESIGN.replace("actor 市町村 : 他機関", "actor 市町村 :\n  他機関"),
        ] {
            assert_eq!(mn103(&same), (v3, v4), "{same}");
        }
    }
}
