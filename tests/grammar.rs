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

/// Statements the grammar plainly allows (`true`) or forbids (`false`),
/// each in a design (`D`) or a rulebook (`R`): the parser must agree. A
/// statement the grammar forbids gives a syntax finding (MN001, MN002,
/// MN004, MN017); one it allows gives none.
#[test]
fn the_parser_allows_what_the_grammar_allows_and_no_more() {
    const D: &str = "use \"kenpo\"\n";
    const R: &str = "rulebook r\nrole 組合 self\nrole 他\ncategory C\n";
    let probes: &[(&str, bool, &str, &str)] = &[
        ("escape of n", false, D, r#"actor A : 組合 "a\nb""#),
        ("escape of t", false, D, r#"actor A : 組合 "a\tb""#),
        (
            "escapes of quote and backslash",
            true,
            D,
            r#"actor A : 組合 "a\"b\\c""#,
        ),
        (
            "lone backslash before the closing quote",
            false,
            D,
            r#"actor A : 組合 "abc\""#,
        ),
        ("bare use", true, "", "use kenpo"),
        (
            "bare section id with parentheses",
            false,
            R,
            "section 2(1) { }",
        ),
        ("bare section id", true, R, "section A { }"),
        ("empty block", true, D, "actor A : 委託先 \"x\" { }"),
        (
            "two clauses lists",
            true,
            D,
            "actor A : 委託先 \"x\" { clauses 守秘義務 clauses 返還 }",
        ),
        (
            "block without clauses",
            false,
            D,
            "actor A : 委託先 \"x\" { 守秘義務 }",
        ),
        ("label then block", true, D, "actor A : 委託先 \"x\" { }"),
        ("block then label", false, D, "actor A : 委託先 { } \"x\""),
        (
            "data label then mynumber",
            false,
            D,
            "data X : 資格情報 \"l\" mynumber",
        ),
        (
            "data mynumber then label",
            true,
            D,
            "data X : 資格情報 mynumber \"l\"",
        ),
        ("role in then flag", false, R, "role X in 他 self"),
        ("role with two flags", false, R, "role X self carrier"),
        (
            "category in then mynumber",
            false,
            R,
            "category X in C mynumber",
        ),
        (
            "section mynumber then title",
            false,
            R,
            "section \"A\" mynumber \"t\" { }",
        ),
        (
            "section basis then mynumber",
            false,
            R,
            "section \"A\" basis \"b\" mynumber { }",
        ),
        ("section without a block", false, R, "section \"A\" \"t\""),
        (
            "nested section",
            false,
            R,
            "section \"A\" { section \"B\" { } }",
        ),
        (
            "purpose label then in",
            false,
            R,
            "section \"A\" { purpose P \"l\" in Q }",
        ),
        (
            "both-way rule",
            true,
            R,
            "section \"A\" { purpose P\n allow 組合 <-> 他 : C for P }",
        ),
        ("allow outside a section", false, R, "allow 組合 -> 他 : C"),
        ("purpose outside a section", false, R, "purpose P"),
        ("clause with two labels", false, R, "clause X \"a\" \"b\""),
        ("contractor without for", false, R, "contractor \"X\""),
        (
            "contractor role without for",
            false,
            R,
            "contractor role 他",
        ),
        ("bare date", true, "rulebook r revised 2024-01-01\n", ""),
        (
            "quoted date",
            true,
            "rulebook r revised \"2024-01-01\"\n",
            "",
        ),
        (
            "a word for a date",
            false,
            "rulebook r revised tomorrow\n",
            "",
        ),
        (
            "an impossible date",
            false,
            "rulebook r revised 2024-13-45\n",
            "",
        ),
        (
            "revised then title",
            false,
            "rulebook r revised 2024-01-01 \"t\"\n",
            "",
        ),
        (
            "quoted rulebook name",
            true,
            "rulebook \"r x\" \"t\" revised 2024-01-01\n",
            "",
        ),
        (
            "syntax inside a title",
            true,
            "rulebook r \"a:b,c{}#\"\n",
            "",
        ),
        ("via then for", false, D, "flow A -> B : d via X for p"),
        (
            "basis then for",
            false,
            D,
            "flow A -> B : d basis \"x\" for p",
        ),
        ("for twice", false, D, "flow A -> B : d for p for q"),
        ("backward arrow", false, D, "flow A <- B : d for p"),
        ("glued flow", true, D, "flow A->B:d for p"),
        ("glued flow with →", true, D, "flow A→B:d for p"),
        ("<→", false, D, "flow A <→ B : d for p"),
        ("trailing comma", false, D, "flow A -> B : d, for p"),
        ("no data", false, D, "flow A -> B : for p"),
        ("empty via", false, D, "flow A -> B : d for p via"),
        ("bare basis", false, D, "flow A -> B : d for p basis x"),
        ("empty quoted name", true, D, "actor \"\" : 組合"),
        ("keyword in capitals", false, D, "FLOW A -> B : d for p"),
        ("parenthesis in a name", false, D, "actor A(1) : 組合"),
        ("< in a name", true, D, "actor a<b : 組合"),
        ("- in a name", true, D, "actor a-b : 組合"),
        ("> in a name", true, D, "actor a>b : 組合"),
        ("name ending in -", true, D, "actor a- : 組合"),
        ("quote inside a bare name", false, D, "actor a\"b : 組合"),
        ("keyword as a string", true, D, "actor \"flow\" : 組合"),
        ("two uses", true, "", "use \"kenpo\"\nuse \"kenpo\""),
        ("in on a design's actor", false, D, "actor A : 組合 in 他"),
        ("clauses outside a block", false, D, "clauses 守秘義務"),
        ("comment right after a name", true, D, "actor A : 組合#c"),
        ("full-width comment sign", true, D, "actor A : 組合 ＃c"),
    ];
    let syntax = [Code::MN001, Code::MN002, Code::MN004, Code::MN017];
    let mut wrong = Vec::new();
    for (what, allowed, context, statement) in probes {
        let text = format!("{context}{statement}\n");
        let mut s = mynaflow::session::Session::new(mynaflow::session::RulebookSource::Builtin(
            "kenpo".into(),
        ));
        s.check_text("probe.myna", text.clone(), None);
        let found: Vec<Code> = (s.diagnostics.iter())
            .map(|d| d.code)
            .filter(|c| syntax.contains(c))
            .collect();
        if found.is_empty() != *allowed {
            wrong.push(format!(
                "{what}: the grammar {}, the parser {}:\n{text}",
                if *allowed { "allows it" } else { "forbids it" },
                if found.is_empty() {
                    "accepts it".to_string()
                } else {
                    format!("reports {found:?}")
                }
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
