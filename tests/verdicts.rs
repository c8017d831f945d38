//! Verdicts where reviewers look: delegation findings on the offending flow
//! (so baselines, suppressions, `rules diff --impact` and pull-request
//! annotations treat each flow on its own), MN303's claim-based semantics,
//! wording in a custom rulebook's own names, and the petgraph as the engine.

mod common;

use mynaflow::checks::{self, CheckOptions, Finding};
use mynaflow::code::Code;
use mynaflow::graph::{FlowGraph, Transfer};
use mynaflow::model::{ActorId, FlowId};
use mynaflow::session::{Analysis, BUILTIN_RULEBOOKS, RulebookSource, Session};
use mynaflow::text::Lang;
use std::path::Path;
use std::process::Output;

fn run(dir: &Path, args: &[&str]) -> Output {
    common::mynaflow_in(dir, args)
}

/// A society, a registered contractor, and an unregistered one.
const HEAD: &str = "use \"kenpo\"\n\
actor 分析基盤 : 組合\n\
actor 子会社 : 委託先 \"株式会社△△ビジネスサービス\"\n\
data 通知 : 医療費データ\n\
data 分析 : レセプトデータ\n";
/// Line 6: an offending flow for 医療費通知委託.
const F1: &str = "flow 分析基盤 -> 子会社 : 通知 for 医療費通知委託\n";
/// An offending flow for another purpose, to the same contractor.
const F2: &str = "flow 分析基盤 -> 子会社 : 分析 for 医療費分析委託\n";

fn mn301_lines(out: &str) -> Vec<String> {
    out.lines()
        .filter(|l| l.starts_with("::error") && l.contains("title=MN301"))
        .map(|l| {
            l.split(',')
                .find_map(|p| p.strip_prefix("line="))
                .unwrap_or_default()
                .to_string()
        })
        .collect()
}

#[test]
fn a_baseline_does_not_hide_a_new_offending_flow() {
    let d = tempfile::tempdir().expect("tempdir");
    std::fs::write(d.path().join("d.myna"), format!("{HEAD}{F1}")).expect("write");
    let w = run(
        d.path(),
        &["check", "--write-baseline", "base.json", "d.myna"],
    );
    assert_eq!(
        w.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&w.stderr)
    );
    // The same flow again, for the same purpose: a new offending flow.
    std::fs::write(
        d.path().join("d.myna"),
        format!("{HEAD}{F1}flow 分析基盤 -> 子会社 : 分析 for 医療費通知委託\n"),
    )
    .expect("write");
    let o = run(
        d.path(),
        &[
            "check",
            "--baseline",
            "base.json",
            "--format",
            "github",
            "d.myna",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", common::stdout(&o));
    assert_eq!(
        mn301_lines(&common::stdout(&o)),
        ["7"],
        "{}",
        common::stdout(&o)
    );
}

#[test]
fn a_suppression_covers_its_flow_and_no_other() {
    let d = tempfile::tempdir().expect("tempdir");
    let text = format!(
        "{HEAD}# mynaflow: allow MN301 reason=\"契約締結前の試行 (2026年度末まで)\"\n{F1}{F2}"
    );
    std::fs::write(d.path().join("d.myna"), text).expect("write");
    let o = run(d.path(), &["check", "--format", "github", "d.myna"]);
    assert_eq!(o.status.code(), Some(1), "{}", common::stdout(&o));
    assert_eq!(
        mn301_lines(&common::stdout(&o)),
        ["8"],
        "{}",
        common::stdout(&o)
    );
    assert!(
        !common::stdout(&o).contains("MN503"),
        "the suppression was used"
    );
}

#[test]
fn a_pull_request_annotation_lands_on_the_added_flow() {
    let d = tempfile::tempdir().expect("tempdir");
    std::fs::write(d.path().join("d.myna"), format!("{HEAD}{F1}{F2}")).expect("write");
    let o = run(d.path(), &["check", "--format", "github", "d.myna"]);
    // One annotation per flow, each on its flow's line, none on the actor (line 3).
    assert_eq!(
        mn301_lines(&common::stdout(&o)),
        ["6", "7"],
        "{}",
        common::stdout(&o)
    );
}

#[test]
fn registering_a_contractor_shows_in_rules_diff_impact() {
    let d = tempfile::tempdir().expect("tempdir");
    let kenpo = BUILTIN_RULEBOOKS[0].1;
    std::fs::write(d.path().join("old.myna"), kenpo).expect("write");
    std::fs::write(
        d.path().join("new.myna"),
        format!("{kenpo}\ncontractor \"株式会社△△ビジネスサービス\" for 医療費通知委託\n"),
    )
    .expect("write");
    std::fs::create_dir(d.path().join("designs")).expect("mkdir");
    std::fs::write(d.path().join("designs/d.myna"), format!("{HEAD}{F1}")).expect("write");
    let impact = mynaflow::rulediff::impact(
        &RulebookSource::File(d.path().join("old.myna")),
        &RulebookSource::File(d.path().join("new.myna")),
        &[d.path().join("designs")],
    )
    .expect("impact");
    assert_eq!(impact.changed.len(), 1, "{impact:?}");
    let c = &impact.changed[0];
    assert_eq!(c.line, 6);
    assert_eq!(c.before.findings[..], [(6, Code::MN301)]);
    assert!(c.after.is_ok(), "{c:?}");
}

#[test]
fn mn303_judges_a_declared_block_only_unless_clauses_are_required() {
    let d = tempfile::tempdir().expect("tempdir");
    let design = "use \"kenpo\"\n\
        actor 分析基盤 : 組合\n\
        actor 大和総研 : 委託先 \"株式会社大和総研\"\n\
        actor 印刷 : 委託先 \"株式会社大和総研\" { clauses 守秘義務 }\n\
        data 通知 : 医療費データ\n\
        flow 分析基盤 -> 大和総研 : 通知 for 医療費通知委託\n\
        flow 分析基盤 -> 印刷 : 通知 for 医療費通知委託\n";
    std::fs::write(d.path().join("d.myna"), design).expect("write");
    let codes = |o: &Output| -> Vec<String> {
        common::stdout(o)
            .lines()
            .filter(|l| l.contains("title=MN303"))
            .map(|l| {
                l.split(',')
                    .find_map(|p| p.strip_prefix("line="))
                    .unwrap_or_default()
                    .to_string()
            })
            .collect()
    };
    let o = run(d.path(), &["check", "--format", "github", "d.myna"]);
    assert_eq!(
        codes(&o),
        ["4"],
        "only the declared block is judged:\n{}",
        common::stdout(&o)
    );
    std::fs::write(d.path().join("mynaflow.toml"), "require-clauses = true\n").expect("write");
    let o = run(d.path(), &["check", "--format", "github", "d.myna"]);
    assert_eq!(codes(&o), ["3", "4"], "{}", common::stdout(&o));
}

/// The wording speaks the custom rulebook's names: its `self` role, its
/// section ids as written, never a name of the built-in rulebook.
#[test]
fn messages_use_the_rulebooks_own_names() {
    let s = common::check(Path::new("tests/cases/custom/wording.myna"));
    let codes: Vec<Code> = s.sorted_diagnostics().iter().map(|d| d.code).collect();
    for c in [Code::MN202, Code::MN301, Code::MN302, Code::MN402] {
        assert!(codes.contains(&c), "{c} missing from {codes:?}");
    }
    for lang in [Lang::En, Lang::Ja] {
        let out = common::human(&s, lang);
        for kenpo_name in ["組合", "他機関", "通知"] {
            assert!(
                !out.contains(kenpo_name),
                "{lang:?}: `{kenpo_name}` in\n{out}"
            );
        }
        // Section ids as the rulebook writes them: never `4項` (a law's
        // `第2項` is a paragraph, and stays).
        for id in ["1", "2", "3(1)", "3(2)", "3(3)", "4"] {
            let suffixed = format!("{id}項");
            for (at, _) in out.match_indices(&suffixed) {
                assert!(
                    out[..at].ends_with('第'),
                    "{lang:?}: `{suffixed}` in\n{out}"
                );
            }
        }
        assert!(out.contains("市"), "{out}");
    }
}

/// The design `text` (against `kenpo`) as `check` resolves it.
fn analysed(name: &str, text: &str) -> Analysis {
    let mut s = Session::new(RulebookSource::Builtin("kenpo".into()));
    let checked = s.check_text(name, text.to_string(), None);
    checked.analysis.expect("a design")
}

/// The checks walk the petgraph: an edge added to the graph, and nothing
/// else, changes the verdicts.
#[test]
fn the_checks_walk_the_petgraph() {
    let text = "use \"kenpo\"\n\
        actor 適用 : 組合\n\
        actor 分析 : 組合\n\
        actor NWS : 情報提供ネットワークシステム\n\
        actor 市町村 : 他機関\n\
        data 課税 : 課税・非課税情報\n\
        flow 市町村 -> NWS : 課税 for 被扶養者認定\n\
        flow 適用 -> 分析 : 課税 for 医療費分析\n";
    let analysis = analysed("g.myna", text);
    let design = &analysis.design;
    let codes = |fg: &FlowGraph| -> Vec<Code> {
        let mut v: Vec<Code> = checks::findings(design, fg, CheckOptions::default())
            .iter()
            .map(Finding::code)
            .collect();
        v.sort();
        v
    };
    let (graph, unresolved) = FlowGraph::transfers_of(design);
    let plain = FlowGraph::from_graph(design, graph.clone(), &unresolved);
    // The hop into the network goes nowhere; 分析 receives from a system
    // that holds nothing, so no purpose drifts.
    assert_eq!(codes(&plain), [Code::MN401]);

    // One more edge: the network delivers the first flow's data to 適用.
    let mut more = graph;
    let node = |a: u32| petgraph::graph::NodeIndex::new(ActorId::new(a).index());
    more.add_edge(
        node(2),
        node(0),
        Transfer::of(FlowId::new(0), design.flow(FlowId::new(0)), false),
    );
    let stitched = FlowGraph::from_graph(design, more, &unresolved);
    // Now the exchange is complete (no MN401, and it is allowed), 適用 holds
    // 課税 for 被扶養者認定, and passing it on for 医療費分析 is MN402.
    assert_eq!(codes(&stitched), [Code::MN402]);
}

/// A transfer passes its flow's `via` in order of travel: forwards one
/// way, backwards the other way of a `<->` flow; a flow passing no one
/// gives transfers that pass no one.
#[test]
fn transfers_pass_via_in_order_of_travel() {
    let text = "use \"kenpo\"\n\
        actor 適用 : 組合\n\
        actor 分析 : 組合\n\
        actor 甲 : 組合\n\
        actor 乙 : 組合\n\
        data 課税 : 課税・非課税情報\n\
        flow 適用 <-> 分析 : 課税 for 被扶養者認定 via 甲, 乙\n\
        flow 適用 -> 分析 : 課税 for 被扶養者認定\n";
    let analysis = analysed("v.myna", text);
    let design = &analysis.design;
    let id = |name: &str| {
        let i = design.actors.iter().position(|a| a.name == name);
        ActorId::new(i.expect(name) as u32)
    };
    let (graph, _) = FlowGraph::transfers_of(design);
    let mut passed: Vec<(u32, bool, Vec<ActorId>)> = graph
        .edge_weights()
        .map(|t| (t.flow.get(), t.reversed, t.via(design).collect()))
        .collect();
    passed.sort();
    assert_eq!(
        passed,
        [
            (0, false, vec![id("甲"), id("乙")]),
            (0, true, vec![id("乙"), id("甲")]),
            (1, false, vec![]),
        ]
    );
}

/// A chain of the society's systems passing 特定個人情報 on, its purpose
/// changing at every hop: a finding at each hop, every one with a path
/// back along the chain. Each finding holds the hops of its path nearest
/// its sender, `WITNESS_HOPS` at most, and says when the path is longer:
/// whole, the paths held n²/2 hops (a 7 MB design of 100 000 hops needed
/// more than 24 GiB), and each shown finding had a label per hop.
#[test]
fn witness_paths_along_a_long_chain_hold_the_nearest_hops_only() {
    use mynaflow::checks::{WITNESS_HOPS, Witness};
    let n = 2000;
    let mut text = String::from(
        "use \"kenpo\"\nactor 市町村 : 他機関\nactor 情報提供NWS : 情報提供ネットワークシステム\n\
         actor 中間サーバー : 中間サーバー\ndata 税 : 課税・非課税情報\n",
    );
    for i in 0..=n {
        text.push_str(&format!("actor S{i} : 組合\n"));
    }
    text.push_str("flow 市町村 -> S0 : 税 for 被扶養者認定 via 情報提供NWS, 中間サーバー\n");
    for i in 0..n {
        let purpose = ["保険給付", "被扶養者認定"][i % 2];
        text.push_str(&format!("flow S{i} -> S{} : 税 for {purpose}\n", i + 1));
    }
    let analysis = analysed("chain.myna", &text);
    let (design, graph) = (&analysis.design, &analysis.graph);
    let found = checks::findings(design, graph, CheckOptions::default());
    let witnesses: Vec<(ActorId, &Witness)> = found
        .iter()
        .filter_map(|f| match f {
            Finding::Drift { trail, witness, .. } => Some((trail.sender, witness)),
            _ => None,
        })
        .collect();
    assert!(witnesses.len() >= n / 2, "{} drifts", witnesses.len());
    let mut longer = 0;
    for (sender, w) in &witnesses {
        assert!(w.hops.len() <= WITNESS_HOPS, "{} hops", w.hops.len());
        // The path ends at the sender, each hop where the next starts.
        assert_eq!(w.hops.last().map(|h| h.to), Some(*sender));
        for pair in w.hops.windows(2) {
            assert_eq!(pair[0].to, pair[1].from);
        }
        // Cut short only when it is full, and then it says so.
        if w.longer {
            assert_eq!(w.hops.len(), WITNESS_HOPS);
            longer += 1;
        }
    }
    assert!(longer > n / 4, "the paths of far senders are cut: {longer}");
}

/// `check`'s human output of `design` (against `kenpo`) in `lang`.
fn checked(design: &str, lang: &str) -> String {
    let d = tempfile::tempdir().expect("tempdir");
    std::fs::write(d.path().join("d.myna"), design).expect("write");
    common::stdout(&run(
        d.path(),
        &["check", "--no-config", "--lang", lang, "d.myna"],
    ))
}

/// The help lines of `out`, with the code of the finding each belongs to.
fn helps(out: &str) -> Vec<(String, String)> {
    let mut code = String::new();
    let mut v = Vec::new();
    for l in out.lines() {
        if let Some(at) = l.find("[MN") {
            code = l[at + 1..at + 6].to_string();
        }
        let l = l.trim_start();
        if let Some(h) = l
            .strip_prefix("= help: ")
            .or_else(|| l.strip_prefix("= 対処: "))
        {
            v.push((code.clone(), h.to_string()));
        }
    }
    v
}

/// My Number data between the society and the person, or from an
/// employer, may rest on 番号法第19条第1号–第3号, which the notice does not
/// list (第2号 from a party role such as the employer's): the verdict stays MN101/MN105, and the help says to record the
/// basis in the rulebook, not only to drop the number.
#[test]
fn mynumber_intake_names_the_items_of_article_19_the_rulebook_lacks() {
    let design = "use \"kenpo\"\n\
        actor 適用 : 組合 \"適用システム\"\n\
        actor 人事 : 事業主 \"人事部\"\n\
        actor 加入者 : 本人\n\
        data 番号付資格 : 資格情報 mynumber\n\
        data 資格関連 : 資格関連情報\n\
        flow 人事 -> 適用 : 番号付資格 for 資格確認\n\
        flow 加入者 -> 適用 : 番号付資格 for 被扶養者認定\n\
        flow 適用 -> 加入者 : 資格関連 for 資格確認\n";
    let en = checked(design, "en");
    let h = helps(&en);
    let codes: Vec<&str> = h.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(codes, ["MN101", "MN101", "MN105"], "{en}");
    for (_, help) in &h {
        assert!(
            help.contains("record that basis in the rulebook as a `mynumber`"),
            "{en}"
        );
        assert!(
            !help.starts_with("do not send") && !help.starts_with("exchange"),
            "{en}"
        );
    }
    assert!(
        h[0].1.starts_with(
            "if 事業主 provides it under 第2号 (or as the person's agent, under 第3号)"
        ),
        "{en}"
    );
    assert!(
        en.contains("番号法第19条第2号 lets a 個人番号関係事務実施者"),
        "{en}"
    );
    assert!(
        h[1].1.starts_with("if the person provides it under 第3号"),
        "{en}"
    );
    assert!(en.contains("番号法第19条第3号 lets the person"), "{en}");
    assert!(
        h[2].1.starts_with("if 組合 provides it under 第1号"),
        "{en}"
    );
    assert!(
        h[2].1
            .ends_with("otherwise exchange this data only between 組合 → 他機関"),
        "{en}"
    );
    assert!(
        en.contains("番号法第19条第1号 lets a 個人番号利用事務実施者 such as 組合"),
        "{en}"
    );

    let ja = checked(design, "ja");
    let h = helps(&ja);
    assert_eq!(h.len(), 3, "{ja}");
    assert!(
        h[0].1.starts_with(
            "事業主が第2号に基づいて (又は本人の代理人として第3号に基づいて) 提供するのであれば"
        ),
        "{ja}"
    );
    assert!(
        h[1].1
            .starts_with("本人が第3号に基づいて提供するのであれば"),
        "{ja}"
    );
    assert!(
        h[2].1
            .starts_with("組合が第1号に基づいて提供するのであれば"),
        "{ja}"
    );
    assert!(
        ja.contains("番号法第19条第3号は、本人又はその代理人が"),
        "{ja}"
    );
    assert!(
        ja.contains("番号法第19条第1号は、組合のような個人番号利用事務実施者が"),
        "{ja}"
    );
}

/// Ordinary data for a purpose only rules of mynumber sections provide for
/// (7(2)) is MN202; the purpose is not called one of internal use, the
/// help names the category the rules allow, and consent, never a ground
/// under 番号法第19条, is not suggested.
#[test]
fn a_purpose_of_my_number_provision_is_not_called_internal() {
    let design = "use \"kenpo\"\n\
        actor 基幹 : 組合\n\
        actor NWS : 情報提供ネットワークシステム\n\
        actor 中間 : 中間サーバー\n\
        actor 市町村 : 他機関\n\
        data 資格 : 資格情報\n\
        flow 基幹 -> 市町村 : 資格 for 他機関資格確認事務 via 中間, NWS\n";
    let en = checked(design, "en");
    assert!(en.contains("error[MN202]"), "{en}");
    assert!(!en.contains("internal use only"), "{en}");
    assert!(!en.contains("consent and record"), "{en}");
    assert!(
        en.contains(
            "only 特定個人情報 of 資格関連情報, to 他機関, via 情報提供ネットワークシステム"
        ),
        "{en}"
    );
    assert_eq!(
        helps(&en),
        [("MN202".to_string(), "if this is that exchange, declare the item with the category it is (資格関連情報); if not, `他機関資格確認事務` is not its purpose: keep it inside 組合".to_string())],
        "{en}"
    );
    let ja = checked(design, "ja");
    assert!(!ja.contains("内部での利用目的"), "{ja}");
    assert!(!ja.contains("同意を得"), "{ja}");
    assert!(
        ja.contains("データ項目をそのカテゴリ (資格関連情報) で宣言してください"),
        "{ja}"
    );
}

/// An item of the umbrella category 特定個人情報 is MN101; the help lists
/// the narrower categories the rules cover for its roles and purpose.
#[test]
fn an_umbrella_mynumber_item_is_told_the_narrower_categories() {
    let design = "use \"kenpo\"\n\
        actor 基幹 : 組合\n\
        actor NWS : 情報提供ネットワークシステム\n\
        actor 市町村 : 他機関\n\
        data 特個 : 特定個人情報\n\
        flow 市町村 -> 基幹 : 特個 for 被扶養者認定 via NWS\n";
    let en = checked(design, "en");
    let h = helps(&en);
    assert_eq!(h.len(), 1, "{en}");
    assert_eq!(h[0].0, "MN101", "{en}");
    assert!(
        h[0].1
            .contains("for `被扶養者認定` the rules cover only 課税・非課税情報, 住民票関係情報"),
        "{en}"
    );
    assert!(!h[0].1.contains("do not send the My Number"), "{en}");
    let ja = checked(design, "ja");
    assert!(
        ja.contains("規則が対象とするのは 課税・非課税情報、住民票関係情報 だけです"),
        "{ja}"
    );
}
