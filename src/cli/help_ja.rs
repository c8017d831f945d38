//! The command line in Japanese: the same [`Cli`](super::Cli) command,
//! parsed the same way, with every text a user reads replaced. clap has
//! no translations of its own (clap-rs/clap#380), so each command's about,
//! each argument's help and value names, the headings (a help template)
//! and the usage line (clap writes `[OPTIONS]` itself) are set here, and
//! the defaults and possible values are written into the help text after
//! clap's own English `[default: …]` and `[possible values: …]` are hidden.
//!
//! The texts are keyed by command path and argument id, not by the English
//! words, so rewording an English doc comment does not lose its Japanese;
//! `tests::every_visible_text_is_japanese` fails when a command or an
//! argument is added without one.

use clap::builder::{PossibleValue, StyledStr};
use clap::{Arg, Command, CommandFactory};

/// The Japanese command: [`super::Cli::command`], built (so clap's own
/// `--help`, `--version` and `help` exist and can be translated too),
/// then every text replaced.
pub fn command() -> Command {
    named("mynaflow")
}

/// [`command`] under the name it was invoked by (`bin`, the file name of
/// the program as run), which its usage lines show, as clap's English
/// ones do.
pub fn named(bin: &str) -> Command {
    // Set before the build, which derives the subcommands' names from it.
    let mut cmd = super::Cli::command().bin_name(bin);
    cmd.build();
    let cmd = localize(cmd, "mynaflow");
    with_usage(cmd)
}

/// [`command`] for a completion script: the possible values that the
/// English describes described in Japanese too (clap_complete shows them
/// beside each value). Their parsers are replaced by lists of strings,
/// so the command is for drawing a script, not for parsing.
pub fn for_completions() -> Command {
    values_in_japanese(command(), "mynaflow")
}

/// `cmd` (at `path`) and its subcommands with each described possible
/// value described in Japanese ([`value_help`]).
fn values_in_japanese(cmd: Command, path: &str) -> Command {
    cmd.mut_args(|a| {
        let values = a.get_possible_values();
        if !values.iter().any(|v| v.get_help().is_some()) {
            return a;
        }
        let ja: Vec<PossibleValue> = (values.iter())
            .map(|v| {
                let name = v.get_name().to_string();
                let mut p = PossibleValue::new(name).hide(v.is_hide_set());
                if let Some(said) = value_help(path, v.get_name()) {
                    p = p.help(said);
                }
                p
            })
            .collect();
        a.value_parser(clap::builder::PossibleValuesParser::new(ja))
    })
    .mut_subcommands(|sub| {
        let sub_path = format!("{path} {}", sub.get_name());
        values_in_japanese(sub, &sub_path)
    })
}

/// `cmd` (at `path`, such as `mynaflow rules diff`) and its subcommands
/// with Japanese texts. Only settings read when help or an error is
/// drawn are changed, and the order of arguments and subcommands is kept
/// (`mut_args` and `mut_subcommands` keep it; clap's index of a built
/// command's arguments points into that order).
fn localize(cmd: Command, path: &str) -> Command {
    let cmd = cmd.mut_args(|a| localize_arg(a, path));
    let template = template(&cmd);
    // A command without a Japanese text keeps its English, for the test
    // to find.
    let cmd = match about(path) {
        Some(about) => cmd.about(about).long_about(None::<&str>),
        None => cmd,
    };
    cmd.help_template(template)
        .subcommand_value_name("コマンド")
        .subcommand_help_heading("コマンド")
        .mut_subcommands(|sub| {
            let sub_path = format!("{path} {}", sub.get_name());
            localize(sub, &sub_path)
        })
}

/// `cmd` and its subcommands, each with its usage line in Japanese:
/// clap's own usage of the command as localized (its value names), with
/// `[OPTIONS]` said in Japanese. Set once the whole tree is localized,
/// as the usage is drawn from the command's arguments.
fn with_usage(mut cmd: Command) -> Command {
    let usage = cmd.render_usage().to_string();
    let usage = usage.strip_prefix("Usage: ").unwrap_or(&usage);
    let usage = usage.replace("[OPTIONS]", "[オプション]");
    cmd.override_usage(usage).mut_subcommands(with_usage)
}

/// The help template: clap's default, with its headings (`Usage:`,
/// `Commands:`, `Arguments:`, `Options:`) written in Japanese and in the
/// styles clap gives them. Each section is there only when the command
/// shows something under it.
fn template(cmd: &Command) -> StyledStr {
    let styles = cmd.get_styles();
    let (usage, header) = (styles.get_usage(), styles.get_header());
    let mut t = format!("{{before-help}}{{about-with-newline}}\n{usage}使い方:{usage:#} {{usage}}");
    if cmd.get_subcommands().any(|s| !s.is_hide_set()) {
        t.push_str(&format!("\n\n{header}コマンド:{header:#}\n{{subcommands}}"));
    }
    if cmd.get_positionals().any(|a| !a.is_hide_set()) {
        t.push_str(&format!("\n\n{header}引数:{header:#}\n{{positionals}}"));
    }
    if cmd
        .get_arguments()
        .any(|a| !a.is_positional() && !a.is_hide_set())
    {
        t.push_str(&format!("\n\n{header}オプション:{header:#}\n{{options}}"));
    }
    t.push_str("{after-help}");
    StyledStr::from(t)
}

/// `arg` of the command at `path` in Japanese: its help, its value names,
/// and its default and possible values said in the help (clap's English
/// brackets hidden). An argument without a Japanese text is left as it is,
/// for the test to find.
fn localize_arg(arg: Arg, path: &str) -> Arg {
    let id = arg.get_id().as_str().to_string();
    let english = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
    let Some(help) = arg_help(path, &id, &english) else {
        return arg;
    };
    let defaults: Vec<String> = if arg.get_num_args().is_some_and(|n| n.takes_values()) {
        arg.get_default_values()
            .iter()
            .map(|v| v.to_string_lossy().into_owned())
            .collect()
    } else {
        Vec::new()
    };
    let values: Vec<PossibleValue> = arg
        .get_possible_values()
        .into_iter()
        .filter(|v| !v.is_hide_set())
        .collect();
    let names: Vec<String> = arg
        .get_value_names()
        .unwrap_or_default()
        .iter()
        .map(|n| value_name(n.as_str()).to_string())
        .collect();

    let default = (!defaults.is_empty()).then(|| format!("[既定値: {}]", defaults.join(" ")));
    let listed = (!values.is_empty()).then(|| {
        let names: Vec<&str> = values.iter().map(PossibleValue::get_name).collect();
        format!("[指定できる値: {}]", names.join(", "))
    });
    let short = [Some(help.to_string()), default.clone(), listed.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    // The long help (`--help`) sets the brackets apart, as clap does, and
    // describes each value when the English describes any.
    let described = values.iter().any(|v| v.get_help().is_some());
    // clap's `--help` has a long help of its own, which points the other way.
    let mut long = match (id.as_str(), arg.get_long_help()) {
        ("help", Some(_)) => "ヘルプを表示します (要約は '-h')".to_string(),
        _ => help.to_string(),
    };
    if described {
        long.push_str("\n\n指定できる値:");
        for v in &values {
            long.push_str(&format!("\n- {}", v.get_name()));
            if let Some(said) = value_help(path, v.get_name()) {
                long.push_str(&format!(": {said}"));
            }
        }
    }
    let brackets: Vec<String> = [default, (!described).then_some(listed).flatten()]
        .into_iter()
        .flatten()
        .collect();
    if !brackets.is_empty() {
        long.push_str("\n\n");
        long.push_str(&brackets.join("\n"));
    }

    let arg = arg
        .help(short)
        .long_help(long)
        .hide_default_value(true)
        .hide_possible_values(true);
    if names.is_empty() {
        arg
    } else {
        arg.value_names(names)
    }
}

/// A value name (`<FILE>`, `[PATHS]...`) in Japanese. Names that are a
/// value to type as written (`<mynumber>`, `<warnings>`) stay.
fn value_name(name: &str) -> &str {
    match name {
        "PATH" | "PATHS" => "パス",
        "FILE" => "ファイル",
        "CODE" | "CODES" => "コード",
        "N" => "件数",
        "PCT" => "割合",
        "ID" | "SECTION" => "セクション",
        "ITEM" => "データ項目",
        "LANG" => "言語",
        "COLOR" => "色",
        "FORMAT" => "形式",
        "NAME" => "名前",
        "OLD" => "旧ルールブック",
        "NEW" => "新ルールブック",
        "RULEBOOKS" => "ルールブック",
        "SHELL" => "シェル",
        "OUT" => "フォルダ",
        "COMMAND" => "コマンド",
        other => other,
    }
}

/// What the command at `path` does, in Japanese. A command under `help`
/// (clap's copy of the tree, for `mynaflow help check`) says what the
/// command it names does.
pub fn about(path: &str) -> Option<&'static str> {
    let words: Vec<&str> = path.split(' ').collect();
    let path = match words.iter().position(|w| *w == "help") {
        Some(at) if !matches!(&words[at + 1..], [] | ["help"]) => {
            [&words[..at], &words[at + 1..]].concat().join(" ")
        }
        Some(_) => "mynaflow help".to_string(),
        None => path.to_string(),
    };
    Some(match path.as_str() {
        "mynaflow" => {
            "特定個人情報の提供ルールと個人情報の利用目的に照らして、システム連携設計のデータフローを検査するリンター"
        }
        "mynaflow check" => "設計を検査します (ファイル、または *.myna を探すフォルダ)",
        "mynaflow test" => "設計の `# expect:` 注釈と、報告される指摘とを照合します",
        "mynaflow explain" => "コードを説明します: 意味、理由、例、直し方",
        "mynaflow fmt" => {
            "設計とルールブックを標準のレイアウトに整形します (コメントは残し、意味は変えません)"
        }
        "mynaflow lsp" => "標準入出力で言語サーバーを動かします (エディタ用)",
        "mynaflow graph" => "設計を DOT または Mermaid のグラフとして描きます (違反は赤)",
        "mynaflow report" => {
            "レビュー担当者向けに、それだけで開ける HTML ページを 1 つ書き出します: 指摘、絞り込みのできる各設計の図、カバレッジ"
        }
        "mynaflow coverage" => {
            "設計がどの `allow` 規則を使っているか、どの設計も使っていない規則はどれかを示します"
        }
        "mynaflow inventory" => {
            "特定個人情報の棚卸しとやり取りの記録を作成します (特定個人情報保護評価のため)"
        }
        "mynaflow completions" => {
            "シェルの補完スクリプトを出力します (bash、zsh、fish、powershell、elvish)"
        }
        "mynaflow manpages" => {
            "man ページ (roff) をフォルダに書き出します。リポジトリの `man/` にあり、古くなるとテストが失敗します"
        }
        "mynaflow rules" => "ルールブックを表示します",
        "mynaflow rules list" => "セクションとその利用目的を一覧します",
        "mynaflow rules show" => {
            "セクションを 1 つ表示します (利用目的・規則・委託先)。<セクション> を省くと、ルールブックの語彙全体 (役割・カテゴリ・利用目的・委託先) を表示します"
        }
        "mynaflow rules export" => {
            "組み込みのルールブックのソースを書き出します (読むため、または独自のルールブックを作り始めるため)"
        }
        "mynaflow rules diff" => {
            "2 つのルールブックを比べます: 変更で新たに認められるもの・認められなくなるもの、(--impact を付けると) 設計のどのフローの判定が変わるか"
        }
        "mynaflow rules check" => {
            "ルールブックを検査します (MN6xx): 改正で変わった条文の引用、委託先の役割のない委託先一覧、重複する規則、誰も実施できない利用目的"
        }
        "mynaflow help" => "このメッセージ、または指定したコマンドのヘルプを表示します",
        _ => return None,
    })
}

/// `--lang` of the commands whose English says "Language of messages".
const LANG_OF_MESSAGES: &str =
    "メッセージの言語 (既定は `LANG` から決まります: `ja*` なら `ja`、それ以外は `en`)";

/// `--lang` of the commands that read a config (`Common`).
const LANG_OF_MESSAGES_OR_CONFIG: &str = "メッセージの言語 (既定は設定ファイルの `lang`、なければ `LANG` から決まります: `ja*` なら `ja`、それ以外は `en`)";

/// The help of argument `id` of the command at `path`, in Japanese.
/// `english` is clap's own text, for its `--help`, whose words depend on
/// whether the command has a long help.
pub fn arg_help(path: &str, id: &str, english: &str) -> Option<&'static str> {
    let command = path.strip_prefix("mynaflow ").unwrap_or(path);
    Some(match (command, id) {
        // clap's own.
        (_, "help") if english.contains("see more") => "ヘルプを表示します (詳しくは '--help')",
        (_, "help") => "ヘルプを表示します",
        (_, "version") => "バージョンを表示します",
        (c, "subcommand") if c.ends_with("help") => "ヘルプを表示するコマンド",
        // Common.
        (_, "rules") => "`use` のない設計に使うルールブック (パス、または `kenpo`)",
        ("explain" | "rules diff", "lang") => "言語 (既定は `LANG` から決まります)",
        ("completions", "lang") => "スクリプト内の説明の言語 (既定は `LANG` から決まります)",
        ("lsp", "lang") => {
            "メッセージとホバーの説明の言語。指定するとすべての文書に使います (既定は文書ごとに、その設定ファイルの `lang`、なければ `LANG` から決まります)"
        }
        ("fmt" | "rules check", "lang") => LANG_OF_MESSAGES,
        (_, "lang") => LANG_OF_MESSAGES_OR_CONFIG,
        (_, "color") => "色を付けるかどうか",
        (_, "config") => {
            "設定ファイル (既定: 検査するフォルダかその上にある mynaflow.toml)。CI では固定して、プルリクエストが独自の設定ファイルを持ち込めないようにしてください"
        }
        (_, "no_config") => "mynaflow.toml を一切読みません",
        (_, "follow_symlinks") => {
            "フォルダ内で見つけたシンボリックリンクを辿ります (指定したフォルダの外へは辿りません)。指定しないと、設計につながるかもしれないリンクがあれば実行は失敗します"
        }
        ("check", "paths") => "ファイルまたはフォルダ。`-` は標準入力から設計を 1 つ読みます",
        ("test" | "fmt", "paths") => "ファイルまたはフォルダ",
        ("report" | "coverage", "paths") => "設計 (ファイル、または *.myna を探すフォルダ)",
        ("check", "format") => "出力形式 [既定値: human、または設定ファイルの `format`]",
        ("rules show", "format") => "出力形式 (<セクション> を省いて語彙全体を表示するときだけ)",
        (_, "format") => "出力形式",
        (_, "deny") => "`--deny warnings`: 警告でも実行を失敗にします",
        ("check", "quiet") => "指摘だけを出力します (要約の行は出しません)",
        ("check", "baseline") => {
            "このベースラインに記録されていない指摘があるときだけ失敗にします (MN004、MN005、MN013 は除外できません)"
        }
        ("check", "write_baseline") => {
            "今の指摘を出力する代わりに <ファイル> に記録します (ベースラインで除外できない MN004、MN005、MN013 は記録しません)。検査できないファイルがなければ終了ステータスは 0 です"
        }
        ("check", "timings") => {
            "各段階にかかった時間を標準エラー出力に出します (ファイル全体の合計)"
        }
        ("check" | "report", "select") => {
            "報告するコードまたはその接頭辞 (MN102、MN1、`ALL`)。カンマ区切り [既定値: 設定ファイルの `select`、なければすべて]"
        }
        ("check" | "report", "ignore") => {
            "報告しないコードまたはその接頭辞 (設定ファイルの `ignore` に加えます)"
        }
        ("check", "exit_zero") => {
            "指摘があっても終了ステータス 0 で終わります (検査を実行できなかったときは 2 のままです)"
        }
        ("check", "max_per_code") => {
            "ファイルごとに、1 つのコードの指摘を何件まで表示するか (残りは 1 件にまとめます)。0 ならすべて表示します [既定値: 100、または設定ファイルの `max-per-code`]"
        }
        ("check", "output_file") | ("rules export", "output") => {
            "標準出力の代わりに <ファイル> へ書き出します"
        }
        ("check", "statistics") => "指摘の代わりに、コードごとの指摘の件数を出力します",
        ("check", "stdin_filename") => {
            "`-` から読む設計の名前 (`use` と mynaflow.toml を探す場所にもなります)"
        }
        ("check", "fix") => "指摘の安全な修正をファイルに適用し、残った指摘を報告します",
        ("check", "unsafe_fixes") => {
            "--fix と一緒に指定: 安全でない修正も適用します (設計の内容が変わります)"
        }
        ("check", "diff") => {
            "--fix と一緒に指定: ファイルは書き換えず、修正による差分を出力します。書き換わるファイルがあれば終了ステータス 1 で終わります"
        }
        ("test", "update") => {
            "各ファイルの `# expect:` 注釈を、報告される指摘に合わせて書き換えます (ルールブックを読み込めない設計は書き換えず、終了ステータスは 2)"
        }
        ("test", "timings") => {
            "各段階にかかった時間を標準エラー出力に出します (`check` の段階をファイル全体で合計したもの、次に注釈との照合)"
        }
        ("explain", "code") => "MN102 のようなコード (省くとすべてのコードを一覧します)",
        ("fmt", "check") => {
            "何も変更しません。書き換わるファイルがあれば差分を出力し、終了ステータス 1 で終わります"
        }
        ("graph" | "inventory", "file") => "設計",
        ("graph", "only") => "`--only mynumber`: 特定個人情報を運ぶフローだけを描きます",
        ("graph", "item") => "このデータ項目を運ぶフローだけを描きます",
        ("graph", "section") => {
            "このセクションの利用目的 (そこで宣言されたもの、またはその規則が認めるもの) のフローだけを描きます。例: 7(1)"
        }
        ("graph", "reach") => {
            "<データ項目> がフローを通じて届くアクターすべてと、その経路を示します。ほかは灰色で描きます (`--format json` では一覧にします)"
        }
        ("graph", "timings") => {
            "各段階にかかった時間を標準エラー出力に出します (`check` の段階、次に図を描いて書き出すまで)"
        }
        ("report", "output") => "書き出す HTML ファイル",
        ("coverage", "fail_under") => {
            "使われた規則の割合が <割合> % を下回るとき、終了ステータス 1 で終わります"
        }
        ("coverage", "timings") => {
            "各段階にかかった時間を標準エラー出力に出します (`check` の段階を設計全体で合計したもの、次に測定と書き出し)"
        }
        ("inventory", "timings") => {
            "各段階にかかった時間を標準エラー出力に出します (`check` の段階、次に棚卸しを作成して書き出すまで)"
        }
        ("completions", "shell") => "シェル",
        ("manpages", "out") => "書き出すフォルダ",
        ("rules show", "section") => "セクション (例: 7(1))",
        ("rules export", "name") => "組み込みのルールブック (例: `kenpo`)",
        ("rules diff", "old") => "古いルールブック (パス、または `kenpo`)",
        ("rules diff", "new") => "新しいルールブック (パス、または `kenpo`)",
        ("rules diff", "impact") => {
            "両方のルールブックで検査する設計 (ファイルまたはフォルダ)。`use` がどのルールブックを指していても、両方で検査します"
        }
        ("rules diff", "fail_on_broadening") => {
            "古いルールブックが認めなかったものを新しいルールブックが認めるとき、終了ステータス 1 で終わります"
        }
        ("rules diff", "timings") => {
            "各段階にかかった時間を標準エラー出力に出します (--impact を付けたときは、`check` の段階を設計と両方のルールブックで合計したもの)"
        }
        ("rules check", "rulebooks") => {
            "ルールブック (パス、または `kenpo`)。指定しなければ組み込みの `kenpo`"
        }
        _ => return None,
    })
}

/// What the possible value `value` of the command at `path` means, in
/// Japanese, for the values whose English says something.
pub fn value_help(path: &str, value: &str) -> Option<&'static str> {
    let command = path.strip_prefix("mynaflow ").unwrap_or(path);
    Some(match (command, value) {
        ("check" | "rules check", "concise") => {
            "指摘 1 件につき 1 行 (`file:line:col: CODE message`)"
        }
        ("check" | "rules check", "gitlab") => "GitLab の Code Quality 形式の JSON",
        ("graph", "dot") => "Graphviz の DOT 形式 (`dot -Tsvg`)",
        ("graph", "mermaid") => "Mermaid のフローチャート (GitHub の Markdown で表示されます)",
        ("graph", "json") => "JSON (`--reach` と一緒のときだけ): 届くアクターとその経路",
        ("inventory", "md") => "Markdown (見出しは特定個人情報保護評価書の様式に沿います)",
        ("inventory", "json") => "JSON 形式 (docs/inventory.schema.json)",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every command, argument and described value a user can see, with
    /// its path: `(path, what, english, japanese)`.
    fn texts() -> Vec<(String, String, String, String)> {
        fn walk(
            en: &Command,
            ja: &Command,
            path: &str,
            out: &mut Vec<(String, String, String, String)>,
        ) {
            let said = |s: Option<&StyledStr>| s.map(|s| s.to_string()).unwrap_or_default();
            out.push((
                path.to_string(),
                "about".to_string(),
                said(en.get_about()),
                said(ja.get_about()),
            ));
            for (a, b) in en.get_arguments().zip(ja.get_arguments()) {
                if a.is_hide_set() {
                    continue;
                }
                assert_eq!(a.get_id(), b.get_id(), "{path}: arguments out of order");
                out.push((
                    path.to_string(),
                    a.get_id().to_string(),
                    said(a.get_help()),
                    said(b.get_long_help()),
                ));
                for v in a.get_possible_values() {
                    if let Some(h) = v.get_help() {
                        out.push((
                            path.to_string(),
                            format!("{}={}", a.get_id(), v.get_name()),
                            h.to_string(),
                            value_help(path, v.get_name())
                                .unwrap_or_default()
                                .to_string(),
                        ));
                    }
                }
            }
            for (a, b) in en.get_subcommands().zip(ja.get_subcommands()) {
                assert_eq!(a.get_name(), b.get_name(), "{path}: commands out of order");
                if !a.is_hide_set() {
                    walk(a, b, &format!("{path} {}", a.get_name()), out);
                }
            }
        }
        let mut en = super::super::Cli::command();
        en.build();
        let ja = command();
        let mut out = Vec::new();
        walk(&en, &ja, "mynaflow", &mut out);
        out
    }

    /// Whether `s` has a Japanese letter (kana or kanji).
    fn japanese(s: &str) -> bool {
        s.chars()
            .any(|c| matches!(c, '\u{3040}'..='\u{30ff}' | '\u{4e00}'..='\u{9fff}'))
    }

    #[test]
    fn every_visible_text_is_japanese() {
        let mut missing = Vec::new();
        for (path, what, english, japanese_text) in texts() {
            if english.is_empty() && japanese_text.is_empty() {
                continue;
            }
            if !japanese(&japanese_text) || japanese_text == english {
                missing.push(format!("{path} {what}: {english:?} → {japanese_text:?}"));
            }
        }
        assert!(
            missing.is_empty(),
            "no Japanese text (add it to src/cli/help_ja.rs):\n{}",
            missing.join("\n")
        );
    }

    #[test]
    fn the_japanese_command_parses_as_the_english_one() {
        use clap::{FromArgMatches, Parser};
        let args = [
            "mynaflow",
            "check",
            "--format=sarif",
            "--select",
            "MN1,MN2",
            "-q",
            "a.myna",
            "--lang",
            "ja",
        ];
        let en = super::super::Cli::try_parse_from(args).expect("English");
        let m = command().try_get_matches_from(args).expect("Japanese");
        let ja = super::super::Cli::from_arg_matches(&m).expect("Japanese");
        assert_eq!(format!("{en:?}"), format!("{ja:?}"));
    }

    #[test]
    fn help_has_japanese_headings_defaults_and_values() {
        let mut cmd = command();
        let check = cmd
            .find_subcommand_mut("check")
            .expect("check")
            .render_help()
            .to_string();
        for said in [
            "使い方: mynaflow check [オプション] [パス]...",
            "引数:",
            "オプション:",
            "[既定値: .]",
            "[既定値: auto] [指定できる値: auto, always, never]",
            "--output-file <ファイル>",
        ] {
            assert!(check.contains(said), "{said} not in\n{check}");
        }
        let top = cmd.render_help().to_string();
        assert!(top.contains("コマンド:\n  check"), "{top}");
        assert!(!top.contains("Usage") && !top.contains("Options"), "{top}");
        let long = cmd
            .find_subcommand_mut("graph")
            .expect("graph")
            .render_long_help()
            .to_string();
        assert!(
            long.contains("- mermaid: Mermaid のフローチャート"),
            "{long}"
        );
        assert!(long.contains("[既定値: dot]"), "{long}");
    }
}
