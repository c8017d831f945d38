//! Under `--lang ja`, every command's own messages (errors, notes, what it
//! did) are Japanese: each case below runs a command over an input that
//! makes it say something, and no English prose may remain once what is
//! not prose is taken out (codes, paths, names from the input, option
//! names, `quoted commands`, source lines of snippets).

mod common;

use std::path::Path;
use std::process::Command;

/// ASCII words a Japanese message may hold: the program, names of
/// formats and standards, placeholders of options, abbreviations of
/// control characters.
const ALLOWED: &[&str] = &[
    "mynaflow", "MN", "OS", "UTF", "NUL", "DOT", "Mermaid", "JSON", "ITEM", "BEL", "ESC", "NFKC",
    "kenpo",
];

/// The English words left in `text` once `names` (paths, names from the
/// input) and what is not prose are taken out.
fn english_left(text: &str, names: &[&str]) -> Vec<String> {
    let mut left = Vec::new();
    for line in text.lines() {
        // A snippet's source lines and frame are the input, not words.
        if line.contains('│') || line.contains('┌') {
            continue;
        }
        let mut line = line.to_string();
        for n in names {
            line = line.replace(n, " ");
        }
        // `quoted` commands and syntax, and --options.
        let mut prose = String::new();
        for (i, part) in line.split('`').enumerate() {
            if i % 2 == 0 {
                prose.push_str(part);
                prose.push(' ');
            }
        }
        let words = prose
            .split(|c: char| !c.is_ascii_alphanumeric() && c != '-' && c != '+')
            .filter(|w| !w.starts_with("--") && !w.starts_with("U+"))
            .flat_map(|w| w.split('-'))
            .map(|w| w.trim_matches(|c: char| c.is_ascii_digit()))
            .filter(|w| w.chars().filter(char::is_ascii_alphabetic).count() >= 2);
        for w in words {
            let w: String = w.chars().take_while(char::is_ascii_alphabetic).collect();
            if w.len() >= 2 && !ALLOWED.contains(&w.as_str()) {
                left.push(w);
            }
        }
    }
    left
}

/// What a run wrote to standard output and standard error.
struct Said {
    out: String,
    err: String,
}

/// Runs the binary in `dir` with no locale set (`--lang ja` is in the
/// arguments), or with the environment given.
fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Said {
    status(dir, args, env).1
}

/// Asserts that `text` says something, holds `expected`, and has no
/// English prose beyond `names`.
fn japanese(case: &str, text: &str, expected: &str, names: &[&str]) {
    assert!(
        text.contains(expected),
        "{case}: `{expected}` not said in\n{text}"
    );
    let left = english_left(text, names);
    assert!(left.is_empty(), "{case}: English {left:?} in\n{text}");
}

const DESIGN: &str = "use \"kenpo\"\nactor 基幹 : 組合 \"x\"\nactor 給付 : 組合 \"y\"\ndata 記録 : 給付記録\nflow 基幹 -> 給付 : 記録 for 保険給付\n";

#[test]
fn every_command_says_its_own_messages_in_japanese() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let dir = tmp.path();
    let write = |name: &str, bytes: &[u8]| std::fs::write(dir.join(name), bytes).expect("write");
    let at = dir.to_string_lossy().into_owned();
    fn with<'a>(args: &[&'a str]) -> Vec<&'a str> {
        [args, &["--lang", "ja"][..]].concat()
    }

    // A file that is not there.
    for cmd in ["inventory", "graph", "coverage", "test", "report"] {
        let mut args = vec![cmd, "nosuch.myna"];
        if cmd == "report" {
            args.extend(["-o", "r.html"]);
        }
        let s = run(root, &with(&args), &[]);
        japanese(
            cmd,
            &s.err,
            "ファイルまたはディレクトリがありません",
            &["nosuch.myna"],
        );
    }
    // graph: an item or a section that is not there, JSON without --reach.
    let society = "examples/kenpo-society.myna";
    let s = run(root, &with(&["graph", society, "--item", "課税情"]), &[]);
    japanese("graph --item", &s.err, "「課税情報」の誤りでは", &[]);
    let s = run(root, &with(&["graph", society, "--section", "9"]), &[]);
    japanese("graph --section", &s.err, "セクションはありません", &[]);
    let s = run(root, &with(&["graph", society, "--format", "json"]), &[]);
    japanese("graph --format json", &s.err, "が必要です", &[]);
    // inventory: a design with errors, a design whose rulebook is missing.
    let broken = "tests/cases/syntax-recovery.myna";
    let s = run(root, &with(&["inventory", broken]), &[]);
    japanese("inventory note", &s.err, "注記:", &[broken]);
    let missing = "tests/cases/missing-rulebook.myna";
    let s = run(root, &with(&["inventory", missing]), &[]);
    let names = [missing, "tests/cases/../rules/kenpo-2023.myna"];
    japanese("inventory error", &s.err, "読み込めない", &names);
    let s = run(root, &with(&["graph", missing]), &[]);
    japanese("graph error", &s.err, "読み込めない", &names);
    // rules: a rulebook that is not there, one with errors.
    let s = run(root, &with(&["rules", "check", "nosuch.myna"]), &[]);
    japanese("rules check", &s.err, "見つかりません", &["nosuch.myna"]);
    let s = run(
        root,
        &with(&["rules", "list", "--rules", "nosuch.myna"]),
        &[],
    );
    japanese("rules list", &s.err, "見つかりません", &["nosuch.myna"]);
    let register = "tests/cases/rulecheck-register/rules.myna";
    let s = run(root, &with(&["rules", "list", "--rules", register]), &[]);
    japanese(
        "rules list broken",
        &s.err,
        "エラーが 1 件あります",
        &[register],
    );
    let s = run(root, &with(&["rules", "show"]), &[]);
    assert!(!s.out.contains(" party "), "rules show: {}", s.out);
    assert!(s.out.contains("(役割) 健診機関"), "rules show: {}", s.out);
    // report: what it wrote.
    let page = format!("{at}/r.html");
    let vendor = "examples/vendor-proposal.myna";
    let s = run(root, &with(&["report", vendor, "-o", &page]), &[]);
    japanese("report", &s.err, "を書き出しました", &[&page]);
    // coverage below --fail-under.
    let s = run(
        root,
        &with(&["coverage", society, "--fail-under", "100"]),
        &[],
    );
    japanese("coverage", &s.err, "を下回っています", &[]);
    // fmt: a file rewritten, a file that is not UTF-8; by --lang and by LANG.
    write(
        "layout.myna",
        b"use \"kenpo\"\nactor    A : \xe7\xb5\x84\xe5\x90\x88\n",
    );
    write("sjis.myna", b"\x82\xa0\x82\xa2\n");
    let s = run(dir, &with(&["fmt", "layout.myna"]), &[]);
    japanese("fmt", &s.out, "を整形しました", &["layout.myna"]);
    let s = run(dir, &["fmt", "sjis.myna"], &[("LANG", "ja_JP.UTF-8")]);
    japanese(
        "fmt not UTF-8",
        &s.err,
        "UTF-8 ではありません",
        &["sjis.myna"],
    );
    // test: annotations that cannot be read, a failure, a pass.
    write(
        "annotated.myna",
        format!("{DESIGN}# expect: MN10\nflow 基幹 -> 給付 : 記録 for 保険給付\n# expect:\n")
            .as_bytes(),
    );
    write("clean.myna", DESIGN.as_bytes());
    let s = run(dir, &with(&["test", "annotated.myna", "clean.myna"]), &[]);
    let files = ["annotated.myna", "clean.myna"];
    japanese("test", &s.out, "というコードはありません", &files);
    japanese("test", &s.out, "対象の行がありません", &files);
    assert!(s.out.contains("失敗 annotated.myna") && s.out.contains("成功 clean.myna"));
    // check --fix: what it fixed, and the unsafe fixes it left.
    write(
        "fix.myna",
        DESIGN.replace("基幹 : 組合", "基幹 ： 組合").as_bytes(),
    );
    std::fs::copy(root.join(vendor), dir.join("vendor.myna")).expect("copy");
    let args = [
        "check",
        "--fix",
        "--format",
        "concise",
        "fix.myna",
        "vendor.myna",
    ];
    let s = run(dir, &with(&args), &[]);
    let files = ["fix.myna", "vendor.myna"];
    japanese("check --fix", &s.err, "件適用しました", &files);
    japanese("check --fix", &s.err, "安全でない修正", &files);
    // A config's exclusions, said in the config's language.
    std::fs::create_dir(dir.join("cfg")).expect("mkdir");
    write("cfg/a.myna", DESIGN.as_bytes());
    write("cfg/skip.myna", DESIGN.as_bytes());
    write(
        "cfg/mynaflow.toml",
        b"exclude = [\"skip.myna\"]\nlang = \"ja\"\n",
    );
    let s = run(&dir.join("cfg"), &["check"], &[]);
    let config = format!(
        "{}",
        dir.join("cfg/mynaflow.toml")
            .canonicalize()
            .expect("path")
            .display()
    );
    japanese("config", &s.err, "mynaflow: 設定: ", &[&config]);
    // MN004 names a control character in Japanese.
    let control = "tests/cases/control-char.myna";
    let s = run(root, &with(&["check", "--format", "concise", control]), &[]);
    japanese("MN004", &s.out, "制御文字 U+0007 (BEL)", &[control]);
}

#[test]
fn the_detector_finds_english() {
    assert_eq!(
        english_left("mynaflow: error: x.myna: not found", &["x.myna"]),
        ["error", "not", "found"]
    );
    assert!(
        english_left(
            "mynaflow: エラー: `mynaflow check` を参照 --fail-under MN104",
            &[]
        )
        .is_empty()
    );
}

/// Under `--lang ja`, a config that cannot be used is said in Japanese:
/// each key's refusal, a TOML error (its line quoted, the parser's own
/// words only as a quotation after the sentence), a config found that
/// is not a regular file, one too large, and one whose `exclude` leaves
/// nothing to check. Names that are not prose are taken out: the keys
/// and values of the file, the file's name.
#[test]
fn a_config_that_cannot_be_used_is_said_in_japanese() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let dir = tmp.path().canonicalize().expect("path");
    std::fs::write(dir.join("a.myna"), DESIGN).expect("write");
    let config = dir.join("mynaflow.toml");
    let shown = config.display().to_string();
    // The keys and the values a config holds, the formats it may name,
    // and the names of formats.
    let keys = [
        "rulebooks",
        "rules",
        "format",
        "lang",
        "deny",
        "exclude",
        "baseline",
        "select",
        "unsuppressible",
        "per-file-ignores",
        "ignore",
        "require-clauses",
        "max-per-code",
        "mynaflow.toml",
        "human",
        "concise",
        "json",
        "sarif",
        "github",
        "gitlab",
        "junit",
        "warnings",
        "toml",
        "TOML",
        // The selector of every code.
        "ALL",
    ];
    // (the file, what the message says, the parser's words it quotes)
    let cases: &[(&[u8], &str, &str)] = &[
        (b"rulez = 1\n", "という設定項目はありません", "rulez = 1"),
        (b"format = \"xml\"\n", "のいずれかを指定してください", "xml"),
        (
            b"lang = \"fr\"\n",
            "ja か en を指定してください",
            "fr; ja; en",
        ),
        (b"deny = [\"errors\"]\n", "だけです", "errors"),
        (b"max-per-code = -1\n", "以上の整数を指定してください", ""),
        (b"exclude = [\"a[\"]\n", "のパターンが正しくありません", ""),
        (
            b"[per-file-ignores]\n\"b{\" = [\"MN1\"]\n",
            "に対応する",
            "",
        ),
        (
            b"select = [\"MN9\"]\n",
            "コードでもコードの先頭部分でもありません",
            "",
        ),
        (
            b"ignore = [\"XY1\"]\n",
            "コードでもコードの先頭部分でもありません",
            "XY1",
        ),
        (b"rulebooks = []\n", "1 つ以上指定してください", ""),
        (
            b"rules = \"/nowhere/x.myna\"\n",
            "プロジェクトの外にあります",
            "/nowhere/x.myna",
        ),
        (
            b"x = \n",
            "TOML の書き方が正しくありません",
            "x = ; string values must be quoted, expected literal string",
        ),
        (
            b"select = \"MN1\"\n",
            "この値は mynaflow.toml の設定として使えません",
            "select = \"MN1\"; invalid type: string \"MN1\", expected a sequence",
        ),
        (b"lang = \"\xff\"\n", "UTF-8 ではありません", ""),
    ];
    for (text, expected, quoted) in cases {
        std::fs::write(&config, text).expect("write");
        let s = run(&dir, &["check", "--lang", "ja", "a.myna"], &[]);
        let mut names: Vec<&str> = vec![&shown];
        names.extend(quoted.split("; ").filter(|q| !q.is_empty()));
        names.extend(keys);
        let case = String::from_utf8_lossy(text);
        japanese(&case, &s.err, expected, &names);
    }
    // Too large, said before a byte of it is parsed.
    std::fs::write(&config, "#".repeat(1 << 21)).expect("write");
    let s = run(&dir, &["check", "--lang", "ja", "a.myna"], &[]);
    japanese("large", &s.err, "バイトを超えるため読みません", &[&shown]);
    // Named with --config and not there.
    let s = run(
        &dir,
        &["check", "--lang", "ja", "--config", "nosuch.toml", "a.myna"],
        &[],
    );
    japanese(
        "--config",
        &s.err,
        "ファイルまたはディレクトリがありません",
        &["nosuch.toml"],
    );
    // Found, and a link: refused unread.
    #[cfg(unix)]
    {
        std::fs::remove_file(&config).expect("rm");
        std::fs::write(dir.join("elsewhere.toml"), "lang = \"en\"\n").expect("write");
        std::os::unix::fs::symlink(dir.join("elsewhere.toml"), &config).expect("symlink");
        let s = run(&dir, &["check", "--lang", "ja", "a.myna"], &[]);
        japanese(
            "a link",
            &s.err,
            "シンボリックリンクであり、通常のファイルではありません",
            &[&shown, "mynaflow.toml"],
        );
        std::fs::remove_file(&config).expect("rm");
    }
    // An `exclude` that leaves nothing to check.
    std::fs::write(&config, "exclude = [\"*.myna\"]\n").expect("write");
    for cmd in ["check", "test", "coverage"] {
        let s = run(&dir, &[cmd, "--lang", "ja", "a.myna"], &[]);
        japanese(cmd, &s.err, "何も検査していません", &[&shown, "exclude"]);
    }
}

/// `--timings` under `--lang ja`: every stage each command times, and
/// `check --fix`'s headings, in Japanese (the checks' parts named by
/// their codes, as they are).
#[test]
fn timings_are_said_in_japanese() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let dir = tmp.path();
    let design = "examples/vendor-proposal.myna";
    // Each command, and whether it reads a config (`rules diff` does not).
    let runs: [(&[&str], bool); 7] = [
        (&["check", "--format", "json", design], true),
        (&["inventory", "--format", "json", design], true),
        (&["graph", design], true),
        (&["coverage", design], true),
        (&["test", design], true),
        (
            &["rules", "diff", "kenpo", "kenpo", "--impact", design],
            false,
        ),
        (
            &[
                "rules",
                "diff",
                "tests/cases/rulediff/old.myna",
                "tests/cases/rulediff/new.myna",
            ],
            false,
        ),
    ];
    for (args, config) in runs {
        let mut args = [args, &["--timings", "--lang", "ja"][..]].concat();
        if config {
            args.push("--no-config");
        }
        let s = run(root, &args, &[]);
        let case = args.join(" ");
        // The table's lines; the notes a command prints beside it (the
        // inventory's about the design's errors) are checked elsewhere.
        let table: String = (s.err.lines())
            .filter(|l| l.ends_with(" ms") || l.ends_with(" %"))
            .map(|l| format!("{l}\n"))
            .collect();
        // `ms` is the unit's symbol, as in Japanese technical writing.
        japanese(&case, &table, "合計", &[" ms"]);
        if args.contains(&"--impact") || config {
            japanese(&case, &table, "名前解決", &[" ms"]);
        }
    }
    // check --fix: the check's stages, the rounds', the rounds' checks.
    let src =
        std::fs::read(root.join("docs/codes/examples/MN003-fullwidth-colon.myna")).expect("read");
    std::fs::write(dir.join("d.myna"), src).expect("write");
    let s = run(
        dir,
        &["check", "--fix", "--timings", "--lang", "ja", "d.myna"],
        &[],
    );
    for said in [
        "検査 (各ファイルの初回の検査と報告):",
        "--fix の修正ラウンド (ファイルの内容をさらに 1 回検査):",
        "再検査と並行して書き出し: 1 ファイル",
        "修正ラウンドの検査 (段階別):",
        "修正の適用+解放",
    ] {
        japanese("check --fix --timings", &s.err, said, &["d.myna", " ms"]);
    }
}

/// Names in the command line's help and errors that are not prose: of
/// files, formats and products.
const NAMES: &[&str] = &[
    "mynaflow.toml",
    "*.myna",
    "docs/inventory.schema.json",
    "Graphviz",
    "GitHub",
    "GitLab",
    "Code Quality",
    "Markdown",
    "HTML",
    "CI",
];

/// The commands and the values options take, typed as written
/// (`mynaflow check --format sarif`): words that are not prose wherever
/// they stand. Kept short on purpose: any other English word in a help is
/// a text left untranslated.
const VALUES: &[&str] = &[
    "check",
    "test",
    "explain",
    "fmt",
    "lsp",
    "graph",
    "report",
    "coverage",
    "inventory",
    "completions",
    "rules",
    "list",
    "show",
    "export",
    "diff",
    "help",
    "human",
    "concise",
    "json",
    "sarif",
    "github",
    "gitlab",
    "junit",
    "dot",
    "mermaid",
    "md",
    "auto",
    "always",
    "never",
    "ja",
    "en",
    "bash",
    "zsh",
    "fish",
    "powershell",
    "elvish",
    "mynumber",
    "warnings",
];

/// [`japanese`] for the command line's own texts: the names of [`NAMES`]
/// taken out, and the words of [`VALUES`] left in.
fn japanese_cli(case: &str, text: &str, expected: &str) {
    assert!(
        text.contains(expected),
        "{case}: `{expected}` not said in\n{text}"
    );
    let left: Vec<String> = english_left(text, NAMES)
        .into_iter()
        .filter(|w| !VALUES.contains(&w.as_str()))
        .collect();
    assert!(left.is_empty(), "{case}: English {left:?} in\n{text}");
}

/// The exit status of a run, with what it said.
fn status(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, Said) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_mynaflow"));
    c.args(args)
        .current_dir(dir)
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("NO_COLOR", "1");
    for (k, v) in env {
        c.env(k, v);
    }
    let o = c.output().expect("run mynaflow");
    let said = Said {
        out: String::from_utf8_lossy(&o.stdout).into_owned(),
        err: String::from_utf8_lossy(&o.stderr).into_owned(),
    };
    (o.status.code(), said)
}

/// Every command a user can ask the help of.
const COMMANDS: &[&[&str]] = &[
    &[],
    &["check"],
    &["test"],
    &["explain"],
    &["fmt"],
    &["lsp"],
    &["graph"],
    &["report"],
    &["coverage"],
    &["inventory"],
    &["completions"],
    &["rules"],
    &["rules", "list"],
    &["rules", "show"],
    &["rules", "export"],
    &["rules", "diff"],
    &["rules", "check"],
];

#[test]
fn help_is_japanese_for_every_command() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let ja_locale = [("LANG", "ja_JP.UTF-8")];
    for cmd in COMMANDS {
        for flag in ["--help", "-h"] {
            // By --lang (both spellings) and by the locale.
            let runs = [
                ([*cmd, &[flag, "--lang", "ja"]].concat(), None),
                ([*cmd, &[flag, "--lang=ja"]].concat(), None),
                ([*cmd, &[flag]].concat(), Some(ja_locale)),
            ];
            for (args, env) in runs {
                let (code, s) = status(root, &args, env.as_ref().map_or(&[][..], |e| &e[..]));
                let case = args.join(" ");
                assert_eq!(code, Some(0), "{case}: {}", s.err);
                japanese_cli(&case, &s.out, "使い方: mynaflow");
                assert!(s.out.contains("オプション:"), "{case}: {}", s.out);
                assert!(s.err.is_empty(), "{case}: {}", s.err);
            }
        }
    }
    // `help COMMAND`, and the help a command without its subcommand
    // prints (on standard error, exit status 2).
    let (code, s) = status(root, &["help", "check"], &ja_locale);
    assert_eq!(code, Some(0));
    japanese_cli("help check", &s.out, "設計を検査します");
    let (code, s) = status(root, &["rules"], &ja_locale);
    assert_eq!(code, Some(2));
    japanese_cli("rules", &s.err, "使い方: mynaflow rules <コマンド>");
    // The values' own descriptions, and defaults, in the long help.
    let (_, s) = status(root, &["graph", "--help", "--lang", "ja"], &[]);
    japanese_cli(
        "graph --help",
        &s.out,
        "- mermaid: Mermaid のフローチャート",
    );
    assert!(s.out.contains("[既定値: dot]"), "{}", s.out);
    // --lang en wins over the locale, and English stays English.
    let (_, s) = status(root, &["check", "--help", "--lang", "en"], &ja_locale);
    assert!(
        s.out.contains("Usage: mynaflow check [OPTIONS]"),
        "{}",
        s.out
    );
}

/// A project's `lang` in mynaflow.toml decides the help and the argument
/// errors of the commands that read it, in the order `check` decides its
/// messages: `--lang`, then the config's `lang`, then the locale. The
/// config is the one the command would read: from the paths given (past
/// options' values and an unknown option), else the current folder, or
/// `--config`, none with `--no-config`. A command that reads no config
/// (`fmt`) keeps the locale's language; a config that cannot be read
/// changes nothing, the exit status of `--help` least of all.
#[test]
fn a_projects_lang_reaches_the_help_and_the_argument_errors() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let outer = dir.path();
    // The folder the runs start in says English; the project, Japanese.
    std::fs::write(outer.join("mynaflow.toml"), "lang = \"en\"\n").expect("written");
    let project = outer.join("project");
    std::fs::create_dir_all(project.join("designs")).expect("made");
    std::fs::write(project.join("mynaflow.toml"), "lang = \"ja\"\n").expect("written");
    std::fs::write(project.join("ci.toml"), "lang = \"en\"\n").expect("written");
    let english_help = "Usage: mynaflow check [OPTIONS]";
    let english_error = "error: unexpected argument '--bogus' found";
    let help = |dir: &Path, args: &[&str], env: &[(&str, &str)], japanese: bool| {
        let (code, s) = status(dir, args, env);
        let case = format!("{args:?} {env:?}");
        assert_eq!(code, Some(0), "{case}: {}", s.err);
        // The help alone: no word of the config.
        assert!(s.err.is_empty(), "{case}: {}", s.err);
        if japanese {
            japanese_cli(&case, &s.out, "使い方: mynaflow");
        } else {
            assert!(s.out.contains("Usage: mynaflow"), "{case}: {}", s.out);
        }
    };
    let error = |dir: &Path, args: &[&str], env: &[(&str, &str)], japanese: bool| {
        let (code, s) = status(dir, args, env);
        let case = format!("{args:?} {env:?}");
        assert_eq!(code, Some(2), "{case}: {}", s.err);
        if japanese {
            japanese_cli(&case, &s.err, "想定していない引数 `--bogus` があります");
        } else {
            assert!(s.err.starts_with(english_error), "{case}: {}", s.err);
        }
    };
    // In the project: Japanese; `--lang en` wins.
    help(&project, &["check", "--help"], &[], true);
    error(&project, &["check", "--bogus"], &[], true);
    let (_, s) = status(&project, &["check", "--help", "--lang", "en"], &[]);
    assert!(s.out.contains(english_help), "{}", s.out);
    error(&project, &["check", "--bogus", "--lang=en"], &[], false);
    // The config wins over the locale, both ways, as for `check`'s
    // messages.
    error(
        &project,
        &["check", "--bogus"],
        &[("LANG", "en_US.UTF-8")],
        true,
    );
    help(
        outer,
        &["check", "--help"],
        &[("LC_ALL", "ja_JP.UTF-8")],
        false,
    );
    // Found from the paths, past an option's value and an unknown option.
    error(outer, &["check", "--bogus"], &[], false);
    error(
        outer,
        &["check", "--format", "json", "--bogus", "project/designs"],
        &[],
        true,
    );
    help(
        outer,
        &["graph", "project/designs/a.myna", "--help"],
        &[],
        true,
    );
    help(&project, &["rules", "show", "--help"], &[], true);
    help(&project, &["help", "check"], &[], true);
    // `--config` and `--no-config` as the command reads them.
    error(
        &project,
        &["check", "--config", "ci.toml", "--bogus"],
        &[],
        false,
    );
    error(&project, &["check", "--no-config", "--bogus"], &[], false);
    // `fmt` reads no config: the locale's language.
    let (code, s) = status(&project, &["fmt", "--bogus"], &[]);
    assert_eq!(code, Some(2));
    assert!(s.err.starts_with(english_error), "{}", s.err);
    // A SARIF log of bad arguments is in the error's language.
    let (code, s) = status(&project, &["check", "--format", "sarif", "--bogus"], &[]);
    assert_eq!(code, Some(2));
    assert!(s.out.contains("引数が正しくありません"), "{}", s.out);
    // A config that cannot be read: the help as without it, exit 0, and
    // the error as without it, exit 2; the command says what is wrong.
    std::fs::write(project.join("mynaflow.toml"), "lang = \"ja\"\nlang = [\n").expect("written");
    help(&project, &["check", "--help"], &[], false);
    error(&project, &["check", "--bogus"], &[], false);
    help(
        &project,
        &["check", "--help"],
        &[("LANG", "ja_JP.UTF-8")],
        true,
    );
    let (code, s) = status(&project, &["check", "designs"], &[]);
    assert_eq!(code, Some(2));
    assert!(s.err.contains("mynaflow.toml"), "{}", s.err);
}

#[test]
fn argument_errors_are_japanese() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cases: &[(&[&str], &str)] = &[
        (&["check", "--foo"], "想定していない引数 `--foo` があります"),
        (
            &["check", "--fromat", "json"],
            "`--format` の誤りではありませんか？",
        ),
        (
            &["check", "--format", "xx"],
            "[指定できる値: human, concise, json, sarif, github, gitlab, junit]",
        ),
        (
            &["check", "--format", "jsn"],
            "`json` の誤りではありませんか？",
        ),
        (
            &["check", "--max-per-code", "x"],
            "0 以上の整数を指定してください",
        ),
        (
            &["coverage", "x", "--fail-under", "abc"],
            "割合ではありません",
        ),
        (
            &["report", "x"],
            "次の引数が必要です:\n  --output <ファイル>",
        ),
        (&["graph"], "次の引数が必要です:\n  <ファイル>"),
        (
            &["check", "--config", "a", "--no-config"],
            "と一緒には指定できません",
        ),
        (&["check", "--quiet", "--quiet"], "1 回しか指定できません"),
        (&["chek"], "`check` の誤りではありませんか？"),
        (&["check", "--fix=3"], "余分な値 `3` があります"),
        (&["check", "--unsafe-fixes"], "次の引数が必要です"),
        (&["rules", "nosuch"], "`nosuch` というコマンドはありません"),
        (
            &["check", "--config"],
            "には値が必要ですが、指定されていません",
        ),
        (&["explain", "a", "b"], "想定していない引数 `b` があります"),
    ];
    for (args, expected) in cases {
        let args = [*args, &["--lang", "ja"]].concat();
        let case = args.join(" ");
        let (code, s) = status(root, &args, &[]);
        assert_eq!(code, Some(2), "{case}: {}", s.err);
        assert!(s.out.is_empty(), "{case}: {}", s.out);
        assert!(s.err.starts_with("mynaflow: エラー: "), "{case}: {}", s.err);
        japanese_cli(&case, &s.err, expected);
        assert!(s.err.contains("を参照してください"), "{case}: {}", s.err);
    }
    // By the locale, and where to read more names the command.
    let (code, s) = status(root, &["graph", "--bad"], &[("LANG", "ja_JP.UTF-8")]);
    assert_eq!(code, Some(2));
    japanese_cli(
        "graph --bad",
        &s.err,
        "詳しくは `mynaflow graph --help` を参照してください",
    );
    // What the arguments held is echoed with its control characters
    // made visible, in both languages.
    for lang in ["ja", "en"] {
        let (code, s) = status(root, &["check", "--x\u{1b}[2J", "--lang", lang], &[]);
        assert_eq!(code, Some(2));
        assert!(!s.err.contains('\u{1b}'), "{lang}: {:?}", s.err);
        assert!(s.err.contains("--x\\u{1b}[2J"), "{lang}: {:?}", s.err);
    }
}

#[test]
fn a_sarif_log_of_bad_arguments_says_why_in_japanese() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (code, s) = status(
        root,
        &["check", "--format", "sarif", "--foo", "--lang", "ja"],
        &[],
    );
    assert_eq!(code, Some(2));
    let log: serde_json::Value = serde_json::from_str(&s.out).expect("a SARIF log");
    let said =
        &log["runs"][0]["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"];
    assert_eq!(
        said.as_str(),
        Some("引数が正しくありません: 想定していない引数 `--foo` があります"),
        "{}",
        s.out
    );
    japanese_cli("sarif", &s.err, "想定していない引数");
}

/// A file that is not written (a symlink or a folder where it would go)
/// is said in Japanese, by every command that writes files.
#[cfg(unix)]
#[test]
fn refusals_to_write_are_japanese() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let dir = tmp.path();
    std::fs::write(dir.join("a.myna"), DESIGN).expect("write");
    std::fs::write(dir.join("real.json"), "").expect("write");
    std::os::unix::fs::symlink(dir.join("real.json"), dir.join("link.json")).expect("symlink");
    std::fs::create_dir(dir.join("d.json")).expect("mkdir");
    let baseline = |to: &str| {
        let args = [
            "check",
            "--no-config",
            "--lang",
            "ja",
            "--write-baseline",
            to,
            "a.myna",
        ];
        run(dir, &args, &[])
    };
    let s = baseline("link.json");
    japanese(
        "a symlink",
        &s.err,
        "link.json: シンボリックリンクには書き込みません (リンク先のファイルをその名前で指定してください)",
        &["link.json"],
    );
    let s = baseline("d.json");
    japanese(
        "a folder",
        &s.err,
        "d.json: 通常のファイルではないため書き込みません",
        &["d.json"],
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("real.json")).expect("read"),
        ""
    );
}

/// A config whose `lang` can be read is refused in that language when
/// another of its keys is wrong, found or named with `--config`, by every
/// command that reads it; `--lang` still wins.
#[test]
fn a_config_is_refused_in_its_own_language() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let dir = &tmp.path().canonicalize().expect("path");
    let found = dir.join("mynaflow.toml").display().to_string();
    std::fs::write(dir.join("a.myna"), DESIGN).expect("write");
    let bad_select = "lang = \"ja\"\nselect = [\"MN999\"]\n";
    std::fs::write(dir.join("mynaflow.toml"), bad_select).expect("write");
    std::fs::write(dir.join("bad5.toml"), "lang = \"ja\"\nformat = \"xml\"\n").expect("write");
    std::fs::write(dir.join("bad.toml"), "lang = \"ja\"\nfoo = 1\n").expect("write");
    let names = [&found, "select", "MN999", "MN102", "MN1", "ALL"];
    for cmd in ["check", "test", "coverage", "graph", "inventory", "report"] {
        let mut args = vec![cmd, "a.myna"];
        if cmd == "report" {
            args.extend(["-o", "r.html"]);
        }
        let s = run(dir, &args, &[]);
        japanese(cmd, &s.err, "設定ファイルを使えません", &names);
        let s = run(
            dir,
            &[&args[..], &["--lang", "en"]].concat(),
            &[("LANG", "ja_JP.UTF-8")],
        );
        assert!(
            s.err.contains("error: ")
                && s.err
                    .contains("mynaflow.toml: select: `MN999` is not a code"),
            "{cmd} --lang en: {}",
            s.err
        );
    }
    let formats = [
        "bad5.toml",
        "format",
        "xml",
        "human",
        "concise",
        "json",
        "sarif",
        "github",
        "gitlab",
        "junit",
    ];
    let s = run(dir, &["check", "--config", "bad5.toml", "a.myna"], &[]);
    japanese("--config", &s.err, "のいずれかを指定してください", &formats);
    let s = run(dir, &["check", "--config", "bad.toml", "a.myna"], &[]);
    assert!(
        s.err.starts_with("mynaflow: エラー: 設定ファイルを使えません: bad.toml: 2 行 1 列目: `foo` という設定項目はありません"),
        "{}",
        s.err
    );
    // A `lang` that cannot be read changes nothing: the locale decides.
    std::fs::write(dir.join("bad6.toml"), "lang = \"ja\nformat = \"xml\"\n").expect("write");
    let s = run(dir, &["check", "--config", "bad6.toml", "a.myna"], &[]);
    assert!(s.err.starts_with("mynaflow: error: "), "{}", s.err);
}

/// The completion scripts describe the commands, options and values in
/// the language `--help` is in: `--lang`, else the locale.
#[test]
fn completions_are_described_in_japanese() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let by_lang = run(dir, &["completions", "fish", "--lang", "ja"], &[]);
    let by_locale = run(dir, &["completions", "fish"], &[("LANG", "ja_JP.UTF-8")]);
    assert_eq!(by_lang.out, by_locale.out);
    let fish = by_lang.out;
    for said in [
        "-a \"check\" -d '設計を検査します (ファイル、または *.myna を探すフォルダ)'",
        "-l lang -d 'メッセージの言語",
        "concise\\t'指摘 1 件につき 1 行 (`file:line:col: CODE message`)'",
        "-l lang -d 'スクリプト内の説明の言語 (既定は `LANG` から決まります) [指定できる値: ja, en]'",
    ] {
        assert!(fish.contains(said), "`{said}` not in\n{fish}");
    }
    assert!(!fish.contains("Check designs"), "{fish}");
    let english = run(
        dir,
        &["completions", "fish", "--lang", "en"],
        &[("LANG", "ja_JP.UTF-8")],
    );
    assert!(english.out.contains("-d 'Check designs"), "{}", english.out);
    // zsh quotes the same Japanese.
    let zsh = run(dir, &["completions", "zsh", "--lang", "ja"], &[]).out;
    assert!(zsh.contains("'--help[ヘルプを表示します]'"), "{zsh}");
}

/// The usage lines of `--help` and of an argument error name the program
/// as it was invoked, in Japanese as in English.
#[cfg(unix)]
#[test]
fn help_names_the_program_as_invoked_in_both_languages() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let bin = tmp.path().join("mynaflow-head");
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_mynaflow"), &bin).expect("symlink");
    let run_as = |args: &[&str]| {
        let o = Command::new(&bin)
            .args(args)
            .env_remove("LANG")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .output()
            .expect("run");
        String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
    };
    assert!(run_as(&["--help"]).contains("Usage: mynaflow-head <COMMAND>"));
    let ja = run_as(&["--help", "--lang", "ja"]);
    assert!(ja.contains("使い方: mynaflow-head <コマンド>"), "{ja}");
    let ja = run_as(&["check", "--help", "--lang", "ja"]);
    assert!(
        ja.contains("使い方: mynaflow-head check [オプション]"),
        "{ja}"
    );
    let ja = run_as(&["rules", "diff", "--bogus", "--lang", "ja"]);
    assert!(
        ja.contains("使い方: mynaflow-head rules diff [オプション]"),
        "{ja}"
    );
    assert!(
        ja.contains("詳しくは `mynaflow-head rules diff --help`"),
        "{ja}"
    );
}

/// A name holding an emoji joined by U+200D is MN004, whose finding shows
/// the name as written (the joiner visible) and as read, in both
/// languages; MN004's page speaks of emoji.
#[test]
fn a_joined_emoji_in_a_name_is_shown_as_written_and_as_read() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let dir = tmp.path();
    let design = "use \"kenpo\"\nactor 基幹 : 組合 \"x\"\nactor 👨\u{200d}👩\u{200d}👧人事 : 事業主 \"y\"\ndata 記録 : 資格情報\nflow 👨\u{200d}👩\u{200d}👧人事 -> 基幹 : 記録 for 資格確認\n";
    std::fs::write(dir.join("e.myna"), design).expect("write");
    let ja = run(
        dir,
        &["check", "--no-config", "--lang", "ja", "e.myna"],
        &[],
    )
    .out;
    assert!(
        ja.contains("= 名前「👨\\u{200d}👩\\u{200d}👧人事」は、この文字を除いた「👨👩👧人事」として読まれます"),
        "{ja}"
    );
    let en = run(
        dir,
        &["check", "--no-config", "--lang", "en", "e.myna"],
        &[],
    )
    .out;
    assert!(
        en.contains(
            "= the name `👨\\u{200d}👩\\u{200d}👧人事` is read without it, as `👨👩👧人事`"
        ),
        "{en}"
    );
    assert!(!en.contains('\u{200d}') && !ja.contains('\u{200d}'));
    let page = run(dir, &["explain", "MN004", "--lang", "ja"], &[]).out;
    assert!(page.contains("絵文字も例外ではありません"), "{page}");
    let page = run(dir, &["explain", "MN004", "--lang", "en"], &[]).out;
    assert!(page.contains("Emoji are no exception"), "{page}");
}

/// A name that holds corner brackets is set off by 『』 in Japanese, not
/// nested into 「「…」」.
#[test]
fn a_name_with_corner_brackets_is_not_nested_in_them() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let dir = tmp.path();
    let design = "use \"kenpo\"\nactor 基幹 : 組合 \"x\"\nactor 人事 : 事業主 \"y\"\ndata 「名簿」 : 資格情報\ndata 台帳 : 資格情報\nflow 人事 -> 基幹 : 台帳 for 資格確認\nflow 人事 -> 基幹 : 「台帳」 for 資格確認\nflow 人事 -> 基幹 : 「名薄」 for 資格確認\n";
    std::fs::write(dir.join("b.myna"), design).expect("write");
    let ja = run(
        dir,
        &["check", "--no-config", "--lang", "ja", "b.myna"],
        &[],
    )
    .out;
    assert!(
        ja.contains("データ項目『「名簿」』は宣言されていますが"),
        "{ja}"
    );
    assert!(
        ja.contains("データ項目『「台帳」』は定義されていません"),
        "{ja}"
    );
    // The name errors' help too.
    assert!(ja.contains("『「名簿」』の誤りではありませんか？"), "{ja}");
    assert!(!ja.contains("「「"), "{ja}");
}

/// Every message, label, note, help and fix of the exchange, provision,
/// contractor and carrier findings (MN101–MN105, MN202, MN203,
/// MN301, MN302, MN401, MN402) sets off each name once in Japanese, in
/// 『』 when the name holds 「」 itself: over designs and a rulebook whose
/// every name is written in corner brackets.
#[test]
fn names_with_corner_brackets_are_set_off_once_in_exchange_findings() {
    const ASSERTED: &[&str] = &[
        "MN101", "MN102", "MN103", "MN104", "MN105", "MN202", "MN203", "MN301", "MN302", "MN401",
        "MN402",
    ];
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corner-brackets");
    let mut designs = Vec::new();
    for dir in [root.clone(), root.join("kenpo")] {
        let mut here: Vec<_> = std::fs::read_dir(&dir)
            .expect("the fixtures")
            .map(|e| e.expect("an entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "myna"))
            .filter(|p| !p.ends_with("rules.myna"))
            .collect();
        here.sort();
        designs.extend(here);
    }
    let mut seen = std::collections::BTreeSet::new();
    for design in &designs {
        let dir = design.parent().expect("a folder");
        let name = design.file_name().and_then(|n| n.to_str()).expect("a name");
        let said = run(
            dir,
            &[
                "check",
                "--no-config",
                "--lang",
                "ja",
                "--format",
                "json",
                name,
            ],
            &[],
        );
        let json: serde_json::Value = serde_json::from_str(&said.out).expect("JSON");
        let findings = json["diagnostics"].as_array().expect("diagnostics");
        for f in findings {
            let code = f["code"].as_str().expect("a code");
            if !ASSERTED.contains(&code) {
                continue;
            }
            let words = f.to_string();
            assert!(
                !words.contains("「「") && !words.contains("」」"),
                "{name}: {code} nests corner brackets: {words}"
            );
            assert!(
                words.contains('『'),
                "{name}: {code} quotes no name: {words}"
            );
            seen.insert(code.to_string());
        }
    }
    assert_eq!(
        seen.into_iter().collect::<Vec<_>>(),
        ASSERTED.iter().map(|c| c.to_string()).collect::<Vec<_>>()
    );
}
