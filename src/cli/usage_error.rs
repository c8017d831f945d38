//! clap's errors about the command line (an unknown option, a value not
//! allowed, a missing argument), said in Japanese under `--lang ja`, and
//! what they echo from the command line made visible in both languages.
//!
//! clap words its errors itself, in English only; the Japanese is made
//! here from what the error holds (`Error::get` with a `ContextKind`), in
//! the layout clap uses: the sentence, hints, the usage line, where to
//! read more.

use clap::error::{ContextKind, ContextValue, Error, ErrorKind};
use mynaflow::escape::visible;
use mynaflow::text::Text;
use std::fmt;

/// A value refused by one of our value parsers (`coverage --fail-under`),
/// with the reason in both languages: clap shows the English (`Display`),
/// the Japanese error finds the Japanese through the error's source.
#[derive(Debug)]
pub struct BadValue(pub Text);

impl fmt::Display for BadValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.en)
    }
}

impl std::error::Error for BadValue {}

/// `e` with every text it holds from the command line (an argument, a
/// value, a hint quoting them) passed through [`visible`]: a control
/// character typed into, or smuggled into, an argument never reaches the
/// terminal or a CI log as it is. A hint is made plain when it needs
/// escaping, as escaping its styled form would break its colours.
pub fn escaped(mut e: Error) -> Error {
    let mut changed = Vec::new();
    for (kind, value) in e.context() {
        let value = match value {
            ContextValue::String(s) => match visible(s) {
                std::borrow::Cow::Owned(v) => ContextValue::String(v),
                std::borrow::Cow::Borrowed(_) => continue,
            },
            ContextValue::Strings(list) if list.iter().any(|s| visible(s) != s.as_str()) => {
                ContextValue::Strings(list.iter().map(|s| visible(s).into_owned()).collect())
            }
            ContextValue::StyledStrs(list)
                if list
                    .iter()
                    .any(|s| visible(&s.to_string()) != s.to_string()) =>
            {
                ContextValue::StyledStrs(
                    list.iter()
                        .map(|s| visible(&s.to_string()).into_owned().into())
                        .collect(),
                )
            }
            _ => continue,
        };
        changed.push((kind, value));
    }
    for (kind, value) in changed {
        e.insert(kind, value);
    }
    e
}

/// The text of context `kind` of `e`, when it is one string.
fn one(e: &Error, kind: ContextKind) -> Option<&str> {
    match e.get(kind) {
        Some(ContextValue::String(s)) => Some(s),
        _ => None,
    }
}

/// The texts of context `kind` of `e`, when it is a list (or one string).
fn many(e: &Error, kind: ContextKind) -> Vec<String> {
    match e.get(kind) {
        Some(ContextValue::Strings(list)) => list.clone(),
        Some(ContextValue::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}

/// The number of context `kind` of `e`.
fn number(e: &Error, kind: ContextKind) -> Option<isize> {
    match e.get(kind) {
        Some(ContextValue::Number(n)) => Some(*n),
        _ => None,
    }
}

/// The sentence that says what is wrong, in Japanese (its first line),
/// then any lines that belong to it (the values allowed, the arguments
/// missing). Without the context a sentence needs (an error clap made
/// without it), it says only that the arguments are wrong: never the
/// English.
fn sentence(e: &Error) -> String {
    let arg = one(e, ContextKind::InvalidArg);
    let value = one(e, ContextKind::InvalidValue);
    let indented =
        |list: &[String]| -> String { list.iter().map(|s| format!("\n  {s}")).collect::<String>() };
    let said = match e.kind() {
        ErrorKind::UnknownArgument => arg.map(|a| format!("想定していない引数 `{a}` があります")),
        ErrorKind::InvalidSubcommand => one(e, ContextKind::InvalidSubcommand)
            .map(|s| format!("`{s}` というコマンドはありません")),
        ErrorKind::InvalidValue => arg.zip(value).map(|(a, v)| {
            let mut s = if v.is_empty() {
                format!("`{a}` には値が必要ですが、指定されていません")
            } else {
                format!("`{v}` は `{a}` に指定できる値ではありません")
            };
            let allowed = many(e, ContextKind::ValidValue);
            if !allowed.is_empty() {
                s.push_str(&format!("\n  [指定できる値: {}]", allowed.join(", ")));
            }
            s
        }),
        ErrorKind::ValueValidation => arg.zip(value).map(|(a, v)| {
            let why = std::error::Error::source(e).and_then(reason);
            match why {
                Some(why) => format!("`{v}` は `{a}` の値として正しくありません: {why}"),
                None => format!("`{v}` は `{a}` の値として正しくありません"),
            }
        }),
        ErrorKind::MissingRequiredArgument => {
            let missing = many(e, ContextKind::InvalidArg);
            (!missing.is_empty()).then(|| format!("次の引数が必要です:{}", indented(&missing)))
        }
        ErrorKind::MissingSubcommand => one(e, ContextKind::InvalidSubcommand).map(|s| {
            let mut said = format!("`{s}` にはコマンドが必要です");
            let valid = many(e, ContextKind::ValidSubcommand);
            if !valid.is_empty() {
                said.push_str(&format!("\n  [コマンド: {}]", valid.join(", ")));
            }
            said
        }),
        ErrorKind::ArgumentConflict => conflict(e),
        ErrorKind::NoEquals => arg.map(|a| format!("`{a}` に値を指定するには `=` が必要です")),
        ErrorKind::TooManyValues => arg.zip(value).map(|(a, v)| {
            format!("`{a}` に余分な値 `{v}` があります (これ以上の値は指定できません)")
        }),
        ErrorKind::TooFewValues => {
            let actual = number(e, ContextKind::ActualNumValues);
            let min = number(e, ContextKind::MinValues);
            arg.zip(actual.zip(min)).map(|(a, (actual, min))| {
                format!("`{a}` には値が {min} 個必要ですが、{actual} 個しかありません")
            })
        }
        ErrorKind::WrongNumberOfValues => {
            let actual = number(e, ContextKind::ActualNumValues);
            let expected = number(e, ContextKind::ExpectedNumValues);
            arg.zip(actual.zip(expected)).map(|(a, (actual, n))| {
                format!("`{a}` には値が {n} 個必要ですが、{actual} 個指定されています")
            })
        }
        ErrorKind::InvalidUtf8 => Some("引数が UTF-8 ではありません".to_string()),
        _ => None,
    };
    said.unwrap_or_else(|| "コマンドラインの引数が正しくありません".to_string())
}

/// An argument given with one it excludes, or twice.
fn conflict(e: &Error) -> Option<String> {
    let (what, name) = match (
        one(e, ContextKind::InvalidArg),
        one(e, ContextKind::InvalidSubcommand),
    ) {
        (Some(a), _) => ("", a),
        (None, Some(s)) => ("コマンド ", s),
        (None, None) => return None,
    };
    Some(match e.get(ContextKind::PriorArg) {
        Some(ContextValue::String(p)) if p == name => {
            format!("{what}`{name}` は 1 回しか指定できません")
        }
        Some(ContextValue::String(p)) => {
            format!("{what}`{name}` は `{p}` と一緒には指定できません")
        }
        Some(ContextValue::Strings(list)) => {
            let list: String = list.iter().map(|p| format!("\n  {p}")).collect();
            format!("{what}`{name}` は次の引数と一緒には指定できません:{list}")
        }
        _ => format!("{what}`{name}` は、ほかに指定した引数と一緒には指定できません"),
    })
}

/// Why a value parser refused a value, in Japanese: ours say it in both
/// languages ([`BadValue`]); the standard library's number parsers are
/// worded here. Another parser's English reason is left out.
fn reason(source: &(dyn std::error::Error + 'static)) -> Option<String> {
    use std::num::IntErrorKind;
    if let Some(BadValue(t)) = source.downcast_ref::<BadValue>() {
        return Some(visible(&t.ja).into_owned());
    }
    if let Some(int) = source.downcast_ref::<std::num::ParseIntError>() {
        return Some(
            match int.kind() {
                IntErrorKind::Empty => "値が空です",
                IntErrorKind::PosOverflow => "値が大きすぎます",
                IntErrorKind::NegOverflow => "値が小さすぎます",
                _ => "0 以上の整数を指定してください",
            }
            .to_string(),
        );
    }
    if source.downcast_ref::<std::num::ParseFloatError>().is_some() {
        return Some("数を指定してください".to_string());
    }
    None
}

/// The hints of `e` in Japanese: the argument, command or value it may
/// have meant, and clap's tips, whose English is recognised by its shape
/// (one that is not is left out rather than said in English).
fn hints(e: &Error) -> Vec<String> {
    let meant = |s: &str| format!("`{s}` の誤りではありませんか？");
    let mut out = Vec::new();
    for kind in [
        ContextKind::SuggestedSubcommand,
        ContextKind::SuggestedArg,
        ContextKind::SuggestedValue,
    ] {
        if let Some(first) = many(e, kind).first() {
            out.push(meant(first));
        }
    }
    if let Some(ContextValue::StyledStrs(tips)) = e.get(ContextKind::Suggested) {
        for tip in tips {
            let tip = tip.to_string();
            if let Some(said) = tip_in_japanese(&tip, e) {
                out.push(said);
            }
        }
    }
    out
}

/// One of clap's tips in Japanese, by its shape: `to pass 'X' as a value,
/// use 'Y'`, `'X' exists`, `subcommand 'X' exists; to use it, remove the
/// '--' before it`.
fn tip_in_japanese(tip: &str, e: &Error) -> Option<String> {
    fn quoted(s: &str) -> Option<&str> {
        s.strip_prefix('\'').and_then(|s| s.strip_suffix('\''))
    }
    if tip.starts_with("to pass ") {
        let arg = one(e, ContextKind::InvalidArg).or(one(e, ContextKind::InvalidSubcommand))?;
        let (_, usage) = tip.rsplit_once(", use ")?;
        let usage = quoted(usage)?;
        return Some(format!(
            "`{arg}` を値として渡すには `{usage}` と書いてください"
        ));
    }
    if tip.starts_with("subcommand ") {
        let arg = one(e, ContextKind::InvalidArg)?;
        return Some(format!(
            "コマンド `{arg}` があります。使うには前の `--` を取ってください"
        ));
    }
    let exists = quoted(tip.strip_suffix(" exists")?)?;
    Some(format!("`{exists}` の誤りではありませんか？"))
}

/// The usage line of the command the error is about (`mynaflow check
/// [オプション] [パス]...`), as the Japanese command sets it.
fn usage(e: &Error) -> Option<String> {
    match e.get(ContextKind::Usage) {
        Some(ContextValue::StyledStr(u)) => {
            let u = u.to_string();
            Some(u.strip_prefix("Usage: ").unwrap_or(&u).trim().to_string())
        }
        _ => None,
    }
}

/// The error in Japanese, as it is printed after `mynaflow: エラー: `:
/// the sentence, hints, the usage line, and which help to read: that of
/// `command` (`mynaflow check`), the command the arguments named, as not
/// every error holds a usage line to find it in.
pub fn japanese(e: &Error, command: &str) -> String {
    let mut out = sentence(e);
    let hints = hints(e);
    if !hints.is_empty() {
        out.push('\n');
        for h in hints {
            out.push_str(&format!("\n  ヒント: {h}"));
        }
    }
    if let Some(u) = usage(e) {
        out.push_str(&format!("\n\n使い方: {u}"));
    }
    out.push_str(&format!(
        "\n\n詳しくは `{command} --help` を参照してください"
    ));
    out
}
