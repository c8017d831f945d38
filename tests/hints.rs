//! What the findings tell the designer to do, and the fixes they offer,
//! where the eighth audit found them misleading: each help and note says
//! what the rules allow, in English and Japanese, and no fix turns a
//! refused design into a different one that passes.

mod common;

use std::path::Path;

/// `check` of a design of the project in `lang`, human output.
fn checked(design: &str, lang: &str) -> String {
    let out = common::mynaflow(&["check", "--no-config", "--lang", lang, design]);
    assert_eq!(out.status.code(), Some(1), "{}", common::stdout(&out));
    common::stdout(&out)
}

/// `check --fix --unsafe-fixes` of a copy of `design`: the copy's text.
fn fixed(design: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("d.myna");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join(design);
    std::fs::copy(src, &f).unwrap();
    let path = f.to_str().unwrap();
    common::mynaflow(&["check", "--no-config", "--fix", "--unsafe-fixes", path]);
    std::fs::read_to_string(&f).unwrap()
}

/// The flows of a design, without their comments.
fn flows(text: &str) -> Vec<&str> {
    (text.lines())
        .filter(|l| l.starts_with("flow "))
        .map(|l| l.split("   #").next().unwrap_or(l).trim_end())
        .collect()
}

/// The diagnostics of `check --format json` of a design of the project.
fn diagnostics(design: &str) -> Vec<serde_json::Value> {
    let out = common::mynaflow(&["check", "--no-config", "--format", "json", design]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    v["diagnostics"].as_array().cloned().unwrap_or_default()
}

/// How many fixes a JSON diagnostic offers (the key is left out when
/// there are none).
fn fixes(d: &serde_json::Value) -> usize {
    d.get("fixes")
        .and_then(|f| f.as_array())
        .map_or(0, |f| f.len())
}

const PASSES_ON: &str = "tests/cases/mn102-passes-on.myna";

/// Reversed, a flow that passes on what its sender obtained upstream
/// would have the receiver provide data it never held, and pass: no
/// reverse fix, and the help says why the flow is wrong.
#[test]
fn mn102_on_data_the_sender_obtained_offers_no_reverse() {
    let en = checked(PASSES_ON, "en");
    assert!(en.contains("MN102"), "{en}");
    assert!(
        en.contains("適用システム re-provides `課税情報` it obtained (the numbered flows show how), which the rule does not allow: remove the flow"),
        "{en}"
    );
    assert!(!en.contains("reverse the flow"), "{en}");
    let ja = checked(PASSES_ON, "ja");
    assert!(
        ja.contains("適用システムは取得した「課税情報」を再び提供していますが (取得までの経路は、(1) から番号を付けて示したフローのとおりです)、規則はこれを認めていません。フローを削除してください"),
        "{ja}"
    );
    // 番号付き reads as 個人番号付き in this domain: the flows are numbered.
    assert!(
        !ja.contains("番号付きのフロー") && ja.contains("(1) "),
        "{ja}"
    );
    assert!(!ja.contains("フローを逆にする"), "{ja}");
    for d in diagnostics(PASSES_ON) {
        assert_eq!(fixes(&d), 0, "{d}");
    }
    let src = std::fs::read_to_string(PASSES_ON).unwrap();
    assert_eq!(fixed(PASSES_ON), src);
}

/// The help of a flow the nearest rule allows only the other way round,
/// and for other purposes: every purpose the rule's way allows, in the
/// rulebook's names, besides the direction; no fix (reversed alone, the
/// flow would be refused for its purpose).
#[test]
fn mn102_names_the_purposes_the_rule_allows_when_they_differ_too() {
    let design = "tests/cases/mn102-also-purpose.myna";
    let en = checked(design, "en");
    for help in [
        "help: only `他機関 -> 組合` is allowed, only for one of `高齢受給者負担区分判定`, `被扶養者認定` (not `保険料還付`): turned round alone, the flow would still be refused; redraw it as the rule allows, or remove it",
        "help: only `他機関 -> 組合` is allowed, only for `保険給付審査` (not `他機関給付事務`): turned round alone",
        "help: only `他機関 -> 組合` is allowed, only for one of `高齢受給者負担区分判定`, `被扶養者認定` (not `保険料徴収`), only via 情報提供ネットワークシステム: turned round alone",
    ] {
        assert!(en.contains(help), "{help}\n{en}");
    }
    assert!(!en.contains("reverse the flow"), "{en}");
    let ja = checked(design, "ja");
    assert!(
        ja.contains("対処: 認められるのは `他機関 -> 組合` だけです。利用目的は「高齢受給者負担区分判定」、「被扶養者認定」のいずれかに限られます (「保険料還付」は認められていません)。向きを逆にするだけでは認められません。規則が認めるとおりにフローを書き直すか、削除してください"),
        "{ja}"
    );
    assert!(
        ja.contains(
            "利用目的は「保険給付審査」に限られます (「他機関給付事務」は認められていません)。"
        ),
        "{ja}"
    );
    let found = diagnostics(design);
    assert_eq!(found.len(), 3);
    for d in &found {
        assert_eq!(d["code"], "MN102", "{d}");
        assert_eq!(fixes(d), 0, "{d}");
        assert_eq!(d["facts"]["allowed_sender_role"], "他機関", "{d}");
        assert_eq!(d["facts"]["allowed_receiver_role"], "組合", "{d}");
    }
    let purposes = |d: &serde_json::Value| d["facts"]["allowed_purposes"].clone();
    assert_eq!(
        purposes(&found[0]),
        serde_json::json!(["高齢受給者負担区分判定", "被扶養者認定"])
    );
    assert_eq!(purposes(&found[1]), serde_json::json!(["保険給付審査"]));
    assert_eq!(
        found[2]["facts"]["missing_channel"],
        serde_json::json!(["情報提供ネットワークシステム"])
    );
    let src = std::fs::read_to_string(design).unwrap();
    assert_eq!(fixed(design), src);
}

/// The same when the channel differs too: the help names the channel the
/// rule routes through, and the party on the way it does not.
#[test]
fn mn102_names_the_channel_the_rule_asks_for_when_it_differs_too() {
    let design = "tests/cases/mn102-also-channel.myna";
    let en = checked(design, "en");
    for help in [
        "help: only `他機関 -> 組合` is allowed, only via 情報提供ネットワークシステム: turned round alone, the flow would still be refused; redraw it as the rule allows, or remove it",
        "help: only `他機関 -> 組合` is allowed, not through 事業所 (事業主): turned round alone",
    ] {
        assert!(en.contains(help), "{help}\n{en}");
    }
    let ja = checked(design, "ja");
    for help in [
        "対処: 認められるのは `他機関 -> 組合` だけです。「情報提供ネットワークシステム」を経由する必要があります。向きを逆にするだけでは認められません。",
        "対処: 認められるのは `他機関 -> 組合` だけです。事業所 (事業主)を経由することは認められていません。向きを逆にするだけでは認められません。",
    ] {
        assert!(ja.contains(help), "{help}\n{ja}");
    }
    let found = diagnostics(design);
    assert_eq!(found.len(), 2);
    assert!(found.iter().all(|d| fixes(d) == 0), "{found:?}");
    assert_eq!(
        found[0]["facts"]["missing_channel"],
        serde_json::json!(["情報提供ネットワークシステム"])
    );
    assert_eq!(
        found[1]["facts"]["stray_channel"],
        serde_json::json!(["事業主"])
    );
    assert!(
        found[1]["facts"].get("missing_channel").is_none(),
        "{}",
        found[1]
    );
}

/// A flow between two systems of the society through another party is a
/// provision to that party: reversed, the flow still hands the data from
/// the society to the party. No reverse fix (it used to flip the arrow
/// back and forth until `--fix` gave up), and the help says what to do.
#[test]
fn mn102_on_a_party_on_the_way_offers_no_reverse() {
    let design = "tests/cases/mn102-party-on-the-way.myna";
    let en = checked(design, "en");
    assert!(
        en.contains("help: only `他機関 -> 組合` is allowed, and the flow hands `課税情報` to 市町村 (他機関) on its way from 適用システム to 基幹; turned round, it would still go from 組合 to 市町村: write the exchange with 市町村 as a flow of its own, or remove the flow"),
        "{en}"
    );
    assert!(!en.contains("reverse the flow"), "{en}");
    let ja = checked(design, "ja");
    assert!(
        ja.contains("向きを逆にしても、組合から市町村へ渡ることに変わりはありません。市町村とのやり取りを別のフローとして書くか、フローを削除してください"),
        "{ja}"
    );
    let found = diagnostics(design);
    assert_eq!(found.len(), 1);
    assert_eq!(fixes(&found[0]), 0, "{}", found[0]);
}

/// The missing network goes where the data passes it: before the
/// society's 中間サーバー when the data comes in, after it when it goes
/// out (`via` lists actors in the order the data passes them).
#[test]
fn mn104_fix_puts_the_carrier_where_the_data_passes_it() {
    let text = fixed("tests/cases/mn104-via-order.myna");
    assert_eq!(
        flows(&text),
        [
            "flow 市町村 -> 適用システム : 課税情報 for 被扶養者認定 via 情報提供NWS, 中間サーバー",
            "flow 適用システム -> 市町村 : 資格異動 for 他機関資格確認事務 via 中間サーバー, 情報提供NWS",
            "flow 市町村 -> 適用システム : 課税情報 for 高齢受給者負担区分判定 via 情報提供NWS, 中間サーバー",
        ]
    );
}

/// A contractor registered by its role, not its legal name: the note
/// says what the role is registered for.
#[test]
fn mn301_says_what_the_contractors_role_is_registered_for() {
    let design = "tests/cases/contractor-role-registered.myna";
    let en = checked(design, "en");
    assert!(
        en.contains("= its role 健診機関 is registered for: 健康診断委託"),
        "{en}"
    );
    assert!(
        en.contains("its role 健診機関 is registered here for 健康診断委託"),
        "{en}"
    );
    assert!(
        !en.contains("not in the contractor register at all"),
        "{en}"
    );
    let ja = checked(design, "ja");
    assert!(
        ja.contains("その役割「健診機関」の委託業務: 健康診断委託"),
        "{ja}"
    );
    assert!(
        !ja.contains("「健診センター」は委託先一覧にありません"),
        "{ja}"
    );
}

/// MN402 offers to obtain the data anew for the new purpose only when a
/// rule allows its category to reach the society for that purpose.
#[test]
fn mn402_offers_obtaining_anew_only_where_a_rule_allows_it() {
    let design = "tests/cases/drift-no-rule-for-purpose.myna";
    let en = checked(design, "en");
    assert!(
        en.contains("help: use it here only for 被扶養者認定: no rule allows `課税・非課税情報` to reach 組合 for `医療費分析`"),
        "{en}"
    );
    assert!(
        !en.contains("obtain it anew under a rule that allows `医療費分析`"),
        "{en}"
    );
    // 7(1) lets 公金受取口座情報 reach the society for 保険給付.
    assert!(
        en.contains(
            "use it here only for 保険料還付, or obtain it anew under a rule that allows `保険給付`"
        ),
        "{en}"
    );
    let ja = checked(design, "ja");
    assert!(
        ja.contains("ここでは「被扶養者認定」のためにのみ利用してください。「課税・非課税情報」を「医療費分析」のために組合が受け取ることを認める規則はありません"),
        "{ja}"
    );
    assert!(!ja.contains("「医療費分析」を認める規則に基づいて"), "{ja}");
}

/// Hops through a carrier that differ only in purpose are two MN401s (the
/// contract stitches one item for one purpose), and each says so, without
/// asking for the item to be brought in for the purpose of the hop out.
#[test]
fn mn401_says_when_the_hops_in_and_out_differ_only_in_purpose() {
    let design = "tests/cases/carrier-purpose-mismatch.myna";
    let en = checked(design, "en");
    assert_eq!(en.matches("error[MN401]").count(), 2, "{en}");
    let note = "= the hop out of 中間サーバー carries `課税情報` for `高齢受給者負担区分判定`, the hop in for `被扶養者認定`: an exchange through carriers keeps one purpose";
    assert_eq!(en.matches(note).count(), 2, "{en}");
    let help =
        "help: carry `課税情報` out of 中間サーバー for `被扶養者認定`, the purpose it came in for";
    assert_eq!(en.matches(help).count(), 2, "{en}");
    assert!(!en.contains("add the flow that brings"), "{en}");
    assert!(!en.contains("add a flow from"), "{en}");
    let ja = checked(design, "ja");
    let note = "中間サーバーから出る区間は「課税情報」を「高齢受給者負担区分判定」のために、中間サーバーに入る区間は「被扶養者認定」のために運んでいます。中継を通る提供の利用目的は一つです";
    assert_eq!(ja.matches(note).count(), 2, "{ja}");
    assert!(!ja.contains("運ぶフローを追加してください"), "{ja}");
}

/// When no rule allows the category for the purpose of the hop out, the
/// help says so, and neither finding asks for the item to be brought into
/// the carrier for it.
#[test]
fn mn401_never_asks_for_the_item_in_for_a_purpose_no_rule_allows() {
    let design = "tests/cases/carrier-purpose-not-allowed.myna";
    let en = checked(design, "en");
    assert_eq!(en.matches("error[MN401]").count(), 2, "{en}");
    let help = "help: carry `課税情報` out of 中間サーバー for `被扶養者認定`, the purpose it came in for: no rule allows `課税・非課税情報` for `医療費分析`";
    assert_eq!(en.matches(help).count(), 2, "{en}");
    assert!(!en.contains("into 中間サーバー for `医療費分析`"), "{en}");
    let ja = checked(design, "ja");
    let help = "対処: 中間サーバーから出る区間も、入ってきたときの利用目的「被扶養者認定」で「課税情報」を運んでください。「課税・非課税情報」を「医療費分析」のために認める規則はありません";
    assert_eq!(ja.matches(help).count(), 2, "{ja}");
    assert!(
        !ja.contains("「医療費分析」のために運ぶフローを追加"),
        "{ja}"
    );
}

/// A hop that goes nowhere beside a departure of another item is still
/// told to carry its own item on: only the same item pairs.
#[test]
fn mn401_pairs_only_hops_of_the_same_item() {
    let en = checked("tests/cases/carrier-dead-end.myna", "en");
    assert!(!en.contains("the hop out of"), "{en}");
}

/// From a party role that is neither the society nor the person to the
/// society, the kinds of the roles rule out 第1号 and the person giving
/// their own: MN101 and MN105 name 第2号 (or 第3号 through an agent).
/// Which party it is only its name tells, and names are the rulebook's:
/// from the society to such a party the note stays general.
#[test]
fn mn101_from_a_party_to_the_society_names_article_19_item_2() {
    let design = "tests/cases/mynumber-other-items-of-article-19.myna";
    let en = checked(design, "en");
    let note = "番号法第19条第2号 lets a 個人番号関係事務実施者 (an employer filing for its employees, for one) provide 特定個人情報 to a 個人番号利用事務実施者 such as 組合, as its 個人番号関係事務 needs, and 第3号 lets the person's agent provide the person's own; the rulebook encodes no such case for `資格情報`";
    assert!(en.contains(note), "{en}");
    assert!(
        en.contains("help: if 事業主 provides it under 第2号 (or as the person's agent, under 第3号), record that basis in the rulebook as a `mynumber` section whose rule allows `課税・非課税情報` from 事業主 to 組合"),
        "{en}"
    );
    assert!(!en.contains("such as 第1号–第3号"), "{en}");
    let ja = checked(design, "ja");
    assert!(
        ja.contains("番号法第19条第2号は、個人番号関係事務実施者 (従業員について届出をする事業者など) が、個人番号関係事務に必要な限度で組合のような個人番号利用事務実施者に特定個人情報を提供することを、第3号は、本人の代理人が本人の特定個人情報を提供することを認めていますが、ルールブックには「資格情報」についてこれらの場合を定めたものがありません"),
        "{ja}"
    );
    assert!(
        ja.contains("対処: 事業主が第2号に基づいて (又は本人の代理人として第3号に基づいて) 提供するのであれば、"),
        "{ja}"
    );

    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("d.myna");
    std::fs::write(
        &f,
        "use \"kenpo\"\n\
         actor 適用システム : 組合 \"適用・資格管理システム\"\n\
         actor 事業所 : 事業主 \"加入者の勤務先\"\n\
         data 番号付資格届 : 資格情報 mynumber\n\
         flow 適用システム -> 事業所 : 番号付資格届 for 資格確認\n",
    )
    .unwrap();
    let out = checked(f.to_str().unwrap(), "en");
    assert!(out.contains("MN101"), "{out}");
    assert!(
        out.contains(
            "番号法第19条 also lists cases the rulebook does not encode, such as 第1号–第3号"
        ),
        "{out}"
    );
    assert!(!out.contains("第19条第2号 lets"), "{out}");
}

/// `text` with the first fix of each of `diagnostics` applied at once, as
/// an editor applies a quick fix: one step, no re-check in between. The
/// edits' lines and columns are JSON's (1-based, columns in Unicode
/// scalar values, the end exclusive).
fn quick_fixed(text: &str, diagnostics: &[serde_json::Value]) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut line_starts = vec![0];
    line_starts
        .extend((chars.iter().enumerate()).filter_map(|(i, c)| (*c == '\n').then_some(i + 1)));
    let at = |line: &serde_json::Value, column: &serde_json::Value| {
        let (l, c) = (
            line.as_u64().unwrap() as usize,
            column.as_u64().unwrap() as usize,
        );
        line_starts[l - 1] + c - 1
    };
    let mut edits: Vec<(usize, usize, String)> = (diagnostics.iter())
        .filter_map(|d| d.get("fixes").and_then(|f| f.get(0)))
        .flat_map(|f| f["edits"].as_array().unwrap().clone())
        .map(|e| {
            let start = at(&e["line"], &e["column"]);
            let end = at(&e["end_line"], &e["end_column"]);
            (start, end, e["content"].as_str().unwrap().to_string())
        })
        .collect();
    edits.sort();
    let mut out: Vec<char> = chars.clone();
    for (start, end, content) in edits.into_iter().rev() {
        out.splice(start..end, content.chars());
    }
    out.into_iter().collect()
}

/// The JSON diagnostics of `check` of `text`, written as `d.myna` in a
/// new folder.
fn diagnostics_of(text: &str) -> Vec<serde_json::Value> {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("d.myna");
    std::fs::write(&f, text).unwrap();
    diagnostics(f.to_str().unwrap())
}

/// A flow the nearest rule allows for another purpose and through another
/// channel: MN103's fix used to replace only the purpose, and the flow
/// then failed as MN104. Its one fix gives both, the purpose and the
/// carrier, so that applied once (as an editor's quick fix is) the flow
/// passes; where the way cannot be mended by adding a carrier there is
/// no fix, and the help names both what the purpose and the way must be.
#[test]
fn mn103_fix_mends_the_channel_too_when_it_differs() {
    let design = "tests/cases/mn103-also-channel.myna";
    let en = checked(design, "en");
    for help in [
        "help: between these roles the rules allow this data only for: 保険給付審査; the nearest rule routes it via 情報提供ネットワークシステム\n",
        "help: between these roles the rules allow this data only for: 被保険者資格取得; the nearest rule routes it via 情報提供ネットワークシステム, not through 事業所 (事業主)\n",
        "help: between these roles the rules allow this data only for: 高齢受給者負担区分判定, 被扶養者認定; the nearest rule routes it via 情報提供ネットワークシステム\n",
    ] {
        assert!(en.contains(help), "{help}\n{en}");
    }
    let ja = checked(design, "ja");
    for help in [
        "対処: この役割の間で規則が認める利用目的は次のとおりです: 保険給付審査。また、最も近い規則は「情報提供ネットワークシステム」を経由することを求めています\n",
        "対処: この役割の間で規則が認める利用目的は次のとおりです: 被保険者資格取得。また、最も近い規則は「情報提供ネットワークシステム」を経由することを求め、事業所 (事業主)を経由することは認めていません\n",
    ] {
        assert!(ja.contains(help), "{help}\n{ja}");
    }
    let found: Vec<_> = (diagnostics(design).into_iter())
        .filter(|d| d["code"] == "MN103")
        .collect();
    assert_eq!(found.len(), 4);
    let offered: Vec<usize> = found.iter().map(fixes).collect();
    assert_eq!(offered, [1, 1, 0, 0]);
    assert_eq!(
        found[0]["fixes"][0]["message"],
        "use the purpose the rule allows, `保険給付審査`, and route it via 情報提供NWS"
    );
    for d in &found {
        assert_eq!(
            d["facts"]["missing_channel"],
            serde_json::json!(["情報提供ネットワークシステム"]),
            "{d}"
        );
    }
    assert_eq!(
        found[2]["facts"]["stray_channel"],
        serde_json::json!(["事業主"])
    );
    assert!(found[0]["facts"].get("stray_channel").is_none());

    // Applied once, the two fixes leave those flows allowed.
    let src = std::fs::read_to_string(design).unwrap();
    let once = quick_fixed(&src, &found);
    assert_eq!(
        flows(&once),
        [
            "flow 市町村 -> 基幹 : 給付記録 for 保険給付審査 via 情報提供NWS",
            "flow 市町村 -> 基幹 : 給付記録 for 保険給付審査 via 情報提供NWS, 中間サーバー",
            "flow 市町村 -> 基幹 : 他機関資格 for 保険料還付 via 事業所",
            "flow 市町村 -> 基幹 : 課税情報 for 保険料還付",
        ]
    );
    let left: Vec<(String, u64)> = (diagnostics_of(&once).iter())
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(left, [("MN103".to_string(), 24), ("MN103".to_string(), 26)]);
    // `check --fix` gets there too, and leaves nothing it could fix.
    assert_eq!(fixed(design), once);
}

/// A fix edits a flow, and a flow can be more than the exchange the
/// finding is about: other items, the other way of a `<->`, the earlier
/// hops of a flow written hop by hop, a party named in its `via`. There
/// a fix that mends one exchange refuses or moves another (whose fix
/// then undid it: `check --fix --unsafe-fixes` flipped them for ten
/// rounds), or wrote a purpose where an actor is named. No fix then; the
/// help still names what the rule allows. (A flow that names the allowed
/// purpose already has the refused one dropped: its last line.)
#[test]
fn purpose_and_direction_fixes_only_for_a_flow_that_is_that_exchange_alone() {
    for design in [
        "tests/cases/mn103-fix-alone.myna",
        "tests/cases/custom/one-flow-two-exchanges.myna",
    ] {
        let found = diagnostics(design);
        assert!(!found.is_empty(), "{design}");
        let src = std::fs::read_to_string(design).unwrap();
        let last = src.lines().count() as u64;
        for d in found.iter().filter(|d| d["line"] != last) {
            assert_eq!(fixes(d), 0, "{d}");
        }
        let dropped = src.replace("保険給付審査, 他機関給付事務 via", "保険給付審査 via");
        assert_eq!(fixed(design), dropped, "{design}");
    }
    let design = "tests/cases/custom/one-flow-two-exchanges.myna";
    let en = checked(design, "en");
    assert!(
        en.contains("help: only `市 -> 県` is allowed, and the flow carries more than `本人確認` for `県事務本人確認`: turned round, it would refuse the rest; write `本人確認` for `県事務本人確認` as a flow of its own the other way round, or remove it from this flow\n"),
        "{en}"
    );
    let ja = checked(design, "ja");
    assert!(
        ja.contains("対処: 認められるのは `市 -> 県` だけです。このフローは「県事務本人確認」のための「本人確認」のほかにも運んでいるので、向きを逆にすると残りが認められなくなります。「県事務本人確認」のための「本人確認」を逆向きの別のフローとして書くか、このフローから削除してください\n"),
        "{ja}"
    );
    let en = checked("tests/cases/mn103-fix-alone.myna", "en");
    assert!(
        en.contains("help: between these roles the rules allow this data only for: 他機関給付事務; the nearest rule routes it via 情報提供ネットワークシステム\n"),
        "{en}"
    );
}

// ── what the unsafe fixes write (the fix audit of session 80) ────────────

/// A new folder holding `files`, each a name and its text.
fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

/// `check --fix --unsafe-fixes` of `d.myna` in `dir`, its config read if
/// it has one: the fixed text, and the report of the check after.
fn fixed_there(dir: &Path) -> (String, String) {
    let out = common::mynaflow_in(
        dir,
        &[
            "check",
            "--fix",
            "--unsafe-fixes",
            "--format",
            "concise",
            "d.myna",
        ],
    );
    let text = std::fs::read_to_string(dir.join("d.myna")).unwrap();
    (text, common::stdout(&out))
}

/// The JSON diagnostics of `check` of `d.myna` in `dir`, in `lang`.
fn diagnostics_there(dir: &Path, lang: &str) -> Vec<serde_json::Value> {
    let out = common::mynaflow_in(
        dir,
        &["check", "--format", "json", "--lang", lang, "d.myna"],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    v["diagnostics"].as_array().cloned().unwrap_or_default()
}

/// The fix messages of the diagnostics of `code`.
fn fix_messages(diagnostics: &[serde_json::Value], code: &str) -> Vec<String> {
    (diagnostics.iter())
        .filter(|d| d["code"] == code)
        .filter_map(|d| d["fixes"][0]["message"].as_str().map(str::to_string))
        .collect()
}

const QUOTED: &str = "use \"kenpo\"\n\
    actor 市町村 : 他機関\n\
    actor \"情報提供 NWS\" : 情報提供ネットワークシステム\n\
    actor \"基幹 システム\" : 組合\n\
    data 課税 : 課税・非課税情報\n\
    data 給付関連 : 保険給付関連情報\n\
    flow 市町村 -> \"基幹 システム\" : 課税 for 被扶養者認定\n\
    flow 市町村 -> \"基幹 システム\" : 給付関連 for 他機関給付事務 via \"情報提供 NWS\"\n";

/// The MN104 carrier and the MN102 reversal write a name that must be
/// quoted as the lexer writes it (they wrote it bare, and the next round
/// of `--fix` respelled half of it into garbage); the titles show it so.
#[test]
fn mn102_and_mn104_fixes_write_names_quoted_as_they_must_be() {
    let quoted = QUOTED
        .replace(
            "課税 for 被扶養者認定\n",
            "課税 for 被扶養者認定 via \"情報提供 NWS\"\n",
        )
        .replace(
            "flow 市町村 -> \"基幹 システム\" : 給付関連",
            "flow \"基幹 システム\" -> 市町村 : 給付関連",
        );
    let dir = folder(&[("d.myna", QUOTED), ("mynaflow.toml", "")]);
    let (text, report) = fixed_there(dir.path());
    assert_eq!(text, quoted);
    assert_eq!(report, "", "nothing left to report");
    let dir = folder(&[("d.myna", QUOTED), ("mynaflow.toml", "")]);
    let en = diagnostics_there(dir.path(), "en");
    assert_eq!(quick_fixed(QUOTED, &en), quoted);
    assert_eq!(
        fix_messages(&en, "MN104"),
        ["route it via \"情報提供 NWS\""]
    );
    let ja = diagnostics_there(dir.path(), "ja");
    assert_eq!(
        fix_messages(&ja, "MN104"),
        ["\"情報提供 NWS\" を経由させる"]
    );
}

const QUOTED_RULES: &str = "rulebook 例 \"例\" revised 2024-12-04\n\
    role 組合 self\n\
    role 他機関\n\
    role 網 carrier\n\
    role 委託先 contractor\n\
    category 個人情報\n\
    category 番号情報 mynumber\n\
    section \"1\" \"内部\" {\n  purpose 内部事務\n  purpose 委託事務\n  allow 組合 -> 委託先 : 個人情報 for 委託事務\n}\n\
    section \"7\" \"受ける\" mynumber basis \"番号法第19条第8号\" {\n  purpose \"特別 目的\"\n  allow 他機関 -> 組合 : 番号情報 for \"特別 目的\" via 網\n}\n\
    contractor \"株式会社テスト\" for 委託事務\n\
    clause \"守秘 義務\"\n\
    clause 返還\n";

const QUOTED_DESIGN: &str = "use \"rules.myna\"\n\
    actor 市 : 他機関\n\
    actor 網1 : 網\n\
    actor 基幹 : 組合\n\
    actor 委託 : 委託先 \"株式会社テスト\" {\n  clauses 返還\n}\n\
    data 番号 : 番号情報\n\
    data 氏名 : 個人情報\n\
    flow 市 -> 基幹 : 番号 for 内部事務 via 網1\n\
    flow 基幹 -> 委託 : 氏名 for 委託事務\n";

/// The MN103 purpose and the MN303 clauses a rulebook spells with a
/// space are written quoted, and the MN103 title shows the purpose so.
#[test]
fn mn103_and_mn303_fixes_write_the_rulebooks_names_quoted() {
    let quoted = QUOTED_DESIGN
        .replace("clauses 返還\n", "clauses 返還, \"守秘 義務\"\n")
        .replace("for 内部事務", "for \"特別 目的\"");
    let files = [
        ("d.myna", QUOTED_DESIGN),
        ("rules.myna", QUOTED_RULES),
        ("mynaflow.toml", ""),
    ];
    let dir = folder(&files);
    let (text, report) = fixed_there(dir.path());
    assert_eq!(text, quoted);
    assert_eq!(report, "", "nothing left to report");
    let dir = folder(&files);
    let en = diagnostics_there(dir.path(), "en");
    assert_eq!(quick_fixed(QUOTED_DESIGN, &en), quoted);
    assert_eq!(
        fix_messages(&en, "MN103"),
        ["use the purpose the rule allows: `\"特別 目的\"`"]
    );
    let ja = diagnostics_there(dir.path(), "ja");
    assert_eq!(
        fix_messages(&ja, "MN103"),
        ["規則が認める利用目的「\"特別 目的\"」にする"]
    );
}

const ALL_CLAUSES: &str = "守秘義務, 持出し禁止, 目的外利用禁止, 再委託禁止, 事故時責任, 返還, 従業者監督, 履行報告, 従業者明確化, 立入調査";

/// MN303's block for a contractor declared without one opens before a
/// comment after the declaration and closes after its line, so the
/// comment stays on the line the statement starts on: a suppression
/// there still silences what it did (the fix used to move it to the `}`
/// line, where the next round deleted it as MN503).
#[test]
fn mn303_fix_leaves_a_comment_after_the_contractor_where_it_is() {
    let design = "use \"kenpo\"\n\
        actor 基幹 : 組合\n\
        actor 新分析社 : 委託先 \"株式会社大和総研\" # mynaflow: allow MN012 reason=\"来年度から委託予定\"\n";
    let mended = design.replace(
        "\"株式会社大和総研\" # mynaflow: allow MN012 reason=\"来年度から委託予定\"\n",
        &format!("\"株式会社大和総研\" {{ # mynaflow: allow MN012 reason=\"来年度から委託予定\"\n  clauses {ALL_CLAUSES}\n}}\n"),
    );
    let files = [
        ("d.myna", design),
        ("mynaflow.toml", "require-clauses = true\n"),
    ];
    let dir = folder(&files);
    let (text, report) = fixed_there(dir.path());
    assert_eq!(text, mended);
    assert_eq!(
        report,
        "d.myna:2:7: MN012 actor `基幹` is declared but no flow uses it\n"
    );
    let dir = folder(&files);
    assert_eq!(
        quick_fixed(design, &diagnostics_there(dir.path(), "en")),
        mended
    );
}

/// MN303's lines end as the file's do and are indented as its are (a
/// tab here); an empty block gets its clauses too, on a line of its own
/// or between its braces.
#[test]
fn mn303_fix_writes_the_files_own_lines_and_fills_an_empty_block() {
    let design = "use \"kenpo\"\r\n\
        actor 基幹 : 組合\r\n\
        actor 甲 : 委託先 \"株式会社甲\" {\r\n\tclauses 守秘義務\r\n}\r\n\
        actor 乙 : 委託先 \"株式会社乙\"\r\n\
        actor 丙 : 委託先 \"株式会社丙\" {\r\n}\r\n\
        actor 丁 : 委託先 \"株式会社丁\" { }\r\n\
        data 資格データ : 資格情報\r\n\
        flow 基幹 -> 甲 : 資格データ for 資格データ処理委託   # mynaflow: allow MN301 reason=\"試験\"\r\n\
        flow 基幹 -> 乙 : 資格データ for 資格データ処理委託   # mynaflow: allow MN301 reason=\"試験\"\r\n\
        flow 基幹 -> 丙 : 資格データ for 資格データ処理委託   # mynaflow: allow MN301 reason=\"試験\"\r\n\
        flow 基幹 -> 丁 : 資格データ for 資格データ処理委託   # mynaflow: allow MN301 reason=\"試験\"\r\n";
    let rest = ALL_CLAUSES.trim_start_matches("守秘義務, ");
    let mended = design
        .replace(
            "\tclauses 守秘義務\r\n",
            &format!("\tclauses 守秘義務, {rest}\r\n"),
        )
        .replace(
            "\"株式会社乙\"\r\n",
            &format!("\"株式会社乙\" {{\r\n\tclauses {ALL_CLAUSES}\r\n}}\r\n"),
        )
        .replace(
            "\"株式会社丙\" {\r\n}",
            &format!("\"株式会社丙\" {{\r\n\tclauses {ALL_CLAUSES}\r\n}}"),
        )
        .replace("{ }", &format!("{{ clauses {ALL_CLAUSES} }}"));
    let files = [
        ("d.myna", design),
        ("mynaflow.toml", "require-clauses = true\n"),
    ];
    let dir = folder(&files);
    let (text, report) = fixed_there(dir.path());
    assert_eq!(text, mended);
    assert_eq!(report, "", "nothing left to report");
    let dir = folder(&files);
    let found = diagnostics_there(dir.path(), "en");
    assert_eq!(found.iter().filter(|d| d["code"] == "MN303").count(), 4);
    assert_eq!(quick_fixed(design, &found), mended);
}

/// MN104's fix only on a flow that is the one exchange, as MN103's: a
/// carrier added to a flow that also carries ordinary data, is written
/// hop by hop, or goes both ways would reroute what the fix does not
/// mend (it sent the other items through the network unsaid).
#[test]
fn mn104_fix_only_on_a_flow_that_is_the_one_exchange() {
    let design = "use \"kenpo\"\n\
        actor 市町村 : 他機関\n\
        actor 情報提供NWS : 情報提供ネットワークシステム\n\
        actor 中間サーバー : 中間サーバー\n\
        actor 基幹 : 組合\n\
        data 課税 : 課税・非課税情報\n\
        data 住所 : 資格情報\n\
        data 課税2 : 課税・非課税情報\n\
        data 資格 : 資格関連情報\n\
        flow 市町村 -> 基幹 : 課税, 住所 for 被扶養者認定\n\
        flow 市町村 -> 中間サーバー : 課税2 for 高齢受給者負担区分判定\n\
        flow 中間サーバー -> 基幹 : 課税2 for 高齢受給者負担区分判定\n\
        flow 市町村 <-> 基幹 : 資格 for 他機関資格確認事務 via 中間サーバー\n\
        flow 市町村 -> 基幹 : 課税 for 被扶養者認定\n";
    let dir = folder(&[("d.myna", design), ("mynaflow.toml", "")]);
    let found: Vec<_> = (diagnostics_there(dir.path(), "en").into_iter())
        .filter(|d| d["code"] == "MN104")
        .collect();
    let lines: Vec<(u64, usize)> = (found.iter())
        .map(|d| (d["line"].as_u64().unwrap(), fixes(d)))
        .collect();
    assert_eq!(lines, [(10, 0), (12, 0), (13, 0), (14, 1)], "{found:?}");
    let (text, _) = fixed_there(dir.path());
    assert_eq!(
        text,
        design.replace(
            "課税 for 被扶養者認定\n",
            "課税 for 被扶養者認定 via 情報提供NWS\n"
        )
    );
}

/// MN103 on a flow for two purposes the rule refuses: no fix (each wrote
/// the one it allows, and together they named it twice). On one that
/// also names the purpose allowed, the fix drops the refused ones.
#[test]
fn mn103_fix_never_names_a_purpose_twice_and_drops_the_refused_one() {
    let design = "use \"kenpo\"\n\
        actor 市町村 : 他機関\n\
        actor 情報提供NWS : 情報提供ネットワークシステム\n\
        actor 基幹 : 組合\n\
        data 他資格 : 他機関資格情報\n\
        flow 市町村 -> 基幹 : 他資格 for 保険料徴収, 資格確認 via 情報提供NWS\n\
        flow 市町村 -> 基幹 : 他資格 for 保険料徴収, 被保険者資格取得, 資格確認 via 情報提供NWS\n";
    let dropped = design.replace(
        "for 保険料徴収, 被保険者資格取得, 資格確認",
        "for 被保険者資格取得",
    );
    let dir = folder(&[("d.myna", design), ("mynaflow.toml", "")]);
    let found = diagnostics_there(dir.path(), "en");
    let offered: Vec<(u64, usize)> = (found.iter())
        .filter(|d| d["code"] == "MN103")
        .map(|d| (d["line"].as_u64().unwrap(), fixes(d)))
        .collect();
    assert_eq!(offered, [(6, 0), (6, 0), (7, 1), (7, 1)]);
    assert_eq!(
        fix_messages(&found, "MN103"),
        [
            "drop the purpose the rule does not allow: `保険料徴収`",
            "drop the purpose the rule does not allow: `資格確認`"
        ]
    );
    assert_eq!(quick_fixed(design, &found), dropped);
    let ja = diagnostics_there(dir.path(), "ja");
    assert_eq!(
        fix_messages(&ja, "MN103")[0],
        "規則が認めていない利用目的「保険料徴収」を外す"
    );
    let (text, _) = fixed_there(dir.path());
    assert_eq!(text, dropped);
}

/// `、` (and `､`) between names is what an input method types for a
/// list, but the grammar reads `名簿、台帳` as one name. Its MN010 used to
/// offer the safe respelling to the close name `名簿`, and `check --fix`
/// then dropped `台帳` without a word (0 findings where 台帳 was used
/// elsewhere). Now a name with `、` is never respelled to a name that
/// covers only part of it; where a list stands and every part is declared,
/// the fix writes the parts as a `,` list.
#[test]
fn ideographic_comma_is_fixed_as_a_comma_list_never_as_one_part() {
    let text = fixed("tests/cases/ideographic-comma.myna");
    let flows = flows(&text);
    for want in [
        "flow 人事 -> 基幹 : 名簿, 台帳 for 資格確認",
        "flow 人事 -> 基幹 : 名簿 for 資格確認, 証発行管理",
        "flow 市町村 -> 基幹 : 課税情報 for 被扶養者認定 via 情報提供NWS, 中間サーバー",
        // Not every part declared, or no list where it stands: as written.
        "flow 人事 -> 基幹 : 名簿、名薄 for 資格確認",
        "flow 人事、市町村 -> 基幹 : 名簿 for 資格確認",
    ] {
        assert!(flows.contains(&want), "{want}: {flows:#?}");
    }
    assert_eq!(
        (flows.iter())
            .filter(|f| **f == "flow 人事 -> 基幹 : 名簿, 台帳 for 資格確認")
            .count(),
        2,
        "`､` too: {flows:#?}"
    );

    let head = "use \"kenpo\"\nactor 基幹 : 組合\nactor 人事 : 事業主\ndata 名簿 : 資格情報\n";
    // 台帳 used by another flow: the respelling left nothing to report.
    let ds = diagnostics_of(&format!(
        "{head}data 台帳 : 資格情報\nflow 人事 -> 基幹 : 名簿、台帳 for 資格確認\nflow 人事 -> 基幹 : 台帳 for 資格確認\n"
    ));
    let mn010: Vec<_> = ds.iter().filter(|d| d["code"] == "MN010").collect();
    assert_eq!(mn010.len(), 1, "{ds:#?}");
    let fix = &mn010[0]["fixes"][0];
    assert_eq!(fix["applicability"], "safe", "{fix:#?}");
    assert_eq!(fix["edits"][0]["content"], "名簿, 台帳", "{fix:#?}");
    // A part undeclared: the close name `名簿` covers only part of the
    // name, so no fix at all.
    let ds = diagnostics_of(&format!(
        "{head}flow 人事 -> 基幹 : 名簿、台帳 for 資格確認\n"
    ));
    let mn010: Vec<_> = ds.iter().filter(|d| d["code"] == "MN010").collect();
    assert_eq!(mn010.len(), 1, "{ds:#?}");
    assert_eq!(fixes(mn010[0]), 0, "{ds:#?}");

    let ja = checked("tests/cases/ideographic-comma.myna", "ja");
    assert!(
        ja.contains("「、」は名前の区切りではないため、「名簿、台帳」は一つの名前として読まれます。「名簿」「台帳」はどれも宣言されています。`,` で区切ってください"),
        "{ja}"
    );
    assert!(ja.contains("一覧の名前は `,` で区切ってください"), "{ja}");
    let en = checked("tests/cases/ideographic-comma.myna", "en");
    assert!(
        en.contains("`、` does not separate names, so `名簿、台帳` is read as one name; `名簿`, `台帳` are each declared: separate them with `,`"),
        "{en}"
    );
    assert!(!en.contains("did you mean `名簿`"), "{en}");
}

/// The editor applies the same fix: the quick fix of `名簿、台帳` writes
/// the list, in one step.
#[test]
fn ideographic_comma_quick_fix_writes_the_list() {
    let text = "use \"kenpo\"\nactor 基幹 : 組合\nactor 人事 : 事業主\ndata 名簿 : 資格情報\ndata 台帳 : 資格情報\nflow 人事 -> 基幹 : 名簿､台帳 for 資格確認\n";
    let ds = diagnostics_of(text);
    let fixed = quick_fixed(text, &ds);
    assert!(
        fixed.contains("flow 人事 -> 基幹 : 名簿, 台帳 for 資格確認\n"),
        "{fixed}"
    );
    assert!(diagnostics_of(&fixed).is_empty(), "{fixed}");
}

/// `「…」`, `『…』` and `＂…＂` where a string goes: the help says how a
/// string is written (it used to speak of keywords and `,`), and where a
/// label or a basis stands the safe fix writes the text in `"…"`.
#[test]
fn lookalike_quotes_are_written_as_a_string() {
    let text = fixed("tests/cases/lookalike-quotes.myna");
    for want in [
        "actor 人事 : 事業主 \"株式会社〇〇 人事部\"",
        "actor 市町村 : 他機関 \"住所地の市町村\"",
        "basis \"委託契約 2024-04\"",
    ] {
        assert!(text.contains(want), "{want}: {text}");
    }
    let ja = checked("tests/cases/lookalike-quotes.myna", "ja");
    assert!(
        ja.contains("`「…」` は文字列になりません。文字列 (ラベル、根拠、空白を含む名前) は半角の二重引用符 `\"…\"` で囲みます"),
        "{ja}"
    );
    assert!(!ja.contains("文はキーワードで始まります"), "{ja}");
    assert!(ja.contains("改行しない空白 (U+00A0)"), "{ja}");
    let en = checked("tests/cases/lookalike-quotes.myna", "en");
    assert!(en.contains("is written in ASCII double quotes"), "{en}");
    assert!(en.contains("a no-break space (U+00A0)"), "{en}");
}

/// The fix audit's respellings: with one close name, MN010's respelling
/// is safe only where it mends a typing slip (two neighbours swapped:
/// `資格認確`); `組合員` (the society `組合`), `持出し許可` (`持出し禁止`)
/// are left to `--unsafe-fixes`, and `名簿・個人番号` is the `,` list of
/// its declared parts, never `名簿` alone.
#[test]
fn a_safe_respelling_mends_a_typing_slip_and_nothing_more() {
    const CASE: &str = "tests/cases/respellings-that-change-meaning.myna";
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("d.myna");
    std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join(CASE), &f).unwrap();
    let path = f.to_str().unwrap();
    common::mynaflow(&["check", "--no-config", "--fix", path]);
    let text = std::fs::read_to_string(&f).unwrap();
    for kept in [
        "actor 加入者 : 組合員 ",
        "持出し許可,",
        "flow 人事 -> 基幹 : 名簿2023 for 資格確認",
    ] {
        assert!(text.contains(kept), "{kept}: {text}");
    }
    let flows = flows(&text);
    for want in [
        "flow 人事 -> 基幹 : 名簿, 個人番号 for 資格確認",
        "flow 人事 -> データ連携 : 名簿 for 資格確認",
    ] {
        assert!(flows.contains(&want), "{want}: {flows:#?}");
    }

    let applicability: Vec<(String, String)> = diagnostics(CASE)
        .iter()
        .filter(|d| d["code"] == "MN010")
        .filter_map(|d| {
            let fix = d.get("fixes")?.get(0)?;
            let to = fix["edits"][0]["content"].as_str()?.to_string();
            Some((to, fix["applicability"].as_str()?.to_string()))
        })
        .collect();
    let unsafe_ = |to: &str| (to.to_string(), "unsafe".to_string());
    let safe = |to: &str| (to.to_string(), "safe".to_string());
    assert_eq!(
        applicability,
        [
            unsafe_("組合"),
            unsafe_("持出し禁止"),
            safe("名簿, 個人番号"),
            safe("資格確認"),
        ]
    );
    let en = checked(CASE, "en");
    assert!(
        en.contains("did you mean `組合`? (more than a typing slip apart, so `--fix` leaves it to `--unsafe-fixes`)"),
        "{en}"
    );
    let ja = checked(CASE, "ja");
    assert!(
        ja.contains("「組合」の誤りではありませんか？ (単なる打ち間違いを超える違いがあるため"),
        "{ja}"
    );
}
