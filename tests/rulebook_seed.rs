//! The built-in rulebook against the notice it encodes
//! (`tests/fixtures/kenpo-notice.txt`, a copy of the seed): every bullet of
//! sections 1–8, every row of 別表(1) and every item of 別表(2) has its
//! counterpart, and the rulebook loads without a finding. The register is
//! also compared, row for row, with KENPO.md's table (docs/design/KENPO.md).

use mynaflow::checks::{MyNumberVerdict, ProvisionVerdict, evaluate_exchange, evaluate_provision};
use mynaflow::code::Code;
use mynaflow::model::{Contractor, RoleId, RoleKind, RuleId, Rulebook};
use mynaflow::names::key;
use mynaflow::session::{RulebookSource, Session};
use mynaflow::span::Span;
use std::collections::BTreeSet;
use std::sync::Arc;

const NOTICE: &str = include_str!("fixtures/kenpo-notice.txt");
/// The design contract's mapping of the notice (a copy of KENPO.md).
const KENPO_MD: &str = include_str!("../docs/design/KENPO.md");

fn kenpo() -> Arc<Rulebook> {
    let mut s = Session::new(RulebookSource::Builtin("kenpo".into()));
    let rb = s
        .load_rulebook(&RulebookSource::Builtin("kenpo".into()))
        .expect("kenpo loads");
    assert!(
        s.diagnostics.is_empty(),
        "kenpo has findings: {:#?}",
        s.diagnostics
    );
    rb
}

/// (section id like "3(2)", bullet text) for every bullet of sections 1–8.
fn bullets() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let (mut major, mut minor) = (0, 0);
    for line in NOTICE.lines().take_while(|l| !l.starts_with("最終改定")) {
        let t = line.trim().trim_start_matches("- ").trim();
        if let Some((n, _)) = t.split_once(". ")
            && let Ok(n) = n.parse::<u32>()
        {
            (major, minor) = (n, 0);
        } else if let Some(rest) = t.strip_prefix('(')
            && let Some((n, _)) = rest.split_once(')')
            && let Ok(n) = n.parse::<u32>()
        {
            minor = n;
        } else if let Some(b) = t.strip_prefix('・') {
            out.push((format!("{major}({minor})"), b.trim().to_string()));
        }
    }
    out
}

#[test]
fn the_notice_is_read_as_expected() {
    let b = bullets();
    let count = |s: &str| b.iter().filter(|(id, _)| id == s).count();
    // The counts printed in the notice, section by section.
    let expected = [
        ("1(1)", 1),
        ("1(2)", 4),
        ("2(1)", 4),
        ("2(2)", 1),
        ("3(1)", 4),
        ("3(2)", 10),
        ("4(1)", 2),
        ("4(2)", 2),
        ("4(3)", 2),
        ("5(1)", 1),
        ("5(2)", 3),
        ("6(1)", 3),
        ("6(2)", 3),
        ("6(3)", 1),
        ("7(1)", 5),
        ("7(2)", 2),
        ("8(1)", 1),
        ("8(2)", 1),
    ];
    for (id, n) in expected {
        assert_eq!(count(id), n, "bullets of {id}");
    }
    assert_eq!(b.len(), expected.iter().map(|e| e.1).sum::<usize>());
}

#[test]
fn every_purpose_bullet_of_sections_1_to_6_and_8_1_is_a_purpose_with_its_wording() {
    let rb = kenpo();
    for (section, bullet) in bullets() {
        if section.starts_with('7') || section == "8(2)" {
            continue; // data items, checked against the rules below
        }
        let p = rb
            .purposes
            .iter()
            .find(|p| p.label.as_deref() == Some(bullet.as_str()))
            .unwrap_or_else(|| panic!("{section}: no purpose labelled 「{bullet}」"));
        assert_eq!(
            rb.section(p.section).id,
            section,
            "purpose {} is in the wrong section",
            p.name
        );
    }
}

fn role(rb: &Rulebook, n: &str) -> RoleId {
    rb.role_named(n).unwrap_or_else(|| panic!("role {n}"))
}

/// (section, bullet index, from, to, categories, purposes).
type Bullet = (
    &'static str,
    usize,
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
);

/// Sections 7 and 8, bullet by bullet: what each allows.
#[test]
fn every_bullet_of_sections_7_and_8_is_allowed_by_a_rule_of_its_section() {
    let rb = kenpo();
    let nw = [role(&rb, "情報提供ネットワークシステム")];
    let table: &[Bullet] = &[
        (
            "7(1)",
            0,
            "他機関",
            "組合",
            &["給付情報"],
            &["保険給付審査"],
        ),
        (
            "7(1)",
            1,
            "他機関",
            "組合",
            &["課税・非課税情報"],
            &["高齢受給者負担区分判定"],
        ),
        (
            "7(1)",
            2,
            "他機関",
            "組合",
            &["他機関資格情報"],
            &["被保険者資格取得"],
        ),
        (
            "7(1)",
            3,
            "他機関",
            "組合",
            &["課税・非課税情報", "住民票関係情報"],
            &["被扶養者認定"],
        ),
        (
            "7(1)",
            4,
            "他機関",
            "組合",
            &["公金受取口座情報"],
            &["保険給付", "保険料還付"],
        ),
        (
            "7(2)",
            0,
            "組合",
            "他機関",
            &["保険給付関連情報"],
            &["他機関給付事務"],
        ),
        (
            "7(2)",
            1,
            "組合",
            "他機関",
            &["資格関連情報"],
            &["他機関資格確認事務"],
        ),
    ];
    let all = bullets();
    for (section, index, from, to, categories, purposes) in table {
        let in_section: Vec<&String> = all
            .iter()
            .filter(|(s, _)| s == section)
            .map(|(_, b)| b)
            .collect();
        let bullet = in_section[*index];
        for c in *categories {
            for p in *purposes {
                let cat = rb
                    .category_named(c)
                    .unwrap_or_else(|| panic!("category {c}"));
                assert!(rb.category(cat).mynumber, "{c} must be 特定個人情報");
                let purpose = rb.purpose_named(p).unwrap_or_else(|| panic!("purpose {p}"));
                let v = evaluate_exchange(&rb, role(&rb, from), role(&rb, to), cat, purpose, &nw);
                let MyNumberVerdict::Allowed(rule) = v else {
                    panic!(
                        "{section} 「{bullet}」: {from} -> {to} {c} for {p} is not allowed ({v:?})"
                    )
                };
                assert_eq!(rb.section(rb.rule(rule).section).id, *section);
                assert_eq!(
                    rb.rule_ref(rule).1.as_deref(),
                    Some("番号法第19条第7号"),
                    "the notice's own citation"
                );
                // Without the network it is not allowed: the channel matters.
                assert!(matches!(
                    evaluate_exchange(&rb, role(&rb, from), role(&rb, to), cat, purpose, &[]),
                    MyNumberVerdict::Refused(mynaflow::checks::MyNumberRefusal::NearestMiss {
                        first: mynaflow::checks::Miss::Channel,
                        ..
                    })
                ));
            }
        }
    }
    assert_eq!(table.iter().filter(|t| t.0 == "7(1)").count(), 5);
    assert_eq!(table.iter().filter(|t| t.0 == "7(2)").count(), 2);

    // Section 8 is not an Article 19 exchange: ordinary categories.
    let ols = role(&rb, "オンライン資格確認等システム");
    let kumiai = role(&rb, "組合");
    for (from, to, c, p) in [
        (kumiai, ols, "資格情報", "資格・健診データ登録"),
        (kumiai, ols, "特定健診データ", "資格・健診データ登録"),
        (ols, kumiai, "特定健診データ", "特定健診等"),
    ] {
        let cat = rb.category_named(c).expect("category");
        assert!(!rb.category(cat).mynumber, "{c} is ordinary");
        let purpose = rb.purpose_named(p).expect("purpose");
        let v = evaluate_provision(&rb, from, to, cat, purpose, &[]);
        let ProvisionVerdict::Allowed(rule) = v else {
            panic!("8: {c} for {p}: {v:?}")
        };
        assert!(rb.section(rb.rule(rule).section).id.starts_with('8'));
    }
}

/// The notice's task (委託業務の内容) → the purpose KENPO.md maps it to.
const TASKS: &[(&str, &str)] = &[
    ("海外療養費に係る保険医療費算定", "海外療養費算定委託"),
    ("被保険者等の資格等のデータ処理", "資格データ処理委託"),
    ("健康診断（特定健康診査を含む）", "健康診断委託"),
    ("保健指導（特定保健指導を含む）", "保健指導委託"),
    ("生活習慣改善支援", "保健事業委託"),
    ("健康相談", "健康相談委託"),
    (
        "健康診断の予約受付、費用の精算及び健診結果の分析等",
        "共同健診委託",
    ),
    ("医療費通知", "医療費通知委託"),
    (
        "ジェネリック医薬品利用促進通知の作成及び送付",
        "ジェネリック通知",
    ),
    ("ポリファーマシー通知の作成及び送付", "ポリファーマシー通知"),
    ("歯科健診", "歯科健診委託"),
    ("レセプトデータの内容点検及び審査", "レセプト点検委託"),
    ("柔道整復の療養費支給申請書等の内容点検等", "柔整点検委託"),
    ("医療費分析及び医療費通知に係るデータ処理", "医療費分析委託"),
    (
        "健診データ及びレセプトデータの分析処理及び個人の健康状態に応じた個別性の高い情報提供（Pep Up）",
        "健診レセプト分析委託",
    ),
    (
        "被扶養者資格確認調査、夫婦共同扶養調査等",
        "扶養資格調査委託",
    ),
    (
        "個人情報の記録された大量のドキュメントの廃棄",
        "文書廃棄委託",
    ),
];

/// What a register row names: `name:株式会社JMDC` or `role:健診機関`, by key.
fn registrant(rb: &Rulebook, c: &Contractor) -> String {
    match c.role {
        Some(r) => format!("role:{}", key(&rb.role(r).name)),
        None => format!("name:{}", key(&c.legal_name)),
    }
}

/// Every register row of the rulebook: (registrant, purpose), one per
/// `contractor` statement and purpose, in register order.
fn rulebook_rows(rb: &Rulebook) -> Vec<(String, String)> {
    let mut rows: Vec<(Span, String, String)> = rb
        .contractors
        .iter()
        .flat_map(|c| {
            c.rows.iter().flat_map(move |row| {
                row.purposes
                    .iter()
                    .map(move |p| (row.span, registrant(rb, c), rb.purpose(*p).name.clone()))
            })
        })
        .collect();
    rows.sort_by_key(|r| r.0.start);
    rows.into_iter().map(|(_, n, p)| (n, p)).collect()
}

/// 別表(1) of the notice, row by row: (task, name as printed).
fn notice_rows() -> Vec<(String, String)> {
    let register = NOTICE
        .split("(1) 委託業務の内容及び委託先事業者の名称")
        .nth(1)
        .expect("別表(1)");
    let register = register
        .split("(2) 委託契約")
        .next()
        .expect("end of 別表(1)");
    let mut task = "";
    let mut out = Vec::new();
    for line in register.lines().skip(1).filter(|l| l.contains('\t')) {
        let (t, name) = line.split_once('\t').expect("tab");
        if t == "委託業務の内容" {
            continue;
        }
        if !t.is_empty() {
            task = t;
        }
        out.push((task.to_string(), name.to_string()));
    }
    out
}

/// The notice's 「契約先医療機関及び健診機関」 is the role 健診機関.
fn notice_registrant(name: &str) -> String {
    if name == "契約先医療機関及び健診機関" {
        "role:健診機関".into()
    } else {
        format!("name:{}", key(name))
    }
}

/// 別表(1): one `contractor` statement per row of the notice, in its
/// order, each for the purpose its task maps to.
#[test]
fn the_register_follows_the_notice_row_for_row() {
    let rb = kenpo();
    let notice = notice_rows();
    assert_eq!(notice.len(), 27, "rows of 別表(1)");
    let expected: Vec<(String, String)> = notice
        .iter()
        .map(|(task, name)| {
            let purpose = TASKS
                .iter()
                .find(|(t, _)| t == task)
                .unwrap_or_else(|| panic!("task 「{task}」 not mapped"))
                .1;
            (notice_registrant(name), purpose.to_string())
        })
        .collect();
    assert_eq!(rulebook_rows(&rb), expected);
    let statements: usize = rb.contractors.iter().map(|c| c.rows.len()).sum();
    assert_eq!(statements, 27, "one statement per row");
}

/// KENPO.md's register table (docs/design/KENPO.md, a copy of the design
/// contract), row for row: the same (registrant, purpose) pairs, no more.
#[test]
fn the_register_matches_kenpo_md() {
    let rb = kenpo();
    let table = KENPO_MD
        .split("## Contractor register")
        .nth(1)
        .expect("KENPO.md has the register")
        .lines()
        .filter(|l| l.starts_with('|'))
        .skip(2); // the header and the |---| line
    let mut expected = BTreeSet::new();
    for line in table {
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        let [names, purposes] = cells.as_slice() else {
            panic!("row {line}")
        };
        for name in names.split(", ") {
            let who = match name.strip_prefix("role ") {
                Some(r) => format!("role:{}", key(r)),
                None => format!("name:{}", key(name)),
            };
            for p in purposes.split("; ") {
                // "保健事業委託 (生活習慣改善支援)": the task in brackets is a note.
                let p = p.split(" (").next().unwrap_or(p).trim();
                assert!(rb.purpose_named(p).is_some(), "KENPO.md purpose {p}");
                expected.insert((who.clone(), p.to_string()));
            }
        }
    }
    let got: BTreeSet<(String, String)> = rulebook_rows(&rb).into_iter().collect();
    assert_eq!(got, expected);
}

/// The register as the checks read it: a name in several rows has them
/// all; the tasks of 健診等委託 are its sub-purposes.
#[test]
fn registration_follows_the_purpose_tree() {
    let rb = kenpo();
    let itaku = role(&rb, "委託先");
    let p = |n: &str| rb.purpose_named(n).unwrap_or_else(|| panic!("purpose {n}"));
    // 株式会社大和総研 appears in four rows; a label points at the row.
    let daiwa = rb.contractor(rb.contractor_named("株式会社大和総研").expect("registered"));
    assert_eq!(daiwa.rows.len(), 4);
    for (row, purpose) in [
        "資格データ処理委託",
        "医療費通知委託",
        "医療費分析委託",
        "扶養資格調査委託",
    ]
    .iter()
    .enumerate()
    {
        assert!(
            rb.registered("株式会社大和総研", itaku, p(purpose)),
            "{purpose}"
        );
        assert_eq!(rb.row_for(daiwa, p(purpose)), daiwa.rows[row].span);
    }
    // A flow for the bullet may go to a contractor of any task ...
    assert!(rb.registered("株式会社法研", itaku, p("健診等委託")));
    assert!(rb.registered("RIZAP株式会社", itaku, p("健診等委託")));
    // ... a flow for a task only to that task's contractors.
    assert!(rb.registered("RIZAP株式会社", itaku, p("保健指導委託")));
    assert!(!rb.registered("株式会社法研", itaku, p("保健指導委託")));
    assert!(!rb.registered("RIZAP株式会社", itaku, p("歯科健診委託")));
    // 健診機関 is registered as a role, for 健康診断委託 (and so its bullet).
    let kenshin = role(&rb, "健診機関");
    assert!(rb.registered("〇〇クリニック", kenshin, p("健康診断委託")));
    assert!(rb.registered("〇〇クリニック", kenshin, p("健診等委託")));
    assert!(!rb.registered("〇〇クリニック", kenshin, p("保健指導委託")));
    for sub in [
        "健康診断委託",
        "保健指導委託",
        "健康相談委託",
        "歯科健診委託",
    ] {
        assert_eq!(rb.purpose(p(sub)).parent, Some(p("健診等委託")), "{sub}");
    }
    // The society may give 健診データ to 健診機関 for the bullet.
    let cat = rb.category_named("健診データ").expect("category");
    let v = evaluate_provision(&rb, role(&rb, "組合"), kenshin, cat, p("健康診断委託"), &[]);
    assert!(matches!(v, ProvisionVerdict::Allowed(_)), "健診機関: {v:?}");
}

/// Sections 1–6: every rule goes from the society (data coming in needs
/// only a declared purpose), and 6(2)'s inquiries go to 医療機関 and
/// 他保険者 only.
#[test]
fn ordinary_rules_go_from_the_society_and_inquiries_to_insurers_only() {
    let rb = kenpo();
    for (i, r) in rb.rules.iter().enumerate() {
        let section = &rb.section(r.section).id;
        if section.starts_with(['1', '2', '3', '4', '5', '6']) {
            assert_eq!(
                rb.role(r.from).kind,
                RoleKind::SelfOrg,
                "{section}: {}",
                rb.rule_text(RuleId::new(i as u32))
            );
        }
    }
    let p = rb.purpose_named("保険者間照会").expect("purpose");
    let mut to: Vec<&str> = rb
        .rules
        .iter()
        .filter(|r| r.purposes.contains(&p))
        .map(|r| rb.role(r.to).name.as_str())
        .collect();
    to.sort();
    assert_eq!(to, ["他保険者", "医療機関"]);
    let tahoken = role(&rb, "他保険者");
    assert_eq!(rb.role(tahoken).parent, Some(role(&rb, "他機関")));
    // Not to every other agency.
    let cat = rb.category_named("給付記録").expect("category");
    let kumiai = role(&rb, "組合");
    assert!(matches!(
        evaluate_provision(&rb, kumiai, tahoken, cat, p, &[]),
        ProvisionVerdict::Allowed(_)
    ));
    assert!(!matches!(
        evaluate_provision(&rb, kumiai, role(&rb, "他機関"), cat, p, &[]),
        ProvisionVerdict::Allowed(_)
    ));
}

/// `rules check` on the built-in rulebook: exactly the notice's outdated
/// citation (7(1), 7(2)) and the two purposes no contractor is registered
/// for (1(2) 高額医療費自動支払, 6(2) 保健事業).
#[test]
fn rules_check_reports_exactly_the_seeds_known_problems() {
    let rb = kenpo();
    let found: Vec<(Code, String)> = mynaflow::rulecheck::check(&rb)
        .into_iter()
        .map(|d| (d.code, d.message.en))
        .collect();
    let count = |c: Code| found.iter().filter(|f| f.0 == c).count();
    assert_eq!(found.len(), 4, "{found:#?}");
    assert_eq!(count(Code::MN601), 2, "{found:#?}");
    assert!(
        found
            .iter()
            .any(|f| f.1.starts_with("section 7(1) cites `番号法第19条第7号`"))
    );
    assert!(
        found
            .iter()
            .any(|f| f.1.starts_with("section 7(2) cites `番号法第19条第7号`"))
    );
    assert_eq!(count(Code::MN604), 2, "{found:#?}");
    assert!(found.iter().any(|f| f.1.contains("`高額医療費自動支払`")));
    assert!(found.iter().any(|f| f.1.contains("`保健事業`")));
}

/// 別表(2): the ten clauses, with the notice's wording.
#[test]
fn every_required_clause_is_declared() {
    let rb = kenpo();
    let items: Vec<&str> = NOTICE
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- "))
        .filter(|l| l.starts_with(['①', '②', '③', '④', '⑤', '⑥', '⑦', '⑧', '⑨', '⑩']))
        .collect();
    assert_eq!(items.len(), 10);
    assert_eq!(rb.clauses.len(), 10);
    for (item, clause) in items.iter().zip(&rb.clauses) {
        assert_eq!(
            clause.label.as_deref(),
            Some(*item),
            "clause {}",
            clause.name
        );
    }
}

#[test]
fn the_rulebook_carries_the_notice_date() {
    let rb = kenpo();
    assert!(NOTICE.contains("最終改定：2024年12月4日"));
    assert_eq!(rb.revised.as_deref(), Some("2024-12-04"));
}
