//! The editor grammars in grammar/ know exactly the lexer's keywords.

use mynaflow::syntax::token::Keyword;
use std::collections::BTreeSet;

fn lexer_keywords() -> BTreeSet<String> {
    Keyword::ALL
        .iter()
        .map(|k| k.as_str().to_string())
        .collect()
}

#[test]
fn textmate_grammar_keywords() {
    let g: serde_json::Value =
        serde_json::from_str(include_str!("../grammar/myna.tmLanguage.json")).expect("valid JSON");
    assert_eq!(g["scopeName"], "source.myna");
    let mut found = BTreeSet::new();
    for p in g["repository"]["keyword"]["patterns"]
        .as_array()
        .expect("keyword patterns")
    {
        let m = p["match"].as_str().expect("match");
        let inner = m.split_once(")(").map(|(_, r)| r).expect("alternation");
        let inner = inner
            .split_once(")(?!")
            .map(|(l, _)| l)
            .expect("end of alternation");
        found.extend(inner.split('|').map(str::to_string));
    }
    assert_eq!(found, lexer_keywords());
}

#[test]
fn vim_syntax_keywords() {
    let vim = include_str!("../grammar/myna.vim");
    let found: BTreeSet<String> = vim
        .lines()
        .filter_map(|l| l.strip_prefix("syn keyword "))
        .flat_map(|l| l.split_whitespace().skip(1).map(str::to_string))
        .collect();
    assert_eq!(found, lexer_keywords());
}
