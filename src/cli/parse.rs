//! Parsing the command line in the run's language. The language is
//! decided before clap parses (from `--lang` among the raw arguments,
//! else the locale), so that the help and clap's errors are in it too:
//! under Japanese the parser is the Japanese command (`help_ja`), which
//! parses exactly as the English one, and errors are worded by
//! `usage_error`.

use super::{Cli, FAILURE, OK, check, help_ja, stdout, usage_error};
use clap::{CommandFactory, FromArgMatches};
use mynaflow::text::Lang;
use std::ffi::OsString;

/// The language of a run with these arguments (the program's name left
/// out): the first `--lang ja|en` or `--lang=ja|en`, else the locale, as
/// [`super::lang`] decides it once the arguments are parsed. A `--lang`
/// with another value is clap's error to report, in the locale's
/// language. Arguments after `--` are values, never options.
pub fn language(args: &[OsString]) -> Lang {
    let mut args = args.iter().map(|a| a.to_str());
    while let Some(arg) = args.next() {
        let value = match arg {
            Some("--") => break,
            Some("--lang") => args.next().flatten(),
            Some(a) => a.strip_prefix("--lang="),
            None => None,
        };
        if let Some(lang) = value.and_then(Lang::parse) {
            return lang;
        }
    }
    super::lang(None)
}

/// The parsed command line, or the exit status when there is nothing to
/// run: 0 once the help or the version is printed, 2 after an error (1
/// is for findings, never for a command line).
pub fn parse() -> Result<Cli, u8> {
    let args: Vec<OsString> = std::env::args_os().collect();
    let lang = language(args.get(1..).unwrap_or_default());
    let mut cmd = match lang {
        Lang::En => Cli::command(),
        Lang::Ja => help_ja::command(),
    };
    let parsed = cmd
        .try_get_matches_from_mut(&args)
        .and_then(|m| Cli::from_arg_matches(&m).map_err(|e| e.format(&mut cmd)));
    parsed.map_err(|e| {
        let command = command_path(&cmd, args.get(1..).unwrap_or_default());
        refused(&usage_error::escaped(e), lang, &args, &command)
    })
}

/// The command the arguments name (`mynaflow rules diff`): the program,
/// then each argument that names a subcommand of the command before it.
/// Arguments after `--` are values.
fn command_path(cmd: &clap::Command, args: &[OsString]) -> String {
    let mut path = vec![cmd.get_name().to_string()];
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
    check::sarif_for_bad_arguments(&args, &message);
    FAILURE
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lang_of(args: &[&str]) -> Option<Lang> {
        let args: Vec<OsString> = args.iter().map(OsString::from).collect();
        // The locale is the fallback; these cases never reach it.
        Some(language(&args))
    }

    #[test]
    fn the_language_is_found_before_parsing() {
        assert_eq!(lang_of(&["check", "--lang", "ja"]), Some(Lang::Ja));
        assert_eq!(lang_of(&["check", "--lang=ja", "x"]), Some(Lang::Ja));
        assert_eq!(lang_of(&["--lang", "en", "check"]), Some(Lang::En));
        assert_eq!(
            lang_of(&["check", "--lang", "xx", "--lang", "ja"]),
            Some(Lang::Ja)
        );
    }
}
