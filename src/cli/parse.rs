//! Parsing the command line in the run's language. The arguments are
//! parsed first (by the English command: the Japanese one parses exactly
//! as it does); when clap stops at them (the help, the version, an
//! error), the language of what it prints is decided as the command
//! would decide its messages: `--lang` among the raw arguments, else the
//! `lang` of the `mynaflow.toml` the command would read, else the locale.
//! Under Japanese the arguments are parsed again by the Japanese command
//! (`help_ja`), so that its help is drawn in Japanese, and errors are
//! worded by `usage_error`.

use super::{Cli, FAILURE, OK, check, help_ja, output, stdout, usage_error};
use clap::{CommandFactory, FromArgMatches};
use mynaflow::text::Lang;
use std::ffi::{OsStr, OsString};
use std::path::PathBuf;

/// The first `--lang ja|en` or `--lang=ja|en` among the arguments (the
/// program's name left out). A `--lang` with another value is clap's
/// error to report, in the language decided without it. Arguments after
/// `--` are values, never options.
fn lang_argument(args: &[OsString]) -> Option<Lang> {
    let mut args = args.iter().map(|a| a.to_str());
    while let Some(arg) = args.next() {
        let value = match arg {
            Some("--") => break,
            Some("--lang") => args.next().flatten(),
            Some(a) => a.strip_prefix("--lang="),
            None => None,
        };
        if let Some(lang) = value.and_then(Lang::parse) {
            return Some(lang);
        }
    }
    None
}

/// The language of the help and the errors of a run with these arguments
/// (the program's name left out), `cmd` being the command line: in the
/// order the command itself follows ([`output::lang_of`]), `--lang`, else
/// the `lang` of the config it would read ([`config_lang`]), else the
/// locale.
pub fn language(cmd: &clap::Command, args: &[OsString]) -> Lang {
    match lang_argument(args) {
        Some(lang) => lang,
        None => match config_lang(cmd, args) {
            Some(lang) => lang,
            None => super::lang(None),
        },
    }
}

/// The parsed command line, or the exit status when there is nothing to
/// run: 0 once the help or the version is printed, 2 after an error (1
/// is for findings, never for a command line).
pub fn parse() -> Result<Cli, u8> {
    let args: Vec<OsString> = std::env::args_os().collect();
    let rest = args.get(1..).unwrap_or_default();
    // A command line that parses needs no language here: its config is
    // read once, by the command.
    let mut cmd = Cli::command();
    let e = match parsed(&mut cmd, &args) {
        Ok(cli) => return Ok(cli),
        Err(e) => e,
    };
    let lang = language(&cmd, rest);
    let e = match lang {
        Lang::En => e,
        // The same arguments stop the Japanese command at the same place.
        Lang::Ja => {
            cmd = help_ja::named(&invoked_as(&args));
            match parsed(&mut cmd, &args) {
                Ok(cli) => return Ok(cli),
                Err(e) => e,
            }
        }
    };
    let command = command_path(&cmd, rest);
    Err(refused(&usage_error::escaped(e), lang, &args, &command))
}

/// The name the program was run by, as clap takes it for its usage lines:
/// the file name of the first argument, else `mynaflow`.
pub fn invoked_as(args: &[OsString]) -> String {
    (args.first())
        .and_then(|a| std::path::Path::new(a).file_name())
        .and_then(|f| f.to_str())
        // A name is shown as any text from input is.
        .map_or_else(
            || "mynaflow".to_string(),
            |f| mynaflow::escape::visible(f).into_owned(),
        )
}

/// `args` parsed by `cmd`, or where clap stopped (`cmd` is then built as
/// far as the parse went: its help is drawn from it).
fn parsed(cmd: &mut clap::Command, args: &[OsString]) -> Result<Cli, clap::Error> {
    cmd.try_get_matches_from_mut(args)
        .and_then(|m| Cli::from_arg_matches(&m).map_err(|e| e.format(cmd)))
}

/// The `lang` of the `mynaflow.toml` the command the arguments name would
/// read, found as it finds it ([`output::read_config`]: `--no-config`,
/// `--config FILE`, else the nearest one from the first path given or
/// the current folder; for `check -`, from `--stdin-filename`), with the
/// arguments read by the command line's own description ([`Sought`]),
/// not parsed: clap stopped at them. None for a command that reads no
/// config (`fmt`, `explain`, `lsp`, `rules diff|check|export`,
/// `completions`, and `mynaflow` itself with no command), and for one
/// that cannot be read: the help is then in the language decided without
/// it, and says nothing of the config, as the help and the exit status
/// of a command line must not depend on a file's content, and the
/// command, once its arguments are right, says what is wrong with it.
fn config_lang(cmd: &clap::Command, args: &[OsString]) -> Option<Lang> {
    let mut cmd = cmd.clone();
    // Every subcommand's arguments known (whether each takes a value).
    cmd.build();
    let sought = Sought::of(&cmd, args)?;
    let start = std::env::current_dir().map(|d| mynaflow::input::resolved(&d));
    let from = check::config_from(&sought.paths, sought.stdin_filename.as_deref());
    let config = output::read_config(
        (sought.no_config, sought.config.as_deref()),
        from.first().map(PathBuf::as_path),
        start.as_ref().ok().map(PathBuf::as_path),
    );
    config.ok().flatten()?.lang.as_deref().and_then(Lang::parse)
}

/// What the arguments of a command that reads a config say of where it
/// is, read as clap would read them (each option known, by the command's
/// description, to take a value or not) but without their values checked.
#[derive(Debug, Default, PartialEq, Eq)]
struct Sought {
    /// `--no-config`.
    no_config: bool,
    /// `--config FILE`.
    config: Option<PathBuf>,
    /// The paths given (`paths` or `file`), in order.
    paths: Vec<PathBuf>,
    /// `--stdin-filename PATH` (`check -`).
    stdin_filename: Option<PathBuf>,
}

impl Sought {
    /// What `args` (the program's name left out) say to `cmd`, a built
    /// command line; None when the command they name reads no config (it
    /// has no `--config`), or when they name none.
    fn of(cmd: &clap::Command, args: &[OsString]) -> Option<Sought> {
        let mut at = cmd;
        let mut out = Sought::default();
        let mut args = args.iter();
        let mut values_only = false;
        let mut positionals = 0;
        while let Some(arg) = args.next() {
            let text = arg.to_str();
            match text {
                _ if values_only => out.positional(at, &mut positionals, arg),
                Some("--") => values_only = true,
                Some(long) if long.starts_with("--") => {
                    let (name, inline) = match long[2..].split_once('=') {
                        Some((name, value)) => (name, Some(OsStr::new(value))),
                        None => (&long[2..], None),
                    };
                    let Some(known) = at.get_arguments().find(|a| a.get_long() == Some(name))
                    else {
                        // Unknown: clap's error; whether a value follows
                        // is not known, and none is taken.
                        continue;
                    };
                    let value = match inline {
                        Some(v) => Some(v),
                        None if takes_value(known) => args.next().map(OsString::as_os_str),
                        None => None,
                    };
                    out.option(known.get_id().as_str(), value);
                }
                Some(short) if short.starts_with('-') && short.len() > 1 => {
                    // A cluster (`-qo FILE`): the first that takes a value
                    // takes the rest, or the next argument.
                    for (i, c) in short.char_indices().skip(1) {
                        let Some(known) = at.get_arguments().find(|a| a.get_short() == Some(c))
                        else {
                            continue;
                        };
                        if takes_value(known) {
                            let rest = &short[i + c.len_utf8()..];
                            let value = match rest {
                                "" => args.next().map(OsString::as_os_str),
                                _ => Some(OsStr::new(rest.strip_prefix('=').unwrap_or(rest))),
                            };
                            out.option(known.get_id().as_str(), value);
                            break;
                        }
                    }
                }
                // A word where a command takes its subcommand names one
                // (`help` names the command whose help it prints).
                Some(word) if at.has_subcommands() => {
                    if word == "help" {
                        continue;
                    }
                    at = at.find_subcommand(word)?;
                }
                _ => out.positional(at, &mut positionals, arg),
            }
        }
        at.get_arguments()
            .any(|a| a.get_id() == "config")
            .then_some(out)
    }

    /// An option's value.
    fn option(&mut self, id: &str, value: Option<&OsStr>) {
        let path = value.map(PathBuf::from);
        match id {
            "no_config" => self.no_config = true,
            "config" => self.config = path.or(self.config.take()),
            "stdin_filename" => self.stdin_filename = path.or(self.stdin_filename.take()),
            _ => {}
        }
    }

    /// The `n`th value that is not an option's, of command `at`: kept when
    /// it is a path (`paths`, or `file`), not a section's id.
    fn positional(&mut self, at: &clap::Command, n: &mut usize, value: &OsStr) {
        let mut positionals = at.get_positionals();
        let first = positionals.next();
        // `paths` takes every value; any other, one.
        let arg = match first {
            Some(a) if a.get_id() == "paths" => Some(a),
            _ => at.get_positionals().nth(*n),
        };
        *n += 1;
        if arg.is_some_and(|a| matches!(a.get_id().as_str(), "paths" | "file")) {
            self.paths.push(PathBuf::from(value));
        }
    }
}

/// Does the option take a value (`--format FMT`), not a flag (`--quiet`)?
fn takes_value(arg: &clap::Arg) -> bool {
    arg.get_action().takes_values()
}

/// The command the arguments name (`mynaflow rules diff`): the program,
/// then each argument that names a subcommand of the command before it.
/// Arguments after `--` are values.
fn command_path(cmd: &clap::Command, args: &[OsString]) -> String {
    // The name it was invoked by, as the usage line above shows it.
    let mut path = vec![cmd.get_bin_name().unwrap_or(cmd.get_name()).to_string()];
    let mut at = cmd;
    for arg in args.iter().filter_map(|a| a.to_str()) {
        if arg == "--" {
            break;
        }
        // `help` takes command names, and has no `--help` of its own.
        if let Some(sub) = at.find_subcommand(arg).filter(|s| s.get_name() != "help") {
            path.push(sub.get_name().to_string());
            at = sub;
        }
    }
    path.join(" ")
}

/// Prints what clap stopped at (the help, the version, or an error about
/// the arguments of `command`) and gives the exit status.
fn refused(e: &clap::Error, lang: Lang, args: &[OsString], command: &str) -> u8 {
    use clap::error::ErrorKind;
    // The help and the version, and the help clap prints for a command
    // given without what it needs (`mynaflow rules`), are clap's own
    // drawing of the command, which is Japanese under Japanese.
    let own = !e.use_stderr() || e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand;
    let message = match lang {
        Lang::Ja if !own => {
            let said = usage_error::japanese(e, command);
            eprintln!("mynaflow: エラー: {said}");
            said
        }
        _ => {
            let printed = e.print();
            // Help and the version are the run's output, on standard
            // output: one that could not be written fails as any other.
            if let (false, Err(why)) = (e.use_stderr(), printed) {
                return stdout::Unwritten::from(why).fail(lang);
            }
            e.to_string()
        }
    };
    if !e.use_stderr() {
        return OK;
    }
    // `check --format sarif` with a bad argument still gives a log that
    // says why, not an empty file. An argument that is not UTF-8 is read
    // lossily: it cannot be `check`, `--format` or `sarif`.
    let args: Vec<String> = args
        .iter()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    check::sarif_for_bad_arguments(&args, &message, lang);
    FAILURE
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(args: &[&str]) -> Vec<OsString> {
        args.iter().map(OsString::from).collect()
    }

    #[test]
    fn the_language_argument_is_found_before_parsing() {
        let lang_of = |args: &[&str]| lang_argument(&os(args));
        assert_eq!(lang_of(&["check", "--lang", "ja"]), Some(Lang::Ja));
        assert_eq!(lang_of(&["check", "--lang=ja", "x"]), Some(Lang::Ja));
        assert_eq!(lang_of(&["--lang", "en", "check"]), Some(Lang::En));
        assert_eq!(
            lang_of(&["check", "--lang", "xx", "--lang", "ja"]),
            Some(Lang::Ja)
        );
        assert_eq!(lang_of(&["check", "--", "--lang", "ja"]), None);
        assert_eq!(lang_of(&["check", "x"]), None);
    }

    /// Where the config is looked for, read from arguments clap stopped
    /// at, as the command reads them.
    #[test]
    fn where_the_config_is_is_read_from_arguments_that_do_not_parse() {
        let mut cmd = Cli::command();
        cmd.build();
        let of = |args: &[&str]| Sought::of(&cmd, &os(args));
        let paths = |p: &[&str]| p.iter().map(PathBuf::from).collect::<Vec<_>>();
        // Options' values are not paths; an unknown option takes none.
        let s = of(&[
            "check",
            "--format",
            "sarif",
            "-o",
            "out.sarif",
            "--bogus",
            "designs",
            "more",
        ]);
        assert_eq!(s.map(|s| s.paths), Some(paths(&["designs", "more"])));
        let s = of(&["check", "--rules=kenpo", "-qo", "x", "a.myna", "--help"]);
        assert_eq!(s.map(|s| s.paths), Some(paths(&["a.myna"])));
        let s = of(&["check", "--config", "ci.toml", "--", "--weird"]).unwrap_or_default();
        assert_eq!(s.config, Some(PathBuf::from("ci.toml")));
        assert_eq!(s.paths, paths(&["--weird"]));
        let s = of(&["check", "-", "--stdin-filename=d/a.myna", "--no-config"]).unwrap_or_default();
        assert_eq!(
            (s.no_config, s.stdin_filename, s.paths),
            (true, Some(PathBuf::from("d/a.myna")), paths(&["-"]))
        );
        // A design named as `file`; a section's id is no path.
        assert_eq!(
            of(&["graph", "d.myna", "--x"]).map(|s| s.paths),
            Some(paths(&["d.myna"]))
        );
        assert_eq!(
            of(&["rules", "show", "7(1)"]).map(|s| s.paths),
            Some(Vec::new())
        );
        assert_eq!(of(&["help", "check"]).map(|s| s.paths), Some(Vec::new()));
        // Commands that read no config, and no command.
        for args in [
            &["fmt", "--bogus"][..],
            &["rules", "diff", "a", "b"],
            &["explain", "MN102"],
            &["lsp"],
            &["--help"],
            &["chek"],
        ] {
            assert_eq!(of(args), None, "{args:?}");
        }
    }
}
