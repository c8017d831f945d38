//! What the compliance audit of the built-in rulebook against the society's
//! notice found misleading, in English and Japanese: an inbound rule cited
//! for a provision (MN202), an inert rule called narrower by `rules diff`
//! and shown as a limit by `rules show`, a receiver on the rule's way
//! (MN203), and wording.

mod common;

use std::path::Path;

/// `check` of a design in `lang`, human output (findings expected).
fn checked(design: &str, lang: &str) -> String {
    let out = common::mynaflow(&["check", "--no-config", "--lang", lang, design]);
    assert_eq!(out.status.code(), Some(1), "{}", common::stdout(&out));
    common::stdout(&out)
}

/// The output of a command that succeeds.
fn ok(args: &[&str]) -> String {
    let out = common::mynaflow(args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        common::stdout(&out),
        String::from_utf8_lossy(&out.stderr)
    );
    common::stdout(&out)
}

/// The lines of `text` that begin (after spaces) with `head`.
fn lines_with<'a>(text: &'a str, head: &str) -> Vec<&'a str> {
    (text.lines())
        .filter(|l| l.trim_start().starts_with(head))
        .collect()
}

const INBOUND: &str = "tests/cases/provision-inbound-rule.myna";
const ON_THE_WAY: &str = "tests/cases/mn203-receiver-on-the-way.myna";

#[test]
fn an_inbound_rule_is_not_cited_for_a_provision() {
    // 8(2) lets the society receive 特定健診データ from the system; it
    // says nothing of what the society may provide for 特定健診等. Both
    // provisions for it get the same words.
    let en = checked(INBOUND, "en");
    assert!(
        !en.contains("which allows providing other data only"),
        "{en}"
    );
    assert!(!en.contains("send only 特定健診データ"), "{en}");
    assert!(!en.contains("オンライン資格確認等システム -> 組合"), "{en}");
    let why = lines_with(
        &en,
        "= no rule allows 組合 to provide data for `特定健診等`",
    );
    assert_eq!(why.len(), 2, "{en}");
    let ja = checked(INBOUND, "ja");
    assert!(
        !ja.contains("この目的で提供できるのは別のデータだけです"),
        "{ja}"
    );
    let why = lines_with(
        &ja,
        "= 「特定健診等」のために組合が提供することを認める規則はありません",
    );
    assert_eq!(why.len(), 2, "{ja}");
}

#[test]
fn data_handed_to_a_contractor_is_not_called_provided() {
    let en = checked(INBOUND, "en");
    assert!(
        en.contains("`給付記録` is handed to 分析委託先 (委託先) for `医療費分析`"),
        "{en}"
    );
    let ja = checked(INBOUND, "ja");
    assert!(
        ja.contains("「給付記録」を「医療費分析」のために分析委託先 (委託先)に渡していますが"),
        "{ja}"
    );
    // To a party that is no contractor, it is provision.
    assert!(
        ja.contains("オン資 (オンライン資格確認等システム)へ提供していますが"),
        "{ja}"
    );
}

#[test]
fn a_receiver_on_the_rules_way_is_told_to_be_passed_via() {
    let en = checked(ON_THE_WAY, "en");
    let help = lines_with(&en, "= help:");
    assert_eq!(help.len(), 1, "{en}");
    assert!(
        help[0].contains("write the flow to an actor whose role is 審査支払機関, `via` オン資 (`flow 給付システム -> 支払基金 : 加入者情報 for レセプト振替 via オン資`)"),
        "{en}"
    );
    assert!(
        help[0].contains("for オンライン資格確認等システム is no carrier"),
        "{en}"
    );
    assert!(!en.contains("send it to an actor whose role is"), "{en}");
    let ja = checked(ON_THE_WAY, "ja");
    let help = lines_with(&ja, "= 対処:");
    assert_eq!(help.len(), 1, "{ja}");
    assert!(
        help[0].contains("役割が「審査支払機関」のアクターへのフローとし、オン資を `via` で経由させてください (`flow 給付システム -> 支払基金 : 加入者情報 for レセプト振替 via オン資`)"),
        "{ja}"
    );
    assert!(
        help[0].contains("オンライン資格確認等システムは経路 (carrier) ではないため"),
        "{ja}"
    );
    // The verdict is the contract's: only the hop to the system is refused.
    assert_eq!(lines_with(&en, "error[").len(), 1, "{en}");
}

/// kenpo, and kenpo without its 8(2) rule (the society receives
/// 特定健診データ from the online system), in a folder with a design.
fn without_8_2() -> tempfile::TempDir {
    let kenpo = ok(&["rules", "export", "kenpo"]);
    let rule = "allow オンライン資格確認等システム -> 組合 : 特定健診データ for 特定健診等";
    let lines: Vec<&str> = kenpo.lines().collect();
    let kept: Vec<&str> = (lines.iter().copied())
        .filter(|l| !l.trim_start().starts_with(rule))
        .collect();
    assert_eq!(kept.len() + 1, lines.len(), "one 8(2) rule");
    let d = tempfile::tempdir().expect("tempdir");
    std::fs::write(d.path().join("old.myna"), kenpo.as_bytes()).expect("write");
    std::fs::write(d.path().join("new.myna"), kept.join("\n") + "\n").expect("write");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join(INBOUND);
    let design = std::fs::read_to_string(src).expect("read");
    let design = design.replace("use \"kenpo\"", "use \"old.myna\"")
        + "actor 保健 : 組合 \"保健事業システム\"\n\
           data レセプト : レセプトデータ\n\
           flow オン資 -> 保健 : 資格情報, 特定健診結果, レセプト for 特定健診等\n";
    std::fs::write(d.path().join("design.myna"), design).expect("write");
    d
}

#[test]
fn removing_an_inbound_ordinary_rule_decides_no_verdict() {
    let d = without_8_2();
    let at = |f: &str| d.path().join(f).to_string_lossy().into_owned();
    let (old, new, design) = (at("old.myna"), at("new.myna"), at("design.myna"));
    let en = ok(&[
        "rules", "diff", &old, &new, "--impact", &design, "--lang", "en",
    ]);
    assert!(!en.contains("narrower (allows less)"), "{en}");
    assert!(
        en.contains("23 pairs: 0 broader, 0 narrower, 0 both, 23 same"),
        "{en}"
    );
    assert!(
        en.contains("8(2) オンライン資格確認等システム -> 組合: same: decides no verdict (its sender is not `self`"),
        "{en}"
    );
    assert!(en.contains("no flow changes verdict"), "{en}");
    let ja = ok(&["rules", "diff", &old, &new, "--lang", "ja"]);
    assert!(
        ja.contains("8(2) オンライン資格確認等システム -> 組合: 変わらず: 判定には影響しません"),
        "{ja}"
    );
    assert!(!ja.contains("狭まった (認める範囲が減った)"), "{ja}");
    let json = ok(&["rules", "diff", &old, &new, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let pair = (v["pairs"].as_array().expect("pairs").iter())
        .find(|p| p["section"] == "8(2)")
        .expect("the 8(2) pair");
    assert_eq!(pair["breadth"], "same", "{pair}");
    assert_eq!(pair["decides_no_verdict"], true, "{pair}");
    assert_eq!(v["summary"]["narrower"], 0, "{json}");
    // An unchanged rulebook has nothing to say of it.
    let same = ok(&["rules", "diff", &old, &old, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&same).expect("JSON");
    let listed = (v["pairs"].as_array().expect("pairs").iter())
        .filter(|p| p["decides_no_verdict"] == true)
        .count();
    assert_eq!(listed, 0, "{same}");
}

#[test]
fn rules_show_marks_a_rule_check_does_not_judge() {
    let en = ok(&["rules", "show", "8(2)", "--no-config", "--lang", "en"]);
    assert!(
        en.contains("(not checked by `check`: ordinary data is judged by rules only when 組合 provides it, and what 組合 receives needs only a purpose; the rule records the notice)"),
        "{en}"
    );
    let ja = ok(&["rules", "show", "8(2)", "--no-config", "--lang", "ja"]);
    assert!(ja.contains("(`check` はこの規則で判定しません。"), "{ja}");
    // The society's own provision is judged: no mark.
    let own = ok(&["rules", "show", "8(1)", "--no-config", "--lang", "en"]);
    assert!(!own.contains("not checked"), "{own}");
}

#[test]
fn coverage_says_a_rule_it_matches_decides_no_verdict() {
    let en = ok(&["coverage", "--no-config", "--lang", "en", INBOUND]);
    let rule = "allow オンライン資格確認等システム -> 組合 : 特定健診データ for 特定健診等";
    let at = en.find(rule).expect("the 8(2) rule is listed");
    assert!(
        en[at..].lines().nth(1).is_some_and(|l| l.trim()
            == "(not checked by `check`: ordinary data 組合 receives needs only a purpose)"),
        "{en}"
    );
    let ja = ok(&["coverage", "--no-config", "--lang", "ja", INBOUND]);
    assert!(
        ja.contains(
            "(`check` はこの規則で判定しません。組合が受け取る個人情報は利用目的だけで判定します)"
        ),
        "{ja}"
    );
}

#[test]
fn the_reports_rule_table_says_it_too() {
    let d = tempfile::tempdir().expect("tempdir");
    let page = d.path().join("r.html").to_string_lossy().into_owned();
    let design = Path::new(env!("CARGO_MANIFEST_DIR")).join(INBOUND);
    let design = design.to_string_lossy().into_owned();
    for (lang, said) in [
        (
            "en",
            "not checked by `check`: what the society receives needs only a purpose",
        ),
        (
            "ja",
            "`check` はこの規則で判定しません (受け取る個人情報は利用目的だけで判定します)",
        ),
    ] {
        let out = common::mynaflow(&[
            "report",
            "--no-config",
            "--lang",
            lang,
            &design,
            "-o",
            &page,
        ]);
        assert!(
            out.status.code().is_some_and(|c| c <= 1),
            "{}",
            common::stdout(&out)
        );
        let html = std::fs::read_to_string(&page).expect("the report");
        assert_eq!(html.matches(said).count(), 1, "{lang}");
    }
}

#[test]
fn rules_show_and_list_say_what_a_renumbered_basis_is_now() {
    let views = [
        &["rules", "show", "7(1)"][..],
        &["rules", "list"],
        &["rules", "show"],
    ];
    for args in views {
        let mut en_args = args.to_vec();
        en_args.extend(["--no-config", "--lang", "en"]);
        let en = ok(&en_args);
        assert!(
            en.contains("note: the rulebook cites 番号法第19条第7号 as its notice does; that provision has been 番号法第19条第8号 since 2021-09-01"),
            "{en}"
        );
        let mut ja_args = args.to_vec();
        ja_args.extend(["--no-config", "--lang", "ja"]);
        let ja = ok(&ja_args);
        assert!(
            ja.contains("注: ルールブックは公表文どおり番号法第19条第7号と引用しています。この規定は2021年(令和3年)9月1日から番号法第19条第8号です"),
            "{ja}"
        );
    }
}

/// A design entrusting data to a company not registered, and a contractor
/// passing data to the employer.
const ENTRUSTING: &str = "use \"kenpo\"\n\
actor 基幹 : 組合 \"基幹システム\"\n\
actor 未登録 : 委託先 \"株式会社未登録\"\n\
actor 委託先A : 委託先 \"株式会社大和総研\"\n\
actor 事業主 : 事業主 \"〇〇株式会社\"\n\
data 健診 : 健診データ\n\
data 資格 : 資格情報\n\
flow 基幹 -> 未登録 : 健診 for 健康診断委託\n\
flow 基幹 -> 委託先A : 資格 for 資格データ処理委託\n\
flow 委託先A -> 事業主 : 資格 for 資格データ処理委託\n";

#[test]
fn contractor_texts_name_roles_as_roles_and_join_names_tightly() {
    let d = tempfile::tempdir().expect("tempdir");
    std::fs::write(d.path().join("d.myna"), ENTRUSTING).expect("write");
    let path = d.path().join("d.myna").to_string_lossy().into_owned();
    let en = checked(&path, "en");
    assert!(
        en.contains("help: contractors registered for `健康診断委託`: actors of role 健診機関, 一般財団法人日本健康文化振興会"),
        "{en}"
    );
    let ja = checked(&path, "ja");
    assert!(
        ja.contains("対処: 「健康診断委託」の委託先: 役割「健診機関」のアクター、一般財団法人日本健康文化振興会"),
        "{ja}"
    );
    assert!(
        ja.contains("組合の委託先ではない事業主に渡しています"),
        "{ja}"
    );
    assert!(!ja.contains(" に渡しています"), "{ja}");
}

#[test]
fn explain_mn101_names_the_article_the_exchanges_are_under() {
    let en = ok(&["explain", "MN101", "--lang", "en"]);
    assert!(
        en.contains("The society's exchanges\nunder 第19条 are"),
        "{en}"
    );
    let ja = ok(&["explain", "MN101", "--lang", "ja"]);
    assert!(ja.contains("組合が第19条に基づいて行うやり取りは"), "{ja}");
    assert!(!ja.contains("これに基づいて"), "{ja}");
}

#[test]
fn japanese_explain_pages_say_role_and_actor_in_japanese() {
    for code in ["MN104", "MN202"] {
        let ja = ok(&["explain", code, "--lang", "ja"]);
        assert!(!ja.contains("ロール"), "{code}: {ja}");
        assert!(!ja.contains("ない actor"), "{code}: {ja}");
    }
}
