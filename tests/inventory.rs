//! `mynaflow inventory`: the 特定個人情報 inventory and the records of
//! exchanges. Snapshots of examples/kenpo-society.myna (Markdown in both
//! languages and JSON, read line by line against the design), the JSON
//! validated against docs/inventory.schema.json, and the library's
//! inventory checked against what the designs say.

mod common;
use common::{mynaflow, stdout};

use mynaflow::code::Code;
use mynaflow::inventory::{Basis, Counterpart, Inventory};
use mynaflow::session::{RulebookSource, Session};
use std::path::Path;

const SOCIETY: &str = "examples/kenpo-society.myna";

fn snapshot(name: &str, text: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots");
    settings.bind(|| insta::assert_snapshot!(name, text));
}

fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let out = mynaflow(args);
    (
        out.status.code(),
        stdout(&out),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The inventory of a design checked with its own `use`, with a lookup of
/// actor and item names.
struct Drawn {
    session: Session,
    analysis: mynaflow::session::Analysis,
    inventory: Inventory,
}

fn draw(path: &Path) -> Drawn {
    let mut session = Session::new(RulebookSource::Builtin("kenpo".into()));
    let checked = session.check_path(path).expect("readable");
    let analysis = checked.analysis.expect("a design");
    let inventory = Inventory::compute(&analysis.design, &analysis.graph);
    Drawn {
        session,
        analysis,
        inventory,
    }
}

impl Drawn {
    fn actor(&self, a: mynaflow::model::ActorId) -> &str {
        &self.analysis.design.actor(a).name
    }
    /// Fails the test if the design has an error.
    fn assert_no_errors(&self) {
        let errors: Vec<_> = self
            .session
            .diagnostics
            .iter()
            .filter(|x| x.is_error())
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
    }
    /// Every (sender, receiver, route) pair the inventory records, by name.
    fn named_pairs(&self) -> impl Iterator<Item = (&str, &str, Vec<&str>)> + '_ {
        self.inventory.pairs().map(|(sender, r, route)| {
            (
                self.actor(sender),
                self.actor(r.receiver),
                route.iter().map(|a| self.actor(*a)).collect(),
            )
        })
    }
    /// The other end of a movement that names one actor.
    fn end(&self, c: Counterpart) -> &str {
        match c {
            Counterpart::Actor(a) => self.actor(a),
            Counterpart::Group(g) => panic!("a group: {g:?}"),
        }
    }
    fn item(&self, d: mynaflow::model::DataId) -> &str {
        &self.analysis.design.item(d).name
    }
    fn purpose(&self, p: mynaflow::model::PurposeId) -> &str {
        let rb = self.analysis.design.rulebook.as_deref().expect("rulebook");
        &rb.purpose(p).name
    }
}

/// What the schema finds wrong in `v`, one line per error.
fn schema_errors(validator: &jsonschema::Validator, v: &serde_json::Value) -> Vec<String> {
    validator
        .iter_errors(v)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
fn the_society_inventory_matches_its_design() {
    let d = draw(Path::new(SOCIETY));
    // The society design passes.
    d.assert_no_errors();
    let inv = &d.inventory;
    // Systems: the `self` actors that hold 特定個人情報, in declaration order.
    let systems: Vec<&str> = inv.systems.iter().map(|s| d.actor(s.actor)).collect();
    assert_eq!(
        systems,
        [
            "基幹システム",
            "適用システム",
            "給付システム",
            "会計システム"
        ]
    );

    // 適用システム receives 課税情報 from 市町村 twice (hop by hop and via),
    // for two purposes, and holds it for both.
    let tekiyo = &inv.systems[1];
    let tax = &tekiyo.holdings[0];
    assert_eq!(d.item(tax.item), "課税情報");
    assert!(!tax.own);
    let purposes: Vec<&str> = tax.purposes.iter().map(|p| d.purpose(*p)).collect();
    assert_eq!(purposes, ["被扶養者認定", "高齢受給者負担区分判定"]);
    for m in &tax.received {
        assert_eq!(d.end(m.counterpart), "市町村");
        let route: Vec<&str> = m.route.iter().map(|a| d.actor(*a)).collect();
        assert_eq!(route, ["情報提供NWS", "中間サーバー"]);
        assert!(matches!(m.basis, Some(Basis::Rule(_))));
    }
    // ... and passes it on inside the society for the purpose it came for.
    let onward: Vec<(&str, &str)> = tax
        .passed_on
        .iter()
        .map(|m| (d.end(m.counterpart), d.purpose(m.purpose.expect("purpose"))))
        .collect();
    assert_eq!(
        onward,
        [
            ("基幹システム", "被扶養者認定"),
            ("給付システム", "高齢受給者負担区分判定")
        ]
    );

    // The society's own records it provides under 7(2): no flow brings them.
    let d = &d;
    let own: Vec<(&str, &str)> = inv
        .systems
        .iter()
        .flat_map(|s| {
            s.holdings
                .iter()
                .filter(|h| h.own)
                .map(move |h| (d.actor(s.actor), d.item(h.item)))
        })
        .collect();
    assert_eq!(
        own,
        [
            ("基幹システム", "資格取得情報"),
            ("給付システム", "給付関連情報")
        ]
    );

    // No contractor handles 特定個人情報 in this design.
    assert!(
        inv.systems
            .iter()
            .all(|s| s.holdings.iter().all(|h| h.contractors.is_empty()))
    );

    // Records: every provision through the carriers, 7 in and 3 out (the
    // two-purpose 公金口座情報 flow is two exchanges), each allowed, each
    // from a group of one sender.
    assert_eq!(inv.records.len(), 10);
    assert!(inv.groups.iter().all(|g| g.senders.len() == 1));
    let records: Vec<(&str, &str, &str, &str)> = inv
        .pairs()
        .map(|(sender, r, _)| {
            (
                d.actor(sender),
                d.actor(r.receiver),
                d.item(r.item),
                d.purpose(r.purpose),
            )
        })
        .collect();
    assert_eq!(
        records,
        [
            ("市町村", "適用システム", "課税情報", "被扶養者認定"),
            ("市町村", "適用システム", "住民票情報", "被扶養者認定"),
            (
                "市町村",
                "適用システム",
                "課税情報",
                "高齢受給者負担区分判定"
            ),
            (
                "協会けんぽ",
                "適用システム",
                "前保険者資格情報",
                "被保険者資格取得"
            ),
            (
                "日本年金機構",
                "給付システム",
                "年金給付情報",
                "保険給付審査"
            ),
            ("デジタル庁", "基幹システム", "公金口座情報", "保険給付"),
            ("デジタル庁", "基幹システム", "公金口座情報", "保険料還付"),
            (
                "基幹システム",
                "日本年金機構",
                "資格取得情報",
                "他機関資格確認事務"
            ),
            (
                "基幹システム",
                "市町村",
                "資格取得情報",
                "他機関資格確認事務"
            ),
            ("給付システム", "市町村", "給付関連情報", "他機関給付事務"),
        ]
    );
    let rb = d.analysis.design.rulebook.as_deref().expect("rulebook");
    for r in &inv.records {
        let Basis::Rule(rule) = r.basis else {
            panic!("allowed: {r:?}")
        };
        let section = &rb.section(rb.rule(rule).section).id;
        let inbound =
            d.analysis.design.kind_of(r.receiver) == Some(mynaflow::model::RoleKind::SelfOrg);
        assert_eq!(section, if inbound { "7(1)" } else { "7(2)" });
    }
    // The carriers are listed as holding nothing of their own.
    let carriers: Vec<&str> = inv.carriers.iter().map(|a| d.actor(*a)).collect();
    assert_eq!(carriers, ["中間サーバー", "情報提供NWS"]);
}

#[test]
fn an_exchange_the_rulebook_refuses_is_recorded_with_its_finding() {
    // MN102: the society sends 課税情報 out through the network.
    let d = draw(Path::new("docs/codes/examples/MN102-wrong-direction.myna"));
    assert_eq!(d.inventory.records.len(), 1);
    assert_eq!(d.inventory.records[0].basis, Basis::Refused(Code::MN102));
    let (code, out, _) = run(&[
        "inventory",
        "docs/codes/examples/MN102-wrong-direction.myna",
        "--lang",
        "en",
    ]);
    assert_eq!(code, Some(0));
    assert!(
        out.contains("**not allowed (MN102: wrong direction)**"),
        "{out}"
    );
    // Without a carrier there is no record (MN104: straight from 市町村).
    let d = draw(Path::new("docs/codes/examples/MN104-wrong-channel.myna"));
    assert!(d.inventory.records.is_empty());
    assert_eq!(d.inventory.systems.len(), 1);
}

const ENTRUSTING_RULES: &str = "rulebook t \"entrusting\" revised 2025-04-01\n\
    role 組合 self\nrole 他機関\nrole NW carrier\nrole 委託先 contractor\n\
    category 特定 mynumber\ncategory 課税 mynumber in 特定\n\
    section \"8\" mynumber basis \"番号法第19条第8号\" {\n  purpose 認定\n\
      allow 他機関 -> 組合 : 課税 for 認定 via NW\n}\n\
    section \"6\" mynumber basis \"番号法第19条第6号\" {\n\
      allow 組合 -> 委託先 : 課税 for 認定\n}\n\
    contractor \"株式会社エックス\" for 認定\n";

const ENTRUSTING_DESIGN: &str = "use \"rules.myna\"\n\
    actor 受付 : 組合\nactor 台帳 : 組合\nactor 役所 : 他機関\nactor 網 : NW\n\
    actor X社 : 委託先 \"株式会社エックス\"\n\
    data 税 : 課税\n\
    flow 役所 -> 受付 : 税 for 認定 via 網\n\
    flow 受付 -> 台帳 : 税 for 認定\n\
    flow 台帳 -> X社 : 税 for 認定\n";

#[test]
fn contractors_that_handle_the_data_are_listed_under_entrusting_only() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("rules.myna"), ENTRUSTING_RULES).expect("write");
    let design = dir.path().join("design.myna");
    std::fs::write(&design, ENTRUSTING_DESIGN).expect("write");
    let d = draw(&design);
    d.assert_no_errors();
    let systems: Vec<&str> = d
        .inventory
        .systems
        .iter()
        .map(|s| d.actor(s.actor))
        .collect();
    assert_eq!(systems, ["受付", "台帳"]);
    let daicho = &d.inventory.systems[1].holdings[0];
    assert_eq!(daicho.contractors.len(), 1);
    assert_eq!(d.actor(daicho.contractors[0].0), "X社");
    assert_eq!(d.inventory.records.len(), 1, "only the exchange through 網");

    let design = design.to_string_lossy().into_owned();
    let (code, md, err) = run(&["inventory", &design, "--lang", "ja"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        md.contains("| 台帳 | 税 | X社 | 株式会社エックス | 認定 |"),
        "{md}"
    );
    // Entrusting is not provision: 4.1 lists nothing.
    let provision = md
        .split("### 4.1")
        .nth(1)
        .and_then(|s| s.split("### 4.2").next())
        .expect("section 4.1");
    assert!(provision.contains("ありません。"), "{provision}");
}

/// An item or a purpose written twice in one flow is carried once: the
/// inventory records one provision, and draws the design as it draws the
/// one that writes each name once (it listed the provision once per
/// repeat: four rows for `税, 税 for 認定, 認定`).
#[test]
fn a_name_written_twice_in_a_flow_is_one_exchange_and_one_record() {
    let once = "flow 役所 -> 受付 : 税 for 認定 via 網\n";
    let twice = "flow 役所 -> 受付 : 税, 税 for 認定, 認定 via 網\n";
    assert!(ENTRUSTING_DESIGN.contains(once));
    let mut drawn = Vec::new();
    for flow in [once, twice] {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("rules.myna"), ENTRUSTING_RULES).expect("write");
        let design = dir.path().join("design.myna");
        std::fs::write(&design, ENTRUSTING_DESIGN.replace(once, flow)).expect("write");
        let d = draw(&design);
        d.assert_no_errors();
        let exchanges = d.analysis.graph.exchanges.len();
        assert_eq!(d.inventory.records.len(), 1, "{flow}");
        let design = design.to_string_lossy().into_owned();
        let mut outputs = Vec::new();
        for format in ["md", "json"] {
            let (code, out, err) = run(&["inventory", &design, "--format", format]);
            assert_eq!(code, Some(0), "{err}");
            outputs.push(out.replace(&design, "DESIGN"));
        }
        let (code, check, _) = run(&["check", &design, "--format", "json"]);
        assert_eq!(code, Some(0), "{check}");
        drawn.push((exchanges, outputs));
    }
    assert_eq!(drawn[0], drawn[1]);
}

/// A system that only receives from a contractor lists it, as one that
/// passes the item on to it does (each movement's end is checked as it is
/// drawn, not read again when the holdings are listed).
#[test]
fn a_contractor_that_sends_the_data_back_is_listed_under_the_system_receiving_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rules = ENTRUSTING_RULES.replace(
        "allow 組合 -> 委託先 : 課税 for 認定\n",
        "allow 組合 <-> 委託先 : 課税 for 認定\n",
    );
    assert_ne!(rules, ENTRUSTING_RULES);
    std::fs::write(dir.path().join("rules.myna"), rules).expect("write");
    let design = dir.path().join("design.myna");
    let text = format!("{ENTRUSTING_DESIGN}actor 照会 : 組合\nflow X社 -> 照会 : 税 for 認定\n");
    std::fs::write(&design, text).expect("write");
    let d = draw(&design);
    d.assert_no_errors();
    let contractors = |system: &str| -> Vec<&str> {
        let s = d
            .inventory
            .systems
            .iter()
            .find(|s| d.actor(s.actor) == system)
            .expect("listed");
        s.holdings
            .iter()
            .flat_map(|h| h.contractors.iter().map(|(a, _)| d.actor(*a)))
            .collect()
    };
    assert_eq!(contractors("照会"), ["X社"], "received from X社");
    assert_eq!(contractors("台帳"), ["X社"], "passed on to X社");
    assert!(contractors("受付").is_empty(), "no contractor met");
}

fn schema() -> serde_json::Value {
    let text = std::fs::read_to_string("docs/inventory.schema.json").expect("the schema");
    serde_json::from_str(&text).expect("the schema is JSON")
}

#[test]
fn json_is_valid_against_the_documented_schema() {
    let validator = jsonschema::draft7::options()
        .build(&schema())
        .expect("the schema compiles");
    let designs = [
        SOCIETY,
        "docs/codes/examples/MN102-wrong-direction.myna",
        "docs/codes/examples/MN104-wrong-channel.myna",
        "docs/codes/examples/MN402-purpose-drift.myna",
        "tests/cases/multi-hop-drift.myna",
        "tests/cases/unused.myna",
    ];
    let mut society = serde_json::Value::Null;
    for path in designs {
        let (code, out, err) = run(&["inventory", path, "--format", "json"]);
        assert_eq!(code, Some(0), "{path}: {err}");
        let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
        let errors = schema_errors(&validator, &v);
        assert!(errors.is_empty(), "{path}:\n{}", errors.join("\n"));
        if path == SOCIETY {
            society = v;
        }
    }
    // The validator rejects what the schema forbids.
    for (pointer, bad) in [
        ("/version", serde_json::json!(1)),
        ("/records/0/senders", serde_json::json!("G1")),
        ("/sender_groups/0/included_in", serde_json::json!(["G1"])),
        (
            "/systems/0/holdings/0/received/0/group",
            serde_json::json!("S1"),
        ),
        ("/records/0/basis/code", serde_json::json!("E1")),
        ("/systems/0/holdings/0/own", serde_json::json!("no")),
    ] {
        let mut broken = society.clone();
        *broken.pointer_mut(pointer).expect(pointer) = bad.clone();
        assert!(!validator.is_valid(&broken), "{pointer} = {bad} passed");
    }
    let mut extra = society.clone();
    extra["unexpected"] = serde_json::json!(true);
    assert!(!validator.is_valid(&extra));
}

#[test]
fn json_is_the_same_in_every_language_and_output_is_deterministic() {
    let (_, en, _) = run(&["inventory", SOCIETY, "--format", "json", "--lang", "en"]);
    let (_, ja, _) = run(&["inventory", SOCIETY, "--format", "json", "--lang", "ja"]);
    assert_eq!(en, ja);
    let (_, a, _) = run(&["inventory", SOCIETY, "--lang", "ja"]);
    let (_, b, _) = run(&["inventory", SOCIETY, "--lang", "ja"]);
    assert_eq!(a, b);
}

#[test]
fn what_is_not_a_checkable_design_exits_2() {
    let (code, out, err) = run(&["inventory", "rules/kenpo.myna"]);
    assert_eq!(code, Some(2));
    assert!(out.is_empty());
    assert!(err.contains("is not a design"), "{err}");
    let (code, _, err) = run(&["inventory", "tests/cases/missing-rulebook.myna"]);
    assert_eq!(code, Some(2), "{err}");
    let (code, _, _) = run(&["inventory", "no/such/file.myna"]);
    assert_eq!(code, Some(2));
}

#[test]
fn snapshots_of_the_society_inventory() {
    for (name, args) in [
        ("inventory_society_md_ja", &["--lang", "ja"][..]),
        ("inventory_society_md_en", &["--lang", "en"][..]),
        ("inventory_society_json", &["--format", "json"][..]),
    ] {
        let mut all = vec!["inventory", SOCIETY];
        all.extend_from_slice(args);
        let (code, out, err) = run(&all);
        assert_eq!(code, Some(0), "{err}");
        assert!(err.is_empty(), "{err}");
        snapshot(name, &out);
    }
}

#[test]
fn every_example_and_case_gives_a_valid_inventory() {
    // Designs with syntax errors, unresolved names, carriers going nowhere,
    // refused exchanges: the inventory never panics, and its JSON always
    // fits the schema.
    let validator = jsonschema::draft7::options()
        .build(&schema())
        .expect("the schema compiles");
    let mut drawn = 0;
    for_each_analysed(|f, s, checked, a| {
        if a.design.rulebook.is_none() {
            return;
        }
        let inventory = Inventory::compute(&a.design, &a.graph);
        for lang in [mynaflow::text::Lang::En, mynaflow::text::Lang::Ja] {
            let doc = mynaflow::render::inventory_md::Doc {
                inventory: &inventory,
                design: &a.design,
                source: s.sources.get(checked),
                lang,
            };
            let md = mynaflow::render::inventory_md::render(&doc);
            assert!(md.contains("## 5. "), "{}", f.display());
            let v: serde_json::Value =
                serde_json::from_str(&mynaflow::render::inventory_json::render(&doc))
                    .expect("JSON");
            let errors = schema_errors(&validator, &v);
            assert!(errors.is_empty(), "{}:\n{}", f.display(), errors.join("\n"));
        }
        drawn += 1;
    });
    assert!(drawn > 40, "{drawn}");
}

/// Calls `visit` with each example's and case's path, session, file and
/// analysis (each checked against the built-in rulebook in a session of
/// its own; files that are not designs are skipped).
fn for_each_analysed(
    mut visit: impl FnMut(&Path, &Session, mynaflow::span::FileId, mynaflow::session::Analysis),
) {
    let files = mynaflow::session::collect_files(&[
        "examples".into(),
        "docs/codes/examples".into(),
        "tests/cases".into(),
    ])
    .expect("the folders");
    for f in &files {
        let mut s = Session::new(RulebookSource::Builtin("kenpo".into()));
        s.keep_computed = true;
        let Ok(checked) = s.check_path(f) else {
            continue;
        };
        if let Some(a) = checked.analysis {
            visit(f, &s, checked.file, a);
        }
    }
}

#[test]
fn freeing_the_graph_before_listing_the_holdings_draws_the_same_inventory() {
    // `mynaflow inventory` draws with `compute_freeing` from the verdicts
    // and holdings its checks computed, the library and the report with
    // `compute`, which works them out: one inventory, on every example
    // and case.
    let (mut drawn, mut verdicts, mut holdings) = (0, 0, 0);
    for_each_analysed(|f, _, _, a| {
        let kept = Inventory::compute(&a.design, &a.graph);
        verdicts += usize::from(a.computed.as_ref().is_some_and(|c| !c.mynumber.is_empty()));
        holdings += usize::from(a.computed.as_ref().is_some_and(|c| c.holdings.is_some()));
        let freed = Inventory::compute_freeing(&a.design, a.graph, a.computed);
        assert_eq!(kept, freed, "{}", f.display());
        drawn += usize::from(!kept.systems.is_empty());
    });
    // Designs whose systems hold 特定個人情報 (36 when written), whose
    // checks judged exchanges of it, and whose checks computed the
    // holdings (22 when written: only MN402 asks, and only when some
    // system passes 特定個人情報 on).
    assert!(drawn > 30, "{drawn}");
    assert!(verdicts > 20, "{verdicts}");
    assert!(holdings > 20, "{holdings}");
}

#[test]
fn each_sender_a_carrier_joins_keeps_its_own_record() {
    // Two 市町村 send through the same carriers, and two systems of the
    // society send out through them: the graph joins each pair into one
    // exchange (a check cannot tell them apart), the inventory lists each.
    let design = "use \"kenpo\"\n\
        actor 適用 : 組合\nactor 基幹 : 組合\nactor 給付 : 組合\n\
        actor 中間 : 中間サーバー\nactor NWS : 情報提供ネットワークシステム\n\
        actor 甲市 : 他機関\nactor 乙市 : 他機関\n\
        data 課税 : 課税・非課税情報\ndata 資格 : 資格関連情報\n\
        flow 甲市 -> NWS : 課税 for 被扶養者認定\n\
        flow 乙市 -> NWS : 課税 for 被扶養者認定\n\
        flow NWS -> 中間 : 課税 for 被扶養者認定\n\
        flow 中間 -> 適用 : 課税 for 被扶養者認定\n\
        flow 基幹 -> 中間 : 資格 for 他機関資格確認事務\n\
        flow 給付 -> 中間 : 資格 for 他機関資格確認事務\n\
        flow 中間 -> NWS : 資格 for 他機関資格確認事務\n\
        flow NWS -> 甲市 : 資格 for 他機関資格確認事務\n";
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("joined.myna");
    std::fs::write(&path, design).expect("write");
    let d = draw(&path);
    d.assert_no_errors();
    let grouped = d
        .analysis
        .graph
        .exchanges
        .iter()
        .filter(|e| e.senders > 1)
        .count();
    assert_eq!(grouped, 2, "the graph joins both pairs");
    // One record per exchange, naming a group of two senders; every pair
    // is still there, each with its whole route.
    assert_eq!(d.inventory.records.len(), 2);
    assert_eq!(d.inventory.groups.len(), 2);
    let records: Vec<(&str, &str, Vec<&str>)> = d.named_pairs().collect();
    assert_eq!(
        records,
        [
            ("甲市", "適用", vec!["NWS", "中間"]),
            ("乙市", "適用", vec!["NWS", "中間"]),
            ("基幹", "甲市", vec!["中間", "NWS"]),
            ("給付", "甲市", vec!["中間", "NWS"]),
        ]
    );
    // 適用 receives from the group, not from each of its senders.
    let tekiyo = &d.inventory.systems[0];
    assert_eq!(d.actor(tekiyo.actor), "適用");
    assert!(matches!(
        tekiyo.holdings[0].received.as_slice(),
        [m] if m.counterpart == Counterpart::Group(d.inventory.records[0].senders)
    ));
    // Both systems that send 資格 hold it as their own and pass it on.
    let own: Vec<(&str, usize)> = d
        .inventory
        .systems
        .iter()
        .flat_map(|s| {
            s.holdings
                .iter()
                .filter(|h| h.own)
                .map(move |h| (s.actor, h))
        })
        .map(|(a, h)| (d.actor(a), h.passed_on.len()))
        .collect();
    assert_eq!(own, [("基幹", 1), ("給付", 1)]);
}

/// The rows of the tables against the inventory they flatten.
fn rows_cover_the_inventory(d: &Drawn) {
    use mynaflow::model::RoleKind;
    let inv = &d.inventory;
    let design = &d.analysis.design;
    let holdings: usize = inv.systems.iter().map(|s| s.holdings.len()).sum();
    assert_eq!(inv.held().count(), holdings);
    let contractors: usize = inv.held().map(|h| h.holding.contractors.len()).sum();
    assert_eq!(inv.entrusted().count(), contractors);
    for r in inv.entrusted() {
        assert!(
            inv.held()
                .any(|h| h.system == r.system && h.holding == r.holding)
        );
    }
    let passed = inv.passed_on(design);
    // The kinds of the other end: one actor's, or those of a group's
    // receivers.
    let kinds = |c: Counterpart| -> Vec<Option<RoleKind>> {
        match c {
            Counterpart::Actor(a) => vec![design.kind_of(a)],
            Counterpart::Group(g) => inv
                .group(g)
                .receivers
                .iter()
                .map(|a| design.kind_of(*a))
                .collect(),
        }
    };
    for r in &passed.provided {
        assert!(
            kinds(r.movement.counterpart)
                .iter()
                .any(|k| !matches!(k, Some(RoleKind::SelfOrg | RoleKind::Contractor)))
        );
    }
    for r in &passed.transferred {
        assert!(kinds(r.movement.counterpart).contains(&Some(RoleKind::SelfOrg)));
    }
    // Every movement not only to contractors is in one list or both.
    let listed = |m: &mynaflow::inventory::Movement| {
        passed
            .provided
            .iter()
            .chain(&passed.transferred)
            .any(|r| std::ptr::eq(r.movement, m))
    };
    for m in inv.held().flat_map(|h| &h.holding.passed_on) {
        let to_others = kinds(m.counterpart)
            .iter()
            .any(|k| *k != Some(RoleKind::Contractor));
        assert_eq!(listed(m), to_others, "{m:?}");
    }
}

#[test]
fn the_table_rows_cover_every_holding_contractor_and_movement_once() {
    let society = draw(Path::new(SOCIETY));
    rows_cover_the_inventory(&society);
    let passed = society.inventory.passed_on(&society.analysis.design);
    assert!(!passed.provided.is_empty() && !passed.transferred.is_empty());

    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("rules.myna"), ENTRUSTING_RULES).expect("write");
    let design = dir.path().join("design.myna");
    std::fs::write(&design, ENTRUSTING_DESIGN).expect("write");
    let entrusting = draw(&design);
    rows_cover_the_inventory(&entrusting);
    let rows: Vec<_> = entrusting.inventory.entrusted().collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(entrusting.actor(rows[0].contractor), "X社");
    assert_eq!(entrusting.actor(rows[0].system), "台帳");
}

/// `n` bodies sending 課税 through both carriers to `n` systems, and `n`
/// systems sending 資格 back out to the same `n` bodies.
fn crowded_carrier(n: usize) -> String {
    let mut s = String::from(
        "use \"kenpo\"\n\
         actor 中間 : 中間サーバー\nactor NWS : 情報提供ネットワークシステム\n\
         data 課税 : 課税・非課税情報\ndata 資格 : 資格関連情報\n",
    );
    for i in 0..n {
        s.push_str(&format!("actor 市{i:03} : 他機関\nactor 系{i:03} : 組合\n"));
    }
    for i in 0..n {
        s.push_str(&format!("flow 市{i:03} -> NWS : 課税 for 被扶養者認定\n"));
        s.push_str(&format!(
            "flow 系{i:03} -> 中間 : 資格 for 他機関資格確認事務\n"
        ));
    }
    s.push_str("flow NWS -> 中間 : 課税 for 被扶養者認定\n");
    s.push_str("flow 中間 -> NWS : 資格 for 他機関資格確認事務\n");
    for i in 0..n {
        s.push_str(&format!("flow 中間 -> 系{i:03} : 課税 for 被扶養者認定\n"));
        s.push_str(&format!(
            "flow NWS -> 市{i:03} : 資格 for 他機関資格確認事務\n"
        ));
    }
    s
}

/// A direct sender's group is found only when a record names it (here at
/// the second flow); it still has the flow of the first and every
/// receiver, each once, in order.
#[test]
fn a_direct_senders_group_found_late_keeps_its_first_flow_and_every_receiver() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("late.myna");
    let design = "use \"kenpo\"\n\
         actor 基幹 : 組合\nactor 中間 : 中間サーバー\nactor NWS : 情報提供ネットワークシステム\n\
         actor 年金 : 他機関\nactor 市 : 他機関\n\
         data 資格 : 資格関連情報\n\
         flow 基幹 -> 市 : 資格 for 他機関資格確認事務\n\
         flow 基幹 -> 年金 : 資格 for 他機関資格確認事務 via 中間, NWS\n\
         flow 基幹 -> 市 : 資格 for 他機関資格確認事務\n\
         flow 基幹 -> 年金 : 資格 for 他機関資格確認事務 via 中間, NWS\n";
    std::fs::write(&path, design).expect("write");
    let d = draw(&path);
    // Each group's senders (with the index of their flow) and receivers.
    type Group<'a> = (Vec<(&'a str, usize)>, Vec<&'a str>);
    let groups: Vec<Group> = d
        .inventory
        .groups
        .iter()
        .map(|g| {
            let senders = g
                .senders
                .iter()
                .map(|s| (d.actor(s.actor), s.flow.index()))
                .collect();
            (senders, g.receivers.iter().map(|a| d.actor(*a)).collect())
        })
        .collect();
    assert_eq!(groups, [(vec![("基幹", 0)], vec!["市", "年金"])]);
    let records: Vec<(u32, &str, usize)> = d
        .inventory
        .records
        .iter()
        .map(|r| (r.senders.0, d.actor(r.receiver), r.flow.index()))
        .collect();
    assert_eq!(records, [(0, "年金", 1), (0, "年金", 3)]);
    // However the items are dealt, and on one thread or many.
    for parts in [1, 2, 5] {
        let again = Inventory::compute_in_parts(&d.analysis.design, &d.analysis.graph, parts);
        assert_eq!(again, d.inventory, "{parts} parts");
    }
}

/// A receiver a group's exchanges reach twice, with another between, is
/// listed once, where it is first reached.
#[test]
fn a_receiver_reached_again_is_listed_once_in_its_first_place() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("again.myna");
    let mut design = String::from(
        "use \"kenpo\"\n\
         actor 中間 : 中間サーバー\nactor NWS : 情報提供ネットワークシステム\n\
         data 課税 : 課税・非課税情報\n\
         actor 市A : 他機関\nactor 市B : 他機関\nactor 系1 : 組合\nactor 系2 : 組合\n\
         flow 市A -> NWS : 課税 for 被扶養者認定\n\
         flow 市B -> NWS : 課税 for 被扶養者認定\n\
         flow NWS -> 中間 : 課税 for 被扶養者認定\n",
    );
    // 系1, 系2, then 系1 again (through 中間 written out), then 系2 again.
    for (to, via) in [("系1", ""), ("系2", ""), ("系1", " via 中間"), ("系2", "")] {
        design.push_str(&format!("flow 中間 -> {to} : 課税 for 被扶養者認定{via}\n"));
    }
    std::fs::write(&path, design).expect("write");
    let d = draw(&path);
    d.assert_no_errors();
    let groups: Vec<(Vec<&str>, Vec<&str>)> = d
        .inventory
        .groups
        .iter()
        .map(|g| {
            let senders = g.senders.iter().map(|s| d.actor(s.actor)).collect();
            (senders, g.receivers.iter().map(|a| d.actor(*a)).collect())
        })
        .collect();
    assert_eq!(groups, [(vec!["市A", "市B"], vec!["系1", "系2"])]);
}

#[test]
fn many_senders_and_receivers_at_a_carrier_give_senders_plus_receivers_not_their_product() {
    const N: usize = 200;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("crowded.myna");
    std::fs::write(&path, crowded_carrier(N)).expect("write");
    let d = draw(&path);
    d.assert_no_errors();

    let path = path.to_string_lossy().into_owned();
    let (code, out, err) = run(&["inventory", &path, "--format", "json"]);
    assert_eq!(code, Some(0), "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let validator = jsonschema::draft7::options()
        .build(&schema())
        .expect("the schema compiles");
    assert!(validator.is_valid(&v));

    // One record per exchange (N in, N out), two groups of N senders, one
    // movement per system and item: 2N + 2 groups of N + 2N, not N × N.
    let records = v["records"].as_array().expect("records");
    let groups = v["sender_groups"].as_array().expect("groups");
    assert_eq!(records.len(), 2 * N);
    assert_eq!(groups.len(), 2);
    for g in groups {
        assert_eq!(g["senders"].as_array().expect("senders").len(), N);
        assert_eq!(g["receivers"].as_array().expect("receivers").len(), N);
    }
    let systems = v["systems"].as_array().expect("systems");
    assert_eq!(systems.len(), N);
    let movements: usize = systems
        .iter()
        .flat_map(|s| s["holdings"].as_array().expect("holdings"))
        .map(|h| {
            h["received"].as_array().expect("received").len()
                + h["passed_on"].as_array().expect("passed_on").len()
        })
        .sum();
    assert_eq!(movements, 2 * N);
    assert_eq!(v["summary"]["records"], 2 * N);
    assert_eq!(v["summary"]["sender_groups"], 2);
    assert_eq!(v["summary"]["senders"], 2 * N);
    assert_eq!(v["summary"]["includes"], 0);

    // Every (sender, receiver) pair is recoverable, each with its whole
    // route: a sender of the record's group, then the record's receiver.
    let by_id: std::collections::HashMap<&str, &serde_json::Value> = groups
        .iter()
        .map(|g| (g["id"].as_str().expect("id"), g))
        .collect();
    let mut pairs = std::collections::BTreeSet::new();
    for r in records {
        let group = by_id[r["senders"].as_str().expect("senders")];
        let after: Vec<&str> = r["route"]
            .as_array()
            .expect("route")
            .iter()
            .filter_map(|a| a.as_str())
            .collect();
        for s in group["senders"].as_array().expect("senders") {
            let mut route: Vec<&str> = s["route"]
                .as_array()
                .expect("route")
                .iter()
                .filter_map(|a| a.as_str())
                .collect();
            route.extend(&after);
            let fresh = pairs.insert((
                s["actor"]["name"].as_str().expect("name").to_string(),
                r["receiver"]["name"].as_str().expect("name").to_string(),
                r["item"].as_str().expect("item").to_string(),
                route.join(" "),
            ));
            assert!(fresh, "a pair twice");
        }
    }
    let mut expected = std::collections::BTreeSet::new();
    for i in 0..N {
        for j in 0..N {
            let (body, system) = (format!("市{i:03}"), format!("系{j:03}"));
            expected.insert((
                body.clone(),
                system.clone(),
                "課税".into(),
                "NWS 中間".into(),
            ));
            expected.insert((system, body, "資格".into(), "中間 NWS".into()));
        }
    }
    assert_eq!(pairs, expected);

    // The library's view says the same, and so do its pairs.
    assert_eq!(d.inventory.records.len(), 2 * N);
    assert_eq!(d.inventory.pairs().count(), 2 * N * N);

    // The Markdown names each sender once per language, not once per receiver.
    for lang in ["en", "ja"] {
        let (code, md, err) = run(&["inventory", &path, "--lang", lang]);
        assert_eq!(code, Some(0), "{err}");
        assert_eq!(
            md.matches("市007").count(),
            3,
            "{lang}: a sender and a receiver in 6.1, a receiver in 6.2"
        );
        assert!(
            md.lines().count() < 20 * N,
            "{lang}: {} lines",
            md.lines().count()
        );
    }

    // So does the HTML report's inventory: each group once, in its own table.
    let html = dir.path().join("r.html");
    let html_s = html.to_string_lossy().into_owned();
    let (code, _, err) = run(&["report", "--output", &html_s, &path, "--lang", "ja"]);
    assert_eq!(code, Some(0), "{err}");
    let page = std::fs::read_to_string(&html).expect("the page");
    let start = page
        .find("<details class=\"inventory\">")
        .expect("inventory");
    let section = &page[start..start + page[start..].find("</details>").expect("end")];
    assert!(section.contains("送り手のグループ"), "{section}");
    assert_eq!(
        section.matches("市007").count(),
        3,
        "S1's sender, S2's receiver, a record"
    );
    assert_eq!(section.matches("S2 の受け手").count(), N);
}

/// `n` bodies each sending 課税 into two of four first networks (`網A0`…),
/// which all carry it on to two second networks (`網B`, `網C`); `網B` feeds
/// the even 中間サーバー, `網C` the odd ones, and both feed `中間1`; each of
/// the `middles` 中間サーバー passes it on to three systems of its own.
fn carrier_chain(n: usize, middles: usize) -> String {
    let mut s = String::from(
        "use \"kenpo\"\n\
         data 課税 : 課税・非課税情報\n\
         actor 網B : 情報提供ネットワークシステム\n\
         actor 網C : 情報提供ネットワークシステム\n",
    );
    for k in 0..4 {
        s.push_str(&format!("actor 網A{k} : 情報提供ネットワークシステム\n"));
    }
    for i in 0..n {
        s.push_str(&format!("actor 市{i:02} : 他機関\n"));
    }
    for m in 0..middles {
        s.push_str(&format!("actor 中間{m} : 中間サーバー\n"));
        for j in 0..3 {
            s.push_str(&format!("actor 系{m}_{j} : 組合\n"));
        }
    }
    let flow = |from: &str, to: &str| format!("flow {from} -> {to} : 課税 for 被扶養者認定\n");
    for i in 0..n {
        for k in [i % 4, (i + 1) % 4] {
            s.push_str(&flow(&format!("市{i:02}"), &format!("網A{k}")));
        }
    }
    for k in 0..4 {
        s.push_str(&flow(&format!("網A{k}"), "網B"));
        s.push_str(&flow(&format!("網A{k}"), "網C"));
    }
    for m in 0..middles {
        let middle = format!("中間{m}");
        if m.is_multiple_of(2) || m == 1 {
            s.push_str(&flow("網B", &middle));
        }
        if m % 2 == 1 {
            s.push_str(&flow("網C", &middle));
        }
        for j in 0..3 {
            s.push_str(&flow(&middle, &format!("系{m}_{j}")));
        }
    }
    s
}

#[test]
fn a_sender_reached_through_many_carriers_is_listed_once_where_it_enters() {
    const MIDDLES: usize = 6;
    let validator = jsonschema::draft7::options()
        .build(&schema())
        .expect("the schema compiles");
    for n in [40, 80] {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("chain.myna");
        std::fs::write(&path, carrier_chain(n, MIDDLES)).expect("write");
        let d = draw(&path);
        d.assert_no_errors();
        let inv = &d.inventory;

        // One record per receiver; seven groups whatever `n`: the four
        // first networks (n/2 senders each: each body enters two), 網B and
        // 網C (each including the four), and 中間1 where both meet (the
        // other 中間サーバー only carry one of them on: their records name
        // it, with the 中間サーバー in their route). Each body is listed
        // twice (the two networks it enters), not once per 中間サーバー.
        assert_eq!(inv.records.len(), 3 * MIDDLES);
        assert_eq!(inv.groups.len(), 7);
        let listed: usize = inv.groups.iter().map(|g| g.senders.len()).sum();
        assert_eq!(listed, 2 * n);
        let includes: usize = inv.groups.iter().map(|g| g.joins.len()).sum();
        assert_eq!(includes, 4 + 4 + 2);
        let onward: usize = inv.groups.iter().map(|g| g.onward.len()).sum();
        assert_eq!(onward, includes);
        let receivers: usize = inv.groups.iter().map(|g| g.receivers.len()).sum();
        assert_eq!(receivers, 3 * MIDDLES);
        for r in &inv.records {
            let carrier = inv.group(r.senders).carrier.map(|c| d.actor(c));
            let after: Vec<&str> = r.route.iter().map(|a| d.actor(*a)).collect();
            let middle = match after.as_slice() {
                [] => "中間1",
                [m] => m,
                other => panic!("{other:?}"),
            };
            let expected = match middle {
                "中間1" => "中間1",
                m if m.ends_with(['0', '2', '4']) => "網B",
                _ => "網C",
            };
            assert_eq!(carrier, Some(expected), "{middle}");
        }

        // Every (sender, receiver) pair is there once, with a route the
        // data can take: into one of its two first networks, on through
        // 網B or 網C, to the receiver's 中間サーバー.
        let mut pairs = std::collections::BTreeSet::new();
        for (body, receiver, route) in d.named_pairs() {
            let i: usize = body.trim_start_matches('市').parse().expect("a body");
            let m = &receiver["系".len()..receiver.find('_').expect("系m_j")];
            let [first, second, middle] = route.as_slice() else {
                panic!("{body} → {receiver}: {route:?}")
            };
            let firsts = [format!("網A{}", i % 4), format!("網A{}", (i + 1) % 4)];
            assert!(firsts.iter().any(|f| f == first), "{body}: {route:?}");
            assert_eq!(*middle, format!("中間{m}"));
            let m: usize = m.parse().expect("m");
            let via_b = m.is_multiple_of(2) || m == 1;
            let via_c = m % 2 == 1;
            assert!(
                (*second == "網B" && via_b) || (*second == "網C" && via_c),
                "{body} → {receiver}: {route:?}"
            );
            assert!(pairs.insert((body, receiver)), "{body} → {receiver} twice");
        }
        assert_eq!(pairs.len(), n * 3 * MIDDLES);

        // The JSON says the same, in the documented shape, and so does the
        // Markdown: each body named twice, in 6.1, in either language.
        let path = path.to_string_lossy().into_owned();
        let (code, out, err) = run(&["inventory", &path, "--format", "json"]);
        assert_eq!(code, Some(0), "{err}");
        let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
        let errors = schema_errors(&validator, &v);
        assert!(errors.is_empty(), "{}", errors.join("\n"));
        assert_eq!(v["summary"]["sender_groups"], 7);
        assert_eq!(v["summary"]["records"], 3 * MIDDLES);
        assert_eq!(v["summary"]["senders"], 2 * n);
        assert_eq!(v["summary"]["includes"], 10);
        for lang in ["en", "ja"] {
            let (code, md, err) = run(&["inventory", &path, "--lang", lang]);
            assert_eq!(code, Some(0), "{err}");
            assert_eq!(md.matches("市07").count(), 2, "{lang}");
        }
    }
}

#[test]
fn a_carrier_cycle_is_walked_once_and_loses_no_sender() {
    // 網1 and 網2 carry 課税 to each other: each meeting is found once, and
    // both bodies still reach 適用 (through the cycle for 甲市).
    let design = "use \"kenpo\"\n\
        actor 適用 : 組合\nactor 中間 : 中間サーバー\n\
        actor 網1 : 情報提供ネットワークシステム\nactor 網2 : 情報提供ネットワークシステム\n\
        actor 甲市 : 他機関\nactor 乙市 : 他機関\n\
        data 課税 : 課税・非課税情報\n\
        flow 甲市 -> 網1 : 課税 for 被扶養者認定\n\
        flow 乙市 -> 網2 : 課税 for 被扶養者認定\n\
        flow 網1 -> 網2 : 課税 for 被扶養者認定\n\
        flow 網2 -> 網1 : 課税 for 被扶養者認定\n\
        flow 網2 -> 中間 : 課税 for 被扶養者認定\n\
        flow 中間 -> 適用 : 課税 for 被扶養者認定\n";
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("cycle.myna");
    std::fs::write(&path, design).expect("write");
    let d = draw(&path);
    let pairs: std::collections::BTreeSet<(&str, &str, Vec<&str>)> = d.named_pairs().collect();
    let expected: std::collections::BTreeSet<(&str, &str, Vec<&str>)> = [
        ("乙市", "適用", vec!["網2", "中間"]),
        ("甲市", "適用", vec!["網1", "網2", "中間"]),
    ]
    .into_iter()
    .collect();
    assert_eq!(pairs, expected);
    let path = path.to_string_lossy().into_owned();
    let (code, out, err) = run(&["inventory", &path, "--format", "json"]);
    assert_eq!(code, Some(0), "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let validator = jsonschema::draft7::options()
        .build(&schema())
        .expect("the schema compiles");
    assert!(validator.is_valid(&v), "{out}");
}

#[test]
fn purposes_only_a_use_beyond_purpose_brings_are_marked_untraced() {
    let path = Path::new("tests/cases/drift-round-a-cycle.myna");
    let d = draw(path);
    let rb = d.analysis.design.rulebook.as_deref().expect("kenpo");
    let mut got: Vec<(String, Vec<String>, Vec<String>)> = Vec::new();
    for s in &d.inventory.systems {
        for h in &s.holdings {
            let names = |ps: &[mynaflow::model::PurposeId]| -> Vec<String> {
                ps.iter().map(|p| rb.purpose(*p).name.clone()).collect()
            };
            got.push((
                d.actor(s.actor).to_string(),
                names(&h.purposes),
                names(&h.untraced),
            ));
        }
    }
    let row = |a: &str, held: &[&str], untraced: &[&str]| {
        let owned = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        (a.to_string(), owned(held), owned(untraced))
    };
    // 基幹 obtained 課税情報 lawfully for 被扶養者認定 only; 給付 has it
    // only through 基幹's use beyond purpose; 適用's 年金給付情報 comes
    // back round for 医療費分析, which no one outside gave it for.
    let mut want = vec![
        row("基幹", &["被扶養者認定", "保険給付"], &["保険給付"]),
        row("給付", &["保険給付"], &["保険給付"]),
        row("適用", &["保険給付審査", "医療費分析"], &["医療費分析"]),
        row("会計", &["医療費分析"], &["医療費分析"]),
        row("分析", &["医療費分析"], &["医療費分析"]),
    ];
    let key = |r: &(String, Vec<String>, Vec<String>)| r.0.clone();
    got.sort_by_key(key);
    want.sort_by_key(key);
    for r in got.iter_mut().chain(want.iter_mut()) {
        r.1.sort();
    }
    assert_eq!(got, want);
    // And nothing is untraced where every purpose traces outside.
    let society = draw(Path::new("examples/kenpo-society.myna"));
    assert!(
        society
            .inventory
            .systems
            .iter()
            .flat_map(|s| &s.holdings)
            .all(|h| h.untraced.is_empty())
    );
    // Both formats say so, in both languages.
    for (lang, says) in [
        (
            "en",
            "- 課税情報: 保険給付; not obtained lawfully for 保険給付 (only a use beyond purpose upstream brings it, MN402)",
        ),
        (
            "ja",
            "- 課税情報: 保険給付。適法な入手の経路がない目的: 保険給付 (上流の目的外利用によってのみ届きます。MN402)",
        ),
    ] {
        let (_, md, _) = run(&[
            "inventory",
            "tests/cases/drift-round-a-cycle.myna",
            "--format",
            "md",
            "--lang",
            lang,
        ]);
        assert!(md.contains(says), "{md}");
    }
    let (_, json, _) = run(&[
        "inventory",
        "tests/cases/drift-round-a-cycle.myna",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(v["systems"][1]["name"], "給付");
    assert_eq!(
        v["systems"][1]["holdings"][0]["untraced_purposes"],
        serde_json::json!(["保険給付"])
    );
}

/// The (line, code) of every verdict the inventory's JSON carries: on
/// movements, records, contractors' exchanges (by their movements) and
/// what contractors pass on.
fn codes_in_inventory(v: &serde_json::Value) -> std::collections::BTreeSet<(u64, String)> {
    let mut out = std::collections::BTreeSet::new();
    let mut add = |line: &serde_json::Value, code: &serde_json::Value| {
        if let (Some(l), Some(c)) = (line.as_u64(), code.as_str()) {
            out.insert((l, c.to_string()));
        }
    };
    for s in v["systems"].as_array().expect("systems") {
        for h in s["holdings"].as_array().expect("holdings") {
            for m in (h["received"].as_array().into_iter().flatten())
                .chain(h["passed_on"].as_array().into_iter().flatten())
            {
                add(&m["line"], &m["basis"]["code"]);
            }
        }
    }
    for r in v["records"].as_array().expect("records") {
        add(&r["line"], &r["basis"]["code"]);
    }
    for x in v["passed_on_by_contractors"].as_array().expect("list") {
        add(&x["line"], &x["code"]);
    }
    out
}

/// The (line, code) of every finding `check` reports on a flow of the
/// design that the inventory shows: MN1xx, MN301, MN302, MN402.
fn codes_in_check(design: &str) -> std::collections::BTreeSet<(u64, String)> {
    let (_, out, err) = run(&["check", design, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).expect(&err);
    (v["diagnostics"].as_array().expect("diagnostics").iter())
        .filter_map(|d| {
            let code = d["code"].as_str()?;
            let shown = code.starts_with("MN1") || ["MN301", "MN302", "MN402"].contains(&code);
            shown.then(|| (d["line"].as_u64().expect("line"), code.to_string()))
        })
        .collect()
}

/// Writes `files` into a fresh directory; the path of the last.
fn written(files: &[(&str, &str)]) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write");
    }
    let last = files.last().expect("a file").0;
    let path = dir.path().join(last).to_string_lossy().into_owned();
    (dir, path)
}

const DELEGATION_RULES: &str = "rulebook r \"r\" revised 2025-10-01\n\
    role 本部 self\nrole 受託 contractor\nrole 他社\n\
    category 番号付データ mynumber\n\
    section \"S\" \"委託\" mynumber basis \"番号法第19条第6号\" {\n\
      purpose 収集委託 \"番号収集の委託\"\n\
      allow 本部 -> 受託 : 番号付データ for 収集委託\n}\n\
    contractor \"株式会社A\" for 収集委託\n\
    contractor \"株式会社C\" for 収集委託\n";

const DELEGATION_DESIGN: &str = "use \"rb.myna\"\n\
    actor 基幹 : 本部\n\
    actor A社 : 受託 \"株式会社A\"\n\
    actor B社 : 受託 \"株式会社B\"\n\
    actor C社 : 受託 \"株式会社C\"\n\
    actor D社 : 他社\n\
    data 台帳 : 番号付データ\n\
    flow 基幹 -> A社 : 台帳 for 収集委託\n\
    flow 基幹 -> B社 : 台帳 for 収集委託\n\
    flow A社 -> B社 : 台帳 for 収集委託\n\
    flow A社 -> C社 : 台帳 for 収集委託\n\
    flow C社 -> D社 : 台帳 for 収集委託\n";

/// An entrustment a rule allows to a contractor not registered for the
/// purpose is MN301 in `check`, and so in the inventory (it was recorded
/// as allowed by the rule's section); what contractors pass on (再委託,
/// MN302 unless the receiver is registered; provision to a party) is
/// listed with its verdict (it appeared nowhere).
#[test]
fn entrusting_and_re_entrusting_carry_the_findings_check_reports() {
    let (_dir, design) = written(&[("rb.myna", DELEGATION_RULES), ("d.myna", DELEGATION_DESIGN)]);
    let (code, json, err) = run(&["inventory", &design, "--format", "json"]);
    assert_eq!(code, Some(0), "{err}");
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let validator = jsonschema::draft7::options()
        .build(&schema())
        .expect("the schema compiles");
    let errors = schema_errors(&validator, &v);
    assert!(errors.is_empty(), "{}", errors.join("\n"));

    let from_check = codes_in_check(&design);
    let want: std::collections::BTreeSet<(u64, String)> =
        [(9, "MN301"), (10, "MN302"), (12, "MN302")]
            .into_iter()
            .map(|(l, c)| (l, c.to_string()))
            .collect();
    assert_eq!(from_check, want, "the design's findings");
    assert!(codes_in_inventory(&v).is_superset(&from_check), "{json}");

    let holding = &v["systems"][0]["holdings"][0];
    let passed: Vec<(&str, u64, bool, Option<&str>)> = (holding["passed_on"].as_array())
        .expect("passed_on")
        .iter()
        .map(|m| {
            let b = &m["basis"];
            let line = m["line"].as_u64().expect("line");
            let allowed = b["allowed"].as_bool().expect("allowed");
            (
                m["actor"]["name"].as_str().expect("name"),
                line,
                allowed,
                b["code"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        passed,
        [("A社", 8, true, None), ("B社", 9, false, Some("MN301"))]
    );
    assert_eq!(holding["passed_on"][0]["basis"]["section"], "S");
    let contractors = holding["contractors"].as_array().expect("contractors");
    assert_eq!(contractors[1]["name"], "B社");
    assert_eq!(contractors[1]["bases"][0]["code"], "MN301");
    assert_eq!(contractors[0]["bases"][0]["citation"], "番号法第19条第6号");

    /// Contractor, receiver, re-entrusting, allowed, code, line.
    type Onward<'a> = (&'a str, &'a str, bool, bool, Option<&'a str>, u64);
    let onward: Vec<Onward> = (v["passed_on_by_contractors"]
        .as_array()
        .expect("list")
        .iter())
    .map(|x| {
        (
            x["contractor"]["name"].as_str().expect("name"),
            x["receiver"]["name"].as_str().expect("name"),
            x["reentrusting"].as_bool().expect("bool"),
            x["allowed"].as_bool().expect("bool"),
            x["code"].as_str(),
            x["line"].as_u64().expect("line"),
        )
    })
    .collect();
    assert_eq!(
        onward,
        [
            ("A社", "B社", true, false, Some("MN302"), 10),
            ("A社", "C社", true, true, None, 11),
            ("C社", "D社", false, false, Some("MN302"), 12),
        ]
    );

    for (lang, rows) in [
        (
            "en",
            [
                "| 基幹 | 台帳 | A社 | 株式会社A | 収集委託 | section S (番号法第19条第6号) |",
                "| 基幹 | 台帳 | B社 | 株式会社B | 収集委託 | **not allowed (MN301: contractor not registered for this purpose)** |",
                "| A社 | 台帳 | B社 (受託) | 株式会社B | 収集委託 | direct | **not allowed (MN302: re-entrustment or provision to an unregistered party)** | 10 |",
                "| A社 | 台帳 | C社 (受託) | 株式会社C | 収集委託 | direct | registered contractor for the purpose | 11 |",
            ],
        ),
        (
            "ja",
            [
                "| 基幹 | 台帳 | A社 | 株式会社A | 収集委託 | S (番号法第19条第6号) |",
                "| 基幹 | 台帳 | B社 | 株式会社B | 収集委託 | **認められていません (MN301: この利用目的で登録されていない委託先)** |",
                "| A社 | 台帳 | B社 (受託) | 株式会社B | 収集委託 | 直接 | **認められていません (MN302: 登録されていない相手への再委託・提供)** | 10 |",
                "| A社 | 台帳 | C社 (受託) | 株式会社C | 収集委託 | 直接 | 目的について登録された委託先 | 11 |",
            ],
        ),
    ] {
        let (code, md, err) = run(&["inventory", &design, "--lang", lang]);
        assert_eq!(code, Some(0), "{err}");
        let entrusting = md
            .split("## 3.")
            .nth(1)
            .and_then(|s| s.split("## 4.").next())
            .expect("section 3");
        for row in rows {
            assert!(entrusting.contains(row), "{lang}: {row}\n{entrusting}");
        }
        assert!(
            entrusting.contains("| C社 | 台帳 | D社 (他社) |"),
            "{entrusting}"
        );
    }
}

/// The built-in rulebook has no mynumber rule for entrusting: the
/// entrustment is MN101, and section 3 says so (it listed it unmarked).
#[test]
fn an_entrustment_no_rule_allows_is_marked_in_section_3() {
    let text = "use \"kenpo\"\n\
        actor 適用システム : 組合\n\
        actor 大和総研 : 委託先 \"株式会社大和総研\"\n\
        data 番号付資格 : 資格情報 mynumber\n\
        flow 適用システム -> 大和総研 : 番号付資格 for 資格データ処理委託\n";
    let (_dir, design) = written(&[("d.myna", text)]);
    let (_, md, _) = run(&["inventory", &design]);
    assert!(
        md.contains("| 適用システム | 番号付資格 | 大和総研 | 株式会社大和総研 | 資格データ処理委託 | **not allowed (MN101: no legal basis for this My Number data)** |"),
        "{md}"
    );
    let (_, json, _) = run(&["inventory", &design, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert!(codes_in_inventory(&v).is_superset(&codes_in_check(&design)));
}

/// A contractor the data passes on its way (`via`) handles it: section 3
/// names it with the finding (MN104), and never says no contractor
/// handles 特定個人情報.
#[test]
fn a_contractor_on_the_route_is_listed_under_entrusting_with_its_finding() {
    let text = "use \"kenpo\"\n\
        actor 適用システム : 組合 \"適用システム\"\n\
        actor 情報提供NWS  : 情報提供ネットワークシステム\n\
        actor 市町村       : 他機関 \"住所地の市町村\"\n\
        actor 大和総研     : 委託先 \"株式会社大和総研\"\n\
        data 資格関連   : 資格関連情報\n\
        flow 適用システム -> 市町村 : 資格関連 for 他機関資格確認事務 via 大和総研, 情報提供NWS\n";
    let (_dir, design) = written(&[("d.myna", text)]);
    assert_eq!(
        codes_in_check(&design),
        [(7, "MN104".to_string())].into_iter().collect()
    );
    for (lang, row, denial) in [
        (
            "en",
            "| 適用システム | 資格関連 | 大和総研 | 株式会社大和総研 | 他機関資格確認事務 | on the route (`via`): **not allowed (MN104: wrong channel)** |",
            "No contractor handles",
        ),
        (
            "ja",
            "| 適用システム | 資格関連 | 大和総研 | 株式会社大和総研 | 他機関資格確認事務 | 経路上 (`via`): **認められていません (MN104: 経路違い)** |",
            "委託先は特定個人情報を取り扱いません",
        ),
    ] {
        let (code, md, err) = run(&["inventory", &design, "--lang", lang]);
        assert_eq!(code, Some(0), "{err}");
        assert!(md.contains(row), "{lang}: {md}");
        assert!(!md.contains(denial), "{lang}: {md}");
    }
    let (_, json, _) = run(&["inventory", &design, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let c = &v["systems"][0]["holdings"][0]["contractors"][0];
    assert_eq!(c["name"], "大和総研");
    assert_eq!(c["only_on_route"], true);
    assert_eq!(c["bases"][0]["code"], "MN104");
    assert_eq!(c["missing_clauses"], false);
}

/// A transfer between the society's systems that `check` reports as a use
/// beyond purpose (MN402) is marked in 4.2 and carries the finding in the
/// JSON (4.2 listed it unmarked, the JSON's basis was null).
#[test]
fn a_transfer_used_beyond_purpose_is_marked_in_4_2() {
    let text = "use \"kenpo\"\n\
        actor 適用システム : 組合 \"適用システム\"\n\
        actor 給付システム : 組合 \"給付システム\"\n\
        actor 情報提供NWS  : 情報提供ネットワークシステム\n\
        actor 市町村       : 他機関 \"住所地の市町村\"\n\
        data 課税情報   : 課税・非課税情報\n\
        flow 市町村 -> 適用システム : 課税情報 for 被扶養者認定 via 情報提供NWS\n\
        flow 適用システム -> 給付システム : 課税情報 for 保険給付\n";
    let (_dir, design) = written(&[("d.myna", text)]);
    assert_eq!(
        codes_in_check(&design),
        [(8, "MN402".to_string())].into_iter().collect()
    );
    for (lang, row) in [
        (
            "en",
            "| 適用システム | 給付システム | 課税情報 | 保険給付 | **not allowed (MN402: use beyond purpose inside the society)** |",
        ),
        (
            "ja",
            "| 適用システム | 給付システム | 課税情報 | 保険給付 | **認められていません (MN402: 目的外利用)** |",
        ),
    ] {
        let (_, md, _) = run(&["inventory", &design, "--lang", lang]);
        let transfers = md.split("### 4.2").nth(1).expect("4.2");
        assert!(transfers.contains(row), "{lang}: {transfers}");
    }
    let (_, json, _) = run(&["inventory", &design, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert!(codes_in_inventory(&v).is_superset(&codes_in_check(&design)));
}

/// A contractor whose contract misses required clauses (MN303) is marked
/// where section 3 lists it.
#[test]
fn a_contractor_whose_contract_misses_clauses_is_marked_in_section_3() {
    let text = "use \"kenpo\"\n\
        actor 適用システム : 組合\n\
        actor 大和総研 : 委託先 \"株式会社大和総研\" { clauses 守秘義務 }\n\
        data 番号付資格 : 資格情報 mynumber\n\
        flow 適用システム -> 大和総研 : 番号付資格 for 資格データ処理委託\n";
    let (_dir, design) = written(&[("d.myna", text)]);
    let (_, md, _) = run(&["inventory", &design]);
    assert!(
        md.contains("**not allowed (MN101: no legal basis for this My Number data)**, **MN303: contractor's contract misses required clauses** |"),
        "{md}"
    );
    let (_, json, _) = run(&["inventory", &design, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(
        v["systems"][0]["holdings"][0]["contractors"][0]["missing_clauses"],
        true
    );
    // With `require-clauses`, a contractor declared without a `clauses`
    // block is MN303 too: the inventory reads the options `check` ran with.
    let bare = text.replace(" { clauses 守秘義務 }", "");
    let (_dir, design) = written(&[
        ("mynaflow.toml", "require-clauses = true\n"),
        ("d.myna", &bare),
    ]);
    let (_, json, _) = run(&["inventory", &design, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(
        v["systems"][0]["holdings"][0]["contractors"][0]["missing_clauses"],
        true
    );
}
