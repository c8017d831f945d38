//! Command-line arguments (clap) and the dispatch to each command.

mod check;
mod coverage;
mod explain;
mod fix;
mod fmt;
mod graph;
mod groups;
mod help_ja;
mod inventory;
mod lsp;
mod man_ja;
mod manpage_sections;
mod output;
mod parse;
mod report;
mod rules;
mod rules_diff;
mod rules_vocabulary;
mod stdout;
mod test;
mod test_update;
mod timings;
mod usage_error;

use clap::{Parser, Subcommand, ValueEnum};
use mynaflow::text::Lang;
use std::path::PathBuf;
use std::process::ExitCode;

/// Exit status: no errors.
pub const OK: u8 = 0;
/// Exit status: at least one error-severity finding.
pub const FINDINGS: u8 = 1;
/// Exit status: the tool could not do its job.
pub const FAILURE: u8 = 2;

#[derive(Parser, Debug)]
#[command(
    name = "mynaflow",
    version,
    about = "A data-flow linter for My Number (特定個人情報) exchange rules"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Options shared by the commands that print findings.
#[derive(clap::Args, Debug, Clone)]
pub struct Common {
    /// Rulebook for designs without `use` (a path, or `kenpo`).
    #[arg(long, value_name = "PATH")]
    rules: Option<String>,
    /// Language of messages (default: the config's `lang`, else from LANG:
    /// ja* → ja, else en).
    #[arg(long, value_enum)]
    lang: Option<LangArg>,
    /// When to use colour.
    #[arg(long, value_enum, default_value = "auto")]
    color: ColorArg,
    /// Settings file (default: mynaflow.toml in the checked folder or above).
    /// Pin it in CI, so a pull request cannot bring its own.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    config: Option<PathBuf>,
    /// Read no mynaflow.toml at all.
    #[arg(long)]
    no_config: bool,
    /// Follow symlinks met in folders (never to outside the folder given);
    /// without it, a link that may lead to designs fails the run.
    #[arg(long)]
    follow_symlinks: bool,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check designs (files, or folders searched for *.myna).
    Check {
        /// Files or folders; `-` reads one design from standard input.
        #[arg(default_value = ".")]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        common: Common,
        /// Output format [default: human, or the config's `format`].
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// `--deny warnings`: warnings fail the run too.
        #[arg(long, value_name = "warnings", value_parser = ["warnings"])]
        deny: Option<String>,
        /// Print nothing but the findings (no summary line).
        #[arg(long, short)]
        quiet: bool,
        /// Fail only on findings this baseline does not record (it never
        /// excuses MN004, MN005, MN013).
        #[arg(long, value_name = "FILE")]
        baseline: Option<PathBuf>,
        /// Record today's findings in FILE instead of printing them (not
        /// MN004, MN005, MN013, which no baseline excuses); exit 0 unless a
        /// file could not be checked.
        #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
        write_baseline: Option<PathBuf>,
        /// Print the time each stage took to stderr (summed over files).
        #[arg(long)]
        timings: bool,
        /// Report only these codes or prefixes (MN102, MN1, ALL), comma-separated
        /// [default: the config's `select`, else all].
        #[arg(long, value_name = "CODES", value_delimiter = ',')]
        select: Vec<String>,
        /// Never report these codes or prefixes (added to the config's `ignore`).
        #[arg(long, value_name = "CODES", value_delimiter = ',')]
        ignore: Vec<String>,
        /// Exit 0 even when there are findings (2 still means the check could not run).
        #[arg(long)]
        exit_zero: bool,
        /// Findings of one code shown per file before the rest are summed up in
        /// one; 0 shows every one [default: 100, or the config's `max-per-code`].
        #[arg(long, value_name = "N")]
        max_per_code: Option<usize>,
        /// Write the output to FILE instead of standard output.
        #[arg(long, short = 'o', value_name = "FILE")]
        output_file: Option<PathBuf>,
        /// Print how many findings each code has instead of the findings.
        #[arg(long)]
        statistics: bool,
        /// The name (and place, for `use` and mynaflow.toml) of the design read from `-`.
        #[arg(long, value_name = "PATH")]
        stdin_filename: Option<PathBuf>,
        /// Apply the findings' safe fixes to the files, then report what is left.
        #[arg(long)]
        fix: bool,
        /// With --fix: apply unsafe fixes too (they change what the design says).
        #[arg(long, requires = "fix")]
        unsafe_fixes: bool,
        /// With --fix: write nothing; print the diff the fixes would make, and
        /// exit 1 if a file would change.
        #[arg(long, requires = "fix", conflicts_with_all = ["write_baseline", "statistics", "format"])]
        diff: bool,
    },
    /// Run the `# expect:` annotations of designs.
    Test {
        /// Files or folders.
        #[arg(default_value = ".")]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        common: Common,
        /// Rewrite each file's `# expect:` annotations to what is reported
        /// (not those of a design whose rulebook cannot be loaded: exit 2).
        #[arg(long)]
        update: bool,
        /// Print the time each stage took to stderr (those of `check`
        /// summed over the files, then comparing with the annotations).
        #[arg(long, conflicts_with = "update")]
        timings: bool,
    },
    /// Explain a diagnostic code: what it means, why, an example, the fix.
    Explain {
        /// A code such as MN102 (omit to list every code).
        code: Option<String>,
        /// Language (default from LANG).
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
    },
    /// Format designs and rulebooks in the canonical layout (comments kept, meaning unchanged).
    Fmt {
        /// Files or folders.
        #[arg(default_value = ".")]
        paths: Vec<PathBuf>,
        /// Change nothing; print a diff and exit 1 if a file would be rewritten.
        #[arg(long)]
        check: bool,
        /// Language of messages (default from LANG: ja* → ja, else en).
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
    },
    /// Run the language server on stdin/stdout (for editors).
    Lsp {
        /// Language of messages and hover texts, for every document
        /// (default: each document's config's `lang`, else from LANG).
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
    },
    /// Draw a design as a DOT or Mermaid graph, violations in red.
    Graph {
        /// The design.
        file: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value = "dot")]
        format: graph::GraphFormat,
        /// `--only mynumber`: only flows carrying 特定個人情報.
        #[arg(long, value_name = "mynumber", value_parser = ["mynumber"])]
        only: Option<String>,
        /// Only flows carrying this data item.
        #[arg(long, value_name = "ITEM")]
        item: Option<String>,
        /// Only flows for a purpose of this section (declared in it, or allowed by its rules), e.g. 7(1).
        #[arg(long, value_name = "ID")]
        section: Option<String>,
        /// Every actor ITEM can reach through the flows, and by which path;
        /// the rest drawn grey (`--format json` lists them).
        #[arg(long, value_name = "ITEM")]
        reach: Option<String>,
        /// Print the time each stage took to stderr (those of `check`, then
        /// drawing the picture and writing it).
        #[arg(long)]
        timings: bool,
        #[command(flatten)]
        common: Common,
    },
    /// Write one self-contained HTML page for reviewers: the findings, a
    /// picture of each design with filters, and the coverage.
    Report {
        /// Designs (files, or folders searched for *.myna).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// The HTML file to write.
        #[arg(long, short, value_name = "FILE")]
        output: PathBuf,
        /// Report only these codes or prefixes (MN102, MN1, ALL), comma-separated
        /// [default: the config's `select`, else all].
        #[arg(long, value_name = "CODES", value_delimiter = ',')]
        select: Vec<String>,
        /// Never report these codes or prefixes (added to the config's `ignore`).
        #[arg(long, value_name = "CODES", value_delimiter = ',')]
        ignore: Vec<String>,
        #[command(flatten)]
        common: Common,
    },
    /// Which `allow` rules the designs exercise, and which none does.
    Coverage {
        /// Designs (files, or folders searched for *.myna).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Exit 1 when the share of rules exercised is below PCT percent.
        #[arg(long, value_name = "PCT", value_parser = coverage::percentage)]
        fail_under: Option<f64>,
        /// Output format.
        #[arg(long, value_enum, default_value = "human")]
        format: ReportFormat,
        /// Print the time each stage took to stderr (those of `check`
        /// summed over the designs, then measuring and writing).
        #[arg(long)]
        timings: bool,
        #[command(flatten)]
        common: Common,
    },
    /// The 特定個人情報 inventory and records of exchanges, for the PIA.
    Inventory {
        /// The design.
        file: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value = "md")]
        format: inventory::InventoryFormat,
        /// Print the time each stage took to stderr (those of `check`, then
        /// drawing the inventory and writing it).
        #[arg(long)]
        timings: bool,
        #[command(flatten)]
        common: Common,
    },
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
        /// Language of the descriptions in the script (default from LANG).
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
    },
    /// Write the man pages (roff) into a folder; `man/` in the repository
    /// holds them, and a test fails when they are stale.
    #[command(hide = true)]
    Manpages {
        /// Folder to write into.
        out: PathBuf,
    },
    /// Show the rulebook.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
}

#[derive(Subcommand, Debug)]
enum RulesCommand {
    /// List sections and their purposes.
    List {
        #[command(flatten)]
        common: Common,
    },
    /// Show one section (its purposes, rules and contractors), or without
    /// SECTION the whole vocabulary: roles, categories, purposes, contractors.
    Show {
        /// Section id, e.g. 7(1).
        section: Option<String>,
        /// Output format (the vocabulary only).
        #[arg(long, value_enum, default_value = "human")]
        format: ReportFormat,
        #[command(flatten)]
        common: Common,
    },
    /// Write a built-in rulebook's source, to read it or to start your own.
    Export {
        /// The built-in rulebook, e.g. kenpo.
        name: String,
        /// Write to FILE instead of standard output.
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Compare two rulebooks: what the change allows or forbids, and (with
    /// --impact) which flows of the designs change verdict.
    Diff {
        /// The old rulebook (a path, or `kenpo`).
        old: String,
        /// The new rulebook (a path, or `kenpo`).
        new: String,
        /// Designs (files or folders) to check against both rulebooks,
        /// whatever rulebook their `use` names.
        #[arg(long, value_name = "PATH", num_args = 1..)]
        impact: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value = "human")]
        format: ReportFormat,
        /// Language (default from LANG).
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
        /// Exit 1 when the new rulebook allows anything the old one did not.
        #[arg(long)]
        fail_on_broadening: bool,
        /// Print the time each stage took to stderr (with --impact, those
        /// of `check` summed over the designs and both rulebooks).
        #[arg(long)]
        timings: bool,
    },
    /// Lint rulebooks (MN6xx): outdated citations, a register without a
    /// contractor role, redundant rules, purposes nobody may carry out.
    Check {
        /// Rulebooks (paths, or `kenpo`); the built-in `kenpo` when none.
        rulebooks: Vec<String>,
        /// Output format.
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        /// Language of messages (default from LANG: ja* → ja, else en).
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
        /// When to use colour.
        #[arg(long, value_enum, default_value = "auto")]
        color: ColorArg,
        /// `--deny warnings`: warnings fail the run too.
        #[arg(long, value_name = "warnings", value_parser = ["warnings"])]
        deny: Option<String>,
    },
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    /// `file:line:col: CODE message`, one line per finding.
    Concise,
    Json,
    Sarif,
    Github,
    /// GitLab Code Quality JSON.
    Gitlab,
    Junit,
}

/// Output formats of reports that are not lists of findings (coverage).
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportFormat {
    Human,
    Json,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LangArg {
    Ja,
    En,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

/// The language from `--lang`, else the locale (LC_ALL, LC_MESSAGES, LANG).
pub fn lang(arg: Option<LangArg>) -> Lang {
    match arg {
        Some(LangArg::Ja) => Lang::Ja,
        Some(LangArg::En) => Lang::En,
        None => ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
            .map_or(Lang::En, |l| Lang::from_locale(&l)),
    }
}

/// Whether to colour stdout.
pub fn color(arg: ColorArg) -> bool {
    use std::io::IsTerminal;
    match arg {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}

/// Writes `mynaflow.1` and one `mynaflow-COMMAND.1` per subcommand, each
/// with the sections clap does not write (`manpage_sections`), and the
/// same pages in Japanese under `ja/` (`man_ja`).
fn manpages(out: &std::path::Path) -> u8 {
    fn names(cmd: &clap::Command, name: &str, acc: &mut Vec<String>) {
        acc.push(name.to_string());
        for sub in cmd
            .get_subcommands()
            .filter(|s| !s.is_hide_set() && s.get_name() != "help")
        {
            names(sub, &format!("{name}-{}", sub.get_name()), acc);
        }
    }
    fn write(
        cmd: clap::Command,
        name: &str,
        all: &[String],
        out: &std::path::Path,
    ) -> std::io::Result<()> {
        let mut buf = Vec::new();
        clap_mangen::Man::new(cmd.clone())
            .title(name)
            .render(&mut buf)?;
        buf.extend_from_slice(manpage_sections::render(name, all).as_bytes());
        std::fs::write(out.join(format!("{name}.1")), buf)?;
        for sub in cmd
            .get_subcommands()
            .filter(|s| !s.is_hide_set() && s.get_name() != "help")
        {
            let sub_name = format!("{name}-{}", sub.get_name());
            write(sub.clone().name(sub_name.clone()), &sub_name, all, out)?;
        }
        Ok(())
    }
    let mut cmd = <Cli as clap::CommandFactory>::command();
    cmd.build();
    let mut all = Vec::new();
    names(&cmd, "mynaflow", &mut all);
    match std::fs::create_dir_all(out)
        .and_then(|_| write(cmd, "mynaflow", &all, out))
        .and_then(|_| man_ja::write(&out.join("ja")))
    {
        Ok(()) => OK,
        Err(e) => {
            let shown = mynaflow::escape::visible(&out.display().to_string()).into_owned();
            output::fail(&format!("{shown}: {e}"));
            FAILURE
        }
    }
}

/// Parses the arguments and runs the command.
pub fn main() -> ExitCode {
    // In the run's language, help and errors included (parse.rs).
    let cli = match parse::parse() {
        Ok(c) => c,
        Err(code) => return ExitCode::from(code),
    };
    crate::allocator::configure(match cli.command {
        Command::Lsp { .. } => crate::allocator::Run::Serving,
        _ => crate::allocator::Run::Once,
    });
    // A run once over folders that stay put may remember them; the
    // language server outlives edits and resolves every path afresh.
    if !matches!(cli.command, Command::Lsp { .. }) {
        mynaflow::canonical::remember_folders();
    }
    crate::pipes::widen_standard_output();
    let code = match cli.command {
        Command::Check {
            paths,
            common,
            format,
            deny,
            quiet,
            baseline,
            write_baseline,
            timings,
            select,
            ignore,
            exit_zero,
            max_per_code,
            output_file,
            statistics,
            stdin_filename,
            fix,
            unsafe_fixes,
            diff,
        } => check::run(&check::Options {
            paths,
            common,
            format,
            deny_warnings: deny.is_some(),
            quiet,
            baseline,
            write_baseline,
            timings,
            select,
            ignore,
            exit_zero,
            max_per_code,
            output_file,
            statistics,
            stdin_filename,
            fix,
            unsafe_fixes,
            diff,
        }),
        Command::Test {
            paths,
            common,
            update,
            timings,
        } => {
            if update {
                test_update::run(&paths, &common)
            } else {
                test::run(&paths, timings, &common)
            }
        }
        Command::Explain { code, lang: l } => explain::run(code.as_deref(), lang(l)),
        Command::Fmt {
            paths,
            check,
            lang: l,
        } => fmt::run(&paths, check, lang(l)),
        Command::Lsp { lang: l } => lsp::run(l),
        Command::Completions { shell, lang: l } => {
            let lang = lang(l);
            // The descriptions in the language `--help` is in: the
            // Japanese command under Japanese.
            let mut cmd = match lang {
                Lang::En => <Cli as clap::CommandFactory>::command(),
                Lang::Ja => help_ja::for_completions(),
            };
            // Drawn into memory: `generate` panics when its writer fails.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut cmd, "mynaflow", &mut script);
            match stdout::write_with(|w| w.write_all(&script)) {
                Ok(()) => OK,
                Err(e) => e.fail(lang),
            }
        }
        Command::Manpages { out } => manpages(&out),
        Command::Graph {
            file,
            format,
            only,
            item,
            section,
            reach,
            timings,
            common,
        } => graph::run(&graph::GraphArgs {
            file: &file,
            format,
            options: mynaflow::diagram::Options {
                only_mynumber: only.is_some(),
                item,
                section,
                flows: None,
                lang: mynaflow::text::Lang::En,
            },
            reach,
            timings,
            common: &common,
        }),
        Command::Report {
            paths,
            output,
            select,
            ignore,
            common,
        } => report::run(&report::Options {
            paths: &paths,
            output: &output,
            select: &select,
            ignore: &ignore,
            common: &common,
        }),
        Command::Coverage {
            paths,
            fail_under,
            format,
            timings,
            common,
        } => coverage::run(&paths, fail_under, format, timings, &common),
        Command::Inventory {
            file,
            format,
            timings,
            common,
        } => inventory::run(&file, format, timings, &common),
        Command::Rules { command } => match command {
            RulesCommand::List { common } => rules::list(&common),
            RulesCommand::Show {
                section: Some(section),
                common,
                ..
            } => rules::show(&section, &common),
            RulesCommand::Show {
                section: None,
                format,
                common,
            } => rules_vocabulary::show(format, &common),
            RulesCommand::Export { name, output } => {
                rules_vocabulary::export(&name, output.as_deref())
            }
            RulesCommand::Diff {
                old,
                new,
                impact,
                format,
                lang: l,
                fail_on_broadening,
                timings,
            } => rules_diff::run(&rules_diff::Options {
                old: &old,
                new: &new,
                impact: &impact,
                format,
                lang: l,
                fail_on_broadening,
                timings,
            }),
            RulesCommand::Check {
                rulebooks,
                format,
                lang: l,
                color: c,
                deny,
            } => rules::check(&rulebooks, format, lang(l), color(c), deny.is_some()),
        },
    };
    ExitCode::from(code)
}
