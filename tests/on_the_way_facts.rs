//! The JSON facts of a finding judged at an actor a flow passes on its
//! way (`via`): `receiver` is that actor, and `on_the_way`,
//! `flow_receiver` and `flow_receiver_role` say that the flow itself goes
//! on, and to whom. A finding that ends where its flow does has none of
//! them.

mod common;

use serde_json::Value;

/// One design with a finding of each code at an actor on the way, and
/// one (the last flow) at the flow's own receiver.
const DESIGN: &str = "use \"kenpo\"
actor 基幹 : 組合 \"基幹システム\"
actor 適用 : 組合 \"適用・資格管理システム\"
actor 分析 : 組合 \"分析基盤\"
actor 協会けんぽ : 他保険者 \"全国健康保険協会\"
actor 大和総研 : 委託先 \"株式会社大和総研\"
actor 未登録 : 委託先 \"株式会社未登録\"
actor 加入者 : 本人
actor 事業主 : 事業主 \"加入者の勤務先\"
data 資格取得 : 資格関連情報
data 資格 : 資格情報
data 給付 : 給付記録
flow 基幹 -> 適用 : 資格取得 for 他機関資格確認事務 via 協会けんぽ
flow 基幹 -> 適用 : 資格 for 資格確認 via 事業主
flow 基幹 -> 適用 : 資格 for 資格データ処理委託 via 未登録
flow 分析 -> 大和総研 : 給付 for 医療費通知委託
flow 大和総研 -> 加入者 : 給付 for 医療費通知委託 via 事業主
flow 基幹 -> 事業主 : 資格 for 資格確認
";

/// The diagnostics of [`DESIGN`], as `check --format json` gives them.
fn diagnostics() -> Vec<Value> {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("design.myna"), DESIGN).expect("write design");
    let o = common::mynaflow_in(
        dir.path(),
        &["check", "design.myna", "--no-config", "--format", "json"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", common::stdout(&o));
    let v: Value = serde_json::from_slice(&o.stdout).expect("JSON");
    v["diagnostics"].as_array().cloned().unwrap_or_default()
}

/// The facts of the diagnostic of `code` on `line`.
fn facts(all: &[Value], code: &str, line: u64) -> Value {
    let d = all
        .iter()
        .find(|d| d["code"] == code && d["line"] == line)
        .unwrap_or_else(|| panic!("no {code} on line {line}: {all:#?}"));
    d["facts"].clone()
}

#[test]
fn a_finding_at_an_actor_on_the_way_says_where_its_flow_goes() {
    let all = diagnostics();
    for (code, line, receiver, flow_receiver, role) in [
        // Between two systems of the society via another insurer: judged
        // as provision to it.
        ("MN104", 13, "協会けんぽ", "適用", "組合"),
        ("MN202", 14, "事業主", "適用", "組合"),
        // An unregistered contractor on the way is entrusted the data.
        ("MN301", 15, "未登録", "適用", "組合"),
        // A contractor's flow to the person via the employer.
        ("MN302", 17, "事業主", "加入者", "本人"),
    ] {
        let f = facts(&all, code, line);
        assert_eq!(f["receiver"], receiver, "{code}: {f:#}");
        assert_eq!(f["on_the_way"], true, "{code}: {f:#}");
        assert_eq!(f["flow_receiver"], flow_receiver, "{code}: {f:#}");
        assert_eq!(f["flow_receiver_role"], role, "{code}: {f:#}");
    }
}

#[test]
fn a_finding_at_its_flows_own_receiver_has_no_such_fact() {
    let all = diagnostics();
    let f = facts(&all, "MN202", 18);
    assert_eq!(f["receiver"], "事業主", "{f:#}");
    for key in ["on_the_way", "flow_receiver", "flow_receiver_role"] {
        assert!(f.get(key).is_none(), "{key}: {f:#}");
    }
}
