//! grammar/mynaflow.ebnf stays true to the parser: every keyword and
//! punctuation token the lexer knows is in the grammar, every quoted
//! terminal of the grammar is a token the lexer produces, and every
//! example and rulebook parses without a syntax error.

use mynaflow::code::Code;
use mynaflow::span::FileId;
use mynaflow::syntax::parse;
use mynaflow::syntax::token::Keyword;

const GRAMMAR: &str = include_str!("../grammar/mynaflow.ebnf");

/// Quoted terminals of the grammar, outside (* comments *) and ? specials ?.
fn terminals() -> Vec<String> {
    let mut text = String::new();
    let mut rest = GRAMMAR;
    while let Some(i) = rest.find("(*") {
        text.push_str(&rest[..i]);
        rest = rest[i..].split_once("*)").map_or("", |(_, r)| r);
    }
    text.push_str(rest);
    let mut out = Vec::new();
    let mut in_special = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '?' => in_special = !in_special,
            '"' | '\'' if !in_special => {
                let t: String = chars.by_ref().take_while(|&x| x != c).collect();
                out.push(t);
            }
            _ => {}
        }
    }
    out
}

#[test]
fn every_keyword_is_in_the_grammar() {
    let t = terminals();
    for k in Keyword::ALL {
        assert!(
            t.iter().any(|x| x == k.as_str()),
            "keyword `{}` missing from the grammar",
            k.as_str()
        );
    }
    for p in ["->", "<->", ":", ",", "{", "}", "(", ")", "\"", "#"] {
        assert!(t.iter().any(|x| x == p), "`{p}` missing from the grammar");
    }
}

#[test]
fn every_terminal_of_the_grammar_is_a_token() {
    for t in terminals() {
        let known = Keyword::from_word(&t).is_some()
            || ["->", "<->", ":", ",", "{", "}", "(", ")", "\"", "#", "\\"].contains(&t.as_str());
        assert!(known, "grammar terminal `{t}` is not a token of the lexer");
    }
}

#[test]
fn every_example_and_rulebook_parses() {
    let mut files: Vec<std::path::PathBuf> = Vec::new();
    for dir in [
        "examples",
        "docs/codes/examples",
        "rules",
        "tests/cases",
        "tests/cases/custom",
        "tests/cases/rulediff",
    ] {
        let Ok(rd) = std::fs::read_dir(dir) else {
            continue;
        };
        files.extend(
            rd.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "myna")),
        );
    }
    assert!(files.len() > 50);
    for f in files {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        }; // the Shift_JIS example
        let p = parse(FileId(0), &text);
        let expects_syntax_error = text.contains("expect: MN001") || text.contains("expect: MN002");
        let syntax_errors = p
            .diagnostics
            .iter()
            .filter(|d| matches!(d.code, Code::MN001 | Code::MN002))
            .count();
        assert_eq!(
            syntax_errors > 0,
            expects_syntax_error,
            "{}: {:?}",
            f.display(),
            p.diagnostics
        );
    }
}
