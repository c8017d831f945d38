//! The man pages in Japanese (`man/ja/`): clap_mangen's page of each
//! command of the Japanese command line (`help_ja`), its section headings
//! said in Japanese, then the sections clap does not write, as
//! `manpage_sections` writes them in English.

use super::manpage_sections::{example, examples, heading, item, see_also};
use std::path::Path;

/// clap_mangen's English headings, and how a Japanese page says them.
/// clap_mangen writes each as a `.SH` line of its own.
const HEADINGS: &[(&str, &str)] = &[
    (".SH NAME", ".SH 名前"),
    (".SH SYNOPSIS", ".SH 書式"),
    (".SH DESCRIPTION", ".SH 説明"),
    (".SH OPTIONS", ".SH オプション"),
    (".SH VERSION", ".SH バージョン"),
];

/// Writes `mynaflow.1` and one `mynaflow-COMMAND.1` per visible
/// subcommand into `out`, in Japanese.
pub fn write(out: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(out)?;
    let cmd = super::help_ja::command();
    let mut all = Vec::new();
    names(&cmd, "mynaflow", &mut all);
    write_page(cmd, "mynaflow", &all, out)
}

/// The name of each page: `mynaflow`, `mynaflow-check`, `mynaflow-rules-diff`.
fn names(cmd: &clap::Command, name: &str, acc: &mut Vec<String>) {
    acc.push(name.to_string());
    for sub in shown(cmd) {
        names(sub, &format!("{name}-{}", sub.get_name()), acc);
    }
}

/// The subcommands that have a page: not hidden, not clap's `help`.
fn shown(cmd: &clap::Command) -> impl Iterator<Item = &clap::Command> {
    cmd.get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
}

/// Writes the page of `cmd`, named `name`, then those of its subcommands.
fn write_page(cmd: clap::Command, name: &str, all: &[String], out: &Path) -> std::io::Result<()> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd.clone())
        .title(name)
        .render(&mut buf)?;
    let mut page = String::new();
    for line in String::from_utf8_lossy(&buf).lines() {
        // The lines of a help that `help_ja` writes as a list (each value
        // and what it means, the default, the values allowed) would be
        // filled into one by roff: each starts a line of its own.
        if line.starts_with("\\- ")
            || line.starts_with("[既定値: ")
            || line.starts_with("[指定できる値: ")
        {
            page.push_str(".br\n");
        }
        let heading = HEADINGS.iter().find(|(en, _)| *en == line);
        page.push_str(heading.map_or(line, |(_, ja)| ja));
        page.push('\n');
    }
    page.push_str(&sections(name, all));
    std::fs::write(out.join(format!("{name}.1")), page)?;
    for sub in shown(&cmd) {
        let sub_name = format!("{name}-{}", sub.get_name());
        write_page(sub.clone().name(sub_name.clone()), &sub_name, all, out)?;
    }
    Ok(())
}

/// What each example of `page` does, in Japanese, in the order of
/// [`examples`], whose commands they describe.
fn examples_ja(page: &str) -> &'static [&'static str] {
    match page {
        "mynaflow" | "mynaflow-check" => &[
            "designs/ 以下の設計をすべて検査します:",
            "CI で GitHub code scanning 用の SARIF を書き出します (指摘があれば終了ステータス 1、検査できない設計があれば 2):",
            "プルリクエストに注釈を付け、すべての指摘をジョブの概要に書き出します:",
            "特定個人情報の検査だけを、未使用の宣言を除いて、指摘 1 件につき 1 行で出力します:",
            "エディタで編集中の内容を、designs/a.myna として検査します:",
            "コードごとの指摘の件数:",
        ],
        "mynaflow-test" => &[
            "# expect: 注釈を照合します:",
            "ルールブックを変えた後で、注釈を報告される指摘に合わせて書き換えます:",
        ],
        "mynaflow-explain" => &["MN102 の意味を日本語で表示します:", "すべてのコード:"],
        "mynaflow-rules"
        | "mynaflow-rules-show"
        | "mynaflow-rules-export"
        | "mynaflow-rules-list" => &[
            "ルールブックの語彙全体:",
            "1 つのセクション:",
            "組み込みのルールブックから独自のルールブックを作り始めます:",
        ],
        "mynaflow-rules-check" => {
            &["組み込みのルールブックを検査します (古い条文の引用、誰も実施できない利用目的):"]
        }
        "mynaflow-rules-diff" => &[
            "ルールブックの変更で認められるもの・認められなくなるものと、判定が変わるフロー:",
            "公表文の改定のための CI の関門: 新たに認められるものがあれば失敗にします:",
        ],
        "mynaflow-graph" => &[
            "設計を描きます (違反は赤):",
            "受け取った課税情報はどこまで届くか:",
        ],
        "mynaflow-report" => {
            &["designs/ 以下のすべての設計から、レビュー用のページを 1 つ日本語で作成します:"]
        }
        "mynaflow-inventory" => {
            &["特定個人情報保護評価書の様式に沿った特定個人情報の棚卸しを、日本語で作成します:"]
        }
        "mynaflow-coverage" => &["設計が使う規則が 80% に満たないとき失敗にします:"],
        "mynaflow-fmt" => &["CI でレイアウトを確認します:"],
        "mynaflow-completions" => &[
            "bash (Debian、Ubuntu):",
            "zsh (~/.zshrc で、このフォルダを fpath に加えてください):",
            "fish:",
        ],
        _ => &[],
    }
}

/// The sections clap does not write, in Japanese, for the page `page`
/// among `pages`.
fn sections(page: &str, pages: &[String]) -> String {
    let mut out = String::new();
    heading(&mut out, "終了ステータス");
    item(
        &mut out,
        "0",
        "エラーはありません (--deny warnings を指定しなければ警告は構いません)。check --exit-zero では、指摘があっても 0 です。",
    );
    item(
        &mut out,
        "1",
        "エラーの指摘が 1 件以上あるか (構文エラーを含みます。--select/--ignore で非表示にした構文・名前のエラーも、その文の検査を止めているため含みます。機械向けの出力形式にはその旨が書かれます)、失敗したテストがあります。",
    );
    item(
        &mut out,
        "2",
        "mynaflow が役目を果たせませんでした: 引数の誤り、読めないファイル、設計のないパス、不正な mynaflow.toml、検査できなかった設計 (UTF-8 のテキストファイルではない MN005、ルールブックを読み込めない MN013。表示・除外の有無を問わず、ベースラインでも除外できません)。--format sarif では、ログに理由が書かれます。json、junit、github でも、出力されるときはそこに理由が書かれます。",
    );
    heading(&mut out, "環境変数");
    item(
        &mut out,
        "LC_ALL, LC_MESSAGES, LANG",
        "--lang も、mynaflow.toml を読むコマンドではその lang も指定がないときのメッセージの言語 (ヘルプと引数の誤りを含みます): ja* なら日本語、それ以外は英語です (最初に設定されているものが使われます)。",
    );
    item(
        &mut out,
        "NO_COLOR",
        "空でない値が設定されていれば、色を付けません (--color always を除く)。",
    );
    item(
        &mut out,
        "GITHUB_STEP_SUMMARY",
        "check --format github で、すべての指摘の Markdown の表を追記するファイル (GitHub Actions が設定します)。",
    );
    heading(&mut out, "ファイル");
    item(
        &mut out,
        "mynaflow.toml",
        "プロジェクトの設定ファイル。検査するフォルダとその上で探します (--config で指定することもできます): rules、format、lang、deny、exclude、baseline、require-clauses、max-per-code、select、ignore、per-file-ignores。JSON Schema はソースの docs/mynaflow.schema.json にあります。",
    );
    item(
        &mut out,
        "*.myna",
        "設計とルールブック。<builtin>/kenpo.myna は組み込みのルールブックで、mynaflow rules export kenpo で書き出せます。",
    );
    let said = examples_ja(page);
    let commands = examples(page);
    if !commands.is_empty() {
        heading(&mut out, "例");
        for ((_, command), what) in commands.iter().zip(said) {
            example(&mut out, what, command);
        }
    }
    see_also(&mut out, "関連項目", page, pages);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_example_is_said_in_japanese() {
        let mut pages = Vec::new();
        names(&super::super::help_ja::command(), "mynaflow", &mut pages);
        for page in pages {
            assert_eq!(
                examples(&page).len(),
                examples_ja(&page).len(),
                "{page}: examples in manpage_sections.rs and man_ja.rs differ"
            );
        }
    }
}
