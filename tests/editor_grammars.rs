//! The editor grammars in grammar/ know exactly the lexer's keywords.

mod common;

use mynaflow::syntax::token::Keyword;
use std::collections::BTreeSet;
use std::process::{Command, Stdio};

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
        .filter(|l| {
            l.starts_with("syn match mynaStatement ") || l.starts_with("syn match mynaKeyword ")
        })
        .flat_map(|l| {
            let inner = l
                .split_once(")@4<=%(")
                .map(|(_, r)| r)
                .expect("alternation");
            let inner = inner
                .split_once(")%(")
                .map(|(l, _)| l)
                .expect("end of alternation");
            inner.split('|').map(str::to_string).collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(found, lexer_keywords());
}

/// Lines where a keyword's letters stand inside a name the lexer reads as
/// one, or after full-width syntax, and what each grammar must say of
/// them: the keywords it highlights, in order.
const PROBES: &[(&str, &[&str])] = &[
    ("actor hr.data : 組合", &["actor"]),
    ("actor 本社/in : 組合", &["actor"]),
    ("actor a>for : 組合", &["actor"]),
    ("actor self-service : 組合", &["actor"]),
    ("flow A -> B : X for P via C", &["flow", "for", "via"]),
    (
        "actor X : 委託先 \"x\" ｛clauses 守秘義務｝",
        &["actor", "clauses"],
    ),
    (
        "data D : 課税 mynumber \"for ラベル\"",
        &["data", "mynumber"],
    ),
    (
        "allow 組合 -> 他機関：課税，資格　for 照会",
        &["allow", "for"],
    ),
    ("role 組合 self", &["role", "self"]),
];

/// The keywords the lexer reads on `line`, in order: what both grammars
/// must highlight.
fn lexed_keywords(line: &str) -> Vec<String> {
    let lexed = mynaflow::syntax::lexer::lex(mynaflow::span::FileId(0), line);
    lexed
        .tokens
        .iter()
        .filter_map(|t| match t.kind {
            mynaflow::syntax::token::TokenKind::Keyword(k) => Some(k.as_str().to_string()),
            _ => None,
        })
        .collect()
}

#[test]
fn the_probes_say_what_the_lexer_reads() {
    for (line, keywords) in PROBES {
        assert_eq!(lexed_keywords(line), *keywords, "{line}");
    }
}

/// The Vim syntax in a real (headless) Neovim: `synID` at each character
/// of each probe, the highlighted runs read back as words.
#[test]
fn vim_highlights_keywords_where_the_lexer_reads_them() {
    if Command::new("nvim").arg("--version").output().is_err() {
        common::skipped(
            "vim_highlights_keywords_where_the_lexer_reads_them: `nvim` is not installed (apt-get install -y neovim)",
        );
        return;
    }
    let dir = tempfile::tempdir().expect("a temporary folder");
    let design = dir.path().join("probes.myna");
    let lines: Vec<&str> = PROBES.iter().map(|(l, _)| *l).collect();
    std::fs::write(&design, lines.join("\n") + "\n").expect("written");
    let out = dir.path().join("out.txt");
    let probe = dir.path().join("probe.vim");
    std::fs::write(
        &probe,
        r#"execute 'source ' . fnameescape($GRAMMAR)
let out = []
for lnum in range(1, line('$'))
  let line = getline(lnum)
  let words = []
  let col = 1
  while col <= strlen(line)
    let name = synIDattr(synID(lnum, col, 1), 'name')
    if name ==# 'mynaStatement' || name ==# 'mynaKeyword'
      let start = col
      while col <= strlen(line) && synIDattr(synID(lnum, col, 1), 'name') ==# name
        let col += 1
      endwhile
      call add(words, strpart(line, start - 1, col - start))
    else
      let col += 1
    endif
  endwhile
  call add(out, join(words, ' '))
endfor
call writefile(out, $OUT)
qa!
"#,
    )
    .expect("written");
    let status = Command::new("nvim")
        .args(["--headless", "-u", "NONE", "-i", "NONE", "-n", "-c"])
        .arg(format!("source {}", probe.display()))
        .arg(&design)
        .env(
            "GRAMMAR",
            std::fs::canonicalize("grammar/myna.vim").expect("grammar"),
        )
        .env("OUT", &out)
        .env("XDG_STATE_HOME", dir.path().join("state"))
        .env("XDG_DATA_HOME", dir.path().join("data"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("nvim runs");
    assert!(status.success(), "nvim failed");
    let got = std::fs::read_to_string(&out).expect("the probe wrote its report");
    let got: Vec<&str> = got.lines().collect();
    for ((line, keywords), words) in PROBES.iter().zip(&got) {
        assert_eq!(*words, keywords.join(" "), "Vim on {line}");
    }
    assert_eq!(got.len(), PROBES.len());
}

/// The TextMate grammar's keyword patterns, run by Node's regular
/// expressions (the same look-arounds and `\s` as Oniguruma's for these
/// patterns).
#[test]
fn textmate_highlights_keywords_where_the_lexer_reads_them() {
    if Command::new("node").arg("--version").output().is_err() {
        common::skipped(
            "textmate_highlights_keywords_where_the_lexer_reads_them: `node` is not installed (apt-get install -y nodejs)",
        );
        return;
    }
    let g: serde_json::Value =
        serde_json::from_str(include_str!("../grammar/myna.tmLanguage.json")).expect("valid JSON");
    let patterns: Vec<&str> = g["repository"]["keyword"]["patterns"]
        .as_array()
        .expect("keyword patterns")
        .iter()
        .map(|p| p["match"].as_str().expect("match"))
        .collect();
    let lines: Vec<&str> = PROBES.iter().map(|(l, _)| *l).collect();
    let script = format!(
        "const patterns = {};\nconst lines = {};\n\
         for (const line of lines) {{\n\
           const found = [];\n\
           // Strings and comments are scopes matched before keywords.\n\
           const code = line.replace(/\"(?:[^\"\\\\]|\\\\.)*\"/gu, '\"\"').replace(/[#＃].*$/u, '');\n\
           for (const p of patterns) {{\n\
             for (const m of code.matchAll(new RegExp(p, 'gu'))) found.push([m.index, m[0]]);\n\
           }}\n\
           found.sort((a, b) => a[0] - b[0]);\n\
           console.log(found.map(f => f[1]).join(' '));\n\
         }}\n",
        serde_json::to_string(&patterns).expect("JSON"),
        serde_json::to_string(&lines).expect("JSON"),
    );
    let out = Command::new("node")
        .arg("-e")
        .arg(script)
        .output()
        .expect("node runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got = String::from_utf8(out.stdout).expect("UTF-8");
    let got: Vec<&str> = got.lines().collect();
    for ((line, keywords), words) in PROBES.iter().zip(&got) {
        assert_eq!(*words, keywords.join(" "), "TextMate on {line}");
    }
    assert_eq!(got.len(), PROBES.len());
}
