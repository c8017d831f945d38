//! Rendered output of every example and test case, in English and
//! Japanese, human and JSON. Review a changed snapshot before accepting it.

mod common;

use mynaflow::text::Lang;

fn snapshot_all(pattern: &str) {
    insta::glob!("..", pattern, |path| {
        let rel = common::relative(path);
        let s = common::check(&rel);
        if !common::worth_a_snapshot(&s, &rel) {
            return;
        }
        common::snapshot_settings(path).bind(|| {
            insta::assert_snapshot!("human_en", common::human(&s, Lang::En));
            insta::assert_snapshot!("human_ja", common::human(&s, Lang::Ja));
            insta::assert_snapshot!("json", common::json(&s, Lang::En));
        });
    });
}

#[test]
fn examples() {
    snapshot_all("examples/**/*.myna");
}

#[test]
fn code_examples() {
    snapshot_all("docs/codes/examples/*.myna");
}

#[test]
fn cases() {
    snapshot_all("tests/cases/**/*.myna");
}
