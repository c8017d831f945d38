//! How much of each design one page shows. The page is for a browser: a
//! picture of a national design (a million flows) was 800 MB of SVG and
//! data that no browser opens, and took 20 s and 5 GiB to write. A design
//! too large for its picture is drawn in part, the flows its findings are
//! about first, and the page says what it left out and which command shows
//! the rest; long tables are cut the same way.

use crate::diagnostic::Diagnostic;
use crate::model::{Design, Flow, FlowId};
use crate::text::Lang;

/// Legs (sender to receiver, or one hop through a carrier) one design's
/// picture draws at most: about 2.5 MB of SVG and data.
pub const DESIGN_LEGS: usize = 5_000;

/// Actors one design's picture draws at most when it is drawn whole.
pub const DESIGN_ACTORS: usize = 5_000;

/// Legs all the pictures of one page draw at most.
pub const PAGE_LEGS: usize = 20_000;

/// Rows of each of a design's tables (the inventory's) shown at most.
pub const TABLE_ROWS: usize = 1_000;

/// The row that ends a table of `total` rows cut at [`TABLE_ROWS`] (a
/// table of `columns` columns): how many rows are not shown, and the
/// `command` that lists them all.
pub fn rows_left_out(out: &mut String, total: usize, columns: usize, command: &str, lang: Lang) {
    use std::fmt::Write as _;
    if total <= TABLE_ROWS {
        return;
    }
    let command = super::escape::html(command);
    let more = total - TABLE_ROWS;
    let _ = match lang {
        Lang::En => write!(
            out,
            r#"<tr class="more"><td colspan="{columns}">… {more} more rows, not shown: <code>{command}</code> lists them all.</td></tr>"#
        ),
        Lang::Ja => write!(
            out,
            r#"<tr class="more"><td colspan="{columns}">… ほか {more} 行は省略しています。すべては <code>{command}</code> で一覧できます。</td></tr>"#
        ),
    };
}

/// The legs a page still draws.
pub struct Budget {
    left: usize,
}

/// Which flows of a design its picture draws.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Drawn {
    /// Every flow and every actor.
    Whole,
    /// Only `flows` (in source order): the design is larger than the page
    /// draws for it.
    Part(Part),
}

/// What a design drawn in part leaves out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// The flows drawn, in source order.
    pub flows: Vec<FlowId>,
    /// The legs the page could draw for the design.
    pub limit: usize,
    /// The design's flows.
    pub total_flows: usize,
    /// The legs of all its flows.
    pub total_legs: usize,
    /// Its actors.
    pub total_actors: usize,
    /// How many flows its findings are about (drawn or not).
    pub finding_flows: usize,
}

impl Default for Budget {
    fn default() -> Self {
        Budget { left: PAGE_LEGS }
    }
}

impl Budget {
    /// Decides what to draw of `design` and takes its legs from the
    /// page's. A design within both limits is drawn whole; a larger one,
    /// the flows its findings are about, finding by finding in the order
    /// given, as long as each finding's flows fit.
    pub fn choose(&mut self, design: &Design, diagnostics: &[&Diagnostic]) -> Drawn {
        let limit = DESIGN_LEGS.min(self.left);
        let total_legs: usize = design.flows.iter().map(legs).sum();
        if total_legs <= limit && design.actors.len() <= DESIGN_ACTORS {
            self.left -= total_legs;
            return Drawn::Whole;
        }
        let mut chosen = vec![false; design.flows.len()];
        let mut about = vec![false; design.flows.len()];
        let mut used = 0;
        for d in diagnostics {
            let mine = super::flows_of(design, d);
            for &f in &mine {
                about[f] = true;
            }
            let extra: usize = (mine.iter())
                .filter(|&&f| !chosen[f])
                .map(|&f| legs(&design.flows[f]))
                .sum();
            if used + extra <= limit {
                used += extra;
                for f in mine {
                    chosen[f] = true;
                }
            }
        }
        self.left -= used;
        Drawn::Part(Part {
            flows: (0..design.flows.len())
                .filter(|&f| chosen[f])
                .map(|f| FlowId::new(f as u32))
                .collect(),
            limit,
            total_flows: design.flows.len(),
            total_legs,
            total_actors: design.actors.len(),
            finding_flows: about.iter().filter(|&&a| a).count(),
        })
    }
}

/// The legs of a flow: one per hop, through each carrier.
fn legs(flow: &Flow) -> usize {
    flow.via.len() + 1
}

impl Drawn {
    /// The flows drawn, when not all of them.
    pub fn flows(&self) -> Option<&[FlowId]> {
        match self {
            Drawn::Whole => None,
            Drawn::Part(p) => Some(&p.flows),
        }
    }

    /// How many flows are drawn, of a design with `all`.
    pub fn count(&self, all: usize) -> usize {
        self.flows().map_or(all, <[FlowId]>::len)
    }

    /// Where flow `f` is among those drawn, if it is drawn.
    pub fn index(&self, f: FlowId) -> Option<usize> {
        match self {
            Drawn::Whole => Some(f.index()),
            Drawn::Part(p) => p.flows.binary_search(&f).ok(),
        }
    }

    /// The design's flow drawn at `i`.
    pub fn flow(&self, i: usize) -> FlowId {
        match self {
            Drawn::Whole => FlowId::new(i as u32),
            Drawn::Part(p) => p.flows.get(i).copied().unwrap_or(FlowId::new(i as u32)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::{RulebookSource, Session};

    const HEAD: &str = "use \"kenpo\"\n\
        actor 適用システム : 組合\n\
        actor 中間サーバー : 中間サーバー\n\
        actor 情報提供NWS : 情報提供ネットワークシステム\n\
        actor 市町村 : 他機関\n\
        data 課税情報 : 課税・非課税情報\n";
    /// Three legs, allowed.
    const LAWFUL: &str =
        "flow 市町村 -> 適用システム : 課税情報 for 被扶養者認定 via 情報提供NWS, 中間サーバー\n";
    /// Three legs, the wrong way (MN102).
    const BACKWARDS: &str =
        "flow 適用システム -> 市町村 : 課税情報 for 被扶養者認定 via 中間サーバー, 情報提供NWS\n";

    /// The findings as [`Budget::choose`] takes them.
    fn refs(diags: &[Diagnostic]) -> Vec<&Diagnostic> {
        diags.iter().collect()
    }

    /// The design of `flows` after [`HEAD`], and the session's findings.
    fn checked(flows: &str) -> (Design, Vec<Diagnostic>) {
        let mut s = Session::new(RulebookSource::Builtin("kenpo".into()));
        let design = s
            .check_text("t.myna", format!("{HEAD}{flows}"), None)
            .analysis
            .expect("a design")
            .design;
        (design, s.sorted_diagnostics())
    }

    #[test]
    fn a_design_within_the_limits_is_drawn_whole_and_spends_its_legs() {
        let (design, diags) = checked(&format!("{LAWFUL}{BACKWARDS}{LAWFUL}"));
        let mut budget = Budget::default();
        assert_eq!(budget.choose(&design, &refs(&diags)), Drawn::Whole);
        assert_eq!(budget.left, PAGE_LEGS - 9);
        let drawn = Drawn::Whole;
        assert_eq!(drawn.count(3), 3);
        assert_eq!(drawn.index(FlowId::new(2)), Some(2));
        assert_eq!(drawn.flow(1), FlowId::new(1));
    }

    #[test]
    fn a_design_past_the_limit_draws_the_flows_its_findings_are_about() {
        // 2 000 flows of three legs each: 6 000 legs, past DESIGN_LEGS.
        let mut flows = String::new();
        for i in 0..2_000 {
            flows.push_str(if i % 500 == 7 { BACKWARDS } else { LAWFUL });
        }
        let (design, diags) = checked(&flows);
        assert_eq!(diags.len(), 4, "{diags:?}");
        // Each MN102 and its witness: the lawful flow that brought the
        // item to its sender (the first).
        let about: Vec<FlowId> = [0, 7, 507, 1007, 1507].map(FlowId::new).to_vec();
        let mut budget = Budget::default();
        let drawn = budget.choose(&design, &refs(&diags));
        let Drawn::Part(part) = &drawn else {
            panic!("drawn whole: {drawn:?}");
        };
        assert_eq!(part.flows, about);
        assert_eq!(
            (
                part.limit,
                part.total_flows,
                part.total_legs,
                part.finding_flows
            ),
            (DESIGN_LEGS, 2_000, 6_000, 5)
        );
        assert_eq!(budget.left, PAGE_LEGS - 15);
        assert_eq!(drawn.count(2_000), 5);
        assert_eq!(drawn.index(FlowId::new(507)), Some(2));
        assert_eq!(drawn.index(FlowId::new(508)), None);
        assert_eq!(drawn.flow(4), FlowId::new(1507));
    }

    #[test]
    fn what_the_page_has_left_decides_and_a_finding_that_does_not_fit_is_left_out() {
        let (design, diags) = checked(&format!("{BACKWARDS}{LAWFUL}{BACKWARDS}"));
        // Each finding is about its flow and the lawful one before it
        // (six legs); the page has room for one finding, not for the
        // other's three more legs.
        let mut budget = Budget { left: 8 };
        let drawn = budget.choose(&design, &refs(&diags));
        let Drawn::Part(part) = drawn else {
            panic!("drawn whole");
        };
        assert_eq!(part.flows, vec![FlowId::new(0), FlowId::new(1)]);
        assert_eq!((part.limit, part.finding_flows), (8, 3));
        assert_eq!(budget.left, 2);
        // A page with nothing left draws nothing more, and says so.
        let mut spent = Budget { left: 0 };
        let Drawn::Part(part) = spent.choose(&design, &refs(&diags)) else {
            panic!("drawn whole");
        };
        assert!(part.flows.is_empty());
        assert_eq!(part.finding_flows, 3);
        // A design without flows costs nothing, even then.
        let (empty, none) = checked("");
        assert_eq!(spent.choose(&empty, &refs(&none)), Drawn::Whole);
    }

    #[test]
    fn a_design_of_more_actors_than_a_picture_draws_is_drawn_in_part() {
        let mut text = String::from(BACKWARDS);
        for i in 0..DESIGN_ACTORS {
            text.push_str(&format!("actor 委託先{i} : 委託先\n"));
        }
        let (design, diags) = checked(&text);
        assert!(design.actors.len() > DESIGN_ACTORS);
        let Drawn::Part(part) = Budget::default().choose(&design, &refs(&diags)) else {
            panic!("drawn whole");
        };
        // One flow, well within the legs: the actors decided.
        assert_eq!(part.flows, vec![FlowId::new(0)]);
        assert_eq!(
            (part.total_legs, part.total_actors),
            (3, design.actors.len())
        );
    }
}
